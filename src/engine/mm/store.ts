// Page contents for physical memory and the paging file: 4 KB per page, allocated lazily in chunks,
// shared copy-on-write with snapshots (a snapshot keeps the chunks; the first write after it copies).

const PAGE = 4096;
const CHUNK_PAGES = 16;
const CHUNK_BYTES = PAGE * CHUNK_PAGES;
let generationCounter = 1;

/** Lazily allocated, copy-on-write storage of `pageCount` pages of 4 KB. */
export class PageStore {
  private chunks: Array<Uint8Array | undefined>;
  private words: Array<Uint32Array | undefined>;
  private stamps: Int32Array;
  private generation = generationCounter++;

  constructor(readonly pageCount: number) {
    const n = Math.ceil(pageCount / CHUNK_PAGES);
    this.chunks = new Array<Uint8Array | undefined>(n);
    this.words = new Array<Uint32Array | undefined>(n);
    this.stamps = new Int32Array(n);
  }

  /** Bytes of allocated chunks (for the memory benchmark). */
  get allocatedBytes(): number {
    let n = 0;
    for (const c of this.chunks) if (c) n += c.byteLength;
    return n;
  }

  /** Chunks copied because a snapshot shared them (the snapshot's deferred cost). */
  copiedChunks = 0;

  private writable(chunk: number): Uint8Array {
    let c = this.chunks[chunk];
    if (c === undefined) {
      c = new Uint8Array(CHUNK_BYTES);
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
    const w = this.words[(page / CHUNK_PAGES) | 0];
    return w === undefined ? 0 : w[(page % CHUNK_PAGES) * 1024 + word]!;
  }

  writeWord(page: number, word: number, value: number): void {
    const chunk = (page / CHUNK_PAGES) | 0;
    if (this.stamps[chunk] !== this.generation) this.writable(chunk);
    this.words[chunk]![(page % CHUNK_PAGES) * 1024 + word] = value;
  }

  /** Copies bytes [offset, offset+out.length) of `page` into `out` at `at`. */
  read(page: number, offset: number, out: Uint8Array, at: number, length: number): void {
    const c = this.chunks[(page / CHUNK_PAGES) | 0];
    if (c === undefined) { out.fill(0, at, at + length); return; }
    const base = (page % CHUNK_PAGES) * PAGE + offset;
    if (length <= 16) {
      for (let i = 0; i < length; i++) out[at + i] = c[base + i]!;
    } else {
      out.set(c.subarray(base, base + length), at);
    }
  }

  write(page: number, offset: number, data: Uint8Array, from: number, length: number): void {
    const chunk = (page / CHUNK_PAGES) | 0;
    const c = this.stamps[chunk] === this.generation ? this.chunks[chunk]! : this.writable(chunk);
    const base = (page % CHUNK_PAGES) * PAGE + offset;
    if (length <= 16) {
      for (let i = 0; i < length; i++) c[base + i] = data[from + i]!;
    } else {
      c.set(data.subarray(from, from + length), base);
    }
  }

  zeroPage(page: number): void {
    const chunk = (page / CHUNK_PAGES) | 0;
    if (this.chunks[chunk] === undefined) return;
    const c = this.stamps[chunk] === this.generation ? this.chunks[chunk]! : this.writable(chunk);
    const base = (page % CHUNK_PAGES) * PAGE;
    c.fill(0, base, base + PAGE);
  }

  /** Copies a whole page from `source` (possibly another store) into `page` of this store. */
  copyPageFrom(source: PageStore, sourcePage: number, page: number): void {
    const sc = source.chunks[(sourcePage / CHUNK_PAGES) | 0];
    if (sc === undefined) { this.zeroPage(page); return; }
    const sb = (sourcePage % CHUNK_PAGES) * PAGE;
    this.write(page, 0, sc, sb, PAGE);
  }

  isZeroPage(page: number): boolean {
    const c = this.chunks[(page / CHUNK_PAGES) | 0];
    if (c === undefined) return true;
    const w = this.words[(page / CHUNK_PAGES) | 0]!;
    const base = (page % CHUNK_PAGES) * 1024;
    for (let i = 0; i < 1024; i++) if (w[base + i] !== 0) return false;
    return true;
  }

  /** A copy that shares every chunk until either side writes it. */
  clone(): PageStore {
    const copy = Object.create(PageStore.prototype) as PageStore;
    (copy as { pageCount: number }).pageCount = this.pageCount;
    copy.chunks = this.chunks.slice();
    copy.words = this.words.slice();
    copy.stamps = new Int32Array(this.stamps.length);
    copy.generation = generationCounter++;
    // This store must stop writing in place into chunks the copy now shares.
    this.generation = generationCounter++;
    return copy;
  }
}
