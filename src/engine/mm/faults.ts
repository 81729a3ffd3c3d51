// The page-fault handler: MmAccessFault, MiDispatchFault and its resolvers (MiResolveDemandZeroFault,
// MiResolveTransitionFault, MiResolvePageFileFault, MiResolveProtoPteFault, MiCopyOnWrite) and the
// TLB-miss walk that calls it. Windows Internals 7th ed., Part 1, ch. 5, "Page fault handling".
import { NtException } from '../errors';
import { STATUS_ACCESS_VIOLATION, STATUS_GUARD_PAGE_VIOLATION, STATUS_STACK_OVERFLOW } from '../constants';
import type { AddressSpace } from './addressSpace';
import { TLB_READ, TLB_SIZE, TLB_WRITE } from './addressSpace';
import { ENTRIES, LEVEL_PDE, PAGE_SIZE, vaHi, vaLo } from './geometry';
import { STORE_PAGE_FILE_NUMBER, storeFetch, storeRetrieve } from './compression';
import type { MemoryManager } from './memoryManager';
import { MiInitializePfn, MiRemoveAnyPage, MiRemoveZeroPage, takeTransitionPage } from './pageLists';
import { LIST_STANDBY0, PageLocation, PFN_MODIFIED } from './pfn';
import { mmAllowsRead, mmAllowsWrite, mmIsCopyOnWrite, mmIsGuard } from './protection';
import {
  MM_DECOMMIT, MM_EXECUTE_READWRITE, MM_GUARD_PAGE, MM_NOACCESS, MM_READWRITE, PTE_ACCESSED, PTE_DIRTY, PTE_DIRTY1,
  PTE_PROTOTYPE, PTE_TRANSITION, PTE_VALID, PTE_WRITE, PROTECTION_SHIFT, makeDemandZeroLo, makeTransitionHi,
  makeTransitionLo, makeValidHi, makeValidLo, pageFileLow, pteProtection, ptePfn,
} from './pte';
import {
  isPrivateViewPte, makeProtoPointer, makeProtoValid, protoAddress, protoCommitted, protoOfPfn, releaseIfUnmapped,
  viewPageProtection,
} from './section';
import { MiReplaceWorkingSetEntry, MmWorkingSetManager } from './trim';
import type { Vad } from './vad';
import { VadType } from './vad';
import { markModified } from './writer';

/** Pages a hard fault reads in one I/O at most (the faulting page and its neighbours in adjacent slots). */
const CLUSTER_MAX = 8;

/**
 * MmAccessFault for a user-mode access to `vpn`: resolves the fault or throws the exception the
 * instruction would raise. Afterwards the page is valid (unless trimmed right away under pressure).
 */
