// The NT heap's back end (ntdll: RtlpAllocateHeap, RtlpFreeHeap, RtlpCoalesceFreeBlocks,
// RtlpFindAndCommitPages, RtlpExtendHeap, RtlpDeCommitFreeBlock). Windows Internals 7e ch. 5, "Heap
// manager" / "The NT heap": a heap is segments reserved with VirtualAlloc and committed as needed; the
// segments are tiled by blocks, each with a _HEAP_ENTRY header; free blocks sit on _HEAP.FreeLists
// (one list sorted by size, with ListHints per size in the BlocksIndex), adjacent free blocks are
// coalesced, large free ranges are decommitted, and blocks above VirtualMemoryThreshold get their own
// VirtualAlloc. The headers and free-list links are written into the process's memory (encoded with
// the heap's cookie); the arrays here mirror them so an allocation does not parse memory back.
import { PAGE_SIZE } from '../constants';
import { MEM_COMMIT, MEM_DECOMMIT, MEM_RELEASE, MEM_RESERVE, PAGE_EXECUTE_READWRITE, PAGE_READWRITE, HEAP_CREATE_ENABLE_EXECUTE, HEAP_GROWABLE } from '../constants';
import { LastError } from '../errors';
import { virtualAlloc, virtualFree } from '../mm/virtual';
import {
  DECOMMIT_FREE_BLOCK_THRESHOLD, DECOMMIT_TOTAL_FREE_THRESHOLD, GRANULE, HEAP, HEAP_ENTRY_BUSY, HEAP_ENTRY_LAST_ENTRY,
  HEAP_ENTRY_VIRTUAL_ALLOC, HEAP_FREE_ENTRY, HEAP_SEGMENT, HEAP_SEGMENT_SIGNATURE, SEGMENT_HEAP_SIGNATURE, HEAP_VIRTUAL_ALLOC_ENTRY, MIN_BLOCK,
  SEGMENT_COMMIT, SEGMENT_FIRST_ENTRY_OFFSET, SEGMENT_RESERVE,
} from './layout';
import { storeBytes, store64, type HeapEnv } from './memory';

/** Which heap implementation serves a heap (Windows Internals 7e ch. 5, "Heap types"). */
export type HeapType = 'NT' | 'Segment';

/** One segment: [base, base + reserve) reserved; blocks tile [firstEntry, base + reserve). */
export interface HeapSegment { base: number; reserve: number; firstEntry: number }

/** A block VirtualAlloc'd on its own (_HEAP_VIRTUAL_ALLOC_ENTRY on _HEAP.VirtualAllocdBlocks). */
export interface VirtualBlock { base: number; size: number; requested: number }

/** Mirror flags (the first is _HEAP_ENTRY's; the others are the simulation's own bookkeeping). */
export const BLOCK_BUSY = HEAP_ENTRY_BUSY;
/** An LFH subsegment's user blocks: a busy back-end block owned by the front end. */
export const BLOCK_USERBLOCKS = 0x20;
/** Not a block: an uncommitted range (UCR) of the segment, kept in the tiling so it stays contiguous. */
export const BLOCK_UNCOMMITTED = 0x40;

const LIST_HINTS = 128;
const roundUp = (x: number, to: number): number => Math.ceil(x / to) * to;
const roundDown = (x: number, to: number): number => Math.floor(x / to) * to;

/** A header in the making: bytes 8..15 are encoded before the store. */
const HEADER = new Uint8Array(16);
const HV = new DataView(HEADER.buffer);

/**
 * The back end's state for one heap, in typed arrays indexed by block id (a snapshot copies them whole).
 * Addresses are numbers: user addresses are below 2^47, exact as doubles.
 */
export class NtHeapBackEnd {
  /** The heap's handle: the address of its _HEAP. */
  readonly base: number;
  /** HeapCreate's options, with HEAP_GROWABLE for a growable heap. */
  flags: number;
  /** dwMaximumSize rounded to pages (0 = growable). */
  maximumSize: number;
  type: HeapType;
  /** _HEAP.Encoding: the cookie XORed into bytes 8..15 of every header, as two 32-bit words. */
  encodingLo: number;
  encodingHi: number;
  segments: HeapSegment[] = [];
  virtualBlocks = new Map<number, VirtualBlock>();

