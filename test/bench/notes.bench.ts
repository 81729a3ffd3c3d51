// Notes benchmark (issue 19 items 1 and 8, issue 15 "fast paths"): what opening and editing a 5 MB
// markdown file costs the extension host, in plain Node (the notes modules are VS Code-free). The host
// (src/extension/notes/index.ts) recognizes a large file with recognizeInSlices and runs a
// DiagnosticsPass, one step at a time, yielding to its event loop after about SLICE_MS (8 ms) of steps;
// so what blocks the host at once is SLICE_MS plus the longest single step. Rows, each min/median/max
// over the runs:
//   openSyncMs            what runs at once when the file opens: the line index and the first recognition step
//   recognitionStepMaxMs  the longest single step of recognition; recognitionTotalMs all of them (in the background)
//   visibleRangeMs        the diagnostics of a screen of 60 lines in the middle and the heading topics of the
//                         lens margin around it (what the first slices after recognition show)
//   diagnosticsStepMaxMs  the longest single step of the whole diagnostics pass; diagnosticsTotalMs all of them
//   editStepMaxMs         after a one-line edit: the longest step of re-recognition (warm term cache) and of the
//                         diagnostics pass again; editTotalMs all of that work
// for a 5 MB file of notes in a learner's style, for a 5 MB single line of prose, and (worst over one file
// of each kind) for 5 MB files of the notes fuzzer's 13 kinds. The *CpuMs rows are the same steps in this
// process's CPU time (the wall time of a step on a loaded machine includes time other processes ran; a
// garbage collection that falls in a step counts in both). Prints one JSON object; no thresholds are asserted.
import { DiagnosticsPass } from '../../src/extension/notes/diagnose';
import { recognizeInSlices, TermCache, type Recognition } from '../../src/extension/notes/recognize';
import { Rng } from '../fuzz/engine';
import { NOTES_KINDS, notesDocument } from '../fuzz/notes';

const BUDGET_MS = 100;
const MB5 = 5 * 1024 * 1024;
/** Lines above and below the screen whose headings get lenses (index.ts LENS_MARGIN_LINES). */
const LENS_MARGIN = 200;

type Row = 'openSyncMs' | 'recognitionStepMaxMs' | 'recognitionTotalMs' | 'visibleRangeMs' | 'diagnosticsStepMaxMs' | 'diagnosticsTotalMs' | 'editStepMaxMs' | 'editTotalMs'
  | 'openSyncCpuMs' | 'recognitionStepMaxCpuMs' | 'diagnosticsStepMaxCpuMs' | 'editStepMaxCpuMs';

/** CPU time of this process in ms (user + system): on a loaded machine the wall time of a step also counts the time others ran. */
const cpu = (): number => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };

/** Recognition one step at a time: the time of the first step (with the line index), the longest, the total. */
function slicedRecognition(text: string, cache: TermCache): { r: Recognition; first: number; firstCpu: number; max: number; maxCpu: number; total: number } {
  const t0 = performance.now();
  const c0 = cpu();
  const slices = recognizeInSlices(text, cache);
  let r: Recognition | undefined;
  let first = -1;
  let firstCpu = -1;
  let max = 0;
  let maxCpu = 0;
  while (!r) {
    const t = performance.now();
    const c = cpu();
    r = slices.step();
    max = Math.max(max, performance.now() - t);
    maxCpu = Math.max(maxCpu, cpu() - c);
    if (first < 0) { first = performance.now() - t0; firstCpu = cpu() - c0; }
  }
  return { r, first, firstCpu, max, maxCpu, total: performance.now() - t0 };
}

/** The whole diagnostics pass one step at a time, the screen first: the longest step and the total. */
function slicedDiagnostics(r: Recognition, screen: { from: number; to: number }): { max: number; maxCpu: number; total: number } {
  const t0 = performance.now();
  const pass = new DiagnosticsPass(r, [screen]);
  let max = 0;
  let maxCpu = 0;
  for (let done = false; !done;) {
    const t = performance.now();
    const c = cpu();
    done = pass.step();
    max = Math.max(max, performance.now() - t);
    maxCpu = Math.max(maxCpu, cpu() - c);
  }
  return { max, maxCpu, total: performance.now() - t0 };
}

