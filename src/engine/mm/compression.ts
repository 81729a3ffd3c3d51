// Memory compression: the store manager (SMKM_STORE_MGR / ST_STORE in the public symbols) keeps modified
// private pages compressed in a store whose memory is the user address space of the minimal "Memory
// Compression" process, instead of the modified page writer sending them to the paging file. Windows
// Internals 7th ed., Part 1, ch. 5, "Memory compression" (the store lives in the Memory Compression
// process's working set — since Windows 10 1607; in 1507/1511 it was in the System process's working set; a fault on a compressed page is satisfied by decompressing
// it); Microsoft Learn, "Enable-MMAgent" / "Disable-MMAgent" (-MemoryCompression). The store is reached
// through a virtual paging file: an MMPAGING_FILE with VirtualStorePagefile set (public symbols), so a
// compressed page's PTE is an ordinary paging-file PTE whose PageFileLow names that file and whose
// PageFileHigh is the store's page key (SM_PAGE_KEY = PageFileLow << 28 | PageFileHigh, as FireEye's
// "Finding Evil in Windows 10 Compressed Memory" (2019) decodes it; its example key 0x20017A4D has
// PageFileLow 2). Routines: MiStoreWriteModifiedPages -> SMKM_STORE_MGR::SmPageWrite -> ST_STORE::StDmPageAdd
// (compress), MiResolvePageFileFault -> SmPageRead -> ST_STORE::StDmPageRetrieve (decompress; the lab's
// chain: which routine calls SmPageRead differs between builds — MiIssueHardFaultIo in several — and is not
// confirmed for 19041), ST_STORE::StDmPageRemove (a key let go).
//
// Compression-ratio model: the bytes really are compressed, by this file's own LZ77 coder (Windows uses
// Xpress, which this is not): a page's compressed size is exactly what the coder makes of its bytes, so
// zero-filled and repetitive pages shrink a lot and random bytes not at all (a page that does not shrink
// is kept uncompressed, 4096 bytes). Entries are rounded up to 16 bytes and packed one after another in
// 64 KB regions; a region is released when its last entry goes, there is no compaction.
import { copyUserPages, translatedFrame } from './userCopy';
import { LastError, NtException } from '../errors';
import { MEM_COMMIT, MEM_RELEASE, MEM_RESERVE, PAGE_READWRITE } from '../constants';
import type { AddressSpace } from './addressSpace';
import { PAGE_SIZE } from './geometry';
import type { MemoryManager } from './memoryManager';
import { virtualAlloc, virtualFree } from './virtual';

/** PageFileLow of the virtual store's paging file (pagefile.sys is 0 here; the store is 2 as in FireEye's Windows 10 example, not a fixed Windows number). */
export const STORE_PAGE_FILE_NUMBER = 2;
/** Entries are packed in 16-byte units. */
const UNIT = 16;
/** A region of the store: one allocation-granularity block of Memory Compression's address space. */
export const STORE_REGION_BYTES = 65536;
const REGION_PAGES = STORE_REGION_BYTES / PAGE_SIZE;

// ---------------------------------------------------------------- the coder

/**
 * Token stream: a byte T < 0x80 is a literal run of T + 1 bytes that follow; T >= 0x80 is a match of
 * (T & 0x7F) + 3 bytes copied from `distance` bytes back, distance - 1 in the next two bytes (little-endian).
 */
const MIN_MATCH = 3;
const MAX_MATCH = 0x7F + MIN_MATCH;
const MAX_LITERALS = 0x80;
const HASH_BITS = 12;
/** Hash table of the last position of each 3-byte prefix, stamped per call instead of cleared. */
const hashPos = new Int32Array(1 << HASH_BITS);
const hashStamp = new Int32Array(1 << HASH_BITS);
let stamp = 0;

/**
 * Compresses `src` (one page) into `out`; returns the length, or PAGE_SIZE when the result would not be
 * smaller than the page (the caller then keeps the page as it is).
 */
