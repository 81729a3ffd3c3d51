// Random sequences of HeapCreate / HeapAlloc / HeapReAlloc / HeapFree / HeapDestroy / malloc / free on
// the process heap and private heaps (growable and fixed), with a pattern written into every block:
// after every call the heap invariants hold (verifyIntegrity: tiling, free lists, commit vs VADs,
// headers in memory) and every live block still holds its pattern, through LFH activation, coalescing,
// decommit, VirtualAlloc'd blocks and a trim of the working set (pages come back from the paging file).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSystem, HEAP_REALLOC_IN_PLACE_ONLY, HEAP_ZERO_MEMORY, restoreSession, serializeSession, SIZE_T_MINUS_ONE, verifyIntegrity, type System } from '../../src/engine';

type Cmd =
  | { t: 'alloc'; heap: number; size: number; zero: boolean }
  | { t: 'free'; pick: number }
  | { t: 'realloc'; pick: number; size: number; inPlace: boolean; zero: boolean }
  | { t: 'create'; fixed: boolean }
  | { t: 'destroy'; heap: number }
  | { t: 'malloc'; size: number }
  | { t: 'trim' }
  /** Many blocks of one size: what turns the LFH on for that size. */
  | { t: 'burst'; heap: number; size: number; count: number };

/** Sizes around the interesting edges: tiny, LFH-sized, above 16 KB, near a page, and past VirtualMemoryThreshold. */
const size = fc.oneof(
  fc.integer({ min: 0, max: 64 }),
  fc.integer({ min: 65, max: 2048 }),
  fc.integer({ min: 2049, max: 40_000 }),
  fc.constantFrom(1024, 4080, 4096, 16368, 16384, 0x7FFF0, 0xFF001, 1_200_000),
);
const cmd: fc.Arbitrary<Cmd> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ t: fc.constant('alloc' as const), heap: fc.nat(3), size, zero: fc.boolean() }) },
  { weight: 6, arbitrary: fc.record({ t: fc.constant('free' as const), pick: fc.nat(1000) }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('realloc' as const), pick: fc.nat(1000), size, inPlace: fc.boolean(), zero: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('create' as const), fixed: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('destroy' as const), heap: fc.nat(3) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('malloc' as const), size }) },
  { weight: 1, arbitrary: fc.constant({ t: 'trim' as const }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('burst' as const), heap: fc.nat(3), size: fc.integer({ min: 1, max: 3000 }), count: fc.integer({ min: 10, max: 30 }) }) },
);

interface Live { heap: bigint; address: bigint; size: number; seed: number }
const pattern = (n: number, seed: number): Uint8Array => { const b = new Uint8Array(n); for (let i = 0; i < n; i++) b[i] = (seed + i * 7) & 0xFF; return b; };

