/**
 * The VAD tree's free-range search (MiFindEmptyAddressRange) with subtree summaries gives exactly the
 * first fit a walk over every VAD in address order gives, bottom-up and top-down, for any alignment,
 * after any sequence of inserts and removes (rotations keep the summaries) and in clones.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Vad, VadTree, VadType } from '../../src/engine/mm/vad';

/** The first fit by a plain walk over the VADs in order (the reference). */
function firstFitByWalk(vads: Vad[], pages: number, align: number, lo: number, hi: number, topDown: boolean): number {
  if (!topDown) {
    let c = Math.ceil(lo / align) * align;
    for (const v of vads) {
      if (v.endVpn < c) continue;
      if (v.startVpn >= c + pages) break;
      c = Math.ceil((v.endVpn + 1) / align) * align;
    }
    return c + pages - 1 <= hi ? c : -1;
  }
  let c = Math.floor((hi - pages + 1) / align) * align;
  for (let i = vads.length - 1; i >= 0; i--) {
    const v = vads[i]!;
    if (v.startVpn > c + pages - 1) continue;
    if (v.endVpn < c) break;
    c = Math.floor((v.startVpn - pages) / align) * align;
  }
  return c >= lo ? c : -1;
}

const SPACE = 1024; // VPNs 16..1023: small enough that gaps of every kind occur

describe('VadTree.findFree', () => {
  it('equals the first fit of a walk over every VAD, after inserts and removes, and in a clone', () => {
    fc.assert(fc.property(
      fc.array(fc.record({ start: fc.oneof(fc.integer({ min: 1, max: SPACE / 16 - 1 }).map((x) => x * 16), fc.integer({ min: 16, max: SPACE - 1 })), len: fc.integer({ min: 1, max: 24 }), remove: fc.integer({ min: 0, max: 3 }) }), { maxLength: 120 }),
      fc.array(fc.record({ pages: fc.integer({ min: 1, max: 40 }), align: fc.constantFrom(1, 16, 32, 512), lo: fc.integer({ min: 0, max: SPACE }), span: fc.integer({ min: 0, max: SPACE }), topDown: fc.boolean() }), { minLength: 1, maxLength: 20 }),
      (allocs, queries) => {
        const tree = new VadTree();
        const live: Vad[] = [];
        for (const a of allocs) {
          const end = Math.min(SPACE - 1, a.start + a.len - 1);
          if (live.some((v) => v.startVpn <= end && a.start <= v.endVpn)) continue;
          const vad = new Vad(a.start, end, VadType.VadNone, 4, true, false, 4);
          tree.insert(vad);
          live.push(vad);
          if (a.remove === 0 && live.length > 1) { const victim = live.splice(a.start % live.length, 1)[0]!; tree.remove(victim); }
        }
        const ordered = tree.toArray();
        const copy = tree.clone();
        for (const q of queries) {
          const hi = Math.min(SPACE - 1, q.lo + q.span);
          const want = firstFitByWalk(ordered, q.pages, q.align, q.lo, hi, q.topDown);
          expect(tree.findFree(q.pages, q.align, q.lo, hi, q.topDown)).toBe(want);
          expect(copy.findFree(q.pages, q.align, q.lo, hi, q.topDown)).toBe(want);
        }
      },
    ), { numRuns: 600 });
  });

  it('finds a gap exactly the size asked for among 64 KB slots that hold 2-page VADs (TEB-like)', () => {
    const tree = new VadTree();
    const vads: Vad[] = [];
    for (let k = 1; k <= 200; k++) { const v = new Vad(16 * k, 16 * k + 1, VadType.VadNone, 4, true, true, 4); tree.insert(v); vads.push(v); }
    // Every slot is taken (14 free pages after each VAD, none at a 16-page boundary) until one VAD goes.
    expect(tree.findFree(16, 16, 16, 100_000, false)).toBe(16 * 201);
    tree.remove(vads[99]!); // the VAD at 16 * 100
    expect(tree.findFree(16, 16, 16, 100_000, false)).toBe(16 * 100);
    expect(tree.findFree(17, 16, 16, 100_000, false)).toBe(16 * 201);
    expect(tree.findFree(16, 16, 16, 16 * 201 - 1, true)).toBe(16 * 100);
    expect(tree.clone().findFree(16, 16, 16, 100_000, false)).toBe(16 * 100);
  });
});
