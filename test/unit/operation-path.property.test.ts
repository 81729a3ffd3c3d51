// One road for every state change (issue 13 item 1, issue 19 items 6 and 12): random sessions made of
// every operation kind — every Op, every process-manager call (PsCall) and every file-mapping call
// (SectionCall), typed and hostile arguments — round-trip through serializeSession/restoreSession with
// the same step count and the same state, and stateAt(k) equals a fresh replay to k. States are
// compared by a canonical digest: processes, VADs, the PTEs of every page in a VAD (Accessed bits
// included), the PFN lists, commit, handles, jobs, sections and every thread's last error. Win32 calls
// that set the last error outside a failing operation (SetLastError, a failure found before any operation
// runs, ERROR_ALREADY_EXISTS or ERROR_NOT_ALL_ASSIGNED on success: CreateFileMapping, CreateFile,
// OpenFileMapping, AdjustTokenPrivileges...) are generated too, so a last error set off the log fails it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createSystem, MEM_COMMIT, MEM_RESERVE, MEM_WRITE_WATCH, PAGE_READWRITE, restoreSession, serializeSession, type System,
} from '../../src/engine';
import { isDocumentedError } from '../../src/engine/errors';
import { OP_NAMES, type OpName } from '../../src/engine/system';
import { PS_CALL_KINDS, type PsCall } from '../../src/engine/ps/calls';
import { SECTION_CALL_KINDS, type SectionCall } from '../../src/engine/ps/sectionCalls';
import { HEAP_FIELDS, type HeapCall } from '../../src/engine/heap/calls';
import type { RegistryValue } from '../../src/engine/config/registry';
import { machineOf } from '../../src/engine/testing';

const NOTEPAD = 'C:\\Windows\\System32\\notepad.exe';
const CMD = 'C:\\Windows\\System32\\cmd.exe';

/** Everything a generated command may refer to, filled in by the setup and by earlier results. */
interface World { pids: number[]; regions: bigint[]; views: bigint[]; unexpected: string[]; heaps?: bigint[]; blocks?: bigint[]; pool?: bigint[] }

/** Picks from a list by a generated index (the list may grow while the session runs). */
type Pick = number;
const at = <T>(list: readonly T[], i: Pick): T => list[i % list.length]!;
const HANDLES = [-1, 4, 8, 0xC, 0x10, 0x14, 0x18, 0x1C, 0x20, 0x24, 0x28, 0x2C, 0x30, 0x40, 0x44, 0x48];

/** What a command is built from: small integers picked by fast-check, resolved against the world at run time. */
interface Seeds { a: Pick; b: Pick; c: Pick; d: Pick; e: Pick }
const seeds = fc.record({ a: fc.nat(64), b: fc.nat(64), c: fc.nat(64), d: fc.nat(64), e: fc.nat(64) });

const pidOf = (w: World, i: Pick): number => (i % 7 === 6 ? 9999 : at(w.pids, i));
const handle = (i: Pick): number => at(HANDLES, i);
const address = (w: World, i: Pick, j: Pick): bigint => {
  if (i % 9 === 8) return 0x10000n; // unmapped
  const list = i % 3 === 2 && w.views.length ? w.views : w.regions;
  return at(list, i) + BigInt(j % 20) * 4096n + BigInt(j % 3) * 8n;
};
const tidOf = (s: System, w: World, i: Pick): number => {
  const p = s.queryProcess(pidOf(w, i));
  return p && p.threads.length ? at(p.threads, i).tid : 9999;
};

