// User-mode debugging the way Windows does it (Windows Internals 7e, ch. 8 "User-mode debugging"):
// a debugger owns a DebugObject (DbgUiConnectToDbg -> NtCreateDebugObject, its handle kept in the
// debugger thread's TEB.DbgSsReserved[1]); a debuggee's EPROCESS.DebugPort points at it. The kernel's
// Dbgk routines queue debug events on the object (DbgkpQueueMessage) and the debuggee stays frozen
// until the debugger has received each one (WaitForDebugEvent -> NtWaitForDebugEvent) and continued
// it (ContinueDebugEvent -> NtDebugContinue). Events carry references to their process and thread.
import { PEB, TEB } from './userLayout';
import {
  CREATE_PROCESS_DEBUG_EVENT, CREATE_THREAD_DEBUG_EVENT, DBG_CONTINUE, DBG_EXCEPTION_NOT_HANDLED, DBG_REPLY_LATER,
  DEBUG_ALL_ACCESS, ERROR_ACCESS_DENIED, ERROR_INVALID_HANDLE, ERROR_INVALID_PARAMETER, ERROR_SEM_TIMEOUT,
  EXCEPTION_DEBUG_EVENT, EXIT_PROCESS_DEBUG_EVENT, EXIT_THREAD_DEBUG_EVENT, GENERIC_READ, LOAD_DLL_DEBUG_EVENT,
  PROCESS_ALL_ACCESS, PROCESS_CREATE_THREAD, PROCESS_QUERY_INFORMATION, PROCESS_SUSPEND_RESUME, PROCESS_VM_OPERATION, PROCESS_VM_READ,
  PROCESS_VM_WRITE, STATUS_BREAKPOINT, STATUS_DEBUGGER_INACTIVE, THREAD_ALL_ACCESS,
} from '../constants';
import { LastError } from '../errors';
import type { ProcessObject, ThreadObject } from '../process';
import type { FileSystem } from '../io/fileSystem';
import type { ObjectManager } from '../ob/objectManager';
import type { StepLog } from '../trace';
import { decideProcessAccess } from './processAccess';
import type { PsProcessState } from './state';

/**
 * What debug objects need from the process manager: processes and threads by id, object references and
 * handles, writes of PEB.BeingDebugged and the debugger's TEB, and the thread and process operations a
 * debug event leads to (the break-in thread, releasing or ending a debuggee).
 */
export interface DebugHost {
  readonly trace: StepLog;
  readonly ctx: { readonly byPid: ReadonlyMap<number, ProcessObject>; readonly fs: Pick<FileSystem, 'getFile' | 'getFileById'> };
  readonly ob: Pick<ObjectManager, 'create' | 'get' | 'dereference'>;
  readonly debugObjects: Map<number, DebugObject>;
  state(p: ProcessObject): PsProcessState;
  thread(tid: number): [ProcessObject, ThreadObject] | undefined;
  insertHandle(p: ProcessObject, objectId: number, access: number, inherit?: boolean): number;
  closeHandle(p: ProcessObject, handle: number): void;
  debugObjectOfHandle(p: ProcessObject, handle: number): DebugObject | undefined;
  dereferenceObject(objectId: number): void;
  writeUser(p: ProcessObject, va: bigint, data: Uint8Array): void;
  createThread(creator: ProcessObject, target: ProcessObject, startAddress: bigint, parameter: bigint, flags: number, stackSize: bigint, breakin?: boolean): ThreadObject;
  releaseThread(p: ProcessObject, thread: ThreadObject): boolean;
  debuggeeReleased(p: ProcessObject): void;
  exitThread(tid: number, exitStatus: number): void;
  terminateProcess(p: ProcessObject, exitStatus: number, byPid: number): void;
}

