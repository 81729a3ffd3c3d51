// The notes fuzzer of the reliability campaign (issue 19 items 1 and 8): random and hostile markdown
// through every pure path that runs when a markdown file opens or changes, or when the pointer rests
// on it — recognition (headings, ntlab blocks, open questions, binding comments), the heading topics
// code lenses ask for, the diagnostics pass (documentFindings, lineChunks, lineFindings: misspellings
// and the large-page facts checker), ntlab block parsing, hovers (termAt, kdCommandAt, the block and
// question lookups), bindingsOnLine and explainSelection — recording exceptions by class and the
// worst time of each path, and checking what each path returns is well formed (columns on their
// line, lines in the document, blocks inside their fences).
// Generators: huge lines, deep nesting of lists, quotes and code fences, unbalanced ntlab blocks and
// binding comments, binary, mixed CJK, large-page claims with thousands of digits, thousands of
// headings, and lines built against every regex of src/extension/notes/** and src/shared/** (the CLI
// and the unit slice read those sources and pass them in: regexAttackLines).
// Used by scripts/fuzz.mjs (notes mode, by hand, up to 5 MB per file) and
// test/unit/notes-fuzz.property.test.ts (a bounded slice). Plain TypeScript: no vitest, no Node built-ins.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DiagnosticsPass, documentFindings, FindingList, lineFindings, MAX_MISSPELLINGS, MAX_PARSE_ERRORS, type Finding } from '../../src/extension/notes/diagnose';
import { bindingsOnLine, explainSelection } from '../../src/extension/notes/explain';
import { findLargePageClaims } from '../../src/extension/notes/facts';
import { GLOSSARY } from '../../src/extension/notes/glossary';
import { kdCommandAt } from '../../src/extension/notes/kdlines';
import { parseBlock } from '../../src/extension/notes/language';
import { LONG_LINE, recognize, recognizeInSlices, termAt, TermCache, type Recognition } from '../../src/extension/notes/recognize';
import { MAX_RUN_LINES } from '../../src/extension/notes/run';
import { headingTargets } from '../../src/extension/notes/targets';

/** The lens provider's margin around the screen and its lines for a file no editor shows (notes/index.ts). */
const LENS_MARGIN = 200;
const UNSEEN_LENS_LINES = 1000;
import { Rng } from './engine';

/** The paths timed, in the order a file's life runs them. */
// recognize: the whole recognition at once; recognizeStep: the longest step of recognizeInSlices (what
// the host does between two yields, besides its time budget); diagnosticsStep / diagnosticsTotal: the
// longest step and the whole of the DiagnosticsPass the host runs; documentFindings: the reference
// (whole-document) findings the pass is checked against.
// lensTopics: the heading topics of a screen and the lens margin (and of the first 1,000 lines, for a
// file no editor shows), as the lens provider asks; runParse: the parse of the blocks a Run takes
// (up to MAX_RUN_LINES lines); edit: the longest step of recognition again after one character typed,
// with the warm term cache, and the findings of one line.
export const NOTES_PATHS = ['recognize', 'recognizeStep', 'lensTopics', 'documentFindings', 'diagnosticsStep', 'diagnosticsTotal', 'facts', 'runParse', 'hover', 'bindings', 'explain', 'edit'] as const;
export type NotesPath = typeof NOTES_PATHS[number];

export interface NotesFuzzOptions {
  seed: number;
  /** Documents to generate. */
  docs: number;
  /** Largest document in characters (default 256 KB; the long campaign uses 5 MB). */
  maxChars?: number;
  /** Lines built against the project's regexes (regexAttackLines), mixed into documents. */
  attackLines?: readonly string[];
  /** Hover positions tried per document (default 64). */
  hovers?: number;
  /** Every document of maxChars characters (default: sizes spread over three decades below it). */
  fullSize?: boolean;
}

export interface Worst { ms: number; chars: number; kind: string }
export interface NotesFuzzReport {
  docs: number;
  chars: number;
  /** Exceptions keyed by "path: Class: message". */
  exceptions: Record<string, { count: number; example: string }>;
  /** Results that are not well formed (a column past its line, a block outside its fences...). */
  malformed: Record<string, { count: number; example: string }>;
  /** Worst time per path, with the size and kind of the document. */
  worst: Partial<Record<NotesPath, Worst>>;
  /**
   * Worst CPU time of this process per path (user + system, where the runtime has process.cpuUsage):
   * on a shared machine a path's wall time also counts the time other processes ran.
   */
  worstCpu: Partial<Record<NotesPath, Worst>>;
  /** Worst time per path per MB of text (for linearity: a flat figure across sizes). */
  worstMsPerMB: Partial<Record<NotesPath, Worst>>;
  /** Documents by generator kind. */
  kinds: Record<string, number>;
  hoversTried: number;
}

