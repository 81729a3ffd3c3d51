/**
 * Large-page allocations (MEM_LARGE_PAGES), black-box.
 *
 * Sources (Microsoft Learn):
 *  - Large-Page Support                                   [LPS]
 *  - VirtualAlloc, MEM_LARGE_PAGES                        [VA]
 *  - GetLargePageMinimum (2 MB on x64)                    [GLPM]
 * The privilege failure code: the kernel's privilege check fails with STATUS_PRIVILEGE_NOT_HELD,
 * which Win32 reports as ERROR_PRIVILEGE_NOT_HELD (1314). Invalid size/flags are parameter errors
 * (STATUS_INVALID_PARAMETER -> ERROR_INVALID_PARAMETER).
 */
import { describe, expect, it } from 'vitest';
import {
  ERROR_INVALID_PARAMETER,
  ERROR_PRIVILEGE_NOT_HELD,
  MEM_COMMIT,
  MEM_LARGE_PAGES,
  MEM_PRIVATE,
  MEM_RELEASE,
  MEM_RESERVE,
  PAGE_READWRITE,
} from '../../src/engine';
import {
  availablePages,
  faultRoutines,
  grantPrivilege,
  LARGE_PAGE,
  MB,
  newProcess,
  PAGE,
  SIZE_T_MINUS_ONE,
  stepsDuring,
} from './helpers/vm';

const LARGE = MEM_RESERVE | MEM_COMMIT | MEM_LARGE_PAGES;

function privileged(physicalMemoryMB = 256) {
  const fx = newProcess({ physicalMemoryMB, pageFileMB: 128 });
  // [LPS] step 1: obtain SeLockMemoryPrivilege.
  grantPrivilege(fx.sys, fx.pid, 'SeLockMemoryPrivilege');
  return fx;
}

describe('MEM_LARGE_PAGES: preconditions', () => {
  it('fails with ERROR_PRIVILEGE_NOT_HELD without SeLockMemoryPrivilege', () => {
    const { k } = newProcess({ physicalMemoryMB: 256 });
    // [LPS] large pages require SeLockMemoryPrivilege.
    expect(k.VirtualAlloc(0n, LARGE_PAGE, LARGE, PAGE_READWRITE)).toBe(0n);
    expect(k.GetLastError()).toBe(ERROR_PRIVILEGE_NOT_HELD);
  });

  it('fails with ERROR_INVALID_PARAMETER when the size is not a multiple of the 2 MB minimum', () => {
    const { k } = privileged();
    // [VA]/[LPS] the size and alignment must be a multiple of the large-page minimum.
    for (const size of [LARGE_PAGE + PAGE, LARGE_PAGE / 2n, 3n * MB]) {
      expect(k.VirtualAlloc(0n, size, LARGE, PAGE_READWRITE), `size 0x${size.toString(16)}`).toBe(0n);
      expect(k.GetLastError()).toBe(ERROR_INVALID_PARAMETER);
    }
  });

  it('needs MEM_RESERVE and MEM_COMMIT together: large pages cannot commit a reserved range', () => {
    const { k } = privileged();
    // [VA] with MEM_LARGE_PAGES you must also specify MEM_RESERVE and MEM_COMMIT.
    expect(k.VirtualAlloc(0n, LARGE_PAGE, MEM_RESERVE | MEM_LARGE_PAGES, PAGE_READWRITE)).toBe(0n);
    expect(k.GetLastError()).toBe(ERROR_INVALID_PARAMETER);
    expect(k.VirtualAlloc(0n, LARGE_PAGE, MEM_COMMIT | MEM_LARGE_PAGES, PAGE_READWRITE)).toBe(0n);
    expect(k.GetLastError()).toBe(ERROR_INVALID_PARAMETER);
    // [LPS] large-page memory must be reserved and committed as a single operation.
    const reserved = k.VirtualAlloc(0n, LARGE_PAGE, MEM_RESERVE, PAGE_READWRITE);
    expect(reserved).not.toBe(0n);
    expect(k.VirtualAlloc(reserved, LARGE_PAGE, MEM_COMMIT | MEM_LARGE_PAGES, PAGE_READWRITE)).toBe(0n);
    expect(k.VirtualQuery(reserved)?.State).toBe(MEM_RESERVE);
  });
});