const DEBUG_OBJECT_SIZE = 0x68;
const FILE_OBJECT_SIZE = 0xD8;
/** TEB.DbgSsReserved[1] on x64: where DbgUi keeps the thread's debug object handle. */
export const TEB_DBGSS_RESERVED_1 = TEB.DbgSsReserved + 8;
/** Offsets in the simulated ntdll of the routines the debugger sees as addresses. */
const NTDLL_LDRP_DO_DEBUGGER_BREAK = 0xF8A30n;
const NTDLL_DBGUI_REMOTE_BREAKIN = 0xF1BD0n;

export const DEBUG_EVENT_NAMES: Record<number, string> = {
  [EXCEPTION_DEBUG_EVENT]: 'EXCEPTION_DEBUG_EVENT', [CREATE_THREAD_DEBUG_EVENT]: 'CREATE_THREAD_DEBUG_EVENT',
  [CREATE_PROCESS_DEBUG_EVENT]: 'CREATE_PROCESS_DEBUG_EVENT', [EXIT_THREAD_DEBUG_EVENT]: 'EXIT_THREAD_DEBUG_EVENT',
  [EXIT_PROCESS_DEBUG_EVENT]: 'EXIT_PROCESS_DEBUG_EVENT', [LOAD_DLL_DEBUG_EVENT]: 'LOAD_DLL_DEBUG_EVENT',
};

/** What the debuggee does once the event is continued. */
type After = 'none' | 'readyThread' | 'exitBreakin';

/** One queued message (DEBUG_EVENT in the DebugObject's EventList). Plain data: cloned for snapshots. */
export interface DebugEventRecord {
  code: number;
  pid: number;
  tid: number;
  /** Queued, or handed to the debugger and waiting for ContinueDebugEvent. */
  state: 'queued' | 'reported';
  /** Object ids the event references (process, thread), dropped when the event goes. */
  processObjectId: number;
  threadObjectId: number;
  after: After;
  imageBase?: bigint;
  startAddress?: bigint;
  threadLocalBase?: bigint;
  fileId?: number;
  imageName?: string;
  dllBase?: bigint;
  exitCode?: number;
  exceptionCode?: number;
  exceptionAddress?: bigint;
  firstChance?: number;
}

/** The DEBUG_EVENT WaitForDebugEvent fills (u holds the member its code selects). */
export interface DEBUG_EVENT {
  dwDebugEventCode: number;
  dwProcessId: number;
  dwThreadId: number;
  u: Record<string, unknown>;
}

/** The executive DEBUG_OBJECT. */
export class DebugObject {
  killOnExit = true;
  events: DebugEventRecord[] = [];
  /** Handles the debugger was given for each debuggee, closed when the exit events are continued. */
  savedHandles: Array<{ pid: number; tid: number; handle: number }> = [];

  constructor(readonly objectId: number, readonly address: bigint, readonly debuggerPid: number) {}

  clone(): DebugObject {
    const d = new DebugObject(this.objectId, this.address, this.debuggerPid);
    d.killOnExit = this.killOnExit;
    d.events = this.events.map((e) => ({ ...e }));
    d.savedHandles = this.savedHandles.map((h) => ({ ...h }));
    return d;
  }
}

const fail = (code: number): never => { throw new LastError(code); };

/** DbgUiConnectToDbg: the caller's debug object, created (and its handle stored in the TEB) on first use. */
export function connectToDebugger(pm: DebugHost, debugger_: ProcessObject): DebugObject {
  const st = pm.state(debugger_);
  const existing = st.debugObjectHandle ? pm.debugObjectOfHandle(debugger_, st.debugObjectHandle) : undefined;
  if (existing) return existing;
  const header = pm.ob.create('DebugObject', debugger_.pid, DEBUG_OBJECT_SIZE);
  const dbg = new DebugObject(header.objectId, header.address, debugger_.pid);
  pm.debugObjects.set(header.objectId, dbg);
  const handle = pm.insertHandle(debugger_, header.objectId, DEBUG_ALL_ACCESS);
  pm.ob.dereference(header.objectId);
  st.debugObjectHandle = handle;
  const thread = debugger_.threads.find((t) => t.state !== 'Terminated');
  if (thread?.teb) {
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setBigUint64(0, BigInt(handle), true);
    pm.writeUser(debugger_, thread.teb + BigInt(TEB_DBGSS_RESERVED_1), bytes);
  }
  const t = pm.trace;
  t.step('debug.createObject')?.n(debugger_.pid).n(handle).a(header.address).change('process', debugger_.pid);
  return dbg;
}

