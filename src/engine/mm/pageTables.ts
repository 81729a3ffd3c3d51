// Walks over ranges of a process's paging structures, at a cost of O(paging structures), not O(pages):
// deleting PTEs (MiDeletePte), freeing emptied page tables, counting committed pages, VirtualQuery's page
// states. Windows Internals 7th ed., Part 1, ch. 5, "Page tables and page table entries" and
// "Virtual address descriptors".
import type { AddressSpace } from './addressSpace';
import { ENTRIES, LEVEL_PPE, LEVEL_PTE, LEVEL_PXE, tableIndex } from './geometry';
import type { MemoryManager } from './memoryManager';
import { MiInsertPageInFreeList } from './pageLists';
import { PFN_LARGE_PAGE, PFN_PROTOTYPE_PTE } from './pfn';
import { MM_DECOMMIT, PTE_LARGE_PAGE, PTE_PROTOTYPE, PTE_TRANSITION, PTE_VALID, pteProtection, ptePfn } from './pte';
import { isPrivateViewPte, protoCommitted, unmapSharedPte, viewPageProtection } from './section';
import type { Vad } from './vad';
import { VadType } from './vad';
import { releaseSwapSpace } from './writer';

/**
 * Deletes the page behind a leaf PTE (decommit, release, teardown): a valid page leaves the working
 * set, a transition page leaves its list, a paging-file copy's slot is freed. The PTE is set to
 * (lo, hi). Returns true when the entry held anything.
 */
export function MiDeletePte(mm: MemoryManager, process: AddressSpace, vpn: number, table: number, index: number, newLo: number, newHi: number): void {
  const db = mm.pfn;
  const lo = mm.readLo(table, index);
  const hi = mm.readHi(table, index);
  if ((lo & PTE_VALID) && (db.flags[ptePfn(lo, hi, mm.layout.hardwarePfnBits)]! & PFN_PROTOTYPE_PTE)) {
    unmapSharedPte(mm, process, vpn, table, index, lo, hi, false);
  } else if (lo & PTE_VALID) {
    const pfn = ptePfn(lo, hi, mm.layout.hardwarePfnBits);
    if (!(db.flags[pfn]! & PFN_LARGE_PAGE)) {
      const wsi = db.wsIndex[pfn]!;
      if (wsi >= 0) process.ws.remove(wsi);
      releaseBacking(mm, pfn);
      MiInsertPageInFreeList(mm, pfn);
      db.shareCount[table]!--;
    }
  } else if (lo & PTE_TRANSITION) {
    const pfn = ptePfn(lo, hi, mm.layout.transitionPfnBits);
    db.unlink(pfn);
    releaseBacking(mm, pfn);
    MiInsertPageInFreeList(mm, pfn);
    db.shareCount[table]!--;
  } else if (!(lo & PTE_PROTOTYPE) && hi !== 0) {
    releaseSwapSpace(mm, lo, hi);
  }
  mm.writePte(process, vpn, table, index, newLo, newHi);
}

export function releaseBacking(mm: MemoryManager, pfn: number): void {
  const lo = mm.pfn.originalPteLo[pfn]!;
  const hi = mm.pfn.originalPteHi[pfn]!;
  if (hi !== 0 && !(lo & (PTE_PROTOTYPE | PTE_TRANSITION))) releaseSwapSpace(mm, lo, hi);
}

/** Frees page tables of `process` that no longer map anything (after a release). O(page tables that exist). */
export function freeEmptyPageTables(mm: MemoryManager, process: AddressSpace, startVpn: number, endVpn: number): void {
  const step = ENTRIES;
  for (let v = Math.floor(startVpn / step) * step; v <= endVpn;) {
    const absent = absentRunEnd(mm, process, v);
    // An absent run may still lie under an empty table of a higher level (a PDPT or PD whose child was
    // never made, e.g. when a fault ran into the commit limit half way down): that one is freed too.
    if (absent >= 0) { freeEmptyAt(mm, process, v); v = absent + 1; continue; }
    freeEmptyAt(mm, process, v);
    v += step;
  }
}

