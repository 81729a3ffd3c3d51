// Pages of system space: the pool's pages (MiAllocatePoolPages / MiFreePoolPages), their page faults when a
// paged pool page was trimmed (MmAccessFault on a system address, resolved by MiResolveTransitionFault or
// MiResolvePageFileFault as for user pages), the trimming of the system working set (MiTrimWorkingSet on
// it), and kernel stacks (MmCreateKernelStack / MmDeleteKernelStack over system PTEs). Windows Internals 7th
// ed., Part 1, ch. 5, "Kernel-mode heaps (system memory pools)", "System working sets", "Page fault
// handling", "System PTEs".
import { NtException } from '../errors';
import { STATUS_NO_MEMORY } from '../constants';
import type { MemoryManager } from './memoryManager';
import { MiInitializePfn, MiInsertPageInFreeList, MiRemoveAnyPage, MiRemoveZeroPage, takeTransitionPage } from './pageLists';
import { LIST_MODIFIED, LIST_STANDBY0, PageLocation, PFN_MODIFIED, PFN_PAGE_TABLE } from './pfn';
import { releaseBacking } from './pageTables';
import { NonPagedPool, PagedPool, type PoolRegion } from './pool';
import {
  MM_READWRITE, PTE_ACCESSED, PTE_DIRTY, PTE_DIRTY1, PTE_GLOBAL, PTE_TRANSITION, PTE_VALID,
  makeDemandZeroLo, makeTransitionHi, makeTransitionLo, makeValidHi, makeValidLo, ptePfn, pteProtection,
} from './pte';
import type { SystemSpace } from './systemSpace';
import { markModified, MiReleasePageFileSpace } from './writer';

/** The System process: faults on system addresses are recorded under it (pid 4). */
export const SYSTEM_PID = 4;
/**
 * KERNEL_STACK_SIZE on x64: every thread's kernel-mode stack is 24 KB (Microsoft Learn, "How do I keep my
 * driver from running out of kernel-mode stack?": "On x64-based platforms, the kernel-mode stack is 24K";
 * wdm.h defines KERNEL_STACK_SIZE 0x6000 for AMD64). A guard PTE lies below it.
 */
export const KERNEL_STACK_SIZE = 0x6000;
const KERNEL_STACK_PAGES = KERNEL_STACK_SIZE / 4096;

function pteAddressOf(mm: MemoryManager, va: bigint): [number, number] {
  const a = mm.entryAddress(0, Number((va & 0xFFFFFFFFFFFFn) >> 12n));
  return [Number(a & 0xFFFFFFFFn), Number(a >> 32n)];
}

/** The page table holding the PTEs of pages [index & ~511, +512) of a pool region, created on first use. */
function ensureTable(mm: MemoryManager, space: SystemSpace, region: PoolRegion, index: number): number {
  const slot = index >>> 9;
  let table = region.tables[slot]!;
  if (table >= 0) return table;
  if (!mm.canTakeResident(1)) return -1;
  table = MiRemoveZeroPage(mm);
  const pde = mm.entryAddress(1, region.baseVpn + (slot << 9));
  MiInitializePfn(mm, table, -1, -1, Number(pde & 0xFFFFFFFFn), Number(pde >> 32n), makeDemandZeroLo(MM_READWRITE), 0);
  mm.pfn.flags[table] = PFN_PAGE_TABLE;
  mm.pagingStructurePages++;
  space.tablePages++;
  region.tables[slot] = table;
  return table;
}

/** A valid kernel PTE (Owner clear, Global set, no-execute) for a read/write pool page. */
function validKernelPte(pfn: number, dirty: boolean): [number, number] {
  let lo = makeValidLo(pfn, MM_READWRITE, false) | PTE_ACCESSED | PTE_GLOBAL;
  if (dirty) lo |= PTE_DIRTY | PTE_DIRTY1;
  return [lo >>> 0, makeValidHi(pfn, MM_READWRITE)];
}

/**
 * MiAllocatePoolPages for one page at `index` of `region`: charges commit, takes a physical page, maps it.
 * Returns false when commit or (for nonpaged pool) resident memory is exhausted.
 */
