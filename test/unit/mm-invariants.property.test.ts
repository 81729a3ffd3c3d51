// Property tests: thousands of random operation sequences on a small machine under memory pressure.
// After every operation the memory manager's invariants hold (verifyIntegrity), bytes written are read
// back unchanged, and any past step can be rebuilt by time travel with its invariants intact.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createSystem, MEM_COMMIT, MEM_DECOMMIT, MEM_RELEASE, MEM_RESERVE, NtException, PAGE_GUARD, PAGE_NOACCESS,
  PAGE_READONLY, PAGE_READWRITE, PAGE_EXECUTE_READWRITE, verifyIntegrity, type System,
} from '../../src/engine';

type Op =
  | { t: 'alloc'; p: number; pages: number; commit: boolean }
  | { t: 'commit'; p: number; region: number; first: number; count: number }
  | { t: 'decommit'; p: number; region: number; first: number; count: number }
  | { t: 'release'; p: number; region: number }
  | { t: 'protect'; p: number; region: number; first: number; count: number; prot: number }
  | { t: 'write'; p: number; region: number; page: number; offset: number; value: number; length: number }
  | { t: 'read'; p: number; region: number; page: number; offset: number }
  | { t: 'emptyWs'; p: number }
  | { t: 'list'; cmd: 'MemoryEmptyWorkingSets' | 'MemoryFlushModifiedList' | 'MemoryPurgeStandbyList' | 'MemoryPurgeLowPriorityStandbyList' }
  | { t: 'thread'; name: 'balanceSetManager' | 'modifiedPageWriter' | 'zeroPageThread' }
  | { t: 'section'; p: number; pages: number; name: number; reserve: boolean }
  | { t: 'map'; p: number; section: number; access: 'write' | 'read' | 'copy' }
  | { t: 'unmap'; p: number; view: number }
  | { t: 'closeSection'; p: number; section: number }
  | { t: 'viewWrite'; p: number; view: number; page: number; value: number }
  | { t: 'viewRead'; p: number; view: number; page: number }
  | { t: 'viewCommit'; p: number; view: number; page: number }
  /** Write a view page, empty working sets, flush the modified list, write it again (issue 19 item 2). */
  | { t: 'viewRewrite'; p: number; view: number; page: number; value: number; times: number }
  /** VirtualLock / VirtualUnlock of a range (some past the quota, some over uncommitted pages). */
  | { t: 'lock'; p: number; region: number; first: number; count: number }
  | { t: 'unlock'; p: number; region: number; first: number; count: number }
  /** The faulting thread's memory priority (0 and 6 are refused). */
  | { t: 'priority'; p: number; priority: number; thread: boolean };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ t: fc.constant('alloc' as const), p: fc.nat(1), pages: fc.integer({ min: 1, max: 96 }), commit: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('commit' as const), p: fc.nat(1), region: fc.nat(7), first: fc.nat(95), count: fc.integer({ min: 1, max: 40 }) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('decommit' as const), p: fc.nat(1), region: fc.nat(7), first: fc.nat(95), count: fc.integer({ min: 1, max: 20 }) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('release' as const), p: fc.nat(1), region: fc.nat(7) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('protect' as const), p: fc.nat(1), region: fc.nat(7), first: fc.nat(95), count: fc.integer({ min: 1, max: 8 }), prot: fc.constantFrom(PAGE_READWRITE, PAGE_READONLY, PAGE_NOACCESS, PAGE_READWRITE | PAGE_GUARD, PAGE_EXECUTE_READWRITE) }) },
  { weight: 8, arbitrary: fc.record({ t: fc.constant('write' as const), p: fc.nat(1), region: fc.nat(7), page: fc.nat(95), offset: fc.nat(4095), value: fc.integer({ min: 1, max: 255 }), length: fc.integer({ min: 1, max: 64 }) }) },
  { weight: 6, arbitrary: fc.record({ t: fc.constant('read' as const), p: fc.nat(1), region: fc.nat(7), page: fc.nat(95), offset: fc.nat(4095) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('emptyWs' as const), p: fc.nat(1) }) },
  // VirtualLock in random sequences: the generator that found an in-page cluster filing pages under the wrong
  // standby priority (locked-pages.test.ts has the regression test).
  { weight: 1, arbitrary: fc.record({ t: fc.constant('lock' as const), p: fc.nat(1), region: fc.nat(7), first: fc.nat(95), count: fc.integer({ min: 1, max: 48 }) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('unlock' as const), p: fc.nat(1), region: fc.nat(7), first: fc.nat(95), count: fc.integer({ min: 1, max: 16 }) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('priority' as const), p: fc.nat(1), priority: fc.nat(6), thread: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('list' as const), cmd: fc.constantFrom('MemoryEmptyWorkingSets', 'MemoryFlushModifiedList', 'MemoryPurgeStandbyList', 'MemoryPurgeLowPriorityStandbyList') as fc.Arbitrary<'MemoryEmptyWorkingSets'> }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('thread' as const), name: fc.constantFrom('balanceSetManager', 'modifiedPageWriter', 'zeroPageThread') as fc.Arbitrary<'balanceSetManager'> }) },
);

