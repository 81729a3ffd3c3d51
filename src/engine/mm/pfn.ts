// The PFN database: one MMPFN-like entry per physical page, held column-wise in typed arrays, and the
// page lists (MMPFNLIST) as doubly linked lists threaded through Flink/Blink so every move is O(1).

/** MMLISTS / PageLocation values, as the kernel numbers them. */
export enum PageLocation {
  ZeroedPageList = 0,
  FreePageList = 1,
  StandbyPageList = 2,
  ModifiedPageList = 3,
  ModifiedNoWritePageList = 4,
  BadPageList = 5,
  ActiveAndValid = 6,
  TransitionPage = 7,
}

// The page-state names are the engine's vocabulary (one list, which the wire protocol derives from too).
export { PAGE_STATE_NAMES, type PageStateName } from '../vocabulary';

// MMPFN flags (e1).
export const PFN_MODIFIED = 0x1;
export const PFN_READ_IN_PROGRESS = 0x2;
export const PFN_WRITE_IN_PROGRESS = 0x4;
export const PFN_PROTOTYPE_PTE = 0x8;
/** Page is part of a large page (non-pageable, never on the working set list). */
export const PFN_LARGE_PAGE = 0x10;
/** The page holds a paging structure (PML4, PDPT, PD or PT). */
export const PFN_PAGE_TABLE = 0x20;
/** MEM_RESET: contents need not be preserved. */
export const PFN_RESET = 0x40;

const NIL = -1;
// List heads: zeroed, free, standby 0..7, modified, modified-no-write, bad (one table, in the vocabulary).
export { LIST_BAD, LIST_FREE, LIST_MODIFIED, LIST_MODIFIED_NOWRITE, LIST_STANDBY0, LIST_ZEROED } from '../vocabulary';
import { LIST_BAD, LIST_COUNT, LIST_FREE, LIST_MODIFIED, LIST_MODIFIED_NOWRITE, LIST_STANDBY0, LIST_ZEROED, STANDBY_PRIORITY_COUNT } from '../vocabulary';

export function listOfLocation(location: number, priority: number): number {
  switch (location) {
    case PageLocation.ZeroedPageList: return LIST_ZEROED;
    case PageLocation.FreePageList: return LIST_FREE;
    case PageLocation.StandbyPageList: return LIST_STANDBY0 + priority;
    case PageLocation.ModifiedPageList: return LIST_MODIFIED;
    case PageLocation.ModifiedNoWritePageList: return LIST_MODIFIED_NOWRITE;
    case PageLocation.BadPageList: return LIST_BAD;
    default: return NIL;
  }
}

/** Column-wise MMPFN array. Field names follow the MMPFN members they model. */
export class PfnDatabase {
  readonly location: Uint8Array;
  readonly flink: Int32Array;
  readonly blink: Int32Array;
  readonly shareCount: Uint32Array;
  readonly referenceCount: Uint16Array;
  /** PteAddress: the virtual address of the PTE that maps this page (lo/hi halves). */
  readonly pteAddressLo: Uint32Array;
  readonly pteAddressHi: Uint32Array;
  /** OriginalPte: the invalid PTE to restore when the page leaves memory (lo/hi halves). */
  readonly originalPteLo: Uint32Array;
  readonly originalPteHi: Uint32Array;
  /** u4.PteFrame: the page-table page holding the PTE (for a private page) or -1. */
  readonly pteFrame: Int32Array;
  /** Working-set list index (u1.WsIndex) while active in a working set, else -1. */
  readonly wsIndex: Int32Array;
  readonly priority: Uint8Array;
  readonly flags: Uint8Array;
  readonly listHead: Int32Array;
  readonly listTail: Int32Array;
  readonly listCount: Int32Array;
  /** Pages ever taken from each standby priority by repurposing (RepurposedPagesByPriority). */
  readonly repurposed: Float64Array;

