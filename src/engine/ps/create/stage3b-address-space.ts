// Stage 3B: MmCreateProcessAddressSpace — the initial address space: a page directory (PML4) with its
// self-map entry, the new process's DirectoryTableBase.
// Windows Internals 7e ch. 3, stage 3B "Creating the initial process address space"; ch. 5, "Address translation".
import type { ProcessObject } from '../../process';
import type { ProcessManager } from '../processManager';

export function createInitialAddressSpace(pm: ProcessManager, p: ProcessObject): void {
  const t = pm.trace;
  const mm = pm.mm;
  mm.createAddressSpace(p);
  if (t.begin('create.addressSpace')) { t.num(p.pid); t.num(p.directoryTableBase); t.big(mm.entryAddress(3, 0) & ~0xFFFn | (BigInt(mm.selfMapIndex) << 3n)); t.change('process', p.pid); t.change('pfn', p.directoryTableBase); }
}
