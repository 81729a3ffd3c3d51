// Handles and object references: ObInsertObject into a handle table, ObReferenceObjectByHandle with
// its access check, NtClose (and the per-handle close ObKillProcess does at exit), OpenProcess.
// Windows Internals 7e Part 2 ch. 8, "Object handles and the process handle table"; Part 1 ch. 3.
import { ERROR_ACCESS_DENIED, ERROR_INVALID_HANDLE, ERROR_INVALID_PARAMETER, JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE, THREAD_ALL_ACCESS } from '../constants';
import { LastError } from '../errors';
import { dereferenceSection } from '../mm/sectionApi';
import type { ProcessObject, ThreadObject } from '../process';
import { type DebugObject, debugObjectClosed } from './debug';
import { forgetJobIfDeleted, terminateJob } from './jobs';
import type { ProcessManager } from './processManager';
import { decideProcessAccess } from './processAccess';
import { deleteProcessIfUnreferenced } from './termination';
import { forgetToken } from './tokenObjects';

const fail = (code: number): never => { throw new LastError(code); };

/** Inserts a handle to an object into a process's handle table. */
export function insertHandle(pm: ProcessManager, p: ProcessObject, objectId: number, access: number, inherit = false): number {
  const h = pm.ob.get(objectId);
  if (!h) fail(ERROR_INVALID_HANDLE);
  h!.handleCount++;
  h!.pointerCount++;
  return pm.state(p).handles.insert({ objectId, grantedAccess: access, inherit });
}

/** Resolves a handle of `p` to an object of the given type. */
export function resolve(pm: ProcessManager, p: ProcessObject, handle: number, type: 'Process' | 'Thread' | 'Job' | 'Token' | 'DebugObject', access: number): number {
  // GetCurrentProcess() / GetCurrentThread() pseudo-handles.
  if (type === 'Process' && (handle === -1 || handle === 0xFFFFFFFF)) return pm.state(p).objectId;
  if (type === 'Thread' && (handle === -2 || handle === 0xFFFFFFFE)) return p.threads.find((t) => t.state !== 'Terminated')?.objectId ?? fail(ERROR_INVALID_HANDLE);
  const e = pm.state(p).handles.get(handle);
  if (!e) fail(ERROR_INVALID_HANDLE);
  const h = pm.ob.get(e!.objectId);
  if (!h || h.typeName !== type) fail(ERROR_INVALID_HANDLE);
  if ((e!.grantedAccess & access) !== access) fail(ERROR_ACCESS_DENIED);
  return e!.objectId;
}

/** Drops a pointer reference; cleans up the manager's tables when the object goes. */
export function dereferenceObject(pm: ProcessManager, objectId: number): void {
  const h = pm.ob.get(objectId);
  if (!h) return;
  if (!pm.ob.dereference(objectId)) return;
  if (h.typeName === 'Thread') threadObjectDeleted(pm, objectId);
  else if (h.typeName === 'Process') deleteProcessIfUnreferenced(pm, h.key);
  else if (h.typeName === 'DebugObject') pm.debugObjects.delete(objectId);
  else if (h.typeName === 'Token') forgetToken(pm, h.key);
}

/** The DebugObject a handle of `p` refers to (DEBUG_ALL_ACCESS not required: DbgUi uses its own handle). */
export function debugObjectOfHandle(pm: ProcessManager, p: ProcessObject, handle: number): DebugObject | undefined {
  const e = pm.state(p).handles.get(handle);
  const h = e ? pm.ob.get(e.objectId) : undefined;
  return h && h.typeName === 'DebugObject' ? pm.debugObjects.get(h.objectId) : undefined;
}

export function processOfObject(pm: ProcessManager, objectId: number): ProcessObject {
  const h = pm.ob.get(objectId)!;
  return pm.ctx.processes[h.key]!;
}

export function closeHandle(pm: ProcessManager, p: ProcessObject, handle: number): void {
  if (!pm.state(p).handles.get(handle)) fail(ERROR_INVALID_HANDLE);
  closeHandleInternal(pm, p, handle, true);
}

