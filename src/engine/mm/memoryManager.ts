// The memory manager: physical pages (PFN database and lists), paging structures reached through the
// self-map, the page-fault handler (MmAccessFault and its resolvers), working sets, the paging file and
// the system threads that move pages between lists. Every resolution records a step named after the
// kernel routine that does the work in Windows.
import { NtException } from '../errors';
import {
  STATUS_ACCESS_VIOLATION, STATUS_COMMITMENT_LIMIT, STATUS_GUARD_PAGE_VIOLATION, STATUS_NO_MEMORY,
} from '../constants';
import type { AddressSpace } from './addressSpace';
import { PDE_CACHE_SIZE, TLB_READ, TLB_SIZE, TLB_WRITE } from './addressSpace';
import type { StepLog } from '../trace';
import {
  LIST_FREE, LIST_MODIFIED, LIST_STANDBY0, LIST_ZEROED, PageLocation, PfnDatabase,
  PFN_LARGE_PAGE, PFN_MODIFIED, PFN_PAGE_TABLE, PFN_PROTOTYPE_PTE,
} from './pfn';
import { mmAllowsRead, mmAllowsWrite, mmIsCopyOnWrite, mmIsGuard } from './protection';
import {
  MM_DECOMMIT, MM_GUARD_PAGE, MM_NOACCESS, MM_READWRITE, PTE_ACCESSED, PTE_DIRTY, PTE_DIRTY1, PTE_LARGE_PAGE,
  PTE_OWNER, PTE_PROTOTYPE, PTE_TRANSITION, PTE_VALID, PTE_WRITE, PteLayout, makeDemandZeroLo, makePageFileLo,
  makeTableHi, makeTableLo, makeTransitionHi, makeTransitionLo, makeValidHi, makeValidLo, pageFileLow, pteProtection,
  ptePfn, PROTECTION_SHIFT,
} from './pte';
import { PageStore } from './store';
import type { FileSystem } from '../io/fileSystem';
import {
  copyOnWrite, isPrivateViewPte, mappedPageWriter, protoCommitted, protoOfPfn, releaseIfUnmapped, resolveProtoFault,
  restoreProtoPte, SectionRegistry, unmapSharedPte, viewPageProtection,
} from './section';
import type { Vad } from './vad';
import { VadType } from './vad';

export const PAGE_SIZE = 4096;
/** Normal page priority for user pages (standby list 5). */
export const NORMAL_PRIORITY = 5;
const ENTRIES = 512;
const TWO_29 = 536870912;
const CLUSTER_MAX = 8;

/** Paging-structure levels, top down: PML4 entries are PXEs, then PPEs, PDEs and PTEs. */
export const LEVEL_PXE = 3;
export const LEVEL_PPE = 2;
export const LEVEL_PDE = 1;
export const LEVEL_PTE = 0;

/** Low and high halves of the virtual address of page `vpn` (no bigint on hot paths). */
export function vaLo(vpn: number): number { return ((vpn % 1048576) * 4096) >>> 0; }
export function vaHi(vpn: number): number { return Math.floor(vpn / 1048576); }

/**
 * The index of `vpn`'s entry in its level-`level` table. No division: a bundled module's constants are
 * context loads, and `/` by one is a real floating-point division. VPN bits 27..35 (the PML4 index) lie
 * past 32 bits, so that one is scaled by 2^-27 (exact); the others come from the low 32 bits.
 */
export function tableIndex(level: number, vpn: number): number {
  if (level === LEVEL_PXE) return Math.floor(vpn * 7.450580596923828e-9) & 511;
  return ((vpn >>> 0) >>> (9 * level)) & 511;
}

/** MiGetPteAddress: the self-map address of the entry that maps `va`. */
export function miGetPteAddress(va: bigint, pteBase: bigint): bigint {
  return (((va >> 9n) & 0x7FFFFFFFF8n) + pteBase) & 0xFFFFFFFFFFFFFFFFn;
}

export interface MmConfig {
  physicalPages: number;
  pageFilePages: number;
  pteBase: bigint;
  layout: PteLayout;
}

/** The walk result of the last `locate` call (kept in fields to avoid allocating on hot paths). */
interface Location { table: number; index: number; }

export class MemoryManager {
  pfn: PfnDatabase;
  phys: PageStore;
  pageFile: PageStore;
  /** Allocation bitmap of the paging file (one byte per slot; slot 0 is never used). */
  pageFileBitmap: Uint8Array;
  pageFileUsed = 0;
  private pageFileHint = 1;
  /** Non-zero entries per paging-structure page (UsedPageTableEntries), indexed by PFN. */
  usedEntries: Uint16Array;
  /** Pages charged to commit by the kernel itself (nonpaged and paged pool, system PTEs...). */
  systemCommit = 0;
  /** Control areas, segments and section objects. */
  sectionRegistry: SectionRegistry;
  /** The volume mapped files are read from and written back to (set by the System). */
  fileSystem: FileSystem | undefined;
  commitPeak = 0;
  readonly pteBaseLo: number;
  readonly pteBaseHi: number;
  readonly selfMapIndex: number;
  /** Available pages below which the balance set manager trims working sets. */
  readonly lowAvailable: number;
  /** Available pages the balance set manager trims up to. */
  readonly targetAvailable: number;
  /** Above this many available pages, working sets may grow past their maximum. */
  readonly plentyAvailable: number;
  private readonly loc: Location = { table: -1, index: -1 };
  private lastFrom = 0;
  /** The list the last removeZeroPage / removeAnyPage took its page from. */
  get lastFromList(): number { return this.lastFrom; }
  private lastZeroedNow = false;
  /** Set while the balance set manager runs, so a fault it causes does not start it again. */
  private trimming = false;

  constructor(
    readonly config: MmConfig,
    readonly processes: ReadonlyArray<AddressSpace | undefined>,
    readonly trace: StepLog,
    source?: MemoryManager,
  ) {
    this.pteBaseLo = Number(config.pteBase & 0xFFFFFFFFn);
    this.pteBaseHi = Number(config.pteBase >> 32n);
    this.selfMapIndex = Number((config.pteBase >> 39n) & 511n);
    const n = config.physicalPages;
    this.lowAvailable = Math.max(32, Math.floor(n / 32));
    this.targetAvailable = Math.max(64, Math.floor(n / 16));
    this.plentyAvailable = Math.floor(n / 4);
    if (source) {
      this.pfn = source.pfn.clone();
      this.phys = source.phys.clone();
      this.pageFile = source.pageFile.clone();
      this.pageFileBitmap = source.pageFileBitmap.slice();
      this.pageFileUsed = source.pageFileUsed;
      this.pageFileHint = source.pageFileHint;
      this.usedEntries = source.usedEntries.slice();
      this.systemCommit = source.systemCommit;
      this.commitPeak = source.commitPeak;
      this.sectionRegistry = source.sectionRegistry.clone();
      this.pml4Owner = new Map(source.pml4Owner);
      for (const p of processes) if (p) this.adoptProcess(p);
      // Cloned views must point at the cloned control areas.
      for (const p of processes) {
        if (!p) continue;
        for (const vad of p.vads) if (vad.view) vad.view.controlArea = this.sectionRegistry.controlAreas.get(vad.view.controlArea.id) ?? vad.view.controlArea;
      }
      return;
    }
    this.sectionRegistry = new SectionRegistry();
    this.pfn = new PfnDatabase(n);
    this.phys = new PageStore(n);
    this.pageFile = new PageStore(config.pageFilePages);
    this.pageFileBitmap = new Uint8Array(Math.max(1, config.pageFilePages));
    this.usedEntries = new Uint16Array(n);
    // At power-on every page is free; the zero page thread zeroes them during boot.
    for (let p = 0; p < n; p++) this.pfn.insertTail(LIST_ZEROED, p, PageLocation.ZeroedPageList);
  }

