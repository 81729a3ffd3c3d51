// Issue 15, the forms the session-22 reviewer's notes showed were not generalised, as classes rather than
// words: inflections of every glossary phrase in any context, lists that share a head noun, a structure's
// fields written as "<field> bit", question and numbered headings, and what is (not) a heading. Each case
// is text written for this test, not a line of the corpus; the per-concept checks run over the whole glossary.
import { describe, expect, it } from 'vitest';
import { decodePte, PTE_LAYOUTS, PTE_PROTOTYPE, PTE_TRANSITION, PTE_VALID } from '../../src/engine/mm/pte';
import { entry, GLOSSARY } from '../../src/extension/notes/glossary';
import { recognize } from '../../src/extension/notes/recognize';
import { findLineTerms, headingTopic } from '../../src/extension/notes/terms';

/** The entry recognized over `word` in `line` (the first term that covers its first character). */
const topicAt = (line: string, word: string): string | undefined => {
  const at = line.indexOf(word);
  if (at < 0) throw new Error(`no ${word} in ${line}`);
  return findLineTerms(line, undefined).find((t) => t.start <= at && at < t.end)?.entryId;
};
/** The topic recognition gives the heading on the first line of a markdown text. */
const headingOn = (markdown: string, text: string): string | undefined => recognize(markdown).headings.find((h) => h.text === text)?.entryId;
const headingLines = (markdown: string): string[] => recognize(markdown).headings.map((h) => h.text);

describe('every glossary phrase in the forms people write it', () => {
  // The strong multi-word English terms of every entry (plain and heading-only words need context).
  const phrases = GLOSSARY.filter((e) => e.category !== 'stage')
    .flatMap((e) => e.terms.filter((t) => /^[A-Za-z][A-Za-z -]*[a-z]$/.test(t) && t.includes(' ')).map((t) => [t, e.id] as const));

  it('has phrases to check', () => expect(phrases.length).toBeGreaterThan(60));

  it('in parentheses, quotes, brackets and emphasis, capitalised at a sentence start, possessive, plural and in a hyphenated compound', () => {
    const wrong: string[] = [];
    for (const [term, id] of phrases) {
      const cap = term[0]!.toUpperCase() + term.slice(1);
      const plural = /s$/.test(term) ? term : `${term}s`;
      for (const [line, word] of [
        [`Two things share it (yes, via ${plural}).`, plural], [`Windows 10 added "${cap}" to the mix.`, cap], [`See [${term}] above.`, term],
        [`The *${term}* and the rest.`, term], [`${cap} comes next in these notes.`, cap], [`The ${term}'s size is fixed.`, term],
        [`A ${term}-related detail.`, term], [`「${term}」は`, term],
      ] as const) {
        const got = topicAt(line, word);
        if (got !== id) wrong.push(`${line} -> ${got ?? 'nothing'} (want ${id})`);
      }
    }
    expect(wrong).toEqual([]);
  });
});

describe('lists that share a head noun', () => {
  it.each([
    ['Pages leave the zeroed or free lists first.', ['zeroed', 'free lists'], 'PageLists'],
    ['Drivers allocate from the nonpaged and paged pools.', ['nonpaged', 'paged pools'], 'Pool'],
    ['Trimmed pages go to the standby/modified page lists.', ['standby', 'modified page lists'], 'PageLists'],
    ['A valid PTE carries the Dirty and Accessed bits.', ['Dirty', 'Accessed bits'], 'PTE'],
    ['The present, R/W and NX bits are the hardware\'s.', ['present', 'R/W', 'NX bits'], 'PTE'],
    ['页面在零页、空闲和备用链表之间移动。', ['零页', '空闲', '备用链表'], 'PageLists'],
    ['驱动从分页与非分页池分配。', ['分页', '非分页池'], 'Pool'],
  ])('%s', (line, words, id) => {
    for (const w of words) expect(topicAt(line, w), w).toBe(id);
  });

  it('a part that names nothing with the head is left alone, and the list goes on past it', () => {
    const line = 'Pages sit on the free, shiny and standby lists.';
    expect(topicAt(line, 'free')).toBe('PageLists');
    expect(findLineTerms(line, undefined).some((t) => t.text === 'shiny')).toBe(false);
    // A word before a joiner that is no list of pages: "memory and the standby list" gives "memory" nothing.
    expect(findLineTerms('It frees memory and the standby list shrinks.', undefined).map((t) => t.text)).toEqual(['standby list']);
  });
});