/**
 * The last VPN of the run around `vpn` that no paging structure maps: an absent PML4E covers 512 GB,
 * an absent PDPTE 1 GB, an absent PDE 2 MB, and every PTE below one would be zero. Returns -1 when a
 * page table (or a large page) maps `vpn`. This is what keeps reserved but untouched address space
 * free of cost, as on Windows, where only the VAD describes it (Windows Internals 7th ed., Part 1,
 * ch. 5, "Virtual address descriptors" and "Page tables and page table entries").
 */
export function absentRunEnd(mm: MemoryManager, process: AddressSpace, vpn: number): number {
  let table = process.directoryTableBase;
  if (table < 0) return vpn;
  for (let level = LEVEL_PXE; level > LEVEL_PTE; level--) {
    const index = tableIndex(level, vpn);
    const lo = mm.readLo(table, index);
    if (!(lo & PTE_VALID)) {
      const span = level === LEVEL_PXE ? ENTRIES * ENTRIES * ENTRIES : level === LEVEL_PPE ? ENTRIES * ENTRIES : ENTRIES;
      return Math.floor(vpn / span) * span + span - 1;
    }
    if (lo & PTE_LARGE_PAGE) return -1;
    table = ptePfn(lo, mm.readHi(table, index), mm.layout.hardwarePfnBits);
  }
  return -1;
}

/**
 * The state of `vpn` in `vad` (committed, MM protection) and the last VPN (<= `last`) of the run of
 * pages known to share it without looking at each: the whole range for large pages, a run of absent
 * paging structures for private memory (zero PTEs: the VAD decides). Otherwise the page alone.
 */
export function pageRun(mm: MemoryManager, process: AddressSpace, vpn: number, vad: Vad, last: number): [committed: boolean, prot: number, runEnd: number] {
  if (vad.vadType === VadType.VadLargePages) return [true, vad.protection, last];
  if (!vad.view) {
    const absent = absentRunEnd(mm, process, vpn);
    if (absent >= 0) return [vad.memCommit, vad.memCommit ? vad.protection : 0, Math.min(absent, last)];
  }
  const [committed, prot] = pageState(mm, process, vpn, vad);
  return [committed, prot, vpn];
}

/** Committed pages of `vad` in [first, last]. O(page tables in the range), not O(pages). */
export function countCommitted(mm: MemoryManager, process: AddressSpace, vad: Vad, first: number, last: number): number {
  let n = 0;
  for (let v = first; v <= last;) {
    const [committed, , end] = pageRun(mm, process, v, vad, last);
    if (committed) n += end - v + 1;
    v = end + 1;
  }
  return n;
}

/**
 * Calls `fn` for every non-zero leaf PTE of `process` in [first, last], skipping absent paging
 * structures (and large-page entries, which have no leaf PTEs).
 */
export function forEachPte(mm: MemoryManager, process: AddressSpace, first: number, last: number, fn: (vpn: number, lo: number, hi: number, table: number, index: number) => void): void {
  for (let v = first; v <= last;) {
    const absent = absentRunEnd(mm, process, v);
    if (absent >= 0) { v = absent + 1; continue; }
    const tableEnd = Math.min(last, Math.floor(v / ENTRIES) * ENTRIES + ENTRIES - 1);
    if (!mm.locate(process, v, false)) { v = tableEnd + 1; continue; }
    const table = mm.loc.table;
    for (let u = v; u <= tableEnd; u++) {
      const index = u & 511;
      const lo = mm.readLo(table, index);
      const hi = mm.readHi(table, index);
      if (lo !== 0 || hi !== 0) fn(u, lo, hi, table, index);
    }
    v = tableEnd + 1;
  }
}

/**
 * Paging structures (PDPT, PD and PT pages) that writing the leaf PTEs of [first, last] would create:
 * what the commit charge must allow for before an allocation writes them. O(2 MB regions of the range).
 */