/** EPROCESS.DebugPort := the debug object (DbgkpSetProcessDebugObject); PEB.BeingDebugged follows. */
export function setDebugPort(pm: DebugHost, p: ProcessObject, dbg: DebugObject, onlyThis: boolean, attach: boolean): void {
  const st = pm.state(p);
  st.debugObjectId = dbg.objectId;
  st.debuggerPid = dbg.debuggerPid;
  st.noDebugInherit = onlyThis;
  const h = pm.ob.get(dbg.objectId);
  if (h) h.pointerCount++;
  if (p.peb) pm.writeUser(p, p.peb + BigInt(PEB.BeingDebugged), new Uint8Array([1]));
  const t = pm.trace;
  t.step('debug.attach')?.n(p.pid).n(dbg.debuggerPid).a(dbg.address).b(attach).change('process', p.pid);
}

/** The debug object a process is debugged by, if any. */
export function debugObjectOf(pm: DebugHost, p: ProcessObject): DebugObject | undefined {
  const id = pm.state(p).debugObjectId;
  return id ? pm.debugObjects.get(id) : undefined;
}

/** Whether a debuggee is frozen: some event of it is still queued or not continued. */
export function isFrozen(pm: DebugHost, p: ProcessObject): boolean {
  const dbg = debugObjectOf(pm, p);
  return !!dbg && dbg.events.some((e) => e.pid === p.pid);
}

/** DbgkpQueueMessage: queues an event; the event holds references on its process and thread. */
export function queueEvent(pm: DebugHost, dbg: DebugObject, p: ProcessObject, thread: ThreadObject | undefined, e: Omit<DebugEventRecord, 'pid' | 'tid' | 'state' | 'processObjectId' | 'threadObjectId' | 'after'> & { after?: After }): void {
  const processObjectId = pm.state(p).objectId;
  const threadObjectId = thread?.objectId ?? 0;
  for (const id of [processObjectId, threadObjectId]) { const h = id ? pm.ob.get(id) : undefined; if (h) h.pointerCount++; }
  const record: DebugEventRecord = { ...e, pid: p.pid, tid: thread?.tid ?? 0, state: 'queued', processObjectId, threadObjectId, after: e.after ?? 'none' };
  dbg.events.push(record);
  const t = pm.trace;
  const detail = e.dllBase ?? e.exceptionAddress ?? e.imageBase ?? e.startAddress ?? 0n;
  const step = t.step('debug.queueEvent')?.n(p.pid).n(record.tid).s(DEBUG_EVENT_NAMES[e.code] ?? String(e.code)).a(detail).n(dbg.debuggerPid).change('process', p.pid);
  if (thread) step?.change('thread', thread.tid);
}

/** Drops an event and the references it held. */
function dropEvent(pm: DebugHost, dbg: DebugObject, e: DebugEventRecord): void {
  const i = dbg.events.indexOf(e);
  if (i >= 0) dbg.events.splice(i, 1);
  if (e.threadObjectId) pm.dereferenceObject(e.threadObjectId);
  pm.dereferenceObject(e.processObjectId);
}

/** Blocks a debuggee thread on its debug message (KeWaitForSingleObject, wait reason Executive). */
export function blockOnDebugger(thread: ThreadObject): void {
  thread.state = 'Waiting';
  thread.waitReason = 'Executive';
}

