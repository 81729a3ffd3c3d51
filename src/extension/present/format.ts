// The one formatter of addresses, numbers and sizes on the host side (sidebar, panels, documents,
// commands and the step log all use these). Pure: no `vscode` import.

import { PAGE_SIZE } from '../../engine/constants';

/** Bytes in a page: the engine's one constant (x64 small page, Windows Internals 7e, ch. 5, "Page size"). */
export { PAGE_SIZE };
/** PAGE_SIZE as a bigint, for address arithmetic. */
export const PAGE_SIZE_N = BigInt(PAGE_SIZE);

/** '0x' + lowercase hex of a number or bigint, e.g. 0x7ff612340000 (a negative or non-finite number is shown as a decimal). */
export function hex(v: number | bigint): string {
  if (typeof v === 'number' && (!Number.isFinite(v) || v < 0)) return String(v);
  return '0x' + v.toString(16);
}

/**
 * Lowercase hex digits, zero-padded to `width`, without a prefix (`hexDigits(5, 3)` = `005`). A
 * negative value or a bigint is taken as its 64-bit two's complement, as the debugger shows it.
 */
export function hexDigits(v: number | bigint, width: number): string {
  if (typeof v === 'number' && v >= 0 && Number.isSafeInteger(v)) return v.toString(16).padStart(width, '0');
  return BigInt.asUintN(64, typeof v === 'bigint' ? v : BigInt(Math.trunc(v))).toString(16).padStart(width, '0');
}

/**
 * A 64-bit pointer as 16 hex digits without the backtick, `ffff8104e0017e40`: the form !process,
 * !thread and !pte print (Microsoft Learn, "!process", "!pte" extension references).
 */
export function pointerDigits(v: bigint | number): string {
  return hexDigits(v, 16);
}

/**
 * WinDbg's 64-bit pointer form without a prefix, `00007ff6`12340000`: 16 hex digits with a backtick
 * between the two 32-bit halves (dt, db/dd/dq and !pte; Microsoft Learn, "Debugger commands").
 */
export function pointer(v: bigint | number): string {
  const s = pointerDigits(v);
  return `${s.slice(0, 8)}\`${s.slice(8)}`;
}

/** A user-mode or kernel address in WinDbg's style with a prefix: 0x00007ff6`12340000. */
export function address(v: bigint | number): string {
  return `0x${pointer(v)}`;
}

/** A byte count for people: `4 KB`, `1.5 MB`, `2 GB` (binary units, at most one decimal). */
export function formatBytes(bytes: number | bigint): string {
  const n = Number(bytes);
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  const text = i === 0 || Number.isInteger(v) ? String(v) : v.toFixed(1).replace(/\.0$/, '');
  return `${text} ${units[i]}`;
}

/** A page count as bytes for people (`pages(3)` = `12 KB`). */
export function formatPages(pages: number): string {
  return formatBytes(pages * PAGE_SIZE);
}

/** Two lowercase hex digits per byte, separated by spaces. */
export function hexBytes(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => hexDigits(b, 2)).join(' ');
}

/** A `db`-style dump: pointer, 16 hex bytes, their printable ASCII. */
export function formatHexDump(bytes: Uint8Array, base: bigint): string {
  const lines: string[] = [];
  for (let off = 0; off < bytes.length; off += 16) {
    const row = bytes.subarray(off, off + 16);
    const ascii = Array.from(row, (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    lines.push(`${pointer(base + BigInt(off))}  ${hexBytes(row).padEnd(47, ' ')}  ${ascii}`);
  }
  return lines.join('\n');
}
