// Notes recognition benchmark (issue 19 items 1 and 8, issue 15 "fast paths"): what opening and
// editing a 5 MB markdown file costs the extension host, in plain Node (the recognition modules are
// VS Code-free). Rows: recognition on open (headings, blocks, questions: no term lookup), the terms
// of the lines in view (a screen of 60 lines: hovers and the first diagnostics pass), the whole
// diagnostics pass (done off the edit path in chunks), and re-recognition after a one-line edit with
// the per-line cache. Prints one JSON object; no thresholds are asserted.
import { documentFindings, FindingList, lineChunks, lineFindings } from '../../src/extension/notes/diagnose';
import { recognize, TermCache } from '../../src/extension/notes/recognize';

const BUDGET_MS = 100;

function best(fn: () => void, runs = 5): number {
  let min = Infinity;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    min = Math.min(min, performance.now() - t0);
  }
  return Math.round(min * 100) / 100;
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

const text = notes(5 * 1024 * 1024);
const lineCount = text.split('\n').length;
const middle = Math.floor(lineCount / 2);

const openMs = best(() => { recognize(text); });
const visibleMs = best(() => {
  const r = recognize(text);
  for (let l = middle; l < middle + 60; l++) r.termsOnLine(l);
});
const fullPassMs = best(() => {
  const r = recognize(text);
  const list = new FindingList();
  list.add(documentFindings(r));
  for (const c of lineChunks(r, [{ from: middle, to: middle + 60 }]).chunks) list.add(lineFindings(r, c.from, c.to));
}, 2);
// After an edit: the cache of the previous version makes the whole pass cost the changed lines.
const cache = new TermCache();
const warm = recognize(text, cache);
for (let l = 0; l < warm.lineCount; l++) warm.termsOnLine(l);
const edited = text.replace('## 100. Working sets', '## 100. Working sets (edited)');
const before = cache.computed;
const afterEditMs = best(() => {
  const r = recognize(edited, cache);
  const list = new FindingList();
  for (const c of lineChunks(r, []).chunks) list.add(lineFindings(r, c.from, c.to));
}, 2);

console.log(JSON.stringify({
  notesBytes: text.length,
  lines: lineCount,
  recognitionOf5MBNotes: {
    budgetMs: BUDGET_MS,
    openMs,
    visibleRange60LinesMs: visibleMs,
    wholeDiagnosticsPassMs: fullPassMs,
    wholeDiagnosticsPassAfterOneLineEditMs: afterEditMs,
    linesRecomputedAfterEdit: cache.computed - before,
  },
}, null, 2));
