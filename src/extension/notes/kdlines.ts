// Kernel-debugger commands written in notes (issue 16, "From notes"): a `kd> ...` or `0: kd> ...`
// line (in an ntlab block, in any code block or in running text) and an inline code span whose
// first word is a debugger command (`!process 0 0`, `dt nt!_EPROCESS`, `!pte 7ff6e000`). The
// command names are the debugger's own list (kd/kd.ts COMMANDS), so what the console runs is what
// notes recognize. Pure: no vscode; linear in the line.
import { COMMANDS } from '../kd/kd';

/** A debugger command on a line: the command text (without the prompt) and the columns it covers. */
export interface KdCommandSpan {
  readonly command: string;
  /** 0-based UTF-16 columns [start, end) of the whole written form (prompt or backticks included). */
  readonly start: number;
  readonly end: number;
}

const NAMES = new Set(COMMANDS.map((c) => c.name.toLowerCase()));

/** The longest line or span looked at (the console refuses longer lines, too). */
const MAX_COMMAND = 1024;

/**
 * The prompt of a debugger line: `kd> `, `0: kd> `, `lkd> ` (local kernel debugging), with up to
 * a few leading spaces or a list marker. Returns the column where the command starts, or -1.
 */
export function kdPromptEnd(line: string): number {
  let i = 0;
  while (i < line.length && (line[i] === ' ' || line[i] === '\t')) i++;
  if ((line[i] === '-' || line[i] === '*' || line[i] === '>') && line[i + 1] === ' ') i += 2;
  let j = i;
  while (j < line.length && line.charCodeAt(j) >= 48 && line.charCodeAt(j) <= 57) j++;
  if (j > i) {
    if (line[j] !== ':') return -1;
    j++;
    while (line[j] === ' ') j++;
  }
  if (line.startsWith('lkd>', j)) j += 4;
  else if (line.startsWith('kd>', j)) j += 3;
  else return -1;
  while (line[j] === ' ' || line[j] === '\t') j++;
  return j;
}

/** Whether `text` starts with a command the debugger knows (its first word, case-insensitive). */
export function isKdCommand(text: string): boolean {
  const t = text.trim();
  if (!t || t.length > MAX_COMMAND) return false;
  let end = 0;
  while (end < t.length && t[end] !== ' ' && t[end] !== '\t' && t[end] !== ';') end++;
  const word = t.slice(0, end).toLowerCase();
  return NAMES.has(word);
}

/** The debugger line a `kd>` line holds (the text after the prompt), or undefined. */
export function kdLine(line: string): string | undefined {
  const at = kdPromptEnd(line);
  if (at < 0) return undefined;
  const rest = line.slice(at).trimEnd();
  return rest && rest.length <= MAX_COMMAND ? rest : undefined;
}

/** The debugger command written at a column of a line: a `kd>` line, or an inline code span. */
export function kdCommandAt(line: string, character: number): KdCommandSpan | undefined {
  const prompt = kdPromptEnd(line);
  if (prompt >= 0) {
    const command = kdLine(line);
    return command ? { command, start: 0, end: line.trimEnd().length } : undefined;
  }
  // Inline code: the backtick run that opens a span is closed by a run of the same length.
  let i = 0;
  while (i < line.length) {
    const open = line.indexOf('`', i);
    if (open < 0 || open > character) return undefined;
    let n = open;
    while (line[n] === '`') n++;
    const ticks = n - open;
    let close = line.indexOf('`'.repeat(ticks), n);
    while (close >= 0 && line[close + ticks] === '`') close = line.indexOf('`'.repeat(ticks), close + ticks + 1);
    if (close < 0) return undefined;
    if (character >= open && character <= close + ticks) {
      const code = line.slice(n, close).trim();
      // `kd> !peb` written as inline code, too.
      const inner = kdLine(code) ?? code;
      return isKdCommand(inner) ? { command: inner, start: open, end: close + ticks } : undefined;
    }
    i = close + ticks;
  }
  return undefined;
}
