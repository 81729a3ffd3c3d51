// The column layout of WinDbg's text output (aligned counts, !vm's page/Kb pairs, one value per
// line). Pointers and hex numbers come from the one formatter, present/format.ts. Pure: no vscode.
import { PAGE_SIZE } from '../present/format';

/** Right-aligns `s` in `width` columns. */
export const right = (s: string | number, width: number): string => String(s).padStart(width);
/** Left-aligns `s` in `width` columns. */
export const left = (s: string | number, width: number): string => String(s).padEnd(width);

/** Page counts as !vm prints them: `    1234 (     4936 Kb)`. */
export function pagesKb(pages: number): string {
  return `${right(pages, 8)} (${right(pages * (PAGE_SIZE / 1024), 9)} Kb)`;
}

/** Control characters as \xNN so one value stays one line of the terminal. */
export function printable(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
