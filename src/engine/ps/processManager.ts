// The process manager (Ps): the state the executive keeps about processes, threads, jobs, tokens, debug
// objects and consoles, and the entry points other layers call. Each routine lives in the module of its
// kernel component (Windows Internals 7e ch. 3 processes and jobs, ch. 4 threads, ch. 2 boot):
//   create/       CreateProcess, one file per stage (stage1-validate ... stage7-loader-init)
//   images        PE cache, ASLR bases, image sections      loader       ntdll's loader (stage 7 on)
//   threads       thread create/suspend/resume/exit         scheduler    ready, dispatch, stack swapper
//   termination   process exit and teardown                 handles      handle tables, OpenProcess
//   tokenObjects  TOKEN object lifetime                     jobs         job objects and limits
//   notify        process/thread notify routines            boot         the boot process tree
//   debug         debug objects (narrow DebugHost)          console      conhost consoles (narrow ConsoleHost)
// Everything kept here is cloneable for time travel.
import type { PeFormatError, PeImage } from '../io/pe';
import type { FileSystem } from '../io/fileSystem';
import type { Registry } from '../config/registry';
import type { MemoryManager } from '../mm/memoryManager';
import { CidTable, ObjectManager } from '../ob/objectManager';
import type { ProcessObject, ThreadObject } from '../process';
import type { Rng } from '../rng';
import type { Token, TokenSpec } from '../se/token';
import type { StepLog } from '../trace';
import { ERROR_INVALID_PARAMETER } from '../constants';
import { LastError } from '../errors';
import type { JobObject, NotifyRoutine, PsProcessState } from './state';
import type { DebugObject } from './debug';
import type { ConsoleRecord } from './console';
import { boot } from './boot';
import { createProcess } from './create/createProcess';
import type { CreatedProcess, PsCreateOptions } from './create/creationState';
import { closeHandle, debugObjectOfHandle, dereferenceObject, insertHandle, openProcess, processFromHandle, resolve, threadFromHandle, threadHandle } from './handles';
import { assignProcessToJob, createJob, isProcessInJob, jobAllowsCommit, jobFromHandle, jobProcesses, openJob, queryJob, setJobLimits, terminateJob, type JobLimits } from './jobs';
import { debuggeeReleased } from './loader';
import { observeNotify, registerNotify, unregisterNotify, type NotifyCall } from './notify';
import { dispatch, swapKernelStacks } from './scheduler';
import { exitCodeOf, terminateProcess } from './termination';
import { createThread, exitThread, releaseThread, resumeThread, suspendThread } from './threads';
import { duplicateToken, newToken, tokenById } from './tokenObjects';
import { writeUser } from './userMemory';

export type { CreatedProcess, PsCreateOptions } from './create/creationState';
export type { JobLimits } from './jobs';
export type { NotifyCall } from './notify';
export { MM_SYSTEM_THREADS } from './boot';
export { PRIORITY_CLASS_BASE } from './priorities';
export { PS_PROTECTED_WINSYSTEM, PS_PROTECTED_WINTCB_LIGHT, SE_SIGNING_LEVEL_MICROSOFT, SE_SIGNING_LEVEL_UNSIGNED, SE_SIGNING_LEVEL_WINDOWS, SE_SIGNING_LEVEL_WINDOWS_TCB } from './create/stage2-open-image';
export { splitCommandLine } from './paths';

/** What the process manager needs from the System. */
export interface PsContext {
  mm: MemoryManager;
  rng: Rng;
  processes: Array<ProcessObject | undefined>;
  byPid: Map<number, ProcessObject>;
  fs: FileSystem;
  registry: Registry;
  processors: number;
}

const fail = (code: number): never => { throw new LastError(code); };

/**
 * The process manager's state. Its fields are read and written by the modules of ps/ (the kernel keeps
 * these in PspCidTable, the job list, the notify arrays...); other layers use the methods below.
 */