describe('MEM_LARGE_PAGES: allocations', () => {
  it('allocates committed, 2 MB-aligned private memory that holds data', () => {
    const { k } = privileged();
    const size = 2n * LARGE_PAGE;
    const base = k.VirtualAlloc(0n, size, LARGE, PAGE_READWRITE);
    expect(base, `last error ${k.GetLastError()}`).not.toBe(0n);
    // [VA] the alignment must be a multiple of the large-page minimum.
    expect(base % LARGE_PAGE).toBe(0n);
    expect(k.VirtualQuery(base)).toMatchObject({
      BaseAddress: base,
      AllocationBase: base,
      RegionSize: size,
      State: MEM_COMMIT,
      Protect: PAGE_READWRITE,
      Type: MEM_PRIVATE,
    });
    const probe = Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8);
    for (const offset of [0n, LARGE_PAGE - 4n, LARGE_PAGE, size - 8n]) {
      k.WriteMemory(base + offset, probe);
    }
    for (const offset of [0n, LARGE_PAGE, size - 8n]) {
      expect(Array.from(k.ReadMemory(base + offset, 8)), `offset 0x${offset.toString(16)}`).toEqual(Array.from(probe));
    }
    // The write at LARGE_PAGE - 4 straddles the two large pages.
    expect(Array.from(k.ReadMemory(base + LARGE_PAGE - 4n, 8))).toEqual([1, 2, 3, 4, 1, 2, 3, 4]);
  });

  it('takes its physical memory at allocation time and is not paged out by trimming', () => {
    const { sys, k } = privileged();
    const before = availablePages(sys);
    const base = k.VirtualAlloc(0n, LARGE_PAGE, LARGE, PAGE_READWRITE);
    expect(base).not.toBe(0n);
    // [LPS] the memory is nonpageable (always resident in physical memory).
    expect(before - availablePages(sys)).toBeGreaterThanOrEqual(Number(LARGE_PAGE / PAGE));
    k.WriteMemory(base + 0x1234n, Uint8Array.of(0xab, 0xcd));
    expect(k.SetProcessWorkingSetSize(SIZE_T_MINUS_ONE, SIZE_T_MINUS_ONE)).toBe(true);
    sys.memoryListCommand('MemoryFlushModifiedList');
    sys.memoryListCommand('MemoryPurgeStandbyList');
    const { result, steps } = stepsDuring(sys, () => k.ReadMemory(base + 0x1234n, 2));
    expect(Array.from(result)).toEqual([0xab, 0xcd]);
    // [LPS] not part of the working set (which only holds pageable memory), so trimming cannot remove it:
    // the access does not fault.
    expect(faultRoutines(steps)).toEqual([]);
  });

  it('gives the physical memory back when released', () => {
    const { sys, k } = privileged();
    const before = availablePages(sys);
    const base = k.VirtualAlloc(0n, LARGE_PAGE, LARGE, PAGE_READWRITE);
    expect(base).not.toBe(0n);
    expect(k.VirtualFree(base, 0n, MEM_RELEASE)).toBe(true);
    expect(availablePages(sys)).toBeGreaterThanOrEqual(before - 8);
  });

  it('1040 MB on a 4 GB machine succeeds (one 1 GB page + eight 2 MB pages) and every part holds data', () => {
    const { sys, k } = privileged(4096);
    const size = 1040n * MB;
    const before = availablePages(sys);
    const base = k.VirtualAlloc(0n, size, LARGE, PAGE_READWRITE);
    expect(base, `last error ${k.GetLastError()}`).not.toBe(0n);
    expect(base % LARGE_PAGE).toBe(0n);
    expect(k.VirtualQuery(base)).toMatchObject({ AllocationBase: base, RegionSize: size, State: MEM_COMMIT, Type: MEM_PRIVATE });
    // All 266,240 small-page frames are taken at once (nonpageable, resident).
    expect(before - availablePages(sys)).toBeGreaterThanOrEqual(Number(size / PAGE));
    // Write a tag near the start, across the 1 GB boundary, at each 2 MB page after it, and at the end.
    const offsets = [0n, 1024n * MB - 4n];
    for (let i = 0n; i < 8n; i++) offsets.push(1024n * MB + i * LARGE_PAGE + 0x10n);
    offsets.push(size - 8n);
    offsets.forEach((offset, i) => k.WriteMemory(base + offset, Uint8Array.of(i, 0x5a, i, 0xa5, i, 0x5a, i, 0xa5)));
    offsets.forEach((offset, i) =>
      expect(Array.from(k.ReadMemory(base + offset, 8)), `offset 0x${offset.toString(16)}`).toEqual([i, 0x5a, i, 0xa5, i, 0x5a, i, 0xa5]),
    );
    // Untouched bytes between them read as zero.
    expect(Array.from(k.ReadMemory(base + 512n * MB, 4))).toEqual([0, 0, 0, 0]);
  });
});