  get layout(): PteLayout { return this.config.layout; }

  // ---------------------------------------------------------------- commit

  /** CommitLimit in pages: RAM plus the paging file. */
  get commitLimit(): number {
    return this.config.physicalPages + this.config.pageFilePages;
  }

  /** Total commit charge in pages: the kernel's own plus every process's private pages and page tables. */
  get commitTotal(): number {
    return this.systemCommit + this.sectionRegistry.commitCharge + this.processCommit.total;
  }

  /** Private pages and page tables of every process, kept current by AddressSpace's setters. */
  readonly processCommit = { total: 0 };

  /** Links a process to this machine's commit counter (a new process, or a clone's). */
  adoptProcess(p: AddressSpace): void {
    if (p.commitAccount === this.processCommit) return;
    p.commitAccount = this.processCommit;
    this.processCommit.total += p.privateCommit + p.pageTablePages;
  }

  /**
   * Job objects can cap commit (JOB_OBJECT_LIMIT_PROCESS_MEMORY / JOB_MEMORY): the process manager
   * installs this check (it finds the job through the address space's index); false makes the charge
   * fail like the commit limit does.
   */
  jobCommitCheck: ((space: AddressSpace, pages: number) => boolean) | undefined;

  /** Whether `pages` more can be charged without passing the commit limit. */
  canCharge(pages: number): boolean {
    return this.commitTotal + pages <= this.commitLimit;
  }

  /** Charges `pages` to `process`, or returns false when the commit limit (or a job's) would be exceeded. */
  chargeCommit(process: AddressSpace, pages: number): boolean {
    const total = this.commitTotal;
    if (total + pages > this.commitLimit) return false;
    if (pages > 0 && this.jobCommitCheck && !this.jobCommitCheck(process, pages)) return false;
    process.privateCommit += pages;
    if (total + pages > this.commitPeak) this.commitPeak = total + pages;
    return true;
  }

  // ---------------------------------------------------------------- paging structures

  readLo(table: number, index: number): number { return this.phys.readWord(table, index * 2); }
  readHi(table: number, index: number): number { return this.phys.readWord(table, index * 2 + 1); }
  private writeEntry(table: number, index: number, lo: number, hi: number): void {
    const wasZero = this.readLo(table, index) === 0 && this.readHi(table, index) === 0;
    const isZero = lo === 0 && hi === 0;
    this.phys.writeWord(table, index * 2, lo >>> 0);
    this.phys.writeWord(table, index * 2 + 1, hi >>> 0);
    if (wasZero && !isZero) this.usedEntries[table]!++;
    else if (!wasZero && isZero) this.usedEntries[table]!--;
  }

  /** Writes a leaf PTE of `process` and keeps the TLB coherent (the TLB flush the kernel would issue). */
  writePte(process: AddressSpace, vpn: number, table: number, index: number, lo: number, hi: number): void {
    this.writeEntry(table, index, lo, hi);
    process.flushTlbEntry(vpn);
  }

  /** The self-map address of the entry at `level` that maps `vpn`, as halves (lo in .lo, hi in .hi). */
  entryAddress(level: number, vpn: number): bigint {
    let va = BigInt(vpn) << 12n;
    if (va & (1n << 47n)) va |= 0xFFFF000000000000n;
    let a = miGetPteAddress(va, this.config.pteBase);
    for (let l = 0; l < level; l++) a = miGetPteAddress(a, this.config.pteBase);
    return a;
  }

  /** PteAddress halves of the leaf PTE for a user VPN: PTE_BASE + vpn * 8. */
  private pteAddressLo(vpn: number): number { return ((vpn % TWO_29) * 8) >>> 0; }
  private pteAddressHi(vpn: number): number { return this.pteBaseHi + Math.floor(vpn / TWO_29); }

  /**
   * Finds the page table mapping `vpn` (sets this.loc). Missing paging structures are created when
   * `create` is set — each one a demand-zero fault on the self-map address. Returns false when a
   * structure is missing and not created, and -1-style results for large pages via `largeLevel`.
   */
  locate(process: AddressSpace, vpn: number, create: boolean): boolean {
    // VPN / 512, exactly (a power-of-two scale): the 2 MB region one page table maps.
    const region = Math.floor(vpn * 0.001953125);
    const slot = region & (PDE_CACHE_SIZE - 1);
    if (process.pdeRegion[slot] === region) {
      this.loc.table = process.pdeTable[slot]!;
      this.loc.index = vpn & 511;
      this.largeLevel = -1;
      return true;
    }
    let table = process.directoryTableBase;
    for (let level = LEVEL_PXE; level > LEVEL_PTE; level--) {
      const index = tableIndex(level, vpn);
      const lo = this.readLo(table, index);
      if (lo & PTE_VALID) {
        if (lo & PTE_LARGE_PAGE) { this.loc.table = table; this.loc.index = index; this.largeLevel = level; return false; }
        table = ptePfn(lo, this.readHi(table, index), this.layout.hardwarePfnBits);
        continue;
      }
      if (!create) { this.loc.table = -1; this.largeLevel = -1; return false; }
      table = this.allocatePagingStructure(process, vpn, level - 1, table, index);
    }
    this.loc.table = table;
    this.loc.index = vpn & 511;
    this.largeLevel = -1;
    process.ownPdeCache();
    process.pdeRegion[slot] = region;
    process.pdeTable[slot] = table;
    return true;
  }
  /** Level of the large-page entry found by the last `locate` (-1 when none). */
  largeLevel = -1;
  get locTable(): number { return this.loc.table; }
  get locIndex(): number { return this.loc.index; }

  /** PML4 page -> process index: the root of every owner lookup. */
  pml4Owner = new Map<number, number>();

  /**
   * The process a page belongs to, or -1 (free, or shared through a prototype PTE). MMPFN keeps no
   * owner field: the owner is found by following PteFrame up to the PML4 (whose PteFrame is itself).
   */
  ownerOf(pfn: number): number {
    const db = this.pfn;
    let f = pfn;
    for (let level = 0; level < 5; level++) {
      const frame = db.pteFrame[f]!;
      if (frame < 0) return -1;
      if (frame === f) return this.pml4Owner.get(f) ?? -1;
      f = frame;
    }
    return -1;
  }

  /** Creates the PML4 page of a new address space, with the self-map entry pointing at itself. */
  createAddressSpace(process: AddressSpace): number {
    this.adoptProcess(process);
    const pfn = this.removeZeroPage();
    this.initActive(pfn, process.index, -1, 0, 0, makeDemandZeroLo(MM_READWRITE), 0);
    this.pfn.flags[pfn] = PFN_PAGE_TABLE;
    // The self-map: PML4[index] maps the PML4 itself, kernel-only and no-execute.
    const selfLo = (makeTableLo(pfn) & ~PTE_OWNER) >>> 0;
    this.writeEntry(pfn, this.selfMapIndex, selfLo, (makeTableHi(pfn) | 0x80000000) >>> 0);
    this.pfn.shareCount[pfn]!++;
    const self = this.config.pteBase | (BigInt(this.selfMapIndex) << 30n) | (BigInt(this.selfMapIndex) << 21n) | (BigInt(this.selfMapIndex) << 12n) | (BigInt(this.selfMapIndex) << 3n);
    this.pfn.pteAddressLo[pfn] = Number(self & 0xFFFFFFFFn);
    this.pfn.pteAddressHi[pfn] = Number(self >> 32n);
    this.pfn.pteFrame[pfn] = pfn;
    this.pml4Owner.set(pfn, process.index);
    process.directoryTableBase = pfn;
    process.pageTablePages++;
    return pfn;
  }

