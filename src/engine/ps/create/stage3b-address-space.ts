// Stage 3B: MmCreateProcessAddressSpace — the initial address space: a page directory (PML4) with its
// self-map entry, the new process's DirectoryTableBase.
// Windows Internals 7e ch. 3, stage 3B "Creating the initial process address space"; ch. 5, "Address translation".
import type { ProcessObject } from '../../process';
import type { ProcessManager } from '../processManager';

export function createInitialAddressSpace(pm: ProcessManager, p: ProcessObject): void {
  const t = pm.trace;
  const mm = pm.mm;
  mm.createAddressSpace(p);
  t.step('create.addressSpace')?.n(p.pid).n(p.directoryTableBase).a(mm.entryAddress(3, 0) & ~0xFFFn | (BigInt(mm.selfMapIndex) << 3n)).change('process', p.pid).change('pfn', p.directoryTableBase);
}
