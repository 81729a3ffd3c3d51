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
  /** The same phrases by their whole text: a coordinated list's parts (`standby` + `list`) are looked up whole. */
  readonly phraseByLower: Map<string, Phrase>;
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
  const phraseByLower = new Map<string, Phrase>();
  const contextTerms: Array<Index['contextTerms'][number]> = [];
  const plain = new Map<string, GlossaryEntry>();
  const spellings = new Set<string>();
  const seen = new Set<string>();
  const addPhrase = (lower: string, e: GlossaryEntry, weak = false): void => {
    if (seen.has(lower) || lower.length < 2) return;
    seen.add(lower);
    const key = pairKey(lower.charCodeAt(0), lower.charCodeAt(1));
    let list = phrasesByKey.get(key);
    if (!list) phrasesByKey.set(key, (list = []));
    const phrase: Phrase = { lower, entry: e, ascii: ASCII.test(lower), weak };
    list.push(phrase);
    phraseByLower.set(lower, phrase);
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
        for (const v of chineseVariants(lower)) addPhrase(v, e);
        // "page lists" is also written "page list" (the plural is matched from the singular, not the reverse).
        if (ASCII.test(lower) && lower.includes(' ')) { const one = lower.split(' ').map(singular).join(' '); if (one !== lower) addPhrase(one, e); }
        for (const v of englishVariants(lower)) addPhrase(v, e);
      }
    }
    // A structure's fields: "valid bit", "no-execute flag", "PageFrameNumber field", 有效位, 脏位.
    for (const f of e.fields ?? []) {
      for (const name of [camelWords(f.name), f.name, ...(f.en ?? [])]) {
        const lower = name.toLowerCase();
        // "no execute bit", "no-execute bit"; "page frame number field", "page-frame-number field".
        for (const suffix of [' bit', ' flag', ' field']) for (const n of new Set([lower, lower.replaceAll(' ', '-'), lower.replaceAll('-', ' ')])) addPhrase(`${n}${suffix}`, e);
      }
      for (const name of f.zh ?? []) for (const suffix of ['位', '标志位', '标志', '字段']) addPhrase(`${name}${suffix}`, e);
    }
  }
  // Heading terms of more than one word (`in-paging I/O`, `locked pages`, 地址空间布局) name their topic in running
  // text too, where the context confirms it (as plain words); one-word ones (`processes`, `paging`) do not.
  for (const e of GLOSSARY) {
    if (e.category === 'stage') continue;
    for (const term of e.headingTerms ?? []) {
      const lower = term.toLowerCase();
      if (ASCII.test(lower) ? lower.includes(' ') || lower.includes('-') : lower.length >= 3) {
        addPhrase(lower, e, true);
        if (ASCII.test(lower) && lower.includes(' ')) addPhrase(lower.replaceAll(' ', '-'), e, true);
        else if (ASCII.test(lower) && lower.includes('-')) addPhrase(lower.replaceAll('-', ' '), e, true);
      }
    }
  }
  for (const list of phrasesByKey.values()) list.sort((a, b) => b.lower.length - a.lower.length);
  return { tokens, fuzzyTargets, phrasesByKey, phraseByLower, contextTerms, plain, spellings };
}

/** `PageFrameNumber` -> `page frame number`, `NoExecute` -> `no execute`, `Dirty1` -> `dirty1`. */
function camelWords(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
}

/**
 * Other English forms of a two-or-more-word term: the head of "X of Y" in the plural (`views of a
 * section`), and a noun in -ion after its noun as the participle before it (`memory compression` ->
 * `compressed memory`, `memory protection` -> `protected memory`, `address translation` -> `translated address`).
 */
function englishVariants(lower: string): string[] {
  if (!ASCII.test(lower) || !lower.includes(' ')) return [];
  const out: string[] = [];
  const words = lower.split(' ');
  if (words.length >= 3 && words[1] === 'of') out.push([plural(words[0]!), ...words.slice(1)].join(' '));
  const last = words[words.length - 1]!;
  if (words.length === 2 && last.length > 6 && last.endsWith('ion') && /^[a-z]+$/.test(words[0]!)) out.push(`${last.slice(0, -3)}ed ${words[0]}`);
  return out;
}

/** An English word in the plural (rules only). */
function plural(w: string): string {
  if (/(s|x|ch|sh)$/.test(w)) return `${w}es`;
  if (/[^aeiou]y$/.test(w)) return `${w.slice(0, -1)}ies`;
  return `${w}s`;
}

/**
 * Other ways a Chinese term is written: without 的 (受保护的进程, 受保护进程) and with or without a
 * space between Latin and Chinese (section对象, section 对象).
 */
