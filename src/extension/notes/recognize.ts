// Topic recognition in a learner's markdown, as it is written: ATX headings, bold lead lines
// (`**创建进程：**`, `- **The zero page thread**`), `Stage3A：` lines, API and structure names in
// running text, Chinese terms, and slips of the pen (`KPORCESS`, `ShellExcute`). Pure: no vscode.
import { areaOf, entry, stageEntryFor, type Area, type Stage } from './glossary';
import { bindingsOnLine } from './explain';
import { findLineTerms, headingTopic, type LineTerm } from './terms';

export { editDistance, lookupToken, suggestName } from './terms';

export type HeadingStyle = 'atx' | 'setext' | 'bold' | 'stage';

/** A line that reads as a heading, with the topic it names (if any). */
export interface HeadingMatch {
  /** 0-based line. */
  readonly line: number;
  readonly style: HeadingStyle;
  /** The heading text without markup (`**`, `#`, trailing colon). */
  readonly text: string;
  /** Glossary entry id of the topic, when recognized. */
  readonly entryId?: string;
  /** The creation stage a `StageN：` line names (as written: '1', '3', '3A'...). */
  readonly stage?: string;
  /** For an ATX or setext heading, its level (1-6; setext: 1 for `===`, 2 for `---`); bold and stage lines count as level 7. */
  readonly level: number;
}

/** A term in the text that names a glossary topic. */
export interface TermMatch extends LineTerm {
  readonly line: number;
}

/** A fenced ```ntlab block. */
export interface FencedBlock {
  /** Line of the opening fence. */
  readonly fenceLine: number;
  /** Line of the closing fence (or the last line when the fence is not closed). */
  readonly endLine: number;
  /** The body lines with their document line numbers. */
  readonly lines: ReadonlyArray<{ readonly line: number; readonly text: string }>;
  readonly closed: boolean;
}

/** A question the learner left open (没懂, 打个tag, TODO, ??) and the topic that answers it. */
export interface OpenQuestion {
  readonly line: number;
  readonly start: number;
  readonly end: number;
  readonly entryId?: string;
}

export interface Recognition {
  readonly headings: readonly HeadingMatch[];
  /** Every term of the document (computed on first use: prefer termsOnLine for a range). */
  readonly terms: readonly TermMatch[];
  readonly blocks: readonly FencedBlock[];
  readonly questions: readonly OpenQuestion[];
  readonly lineCount: number;
  /** The text of a line ('' past the end), or of its columns [from, to) (a window of a long line, without slicing all of it). */
  lineText(line: number, from?: number, to?: number): string;
  /** The length of a line in UTF-16 units (0 past the end), without slicing it. */
  lineLength(line: number): number;
  /** The terms of one line (computed on first use, cached per line text). */
  termsOnLine(line: number): readonly TermMatch[];
  /**
   * The terms around a column: the whole line's for ordinary lines, a window of a few thousand
   * characters for a very long one (a hover on a 2 MB line looks at the words near the pointer).
   */
  termsNear(line: number, character: number): readonly TermMatch[];
  /**
   * The terms that start in columns [from, to) of a line: the whole line's for ordinary lines, found in a
   * window around the range for a very long one (the diagnostics pass reads a 5 MB line in slices).
   */
  termsBetween(line: number, from: number, to: number): readonly TermMatch[];
}

/** Lines longer than this are looked at in windows when only one place on them is asked about. */
export const LONG_LINE = 16 * 1024;
const NEAR_WINDOW = 2048;
/**
 * Columns a window of a long line is widened by on each side, so a term near its edge is found whole
 * and a word cut at the edge is not taken for a term (longer than any glossary phrase or fuzzy name).
 */
const TERM_MARGIN = 256;
/** Characters the recognition pass looks at between two points where it may pause (recognizeInSlices). */
export const RECOGNITION_SLICE_CHARS = 8 * 1024;

// ---- line shapes (hand-written: every check is linear in the line, nothing backtracks) -------

/** Lines whose recognition is cached; beyond this the cache is cleared rather than grown. */
const TERM_CACHE_LIMIT = 200_000;

/**
 * Terms per (section stage, masked line text), kept across versions of a document so an edit
 * recomputes only the lines it changed (issue 19 item 8).
 */
export class TermCache {
  private readonly map = new Map<string, readonly LineTerm[]>();
  /** How many lines were computed (not found in the cache): tests read it. */
  computed = 0;

  get(line: string, stage: Stage | undefined): readonly LineTerm[] {
    const key = stage ? `${stage}\u0000${line}` : line;
    let terms = this.map.get(key);
    if (!terms) {
      terms = findLineTerms(line, stage);
      this.computed++;
      if (this.map.size >= TERM_CACHE_LIMIT) this.map.clear();
      this.map.set(key, terms);
    }
    return terms;
  }

  get size(): number { return this.map.size; }
}

/** Columns of up to three leading spaces (CommonMark lets block markers be indented that far). */
function indent3(line: string): number {
  let i = 0;
  while (i < 3 && line.charCodeAt(i) === 32) i++;
  return i;
}

/** An opening or closing code fence: its marker character and length, and the info word after it. */
function fenceOf(line: string): { marker: string; length: number; info: string; rest: string } | undefined {
  const i = indent3(line);
  const c = line[i];
  if (c !== '`' && c !== '~') return undefined;
  let j = i;
  while (line[j] === c) j++;
  if (j - i < 3) return undefined;
  const rest = line.slice(j).trim();
  let k = 0;
  while (k < rest.length && /[\w-]/.test(rest[k]!)) k++;
  return { marker: c, length: j - i, info: rest.slice(0, k), rest };
}

