// Finding glossary terms in one line of a learner's notes, in linear time in the line: phrases are
// looked up by their first two characters at each candidate position (no regex, no scan per
// phrase), identifiers are read by a hand-written scanner, and near misses are measured only for
// identifier-shaped tokens, with a bounded edit distance. Pure: no vscode (issue 19 items 1 and 8).
import { GLOSSARY, stageEntryFor, type GlossaryEntry, type Stage } from './glossary';

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
  /**
   * A plain word (an entry's plainTerms, or a stage named in running text): it names the topic only
   * where the context confirms it; recognize.ts drops it elsewhere.
   */
  readonly weak?: true;
}

interface Phrase { readonly lower: string; readonly entry: GlossaryEntry; readonly ascii: boolean; readonly weak: boolean }

interface Index {
  /** Lower-cased ASCII single-token terms -> entry. */
  readonly tokens: Map<string, GlossaryEntry>;
  /** Canonical identifier spellings that near misses are measured against. */
  readonly fuzzyTargets: ReadonlyArray<{ readonly lower: string; readonly name: string; readonly entry: GlossaryEntry }>;
  /** Multi-word or non-ASCII terms by their first two (lower-cased) UTF-16 units (pairKey), longest first. */
  readonly phrasesByKey: Map<number, Phrase[]>;
  /** Context terms (a term that names a topic only inside one stage's section). */
  readonly contextTerms: ReadonlyArray<{ readonly term: string; readonly stage: Stage; readonly entry: GlossaryEntry }>;
  /** Lower-cased ASCII plain words (plainTerms) -> entry. */
  readonly plain: Map<string, GlossaryEntry>;
  /** Identifier terms as the glossary spells them (`TOKEN`): written so, a plain word is the name. */
  readonly spellings: Set<string>;
}

let index: Index | undefined;

const IDENT = /^[A-Za-z_][A-Za-z0-9_.]*$/;
const ASCII = /^[\x20-\x7e]+$/;

