// The memory manager's state and its paging structures: the PFN database and physical memory, the
// paging file, commit, and the page tables reached through the self-map (locate, MiGetPteAddress). The
// routines live along the kernel's seams: faults.ts (MmAccessFault and its resolvers), trim.ts (the
// working-set manager), writer.ts (the page writers and paging-file space), pageLists.ts (page
// allocation and the zero page thread), pageTables.ts (range walks, MiDeletePte). Windows Internals 7th
// ed., Part 1, ch. 5. The methods below that only call those routines keep the API other modules use.
import { PAGE_SIZE_N } from '../constants';
import { NtException } from '../errors';
import { STATUS_COMMITMENT_LIMIT, STATUS_NO_MEMORY } from '../constants';
import type { AddressSpace } from './addressSpace';
import { PDE_CACHE_SIZE } from './addressSpace';
import type { StepLog } from '../trace';
import { MmAccessFault, raiseAccess, translate } from './faults';
import { LEVEL_PTE, LEVEL_PXE, PAGE_SIZE, tableIndex, miGetPteAddress, vaHi, vaLo } from './geometry';
import {
  MiInitializePfn, MiInsertPageInFreeList, MiRemoveAnyPage, MiRemoveZeroPage, MiZeroPageThread, purgeStandby,
} from './pageLists';
import {
  absentRunEnd, countCommitted, forEachPte, freeEmptyPageTables, MiDeletePte, missingPageTables, pageRun, pageState,
  peekPte,
} from './pageTables';
import { LIST_ZEROED, PageLocation, PfnDatabase, PFN_PAGE_TABLE } from './pfn';
import { MM_READWRITE, PTE_ACCESSED, PTE_LARGE_PAGE, PTE_OWNER, PTE_VALID, PteLayout, makeDemandZeroLo, makeTableHi, makeTableLo, ptePfn } from './pte';
import { PageStore } from './store';
import { CompressionStore } from './compression';
import type { FileSystem } from '../io/fileSystem';
import { SectionRegistry } from './section';
import { MiTrimWorkingSet, MmWorkingSetManager, trimEntry } from './trim';
import type { SystemSpace } from './systemSpace';
import type { Vad } from './vad';
import { markModified, MiModifiedPageWriter, MiReleasePageFileSpace } from './writer';

export {
  ENTRIES, LEVEL_PDE, LEVEL_PPE, LEVEL_PTE, LEVEL_PXE, NORMAL_PRIORITY, PAGE_SIZE, miGetPteAddress, tableIndex, vaHi, vaLo,
} from './geometry';
const TWO_29 = 536870912;

export interface MmConfig {
  physicalPages: number;
  pageFilePages: number;
  pteBase: bigint;
  layout: PteLayout;
  /** Memory compression (the store manager) on; createSystem's memoryCompression option. */
  compression: boolean;
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
  /** Where the next paging-file slot search starts. */
  pageFileHint = 1;
  /** Non-zero entries per paging-structure page (UsedPageTableEntries), indexed by PFN. */
  usedEntries: Uint16Array;
  /** Pages charged to commit by the kernel itself (nonpaged and paged pool, system PTEs...). */
  systemCommit = 0;
  /** The system address space: pools, system PTEs, the system working set (systemSpace.ts); set at boot. */
  systemSpace: SystemSpace | undefined;
  /** Nonpaged pool pages: resident for good, so they come out of the resident available pages. */
  nonPagedPoolPages = 0;
  /** Control areas, segments and section objects. */
  sectionRegistry: SectionRegistry;
  /** The store manager's store (memory compression; compression.ts). */
  store: CompressionStore;
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
  /** The walk result of the last `locate` (read by the fault and range routines). */
  readonly loc: Location = { table: -1, index: -1 };
  /** The list the last MiRemoveZeroPage / MiRemoveAnyPage took its page from. */
  lastFrom = 0;
  /** The list the last removeZeroPage / removeAnyPage took its page from. */
  get lastFromList(): number { return this.lastFrom; }
  /** Whether the last MiRemoveZeroPage had to zero the page itself. */
  lastZeroedNow = false;
  /** Set while the store manager compresses a batch, so the faults it causes do not start another. */
  storeWriting = false;
  /** Set while the balance set manager runs, so a fault it causes does not start it again. */
  trimming = false;

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
      this.systemSpace = source.systemSpace?.clone();
      this.nonPagedPoolPages = source.nonPagedPoolPages;
      this.commitPeak = source.commitPeak;
      this.pagingStructurePages = source.pagingStructurePages;
      this.sectionRegistry = source.sectionRegistry.clone();
      this.store = source.store.clone();
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
    this.store = new CompressionStore(config.compression);
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
  writeEntry(table: number, index: number, lo: number, hi: number): void {
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
    // A referenced page: the next aging pass has work again (WorkingSet.settled).
    if (lo & PTE_ACCESSED) process.ws.settled = false;
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
  pteAddressLo(vpn: number): number { return ((vpn % TWO_29) * 8) >>> 0; }
  pteAddressHi(vpn: number): number { return this.pteBaseHi + Math.floor(vpn / TWO_29); }

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
    if (!this.canTakeResident(1)) throw new NtException(STATUS_NO_MEMORY, 0n, false);
    const pfn = MiRemoveZeroPage(this);
    MiInitializePfn(this, pfn, process.index, -1, 0, 0, makeDemandZeroLo(MM_READWRITE), 0);
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
    this.pagingStructurePages++;
    return pfn;
  }

