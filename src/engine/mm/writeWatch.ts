// The write-watch bits of a MEM_WRITE_WATCH region (one per page, set when the page is written), kept
// sparse: a bitmap chunk exists only where a page was written, so reserving a terabyte with write watch
// costs nothing until pages are touched (as Windows keeps them in the VAD's bitmap only for the region;
// Microsoft Learn, GetWriteWatch and VirtualAlloc MEM_WRITE_WATCH).

/** Pages per chunk (one 4 KB bitmap). */
const CHUNK_PAGES = 32768;
const WORDS = CHUNK_PAGES / 32;

export class WriteWatchBits {
  private chunks = new Map<number, Uint32Array>();

  /** Marks page `offset` (from the region's start) written. */
  set(offset: number): void {
    const key = Math.floor(offset / CHUNK_PAGES);
    let chunk = this.chunks.get(key);
    if (!chunk) { chunk = new Uint32Array(WORDS); this.chunks.set(key, chunk); }
    const bit = offset - key * CHUNK_PAGES;
    chunk[bit >>> 5]! |= 1 << (bit & 31);
  }

  has(offset: number): boolean {
    const key = Math.floor(offset / CHUNK_PAGES);
    const chunk = this.chunks.get(key);
    if (!chunk) return false;
    const bit = offset - key * CHUNK_PAGES;
    return (chunk[bit >>> 5]! & (1 << (bit & 31))) !== 0;
  }

  /** Offsets of written pages in [first, last], ascending, at most `max` of them. O(chunks + written pages). */
  collect(first: number, last: number, max: number): number[] {
    const out: number[] = [];
    const keys = [...this.chunks.keys()].filter((k) => k * CHUNK_PAGES <= last && (k + 1) * CHUNK_PAGES > first).sort((a, b) => a - b);
    for (const key of keys) {
      const chunk = this.chunks.get(key)!;
      const base = key * CHUNK_PAGES;
      for (let w = 0; w < WORDS && out.length < max; w++) {
        const word = chunk[w]!;
        if (word === 0) continue;
        for (let b = 0; b < 32 && out.length < max; b++) {
          const offset = base + w * 32 + b;
          if ((word & (1 << b)) !== 0 && offset >= first && offset <= last) out.push(offset);
        }
      }
      if (out.length >= max) break;
    }
    return out;
  }

  /** Clears the bits of [first, last]. O(chunks). */
  clear(first: number, last: number): void {
    for (const [key, chunk] of [...this.chunks]) {
      const base = key * CHUNK_PAGES;
      if (base > last || base + CHUNK_PAGES <= first) continue;
      if (first <= base && last >= base + CHUNK_PAGES - 1) { this.chunks.delete(key); continue; }
      for (let o = Math.max(first, base); o <= Math.min(last, base + CHUNK_PAGES - 1); o++) {
        const bit = o - base;
        chunk[bit >>> 5]! &= ~(1 << (bit & 31));
      }
    }
  }

  clone(): WriteWatchBits {
    const c = new WriteWatchBits();
    for (const [k, v] of this.chunks) c.chunks.set(k, v.slice());
    return c;
  }
}