function measure(text: string, editAt: number): Record<Row, number> {
  const cache = new TermCache();
  const rec = slicedRecognition(text, cache);
  const r = rec.r;
  const middle = Math.floor(r.lineCount / 2);
  const screen = { from: middle, to: Math.min(r.lineCount, middle + 60) };
  // The visible range: its diagnostics, and the topics of the headings within the lens margin.
  let t = performance.now();
  const pass = new DiagnosticsPass(r, [screen]);
  while (!pass.firstDone) pass.step();
  for (const h of r.headings) if (h.line >= screen.from - LENS_MARGIN && h.line < screen.to + LENS_MARGIN) void h.entryId;
  const visible = performance.now() - t;
  const diag = slicedDiagnostics(r, screen);
  // One character typed: re-recognition with the same cache, then the diagnostics pass again.
  const edited = text.slice(0, editAt) + 'x' + text.slice(editAt);
  t = performance.now();
  const again = slicedRecognition(edited, cache);
  const diagAgain = slicedDiagnostics(again.r, screen);
  const editTotal = performance.now() - t;
  return {
    openSyncMs: rec.first, recognitionStepMaxMs: rec.max, recognitionTotalMs: rec.total, visibleRangeMs: visible,
    diagnosticsStepMaxMs: diag.max, diagnosticsTotalMs: diag.total, editStepMaxMs: Math.max(again.max, diagAgain.max), editTotalMs: editTotal,
    openSyncCpuMs: rec.firstCpu, recognitionStepMaxCpuMs: rec.maxCpu, diagnosticsStepMaxCpuMs: diag.maxCpu, editStepMaxCpuMs: Math.max(again.maxCpu, diagAgain.maxCpu),
  };
}

const round = (x: number): number => Math.round(x * 100) / 100;

/** min/median/max of each row over `runs` runs. */
function rows(text: string, runs: number, editAt: number): Record<Row, { min: number; median: number; max: number }> {
  const all: Array<Record<Row, number>> = [];
  for (let i = 0; i < runs; i++) all.push(measure(text, editAt));
  const out = {} as Record<Row, { min: number; median: number; max: number }>;
  for (const row of Object.keys(all[0]!) as Row[]) {
    const v = all.map((m) => m[row]).sort((a, b) => a - b);
    out[row] = { min: round(v[0]!), median: round(v[v.length >> 1]!), max: round(v[v.length - 1]!) };
  }
  return out;
}

/** 5 MB of notes in a learner's style: headings, prose with terms and slips, Chinese lines, a block. */
function notes(bytes: number): string {
  const parts: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const p = [
      `## ${i}. Working sets and page faults`,
      `The memory manager trims the working set of process ${i} when available memory is low; a page fault on a transition page is soft.`,
      `EPROCESS ${i} points to its KPORCESS (the Pcb), and VirtualAllocEx reserves a VAD; see MmAccessFault and MiResolveDemandZeroFault.`,
      `原型PTE和页帧号数据库 ${i}：备用链表上的页面可以被再利用，修改页写入器把脏页写入页面文件。`,
      '',
    ].join('\n');
    parts.push(p);
    size += p.length;
  }
  return parts.join('\n');
}

const text = notes(MB5);
const learner = rows(text, 5, text.indexOf('## 100. Working sets') + 8);
const line = notes(MB5).replaceAll('\n', ' ');
const singleLine = rows(line, 3, line.length >> 1);

// Worst over one 5 MB file of each fuzzer kind (one run each: these rows find the shape that costs most).
const worst: Partial<Record<Row, { ms: number; kind: string }>> = {};
for (const kind of NOTES_KINDS) {
  const doc = notesDocument(new Rng(19), MB5, [], kind === 'attack' ? 'prose' : kind);
  const m = measure(doc.text, doc.text.length >> 1);
  for (const row of Object.keys(m) as Row[]) if (m[row] > (worst[row]?.ms ?? -1)) worst[row] = { ms: round(m[row]), kind };
}

console.log(JSON.stringify({
  budgetMs: BUDGET_MS,
  hostSliceMs: 8,
  learnerNotes5MB: { chars: text.length, ...learner },
  singleLine5MB: { chars: line.length, ...singleLine },
  worstOfFuzzerKinds5MB: worst,
}, null, 2));
