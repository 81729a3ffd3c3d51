// The heap functions as replayable records (logged by the machine's operation path like the file-mapping
// calls): HeapCreate, HeapDestroy, HeapAlloc, HeapReAlloc, HeapFree and the CRT's malloc/free above them.
// kernel32's Heap* functions are ntdll's Rtl*Heap (HeapAlloc, HeapReAlloc and HeapSize are forwarded to
// RtlAllocateHeap, RtlReAllocateHeap and RtlSizeHeap); the failure conventions are Microsoft Learn's:
// HeapAlloc/HeapReAlloc return NULL without setting the last error, or raise STATUS_NO_MEMORY /
// STATUS_ACCESS_VIOLATION under HEAP_GENERATE_EXCEPTIONS; HeapCreate, HeapDestroy and HeapFree return
// NULL/FALSE with a last error.
// A pointer that is not a busy block of the heap (freed twice, never allocated, inside a block) is heap
// corruption: with termination on corruption, which is on "for all 64-bit processes" (and for 32-bit ones
// whose image says subsystem version 6 or more; Raymond Chen, "Brief Q&A on the HeapEnableTerminationOnCorruption
// heap information flag", The Old New Thing, 2013; Microsoft Learn, HeapSetInformation), the heap manager
// ends the process with STATUS_HEAP_CORRUPTION (0xC0000374) and the call never returns. The lab's model:
// every simulated process follows the 64-bit rule, and the caller sees the NtException the thread died of.
import {
  ERROR_INVALID_HANDLE, ERROR_INVALID_PARAMETER, HEAP_GENERATE_EXCEPTIONS, STATUS_ACCESS_VIOLATION, STATUS_HEAP_CORRUPTION, STATUS_NO_MEMORY,
} from '../constants';
import { LastError, NtException } from '../errors';
import type { MemoryManager } from '../mm/memoryManager';
import type { ProcessObject } from '../process';
import type { Rng } from '../rng';
import type { StepLog } from '../trace';
import type { Heap, HeapFailure } from './heap';
import type { HeapEnv } from './memory';
import { createHeap, destroyHeap, heapsOf } from './processHeaps';

export type HeapCall =
  | { call: 'create'; pid: number; options: number; initialSize: bigint; maximumSize: bigint }
  | { call: 'destroy'; pid: number; heap: bigint }
  | { call: 'alloc'; pid: number; heap: bigint; flags: number; bytes: bigint }
  | { call: 'reAlloc'; pid: number; heap: bigint; flags: number; address: bigint; bytes: bigint }
  | { call: 'free'; pid: number; heap: bigint; flags: number; address: bigint }
  | { call: 'malloc'; pid: number; bytes: bigint }
  | { call: 'crtFree'; pid: number; address: bigint };

/** Field types of each call kind, for the operation path's validation (letters as operations.ts: n number, a bigint). */
export const HEAP_FIELDS: Readonly<Record<HeapCall['call'], Readonly<Record<string, string>>>> = {
  create: { pid: 'n', options: 'n', initialSize: 'a', maximumSize: 'a' },
  destroy: { pid: 'n', heap: 'a' },
  alloc: { pid: 'n', heap: 'a', flags: 'n', bytes: 'a' },
  reAlloc: { pid: 'n', heap: 'a', flags: 'n', address: 'a', bytes: 'a' },
  free: { pid: 'n', heap: 'a', flags: 'n', address: 'a' },
  malloc: { pid: 'n', bytes: 'a' },
  crtFree: { pid: 'n', address: 'a' },
};

/** What the calls need from the machine. */
export interface HeapContext {
  mm: MemoryManager;
  trace: StepLog;
  rng: Rng;
  live(pid: number): ProcessObject;
  /** Ends the process (NtTerminateProcess on itself) with `exitStatus`. */
  terminate(p: ProcessObject, exitStatus: number): void;
}

/** A heap call's environment: the heap routines' one, and the way out for a corrupted heap. */
interface CallEnv extends HeapEnv {
  terminate(exitStatus: number): void;
}