/** `# Heading #` -> level and text; undefined when the line is not an ATX heading. */
function atxOf(line: string): { level: number; text: string } | undefined {
  let i = indent3(line);
  const from = i;
  while (line[i] === '#' && i - from < 7) i++;
  const level = i - from;
  if (level < 1 || level > 6) return undefined;
  if (i < line.length && line[i] !== ' ' && line[i] !== '\t') return undefined;
  let text = line.slice(i).trim();
  // A closing run of # preceded by a space is not part of the text.
  let e = text.length;
  while (e > 0 && text[e - 1] === '#') e--;
  if (e === 0) text = '';
  else if (e < text.length && (text[e - 1] === ' ' || text[e - 1] === '\t')) text = text.slice(0, e).trimEnd();
  return { level, text };
}

/**
 * A line that is one bold run and nothing else (`**创建进程：**`, `**Chapter 3 Processes and jobs**`,
 * `**Commit（提交）：**`): the inner text and where the run ends. A bold run that starts a list item
 * (`- **Zero page thread** …`) or a sentence (`**Note:** the PFN…`, `**Creating modern process：**ActivateApplication()`)
 * is emphasis inside a paragraph, not a title: undefined. Whether the line stands alone as a paragraph
 * is the caller's check (boldHeadingOf).
 */
function boldLineOf(line: string): { inner: string; end: number } | undefined {
  const i = indent3(line);
  if (!line.startsWith('**', i)) return undefined;
  const close = line.indexOf('**', i + 3);
  if (close < 0) return undefined;
  // After the run only a colon may follow (`**Threads**:`), then nothing but spaces.
  let j = close + 2;
  if (line[j] === ':' || line[j] === '：') j++;
  while (line[j] === ' ' || line[j] === '\t') j++;
  if (j < line.length) return undefined;
  const inner = line.slice(i + 2, close);
  // A bold run with another bold run inside it is two runs (`**a** and **b**`).
  if (inner.includes('**') || inner.trim().length === 0) return undefined;
  return { inner, end: close + 2 };
}

/** A setext underline (`===` or `---`, up to three spaces of indent, nothing else): its level, else 0. */
function setextLevel(line: string): number {
  const i = indent3(line);
  const c = line[i];
  if (c !== '=' && c !== '-') return 0;
  let j = i;
  while (line[j] === c) j++;
  while (line[j] === ' ' || line[j] === '\t') j++;
  return j === line.length ? (c === '=' ? 1 : 2) : 0;
}

/** A list item marker at the start of a line (`- `, `* `, `+ `, `1. `, `2) `). */
function isListItem(line: string): boolean {
  let i = 0;
  while (line[i] === ' ' || line[i] === '\t') i++;
  const c = line[i];
  if ((c === '-' || c === '*' || c === '+') && (line[i + 1] === ' ' || line[i + 1] === '\t' || i + 1 === line.length)) return true;
  let j = i;
  while (line[j] !== undefined && line[j]! >= '0' && line[j]! <= '9') j++;
  return j > i && j - i <= 9 && (line[j] === '.' || line[j] === ')') && (line[j + 1] === ' ' || line[j + 1] === '\t' || j + 1 === line.length);
}

/**
 * Whether a line can be the text of a setext heading: a paragraph line (CommonMark 0.31 §4.3: the
 * underline turns the paragraph above it into a heading), so not blank, not indented code, and not a
 * list item, block quote, table row, fence, ATX heading or HTML block, which an underline does not make a heading.
 */
function isSetextText(line: string): boolean {
  if (line.trim().length === 0 || line.startsWith('    ') || line.startsWith('\t')) return false;
  const c = line[indent3(line)];
  if (c === '>' || c === '|' || c === '<' || c === '`' || c === '~') return false;
  return !isListItem(line) && atxOf(line) === undefined && setextLevel(line) === 0;
}

/** Whether `s` has the lower-case ASCII `word` at `at`, in any case (no string is made). */
function startsWithIgnoreCase(s: string, at: number, word: string): boolean {
  if (at + word.length > s.length) return false;
  for (let k = 0; k < word.length; k++) if ((s.charCodeAt(at + k) | 0x20) !== word.charCodeAt(k)) return false;
  return true;
}

/** `Stage1：`, `Stage 3A:`, `**stage3a：**创建EPROCESS object`: the stage as written, upper-cased. */
function stageOf(line: string): string | undefined {
  let i = 0;
  while (line[i] === ' ' || line[i] === '\t') i++;
  if (line.startsWith('**', i)) i += 2;
  while (line[i] === ' ' || line[i] === '\t') i++;
  // `Stage 3A` or, in Chinese notes, `阶段3A`.
  if (startsWithIgnoreCase(line, i, 'stage')) i += 5;
  else if (line.startsWith('阶段', i)) i += 2;
  else return undefined;
  while (line[i] === ' ' || line[i] === '\t') i++;
  const d = line[i];
  if (d === undefined || d < '1' || d > '7') return undefined;
  let stage = d;
  i++;
  const sub = line[i]?.toLowerCase();
  if (sub !== undefined && sub >= 'a' && sub <= 'f') { stage += sub.toUpperCase(); i++; }
  // A word boundary after the stage: `Stage3A：` and `Stage 1 ` yes, `Stage12`, `Stage3Ab` no.
  const after = line.charCodeAt(i);
  if ((after >= 48 && after <= 57) || (after >= 65 && after <= 90) || (after >= 97 && after <= 122) || after === 95) return undefined;
  // A sentence that starts with a stage is not its heading: `Stage 2 opens the image…` (a lower-case word next).
  let j = i;
  while (line[j] === ' ' || line[j] === '\t') j++;
  const next = line.charCodeAt(j);
  if (j > i && next >= 97 && next <= 122) return undefined;
  return stage;
}

const QUESTION = /没懂|不懂|不明白|打个\s*tag|TODO|\?\?|？？|待查/i;
/** Columns a window of a long line is widened by when looking for a question marker (longer than any marker). */
const QUESTION_MARGIN = 64;