export function MmAccessFault(mm: MemoryManager, process: AddressSpace, vpn: number, write: boolean, vad: Vad | null): void {
  const va = vpn * PAGE_SIZE;
  if (!vad) raiseFault(mm, process, va, write, STATUS_ACCESS_VIOLATION, 'noVad');
  if (vad.vadType === VadType.VadLargePages) {
    // Large pages are always valid; a fault here can only be a protection violation.
    if (!mmAllowsRead(vad.protection) || (write && !mmAllowsWrite(vad.protection))) raiseFault(mm, process, va, write, STATUS_ACCESS_VIOLATION, 'protection');
    return;
  }
  let present = mm.locate(process, vpn, false);
  let lo = 0;
  let hi = 0;
  if (present) { lo = mm.readLo(mm.loc.table, mm.loc.index); hi = mm.readHi(mm.loc.table, mm.loc.index); }
  if (vad.view && !isPrivateViewPte(lo, hi, mm)) { viewFault(mm, process, vpn, write, vad, lo, hi); return; }
  // A zero PTE (or no page table yet) means "ask the VAD".
  let prot: number;
  if (lo === 0 && hi === 0) {
    if (!vad.memCommit) raiseFault(mm, process, va, write, STATUS_ACCESS_VIOLATION, 'reserved');
    prot = vad.protection;
  } else if (lo & PTE_VALID) {
    prot = pteProtection(mm.pfn.originalPteLo[ptePfn(lo, hi, mm.layout.hardwarePfnBits)]!);
  } else {
    prot = pteProtection(lo);
  }
  if (prot === MM_DECOMMIT) raiseFault(mm, process, va, write, STATUS_ACCESS_VIOLATION, 'decommitted');
  if (prot === MM_NOACCESS || !mmAllowsRead(prot)) raiseFault(mm, process, va, write, STATUS_ACCESS_VIOLATION, 'noAccess');
  if (mmIsGuard(prot)) {
    // The guard bit is cleared first, in every case; the next access faults normally.
    if (!present) { present = mm.locate(process, vpn, true); }
    const t = mm.loc.table;
    const i = mm.loc.index;
    const clearedLo = lo === 0 && hi === 0 ? makeDemandZeroLo(prot & ~MM_GUARD_PAGE) : ((lo & ~(MM_GUARD_PAGE << PROTECTION_SHIFT)) >>> 0);
    mm.writePte(process, vpn, t, i, clearedLo, hi);
    // The decision uses the faulting thread's TEB: the stack grows only when the page lies in that thread's own
    // stack reservation [NtTib.StackBase, DeallocationStack), which is this VAD exactly when it was made for that
    // TEB. A guard page in another thread's stack is an ordinary guard page to the faulting thread (Windows
    // Internals 7e ch. 5, "Thread stacks"; Learn, "Thread Stack Size"). The access path carries no thread: the
    // process's calling thread stands in, as in the Win32 layer (AddressSpace.faultingThreadTeb).
    if (!vad.userStackTeb || vad.userStackTeb !== process.faultingThreadTeb()) {
      // A guard page anywhere else is a one-shot alarm: STATUS_GUARD_PAGE_VIOLATION reaches the program once.
      mm.trace.step('fault.guardPage')?.n(process.pid).a(va).b(write).change('pte', process.pid, va);
      throw new NtException(STATUS_GUARD_PAGE_VIOLATION, BigInt(va), write);
    }
    // In a thread's user stack the stack grows instead, and the access goes on as an ordinary fault.
    prot &= ~MM_GUARD_PAGE;
    lo = clearedLo;
    MiCheckForUserStackOverflow(mm, process, vpn, write, vad, prot);
    mm.locate(process, vpn, true);
  }
  if (write && !mmAllowsWrite(prot)) raiseFault(mm, process, va, write, STATUS_ACCESS_VIOLATION, 'readOnly');

  if (lo & PTE_VALID) { setAccessedDirty(mm, process, vpn, write); return; }
  if (!present) mm.locate(process, vpn, true);
  MiDispatchFault(mm, process, vpn, write, vad, lo, hi, prot);
}

/**
 * MiDispatchFault: the access is allowed and the PTE (lo, hi) is not valid; picks the resolver by the
 * PTE's format (zero or demand-zero, transition, paging file). The page table exists (mm.loc names it).
 */
/** NT_TIB.StackLimit in a 64-bit TEB (winnt.h NT_TIB: ExceptionList, StackBase, StackLimit). */
const NT_TIB_STACK_LIMIT = 0x10;

/**
 * MiCheckForUserStackOverflow: a guard page of a thread's user stack was touched (its guard bit is already
 * cleared, so it is an ordinary committed page now). The page below becomes the new guard page, charged to
 * commit, and TEB.NtTib.StackLimit moves down to the page that was touched; the faulting access then goes
 * on and the program sees nothing. The lowest page of the reservation (TEB.DeallocationStack) is never
 * committed: when the new guard page would land on it, the touched page stays an ordinary committed page so
 * the exception handler has room to run, no guard page is set, and the program gets STATUS_STACK_OVERFLOW;
 * touching the lowest page afterwards is an access violation (a reserved page). Microsoft Learn, "Thread
 * Stack Size": the system commits pages from the reserved stack as needed "until either the stack reaches the
 * reserved size minus one page (which is used as a guard page to prevent stack overflow) or the system is so
 * low on memory that the operation fails"; Windows Internals 7e ch. 5, "Thread stacks" (user stacks); routine
 * name from the public symbols.
 */
