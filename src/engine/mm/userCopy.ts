// Copying between a buffer and a range of a process's user memory page by page: the one page walk the heap
// manager's stores and loads (heap/memory.ts), the kernel's writes into a new process (ps/userMemory.ts) and
// the views' fault-free reads (heap/inspect.ts) share. How each page's frame is found is the caller's:
// through the TLB or a page-table walk that may fault (an instruction's access, Windows Internals 7e ch. 5,
// "Address translation"), or only a resident page (a debugger-style peek).
import { PAGE_SIZE } from '../constants';
import type { AddressSpace } from './addressSpace';
import type { MemoryManager } from './memoryManager';

/** The frame holding `vpn` for this access, or -1 when the caller will not fault it in. */
export type FrameOf = (mm: MemoryManager, p: AddressSpace, vpn: number, write: boolean) => number;

/**
 * Copies `length` bytes between `buf[at..]` and user address `va` (a number below 2^47): stores when `write`,
 * loads otherwise. False, with the pages before it already copied, when `frameOf` gives -1 for a page.
 * `frameOf` should be a module-level function: nothing is allocated per call.
 */
export function copyUserPages(mm: MemoryManager, p: AddressSpace, va: number, buf: Uint8Array, at: number, length: number, write: boolean, frameOf: FrameOf): boolean {
  let done = 0;
  while (done < length) {
    const cur = va + done;
    const vpn = Math.floor(cur / PAGE_SIZE);
    const off = cur - vpn * PAGE_SIZE;
    const len = Math.min(length - done, PAGE_SIZE - off);
    const pfn = frameOf(mm, p, vpn, write);
    if (pfn < 0) return false;
    if (write) mm.phys.write(pfn, off, buf, at + done, len);
    else mm.phys.read(pfn, off, buf, at + done, len);
    done += len;
  }
  return true;
}

/** The frame through a page-table walk, faulting the page in as the access requires (MmAccessFault). */
export const translatedFrame: FrameOf = (mm, p, vpn, write) => mm.translate(p, vpn, write);