export function closeHandleInternal(pm: ProcessManager, p: ProcessObject, handle: number, record: boolean): void {
  const e = pm.state(p).handles.remove(handle);
  if (!e) return;
  const h = pm.ob.get(e.objectId);
  const type = h?.typeName ?? 'Unknown';
  const key = h?.key ?? -1;
  const lastHandle = !!h && h.handleCount === 1;
  const deleted = pm.ob.handleClosed(e.objectId);
  if (record) {
    const t = pm.trace;
    t.step('object.close')?.n(p.pid).n(handle).s(type).b(deleted).change('process', p.pid);
  }
  if (type === 'Job' && lastHandle) {
    const job = pm.jobs.get(key);
    if (job && (job.limitFlags & JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE)) terminateJob(pm, job, 0, 'KillOnJobClose');
  }
  if (type === 'Job') forgetJobIfDeleted(pm, key);
  if (deleted && type === 'Thread') threadObjectDeleted(pm, e.objectId);
  if (deleted && type === 'Process') deleteProcessIfUnreferenced(pm, key);
  // A section object made by CreateFileMapping is numbered by its object id: its last handle drops it
  // (its views keep the control area alive).
  if (deleted && type === 'Section') {
    const section = pm.mm.sectionRegistry.sections.get(e.objectId);
    if (section) dereferenceSection(pm.mm, section);
  }
  if (deleted && type === 'Token') forgetToken(pm, key);
  if (type === 'DebugObject') {
    if (pm.state(p).debugObjectHandle === handle) pm.state(p).debugObjectHandle = 0;
    const dbg = pm.debugObjects.get(e.objectId);
    if (dbg && lastHandle) debugObjectClosed(pm, dbg);
    if (deleted || !pm.ob.get(e.objectId)) pm.debugObjects.delete(e.objectId);
  }
}

/**
 * NtOpenProcess: the access decision (processAccess.ts: SeDebugPrivilege, the security descriptor's label
 * and DACL, the protected-process rule), then a handle with the rights granted. A refusal is
 * ERROR_ACCESS_DENIED and no handle, recorded with the reason.
 */
export function openProcess(pm: ProcessManager, caller: ProcessObject, access: number, inherit: boolean, targetPid: number): number {
  // The PID names a process as long as its process object exists, running or not: OpenProcess on a process that
  // has exited succeeds while a handle or reference keeps its object (GetExitCodeProcess then reads the exit
  // code); once the object is deleted the PID is invalid, ERROR_INVALID_PARAMETER (Microsoft Learn, OpenProcess
  // and GetProcessId; Windows Internals 7e ch. 3, "Process and thread IDs": the CID is freed when the process
  // object is deleted). The lab's model frees the CID at exit, so a new process may take the PID earlier than
  // Windows would; then the PID names the new process.
  // Process ID 0, the System Idle Process, cannot be opened: ERROR_INVALID_PARAMETER (Microsoft Learn, OpenProcess).
  if (targetPid === 0) fail(ERROR_INVALID_PARAMETER);
  const target = pm.ctx.byPid.get(targetPid) ?? pm.ctx.processes.find((q) => q !== undefined && q.exited && q.pid === targetPid && pm.ob.get(pm.state(q).objectId) !== undefined);
  if (!target) fail(ERROR_INVALID_PARAMETER);
  const tst = pm.state(target!);
  const cst = pm.state(caller);
  const decision = decideProcessAccess(cst, tst, access >>> 0);
  const t = pm.trace;
  if (!decision.granted) {
    t.step('process.openDenied')?.n(caller.pid).n(targetPid).n(access >>> 0).s(decision.reason).change('process', targetPid);
    fail(ERROR_ACCESS_DENIED);
  }
  const h = insertHandle(pm, caller, tst.objectId, decision.granted, inherit);
  t.step('process.open')?.n(caller.pid).n(targetPid).n(h).n(decision.granted).change('process', caller.pid);
  return h;
}

export function processFromHandle(pm: ProcessManager, caller: ProcessObject, handle: number, access: number): ProcessObject {
  const p = processOfObject(pm, resolve(pm, caller, handle, 'Process', access));
  return p;
}

export function threadFromHandle(pm: ProcessManager, caller: ProcessObject, handle: number, access: number): number {
  const id = resolve(pm, caller, handle, 'Thread', access);
  const ref = pm.threadObjects.get(id);
  if (!ref) fail(ERROR_INVALID_HANDLE);
  return ref![1];
}

export function threadHandle(pm: ProcessManager, p: ProcessObject, thread: ThreadObject): number {
  return insertHandle(pm, p, thread.objectId!, THREAD_ALL_ACCESS);
}

/** An ETHREAD object went away: its process may now be freed. */
export function threadObjectDeleted(pm: ProcessManager, objectId: number): void {
  const ref = pm.threadObjects.get(objectId);
  pm.threadObjects.delete(objectId);
  if (ref) deleteProcessIfUnreferenced(pm, ref[0]);
}