function MiCheckForUserStackOverflow(mm: MemoryManager, process: AddressSpace, vpn: number, write: boolean, vad: Vad, prot: number): void {
  const va = vpn * PAGE_SIZE;
  const guardVpn = vpn - 1;
  vad.userStackLimit = va;
  writeStackLimit(mm, process, vad.userStackTeb, va);
  let guardSet = false;
  // The reservation's lowest page (DeallocationStack) never becomes a guard page.
  if (guardVpn > vad.startVpn) {
    mm.locate(process, guardVpn, true);
    const gt = mm.loc.table;
    const gi = mm.loc.index;
    const glo = mm.readLo(gt, gi);
    const ghi = mm.readHi(gt, gi);
    const decommitted = pteProtection(glo) === MM_DECOMMIT && !(glo & PTE_TRANSITION) && ghi === 0;
    if ((glo === 0 && ghi === 0 && !vad.memCommit) || decommitted) {
      // A reserved (or decommitted) page: committing it as the new guard page is charged to commit, and fails
      // like any commit.
      if (mm.chargeCommit(process, 1)) {
        vad.commitCharge++;
        mm.writePte(process, guardVpn, gt, gi, makeDemandZeroLo(prot | MM_GUARD_PAGE), 0);
        guardSet = true;
      }
    } else {
      // Already committed below (the program committed more of its stack itself): the page keeps its contents
      // and its commit charge but still becomes the new guard page, PAGE_READWRITE | PAGE_GUARD, as a commit
      // of that protection over a committed page would make it; a valid page leaves the working set, since a
      // guard PTE cannot be valid (Learn, "Thread Stack Size"; "Creating Guard Pages").
      const guardProt = MM_READWRITE | MM_GUARD_PAGE;
      if (glo === 0 && ghi === 0) mm.writePte(process, guardVpn, gt, gi, makeDemandZeroLo(guardProt), 0);
      else if (glo & PTE_VALID) {
        const gpfn = ptePfn(glo, ghi, mm.layout.hardwarePfnBits);
        const db = mm.pfn;
        db.originalPteLo[gpfn] = ((db.originalPteLo[gpfn]! & ~(0x1F << PROTECTION_SHIFT)) | (guardProt << PROTECTION_SHIFT)) >>> 0;
        mm.trimEntry(process, db.wsIndex[gpfn]!);
      } else mm.writePte(process, guardVpn, gt, gi, ((glo & ~(0x1F << PROTECTION_SHIFT)) | (guardProt << PROTECTION_SHIFT)) >>> 0, ghi);
      guardSet = true;
    }
  }
  const t = mm.trace;
  if (!guardSet) {
    t.step('fault.stackOverflow')?.n(process.pid).a(va).a(va).change('pte', process.pid, va).change('vad', process.pid, vad.startVpn * PAGE_SIZE);
    throw new NtException(STATUS_STACK_OVERFLOW, BigInt(va), write);
  }
  t.step('fault.stackGrowth')?.n(process.pid).a(va).a(guardVpn * PAGE_SIZE).a(va)
    .change('pte', process.pid, va).change('pte', process.pid, guardVpn * PAGE_SIZE).change('vad', process.pid, vad.startVpn * PAGE_SIZE).change('commit');
}

/** The kernel stores the new stack limit in the thread's TEB (NtTib.StackLimit), faulting its page in if needed. */
function writeStackLimit(mm: MemoryManager, process: AddressSpace, teb: number, limit: number): void {
  const at = teb + NT_TIB_STACK_LIMIT;
  const bytes = new Uint8Array(8);
  const v = new DataView(bytes.buffer);
  v.setUint32(0, limit >>> 0, true);
  v.setUint32(4, Math.floor(limit / 0x100000000), true);
  const pfn = mm.translate(process, Math.floor(at / PAGE_SIZE), true);
  mm.phys.write(pfn, at % PAGE_SIZE, bytes, 0, 8);
}

export function MiDispatchFault(mm: MemoryManager, process: AddressSpace, vpn: number, write: boolean, vad: Vad, lo: number, hi: number, prot: number): void {
  const table = mm.loc.table;
  const index = mm.loc.index;
  process.ws.pageFaultCount++;
  if (lo === 0 && hi === 0) MiResolveDemandZeroFault(mm, process, vpn, table, index, prot, write);
  else if (lo & PTE_TRANSITION) MiResolveTransitionFault(mm, process, vpn, table, index, lo, hi, write);
  else if (hi !== 0) MiResolvePageFileFault(mm, process, vpn, table, index, lo, hi, write, vad);
  else MiResolveDemandZeroFault(mm, process, vpn, table, index, prot, write);
  afterFault(mm, process, vpn);
}

