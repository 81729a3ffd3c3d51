/**
 * VirtualLock / VirtualUnlock and memory priorities — black-box through win32(pid) and the queries.
 *
 * Sources:
 *  - Microsoft Learn, VirtualLock [VL]: "All pages in the specified region must be committed. Memory
 *    protected with PAGE_NOACCESS cannot be locked"; the region is every page holding a byte of the range;
 *    "The maximum number of pages that a process can lock is equal to the number of pages in its minimum
 *    working set minus a small overhead"; SetProcessWorkingSetSize raises it.
 *  - Microsoft Learn, VirtualUnlock [VU]: "If any of the pages in the specified range are not locked,
 *    VirtualUnlock removes such pages from the working set, sets last error to ERROR_NOT_LOCKED, and
 *    returns FALSE."
 *  - Windows Internals 7th ed., Part 1, ch. 5, "Locking memory" [WI-L]: locked pages stay in the working
 *    set; "Page priority" and "Standby list" [WI-P]: a page's priority comes from the thread that faulted
 *    it in, the standby list has one sub-list per priority and the lowest is repurposed first.
 *  - Microsoft Learn, SetProcessInformation / SetThreadInformation / MEMORY_PRIORITY_INFORMATION [MP]:
 *    MEMORY_PRIORITY_VERY_LOW 1 .. MEMORY_PRIORITY_NORMAL 5; the handle needs PROCESS_SET_INFORMATION /
 *    THREAD_SET_INFORMATION.
 */
import { describe, expect, it } from 'vitest';
import { MEM_COMMIT, MEM_DECOMMIT, MEM_RELEASE, MEM_RESERVE, PAGE_NOACCESS, PAGE_READWRITE } from '../../src/engine';
import {
  ERROR_BAD_LENGTH, ERROR_INVALID_PARAMETER, ERROR_NOACCESS, ERROR_NOT_LOCKED, ERROR_WORKING_SET_QUOTA,
  MEMORY_PRIORITY_LOW, MEMORY_PRIORITY_NORMAL, MEMORY_PRIORITY_VERY_LOW, ProcessMemoryPriority, ThreadMemoryPriority,
} from '../../src/engine/constants';
import { verifyIntegrity } from '../../src/engine/integrity';
import { LOCK_OVERHEAD_PAGES } from '../../src/engine/mm/lock';
import { newProcess, PAGE, pattern, SIZE_T_MINUS_ONE, stepsDuring } from './helpers/vm';

function wsEntry(sys: ReturnType<typeof newProcess>['sys'], pid: number, va: bigint) {
  return sys.queryWorkingSet(pid).entries.find((e) => e.va === va);
}