  /** Allocates a zeroed page for a PDPT, PD or PT (`level` of the new structure) and links it. */
  private allocatePagingStructure(process: AddressSpace, vpn: number, level: number, parent: number, parentIndex: number): number {
    // A page table is charged to commit when it is created (Windows Internals 7th ed., Part 1, ch. 5,
    // "Commit charge and the system commit limit": page tables are one of the charges); past the limit
    // the fault or allocation that needed it fails with STATUS_COMMITMENT_LIMIT.
    if (!this.canCharge(1)) throw new NtException(STATUS_COMMITMENT_LIMIT, BigInt(vpn) * 4096n, false);
    const pfn = this.removeZeroPage();
    const from = this.lastFrom;
    const address = this.entryAddress(level + 1, vpn);
    this.initActive(pfn, process.index, parent, Number(address & 0xFFFFFFFFn), Number(address >> 32n), makeDemandZeroLo(MM_READWRITE), 0);
    this.pfn.flags[pfn] = PFN_PAGE_TABLE;
    const lo = makeTableLo(pfn);
    const hi = makeTableHi(pfn);
    this.writeEntry(parent, parentIndex, lo, hi);
    this.pfn.shareCount[parent]!++;
    process.pageTablePages++;
    const t = this.trace;
    t.step('fault.pageTable')?.n(process.pid).a2(vaLo(vpn), vaHi(vpn)).n(level).n(pfn).n(from).a2(lo, hi).change('pfn', pfn).change('pte', process.pid, vpn * PAGE_SIZE);
    return pfn;
  }

  private initActive(pfn: number, _owner: number, pteFrame: number, pteLo: number, pteHi: number, origLo: number, origHi: number): void {
    const db = this.pfn;
    db.location[pfn] = PageLocation.ActiveAndValid;
    db.shareCount[pfn] = 1;
    db.referenceCount[pfn] = 1;
    db.pteFrame[pfn] = pteFrame;
    db.pteAddressLo[pfn] = pteLo;
    db.pteAddressHi[pfn] = pteHi;
    db.originalPteLo[pfn] = origLo;
    db.originalPteHi[pfn] = origHi;
    db.priority[pfn] = NORMAL_PRIORITY;
    db.flags[pfn] = 0;
    db.wsIndex[pfn] = -1;
  }

  // ---------------------------------------------------------------- page allocation

  /** MiRemoveZeroPage: a zeroed page, or a free page zeroed now, or a repurposed standby page. */
  removeZeroPage(): number {
    const db = this.pfn;
    let pfn = db.removeHead(LIST_ZEROED);
    this.lastZeroedNow = false;
    if (pfn >= 0) { this.lastFrom = PageLocation.ZeroedPageList; return pfn; }
    pfn = this.removeAnyPage();
    this.phys.zeroPage(pfn);
    this.lastZeroedNow = true;
    return pfn;
  }

  /** MiRemoveAnyPage: free, then zeroed, then the lowest-priority standby page (repurposed). */
  removeAnyPage(): number {
    const db = this.pfn;
    for (let attempt = 0; attempt < 3; attempt++) {
      let pfn = db.removeHead(LIST_FREE);
      if (pfn >= 0) { this.lastFrom = PageLocation.FreePageList; return pfn; }
      pfn = db.removeHead(LIST_ZEROED);
      if (pfn >= 0) { this.lastFrom = PageLocation.ZeroedPageList; return pfn; }
      for (let p = 0; p < 8; p++) {
        if (db.listCount[LIST_STANDBY0 + p]! > 0) {
          pfn = db.listHead[LIST_STANDBY0 + p]!;
          this.repurpose(pfn);
          this.lastFrom = PageLocation.StandbyPageList;
          return pfn;
        }
      }
      // Nothing available: write modified pages out (they become standby), or trim working sets.
      if (attempt === 0 && db.listCount[LIST_MODIFIED]! > 0) { mappedPageWriter(this, this.fileSystem); if (this.config.pageFilePages > 0) this.modifiedPageWriter(Infinity); }
      else if (!this.trimming) this.balanceSetManager(true);
    }
    throw new NtException(STATUS_NO_MEMORY, 0n, false);
  }

  /** Takes a standby page away from its owner: the owner's PTE gets back the OriginalPte. */
  private repurpose(pfn: number): void {
    const db = this.pfn;
    const priority = db.priority[pfn]!;
    db.unlink(pfn);
    const lo = db.originalPteLo[pfn]!;
    const hi = db.originalPteHi[pfn]!;
    this.restoreOwnerPte(pfn);
    db.repurposed[priority]!++;
    db.location[pfn] = PageLocation.TransitionPage;
    const t = this.trace;
    t.step('pfn.repurpose')?.n(pfn).n(priority).a2(lo, hi).change('pfn', pfn).change('pageList', LIST_STANDBY0 + priority);
  }

  /**
   * A page is leaving memory: the PTE that still refers to it (a transition PTE in a page table, or a
   * prototype PTE) gets the OriginalPte back.
   */
  restoreOwnerPte(pfn: number): void {
    const db = this.pfn;
    if (db.flags[pfn]! & PFN_PROTOTYPE_PTE) { restoreProtoPte(this, pfn); return; }
    const table = db.pteFrame[pfn]!;
    const index = (db.pteAddressLo[pfn]! >>> 3) & 511;
    this.writeEntry(table, index, db.originalPteLo[pfn]!, db.originalPteHi[pfn]!);
    db.shareCount[table]!--;
  }

  // ---------------------------------------------------------------- paging file

  private allocateSlot(): number {
    const bitmap = this.pageFileBitmap;
    const n = this.config.pageFilePages;
    if (this.pageFileUsed >= n - 1) return -1;
    let s = this.pageFileHint;
    for (let i = 0; i < n; i++, s++) {
      if (s >= n) s = 1;
      if (bitmap[s] === 0) { bitmap[s] = 1; this.pageFileUsed++; this.pageFileHint = s + 1; this.pageFile.claim(s); return s; }
    }
    return -1;
  }

  freeSlot(slot: number): void {
    if (this.pageFileBitmap[slot] !== 1) throw new Error(`paging file slot ${slot} freed twice`);
    this.pageFileBitmap[slot] = 0;
    this.pageFileUsed--;
    this.pageFile.discard(slot);
  }

