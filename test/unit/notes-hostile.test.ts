// Opening or editing a markdown file must never freeze the extension host (issue 19 items 1 and 8):
// no regex that backtracks, no machine built from the text, terms found only for the lines asked
// and cached per unchanged line. These inputs took seconds to minutes before; a regression shows up
// as a test that runs out of its time (the assertions count work, never wall time).
import { describe, expect, it, vi } from 'vitest';

// Spy on machine creation: nothing that runs on open may build one.
const created = vi.hoisted(() => ({ count: 0 }));
vi.mock('../../src/engine', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/engine')>();
  return { ...real, createSystem: (...args: Parameters<typeof real.createSystem>) => { created.count++; return real.createSystem(...args); } };
});

const { DiagnosticsPass } = await import('../../src/extension/notes/diagnose');
const { findLargePageClaims, largePageFact } = await import('../../src/extension/notes/facts');
const { recognize, TermCache } = await import('../../src/extension/notes/recognize');
const { bindingsOnLine } = await import('../../src/extension/notes/explain');

/** What the host does for a document on open and on each edit: recognition, then every diagnostic. */
function diagnoseAll(text: string, cache = new TermCache()) {
  const r = recognize(text, cache);
  return { r, findings: new DiagnosticsPass(r).run(), cache };
}

/** About `bytes` of ordinary English prose about the book, with a few terms and a slip on each paragraph. */
function prose(bytes: number): string {
  const paragraph = [
    'The memory manager keeps a working set for every process and trims it when memory is low.',
    'A page fault on a transition page is resolved from the standby list without any disk I/O.',
    'Each VAD describes a range; VirtualAlloc reserves and commits, and the KPORCESS holds the page directory.',
    '',
  ].join('\n');
  return paragraph.repeat(Math.ceil(bytes / paragraph.length));
}

