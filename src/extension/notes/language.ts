// The ntlab block language: one command per line, the same actions as the palette, written in a
// learner's notes and run against the simulation. Documented in demo/notes/ntlab-language.md.
// This module parses; run.ts executes. Pure: no vscode. Errors carry a code and arguments (the
// host localizes them) and the columns they cover, so the host can underline them.
import {
  PAGE_EXECUTE, PAGE_EXECUTE_READ, PAGE_EXECUTE_READWRITE, PAGE_EXECUTE_WRITECOPY, PAGE_GUARD, PAGE_NOACCESS,
  PAGE_NOCACHE, PAGE_READONLY, PAGE_READWRITE, PAGE_WRITECOPY,
} from '../../engine';
import { kdLine, kdPromptEnd } from './kdlines';
import { editDistance } from './recognize';

/** An address or number: a literal, or a variable plus an offset (`$a+0x1000`). */
export type Value =
  | { readonly kind: 'literal'; readonly value: bigint }
  | { readonly kind: 'variable'; readonly name: string; readonly offset: bigint };

export type MemoryListOp = 'MemoryFlushModifiedList' | 'MemoryPurgeStandbyList' | 'MemoryEmptyWorkingSets';
export type ThreadName = 'zeroPageThread' | 'modifiedPageWriter' | 'balanceSetManager';

export type Command =
  | { readonly op: 'boot'; readonly memoryMB?: number; readonly pageFileMB?: number; readonly fresh: boolean }
  | { readonly op: 'process'; readonly image: string; readonly suspended: boolean }
  | { readonly op: 'use'; readonly pid: Value }
  | { readonly op: 'alloc'; readonly pid?: Value; readonly size: bigint; readonly allocation: 'reserve' | 'commit' | 'reserve+commit'; readonly protect: number; readonly large: boolean; readonly at?: Value }
  | { readonly op: 'touch'; readonly address: Value; readonly write: boolean; readonly pages: number }
  | { readonly op: 'read'; readonly address: Value; readonly count: number }
  | { readonly op: 'write'; readonly address: Value; readonly bytes: Uint8Array }
  | { readonly op: 'protect'; readonly address: Value; readonly size: bigint; readonly protect: number }
  | { readonly op: 'free'; readonly address: Value; readonly decommitSize?: bigint }
  | { readonly op: 'query'; readonly address: Value }
  | { readonly op: 'walk'; readonly address: Value }
  | { readonly op: 'trim'; readonly pid?: Value }
  | { readonly op: 'map'; readonly size: bigint; readonly protect: number; readonly name?: string }
  | { readonly op: 'memoryList'; readonly command: MemoryListOp }
  | { readonly op: 'run'; readonly thread: ThreadName }
  | { readonly op: 'lists' }
  | { readonly op: 'privilege'; readonly name: string; readonly pid?: Value }
  /** A kernel-debugger line (`kd> !process 0 0 notepad.exe`), run by the debugger's command core. */
  | { readonly op: 'kd'; readonly line: string };

/** One parsed line. `line` is the document line. */
export interface Statement {
  readonly line: number;
  /** `$name = ...`: where the result goes (besides `$last`). */
  readonly assign?: string;
  readonly command: Command;
}

export type ParseErrorCode =
  | 'unknownCommand' | 'missingArgument' | 'badNumber' | 'badSize' | 'badProtection' | 'unexpected'
  | 'badVariable' | 'badHex' | 'unknownThread' | 'unterminatedString' | 'notAssignable';

export interface ParseError {
  readonly line: number;
  readonly start: number;
  readonly end: number;
  readonly code: ParseErrorCode;
  /** Arguments of the message: what was written, what was expected, a suggestion. */
  readonly args: readonly string[];
}

export interface ParseResult {
  readonly statements: readonly Statement[];
  readonly errors: readonly ParseError[];
}