/** DbgkCreateThread for a process's first thread: the process-create message, then ntdll's load message. */
export function postProcessStart(pm: DebugHost, p: ProcessObject, thread: ThreadObject, dbg: DebugObject): void {
  const st = pm.state(p);
  queueEvent(pm, dbg, p, thread, { code: CREATE_PROCESS_DEBUG_EVENT, imageBase: st.imageBase, startAddress: thread.win32StartAddress ?? st.entryPoint, threadLocalBase: thread.teb, fileId: st.fileId, imageName: p.imagePath });
  if (st.ntdllBase) {
    const ntdll = pm.ctx.fs.getFile('C:\\Windows\\System32\\ntdll.dll');
    queueEvent(pm, dbg, p, thread, { code: LOAD_DLL_DEBUG_EVENT, dllBase: st.ntdllBase, fileId: ntdll?.fileId, imageName: 'C:\\Windows\\System32\\ntdll.dll' });
  }
  blockOnDebugger(thread);
}

/** LdrpDoDebuggerBreak: the loader's initial breakpoint, a first-chance STATUS_BREAKPOINT. */
export function postLoaderBreakpoint(pm: DebugHost, p: ProcessObject, thread: ThreadObject, dbg: DebugObject): void {
  const st = pm.state(p);
  queueEvent(pm, dbg, p, thread, { code: EXCEPTION_DEBUG_EVENT, exceptionCode: STATUS_BREAKPOINT, exceptionAddress: st.ntdllBase + NTDLL_LDRP_DO_DEBUGGER_BREAK, firstChance: 1 });
  blockOnDebugger(thread);
}

/** The rights DebugActiveProcess's handle to the debuggee asks for: threads, memory, suspend/resume, query. */
const DEBUG_ATTACH_ACCESS = PROCESS_CREATE_THREAD | PROCESS_VM_OPERATION | PROCESS_VM_READ | PROCESS_VM_WRITE | PROCESS_QUERY_INFORMATION | PROCESS_SUSPEND_RESUME;

/** DebugActiveProcess: attach to a running process, post the fake start-up messages, and break in. */
export function debugActiveProcess(pm: DebugHost, caller: ProcessObject, pid: number): void {
  const target = pm.ctx.byPid.get(pid);
  if (!target || target.exited || !target.ps) fail(ERROR_INVALID_PARAMETER);
  const p = target!;
  // Not ourselves, not the System process, not a protected process; another user's process needs SeDebugPrivilege.
  if (p === caller || p.pid === 4 || !p.threads.some((t) => t.teb)) fail(ERROR_ACCESS_DENIED);
  const st = pm.state(p);
  const cst = pm.state(caller);
  if (st.protection && !cst.protection) fail(ERROR_ACCESS_DENIED);
  // kernel32 opens the process first (ProcessIdToHandle): the same access check as OpenProcess — the
  // DACL and label, or SeDebugPrivilege when enabled.
  if (!decideProcessAccess(cst, st, DEBUG_ATTACH_ACCESS).granted) fail(ERROR_ACCESS_DENIED);
  // STATUS_PORT_ALREADY_SET: a process has one debugger at most.
  if (st.debugObjectId) fail(ERROR_INVALID_PARAMETER);
  const dbg = connectToDebugger(pm, caller);
  setDebugPort(pm, p, dbg, true, true);
  // DbgkpPostFakeProcessCreateMessages: the process (with its first thread), the other threads, the modules.
  const live = p.threads.filter((t) => t.state !== 'Terminated');
  const first = live[0];
  queueEvent(pm, dbg, p, first, { code: CREATE_PROCESS_DEBUG_EVENT, imageBase: st.imageBase, startAddress: 0n, threadLocalBase: first?.teb ?? 0n, fileId: st.fileId, imageName: p.imagePath });
  for (const t of live.slice(1)) queueEvent(pm, dbg, p, t, { code: CREATE_THREAD_DEBUG_EVENT, startAddress: 0n, threadLocalBase: t.teb });
  for (const m of st.modules.slice(1)) queueEvent(pm, dbg, p, first, { code: LOAD_DLL_DEBUG_EVENT, dllBase: m.base, fileId: m.fileId, imageName: m.path });
  // DbgUiIssueRemoteBreakin: a new thread at DbgUiRemoteBreakin that hits a breakpoint, then exits.
  const t = pm.trace;
  const start = st.ntdllBase + NTDLL_DBGUI_REMOTE_BREAKIN;
  t.step('debug.remoteBreakin')?.n(p.pid).a(start).change('process', p.pid);
  pm.createThread(caller, p, start, 0n, 0, 0n, true);
}

