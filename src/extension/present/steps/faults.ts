// Step texts: Page faults and their paging I/O (Windows Internals 7e, ch. 5, "Page fault handling").
import type { Localizer } from '../localizer';
import type { StepTexts } from './text';

export const FAULT_TEXTS: StepTexts = {
  'fault.demandZero': {
    needs: ['pid', 'va', 'pfn', 'from'],
    text: (a, l10n, raw) => raw.args.zeroedNow === true
      ? l10n.t('Process {pid} touched {va}, a committed page never used before (a demand-zero PTE). MiResolveDemandZeroFault took page {pfn} from the {from}, zeroed it first, made the PTE valid and added the page to the working set.', a)
      : l10n.t('Process {pid} touched {va}, a committed page never used before (a demand-zero PTE). MiResolveDemandZeroFault took the already-zeroed page {pfn} from the {from}, made the PTE valid and added the page to the working set.', a),
  },
  'fault.pageTable': {
    needs: ['pid', 'va', 'level', 'pfn'],
    // Windows Internals 7e ch. 5, "Page tables" / "Page fault handling": page tables are built on demand from zeroed
    // pages; the book names no routine for it, so the step's MiResolveDemandZeroFault is the lab's attribution.
    text: (a, l10n) => l10n.t('Before the page itself, the paging structure at level {level} for {va} did not exist yet: a demand-zero page {pfn} became that page table (process {pid}). Page tables are pageable memory and are charged to the process. The lab\'s attribution: the step is shown under MiResolveDemandZeroFault because the page table is a zeroed page; the book does not name the routine that builds it.', a),
  },
  'fault.transition': {
    needs: ['pid', 'va', 'pfn', 'from'],
    text: (a, l10n) => l10n.t('A soft fault: the PTE of {va} was a transition PTE, so page {pfn} was still in memory on the {from}. MiResolveTransitionFault unlinked it and made the PTE valid again; no disk I/O was needed (process {pid}).', a),
  },
  'fault.pageFile': {
    needs: ['pid', 'va', 'pfn', 'from', 'slot', 'cluster'],
    text: (a, l10n) => l10n.t('A hard fault: the PTE of {va} pointed into the paging file (slot {slot}). MiResolvePageFileFault took page {pfn} from the {from} and read the contents back; {cluster} page(s) came in with the same clustered read, the neighbours onto the standby list (process {pid}).', a),
  },
  // Windows Internals 7e ch. 5, "Memory compression": the store manager keeps compressed pages in the Memory Compression
  // process and is reached through a virtual paging file (MMPAGING_FILE.VirtualStorePagefile, public symbols).
  'fault.store': {
    needs: ['pid', 'va', 'pfn', 'from', 'key', 'compressedBytes', 'storePid'],
    text: (a, l10n) => l10n.t('A fault on a compressed page: the PTE of {va} is a paging-file PTE whose PageFileLow names the virtual store (paging file number 2 in the lab), page key {key}. MiResolvePageFileFault handed the read to the store manager (SmPageRead): ST_STORE::StDmPageRetrieve copied {compressedBytes} compressed bytes out of the Memory Compression process (process {storePid}) and decompressed them into page {pfn}, taken from the {from}. No disk read. The lab\'s model then lets the key go, so the page counts as modified again; when Windows keeps or drops a store copy is not modelled (process {pid}).', a),
  },
  // Microsoft Learn, "Creating Guard Pages" (a one-shot alarm: STATUS_GUARD_PAGE_VIOLATION, then the guard is
  // gone) and "Thread Stack Size" (stack pages are committed from the reserve as needed, a guard page below;
  // overflow when a new guard page would land on the reservation's lowest page, never committed); Windows Internals 7e, ch. 5, "Stacks" (MiCheckForUserStackOverflow).
  'fault.guardPage': {
    needs: ['pid', 'va'],
    text: (a, l10n) => l10n.t('The page at {va} is a guard page outside the faulting thread\'s own stack (the simulation takes the process\'s calling thread as the faulting one). MmAccessFault cleared the guard bit and raised STATUS_GUARD_PAGE_VIOLATION (0x80000001) once, a one-shot alarm for the program; the next access to the page succeeds normally. Process {pid}.', a),
  },
  'fault.stackGrowth': {
    needs: ['pid', 'va', 'guard', 'stackLimit'],
    text: (a, l10n) => l10n.t('The page at {va} is the guard page of a thread stack. MmAccessFault hands it to MiCheckForUserStackOverflow: the guard page becomes an ordinary committed page, the page below it at {guard} becomes the new guard page and the TEB\'s StackLimit moves down to {stackLimit}. The access is retried and the program sees nothing: this is how a user stack grows (process {pid}).', a),
  },
  'fault.stackOverflow': {
    needs: ['pid', 'va', 'stackLimit'],
    text: (a, l10n) => l10n.t('The guard page at {va} is the last page the stack may commit: a new guard page would land on the reservation\'s lowest page (the TEB\'s DeallocationStack), which is never committed. MiCheckForUserStackOverflow left the touched page an ordinary committed page (StackLimit {stackLimit}) so the exception handler has room to run, and set no new guard page. The program gets STATUS_STACK_OVERFLOW (0xC00000FD); touching the lowest page afterwards is an access violation (process {pid}).', a),
  },
  'fault.accessViolation': {
    needs: ['pid', 'va', 'reason'],
    text: (a, l10n) => l10n.t('MmAccessFault could not resolve the access to {va}: {reason}. It raised STATUS_ACCESS_VIOLATION in process {pid}.', a),
  },
  'fault.dirtyBit': {
    needs: ['pid', 'va', 'pfn', 'releasedSlot'],
    text: (a, l10n) => l10n.t('The first write to the clean page {pfn} at {va} set the dirty bit (MiSetDirtyBit); its copy in paging-file slot {releasedSlot} is now stale and was released (process {pid}).', a),
  },
  'fault.prototype': {
    needs: ['pid', 'va', 'pfn', 'protoPte', 'shareCount'],
    text: (a, l10n) => l10n.t('The PTE of {va} was a prototype PTE: it points at the section\'s prototype PTE at {protoPte}. MiResolveProtoPteFault found the shared page {pfn} through it, made the process PTE valid and counted one more sharer ({shareCount} now) (process {pid}).', a),
  },
  'fault.copyOnWrite': {
    needs: ['pid', 'va', 'sharedPfn', 'pfn'],
    text: (a, l10n) => l10n.t('A write to the copy-on-write page at {va}: MiCopyOnWrite copied the shared page {sharedPfn} into the new private page {pfn} and made the PTE writable; the other views keep the original (process {pid}).', a),
  },
  'io.pageRead': {
    needs: ['file', 'offset', 'bytes', 'pfn'],
    text: (a, l10n) => l10n.t('IoPageRead read {bytes} bytes at offset {offset} of {file} into page {pfn}: the paging I/O of a hard fault on a mapped file.', a),
  },
};

/** Why MmAccessFault raised an access violation (the engine's `reason` of 'fault.accessViolation'). */
export function accessViolationReason(reason: string, l10n: Localizer): string {
  switch (reason) {
    case 'reserved': return l10n.t('the address is reserved but not committed', {});
    case 'decommitted': return l10n.t('the page was decommitted', {});
    case 'noAccess': return l10n.t('the page is PAGE_NOACCESS', {});
    case 'readOnly': return l10n.t('the page is read-only and the access was a write', {});
    case 'noVad': return l10n.t('no VAD describes the address (it was never allocated)', {});
    default: return reason;
  }
}
