// The executive process and thread objects as far as the memory manager needs them today: the address
// space (DirectoryTableBase, VadRoot), the working set (Vm), commit charge, privileges and threads.
import { VadTree } from './mm/vad';
import { WorkingSet } from './mm/workingSet';

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

export interface ThreadObject {
  tid: number;
  /** TEB.LastErrorValue */
  lastError: number;
  teb: bigint;
  stackBase: bigint;
  stackLimit: bigint;
  state: ThreadState;
  suspendCount: number;
  /** Executive thread fields (src/engine/ps); absent on threads made before the process manager knew them. */
  ethread?: bigint;
  /** KTHREAD.Priority and BasePriority. */
  priority?: number;
  basePriority?: number;
  /** ETHREAD.StartAddress (RtlUserThreadStart) and Win32StartAddress (what CreateThread was given). */
  startAddress?: bigint;
  win32StartAddress?: bigint;
  /** ExitStatus once terminated (STILL_ACTIVE before). */
  exitStatus?: number;
  /** KTHREAD.WaitReason when Waiting (KWAIT_REASON name). */
  waitReason?: string;
  /** Object id of the thread's object header. */
  objectId?: number;
  /** Address of the CSR_THREAD CSRSS keeps for it (0 when none). */
  csrThread?: bigint;
  /** False while the process/stack swapper has the thread's kernel stack out of memory (KiOutSwapKernelStacks). */
  kernelStackResident?: boolean;
  /** Stage 7 (LdrInitializeThunk) still to run when this initial thread first resumes. */
  pendingLoaderInit?: boolean;
}

export type ThreadState = 'Initialized' | 'Ready' | 'Running' | 'Standby' | 'Waiting' | 'Transition' | 'Terminated' | 'DeferredReady';

/** State owned by the process manager (src/engine/ps); cloned with the process. */
export interface ExecutiveState { clone(): ExecutiveState; readonly privileges?: Set<string> }

export class ProcessObject {
  vads = new VadTree();
  ws = new WorkingSet(0);
  /**
   * The commit counter of the machine this process belongs to: every change to privateCommit or
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
  privileges = new Set<string>();
  threads: ThreadObject[] = [];
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
  exited = false;
  peb = 0n;
  /** Next bottom-up allocation hint, in VPNs (high-entropy bottom-up randomization). */
  bottomUpStartVpn = 0x10;
  commandLine = '';
  sessionId = 0;
  creationFlags = 0;
  priorityClass = 0x20;
  /** Executive state (token, handle table, job, image, PEB layout...) kept by the process manager. */
  ps: ExecutiveState | null = null;

  constructor(
    /** Index in the system's process table (also the PFN owner id). */
    readonly index: number,
    /** UniqueProcessId */
    readonly pid: number,
    readonly imagePath: string,
    readonly parentPid: number,
    /** Pcb.DirectoryTableBase as a PFN: the PML4 page. */
    public directoryTableBase: number,
    /** The simulated kernel address of the EPROCESS. */
    readonly eprocess: bigint,
  ) {}

  get imageFileName(): string {
    const i = Math.max(this.imagePath.lastIndexOf('\\'), this.imagePath.lastIndexOf('/'));
    return this.imagePath.slice(i + 1);
  }

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

  clone(): ProcessObject {
    const p = new ProcessObject(this.index, this.pid, this.imagePath, this.parentPid, this.directoryTableBase, this.eprocess);
    p.vads = this.vads.clone();
    p.ws = this.ws.clone();
    // The clone's machine links it to its own commit counter (MemoryManager).
    p.privateCommitPages = this.privateCommitPages;
    p.pageTablePageCount = this.pageTablePageCount;
    p.privileges = new Set(this.privileges);
    p.threads = this.threads.map((t) => ({ ...t }));
    p.exited = this.exited;
    p.peb = this.peb;
    p.bottomUpStartVpn = this.bottomUpStartVpn;
    p.commandLine = this.commandLine;
    p.sessionId = this.sessionId;
    p.creationFlags = this.creationFlags;
    p.priorityClass = this.priorityClass;
    if (this.ps) {
      p.ps = this.ps.clone();
      // The token's privilege set is the process's (the memory manager checks it there).
      if (p.ps.privileges) p.privileges = p.ps.privileges;
    }
    return p;
  }
}
