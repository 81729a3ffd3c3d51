// Nonpaged and paged pool: ExAllocatePoolWithTag / ExFreePoolWithTag over pages the memory manager gives
// (MiAllocatePoolPages / MiFreePoolPages). Small blocks are carved from pool pages, each preceded by a
// 16-byte POOL_HEADER written into the page's real bytes (PreviousSize, PoolIndex, BlockSize, PoolType at
// 0x0..0x3, PoolTag at 0x4; sizes in 16-byte units; Vergilius Project, _POOL_HEADER, Windows 10 x64); a
// request too large for one page gets whole pages of its own, tracked in a big-page table
// (PoolBigPageTable) rather than by a header. Every allocation is counted under its tag as pool tagging
// does (PoolTrackTable; what !poolused reads). Windows Internals 7th ed., Part 1, ch. 5, "Kernel-mode
// heaps (system memory pools)" ("Pool sizes", "Monitoring pool usage", "Look-aside lists").
//
// Simplified (README, "where the model ends"): this is the classic allocator the book describes — first
// fit within a page, neighbours coalesced on free, a page given back to the memory manager once empty.
// Since Windows 10 19H1 the kernel pools use the segment heap (its VS and LFH back ends), and small
// requests go through per-processor look-aside lists first; neither is modelled. Big allocations are
// never made with large pages here.
import { NtException } from '../errors';
import { STATUS_INVALID_PARAMETER } from '../constants';
import { PAGE_SIZE } from './geometry';
import { PTE_TRANSITION, PTE_VALID, ptePfn } from './pte';
import type { PageStore } from './store';
import type { MemoryManager } from './memoryManager';
import type { SystemSpace } from './systemSpace';
import { poolPageResident, MiAllocatePoolPage, MiFreePoolPage } from './systemPages';

/** POOL_TYPE values (wdm.h): NonPagedPool 0, PagedPool 1. */
export const NonPagedPool = 0;
export const PagedPool = 1;
export type PoolType = typeof NonPagedPool | typeof PagedPool;

/** sizeof(POOL_HEADER) on x64, and the pool's block granularity (POOL_BLOCK_SHIFT 4). */
export const POOL_HEADER_SIZE = 16;
const UNITS_PER_PAGE = PAGE_SIZE / POOL_HEADER_SIZE;
/** BlockSize is 8 bits wide: the largest block one page can hold, header included. */
const MAX_SMALL_UNITS = 255;

/** What a pool page holds. */
export const PAGE_UNUSED = 0;
export const PAGE_SMALL = 1;
export const PAGE_BIG_HEAD = 2;
export const PAGE_BIG_TAIL = 3;

/** A big (page-granular) allocation: PoolBigPageTable's entry. */
export interface BigPoolEntry { tag: number; bytes: number; pages: number }

/** Per-tag counters (PoolTrackTable's POOL_TRACKER_TABLE: allocs, frees and bytes for each pool type). */
export class TagCounters {
  /** [NonPagedAllocs, NonPagedFrees, NonPagedBytes, PagedAllocs, PagedFrees, PagedBytes]. */
  readonly v = new Float64Array(6);
  clone(): TagCounters { const c = new TagCounters(); c.v.set(this.v); return c; }
}

/** One pool (nonpaged or paged): its address range and what each of its pages holds. */
export class PoolRegion {
  /** VPN of the region's first page (kernel addresses: the low 48 bits of the address >> 12). */
  readonly baseVpn: number;
  /** Pages ever used (the high-water mark: page indexes in use lie below it). */
  highWater = 0;
  kind: Uint8Array;
  /** Per small page: the largest free block, in 16-byte units (0 when full). */
  largestFree: Uint8Array;
  /** Per small page: allocated blocks. */
  blocks: Uint16Array;
  /** Page-table pages of the region's PTEs, one per 512 pages (-1 until needed). */
  tables: Int32Array;
  /** Pages currently backing the pool (committed; resident or, for paged pool, possibly not). */
  pages = 0;
  /** Big allocations by first page index. */
  big = new Map<number, BigPoolEntry>();
  /** Where the search for a page with room starts. */
  hint = 0;

