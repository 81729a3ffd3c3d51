// The kernel writing into a process's user memory (PEB, TEB, process parameters, loader data), faulting
// pages in as a probed kernel write does, and the little-endian/UTF-16 encoders those writes use.
import { MEM_COMMIT, MEM_RESERVE, PAGE_READWRITE } from '../constants';
import { copyUserPages, translatedFrame } from '../mm/userCopy';
import { virtualAlloc } from '../mm/virtual';
import type { ProcessObject } from '../process';
import type { ProcessManager } from './processManager';

/** UTF-16LE of `s` into `out` at `at` (room checked by the caller). */
export function putUtf16(out: Uint8Array, at: number, s: string): void {
  for (let i = 0; i < s.length; i++) { const c = s.charCodeAt(i); out[at + i * 2] = c & 0xFF; out[at + i * 2 + 1] = c >> 8; }
}

/** A 64-bit little-endian value from a number below 2^53. */
export function put64(v: DataView, offset: number, x: number): void {
  v.setUint32(offset, x >>> 0, true);
  v.setUint32(offset + 4, Math.floor(x / 0x100000000), true);
}

export function utf16(s: string): Uint8Array {
  const out = new Uint8Array(s.length * 2);
  for (let i = 0; i < s.length; i++) { const c = s.charCodeAt(i); out[i * 2] = c & 0xFF; out[i * 2 + 1] = c >> 8; }
  return out;
}

/** Writes bytes into a process's memory as the kernel would (faulting pages in). */
export function writeUser(pm: ProcessManager, p: ProcessObject, va: bigint, data: Uint8Array): void { writeUserAt(pm, p, Number(va), data); }

/** writeUser with a user address as a number (exact below 2^53). */
export function writeUserAt(pm: ProcessManager, p: ProcessObject, start: number, data: Uint8Array): void {
  copyUserPages(pm.mm, p, start, data, 0, data.length, true, translatedFrame);
}

/**
 * Committed read-write pages the kernel takes in the new process for it (PEB, TEB, parameters, the initial
 * stack): the VAD and commit are real, the step is the caller's (MiCreatePebOrTeb / MmCreateTeb are not
 * NtAllocateVirtualMemory).
 */
export function kernelAlloc(pm: ProcessManager, p: ProcessObject, size: bigint, type = MEM_RESERVE | MEM_COMMIT, protect = PAGE_READWRITE, at = 0n): bigint {
  pm.trace.muted++;
  try { return virtualAlloc(pm.mm, p, at, size, type, protect); } finally { pm.trace.muted--; }
}
