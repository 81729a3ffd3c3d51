// Stage 3A: PspAllocateProcess — the executive process object (EPROCESS) with its primary token (a
// duplicate of the creator's, SeSubProcessToken, or the one CreateProcessAsUser gives), its CID, its
// handle table with the creator's inheritable handles (ObInitProcess).
// Windows Internals 7e ch. 3, "Stage 3: Creating the Windows executive process object", stage 3A.
import { releaseToken } from '../tokenObjects';
import { ERROR_INVALID_HANDLE } from '../../constants';
import { LastError } from '../../errors';
import { ProcessObject } from '../../process';
import { setDebugPort } from '../debug';
import { EPROCESS_SIZE } from '../objectSizes';
import { PRIORITY_CLASS_BASE } from '../priorities';
import type { ProcessManager } from '../processManager';
import { PsProcessState } from '../state';
import { duplicateToken, newToken, tokenById } from '../tokenObjects';
import type { OpenedImage, ValidatedParameters } from './creationState';

const fail = (code: number): never => { throw new LastError(code); };

/** Stage 3A: the new EPROCESS, in the process table; the debug port set when stage 1 found a debugger. */
export function allocateProcess(pm: ProcessManager, c: ValidatedParameters, img: OpenedImage): ProcessObject {
  const t = pm.trace;
  const { o, flags, parent, image } = c;
  const given = o.primaryTokenId !== undefined ? tokenById(pm, o.primaryTokenId) : undefined;
  if (o.primaryTokenId !== undefined && !given) fail(ERROR_INVALID_HANDLE);
  // A token given by CreateProcessAsUser is duplicated for the process; otherwise the creator's is (SeSubProcessToken).
  const token = given ? duplicateToken(pm, given, 'Primary') : o.token ? newToken(pm, o.token) : parent ? duplicateToken(pm, parent.ps.token) : newToken(pm, { account: 'User', sessionId: o.sessionId ?? 1 });
  if (o.sessionId !== undefined) token.sessionId = o.sessionId;
  const pid = pm.cids.allocate('p');
  const index = pm.ctx.processes.length;
  let header: ReturnType<typeof pm.ob.create>;
  try { header = pm.ob.create('Process', index, EPROCESS_SIZE); } catch (e) {
    // No pool for the EPROCESS: the token made for it and the id go back (nothing else exists yet).
    releaseToken(pm, token);
    pm.cids.free(pid);
    throw e;
  }
  const st = new PsProcessState(token);
  const p = new ProcessObject(index, pid, image, parent?.pid ?? 0, -1, header.address, st);
  st.objectId = header.objectId;
  st.fileId = img.file.fileId;
  st.subsystem = img.pe.subsystem;
  st.protection = img.protection;
  st.signatureLevel = img.signatureLevel;
  st.console = img.console;
  st.currentDirectory = c.currentDirectory;
  st.basePriority = o.basePriority ?? PRIORITY_CLASS_BASE[c.priorityClass]!;
  st.sectionId = img.section.id;
  st.wow64 = img.wow64;
  st.packageFullName = o.packageFullName ?? '';
  p.commandLine = img.commandLine;
  p.creationFlags = flags;
  p.priorityClass = c.priorityClass;
  p.sessionId = token.sessionId;
  p.bottomUpStartVpn = pm.ctx.rng.range(0x1000000, 0x3000000) * 16;
  pm.ctx.processes.push(p);
  pm.ctx.byPid.set(pid, p);
  t.step('create.allocateProcess')?.n(pid).a(p.eprocess).n(p.parentPid).change('process', pid);
  if (c.debugObject) setDebugPort(pm, p, c.debugObject, c.debugOnlyThis, false);
  // ObInitProcess: the handle table, with a copy of each inheritable handle of the creator when bInheritHandles
  // (Windows Internals 7e ch. 3, stage 3A; ch. 8 Part 2, "Object handles and the process handle table").
  if (o.inheritHandles && parent?.ps) {
    let n = 0;
    for (const [h, e] of pm.state(parent).handles.entries) {
      if (!e.inherit) continue;
      const obj = pm.ob.get(e.objectId);
      if (!obj) continue;
      obj.handleCount++; obj.pointerCount++;
      st.handles.insertAt(h, { ...e });
      n++;
    }
    t.step('create.inheritHandles')?.n(pid).n(parent.pid).n(n).change('process', pid);
  }
  return p;
}
