// The low-fragmentation heap (LFH), the NT heap's front end. Windows Internals 7e ch. 5, "The
// low-fragmentation heap": blocks are served from buckets of predetermined sizes; each bucket's
// subsegments carve user blocks (one back-end allocation) into equal slots; the LFH turns on per size
// class by heuristics, is not used above about 16 KB, nor for heaps created with HEAP_NO_SERIALIZE or a
// fixed size (Microsoft Learn, "Low-fragmentation Heap"); which free slot a request gets is randomized
// ("Heap security features": LFH allocation randomization).
import { GRANULE, LFH_MAXIMUM_BLOCK } from './layout';

/**
 * Bucket of a block size (bytes, header included): 16-byte steps to 1 KB, then steps that double with
 * each doubling of the size (32 to 2 KB, 64 to 4 KB, 128 to 8 KB, 256 to 16 KB) — the LFH's buckets
 * widen with the size the same way.
 */
export function lfhBucket(size: number): number {
  if (size <= 1024) return size / GRANULE;
  if (size <= 2048) return 64 + Math.ceil((size - 1024) / 32);
  if (size <= 4096) return 96 + Math.ceil((size - 2048) / 64);
  if (size <= 8192) return 128 + Math.ceil((size - 4096) / 128);
  return 160 + Math.ceil((size - 8192) / 256);
}

/** The slot size of a bucket (the largest block size it serves). */
export function lfhBucketSize(bucket: number): number {
  if (bucket <= 64) return bucket * GRANULE;
  if (bucket <= 96) return 1024 + (bucket - 64) * 32;
  if (bucket <= 128) return 2048 + (bucket - 96) * 64;
  if (bucket <= 160) return 4096 + (bucket - 128) * 128;
  return 8192 + (bucket - 160) * 256;
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
