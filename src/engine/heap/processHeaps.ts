// A process's heaps: the default (process) heap the loader creates at process initialization
// (LdrpInitializeProcess -> RtlCreateHeap; its handle in PEB.ProcessHeap) and the private heaps
// HeapCreate adds (RtlCreateHeap), listed in creation order as GetProcessHeaps returns them.
// Windows Internals 7e ch. 5, "Process heaps" and "Heap types".
import { PAGE_SIZE } from '../constants';
import { HEAP_CREATE_ENABLE_EXECUTE, HEAP_GENERATE_EXCEPTIONS, HEAP_GROWABLE, HEAP_NO_SERIALIZE, MEM_COMMIT, MEM_RELEASE, MEM_RESERVE } from '../constants';
import { virtualAlloc, virtualFree } from '../mm/virtual';
import type { ProcessObject } from '../process';
import { Heap } from './heap';
import {
  DECOMMIT_FREE_BLOCK_THRESHOLD, DECOMMIT_TOTAL_FREE_THRESHOLD, FIRST_ENTRY_OFFSET, GRANULE, HEAP, HEAP_ENCODE_FLAG_MASK, HEAP_ENTRY_BUSY,
  HEAP_SIGNATURE, MAXIMUM_ALLOCATION_SIZE, PEB_HEAPS, SEGMENT_COMMIT, SEGMENT_RESERVE, VIRTUAL_MEMORY_THRESHOLD,
} from './layout';
import { storeBytes, store32, store64, type HeapEnv } from './memory';
import type { HeapType } from './ntHeap';

const roundUp = (x: number, to: number): number => Math.ceil(x / to) * to;

/**
 * Images that get the segment heap by default on Windows 10 (besides packaged/UWP apps): Windows
 * Internals 7e ch. 5, "Segment heap" ("used by default for UWP apps and some system processes"); the
 * list as M. Yason, "Windows 10 Segment Heap Internals" (Black Hat USA 2016) gives it.
 */
const SEGMENT_HEAP_IMAGES = new Set(['csrss.exe', 'lsass.exe', 'runtimebroker.exe', 'services.exe', 'smss.exe', 'svchost.exe']);

/** The heap type a process's heaps get: the segment heap for packaged apps and the listed system processes, else the NT heap. */
export function defaultHeapType(p: ProcessObject): HeapType {
  return p.ps.packageFullName || SEGMENT_HEAP_IMAGES.has(p.imageFileName.toLowerCase()) ? 'Segment' : 'NT';
}

/** The heaps of one process (the heap manager's list behind PEB.ProcessHeaps). */
export class ProcessHeaps {
  private list: Heap[] = [];
  /**
   * Whether `list` and its heaps are shared with a copy of this object (time travel's copies of the
   * machine): the first access on either side copies them (copy-on-access). A machine copy then costs
   * nothing per heap; only the processes an operation or a query reaches pay for their heaps (issue 17:
   * cloning every process's heaps was about half of one copy of a 2,000-process machine).
   */
  private shared = false;
  /** The default heap's handle (PEB.ProcessHeap). */
  processHeap = 0;

  /** The heaps in creation order (the first access after a clone copies them: see `shared`). */
  get heaps(): Heap[] {
    if (this.shared) {
      this.list = this.list.map((h) => h.clone());
      this.shared = false;
    }
    return this.list;
  }
  set heaps(list: Heap[]) { this.list = list; this.shared = false; }

  clone(): ProcessHeaps {
    const c = new ProcessHeaps();
    c.list = this.list;
    c.shared = this.shared = this.list.length > 0;
    c.processHeap = this.processHeap;
    return c;
  }

  /** The heap whose handle is `handle`, or undefined. */
  find(handle: number): Heap | undefined {
    for (const h of this.heaps) if (h.base === handle) return h;
    return undefined;
  }
}

/** The heaps of `p`, made on first use. */
export function heapsOf(p: ProcessObject): ProcessHeaps {
  return p.heaps ??= new ProcessHeaps();
}

