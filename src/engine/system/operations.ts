// The operations of the replay log: what they are (Op), what each returns (OpResult), how their
// arguments are checked at the API boundary (validateOp: a wrong JS type is ERROR_INVALID_PARAMETER,
// never a TypeError half-way through a change) and copied into the log (copyOp: the log never shares
// an object with the caller, so a caller changing its objects later cannot change what replays).
import { ERROR_INVALID_PARAMETER, MemoryEmptyWorkingSets, MemoryFlushModifiedList, MemoryPurgeLowPriorityStandbyList, MemoryPurgeStandbyList } from '../constants';
import { LastError } from '../errors';
import type { PsCall, PsResult } from '../ps/calls';
import { isPsCallKind } from '../ps/calls';
import type { SectionCall, SectionResult } from '../ps/sectionCalls';
import { isSectionCallKind } from '../ps/sectionCalls';
import type { HeapCall, HeapResult } from '../heap/calls';
import { HEAP_FIELDS, isHeapCallKind } from '../heap/calls';
import type { PoolCall, PoolResult } from '../mm/poolCalls';
import { isPoolCallKind, POOL_FIELDS } from '../mm/poolCalls';

export interface CreateProcessOptions {
  imagePath: string;
  commandLine?: string;
  parentPid?: number;
  creationFlags?: number;
}

export type MemoryListCommand = 'MemoryEmptyWorkingSets' | 'MemoryFlushModifiedList' | 'MemoryPurgeStandbyList' | 'MemoryPurgeLowPriorityStandbyList';
/** SYSTEM_MEMORY_LIST_COMMAND values (Microsoft Learn / public symbols: ntexapi.h). */
export const MEMORY_LIST_COMMANDS: Readonly<Record<MemoryListCommand, number>> = {
  MemoryEmptyWorkingSets, MemoryFlushModifiedList, MemoryPurgeStandbyList, MemoryPurgeLowPriorityStandbyList,
};

export type SystemThreadName = 'balanceSetManager' | 'modifiedPageWriter' | 'mappedPageWriter' | 'zeroPageThread' | 'processStackSwapper';
/** The memory manager's system threads a learner can run once. */
export const SYSTEM_THREADS: readonly SystemThreadName[] = ['balanceSetManager', 'modifiedPageWriter', 'mappedPageWriter', 'zeroPageThread', 'processStackSwapper'];

/** An operation of the replay log. */
export type Op =
  | { op: 'createProcess'; args: [CreateProcessOptions] }
  | { op: 'ps'; args: [PsCall] }
  | { op: 'section'; args: [SectionCall] }
  | { op: 'heap'; args: [HeapCall] }
  /** The pool: a driver's ExAllocatePoolWithTag / ExFreePoolWithTag, an access, a system working-set trim. */
  | { op: 'pool'; args: [PoolCall] }
  | { op: 'memoryListCommand'; args: [MemoryListCommand] }
  | { op: 'runSystemThread'; args: [SystemThreadName] }
  | { op: 'grantPrivilege'; args: [number, string] }
  | { op: 'VirtualAlloc'; pid: number; args: [bigint, bigint, number, number] }
  | { op: 'VirtualFree'; pid: number; args: [bigint, bigint, number] }
  | { op: 'VirtualProtect'; pid: number; args: [bigint, bigint, number] }
  | { op: 'SetProcessWorkingSetSize'; pid: number; args: [bigint, bigint] }
  | { op: 'VirtualLock'; pid: number; args: [bigint, bigint] }
  | { op: 'VirtualUnlock'; pid: number; args: [bigint, bigint] }
  /** SetProcessInformation: [hProcess, ProcessInformationClass, MEMORY_PRIORITY_INFORMATION.MemoryPriority]. */
  | { op: 'SetProcessInformation'; pid: number; args: [number, number, number] }
  /** SetThreadInformation: [hThread, ThreadInformationClass, MEMORY_PRIORITY_INFORMATION.MemoryPriority]. */
  | { op: 'SetThreadInformation'; pid: number; args: [number, number, number] }
  | { op: 'GetWriteWatch'; pid: number; args: [number, bigint, bigint, bigint[], { value: number }] }
  | { op: 'ResetWriteWatch'; pid: number; args: [bigint, bigint] }
  | { op: 'read'; pid: number; args: [number, number] }
  | { op: 'write'; pid: number; args: [number, Uint8Array] }
  // The thread's last error set by the Win32 layer itself: SetLastError, a failure found before any other
  // operation ran (a bad out parameter, a wrong JS type), or a documented success code (ERROR_ALREADY_EXISTS).
  | { op: 'SetLastError'; pid: number; args: [number] };