/** A new thread of a debuggee starts: CREATE_THREAD_DEBUG_EVENT; the thread runs once it is continued. */
export function postThreadStart(pm: DebugHost, p: ProcessObject, thread: ThreadObject, dbg: DebugObject, breakin: boolean): void {
  queueEvent(pm, dbg, p, thread, { code: CREATE_THREAD_DEBUG_EVENT, startAddress: thread.win32StartAddress ?? 0n, threadLocalBase: thread.teb, after: breakin ? 'none' : 'readyThread' });
  if (breakin) {
    // DbgUiRemoteBreakin calls DbgBreakPoint: the breakpoint reaches the debugger; the thread exits after it.
    queueEvent(pm, dbg, p, thread, { code: EXCEPTION_DEBUG_EVENT, exceptionCode: STATUS_BREAKPOINT, exceptionAddress: (thread.win32StartAddress ?? 0n) + 0x30n, firstChance: 1, after: 'exitBreakin' });
  }
  blockOnDebugger(thread);
}

/** DbgkExitThread / DbgkExitProcess. (The simulated exit does not wait for the debugger.) */
export function postExit(pm: DebugHost, p: ProcessObject, thread: ThreadObject | undefined, exitCode: number, processExit: boolean): void {
  const dbg = debugObjectOf(pm, p);
  if (!dbg || !pm.ob.get(dbg.objectId)) return;
  queueEvent(pm, dbg, p, thread, { code: processExit ? EXIT_PROCESS_DEBUG_EVENT : EXIT_THREAD_DEBUG_EVENT, exitCode: exitCode >>> 0 });
}

/** A File object handle for the debugger (hFile of the create-process and load-dll events). */
function fileHandle(pm: DebugHost, debugger_: ProcessObject, fileId: number | undefined): number {
  if (fileId === undefined || !pm.ctx.fs.getFileById(fileId)) return 0;
  const header = pm.ob.create('File', fileId, FILE_OBJECT_SIZE, null);
  header.pointerCount = 0;
  return pm.insertHandle(debugger_, header.objectId, GENERIC_READ);
}

/** The caller's debug object (its DbgSsReserved handle), or ERROR_INVALID_HANDLE. */
function callersDebugObject(pm: DebugHost, caller: ProcessObject): DebugObject {
  const h = pm.state(caller).debugObjectHandle;
  const dbg = h ? pm.debugObjectOfHandle(caller, h) : undefined;
  return dbg ?? fail(ERROR_INVALID_HANDLE);
}

/**
 * WaitForDebugEvent with a zero timeout: the first queued event of a debuggee that has no event
 * waiting for ContinueDebugEvent, or ERROR_SEM_TIMEOUT. Handles the event carries are opened in the
 * debugger's handle table (DbgkpOpenHandles).
 */