function chineseVariants(lower: string): string[] {
  if (!/[\u4e00-\u9fff]/.test(lower)) return [];
  const out: string[] = [];
  if (lower.includes('的') && lower.length > 3) out.push(lower.replaceAll('的', ''));
  const spaced = lower.replace(/([\x21-\x7e])(?=[\u4e00-\u9fff])/g, '$1 ').replace(/([\u4e00-\u9fff])(?=[\x21-\x7e])/g, '$1 ');
  const tight = lower.replace(/([\x21-\x7e]) (?=[\u4e00-\u9fff])/g, '$1').replace(/([\u4e00-\u9fff]) (?=[\x21-\x7e])/g, '$1');
  for (const v of [spaced, tight]) if (v !== lower && !out.includes(v)) out.push(v);
  return out;
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
    const s = idx.plain.get(lower.slice(0, -1)) ?? (lower.endsWith('es') ? idx.plain.get(lower.slice(0, -2)) : undefined)
      ?? (lower.endsWith('ies') ? idx.plain.get(`${lower.slice(0, -3)}y`) : undefined);
    if (s) return s;
  }
  // Verb forms: "committed", "committing", "reserved" (the stem, the stem with e, a doubled consonant undone).
  for (const ending of ['ed', 'ing']) {
    if (lower.length < ending.length + 4 || !lower.endsWith(ending)) continue;
    const stem = lower.slice(0, -ending.length);
    const undoubled = stem.length > 3 && stem[stem.length - 1] === stem[stem.length - 2] ? stem.slice(0, -1) : undefined;
    return idx.plain.get(stem) ?? idx.plain.get(`${stem}e`) ?? (undoubled ? idx.plain.get(undoubled) : undefined);
  }
  return undefined;
}

/** Plain words that also name a part of a document: "this section", "section 5.2" are the document's. */
const DOCUMENT_WORDS = new Set(['section', 'sections']);
/** Words before such a word that point into the document. */
const DOCUMENT_POINTERS = new Set(['this', 'next', 'previous', 'following', 'preceding', 'above', 'below', 'earlier', 'later', 'same', 'book',
  'that', 'these', 'those', 'first', 'last', 'other', 'whole', 'entire', 'chapter', 'subsection']);

