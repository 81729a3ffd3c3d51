// When recognition misses (issue 15): explaining any selection, and bindings written into the notes
// as invisible HTML comments that tie a heading or a word to a concept.
import { describe, expect, it } from 'vitest';
import { bindingsOnLine, explainSelection, headingBindingComment, termBindingComment } from '../../src/extension/notes/explain';
import { recognize } from '../../src/extension/notes/recognize';

describe('explain selection', () => {
  it('names the concepts a selection mentions, slips included', () => {
    expect(explainSelection('the VAD tree and its PTEs').map((e) => e.id)).toEqual(['VAD', 'PTE']);
    expect(explainSelection('KPORCESS').map((e) => e.id)).toEqual(['KPROCESS']);
  });

  it('offers the nearest concepts for words it does not know as a term', () => {
    const ids = explainSelection('how the standby pages get reused').map((e) => e.id);
    expect(ids[0]).toBe('PageLists');
    expect(explainSelection('页面的优先级').length).toBeGreaterThan(0);
  });

  it('says nothing for text that shares nothing with the glossary', () => {
    expect(explainSelection('lorem ipsum')).toEqual([]);
    expect(explainSelection('   ')).toEqual([]);
  });
});

describe('bindings in the notes', () => {
  it('reads the comments it writes, and ignores unknown concepts and other comments', () => {
    expect(bindingsOnLine(`## 我的标题 ${headingBindingComment('VAD')}`)).toEqual([{ kind: 'heading', entryId: 'VAD' }]);
    expect(bindingsOnLine(termBindingComment('换出', 'PageFileFault'))).toEqual([{ kind: 'term', term: '换出', entryId: 'PageFileFault' }]);
    expect(bindingsOnLine('<!-- ntlab:NoSuchThing --> <!-- a note --> <!-- ntlab:"x"=Nope -->')).toEqual([]);
    expect(bindingsOnLine(`<!-- ${'<!--'.repeat(50_000)}`)).toEqual([]); // no closing: linear, nothing
  });

  it('a bound heading takes its concept; a bound word names it everywhere in the document, and edits keep both', () => {
    const text = [`## 我的内存笔记 ${headingBindingComment('WorkingSet')}`, '页面被换出以后要重新读回。', `${termBindingComment('换出', 'PageFileFault')}`].join('\n');
    const r = recognize(text);
    expect(r.headings[0]).toMatchObject({ text: `我的内存笔记 ${headingBindingComment('WorkingSet')}`, entryId: 'WorkingSet' });
    expect(r.termsOnLine(1).map((t) => [t.text, t.entryId])).toEqual([['换出', 'PageFileFault']]);
    const edited = recognize(`前言\n\n${text.replace('要重新读回', '会在硬缺页时读回')}`);
    expect(edited.headings[0]!.entryId).toBe('WorkingSet');
    expect(edited.termsOnLine(3).map((t) => t.entryId)).toEqual(['PageFileFault', 'PageFileFault']);
  });
});