export function compressPage(src: Uint8Array, out: Uint8Array): number {
  stamp = (stamp + 1) | 0;
  if (stamp === 0) { hashStamp.fill(0); stamp = 1; }
  const n = PAGE_SIZE;
  let o = 0;
  let litStart = 0;
  let i = 0;
  const flush = (end: number): boolean => {
    let s = litStart;
    while (s < end) {
      const len = Math.min(MAX_LITERALS, end - s);
      if (o + 1 + len >= n) return false;
      out[o++] = len - 1;
      for (let k = 0; k < len; k++) out[o++] = src[s + k]!;
      s += len;
    }
    return true;
  };
  while (i + MIN_MATCH <= n) {
    const h = (((src[i]! << 16) | (src[i + 1]! << 8) | src[i + 2]!) * 0x9E3779B1) >>> (32 - HASH_BITS);
    const cand = hashStamp[h] === stamp ? hashPos[h]! : -1;
    hashStamp[h] = stamp;
    hashPos[h] = i;
    if (cand >= 0 && i - cand <= 0x10000 && src[cand] === src[i] && src[cand + 1] === src[i + 1] && src[cand + 2] === src[i + 2]) {
      let len = MIN_MATCH;
      while (len < MAX_MATCH && i + len < n && src[cand + len] === src[i + len]) len++;
      if (!flush(i)) return n;
      if (o + 3 >= n) return n;
      const d = i - cand - 1;
      out[o++] = 0x80 | (len - MIN_MATCH);
      out[o++] = d & 0xFF;
      out[o++] = d >>> 8;
      i += len;
      litStart = i;
      continue;
    }
    i++;
  }
  if (!flush(n)) return n;
  return o;
}

/** Decompresses `length` bytes of `src` (from compressPage) into the page `out`. */
export function decompressPage(src: Uint8Array, length: number, out: Uint8Array): void {
  let s = 0;
  let o = 0;
  while (s < length) {
    const t = src[s++]!;
    if (t < 0x80) {
      const len = t + 1;
      for (let k = 0; k < len; k++) out[o++] = src[s++]!;
    } else {
      const len = (t & 0x7F) + MIN_MATCH;
      const d = (src[s]! | (src[s + 1]! << 8)) + 1;
      s += 2;
      for (let k = 0; k < len; k++, o++) out[o] = out[o - d]!;
    }
  }
  if (o !== PAGE_SIZE) throw new Error(`store: a compressed page decoded to ${o} bytes`);
}

// ---------------------------------------------------------------- the store

/** The store's bookkeeping: page keys, where each entry lies, and the regions in Memory Compression. */
export class CompressionStore {
  /** Index of the Memory Compression process (-1 until boot creates it; none without boot). */
  processIndex = -1;
  /** Per key (index = PageFileHigh): region index, byte offset in it, compressed length (0 = key free). */
  keyRegion: Int32Array;
  keyOffset: Int32Array;
  keyLength: Int32Array;
  /** Keys in use: pages held compressed. */
  keysInUse = 0;
  /** Sum of the compressed lengths of the entries (before rounding). */
  compressedBytes = 0;
  /** Where the next key search starts. */
  keyHint = 1;
  /** Per region: base address in Memory Compression (0 = released), bytes handed out, bytes still live. */
  regionBase: number[] = [];
  regionUsed: number[] = [];
  regionLive: number[] = [];
  /** The region entries are being packed into (-1 = none). */
  fillRegion = -1;
  /** Pages compressed and decompressed since boot. */
  pagesWritten = 0;
  pagesRead = 0;

  constructor(readonly enabled: boolean, source?: CompressionStore) {
    if (source) {
      this.processIndex = source.processIndex;
      this.keyRegion = source.keyRegion.slice();
      this.keyOffset = source.keyOffset.slice();
      this.keyLength = source.keyLength.slice();
      this.keysInUse = source.keysInUse;
      this.compressedBytes = source.compressedBytes;
      this.keyHint = source.keyHint;
      this.regionBase = source.regionBase.slice();
      this.regionUsed = source.regionUsed.slice();
      this.regionLive = source.regionLive.slice();
      this.fillRegion = source.fillRegion;
      this.pagesWritten = source.pagesWritten;
      this.pagesRead = source.pagesRead;
      return;
    }
    this.keyRegion = new Int32Array(256);
    this.keyOffset = new Int32Array(256);
    this.keyLength = new Int32Array(256);
  }

  clone(): CompressionStore { return new CompressionStore(this.enabled, this); }

  /** Regions currently committed in Memory Compression. */
  get regionCount(): number { let n = 0; for (const b of this.regionBase) if (b !== 0) n++; return n; }

  /** Bytes the entries take in the store (each rounded up to 16). */
  get storedBytes(): number { let n = 0; for (let r = 0; r < this.regionLive.length; r++) n += this.regionLive[r]!; return n; }

  isKey(key: number): boolean { return key > 0 && key < this.keyLength.length && this.keyLength[key]! > 0; }

  private allocateKey(): number {
    const cap = this.keyLength.length;
    for (let i = 0, k = this.keyHint; i < cap; i++, k++) {
      if (k >= cap) k = 1;
      if (this.keyLength[k] === 0) { this.keyHint = k + 1; return k; }
    }
    const grown = cap * 2;
    const grow = (a: Int32Array): Int32Array => { const b = new Int32Array(grown); b.set(a); return b; };
    this.keyRegion = grow(this.keyRegion);
    this.keyOffset = grow(this.keyOffset);
    this.keyLength = grow(this.keyLength);
    this.keyHint = cap + 1;
    return cap;
  }