export type OpName = Op['op'];

/** What each operation returns (process-manager and file-mapping calls: by their call kind). */
export interface OpResults {
  createProcess: { pid: number; tid: number };
  memoryListCommand: number;
  runSystemThread: number;
  grantPrivilege: void;
  VirtualAlloc: bigint;
  VirtualFree: void;
  VirtualProtect: number;
  SetProcessWorkingSetSize: void;
  VirtualLock: number;
  VirtualUnlock: number;
  SetProcessInformation: void;
  SetThreadInformation: void;
  GetWriteWatch: number;
  ResetWriteWatch: number;
  read: void;
  write: void;
  SetLastError: void;
}
/** The result of one operation: `machine.op({ op: 'VirtualAlloc', ... })` is a bigint, no cast needed. */
export type OpResult<O extends Op> =
  O extends { op: 'ps'; args: [infer C extends PsCall] } ? PsResult<C>
    : O extends { op: 'section'; args: [infer C extends SectionCall] } ? SectionResult<C>
      : O extends { op: 'heap'; args: [infer C extends HeapCall] } ? HeapResult<C>
        : O extends { op: 'pool'; args: [infer C extends PoolCall] } ? PoolResult<C>
          : O['op'] extends keyof OpResults ? OpResults[O['op']] : never;

/** Every operation kind, in one list (validation and the property test that covers them all). */
export const OP_NAMES: readonly OpName[] = [
  'createProcess', 'ps', 'section', 'heap', 'memoryListCommand', 'runSystemThread', 'grantPrivilege', 'VirtualAlloc', 'VirtualFree',
  'VirtualProtect', 'SetProcessWorkingSetSize', 'GetWriteWatch', 'ResetWriteWatch', 'read', 'write', 'SetLastError',
  'VirtualLock', 'VirtualUnlock', 'SetProcessInformation', 'SetThreadInformation', 'pool',
];

/**
 * Argument types by position: n = number, a = bigint, s = string, u = Uint8Array, o = object, O = object or null,
 * A = array, c = process-manager call, f = file-mapping call, h = heap call, P = pool call, m = memory list command, t = system thread name.
 */
const OP_ARGS: Readonly<Record<OpName, string>> = {
  createProcess: 'o', ps: 'c', section: 'f', heap: 'h', pool: 'P', memoryListCommand: 'm', runSystemThread: 't', grantPrivilege: 'ns',
  VirtualAlloc: 'aann', VirtualFree: 'aan', VirtualProtect: 'aan', SetProcessWorkingSetSize: 'aa',
  GetWriteWatch: 'naaAO', ResetWriteWatch: 'aa', read: 'nn', write: 'nu', SetLastError: 'n',
  VirtualLock: 'aa', VirtualUnlock: 'aa', SetProcessInformation: 'nnn', SetThreadInformation: 'nnn',
};
const PID_OPS = new Set<OpName>(['VirtualAlloc', 'VirtualFree', 'VirtualProtect', 'SetProcessWorkingSetSize', 'GetWriteWatch', 'ResetWriteWatch', 'read', 'write', 'SetLastError',
  'VirtualLock', 'VirtualUnlock', 'SetProcessInformation', 'SetThreadInformation']);

/**
 * The thread an operation is made by, whose last error its failure sets (the Win32 layer's convention:
 * failures set the calling thread's last error, Microsoft Learn "GetLastError"): the process of a Win32
 * operation, a file-mapping call's caller, a process-manager call's callerPid. Operations of the whole
 * machine (boot, createProcess without a caller, memory list commands, system threads) have none.
 */
export function callingThread(op: Op): number | undefined {
  if ('pid' in op) return op.pid;
  if (op.op === 'section') return op.args[0].pid;
  if (op.op === 'heap') return op.args[0].pid;
  if (op.op === 'ps' && 'callerPid' in op.args[0]) return op.args[0].callerPid;
  return undefined;
}

