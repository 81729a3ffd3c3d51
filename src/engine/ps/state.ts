// Executive state of processes and jobs kept by the process manager: what EPROCESS holds beyond the
// memory manager's part (token, handle table, job, image, PEB layout, debug port, protection...) and
// the EJOB. Everything here is cloned for time-travel snapshots.
import { STILL_ACTIVE } from '../constants';
import { HandleTable } from '../ob/objectManager';
import { processSecurityDescriptor, type SecurityDescriptor } from '../se/securityDescriptor';
import { Token } from '../se/token';

/** One loaded module (an LDR_DATA_TABLE_ENTRY in the PEB's loader lists). */
export interface LoadedModule { readonly name: string; readonly path: string; readonly base: bigint; readonly size: number; readonly entryPoint: bigint; readonly fileId: number; readonly mapped: boolean }

/** Where LdrInitializeThunk is: heap, then the DLL queue (breadth first), the initial breakpoint, the entry point. */
export interface LoaderProgress { tid: number; phase: 'heap' | 'dlls' | 'break' | 'entry'; queue: string[]; seen: string[] }

/** The console a process got (stage 1 decision). */
export type ConsoleMode = 'none' | 'inherited' | 'new' | 'detached';

export class PsProcessState {
  /** Object id of the process object header. */
  objectId = 0;
  handles = new HandleTable();
  jobId = 0;
  exitStatus = STILL_ACTIVE;
  /** Image: where it is, what the headers say, and where the address space puts it. */
  fileId = 0;
  /** EPROCESS.SectionObject: the image section object (its id in the section registry). */
  sectionId = 0;
  imageBase = 0n;
  imageSize = 0;
  entryPoint = 0n;
  /** The image's SizeOfStackReserve: the default stack reserve of the process's threads. */
  stackReserve = 0x100000n;
  /** The image's SizeOfStackCommit: the default initial commit of the process's thread stacks. */
  stackCommit = 0x1000n;
  subsystem = 0;
  ntdllBase = 0n;
  ntdllSize = 0;
  /**
   * WoW64 (an i386 image on x64): the 32-bit ntdll mapped beside the native one and the 32-bit PEB
   * (EPROCESS.WoW64Process). Windows Internals 7e Part 2 ch. 8, "WoW64".
   */
  wow64 = false;
  ntdll32Base = 0n;
  peb32 = 0n;
  /** RTL_USER_PROCESS_PARAMETERS in the new process. */
  processParameters = 0n;
  processParametersSize = 0;
  /** RTL_USER_PROCESS_PARAMETERS.Environment: the block after the parameters' strings. */
  environment = 0n;
  currentDirectory = '';
  heap = 0n;
  /** PEB_LDR_DATA (in the process heap) and the loader's modules, in load order. */
  ldr = 0n;
  modules: LoadedModule[] = [];
  /** Next free byte of the loader's name buffers in the process heap (a user address, exact as a number). */
  ldrNames = 0;
  /** The leading modules whose LDR_DATA_TABLE_ENTRY names are in memory. */
  ldrNamesWritten = 0;
  debuggerPid = 0;
  /** EPROCESS.DebugPort: the object id of the DebugObject debugging this process (0 = none). */
  debugObjectId = 0;
  /** EPROCESS.NoDebugInherit (DEBUG_ONLY_THIS_PROCESS, or attached): children are not debugged. */
  noDebugInherit = false;
  /** The debugger side: the handle of this process's DebugObject (TEB.DbgSsReserved[1] of its thread). */
  debugObjectHandle = 0;
  /** Stage 7 in progress (LdrInitializeThunk paused on a debug event): what the loader still has to do. */
  loader: LoaderProgress | null = null;
  /** The console this process is attached to (0 = none) and, for conhost.exe, the console it hosts. */
  consoleId = 0;
  hostedConsoleId = 0;
  /** PS_PROTECTION.Level (Type | Audit << 3 | Signer << 4) and the image signature level. */
  protection = 0;
  signatureLevel = 0;
  console: ConsoleMode = 'none';
  /** CSR_PROCESS in CSRSS, W32PROCESS in win32k (0 until created). */
  csrProcess = 0n;
  w32Process = 0n;
  /**
   * The handles CSRSS holds to this process and its initial thread (CSR_PROCESS.ProcessHandle, CSR_THREAD.ThreadHandle),
   * closed again when the process exits. Replaced, never mutated, so clones may share it.
   */
  csrHandles: { readonly csrssPid: number; readonly handles: readonly number[]; readonly objectIds: readonly number[] } | null = null;
  /** KPROCESS.BasePriority. */
  basePriority = 8;
  /** Packaged (AppX) processes: the package full name. */
  packageFullName = '';
  /**
   * EPROCESS.Flags ProcessExiting: teardown has begun (PspExitThread of the last thread /
   * PspTerminateProcess). A second termination reached from inside the teardown (a debugger or console
   * host that goes with it) finds it set and leaves the process to the teardown under way.
   */
  exiting = false;
  /**
   * PspInsertProcess has run (stage 3F): the process is on the active process list (PsActiveProcessHead)
   * and counted. Before it, the EPROCESS exists but the process is still being created — what a past
   * state taken inside CreateProcess shows (Windows Internals 7e ch. 3, stage 3F "Completing the setup
   * of the executive process object"). The boot's own processes are inserted as they are made.
   */
  inserted = false;
  /** The step at which the process was created (CreateTime in steps). */
  createSeq = 0;
  exitSeq = -1;

