// The virtual memory services behind VirtualAlloc, VirtualFree, VirtualProtect, VirtualQuery and the
// write-watch calls (NtAllocateVirtualMemory, NtFreeVirtualMemory, NtProtectVirtualMemory,
// NtQueryVirtualMemory, NtGetWriteWatch). Failures throw LastError with the Win32 code the real
// function leaves in GetLastError; the Win32Api layer turns that into the documented return value.
import {
  ALLOCATION_GRANULARITY, ERROR_COMMITMENT_LIMIT, ERROR_INVALID_ADDRESS, ERROR_INVALID_PARAMETER,
  ERROR_NOT_ENOUGH_MEMORY, ERROR_NO_SYSTEM_RESOURCES, ERROR_PRIVILEGE_NOT_HELD, MEM_COMMIT, MEM_DECOMMIT,
  MEM_FREE, MEM_LARGE_PAGES, MEM_PRIVATE, MEM_RELEASE, MEM_RESERVE, MEM_RESET, MEM_RESET_UNDO, MEM_TOP_DOWN,
  MEM_WRITE_WATCH, MM_HIGHEST_VAD_ADDRESS, MM_LOWEST_USER_ADDRESS, PAGE_NOACCESS,
  WRITE_WATCH_FLAG_RESET, MEM_PHYSICAL, PAGE_READONLY, PAGE_READWRITE, MEM_COALESCE_PLACEHOLDERS, MEM_PRESERVE_PLACEHOLDER, MEM_RESERVE_PLACEHOLDER,
  MEM_REPLACE_PLACEHOLDER, MEM_IMAGE, MEM_MAPPED, STATUS_COMMITMENT_LIMIT, STATUS_NO_MEMORY,
} from '../constants';
import { LastError, NtException } from '../errors';
import { VpnRangeSet } from './rangeSet';
import { WriteWatchBits } from './writeWatch';
import type { AddressSpace } from './addressSpace';
import { LEVEL_PDE, LEVEL_PPE, MemoryManager, PAGE_SIZE, tableIndex } from './memoryManager';
import { LIST_MODIFIED, LIST_STANDBY0, PageLocation, PFN_LARGE_PAGE, PFN_MODIFIED, PFN_RESET } from './pfn';
import { mmIsCopyOnWrite, mmToWin32Protection, win32ToMmProtection } from './protection';
import {
  MM_DECOMMIT, PTE_ACCESSED, PTE_DIRTY, PTE_DIRTY1, PTE_LARGE_PAGE, PTE_TRANSITION, PTE_VALID, PROTECTION_SHIFT,
  makeDemandZeroLo, makeTableHi, makeTableLo, makeValidHi, makeValidLo, pteProtection, ptePfn,
} from './pte';
import { Vad, VadType } from './vad';
import { releaseSwapSpace } from './writer';
import { commitViewPages } from './sectionApi';
import { isPrivateViewPte, makeProtoPointer, protoAddress, unmapSharedPte } from './section';

export interface MEMORY_BASIC_INFORMATION {
  BaseAddress: bigint;
  AllocationBase: bigint;
  AllocationProtect: number;
  RegionSize: bigint;
  State: number;
  Protect: number;
  Type: number;
}

const PAGE = BigInt(PAGE_SIZE);
const GRANULARITY = BigInt(ALLOCATION_GRANULARITY);
const LOWEST_VPN = Number(MM_LOWEST_USER_ADDRESS / PAGE);
const HIGHEST_VPN = Number(MM_HIGHEST_VAD_ADDRESS / PAGE);
const LARGE_PAGES = 512;
const HUGE_PAGES = 512 * 512;

function fail(code: number): never { throw new LastError(code); }
const vaOf = (vpn: number): bigint => BigInt(vpn) * PAGE;

