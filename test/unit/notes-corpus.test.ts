// Recognition on notes the glossary was not written from (issue 15): twelve notes files in the
// styles of public learners' notes on chapters 2, 3 and 5 (English, Chinese and mixed; our own
// text), each with a labeled list of the terms and headings a reader expects the simulation to
// explain (test/fixtures/corpus/*.expected.json). Prints recall and precision per file.
//   term recall:    labeled terms (distinct texts) recognized with the labeled topic at least once;
//   term precision: recognized spans that are a labeled term with that topic (anything else is a
//                   hover on a word nobody asked about);
//   heading recall: labeled headings recognized with the labeled topic.
// Measured before the glossary was extended for these notes: term recall 66.8%, precision 95.3%,
// heading recall 61.8%. The labels were written with the corpus, by the same hand as the glossary:
// read these figures as "no regression", not as recall on unseen notes.
//
// The files named unseen-* were written later, in styles read in public learners' notes (Obsidian
// front matter and ==highlights==, bold lead lines with routine names and priorities, emoji blog
// headings, `## 0x01` Chinese blog sections, 一、二、 reading notes), and labeled BEFORE the
// recognizer was run on them: they are scored and reported as their own group (recall on notes the
// glossary was not written from). Measured first, before any change for them: see UNSEEN_FIRST.
// That measure is spent: words from those files were later added to the glossary, so they are now a
// regression guard only. The held-out-* files are the measure of notes the glossary was not written
// from (see HELDOUT_FIRST and the table above it).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { GLOSSARY } from '../../src/extension/notes/glossary';
import { recognize, type TermMatch } from '../../src/extension/notes/recognize';

const dir = path.join(__dirname, '../fixtures/corpus');
const files = fs.readdirSync(dir).filter((f) => f.endsWith('.md')).sort();
const isUnseen = (f: string): boolean => f.startsWith('unseen-');
const isHeldout = (f: string): boolean => f.startsWith('heldout-');
const isFresh = (f: string): boolean => f.startsWith('fresh-');
const isBlind = (f: string): boolean => f.startsWith('blind-');
const ids = new Set(GLOSSARY.map((e) => e.id));

interface Labels { terms: Record<string, string>; headings: Record<string, string> }

interface Score {
  file: string; termRecall: number; termPrecision: number; headingRecall: number; headingPrecision: number;
  /** Every word-bounded place a labeled text is written, recognized with its topic (stricter than termRecall). */
  occurrenceRecall: number; missedPlaces: string[];
  missed: string[]; wrong: string[]; missedHeadings: string[]; wrongHeadings: string[];
}

