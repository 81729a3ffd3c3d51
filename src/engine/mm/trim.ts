// The working-set manager: MmWorkingSetManager (run by the balance set manager), MiTrimWorkingSet,
// MiAgeWorkingSet and MiReplaceWorkingSetEntry. Windows Internals 7th ed., Part 1, ch. 5, "Working sets"
// ("Balance set manager and swapper", "Working set management").
import type { AddressSpace } from './addressSpace';
import { PAGE_SIZE, vaHi, vaLo } from './geometry';
import type { MemoryManager } from './memoryManager';
import { LIST_MODIFIED, LIST_STANDBY0, PageLocation, PFN_MODIFIED, PFN_PROTOTYPE_PTE } from './pfn';
import { PTE_ACCESSED, PTE_DIRTY, makeTransitionHi, makeTransitionLo, pteProtection, ptePfn } from './pte';
import { unmapSharedPte } from './section';
import { markModified, MiModifiedPageWriter } from './writer';
import { MiTrimSystemWorkingSet } from './systemPages';

/**
 * MiReplaceWorkingSetEntry: picks a victim with a second-chance clock over the working-set list —
 * an entry whose page was referenced since the hand last passed (Accessed set) gets the bit
 * cleared and is skipped once. Amortized O(1) per fault.
 */
export function MiReplaceWorkingSetEntry(mm: MemoryManager, process: AddressSpace, keepVpn: number): void {
  const ws = process.ws;
  let victim = -1;
  for (let scanned = 0; scanned < 2 * ws.lastEntry + 1; scanned++) {
    if (ws.hand >= ws.lastEntry) ws.hand = 0;
    const i = ws.hand++;
    const v = ws.vpn[i]!;
    if (v < 0 || v === keepVpn || ws.locked[i]) continue; // a locked entry is never replaced
    if (mm.locate(process, v, false)) {
      const lo = mm.readLo(mm.loc.table, mm.loc.index);
      if (lo & PTE_ACCESSED) {
        mm.writePte(process, v, mm.loc.table, mm.loc.index, (lo & ~PTE_ACCESSED) >>> 0, mm.readHi(mm.loc.table, mm.loc.index));
        continue;
      }
    }
    victim = i;
    break;
  }
  if (victim < 0) return;
  const vpn = ws.vpn[victim]!;
  const [pfn, to] = trimEntry(mm, process, victim);
  const t = mm.trace;
  t.step('ws.replace')?.n(process.pid).a2(vaLo(vpn), vaHi(vpn)).n(pfn).n(to).change('wsle', process.pid, vpn * PAGE_SIZE).change('pfn', pfn);
}

/**
 * Removes working-set entry `index` from `process`: the PTE becomes a transition PTE and the page
 * goes to the modified list (dirty) or the standby list (clean). Returns [pfn, list].
 */
export function trimEntry(mm: MemoryManager, process: AddressSpace, index: number): [number, number] {
  const ws = process.ws;
  const vpn = ws.vpn[index]!;
  mm.locate(process, vpn, false);
  const table = mm.loc.table;
  const pi = mm.loc.index;
  const lo = mm.readLo(table, pi);
  const hi = mm.readHi(table, pi);
  const db = mm.pfn;
  const pfn = ptePfn(lo, hi, mm.layout.hardwarePfnBits);
  if (db.flags[pfn]! & PFN_PROTOTYPE_PTE) return [pfn, unmapSharedPte(mm, process, vpn, table, pi, lo, hi, true)];
  if (lo & PTE_DIRTY) markModified(mm, pfn);
  const prot = pteProtection(db.originalPteLo[pfn]!);
  mm.writePte(process, vpn, table, pi, makeTransitionLo(pfn, prot), makeTransitionHi(pfn, mm.layout));
  ws.remove(index);
  db.wsIndex[pfn] = -1;
  db.shareCount[pfn] = 0;
  db.referenceCount[pfn] = 0;
  if (db.flags[pfn]! & PFN_MODIFIED) {
    db.insertTail(LIST_MODIFIED, pfn, PageLocation.ModifiedPageList);
    return [pfn, PageLocation.ModifiedPageList];
  }
  db.insertTail(LIST_STANDBY0 + db.priority[pfn]!, pfn, PageLocation.StandbyPageList);
  return [pfn, PageLocation.StandbyPageList];
}