  private cap = 64;
  addr = new Float64Array(64);
  size = new Float64Array(64);
  prev = new Float64Array(64);
  requested = new Float64Array(64);
  blockFlags = new Uint8Array(64);
  segment = new Uint16Array(64);
  flink = new Int32Array(64);
  blink = new Int32Array(64);
  /** Block id by header address (uncommitted ranges by their start). */
  byAddr = new Map<number, number>();
  /** The uncommitted ranges' ids. */
  ucrs = new Set<number>();
  private freeIds: number[] = [];
  private nextId = 0;
  /** BlocksIndex ListHints: the first free block of each size in granules (< 128), and of all larger ones (128). */
  hints = new Int32Array(LIST_HINTS + 1).fill(-1);
  freeHead = -1;
  freeTail = -1;
  /** _HEAP.TotalFreeSize, in bytes. */
  totalFree = 0;
  /** Blocks in use (busy back-end blocks, user blocks of the LFH included). */
  busyCount = 0;

  constructor(base: number, flags: number, maximumSize: number, type: HeapType, encodingLo: number, encodingHi: number) {
    this.base = base;
    this.flags = flags;
    this.maximumSize = maximumSize;
    this.type = type;
    this.encodingLo = encodingLo;
    this.encodingHi = encodingHi;
  }

  get growable(): boolean { return (this.flags & HEAP_GROWABLE) !== 0; }

  protected copyBackEndTo(h: NtHeapBackEnd): void {
    h.segments = this.segments.map((s) => ({ ...s }));
    h.virtualBlocks = new Map([...this.virtualBlocks].map(([k, v]) => [k, { ...v }]));
    h.cap = this.cap;
    h.addr = this.addr.slice(); h.size = this.size.slice(); h.prev = this.prev.slice(); h.requested = this.requested.slice();
    h.blockFlags = this.blockFlags.slice(); h.segment = this.segment.slice(); h.flink = this.flink.slice(); h.blink = this.blink.slice();
    h.byAddr = new Map(this.byAddr);
    h.ucrs = new Set(this.ucrs);
    h.freeIds = this.freeIds.slice();
    h.nextId = this.nextId;
    h.hints = this.hints.slice();
    h.freeHead = this.freeHead; h.freeTail = this.freeTail;
    h.totalFree = this.totalFree;
    h.busyCount = this.busyCount;
  }

  // ------------------------------------------------------------------ block ids

  private newId(): number {
    const reused = this.freeIds.pop();
    if (reused !== undefined) return reused;
    if (this.nextId === this.cap) this.grow();
    return this.nextId++;
  }

  private grow(): void {
    const n = this.cap * 2;
    const f64 = (a: Float64Array): Float64Array<ArrayBuffer> => { const b = new Float64Array(n); b.set(a); return b; };
    const i32 = (a: Int32Array): Int32Array<ArrayBuffer> => { const b = new Int32Array(n); b.set(a); return b; };
    this.addr = f64(this.addr); this.size = f64(this.size); this.prev = f64(this.prev); this.requested = f64(this.requested);
    const fl = new Uint8Array(n); fl.set(this.blockFlags); this.blockFlags = fl;
    const sg = new Uint16Array(n); sg.set(this.segment); this.segment = sg;
    this.flink = i32(this.flink); this.blink = i32(this.blink);
    this.cap = n;
  }

  private makeBlock(address: number, size: number, prev: number, flags: number, segment: number): number {
    const id = this.newId();
    this.addr[id] = address;
    this.size[id] = size;
    this.prev[id] = prev;
    this.blockFlags[id] = flags;
    this.segment[id] = segment;
    this.requested[id] = 0;
    this.flink[id] = -1;
    this.blink[id] = -1;
    this.byAddr.set(address, id);
    if (flags & BLOCK_UNCOMMITTED) this.ucrs.add(id);
    return id;
  }

  protected dropBlock(id: number): void {
    this.byAddr.delete(this.addr[id]!);
    this.ucrs.delete(id);
    this.blockFlags[id] = 0xFF;
    this.freeIds.push(id);
  }

  /** The block after `id` in its segment, or -1 at the segment's end. */
  next(id: number): number { return this.byAddr.get(this.addr[id]! + this.size[id]!) ?? -1; }
  /** The block before `id`, or -1 for the first block of a segment. */
  previous(id: number): number { return this.prev[id]! > 0 ? this.byAddr.get(this.addr[id]! - this.prev[id]!) ?? -1 : -1; }

  isFree(id: number): boolean { return id >= 0 && this.blockFlags[id] === 0; }