/** Every process-manager call kind, with arguments built from seeds (a record, so the compiler checks none is missing). */
const PS: { [K in PsCall['call']]: (s: System, w: World, x: Seeds) => Extract<PsCall, { call: K }> } = {
  boot: () => ({ call: 'boot' }),
  createProcess: (_s, w, x) => ({ call: 'createProcess', options: { imagePath: at([NOTEPAD, CMD, 'C:\\nope.exe'], x.a), parentPid: pidOf(w, x.b), creationFlags: at([0, 4, 0x10], x.c) } }),
  createProcessAsUser: (_s, w, x) => ({ call: 'createProcessAsUser', options: { imagePath: NOTEPAD, parentPid: pidOf(w, x.a) }, user: { account: at(['User', 'LocalSystem', 'Bogus' as 'User'], x.b), sessionId: at([0, 1], x.c) } }),
  shellExecute: (_s, w, x) => ({ call: 'shellExecute', callerPid: pidOf(w, x.a), file: at([NOTEPAD, 'C:\\Users\\Student\\readme.txt', ''], x.b), parameters: '', verb: at(['', 'open', 'print'], x.c) }),
  activateApplication: (_s, w, x) => ({ call: 'activateApplication', callerPid: pidOf(w, x.a), appUserModelId: at(['Microsoft.WindowsCalculator_8wekyb3d8bbwe!App', 'Nope!App'], x.b), arguments: '' }),
  terminatePid: (_s, w, x) => ({ call: 'terminatePid', pid: pidOf(w, x.a + 1), exitCode: x.b }),
  terminateProcess: (_s, w, x) => ({ call: 'terminateProcess', callerPid: pidOf(w, x.a), hProcess: handle(x.b), exitCode: x.c }),
  createThread: (_s, w, x) => ({ call: 'createThread', callerPid: pidOf(w, x.a), hProcess: x.b % 2 ? null : handle(x.b), startAddress: 0x7FF600001000n, parameter: BigInt(x.c), flags: at([0, 4], x.d), stackSize: at([0n, 0x100000n], x.e) }),
  suspendThread: (_s, w, x) => ({ call: 'suspendThread', callerPid: pidOf(w, x.a), hThread: handle(x.b) }),
  resumeThread: (_s, w, x) => ({ call: 'resumeThread', callerPid: pidOf(w, x.a), hThread: handle(x.b) }),
  terminateThread: (_s, w, x) => ({ call: 'terminateThread', callerPid: pidOf(w, x.a), hThread: handle(x.b), exitCode: x.c }),
  suspendTid: (s, w, x) => ({ call: 'suspendTid', tid: tidOf(s, w, x.a) }),
  resumeTid: (s, w, x) => ({ call: 'resumeTid', tid: tidOf(s, w, x.a) }),
  exitThread: (s, w, x) => ({ call: 'exitThread', tid: tidOf(s, w, x.a), exitCode: x.b }),
  dispatch: () => ({ call: 'dispatch' }),
  openProcess: (_s, w, x) => ({ call: 'openProcess', callerPid: pidOf(w, x.a), access: at([0x1FFFFF, 0x1000, 0x0410], x.b), inherit: x.c % 2 === 0, pid: pidOf(w, x.d) }),
  closeHandle: (_s, w, x) => ({ call: 'closeHandle', callerPid: pidOf(w, x.a), handle: handle(x.b) }),
  createJob: (_s, w, x) => ({ call: 'createJob', callerPid: pidOf(w, x.a), name: at([null, 'LabJob'], x.b) }),
  openJob: (_s, w, x) => ({ call: 'openJob', callerPid: pidOf(w, x.a), access: 0x1F001F, inherit: false, name: at(['LabJob', 'Missing'], x.b) }),
  assignJob: (_s, w, x) => ({ call: 'assignJob', callerPid: pidOf(w, x.a), hJob: handle(x.b), hProcess: handle(x.c) }),
  setJobLimits: (_s, w, x) => ({ call: 'setJobLimits', callerPid: pidOf(w, x.a), hJob: handle(x.b), limits: { LimitFlags: at([0, 8, 0x2000], x.c), ActiveProcessLimit: 2 } }),
  terminateJob: (_s, w, x) => ({ call: 'terminateJob', callerPid: pidOf(w, x.a), hJob: handle(x.b), exitCode: x.c }),
  registerNotify: (_s, _w, x) => ({ call: 'registerNotify', kind: at(['process', 'thread'] as const, x.a), name: 'labdrv.sys' }),
  unregisterNotify: (_s, _w, x) => ({ call: 'unregisterNotify', id: x.a % 4 }),
  createFile: (_s, _w, x) => ({ call: 'createFile', path: at(['C:\\data.bin', 'C:\\Users\\Student\\notes.txt'], x.a), data: new Uint8Array(x.b * 100).fill(x.c) }),
  setRegistryValue: (_s, _w, x) => ({ call: 'setRegistryValue', key: 'HKLM\\SOFTWARE\\Lab', name: 'v', value: at([null, { type: 1, data: 'x' }, { type: 4, data: x.b }, { type: 99, data: 'bad' }] as Array<RegistryValue | null>, x.a) }),
  openProcessToken: (_s, w, x) => ({ call: 'openProcessToken', callerPid: pidOf(w, x.a), hProcess: handle(x.b), access: at([0xF01FF, 0x8], x.c) }),
  duplicateTokenEx: (_s, w, x) => ({ call: 'duplicateTokenEx', callerPid: pidOf(w, x.a), hToken: handle(x.b), access: 0xF01FF, impersonationLevel: 2, tokenType: at([1, 2], x.c) }),
  setTokenInformation: (_s, w, x) => ({ call: 'setTokenInformation', callerPid: pidOf(w, x.a), hToken: handle(x.b), infoClass: at([25, 12], x.c), info: x.c % 2 ? { SessionId: 1 } : { Label: { Sid: 'S-1-16-4096' } } }),
  adjustTokenPrivileges: (_s, w, x) => ({ call: 'adjustTokenPrivileges', callerPid: pidOf(w, x.a), hToken: handle(x.b), disableAll: x.c % 3 === 0, changes: [{ Name: at(['SeDebugPrivilege', 'SeBogus'], x.d), Attributes: 2 }] }),
  wtsQueryUserToken: (_s, w, x) => ({ call: 'wtsQueryUserToken', callerPid: pidOf(w, x.a), sessionId: at([1, 0, 7], x.b) }),
  createProcessWithToken: (_s, w, x) => ({ call: 'createProcessWithToken', callerPid: pidOf(w, x.a), hToken: handle(x.b), options: { imagePath: NOTEPAD } }),
  debugActiveProcess: (_s, w, x) => ({ call: 'debugActiveProcess', callerPid: pidOf(w, x.a), pid: pidOf(w, x.b) }),
  debugActiveProcessStop: (_s, w, x) => ({ call: 'debugActiveProcessStop', callerPid: pidOf(w, x.a), pid: pidOf(w, x.b) }),
  waitForDebugEvent: (_s, w, x) => ({ call: 'waitForDebugEvent', callerPid: pidOf(w, x.a) }),
  continueDebugEvent: (s, w, x) => ({ call: 'continueDebugEvent', callerPid: pidOf(w, x.a), pid: pidOf(w, x.b), tid: tidOf(s, w, x.b), continueStatus: at([0x10002, 0x80010001], x.c) }),
  debugSetProcessKillOnExit: (_s, w, x) => ({ call: 'debugSetProcessKillOnExit', callerPid: pidOf(w, x.a), killOnExit: x.b % 2 === 0 }),
};