  /**
   * Resident available pages (MmResidentAvailablePages in public symbols; "ResAvail Pages" in !vm): what
   * could still be made resident for good. Paging structures are never paged out here, so each one takes
   * a page from it; pageable memory needs the rest. One that would leave less than `minimumResident` is
   * refused with STATUS_NO_MEMORY, the way nonpageable allocations fail on Windows before RAM is full of
   * them (Windows Internals 7th ed., Part 1, ch. 5, "Page frame number database" and "Commit charge").
   */
  get residentAvailable(): number { return this.config.physicalPages - this.pagingStructurePages - this.nonPagedPoolPages; }
  /** Pages held by paging structures (PML4s included). */
  pagingStructurePages = 0;
  /** Resident available pages that paging structures may never take (kept for working sets). */
  get minimumResident(): number { return this.targetAvailable; }
  /** Whether `pages` more paging structures leave the resident minimum for pageable memory. */
  canTakeResident(pages: number): boolean { return this.residentAvailable - pages >= this.minimumResident; }

  /** Allocates a zeroed page for a PDPT, PD or PT (`level` of the new structure) and links it. */
  private allocatePagingStructure(process: AddressSpace, vpn: number, level: number, parent: number, parentIndex: number): number {
    // A page table is charged to commit when it is created (Windows Internals 7th ed., Part 1, ch. 5,
    // "Commit charge and the system commit limit": page tables are one of the charges); past the limit
    // the fault or allocation that needed it fails with STATUS_COMMITMENT_LIMIT.
    if (!this.canCharge(1)) throw new NtException(STATUS_COMMITMENT_LIMIT, BigInt(vpn) * PAGE_SIZE_N, false);
    if (!this.canTakeResident(1)) throw new NtException(STATUS_NO_MEMORY, BigInt(vpn) * PAGE_SIZE_N, false);
    const pfn = MiRemoveZeroPage(this);
    const from = this.lastFrom;
    const address = this.entryAddress(level + 1, vpn);
    MiInitializePfn(this, pfn, process.index, parent, Number(address & 0xFFFFFFFFn), Number(address >> 32n), makeDemandZeroLo(MM_READWRITE), 0);
    this.pfn.flags[pfn] = PFN_PAGE_TABLE;
    const lo = makeTableLo(pfn);
    const hi = makeTableHi(pfn);
    this.writeEntry(parent, parentIndex, lo, hi);
    this.pfn.shareCount[parent]!++;
    process.pageTablePages++;
    this.pagingStructurePages++;
    const t = this.trace;
    t.step('fault.pageTable')?.n(process.pid).a2(vaLo(vpn), vaHi(vpn)).n(level).n(pfn).n(from).a2(lo, hi).change('pfn', pfn).change('pte', process.pid, vpn * PAGE_SIZE);
    return pfn;
  }

  // ---------------------------------------------------------------- routines in their own modules

