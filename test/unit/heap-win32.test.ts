// The heap functions call by call, as Microsoft Learn documents them (HeapCreate, HeapAlloc,
// HeapReAlloc, HeapFree, HeapSize, HeapDestroy, GetProcessHeap, GetProcessHeaps), every failure path,
// and the heap manager's behaviour Windows Internals 7e ch. 5 describes (process heap, NT heap back end,
// LFH, segment heap, the CRT above).
import { describe, expect, it } from 'vitest';
import {
  createSystem, ERROR_INVALID_HANDLE, ERROR_INVALID_PARAMETER, ERROR_NOACCESS, HEAP_CREATE_ENABLE_EXECUTE, HEAP_GENERATE_EXCEPTIONS,
  HEAP_NO_SERIALIZE, HEAP_REALLOC_IN_PLACE_ONLY, HEAP_ZERO_MEMORY, MEM_COMMIT, MEM_FREE, MEM_RESERVE, NtException, PAGE_EXECUTE_READWRITE,
  SIZE_T_MINUS_ONE, STATUS_ACCESS_VIOLATION, STATUS_HEAP_CORRUPTION, STATUS_NO_MEMORY, verifyIntegrity, type System, type Win32Api,
} from '../../src/engine';
import { decodeHeader, peekUser } from '../../src/engine/heap/inspect';
import { machineOf } from '../../src/engine/testing';

const NOTEPAD = 'C:\\Windows\\System32\\notepad.exe';

function machine(image = NOTEPAD): { sys: System; k: Win32Api; pid: number; heap: bigint } {
  const sys = createSystem({ boot: false, physicalMemoryMB: 64, seed: 3 });
  const { pid } = sys.createProcess({ imagePath: image });
  const k = sys.win32(pid);
  return { sys, k, pid, heap: k.GetProcessHeap() };
}
const read64 = (k: Win32Api, va: bigint): bigint => new DataView(k.ReadMemory(va, 8).buffer).getBigUint64(0, true);
const read32 = (k: Win32Api, va: bigint): number => new DataView(k.ReadMemory(va, 4).buffer).getUint32(0, true);
const stepsFrom = (sys: System, from: number) => sys.getSteps(from, sys.stepCount);
/** Decodes the _HEAP_ENTRY in front of a block as a debugger would, with the heap's cookie. */
function header(sys: System, pid: number, heap: bigint, user: bigint): ReturnType<typeof decodeHeader> {
  const p = machineOf(sys).byPid.get(pid)!;
  const bytes = new Uint8Array(16);
  expect(peekUser(machineOf(sys).mm, p, Number(user) - 16, bytes)).toBe(true);
  return decodeHeader(p.heaps!.find(Number(heap))!, bytes);
}

describe('the process heap', () => {
  it('is created by the loader: PEB.ProcessHeap, an NT heap with its signatures, listed in the PEB, the loader data its first busy block', () => {
    const { sys, k, pid, heap } = machine();
    const peb = sys.queryProcess(pid)!.peb;
    expect(heap).not.toBe(0n);
    expect(read64(k, peb + 0x30n)).toBe(heap);
    expect(read32(k, heap + 0x10n)).toBe(0xFFEEFFEE); // SegmentSignature
    expect(read32(k, heap + 0x98n)).toBe(0xEEFFEEFF); // Signature
    expect(read64(k, heap + 0x40n)).toBe(heap + 0x740n); // FirstEntry
    expect(read32(k, peb + 0xE8n)).toBe(1); // NumberOfHeaps
    expect(read64(k, read64(k, peb + 0xF0n))).toBe(heap); // ProcessHeaps[0]
    const [info] = sys.queryHeaps(pid);
    expect(info).toMatchObject({ handle: heap, type: 'NT', processHeap: true, growable: true, index: 1 });
    expect(info!.segments[0]).toMatchObject({ base: heap, reserved: 0x100000, committed: 0x10000 });
    const first = sys.queryHeapBlocks(pid, heap, 0, 2).blocks[0]!;
    expect(first).toMatchObject({ address: heap + 0x740n, kind: 'busy', size: 0x10000 - 0x740 });
    expect(stepsFrom(sys, 0).some((s) => s.routine === 'RtlCreateHeap' && s.stage === '7')).toBe(true);
    expect(verifyIntegrity(sys)).toEqual([]);
  });

  it('does not exist before the loader runs (a suspended process): GetProcessHeap is NULL', () => {
    const sys = createSystem({ boot: false });
    const { pid } = sys.createProcess({ imagePath: NOTEPAD, creationFlags: 4 });
    expect(sys.win32(pid).GetProcessHeap()).toBe(0n);
    expect(sys.queryHeaps(pid)).toEqual([]);
  });

  it('is a segment heap in the system processes that use it by default (svchost.exe), an NT heap elsewhere', () => {
    const { sys, k, pid, heap } = machine('C:\\Windows\\System32\\svchost.exe');
    expect(sys.queryHeaps(pid)[0]!.type).toBe('Segment');
    expect(read32(k, heap + 0x10n)).toBe(0xDDEEDDEE);
    expect(machine().sys.queryHeaps(machine().pid)[0]!.type).toBe('NT');
  });
});