  /**
   * Marks a page modified; a copy in the paging file is now stale, so its slot is released (the PFN's
   * OriginalPte loses the paging-file reference, as MiReleasePageFileSpace does when a page is dirtied;
   * Windows Internals 7th ed., Part 1, ch. 5, "Page files"). Every path that dirties a page — private or
   * prototype — goes through here, or a written-out page written again would leak its slot. Returns the
   * slot or -1.
   */
  markModified(pfn: number): number {
    const db = this.pfn;
    if (db.flags[pfn]! & PFN_MODIFIED) return -1;
    db.flags[pfn]! |= PFN_MODIFIED;
    const lo = db.originalPteLo[pfn]!;
    const hi = db.originalPteHi[pfn]!;
    if (hi !== 0 && !(lo & (PTE_PROTOTYPE | PTE_TRANSITION))) {
      this.freeSlot(hi);
      db.originalPteLo[pfn] = makeDemandZeroLo(pteProtection(lo));
      db.originalPteHi[pfn] = 0;
      return hi;
    }
    return -1;
  }

  // ---------------------------------------------------------------- the fault handler

  /**
   * MmAccessFault for a user-mode access to `vpn`: resolves the fault or throws the exception the
   * instruction would raise. Afterwards the page is valid (unless trimmed right away under pressure).
   */
  accessFault(process: AddressSpace, vpn: number, write: boolean, vad: Vad | null): void {
    const va = vpn * PAGE_SIZE;
    if (!vad) this.raise(process, va, write, STATUS_ACCESS_VIOLATION, 'noVad');
    if (vad.vadType === VadType.VadLargePages) {
      // Large pages are always valid; a fault here can only be a protection violation.
      if (!mmAllowsRead(vad.protection) || (write && !mmAllowsWrite(vad.protection))) this.raise(process, va, write, STATUS_ACCESS_VIOLATION, 'protection');
      return;
    }
    let present = this.locate(process, vpn, false);
    let lo = 0;
    let hi = 0;
    if (present) { lo = this.readLo(this.loc.table, this.loc.index); hi = this.readHi(this.loc.table, this.loc.index); }
    if (vad.view && !isPrivateViewPte(lo, hi, this)) { this.viewFault(process, vpn, write, vad, lo, hi); return; }
    // A zero PTE (or no page table yet) means "ask the VAD".
    let prot: number;
    if (lo === 0 && hi === 0) {
      if (!vad.memCommit) this.raise(process, va, write, STATUS_ACCESS_VIOLATION, 'reserved');
      prot = vad.protection;
    } else if (lo & PTE_VALID) {
      prot = pteProtection(this.pfn.originalPteLo[ptePfn(lo, hi, this.layout.hardwarePfnBits)]!);
    } else {
      prot = pteProtection(lo);
    }
    if (prot === MM_DECOMMIT) this.raise(process, va, write, STATUS_ACCESS_VIOLATION, 'decommitted');
    if (prot === MM_NOACCESS || !mmAllowsRead(prot)) this.raise(process, va, write, STATUS_ACCESS_VIOLATION, 'noAccess');
    if (mmIsGuard(prot)) {
      // The guard bit is cleared and the exception raised once; the next access faults normally.
      if (!present) { present = this.locate(process, vpn, true); }
      const t = this.loc.table;
      const i = this.loc.index;
      const clearedLo = lo === 0 && hi === 0 ? makeDemandZeroLo(prot & ~MM_GUARD_PAGE) : ((lo & ~(MM_GUARD_PAGE << PROTECTION_SHIFT)) >>> 0);
      this.writePte(process, vpn, t, i, clearedLo, hi);
      this.trace.step('fault.guardPage')?.n(process.pid).a(va).b(write).change('pte', process.pid, va);
      throw new NtException(STATUS_GUARD_PAGE_VIOLATION, BigInt(va), write);
    }
    if (write && !mmAllowsWrite(prot)) this.raise(process, va, write, STATUS_ACCESS_VIOLATION, 'readOnly');

    if (lo & PTE_VALID) { this.setAccessedDirty(process, vpn, write); return; }
    if (!present) this.locate(process, vpn, true);
    const table = this.loc.table;
    const index = this.loc.index;
    process.ws.pageFaultCount++;
    if (lo === 0 && hi === 0) this.resolveDemandZero(process, vpn, table, index, prot, write);
    else if (lo & PTE_TRANSITION) this.resolveTransition(process, vpn, table, index, lo, hi, write);
    else if (hi !== 0) this.resolvePageFile(process, vpn, table, index, lo, hi, write, vad);
    else this.resolveDemandZero(process, vpn, table, index, prot, write);
    this.afterFault(process, vpn);
  }

  /** Raises an access violation for a user access (records the step first). */
  raiseAccess(process: AddressSpace, va: number, write: boolean, reason: string): never {
    return this.raise(process, va, write, STATUS_ACCESS_VIOLATION, reason);
  }

  /** A fault on a view page that is shared through its prototype PTE (not a private copy). */
  private viewFault(process: AddressSpace, vpn: number, write: boolean, vad: Vad, lo: number, hi: number): void {
    if (lo & PTE_VALID) {
      const pfn = ptePfn(lo, hi, this.layout.hardwarePfnBits);
      const { protoIndex } = protoOfPfn(this, pfn);
      const wsi = process.ws.shared.get(vpn);
      const prot = viewPageProtection(this, vad, protoIndex, wsi === undefined ? 0 : process.ws.protection[wsi]!);
      if (write && !(lo & PTE_WRITE)) {
        if (!mmIsCopyOnWrite(prot)) this.raise(process, vpn * PAGE_SIZE, write, STATUS_ACCESS_VIOLATION, 'readOnly');
        const table = this.loc.table;
        const index = this.loc.index;
        copyOnWrite(this, process, vpn, table, index, pfn, prot, true);
        const { ca } = protoOfPfn(this, pfn);
        releaseIfUnmapped(this, ca, protoIndex, pfn);
        this.afterFault(process, vpn);
        return;
      }
      this.setAccessedDirty(process, vpn, write);
      return;
    }
    resolveProtoFault(this, process, vpn, write, vad, lo);
    this.afterFault(process, vpn);
  }

  private raise(process: AddressSpace, va: number, write: boolean, status: number, reason: string): never {
    const t = this.trace;
    t.step('fault.accessViolation')?.n(process.pid).a(va).b(write).s(reason).change('pte', process.pid, va).change('vad', process.pid, va);
    throw new NtException(status, BigInt(va), write);
  }

  /** A valid page was touched: set Accessed (and Dirty for a write), fill the TLB. */
  private setAccessedDirty(process: AddressSpace, vpn: number, write: boolean): void {
    const table = this.loc.table;
    const index = this.loc.index;
    let lo = this.readLo(table, index);
    const hi = this.readHi(table, index);
    const pfn = ptePfn(lo, hi, this.layout.hardwarePfnBits);
    lo |= PTE_ACCESSED;
    if (write && !(lo & PTE_DIRTY)) {
      lo |= PTE_DIRTY | PTE_DIRTY1;
      const released = this.markModified(pfn);
      this.noteWriteWatch(process, vpn);
      if (released >= 0) {
        const t = this.trace;
        t.step('fault.dirtyBit')?.n(process.pid).a2(vaLo(vpn), vaHi(vpn)).n(pfn).n(released).change('pfn', pfn).change('pageFile', released);
      }
    }
    this.writePte(process, vpn, table, index, lo >>> 0, hi);
  }

  private noteWriteWatch(process: AddressSpace, vpn: number): void {
    const vad = process.vads.find(vpn);
    if (vad && vad.writeWatch) vad.writeWatch.set(vpn - vad.startVpn);
  }

