// The ntlab block language: parsing (errors with line numbers and columns, never a throw) and
// running blocks against a real engine System.
import { describe, expect, it } from 'vitest';
import {
  createSystem, MEM_COMMIT, MEM_LARGE_PAGES, MEM_PRIVATE, MEM_RELEASE, MEM_RESERVE, PAGE_GUARD, PAGE_READONLY, PAGE_READWRITE, SE_LOCK_MEMORY_NAME, type System,
} from '../../src/engine';
import { claimAgrees, findLargePageClaims, largePageFact } from '../../src/extension/notes/facts';
import { parseBlock, parseSize } from '../../src/extension/notes/language';
import { recognize } from '../../src/extension/notes/recognize';
import { RunState, runStatements, type RunHost } from '../../src/extension/notes/run';

/** Lines of a block as they sit in a document starting at `firstLine`. */
function block(text: string, firstLine = 10) {
  return text.split('\n').map((t, i) => ({ line: firstLine + i, text: t }));
}

function host(initial?: System): RunHost & { booted: number } {
  let system = initial;
  return {
    booted: 0,
    system: () => system,
    boot(options) { this.booted++; system = createSystem({ physicalMemoryMB: 64, pageFileMB: 64, ...options }); return system; },
  };
}

describe('ntlab language: parsing', () => {
  it('parses every documented command and assignment', () => {
    const { statements, errors } = parseBlock(block([
      'boot 64 MB pagefile 128MB',
      '$p = process notepad.exe suspended',
      '$a = alloc $p 64K commit rw+guard',
      'alloc 1M reserve',
      'touch $a+0x1000 write 3 pages',
      'read $a 32',
      'write $a 48 65 6c 6c 6f',
      'write $a "hi"',
      'protect $a 4K r',
      'free $a decommit 4K',
      'free $a',
      'query $a   # the region',
      'walk 0x7ff000000000',
      'trim $p',
      'map 64K name "shared"',
      'flush-modified',
      'purge-standby',
      'empty-working-sets',
      'run zero-page-thread',
      'lists',
      'privilege SeLockMemoryPrivilege $p',
      '// a comment',
      '',
    ].join('\n')));
    expect(errors).toEqual([]);
    expect(statements.map((s) => s.command.op)).toEqual([
      'boot', 'process', 'alloc', 'alloc', 'touch', 'read', 'write', 'write', 'protect', 'free', 'free', 'query', 'walk', 'trim', 'map',
      'memoryList', 'memoryList', 'memoryList', 'run', 'lists', 'privilege',
    ]);
    expect(statements[0]!.command).toEqual({ op: 'boot', fresh: false, memoryMB: 64, pageFileMB: 128 });
    expect(statements[1]).toMatchObject({ line: 11, assign: 'p', command: { op: 'process', image: 'notepad.exe', suspended: true } });
    expect(statements[2]!.command).toMatchObject({ op: 'alloc', pid: { kind: 'variable', name: 'p' }, size: 0x10000n, allocation: 'commit', protect: PAGE_READWRITE | PAGE_GUARD });
    expect(statements[4]!.command).toMatchObject({ op: 'touch', address: { kind: 'variable', name: 'a', offset: 0x1000n }, write: true, pages: 3 });
    expect(statements[6]!.command).toMatchObject({ op: 'write', bytes: Uint8Array.from([0x48, 0x65, 0x6c, 0x6c, 0x6f]) });
    expect(statements[8]!.command).toMatchObject({ op: 'protect', size: 4096n, protect: PAGE_READONLY });
  });

  it('reports errors with the document line, the columns and a suggestion, and keeps parsing', () => {
    const { statements, errors } = parseBlock(block([
      'proces notepad.exe',        // 10: unknown command, did you mean process
      'alloc 64Q',                 // 11: bad size
      'protect 0x10000 4K rwz',    // 12: bad protection
      'touch',                     // 13: missing address
      'write 0x10000 4',           // 14: odd hex
      'run zero-page-thred',       // 15: unknown thread
      'lists extra',               // 16: unexpected
      '$last = lists',             // 17: $last is read-only
      'write 0x1 "open',           // 18: unterminated string
      'lists',                     // 19: fine
    ].join('\n')));
    expect(errors.map((e) => [e.line, e.code])).toEqual([
      [10, 'unknownCommand'], [11, 'badSize'], [12, 'badProtection'], [13, 'missingArgument'], [14, 'badHex'],
      [15, 'unknownThread'], [16, 'unexpected'], [17, 'notAssignable'], [18, 'unterminatedString'],
    ]);
    expect(errors[0]).toMatchObject({ start: 0, end: 6, args: ['proces', 'process'] });
    expect(errors[2]).toMatchObject({ start: 19, end: 22, args: ['rwz'] });
    expect(errors[5]!.args).toEqual(['zero-page-thred', 'zero-page-thread']);
    expect(statements.map((s) => s.line)).toEqual([19]);
  });

  it('never throws, whatever the input', () => {
    const junk = ['=', '$ = x', '$1 = lists', 'alloc $', 'alloc $a+zz 4K', '"', '\u0000\u{1F600}', 'touch 0x', 'boot pagefile', 'free $a decommit'];
    const { errors } = parseBlock(block(junk.join('\n'), 0));
    expect(errors.length).toBe(junk.length);
    for (const e of errors) expect(e.end).toBeGreaterThan(e.start);
  });

  it('reads sizes the way notes write them', () => {
    expect(parseSize('64K')).toBe(0x10000n);
    expect(parseSize('2MB')).toBe(0x200000n);
    expect(parseSize('1g')).toBe(1n << 30n);
    expect(parseSize('0x1000')).toBe(4096n);
    expect(parseSize('4096')).toBe(4096n);
    expect(parseSize('12Q')).toBeUndefined();
  });
});

