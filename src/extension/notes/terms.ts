// Finding glossary terms in one line of a learner's notes, in linear time in the line: phrases are
// looked up by their first two characters at each candidate position (no regex, no scan per
// phrase), identifiers are read by a hand-written scanner, and near misses are measured only for
// identifier-shaped tokens, with a bounded edit distance. Pure: no vscode (issue 19 items 1 and 8).
import { GLOSSARY, type GlossaryEntry, type Stage } from './glossary';

/** A term on a line, without the line number (cached per line text). */
export interface LineTerm {
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

interface Phrase { readonly lower: string; readonly entry: GlossaryEntry; readonly ascii: boolean }

interface Index {
  /** Lower-cased ASCII single-token terms -> entry. */
  readonly tokens: Map<string, GlossaryEntry>;
  /** Canonical identifier spellings that near misses are measured against. */
  readonly fuzzyTargets: ReadonlyArray<{ readonly lower: string; readonly name: string; readonly entry: GlossaryEntry }>;
  /** Multi-word or non-ASCII terms by their first two (lower-cased) UTF-16 units (pairKey), longest first. */
  readonly phrasesByKey: Map<number, Phrase[]>;
  /** Context terms (a term that names a topic only inside one stage's section). */
  readonly contextTerms: ReadonlyArray<{ readonly term: string; readonly stage: Stage; readonly entry: GlossaryEntry }>;
}

let index: Index | undefined;

const IDENT = /^[A-Za-z_][A-Za-z0-9_.]*$/;
const ASCII = /^[\x20-\x7e]+$/;

function buildIndex(): Index {
  const tokens = new Map<string, GlossaryEntry>();
  const fuzzyTargets: Array<Index['fuzzyTargets'][number]> = [];
  const phrasesByKey = new Map<number, Phrase[]>();
  const contextTerms: Array<Index['contextTerms'][number]> = [];
  const seen = new Set<string>();
  const addPhrase = (lower: string, e: GlossaryEntry): void => {
    if (seen.has(lower)) return;
    seen.add(lower);
    const key = pairKey(lower.charCodeAt(0), lower.charCodeAt(1));
    let list = phrasesByKey.get(key);
    if (!list) phrasesByKey.set(key, (list = []));
    list.push({ lower, entry: e, ascii: ASCII.test(lower) });
  };
  for (const e of GLOSSARY) {
    for (const c of e.contextTerms ?? []) contextTerms.push({ ...c, entry: e });
    if (e.category === 'stage') continue; // stage lines are recognized by their own pattern
    for (const term of e.terms) {
      const lower = term.toLowerCase();
      if (IDENT.test(term)) {
        if (!tokens.has(lower)) tokens.set(lower, e);
        // Only names that look like identifiers (CamelCase, _, .sys) take near misses: plain
        // English words would match too much.
        if (term.length >= 6 && /[A-Z].*[A-Z]|_|\./.test(term)) fuzzyTargets.push({ lower, name: term, entry: e });
      } else {
        addPhrase(lower, e);
        // "working set" is also written "working-set", and the reverse.
        if (ASCII.test(lower) && lower.includes(' ')) addPhrase(lower.replaceAll(' ', '-'), e);
        else if (ASCII.test(lower) && lower.includes('-')) addPhrase(lower.replaceAll('-', ' '), e);
      }
    }
  }
  for (const list of phrasesByKey.values()) list.sort((a, b) => b.lower.length - a.lower.length);
  return { tokens, fuzzyTargets, phrasesByKey, contextTerms };
}

/** Two UTF-16 units as one number: no string is made per position of a line. */
function pairKey(a: number, b: number): number {
  return a * 65536 + b;
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

/** Longest glossary identifier a near miss is measured against, plus the largest edit allowed. */
const MAX_FUZZY_LENGTH = 48;

/** Near-miss answers per token: notes repeat their slips, and measuring one costs ~150 edit distances. */
const suggestionMemo = new Map<string, { name: string; entryId: string } | null>();
const SUGGESTION_MEMO_LIMIT = 50_000;

/** The glossary name a token is a near miss of, if exactly one is close enough. */
export function suggestName(token: string): { name: string; entryId: string } | undefined {
  const known = suggestionMemo.get(token);
  if (known !== undefined) return known ?? undefined;
  const answer = measureSuggestion(token);
  if (suggestionMemo.size >= SUGGESTION_MEMO_LIMIT) suggestionMemo.clear();
  suggestionMemo.set(token, answer ?? null);
  return answer;
}

function measureSuggestion(token: string): { name: string; entryId: string } | undefined {
  const lower = token.toLowerCase();
  // Only tokens shaped like identifiers (CamelCase, ALLCAPS, _ or .sys) are near misses of names:
  // ordinary words such as "process" must not turn into EPROCESS.
  if (lower.length < 6 || lower.length > MAX_FUZZY_LENGTH || getIndex().tokens.has(lower) || !/[a-z][A-Z]|_|\.|^[A-Z0-9]+$/.test(token)) return undefined;
  const max = lower.length >= 9 ? 2 : 1;
  let best: { name: string; entryId: string; d: number } | undefined;
  for (const t of getIndex().fuzzyTargets) {
    const d = editDistance(lower, t.lower, max);
    if (d <= max && (!best || d < best.d)) best = { name: t.name, entryId: t.entry.id, d };
  }
  return best && { name: best.name, entryId: best.entryId };
}

/** API suffixes a name is written with: the ANSI/Unicode pair and the extended versions. */
const API_SUFFIXES = ['ExA', 'ExW', 'Ex2', 'Ex', 'A', 'W'];

/**
 * Exact lookup of a single identifier-like token (case-insensitive), in the forms people write it:
 * as listed, plural (`VADs`, `Threads`, `PTEs`), or an API with a trailing A/W/Ex (`CreateProcessAsUserW`).
 */
export function lookupToken(token: string): GlossaryEntry | undefined {
  const tokens = getIndex().tokens;
  const lower = token.toLowerCase();
  const direct = tokens.get(lower);
  if (direct) return direct;
  if (lower.length > 3 && lower.endsWith('s')) {
    const singular = tokens.get(lower.slice(0, -1)) ?? (lower.endsWith('es') ? tokens.get(lower.slice(0, -2)) : undefined)
      ?? (lower.endsWith('ies') ? tokens.get(`${lower.slice(0, -3)}y`) : undefined);
    if (singular) return singular;
  }
  // A/W/Ex suffixes only as written in an API name: an upper-case suffix after a lower-case letter.
  for (const s of API_SUFFIXES) {
    if (token.length > s.length + 3 && token.endsWith(s) && /[a-z0-9]/.test(token[token.length - s.length - 1]!)) {
      const e = tokens.get(lower.slice(0, -s.length));
      if (e && e.category === 'api') return e;
    }
  }
  return undefined;
}

const isAsciiWordCode = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const isIdentStart = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;

/** Whether the UTF-16 unit at `i` continues an ASCII word (letters, digits, `_`). */
function wordAt(s: string, i: number): boolean {
  return i >= 0 && i < s.length && isAsciiWordCode(s.charCodeAt(i));
}

/** A span claimed by a term; longer phrases win over shorter ones they overlap. */
interface Candidate { readonly start: number; readonly end: number; readonly entry: GlossaryEntry }

/**
 * Finds glossary terms in one (masked) line. `sectionStage` is the creation stage whose section the
 * line is in (context terms such as 注册表 count only there). Linear in the line's length.
 */
export function findLineTerms(line: string, sectionStage: Stage | undefined): LineTerm[] {
  const idx = getIndex();
  const out: LineTerm[] = [];
  const n = line.length;
  if (n === 0) return out;
  const lowerLine = line.toLowerCase();
  const taken = new Uint8Array(n);
  const isFree = (a: number, b: number): boolean => { for (let k = a; k < b; k++) if (taken[k]) return false; return true; };

  // Phrases: candidates at each position by their first two characters, then longest first,
  // so `CreateProcess流程` wins over `CreateProcess`.
  const candidates: Candidate[] = [];
  for (let i = 0; i < n - 1; i++) {
    const c = lowerLine.charCodeAt(i);
    // An ASCII phrase starts a word; CJK phrases start anywhere.
    if (c < 128 && isAsciiWordCode(c) && wordAt(lowerLine, i - 1)) continue;
    const list = idx.phrasesByKey.get(pairKey(c, lowerLine.charCodeAt(i + 1)));
    if (!list) continue;
    for (const p of list) {
      if (!lowerLine.startsWith(p.lower, i)) continue;
      let end = i + p.lower.length;
      if (p.ascii) {
        // Plural and other inflections of the last word: "page faults", "working sets", "processes".
        if (lowerLine.startsWith('es', end) && !wordAt(lowerLine, end + 2)) end += 2;
        else if (lowerLine[end] === 's' && !wordAt(lowerLine, end + 1)) end += 1;
        if (wordAt(lowerLine, end) && isAsciiWordCode(lowerLine.charCodeAt(end - 1))) continue;
      }
      candidates.push({ start: i, end, entry: p.entry });
      break; // longest first: the others at this position are shorter
    }
  }
  if (candidates.length > 1) candidates.sort((a, b) => (b.end - b.start) - (a.end - a.start) || a.start - b.start);
  for (const cand of candidates) {
    if (!isFree(cand.start, cand.end)) continue;
    taken.fill(1, cand.start, cand.end);
    out.push({ start: cand.start, end: cand.end, text: line.slice(cand.start, cand.end), entryId: cand.entry.id, exact: true });
  }
  // Context terms: 注册表 names Image File Execution Options inside a stage-2 section.
  if (sectionStage) {
    for (const c of idx.contextTerms) {
      if (c.stage !== sectionStage) continue;
      const at = line.indexOf(c.term);
      if (at >= 0 && isFree(at, at + c.term.length)) {
        taken.fill(1, at, at + c.term.length);
        out.push({ start: at, end: at + c.term.length, text: c.term, entryId: c.entry.id, exact: true });
      }
    }
  }
  // Identifier tokens ([A-Za-z_][A-Za-z0-9_.]*): exact (case-insensitive, inflected) or a near miss of a name.
  let i = 0;
  while (i < n) {
    const c = line.charCodeAt(i);
    if (!isIdentStart(c) || (i > 0 && isAsciiWordCode(line.charCodeAt(i - 1)))) { i++; continue; }
    const start = i;
    let j = i + 1;
    while (j < n && (isAsciiWordCode(line.charCodeAt(j)) || line.charCodeAt(j) === 46)) j++;
    i = j;
    if (taken[start]) continue;
    // Trailing dots end a sentence, not the name.
    let end = j;
    while (end > start && line.charCodeAt(end - 1) === 46) end--;
    let token = line.slice(start, end);
    let e = lookupToken(token);
    // `Ntoskrnl.exe`-style names keep their dot when listed; otherwise the part before the dot counts.
    if (!e && token.includes('.')) {
      const head = token.slice(0, token.indexOf('.'));
      const headEntry = lookupToken(head);
      if (headEntry) { token = head; e = headEntry; end = start + head.length; }
    }
    if (e) {
      out.push({ start, end, text: token, entryId: e.id, exact: true });
      continue;
    }
    const s = suggestName(token);
    if (s) out.push({ start, end, text: token, entryId: s.entryId, exact: false, suggestion: s.name });
  }
  return out.sort((a, b) => a.start - b.start);
}

let headingIndex: Map<string, GlossaryEntry> | undefined;

/**
 * The topic a whole heading names by one of the entries' heading terms (`Threads`, `Paging`,
 * `3.2 Jobs`, `The Handles`, `作业`), ignoring case, section numbers and a leading article.
 */
export function headingTermTopic(heading: string): string | undefined {
  headingIndex ??= new Map(GLOSSARY.flatMap((e) => (e.headingTerms ?? []).map((t) => [t.toLowerCase(), e] as const)));
  let text = heading.trim().toLowerCase();
  let i = 0;
  while (i < text.length && ((text[i]! >= '0' && text[i]! <= '9') || text[i] === '.' || text[i] === ' ')) i++;
  text = text.slice(i);
  if (text.startsWith('the ')) text = text.slice(4);
  return headingIndex.get(text)?.id;
}