  /** MiResolveDemandZeroFault: a zeroed page (or a free page zeroed now) becomes the page. */
  private resolveDemandZero(process: AddressSpace, vpn: number, table: number, index: number, prot: number, write: boolean): void {
    const pfn = this.removeZeroPage();
    const from = this.lastFrom;
    const zeroedNow = this.lastZeroedNow;
    this.initActive(pfn, process.index, table, this.pteAddressLo(vpn), this.pteAddressHi(vpn), makeDemandZeroLo(prot), 0);
    // No copy exists anywhere else: the page is modified from the start.
    this.pfn.flags[pfn] = PFN_MODIFIED;
    const [lo, hi] = this.makeValid(process, vpn, table, index, pfn, prot, write, true);
    const t = this.trace;
    t.step('fault.demandZero')?.n(process.pid).a2(vaLo(vpn), vaHi(vpn)).b(write).n(pfn).n(from).b(zeroedNow).a2(lo, hi).change('pfn', pfn).change('pte', process.pid, vpn * PAGE_SIZE).change('wsle', process.pid, vpn * PAGE_SIZE);
  }

  /** MiResolveTransitionFault: the page is still on the standby or modified list; take it back. */
  private resolveTransition(process: AddressSpace, vpn: number, table: number, index: number, lo: number, hi: number, write: boolean): void {
    const db = this.pfn;
    const pfn = ptePfn(lo, hi, this.layout.transitionPfnBits);
    const from = db.location[pfn]!;
    db.unlink(pfn);
    db.location[pfn] = PageLocation.ActiveAndValid;
    db.shareCount[pfn] = 1;
    db.referenceCount[pfn] = 1;
    const prot = pteProtection(lo);
    db.originalPteLo[pfn] = ((db.originalPteLo[pfn]! & ~(0x1F << PROTECTION_SHIFT)) | (prot << PROTECTION_SHIFT)) >>> 0;
    const [nlo, nhi] = this.makeValid(process, vpn, table, index, pfn, prot, write, false);
    const t = this.trace;
    t.step('fault.transition')?.n(process.pid).a2(vaLo(vpn), vaHi(vpn)).b(write).n(pfn).n(from).a2(nlo, nhi).change('pfn', pfn).change('pte', process.pid, vpn * PAGE_SIZE).change('wsle', process.pid, vpn * PAGE_SIZE);
  }

  /** MiResolvePageFileFault: read the page (and a cluster of its neighbours) back from the paging file. */
  private resolvePageFile(process: AddressSpace, vpn: number, table: number, index: number, lo: number, hi: number, write: boolean, vad: Vad): void {
    const slot = hi;
    const prot = pteProtection(lo);
    const pfn = this.removeAnyPage();
    const from = this.lastFrom;
    this.phys.copyPageFrom(this.pageFile, slot, pfn);
    this.initActive(pfn, process.index, table, this.pteAddressLo(vpn), this.pteAddressHi(vpn), lo, hi);
    const [nlo, nhi] = this.makeValid(process, vpn, table, index, pfn, prot, write, true);
    // Clustering: neighbouring pages whose contents sit in adjacent slots are read in the same I/O
    // and put on the standby list, so touching them next is a soft fault.
    let cluster = 1;
    if (this.pfn.availableCount() > this.lowAvailable) {
      for (let d = 1; d < CLUSTER_MAX && cluster < CLUSTER_MAX; d++) {
        const j = index + d;
        const nvpn = vpn + d;
        if (j >= ENTRIES || nvpn > vad.endVpn) break;
        const jlo = this.readLo(table, j);
        const jhi = this.readHi(table, j);
        if ((jlo & (PTE_VALID | PTE_TRANSITION | PTE_PROTOTYPE)) || jhi !== slot + d || pageFileLow(jlo, this.layout) !== pageFileLow(lo, this.layout)) break;
        const p = this.removeAnyPage();
        this.phys.copyPageFrom(this.pageFile, jhi, p);
        this.initActive(p, process.index, table, this.pteAddressLo(nvpn), this.pteAddressHi(nvpn), jlo, jhi);
        this.pfn.shareCount[p] = 0;
        this.pfn.referenceCount[p] = 0;
        this.pfn.insertTail(LIST_STANDBY0 + NORMAL_PRIORITY, p, PageLocation.StandbyPageList);
        this.writeEntry(table, j, makeTransitionLo(p, pteProtection(jlo)), makeTransitionHi(p, this.layout));
        this.pfn.shareCount[table]!++;
        cluster++;
      }
    }
    const t = this.trace;
    t.step('fault.pageFile')?.n(process.pid).a2(vaLo(vpn), vaHi(vpn)).b(write).n(pfn).n(from).n(slot).n(cluster).a2(nlo, nhi).change('pfn', pfn).change('pte', process.pid, vpn * PAGE_SIZE).change('wsle', process.pid, vpn * PAGE_SIZE).change('pageFile', slot);
  }

  /** Makes the PTE valid for `pfn` and inserts the page in the working set (MiAddValidPageToWorkingSet). */
  private makeValid(process: AddressSpace, vpn: number, table: number, index: number, pfn: number, prot: number, write: boolean, newEntry: boolean): [number, number] {
    let lo = makeValidLo(pfn, prot, true) | PTE_ACCESSED;
    const hi = makeValidHi(pfn, prot);
    if (write) {
      lo |= PTE_DIRTY | PTE_DIRTY1;
      this.markModified(pfn);
      this.noteWriteWatch(process, vpn);
    }
    this.writePte(process, vpn, table, index, lo >>> 0, hi);
    if (newEntry) this.pfn.shareCount[table]!++;
    this.pfn.wsIndex[pfn] = process.ws.insert(vpn);
    return [lo >>> 0, hi];
  }

  /** Keeps the working set within its maximum when memory is not plentiful, and memory above the low mark. */
  afterFault(process: AddressSpace, vpn: number): void {
    if (this.trimming) return;
    const ws = process.ws;
    if (ws.count > ws.maximum && (ws.hardMaximum || this.pfn.availableCount() < this.plentyAvailable)) this.replaceOldest(process, vpn);
    if (this.pfn.availableCount() < this.lowAvailable) this.balanceSetManager(false);
  }

  /**
   * MiReplaceWorkingSetEntry: picks a victim with a second-chance clock over the working-set list —
   * an entry whose page was referenced since the hand last passed (Accessed set) gets the bit
   * cleared and is skipped once. Amortized O(1) per fault.
   */
  private replaceOldest(process: AddressSpace, keepVpn: number): void {
    const ws = process.ws;
    let victim = -1;
    for (let scanned = 0; scanned < 2 * ws.lastEntry + 1; scanned++) {
      if (ws.hand >= ws.lastEntry) ws.hand = 0;
      const i = ws.hand++;
      const v = ws.vpn[i]!;
      if (v < 0 || v === keepVpn) continue;
      if (this.locate(process, v, false)) {
        const lo = this.readLo(this.loc.table, this.loc.index);
        if (lo & PTE_ACCESSED) {
          this.writePte(process, v, this.loc.table, this.loc.index, (lo & ~PTE_ACCESSED) >>> 0, this.readHi(this.loc.table, this.loc.index));
          continue;
        }
      }
      victim = i;
      break;
    }
    if (victim < 0) return;
    const vpn = ws.vpn[victim]!;
    const [pfn, to] = this.trimEntry(process, victim);
    const t = this.trace;
    t.step('ws.replace')?.n(process.pid).a2(vaLo(vpn), vaHi(vpn)).n(pfn).n(to).change('wsle', process.pid, vpn * PAGE_SIZE).change('pfn', pfn);
  }