/** Every file-mapping call kind. */
const SECTION: { [K in SectionCall['call']]: (s: System, w: World, x: Seeds) => Extract<SectionCall, { call: K }> } = {
  createFile: (_s, w, x) => ({ call: 'createFile', pid: pidOf(w, x.a), path: at(['C:\\data.bin', 'C:\\Windows', 'C:\\new.bin'], x.b), access: at([0xC0000000, 0x80000000], x.c), share: 0, disposition: 1 + (x.d % 5) }),
  createFileMapping: (_s, w, x) => ({ call: 'createFileMapping', pid: pidOf(w, x.a), hFile: x.b % 2 ? -1 : handle(x.b), flProtect: at([PAGE_READWRITE, 2, 0x4000004, 8], x.c), maximumSize: at([0x10000n, 0n, 0x3000n], x.d), name: at([null, 'LabSection'], x.e) }),
  openFileMapping: (_s, w, x) => ({ call: 'openFileMapping', pid: pidOf(w, x.a), access: at([6, 4, 1], x.b), inherit: false, name: at(['LabSection', 'Missing'], x.c) }),
  mapViewOfFile: (_s, w, x) => ({ call: 'mapViewOfFile', pid: pidOf(w, x.a), hSection: handle(x.b), access: at([2, 4, 1, 6], x.c), offset: 0n, bytes: at([0n, 0x2000n], x.d), base: 0n }),
  unmapViewOfFile: (_s, w, x) => ({ call: 'unmapViewOfFile', pid: pidOf(w, x.a), address: address(w, x.b, 0) }),
  flushViewOfFile: (_s, w, x) => ({ call: 'flushViewOfFile', pid: pidOf(w, x.a), address: address(w, x.b, x.c) }),
  readProcessMemory: (_s, w, x) => ({ call: 'readProcessMemory', pid: pidOf(w, x.a), hProcess: handle(x.b), address: address(w, x.c, x.d), size: at([1, 4096, 9000], x.e) }),
  writeProcessMemory: (_s, w, x) => ({ call: 'writeProcessMemory', pid: pidOf(w, x.a), hProcess: handle(x.b), address: address(w, x.c, x.d), data: new Uint8Array(at([1, 5000], x.e)).fill(x.a) }),
};

