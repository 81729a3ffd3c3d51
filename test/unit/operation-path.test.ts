// Regression tests for the operation path (issue 13 item 1; issue 19 items 5, 6 and 12): every change
// is logged, failures that are not the documented Win32/NT errors leave nothing in the log, wrong JS
// types get the documented error, session files carry every argument losslessly and load whatever
// their size or nesting, and time travel keeps within its memory budget.
import { describe, expect, it, vi } from 'vitest';
import {
  createSystem, ERROR_ALREADY_EXISTS, ERROR_INVALID_ADDRESS, ERROR_INVALID_HANDLE, ERROR_INVALID_PARAMETER, ERROR_NOACCESS, FILE_MAP_READ, MEM_COMMIT, MEM_RESERVE, MEM_WRITE_WATCH, NtException, PAGE_READWRITE,
  restoreSession, serializeSession, SessionFileError, Win32Error, type System,
} from '../../src/engine';
import { StepLog, StepOutsideOperation } from '../../src/engine/trace';
import { copyOp, deepCopy, validateOp, type Op } from '../../src/engine/system';
import { copyForLog } from '../../src/engine/system/operations';
import { LastError } from '../../src/engine/errors';
import { machineOf } from '../../src/engine/testing';

const NOTEPAD = 'C:\\Windows\\System32\\notepad.exe';

function machine(options: Parameters<typeof createSystem>[0] = {}): { sys: System; pid: number; base: bigint } {
  const sys = createSystem({ boot: false, physicalMemoryMB: 8, pageFileMB: 16, ...options });
  const pid = sys.createProcess({ imagePath: NOTEPAD }).pid;
  const base = sys.win32(pid).VirtualAlloc(0n, 64n * 4096n, MEM_RESERVE | MEM_COMMIT | MEM_WRITE_WATCH, PAGE_READWRITE);
  return { sys, pid, base };
}

/** Save, serialize to text, parse and load. */
const reload = (sys: System): System => restoreSession(JSON.parse(JSON.stringify(serializeSession(sys))));

/** The raw PTE of every page of a process's VADs (Accessed and Dirty bits included). */
function ptes(sys: System, pid: number): number[] {
  const m = machineOf(sys);
  const p = m.byPid.get(pid)!;
  const out: number[] = [];
  for (const v of p.vads.toArray()) for (let vpn = v.startVpn; vpn <= v.endVpn; vpn++) { const [lo, hi] = m.mm.peekPte(p, vpn); out.push(lo, hi); }
  return out;
}

describe('grantPrivilege goes through the operation path', () => {
  it('is one logged operation: views are told, stateAt is not off by one, reload reproduces its step', () => {
    const { sys, pid } = machine();
    const fired: Array<{ fromSeq: number; toSeq: number }> = [];
    sys.onDidChange((e) => fired.push(e));
    const before = sys.stepCount;
    sys.grantPrivilege(pid, 'SeLockMemoryPrivilege');
    expect(sys.stepCount).toBe(before + 1);
    expect(sys.getSteps(before, before + 1)[0]!.code).toBe('system.privilege');
    expect(fired).toEqual([{ fromSeq: before, toSeq: before + 1 }]);
    expect(machineOf(sys.stateAt(before - 1)).byPid.get(pid)!.privileges.has('SeLockMemoryPrivilege')).toBe(false);
    expect(machineOf(sys.stateAt(before)).byPid.get(pid)!.privileges.has('SeLockMemoryPrivilege')).toBe(true);
    const loaded = reload(sys);
    expect(loaded.stepCount).toBe(sys.stepCount);
    expect(machineOf(loaded).byPid.get(pid)!.privileges.has('SeLockMemoryPrivilege')).toBe(true);
  });

  it('fails with the documented Win32Error for a process that does not exist, and the log still reloads', () => {
    const { sys } = machine();
    expect(() => sys.grantPrivilege(4242, 'SeDebugPrivilege')).toThrow(Win32Error);
    expect(() => sys.grantPrivilege(4242, 42 as unknown as string)).toThrow(Win32Error);
    expect(reload(sys).stepCount).toBe(sys.stepCount);
  });
});

