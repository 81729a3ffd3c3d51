// CreateProcessInternalW -> NtCreateUserProcess: stages 1, 2, 3A-3F, 4, 5, 6 (and 7 when the initial
// thread starts) in the book's order, each stage in its own file here; a failure after 3A tears the
// half-built process down. Windows Internals 7e ch. 3, "Flow of CreateProcess".
import { ERROR_INVALID_HANDLE, STATUS_ACCESS_DENIED } from '../../constants';
import { LastError } from '../../errors';
import type { ProcessManager } from '../processManager';
import { destroyProcess } from '../termination';
import type { CreatedProcess, PsCreateOptions, ValidatedParameters } from './creationState';
import { validateParameters } from './stage1-validate';
import { openImage } from './stage2-open-image';
import { allocateProcess } from './stage3a-allocate-process';
import { createInitialAddressSpace } from './stage3b-address-space';
import { initializeKprocess } from './stage3c-kprocess';
import { mapImageAndNtdll } from './stage3d-map-image';
import { createPeb } from './stage3e-peb';
import { insertProcess } from './stage3f-insert-process';
import { createInitialThread } from './stage4-initial-thread';
import { notifyWindowsSubsystem } from './stage5-windows-subsystem';
import { startInitialThread } from './stage6-start-thread';

const fail = (code: number): never => { throw new LastError(code); };

/** The CreateProcess flow. Throws LastError with the Win32 error on failure (after recording 'create.failed'). */
export function createProcess(pm: ProcessManager, o: PsCreateOptions): CreatedProcess {
  const t = pm.trace;
  const flags = (o.creationFlags ?? 0) >>> 0;
  const parent = o.parentPid !== undefined ? pm.ctx.byPid.get(o.parentPid) : pm.defaultParent();
  if (o.parentPid !== undefined && (!parent || parent.exited)) fail(ERROR_INVALID_HANDLE);
  // Stage 1's results; a failure names c.image (as given until stage 2 resolves it).
  let c: ValidatedParameters | undefined;
  try {
    // ---- Stage 1: convert and validate parameters and flags.
    t.currentStage = '1';
    c = validateParameters(pm, o, flags, parent);
    // ---- Stage 2: open the image.
    t.currentStage = '2';
    const opened = openImage(pm, c);
    if ('restarted' in opened) return opened.restarted;
    // ---- Stage 3A: the executive process object.
    t.currentStage = '3A';
    const p = allocateProcess(pm, c, opened);
    try {
      const pe = opened.pe;
      // ---- Stage 3B: the initial address space (PML4 with its self-map entry).
      t.currentStage = '3B';
      createInitialAddressSpace(pm, p);
      // ---- Stage 3C: KPROCESS.
      t.currentStage = '3C';
      initializeKprocess(pm, p);
      // ---- Stage 3D: finish the address space: the image and ntdll.
      t.currentStage = '3D';
      mapImageAndNtdll(pm, p, pe);
      // ---- Stage 3E: the PEB and the process parameters.
      t.currentStage = '3E';
      createPeb(pm, p, pe, opened.commandLine);
      // ---- Stage 3F: insert the process: CID, active process list, job, inherited handles, creator's handle.
      t.currentStage = '3F';
      const hProcess = insertProcess(pm, p, o, parent, opened.jobId);
      // ---- Stage 4: the initial thread (always created suspended; stage 6 resumes it).
      t.currentStage = '4';
      const thread = createInitialThread(pm, p, pe);
      // ---- Stage 5: the Windows subsystem: CSRSS learns about the process and thread.
      t.currentStage = '5';
      notifyWindowsSubsystem(pm, p, pe, thread);
      // ---- Stage 6: start the initial thread unless CREATE_SUSPENDED (stage 7 then runs in the new process).
      t.currentStage = '6';
      const hThread = startInitialThread(pm, p, thread, parent, !!o.returnHandles);
      return { pid: p.pid, tid: thread.tid, hProcess, hThread };
    } catch (e) {
      // A failure after the process object exists: tear down what was built.
      if (!p.exited) destroyProcess(pm, p, e instanceof LastError ? e.code : STATUS_ACCESS_DENIED, 0, true);
      throw e;
    }
  } catch (e) {
    if (e instanceof LastError && !(e as { recorded?: boolean }).recorded) {
      (e as { recorded?: boolean }).recorded = true;
      if (t.begin('create.failed')) { t.str(c?.image ?? o.imagePath); t.num(e.code); t.change('system'); }
    }
    throw e;
  } finally {
    t.currentStage = undefined;
  }
}