  /** Records a new entry; returns its key. */
  insert(region: number, offset: number, length: number): number {
    const key = this.allocateKey();
    this.keyRegion[key] = region;
    this.keyOffset[key] = offset;
    this.keyLength[key] = length;
    this.keysInUse++;
    this.compressedBytes += length;
    this.regionLive[region]! += roundUnit(length);
    return key;
  }

  /** Drops an entry (ST_STORE::StDmPageRemove); an emptied region is released later, by the writer. */
  remove(key: number): void {
    if (!this.isKey(key)) throw new Error(`store: key ${key} freed twice`);
    const length = this.keyLength[key]!;
    this.regionLive[this.keyRegion[key]!]! -= roundUnit(length);
    this.compressedBytes -= length;
    this.keyLength[key] = 0;
    this.keysInUse--;
  }
}

function roundUnit(n: number): number { return (n + UNIT - 1) & ~(UNIT - 1); }

/** Whether modified private pages go to the store: enabled, the process exists, and there is a paging file behind it. */
export function storeActive(mm: MemoryManager): boolean {
  const s = mm.store;
  return s.enabled && s.processIndex >= 0 && mm.config.pageFilePages > 0 && mm.processes[s.processIndex] !== undefined;
}

const pageIn = new Uint8Array(PAGE_SIZE);
const packed = new Uint8Array(PAGE_SIZE);
const readBuffer = new Uint8Array(PAGE_SIZE);
const readPage = new Uint8Array(PAGE_SIZE);

function storeProcess(mm: MemoryManager): AddressSpace { return mm.processes[mm.store.processIndex]!; }

/**
 * SMKM_STORE_MGR::SmPageWrite -> ST_STORE::StDmPageAdd for one page (its frame is off every list while
 * this runs): compresses its bytes into the store. Returns the page key, or -1 when the store cannot take
 * it (no room for a new region: commit or memory), and the caller writes the page to the paging file.
 */
export function storePageAdd(mm: MemoryManager, pfn: number): number {
  const s = mm.store;
  mm.phys.read(pfn, 0, pageIn, 0, PAGE_SIZE);
  let length = compressPage(pageIn, packed);
  const raw = length >= PAGE_SIZE;
  if (raw) length = PAGE_SIZE;
  const size = roundUnit(length);
  const memc = storeProcess(mm);
  let region = s.fillRegion;
  if (region < 0 || s.regionUsed[region]! + size > STORE_REGION_BYTES) {
    region = newRegion(mm, memc);
    if (region < 0) return -1;
  }
  const offset = s.regionUsed[region]!;
  const source = raw ? pageIn : packed;
  try {
    writeStore(mm, memc, s.regionBase[region]! + offset, source, length);
  } catch (e) {
    if (e instanceof NtException) return -1;
    throw e;
  }
  s.regionUsed[region] = offset + size;
  s.pagesWritten++;
  return s.insert(region, offset, raw ? PAGE_SIZE : length);
}

