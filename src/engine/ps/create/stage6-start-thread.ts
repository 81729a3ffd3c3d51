// Stage 6: starting execution of the initial thread — resumed unless CREATE_SUSPENDED; the creator gets
// its thread handle. Windows Internals 7e ch. 3, "Stage 6: Starting execution of the initial thread".
import { CREATE_SUSPENDED, THREAD_ALL_ACCESS } from '../../constants';
import type { ProcessObject, ThreadObject } from '../../process';
import { insertHandle } from '../handles';
import type { ProcessManager } from '../processManager';
import { resumeThreadObject } from '../threads';

/** Stage 6; returns the creator's thread handle when one was asked for. */
export function startInitialThread(pm: ProcessManager, p: ProcessObject, thread: ThreadObject, parent: ProcessObject | undefined, returnHandles: boolean): number | undefined {
  const t = pm.trace;
  const suspended = (p.creationFlags & CREATE_SUSPENDED) !== 0;
  t.step('create.start')?.n(p.pid).n(thread.tid).b(suspended).change('thread', thread.tid);
  if (!suspended) resumeThreadObject(pm, p, thread);
  let hThread: number | undefined;
  if (returnHandles && parent?.ps) hThread = insertHandle(pm, parent, thread.objectId!, THREAD_ALL_ACCESS);
  return hThread;
}