describe('the last error is part of the logged operations (issue 13: GetLastError after stateAt or a reload)', () => {
  /** The thread's last error now, in the last step's past state, and after a save and load: all three. */
  const lastErrors = (sys: System, pid: number): number[] => [
    sys.win32(pid).GetLastError(), sys.stateAt(sys.stepCount - 1).getLastError(pid), reload(sys).getLastError(pid),
  ];

  it('a failing call, stateAt(last), reload: GetLastError identical, whether the failure was in an operation or before one', () => {
    const { sys, pid } = machine();
    const k = sys.win32(pid);
    // A Win32 operation that fails inside the operation path (its handler throws).
    expect(k.VirtualFree(0x10000n, 0n, 0x8000)).toBe(false);
    expect(lastErrors(sys, pid)).toEqual([ERROR_INVALID_ADDRESS, ERROR_INVALID_ADDRESS, ERROR_INVALID_ADDRESS]);
    // A file-mapping call failing on a bad handle: the operation sets its caller's last error.
    expect(k.MapViewOfFile(0x4242, FILE_MAP_READ, 0n, 0n)).toBe(0n);
    expect(lastErrors(sys, pid)).toEqual([ERROR_INVALID_HANDLE, ERROR_INVALID_HANDLE, ERROR_INVALID_HANDLE]);
    // A failure found before any operation ran: VirtualProtect probes lpflOldProtect first.
    expect(k.VirtualProtect(0x10000n, 4096n, PAGE_READWRITE, undefined)).toBe(false);
    expect(lastErrors(sys, pid)).toEqual([ERROR_NOACCESS, ERROR_NOACCESS, ERROR_NOACCESS]);
    // SetLastError itself, and a documented success code (a named mapping opened again).
    k.SetLastError(0x20000001);
    expect(lastErrors(sys, pid)).toEqual([0x20000001, 0x20000001, 0x20000001]);
    expect(k.CreateFileMapping(-1, PAGE_READWRITE, 0x10000n, 'LastErrorLab')).not.toBe(0);
    expect(k.CreateFileMapping(-1, PAGE_READWRITE, 0x10000n, 'LastErrorLab')).not.toBe(0);
    expect(lastErrors(sys, pid)).toEqual([ERROR_ALREADY_EXISTS, ERROR_ALREADY_EXISTS, ERROR_ALREADY_EXISTS]);
  });

  it('a past state has the last error of its time, and a failure repeated with the same code logs nothing more', () => {
    const { sys, pid, base } = machine();
    const k = sys.win32(pid);
    expect(k.VirtualProtect(0x10000n, 4096n, PAGE_READWRITE, undefined)).toBe(false);
    const afterFailure = sys.stepCount;
    k.WriteMemory(base, new Uint8Array([7])); // records steps after the failure
    const ops = machineOf(sys).ops.count;
    expect(k.VirtualProtect(0x10000n, 4096n, PAGE_READWRITE, undefined)).toBe(false);
    expect(machineOf(sys).ops.count).toBe(ops);
    k.SetLastError(0);
    expect(sys.stateAt(afterFailure - 1).getLastError(pid)).toBe(ERROR_NOACCESS);
    expect(sys.stateAt(sys.stepCount - 1).getLastError(pid)).toBe(0);
    expect(reload(sys).getLastError(pid)).toBe(0);
  });
});

describe('the machine behind a System is engine-private (issue 13)', () => {
  it('the public System has no way to its machine; machineOf (the test-only entry) is the way in', () => {
    const { sys, pid } = machine();
    expect('internals' in sys).toBe(false);
    expect(Object.values(sys)).toEqual([]);
    expect(Object.getOwnPropertyNames(Object.getPrototypeOf(sys))).not.toContain('machine');
    expect(machineOf(sys).byPid.get(pid)!.pid).toBe(pid);
    expect(machineOf(sys.stateAt(0))).not.toBe(machineOf(sys));
  });
});