function stripHeading(text: string): string {
  let s = text.replaceAll('**', '').trimEnd();
  if (s.endsWith(':') || s.endsWith('：')) s = s.slice(0, -1);
  return s.trim();
}

/** Blanks link and image targets (`](...)`) so terms are not found in URLs; columns stay the same. */
function maskLine(line: string): string {
  let at = line.indexOf('](');
  if (at < 0) return line;
  let out = '';
  let from = 0;
  while (at >= 0) {
    const close = line.indexOf(')', at + 2);
    if (close < 0) break; // no later target can close either
    out += line.slice(from, at + 2) + ' '.repeat(close - at - 2);
    from = close;
    at = line.indexOf('](', close);
  }
  return out + line.slice(from);
}

/**
 * The lines of a text as offsets into it: a line is sliced only when something looks at it, so a
 * 5 MB file costs one pass over its characters and no string per line (LF or CRLF endings).
 */
export class TextLines {
  private readonly starts: Uint32Array;
  readonly count: number;

  constructor(private readonly text: string) {
    let n = 1;
    for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) n++;
    this.starts = new Uint32Array(n + 1);
    let i = 1;
    for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) this.starts[i++] = at + 1;
    this.starts[n] = text.length + 1;
    this.count = n;
  }

  /** Offset of the first character of a line. */
  start(line: number): number { return this.starts[line]!; }

  /** Offset just past a line's last character (before its CR LF or LF). */
  end(line: number): number {
    const e = this.starts[line + 1]! - 1;
    return e > this.starts[line]! && this.text.charCodeAt(e - 1) === 13 ? e - 1 : e;
  }

  get(line: number, from = 0, to = Infinity): string {
    if (!(line >= 0 && line < this.count)) return '';
    const start = this.start(line);
    const end = this.end(line);
    return this.text.slice(Math.min(end, start + Math.max(0, from)), Math.min(end, start + to));
  }

  length(line: number): number {
    return line >= 0 && line < this.count ? this.end(line) - this.start(line) : 0;
  }

  /** The first character of a line that is not a space or tab (NaN when there is none). */
  firstChar(line: number): number {
    const end = this.end(line);
    for (let i = this.start(line); i < end; i++) {
      const c = this.text.charCodeAt(i);
      if (c !== 32 && c !== 9) return c;
    }
    return NaN;
  }

  /** The line that holds offset `at` (binary search). */
  lineAt(at: number): number {
    let lo = 0;
    let hi = this.count - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= at) lo = mid; else hi = mid - 1;
    }
    return lo;
  }
}

const BACKTICK = 96;
const TILDE = 126;

/** Whether the pass has gone RECOGNITION_SLICE_CHARS past its last pause (and where the next one is due). */
class Pauses {
  private next = RECOGNITION_SLICE_CHARS;
  constructor(private readonly lines: TextLines) {}
  /** At line `i`: whether to pause now. */
  due(i: number): boolean {
    const at = this.lines.start(i);
    if (at < this.next) return false;
    this.next = at + RECOGNITION_SLICE_CHARS;
    return true;
  }
  /** A new pass over the text starts (from its beginning). */
  restart(): void { this.next = RECOGNITION_SLICE_CHARS; }
}

/** Finds the fenced ```ntlab blocks (other fences are skipped by recognition), pausing (yield) as `pauses` says. */
function* scanFences(lines: TextLines, blocks: FencedBlock[], inFence: Uint8Array, pauses: Pauses): Generator<void, void, void> {
  const maybeFence = (i: number): boolean => { const c = lines.firstChar(i); return c === BACKTICK || c === TILDE; };
  for (let i = 0; i < lines.count; i++) {
    if (pauses.due(i)) yield;
    if (!maybeFence(i)) continue;
    const open = fenceOf(lines.get(i));
    if (!open) continue;
    const ntlab = open.info.toLowerCase() === 'ntlab';
    inFence[i] = 1;
    let j = i + 1;
    const body: Array<{ line: number; text: string }> = [];
    let closed = false;
    for (; j < lines.count; j++) {
      if (pauses.due(j)) yield;
      inFence[j] = 1;
      const close = maybeFence(j) ? fenceOf(lines.get(j)) : undefined;
      if (close && close.rest.length === 0 && close.marker === open.marker && close.length >= open.length) { closed = true; break; }
      if (ntlab) body.push({ line: j, text: lines.get(j) });
    }
    if (ntlab) blocks.push({ fenceLine: i, endLine: Math.min(j, lines.count - 1), lines: body, closed });
    i = j;
  }
}

/** First characters a heading line can start with: # (ATX), * (bold), s/S (Stage), 阶 (阶段). */
function mayBeHeading(c: number): boolean {
  return c === 35 || c === 42 || c === 83 || c === 115 || c === 0x9636;
}

/** First characters of a setext underline: = and -. */
function mayBeUnderline(c: number): boolean {
  return c === 61 || c === 45;
}

/**
 * Front matter closes within this many lines. YAML headers (Jekyll, Hugo, Obsidian) are a few lines; a file that
 * starts with a `---` rule and never closes it within them is read as markdown, so the search is bounded
 * whatever the file's size (issue 19: no work on open beyond a slice).
 */
const FRONT_MATTER_MAX_LINES = 1_000;

/** A front-matter delimiter line: `---` (or `...` when `close`), trailing spaces allowed; long lines are not read. */
function isFrontMatterDelimiter(lines: TextLines, i: number, close: boolean): boolean {
  const n = lines.length(i);
  if (n < 3 || n > 64) return false;
  const l = lines.get(i).trimEnd();
  return l === '---' || (close && l === '...');
}

/** The last line of YAML front matter (`---` on the first line up to the next `---` or `...`), else -1. */
function frontMatterEnd(lines: TextLines): number {
  if (!isFrontMatterDelimiter(lines, 0, false)) return -1;
  const last = Math.min(lines.count, FRONT_MATTER_MAX_LINES + 1);
  for (let i = 1; i < last; i++) if (isFrontMatterDelimiter(lines, i, true)) return i;
  return -1;
}