describe('HeapAlloc', () => {
  it('returns 16-byte aligned blocks whose encoded headers say busy and their size; HeapSize is the requested size', () => {
    const { sys, k, pid, heap } = machine();
    const a = k.HeapAlloc(heap, 0, 100n);
    expect(a % 16n).toBe(0n);
    expect(k.HeapSize(heap, 0, a)).toBe(100n);
    const h = header(sys, pid, heap, a);
    expect(h).toMatchObject({ size: 128, checksumOk: true });
    expect(h.flags & 1).toBe(1);
    // The header as stored is not the plain one: bytes 8..15 are XORed with _HEAP.Encoding.
    const raw = k.ReadMemory(a - 8n, 2);
    expect(new DataView(raw.buffer).getUint16(0, true)).not.toBe(8);
  });

  it('HEAP_ZERO_MEMORY zeroes a block; without it a reused block keeps what was there', () => {
    const { k, heap } = machine();
    const a = k.HeapAlloc(heap, 0, 200n);
    k.WriteMemory(a, new Uint8Array(200).fill(0xAB));
    expect(k.HeapFree(heap, 0, a)).toBe(true);
    const b = k.HeapAlloc(heap, 0, 200n);
    expect(b).toBe(a);
    expect(k.ReadMemory(b + 64n, 8).every((x) => x === 0xAB)).toBe(true);
    k.HeapFree(heap, 0, b);
    const c = k.HeapAlloc(heap, HEAP_ZERO_MEMORY, 200n);
    expect(k.ReadMemory(c, 200).every((x) => x === 0)).toBe(true);
  });

  it('commits pages as the heap grows (RtlpFindAndCommitPages -> NtAllocateVirtualMemory; the new page faults in demand-zero)', () => {
    const { sys, k, heap } = machine();
    const from = sys.stepCount;
    k.HeapAlloc(heap, 0, 3000n);
    const routines = stepsFrom(sys, from).map((s) => s.routine);
    expect(routines.slice(0, 2)).toEqual(['NtAllocateVirtualMemory', 'RtlpFindAndCommitPages']);
    expect(routines).toContain('MiResolveDemandZeroFault');
    expect(routines.slice(-2)).toEqual(['RtlpAllocateHeap', 'RtlAllocateHeap']);
  });

  it('grows a growable heap by a new segment (RtlpExtendHeap) once the first one is full', () => {
    const { sys, k, pid, heap } = machine();
    const from = sys.stepCount;
    for (let i = 0; i < 20; i++) expect(k.HeapAlloc(heap, 0, 60_000n)).not.toBe(0n);
    expect(stepsFrom(sys, from).some((s) => s.routine === 'RtlpExtendHeap')).toBe(true);
    const info = sys.queryHeaps(pid)[0]!;
    expect(info.segments.length).toBeGreaterThan(1);
    expect(read32(k, info.segments[1]!.base + 0x10n)).toBe(0xFFEEFFEE);
    expect(verifyIntegrity(sys)).toEqual([]);
  });

  it('gives a block above VirtualMemoryThreshold its own VirtualAlloc, released by HeapFree', () => {
    const { sys, k, pid, heap } = machine();
    const a = k.HeapAlloc(heap, 0, 2_000_000n);
    const mbi = k.VirtualQuery(a)!;
    expect(mbi.AllocationBase).toBe(a - 0x40n);
    expect(mbi.State).toBe(MEM_COMMIT);
    expect(sys.queryHeaps(pid)[0]!.virtualBlocks).toEqual([{ address: a, requested: 2_000_000, reserved: 0x1E9000 }]);
    expect(k.HeapSize(heap, 0, a)).toBe(2_000_000n);
    expect(k.HeapFree(heap, 0, a)).toBe(true);
    expect(k.VirtualQuery(a)!.State).toBe(MEM_FREE);
  });

  it('turns the LFH on for a size after 17 back-end allocations: the 18th comes from an LFH subsegment', () => {
    const { sys, k, pid, heap } = machine();
    const from = sys.stepCount;
    const blocks: bigint[] = [];
    for (let i = 0; i < 18; i++) blocks.push(k.HeapAlloc(heap, 0, 100n));
    const allocs = stepsFrom(sys, from).filter((s) => s.code === 'heap.alloc');
    expect(allocs.map((s) => s.args.frontEnd)).toEqual([...Array(17).fill(false), true]);
    const activate = stepsFrom(sys, from).find((s) => s.code === 'heap.lfhActivate')!;
    expect(activate.args).toMatchObject({ allocations: 17, blockSize: 128 });
    expect(sys.queryHeaps(pid)[0]!.lfh.buckets).toEqual([128]);
    expect(read32(k, heap + 0x1A0n) >>> 16 & 0xFF).toBe(2); // FrontEndHeapType: LFH
    const sub = sys.queryHeaps(pid)[0]!.lfh.subsegments[0]!;
    expect(blocks[17]! > sub.userBlocks && blocks[17]! < sub.userBlocks + BigInt(sub.slots * 128 + 0x20)).toBe(true);
    expect(read32(k, sub.userBlocks + 0x18n)).toBe(0xF0E0D0C0);
    expect(k.HeapSize(heap, 0, blocks[17]!)).toBe(100n);
    expect(k.HeapFree(heap, 0, blocks[17]!)).toBe(true);
    expect(stepsFrom(sys, from).at(-2)!.routine).toBe('RtlpLowFragHeapFree');
    expect(verifyIntegrity(sys)).toEqual([]);
  });

  it('never uses the LFH for a fixed-size heap or one created with HEAP_NO_SERIALIZE', () => {
    const { sys, k } = machine();
    for (const h of [k.HeapCreate(0, 0n, 0x100000n), k.HeapCreate(HEAP_NO_SERIALIZE, 0n, 0n)]) {
      const from = sys.stepCount;
      for (let i = 0; i < 40; i++) k.HeapAlloc(h, 0, 64n);
      expect(stepsFrom(sys, from).some((s) => s.routine === 'RtlpActivateLowFragmentationHeap')).toBe(false);
    }
  });

  // Microsoft Learn, HeapCreate: on a fixed-size heap the largest block is "slightly less than 1,024 KB for a 64-bit process"
  // (HeapAlloc's 0x7FFF8 is the 32-bit figure); the lab's "slightly less" is VirtualMemoryThreshold, 0xFEFF0 user bytes.
  it('serves a fixed heap blocks up to slightly less than 1,024 KB (not the 32-bit 0x7FFF8); fails when full: NULL and the last error untouched', () => {
    const { k } = machine();
    const big = k.HeapCreate(0, 0n, 0x200000n);
    expect(k.HeapAlloc(big, 0, 0x7FFF8n)).not.toBe(0n);
    expect(k.HeapAlloc(big, 0, 0xFEFF0n)).not.toBe(0n);
    expect(k.HeapAlloc(big, 0, 0xFEFF1n)).toBe(0n);
    expect(k.HeapAlloc(big, 0, 0x100000n)).toBe(0n);
    const h = k.HeapCreate(0, 0n, 0x10000n);
    k.SetLastError(1234);
    expect(k.HeapAlloc(h, 0, 0x7FFF8n)).toBe(0n);
    expect(k.GetLastError()).toBe(1234);
    let n = 0;
    while (k.HeapAlloc(h, 0, 0x1000n) !== 0n) n++;
    expect(n).toBeGreaterThan(10);
    expect(n).toBeLessThan(16);
    expect(k.GetLastError()).toBe(1234);
  });

  it('raises STATUS_NO_MEMORY under HEAP_GENERATE_EXCEPTIONS (from the call or from HeapCreate)', () => {
    const { k } = machine();
    const h = k.HeapCreate(0, 0n, 0x10000n);
    expect(() => k.HeapAlloc(h, HEAP_GENERATE_EXCEPTIONS, 0x80000n)).toThrow(expect.objectContaining({ status: STATUS_NO_MEMORY }));
    const g = k.HeapCreate(HEAP_GENERATE_EXCEPTIONS, 0n, 0x10000n);
    try { k.HeapAlloc(g, 0, 0x80000n); expect.unreachable(); } catch (e) { expect(e).toBeInstanceOf(NtException); expect((e as NtException).status).toBe(STATUS_NO_MEMORY); }
  });

  it('fails for a handle that is not a heap: NULL, or STATUS_ACCESS_VIOLATION under HEAP_GENERATE_EXCEPTIONS', () => {
    const { k } = machine();
    expect(k.HeapAlloc(0x12345000n, 0, 16n)).toBe(0n);
    expect(k.HeapAlloc(0n, 0, 16n)).toBe(0n);
    expect(() => k.HeapAlloc(0x12345000n, HEAP_GENERATE_EXCEPTIONS, 16n)).toThrow(expect.objectContaining({ status: STATUS_ACCESS_VIOLATION }));
    expect(k.HeapAlloc(k.GetProcessHeap(), 0, -5n)).toBe(0n);
  });
});

