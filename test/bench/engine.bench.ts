// Engine benchmarks (DESIGN.md §8). Prints one JSON object; no thresholds are asserted here —
// the budgets are printed beside the figures. Run by `npm run bench` (bundled with esbuild, run
// in plain Node with --expose-gc).
import {
  createSystem, MEM_COMMIT, MEM_RESERVE, PAGE_READWRITE, System,
} from '../../src/engine';
import { Machine, machineOf } from '../../src/engine/testing';

const gc = (globalThis as { gc?: () => void }).gc;
function heap(): number {
  gc?.(); gc?.();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}
const round = (x: number): number => Math.round(x);
function timed(fn: () => number): { ops: number; seconds: number } {
  const t0 = performance.now();
  const ops = fn();
  return { ops, seconds: (performance.now() - t0) / 1000 };
}
function best(runs: number, fn: () => number): number {
  let top = 0;
  for (let i = 0; i < runs; i++) {
    const { ops, seconds } = timed(fn);
    top = Math.max(top, ops / seconds);
  }
  return top;
}

function process1(sys: System): { pid: number; k: ReturnType<System['win32']> } {
  const { pid } = sys.createProcess({ imagePath: 'C:\\Windows\\System32\\notepad.exe' });
  return { pid, k: sys.win32(pid) };
}

