// The notes' work on open, on edit and on Run is done in bounded pieces (issue 19 items 1, 2 and 8):
// recognition a slice at a time (recognizeInSlices), diagnostics a step at a time with the lines in
// view first (DiagnosticsPass), a very long line in windows, and a Run refused past its limits and run
// in steps (a touch pauses between groups of pages). The assertions count pieces of work and compare
// results with the whole-at-once paths; none measures time.
import { describe, expect, it } from 'vitest';
import { createSystem, MEM_COMMIT, MEM_RESERVE, PAGE_READWRITE, type System } from '../../src/engine';
import { DiagnosticsPass, documentFindings, FindingList, lineFindings, type Finding } from '../../src/extension/notes/diagnose';
import { parseBlock } from '../../src/extension/notes/language';
import { LONG_LINE, recognize, RECOGNITION_SLICE_CHARS, recognizeInSlices, TermCache, type Recognition } from '../../src/extension/notes/recognize';
import {
  lineLimit, MAX_READ_BYTES, MAX_RUN_LINES, MAX_RUN_PAGES, runLimit, RunState, runStatement, runStatementSteps, type RunHost,
} from '../../src/extension/notes/run';

/** Notes with every shape recognition keeps: headings, a stage section, ntlab blocks, questions, bindings, slips. */
function notes(paragraphs: number): string {
  const out: string[] = ['# Process creation <!-- ntlab:CreateProcessFlow -->', '<!-- ntlab:"换出"=PageFileFault -->'];
  for (let i = 0; i < paragraphs; i++) {
    out.push(
      `## ${i}. Working sets`,
      `The KPORCESS of process ${i} and its working set; 换出 sends pages to the paging file. TODO check ShellExcute`,
      i % 7 === 0 ? 'Stage3A：创建EPROCESS object' : 'a 1040 MB large-page allocation is made of one 1024 MB page and four 4 MB pages',
      i % 5 === 0 ? '```ntlab\nalloc 64K rw\nalloc 64Q\n```' : '',
    );
  }
  return out.join('\n');
}

/** Everything a recognition says, as comparable data. */
function digest(r: Recognition): unknown {
  const terms: unknown[] = [];
  for (let l = 0; l < r.lineCount; l++) terms.push(r.termsOnLine(l).map((t) => [t.start, t.end, t.entryId, t.exact]));
  return {
    lines: r.lineCount,
    headings: r.headings.map((h) => [h.line, h.style, h.text, h.entryId, h.stage]),
    blocks: r.blocks.map((b) => [b.fenceLine, b.endLine, b.closed, b.lines.length]),
    questions: r.questions.map((q) => [q.line, q.start, q.end, q.entryId]),
    terms,
  };
}

const key = (f: Finding): string => JSON.stringify(f.kind === 'parse' ? f.error : f);

describe('recognition in slices', () => {
  it('gives the same recognition as recognize, pausing at least once per RECOGNITION_SLICE_CHARS of text', () => {
    const text = notes(3000);
    expect(text.length).toBeGreaterThan(20 * RECOGNITION_SLICE_CHARS);
    const slices = recognizeInSlices(text, new TermCache());
    let steps = 0;
    let r: Recognition | undefined;
    while (!(r = slices.step())) steps++;
    // Four sweeps over the text (fences, questions, bindings, headings) pause in each: the fences and the headings at every slice.
    expect(steps).toBeGreaterThanOrEqual(2 * Math.floor(text.length / RECOGNITION_SLICE_CHARS));
    expect(digest(r)).toEqual(digest(recognize(text)));
    // Once complete, it stays the same object.
    expect(slices.step()).toBe(r);
  });

  it('reads a long line in windows in the binding and question sweeps (one 5 MB line was one step of 70-116 ms of CPU)', () => {
    const line = '<!-- ntlab:"甲乙"=VAD --> 工作集 '.repeat(20_000) + ' and then TODO the 甲乙 question';
    const text = `# Notes\n${line}\n`;
    const slices = recognizeInSlices(text);
    let steps = 0;
    let r: Recognition | undefined;
    while (!(r = slices.step())) steps++;
    // A pause after each window of LONG_LINE columns in both sweeps.
    expect(steps).toBeGreaterThanOrEqual(2 * Math.floor(line.length / LONG_LINE));
    expect(digest(r)).toEqual(digest(recognize(text)));
    expect(r.questions.map((q) => [q.line, q.start])).toEqual([[1, line.indexOf('TODO')]]);
  });
});

