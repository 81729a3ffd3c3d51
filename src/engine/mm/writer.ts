// The page writers and paging-file space: MiModifiedPageWriter (private pages to the paging file),
// MiMappedPageWriter (mapped-file pages to their files), slot allocation and MiReleasePageFileSpace.
// Windows Internals 7th ed., Part 1, ch. 5, "Page files" and "Modified page writer and mapped page writer".
import type { FileSystem } from '../io/fileSystem';
import type { MemoryManager } from './memoryManager';
import { LIST_MODIFIED, LIST_STANDBY0, PageLocation, PFN_MODIFIED, PFN_PROTOTYPE_PTE } from './pfn';
import { PTE_PROTOTYPE, PTE_TRANSITION, makeDemandZeroLo, makePageFileLo, pageFileLow, pteProtection } from './pte';
import { releaseEmptyRegions, STORE_PAGE_FILE_NUMBER, storeActive, storePageAdd } from './compression';
import { protoOfPfn } from './section';
import { PAGE_SIZE as PAGE } from './geometry';

export function allocateSlot(mm: MemoryManager): number {
  const bitmap = mm.pageFileBitmap;
  const n = mm.config.pageFilePages;
  if (mm.pageFileUsed >= n - 1) return -1;
  let s = mm.pageFileHint;
  for (let i = 0; i < n; i++, s++) {
    if (s >= n) s = 1;
    if (bitmap[s] === 0) { bitmap[s] = 1; mm.pageFileUsed++; mm.pageFileHint = s + 1; mm.pageFile.claim(s); return s; }
  }
  return -1;
}

export function MiReleasePageFileSpace(mm: MemoryManager, slot: number): void {
  if (mm.pageFileBitmap[slot] !== 1) throw new Error(`paging file slot ${slot} freed twice`);
  mm.pageFileBitmap[slot] = 0;
  mm.pageFileUsed--;
  mm.pageFile.discard(slot);
}

/**
 * Lets go of the backing copy a paging-file PTE (lo, hi) names: a paging-file slot, or a page key of the
 * compression store (ST_STORE::StDmPageRemove) when PageFileLow names the virtual store.
 */
export function releaseSwapSpace(mm: MemoryManager, lo: number, hi: number): void {
  if (pageFileLow(lo, mm.layout) === STORE_PAGE_FILE_NUMBER) mm.store.remove(hi);
  else MiReleasePageFileSpace(mm, hi);
}

/**
 * Marks a page modified; a copy in the paging file is now stale, so its slot is released (the PFN's
 * OriginalPte loses the paging-file reference, as MiReleasePageFileSpace does when a page is dirtied;
 * Windows Internals 7th ed., Part 1, ch. 5, "Page files"). Every path that dirties a page — private or
 * prototype — goes through here, or a written-out page written again would leak its slot. Returns the
 * slot or -1.
 */
export function markModified(mm: MemoryManager, pfn: number): number {
  const db = mm.pfn;
  if (db.flags[pfn]! & PFN_MODIFIED) return -1;
  db.flags[pfn]! |= PFN_MODIFIED;
  const lo = db.originalPteLo[pfn]!;
  const hi = db.originalPteHi[pfn]!;
  if (hi !== 0 && !(lo & (PTE_PROTOTYPE | PTE_TRANSITION))) {
    releaseSwapSpace(mm, lo, hi);
    db.originalPteLo[pfn] = makeDemandZeroLo(pteProtection(lo));
    db.originalPteHi[pfn] = 0;
    return hi;
  }
  return -1;
}

/** MiModifiedPageWriter: writes modified pages to the paging file; they move to the standby list. */
export function MiModifiedPageWriter(mm: MemoryManager, limit: number): number {
  const db = mm.pfn;
  const t = mm.trace;
  if (mm.config.pageFilePages === 0) {
    t.step('thread.modifiedPageWriterNoPagingFile')?.n(db.listCount[LIST_MODIFIED]!).change('pageList', LIST_MODIFIED);
    return 0;
  }
  let compressed = 0;
  if (storeActive(mm) && !mm.storeWriting) {
    // Batch after batch, until the store takes no more (nothing left, or no room): the rest goes to the paging file.
    for (;;) {
      const n = MiStoreWriteModifiedPages(mm, limit - compressed);
      compressed += n;
      if (n === 0 || compressed >= limit) break;
    }
  }
  let written = 0;
  let firstSlot = -1;
  let lastSlot = -2;
  let clusters = 0;
  let pfn = db.listHead[LIST_MODIFIED]!;
  while (written + compressed < limit && pfn >= 0) {
    const next = db.flink[pfn]!;
    // Mapped-file pages go back to their files (the mapped page writer), not to the paging file.
    if ((db.flags[pfn]! & PFN_PROTOTYPE_PTE) && (db.originalPteLo[pfn]! & PTE_PROTOTYPE)) { pfn = next; continue; }
    // A modified page holds no slot (markModified released it); should one still be named here, it is
    // released rather than overwritten, so the slot can never be lost.
    const staleHi = db.originalPteHi[pfn]!;
    if (staleHi !== 0 && !(db.originalPteLo[pfn]! & (PTE_PROTOTYPE | PTE_TRANSITION))) releaseSwapSpace(mm, db.originalPteLo[pfn]!, staleHi);
    const slot = allocateSlot(mm);
    if (slot < 0) break;
    db.unlink(pfn);
    mm.pageFile.copyPageFrom(mm.phys, pfn, slot);
    const prot = pteProtection(db.originalPteLo[pfn]!);
    db.originalPteLo[pfn] = makePageFileLo(0, prot, mm.layout);
    db.originalPteHi[pfn] = slot;
    db.flags[pfn]! &= ~PFN_MODIFIED;
    db.insertTail(LIST_STANDBY0 + db.priority[pfn]!, pfn, PageLocation.StandbyPageList);
    if (firstSlot < 0) firstSlot = slot;
    if (slot !== lastSlot + 1) clusters++;
    lastSlot = slot;
    written++;
    pfn = next;
  }
  const step = t.step('thread.modifiedPageWriter')?.n(written).n(firstSlot).n(clusters).change('pageList', LIST_MODIFIED);
  if (firstSlot >= 0) step?.change('pageFile', firstSlot);
  return written + compressed;
}