/** Whether a plain word at [start, end) is a part of the document ("this section", "book sections", "section 3.2", "sections 4–5"). */
function documentSense(lowerLine: string, start: number, end: number): boolean {
  if (!DOCUMENT_WORDS.has(lowerLine.slice(start, end))) return false;
  let a = start;
  while (a > 0 && lowerLine[a - 1] === ' ') a--;
  let b = a;
  while (b > 0 && isAsciiWordCode(lowerLine.charCodeAt(b - 1))) b--;
  if (b < a && DOCUMENT_POINTERS.has(lowerLine.slice(b, a))) return true;
  let c = end;
  while (lowerLine[c] === ' ') c++;
  const next = lowerLine.charCodeAt(c);
  return (next >= 48 && next <= 57) || lowerLine[c] === '§';
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
interface Candidate { readonly start: number; readonly end: number; readonly entry: GlossaryEntry; readonly weak: boolean; readonly lower: string }

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
      candidates.push({ start: i, end, entry: p.entry, weak: p.weak, lower: p.lower });
      break; // longest first: the others at this position are shorter
    }
  }
  if (candidates.length > 1) candidates.sort((a, b) => (b.end - b.start) - (a.end - a.start) || a.start - b.start);
  const place = (start: number, end: number, e: GlossaryEntry, weak: boolean): void => {
    taken.fill(1, start, end);
    const text = line.slice(start, end);
    out.push(weak ? { start, end, text, entryId: e.id, exact: true, weak: true } : { start, end, text, entryId: e.id, exact: true });
  };
  const placed: Candidate[] = [];
  for (const cand of candidates) {
    if (!isFree(cand.start, cand.end)) continue;
    place(cand.start, cand.end, cand.entry, cand.weak);
    placed.push(cand);
  }
  // Coordinated lists that share the last part's head noun: "free, zeroed, standby and modified lists",
  // "paged and nonpaged pool", "the standby/modified lists", "Dirty and Accessed bits", 空闲、备用和修改链表.
  for (const cand of placed) for (const part of sharedHeadParts(lowerLine, cand, idx.phraseByLower)) if (isFree(part.start, part.end)) place(part.start, part.end, part.entry, part.weak);
  // A word in brackets between a modifier and its noun: "soft (transition) fault", "large (2 MB) pages".
  for (let at = lowerLine.indexOf(' ('); at >= 0; at = lowerLine.indexOf(' (', at + 2)) {
    const m = bracketedModifier(lowerLine, at, idx.phraseByLower);
    if (m && isFree(m.start, m.end)) place(m.start, m.end, m.entry, m.weak);
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
    if (plainEntry && documentSense(lowerLine, start, end)) continue;
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

/** What joins the parts of an English list (longest first where one ends another). */
const LIST_JOINERS = [', and ', ', or ', ' and ', ' or ', ' nor ', ', ', ' & ', ' / ', '/', ' vs. ', ' vs ', ' versus '];
/** What joins the parts of a Chinese list: 顿号, commas, 和/与/及/或/跟, a slash. */
const CJK_LIST_JOINERS = ['以及', '、', '，', ',', '和', '与', '及', '或', '跟', '/'];
/** At most this many parts of a list are read before its last one, and this many characters of a Chinese part. */
const MAX_LIST_PARTS = 8;
const MAX_CJK_PART = 6;
const isCjk = (c: number): boolean => c >= 0x4e00 && c <= 0x9fff;

/**
 * The earlier parts of a list whose last part is a term and whose head they share: before "modified
 * lists" in "free, zeroed, standby and modified lists", each word joined by a comma, and, or, a slash
 * or vs. that makes a glossary phrase with the head ("standby list", "zeroed list", "free list"); in
 * Chinese, each part before a 顿号 or 和 that makes one with the term's ending (备用 + 链表). A part that
 * makes none is skipped (the list goes on past it); the walk stops where no joiner precedes. Linear in
 * the list's length: a bounded number of parts, each looked up whole in a map.
 */
function sharedHeadParts(lowerLine: string, cand: Candidate, phrases: Map<string, Phrase>): Array<{ start: number; end: number; entry: GlossaryEntry; weak: boolean }> {
  const out: Array<{ start: number; end: number; entry: GlossaryEntry; weak: boolean }> = [];
  const cjk = isCjk(cand.lower.charCodeAt(0));
  const words = cjk ? [] : cand.lower.split(' ');
  if (!cjk && words.length < 2) return out;
  // The shared head: all but the first word ("page list" of "modified page list"), then the last word alone.
  const heads = cjk
    ? Array.from({ length: cand.lower.length - 1 }, (_, k) => cand.lower.slice(k + 1)).filter((h) => h.length <= 4)
    : [...new Set([words.slice(1).join(' '), words[words.length - 1]!])];
  let pos = cand.start;
  for (let k = 0; k < MAX_LIST_PARTS; k++) {
    const joiner = (cjk ? CJK_LIST_JOINERS : LIST_JOINERS).find((j) => pos >= j.length && lowerLine.startsWith(j, pos - j.length));
    if (!joiner) break;
    const partEnd = pos - joiner.length;
    let a = partEnd;
    if (cjk) { while (a > 0 && partEnd - a < MAX_CJK_PART && isCjk(lowerLine.charCodeAt(a - 1)) && !CJK_LIST_JOINERS.includes(lowerLine[a - 1]!)) a--; }
    else { while (a > 0 && (isAsciiWordCode(lowerLine.charCodeAt(a - 1)) || lowerLine[a - 1] === '-')) a--; }
    if (a === partEnd) break;
    let hit: { start: number; phrase: Phrase } | undefined;
    // An English part written with a slash of its own ("R/W", "U/S") is tried whole first.
    if (!cjk && lowerLine[a - 1] === '/') {
      let w = a - 1;
      while (w > 0 && (isAsciiWordCode(lowerLine.charCodeAt(w - 1)) || lowerLine[w - 1] === '-' || lowerLine[w - 1] === '/')) w--;
      for (const h of heads) { const p = w < a - 1 ? phrases.get(`${lowerLine.slice(w, partEnd)} ${h}`) : undefined; if (p) { hit = { start: w, phrase: p }; break; } }
      if (hit) a = w;
    }
    // A Chinese part is read from its longest ending (物理页在空闲 -> 空闲); an English part is one word.
    for (let from = a; !hit && from < partEnd && (cjk || from === a); from++) {
      for (const h of heads) {
        const p = phrases.get(cjk ? `${lowerLine.slice(from, partEnd)}${h}` : `${lowerLine.slice(from, partEnd)} ${h}`);
        if (p) { hit = { start: from, phrase: p }; break; }
      }
    }
    if (hit) out.push({ start: hit.start, end: partEnd, entry: hit.phrase.entry, weak: hit.phrase.weak });
    pos = hit ? hit.start : a;
    if (hit && hit.start > a) break; // the rest of the run before the part is no list joiner
  }
  return out;
}

/** The longest aside in brackets read between a modifier and its noun. */
const MAX_ASIDE = 24;

/**
 * "X (Y) Z" where "Y Z" or "X Z" is a glossary phrase: the whole span names it ("soft (transition)
 * fault" is a transition fault; "large (2 MB) pages" large pages). X and Z are single words, Y at most
 * MAX_ASIDE characters; `at` is the space before the bracket. Bounded work per bracket.
 */
function bracketedModifier(lowerLine: string, at: number, phrases: Map<string, Phrase>): { start: number; end: number; entry: GlossaryEntry; weak: boolean } | undefined {
  const close = lowerLine.indexOf(')', at + 2);
  if (close < 0 || close - at - 2 > MAX_ASIDE || lowerLine[close + 1] !== ' ') return undefined;
  const aside = lowerLine.slice(at + 2, close).trim();
  if (!aside || !/^[a-z0-9 /-]+$/.test(aside)) return undefined;
  let a = at;
  while (a > 0 && (isAsciiWordCode(lowerLine.charCodeAt(a - 1)) || lowerLine[a - 1] === '-')) a--;
  let z = close + 2;
  while (z < lowerLine.length && (isAsciiWordCode(lowerLine.charCodeAt(z)) || lowerLine[z] === '-')) z++;
  if (a === at || z === close + 2) return undefined;
  const noun = lowerLine.slice(close + 2, z);
  const forms = [noun, singular(noun)];
  for (const n of forms) {
    const p = phrases.get(`${aside} ${n}`) ?? phrases.get(`${lowerLine.slice(a, at)} ${n}`);
    if (p) return { start: a, end: z, entry: p.entry, weak: p.weak };
  }
  return undefined;
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
const JOINERS = [' & ', ' and ', ' / ', '/', ' + ', ' vs ', ' vs. ', ' versus ', ', ', '，', '、', '和', '与', '及', '跟', '以及'];

/** What a heading names (headingTopic). */
export interface HeadingTopic {
  /** The topic, when the heading's words name one. */
  readonly entryId?: string;
  /**
   * The topic was read from part of the heading (its first word: `Handle inheritance`) or from a
   * plain word: it counts only where the context confirms the topic's area (recognize.ts).
   */
  readonly confirm?: true;
  /** The heading is a generic title (`Data structures`, `Overview`, `概述`): it is about its parent's topic. */
  readonly generic?: true;
}

interface HeadingKeys {
  readonly byKey: Map<string, GlossaryEntry>;
  /** Keys that are only a plain word of some entry (`job` is not, it is a heading term; `prefetch` is). */
  readonly plainKeys: Set<string>;
}

let headingKeys: HeadingKeys | undefined;

/**
 * The key a heading phrase is compared by: lower case, `-` as a space, no space between Latin and
 * Chinese, and each English word in the singular (`Page lists` and `page list`, `VADs` and `VAD`,
 * `processes` and `process` meet). The glossary's terms go through the same function.
 */
export function headingKey(phrase: string): string {
  let s = phrase.toLowerCase().replaceAll('-', ' ').replace(/\s+/g, ' ').trim();
  s = s.replace(/([\x21-\x7e]) (?=[\u4e00-\u9fff])/g, '$1').replace(/([\u4e00-\u9fff]) (?=[\x21-\x7e])/g, '$1');
  return s.split(' ').map(singular).join(' ');
}

/** An English word in the singular (rules only: a word the rules do not fit stays as it is). */
function singular(w: string): string {
  if (w.length < 4 || !/^[a-z_0-9.]+$/.test(w)) return w;
  if (w.endsWith('ies') && w.length > 4) return `${w.slice(0, -3)}y`;
  if (/(ss|x|ch|sh)es$/.test(w)) return w.slice(0, -2);
  if (/(ss|us|is)$/.test(w)) return w;
  if (w.endsWith('s')) return w.slice(0, -1);
  return w;
}

function getHeadingKeys(): HeadingKeys {
  if (headingKeys) return headingKeys;
  const byKey = new Map<string, GlossaryEntry>();
  const plainKeys = new Set<string>();
  const add = (term: string, e: GlossaryEntry): string[] => {
    const k = headingKey(term);
    // Chinese names are written with and without 的 (受保护的进程, 受保护进程).
    const keys = k.includes('的') ? [k, k.replaceAll('的', '')] : [k];
    for (const key of keys) if (!byKey.has(key)) byKey.set(key, e);
    return keys;
  };
  // Heading terms first (a whole heading "Threads" is the concept), then the terms, then plain words.
  for (const e of GLOSSARY) if (e.category !== 'stage') for (const t of e.headingTerms ?? []) add(t, e);
  for (const e of GLOSSARY) if (e.category !== 'stage') for (const t of e.terms) add(t, e);
  for (const e of GLOSSARY) {
    if (e.category === 'stage') continue;
    for (const t of e.plainTerms ?? []) {
      const k = headingKey(t);
      if (!byKey.has(k)) { byKey.set(k, e); plainKeys.add(k); }
    }
  }
  return (headingKeys = { byKey, plainKeys });
}

/** Leading words that frame a heading's topic (questions, "Introduction to", 什么是). Longest first where one is the start of another. */
const LEAD_FRAMES = [
  'what is a ', 'what is an ', 'what is the ', 'what is ', 'what are the ', 'what are ', "what's a ", "what's the ", "what's ",
  'how does a ', 'how does an ', 'how does the ', 'how does ', 'how do the ', 'how do ', 'how is a ', 'how is the ', 'how is ', 'how are ', 'how ',
  'why do we need ', 'why do we have ', 'why is ', 'why are ', 'why use ', 'why ', 'when is ', 'when ',
  'introduction to the ', 'introduction to ', 'intro to ', 'an introduction to ', 'overview of the ', 'overview of ', 'a look at the ', 'a look at ',
  'a closer look at ', 'understanding the ', 'understanding ', 'exploring the ', 'exploring ', 'inside the ', 'inside ', 'notes on the ', 'notes on ',
  'all about ', 'more on ', 'about the ', 'about ', 'the ', 'a ', 'an ', 'windows ', 'basic ', 'key ',
  '什么是', '深入理解', '浅谈', '浅析', '关于', '详解', '理解', '初探', '再谈', '图解', '说说', '聊聊',
];
/** Trailing words that frame a heading's topic ("… internals", "… overview", "… 概述", a question mark). */
const TRAIL_FRAMES = [
  '?', '？', ':', '：', '.', '!', '吗', ' work', ' works', ' overview', ' internals', ' basics', ' explained', ' in windows', ' on windows',
  ' in detail', ' in depth', ' deep dive', ' 101', ' notes', ' summary', ' handling', ' dynamics', ' layouts', ' layout', ' concepts',
  ' fundamentals', ' details', ' mechanics', ' mechanism', ' structures', ' structure', ' in a nutshell', ' internally', ' under the hood',
  ' step by step', ' in practice',
  '是什么', '是干什么的', '是做什么的', '做了什么', '干了什么', '概述', '概览', '简介', '一览', '详解', '原理', '机制', '介绍', '入门', '基础',
  '总结', '笔记', '的用法', '用法', '的作用', '作用', '的实现', '实现', '的格式', '格式', '的组成', '组成', '的结构', '相关',
];
/** Where a Chinese question starts: the topic is before it (`缺页异常是怎么处理的？`). */
const ZH_QUESTION = ['是怎么', '是怎样', '是如何', '怎么', '怎样', '如何', '为什么', '为何', '是什么', '是干什么', '有什么', '有哪些', '干什么',
  '哪些', '哪个', '哪几', '哪种', '几种', '几步', '几个', '多少', '吗', '呢'];
/** Chinese question words that ask how something proceeds (`CreateProcess 分几步`): the topic's flow, if the glossary has one. */
const ZH_HOW = ['怎么', '怎样', '如何', '几步', '哪几步', '步骤', '过程'];
/** Words a Chinese question starts with before its topic (`为什么需要工作集`): the topic follows them. */
const ZH_LEAD_QUESTION = /^(?:为什么|为何|怎么|如何|什么时候|何时)(?:需要|要|会|有|用|是|不|能|可以)?/;
/** Function words left at the end of a Chinese topic once its question word is cut (`进程由哪些…` -> 进程). */
const ZH_TRAILING = '由是有要会能在的被用把对和与及分都还就也';
/** English question words and what may follow them before the subject: auxiliaries, adverbs, articles. */
const WH = new Set(['what', 'which', 'who', 'whom', 'whose', 'how', 'why', 'when', 'where']);
const QUESTION_FILLERS = new Set(['is', 'are', 'was', 'were', 'does', 'do', 'did', 'can', 'could', 'should', 'would', 'will', 'has', 'have', 'many', 'much',
  'actually', 'really', 'exactly', 'precisely', 'even', 'ever', 'then', 'else', 'again', 'a', 'an', 'the', "what's", "how's", "who's", "where's"]);
/** Adjectives that sit between 的 and a noun without changing the topic (`CreateProcess 的主要流程`). */
const ZH_FILLERS = ['主要', '基本', '整体', '大致', '详细', '具体', '完整', '核心', '关键'];
/** Head nouns that say nothing of their own ("Services provided by the memory manager" is about the memory manager). */
const GENERIC_HEADS = new Set(['service', 'role', 'function', 'component', 'part', 'overview', 'introduction', 'basic', 'internal', 'structure',
  'layout', 'type', 'kind', 'purpose', 'responsibility', 'task', 'feature', 'job', 'detail', 'provided', 'used', 'offered', 'exposed', 'implemented',
  'managed', 'done', 'kept', 'created', 'the', 'a', 'an']);
/** Titles that only say "more about the section above" (their topic is the parent heading's). */
const GENERIC_TITLES = new Set(['data structure', 'structure', 'overview', 'introduction', 'intro', 'internal', 'basic', 'detail', 'key concept',
  'concept', 'experiment', 'background', 'fundamental', '数据结构', '结构', '概述', '简介', '介绍', '概念', '基本概念', '实验', '背景', '细节', '原理']);
const PREPOSITIONS = [' provided by the ', ' provided by ', ' of the ', ' of a ', ' of an ', ' of ', ' by the ', ' by ', ' to the ', ' to ', ' for the ', ' for '];

/**
 * Markup a heading can carry that is no part of its words: code spans, links (the text stays),
 * emphasis, highlights, HTML comments and tags.
 */
function headingWords(heading: string): string {
  let s = heading.replace(/<!--.*?-->/g, ' ').replace(/<\/?[a-z][^>]*>/gi, ' ');
  s = s.replace(/!\[[^\]]*\]\([^)]*\)/g, ' ').replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/\[([^\]]*)\]\[[^\]]*\]/g, '$1');
  s = s.replaceAll('`', '').replaceAll('*', '').replaceAll('~~', '').replaceAll('==', '');
  s = s.replace(/(^|\s)_+/g, '$1').replace(/_+(\s|$)/g, '$1');
  return s;
}

