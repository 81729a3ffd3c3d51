// Stage 3F: PspInsertProcess — the process joins the active process list (CID already allocated) and its
// job, and the creator gets a handle to it (the inherited handles were copied in 3A).
// Windows Internals 7e ch. 3, stage 3F "Completing the setup of the executive process object".
import { PROCESS_ALL_ACCESS } from '../../constants';
import type { ProcessObject } from '../../process';
import { insertHandle } from '../handles';
import { addToJob } from '../jobs';
import type { ProcessManager } from '../processManager';
import type { PsCreateOptions } from './creationState';

/** Stage 3F; returns the creator's process handle when one was asked for. */
export function insertProcess(pm: ProcessManager, p: ProcessObject, o: PsCreateOptions, parent: ProcessObject | undefined, jobId: number): number | undefined {
  const t = pm.trace;
  const st = pm.state(p);
  const pid = p.pid;
  st.createSeq = t.count;
  st.inserted = true;
  pm.liveCount++;
  t.step('create.insertProcess')?.n(pid).n(pm.liveCount).change('process', pid);
  if (jobId) addToJob(pm, jobId, p, true);
  let hProcess: number | undefined;
  if (o.returnHandles && parent?.ps) {
    hProcess = insertHandle(pm, parent, st.objectId, PROCESS_ALL_ACCESS);
    t.step('create.handle')?.n(pid).n(parent.pid).n(hProcess).n(PROCESS_ALL_ACCESS).change('process', parent.pid);
  }
  if (p.imageFileName.toLowerCase() === 'csrss.exe' && !pm.csrssBySession.has(p.sessionId)) pm.csrssBySession.set(p.sessionId, pid);
  if (p.imageFileName.toLowerCase() === 'explorer.exe' && !pm.explorerPid) pm.explorerPid = pid;
  return hProcess;
}