/** Trims up to `count` pages of `process`, oldest first; records one step. Returns pages trimmed. */
export function MiTrimWorkingSet(mm: MemoryManager, process: AddressSpace, count: number, reason: string): number {
  const order = process.ws.entriesOldestFirst();
  let toStandby = 0;
  let toModified = 0;
  const n = Math.min(count, order.length);
  for (let k = 0; k < n; k++) {
    const [, list] = trimEntry(mm, process, order[k]!);
    // A shared page still mapped by another working set stays active: counted in neither list (the step's
    // text derives it as pages - toStandby - toModified).
    if (list === PageLocation.ModifiedPageList || list === PageLocation.ModifiedNoWritePageList) toModified++;
    else if (list !== PageLocation.ActiveAndValid) toStandby++;
  }
  if (n > 0) {
    const t = mm.trace;
    t.step('ws.trim')?.n(process.pid).n(n).n(toStandby).n(toModified).s(reason).change('process', process.pid).change('pageList', LIST_MODIFIED);
  }
  return n;
}

/**
 * Ages every working set entry: referenced pages (Accessed set) get age 0 and the bit cleared.
 *
 * A working set whose entries are all at the oldest age with Accessed clear, and which nothing has
 * referenced or changed since (WorkingSet.settled), would come out of a pass unchanged: the pass is
 * skipped. Under memory pressure the balance set manager runs after faults while available memory
 * stays below the low mark, and each run aged every working set of every process, ~1,600 idle ones
 * in the jump bench's session: 40% of that session's time went here (issue 17 perf notes, timeTravel.ts).
 */
export function MiAgeWorkingSet(mm: MemoryManager, process: AddressSpace): void {
  const ws = process.ws;
  if (ws.settled) return;
  let settled = true;
  for (let i = 0; i < ws.lastEntry; i++) {
    const vpn = ws.vpn[i]!;
    if (vpn < 0) continue;
    if (!mm.locate(process, vpn, false)) { if (ws.age[i] !== 7) settled = false; continue; }
    const lo = mm.readLo(mm.loc.table, mm.loc.index);
    if (lo & PTE_ACCESSED) {
      mm.writePte(process, vpn, mm.loc.table, mm.loc.index, (lo & ~PTE_ACCESSED) >>> 0, mm.readHi(mm.loc.table, mm.loc.index));
      ws.age[i] = 0;
      settled = false;
    } else if (ws.age[i]! < 7) {
      ws.age[i]!++;
      if (ws.age[i] !== 7) settled = false;
    }
  }
  ws.settled = settled;
}

/**
 * The balance set manager's working-set pass (MmWorkingSetManager): ages working sets and trims those
 * above their minimum, oldest pages first, until available memory reaches the target.
 * With `force` it trims below the minimum too (memory is exhausted).
 */
export function MmWorkingSetManager(mm: MemoryManager, force: boolean): number {
  if (mm.trimming) return 0;
  mm.trimming = true;
  let trimmed = 0;
  let touched = 0;
  try {
    const live = mm.processes.filter((p): p is AddressSpace => !!p && !p.exited);
    for (const p of live) MiAgeWorkingSet(mm, p);
    if (mm.pfn.availableCount() < mm.targetAvailable || force) {
      // Biggest working sets first, down to their minimum (or to nothing when forced).
      live.sort((a, b) => b.ws.count - a.ws.count || a.pid - b.pid);
      for (const p of live) {
        const need = mm.targetAvailable - mm.pfn.availableCount();
        if (need <= 0 && !force) break;
        const floor = force ? 0 : p.ws.minimum;
        const excess = p.ws.count - floor;
        if (excess <= 0) continue;
        const n = MiTrimWorkingSet(mm, p, force ? excess : Math.min(excess, need), 'balanceSetManager');
        trimmed += n;
        if (n) touched++;
        if (force && mm.pfn.availableCount() + mm.pfn.listCount[LIST_MODIFIED]! > 0) break;
      }
      // Then the system working set (paged pool's resident pages; systemPages.ts), if memory is still short.
      const space = mm.systemSpace;
      const short = mm.targetAvailable - mm.pfn.availableCount();
      if (space && space.wsCount > 0 && (short > 0 || force)) trimmed += MiTrimSystemWorkingSet(mm, space, force ? space.wsCount : short, 'balanceSetManager');
    }
  } finally {
    mm.trimming = false;
  }
  const t = mm.trace;
  t.step('thread.balanceSetManager')?.n(mm.pfn.availableCount()).n(trimmed).n(touched).change('system');
  if (force && mm.pfn.listCount[LIST_MODIFIED]! > 0 && mm.config.pageFilePages > 0) MiModifiedPageWriter(mm, Infinity);
  return trimmed;
}

