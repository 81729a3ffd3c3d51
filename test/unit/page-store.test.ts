// Page contents: copy-on-write sharing with snapshots, paging-file chunks let go when no slot in them
// is in use, and the bound on what snapshots alone keep alive during paging-heavy work.
import { describe, expect, it } from 'vitest';
import { createSystem, MEM_COMMIT, MEM_RESERVE, PAGE_READWRITE, type System } from '../../src/engine';
import { snapshotToDrop } from '../../src/engine/system';
import { PageStore } from '../../src/engine/mm/store';
import { machineOf } from '../../src/engine/testing';

/** The first two bytes at `va` in a (possibly past, read-only) state, from the PTE the walk ends at: no fault, nothing changed. */
function peek(sys: System, pid: number, va: bigint): number[] {
  const walk = sys.walkAddress(pid, va);
  const last = walk.levels[walk.levels.length - 1]!.decoded;
  const mm = machineOf(sys).mm;
  const out = new Uint8Array(2);
  if (last.kind === 'hardware' || last.kind === 'transition') mm.phys.read(last.fields.PageFrameNumber as number, Number(va & 0xFFFn), out, 0, 2);
  else if (last.kind === 'pageFile') mm.pageFile.read(last.fields.PageFileHigh as number, Number(va & 0xFFFn), out, 0, 2);
  else throw new Error(`page at ${va.toString(16)} is ${last.kind}`);
  return [...out];
}

const byte = (s: PageStore, page: number): number => { const b = new Uint8Array(1); s.read(page, 0, b, 0, 1); return b[0]!; };

describe('PageStore', () => {
  it('shares chunks with a copy until one side writes, and counts what the live side retired', () => {
    const live = new PageStore(64);
    live.write(3, 0, new Uint8Array([1]), 0, 1);
    const snap = live.clone();
    expect(live.retiredSharedBytes).toBe(0);
    live.write(3, 0, new Uint8Array([2]), 0, 1);
    expect(byte(live, 3)).toBe(2);
    expect(byte(snap, 3)).toBe(1);
    expect(live.retiredSharedBytes).toBeGreaterThan(0);
  });

  it('lets a chunk go once none of its claimed pages is in use; a copy keeps its contents', () => {
    const live = new PageStore(64);
    live.claim(0); live.claim(1);
    live.write(0, 0, new Uint8Array([5]), 0, 1);
    live.write(1, 0, new Uint8Array([6]), 0, 1);
    const before = live.allocatedBytes;
    const snap = live.clone();
    live.discard(0);
    expect(live.allocatedBytes).toBe(before); // page 1 still in use
    expect(byte(live, 1)).toBe(6);
    live.discard(1);
    expect(live.allocatedBytes).toBe(0);
    expect(live.retiredSharedBytes).toBe(before); // the copy shared it
    expect(byte(snap, 0)).toBe(5);
    expect(byte(snap, 1)).toBe(6);
    // Reused: a new chunk, zero where not written.
    live.claim(2);
    live.write(2, 0, new Uint8Array([9]), 0, 1);
    expect(byte(live, 2)).toBe(9);
    expect(byte(live, 1)).toBe(0);
    expect(byte(snap, 1)).toBe(6);
  });
});

describe('what snapshots hold', () => {
  it('counts chunk versions by comparing neighbours: held only by one state, or not by the next', () => {
    const live = new PageStore(64);
    live.write(0, 0, new Uint8Array([1]), 0, 1); // chunk 0
    live.write(20, 0, new Uint8Array([1]), 0, 1); // chunk 1
    const a = live.clone();
    live.write(0, 0, new Uint8Array([2]), 0, 1); // chunk 0 rewritten: a's version is a's alone
    const b = live.clone();
    live.write(20, 0, new Uint8Array([2]), 0, 1); // chunk 1 rewritten: a and b share the old one
    const chunk = 16 * 4096;
    expect(a.bytesNotIn(b)).toBe(chunk); // chunk 0
    expect(b.bytesNotIn(live)).toBe(chunk); // chunk 1
    expect(a.uniqueBytes(undefined, b)).toBe(chunk);
    expect(b.uniqueBytes(a, live)).toBe(0); // its chunk 0 is live's, its chunk 1 is a's too
    expect(() => live.discard(3)).toThrow(/not claimed/);
  });

  it('lets go the snapshot whose neighbours are closest, among those that free memory; never the first or the last', () => {
    expect(snapshotToDrop([0, 100, 150, 400, 500], [0, 10, 10, 10, 0])).toBe(1); // 0..150 is the narrowest stretch after a drop
    expect(snapshotToDrop([0, 100, 200, 300], [0, 0, 5, 0])).toBe(2); // only one frees anything
    expect(snapshotToDrop([0, 100, 200, 300], [0, 3, 5, 0])).toBe(2); // equal gaps: the one that frees more
    expect(snapshotToDrop([0, 100, 200], [0, 0, 0])).toBe(-1);
    expect(snapshotToDrop([0, 100], [0, 9])).toBe(-1);
  });
});

