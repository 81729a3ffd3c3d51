// Stage 4: creating the initial thread, suspended (PspAllocateThread, PspInsertThread in threads.ts),
// then the process and thread notify routines (a process routine may refuse the creation).
// Windows Internals 7e ch. 3, "Stage 4: Creating the initial thread and its stack and context".
import { ERROR_ACCESS_DENIED } from '../../constants';
import { LastError } from '../../errors';
import type { PeImage } from '../../io/pe';
import type { ProcessObject, ThreadObject } from '../../process';
import { callProcessNotify, callThreadNotify } from '../notify';
import type { ProcessManager } from '../processManager';
import { createThreadObject } from '../threads';

const fail = (code: number): never => { throw new LastError(code); };

export function createInitialThread(pm: ProcessManager, p: ProcessObject, pe: PeImage): ThreadObject {
  const thread = createThreadObject(pm, p, pm.state(p).entryPoint, 0n, pe.sizeOfStackReserve, true, true);
  const processNotified = callProcessNotify(pm, p, true);
  if (processNotified !== 0) fail(ERROR_ACCESS_DENIED);
  callThreadNotify(pm, p, thread, true);
  return thread;
}