export function waitForDebugEvent(pm: DebugHost, caller: ProcessObject): DEBUG_EVENT {
  const dbg = callersDebugObject(pm, caller);
  const busy = new Set(dbg.events.filter((e) => e.state === 'reported').map((e) => e.pid));
  const e = dbg.events.find((x) => x.state === 'queued' && !busy.has(x.pid));
  if (!e) fail(ERROR_SEM_TIMEOUT);
  const ev = e!;
  ev.state = 'reported';
  const u: Record<string, unknown> = {};
  const handleTo = (objectId: number, access: number): number => (objectId && pm.ob.get(objectId) ? pm.insertHandle(caller, objectId, access) : 0);
  switch (ev.code) {
    case CREATE_PROCESS_DEBUG_EVENT: {
      const hProcess = handleTo(ev.processObjectId, PROCESS_ALL_ACCESS);
      const hThread = handleTo(ev.threadObjectId, THREAD_ALL_ACCESS);
      dbg.savedHandles.push({ pid: ev.pid, tid: 0, handle: hProcess }, { pid: ev.pid, tid: ev.tid, handle: hThread });
      u.CreateProcessInfo = { hFile: fileHandle(pm, caller, ev.fileId), hProcess, hThread, lpBaseOfImage: ev.imageBase ?? 0n, dwDebugInfoFileOffset: 0, nDebugInfoSize: 0, lpThreadLocalBase: ev.threadLocalBase ?? 0n, lpStartAddress: ev.startAddress ?? 0n, lpImageName: ev.imageName ?? '', fUnicode: 1 };
      break;
    }
    case CREATE_THREAD_DEBUG_EVENT: {
      const hThread = handleTo(ev.threadObjectId, THREAD_ALL_ACCESS);
      dbg.savedHandles.push({ pid: ev.pid, tid: ev.tid, handle: hThread });
      u.CreateThread = { hThread, lpThreadLocalBase: ev.threadLocalBase ?? 0n, lpStartAddress: ev.startAddress ?? 0n };
      break;
    }
    case LOAD_DLL_DEBUG_EVENT:
      u.LoadDll = { hFile: fileHandle(pm, caller, ev.fileId), lpBaseOfDll: ev.dllBase ?? 0n, dwDebugInfoFileOffset: 0, nDebugInfoSize: 0, lpImageName: ev.imageName ?? '', fUnicode: 1 };
      break;
    case EXCEPTION_DEBUG_EVENT:
      u.Exception = { ExceptionRecord: { ExceptionCode: ev.exceptionCode ?? 0, ExceptionFlags: 0, ExceptionAddress: ev.exceptionAddress ?? 0n, NumberParameters: 1 }, dwFirstChance: ev.firstChance ?? 1 };
      break;
    case EXIT_THREAD_DEBUG_EVENT: u.ExitThread = { dwExitCode: ev.exitCode ?? 0 }; break;
    case EXIT_PROCESS_DEBUG_EVENT: u.ExitProcess = { dwExitCode: ev.exitCode ?? 0 }; break;
    default: break;
  }
  const t = pm.trace;
  t.step('debug.wait')?.n(caller.pid).s(DEBUG_EVENT_NAMES[ev.code] ?? String(ev.code)).n(ev.pid).n(ev.tid).change('process', caller.pid);
  return { dwDebugEventCode: ev.code, dwProcessId: ev.pid, dwThreadId: ev.tid, u };
}

/** ContinueDebugEvent: the reported event of (pid, tid) is done; a debuggee with no events left runs on. */
export function continueDebugEvent(pm: DebugHost, caller: ProcessObject, pid: number, tid: number, status: number): void {
  const s = status >>> 0;
  if (s !== DBG_CONTINUE && s !== DBG_EXCEPTION_NOT_HANDLED && s !== DBG_REPLY_LATER) fail(ERROR_INVALID_PARAMETER);
  const dbg = callersDebugObject(pm, caller);
  const ev = dbg.events.find((e) => e.state === 'reported' && e.pid === pid && e.tid === tid);
  if (!ev) fail(ERROR_INVALID_PARAMETER);
  const e = ev!;
  const t = pm.trace;
  t.step('debug.continue')?.n(caller.pid).n(pid).n(tid).s(DEBUG_EVENT_NAMES[e.code] ?? String(e.code)).n(s).change('process', pid);
  if (s === DBG_REPLY_LATER) {
    // Windows 10 1803+: the event goes back in the queue and is reported again later.
    dbg.events.splice(dbg.events.indexOf(e), 1);
    e.state = 'queued';
    dbg.events.push(e);
    return;
  }
  dropEvent(pm, dbg, e);
  // The handles the debugger got for a thread or process that has exited are closed for it.
  if (e.code === EXIT_THREAD_DEBUG_EVENT || e.code === EXIT_PROCESS_DEBUG_EVENT) {
    const mine = dbg.savedHandles.filter((h) => h.pid === pid && (e.code === EXIT_PROCESS_DEBUG_EVENT || h.tid === tid));
    dbg.savedHandles = dbg.savedHandles.filter((h) => !mine.includes(h));
    for (const h of mine) if (h.handle && pm.state(caller).handles.get(h.handle)) pm.closeHandle(caller, h.handle);
  }
  afterEvent(pm, e);
  const p = pm.ctx.byPid.get(pid);
  if (p && !p.exited && !isFrozen(pm, p)) pm.debuggeeReleased(p);
}