/** A heading without a leading "Chapter 5", "Ch. 3:", "Part 1 -", "第5章", "第三节". */
function withoutChapter(core: string): string {
  const m = /^(?:chapter|ch\.?|part|section|sec\.?|lecture|week|day|lesson)\s*[0-9ivx]+[a-z]?\b\s*[:.\-—–]?\s*/.exec(core)
    ?? /^第\s*[0-9一二三四五六七八九十]+\s*[章节部分篇讲课]\s*[:：.、\-—–]?\s*/.exec(core)
    // A question card's label: `Q7:`, `Q:`, `Question 3.`, `问：`, `问题2、`.
    ?? /^(?:q|question|card|flashcard)\s*\d{0,4}\s*[:：.)]\s*/.exec(core) ?? /^(?:问题?|题)\s*\d{0,4}\s*[:：.、]\s*/.exec(core);
  return m ? core.slice(m[0].length) : core;
}

/** The title part: up to a bracket, a colon, an arrow or a spaced dash (`Process creation (CreateProcessW → …)`). */
function titlePart(s: string): string {
  const m = /[(（[【:：→—–]| - /.exec(s);
  return m && m.index > 0 ? s.slice(0, m.index).trim() : s;
}

/** Drops bracketed asides anywhere (`会话管理器（smss.exe）做了什么` -> `会话管理器做了什么`). */
function withoutBrackets(s: string): string {
  return s.replace(/\([^)]*\)|（[^）]*）|\[[^\]]*\]|【[^】]*】/g, ' ').replace(/\s+/g, ' ').trim();
}

