// CreateProcessInternalW -> NtCreateUserProcess: stages 1, 2, 3A-3F, 4, 5, 6 (and 7 when the initial
// thread starts) in the book's order, each stage in its own file here; a failure after 3A tears the
// half-built process down. Windows Internals 7e ch. 3, "Flow of CreateProcess".
//
// A replay stopped inside a creation (stateAt at one of its steps) is not a failure: the StopReplay
// passes through untouched, so the past state is the half-built process exactly as far as the kernel got
// (before 3F it is not yet inserted: ProcessInfo.creating), never one torn down by the failure path.
import { ERROR_INVALID_HANDLE, STATUS_ACCESS_DENIED } from '../../constants';
import { LastError, NtException } from '../../errors';
import { StopReplay } from '../../trace';
import type { ProcessManager } from '../processManager';
import { dropSection } from '../images';
import { ntStatusToDosError } from '../notify';
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
    let p;
    try { p = allocateProcess(pm, c, opened); } catch (e) { if (!(e instanceof StopReplay)) dropSection(pm, opened.section); throw e; }
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
      // ---- Stage 5: the Windows subsystem: CSRSS learns about the process and thread (kernel32 asks it;
      // RtlCreateUserProcess, which starts the system's own processes, does not).
      t.currentStage = '5';
      if (!o.native) notifyWindowsSubsystem(pm, p, pe, thread);
      // ---- Stage 6: start the initial thread unless CREATE_SUSPENDED (stage 7 then runs in the new process).
      t.currentStage = '6';
      const hThread = startInitialThread(pm, p, thread, parent, !!o.returnHandles);
      return { pid: p.pid, tid: thread.tid, hProcess, hThread };
    } catch (e) {
      // A failure after the process object exists: tear down what was built (PspCreateProcess's failure path
      // dereferences the process; its delete routine frees the address space, MmDeleteProcessAddressSpace).
      // The exit status is the failure's: a Win32 error, or the NTSTATUS a fault raised (a page table past
      // the commit limit: STATUS_COMMITMENT_LIMIT).
      if (e instanceof StopReplay) throw e;
      if (!p.exited) destroyProcess(pm, p, e instanceof LastError ? e.code : e instanceof NtException ? e.status : STATUS_ACCESS_DENIED, 0, true);
      // NtCreateUserProcess returns the NTSTATUS; CreateProcessInternalW sets it as the Win32 error
      // (BaseSetLastNTError -> RtlNtStatusToDosError), so a caller sees ERROR_COMMITMENT_LIMIT, not an exception.
      if (e instanceof NtException) throw new LastError(ntStatusToDosError(e.status));
      throw e;
    }
  } catch (e) {
    if (e instanceof LastError && !(e as { recorded?: boolean }).recorded) {
      (e as { recorded?: boolean }).recorded = true;
      t.step('create.failed')?.s(c?.image ?? o.imagePath).n(e.code).change('system');
    }
    throw e;
  } finally {
    t.currentStage = undefined;
  }
}
