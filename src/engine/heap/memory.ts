// The heap manager runs in user mode (ntdll): its headers and free-list links are ordinary stores into
// the process's memory, so they go through the MMU like any instruction's — a TLB hit writes the page,
// a miss walks the page tables and MmAccessFault resolves what is not valid (a demand-zero fault on a
// freshly committed heap page, a hard fault on one that was paged out).
import { PAGE_SIZE } from '../constants';
import type { MemoryManager } from '../mm/memoryManager';
import { copyUserPages, type FrameOf } from '../mm/userCopy';
import { TLB_READ, TLB_SIZE, TLB_WRITE, type ProcessObject } from '../process';
import type { Rng } from '../rng';
import type { StepLog } from '../trace';

/** What heap routines work on: the process, its memory manager and the step log (and the machine's PRNG for heap cookies). */
export interface HeapEnv {
  readonly mm: MemoryManager;
  readonly p: ProcessObject;
  readonly trace: StepLog;
  readonly rng: Rng;
}

/** The frame of `vpn` from the TLB when it holds the page with this access allowed, else from a page-table walk. */
const tlbOrTranslated: FrameOf = (mm, p, vpn, write) => {
  const slot = vpn & (TLB_SIZE - 1);
  return p.tlbVpn[slot] === vpn && (p.tlbFlags[slot]! & (write ? TLB_WRITE : TLB_READ)) ? p.tlbPfn[slot]! : mm.translate(p, vpn, write);
};

/** Stores `length` bytes of `data` from `from` at user address `va` (a number below 2^47). */
export function storeBytes(env: HeapEnv, va: number, data: Uint8Array, from: number, length: number): void {
  copyUserPages(env.mm, env.p, va, data, from, length, true, tlbOrTranslated);
}

/** Loads `length` bytes at user address `va` into `out` at `at`. */
export function loadBytes(env: HeapEnv, va: number, out: Uint8Array, at: number, length: number): void {
  copyUserPages(env.mm, env.p, va, out, at, length, false, tlbOrTranslated);
}

const ZEROS = new Uint8Array(PAGE_SIZE);
/** Zeroes [va, va + length) (HEAP_ZERO_MEMORY). */
export function zeroBytes(env: HeapEnv, va: number, length: number): void {
  let done = 0;
  while (done < length) {
    const len = Math.min(PAGE_SIZE, length - done);
    storeBytes(env, va + done, ZEROS, 0, len);
    done += len;
  }
}

/** Scratch for 64-bit little-endian stores (no allocation per store). */
const Q = new Uint8Array(8);
const QV = new DataView(Q.buffer);
/** Stores a 64-bit value (a number below 2^53) at `va`. */
export function store64(env: HeapEnv, va: number, value: number): void {
  QV.setUint32(0, value >>> 0, true);
  QV.setUint32(4, Math.floor(value / 0x100000000) >>> 0, true);
  storeBytes(env, va, Q, 0, 8);
}
/** Stores a 32-bit value at `va`. */
export function store32(env: HeapEnv, va: number, value: number): void {
  QV.setUint32(0, value >>> 0, true);
  storeBytes(env, va, Q, 0, 4);
}
/** Stores a 16-bit value at `va`. */
export function store16(env: HeapEnv, va: number, value: number): void {
  QV.setUint16(0, value & 0xFFFF, true);
  storeBytes(env, va, Q, 0, 2);
}