/** Strips question and title frames at both ends until none is left; `how` says a "how … works" heading. */
function stripFrames(text: string): { core: string; how: boolean } {
  let s = text.trim();
  let how = false;
  for (let changed = true; changed && s;) {
    changed = false;
    for (const f of LEAD_FRAMES) if (s.startsWith(f) && s.length > f.length) { if (f.startsWith('how ')) how = true; s = s.slice(f.length).trimStart(); changed = true; break; }
    for (const f of TRAIL_FRAMES) if (s.endsWith(f) && s.length > f.length) { if (f === ' work' || f === ' works') how = true; s = s.slice(0, -f.length).trimEnd(); changed = true; break; }
  }
  // The earliest Chinese question word: the topic is before it (`缺页是怎么处理的` -> 缺页), or after a leading one (`为什么需要工作集`).
  const lead = ZH_LEAD_QUESTION.exec(s);
  if (lead && lead[0].length < s.length) { if (ZH_HOW.some((h) => lead[0].startsWith(h))) how = true; s = s.slice(lead[0].length); }
  let cut = -1;
  for (const q of ZH_QUESTION) { const at = s.indexOf(q); if (at > 0 && (cut < 0 || at < cut)) cut = at; }
  if (cut > 0) {
    if (ZH_HOW.some((h) => s.startsWith(h, cut) || s.startsWith(h, cut - 1))) how = true;
    s = s.slice(0, cut);
    while (s.length > 1 && ZH_TRAILING.includes(s[s.length - 1]!)) s = s.slice(0, -1);
    s = s.trim();
  }
  return { core: s, how };
}