/** Field types of each call kind (letters as OP_ARGS; N = number or null, S = string or null, b = boolean, ? = anything, trailing ? = optional). */
const PS_FIELDS: Readonly<Record<PsCall['call'], Readonly<Record<string, string>>>> = {
  boot: {}, dispatch: {},
  createProcess: { options: 'p' },
  createProcessAsUser: { options: 'p', user: 'o' },
  shellExecute: { callerPid: 'n', file: 's', parameters: 's', verb: 's' },
  activateApplication: { callerPid: 'n', appUserModelId: 's', arguments: 's' },
  terminatePid: { pid: 'n', exitCode: 'n' },
  terminateProcess: { callerPid: 'n', hProcess: 'n', exitCode: 'n' },
  createThread: { callerPid: 'n', hProcess: 'N', startAddress: 'a', parameter: 'a', flags: 'n', stackSize: 'a' },
  suspendThread: { callerPid: 'n', hThread: 'n' },
  resumeThread: { callerPid: 'n', hThread: 'n' },
  terminateThread: { callerPid: 'n', hThread: 'n', exitCode: 'n' },
  suspendTid: { tid: 'n' }, resumeTid: { tid: 'n' }, exitThread: { tid: 'n', exitCode: 'n' },
  openProcess: { callerPid: 'n', access: 'n', inherit: 'b', pid: 'n' },
  closeHandle: { callerPid: 'n', handle: 'n' },
  createJob: { callerPid: 'n', name: 'S' },
  openJob: { callerPid: 'n', access: 'n', inherit: 'b', name: 's' },
  assignJob: { callerPid: 'n', hJob: 'n', hProcess: 'n' },
  setJobLimits: { callerPid: 'n', hJob: 'n', limits: 'o' },
  terminateJob: { callerPid: 'n', hJob: 'n', exitCode: 'n' },
  registerNotify: { kind: 's', name: 's', deny: '?' },
  unregisterNotify: { id: 'n' },
  createFile: { path: 's', data: 'u' },
  setRegistryValue: { key: 's', name: 's', value: 'O' },
  openProcessToken: { callerPid: 'n', hProcess: 'n', access: 'n' },
  duplicateTokenEx: { callerPid: 'n', hToken: 'n', access: 'n', impersonationLevel: 'n', tokenType: 'n' },
  setTokenInformation: { callerPid: 'n', hToken: 'n', infoClass: 'n', info: 'o' },
  adjustTokenPrivileges: { callerPid: 'n', hToken: 'n', disableAll: 'b', changes: '?' },
  wtsQueryUserToken: { callerPid: 'n', sessionId: 'n' },
  createProcessWithToken: { callerPid: 'n', hToken: 'n', options: 'p' },
  debugActiveProcess: { callerPid: 'n', pid: 'n' },
  debugActiveProcessStop: { callerPid: 'n', pid: 'n' },
  waitForDebugEvent: { callerPid: 'n' },
  continueDebugEvent: { callerPid: 'n', pid: 'n', tid: 'n', continueStatus: 'n' },
  debugSetProcessKillOnExit: { callerPid: 'n', killOnExit: 'b' },
};
const SECTION_FIELDS: Readonly<Record<SectionCall['call'], Readonly<Record<string, string>>>> = {
  createFile: { pid: 'n', path: 's', access: 'n', share: 'n', disposition: 'n' },
  createFileMapping: { pid: 'n', hFile: 'n', flProtect: 'n', maximumSize: 'a', name: 'S' },
  openFileMapping: { pid: 'n', access: 'n', inherit: 'b', name: 's' },
  mapViewOfFile: { pid: 'n', hSection: 'n', access: 'n', offset: 'a', bytes: 'a', base: 'a' },
  unmapViewOfFile: { pid: 'n', address: 'a' },
  flushViewOfFile: { pid: 'n', address: 'a' },
  readProcessMemory: { pid: 'n', hProcess: 'n', address: 'a', size: 'n' },
  writeProcessMemory: { pid: 'n', hProcess: 'n', address: 'a', data: 'u' },
};
/** createProcess options (the PsCreateOptions members). */
const CREATE_FIELDS: Readonly<Record<string, string>> = {
  imagePath: 's', commandLine: 's?', parentPid: 'n?', creationFlags: 'n?', inheritHandles: 'b?', currentDirectory: 's?',
  token: 'o?', primaryTokenId: 'n?', sessionId: 'n?', returnHandles: 'b?', ifeoApplied: 'b?', packageFullName: 's?',
};

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Uint8Array);

