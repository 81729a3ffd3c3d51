/**
 * VirtualFree, VirtualProtect and VirtualQuery, black-box, against Microsoft's documentation.
 *
 * Sources (Microsoft Learn):
 *  - VirtualFree function (memoryapi.h)         [VF]
 *  - VirtualProtect function (memoryapi.h)      [VP]
 *  - VirtualQuery function (memoryapi.h)        [VQ]
 *  - MEMORY_BASIC_INFORMATION structure         [MBI]
 *  - Memory Protection Constants                [MPC]
 * Where Microsoft documents only that a call fails, exact last-error values come from Wine's
 * conformance tests (dlls/kernel32/tests/virtual.c, which run on real Windows) and are marked so;
 * otherwise the test only checks that the call fails and changes nothing.
 */
import { describe, expect, it } from 'vitest';
import {
  ERROR_INVALID_ADDRESS,
  ERROR_INVALID_PARAMETER,
  ERROR_NOACCESS,
  MEM_COMMIT,
  MEM_DECOMMIT,
  MEM_FREE,
  MEM_PRIVATE,
  MEM_RELEASE,
  MEM_RESERVE,
  PAGE_EXECUTE_READ,
  PAGE_EXECUTE_WRITECOPY,
  PAGE_GUARD,
  PAGE_NOACCESS,
  PAGE_NOCACHE,
  PAGE_READONLY,
  PAGE_READWRITE,
  PAGE_WRITECOMBINE,
  STATUS_ACCESS_VIOLATION,
} from '../../src/engine';
import { faultStatus, findFreeRange, MB, newProcess, type Win32 } from './helpers/vm';

function reserve(k: Win32, size: bigint, protect = PAGE_NOACCESS): bigint {
  const base = k.VirtualAlloc(0n, size, MEM_RESERVE, protect);
  expect(base).not.toBe(0n);
  return base;
}

function commitAll(k: Win32, size: bigint, protect = PAGE_READWRITE): bigint {
  const base = k.VirtualAlloc(0n, size, MEM_RESERVE | MEM_COMMIT, protect);
  expect(base).not.toBe(0n);
  return base;
}

/** Walks the allocation with VirtualQuery and returns [offset, size, state, protect] per region. */
function regions(k: Win32, base: bigint, size: bigint): Array<[bigint, bigint, number, number]> {
  const out: Array<[bigint, bigint, number, number]> = [];
  let at = base;
  while (at < base + size) {
    const mbi = k.VirtualQuery(at);
    expect(mbi).not.toBeNull();
    if (!mbi) break;
    expect(mbi.BaseAddress).toBe(at);
    expect(mbi.AllocationBase).toBe(base);
    expect(mbi.Type).toBe(MEM_PRIVATE);
    // [MBI] Protect is undefined for reserved pages: report it only for committed ones.
    out.push([at - base, mbi.RegionSize, mbi.State, mbi.State === MEM_COMMIT ? mbi.Protect : 0]);
    at += mbi.RegionSize;
  }
  return out;
}