function score(file: string): Score {
  const text = fs.readFileSync(path.join(dir, file), 'utf8');
  const labels = JSON.parse(fs.readFileSync(path.join(dir, file.replace(/\.md$/, '.expected.json')), 'utf8')) as Labels;
  const r = recognize(text);
  const lines = text.split('\n');
  // Every occurrence of a labeled text (case-insensitive), with its topic.
  const occurrences: Array<{ line: number; start: number; end: number; label: string; id: string }> = [];
  for (const [label, id] of Object.entries(labels.terms)) {
    const lower = label.toLowerCase();
    lines.forEach((l, line) => {
      for (let at = l.toLowerCase().indexOf(lower); at >= 0; at = l.toLowerCase().indexOf(lower, at + 1)) occurrences.push({ line, start: at, end: at + label.length, label, id });
    });
  }
  const overlaps = (t: TermMatch, o: { line: number; start: number; end: number }) => t.line === o.line && t.start < o.end && o.start < t.end;
  const found = new Set<string>();
  const wrong: string[] = [];
  let good = 0;
  for (const t of r.terms) {
    const hit = occurrences.filter((o) => o.id === t.entryId && overlaps(t, o));
    if (hit.length) { good++; for (const o of hit) found.add(o.label); } else wrong.push(`${t.text}->${t.entryId}`);
  }
  const missed = Object.keys(labels.terms).filter((l) => !found.has(l));
  // Occurrence recall: each place a label is written as a whole word (not inside a longer word, and not
  // inside a longer label's place with another topic: "thread" in "zero page thread") must be recognized
  // with the label's topic. termRecall counts a label once any place is; this counts every place.
  const isWord = (l: string, i: number): boolean => /[A-Za-z0-9_]/.test(l[i] ?? '');
  const places = occurrences.filter((o) => {
    const l = lines[o.line]!;
    const asciiEdge = (i: number) => /[A-Za-z0-9_]/.test(l[i] ?? ' ');
    if ((asciiEdge(o.start) && isWord(l, o.start - 1)) || (asciiEdge(o.end - 1) && isWord(l, o.end))) return false;
    return !occurrences.some((x) => x !== o && x.line === o.line && x.id !== o.id && x.start <= o.start && o.end <= x.end && x.end - x.start > o.end - o.start);
  });
  const missedPlaces = places.filter((o) => !r.terms.some((t) => t.entryId === o.id && overlaps(t, o))).map((o) => `${o.label}@${o.line + 1}`);
  const missedHeadings = Object.entries(labels.headings).filter(([h, id]) => !r.headings.some((x) => x.text === h && x.entryId === id)).map(([h]) => h);
  // Heading precision: headings given a topic (a lens) that is the labeled one; a lens on a heading
  // nobody labeled, or to another topic, counts against it.
  const topical = r.headings.filter((x) => x.entryId !== undefined);
  const wrongHeadings = topical.filter((x) => labels.headings[x.text] !== x.entryId).map((x) => `${x.text}->${x.entryId}`);
  const n = Object.keys(labels.terms).length;
  const hn = Object.keys(labels.headings).length;
  return {
    file, termRecall: (n - missed.length) / n, termPrecision: r.terms.length ? good / r.terms.length : 1,
    headingRecall: hn ? (hn - missedHeadings.length) / hn : 1, headingPrecision: topical.length ? (topical.length - wrongHeadings.length) / topical.length : 1,
    occurrenceRecall: places.length ? (places.length - missedPlaces.length) / places.length : 1, missedPlaces,
    missed, wrong, missedHeadings, wrongHeadings,
  };
}