  // ------------------------------------------------------------------ memory

  /** Writes block `id`'s _HEAP_ENTRY (encoded); uncommitted ranges have no header. */
  writeHeader(env: HeapEnv, id: number): void {
    const flags = this.blockFlags[id]!;
    if (flags & BLOCK_UNCOMMITTED) return;
    const size = this.size[id]!;
    const granules = size / GRANULE;
    HV.setUint32(0, 0, true);
    HV.setUint32(4, 0, true);
    HV.setUint16(8, granules & 0xFFFF, true);
    const nxt = this.next(id);
    HEADER[10] = (flags & BLOCK_BUSY) | (nxt < 0 ? HEAP_ENTRY_LAST_ENTRY : 0);
    HEADER[11] = HEADER[8]! ^ HEADER[9]! ^ HEADER[10]!;
    HV.setUint16(12, (this.prev[id]! / GRANULE) & 0xFFFF, true);
    HEADER[14] = this.segment[id]! & 0xFF;
    HEADER[15] = flags & BLOCK_BUSY ? Math.min(0x3F, size - this.requested[id]!) : 0;
    HV.setUint32(8, (HV.getUint32(8, true) ^ this.encodingLo) >>> 0, true);
    HV.setUint32(12, (HV.getUint32(12, true) ^ this.encodingHi) >>> 0, true);
    storeBytes(env, this.addr[id]!, HEADER, 0, 16);
  }

  /** The address a free-list link points at: a free block's LIST_ENTRY, or the list head in _HEAP. */
  private linkAddress(id: number): number { return id < 0 ? this.base + HEAP.FreeLists : this.addr[id]! + HEAP_FREE_ENTRY.FreeList; }

  /** Stores the LIST_ENTRY of `id` (or of the head, -1) as the mirror has it. */
  private writeLinks(env: HeapEnv, id: number): void {
    const at = this.linkAddress(id);
    store64(env, at, this.linkAddress(id < 0 ? this.freeHead : this.flink[id]!));
    store64(env, at + 8, this.linkAddress(id < 0 ? this.freeTail : this.blink[id]!));
  }

  // ------------------------------------------------------------------ the free lists

  private static hintIndex(size: number): number { const g = size / GRANULE; return g < LIST_HINTS ? g : LIST_HINTS; }

  /** The first free block of at least `size` bytes (the list is sorted by size: the best fit), or -1. */
  findFree(size: number): number {
    const k = NtHeapBackEnd.hintIndex(size);
    if (k < LIST_HINTS) {
      for (let i = k; i < LIST_HINTS; i++) if (this.hints[i]! >= 0) return this.hints[i]!;
    }
    for (let id = this.hints[LIST_HINTS]!; id >= 0; id = this.flink[id]!) if (this.size[id]! >= size) return id;
    return -1;
  }

  /** Puts free block `id` on the list before the first block at least as large. */
  insertFree(env: HeapEnv, id: number): void {
    const size = this.size[id]!;
    const k = NtHeapBackEnd.hintIndex(size);
    let succ = -1;
    if (k < LIST_HINTS) {
      for (let i = k; i <= LIST_HINTS; i++) if (this.hints[i]! >= 0) { succ = this.hints[i]!; break; }
    } else {
      succ = this.hints[LIST_HINTS]!;
      while (succ >= 0 && this.size[succ]! < size) succ = this.flink[succ]!;
    }
    const pred = succ >= 0 ? this.blink[succ]! : this.freeTail;
    this.flink[id] = succ;
    this.blink[id] = pred;
    if (pred >= 0) this.flink[pred] = id; else this.freeHead = id;
    if (succ >= 0) this.blink[succ] = id; else this.freeTail = id;
    if (this.hints[k]! < 0 || this.hints[k] === succ) this.hints[k] = id;
    this.totalFree += size;
    this.writeLinks(env, id);
    this.writeLinks(env, pred);
    this.writeLinks(env, succ);
  }

  /** Takes free block `id` off the list. */
  removeFree(env: HeapEnv, id: number): void {
    const size = this.size[id]!;
    const k = NtHeapBackEnd.hintIndex(size);
    const succ = this.flink[id]!;
    const pred = this.blink[id]!;
    if (this.hints[k] === id) this.hints[k] = succ >= 0 && NtHeapBackEnd.hintIndex(this.size[succ]!) === k ? succ : -1;
    if (pred >= 0) this.flink[pred] = succ; else this.freeHead = succ;
    if (succ >= 0) this.blink[succ] = pred; else this.freeTail = pred;
    this.flink[id] = -1;
    this.blink[id] = -1;
    this.totalFree -= size;
    this.writeLinks(env, pred);
    this.writeLinks(env, succ);
  }