describe('VirtualFree: MEM_RELEASE', () => {
  it('releases the whole reservation given its base and size 0; the pages become MEM_FREE and inaccessible', () => {
    const { k } = newProcess();
    const base = k.VirtualAlloc(0n, 0x10000n, MEM_RESERVE, PAGE_READWRITE);
    expect(base).not.toBe(0n);
    expect(k.VirtualAlloc(base + 0x3000n, 0x2000n, MEM_COMMIT, PAGE_READWRITE)).toBe(base + 0x3000n);
    k.WriteMemory(base + 0x3000n, Uint8Array.of(1, 2, 3));
    // [VF] MEM_RELEASE: size 0 and the base returned when the region was reserved; committed pages are
    // decommitted first; pages in mixed states can be released together; afterwards they are free.
    expect(k.VirtualFree(base, 0n, MEM_RELEASE)).toBe(true);
    const mbi = k.VirtualQuery(base + 0x3000n);
    expect(mbi?.State).toBe(MEM_FREE);
    expect(mbi?.BaseAddress).toBe(base + 0x3000n);
    // [VF] remarks: reading or writing a free page results in an access violation.
    expect(faultStatus(() => k.ReadMemory(base + 0x3000n, 1))).toBe(STATUS_ACCESS_VIOLATION);
    expect(faultStatus(() => k.WriteMemory(base, Uint8Array.of(1)))).toBe(STATUS_ACCESS_VIOLATION);
  });

  it('fails with ERROR_INVALID_PARAMETER when dwSize is not 0, leaving the region intact', () => {
    const { k } = newProcess();
    const base = commitAll(k, 0x10000n);
    // [VF] with MEM_RELEASE dwSize must be 0; the function fails otherwise.
    // Wine conformance test_VirtualAlloc: VirtualFree(addr, 1, MEM_RELEASE) -> ERROR_INVALID_PARAMETER.
    expect(k.VirtualFree(base, 1n, MEM_RELEASE)).toBe(false);
    expect(k.GetLastError()).toBe(ERROR_INVALID_PARAMETER);
    expect(k.VirtualFree(base, 0x10000n, MEM_RELEASE)).toBe(false);
    expect(k.GetLastError()).toBe(ERROR_INVALID_PARAMETER);
    expect(k.VirtualQuery(base)).toMatchObject({ State: MEM_COMMIT, RegionSize: 0x10000n });
  });

  it('fails when lpAddress is not the allocation base, leaving the region intact', () => {
    const { k } = newProcess();
    const base = commitAll(k, 0x10000n);
    // [VF] lpAddress must be the base returned by VirtualAlloc when the region was reserved; the
    // function fails if this is not met (Microsoft does not name the error code).
    expect(k.VirtualFree(base + 0x1000n, 0n, MEM_RELEASE)).toBe(false);
    expect(k.GetLastError()).not.toBe(0);
    expect(k.VirtualQuery(base)).toMatchObject({ State: MEM_COMMIT, RegionSize: 0x10000n, AllocationBase: base });
  });

  it('releases one allocation without touching an adjacent one', () => {
    const { k } = newProcess();
    const free = findFreeRange(k, 0x20000n);
    expect(k.VirtualAlloc(free, 0x10000n, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE)).toBe(free);
    expect(k.VirtualAlloc(free + 0x10000n, 0x10000n, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE)).toBe(free + 0x10000n);
    k.WriteMemory(free + 0x10000n, Uint8Array.of(9));
    expect(k.VirtualFree(free, 0n, MEM_RELEASE)).toBe(true);
    expect(k.VirtualQuery(free)).toMatchObject({ State: MEM_FREE, RegionSize: 0x10000n });
    expect(k.VirtualQuery(free + 0x10000n)).toMatchObject({ State: MEM_COMMIT, AllocationBase: free + 0x10000n });
    expect(Array.from(k.ReadMemory(free + 0x10000n, 1))).toEqual([9]);
  });

  it('rejects dwFreeType 0, MEM_FREE and MEM_DECOMMIT | MEM_RELEASE', () => {
    const { k } = newProcess();
    const base = commitAll(k, 0x10000n);
    // Wine conformance test_VirtualAlloc: type 0 and MEM_FREE -> ERROR_INVALID_PARAMETER.
    expect(k.VirtualFree(base, 0x10000n, 0)).toBe(false);
    expect(k.GetLastError()).toBe(ERROR_INVALID_PARAMETER);
    expect(k.VirtualFree(base, 0n, MEM_FREE)).toBe(false);
    expect(k.GetLastError()).toBe(ERROR_INVALID_PARAMETER);
    // [VF] MEM_DECOMMIT: do not use this value with MEM_RELEASE.
    expect(k.VirtualFree(base, 0n, MEM_DECOMMIT | MEM_RELEASE)).toBe(false);
    expect(k.VirtualQuery(base)).toMatchObject({ State: MEM_COMMIT, RegionSize: 0x10000n });
  });
});

