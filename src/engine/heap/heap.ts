// One heap as RtlAllocateHeap / RtlFreeHeap / RtlReAllocateHeap / RtlSizeHeap see it: the LFH front end
// in front of the NT back end (ntHeap.ts). Windows Internals 7e ch. 5, "The NT heap": "the front-end
// layer ... the LFH", "the back-end layer". Failures are reported to the caller (calls.ts), which turns
// them into NULL/FALSE or, with HEAP_GENERATE_EXCEPTIONS, an exception.
import { HEAP_GROWABLE, HEAP_NO_SERIALIZE, HEAP_REALLOC_IN_PLACE_ONLY, HEAP_ZERO_MEMORY } from '../constants';
import {
  FIXED_HEAP_MAXIMUM_BLOCK, GRANULE, HEAP, HEAP_ENTRY_BUSY, HEAP_USERDATA_HEADER, HEAP_VIRTUAL_ALLOC_ENTRY, LFH_ACTIVATION_THRESHOLD,
  LFH_MAXIMUM_BLOCK, LFH_USERBLOCKS_SIGNATURE, MAXIMUM_ALLOCATION_SIZE, MIN_BLOCK, VIRTUAL_MEMORY_THRESHOLD, FRONT_END_LFH,
} from './layout';
import { cloneSubsegment, lfhBucket, lfhBucketSize, LFH_BUCKETS, lfhSlotCount, nextRandom, type LfhSubsegment } from './lfh';
import { loadBytes, storeBytes, store32, store64, zeroBytes, type HeapEnv } from './memory';
import { BLOCK_BUSY, BLOCK_USERBLOCKS, NtHeapBackEnd, type HeapType } from './ntHeap';

/** Why a heap call failed: out of memory (STATUS_NO_MEMORY) or a bad pointer / corrupted block (STATUS_ACCESS_VIOLATION). */
export type HeapFailure = 'noMemory' | 'badPointer';

const roundUp = (x: number, to: number): number => Math.ceil(x / to) * to;
const SLOT_HEADER = new Uint8Array(16);
const SV = new DataView(SLOT_HEADER.buffer);

/** The block size (header included) that serves `bytes` user bytes. */
export function blockSizeFor(bytes: number): number { return Math.max(MIN_BLOCK, roundUp(bytes + GRANULE, GRANULE)); }

export class Heap extends NtHeapBackEnd {
  /** _HEAP.ProcessHeapsListIndex (1-based position in the process's heap list). */
  listIndex = 0;
  /** The LFH may serve this heap (growable, serialized). */
  readonly lfhAllowed: boolean;
  /** FrontEndHeapUsageData: back-end allocations per LFH bucket until it turns on. */
  usage = new Uint8Array(LFH_BUCKETS);
  /** FrontEndHeapStatusBitmap: the buckets the LFH serves. */
  lfhActive = new Uint8Array(LFH_BUCKETS);
  subsegments: LfhSubsegment[] = [];
  /** The subsegment each bucket allocates from (-1: none yet). */
  current = new Int32Array(LFH_BUCKETS).fill(-1);
  /** LFH slot by user address: subsegment index * 256 + slot. */
  lfhSlots = new Map<number, number>();
  random: number;
  /** Calls served, for !heap -s. */
  allocations = 0;
  frees = 0;
  lfhAllocations = 0;

  constructor(base: number, flags: number, maximumSize: number, type: HeapType, encodingLo: number, encodingHi: number) {
    super(base, flags, maximumSize, type, encodingLo, encodingHi);
    this.lfhAllowed = (flags & HEAP_GROWABLE) !== 0 && (flags & HEAP_NO_SERIALIZE) === 0;
    this.random = nextRandom(encodingLo ^ encodingHi);
  }

  clone(): Heap {
    const h = new Heap(this.base, this.flags, this.maximumSize, this.type, this.encodingLo, this.encodingHi);
    this.copyBackEndTo(h);
    h.listIndex = this.listIndex;
    h.usage = this.usage.slice();
    h.lfhActive = this.lfhActive.slice();
    h.subsegments = this.subsegments.map(cloneSubsegment);
    h.current = this.current.slice();
    h.lfhSlots = new Map(this.lfhSlots);
    h.random = this.random;
    h.allocations = this.allocations;
    h.frees = this.frees;
    h.lfhAllocations = this.lfhAllocations;
    return h;
  }

