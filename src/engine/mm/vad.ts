// Virtual address descriptors: one per allocation (reservation or view), kept in an AVL tree ordered by
// StartingVpn, as the kernel's VadRoot is a balanced tree (RTL_AVL_TREE of MMVAD_SHORT nodes).
import type { ViewInfo } from './section';
import type { VpnRangeSet } from './rangeSet';
import type { WriteWatchBits } from './writeWatch';

/** MI_VAD_TYPE values. */
export enum VadType {
  VadNone = 0,
  VadDevicePhysicalMemory = 1,
  VadImageMap = 2,
  VadAwe = 3,
  VadWriteWatch = 4,
  VadLargePages = 5,
  VadRotatePhysical = 6,
  VadLargePageSection = 7,
}

/** An MMVAD: an allocation's VPN range, type and flags. */
export class Vad {
  left: Vad | null = null;
  right: Vad | null = null;
  height = 1;
  /**
   * Subtree summary for the free-range search (MiFindEmptyAddressRange): the lowest StartingVpn and
   * highest EndingVpn below this node, and the most pages that fit at a 64 KB-aligned start in a gap
   * between two VADs of the subtree. Kept by the tree's rotations; makes a search O(log n) instead of a
   * walk over every VAD (5,000 thread stacks made thread creation quadratic).
   */
  subLo: number;
  subHi: number;
  fit16 = 0;
  /** Write-watch bits, one per page, when VadType is VadWriteWatch. */
  writeWatch: WriteWatchBits | null = null;
  /** For large-page VADs: the physical runs backing the range, in order. */
  largeRuns: Array<{ basePfn: number; pages: number }> | null = null;
  /** For a mapped or image view: the control area and the first prototype PTE it maps. */
  view: ViewInfo | null = null;
  /** Pages passed to MEM_RESET and not yet to MEM_RESET_UNDO. */
  resetPages: VpnRangeSet | null = null;
  /**
   * A thread's user stack reservation (RtlCreateUserStack): the virtual address of that thread's TEB, whose
   * NtTib.StackLimit MiCheckForUserStackOverflow moves down each time the stack grows; 0 for any other VAD.
   */
  userStackTeb = 0;
  /** For a user stack: its current limit (the TEB's NtTib.StackLimit), lowered as the stack grows. */
  userStackLimit = 0;

  constructor(
    /** StartingVpn */
    public startVpn: number,
    /** EndingVpn (inclusive) */
    public endVpn: number,
    public vadType: VadType,
    /** u.VadFlags.Protection: the MM protection given at allocation time. */
    public protection: number,
    /** u.VadFlags.PrivateMemory */
    public privateMemory: boolean,
    /** u.VadFlags.MemCommit: committed when reserved (zero PTEs mean committed). */
    public memCommit: boolean,
    /** The Win32 protection passed when the region was allocated (AllocationProtect). */
    public allocationProtect: number,
  ) { this.subLo = startVpn; this.subHi = endVpn; }

  /** u.VadFlags.CommitCharge: pages charged to commit for this VAD. */
  commitCharge = 0;

  get pageCount(): number { return this.endVpn - this.startVpn + 1; }

  cloneNode(): Vad {
    const v = new Vad(this.startVpn, this.endVpn, this.vadType, this.protection, this.privateMemory, this.memCommit, this.allocationProtect);
    v.commitCharge = this.commitCharge;
    v.writeWatch = this.writeWatch ? this.writeWatch.clone() : null;
    v.largeRuns = this.largeRuns ? this.largeRuns.map((r) => ({ ...r })) : null;
    v.resetPages = this.resetPages ? this.resetPages.clone() : null;
    v.view = this.view ? { ...this.view } : null;
    v.userStackTeb = this.userStackTeb;
    v.userStackLimit = this.userStackLimit;
    return v;
  }
}

const h = (n: Vad | null): number => (n ? n.height : 0);
/** Pages available from the first 16-page-aligned VPN of the gap [first, last] (0 when none). */
const room16 = (first: number, last: number): number => Math.max(0, last + 1 - Math.ceil(first / 16) * 16);
function fix(n: Vad): void {
  const l = n.left;
  const r = n.right;
  n.height = Math.max(h(l), h(r)) + 1;
  n.subLo = l ? l.subLo : n.startVpn;
  n.subHi = r ? r.subHi : n.endVpn;
  let fit = 0;
  if (l) fit = Math.max(l.fit16, room16(l.subHi + 1, n.startVpn - 1));
  if (r) fit = Math.max(fit, r.fit16, room16(n.endVpn + 1, r.subLo - 1));
  n.fit16 = fit;
}
function rotateRight(n: Vad): Vad { const l = n.left!; n.left = l.right; l.right = n; fix(n); fix(l); return l; }
function rotateLeft(n: Vad): Vad { const r = n.right!; n.right = r.left; r.left = n; fix(n); fix(r); return r; }
function balance(n: Vad): Vad {
  fix(n);
  const b = h(n.left) - h(n.right);
  if (b > 1) {
    if (h(n.left!.left) < h(n.left!.right)) n.left = rotateLeft(n.left!);
    return rotateRight(n);
  }
  if (b < -1) {
    if (h(n.right!.right) < h(n.right!.left)) n.right = rotateRight(n.right!);
    return rotateLeft(n);
  }
  return n;
}