/** True when `call` names a heap call (own keys only). */
export function isHeapCallKind(call: unknown): call is HeapCall['call'] {
  return typeof call === 'string' && Object.prototype.hasOwnProperty.call(HEAP_FIELDS, call);
}

/** Handles and sizes arrive as bigint; a user address or a SIZE_T past 2^53 cannot name a heap block. */
const BIG = 2n ** 53n;
const asNumber = (v: bigint): number => (v < 0n || v >= BIG ? -1 : Number(v));

/** The heap a handle names, or undefined (any value that is not one of the process's heaps). */
function heapOf(p: ProcessObject, handle: bigint): Heap | undefined {
  const h = asNumber(handle);
  return h > 0 ? p.heaps?.find(h) : undefined;
}

/** RtlpLogHeapFailure for a pointer no heap block can have (past 2^53): the heap's own check records the others. */
function recordFailure(env: CallEnv, heap: Heap, address: bigint, call: string): void {
  env.trace.step('heap.corruption')?.n(env.p.pid).a(heap.base).a(address).s(call);
}

/** A failed HeapAlloc/HeapReAlloc: NULL, or the exception HEAP_GENERATE_EXCEPTIONS asks for. */
function failed(why: HeapFailure, flags: number, heap: Heap | undefined): bigint {
  if ((flags | (heap?.flags ?? 0)) & HEAP_GENERATE_EXCEPTIONS) {
    throw new NtException(why === 'noMemory' ? STATUS_NO_MEMORY : STATUS_ACCESS_VIOLATION, 0n, false);
  }
  return 0n;
}

/**
 * RtlpLogHeapFailure found `address` is no busy block of `heap` (the failure step is already recorded): the heap
 * manager reports the corruption and the process ends with STATUS_HEAP_CORRUPTION; the call does not return.
 */
function corrupted(env: CallEnv, heap: Heap, address: bigint, call: string): never {
  env.trace.step('heap.terminate')?.n(env.p.pid).a(heap.base).a(address).s(call);
  env.terminate(STATUS_HEAP_CORRUPTION);
  throw new NtException(STATUS_HEAP_CORRUPTION, address, false);
}

type HeapHandlers = { [K in HeapCall['call']]: (env: CallEnv, c: Extract<HeapCall, { call: K }>) => unknown };