  get lfhEnabled(): boolean { return this.subsegments.length > 0 || this.lfhActive.some((x) => x !== 0); }

  // ------------------------------------------------------------------ RtlAllocateHeap

  /** A block of `bytes` user bytes: its address, or the failure. `flags` are the call's (HEAP_ZERO_MEMORY...). */
  allocate(env: HeapEnv, flags: number, bytes: number): number | HeapFailure {
    if (bytes > MAXIMUM_ALLOCATION_SIZE) return 'noMemory';
    const size = blockSizeFor(bytes);
    if (!this.growable && size > FIXED_HEAP_MAXIMUM_BLOCK) return 'noMemory';
    let user = 0;
    let frontEnd = false;
    if (this.lfhAllowed && size <= LFH_MAXIMUM_BLOCK) {
      const bucket = lfhBucket(size);
      if (this.lfhActive[bucket]) {
        user = this.lfhAllocate(env, bucket, bytes);
        frontEnd = user !== 0;
      }
    }
    if (!user) {
      if (this.growable && bytes > VIRTUAL_MEMORY_THRESHOLD) {
        user = this.allocateVirtualBlock(env, bytes);
      } else {
        const id = this.allocateBlock(env, size, bytes, 0);
        if (id >= 0) {
          user = this.addr[id]! + GRANULE;
          env.trace.step('heap.backEndAlloc')?.n(env.p.pid).a(this.base).a(user).n(bytes).n(this.size[id]!).b(this.type === 'Segment');
          if (this.lfhAllowed && size <= LFH_MAXIMUM_BLOCK) this.countForLfh(env, lfhBucket(size));
        }
      }
    }
    if (!user) return 'noMemory';
    if (flags & HEAP_ZERO_MEMORY) zeroBytes(env, user, bytes);
    this.allocations++;
    store64(env, this.base + HEAP.TotalFreeSize, this.totalFree / GRANULE);
    env.trace.step('heap.alloc')?.n(env.p.pid).a(this.base).n(bytes).n(flags).a(user).b(frontEnd).change('process', env.p.pid);
    return user;
  }

  /** FrontEndHeapUsageData: one more back-end allocation of this size class; past the threshold the LFH takes the class over. */
  private countForLfh(env: HeapEnv, bucket: number): void {
    if (this.lfhActive[bucket] || ++this.usage[bucket]! < LFH_ACTIVATION_THRESHOLD) return;
    this.lfhActive[bucket] = 1;
    const first = !this.subsegments.length && this.lfhActive.reduce((n, x) => n + x, 0) === 1;
    if (first) store32(env, this.base + HEAP.FrontEndHeapType - 2, FRONT_END_LFH << 16);
    env.trace.step('heap.lfhActivate')?.n(env.p.pid).a(this.base).n(bucket).n(lfhBucketSize(bucket)).n(this.usage[bucket]!).b(this.type === 'Segment');
  }

  /** RtlpLowFragHeapAllocFromContext: a slot of the bucket's current subsegment (a new one when all are full). Returns 0 when none can be had. */
  private lfhAllocate(env: HeapEnv, bucket: number, bytes: number): number {
    let si = this.current[bucket]!;
    if (si < 0 || this.subsegments[si]!.free === 0) {
      si = this.subsegments.findIndex((s) => s.bucket === bucket && s.free > 0);
      if (si < 0) si = this.allocateUserBlock(env, bucket);
      if (si < 0) return 0;
      this.current[bucket] = si;
    }
    const s = this.subsegments[si]!;
    // The slot is chosen at random among the free ones (LFH allocation randomization).
    this.random = nextRandom(this.random);
    let slot = this.random % s.count;
    while (s.busy[slot]) slot = slot + 1 === s.count ? 0 : slot + 1;
    s.busy[slot] = 1;
    s.requested[slot] = bytes;
    s.free--;
    const at = s.firstSlot + slot * s.slotSize;
    this.writeSlotHeader(env, s, slot, true);
    const user = at + GRANULE;
    this.lfhSlots.set(user, si * 256 + slot);
    this.lfhAllocations++;
    env.trace.step('heap.lfhAlloc')?.n(env.p.pid).a(this.base).a(user).n(s.slotSize).n(slot).n(s.free);
    return user;
  }