const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());
/** CPU time of this process in ms, or 0 where the runtime does not say. */
const cpuNow = (): number => {
  const usage = (globalThis as { process?: { cpuUsage?: () => { user: number; system: number } } }).process?.cpuUsage?.();
  return usage ? (usage.user + usage.system) / 1000 : 0;
};

function add(table: Record<string, { count: number; example: string }>, key: string, example: string): void {
  const k = key.slice(0, 200);
  const f = table[k];
  if (f) f.count++; else table[k] = { count: 1, example: example.slice(0, 300) };
}

// ---- vocabulary ------------------------------------------------------------------------------

const TERMS: string[] = [];
for (const e of GLOSSARY) { TERMS.push(e.name); for (const t of e.terms) TERMS.push(t); }
const IDS = GLOSSARY.map((e) => e.id);
/** Near misses of identifier names (what the misspelling check measures). */
const SLIPS = ['KPORCESS', 'ShellExcute', 'NtCreatUserProcess', 'MiModifedPageWriter', 'EPROCES', 'VirtuallAlloc', 'PspAllocateProces', 'MmAccesFault'];
const PIECES = [
  '<!-- ntlab:', '-->', '<!--', '"', '=', '`', '``', '```', '~~~', 'kd> ', '0: kd> ', 'lkd> ', '!process 0 0', 'dt nt!_EPROCESS', '!pte ', '](', ')', '[', '![x](http://e.example/i.png)',
  '**', '*', '_', '#', '## ', '$', '$x = ', '$last', 'TODO', '??', '？？', '没懂', '打个 tag', '待查', 'large page', 'large-page', '大页', 'allocation', '分配', '请求', ' is made of ',
  'MB', ' GB', '0x', '0x7ff6', '4096', '1040MB的分配请求', '一个1024MB', 'one 1 GB page', 'Stage3A：', 'stage 1', '阶段2', '- ', '> ', '1. ', '\t', '  ', '|', '<img src=x>', '&amp;',
  '进程', '线程', '内存管理', '工作集', '页面错误', '换出', 'ℝ', '😀', '\u200b', '\ufeff', '\u2028', 'ǅ', 'İ', 'ß',
];
const CJK = '的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严';

function cjk(r: Rng, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += CJK[r.int(CJK.length)];
  return s;
}

/** A random piece of notes text: terms, slips, markup, CJK, digits. */
function piece(r: Rng): string {
  switch (r.int(9)) {
    case 0: case 1: return r.pick(TERMS);
    case 2: return r.pick(SLIPS);
    case 3: case 4: return r.pick(PIECES);
    case 5: return cjk(r, 1 + r.int(8));
    case 6: return String(r.int(1 << 20));
    case 7: return `<!-- ntlab:"${r.chance(0.5) ? cjk(r, 2) : r.pick(TERMS)}"=${r.chance(0.9) ? r.pick(IDS) : 'NoSuchId'} -->`;
    default: return r.pick(['the', 'a', 'page', 'commit', 'token', 'handle', 'process', 'is', 'of', 'and', 'when']);
  }
}

function line(r: Rng, pieces: number): string {
  let s = '';
  for (let i = 0; i < pieces; i++) s += piece(r) + (r.chance(0.7) ? ' ' : '');
  return s;
}

/** Text of about `chars` characters made by repeating `make` (lines joined with `sep`). */
function fill(chars: number, make: () => string, sep = '\n'): string {
  const parts: string[] = [];
  let n = 0;
  while (n < chars) { const p = make(); parts.push(p); n += p.length + sep.length; }
  return parts.join(sep);
}

export const NOTES_KINDS = ['prose', 'hugeLine', 'nesting', 'fences', 'ntlabBlocks', 'bindings', 'binary', 'cjk', 'largePageClaims', 'headings', 'attack', 'crlf', 'mixed'] as const;
export type NotesKind = typeof NOTES_KINDS[number];