export class ProcessManager {
  ob: ObjectManager;
  cids = new CidTable();
  jobs = new Map<number, JobObject>();
  nextJobId = 1;
  nextTokenId = 0x1000;
  notifyRoutines: NotifyRoutine[] = [];
  nextNotifyId = 1;
  /** Observers of notify-routine calls: not part of the state (never cloned, never replayed into). */
  observers = new Map<number, (call: NotifyCall) => void>();
  /** Objects of thread type -> [process index, tid]. */
  threadObjects = new Map<number, [number, number]>();
  /** Live thread tid -> process index. */
  threadIndex = new Map<number, number>();
  /** CSRSS of each session. */
  csrssBySession = new Map<number, number>();
  explorerPid = 0;
  liveCount = 0;
  /** ASLR: the base each image file gets for this boot (all processes map an image at the same address). */
  imageBases = new Map<number, bigint>();
  nextExeSlot = 0;
  nextDllSlot = 0;
  imageCache = new Map<number, { version: number; image: PeImage | PeFormatError }>();
  /** Image sections the system keeps for its lifetime (ntdll, and the KnownDlls smss creates), by file id -> section id. */
  systemSections = new Map<number, number>();
  /** Live image section objects by file id: CreateProcess of an image already open references the same section. */
  imageSections = new Map<number, number>();
  /** TOKEN object ids by token id. */
  tokenObjects = new Map<number, number>();
  /** Tokens that only handles hold (DuplicateTokenEx, WTSQueryUserToken): not any process's primary token. */
  tokens = new Map<number, Token>();
  /** Loader lookups: DLL name (lowercase) -> file id in System32. */
  knownDllFiles = new Map<string, number>();
  /** User-mode allocations CSRSS makes for CSR_PROCESS / CSR_THREAD. */
  csrCursor = 0;
  /** DEBUG_OBJECTs by object id. */
  debugObjects = new Map<number, DebugObject>();
  /** Consoles (conhost.exe instances) by console id. */
  consoles = new Map<number, ConsoleRecord>();
  nextConsoleId = 1;

  constructor(readonly ctx: PsContext, source?: ProcessManager) {
    ctx.mm.jobCommitCheck = (space, pages) => jobAllowsCommit(this, this.ctx.processes[space.index]!, pages);
    if (source) {
      this.ob = source.ob.clone(() => this.ctx.mm);
      this.cids = source.cids.clone();
      for (const [k, j] of source.jobs) this.jobs.set(k, j.clone());
      this.nextJobId = source.nextJobId;
      this.nextTokenId = source.nextTokenId;
      this.notifyRoutines = source.notifyRoutines.map((n) => ({ ...n, deny: n.deny ? { ...n.deny } : undefined }));
      this.nextNotifyId = source.nextNotifyId;
      this.threadObjects = new Map(source.threadObjects);
      this.threadIndex = new Map(source.threadIndex);
      this.csrssBySession = new Map(source.csrssBySession);
      this.explorerPid = source.explorerPid;
      this.liveCount = source.liveCount;
      this.imageBases = new Map(source.imageBases);
      this.nextExeSlot = source.nextExeSlot;
      this.nextDllSlot = source.nextDllSlot;
      this.imageCache = source.imageCache;
      this.csrCursor = source.csrCursor;
      this.systemSections = new Map(source.systemSections);
      this.imageSections = new Map(source.imageSections);
      this.knownDllFiles = source.knownDllFiles;
      this.tokenObjects = new Map(source.tokenObjects);
      for (const [k, tok] of source.tokens) this.tokens.set(k, tok.clone());
      for (const [k, d] of source.debugObjects) this.debugObjects.set(k, d.clone());
      for (const [k, c] of source.consoles) this.consoles.set(k, { ...c, clients: c.clients.slice() });
      this.nextConsoleId = source.nextConsoleId;
      return;
    }
    // Nonpaged pool objects live in the kernel half at a seed-dependent base (KASLR-style).
    this.ob = new ObjectManager(0xFFFF800000000000n | (BigInt(ctx.rng.range(0x1000, 0x7FFF)) << 28n), () => this.ctx.mm);
  }

  clone(ctx: PsContext): ProcessManager { return new ProcessManager(ctx, this); }

  get trace(): StepLog { return this.ctx.mm.trace; }
  get mm(): MemoryManager { return this.ctx.mm; }

  // ---- lookups

  live(pid: number): ProcessObject {
    const p = this.ctx.byPid.get(pid);
    if (!p || p.exited) fail(ERROR_INVALID_PARAMETER);
    return p!;
  }

  state(p: ProcessObject): PsProcessState { return p.ps; }

  thread(tid: number): [ProcessObject, ThreadObject] | undefined {
    const i = this.threadIndex.get(tid);
    if (i === undefined) return undefined;
    const p = this.ctx.processes[i]!;
    // The newest thread of that id: exited threads stay in the list and their ids are reused (CidTable),
    // so an older entry with the same id is an exited thread (the long fuzz campaign found it, issue 19).
    for (let k = p.threads.length - 1; k >= 0; k--) if (p.threads[k]!.tid === tid) return [p, p.threads[k]!];
    return undefined;
  }

  /** The creator of a process started with no parent given: the shell (explorer), while it runs. */
  defaultParent(): ProcessObject | undefined {
    const e = this.ctx.byPid.get(this.explorerPid);
    return e && !e.exited ? e : undefined;
  }

