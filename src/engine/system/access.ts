// User-mode loads and stores, as instructions touching memory do them: a TLB hit reads or writes the
// physical page directly; a miss walks the page tables (MmAccessFault resolves what is not valid).
// Windows Internals 7th ed., Part 1, chapter 5, "Address translation" and "Page fault handling".
import type { MemoryManager } from '../mm/memoryManager';
import { PAGE_SIZE } from '../mm/memoryManager';
import { copyUserPages, type FrameOf } from '../mm/userCopy';
import { TLB_READ, TLB_SIZE, TLB_WRITE, type ProcessObject } from '../process';

/**
 * A load served by the TLB alone: true when every page of [va, va + out.length) hits, then `out` holds
 * the bytes. Checks every page first so a partly valid range is not half-read. Changes nothing.
 */
export function tryFastRead(mm: MemoryManager, p: ProcessObject, va: number, out: Uint8Array): boolean {
  const n = out.length;
  for (let cur = va; cur < va + n; cur = (Math.floor(cur / PAGE_SIZE) + 1) * PAGE_SIZE) {
    const vpn = Math.floor(cur / PAGE_SIZE);
    const slot = vpn & (TLB_SIZE - 1);
    if (p.tlbVpn[slot] !== vpn || !(p.tlbFlags[slot]! & TLB_READ)) return false;
  }
  return copyUserPages(mm, p, va, out, 0, n, false, tlbFrame);
}

/** The frame the TLB holds for `vpn` (tryFastRead has checked every page hits). */
const tlbFrame: FrameOf = (_mm, p, vpn) => p.tlbPfn[vpn & (TLB_SIZE - 1)]!;

/**
 * Touches [va, va+size) as loads (data null; the bytes go to `out` when given) or stores, faulting pages
 * in as needed. Only ever called inside an operation: a miss can set Accessed bits and fault.
 */
export function access(mm: MemoryManager, p: ProcessObject, va: number, size: number, data: Uint8Array | null, out?: Uint8Array): void {
  const write = data !== null;
  const need = write ? TLB_WRITE : TLB_READ;
  let done = 0;
  do {
    const cur = va + done;
    const vpn = Math.floor(cur / PAGE_SIZE);
    const off = cur - vpn * PAGE_SIZE;
    const len = Math.min(size - done, PAGE_SIZE - off);
    const slot = vpn & (TLB_SIZE - 1);
    let pfn: number;
    if (p.tlbVpn[slot] === vpn && (p.tlbFlags[slot]! & need)) pfn = p.tlbPfn[slot]!;
    else pfn = mm.translate(p, vpn, write);
    if (data) mm.phys.write(pfn, off, data, done, len);
    else if (out) mm.phys.read(pfn, off, out, done, len);
    done += len;
  } while (done < size);
}