/**
 * The recognition of one version of a document. Headings, blocks and questions are found in one
 * linear pass that slices only the lines that may be headings; the terms of a line are computed
 * when asked (hover, a visible range, diagnostics in chunks) and cached per line text, so opening
 * or editing a large file does no work per term.
 */
class DocumentRecognition implements Recognition {
  readonly headings: HeadingMatch[] = [];
  readonly blocks: FencedBlock[] = [];
  readonly questions: OpenQuestion[] = [];
  private readonly inFence: Uint8Array;
  /** The creation stage whose section each line is in (0 = none), as an index into STAGES. */
  private readonly stageOfLine: Uint8Array;
  private readonly perLine: Array<readonly TermMatch[] | undefined>;
  /** For each heading, the ATX heading it is nested in (-1 for none); made on first use, for all headings in one pass. */
  private parents: Int32Array | undefined;
  private all: TermMatch[] | undefined;
  private readonly boundTerms: Array<{ readonly term: string; readonly entryId: string }> = [];

  constructor(private readonly text: string, private readonly lines: TextLines, private readonly cache: TermCache) {
    this.inFence = new Uint8Array(lines.count);
    this.stageOfLine = new Uint8Array(lines.count);
    this.perLine = new Array<readonly TermMatch[] | undefined>(lines.count);
  }

  /**
   * The recognition pass (linear in the text), pausing (yield) after about RECOGNITION_SLICE_CHARS
   * characters of each of its sweeps; the recognition is complete when it returns. Nothing reads
   * the recognition before that (recognize runs it to the end; recognizeInSlices hands it out then).
   */
  *scan(): Generator<void, void, void> {
    const { text, lines } = this;
    const pauses = new Pauses(lines);
    yield* scanFences(lines, this.blocks, this.inFence, pauses);
    yield; // between two sweeps (a single long line is one unit of each)
    pauses.restart();
    // Open questions: one pass of a plain alternation over the whole text (linear), then per line.
    const questionLines = new Map<number, true>();
    const re = new RegExp(QUESTION.source, 'gi');
    for (let m = re.exec(text); m; m = re.exec(text)) {
      const line = lines.lineAt(m.index);
      if (pauses.due(line)) yield;
      questionLines.set(line, true);
      // The rest of this line is looked at below (on the masked line); go on at the next one.
      re.lastIndex = line + 1 < lines.count ? lines.start(line + 1) : text.length;
    }
    // Words the learner bound to a concept (`<!-- ntlab:"换出"=PageFileFault -->`), for the whole document.
    // Each line holding a binding is read once (the search goes on at the next line), and a word bound
    // twice is kept once; at most MAX_BOUND_TERMS words, so the per-line search for them stays bounded.
    const seenBound = new Set<string>();
    yield; // between two sweeps (a single long line is one unit of each)
    pauses.restart();
    for (let at = text.indexOf(BINDING_MARK); at >= 0 && this.boundTerms.length < MAX_BOUND_TERMS; ) {
      const line = lines.lineAt(at);
      if (pauses.due(line)) yield;
      // A long line in windows that end just after a comment's `-->` (so the next starts outside any
      // comment), with a pause after each: one 5 MB line of comments was one long step.
      const length = lines.length(line);
      for (let from = 0; from < length;) {
        let to = length;
        if (length - from > LONG_LINE) {
          const close = text.indexOf('-->', lines.start(line) + from + LONG_LINE);
          if (close >= 0 && close + 3 <= lines.end(line)) to = close + 3 - lines.start(line);
        }
        for (const b of bindingsOnLine(lines.get(line, from, to))) {
          if (b.kind !== 'term' || seenBound.has(b.term) || this.boundTerms.length >= MAX_BOUND_TERMS) continue;
          seenBound.add(b.term);
          this.boundTerms.push(b);
        }
        from = to;
        if (from < length) yield;
      }
      if (line + 1 >= lines.count) break;
      at = text.indexOf(BINDING_MARK, lines.start(line + 1));
    }
    let sectionStage: Stage | undefined;
    let stageCode = 0;
    yield; // between two sweeps (a single long line is one unit of each)
    pauses.restart();
    // Front matter holds no headings (its closing `---` under `aliases: …` is no setext underline).
    const front = frontMatterEnd(lines);
    for (let i = 0; i < lines.count; i++) {
      if (pauses.due(i)) yield;
      if (this.inFence[i]) continue;
      this.stageOfLine[i] = stageCode;
      if (i <= front) continue;
      const heading = mayBeHeading(lines.firstChar(i)) || (i + 1 < lines.count && !this.inFence[i + 1] && mayBeUnderline(lines.firstChar(i + 1)))
        ? this.headingOf(i) : undefined;
      if (heading) {
        this.headings.push(heading);
        // A stage line opens a section; another heading of the same or a higher rank closes it.
        if (heading.style === 'stage') sectionStage = heading.stage === '3' ? '3A' : (heading.stage as Stage);
        else sectionStage = undefined;
        stageCode = sectionStage ? STAGES.indexOf(sectionStage) + 1 : 0;
        this.stageOfLine[i] = stageCode;
      }
      if (!questionLines.has(i)) continue;
      // A long line in windows of LONG_LINE (widened so a marker at an edge is whole), with a pause after each.
      const length = lines.length(i);
      for (let from = 0; from < length || from === 0; from += LONG_LINE) {
        const q = QUESTION.exec(maskLine(length <= LONG_LINE ? lines.get(i) : lines.get(i, from, from + LONG_LINE + QUESTION_MARGIN)));
        if (q) { this.questions.push(new Question(this, i, from + q.index, from + q.index + q[0].length, sectionStage)); break; }
        if (length <= LONG_LINE) break;
        yield;
      }
    }
  }

