// Pool benchmarks (issue 18: pool bench rows). Prints one JSON object; no thresholds are asserted (the
// design sets no pool budget; the heap's 1 million pairs/s is the nearest one). Each call is a logged
// operation with its steps (ExAllocatePoolWithTag / ExFreePoolWithTag, the pool pages the memory manager
// gives and takes back), as a learner's session records them.
import { createSystem } from '../../src/engine';

const round = (x: number): number => Math.round(x);
function stats(samples: number[]): { min: number; median: number; max: number } {
  const s = [...samples].sort((a, b) => a - b);
  return { min: round(s[0]!), median: round(s[s.length >> 1]!), max: round(s[s.length - 1]!) };
}

/** ExAllocatePoolWithTag + ExFreePoolWithTag pairs of `bytes` in one pool type (0 nonpaged, 1 paged), three runs. */
function pairs(poolType: number, bytes: number): { pairsPerSecond: { min: number; median: number; max: number }; stepsPerPair: number } {
  let stepsPerPair = 0;
  const rates: number[] = [];
  for (let r = 0; r < 3; r++) {
    const sys = createSystem({ boot: false, physicalMemoryMB: 256 });
    // A few live blocks so the pool's pages stay and each pair is an allocation inside a page.
    for (let i = 0; i < 16; i++) sys.exAllocatePoolWithTag(poolType, bytes, 'Bnch');
    const n = 50_000;
    const before = sys.stepCount;
    const t0 = performance.now();
    for (let i = 0; i < n; i++) sys.exFreePoolWithTag(sys.exAllocatePoolWithTag(poolType, bytes, 'Bnch'), 'Bnch');
    rates.push(n / ((performance.now() - t0) / 1000));
    stepsPerPair = (sys.stepCount - before) / n;
  }
  return { pairsPerSecond: stats(rates), stepsPerPair };
}

/** Paged pool paged out and back: 2,048 pages of blocks, the system working set trimmed, every page touched again. */
function pagedPoolCycle(): { pagesPerSecond: { min: number; median: number; max: number }; pages: number; trimmed: number; faults: number } {
  const rates: number[] = [];
  const pages = 2048;
  let trimmed = 0;
  let faults = 0;
  for (let r = 0; r < 3; r++) {
    const sys = createSystem({ boot: false, physicalMemoryMB: 256, pageFileMB: 256 });
    const blocks: bigint[] = [];
    for (let i = 0; i < pages; i++) blocks.push(sys.exAllocatePoolWithTag(1, 4096, 'Bnch'));
    const before = sys.stepCount;
    const t0 = performance.now();
    trimmed = sys.trimSystemWorkingSet(pages);
    for (const b of blocks) sys.accessPool(b, false);
    rates.push(pages / ((performance.now() - t0) / 1000));
    faults = 0;
    for (const st of sys.getSteps(before, sys.stepCount)) if (st.code.startsWith('fault.')) faults++;
  }
  return { pagesPerSecond: stats(rates), pages, trimmed, faults };
}

console.log(JSON.stringify({
  nonPagedPairs64: pairs(0, 64),
  pagedPairs64: pairs(1, 64),
  nonPagedPairs1K: pairs(0, 1024),
  pagedPoolTrimAndTouchBack: { ...pagedPoolCycle(), note: 'MiTrimSystemWorkingSet, then each page back through MiResolveTransitionFault (or a paging-file read)' },
}, null, 2));