describe('VirtualFree: MEM_DECOMMIT', () => {
  it('with the allocation base and size 0 decommits the whole region, which stays reserved', () => {
    const { k } = newProcess();
    const base = commitAll(k, 0x30000n);
    k.WriteMemory(base + 0x20000n, Uint8Array.of(5));
    // [VF] MEM_DECOMMIT with the base from VirtualAlloc and dwSize 0 decommits the entire region;
    // after that the entire region is in the reserved state.
    expect(k.VirtualFree(base, 0n, MEM_DECOMMIT)).toBe(true);
    expect(k.VirtualQuery(base)).toMatchObject({
      BaseAddress: base,
      AllocationBase: base,
      State: MEM_RESERVE,
      RegionSize: 0x30000n,
    });
    // [VF] remarks: reading or writing a reserved page results in an access violation.
    expect(faultStatus(() => k.ReadMemory(base + 0x20000n, 1))).toBe(STATUS_ACCESS_VIOLATION);
  });

  it('decommits every page the range touches, and uncommitted pages in the range do not make it fail', () => {
    const { k } = newProcess();
    const base = reserve(k, 0x10000n);
    expect(k.VirtualAlloc(base, 0x4000n, MEM_COMMIT, PAGE_READWRITE)).toBe(base);
    // [VF] a 2-byte range straddling a page boundary decommits both pages.
    expect(k.VirtualFree(base + 0x1fffn, 2n, MEM_DECOMMIT)).toBe(true);
    expect(regions(k, base, 0x10000n)).toEqual([
      [0x0000n, 0x1000n, MEM_COMMIT, PAGE_READWRITE],
      [0x1000n, 0x2000n, MEM_RESERVE, 0],
      [0x3000n, 0x1000n, MEM_COMMIT, PAGE_READWRITE],
      [0x4000n, 0xc000n, MEM_RESERVE, 0],
    ]);
    // [VF] attempting to decommit an uncommitted page does not cause a failure.
    expect(k.VirtualFree(base, 0x10000n, MEM_DECOMMIT)).toBe(true);
    expect(regions(k, base, 0x10000n)).toEqual([[0n, 0x10000n, MEM_RESERVE, 0]]);
  });

  it('recommitted pages read as zeros again', () => {
    const { k } = newProcess();
    const base = commitAll(k, 0x2000n);
    k.WriteMemory(base + 0x1000n, Uint8Array.of(0x11, 0x22));
    expect(k.VirtualFree(base + 0x1000n, 0x1000n, MEM_DECOMMIT)).toBe(true);
    // [VF] after decommit, information that was in that memory is gone.
    // [VA] memory allocated by VirtualAlloc is initialized to zero.
    expect(k.VirtualAlloc(base + 0x1000n, 0x1000n, MEM_COMMIT, PAGE_READWRITE)).toBe(base + 0x1000n);
    expect(Array.from(k.ReadMemory(base + 0x1000n, 2))).toEqual([0, 0]);
  });
});