  get lineCount(): number { return this.lines.count; }

  lineText(line: number, from?: number, to?: number): string { return this.lines.get(line, from, to); }

  lineLength(line: number): number { return this.lines.length(line); }

  get terms(): readonly TermMatch[] {
    if (!this.all) {
      const all: TermMatch[] = [];
      for (let i = 0; i < this.lines.count; i++) for (const t of this.termsOnLine(i)) all.push(t);
      this.all = all;
    }
    return this.all;
  }

  termsOnLine(line: number): readonly TermMatch[] {
    if (line < 0 || line >= this.lines.count || this.inFence[line]) return [];
    let terms = this.perLine[line];
    if (!terms) {
      const s = this.stageOfLine[line]!;
      const masked = maskLine(this.lines.get(line));
      const found = this.confirmed(masked, line, this.cache.get(masked, s ? STAGES[s - 1] : undefined));
      terms = found.length ? found.map((t) => withLine(t, line)) : [];
      if (this.boundTerms.length) terms = withBoundTerms(masked, line, terms, this.boundTerms);
      this.perLine[line] = terms;
    }
    return terms;
  }

  termsNear(line: number, character: number): readonly TermMatch[] {
    if (this.perLine[line] || this.lines.length(line) <= LONG_LINE) return this.termsOnLine(line);
    return this.termsBetween(line, character - NEAR_WINDOW, character + NEAR_WINDOW);
  }

  termsBetween(line: number, from: number, to: number): readonly TermMatch[] {
    if (line < 0 || line >= this.lines.count || this.inFence[line]) return [];
    const length = this.lines.length(line);
    if (this.perLine[line] || length <= LONG_LINE) return this.termsOnLine(line).filter((t) => t.start >= from && t.start < to);
    // A window of the line widened by TERM_MARGIN on both sides: a term that starts in [from, to) is
    // found whole, and a word cut at the window's edge starts before `from` (and is dropped). Plain
    // words are confirmed within the window (their sentence, their section); link targets are blanked
    // when the window holds both their ends.
    const a = Math.max(0, from - TERM_MARGIN);
    const window = maskLine(this.lines.get(line, a, Math.min(length, to + TERM_MARGIN)));
    const s = this.stageOfLine[line]!;
    const out: TermMatch[] = [];
    for (const t of this.confirmed(window, line, findLineTerms(window, s ? STAGES[s - 1] : undefined))) {
      if (t.start + a >= from && t.start + a < to) out.push(withLine({ ...t, start: t.start + a, end: t.end + a }, line));
    }
    return out;
  }

  /** The terms of a line as found, before plain words are checked against their context (heading topics use them). */
  rawTermsOnLine(line: number): readonly LineTerm[] {
    if (line < 0 || line >= this.lines.count || this.inFence[line]) return [];
    const s = this.stageOfLine[line]!;
    // Of a very long line, its first LONG_LINE columns (a heading names its topic at its start, a
    // section's first lines say what it is about there): a lens on a 5 MB heading line took a second.
    return this.cache.get(maskLine(this.lines.get(line, 0, LONG_LINE)), s ? STAGES[s - 1] : undefined);
  }

  /**
   * Keeps a plain word (weak term) only where its context confirms the kernel sense (issue 15, "no
   * hover on ordinary words"): written as a code span (`token`); a kernel term (not a chapter title)
   * in the same sentence ("the access token holds the privileges"); or the section it is in is about
   * its area: the nearest heading with a topic, or that heading's ancestors when it has none, names
   * a topic of the same part of the book (processes or memory). "Commit" under "## Virtual memory"
   * is the kernel's; "I commit these notes to git" under "## Misc" is not.
   */
  private confirmed(text: string, line: number, terms: readonly LineTerm[]): readonly LineTerm[] {
    let weak = 0;
    for (const t of terms) if (t.weak) weak++;
    if (weak === 0) return terms;
    let sectionArea: Area | null | undefined;
    // Whether a kernel term lies within [from, to]: the kernel terms by start, with the least end from
    // each one on, answer it by binary search; the sentence ends are found once per line. Asking every
    // weak term of a 5 MB line by scanning took minutes (the notes fuzzer, issue 19).
    let kernel: { starts: Int32Array; minEnd: Int32Array } | undefined;
    let sentences: Int32Array | undefined;
    const out: LineTerm[] = [];
    for (const t of terms) {
      if (!t.weak) { out.push(t); continue; }
      if (text.charCodeAt(t.start - 1) === BACKTICK && text.charCodeAt(t.end) === BACKTICK) { out.push(t); continue; }
      kernel ??= kernelSpans(terms);
      const { from, to } = sentenceAround(text, (sentences ??= sentenceEnds(text)), t.start, t.end);
      const k = lowerBound(kernel.starts, from);
      // A counted plain word ("Two jobs: translating… and paging") is usually the everyday one: a kernel
      // term nearby does not confirm it; only its section does.
      if (k < kernel.starts.length && kernel.minEnd[k]! <= to && !counted(text, t.start)) { out.push(t); continue; }
      if (sectionArea === undefined) sectionArea = this.sectionArea(line) ?? null;
      if (sectionArea !== null && sectionArea === areaOf(entry(t.entryId))) out.push(t);
    }
    return out;
  }

  /**
   * The areas that confirm plain words in a heading: the area of the section it is nested in, and
   * the areas of the kernel terms in its own section's first lines (what the section talks about).
   */
  headingContextAreas(h: number): Set<Area> {
    const areas = new Set<Area>();
    for (let p = this.parentOf(h); p >= 0; p = this.parentOf(p)) {
      const id = this.headings[p]!.entryId;
      if (id !== undefined) { const a = areaOf(entry(id)); if (a) areas.add(a); break; }
    }
    const from = this.headings[h]!.line + 1;
    const next = this.headings[h + 1]?.line ?? this.lines.count;
    const to = Math.min(next, from + HEADING_BODY_LINES);
    for (let line = from; line < to; line++) {
      for (const t of this.rawTermsOnLine(line)) if (!t.weak) { const a = areaOf(entry(t.entryId)); if (a) areas.add(a); }
    }
    return areas;
  }