  constructor(readonly pageCount: number, source?: PfnDatabase) {
    const n = pageCount;
    if (source) {
      this.location = source.location.slice();
      this.flink = source.flink.slice();
      this.blink = source.blink.slice();
      this.shareCount = source.shareCount.slice();
      this.referenceCount = source.referenceCount.slice();
      this.pteAddressLo = source.pteAddressLo.slice();
      this.pteAddressHi = source.pteAddressHi.slice();
      this.originalPteLo = source.originalPteLo.slice();
      this.originalPteHi = source.originalPteHi.slice();
      this.pteFrame = source.pteFrame.slice();
      this.wsIndex = source.wsIndex.slice();
      this.priority = source.priority.slice();
      this.flags = source.flags.slice();
      this.listHead = source.listHead.slice();
      this.listTail = source.listTail.slice();
      this.listCount = source.listCount.slice();
      this.repurposed = source.repurposed.slice();
      return;
    }
    this.location = new Uint8Array(n);
    this.flink = new Int32Array(n).fill(NIL);
    this.blink = new Int32Array(n).fill(NIL);
    this.shareCount = new Uint32Array(n);
    this.referenceCount = new Uint16Array(n);
    this.pteAddressLo = new Uint32Array(n);
    this.pteAddressHi = new Uint32Array(n);
    this.originalPteLo = new Uint32Array(n);
    this.originalPteHi = new Uint32Array(n);
    this.pteFrame = new Int32Array(n).fill(NIL);
    this.wsIndex = new Int32Array(n).fill(NIL);
    this.priority = new Uint8Array(n);
    this.flags = new Uint8Array(n);
    this.listHead = new Int32Array(LIST_COUNT).fill(NIL);
    this.listTail = new Int32Array(LIST_COUNT).fill(NIL);
    this.listCount = new Int32Array(LIST_COUNT);
    this.repurposed = new Float64Array(8);
  }

  clone(): PfnDatabase {
    return new PfnDatabase(this.pageCount, this);
  }

  /** Bytes the database uses per physical page (for the memory benchmark). */
  static get bytesPerPage(): number {
    return 1 + 4 + 4 + 4 + 2 + 4 + 4 + 4 + 4 + 4 + 4 + 1 + 1;
  }

  /** Appends `pfn` at the tail of list `list` (FIFO: oldest at the head) and sets its location. */
  insertTail(list: number, pfn: number, location: number): void {
    const tail = this.listTail[list]!;
    this.flink[pfn] = NIL;
    this.blink[pfn] = tail;
    if (tail === NIL) this.listHead[list] = pfn;
    else this.flink[tail] = pfn;
    this.listTail[list] = pfn;
    this.listCount[list]!++;
    this.location[pfn] = location;
  }

  /** Unlinks `pfn` from whatever list it is on (it must be on one). */
  unlink(pfn: number): void {
    const list = listOfLocation(this.location[pfn]!, this.priority[pfn]!);
    const f = this.flink[pfn]!;
    const b = this.blink[pfn]!;
    if (b === NIL) this.listHead[list] = f;
    else this.flink[b] = f;
    if (f === NIL) this.listTail[list] = b;
    else this.blink[f] = b;
    this.flink[pfn] = NIL;
    this.blink[pfn] = NIL;
    this.listCount[list]!--;
  }

  /** Removes and returns the head of `list`, or -1. */
  removeHead(list: number): number {
    const pfn = this.listHead[list]!;
    if (pfn !== NIL) this.unlink(pfn);
    return pfn;
  }

  isOnList(pfn: number): boolean {
    return this.location[pfn]! < PageLocation.ActiveAndValid;
  }

  standbyCount(): number {
    let n = 0;
    for (let p = 0; p < STANDBY_PRIORITY_COUNT; p++) n += this.listCount[LIST_STANDBY0 + p]!;
    return n;
  }

  availableCount(): number {
    return this.listCount[LIST_ZEROED]! + this.listCount[LIST_FREE]! + this.standbyCount();
  }
}