// Huge reservations (1 GB, 1 TB) among private-memory operations: every operation over them must cost
// O(page tables), and the invariants (commit per VAD included) hold; committing one whole is refused.
const privateOpArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 24, arbitrary: opArb },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('alloc' as const), p: fc.nat(1), pages: fc.constantFrom(262144, 268435456), commit: fc.boolean() }) },
);

const sectionOpArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ t: fc.constant('section' as const), p: fc.nat(1), pages: fc.integer({ min: 1, max: 48 }), name: fc.nat(2), reserve: fc.boolean() }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('map' as const), p: fc.nat(1), section: fc.nat(5), access: fc.constantFrom('write', 'read', 'copy') as fc.Arbitrary<'write'> }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('unmap' as const), p: fc.nat(1), view: fc.nat(7) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('closeSection' as const), p: fc.nat(1), section: fc.nat(5) }) },
  { weight: 6, arbitrary: fc.record({ t: fc.constant('viewWrite' as const), p: fc.nat(1), view: fc.nat(7), page: fc.nat(47), value: fc.integer({ min: 1, max: 255 }) }) },
  { weight: 4, arbitrary: fc.record({ t: fc.constant('viewRead' as const), p: fc.nat(1), view: fc.nat(7), page: fc.nat(47) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('viewCommit' as const), p: fc.nat(1), view: fc.nat(7), page: fc.nat(47) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('viewRewrite' as const), p: fc.nat(1), view: fc.nat(7), page: fc.nat(47), value: fc.integer({ min: 1, max: 255 }), times: fc.integer({ min: 1, max: 4 }) }) },
);
const mixedOpArb: fc.Arbitrary<Op> = fc.oneof({ weight: 3, arbitrary: opArb }, { weight: 2, arbitrary: sectionOpArb });

interface Region { base: bigint; pages: number }