/** Every command word, with a one-line synopsis (completion and hover in the host show these). */
export const COMMANDS: Readonly<Record<string, { readonly synopsis: string; readonly en: string; readonly zh: string }>> = {
  boot: { synopsis: 'boot [<MB> MB] [pagefile <MB> MB]', en: 'Start the simulation if none runs (with the given RAM and paging file).', zh: '如果没有正在运行的模拟，就启动一个（可指定内存和页面文件大小）。' },
  reset: { synopsis: 'reset [<MB> MB] [pagefile <MB> MB]', en: 'Start a fresh simulated machine, discarding the current one.', zh: '启动一台新的模拟机器，丢弃当前的。' },
  process: { synopsis: 'process <image> [suspended]', en: 'CreateProcess: runs stages 1-7; the result is the new pid, which becomes the current process.', zh: 'CreateProcess：执行阶段 1-7；结果为新进程的 pid，并成为当前进程。' },
  use: { synopsis: 'use <pid>', en: 'Make another process the current one.', zh: '把另一个进程设为当前进程。' },
  alloc: { synopsis: 'alloc [<pid>] <size> [reserve|commit] [<protection>] [large] [at <address>]', en: 'VirtualAlloc in a process (default: the current one, MEM_RESERVE|MEM_COMMIT, rw); the result is the base address.', zh: '在进程中调用 VirtualAlloc（默认：当前进程、MEM_RESERVE|MEM_COMMIT、rw）；结果为基地址。' },
  touch: { synopsis: 'touch <address> [write] [<n> pages]', en: 'Access one byte of each page, as an instruction would: may page-fault.', zh: '像指令一样访问每页的一个字节：可能引发缺页。' },
  read: { synopsis: 'read <address> [<n>]', en: 'ReadMemory: read n bytes (default 16).', zh: 'ReadMemory：读取 n 个字节（默认 16）。' },
  write: { synopsis: 'write <address> <hex bytes> | "text"', en: 'WriteMemory: store bytes (hex pairs or a quoted string).', zh: 'WriteMemory：写入字节（十六进制或带引号的字符串）。' },
  protect: { synopsis: 'protect <address> <size> <protection>', en: 'VirtualProtect; the result is the old protection.', zh: 'VirtualProtect；结果为旧的保护属性。' },
  free: { synopsis: 'free <address> [decommit <size>]', en: 'VirtualFree: MEM_RELEASE of the whole region, or MEM_DECOMMIT of a range.', zh: 'VirtualFree：MEM_RELEASE 释放整个区域，或 MEM_DECOMMIT 解除提交一段范围。' },
  query: { synopsis: 'query <address>', en: 'VirtualQuery: MEMORY_BASIC_INFORMATION of the region.', zh: 'VirtualQuery：该区域的 MEMORY_BASIC_INFORMATION。' },
  walk: { synopsis: 'walk <address>', en: 'The 4-level translation of an address (!pte): PXE, PPE, PDE, PTE.', zh: '地址的四级转换（!pte）：PXE、PPE、PDE、PTE。' },
  trim: { synopsis: 'trim [<pid>]', en: 'SetProcessWorkingSetSize(-1, -1): empty the working set.', zh: 'SetProcessWorkingSetSize(-1, -1)：清空工作集。' },
  map: { synopsis: 'map <size> [<protection>] [name "<name>"]', en: 'CreateFileMapping (pagefile-backed) + MapViewOfFile in the current process.', zh: '在当前进程中 CreateFileMapping（页面文件支持）+ MapViewOfFile。' },
  'flush-modified': { synopsis: 'flush-modified', en: 'MemoryFlushModifiedList: write the modified list out.', zh: 'MemoryFlushModifiedList：写出已修改链表。' },
  'purge-standby': { synopsis: 'purge-standby', en: 'MemoryPurgeStandbyList: free the standby list.', zh: 'MemoryPurgeStandbyList：清空备用链表。' },
  'empty-working-sets': { synopsis: 'empty-working-sets', en: 'MemoryEmptyWorkingSets: trim every working set.', zh: 'MemoryEmptyWorkingSets：修剪所有工作集。' },
  run: { synopsis: 'run zero-page-thread | modified-page-writer | balance-set-manager', en: 'Run one pass of a memory-manager system thread.', zh: '运行内存管理器系统线程一轮。' },
  lists: { synopsis: 'lists', en: 'The page list counts (SYSTEM_MEMORY_LIST_INFORMATION).', zh: '各页面链表的计数（SYSTEM_MEMORY_LIST_INFORMATION）。' },
  'kd>': { synopsis: 'kd> <debugger command>', en: 'A kernel-debugger line (WinDbg syntax, as in the console: !process 0 0, dt nt!_EPROCESS, !pte, !pfn...); its output appears after the line and in the hover.', zh: '内核调试器命令行（WinDbg 语法，与控制台相同：!process 0 0、dt nt!_EPROCESS、!pte、!pfn……）；输出显示在该行之后和悬停提示中。' },
  privilege: { synopsis: 'privilege <name> [<pid>]', en: 'Grant a privilege (e.g. SeLockMemoryPrivilege for large pages) to a process.', zh: '授予进程特权（例如大页所需的 SeLockMemoryPrivilege）。' },
};