  // ---------------------------------------------------------------- translation for user accesses

  /**
   * Translates `vpn` for a user access, faulting as needed; returns the PFN and fills the TLB. The caller
   * checks the TLB first, so this is the miss path.
   */
  translate(process: AddressSpace, vpn: number, write: boolean): number {
    for (let attempt = 0; attempt < 4; attempt++) {
      if (this.locate(process, vpn, false)) {
        const table = this.loc.table;
        const index = this.loc.index;
        const lo = this.readLo(table, index);
        if (lo & PTE_VALID) {
          const hi = this.readHi(table, index);
          const pfn = ptePfn(lo, hi, this.layout.hardwarePfnBits);
          const writable = (lo & PTE_WRITE) !== 0;
          if (write && !writable) {
            // Copy-on-write, or a write to a read-only page: the fault handler decides.
            this.accessFault(process, vpn, write, process.vads.find(vpn));
            continue;
          }
          if (!(lo & PTE_ACCESSED) || (write && !(lo & PTE_DIRTY))) this.setAccessedDirty(process, vpn, write);
          const slot = vpn & (TLB_SIZE - 1);
          process.ownTlb();
          process.tlbVpn[slot] = vpn;
          process.tlbPfn[slot] = pfn;
          const dirty = (this.readLo(table, index) & PTE_DIRTY) !== 0;
          process.tlbFlags[slot] = TLB_READ | (writable && dirty && (lo & PTE_WRITE) ? TLB_WRITE : 0);
          return pfn;
        }
      } else if (this.largeLevel >= 0) {
        const vad = process.vads.find(vpn);
        if (!vad || !mmAllowsRead(vad.protection) || (write && !mmAllowsWrite(vad.protection))) break;
        const table = this.loc.table;
        const index = this.loc.index;
        const lo = this.readLo(table, index);
        const base = ptePfn(lo, this.readHi(table, index), this.layout.hardwarePfnBits);
        const span = this.largeLevel === LEVEL_PDE ? ENTRIES : ENTRIES * ENTRIES;
        const pfn = base + (vpn % span);
        if (write) { this.writeEntry(table, index, (lo | PTE_ACCESSED | PTE_DIRTY) >>> 0, this.readHi(table, index)); this.noteWriteWatch(process, vpn); }
        const slot = vpn & (TLB_SIZE - 1);
        process.ownTlb();
        process.tlbVpn[slot] = vpn;
        process.tlbPfn[slot] = pfn;
        process.tlbFlags[slot] = TLB_READ | (mmAllowsWrite(vad.protection) && write ? TLB_WRITE : 0);
        return pfn;
      }
      this.accessFault(process, vpn, write, process.vads.find(vpn));
    }
    // A write to a page that is valid but not writable.
    return this.raise(process, vpn * PAGE_SIZE, write, STATUS_ACCESS_VIOLATION, 'readOnly');
  }

  // ---------------------------------------------------------------- working sets

  /**
   * Removes working-set entry `index` from `process`: the PTE becomes a transition PTE and the page
   * goes to the modified list (dirty) or the standby list (clean). Returns [pfn, list].
   */
  trimEntry(process: AddressSpace, index: number): [number, number] {
    const ws = process.ws;
    const vpn = ws.vpn[index]!;
    this.locate(process, vpn, false);
    const table = this.loc.table;
    const pi = this.loc.index;
    const lo = this.readLo(table, pi);
    const hi = this.readHi(table, pi);
    const db = this.pfn;
    const pfn = ptePfn(lo, hi, this.layout.hardwarePfnBits);
    if (db.flags[pfn]! & PFN_PROTOTYPE_PTE) return [pfn, unmapSharedPte(this, process, vpn, table, pi, lo, hi, true)];
    if (lo & PTE_DIRTY) this.markModified(pfn);
    const prot = pteProtection(db.originalPteLo[pfn]!);
    this.writePte(process, vpn, table, pi, makeTransitionLo(pfn, prot), makeTransitionHi(pfn, this.layout));
    ws.remove(index);
    db.wsIndex[pfn] = -1;
    db.shareCount[pfn] = 0;
    db.referenceCount[pfn] = 0;
    if (db.flags[pfn]! & PFN_MODIFIED) {
      db.insertTail(LIST_MODIFIED, pfn, PageLocation.ModifiedPageList);
      return [pfn, PageLocation.ModifiedPageList];
    }
    db.insertTail(LIST_STANDBY0 + db.priority[pfn]!, pfn, PageLocation.StandbyPageList);
    return [pfn, PageLocation.StandbyPageList];
  }

  /** Trims up to `count` pages of `process`, oldest first; records one step. Returns pages trimmed. */
  trimWorkingSet(process: AddressSpace, count: number, reason: string): number {
    const order = process.ws.entriesOldestFirst();
    let toStandby = 0;
    let toModified = 0;
    const n = Math.min(count, order.length);
    for (let k = 0; k < n; k++) {
      const [, list] = this.trimEntry(process, order[k]!);
      if (list === PageLocation.ModifiedPageList) toModified++; else toStandby++;
    }
    if (n > 0) {
      const t = this.trace;
      t.step('ws.trim')?.n(process.pid).n(n).n(toStandby).n(toModified).s(reason).change('process', process.pid).change('pageList', LIST_MODIFIED);
    }
    return n;
  }

  /** Ages every working set entry: referenced pages (Accessed set) get age 0 and the bit cleared. */
  private ageWorkingSet(process: AddressSpace): void {
    const ws = process.ws;
    for (let i = 0; i < ws.lastEntry; i++) {
      const vpn = ws.vpn[i]!;
      if (vpn < 0) continue;
      if (!this.locate(process, vpn, false)) continue;
      const lo = this.readLo(this.loc.table, this.loc.index);
      if (lo & PTE_ACCESSED) {
        this.writePte(process, vpn, this.loc.table, this.loc.index, (lo & ~PTE_ACCESSED) >>> 0, this.readHi(this.loc.table, this.loc.index));
        ws.age[i] = 0;
      } else if (ws.age[i]! < 7) ws.age[i]!++;
    }
  }

  /**
   * The balance set manager's working-set pass (MmWorkingSetManager): ages working sets and trims those
   * above their minimum, oldest pages first, until available memory reaches the target.
   * With `force` it trims below the minimum too (memory is exhausted).
   */
  balanceSetManager(force: boolean): number {
    if (this.trimming) return 0;
    this.trimming = true;
    let trimmed = 0;
    let touched = 0;
    try {
      const live = this.processes.filter((p): p is AddressSpace => !!p && !p.exited);
      for (const p of live) this.ageWorkingSet(p);
      if (this.pfn.availableCount() < this.targetAvailable || force) {
        // Biggest working sets first, down to their minimum (or to nothing when forced).
        live.sort((a, b) => b.ws.count - a.ws.count || a.pid - b.pid);
        for (const p of live) {
          const need = this.targetAvailable - this.pfn.availableCount();
          if (need <= 0 && !force) break;
          const floor = force ? 0 : p.ws.minimum;
          const excess = p.ws.count - floor;
          if (excess <= 0) continue;
          const n = this.trimWorkingSet(p, force ? excess : Math.min(excess, need), 'balanceSetManager');
          trimmed += n;
          if (n) touched++;
          if (force && this.pfn.availableCount() + this.pfn.listCount[LIST_MODIFIED]! > 0) break;
        }
      }
    } finally {
      this.trimming = false;
    }
    const t = this.trace;
    t.step('thread.balanceSetManager')?.n(this.pfn.availableCount()).n(trimmed).n(touched).change('system');
    if (force && this.pfn.listCount[LIST_MODIFIED]! > 0 && this.config.pageFilePages > 0) this.modifiedPageWriter(Infinity);
    return trimmed;
  }