  // ------------------------------------------------------------------ segments

  /**
   * Lays out a new segment: blocks from `firstEntry`, [base, base + committed) committed. The first
   * segment's header is the _HEAP itself (written by the caller); later ones get a _HEAP_SEGMENT.
   */
  addSegment(env: HeapEnv, base: number, reserve: number, committed: number, firstEntry: number): number {
    const index = this.segments.length;
    this.segments.push({ base, reserve, firstEntry });
    const free = this.makeBlock(firstEntry, base + committed - firstEntry, 0, 0, index);
    if (committed < reserve) this.makeBlock(base + committed, reserve - committed, this.size[free]!, BLOCK_UNCOMMITTED, index);
    this.writeSegmentHeader(env, index);
    this.writeHeader(env, free);
    this.insertFree(env, free);
    return free;
  }

  /** The _HEAP_SEGMENT fields of segment `index` (for the first one, the _HEAP's leading fields). */
  writeSegmentHeader(env: HeapEnv, index: number): void {
    const s = this.segments[index]!;
    const hdr = new Uint8Array(HEAP_SEGMENT.size);
    const v = new DataView(hdr.buffer);
    // A segment heap's first segment carries _SEGMENT_HEAP.Signature there instead.
    v.setUint32(HEAP_SEGMENT.SegmentSignature, index === 0 && this.type === 'Segment' ? SEGMENT_HEAP_SIGNATURE : HEAP_SEGMENT_SIGNATURE, true);
    v.setUint32(HEAP_SEGMENT.SegmentFlags, index === 0 ? 0 : 1, true);
    const put = (at: number, x: number): void => { v.setUint32(at, x >>> 0, true); v.setUint32(at + 4, Math.floor(x / 0x100000000), true); };
    // SegmentListEntry: this segment on _HEAP.SegmentList (the list is rewritten whole: segments are few).
    const link = (i: number): number => (i < 0 || i >= this.segments.length ? this.base + HEAP.SegmentList : this.segments[i]!.base + HEAP_SEGMENT.SegmentListEntry);
    put(HEAP_SEGMENT.SegmentListEntry, link(index + 1));
    put(HEAP_SEGMENT.SegmentListEntry + 8, link(index - 1));
    put(HEAP_SEGMENT.Heap, this.base);
    put(HEAP_SEGMENT.BaseAddress, s.base);
    v.setUint32(HEAP_SEGMENT.NumberOfPages, s.reserve / PAGE_SIZE, true);
    put(HEAP_SEGMENT.FirstEntry, s.firstEntry);
    put(HEAP_SEGMENT.LastValidEntry, s.base + s.reserve);
    const [pages, ranges] = this.uncommitted(index);
    v.setUint32(HEAP_SEGMENT.NumberOfUnCommittedPages, pages, true);
    v.setUint32(HEAP_SEGMENT.NumberOfUnCommittedRanges, ranges, true);
    // The first segment's entry (+0) is the _HEAP's own header block; it is not rewritten here.
    storeBytes(env, s.base + 0x10, hdr, 0x10, HEAP_SEGMENT.size - 0x10);
    // _HEAP.SegmentList (the head) points at the first and last segments.
    store64(env, this.base + HEAP.SegmentList, link(0));
    store64(env, this.base + HEAP.SegmentList + 8, link(this.segments.length - 1));
  }

  /** Uncommitted pages and ranges of segment `index` (walks its blocks: segments hold few ranges). */
  uncommitted(index: number): [number, number] {
    let pages = 0;
    let ranges = 0;
    const s = this.segments[index];
    if (!s) return [0, 0];
    for (let id = this.byAddr.get(s.firstEntry) ?? -1; id >= 0; id = this.next(id)) {
      if (this.blockFlags[id]! & BLOCK_UNCOMMITTED) { pages += this.size[id]! / PAGE_SIZE; ranges++; }
    }
    return [pages, ranges];
  }

  // ------------------------------------------------------------------ allocation (RtlpAllocateHeap)

