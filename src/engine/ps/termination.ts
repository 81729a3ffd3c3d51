// Process termination: NtTerminateProcess -> PspTerminateProcess, each thread's exit, the notify routines,
// ObKillProcess (handle rundown), MmDeleteProcessAddressSpace, job and console detach, the CID and
// PspProcessDelete; GetExitCodeProcess. Windows Internals 7e ch. 3, "Terminating a process".
import { PAGE_SIZE_N } from '../constants';
import { ERROR_ACCESS_DENIED, STILL_ACTIVE } from '../constants';
import { LastError } from '../errors';
import { unmapView } from '../mm/sectionApi';
import { deleteAddressSpace } from '../mm/teardown';
import type { ProcessObject } from '../process';
import { detachConsole } from './console';
import { postExit } from './debug';
import { closeHandleInternal, dereferenceObject, processFromHandle } from './handles';
import { dropSection } from './images';
import { removeFromJob } from './jobs';
import { callProcessNotify } from './notify';
import type { ProcessManager } from './processManager';
import { finishThread } from './threads';
import { releaseToken } from './tokenObjects';
import { tagValue } from '../mm/pool';

const fail = (code: number): never => { throw new LastError(code); };

/** TerminateProcess / ExitProcess: threads, notify routines, handles, address space, job, CID. */
export function terminateProcess(pm: ProcessManager, p: ProcessObject, exitStatus: number, byPid: number): void {
  if (p.exited) fail(ERROR_ACCESS_DENIED);
  // Already being torn down (this call came from inside its teardown): that teardown finishes it
  // (NtTerminateProcess answers STATUS_PROCESS_IS_TERMINATING; Windows Internals 7e ch. 3, "Thread termination").
  if (pm.state(p).exiting) return;
  const t = pm.trace;
  t.step('process.terminate')?.n(p.pid).n(exitStatus >>> 0).n(byPid).change('process', p.pid);
  destroyProcess(pm, p, exitStatus, byPid, false);
}

export function destroyProcess(pm: ProcessManager, p: ProcessObject, exitStatus: number, _byPid: number, creationFailed: boolean): void {
  const t = pm.trace;
  const st = pm.state(p);
  if (st.exiting) return;
  st.exiting = true;
  const saved = t.currentStage;
  t.currentStage = undefined;
  try {
    st.loader = null;
    // DbgkExitProcess: the debugger hears of the exit (the simulated exit does not wait for it).
    if (st.debugObjectId && !creationFailed) postExit(pm, p, p.threads.find((x) => x.state !== 'Terminated'), exitStatus, true);
    for (const thread of p.threads) if (thread.state !== 'Terminated') finishThread(pm, p, thread, exitStatus, false);
    if (!creationFailed) callProcessNotify(pm, p, false);
    // ObKillProcess: close every handle.
    const handles = [...st.handles.entries.keys()];
    for (const h of handles) closeHandleInternal(pm, p, h, false);
    t.step('process.rundownHandles')?.n(p.pid).n(handles.length).change('process', p.pid);
    // win32k's process callout at exit frees the W32PROCESS it allocated (pool tag 'Uspi').
    if (st.w32Process) { pm.ob.freePool(st.w32Process, tagValue('Uspi')); st.w32Process = 0n; }
    // CSRSS hears of the exit and closes the handles it held to the process and its thread (CsrDereferenceProcess).
    if (st.csrHandles) {
      const csr = st.csrHandles;
      st.csrHandles = null;
      const csrss = pm.ctx.byPid.get(csr.csrssPid);
      if (csrss && !csrss.exited) {
        csr.handles.forEach((h, i) => { if (pm.state(csrss).handles.get(h)?.objectId === csr.objectIds[i]) closeHandleInternal(pm, csrss, h, false); });
      }
    }
    if (p.directoryTableBase >= 0) {
      const r = deleteAddressSpace(pm.mm, p, (vad) => unmapView(pm.mm, p, BigInt(vad.startVpn) * PAGE_SIZE_N));
      t.step('process.deleteAddressSpace')?.n(p.pid).n(r.vads).n(r.privatePages).n(r.pageTables).change('process', p.pid).change('commit');
    }
    if (st.sectionId) { const section = pm.mm.sectionRegistry.sections.get(st.sectionId); if (section) dropSection(pm, section); st.sectionId = 0; }
    if (st.jobId) removeFromJob(pm, st.jobId, p);
    detachConsole(pm, p);
    // EPROCESS.DebugPort's reference goes with the process.
    if (st.debugObjectId) { const id = st.debugObjectId; st.debugObjectId = 0; dereferenceObject(pm, id); }
    st.exitStatus = exitStatus >>> 0;
    st.exitSeq = t.count;
    p.exited = true;
    pm.cids.free(p.pid);
    pm.ctx.byPid.delete(p.pid);
    if (st.inserted) pm.liveCount--;
    if (pm.explorerPid === p.pid) pm.explorerPid = 0;
    if (pm.csrssBySession.get(p.sessionId) === p.pid) pm.csrssBySession.delete(p.sessionId);
    releaseToken(pm, st.token);
    pm.ob.dereference(st.objectId);
    t.step('process.exit')?.n(p.pid).n(exitStatus >>> 0).n(pm.liveCount).change('process', p.pid);
    deleteProcessIfUnreferenced(pm, p.index);
  } finally {
    t.currentStage = saved;
  }
}

/** GetExitCodeProcess: STILL_ACTIVE while it runs. */
export function exitCodeOf(pm: ProcessManager, caller: ProcessObject, hProcess: number): number {
  const target = processFromHandle(pm, caller, hProcess, 0);
  return target.exited ? pm.state(target).exitStatus : STILL_ACTIVE;
}

/**
 * PspProcessDelete: an exited process is freed once nothing refers to it — its EPROCESS object is gone
 * (no handle, no debug event, no pointer reference) and none of its ETHREAD objects is left (a thread
 * object references its process). Its slot in the process table is emptied; slots are never reused, so
 * indexes stay unique (pids are CIDs, freed at exit). A primary token a handle still holds stays
 * reachable with the handle-only tokens. Windows Internals 7e ch. 3, "Terminating a process": the
 * process object is deleted when its last reference goes.
 */
export function deleteProcessIfUnreferenced(pm: ProcessManager, index: number): void {
  const p = pm.ctx.processes[index];
  if (!p || !p.exited) return;
  const st = pm.state(p);
  if (pm.ob.get(st.objectId)) return;
  for (const ref of pm.threadObjects.values()) if (ref[0] === index) return;
  const tokenId = st.token.tokenId;
  if (pm.tokenObjects.has(tokenId) && !pm.tokens.has(tokenId)) pm.tokens.set(tokenId, st.token);
  pm.ctx.processes[index] = undefined;
}