export const PROTECTIONS: Readonly<Record<string, number>> = {
  noaccess: PAGE_NOACCESS, na: PAGE_NOACCESS, r: PAGE_READONLY, ro: PAGE_READONLY, rw: PAGE_READWRITE,
  wc: PAGE_WRITECOPY, writecopy: PAGE_WRITECOPY, x: PAGE_EXECUTE, rx: PAGE_EXECUTE_READ, rwx: PAGE_EXECUTE_READWRITE,
  xwc: PAGE_EXECUTE_WRITECOPY,
  page_noaccess: PAGE_NOACCESS, page_readonly: PAGE_READONLY, page_readwrite: PAGE_READWRITE, page_writecopy: PAGE_WRITECOPY,
  page_execute: PAGE_EXECUTE, page_execute_read: PAGE_EXECUTE_READ, page_execute_readwrite: PAGE_EXECUTE_READWRITE,
  page_execute_writecopy: PAGE_EXECUTE_WRITECOPY,
};
const PROTECTION_MODIFIERS: Readonly<Record<string, number>> = { guard: PAGE_GUARD, page_guard: PAGE_GUARD, nocache: PAGE_NOCACHE, page_nocache: PAGE_NOCACHE };

export const THREADS: Readonly<Record<string, ThreadName>> = {
  'zero-page-thread': 'zeroPageThread', 'modified-page-writer': 'modifiedPageWriter', 'balance-set-manager': 'balanceSetManager',
};

interface Token { readonly text: string; readonly start: number; readonly end: number; readonly quoted: boolean }

