// A process working set (MMSUPPORT + MMWSL): the list of working-set list entries (WSLE), each a
// resident virtual page with an age the balance set manager raises while the page goes unreferenced.

/** Default minimum and maximum working set sizes in pages (200 KB and 1,380 KB). */
export const DEFAULT_WS_MINIMUM = 50;
export const DEFAULT_WS_MAXIMUM = 345;
const FREE = -1;

/** The arrays of a working set that has never held a page (shared: nothing writes into a zero-length array). */
const NO_VPNS = new Float64Array(0);
const NO_BYTES = new Uint8Array(0);

export class WorkingSet {
  /** WSLE.VirtualPageNumber per entry, -1 when the entry is free. */
  vpn: Float64Array;
  /** WSLE.Age (0..7). */
  age: Uint8Array;
  /** WSLE.Protection: a per-page protection set by VirtualProtect on a shared page (0 = the view's). */
  protection: Uint8Array;
  /**
   * WSLE.LockedInWs: 1 while the page is locked in the working set by VirtualLock (Windows Internals 7th
   * ed., Part 1, ch. 5, "Locking memory"; the name is _MMWSLENTRY.LockedInWs of older public symbols, not yet checked against a 19041 symbol file).
   * A locked entry is never trimmed or replaced; removing the entry (decommit, release, unmap) unlocks it.
   */
  locked: Uint8Array;
  /** Entries with LockedInWs set (the pages VirtualLock holds, charged against the working-set minimum). */
  lockedCount = 0;
  /**
   * Shared (prototype-PTE) pages: virtual page -> WSLE index. A private page's index is in its PFN
   * (u1.WsIndex); a shared page has one PFN for many working sets, so the index lives here.
   */
  shared = new Map<number, number>();
  /** Free entries are chained through their vpn slot (-2 - next), as free WSLEs are in MMWSL. */
  private freeHead = -1;
  /** Entries in use (WorkingSetSize). */
  count = 0;
  /** Highest entry index ever used + 1 (LastEntry). */
  lastEntry = 0;
  minimum = DEFAULT_WS_MINIMUM;
  maximum = DEFAULT_WS_MAXIMUM;
  peak = 0;
  pageFaultCount = 0;
  /** The replacement clock hand (NextSlot). */
  hand = 0;
  /** The maximum is hard (QUOTA_LIMITS_HARDWS_MAX_ENABLE, or a job's working-set limit): never exceeded. */
  hardMaximum = false;
  /**
   * Set by an aging pass (trim.ts MiAgeWorkingSet) that left every entry at the oldest age with its
   * Accessed bit clear; cleared by any insert or remove and by any PTE write of this process that sets
   * Accessed (MemoryManager.writePte). While set, another pass would change nothing, so it is skipped:
   * a bookkeeping shortcut of the simulation, not a kernel field (never copied: a clone starts unset).
   */
  settled = false;

  /** A working set with room for `capacity` entries; 0 allocates nothing until the first insert. */
  constructor(capacity = 64) {
    if (capacity === 0) { this.vpn = NO_VPNS; this.age = NO_BYTES; this.protection = NO_BYTES; this.locked = NO_BYTES; return; }
    this.vpn = new Float64Array(capacity).fill(FREE);
    this.age = new Uint8Array(capacity);
    this.protection = new Uint8Array(capacity);
    this.locked = new Uint8Array(capacity);
  }

  /** Bytes per entry (for the memory benchmark). */
  static readonly bytesPerEntry = 8 + 1 + 1 + 1;

  /** Adds `vpn`, returning its WSLE index (MiAllocateWsle). */
  insert(vpn: number): number {
    let index: number;
    if (this.freeHead >= 0) {
      index = this.freeHead;
      this.freeHead = -2 - this.vpn[index]!;
    } else {
      if (this.lastEntry >= this.vpn.length) this.grow();
      index = this.lastEntry++;
    }
    this.vpn[index] = vpn;
    this.age[index] = 0;
    this.protection[index] = 0;
    this.settled = false;
    this.count++;
    if (this.count > this.peak) this.peak = this.count;
    return index;
  }

  remove(index: number): void {
    if (this.locked[index]) { this.locked[index] = 0; this.lockedCount--; }
    this.vpn[index] = -2 - this.freeHead;
    this.age[index] = 0;
    this.settled = false;
    this.freeHead = index;
    this.count--;
  }

  /** Indices of entries in use, oldest first (highest age first, then lowest index): a counting sort over the 8 ages. */
  entriesOldestFirst(): number[] {
    const buckets: number[][] = [[], [], [], [], [], [], [], []];
    // Locked entries (LockedInWs) are not candidates: trimming skips them.
    for (let i = 0; i < this.lastEntry; i++) if (this.vpn[i]! >= 0 && !this.locked[i]) buckets[this.age[i]!]!.push(i);
    const list: number[] = [];
    for (let a = 7; a >= 0; a--) for (const i of buckets[a]!) list.push(i);
    return list;
  }

  private grow(): void {
    const n = Math.max(64, this.vpn.length * 2);
    const v = new Float64Array(n).fill(FREE); v.set(this.vpn); this.vpn = v;
    const a = new Uint8Array(n); a.set(this.age); this.age = a;
    const pr = new Uint8Array(n); pr.set(this.protection); this.protection = pr;
    const l = new Uint8Array(n); l.set(this.locked); this.locked = l;
  }

  clone(): WorkingSet {
    const w = new WorkingSet(0);
    w.vpn = this.vpn.slice();
    w.age = this.age.slice();
    w.protection = this.protection.slice();
    w.locked = this.locked.slice();
    w.lockedCount = this.lockedCount;
    w.shared = new Map(this.shared);
    w.freeHead = this.freeHead;
    w.count = this.count;
    w.lastEntry = this.lastEntry;
    w.minimum = this.minimum;
    w.maximum = this.maximum;
    w.peak = this.peak;
    w.pageFaultCount = this.pageFaultCount;
    w.hand = this.hand;
    w.hardMaximum = this.hardMaximum;
    return w;
  }
}
