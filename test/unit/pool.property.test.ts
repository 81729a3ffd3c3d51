// Random sequences of ExAllocatePoolWithTag / ExFreePoolWithTag (both pools, small and big blocks, right and
// wrong tags), accesses to pool addresses, system working-set trims, the modified page writer, purges of the
// standby list (repurposing trimmed pool pages) and process creation/termination (objects come from pool):
// after every step the invariants hold (verifyIntegrity: every pool page in one state, header chains intact
// wherever the page is, pool bytes equal to the allocations per tag, system PTEs and system commit), and the
// per-tag counters equal a model kept by the test. Time travel and a saved session give the same pool.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSystem, NtException, POOL_HEADER_SIZE, restoreSession, serializeSession, verifyIntegrity, type System } from '../../src/engine';

type Cmd =
  | { t: 'alloc'; paged: boolean; size: number; tag: number }
  | { t: 'free'; pick: number; wrongTag: boolean }
  | { t: 'access'; pick: number; write: boolean }
  | { t: 'trim'; pages: number }
  | { t: 'writer' }
  | { t: 'purge' }
  | { t: 'process' }
  | { t: 'kill' };

const TAGS = ['Drv1', 'Drv2', 'Test', 'Ab'];
const size = fc.oneof(fc.integer({ min: 1, max: 128 }), fc.integer({ min: 129, max: 4064 }), fc.constantFrom(4064, 4065, 4080, 4096, 9000, 20000));
const cmd: fc.Arbitrary<Cmd> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ t: fc.constant('alloc' as const), paged: fc.boolean(), size, tag: fc.nat(TAGS.length - 1) }) },
  { weight: 5, arbitrary: fc.record({ t: fc.constant('free' as const), pick: fc.nat(1000), wrongTag: fc.boolean() }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('access' as const), pick: fc.nat(1000), write: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('trim' as const), pages: fc.integer({ min: 1, max: 50 }) }) },
  { weight: 1, arbitrary: fc.constant({ t: 'writer' as const }) },
  { weight: 1, arbitrary: fc.constant({ t: 'purge' as const }) },
  { weight: 1, arbitrary: fc.constant({ t: 'process' as const }) },
  { weight: 1, arbitrary: fc.constant({ t: 'kill' as const }) },
);

interface Block { address: bigint; tag: string; paged: boolean; charged: number }
const charge = (n: number): number => (n + POOL_HEADER_SIZE > 255 * POOL_HEADER_SIZE ? Math.ceil(n / 4096) * 4096 : Math.ceil((n + POOL_HEADER_SIZE) / POOL_HEADER_SIZE) * POOL_HEADER_SIZE);
const tagBytes = (s: System, tag: string): [number, number] => {
  const t = s.querySystemSpace()!.tags.find((x) => x.tag === tag.padEnd(4, ' '));
  return [t?.nonPagedBytes ?? 0, t?.pagedBytes ?? 0];
};

/** Step counts at the end of each command (a past state is consistent at an operation's end). */
let boundaries: number[] = [];

function run(cmds: Cmd[]): System {
  const s = createSystem({ physicalMemoryMB: 32, pageFileMB: 64, seed: 7 });
  boundaries = [];
  const live: Block[] = [];
  const started: number[] = [];
  for (const c of cmds) {
    switch (c.t) {
      case 'alloc': {
        const tag = TAGS[c.tag]!;
        const a = s.exAllocatePoolWithTag(c.paged ? 1 : 0, c.size, tag);
        if (a !== 0n) live.push({ address: a, tag, paged: c.paged, charged: charge(c.size) });
        break;
      }
      case 'free': {
        if (!live.length) break;
        const i = c.pick % live.length;
        const b = live[i]!;
        if (c.wrongTag) {
          // BAD_POOL_CALLER: refused, nothing changes.
          expect(() => s.exFreePoolWithTag(b.address, 'Zzzz')).toThrow(NtException);
          break;
        }
        s.exFreePoolWithTag(b.address, b.tag);
        live.splice(i, 1);
        break;
      }
      case 'access': if (live.length) s.accessPool(live[c.pick % live.length]!.address, c.write); break;
      case 'trim': s.trimSystemWorkingSet(c.pages); break;
      case 'writer': s.runSystemThread('modifiedPageWriter'); break;
      case 'purge': s.memoryListCommand('MemoryPurgeStandbyList'); break;
      case 'process': started.push(s.createProcess({ imagePath: 'C:\\Windows\\System32\\notepad.exe' }).pid); break;
      case 'kill': { const pid = started.pop(); if (pid !== undefined) s.win32(pid).TerminateProcess(-1, 0); break; }
    }
    const errors = verifyIntegrity(s);
    expect(errors, `after ${JSON.stringify(c)}`).toEqual([]);
    boundaries.push(s.stepCount);
  }
  // The counters equal the model for the test's own tags (the executive's tags are checked by verifyIntegrity).
  for (const tag of TAGS) {
    const np = live.filter((b) => b.tag === tag && !b.paged).reduce((n, b) => n + b.charged, 0);
    const p = live.filter((b) => b.tag === tag && b.paged).reduce((n, b) => n + b.charged, 0);
    expect(tagBytes(s, tag)).toEqual([np, p]);
  }
  return s;
}

describe('pool: random allocations, frees, trims and paging keep the invariants', () => {
  it('keeps every pool page in one state and pool bytes equal to the allocations', () => {
    fc.assert(fc.property(fc.array(cmd, { minLength: 1, maxLength: 40 }), (cmds) => { run(cmds); }), { numRuns: 12, seed: 1818 });
  });

  it('travels back and reloads to the same pool', () => {
    fc.assert(fc.property(fc.array(cmd, { minLength: 4, maxLength: 25 }), (cmds) => {
      const s = run(cmds);
      const mid = boundaries[Math.floor(boundaries.length / 2)]!;
      const past = s.stateAt(mid - 1);
      expect(verifyIntegrity(past)).toEqual([]);
      expect(s.stateAt(s.stepCount - 1).querySystemSpace()).toEqual(s.querySystemSpace());
      const back = restoreSession(serializeSession(s));
      expect(back.querySystemSpace()).toEqual(s.querySystemSpace());
      expect(verifyIntegrity(back)).toEqual([]);
    }), { numRuns: 4, seed: 1819 });
  });
});