describe('HeapFree', () => {
  it('coalesces a freed block with free neighbours (RtlpCoalesceFreeBlocks) into one free block', () => {
    const { sys, k, pid, heap } = machine();
    const h = k.HeapCreate(0, 0n, 0n); // a fresh heap: the three blocks are adjacent
    const [a, b, c] = [k.HeapAlloc(h, 0, 1000n), k.HeapAlloc(h, 0, 1000n), k.HeapAlloc(h, 0, 1000n)];
    expect(b - a).toBe(1024n);
    expect(c - b).toBe(1024n);
    k.HeapFree(h, 0, a);
    k.HeapFree(h, 0, c);
    const from = sys.stepCount;
    k.HeapFree(h, 0, b);
    expect(stepsFrom(sys, from).find((s) => s.routine === 'RtlpCoalesceFreeBlocks')!.args).toMatchObject({ address: a - 16n, merged: 2 });
    const blocks = sys.queryHeapBlocks(pid, h).blocks;
    expect(blocks[0]).toMatchObject({ address: a - 16n, kind: 'free' });
    expect(blocks.filter((x) => x.kind === 'free').length).toBe(1);
    void heap;
  });

  it('decommits the whole pages of a large free range (RtlpDeCommitFreeBlock): reserved again, in the middle of the segment', () => {
    const { sys, k, pid } = machine();
    const h = k.HeapCreate(0, 0n, 0n);
    const big = k.HeapAlloc(h, 0, 200_000n);
    const after = k.HeapAlloc(h, 0, 100n);
    const from = sys.stepCount;
    expect(k.HeapFree(h, 0, big)).toBe(true);
    const step = stepsFrom(sys, from).find((s) => s.routine === 'RtlpDeCommitFreeBlock')!;
    expect(step).toBeDefined();
    const mbi = k.VirtualQuery(step.args.address as bigint)!;
    expect(mbi.State).toBe(MEM_RESERVE);
    expect(mbi.AllocationBase).toBe(h);
    expect(sys.queryHeapBlocks(pid, h).blocks.some((b) => b.kind === 'uncommitted' && b.address < after)).toBe(true);
    // The range is committed again when needed.
    expect(k.HeapAlloc(h, 0, 150_000n)).not.toBe(0n);
    expect(verifyIntegrity(sys)).toEqual([]);
  });

  it('fails for a handle that is not a heap: FALSE, ERROR_INVALID_HANDLE; NULL is a no-op', () => {
    const { k, heap } = machine();
    const other = k.HeapCreate(0, 0n, 0n);
    const b = k.HeapAlloc(other, 0, 64n);
    expect(k.HeapFree(0x5000n, 0, b)).toBe(false);
    expect(k.GetLastError()).toBe(ERROR_INVALID_HANDLE);
    expect(k.HeapFree(heap, 0, 0n)).toBe(true); // RtlFreeHeap of NULL does nothing
  });

  // Heap corruption ends a 64-bit process (termination on corruption is on for all 64-bit processes: Raymond Chen,
  // "Brief Q&A on the HeapEnableTerminationOnCorruption heap information flag"; Microsoft Learn, HeapSetInformation).
  it.each([
    ['a double free', (k: Win32Api, h: bigint, a: bigint) => { expect(k.HeapFree(h, 0, a)).toBe(true); return a; }],
    ['a pointer inside a block', (_k: Win32Api, _h: bigint, a: bigint) => a + 16n],
    ['another heap\'s block', (k: Win32Api) => k.HeapAlloc(k.HeapCreate(0, 0n, 0n), 0, 64n)],
  ])('HeapFree of %s ends the process with STATUS_HEAP_CORRUPTION; the call never returns', (_what, make) => {
    const { sys, k, pid, heap } = machine();
    const bad = make(k, heap, k.HeapAlloc(heap, 0, 64n));
    const from = sys.stepCount;
    expect(() => k.HeapFree(heap, 0, bad)).toThrow(expect.objectContaining({ status: STATUS_HEAP_CORRUPTION }));
    const routines = stepsFrom(sys, from).map((s) => s.routine);
    expect(routines.slice(0, 2)).toEqual(['RtlpLogHeapFailure', 'RtlReportCriticalFailure']);
    expect(sys.processIds).not.toContain(pid);
    expect(stepsFrom(sys, from).find((s) => s.code === 'process.terminate')!.args.exitStatus).toBe(STATUS_HEAP_CORRUPTION);
    expect(verifyIntegrity(sys)).toEqual([]);
  });

  it('the CRT\'s free of a bad pointer and HeapReAlloc of one end the process the same way', () => {
    for (const call of [(k: Win32Api, _h: bigint, a: bigint) => k.free(a + 32n), (k: Win32Api, h: bigint, a: bigint) => k.HeapReAlloc(h, 0, a + 32n, 10n)]) {
      const { sys, k, pid, heap } = machine();
      const a = k.HeapAlloc(heap, 0, 100n);
      expect(() => call(k, heap, a)).toThrow(expect.objectContaining({ status: STATUS_HEAP_CORRUPTION }));
      expect(sys.processIds).not.toContain(pid);
    }
  });
});

