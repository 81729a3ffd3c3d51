/**
 * User-mode accesses, page faults, trimming, the modified page writer, the paging file,
 * physical memory lists and commit charge — black-box.
 *
 * Sources:
 *  - Microsoft Learn: VirtualAlloc [VA], VirtualFree [VF], Memory Protection Constants [MPC],
 *    Creating Guard Pages [CGP], SetProcessWorkingSetSize [SPWS], MEMORY_BASIC_INFORMATION [MBI].
 *  - Windows Sysinternals (RAMMap "Use Counts" page-list definitions, Microsoft Press) [RAMMAP]:
 *    Standby = removed from a working set, can be soft-faulted back, reusable without disk I/O;
 *    Modified = removed from a working set, modified while in use, not yet written to disk, can be
 *    soft-faulted back, must be written to disk before reuse; Active = in a working set or nonpageable.
 *  - DESIGN.md §3: memoryListCommand values mean the SYSTEM_MEMORY_LIST_COMMAND values of the same
 *    name; querySystemMemoryListInformation returns SYSTEM_MEMORY_LIST_INFORMATION's fields.
 *  - PDC10 "Mysteries of Windows Memory Management Revealed" (Microsoft blog): the commit limit is
 *    the sum of physical memory and the paging files [PDC].
 */
import { describe, expect, it } from 'vitest';
import {
  ERROR_COMMITMENT_LIMIT,
  MEM_COMMIT,
  MEM_DECOMMIT,
  MEM_RELEASE,
  MEM_RESERVE,
  PAGE_GUARD,
  PAGE_NOACCESS,
  PAGE_READONLY,
  PAGE_READWRITE,
  STATUS_ACCESS_VIOLATION,
  STATUS_GUARD_PAGE_VIOLATION,
} from '../../src/engine';
import {
  faultRoutines,
  faultStatus,
  findFreeRange,
  MB,
  newProcess,
  PAGE,
  pattern,
  queryCommit,
  SIZE_T_MINUS_ONE,
  stepsDuring,
  sum,
  tallyPfnStates,
  type System,
  type Win32,
} from './helpers/vm';

const PAGES = 8;

/** Commits PAGES pages and writes a distinct pattern into each one. */
function dirtyPages(k: Win32): bigint {
  const base = k.VirtualAlloc(0n, BigInt(PAGES) * PAGE, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
  expect(base).not.toBe(0n);
  for (let i = 0; i < PAGES; i++) k.WriteMemory(base + BigInt(i) * PAGE, pattern(i));
  return base;
}

function expectPatterns(k: Win32, base: bigint): void {
  for (let i = 0; i < PAGES; i++) {
    expect(Buffer.from(k.ReadMemory(base + BigInt(i) * PAGE, 0x1000)).equals(Buffer.from(pattern(i))), `page ${i}`).toBe(true);
  }
}

function readAll(k: Win32, base: bigint): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < PAGES; i++) out.push(k.ReadMemory(base + BigInt(i) * PAGE, 0x1000));
  return out;
}

function emptyWorkingSet(k: Win32): void {
  // [SPWS] (SIZE_T)-1 for both sizes removes as many pages as possible from the working set.
  expect(k.SetProcessWorkingSetSize(SIZE_T_MINUS_ONE, SIZE_T_MINUS_ONE)).toBe(true);
}

