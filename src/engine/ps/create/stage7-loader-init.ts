// Stage 7: process initialization in the context of the new process. The initial thread starts in
// LdrInitializeThunk; a debugged process first reports itself (DbgkCreateThread). loader.ts goes on from
// there. Windows Internals 7e ch. 3, "Stage 7: Performing process initialization in the context of the new process".
import type { ProcessObject, ThreadObject } from '../../process';
import { debugObjectOf, postProcessStart } from '../debug';
import { continueLoader } from '../loader';
import type { ProcessManager } from '../processManager';

/**
 * Stage 7, in the new process. A debugged process first reports itself (DbgkCreateThread: the
 * create-process and ntdll load events) and waits for its debugger; then LdrInitializeThunk runs.
 */
export function runLoaderInit(pm: ProcessManager, p: ProcessObject, thread: ThreadObject): void {
  const t = pm.trace;
  const st = pm.state(p);
  const saved = t.currentStage;
  t.currentStage = '7';
  try {
    t.step('create.loaderInit')?.n(p.pid).n(thread.tid).change('thread', thread.tid);
    st.loader = { tid: thread.tid, phase: 'heap', queue: [], seen: [] };
    const dbg = debugObjectOf(pm, p);
    if (dbg) { postProcessStart(pm, p, thread, dbg); return; }
  } finally {
    t.currentStage = saved;
  }
  continueLoader(pm, p);
}
