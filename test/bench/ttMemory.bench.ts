// Process memory after a 1,000,000-step paging session under one time-travel budget (issue 19 item 5).
// Run by scripts/tt-memory.mjs, one process per budget (RSS is per process): a 64 MB machine writes
// and reads back a region twice its size until the session has STEPS steps, then prints what time
// travel counts (System.timeTravelMemory) beside the process's RSS and heap, as one JSON object.
import { createSystem, MEM_COMMIT, MEM_RESERVE, PAGE_READWRITE } from '../../src/engine';

const budgetMB = Number(process.env.NTLAB_TT_BUDGET_MB ?? 64);
const STEPS = Number(process.env.NTLAB_TT_STEPS ?? 1_000_000);
const gc = (globalThis as { gc?: () => void }).gc;
const MB = (x: number): number => Math.round(x / 2 ** 20);

const t0 = performance.now();
const sys = createSystem({ boot: false, physicalMemoryMB: 64, pageFileMB: 512, timeTravelMemoryMB: budgetMB });
const k = sys.win32(sys.createProcess({ imagePath: 'C:\\Windows\\System32\\notepad.exe' }).pid);
const pages = 2 * 64 * 256;
const base = k.VirtualAlloc(0n, BigInt(pages) * 4096n, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
let maxCounted = 0;
let rounds = 0;
const one = new Uint8Array(1);
while (sys.stepCount < STEPS) {
  one[0] = rounds & 0xFF;
  for (let i = 0; i < pages && sys.stepCount < STEPS; i++) k.WriteMemory(base + BigInt(i) * 4096n, one);
  for (let i = 0; i < pages && sys.stepCount < STEPS; i += 2) k.ReadMemory(base + BigInt(i) * 4096n, 1);
  maxCounted = Math.max(maxCounted, sys.timeTravelMemory().retainedBytes);
  rounds++;
}
const seconds = (performance.now() - t0) / 1000;
const tt = sys.timeTravelMemory();
gc?.(); gc?.();
const mem = process.memoryUsage();
console.log(JSON.stringify({
  budgetMB, steps: sys.stepCount, rounds, seconds: Math.round(seconds),
  rssMB: MB(mem.rss), heapUsedMB: MB(mem.heapUsed), arrayBuffersMB: MB(mem.arrayBuffers), externalMB: MB(mem.external),
  counted: {
    retainedMB: MB(tt.retainedBytes), maxRetainedMB: MB(maxCounted), withinBudget: maxCounted <= tt.budgetBytes,
    snapshots: tt.snapshots, snapshotStateMB: MB(tt.snapshotStateBytes), pageMB: MB(tt.pageBytes), opLogMB: MB(tt.opLogBytes), nearMB: MB(tt.nearBytes),
    bytesPerStep: Math.round(tt.retainedBytes / sys.stepCount),
  },
  notCounted: { stepLogMB: MB(tt.stepLogBytes), stepLogBytesPerStep: Math.round(tt.stepLogBytes / sys.stepCount), machineRamMB: 64 },
}));