/** MiMappedPageWriter: writes modified pages of mapped files back to their files; they become standby. */
export function MiMappedPageWriter(mm: MemoryManager, fs: FileSystem | undefined): number {
  const db = mm.pfn;
  let written = 0;
  const files = new Set<string>();
  for (let pfn = db.listHead[LIST_MODIFIED]!; pfn >= 0;) {
    const next = db.flink[pfn]!;
    if ((db.flags[pfn]! & PFN_PROTOTYPE_PTE) && (db.originalPteLo[pfn]! & PTE_PROTOTYPE)) {
      const { ca, protoIndex } = protoOfPfn(mm, pfn);
      const sub = ca.segment.subsections[db.originalPteHi[pfn]! - 1]!;
      const file = fs?.getFileById(ca.fileId);
      if (file && fs) {
        const offsetInSub = (protoIndex - sub.firstPte) * PAGE;
        const bytes = new Uint8Array(PAGE);
        mm.phys.read(pfn, 0, bytes, 0, PAGE);
        // The file grows only as far as the section's data reaches.
        const length = Math.max(0, Math.min(PAGE, Math.max(sub.rawSize, file.data.length - sub.fileOffset) - offsetInSub));
        if (length > 0) fs.writeFile(file.path, sub.fileOffset + offsetInSub, bytes.subarray(0, length));
        files.add(file.path);
      }
      db.unlink(pfn);
      db.flags[pfn]! &= ~PFN_MODIFIED;
      db.insertTail(LIST_STANDBY0 + db.priority[pfn]!, pfn, PageLocation.StandbyPageList);
      written++;
    }
    pfn = next;
  }
  const t = mm.trace;
  t.step('thread.mappedPageWriter')?.n(written).s([...files].join(', ')).change('pageList', LIST_MODIFIED);
  return written;
}

/** Pages one MiStoreWriteModifiedPages pass takes at most (its batch is collected before any is compressed). */
const STORE_BATCH = 4096;

/**
 * MiStoreWriteModifiedPages: with memory compression on, the modified page writer hands modified private
 * pages to the store manager (SMKM_STORE_MGR::SmPageWrite, ST_STORE::StDmPageAdd) instead of the paging
 * file; each page's OriginalPte becomes a paging-file PTE of the virtual store (PageFileLow 2, PageFileHigh
 * its page key) and the page moves to the standby list, exactly as after a paging-file write. Pages of
 * the Memory Compression process itself (the store) and pages of sections are left for the paging file.
 * Windows Internals 7th ed., Part 1, ch. 5, "Memory compression". Returns the pages compressed.
 */
export function MiStoreWriteModifiedPages(mm: MemoryManager, limit: number): number {
  const db = mm.pfn;
  const s = mm.store;
  const batch: number[] = [];
  for (let pfn = db.listHead[LIST_MODIFIED]!; pfn >= 0 && batch.length < Math.min(limit, STORE_BATCH); pfn = db.flink[pfn]!) {
    if (db.flags[pfn]! & PFN_PROTOTYPE_PTE) continue;
    if (mm.ownerOf(pfn) === s.processIndex) continue;
    batch.push(pfn);
  }
  if (batch.length === 0) return 0;
  mm.storeWriting = true;
  let written = 0;
  const bytesBefore = s.compressedBytes;
  try {
    releaseEmptyRegions(mm);
    for (const pfn of batch) {
      // Compressing may fault store pages in (and trim under pressure): a page that left the list meanwhile is skipped.
      if (db.location[pfn] !== PageLocation.ModifiedPageList || !(db.flags[pfn]! & PFN_MODIFIED)) continue;
      db.unlink(pfn);
      db.location[pfn] = PageLocation.TransitionPage;
      const key = storePageAdd(mm, pfn);
      if (key < 0) { db.insertTail(LIST_MODIFIED, pfn, PageLocation.ModifiedPageList); break; }
      const prot = pteProtection(db.originalPteLo[pfn]!);
      db.originalPteLo[pfn] = makePageFileLo(STORE_PAGE_FILE_NUMBER, prot, mm.layout);
      db.originalPteHi[pfn] = key;
      db.flags[pfn]! &= ~PFN_MODIFIED;
      db.insertTail(LIST_STANDBY0 + db.priority[pfn]!, pfn, PageLocation.StandbyPageList);
      written++;
    }
  } finally {
    mm.storeWriting = false;
  }
  const memc = mm.processes[s.processIndex];
  mm.trace.step('thread.storeWrite')?.n(written).n(s.compressedBytes - bytesBefore).n(s.keysInUse).n(s.regionCount).n(memc?.pid ?? 0)
    .change('pageList', LIST_MODIFIED).change('process', memc?.pid ?? 0);
  return written;
}