  /** MmAccessFault (faults.ts). */
  accessFault(process: AddressSpace, vpn: number, write: boolean, vad: Vad | null): void { MmAccessFault(this, process, vpn, write, vad); }
  /** Raises an access violation for a user access (faults.ts). */
  raiseAccess(process: AddressSpace, va: number, write: boolean, reason: string): never { return raiseAccess(this, process, va, write, reason); }
  /** The TLB-miss walk of a user access, faulting as needed (faults.ts). */
  translate(process: AddressSpace, vpn: number, write: boolean): number { return translate(this, process, vpn, write); }
  /** Removes one working-set entry (trim.ts). */
  trimEntry(process: AddressSpace, index: number): [number, number] { return trimEntry(this, process, index); }
  /** MiTrimWorkingSet (trim.ts). */
  trimWorkingSet(process: AddressSpace, count: number, reason: string): number { return MiTrimWorkingSet(this, process, count, reason); }
  /** MmWorkingSetManager, the balance set manager's working-set pass (trim.ts). */
  balanceSetManager(force: boolean): number { return MmWorkingSetManager(this, force); }
  /** MiModifiedPageWriter (writer.ts). */
  modifiedPageWriter(limit: number): number { return MiModifiedPageWriter(this, limit); }
  /** Marks a page modified, releasing a stale paging-file copy (writer.ts). */
  markModified(pfn: number): number { return markModified(this, pfn); }
  /** MiReleasePageFileSpace (writer.ts). */
  freeSlot(slot: number): void { MiReleasePageFileSpace(this, slot); }
  /** MiZeroPageThread (pageLists.ts). */
  zeroPageThread(): number { return MiZeroPageThread(this); }
  /** Moves standby pages of priorities [0, maxPriority] to the free list (pageLists.ts). */
  purgeStandby(maxPriority: number): number { return purgeStandby(this, maxPriority); }
  /** MiRemoveZeroPage (pageLists.ts). */
  removeZeroPage(): number { return MiRemoveZeroPage(this); }
  /** MiRemoveAnyPage (pageLists.ts). */
  removeAnyPage(): number { return MiRemoveAnyPage(this); }
  /** MiInsertPageInFreeList (pageLists.ts). */
  freePage(pfn: number): void { MiInsertPageInFreeList(this, pfn); }
  /** MiDeletePte (pageTables.ts). */
  deletePte(process: AddressSpace, vpn: number, table: number, index: number, newLo: number, newHi: number): void { MiDeletePte(this, process, vpn, table, index, newLo, newHi); }
  /** Frees emptied page tables in a range (pageTables.ts). */
  freeEmptyPageTables(process: AddressSpace, startVpn: number, endVpn: number): void { freeEmptyPageTables(this, process, startVpn, endVpn); }
  /** The last VPN of the run no paging structure maps, or -1 (pageTables.ts). */
  absentRunEnd(process: AddressSpace, vpn: number): number { return absentRunEnd(this, process, vpn); }
  /** A page's state and the run sharing it (pageTables.ts). */
  pageRun(process: AddressSpace, vpn: number, vad: Vad, last: number): [committed: boolean, prot: number, runEnd: number] { return pageRun(this, process, vpn, vad, last); }
  /** Committed pages of `vad` in [first, last] (pageTables.ts). */
  countCommitted(process: AddressSpace, vad: Vad, first: number, last: number): number { return countCommitted(this, process, vad, first, last); }
  /** Every non-zero leaf PTE in a range (pageTables.ts). */
  forEachPte(process: AddressSpace, first: number, last: number, fn: (vpn: number, lo: number, hi: number, table: number, index: number) => void): void { forEachPte(this, process, first, last, fn); }
  /** Paging structures writing a range's PTEs would create (pageTables.ts). */
  missingPageTables(process: AddressSpace, first: number, last: number): number { return missingPageTables(this, process, first, last); }
  /** Reads a leaf PTE without faulting (pageTables.ts). */
  peekPte(process: AddressSpace, vpn: number): [lo: number, hi: number, table: number, index: number] { return peekPte(this, process, vpn); }
  /** Whether a page is committed, and its MM protection (pageTables.ts). */
  pageState(process: AddressSpace, vpn: number, vad: Vad): [committed: boolean, prot: number] { return pageState(this, process, vpn, vad); }
}
