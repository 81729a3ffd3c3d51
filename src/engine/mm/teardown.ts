// Address-space teardown at process exit (MmCleanProcessAddressSpace + MmDeleteProcessAddressSpace):
// every VAD's pages go back to the free list (valid, transition and paging-file PTEs alike, through
// MemoryManager.deletePte), paging-file slots are freed, page tables are released bottom-up and
// finally the PML4 page itself; the process's commit (private pages and page tables) returns to zero.
import { PAGE_SIZE_N } from '../constants';
import { MM_HIGHEST_USER_ADDRESS } from '../constants';
import type { AddressSpace } from './addressSpace';
import type { MemoryManager } from './memoryManager';
import { PTE_LARGE_PAGE, PTE_VALID, ptePfn } from './pte';
import { Vad, VadType } from './vad';
import { releaseLargePages } from './virtual';

/** The last user VPN (the page of MM_HIGHEST_USER_ADDRESS). */
const USER_LAST_VPN = Number(MM_HIGHEST_USER_ADDRESS / PAGE_SIZE_N);

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
  // The PML4: first any paging structure no VAD's teardown reached, then the self-map entry, then the page itself.
  const pml4 = process.directoryTableBase;
  if (pml4 >= 0) {
    freeLeftoverPageTables(mm, process, pml4);
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

/**
 * MmDeleteProcessAddressSpace frees every page-table page the process still has (Windows Internals 7e
 * Part 1 ch. 3, "Terminating a process", and ch. 5, "Page tables and page table entries": page tables are
 * the process's own pages, charged to its commit). The VAD teardown above frees the tables under each
 * VAD's range, but a chain of paging structures a fault began and could not finish (a PDPT made, its PD
 * refused on the commit limit: STATUS_COMMITMENT_LIMIT) maps nothing and lies under no page a VAD
 * reaches. This walks the user half of the PML4 (entries 0-255; the self-map entry is in the kernel
 * half) and frees, bottom-up, every paging structure left that maps nothing. A table that still maps
 * something is left alone: that is a leak for verifyIntegrity to name, not one to hide.
 */
function freeLeftoverPageTables(mm: MemoryManager, process: AddressSpace, pml4: number): void {
  const width = mm.layout.hardwarePfnBits;
  // Depth-first, iterative: [table, level, next index to look at, parent table, index in the parent].
  const stack: Array<[number, number, number, number, number]> = [[pml4, 3, 0, -1, -1]];
  while (stack.length) {
    const top = stack[stack.length - 1]!;
    const [table, level, , parent, parentIndex] = top;
    const end = level === 3 ? 256 : 512;
    let child = -1;
    // Only structures below a PD entry or above (level >= 1) hold child tables; a leaf page table's entries are pages.
    while (level >= 1 && top[2] < end && mm.usedEntries[table] !== 0) {
      const index = top[2]++;
      if (level === 3 && index === mm.selfMapIndex) continue;
      const lo = mm.readLo(table, index);
      if (!(lo & PTE_VALID) || (lo & PTE_LARGE_PAGE)) continue;
      child = ptePfn(lo, mm.readHi(table, index), width);
      stack.push([child, level - 1, 0, table, index]);
      break;
    }
    if (child >= 0) continue;
    stack.pop();
    if (parent < 0 || mm.usedEntries[table] !== 0) continue;
    // Empty: unlink it from its parent and free it (the parent's valid-entry count and share count drop).
    mm.phys.writeWord(parent, parentIndex * 2, 0);
    mm.phys.writeWord(parent, parentIndex * 2 + 1, 0);
    mm.usedEntries[parent]!--;
    mm.pfn.shareCount[parent]!--;
    mm.freePage(table);
    process.pageTablePages--;
  }
}
