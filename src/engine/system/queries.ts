// What the views and the kernel-debugger commands read: the machine's state described without
// changing it (!process, !vad, !wsle, !pfn, !pte, memory lists, commit). Functions of the Machine, so
// the live System and past states share one implementation.
import { MEM_IMAGE, MEM_MAPPED, MEM_PRIVATE, PAGE_SIZE_N } from '../constants';
import { ERROR_INVALID_PARAMETER } from '../constants';
import { shown, Win32Error } from '../errors';
import { LEVEL_PXE, miGetPteAddress, tableIndex } from '../mm/memoryManager';
import { LIST_BAD, LIST_FREE, LIST_MODIFIED, LIST_MODIFIED_NOWRITE, LIST_STANDBY0, LIST_ZEROED, PAGE_STATE_NAMES, type PageStateName } from '../mm/pfn';
import { PAGE_LIST_HEAD, STANDBY_PRIORITY_COUNT, type PageListName } from '../vocabulary';
import { decodePte as decodePteBits, join64, PTE_LARGE_PAGE, PTE_VALID, ptePfn, type DecodedPte } from '../mm/pte';
import { VadType, type Vad } from '../mm/vad';
import { win32ToMmProtection } from '../mm/protection';
import type { ProcessObject } from '../process';
import { handleTableAddress, objectTableOwner } from '../ps/layouts';
import { describeProcessSecurity, type ProcessSecurityInfo } from '../ps/processAccess';
import type { Machine } from './machine';

/** SYSTEM_MEMORY_LIST_INFORMATION */
export interface SystemMemoryListInformation {
  ZeroPageCount: number;
  FreePageCount: number;
  ModifiedPageCount: number;
  ModifiedNoWritePageCount: number;
  BadPageCount: number;
  PageCountByPriority: number[];
  RepurposedPagesByPriority: number[];
  ModifiedPageCountPageFile: number;
}

/** What !pfn shows for a physical page. */
export interface PfnInfo {
  State: PageStateName;
  ShareCount: number;
  ReferenceCount: number;
  PteAddress: bigint;
  OriginalPte: bigint;
  /**
   * u4.PteFrame: the page frame holding the PTE that maps this page, read as the real field is, an
   * unsigned 40-bit bitfield (nt!_MMPFN, 19041: `u4.PteFrame : 40`). 0 when the simulation has no such
   * frame: a page on the free or zeroed list, or a section page whose PTE is a prototype PTE, which lives
   * in paged pool (Windows Internals 7e ch. 5, "Prototype PTEs"); the simulation keeps no physical frames
   * for pool, so it does not invent one. Such a page has PrototypePte set.
   */
  PteFrame: number;
  /** u4.PrototypePte: the PTE this page is mapped by is a prototype PTE of a section (nt!_MMPFN, 19041). */
  PrototypePte: boolean;
  /** u3.e3.Priority: the page priority, 0-7 (nt!_MMPFNENTRY3.Priority : 3, 19041). */
  Priority: number;
  Modified: boolean;
  /** Owning process id, or 0 when the page belongs to nobody. */
  OwnerPid: number;
  PageTable: boolean;
  LargePage: boolean;
  /**
   * The page's index in its working-set list, or -1 when it is in none. Not an MMPFN field in Windows 10:
   * 19041's _MMPFN has no WsIndex (u1 is a list link or _MI_ACTIVE_PFN); older kernels kept u1.WsIndex.
   */
  WsIndex: number;
}

/** Commit charge and limit in pages (as SYSTEM_PERFORMANCE_INFORMATION reports them). */
export interface CommitInfo { CommitTotal: number; CommitLimit: number; CommitPeak: number }