describe('ntlab language: running against the engine', () => {
  it('creates a process, allocates, faults pages in and reads back what it wrote', () => {
    const h = host();
    const state = new RunState();
    const { statements, errors } = parseBlock(block([
      'boot',
      '$p = process notepad.exe',
      '$a = alloc $p 64K',
      'touch $a write',
      'write $a+0x10 de ad be ef',
      'read $a+0x10 4',
      'query $a',
      'trim',
      'touch $a',
      'lists',
    ].join('\n')));
    expect(errors).toEqual([]);
    const out = runStatements(statements, h, state);
    expect(out.map((o) => o.error)).toEqual(out.map(() => undefined));
    const system = h.system()!;
    const pid = Number(state.vars.get('p'));
    expect(out[1]!.result).toMatchObject({ kind: 'process', pid, image: 'notepad.exe' });
    expect(system.queryProcess(pid)?.imageFileName).toBe('notepad.exe');
    const base = state.vars.get('a')!;
    expect(system.win32(pid).VirtualQuery(base)).toMatchObject({ BaseAddress: base, State: MEM_COMMIT, Type: MEM_PRIVATE });
    expect(out[3]!.result).toEqual({ kind: 'touched', pages: 1, faults: ['demandZero'] });
    expect(out[5]!.result).toEqual({ kind: 'bytes', hex: 'de ad be ef', faults: [] });
    expect(out[7]!.result).toMatchObject({ kind: 'trimmed', after: 0 });
    // After the trim the page is on the modified list: touching it again is a transition (soft) fault.
    expect(out[8]!.result).toEqual({ kind: 'touched', pages: 1, faults: ['transition'] });
    expect(out[3]!.toSeq).toBeGreaterThan(out[3]!.fromSeq);
  });

  it('turns failures into errors: no system, unknown variable, Win32 errors, access violations', () => {
    const h = host();
    const state = new RunState();
    const run = (text: string) => runStatements(parseBlock(block(text)).statements, h, state);
    expect(run('lists')[0]!.error).toEqual({ code: 'noSystem', args: [] });
    run('boot');
    expect(run('touch 0x10000')[0]!.error).toEqual({ code: 'noProcess', args: [] });
    run('process calc.exe');
    expect(run('touch $nowhere')[0]!.error).toEqual({ code: 'unknownVariable', args: ['$nowhere'] });
    expect(run('free 0x12340000')[0]!.error?.code).toBe('win32');
    expect(run('alloc 2M large')[0]!.error).toEqual({ code: 'win32', args: ['ERROR_PRIVILEGE_NOT_HELD', '1314'] });
    const av = run('$r = alloc 64K reserve\ntouch $r')[1]!.error;
    expect(av).toMatchObject({ code: 'exception', args: ['STATUS_ACCESS_VIOLATION', expect.stringMatching(/^0x/), '0xc0000005'] });
  });

  it('boot reuses a running machine, reset replaces it and clears the variables', () => {
    const h = host(createSystem({ physicalMemoryMB: 64, pageFileMB: 0 }));
    const state = new RunState();
    const run = (text: string) => runStatements(parseBlock(block(text)).statements, h, state);
    expect(run('boot')[0]!.result).toMatchObject({ kind: 'booted', already: true });
    expect(h.booted).toBe(0);
    run('$p = process notepad.exe');
    expect(state.vars.has('p')).toBe(true);
    expect(run('reset 32')[0]!.result).toMatchObject({ kind: 'booted', already: false, memoryMB: 32 });
    expect(state.vars.has('p')).toBe(false);
  });
});

