// Address-space teardown at process exit (MmCleanProcessAddressSpace + MmDeleteProcessAddressSpace):
// every VAD's pages go back to the free list (valid, transition and paging-file PTEs alike, through
// MemoryManager.deletePte), paging-file slots are freed, page tables are released bottom-up and
// finally the PML4 page itself; the process's commit (private pages and page tables) returns to zero.
import { MM_HIGHEST_USER_ADDRESS } from '../constants';
import type { AddressSpace } from './addressSpace';
import type { MemoryManager } from './memoryManager';
import { Vad, VadType } from './vad';
import { releaseLargePages } from './virtual';

/** The last user VPN (the page of MM_HIGHEST_USER_ADDRESS). */
const USER_LAST_VPN = Number(MM_HIGHEST_USER_ADDRESS / 4096n);

/** What teardown released, for the trace. */
export interface TeardownResult { vads: number; privatePages: number; pageTables: number }

/**
 * Deletes the whole user address space of `process`. `unmapView` handles VADs that are not private
 * memory (section views): it must drop the view's references without freeing shared pages.
 */
export function deleteAddressSpace(mm: MemoryManager, process: AddressSpace, unmapView?: (vad: Vad) => void): TeardownResult {
  const vads = process.vads.toArray();
  let privatePages = 0;
  for (const vad of vads) {
    if (!vad.privateMemory) {
      if (!unmapView) throw new Error(`deleteAddressSpace: pid ${process.pid} has a mapped view at VPN 0x${vad.startVpn.toString(16)} and no unmap routine`);
      unmapView(vad);
      continue;
    }
    if (vad.vadType === VadType.VadLargePages) releaseLargeRuns(mm, process, vad);
    else {
      mm.forEachPte(process, vad.startVpn, vad.endVpn, (v, _lo, _hi, table, index) => mm.deletePte(process, v, table, index, 0, 0));
    }
    privatePages += vad.commitCharge;
    process.privateCommit -= vad.commitCharge;
    vad.commitCharge = 0;
    process.vads.remove(vad);
    if (vad.vadType !== VadType.VadLargePages) mm.freeEmptyPageTables(process, vad.startVpn, vad.endVpn);
  }
  // MmDeleteProcessAddressSpace frees every user paging structure: also the empty ones no VAD covers any
  // more (O(paging structures that exist): absent ranges are skipped a PML4 entry at a time).
  mm.freeEmptyPageTables(process, 0, USER_LAST_VPN);
  const tablesBefore = process.pageTablePages;
  // The PML4: drop the self-map entry, then the page itself.
  const pml4 = process.directoryTableBase;
  if (pml4 >= 0) {
    mm.phys.writeWord(pml4, mm.selfMapIndex * 2, 0);
    mm.phys.writeWord(pml4, mm.selfMapIndex * 2 + 1, 0);
    mm.usedEntries[pml4] = 0;
    mm.freePage(pml4);
    process.pageTablePages--;
    process.directoryTableBase = -1;
  }
  process.flushTlb();
  return { vads: vads.length, privatePages, pageTables: tablesBefore };
}

/** Unmaps a large-page VAD's PDE/PPE entries, frees its physical runs and the page tables left empty. */
function releaseLargeRuns(mm: MemoryManager, p: AddressSpace, vad: Vad): void {
  releaseLargePages(mm, p, vad);
  mm.freeEmptyPageTables(p, vad.startVpn, vad.endVpn);
}