/** A summary of one process, for views. */
export interface ProcessInfo {
  pid: number;
  parentPid: number;
  imageFileName: string;
  imagePath: string;
  sessionId: number;
  eprocess: bigint;
  directoryTableBase: number;
  peb: bigint;
  threads: Array<{ tid: number; state: string; teb: bigint }>;
  workingSetSize: number;
  workingSetMinimum: number;
  workingSetMaximum: number;
  peakWorkingSetSize: number;
  /** Working-set entries VirtualLock holds (LockedInWs). */
  lockedPages: number;
  /** ProcessMemoryPriority (MEMORY_PRIORITY_VERY_LOW 1 .. MEMORY_PRIORITY_NORMAL 5). */
  memoryPriority: number;
  pageFaultCount: number;
  privateCommit: number;
  pageTablePages: number;
  vadCount: number;
  /** Handles in the process's handle table (!process HandleCount) and its address (EPROCESS.ObjectTable). */
  handleCount: number;
  objectTable: bigint;
  /** The token's user (DOMAIN\\name) and mandatory integrity level. */
  userName?: string;
  integrityLevel?: string;
  /** The debugger's pid (0 when the process is not being debugged). */
  debuggerPid?: number;
  /** The conhost.exe serving the process's console (0 when it has none). */
  consoleHostPid?: number;
  /**
   * Being created: CreateProcess has made the EPROCESS (stage 3A) but not yet inserted it (stage 3F,
   * PspInsertProcess). Only a past state taken inside a creation shows one.
   */
  creating?: boolean;
}

/** One VAD of a process (!vad). */
export interface VadInfo {
  start: bigint;
  /** Last byte of the range (EndingVpn * 4096 + 4095). */
  end: bigint;
  vadType: 'VadNone' | 'VadImageMap' | 'VadWriteWatch' | 'VadLargePages' | 'VadAwe' | 'VadDevicePhysicalMemory' | 'VadRotatePhysical' | 'VadLargePageSection';
  /** MEM_PRIVATE, MEM_MAPPED or MEM_IMAGE. */
  type: number;
  /** The protection given at allocation (AllocationProtect), as a Win32 PAGE_* value. */
  allocationProtect: number;
  /**
   * u.VadFlags.Protection: the same protection as the memory manager keeps it, the 5-bit MM_* mask
   * (MM_READONLY 1, MM_EXECUTE 2, MM_EXECUTE_READ 3, MM_READWRITE 4, MM_WRITECOPY 5, MM_EXECUTE_READWRITE 6,
   * MM_EXECUTE_WRITECOPY 7; +8 NOCACHE, +0x10 GUARD, +0x18 WRITECOMBINE). Public symbols: _MMVAD_FLAGS.Protection
   * is a 5-bit field (Vergilius, 19041); Windows Internals 7e ch. 5 "Virtual address descriptors".
   */
  protection: number;
  commitCharge: number;
  memCommit: boolean;
  pageCount: number;
  /** The node's depth in the process's VAD tree (the balanced VadRoot tree; the root is level 0), as !vad prints it. */
  level: number;
}

/** One working-set list entry (!wsle). */
/** A working-set list entry; `locked` is WSLE.LockedInWs (VirtualLock). */
export interface WsleInfo { index: number; va: bigint; age: number; pfn: number; locked: boolean }

/** One level of a page walk. */
export interface WalkLevel {
  level: 'PXE' | 'PPE' | 'PDE' | 'PTE';
  index: number;
  /** Self-map virtual address of the entry. */
  address: bigint;
  /** The physical page holding the entry's table. */
  tablePfn: number;
  decoded: DecodedPte;
}
/** How the MMU would translate an address in a process (!pte with the walk). */
export interface AddressWalk {
  va: bigint;
  indices: { pxe: number; ppe: number; pde: number; pte: number; offset: number };
  levels: WalkLevel[];
  /** The physical address when the translation succeeds, else null (the walk ends at the first invalid entry). */
  physicalAddress: bigint | null;
  pfn: number | null;
  largePage: '2MB' | '1GB' | null;
}