class LineError extends Error {
  constructor(readonly at: { start: number; end: number }, readonly code: ParseErrorCode, readonly args: string[]) { super(code); }
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    // Any white space separates tokens (U+3000 in Chinese notes, NBSP, a BOM, a lone CR): the word
    // scanner below stops at all of them, so skipping only ' ' and tab here looped forever (issue 19).
    if (/\s/.test(c)) { i++; continue; }
    if (c === '#' || (c === '/' && text[i + 1] === '/')) break; // comment
    if (c === '"') {
      const close = text.indexOf('"', i + 1);
      if (close < 0) throw new LineError({ start: i, end: text.length }, 'unterminatedString', []);
      tokens.push({ text: text.slice(i + 1, close), start: i, end: close + 1, quoted: true });
      i = close + 1;
      continue;
    }
    if (c === '=') { tokens.push({ text: '=', start: i, end: i + 1, quoted: false }); i++; continue; }
    let j = i;
    while (j < text.length && !/[\s"=#]/.test(text[j]!)) j++;
    tokens.push({ text: text.slice(i, j), start: i, end: j, quoted: false });
    i = j;
  }
  return tokens;
}

const SIZE_UNITS: Readonly<Record<string, bigint>> = { '': 1n, b: 1n, k: 1024n, kb: 1024n, m: 1n << 20n, mb: 1n << 20n, g: 1n << 30n, gb: 1n << 30n };

/** `4096`, `0x1000`, `64K`, `2 MB` (the unit may be the next token), `1G`. */
export function parseSize(text: string): bigint | undefined {
  const m = /^(0x[0-9a-f_]+|\d[\d_]*)\s*([kmg]?b?)$/i.exec(text.trim());
  if (!m) return undefined;
  const n = BigInt(m[1]!.replace(/_/g, ''));
  const unit = SIZE_UNITS[m[2]!.toLowerCase()];
  return unit === undefined ? undefined : n * unit;
}

function parseValue(t: Token): Value {
  const v = /^\$([A-Za-z_]\w*)(?:([+-])(.+))?$/.exec(t.text);
  if (v) {
    let offset = 0n;
    if (v[3] !== undefined) {
      const o = parseSize(v[3]);
      if (o === undefined) throw new LineError(t, 'badNumber', [v[3]]);
      offset = v[2] === '-' ? -o : o;
    }
    return { kind: 'variable', name: v[1]!, offset };
  }
  if (t.text.startsWith('$')) throw new LineError(t, 'badVariable', [t.text]);
  const n = parseSize(t.text);
  if (n === undefined) throw new LineError(t, 'badNumber', [t.text]);
  return { kind: 'literal', value: n };
}

/** A cursor over one line's tokens. */
class Args {
  private i = 0;
  constructor(private readonly tokens: readonly Token[], private readonly command: Token, private readonly lineLength: number) {}
  peek(): Token | undefined { return this.tokens[this.i]; }
  next(): Token | undefined { return this.tokens[this.i++]; }
  /** The next token, or a missing-argument error naming what was expected. */
  need(what: string): Token {
    const t = this.next();
    if (!t) throw new LineError({ start: this.command.start, end: this.lineLength }, 'missingArgument', [this.command.text, what]);
    return t;
  }
  /** Consumes the next token when it is one of `words` (case-insensitive). */
  accept(...words: string[]): string | undefined {
    const t = this.peek();
    if (t && !t.quoted && words.includes(t.text.toLowerCase())) { this.i++; return t.text.toLowerCase(); }
    return undefined;
  }
  /** A size, letting the unit be a separate token (`2 MB`). */
  size(what: string): bigint {
    const t = this.need(what);
    const unit = this.peek();
    if (unit && /^[kmg]b?$/i.test(unit.text) && /^(0x[0-9a-f]+|\d+)$/i.test(t.text)) {
      this.i++;
      return parseSize(t.text + unit.text)!;
    }
    const n = parseSize(t.text);
    if (n === undefined) throw new LineError(t, 'badSize', [t.text]);
    return n;
  }
  end(): void {
    const t = this.peek();
    if (t) throw new LineError(t, 'unexpected', [t.text]);
  }
}

function parseProtection(args: Args): number | undefined {
  const t = args.peek();
  if (!t || t.quoted) return undefined;
  const parts = t.text.toLowerCase().split('+');
  if (PROTECTIONS[parts[0]!] === undefined) return undefined;
  args.next();
  let p = PROTECTIONS[parts[0]!]!;
  for (const mod of parts.slice(1)) {
    const m = PROTECTION_MODIFIERS[mod];
    if (m === undefined) throw new LineError(t, 'badProtection', [t.text]);
    p |= m;
  }
  while (args.peek() && PROTECTION_MODIFIERS[args.peek()!.text.toLowerCase()] !== undefined) p |= PROTECTION_MODIFIERS[args.next()!.text.toLowerCase()]!;
  return p;
}

function requireProtection(args: Args, what: string): number {
  const t = args.need(what);
  // Put it back and parse it as a protection; anything else is a protection error.
  const p = parseProtection(new Args([t], t, t.end));
  if (p === undefined) throw new LineError(t, 'badProtection', [t.text]);
  while (args.peek() && PROTECTION_MODIFIERS[args.peek()!.text.toLowerCase()] !== undefined) args.next();
  return p;
}

/** Megabytes from a size token that may be written `256`, `256MB` or `256 MB` (plain numbers mean MB). */
function megabytes(args: Args, what: string): number {
  const t = args.need(what);
  const unit = args.peek();
  if (unit && /^[kmg]b?$/i.test(unit.text) && /^\d+$/.test(t.text)) {
    args.next();
    return Number(parseSize(t.text + unit.text)! >> 20n);
  }
  if (/^\d+$/.test(t.text)) return Number(t.text);
  const n = parseSize(t.text);
  if (n === undefined) throw new LineError(t, 'badSize', [t.text]);
  return Number(n >> 20n);
}

function parseCommand(word: Token, args: Args): Command {
  const name = word.text.toLowerCase();
  switch (name) {
    case 'boot':
    case 'reset': {
      let memoryMB: number | undefined;
      let pageFileMB: number | undefined;
      while (args.peek()) {
        if (args.accept('pagefile', 'paging-file')) pageFileMB = megabytes(args, 'size');
        else if (args.accept('memory', 'ram')) memoryMB = megabytes(args, 'size');
        else memoryMB = megabytes(args, 'size');
      }
      return { op: 'boot', fresh: name === 'reset', ...(memoryMB !== undefined ? { memoryMB } : {}), ...(pageFileMB !== undefined ? { pageFileMB } : {}) };
    }
    case 'process': {
      const image = args.need('image').text;
      const suspended = !!args.accept('suspended');
      args.end();
      return { op: 'process', image, suspended };
    }
    case 'use': {
      const pid = parseValue(args.need('pid'));
      args.end();
      return { op: 'use', pid };
    }
    case 'alloc': {
      // `alloc [<pid>] <size> ...`: two leading values mean pid then size.
      let pid: Value | undefined;
      const first = args.need('size');
      let sizeToken = first;
      const second = args.peek();
      const isValue = (t: Token | undefined) => !!t && !t.quoted && (/^\$/.test(t.text) || parseSize(t.text) !== undefined);
      if (isValue(second) && !/^[kmg]b?$/i.test(second!.text)) {
        pid = parseValue(first);
        sizeToken = args.next()!;
      }
      let size = parseSize(sizeToken.text);
      const unit = args.peek();
      if (size !== undefined && unit && /^[kmg]b?$/i.test(unit.text) && /^\d+$/.test(sizeToken.text)) { args.next(); size = parseSize(sizeToken.text + unit.text); }
      if (size === undefined) throw new LineError(sizeToken, 'badSize', [sizeToken.text]);
      let allocation: 'reserve' | 'commit' | 'reserve+commit' = 'reserve+commit';
      let protect = PAGE_READWRITE;
      let large = false;
      let at: Value | undefined;
      while (args.peek()) {
        const w = args.accept('reserve', 'commit', 'reserve+commit', 'large', 'at');
        if (w === 'reserve' || w === 'commit' || w === 'reserve+commit') allocation = w;
        else if (w === 'large') large = true;
        else if (w === 'at') at = parseValue(args.need('address'));
        else {
          const p = parseProtection(args);
          if (p === undefined) { const t = args.peek()!; throw new LineError(t, 'unexpected', [t.text]); }
          protect = p;
        }
      }
      return { op: 'alloc', size, allocation, protect, large, ...(pid ? { pid } : {}), ...(at ? { at } : {}) };
    }
    case 'touch': {
      const address = parseValue(args.need('address'));
      let write = false;
      let pages = 1;
      while (args.peek()) {
        if (args.accept('write', 'w')) write = true;
        else if (args.accept('read', 'r')) write = false;
        else {
          const t = args.next()!;
          if (!/^\d+$/.test(t.text)) throw new LineError(t, 'unexpected', [t.text]);
          pages = Number(t.text);
          args.accept('pages', 'page');
        }
      }
      return { op: 'touch', address, write, pages };
    }
    case 'read': {
      const address = parseValue(args.need('address'));
      let count = 16;
      if (args.peek()) count = Number(args.size('count'));
      args.end();
      return { op: 'read', address, count };
    }
    case 'write': {
      const address = parseValue(args.need('address'));
      const first = args.need('bytes');
      let bytes: Uint8Array;
      if (first.quoted) bytes = new TextEncoder().encode(first.text);
      else {
        const hex: string[] = [first.text];
        while (args.peek()) hex.push(args.next()!.text);
        const joined = hex.join('').replace(/^0x/i, '');
        if (!/^([0-9a-f]{2})+$/i.test(joined)) throw new LineError({ start: first.start, end: first.end }, 'badHex', [hex.join(' ')]);
        bytes = Uint8Array.from(joined.match(/../g)!.map((b) => parseInt(b, 16)));
      }
      args.end();
      return { op: 'write', address, bytes };
    }
    case 'protect': {
      const address = parseValue(args.need('address'));
      const size = args.size('size');
      const protect = requireProtection(args, 'protection');
      args.end();
      return { op: 'protect', address, size, protect };
    }
    case 'free': {
      const address = parseValue(args.need('address'));
      let decommitSize: bigint | undefined;
      if (args.accept('decommit')) decommitSize = args.size('size');
      else args.accept('release');
      args.end();
      return { op: 'free', address, ...(decommitSize !== undefined ? { decommitSize } : {}) };
    }
    case 'query':
    case 'walk': {
      const address = parseValue(args.need('address'));
      args.end();
      return { op: name, address };
    }
    case 'trim': {
      const t = args.next();
      args.end();
      return t ? { op: 'trim', pid: parseValue(t) } : { op: 'trim' };
    }
    case 'map': {
      const size = args.size('size');
      let protect = PAGE_READWRITE;
      let mapName: string | undefined;
      while (args.peek()) {
        if (args.accept('name')) mapName = args.need('name').text;
        else protect = requireProtection(args, 'protection');
      }
      return { op: 'map', size, protect, ...(mapName !== undefined ? { name: mapName } : {}) };
    }
    case 'flush-modified': args.end(); return { op: 'memoryList', command: 'MemoryFlushModifiedList' };
    case 'purge-standby': args.end(); return { op: 'memoryList', command: 'MemoryPurgeStandbyList' };
    case 'empty-working-sets': args.end(); return { op: 'memoryList', command: 'MemoryEmptyWorkingSets' };
    case 'run': {
      const t = args.need('thread');
      const thread = THREADS[t.text.toLowerCase()];
      if (!thread) throw new LineError(t, 'unknownThread', [t.text, closest(t.text, Object.keys(THREADS)) ?? '']);
      args.end();
      return { op: 'run', thread };
    }
    case 'lists': args.end(); return { op: 'lists' };
    case 'privilege': {
      const p = args.need('privilege').text;
      const t = args.next();
      args.end();
      return { op: 'privilege', name: p, ...(t ? { pid: parseValue(t) } : {}) };
    }
    default:
      throw new LineError(word, 'unknownCommand', [word.text, closest(name, Object.keys(COMMANDS)) ?? '']);
  }
}

function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: { c: string; d: number } | undefined;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c, 2);
    if (d <= 2 && (!best || d < best.d)) best = { c, d };
  }
  return best?.c;
}