/** Raises an access violation for a user access (records the step first). */
export function raiseAccess(mm: MemoryManager, process: AddressSpace, va: number, write: boolean, reason: string): never {
  return raiseFault(mm, process, va, write, STATUS_ACCESS_VIOLATION, reason);
}

/** A fault on a view page that is shared through its prototype PTE (not a private copy). */
export function viewFault(mm: MemoryManager, process: AddressSpace, vpn: number, write: boolean, vad: Vad, lo: number, hi: number): void {
  if (lo & PTE_VALID) {
    const pfn = ptePfn(lo, hi, mm.layout.hardwarePfnBits);
    const { protoIndex } = protoOfPfn(mm, pfn);
    const wsi = process.ws.shared.get(vpn);
    const prot = viewPageProtection(mm, vad, protoIndex, wsi === undefined ? 0 : process.ws.protection[wsi]!);
    if (write && !(lo & PTE_WRITE)) {
      if (!mmIsCopyOnWrite(prot)) raiseFault(mm, process, vpn * PAGE_SIZE, write, STATUS_ACCESS_VIOLATION, 'readOnly');
      const table = mm.loc.table;
      const index = mm.loc.index;
      MiCopyOnWrite(mm, process, vpn, table, index, pfn, prot, true);
      const { ca } = protoOfPfn(mm, pfn);
      releaseIfUnmapped(mm, ca, protoIndex, pfn);
      afterFault(mm, process, vpn);
      return;
    }
    setAccessedDirty(mm, process, vpn, write);
    return;
  }
  MiResolveProtoPteFault(mm, process, vpn, write, vad, lo);
  afterFault(mm, process, vpn);
}

export function raiseFault(mm: MemoryManager, process: AddressSpace, va: number, write: boolean, status: number, reason: string): never {
  const t = mm.trace;
  t.step('fault.accessViolation')?.n(process.pid).a(va).b(write).s(reason).change('pte', process.pid, va).change('vad', process.pid, va);
  throw new NtException(status, BigInt(va), write);
}

/** A valid page was touched: set Accessed (and Dirty for a write), fill the TLB. */
export function setAccessedDirty(mm: MemoryManager, process: AddressSpace, vpn: number, write: boolean): void {
  const table = mm.loc.table;
  const index = mm.loc.index;
  let lo = mm.readLo(table, index);
  const hi = mm.readHi(table, index);
  const pfn = ptePfn(lo, hi, mm.layout.hardwarePfnBits);
  lo |= PTE_ACCESSED;
  if (write && !(lo & PTE_DIRTY)) {
    lo |= PTE_DIRTY | PTE_DIRTY1;
    const released = markModified(mm, pfn);
    noteWriteWatch(process, vpn);
    if (released >= 0) {
      const t = mm.trace;
      t.step('fault.dirtyBit')?.n(process.pid).a2(vaLo(vpn), vaHi(vpn)).n(pfn).n(released).change('pfn', pfn).change('pageFile', released);
    }
  }
  mm.writePte(process, vpn, table, index, lo >>> 0, hi);
}

export function noteWriteWatch(process: AddressSpace, vpn: number): void {
  const vad = process.vads.find(vpn);
  if (vad && vad.writeWatch) vad.writeWatch.set(vpn - vad.startVpn);
}

/** MiResolveDemandZeroFault: a zeroed page (or a free page zeroed now) becomes the page. */
export function MiResolveDemandZeroFault(mm: MemoryManager, process: AddressSpace, vpn: number, table: number, index: number, prot: number, write: boolean): void {
  const pfn = MiRemoveZeroPage(mm);
  const from = mm.lastFrom;
  const zeroedNow = mm.lastZeroedNow;
  MiInitializePfn(mm, pfn, process.index, table, mm.pteAddressLo(vpn), mm.pteAddressHi(vpn), makeDemandZeroLo(prot), 0);
  // No copy exists anywhere else: the page is modified from the start.
  mm.pfn.flags[pfn] = PFN_MODIFIED;
  const [lo, hi] = makeValid(mm, process, vpn, table, index, pfn, prot, write, true);
  const t = mm.trace;
  t.step('fault.demandZero')?.n(process.pid).a2(vaLo(vpn), vaHi(vpn)).b(write).n(pfn).n(from).b(zeroedNow).a2(lo, hi).change('pfn', pfn).change('pte', process.pid, vpn * PAGE_SIZE).change('wsle', process.pid, vpn * PAGE_SIZE);
}