describe('VirtualLock / VirtualUnlock', () => {
  it('faults the pages in and keeps them in the working set through SetProcessWorkingSetSize(-1, -1) and MemoryEmptyWorkingSets [VL][WI-L]', () => {
    const { sys, pid, k } = newProcess();
    const base = k.VirtualAlloc(0n, 8n * PAGE, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
    for (let i = 0; i < 8; i++) k.WriteMemory(base + BigInt(i) * PAGE, pattern(i));
    k.SetProcessWorkingSetSize(SIZE_T_MINUS_ONE, SIZE_T_MINUS_ONE);
    expect(wsEntry(sys, pid, base)).toBeUndefined();
    // A 2-byte range straddling a page boundary locks both pages [VL].
    const { result, steps } = stepsDuring(sys, () => k.VirtualLock(base + PAGE - 1n, 2n));
    expect(result).toBe(true);
    const lock = steps.find((s) => s.code === 'vm.lock');
    expect(lock?.routine).toBe('NtLockVirtualMemory');
    expect(lock?.args).toMatchObject({ pages: 2, faulted: 2, lockedTotal: 2 });
    expect(wsEntry(sys, pid, base)?.locked).toBe(true);
    expect(wsEntry(sys, pid, base + PAGE)?.locked).toBe(true);
    expect(wsEntry(sys, pid, base + 2n * PAGE)).toBeUndefined();
    k.SetProcessWorkingSetSize(SIZE_T_MINUS_ONE, SIZE_T_MINUS_ONE);
    sys.memoryListCommand('MemoryEmptyWorkingSets');
    sys.runSystemThread('balanceSetManager');
    expect(wsEntry(sys, pid, base)?.locked).toBe(true);
    expect(wsEntry(sys, pid, base + PAGE)?.locked).toBe(true);
    // Still resident: reading them faults nothing, and the bytes are the ones written.
    const { result: bytes, steps: readSteps } = stepsDuring(sys, () => k.ReadMemory(base, 2 * 4096));
    expect(readSteps.filter((s) => s.kind === 'pageFault')).toEqual([]);
    expect(bytes.slice(0, 4096)).toEqual(pattern(0));
    expect(verifyIntegrity(sys)).toEqual([]);
  });

  it('survives memory pressure: other processes\' faults never take a locked page [WI-L]', () => {
    const { sys, pid, k } = newProcess({ physicalMemoryMB: 8, pageFileMB: 64 });
    const base = k.VirtualAlloc(0n, 16n * PAGE, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
    for (let i = 0; i < 16; i++) k.WriteMemory(base + BigInt(i) * PAGE, pattern(i));
    expect(k.VirtualLock(base, 16n * PAGE)).toBe(true);
    const other = sys.createProcess({ imagePath: 'C:\\Windows\\System32\\cmd.exe' }).pid;
    const o = sys.win32(other);
    const big = o.VirtualAlloc(0n, 3000n * PAGE, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
    for (let i = 0; i < 3000; i++) o.WriteMemory(big + BigInt(i) * PAGE, new Uint8Array([i & 255]));
    for (let i = 0; i < 16; i++) expect(wsEntry(sys, pid, base + BigInt(i) * PAGE)?.locked).toBe(true);
    expect(verifyIntegrity(sys)).toEqual([]);
  });

  it('fails on uncommitted, reserved-only and PAGE_NOACCESS pages, changing nothing [VL]', () => {
    const { sys, pid, k } = newProcess();
    const reserved = k.VirtualAlloc(0n, 4n * PAGE, MEM_RESERVE, PAGE_READWRITE);
    expect(k.VirtualLock(reserved, PAGE)).toBe(false);
    expect(k.GetLastError()).toBe(ERROR_NOACCESS);
    const noAccess = k.VirtualAlloc(0n, PAGE, MEM_RESERVE | MEM_COMMIT, PAGE_NOACCESS);
    expect(k.VirtualLock(noAccess, PAGE)).toBe(false);
    expect(k.GetLastError()).toBe(ERROR_NOACCESS);
    // Half committed: the committed page is not locked either (the check comes first).
    k.VirtualAlloc(reserved, PAGE, MEM_COMMIT, PAGE_READWRITE);
    expect(k.VirtualLock(reserved, 2n * PAGE)).toBe(false);
    expect(wsEntry(sys, pid, reserved)).toBeUndefined();
    expect(k.VirtualLock(reserved, 0n)).toBe(false);
    expect(k.GetLastError()).toBe(ERROR_INVALID_PARAMETER);
  });

  it('is bounded by the working-set minimum less the overhead; SetProcessWorkingSetSize raises it [VL]', () => {
    const { sys, pid, k } = newProcess();
    const min = Number((() => { const a = { value: 0n }; const b = { value: 0n }; k.GetProcessWorkingSetSize(a, b); return a.value; })() / PAGE);
    const limit = min - LOCK_OVERHEAD_PAGES;
    const base = k.VirtualAlloc(0n, BigInt(limit + 1) * PAGE, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
    expect(k.VirtualLock(base, BigInt(limit + 1) * PAGE)).toBe(false);
    expect(k.GetLastError()).toBe(ERROR_WORKING_SET_QUOTA);
    expect(sys.queryWorkingSet(pid).entries.filter((e) => e.locked)).toEqual([]);
    expect(k.VirtualLock(base, BigInt(limit) * PAGE)).toBe(true);
    expect(k.VirtualLock(base + BigInt(limit) * PAGE, PAGE)).toBe(false);
    expect(k.GetLastError()).toBe(ERROR_WORKING_SET_QUOTA);
    // Locking pages already locked costs nothing more.
    expect(k.VirtualLock(base, PAGE)).toBe(true);
    expect(k.SetProcessWorkingSetSize(BigInt(min + 10) * PAGE, BigInt(min + 100) * PAGE)).toBe(true);
    expect(k.VirtualLock(base + BigInt(limit) * PAGE, PAGE)).toBe(true);
    expect(sys.queryWorkingSet(pid).entries.filter((e) => e.locked).length).toBe(limit + 1);
  });

  it('VirtualUnlock unlocks; a page that was not locked leaves the working set and the call fails with ERROR_NOT_LOCKED [VU]', () => {
    const { sys, pid, k } = newProcess();
    const base = k.VirtualAlloc(0n, 4n * PAGE, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
    for (let i = 0; i < 4; i++) k.WriteMemory(base + BigInt(i) * PAGE, pattern(i));
    expect(k.VirtualLock(base, 2n * PAGE)).toBe(true);
    expect(k.VirtualUnlock(base, PAGE)).toBe(true);
    expect(wsEntry(sys, pid, base)?.locked).toBe(false);
    expect(wsEntry(sys, pid, base)).toBeDefined();
    // Unlocked, the page is trimmable again.
    k.SetProcessWorkingSetSize(SIZE_T_MINUS_ONE, SIZE_T_MINUS_ONE);
    expect(wsEntry(sys, pid, base)).toBeUndefined();
    expect(wsEntry(sys, pid, base + PAGE)?.locked).toBe(true);
    // Pages 1 (locked) .. 3 (not locked, made resident): unlocks 1, removes 2 and 3, fails.
    k.ReadMemory(base + 2n * PAGE, 1);
    k.ReadMemory(base + 3n * PAGE, 1);
    expect(k.VirtualUnlock(base + PAGE, 3n * PAGE)).toBe(false);
    expect(k.GetLastError()).toBe(ERROR_NOT_LOCKED);
    expect(wsEntry(sys, pid, base + PAGE)?.locked).toBe(false);
    expect(wsEntry(sys, pid, base + 2n * PAGE)).toBeUndefined();
    expect(wsEntry(sys, pid, base + 3n * PAGE)).toBeUndefined();
    expect(k.ReadMemory(base + 3n * PAGE, 4096)).toEqual(pattern(3));
    expect(verifyIntegrity(sys)).toEqual([]);
  });

  it('decommitting or releasing a locked range unlocks it (the quota comes back) [WI-L]', () => {
    const { sys, pid, k } = newProcess();
    const limit = 50 - LOCK_OVERHEAD_PAGES;
    const a = k.VirtualAlloc(0n, BigInt(limit) * PAGE, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
    expect(k.VirtualLock(a, BigInt(limit) * PAGE)).toBe(true);
    expect(k.VirtualFree(a, PAGE, MEM_DECOMMIT)).toBe(true);
    expect(k.VirtualFree(a + PAGE, 0n, MEM_DECOMMIT)).toBe(false); // (size 0 needs the region base)
    const b = k.VirtualAlloc(0n, PAGE, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
    expect(k.VirtualLock(b, PAGE)).toBe(true);
    expect(k.VirtualFree(a, 0n, MEM_RELEASE)).toBe(true);
    expect(sys.queryWorkingSet(pid).entries.filter((e) => e.locked).map((e) => e.va)).toEqual([b]);
    const c = k.VirtualAlloc(0n, BigInt(limit - 1) * PAGE, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
    expect(k.VirtualLock(c, BigInt(limit - 1) * PAGE)).toBe(true);
    expect(verifyIntegrity(sys)).toEqual([]);
  });
});

describe('memory priorities', () => {
  it('Get/SetProcessInformation(ProcessMemoryPriority) and Get/SetThreadInformation(ThreadMemoryPriority) read back; NORMAL (5) by default [MP]', () => {
    const { k } = newProcess();
    const info = { MemoryPriority: 0 };
    expect(k.GetProcessInformation(-1, ProcessMemoryPriority, info, 4)).toBe(true);
    expect(info.MemoryPriority).toBe(MEMORY_PRIORITY_NORMAL);
    expect(k.SetProcessInformation(-1, ProcessMemoryPriority, { MemoryPriority: MEMORY_PRIORITY_LOW }, 4)).toBe(true);
    expect(k.GetProcessInformation(-1, ProcessMemoryPriority, info, 4)).toBe(true);
    expect(info.MemoryPriority).toBe(MEMORY_PRIORITY_LOW);
    // The thread has none of its own: it reports its process's.
    expect(k.GetThreadInformation(k.GetCurrentThread(), ThreadMemoryPriority, info, 4)).toBe(true);
    expect(info.MemoryPriority).toBe(MEMORY_PRIORITY_LOW);
    expect(k.SetThreadInformation(k.GetCurrentThread(), ThreadMemoryPriority, { MemoryPriority: MEMORY_PRIORITY_VERY_LOW }, 4)).toBe(true);
    expect(k.GetThreadInformation(k.GetCurrentThread(), ThreadMemoryPriority, info, 4)).toBe(true);
    expect(info.MemoryPriority).toBe(MEMORY_PRIORITY_VERY_LOW);
  });

  it('refuses values outside 1..5, a wrong size, and a handle without PROCESS_SET_INFORMATION [MP]', () => {
    const { sys, k } = newProcess();
    for (const bad of [0, 6, 7]) {
      expect(k.SetProcessInformation(-1, ProcessMemoryPriority, { MemoryPriority: bad }, 4)).toBe(false);
      expect(k.GetLastError()).toBe(ERROR_INVALID_PARAMETER);
    }
    expect(k.SetProcessInformation(-1, ProcessMemoryPriority, { MemoryPriority: 3 }, 8)).toBe(false);
    expect(k.GetLastError()).toBe(ERROR_BAD_LENGTH);
    const other = sys.createProcess({ imagePath: 'C:\\Windows\\System32\\cmd.exe' }).pid;
    const h = k.OpenProcess(0x1000 /* PROCESS_QUERY_LIMITED_INFORMATION */, false, other);
    expect(h).not.toBe(0);
    expect(k.SetProcessInformation(h, ProcessMemoryPriority, { MemoryPriority: 3 }, 4)).toBe(false);
    expect(k.GetLastError()).toBe(5 /* ERROR_ACCESS_DENIED */);
    const info = { MemoryPriority: 0 };
    expect(k.GetProcessInformation(h, ProcessMemoryPriority, info, 4)).toBe(true);
    expect(info.MemoryPriority).toBe(MEMORY_PRIORITY_NORMAL);
  });

  it('pages take the faulting thread\'s priority, leave to that standby sub-list, and the lowest sub-list is repurposed first [WI-P]', () => {
    const { sys, pid, k } = newProcess({ physicalMemoryMB: 8, pageFileMB: 64 });
    k.SetThreadInformation(k.GetCurrentThread(), ThreadMemoryPriority, { MemoryPriority: MEMORY_PRIORITY_VERY_LOW }, 4);
    const low = k.VirtualAlloc(0n, 8n * PAGE, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
    for (let i = 0; i < 8; i++) k.ReadMemory(low + BigInt(i) * PAGE, 1);
    k.SetThreadInformation(k.GetCurrentThread(), ThreadMemoryPriority, { MemoryPriority: MEMORY_PRIORITY_NORMAL }, 4);
    const normal = k.VirtualAlloc(0n, 8n * PAGE, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
    for (let i = 0; i < 8; i++) k.ReadMemory(normal + BigInt(i) * PAGE, 1);
    const pfnOf = (va: bigint): number => sys.queryWorkingSet(pid).entries.find((e) => e.va === va)!.pfn;
    const lowPfn = pfnOf(low);
    const normalPfn = pfnOf(normal);
    expect(sys.queryPfn(lowPfn).Priority).toBe(MEMORY_PRIORITY_VERY_LOW);
    expect(sys.queryPfn(normalPfn).Priority).toBe(MEMORY_PRIORITY_NORMAL);
    k.SetProcessWorkingSetSize(SIZE_T_MINUS_ONE, SIZE_T_MINUS_ONE);
    // New private pages are modified (no copy anywhere yet): the writer puts them on standby, keeping the priority.
    sys.runSystemThread('modifiedPageWriter');
    const standby = sys.querySystemMemoryListInformation().PageCountByPriority;
    expect(standby[MEMORY_PRIORITY_VERY_LOW]).toBeGreaterThanOrEqual(8);
    expect(sys.listPages('Standby', 0, Infinity, MEMORY_PRIORITY_VERY_LOW)).toContain(lowPfn);
    expect(sys.listPages('Standby', 0, Infinity, MEMORY_PRIORITY_NORMAL)).toContain(normalPfn);
    // Use up free and zeroed pages in another process: priority-1 pages go before any priority-5 page.
    const before = sys.querySystemMemoryListInformation().RepurposedPagesByPriority;
    const o = sys.win32(sys.createProcess({ imagePath: 'C:\\Windows\\System32\\cmd.exe' }).pid);
    const info = sys.querySystemMemoryListInformation();
    const free = info.ZeroPageCount + info.FreePageCount;
    const big = o.VirtualAlloc(0n, BigInt(free + 4) * PAGE, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
    o.SetProcessWorkingSetSize(0x4000000n, 0x8000000n);
    for (let i = 0; i < free + 4; i++) o.ReadMemory(big + BigInt(i) * PAGE, 1);
    const after = sys.querySystemMemoryListInformation().RepurposedPagesByPriority;
    expect(after[MEMORY_PRIORITY_VERY_LOW]! - before[MEMORY_PRIORITY_VERY_LOW]!).toBeGreaterThan(0);
    if (after[MEMORY_PRIORITY_NORMAL]! > before[MEMORY_PRIORITY_NORMAL]!) {
      // A normal page went only after every lower sub-list was empty.
      expect(sys.querySystemMemoryListInformation().PageCountByPriority.slice(0, MEMORY_PRIORITY_NORMAL).every((n) => n === 0)).toBe(true);
    }
    expect(verifyIntegrity(sys)).toEqual([]);
  });

  it('a hard fault read in by a low-priority thread files its clustered neighbours under that priority too [WI-P]', () => {
    // Regression: the pages an in-page cluster read in went to the normal (5) standby sub-list while their
    // MMPFN said the thread's priority, so a later removal unlinked them from the wrong sub-list (found by
    // the property test with VirtualLock and memory priorities: "list 6 count -1", a page on list 7).
    const { sys, k } = newProcess({ physicalMemoryMB: 8, pageFileMB: 64 });
    const base = k.VirtualAlloc(0n, 16n * PAGE, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
    for (let i = 0; i < 16; i++) k.WriteMemory(base + BigInt(i) * PAGE, pattern(i, 16));
    // Out to the paging file in adjacent slots, then off every list: the next read is a hard fault.
    k.SetProcessWorkingSetSize(SIZE_T_MINUS_ONE, SIZE_T_MINUS_ONE);
    sys.runSystemThread('modifiedPageWriter');
    sys.memoryListCommand('MemoryPurgeStandbyList');
    k.SetThreadInformation(k.GetCurrentThread(), ThreadMemoryPriority, { MemoryPriority: MEMORY_PRIORITY_LOW }, 4);
    const { steps } = stepsDuring(sys, () => k.ReadMemory(base, 1));
    expect(steps.some((s) => s.routine === 'MiResolvePageFileFault')).toBe(true);
    const low = sys.listPages('Standby', 0, Infinity, MEMORY_PRIORITY_LOW);
    expect(low.length, 'the cluster read neighbours onto the low sub-list').toBeGreaterThan(0);
    for (const pfn of low) expect(sys.queryPfn(pfn).Priority).toBe(MEMORY_PRIORITY_LOW);
    expect(sys.listPages('Standby', 0, Infinity, MEMORY_PRIORITY_NORMAL).every((pfn) => sys.queryPfn(pfn).Priority === MEMORY_PRIORITY_NORMAL)).toBe(true);
    // Touch every neighbour (soft faults take them off standby) and repurpose the rest: the lists stay whole.
    for (let i = 1; i < 16; i++) expect(Array.from(k.ReadMemory(base + BigInt(i) * PAGE, 16))).toEqual(Array.from(pattern(i, 16)));
    expect(verifyIntegrity(sys)).toEqual([]);
  });
});