/** The VirtualAlloc algorithm. Returns the base address of the reserved or committed range. */
export function virtualAlloc(mm: MemoryManager, p: AddressSpace, lpAddress: bigint, dwSize: bigint, type: number, protect: number): bigint {
  if (typeof lpAddress !== 'bigint' || typeof dwSize !== 'bigint' || !Number.isInteger(type) || !Number.isInteger(protect)) fail(ERROR_INVALID_PARAMETER);
  const known = MEM_COMMIT | MEM_RESERVE | MEM_RESET | MEM_RESET_UNDO | MEM_TOP_DOWN | MEM_WRITE_WATCH | MEM_LARGE_PAGES | MEM_PHYSICAL | MEM_RESERVE_PLACEHOLDER | MEM_REPLACE_PLACEHOLDER;
  if ((type >>> 0) & ~known) fail(ERROR_INVALID_PARAMETER);
  if (type & (MEM_PHYSICAL | MEM_RESERVE_PLACEHOLDER | MEM_REPLACE_PLACEHOLDER)) fail(ERROR_INVALID_PARAMETER); // AWE and placeholders are not simulated
  if (dwSize <= 0n) fail(ERROR_INVALID_PARAMETER);
  if (lpAddress < 0n || lpAddress > MM_HIGHEST_VAD_ADDRESS) fail(ERROR_INVALID_PARAMETER);

  // MEM_RESET and MEM_RESET_UNDO stand alone.
  if (type & (MEM_RESET | MEM_RESET_UNDO)) {
    if ((type & (MEM_RESET | MEM_RESET_UNDO)) === (MEM_RESET | MEM_RESET_UNDO) || (type & ~(MEM_RESET | MEM_RESET_UNDO))) fail(ERROR_INVALID_PARAMETER);
    if (lpAddress === 0n) fail(ERROR_INVALID_PARAMETER);
    if (win32ToMmProtection(protect) < 0) fail(ERROR_INVALID_PARAMETER);
    return memReset(mm, p, lpAddress, dwSize, (type & MEM_RESET_UNDO) !== 0);
  }
  if (!(type & (MEM_COMMIT | MEM_RESERVE))) fail(ERROR_INVALID_PARAMETER);
  const mmProt = win32ToMmProtection(protect);
  if (mmProt < 0 || mmIsCopyOnWrite(mmProt)) fail(ERROR_INVALID_PARAMETER);
  if ((type & MEM_WRITE_WATCH) && !(type & MEM_RESERVE)) fail(ERROR_INVALID_PARAMETER);
  if (type & MEM_LARGE_PAGES) return allocateLargePages(mm, p, lpAddress, dwSize, type, protect, mmProt);

  const reserve = (type & MEM_RESERVE) !== 0 || lpAddress === 0n;
  const commit = (type & MEM_COMMIT) !== 0;
  if (reserve) {
    const base = lpAddress === 0n ? 0n : (lpAddress / GRANULARITY) * GRANULARITY;
    const end = roundUp(lpAddress + dwSize, PAGE);
    const size = lpAddress === 0n ? roundUp(dwSize, PAGE) : end - base;
    if (lpAddress !== 0n && end - 1n > MM_HIGHEST_VAD_ADDRESS) fail(ERROR_INVALID_ADDRESS);
    const pages = Number(size / PAGE);
    let startVpn: number;
    if (lpAddress === 0n) {
      startVpn = findFreeRange(p, pages, (type & MEM_TOP_DOWN) !== 0);
    } else {
      startVpn = Number(base / PAGE);
      if (startVpn < LOWEST_VPN) fail(ERROR_INVALID_ADDRESS);
      if (overlaps(p, startVpn, startVpn + pages - 1)) fail(ERROR_INVALID_ADDRESS);
    }
    if (commit && !mm.chargeCommit(p, pages)) fail(ERROR_COMMITMENT_LIMIT);
    const vad = new Vad(startVpn, startVpn + pages - 1, (type & MEM_WRITE_WATCH) ? VadType.VadWriteWatch : VadType.VadNone, commit ? mmProt : 0, true, commit, protect);
    if (type & MEM_WRITE_WATCH) vad.writeWatch = new WriteWatchBits();
    vad.commitCharge = commit ? pages : 0;
    p.vads.insert(vad);
    const t = mm.trace;
    const step = t.step('vm.reserve')?.n(p.pid).a(vaOf(startVpn)).a(size).n(protect).b(commit).n(0).n(0).change('vad', p.pid, startVpn * PAGE_SIZE);
    if (commit) step?.change('commit');
    return vaOf(startVpn);
  }

  // MEM_COMMIT alone: within one existing reservation.
  const startVpn = Number(lpAddress / PAGE);
  const endVpn = Number((lpAddress + dwSize - 1n) / PAGE);
  const vad = p.vads.find(startVpn);
  if (!vad || endVpn > vad.endVpn) fail(ERROR_INVALID_ADDRESS);
  if (vad.view) {
    // Committing through a view commits the section's prototype PTEs: every view sees the pages.
    if (!viewAllows(vad, mmProt)) fail(ERROR_INVALID_PARAMETER);
    const charged = commitViewPages(mm, vad, startVpn, endVpn, vad.view.controlArea.segment.subsections[0]!.protection);
    const t = mm.trace;
    t.step('vm.commit')?.n(p.pid).a(vaOf(startVpn)).a(vaOf(endVpn - startVpn + 1)).n(protect).n(charged).change('vad', p.pid, vad.startVpn * PAGE_SIZE).change('object', vad.view.controlArea.id).change('commit');
    return vaOf(startVpn);
  }
  if (!vad.privateMemory) fail(ERROR_INVALID_ADDRESS);
  if (vad.vadType === VadType.VadLargePages) fail(ERROR_INVALID_ADDRESS);
  // Counted per run of pages in one state (absent paging structures are one run), so a commit inside a
  // terabyte reservation costs O(page tables), not O(pages).
  const newPages = endVpn - startVpn + 1 - mm.countCommitted(p, vad, startVpn, endVpn);
  if (!mm.canCharge(newPages)) fail(ERROR_COMMITMENT_LIMIT);
  // The PTEs to be written need their page tables: charged to commit too, and created before anything
  // else changes, so a failure leaves the region as it was.
  const writes = !(vad.memCommit && vad.protection === mmProt);
  if (writes) ensurePageTables(mm, p, startVpn, endVpn, newPages);
  if (!mm.chargeCommit(p, newPages)) fail(ERROR_COMMITMENT_LIMIT);
  vad.commitCharge += newPages;
  // Already committed pages take the new protection too.
  forEachRunPage(mm, p, vad, startVpn, endVpn, mmProt, (v) => setPageProtection(mm, p, v, vad, mmProt, true));
  const t = mm.trace;
  t.step('vm.commit')?.n(p.pid).a(vaOf(startVpn)).a(vaOf(endVpn - startVpn + 1)).n(protect).n(newPages).change('vad', p.pid, vad.startVpn * PAGE_SIZE).change('commit');
  return vaOf(startVpn);
}

/**
 * MiCreatePebOrTeb: `pages` committed read-write pages for a PEB or a TEB, page-granular (not on the 64 KB
 * allocation granularity VirtualAlloc keeps), in the first free run at or above `hintVpn`, so a process's
 * PEB and TEBs sit next to one another. Kernel work: no VirtualAlloc step; the caller records its own.
 * Windows Internals 7e ch. 5, "Address space layout" (the PEB and TEBs are allocated by the kernel at page
 * granularity) and ch. 3 stage 3E / stage 4 (MmCreatePeb, MmCreateTeb); VirtualQuery on a real process
 * shows the PEB as one page and each 64-bit TEB as two pages, side by side.
 */
export function createPebOrTeb(mm: MemoryManager, p: AddressSpace, pages: number, hintVpn: number): bigint {
  const lo = Math.max(LOWEST_VPN, hintVpn);
  let startVpn = p.vads.findFree(pages, 1, lo, HIGHEST_VPN, false);
  if (startVpn < 0) startVpn = p.vads.findFree(pages, 1, LOWEST_VPN, HIGHEST_VPN, false);
  if (startVpn < 0) fail(ERROR_NOT_ENOUGH_MEMORY);
  if (!mm.chargeCommit(p, pages)) fail(ERROR_COMMITMENT_LIMIT);
  const mmProt = win32ToMmProtection(PAGE_READWRITE);
  const vad = new Vad(startVpn, startVpn + pages - 1, VadType.VadNone, mmProt, true, true, PAGE_READWRITE);
  vad.commitCharge = pages;
  p.vads.insert(vad);
  return vaOf(startVpn);
}