export function querySystemMemoryListInformation(m: Machine): SystemMemoryListInformation {
  const db = m.mm.pfn;
  const byPriority: number[] = [];
  for (let p = 0; p < STANDBY_PRIORITY_COUNT; p++) byPriority.push(db.listCount[LIST_STANDBY0 + p]!);
  return {
    ZeroPageCount: db.listCount[LIST_ZEROED]!,
    FreePageCount: db.listCount[LIST_FREE]!,
    ModifiedPageCount: db.listCount[LIST_MODIFIED]!,
    ModifiedNoWritePageCount: db.listCount[LIST_MODIFIED_NOWRITE]!,
    BadPageCount: db.listCount[LIST_BAD]!,
    PageCountByPriority: byPriority,
    RepurposedPagesByPriority: Array.from(db.repurposed),
    ModifiedPageCountPageFile: db.listCount[LIST_MODIFIED]!,
  };
}

export function queryCommit(m: Machine): CommitInfo {
  return { CommitTotal: m.mm.commitTotal, CommitLimit: m.mm.commitLimit, CommitPeak: Math.max(m.mm.commitPeak, m.mm.commitTotal) };
}

export function queryPfn(m: Machine, pfn: number): PfnInfo {
  if (!Number.isInteger(pfn) || pfn < 0 || pfn >= m.physicalPageCount) throw new RangeError(`queryPfn: no page frame ${shown(pfn)} (0..${m.physicalPageCount - 1})`);
  const db = m.mm.pfn;
  const owner = m.mm.ownerOf(pfn);
  return {
    State: PAGE_STATE_NAMES[db.location[pfn]!]!,
    ShareCount: db.shareCount[pfn]!,
    ReferenceCount: db.referenceCount[pfn]!,
    PteAddress: join64(db.pteAddressLo[pfn]!, db.pteAddressHi[pfn]!),
    OriginalPte: join64(db.originalPteLo[pfn]!, db.originalPteHi[pfn]!),
    // The simulation codes "no frame" as negative numbers (-1; a section page's -(control area id + 2)); the real field is unsigned.
    PteFrame: Math.max(0, db.pteFrame[pfn]!),
    PrototypePte: db.pteFrame[pfn]! < -1,
    Priority: db.priority[pfn]!,
    Modified: (db.flags[pfn]! & 1) !== 0,
    OwnerPid: owner >= 0 ? m.processes[owner]?.pid ?? 0 : 0,
    PageTable: (db.flags[pfn]! & 0x20) !== 0,
    LargePage: (db.flags[pfn]! & 0x10) !== 0,
    WsIndex: db.wsIndex[pfn]!,
  };
}

/** Virtual addresses of the paging entries that map `va` under this system's self-map. */
export function getPagingStructureAddresses(m: Machine, va: bigint): { pxe: bigint; ppe: bigint; pde: bigint; pte: bigint } {
  if (typeof va !== 'bigint') throw new TypeError('getPagingStructureAddresses: va must be a bigint');
  const base = m.options.pteBase;
  const pte = miGetPteAddress(va, base);
  const pde = miGetPteAddress(pte, base);
  const ppe = miGetPteAddress(pde, base);
  const pxe = miGetPteAddress(ppe, base);
  return { pxe, ppe, pde, pte };
}

/** Decodes the PTE mapping `va` in process `pid` (!pte), without faulting anything in. */
export function decodePte(m: Machine, pid: number, va: bigint): DecodedPte {
  const p = m.byPid.get(pid);
  if (!p) throw new Win32Error(ERROR_INVALID_PARAMETER, `decodePte: no process ${shown(pid)}`);
  if (typeof va !== 'bigint') throw new Win32Error(ERROR_INVALID_PARAMETER, 'decodePte: va must be a bigint');
  const [lo, hi] = m.mm.peekPte(p, Number(va / PAGE_SIZE_N));
  return decodePteBits(lo, hi, m.mm.layout);
}