  /** The heading a line is under (a heading line is under itself): binary search by line; -1 for none. */
  private headingAbove(line: number): number {
    let lo = 0;
    let hi = this.headings.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.headings[mid]!.line <= line) { found = mid; lo = mid + 1; } else hi = mid - 1;
    }
    return found;
  }

  /**
   * The ATX heading a heading is nested in: the nearest earlier one of a lower level (for a bold or
   * stage line, the nearest earlier ATX heading). Looked up when first asked, back at most
   * PARENT_SCAN headings, so opening a document does no work for it.
   */
  private parentOf(h: number): number {
    // All at once on first use, in one pass: the last ATX heading of each level so far (scanning back
    // per heading cost PARENT_SCAN steps each in a file of same-level headings).
    if (!this.parents) {
      const parents = new Int32Array(this.headings.length);
      const last = new Int32Array(8).fill(-1);
      for (let k = 0; k < this.headings.length; k++) {
        const me = this.headings[k]!;
        const level = me.style === 'atx' || me.style === 'setext' ? me.level : 7;
        let p = -1;
        for (let l = 1; l < level; l++) if (last[l]! > p) p = last[l]!;
        parents[k] = p >= 0 && k - p <= PARENT_SCAN ? p : -1;
        if (me.style === 'atx' || me.style === 'setext') last[me.level] = k;
      }
      this.parents = parents;
    }
    return this.parents[h]!;
  }

  /** The topic of the heading a heading is nested in (undefined when none, or it has none). */
  parentTopic(h: number): string | undefined {
    const p = this.parentOf(h);
    return p >= 0 ? this.headings[p]!.entryId : undefined;
  }

  /** The area of the section a line is in: of its nearest heading with a topic (walking up the nesting). */
  private sectionArea(line: number): Area | undefined {
    for (let h = this.headingAbove(line); h >= 0; h = this.parentOf(h)) {
      const id = this.headings[h]!.entryId;
      if (id !== undefined) return areaOf(entry(id));
    }
    return undefined;
  }

  private headingOf(i: number): HeadingMatch | undefined {
    const line = this.lines.get(i);
    const stage = stageOf(line);
    if (stage) {
      const e = stageEntryFor(stage);
      return { line: i, style: 'stage', text: stripHeading(line), stage, level: 7, ...(e ? { entryId: e.id } : {}) };
    }
    // The topic of a heading is found when first asked (a lens in view, follow mode), not on open.
    const atx = atxOf(line);
    if (atx) return new Heading(this, this.headings.length, i, 'atx', stripHeading(atx.text), atx.level, Infinity);
    // Setext: a one-line paragraph over a `===` / `---` underline (a longer paragraph is left alone).
    const level = i + 1 < this.lines.count ? setextLevel(this.lines.get(i + 1)) : 0;
    if (level && isSetextText(line) && (i === 0 || this.isBreak(i - 1))) return new Heading(this, this.headings.length, i, 'setext', stripHeading(line.trim()), level, Infinity);
    // A paragraph that is one bold run (markdownlint MD036, "emphasis used instead of a heading"):
    // learners' notes title their sections so (`**CreateProcess流程：**`). The line stands alone: a
    // blank line, a heading or the start before it, and a blank line, the end or another block after it
    // (a line below it in the same paragraph, `**问：…**` over `答：…`, makes it a question, not a title).
    const bold = boldLineOf(line);
    if (bold && (i === 0 || this.isBreak(i - 1)) && (i + 1 >= this.lines.count || this.startsBlock(i + 1))) {
      return new Heading(this, this.headings.length, i, 'bold', stripHeading(bold.inner), 7, bold.end);
    }
    return undefined;
  }

  /** Whether a line ends the paragraph before it: blank, an ATX heading or a setext underline. */
  private isBreak(line: number): boolean {
    const text = this.lines.get(line);
    return text.trim().length === 0 || atxOf(text) !== undefined || setextLevel(text) !== 0;
  }

  /** Whether a line cannot continue the paragraph above it: blank, a heading, a list item, a fence, a quote or a table row. */
  private startsBlock(line: number): boolean {
    const text = this.lines.get(line);
    if (text.trim().length === 0 || atxOf(text) !== undefined || isListItem(text) || fenceOf(text) !== undefined) return true;
    const c = text[indent3(text)];
    return c === '>' || c === '|' || setextLevel(text) !== 0;
  }
}

/** A heading whose topic is looked up on first read. */
class Heading implements HeadingMatch {
  private topic: string | null | undefined;
  constructor(
    private readonly owner: DocumentRecognition, private readonly index: number, readonly line: number, readonly style: HeadingStyle, readonly text: string, readonly level: number,
    /** For a bold lead line, where the bold run ends: its terms name the topic (`**创建进程：**`, `**Creating modern process：**ActivateApplication()`). */
    private readonly boldEnd: number,
  ) {}

