// The engine fuzzer of the reliability campaign (issue 19): drives every public entry point of the
// engine — System methods and queries, win32(pid) calls, psCall/sectionCall records, memoryListCommand,
// runSystemThread, grantPrivilege, stateAt, serializeSession/restoreSession — with typed and hostile
// generators from a seeded PRNG, and reports what it finds instead of stopping at the first finding:
//   - unexpected exceptions (anything but Win32Error / NtException / the internal LastError that the
//     boundary turns into a return value), classified by class and message;
//   - invariant failures (verifyIntegrity every `checkEvery` operations and at the end);
//   - data mismatches: bytes written into a "vault" process (private pages and two views of one
//     pagefile-backed section) must read back through trimming, the modified page writer, the paging
//     file and repurposing; the vault is never the target of generated calls, only of the harness;
//   - time travel and sessions: stateAt(last) equals the present, a random stateAt(k) builds, and a
//     save/load round trip reproduces the step count and the page-list counts.
// Used by scripts/fuzz.mjs (long campaigns, by hand) and test/unit/fuzz-campaign.property.test.ts
// (short runs in the unit suite). Plain TypeScript: no vitest, no Node built-ins.
import {
  createSystem, MEM_COMMIT, MEM_RESERVE, PAGE_READWRITE, restoreSession, serializeSession, verifyIntegrity, type System, type Win32Api,
} from '../../src/engine';
import { isDocumentedError } from '../../src/engine/errors';
import { PS_CALL_KINDS } from '../../src/engine/ps/calls';
import { SECTION_CALL_KINDS } from '../../src/engine/ps/sectionCalls';
import { machineOf } from '../../src/engine/testing';

