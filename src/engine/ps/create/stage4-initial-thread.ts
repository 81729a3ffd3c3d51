// Stage 4: creating the initial thread, suspended (PspAllocateThread, PspInsertThread in threads.ts); for
// the first thread PspInsertThread calls the process notify routines (PspCallProcessNotifyRoutines; a routine
// may refuse the creation with an NTSTATUS, which CreateProcess reports converted by RtlNtStatusToDosError),
// then the thread notify routines. Windows Internals 7e ch. 3, "Stage 4: Creating the initial thread and its
// stack and context"; PspCallProcessNotifyRoutines's callers are PspInsertThread and PspExitProcess (public symbols).
import { LastError } from '../../errors';
import type { PeImage } from '../../io/pe';
import type { ProcessObject, ThreadObject } from '../../process';
import { callProcessNotify, callThreadNotify, ntStatusToDosError } from '../notify';
import type { ProcessManager } from '../processManager';
import { createThreadObject } from '../threads';

const fail = (code: number): never => { throw new LastError(code); };

export function createInitialThread(pm: ProcessManager, p: ProcessObject, pe: PeImage): ThreadObject {
  if (pe.sizeOfStackReserve > 0n) pm.state(p).stackReserve = pe.sizeOfStackReserve;
  if (pe.sizeOfStackCommit > 0n) pm.state(p).stackCommit = pe.sizeOfStackCommit;
  // The initial stack's reserve and commit come from the image header (SizeOfStackReserve, SizeOfStackCommit):
  // Microsoft Learn, "Thread Stack Size" ("The default size for the reserved and initially committed stack memory
  // is specified in the executable file header").
  const thread = createThreadObject(pm, p, pm.state(p).entryPoint, 0n, pe.sizeOfStackReserve, true, true, pe.sizeOfStackCommit);
  const processNotified = callProcessNotify(pm, p, true);
  if (processNotified !== 0) fail(ntStatusToDosError(processNotified));
  callThreadNotify(pm, p, thread, true);
  return thread;
}