/** The fixed user-mode address of KUSER_SHARED_DATA (Microsoft Learn, "KUSER_SHARED_DATA structure (ntddk.h)"). */
export const MM_SHARED_USER_DATA_VA = 0x7FFE0000n;

/**
 * The shared user data page in a new address space: one committed page at 0x7FFE0000 that user mode may
 * only read. VirtualQuery on it reports BaseAddress = AllocationBase = 0x7FFE0000, RegionSize 0x1000,
 * MEM_COMMIT, PAGE_READONLY (also as AllocationProtect) and MEM_PRIVATE, as on a real process. `fill`
 * writes its contents while the page is still writable (the kernel writes it; user mode cannot).
 * Windows Internals 7e ch. 4, "KUSER_SHARED_DATA" / ch. 5 "x64 virtual address limitations"; Microsoft
 * Learn, "KUSER_SHARED_DATA structure (ntddk.h)". On Windows every process maps the one kernel page
 * (0xFFFFF78000000000); the simulation gives each process its own read-only copy (README: where the model ends).
 */
export function insertSharedUserDataVad(mm: MemoryManager, p: AddressSpace, fill: (base: bigint) => void): void {
  const startVpn = Number(MM_SHARED_USER_DATA_VA / PAGE);
  if (p.vads.find(startVpn)) return;
  if (!mm.chargeCommit(p, 1)) fail(ERROR_COMMITMENT_LIMIT);
  const rw = win32ToMmProtection(PAGE_READWRITE);
  const vad = new Vad(startVpn, startVpn, VadType.VadNone, rw, true, true, PAGE_READWRITE);
  vad.commitCharge = 1;
  p.vads.insert(vad);
  fill(MM_SHARED_USER_DATA_VA);
  const ro = win32ToMmProtection(PAGE_READONLY);
  ensurePageTables(mm, p, startVpn, startVpn, 0);
  setPageProtection(mm, p, startVpn, vad, ro, false);
  vad.protection = ro;
  vad.allocationProtect = PAGE_READONLY;
}

function roundUp(v: bigint, to: bigint): bigint { return ((v + to - 1n) / to) * to; }

/**
 * Creates the page tables the leaf PTEs of [first, last] need, before an operation writes them. Page
 * tables are charged to commit when created (Windows Internals 7th ed., Part 1, ch. 5, "Commit charge
 * and the system commit limit"): with `alsoCharging` pages about to be charged, over the limit fails with
 * ERROR_COMMITMENT_LIMIT; no physical page left for a table fails the way NtAllocateVirtualMemory's
 * STATUS_NO_MEMORY reaches Win32, ERROR_NOT_ENOUGH_MEMORY (the tables made so far are freed again).
 */
function ensurePageTables(mm: MemoryManager, p: AddressSpace, first: number, last: number, alsoCharging: number): void {
  const missing = mm.missingPageTables(p, first, last);
  if (missing === 0) return;
  if (!mm.canCharge(alsoCharging + missing)) fail(ERROR_COMMITMENT_LIMIT);
  try {
    for (let v = first; v <= last; v = Math.floor(v / 512) * 512 + 512) mm.locate(p, v, true);
  } catch (e) {
    if (!(e instanceof NtException) || (e.status !== STATUS_NO_MEMORY && e.status !== STATUS_COMMITMENT_LIMIT)) throw e;
    mm.freeEmptyPageTables(p, first, last);
    fail(e.status === STATUS_NO_MEMORY ? ERROR_NOT_ENOUGH_MEMORY : ERROR_COMMITMENT_LIMIT);
  }
}

/**
 * Calls `fn` for each page of [first, last] whose PTE a protection change to `mmProt` may write: a run
 * of absent paging structures in a region committed at reservation with that protection already is
 * skipped whole (its zero PTEs already mean "committed, mmProt").
 */
function forEachRunPage(mm: MemoryManager, p: AddressSpace, vad: Vad, first: number, last: number, mmProt: number, fn: (vpn: number) => void): void {
  for (let v = first; v <= last;) {
    const absent = vad.view ? -1 : mm.absentRunEnd(p, v);
    if (absent >= 0 && vad.memCommit && vad.protection === mmProt) { v = Math.min(absent, last) + 1; continue; }
    fn(v);
    v++;
  }
}

function overlaps(p: AddressSpace, start: number, end: number): boolean {
  const v = p.vads.ceiling(start);
  return v !== null && v.startVpn <= end;
}

function findFreeRange(p: AddressSpace, pages: number, topDown: boolean, align = ALLOCATION_GRANULARITY / PAGE_SIZE): number {
  const lo = topDown ? LOWEST_VPN : Math.max(LOWEST_VPN, p.bottomUpStartVpn);
  let vpn = p.vads.findFree(pages, align, lo, HIGHEST_VPN, topDown);
  if (vpn < 0 && !topDown) vpn = p.vads.findFree(pages, align, LOWEST_VPN, HIGHEST_VPN, false);
  if (vpn < 0) fail(ERROR_NOT_ENOUGH_MEMORY);
  return vpn;
}

/**
 * Sets the protection of one page. A committed page keeps its contents; an uncommitted one becomes
 * committed (demand zero) when `commit` is set. Valid pages that become guard or no-access pages
 * leave the working set, since such a PTE cannot be valid.
 */