describe('facts: the notes against the simulation', () => {
  it('finds the large-page claim in the sample and shows the simulation makes one 1 GB page plus eight 2 MB pages', () => {
    const text = '- 大页是不可换页的，大页的大小可以达到GB级别。分配的时候并不是以1GB取整，例如有1040MB的分配请求，最终会拿到1个1024MB的大页和2个8MB的普通页。';
    // "以1GB取整" comes first on the line; the request is the size that is asked for (1040MB的分配请求).
    const [own] = findLargePageClaims(text);
    expect(own).toMatchObject({ requestMB: 1040, parts: [{ count: 1, sizeMB: 1024 }, { count: 2, sizeMB: 8 }] });
    expect(text.slice(own!.start, own!.end)).toBe('1个1024MB的大页和2个8MB');
    const fact = largePageFact(1040)!;
    expect(fact).toEqual({ requestMB: 1040, hugePages: 1, largePages: 8 });
    expect(claimAgrees(own!, fact)).toBe(false);
    expect(claimAgrees(findLargePageClaims('A 1040 MB large-page allocation is one 1 GB page and eight 2 MB pages.')[0]!, fact)).toBe(true);
  });

  it('computes the large-page fact by the engine\'s own rule: the real engine builds the same pages', () => {
    // One machine big enough for every size checked (the notes never build one: notes-hostile.test.ts).
    const system = createSystem({ physicalMemoryMB: 2048, pageFileMB: 0, boot: false });
    const { pid } = system.createProcess({ imagePath: 'C:\\Windows\\System32\\largepages.exe' });
    system.grantPrivilege(pid, SE_LOCK_MEMORY_NAME);
    const api = system.win32(pid);
    for (const mb of [2, 16, 1024, 1026, 1040, 1536]) {
      const from = system.stepCount;
      const base = api.VirtualAlloc(0n, BigInt(mb) << 20n, MEM_RESERVE | MEM_COMMIT | MEM_LARGE_PAGES, PAGE_READWRITE);
      expect(base, `${mb} MB`).not.toBe(0n);
      const step = system.getSteps(from, system.stepCount).find((s) => s.code === 'vm.reserve')!;
      expect(largePageFact(mb), `${mb} MB`).toEqual({ requestMB: mb, hugePages: Number(step.args.hugePages), largePages: Number(step.args.largePages) });
      expect(api.VirtualFree(base, 0n, MEM_RELEASE)).toBe(true);
    }
    // Sizes the engine refuses (not a multiple of 2 MB) have no fact.
    expect(api.VirtualAlloc(0n, 3n << 20n, MEM_RESERVE | MEM_COMMIT | MEM_LARGE_PAGES, PAGE_READWRITE)).toBe(0n);
    expect(largePageFact(3)).toBeNull();
  });

  it('does not read claims into lines without large pages', () => {
    expect(findLargePageClaims('申请了 64MB 内存，有 2个8MB 的块')).toEqual([]);
    expect(recognize('```ntlab\nlists\n```').blocks).toHaveLength(1);
  });
});
