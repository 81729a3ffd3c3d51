// When recognition misses (issue 15): what the glossary knows about any selected text, and
// bindings a learner writes into the notes to tie a heading or a word to a concept. A binding is an
// HTML comment, which every markdown viewer hides and which survives edits around it:
//   `## 我的标题 <!-- ntlab:VAD -->`        the heading's topic is VAD;
//   `<!-- ntlab:"换出"=PageFileFault -->`    the word 换出 names PageFileFault in this document.
// Pure: no vscode.
import { GLOSSARY, type GlossaryEntry } from './glossary';
import { findLineTerms, lookupToken, suggestName } from './terms';

const byId = new Map(GLOSSARY.map((e) => [e.id, e]));

/** A binding comment found on a line. */
export type Binding =
  | { readonly kind: 'heading'; readonly entryId: string }
  | { readonly kind: 'term'; readonly term: string; readonly entryId: string };

const BINDING_OPEN = '<!--';

/** The binding comments on one line (linear: indexOf scans, no regex). Unknown ids are ignored. */
export function bindingsOnLine(line: string): Binding[] {
  const out: Binding[] = [];
  // An HTML comment ends at the first `-->` after its `<!--` (comments do not nest), and the next one can
  // only start after it: each character is looked at a bounded number of times, however many `<!--` a
  // line holds (a line of 1,000 openers and one close once took seconds).
  for (let at = line.indexOf(BINDING_OPEN), close = 0; at >= 0; at = line.indexOf(BINDING_OPEN, close + 3)) {
    close = line.indexOf('-->', at + 4);
    if (close < 0) break;
    const body = line.slice(at + 4, close).trim();
    if (!body.startsWith('ntlab:')) continue;
    const spec = body.slice(6).trim();
    if (spec.startsWith('"')) {
      const end = spec.indexOf('"', 1);
      if (end < 1) continue;
      const term = spec.slice(1, end);
      const rest = spec.slice(end + 1).trim();
      if (!rest.startsWith('=')) continue;
      const entryId = rest.slice(1).trim();
      if (term && byId.has(entryId)) out.push({ kind: 'term', term, entryId });
    } else if (byId.has(spec)) out.push({ kind: 'heading', entryId: spec });
  }
  return out;
}

/** The comment that binds a heading to a concept. */
export function headingBindingComment(entryId: string): string {
  return `<!-- ntlab:${entryId} -->`;
}

/** The comment that binds a word to a concept for the whole document. */
export function termBindingComment(term: string, entryId: string): string {
  return `<!-- ntlab:"${term.replaceAll('"', '')}"=${entryId} -->`;
}

/** Longest selection looked at (a selection is a few words; a whole file is not explained). */
const MAX_SELECTION = 4096;

/**
 * What the glossary knows about a selected text, best first: the concepts it names (as recognition
 * finds them, slips included), else the nearest concepts by shared words with their names and terms.
 */
export function explainSelection(selection: string, limit = 5): GlossaryEntry[] {
  const text = selection.slice(0, MAX_SELECTION).trim();
  if (!text) return [];
  const found: GlossaryEntry[] = [];
  const add = (e: GlossaryEntry | undefined) => { if (e && !found.includes(e)) found.push(e); };
  for (const t of findLineTerms(text.replace(/\s+/g, ' '), undefined)) add(byId.get(t.entryId));
  if (found.length === 0) {
    const s = suggestName(text);
    if (s) add(byId.get(s.entryId));
    add(lookupToken(text));
  }
  if (found.length) return found.slice(0, limit);
  // Nearest by shared words with the entry's name and terms, rarer words weighing more (a word
  // every page-related entry uses, such as "page", says little).
  const vocab = vocabularies();
  const words = new Set(wordsOf(text));
  const scored: Array<{ e: GlossaryEntry; score: number }> = [];
  for (const { entry: e, words: own } of vocab.entries) {
    let score = 0;
    for (const w of words) if (own.has(w)) score += Math.log(vocab.entries.length / vocab.df.get(w)!);
    if (score > 0) scored.push({ e, score });
  }
  scored.sort((a, b) => b.score - a.score);
  return scored.slice(0, limit).map((x) => x.e);
}

/** Lower-cased word stems of English text, and each Chinese character as a word of its own. */
function wordsOf(text: string): string[] {
  const lower = text.toLowerCase();
  const out = lower.split(/[^a-z0-9]+/).filter((w) => w.length > 2).map(stem);
  for (const c of lower) if (c >= '\u4e00' && c <= '\u9fff') out.push(c);
  return out;
}

let vocabularyCache: { entries: Array<{ entry: GlossaryEntry; words: Set<string> }>; df: Map<string, number> } | undefined;

function vocabularies(): NonNullable<typeof vocabularyCache> {
  if (vocabularyCache) return vocabularyCache;
  const entries = GLOSSARY.map((entry) => ({ entry, words: new Set(wordsOf([entry.name, ...entry.terms].join(' '))) }));
  const df = new Map<string, number>();
  for (const { words } of entries) for (const w of words) df.set(w, (df.get(w) ?? 0) + 1);
  return (vocabularyCache = { entries, df });
}

function stem(word: string): string {
  return word.endsWith('es') && word.length > 4 ? word.slice(0, -2) : word.endsWith('s') && word.length > 3 ? word.slice(0, -1) : word;
}
