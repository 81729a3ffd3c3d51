/**
 * VirtualAlloc, black-box, against Microsoft's documentation.
 *
 * Sources (Microsoft Learn):
 *  - VirtualAlloc function (memoryapi.h)               [VA]
 *  - Memory Protection Constants                        [MPC]
 *  - MEMORY_BASIC_INFORMATION structure                 [MBI]
 *  - GetWriteWatch / ResetWriteWatch functions          [GWW] / [RWW]
 *  - SYSTEM_INFO.dwAllocationGranularity (GetSystemInfo) [SI]
 * Where Microsoft documents only that a call fails, the exact last-error value is the one the
 * NT status maps to and that Wine's conformance tests (dlls/kernel32/tests/virtual.c, run on
 * real Windows) check; those places say so.
 */
import { describe, expect, it } from 'vitest';
import {
  ERROR_INVALID_ADDRESS,
  ERROR_INVALID_PARAMETER,
  MEM_COMMIT,
  MEM_DECOMMIT,
  MEM_FREE,
  MEM_PRIVATE,
  MEM_RELEASE,
  MEM_RESERVE,
  MEM_RESET,
  MEM_RESET_UNDO,
  MEM_TOP_DOWN,
  MEM_WRITE_WATCH,
  PAGE_EXECUTE,
  PAGE_EXECUTE_READWRITE,
  PAGE_EXECUTE_WRITECOPY,
  PAGE_GUARD,
  PAGE_NOACCESS,
  PAGE_NOCACHE,
  PAGE_READONLY,
  PAGE_READWRITE,
  PAGE_WRITECOMBINE,
  PAGE_WRITECOPY,
  WRITE_WATCH_FLAG_RESET,
} from '../../src/engine';
import { findFreeRange, KB64, newProcess, PAGE, pattern, SIZE_T_MINUS_ONE, writeWatch } from './helpers/vm';