/** One document of about `chars` characters, of a random kind (or of the kind asked for). */
export function notesDocument(r: Rng, chars: number, attack: readonly string[], only?: NotesKind): { kind: string; text: string } {
  const kind = only ?? r.pick(attack.length ? NOTES_KINDS : NOTES_KINDS.filter((k) => k !== 'attack'));
  let text: string;
  switch (kind) {
    case 'prose': text = fill(chars, () => line(r, 3 + r.int(30))); break;
    case 'hugeLine': {
      // One line of the whole size: of one repeated piece (the worst case for a scanner) or of random pieces.
      const unit = r.chance(0.5) ? r.pick(PIECES) + (r.chance(0.5) ? ' ' : '') : '';
      text = unit ? unit.repeat(Math.ceil(chars / unit.length)).slice(0, chars) : fill(chars, () => piece(r), ' ');
      break;
    }
    case 'nesting': {
      const depth = 1 + r.int(2000);
      const marker = r.pick(['> ', '- ', '* ', '1. ', '  ', '>', '- > ', '```\n', '~~~~\n', '> ```\n']);
      text = fill(chars, () => marker.repeat(1 + r.int(depth)) + line(r, 1 + r.int(4)));
      break;
    }
    case 'fences':
      // Fences of mixed markers and lengths, many unclosed, some with info strings, some indented too far.
      text = fill(chars, () => (r.chance(0.5) ? ' '.repeat(r.int(6)) + r.pick(['`', '~']).repeat(2 + r.int(8)) + r.pick(['', 'ntlab', 'NTLAB', 'js', ' ntlab x', '`']) : line(r, 1 + r.int(5))));
      break;
    case 'ntlabBlocks': {
      const body = ['alloc 64K rw', 'touch $last write', '$x = alloc 2 MB commit', 'process notepad.exe', 'boot 65536 MB', 'reset 99999999999 MB', 'run zero-page-thread', 'kd> !process 0 0',
        'free $x decommit', 'write $x "unterminated', 'protect $y 0x', '= = =', '$ = alloc', 'map "a" rw', 'write $x 0g', 'alloc 0x' + 'f'.repeat(40), 'touch ' + '9'.repeat(400)];
      text = fill(chars, () => (r.chance(0.15) ? r.pick(['```ntlab', '```', '````ntlab', '~~~ntlab', '```ntlab ']) : r.chance(0.5) ? r.pick(body) : line(r, 1 + r.int(6))));
      break;
    }
    case 'bindings': {
      // Many binding comments (more than the bound-word limit), unclosed openers, heading bindings, words that occur everywhere.
      text = fill(chars, () => {
        switch (r.int(5)) {
          case 0: return '<!-- ntlab:'.repeat(1 + r.int(3000));
          case 1: return `## ${line(r, 2)} <!-- ntlab:${r.pick(IDS)} -->`;
          case 2: return `<!-- ntlab:"${String.fromCharCode(97 + r.int(26))}${r.int(1000)}"=${r.pick(IDS)} --> ${'a'.repeat(r.int(200))}`;
          case 3: return `<!-- ntlab:"e"=${r.pick(IDS)} -->`.repeat(1 + r.int(50)) + ' ' + 'e '.repeat(r.int(500));
          default: return line(r, 5);
        }
      });
      break;
    }
    case 'binary': {
      const codes: number[] = [];
      const parts: string[] = [];
      for (let i = 0; i < chars; i++) {
        codes.push(r.chance(0.05) ? r.pick([0, 10, 13, 0xD800, 0xDC00, 0xFFFF, 0xFEFF, 0x2028]) : r.int(r.chance(0.8) ? 256 : 0x10000));
        if (codes.length === 4096) { parts.push(String.fromCharCode(...codes)); codes.length = 0; }
      }
      parts.push(String.fromCharCode(...codes));
      text = parts.join('');
      break;
    }
    case 'cjk': text = fill(chars, () => cjk(r, r.int(200)) + (r.chance(0.3) ? r.pick(['没懂', '？？', '大页', '换出', '工作集', '进程']) : '') + cjk(r, r.int(50))); break;
    case 'largePageClaims':
      text = fill(chars, () => r.pick([
        () => `a ${r.int(5000)} MB large page allocation is ${'1'.repeat(r.int(3000))}`,
        () => `a 4 MB large page allocation is ${r.pick(['one', 'two', '1 x', '一个'])} ${r.int(9000)} MB ${'and 2 MB '.repeat(r.int(300))}`,
        () => `${r.int(99999)}MB的分配请求由${'一个1024MB'.repeat(r.int(200))}大页组成`,
        () => `large page ${'9'.repeat(r.int(20000))} MB allocation is 1 GB`,
        () => `大页 ${'1 MB '.repeat(r.int(2000))}`,
      ])());
      break;
    case 'headings': text = fill(chars, () => r.pick(['# ', '## ', '###### ', '####### ', '**', '- **', 'Stage3A：', '1. **']) + line(r, 1 + r.int(4)) + (r.chance(0.3) ? '**' : '')); break;
    case 'attack': text = fill(chars, () => r.pick(attack)); break;
    case 'crlf': text = fill(chars, () => line(r, 1 + r.int(10)), r.pick(['\r\n', '\r', '\n\r', '\r\r\n'])); break;
    default: {
      const subs: string[] = [];
      let n = 0;
      while (n < chars) {
        const sub = notesDocument(r, Math.max(16, Math.floor(chars / (2 + r.int(6)))), attack).text;
        subs.push(sub);
        n += sub.length;
      }
      text = subs.join('\n');
    }
  }
  return { kind, text: text.length > chars * 1.05 ? text.slice(0, chars) : text };
}

