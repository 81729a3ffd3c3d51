// The system address space: the kernel half's regions (nonpaged pool, paged pool, system PTEs, session
// space), the pool tag counters, the system PTE allocator (MiReservePtes / MiReleasePtes, the
// names in the public symbols) and the system working set that holds paged pool's resident pages.
// Windows Internals 7th ed., Part 1, ch. 5: "Virtual address space layouts" ("x64 system address space",
// "Dynamic system virtual address space management": since Windows 10 1607 each region is placed at a
// random address at boot), "System PTEs", "Session space", "System working sets", "Commit charge" (the
// kernel's own pool and stacks are part of the commit charge).
//
// Simplified (README): the regions are placed from the seed at fixed distances from each other rather than
// independently; only the page tables of the pool regions are real pages (the kernel's upper paging levels
// are not simulated); kernel stacks take system PTEs and commit but no physical pages; session space
// records where win32k's images are mapped without pages behind them.
import { PAGE_SIZE } from './geometry';
import type { MemoryManager } from './memoryManager';
import { NonPagedPool, PagedPool, PoolRegion, TagCounters } from './pool';
import { PTE_VALID, ptePfn } from './pte';

/** Distances of the regions from the nonpaged pool's base (each its own 128 GB stretch of system space). */
const PAGED_POOL_OFFSET = 0x20_0000_0000n;
const SYSTEM_PTE_OFFSET = 0x40_0000_0000n;
const SESSION_OFFSET = 0x60_0000_0000n;
/** System PTEs the region holds (512 MB of address space). */
export const SYSTEM_PTE_COUNT = 131072;

/**
 * Where the kernel image (ntoskrnl.exe) is loaded. Windows places it at boot at a randomized address in the
 * kernel half (Windows Internals 7th ed., Part 1, ch. 5, "Address space layout randomization": the kernel and
 * drivers are relocated too). The lab derives the base from the seed-drawn pool base (no extra draw, so every
 * other address of a seed stays put), 2 MB aligned, inside 0xFFFFF800'00000000-0xFFFFF807'FFFFFFFF: the
 * range and the derivation are the lab's choice.
 */
export function kernelImageBase(poolBase: bigint): bigint {
  return 0xFFFFF800_0000_0000n + (((poolBase >> 28n) & 0x3FFFn) << 21n);
}

/**
 * KiInitialProcess: the Idle process's EPROCESS is a variable in the kernel image's data, not a pool block;
 * PspInitPhase0 points PsIdleProcess at it (the process of the thread running phase 0, which KiSystemStartup
 * set up with KiInitialProcess) — both are data symbols of ntoskrnl's public symbols. Its offset inside the
 * image differs per build; this one is the lab's.
 */
export const KI_INITIAL_PROCESS_OFFSET = 0xC1_F440n;

/** A region of system space, as !vm and the sidebar list them (MI_ASSIGNED_REGION_TYPES names, public symbols). */
export interface SystemRegionInfo { name: 'AssignedRegionNonPagedPool' | 'AssignedRegionPagedPool' | 'AssignedRegionSystemPtes' | 'AssignedRegionSession'; base: bigint; end: bigint }

/** An image mapped in session space (win32k's drivers are session images, one copy per session). */
export interface SessionImage { name: string; base: bigint; size: number }

/**
 * Win32k on Windows 10 is three session drivers: win32k.sys (the entry layer), win32kbase.sys and
 * win32kfull.sys (Windows Internals 7th ed., Part 1, ch. 2, "Windows kernel and drivers" / win32k split;
 * `lm` on a Windows 10 kernel target lists all three). Sizes are the simulation's, page-rounded.
 */
const SESSION_IMAGES: ReadonlyArray<{ name: string; size: number }> = [
  { name: 'win32k.sys', size: 0x8A000 },
  { name: 'win32kbase.sys', size: 0x2B1000 },
  { name: 'win32kfull.sys', size: 0x39C000 },
];

export class SystemSpace {
  readonly nonPaged: PoolRegion;
  readonly paged: PoolRegion;
  readonly systemPteBase: bigint;
  readonly sessionBase: bigint;
  /** Pool tag -> counters. */
  tags = new Map<number, TagCounters>();
  /** One byte per system PTE: 0 free, 1 in use, 2 in use and the first of its run. */
  systemPtes: Uint8Array;
  /** Run lengths by first PTE index. */
  systemPteRuns = new Map<number, number>();
  systemPtesInUse = 0;
  systemPteHint = 0;
  /** The system working set: paged pool page indexes (-1 = free entry); MMPFN.WsIndex points here. */
  wsPage: Int32Array;
  wsCount = 0;
  wsPeak = 0;
  /** Where trimming resumes (a clock hand over the entries). */
  wsHand = 0;
  /** Pages charged to commit by pool pages and kernel stacks (part of the memory manager's systemCommit). */
  charged = 0;
  /** The kernel's other commit (images, structures not simulated) set at boot. */
  readonly baseCommit: number;
  /** Page-table pages of the pool regions. */
  tablePages = 0;