/** Runs ops against the engine and a byte-level shadow model; checks invariants after each. */
function run(sys: System, pids: number[], ops: Op[], checkEvery = 1): void {
  const regions: Region[][] = pids.map(() => []);
  // Section handles per process, and views per process (with the section's page count).
  const sections: Array<Array<{ handle: number; pages: number }>> = pids.map(() => []);
  const views: Array<Array<{ base: bigint; pages: number; access: string }>> = pids.map(() => []);
  // Shadow of bytes written: key `${pid}:${va}` -> value. Bytes of decommitted pages are forgotten.
  const shadow = new Map<string, number>();
  const forget = (pid: number, base: bigint, pages: number): void => {
    const lo = base;
    const hi = base + BigInt(pages) * 0x1000n;
    for (const key of [...shadow.keys()]) {
      const [p, va] = key.split(':');
      if (Number(p) === pid && BigInt(va!) >= lo && BigInt(va!) < hi) shadow.delete(key);
    }
  };
  ops.forEach((op, i) => {
    const pid = 'p' in op ? pids[op.p % pids.length]! : pids[0]!;
    const k = sys.win32(pid);
    const list = 'p' in op ? regions[op.p % pids.length]! : [];
    const region = 'region' in op ? list[op.region % Math.max(1, list.length)] : undefined;
    switch (op.t) {
      case 'alloc': {
        const base = k.VirtualAlloc(0n, BigInt(op.pages) * 0x1000n, op.commit ? MEM_RESERVE | MEM_COMMIT : MEM_RESERVE, PAGE_READWRITE);
        if (base !== 0n) list.push({ base, pages: op.pages });
        break;
      }
      case 'commit': if (region) {
        const first = op.first % region.pages;
        k.VirtualAlloc(region.base + BigInt(first) * 0x1000n, BigInt(Math.min(op.count, region.pages - first)) * 0x1000n, MEM_COMMIT, PAGE_READWRITE);
      } break;
      case 'decommit': if (region) {
        const first = op.first % region.pages;
        const count = Math.min(op.count, region.pages - first);
        if (k.VirtualFree(region.base + BigInt(first) * 0x1000n, BigInt(count) * 0x1000n, MEM_DECOMMIT)) forget(pid, region.base + BigInt(first) * 0x1000n, count);
      } break;
      case 'release': if (region) {
        expect(k.VirtualFree(region.base, 0n, MEM_RELEASE)).toBe(true);
        forget(pid, region.base, region.pages);
        list.splice(list.indexOf(region), 1);
      } break;
      case 'protect': if (region) {
        const first = op.first % region.pages;
        k.VirtualProtect(region.base + BigInt(first) * 0x1000n, BigInt(Math.min(op.count, region.pages - first)) * 0x1000n, op.prot, { value: 0 });
      } break;
      case 'write': if (region) {
        const va = region.base + BigInt(op.page % region.pages) * 0x1000n + BigInt(op.offset);
        const end = region.base + BigInt(region.pages) * 0x1000n;
        const length = Number(va + BigInt(op.length) > end ? end - va : BigInt(op.length));
        const data = new Uint8Array(length).map((_, j) => (op.value + j) & 0xFF);
        try {
          k.WriteMemory(va, data);
          for (let j = 0; j < length; j++) shadow.set(`${pid}:${va + BigInt(j)}`, data[j]!);
        } catch (e) {
          if (!(e instanceof NtException)) throw e;
          // Like a string move, the write stored the bytes before the page that faulted.
          for (let j = 0; va + BigInt(j) < e.address && j < length; j++) shadow.set(`${pid}:${va + BigInt(j)}`, data[j]!);
        }
      } break;
      case 'read': if (region) {
        const va = region.base + BigInt(op.page % region.pages) * 0x1000n + BigInt(op.offset);
        try {
          const [b] = k.ReadMemory(va, 1);
          expect(b, `byte at ${va.toString(16)} after op ${i}`).toBe(shadow.get(`${pid}:${va}`) ?? 0);
        } catch (e) {
          if (!(e instanceof NtException)) throw e;
        }
      } break;
      case 'lock': case 'unlock': if (region) {
        const first = op.first % region.pages;
        const va = region.base + BigInt(first) * 0x1000n;
        const size = BigInt(Math.min(op.count, region.pages - first)) * 0x1000n;
        if (op.t === 'unlock') { k.VirtualUnlock(va, size); break; }
        if (k.VirtualLock(va, size)) {
          // Locked pages are resident: the working set lists every one of them as locked.
          const locked = new Set(sys.queryWorkingSet(pid).entries.filter((e) => e.locked).map((e) => e.va));
          for (let v = va; v < va + size; v += 0x1000n) expect(locked.has(v), `locked ${v.toString(16)}`).toBe(true);
        }
      } break;
      case 'priority': {
        const info = { MemoryPriority: op.priority };
        if (op.thread) k.SetThreadInformation(k.GetCurrentThread(), 0, info, 4);
        else k.SetProcessInformation(k.GetCurrentProcess(), 0, info, 4);
        break;
      }
      case 'emptyWs': k.SetProcessWorkingSetSize(-1n, -1n); break;
      case 'list': sys.memoryListCommand(op.cmd); break;
      case 'thread': sys.runSystemThread(op.name); break;
      case 'section': {
        const name = op.name === 0 ? undefined : `Local\\Prop${op.name}`;
        const h = k.CreateFileMapping(-1, PAGE_READWRITE | (op.reserve ? 0x4000000 : 0), BigInt(op.pages) * 0x1000n, name);
        if (h !== 0) {
          // Opening an existing name gives that section (its own size): learn it from a view.
          const base = k.MapViewOfFile(h, 4, 0n, 0n);
          const pages = base !== 0n ? Number(k.VirtualQuery(base)!.RegionSize / 0x1000n) : op.pages;
          if (base !== 0n) k.UnmapViewOfFile(base);
          sections[op.p % pids.length]!.push({ handle: h, pages });
        }
        break;
      }
      case 'map': {
        const list2 = sections[op.p % pids.length]!;
        const s2 = list2[op.section % Math.max(1, list2.length)];
        if (!s2) break;
        const access = op.access === 'write' ? 2 : op.access === 'read' ? 4 : 1;
        const base = k.MapViewOfFile(s2.handle, access, 0n, 0n);
        if (base !== 0n) views[op.p % pids.length]!.push({ base, pages: s2.pages, access: op.access });
        break;
      }
      case 'unmap': {
        const vs = views[op.p % pids.length]!;
        const v = vs[op.view % Math.max(1, vs.length)];
        if (!v) break;
        expect(k.UnmapViewOfFile(v.base + BigInt(op.view % v.pages) * 0x1000n)).toBe(true);
        vs.splice(vs.indexOf(v), 1);
        break;
      }
      case 'closeSection': {
        const list2 = sections[op.p % pids.length]!;
        const s2 = list2[op.section % Math.max(1, list2.length)];
        if (!s2) break;
        expect(k.CloseHandle(s2.handle)).toBe(true);
        list2.splice(list2.indexOf(s2), 1);
        break;
      }
      case 'viewRewrite': {
        const vs = views[op.p % pids.length]!;
        const v = vs[op.view % Math.max(1, vs.length)];
        if (!v) break;
        const va = v.base + BigInt(op.page % v.pages) * 0x1000n;
        try {
          for (let r = 0; r < op.times; r++) {
            k.WriteMemory(va, new Uint8Array([(op.value + r) & 0xFF]));
            sys.memoryListCommand('MemoryEmptyWorkingSets');
            sys.memoryListCommand('MemoryFlushModifiedList');
          }
        } catch (e) {
          if (!(e instanceof NtException)) throw e;
        }
        break;
      }
      case 'viewWrite': case 'viewRead': case 'viewCommit': {
        const vs = views[op.p % pids.length]!;
        const v = vs[op.view % Math.max(1, vs.length)];
        if (!v) break;
        const va = v.base + BigInt(op.page % v.pages) * 0x1000n;
        try {
          if (op.t === 'viewWrite') k.WriteMemory(va, new Uint8Array([op.value]));
          else if (op.t === 'viewRead') k.ReadMemory(va, 1);
          else k.VirtualAlloc(va, 0x1000n, MEM_COMMIT, PAGE_READWRITE);
        } catch (e) {
          if (!(e instanceof NtException)) throw e;
        }
        break;
      }
    }
    if (i % checkEvery === 0) expect(verifyIntegrity(sys), `after op ${i} ${JSON.stringify(op)}`).toEqual([]);
  });
  expect(verifyIntegrity(sys)).toEqual([]);
  // Every byte the model remembers is still there (reading may fault pages back in).
  for (const [key, value] of shadow) {
    const [p, va] = key.split(':');
    try {
      expect(sys.win32(Number(p)).ReadMemory(BigInt(va!), 1)[0], `final byte at ${BigInt(va!).toString(16)}`).toBe(value);
    } catch (e) {
      if (!(e instanceof NtException)) throw e; // made no-access or guard by a later VirtualProtect
    }
  }
  expect(verifyIntegrity(sys)).toEqual([]);
}