function expectListsMatchPfnDatabase(sys: System): void {
  const info = sys.querySystemMemoryListInformation();
  const { byState, standbyByPriority } = tallyPfnStates(sys);
  const count = (state: string) => byState[state] ?? 0;
  expect(info.ZeroPageCount).toBe(count('Zeroed'));
  expect(info.FreePageCount).toBe(count('Free'));
  expect(info.ModifiedPageCount).toBe(count('Modified'));
  expect(info.ModifiedNoWritePageCount).toBe(count('ModifiedNoWrite'));
  expect(info.BadPageCount).toBe(count('Bad'));
  expect(info.PageCountByPriority).toHaveLength(8);
  expect(info.PageCountByPriority).toEqual(standbyByPriority);
  // Every physical page is on exactly one list or in use (active, or transition while I/O is in flight).
  const inUse = count('Active') + count('Transition');
  const listed =
    info.ZeroPageCount +
    info.FreePageCount +
    info.ModifiedPageCount +
    info.ModifiedNoWritePageCount +
    info.BadPageCount +
    sum(info.PageCountByPriority);
  expect(listed + inUse).toBe(sys.physicalPageCount);
}

describe('access checks', () => {
  it('reserved but uncommitted pages raise STATUS_ACCESS_VIOLATION', () => {
    const { k } = newProcess();
    const base = k.VirtualAlloc(0n, 0x10000n, MEM_RESERVE, PAGE_READWRITE);
    expect(base).not.toBe(0n);
    // [VF] remarks: attempts to read from or write to a reserved page result in an access violation.
    expect(faultStatus(() => k.ReadMemory(base + 0x1000n, 4))).toBe(STATUS_ACCESS_VIOLATION);
    expect(faultStatus(() => k.WriteMemory(base, Uint8Array.of(1)))).toBe(STATUS_ACCESS_VIOLATION);
  });

  it('PAGE_NOACCESS pages raise STATUS_ACCESS_VIOLATION on read and write', () => {
    const { k } = newProcess();
    const base = k.VirtualAlloc(0n, 0x1000n, MEM_RESERVE | MEM_COMMIT, PAGE_NOACCESS);
    expect(base).not.toBe(0n);
    // [MPC] PAGE_NOACCESS: an attempt to read from or write to the region results in an access violation.
    expect(faultStatus(() => k.ReadMemory(base, 1))).toBe(STATUS_ACCESS_VIOLATION);
    expect(faultStatus(() => k.WriteMemory(base, Uint8Array.of(1)))).toBe(STATUS_ACCESS_VIOLATION);
  });

  it('PAGE_READONLY pages can be read but a write raises STATUS_ACCESS_VIOLATION', () => {
    const { k } = newProcess();
    const base = k.VirtualAlloc(0n, 0x1000n, MEM_RESERVE | MEM_COMMIT, PAGE_READONLY);
    expect(base).not.toBe(0n);
    expect(Array.from(k.ReadMemory(base + 0x10n, 4))).toEqual([0, 0, 0, 0]);
    // [MPC] PAGE_READONLY: an attempt to write to the committed region results in an access violation.
    expect(faultStatus(() => k.WriteMemory(base + 0x10n, Uint8Array.of(1)))).toBe(STATUS_ACCESS_VIOLATION);
    expect(Array.from(k.ReadMemory(base + 0x10n, 4))).toEqual([0, 0, 0, 0]);
  });

  it('an access that runs from a valid page into a reserved one faults', () => {
    const { k } = newProcess();
    const base = k.VirtualAlloc(0n, 0x10000n, MEM_RESERVE, PAGE_READWRITE);
    expect(base).not.toBe(0n);
    expect(k.VirtualAlloc(base, 0x1000n, MEM_COMMIT, PAGE_READWRITE)).toBe(base);
    expect(faultStatus(() => k.ReadMemory(base + 0xffen, 4))).toBe(STATUS_ACCESS_VIOLATION);
  });
});

