// The low-fragmentation heap (LFH), the NT heap's front end. Windows Internals 7e ch. 5, "The
// low-fragmentation heap": blocks are served from buckets of predetermined sizes; each bucket's
// subsegments carve user blocks (one back-end allocation) into equal slots; the LFH turns on per size
// class by heuristics, is not used above about 16 KB, nor for heaps created with HEAP_NO_SERIALIZE or a
// fixed size (Microsoft Learn, "Low-fragmentation Heap"); which free slot a request gets is randomized
// ("Heap security features": LFH allocation randomization).
import { GRANULE, LFH_MAXIMUM_BLOCK } from './layout';

/**
 * The LFH's 128 buckets. Windows Internals (6e Part 2 ch. 10 and 7e ch. 5, "Heap manager", the LFH's bucket table)
 * gives them for the 8-byte granularity of 32-bit heaps: 32 buckets 8 bytes apart up to 256 bytes, then 16
 * buckets per doubling of the size (granularity 16, 32, 64, 128, 256 and 512 bytes) up to 16 KB. The lab's model of
 * the x64 table keeps that shape with x64's 16-byte granularity: buckets 1-64 are 16 bytes apart up to 1 KB, then
 * 16 buckets per doubling, 64 bytes apart to 2 KB, 128 to 4 KB, 256 to 8 KB and 512 to 16 KB (128 buckets in all).
 */
const FINE_BUCKETS = 1024 / GRANULE;
const BUCKETS_PER_DOUBLING = 16;

/** Bucket (1..128) of a block size in bytes, header included (at most LFH_MAXIMUM_BLOCK). */
export function lfhBucket(size: number): number {
  if (size <= 1024) return Math.ceil(size / GRANULE);
  let lo = 1024;
  let base = FINE_BUCKETS;
  while (size > lo * 2) { lo *= 2; base += BUCKETS_PER_DOUBLING; }
  return base + Math.ceil((size - lo) / (lo / BUCKETS_PER_DOUBLING));
}

/** The slot size of a bucket (the largest block size it serves). */
export function lfhBucketSize(bucket: number): number {
  if (bucket <= FINE_BUCKETS) return bucket * GRANULE;
  const doubling = Math.floor((bucket - FINE_BUCKETS - 1) / BUCKETS_PER_DOUBLING);
  const lo = 1024 * 2 ** doubling;
  return lo + (bucket - FINE_BUCKETS - doubling * BUCKETS_PER_DOUBLING) * (lo / BUCKETS_PER_DOUBLING);
}

/** Buckets (indexes 0..LFH_BUCKETS-1; 0 and 1 are never used: the smallest block is 32 bytes). */
export const LFH_BUCKETS = lfhBucket(LFH_MAXIMUM_BLOCK) + 1;

/**
 * Slots per subsegment: enough for about 16 KB of blocks, between 4 and 255. The real LFH starts with
 * small user blocks and grows them as a bucket is used; the simulation keeps one size per bucket.
 */
export function lfhSlotCount(slotSize: number): number {
  return Math.max(4, Math.min(255, Math.floor(0x4000 / slotSize)));
}

/** One subsegment (_HEAP_SUBSEGMENT) and its user blocks (_HEAP_USERDATA_HEADER, then the slots). */
export interface LfhSubsegment {
  bucket: number;
  /** Header address of the back-end block holding the user blocks. */
  block: number;
  /** Address of the first slot. */
  firstSlot: number;
  slotSize: number;
  count: number;
  free: number;
  /** 1 = busy, per slot. */
  busy: Uint8Array;
  /** Requested bytes per busy slot (HeapSize). */
  requested: Float64Array;
}

export function cloneSubsegment(s: LfhSubsegment): LfhSubsegment {
  return { ...s, busy: s.busy.slice(), requested: s.requested.slice() };
}

/** xorshift32: the heap's own random stream for slot choice (deterministic per heap, seeded from its cookie). */
export function nextRandom(state: number): number {
  let x = state | 0 || 0x2545F491;
  x ^= x << 13;
  x ^= x >>> 17;
  x ^= x << 5;
  return x >>> 0;
}