// ---- lines against the project's regexes ---------------------------------------------------------

/** The regex literals of a TypeScript source (a small scanner: a `/` where an expression may start). */
/** The regex literals of src/extension/notes/** and src/shared/** (the code that runs on notes and messages). */
export function sourceRegexes(): RegExp[] {
  const out: RegExp[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.ts')) out.push(...regexLiterals(readFileSync(p, 'utf8')));
    }
  };
  walk('src/extension/notes');
  walk('src/shared');
  return out;
}

export function regexLiterals(source: string): RegExp[] {
  const out: RegExp[] = [];
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === '/' && source[i + 1] === '/') { const e = source.indexOf('\n', i); i = e < 0 ? source.length : e; continue; }
    if (c === '/' && source[i + 1] === '*') { const e = source.indexOf('*/', i + 2); i = e < 0 ? source.length : e + 1; continue; }
    if (c === '"' || c === "'" || c === '`') {
      let j = i + 1;
      while (j < source.length && source[j] !== c && source[j] !== '\n') j += source[j] === '\\' ? 2 : 1;
      i = j;
      continue;
    }
    if (c !== '/') continue;
    // An expression may start after these characters (or words such as `return`).
    let k = i - 1;
    while (k >= 0 && (source[k] === ' ' || source[k] === '\t')) k--;
    const before = source[k] ?? '';
    const word = /[A-Za-z]+$/.exec(source.slice(Math.max(0, k - 8), k + 1))?.[0];
    if (!('(,=:[!&|?{};+-*%<>~^'.includes(before) || word === 'return' || word === 'typeof' || before === '')) continue;
    let j = i + 1;
    let inClass = false;
    for (; j < source.length && source[j] !== '\n'; j++) {
      const d = source[j]!;
      if (d === '\\') { j++; continue; }
      if (d === '[') inClass = true;
      else if (d === ']') inClass = false;
      else if (d === '/' && !inClass) break;
    }
    if (source[j] !== '/') continue;
    let f = j + 1;
    while (f < source.length && /[dgimsuvy]/.test(source[f]!)) f++;
    try { out.push(new RegExp(source.slice(i + 1, j), source.slice(j + 1, f))); } catch { /* not a regex after all */ }
    i = f - 1;
  }
  return out;
}

/**
 * Lines built to make a regex backtrack: for each literal character and class of the pattern, long
 * runs of a character it accepts, alternated with the others, ended by a character that fails it.
 */
export function regexAttackLines(regexes: readonly RegExp[], length = 20_000): string[] {
  const lines = new Set<string>();
  for (const re of regexes) {
    const src = re.source;
    const atoms = new Set<string>();
    for (let i = 0; i < src.length; i++) {
      const c = src[i]!;
      if (c === '\\') {
        const e = src[i + 1];
        atoms.add(e === 'd' ? '7' : e === 'w' ? 'a' : e === 's' ? ' ' : e === 'x' ? 'f' : e === 'u' ? '\u4e00' : e ?? '\\');
        i++;
      } else if (c === '[') {
        const close = src.indexOf(']', i + 1);
        const body = src.slice(i + 1, close < 0 ? undefined : close);
        const first = body.replace(/^\^/, '')[0];
        atoms.add(body.startsWith('^') ? '#' : first === '\\' ? (body[1] === 'd' ? '1' : body[1] === 's' ? ' ' : 'a') : first ?? 'a');
        i = close < 0 ? i : close;
      } else if (!'()|*+?{}^$.'.includes(c)) atoms.add(c);
      else if (c === '.') atoms.add('.');
    }
    const list = [...atoms];
    if (list.length === 0) continue;
    const run = (s: string) => s.repeat(Math.max(1, Math.floor(length / Math.max(1, s.length))));
    for (const a of list) lines.add(run(a) + '\u0001');
    lines.add(run(list.join('')) + '\u0001');
    lines.add(run(list.join(' ')) + '\u0001');
    if (list.length > 1) lines.add(list[0]! + run(list.slice(1).join('')) + '!');
  }
  return [...lines];
}