function setPageProtection(mm: MemoryManager, p: AddressSpace, vpn: number, vad: Vad, mmProt: number, commit: boolean): void {
  const pte = mm.peekPte(p, vpn);
  const [lo, hi] = pte;
  let [, , table, index] = pte;
  if (vad.view && !isPrivateViewPte(lo, hi, mm)) {
    // A shared view page keeps pointing at its prototype PTE; the new protection is the page's own.
    if (table < 0) { mm.locate(p, vpn, true); table = mm.locTable; index = mm.locIndex; }
    const protoIndex = vad.view.firstProto + (vpn - vad.startVpn);
    if (lo & PTE_VALID) {
      const wsi = p.ws.shared.get(vpn)!;
      p.ws.protection[wsi] = mmProt;
      if ((mmProt & 0x10) || (mmProt & 7) === 0) { unmapSharedPte(mm, p, vpn, table, index, lo, hi, true); return; }
      const pfn = ptePfn(lo, hi, mm.layout.hardwarePfnBits);
      mm.writePte(p, vpn, table, index, (makeValidLo(pfn, mmProt, true) | (lo & (PTE_ACCESSED | PTE_DIRTY | PTE_DIRTY1))) >>> 0, makeValidHi(pfn, mmProt));
      return;
    }
    const [nlo, nhi] = makeProtoPointer(protoAddress(vad.view.controlArea, protoIndex), mmProt);
    mm.writePte(p, vpn, table, index, nlo, nhi);
    return;
  }
  const zero = lo === 0 && hi === 0;
  if (zero && vad.memCommit && vad.protection === mmProt) return;
  if (table < 0) { mm.locate(p, vpn, true); table = mm.locTable; index = mm.locIndex; }
  if (lo & PTE_VALID) {
    const pfn = ptePfn(lo, hi, mm.layout.hardwarePfnBits);
    const db = mm.pfn;
    db.originalPteLo[pfn] = ((db.originalPteLo[pfn]! & ~(0x1F << PROTECTION_SHIFT)) | (mmProt << PROTECTION_SHIFT)) >>> 0;
    if ((mmProt & 0x10) || (mmProt & 7) === 0) {
      // Guard and no-access pages cannot stay valid: take the page out of the working set.
      mm.trimEntry(p, db.wsIndex[pfn]!);
      return;
    }
    let nlo = makeValidLo(pfn, mmProt, true) | (lo & (PTE_ACCESSED | PTE_DIRTY | PTE_DIRTY1));
    if (lo & PTE_DIRTY) nlo |= PTE_DIRTY1;
    mm.writePte(p, vpn, table, index, nlo >>> 0, makeValidHi(pfn, mmProt));
    return;
  }
  if (zero || (pteProtection(lo) === MM_DECOMMIT && !(lo & PTE_TRANSITION) && hi === 0)) {
    if (!commit && !(zero && vad.memCommit)) return;
    mm.writePte(p, vpn, table, index, makeDemandZeroLo(mmProt), 0);
    return;
  }
  // Transition, paging-file and demand-zero PTEs keep everything but the protection field.
  mm.writePte(p, vpn, table, index, ((lo & ~(0x1F << PROTECTION_SHIFT)) | (mmProt << PROTECTION_SHIFT)) >>> 0, hi);
}

/** MEM_RESET: the contents are no longer of interest; MEM_RESET_UNDO: they are again, if still there. */
function memReset(mm: MemoryManager, p: AddressSpace, lpAddress: bigint, dwSize: bigint, undo: boolean): bigint {
  const startVpn = Number(lpAddress / PAGE);
  const endVpn = Number((lpAddress + dwSize - 1n) / PAGE);
  const vad = p.vads.find(startVpn);
  if (!vad || endVpn > vad.endVpn || !vad.privateMemory) fail(ERROR_INVALID_ADDRESS);
  if (mm.countCommitted(p, vad, startVpn, endVpn) !== endVpn - startVpn + 1) fail(ERROR_INVALID_ADDRESS);
  const db = mm.pfn;
  let lost = false;
  // Untouched pages (zero PTEs, absent page tables) have nothing to reset; an undo over them finds the
  // contents lost when they were reset before. Only PTEs that exist are visited.
  if (undo && vad.resetPages) {
    for (let v = startVpn; v <= endVpn && !lost;) {
      const absent = mm.absentRunEnd(p, v);
      const end = absent >= 0 ? Math.min(absent, endVpn) : v;
      const [lo, hi] = absent >= 0 ? [0, 0] : mm.peekPte(p, v);
      if (lo === 0 && hi === 0 && vad.resetPages.intersects(v, end)) lost = true;
      v = end + 1;
    }
  }
  mm.forEachPte(p, startVpn, endVpn, (v, lo, hi, table, index) => {
    if (lo & PTE_VALID) {
      const pfn = ptePfn(lo, hi, mm.layout.hardwarePfnBits);
      if (db.flags[pfn]! & PFN_LARGE_PAGE) return;
      if (!undo) {
        // Clean without a copy: if trimmed and repurposed, the page comes back as zeroes.
        db.flags[pfn] = (db.flags[pfn]! & ~PFN_MODIFIED) | PFN_RESET;
        mm.writePte(p, v, table, index, (lo & ~(PTE_DIRTY | PTE_DIRTY1)) >>> 0, hi);
      } else if (db.flags[pfn]! & PFN_RESET) {
        db.flags[pfn]! &= ~PFN_RESET;
        mm.markModified(pfn);
      }
    } else if (lo & PTE_TRANSITION) {
      const pfn = ptePfn(lo, hi, mm.layout.transitionPfnBits);
      if (!undo) {
        if (db.location[pfn] === PageLocation.ModifiedPageList) {
          db.unlink(pfn);
          db.flags[pfn] = (db.flags[pfn]! & ~PFN_MODIFIED) | PFN_RESET;
          db.insertTail(LIST_STANDBY0 + db.priority[pfn]!, pfn, PageLocation.StandbyPageList);
        } else db.flags[pfn]! |= PFN_RESET;
      } else if (db.flags[pfn]! & PFN_RESET) {
        db.unlink(pfn);
        db.flags[pfn]! &= ~PFN_RESET;
        mm.markModified(pfn);
        db.insertTail(LIST_MODIFIED, pfn, PageLocation.ModifiedPageList);
      }
    } else if (!undo && hi !== 0 && !(lo & 0x400)) {
      // The copy in the paging file (or the compression store) is dropped: the page becomes demand zero.
      releaseSwapSpace(mm, lo, hi);
      mm.writePte(p, v, table, index, makeDemandZeroLo(pteProtection(lo)), 0);
    } else if (undo && !(lo & PTE_TRANSITION) && hi === 0 && vad.resetPages?.has(v)) {
      lost = true;
    }
  });
  if (!undo) (vad.resetPages ??= new VpnRangeSet()).add(startVpn, endVpn); else vad.resetPages?.delete(startVpn, endVpn);
  const t = mm.trace;
  t.step('vm.reset')?.n(p.pid).a(vaOf(startVpn)).a(vaOf(endVpn - startVpn + 1)).b(undo).change('vad', p.pid, vad.startVpn * PAGE_SIZE);
  if (lost) fail(ERROR_INVALID_ADDRESS);
  return undo ? lpAddress : vaOf(startVpn);
}


