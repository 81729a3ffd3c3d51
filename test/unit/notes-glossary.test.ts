// The glossary's words (issue 15 review): every alias is a name of its concept, and the hover says so.
//  - An alias must be named by its hover's headline: the entry's name and the first clause of its
//    explanation (in the alias's language). "kernel object" once hovered as "Handles — A handle is
//    an index into the process's handle table…": a hover about something else.
//  - No alias is a phrase copied from one learner's notes (a list such as 翻译、映射地址, or a
//    slip such as 进程和工作): a phrase-shaped alias (joined by 、 , / & 和 与 及, or three or more
//    words) found in only one notes file must be a name its own hover uses.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { GLOSSARY, type GlossaryEntry } from '../../src/extension/notes/glossary';

/** Names of APIs, structures, fields and constants: they name themselves, and map to what contains them. */
const isIdentifier = (t: string): boolean => /^[A-Za-z_][A-Za-z0-9_.]*$/.test(t) && /[A-Z_.]/.test(t.slice(1));
const isCjk = (t: string): boolean => /[\u4e00-\u9fff]/.test(t);
const norm = (s: string): string => s.toLowerCase().replace(/[\s\-_'’]/g, '');

/** What a hover shows first: the entry's name (and Chinese name), then its explanation's first clause (up to ; or the sentence end). */
function headline(e: GlossaryEntry, zh: boolean): string {
  const text = zh ? e.explain.zh : e.explain.en;
  const cut = text.search(zh ? /[；;。]/ : /;|\.(\s|$)/);
  return `${e.name} ${e.nameZh ?? ''} ${e.id} ${cut < 0 ? text : text.slice(0, cut)}`;
}

/** Whether a headline names a term: the whole term, or every word of it (plurals and -ing forms folded). */
function names(head: string, term: string): boolean {
  const h = norm(head);
  if (h.includes(norm(term))) return true;
  if (isCjk(term)) return false;
  const words = term.toLowerCase().split(/[\s\-/]+/).filter((w) => w.length > 2 && !['the', 'and', 'of'].includes(w));
  const stem = (w: string) => w.replace(/(ies|es|s|ing|ed)$/, '');
  return words.length > 0 && words.every((w) => h.includes(stem(w)));
}

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? walk(path.join(dir, d.name)) : d.name.endsWith('.md') ? [path.join(dir, d.name)] : []));
}

describe('glossary: every alias names its concept', () => {
  const aliases = GLOSSARY.filter((e) => e.category !== 'stage')
    .flatMap((e) => [...e.terms, ...(e.plainTerms ?? []), ...(e.headingTerms ?? [])].map((t) => ({ e, t })));

  it('every hover headline names the term it was shown for', () => {
    const wrong = aliases.filter(({ e, t }) => !isIdentifier(t) && !names(headline(e, isCjk(t)), t)).map(({ e, t }) => `${t} -> ${e.id}`);
    expect(wrong).toEqual([]);
  });

  it('the test would have caught the old Handles hover for "kernel object"', () => {
    const handles = GLOSSARY.find((e) => e.id === 'Handles')!;
    expect(names(headline(handles, false), 'kernel object')).toBe(false);
    expect(names(headline(GLOSSARY.find((e) => e.id === 'ObjectManager')!, false), 'kernel object')).toBe(true);
  });

  it('no alias is a phrase copied from a single notes file', () => {
    const root = path.join(__dirname, '../..');
    const notes = [...walk(path.join(root, 'test/fixtures')), ...walk(path.join(root, 'demo'))]
      .map((f) => fs.readFileSync(f, 'utf8').toLowerCase());
    const phraseShaped = (t: string): boolean => /[、，,;；/&+]|和|与|及/.test(t) || t.trim().split(/\s+/).length >= 3;
    const copied = aliases.filter(({ e, t }) => {
      if (!phraseShaped(t)) return false;
      const found = notes.filter((n) => n.includes(t.toLowerCase())).length;
      return found === 1 && !norm(`${e.name} ${e.nameZh ?? ''} ${e.explain.en} ${e.explain.zh}`).includes(norm(t));
    }).map(({ e, t }) => `${t} -> ${e.id}`);
    expect(copied).toEqual([]);
  });
});