  constructor(readonly poolBase: bigint, physicalPages: number, pageFilePages: number, baseCommit: number, source?: SystemSpace) {
    this.baseCommit = baseCommit;
    this.systemPteBase = poolBase + SYSTEM_PTE_OFFSET;
    this.sessionBase = poolBase + SESSION_OFFSET;
    if (source) {
      this.nonPaged = source.nonPaged.clone();
      this.paged = source.paged.clone();
      for (const [k, c] of source.tags) this.tags.set(k, c.clone());
      this.systemPtes = source.systemPtes.slice();
      this.systemPteRuns = new Map(source.systemPteRuns);
      this.systemPtesInUse = source.systemPtesInUse;
      this.systemPteHint = source.systemPteHint;
      this.wsPage = source.wsPage.slice();
      this.wsCount = source.wsCount;
      this.wsPeak = source.wsPeak;
      this.wsHand = source.wsHand;
      this.charged = source.charged;
      this.tablePages = source.tablePages;
      return;
    }
    this.nonPaged = new PoolRegion(NonPagedPool, poolBase, physicalPages);
    this.paged = new PoolRegion(PagedPool, poolBase + PAGED_POOL_OFFSET, physicalPages + pageFilePages);
    this.systemPtes = new Uint8Array(SYSTEM_PTE_COUNT);
    this.wsPage = new Int32Array(64).fill(-1);
  }

  clone(): SystemSpace { return new SystemSpace(this.nonPaged.base, 0, 0, this.baseCommit, this); }

  /** The regions, lowest first. */
  regions(): SystemRegionInfo[] {
    return [
      { name: 'AssignedRegionNonPagedPool', base: this.nonPaged.base, end: this.nonPaged.base + BigInt(this.nonPaged.maxPages) * 4096n },
      { name: 'AssignedRegionPagedPool', base: this.paged.base, end: this.paged.base + BigInt(this.paged.maxPages) * 4096n },
      { name: 'AssignedRegionSystemPtes', base: this.systemPteBase, end: this.systemPteBase + BigInt(SYSTEM_PTE_COUNT) * 4096n },
      { name: 'AssignedRegionSession', base: this.sessionBase, end: this.sessionBase + 0x8000_0000n },
    ];
  }

  /** win32k's images in session space (session 1's view; every session maps its own copy at the same addresses). */
  sessionImages(): SessionImage[] {
    let at = this.sessionBase + 0x100_0000n;
    return SESSION_IMAGES.map((i) => { const image = { name: i.name, base: at, size: i.size }; at += BigInt(i.size + 0x10000); return image; });
  }

  /** The page a pool page's PTE maps, or -1 when the PTE is not valid (never faults). */
  residentPfn(mm: MemoryManager, region: PoolRegion, index: number): number {
    const table = region.tables[index >>> 9]!;
    if (table < 0) return -1;
    const lo = mm.readLo(table, index & 511);
    if (!(lo & PTE_VALID)) return -1;
    return ptePfn(lo, mm.readHi(table, index & 511), mm.layout.hardwarePfnBits);
  }

  /** Pool bytes in use by pool type (the sum of the tag counters). */
  poolBytes(): [nonPaged: number, paged: number] {
    let np = 0;
    let p = 0;
    for (const c of this.tags.values()) { np += c.v[2]!; p += c.v[5]!; }
    return [np, p];
  }

  // ---- the system working set

  wsInsert(index: number): number {
    if (this.wsCount >= this.wsPage.length) {
      const w = new Int32Array(this.wsPage.length * 2).fill(-1);
      w.set(this.wsPage);
      this.wsPage = w;
    }
    const i = this.wsCount++;
    this.wsPage[i] = index;
    if (this.wsCount > this.wsPeak) this.wsPeak = this.wsCount;
    return i;
  }

  /** Removes entry `i` by moving the last entry into its place; returns the moved page index or -1. */
  wsRemove(i: number): number {
    const last = --this.wsCount;
    const moved = this.wsPage[last]!;
    this.wsPage[last] = -1;
    if (i === last) return -1;
    this.wsPage[i] = moved;
    return moved;
  }

  // ---- system PTEs

  /** MiReservePtes: `count` contiguous system PTEs, first fit; returns the first one's index or -1. */
  MiReservePtes(count: number): number {
    const n = this.systemPtes.length;
    let run = 0;
    for (let k = 0, i = this.systemPteHint; k < n; k++, i++) {
      if (i >= n) { i = 0; run = 0; }
      if (this.systemPtes[i] === 0) {
        if (++run === count) {
          const first = i - count + 1;
          this.systemPtes.fill(1, first, first + count);
          this.systemPtes[first] = 2;
          this.systemPteRuns.set(first, count);
          this.systemPtesInUse += count;
          this.systemPteHint = first + count;
          return first;
        }
      } else run = 0;
    }
    return -1;
  }

  /** MiReleasePtes: frees the run that starts at `first`; returns its length (0 when there is none). */
  MiReleasePtes(first: number): number {
    const count = this.systemPteRuns.get(first);
    if (count === undefined) return 0;
    this.systemPtes.fill(0, first, first + count);
    this.systemPteRuns.delete(first);
    this.systemPtesInUse -= count;
    if (first < this.systemPteHint) this.systemPteHint = first;
    return count;
  }

  /** The kernel address a system PTE maps. */
  systemPteAddress(index: number): bigint { return this.systemPteBase + BigInt(index) * BigInt(PAGE_SIZE); }

  /** Free runs of system PTEs: [first, length], lowest first (what !sysptes 1 lists). */
  freeSystemPteRuns(): Array<[number, number]> {
    const runs: Array<[number, number]> = [];
    const n = this.systemPtes.length;
    for (let i = 0; i < n;) {
      if (this.systemPtes[i] !== 0) { i++; continue; }
      let j = i;
      while (j < n && this.systemPtes[j] === 0) j++;
      runs.push([i, j - i]);
      i = j;
    }
    return runs;
  }
}