/** Every heap call kind: the process heap, created heaps, bogus handles; blocks from earlier calls and bogus pointers. */
const heapOf = (s: System, w: World, i: Pick): bigint => (i % 5 === 4 ? 0x12345n : at([...(w.heaps ?? []), BigInt(s.win32(w.pids[0]!).GetProcessHeap())], i));
const blockOf = (w: World, i: Pick): bigint => (i % 6 === 5 || !w.blocks?.length ? 0x7000n : at(w.blocks, i));
const HEAP: { [K in HeapCall['call']]: (s: System, w: World, x: Seeds) => Extract<HeapCall, { call: K }> } = {
  create: (_s, w, x) => ({ call: 'create', pid: pidOf(w, x.a), options: at([0, 1, 4], x.b), initialSize: at([0n, 0x3000n], x.c), maximumSize: at([0n, 0x20000n, 0x1000n], x.d) }),
  destroy: (s, w, x) => ({ call: 'destroy', pid: w.pids[0]!, heap: heapOf(s, w, x.a) }),
  alloc: (s, w, x) => ({ call: 'alloc', pid: w.pids[0]!, heap: heapOf(s, w, x.a), flags: at([0, 8, 4], x.b), bytes: at([24n, 1000n, 70000n, 0x100000n, 0x80000n], x.c) }),
  reAlloc: (s, w, x) => ({ call: 'reAlloc', pid: w.pids[0]!, heap: heapOf(s, w, x.a), flags: at([0, 8, 0x10], x.b), address: blockOf(w, x.c), bytes: at([8n, 5000n, 0x120000n], x.d) }),
  free: (s, w, x) => ({ call: 'free', pid: w.pids[0]!, heap: heapOf(s, w, x.a), flags: 0, address: blockOf(w, x.b) }),
  malloc: (_s, w, x) => ({ call: 'malloc', pid: pidOf(w, x.a), bytes: at([16n, 300n, 0x200000n], x.b) }),
  crtFree: (_s, w, x) => ({ call: 'crtFree', pid: pidOf(w, x.a), address: blockOf(w, x.b) }),
};

