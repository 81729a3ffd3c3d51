// Heap benchmarks (DESIGN.md §8: "HeapAlloc + HeapFree pair >= 1 million/s"). Prints one JSON object;
// no thresholds are asserted. Each pair is two logged operations with their steps (RtlAllocateHeap,
// RtlFreeHeap and the back end's or the LFH's), as a learner's session records them.
import { createSystem } from '../../src/engine';

const round = (x: number): number => Math.round(x);
function best(runs: number, fn: () => number): number {
  let top = 0;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const ops = fn();
    top = Math.max(top, ops / ((performance.now() - t0) / 1000));
  }
  return top;
}

/** HeapAlloc + HeapFree of one size, `n` times: served by the back end (a size the LFH never sees 17 times in a row... it does: so a fixed heap, no LFH) or by the LFH. */
function pairs(kind: 'backEnd' | 'lfh'): { pairsPerSecond: number; stepsPerPair: number } {
  let stepsPerPair = 0;
  const rate = best(3, () => {
    const sys = createSystem({ boot: false, physicalMemoryMB: 256 });
    const { pid } = sys.createProcess({ imagePath: 'C:\\Windows\\System32\\notepad.exe' });
    const k = sys.win32(pid);
    // The LFH needs a growable heap; a fixed one keeps every pair in the back end.
    const heap = kind === 'lfh' ? k.GetProcessHeap() : k.HeapCreate(0, 0x10000n, 0x100000n);
    for (let i = 0; i < 20; i++) k.HeapAlloc(heap, 0, 100n);
    const n = 200_000;
    const before = sys.stepCount;
    const t0 = performance.now();
    for (let i = 0; i < n; i++) k.HeapFree(heap, 0, k.HeapAlloc(heap, 0, 100n));
    const seconds = (performance.now() - t0) / 1000;
    stepsPerPair = (sys.stepCount - before) / n;
    return n / seconds;
  });
  return { pairsPerSecond: round(rate), stepsPerPair };
}

/** malloc/free pairs of mixed sizes on the process heap (the CRT's layer over HeapAlloc/HeapFree). */
function mixed(): number {
  return round(best(3, () => {
    const sys = createSystem({ boot: false, physicalMemoryMB: 256 });
    const { pid } = sys.createProcess({ imagePath: 'C:\\Windows\\System32\\notepad.exe' });
    const k = sys.win32(pid);
    const live: bigint[] = [];
    const n = 100_000;
    for (let i = 0; i < n; i++) {
      live.push(k.malloc(BigInt(16 + ((i * 7919) % 3000))));
      if (live.length > 64) k.free(live.splice((i * 31) % live.length, 1)[0]!);
    }
    return n;
  }));
}

const backEnd = pairs('backEnd');
const lfh = pairs('lfh');
console.log(JSON.stringify({
  heapAllocFreePairs: { backEnd, lfh, budget: '>= 1,000,000 pairs/s' },
  mallocFreeMixedPerSecond: { perSecond: mixed(), note: 'malloc of 16..3000 bytes with about 64 blocks live, each followed by a free of an earlier block' },
}, null, 2));
