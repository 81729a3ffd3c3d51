// Regression tests for the operation path (issue 13 item 1; issue 19 items 5, 6 and 12): every change
// is logged, failures that are not the documented Win32/NT errors leave nothing in the log, wrong JS
// types get the documented error, session files carry every argument losslessly and load whatever
// their size or nesting, and time travel keeps within its memory budget.
import { describe, expect, it, vi } from 'vitest';
import {
  createSystem, ERROR_INVALID_PARAMETER, MEM_COMMIT, MEM_RESERVE, MEM_WRITE_WATCH, NtException, PAGE_READWRITE,
  restoreSession, serializeSession, SessionFileError, Win32Error, type System,
} from '../../src/engine';
import { StepOutsideOperation } from '../../src/engine/trace';
import { deepCopy, type Op } from '../../src/engine/system';

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
  const m = sys.internals;
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
    expect(sys.stateAt(before - 1).internals.byPid.get(pid)!.privileges.has('SeLockMemoryPrivilege')).toBe(false);
    expect(sys.stateAt(before).internals.byPid.get(pid)!.privileges.has('SeLockMemoryPrivilege')).toBe(true);
    const loaded = reload(sys);
    expect(loaded.stepCount).toBe(sys.stepCount);
    expect(loaded.internals.byPid.get(pid)!.privileges.has('SeLockMemoryPrivilege')).toBe(true);
  });

  it('fails with the documented Win32Error for a process that does not exist, and the log still reloads', () => {
    const { sys } = machine();
    expect(() => sys.grantPrivilege(4242, 'SeDebugPrivilege')).toThrow(Win32Error);
    expect(() => sys.grantPrivilege(4242, 42 as unknown as string)).toThrow(Win32Error);
    expect(reload(sys).stepCount).toBe(sys.stepCount);
  });
});

describe('no step is recorded outside an operation', () => {
  it('recording directly into the live step log throws; a machine driven directly must say so and loses time travel', () => {
    const { sys } = machine();
    expect(() => sys.internals.trace.step('system.privilege')).toThrow(StepOutsideOperation);
    sys.internals.detachFromReplay();
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
    const ops = sys.internals.ops.count;
    const code = (fn: () => unknown): number => { try { fn(); } catch (e) { expect(e).toBeInstanceOf(Win32Error); return (e as Win32Error).code; } return 0; };
    expect(code(() => sys.psCall({ call: 'noSuchCall' } as never))).toBe(ERROR_INVALID_PARAMETER);
    expect(code(() => sys.psCall({ call: 'toString' } as never))).toBe(ERROR_INVALID_PARAMETER);
    expect(code(() => sys.psCall({ call: 'createProcessAsUser', options: { imagePath: NOTEPAD, parentPid: pid }, user: { account: 'Nobody' as 'User', sessionId: 1 } }))).toBe(1332);
    expect(code(() => sys.psCall({ call: 'terminatePid', pid: BigInt(pid) as unknown as number, exitCode: 0 }))).toBe(ERROR_INVALID_PARAMETER);
    expect(code(() => sys.sectionCall({ call: 'readProcessMemory', pid, hProcess: -1, address: 0x10000n, size: 4n as unknown as number }))).toBe(ERROR_INVALID_PARAMETER);
    // Invalid shapes never reach the log; the documented failure (unknown account) replays as the same failure.
    expect(sys.internals.ops.count).toBe(ops + 1);
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
    const ops = sys.internals.ops.count;
    const vads = sys.queryVads(pid);
    const pm = sys.internals.ps;
    // A half-done change, then a bug: a step recorded and a VAD allocated before the TypeError.
    vi.spyOn(pm, 'dispatch').mockImplementationOnce(() => {
      sys.internals.mm.trace.step('system.privilege')?.n(pid).s('half-done');
      k.VirtualAlloc(0n, 4096n, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
      throw new TypeError('a bug in the middle of an operation');
    });
    expect(() => sys.psCall({ call: 'dispatch' })).toThrow(TypeError);
    expect(sys.stepCount).toBe(steps);
    expect(sys.internals.ops.count).toBe(ops);
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
    const op = loaded.internals.operations().at(-1) as Extract<Op, { op: 'ps' }>;
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
      sys.internals.timeTravel!.takeSnapshot();
      const tt = sys.timeTravelMemory();
      maxSeen = Math.max(maxSeen, tt.retainedBytes);
      expect(tt.retainedBytes).toBe(tt.snapshotStateBytes + tt.pageBytes + tt.opLogBytes + tt.nearBytes);
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