/** Loads of 8 bytes from pages that are already valid: TLB hits, and a set larger than the TLB. */
function validAccess(): { tlbHitPerSecond: number; tlbMissPerSecond: number } {
  const sys = createSystem({ boot: false, physicalMemoryMB: 256 });
  const { k } = process1(sys);
  const base = k.VirtualAlloc(0n, 4096n * 4096n, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
  for (let i = 0; i < 4096; i++) k.WriteMemory(base + BigInt(i) * 4096n, new Uint8Array([i & 0xFF]));
  const hot = Array.from({ length: 64 }, (_, i) => base + BigInt(i) * 4096n + 8n);
  const wide = Array.from({ length: 4096 }, (_, i) => base + BigInt((i * 613) % 4096) * 4096n + 8n);
  const N = 4_000_000;
  const hit = best(3, () => { let s = 0; for (let i = 0; i < N; i++) s += k.ReadMemory(hot[i & 63]!, 8)[0]!; return N + (s & 0); });
  const miss = best(3, () => { let s = 0; for (let i = 0; i < N / 4; i++) s += k.ReadMemory(wide[i & 4095]!, 8)[0]!; return N / 4 + (s & 0); });
  return { tlbHitPerSecond: round(hit), tlbMissPerSecond: round(miss) };
}

/**
 * The full paging cycle: a region twice the size of RAM is written page by page, then read back.
 * Each page is faulted in, trimmed by the balance set manager, written to the paging file by the
 * modified page writer, repurposed from the standby list and finally hard-faulted back.
 */
function pagingCycle(): { pagesPerSecond: number; hardFaults: number; repurposed: number } {
  const sys = createSystem({ boot: false, physicalMemoryMB: 64, pageFileMB: 512 });
  const { k } = process1(sys);
  const pages = 2 * 64 * 256;
  const base = k.VirtualAlloc(0n, BigInt(pages) * 4096n, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
  const before = sys.stepCount;
  const one = new Uint8Array([7]);
  const t0 = performance.now();
  for (let i = 0; i < pages; i++) k.WriteMemory(base + BigInt(i) * 4096n, one);
  for (let i = 0; i < pages; i++) k.ReadMemory(base + BigInt(i) * 4096n, 1);
  const seconds = (performance.now() - t0) / 1000;
  let hardFaults = 0;
  for (const s of sys.getSteps(before, sys.stepCount)) if (s.code === 'fault.pageFile') hardFaults += Number(s.args.cluster);
  const info = sys.querySystemMemoryListInformation();
  return { pagesPerSecond: round(pages / seconds), hardFaults, repurposed: info.RepurposedPagesByPriority.reduce((a, b) => a + b, 0) };
}

function createProcesses(): { perSecond: number; stepsPerProcess: number } {
  let stepsPerProcess = 0;
  const rate = best(3, () => {
    const sys = createSystem({ boot: false, physicalMemoryMB: 2048 });
    const n = 2000;
    const before = sys.stepCount;
    const t0 = performance.now();
    for (let i = 0; i < n; i++) sys.createProcess({ imagePath: 'C:\\Windows\\System32\\notepad.exe' });
    const seconds = (performance.now() - t0) / 1000;
    stepsPerProcess = (sys.stepCount - before) / n;
    return n / seconds;
  });
  return { perSecond: round(rate), stepsPerProcess };
}

/** State bytes per resident page: the memory of a snapshot copy (it shares page contents, and has no logs). */
function memoryPerPage(): { stateBytesPerResidentPage: number; stepLogBytesPerStep: number; residentPages: number } {
  const sys = createSystem({ boot: false, physicalMemoryMB: 256, pageFileMB: 0 });
  const { k } = process1(sys);
  const pages = 60_000;
  const base = k.VirtualAlloc(0n, BigInt(pages) * 4096n, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
  for (let i = 0; i < pages; i++) k.ReadMemory(base + BigInt(i) * 4096n, 1);
  const h0 = heap();
  const copy = new Machine({}, machineOf(sys));
  const h1 = heap();
  const resident = sys.physicalPageCount - sys.querySystemMemoryListInformation().ZeroPageCount - sys.querySystemMemoryListInformation().FreePageCount;
  const stepBytes = machineOf(sys).trace.byteLength;
  void copy;
  return { stateBytesPerResidentPage: Math.round(((h1 - h0) / resident) * 10) / 10, stepLogBytesPerStep: Math.round((stepBytes / sys.stepCount) * 10) / 10, residentPages: resident };
}

/** Jumps to random steps of a session of at least 100,000 steps (faults, paging, process creation). */
function timeTravel(): { steps: number; medianMs: number; maxMs: number; jumps: number } {
  gc?.(); // start from a clean heap: the earlier benchmarks' garbage is not this one's cost
  const sys = createSystem({ physicalMemoryMB: 128, pageFileMB: 256 });
  const { k } = process1(sys);
  const pages = 48 * 256;
  const base = k.VirtualAlloc(0n, BigInt(pages) * 4096n, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
  let round2 = 0;
  while (sys.stepCount < 100_000) {
    for (let i = 0; i < pages; i += 3) k.WriteMemory(base + BigInt(i) * 4096n, new Uint8Array([round2 & 0xFF]));
    for (let i = 0; i < 200; i++) sys.createProcess({ imagePath: 'C:\\Windows\\System32\\cmd.exe' });
    k.SetProcessWorkingSetSize(-1n, -1n);
    sys.memoryListCommand('MemoryFlushModifiedList');
    round2++;
  }
  const times: number[] = [];
  let seed = 12345;
  for (let j = 0; j < 40; j++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    const target = seed % sys.stepCount;
    const t0 = performance.now();
    const past = sys.stateAt(target);
    past.querySystemMemoryListInformation();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { steps: sys.stepCount, medianMs: Math.round(times[times.length >> 1]! * 10) / 10, maxMs: Math.round(times[times.length - 1]! * 10) / 10, jumps: times.length };
}

/** Prototype-PTE faults: a second process maps a section whose pages are resident and touches them all. */
function protoFaults(): { sharedPerSecond: number; firstTouchPerSecond: number } {
  const sys = createSystem({ boot: false, physicalMemoryMB: 1024, pageFileMB: 0 });
  const a = process1(sys);
  const b = process1(sys);
  const pages = 50_000;
  const h = a.k.CreateFileMapping(-1, PAGE_READWRITE, BigInt(pages) * 4096n, 'Local\\bench');
  const va = a.k.MapViewOfFile(h, 2, 0n, 0n);
  let t0 = performance.now();
  for (let i = 0; i < pages; i++) a.k.ReadMemory(va + BigInt(i) * 4096n, 1);
  const first = pages / ((performance.now() - t0) / 1000);
  const vb = b.k.MapViewOfFile(b.k.OpenFileMapping(4, false, 'Local\\bench'), 4, 0n, 0n);
  t0 = performance.now();
  for (let i = 0; i < pages; i++) b.k.ReadMemory(vb + BigInt(i) * 4096n, 1);
  const shared = pages / ((performance.now() - t0) / 1000);
  return { sharedPerSecond: round(shared), firstTouchPerSecond: round(first) };
}

/** MapViewOfFile + UnmapViewOfFile of a 64 KB view. */
function viewsMapped(): number {
  const sys = createSystem({ boot: false, physicalMemoryMB: 256 });
  const { k } = process1(sys);
  const h = k.CreateFileMapping(-1, PAGE_READWRITE, 0x10000n);
  return round(best(3, () => {
    const n = 20_000;
    for (let i = 0; i < n; i++) k.UnmapViewOfFile(k.MapViewOfFile(h, 2, 0n, 0n));
    return n;
  }));
}

const access = validAccess();
const dz = demandZeroRate();
/** First touches of committed, untouched pages (MiResolveDemandZeroFault), each recorded as a step, memory plentiful. */
function demandZeroRate(): number {
  let top = 0;
  for (let r = 0; r < 3; r++) {
    const sys = createSystem({ boot: false, physicalMemoryMB: 2048, pageFileMB: 0 });
    const { k } = process1(sys);
    const pages = 200_000;
    const base = k.VirtualAlloc(0n, BigInt(pages) * 4096n, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
    const t0 = performance.now();
    for (let i = 0; i < pages; i++) k.ReadMemory(base + BigInt(i) * 4096n, 1);
    top = Math.max(top, pages / ((performance.now() - t0) / 1000));
  }
  return round(top);
}
const cycle = pagingCycle();
const procs = createProcesses();
const mem = memoryPerPage();
const travel = timeTravel();
const proto = protoFaults();
const views = viewsMapped();

console.log(JSON.stringify({
  validPageAccess: { perSecond: access.tlbHitPerSecond, tlbMissPerSecond: access.tlbMissPerSecond, budget: '>= 20,000,000/s' },
  demandZeroFaults: { perSecond: dz, budget: '>= 1,000,000/s' },
  pagingCycle: { ...cycle, budget: '>= 200,000 pages/s' },
  createProcess: { ...procs, budget: '>= 2,000/s' },
  memoryPerResidentPage: { ...mem, budget: '<= 64 bytes (state, excluding the 4 KB of contents)' },
  jumpToStep: { ...travel, budget: '<= 100 ms' },
  prototypePteFaults: { ...proto, note: 'MiResolveProtoPteFault: shared = page already resident (mapped by another process); first touch = demand zero' },
  viewsMappedPerSecond: { perSecond: views, note: 'MapViewOfFile + UnmapViewOfFile of a 64 KB pagefile-backed view' },
}, null, 2));