/** MiResolveTransitionFault: the page is still on the standby or modified list; take it back. */
export function MiResolveTransitionFault(mm: MemoryManager, process: AddressSpace, vpn: number, table: number, index: number, lo: number, hi: number, write: boolean): void {
  const db = mm.pfn;
  const pfn = ptePfn(lo, hi, mm.layout.transitionPfnBits);
  const from = takeTransitionPage(mm, pfn);
  const prot = pteProtection(lo);
  db.originalPteLo[pfn] = ((db.originalPteLo[pfn]! & ~(0x1F << PROTECTION_SHIFT)) | (prot << PROTECTION_SHIFT)) >>> 0;
  const [nlo, nhi] = makeValid(mm, process, vpn, table, index, pfn, prot, write, false);
  const t = mm.trace;
  t.step('fault.transition')?.n(process.pid).a2(vaLo(vpn), vaHi(vpn)).b(write).n(pfn).n(from).a2(nlo, nhi).change('pfn', pfn).change('pte', process.pid, vpn * PAGE_SIZE).change('wsle', process.pid, vpn * PAGE_SIZE);
}

/** MiResolvePageFileFault: read the page (and a cluster of its neighbours) back from the paging file. */
export function MiResolvePageFileFault(mm: MemoryManager, process: AddressSpace, vpn: number, table: number, index: number, lo: number, hi: number, write: boolean, vad: Vad): void {
  if (pageFileLow(lo, mm.layout) === STORE_PAGE_FILE_NUMBER) { MiResolveStoreFault(mm, process, vpn, table, index, lo, hi, write); return; }
  const slot = hi;
  const prot = pteProtection(lo);
  const pfn = MiRemoveAnyPage(mm);
  const from = mm.lastFrom;
  mm.phys.copyPageFrom(mm.pageFile, slot, pfn);
  MiInitializePfn(mm, pfn, process.index, table, mm.pteAddressLo(vpn), mm.pteAddressHi(vpn), lo, hi);
  const [nlo, nhi] = makeValid(mm, process, vpn, table, index, pfn, prot, write, true);
  // Clustering: neighbouring pages whose contents sit in adjacent slots are read in the same I/O
  // and put on the standby list, so touching them next is a soft fault.
  let cluster = 1;
  if (mm.pfn.availableCount() > mm.lowAvailable) {
    for (let d = 1; d < CLUSTER_MAX && cluster < CLUSTER_MAX; d++) {
      const j = index + d;
      const nvpn = vpn + d;
      if (j >= ENTRIES || nvpn > vad.endVpn) break;
      const jlo = mm.readLo(table, j);
      const jhi = mm.readHi(table, j);
      if ((jlo & (PTE_VALID | PTE_TRANSITION | PTE_PROTOTYPE)) || jhi !== slot + d || pageFileLow(jlo, mm.layout) !== pageFileLow(lo, mm.layout)) break;
      const p = MiRemoveAnyPage(mm);
      mm.phys.copyPageFrom(mm.pageFile, jhi, p);
      MiInitializePfn(mm, p, process.index, table, mm.pteAddressLo(nvpn), mm.pteAddressHi(nvpn), jlo, jhi);
      mm.pfn.shareCount[p] = 0;
      mm.pfn.referenceCount[p] = 0;
      // A clustered page goes to the standby sub-list of the priority MiInitializePfn gave it (the faulting
      // thread's memory priority): a page's list and its MMPFN priority always agree, as list removal reads one
      // from the other (a fixed NORMAL_PRIORITY list here left pages filed under the wrong priority).
      mm.pfn.insertTail(LIST_STANDBY0 + mm.pfn.priority[p]!, p, PageLocation.StandbyPageList);
      mm.writeEntry(table, j, makeTransitionLo(p, pteProtection(jlo)), makeTransitionHi(p, mm.layout));
      mm.pfn.shareCount[table]!++;
      cluster++;
    }
  }
  const t = mm.trace;
  t.step('fault.pageFile')?.n(process.pid).a2(vaLo(vpn), vaHi(vpn)).b(write).n(pfn).n(from).n(slot).n(cluster).a2(nlo, nhi).change('pfn', pfn).change('pte', process.pid, vpn * PAGE_SIZE).change('wsle', process.pid, vpn * PAGE_SIZE).change('pageFile', slot);
}

