// What views and the kernel debugger read of the system address space (no faults, nothing recorded): the
// regions, pool usage by tag (PoolTrackTable as !poolused shows it), system PTE usage (!sysptes), the system
// working set and the system's commit, and one pool page's blocks (!pool).
import type { MemoryManager } from './memoryManager';
import { queryPoolPage, tagString } from './pool';
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