/** The VadRoot of a process. */
export class VadTree {
  root: Vad | null = null;
  count = 0;

  insert(vad: Vad): void {
    const ins = (n: Vad | null): Vad => {
      if (!n) { fix(vad); return vad; }
      if (vad.startVpn < n.startVpn) n.left = ins(n.left);
      else n.right = ins(n.right);
      return balance(n);
    };
    this.root = ins(this.root);
    this.count++;
  }

  remove(vad: Vad): void {
    const removeMin = (n: Vad): [Vad | null, Vad] => {
      if (!n.left) return [n.right, n];
      const [l, min] = removeMin(n.left);
      n.left = l;
      return [balance(n), min];
    };
    const rem = (n: Vad | null): Vad | null => {
      if (!n) return null;
      if (n === vad) {
        if (!n.left) return n.right;
        if (!n.right) return n.left;
        const [r, min] = removeMin(n.right);
        min.right = r;
        min.left = n.left;
        return balance(min);
      }
      if (vad.startVpn < n.startVpn) n.left = rem(n.left);
      else n.right = rem(n.right);
      return balance(n);
    };
    this.root = rem(this.root);
    this.count--;
    vad.left = vad.right = null;
    fix(vad);
  }

  /** The VAD containing `vpn`, or null (MiLocateAddress). */
  find(vpn: number): Vad | null {
    let n = this.root;
    while (n) {
      if (vpn < n.startVpn) n = n.left;
      else if (vpn > n.endVpn) n = n.right;
      else return n;
    }
    return null;
  }

  /** The first VAD whose range ends at or after `vpn`. */
  ceiling(vpn: number): Vad | null {
    let n = this.root;
    let best: Vad | null = null;
    while (n) {
      if (n.endVpn >= vpn) { best = n; n = n.left; } else n = n.right;
    }
    return best;
  }

  /** In-order traversal. */
  *[Symbol.iterator](): Generator<Vad> {
    const stack: Vad[] = [];
    let n = this.root;
    while (stack.length || n) {
      while (n) { stack.push(n); n = n.left; }
      n = stack.pop()!;
      yield n;
      n = n.right;
    }
  }

  toArray(): Vad[] { return [...this]; }

  clone(): VadTree {
    const t = new VadTree();
    const copy = (n: Vad | null): Vad | null => {
      if (!n) return null;
      const c = n.cloneNode();
      c.height = n.height;
      c.fit16 = n.fit16;
      c.left = copy(n.left);
      c.right = copy(n.right);
      c.subLo = n.subLo;
      c.subHi = n.subHi;
      return c;
    };
    t.root = copy(this.root);
    t.count = this.count;
    return t;
  }

  /**
   * Lowest (or, top-down, highest) free VPN range of `pages` pages aligned to `alignPages`, within
   * [lo, hi]: the first fit walking the VADs in address order, as MiFindEmptyAddressRange does. Subtrees
   * that end below the candidate are skipped, and, for 64 KB-multiple alignments, so are subtrees whose
   * gaps cannot hold the range (`fit16`): the candidate then moves past the whole subtree at once.
   */
  findFree(pages: number, alignPages: number, lo: number, hi: number, topDown: boolean): number {
    const prunable = alignPages % 16 === 0;
    let candidate: number;
    if (!topDown) {
      candidate = Math.ceil(lo / alignPages) * alignPages;
      // true once the candidate fits below the next VAD in address order.
      const up = (n: Vad | null): boolean => {
        if (!n || n.subHi < candidate) return false;
        if (n.subLo >= candidate + pages) return true;
        if (prunable && n.fit16 < pages) { candidate = Math.ceil((n.subHi + 1) / alignPages) * alignPages; return false; }
        if (up(n.left)) return true;
        if (n.endVpn >= candidate) {
          if (n.startVpn >= candidate + pages) return true;
          candidate = Math.ceil((n.endVpn + 1) / alignPages) * alignPages;
        }
        return up(n.right);
      };
      up(this.root);
      return candidate + pages - 1 <= hi ? candidate : -1;
    }
    candidate = Math.floor((hi - pages + 1) / alignPages) * alignPages;
    // true once the candidate fits above the next VAD in descending address order.
    const down = (n: Vad | null): boolean => {
      if (!n || n.subLo > candidate + pages - 1) return false;
      if (n.subHi < candidate) return true;
      if (prunable && n.fit16 < pages) { candidate = Math.floor((n.subLo - pages) / alignPages) * alignPages; return false; }
      if (down(n.right)) return true;
      if (n.startVpn <= candidate + pages - 1) {
        if (n.endVpn < candidate) return true;
        candidate = Math.floor((n.startVpn - pages) / alignPages) * alignPages;
      }
      return down(n.left);
    };
    down(this.root);
    return candidate >= lo ? candidate : -1;
  }
}