describe('VirtualQuery', () => {
  it('rounds lpAddress down to the page and describes the region of identical pages from there', () => {
    const { k } = newProcess();
    const base = commitAll(k, 0x8000n);
    // [VQ] lpAddress is rounded down to the next page boundary; RegionSize runs from BaseAddress.
    expect(k.VirtualQuery(base + 0x2345n)).toMatchObject({
      BaseAddress: base + 0x2000n,
      AllocationBase: base,
      RegionSize: 0x6000n,
      State: MEM_COMMIT,
    });
  });

  it('splits at a partial commit and merges again once all pages match', () => {
    const { k } = newProcess();
    const base = reserve(k, 0x10000n, PAGE_READWRITE);
    expect(k.VirtualAlloc(base + 0x4000n, 0x4000n, MEM_COMMIT, PAGE_READWRITE)).toBe(base + 0x4000n);
    // [VQ] a region is a run of consecutive pages with the same state, allocation and protection.
    expect(regions(k, base, 0x10000n)).toEqual([
      [0x0000n, 0x4000n, MEM_RESERVE, 0],
      [0x4000n, 0x4000n, MEM_COMMIT, PAGE_READWRITE],
      [0x8000n, 0x8000n, MEM_RESERVE, 0],
    ]);
    expect(k.VirtualQuery(base + 0x4000n)?.AllocationProtect).toBe(PAGE_READWRITE);
    expect(k.VirtualAlloc(base, 0x10000n, MEM_COMMIT, PAGE_READWRITE)).toBe(base);
    expect(regions(k, base, 0x10000n)).toEqual([[0n, 0x10000n, MEM_COMMIT, PAGE_READWRITE]]);
  });

  it('splits at a protection change and merges when the protection is restored', () => {
    const { k } = newProcess();
    const base = commitAll(k, 0x10000n);
    const old = { value: 0 };
    expect(k.VirtualProtect(base + 0x5000n, 0x2000n, PAGE_READONLY, old)).toBe(true);
    expect(regions(k, base, 0x10000n)).toEqual([
      [0x0000n, 0x5000n, MEM_COMMIT, PAGE_READWRITE],
      [0x5000n, 0x2000n, MEM_COMMIT, PAGE_READONLY],
      [0x7000n, 0x9000n, MEM_COMMIT, PAGE_READWRITE],
    ]);
    // [MBI] AllocationProtect stays the protection given at allocation time.
    expect(k.VirtualQuery(base + 0x5000n)?.AllocationProtect).toBe(PAGE_READWRITE);
    expect(k.VirtualProtect(base + 0x5000n, 0x2000n, PAGE_READWRITE, old)).toBe(true);
    expect(regions(k, base, 0x10000n)).toEqual([[0n, 0x10000n, MEM_COMMIT, PAGE_READWRITE]]);
  });

  it('splits at a decommit in the middle and merges after recommit', () => {
    const { k } = newProcess();
    const base = commitAll(k, 0x10000n);
    expect(k.VirtualFree(base + 0x8000n, 0x1000n, MEM_DECOMMIT)).toBe(true);
    expect(regions(k, base, 0x10000n)).toEqual([
      [0x0000n, 0x8000n, MEM_COMMIT, PAGE_READWRITE],
      [0x8000n, 0x1000n, MEM_RESERVE, 0],
      [0x9000n, 0x7000n, MEM_COMMIT, PAGE_READWRITE],
    ]);
    expect(k.VirtualAlloc(base + 0x8000n, 0x1000n, MEM_COMMIT, PAGE_READWRITE)).toBe(base + 0x8000n);
    expect(regions(k, base, 0x10000n)).toEqual([[0n, 0x10000n, MEM_COMMIT, PAGE_READWRITE]]);
  });

  it('never merges two adjacent allocations into one region', () => {
    const { k } = newProcess();
    const free = findFreeRange(k, 0x20000n);
    expect(k.VirtualAlloc(free, 0x10000n, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE)).toBe(free);
    expect(k.VirtualAlloc(free + 0x10000n, 0x10000n, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE)).toBe(free + 0x10000n);
    // [VQ] if the first page is not free, all pages of the region belong to the same initial allocation.
    expect(k.VirtualQuery(free)).toMatchObject({ RegionSize: 0x10000n, AllocationBase: free });
    expect(k.VirtualQuery(free + 0x10000n)).toMatchObject({ RegionSize: 0x10000n, AllocationBase: free + 0x10000n });
  });

  it('reports free memory as MEM_FREE, measured from the queried page to the end of the free run', () => {
    const { k } = newProcess();
    const free = findFreeRange(k, 4n * MB);
    const whole = k.VirtualQuery(free);
    expect(whole?.State).toBe(MEM_FREE);
    const inside = k.VirtualQuery(free + MB);
    // [VQ] example: querying 10 MB into a 40 MB free region gives MEM_FREE and 30 MB.
    expect(inside?.State).toBe(MEM_FREE);
    expect(inside?.BaseAddress).toBe(free + MB);
    expect(inside!.RegionSize).toBeGreaterThanOrEqual(3n * MB);
    expect(inside!.BaseAddress + inside!.RegionSize).toBe(whole!.BaseAddress + whole!.RegionSize);
  });

  it('fails with ERROR_INVALID_PARAMETER above the highest user-mode address', () => {
    const { k } = newProcess();
    // [VQ] an address above the highest address accessible to the process fails with ERROR_INVALID_PARAMETER.
    expect(k.VirtualQuery(0xffff800000000000n)).toBeNull();
    expect(k.GetLastError()).toBe(ERROR_INVALID_PARAMETER);
  });
});