/**
 * RtlCreateHeap: reserves the first segment (dwMaximumSize rounded to pages for a fixed heap; for a
 * growable one SegmentReserve or the initial size rounded to 64 KB), commits dwInitialSize rounded to
 * pages (at least one page), writes the _HEAP and the first free block, and lists the heap in the PEB.
 * Failures of the memory manager (ERROR_NOT_ENOUGH_MEMORY, ERROR_COMMITMENT_LIMIT) propagate.
 */
export function createHeap(env: HeapEnv, options: number, initialSize: number, maximumSize: number): Heap {
  const growable = maximumSize === 0;
  const flags = (options & (HEAP_NO_SERIALIZE | HEAP_GENERATE_EXCEPTIONS | HEAP_CREATE_ENABLE_EXECUTE)) | (growable ? HEAP_GROWABLE : 0);
  const reserve = growable ? Math.max(SEGMENT_RESERVE, roundUp(initialSize, 0x10000)) : Math.max(PAGE_SIZE, roundUp(maximumSize, PAGE_SIZE));
  const commit = Math.min(reserve, Math.max(PAGE_SIZE, roundUp(initialSize, PAGE_SIZE)));
  const protect = flags & HEAP_CREATE_ENABLE_EXECUTE ? 0x40 : 0x04;
  const base = Number(virtualAlloc(env.mm, env.p, 0n, BigInt(reserve), MEM_RESERVE, protect));
  try {
    virtualAlloc(env.mm, env.p, BigInt(base), BigInt(commit), MEM_COMMIT, protect);
  } catch (e) {
    virtualFree(env.mm, env.p, BigInt(base), 0n, MEM_RELEASE);
    throw e;
  }
  const list = heapsOf(env.p);
  const type = defaultHeapType(env.p);
  const heap = new Heap(base, flags, growable ? 0 : reserve, type, env.rng.nextU32(), env.rng.nextU32());
  list.heaps.push(heap);
  heap.listIndex = list.heaps.length;
  writeHeapHeader(env, heap);
  heap.addSegment(env, base, reserve, commit, base + FIRST_ENTRY_OFFSET);
  writeProcessHeapList(env, list);
  return heap;
}

/** The _HEAP fields a fresh heap has (the segment fields come with its first segment). */
function writeHeapHeader(env: HeapEnv, heap: Heap): void {
  const b = new Uint8Array(HEAP.size);
  const v = new DataView(b.buffer);
  const put = (at: number, x: number): void => { v.setUint32(at, x >>> 0, true); v.setUint32(at + 4, Math.floor(x / 0x100000000), true); };
  const base = heap.base;
  // The _HEAP's own entry: a busy block covering the header area up to FirstEntry.
  v.setUint16(HEAP.Entry + 8, FIRST_ENTRY_OFFSET / GRANULE, true);
  b[HEAP.Entry + 10] = HEAP_ENTRY_BUSY;
  b[HEAP.Entry + 11] = b[HEAP.Entry + 8]! ^ b[HEAP.Entry + 9]! ^ b[HEAP.Entry + 10]!;
  v.setUint32(HEAP.Entry + 8, (v.getUint32(HEAP.Entry + 8, true) ^ heap.encodingLo) >>> 0, true);
  v.setUint32(HEAP.Entry + 12, (v.getUint32(HEAP.Entry + 12, true) ^ heap.encodingHi) >>> 0, true);
  v.setUint32(HEAP.Flags, heap.flags, true);
  v.setUint32(HEAP.ForceFlags, heap.flags & ~HEAP_GROWABLE, true);
  v.setUint32(HEAP.EncodeFlagMask, HEAP_ENCODE_FLAG_MASK, true);
  v.setUint32(HEAP.Encoding + 8, heap.encodingLo, true);
  v.setUint32(HEAP.Encoding + 12, heap.encodingHi, true);
  v.setUint32(HEAP.VirtualMemoryThreshold, VIRTUAL_MEMORY_THRESHOLD / GRANULE, true);
  v.setUint32(HEAP.Signature, HEAP_SIGNATURE, true);
  put(HEAP.SegmentReserve, SEGMENT_RESERVE);
  put(HEAP.SegmentCommit, SEGMENT_COMMIT);
  put(HEAP.DeCommitFreeBlockThreshold, DECOMMIT_FREE_BLOCK_THRESHOLD / GRANULE);
  put(HEAP.DeCommitTotalFreeThreshold, DECOMMIT_TOTAL_FREE_THRESHOLD / GRANULE);
  put(HEAP.MaximumAllocationSize, MAXIMUM_ALLOCATION_SIZE);
  v.setUint16(HEAP.ProcessHeapsListIndex, heap.listIndex, true);
  // Empty lists point at themselves.
  put(HEAP.VirtualAllocdBlocks, base + HEAP.VirtualAllocdBlocks);
  put(HEAP.VirtualAllocdBlocks + 8, base + HEAP.VirtualAllocdBlocks);
  put(HEAP.FreeLists, base + HEAP.FreeLists);
  put(HEAP.FreeLists + 8, base + HEAP.FreeLists);
  // The heap lock follows the _HEAP; the BlocksIndex (_HEAP_LIST_LOOKUP) follows the lock.
  put(HEAP.LockVariable, base + HEAP.size);
  put(HEAP.BlocksIndex, base + 0x2E8);
  v.setUint16(HEAP.FrontEndHeapMaximumIndex, 0x80, true);
  // A segment heap says so in its signature (_SEGMENT_HEAP.Signature at +0x10, written with the first
  // segment's fields); its internals are the NT heap's here.
  storeBytes(env, base, b, 0, HEAP.size);
}

