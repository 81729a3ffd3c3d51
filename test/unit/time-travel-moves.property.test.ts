// Time travel under random cursor moves (issue 17): any sequence of steps back, steps forward and jumps
// gives, at every stop, the state an independent rebuild gives. The reference is a reloaded copy of the
// session asked for each state after a request far away (so it never reuses a machine kept near a cursor:
// its state is a snapshot plus a replay), and, at operation boundaries, a fresh machine that replayed the
// operations before the boundary. Heaps are in the digest: their lists are copied on first access after a
// machine copy (heap/processHeaps.ts), so a state that shares them must still show its own.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createSystem, HEAP_ZERO_MEMORY, MEM_COMMIT, MEM_RESERVE, PAGE_READWRITE, restoreSession, serializeSession, type System,
} from '../../src/engine';
import { machineOf } from '../../src/engine/testing';
import { freshReplay, stateDigest } from './helpers/timeTravel';

const NOTEPAD = 'C:\\Windows\\System32\\notepad.exe';

/** A booted machine that created processes, used heaps and paged. */
function session(): System {
  const sys = createSystem({ physicalMemoryMB: 64, pageFileMB: 64, seed: 29 });
  const pid = sys.createProcess({ imagePath: NOTEPAD }).pid;
  const k = sys.win32(pid);
  const heap = k.HeapCreate(0, 0n, 0n);
  const blocks: bigint[] = [];
  for (let i = 0; i < 12; i++) blocks.push(k.HeapAlloc(heap, HEAP_ZERO_MEMORY, BigInt(24 + i * 40)));
  const base = k.VirtualAlloc(0n, 64n * 4096n, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
  for (let i = 0; i < 64; i += 4) k.WriteMemory(base + BigInt(i) * 4096n, new Uint8Array([i]));
  const other = sys.createProcess({ imagePath: NOTEPAD, parentPid: pid }).pid;
  for (let i = 0; i < 12; i += 2) k.HeapFree(heap, 0, blocks[i]!);
  k.SetProcessWorkingSetSize(-1n, -1n);
  sys.win32(other).HeapAlloc(sys.win32(other).GetProcessHeap(), 0, 100n);
  for (let i = 0; i < 64; i += 8) k.ReadMemory(base + BigInt(i) * 4096n, 1);
  return sys;
}

type Move = { kind: 'back' | 'forward'; by: number } | { kind: 'jump'; at: number } | { kind: 'boundary'; op: number };

describe('time travel under random cursor moves (issue 17)', () => {
  it('every stop of random step-back / step-forward / jump sequences equals an independent rebuild of that state', () => {
    const sys = session();
    const reference = restoreSession(JSON.parse(JSON.stringify(serializeSession(sys))));
    const last = sys.stepCount - 1;
    const ops = machineOf(sys).ops;
    const expected = new Map<number, unknown>();
    /** The reference's state at `seq`, asked right after a state far away (no kept machine near it). */
    const referenceAt = (seq: number): unknown => {
      let d = expected.get(seq);
      if (d === undefined) {
        reference.stateAt(seq < last / 2 ? last : 0);
        d = stateDigest(reference.stateAt(seq));
        expected.set(seq, d);
      }
      return d;
    };
    const move: fc.Arbitrary<Move> = fc.oneof(
      fc.record({ kind: fc.constant('back' as const), by: fc.integer({ min: 1, max: 3 }) }),
      fc.record({ kind: fc.constant('forward' as const), by: fc.integer({ min: 1, max: 3 }) }),
      fc.record({ kind: fc.constant('jump' as const), at: fc.integer({ min: 0, max: last }) }),
      // A jump to the last step of an operation (a state at an operation boundary).
      fc.record({ kind: fc.constant('boundary' as const), op: fc.integer({ min: 1, max: ops.count - 1 }) }),
    );
    let boundaries = 0;
    fc.assert(fc.property(fc.integer({ min: 0, max: last }), fc.array(move, { minLength: 4, maxLength: 12 }), (start, moves) => {
      let cursor = start;
      const held: Array<[System, unknown]> = [];
      for (const m of [{ kind: 'jump', at: start } as Move, ...moves]) {
        cursor = m.kind === 'jump' ? m.at : m.kind === 'boundary' ? Math.max(0, ops.stepAt(m.op) - 1)
          : Math.min(last, Math.max(0, cursor + (m.kind === 'back' ? -m.by : m.by)));
        const view = sys.stateAt(cursor);
        const d = stateDigest(view);
        expect(d).toEqual(referenceAt(cursor));
        held.push([view, d]);
        // At an operation boundary (operation `next` begins right after the step), also a fresh machine that
        // replayed only the operations before `next` (stateAt's rule: the last operation begun by then is not run).
        const next = ops.countStartedBy(cursor + 1) - 1;
        if (boundaries < 4 && next > 0 && next < ops.count && ops.stepAt(next) === cursor + 1) {
          expect(d).toEqual(stateDigest(freshReplay(sys, next)));
          boundaries++;
        }
      }
      // States handed out along the way are unchanged by the moves that followed (nothing shared was written).
      for (const [view, d] of held) expect(stateDigest(view)).toEqual(d);
    }), { numRuns: 8, seed: 1717 });
    expect(boundaries).toBeGreaterThan(1);
  }, 600_000);
});