/** Noun forms of a gerund's stem: "protect" -> protection, "reserv" -> reservation, "manag" -> management… */
function nounForms(stem: string): string[] {
  const forms = [`${stem}ion`, `${stem}ation`, `${stem}ement`, `${stem}ment`, stem, `${stem}e`];
  if (stem.length > 3 && stem[stem.length - 1] === stem[stem.length - 2]) forms.push(stem.slice(0, -1));
  return forms;
}

/** Whether a heading is a question: a question word first, a question mark last, or a Chinese question word. */
function isQuestion(phrase: string): boolean {
  const first = /^[a-z']+/.exec(phrase)?.[0];
  return (first !== undefined && WH.has(first)) || /[?？]\s*$/.test(phrase) || ZH_QUESTION.some((q) => phrase.includes(q)) || ZH_LEAD_QUESTION.test(phrase);
}

/** The longest glossary phrase a question's subject is compared with, in words; how many words and characters of a question are read. */
const MAX_PHRASE_WORDS = 6;
const MAX_QUESTION_WORDS = 24;
const MAX_QUESTION_CHARS = 24;

/** How much of a heading is read for its topic. */
const MAX_HEADING_CHARS = 256;

/**
 * The topic a heading names, in whatever words it uses (issue 15, "Headings"): its words are
 * compared with the glossary's terms, heading terms and plain words by headingKey (case, plural,
 * hyphen, spacing); numbering, emoji, markup, a leading "Chapter 5", bracketed asides and question
 * or title frames ("What is a process?", "How CreateProcess works", "Thread internals", "缺页异常是怎么处理的",
 * "系统进程一览") are set aside; two topics joined by and/&/vs/和/与/及 name the first ("Large and small
 * pages" is large pages); "A的B" names "AB" if the glossary has it, else A; a gerund names its noun
 * ("Protecting memory" is memory protection, "Creating a process" process creation); "X of Y" with a
 * head that says nothing (services, role) names Y. Linear in the heading; no phrase is special-cased.
 */
export function headingTopic(heading: string): HeadingTopic | undefined {
  const { byKey, plainKeys } = getHeadingKeys();
  const tried = new Set<string>();
  const look = (s: string): HeadingTopic | undefined => {
    const k = headingKey(s);
    if (!k || tried.has(k)) return undefined;
    tried.add(k);
    const e = byKey.get(k);
    return e ? (plainKeys.has(k) ? { entryId: e.id, confirm: true } : { entryId: e.id }) : undefined;
  };
  // A title is short: only its first MAX_HEADING_CHARS characters are read, so the regular expressions
  // below stay linear whatever a hostile line holds (a 25 KB heading of `[` or `(`).
  const core = headingCore(withoutChapter(headingCore(headingWords(heading.slice(0, MAX_HEADING_CHARS)))));
  if (!core) return undefined;
  /** The topic one phrase names, trying its frames, 的, prepositions and gerund in turn. */
  const resolve = (phrase: string, depth = 0): HeadingTopic | undefined => {
    const hit = look(phrase);
    if (hit) return hit;
    const { core: s, how } = stripFrames(phrase);
    if (!s) return undefined;
    if (how) for (const f of [`flow of ${s}`, `${s} flow`, `${s}流程`]) { const r = look(f); if (r) return r; }
    const direct = look(s);
    if (direct) return direct;
    // A question names its topic as its subject ("how does a page fault get resolved", "进程由哪些结构描述").
    if (isQuestion(phrase)) { const r = questionSubject(s, how); if (r) return r; }
    if (depth > 2) return undefined;
    // 的: the whole without it (and its filler adjectives), then what stands before it.
    const de = s.indexOf('的');
    if (de > 0) {
      let joined = s.replaceAll('的', '');
      for (const f of ZH_FILLERS) joined = joined.replaceAll(f, '');
      const r = look(joined) ?? resolve(s.slice(0, de).trim(), depth + 1);
      if (r) return r;
    }
    // "X of Y": a head that says nothing names Y; a nominal head ("creation of a process") names "Y X".
    for (const p of PREPOSITIONS) {
      const at = s.indexOf(p);
      if (at <= 0) continue;
      const x = s.slice(0, at).trim();
      const y = s.slice(at + p.length).trim();
      const xWords = x.split(' ').map(singular);
      if (xWords.every((w) => GENERIC_HEADS.has(w))) { const r = resolve(y, depth + 1); if (r) return r; }
      if (/(tion|sion|ment|ing|ance)$/.test(x) && !x.includes(' ')) { const r = look(`${y} ${x}`); if (r) return r; }
      const r = resolve(x, depth + 1);
      if (r) return r;
      break;
    }
    // A gerund: "Protecting memory" -> memory protection, "Reserving" -> reserve.
    const words = s.split(' ');
    const first = words[0]!;
    if (first.length > 5 && first.endsWith('ing') && /^[a-z]+$/.test(first)) {
      const stem = first.slice(0, -3);
      let rest = words.slice(1);
      if (rest[0] === 'a' || rest[0] === 'an' || rest[0] === 'the') rest = rest.slice(1);
      for (const n of nounForms(stem)) {
        const r = rest.length ? look(`${rest.join(' ')} ${n}`) ?? look(`${rest[rest.length - 1]} ${n}`) : look(n);
        if (r) return r;
      }
      // What the gerund acts on ("Creating threads", "Mapping views of a section"), then the verb's own noun.
      if (rest.length) { const r = resolve(rest.join(' '), depth + 1); if (r) return r; }
      if (rest.length) for (const n of nounForms(stem)) { const r = look(n); if (r) return r; }
    }
    return undefined;
  };
  /** The glossary's topic for a phrase, as written (no frames set aside). */
  const find = (phrase: string): HeadingTopic | undefined => {
    const k = headingKey(phrase);
    const e = k ? byKey.get(k) : undefined;
    return e ? (plainKeys.has(k) ? { entryId: e.id, confirm: true } : { entryId: e.id }) : undefined;
  };
  /** The first topic named anywhere in some words: the earliest start, the longest phrase there. */
  const firstNamed = (words: readonly string[]): HeadingTopic | undefined => {
    for (let a = 0; a < words.length; a++) {
      for (let n = Math.min(MAX_PHRASE_WORDS, words.length - a); n >= 1; n--) { const r = find(words.slice(a, a + n).join(' ')); if (r) return r; }
    }
    return undefined;
  };
  /**
   * The subject of a question once its frame is set aside: the longest glossary phrase its words start
   * with (for "how …" its flow first: `CreateProcess 分几步` is the flow of CreateProcess); for
   * "which/what <noun> …" a topic named after the noun outranks the noun, which only says what kind of
   * answer is wanted ("Which process creates the tokens…" is about tokens); else the first topic named
   * anywhere ("Who starts smss?"). Chinese (no spaces): the longest known prefix of the characters.
   */
  const questionSubject = (text: string, how: boolean): HeadingTopic | undefined => {
    let words = text.split(' ').filter((w) => w.length > 0);
    const wh = words[0] !== undefined && WH.has(words[0]) ? words[0] : undefined;
    let i = wh ? 1 : 0;
    const nounAfterWh = wh !== undefined && (wh === 'which' || wh === 'what') && words[1] !== undefined && !QUESTION_FILLERS.has(words[1]);
    while (i < words.length - 1 && QUESTION_FILLERS.has(words[i]!)) i++;
    words = words.slice(i).slice(0, MAX_QUESTION_WORDS);
    if (words.length === 0) return undefined;
    const rest = words.join(' ');
    if (/[\u4e00-\u9fff]/.test(rest)) {
      for (let n = Math.min(rest.length, MAX_QUESTION_CHARS); n >= 2; n--) {
        const prefix = rest.slice(0, n).trim();
        if (how) { const r = find(`${prefix}流程`) ?? find(`flow of ${prefix}`); if (r) return r; }
        const r = find(prefix);
        if (r) return r;
      }
      return undefined;
    }
    for (let n = Math.min(MAX_PHRASE_WORDS, words.length); n >= 1; n--) {
      const prefix = words.slice(0, n).join(' ');
      if (how) { const r = find(`flow of ${prefix}`) ?? find(`${prefix} flow`); if (r) return r; }
      const r = find(prefix);
      if (!r) continue;
      if (n === 1 && nounAfterWh) return firstNamed(words.slice(1)) ?? r;
      return r;
    }
    return firstNamed(words);
  };
  const title = titlePart(core);
  for (const candidate of [core, title, withoutBrackets(core)]) {
    const r = resolve(candidate);
    if (r) return r;
  }
  const bare = withoutBrackets(title);
  const text = stripFrames(bare).core;
  if (GENERIC_TITLES.has(headingKey(bare)) || GENERIC_TITLES.has(headingKey(text))) return { generic: true };
  // Two topics joined: the first part that names one; a lone word shares the last part's noun ("large and small pages").
  const parts = splitJoined(text);
  if (parts.length > 1) {
    const lastWords = parts[parts.length - 1]!.split(' ');
    for (const part of parts) {
      const r = resolve(part);
      if (r) return r;
      if (!part.includes(' ') && lastWords.length > 1) {
        const shared = resolve(`${part} ${lastWords.slice(1).join(' ')}`);
        if (shared) return shared;
      }
    }
  }
  // The first word(s) of a compound ("Handle inheritance", "Working set trimming"): only where the context confirms it.
  const words = text.split(' ');
  for (let n = Math.min(3, words.length - 1); n >= 1; n--) {
    const k = headingKey(words.slice(0, n).join(' '));
    const e = byKey.get(k);
    if (e) return { entryId: e.id, confirm: true };
  }
  return undefined;
}

/** The parts of a heading around its joiners (and, &, /, vs, 和, 与, 及, 、…), in order. */
function splitJoined(text: string): string[] {
  let parts = [text];
  for (const j of JOINERS) parts = parts.flatMap((p) => p.split(j));
  return parts.map((p) => p.trim()).filter((p) => p.length > 0);
}

/**
 * The topic a whole heading names by one of the entries' heading terms or terms (headingTopic), only
 * when no context is needed to confirm it.
 */
export function headingTermTopic(heading: string): string | undefined {
  const t = headingTopic(heading);
  return t && !t.confirm ? t.entryId : undefined;
}