describe('PageStore reuse', () => {
  it('reuses a chunk only it held, cleared: pages never written read as zero', () => {
    const live = new PageStore(64);
    live.claim(0); live.claim(1);
    live.write(0, 0, new Uint8Array([5]), 0, 1);
    live.write(1, 0, new Uint8Array([6]), 0, 1);
    live.discard(0); live.discard(1);
    expect(live.allocatedBytes).toBe(0);
    expect(live.retiredSharedBytes).toBe(0); // nobody shared it
    live.claim(16);
    live.write(16, 1, new Uint8Array([7]), 0, 1);
    expect(live.allocatedBytes).toBeGreaterThan(0);
    expect(byte(live, 16)).toBe(0);
    expect(byte(live, 17)).toBe(0);
    expect(live.isZeroPage(17)).toBe(true);
  });
});

describe('paging-file contents and snapshots under paging-heavy work', () => {
  it('refuse a time-travel budget that is not a whole number of MB', () => {
    expect(() => createSystem({ boot: false, timeTravelMemoryMB: 0 })).toThrow(/timeTravelMemoryMB/);
    expect(() => createSystem({ boot: false, timeTravelMemoryMB: 1.5 })).toThrow(/timeTravelMemoryMB/);
  });

  it('keep the paging file\'s memory to the slots in use and bound what snapshots keep, while every past step stays reachable', () => {
    const BUDGET_MB = 128;
    const sys = createSystem({ boot: false, physicalMemoryMB: 16, pageFileMB: 256, timeTravelMemoryMB: BUDGET_MB });
    const { pid } = sys.createProcess({ imagePath: 'C:\\Windows\\System32\\notepad.exe' });
    const k = sys.win32(pid);
    const pages = 2 * 16 * 256;
    const base = k.VirtualAlloc(0n, BigInt(pages) * 4096n, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
    const afterRound: number[] = [];
    for (let round = 0; round < 4; round++) {
      for (let i = 0; i < pages; i++) k.WriteMemory(base + BigInt(i) * 4096n, new Uint8Array([round + 1, i & 0xFF]));
      afterRound.push(sys.stepCount - 1);
    }
    const internals = machineOf(sys);
    const pf = internals.mm.pageFile;
    // Slots moved on through the file four times over; only chunks with a slot in use hold memory.
    expect(pf.allocatedBytes).toBeLessThanOrEqual(Math.ceil(internals.mm.pageFileUsed / 16 + 1) * 16 * 4096 * 2);
    // Right after a snapshot, what only snapshots hold is within timeTravelMemoryMB (the work retired far more),
    // and the survivors are spread over the session rather than bunched at its end.
    internals.timeTravel!.takeSnapshot();
    const tt = sys.timeTravelMemory();
    expect(tt.budgetBytes).toBe(BUDGET_MB * 1024 * 1024);
    expect(tt.retainedBytes).toBeLessThanOrEqual(tt.budgetBytes);
    expect(tt.snapshots).toBeGreaterThan(2);
    expect(tt.widestGapSteps).toBeLessThan(sys.stepCount / 2);
    // Whatever was let go, each round's end still rebuilds with the contents it had (pages long since paged out and back).
    for (let round = 0; round < 4; round++) {
      const then = sys.stateAt(afterRound[round]!);
      expect(peek(then, pid, base + 5n * 4096n), `round ${round + 1}`).toEqual([round + 1, 5]);
      // (The last write's bytes land after its fault step, so look at the one before it.)
      expect(peek(then, pid, base + BigInt(pages - 2) * 4096n)).toEqual([round + 1, (pages - 2) & 0xFF]);
    }
  });
});