describe('notes corpus: recognition that generalizes', () => {
  it('has at least twelve labeled files whose labels name real glossary topics', () => {
    expect(files.length).toBeGreaterThanOrEqual(12);
    for (const f of files) {
      const labels = JSON.parse(fs.readFileSync(path.join(dir, f.replace(/\.md$/, '.expected.json')), 'utf8')) as Labels;
      for (const id of [...Object.values(labels.terms), ...Object.values(labels.headings)]) expect(ids.has(id), `${f}: ${id}`).toBe(true);
    }
  });

  const report = (group: readonly string[], title: string) => {
    const scores = group.map(score);
    const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
    const mean = (k: 'termRecall' | 'termPrecision' | 'headingRecall' | 'headingPrecision' | 'occurrenceRecall') => scores.reduce((a, s) => a + s[k], 0) / scores.length;
    console.log([`${title}\n` + 'file'.padEnd(44) + 'term recall  precision  heading recall  precision  every place',
      ...scores.map((s) => `${s.file.padEnd(44)}${pct(s.termRecall).padStart(11)}${pct(s.termPrecision).padStart(11)}${pct(s.headingRecall).padStart(16)}${pct(s.headingPrecision).padStart(11)}${pct(s.occurrenceRecall).padStart(13)}`
        + (s.missed.length ? `\n    missed: ${s.missed.join(', ')}` : '') + (s.wrong.length ? `\n    unlabeled: ${s.wrong.join(', ')}` : '')
        + (s.missedPlaces.length && s.missedPlaces.length <= 40 ? `\n    places missed: ${s.missedPlaces.join(', ')}` : '')
        + (s.missedHeadings.length ? `\n    headings missed: ${s.missedHeadings.join(', ')}` : '')
        + (s.wrongHeadings.length ? `\n    headings unlabeled: ${s.wrongHeadings.join(', ')}` : '')),
      `mean: term recall ${pct(mean('termRecall'))}, precision ${pct(mean('termPrecision'))}, heading recall ${pct(mean('headingRecall'))}, heading precision ${pct(mean('headingPrecision'))}, every place ${pct(mean('occurrenceRecall'))}`,
    ].join('\n'));
    return mean;
  };

  it('reports recall and precision per file (the corpus written with the glossary)', () => {
    const mean = report(files.filter((f) => !isUnseen(f) && !isHeldout(f) && !isFresh(f) && !isBlind(f)), 'Corpus written with the glossary changes:');
    // Floors at what this build measures, so recognition cannot quietly get worse.
    expect(mean('termRecall')).toBeGreaterThanOrEqual(RECALL_FLOOR);
    expect(mean('termPrecision')).toBeGreaterThanOrEqual(PRECISION_FLOOR);
    expect(mean('headingRecall')).toBeGreaterThanOrEqual(HEADING_FLOOR);
  });

  it('reports recall and precision on the unseen files separately', () => {
    const unseen = files.filter(isUnseen);
    expect(unseen.length).toBeGreaterThanOrEqual(4);
    const mean = report(unseen, `Unseen notes (labeled before recognition ran; first measured: ${UNSEEN_FIRST}):`);
    expect(mean('termRecall')).toBeGreaterThanOrEqual(UNSEEN_RECALL_FLOOR);
    expect(mean('termPrecision')).toBeGreaterThanOrEqual(UNSEEN_PRECISION_FLOOR);
    expect(mean('headingRecall')).toBeGreaterThanOrEqual(UNSEEN_HEADING_FLOOR);
  });

  it('reports recall and precision on the held-out files separately', () => {
    const heldout = files.filter(isHeldout);
    expect(heldout.length).toBeGreaterThanOrEqual(4);
    const mean = report(heldout, `Held-out notes (labels committed before recognition first ran on them; first run: ${HELDOUT_FIRST}):`);
    // The issue's aim, not a figure measured on these files: term recall >= 95%.
    expect(mean('termRecall')).toBeGreaterThanOrEqual(ISSUE_RECALL_AIM);
  });

  it('reports recall and precision on the fresh held-out files separately', () => {
    const fresh = files.filter(isFresh);
    expect(fresh.length).toBeGreaterThanOrEqual(4);
    const mean = report(fresh, `Fresh held-out notes (labels committed before recognition first ran on them; first run: ${FRESH_FIRST}):`);
    // The issue's aims (term and heading recall >= 95%), met by the general heading rules, not by these files' phrases.
    expect(mean('termRecall')).toBeGreaterThanOrEqual(ISSUE_RECALL_AIM);
    expect(mean('headingRecall')).toBeGreaterThanOrEqual(ISSUE_RECALL_AIM);
  });

  it('reports recall and precision on the session-23 held-out files separately', () => {
    const blind = files.filter(isBlind);
    expect(blind.length).toBeGreaterThanOrEqual(3);
    const mean = report(blind, `Session-23 held-out notes (labels committed before recognition first ran on them; first run: ${BLIND_FIRST}):`);
    // The issue's aim for terms, and no more lenses or hovers on what nobody asked about than the other sets.
    expect(mean('termRecall')).toBeGreaterThanOrEqual(ISSUE_RECALL_AIM);
    expect(mean('termPrecision')).toBeGreaterThanOrEqual(PRECISION_FLOOR);
    expect(mean('headingPrecision')).toBeGreaterThanOrEqual(PRECISION_FLOOR);
  });
});

/**
 * The held-out files (heldout-*: 2 English, 2 Chinese) were written and labeled after the unseen set
 * was spent, and the labels committed (5b1668a) before the recognizer first ran on them. Per file,
 * term recall / precision / heading recall / heading precision:
 *                                         first run                 after the ordinary-word work     after general fixes
 *   heldout-en-findings-ch5-virtual-memory  97.8 / 94.7 /  50.0 /  66.7   97.8 / 96.4 / 50.0 /  66.7   97.8 / 96.4 /  50.0 /  66.7
 *   heldout-en-fundamentals-ch2-ch3         89.8 / 93.1 /  85.7 /  85.7   93.2 / 94.6 / 85.7 /  85.7   96.6 / 94.7 / 100.0 / 100.0
 *   heldout-zh-ch2-系统结构笔记               85.7 / 77.1 /  50.0 /  66.7   96.4 / 88.2 / 75.0 / 100.0   96.4 / 88.2 /  75.0 / 100.0
 *   heldout-zh-ch3-ch5-进程与内存             100.0 / 95.8 /  88.9 / 100.0  100.0 / 95.8 / 88.9 / 100.0  100.0 / 95.8 / 100.0 / 100.0
 *   mean                                    93.3 / 90.2 /  68.7 /  79.8   96.9 / 93.8 / 74.9 /  88.1   97.7 / 93.8 /  81.3 /  91.7
 * The general fixes: each part of a dotted name (EPROCESS.ActiveProcessLinks), Se*Privilege constants,
 * a sentence starting "Stage 2 opens…" is no stage heading, "A的B" and "X vs Y" headings name A / X,
 * "Creating a process" names process creation. No alias was added from these files. Their remaining
 * "unlabeled" hovers are kernel senses the labels left out (thread, 线程, tokens, page lists); none is
 * an ordinary-sense word (the git "committed", "handle the memory chapter", 读书会的作业 get none).
 * Re-run after the fresh set's general heading rules (see FRESH_FIRST): 98.7 / 93.9 / 81.3 / 91.7 mean;
 * no file lower ("memory manager" now hovers as chapter 5's topic, which two of these labels ask for).
 */
