// What the notes' diagnostics say, as data (the host turns findings into vscode.Diagnostics). Pure:
// no vscode, no engine machine. The host runs a DiagnosticsPass: the lines in view first, then the
// rest, in small steps between which it yields and can be cancelled (issue 19 items 1, 8).
// documentFindings + lineFindings give the same findings for a whole document at once (tests).
import { claimAgrees, findLargePageClaimOnLine, largePageFact } from './facts';
import { parseBlock, type ParseError } from './language';
import { LONG_LINE, type Recognition } from './recognize';

export type Finding =
  | { readonly kind: 'misspelling'; readonly line: number; readonly start: number; readonly end: number; readonly text: string; readonly suggestion: string }
  | { readonly kind: 'openQuestion'; readonly line: number; readonly start: number; readonly end: number; readonly entryId: string }
  | { readonly kind: 'parse'; readonly error: ParseError }
  | { readonly kind: 'simulatedFact'; readonly line: number; readonly start: number; readonly end: number; readonly requestMB: number; readonly hugePages: number; readonly largePages: number };

/** At most this many slips are reported per document (a file of nonsense must not flood the Problems view). */
export const MAX_MISSPELLINGS = 1000;

/** At most this many ntlab parse errors are reported per document (the rest are found when fixing these, or by Run). */
export const MAX_PARSE_ERRORS = 200;

/** Gathers findings for one document, keeping at most MAX_MISSPELLINGS slips. */
export class FindingList {
  readonly findings: Finding[] = [];
  private misspellings = 0;

  /** Whether MAX_MISSPELLINGS slips are kept already (more are not looked for). */
  get misspellingsFull(): boolean { return this.misspellings >= MAX_MISSPELLINGS; }

  add(more: readonly Finding[]): void {
    for (const f of more) {
      if (f.kind === 'misspelling' && ++this.misspellings > MAX_MISSPELLINGS) continue;
      this.findings.push(f);
    }
  }
}

/** Findings that do not depend on a line range: open questions and ntlab block parse errors. */
export function documentFindings(r: Recognition): Finding[] {
  const out: Finding[] = [];
  for (const q of r.questions) {
    const entryId = q.entryId;
    if (entryId) out.push({ kind: 'openQuestion', line: q.line, start: q.start, end: q.end, entryId });
  }
  // Parse errors up to MAX_PARSE_ERRORS per document: parsing stops there (each error costs a
  // suggestion search, and an unclosed fence can turn the rest of a large file into one block).
  let errors = 0;
  for (const b of r.blocks) {
    if (errors >= MAX_PARSE_ERRORS) break;
    for (const error of parseBlock(b.lines, MAX_PARSE_ERRORS - errors).errors) { out.push({ kind: 'parse', error }); errors++; }
  }
  return out;
}

/** Findings on lines [from, to): slips of the pen and large-page claims the simulation contradicts. */
export function lineFindings(r: Recognition, from: number, to: number): Finding[] {
  const out: Finding[] = [];
  const end = Math.min(to, r.lineCount);
  for (let line = Math.max(0, from); line < end; line++) {
    for (const t of r.termsOnLine(line)) {
      if (!t.exact && t.suggestion) out.push({ kind: 'misspelling', line, start: t.start, end: t.end, text: t.text, suggestion: t.suggestion });
    }
    const claim = findLargePageClaimOnLine(r.lineText(line), line);
    if (!claim) continue;
    const fact = largePageFact(claim.requestMB);
    if (!fact || claimAgrees(claim, fact)) continue;
    out.push({ kind: 'simulatedFact', line, start: claim.start, end: claim.end, requestMB: claim.requestMB, hugePages: fact.hugePages, largePages: fact.largePages });
  }
  return out;
}

/** Characters (plus LINE_COST per line) one step of the diagnostics pass looks at: a small, bounded piece of work. */
export const DIAGNOSTICS_STEP_CHARS = 4 * 1024;
/** What a line costs a step besides its characters (lookups per line: an empty line is not free). */
const LINE_COST = 32;
/** Columns of a long line (over LONG_LINE) one step reads: one window (a window of 16 K once took 46 ms of CPU on a loaded machine). */
const LINE_WINDOW = DIAGNOSTICS_STEP_CHARS;
/** Columns a large-page claim may run past the end of a window of a long line (a claim is one sentence). */
const CLAIM_MARGIN = 1024;

/** The first index of a list sorted by `key` whose key is >= `v` (the length when none). */
function firstAtOrAfter<T>(list: readonly T[], key: (x: T) => number, v: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) { const mid = (lo + hi) >> 1; if (key(list[mid]!) < v) lo = mid + 1; else hi = mid; }
  return lo;
}

/**
 * The diagnostics of one version of a document, a small step at a time, so the host can yield to its
 * event loop between steps and drop the pass when the text changes (issue 19 items 1 and 8). Lines
 * are looked at once each: the given ranges (what is on screen) first, then the rest of the document.
 * A line costs its open questions, the parse of its ntlab line (up to MAX_PARSE_ERRORS errors per
 * document), its slips of the pen (up to MAX_MISSPELLINGS; after that terms are no longer looked up)
 * and its large-page claim. A line longer than LONG_LINE is read in windows of LINE_WINDOW columns
 * (terms by Recognition.termsBetween; a claim is looked for in each window, so a claim that spans
 * two windows of a huge line is not seen): no step looks at more than about DIAGNOSTICS_STEP_CHARS
 * characters, whatever the shape of the text.
 */
