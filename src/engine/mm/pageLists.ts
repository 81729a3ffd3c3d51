// Page allocation and the page lists: MiRemoveZeroPage, MiRemoveAnyPage (repurposing standby pages through
// MiRestoreTransitionPte), MiInsertPageInFreeList, MiInitializePfn and the zero page thread (MiZeroPageThread).
// Windows Internals 7th ed., Part 1, ch. 5, "Page frame number database" ("Page list dynamics", "Zero page thread").
import { NtException } from '../errors';
import { STATUS_NO_MEMORY } from '../constants';
import { NORMAL_PRIORITY } from './geometry';
import type { MemoryManager } from './memoryManager';
import { LIST_FREE, LIST_MODIFIED, LIST_STANDBY0, LIST_ZEROED, PageLocation, PFN_PAGE_TABLE, PFN_PROTOTYPE_PTE } from './pfn';
import { restoreProtoPte } from './section';
import { MmWorkingSetManager } from './trim';
import { MiMappedPageWriter, MiModifiedPageWriter } from './writer';

export function MiInitializePfn(mm: MemoryManager, pfn: number, owner: number, pteFrame: number, pteLo: number, pteHi: number, origLo: number, origHi: number): void {
  const db = mm.pfn;
  db.location[pfn] = PageLocation.ActiveAndValid;
  db.shareCount[pfn] = 1;
  db.referenceCount[pfn] = 1;
  db.pteFrame[pfn] = pteFrame;
  db.pteAddressLo[pfn] = pteLo;
  db.pteAddressHi[pfn] = pteHi;
  db.originalPteLo[pfn] = origLo;
  db.originalPteHi[pfn] = origHi;
  // MMPFN's page priority: the faulting thread's memory priority; it picks the standby sub-list the page
  // goes to when it leaves the working set (Windows Internals 7th ed., Part 1, ch. 5, "Page priority").
  db.priority[pfn] = mm.processes[owner]?.faultPagePriority() ?? NORMAL_PRIORITY;
  db.flags[pfn] = 0;
  db.wsIndex[pfn] = -1;
}


/** MiRemoveZeroPage: a zeroed page, or a free page zeroed now, or a repurposed standby page. */
export function MiRemoveZeroPage(mm: MemoryManager): number {
  const db = mm.pfn;
  let pfn = db.removeHead(LIST_ZEROED);
  mm.lastZeroedNow = false;
  if (pfn >= 0) { mm.lastFrom = PageLocation.ZeroedPageList; return pfn; }
  pfn = MiRemoveAnyPage(mm);
  mm.phys.zeroPage(pfn);
  mm.lastZeroedNow = true;
  return pfn;
}

/** MiRemoveAnyPage: free, then zeroed, then the lowest-priority standby page (repurposed). */
export function MiRemoveAnyPage(mm: MemoryManager): number {
  const db = mm.pfn;
  for (let attempt = 0; attempt < 3; attempt++) {
    let pfn = db.removeHead(LIST_FREE);
    if (pfn >= 0) { mm.lastFrom = PageLocation.FreePageList; return pfn; }
    pfn = db.removeHead(LIST_ZEROED);
    if (pfn >= 0) { mm.lastFrom = PageLocation.ZeroedPageList; return pfn; }
    for (let p = 0; p < 8; p++) {
      if (db.listCount[LIST_STANDBY0 + p]! > 0) {
        pfn = db.listHead[LIST_STANDBY0 + p]!;
        repurpose(mm, pfn);
        mm.lastFrom = PageLocation.StandbyPageList;
        return pfn;
      }
    }
    // Nothing available: write modified pages out (they become standby), or trim working sets.
    if (attempt === 0 && db.listCount[LIST_MODIFIED]! > 0) { MiMappedPageWriter(mm, mm.fileSystem); if (mm.config.pageFilePages > 0) MiModifiedPageWriter(mm, Infinity); }
    else if (!mm.trimming) MmWorkingSetManager(mm, true);
  }
  throw new NtException(STATUS_NO_MEMORY, 0n, false);
}

/**
 * A transition page comes back into use (a soft fault): MiUnlinkPageFromList takes it off the standby or
 * modified list and it becomes active with one share and one reference. Returns the list it was on.
 */