  // ---------------------------------------------------------------- system threads

  /** MiModifiedPageWriter: writes modified pages to the paging file; they move to the standby list. */
  modifiedPageWriter(limit: number): number {
    const db = this.pfn;
    const t = this.trace;
    if (this.config.pageFilePages === 0) {
      t.step('thread.modifiedPageWriterNoPagingFile')?.n(db.listCount[LIST_MODIFIED]!).change('pageList', LIST_MODIFIED);
      return 0;
    }
    let written = 0;
    let firstSlot = -1;
    let lastSlot = -2;
    let clusters = 0;
    let pfn = db.listHead[LIST_MODIFIED]!;
    while (written < limit && pfn >= 0) {
      const next = db.flink[pfn]!;
      // Mapped-file pages go back to their files (the mapped page writer), not to the paging file.
      if ((db.flags[pfn]! & PFN_PROTOTYPE_PTE) && (db.originalPteLo[pfn]! & PTE_PROTOTYPE)) { pfn = next; continue; }
      // A modified page holds no slot (markModified released it); should one still be named here, it is
      // released rather than overwritten, so the slot can never be lost.
      const staleHi = db.originalPteHi[pfn]!;
      if (staleHi !== 0 && !(db.originalPteLo[pfn]! & (PTE_PROTOTYPE | PTE_TRANSITION))) this.freeSlot(staleHi);
      const slot = this.allocateSlot();
      if (slot < 0) break;
      db.unlink(pfn);
      this.pageFile.copyPageFrom(this.phys, pfn, slot);
      const prot = pteProtection(db.originalPteLo[pfn]!);
      db.originalPteLo[pfn] = makePageFileLo(0, prot, this.layout);
      db.originalPteHi[pfn] = slot;
      db.flags[pfn]! &= ~PFN_MODIFIED;
      db.insertTail(LIST_STANDBY0 + db.priority[pfn]!, pfn, PageLocation.StandbyPageList);
      if (firstSlot < 0) firstSlot = slot;
      if (slot !== lastSlot + 1) clusters++;
      lastSlot = slot;
      written++;
      pfn = next;
    }
    const step = t.step('thread.modifiedPageWriter')?.n(written).n(firstSlot).n(clusters).change('pageList', LIST_MODIFIED);
    if (firstSlot >= 0) step?.change('pageFile', firstSlot);
    return written;
  }

  /** MiZeroPageThread: zeroes free pages and moves them to the zeroed list. */
  zeroPageThread(): number {
    const db = this.pfn;
    let n = 0;
    for (let pfn = db.removeHead(LIST_FREE); pfn >= 0; pfn = db.removeHead(LIST_FREE)) {
      this.phys.zeroPage(pfn);
      db.insertTail(LIST_ZEROED, pfn, PageLocation.ZeroedPageList);
      n++;
    }
    const t = this.trace;
    t.step('thread.zeroPage')?.n(n).change('pageList', LIST_ZEROED);
    return n;
  }

  /** Moves standby pages of priorities [0, maxPriority] to the free list, restoring their owners' PTEs. */
  purgeStandby(maxPriority: number): number {
    const db = this.pfn;
    let n = 0;
    for (let p = 0; p <= maxPriority; p++) {
      while (db.listCount[LIST_STANDBY0 + p]! > 0) {
        const pfn = db.listHead[LIST_STANDBY0 + p]!;
        db.unlink(pfn);
        this.restoreOwnerPte(pfn);
        this.freePage(pfn);
        n++;
      }
    }
    return n;
  }

  /** Puts an unreferenced page on the free list and forgets its owner. */
  freePage(pfn: number): void {
    const db = this.pfn;
    if (db.pteFrame[pfn] === pfn) this.pml4Owner.delete(pfn);
    db.shareCount[pfn] = 0;
    db.referenceCount[pfn] = 0;
    db.wsIndex[pfn] = -1;
    db.pteFrame[pfn] = -1;
    db.pteAddressLo[pfn] = 0;
    db.pteAddressHi[pfn] = 0;
    db.originalPteLo[pfn] = 0;
    db.originalPteHi[pfn] = 0;
    db.flags[pfn] = 0;
    db.priority[pfn] = NORMAL_PRIORITY;
    db.insertTail(LIST_FREE, pfn, PageLocation.FreePageList);
  }

  /**
   * Deletes the page behind a leaf PTE (decommit, release, teardown): a valid page leaves the working
   * set, a transition page leaves its list, a paging-file copy's slot is freed. The PTE is set to
   * (lo, hi). Returns true when the entry held anything.
   */
  deletePte(process: AddressSpace, vpn: number, table: number, index: number, newLo: number, newHi: number): void {
    const db = this.pfn;
    const lo = this.readLo(table, index);
    const hi = this.readHi(table, index);
    if ((lo & PTE_VALID) && (db.flags[ptePfn(lo, hi, this.layout.hardwarePfnBits)]! & PFN_PROTOTYPE_PTE)) {
      unmapSharedPte(this, process, vpn, table, index, lo, hi, false);
    } else if (lo & PTE_VALID) {
      const pfn = ptePfn(lo, hi, this.layout.hardwarePfnBits);
      if (!(db.flags[pfn]! & PFN_LARGE_PAGE)) {
        const wsi = db.wsIndex[pfn]!;
        if (wsi >= 0) process.ws.remove(wsi);
        this.releaseBacking(pfn);
        this.freePage(pfn);
        db.shareCount[table]!--;
      }
    } else if (lo & PTE_TRANSITION) {
      const pfn = ptePfn(lo, hi, this.layout.transitionPfnBits);
      db.unlink(pfn);
      this.releaseBacking(pfn);
      this.freePage(pfn);
      db.shareCount[table]!--;
    } else if (!(lo & PTE_PROTOTYPE) && hi !== 0) {
      this.freeSlot(hi);
    }
    this.writePte(process, vpn, table, index, newLo, newHi);
  }

  private releaseBacking(pfn: number): void {
    const lo = this.pfn.originalPteLo[pfn]!;
    const hi = this.pfn.originalPteHi[pfn]!;
    if (hi !== 0 && !(lo & (PTE_PROTOTYPE | PTE_TRANSITION))) this.freeSlot(hi);
  }

  /** Frees page tables of `process` that no longer map anything (after a release). O(page tables that exist). */
  freeEmptyPageTables(process: AddressSpace, startVpn: number, endVpn: number): void {
    const step = ENTRIES;
    for (let v = Math.floor(startVpn / step) * step; v <= endVpn;) {
      const absent = this.absentRunEnd(process, v);
      if (absent >= 0) { v = absent + 1; continue; }
      this.freeEmptyAt(process, v);
      v += step;
    }
  }

  // ---------------------------------------------------------------- ranges (O(paging structures), not O(pages))

