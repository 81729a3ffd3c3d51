// What the notes' diagnostics say, as data (the host turns findings into vscode.Diagnostics). Pure:
// no vscode, no engine machine. Work is split into line ranges so the host can do the lines in view
// first and the rest in chunks between which it yields and can be cancelled (issue 19 items 1, 8).
import { claimAgrees, findLargePageClaimOnLine, largePageFact } from './facts';
import { parseBlock, type ParseError } from './language';
import type { Recognition } from './recognize';

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

/**
 * The order to look at lines in: the given ranges (what is on screen) first, then the rest of the
 * document, as [from, to) chunks of about `chunkChars` characters each. `firstCount` chunks cover the ranges.
 */
export function lineChunks(r: Recognition, first: ReadonlyArray<{ readonly from: number; readonly to: number }>, chunkChars = 64 * 1024): { chunks: Array<{ from: number; to: number }>; firstCount: number } {
  const done = new Uint8Array(r.lineCount);
  const chunks: Array<{ from: number; to: number }> = [];
  const add = (from: number, to: number): void => {
    let start = -1;
    let chars = 0;
    for (let line = Math.max(0, from); line < Math.min(to, r.lineCount); line++) {
      if (done[line]) {
        if (start >= 0) { chunks.push({ from: start, to: line }); start = -1; chars = 0; }
        continue;
      }
      done[line] = 1;
      if (start < 0) start = line;
      chars += r.lineText(line).length + 1;
      if (chars >= chunkChars) { chunks.push({ from: start, to: line + 1 }); start = -1; chars = 0; }
    }
    if (start >= 0) chunks.push({ from: start, to: Math.min(to, r.lineCount) });
  };
  for (const range of first) add(range.from, range.to);
  const firstCount = chunks.length;
  add(0, r.lineCount);
  return { chunks, firstCount };
}