  /**
   * A busy block of at least `size` bytes (header included) for `requested` user bytes: from the free
   * lists, else from pages committed in an uncommitted range, else (growable heaps) from a new
   * segment. Returns the block id, or -1 when the heap cannot grow to it.
   */
  allocateBlock(env: HeapEnv, size: number, requested: number, flags: number): number {
    let id = this.findFree(size);
    if (id < 0) id = this.findAndCommitPages(env, size);
    if (id < 0 && this.growable) id = this.extendHeap(env, size);
    if (id < 0) return -1;
    this.removeFree(env, id);
    this.split(env, id, size);
    this.blockFlags[id] = BLOCK_BUSY | flags;
    this.requested[id] = requested;
    this.busyCount++;
    this.writeHeader(env, id);
    return id;
  }

  /** Cuts `id` down to `size` bytes; a remainder big enough to be a block goes back on the free lists (coalesced with a free successor). */
  split(env: HeapEnv, id: number, size: number): void {
    const rest = this.size[id]! - size;
    if (rest < MIN_BLOCK) return;
    this.size[id] = size;
    const r = this.makeBlock(this.addr[id]! + size, rest, size, 0, this.segment[id]!);
    const after = this.next(r);
    if (this.isFree(after)) {
      this.removeFree(env, after);
      this.size[r] = rest + this.size[after]!;
      this.dropBlock(after);
    }
    this.fixPrevOfNext(env, r);
    this.writeHeader(env, r);
    this.insertFree(env, r);
  }

  /** The block after `id` learns its new PreviousSize. */
  private fixPrevOfNext(env: HeapEnv, id: number): void {
    const n = this.next(id);
    if (n >= 0) { this.prev[n] = this.size[id]!; this.writeHeader(env, n); }
  }

  /**
   * RtlpFindAndCommitPages: commits pages of an uncommitted range so that, with the free block before
   * it, `size` bytes fit; commits at least SegmentCommit at a time. Returns the free block, or -1.
   */
  private findAndCommitPages(env: HeapEnv, size: number): number {
    for (const u of this.ucrs) {
      const before = this.previous(u);
      const have = this.isFree(before) ? this.size[before]! : 0;
      if (have + this.size[u]! < size) continue;
      const commit = Math.min(this.size[u]!, roundUp(Math.max(size - have, SEGMENT_COMMIT), PAGE_SIZE));
      const start = this.addr[u]!;
      try {
        virtualAlloc(env.mm, env.p, BigInt(start), BigInt(commit), MEM_COMMIT, this.protection());
      } catch (e) {
        if (e instanceof LastError) return -1; // the commit limit: the allocation fails
        throw e;
      }
      env.trace.step('heap.commit')?.n(env.p.pid).a(this.base).a(start).a(commit).change('vad', env.p.pid, start);
      return this.takeCommitted(env, u, commit);
    }
    return -1;
  }

  /** The committed bytes of the heap's segments (a fixed heap may not commit beyond its maximum). */
  committedBytes(): number {
    let total = 0;
    for (const s of this.segments) total += s.reserve;
    for (const id of this.ucrs) total -= this.size[id]!;
    return total;
  }

  /** The first `commit` bytes of uncommitted range `u` become free space (merged with free neighbours). */
  private takeCommitted(env: HeapEnv, u: number, commit: number): number {
    const start = this.addr[u]!;
    const seg = this.segment[u]!;
    const before = this.previous(u);
    this.byAddr.delete(start);
    let id: number;
    if (this.isFree(before)) {
      this.removeFree(env, before);
      this.size[before] = this.size[before]! + commit;
      id = before;
    } else {
      id = this.makeBlock(start, commit, this.prev[u]!, 0, seg);
    }
    if (commit < this.size[u]!) {
      this.addr[u] = start + commit;
      this.size[u] = this.size[u]! - commit;
      this.prev[u] = this.size[id]!;
      this.byAddr.set(this.addr[u]!, u);
    } else {
      this.blockFlags[u] = 0xFF;
      this.ucrs.delete(u);
      this.freeIds.push(u);
      const after = this.next(id);
      if (this.isFree(after)) {
        this.removeFree(env, after);
        this.size[id] = this.size[id]! + this.size[after]!;
        this.dropBlock(after);
      }
      this.fixPrevOfNext(env, id);
    }
    this.writeHeader(env, id);
    this.insertFree(env, id);
    this.writeSegmentHeader(env, seg);
    return id;
  }

