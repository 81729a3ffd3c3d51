// The reliability campaign's short runs (issue 19): the same generators as the long campaign
// (test/fuzz, run by hand with scripts/fuzz.mjs), a few seeds each, plus one regression test per
// fault the campaign found.
import { describe, expect, it } from 'vitest';
import {
  createSystem, ERROR_INVALID_PARAMETER, MEM_DECOMMIT, PAGE_READONLY, verifyIntegrity, JOB_OBJECT_LIMIT_JOB_MEMORY, JOB_OBJECT_LIMIT_PROCESS_MEMORY, JobObjectExtendedLimitInformation, restoreSession, serializeSession, Win32Error,
} from '../../src/engine';
import { fuzzEngine, merge, type FuzzReport } from '../fuzz/engine';
import { baseSessions, fuzzSessions } from '../fuzz/sessions';

const NOTEPAD = 'C:\\Windows\\System32\\notepad.exe';
const ERROR_NOACCESS = 998;

describe('fuzz campaign, short runs', () => {
  it('typed and hostile operations on every entry point: no undocumented exception, invariant failure, data mismatch or time-travel failure', () => {
    let total: FuzzReport | undefined;
    for (const seed of [11, 12, 13, 16]) {
      const one = fuzzEngine({ seed, ops: 700, checkEvery: 100, roundTripEvery: 350 });
      total = total ? merge(total, one) : one;
    }
    const t = total!;
    expect(t.unexpected).toEqual({});
    expect(t.invariantFailures).toEqual({});
    expect(t.dataMismatches).toEqual({});
    expect(t.timeTravelFailures).toEqual({});
    // The run did what it claims: both kinds of operations, read-backs through paging, round trips.
    expect(t.ops).toBe(2800);
    expect(t.hostile).toBeGreaterThan(500);
    expect(t.typed).toBeGreaterThan(1200);
    expect(t.pagesVerified).toBeGreaterThan(100);
    expect(t.roundTrips).toBeGreaterThanOrEqual(12);
  }, 240_000);

  it('mutated session files either load or throw SessionFileError, and no well-formed operation makes the replay throw', () => {
    const r = fuzzSessions({ seed: 5, files: 40, bases: baseSessions(5), maxPhysicalMemoryMB: 1024 });
    expect(r.unexpected).toEqual({});
    expect(r.replayThrew).toEqual({});
    expect(r.files).toBe(40);
    expect(r.loaded + r.sessionFileErrors + r.notJson).toBe(40);
    // No file made the engine build a machine above the limit it was given.
    expect(r.largestMachineMB).toBeLessThanOrEqual(1024);
    expect(r.loaded).toBeGreaterThan(0);
    expect(r.sessionFileErrors).toBeGreaterThan(0);
  }, 240_000);
});