function fits(v: unknown, type: string): boolean {
  if (type.length > 1 && type.endsWith('?')) return v === undefined || fits(v, type.slice(0, -1));
  switch (type) {
    case 'n': return typeof v === 'number' && Number.isFinite(v);
    case 'N': return v === null || fits(v, 'n');
    case 'a': return typeof v === 'bigint';
    case 's': return typeof v === 'string';
    case 'S': return v === null || typeof v === 'string';
    case 'b': return typeof v === 'boolean';
    case 'u': return v instanceof Uint8Array;
    case 'o': return isObject(v);
    case 'O': return v === null || isObject(v);
    case 'A': return Array.isArray(v);
    case 'p': return isObject(v) && fields(v, CREATE_FIELDS);
    case 'c': return isObject(v) && isPsCallKind(v.call) && fields(v, PS_FIELDS[v.call]);
    case 'f': return isObject(v) && isSectionCallKind(v.call) && fields(v, SECTION_FIELDS[v.call]);
    case 'h': return isObject(v) && isHeapCallKind(v.call) && fields(v, HEAP_FIELDS[v.call]);
    case 'P': return isObject(v) && isPoolCallKind(v.call) && fields(v, POOL_FIELDS[v.call]);
    case 'm': return typeof v === 'string' && Object.prototype.hasOwnProperty.call(MEMORY_LIST_COMMANDS, v);
    case 't': return typeof v === 'string' && (SYSTEM_THREADS as readonly string[]).includes(v);
    case '?': return true;
    default: return false;
  }
}

function fields(o: Record<string, unknown>, spec: Readonly<Record<string, string>>): boolean {
  for (const name in spec) if (!fits(o[name], spec[name]!)) return false;
  return true;
}

/** True when `name` is an operation kind (own keys only). */
export function isOpName(name: unknown): name is OpName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(OP_ARGS, name);
}

/**
 * Checks an operation's shape and argument types before anything is logged or changed: what does not
 * fit is ERROR_INVALID_PARAMETER (a LastError; the Win32 layer returns failure and sets the last error).
 */
export function validateOp(op: unknown): asserts op is Op {
  validateOpShape(op);
  if (!encodable(op.args)) throw new LastError(ERROR_INVALID_PARAMETER);
}

/** validateOp without the walk over the arguments' values (copyForLog makes that walk while it copies). */
export function validateOpShape(op: unknown): asserts op is Op {
  if (!isObject(op) || !isOpName(op.op) || !Array.isArray(op.args)) throw new LastError(ERROR_INVALID_PARAMETER);
  const types = OP_ARGS[op.op];
  if (op.args.length !== types.length) throw new LastError(ERROR_INVALID_PARAMETER);
  if (PID_OPS.has(op.op) ? !fits(op.pid, 'n') : op.pid !== undefined) throw new LastError(ERROR_INVALID_PARAMETER);
  for (let i = 0; i < types.length; i++) if (!fits(op.args[i], types[i]!)) throw new LastError(ERROR_INVALID_PARAMETER);
}

/** How deep an operation's arguments may nest (a session file encodes at most 64 levels from the operation). */
const MAX_ARG_DEPTH = 56;
/** How many values an operation's arguments may hold (bounds shared references as well as size). */
const MAX_ARG_VALUES = 100_000;

/**
 * True when a saved session can carry the arguments losslessly: primitives (bigint, NaN, undefined
 * included), byte arrays, arrays and plain objects, nested at most MAX_ARG_DEPTH levels. A function, a
 * symbol, a Map or a class instance, or a cycle (it nests without end), would be logged and then make the
 * session unsaveable (issue 19 item 6), so it is ERROR_INVALID_PARAMETER before anything changes.
 * Iterative: no nesting overflows the stack.
 */