  get entryId(): string | undefined {
    if (this.topic === undefined) {
      // A binding comment on the heading line wins (`## 我的标题 <!-- ntlab:VAD -->`).
      const bound = bindingsOnLine(this.owner.lineText(this.line)).find((b) => b.kind === 'heading');
      if (bound) return (this.topic = bound.entryId);
      // The heading's words as a whole (headingTopic: frames, joiners, 的, gerunds, plurals set aside).
      const named = headingTopic(this.text);
      let topic: string | undefined = named?.entryId !== undefined && !named.confirm ? named.entryId : undefined;
      // A plain word only when the context confirms it ("## Git commit etiquette" is not about the
      // commit charge; "### Reserving vs committing" in notes on memory is).
      const raw = this.owner.rawTermsOnLine(this.line);
      let areas: Set<Area> | undefined;
      const contextAreas = (): Set<Area> => (areas ??= this.owner.headingContextAreas(this.index));
      if (topic === undefined) {
        const lineTerms = raw.filter((t) => !t.weak || contextAreas().has(areaOf(entry(t.entryId))!));
        const boldTerms = lineTerms.filter((t) => t.start < this.boldEnd);
        const terms = boldTerms.length ? boldTerms : lineTerms;
        // A heading names its topic first; what follows a bracket, colon or arrow is detail
        // (`Process creation (CreateProcessW → NtCreateUserProcess)`, `Modified page writer (MiModifiedPageWriter, priority 18)`).
        const titleEnd = titleEndOf(this.owner.lineText(this.line));
        const inTitle = terms.filter((t) => t.exact && t.start < titleEnd);
        const first = inTitle.length ? inTitle.reduce((a, b) => (b.start < a.start || (b.start === a.start && b.end > a.end) ? b : a)) : undefined;
        topic = first?.entryId ?? topicOf(terms);
      }
      // Part of the heading ("Handle inheritance"), where its section is about that part of the book.
      if (topic === undefined && named?.entryId !== undefined && contextAreas().has(areaOf(entry(named.entryId))!)) topic = named.entryId;
      // "### Data structures" under "## Process internals" is about processes.
      if (topic === undefined && named?.generic) topic = this.owner.parentTopic(this.index);
      // A concept the simulation does not model opens nothing: no lens (its hover says so).
      this.topic = topic !== undefined && entry(topic).nearest === undefined ? topic : null;
    }
    return this.topic ?? undefined;
  }
}

const isKernelTopic = (id: string): boolean => areaOf(entry(id)) !== undefined;

/** How many lines of a heading's section are read for the context of its plain words. */
const HEADING_BODY_LINES = 20;
/** How far back (in headings) the heading a heading is nested in is looked for. */
const PARENT_SCAN = 4096;