/** mulberry32: a small, fast, seeded PRNG (public-domain algorithm by Tommy Ettinger). */
export class Rng {
  private s: number;
  constructor(seed: number) { this.s = seed >>> 0; }
  next(): number {
    let t = (this.s = (this.s + 0x6D2B79F5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number { return Math.floor(this.next() * n); }
  pick<T>(list: readonly T[]): T { return list[this.int(list.length)]!; }
  chance(p: number): boolean { return this.next() < p; }
}

export interface FuzzOptions {
  seed: number;
  /** Operations to run (each is one call of a public entry point). */
  ops: number;
  /** Share of hostile operations (any JS value in any parameter); default 0.35. */
  hostile?: number;
  /** verifyIntegrity and a data read-back every this many operations; default 500. */
  checkEvery?: number;
  /** A save/load round trip and a stateAt check every this many operations; default 2,000. */
  roundTripEvery?: number;
  /** Debugging a finding: verifyIntegrity after every operation (consumes no randomness), first failure in `firstInvariantFailure`. */
  integrityEveryOp?: boolean;
  /** Boot the usual processes (slower); default: every fourth seed. */
  boot?: boolean;
}

export interface Finding { count: number; example: string }
export interface FuzzReport {
  seed: number;
  ops: number;
  typed: number;
  hostile: number;
  /** Unexpected exceptions keyed by "where: Class: message". */
  unexpected: Record<string, Finding>;
  invariantFailures: Record<string, Finding>;
  dataMismatches: Record<string, Finding>;
  timeTravelFailures: Record<string, Finding>;
  /** Operations that failed the documented way (Win32Error, NtException, a Win32 failure return). */
  documentedFailures: number;
  /** Hostile arguments a read-only System query refused with its own validation error (named after it). */
  queryRejections: number;
  integrityChecks: number;
  pagesVerified: number;
  roundTrips: number;
  stateAtChecks: number;
  steps: number;
  firstInvariantFailure?: string;
}

const NOTEPAD = 'C:\\Windows\\System32\\notepad.exe';
const CMD = 'C:\\Windows\\System32\\cmd.exe';
const PAGE = 4096;
const VAULT_PAGES = 48;
const SECTION_PAGES = 16;

/** JSON text for any value (bigints as "123n", typed arrays by length), for examples in the report. */
export function show(v: unknown): string {
  try {
    return JSON.stringify(v, (_k, x: unknown) => {
      if (typeof x === 'bigint') return `${x}n`;
      if (x instanceof Uint8Array) return `Uint8Array(${x.length})`;
      if (typeof x === 'number' && !Number.isFinite(x)) return String(x);
      if (x === undefined) return 'undefined';
      return x;
    })?.slice(0, 300) ?? String(v);
  } catch (e) { return `<unshowable: ${(e as Error).message}>`; }
}

function add(table: Record<string, Finding>, key: string, example: string): void {
  const f = table[key.slice(0, 200)];
  if (f) f.count++; else table[key.slice(0, 200)] = { count: 1, example };
}

const errorKey = (where: string, e: unknown): string => (e instanceof Error ? `${where}: ${e.constructor.name}: ${e.message.replace(/0x[0-9a-f]+|\d+/gi, 'N')}` : `${where}: thrown ${typeof e}: ${String(e)}`);

/** Read-only System queries: they refuse bad arguments with a RangeError/TypeError/Win32Error named after themselves. */
const QUERIES = new Set(['system.queryProcess', 'system.queryPfn', 'system.getPagingStructureAddresses', 'system.decodePte', 'system.queryVads', 'system.queryWorkingSet',
  'system.listPages', 'system.walkAddress', 'system.queryPrototypePtes', 'system.queryVirtual', 'system.queryHandles', 'system.getSteps', 'system.stateAt', 'system.getLastError', 'system.win32']);
function isQueryRejection(where: string, e: unknown): boolean {
  return QUERIES.has(where) && (e instanceof RangeError || e instanceof TypeError) && e.message.startsWith(`${where.slice('system.'.length)}:`);
}

/** Values of every JS type: what a careless or hostile caller may pass anywhere. */
function hostileValue(r: Rng, world: World): unknown {
  switch (r.int(12)) {
    case 0: return r.pick<() => unknown>([
      () => undefined, () => null, () => NaN, () => Infinity, () => -Infinity, () => -0, () => true, () => false, () => '', () => 'x', () => [], () => ({}),
      () => ({ value: 1 }), () => new Uint8Array(3), () => () => 1, () => Symbol('s'), () => new Map(), () => new Date(0), () => Object.create(null) as unknown,
      () => { const o: Record<string, unknown> = { value: 1 }; o['self'] = o; return o; },
      () => DEEP,
      () => { let n = 0; return { get value() { return n++; }, set value(_v) { /* ignored */ } }; },
    ])();
    case 1: return r.pick([0, 1, -1, 4, 8, 0x1000, 0x3000, 0x40, 0x80000000, 0xFFFFFFFF, 2 ** 32, 2 ** 53, -(2 ** 31), 1.5]);
    case 2: return r.pick([0n, 1n, -1n, 0x10000n, 0x7FFE0000n, 2n ** 47n, 2n ** 64n, 2n ** 64n - 1n, 4096n, 0x20000n, -(2n ** 63n)]);
    case 3: return r.int(2 ** 31) - 2 ** 30;
    case 4: return BigInt(r.int(2 ** 31)) * BigInt(r.int(2 ** 20)) * (r.chance(0.1) ? -1n : 1n);
    case 5: return r.pick([NOTEPAD, CMD, 'C:\\nope.exe', 'C:\\Windows', '\\\\?\\C:\\x', 'a'.repeat(r.int(3000)), '\u0000', '%SystemRoot%\\x.exe', '__proto__', 'constructor']);
    case 6: return { value: hostileValue(r, world) };
    case 7: return Array.from({ length: r.int(4) }, () => hostileValue(r, world));
    case 8: return r.pick(HANDLES);
    case 9: return safePid(world, r.pick(world.pids.length ? world.pids : [4]));
    case 10: return world.regions.length ? r.pick(world.regions) + BigInt(r.int(8) * PAGE) : 0x10000n;
    default: return new Uint8Array(r.pick([0, 1, 7, 4096, 9000]));
  }
}

/** 10,000 nested arrays (built once). */
const DEEP: unknown = (() => { let o: unknown = 1; for (let i = 0; i < 10_000; i++) o = [o]; return o; })();
const HANDLES = [-1, 0, 4, 8, 0xC, 0x10, 0x14, 0x18, 0x1C, 0x20, 0x24, 0x28, 0x2C, 0x30, 0x40, 0x44, 0x48, 0x7FFFFFFF];

/** The generated world: live pids (the vault excluded), regions and views to aim at, and the vault. */
interface World {
  pids: number[];
  regions: bigint[];
  views: bigint[];
  vault: Vault;
}

/** The process whose memory only the harness touches, and the model of what it holds. */
interface Vault {
  pid: number;
  base: bigint;
  /** Expected bytes of each private page (null until first written). */
  pages: Array<Uint8Array | null>;
  viewA: bigint;
  viewB: bigint;
  section: Array<Uint8Array | null>;
  lost: boolean;
  /** The vault's client ids: its pid and its threads' tids (one numbering, as on Windows). */
  ids: Set<number>;
}

/** Never hand the vault's pid or a tid of its threads to a generated call (a generated TerminateProcess or exitThread would take its data). */
function safePid(world: World, v: number): number { while (world.vault.ids.has(v)) v++; return v; }
function scrub(world: World, root: unknown): unknown {
  // Iterative and bounded: hostile values nest 10,000 deep and may contain cycles.
  const fix = (v: unknown): unknown => {
    if (typeof v === 'number') return safePid(world, v);
    if (typeof v === 'bigint' && v >= 0n && v <= 0xFFFFFFFFn && world.vault.ids.has(Number(v))) return BigInt(safePid(world, Number(v)));
    return v;
  };
  const stack: Array<[unknown, number]> = [[root, 0]];
  const seen = new Set<unknown>();
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (!v || typeof v !== 'object' || v instanceof Uint8Array || v instanceof Map || v instanceof Date || seen.has(v) || depth > 64) continue;
    seen.add(v);
    const o = v as Record<string, unknown>;
    for (const k of Object.keys(o)) {
      const d = Object.getOwnPropertyDescriptor(o, k);
      if (!d || !('value' in d)) continue; // accessors stay as they are
      o[k] = fix(o[k]);
      stack.push([o[k], depth + 1]);
    }
  }
  return fix(root);
}

/** Typed values by parameter name, for psCall and sectionCall records (unknown names get hostile values). */
function typedField(r: Rng, world: World, sys: System, name: string): unknown {
  const pid = (): number => r.chance(0.9) && world.pids.length ? r.pick(world.pids) : 9999;
  switch (name) {
    case 'callerPid': case 'pid': return pid();
    case 'hProcess': case 'hThread': case 'hJob': case 'hToken': case 'handle': case 'hSection': return r.chance(0.1) ? null : r.pick(HANDLES);
    case 'hFile': return r.chance(0.5) ? -1 : r.pick(HANDLES);
    case 'tid': { const p = sys.queryProcess(pid()); return p && p.threads.length ? r.pick(p.threads).tid : 9999; }
    case 'exitCode': case 'id': case 'sessionId': return r.int(8);
    case 'access': return r.pick([0x1FFFFF, 0x1000, 0x0410, 0xF01FF, 0x8, 2, 4, 6, 1, 0x1F001F, 0xC0000000, 0x80000000]);
    case 'inherit': case 'disableAll': case 'killOnExit': return r.chance(0.5);
    case 'name': return r.pick([null, 'LabJob', 'LabSection', 'Missing', 'labdrv.sys']);
    case 'options': return { imagePath: r.pick([NOTEPAD, CMD, 'C:\\nope.exe']), parentPid: pid(), creationFlags: r.pick([0, 4, 0x10]) };
    case 'user': return { account: r.pick(['User', 'LocalSystem', 'Bogus']), sessionId: r.int(2) };
    case 'file': return r.pick([NOTEPAD, 'C:\\Users\\Student\\readme.txt', '']);
    case 'parameters': case 'arguments': return '';
    case 'verb': return r.pick(['', 'open', 'print', 'runas']);
    case 'appUserModelId': return r.pick(['Microsoft.WindowsCalculator_8wekyb3d8bbwe!App', 'Nope!App']);
    case 'startAddress': return 0x7FF600001000n;
    case 'parameter': return BigInt(r.int(100));
    case 'flags': return r.pick([0, 4]);
    case 'stackSize': return r.pick([0n, 0x100000n, 1n << 40n]);
    case 'limits': return { LimitFlags: r.pick([0, 8, 0x2000, 0x100]), ActiveProcessLimit: r.int(4), ProcessMemoryLimit: r.int(64) * 0x10000 };
    case 'kind': return r.pick(['process', 'thread']);
    case 'path': return r.pick(['C:\\data.bin', 'C:\\Users\\Student\\notes.txt', 'C:\\Windows', 'C:\\new.bin']);
    case 'data': return new Uint8Array(r.pick([0, 1, 100, 5000])).fill(r.int(256));
    case 'key': return 'HKLM\\SOFTWARE\\Lab';
    case 'value': return r.pick([null, { type: 1, data: 'x' }, { type: 4, data: r.int(9) }, { type: 99, data: 'bad' }]);
    case 'impersonationLevel': return r.int(4);
    case 'tokenType': return 1 + r.int(2);
    case 'infoClass': return r.pick([25, 12, 1, 99]);
    case 'info': return r.chance(0.5) ? { SessionId: 1 } : { Label: { Sid: 'S-1-16-4096' } };
    case 'changes': return [{ Name: r.pick(['SeDebugPrivilege', 'SeBogus', 'SeLockMemoryPrivilege']), Attributes: 2 }];
    case 'continueStatus': return r.pick([0x10002, 0x80010001]);
    case 'flProtect': return r.pick([PAGE_READWRITE, 2, 0x4000004, 8, 0x8000004]);
    case 'maximumSize': return r.pick([0x10000n, 0n, 0x3000n, 1n << 40n]);
    case 'share': return r.int(8);
    case 'disposition': return 1 + r.int(5);
    case 'offset': return r.pick([0n, 0x10000n, 0x1000n]);
    case 'bytes': return r.pick([0n, 0x2000n]);
    case 'base': return 0n;
    case 'address': return address(r, world);
    case 'size': return r.pick([1, 4096, 9000]);
    case 'deny': return undefined;
    default: return undefined;
  }
}

/** Field names each record kind may carry (a superset is harmless: unknown fields are ignored or rejected). */
const PS_FIELDS = ['callerPid', 'pid', 'hProcess', 'hThread', 'hJob', 'hToken', 'handle', 'tid', 'exitCode', 'id', 'access', 'inherit', 'name', 'options', 'user',
  'file', 'parameters', 'verb', 'appUserModelId', 'arguments', 'startAddress', 'parameter', 'flags', 'stackSize', 'limits', 'kind', 'path', 'data', 'key', 'value',
  'impersonationLevel', 'tokenType', 'infoClass', 'info', 'disableAll', 'changes', 'sessionId', 'continueStatus', 'killOnExit'];
const SECTION_FIELDS = ['pid', 'hFile', 'flProtect', 'maximumSize', 'name', 'access', 'inherit', 'hSection', 'offset', 'bytes', 'base', 'address', 'hProcess', 'size', 'data', 'path', 'share', 'disposition'];

function address(r: Rng, world: World): bigint {
  if (r.chance(0.1)) return 0x10000n;
  const list = r.chance(0.3) && world.views.length ? world.views : world.regions;
  if (!list.length) return 0x20000n;
  return r.pick(list) + BigInt(r.int(24) * PAGE + (r.chance(0.2) ? r.int(PAGE) : 0));
}

const MEMORY_COMMANDS = ['MemoryEmptyWorkingSets', 'MemoryFlushModifiedList', 'MemoryPurgeStandbyList', 'MemoryPurgeLowPriorityStandbyList'] as const;
const SYSTEM_THREAD_NAMES = ['balanceSetManager', 'modifiedPageWriter', 'mappedPageWriter', 'zeroPageThread', 'processStackSwapper'] as const;
const WIN32_METHODS = [
  'VirtualAlloc', 'VirtualFree', 'VirtualProtect', 'VirtualQuery', 'SetProcessWorkingSetSize', 'GetProcessWorkingSetSize', 'GetWriteWatch',
  'ResetWriteWatch', 'SetLastError', 'GetLastError', 'ReadMemory', 'WriteMemory', 'CloseHandle', 'OpenProcess', 'CreateProcess', 'ShellExecuteEx',
  'TerminateProcess', 'ExitProcess', 'GetExitCodeProcess', 'CreateThread', 'CreateRemoteThread', 'SuspendThread', 'ResumeThread', 'TerminateThread',
  'CreateJobObject', 'OpenJobObject', 'AssignProcessToJobObject', 'SetInformationJobObject', 'QueryInformationJobObject', 'TerminateJobObject',
  'IsProcessInJob', 'GetCurrentProcess', 'CreateFile', 'CreateFileMapping', 'OpenFileMapping', 'MapViewOfFile', 'MapViewOfFileEx', 'UnmapViewOfFile',
  'FlushViewOfFile', 'ReadProcessMemory', 'WriteProcessMemory', 'OpenProcessToken', 'DuplicateTokenEx', 'GetTokenInformation',
  'SetTokenInformation', 'AdjustTokenPrivileges', 'WTSQueryUserToken', 'CreateProcessAsUser', 'DebugActiveProcess', 'DebugActiveProcessStop',
  'WaitForDebugEvent', 'ContinueDebugEvent', 'DebugSetProcessKillOnExit',
] as const satisfies ReadonlyArray<keyof Win32Api>;
/** System methods that take arguments (queries included): hostile arguments must fail the documented way or return. */
const SYSTEM_METHODS = [
  'createProcess', 'psCall', 'sectionCall', 'memoryListCommand', 'runSystemThread', 'grantPrivilege', 'win32', 'getLastError', 'queryProcess',
  'queryPfn', 'getPagingStructureAddresses', 'decodePte', 'queryVads', 'queryWorkingSet', 'listPages', 'walkAddress', 'queryPrototypePtes',
  'queryVirtual', 'queryHandles', 'getSteps', 'stateAt',
] as const;

/** Typed Win32 calls, with plausible arguments, in a non-vault process. */
function typedWin32(r: Rng, world: World, k: Win32Api): unknown {
  const size = (): bigint => BigInt(r.pick([1, 2, 3, 16, 64, 256])) * 4096n;
  switch (r.int(16)) {
    case 0: { const a = k.VirtualAlloc(r.chance(0.7) ? 0n : address(r, world), size(), r.pick([MEM_COMMIT, MEM_RESERVE, MEM_RESERVE | MEM_COMMIT, MEM_RESERVE | MEM_COMMIT | 0x200000]), r.pick([4, 2, 0x104, 0x40, 1, 0x204])); if (a) world.regions.push(a); return a; }
    case 1: return k.VirtualFree(address(r, world), r.pick([0n, 4096n, 0x10000n]), r.pick([0x4000, 0x8000]));
    case 2: return k.VirtualProtect(address(r, world), r.pick([1n, 4096n, 0x5000n]), r.pick([2, 4, 0x104, 1, 0x40, 0x204]), { value: 0 });
    case 3: return k.VirtualQuery(address(r, world));
    case 4: return k.ReadMemory(address(r, world), r.pick([1, 8, 4096, 3 * 4096, 100 * 4096]));
    case 5: return k.WriteMemory(address(r, world), new Uint8Array(r.pick([1, 3, 4096 + 7])).fill(r.int(256)));
    case 6: return k.SetProcessWorkingSetSize(...r.pick<[bigint, bigint]>([[-1n, -1n], [0x100000n, 0x200000n], [5n, 1n], [0n, 0x30000n]]));
    case 7: { const h = k.CreateFileMapping(-1, r.pick([4, 2, 0x8000004, 0x4000004]), r.pick([0x10000n, 0x3000n]), r.pick([undefined, 'LabSection'])); if (h) { const v = k.MapViewOfFile(h, r.pick([2, 4, 1, 6]), 0n, r.pick([0n, 0x2000n])); if (v) world.views.push(v); if (r.chance(0.5)) k.CloseHandle(h); } return h; }
    case 8: return k.UnmapViewOfFile(r.chance(0.6) && world.views.length ? r.pick(world.views) : address(r, world));
    case 9: return k.CloseHandle(r.pick(HANDLES));
    case 10: { const pi = {} as Parameters<Win32Api['CreateProcess']>[5]; const ok = k.CreateProcess(r.pick([NOTEPAD, CMD, null]), r.pick([null, 'cmd /c x']), r.chance(0.5), r.pick([0, 4, 0x10]), null, pi); if (ok && pi.dwProcessId) world.pids.push(pi.dwProcessId); return ok; }
    case 11: return k.CreateThread(r.pick([0n, 0x100000n]), 0x7FF600001000n, 0n, r.pick([0, 4]), { value: 0 });
    case 12: return k.OpenProcess(r.pick([0x1FFFFF, 0x1000, 0x0410]), false, safePid(world, r.pick(world.pids)));
    case 13: return k.GetWriteWatch(r.int(2), world.regions[0] ?? 0n, 16n * 4096n, [], { value: 16 }, { value: 0 });
    case 14: return k.ResetWriteWatch(world.regions[0] ?? 0n, 16n * 4096n);
    default: return k.FlushViewOfFile(r.chance(0.6) && world.views.length ? r.pick(world.views) : address(r, world), 0n);
  }
}

/** One System-level operation, typed. */
function typedSystem(r: Rng, world: World, sys: System): unknown {
  switch (r.int(8)) {
    case 0: return sys.memoryListCommand(r.pick(MEMORY_COMMANDS));
    case 1: return sys.runSystemThread(r.pick(SYSTEM_THREAD_NAMES));
    case 2: return sys.grantPrivilege(r.pick(world.pids), r.pick(['SeLockMemoryPrivilege', 'SeDebugPrivilege', 'SeBogus']));
    case 3: { const p = sys.createProcess({ imagePath: r.pick([NOTEPAD, CMD]), parentPid: r.pick(world.pids) }); world.pids.push(p.pid); return p; }
    case 4: case 5: {
      const call: Record<string, unknown> = { call: r.pick(PS_CALL_KINDS) };
      for (const f of PS_FIELDS) { const v = typedField(r, world, sys, f); if (v !== undefined) call[f] = v; }
      if (call['call'] === 'boot' || call['call'] === 'terminatePid' && r.chance(0.7)) return undefined; // boot twice is documented-only noise; kill rarely
      const res = sys.psCall(scrub(world, call) as never) as unknown;
      if (res && typeof res === 'object' && 'pid' in res && typeof res.pid === 'number') world.pids.push(res.pid);
      return res;
    }
    default: {
      const call: Record<string, unknown> = { call: r.pick(SECTION_CALL_KINDS) };
      for (const f of SECTION_FIELDS) { const v = typedField(r, world, sys, f); if (v !== undefined) call[f] = v; }
      const res = sys.sectionCall(scrub(world, call) as never) as unknown;
      if (typeof res === 'bigint' && res > 0n && call['call'] === 'mapViewOfFile') world.views.push(res);
      return res;
    }
  }
}

/** One hostile operation: a random entry point, any JS values as arguments. */
function hostileOp(r: Rng, world: World, sys: System): [string, unknown[], () => unknown] {
  const n = r.int(7);
  const args = Array.from({ length: n }, () => hostileValue(r, world));
  const choice = r.int(10);
  if (choice < 6) {
    const name = r.pick(WIN32_METHODS);
    const k = sys.win32(r.pick(world.pids));
    scrub(world, args);
    return [`win32.${name}`, args, () => (k[name] as (...a: unknown[]) => unknown)(...args)];
  }
  if (choice < 8) {
    // A record of the right kind with some fields hostile, or a wholly hostile record.
    const ps = r.chance(0.6);
    const call: Record<string, unknown> = { call: r.chance(0.9) ? r.pick(ps ? PS_CALL_KINDS : SECTION_CALL_KINDS) : hostileValue(r, world) };
    for (const f of ps ? PS_FIELDS : SECTION_FIELDS) {
      if (r.chance(0.5)) call[f] = r.chance(0.5) ? hostileValue(r, world) : typedField(r, world, sys, f);
    }
    const whole = r.chance(0.1) ? hostileValue(r, world) : call;
    scrub(world, whole);
    if (whole && typeof whole === 'object' && (whole as { call?: unknown }).call === 'boot') return ['noop', [], () => undefined];
    return [`${ps ? 'psCall' : 'sectionCall'}.${typeof call['call'] === 'string' ? call['call'] : '(hostile kind)'}`, [whole], () => (ps ? sys.psCall(whole as never) : sys.sectionCall(whole as never))];
  }
  const name = r.pick(SYSTEM_METHODS);
  scrub(world, args);
  if (name === 'stateAt' || name === 'getSteps') {
    // Past states and step ranges: hostile numbers, or in-range points.
    if (r.chance(0.5)) args[0] = r.int(sys.stepCount + 2) - 1;
    if (name === 'getSteps' && r.chance(0.5)) args[1] = r.int(sys.stepCount + 60);
  }
  return [`system.${name}`, args, () => (sys[name] as (...a: unknown[]) => unknown).apply(sys, args)];
}

function createVault(sys: System): Vault {
  const pid = sys.createProcess({ imagePath: NOTEPAD }).pid;
  const k = sys.win32(pid);
  const base = k.VirtualAlloc(0n, BigInt(VAULT_PAGES * PAGE), MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
  const h = k.CreateFileMapping(-1, PAGE_READWRITE, BigInt(SECTION_PAGES * PAGE));
  const viewA = k.MapViewOfFile(h, 6, 0n, 0n);
  const viewB = k.MapViewOfFile(h, 6, 0n, 0n);
  k.CloseHandle(h);
  if (!base || !viewA || !viewB) throw new Error(`fuzz setup: vault allocation failed (last error ${k.GetLastError()})`);
  const ids = new Set([pid, ...(sys.queryProcess(pid)?.threads ?? []).map((t) => t.tid)]);
  return { pid, base, pages: new Array<Uint8Array | null>(VAULT_PAGES).fill(null), viewA, viewB, section: new Array<Uint8Array | null>(SECTION_PAGES).fill(null), lost: false, ids };
}

/** A harness write into the vault (private page or section page through view A), recorded in the model. */
function vaultWrite(r: Rng, sys: System, v: Vault): void {
  const k = sys.win32(v.pid);
  const inSection = r.chance(0.35);
  const pages = inSection ? v.section : v.pages;
  const page = r.int(pages.length);
  const offset = r.int(PAGE - 64);
  const data = new Uint8Array(1 + r.int(64));
  for (let i = 0; i < data.length; i++) data[i] = r.int(256);
  k.WriteMemory((inSection ? v.viewA : v.base) + BigInt(page * PAGE + offset), data);
  const model = pages[page] ?? (pages[page] = new Uint8Array(PAGE));
  model.set(data, offset);
}

/** Reads every modelled vault page back (section pages through view B) and compares. */
function vaultCheck(sys: System, v: Vault, report: FuzzReport, where: string): void {
  const k = sys.win32(v.pid);
  const check = (model: Array<Uint8Array | null>, base: bigint, what: string): void => {
    for (let i = 0; i < model.length; i++) {
      const expect = model[i];
      if (!expect) continue;
      const got = k.ReadMemory(base + BigInt(i * PAGE), PAGE);
      report.pagesVerified++;
      let bad = -1;
      for (let j = 0; j < PAGE; j++) if (got[j] !== expect[j]) { bad = j; break; }
      if (bad >= 0) add(report.dataMismatches, `${where}: ${what} page differs`, `seed ${report.seed} op ${report.ops} page ${i} byte ${bad}: expected ${expect[bad]} got ${got[bad]}`);
    }
  };
  check(v.pages, v.base, 'private');
  check(v.section, v.viewB, 'shared view');
}

/** The digest two equal machines agree on cheaply: steps, page lists, commit, processes. */
function summary(sys: System): string {
  return show({ lists: sys.querySystemMemoryListInformation(), commit: sys.queryCommit(), pids: sys.processIds });
}

export function fuzzEngine(o: FuzzOptions): FuzzReport { return run(o).report; }
/** The machine a fuzz run leaves behind (for session-file mutation). */
export function fuzzEngineSystem(o: FuzzOptions): System { return run(o).sys; }

function run(o: FuzzOptions): { report: FuzzReport; sys: System } {
  const r = new Rng(o.seed * 2654435761);
  const hostileShare = o.hostile ?? 0.35;
  const checkEvery = o.checkEvery ?? 500;
  const roundTripEvery = o.roundTripEvery ?? 2000;
  const report: FuzzReport = {
    seed: o.seed, ops: 0, typed: 0, hostile: 0, unexpected: {}, invariantFailures: {}, dataMismatches: {}, timeTravelFailures: {},
    documentedFailures: 0, queryRejections: 0, integrityChecks: 0, pagesVerified: 0, roundTrips: 0, stateAtChecks: 0, steps: 0,
  };
  const boot = o.boot ?? o.seed % 4 === 0;
  const sys = createSystem({ boot, physicalMemoryMB: r.pick([8, 12, 16]), pageFileMB: r.pick([16, 32, 64]), seed: o.seed, timeTravelMemoryMB: r.pick([16, 64]) });
  const vault = createVault(sys);
  const first = sys.createProcess({ imagePath: NOTEPAD }).pid;
  const second = sys.createProcess({ imagePath: CMD, parentPid: first }).pid;
  const world: World = { pids: [first, second], regions: [], views: [], vault };
  const k0 = sys.win32(first);
  world.regions.push(k0.VirtualAlloc(0n, 64n * 4096n, MEM_RESERVE | MEM_COMMIT | 0x200000, PAGE_READWRITE));
  world.regions.push(k0.VirtualAlloc(0n, 300n * 4096n, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE));

  const integrity = (where: string): void => {
    report.integrityChecks++;
    let errors: string[];
    try { errors = verifyIntegrity(sys); } catch (e) { add(report.unexpected, errorKey('verifyIntegrity', e), `seed ${o.seed} op ${report.ops}`); return; }
    for (const e of errors) add(report.invariantFailures, e.replace(/0x[0-9a-f]+|\d+/gi, 'N'), `seed ${o.seed} op ${report.ops} (${where}): ${e}`);
  };

  while (report.ops < o.ops) {
    world.pids = world.pids.filter((p) => sys.queryProcess(p) && p !== vault.pid);
    if (world.pids.length === 0) world.pids.push(sys.createProcess({ imagePath: NOTEPAD }).pid);
    if (world.regions.length > 200) world.regions.splice(2, 100);
    if (world.views.length > 100) world.views.splice(0, 50);
    report.ops++;
    const roll = r.next();
    let where = '';
    let args: unknown[] = [];
    try {
      if (roll < hostileShare) {
        report.hostile++;
        where = 'harness (generating a hostile call)';
        const [name, a, run] = hostileOp(r, world, sys);
        where = name; args = a;
        run();
      } else {
        report.typed++;
        if (!vault.lost && r.chance(0.15)) { where = 'vault.write'; vaultWrite(r, sys, vault); }
        else if (r.chance(0.75)) { const pid = r.pick(world.pids); where = 'win32.typed'; typedWin32(r, world, sys.win32(pid)); }
        else { where = 'system.typed'; typedSystem(r, world, sys); }
      }
    } catch (e) {
      if (isDocumentedError(e)) report.documentedFailures++;
      else if (isQueryRejection(where, e)) report.queryRejections++;
      else add(report.unexpected, errorKey(where, e), `seed ${o.seed} op ${report.ops} args ${show(args)} at ${e instanceof Error ? (e.stack ?? '').split('\n').slice(1, 9).join(' | ') : ''}`);
    }
    if (o.integrityEveryOp && !report.firstInvariantFailure) {
      const errors = verifyIntegrity(sys);
      if (errors.length) report.firstInvariantFailure = `op ${report.ops} ${where} ${show(args)}: ${errors[0]}`;
    }
    if (!vault.lost && !sys.queryProcess(vault.pid)) { vault.lost = true; add(report.dataMismatches, 'vault process died (a generated call reached it)', `seed ${o.seed} op ${report.ops} after ${where}`); }

    if (report.ops % checkEvery === 0) {
      integrity('periodic');
      if (!vault.lost) {
        // Push the vault through paging first half the time: trim, write out, repurpose.
        if (r.chance(0.5)) { sys.memoryListCommand('MemoryEmptyWorkingSets'); sys.memoryListCommand('MemoryFlushModifiedList'); if (r.chance(0.5)) sys.memoryListCommand('MemoryPurgeStandbyList'); }
        try { vaultCheck(sys, vault, report, 'live'); } catch (e) { add(report.dataMismatches, errorKey('vault read', e), `seed ${o.seed} op ${report.ops}: ${e instanceof Error ? e.message : String(e)}`); }
      }
    }
    if (report.ops % roundTripEvery === 0) roundTrip(sys, vault, report, r);
  }
  integrity('end');
  roundTrip(sys, vault, report, r);
  report.steps = sys.stepCount;
  return { report, sys };
}

/** Time travel and sessions: stateAt(last) is the present, stateAt(k) builds, and a save/load round trip agrees. */
function roundTrip(sys: System, vault: Vault, report: FuzzReport, r: Rng): void {
  const seed = report.seed;
  try {
    const now = summary(sys);
    report.stateAtChecks++;
    const last = summary(sys.stateAt(sys.stepCount - 1));
    if (last !== now) add(report.timeTravelFailures, 'stateAt(last) differs from the present', `seed ${seed} op ${report.ops}`);
    // Any step (mid-operation included: a half-built process) builds and answers queries.
    const k = r.int(sys.stepCount);
    const past = sys.stateAt(k);
    if (past.stepsIncluded !== k + 1) add(report.timeTravelFailures, 'stateAt(k) includes a different step count', `seed ${seed} op ${report.ops} k ${k}: ${past.stepsIncluded}`);
    summary(past);
    for (const pid of past.processIds) { past.queryVads(pid); past.queryHandles(pid); }
    // At an operation's last step the machine is between operations: every invariant holds.
    const ops = machineOf(sys).ops;
    const i = r.int(ops.count);
    const end = i + 1 < ops.count ? ops.stepAt(i + 1) - 1 : sys.stepCount - 1;
    if (end >= 0 && (i + 1 >= ops.count || ops.stepAt(i + 1) > ops.stepAt(i))) {
      const errors = verifyIntegrity(sys.stateAt(end));
      if (errors.length) add(report.timeTravelFailures, `a past state between operations fails verifyIntegrity: ${errors[0]!.replace(/\d+/g, 'N')}`, `seed ${seed} op ${report.ops} step ${end}: ${errors[0]}`);
    }
    report.roundTrips++;
    const loaded = restoreSession(JSON.parse(JSON.stringify(serializeSession(sys))));
    if (loaded.stepCount !== sys.stepCount) add(report.timeTravelFailures, 'a loaded session has a different step count', `seed ${seed} op ${report.ops}: ${loaded.stepCount} vs ${sys.stepCount}`);
    else if (summary(loaded) !== now) add(report.timeTravelFailures, 'a loaded session differs from the saved one', `seed ${seed} op ${report.ops}`);
    else if (!vault.lost) vaultCheck(loaded, vault, report, 'loaded');
  } catch (e) {
    add(report.timeTravelFailures, errorKey('round trip', e), `seed ${seed} op ${report.ops}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** Adds one run's report into a campaign total. */
export function merge(total: FuzzReport, one: FuzzReport): FuzzReport {
  for (const key of ['ops', 'typed', 'hostile', 'documentedFailures', 'queryRejections', 'integrityChecks', 'pagesVerified', 'roundTrips', 'stateAtChecks', 'steps'] as const) total[key] += one[key];
  for (const key of ['unexpected', 'invariantFailures', 'dataMismatches', 'timeTravelFailures'] as const) {
    for (const [k, f] of Object.entries(one[key])) { const t = total[key][k]; if (t) t.count += f.count; else total[key][k] = { ...f }; }
  }
  return total;
}
