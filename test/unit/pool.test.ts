// The system address space (Windows Internals 7th ed., Part 1, ch. 5, "Kernel-mode heaps (system memory
// pools)", "System PTEs", "System working sets"): the executive's objects come from pool with their types'
// tags, POOL_HEADERs are real bytes in the pool pages, paged pool pages are trimmed and fault back through the
// same resolvers as user pages (soft from the lists, hard from the paging file), ExFreePoolWithTag refuses a
// wrong tag, kernel stacks come from system PTEs and go back at thread exit, and the pool and stacks are part of
// the commit charge. The kernel debugger's !poolused, !pool, !sysptes and !vm read the same state.
import { describe, expect, it } from 'vitest';
import { createSystem, describeObject, NtException, verifyIntegrity, type System } from '../../src/engine';
import { runKd, type KdState, type KdView } from '../../src/extension/kd/kd';
import { pointerDigits } from '../../src/extension/present/format';

const NOTEPAD = 'C:\\Windows\\System32\\notepad.exe';
const kd = (sys: System, pid: number) => {
  const view: KdView = { system: sys, live: sys, cursor: undefined };
  const state: KdState = { pid };
  return (line: string): string[] => runKd(view, state, line).lines;
};

describe('pool: where the executive objects live', () => {
  it('EPROCESS and ETHREAD lie in nonpaged pool, each in a block tagged Proc / Thre', () => {
    const sys = createSystem({ physicalMemoryMB: 64, pageFileMB: 64, seed: 4 });
    const { pid } = sys.createProcess({ imagePath: NOTEPAD });
    const p = sys.queryProcess(pid)!;
    const space = sys.querySystemSpace()!;
    const np = space.regions.find((r) => r.name === 'AssignedRegionNonPagedPool')!;
    const ethread = describeObject(sys, { kind: 'ETHREAD', tid: p.threads[0]!.tid })!.address;
    for (const [address, tag] of [[p.eprocess, 'Proc'], [ethread, 'Thre']] as const) {
      expect(address >= np.base && address < np.end).toBe(true);
      const page = sys.queryPool(address)!;
      expect(page.kind).toBe('small');
      if (page.kind !== 'small') continue;
      // The body follows the 0x30-byte OBJECT_HEADER, which follows the 16-byte POOL_HEADER.
      const block = page.blocks.find((b) => b.address === address - 0x40n)!;
      expect(block.allocated).toBe(true);
      expect(String.fromCharCode(block.tag & 0xFF, (block.tag >>> 8) & 0xFF, (block.tag >>> 16) & 0xFF, block.tag >>> 24)).toBe(tag);
      // The blocks tile the page: each PreviousSize is the size of the block before.
      let at = page.page;
      let previous = 0;
      for (const b of page.blocks) { expect(b.address).toBe(at); expect(b.previousSize).toBe(previous); at += BigInt(b.size); previous = b.size; }
      expect(at).toBe(page.page + 0x1000n);
    }
    const tags = new Map(space.tags.map((t) => [t.tag, t]));
    // Every process but Idle (whose EPROCESS is KiInitialProcess in the kernel image) has a 'Proc' block.
    expect(tags.get('Proc')!.nonPagedAllocs - tags.get('Proc')!.nonPagedFrees).toBeGreaterThanOrEqual(sys.processIds.length - 1);
    expect(tags.get('Toke')!.pagedBytes).toBeGreaterThan(0);
    expect(verifyIntegrity(sys)).toEqual([]);
  });

  it('a process that exits gives its EPROCESS, ETHREAD and token blocks back', () => {
    const sys = createSystem({ physicalMemoryMB: 64, pageFileMB: 64, seed: 4 });
    const before = sys.querySystemSpace()!;
    const { pid } = sys.createProcess({ imagePath: NOTEPAD });
    sys.psCall({ call: 'terminatePid', pid, exitCode: 0 });
    const after = sys.querySystemSpace()!;
    const live = (s: typeof before, tag: string): number => { const t = s.tags.find((x) => x.tag === tag); return t ? t.nonPagedAllocs - t.nonPagedFrees + t.pagedAllocs - t.pagedFrees : 0; };
    for (const tag of ['Proc', 'Thre', 'Toke']) expect(live(after, tag), tag).toBe(live(before, tag));
    expect(after.systemPtes.inUse).toBe(before.systemPtes.inUse);
  });
});

