// Locking pages in the working set: VirtualLock and VirtualUnlock (NtLockVirtualMemory and
// NtUnlockVirtualMemory with MAP_PROCESS). Microsoft Learn, VirtualLock / VirtualUnlock; Windows Internals
// 7th ed., Part 1, ch. 5, "Locking memory": a locked page stays in the process working set (its WSLE
// has LockedInWs set), so it is never trimmed or replaced and an access to it never faults; how many
// pages a process can lock is bounded by its working-set minimum; releasing or decommitting the pages
// (or the process ending) unlocks them. Failures throw LastError with the code GetLastError returns.
import {
  ERROR_COMMITMENT_LIMIT, ERROR_INVALID_PARAMETER, ERROR_NOACCESS, ERROR_NOT_ENOUGH_MEMORY, ERROR_NOT_LOCKED,
  ERROR_WORKING_SET_QUOTA, MM_HIGHEST_USER_ADDRESS, STATUS_COMMITMENT_LIMIT, STATUS_NO_MEMORY,
} from '../constants';
import { LastError, NtException } from '../errors';
import type { AddressSpace } from './addressSpace';
import { PAGE_SIZE } from './geometry';
import type { MemoryManager } from './memoryManager';
import { PFN_PROTOTYPE_PTE } from './pfn';
import { mmAllowsRead, mmIsGuard } from './protection';
import { PTE_VALID, ptePfn } from './pte';
import { VadType } from './vad';

const PAGE = BigInt(PAGE_SIZE);

/**
 * The "small overhead" the working-set minimum keeps back from locking: Learn says a process can lock
 * "the number of pages in its minimum working set minus a small overhead" without giving the number;
 * the simulation keeps 8 pages back (a chosen value, named in the README's limits).
 */
export const LOCK_OVERHEAD_PAGES = 8;

function fail(code: number): never { throw new LastError(code); }

/** The pages holding a byte of [lpAddress, lpAddress + dwSize) (Learn: a 2-byte range across a boundary is two pages). */
function pageRange(lpAddress: bigint, dwSize: bigint): [number, number] {
  if (typeof lpAddress !== 'bigint' || typeof dwSize !== 'bigint') fail(ERROR_INVALID_PARAMETER);
  // A zero size names no page: the simulation refuses it as a bad parameter (Learn documents no case).
  if (dwSize <= 0n || lpAddress < 0n || lpAddress + dwSize - 1n > MM_HIGHEST_USER_ADDRESS) fail(ERROR_INVALID_PARAMETER);
  return [Number(lpAddress / PAGE), Number((lpAddress + dwSize - 1n) / PAGE)];
}

/** The working-set entry of a resident page of `p`, or -1 (not valid, or a large page that has none). */
export function wsleOf(mm: MemoryManager, p: AddressSpace, vpn: number): number {
  if (!mm.locate(p, vpn, false)) return -1;
  const lo = mm.readLo(mm.loc.table, mm.loc.index);
  if (!(lo & PTE_VALID)) return -1;
  const pfn = ptePfn(lo, mm.readHi(mm.loc.table, mm.loc.index), mm.layout.hardwarePfnBits);
  if (mm.pfn.flags[pfn]! & PFN_PROTOTYPE_PTE) return p.ws.shared.get(vpn) ?? -1;
  return mm.pfn.wsIndex[pfn]!;
}

/** Whether the page at `vpn` is resident and locked in `p`'s working set. */
export function isLocked(mm: MemoryManager, p: AddressSpace, vpn: number): boolean {
  const wsi = wsleOf(mm, p, vpn);
  return wsi >= 0 && p.ws.locked[wsi] === 1;
}

/** Locked entries of `p` whose page lies in [first, last]: one pass over the working set list. */
function lockedIn(p: AddressSpace, first: number, last: number): number {
  const ws = p.ws;
  let n = 0;
  for (let i = 0; i < ws.lastEntry; i++) {
    const v = ws.vpn[i]!;
    if (ws.locked[i] && v >= first && v <= last) n++;
  }
  return n;
}

