// The column layout of WinDbg's text output (aligned counts, !vm's page/Kb pairs, one value per
// line). Pointers and hex numbers come from the one formatter, present/format.ts. Pure: no vscode.
import { PAGE_SIZE } from '../present/format';

/** Right-aligns `s` in `width` columns. */
export const right = (s: string | number, width: number): string => String(s).padStart(width);
/** Left-aligns `s` in `width` columns. */
export const left = (s: string | number, width: number): string => String(s).padEnd(width);

/** Kilobytes in `pages` pages. */
export const kbOfPages = (pages: number): number => pages * (PAGE_SIZE / 1024);

/** Page counts as !vm prints them (Learn, "!vm" example): `     16270   (   65080 Kb)`. */
export function pagesKb(pages: number): string {
  return `${right(pages, 9)}   (${right(kbOfPages(pages), 9)} Kb)`;
}

/**
 * A process's commit charge in pages, as EPROCESS.CommitCharge holds it: its private committed pages
 * plus its page-table pages (Windows Internals 7e ch. 5, "Commit charge and the system commit limit":
 * private committed memory and page tables are both charged; the engine's EPROCESS layout and the
 * system CommitTotal count the same two). `!process` (CommitCharge) and `!vm` (per-process lines) both
 * read this one number.
 */
export function commitCharge(p: { privateCommit: number; pageTablePages: number }): number {
  return p.privateCommit + p.pageTablePages;
}

/** Control characters as \xNN so one value stays one line of the terminal. */
export function printable(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