  /**
   * The last VPN of the run around `vpn` that no paging structure maps: an absent PML4E covers 512 GB,
   * an absent PDPTE 1 GB, an absent PDE 2 MB, and every PTE below one would be zero. Returns -1 when a
   * page table (or a large page) maps `vpn`. This is what keeps reserved but untouched address space
   * free of cost, as on Windows, where only the VAD describes it (Windows Internals 7th ed., Part 1,
   * ch. 5, "Virtual address descriptors" and "Page tables and page table entries").
   */
  absentRunEnd(process: AddressSpace, vpn: number): number {
    let table = process.directoryTableBase;
    if (table < 0) return vpn;
    for (let level = LEVEL_PXE; level > LEVEL_PTE; level--) {
      const index = tableIndex(level, vpn);
      const lo = this.readLo(table, index);
      if (!(lo & PTE_VALID)) {
        const span = level === LEVEL_PXE ? ENTRIES * ENTRIES * ENTRIES : level === LEVEL_PPE ? ENTRIES * ENTRIES : ENTRIES;
        return Math.floor(vpn / span) * span + span - 1;
      }
      if (lo & PTE_LARGE_PAGE) return -1;
      table = ptePfn(lo, this.readHi(table, index), this.layout.hardwarePfnBits);
    }
    return -1;
  }

  /**
   * The state of `vpn` in `vad` (committed, MM protection) and the last VPN (<= `last`) of the run of
   * pages known to share it without looking at each: the whole range for large pages, a run of absent
   * paging structures for private memory (zero PTEs: the VAD decides). Otherwise the page alone.
   */
  pageRun(process: AddressSpace, vpn: number, vad: Vad, last: number): [committed: boolean, prot: number, runEnd: number] {
    if (vad.vadType === VadType.VadLargePages) return [true, vad.protection, last];
    if (!vad.view) {
      const absent = this.absentRunEnd(process, vpn);
      if (absent >= 0) return [vad.memCommit, vad.memCommit ? vad.protection : 0, Math.min(absent, last)];
    }
    const [committed, prot] = this.pageState(process, vpn, vad);
    return [committed, prot, vpn];
  }

  /** Committed pages of `vad` in [first, last]. O(page tables in the range), not O(pages). */
  countCommitted(process: AddressSpace, vad: Vad, first: number, last: number): number {
    let n = 0;
    for (let v = first; v <= last;) {
      const [committed, , end] = this.pageRun(process, v, vad, last);
      if (committed) n += end - v + 1;
      v = end + 1;
    }
    return n;
  }

  /**
   * Calls `fn` for every non-zero leaf PTE of `process` in [first, last], skipping absent paging
   * structures (and large-page entries, which have no leaf PTEs).
   */
  forEachPte(process: AddressSpace, first: number, last: number, fn: (vpn: number, lo: number, hi: number, table: number, index: number) => void): void {
    for (let v = first; v <= last;) {
      const absent = this.absentRunEnd(process, v);
      if (absent >= 0) { v = absent + 1; continue; }
      const tableEnd = Math.min(last, Math.floor(v / ENTRIES) * ENTRIES + ENTRIES - 1);
      if (!this.locate(process, v, false)) { v = tableEnd + 1; continue; }
      const table = this.loc.table;
      for (let u = v; u <= tableEnd; u++) {
        const index = u & 511;
        const lo = this.readLo(table, index);
        const hi = this.readHi(table, index);
        if (lo !== 0 || hi !== 0) fn(u, lo, hi, table, index);
      }
      v = tableEnd + 1;
    }
  }

  /**
   * Paging structures (PDPT, PD and PT pages) that writing the leaf PTEs of [first, last] would create:
   * what the commit charge must allow for before an allocation writes them. O(2 MB regions of the range).
   */
  missingPageTables(process: AddressSpace, first: number, last: number): number {
    let n = 0;
    let lastPdpt = -1;
    let lastPd = -1;
    for (let v = Math.floor(first / ENTRIES) * ENTRIES; v <= last; v += ENTRIES) {
      let table = process.directoryTableBase;
      let missing = -1;
      for (let level = LEVEL_PXE; level > LEVEL_PTE; level--) {
        const index = tableIndex(level, v);
        const lo = this.readLo(table, index);
        if (!(lo & PTE_VALID)) { missing = level; break; }
        if (lo & PTE_LARGE_PAGE) break;
        table = ptePfn(lo, this.readHi(table, index), this.layout.hardwarePfnBits);
      }
      if (missing < 0) continue;
      const pdpt = Math.floor(v / (ENTRIES * ENTRIES * ENTRIES));
      const pd = Math.floor(v / (ENTRIES * ENTRIES));
      if (missing === LEVEL_PXE && pdpt !== lastPdpt) { n++; lastPdpt = pdpt; }
      if (missing >= LEVEL_PPE && pd !== lastPd) { n++; lastPd = pd; }
      n++;
    }
    return n;
  }


  private freeEmptyAt(process: AddressSpace, vpn: number): void {
    // Walk down recording the chain, then free bottom-up while empty.
    const chain: Array<[table: number, index: number]> = [];
    let table = process.directoryTableBase;
    for (let level = LEVEL_PXE; level > LEVEL_PTE; level--) {
      const index = tableIndex(level, vpn);
      const lo = this.readLo(table, index);
      if (!(lo & PTE_VALID) || (lo & PTE_LARGE_PAGE)) return;
      chain.push([table, index]);
      table = ptePfn(lo, this.readHi(table, index), this.layout.hardwarePfnBits);
    }
    let child = table;
    for (let k = chain.length - 1; k >= 0; k--) {
      if (this.usedEntries[child] !== 0) break;
      const [parent, index] = chain[k]!;
      this.writeEntry(parent, index, 0, 0);
      this.pfn.shareCount[parent]!--;
      this.freePage(child);
      process.pageTablePages--;
      child = parent;
    }
    // The paging-structure cache may name a table freed here (the TLB holds nothing of it).
    if (child !== table) process.flushTlb();
  }

  /** Reads a leaf PTE (0,0 when no page table exists) without faulting. */
  peekPte(process: AddressSpace, vpn: number): [lo: number, hi: number, table: number, index: number] {
    if (!this.locate(process, vpn, false)) return [0, 0, -1, -1];
    return [this.readLo(this.loc.table, this.loc.index), this.readHi(this.loc.table, this.loc.index), this.loc.table, this.loc.index];
  }

  /** Whether the page at `vpn` is committed, and its MM protection (for VirtualQuery and friends). */
  pageState(process: AddressSpace, vpn: number, vad: Vad): [committed: boolean, prot: number] {
    if (vad.vadType === VadType.VadLargePages) return [true, vad.protection];
    const [lo, hi] = this.peekPte(process, vpn);
    if (vad.view && !isPrivateViewPte(lo, hi, this)) {
      const index = vad.view.firstProto + (vpn - vad.startVpn);
      if (!protoCommitted(vad.view.controlArea, index)) return [false, 0];
      let override = 0;
      if (lo & PTE_PROTOTYPE) override = pteProtection(lo);
      else if (lo & PTE_VALID) { const wsi = process.ws.shared.get(vpn); if (wsi !== undefined) override = process.ws.protection[wsi]!; }
      return [true, viewPageProtection(this, vad, index, override)];
    }
    if (lo === 0 && hi === 0) return [vad.memCommit, vad.memCommit ? vad.protection : 0];
    if (lo & PTE_VALID) return [true, pteProtection(this.pfn.originalPteLo[ptePfn(lo, hi, this.layout.hardwarePfnBits)]!)];
    const prot = pteProtection(lo);
    if (prot === MM_DECOMMIT && !(lo & PTE_TRANSITION) && hi === 0) return [false, 0];
    return [true, prot];
  }
}