describe('a structure\'s fields name the structure', () => {
  it.each([
    ['The valid bit is clear, so the fault handler looks at the rest.', 'valid bit'],
    ['Hardware sets the accessed flag on each touch.', 'accessed flag'],
    ['With the no-execute bit set, a jump there faults.', 'no-execute bit'],
    ['The prototype bit says the PTE points at a prototype PTE.', 'prototype bit'],
    ['A set transition bit means the page is still in memory.', 'transition bit'],
    ['The PageFrameNumber field holds the frame.', 'PageFrameNumber field'],
    ['The copy-on-write bit is a software bit.', 'copy-on-write bit'],
    ['无效时看原型位和转换位。', '原型位'], ['无效时看原型位和转换位。', '转换位'], ['硬件写入时设置脏位。', '脏位'],
  ])('%s (%s)', (line, word) => expect(topicAt(line, word)).toBe('PTE'));

  it('lists every field the simulation decodes in a PTE (engine/mm/pte.ts decodePte), in both layouts', () => {
    const listed = new Set((entry('PTE').fields ?? []).map((f) => f.name));
    const decoded = new Set<string>();
    for (const layout of Object.values(PTE_LAYOUTS)) {
      for (const lo of [PTE_VALID, PTE_TRANSITION, PTE_PROTOTYPE, 0x80, 0x1000_0080]) for (const f of Object.keys(decodePte(lo, 0, layout).fields)) decoded.add(f);
    }
    expect(decoded.size).toBeGreaterThan(10);
    expect([...decoded].filter((f) => !listed.has(f))).toEqual([]);
  });

  it('does not turn the words alone into the structure', () => {
    expect(findLineTerms('The result is valid, and the dirty laundry can wait.', undefined)).toEqual([]);
  });
});

describe('other inflections', () => {
  it('reads a noun in -ion as the participle before its noun, and the head of "X of Y" in the plural', () => {
    expect(topicAt('Windows keeps compressed memory in a store.', 'compressed memory')).toBe('MemoryCompression');
    expect(topicAt('Protected memory faults on a write.', 'Protected memory')).toBe('VirtualProtect');
    expect(topicAt('Two views of a section can overlap.', 'views of a section')).toBe('MapViewOfFile');
  });

  it('reads a modifier and its noun around an aside in brackets', () => {
    expect(topicAt('A soft (transition) fault costs little.', 'soft')).toBe('TransitionFault');
    expect(topicAt('Large (2 MB) pages are never paged out.', 'Large')).toBe('LargePages');
    // "process owns" and "thread owns" are no glossary phrases: no span across the brackets.
    expect(findLineTerms('The process (not the thread) owns it.', undefined).some((t) => t.text.includes('('))).toBe(false);
  });

  it('reads verb forms of plain words where the context confirms them, and not a git commit', () => {
    const text = '## Virtual memory\n\nPages are committed before use.\n\n## Misc\n\nI committed these notes to git.\n';
    const r = recognize(text);
    expect(r.termsOnLine(2).map((t) => [t.text, t.entryId])).toEqual([['committed', 'Commit']]);
    expect(r.termsOnLine(6)).toEqual([]);
  });

  it('reads job, pool, section, standby and transition as kernel words only where the context confirms them', () => {
    const text = [
      '## Job objects', '', 'Jobs limit the processes in them; a job can cap memory.', '',
      '## Section objects', '', 'Two processes share memory through sections (see section 5.2 and this section).', '',
      '## Kernel pools', '', 'The pool is split in two.', '',
      '## Study plan', '', 'My job this week: read two sections of the book.', '',
      'The laptop went to standby during the transition to the next chapter.', '',
    ].join('\n');
    const r = recognize(text);
    const on = (line: number) => r.termsOnLine(line).map((t) => `${t.text}=${t.entryId}`);
    expect(on(2)).toEqual(['Jobs=Jobs', 'job=Jobs']);
    expect(on(6)).toEqual(['sections=CreateFileMapping']);
    expect(on(10)).toEqual(['pool=Pool']);
    expect(on(14)).toEqual([]);
    expect(on(16)).toEqual([]);
  });
});

