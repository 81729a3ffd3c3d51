// Number formats of WinDbg's output (Microsoft Learn, "Debugger commands" reference: pointers are
// printed as 16 hex digits with a backtick between the two 32-bit halves, e.g. ffff8104`e0017e40).
// Pure: no vscode.

/** WinDbg's 64-bit pointer: `ffff8104`e0017e40`. */
export function ptr(v: bigint | number): string {
  const hex = BigInt.asUintN(64, BigInt(v)).toString(16).padStart(16, '0');
  return `${hex.slice(0, 8)}\`${hex.slice(8)}`;
}

/** A pointer without the backtick (the form !process, !thread and !pte print): `ffff8104e0017e40`. */
export function ptr16(v: bigint | number): string {
  return BigInt.asUintN(64, BigInt(v)).toString(16).padStart(16, '0');
}

/** Lowercase hex padded to `width` digits. */
export function hexw(v: bigint | number, width: number): string {
  return BigInt.asUintN(64, BigInt(v)).toString(16).padStart(width, '0');
}

/** `0x` + lowercase hex. */
export function hx(v: bigint | number): string {
  return '0x' + BigInt.asUintN(64, BigInt(v)).toString(16);
}

/** Right-aligns `s` in `width` columns. */
export const right = (s: string | number, width: number): string => String(s).padStart(width);
/** Left-aligns `s` in `width` columns. */
export const left = (s: string | number, width: number): string => String(s).padEnd(width);

/** Page counts as !vm prints them: `    1234 (     4936 Kb)`. */
export function pagesKb(pages: number): string {
  return `${right(pages, 8)} (${right(pages * 4, 9)} Kb)`;
}

/** Control characters as \xNN so one value stays one line of the terminal. */
export function printable(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