  /** RtlpAllocateUserBlock: user blocks for a bucket's new subsegment, one busy back-end block. Returns the subsegment's index, or -1. */
  private allocateUserBlock(env: HeapEnv, bucket: number): number {
    const slotSize = lfhBucketSize(bucket);
    const count = lfhSlotCount(slotSize);
    const bytes = HEAP_USERDATA_HEADER.size + count * slotSize;
    const id = this.allocateBlock(env, blockSizeFor(bytes), bytes, BLOCK_USERBLOCKS);
    if (id < 0) return -1;
    const userBlocks = this.addr[id]! + GRANULE;
    store32(env, userBlocks + HEAP_USERDATA_HEADER.Signature, LFH_USERBLOCKS_SIGNATURE);
    const s: LfhSubsegment = { bucket, block: this.addr[id]!, firstSlot: userBlocks + HEAP_USERDATA_HEADER.size, slotSize, count, free: count, busy: new Uint8Array(count), requested: new Float64Array(count) };
    this.subsegments.push(s);
    if (this.subsegments.length === 1) store64(env, this.base + HEAP.FrontEndHeap, userBlocks);
    env.trace.step('heap.lfhSubsegment')?.n(env.p.pid).a(this.base).a(userBlocks).n(slotSize).n(count);
    return this.subsegments.length - 1;
  }

  /** An LFH slot's header: busy or free, the unused bytes with the LFH bit (0x80) in UnusedBytes. */
  private writeSlotHeader(env: HeapEnv, s: LfhSubsegment, slot: number, busy: boolean): void {
    SV.setUint32(0, 0, true);
    SV.setUint32(4, 0, true);
    SV.setUint16(8, (s.slotSize / GRANULE) & 0xFFFF, true);
    SLOT_HEADER[10] = busy ? HEAP_ENTRY_BUSY : 0;
    SLOT_HEADER[11] = SLOT_HEADER[8]! ^ SLOT_HEADER[9]! ^ SLOT_HEADER[10]!;
    SV.setUint16(12, slot, true);
    SLOT_HEADER[14] = 0;
    SLOT_HEADER[15] = 0x80 | (busy ? Math.min(0x3F, s.slotSize - s.requested[slot]!) : 0);
    SV.setUint32(8, (SV.getUint32(8, true) ^ this.encodingLo) >>> 0, true);
    SV.setUint32(12, (SV.getUint32(12, true) ^ this.encodingHi) >>> 0, true);
    storeBytes(env, s.firstSlot + slot * s.slotSize, SLOT_HEADER, 0, 16);
  }

  // ------------------------------------------------------------------ RtlFreeHeap

  /** Frees the block at `user`: true, or false when `user` is not a busy block of this heap. NULL is a no-op (TRUE). */
  free(env: HeapEnv, user: number): boolean {
    if (user === 0) return true;
    const slotRef = this.lfhSlots.get(user);
    if (slotRef !== undefined) {
      const s = this.subsegments[Math.floor(slotRef / 256)]!;
      const slot = slotRef % 256;
      this.lfhSlots.delete(user);
      s.busy[slot] = 0;
      s.requested[slot] = 0;
      s.free++;
      this.writeSlotHeader(env, s, slot, false);
      env.trace.step('heap.lfhFree')?.n(env.p.pid).a(this.base).a(user).n(s.slotSize).n(s.free);
    } else if (this.virtualBlocks.has(user)) {
      this.freeVirtualBlock(env, user);
    } else {
      const id = this.busyBlockAt(user);
      if (id < 0) {
        env.trace.step('heap.corruption')?.n(env.p.pid).a(this.base).a(user).s('free');
        return false;
      }
      const size = this.size[id]!;
      this.freeBlock(env, id);
      env.trace.step('heap.backEndFree')?.n(env.p.pid).a(this.base).a(user).n(size);
    }
    this.frees++;
    store64(env, this.base + HEAP.TotalFreeSize, this.totalFree / GRANULE);
    env.trace.step('heap.free')?.n(env.p.pid).a(this.base).a(user).change('process', env.p.pid);
    return true;
  }