describe('faults the campaign found', () => {
  it('a heap whose committed pages a program re-protects still passes the integrity check (the region is split, still committed)', () => {
    const sys = createSystem({ boot: false, physicalMemoryMB: 8, pageFileMB: 16 });
    const pid = sys.createProcess({ imagePath: NOTEPAD }).pid;
    const k = sys.win32(pid);
    const heap = k.HeapCreate(0, 0x10000n, 0n);
    const block = k.HeapAlloc(heap, 0, 0x4000n);
    expect(block).not.toBe(0n);
    expect(verifyIntegrity(sys)).toEqual([]);
    const page = (block & ~0xFFFn) + 0x1000n;
    expect(k.VirtualProtect(page, 0x1000n, PAGE_READONLY, { value: 0 })).toBe(true);
    expect(verifyIntegrity(sys)).toEqual([]);
    // Decommitting a page of it is a real break of the heap's bookkeeping, and is still found.
    expect(k.VirtualFree(page, 0x1000n, MEM_DECOMMIT)).toBe(true);
    expect(verifyIntegrity(sys).some((e) => e.includes('is not committed'))).toBe(true);
  });

  it('job limits that are not numbers (a bigint ProcessMemoryLimit) fail with ERROR_INVALID_PARAMETER and leave the log replayable', () => {
    const sys = createSystem({ boot: false, physicalMemoryMB: 8, pageFileMB: 16 });
    const pid = sys.createProcess({ imagePath: NOTEPAD }).pid;
    const k = sys.win32(pid);
    const job = k.CreateJobObject(null, null);
    const bad: Array<Record<string, unknown>> = [
      { LimitFlags: JOB_OBJECT_LIMIT_PROCESS_MEMORY, ProcessMemoryLimit: 0x100000n },
      { LimitFlags: JOB_OBJECT_LIMIT_JOB_MEMORY, JobMemoryLimit: '4096' },
      { LimitFlags: 8n, ActiveProcessLimit: 1 },
      { LimitFlags: 0, ActiveProcessLimit: 2n },
      { LimitFlags: JOB_OBJECT_LIMIT_PROCESS_MEMORY, ProcessMemoryLimit: -4096 },
    ];
    for (const limits of bad) {
      expect(k.SetInformationJobObject(job, JobObjectExtendedLimitInformation, limits as never)).toBe(false);
      expect(k.GetLastError()).toBe(ERROR_INVALID_PARAMETER);
      expect(() => sys.psCall({ call: 'setJobLimits', callerPid: pid, hJob: job, limits: limits as never })).toThrow(Win32Error);
    }
    expect(k.SetInformationJobObject(job, JobObjectExtendedLimitInformation, { LimitFlags: JOB_OBJECT_LIMIT_PROCESS_MEMORY, ProcessMemoryLimit: 0x100000 })).toBe(true);
    // The session still replays and reloads to the same state.
    expect(() => sys.stateAt(sys.stepCount - 1)).not.toThrow();
    expect(restoreSession(serializeSession(sys)).stepCount).toBe(sys.stepCount);
  });

  it('an out parameter that is not an object fails with ERROR_NOACCESS before anything changes', () => {
    const sys = createSystem({ boot: false, physicalMemoryMB: 8, pageFileMB: 16 });
    const pid = sys.createProcess({ imagePath: NOTEPAD }).pid;
    const k = sys.win32(pid);
    const h = k.OpenProcess(0x1FFFFF, false, pid);
    const threads = sys.queryProcess(pid)!.threads.length;
    const steps = sys.stepCount;
    for (const bad of [5, 'x', true, 1n]) {
      expect(k.GetExitCodeProcess(h, bad as never)).toBe(false);
      expect(k.GetLastError()).toBe(ERROR_NOACCESS);
      expect(k.IsProcessInJob(h, null, bad as never)).toBe(false);
      expect(k.GetLastError()).toBe(ERROR_NOACCESS);
      expect(k.CreateThread(0n, 0x7FF600001000n, 0n, 0, bad as never)).toBe(0);
      expect(k.GetLastError()).toBe(ERROR_NOACCESS);
      expect(k.CreateRemoteThread(h, 0n, 0x7FF600001000n, 0n, 0, bad as never)).toBe(0);
      expect(k.ReadProcessMemory(h, 0x10000n, new Uint8Array(4), 4, bad as never)).toBe(false);
      expect(k.GetLastError()).toBe(ERROR_NOACCESS);
      expect(k.WriteProcessMemory(h, 0x10000n, new Uint8Array(4), 4, bad as never)).toBe(false);
      expect(k.GetLastError()).toBe(ERROR_NOACCESS);
    }
    // Nothing was created or recorded by the failed calls.
    expect(sys.queryProcess(pid)!.threads.length).toBe(threads);
    expect(sys.stepCount).toBe(steps);
  });

  it('arguments a session cannot carry (function, symbol, Map, class instance, cycle, deep nesting) are ERROR_INVALID_PARAMETER and the session still saves', () => {
    const sys = createSystem({ boot: false, physicalMemoryMB: 8, pageFileMB: 16 });
    const pid = sys.createProcess({ imagePath: NOTEPAD }).pid;
    const cycle: Record<string, unknown> = {};
    cycle['self'] = cycle;
    let deep: unknown = 1;
    for (let i = 0; i < 10_000; i++) deep = [deep];
    for (const extra of [() => 1, Symbol('s'), new Map(), new Date(0), cycle, deep]) {
      const call = { call: 'closeHandle', callerPid: pid, handle: 4, extra } as const;
      let thrown: unknown;
      try { sys.psCall(call as never); } catch (e) { thrown = e; }
      expect(thrown).toBeInstanceOf(Win32Error);
      expect((thrown as Win32Error).code).toBe(ERROR_INVALID_PARAMETER);
    }
    // A plain extra field (bigint, NaN, undefined: all encodable) is still accepted and replays.
    expect(() => sys.psCall({ call: 'closeHandle', callerPid: pid, handle: 4, extra: { n: 1n, f: NaN, u: undefined } } as never)).toThrow(Win32Error); // invalid handle, documented
    const loaded = restoreSession(JSON.parse(JSON.stringify(serializeSession(sys))));
    expect(loaded.stepCount).toBe(sys.stepCount);
  });

  it('System methods given values that cannot become text fail with their documented error, not a TypeError from the message', () => {
    const sys = createSystem({ boot: false, physicalMemoryMB: 8, pageFileMB: 16 });
    const pid = sys.createProcess({ imagePath: NOTEPAD }).pid;
    const opaque = Object.create(null) as unknown;
    expect(() => sys.runSystemThread(opaque as never)).toThrow(Win32Error);
    expect(() => sys.memoryListCommand(opaque as never)).toThrow(Win32Error);
    expect(() => sys.win32(Symbol('pid') as never)).toThrow(Win32Error);
    expect(() => sys.createProcess({ imagePath: NOTEPAD, parentPid: Symbol('p') as never })).toThrow(Win32Error);
    expect(() => sys.decodePte(pid, 5 as never)).toThrow(Win32Error);
    expect(() => sys.stateAt(opaque as never)).toThrow(/^stateAt:/);
    expect(() => sys.queryPfn(opaque as never)).toThrow(/^queryPfn:/);
    expect(() => sys.listPages(opaque as never)).toThrow(/^listPages:/);
    expect(() => sys.queryPrototypePtes(1, 2n as never)).toThrow(/^queryPrototypePtes:/);
    expect(() => sys.queryWorkingSet(pid, {} as never)).toThrow(/^queryWorkingSet:/);
    // CreateProcess with a command line that is not a string: the documented failure.
    const k = sys.win32(pid);
    expect(k.CreateProcess(null, { value: 1 } as never, false, 0, null, {} as never)).toBe(false);
    expect(k.GetLastError()).toBe(ERROR_INVALID_PARAMETER);
    expect(k.CreateProcessAsUser(4, null, ['x'] as never, false, 0, null, {} as never)).toBe(false);
  });
});