  /**
   * OBJECT_HEADER.SecurityDescriptor of the process object: made from the primary token the process is
   * created with (its default owner and DACL, its integrity level as the label). Never mutated.
   */
  securityDescriptor: SecurityDescriptor;

  constructor(public token: Token, securityDescriptor?: SecurityDescriptor) {
    this.securityDescriptor = securityDescriptor ?? processSecurityDescriptor(token);
  }

  get privileges(): Set<string> { return this.token.privileges; }

  clone(): PsProcessState {
    // Every field is copied onto an instance built by the constructor (given the descriptor, which is
    // never mutated): assigning onto an object of the same shape is several times faster than onto
    // Object.create(prototype), which was two thirds of a process's copy in time travel's profile.
    const s = Object.assign(new PsProcessState(this.token, this.securityDescriptor), this);
    s.token = this.token.clone();
    s.handles = this.handles.clone();
    s.modules = this.modules.slice(); // LoadedModule records are never changed once listed
    s.loader = this.loader ? { ...this.loader, queue: this.loader.queue.slice(), seen: this.loader.seen.slice() } : null;
    return s;
  }
}

/** An EJOB: members, limits and accounting. */
export class JobObject {
  parentJobId = 0;
  childJobIds: number[] = [];
  /** Pids of the processes directly in this job, in assignment order. */
  processIds: number[] = [];
  limitFlags = 0;
  activeProcessLimit = 0;
  /** JOBOBJECT_EXTENDED_LIMIT_INFORMATION ProcessMemoryLimit / JobMemoryLimit, in bytes. */
  processMemoryLimit = 0;
  jobMemoryLimit = 0;
  minimumWorkingSetSize = 0;
  maximumWorkingSetSize = 0;
  priorityClass = 0;
  totalProcesses = 0;
  activeProcesses = 0;
  totalTerminatedProcesses = 0;
  totalPageFaultCount = 0;
  peakProcessMemoryUsed = 0;
  peakJobMemoryUsed = 0;

  constructor(readonly jobId: number, readonly objectId: number, readonly address: bigint, readonly name: string | null) {}

  clone(): JobObject {
    const j = Object.assign(new JobObject(this.jobId, this.objectId, this.address, this.name), this) as JobObject;
    j.childJobIds = this.childJobIds.slice();
    j.processIds = this.processIds.slice();
    return j;
  }
}

/** A registered notify routine. `deny` makes a process notify routine refuse creation (CreationStatus). */
export interface NotifyRoutine {
  id: number;
  kind: 'process' | 'thread';
  name: string;
  /** Process routines only: refuse creating images whose file name matches (case-insensitive) with this NTSTATUS. */
  deny?: { imageName: string; status: number };
}