/** Every other operation kind, as the API would issue it (reads and writes through Win32 ReadMemory/WriteMemory). */
type Run = (s: System, w: World, x: Seeds) => unknown;
const OPS: { [K in Exclude<OpName, 'ps' | 'section' | 'heap'>]: Run } = {
  createProcess: (s, w, x) => s.createProcess({ imagePath: at([NOTEPAD, CMD], x.a), parentPid: pidOf(w, x.b) }),
  memoryListCommand: (s, _w, x) => s.memoryListCommand(at(['MemoryEmptyWorkingSets', 'MemoryFlushModifiedList', 'MemoryPurgeStandbyList', 'MemoryPurgeLowPriorityStandbyList'] as const, x.a)),
  runSystemThread: (s, _w, x) => s.runSystemThread(at(['balanceSetManager', 'modifiedPageWriter', 'mappedPageWriter', 'zeroPageThread', 'processStackSwapper'] as const, x.a)),
  grantPrivilege: (s, w, x) => s.grantPrivilege(pidOf(w, x.a), at(['SeLockMemoryPrivilege', 'SeDebugPrivilege'], x.b)),
  VirtualAlloc: (s, w, x) => machineOf(s).op({ op: 'VirtualAlloc', pid: pidOf(w, x.a), args: [x.b % 2 ? 0n : address(w, x.b, x.c), at([4096n, 0x10000n], x.d), at([MEM_COMMIT, MEM_RESERVE, MEM_RESERVE | MEM_COMMIT, MEM_RESERVE | MEM_COMMIT | MEM_WRITE_WATCH], x.e), at([4, 2, 0x104, 0x40], x.c)] }),
  VirtualFree: (s, w, x) => machineOf(s).op({ op: 'VirtualFree', pid: pidOf(w, x.a), args: [address(w, x.b, x.c), at([0n, 4096n], x.d), at([0x4000, 0x8000], x.e)] }),
  VirtualProtect: (s, w, x) => machineOf(s).op({ op: 'VirtualProtect', pid: pidOf(w, x.a), args: [address(w, x.b, x.c), 4096n, at([2, 4, 0x104, 1, 0x40], x.d)] }),
  SetProcessWorkingSetSize: (s, w, x) => machineOf(s).op({ op: 'SetProcessWorkingSetSize', pid: pidOf(w, x.a), args: at([[-1n, -1n], [0x100000n, 0x200000n], [5n, 1n], [0n, 0x30000n]] as Array<[bigint, bigint]>, x.b) }),
  // Locks bounded by the working-set minimum (some ranges past it, some uncommitted); unlocks of locked and unlocked pages.
  VirtualLock: (s, w, x) => machineOf(s).op({ op: 'VirtualLock', pid: pidOf(w, x.a), args: [address(w, x.b, x.c), at([4096n, 2n, 8n * 4096n, 60n * 4096n], x.d)] }),
  VirtualUnlock: (s, w, x) => machineOf(s).op({ op: 'VirtualUnlock', pid: pidOf(w, x.a), args: [address(w, x.b, x.c), at([4096n, 8n * 4096n], x.d)] }),
  // Memory priorities 0..6 (0 and 6 refused) on the current process/thread or a handle.
  SetProcessInformation: (s, w, x) => machineOf(s).op({ op: 'SetProcessInformation', pid: pidOf(w, x.a), args: [x.b % 2 ? -1 : handle(x.b), 0, x.c % 7] }),
  SetThreadInformation: (s, w, x) => machineOf(s).op({ op: 'SetThreadInformation', pid: pidOf(w, x.a), args: [x.b % 2 ? -2 : handle(x.b), 0, x.c % 7] }),
  // A null count is the hostile case of issue 19 (it used to poison every later replay).
  GetWriteWatch: (s, w, x) => machineOf(s).op({ op: 'GetWriteWatch', pid: pidOf(w, x.a), args: [x.b % 2, w.regions[1]!, 16n * 4096n, [], (x.c % 4 === 3 ? null : { value: x.c }) as { value: number }] }),
  ResetWriteWatch: (s, w, x) => machineOf(s).op({ op: 'ResetWriteWatch', pid: pidOf(w, x.a), args: [w.regions[1]!, at([4096n, 16n * 4096n], x.b)] }),
  // Loads of up to 300 pages: more than the TLB holds, so the copy-out must happen inside the logged operation.
  read: (s, w, x) => s.win32(pidOf(w, 0)).ReadMemory(address(w, x.a, x.b), at([1, 3 * 4096, 300 * 4096, 8], x.c)),
  write: (s, w, x) => s.win32(pidOf(w, 0)).WriteMemory(address(w, x.a, x.b), new Uint8Array(at([1, 4096 + 7, 3], x.c)).fill(x.d)),
  SetLastError: (s, w, x) => s.win32(pidOf(w, x.a)).SetLastError(at([0, 5, 87, 0x20000001], x.b)),
  // The pool: small and big blocks in both pools, frees of earlier blocks (some with the wrong tag) and of bogus
  // addresses, accesses (faulting trimmed paged pool back) and system working-set trims.
  pool: (s, w, x) => {
    const block = (i: Pick): bigint => (i % 5 === 4 || !w.pool?.length ? 0xFFFF800000001230n : at(w.pool, i));
    switch (x.a % 4) {
      case 0: { const b = s.exAllocatePoolWithTag(x.b % 2, at([24, 200, 4064, 9000], x.c), at(['Test', 'Drv1', 'Ab'], x.d)); if (b) (w.pool ??= []).push(b); return b; }
      case 1: return s.exFreePoolWithTag(block(x.b), at(['Test', 'Drv1', 'Ab', 'Zz'], x.c));
      case 2: return s.accessPool(block(x.b), x.c % 2 === 0);
      default: return s.trimSystemWorkingSet(at([1, 8, 1000], x.b));
    }
  },
};

