// Stage 3C: KeInitializeProcess — the kernel process structure (KPROCESS): base priority, directory
// table base, the processors its threads may run on.
// Windows Internals 7e ch. 3, stage 3C "Creating the kernel process structure".
import type { ProcessObject } from '../../process';
import type { ProcessManager } from '../processManager';

export function initializeKprocess(pm: ProcessManager, p: ProcessObject): void {
  const t = pm.trace;
  t.step('create.kprocess')?.n(p.pid).n(pm.state(p).basePriority).n(p.directoryTableBase).n(pm.ctx.processors).change('process', p.pid);
}
