// Stepping through time (issue 17): the learner moves the cursor one step at a time, back and forth
// across operations. stateAt keeps the machine at the boundary before the cursor's operation, and a
// state that is exactly a kept machine or a snapshot shares it instead of copying it. These tests check
// that what stepping returns equals states computed independently (a reloaded session visited in
// another order, and fresh replays at operation boundaries), that the machines it keeps and shares are
// never changed by later requests or by a past state's Win32 API, and that they count against the budget.
import { describe, expect, it } from 'vitest';
import { createSystem, MEM_COMMIT, MEM_RESERVE, PAGE_READWRITE, restoreSession, serializeSession, type System } from '../../src/engine';
import { machineOf } from '../../src/engine/testing';
import { freshReplay, stateDigest } from './helpers/timeTravel';

const NOTEPAD = 'C:\\Windows\\System32\\notepad.exe';

/** A booted machine that created processes and paged: operations of one step and of dozens. */
function session(): System {
  const sys = createSystem({ physicalMemoryMB: 64, pageFileMB: 64, seed: 17 });
  const pid = sys.createProcess({ imagePath: NOTEPAD }).pid;
  const k = sys.win32(pid);
  const base = k.VirtualAlloc(0n, 64n * 4096n, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
  for (let i = 0; i < 64; i += 4) k.WriteMemory(base + BigInt(i) * 4096n, new Uint8Array([i]));
  sys.createProcess({ imagePath: NOTEPAD, parentPid: pid });
  k.SetProcessWorkingSetSize(-1n, -1n);
  for (let i = 0; i < 64; i += 8) k.ReadMemory(base + BigInt(i) * 4096n, 1);
  sys.createProcess({ imagePath: NOTEPAD });
  return sys;
}

describe('stepping through time (issue 17)', () => {
  it('steps back across several operations and forward again give the states a reloaded session computes in another order', () => {
    const sys = session();
    const reloaded = restoreSession(JSON.parse(JSON.stringify(serializeSession(sys))));
    const last = sys.stepCount - 1;
    const span = 100;
    const walk: number[] = [];
    for (let s = last - 1; s >= last - span; s--) walk.push(s);
    for (let s = last - span + 1; s < last; s++) walk.push(s);
    const seen = new Map<number, unknown>();
    const firstViews: Array<[number, System, unknown]> = [];
    let kept = 0;
    for (const seq of walk) {
      const view = sys.stateAt(seq);
      expect(view.stepsIncluded).toBe(seq + 1);
      const d = stateDigest(view);
      if (seen.has(seq)) expect(d).toEqual(seen.get(seq));
      else seen.set(seq, d);
      if (firstViews.length < 6 && seq % 9 === 0) firstViews.push([seq, view, d]);
      kept = Math.max(kept, sys.timeTravelMemory().nearMachines);
    }
    expect(kept).toBeGreaterThan(0);
    // The operations crossed: the walk spans more than two of them.
    const ops = machineOf(sys).ops;
    expect(ops.countStartedBy(last + 1) - ops.countStartedBy(last - span + 1)).toBeGreaterThan(2);
    // The reloaded session, asked in a scrambled order (no two targets in a row near each other).
    const seqs = [...seen.keys()];
    for (let i = 0; i < seqs.length; i++) {
      const seq = seqs[(i * 37) % seqs.length]!;
      expect(stateDigest(reloaded.stateAt(seq))).toEqual(seen.get(seq));
    }
    // States handed out early are unchanged after everything that followed (nothing shared was written).
    for (const [, view, d] of firstViews) expect(stateDigest(view)).toEqual(d);
  }, 180_000);

  it('states at operation boundaries reached by stepping equal fresh replays of the operations before them', () => {
    const sys = session();
    const ops = machineOf(sys).ops;
    const last = sys.stepCount - 1;
    for (let s = last - 1; s >= last - 120; s--) sys.stateAt(s);
    // Boundaries inside the walked range: the state right after the last step of each operation.
    const first = ops.countStartedBy(last - 119);
    const checked: number[] = [];
    for (let i = ops.count - 1; i > first && checked.length < 4; i--) {
      const seq = ops.stepAt(i) - 1;
      if (ops.stepAt(i - 1) === ops.stepAt(i)) continue; // an operation with no step of its own
      const fresh = freshReplay(sys, i);
      expect(stateDigest(sys.stateAt(seq))).toEqual(stateDigest(fresh));
      checked.push(seq);
    }
    expect(checked.length).toBeGreaterThan(1);
  }, 180_000);

  it("a past state's SetLastError stays in that state: the machine it shares is not changed", () => {
    const sys = session();
    const ops = machineOf(sys).ops;
    const pid = sys.processIds.find((p) => sys.queryProcess(p)!.imageFileName === 'notepad.exe')!;
    const seq = ops.stepAt(ops.count - 1) - 1; // the boundary before the last operation
    const before = sys.stateAt(seq).getLastError(pid);
    const a = sys.stateAt(seq);
    a.win32(pid).SetLastError(before + 1234);
    expect(a.getLastError(pid)).toBe(before + 1234);
    expect(sys.stateAt(seq).getLastError(pid)).toBe(before);
    expect(sys.stateAt(seq + 1).getLastError(pid)).toBe(before);
  }, 180_000);

  it('machines kept near the cursor are counted, and the count stays within the budget', () => {
    const sys = createSystem({ physicalMemoryMB: 64, pageFileMB: 64, seed: 17, timeTravelMemoryMB: 256 });
    sys.createProcess({ imagePath: NOTEPAD });
    const last = sys.stepCount - 1;
    for (let s = last - 1; s >= last - 40; s--) {
      sys.stateAt(s);
      const tt = sys.timeTravelMemory();
      expect(tt.retainedBytes).toBe(tt.snapshotStateBytes + tt.pageBytes + tt.opLogBytes + tt.nearBytes);
      expect(tt.retainedBytes).toBeLessThanOrEqual(tt.budgetBytes);
      if (tt.nearMachines > 0) expect(tt.nearBytes).toBeGreaterThan(0);
    }
    expect(sys.timeTravelMemory().nearMachines).toBeGreaterThan(0);
  }, 180_000);
});