describe('notes on hostile input: linear time, no machines', () => {
  it('reads a large-page line followed by thousands of digits without backtracking and without a machine', () => {
    const line = `a 4 MB large page allocation is ${'1'.repeat(200_000)}`;
    expect(findLargePageClaims(line)).toEqual([]);
    const withParts = `a 4 MB large page allocation is ${'1 '.repeat(100_000)}two 2 MB pages`;
    expect(findLargePageClaims(withParts)).toEqual([expect.objectContaining({ requestMB: 4, parts: [{ count: 2, sizeMB: 2 }] })]);
    expect(created.count).toBe(0);
  });

  it('checks 200 distinct large-page sizes (up to 400 GB) from the engine\'s rule, building no machine', () => {
    const lines = Array.from({ length: 200 }, (_, i) => `- 一个 ${(i + 1) * 2048 + 2} MB 的分配请求，得到 1 个 2 MB 的大页`);
    const { findings } = diagnoseAll(lines.join('\n'));
    const facts = findings.filter((f) => f.kind === 'simulatedFact');
    expect(facts).toHaveLength(200);
    expect(facts[0]).toMatchObject({ requestMB: 2050, hugePages: 2, largePages: 1 });
    expect(created.count).toBe(0);
  });

  it('computes the large-page fact in O(1) for any size, and refuses sizes the engine refuses', () => {
    expect(largePageFact(1040)).toEqual({ requestMB: 1040, hugePages: 1, largePages: 8 });
    expect(largePageFact(65536 * 1024)).toEqual({ requestMB: 65536 * 1024, hugePages: 65536, largePages: 0 });
    for (const bad of [0, -2, 3, 1.5, Number.MAX_VALUE, Infinity, NaN]) expect(largePageFact(bad), String(bad)).toBeNull();
  });

  it('recognizes a 1.7 MB single line with tens of thousands of terms (no spread of a huge array)', () => {
    const line = 'EPROCESS KPORCESS 缺页 page faults '.repeat(55_000);
    expect(line.length).toBeGreaterThan(1_700_000);
    const { r, findings } = diagnoseAll(line);
    expect(r.terms.length).toBe(220_000);
    expect(findings.filter((f) => f.kind === 'misspelling').length).toBe(1000); // capped for the Problems view
  });

  it('reads binding comments in linear time: 4,000 openers before one close are one comment (once took 73 s for 1,000)', () => {
    // HTML comments do not nest: everything up to the first `-->` is one comment, whose body here names no
    // concept, so nothing is bound; the opener scan goes on after that close, not at every opener.
    const line = '<!-- ntlab:"x"=PageFault '.repeat(4000) + '-->';
    expect(bindingsOnLine(line)).toEqual([]);
    const { r } = diagnoseAll(`${line}\nx marks a page fault`);
    expect(r.terms.some((t) => t.text === 'x')).toBe(false);
  });

  it('binds at most 256 words per file, each found once per occurrence (the per-line search stays bounded)', () => {
    const words = Array.from({ length: 1000 }, (_, i) => `w${String(i).padStart(4, '0')}`);
    const bindings = words.map((w) => `<!-- ntlab:"${w}"=PageFault -->`).join(' ');
    const { r } = diagnoseAll(`${bindings}\n${words.join(' ')}\n${bindings}`);
    const bound = r.terms.filter((t) => t.line === 1 && t.entryId === 'PageFault');
    expect(bound.length).toBe(256);
    expect(bound.map((t) => t.text)).toEqual(words.slice(0, 256));
  });

  it('survives lines built to make regexes backtrack (spaces, colons, link openers, dots, stars, hashes)', () => {
    const n = 100_000;
    const hostile = [
      `#${' '.repeat(n)}x`, `# a${' '.repeat(n)}#${' '.repeat(n)}x`, `**${' '.repeat(n)}stage`, `${' '.repeat(n)}**`,
      `${'](' .repeat(n)}`, `Ntoskrnl${'.'.repeat(n)}x`, `${':'.repeat(n)} x`, `${'**'.repeat(n)}`,
      `打个${' '.repeat(n)}x`, `${'1'.repeat(n)}. **x`, `- ${'*'.repeat(n)}`, `Stage${' '.repeat(n)}3A`, `\`\`\`${' '.repeat(n)}x`,
    ];
    const { r } = diagnoseAll(hostile.join('\n'));
    expect(r.lineCount).toBe(hostile.length);
    expect(r.headings.find((h) => h.line === 11)).toMatchObject({ style: 'stage', stage: '3A' });
  });

  it('recognizes 5 MB of prose on open without looking for terms; the lines in view cost only themselves', () => {
    const text = prose(5 * 1024 * 1024);
    const cache = new TermCache();
    const r = recognize(text, cache);
    expect(r.lineCount).toBeGreaterThan(50_000);
    expect(cache.computed, 'open finds no terms').toBe(0);
    // A screen of 60 lines in the middle: the hover and the first diagnostics pass look at those lines only.
    const from = 39_999; // the prose repeats every three lines
    for (let line = from; line < from + 60; line++) r.termsOnLine(line);
    expect(cache.computed).toBeLessThanOrEqual(60);
    expect(r.termsOnLine(from + 2).map((t) => t.entryId)).toEqual(expect.arrayContaining(['VAD', 'VirtualAlloc', 'KPROCESS']));
  });

  it('after an edit, only the changed line is looked at again', () => {
    const text = prose(1024 * 1024);
    const { cache, findings } = diagnoseAll(text);
    const distinct = cache.computed;
    expect(distinct).toBeLessThan(10); // the prose repeats: one computation per distinct line
    expect(findings.filter((f) => f.kind === 'misspelling').length).toBe(1000); // one per paragraph, capped
    const lines = text.split('\n');
    // A line before the 1,000th slip (past it, terms are no longer looked up at all).
    lines[500] = 'A new line about the zero page thread and the PFN database.';
    const before = cache.computed;
    diagnoseAll(lines.join('\n'), cache);
    expect(cache.computed - before).toBe(1);
  });

  it('orders the diagnostics pass with the lines in view first, in small steps that look at every line once', () => {
    const r = recognize(prose(300 * 1024));
    const pass = new DiagnosticsPass(r, [{ from: 1000, to: 1050 }]);
    let steps = 0;
    while (!pass.firstDone) { pass.step(); steps++; }
    // The lines in view, and only they: their slips (one KPORCESS per paragraph of three lines).
    expect(pass.findings.length).toBeGreaterThan(0);
    expect(pass.findings.every((f) => f.kind === 'misspelling' && f.line >= 1000 && f.line < 1050)).toBe(true);
    const inView = pass.findings.length;
    while (!pass.step()) steps++;
    expect(steps).toBeGreaterThan(10);
    // Every line once: each paragraph's slip, none twice.
    const lines = pass.findings.map((f) => (f.kind === 'misspelling' ? f.line : -1));
    expect(new Set(lines).size).toBe(lines.length);
    const paragraphs = Math.floor(r.lineCount / 3); // three lines each, the slip on the third
    expect(paragraphs).toBeGreaterThan(500);
    expect(lines.length).toBe(Math.min(1000, paragraphs));
    expect(inView).toBe(17); // lines 1001, 1004, ..., 1049
  });
});

describe('a hover on a very long line', () => {
  it('looks at a window around the pointer, not the whole line, and finds the same term there', async () => {
    const { termAt } = await import('../../src/extension/notes/recognize');
    const line = 'EPROCESS KPORCESS 缺页 page faults '.repeat(55_000);
    const cache = new TermCache();
    const r = recognize(line, cache);
    const at = line.indexOf('page faults', 1_000_000) + 3;
    expect(termAt(r, 0, at)).toMatchObject({ text: 'page faults', entryId: 'PageFault' });
    const slip = line.indexOf('KPORCESS', 900_000);
    expect(termAt(r, 0, slip)).toMatchObject({ start: slip, text: 'KPORCESS', suggestion: 'KPROCESS' });
    expect(cache.computed, 'the line as a whole was never looked at').toBe(0);
  });
});