describe('pool: ExAllocatePoolWithTag / ExFreePoolWithTag', () => {
  it('counts per tag, splits and coalesces blocks, and gives an empty page back', () => {
    const sys = createSystem({ physicalMemoryMB: 64, pageFileMB: 64, seed: 4 });
    const pagesBefore = sys.querySystemSpace()!.nonPagedPoolPages;
    const commitBefore = sys.queryCommit().CommitTotal;
    const a = sys.exAllocatePoolWithTag(0, 4000, 'Lab1');
    const b = sys.exAllocatePoolWithTag(0, 4000, 'Lab1');
    expect(a).not.toBe(0n);
    expect(b >> 12n).not.toBe(a >> 12n); // neither fits beside the other: a page each
    const used = sys.querySystemSpace()!.tags.find((t) => t.tag === 'Lab1')!;
    expect(used.nonPagedAllocs).toBe(2);
    expect(used.nonPagedBytes).toBe(2 * 4016);
    expect(sys.querySystemSpace()!.nonPagedPoolPages).toBe(pagesBefore + 2);
    expect(sys.queryCommit().CommitTotal).toBe(commitBefore + 2);
    // A wrong tag is BAD_POOL_CALLER: refused, nothing freed.
    expect(() => sys.exFreePoolWithTag(a, 'Lab2')).toThrow(NtException);
    expect(() => sys.exFreePoolWithTag(a + 8n, 'Lab1')).toThrow(NtException);
    sys.exFreePoolWithTag(a, 'Lab1');
    sys.exFreePoolWithTag(b, 'Lab1');
    const after = sys.querySystemSpace()!;
    expect(after.tags.find((t) => t.tag === 'Lab1')).toMatchObject({ nonPagedAllocs: 2, nonPagedFrees: 2, nonPagedBytes: 0 });
    expect(after.nonPagedPoolPages).toBe(pagesBefore);
    expect(sys.queryCommit().CommitTotal).toBe(commitBefore);
    // Freeing twice is refused too.
    expect(() => sys.exFreePoolWithTag(a, 'Lab1')).toThrow(NtException);
    expect(verifyIntegrity(sys)).toEqual([]);
  });

  it('a request larger than a page gets whole pages of its own (no header), freed as one', () => {
    const sys = createSystem({ physicalMemoryMB: 64, pageFileMB: 64, seed: 4 });
    const big = sys.exAllocatePoolWithTag(1, 9000, 'Big1');
    expect(big & 0xFFFn).toBe(0n);
    const info = sys.queryPool(big + 0x1800n)!;
    expect(info).toMatchObject({ kind: 'big', address: big, entry: { pages: 3, bytes: 9000 } });
    expect(sys.querySystemSpace()!.tags.find((t) => t.tag === 'Big1')!.pagedBytes).toBe(3 * 4096);
    sys.exFreePoolWithTag(big, 'Big1');
    expect(sys.queryPool(big)).toMatchObject({ kind: 'free' });
    expect(verifyIntegrity(sys)).toEqual([]);
  });

  it('bad arguments are ERROR_INVALID_PARAMETER', () => {
    const sys = createSystem({ physicalMemoryMB: 32, pageFileMB: 32, seed: 4 });
    expect(() => sys.exAllocatePoolWithTag(2, 16, 'Lab1')).toThrow();
    expect(() => sys.exAllocatePoolWithTag(0, 0, 'Lab1')).toThrow();
    expect(() => sys.exAllocatePoolWithTag(0, 16, 'TooLong')).toThrow();
  });
});