/**
 * Parses the body lines of one ntlab block. Never throws: every problem is a ParseError. With
 * `maxErrors`, parsing stops at that many errors (diagnostics on open: an unclosed ```ntlab fence
 * makes the rest of a 5 MB file one block of prose, each line an error).
 */
export function parseBlock(lines: ReadonlyArray<{ readonly line: number; readonly text: string }>, maxErrors = Infinity): ParseResult {
  const statements: Statement[] = [];
  const errors: ParseError[] = [];
  for (const { line, text } of lines) {
    if (errors.length >= maxErrors) break;
    try {
      const s = parseLine(text, line);
      if (s) statements.push(s);
    } catch (e) {
      if (e instanceof LineError) errors.push({ line, start: e.at.start, end: Math.max(e.at.end, e.at.start + 1), code: e.code, args: e.args });
      else errors.push({ line, start: 0, end: Math.max(1, text.length), code: 'unexpected', args: [String(e)] });
    }
  }
  return { statements, errors };
}

/** Parses one line: undefined for blank and comment lines. Throws LineError. */
function parseLine(text: string, line: number): Statement | undefined {
  // `kd> ...` and `0: kd> ...`: the rest of the line is the debugger's (its own syntax, `#` included).
  if (kdPromptEnd(text) >= 0) {
    const command = kdLine(text);
    return command ? { line, command: { op: 'kd', line: command } } : undefined;
  }
  const tokens = tokenize(text);
  if (tokens.length === 0) return undefined;
  let assign: string | undefined;
  let rest = tokens;
  if (tokens.length >= 2 && tokens[1]!.text === '=' && !tokens[1]!.quoted) {
    const v = /^\$([A-Za-z_]\w*)$/.exec(tokens[0]!.text);
    if (!v) throw new LineError(tokens[0]!, 'badVariable', [tokens[0]!.text]);
    if (v[1] === 'last') throw new LineError(tokens[0]!, 'notAssignable', [tokens[0]!.text]);
    assign = v[1]!;
    rest = tokens.slice(2);
    if (rest.length === 0) throw new LineError({ start: tokens[1]!.start, end: text.length }, 'missingArgument', ['=', 'command']);
  }
  const word = rest[0]!;
  const args = new Args(rest.slice(1), word, text.length);
  const command = parseCommand(word, args);
  return { line, command, ...(assign ? { assign } : {}) };
}