/** Times each regex on its own attack lines at two lengths; the regexes whose cost grows faster than the text. */
export function superlinearRegexes(regexes: readonly RegExp[], short = 2_000, long = 20_000): Array<{ regex: string; shortMs: number; longMs: number }> {
  const out: Array<{ regex: string; shortMs: number; longMs: number }> = [];
  for (const re of regexes) {
    const g = new RegExp(re.source, re.flags.replace('g', '').replace('y', ''));
    const time = (len: number): number => {
      let worst = 0;
      for (const l of regexAttackLines([re], len)) {
        // The best of three: a busy machine (or a collection) adds noise, never removes work.
        let best = Infinity;
        for (let k = 0; k < 3; k++) { const t = now(); g.exec(l); best = Math.min(best, now() - t); }
        worst = Math.max(worst, best);
      }
      return worst;
    };
    const s = time(short);
    const l = time(long);
    // Ten times the text; linear work costs about ten times as much. A generous factor against noise.
    if (l > 5 && l > 40 * Math.max(s, 0.05)) out.push({ regex: re.toString(), shortMs: s, longMs: l });
  }
  return out;
}

// ---- the paths ---------------------------------------------------------------------------------

function checkTerm(r: Recognition, t: { line: number; start: number; end: number }, where: string, report: NotesFuzzReport): void {
  const len = r.lineText(t.line).length;
  if (!(t.line >= 0 && t.line < r.lineCount && t.start >= 0 && t.start <= t.end && t.end <= len)) add(report.malformed, `${where}: term outside its line`, `${JSON.stringify(t)} line length ${len}, lines ${r.lineCount}`);
  else if ('text' in t && typeof t.text === 'string' && r.lineText(t.line).slice(t.start, t.end) !== t.text) add(report.malformed, `${where}: term text is not the text at its columns`, `${JSON.stringify(t)}: ${JSON.stringify(r.lineText(t.line).slice(t.start, t.end))}`);
}