/** Commits a new 64 KB region in Memory Compression's address space; -1 when memory or commit is short. */
function newRegion(mm: MemoryManager, memc: AddressSpace): number {
  const s = mm.store;
  // The region's pages come from the available lists; with none left (or commit at its limit) the page
  // goes to the paging file instead, as the store manager rejects a write it has no room for.
  if (mm.pfn.availableCount() <= REGION_PAGES || !mm.canCharge(REGION_PAGES + 4)) return -1;
  let base: bigint;
  mm.trace.muted++;
  try {
    base = virtualAlloc(mm, memc, 0n, BigInt(STORE_REGION_BYTES), MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
  } catch (e) {
    if (e instanceof NtException || e instanceof LastError) return -1;
    throw e;
  } finally {
    mm.trace.muted--;
  }
  if (base === 0n) return -1;
  let r = s.regionBase.indexOf(0);
  if (r < 0) { r = s.regionBase.length; s.regionBase.push(0); s.regionUsed.push(0); s.regionLive.push(0); }
  s.regionBase[r] = Number(base);
  s.regionUsed[r] = 0;
  s.regionLive[r] = 0;
  s.fillRegion = r;
  mm.trace.step('store.region')?.n(memc.pid).a(Number(base)).n(STORE_REGION_BYTES).n(s.regionCount).change('vad', memc.pid, Number(base));
  return r;
}

/** Releases emptied regions other than the one being filled (the store's lazy work; ST_STORE's region cleanup). */
export function releaseEmptyRegions(mm: MemoryManager): number {
  const s = mm.store;
  if (s.processIndex < 0) return 0;
  const memc = mm.processes[s.processIndex];
  if (!memc) return 0;
  let released = 0;
  for (let r = 0; r < s.regionBase.length; r++) {
    const base = s.regionBase[r]!;
    if (base === 0 || s.regionLive[r] !== 0 || r === s.fillRegion) continue;
    mm.trace.muted++;
    try { virtualFree(mm, memc, BigInt(base), 0n, MEM_RELEASE); } finally { mm.trace.muted--; }
    s.regionBase[r] = 0;
    s.regionUsed[r] = 0;
    released++;
  }
  if (s.fillRegion >= 0 && s.regionLive[s.fillRegion] === 0 && s.keysInUse === 0) {
    // Nothing at all left: the fill region starts over from its beginning.
    s.regionUsed[s.fillRegion] = 0;
  }
  return released;
}

/** Stores into / loads from the Memory Compression process's store regions: the shared page walk (userCopy.ts). */
function writeStore(mm: MemoryManager, memc: AddressSpace, va: number, data: Uint8Array, length: number): void {
  copyUserPages(mm, memc, va, data, 0, length, true, translatedFrame);
}

function readStore(mm: MemoryManager, memc: AddressSpace, va: number, out: Uint8Array, length: number): void {
  copyUserPages(mm, memc, va, out, 0, length, false, translatedFrame);
}

/**
 * SmPageRead -> ST_STORE::StDmPageRetrieve, first half: copies the entry of `key` out of Memory
 * Compression's address space (its pages may fault back in themselves). Returns the compressed length.
 * Called before the faulting page's frame is taken, so a nested fault never sees a frame in flight.
 */
export function storeFetch(mm: MemoryManager, key: number): number {
  const s = mm.store;
  if (!s.isKey(key)) throw new Error(`store: page key ${key} is not in the store`);
  const length = s.keyLength[key]!;
  readStore(mm, storeProcess(mm), s.regionBase[s.keyRegion[key]!]! + s.keyOffset[key]!, readBuffer, length);
  return length;
}

/** Second half: decompresses what storeFetch copied into frame `pfn`, and drops the key (the page is now the only copy). */
export function storeRetrieve(mm: MemoryManager, key: number, length: number, pfn: number): void {
  if (length >= PAGE_SIZE) mm.phys.write(pfn, 0, readBuffer, 0, PAGE_SIZE);
  else {
    decompressPage(readBuffer, length, readPage);
    mm.phys.write(pfn, 0, readPage, 0, PAGE_SIZE);
  }
  mm.store.remove(key);
  mm.store.pagesRead++;
}

/** Figures as Task Manager's Memory page and the book show them (bytes, pages). */
export interface MemoryCompressionInformation {
  /** Memory compression is on (createSystem's memoryCompression and a paging file behind the store). */
  Enabled: boolean;
  /** Process id of Memory Compression (0 when there is none). */
  ProcessId: number;
  /** Pages held compressed (page keys in use). */
  CompressedPages: number;
  /** Their uncompressed size: CompressedPages * 4096 ("stores an estimated ... of data"). */
  UncompressedBytes: number;
  /** The compressed lengths added up. */
  CompressedBytes: number;
  /** Memory the store occupies: its committed regions ("Compressed memory", the figure in parentheses of "In use"). */
  StoreBytes: number;
  /** Of that, pages resident in Memory Compression's working set. */
  StoreResidentPages: number;
  /** UncompressedBytes - StoreBytes when positive ("saving the system ..."). */
  SavedBytes: number;
  /** Pages compressed and decompressed since boot. */
  PagesWritten: number;
  PagesRead: number;
}

export function queryMemoryCompression(mm: MemoryManager): MemoryCompressionInformation {
  const s = mm.store;
  const memc = s.processIndex >= 0 ? mm.processes[s.processIndex] : undefined;
  const storeBytes = s.regionCount * STORE_REGION_BYTES;
  const uncompressed = s.keysInUse * PAGE_SIZE;
  return {
    Enabled: storeActive(mm),
    ProcessId: memc?.pid ?? 0,
    CompressedPages: s.keysInUse,
    UncompressedBytes: uncompressed,
    CompressedBytes: s.compressedBytes,
    StoreBytes: storeBytes,
    StoreResidentPages: memc ? memc.ws.count : 0,
    SavedBytes: Math.max(0, uncompressed - storeBytes),
    PagesWritten: s.pagesWritten,
    PagesRead: s.pagesRead,
  };
}