  constructor(readonly poolType: PoolType, readonly base: bigint, readonly maxPages: number, source?: PoolRegion) {
    this.baseVpn = Number((base & 0xFFFFFFFFFFFFn) >> 12n);
    if (source) {
      this.highWater = source.highWater;
      this.kind = source.kind.slice();
      this.largestFree = source.largestFree.slice();
      this.blocks = source.blocks.slice();
      this.tables = source.tables.slice();
      this.pages = source.pages;
      for (const [k, e] of source.big) this.big.set(k, { ...e });
      this.hint = source.hint;
      return;
    }
    const initial = 256;
    this.kind = new Uint8Array(initial);
    this.largestFree = new Uint8Array(initial);
    this.blocks = new Uint16Array(initial);
    this.tables = new Int32Array(Math.ceil(maxPages / 512)).fill(-1);
  }

  /** Grows the per-page arrays to hold `index`. */
  ensure(index: number): void {
    if (index < this.kind.length) return;
    let n = this.kind.length;
    while (n <= index) n *= 2;
    n = Math.min(n, this.maxPages);
    const k = new Uint8Array(n); k.set(this.kind); this.kind = k;
    const l = new Uint8Array(n); l.set(this.largestFree); this.largestFree = l;
    const b = new Uint16Array(n); b.set(this.blocks); this.blocks = b;
  }

  /** The kernel address of page `index`. */
  pageAddress(index: number): bigint { return this.base + BigInt(index) * 4096n; }

  clone(): PoolRegion { return new PoolRegion(this.poolType, this.base, this.maxPages, this); }
}

/** A 4-character pool tag as the ULONG the kernel stores ('Proc' = 0x636f7250: first character in the low byte). */
export function tagValue(tag: string): number {
  let v = 0;
  for (let i = 3; i >= 0; i--) v = (v * 256) + ((tag.charCodeAt(i) || 0x20) & 0xFF);
  return v >>> 0;
}
/** The four characters of a tag value (non-printable bytes as '?'). */
export function tagString(value: number): string {
  let s = '';
  for (let i = 0; i < 4; i++) {
    const c = (value >>> (8 * i)) & 0xFF;
    s += c >= 0x20 && c < 0x7F ? String.fromCharCode(c) : '?';
  }
  return s;
}

// ---- POOL_HEADER in the page (word 0: PreviousSize | PoolIndex << 8 | BlockSize << 16 | PoolType << 24; word 1: PoolTag)

function readHeader(mm: MemoryManager, pfn: number, unit: number): number { return mm.phys.readWord(pfn, unit * 4); }
function writeHeader(mm: MemoryManager, pfn: number, unit: number, previous: number, size: number, type: number, tag: number): void {
  mm.phys.writeWord(pfn, unit * 4, ((previous & 0xFF) | ((size & 0xFF) << 16) | ((type & 0xFF) << 24)) >>> 0);
  mm.phys.writeWord(pfn, unit * 4 + 1, tag >>> 0);
  mm.phys.writeWord(pfn, unit * 4 + 2, 0);
  mm.phys.writeWord(pfn, unit * 4 + 3, 0);
}
const hSize = (w: number): number => (w >>> 16) & 0xFF;
const hType = (w: number): number => (w >>> 24) & 0xFF;
const hPrev = (w: number): number => w & 0xFF;
/** POOL_HEADER.PoolType of an allocated block is the pool type + 1; a free block has 0 (the classic allocator's encoding). */
const allocatedType = (poolType: PoolType): number => poolType + 1;

/** Recomputes a small page's largest free block. */
function measure(mm: MemoryManager, region: PoolRegion, index: number, pfn: number): void {
  let largest = 0;
  for (let u = 0; u < UNITS_PER_PAGE;) {
    const w = readHeader(mm, pfn, u);
    const size = hSize(w);
    if (size === 0) break;
    if (hType(w) === 0 && size > largest) largest = size;
    u += size;
  }
  region.largestFree[index] = largest;
}