/**
 * VirtualLock. Every page must be committed and accessible (Learn: "All pages in the specified region must
 * be committed. Memory protected with PAGE_NOACCESS cannot be locked"); Learn names no error code for
 * that, and the simulation returns ERROR_NOACCESS, the Win32 form of the access violation touching such a
 * page raises. Pages beyond the working-set minimum (less the overhead) fail with ERROR_WORKING_SET_QUOTA
 * before anything changes. The pages are then faulted in (read) and their entries locked. Returns the
 * pages newly locked.
 */
export function virtualLock(mm: MemoryManager, p: AddressSpace, lpAddress: bigint, dwSize: bigint): number {
  const [first, last] = pageRange(lpAddress, dwSize);
  // Every page committed and readable; large pages are never in a working set (always resident).
  let largePages = 0;
  for (let v = first; v <= last;) {
    const vad = p.vads.find(v);
    if (!vad) fail(ERROR_NOACCESS);
    const end = Math.min(last, vad.endVpn);
    for (let u = v; u <= end;) {
      const [committed, prot, runEnd] = mm.pageRun(p, u, vad, end);
      if (!committed || !mmAllowsRead(prot) || mmIsGuard(prot)) fail(ERROR_NOACCESS);
      u = runEnd + 1;
    }
    if (vad.vadType === VadType.VadLargePages) largePages += end - v + 1;
    v = end + 1;
  }
  const ws = p.ws;
  const wanted = last - first + 1 - largePages - lockedIn(p, first, last);
  if (ws.lockedCount + wanted > Math.max(0, ws.minimum - LOCK_OVERHEAD_PAGES)) fail(ERROR_WORKING_SET_QUOTA);
  let locked = 0;
  let faulted = 0;
  try {
    for (let v = first; v <= last; v++) {
      const vad = p.vads.find(v)!;
      if (vad.vadType === VadType.VadLargePages) { v = Math.min(last, vad.endVpn); continue; }
      let wsi = wsleOf(mm, p, v);
      if (wsi < 0) {
        // Fault the page in as a read would (MmAccessFault); it may trim or replace other, unlocked entries.
        mm.accessFault(p, v, false, vad);
        faulted++;
        wsi = wsleOf(mm, p, v);
        if (wsi < 0) throw new Error(`VirtualLock: page ${v.toString(16)} not resident after its fault`);
      }
      if (!ws.locked[wsi]) { ws.locked[wsi] = 1; ws.lockedCount++; locked++; }
    }
  } catch (e) {
    // No page for the fault, or no commit for a page table: the Win32 form of the status.
    if (e instanceof NtException && e.status === STATUS_NO_MEMORY) fail(ERROR_NOT_ENOUGH_MEMORY);
    if (e instanceof NtException && e.status === STATUS_COMMITMENT_LIMIT) fail(ERROR_COMMITMENT_LIMIT);
    throw e;
  }
  const t = mm.trace;
  t.step('vm.lock')?.n(p.pid).a(BigInt(first) * PAGE).a(BigInt(last - first + 1) * PAGE).n(locked).n(faulted).n(ws.lockedCount).change('process', p.pid).change('wsle', p.pid, first * PAGE_SIZE);
  return locked;
}

/**
 * VirtualUnlock. Locked pages in the range are unlocked; Learn: "If any of the pages in the specified range
 * are not locked, VirtualUnlock removes such pages from the working set, sets last error to
 * ERROR_NOT_LOCKED, and returns FALSE". The unlocked pages stay in the working set (now trimmable).
 * Returns the pages unlocked.
 */
export function virtualUnlock(mm: MemoryManager, p: AddressSpace, lpAddress: bigint, dwSize: bigint): number {
  const [first, last] = pageRange(lpAddress, dwSize);
  const ws = p.ws;
  let unlocked = 0;
  let removed = 0;
  for (let i = 0; i < ws.lastEntry; i++) {
    const v = ws.vpn[i]!;
    if (v < first || v > last) continue;
    if (ws.locked[i]) { ws.locked[i] = 0; ws.lockedCount--; unlocked++; continue; }
    mm.trimEntry(p, i);
    removed++;
  }
  const t = mm.trace;
  t.step('vm.unlock')?.n(p.pid).a(BigInt(first) * PAGE).a(BigInt(last - first + 1) * PAGE).n(unlocked).n(removed).n(ws.lockedCount).change('process', p.pid).change('wsle', p.pid, first * PAGE_SIZE);
  if (unlocked < last - first + 1) fail(ERROR_NOT_LOCKED);
  return unlocked;
}