const HELDOUT_FIRST = 'term recall 93.3%, precision 90.2%, heading recall 68.7%, heading precision 79.8%';
/**
 * The fresh held-out files (fresh-*: 2 English, 2 Chinese, in the styles of public learners' notes:
 * a GitHub notes repo with emoji-numbered headings and a table, an Obsidian study guide that follows
 * the book's section titles, a CSDN post with 一、/1.1 numbering, a Zhihu post mixing Chinese and
 * English with a link and code in headings) were written and labeled after the held-out set was spent;
 * the labels were committed (ab8b6e8) before the recognizer first ran on them. They name four
 * not-modelled concepts (AWE, pool, system PTEs, session space) that had no entry then. Per file,
 * term recall / precision / heading recall / heading precision:
 *                                         first run                       after the general heading rules
 *   fresh-en-repo-notes-ch2-ch3            98.5 / 98.8 /  60.0 /  81.8     98.5 / 98.8 / 100.0 /  93.8
 *   fresh-en-study-guide-ch5-memory        87.9 / 97.2 /  61.9 /  59.1    100.0 / 96.7 /  95.2 /  80.0
 *   fresh-zh-csdn-进程线程与系统架构         93.7 / 97.8 /  87.5 /  82.4     98.4 / 97.9 / 100.0 /  88.9
 *   fresh-zh-zhihu-第5章内存管理             85.4 / 96.7 / 100.0 /  88.9     95.8 / 97.0 / 100.0 / 100.0
 *   mean                                   91.4 / 97.6 /  77.4 /  78.0     98.2 / 97.6 /  98.8 /  90.7
 * What changed (general, none of it a phrase of these files): headingTopic in terms.ts (frames such as
 * "What is …?", "How … works", "… internals", 是什么/一览/概述; joiners with a shared noun; 的 with its
 * fillers; "X of Y" with a head that says nothing; gerunds to nouns; singular/plural; markup; a generic
 * sub-heading takes its parent's topic; a compound's first word only where the section confirms it);
 * Chinese terms with or without 的 and the space between Latin and Chinese; the book's section titles
 * as heading terms (Architecture overview, Locking memory, In-paging I/O, Page list dynamics…);
 * not-modelled entries (AWE, Pool, SystemPTEs, SessionSpace; MemoryCompression and SuperFetch moved to
 * the same generic form), whose headings get no lens. Left as measured: five of the seven heading
 * "misses" of precision are bold list items (`1. **demand-zero fault** — …`, `- **Ntoskrnl.exe**：…`)
 * read as lead lines and given their right topic, which the labels did not list; "Thread scheduling"
 * gets the Threads lens (the labels said none; the engine does model thread states); "Reserving and
 * committing pages" gets Commit (labeled VirtualAlloc; the older corpus labels "Reserving vs
 * committing" Commit, so an English "reserve" alias was left out rather than regress it). Term
 * misses: MEM_* and UniqueProcessId inside code fences (recognition skips fences by design), "Reserve".
 */