/**
 * The PTE names the virtual store's paging file: the read MiResolvePageFileFault prepares is issued after it returns
 * (MmAccessFault -> MiIssueHardFault -> MiIssueHardFaultIo; MiReadPagefilePage in other builds) and goes to
 * the store manager (SmPageRead -> ST_STORE::StDmPageRetrieve), which decompresses the page from Memory
 * Compression's working set instead of reading a disk; no cluster is read. The key is dropped once the
 * page is back, so the page is modified again (its only copy). Windows Internals 7th ed., Part 1, ch. 5,
 * "Memory compression"; routine names from the public symbols.
 */
function MiResolveStoreFault(mm: MemoryManager, process: AddressSpace, vpn: number, table: number, index: number, lo: number, hi: number, write: boolean): void {
  const key = hi;
  const prot = pteProtection(lo);
  // The entry is copied out first: Memory Compression's own pages may fault back in while no frame is in flight.
  const length = storeFetch(mm, key);
  const pfn = MiRemoveAnyPage(mm);
  const from = mm.lastFrom;
  storeRetrieve(mm, key, length, pfn);
  MiInitializePfn(mm, pfn, process.index, table, mm.pteAddressLo(vpn), mm.pteAddressHi(vpn), makeDemandZeroLo(prot), 0);
  mm.pfn.flags[pfn] = PFN_MODIFIED;
  const [nlo, nhi] = makeValid(mm, process, vpn, table, index, pfn, prot, write, true);
  const t = mm.trace;
  t.step('fault.store')?.n(process.pid).a2(vaLo(vpn), vaHi(vpn)).b(write).n(pfn).n(from).n(key).n(length).n(mm.store.processIndex >= 0 ? mm.processes[mm.store.processIndex]?.pid ?? 0 : 0).a2(nlo, nhi)
    .change('pfn', pfn).change('pte', process.pid, vpn * PAGE_SIZE).change('wsle', process.pid, vpn * PAGE_SIZE);
}

/** Makes the PTE valid for `pfn` and inserts the page in the working set (MiAddValidPageToWorkingSet). */
export function makeValid(mm: MemoryManager, process: AddressSpace, vpn: number, table: number, index: number, pfn: number, prot: number, write: boolean, newEntry: boolean): [number, number] {
  let lo = makeValidLo(pfn, prot, true) | PTE_ACCESSED;
  const hi = makeValidHi(pfn, prot);
  if (write) {
    lo |= PTE_DIRTY | PTE_DIRTY1;
    markModified(mm, pfn);
    noteWriteWatch(process, vpn);
  }
  mm.writePte(process, vpn, table, index, lo >>> 0, hi);
  if (newEntry) mm.pfn.shareCount[table]!++;
  mm.pfn.wsIndex[pfn] = process.ws.insert(vpn);
  return [lo >>> 0, hi];
}

/** Keeps the working set within its maximum when memory is not plentiful, and memory above the low mark. */
export function afterFault(mm: MemoryManager, process: AddressSpace, vpn: number): void {
  if (mm.trimming) return;
  const ws = process.ws;
  if (ws.count > ws.maximum && (ws.hardMaximum || mm.pfn.availableCount() < mm.plentyAvailable)) MiReplaceWorkingSetEntry(mm, process, vpn);
  if (mm.pfn.availableCount() < mm.lowAvailable) MmWorkingSetManager(mm, false);
}

/**
 * Translates `vpn` for a user access, faulting as needed; returns the PFN and fills the TLB. The caller
 * checks the TLB first, so this is the miss path.
 */