describe('the step log stores steps in chunks', () => {
  it('arguments and changes read back exactly across chunk boundaries; 64-bit values are their low 64 bits', () => {
    const log = new StepLog();
    log.enter();
    const values = [0n, 1n, 0xFFFFFFFFn, 0x100000000n, 0x7FFFFFFFFFFFn, -1n, -0x1000n, (1n << 64n) + 5n, 0xFFFFF68000000000n];
    const n = 40_000; // about 300,000 argument slots and 240,000 change slots: many 16,384-slot chunks
    for (let i = 0; i < n; i++) {
      const v = values[i % values.length]!;
      log.step('section.mapView')?.n(i).n(i % 7).a(v).a(i).n(4).a(v).change('vad', i, i * 4096).change('object', i % 7);
    }
    log.leave();
    for (const i of [0, 1, 2047, 2048, 2049, 16383, 16384, n - 1]) {
      const step = log.get(i);
      const v = BigInt.asUintN(64, values[i % values.length]!);
      expect(step.args).toEqual({ pid: i, controlArea: i % 7, base: v, size: BigInt(i), protect: 4, offset: v });
      expect(step.changes).toEqual([{ type: 'vad', pid: i, va: BigInt(i * 4096) }, { type: 'object', id: i % 7 }]);
    }
    log.truncate(5);
    log.enter();
    log.step('section.mapView')?.n(99).n(1).a(2n).a(3n).n(4).a(5n).change('object', 1);
    log.leave();
    expect(log.get(5).args).toEqual({ pid: 99, controlArea: 1, base: 2n, size: 3n, protect: 4, offset: 5n });
    expect(log.get(5).changes).toEqual([{ type: 'object', id: 1 }]);
  });
});

describe('no step is recorded outside an operation', () => {
  it('recording directly into the live step log throws; a machine driven directly must say so and loses time travel', () => {
    const { sys } = machine();
    expect(() => machineOf(sys).trace.step('system.privilege')).toThrow(StepOutsideOperation);
    machineOf(sys).detachFromReplay();
    expect(() => sys.stateAt(0)).toThrow(/outside the operation log/);
    expect(() => serializeSession(sys)).toThrow(/outside the operation log/);
  });
});