function regionOf(space: SystemSpace, poolType: PoolType): PoolRegion {
  return poolType === NonPagedPool ? space.nonPaged : space.paged;
}

/** ExAllocatePoolWithTag: returns the block's address, or 0n when no page or commit is left (the routine returns NULL). */
export function ExAllocatePoolWithTag(mm: MemoryManager, space: SystemSpace, poolType: PoolType, bytes: number, tag: number): bigint {
  if (!Number.isInteger(bytes) || bytes <= 0) return 0n;
  const region = regionOf(space, poolType);
  const units = Math.ceil((bytes + POOL_HEADER_SIZE) / POOL_HEADER_SIZE);
  const t = mm.trace;
  const c = countersOf(space, tag);
  if (units > MAX_SMALL_UNITS) {
    const pages = Math.ceil(bytes / PAGE_SIZE);
    const first = allocateBig(mm, space, region, pages);
    if (first < 0) { t.step('pool.allocFailed')?.n(poolType).n(bytes).n(tag).change('system'); return 0n; }
    region.big.set(first, { tag, bytes, pages });
    const address = region.pageAddress(first);
    count(c, poolType, pages * PAGE_SIZE);
    t.step('pool.allocBig')?.n(poolType).n(bytes).n(tag).a(address).n(pages).change('system');
    return address;
  }
  const address = allocateSmall(mm, space, region, units, tag);
  if (address === null) { t.step('pool.allocFailed')?.n(poolType).n(bytes).n(tag).change('system'); return 0n; }
  count(c, poolType, units * POOL_HEADER_SIZE);
  t.step('pool.alloc')?.n(poolType).n(bytes).n(tag).a(address).n(units * POOL_HEADER_SIZE).change('system');
  return address;
}

/** One more allocation of `bytes` under the tag (counted before the step is recorded: a step shows the state after it). */
function count(c: TagCounters, poolType: PoolType, bytes: number): void {
  c.v[poolType * 3] = c.v[poolType * 3]! + 1;
  c.v[poolType * 3 + 2] = c.v[poolType * 3 + 2]! + bytes;
}

function countersOf(space: SystemSpace, tag: number): TagCounters {
  let c = space.tags.get(tag);
  if (!c) { c = new TagCounters(); space.tags.set(tag, c); }
  return c;
}

function allocateSmall(mm: MemoryManager, space: SystemSpace, region: PoolRegion, units: number, tag: number): bigint | null {
  const type = allocatedType(region.poolType);
  // First fit over pages that already have room (per-page largest free block, kept beside the pages).
  for (let i = 0; i < region.highWater; i++) {
    if (region.kind[i] !== PAGE_SMALL || region.largestFree[i]! < units) continue;
    const pfn = poolPageResident(mm, space, region, i, true);
    for (let u = 0; u < UNITS_PER_PAGE;) {
      const w = readHeader(mm, pfn, u);
      const size = hSize(w);
      if (hType(w) === 0 && size >= units) {
        // Split: the block takes the front, the rest stays free behind it.
        writeHeader(mm, pfn, u, hPrev(w), units, type, tag);
        if (size > units) {
          writeHeader(mm, pfn, u + units, units, size - units, 0, 0);
          setPrevious(mm, pfn, u + size, size - units);
        }
        region.blocks[i]!++;
        measure(mm, region, i, pfn);
        return region.pageAddress(i) + BigInt((u + 1) * POOL_HEADER_SIZE);
      }
      u += size;
    }
  }
  // No page has room: a new page from the memory manager.
  const index = freePageIndexes(region, 1);
  if (index < 0) return null;
  if (!MiAllocatePoolPage(mm, space, region, index)) return null;
  const pfn = poolPageResident(mm, space, region, index, true);
  region.kind[index] = PAGE_SMALL;
  writeHeader(mm, pfn, 0, 0, units, type, tag);
  writeHeader(mm, pfn, units, units, UNITS_PER_PAGE - units, 0, 0);
  region.blocks[index] = 1;
  measure(mm, region, index, pfn);
  return region.pageAddress(index) + BigInt(POOL_HEADER_SIZE);
}