describe('the diagnostics pass', () => {
  it('finds what the whole-document findings find, each once, the lines in view first', () => {
    const r = recognize(notes(400));
    const reference = new FindingList();
    reference.add(documentFindings(r));
    reference.add(lineFindings(r, 0, r.lineCount));
    const pass = new DiagnosticsPass(r, [{ from: 900, to: 960 }, { from: 940, to: 1000 }]);
    let steps = 0;
    while (!pass.firstDone) { pass.step(); steps++; }
    const first = pass.findings.length;
    expect(first).toBeGreaterThan(0);
    expect(pass.findings.every((f) => (f.kind === 'parse' ? f.error.line : f.line) >= 900 && (f.kind === 'parse' ? f.error.line : f.line) < 1000)).toBe(true);
    while (!pass.step()) steps++;
    expect(steps).toBeGreaterThan(10);
    expect(pass.findings.map(key).sort()).toEqual(reference.findings.map(key).sort());
    // Every kind is there: slips, the open question, the ntlab parse error, the large-page fact.
    expect(new Set(pass.findings.map((f) => f.kind))).toEqual(new Set(['misspelling', 'openQuestion', 'parse', 'simulatedFact']));
  });

  it('reads a 2 MB single line in windows: terms at a window edge found once with their columns, a claim in a later window', () => {
    // Slips placed across the first window edges, and a claim far along the line.
    const filler = (n: number): string => 'x '.repeat(n >> 1);
    let line = '';
    const slips: number[] = [];
    for (let w = 1; w <= 4; w++) {
      line += filler(w * LONG_LINE - 4 - line.length);
      slips.push(line.length);
      line += 'KPORCESS ';
    }
    line += filler(2 * 1024 * 1024 - line.length);
    const claimAt = line.length;
    line += 'a 1040 MB large-page allocation is made of one 1024 MB page and four 4 MB pages ';
    line += filler(64 * 1024);
    const r = recognize(`# Notes\n${line}\n`);
    const pass = new DiagnosticsPass(r);
    let steps = 0;
    while (!pass.step()) steps++;
    // A step reads at most one window of the line.
    expect(steps).toBeGreaterThanOrEqual(Math.floor(line.length / LONG_LINE) - 1);
    const found = pass.findings.filter((f) => f.kind === 'misspelling');
    expect(found.map((f) => f.kind === 'misspelling' && f.start)).toEqual(slips);
    for (const f of found) if (f.kind === 'misspelling') expect(line.slice(f.start, f.end)).toBe('KPORCESS');
    const fact = pass.findings.find((f) => f.kind === 'simulatedFact');
    expect(fact?.kind === 'simulatedFact' && line.slice(fact.start, fact.end)).toBe('one 1024 MB page and four 4 MB');
    expect(fact?.kind === 'simulatedFact' && fact.start).toBe(claimAt + 'a 1040 MB large-page allocation is made of '.length);
  });

  it('termsBetween on a long line without spaces finds the terms of that window only, as the whole line has them', () => {
    const unit = '工作集和页面错误以及原型PTE';
    const line = unit.repeat(Math.ceil(3 * LONG_LINE / unit.length));
    const r = recognize(`# 内存\n${line}`);
    const from = LONG_LINE + 5;
    const window = r.termsBetween(1, from, from + 4096);
    expect(window.length).toBeGreaterThan(10);
    const whole = r.termsOnLine(1).filter((t) => t.start >= from && t.start < from + 4096);
    expect(window.map((t) => [t.start, t.end, t.entryId])).toEqual(whole.map((t) => [t.start, t.end, t.entryId]));
  });

  it('stops looking terms up once MAX_MISSPELLINGS slips are kept (a file of nonsense costs no term lookups past them)', () => {
    const cache = new TermCache();
    const text = Array.from({ length: 3000 }, (_, i) => `KPORCESS ${i}`).join('\n');
    const r = recognize(text, cache);
    new DiagnosticsPass(r).run();
    expect(cache.computed).toBe(1000);
  });
});