const HEAP_CALLS = {
  create: (env, c): bigint => {
    const initial = asNumber(c.initialSize);
    const maximum = asNumber(c.maximumSize);
    if (initial < 0 || maximum < 0 || (maximum !== 0 && initial > maximum)) throw new LastError(ERROR_INVALID_PARAMETER);
    const heap = createHeap(env, c.options >>> 0, initial, maximum);
    env.trace.step('heap.create')?.n(env.p.pid).a(heap.base).n(heap.flags).a(heap.segments[0]!.reserve).n(heap.maximumSize).s(heap.type).change('process', env.p.pid).change('vad', env.p.pid, heap.base);
    return BigInt(heap.base);
  },
  destroy: (env, c): void => {
    const heap = heapOf(env.p, c.heap);
    // The process heap cannot be destroyed (RtlDestroyHeap hands it back), nor can a handle that names no heap.
    if (!heap || heap.base === env.p.heaps?.processHeap) throw new LastError(ERROR_INVALID_HANDLE);
    destroyHeap(env, heap);
    env.trace.step('heap.destroy')?.n(env.p.pid).a(heap.base).n(heap.segments.length).change('process', env.p.pid);
  },
  alloc: (env, c): bigint => {
    const heap = heapOf(env.p, c.heap);
    if (!heap) return failed('badPointer', c.flags, undefined);
    const bytes = asNumber(c.bytes);
    const r = bytes < 0 ? 'noMemory' : heap.allocate(env, c.flags, bytes);
    return typeof r === 'number' ? BigInt(r) : failed(r, c.flags, heap);
  },
  reAlloc: (env, c): bigint => {
    const heap = heapOf(env.p, c.heap);
    const address = asNumber(c.address);
    if (!heap || address === 0) return failed('badPointer', c.flags, heap);
    if (address < 0) { recordFailure(env, heap, c.address, 'reAlloc'); return corrupted(env, heap, c.address, 'reAlloc'); }
    const bytes = asNumber(c.bytes);
    const r = bytes < 0 ? 'noMemory' : heap.reAllocate(env, c.flags, address, bytes);
    if (r === 'badPointer') return corrupted(env, heap, c.address, 'reAlloc');
    return typeof r === 'number' ? BigInt(r) : failed(r, c.flags, heap);
  },
  free: (env, c): void => {
    const heap = heapOf(env.p, c.heap);
    if (!heap) throw new LastError(ERROR_INVALID_HANDLE);
    const address = asNumber(c.address);
    // A pointer that is not a busy block of this heap: heap corruption, the process ends.
    if (address < 0) recordFailure(env, heap, c.address, 'free');
    if (address < 0 || !heap.free(env, address)) corrupted(env, heap, c.address, 'free');
  },
  malloc: (env, c): bigint => {
    // The Universal CRT allocates from the process heap: malloc -> _malloc_base -> HeapAlloc(GetProcessHeap(), 0, size)
    // (ucrtbase; the UCRT's heap handle is the process heap since Visual Studio 2015). NULL on failure (errno ENOMEM).
    const heap = env.p.heaps?.find(env.p.heaps.processHeap);
    const bytes = asNumber(c.bytes);
    const r = heap && bytes >= 0 ? heap.allocate(env, 0, bytes) : 'noMemory';
    const address = typeof r === 'number' ? r : 0;
    env.trace.step('heap.malloc')?.n(env.p.pid).n(Number(c.bytes)).a(address).a(heap?.base ?? 0);
    return BigInt(address);
  },
  crtFree: (env, c): void => {
    // free -> _free_base -> HeapFree(GetProcessHeap(), 0, block); free(NULL) does nothing.
    const heap = env.p.heaps?.find(env.p.heaps.processHeap);
    const address = asNumber(c.address);
    if (!heap) { env.trace.step('heap.crtFree')?.n(env.p.pid).a(c.address).b(false); return; }
    if (address < 0) recordFailure(env, heap, c.address, 'free');
    if (address < 0 || !heap.free(env, address)) corrupted(env, heap, c.address, 'free');
    env.trace.step('heap.crtFree')?.n(env.p.pid).a(c.address).b(true);
  },
} satisfies HeapHandlers;

/** What each kind of call returns. */
export type HeapResults = { [K in keyof typeof HEAP_CALLS]: ReturnType<(typeof HEAP_CALLS)[K]> };
export type HeapResult<C extends HeapCall> = HeapResults[C['call']];

export function applyHeapCall<C extends HeapCall>(ctx: HeapContext, c: C): HeapResult<C> {
  if (!isHeapCallKind(c.call)) throw new LastError(ERROR_INVALID_PARAMETER);
  const p = ctx.live(c.pid);
  const env: CallEnv = { mm: ctx.mm, trace: ctx.trace, rng: ctx.rng, p, terminate: (status) => ctx.terminate(p, status) };
  const handler = HEAP_CALLS[c.call] as (env: CallEnv, c: HeapCall) => HeapResult<C>;
  return handler(env, c);
}

/** HeapSize (RtlSizeHeap): the block's requested size, or -1 ((SIZE_T)-1) for anything that is not a busy block of the heap. */
export function heapSize(p: ProcessObject, handle: bigint, address: bigint): bigint {
  const heap = heapOf(p, handle);
  const a = asNumber(address);
  if (!heap || a <= 0) return -1n;
  const size = heap.sizeOf(a);
  return size < 0 ? -1n : BigInt(size);
}

/** The process's heap handles, the process heap first (GetProcessHeaps). */
export function processHeapHandles(p: ProcessObject): bigint[] {
  return (p.heaps?.heaps ?? []).map((h) => BigInt(h.base));
}

export { heapsOf };
