/**
 * Win32 conformance corners (issue 14, "Also found"), each against the Microsoft Learn page that documents it:
 * MapViewOfFile (dwDesiredAccess versus the mapping's protection), Memory Protection Constants (PAGE_WRITECOPY,
 * PAGE_EXECUTE_WRITECOPY, PAGE_NOCACHE, PAGE_WRITECOMBINE), CreateFileMapping (SEC_RESERVE) and VirtualFree
 * (MEM_DECOMMIT rounds to pages, MEM_RELEASE takes the base and a size of 0). Where Learn names no error code
 * the test says so and pins the simulation's.
 */
import { describe, expect, it } from 'vitest';
import {
  ERROR_ACCESS_DENIED, FILE_MAP_COPY, FILE_MAP_EXECUTE, FILE_MAP_READ, FILE_MAP_WRITE, MEM_COMMIT, MEM_DECOMMIT, MEM_FREE, MEM_RELEASE,
  MEM_RESERVE, PAGE_EXECUTE_READ, PAGE_EXECUTE_READWRITE, PAGE_EXECUTE_WRITECOPY, PAGE_NOCACHE, PAGE_READONLY, PAGE_READWRITE,
  PAGE_WRITECOMBINE, PAGE_WRITECOPY, SEC_RESERVE,
} from '../../src/engine';
import { newProcess, PAGE } from './helpers/vm';

describe('MapViewOfFile: the view access against the mapping protection (Learn, MapViewOfFile)', () => {
  it('FILE_MAP_COPY of a PAGE_READONLY mapping is allowed and reads as PAGE_WRITECOPY; FILE_MAP_WRITE is refused', () => {
    const { k } = newProcess();
    const h = k.CreateFileMapping(-1, PAGE_READONLY, 0x10000n);
    const copy = k.MapViewOfFile(h, FILE_MAP_COPY, 0n, 0n);
    expect(copy).not.toBe(0n);
    expect(k.VirtualQuery(copy)!.Protect).toBe(PAGE_WRITECOPY);
    expect(k.MapViewOfFile(h, FILE_MAP_WRITE, 0n, 0n)).toBe(0n);
    expect(k.GetLastError()).toBe(ERROR_ACCESS_DENIED);
  });

  it('FILE_MAP_EXECUTE needs an executable mapping', () => {
    const { k } = newProcess();
    expect(k.MapViewOfFile(k.CreateFileMapping(-1, PAGE_READWRITE, 0x10000n), FILE_MAP_READ | FILE_MAP_EXECUTE, 0n, 0n)).toBe(0n);
    expect(k.GetLastError()).toBe(ERROR_ACCESS_DENIED);
    const x = k.MapViewOfFile(k.CreateFileMapping(-1, PAGE_EXECUTE_READWRITE, 0x10000n), FILE_MAP_READ | FILE_MAP_EXECUTE, 0n, 0n);
    expect(k.VirtualQuery(x)!.Protect).toBe(PAGE_EXECUTE_READ);
  });

  it('a written copy-on-write page becomes the process\'s own PAGE_READWRITE page; the rest of the view stays PAGE_WRITECOPY (Memory Protection Constants)', () => {
    const { k } = newProcess();
    const v = k.MapViewOfFile(k.CreateFileMapping(-1, PAGE_READWRITE, 0x10000n), FILE_MAP_COPY, 0n, 0n);
    k.WriteMemory(v, new Uint8Array([1]));
    expect(k.VirtualQuery(v)).toMatchObject({ Protect: PAGE_READWRITE, RegionSize: PAGE, AllocationProtect: PAGE_WRITECOPY });
    expect(k.VirtualQuery(v + PAGE)!.Protect).toBe(PAGE_WRITECOPY);
  });
});

describe('VirtualProtect in an image view: writable means copy-on-write', () => {
  it('PAGE_EXECUTE_READWRITE on a DLL\'s code succeeds as PAGE_EXECUTE_WRITECOPY; the written page becomes PAGE_EXECUTE_READWRITE', () => {
    // Code patchers depend on the call succeeding (microsoft/Detours, DetourAttachEx); the private copy is
    // PAGE_EXECUTE_READWRITE (Learn, Memory Protection Constants: PAGE_EXECUTE_WRITECOPY).
    const { sys, pid, k } = newProcess();
    const image = sys.queryVads(pid).find((v) => v.vadType === 'VadImageMap')!;
    const code = image.start + PAGE;
    const old = { value: 0 };
    expect(k.VirtualProtect(code, PAGE, PAGE_EXECUTE_READWRITE, old)).toBe(true);
    expect(k.VirtualQuery(code)!.Protect).toBe(PAGE_EXECUTE_WRITECOPY);
    k.WriteMemory(code, new Uint8Array([0xCC]));
    expect(k.VirtualQuery(code)!.Protect).toBe(PAGE_EXECUTE_READWRITE);
    expect(k.ReadMemory(code, 1)[0]).toBe(0xCC);
  });
});