/** Runs every path over one document; returns the time of each. */
export function exerciseNotes(text: string, r0: Rng, report: NotesFuzzReport, kind: string, hovers = 64, cpu: Partial<Record<NotesPath, number>> = {}): Partial<Record<NotesPath, number>> {
  const times: Partial<Record<NotesPath, number>> = {};
  const timed = <T>(path: NotesPath, f: () => T): T | undefined => {
    const t = now();
    const c = cpuNow();
    try { return f(); } catch (e) {
      add(report.exceptions, `${path}: ${e instanceof Error ? `${e.constructor.name}: ${e.message.replace(/\d+/g, 'N')}` : String(e)}`, `${kind}, ${text.length} chars: ${e instanceof Error ? e.stack ?? '' : ''}`);
      return undefined;
    } finally {
      times[path] = Math.max(times[path] ?? 0, now() - t);
      cpu[path] = Math.max(cpu[path] ?? 0, cpuNow() - c);
    }
  };
  const cache = new TermCache();
  const r = timed('recognize', () => recognize(text, cache));
  if (!r) return times;
  // Structure: headings in order and on lines, blocks inside the document, questions on their lines.
  let prev = -1;
  for (const h of r.headings) { if (h.line <= prev || h.line >= r.lineCount) add(report.malformed, 'heading out of order or past the end', `${kind} line ${h.line}`); prev = h.line; }
  for (const b of r.blocks) {
    if (!(b.fenceLine < r.lineCount && b.endLine < r.lineCount && b.fenceLine <= b.endLine)) add(report.malformed, 'block outside the document', JSON.stringify({ f: b.fenceLine, e: b.endLine }));
    for (const l of b.lines) if (l.line <= b.fenceLine || l.line > b.endLine) add(report.malformed, 'block line outside its fences', `${b.fenceLine}..${b.endLine}: ${l.line}`);
  }
  for (const q of r.questions) checkTerm(r, q, 'question', report);
  // Code lenses: the topics of the headings the lens provider asks for: a screen of 60 lines at a random place and
  // LENS_MARGIN lines around it, then the first UNSEEN_LENS_LINES (a file no editor shows).
  const screen = r0.int(Math.max(1, r.lineCount));
  for (const [from, to] of [[screen - LENS_MARGIN, screen + 60 + LENS_MARGIN], [0, UNSEEN_LENS_LINES]] as const) {
    timed('lensTopics', () => { for (const h of r.headings) if (h.line >= from && h.line < to) { const id = h.entryId; if (id) headingTargets(id); } });
  }
  // Recognition as the host does it for a large file: one step at a time (each step timed); the result must be the same.
  const slices = recognizeInSlices(text, new TermCache());
  let sliced: Recognition | undefined;
  for (let steps = 0; !sliced; steps++) {
    let threw = true;
    sliced = timed('recognizeStep', () => { const x = slices.step(); threw = false; return x; });
    if (threw) break;
    if (steps > text.length + 10) { add(report.malformed, 'recognizeInSlices does not finish', kind); break; }
  }
  if (sliced && (sliced.lineCount !== r.lineCount || sliced.headings.length !== r.headings.length || sliced.blocks.length !== r.blocks.length || sliced.questions.length !== r.questions.length)) {
    add(report.malformed, 'recognition in slices differs from recognition at once', `${kind}: ${sliced.headings.length}/${r.headings.length} headings, ${sliced.blocks.length}/${r.blocks.length} blocks`);
  }
  // Diagnostics as the host runs them: a DiagnosticsPass, the first screen first, a step at a time (each step is what blocks the host at once).
  const pass = new DiagnosticsPass(r, [{ from: Math.floor(r.lineCount / 2), to: Math.floor(r.lineCount / 2) + 60 }]);
  const t0 = now();
  for (let complete = false; !complete;) {
    complete = timed('diagnosticsStep', () => pass.step()) ?? true;
  }
  times.diagnosticsTotal = now() - t0;
  const list = new FindingList();
  for (const f of pass.findings) list.add([f]);
  // The reference: the same findings for the whole document at once (when no limit or long line makes the order matter).
  const reference = new FindingList();
  timed('documentFindings', () => reference.add(documentFindings(r)));
  let widest = 0;
  for (let i = 0; i < r.lineCount; i++) widest = Math.max(widest, r.lineLength(i));
  if (widest <= LONG_LINE && r.lineCount < 200_000) {
    reference.add(lineFindings(r, 0, r.lineCount));
    const key = (f: Finding): string => JSON.stringify(f.kind === 'parse' ? f.error : f);
    const mine = pass.findings.map(key).sort();
    const theirs = reference.findings.map(key).sort();
    const capped = pass.findings.filter((f) => f.kind === 'misspelling').length >= MAX_MISSPELLINGS || pass.findings.filter((f) => f.kind === 'parse').length >= MAX_PARSE_ERRORS;
    if (!capped && (mine.length !== theirs.length || mine.some((k, i) => k !== theirs[i]))) {
      add(report.malformed, 'the diagnostics pass differs from the whole-document findings', `${kind}: ${mine.length} vs ${theirs.length}: ${mine.find((k, i) => k !== theirs[i]) ?? ''}`);
    }
  }
  let slips = 0;
  for (const f of list.findings) {
    if (f.kind === 'parse') checkTerm(r, { line: f.error.line, start: f.error.start, end: Math.min(f.error.end, r.lineText(f.error.line).length) }, 'parse error', report);
    else checkTerm(r, f, f.kind, report);
    if (f.kind === 'misspelling') slips++;
  }
  if (slips > MAX_MISSPELLINGS) add(report.malformed, 'more misspellings than the limit', String(slips));
  timed('facts', () => findLargePageClaims(text));
  for (const b of r.blocks) if (b.lines.length <= MAX_RUN_LINES) timed('runParse', () => parseBlock(b.lines));
  // Hovers at random places (and the start and end of the longest line): what provideHover computes.
  let longest = 0;
  for (let i = 0, best = -1; i < Math.min(r.lineCount, 200_000); i++) { const n = r.lineText(i).length; if (n > best) { best = n; longest = i; } }
  const points: Array<[number, number]> = [[longest, 0], [longest, r.lineText(longest).length], [longest, r.lineText(longest).length >> 1]];
  for (let i = 0; i < hovers; i++) { const l = r0.int(r.lineCount); points.push([l, r0.int(r.lineText(l).length + 2)]); }
  for (const [l, ch] of points) {
    report.hoversTried++;
    timed('hover', () => {
      const lineText = r.lineText(l);
      const kd = kdCommandAt(lineText, ch);
      if (kd && !(kd.start >= 0 && kd.start <= kd.end && kd.end <= lineText.length)) add(report.malformed, 'kd span outside its line', JSON.stringify({ ...kd, command: kd.command.slice(0, 40) }));
      r.blocks.find((b) => b.lines.some((x) => x.line === l));
      const t = termAt(r, l, ch);
      if (t) checkTerm(r, t, 'hover term', report);
      const q = r.questions.find((x) => x.line === l && x.start <= ch && ch <= x.end);
      if (q && q.entryId !== undefined && typeof q.entryId !== 'string') add(report.malformed, 'question topic is not an id', String(q.entryId));
    });
    timed('bindings', () => bindingsOnLine(r.lineText(l)));
    timed('explain', () => explainSelection(r.lineText(l)));
  }
  // An edit: one character typed into the middle, recognized again with the same cache (what each keystroke costs).
  const at = r0.int(text.length + 1);
  const editedText = text.slice(0, at) + r0.pick(['x', '\n', '`', '#', '<!-- ntlab:', '大']) + text.slice(at);
  const again = recognizeInSlices(editedText, cache);
  let r2: Recognition | undefined;
  for (let steps = 0; !r2 && steps <= editedText.length + 10; steps++) r2 = timed('edit', () => again.step());
  if (r2) {
    // The diagnostics of the edited line, as the pass reads it (a step at a time: a long line in windows).
    const line = r2.lineCount > 0 ? Math.min(r2.lineCount - 1, r0.int(r2.lineCount)) : 0;
    const editPass = new DiagnosticsPass(r2, [{ from: line, to: line + 1 }]);
    for (let done = false; !done;) done = timed('edit', () => editPass.step() || editPass.firstDone) ?? true;
  }
  return times;
}