/** The VADs of a process in address order (!vad). */
export function queryVads(m: Machine, pid: number): VadInfo[] {
  const p = m.byPid.get(pid);
  if (!p || p.exited) return [];
  // Each node's depth in the balanced tree (an AVL tree of n nodes is at most 1.44 log2(n) deep).
  const levels = new Map<Vad, number>();
  const walk = (n: Vad | null, level: number): void => {
    if (!n) return;
    levels.set(n, level);
    walk(n.left, level + 1);
    walk(n.right, level + 1);
  };
  walk(p.vads.root, 0);
  return p.vads.toArray().map((v) => ({
    level: levels.get(v) ?? 0,
    start: BigInt(v.startVpn) * PAGE_SIZE_N,
    end: BigInt(v.endVpn) * PAGE_SIZE_N + PAGE_SIZE_N - 1n,
    vadType: VadType[v.vadType] as VadInfo['vadType'],
    type: v.vadType === VadType.VadImageMap ? MEM_IMAGE : v.privateMemory ? MEM_PRIVATE : MEM_MAPPED,
    allocationProtect: v.allocationProtect,
    // The VAD keeps the protection the region was allocated with, also for a reservation with nothing committed.
    protection: Math.max(0, win32ToMmProtection(v.allocationProtect)) & 0x1F,
    commitCharge: v.commitCharge,
    memCommit: v.memCommit,
    pageCount: v.pageCount,
  }));
}

/** A slice of a process's working-set list (!wsle), in list order, and the total in use. */
export function queryWorkingSet(m: Machine, pid: number, start = 0, count = Infinity): { total: number; entries: WsleInfo[] } {
  const p = m.byPid.get(pid);
  if (!p || p.exited) return { total: 0, entries: [] };
  const entries: WsleInfo[] = [];
  let seen = 0;
  for (let i = 0; i < p.ws.lastEntry && entries.length < count; i++) {
    const vpn = p.ws.vpn[i]!;
    if (vpn < 0) continue;
    if (seen++ < start) continue;
    const [lo, hi] = m.mm.peekPte(p, vpn);
    entries.push({ index: i, va: BigInt(vpn) * PAGE_SIZE_N, age: p.ws.age[i]!, pfn: lo & PTE_VALID ? ptePfn(lo, hi, m.mm.layout.hardwarePfnBits) : -1, locked: p.ws.locked[i] === 1 });
  }
  return { total: p.ws.count, entries };
}

/** Page frame numbers on a page list, oldest first: a slice [start, start + count). */
export function listPages(m: Machine, list: PageListName, start = 0, count = Infinity, priority?: number): number[] {
  const db = m.mm.pfn;
  const heads: number[] = [];
  if (typeof list !== 'string' || !Object.hasOwn(PAGE_LIST_HEAD, list)) throw new RangeError(`listPages: unknown list ${shown(list)}`);
  if (list !== 'Standby') heads.push(PAGE_LIST_HEAD[list]);
  else if (priority !== undefined) heads.push(LIST_STANDBY0 + priority);
  else for (let p = 0; p < STANDBY_PRIORITY_COUNT; p++) heads.push(LIST_STANDBY0 + p);
  const out: number[] = [];
  let seen = 0;
  for (const h of heads) {
    for (let pfn = db.listHead[h]!; pfn >= 0 && out.length < count; pfn = db.flink[pfn]!) {
      if (seen++ >= start) out.push(pfn);
    }
  }
  return out;
}

/** Walks the four paging levels for `va` in process `pid`, as the MMU would, without faulting. */
export function walkAddress(m: Machine, pid: number, va: bigint): AddressWalk {
  const p = m.byPid.get(pid);
  if (!p) throw new Win32Error(ERROR_INVALID_PARAMETER, `walkAddress: no process ${shown(pid)}`);
  if (typeof va !== 'bigint' || va < 0n || va > 0xFFFFFFFFFFFFFFFFn) throw new RangeError('walkAddress: va must be a 64-bit bigint');
  const vpn = Number((va & 0xFFFFFFFFFFFFn) >> 12n);
  const offset = Number(va & 0xFFFn);
  const names = ['PTE', 'PDE', 'PPE', 'PXE'] as const;
  const addresses = getPagingStructureAddresses(m, va);
  const byLevel = [addresses.pte, addresses.pde, addresses.ppe, addresses.pxe];
  const levels: WalkLevel[] = [];
  let table = p.directoryTableBase;
  let physicalAddress: bigint | null = null;
  let pfn: number | null = null;
  let largePage: AddressWalk['largePage'] = null;
  for (let level = LEVEL_PXE; level >= 0; level--) {
    const index = tableIndex(level, vpn);
    const lo = m.mm.readLo(table, index);
    const hi = m.mm.readHi(table, index);
    levels.push({ level: names[level]!, index, address: byLevel[level]!, tablePfn: table, decoded: decodePteBits(lo, hi, m.mm.layout) });
    if (!(lo & PTE_VALID)) break;
    const next = ptePfn(lo, hi, m.mm.layout.hardwarePfnBits);
    if (level > 0 && (lo & PTE_LARGE_PAGE)) {
      const span = level === 1 ? 512 : 512 * 512;
      pfn = next + (vpn % span);
      largePage = level === 1 ? '2MB' : '1GB';
      physicalAddress = BigInt(pfn) * PAGE_SIZE_N + BigInt(offset);
      break;
    }
    if (level === 0) { pfn = next; physicalAddress = BigInt(next) * PAGE_SIZE_N + BigInt(offset); }
    table = next;
  }
  return {
    va,
    indices: { pxe: tableIndex(3, vpn), ppe: tableIndex(2, vpn), pde: tableIndex(1, vpn), pte: tableIndex(0, vpn), offset },
    levels, physicalAddress, pfn, largePage,
  };
}