describe('pool: paged pool pages leave the system working set and fault back', () => {
  it('trimmed, the page is a soft fault; written to the paging file and repurposed, a hard fault; the headers survive', () => {
    const sys = createSystem({ physicalMemoryMB: 64, pageFileMB: 64, seed: 4 });
    const a = sys.exAllocatePoolWithTag(1, 100, 'Pg01');
    const pageOf = (x: bigint) => sys.queryPool(x)!;
    const blocksBefore = pageOf(a);
    const resident = sys.querySystemSpace()!.workingSet.size;
    expect(sys.trimSystemWorkingSet(resident)).toBe(resident);
    expect(sys.querySystemSpace()!.workingSet.size).toBe(0);
    expect(pageOf(a).kind).toBe('notResident');
    expect(verifyIntegrity(sys)).toEqual([]);
    let from = sys.stepCount;
    sys.accessPool(a, false);
    let fault = sys.getSteps(from, sys.stepCount).find((s) => s.kind === 'pageFault')!;
    expect(fault).toMatchObject({ code: 'fault.transition', routine: 'MiResolveTransitionFault' });
    expect(fault.args.va).toBe(a & ~0xFFFn);
    expect(pageOf(a)).toEqual(blocksBefore);
    // Out again, through the modified page writer to the paging file, and the standby page repurposed.
    sys.trimSystemWorkingSet(1000);
    sys.runSystemThread('modifiedPageWriter');
    sys.memoryListCommand('MemoryPurgeStandbyList');
    expect(verifyIntegrity(sys)).toEqual([]);
    from = sys.stepCount;
    sys.accessPool(a, true);
    fault = sys.getSteps(from, sys.stepCount).find((s) => s.kind === 'pageFault')!;
    expect(fault).toMatchObject({ code: 'fault.pageFile', routine: 'MiResolvePageFileFault' });
    expect(pageOf(a)).toEqual(blocksBefore);
    sys.exFreePoolWithTag(a, 'Pg01');
    expect(verifyIntegrity(sys)).toEqual([]);
  });
});

describe('system PTEs: kernel stacks', () => {
  it('each thread gets a 24 KB kernel stack in the system PTE region, charged to commit and freed at exit', () => {
    const sys = createSystem({ physicalMemoryMB: 64, pageFileMB: 64, seed: 4 });
    const { pid } = sys.createProcess({ imagePath: NOTEPAD });
    const space = sys.querySystemSpace()!;
    const ptes = space.regions.find((r) => r.name === 'AssignedRegionSystemPtes')!;
    const threads = sys.processIds.reduce((n, p) => n + sys.queryProcess(p)!.threads.length, 0);
    expect(space.systemPtes.inUse).toBe(threads * 7);
    expect(space.commit.kernelStacks).toBe(threads * 6);
    expect(space.commit.total).toBe(space.commit.base + space.commit.pool + space.commit.kernelStacks);
    const k = sys.win32(pid);
    const h = k.CreateThread(0n, 0x1000n, 0n, 0);
    expect(h).not.toBe(0);
    expect(sys.querySystemSpace()!.systemPtes.inUse).toBe((threads + 1) * 7);
    const tid = sys.queryProcess(pid)!.threads.at(-1)!.tid;
    const limit = describeKthread(sys, tid);
    expect(limit.base - limit.limit).toBe(0x6000n);
    expect(limit.limit > ptes.base && limit.base <= ptes.end).toBe(true);
    sys.psCall({ call: 'exitThread', tid, exitCode: 0 });
    expect(sys.querySystemSpace()!.systemPtes.inUse).toBe(threads * 7);
    expect(verifyIntegrity(sys)).toEqual([]);
  });
});

function describeKthread(sys: System, tid: number): { base: bigint; limit: bigint } {
  const fields = describeObject(sys, { kind: 'KTHREAD', tid })!.fields;
  const value = (name: string): bigint => fields.find((f) => f.name === name)!.value as bigint;
  return { base: value('StackBase'), limit: value('StackLimit') };
}