function run(cmds: Cmd[]): { sys: System; errors: string[] } {
  const sys = createSystem({ boot: false, physicalMemoryMB: 32, pageFileMB: 64, seed: 5 });
  const { pid } = sys.createProcess({ imagePath: 'C:\\Windows\\System32\\notepad.exe' });
  const k = sys.win32(pid);
  const heaps: bigint[] = [k.GetProcessHeap()];
  const live: Live[] = [];
  const errors: string[] = [];
  let seed = 1;
  const check = (what: string): void => {
    for (const e of verifyIntegrity(sys)) errors.push(`${what}: ${e}`);
    // Only a few blocks' contents per step (reading them all is quadratic over a sequence).
    for (const b of live.slice(-6)) {
      const got = k.ReadMemory(b.address, Math.min(b.size, 256));
      const want = pattern(Math.min(b.size, 256), b.seed);
      if (got.some((x, i) => x !== want[i])) errors.push(`${what}: block ${b.address.toString(16)} lost its contents`);
    }
  };
  const expanded = cmds.flatMap((c): Cmd[] => (c.t === 'burst' ? Array.from({ length: c.count }, () => ({ t: 'alloc', heap: c.heap, size: c.size, zero: false })) : [c]));
  for (const c of expanded) {
    switch (c.t) {
      case 'burst': break;
      case 'alloc': case 'malloc': {
        const heap = c.t === 'malloc' ? heaps[0]! : heaps[c.heap % heaps.length]!;
        const a = c.t === 'malloc' ? k.malloc(BigInt(c.size)) : k.HeapAlloc(heap, c.zero ? HEAP_ZERO_MEMORY : 0, BigInt(c.size));
        if (a === 0n) break;
        if (a % 16n !== 0n) errors.push(`alloc ${c.size}: ${a.toString(16)} is not 16-byte aligned`);
        if (c.t === 'alloc' && c.zero && c.size > 0 && k.ReadMemory(a, Math.min(c.size, 512)).some((x) => x !== 0)) errors.push(`HEAP_ZERO_MEMORY block ${a.toString(16)} not zeroed`);
        if (k.HeapSize(heap, 0, a) !== BigInt(c.size)) errors.push(`HeapSize of ${a.toString(16)} is ${k.HeapSize(heap, 0, a)}, not ${c.size}`);
        const s = ++seed;
        if (c.size) k.WriteMemory(a, pattern(Math.min(c.size, 4096), s));
        for (const b of live) if (a < b.address + BigInt(Math.max(b.size, 1)) && b.address < a + BigInt(Math.max(c.size, 1))) errors.push(`block ${a.toString(16)} overlaps live ${b.address.toString(16)}`);
        live.push({ heap, address: a, size: Math.min(c.size, 4096), seed: s });
        break;
      }
      case 'free': {
        if (!live.length) break;
        const [b] = live.splice(c.pick % live.length, 1);
        if (!k.HeapFree(b!.heap, 0, b!.address)) errors.push(`HeapFree ${b!.address.toString(16)} failed`);
        if (k.HeapSize(b!.heap, 0, b!.address) !== SIZE_T_MINUS_ONE) errors.push(`a freed block still has a size`);
        break;
      }
      case 'realloc': {
        if (!live.length) break;
        const i = c.pick % live.length;
        const b = live[i]!;
        const flags = (c.inPlace ? HEAP_REALLOC_IN_PLACE_ONLY : 0) | (c.zero ? HEAP_ZERO_MEMORY : 0);
        const a = k.HeapReAlloc(b.heap, flags, b.address, BigInt(c.size));
        if (a === 0n) { if (!c.inPlace && c.size < 0x7FFF8) errors.push(`HeapReAlloc to ${c.size} failed`); break; }
        if (c.inPlace && a !== b.address) errors.push('HEAP_REALLOC_IN_PLACE_ONLY moved the block');
        const kept = Math.min(b.size, c.size);
        const want = pattern(kept, b.seed);
        const got = k.ReadMemory(a, Math.min(kept, 256));
        if (got.some((x, j) => x !== want[j])) errors.push(`HeapReAlloc ${b.address.toString(16)} -> ${a.toString(16)} lost the contents`);
        if (c.zero && c.size > b.size && k.ReadMemory(a + BigInt(b.size), Math.min(c.size - b.size, 256)).some((x) => x !== 0)) {
          // Only what was never written may be checked: the pattern covers at most 4096 bytes.
          if (b.size < 4096) errors.push(`HeapReAlloc with HEAP_ZERO_MEMORY left the new bytes dirty`);
        }
        const s = ++seed;
        if (c.size) k.WriteMemory(a, pattern(Math.min(c.size, 4096), s));
        live[i] = { heap: b.heap, address: a, size: Math.min(c.size, 4096), seed: s };
        break;
      }
      case 'create': {
        const h = k.HeapCreate(0, 0x2000n, c.fixed ? 0x40000n : 0n);
        if (h === 0n) errors.push('HeapCreate failed');
        else heaps.push(h);
        break;
      }
      case 'destroy': {
        if (heaps.length < 2) break;
        const i = 1 + (c.heap % (heaps.length - 1));
        const h = heaps[i]!;
        if (!k.HeapDestroy(h)) errors.push('HeapDestroy failed');
        heaps.splice(i, 1);
        for (let j = live.length - 1; j >= 0; j--) if (live[j]!.heap === h) live.splice(j, 1);
        break;
      }
      case 'trim':
        k.SetProcessWorkingSetSize(-1n, -1n);
        sys.runSystemThread('modifiedPageWriter');
        sys.memoryListCommand('MemoryPurgeStandbyList');
        break;
    }
    check(JSON.stringify(c));
    if (errors.length) break;
  }
  const handles: bigint[] = [];
  if (k.GetProcessHeaps(16, handles) !== heaps.length || handles.join() !== heaps.join()) errors.push(`GetProcessHeaps ${handles.join()} != ${heaps.join()}`);
  return { sys, errors };
}

describe('the heap under random Heap* sequences', () => {
  it('keeps its invariants and every block its contents', () => {
    const routines = new Set<string>();
    fc.assert(fc.property(fc.array(cmd, { minLength: 5, maxLength: 60 }), (cmds) => {
      const { sys, errors } = run(cmds);
      for (const s of sys.getSteps(0, sys.stepCount)) if (s.kind === 'heap') routines.add(s.routine);
      expect(errors).toEqual([]);
    }), { numRuns: 25, seed: 18 });
    // The sequences reached every path of the heap manager.
    expect([...routines].sort()).toEqual([
      'RtlAllocateHeap', 'RtlCreateHeap', 'RtlDestroyHeap', 'RtlFreeHeap', 'RtlReAllocateHeap', 'RtlpActivateLowFragmentationHeap', 'RtlpAllocateHeap',
      'RtlpAllocateUserBlock', 'RtlpCoalesceFreeBlocks', 'RtlpDeCommitFreeBlock', 'RtlpExtendHeap', 'RtlpFindAndCommitPages', 'RtlpFreeHeap',
      'RtlpLowFragHeapAllocFromContext', 'RtlpLowFragHeapFree', 'malloc',
    ]);
  }, 120_000);

  it('saves, loads and travels back to the same heaps', () => {
    fc.assert(fc.property(fc.array(cmd, { minLength: 5, maxLength: 30 }), fc.nat(10_000), (cmds, pick) => {
      const { sys } = run(cmds);
      const loaded = restoreSession(JSON.parse(JSON.stringify(serializeSession(sys))));
      const pid = sys.processIds[0]!;
      const heapsOf = (s: System): unknown => s.queryHeaps(pid).map((h) => ({ ...h, blocks: s.queryHeapBlocks(pid, h.handle, 0, 100_000) }));
      expect(heapsOf(loaded)).toEqual(heapsOf(sys));
      // A past state at the end of a heap call (its summary step is its last) holds the heap invariants too.
      const ends = sys.getSteps(0, sys.stepCount).filter((s) => ['heap.alloc', 'heap.free', 'heap.reAlloc', 'heap.create', 'heap.destroy'].includes(s.code));
      if (ends.length) expect(verifyIntegrity(sys.stateAt(ends[pick % ends.length]!.seq))).toEqual([]);
      expect(heapsOf(sys.stateAt(sys.stepCount - 1))).toEqual(heapsOf(sys));
    }), { numRuns: 8, seed: 19 });
  }, 120_000);
});
