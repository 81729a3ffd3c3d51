// The address space as the memory manager's own type: what EPROCESS embeds for Mm — Pcb.DirectoryTableBase
// (the PML4), VadRoot (the VAD tree) and Vm (the MMSUPPORT: working set, commit) — plus the software TLB
// and paging-structure cache of this simulation. Memory-manager routines take an AddressSpace, never the
// whole process, so they cannot reach executive state (threads, handles, token, job); what they need from
// the executive comes through the narrow hooks below (Windows Internals 7th ed., Part 1, ch. 3, "EPROCESS"
// and ch. 5, "Address space layout" / "Working sets"; public symbols: _EPROCESS.Pcb.DirectoryTableBase,
// _EPROCESS.VadRoot, _EPROCESS.Vm).
import { VadTree } from './vad';
import { WorkingSet } from './workingSet';

export const TLB_SIZE = 256;
export const TLB_READ = 1;
export const TLB_WRITE = 2;
/** The TLB every address space starts with: all entries invalid. Never written. */
const EMPTY_TLB_VPN = new Float64Array(TLB_SIZE).fill(-1);
const EMPTY_TLB_PFN = new Int32Array(TLB_SIZE);
const EMPTY_TLB_FLAGS = new Uint8Array(TLB_SIZE);
/** Entries of the paging-structure cache (page tables by 2 MB region), direct-mapped. */
export const PDE_CACHE_SIZE = 64;
const EMPTY_PDE_REGION = new Float64Array(PDE_CACHE_SIZE).fill(-1);
const EMPTY_PDE_TABLE = new Int32Array(PDE_CACHE_SIZE);

export class AddressSpace {
  /** VadRoot */
  vads = new VadTree();
  /** Vm (MMSUPPORT): the working set list. */
  ws = new WorkingSet(0);
  /**
   * The commit counter of the machine this address space belongs to: every change to privateCommit or
   * pageTablePages moves it, so the system commit charge is O(1) to read.
   */
  commitAccount: { total: number } = { total: 0 };
  private privateCommitPages = 0;
  private pageTablePageCount = 0;
  /** Pages of private memory charged to commit (CommitCharge). */
  get privateCommit(): number { return this.privateCommitPages; }
  set privateCommit(v: number) { this.commitAccount.total += v - this.privateCommitPages; this.privateCommitPages = v; }
  /** Paging-structure pages (PML4, PDPT, PD, PT) this address space holds, charged to commit. */
  get pageTablePages(): number { return this.pageTablePageCount; }
  set pageTablePages(v: number) { this.commitAccount.total += v - this.pageTablePageCount; this.pageTablePageCount = v; }
  /**
   * The software TLB of this address space: a direct-mapped cache of valid translations. It starts as
   * the shared empty TLB and gets its own arrays on the first fill (ownTlb), so a clone — a snapshot
   * or a past state — starts with a flushed TLB for free, as a context switch would leave it.
   */
  tlbVpn: Float64Array = EMPTY_TLB_VPN;
  tlbPfn: Int32Array = EMPTY_TLB_PFN;
  tlbFlags: Uint8Array = EMPTY_TLB_FLAGS;
  /**
   * The paging-structure cache beside the TLB (as x64 caches upper-level entries): 2 MB region (VPN / 512)
   * -> the PFN of the page table that maps it, so a walk for a page whose PTE is not valid skips the
   * three upper levels. Flushed with the TLB, which every change to an upper-level entry is followed by.
   */
  pdeRegion: Float64Array = EMPTY_PDE_REGION;
  pdeTable: Int32Array = EMPTY_PDE_TABLE;
  /**
   * Deleted: the process exited and MmDeleteProcessAddressSpace ran, so the balance set manager no
   * longer visits it (it left the working-set expansion list).
   */
  exited = false;
  /** Next bottom-up allocation hint, in VPNs (high-entropy bottom-up randomization). */
  bottomUpStartVpn = 0x10;
  /**
   * The process's memory priority (SetProcessInformation ProcessMemoryPriority; Microsoft Learn,
   * MEMORY_PRIORITY_INFORMATION): 1..5, MEMORY_PRIORITY_NORMAL (5) by default.
   */
  memoryPriority = 5;

  /**
   * The TEB of the thread that makes this process's accesses (0: none). The engine's access path does not
   * carry a thread, so the process's calling thread stands in, as in the Win32 layer (its first live thread,
   * whose last error a failing call sets); the process object overrides this.
   */
  faultingThreadTeb(): number { return 0; }

  constructor(
    /** Index in the system's process table: the PFN owner id of the pages this address space maps. */
    readonly index: number,
    /** UniqueProcessId of the owning process, used only to name the address space in recorded steps. */
    readonly pid: number,
    /** Pcb.DirectoryTableBase as a PFN: the PML4 page (-1 once deleted). */
    public directoryTableBase: number,
  ) {}

  /**
   * Whether the owner holds SeLockMemoryPrivilege (MEM_LARGE_PAGES, SEC_LARGE_PAGES need it). The
   * executive answers (ProcessObject overrides this from its token); a bare address space holds none.
   */
  holdsLockMemoryPrivilege(): boolean { return false; }

  /**
   * The page priority a page faulted in by this process gets: the faulting thread's memory priority
   * (Windows Internals 7th ed., Part 1, ch. 5, "Page priority"). The executive answers (ProcessObject
   * overrides this with the running thread's); a bare address space has only the process's.
   */
  faultPagePriority(): number { return this.memoryPriority; }

  flushTlb(): void {
    if (this.tlbVpn !== EMPTY_TLB_VPN) this.tlbVpn.fill(-1);
    if (this.pdeRegion !== EMPTY_PDE_REGION) this.pdeRegion.fill(-1);
  }

  /** Gives this address space its own TLB before the first fill. */
  ownTlb(): void {
    if (this.tlbVpn !== EMPTY_TLB_VPN) return;
    this.tlbVpn = new Float64Array(TLB_SIZE).fill(-1);
    this.tlbPfn = new Int32Array(TLB_SIZE);
    this.tlbFlags = new Uint8Array(TLB_SIZE);
  }

  /** Gives this address space its own paging-structure cache before the first fill. */
  ownPdeCache(): void {
    if (this.pdeRegion !== EMPTY_PDE_REGION) return;
    this.pdeRegion = new Float64Array(PDE_CACHE_SIZE).fill(-1);
    this.pdeTable = new Int32Array(PDE_CACHE_SIZE);
  }

  flushTlbEntry(vpn: number): void {
    const slot = vpn & (TLB_SIZE - 1);
    if (this.tlbVpn[slot] === vpn) this.tlbVpn[slot] = -1;
  }

  /**
   * Copies this address space's state into `to` (a clone being built). The TLB and paging-structure
   * cache start empty; the clone's machine links it to its own commit counter (MemoryManager.adoptProcess).
   */
  protected copyAddressSpaceTo(to: AddressSpace): void {
    to.vads = this.vads.clone();
    to.ws = this.ws.clone();
    to.privateCommitPages = this.privateCommitPages;
    to.pageTablePageCount = this.pageTablePageCount;
    to.exited = this.exited;
    to.bottomUpStartVpn = this.bottomUpStartVpn;
    to.memoryPriority = this.memoryPriority;
  }
}