describe('guard pages', () => {
  it('the first access raises STATUS_GUARD_PAGE_VIOLATION once, clears PAGE_GUARD on that page, then works', () => {
    const { k } = newProcess();
    const base = k.VirtualAlloc(0n, 0x2000n, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE | PAGE_GUARD);
    expect(base).not.toBe(0n);
    expect(k.VirtualQuery(base)?.Protect).toBe(PAGE_READWRITE | PAGE_GUARD);
    // [CGP] accessing a guard page raises STATUS_GUARD_PAGE_VIOLATION (0x80000001) and the system clears
    // the PAGE_GUARD modifier; the next access is not stopped.
    expect(faultStatus(() => k.ReadMemory(base + 0x20n, 1))).toBe(STATUS_GUARD_PAGE_VIOLATION);
    expect(k.VirtualQuery(base)).toMatchObject({ BaseAddress: base, Protect: PAGE_READWRITE, RegionSize: 0x1000n });
    // [MPC] when the guard status is turned off, the underlying protection takes over.
    expect(Array.from(k.ReadMemory(base + 0x20n, 1))).toEqual([0]);
    k.WriteMemory(base + 0x20n, Uint8Array.of(0x5a));
    expect(Array.from(k.ReadMemory(base + 0x20n, 1))).toEqual([0x5a]);
    // The other page is still a guard page.
    expect(k.VirtualQuery(base + 0x1000n)?.Protect).toBe(PAGE_READWRITE | PAGE_GUARD);
    expect(faultStatus(() => k.WriteMemory(base + 0x1000n, Uint8Array.of(1)))).toBe(STATUS_GUARD_PAGE_VIOLATION);
    k.WriteMemory(base + 0x1000n, Uint8Array.of(2));
    expect(Array.from(k.ReadMemory(base + 0x1000n, 1))).toEqual([2]);
  });

  it('a guard page set by VirtualProtect on touched memory fires once and keeps the data', () => {
    const { k } = newProcess();
    const base = k.VirtualAlloc(0n, 0x1000n, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
    expect(base).not.toBe(0n);
    k.WriteMemory(base, Uint8Array.of(0x33));
    const old = { value: 0 };
    // [CGP] PAGE_GUARD can be set with VirtualProtect.
    expect(k.VirtualProtect(base, 0x1000n, PAGE_READONLY | PAGE_GUARD, old)).toBe(true);
    expect(old.value).toBe(PAGE_READWRITE);
    expect(faultStatus(() => k.ReadMemory(base, 1))).toBe(STATUS_GUARD_PAGE_VIOLATION);
    expect(Array.from(k.ReadMemory(base, 1))).toEqual([0x33]);
    // The underlying PAGE_READONLY now applies.
    expect(faultStatus(() => k.WriteMemory(base, Uint8Array.of(1)))).toBe(STATUS_ACCESS_VIOLATION);
  });
});

describe('page faults', () => {
  it('committed memory gets no physical page until it is touched; the first touch is a demand-zero fault', () => {
    const { sys, k } = newProcess();
    const pages = 256;
    const activeBefore = tallyPfnStates(sys).byState.Active ?? 0;
    const base = k.VirtualAlloc(0n, BigInt(pages) * PAGE, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
    expect(base).not.toBe(0n);
    // [VA] MEM_COMMIT: actual physical pages are not allocated unless/until the addresses are accessed.
    // (Allow for a few paging-structure pages; no data page may be allocated.)
    const activeAfterCommit = tallyPfnStates(sys).byState.Active ?? 0;
    expect(activeAfterCommit - activeBefore).toBeLessThan(pages);
    expect(activeAfterCommit - activeBefore).toBeLessThanOrEqual(3);

    const first = stepsDuring(sys, () => k.ReadMemory(base + 0x5000n, 8));
    expect(Array.from(first.result)).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    expect(faultRoutines(first.steps)).toContain('MiResolveDemandZeroFault');
    // The page is now valid: touching it again does not fault.
    const again = stepsDuring(sys, () => k.ReadMemory(base + 0x5000n, 8));
    expect(faultRoutines(again.steps)).toEqual([]);

    for (let i = 0; i < pages; i++) k.WriteMemory(base + BigInt(i) * PAGE, Uint8Array.of(1));
    expect((tallyPfnStates(sys).byState.Active ?? 0) - activeBefore).toBeGreaterThanOrEqual(pages);
  });

  it('after the working set is emptied, dirty pages come back by a soft (transition) fault with their bytes', () => {
    const { sys, k } = newProcess();
    const base = dirtyPages(k);
    const modifiedBefore = sys.querySystemMemoryListInformation().ModifiedPageCount;
    emptyWorkingSet(k);
    // [RAMMAP] pages modified while in use go to the Modified list when removed from the working set.
    expect(sys.querySystemMemoryListInformation().ModifiedPageCount - modifiedBefore).toBeGreaterThanOrEqual(PAGES);
    const { result, steps } = stepsDuring(sys, () => readAll(k, base));
    const routines = faultRoutines(steps);
    // [RAMMAP] Modified pages can be soft-faulted back into the working set they were removed from.
    expect(routines).toContain('MiResolveTransitionFault');
    expect(routines).not.toContain('MiResolvePageFileFault');
    expect(routines).not.toContain('MiResolveDemandZeroFault');
    result.forEach((bytes, i) => expect(Buffer.from(bytes).equals(Buffer.from(pattern(i))), `page ${i}`).toBe(true));
  });

  it('after the modified list is flushed, the pages are on standby and still come back by a soft fault', () => {
    const { sys, k } = newProcess();
    const base = dirtyPages(k);
    emptyWorkingSet(k);
    const beforeFlush = sys.querySystemMemoryListInformation();
    sys.memoryListCommand('MemoryFlushModifiedList');
    const afterFlush = sys.querySystemMemoryListInformation();
    // [RAMMAP] written to disk, the pages become Standby (reusable without disk I/O).
    expect(beforeFlush.ModifiedPageCount - afterFlush.ModifiedPageCount).toBeGreaterThanOrEqual(PAGES);
    expect(sum(afterFlush.PageCountByPriority) - sum(beforeFlush.PageCountByPriority)).toBeGreaterThanOrEqual(PAGES);
    const { steps } = stepsDuring(sys, () => expectPatterns(k, base));
    const routines = faultRoutines(steps);
    // [RAMMAP] Standby pages can be soft-faulted back into active memory.
    expect(routines).toContain('MiResolveTransitionFault');
    expect(routines).not.toContain('MiResolvePageFileFault');
  });

  it('bytes survive trim -> flush modified list -> purge standby list, and come back by a hard fault from the paging file', () => {
    const { sys, k } = newProcess();
    const base = dirtyPages(k);
    emptyWorkingSet(k);
    sys.memoryListCommand('MemoryFlushModifiedList');
    const beforePurge = sys.querySystemMemoryListInformation();
    sys.memoryListCommand('MemoryPurgeStandbyList');
    const afterPurge = sys.querySystemMemoryListInformation();
    expect(sum(afterPurge.PageCountByPriority)).toBeLessThan(sum(beforePurge.PageCountByPriority));
    const { steps } = stepsDuring(sys, () => expectPatterns(k, base));
    const routines = faultRoutines(steps);
    expect(routines).toContain('MiResolvePageFileFault');
    expect(routines).not.toContain('MiResolveDemandZeroFault');
    // The pages are resident again: re-reading does not fault.
    const again = stepsDuring(sys, () => readAll(k, base));
    expect(faultRoutines(again.steps)).toEqual([]);
  });

  it('pages written again after coming back from the paging file keep the newest bytes through another cycle', () => {
    const { sys, k } = newProcess();
    const base = dirtyPages(k);
    const cycle = () => {
      emptyWorkingSet(k);
      sys.memoryListCommand('MemoryFlushModifiedList');
      sys.memoryListCommand('MemoryPurgeStandbyList');
    };
    cycle();
    k.WriteMemory(base + 3n * PAGE + 100n, Uint8Array.of(0xfe, 0xed));
    cycle();
    const page3 = k.ReadMemory(base + 3n * PAGE, 0x1000);
    const expected = pattern(3);
    expected[100] = 0xfe;
    expected[101] = 0xed;
    expect(Buffer.from(page3).equals(Buffer.from(expected))).toBe(true);
    expect(Buffer.from(k.ReadMemory(base, 0x1000)).equals(Buffer.from(pattern(0)))).toBe(true);
  });

  it('without a paging file, trimmed dirty private pages stay on the modified list after a flush', () => {
    const { sys, k } = newProcess({ pageFileMB: 0 });
    const base = dirtyPages(k);
    emptyWorkingSet(k);
    const beforeFlush = sys.querySystemMemoryListInformation();
    expect(beforeFlush.ModifiedPageCount).toBeGreaterThanOrEqual(PAGES);
    sys.memoryListCommand('MemoryFlushModifiedList');
    const afterFlush = sys.querySystemMemoryListInformation();
    // [RAMMAP] Modified pages must be written to disk before they can be reused; with no paging file
    // there is nowhere to write pagefile-backed pages, so they stay Modified.
    expect(afterFlush.ModifiedPageCount).toBeGreaterThanOrEqual(PAGES);
    expect(afterFlush.ModifiedPageCount).toBe(beforeFlush.ModifiedPageCount);
    sys.memoryListCommand('MemoryPurgeStandbyList');
    const { steps } = stepsDuring(sys, () => expectPatterns(k, base));
    const routines = faultRoutines(steps);
    expect(routines).toContain('MiResolveTransitionFault');
    expect(routines).not.toContain('MiResolvePageFileFault');
  });
});

describe('physical memory lists', () => {
  it('the list counts agree with the PFN database and, with the pages in use, add up to all physical pages', () => {
    const { sys, k } = newProcess();
    expectListsMatchPfnDatabase(sys);
    const base = dirtyPages(k);
    const other = k.VirtualAlloc(0n, 64n * PAGE, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
    expect(other).not.toBe(0n);
    for (let i = 0n; i < 64n; i += 2n) k.ReadMemory(other + i * PAGE, 1);
    expectListsMatchPfnDatabase(sys);
    emptyWorkingSet(k);
    expectListsMatchPfnDatabase(sys);
    sys.memoryListCommand('MemoryFlushModifiedList');
    expectListsMatchPfnDatabase(sys);
    sys.memoryListCommand('MemoryPurgeStandbyList');
    expectListsMatchPfnDatabase(sys);
    expectPatterns(k, base);
    expectListsMatchPfnDatabase(sys);
    expect(k.VirtualFree(base, 0n, MEM_RELEASE)).toBe(true);
    expectListsMatchPfnDatabase(sys);
  });

  it('the physical page count matches the configured memory size', () => {
    const { sys } = newProcess({ physicalMemoryMB: 64 });
    expect(sys.physicalPageCount).toBe((64 * 1024 * 1024) / 4096);
  });
});

describe('commit charge', () => {
  it('reserving charges nothing; committing charges exactly the committed pages; decommit and release give them back', () => {
    const { sys, k } = newProcess();
    // Work inside one 2 MB-aligned span (one page table) so that page-table commit is charged once,
    // up front: Windows Internals (6e, "Commit Charge and the System Commit Limit") lists page tables,
    // including not-yet-allocated ones for committed private space, as commit charge contributors.
    const free = findFreeRange(k, 4n * MB);
    const span = (free + 2n * MB - 1n) & ~(2n * MB - 1n);
    const c0 = queryCommit(sys);
    // [VA] MEM_RESERVE reserves address space without allocating physical storage in memory or the paging file.
    const base = k.VirtualAlloc(span, 64n * PAGE, MEM_RESERVE, PAGE_READWRITE);
    expect(base).toBe(span);
    const c1 = queryCommit(sys);
    expect(c1.CommitTotal).toBe(c0.CommitTotal);
    // The first commit in the span charges its page plus, at most, the page table(s) it needs.
    expect(k.VirtualAlloc(base, PAGE, MEM_COMMIT, PAGE_READWRITE)).toBe(base);
    const cFirst = queryCommit(sys);
    expect(cFirst.CommitTotal - c1.CommitTotal).toBeGreaterThanOrEqual(1);
    expect(cFirst.CommitTotal - c1.CommitTotal).toBeLessThanOrEqual(4);
    // [VA] MEM_COMMIT allocates memory charges (from memory and the paging files) for the specified pages.
    expect(k.VirtualAlloc(base + PAGE, 16n * PAGE, MEM_COMMIT, PAGE_READWRITE)).toBe(base + PAGE);
    const c2 = queryCommit(sys);
    expect(c2.CommitTotal - cFirst.CommitTotal).toBe(16);
    expect(c2.CommitPeak).toBeGreaterThanOrEqual(c2.CommitTotal);
    // [VF] decommitting a page releases its storage.
    expect(k.VirtualFree(base + 4n * PAGE, 4n * PAGE, MEM_DECOMMIT)).toBe(true);
    const c3 = queryCommit(sys);
    expect(c2.CommitTotal - c3.CommitTotal).toBe(4);
    expect(k.VirtualFree(base, 0n, MEM_RELEASE)).toBe(true);
    const c4 = queryCommit(sys);
    expect(c4.CommitTotal).toBe(c0.CommitTotal);
    expect(c4.CommitPeak).toBeGreaterThanOrEqual(c2.CommitTotal);
  });

  it('the commit limit is bounded by RAM plus paging file', () => {
    const withFile = newProcess({ physicalMemoryMB: 64, pageFileMB: 128 });
    const limit = queryCommit(withFile.sys).CommitLimit;
    // [PDC] commit limit = physical memory + paging files.
    expect(limit).toBeGreaterThan(0);
    expect(limit).toBeLessThanOrEqual(withFile.sys.physicalPageCount + (128 * 1024 * 1024) / 4096);
    expect(limit).toBeGreaterThan((128 * 1024 * 1024) / 4096);
    const noFile = newProcess({ physicalMemoryMB: 64, pageFileMB: 0 });
    expect(queryCommit(noFile.sys).CommitLimit).toBeLessThanOrEqual(noFile.sys.physicalPageCount);
    expect(queryCommit(noFile.sys).CommitLimit).toBeLessThan(limit);
  });

  it('committing beyond the commit limit fails with ERROR_COMMITMENT_LIMIT and charges nothing', () => {
    const { sys, k } = newProcess();
    const c0 = queryCommit(sys);
    const tooMany = BigInt(c0.CommitLimit - c0.CommitTotal + 16) * PAGE;
    const base = k.VirtualAlloc(0n, tooMany, MEM_RESERVE, PAGE_READWRITE);
    expect(base).not.toBe(0n);
    expect(k.VirtualAlloc(base, tooMany, MEM_COMMIT, PAGE_READWRITE)).toBe(0n);
    expect(k.GetLastError()).toBe(ERROR_COMMITMENT_LIMIT);
    expect(queryCommit(sys).CommitTotal).toBe(c0.CommitTotal);
    expect(k.VirtualQuery(base)?.State).toBe(MEM_RESERVE);
    // Reserve-and-commit in one call fails the same way.
    expect(k.VirtualAlloc(0n, tooMany, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE)).toBe(0n);
    expect(k.GetLastError()).toBe(ERROR_COMMITMENT_LIMIT);
    // A commit that fits still succeeds: its 256 pages plus at most the two page tables a 1 MB range can touch.
    expect(k.VirtualAlloc(base, 256n * PAGE, MEM_COMMIT, PAGE_READWRITE)).toBe(base);
    expect(queryCommit(sys).CommitTotal - c0.CommitTotal).toBeGreaterThanOrEqual(256);
    expect(queryCommit(sys).CommitTotal - c0.CommitTotal).toBeLessThanOrEqual(256 + 2);
  });
});
