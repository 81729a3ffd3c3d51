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