describe('a failed operation never poisons the log (issue 19 item 6)', () => {
  it('GetWriteWatch with a null count fails with ERROR_INVALID_PARAMETER, and every later replay and reload works', () => {
    const { sys, pid, base } = machine();
    const k = sys.win32(pid);
    k.WriteMemory(base, new Uint8Array([1]));
    const addresses: bigint[] = [];
    expect(k.GetWriteWatch(0, base, 64n * 4096n, addresses, null as unknown as { value: number }, { value: 0 })).toBe(ERROR_INVALID_PARAMETER);
    expect(k.GetLastError()).toBe(ERROR_INVALID_PARAMETER);
    const count = { value: 64 };
    expect(k.GetWriteWatch(1, base, 64n * 4096n, addresses, count, { value: 0 })).toBe(0);
    expect(addresses).toEqual([base]);
    // The caller changing its objects later changes nothing the log replays.
    count.value = 0; addresses.length = 0;
    expect(sys.stateAt(sys.stepCount - 1).queryVads(pid)).toEqual(sys.queryVads(pid));
    expect(reload(sys).stepCount).toBe(sys.stepCount);
  });

  it('an unknown process-manager call, an unknown account and a bigint where a number belongs are ERROR_INVALID_PARAMETER / ERROR_NONE_MAPPED, never TypeError', () => {
    const { sys, pid } = machine();
    const ops = machineOf(sys).ops.count;
    const code = (fn: () => unknown): number => { try { fn(); } catch (e) { expect(e).toBeInstanceOf(Win32Error); return (e as Win32Error).code; } return 0; };
    expect(code(() => sys.psCall({ call: 'noSuchCall' } as never))).toBe(ERROR_INVALID_PARAMETER);
    expect(code(() => sys.psCall({ call: 'toString' } as never))).toBe(ERROR_INVALID_PARAMETER);
    expect(code(() => sys.psCall({ call: 'createProcessAsUser', options: { imagePath: NOTEPAD, parentPid: pid }, user: { account: 'Nobody' as 'User', sessionId: 1 } }))).toBe(1332);
    expect(code(() => sys.psCall({ call: 'terminatePid', pid: BigInt(pid) as unknown as number, exitCode: 0 }))).toBe(ERROR_INVALID_PARAMETER);
    expect(code(() => sys.sectionCall({ call: 'readProcessMemory', pid, hProcess: -1, address: 0x10000n, size: 4n as unknown as number }))).toBe(ERROR_INVALID_PARAMETER);
    // Invalid shapes never reach the log; the documented failure (unknown account) replays as the same failure.
    expect(machineOf(sys).ops.count).toBe(ops + 1);
    const k = sys.win32(pid);
    expect(k.VirtualAlloc(0x10000 as unknown as bigint, 4096n, MEM_COMMIT, PAGE_READWRITE)).toBe(0n);
    expect(k.GetLastError()).toBe(ERROR_INVALID_PARAMETER);
    expect(() => k.ReadMemory(5 as unknown as bigint, 4)).toThrow(NtException);
    expect(() => k.WriteMemory(0x10000n, 'text' as unknown as Uint8Array)).toThrow(NtException);
    expect(reload(sys).stepCount).toBe(sys.stepCount);
  });

  it('an operation that throws an undocumented error is rolled back: no log entry, no steps, the state as before', () => {
    const { sys, pid, base } = machine();
    const k = sys.win32(pid);
    k.WriteMemory(base, new Uint8Array([7]));
    const steps = sys.stepCount;
    const ops = machineOf(sys).ops.count;
    const vads = sys.queryVads(pid);
    const pm = machineOf(sys).ps;
    // A half-done change, then a bug: a step recorded and a VAD allocated before the TypeError.
    vi.spyOn(pm, 'dispatch').mockImplementationOnce(() => {
      machineOf(sys).mm.trace.step('system.privilege')?.n(pid).s('half-done');
      k.VirtualAlloc(0n, 4096n, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
      throw new TypeError('a bug in the middle of an operation');
    });
    expect(() => sys.psCall({ call: 'dispatch' })).toThrow(TypeError);
    expect(sys.stepCount).toBe(steps);
    expect(machineOf(sys).ops.count).toBe(ops);
    expect(sys.queryVads(pid)).toEqual(vads);
    expect(sys.win32(pid).ReadMemory(base, 1)).toEqual(new Uint8Array([7]));
    // A Win32Api made before the roll-back works on the rebuilt state, not on stale process objects.
    k.WriteMemory(base, new Uint8Array([9]));
    expect(k.ReadMemory(base, 1)).toEqual(new Uint8Array([9]));
    expect(sys.win32(pid).ReadMemory(base, 1)).toEqual(new Uint8Array([9]));
    expect(reload(sys).stepCount).toBe(sys.stepCount);
  });
});

describe('session files carry every argument losslessly', () => {
  it('NaN, Infinity, -0, undefined, bigint, byte arrays and "$" keys come back as they were', () => {
    const { sys } = machine();
    const value = { a: NaN, b: Infinity, c: -Infinity, d: -0, e: undefined, f: 2n ** 70n, g: -5n, h: new Uint8Array([0, 255, 16]), $n: 'not a tag', nested: [{ $b: 1 }] };
    // A registry value keeps whatever data it was given; the op log keeps the call as made.
    // Whether the call succeeds does not matter: it is logged as made, and must load as made.
    try { sys.psCall({ call: 'setTokenInformation', callerPid: sys.processIds[0]!, hToken: 0x7FFC, infoClass: 25, info: value } as never); } catch (e) { expect(e).toBeInstanceOf(Win32Error); }
    const file = JSON.parse(JSON.stringify(serializeSession(sys)));
    const loaded = restoreSession(file);
    const op = machineOf(loaded).operations().at(-1) as Extract<Op, { op: 'ps' }>;
    const info = (op.args[0] as { info: Record<string, unknown> }).info;
    expect(Number.isNaN(info.a)).toBe(true);
    expect(info.b).toBe(Infinity);
    expect(info.c).toBe(-Infinity);
    expect(Object.is(info.d, -0)).toBe(true);
    expect('e' in info && info.e === undefined).toBe(true);
    expect(info.f).toBe(2n ** 70n);
    expect(info.g).toBe(-5n);
    expect(info.h).toEqual(new Uint8Array([0, 255, 16]));
    expect(info.$n).toBe('not a tag');
    expect(info.nested).toEqual([{ $b: 1 }]);
    expect(loaded.stepCount).toBe(sys.stepCount);
  });

  it('a 4 MB write saves and loads (no regular expression over the hex, no stack overflow)', () => {
    const { sys, pid } = machine({ physicalMemoryMB: 16, pageFileMB: 16 });
    const k = sys.win32(pid);
    const big = k.VirtualAlloc(0n, 4n << 20n, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
    const data = new Uint8Array(4 << 20);
    for (let i = 0; i < data.length; i += 4093) data[i] = i & 0xFF;
    k.WriteMemory(big, data);
    const loaded = reload(sys);
    expect(loaded.stepCount).toBe(sys.stepCount);
    expect(loaded.win32(pid).ReadMemory(big + 4093n * 7n, 1)[0]).toBe((4093 * 7) & 0xFF);
  });

  it('deep nesting and bad tags in a file are a clear SessionFileError, not "Maximum call stack size exceeded"', () => {
    const { sys } = machine();
    sys.psCall({ call: 'registerNotify', kind: 'process', name: 'lab.sys' });
    const file = serializeSession(sys) as unknown as { ops: Array<Record<string, unknown>> };
    const deep = '['.repeat(100_000) + '1' + ']'.repeat(100_000);
    const text = JSON.stringify(file).replace(/\]\}$/, `,{"op":"ps","args":[{"call":"registerNotify","kind":"process","name":"x","deny":${deep}}]}]}`);
    expect(() => restoreSession(JSON.parse(text))).toThrow(SessionFileError);
    expect(() => restoreSession(JSON.parse(text))).toThrow(/nested deeper/);
    const badHex = { ...file, ops: [...file.ops, { op: 'write', pid: 4, args: [0x10000, { $b: 'zz'.repeat(3_000_000) }] }] };
    expect(() => restoreSession(badHex)).toThrow(/bad bytes/);
    const unknownOp = { ...file, ops: [...file.ops, { op: 'constructor', args: [] }] };
    expect(() => restoreSession(unknownOp)).toThrow(/not a valid operation/);
  });

  it('copies are deep and iterative', () => {
    let deep: unknown = { v: 1n };
    for (let i = 0; i < 50_000; i++) deep = { next: deep };
    const copy = deepCopy(deep);
    let a = copy as { next?: unknown; v?: bigint };
    let b = deep as { next?: unknown };
    let depth = 0;
    let shared = 0;
    while (a.next) { if (a === b) shared++; a = a.next as typeof a; b = b.next as typeof b; depth++; }
    expect(shared).toBe(0);
    expect(depth).toBe(50_000);
    expect(a.v).toBe(1n);
  });

  it('the operation path checks, copies and counts an operation in one walk: the same copy, the same refusals as validateOp', () => {
    const bytes = new Uint8Array([1, 2, 3]);
    const call = { call: 'setJobLimits', callerPid: 4, hJob: 8, limits: { LimitFlags: 8, ActiveProcessLimit: 2, nested: [[1n, 'ab'], bytes] } };
    const op = { op: 'ps', args: [call], extra: { note: 'x' } } as unknown as Op;
    const { copy, bytes: counted } = copyForLog(op);
    expect(copy).toEqual(copyOp(op));
    const c = copy as unknown as { args: [typeof call]; extra: object };
    expect(c.args[0]).not.toBe(call);
    expect(c.args[0].limits.nested[1]).not.toBe(bytes);
    expect(c.extra).not.toBe((op as unknown as { extra: object }).extra);
    // 16 + 8 a slot per object or array, strings 16 + 2 a character, bigints 24, byte arrays 64 + length.
    const str = (t: string): number => 16 + 2 * t.length;
    const expected = (16 + 3 * 8) + str('ps') + (16 + 8) + (16 + 4 * 8) + str('setJobLimits') + (16 + 3 * 8) + (16 + 2 * 8) + (16 + 2 * 8) + 24 + str('ab') + (64 + 3) + (16 + 8) + str('x');
    expect(counted).toBe(expected);
    // What validateOp refuses (a function, a class instance, nesting past the limit), copyForLog refuses too.
    let deep: unknown = 1;
    for (let i = 0; i < 60; i++) deep = [deep];
    for (const hostile of [() => 1, new Map(), deep, { toString: Symbol('s') }]) {
      const bad = { op: 'ps', args: [{ call: 'setJobLimits', callerPid: 4, hJob: 8, limits: { x: hostile } }] };
      expect(() => validateOp(bad)).toThrow(LastError);
      expect(() => copyForLog(bad as unknown as Op)).toThrow(LastError);
    }
  });
});

