// Page contents for physical memory and the paging file: 4 KB per page, allocated lazily in chunks,
// shared copy-on-write with snapshots (a snapshot keeps the chunks; the first write after it copies).

import { PAGE_SHIFT, PAGE_SIZE } from '../constants';

// Index arithmetic uses shifts and masks, never `/` or `%` by these constants: a bundled module's
// constants are loaded from its context at run time, so `page / CHUNK_PAGES` compiles to a real
// integer division on every access.
const CHUNK_SHIFT = 4;
const CHUNK_PAGES = 1 << CHUNK_SHIFT;
const CHUNK_MASK = CHUNK_PAGES - 1;
const CHUNK_BYTES = PAGE_SIZE * CHUNK_PAGES;
/** How many let-go chunks a store keeps for reuse (1 MB). */
const SPARE_CHUNKS = 16;
let generationCounter = 1;

/** Lazily allocated, copy-on-write storage of `pageCount` pages of 4 KB. */
export class PageStore {
  private chunks: Array<Uint8Array | undefined>;
  private words: Array<Uint32Array | undefined>;
  private stamps: Int32Array;
  private generation = generationCounter++;

  constructor(readonly pageCount: number, source?: PageStore) {
    if (source) {
      // Same field order as a new store, so every PageStore has one shape (monomorphic hot paths).
      this.chunks = source.chunks.slice();
      this.words = source.words.slice();
      this.stamps = new Int32Array(source.stamps.length);
      this.claimed = source.claimed.slice();
      return;
    }
    const n = Math.ceil(pageCount / CHUNK_PAGES);
    this.chunks = new Array<Uint8Array | undefined>(n);
    this.words = new Array<Uint32Array | undefined>(n);
    this.stamps = new Int32Array(n);
    this.claimed = new Uint16Array(n);
  }

  /** Per chunk, the pages in use, for stores whose owner says which pages hold data (the paging file's slots). */
  private claimed: Uint16Array;

  /** The owner put `page` in use (a paging-file slot was allocated). */
  claim(page: number): void { this.claimed[page >>> CHUNK_SHIFT]!++; }

  /**
   * The owner no longer needs `page` (its slot was freed): once no page of its chunk is in use, the
   * chunk is let go. Snapshots that share it keep their reference; the live store reallocates on the
   * next write. Without this, a paging file's content grew to the whole file as slots moved on.
   */
  discard(page: number): void {
    const chunk = page >>> CHUNK_SHIFT;
    if (this.claimed[chunk] === 0) throw new Error(`PageStore.discard: page ${page} was not claimed`);
    if (--this.claimed[chunk]! !== 0) return;
    const c = this.chunks[chunk];
    if (c !== undefined) {
      if (this.stamps[chunk] !== this.generation) this.discardedShared++;
      // Nobody else holds it: keep it for the next chunk this store needs (allocating 64 KB and
      // collecting it again costs more than clearing it).
      else if (this.spare.length < SPARE_CHUNKS) this.spare.push(c);
    }
    this.chunks[chunk] = undefined;
    this.words[chunk] = undefined;
    this.stamps[chunk] = 0;
  }

  /** Chunks let go that only this store held, for reuse. */
  private spare: Uint8Array[] = [];

  /** Bytes of allocated chunks (for the memory benchmark). */
  get allocatedBytes(): number {
    let n = 0;
    for (const c of this.chunks) if (c) n += c.byteLength;
    return n;
  }

  /** Chunks copied because a snapshot shared them (the snapshot's deferred cost). */
  copiedChunks = 0;
  /** Chunks let go (discard) while a snapshot shared them. */
  private discardedShared = 0;
  /**
   * Bytes of chunks this store stopped using while a snapshot shared them (copied on write, or let
   * go): from then on only snapshots keep them alive.
   */
  get retiredSharedBytes(): number { return (this.copiedChunks + this.discardedShared) * CHUNK_BYTES; }

  private writable(chunk: number): Uint8Array {
    let c = this.chunks[chunk];
    if (c === undefined) {
      c = this.spare.pop();
      if (c) c.fill(0);
      else c = new Uint8Array(CHUNK_BYTES);
    } else if (this.stamps[chunk] === this.generation) {
      return c;
    } else {
      c = c.slice();
      this.copiedChunks++;
    }
    this.chunks[chunk] = c;
    this.words[chunk] = new Uint32Array(c.buffer);
    this.stamps[chunk] = this.generation;
    return c;
  }

  /** A 32-bit word of page `page` (word index 0..1023); 0 when never written. */
  readWord(page: number, word: number): number {
    const w = this.words[page >>> CHUNK_SHIFT];
    return w === undefined ? 0 : w[((page & CHUNK_MASK) << 10) + word]!;
  }

