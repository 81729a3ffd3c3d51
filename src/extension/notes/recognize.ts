// Topic recognition in a learner's markdown, as it is written: ATX headings, bold lead lines
// (`**创建进程：**`, `- **The zero page thread**`), `Stage3A：` lines, API and structure names in
// running text, Chinese terms, and slips of the pen (`KPORCESS`, `ShellExcute`). Pure: no vscode.
import { GLOSSARY, stageEntryFor, type GlossaryEntry, type Stage } from './glossary';

export type HeadingStyle = 'atx' | 'bold' | 'stage';

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
  /** For an ATX heading, its level (1-6); bold and stage lines count as level 7. */
  readonly level: number;
}

/** A term in the text that names a glossary topic. */
export interface TermMatch {
  readonly line: number;
  /** 0-based UTF-16 columns [start, end). */
  readonly start: number;
  readonly end: number;
  /** The text as written. */
  readonly text: string;
  readonly entryId: string;
  /** False when the text is a near miss of a name (a misspelling): `suggestion` is the right name. */
  readonly exact: boolean;
  readonly suggestion?: string;
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
  readonly terms: readonly TermMatch[];
  readonly blocks: readonly FencedBlock[];
  readonly questions: readonly OpenQuestion[];
}

// ---- term index (built lazily: activation must stay cheap) ----------------------------------

interface Index {
  /** Lower-cased ASCII single-token terms -> entry. */
  readonly tokens: Map<string, GlossaryEntry>;
  /** Canonical identifier spellings that near misses are measured against. */
  readonly fuzzyTargets: ReadonlyArray<{ readonly lower: string; readonly name: string; readonly entry: GlossaryEntry }>;
  /** Multi-word or non-ASCII terms, longest first. */
  readonly phrases: ReadonlyArray<{ readonly term: string; readonly lower: string; readonly entry: GlossaryEntry; readonly ascii: boolean }>;
}

let index: Index | undefined;

const TOKEN_CHARS = /[A-Za-z0-9_.]/;
const IDENT = /^[A-Za-z_][A-Za-z0-9_.]*$/;

function buildIndex(): Index {
  const tokens = new Map<string, GlossaryEntry>();
  const fuzzyTargets: Array<Index['fuzzyTargets'][number]> = [];
  const phrases: Array<Index['phrases'][number]> = [];
  for (const e of GLOSSARY) {
    if (e.category === 'stage') continue; // stage lines are recognized by their own pattern
    for (const term of e.terms) {
      const lower = term.toLowerCase();
      if (IDENT.test(term)) {
        if (!tokens.has(lower)) tokens.set(lower, e);
        // Only names that look like identifiers (CamelCase, _, .sys) take near misses: plain
        // English words would match too much.
        if (term.length >= 6 && /[A-Z].*[A-Z]|_|\./.test(term)) fuzzyTargets.push({ lower, name: term, entry: e });
      } else {
        phrases.push({ term, lower, entry: e, ascii: /^[\x20-\x7e]+$/.test(term) });
      }
    }
  }
  phrases.sort((a, b) => b.term.length - a.term.length);
  return { tokens, fuzzyTargets, phrases };
}

function getIndex(): Index {
  return (index ??= buildIndex());
}

/**
 * Edit distance with adjacent transpositions (optimal string alignment): `KPORCESS` is one edit
 * from `KPROCESS`, `ShellExcute` one from `ShellExecute`. Stops early above `max`.
 */
export function editDistance(a: string, b: string, max = Infinity): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const n = b.length;
  let prev2 = new Array<number>(n + 1).fill(0);
  let prev = Array.from({ length: n + 1 }, (_, j) => j);
  let cur = new Array<number>(n + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = i;
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, prev2[j - 2]! + 1);
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return prev[n]!;
}

/** The glossary name a token is a near miss of, if exactly one is close enough. */
export function suggestName(token: string): { name: string; entryId: string } | undefined {
  const lower = token.toLowerCase();
  // Only tokens shaped like identifiers (CamelCase, ALLCAPS, _ or .sys) are near misses of names:
  // ordinary words such as "process" must not turn into EPROCESS.
  if (lower.length < 6 || getIndex().tokens.has(lower) || !/[a-z][A-Z]|_|\.|^[A-Z0-9]+$/.test(token)) return undefined;
  const max = lower.length >= 9 ? 2 : 1;
  let best: { name: string; entryId: string; d: number } | undefined;
  for (const t of getIndex().fuzzyTargets) {
    const d = editDistance(lower, t.lower, max);
    if (d <= max && (!best || d < best.d)) best = { name: t.name, entryId: t.entry.id, d };
  }
  return best && { name: best.name, entryId: best.entryId };
}