/** MEM_LARGE_PAGES: huge (1 GB) pages for what fits, 2 MB pages for the rest; physically contiguous, never paged. */
function allocateLargePages(mm: MemoryManager, p: AddressSpace, lpAddress: bigint, dwSize: bigint, type: number, protect: number, mmProt: number): bigint {
  if ((type & (MEM_RESERVE | MEM_COMMIT)) !== (MEM_RESERVE | MEM_COMMIT) || (type & MEM_WRITE_WATCH)) fail(ERROR_INVALID_PARAMETER);
  if (dwSize % BigInt(LARGE_PAGES * PAGE_SIZE) !== 0n) fail(ERROR_INVALID_PARAMETER);
  if (lpAddress % BigInt(LARGE_PAGES * PAGE_SIZE) !== 0n) fail(ERROR_INVALID_PARAMETER);
  if (!p.holdsLockMemoryPrivilege()) fail(ERROR_PRIVILEGE_NOT_HELD);
  if (mmProt & 0x18) fail(ERROR_INVALID_PARAMETER); // no guard, nocache or write-combine modifiers
  const pages = Number(dwSize / PAGE);
  // Split: as many 1 GB pages as fit, then 2 MB pages.
  const huge = Math.floor(pages / HUGE_PAGES);
  const large = (pages - huge * HUGE_PAGES) / LARGE_PAGES;
  const align = huge > 0 ? HUGE_PAGES : LARGE_PAGES;
  let startVpn: number;
  if (lpAddress === 0n) startVpn = findFreeRange(p, pages, (type & MEM_TOP_DOWN) !== 0, align);
  else {
    startVpn = Number(lpAddress / PAGE);
    if (overlaps(p, startVpn, startVpn + pages - 1)) fail(ERROR_INVALID_ADDRESS);
    if (huge > 0 && startVpn % HUGE_PAGES !== 0) fail(ERROR_INVALID_ADDRESS);
  }
  if (mm.commitTotal + pages > mm.commitLimit) fail(ERROR_COMMITMENT_LIMIT);
  // Find physically contiguous, aligned runs of available pages.
  const runs: Array<{ basePfn: number; pages: number }> = [];
  const taken = new Set<number>();
  const want = [...Array<number>(huge).fill(HUGE_PAGES), ...Array<number>(large).fill(LARGE_PAGES)];
  for (const size of want) {
    const base = findContiguous(mm, size, taken);
    if (base < 0) fail(ERROR_NO_SYSTEM_RESOURCES);
    for (let k = 0; k < size; k++) taken.add(base + k);
    runs.push({ basePfn: base, pages: size });
  }
  if (!mm.chargeCommit(p, pages)) fail(ERROR_COMMITMENT_LIMIT);
  const vad = new Vad(startVpn, startVpn + pages - 1, VadType.VadLargePages, mmProt, true, true, protect);
  vad.commitCharge = pages;
  vad.largeRuns = runs;
  p.vads.insert(vad);
  // Claim the pages (repurposing standby pages in the way), zero them, and map with PS entries.
  let vpn = startVpn;
  for (const run of runs) {
    for (let k = 0; k < run.pages; k++) claimForLargePage(mm, p, run.basePfn + k, vpn + k, mmProt);
    mapLargeEntry(mm, p, vpn, run, mmProt);
    vpn += run.pages;
  }
  const t = mm.trace;
  t.step('vm.reserve')?.n(p.pid).a(vaOf(startVpn)).a(dwSize).n(protect).b(true).n(large).n(huge).change('vad', p.pid, startVpn * PAGE_SIZE).change('commit');
  return vaOf(startVpn);
}

function findContiguous(mm: MemoryManager, size: number, taken: Set<number>): number {
  const db = mm.pfn;
  for (let base = 0; base + size <= db.pageCount; base += size) {
    let ok = true;
    for (let k = 0; k < size; k++) {
      const pfn = base + k;
      const loc = db.location[pfn]!;
      if ((loc !== PageLocation.ZeroedPageList && loc !== PageLocation.FreePageList && loc !== PageLocation.StandbyPageList) || taken.has(pfn)) { ok = false; base = Math.floor(pfn / size) * size; break; }
    }
    if (ok) return base;
  }
  return -1;
}

function claimForLargePage(mm: MemoryManager, _p: AddressSpace, pfn: number, vpn: number, mmProt: number): void {
  const db = mm.pfn;
  const loc = db.location[pfn]!;
  if (loc === PageLocation.StandbyPageList) {
    // Give the owner its original PTE back before taking the page.
    const table = db.pteFrame[pfn]!;
    const index = (db.pteAddressLo[pfn]! >>> 3) & 511;
    db.unlink(pfn);
    mm.phys.writeWord(table, index * 2, db.originalPteLo[pfn]!);
    mm.phys.writeWord(table, index * 2 + 1, db.originalPteHi[pfn]!);
    db.shareCount[table]!--;
    db.repurposed[db.priority[pfn]!]!++;
  } else {
    db.unlink(pfn);
  }
  if (loc !== PageLocation.ZeroedPageList) mm.phys.zeroPage(pfn);
  db.location[pfn] = PageLocation.ActiveAndValid;
  db.shareCount[pfn] = 1;
  db.referenceCount[pfn] = 1;
  db.wsIndex[pfn] = -1;
  db.flags[pfn] = PFN_LARGE_PAGE | PFN_MODIFIED;
  db.originalPteLo[pfn] = makeDemandZeroLo(mmProt);
  db.originalPteHi[pfn] = 0;
  const a = mm.entryAddress(0, vpn);
  db.pteAddressLo[pfn] = Number(a & 0xFFFFFFFFn);
  db.pteAddressHi[pfn] = Number(a >> 32n);
  db.pteFrame[pfn] = -1;
}

