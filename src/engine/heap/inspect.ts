// What the views, the `!heap` document and the integrity checker read of a process's heaps, without
// changing anything (no access faults: memory is read only where it is resident).
import { PTE_VALID, ptePfn } from '../mm/pte';
import type { MemoryManager } from '../mm/memoryManager';
import { copyUserPages, type FrameOf } from '../mm/userCopy';
import type { ProcessObject } from '../process';
import type { Heap } from './heap';
import { GRANULE } from './layout';
import { lfhBucketSize } from './lfh';
import { BLOCK_BUSY, BLOCK_UNCOMMITTED, BLOCK_USERBLOCKS, type HeapType } from './ntHeap';

/** One segment of a heap (!heap -a: "Segment at X to Y (Z bytes committed)"). */
export interface HeapSegmentInfo { base: bigint; end: bigint; firstEntry: bigint; reserved: number; committed: number; uncommittedRanges: number }

/** A heap, as !heap -s summarizes it. */
export interface HeapInfo {
  handle: bigint;
  /** 1-based position in the process's heap list (_HEAP.ProcessHeapsListIndex). */
  index: number;
  type: HeapType;
  processHeap: boolean;
  flags: number;
  growable: boolean;
  maximumSize: number;
  /** _HEAP.Encoding (bytes 8..15 of every header are XORed with it). */
  encoding: bigint;
  segments: HeapSegmentInfo[];
  reserved: number;
  committed: number;
  busyBlocks: number;
  freeBlocks: number;
  /** _HEAP.TotalFreeSize in bytes. */
  totalFree: number;
  /** Blocks VirtualAlloc'd on their own, with their user addresses and sizes. */
  virtualBlocks: Array<{ address: bigint; requested: number; reserved: number }>;
  /** The LFH: the buckets it serves (slot size) and its subsegments. */
  lfh: { buckets: number[]; subsegments: Array<{ userBlocks: bigint; blockSize: number; slots: number; free: number }> };
  allocations: number;
  frees: number;
  lfhAllocations: number;
}

export type HeapBlockKind = 'busy' | 'free' | 'uncommitted' | 'lfhUserBlocks';
/** One block of a segment (!heap -a / -i): its header address, size in bytes, and what it holds. */
export interface HeapBlockInfo { address: bigint; user: bigint; size: number; previousSize: number; kind: HeapBlockKind; requested: number; segment: number }

export function describeHeaps(p: ProcessObject): HeapInfo[] {
  const list = p.heaps;
  if (!list || p.exited) return [];
  return list.heaps.map((h) => describeHeap(h, h.base === list.processHeap));
}

function describeHeap(h: Heap, processHeap: boolean): HeapInfo {
  let busy = 0;
  let free = 0;
  const committedBySegment = h.segments.map((s) => s.reserve);
  const rangesBySegment = h.segments.map(() => 0);
  for (const id of h.ucrs) { committedBySegment[h.segment[id]!]! -= h.size[id]!; rangesBySegment[h.segment[id]!]!++; }
  for (const id of h.blocks()) {
    const f = h.blockFlags[id]!;
    if (f & BLOCK_UNCOMMITTED) continue;
    if (f & BLOCK_BUSY) busy++; else free++;
  }
  const segments = h.segments.map((s, i) => ({ base: BigInt(s.base), end: BigInt(s.base + s.reserve), firstEntry: BigInt(s.firstEntry), reserved: s.reserve, committed: committedBySegment[i]!, uncommittedRanges: rangesBySegment[i]! }));
  const virtualBlocks = [...h.virtualBlocks].map(([user, b]) => ({ address: BigInt(user), requested: b.requested, reserved: b.size }));
  const buckets: number[] = [];
  h.lfhActive.forEach((on, b) => { if (on) buckets.push(lfhBucketSize(b)); });
  return {
    handle: BigInt(h.base), index: h.listIndex, type: h.type, processHeap, flags: h.flags, growable: h.growable, maximumSize: h.maximumSize,
    encoding: (BigInt(h.encodingHi) << 32n) | BigInt(h.encodingLo),
    segments, reserved: segments.reduce((n, s) => n + s.reserved, 0) + virtualBlocks.reduce((n, b) => n + b.reserved, 0),
    committed: segments.reduce((n, s) => n + s.committed, 0) + virtualBlocks.reduce((n, b) => n + b.reserved, 0),
    busyBlocks: busy, freeBlocks: free, totalFree: h.totalFree, virtualBlocks,
    lfh: { buckets, subsegments: h.subsegments.map((s) => ({ userBlocks: BigInt(s.block + GRANULE), blockSize: s.slotSize, slots: s.count, free: s.free })) },
    allocations: h.allocations, frees: h.frees, lfhAllocations: h.lfhAllocations,
  };
}

/** A slice [start, start + count) of a heap's blocks in address order (of one segment, or all), and how many there are. */
export function listHeapBlocks(p: ProcessObject, handle: bigint, start: number, count: number, segment?: number): { total: number; blocks: HeapBlockInfo[] } {
  const h = p.heaps?.find(Number(handle));
  if (!h || p.exited || (segment !== undefined && !h.segments[segment])) return { total: 0, blocks: [] };
  const blocks: HeapBlockInfo[] = [];
  let i = 0;
  for (const id of segment === undefined ? h.blocks() : h.segmentBlocks(segment)) {
    if (i >= start && i < start + count) {
      const f = h.blockFlags[id]!;
      const kind: HeapBlockKind = f & BLOCK_UNCOMMITTED ? 'uncommitted' : f & BLOCK_USERBLOCKS ? 'lfhUserBlocks' : f & BLOCK_BUSY ? 'busy' : 'free';
      blocks.push({ address: BigInt(h.addr[id]!), user: BigInt(h.addr[id]! + GRANULE), size: h.size[id]!, previousSize: h.prev[id]!, kind, requested: h.requested[id]!, segment: h.segment[id]! });
    }
    i++;
  }
  return { total: i, blocks };
}

/** The frame of a resident page, or -1: reading it takes no fault. */
const residentFrame: FrameOf = (mm, p, vpn) => {
  const [lo, hi] = mm.peekPte(p, vpn);
  return lo & PTE_VALID ? ptePfn(lo, hi, mm.layout.hardwarePfnBits) : -1;
};

/** Reads resident bytes without faulting: false when a page of the range is not valid. */
export function peekUser(mm: MemoryManager, p: ProcessObject, va: number, out: Uint8Array): boolean {
  return copyUserPages(mm, p, va, out, 0, out.length, false, residentFrame);
}

/** A _HEAP_ENTRY read from memory and decoded with the heap's cookie: size and previous size in bytes, flags. */
export function decodeHeader(h: Heap, bytes: Uint8Array): { size: number; flags: number; previousSize: number; checksumOk: boolean } {
  const v = new DataView(bytes.buffer, bytes.byteOffset, 16);
  const lo = (v.getUint32(8, true) ^ h.encodingLo) >>> 0;
  const hi = (v.getUint32(12, true) ^ h.encodingHi) >>> 0;
  const b8 = lo & 0xFF;
  const b9 = (lo >>> 8) & 0xFF;
  const b10 = (lo >>> 16) & 0xFF;
  const b11 = lo >>> 24;
  return { size: (lo & 0xFFFF) * GRANULE, flags: b10, previousSize: (hi & 0xFFFF) * GRANULE, checksumOk: (b8 ^ b9 ^ b10) === b11 };
}