/** The last step of each operation from now on: the states between operations. */
function operationBoundaries(sys: System): number[] {
  const out: number[] = [sys.stepCount - 1];
  sys.onDidChange((e) => out.push(e.toSeq - 1));
  return out;
}

function machine(pageFileMB: number): { sys: System; pids: number[] } {
  const sys = createSystem({ boot: false, physicalMemoryMB: 4, pageFileMB, seed: 7 });
  const pids = [sys.createProcess({ imagePath: 'C:\\Windows\\System32\\notepad.exe' }).pid, sys.createProcess({ imagePath: 'C:\\Windows\\System32\\calc.exe' }).pid];
  return { sys, pids };
}

describe('memory manager invariants over random operation sequences', () => {
  it('hold after every operation, with a paging file, under memory pressure', () => {
    fc.assert(fc.property(fc.array(privateOpArb, { minLength: 20, maxLength: 120 }), (ops) => {
      const { sys, pids } = machine(8);
      run(sys, pids, ops);
    }), { numRuns: 150, seed: 20261123 });
  });

  it('hold without a paging file (dirty pages can only stay in memory)', () => {
    fc.assert(fc.property(fc.array(privateOpArb, { minLength: 20, maxLength: 80 }), (ops) => {
      const { sys, pids } = machine(0);
      run(sys, pids, ops);
    }), { numRuns: 80, seed: 42 });
  });

  it('hold over long sequences that force repurposing and hard faults', () => {
    fc.assert(fc.property(fc.array(privateOpArb, { minLength: 400, maxLength: 600 }), (ops) => {
      const { sys, pids } = machine(16);
      run(sys, pids, ops, 25);
      // A failure here is reported within two minutes with the counterexample shrunk so far: shrinking a
      // 600-operation sequence can otherwise run for an hour and look like a hang.
    }), { numRuns: 12, seed: 9, interruptAfterTimeLimit: 120_000, markInterruptAsFailure: true });
  });
});