/** Sets PreviousSize of the block at `unit` (when it is inside the page). */
function setPrevious(mm: MemoryManager, pfn: number, unit: number, previous: number): void {
  if (unit >= UNITS_PER_PAGE) return;
  const w = readHeader(mm, pfn, unit);
  mm.phys.writeWord(pfn, unit * 4, ((w & ~0xFF) | (previous & 0xFF)) >>> 0);
}

/** The first run of `count` unused page indexes (the pool's virtual address space), or -1. */
function freePageIndexes(region: PoolRegion, count: number): number {
  let run = 0;
  for (let i = region.hint; i < region.maxPages; i++) {
    if (i >= region.kind.length) region.ensure(i);
    if (region.kind[i] === PAGE_UNUSED) { if (++run === count) return i - count + 1; } else run = 0;
  }
  run = 0;
  for (let i = 0; i < Math.min(region.hint + count, region.maxPages); i++) {
    if (region.kind[i] === PAGE_UNUSED) { if (++run === count) return i - count + 1; } else run = 0;
  }
  return -1;
}

function allocateBig(mm: MemoryManager, space: SystemSpace, region: PoolRegion, pages: number): number {
  const first = freePageIndexes(region, pages);
  if (first < 0) return -1;
  for (let k = 0; k < pages; k++) {
    if (!MiAllocatePoolPage(mm, space, region, first + k)) {
      for (let j = 0; j < k; j++) { MiFreePoolPage(mm, space, region, first + j); region.kind[first + j] = PAGE_UNUSED; }
      return -1;
    }
    region.kind[first + k] = k === 0 ? PAGE_BIG_HEAD : PAGE_BIG_TAIL;
  }
  return first;
}

/** Which region and page an address lies in, or undefined. */
export function locatePool(space: SystemSpace, address: bigint): { region: PoolRegion; index: number; offset: number } | undefined {
  for (const region of [space.nonPaged, space.paged]) {
    if (address < region.base) continue;
    const delta = address - region.base;
    if (delta >= BigInt(region.maxPages) * 4096n) continue;
    const index = Number(delta >> 12n);
    return { region, index, offset: Number(delta & 0xFFFn) };
  }
  return undefined;
}

/**
 * ExFreePoolWithTag: frees the block at `address`. A tag that does not match the block's, or an address
 * that is no allocation, is what the kernel stops with BAD_POOL_CALLER (0xC2); here the call fails with an
 * NtException of STATUS_INVALID_PARAMETER so the caller sees it. Returns the block's tag.
 */
