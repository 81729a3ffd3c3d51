// What views and the kernel debugger read of the system address space (no faults, nothing recorded): the
// regions, pool usage by tag (PoolTrackTable as !poolused shows it), system PTE usage (!sysptes), the system
// working set and the system's commit, and one pool page's blocks (!pool).
import type { MemoryManager } from './memoryManager';
import { locatePool, queryPoolPage, tagString } from './pool';
import { decodePte, PTE_VALID, ptePfn, type DecodedPte } from './pte';
import { SYSTEM_PTE_COUNT, type SessionImage, type SystemRegionInfo } from './systemSpace';

/** One tag's counters (POOL_TRACKER_TABLE): allocations, frees and bytes in use per pool type. */
export interface PoolTagInfo {
  tag: string;
  nonPagedAllocs: number; nonPagedFrees: number; nonPagedBytes: number;
  pagedAllocs: number; pagedFrees: number; pagedBytes: number;
}

export interface SystemSpaceInfo {
  regions: SystemRegionInfo[];
  sessionImages: SessionImage[];
  /** Pages backing each pool, and how many of paged pool's are resident now. */
  nonPagedPoolPages: number;
  pagedPoolPages: number;
  pagedPoolResident: number;
  /** Bytes in use (the sum of the tags'). */
  nonPagedPoolBytes: number;
  pagedPoolBytes: number;
  tags: PoolTagInfo[];
  systemPtes: { total: number; inUse: number; freeRuns: number; largestFree: number; firstPte: bigint; lastPte: bigint; kernelStacks: number };
  /** The system working set (paged pool's resident pages here). */
  workingSet: { size: number; peak: number };
  /** The system's own commit in pages: the kernel's base, pool pages and kernel stacks. */
  commit: { total: number; base: number; pool: number; kernelStacks: number };
  /** Page-table pages of the pool regions. */
  pageTablePages: number;
}

export function describeSystemSpace(mm: MemoryManager): SystemSpaceInfo | undefined {
  const space = mm.systemSpace;
  if (!space) return undefined;
  const tags: PoolTagInfo[] = [];
  for (const [tag, c] of space.tags) {
    const v = c.v;
    tags.push({ tag: tagString(tag), nonPagedAllocs: v[0]!, nonPagedFrees: v[1]!, nonPagedBytes: v[2]!, pagedAllocs: v[3]!, pagedFrees: v[4]!, pagedBytes: v[5]! });
  }
  tags.sort((a, b) => (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0));
  const [np, p] = space.poolBytes();
  const stacks = space.systemPteRuns.size;
  const runs = space.freeSystemPteRuns();
  let largest = 0;
  for (const [, n] of runs) if (n > largest) largest = n;
  const firstPte = mm.entryAddress(0, Number((space.systemPteBase & 0xFFFFFFFFFFFFn) >> 12n));
  const poolPages = space.nonPaged.pages + space.paged.pages;
  return {
    regions: space.regions(),
    sessionImages: space.sessionImages(),
    nonPagedPoolPages: space.nonPaged.pages,
    pagedPoolPages: space.paged.pages,
    pagedPoolResident: space.wsCount,
    nonPagedPoolBytes: np,
    pagedPoolBytes: p,
    tags,
    systemPtes: { total: SYSTEM_PTE_COUNT, inUse: space.systemPtesInUse, freeRuns: runs.length, largestFree: largest, firstPte, lastPte: firstPte + BigInt((SYSTEM_PTE_COUNT - 1) * 8), kernelStacks: stacks },
    workingSet: { size: space.wsCount, peak: space.wsPeak },
    commit: { total: mm.systemCommit, base: space.baseCommit, pool: poolPages, kernelStacks: space.charged - poolPages },
    pageTablePages: space.tablePages,
  };
}

/** Free system PTE runs (first PTE's address and length), lowest first: what !sysptes 1 lists. */
export function listFreeSystemPtes(mm: MemoryManager, limit: number): Array<{ pte: bigint; count: number }> {
  const space = mm.systemSpace;
  if (!space) return [];
  const baseVpn = Number((space.systemPteBase & 0xFFFFFFFFFFFFn) >> 12n);
  return space.freeSystemPteRuns().slice(0, limit).map(([first, count]) => ({ pte: mm.entryAddress(0, baseVpn + first), count }));
}

/** The pool page (or big allocation) holding `address`, read without faulting (!pool). */
export function describePoolAddress(mm: MemoryManager, address: bigint): ReturnType<typeof queryPoolPage> {
  const space = mm.systemSpace;
  return space ? queryPoolPage(mm, space, address) : undefined;
}

/**
 * One system-space address as the page tables the simulation keeps for it map it (!pte, and the debugger's
 * reads of kernel memory), read without faulting. Pool regions have real page tables (their PTE is read
 * from the page-table page); the system PTE region records which PTEs are in use (kernel stacks: a guard
 * PTE, then the stack's) but keeps no PTE contents or pages behind them; session space keeps none.
 * Undefined outside the regions (and for a machine without system space).
 */
export interface SystemAddressInfo {
  region: SystemRegionInfo['name'];
  /** The page-table page holding the PTE (pool regions), -1 when that table does not exist yet or is not simulated. */
  tablePfn: number;
  /** The PTE (pool regions, its table existing), else null. */
  pte: DecodedPte | null;
  /** The physical page mapped (a valid PTE), else null. */
  pfn: number | null;
  /** System PTE region: 'free', 'guard' (the first PTE of a kernel stack's run) or 'stack'. */
  systemPte?: 'free' | 'guard' | 'stack';
}

export function describeSystemAddress(mm: MemoryManager, address: bigint): SystemAddressInfo | undefined {
  const space = mm.systemSpace;
  if (!space) return undefined;
  const pool = locatePool(space, address);
  if (pool) {
    const { region, index } = pool;
    const name = region === space.nonPaged ? 'AssignedRegionNonPagedPool' : 'AssignedRegionPagedPool';
    const table = region.tables[index >>> 9] ?? -1;
    if (table < 0) return { region: name, tablePfn: -1, pte: null, pfn: null };
    const lo = mm.readLo(table, index & 511);
    const hi = mm.readHi(table, index & 511);
    const pfn = lo & PTE_VALID ? ptePfn(lo, hi, mm.layout.hardwarePfnBits) : null;
    return { region: name, tablePfn: table, pte: decodePte(lo, hi, mm.layout), pfn };
  }
  for (const r of space.regions()) {
    if (address < r.base || address >= r.end) continue;
    if (r.name !== 'AssignedRegionSystemPtes') return { region: r.name, tablePfn: -1, pte: null, pfn: null };
    const index = Number((address - r.base) >> 12n);
    const use = index < SYSTEM_PTE_COUNT ? space.systemPtes[index]! : 0;
    return { region: r.name, tablePfn: -1, pte: null, pfn: null, systemPte: use === 0 ? 'free' : use === 2 ? 'guard' : 'stack' };
  }
  return undefined;
}