export function emptyNotesReport(): NotesFuzzReport {
  return { docs: 0, chars: 0, exceptions: {}, malformed: {}, worst: {}, worstCpu: {}, worstMsPerMB: {}, kinds: {}, hoversTried: 0 };
}

/** Fuzzes the notes paths with `docs` documents of up to `maxChars` characters. */
export function fuzzNotes(o: NotesFuzzOptions, report: NotesFuzzReport = emptyNotesReport()): NotesFuzzReport {
  const r = new Rng(o.seed);
  const max = o.maxChars ?? 256 * 1024;
  for (let d = 0; d < o.docs; d++) {
    // Sizes spread over the decades up to the maximum (small files are the common case; large ones find the freezes).
    const chars = o.fullSize ? max : Math.max(1, Math.floor(max * Math.pow(10, -3 * r.next() * r.next())));
    const doc = notesDocument(r, chars, o.attackLines ?? []);
    report.docs++;
    report.chars += doc.text.length;
    report.kinds[doc.kind] = (report.kinds[doc.kind] ?? 0) + 1;
    const cpu: Partial<Record<NotesPath, number>> = {};
    const times = exerciseNotes(doc.text, r, report, doc.kind, o.hovers, cpu);
    const mb = Math.max(doc.text.length / (1024 * 1024), 1 / 64);
    for (const p of NOTES_PATHS) {
      const ms = times[p];
      if (ms === undefined) continue;
      if (ms > (report.worst[p]?.ms ?? -1)) report.worst[p] = { ms: Math.round(ms * 10) / 10, chars: doc.text.length, kind: doc.kind };
      const c = cpu[p] ?? 0;
      if (c > (report.worstCpu[p]?.ms ?? -1)) report.worstCpu[p] = { ms: Math.round(c * 10) / 10, chars: doc.text.length, kind: doc.kind };
      if (ms / mb > (report.worstMsPerMB[p]?.ms ?? -1)) report.worstMsPerMB[p] = { ms: Math.round((ms / mb) * 10) / 10, chars: doc.text.length, kind: doc.kind };
    }
  }
  return report;
}
