// Memory commands: db/dw/dd/dq/da/du, !db, eb/ed/eq, !pte, !vtop, !pfn. Output layouts follow the
// Microsoft Learn debugger reference ("d, da, db, dc, dd, dD, df, dp, dq, du, dw (Display Memory)",
// "e, ea, eb, ed... (Enter Values)", "!pte", "!vtop", "!pfn"); the !pte flag letters and their
// order (C G L D A N T U/K W/R E V) are the ones the !pte page tabulates.
import { MM_HIGHEST_USER_ADDRESS, NtException, type DecodedPte } from '../../engine';
import { KdError } from './expr';
import { hexColumn, hexDigits, PAGE_SHIFT_N, PAGE_SIZE, PAGE_SIZE_N, pointer, pointerDigits } from '../present/format';
import type { KdTarget } from './target';

type Out = string[];

/** Largest display WinDbg allows without `L?` is 256 KB; the simulation caps a display at 64 KB. */
const MAX_DISPLAY_BYTES = 0x10000;

/** The unit and default length of each display command. */
const DISPLAY: Record<string, { unit: 1 | 2 | 4 | 8; count: number }> = {
  db: { unit: 1, count: 0x80 }, dw: { unit: 2, count: 0x40 }, dd: { unit: 4, count: 0x20 }, dq: { unit: 8, count: 0x10 },
  da: { unit: 1, count: 0x100 }, du: { unit: 2, count: 0x100 },
};

/** Splits `addr L count` (or `addr Lcount`); the count is an expression in elements. */
export function parseRange(t: KdTarget, args: string[], defaultCount: number, defaultAddress: bigint | undefined): { address: bigint; count: number } {
  let address = defaultAddress;
  let count = defaultCount;
  const rest = [...args];
  if (rest.length > 0 && !/^l/i.test(rest[0]!)) address = t.eval(rest.shift()!);
  if (rest.length > 0) {
    const l = rest.shift()!;
    if (!/^l/i.test(l)) throw new KdError(`Couldn't resolve error at '${[l, ...rest].join(' ')}'`);
    const text = l.length > 1 ? l.slice(1) : rest.shift();
    if (text === undefined || text === '?') throw new KdError(`Range error in '${args.join(' ')}'`);
    const n = t.eval(text.replace(/^\?/, ''));
    if (n === 0n || n > BigInt(MAX_DISPLAY_BYTES)) throw new KdError(`Range error in '${args.join(' ')}'`);
    count = Number(n);
    if (rest.length > 0) throw new KdError(`Couldn't resolve error at '${rest.join(' ')}'`);
  }
  if (address === undefined) throw new KdError('Numeric expression missing from \'\'');
  return { address, count };
}

function byteChar(b: number): string { return b >= 0x20 && b < 0x7F ? String.fromCharCode(b) : '.'; }

/** Formats bytes read (with -1 for unreadable) the way d* prints them. */
export function formatDump(kind: string, address: bigint, bytes: Int16Array): string[] {
  const out: string[] = [];
  if (kind === 'da' || kind === 'du') {
    const unit = kind === 'da' ? 1 : 2;
    if (bytes[0]! < 0) return [`${pointer(address)}  ${'?'.repeat(2)}`];
    let s = '';
    for (let i = 0; i + unit - 1 < bytes.length; i += unit) {
      if (bytes[i]! < 0 || (unit === 2 && bytes[i + 1]! < 0)) break;
      const c = unit === 1 ? bytes[i]! : bytes[i]! | (bytes[i + 1]! << 8);
      if (c === 0) break;
      s += c >= 0x20 && c !== 0x7F && c < 0xFFFE ? String.fromCharCode(c) : '.';
    }
    return [`${pointer(address)}  ${kind === 'du' ? '' : ''}"${s}"`];
  }
  const unit = { db: 1, dw: 2, dd: 4, dq: 8 }[kind] as 1 | 2 | 4 | 8;
  const perLine = 16;
  for (let line = 0; line < bytes.length; line += perLine) {
    const cells: string[] = [];
    let ascii = '';
    for (let i = line; i < Math.min(line + perLine, bytes.length); i += unit) {
      let unreadable = false;
      let v = 0n;
      for (let k = unit - 1; k >= 0; k--) {
        const b = bytes[i + k];
        if (b === undefined || b < 0) unreadable = true;
        else v = (v << 8n) | BigInt(b);
      }
      const text = unreadable ? '?'.repeat(unit * 2) : hexDigits(v, unit * 2);
      cells.push(unit === 8 ? (unreadable ? '????????`????????' : pointer(v)) : text);
      if (unit === 1) ascii += bytes[i]! < 0 ? '?' : byteChar(bytes[i]!);
    }
    let body: string;
    if (unit === 1) body = cells.slice(0, 8).join(' ') + (cells.length > 8 ? '-' + cells.slice(8).join(' ') : '');
    else body = cells.join(' ');
    out.push(`${pointer(address + BigInt(line))}  ${unit === 1 ? body.padEnd(perLine * 3 - 1) + '  ' + ascii : body}`);
  }
  return out;
}