export function MiAllocatePoolPage(mm: MemoryManager, space: SystemSpace, region: PoolRegion, index: number): boolean {
  if (!mm.canCharge(1)) return false;
  if (region.poolType === NonPagedPool && !mm.canTakeResident(2)) return false;
  const table = ensureTable(mm, space, region, index);
  if (table < 0) return false;
  let pfn: number;
  try { pfn = MiRemoveAnyPage(mm); } catch (e) { if (e instanceof NtException && e.status === STATUS_NO_MEMORY) return false; throw e; }
  const [pteLo, pteHi] = pteAddressOf(mm, region.pageAddress(index));
  MiInitializePfn(mm, pfn, -1, table, pteLo, pteHi, makeDemandZeroLo(MM_READWRITE), 0);
  // No copy exists anywhere else: the page is modified from the start (pool contents are not zeroed).
  mm.pfn.flags[pfn] = PFN_MODIFIED;
  const [lo, hi] = validKernelPte(pfn, true);
  mm.writeEntry(table, index & 511, lo, hi);
  mm.pfn.shareCount[table]!++;
  mm.systemCommit++;
  space.charged++;
  region.pages++;
  if (index >= region.highWater) region.highWater = index + 1;
  region.ensure(index);
  if (region.poolType === NonPagedPool) mm.nonPagedPoolPages++;
  else mm.pfn.wsIndex[pfn] = space.wsInsert(index);
  return true;
}

/** MiFreePoolPages for one page: unmaps it, frees its physical page (or paging-file copy), returns the commit. */
export function MiFreePoolPage(mm: MemoryManager, space: SystemSpace, region: PoolRegion, index: number): void {
  const table = region.tables[index >>> 9]!;
  const i = index & 511;
  const lo = mm.readLo(table, i);
  const hi = mm.readHi(table, i);
  const db = mm.pfn;
  if (lo & (PTE_VALID | PTE_TRANSITION)) {
    // A resident page leaves the system working set (paged pool), a transition page its list; either way
    // its paging-file copy, if any, is released and the page table loses a share.
    const valid = (lo & PTE_VALID) !== 0;
    const pfn = ptePfn(lo, hi, valid ? mm.layout.hardwarePfnBits : mm.layout.transitionPfnBits);
    if (!valid) db.unlink(pfn);
    else if (region.poolType === PagedPool) wsRemovePfn(mm, space, db.wsIndex[pfn]!);
    releaseBacking(mm, pfn);
    MiInsertPageInFreeList(mm, pfn);
    db.shareCount[table]!--;
  } else if (hi !== 0) {
    MiReleasePageFileSpace(mm, hi);
  }
  mm.writeEntry(table, i, 0, 0);
  mm.systemCommit--;
  space.charged--;
  region.pages--;
  if (region.poolType === NonPagedPool) mm.nonPagedPoolPages--;
}

/** Removes system working-set entry `i`; the entry moved into its place gets its PFN's WsIndex updated. */
function wsRemovePfn(mm: MemoryManager, space: SystemSpace, i: number): void {
  const moved = space.wsRemove(i);
  if (moved >= 0) {
    const pfn = space.residentPfn(mm, space.paged, moved);
    if (pfn >= 0) mm.pfn.wsIndex[pfn] = i;
  }
}

/**
 * The physical page behind pool page `index`, faulting it back in when paged pool's page was trimmed: a
 * transition PTE is a soft fault (MiResolveTransitionFault), a paging-file PTE a hard one
 * (MiResolvePageFileFault). `write` marks the page dirty (a stale paging-file copy is released).
 */
export function poolPageResident(mm: MemoryManager, space: SystemSpace, region: PoolRegion, index: number, write: boolean): number {
  const table = region.tables[index >>> 9]!;
  const i = index & 511;
  const lo = mm.readLo(table, i);
  const hi = mm.readHi(table, i);
  const db = mm.pfn;
  if (lo & PTE_VALID) {
    const pfn = ptePfn(lo, hi, mm.layout.hardwarePfnBits);
    if (write && !(lo & PTE_DIRTY)) { markModified(mm, pfn); mm.writeEntry(table, i, (lo | PTE_DIRTY | PTE_DIRTY1) >>> 0, hi); }
    return pfn;
  }
  const va = region.pageAddress(index);
  const t = mm.trace;
  if (lo & PTE_TRANSITION) {
    const pfn = ptePfn(lo, hi, mm.layout.transitionPfnBits);
    const from = takeTransitionPage(mm, pfn);
    if (write) markModified(mm, pfn);
    const [nlo, nhi] = validKernelPte(pfn, write);
    mm.writeEntry(table, i, nlo, nhi);
    db.wsIndex[pfn] = space.wsInsert(index);
    t.step('fault.transition')?.n(SYSTEM_PID).a(va).b(write).n(pfn).n(from).a2(nlo, nhi).change('pfn', pfn).change('system');
    return pfn;
  }
  if (hi === 0) throw new Error(`pool page ${va.toString(16)} has no PTE`);
  // Paging-file PTE: read the page back; OriginalPte keeps the slot, so a clean page needs no new write.
  const pfn = MiRemoveAnyPage(mm);
  const from = mm.lastFrom;
  mm.phys.copyPageFrom(mm.pageFile, hi, pfn);
  const [pteLo, pteHi] = pteAddressOf(mm, va);
  MiInitializePfn(mm, pfn, -1, table, pteLo, pteHi, lo, hi);
  if (write) markModified(mm, pfn);
  const [nlo, nhi] = validKernelPte(pfn, write);
  mm.writeEntry(table, i, nlo, nhi);
  db.shareCount[table]!++;
  db.wsIndex[pfn] = space.wsInsert(index);
  t.step('fault.pageFile')?.n(SYSTEM_PID).a(va).b(write).n(pfn).n(from).n(hi).n(1).a2(nlo, nhi).change('pfn', pfn).change('pageFile', hi).change('system');
  return pfn;
}

