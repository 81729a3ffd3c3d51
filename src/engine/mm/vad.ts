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
  /** Write-watch bits, one per page, when VadType is VadWriteWatch. */
  writeWatch: WriteWatchBits | null = null;
  /** For large-page VADs: the physical runs backing the range, in order. */
  largeRuns: Array<{ basePfn: number; pages: number }> | null = null;
  /** For a mapped or image view: the control area and the first prototype PTE it maps. */
  view: ViewInfo | null = null;
  /** Pages passed to MEM_RESET and not yet to MEM_RESET_UNDO. */
  resetPages: VpnRangeSet | null = null;

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
  ) {}

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
    return v;
  }
}

const h = (n: Vad | null): number => (n ? n.height : 0);
function fix(n: Vad): void { n.height = Math.max(h(n.left), h(n.right)) + 1; }
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
      if (!n) return vad;
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
    vad.height = 1;
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
      c.left = copy(n.left);
      c.right = copy(n.right);
      return c;
    };
    t.root = copy(this.root);
    t.count = this.count;
    return t;
  }

  /** Lowest free VPN range of `pages` pages aligned to `alignPages`, within [lo, hi], bottom-up or top-down. */
  findFree(pages: number, alignPages: number, lo: number, hi: number, topDown: boolean): number {
    const vads = this.toArray();
    if (!topDown) {
      let candidate = Math.ceil(lo / alignPages) * alignPages;
      for (const v of vads) {
        if (v.endVpn < candidate) continue;
        if (v.startVpn >= candidate + pages) break;
        candidate = Math.ceil((v.endVpn + 1) / alignPages) * alignPages;
      }
      return candidate + pages - 1 <= hi ? candidate : -1;
    }
    let candidate = Math.floor((hi - pages + 1) / alignPages) * alignPages;
    for (let i = vads.length - 1; i >= 0; i--) {
      const v = vads[i]!;
      if (v.startVpn > candidate + pages - 1) continue;
      if (v.endVpn < candidate) break;
      candidate = Math.floor((v.startVpn - pages) / alignPages) * alignPages;
    }
    return candidate >= lo ? candidate : -1;
  }
}
