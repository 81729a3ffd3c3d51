// Win32 PAGE_* protections and the memory manager's 5-bit protection masks (MM_*).
import {
  PAGE_EXECUTE, PAGE_EXECUTE_READ, PAGE_EXECUTE_READWRITE, PAGE_EXECUTE_WRITECOPY, PAGE_GUARD, PAGE_NOACCESS,
  PAGE_NOCACHE, PAGE_READONLY, PAGE_READWRITE, PAGE_WRITECOMBINE, PAGE_WRITECOPY,
} from '../constants';
import {
  MM_EXECUTE, MM_EXECUTE_READ, MM_EXECUTE_READWRITE, MM_EXECUTE_WRITECOPY, MM_GUARD_PAGE, MM_NOACCESS, MM_NOCACHE,
  MM_READONLY, MM_READWRITE, MM_WRITECOMBINE, MM_WRITECOPY, MM_ZERO_ACCESS,
} from './pte';

const BASE_TO_MM: ReadonlyMap<number, number> = new Map([
  [PAGE_NOACCESS, MM_NOACCESS],
  [PAGE_READONLY, MM_READONLY],
  [PAGE_READWRITE, MM_READWRITE],
  [PAGE_WRITECOPY, MM_WRITECOPY],
  [PAGE_EXECUTE, MM_EXECUTE],
  [PAGE_EXECUTE_READ, MM_EXECUTE_READ],
  [PAGE_EXECUTE_READWRITE, MM_EXECUTE_READWRITE],
  [PAGE_EXECUTE_WRITECOPY, MM_EXECUTE_WRITECOPY],
]);
const MM_ACCESS_TO_PAGE = [0, PAGE_READONLY, PAGE_EXECUTE, PAGE_EXECUTE_READ, PAGE_READWRITE, PAGE_WRITECOPY, PAGE_EXECUTE_READWRITE, PAGE_EXECUTE_WRITECOPY];
const MODIFIERS = PAGE_GUARD | PAGE_NOCACHE | PAGE_WRITECOMBINE;

/**
 * Converts a Win32 protection to an MM mask, or returns -1 when the combination is invalid:
 * exactly one base protection; PAGE_GUARD, PAGE_NOCACHE and PAGE_WRITECOMBINE exclude each other
 * and cannot modify PAGE_NOACCESS (Memory Protection Constants).
 */
export function win32ToMmProtection(protect: number): number {
  if (!Number.isInteger(protect) || protect <= 0 || protect > 0xFFFFFFFF) return -1;
  const modifiers = protect & MODIFIERS;
  const base = protect & ~MODIFIERS;
  const mm = BASE_TO_MM.get(base);
  if (mm === undefined) return -1;
  if (modifiers !== 0 && base === PAGE_NOACCESS) return -1;
  if (modifiers !== 0 && modifiers !== PAGE_GUARD && modifiers !== PAGE_NOCACHE && modifiers !== PAGE_WRITECOMBINE) return -1;
  if (modifiers === PAGE_GUARD) return mm | MM_GUARD_PAGE;
  if (modifiers === PAGE_NOCACHE) return mm | MM_NOCACHE;
  if (modifiers === PAGE_WRITECOMBINE) return mm | MM_WRITECOMBINE;
  return mm;
}

/** Converts an MM mask back to the Win32 protection VirtualQuery reports. */
export function mmToWin32Protection(mm: number): number {
  if (mm === MM_NOACCESS || (mm & 7) === MM_ZERO_ACCESS) return PAGE_NOACCESS;
  const base = MM_ACCESS_TO_PAGE[mm & 7]!;
  const mods = mm & MM_WRITECOMBINE;
  if (mods === MM_GUARD_PAGE) return base | PAGE_GUARD;
  if (mods === MM_NOCACHE) return base | PAGE_NOCACHE;
  if (mods === MM_WRITECOMBINE) return base | PAGE_WRITECOMBINE;
  return base;
}

export function mmAllowsRead(mm: number): boolean {
  return (mm & 7) !== MM_ZERO_ACCESS && mm !== MM_NOACCESS;
}
export function mmAllowsWrite(mm: number): boolean {
  const a = mm & 7;
  return a === MM_READWRITE || a === MM_EXECUTE_READWRITE || a === MM_WRITECOPY || a === MM_EXECUTE_WRITECOPY;
}
export function mmIsCopyOnWrite(mm: number): boolean {
  const a = mm & 7;
  return a === MM_WRITECOPY || a === MM_EXECUTE_WRITECOPY;
}
export function mmIsGuard(mm: number): boolean {
  return (mm & MM_WRITECOMBINE) === MM_GUARD_PAGE && (mm & 7) !== MM_ZERO_ACCESS;
}