describe('replay reproduces Accessed bits (issue 19 item 12)', () => {
  it('a load larger than the TLB copies its bytes inside the logged operation, so the last step equals the present', () => {
    const { sys, pid } = machine({ physicalMemoryMB: 16 });
    const k = sys.win32(pid);
    const big = k.VirtualAlloc(0n, 600n * 4096n, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
    for (let i = 0; i < 600; i++) k.WriteMemory(big + BigInt(i) * 4096n, new Uint8Array([i & 0xFF]));
    sys.runSystemThread('balanceSetManager'); // ages the working set: Accessed bits cleared
    const bytes = k.ReadMemory(big, 600 * 4096); // 600 pages: more than the 256-entry TLB holds
    expect(bytes[599 * 4096]).toBe(599 & 0xFF);
    expect(ptes(sys.stateAt(sys.stepCount - 1), pid)).toEqual(ptes(sys, pid));
    expect(ptes(reload(sys), pid)).toEqual(ptes(sys, pid));
  });
});

describe('time travel holds everything it keeps within timeTravelMemoryMB (issue 19 item 5)', () => {
  it('a long paging session: snapshots (PFN database and process copies), page contents and the op log stay under budget', () => {
    const BUDGET_MB = 12;
    const sys = createSystem({ boot: false, physicalMemoryMB: 16, pageFileMB: 64, timeTravelMemoryMB: BUDGET_MB });
    const pid = sys.createProcess({ imagePath: NOTEPAD }).pid;
    const k = sys.win32(pid);
    const pages = 6000;
    const base = k.VirtualAlloc(0n, BigInt(pages) * 4096n, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
    let maxSeen = 0;
    for (let round = 0; round < 6; round++) {
      for (let i = 0; i < pages; i++) k.WriteMemory(base + BigInt(i) * 4096n, new Uint8Array([round, i & 0xFF]));
      machineOf(sys).timeTravel!.takeSnapshot();
      const tt = sys.timeTravelMemory();
      maxSeen = Math.max(maxSeen, tt.retainedBytes);
      expect(tt.retainedBytes).toBe(tt.snapshotStateBytes + tt.pageBytes + tt.opLogBytes);
      expect(tt.snapshotStateBytes).toBeGreaterThan(0);
      expect(tt.opLogBytes).toBeGreaterThan(0);
      expect(tt.retainedBytes).toBeLessThanOrEqual(tt.budgetBytes);
    }
    const tt = sys.timeTravelMemory();
    expect(tt.snapshots).toBeGreaterThanOrEqual(2);
    // Every past step is still reachable.
    expect(sys.stateAt(Math.floor(sys.stepCount / 2)).stepsIncluded).toBe(Math.floor(sys.stepCount / 2) + 1);
    console.log(JSON.stringify({ ...tt, steps: sys.stepCount, bytesPerStep: Math.round(tt.retainedBytes / sys.stepCount), maxSeen }));
  }, 60_000);
});
