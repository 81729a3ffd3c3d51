// Process memory after a long paging session under each time-travel budget (issue 19 item 5):
//   node scripts/fuzz.mjs memory [--steps 1000000] [--budgets 64,256,1024]
// Each budget runs in its own child process (so one run's heap cannot hide another's), drives a
// paging session (writes over more memory than RAM, trims, modified-page writes, purges, reads back)
// until it has recorded `steps` steps, collects garbage and prints RSS, heap and what time travel
// says it retains, then times a jump to a random step.
import { spawnSync } from 'node:child_process';
import { createSystem, MEM_COMMIT, MEM_RESERVE, PAGE_READWRITE } from '../../src/engine';

const argv = process.argv.slice(2);
const arg = (name: string, def: string): string => { const i = argv.indexOf(`--${name}`); return i >= 0 ? argv[i + 1]! : def; };
const steps = Number(arg('steps', '1000000'));
const MB = 1024 * 1024;

if (argv.includes('--child')) {
  const budget = Number(arg('budget', '256'));
  const started = Date.now();
  const sys = createSystem({ physicalMemoryMB: 64, pageFileMB: 256, seed: 19, timeTravelMemoryMB: budget });
  const pid = sys.createProcess({ imagePath: 'C:\\Windows\\System32\\notepad.exe' }).pid;
  const k = sys.win32(pid);
  const pages = 24_000; // 94 MB: more than the 64 MB of RAM
  const base = k.VirtualAlloc(0n, BigInt(pages) * 4096n, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
  const data = new Uint8Array(16);
  let i = 0;
  /** The most time travel counted at any check (every 10,000 operations), against the budget. */
  let maxRetained = 0;
  while (sys.stepCount < steps) {
    data.fill(i & 0xFF);
    k.WriteMemory(base + BigInt((i * 7919) % pages) * 4096n, data);
    if (i % 5000 === 4999) { sys.memoryListCommand('MemoryEmptyWorkingSets'); sys.memoryListCommand('MemoryFlushModifiedList'); }
    if (i % 20000 === 19999) sys.memoryListCommand('MemoryPurgeStandbyList');
    if (i % 3 === 0) k.ReadMemory(base + BigInt((i * 104729) % pages) * 4096n, 8);
    if (i % 10000 === 0) maxRetained = Math.max(maxRetained, sys.timeTravelMemory().retainedBytes);
    i++;
  }
  const g = (globalThis as { gc?: () => void }).gc;
  g?.(); g?.();
  const mem = process.memoryUsage();
  const tt = sys.timeTravelMemory();
  const jumps: number[] = [];
  for (let j = 0; j < 5; j++) { const t = performance.now(); sys.stateAt(Math.floor((j + 0.5) / 5 * (sys.stepCount - 1))); jumps.push(Math.round(performance.now() - t)); }
  console.log(JSON.stringify({
    budgetMB: budget, steps: sys.stepCount, operations: i, seconds: Math.round((Date.now() - started) / 1000),
    rssMB: Math.round(mem.rss / MB), heapUsedMB: Math.round(mem.heapUsed / MB), externalMB: Math.round(mem.external / MB), arrayBuffersMB: Math.round(mem.arrayBuffers / MB),
    timeTravelRetainedMB: Math.round(tt.retainedBytes / MB), maxRetainedMB: Math.round(maxRetained / MB), withinBudget: maxRetained <= tt.budgetBytes,
    counted: { snapshotStateMB: Math.round(tt.snapshotStateBytes / MB), pageMB: Math.round(tt.pageBytes / MB), opLogMB: Math.round(tt.opLogBytes / MB), nearMB: Math.round(tt.nearBytes / MB), bytesPerStep: Math.round(tt.retainedBytes / sys.stepCount) },
    // The recorded steps are the present's own record (not time travel's): beside the budget, not in it.
    stepLogMB: Math.round(tt.stepLogBytes / MB), stepLogBytesPerStep: Math.round(tt.stepLogBytes / sys.stepCount),
    snapshots: tt.snapshots, widestGapSteps: tt.widestGapSteps, jumpMs: jumps,
  }));
} else {
  const results = [];
  for (const budget of arg('budgets', '64,256,1024').split(',').map(Number)) {
    process.stderr.write(`budget ${budget} MB: ${steps} steps...\n`);
    const r = spawnSync(process.execPath, ['--expose-gc', '--max-old-space-size=4096', process.argv[1]!, '--child', '--budget', String(budget), '--steps', String(steps)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    results.push(r.status === 0 ? JSON.parse(r.stdout.trim().split('\n').at(-1)!) as unknown : { budgetMB: budget, error: `exit ${r.status ?? r.signal}` });
  }
  console.log(JSON.stringify({ mode: 'memory', results }, null, 1));
}