  /**
   * RtlpExtendHeap: a growable heap reserves a new segment (at least SegmentReserve, or what the block
   * needs), commits its first pages and writes its _HEAP_SEGMENT. Returns the new free block, or -1.
   */
  private extendHeap(env: HeapEnv, size: number): number {
    const reserve = Math.max(SEGMENT_RESERVE, roundUp(size + SEGMENT_FIRST_ENTRY_OFFSET + PAGE_SIZE, 0x10000));
    const commit = Math.min(reserve, roundUp(Math.max(size + SEGMENT_FIRST_ENTRY_OFFSET, SEGMENT_COMMIT), PAGE_SIZE));
    let base: number;
    try {
      base = Number(virtualAlloc(env.mm, env.p, 0n, BigInt(reserve), MEM_RESERVE, this.protection()));
      virtualAlloc(env.mm, env.p, BigInt(base), BigInt(commit), MEM_COMMIT, this.protection());
    } catch (e) {
      if (e instanceof LastError) return -1;
      throw e;
    }
    const id = this.addSegment(env, base, reserve, commit, base + SEGMENT_FIRST_ENTRY_OFFSET);
    if (this.segments.length > 1) this.writeSegmentHeader(env, this.segments.length - 2);
    env.trace.step('heap.extend')?.n(env.p.pid).a(this.base).a(base).a(reserve).n(commit).n(this.segments.length).change('vad', env.p.pid, base);
    return id;
  }

  protection(): number { return this.flags & HEAP_CREATE_ENABLE_EXECUTE ? PAGE_EXECUTE_READWRITE : PAGE_READWRITE; }

  // ------------------------------------------------------------------ freeing (RtlpFreeHeap)

  /** Frees busy block `id`: coalesces it with free neighbours, puts it on the free lists, decommits a large free range. */
  freeBlock(env: HeapEnv, id: number): void {
    this.blockFlags[id] = 0;
    this.requested[id] = 0;
    this.busyCount--;
    let merged = 0;
    const after = this.next(id);
    if (this.isFree(after)) {
      this.removeFree(env, after);
      this.size[id] = this.size[id]! + this.size[after]!;
      this.dropBlock(after);
      merged++;
    }
    const before = this.previous(id);
    if (this.isFree(before)) {
      this.removeFree(env, before);
      this.size[before] = this.size[before]! + this.size[id]!;
      this.dropBlock(id);
      id = before;
      merged++;
    }
    if (merged) {
      this.fixPrevOfNext(env, id);
      env.trace.step('heap.coalesce')?.n(env.p.pid).a(this.base).a(this.addr[id]!).a(this.size[id]!).n(merged);
    }
    this.writeHeader(env, id);
    this.insertFree(env, id);
    if (this.size[id]! >= DECOMMIT_FREE_BLOCK_THRESHOLD && this.totalFree >= DECOMMIT_TOTAL_FREE_THRESHOLD) this.deCommitFreeBlock(env, id);
  }

  /**
   * RtlpDeCommitFreeBlock: the whole pages inside a large free block are decommitted and become an
   * uncommitted range; the fragments before and after stay free blocks.
   */
  private deCommitFreeBlock(env: HeapEnv, id: number): void {
    const a = this.addr[id]!;
    const end0 = a + this.size[id]!;
    const start = roundUp(a + MIN_BLOCK, PAGE_SIZE);
    let end = roundDown(end0, PAGE_SIZE);
    if (end0 - end > 0 && end0 - end < MIN_BLOCK) end -= PAGE_SIZE;
    if (end - start < PAGE_SIZE) return;
    const seg = this.segment[id]!;
    const after = this.next(id);
    this.removeFree(env, id);
    virtualFree(env.mm, env.p, BigInt(start), BigInt(end - start), MEM_DECOMMIT);
    this.size[id] = start - a;
    let u: number;
    if (end === end0 && after >= 0 && (this.blockFlags[after]! & BLOCK_UNCOMMITTED)) {
      // The range joins the uncommitted range that follows.
      this.byAddr.delete(this.addr[after]!);
      this.addr[after] = start;
      this.size[after] = this.size[after]! + (end - start);
      this.byAddr.set(start, after);
      u = after;
      this.prev[u] = this.size[id]!;
    } else {
      u = this.makeBlock(start, end - start, this.size[id]!, BLOCK_UNCOMMITTED, seg);
    }
    if (end < end0) {
      const t = this.makeBlock(end, end0 - end, this.size[u]!, 0, seg);
      this.fixPrevOfNext(env, t);
      this.writeHeader(env, t);
      this.insertFree(env, t);
    } else {
      this.fixPrevOfNext(env, u);
    }
    this.writeHeader(env, id);
    this.insertFree(env, id);
    this.writeSegmentHeader(env, seg);
    env.trace.step('heap.decommit')?.n(env.p.pid).a(this.base).a(start).a(end - start).change('vad', env.p.pid, start);
  }