describe('kd: !poolused, !pool, !sysptes, !vm', () => {
  it('shows the pool by tag, the page holding an EPROCESS with its block marked, the system PTEs and the pool in !vm', () => {
    const sys = createSystem({ seed: 1 });
    const { pid } = sys.createProcess({ imagePath: NOTEPAD });
    const run = kd(sys, pid);
    const used = run('!poolused');
    expect(used.slice(0, 5)).toEqual(['   Sorting by  Tag', '', '  Pool Used:', '            NonPaged            Paged', ' Tag    Allocs     Used    Allocs     Used']);
    const proc = sys.querySystemSpace()!.tags.find((t) => t.tag === 'Proc')!;
    expect(used).toContain(` Proc ${String(proc.nonPagedAllocs - proc.nonPagedFrees).padStart(8)} ${String(proc.nonPagedBytes).padStart(8)}  ${'0'.padStart(8)} ${'0'.padStart(8)}`);
    expect(run('!poolused 0 Thr?').filter((l) => /^ \w/.test(l) && !l.startsWith(' Tag') && !l.startsWith(' TOTAL')).map((l) => l.slice(1, 5))).toEqual(['Thre']);
    const eprocess = sys.queryProcess(pid)!.eprocess;
    const pool = run(`!pool ${pointerDigits(eprocess)}`);
    expect(pool[0]).toBe(`Pool page ${pointerDigits(eprocess)} region is Nonpaged pool`);
    const marked = pool.filter((l) => l.startsWith('*'));
    expect(marked).toHaveLength(1);
    expect(marked[0]).toMatch(new RegExp(`^\\*${pointerDigits(eprocess - 0x40n)} size: +[0-9a-f]+ previous size: +[0-9a-f]+  \\(Allocated\\) \\*Proc$`));
    const ptes = run('!sysptes 1');
    expect(ptes).toContain('System PTE Information');
    expect(ptes.some((l) => /^\s+free ptes: [0-9a-f]{16} {3}number free: \d+\.$/.test(l))).toBe(true);
    const vm = run('!vm');
    const space = sys.querySystemSpace()!;
    // !vm's row layout (label right-aligned to 24 columns, then pages and Kb).
    expect(vm.find((l) => l.startsWith(`${'NonPagedPool Usage'.padStart(24)}:`))).toMatch(new RegExp(`:\\s*${space.nonPagedPoolPages}\\s+\\(\\s*${space.nonPagedPoolPages * 4} Kb\\)$`));
    expect(run('!pool 0')[0]).toMatch(/region is Unknown/);
  });
});

describe('kd: dt nt!_POOL_HEADER', () => {
  it('shows the header in front of an EPROCESS at the 19041 offsets, read from the pool page', () => {
    const sys = createSystem({ seed: 1 });
    const { pid } = sys.createProcess({ imagePath: NOTEPAD });
    const header = sys.queryProcess(pid)!.eprocess - 0x40n;
    const out = kd(sys, pid)(`dt nt!_POOL_HEADER ${pointerDigits(header)}`);
    const page = sys.queryPool(header)!;
    const block = page.kind === 'small' ? page.blocks.find((b) => b.address === header)! : undefined;
    expect(block).toBeDefined();
    const text = out.join('\n');
    expect(text).toMatch(/\+0x000 PreviousSize\s+: Pos 0, 8 Bits|\+0x000 PreviousSize\s+: 0x/);
    expect(out.some((l) => /\+0x002 BlockSize/.test(l) && l.includes(`0x${(block!.size / 16).toString(16)}`))).toBe(true);
    expect(out.some((l) => /\+0x002 PoolType/.test(l) && l.endsWith('0x1'))).toBe(true);
    expect(out.some((l) => /\+0x004 PoolTag/.test(l) && l.includes(`0x${block!.tag.toString(16)}`))).toBe(true);
  });
});