function buildIndex(): Index {
  const tokens = new Map<string, GlossaryEntry>();
  const fuzzyTargets: Array<Index['fuzzyTargets'][number]> = [];
  const phrasesByKey = new Map<number, Phrase[]>();
  const contextTerms: Array<Index['contextTerms'][number]> = [];
  const plain = new Map<string, GlossaryEntry>();
  const spellings = new Set<string>();
  const seen = new Set<string>();
  const addPhrase = (lower: string, e: GlossaryEntry, weak = false): void => {
    if (seen.has(lower)) return;
    seen.add(lower);
    const key = pairKey(lower.charCodeAt(0), lower.charCodeAt(1));
    let list = phrasesByKey.get(key);
    if (!list) phrasesByKey.set(key, (list = []));
    list.push({ lower, entry: e, ascii: ASCII.test(lower), weak });
  };
  for (const e of GLOSSARY) {
    for (const c of e.contextTerms ?? []) contextTerms.push({ ...c, entry: e });
    if (e.category === 'stage') continue; // stage lines are recognized by their own pattern
    for (const term of e.plainTerms ?? []) {
      const lower = term.toLowerCase();
      if (IDENT.test(term)) { if (!plain.has(lower)) plain.set(lower, e); } else addPhrase(lower, e, true);
    }
    for (const term of e.terms) {
      const lower = term.toLowerCase();
      if (IDENT.test(term)) {
        spellings.add(term);
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
  return { tokens, fuzzyTargets, phrasesByKey, contextTerms, plain, spellings };
}

/**
 * The entry a plain word names (`threads`, `Tokens`, `committing`), unless it is written as the
 * glossary spells an identifier (`TOKEN` is the structure's name, not the word).
 */
function lookupPlain(token: string): GlossaryEntry | undefined {
  const idx = getIndex();
  if (idx.spellings.has(token)) return undefined;
  const lower = token.toLowerCase();
  const direct = idx.plain.get(lower);
  if (direct) return direct;
  if (lower.length > 3 && lower.endsWith('s')) {
    return idx.plain.get(lower.slice(0, -1)) ?? (lower.endsWith('es') ? idx.plain.get(lower.slice(0, -2)) : undefined)
      ?? (lower.endsWith('ies') ? idx.plain.get(`${lower.slice(0, -3)}y`) : undefined);
  }
  return undefined;
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
  if (lower.length < 6 || lower.length > MAX_FUZZY_LENGTH || getIndex().tokens.has(lower) || getIndex().plain.has(lower) || !/[a-z][A-Z]|_|\.|^[A-Z0-9]+$/.test(token)) return undefined;
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
interface Candidate { readonly start: number; readonly end: number; readonly entry: GlossaryEntry; readonly weak: boolean }

/**
 * The line in lower case with every character in its column: toLowerCase can lengthen a string
 * ('İ' becomes 'i' and a combining dot), which moved every term after it (the notes fuzzer, issue 19).
 */
function lowerKeepingColumns(line: string): string {
  const lower = line.toLowerCase();
  if (lower.length === line.length) return lower;
  let out = '';
  for (const ch of line) { const l = ch.toLowerCase(); out += l.length === ch.length ? l : ch; }
  return out;
}

/**
 * Finds glossary terms in one (masked) line. `sectionStage` is the creation stage whose section the
 * line is in (context terms such as 注册表 count only there). Linear in the line's length.
 */
export function findLineTerms(line: string, sectionStage: Stage | undefined): LineTerm[] {
  const idx = getIndex();
  const out: LineTerm[] = [];
  const n = line.length;
  if (n === 0) return out;
  const lowerLine = lowerKeepingColumns(line);
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
      candidates.push({ start: i, end, entry: p.entry, weak: p.weak });
      break; // longest first: the others at this position are shorter
    }
  }
  if (candidates.length > 1) candidates.sort((a, b) => (b.end - b.start) - (a.end - a.start) || a.start - b.start);
  for (const cand of candidates) {
    if (!isFree(cand.start, cand.end)) continue;
    taken.fill(1, cand.start, cand.end);
    const text = line.slice(cand.start, cand.end);
    out.push(cand.weak
      ? { start: cand.start, end: cand.end, text, entryId: cand.entry.id, exact: true, weak: true }
      : { start: cand.start, end: cand.end, text, entryId: cand.entry.id, exact: true });
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
  // Creation stages named in running text: `stage 4`, `Stage3A`, `阶段4`, `第4阶段`, `第四阶段`.
  for (const ref of stageRefs(line, lowerLine)) {
    if (!isFree(ref.start, ref.end)) continue;
    taken.fill(1, ref.start, ref.end);
    // "stage 2 of the trip", "第二阶段": a stage in running text needs its context, like a plain word.
    out.push({ start: ref.start, end: ref.end, text: line.slice(ref.start, ref.end), entryId: ref.entryId, exact: true, weak: true });
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
    const token = line.slice(start, end);
    const plainEntry = lookupPlain(token);
    if (plainEntry) {
      out.push({ start, end, text: token, entryId: plainEntry.id, exact: true, weak: true });
      continue;
    }
    const e = lookupToken(token) ?? privilegeEntry(token);
    // `Ntoskrnl.exe`-style names keep their dot when listed; otherwise each part of a dotted name
    // counts on its own (`EPROCESS.ActiveProcessLinks`, `PEB.ProcessParameters`).
    if (!e && token.includes('.')) {
      let found = false;
      for (let from = 0; from < token.length;) {
        let dot = token.indexOf('.', from);
        if (dot < 0) dot = token.length;
        const part = token.slice(from, dot);
        const partEntry = part ? lookupToken(part) ?? privilegeEntry(part) : undefined;
        if (partEntry) { out.push({ start: start + from, end: start + dot, text: part, entryId: partEntry.id, exact: true }); found = true; }
        from = dot + 1;
      }
      if (found) continue;
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

/**
 * Privilege constants (`SeDebugPrivilege`, `SeShutdownPrivilege`, winnt.h SE_*_NAME) name the access
 * token that holds them, unless the glossary lists one under its own topic (SeLockMemoryPrivilege).
 */
function privilegeEntry(token: string): GlossaryEntry | undefined {
  if (token.length < 12 || !token.startsWith('Se') || !token.endsWith('Privilege')) return undefined;
  const c = token.charCodeAt(2);
  if (c < 65 || c > 90) return undefined;
  return GLOSSARY.find((x) => x.id === 'AccessToken');
}

const CJK_STAGE_DIGITS = '一二三四五六七';

/**
 * Creation stages in running text (Windows Internals 7e ch. 3, "Flow of CreateProcess", stages 1-7
 * with 3A-3F): `stage 4`, `Stage3A`, `阶段 4`, `第4阶段`, `第四阶段`. Linear: indexOf scans.
 */
function stageRefs(line: string, lowerLine: string): Array<{ start: number; end: number; entryId: string }> {
  const out: Array<{ start: number; end: number; entryId: string }> = [];
  const add = (start: number, end: number, stage: string): void => {
    const e = stageEntryFor(stage);
    if (e) out.push({ start, end, entryId: e.id });
  };
  /** The stage written at `i` (`4`, `3A`), or undefined; `end` is where it stops. */
  const stageAt = (i: number): { stage: string; end: number } | undefined => {
    const d = lowerLine.charCodeAt(i);
    if (!(d >= 49 && d <= 55)) return undefined; // '1'..'7' (NaN past the end)
    let stage = lowerLine[i]!;
    let end = i + 1;
    const sub = lowerLine.charCodeAt(end);
    if (stage === '3' && sub >= 97 && sub <= 102) { stage += String.fromCharCode(sub - 32); end++; }
    return wordAt(lowerLine, end) ? undefined : { stage, end };
  };
  for (let at = lowerLine.indexOf('stage'); at >= 0; at = lowerLine.indexOf('stage', at + 5)) {
    if (wordAt(lowerLine, at - 1)) continue;
    const s = stageAt(lowerLine[at + 5] === ' ' ? at + 6 : at + 5);
    if (s) add(at, s.end, s.stage);
  }
  for (let at = line.indexOf('阶段'); at >= 0; at = line.indexOf('阶段', at + 2)) {
    const before = line[at - 1];
    const cjk = before === undefined ? -1 : CJK_STAGE_DIGITS.indexOf(before);
    if (line[at - 2] === '第' && cjk >= 0) { add(at - 2, at + 2, String(cjk + 1)); continue; }
    if (line[at - 2] === '第' && before !== undefined && before >= '1' && before <= '7') { add(at - 2, at + 2, before); continue; }
    const s = stageAt(line[at + 2] === ' ' ? at + 3 : at + 2);
    if (s) add(at, s.end, s.stage);
  }
  return out;
}

let headingIndex: Map<string, GlossaryEntry> | undefined;

/** Chinese ordinals of numbered sections (`一、`, `十二、`). */
const CJK_ORDINAL = '一二三四五六七八九十百零';

/**
 * A heading without its numbering and decoration: section numbers (`3.2`, `0x02`, `一、`, `(3)`),
 * emoji and other symbols before the first word, a leading article and a leading "Windows"
 * (`Windows Threads` is about threads). Lower-cased. Linear.
 */
export function headingCore(heading: string): string {
  let text = heading.trim().toLowerCase();
  for (let changed = true; changed;) {
    changed = false;
    const before = text;
    if (text.startsWith('0x')) { let i = 2; while (i < text.length && /[0-9a-f]/.test(text[i]!)) i++; text = text.slice(i); }
    let i = 0;
    while (i < text.length && CJK_ORDINAL.includes(text[i]!)) i++;
    if (i > 0 && (text[i] === '、' || text[i] === '.' || text[i] === '．')) text = text.slice(i + 1);
    // Anything before the first letter or CJK character: digits, dots, brackets, emoji, symbols.
    i = 0;
    while (i < text.length && !isWordStart(text.charCodeAt(i))) i++;
    text = text.slice(i);
    for (const lead of ['the ', 'windows ']) if (text.startsWith(lead)) text = text.slice(lead.length);
    if (text !== before) changed = true;
  }
  return text.trimEnd();
}

function isWordStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 0x4e00 && c <= 0x9fff);
}

/** Words that join two topics in a heading (`Handles & tokens`, `线程和作业`): the first one is the heading's topic. */
const JOINERS = [' & ', ' and ', ' / ', '/', ' + ', ' vs ', ' vs. ', ' versus ', '和', '与', '及', '的'];

/**
 * The topic a whole heading names by one of the entries' heading terms (`Threads`, `Paging`,
 * `3.2 Jobs`, `The Handles`, `📦 Jobs`, `0x04 作业`), ignoring case, numbering, symbols and a
 * leading article; for two topics joined by `&`, `and`, `/`, `和`, `与`, the first one's.
 */
export function headingTermTopic(heading: string): string | undefined {
  headingIndex ??= new Map(GLOSSARY.flatMap((e) => (e.headingTerms ?? []).map((t) => [t.toLowerCase(), e] as const)));
  const text = headingCore(heading);
  const whole = headingIndex.get(text);
  if (whole) return whole.id;
  let cut = text.length;
  for (const j of JOINERS) { const at = text.indexOf(j); if (at > 0 && at < cut) cut = at; }
  if (cut < text.length) return headingIndex.get(text.slice(0, cut).trimEnd())?.id;
  // "Creating a process" is the section about process creation (a gerund for the noun the glossary lists).
  if (text.startsWith('creating ')) {
    let noun = text.slice(9);
    for (const a of ['a ', 'an ', 'the ']) if (noun.startsWith(a)) noun = noun.slice(a.length);
    if (noun.endsWith('es') && lookupPhrase(`${noun.slice(0, -2)} creation`)) noun = noun.slice(0, -2);
    else if (noun.endsWith('s') && lookupPhrase(`${noun.slice(0, -1)} creation`)) noun = noun.slice(0, -1);
    return lookupPhrase(`${noun} creation`)?.id;
  }
  return undefined;
}

/** The entry a whole phrase names (lower-case), if the glossary lists it. */
function lookupPhrase(lower: string): GlossaryEntry | undefined {
  return getIndex().phrasesByKey.get(pairKey(lower.charCodeAt(0), lower.charCodeAt(1)))?.find((p) => p.lower === lower && !p.weak)?.entry;
}