function host(initial?: System): RunHost {
  let system = initial;
  return { system: () => system, boot: (options) => (system = createSystem({ physicalMemoryMB: 64, pageFileMB: 64, ...options })) };
}

describe('Run is bounded', () => {
  it('refuses a block of more than MAX_RUN_LINES lines before parsing it', () => {
    expect(lineLimit(MAX_RUN_LINES)).toBeUndefined();
    expect(lineLimit(MAX_RUN_LINES + 1)).toEqual({ code: 'tooManyLines', count: MAX_RUN_LINES + 1, max: MAX_RUN_LINES });
  });

  it('refuses more than MAX_RUN_PAGES pages touched or read, and a read over MAX_READ_BYTES', () => {
    const lines = (text: string) => parseBlock(text.split('\n').map((t, i) => ({ line: i, text: t }))).statements;
    expect(runLimit(lines(`touch 0x10000 ${MAX_RUN_PAGES} pages`))).toBeUndefined();
    expect(runLimit(lines(`touch 0x10000 ${MAX_RUN_PAGES} pages\ntouch 0x10000 1 pages`))).toEqual({ code: 'tooManyPages', count: MAX_RUN_PAGES + 1, max: MAX_RUN_PAGES });
    expect(runLimit(lines('touch 0x10000 999999999999999999999 pages'))?.code).toBe('tooManyPages');
    expect(runLimit(lines(`read 0x10000 ${MAX_READ_BYTES}`))).toBeUndefined();
    expect(runLimit(lines(`boot\nread 0x10000 ${MAX_READ_BYTES + 1}`))).toEqual({ code: 'readTooLarge', line: 1, count: MAX_READ_BYTES + 1, max: MAX_READ_BYTES });
  });

  it('runs a touch in steps of 64 pages, with the same outcome and faults as at once', () => {
    const make = (): { h: RunHost; state: RunState; base: bigint } => {
      const system = createSystem({ physicalMemoryMB: 64, pageFileMB: 64, seed: 3, boot: false });
      const pid = system.createProcess({ imagePath: 'C:\\Windows\\System32\\notepad.exe' }).pid;
      const base = system.win32(pid).VirtualAlloc(0n, 300n * 4096n, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
      const state = new RunState();
      state.reset(system);
      state.currentPid = pid;
      return { h: host(system), state, base };
    };
    const a = make();
    const [touch] = parseBlock([{ line: 4, text: `touch 0x${a.base.toString(16)} write 300 pages` }]).statements;
    const steps = runStatementSteps(touch!, a.h, a.state);
    let pauses = 0;
    let r = steps.next();
    while (!r.done) { pauses++; r = steps.next(); }
    expect(pauses).toBe(Math.ceil(300 / 64) - 1);
    const b = make();
    const once = runStatement(touch!, b.h, b.state);
    expect(r.value.error).toBeUndefined();
    expect(r.value).toEqual(once);
    expect(r.value.result).toEqual({ kind: 'touched', pages: 300, faults: expect.arrayContaining(['demandZero']) });
    expect(r.value.result?.kind === 'touched' && r.value.result.faults).toHaveLength(300);
  });
});