describe('cache attributes are fixed at allocation (Learn, Memory Protection Constants: PAGE_NOCACHE/PAGE_WRITECOMBINE only when allocating)', () => {
  // Learn says these modifiers can be used "only when allocating private memory"; it does not say what VirtualProtect
  // does when given or not given one. The simulation's choice, pinned here: the call succeeds and the region keeps the
  // attribute it was allocated with (README, "Where the model ends").
  it('VirtualProtect neither removes PAGE_NOCACHE nor adds PAGE_WRITECOMBINE (the simulation\'s choice where Learn is silent)', () => {
    const { k } = newProcess();
    const nc = k.VirtualAlloc(0n, 0x2000n, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE | PAGE_NOCACHE);
    const old = { value: 0 };
    expect(k.VirtualProtect(nc, PAGE, PAGE_READONLY, old)).toBe(true);
    expect(old.value).toBe(PAGE_READWRITE | PAGE_NOCACHE);
    expect(k.VirtualQuery(nc)!.Protect).toBe(PAGE_READONLY | PAGE_NOCACHE);
    const plain = k.VirtualAlloc(0n, 0x2000n, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
    expect(k.VirtualProtect(plain, PAGE, PAGE_READWRITE | PAGE_WRITECOMBINE, old)).toBe(true);
    expect(k.VirtualQuery(plain)!.Protect).toBe(PAGE_READWRITE);
  });
});

describe('SEC_RESERVE: pages committed through one view are committed in every view (Learn, CreateFileMapping)', () => {
  it('a commit with VirtualAlloc in a read-write view shows in a read-only view of the same mapping, with that view\'s protection', () => {
    const { k } = newProcess();
    const h = k.CreateFileMapping(-1, PAGE_READWRITE | SEC_RESERVE, 0x10000n);
    const rw = k.MapViewOfFile(h, FILE_MAP_WRITE, 0n, 0n);
    const ro = k.MapViewOfFile(h, FILE_MAP_READ, 0n, 0n);
    expect(k.VirtualQuery(ro)!.State).toBe(MEM_RESERVE);
    expect(k.VirtualAlloc(rw, PAGE, MEM_COMMIT, PAGE_READWRITE)).toBe(rw);
    k.WriteMemory(rw, new Uint8Array([42]));
    expect(k.VirtualQuery(ro)).toMatchObject({ State: MEM_COMMIT, Protect: PAGE_READONLY, RegionSize: PAGE });
    expect(k.ReadMemory(ro, 1)[0]).toBe(42);
  });
});

describe('VirtualFree (Learn, VirtualFree)', () => {
  it('MEM_DECOMMIT takes every page holding a byte of [lpAddress, lpAddress + dwSize), whatever the alignment', () => {
    const { k } = newProcess();
    const base = k.VirtualAlloc(0n, 0x10000n, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
    expect(k.VirtualFree(base + 0x1800n, 0x1000n, MEM_DECOMMIT)).toBe(true);
    expect(k.VirtualQuery(base + PAGE)).toMatchObject({ State: MEM_RESERVE, RegionSize: 0x2000n });
    expect(k.VirtualQuery(base)!.State).toBe(MEM_COMMIT);
    expect(k.VirtualQuery(base + 0x3000n)!.State).toBe(MEM_COMMIT);
  });

  // The kernel rounds lpAddress down to its page before it looks for the region, so an address inside the allocation
  // base's page releases the region; an address on a later page fails with ERROR_INVALID_ADDRESS (487), a non-zero
  // size with ERROR_INVALID_PARAMETER (87). Learn names no error codes; 487 and 87 are what Windows 10 x64 returns
  // (issue 14's review).
  it('MEM_RELEASE takes an address in the allocation base\'s page (rounded down) and a size of 0; another page is 487, a size is 87', () => {
    const { k } = newProcess();
    const base = k.VirtualAlloc(0n, 0x10000n, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
    expect(k.VirtualFree(base + PAGE, 0n, MEM_RELEASE)).toBe(false);
    expect(k.GetLastError()).toBe(487);
    expect(k.VirtualFree(base, PAGE, MEM_RELEASE)).toBe(false);
    expect(k.GetLastError()).toBe(87);
    expect(k.VirtualQuery(base)!.State).toBe(MEM_COMMIT);
    expect(k.VirtualFree(base + 0x10n, 0n, MEM_RELEASE)).toBe(true);
    expect(k.VirtualQuery(base)!.State).toBe(MEM_FREE);
  });

  it('MEM_DECOMMIT of size 0 decommits the whole region from an address in its base page; from another page it is 487', () => {
    const { k } = newProcess();
    const base = k.VirtualAlloc(0n, 0x4000n, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
    expect(k.VirtualFree(base + PAGE, 0n, MEM_DECOMMIT)).toBe(false);
    expect(k.GetLastError()).toBe(487);
    expect(k.VirtualFree(base + 0x20n, 0n, MEM_DECOMMIT)).toBe(true);
    expect(k.VirtualQuery(base)).toMatchObject({ State: MEM_RESERVE, RegionSize: 0x4000n });
  });
});