/** Number words before a counted noun. */
const CARDINALS = new Set(['one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'several', 'many', 'few', 'multiple']);

/** Whether the word before `start` is a number ("two jobs", "3 sections"). */
function counted(text: string, start: number): boolean {
  let a = start;
  while (a > 0 && text.charCodeAt(a - 1) === 32) a--;
  let b = a;
  while (b > 0 && /[A-Za-z0-9]/.test(text[b - 1]!)) b--;
  if (b === a || b === start) return false;
  const word = text.slice(b, a).toLowerCase();
  return /^[0-9]+$/.test(word) || CARDINALS.has(word);
}

/** A sentence end at `i`: . followed by a space, a tab or the end; 。 ! ? ！ ？ ; ；. */
function isSentenceEnd(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  if (c === 46) { const n = text.charCodeAt(i + 1); return Number.isNaN(n) || n === 32 || n === 9; }
  return c === 0x3002 || c === 33 || c === 63 || c === 0xff01 || c === 0xff1f || c === 59 || c === 0xff1b;
}

/** The sentence ends of a text, in order (one pass). */
function sentenceEnds(text: string): Int32Array {
  let n = 0;
  for (let i = 0; i < text.length; i++) if (isSentenceEnd(text, i)) n++;
  const ends = new Int32Array(n);
  for (let i = 0, k = 0; i < text.length; i++) if (isSentenceEnd(text, i)) ends[k++] = i;
  return ends;
}

/** The first index of a sorted array whose value is >= `v` (the length when none). */
function lowerBound(a: Int32Array, v: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) { const mid = (lo + hi) >> 1; if (a[mid]! < v) lo = mid + 1; else hi = mid; }
  return lo;
}

/** The kernel terms (not weak, a topic of an area) by start, with the least end among each one and those after it. */
function kernelSpans(terms: readonly LineTerm[]): { starts: Int32Array; minEnd: Int32Array } {
  const spans = terms.filter((o) => !o.weak && isKernelTopic(o.entryId)).map((o) => [o.start, o.end] as const).sort((a, b) => a[0] - b[0]);
  const starts = new Int32Array(spans.length);
  const minEnd = new Int32Array(spans.length);
  let least = Infinity;
  for (let i = spans.length - 1; i >= 0; i--) { starts[i] = spans[i]![0]; least = Math.min(least, spans[i]![1]); minEnd[i] = least; }
  return { starts, minEnd };
}

/**
 * The sentence around a span and the one before it on the same line ("Inside Ntoskrnl.exe. Biggest
 * piece of the executive."), from the text's sentence ends (sentenceEnds): binary search, not a scan.
 */
function sentenceAround(text: string, ends: Int32Array, start: number, end: number): { from: number; to: number } {
  // The ends before the span: the sentence starts after the last but one of them.
  const k = lowerBound(ends, start);
  const from = k >= 2 ? ends[k - 2]! + 1 : 0;
  const j = lowerBound(ends, end);
  return { from, to: j < ends.length ? ends[j]! : text.length };
}

/** An open question whose topic (the line's first exact term, else its stage) is looked up on first read. */
class Question implements OpenQuestion {
  private topic: string | null | undefined;
  constructor(private readonly owner: Recognition, readonly line: number, readonly start: number, readonly end: number, private readonly stage: Stage | undefined) {}

  get entryId(): string | undefined {
    if (this.topic === undefined) {
      // termsNear: on a very long line, the words near the question (the whole line's terms on a 5 MB line took seconds on open).
      this.topic = this.owner.termsNear(this.line, this.start).find((t) => t.exact)?.entryId ?? (this.stage ? stageEntryFor(this.stage)?.id : undefined) ?? null;
    }
    return this.topic ?? undefined;
  }
}

const BINDING_MARK = '<!-- ntlab:';
/** Words a notes file can bind to concepts (far more than a learner writes; bounds the work per line). */
const MAX_BOUND_TERMS = 256;

/** Adds the occurrences of bound words that no recognized term covers, in column order. */
function withBoundTerms(line: string, lineNo: number, terms: readonly TermMatch[], bound: ReadonlyArray<{ readonly term: string; readonly entryId: string }>): TermMatch[] {
  if (bound.length === 0) return [...terms];
  const out = [...terms];
  // Not inside the binding comments themselves.
  const comment = line.indexOf('<!--');
  const limit = comment >= 0 ? comment : line.length;
  // Columns already covered by a term: one byte per column, so a check is O(length of the word), not O(terms).
  const covered = new Uint8Array(limit);
  for (const t of terms) covered.fill(1, Math.min(t.start, limit), Math.min(t.end, limit));
  for (const b of bound) {
    if (!b.term) continue;
    for (let at = line.indexOf(b.term); at >= 0 && at < limit; at = line.indexOf(b.term, at + b.term.length)) {
      const end = at + b.term.length;
      if (covered.subarray(at, Math.min(end, limit)).includes(1)) continue;
      covered.fill(1, at, Math.min(end, limit));
      out.push({ line: lineNo, start: at, end, text: b.term, entryId: b.entryId, exact: true });
    }
  }
  return out.sort((a, b) => a.start - b.start);
}

/** A line term placed on a line (a literal of one shape: no spread, which is slow on many terms). */
function withLine(t: LineTerm, line: number): TermMatch {
  return t.suggestion === undefined
    ? { line, start: t.start, end: t.end, text: t.text, entryId: t.entryId, exact: t.exact }
    : { line, start: t.start, end: t.end, text: t.text, entryId: t.entryId, exact: t.exact, suggestion: t.suggestion };
}

const STAGES: readonly Stage[] = ['1', '2', '3A', '3B', '3C', '3D', '3E', '3F', '4', '5', '6', '7'];

/**
 * Recognizes headings, terms, ntlab blocks and open questions in a markdown text. Linear in the
 * text; terms are found per line on demand. Pass the cache of the previous version of the same
 * document so unchanged lines are not looked at again.
 */
export function recognize(text: string, cache: TermCache = new TermCache()): Recognition {
  const r = new DocumentRecognition(text, new TextLines(text), cache);
  const pass = r.scan();
  while (!pass.next().done) { /* every slice at once */ }
  return r;
}

/** Recognition done a slice at a time (recognizeInSlices). */
export interface RecognitionInSlices {
  /**
   * Does about RECOGNITION_SLICE_CHARS characters of each sweep of the recognition pass (a bounded
   * slice of its linear work); returns the recognition once it is complete, undefined before that.
   */
  step(): Recognition | undefined;
}

/**
 * The same recognition as recognize, for a host that must not block on a large file: the caller
 * does one step at a time and yields to its event loop between steps (and may simply stop calling,
 * to cancel). The line index is built at once (one indexOf sweep over the text).
 */
export function recognizeInSlices(text: string, cache: TermCache = new TermCache()): RecognitionInSlices {
  const r = new DocumentRecognition(text, new TextLines(text), cache);
  const pass = r.scan();
  let done = false;
  return { step: () => (done || (done = pass.next().done === true) ? r : undefined) };
}

/** Where the title part of a heading line ends: at the first bracket, colon, dash or arrow after some text. */
function titleEndOf(line: string): number {
  let i = 0;
  while (i < line.length && (line[i] === '#' || line[i] === ' ' || line[i] === '*' || line[i] === '-' || line[i] === '\t')) i++;
  for (; i < line.length; i++) {
    const c = line[i]!;
    if (c === '(' || c === '（' || c === ':' || c === '：' || c === '→' || c === '—' || (c === '-' && line[i - 1] === ' ' && line[i + 1] === ' ')) return i;
  }
  return line.length;
}

/** The topic a heading names: its longest exact term; a near miss still counts. */
function topicOf(lineTerms: readonly LineTerm[]): string | undefined {
  let best: LineTerm | undefined;
  for (const t of lineTerms) {
    if (!best || (t.exact && !best.exact) || (t.exact === best.exact && (t.end - t.start) > (best.end - best.start))) best = t;
  }
  return best?.entryId;
}

/** The heading (if any) whose topic matches a creation stage; the flow heading as a fallback. */
export function headingForStage(r: Recognition, stage: string): HeadingMatch | undefined {
  const s = stage.toUpperCase();
  const exact = r.headings.find((h) => h.style === 'stage' && h.stage === s);
  if (exact) return exact;
  // `Stage3：` covers 3A-3F when the notes have no line for the sub-stage.
  const group = /^3[A-F]$/.test(s) ? r.headings.find((h) => h.style === 'stage' && h.stage === '3') : undefined;
  if (group) return group;
  const id = stageEntryFor(s)?.id;
  const own = r.headings.find((h) => h.entryId === id);
  if (own) return own;
  // The flow heading that introduces the stage lines (the notes may mention 创建进程 earlier, too).
  const flows = r.headings.filter((h) => h.entryId === 'CreateProcessFlow');
  const firstStage = r.headings.find((h) => h.style === 'stage');
  return (firstStage ? flows.filter((h) => h.line < firstStage.line).pop() : undefined) ?? flows[0];
}

/** The heading whose topic matches a page-fault kind (or page faults in general). */
export function headingForFault(r: Recognition, faultEntryId: string | undefined): HeadingMatch | undefined {
  return (faultEntryId ? r.headings.find((h) => h.entryId === faultEntryId) : undefined)
    ?? r.headings.find((h) => h.entryId === 'PageFault');
}

/** The term match at a position, if any. */
export function termAt(r: Recognition, line: number, character: number): TermMatch | undefined {
  return r.termsNear(line, character).find((t) => t.start <= character && character <= t.end);
}