/**
 * MiTrimWorkingSet on the system working set: up to `count` paged pool pages leave it, oldest entries first
 * (a clock hand); each PTE becomes a transition PTE and the page goes to the modified list (dirty) or the
 * standby list (clean). Returns the pages trimmed.
 */
export function MiTrimSystemWorkingSet(mm: MemoryManager, space: SystemSpace, count: number, reason: string): number {
  const db = mm.pfn;
  let toStandby = 0;
  let toModified = 0;
  let n = 0;
  while (n < count && space.wsCount > 0) {
    if (space.wsHand >= space.wsCount) space.wsHand = 0;
    const index = space.wsPage[space.wsHand]!;
    const table = space.paged.tables[index >>> 9]!;
    const i = index & 511;
    const lo = mm.readLo(table, i);
    const hi = mm.readHi(table, i);
    const pfn = ptePfn(lo, hi, mm.layout.hardwarePfnBits);
    if (lo & PTE_DIRTY) markModified(mm, pfn);
    mm.writeEntry(table, i, makeTransitionLo(pfn, pteProtection(db.originalPteLo[pfn]!)), makeTransitionHi(pfn, mm.layout));
    wsRemovePfn(mm, space, space.wsHand);
    db.wsIndex[pfn] = -1;
    db.shareCount[pfn] = 0;
    db.referenceCount[pfn] = 0;
    if (db.flags[pfn]! & PFN_MODIFIED) { db.insertTail(LIST_MODIFIED, pfn, PageLocation.ModifiedPageList); toModified++; }
    else { db.insertTail(LIST_STANDBY0 + db.priority[pfn]!, pfn, PageLocation.StandbyPageList); toStandby++; }
    n++;
  }
  if (n > 0) mm.trace.step('ws.trimSystem')?.n(n).n(toStandby).n(toModified).s(reason).change('system').change('pageList', LIST_MODIFIED);
  return n;
}

/** A thread's kernel stack: KTHREAD.StackLimit (lowest address), StackBase (one past the highest), and its first system PTE. */
export interface KernelStack { stackLimit: bigint; stackBase: bigint; firstPte: number }

/**
 * MmCreateKernelStack: a guard PTE and KERNEL_STACK_SIZE (24 KB) worth of system PTEs (MiReservePtes),
 * charged to commit. Returns undefined when the system PTEs or commit are exhausted.
 */
export function MmCreateKernelStack(mm: MemoryManager, space: SystemSpace, tid: number): KernelStack | undefined {
  if (!mm.canCharge(KERNEL_STACK_PAGES)) return undefined;
  const first = space.MiReservePtes(KERNEL_STACK_PAGES + 1);
  if (first < 0) return undefined;
  mm.systemCommit += KERNEL_STACK_PAGES;
  space.charged += KERNEL_STACK_PAGES;
  const stackLimit = space.systemPteAddress(first + 1);
  const stackBase = stackLimit + BigInt(KERNEL_STACK_PAGES * 4096);
  mm.trace.step('sys.kernelStack')?.n(tid).a(stackBase).a(stackLimit).n(first).change('system');
  return { stackLimit, stackBase, firstPte: first };
}

/** MmDeleteKernelStack: the stack's system PTEs and commit are released when its thread is reaped. */
export function MmDeleteKernelStack(mm: MemoryManager, space: SystemSpace, tid: number, stack: KernelStack): void {
  const released = space.MiReleasePtes(stack.firstPte);
  if (released === 0) return;
  mm.systemCommit -= KERNEL_STACK_PAGES;
  space.charged -= KERNEL_STACK_PAGES;
  mm.trace.step('sys.kernelStackFree')?.n(tid).a(stack.stackBase).n(released).change('system');
}