  // ------------------------------------------------------------------ blocks with their own VirtualAlloc

  /** A block above VirtualMemoryThreshold: its own reservation, a _HEAP_VIRTUAL_ALLOC_ENTRY in front. Returns the user address, or 0. */
  allocateVirtualBlock(env: HeapEnv, requested: number): number {
    const size = roundUp(requested + HEAP_VIRTUAL_ALLOC_ENTRY.size, PAGE_SIZE);
    let base: number;
    try {
      base = Number(virtualAlloc(env.mm, env.p, 0n, BigInt(size), MEM_RESERVE | MEM_COMMIT, this.protection()));
    } catch (e) {
      if (e instanceof LastError) return 0;
      throw e;
    }
    const hdr = new Uint8Array(HEAP_VIRTUAL_ALLOC_ENTRY.size);
    const v = new DataView(hdr.buffer);
    const put = (at: number, x: number): void => { v.setUint32(at, x >>> 0, true); v.setUint32(at + 4, Math.floor(x / 0x100000000), true); };
    put(HEAP_VIRTUAL_ALLOC_ENTRY.CommitSize, size);
    put(HEAP_VIRTUAL_ALLOC_ENTRY.ReserveSize, size);
    // BusyBlock: Size holds the unused bytes at the end; the VIRTUAL_ALLOC flag marks it (encoded like any header).
    v.setUint16(HEAP_VIRTUAL_ALLOC_ENTRY.BusyBlock + 8, (size - HEAP_VIRTUAL_ALLOC_ENTRY.size - requested) & 0xFFFF, true);
    hdr[HEAP_VIRTUAL_ALLOC_ENTRY.BusyBlock + 10] = HEAP_ENTRY_BUSY | HEAP_ENTRY_VIRTUAL_ALLOC;
    hdr[HEAP_VIRTUAL_ALLOC_ENTRY.BusyBlock + 11] = hdr[HEAP_VIRTUAL_ALLOC_ENTRY.BusyBlock + 8]! ^ hdr[HEAP_VIRTUAL_ALLOC_ENTRY.BusyBlock + 9]! ^ hdr[HEAP_VIRTUAL_ALLOC_ENTRY.BusyBlock + 10]!;
    const at = HEAP_VIRTUAL_ALLOC_ENTRY.BusyBlock + 8;
    v.setUint32(at, (v.getUint32(at, true) ^ this.encodingLo) >>> 0, true);
    v.setUint32(at + 4, (v.getUint32(at + 4, true) ^ this.encodingHi) >>> 0, true);
    storeBytes(env, base, hdr, 0, hdr.length);
    const user = base + HEAP_VIRTUAL_ALLOC_ENTRY.size;
    this.virtualBlocks.set(user, { base, size, requested });
    env.trace.step('heap.virtualAlloc')?.n(env.p.pid).a(this.base).a(user).n(requested).a(size).b(this.type === 'Segment').change('vad', env.p.pid, base);
    return user;
  }

  /** Releases a VirtualAlloc'd block. */
  freeVirtualBlock(env: HeapEnv, user: number): void {
    const b = this.virtualBlocks.get(user)!;
    this.virtualBlocks.delete(user);
    virtualFree(env.mm, env.p, BigInt(b.base), 0n, MEM_RELEASE);
    env.trace.step('heap.virtualFree')?.n(env.p.pid).a(this.base).a(user).a(b.size).change('vad', env.p.pid, b.base);
  }

  /** Every block id in address order, segment by segment (for views and the integrity checker). */
  *blocks(): Generator<number> {
    for (let i = 0; i < this.segments.length; i++) yield* this.segmentBlocks(i);
  }

  /** The block ids of one segment, in address order. */
  *segmentBlocks(index: number): Generator<number> {
    const s = this.segments[index]!;
    for (let id = this.byAddr.get(s.firstEntry) ?? -1; id >= 0; id = this.next(id)) yield id;
  }
}