/** Writes the PDE (2 MB) or PPE (1 GB) with the PS bit for a large-page run. */
function mapLargeEntry(mm: MemoryManager, p: AddressSpace, vpn: number, run: { basePfn: number; pages: number }, mmProt: number): void {
  const level = run.pages === HUGE_PAGES ? LEVEL_PPE : LEVEL_PDE;
  // Walk to the table holding the entry, creating upper structures as needed.
  let table = p.directoryTableBase;
  for (let l = 3; l > level; l--) {
    const idx = tableIndex(l, vpn);
    const lo = mm.readLo(table, idx);
    if (lo & PTE_VALID) { table = ptePfn(lo, mm.readHi(table, idx), mm.layout.hardwarePfnBits); continue; }
    // Create the next structure by locating an address below it with creation on.
    mm.locate(p, vpn, true);
    return mapLargeEntry(mm, p, vpn, run, mmProt);
  }
  const idx = tableIndex(level, vpn);
  const lo = (makeValidLo(run.basePfn, mmProt, true) | PTE_LARGE_PAGE | PTE_ACCESSED) >>> 0;
  mm.phys.writeWord(table, idx * 2, lo);
  mm.phys.writeWord(table, idx * 2 + 1, makeValidHi(run.basePfn, mmProt));
  mm.usedEntries[table]!++;
  mm.pfn.shareCount[table]!++;
  for (let k = 0; k < run.pages; k++) mm.pfn.pteFrame[run.basePfn + k] = table;
  p.flushTlb();
  void makeTableLo; void makeTableHi;
}

/** Releases a large-page VAD: unmaps the PS entries and frees the runs. */
export function releaseLargePages(mm: MemoryManager, p: AddressSpace, vad: Vad): void {
  let vpn = vad.startVpn;
  for (const run of vad.largeRuns ?? []) {
    const level = run.pages === HUGE_PAGES ? LEVEL_PPE : LEVEL_PDE;
    mm.locate(p, vpn, false);
    // locate stops at the large entry and reports it.
    const table = mm.locTable;
    const idx = tableIndex(level, vpn);
    mm.phys.writeWord(table, idx * 2, 0);
    mm.phys.writeWord(table, idx * 2 + 1, 0);
    mm.usedEntries[table]!--;
    mm.pfn.shareCount[table]!--;
    for (let k = 0; k < run.pages; k++) mm.freePage(run.basePfn + k);
    vpn += run.pages;
  }
  p.flushTlb();
}

/** The VirtualFree algorithm. */
export function virtualFree(mm: MemoryManager, p: AddressSpace, lpAddress: bigint, dwSize: bigint, freeType: number): void {
  if (typeof lpAddress !== 'bigint' || typeof dwSize !== 'bigint' || !Number.isInteger(freeType)) fail(ERROR_INVALID_PARAMETER);
  const op = freeType & (MEM_DECOMMIT | MEM_RELEASE);
  if ((freeType & ~(MEM_DECOMMIT | MEM_RELEASE | MEM_COALESCE_PLACEHOLDERS | MEM_PRESERVE_PLACEHOLDER)) || (freeType & (MEM_COALESCE_PLACEHOLDERS | MEM_PRESERVE_PLACEHOLDER))) fail(ERROR_INVALID_PARAMETER);
  if (op !== MEM_DECOMMIT && op !== MEM_RELEASE) fail(ERROR_INVALID_PARAMETER);
  if (dwSize < 0n || lpAddress < 0n || lpAddress > MM_HIGHEST_VAD_ADDRESS) fail(ERROR_INVALID_PARAMETER);
  const startVpn = Number(lpAddress / PAGE);
  const vad = p.vads.find(startVpn);
  if (!vad) fail(ERROR_INVALID_ADDRESS);
  if (!vad.privateMemory) fail(ERROR_INVALID_PARAMETER);
  const t = mm.trace;
  if (op === MEM_RELEASE) {
    if (dwSize !== 0n) fail(ERROR_INVALID_PARAMETER);
    // NtFreeVirtualMemory works on pages: BaseAddress is rounded down to its page first (ZwFreeVirtualMemory returns
    // the page-aligned base it freed, Microsoft Learn), so base + 0x10 releases the region and only an address on
    // another page than the allocation base fails (ERROR_INVALID_ADDRESS; issue 14's review of real Windows 10 x64).
    if (startVpn !== vad.startVpn) fail(ERROR_INVALID_ADDRESS);
    let released = 0;
    if (vad.vadType === VadType.VadLargePages) { releaseLargePages(mm, p, vad); released = vad.pageCount; }
    else {
      mm.forEachPte(p, vad.startVpn, vad.endVpn, (v, _lo, _hi, table, index) => mm.deletePte(p, v, table, index, 0, 0));
      released = vad.commitCharge;
    }
    p.privateCommit -= vad.commitCharge;
    p.vads.remove(vad);
    if (vad.vadType !== VadType.VadLargePages) mm.freeEmptyPageTables(p, vad.startVpn, vad.endVpn);
    t.step('vm.release')?.n(p.pid).a(vaOf(vad.startVpn)).a(vaOf(vad.pageCount)).n(released).change('vad', p.pid, vad.startVpn * PAGE_SIZE).change('commit');
    return;
  }
  // MEM_DECOMMIT
  if (vad.vadType === VadType.VadLargePages) fail(ERROR_INVALID_PARAMETER);
  let first = startVpn;
  let last: number;
  if (dwSize === 0n) {
    if (startVpn !== vad.startVpn) fail(ERROR_INVALID_ADDRESS);
    first = vad.startVpn;
    last = vad.endVpn;
  } else {
    last = Number((lpAddress + dwSize - 1n) / PAGE);
    if (last > vad.endVpn) fail(ERROR_INVALID_ADDRESS);
  }
  // A region committed at reservation marks decommitted pages in their PTEs, so it needs their page
  // tables: the commit this decommit gives back is returned first and pays for them; they are made
  // before any PTE changes (and the charge restored if they cannot be).
  let returned = 0;
  if (vad.memCommit) {
    returned = mm.countCommitted(p, vad, first, last);
    p.privateCommit -= returned;
    vad.commitCharge -= returned;
    try {
      ensurePageTables(mm, p, first, last, 0);
    } catch (e) {
      p.privateCommit += returned;
      vad.commitCharge += returned;
      throw e;
    }
  }
  let released = 0;
  for (let v = first; v <= last; v++) {
    // Runs of uncommitted pages (absent page tables in a region reserved without commit) are skipped whole.
    const [committed, , runEnd] = mm.pageRun(p, v, vad, last);
    if (!committed) { v = runEnd; continue; }
    released++;
    let [, , table, index] = mm.peekPte(p, v);
    if (vad.memCommit) {
      // Committed-at-reserve regions mark a decommitted page explicitly (MM_DECOMMIT).
      if (table < 0) { mm.locate(p, v, true); table = mm.locTable; index = mm.locIndex; }
      mm.deletePte(p, v, table, index, makeDemandZeroLo(MM_DECOMMIT), 0);
    } else if (table >= 0) {
      mm.deletePte(p, v, table, index, 0, 0);
    }
  }
  p.privateCommit -= released - returned;
  vad.commitCharge -= released - returned;
  t.step('vm.decommit')?.n(p.pid).a(vaOf(first)).a(vaOf(last - first + 1)).n(released).change('vad', p.pid, vad.startVpn * PAGE_SIZE).change('commit');
}

