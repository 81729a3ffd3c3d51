// The executive process and thread objects. The process embeds its address space (AddressSpace: the
// memory manager's part of EPROCESS — Pcb.DirectoryTableBase, VadRoot, Vm) by extending it, as EPROCESS
// embeds those fields; the rest is executive state: threads, privileges, image and command line, and the
// process manager's state (token, handles, job...).
import { SE_LOCK_MEMORY_NAME } from './constants';
import { AddressSpace } from './mm/addressSpace';
import type { ProcessHeaps } from './heap/processHeaps';
import type { KernelStack } from './mm/systemPages';
import type { PsProcessState } from './ps/state';

export { PDE_CACHE_SIZE, TLB_READ, TLB_SIZE, TLB_WRITE } from './mm/addressSpace';

export interface ThreadObject {
  tid: number;
  teb: bigint;
  stackBase: bigint;
  stackLimit: bigint;
  state: ThreadState;
  suspendCount: number;
  /** Executive thread fields (src/engine/ps), set by PspAllocateThread (ps/threads.ts) and boot's system threads. */
  ethread: bigint;
  /** KTHREAD.Priority and BasePriority. */
  priority: number;
  basePriority: number;
  /** ETHREAD.StartAddress (RtlUserThreadStart) and Win32StartAddress (what CreateThread was given). */
  startAddress: bigint;
  win32StartAddress: bigint;
  /** ExitStatus once terminated (STILL_ACTIVE before). */
  exitStatus: number;
  /** KTHREAD.WaitReason when Waiting (KWAIT_REASON name). */
  waitReason: string;
  /** Object id of the thread's object header. */
  objectId: number;
  /** Address of the CSR_THREAD CSRSS keeps for it (0 when none). */
  csrThread: bigint;
  /** KTHREAD.StackBase / StackLimit: the kernel stack MmCreateKernelStack made from system PTEs (absent once freed). */
  kernelStack?: KernelStack;
  /** False while the process/stack swapper has the thread's kernel stack out of memory (KiOutSwapKernelStacks). */
  kernelStackResident?: boolean;
  /** Stage 7 (LdrInitializeThunk) still to run when this initial thread first resumes. */
  pendingLoaderInit: boolean;
  /**
   * The thread's memory priority (SetThreadInformation ThreadMemoryPriority; Microsoft Learn), absent
   * while the thread uses its process's.
   */
  memoryPriority?: number;
}

export type ThreadState = 'Initialized' | 'Ready' | 'Running' | 'Standby' | 'Waiting' | 'Transition' | 'Terminated' | 'DeferredReady';

/**
 * EPROCESS. It extends AddressSpace because EPROCESS embeds the memory manager's fields (Pcb.DirectoryTableBase,
 * VadRoot, Vm) rather than pointing at them; memory-manager routines see only that AddressSpace part.
 */
export class ProcessObject extends AddressSpace {
  threads: ThreadObject[] = [];
  peb = 0n;
  commandLine = '';
  sessionId = 0;
  creationFlags = 0;
  priorityClass = 0x20;
  /** The heaps ntdll's heap manager keeps in this process (src/engine/heap); none until the loader creates the process heap. */
  heaps: ProcessHeaps | undefined = undefined;

  /** The calling thread (the first live one) makes the accesses: a fault is decided with its TEB. */
  override faultingThreadTeb(): number {
    for (const t of this.threads) if (t.state !== 'Terminated') return Number(t.teb);
    return 0;
  }

  constructor(
    index: number,
    pid: number,
    readonly imagePath: string,
    readonly parentPid: number,
    directoryTableBase: number,
    /** The simulated kernel address of the EPROCESS. */
    readonly eprocess: bigint,
    /** Executive state kept by the process manager: token, handle table, job, image, PEB layout... */
    readonly ps: PsProcessState,
  ) {
    super(index, pid, directoryTableBase);
  }

  get imageFileName(): string {
    const i = Math.max(this.imagePath.lastIndexOf('\\'), this.imagePath.lastIndexOf('/'));
    return this.imagePath.slice(i + 1);
  }

  /** The token's SeLockMemoryPrivilege, as the memory manager asks for it (large pages). */
  override holdsLockMemoryPrivilege(): boolean { return this.privileges.has(SE_LOCK_MEMORY_NAME); }

  /**
   * The memory accesses of a process run on its first live thread (the thread the Win32 calls are made
   * on): its memory priority if set, else the process's (Windows Internals 7th ed., Part 1, ch. 5, "Page priority").
   */
  override faultPagePriority(): number {
    for (const t of this.threads) if (t.state !== 'Terminated') return t.memoryPriority ?? this.memoryPriority;
    return this.memoryPriority;
  }

  /** The privileges of the process's primary token. */
  get privileges(): Set<string> { return this.ps.token.privileges; }

  clone(): ProcessObject {
    const p = new ProcessObject(this.index, this.pid, this.imagePath, this.parentPid, this.directoryTableBase, this.eprocess, this.ps.clone());
    this.copyAddressSpaceTo(p);
    p.threads = this.threads.map((t) => ({ ...t }));
    p.peb = this.peb;
    p.commandLine = this.commandLine;
    p.sessionId = this.sessionId;
    p.creationFlags = this.creationFlags;
    p.priorityClass = this.priorityClass;
    p.heaps = this.heaps?.clone();
    return p;
  }
}