/** Process ids of live processes, in creation order. */
export function processIds(m: Machine): number[] {
  return m.processes.filter((p): p is ProcessObject => !!p && !p.exited).map((p) => p.pid);
}

export function queryProcess(m: Machine, pid: number): ProcessInfo | undefined {
  const p = m.byPid.get(pid);
  if (!p || p.exited) return undefined;
  return {
    pid: p.pid, parentPid: p.parentPid, imageFileName: p.imageFileName, imagePath: p.imagePath, sessionId: p.sessionId,
    eprocess: p.eprocess, directoryTableBase: p.directoryTableBase, peb: p.peb,
    threads: p.threads.map((t) => ({ tid: t.tid, state: t.state, teb: t.teb })),
    workingSetSize: p.ws.count, workingSetMinimum: p.ws.minimum, workingSetMaximum: p.ws.maximum, peakWorkingSetSize: p.ws.peak,
    lockedPages: p.ws.lockedCount, memoryPriority: p.memoryPriority,
    pageFaultCount: p.ws.pageFaultCount, privateCommit: p.privateCommit, pageTablePages: p.pageTablePages, vadCount: p.vads.count,
    handleCount: p.ps.handles.entries.size, objectTable: handleTableAddress(objectTableOwner(m.processes, p)),
    ...executiveInfo(m, p),
  };
}

/**
 * The process object's security descriptor (owner, DACL, mandatory label) and protection level: what
 * OpenProcess checks. Undefined for unknown and dead processes.
 */
export function queryProcessSecurity(m: Machine, pid: number): ProcessSecurityInfo | undefined {
  const p = m.byPid.get(pid);
  if (!p || p.exited) return undefined;
  return describeProcessSecurity(m.ps.state(p));
}

/**
 * The groups of a process's primary token (TOKEN.UserAndGroups after the user: each SID, its account
 * name and SID_AND_ATTRIBUTES.Attributes), copies, for the debugger's !token. Undefined for a process
 * that is gone.
 */
export function queryTokenGroups(m: Machine, pid: number): Array<{ sid: string; name: string; attributes: number }> | undefined {
  const p = m.byPid.get(pid);
  if (!p || p.exited) return undefined;
  return m.ps.state(p).token.groups.map((g) => ({ sid: g.sid, name: g.name, attributes: g.attributes }));
}

/** What the process manager adds to a process's description: token user and integrity, debugger, console host, creation state. */
function executiveInfo(m: Machine, p: ProcessObject): Pick<ProcessInfo, 'userName' | 'integrityLevel' | 'debuggerPid' | 'consoleHostPid' | 'creating'> {
  const st = m.ps.state(p);
  const console = st.consoleId ? m.ps.consoles.get(st.consoleId) : undefined;
  return { userName: st.token.user.name, integrityLevel: st.token.integrityLevel, debuggerPid: st.debuggerPid, consoleHostPid: console?.hostPid ?? 0, creating: !st.inserted };
}
