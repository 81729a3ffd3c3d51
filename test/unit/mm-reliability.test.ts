// Memory-manager reliability (issue 19 items 2, 3 and 7): paging-file slots are never leaked, work over
// reserved address space costs O(VADs + page tables that exist) whatever the reservation's size, and
// running out of memory or commit for page tables fails the documented way.
// Sources: Windows Internals 7th ed., Part 1, ch. 5 — "Page files", "Commit charge and the system commit
// limit" (page tables are part of the commit charge), "Virtual address descriptors"; Microsoft Learn —
// VirtualAlloc, VirtualQuery, VirtualFree, VirtualProtect (return values and GetLastError codes).
import { describe, expect, it } from 'vitest';
import {
  createSystem, ERROR_COMMITMENT_LIMIT, ERROR_INVALID_ADDRESS, ERROR_NOT_ENOUGH_MEMORY, MEM_COMMIT, MEM_DECOMMIT,
  MEM_FREE, MEM_PRIVATE, MEM_RELEASE, MEM_RESERVE, MEM_RESET, MEM_RESET_UNDO, NtException, PAGE_NOACCESS,
  PAGE_READONLY, PAGE_READWRITE, STATUS_COMMITMENT_LIMIT, verifyIntegrity, MEM_WRITE_WATCH, WRITE_WATCH_FLAG_RESET,
} from '../../src/engine';
import { machineOf } from '../../src/engine/testing';

const PAGE = 0x1000n;
const FILE_MAP_WRITE = 2;

describe('paging-file slots of pagefile-backed section pages', () => {
  it('are not leaked when a written-out page is written again, thousands of times', () => {
    // 4 MB of RAM, 4 MB of paging file: before the fix 963 cycles filled the paging file.
    const sys = createSystem({ boot: false, physicalMemoryMB: 4, pageFileMB: 4, seed: 5 });
    const { pid } = sys.createProcess({ imagePath: 'C:\\Windows\\System32\\notepad.exe' });
    const k = sys.win32(pid);
    const h = k.CreateFileMapping(-1, PAGE_READWRITE, 4n * PAGE, undefined);
    expect(h).not.toBe(0);
    const view = k.MapViewOfFile(h, FILE_MAP_WRITE, 0n, 0n);
    expect(view).not.toBe(0n);
    const mm = machineOf(sys).mm;
    const cycles = 3000;
    let maxUsed = 0;
    let settled = 0;
    for (let i = 0; i < cycles; i++) {
      if (i === 8) settled = mm.pageFileUsed;
      const page = BigInt(i % 4);
      k.WriteMemory(view + page * PAGE, new Uint8Array([i & 0xFF, (i >> 8) & 0xFF]));
      k.SetProcessWorkingSetSize(-1n, -1n);
      sys.memoryListCommand('MemoryFlushModifiedList');
      maxUsed = Math.max(maxUsed, mm.pageFileUsed);
      if (i % 500 === 0) expect(verifyIntegrity(sys), `cycle ${i}`).toEqual([]);
    }
    // Once every page has been written out once, the paging file stops growing: each of the four pages
    // holds at most one slot (the process's own pages written out by the first flushes hold theirs).
    expect(settled).toBeGreaterThanOrEqual(4);
    expect(maxUsed).toBeLessThanOrEqual(settled);
    expect(mm.pageFileUsed).toBe(settled);
    expect(verifyIntegrity(sys)).toEqual([]);
    // The last value written to each page reads back (from the paging file).
    for (let p = 0; p < 4; p++) {
      const last = cycles - 4 + ((p - (cycles - 4)) % 4 + 4) % 4;
      expect([...k.ReadMemory(view + BigInt(p) * PAGE, 2)]).toEqual([last & 0xFF, (last >> 8) & 0xFF]);
    }
  });
});