  /** The id of the busy back-end block whose user data starts at `user` (not the LFH's user blocks), or -1. */
  private busyBlockAt(user: number): number {
    const id = this.byAddr.get(user - GRANULE);
    if (id === undefined) return -1;
    const f = this.blockFlags[id]!;
    return (f & BLOCK_BUSY) && !(f & BLOCK_USERBLOCKS) ? id : -1;
  }

  // ------------------------------------------------------------------ RtlSizeHeap

  /** The requested size of the block at `user`, or -1 when it is not one of this heap's busy blocks. */
  sizeOf(user: number): number {
    const slotRef = this.lfhSlots.get(user);
    if (slotRef !== undefined) return this.subsegments[Math.floor(slotRef / 256)]!.requested[slotRef % 256]!;
    const v = this.virtualBlocks.get(user);
    if (v) return v.requested;
    const id = this.busyBlockAt(user);
    return id < 0 ? -1 : this.requested[id]!;
  }

  // ------------------------------------------------------------------ RtlReAllocateHeap

  /**
   * Resizes the block at `user` to `bytes`: in place when the block (or the free block after it) has
   * room, else (unless HEAP_REALLOC_IN_PLACE_ONLY) a new block with the contents copied and the old one
   * freed. HEAP_ZERO_MEMORY zeroes what the block grew by.
   */
  reAllocate(env: HeapEnv, flags: number, user: number, bytes: number): number | HeapFailure {
    const old = this.sizeOf(user);
    if (old < 0) {
      env.trace.step('heap.corruption')?.n(env.p.pid).a(this.base).a(user).s('reAlloc');
      return 'badPointer';
    }
    const size = blockSizeFor(bytes);
    if (bytes > MAXIMUM_ALLOCATION_SIZE || (!this.growable && size > FIXED_HEAP_MAXIMUM_BLOCK)) return 'noMemory';
    let inPlace = false;
    const slotRef = this.lfhSlots.get(user);
    const virtual = this.virtualBlocks.get(user);
    if (slotRef !== undefined) {
      const s = this.subsegments[Math.floor(slotRef / 256)]!;
      if (size <= s.slotSize) { s.requested[slotRef % 256] = bytes; this.writeSlotHeader(env, s, slotRef % 256, true); inPlace = true; }
    } else if (virtual) {
      if (bytes + HEAP_VIRTUAL_ALLOC_ENTRY.size <= virtual.size && bytes > VIRTUAL_MEMORY_THRESHOLD) { virtual.requested = bytes; inPlace = true; }
    } else {
      const id = this.busyBlockAt(user);
      if (size <= this.size[id]!) {
        this.split(env, id, size);
        inPlace = true;
      } else {
        const after = this.next(id);
        if (this.isFree(after) && this.size[id]! + this.size[after]! >= size && !(this.growable && bytes > VIRTUAL_MEMORY_THRESHOLD)) {
          this.removeFree(env, after);
          this.size[id] = this.size[id]! + this.size[after]!;
          this.dropBlock(after);
          const n = this.next(id);
          if (n >= 0) { this.prev[n] = this.size[id]!; this.writeHeader(env, n); }
          this.split(env, id, size);
          inPlace = true;
        }
      }
      if (inPlace) { this.requested[id] = bytes; this.writeHeader(env, id); }
    }
    let result = user;
    if (inPlace) {
      if ((flags & HEAP_ZERO_MEMORY) && bytes > old) zeroBytes(env, user + old, bytes - old);
    } else {
      if (flags & HEAP_REALLOC_IN_PLACE_ONLY) return 'noMemory';
      const moved = this.allocate(env, flags & ~HEAP_ZERO_MEMORY, bytes);
      if (typeof moved !== 'number') return moved;
      const keep = Math.min(old, bytes);
      if (keep > 0) {
        const copy = new Uint8Array(keep);
        loadBytes(env, user, copy, 0, keep);
        storeBytes(env, moved, copy, 0, keep);
      }
      if ((flags & HEAP_ZERO_MEMORY) && bytes > old) zeroBytes(env, moved + old, bytes - old);
      this.free(env, user);
      result = moved;
    }
    store64(env, this.base + HEAP.TotalFreeSize, this.totalFree / GRANULE);
    env.trace.step('heap.reAlloc')?.n(env.p.pid).a(this.base).a(user).n(bytes).a(result).b(inPlace).change('process', env.p.pid);
    return result;
  }
}