export function takeTransitionPage(mm: MemoryManager, pfn: number): number {
  const db = mm.pfn;
  const from = db.location[pfn]!;
  db.unlink(pfn);
  db.location[pfn] = PageLocation.ActiveAndValid;
  db.shareCount[pfn] = 1;
  db.referenceCount[pfn] = 1;
  return from;
}

/** Takes a standby page away from its owner: the owner's PTE gets back the OriginalPte. */
export function repurpose(mm: MemoryManager, pfn: number): void {
  const db = mm.pfn;
  const priority = db.priority[pfn]!;
  db.unlink(pfn);
  const lo = db.originalPteLo[pfn]!;
  const hi = db.originalPteHi[pfn]!;
  // The repurpose is recorded before the owner's PTE is restored: restoring the last page of an unused
  // control area deletes it (section.delete), a consequence of this repurpose, so it must come after it.
  const t = mm.trace;
  t.step('pfn.repurpose')?.n(pfn).n(priority).a2(lo, hi).change('pfn', pfn).change('pageList', LIST_STANDBY0 + priority);
  MiRestoreTransitionPte(mm, pfn);
  db.repurposed[priority]!++;
  db.location[pfn] = PageLocation.TransitionPage;
}

/**
 * A page is leaving memory: the PTE that still refers to it (a transition PTE in a page table, or a
 * prototype PTE) gets the OriginalPte back.
 */
export function MiRestoreTransitionPte(mm: MemoryManager, pfn: number): void {
  const db = mm.pfn;
  if (db.flags[pfn]! & PFN_PROTOTYPE_PTE) { restoreProtoPte(mm, pfn); return; }
  const table = db.pteFrame[pfn]!;
  const index = (db.pteAddressLo[pfn]! >>> 3) & 511;
  mm.writeEntry(table, index, db.originalPteLo[pfn]!, db.originalPteHi[pfn]!);
  db.shareCount[table]!--;
}

/** MiZeroPageThread: zeroes free pages and moves them to the zeroed list. */
export function MiZeroPageThread(mm: MemoryManager): number {
  const db = mm.pfn;
  let n = 0;
  for (let pfn = db.removeHead(LIST_FREE); pfn >= 0; pfn = db.removeHead(LIST_FREE)) {
    mm.phys.zeroPage(pfn);
    db.insertTail(LIST_ZEROED, pfn, PageLocation.ZeroedPageList);
    n++;
  }
  const t = mm.trace;
  t.step('thread.zeroPage')?.n(n).change('pageList', LIST_ZEROED);
  return n;
}

/** Moves standby pages of priorities [0, maxPriority] to the free list, restoring their owners' PTEs. */
export function purgeStandby(mm: MemoryManager, maxPriority: number): number {
  const db = mm.pfn;
  let n = 0;
  for (let p = 0; p <= maxPriority; p++) {
    while (db.listCount[LIST_STANDBY0 + p]! > 0) {
      const pfn = db.listHead[LIST_STANDBY0 + p]!;
      db.unlink(pfn);
      MiRestoreTransitionPte(mm, pfn);
      MiInsertPageInFreeList(mm, pfn);
      n++;
    }
  }
  return n;
}

/** Puts an unreferenced page on the free list and forgets its owner. */
export function MiInsertPageInFreeList(mm: MemoryManager, pfn: number): void {
  const db = mm.pfn;
  if (db.pteFrame[pfn] === pfn) mm.pml4Owner.delete(pfn);
  if (db.flags[pfn]! & PFN_PAGE_TABLE) mm.pagingStructurePages--;
  db.shareCount[pfn] = 0;
  db.referenceCount[pfn] = 0;
  db.wsIndex[pfn] = -1;
  db.pteFrame[pfn] = -1;
  db.pteAddressLo[pfn] = 0;
  db.pteAddressHi[pfn] = 0;
  db.originalPteLo[pfn] = 0;
  db.originalPteHi[pfn] = 0;
  db.flags[pfn] = 0;
  db.priority[pfn] = NORMAL_PRIORITY;
  db.insertTail(LIST_FREE, pfn, PageLocation.FreePageList);
}