/**
 * Win32 calls whose last error is not (only) a failing operation's: failures found before any operation
 * runs (a missing out parameter, a query of an address or handle that is not there) and success codes.
 */
const WIN32: Record<string, Run> = {
  VirtualProtectNoOut: (s, w, x) => s.win32(pidOf(w, x.a)).VirtualProtect(address(w, x.b, x.c), 4096n, PAGE_READWRITE, x.d % 2 ? undefined : { value: 0 }),
  VirtualQuery: (s, w, x) => s.win32(pidOf(w, x.a)).VirtualQuery(x.b % 2 ? 0xFFFF800000000000n : address(w, x.b, x.c)),
  CreateFileMapping: (s, w, x) => s.win32(pidOf(w, x.a)).CreateFileMapping(-1, PAGE_READWRITE, 0x10000n, at(['LabSection', 'Other'], x.b)),
  CreateJobObject: (s, w, x) => s.win32(pidOf(w, x.a)).CreateJobObject(null, at(['LabJob', 'Other'], x.b)),
  GetExitCodeProcess: (s, w, x) => s.win32(pidOf(w, x.a)).GetExitCodeProcess(handle(x.b), { value: 0 }),
  // Success with ERROR_NOT_ALL_ASSIGNED or 0 as the last error; a NewState that is not an array is the hostile case.
  AdjustTokenPrivileges: (s, w, x) => s.win32(pidOf(w, x.a)).AdjustTokenPrivileges(handle(x.b), x.c % 3 === 0,
    at([[{ Name: 'SeDebugPrivilege', Attributes: 2 }], [{ Name: 'SeBogus', Attributes: 2 }, { Name: 'SeShutdownPrivilege', Attributes: 0 }], null, 'SeDebugPrivilege', [null]], x.d) as Array<{ Name: string; Attributes: number }>),
  // CREATE_ALWAYS/OPEN_ALWAYS over an existing file succeed with ERROR_ALREADY_EXISTS.
  CreateFile: (s, w, x) => s.win32(pidOf(w, x.a)).CreateFile(at(['C:\\data.bin', 'C:\\new.bin', 'C:\\Windows'], x.b), at([0xC0000000, 0x80000000], x.c), 0, null, 1 + (x.d % 5), 0, 0),
  OpenFileMapping: (s, w, x) => s.win32(pidOf(w, x.a)).OpenFileMapping(at([6, 4, 1], x.b), false, at(['LabSection', 'Missing'], x.c)),
};