/** The VirtualProtect algorithm; returns the old protection of the first page. */
export function virtualProtect(mm: MemoryManager, p: AddressSpace, lpAddress: bigint, dwSize: bigint, newProtect: number): number {
  if (typeof lpAddress !== 'bigint' || typeof dwSize !== 'bigint' || !Number.isInteger(newProtect)) fail(ERROR_INVALID_PARAMETER);
  let mmProt = win32ToMmProtection(newProtect);
  if (mmProt < 0) fail(ERROR_INVALID_PARAMETER);
  if (dwSize <= 0n || lpAddress < 0n || lpAddress > MM_HIGHEST_VAD_ADDRESS) fail(ERROR_INVALID_PARAMETER);
  const startVpn = Number(lpAddress / PAGE);
  const endVpn = Number((lpAddress + dwSize - 1n) / PAGE);
  const vad = p.vads.find(startVpn);
  if (!vad || endVpn > vad.endVpn) fail(ERROR_INVALID_ADDRESS);
  mmProt = protectionForRegion(vad, mmProt);
  if (vad.privateMemory && mmIsCopyOnWrite(mmProt)) fail(ERROR_INVALID_PARAMETER);
  if (vad.view && !viewAllows(vad, mmProt)) fail(ERROR_INVALID_PARAMETER);
  let oldProt = -1;
  for (let v = startVpn; v <= endVpn;) {
    const [committed, prot, runEnd] = mm.pageRun(p, v, vad, endVpn);
    if (!committed) fail(ERROR_INVALID_ADDRESS);
    if (oldProt < 0) oldProt = prot;
    v = runEnd + 1;
  }
  if (vad.vadType === VadType.VadLargePages) {
    if (startVpn !== vad.startVpn || endVpn !== vad.endVpn || (mmProt & 0x18)) fail(ERROR_INVALID_PARAMETER);
    vad.protection = mmProt;
    p.flushTlb();
  } else {
    if (vad.view || !(vad.memCommit && vad.protection === mmProt)) ensurePageTables(mm, p, startVpn, endVpn, 0);
    forEachRunPage(mm, p, vad, startVpn, endVpn, mmProt, (v) => setPageProtection(mm, p, v, vad, mmProt, false));
  }
  const old = mmToWin32Protection(oldProt);
  const t = mm.trace;
  t.step('vm.protect')?.n(p.pid).a(vaOf(startVpn)).a(vaOf(endVpn - startVpn + 1)).n(newProtect).n(old).change('vad', p.pid, vad.startVpn * PAGE_SIZE);
  return old;
}

/**
 * What a new protection becomes in a given region.
 * - The cache attribute is the region's, fixed when it was allocated or mapped: PAGE_NOCACHE and
 *   PAGE_WRITECOMBINE "can be used only when allocating private memory with VirtualAlloc" (Microsoft Learn,
 *   "Memory Protection Constants"), and a view's comes from SEC_NOCACHE / SEC_WRITECOMBINE on its section
 *   (Learn, CreateFileMapping). So VirtualProtect neither adds nor removes them; a guard or no-access
 *   protection carries none (the two cannot be combined: same page).
 * - In an image view a writable protection becomes its copy-on-write form: image pages are never written back
 *   to the image file (Windows Internals 7e ch. 5, "Copy-on-write"; Learn, MapViewOfFile, FILE_MAP_COPY), and
 *   VirtualProtect(PAGE_EXECUTE_READWRITE) on a DLL's code succeeds, which code patchers rely on
 *   (microsoft/Detours, detours.cpp, DetourAttachEx).
 */
