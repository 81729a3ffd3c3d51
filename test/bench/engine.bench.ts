// Engine benchmarks (DESIGN.md §8). Prints one JSON object; no thresholds are asserted here —
// the budgets are printed beside the figures. Run by `npm run bench` (bundled with esbuild, run
// in plain Node with --expose-gc).
import {
  createSystem, MEM_COMMIT, MEM_RESERVE, PAGE_READWRITE, System, Win32Error,
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
 *
 * Where the time goes (node --cpu-prof, issue 17): about half is time travel keeping the old page
 * contents. Every page the cycle writes, zeroes or reads back from the paging file lands in a 64 KB
 * content chunk a snapshot still shares, so the store copies the chunk (PageStore.writable: ~37% of the
 * samples, plus ~12% collector): ~3,900 chunk copies (245 MB) per cycle, which the time-travel budget
 * (256 MB) then holds until snapshots are let go. The fault path itself (MmAccessFault, the working-set
 * manager, the modified page writer) is the other half. Run three times: min / median / max.
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

/** CPU time (user + system) of this process in ms: robust to other processes sharing the machine. */
function cpuNowMs(): number { const u = process.cpuUsage(); return (u.user + u.system) / 1000; }

function createProcesses(): { perSecond: number; perCpuSecond: number; stepsPerProcess: number } {
  let stepsPerProcess = 0;
  let perCpuSecond = 0;
  const rate = best(3, () => {
    const sys = createSystem({ boot: false, physicalMemoryMB: 2048 });
    const n = 2000;
    const before = sys.stepCount;
    const t0 = performance.now();
    const c0 = cpuNowMs();
    for (let i = 0; i < n; i++) sys.createProcess({ imagePath: 'C:\\Windows\\System32\\notepad.exe' });
    const seconds = (performance.now() - t0) / 1000;
    perCpuSecond = Math.max(perCpuSecond, n / ((cpuNowMs() - c0) / 1000));
    stepsPerProcess = (sys.stepCount - before) / n;
    return n / seconds;
  });
  return { perSecond: round(rate), perCpuSecond: round(perCpuSecond), stepsPerProcess };
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

function stats(samples: number[]): { min: number; median: number; max: number } {
  const s = [...samples].sort((a, b) => a - b);
  const r = (x: number): number => Math.round(x * 10) / 10;
  return { min: r(s[0]!), median: r(s[s.length >> 1]!), max: r(s[s.length - 1]!) };
}

/**
 * Time travel in a session of at least `steps` steps (faults, paging, process creation; DESIGN.md §8:
 * a jump <= 50 ms median, <= 100 ms max; one step <= 16 ms): 40 jumps to random steps, then at 3
 * random places a jump followed by 15 steps back and 15 forward (each timed on its own: what a learner
 * holding an arrow key asks for), and what time travel holds per step. With `keepProcesses`, the oldest
 * created processes exit each round beyond that many.
 *
 * The 1M session meets the commit limit by arithmetic, not by a leak (test/unit/commit-churn.test.ts:
 * processes that exit give back exactly what they charged): each cmd.exe comes with its conhost.exe and
 * the pair charges about 71 pages, so 1,200 kept plus a round's 200 need ~100k pages beside the ~13k the
 * boot and the region hold, over this machine's 98,304 (128 MB RAM + 256 MB paging file). The session
 * keeps 1,200 so its figures stay comparable with earlier runs; a hit lets the oldest 200 exit
 * (commitLimitHits counts them).
 */
function timeTravel(steps: number, keepProcesses = Infinity): Record<string, unknown> {
  gc?.(); // start from a clean heap: the earlier benchmarks' garbage is not this one's cost
  const t0 = performance.now();
  const sys = createSystem({ physicalMemoryMB: 128, pageFileMB: 256 });
  const { k } = process1(sys);
  const pages = 48 * 256;
  const base = k.VirtualAlloc(0n, BigInt(pages) * 4096n, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
  const created: number[] = [];
  let commitLimitHits = 0;
  let round2 = 0;
  while (sys.stepCount < steps) {
    for (let i = 0; i < pages; i += 3) k.WriteMemory(base + BigInt(i) * 4096n, new Uint8Array([round2 & 0xFF]));
    for (let i = 0; i < 200; i++) {
      try {
        created.push(sys.createProcess({ imagePath: 'C:\\Windows\\System32\\cmd.exe' }).pid);
      } catch (e) {
        // ERROR_COMMITMENT_LIMIT: the oldest processes exit to make room (counted: the 1M session meets it).
        if (!(e instanceof Win32Error) || e.code !== 1455 || created.length === 0) throw e;
        commitLimitHits++;
        for (let n = 0; n < 200 && created.length > 0; n++) sys.psCall({ call: 'terminatePid', pid: created.shift()!, exitCode: 0 });
      }
    }
    while (created.length > keepProcesses) sys.psCall({ call: 'terminatePid', pid: created.shift()!, exitCode: 0 });
    k.SetProcessWorkingSetSize(-1n, -1n);
    sys.memoryListCommand('MemoryFlushModifiedList');
    round2++;
  }
  const setupSeconds = (performance.now() - t0) / 1000;
  let seed = 12345;
  const random = (n: number): number => { seed = (seed * 1103515245 + 12345) >>> 0; return seed % n; };
  // What time travel holds by kind before the jumps (the jumps keep machines near the cursor, see held).
  const beforeJumps = sys.timeTravelMemory();
  // CPU time beside wall time: on a shared machine, the wall clock also counts other processes' turns.
  const cpuMs = cpuNowMs;
  const jumpsCpu: number[] = [];
  const timedAt = (seq: number, cpu?: number[]): number => {
    const t = performance.now();
    const c = cpuMs();
    sys.stateAt(seq).querySystemMemoryListInformation();
    cpu?.push(cpuMs() - c);
    return performance.now() - t;
  };
  const jumps: number[] = [];
  for (let j = 0; j < 40; j++) jumps.push(timedAt(random(sys.stepCount), jumpsCpu));
  const back: number[] = [];
  const forward: number[] = [];
  for (let j = 0; j < 3; j++) {
    const at = 20 + random(sys.stepCount - 40);
    timedAt(at);
    for (let s = at - 1; s >= at - 15; s--) back.push(timedAt(s));
    for (let s = at - 14; s <= at; s++) forward.push(timedAt(s));
  }
  const tt = sys.timeTravelMemory();
  const mb = (x: number): number => Math.round((x / 2 ** 20) * 10) / 10;
  /** What time travel retains, by kind (TimeTravelMemory): snapshots' own copies, page contents only they hold, the op log, machines near the cursor. */
  const byKind = (m: typeof tt): Record<string, number> => ({
    snapshots: m.snapshots, widestGapSteps: m.widestGapSteps, snapshotStateMB: mb(m.snapshotStateBytes), pageContentsMB: mb(m.pageBytes),
    opLogMB: mb(m.opLogBytes), nearMachines: m.nearMachines, nearMB: mb(m.nearBytes), retainedMB: mb(m.retainedBytes),
  });
  return {
    steps: sys.stepCount, processes: sys.processCount, commitLimitHits, setupSeconds: Math.round(setupSeconds),
    jumpMs: { ...stats(jumps), jumps: jumps.length }, jumpCpuMs: stats(jumpsCpu),
    stepBackMs: { ...stats(back), steps: back.length }, stepForwardMs: { ...stats(forward), steps: forward.length },
    held: {
      bytesPerStep: Math.round(tt.retainedBytes / sys.stepCount), retainedMB: Math.round(tt.retainedBytes / 2 ** 20), budgetMB: Math.round(tt.budgetBytes / 2 ** 20),
      snapshots: tt.snapshots, widestGapSteps: tt.widestGapSteps, stepLogBytesPerStep: Math.round(tt.stepLogBytes / sys.stepCount),
      beforeJumps: byKind(beforeJumps), afterJumps: byKind(tt),
    },
  };
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
const cycles = [pagingCycle(), pagingCycle(), pagingCycle()];
const cycle = { ...cycles[1]!, pagesPerSecond: stats(cycles.map((c) => c.pagesPerSecond)) };
const procs = createProcesses();
const mem = memoryPerPage();
const travel = timeTravel(100_000);
// The 1M-step session alone takes 20 minutes or more on a 2-core machine: it runs with `npm run bench -- --long`.
const travel1M = process.env.NTLAB_BENCH_LONG ? timeTravel(1_000_000, 1200) : { skipped: 'takes 20+ minutes: npm run bench -- --long' };
const proto = protoFaults();
const views = viewsMapped();

console.log(JSON.stringify({
  validPageAccess: { perSecond: access.tlbHitPerSecond, tlbMissPerSecond: access.tlbMissPerSecond, budget: '>= 20,000,000/s' },
  demandZeroFaults: { perSecond: dz, budget: '>= 1,000,000/s' },
  pagingCycle: { ...cycle, budget: '>= 200,000 pages/s' },
  createProcess: { ...procs, budget: '>= 2,000/s' },
  memoryPerResidentPage: { ...mem, budget: '<= 64 bytes (state, excluding the 4 KB of contents)' },
  timeTravel100k: { ...travel, budget: 'jump <= 50 ms median, <= 100 ms max; one step (engine) within the 16 ms frame' },
  timeTravel1M: { ...travel1M, budget: 'jump <= 50 ms median, <= 100 ms max; one step (engine) within the 16 ms frame' },
  prototypePteFaults: { ...proto, note: 'MiResolveProtoPteFault: shared = page already resident (mapped by another process); first touch = demand zero' },
  viewsMappedPerSecond: { perSecond: views, note: 'MapViewOfFile + UnmapViewOfFile of a 64 KB pagefile-backed view' },
}, null, 2));