describe('HeapSize', () => {
  it('is (SIZE_T)-1 for anything but a busy block, without setting the last error', () => {
    const { k, heap } = machine();
    k.SetLastError(77);
    expect(k.HeapSize(heap, 0, 0x1000n)).toBe(SIZE_T_MINUS_ONE);
    expect(k.HeapSize(0x1000n, 0, 0x1000n)).toBe(SIZE_T_MINUS_ONE);
    expect(k.HeapSize(heap, 0, 0n)).toBe(SIZE_T_MINUS_ONE);
    expect(k.GetLastError()).toBe(77);
    expect(k.HeapSize(heap, 0, k.HeapAlloc(heap, 0, 0n))).toBe(0n);
  });
});

describe('HeapReAlloc', () => {
  it('shrinks in place, grows in place into a free neighbour, and moves (copying the contents) when it must', () => {
    const { sys, k } = machine();
    const h = k.HeapCreate(0, 0n, 0n);
    const a = k.HeapAlloc(h, 0, 500n);
    k.WriteMemory(a, new Uint8Array(500).fill(7));
    expect(k.HeapReAlloc(h, 0, a, 100n)).toBe(a);
    expect(k.HeapSize(h, 0, a)).toBe(100n);
    expect(k.HeapReAlloc(h, 0, a, 900n)).toBe(a); // the freed tail and the free space after it
    const wall = k.HeapAlloc(h, 0, 64n);
    const from = sys.stepCount;
    const moved = k.HeapReAlloc(h, HEAP_ZERO_MEMORY, a, 5000n);
    expect(moved).not.toBe(a);
    expect(k.ReadMemory(moved, 100).every((x) => x === 7)).toBe(true);
    expect(k.ReadMemory(moved + 900n, 4100).every((x) => x === 0)).toBe(true);
    expect(stepsFrom(sys, from).at(-1)).toMatchObject({ routine: 'RtlReAllocateHeap', args: { address: a, newAddress: moved, inPlace: false } });
    expect(k.HeapSize(h, 0, a)).toBe(SIZE_T_MINUS_ONE);
    void wall;
  });

  it('with HEAP_REALLOC_IN_PLACE_ONLY fails instead of moving, and the block stays as it was', () => {
    const { k } = machine();
    const h = k.HeapCreate(0, 0n, 0n);
    const a = k.HeapAlloc(h, 0, 100n);
    k.HeapAlloc(h, 0, 100n); // a busy neighbour
    k.WriteMemory(a, Uint8Array.of(1, 2, 3));
    k.SetLastError(5);
    expect(k.HeapReAlloc(h, HEAP_REALLOC_IN_PLACE_ONLY, a, 4000n)).toBe(0n);
    expect(k.GetLastError()).toBe(5);
    expect(k.HeapSize(h, 0, a)).toBe(100n);
    expect([...k.ReadMemory(a, 3)]).toEqual([1, 2, 3]);
    expect(() => k.HeapReAlloc(h, HEAP_REALLOC_IN_PLACE_ONLY | HEAP_GENERATE_EXCEPTIONS, a, 4000n)).toThrow(expect.objectContaining({ status: STATUS_NO_MEMORY }));
  });

  it('NULL, or a handle that is no heap, fails: NULL, or STATUS_ACCESS_VIOLATION under HEAP_GENERATE_EXCEPTIONS; a wild pointer is heap corruption', () => {
    const { sys, k, pid, heap } = machine();
    expect(k.HeapReAlloc(heap, 0, 0n, 10n)).toBe(0n);
    expect(k.HeapReAlloc(0x5000n, 0, 0x9990n, 10n)).toBe(0n);
    expect(() => k.HeapReAlloc(0x5000n, HEAP_GENERATE_EXCEPTIONS, 0x9990n, 10n)).toThrow(expect.objectContaining({ status: STATUS_ACCESS_VIOLATION }));
    expect(() => k.HeapReAlloc(heap, 0, 0x9990n, 10n)).toThrow(expect.objectContaining({ status: STATUS_HEAP_CORRUPTION }));
    expect(sys.processIds).not.toContain(pid);
  });
});