describe('VirtualProtect', () => {
  it('returns the previous protection of the first page of the range', () => {
    const { k } = newProcess();
    const base = commitAll(k, 0x4000n);
    const old = { value: 0 };
    expect(k.VirtualProtect(base + 0x1000n, 0x1000n, PAGE_READONLY, old)).toBe(true);
    expect(old.value).toBe(PAGE_READWRITE);
    // [VP] lpflOldProtect receives the previous access protection of the first page in the range.
    expect(k.VirtualProtect(base + 0x1000n, 0x3000n, PAGE_EXECUTE_READ, old)).toBe(true);
    expect(old.value).toBe(PAGE_READONLY);
    expect(k.VirtualProtect(base, 0x4000n, PAGE_NOACCESS, old)).toBe(true);
    expect(old.value).toBe(PAGE_READWRITE);
    expect(regions(k, base, 0x4000n)).toEqual([[0n, 0x4000n, MEM_COMMIT, PAGE_NOACCESS]]);
  });

  it('changes every page the range touches (2 bytes across a page boundary = 2 pages)', () => {
    const { k } = newProcess();
    const base = commitAll(k, 0x4000n);
    const old = { value: 0 };
    // [VP] dwSize: a 2-byte range straddling a page boundary changes both pages.
    expect(k.VirtualProtect(base + 0x1fffn, 2n, PAGE_READONLY, old)).toBe(true);
    expect(regions(k, base, 0x4000n)).toEqual([
      [0x0000n, 0x1000n, MEM_COMMIT, PAGE_READWRITE],
      [0x1000n, 0x2000n, MEM_COMMIT, PAGE_READONLY],
      [0x3000n, 0x1000n, MEM_COMMIT, PAGE_READWRITE],
    ]);
  });

  it('fails with ERROR_INVALID_ADDRESS if any page is not committed, changing no page', () => {
    const { k } = newProcess();
    const base = reserve(k, 0x10000n);
    const old = { value: 0 };
    // Wine conformance test_VirtualAlloc: protecting reserved memory -> ERROR_INVALID_ADDRESS on NT.
    expect(k.VirtualProtect(base, 0x1000n, PAGE_READONLY, old)).toBe(false);
    expect(k.GetLastError()).toBe(ERROR_INVALID_ADDRESS);
    expect(k.VirtualAlloc(base, 0x1000n, MEM_COMMIT, PAGE_READWRITE)).toBe(base);
    // [VP] if any page in the range is not committed the function fails without changing any page.
    expect(k.VirtualProtect(base, 0x2000n, PAGE_READONLY, old)).toBe(false);
    expect(k.GetLastError()).toBe(ERROR_INVALID_ADDRESS);
    expect(k.VirtualQuery(base)).toMatchObject({ State: MEM_COMMIT, Protect: PAGE_READWRITE, RegionSize: 0x1000n });
  });

  it('fails on free memory', () => {
    const { k } = newProcess();
    const free = findFreeRange(k, 0x10000n);
    const old = { value: 0 };
    // [VP] protection can only be set on committed pages.
    expect(k.VirtualProtect(free, 0x1000n, PAGE_READONLY, old)).toBe(false);
    expect(k.VirtualQuery(free)?.State).toBe(MEM_FREE);
  });

  it('fails for a range spanning two separate allocations, changing neither', () => {
    const { k } = newProcess();
    const free = findFreeRange(k, 0x20000n);
    expect(k.VirtualAlloc(free, 0x10000n, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE)).toBe(free);
    expect(k.VirtualAlloc(free + 0x10000n, 0x10000n, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE)).toBe(free + 0x10000n);
    const old = { value: 0 };
    // [VP] the pages cannot span adjacent reserved regions allocated by separate VirtualAlloc calls.
    expect(k.VirtualProtect(free + 0xf000n, 0x2000n, PAGE_READONLY, old)).toBe(false);
    expect(k.VirtualQuery(free + 0xf000n)?.Protect).toBe(PAGE_READWRITE);
    expect(k.VirtualQuery(free + 0x10000n)?.Protect).toBe(PAGE_READWRITE);
  });

  it('rejects invalid protections with ERROR_INVALID_PARAMETER', () => {
    const { k } = newProcess();
    const base = commitAll(k, 0x1000n);
    const old = { value: 0 };
    // Wine conformance test_VirtualAlloc: 0 and PAGE_READWRITE|PAGE_EXECUTE_WRITECOPY -> ERROR_INVALID_PARAMETER.
    expect(k.VirtualProtect(base, 0x1000n, 0, old)).toBe(false);
    expect(k.GetLastError()).toBe(ERROR_INVALID_PARAMETER);
    expect(k.VirtualProtect(base, 0x1000n, PAGE_READWRITE | PAGE_EXECUTE_WRITECOPY, old)).toBe(false);
    expect(k.GetLastError()).toBe(ERROR_INVALID_PARAMETER);
    // [MPC] PAGE_GUARD cannot be used with PAGE_NOACCESS; PAGE_NOCACHE cannot be used with PAGE_WRITECOMBINE.
    expect(k.VirtualProtect(base, 0x1000n, PAGE_NOACCESS | PAGE_GUARD, old)).toBe(false);
    expect(k.GetLastError()).toBe(ERROR_INVALID_PARAMETER);
    expect(k.VirtualProtect(base, 0x1000n, PAGE_READWRITE | PAGE_NOCACHE | PAGE_WRITECOMBINE, old)).toBe(false);
    expect(k.GetLastError()).toBe(ERROR_INVALID_PARAMETER);
    expect(k.VirtualQuery(base)?.Protect).toBe(PAGE_READWRITE);
  });

  it('fails when lpflOldProtect is missing, changing nothing', () => {
    const { k } = newProcess();
    const base = commitAll(k, 0x1000n);
    // [VP] if lpflOldProtect is NULL or does not point to a valid variable, the function fails.
    // (The probe of the output pointer raises STATUS_ACCESS_VIOLATION, reported as ERROR_NOACCESS.)
    expect(k.VirtualProtect(base, 0x1000n, PAGE_READONLY)).toBe(false);
    expect(k.GetLastError()).toBe(ERROR_NOACCESS);
    expect(k.VirtualQuery(base)?.Protect).toBe(PAGE_READWRITE);
  });

  it('the new protection is enforced on access', () => {
    const { k } = newProcess();
    const base = commitAll(k, 0x2000n);
    k.WriteMemory(base, Uint8Array.of(0x42));
    const old = { value: 0 };
    expect(k.VirtualProtect(base, 0x1000n, PAGE_READONLY, old)).toBe(true);
    // [MPC] PAGE_READONLY: an attempt to write results in an access violation.
    expect(Array.from(k.ReadMemory(base, 1))).toEqual([0x42]);
    expect(faultStatus(() => k.WriteMemory(base, Uint8Array.of(1)))).toBe(STATUS_ACCESS_VIOLATION);
    expect(Array.from(k.ReadMemory(base, 1))).toEqual([0x42]);
    // The other page keeps PAGE_READWRITE.
    k.WriteMemory(base + 0x1000n, Uint8Array.of(7));
    expect(k.VirtualProtect(base, 0x1000n, PAGE_NOACCESS, old)).toBe(true);
    expect(old.value).toBe(PAGE_READONLY);
    // [MPC] PAGE_NOACCESS: any read or write results in an access violation.
    expect(faultStatus(() => k.ReadMemory(base, 1))).toBe(STATUS_ACCESS_VIOLATION);
    expect(k.VirtualProtect(base, 0x1000n, PAGE_READWRITE, old)).toBe(true);
    expect(Array.from(k.ReadMemory(base, 1))).toEqual([0x42]);
  });
});