export function translate(mm: MemoryManager, process: AddressSpace, vpn: number, write: boolean): number {
  for (let attempt = 0; attempt < 4; attempt++) {
    if (mm.locate(process, vpn, false)) {
      const table = mm.loc.table;
      const index = mm.loc.index;
      const lo = mm.readLo(table, index);
      if (lo & PTE_VALID) {
        const hi = mm.readHi(table, index);
        const pfn = ptePfn(lo, hi, mm.layout.hardwarePfnBits);
        const writable = (lo & PTE_WRITE) !== 0;
        if (write && !writable) {
          // Copy-on-write, or a write to a read-only page: the fault handler decides.
          MmAccessFault(mm, process, vpn, write, process.vads.find(vpn));
          continue;
        }
        if (!(lo & PTE_ACCESSED) || (write && !(lo & PTE_DIRTY))) setAccessedDirty(mm, process, vpn, write);
        const slot = vpn & (TLB_SIZE - 1);
        process.ownTlb();
        process.tlbVpn[slot] = vpn;
        process.tlbPfn[slot] = pfn;
        const dirty = (mm.readLo(table, index) & PTE_DIRTY) !== 0;
        process.tlbFlags[slot] = TLB_READ | (writable && dirty && (lo & PTE_WRITE) ? TLB_WRITE : 0);
        return pfn;
      }
    } else if (mm.largeLevel >= 0) {
      const vad = process.vads.find(vpn);
      if (!vad || !mmAllowsRead(vad.protection) || (write && !mmAllowsWrite(vad.protection))) break;
      const table = mm.loc.table;
      const index = mm.loc.index;
      const lo = mm.readLo(table, index);
      const base = ptePfn(lo, mm.readHi(table, index), mm.layout.hardwarePfnBits);
      const span = mm.largeLevel === LEVEL_PDE ? ENTRIES : ENTRIES * ENTRIES;
      const pfn = base + (vpn % span);
      if (write) { mm.writeEntry(table, index, (lo | PTE_ACCESSED | PTE_DIRTY) >>> 0, mm.readHi(table, index)); process.ws.settled = false; noteWriteWatch(process, vpn); }
      const slot = vpn & (TLB_SIZE - 1);
      process.ownTlb();
      process.tlbVpn[slot] = vpn;
      process.tlbPfn[slot] = pfn;
      process.tlbFlags[slot] = TLB_READ | (mmAllowsWrite(vad.protection) && write ? TLB_WRITE : 0);
      return pfn;
    }
    MmAccessFault(mm, process, vpn, write, process.vads.find(vpn));
  }
  // A write to a page that is valid but not writable.
  return raiseFault(mm, process, vpn * PAGE_SIZE, write, STATUS_ACCESS_VIOLATION, 'readOnly');
}

/**
 * MiResolveProtoPteFault: resolves a fault on a view page whose process PTE is zero or
 * points at the prototype PTE. Private pages of a view (copied on write) are resolved by the caller.
 */