export function missingPageTables(mm: MemoryManager, process: AddressSpace, first: number, last: number): number {
  let n = 0;
  let lastPdpt = -1;
  let lastPd = -1;
  for (let v = Math.floor(first / ENTRIES) * ENTRIES; v <= last; v += ENTRIES) {
    let table = process.directoryTableBase;
    let missing = -1;
    for (let level = LEVEL_PXE; level > LEVEL_PTE; level--) {
      const index = tableIndex(level, v);
      const lo = mm.readLo(table, index);
      if (!(lo & PTE_VALID)) { missing = level; break; }
      if (lo & PTE_LARGE_PAGE) break;
      table = ptePfn(lo, mm.readHi(table, index), mm.layout.hardwarePfnBits);
    }
    if (missing < 0) continue;
    const pdpt = Math.floor(v / (ENTRIES * ENTRIES * ENTRIES));
    const pd = Math.floor(v / (ENTRIES * ENTRIES));
    if (missing === LEVEL_PXE && pdpt !== lastPdpt) { n++; lastPdpt = pdpt; }
    if (missing >= LEVEL_PPE && pd !== lastPd) { n++; lastPd = pd; }
    n++;
  }
  return n;
}

export function freeEmptyAt(mm: MemoryManager, process: AddressSpace, vpn: number): void {
  // Walk down recording the chain as far as it exists, then free bottom-up while empty.
  const chain: Array<[table: number, index: number]> = [];
  let table = process.directoryTableBase;
  if (table < 0) return;
  for (let level = LEVEL_PXE; level > LEVEL_PTE; level--) {
    const index = tableIndex(level, vpn);
    const lo = mm.readLo(table, index);
    if (lo & PTE_LARGE_PAGE) return;
    if (!(lo & PTE_VALID)) break;
    chain.push([table, index]);
    table = ptePfn(lo, mm.readHi(table, index), mm.layout.hardwarePfnBits);
  }
  let child = table;
  for (let k = chain.length - 1; k >= 0; k--) {
    if (mm.usedEntries[child] !== 0) break;
    const [parent, index] = chain[k]!;
    mm.writeEntry(parent, index, 0, 0);
    mm.pfn.shareCount[parent]!--;
    MiInsertPageInFreeList(mm, child);
    process.pageTablePages--;
    child = parent;
  }
  // The paging-structure cache may name a table freed here (the TLB holds nothing of it).
  if (child !== table) process.flushTlb();
}

/** Reads a leaf PTE (0,0 when no page table exists) without faulting. */
export function peekPte(mm: MemoryManager, process: AddressSpace, vpn: number): [lo: number, hi: number, table: number, index: number] {
  if (!mm.locate(process, vpn, false)) return [0, 0, -1, -1];
  return [mm.readLo(mm.loc.table, mm.loc.index), mm.readHi(mm.loc.table, mm.loc.index), mm.loc.table, mm.loc.index];
}

/** Whether the page at `vpn` is committed, and its MM protection (for VirtualQuery and friends). */
export function pageState(mm: MemoryManager, process: AddressSpace, vpn: number, vad: Vad): [committed: boolean, prot: number] {
  if (vad.vadType === VadType.VadLargePages) return [true, vad.protection];
  const [lo, hi] = peekPte(mm, process, vpn);
  if (vad.view && !isPrivateViewPte(lo, hi, mm)) {
    const index = vad.view.firstProto + (vpn - vad.startVpn);
    if (!protoCommitted(vad.view.controlArea, index)) return [false, 0];
    let override = 0;
    if (lo & PTE_PROTOTYPE) override = pteProtection(lo);
    else if (lo & PTE_VALID) { const wsi = process.ws.shared.get(vpn); if (wsi !== undefined) override = process.ws.protection[wsi]!; }
    return [true, viewPageProtection(mm, vad, index, override)];
  }
  if (lo === 0 && hi === 0) return [vad.memCommit, vad.memCommit ? vad.protection : 0];
  if (lo & PTE_VALID) return [true, pteProtection(mm.pfn.originalPteLo[ptePfn(lo, hi, mm.layout.hardwarePfnBits)]!)];
  const prot = pteProtection(lo);
  if (prot === MM_DECOMMIT && !(lo & PTE_TRANSITION) && hi === 0) return [false, 0];
  return [true, prot];
}