/** Exact lookup of a single identifier-like token (case-insensitive). */
export function lookupToken(token: string): GlossaryEntry | undefined {
  return getIndex().tokens.get(token.toLowerCase());
}

// ---- line shapes ---------------------------------------------------------------------------

const FENCE = /^\s{0,3}(`{3,}|~{3,})\s*([\w-]*)/;
const ATX = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/;
/** `**text**` at the start of a line or list item, optionally followed by more text. */
const BOLD_LEAD = /^\s*(?:[-*+]\s+|\d+[.)]\s+)?\*\*(.+?)\*\*/;
/** `Stage1：`, `Stage 3A:`, `stage3a：创建EPROCESS object` (ASCII or full-width colon). */
const STAGE = /^\s*(?:\*\*)?\s*stage\s*([1-7][a-f]?)\b\s*(?:\*\*)?\s*[:：]?/i;
const QUESTION = /没懂|不懂|不明白|打个\s*tag|TODO|\?\?|？？|待查/i;

function stripHeading(text: string): string {
  return text.replace(/\*\*/g, '').replace(/[:：]\s*$/, '').trim();
}

/** Replaces link targets, images and inline code spans' backticks so terms are not found in URLs. */
function maskLine(line: string): string {
  // Image and link targets: keep the visible text, blank the target (same length keeps columns).
  return line.replace(/\]\(([^)]*)\)/g, (m) => `](${' '.repeat(m.length - 3)})`);
}

/** Finds the fenced ```ntlab blocks (other fences are skipped by recognition). */
function scanFences(lines: readonly string[]): { blocks: FencedBlock[]; inFence: boolean[] } {
  const blocks: FencedBlock[] = [];
  const inFence = new Array<boolean>(lines.length).fill(false);
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]!);
    if (!open) continue;
    const marker = open[1]!;
    const lang = open[2]!.toLowerCase();
    inFence[i] = true;
    let j = i + 1;
    const body: Array<{ line: number; text: string }> = [];
    let closed = false;
    for (; j < lines.length; j++) {
      inFence[j] = true;
      const close = /^\s{0,3}(`{3,}|~{3,})\s*$/.exec(lines[j]!);
      if (close && close[1]![0] === marker[0] && close[1]!.length >= marker.length) { closed = true; break; }
      body.push({ line: j, text: lines[j]! });
    }
    if (lang === 'ntlab') blocks.push({ fenceLine: i, endLine: Math.min(j, lines.length - 1), lines: body, closed });
    i = j;
  }
  return { blocks, inFence };
}

/** Recognizes headings, terms, ntlab blocks and open questions in a markdown text. */
export function recognize(text: string): Recognition {
  const lines = text.split(/\r?\n/);
  const { blocks, inFence } = scanFences(lines);
  const headings: HeadingMatch[] = [];
  const terms: TermMatch[] = [];
  const questions: OpenQuestion[] = [];
  let sectionStage: Stage | undefined;

  for (let i = 0; i < lines.length; i++) {
    if (inFence[i]) continue;
    const raw = lines[i]!;
    const line = maskLine(raw);
    const lineTerms = findTerms(line, i, sectionStage);

    const heading = headingOf(line, i, lineTerms);
    if (heading) {
      headings.push(heading);
      // A stage line opens a section; another heading of the same or a higher rank closes it.
      if (heading.style === 'stage') sectionStage = heading.stage === '3' ? '3A' : (heading.stage as Stage);
      else sectionStage = undefined;
    }
    terms.push(...lineTerms);

    const q = QUESTION.exec(line);
    if (q) {
      const topic = lineTerms.find((t) => t.exact)?.entryId
        ?? (sectionStage ? stageEntryFor(sectionStage)?.id : undefined);
      questions.push({ line: i, start: q.index, end: q.index + q[0].length, ...(topic ? { entryId: topic } : {}) });
    }
  }
  return { headings, terms, blocks, questions };
}

function headingOf(line: string, i: number, lineTerms: readonly TermMatch[]): HeadingMatch | undefined {
  const stage = STAGE.exec(line);
  if (stage) {
    const s = stage[1]!.toUpperCase();
    const e = stageEntryFor(s);
    return { line: i, style: 'stage', text: stripHeading(line), stage: s, level: 7, ...(e ? { entryId: e.id } : {}) };
  }
  const atx = ATX.exec(line);
  if (atx) return withTopic({ line: i, style: 'atx', text: stripHeading(atx[2]!), level: atx[1]!.length }, lineTerms);
  const bold = BOLD_LEAD.exec(line);
  if (bold) {
    const inner = stripHeading(bold[1]!);
    // A bold lead line: the bold run starts the line (`**创建进程：**`, `**Creating modern process：**ActivateApplication()`).
    const boldEnd = bold.index + bold[0].length;
    const boldTerms = lineTerms.filter((t) => t.start < boldEnd);
    return withTopic({ line: i, style: 'bold', text: inner, level: 7 }, boldTerms.length ? boldTerms : lineTerms);
  }
  return undefined;
}

function withTopic(h: HeadingMatch, lineTerms: readonly TermMatch[]): HeadingMatch {
  // The heading names the longest exact term it contains; a near miss still counts.
  const best = [...lineTerms].sort((a, b) => Number(b.exact) - Number(a.exact) || (b.end - b.start) - (a.end - a.start) || a.start - b.start)[0];
  return best ? { ...h, entryId: best.entryId } : h;
}

/** Finds glossary terms in one (masked) line. */
function findTerms(line: string, lineNo: number, sectionStage: Stage | undefined): TermMatch[] {
  const idx = getIndex();
  const out: TermMatch[] = [];
  const taken = new Array<boolean>(line.length).fill(false);
  const lowerLine = line.toLowerCase();

  // Phrases first (longest first), so `CreateProcess流程` wins over `CreateProcess`.
  for (const p of idx.phrases) {
    let from = 0;
    for (;;) {
      const at = lowerLine.indexOf(p.lower, from);
      if (at < 0) break;
      from = at + 1;
      const end = at + p.term.length;
      if (p.ascii && (isWordChar(line[at - 1]) || isWordChar(line[end]))) continue;
      if (taken.slice(at, end).some(Boolean)) continue;
      taken.fill(true, at, end);
      out.push({ line: lineNo, start: at, end, text: line.slice(at, end), entryId: p.entry.id, exact: true });
    }
  }
  // Context terms: 注册表 names Image File Execution Options inside a stage-2 section.
  if (sectionStage) {
    for (const e of GLOSSARY) {
      for (const c of e.contextTerms ?? []) {
        if (c.stage !== sectionStage) continue;
        const at = line.indexOf(c.term);
        if (at >= 0 && !taken.slice(at, at + c.term.length).some(Boolean)) {
          taken.fill(true, at, at + c.term.length);
          out.push({ line: lineNo, start: at, end: at + c.term.length, text: c.term, entryId: e.id, exact: true });
        }
      }
    }
  }
  // Identifier tokens: exact (case-insensitive) or a near miss of a name.
  const re = /[A-Za-z_][A-Za-z0-9_.]*/g;
  for (let m = re.exec(line); m; m = re.exec(line)) {
    let token = m[0].replace(/\.+$/, '');
    const start = m.index;
    if (taken[start]) continue;
    if (start > 0 && /[A-Za-z0-9_]/.test(line[start - 1]!)) continue;
    let e = idx.tokens.get(token.toLowerCase());
    // `EPROCESS结构体` splits at the CJK boundary already; `Ntoskrnl.exe`-style names keep their dot.
    if (!e && token.includes('.')) {
      const head = token.split('.')[0]!;
      if (idx.tokens.has(head.toLowerCase())) { token = head; e = idx.tokens.get(head.toLowerCase()); }
    }
    const end = start + token.length;
    if (e) {
      out.push({ line: lineNo, start, end, text: token, entryId: e.id, exact: true });
      continue;
    }
    const s = suggestName(token);
    if (s) out.push({ line: lineNo, start, end, text: token, entryId: s.entryId, exact: false, suggestion: s.name });
  }
  return out.sort((a, b) => a.start - b.start);
}

function isWordChar(c: string | undefined): boolean {
  return c !== undefined && TOKEN_CHARS.test(c) && c !== '.';
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
  return r.terms.find((t) => t.line === line && t.start <= character && character <= t.end);
}