/** db/dw/dd/dq/da/du [Address] [L Count] */
export function cmdDisplay(t: KdTarget, kind: string, args: string[], out: Out, physical = false): void {
  const d = DISPLAY[kind]!;
  const { address, count } = parseRange(t, args, d.count, t.state.next);
  const size = Math.min(MAX_DISPLAY_BYTES, count * (kind === 'da' || kind === 'du' ? d.unit : d.unit));
  const bytes = physical ? t.readPhysical(address, size) : t.read(address, size);
  const lines = formatDump(kind, address, bytes);
  if (physical) for (const l of lines) out.push('#' + l.replace(/^([0-9a-f]{8})`([0-9a-f]{8})/, (_m, a: string, b: string) => hexColumn(BigInt('0x' + a + b), 8)));
  else out.push(...lines);
  t.state.next = address + BigInt(size);
}

/** eb/ed/eq Address Values...: writes through the process's own store path (WriteMemory), faults and all. */
export function cmdEnter(t: KdTarget, kind: string, args: string[], out: Out): void {
  void out;
  if (args.length < 2) throw new KdError(`Numeric expression missing from '${args.join(' ')}'`);
  if (t.view.cursor !== undefined) throw new KdError('Memory write error: the time travel position is in the past (!tt 100 returns to the present)');
  const unit = { eb: 1, ew: 2, ed: 4, eq: 8 }[kind]!;
  const address = t.eval(args[0]!);
  const values = args.slice(1).map((a) => t.eval(a));
  const data = new Uint8Array(values.length * unit);
  values.forEach((v, i) => { for (let k = 0; k < unit; k++) data[i * unit + k] = Number((v >> BigInt(8 * k)) & 0xFFn); });
  try {
    t.view.live.win32(t.pid).WriteMemory(address, data);
  } catch (e) {
    if (e instanceof NtException) throw new KdError(`Memory access error at '${args[0]}'`);
    throw e;
  }
}

/** The !pte flag letters of a valid entry: C G L D A N T U/K W/R E V. */
export function pteFlags(d: DecodedPte): string {
  const f = d.fields as Record<string, boolean | number | bigint>;
  return (f.CopyOnWrite ? 'C' : '-') + (f.Global ? 'G' : '-') + (f.LargePage ? 'L' : '-') + (f.Dirty ? 'D' : '-') + (f.Accessed ? 'A' : '-')
    + (f.CacheDisable ? 'N' : '-') + (f.WriteThrough ? 'T' : '-') + (f.Owner ? 'U' : 'K') + (f.Write || f.Dirty1 ? 'W' : 'R') + (f.NoExecute ? '-' : 'E') + 'V';
}

/** MM protection names as !pte prints them (MM_READONLY = 1 ... MM_EXECUTE_WRITECOPY = 7). */
const MM_PROTECT = ['NoAccess', 'ReadOnly', 'Execute', 'ExecuteRead', 'ReadWrite', 'WriteCopy', 'ExecuteReadWrite', 'ExecuteWriteCopy'];
function protectText(p: number): string { return `${p.toString(16)} - ${MM_PROTECT[p & 7] ?? '?'}`; }

/** What !pte prints for an entry that is not valid. */
function invalidLines(d: DecodedPte): string[] {
  const f = d.fields as Record<string, number | bigint | boolean>;
  switch (d.kind) {
    case 'zero': return ['not valid', ''];
    case 'transition': return ['not valid', `Transition: ${Number(f.PageFrameNumber).toString(16)}`, `Protect: ${protectText(Number(f.Protection))}`];
    case 'prototype': return ['not valid', `Proto: ${pointerDigits(BigInt(f.ProtoAddress as bigint))}`, `Protect: ${protectText(Number(f.Protection))}`];
    case 'pageFile': return ['not valid', `PageFile:  ${Number(f.PageFileLow)}`, `Offset: ${(Number(f.PageFileHigh) * PAGE_SIZE).toString(16)}`, `Protect: ${protectText(Number(f.Protection))}`];
    case 'demandZero': return ['not valid', 'DemandZero', `Protect: ${protectText(Number(f.Protection))}`];
    case 'decommitted': return ['not valid', 'Decommitted', `Protect: ${protectText(Number(f.Protection))}`];
    default: return ['not valid'];
  }
}

/**
 * !pte on a system-space address (Learn, "!pte": the same four columns, PXE PPE PDE PTE, their
 * addresses in the page-table self map, `contains` and the decoded entry). The simulation keeps real
 * page tables for the pool regions only: the PTE of a pool page is read from its page-table page and
 * decoded as for a user address, the PDE column shows that page table's frame. The upper levels of the
 * kernel's tree (PXE, PPE) and the PDE's own bits are not simulated: their `contains` is `??` as the
 * debugger prints memory it cannot read. In the system PTE region the simulation records which PTEs a
 * kernel stack uses (a guard PTE below each stack) but keeps no pages behind them; session space keeps no
 * pages at all (README, "Simplifications"). Returns false for an address outside the simulated regions.
 */
function systemPte(t: KdTarget, va: bigint, out: Out): boolean {
  const info = t.system.querySystemAddress(va);
  if (!info) return false;
  const addr = t.system.getPagingStructureAddresses(va);
  const col = 27;
  const unknown = 'contains ????????????????';
  out.push(`${' '.repeat(43)}VA ${pointerDigits(va)}`);
  out.push(['PXE', 'PPE', 'PDE', 'PTE'].map((n) => `${n} at ${pointerDigits(addr[n.toLowerCase() as 'pxe']).toUpperCase()}`.padEnd(col)).join('').trimEnd());
  const pool = info.region === 'AssignedRegionNonPagedPool' || info.region === 'AssignedRegionPagedPool';
  const pde = info.tablePfn >= 0 ? `pfn ${info.tablePfn.toString(16).padEnd(9)} (page table)` : pool ? 'not valid' : 'not simulated';
  const pte = info.pte;
  out.push([unknown, unknown, unknown, pte ? `contains ${pointerDigits(pte.value).toUpperCase()}` : unknown].map((c) => c.padEnd(col)).join('').trimEnd());
  let last: string[];
  if (pte) last = pte.kind === 'hardware' ? [`pfn ${Number(pte.fields.PageFrameNumber).toString(16).padEnd(9)} ${pteFlags(pte)}`] : invalidLines(pte);
  else if (info.systemPte === 'stack') last = ['kernel stack (in use, no page simulated)'];
  else if (info.systemPte === 'guard') last = ['kernel stack guard PTE'];
  else if (info.systemPte === 'free') last = ['free system PTE'];
  else if (info.tablePfn < 0 && info.region !== 'AssignedRegionSession') last = ['not valid'];
  else last = ['no page simulated'];
  const notSimulated = 'not simulated';
  out.push([notSimulated, notSimulated, pde, last[0]!].map((c) => c.padEnd(col)).join('').trimEnd());
  for (const l of last.slice(1)) if (l) out.push(`${' '.repeat(col * 3)}${l}`);
  out.push(`(${info.region.replace('AssignedRegion', '')})`);
  return true;
}

/** !pte VirtualAddress */
export function cmdPte(t: KdTarget, args: string[], out: Out): void {
  if (!args[0]) throw new KdError('Numeric expression missing from \'\'');
  const va = t.eval(args[0]);
  if (va > MM_HIGHEST_USER_ADDRESS && systemPte(t, va, out)) return;
  const walk = t.system.walkAddress(t.pid, va);
  const addr = t.system.getPagingStructureAddresses(va);
  const col = 27;
  out.push(`${' '.repeat(43)}VA ${pointerDigits(va)}`);
  out.push(['PXE', 'PPE', 'PDE', 'PTE'].map((n) => `${n} at ${pointerDigits(addr[n.toLowerCase() as 'pxe']).toUpperCase()}`.padEnd(col)).join('').trimEnd());
  const contains: string[] = [];
  const third: string[] = [];
  const extra: string[][] = [];
  for (const level of walk.levels) {
    contains.push(`contains ${pointerDigits(level.decoded.value).toUpperCase()}`.padEnd(col));
    if (level.decoded.kind === 'hardware') {
      const pfn = Number(level.decoded.fields.PageFrameNumber);
      third.push(`pfn ${pfn.toString(16).padEnd(9)} ${pteFlags(level.decoded)}`.padEnd(col));
    } else {
      const lines = invalidLines(level.decoded);
      third.push(lines[0]!.padEnd(col));
      extra.push(lines.slice(1));
    }
  }
  out.push(contains.join('').trimEnd());
  out.push(third.join('').trimEnd());
  for (const e of extra) for (const l of e) if (l) out.push(`${' '.repeat(col * (walk.levels.length - 1))}${l}`);
}

/** !vtop PFN VirtualAddress (PFN 0 = the current process's directory base). */
export function cmdVtop(t: KdTarget, args: string[], out: Out): void {
  if (args.length < 2) throw new KdError('usage: !vtop PFN VirtualAddress');
  const dirPfn = t.eval(args[0]!);
  const va = t.eval(args[1]!);
  let pid = t.pid;
  if (dirPfn !== 0n) {
    const p = t.system.processIds.find((x) => BigInt(t.system.queryProcess(x)!.directoryTableBase) === dirPfn || BigInt(t.system.queryProcess(x)!.directoryTableBase) * PAGE_SIZE_N === dirPfn);
    if (p === undefined) throw new KdError(`Amd64VtoP: Virt ${pointerDigits(va)}, pagedir ${pointerDigits(dirPfn * PAGE_SIZE_N)}: no process has this directory base`);
    pid = p;
  }
  const walk = t.system.walkAddress(pid, va);
  out.push(`Amd64VtoP: Virt ${pointerDigits(va)}, pagedir ${pointerDigits(BigInt(t.system.queryProcess(pid)!.directoryTableBase) * PAGE_SIZE_N)}`);
  const names: Record<string, string> = { PXE: 'PML4E', PPE: 'PDPE', PDE: 'PDE', PTE: 'PTE' };
  for (const level of walk.levels) {
    out.push(`Amd64VtoP: ${names[level.level]} ${pointerDigits(BigInt(level.tablePfn) * PAGE_SIZE_N + BigInt(level.index) * 8n)}`);
    if (level.decoded.kind !== 'hardware') { out.push(`Amd64VtoP: zero ${names[level.level]}`); }
  }
  if (walk.physicalAddress === null) { out.push(`Virtual address ${hexColumn(va)} translation fails, error 0xD0000147.`); return; }
  out.push(`Amd64VtoP: ${walk.largePage ? `Large page mapped phys` : 'Mapped phys'} ${pointerDigits(walk.physicalAddress)}`);
  out.push(`Virtual address ${hexColumn(va)} translates to physical address ${hexColumn(walk.physicalAddress)}.`);
}

/**
 * !pfn PageFrame, in the layout of Learn's "!pfn" example:
 *     PFN 00000154
 *     blink / share count 00000001  pteaddress FFFFCB01...
 *     reference count 0001                  Priority 5
 *     restore pte 00000060  containing page 00003B  Active  M
 *     Modified
 * Left out, because the simulation has no value for them rather than inventing one: `at address`
 * (no MmPfnDatabase base is simulated), `flink` (u1: no list links or MI_ACTIVE_PFN are kept), the
 * used entry count and the cache color. The state letters are M (Modified) and P (PrototypePte), with
 * their words on the last line ("Modified", "Shared") as the extension prints them.
 */
export function cmdPfn(t: KdTarget, args: string[], out: Out): void {
  if (!args[0]) throw new KdError('Numeric expression missing from \'\'');
  const v = t.eval(args[0]);
  // A physical address (past the last page frame number) is taken as the page that holds it, as !pfn does.
  const pfn = v >= BigInt(t.system.physicalPageCount) ? v >> PAGE_SHIFT_N : v;
  if (pfn >= BigInt(t.system.physicalPageCount)) throw new KdError(`${v.toString(16)} is not a valid PFN`);
  const f = t.system.queryPfn(Number(pfn));
  const up = (x: bigint | number, digits: number): string => hexDigits(x, digits).toUpperCase();
  const letters = `${f.Modified ? 'M' : ''}${f.PrototypePte ? 'P' : ''}`;
  out.push(`    PFN ${up(Number(pfn), 8)}`);
  out.push(`    blink / share count ${up(f.ShareCount, 8)}  pteaddress ${up(f.PteAddress, 16)}`);
  out.push(`    reference count ${up(f.ReferenceCount, 4)}                  Priority ${f.Priority}`);
  out.push(`    restore pte ${up(f.OriginalPte, 16)}  containing page ${up(f.PteFrame, 6)}  ${f.State}${letters ? '  ' + letters : ''}`);
  const words = [f.Modified ? 'Modified' : '', f.PrototypePte ? 'Shared' : ''].filter(Boolean);
  if (words.length) out.push(`    ${words.join(' ')}`);
}