export function ExFreePoolWithTag(mm: MemoryManager, space: SystemSpace, address: bigint, tag: number | undefined): number {
  const at = locatePool(space, address);
  const t = mm.trace;
  if (!at || at.index >= at.region.highWater) throw new NtException(BAD_POOL_CALLER_STATUS, address, false);
  const { region, index, offset } = at;
  const kind = region.kind[index];
  if (kind === PAGE_BIG_HEAD && offset === 0) {
    const entry = region.big.get(index)!;
    if (tag !== undefined && tag !== entry.tag) throw new NtException(BAD_POOL_CALLER_STATUS, address, false);
    for (let k = 0; k < entry.pages; k++) { MiFreePoolPage(mm, space, region, index + k); region.kind[index + k] = PAGE_UNUSED; }
    region.big.delete(index);
    if (index < region.hint) region.hint = index;
    uncount(space, region.poolType, entry.tag, entry.pages * PAGE_SIZE);
    t.step('pool.freeBig')?.n(region.poolType).a(address).n(entry.tag).n(entry.pages).change('system');
    return entry.tag;
  }
  if (kind !== PAGE_SMALL || offset % POOL_HEADER_SIZE !== 0 || offset === 0) throw new NtException(BAD_POOL_CALLER_STATUS, address, false);
  const pfn = poolPageResident(mm, space, region, index, true);
  const unit = offset / POOL_HEADER_SIZE - 1;
  // The block must start where a header chain walk reaches it.
  let u = 0;
  while (u < unit) { const s = hSize(readHeader(mm, pfn, u)); if (s === 0) break; u += s; }
  const w = readHeader(mm, pfn, unit);
  const blockTag = mm.phys.readWord(pfn, unit * 4 + 1);
  if (u !== unit || hType(w) === 0 || (tag !== undefined && tag !== blockTag)) throw new NtException(BAD_POOL_CALLER_STATUS, address, false);
  let start = unit;
  let size = hSize(w);
  // Coalesce with the free neighbours (the block after, then the block before).
  const next = unit + size;
  if (next < UNITS_PER_PAGE) {
    const nw = readHeader(mm, pfn, next);
    if (hType(nw) === 0) size += hSize(nw);
  }
  const prevSize = hPrev(w);
  if (prevSize > 0 && unit - prevSize >= 0) {
    const pw = readHeader(mm, pfn, unit - prevSize);
    if (hType(pw) === 0) { start = unit - prevSize; size += hSize(pw); }
  }
  uncount(space, region.poolType, blockTag, hSize(w) * POOL_HEADER_SIZE);
  region.blocks[index]!--;
  if (region.blocks[index] === 0) {
    // The page is empty: it goes back to the memory manager.
    MiFreePoolPage(mm, space, region, index);
    region.kind[index] = PAGE_UNUSED;
    region.largestFree[index] = 0;
    if (index < region.hint) region.hint = index;
  } else {
    const startPrev = start === unit ? prevSize : hPrev(readHeader(mm, pfn, start));
    writeHeader(mm, pfn, start, startPrev, size, 0, 0);
    setPrevious(mm, pfn, start + size, size);
    measure(mm, region, index, pfn);
  }
  t.step('pool.free')?.n(region.poolType).a(address).n(blockTag).n(hSize(w) * POOL_HEADER_SIZE).b(region.blocks[index] === 0).change('system');
  return blockTag;
}

/** BAD_POOL_CALLER is bug check 0xC2; the simulation reports it as this status instead of stopping. */
export const BAD_POOL_CALLER_STATUS = STATUS_INVALID_PARAMETER;

function uncount(space: SystemSpace, poolType: PoolType, tag: number, bytes: number): void {
  const c = countersOf(space, tag);
  c.v[poolType * 3 + 1] = c.v[poolType * 3 + 1]! + 1;
  c.v[poolType * 3 + 2] = c.v[poolType * 3 + 2]! - bytes;
}

/** One block of a pool page, as !pool lists them. */
export interface PoolBlockInfo { address: bigint; size: number; previousSize: number; allocated: boolean; tag: number; poolType: PoolType }

/**
 * The blocks of the pool page holding `address` (read from the headers in memory, without faulting: a paged
 * pool page that is not resident gives `resident: false`), or the big allocation it belongs to.
 */
export function queryPoolPage(mm: MemoryManager, space: SystemSpace, address: bigint):
  | { kind: 'small'; page: bigint; blocks: PoolBlockInfo[]; poolType: PoolType }
  | { kind: 'big'; address: bigint; entry: BigPoolEntry; poolType: PoolType }
  | { kind: 'notResident'; page: bigint; poolType: PoolType }
  | { kind: 'free'; page: bigint; poolType: PoolType }
  | undefined {
  const at = locatePool(space, address);
  if (!at) return undefined;
  const { region, index } = at;
  const kind = index < region.kind.length ? region.kind[index] : PAGE_UNUSED;
  const page = region.pageAddress(index);
  if (kind === PAGE_UNUSED) return { kind: 'free', page, poolType: region.poolType };
  if (kind === PAGE_BIG_HEAD || kind === PAGE_BIG_TAIL) {
    let head = index;
    while (region.kind[head] === PAGE_BIG_TAIL) head--;
    return { kind: 'big', address: region.pageAddress(head), entry: { ...region.big.get(head)! }, poolType: region.poolType };
  }
  const pfn = space.residentPfn(mm, region, index);
  if (pfn < 0) return { kind: 'notResident', page, poolType: region.poolType };
  const blocks: PoolBlockInfo[] = [];
  for (let u = 0; u < UNITS_PER_PAGE;) {
    const w = readHeader(mm, pfn, u);
    const size = hSize(w);
    if (size === 0) break;
    blocks.push({ address: page + BigInt(u * POOL_HEADER_SIZE), size: size * POOL_HEADER_SIZE, previousSize: hPrev(w) * POOL_HEADER_SIZE, allocated: hType(w) !== 0, tag: mm.phys.readWord(pfn, u * 4 + 1), poolType: region.poolType });
    u += size;
  }
  return { kind: 'small', page, blocks, poolType: region.poolType };
}