function afterEvent(pm: DebugHost, e: DebugEventRecord): void {
  const found = pm.thread(e.tid);
  if (!found) return;
  const [p, thread] = found;
  if (e.after === 'readyThread' && thread.state === 'Waiting' && thread.waitReason === 'Executive') pm.releaseThread(p, thread);
  if (e.after === 'exitBreakin' && thread.state !== 'Terminated') pm.exitThread(thread.tid, 0);
}

/** DebugActiveProcessStop: detach; the process runs on without a debugger. */
export function debugActiveProcessStop(pm: DebugHost, caller: ProcessObject, pid: number): void {
  const p = pm.ctx.byPid.get(pid);
  if (!p || p.exited) fail(ERROR_INVALID_PARAMETER);
  const dbg = callersDebugObject(pm, caller);
  // STATUS_PORT_NOT_SET: the process is not debugged through the caller's debug object.
  if (pm.state(p!).debugObjectId !== dbg.objectId) fail(ERROR_INVALID_PARAMETER);
  detach(pm, p!, dbg);
}

/** DbgkClearProcessDebugObject: events of the process are dropped, the port cleared, the process released. */
export function detach(pm: DebugHost, p: ProcessObject, dbg: DebugObject): void {
  const st = pm.state(p);
  const pending = dbg.events.filter((e) => e.pid === p.pid);
  const t = pm.trace;
  t.step('debug.detach')?.n(p.pid).n(dbg.debuggerPid).n(pending.length).change('process', p.pid);
  st.debugObjectId = 0;
  st.debuggerPid = 0;
  if (p.peb && !p.exited) pm.writeUser(p, p.peb + BigInt(PEB.BeingDebugged), new Uint8Array([0]));
  for (const e of pending) { dropEvent(pm, dbg, e); afterEvent(pm, e); }
  pm.dereferenceObject(dbg.objectId);
  if (!p.exited) pm.debuggeeReleased(p);
}

/** DebugSetProcessKillOnExit. */
export function setKillOnExit(pm: DebugHost, caller: ProcessObject, killOnExit: boolean): void {
  const dbg = callersDebugObject(pm, caller);
  dbg.killOnExit = !!killOnExit;
  const t = pm.trace;
  t.step('debug.killOnExit')?.n(caller.pid).b(killOnExit).change('process', caller.pid);
}

/**
 * The debugger's last handle to its debug object closed (DbgkpCloseObject): every debuggee is killed
 * with STATUS_DEBUGGER_INACTIVE, or, after DebugSetProcessKillOnExit(FALSE), detached.
 */
export function debugObjectClosed(pm: DebugHost, dbg: DebugObject): void {
  // A debuggee already exiting (its teardown closed this object through a process that goes with it,
  // e.g. the conhost.exe debugging its own console client) is neither killed again nor detached.
  const debuggees = [...pm.ctx.byPid.values()].filter((p) => !p.exited && !pm.state(p).exiting && pm.state(p).debugObjectId === dbg.objectId);
  // The object stays while debuggees and events reference it; take their references with them.
  for (const p of debuggees) {
    if (dbg.killOnExit) {
      for (const e of dbg.events.filter((x) => x.pid === p.pid)) dropEvent(pm, dbg, e);
      if (!p.exited) pm.terminateProcess(p, STATUS_DEBUGGER_INACTIVE, dbg.debuggerPid);
    } else detach(pm, p, dbg);
  }
  for (const e of dbg.events.slice()) dropEvent(pm, dbg, e);
}