export class DiagnosticsPass {
  private readonly list = new FindingList();
  private parseErrors = 0;
  private readonly ranges: Array<{ from: number; to: number }>;
  private readonly firstCount: number;
  private rangeIndex = 0;
  private line: number;
  /** The next column of a long line read in windows (0 at the start of a line). */
  private column = 0;
  /** Lines already looked at (those of the first ranges, which the whole-document range then skips). */
  private readonly done: Uint8Array;

  constructor(private readonly r: Recognition, first: ReadonlyArray<{ readonly from: number; readonly to: number }> = []) {
    this.done = new Uint8Array(r.lineCount);
    this.ranges = [];
    for (const f of first) {
      const from = Math.max(0, Math.floor(f.from));
      const to = Math.min(r.lineCount, Math.ceil(f.to));
      if (from < to) this.ranges.push({ from, to });
    }
    this.firstCount = this.ranges.length;
    this.ranges.push({ from: 0, to: r.lineCount });
    this.line = this.ranges[0]!.from;
  }

  /** The findings so far. */
  get findings(): readonly Finding[] { return this.list.findings; }

  /** Whether the lines of the first ranges (those in view) have been looked at. */
  get firstDone(): boolean { return this.rangeIndex >= this.firstCount; }

  /** Whether every line has been looked at. */
  get complete(): boolean { return this.rangeIndex >= this.ranges.length; }

  /**
   * Looks at lines until about `budget` characters were read (at least one line, or one window of a
   * long line), or until the first ranges are done (so the host can show them at once). True when complete.
   */
  step(budget = DIAGNOSTICS_STEP_CHARS): boolean {
    let spent = 0;
    while (this.rangeIndex < this.ranges.length) {
      const range = this.ranges[this.rangeIndex]!;
      if (this.line >= range.to) {
        this.rangeIndex++;
        this.column = 0;
        if (this.rangeIndex < this.ranges.length) this.line = this.ranges[this.rangeIndex]!.from;
        if (this.rangeIndex === this.firstCount && this.firstCount > 0) return this.complete;
        continue;
      }
      const line = this.line;
      if (this.done[line]) { this.line++; continue; }
      const length = this.r.lineLength(line);
      if (length <= LONG_LINE) {
        this.lineWork(line, 0, length, false);
        spent += length + LINE_COST;
        this.finishLine(line);
      } else {
        const from = this.column;
        const to = Math.min(length, from + LINE_WINDOW);
        this.lineWork(line, from, to, true);
        spent += to - from + LINE_COST;
        this.column = to;
        if (to >= length) this.finishLine(line);
      }
      if (spent >= budget) return this.complete;
    }
    return true;
  }

  /** Runs the pass to the end (tests, and the host's "whole document now"). */
  run(): readonly Finding[] {
    while (!this.step(Infinity)) { /* to the end */ }
    return this.findings;
  }

  private finishLine(line: number): void {
    if (this.rangeIndex < this.firstCount) this.done[line] = 1;
    this.line++;
    this.column = 0;
  }

  /** The findings of columns [from, to) of a line (from 0: the whole line's questions and ntlab parse too). */
  private lineWork(line: number, from: number, to: number, long: boolean): void {
    const r = this.r;
    const out: Finding[] = [];
    if (from === 0) {
      for (let q = firstAtOrAfter(r.questions, (x) => x.line, line); q < r.questions.length && r.questions[q]!.line === line; q++) {
        const x = r.questions[q]!;
        const entryId = x.entryId;
        if (entryId) out.push({ kind: 'openQuestion', line, start: x.start, end: x.end, entryId });
      }
      if (this.parseErrors < MAX_PARSE_ERRORS) {
        const b = r.blocks[firstAtOrAfter(r.blocks, (x) => x.fenceLine, line) - 1];
        const body = b && line <= b.endLine ? b.lines[line - b.fenceLine - 1] : undefined;
        if (body && body.line === line) {
          for (const error of parseBlock([body], MAX_PARSE_ERRORS - this.parseErrors).errors) { out.push({ kind: 'parse', error }); this.parseErrors++; }
        }
      }
    }
    if (!this.list.misspellingsFull) {
      for (const t of long ? r.termsBetween(line, from, to) : r.termsOnLine(line)) {
        if (!t.exact && t.suggestion) out.push({ kind: 'misspelling', line, start: t.start, end: t.end, text: t.text, suggestion: t.suggestion });
      }
    }
    const claim = findLargePageClaimOnLine(long ? r.lineText(line, from, to + CLAIM_MARGIN) : r.lineText(line), line);
    if (claim && claim.start < to - from) {
      const fact = largePageFact(claim.requestMB);
      if (fact && !claimAgrees(claim, fact)) {
        out.push({ kind: 'simulatedFact', line, start: claim.start + from, end: claim.end + from, requestMB: claim.requestMB, hugePages: fact.hugePages, largePages: fact.largePages });
      }
    }
    this.list.add(out);
  }
}