/** Where a pool page's bytes are now: in memory (valid or transition PTE) or in the paging file. */
function pageSource(mm: MemoryManager, region: PoolRegion, index: number): [PageStore, number] | undefined {
  const table = region.tables[index >>> 9]!;
  if (table < 0) return undefined;
  const lo = mm.readLo(table, index & 511);
  const hi = mm.readHi(table, index & 511);
  if (lo & PTE_VALID) return [mm.phys, ptePfn(lo, hi, mm.layout.hardwarePfnBits)];
  if (lo & PTE_TRANSITION) return [mm.phys, ptePfn(lo, hi, mm.layout.transitionPfnBits)];
  if (hi !== 0) return [mm.pageFile, hi];
  return undefined;
}

/**
 * Walks every small page's header chain (wherever the page is: in memory, on a standby or modified list, or
 * in the paging file) and returns the bytes of allocated blocks and big allocations per tag and pool type,
 * and the chain errors found (for verifyIntegrity).
 */
export function walkPool(mm: MemoryManager, space: SystemSpace): { bytes: Map<number, [number, number]>; errors: string[] } {
  const bytes = new Map<number, [number, number]>();
  const errors: string[] = [];
  const add = (tag: number, poolType: PoolType, n: number): void => {
    const b = bytes.get(tag) ?? [0, 0]; b[poolType] += n; bytes.set(tag, b);
  };
  for (const region of [space.nonPaged, space.paged]) {
    for (let i = 0; i < region.highWater; i++) {
      const kind = region.kind[i];
      if (kind === PAGE_BIG_HEAD) { const e = region.big.get(i); if (!e) errors.push(`${region.poolType}: big page ${i} without an entry`); else add(e.tag, region.poolType, e.pages * PAGE_SIZE); continue; }
      if (kind !== PAGE_SMALL) continue;
      const where = pageSource(mm, region, i);
      const name = region.pageAddress(i).toString(16);
      if (!where) { errors.push(`pool page ${name} has no contents anywhere`); continue; }
      const [store, page] = where;
      let u = 0;
      let prev = 0;
      let allocated = 0;
      let largest = 0;
      while (u < UNITS_PER_PAGE) {
        const w = store.readWord(page, u * 4);
        const size = hSize(w);
        if (size === 0) { errors.push(`pool page ${name}: zero BlockSize at ${u * 16}`); break; }
        if (hPrev(w) !== prev) errors.push(`pool page ${name}: PreviousSize ${hPrev(w)} at ${u * 16}, expected ${prev}`);
        if (hType(w) !== 0) { allocated++; add(store.readWord(page, u * 4 + 1), region.poolType, size * POOL_HEADER_SIZE); } else if (size > largest) largest = size;
        prev = size;
        u += size;
      }
      if (u !== UNITS_PER_PAGE) errors.push(`pool page ${name}: blocks end at ${u * 16}`);
      if (allocated !== region.blocks[i]) errors.push(`pool page ${name}: ${allocated} blocks but ${region.blocks[i]} counted`);
      if (largest !== region.largestFree[i]) errors.push(`pool page ${name}: largest free ${largest} but ${region.largestFree[i]} recorded`);
      if (allocated === 0) errors.push(`pool page ${name} is empty but was not given back`);
    }
  }
  return { bytes, errors };
}