/** PEB.NumberOfHeaps, MaximumNumberOfHeaps, ProcessHeaps and the array after the PEB. */
function writeProcessHeapList(env: HeapEnv, list: ProcessHeaps): void {
  const peb = Number(env.p.peb);
  if (!peb) return;
  store32(env, peb + PEB_HEAPS.NumberOfHeaps, list.heaps.length);
  store32(env, peb + PEB_HEAPS.MaximumNumberOfHeaps, PEB_HEAPS.capacity);
  store64(env, peb + PEB_HEAPS.ProcessHeaps, peb + PEB_HEAPS.arrayOffset);
  const n = Math.min(PEB_HEAPS.capacity, list.heaps.length + 1);
  for (let i = 0; i < n; i++) store64(env, peb + PEB_HEAPS.arrayOffset + i * 8, list.heaps[i]?.base ?? 0);
}

/** RtlDestroyHeap: releases every segment and every VirtualAlloc'd block, and drops the heap from the list. */
export function destroyHeap(env: HeapEnv, heap: Heap): void {
  const list = heapsOf(env.p);
  for (const b of heap.virtualBlocks.values()) virtualFree(env.mm, env.p, BigInt(b.base), 0n, MEM_RELEASE);
  for (let i = heap.segments.length - 1; i >= 0; i--) virtualFree(env.mm, env.p, BigInt(heap.segments[i]!.base), 0n, MEM_RELEASE);
  list.heaps.splice(list.heaps.indexOf(heap), 1);
  list.heaps.forEach((h, i) => { h.listIndex = i + 1; });
  writeProcessHeapList(env, list);
}

/**
 * The process heap at process initialization (LdrpInitializeProcess -> RtlCreateHeap): growable, its
 * first segment SegmentReserve (1 MB, the images' SizeOfHeapReserve) with `commit` bytes committed,
 * and the loader's data as its first busy block (`loaderBytes` user bytes from FirstEntry).
 */
export function createLoaderHeap(env: HeapEnv, commit: number, loaderBytes: number): Heap {
  const heap = createHeap(env, 0, Math.max(commit, PAGE_SIZE), 0);
  heapsOf(env.p).processHeap = heap.base;
  env.trace.muted++;
  try {
    heap.allocateBlock(env, loaderBytes + GRANULE, loaderBytes, 0);
  } finally {
    env.trace.muted--;
  }
  return heap;
}
