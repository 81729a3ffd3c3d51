// The system address space's invariants, checked from scratch by verifyIntegrity: every pool page in exactly
// one state (valid in the system working set or nonpaged, transition on a list, or in the paging file) and
// its PTE pointing back, the pool's page tables' counts, the header chains of every small page, pool bytes
// equal to the sum of the allocations per tag, the system working set, system PTEs and the system commit.
import type { MemoryManager } from './memoryManager';
import { PageLocation, PFN_PAGE_TABLE } from './pfn';
import { NonPagedPool, PAGE_UNUSED, walkPool } from './pool';
import { PTE_PROTOTYPE, PTE_TRANSITION, PTE_VALID, ptePfn } from './pte';
import { KERNEL_STACK_SIZE } from './systemPages';

export interface PoolIntegrityContext {
  /** Marks an active page as reached by a PTE or paging structure. */
  reached: Uint8Array;
  /** Records a paging-file slot reference (a slot referenced twice or not allocated is an error). */
  refSlot(lo: number, slot: number, what: string): void;
  err(message: string): void;
}

/** A live thread's kernel stack, as verifyIntegrity collects them from the process manager's threads. */
export interface ThreadStackRef { tid: number; firstPte: number }

export function verifyPoolIntegrity(mm: MemoryManager, threadStacks: readonly ThreadStackRef[], c: PoolIntegrityContext): void {
  const space = mm.systemSpace;
  if (!space) return;
  const db = mm.pfn;
  const { err, reached, refSlot } = c;
  let tablePages = 0;
  let nonPagedResident = 0;
  for (const region of [space.nonPaged, space.paged]) {
    const name = region.poolType === NonPagedPool ? 'nonpaged pool' : 'paged pool';
    let pages = 0;
    for (let slot = 0; slot < region.tables.length; slot++) {
      const table = region.tables[slot]!;
      if (table < 0) continue;
      tablePages++;
      reached[table] = 1;
      if (db.location[table] !== PageLocation.ActiveAndValid || !(db.flags[table]! & PFN_PAGE_TABLE)) err(`${name}: page table ${table} is not an active paging structure`);
      let live = 0;
      let used = 0;
      for (let i = 0; i < 512; i++) {
        const index = slot * 512 + i;
        const lo = mm.readLo(table, i);
        const hi = mm.readHi(table, i);
        const unused = index >= region.kind.length || region.kind[index] === PAGE_UNUSED;
        if (lo === 0 && hi === 0) { if (!unused) err(`${name}: page ${index} in use but its PTE is zero`); continue; }
        used++;
        if (unused) { err(`${name}: page ${index} unused but its PTE is ${hi.toString(16)}${lo.toString(16)}`); continue; }
        pages++;
        const expected = mm.entryAddress(0, region.baseVpn + index);
        const pointsBack = (pfn: number): boolean => db.pteFrame[pfn] === table && db.pteAddressLo[pfn] === Number(expected & 0xFFFFFFFFn) && db.pteAddressHi[pfn] === Number(expected >> 32n);
        const originalSlot = (pfn: number): void => {
          const oh = db.originalPteHi[pfn]!;
          if (oh !== 0 && !(db.originalPteLo[pfn]! & (PTE_PROTOTYPE | PTE_TRANSITION))) refSlot(db.originalPteLo[pfn]!, oh, `${name} pfn ${pfn} OriginalPte`);
        };
        if (lo & PTE_VALID) {
          live++;
          const pfn = ptePfn(lo, hi, mm.layout.hardwarePfnBits);
          reached[pfn] = 1;
          if (db.location[pfn] !== PageLocation.ActiveAndValid) err(`${name}: page ${index} valid -> pfn ${pfn} in state ${db.location[pfn]}`);
          if (!pointsBack(pfn)) err(`${name}: pfn ${pfn} PteAddress/PteFrame do not point back to page ${index}`);
          if (region.poolType === NonPagedPool) nonPagedResident++;
          else {
            const w = db.wsIndex[pfn]!;
            if (w < 0 || w >= space.wsCount || space.wsPage[w] !== index) err(`paged pool page ${index}: pfn ${pfn} not in the system working set at its WsIndex ${w}`);
          }
          originalSlot(pfn);
        } else if (lo & PTE_TRANSITION) {
          live++;
          if (region.poolType === NonPagedPool) err(`nonpaged pool page ${index} is not resident`);
          const pfn = ptePfn(lo, hi, mm.layout.transitionPfnBits);
          const loc = db.location[pfn]!;
          if (loc !== PageLocation.StandbyPageList && loc !== PageLocation.ModifiedPageList) err(`${name}: page ${index} transition -> pfn ${pfn} in state ${loc}`);
          if (!pointsBack(pfn)) err(`${name}: transition pfn ${pfn} does not point back to page ${index}`);
          originalSlot(pfn);
        } else {
          if (region.poolType === NonPagedPool) err(`nonpaged pool page ${index} is not resident`);
          refSlot(lo, hi, `${name} page ${index} PTE`);
        }
      }
      if (db.shareCount[table] !== live + 1) err(`${name}: page table ${table} ShareCount ${db.shareCount[table]} != 1 + ${live} live entries`);
      if (mm.usedEntries[table] !== used) err(`${name}: page table ${table} UsedPageTableEntries ${mm.usedEntries[table]} != ${used}`);
    }
    if (pages !== region.pages) err(`${name}: ${pages} pages mapped but ${region.pages} counted`);
    for (let i = region.highWater; i < region.kind.length; i++) if (region.kind[i] !== PAGE_UNUSED) { err(`${name}: page ${i} in use above the high-water mark`); break; }
  }
  if (tablePages !== space.tablePages) err(`system space: ${tablePages} pool page tables but ${space.tablePages} counted`);
  if (nonPagedResident !== mm.nonPagedPoolPages) err(`nonpaged pool: ${nonPagedResident} resident pages but ${mm.nonPagedPoolPages} counted`);
  // The system working set holds exactly the resident paged pool pages.
  for (let w = 0; w < space.wsCount; w++) {
    const index = space.wsPage[w]!;
    if (index < 0 || space.residentPfn(mm, space.paged, index) < 0) err(`system working set entry ${w} (page ${index}) is not a resident paged pool page`);
  }
  // Pool bytes: the tag counters equal the blocks found in the pages.
  const walked = walkPool(mm, space);
  for (const e of walked.errors) err(e);
  const tags = new Set<number>([...walked.bytes.keys(), ...space.tags.keys()]);
  for (const tag of tags) {
    const found = walked.bytes.get(tag) ?? [0, 0];
    const counted = space.tags.get(tag)?.v;
    const np = counted ? counted[2]! : 0;
    const p = counted ? counted[5]! : 0;
    if (found[0] !== np || found[1] !== p) err(`pool tag ${tag.toString(16)}: ${found[0]}/${found[1]} bytes in blocks but ${np}/${p} counted`);
    if (counted && (counted[0]! < counted[1]! || counted[3]! < counted[4]!)) err(`pool tag ${tag.toString(16)}: more frees than allocations`);
  }
  // Kernel stacks: one system PTE run (guard + stack) and commit each; every thread's stack is one of them.
  const stacks = space.systemPteRuns.size;
  const stackPages = KERNEL_STACK_SIZE / 4096;
  for (const [first, count] of space.systemPteRuns) if (count !== stackPages + 1) err(`system PTEs: run at ${first} of ${count} PTEs is no kernel stack`);
  if (space.systemPtesInUse !== stacks * (stackPages + 1)) err(`system PTEs: ${space.systemPtesInUse} in use but ${stacks} kernel stacks`);
  const owners = new Set<number>();
  for (const t of threadStacks) {
    if (space.systemPteRuns.get(t.firstPte) === undefined) err(`thread ${t.tid}: kernel stack at PTE ${t.firstPte} is not reserved`);
    if (owners.has(t.firstPte)) err(`thread ${t.tid}: kernel stack shared with another thread`);
    owners.add(t.firstPte);
  }
  let inUse = 0;
  for (let i = 0; i < space.systemPtes.length; i++) if (space.systemPtes[i] !== 0) inUse++;
  if (inUse !== space.systemPtesInUse) err(`system PTEs: ${inUse} marked but ${space.systemPtesInUse} counted`);
  // System commit: the kernel's base, the pool pages and the kernel stacks.
  const expected = space.nonPaged.pages + space.paged.pages + stacks * stackPages;
  if (space.charged !== expected) err(`system commit: ${space.charged} charged but pool and stacks need ${expected}`);
  if (mm.systemCommit !== space.baseCommit + space.charged) err(`system commit ${mm.systemCommit} != base ${space.baseCommit} + ${space.charged}`);
}