function protectionForRegion(vad: Vad, mmProt: number): number {
  const MODIFIERS = 0x18; // MM_NOCACHE 0x08, MM_GUARD_PAGE 0x10, MM_WRITECOMBINE 0x18 (with an access; 0x18 alone is MM_NOACCESS)
  let out = mmProt;
  if ((out & 7) !== 0 && (out & MODIFIERS) !== 0x10) {
    const fixed = win32ToMmProtection(vad.view ? vad.view.protect : vad.allocationProtect);
    const fixedCache = fixed > 0 && (fixed & 7) !== 0 && (fixed & MODIFIERS) !== 0x10 ? fixed & MODIFIERS : 0;
    out = (out & 7) | fixedCache;
  }
  if (vad.view?.controlArea.image) {
    const access = out & 7;
    if (access === 4) out = (out & ~7) | 5; // MM_READWRITE -> MM_WRITECOPY
    else if (access === 6) out = (out & ~7) | 7; // MM_EXECUTE_READWRITE -> MM_EXECUTE_WRITECOPY
  }
  return out;
}

/** Whether a view may take protection `mmProt` (a read-only view cannot become writable, and so on). */
function viewAllows(vad: Vad, mmProt: number): boolean {
  const access = mmProt & 7;
  if (access === 0) return true; // PAGE_NOACCESS
  const view = vad.view!;
  const write = access === 4 || access === 6;
  const copy = access === 5 || access === 7;
  const execute = access === 2 || access === 3 || access === 6 || access === 7;
  const viewAccess = vad.protection & 7;
  const viewExecute = viewAccess === 2 || viewAccess === 3 || viewAccess === 6 || viewAccess === 7;
  if (view.controlArea.image) return !write; // image pages are copy-on-write, never shared-writable
  if (execute && !viewExecute) return false;
  if (write) return viewAccess === 4 || viewAccess === 6;
  if (copy) return view.copyOnWrite;
  return true;
}

/** The VirtualQuery algorithm: the run of pages from `lpAddress` sharing state, protection and allocation. */
export function virtualQuery(mm: MemoryManager, p: AddressSpace, lpAddress: bigint): MEMORY_BASIC_INFORMATION {
  if (typeof lpAddress !== 'bigint' || lpAddress < 0n || lpAddress > MM_HIGHEST_VAD_ADDRESS + GRANULARITY) fail(ERROR_INVALID_PARAMETER);
  const vpn = Number(lpAddress / PAGE);
  const vad = p.vads.find(vpn);
  if (!vad) {
    const next = p.vads.ceiling(vpn);
    const endVpn = next ? next.startVpn : Number((MM_HIGHEST_VAD_ADDRESS + 1n) / PAGE);
    return { BaseAddress: vaOf(vpn), AllocationBase: 0n, AllocationProtect: 0, RegionSize: vaOf(endVpn - vpn), State: MEM_FREE, Protect: PAGE_NOACCESS, Type: 0 };
  }
  // Whole runs at a time: pages under absent paging structures share the VAD's state.
  const [committed, prot, firstEnd] = mm.pageRun(p, vpn, vad, vad.endVpn);
  let end = firstEnd + 1;
  while (end <= vad.endVpn) {
    const [c, pr, runEnd] = mm.pageRun(p, end, vad, vad.endVpn);
    if (c !== committed || (committed && pr !== prot)) break;
    end = runEnd + 1;
  }
  return {
    BaseAddress: vaOf(vpn),
    AllocationBase: vaOf(vad.startVpn),
    AllocationProtect: vad.allocationProtect,
    RegionSize: vaOf(end - vpn),
    State: committed ? MEM_COMMIT : MEM_RESERVE,
    Protect: committed ? mmToWin32Protection(prot) : 0,
    Type: vad.vadType === VadType.VadImageMap ? MEM_IMAGE : vad.view ? MEM_MAPPED : MEM_PRIVATE,
  };
}

/** GetWriteWatch: addresses of pages written since the region was allocated or last reset. */
export function getWriteWatch(mm: MemoryManager, p: AddressSpace, flags: number, base: bigint, size: bigint, addresses: bigint[], count: { value: number }): number {
  if ((flags & ~WRITE_WATCH_FLAG_RESET) || typeof base !== 'bigint' || typeof size !== 'bigint' || size <= 0n) fail(ERROR_INVALID_PARAMETER);
  if (!count || !Number.isInteger(count.value) || count.value < 0 || !Array.isArray(addresses)) fail(ERROR_INVALID_PARAMETER);
  const startVpn = Number(base / PAGE);
  const endVpn = Number((base + size - 1n) / PAGE);
  const vad = p.vads.find(startVpn);
  if (!vad || !vad.writeWatch || endVpn > vad.endVpn) fail(ERROR_INVALID_PARAMETER);
  addresses.length = 0;
  for (const offset of vad.writeWatch.collect(startVpn - vad.startVpn, endVpn - vad.startVpn, count.value)) addresses.push(vaOf(vad.startVpn + offset));
  count.value = addresses.length;
  if (flags & WRITE_WATCH_FLAG_RESET) resetWriteWatchRange(mm, p, vad, startVpn, endVpn);
  return 0;
}

/** ResetWriteWatch. */
export function resetWriteWatch(mm: MemoryManager, p: AddressSpace, base: bigint, size: bigint): number {
  if (typeof base !== 'bigint' || typeof size !== 'bigint' || size <= 0n) fail(ERROR_INVALID_PARAMETER);
  const startVpn = Number(base / PAGE);
  const endVpn = Number((base + size - 1n) / PAGE);
  const vad = p.vads.find(startVpn);
  if (!vad || !vad.writeWatch || endVpn > vad.endVpn) fail(ERROR_INVALID_PARAMETER);
  resetWriteWatchRange(mm, p, vad, startVpn, endVpn);
  return 0;
}

function resetWriteWatchRange(mm: MemoryManager, p: AddressSpace, vad: Vad, startVpn: number, endVpn: number): void {
  vad.writeWatch!.clear(startVpn - vad.startVpn, endVpn - vad.startVpn);
  mm.forEachPte(p, startVpn, endVpn, (v, lo, hi, table, index) => {
    if (lo & PTE_VALID && lo & PTE_DIRTY) {
      // The PFN keeps "modified"; clearing the PTE's dirty bit makes the next write noticed again.
      mm.writePte(p, v, table, index, (lo & ~(PTE_DIRTY | PTE_DIRTY1)) >>> 0, hi);
    }
  });
}