describe('HeapCreate and HeapDestroy', () => {
  it('reserves dwMaximumSize rounded to pages and commits dwInitialSize rounded to pages; executable heaps are PAGE_EXECUTE_READWRITE', () => {
    const { sys, k, pid } = machine();
    const h = k.HeapCreate(0, 0x1800n, 0x31000n);
    const info = sys.queryHeaps(pid).find((x) => x.handle === h)!;
    expect(info).toMatchObject({ growable: false, maximumSize: 0x31000, index: 2 });
    expect(info.segments[0]).toMatchObject({ reserved: 0x31000, committed: 0x2000 });
    expect(k.VirtualQuery(h)).toMatchObject({ State: MEM_COMMIT, RegionSize: 0x2000n });
    const x = k.HeapCreate(HEAP_CREATE_ENABLE_EXECUTE, 0n, 0n);
    expect(k.VirtualQuery(x)!.Protect).toBe(PAGE_EXECUTE_READWRITE);
    expect(sys.getSteps(sys.stepCount - 1, sys.stepCount)[0]).toMatchObject({ routine: 'RtlCreateHeap', args: { heap: x, maximumSize: 0, type: 'NT' } });
  });

  it('refuses an initial size above the maximum: NULL and ERROR_INVALID_PARAMETER', () => {
    const { k } = machine();
    expect(k.HeapCreate(0, 0x20000n, 0x10000n)).toBe(0n);
    expect(k.GetLastError()).toBe(ERROR_INVALID_PARAMETER);
  });

  it('HeapDestroy releases every segment and large block; the process heap and non-heaps are refused with ERROR_INVALID_HANDLE', () => {
    const { sys, k, heap } = machine();
    const h = k.HeapCreate(0, 0n, 0n);
    const big = k.HeapAlloc(h, 0, 0x200000n);
    for (let i = 0; i < 20; i++) k.HeapAlloc(h, 0, 60_000n);
    const segments = sys.queryHeaps(k.pid).find((x) => x.handle === h)!.segments;
    expect(k.HeapDestroy(h)).toBe(true);
    for (const s of segments) expect(k.VirtualQuery(s.base)!.State).toBe(MEM_FREE);
    expect(k.VirtualQuery(big)!.State).toBe(MEM_FREE);
    expect(k.HeapDestroy(h)).toBe(false);
    expect(k.GetLastError()).toBe(ERROR_INVALID_HANDLE);
    k.SetLastError(0);
    expect(k.HeapDestroy(heap)).toBe(false);
    expect(k.GetLastError()).toBe(ERROR_INVALID_HANDLE);
    expect(k.HeapAlloc(heap, 0, 8n)).not.toBe(0n);
    expect(verifyIntegrity(sys)).toEqual([]);
  });
});