export function MiResolveProtoPteFault(mm: MemoryManager, p: AddressSpace, vpn: number, write: boolean, vad: Vad, lo: number): void {
  const view = vad.view!;
  const ca = view.controlArea;
  const index = view.firstProto + (vpn - vad.startVpn);
  const va = vpn * PAGE_SIZE;
  const override = lo & PTE_PROTOTYPE ? pteProtection(lo) : 0;
  if (!protoCommitted(ca, index)) raiseAccess(mm, p, va, write, 'reserved');
  const prot = viewPageProtection(mm, vad, index, override);
  if (!mmAllowsRead(prot)) raiseAccess(mm, p, va, write, 'noAccess');
  if (mmIsGuard(prot)) {
    mm.locate(p, vpn, true);
    const [nlo, nhi] = makeProtoPointer(protoAddress(ca, index), prot & ~MM_GUARD_PAGE);
    mm.writePte(p, vpn, mm.locTable, mm.locIndex, nlo, nhi);
    const t = mm.trace;
    t.step('fault.guardPage')?.n(p.pid).a(va).b(write).change('pte', p.pid, va);
    throw new NtException(STATUS_GUARD_PAGE_VIOLATION, BigInt(va), write);
  }
  if (write && !mmAllowsWrite(prot)) raiseAccess(mm, p, va, write, 'readOnly');
  mm.locate(p, vpn, true);
  const table = mm.locTable;
  const pi = mm.locIndex;
  p.ws.pageFaultCount++;
  const [pfn, from] = makeProtoValid(mm, ca, index);
  const t = mm.trace;
  if (write && mmIsCopyOnWrite(prot)) {
    // The first write to a copy-on-write page: the process gets its own copy straight away.
    MiCopyOnWrite(mm, p, vpn, table, pi, pfn, prot, false);
    releaseIfUnmapped(mm, ca, index, pfn);
    return;
  }
  let nlo = makeValidLo(pfn, prot, true) | PTE_ACCESSED;
  const nhi = makeValidHi(pfn, prot);
  if (write) { nlo |= PTE_DIRTY | PTE_DIRTY1; markModified(mm, pfn); }
  mm.writePte(p, vpn, table, pi, nlo >>> 0, nhi);
  mm.pfn.shareCount[table]!++;
  mm.pfn.shareCount[pfn]!++;
  const wsi = p.ws.insert(vpn);
  p.ws.shared.set(vpn, wsi);
  if (override) p.ws.protection[wsi] = override;
  t.step('fault.prototype')?.n(p.pid).a2(va % 0x100000000, Math.floor(va / 0x100000000)).b(write).n(pfn).n(from).a(protoAddress(ca, index)).n(ca.id).n(mm.pfn.shareCount[pfn]!).a2(nlo >>> 0, nhi).change('pfn', pfn).change('pte', p.pid, va).change('wsle', p.pid, va).change('object', ca.id);
}

/**
 * MiCopyOnWrite: gives the process its own copy of `srcPfn` at `vpn`, now a private read/write page.
 * `wasMapped`: the process PTE currently maps srcPfn (valid), so that mapping is given up.
 */
export function MiCopyOnWrite(mm: MemoryManager, p: AddressSpace, vpn: number, table: number, index: number, srcPfn: number, prot: number, wasMapped: boolean): number {
  const db = mm.pfn;
  const newProt = (prot & 7) === 7 ? MM_EXECUTE_READWRITE : MM_READWRITE;
  const pfn = MiRemoveAnyPage(mm);
  mm.phys.copyPageFrom(mm.phys, srcPfn, pfn);
  const va = vpn * PAGE_SIZE;
  const pteAddr = mm.entryAddress(0, vpn);
  db.location[pfn] = PageLocation.ActiveAndValid;
  db.shareCount[pfn] = 1;
  db.referenceCount[pfn] = 1;
  db.pteFrame[pfn] = table;
  db.pteAddressLo[pfn] = Number(pteAddr & 0xFFFFFFFFn);
  db.pteAddressHi[pfn] = Number(pteAddr >> 32n);
  db.originalPteLo[pfn] = makeDemandZeroLo(newProt);
  db.originalPteHi[pfn] = 0;
  db.flags[pfn] = PFN_MODIFIED;
  db.priority[pfn] = p.faultPagePriority();
  const lo = (makeValidLo(pfn, newProt, true) | PTE_ACCESSED | PTE_DIRTY | PTE_DIRTY1) >>> 0;
  const hi = makeValidHi(pfn, newProt);
  let wasLocked = 0;
  if (wasMapped) {
    const wsi = p.ws.shared.get(vpn)!;
    wasLocked = p.ws.locked[wsi]!;
    p.ws.shared.delete(vpn);
    p.ws.remove(wsi);
    db.shareCount[srcPfn]!--;
  } else {
    db.shareCount[table]!++;
  }
  mm.writePte(p, vpn, table, index, lo, hi);
  db.wsIndex[pfn] = p.ws.insert(vpn);
  // The private copy replaces the shared page in the same working-set entry's place: a lock stays.
  if (wasLocked) { p.ws.locked[db.wsIndex[pfn]!] = 1; p.ws.lockedCount++; }
  const t = mm.trace;
  t.step('fault.copyOnWrite')?.n(p.pid).a2(va % 0x100000000, Math.floor(va / 0x100000000)).n(srcPfn).n(pfn).a2(lo, hi).change('pfn', pfn).change('pfn', srcPfn).change('pte', p.pid, va).change('wsle', p.pid, va);
  return pfn;
}
