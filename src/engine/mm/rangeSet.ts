// A set of VPNs kept as sorted, disjoint, non-adjacent inclusive ranges, so marking a whole reservation
// (MEM_RESET over a terabyte) costs O(ranges), not O(pages). Used for a VAD's reset pages.

export class VpnRangeSet {
  private starts: number[] = [];
  private ends: number[] = [];

  get rangeCount(): number { return this.starts.length; }

  /** Adds [first, last]. */
  add(first: number, last: number): void {
    const s: number[] = [];
    const e: number[] = [];
    let a = first;
    let b = last;
    let placed = false;
    for (let i = 0; i < this.starts.length; i++) {
      const rs = this.starts[i]!;
      const re = this.ends[i]!;
      if (re < a - 1) { s.push(rs); e.push(re); continue; }
      if (rs > b + 1) {
        if (!placed) { s.push(a); e.push(b); placed = true; }
        s.push(rs); e.push(re);
        continue;
      }
      a = Math.min(a, rs);
      b = Math.max(b, re);
    }
    if (!placed) { s.push(a); e.push(b); }
    this.starts = s;
    this.ends = e;
  }

  /** Removes [first, last]. */
  delete(first: number, last: number): void {
    const s: number[] = [];
    const e: number[] = [];
    for (let i = 0; i < this.starts.length; i++) {
      const rs = this.starts[i]!;
      const re = this.ends[i]!;
      if (re < first || rs > last) { s.push(rs); e.push(re); continue; }
      if (rs < first) { s.push(rs); e.push(first - 1); }
      if (re > last) { s.push(last + 1); e.push(re); }
    }
    this.starts = s;
    this.ends = e;
  }

  /** Whether any VPN of [first, last] is in the set. */
  intersects(first: number, last: number): boolean {
    for (let i = 0; i < this.starts.length; i++) if (this.starts[i]! <= last && this.ends[i]! >= first) return true;
    return false;
  }

  has(vpn: number): boolean { return this.intersects(vpn, vpn); }

  clone(): VpnRangeSet {
    const c = new VpnRangeSet();
    c.starts = this.starts.slice();
    c.ends = this.ends.slice();
    return c;
  }
}