describe('reserved address space costs O(VADs + page tables), whatever its size', () => {
  // Page by page, each of these would visit 2^28 (1 TB) or 2^35 (128 TB) pages: minutes. They finish.
  const TB = 1n << 40n;
  for (const label of ['1 TB', 'largest free region (about 128 TB)']) {
    it(`a ${label} reservation: query, commit inside it, reset, protect, decommit, release, integrity`, () => {
      const sys = createSystem({ boot: false, physicalMemoryMB: 64, pageFileMB: 64, seed: 3 });
      const { pid } = sys.createProcess({ imagePath: 'C:\\Windows\\System32\\notepad.exe' });
      const k = sys.win32(pid);
      let size = TB;
      let at = 0n;
      if (label !== '1 TB') {
        // The largest free region of the user address space, found region by region (O(VADs)).
        for (let va = 0x10000n; va < 0x7FFFFFFE0000n;) {
          const info = k.VirtualQuery(va)!;
          const start = (info.BaseAddress + 0xFFFFn) & ~0xFFFFn;
          const end = info.BaseAddress + info.RegionSize;
          if (info.State === MEM_FREE && end - start > size) { size = (end - start) & ~0xFFFFn; at = start; }
          va = end;
        }
        expect(size).toBeGreaterThan(100n * TB);
      }
      const base = k.VirtualAlloc(at, size, MEM_RESERVE, PAGE_READWRITE);
      expect(base).not.toBe(0n);
      expect(k.VirtualQuery(base)).toMatchObject({ BaseAddress: base, AllocationBase: base, RegionSize: size, State: MEM_RESERVE, Protect: 0, Type: MEM_PRIVATE });
      // Commit two pages far into the reservation, and write one of them.
      const mid = base + size / 2n;
      expect(k.VirtualAlloc(mid, 2n * PAGE, MEM_COMMIT, PAGE_READWRITE)).toBe(mid);
      k.WriteMemory(mid, new Uint8Array([42]));
      expect(k.VirtualQuery(base)).toMatchObject({ RegionSize: mid - base, State: MEM_RESERVE });
      expect(k.VirtualQuery(mid)).toMatchObject({ RegionSize: 2n * PAGE, State: MEM_COMMIT, Protect: PAGE_READWRITE });
      expect(k.VirtualQuery(mid + 2n * PAGE)).toMatchObject({ RegionSize: base + size - mid - 2n * PAGE, State: MEM_RESERVE });
      // Committing the whole reservation is over the commit limit: refused at once, nothing changed.
      expect(k.VirtualAlloc(base, size, MEM_COMMIT, PAGE_READWRITE)).toBe(0n);
      expect(k.GetLastError()).toBe(ERROR_COMMITMENT_LIMIT);
      // MEM_RESET over reserved pages and VirtualProtect over them fail: not committed.
      expect(k.VirtualAlloc(base, size, MEM_RESET, PAGE_READWRITE)).toBe(0n);
      expect(k.GetLastError()).toBe(ERROR_INVALID_ADDRESS);
      expect(k.VirtualProtect(base, size, PAGE_READONLY, { value: 0 })).toBe(false);
      expect(k.GetLastError()).toBe(ERROR_INVALID_ADDRESS);
      expect(k.VirtualProtect(mid, 2n * PAGE, PAGE_READONLY, { value: 0 })).toBe(true);
      expect(k.VirtualQuery(mid)).toMatchObject({ RegionSize: 2n * PAGE, State: MEM_COMMIT, Protect: PAGE_READONLY });
      expect(verifyIntegrity(sys)).toEqual([]);
      // Decommitting the whole reservation releases exactly the two committed pages.
      const before = sys.queryCommit();
      expect(k.VirtualFree(base, size, MEM_DECOMMIT)).toBe(true);
      expect(before.CommitTotal - sys.queryCommit().CommitTotal).toBe(2);
      expect(k.VirtualQuery(base)).toMatchObject({ RegionSize: size, State: MEM_RESERVE });
      expect(k.VirtualFree(base, 0n, MEM_RELEASE)).toBe(true);
      expect(k.VirtualQuery(base)).toMatchObject({ State: MEM_FREE });
      expect(verifyIntegrity(sys)).toEqual([]);
    });
  }

  it('a terabyte MEM_WRITE_WATCH reservation: written pages are reported, in order, and reset', () => {
    const sys = createSystem({ boot: false, physicalMemoryMB: 64, pageFileMB: 64, seed: 3 });
    const k = sys.win32(sys.createProcess({ imagePath: 'C:\\Windows\\System32\\notepad.exe' }).pid);
    const size = 1n << 40n;
    const base = k.VirtualAlloc(0n, size, MEM_RESERVE | MEM_WRITE_WATCH, PAGE_READWRITE);
    expect(base).not.toBe(0n);
    const far = base + size - 16n * PAGE;
    const near = base + 3n * PAGE;
    expect(k.VirtualAlloc(far, 2n * PAGE, MEM_COMMIT, PAGE_READWRITE)).toBe(far);
    expect(k.VirtualAlloc(near, PAGE, MEM_COMMIT, PAGE_READWRITE)).toBe(near);
    k.WriteMemory(far + PAGE, new Uint8Array([1]));
    k.WriteMemory(near, new Uint8Array([2]));
    k.WriteMemory(far, new Uint8Array([3]));
    const addresses: bigint[] = [];
    const count = { value: 10 };
    expect(k.GetWriteWatch(WRITE_WATCH_FLAG_RESET, base, size, addresses, count, { value: 0 })).toBe(0);
    expect(addresses).toEqual([near, far, far + PAGE]);
    expect(count.value).toBe(3);
    // Reset: nothing is reported until a page is written again.
    expect(k.GetWriteWatch(0, base, size, addresses, count, { value: 0 })).toBe(0);
    expect(count.value).toBe(0);
    k.WriteMemory(far + PAGE, new Uint8Array([4]));
    count.value = 10;
    expect(k.GetWriteWatch(0, base, size, addresses, count, { value: 0 })).toBe(0);
    expect(addresses).toEqual([far + PAGE]);
    expect(k.VirtualFree(base, 0n, MEM_RELEASE)).toBe(true);
    expect(verifyIntegrity(sys)).toEqual([]);
  });

  it('a terabyte reserved and committed at once is refused by the commit limit at once', () => {
    const sys = createSystem({ boot: false, physicalMemoryMB: 64, pageFileMB: 64, seed: 3 });
    const k = sys.win32(sys.createProcess({ imagePath: 'C:\\Windows\\System32\\notepad.exe' }).pid);
    expect(k.VirtualAlloc(0n, 1n << 40n, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE)).toBe(0n);
    expect(k.GetLastError()).toBe(ERROR_COMMITMENT_LIMIT);
  });

  it('MEM_RESET and MEM_RESET_UNDO over a large committed region touch only its page tables', () => {
    const sys = createSystem({ boot: false, physicalMemoryMB: 64, pageFileMB: 512, seed: 3 });
    const k = sys.win32(sys.createProcess({ imagePath: 'C:\\Windows\\System32\\notepad.exe' }).pid);
    const pages = 100_000n;
    const base = k.VirtualAlloc(0n, pages * PAGE, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
    expect(base).not.toBe(0n);
    k.WriteMemory(base + 5n * PAGE, new Uint8Array([9]));
    // Reset then undo: the written page is still resident, so its contents survive; the untouched pages
    // were reset too, and an undo over them reports contents lost (ERROR_INVALID_ADDRESS), as before.
    expect(k.VirtualAlloc(base, pages * PAGE, MEM_RESET, PAGE_READWRITE)).toBe(base);
    expect(k.VirtualAlloc(base + 5n * PAGE, PAGE, MEM_RESET_UNDO, PAGE_READWRITE)).toBe(base + 5n * PAGE);
    expect(k.ReadMemory(base + 5n * PAGE, 1)[0]).toBe(9);
    expect(k.VirtualAlloc(base + 6n * PAGE, 10n * PAGE, MEM_RESET_UNDO, PAGE_READWRITE)).toBe(0n);
    expect(k.GetLastError()).toBe(ERROR_INVALID_ADDRESS);
    expect(k.VirtualQuery(base)).toMatchObject({ RegionSize: pages * PAGE, State: MEM_COMMIT, Protect: PAGE_READWRITE });
    expect(verifyIntegrity(sys)).toEqual([]);
    void PAGE_NOACCESS;
  });
});

describe('page tables are charged to commit and need physical memory (issue 19 item 7)', () => {
  it('a fault that needs a page table past the commit limit fails with STATUS_COMMITMENT_LIMIT; the limit holds', () => {
    const sys = createSystem({ boot: false, physicalMemoryMB: 16, pageFileMB: 16, seed: 4 });
    const k = sys.win32(sys.createProcess({ imagePath: 'C:\\Windows\\System32\\notepad.exe' }).pid);
    // A region over several 2 MB page-table spans, committed at reservation (no page tables yet)...
    const pages = 2048n;
    const a = k.VirtualAlloc(0n, pages * PAGE, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
    expect(a).not.toBe(0n);
    // ...and the rest of the commit limit taken by another, so nothing is left for page tables.
    const { CommitTotal, CommitLimit } = sys.queryCommit();
    expect(k.VirtualAlloc(0n, BigInt(CommitLimit - CommitTotal) * PAGE, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE)).not.toBe(0n);
    expect(sys.queryCommit().CommitTotal).toBe(CommitLimit);
    const statuses: number[] = [];
    for (let p = 0n; p < pages; p += 512n) {
      try {
        k.WriteMemory(a + p * PAGE, new Uint8Array([1]));
        statuses.push(0);
      } catch (e) {
        expect(e).toBeInstanceOf(NtException);
        statuses.push((e as NtException).status);
      }
    }
    expect(statuses).toContain(STATUS_COMMITMENT_LIMIT);
    expect(sys.queryCommit().CommitTotal).toBeLessThanOrEqual(CommitLimit);
    expect(verifyIntegrity(sys)).toEqual([]);
  });

  it('VirtualAlloc fails with ERROR_NOT_ENOUGH_MEMORY (no exception) once page tables fill RAM, leaving nothing half done', () => {
    // 4 MB of RAM, a large paging file: the commit limit is far away, physical memory is not.
    const sys = createSystem({ boot: false, physicalMemoryMB: 4, pageFileMB: 64, seed: 4 });
    const k = sys.win32(sys.createProcess({ imagePath: 'C:\\Windows\\System32\\notepad.exe' }).pid);
    const base = k.VirtualAlloc(0n, 1n << 36n, MEM_RESERVE, PAGE_READWRITE);
    expect(base).not.toBe(0n);
    let failedAt = -1;
    for (let i = 0; i < 4096 && failedAt < 0; i++) {
      // One page in each 2 MB span: every commit needs a new page table, which is never paged out.
      const r = k.VirtualAlloc(base + BigInt(i) * 0x200000n, PAGE, MEM_COMMIT, PAGE_READWRITE);
      if (r === 0n) failedAt = i;
    }
    expect(failedAt).toBeGreaterThan(100);
    expect(k.GetLastError()).toBe(ERROR_NOT_ENOUGH_MEMORY);
    // The failed call committed nothing: the next span is still reserved.
    expect(k.VirtualQuery(base + BigInt(failedAt) * 0x200000n)).toMatchObject({ State: MEM_RESERVE });
    expect(verifyIntegrity(sys)).toEqual([]);
    // Releasing the region gives the page tables back; allocations work again.
    expect(k.VirtualFree(base, 0n, MEM_RELEASE)).toBe(true);
    expect(k.VirtualAlloc(0n, 16n * PAGE, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE)).not.toBe(0n);
    expect(verifyIntegrity(sys)).toEqual([]);
  });
});

describe('decommitting at the commit limit', () => {
  it('a region committed at reservation can be decommitted when the limit is reached (its page tables come out of the commit it returns)', () => {
    const sys = createSystem({ boot: false, physicalMemoryMB: 16, pageFileMB: 16, seed: 4 });
    const k = sys.win32(sys.createProcess({ imagePath: 'C:\\Windows\\System32\\notepad.exe' }).pid);
    const { CommitTotal, CommitLimit } = sys.queryCommit();
    const pages = BigInt(CommitLimit - CommitTotal);
    const base = k.VirtualAlloc(0n, pages * PAGE, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
    expect(base).not.toBe(0n);
    expect(sys.queryCommit().CommitTotal).toBe(CommitLimit);
    expect(k.VirtualFree(base + 1024n * PAGE, 1024n * PAGE, MEM_DECOMMIT)).toBe(true);
    expect(k.VirtualQuery(base + 1024n * PAGE)).toMatchObject({ State: MEM_RESERVE, RegionSize: 1024n * PAGE });
    expect(sys.queryCommit().CommitTotal).toBeLessThan(CommitLimit);
    expect(verifyIntegrity(sys)).toEqual([]);
  });
});
