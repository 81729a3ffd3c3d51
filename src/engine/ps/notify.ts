// Process and thread notify routines (PsSetCreateProcessNotifyRoutineEx, PsSetCreateThreadNotifyRoutine)
// and their calls at creation (a process routine may refuse it) and at exit.
// Windows Internals 7e ch. 3, "Flow of CreateProcess" (stage 4) and "Terminating a process".
import { ERROR_ALREADY_EXISTS, ERROR_INVALID_PARAMETER, ERROR_NOT_ENOUGH_QUOTA } from '../constants';
import { LastError } from '../errors';
import type { ProcessObject, ThreadObject } from '../process';
import type { ProcessManager } from './processManager';
import type { NotifyRoutine } from './state';

const fail = (code: number): never => { throw new LastError(code); };

const MAX_NOTIFY_ROUTINES = 64;

/**
 * RtlNtStatusToDosError for the NTSTATUS values a process notify routine may refuse creation with (its
 * CreateInfo->CreationStatus); a value with no Win32 counterpart gives ERROR_MR_MID_NOT_FOUND (317), as
 * Microsoft Learn's RtlNtStatusToDosError page says. Pairs from Microsoft Learn, "NTSTATUS values" /
 * "System Error Codes" (the documented mapping).
 */
const NTSTATUS_TO_WIN32 = new Map<number, number>([
  [0xC0000001, 31], // STATUS_UNSUCCESSFUL -> ERROR_GEN_FAILURE
  [0xC0000002, 1], // STATUS_NOT_IMPLEMENTED -> ERROR_INVALID_FUNCTION
  [0xC0000005, 998], // STATUS_ACCESS_VIOLATION -> ERROR_NOACCESS
  [0xC000000D, 87], // STATUS_INVALID_PARAMETER -> ERROR_INVALID_PARAMETER
  [0xC0000017, 8], // STATUS_NO_MEMORY -> ERROR_NOT_ENOUGH_MEMORY
  [0xC0000022, 5], // STATUS_ACCESS_DENIED -> ERROR_ACCESS_DENIED
  [0xC000012D, 1455], // STATUS_COMMITMENT_LIMIT -> ERROR_COMMITMENT_LIMIT
  [0xC000009A, 1450], // STATUS_INSUFFICIENT_RESOURCES -> ERROR_NO_SYSTEM_RESOURCES
  [0xC00000BB, 50], // STATUS_NOT_SUPPORTED -> ERROR_NOT_SUPPORTED
  [0xC0000428, 577], // STATUS_INVALID_IMAGE_HASH -> ERROR_INVALID_IMAGE_HASH
  [0xC0000906, 225], // STATUS_VIRUS_INFECTED -> ERROR_VIRUS_INFECTED
]);
export const ERROR_MR_MID_NOT_FOUND = 317;

/** The Win32 error CreateProcess reports for an NTSTATUS (RtlNtStatusToDosError, for the values above). */
export function ntStatusToDosError(status: number): number {
  return NTSTATUS_TO_WIN32.get(status >>> 0) ?? ERROR_MR_MID_NOT_FOUND;
}

/** What an observer of a notify routine sees. */
export interface NotifyCall { routine: string; kind: 'process' | 'thread'; pid: number; parentPid: number; imageFileName: string; create: boolean; tid: number }

export function registerNotify(pm: ProcessManager, kind: 'process' | 'thread', name: string, deny?: NotifyRoutine['deny']): number {
  if (typeof name !== 'string' || !name) fail(ERROR_INVALID_PARAMETER);
  if (pm.notifyRoutines.filter((r) => r.kind === kind).length >= MAX_NOTIFY_ROUTINES) fail(ERROR_NOT_ENOUGH_QUOTA);
  if (deny && (kind !== 'process' || typeof deny.imageName !== 'string' || !Number.isInteger(deny.status))) fail(ERROR_INVALID_PARAMETER);
  if (pm.notifyRoutines.some((r) => r.kind === kind && r.name === name)) fail(ERROR_ALREADY_EXISTS);
  const id = pm.nextNotifyId++;
  pm.notifyRoutines.push({ id, kind, name, deny: deny ? { imageName: deny.imageName, status: deny.status >>> 0 } : undefined });
  const t = pm.trace;
  if (kind === 'process') { t.step('ps.registerProcessNotify')?.s(name).b(false).change('system'); }
  else t.step('ps.registerThreadNotify')?.s(name).b(false).change('system');
  return id;
}

export function unregisterNotify(pm: ProcessManager, id: number): void {
  const r = pm.notifyRoutines.find((x) => x.id === id);
  if (!r) fail(ERROR_INVALID_PARAMETER);
  pm.notifyRoutines = pm.notifyRoutines.filter((x) => x.id !== id);
  const t = pm.trace;
  if (r!.kind === 'process') { t.step('ps.registerProcessNotify')?.s(r!.name).b(true).change('system'); }
  else t.step('ps.registerThreadNotify')?.s(r!.name).b(true).change('system');
}

/** Watches calls of a registered routine (a scenario's view; never part of the simulated state). */
export function observeNotify(pm: ProcessManager, id: number, listener: (call: NotifyCall) => void): { dispose(): void } {
  pm.observers.set(id, listener);
  return { dispose: () => { pm.observers.delete(id); } };
}

/** Calls process notify routines; returns the NTSTATUS a routine refused creation with (0 = allowed). */
export function callProcessNotify(pm: ProcessManager, p: ProcessObject, create: boolean): number {
  const t = pm.trace;
  let denied = 0;
  for (const r of pm.notifyRoutines) {
    if (r.kind !== 'process') continue;
    const refuse = create && !denied && r.deny && r.deny.imageName.toLowerCase() === p.imageFileName.toLowerCase() ? r.deny.status : 0;
    if (refuse) denied = refuse;
    t.step('ps.notifyProcess')?.s(r.name).n(p.pid).n(p.parentPid).b(create).b(refuse !== 0).change('process', p.pid);
    pm.observers.get(r.id)?.({ routine: r.name, kind: 'process', pid: p.pid, parentPid: p.parentPid, imageFileName: p.imageFileName, create, tid: 0 });
  }
  return denied;
}

export function callThreadNotify(pm: ProcessManager, p: ProcessObject, thread: ThreadObject, create: boolean): void {
  const t = pm.trace;
  for (const r of pm.notifyRoutines) {
    if (r.kind !== 'thread') continue;
    t.step('ps.notifyThread')?.s(r.name).n(p.pid).n(thread.tid).b(create).change('thread', thread.tid);
    pm.observers.get(r.id)?.({ routine: r.name, kind: 'thread', pid: p.pid, parentPid: p.parentPid, imageFileName: p.imageFileName, create, tid: thread.tid });
  }
}
