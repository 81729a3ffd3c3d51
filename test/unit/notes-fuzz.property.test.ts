// The notes fuzzer's bounded slice (issue 19 items 1 and 8): the same generators as the long
// campaign (test/fuzz/notes.ts, run by hand with `node scripts/fuzz.mjs notes`), small documents,
// plus one regression test per fault the campaign found. Times are measured by the campaign, not
// asserted here.
import { describe, expect, it } from 'vitest';
import { documentFindings, MAX_PARSE_ERRORS } from '../../src/extension/notes/diagnose';
import { parseBlock } from '../../src/extension/notes/language';
import { recognize } from '../../src/extension/notes/recognize';
import { fuzzNotes, regexAttackLines, regexLiterals, sourceRegexes } from '../fuzz/notes';

describe('notes fuzz, short runs', () => {
  it('finds the regex literals of a source, and not division or comments', () => {
    const found = regexLiterals([
      'const a = /ab+c/gi;', 'const b = x / y / z; // not /a regex/', "const s = '/not/';", 'if (/^\\d+$/.test(t)) f(/[/]x/);', 'return /q/.exec(s);',
    ].join('\n'));
    expect(found.map((r) => r.toString())).toEqual(['/ab+c/gi', '/^\\d+$/', '/[/]x/', '/q/']);
  });

  it('hostile markdown through every path run on open, edit and hover: no exception, every result well formed', () => {
    const regexes = sourceRegexes();
    // The notes and shared code have dozens of regexes; each gets lines built against it.
    expect(regexes.length).toBeGreaterThan(25);
    const attackLines = regexAttackLines(regexes, 2_000);
    expect(attackLines.length).toBeGreaterThan(regexes.length);
    const report = fuzzNotes({ seed: 19, docs: 60, maxChars: 24 * 1024, attackLines, hovers: 16 });
    expect(report.exceptions).toEqual({});
    expect(report.malformed).toEqual({});
    // The run did what it claims: documents of most kinds, hovers, timing of every path.
    expect(report.docs).toBe(60);
    expect(Object.keys(report.kinds).length).toBeGreaterThanOrEqual(10);
    expect(report.hoversTried).toBeGreaterThan(60 * 16);
    expect(Object.keys(report.worst)).toEqual(expect.arrayContaining(['recognize', 'recognizeStep', 'diagnosticsStep', 'documentFindings', 'hover', 'edit', 'facts']));
  }, 240_000);
});

describe('faults the notes fuzzer found', () => {
  it('white space other than space and tab separates ntlab tokens (an ideographic space in a block looped forever)', () => {
    for (const ws of ['\u3000', '\u00a0', '\ufeff', '\r', '\v', '\f']) {
      const spaced = parseBlock([{ line: 1, text: 'alloc 64K rw' }, { line: 2, text: '$x = touch $last write' }, { line: 3, text: '526047 x' }]);
      const odd = parseBlock([{ line: 1, text: `alloc${ws}64K${ws}rw` }, { line: 2, text: `$x${ws}=${ws}touch $last${ws}write${ws}` }, { line: 3, text: `526047 ${ws} x` }]);
      expect(odd).toEqual(spaced);
      expect(spaced.statements).toHaveLength(2);
    }
    // Through recognition and diagnostics, as opening the file runs them.
    const r = recognize('# Notes\n\n```ntlab\nalloc\u300064K\u3000rw\n526047 \ufeff \n```\n');
    expect(documentFindings(r).map((f) => f.kind)).toEqual(['parse']);
  });

  it('a character whose lower case is longer (İ) does not move the terms after it', () => {
    const line = 'İİ notes: the Working set and VirtualAlloc';
    const r = recognize(`# Memory\n${line}`);
    const terms = r.termsOnLine(1);
    expect(terms.map((t) => t.text)).toEqual(['Working set', 'VirtualAlloc']);
    for (const t of terms) expect(line.slice(t.start, t.end)).toBe(t.text);
  });

  it('plain words on a very long line are confirmed by binary search, not a scan per word (a 5 MB line took minutes)', () => {
    // No sentence ends: the whole line is one sentence; each plain word ("commit") is confirmed by the kernel term in it.
    const unit = 'commit the page table and the token then commit ';
    const line = `VirtualAlloc ${unit.repeat(8000)}`;
    const r = recognize(`## Misc\n${line}\nTODO\n`);
    const terms = r.termsOnLine(1);
    const commits = terms.filter((t) => t.text === 'commit');
    expect(commits).toHaveLength(16000);
    for (const t of terms.slice(0, 50)) expect(line.slice(t.start, t.end)).toBe(t.text);
  });

  it('a file of same-level headings finds each heading\'s parent in one pass', () => {
    const text = ['# Virtual memory', ...Array.from({ length: 5000 }, () => '## Overview\nsome text')].join('\n');
    const r = recognize(text);
    const topic = r.headings[0]!.entryId;
    expect(topic).toBeDefined();
    // A generic sub-heading takes its parent's topic: found for the first 4,096 (PARENT_SCAN), not past them.
    expect(r.headings[1]!.entryId).toBe(topic);
    expect(r.headings[4096]!.entryId).toBe(topic);
    expect(r.headings[4097]!.entryId).toBeUndefined();
  });

  it('diagnostics parse at most MAX_PARSE_ERRORS errors per document (an unclosed fence over a large file of prose)', () => {
    const prose = Array.from({ length: 3 * MAX_PARSE_ERRORS }, (_, i) => `line ${i} of ordinary prose about page faults`);
    const r = recognize(['# Notes', '```ntlab', 'alloc 64K rw', ...prose].join('\n'));
    expect(r.blocks).toHaveLength(1);
    expect(r.blocks[0]!.closed).toBe(false);
    const parse = documentFindings(r).filter((f) => f.kind === 'parse');
    expect(parse).toHaveLength(MAX_PARSE_ERRORS);
    // The first errors are the first bad lines, in order.
    expect(parse.slice(0, 3).map((f) => f.kind === 'parse' && f.error.line)).toEqual([3, 4, 5]);
    // Two blocks share the budget.
    const two = recognize(['```ntlab', ...prose.slice(0, MAX_PARSE_ERRORS - 10), '```', '```ntlab', ...prose.slice(0, 50), '```'].join('\n'));
    expect(documentFindings(two).filter((f) => f.kind === 'parse')).toHaveLength(MAX_PARSE_ERRORS);
    // Without a limit (Run), every line is parsed: the count a Run reports is the block's own.
    expect(parseBlock(r.blocks[0]!.lines).errors).toHaveLength(prose.length);
    expect(parseBlock(r.blocks[0]!.lines, 3).errors).toHaveLength(3);
  });
});
