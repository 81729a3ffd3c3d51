// Kernel-debugger benchmark (DESIGN.md §8: "any kernel-debugger command on a 2,000-process session
// <= 50 ms"). Builds the session the tree benchmark builds (2,000 processes, notepad.exe children of
// explorer.exe, one with a written region and a handle), then runs every command several times and
// prints min/median/max milliseconds per command as one JSON object. No thresholds are asserted.
import { createSystem, describeObject, MEM_COMMIT, MEM_RESERVE, PAGE_READWRITE } from '../../src/engine';
import { runKd, type KdState, type KdView } from '../../src/extension/kd/kd';

const PROCESSES = 2000;
const RUNS = 7;
const BUDGET_MS = 50;

const t0 = performance.now();
const system = createSystem({ physicalMemoryMB: 2048, pageFileMB: 2048 });
const explorerPid = system.processIds.find((p) => system.queryProcess(p)!.imageFileName === 'explorer.exe')!;
const pids: number[] = [];
while (system.processCount < PROCESSES) pids.push(system.createProcess({ imagePath: 'C:\\Windows\\System32\\notepad.exe', parentPid: explorerPid }).pid);
const target = pids[pids.length >> 1]!;
const k = system.win32(target);
const base = k.VirtualAlloc(0n, 0x10000n, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
k.WriteMemory(base, new TextEncoder().encode('benchmark\0'));
k.CreateFileMapping(-1, PAGE_READWRITE, 0x10000n, 'KdBench');
const setupSeconds = (performance.now() - t0) / 1000;

const p = system.queryProcess(target)!;
const thread = p.threads[0]!;
const pfn = system.walkAddress(target, base).pfn ?? 0;
const ethread = describeObject(system, { kind: 'ETHREAD', tid: thread.tid })!.address;
const sectionPte = system.querySections({ views: 'none' }).find((x) => x.numberOfMappedViews > 1)!.prototypePteBase;
const a = `0x${base.toString(16)}`;
const lines = [
  '!process 0 0', '!process 0 1', '!process 0 7', '!process 0 0 notepad.exe', `!process 0n${target} 7`, `!process 0x${p.eprocess.toString(16)} 1`,
  '!thread', `!thread 0n${thread.tid}`, '!peb', '!teb', `.process /p 0n${target}`, `.thread 0n${thread.tid}`, `!thread 0x${ethread.toString(16)}`, `.thread 0x${ethread.toString(16)}`, `dt nt!_ETHREAD 0x${ethread.toString(16)}`, '!handle', '!token', '!job',
  'lm', 'k', 'dt nt!_EPROCESS', 'dt nt!_EPROCESS @$proc', 'dt -r1 nt!_EPROCESS @$proc', 'dt nt!_PEB @$peb', 'dt nt!_TEB @$teb',
  `db ${a}`, `dw ${a}`, `dd ${a} L40`, `dq ${a}`, `da ${a}`, `du ${a}`, `db ${a} L1000`, `!db ${(pfn * 4096).toString(16)}`,
  `!pte ${a}`, `!vtop 0 ${a}`, `!pfn ${pfn.toString(16)}`, '!vm', '!vad', '!wsle 1', '!memusage', `!address ${a}`, '!address', '!ca', '!ca 2', `!ca 0x${sectionPte.toString(16)}`, `!object 0x${p.eprocess.toString(16)}`,
  '? @$proc + 0n16', '.help', '!positions', '!tt 50', '!tt 100', 'p-', 'g-', `eb ${a} 42`,
  // Travel and read the past state on one line: includes the engine's stateAt (what the console's session.setCursor also pays).
  '!tt 50; !process 0 0 explorer.exe',
  // The data model, handle objects, heaps, the address-space listing and the VAD tree.
  'dx @$curprocess', 'dx @$cursession.Processes', 'dx -r1 @$cursession.Processes', 'dx -r2 @$curprocess', `dx @$cursession.Processes[${target}].Threads`,
  '!handle 0 f', '!heap', '!heap -s', '!address -summary', `!vad 0x${(p.eprocess + 0x7D8n).toString(16)}`, `!vad ${a} 1`,
  // Chained travel: five stops back along the trace on one line (no state is rebuilt unless a command reads it).
  'g-;g-;g-;g-;g-', 'g-;g-;g-;g-;g-; !process 0 0 explorer.exe',
];

function stats(samples: number[]): { min: number; median: number; max: number } {
  const s = [...samples].sort((x, y) => x - y);
  const r = (x: number): number => Math.round(x * 100) / 100;
  return { min: r(s[0]!), median: r(s[s.length >> 1]!), max: r(s[s.length - 1]!) };
}

const commands: Record<string, { min: number; median: number; max: number; outputLines: number }> = {};
let worst = { command: '', ms: 0 };
for (const line of lines) {
  const samples: number[] = [];
  let outputLines = 0;
  for (let i = 0; i < RUNS; i++) {
    // Each run starts from the present, in the target process's context.
    const view: KdView = { system, live: system, cursor: undefined };
    const state: KdState = { pid: target };
    const t = performance.now();
    const r = runKd(view, state, line);
    samples.push(performance.now() - t);
    outputLines = r.lines.length;
  }
  const s = stats(samples);
  commands[line] = { ...s, outputLines };
  if (s.median > worst.ms) worst = { command: line, ms: s.median };
}

// A cold !tt: each run travels to a position no earlier run visited and reads the state there (the
// engine's stateAt from its nearest snapshot, what the console's setCursor pays on a jump).
{
  const samples: number[] = [];
  let outputLines = 0;
  for (let i = 0; i < RUNS; i++) {
    const view: KdView = { system, live: system, cursor: undefined };
    const percent = 13 + i * 11;
    const t = performance.now();
    const r = runKd(view, { pid: target }, `!tt ${percent}; !process 0 0 explorer.exe`);
    samples.push(performance.now() - t);
    outputLines = r.lines.length;
  }
  const s = stats(samples);
  commands['cold !tt N; !process 0 0 explorer.exe (a new position each run)'] = { ...s, outputLines };
}

console.log(JSON.stringify({
  processes: system.processCount, steps: system.stepCount, setupSeconds: Math.round(setupSeconds * 10) / 10, runsPerCommand: RUNS,
  budgetMs: BUDGET_MS, worstMedian: worst, overBudget: Object.entries(commands).filter(([, v]) => v.median > BUDGET_MS).map(([c, v]) => ({ command: c, medianMs: v.median })),
  commands,
}, null, 2));