const FRESH_FIRST = 'term recall 91.4%, precision 97.6%, heading recall 77.4%, heading precision 78.0%';
/**
 * The session-23 held-out files (blind-*: a terse English cheat sheet with setext headings, English
 * Q&A flashcards with "Q7: how does …?" headings and bold answer/leech lines, a Chinese review outline
 * with 问/答 lines, 顿号 lists and question headings) were written and labeled after the reviewer's
 * misses were known, and the labels committed (56af2ea) before the recognizer first ran on them.
 * "every place" counts each whole-word place a label is written (termRecall counts a label once).
 * Per file, term recall / precision / heading recall / heading precision / every place:
 *                                         first run
 *   blind-en-cheatsheet-ch3-ch5             79.1 /  98.7 /   0.0 /   0.0 / 78.4
 *   blind-en-flashcards-ch2-ch5             90.7 / 100.0 /  76.9 /  66.7 / 86.8
 *   blind-zh-复习提纲-进程与内存              88.6 / 100.0 /  85.7 /  85.7 / 89.0
 *   mean                                    86.1 /  99.6 /  54.2 /  50.8 / 84.7
 *                                         after the general fixes
 *   blind-en-cheatsheet-ch3-ch5             93.0 /  97.8 /  40.0 / 100.0 / 94.1
 *   blind-en-flashcards-ch2-ch5             97.3 / 100.0 /  84.6 /  91.7 / 94.5
 *   blind-zh-复习提纲-进程与内存              96.2 /  99.0 / 100.0 / 100.0 / 97.2
 *   mean                                    95.5 /  98.9 /  74.9 /  97.2 / 95.3
 * What changed (general rules, none of them a phrase of these files; no alias from them): only ATX and
 * setext headings, stage lines and a paragraph that is one bold run are headings (bold list items,
 * bold sentence leads and a bold question over its answer are emphasis); question headings by their
 * subject (`Q7:` labels, wh-word + auxiliaries + adverbs, "which <noun> …", 为什么需要…, …由哪些…, 分几步);
 * lists sharing a head noun (English and 顿号); "<field> bit/flag/field" and 有效位 for the PTE fields of
 * the public symbols; "compressed memory"; "views of a section"; "soft (transition) fault"; -ed/-ing of
 * plain words; the glossary's own names job(s), pool(s), section(s), standby, transition as plain words
 * (context-confirmed; "this section", "section 5.2", "two jobs" are not). Left as measured: setext
 * headings whose words name no glossary topic ("Creation, in one breath", "Memory — the bits…",
 * "Faults"), "Reserve vs. commit" (no English "reserve" alias, see FRESH_FIRST), a book title, the words
 * the glossary has no name for (MemCompression, ProcessParameters, 零化, 坏页链表, ch3/ch5, bare "prototype"),
 * "Handles" as a plain word (a verb too often), "section object" inside "a view of a section object".
 * The older files' labels changed with these rules: their bold list items (en-ch5-paging, the Obsidian
 * file's six system threads) are no headings now, and the kernel senses the new rules find that their
 * labels left out were added (committed memory, (sections), standby/modified, Dirty/Accessed bits, jobs…);
 * their figures did not go down (every file's term recall and precision as before or higher).
 */
const BLIND_FIRST = 'term recall 86.1%, precision 99.6%, heading recall 54.2%, heading precision 50.8%, every place 84.7%';
const ISSUE_RECALL_AIM = 0.95;
const RECALL_FLOOR = 0.95;
const PRECISION_FLOOR = 0.95;
const HEADING_FLOOR = 0.95;
/** The unseen files as first measured, before any change made for them. */
const UNSEEN_FIRST = 'term recall 91.2%, precision 97.0%, heading recall 67.9%';
// Floors at what this build measures on them after the general fixes (chapter titles of earlier
// editions, structure fields, Chinese variants such as 地址翻译 / 修改链表 / 控制区, numbered and emoji
// headings, the first of two joined topics, creation stages in running text): 97.9% / 95.6% / 95.0%.
// The earlier corpus measures 100% / 95.4% / 98.8% with them: its labels do not name the stages,
// the 用户空间 / 系统空间 or the kernel objects its text mentions, which recognition now explains.
const UNSEEN_RECALL_FLOOR = 0.97;
const UNSEEN_PRECISION_FLOOR = 0.95;
const UNSEEN_HEADING_FLOOR = 0.95;