describe('VirtualAlloc: reserve and commit', () => {
  it('reserves and commits in one call, at a 64 KB-aligned base, and the memory reads as zeros', () => {
    const { k } = newProcess();
    const base = k.VirtualAlloc(0n, 0x3000n, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
    expect(base).not.toBe(0n);
    // [SI] allocation granularity is the granularity of the starting address of virtual allocations (64 KB).
    expect(base % KB64).toBe(0n);
    const mbi = k.VirtualQuery(base);
    expect(mbi).toMatchObject({
      BaseAddress: base,
      AllocationBase: base,
      AllocationProtect: PAGE_READWRITE,
      RegionSize: 0x3000n,
      State: MEM_COMMIT,
      Protect: PAGE_READWRITE,
      Type: MEM_PRIVATE,
    });
    // [VA] memory allocated by this function is automatically initialized to zero.
    expect(Array.from(k.ReadMemory(base, 0x3000))).toEqual(new Array(0x3000).fill(0));
  });

  it('rounds the size up to whole pages when lpAddress is NULL', () => {
    const { k } = newProcess();
    // [VA] dwSize: if lpAddress is NULL the size is rounded up to the next page boundary.
    const one = k.VirtualAlloc(0n, 1n, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
    expect(one).not.toBe(0n);
    expect(k.VirtualQuery(one)?.RegionSize).toBe(PAGE);
    const justOver = k.VirtualAlloc(0n, 0x1001n, MEM_RESERVE, PAGE_NOACCESS);
    expect(justOver).not.toBe(0n);
    expect(k.VirtualQuery(justOver)?.RegionSize).toBe(0x2000n);
    expect(k.VirtualQuery(justOver)?.State).toBe(MEM_RESERVE);
  });

  it('a reservation alone is MEM_RESERVE with the requested AllocationProtect', () => {
    const { k } = newProcess();
    const base = k.VirtualAlloc(0n, 0xfffcn, MEM_RESERVE, PAGE_NOACCESS);
    expect(base).not.toBe(0n);
    const mbi = k.VirtualQuery(base);
    // [MBI] AllocationProtect is the protection given when the region was initially allocated.
    expect(mbi).toMatchObject({
      BaseAddress: base,
      AllocationBase: base,
      AllocationProtect: PAGE_NOACCESS,
      RegionSize: 0x10000n,
      State: MEM_RESERVE,
      Type: MEM_PRIVATE,
    });
  });

  it('reserving at an explicit address rounds the base down to the 64 KB granularity and covers every touched page', () => {
    const { k } = newProcess();
    const free = findFreeRange(k, 0x40000n);
    // [VA] lpAddress: when reserving, the address is rounded down to a multiple of the allocation granularity.
    // [VA] dwSize: otherwise the pages are all those containing a byte of [lpAddress, lpAddress+dwSize).
    // [lpAddress, lpAddress+dwSize) = [free+0x1800, free+0x2800) touches pages 1 and 2; the base
    // moves down to `free`, so the reservation is [free, free+0x3000).
    const got = k.VirtualAlloc(free + 0x1800n, 0x1000n, MEM_RESERVE, PAGE_READWRITE);
    expect(got).toBe(free);
    const mbi = k.VirtualQuery(free);
    expect(mbi).toMatchObject({ BaseAddress: free, AllocationBase: free, State: MEM_RESERVE, RegionSize: 0x3000n });
    expect(k.VirtualQuery(free + 0x3000n)?.State).toBe(MEM_FREE);
  });

  it('committing inside a reservation rounds the address down to a page and commits every page the range touches', () => {
    const { k } = newProcess();
    const base = k.VirtualAlloc(0n, 0x10000n, MEM_RESERVE, PAGE_NOACCESS);
    expect(base).not.toBe(0n);
    // [VA] when committing already reserved memory the address is rounded down to the next page boundary,
    // and a 2-byte range straddling a page boundary includes both pages.
    const got = k.VirtualAlloc(base + 0x2fffn, 2n, MEM_COMMIT, PAGE_READWRITE);
    expect(got).toBe(base + 0x2000n);
    expect(k.VirtualQuery(base)).toMatchObject({ BaseAddress: base, State: MEM_RESERVE, RegionSize: 0x2000n });
    expect(k.VirtualQuery(base + 0x2000n)).toMatchObject({
      BaseAddress: base + 0x2000n,
      AllocationBase: base,
      AllocationProtect: PAGE_NOACCESS,
      State: MEM_COMMIT,
      Protect: PAGE_READWRITE,
      RegionSize: 0x2000n,
      Type: MEM_PRIVATE,
    });
    expect(k.VirtualQuery(base + 0x4000n)).toMatchObject({ State: MEM_RESERVE, RegionSize: 0xc000n });
  });

  it('committing pages that are already committed does not fail and keeps their contents', () => {
    const { k } = newProcess();
    const base = k.VirtualAlloc(0n, 0x4000n, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
    expect(base).not.toBe(0n);
    k.WriteMemory(base + 0x10n, Uint8Array.of(0xde, 0xad, 0xbe, 0xef));
    // [VA] MEM_COMMIT: an attempt to commit a page that is already committed does not cause the function to fail.
    expect(k.VirtualAlloc(base, 0x4000n, MEM_COMMIT, PAGE_READWRITE)).toBe(base);
    // Partly committed range: still succeeds ("commit a range of pages, regardless of whether they have already been committed").
    expect(k.VirtualFree(base + 0x2000n, 0x2000n, MEM_DECOMMIT)).toBe(true);
    expect(k.VirtualAlloc(base, 0x4000n, MEM_COMMIT, PAGE_READWRITE)).toBe(base);
    expect(k.VirtualQuery(base)).toMatchObject({ State: MEM_COMMIT, RegionSize: 0x4000n });
    expect(Array.from(k.ReadMemory(base + 0x10n, 4))).toEqual([0xde, 0xad, 0xbe, 0xef]);
  });

  it('MEM_COMMIT at an address that is not reserved fails with ERROR_INVALID_ADDRESS', () => {
    const { k } = newProcess();
    const free = findFreeRange(k, 0x20000n);
    // [VA] committing a specific range with MEM_COMMIT but without MEM_RESERVE fails unless the whole
    // range is already reserved; the resulting error code is ERROR_INVALID_ADDRESS.
    expect(k.VirtualAlloc(free, 0x1000n, MEM_COMMIT, PAGE_READWRITE)).toBe(0n);
    expect(k.GetLastError()).toBe(ERROR_INVALID_ADDRESS);
    expect(k.VirtualQuery(free)?.State).toBe(MEM_FREE);

    // Only part of the range reserved: still ERROR_INVALID_ADDRESS, and nothing is committed.
    const base = k.VirtualAlloc(free, 0x10000n, MEM_RESERVE, PAGE_NOACCESS);
    expect(base).toBe(free);
    expect(k.VirtualAlloc(free + 0xf000n, 0x2000n, MEM_COMMIT, PAGE_READWRITE)).toBe(0n);
    expect(k.GetLastError()).toBe(ERROR_INVALID_ADDRESS);
    // [VA] remarks: if the range is not compatible the function fails and none of the pages are allocated.
    expect(k.VirtualQuery(free + 0xf000n)).toMatchObject({ State: MEM_RESERVE, RegionSize: 0x1000n });
  });

  it('cannot reserve pages that are already reserved', () => {
    const { k } = newProcess();
    const base = k.VirtualAlloc(0n, 0x20000n, MEM_RESERVE, PAGE_NOACCESS);
    expect(base).not.toBe(0n);
    // [VA] remarks: VirtualAlloc cannot reserve a reserved page. (Microsoft does not name the error code.)
    expect(k.VirtualAlloc(base + 0x10000n, 0x10000n, MEM_RESERVE, PAGE_NOACCESS)).toBe(0n);
    expect(k.GetLastError()).not.toBe(0);
    expect(k.VirtualQuery(base)).toMatchObject({ AllocationBase: base, RegionSize: 0x20000n, State: MEM_RESERVE });
  });

  it('a zero-sized request fails with ERROR_INVALID_PARAMETER', () => {
    const { k } = newProcess();
    // Wine conformance test_VirtualAlloc: VirtualAlloc(0, 0, MEM_RESERVE, ...) -> NULL, ERROR_INVALID_PARAMETER on NT.
    expect(k.VirtualAlloc(0n, 0n, MEM_RESERVE, PAGE_NOACCESS)).toBe(0n);
    expect(k.GetLastError()).toBe(ERROR_INVALID_PARAMETER);
  });

  it('flAllocationType must contain MEM_COMMIT, MEM_RESERVE, MEM_RESET or MEM_RESET_UNDO', () => {
    const { k } = newProcess();
    // [VA] flAllocationType must contain one of MEM_COMMIT / MEM_RESERVE / MEM_RESET / MEM_RESET_UNDO.
    expect(k.VirtualAlloc(0n, 0x1000n, 0, PAGE_READWRITE)).toBe(0n);
    expect(k.GetLastError()).toBe(ERROR_INVALID_PARAMETER);
    expect(k.VirtualAlloc(0n, 0x1000n, MEM_TOP_DOWN, PAGE_READWRITE)).toBe(0n);
    expect(k.GetLastError()).toBe(ERROR_INVALID_PARAMETER);
  });

  it('MEM_TOP_DOWN allocates at a higher address than a bottom-up allocation', () => {
    const { k } = newProcess();
    const low = k.VirtualAlloc(0n, 0x10000n, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
    // [VA] MEM_TOP_DOWN allocates memory at the highest possible address.
    const high = k.VirtualAlloc(0n, 0x10000n, MEM_COMMIT | MEM_RESERVE | MEM_TOP_DOWN, PAGE_READWRITE);
    expect(low).not.toBe(0n);
    expect(high).not.toBe(0n);
    expect(high).toBeGreaterThan(low);
    expect(high % KB64).toBe(0n);
    // Nothing above it is free enough for another region of that size *and* higher: a second top-down
    // allocation lands below the first.
    const next = k.VirtualAlloc(0n, 0x10000n, MEM_RESERVE | MEM_TOP_DOWN, PAGE_NOACCESS);
    expect(next).not.toBe(0n);
    expect(next).toBeLessThan(high);
    expect(next).toBeGreaterThan(low);
  });
});

describe('VirtualAlloc: invalid protection values fail with ERROR_INVALID_PARAMETER', () => {
  // [MPC] one of the base protections must be given; PAGE_GUARD cannot be used with PAGE_NOACCESS;
  // PAGE_NOCACHE cannot be used with PAGE_GUARD, PAGE_NOACCESS or PAGE_WRITECOMBINE; PAGE_WRITECOMBINE
  // cannot be used with PAGE_NOACCESS, PAGE_GUARD or PAGE_NOCACHE; PAGE_WRITECOPY and
  // PAGE_EXECUTE_WRITECOPY are not supported by VirtualAlloc. The kernel rejects these with
  // STATUS_INVALID_PAGE_PROTECTION, which the Win32 layer reports as ERROR_INVALID_PARAMETER
  // (Wine conformance test_VirtualAlloc checks 0 and PAGE_READONLY|PAGE_EXECUTE this way).
  const cases: Array<[string, number]> = [
    ['0', 0],
    ['two base protections (PAGE_READONLY | PAGE_EXECUTE)', PAGE_READONLY | PAGE_EXECUTE],
    ['two base protections (PAGE_READWRITE | PAGE_EXECUTE_READWRITE)', PAGE_READWRITE | PAGE_EXECUTE_READWRITE],
    ['PAGE_GUARD | PAGE_NOACCESS', PAGE_GUARD | PAGE_NOACCESS],
    ['PAGE_NOCACHE | PAGE_WRITECOMBINE', PAGE_READWRITE | PAGE_NOCACHE | PAGE_WRITECOMBINE],
    ['PAGE_NOCACHE | PAGE_GUARD', PAGE_READWRITE | PAGE_NOCACHE | PAGE_GUARD],
    ['PAGE_NOCACHE | PAGE_NOACCESS', PAGE_NOACCESS | PAGE_NOCACHE],
    ['a modifier alone (PAGE_GUARD)', PAGE_GUARD],
    ['PAGE_WRITECOPY on private memory', PAGE_WRITECOPY],
    ['PAGE_EXECUTE_WRITECOPY on private memory', PAGE_EXECUTE_WRITECOPY],
  ];
  for (const [name, protect] of cases) {
    it(`rejects ${name}`, () => {
      const { k } = newProcess();
      expect(k.VirtualAlloc(0n, 0x1000n, MEM_COMMIT | MEM_RESERVE, protect)).toBe(0n);
      expect(k.GetLastError()).toBe(ERROR_INVALID_PARAMETER);
    });
  }

  it('also rejects an invalid protection when committing inside an existing reservation, leaving it reserved', () => {
    const { k } = newProcess();
    const base = k.VirtualAlloc(0n, 0x10000n, MEM_RESERVE, PAGE_READWRITE);
    expect(base).not.toBe(0n);
    expect(k.VirtualAlloc(base, 0x1000n, MEM_COMMIT, PAGE_GUARD | PAGE_NOACCESS)).toBe(0n);
    expect(k.GetLastError()).toBe(ERROR_INVALID_PARAMETER);
    expect(k.VirtualQuery(base)?.State).toBe(MEM_RESERVE);
  });

  it('accepts the documented modifier combinations', () => {
    const { k } = newProcess();
    // [MPC] modifiers can be used in addition to the base options, except as noted.
    for (const protect of [PAGE_READWRITE | PAGE_GUARD, PAGE_READWRITE | PAGE_NOCACHE, PAGE_READWRITE | PAGE_WRITECOMBINE]) {
      const base = k.VirtualAlloc(0n, 0x1000n, MEM_COMMIT | MEM_RESERVE, protect);
      expect(base, `protect 0x${protect.toString(16)}`).not.toBe(0n);
      expect(k.VirtualQuery(base)?.Protect).toBe(protect);
    }
  });
});

describe('VirtualAlloc: MEM_RESET', () => {
  it('cannot be combined with any other allocation type', () => {
    const { k } = newProcess();
    const base = k.VirtualAlloc(0n, 0x4000n, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
    expect(base).not.toBe(0n);
    // [VA] MEM_RESET: this value cannot be used with any other value.
    expect(k.VirtualAlloc(base, 0x4000n, MEM_RESET | MEM_COMMIT, PAGE_READWRITE)).toBe(0n);
    expect(k.GetLastError()).toBe(ERROR_INVALID_PARAMETER);
    // [VA] MEM_RESET_UNDO: this value cannot be used with any other value.
    expect(k.VirtualAlloc(base, 0x4000n, MEM_RESET_UNDO | MEM_COMMIT, PAGE_READWRITE)).toBe(0n);
    expect(k.GetLastError()).toBe(ERROR_INVALID_PARAMETER);
  });

  it('leaves committed pages committed with their protection (flProtect is ignored)', () => {
    const { k } = newProcess();
    const base = k.VirtualAlloc(0n, 0x4000n, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
    expect(base).not.toBe(0n);
    k.WriteMemory(base, pattern(0, 0x4000));
    // [VA] MEM_RESET: the block will be used again so it is not decommitted; flProtect is ignored
    // but must be a valid value such as PAGE_NOACCESS.
    expect(k.VirtualAlloc(base, 0x4000n, MEM_RESET, PAGE_NOACCESS)).toBe(base);
    expect(k.VirtualQuery(base)).toMatchObject({ State: MEM_COMMIT, Protect: PAGE_READWRITE, RegionSize: 0x4000n });
    // Still usable: a write after the reset is read back.
    k.WriteMemory(base + 0x1000n, Uint8Array.of(1, 2, 3));
    expect(Array.from(k.ReadMemory(base + 0x1000n, 3))).toEqual([1, 2, 3]);
  });

  it('fails with ERROR_INVALID_ADDRESS when the range is not inside one allocation', () => {
    const { k } = newProcess();
    const base = k.VirtualAlloc(0n, 0x10000n, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
    expect(base).not.toBe(0n);
    // Wine conformance test_VirtualAlloc: MEM_RESET over [base+0xf000, base+0x11000) -> NULL, ERROR_INVALID_ADDRESS.
    expect(k.VirtualAlloc(base + 0xf000n, 0x2000n, MEM_RESET, PAGE_NOACCESS)).toBe(0n);
    expect(k.GetLastError()).toBe(ERROR_INVALID_ADDRESS);
  });
});

describe('VirtualAlloc: MEM_WRITE_WATCH with GetWriteWatch / ResetWriteWatch', () => {
  function setup(pages = 16) {
    const fx = newProcess();
    const size = BigInt(pages) * PAGE;
    // [VA] MEM_WRITE_WATCH: the system tracks pages written in the region; MEM_RESERVE must also be given.
    const base = fx.k.VirtualAlloc(0n, size, MEM_RESERVE | MEM_COMMIT | MEM_WRITE_WATCH, PAGE_READWRITE);
    expect(base).not.toBe(0n);
    return { ...fx, ww: writeWatch(fx.k), base, size, pages };
  }

  function query(ww: ReturnType<typeof writeWatch>, flags: number, base: bigint, size: bigint, capacity: number) {
    const addresses: bigint[] = [];
    const count = { value: capacity };
    const granularity = { value: 0 };
    const rc = ww.GetWriteWatch(flags, base, size, addresses, count, granularity);
    return { rc, count: count.value, addresses: addresses.slice(0, count.value), granularity: granularity.value };
  }

  it('reports nothing before any write, and reads do not count as writes', () => {
    const { k, ww, base, size } = setup();
    k.ReadMemory(base + 0x3000n, 16);
    const r = query(ww, 0, base, size, 16);
    // [GWW] returns 0 on success; lpdwCount receives the number of addresses returned.
    expect(r.rc).toBe(0);
    expect(r.count).toBe(0);
  });

  it('reports the written pages in address order with the page size as granularity', () => {
    const { k, ww, base, size } = setup();
    k.WriteMemory(base + 0x5123n, Uint8Array.of(1));
    k.WriteMemory(base + 0x2000n, Uint8Array.of(2));
    k.WriteMemory(base + 0x2fffn, Uint8Array.of(3, 4)); // straddles into page 3
    const r = query(ww, 0, base, size, 16);
    expect(r.rc).toBe(0);
    // [GWW] lpAddresses receives the addresses of the pages written since allocation or reset;
    // lpdwGranularity receives the page size.
    expect(r.addresses).toEqual([base + 0x2000n, base + 0x3000n, base + 0x5000n]);
    expect(r.count).toBe(3);
    expect(r.granularity).toBe(0x1000);
    // Without WRITE_WATCH_FLAG_RESET the state is kept.
    expect(query(ww, 0, base, size, 16).addresses).toEqual([base + 0x2000n, base + 0x3000n, base + 0x5000n]);
  });

  it('limits the answer to the capacity given in lpdwCount', () => {
    const { k, ww, base, size } = setup();
    for (const page of [1n, 4n, 9n]) k.WriteMemory(base + page * PAGE, Uint8Array.of(0xaa));
    // [GWW] on input lpdwCount is the size of the array in elements; on output the number returned.
    const r = query(ww, 0, base, size, 2);
    expect(r.rc).toBe(0);
    expect(r.count).toBe(2);
    expect(r.addresses).toEqual([base + 0x1000n, base + 0x4000n]);
  });

  it('only looks at the requested sub-range', () => {
    const { k, ww, base } = setup();
    k.WriteMemory(base + 0x1000n, Uint8Array.of(1));
    k.WriteMemory(base + 0x8000n, Uint8Array.of(1));
    const r = query(ww, 0, base + 0x4000n, 0x8000n, 16);
    expect(r.rc).toBe(0);
    expect(r.addresses).toEqual([base + 0x8000n]);
  });

  it('WRITE_WATCH_FLAG_RESET reports then resets; later writes are reported again', () => {
    const { k, ww, base, size } = setup();
    k.WriteMemory(base + 0x7000n, Uint8Array.of(7));
    // [GWW] WRITE_WATCH_FLAG_RESET resets the write-tracking state.
    const first = query(ww, WRITE_WATCH_FLAG_RESET, base, size, 16);
    expect(first.rc).toBe(0);
    expect(first.addresses).toEqual([base + 0x7000n]);
    expect(query(ww, 0, base, size, 16).count).toBe(0);
    k.WriteMemory(base + 0x7000n, Uint8Array.of(8));
    expect(query(ww, 0, base, size, 16).addresses).toEqual([base + 0x7000n]);
  });

  it('ResetWriteWatch clears the state for the given range only', () => {
    const { k, ww, base, size } = setup();
    k.WriteMemory(base + 0x1000n, Uint8Array.of(1));
    k.WriteMemory(base + 0xa000n, Uint8Array.of(1));
    // [RWW] returns 0 on success; subsequent GetWriteWatch only reports pages written after the reset.
    expect(ww.ResetWriteWatch(base, 0x8000n)).toBe(0);
    expect(query(ww, 0, base, size, 16).addresses).toEqual([base + 0xa000n]);
    expect(ww.ResetWriteWatch(base, size)).toBe(0);
    expect(query(ww, 0, base, size, 16).count).toBe(0);
  });

  it('keeps reporting a written page after the working set was emptied', () => {
    const { k, ww, base, size } = setup();
    k.WriteMemory(base + 0x6000n, Uint8Array.of(6));
    expect(k.SetProcessWorkingSetSize(SIZE_T_MINUS_ONE, SIZE_T_MINUS_ONE)).toBe(true);
    // [GWW] the addresses are those of pages written since allocation or the last reset — trimming is neither.
    expect(query(ww, 0, base, size, 16).addresses).toEqual([base + 0x6000n]);
  });

  it('fails (nonzero) for a region allocated without MEM_WRITE_WATCH', () => {
    const { k } = newProcess();
    const ww = writeWatch(k);
    const base = k.VirtualAlloc(0n, 0x4000n, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
    expect(base).not.toBe(0n);
    k.WriteMemory(base, Uint8Array.of(1));
    // [GWW] lpBaseAddress must be in a region allocated with MEM_WRITE_WATCH; on failure the return value is nonzero.
    expect(query(ww, 0, base, 0x4000n, 4).rc).not.toBe(0);
    // [RWW] same requirement and failure convention.
    expect(ww.ResetWriteWatch(base, 0x4000n)).not.toBe(0);
  });

  it('released write-watch memory is gone', () => {
    const { k, base } = setup();
    expect(k.VirtualFree(base, 0n, MEM_RELEASE)).toBe(true);
    expect(k.VirtualQuery(base)?.State).toBe(MEM_FREE);
  });
});