  /** The TOKEN object's id of a token (undefined once the object is gone). */
  tokenObjectId(tokenId: number): number | undefined { return this.tokenObjects.get(tokenId); }

  // ---- entry points (each delegates to its module)

  createProcess(o: PsCreateOptions): CreatedProcess { return createProcess(this, o); }
  boot(): void { boot(this); }
  terminateProcess(p: ProcessObject, exitStatus: number, byPid: number): void { terminateProcess(this, p, exitStatus, byPid); }
  exitCodeOf(caller: ProcessObject, hProcess: number): number { return exitCodeOf(this, caller, hProcess); }

  createThread(creator: ProcessObject, target: ProcessObject, startAddress: bigint, parameter: bigint, flags: number, stackSize: bigint, breakin = false): ThreadObject {
    return createThread(this, creator, target, startAddress, parameter, flags, stackSize, breakin);
  }
  suspendThread(tid: number): number { return suspendThread(this, tid); }
  resumeThread(tid: number): number { return resumeThread(this, tid); }
  exitThread(tid: number, exitStatus: number): void { exitThread(this, tid, exitStatus); }
  releaseThread(p: ProcessObject, thread: ThreadObject): boolean { return releaseThread(this, p, thread); }
  debuggeeReleased(p: ProcessObject): void { debuggeeReleased(this, p); }
  dispatch(): number[] { return dispatch(this); }
  swapKernelStacks(): number { return swapKernelStacks(this); }

  newToken(spec: TokenSpec): Token { return newToken(this, spec); }
  duplicateToken(t: Token, tokenType: 'Primary' | 'Impersonation' = t.tokenType, impersonationLevel = t.impersonationLevel): Token { return duplicateToken(this, t, tokenType, impersonationLevel); }
  tokenById(tokenId: number): Token | undefined { return tokenById(this, tokenId); }

  insertHandle(p: ProcessObject, objectId: number, access: number, inherit = false): number { return insertHandle(this, p, objectId, access, inherit); }
  resolve(p: ProcessObject, handle: number, type: 'Process' | 'Thread' | 'Job' | 'Token' | 'DebugObject', access: number): number { return resolve(this, p, handle, type, access); }
  dereferenceObject(objectId: number): void { dereferenceObject(this, objectId); }
  debugObjectOfHandle(p: ProcessObject, handle: number): DebugObject | undefined { return debugObjectOfHandle(this, p, handle); }
  closeHandle(p: ProcessObject, handle: number): void { closeHandle(this, p, handle); }
  openProcess(caller: ProcessObject, access: number, inherit: boolean, targetPid: number): number { return openProcess(this, caller, access, inherit, targetPid); }
  processFromHandle(caller: ProcessObject, handle: number, access: number): ProcessObject { return processFromHandle(this, caller, handle, access); }
  threadFromHandle(caller: ProcessObject, handle: number, access: number): number { return threadFromHandle(this, caller, handle, access); }
  threadHandle(p: ProcessObject, thread: ThreadObject): number { return threadHandle(this, p, thread); }
  writeUser(p: ProcessObject, va: bigint, data: Uint8Array): void { writeUser(this, p, va, data); }

  queryJob(caller: ProcessObject, hJob: number, infoClass: number): Record<string, unknown> { return queryJob(this, caller, hJob, infoClass); }
  isProcessInJob(caller: ProcessObject, hProcess: number, hJob: number | null): boolean { return isProcessInJob(this, caller, hProcess, hJob); }
  createJob(caller: ProcessObject, name: string | null): { handle: number; existed: boolean } { return createJob(this, caller, name); }
  openJob(caller: ProcessObject, access: number, inherit: boolean, name: string): number { return openJob(this, caller, access, inherit, name); }
  jobFromHandle(caller: ProcessObject, handle: number, access: number): JobObject { return jobFromHandle(this, caller, handle, access); }
  assignProcessToJob(job: JobObject, p: ProcessObject): void { assignProcessToJob(this, job, p); }
  setJobLimits(job: JobObject, info: JobLimits): void { setJobLimits(this, job, info); }
  jobProcesses(job: JobObject): ProcessObject[] { return jobProcesses(this, job); }
  terminateJob(job: JobObject, exitCode: number, reason: string): void { terminateJob(this, job, exitCode, reason); }

  registerNotify(kind: 'process' | 'thread', name: string, deny?: NotifyRoutine['deny']): number { return registerNotify(this, kind, name, deny); }
  unregisterNotify(id: number): void { unregisterNotify(this, id); }
  observeNotify(id: number, listener: (call: NotifyCall) => void): { dispose(): void } { return observeNotify(this, id, listener); }
}