describe('GetProcessHeaps', () => {
  it('returns the count and the handles, the process heap first; a buffer too small gets none; a bad buffer fails', () => {
    const { sys, k, heap } = machine();
    const h1 = k.HeapCreate(0, 0n, 0n);
    const h2 = k.HeapCreate(0, 0n, 0x10000n);
    const out: bigint[] = [];
    expect(k.GetProcessHeaps(10, out)).toBe(3);
    expect(out).toEqual([heap, h1, h2]);
    const small: bigint[] = [];
    expect(k.GetProcessHeaps(2, small)).toBe(3);
    expect(small).toEqual([]);
    expect(k.GetProcessHeaps(2, null as unknown as bigint[])).toBe(0);
    expect(k.GetLastError()).toBe(ERROR_NOACCESS);
    k.HeapDestroy(h1);
    expect(k.GetProcessHeaps(10, out)).toBe(2);
    const peb = sys.queryProcess(k.pid)!.peb;
    expect(read32(k, peb + 0xE8n)).toBe(2);
    expect(read64(k, read64(k, peb + 0xF0n) + 8n)).toBe(h2);
  });
});

describe('the CRT above the heap', () => {
  it('malloc calls HeapAlloc on the process heap (RtlpAllocateHeap, RtlAllocateHeap, then malloc returns); free(NULL) does nothing', () => {
    const { sys, k, heap } = machine();
    const from = sys.stepCount;
    const p = k.malloc(40n);
    expect(k.HeapSize(heap, 0, p)).toBe(40n);
    expect(stepsFrom(sys, from).map((s) => s.routine).slice(-3)).toEqual(['RtlpAllocateHeap', 'RtlAllocateHeap', 'malloc']);
    const before = sys.stepCount;
    k.free(p);
    // The freed block joins the free space after it, then RtlFreeHeap returns to free.
    expect(stepsFrom(sys, before).map((s) => s.routine)).toEqual(['RtlpCoalesceFreeBlocks', 'RtlpFreeHeap', 'RtlFreeHeap', 'free']);
    k.free(0n);
    expect(sys.getSteps(sys.stepCount - 1, sys.stepCount)[0]!.args.freed).toBe(true);
    expect(k.HeapSize(heap, 0, p)).toBe(SIZE_T_MINUS_ONE);
  });
});