type Cmd = { kind: string; run: Run };
const commands: Cmd[] = [
  ...Object.entries(OPS).map(([kind, run]) => ({ kind, run })),
  ...Object.entries(PS).map(([kind, make]) => ({ kind: `ps.${kind}`, run: ((s, w, x) => s.psCall(make(s, w, x) as PsCall)) as Run })),
  ...Object.entries(SECTION).map(([kind, make]) => ({ kind: `section.${kind}`, run: ((s, w, x) => s.sectionCall(make(s, w, x) as SectionCall)) as Run })),
  ...Object.entries(HEAP).map(([kind, make]) => ({ kind: `heap.${kind}`, run: ((s, w, x) => machineOf(s).heapCall(make(s, w, x) as HeapCall)) as Run })),
  ...Object.entries(WIN32).map(([kind, run]) => ({ kind: `win32.${kind}`, run })),
];
const command = fc.tuple(fc.nat(commands.length - 1), seeds);

function setup(): { sys: System; world: World } {
  const sys = createSystem({ boot: false, physicalMemoryMB: 8, pageFileMB: 16, seed: 7 });
  const a = sys.createProcess({ imagePath: NOTEPAD }).pid;
  const b = sys.createProcess({ imagePath: CMD, parentPid: a }).pid;
  const k = sys.win32(a);
  const big = k.VirtualAlloc(0n, 300n * 4096n, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
  const watched = k.VirtualAlloc(0n, 16n * 4096n, MEM_RESERVE | MEM_COMMIT | MEM_WRITE_WATCH, PAGE_READWRITE);
  return { sys, world: { pids: [a, b], regions: [big, watched], views: [], unexpected: [] } };
}

function execute(sys: System, world: World, [index, x]: [number, Seeds]): void {
  const cmd = commands[index]!;
  try {
    const r = cmd.run(sys, world, x);
    if (typeof r === 'bigint' && r > 0n && cmd.kind === 'section.mapViewOfFile') world.views.push(r);
    if (typeof r === 'bigint' && r > 0n && cmd.kind === 'heap.create') (world.heaps ??= []).push(r);
    if (typeof r === 'bigint' && r > 0n && (cmd.kind === 'heap.alloc' || cmd.kind === 'heap.reAlloc' || cmd.kind === 'heap.malloc')) (world.blocks ??= []).push(r);
    if (r && typeof r === 'object' && 'pid' in r && typeof r.pid === 'number') world.pids.push(r.pid);
  } catch (e) {
    if (!isDocumentedError(e)) world.unexpected.push(`${cmd.kind}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** A canonical description of the state: what two equal machines must agree on, Accessed bits included. */
function digest(sys: System): unknown {
  const m = machineOf(sys);
  const processes = sys.processIds.map((pid) => {
    const p = m.byPid.get(pid)!;
    const ptes: number[] = [];
    for (const v of p.vads.toArray()) {
      for (let vpn = v.startVpn; vpn <= Math.min(v.endVpn, v.startVpn + 400); vpn++) { const [lo, hi] = m.mm.peekPte(p, vpn); if (lo || hi) ptes.push(vpn, lo, hi); }
    }
    const heaps = sys.queryHeaps(pid).map((h) => ({ ...h, blocks: sys.queryHeapBlocks(pid, h.handle, 0, 10_000) }));
    return { info: sys.queryProcess(pid), vads: sys.queryVads(pid), handles: sys.queryHandles(pid), ws: sys.queryWorkingSet(pid).entries, ptes, heaps };
  });
  const lists = (['Zeroed', 'Free', 'Standby', 'Modified', 'ModifiedNoWrite', 'Bad'] as const).map((l) => sys.listPages(l));
  // Every thread's last error (the Win32 thread of each process, exited ones and unknown callers included).
  const lastErrors = [...m.lastErrors].sort((a, b) => a[0] - b[0]);
  return { processes, lists, memory: sys.querySystemMemoryListInformation(), commit: sys.queryCommit(), jobs: sys.queryJobs(), sections: sys.querySections(), lastErrors };
}

/** A fresh machine that ran the first `count` operations of `sys` (replayed through restoreSession). */
function freshReplay(sys: System, count: number): System {
  const file = serializeSession(sys);
  const bootOps = machineOf(sys).ops.count - file.ops.length;
  const part = { ...file, ops: file.ops.slice(0, count - bootOps), stepCount: 0 };
  try { restoreSession(part); } catch (e) { const m = /replay recorded (\d+) steps/.exec((e as Error).message); part.stepCount = Number(m?.[1]); }
  return restoreSession(JSON.parse(JSON.stringify(part)));
}

describe('one operation path for every operation kind', () => {
  it('the generators cover every Op, every PsCall and every SectionCall kind', () => {
    expect(Object.keys(OPS).concat('ps', 'section', 'heap').sort()).toEqual([...OP_NAMES].sort());
    expect(Object.keys(HEAP).sort()).toEqual(Object.keys(HEAP_FIELDS).sort());
    expect(Object.keys(PS).sort()).toEqual([...PS_CALL_KINDS].sort());
    expect(Object.keys(SECTION).sort()).toEqual([...SECTION_CALL_KINDS].sort());
  });

  it('random sessions save and load to the same steps and state; stateAt(k) is a fresh replay to k; no operation leaves an undocumented error', () => {
    const unexpected: string[] = [];
    const seen = new Set<string>();
    fc.assert(fc.property(fc.array(command, { minLength: 4, maxLength: 18 }), fc.nat(1000), (cmds, pick) => {
      const { sys, world } = setup();
      for (const c of cmds) { seen.add(commands[c[0]]!.kind); execute(sys, world, c); }
      unexpected.push(...world.unexpected);
      // Save and load: same step count, same state.
      const file = JSON.parse(JSON.stringify(serializeSession(sys)));
      const loaded = restoreSession(file);
      expect(loaded.stepCount).toBe(sys.stepCount);
      expect(digest(loaded)).toEqual(digest(sys));
      // The last step's state is the present (Accessed bits included: issue 19 item 12).
      expect(digest(sys.stateAt(sys.stepCount - 1))).toEqual(digest(sys));
      // stateAt at an operation boundary equals a fresh machine that ran the operations up to there
      // (and the operations right after it that record no step: stateAt(k) includes those).
      const log = machineOf(sys).ops;
      const ops = log.count;
      let j = 1 + (pick % (ops - 1));
      while (j < ops && (j + 1 < ops ? log.stepAt(j + 1) : sys.stepCount) === log.stepAt(j)) j++;
      const fresh = freshReplay(sys, j);
      expect(digest(sys.stateAt(fresh.stepCount - 1))).toEqual(digest(fresh));
      // Any step, even inside an operation: the live machine's and the loaded machine's past agree.
      const k = pick % sys.stepCount;
      expect(digest(loaded.stateAt(k))).toEqual(digest(sys.stateAt(k)));
    }), { numRuns: 40, seed: 1913 });
    expect(unexpected).toEqual([]);
    expect(seen.size).toBeGreaterThan(commands.length * 0.8);
  }, 240_000);
});