describe('invariants with sections: prototype PTEs, share counts, copy-on-write', () => {
  it('hold after every operation mixing private memory and shared views across two processes', () => {
    const seen = new Map<string, number>();
    fc.assert(fc.property(fc.array(mixedOpArb, { minLength: 20, maxLength: 120 }), (ops) => {
      const { sys, pids } = machine(8);
      run(sys, pids, ops);
      for (const s of sys.getSteps(0, sys.stepCount)) seen.set(s.routine, (seen.get(s.routine) ?? 0) + 1);
    }), { numRuns: 120, seed: 77 });
    // The sequences really exercised the section paths.
    const atLeast: Record<string, number> = { MiResolveProtoPteFault: 100, MiMapViewOfSection: 50, MiUnmapViewOfSection: 10, MiSegmentDelete: 10, MiCopyOnWrite: 3 };
    for (const [routine, n] of Object.entries(atLeast)) expect(seen.get(routine) ?? 0, routine).toBeGreaterThanOrEqual(n);
  });

  it('hold without a paging file', () => {
    fc.assert(fc.property(fc.array(mixedOpArb, { minLength: 20, maxLength: 80 }), (ops) => {
      const { sys, pids } = machine(0);
      run(sys, pids, ops);
    }), { numRuns: 50, seed: 78 });
  });

  it('time travel rebuilds states with sections', () => {
    fc.assert(fc.property(fc.array(mixedOpArb, { minLength: 30, maxLength: 120 }), fc.nat(), (ops, pick) => {
      const { sys, pids } = machine(8);
      const boundaries = operationBoundaries(sys);
      run(sys, pids, ops, 1000);
      const past = sys.stateAt(boundaries[pick % boundaries.length]!);
      expect(verifyIntegrity(past)).toEqual([]);
      const last = sys.stateAt(sys.stepCount - 1);
      expect(last.querySystemMemoryListInformation()).toEqual(sys.querySystemMemoryListInformation());
      expect(last.queryCommit()).toEqual(sys.queryCommit());
    }), { numRuns: 30, seed: 79 });
  });
});

describe('time travel', () => {
  it('rebuilds any past step with its invariants intact, and the last step equals the present', () => {
    fc.assert(fc.property(fc.array(privateOpArb, { minLength: 30, maxLength: 150 }), fc.nat(), (ops, pick) => {
      const { sys, pids } = machine(8);
      const boundaries = operationBoundaries(sys);
      run(sys, pids, ops, 1000);
      // Between operations the invariants hold in every past state...
      const seq = boundaries[pick % boundaries.length]!;
      const past = sys.stateAt(seq);
      expect(verifyIntegrity(past)).toEqual([]);
      expect(past.stepsIncluded).toBe(seq + 1);
      // ...and any step at all, even in the middle of an operation, can be rebuilt.
      const anyStep = pick % sys.stepCount;
      expect(sys.stateAt(anyStep).stepsIncluded).toBe(anyStep + 1);
      const last = sys.stateAt(sys.stepCount - 1);
      expect(last.querySystemMemoryListInformation()).toEqual(sys.querySystemMemoryListInformation());
      expect(last.queryCommit()).toEqual(sys.queryCommit());
      for (const pid of pids) expect(last.queryProcess(pid)).toEqual(sys.queryProcess(pid));
      for (let pfn = 0; pfn < sys.physicalPageCount; pfn += 7) expect(last.queryPfn(pfn)).toEqual(sys.queryPfn(pfn));
    }), { numRuns: 40, seed: 3 });
  });

  it('a past state is read-only and says so', () => {
    const { sys, pids } = machine(8);
    const k = sys.win32(pids[0]!);
    k.VirtualAlloc(0n, 0x4000n, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
    const past = sys.stateAt(1);
    expect(() => past.memoryListCommand('MemoryPurgeStandbyList')).toThrow(/past state/);
    expect(() => sys.stateAt(sys.stepCount)).toThrow(RangeError);
  });
});