describe('question and numbered headings name their subject', () => {
  it.each([
    ['2. What actually is a process?', 'EPROCESS'],
    ['Q: how does a page fault get resolved', 'PageFault'],
    ['Q12 — What does the balance set manager do?', 'BalanceSetManager'],
    ['3) Why is the TLB needed?', 'TLB'],
    ['Question 4. Which structure describes a thread?', 'Thread'],
    ['Who zeroes the pages on the free list?', 'PageLists'],
    ['What really happens on a copy-on-write fault?', 'CopyOnWrite'],
    ['How many working sets does a process have?', 'WorkingSet'],
    ['为什么需要工作集？', 'WorkingSet'],
    ['问：原型PTE有什么用？', 'PrototypePTE'],
    ['句柄表由哪些部分组成？', 'Handles'],
    ['进程创建分几步？', 'CreateProcessFlow'],
  ])('%s', (heading, id) => expect(headingTopic(heading)?.entryId).toBe(id));

  it('a question about nothing the glossary names names nothing', () => {
    expect(headingTopic('Q5. What did I get wrong last time?')?.entryId).toBeUndefined();
    expect(headingTopic('为什么要写笔记？')?.entryId).toBeUndefined();
  });
});

describe('what is a heading', () => {
  it('reads setext headings, and not front matter\'s closing line', () => {
    const text = '---\ntitle: notes\ntags: [x]\n---\n\nWorking sets\n============\n\nThe trimmer\n-----------\n\ntext\n';
    const r = recognize(text);
    expect(r.headings.map((h) => [h.text, h.style, h.level])).toEqual([['Working sets', 'setext', 1], ['The trimmer', 'setext', 2]]);
    expect(r.headings[0]!.entryId).toBe('WorkingSet');
  });

  it('front matter that never closes within its bound is markdown, and the search for its end stays bounded', () => {
    // A 5 MB file opening with `---` and no closing line: read as markdown (its headings are headings).
    const body = '## Working sets\n' + 'words about pages and lists\n'.repeat(200_000);
    const r = recognize('---\n' + body);
    expect(r.headings[0]!.text).toBe('Working sets');
    // Closing late (past 1,000 lines) is not front matter either, so a heading before the late `---` counts;
    // closing early is front matter, and the same heading inside it does not.
    const late = '---\n' + 'key: v\n'.repeat(1_200) + '\nWorking sets\n============\n---\n\n## Page lists\n';
    expect(recognize(late).headings.map((h) => h.text)).toEqual(['Working sets', 'Page lists']);
    const early = '---\n' + 'key: v\n'.repeat(10) + '\nWorking sets\n============\n---\n\n## Page lists\n';
    expect(recognize(early).headings.map((h) => h.text)).toEqual(['Page lists']);
    expect(recognize('---\ntitle: x\n---\n\n## Page lists\n').headings.map((h) => h.text)).toEqual(['Page lists']);
  });

  it('does not read a list item, a table or a paragraph over a thematic break as a setext heading', () => {
    expect(headingLines('- Working sets\n---\n')).toEqual([]);
    expect(headingLines('| a | b |\n---\n')).toEqual([]);
    expect(headingLines('Working sets are\nper process.\n---\n')).toEqual([]);
  });

  it('reads a paragraph that is one bold run as a heading, and bold list items and bold sentence leads as emphasis', () => {
    const text = [
      '**Working sets:**', '', '- **Page lists** are per system', '1. **Demand-zero fault** — first touch', '',
      '**Note:** the PFN database is big.', '', '**问：页表有几级？**', '答：四级。', '', '**Page lists**', '- zeroed', '- free',
    ].join('\n');
    expect(headingLines(text)).toEqual(['Working sets', 'Page lists']);
    expect(headingOn(text, 'Working sets')).toBe('WorkingSet');
    expect(headingOn(text, 'Page lists')).toBe('PageLists');
  });
});