  writeWord(page: number, word: number, value: number): void {
    const chunk = page >>> CHUNK_SHIFT;
    if (this.stamps[chunk] !== this.generation) this.writable(chunk);
    this.words[chunk]![((page & CHUNK_MASK) << 10) + word] = value;
  }

  /** Copies bytes [offset, offset+out.length) of `page` into `out` at `at`. */
  read(page: number, offset: number, out: Uint8Array, at: number, length: number): void {
    const c = this.chunks[page >>> CHUNK_SHIFT];
    if (c === undefined) { out.fill(0, at, at + length); return; }
    const base = ((page & CHUNK_MASK) << PAGE_SHIFT) + offset;
    if (length < 16) {
      copySmall(c, base, out, at, length);
    } else {
      out.set(c.subarray(base, base + length), at);
    }
  }

  write(page: number, offset: number, data: Uint8Array, from: number, length: number): void {
    const chunk = page >>> CHUNK_SHIFT;
    const c = this.stamps[chunk] === this.generation ? this.chunks[chunk]! : this.writable(chunk);
    const base = ((page & CHUNK_MASK) << PAGE_SHIFT) + offset;
    if (length < 16) {
      copySmall(data, from, c, base, length);
    } else {
      c.set(data.subarray(from, from + length), base);
    }
  }

  zeroPage(page: number): void {
    const chunk = page >>> CHUNK_SHIFT;
    if (this.chunks[chunk] === undefined) return;
    const c = this.stamps[chunk] === this.generation ? this.chunks[chunk]! : this.writable(chunk);
    const base = ((page & CHUNK_MASK) << PAGE_SHIFT);
    c.fill(0, base, base + PAGE_SIZE);
  }

  /** Copies a whole page from `source` (possibly another store) into `page` of this store. */
  copyPageFrom(source: PageStore, sourcePage: number, page: number): void {
    const sc = source.chunks[sourcePage >>> CHUNK_SHIFT];
    if (sc === undefined) { this.zeroPage(page); return; }
    const sb = ((sourcePage & CHUNK_MASK) << PAGE_SHIFT);
    this.write(page, 0, sc, sb, PAGE_SIZE);
  }

  isZeroPage(page: number): boolean {
    const c = this.chunks[page >>> CHUNK_SHIFT];
    if (c === undefined) return true;
    const w = this.words[page >>> CHUNK_SHIFT]!;
    const base = ((page & CHUNK_MASK) << 10);
    for (let i = 0; i < 1024; i++) if (w[base + i] !== 0) return false;
    return true;
  }

  /**
   * Bytes of chunks this store holds that neither `older` nor `newer` holds (the neighbouring kept
   * states; `newer` is the live store for the newest): what dropping this state alone would free.
   * A chunk version is shared by a run of consecutive states, so comparing neighbours suffices.
   */
  uniqueBytes(older: PageStore | undefined, newer: PageStore): number {
    let n = 0;
    const mine = this.chunks;
    const next = newer.chunks;
    const prev = older?.chunks;
    for (let c = 0; c < mine.length; c++) {
      const b = mine[c];
      if (b !== undefined && b !== next[c] && (prev === undefined || b !== prev[c])) n++;
    }
    return n * CHUNK_BYTES;
  }

  /** Bytes of chunks this store holds that `newer` (the next kept state, or the live store) does not. */
  bytesNotIn(newer: PageStore): number { return this.uniqueBytes(undefined, newer); }

  /** A copy that shares every chunk until either side writes it. */
  clone(): PageStore {
    const copy = new PageStore(this.pageCount, this);
    // This store must stop writing in place into chunks the copy now shares.
    this.generation = generationCounter++;
    return copy;
  }
}

/**
 * Copies `length` (< 16) bytes as 8 + 4 + 2 + 1 straight-line moves. Short accesses (a pointer, a DWORD)
 * are the common case, and a byte loop costs several times the copy itself (a loop check and the
 * typed arrays' checks on every byte); subarray + set allocates.
 */
function copySmall(src: Uint8Array, s: number, dst: Uint8Array, d: number, length: number): void {
  let i = s | 0;
  let o = d | 0;
  if (length & 8) {
    dst[o] = src[i]!; dst[o + 1] = src[i + 1]!; dst[o + 2] = src[i + 2]!; dst[o + 3] = src[i + 3]!;
    dst[o + 4] = src[i + 4]!; dst[o + 5] = src[i + 5]!; dst[o + 6] = src[i + 6]!; dst[o + 7] = src[i + 7]!;
    i += 8; o += 8;
  }
  if (length & 4) {
    dst[o] = src[i]!; dst[o + 1] = src[i + 1]!; dst[o + 2] = src[i + 2]!; dst[o + 3] = src[i + 3]!;
    i += 4; o += 4;
  }
  if (length & 2) {
    dst[o] = src[i]!; dst[o + 1] = src[i + 1]!;
    i += 2; o += 2;
  }
  if (length & 1) dst[o] = src[i]!;
}