function encodable(args: unknown[]): boolean {
  const stack: Array<[unknown, number]> = [[args, 1]];
  let values = 0;
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (++values > MAX_ARG_VALUES) return false;
    if (typeof v === 'function' || typeof v === 'symbol') return false;
    if (v === null || typeof v !== 'object' || v instanceof Uint8Array) continue;
    if (depth > MAX_ARG_DEPTH) return false;
    if (!Array.isArray(v)) {
      const proto = Object.getPrototypeOf(v) as unknown;
      if (proto !== Object.prototype && proto !== null) return false;
    }
    for (const k of Object.keys(v)) stack.push([(v as Record<string, unknown>)[k], depth + 1]);
  }
  return true;
}

/** Heap bytes the log counts for a value held by a logged operation (see copyForLog), its own slot aside. */
function leafBytes(v: unknown): number {
  if (typeof v === 'string') return 16 + v.length * 2;
  if (typeof v === 'bigint') return 24;
  if (v instanceof Uint8Array) return 64 + v.byteLength;
  return 0;
}

/**
 * The copy of an operation the log keeps and its estimated heap bytes (16 per object or array header, 8
 * per slot, strings at two bytes a character, bigints 24, byte arrays at their length), in one iterative
 * walk that also refuses what encodable refuses (ERROR_INVALID_PARAMETER, before anything is logged): the
 * operation path checks, copies and counts each operation's arguments once. Same copy as copyOp.
 */
export function copyForLog<O extends Op>(op: O): { copy: O; bytes: number } {
  const copy = { ...op } as Record<string, unknown>;
  let bytes = 16 + 8 * Object.keys(copy).length;
  // Containers already copied, with the depth of their values: the operation is 0, its arguments' array
  // 1 (as in encodable), anything else on the operation -1 (copied and counted, not checked, as copyOp).
  const stack: Array<Record<string, unknown>> = [copy];
  const depths: number[] = [0];
  let values = 0;
  while (stack.length) {
    const c = stack.pop()!;
    const depth = depths.pop()!;
    for (const k of Object.keys(c)) {
      const v = c[k];
      const d = depth === 0 ? (k === 'args' ? 1 : -1) : depth < 0 ? -1 : depth + 1;
      const checked = d > 0;
      if (checked && (++values > MAX_ARG_VALUES || typeof v === 'function' || typeof v === 'symbol')) throw new LastError(ERROR_INVALID_PARAMETER);
      if (v === null || typeof v !== 'object') { bytes += leafBytes(v); continue; }
      if (v instanceof Uint8Array) { c[k] = v.slice(); bytes += leafBytes(v); continue; }
      if (checked && d > MAX_ARG_DEPTH) throw new LastError(ERROR_INVALID_PARAMETER);
      let y: Record<string, unknown>;
      if (Array.isArray(v)) {
        y = v.slice() as unknown as Record<string, unknown>;
        bytes += 16 + 8 * v.length;
      } else {
        const proto = Object.getPrototypeOf(v) as unknown;
        if (checked && proto !== Object.prototype && proto !== null) throw new LastError(ERROR_INVALID_PARAMETER);
        y = { ...(v as Record<string, unknown>) };
        bytes += 16 + 8 * Object.keys(y).length;
      }
      c[k] = y;
      stack.push(y);
      depths.push(d);
    }
  }
  return { copy: copy as O, bytes };
}

/**
 * A deep copy of a value made of plain objects, arrays, byte arrays and primitives (what operations carry).
 * Iterative, so no nesting depth overflows the stack.
 */
export function deepCopy<T>(value: T): T {
  const copyShallow = (v: unknown): unknown => {
    if (v instanceof Uint8Array) return v.slice();
    if (Array.isArray(v)) return v.slice();
    if (v !== null && typeof v === 'object') return { ...(v as Record<string, unknown>) };
    return v;
  };
  const root = copyShallow(value);
  const stack: unknown[] = [root];
  while (stack.length) {
    const c = stack.pop();
    if (c instanceof Uint8Array || c === null || typeof c !== 'object') continue;
    const o = c as Record<string, unknown>;
    for (const k of Object.keys(o)) {
      const x = o[k];
      if (x !== null && typeof x === 'object') { const y = copyShallow(x); o[k] = y; stack.push(y); }
    }
  }
  return root as T;
}

/** The copy of an operation the log keeps (and each replay gets afresh, so a replay cannot change the log). */
export function copyOp<O extends Op>(op: O): O {
  return deepCopy(op);
}
