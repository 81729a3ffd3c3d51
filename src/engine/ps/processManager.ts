// The process manager: the CreateProcess flow (Windows Internals 7e ch. 3, stages 1, 2, 3A-3F, 4, 5, 6,
// 7, each a recorded step), threads, jobs, notify routines, termination, and boot (ch. 2). It works on
// the System's process table and memory manager; everything it keeps is cloneable for time travel.
import { LDR_DATA_TABLE_ENTRY, LOADER_ENTRY_CAPACITY, LOADER_IN_HEAP, loaderEntryOffset, OS_VERSION, PEB, PEB_LDR_DATA, PROCESS_PARAMETERS, TEB } from './userLayout';
import {
  ABOVE_NORMAL_PRIORITY_CLASS, BELOW_NORMAL_PRIORITY_CLASS, CREATE_BREAKAWAY_FROM_JOB, CREATE_NEW_CONSOLE,
  CREATE_PROTECTED_PROCESS, CREATE_SUSPENDED, DEBUG_ONLY_THIS_PROCESS, DEBUG_PROCESS, DETACHED_PROCESS, ERROR_ACCESS_DENIED,
  ERROR_BAD_EXE_FORMAT, ERROR_FILE_NOT_FOUND, ERROR_INVALID_HANDLE, ERROR_INVALID_IMAGE_HASH, ERROR_INVALID_PARAMETER,
  ERROR_NOT_ENOUGH_QUOTA, ERROR_SIGNAL_REFUSED, HIGH_PRIORITY_CLASS, IDLE_PRIORITY_CLASS,
  JOB_OBJECT_LIMIT_ACTIVE_PROCESS, JOB_OBJECT_LIMIT_BREAKAWAY_OK, JOB_OBJECT_LIMIT_JOB_MEMORY, JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE,
  JOB_OBJECT_LIMIT_PRIORITY_CLASS, JOB_OBJECT_LIMIT_PROCESS_MEMORY, JOB_OBJECT_LIMIT_SILENT_BREAKAWAY_OK, MAXIMUM_SUSPEND_COUNT,
  MEM_COMMIT, MEM_RELEASE, MEM_RESERVE, NORMAL_PRIORITY_CLASS, PAGE_GUARD, PAGE_READWRITE, PROCESS_ALL_ACCESS, REALTIME_PRIORITY_CLASS,
  SE_INC_BASE_PRIORITY_NAME, STATUS_ACCESS_DENIED, JOB_OBJECT_QUERY, JobObjectBasicAccountingInformation, JobObjectBasicLimitInformation, JobObjectBasicProcessIdList, JobObjectExtendedLimitInformation, SEC_IMAGE, PAGE_READONLY, FILE_MAP_READ, STILL_ACTIVE, THREAD_ALL_ACCESS, JOB_OBJECT_ALL_ACCESS, ERROR_ALREADY_EXISTS, JOB_OBJECT_LIMIT_WORKINGSET } from '../constants';
import { LastError } from '../errors';
import { FileSystem, SimFile } from '../io/fileSystem';
import { parseImage, PeFormatError, PeImage, IMAGE_SUBSYSTEM_WINDOWS_GUI, IMAGE_SUBSYSTEM_WINDOWS_CUI, IMAGE_SUBSYSTEM_NATIVE } from '../io/pe';
import { IFEO_KEY, Registry } from '../config/registry';
import type { MemoryManager } from '../mm/memoryManager';
import { deleteAddressSpace } from '../mm/teardown';
import { createSection, dereferenceSection, mapView, unmapView } from '../mm/sectionApi';
import type { SectionObject } from '../mm/section';
import { virtualAlloc, virtualFree } from '../mm/virtual';
import { CidTable, ObjectManager, resolveObjectName } from '../ob/objectManager';
import { ProcessObject, ThreadObject } from '../process';
import type { Rng } from '../rng';
import { AccountName, IntegrityLevel, Token, TokenSpec } from '../se/token';
import type { StepLog } from '../trace';
import { ConsoleMode, JobObject, NotifyRoutine, PsProcessState } from './state';
import { blockOnDebugger, connectToDebugger, debugObjectClosed, DebugObject, debugObjectOf, isFrozen, postExit, postLoaderBreakpoint, postProcessStart, postThreadStart, queueEvent, setDebugPort } from './debug';
import { ConsoleRecord, detachConsole, initializeConsole } from './console';
import { LOAD_DLL_DEBUG_EVENT } from '../constants';

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

/** createProcess options beyond DESIGN.md §3's. */
export interface PsCreateOptions {
  imagePath: string;
  commandLine?: string;
  parentPid?: number;
  creationFlags?: number;
  /** bInheritHandles. */
  inheritHandles?: boolean;
  currentDirectory?: string;
  /** A new token for a well-known account (the System.psCall form of CreateProcessAsUser); default a copy of the parent's. */
  token?: TokenSpec;
  /** CreateProcessAsUser with a token handle: the id of the (primary) token the process gets a duplicate of. */
  primaryTokenId?: number;
  /** Session of the new process (default: the parent's, or the token's). */
  sessionId?: number;
  /** Put process and thread handles into the creator's handle table (Win32 CreateProcess does). */
  returnHandles?: boolean;
  /** Internal: the IFEO debugger redirection already happened. */
  ifeoApplied?: boolean;
  packageFullName?: string;
}

export interface CreatedProcess { pid: number; tid: number; hProcess?: number; hThread?: number }

/** KPROCESS.BasePriority for each priority class. */
export const PRIORITY_CLASS_BASE: Record<number, number> = {
  [IDLE_PRIORITY_CLASS]: 4, [BELOW_NORMAL_PRIORITY_CLASS]: 6, [NORMAL_PRIORITY_CLASS]: 8,
  [ABOVE_NORMAL_PRIORITY_CLASS]: 10, [HIGH_PRIORITY_CLASS]: 13, [REALTIME_PRIORITY_CLASS]: 24,
};
// Lowest first: when several classes are given, the lowest wins.
const PRIORITY_ORDER = [IDLE_PRIORITY_CLASS, BELOW_NORMAL_PRIORITY_CLASS, NORMAL_PRIORITY_CLASS, ABOVE_NORMAL_PRIORITY_CLASS, HIGH_PRIORITY_CLASS, REALTIME_PRIORITY_CLASS];
const ALL_PRIORITY_FLAGS = PRIORITY_ORDER.reduce((a, b) => a | b, 0);

/** PS_PROTECTION levels (Type | Signer << 4) of the images Windows runs protected. */
export const PS_PROTECTED_WINTCB_LIGHT = 0x61;
export const PS_PROTECTED_WINSYSTEM = 0x72;
const PROTECTED_IMAGES: Record<string, number> = {
  'smss.exe': PS_PROTECTED_WINTCB_LIGHT, 'csrss.exe': PS_PROTECTED_WINTCB_LIGHT, 'wininit.exe': PS_PROTECTED_WINTCB_LIGHT, 'services.exe': PS_PROTECTED_WINTCB_LIGHT,
};
/** SE_SIGNING_LEVEL_* */
export const SE_SIGNING_LEVEL_UNSIGNED = 1;
export const SE_SIGNING_LEVEL_MICROSOFT = 8;
export const SE_SIGNING_LEVEL_WINDOWS = 12;
export const SE_SIGNING_LEVEL_WINDOWS_TCB = 14;

/** The memory manager's system threads, by start routine (ch. 5). */
export const MM_SYSTEM_THREADS = ['KeBalanceSetManager', 'KeSwapProcessOrStack', 'MiModifiedPageWriter', 'MiMappedPageWriter', 'MiDereferenceSegmentThread', 'MiZeroPageThread'] as const;

const SYSTEM32 = 'C:\\Windows\\System32';
const SYSTEM32_PREFIX = 'c:\\windows\\system32\\';
const EPROCESS_SIZE = 0xA40;
const ETHREAD_SIZE = 0x898;
const TOKEN_SIZE = 0x498;
const EJOB_SIZE = 0x640;
const MAX_NOTIFY_ROUTINES = 64;
/** Where the simulation puts ntdll!PebLdr inside ntdll's .data section. */
const PEB_LDR_IN_NTDLL_DATA = 0x1C0;

const fail = (code: number): never => { throw new LastError(code); };

/** The address of LDR_DATA_TABLE_ENTRY k in the process heap at `heap`. */
function loaderEntry(heap: number, k: number): number { return heap + loaderEntryOffset(k); }

/**
 * One LIST_ENTRY of the loader's lists (0 load, 1 memory, 2 initialization order) as it is once
 * entries 0..last exist: of the head in PEB_LDR_DATA (k = -1) or of entry k. The heads sit 0x10 above
 * the matching links in an entry; the initialization-order list has no image (.exe, entry 0).
 */
function writeLoaderLinks(v: DataView, at: number, ldr: number, heap: number, list: number, k: number, last: number): void {
  const first = list === 2 ? 1 : 0;
  if (k >= 0 && k < first) return; // not on this list
  const headLink = ldr + PEB_LDR_DATA.InLoadOrderModuleList + 0x10 * list;
  const link = (e: number): number => loaderEntry(heap, e) + 0x10 * list;
  const flink = k < 0 ? (last >= first ? link(first) : headLink) : k < last ? link(k + 1) : headLink;
  const blink = k < 0 ? (last >= first ? link(last) : headLink) : k > first ? link(k - 1) : headLink;
  put64(v, at, flink);
  put64(v, at + 8, blink);
}

/** UTF-16LE of `s` into `out` at `at` (room checked by the caller). */
function putUtf16(out: Uint8Array, at: number, s: string): void {
  for (let i = 0; i < s.length; i++) { const c = s.charCodeAt(i); out[at + i * 2] = c & 0xFF; out[at + i * 2 + 1] = c >> 8; }
}

/** A 64-bit little-endian value from a number below 2^53. */
function put64(v: DataView, offset: number, x: number): void {
  v.setUint32(offset, x >>> 0, true);
  v.setUint32(offset + 4, Math.floor(x / 0x100000000), true);
}

function utf16(s: string): Uint8Array {
  const out = new Uint8Array(s.length * 2);
  for (let i = 0; i < s.length; i++) { const c = s.charCodeAt(i); out[i * 2] = c & 0xFF; out[i * 2 + 1] = c >> 8; }
  return out;
}

function baseName(path: string): string {
  return path.slice(Math.max(path.lastIndexOf('\\'), path.lastIndexOf('/')) + 1);
}

/** Splits a command line's first token (quoted or not) from the rest. */
export function splitCommandLine(cmd: string): [string, string] {
  const s = cmd.trimStart();
  if (s.startsWith('"')) { const end = s.indexOf('"', 1); return end < 0 ? [s.slice(1), ''] : [s.slice(1, end), s.slice(end + 1).trimStart()]; }
  const sp = s.search(/\s/);
  return sp < 0 ? [s, ''] : [s.slice(0, sp), s.slice(sp + 1).trimStart()];
}

/** Wait reasons of user-mode waits: the threads whose kernel stacks the swapper may take out. */
const USER_MODE_WAITS = new Set(['UserRequest', 'WrUserRequest', 'Suspended']);

export class ProcessManager {
  ob: ObjectManager;
  cids = new CidTable();
  jobs = new Map<number, JobObject>();
  private nextJobId = 1;
  private nextTokenId = 0x1000;
  notifyRoutines: NotifyRoutine[] = [];
  private nextNotifyId = 1;
  /** Observers of notify-routine calls: not part of the state (never cloned, never replayed into). */
  private observers = new Map<number, (call: NotifyCall) => void>();
  /** Objects of thread type -> [process index, tid]. */
  private threadObjects = new Map<number, [number, number]>();
  /** Live thread tid -> process index. */
  private threadIndex = new Map<number, number>();
  /** CSRSS of each session. */
  csrssBySession = new Map<number, number>();
  private explorerPid = 0;
  liveCount = 0;
  /** ASLR: the base each image file gets for this boot (all processes map an image at the same address). */
  private imageBases = new Map<number, bigint>();
  private nextExeSlot = 0;
  private nextDllSlot = 0;
  private imageCache = new Map<number, { version: number; image: PeImage | PeFormatError }>();
  /** Image sections the system keeps for its lifetime (ntdll, and the KnownDlls smss creates), by file id -> section id. */
  private systemSections = new Map<number, number>();
  /** Live image section objects by file id: CreateProcess of an image already open references the same section. */
  private imageSections = new Map<number, number>();
  /** TOKEN object ids by token id. */
  private tokenObjects = new Map<number, number>();
  /** Loader lookups: DLL name (lowercase) -> file id in System32. */
  private knownDllFiles = new Map<string, number>();
  /** User-mode allocations CSRSS makes for CSR_PROCESS / CSR_THREAD. */
  private csrCursor = 0;
  /** DEBUG_OBJECTs by object id. */
  debugObjects = new Map<number, DebugObject>();
  /** Consoles (conhost.exe instances) by console id. */
  consoles = new Map<number, ConsoleRecord>();
  nextConsoleId = 1;

  constructor(readonly ctx: PsContext, source?: ProcessManager) {
    ctx.mm.jobCommitCheck = (space, pages) => this.jobAllowsCommit(this.ctx.processes[space.index]!, pages);
    if (source) {
      this.ob = source.ob.clone();
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
    this.ob = new ObjectManager(0xFFFF800000000000n | (BigInt(ctx.rng.range(0x1000, 0x7FFF)) << 28n));
  }

  clone(ctx: PsContext): ProcessManager { return new ProcessManager(ctx, this); }

  private get trace(): StepLog { return this.ctx.mm.trace; }
  private get mm(): MemoryManager { return this.ctx.mm; }

  // ---------------------------------------------------------------- lookups

  live(pid: number): ProcessObject {
    const p = this.ctx.byPid.get(pid);
    if (!p || p.exited) fail(ERROR_INVALID_PARAMETER);
    return p!;
  }

  state(p: ProcessObject): PsProcessState { return p.ps as PsProcessState; }

  thread(tid: number): [ProcessObject, ThreadObject] | undefined {
    const i = this.threadIndex.get(tid);
    if (i === undefined) return undefined;
    const p = this.ctx.processes[i]!;
    const t = p.threads.find((x) => x.tid === tid);
    return t ? [p, t] : undefined;
  }

  private defaultParent(): ProcessObject | undefined {
    const e = this.ctx.byPid.get(this.explorerPid);
    return e && !e.exited ? e : undefined;
  }

  // ---------------------------------------------------------------- tokens and objects

  /** Tokens that only handles hold (DuplicateTokenEx, WTSQueryUserToken): not any process's primary token. */
  tokens = new Map<number, Token>();

  newToken(spec: TokenSpec): Token {
    const id = this.nextTokenId++;
    const h = this.ob.create('Token', id, TOKEN_SIZE);
    this.tokenObjects.set(id, h.objectId);
    return Token.create(id, h.address, spec);
  }

  duplicateToken(t: Token, tokenType: 'Primary' | 'Impersonation' = t.tokenType, impersonationLevel = t.impersonationLevel): Token {
    const id = this.nextTokenId++;
    const h = this.ob.create('Token', id, TOKEN_SIZE);
    this.tokenObjects.set(id, h.objectId);
    return t.duplicate(id, h.address, tokenType, impersonationLevel);
  }

  /** The TOKEN object's id of a token (undefined once the object is gone). */
  tokenObjectId(tokenId: number): number | undefined { return this.tokenObjects.get(tokenId); }

  /** A live token by id: a handle-only token, or the primary token of a process (live or exited but referenced). */
  tokenById(tokenId: number): Token | undefined {
    const free = this.tokens.get(tokenId);
    if (free) return free;
    if (!this.tokenObjects.has(tokenId)) return undefined;
    for (const p of this.ctx.processes) if (p?.ps && this.state(p).token.tokenId === tokenId) return this.state(p).token;
    return undefined;
  }

  /** The process's reference to its primary token goes at exit (the TOKEN with it, unless a handle holds it). */
  private releaseToken(t: Token): void {
    const id = this.tokenObjects.get(t.tokenId);
    if (id !== undefined && this.ob.dereference(id)) this.tokenObjects.delete(t.tokenId);
  }

  /** A TOKEN object went away with its last handle or reference. */
  private forgetToken(tokenId: number): void {
    this.tokenObjects.delete(tokenId);
    this.tokens.delete(tokenId);
  }

  /** Inserts a handle to an object into a process's handle table. */
  insertHandle(p: ProcessObject, objectId: number, access: number, inherit = false): number {
    const h = this.ob.get(objectId);
    if (!h) fail(ERROR_INVALID_HANDLE);
    h!.handleCount++;
    h!.pointerCount++;
    return this.state(p).handles.insert({ objectId, grantedAccess: access, inherit });
  }

  /** Resolves a handle of `p` to an object of the given type. */
  resolve(p: ProcessObject, handle: number, type: 'Process' | 'Thread' | 'Job' | 'Token' | 'DebugObject', access: number): number {
    // GetCurrentProcess() / GetCurrentThread() pseudo-handles.
    if (type === 'Process' && (handle === -1 || handle === 0xFFFFFFFF)) return this.state(p).objectId;
    if (type === 'Thread' && (handle === -2 || handle === 0xFFFFFFFE)) return p.threads.find((t) => t.state !== 'Terminated')?.objectId ?? fail(ERROR_INVALID_HANDLE);
    const e = this.state(p).handles.get(handle);
    if (!e) fail(ERROR_INVALID_HANDLE);
    const h = this.ob.get(e!.objectId);
    if (!h || h.typeName !== type) fail(ERROR_INVALID_HANDLE);
    if ((e!.grantedAccess & access) !== access) fail(ERROR_ACCESS_DENIED);
    return e!.objectId;
  }

  /** Drops a pointer reference; cleans up the manager's tables when the object goes. */
  dereferenceObject(objectId: number): void {
    const h = this.ob.get(objectId);
    if (!h) return;
    if (!this.ob.dereference(objectId)) return;
    if (h.typeName === 'Thread') this.threadObjects.delete(objectId);
    else if (h.typeName === 'DebugObject') this.debugObjects.delete(objectId);
    else if (h.typeName === 'Token') this.forgetToken(h.key);
  }

  /** The DebugObject a handle of `p` refers to (DEBUG_ALL_ACCESS not required: DbgUi uses its own handle). */
  debugObjectOfHandle(p: ProcessObject, handle: number): DebugObject | undefined {
    const e = this.state(p).handles.get(handle);
    const h = e ? this.ob.get(e.objectId) : undefined;
    return h && h.typeName === 'DebugObject' ? this.debugObjects.get(h.objectId) : undefined;
  }

  private processOfObject(objectId: number): ProcessObject {
    const h = this.ob.get(objectId)!;
    return this.ctx.processes[h.key]!;
  }

  // ---------------------------------------------------------------- CreateProcess

  /** The loader's DLL search: System32 (KnownDlls), then the application's directory. */
  private findDll(key: string, appDir: string): SimFile | undefined {
    const fs = this.ctx.fs;
    const id = this.knownDllFiles.get(key);
    if (id !== undefined) {
      const f = fs.getFileById(id);
      if (f) return f;
    }
    const f = fs.getFile(`${SYSTEM32}\\${key}`);
    if (f) { this.knownDllFiles.set(key, f.fileId); return f; }
    return fs.getFile(`${appDir}\\${key}`);
  }

  /** The CreateProcess flow. Throws LastError with the Win32 error on failure (after recording 'create.failed'). */
  createProcess(o: PsCreateOptions): CreatedProcess {
    const t = this.trace;
    const flags = (o.creationFlags ?? 0) >>> 0;
    const parent = o.parentPid !== undefined ? this.ctx.byPid.get(o.parentPid) : this.defaultParent();
    if (o.parentPid !== undefined && (!parent || parent.exited)) fail(ERROR_INVALID_HANDLE);
    let image = o.imagePath;
    try {
      // ---- Stage 1: convert and validate parameters and flags.
      t.currentStage = '1';
      if ((flags & CREATE_NEW_CONSOLE) && (flags & DETACHED_PROCESS)) return this.failCreate(image, ERROR_INVALID_PARAMETER);
      const priorityClass = this.priorityClassFor(flags, parent);
      if (t.begin('create.validate')) { t.str(image); t.num(flags); t.num(priorityClass); t.change('system'); }
      // The debug flags: the creator becomes the debugger (DbgUiConnectToDbg gives it a debug object).
      // Without them, a child of a process debugged with DEBUG_PROCESS is debugged by the same debugger.
      let debugObject: DebugObject | undefined;
      let debugOnlyThis = false;
      if (flags & (DEBUG_PROCESS | DEBUG_ONLY_THIS_PROCESS)) {
        const debuggerPid = parent?.pid ?? 0;
        debugOnlyThis = (flags & DEBUG_PROCESS) === 0;
        if (t.begin('create.debug')) { t.num(debuggerPid); t.num(debugOnlyThis ? 1 : 0); t.change('process', debuggerPid); }
        if (parent?.ps) debugObject = connectToDebugger(this, parent);
      } else if (parent?.ps && this.state(parent).debugObjectId && !this.state(parent).noDebugInherit) {
        debugObject = debugObjectOf(this, parent);
      }
      // RTL_USER_PROCESS_PARAMETERS (RtlCreateProcessParametersEx); the console request comes from the flags.
      const requestedConsole: ConsoleMode = (flags & DETACHED_PROCESS) ? 'detached' : (flags & CREATE_NEW_CONSOLE) ? 'new' : 'inherited';
      // The current directory is inherited from the creator; processes the system starts (no directory of their own) get System32.
      const parentState = parent?.ps ? this.state(parent) : undefined;
      const currentDirectory = o.currentDirectory || parentState?.currentDirectory || SYSTEM32;
      if (t.begin('create.parameters')) { t.str(image); t.str(o.commandLine ?? `"${image}"`); t.str(currentDirectory); t.str(requestedConsole); t.num(o.inheritHandles ? 1 : 0); t.change('system'); }
      // ---- Stage 2: open the image.
      t.currentStage = '2';
      const resolved = this.resolveImagePath(image, parent);
      if (typeof resolved === 'number') return this.failCreate(image, resolved);
      image = resolved;
      const commandLine = o.commandLine ?? `"${image}"`;
      const ext = image.slice(image.lastIndexOf('.')).toLowerCase();
      if (ext === '.bat' || ext === '.cmd') {
        // Batch files run in cmd.exe: CreateProcessInternalW restarts with "cmd.exe /c <script> <args>".
        const [, args] = o.commandLine ? splitCommandLine(o.commandLine) : ['', ''];
        const cmd = `${SYSTEM32}\\cmd.exe`;
        const cl = `${SYSTEM32}\\cmd.exe /c "${image}"${args ? ' ' + args : ''}`;
        if (t.begin('create.runBatch')) { t.str(image); t.str(cmd); t.str(cl); t.change('file', this.ctx.fs.getFile(image)?.fileId ?? -1); }
        t.currentStage = undefined;
        return this.createProcess({ ...o, imagePath: cmd, commandLine: cl });
      }
      const file = this.ctx.fs.getFile(image)!;
      const pe = this.parse(file.fileId, file.version, file.data);
      if (pe instanceof PeFormatError || pe.isDll) return this.failCreate(image, ERROR_BAD_EXE_FORMAT);
      if (t.begin('create.openImage')) { t.str(image); t.num(file.fileId); t.num(pe.sizeOfImage); t.num(pe.subsystem); t.num(pe.addressOfEntryPoint); t.big(pe.imageBase); t.change('file', file.fileId); }
      if (t.begin('create.imageSection')) { t.str(image); t.num(file.fileId); t.num(pe.sizeOfImage); t.num(pe.numberOfSections); t.num(1); t.change('file', file.fileId); }
      // Image File Execution Options: a Debugger value launches the debugger with the image as its argument.
      const exeName = baseName(image);
      const debuggerValue = this.ctx.registry.getValue(`${IFEO_KEY}\\${exeName}`, 'Debugger');
      if (!o.ifeoApplied && !(flags & (DEBUG_PROCESS | DEBUG_ONLY_THIS_PROCESS)) && debuggerValue && typeof debuggerValue.data === 'string' && debuggerValue.data.trim()) {
        const [dbgExe, dbgArgs] = splitCommandLine(debuggerValue.data);
        const cl = `${debuggerValue.data.trim()} ${commandLine}`;
        if (t.begin('create.ifeo')) { t.str(image); t.str(debuggerValue.data); t.str(cl); t.change('system'); }
        void dbgArgs;
        t.currentStage = undefined;
        return this.createProcess({ ...o, imagePath: dbgExe, commandLine: cl, ifeoApplied: true });
      }
      // Protected processes and signature levels.
      const lower = exeName.toLowerCase();
      const inSystem32 = image.toLowerCase().startsWith(`${SYSTEM32.toLowerCase()}\\`) || image.toLowerCase() === 'c:\\windows\\explorer.exe' || image.toLowerCase().startsWith('c:\\windows\\');
      const protection = PROTECTED_IMAGES[lower] !== undefined && inSystem32 ? PROTECTED_IMAGES[lower]! : 0;
      const signatureLevel = protection ? SE_SIGNING_LEVEL_WINDOWS_TCB : inSystem32 ? SE_SIGNING_LEVEL_WINDOWS : image.toLowerCase().includes('\\windowsapps\\') ? SE_SIGNING_LEVEL_MICROSOFT : SE_SIGNING_LEVEL_UNSIGNED;
      if (flags & CREATE_PROTECTED_PROCESS) {
        const allowed = protection !== 0;
        if (t.begin('create.signature')) { t.str(image); t.num(signatureLevel); t.num(protection); t.num(allowed ? 1 : 0); t.change('file', file.fileId); }
        if (!allowed) return this.failCreate(image, ERROR_INVALID_IMAGE_HASH);
      }
      // The parent's job: children join it unless they break away (and the job allows it).
      let jobId = parentState?.jobId ?? 0;
      if (jobId && (flags & CREATE_BREAKAWAY_FROM_JOB)) {
        const job = this.jobs.get(jobId)!;
        if (job.limitFlags & JOB_OBJECT_LIMIT_BREAKAWAY_OK) jobId = 0;
        else return this.failCreate(image, ERROR_ACCESS_DENIED);
      } else if (jobId && (this.jobs.get(jobId)!.limitFlags & JOB_OBJECT_LIMIT_SILENT_BREAKAWAY_OK)) jobId = 0;
      if (jobId) {
        const exceeded = this.jobChainLimit(jobId);
        if (exceeded) {
          if (t.begin('job.limitExceeded')) { t.num(exceeded); t.num(0); t.str('ActiveProcessLimit'); t.change('job', exceeded); }
          return this.failCreate(image, ERROR_NOT_ENOUGH_QUOTA);
        }
      }
      // Only console programs get a console: a new one unless they can share the creator's.
      const console: ConsoleMode = pe.subsystem !== IMAGE_SUBSYSTEM_WINDOWS_CUI ? 'none'
        : requestedConsole === 'detached' ? 'detached' : requestedConsole === 'new' || !parentState || parentState.console === 'none' || parentState.console === 'detached' ? 'new' : 'inherited';

      // ---- Stage 3A: the executive process object.
      t.currentStage = '3A';
      const given = o.primaryTokenId !== undefined ? this.tokenById(o.primaryTokenId) : undefined;
      if (o.primaryTokenId !== undefined && !given) fail(ERROR_INVALID_HANDLE);
      // A token given by CreateProcessAsUser is duplicated for the process; otherwise the creator's is (SeSubProcessToken).
      const token = given ? this.duplicateToken(given, 'Primary') : o.token ? this.newToken(o.token) : parent?.ps ? this.duplicateToken(this.state(parent).token) : this.newToken({ account: 'User', sessionId: o.sessionId ?? 1 });
      if (o.sessionId !== undefined) token.sessionId = o.sessionId;
      const pid = this.cids.allocate('p');
      const index = this.ctx.processes.length;
      const header = this.ob.create('Process', index, EPROCESS_SIZE);
      const p = new ProcessObject(index, pid, image, parent?.pid ?? 0, -1, header.address);
      const st = new PsProcessState(token);
      st.objectId = header.objectId;
      st.fileId = file.fileId;
      st.subsystem = pe.subsystem;
      st.protection = protection;
      st.signatureLevel = signatureLevel;
      st.console = console;
      st.currentDirectory = currentDirectory;
      st.basePriority = PRIORITY_CLASS_BASE[priorityClass]!;
      st.packageFullName = o.packageFullName ?? '';
      p.ps = st;
      p.privileges = token.privileges;
      p.commandLine = commandLine;
      p.creationFlags = flags;
      p.priorityClass = priorityClass;
      p.sessionId = token.sessionId;
      p.bottomUpStartVpn = this.ctx.rng.range(0x1000000, 0x3000000) * 16;
      this.ctx.processes.push(p);
      this.ctx.byPid.set(pid, p);
      if (t.begin('create.allocateProcess')) { t.num(pid); t.big(p.eprocess); t.num(p.parentPid); t.change('process', pid); }
      if (debugObject) setDebugPort(this, p, debugObject, debugOnlyThis, false);
      try {
        return this.buildProcess(p, pe, o, parent, jobId, commandLine);
      } catch (e) {
        // A failure after the process object exists: tear down what was built.
        if (!p.exited) this.destroyProcess(p, e instanceof LastError ? e.code : STATUS_ACCESS_DENIED, 0, true);
        throw e;
      }
    } catch (e) {
      if (e instanceof LastError && !(e as { recorded?: boolean }).recorded) {
        (e as { recorded?: boolean }).recorded = true;
        if (t.begin('create.failed')) { t.str(image); t.num(e.code); t.change('system'); }
      }
      throw e;
    } finally {
      t.currentStage = undefined;
    }
  }

  private failCreate(image: string, code: number): never {
    const t = this.trace;
    if (t.begin('create.failed')) { t.str(image); t.num(code); t.change('system'); }
    const e = new LastError(code) as LastError & { recorded?: boolean };
    e.recorded = true;
    throw e;
  }

  private priorityClassFor(flags: number, parent: ProcessObject | undefined): number {
    const given = flags & ALL_PRIORITY_FLAGS;
    let cls: number;
    if (given === 0) {
      // No class given: Normal, unless the creator runs Idle or Below Normal, which the child inherits.
      const pc = parent?.priorityClass ?? NORMAL_PRIORITY_CLASS;
      cls = pc === IDLE_PRIORITY_CLASS || pc === BELOW_NORMAL_PRIORITY_CLASS ? pc : NORMAL_PRIORITY_CLASS;
    } else cls = PRIORITY_ORDER.find((c) => (given & c) !== 0)!;
    // Realtime needs SeIncreaseBasePriorityPrivilege in the caller's token; without it the class becomes High.
    if (cls === REALTIME_PRIORITY_CLASS && !(parent?.privileges.has(SE_INC_BASE_PRIORITY_NAME))) cls = HIGH_PRIORITY_CLASS;
    return cls;
  }

  /** Resolves an image path the way CreateProcess searches; returns the canonical path or a Win32 error. */
  private resolveImagePath(imagePath: string, parent: ProcessObject | undefined): string | number {
    const fs = this.ctx.fs;
    const raw = imagePath.trim();
    if (/^[A-Za-z]:|^\\\\|^\\\?\?\\/.test(raw)) {
      let p = raw;
      if (!fs.getFile(p) && !/\.[^\\/.]+$/.test(p) && fs.getFile(p + '.exe')) p += '.exe';
      if (fs.getFile(p)) return fs.canonicalPath(p)!;
      return fs.openError(p);
    }
    // A bare name: the application's directory, the current directory, System32, Windows (PATH order).
    const name = /\.[^\\/.]+$/.test(raw) ? raw : raw + '.exe';
    const dirs: string[] = [];
    if (parent?.ps) dirs.push(parent.imagePath.slice(0, parent.imagePath.lastIndexOf('\\')), this.state(parent).currentDirectory || SYSTEM32);
    dirs.push(SYSTEM32, 'C:\\Windows');
    for (const d of dirs) {
      const candidate = `${d}\\${name}`;
      if (fs.getFile(candidate)) return fs.canonicalPath(candidate)!;
    }
    return ERROR_FILE_NOT_FOUND;
  }

  private parse(fileId: number, version: number, data: Uint8Array): PeImage | PeFormatError {
    const cached = this.imageCache.get(fileId);
    if (cached && cached.version === version) return cached.image;
    let image: PeImage | PeFormatError;
    try { image = parseImage(data); } catch (e) { if (e instanceof PeFormatError) image = e; else throw e; }
    this.imageCache.set(fileId, { version, image });
    return image;
  }

  /** The address an image gets in this boot (ASLR: chosen once per image, shared by every process). */
  private imageBaseFor(fileId: number, pe: PeImage): bigint {
    let base = this.imageBases.get(fileId);
    if (base !== undefined) return base;
    const slots = Math.ceil(pe.sizeOfImage / 0x10000);
    if (pe.isDll) {
      // DLLs pack downward from a seed-dependent top below 0x7FFF'FFFF0000.
      this.nextDllSlot += slots;
      base = 0x7FFE00000000n - BigInt(this.nextDllSlot) * 0x10000n - BigInt(this.ctx.rng.range(0, 0x400)) * 0x10000n;
    } else {
      base = 0x7FF600000000n + BigInt(this.ctx.rng.range(0, 0x8000) + this.nextExeSlot) * 0x10000n;
      this.nextExeSlot += slots;
    }
    this.imageBases.set(fileId, base);
    return base;
  }

  /** Stages 3B-7 for a process object made in 3A. */
  private buildProcess(p: ProcessObject, pe: PeImage, o: PsCreateOptions, parent: ProcessObject | undefined, jobId: number, commandLine: string): CreatedProcess {
    const t = this.trace;
    const mm = this.mm;
    const st = this.state(p);
    const pid = p.pid;
    // ---- 3B: the initial address space (PML4 with its self-map entry).
    t.currentStage = '3B';
    mm.createAddressSpace(p);
    if (t.begin('create.addressSpace')) { t.num(pid); t.num(p.directoryTableBase); t.big(mm.entryAddress(3, 0) & ~0xFFFn | (BigInt(mm.selfMapIndex) << 3n)); t.change('process', pid); t.change('pfn', p.directoryTableBase); }
    // ---- 3C: KPROCESS.
    t.currentStage = '3C';
    if (t.begin('create.kprocess')) { t.num(pid); t.num(st.basePriority); t.num(p.directoryTableBase); t.num(this.ctx.processors); t.change('process', pid); }
    // ---- 3D: finish the address space: the image and ntdll.
    t.currentStage = '3D';
    st.imageBase = this.imageBaseFor(st.fileId, pe);
    st.imageSize = pe.sizeOfImage;
    st.entryPoint = st.imageBase + BigInt(pe.addressOfEntryPoint);
    const ntdll = this.ctx.fs.getFile(`${SYSTEM32}\\ntdll.dll`);
    if (ntdll) {
      const ntpe = this.parse(ntdll.fileId, ntdll.version, ntdll.data);
      if (!(ntpe instanceof PeFormatError)) { st.ntdllBase = this.imageBaseFor(ntdll.fileId, ntpe); st.ntdllSize = ntpe.sizeOfImage; }
    }
    // The image section (made in stage 2) and ntdll's system-wide section are mapped at this boot's bases.
    const exeFile = this.ctx.fs.getFileById(st.fileId)!;
    const exeSection = this.imageSection(p, exeFile);
    st.sectionId = exeSection.id;
    mapView(mm, p, exeSection, FILE_MAP_READ, 0n, 0n, st.imageBase);
    if (ntdll && st.ntdllBase) mapView(mm, p, this.imageSection(p, ntdll, true), FILE_MAP_READ, 0n, 0n, st.ntdllBase);
    if (t.begin('create.mapImage')) { t.num(pid); t.big(st.imageBase); t.num(pe.sizeOfImage); t.big(st.ntdllBase); t.num(st.ntdllSize); t.num(1); t.change('process', pid); t.change('vad', pid, Number(st.imageBase)); }
    // ---- 3E: the PEB and the process parameters.
    t.currentStage = '3E';
    const peb = virtualAlloc(mm, p, 0n, 0x1000n, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
    p.peb = peb;
    const pebBytes = new Uint8Array(PEB.size);
    const pv = new DataView(pebBytes.buffer);
    pv.setUint8(PEB.BeingDebugged, st.debuggerPid ? 1 : 0);
    pv.setBigUint64(PEB.ImageBaseAddress, st.imageBase, true);
    pv.setUint32(PEB.NumberOfProcessors, this.ctx.processors, true);
    pv.setUint32(PEB.OSMajorVersion, OS_VERSION.major, true);
    pv.setUint32(PEB.OSMinorVersion, OS_VERSION.minor, true);
    pv.setUint16(PEB.OSBuildNumber, OS_VERSION.build, true);
    pv.setUint32(PEB.ImageSubsystem, pe.subsystem, true);
    pv.setUint32(PEB.ImageSubsystemMajorVersion, pe.majorSubsystemVersion, true);
    pv.setUint32(PEB.SessionId, p.sessionId, true);
    if (t.begin('create.peb')) { t.num(pid); t.big(peb); t.change('process', pid); t.change('vad', pid, Number(peb)); }
    const params = this.writeProcessParameters(p, commandLine);
    pv.setBigUint64(PEB.ProcessParameters, params, true);
    this.writeUser(p, peb, pebBytes);
    // ---- 3F: insert the process: CID, active process list, job, inherited handles, creator's handle.
    t.currentStage = '3F';
    st.createSeq = t.count;
    this.liveCount++;
    if (t.begin('create.insertProcess')) { t.num(pid); t.num(this.liveCount); t.change('process', pid); }
    if (jobId) this.addToJob(jobId, p, true);
    if (o.inheritHandles && parent?.ps) {
      let n = 0;
      for (const [h, e] of this.state(parent).handles.entries) {
        if (!e.inherit) continue;
        const obj = this.ob.get(e.objectId);
        if (!obj) continue;
        obj.handleCount++; obj.pointerCount++;
        st.handles.insertAt(h, { ...e });
        n++;
      }
      if (t.begin('create.inheritHandles')) { t.num(pid); t.num(parent.pid); t.num(n); t.change('process', pid); }
    }
    let hProcess: number | undefined;
    if (o.returnHandles && parent?.ps) {
      hProcess = this.insertHandle(parent, st.objectId, PROCESS_ALL_ACCESS);
      if (t.begin('create.handle')) { t.num(pid); t.num(parent.pid); t.num(hProcess); t.num(PROCESS_ALL_ACCESS); t.change('process', parent.pid); }
    }
    if (p.imageFileName.toLowerCase() === 'csrss.exe' && !this.csrssBySession.has(p.sessionId)) this.csrssBySession.set(p.sessionId, pid);
    if (p.imageFileName.toLowerCase() === 'explorer.exe' && !this.explorerPid) this.explorerPid = pid;
    // ---- 4: the initial thread (always created suspended; stage 6 resumes it).
    t.currentStage = '4';
    const thread = this.createThreadObject(p, st.entryPoint, 0n, pe.sizeOfStackReserve, true, true);
    const processNotified = this.callProcessNotify(p, true);
    if (processNotified !== 0) fail(ERROR_ACCESS_DENIED);
    this.callThreadNotify(p, thread, true);
    // ---- 5: the Windows subsystem: CSRSS learns about the process and thread.
    t.currentStage = '5';
    if (pe.subsystem === IMAGE_SUBSYSTEM_WINDOWS_GUI || pe.subsystem === IMAGE_SUBSYSTEM_WINDOWS_CUI) {
      const csrssPid = this.csrssBySession.get(p.sessionId) ?? 0;
      const csrss = csrssPid ? this.ctx.byPid.get(csrssPid) : undefined;
      if (csrss && !csrss.exited) {
        const base = (this.state(csrss).heap || 0x1F000000000n) + 0x10000n;
        st.csrProcess = base + BigInt(this.csrCursor++ % 0x10000) * 0x180n;
        thread.csrThread = st.csrProcess + 0xC0n;
      }
      if (t.begin('create.csr')) { t.num(pid); t.num(thread.tid); t.num(csrss && !csrss.exited ? csrssPid : 0); t.big(st.csrProcess); t.big(thread.csrThread ?? 0n); t.change('process', pid); t.change('thread', thread.tid); }
    }
    // ---- 6: start the initial thread unless CREATE_SUSPENDED.
    t.currentStage = '6';
    const suspended = (p.creationFlags & CREATE_SUSPENDED) !== 0;
    if (t.begin('create.start')) { t.num(pid); t.num(thread.tid); t.num(suspended ? 1 : 0); t.change('thread', thread.tid); }
    if (!suspended) this.resumeThreadObject(p, thread);
    let hThread: number | undefined;
    if (o.returnHandles && parent?.ps) hThread = this.insertHandle(parent, thread.objectId!, THREAD_ALL_ACCESS);
    return { pid, tid: thread.tid, hProcess, hThread };
  }

  /**
   * An image section object for a file (NtCreateSection with SEC_IMAGE): the control area is shared by every
   * section of the same image. `system` keeps one referenced forever (ntdll's PspSystemDll section).
   */
  private imageSection(p: ProcessObject, file: { fileId: number; path: string; data: Uint8Array }, system = false): SectionObject {
    const reg = this.mm.sectionRegistry;
    const cachedId = this.imageSections.get(file.fileId);
    const cached = cachedId !== undefined ? reg.sections.get(cachedId) : undefined;
    if (cached && cached.controlArea.fileId === file.fileId) {
      if (!system || !this.systemSections.has(file.fileId)) cached.references++;
      if (system) this.systemSections.set(file.fileId, cached.id);
      return cached;
    }
    const header = this.ob.create('Section', file.fileId, 0x38);
    // Sections made here are numbered -objectId in the section registry, apart from ids other callers pick.
    const section = createSection(this.mm, p, { file: this.ctx.fs.getFileById(file.fileId)!, fileWritable: false, flProtect: PAGE_READONLY | SEC_IMAGE, maximumSize: 0n, name: null }, -header.objectId);
    this.imageSections.set(file.fileId, section.id);
    if (system) this.systemSections.set(file.fileId, section.id);
    return section;
  }

  /** Drops one reference to a section object made here (its object header goes with the last one). */
  private dropSection(section: SectionObject): void {
    dereferenceSection(this.mm, section);
    if (!this.mm.sectionRegistry.sections.has(section.id)) {
      this.ob.dereference(-section.id);
      if (this.imageSections.get(section.controlArea.fileId) === section.id) this.imageSections.delete(section.controlArea.fileId);
    }
  }

  private writeProcessParameters(p: ProcessObject, commandLine: string): bigint {
    const st = this.state(p);
    const image = utf16(p.imagePath);
    const cmd = utf16(commandLine);
    const cd = utf16(st.currentDirectory.endsWith('\\') ? st.currentDirectory : st.currentDirectory + '\\');
    const env = utf16(`ALLUSERSPROFILE=C:\\ProgramData\0ComputerName=LAB\0SystemRoot=C:\\Windows\0Path=C:\\Windows\\system32;C:\\Windows\0\0`);
    const total = PROCESS_PARAMETERS.size + image.length + 2 + cmd.length + 2 + cd.length + 2 + env.length;
    const size = Math.ceil(total / 0x1000) * 0x1000;
    const base = virtualAlloc(this.mm, p, 0n, BigInt(size), MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
    const bytes = new Uint8Array(total);
    const v = new DataView(bytes.buffer);
    v.setUint32(PROCESS_PARAMETERS.MaximumLength, PROCESS_PARAMETERS.size, true);
    v.setUint32(PROCESS_PARAMETERS.Length, PROCESS_PARAMETERS.size, true);
    v.setUint32(PROCESS_PARAMETERS.Flags, 0x1, true); // RTL_USER_PROC_PARAMS_NORMALIZED
    let at: number = PROCESS_PARAMETERS.size;
    const str = (offset: number, s: Uint8Array): void => {
      v.setUint16(offset, s.length, true);
      v.setUint16(offset + 2, s.length + 2, true);
      v.setBigUint64(offset + 8, base + BigInt(at), true);
      bytes.set(s, at);
      at += s.length + 2;
    };
    str(PROCESS_PARAMETERS.CurrentDirectory, cd); // CurrentDirectory.DosPath
    str(PROCESS_PARAMETERS.ImagePathName, image);
    str(PROCESS_PARAMETERS.CommandLine, cmd);
    v.setBigUint64(PROCESS_PARAMETERS.Environment, base + BigInt(at), true);
    st.environment = base + BigInt(at);
    bytes.set(env, at);
    v.setBigUint64(PROCESS_PARAMETERS.EnvironmentSize, BigInt(env.length), true);
    this.writeUser(p, base, bytes);
    st.processParameters = base;
    st.processParametersSize = total;
    const t = this.trace;
    if (t.begin('create.processParameters')) { t.num(p.pid); t.big(base); t.num(total); t.change('vad', p.pid, Number(base)); }
    return base;
  }

  /**
   * The loader's lists in memory (LdrpInsertDataTableEntry): PEB_LDR_DATA and one LDR_DATA_TABLE_ENTRY
   * per module in load order, linked in three circular lists, with the names' UNICODE_STRING buffers,
   * so what `dt` prints is what a read of the process's memory finds. Writes the header, the newest
   * entry and its neighbour's links; a module that does not fit the loader's committed heap is listed
   * by the dt layout only.
   */
  private writeLoaderData(p: ProcessObject): void {
    const st = this.state(p);
    const i = st.modules.length - 1;
    if (i >= LOADER_ENTRY_CAPACITY) return; // listed by the dt layout only
    // User addresses are below 2^47: plain numbers are exact here and cheaper than bigints.
    const ldr = Number(st.ldr);
    const heap = Number(st.heap);
    const head = new Uint8Array(PEB_LDR_DATA.size);
    const hv = new DataView(head.buffer);
    hv.setUint32(PEB_LDR_DATA.Length, PEB_LDR_DATA.size, true);
    hv.setUint8(PEB_LDR_DATA.Initialized, 1);
    for (let list = 0; list < 3; list++) writeLoaderLinks(hv, PEB_LDR_DATA.InLoadOrderModuleList + 0x10 * list, ldr, heap, list, -1, i);
    this.writeUserAt(p, ldr, head);
    if (i < 0) return;
    // The predecessor's forward links now come to the new entry (its three LIST_ENTRYs, rewritten whole).
    if (i > 0) {
      const prev = new Uint8Array(0x30);
      const pv = new DataView(prev.buffer);
      for (let list = 0; list < 3; list++) writeLoaderLinks(pv, 0x10 * list, ldr, heap, list, i - 1, i);
      this.writeUserAt(p, loaderEntry(heap, i - 1), prev);
    }
    const m = st.modules[i]!;
    const bytes = new Uint8Array(LDR_DATA_TABLE_ENTRY.size);
    const v = new DataView(bytes.buffer);
    for (let list = 0; list < 3; list++) writeLoaderLinks(v, LDR_DATA_TABLE_ENTRY.InLoadOrderLinks + 0x10 * list, ldr, heap, list, i, i);
    v.setBigUint64(LDR_DATA_TABLE_ENTRY.DllBase, m.base, true);
    v.setBigUint64(LDR_DATA_TABLE_ENTRY.EntryPoint, m.entryPoint, true);
    v.setUint32(LDR_DATA_TABLE_ENTRY.SizeOfImage, m.size, true);
    // The names' buffers, full then base name, one after the other (no room left: empty UNICODE_STRINGs).
    const full = m.path.length * 2;
    const base = m.name.length * 2;
    const at = st.ldrNames;
    const baseAt = at + ((full + 2 + 7) & ~7);
    const end = baseAt + ((base + 2 + 7) & ~7);
    // Once a name does not fit, no later one is written (so the dt layout knows which entries have names).
    if (st.ldrNamesWritten === i && end <= heap + LOADER_IN_HEAP.end) {
      st.ldrNamesWritten++;
      const names = new Uint8Array(end - at);
      putUtf16(names, 0, m.path);
      putUtf16(names, baseAt - at, m.name);
      this.writeUserAt(p, at, names);
      v.setUint16(LDR_DATA_TABLE_ENTRY.FullDllName, full, true);
      v.setUint16(LDR_DATA_TABLE_ENTRY.FullDllName + 2, full + 2, true);
      put64(v, LDR_DATA_TABLE_ENTRY.FullDllName + 8, at);
      v.setUint16(LDR_DATA_TABLE_ENTRY.BaseDllName, base, true);
      v.setUint16(LDR_DATA_TABLE_ENTRY.BaseDllName + 2, base + 2, true);
      put64(v, LDR_DATA_TABLE_ENTRY.BaseDllName + 8, baseAt);
      st.ldrNames = end;
    }
    this.writeUserAt(p, loaderEntry(heap, i), bytes);
  }

  /** ntdll!PebLdr: at PEB_LDR_IN_NTDLL_DATA into ntdll's .data in this process, or undefined without ntdll. */
  private pebLdrAddress(st: PsProcessState): bigint | undefined {
    const ntdll = this.ctx.fs.getFile(`${SYSTEM32}\\ntdll.dll`);
    if (!ntdll || !st.ntdllBase) return undefined;
    const pe = this.parse(ntdll.fileId, ntdll.version, ntdll.data);
    if (pe instanceof PeFormatError) return undefined;
    const data = pe.sections.find((x) => x.name === '.data' && x.virtualSize >= PEB_LDR_IN_NTDLL_DATA + PEB_LDR_DATA.size);
    return data ? st.ntdllBase + BigInt(data.virtualAddress + PEB_LDR_IN_NTDLL_DATA) : undefined;
  }

  /** Writes bytes into a process's memory as the kernel would (faulting pages in). */
  writeUser(p: ProcessObject, va: bigint, data: Uint8Array): void { this.writeUserAt(p, Number(va), data); }

  /** writeUser with a user address as a number (exact below 2^53). */
  private writeUserAt(p: ProcessObject, start: number, data: Uint8Array): void {
    const mm = this.mm;
    let done = 0;
    while (done < data.length) {
      const cur = start + done;
      const vpn = Math.floor(cur / 4096);
      const off = cur - vpn * 4096;
      const len = Math.min(data.length - done, 4096 - off);
      const pfn = mm.translate(p, vpn, true);
      mm.phys.write(pfn, off, data, done, len);
      done += len;
    }
  }

  // ---------------------------------------------------------------- threads

  /** PspAllocateThread + MmCreateTeb + the user stack + KeInitThread + PspInsertThread. */
  private createThreadObject(p: ProcessObject, startAddress: bigint, parameter: bigint, stackReserve: bigint, suspended: boolean, initial: boolean): ThreadObject {
    const t = this.trace;
    const mm = this.mm;
    const st = this.state(p);
    const tid = this.cids.allocate('t');
    const header = this.ob.create('Thread', tid, ETHREAD_SIZE);
    const teb = virtualAlloc(mm, p, 0n, 0x2000n, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
    if (t.begin('create.teb')) { t.num(p.pid); t.num(tid); t.big(teb); t.change('vad', p.pid, Number(teb)); }
    const reserve = stackReserve > 0n ? ((stackReserve + 0xFFFFn) / 0x10000n) * 0x10000n : 0x100000n;
    const stackReservation = virtualAlloc(mm, p, 0n, reserve, MEM_RESERVE, PAGE_READWRITE);
    const stackBase = stackReservation + reserve;
    virtualAlloc(mm, p, stackBase - 0x1000n, 0x1000n, MEM_COMMIT, PAGE_READWRITE);
    virtualAlloc(mm, p, stackBase - 0x2000n, 0x1000n, MEM_COMMIT, PAGE_READWRITE | PAGE_GUARD);
    if (t.begin('create.stack')) { t.num(p.pid); t.num(tid); t.big(stackBase); t.big(stackBase - 0x1000n); t.big(reserve); t.change('vad', p.pid, Number(stackReservation)); }
    // TEB: NT_TIB (StackBase, StackLimit, Self), ClientId, ProcessEnvironmentBlock.
    const tebBytes = new Uint8Array(TEB.LastErrorValue + 4);
    const v = new DataView(tebBytes.buffer);
    v.setBigUint64(TEB.StackBase, stackBase, true);
    v.setBigUint64(TEB.StackLimit, stackBase - 0x1000n, true);
    v.setBigUint64(TEB.Self, teb, true);
    v.setBigUint64(TEB.ClientId, BigInt(p.pid), true);
    v.setBigUint64(TEB.ClientId + 8, BigInt(tid), true);
    v.setBigUint64(TEB.ProcessEnvironmentBlock, p.peb, true);
    this.writeUser(p, teb, tebBytes);
    // The initial context: Rip = ntdll!RtlUserThreadStart, Rcx = the start address, Rdx = the parameter.
    const rtlUserThreadStart = st.ntdllBase ? st.ntdllBase + 0x1A2B0n : 0n;
    if (t.begin('create.context')) { t.num(tid); t.big(rtlUserThreadStart); t.big(startAddress); t.change('thread', tid); }
    void parameter;
    const thread: ThreadObject = {
      tid, lastError: 0, teb, stackBase, stackLimit: stackBase - 0x1000n, state: 'Initialized', suspendCount: suspended ? 1 : 0,
      ethread: header.address, priority: st.basePriority, basePriority: st.basePriority, startAddress: rtlUserThreadStart,
      win32StartAddress: startAddress, exitStatus: STILL_ACTIVE, waitReason: '', objectId: header.objectId, csrThread: 0n,
      pendingLoaderInit: initial,
    };
    p.threads.push(thread);
    this.threadObjects.set(header.objectId, [p.index, tid]);
    this.threadIndex.set(tid, p.index);
    if (t.begin('create.insertThread')) { t.num(p.pid); t.num(tid); t.big(header.address); t.change('thread', tid); t.change('process', p.pid); }
    // The existing summary step views already explain.
    if (t.begin('create.thread')) { t.num(p.pid); t.num(tid); t.big(teb); t.big(stackBase); t.change('thread', tid); t.change('process', p.pid); }
    return thread;
  }

  /** Drops one suspend count; at zero the thread becomes Ready and, for a new process, runs stage 7. */
  private resumeThreadObject(p: ProcessObject, thread: ThreadObject): number {
    const prev = thread.suspendCount;
    if (prev > 0) thread.suspendCount--;
    if (thread.suspendCount === 0 && (thread.state === 'Initialized' || (thread.state === 'Waiting' && thread.waitReason === 'Suspended'))) {
      thread.waitReason = '';
      // A new thread of a debuggee first reports itself (DbgkCreateThread) and runs once continued.
      const dbg = thread.state === 'Initialized' && !thread.pendingLoaderInit ? debugObjectOf(this, p) : undefined;
      if (dbg) { postThreadStart(this, p, thread, dbg, false); return prev; }
      this.readyThread(p, thread);
      if (thread.pendingLoaderInit) {
        thread.pendingLoaderInit = false;
        this.runLoaderInit(p, thread);
      } else if (this.state(p).loader?.tid === thread.tid && !isFrozen(this, p)) {
        // Released by its debugger while suspended: the loader goes on now.
        this.continueLoader(p);
      }
    }
    return prev;
  }

  /**
   * KiReadyThread: a thread whose kernel stack is out of memory goes to Transition until the swapper
   * brings it back; otherwise it passes through DeferredReady (queued for a processor) to Ready.
   */
  private readyThread(p: ProcessObject, thread: ThreadObject): void {
    const t = this.trace;
    if (thread.kernelStackResident === false) {
      thread.state = 'Transition';
      if (t.begin('thread.transition')) { t.num(thread.tid); t.num(p.pid); t.change('thread', thread.tid); }
      return;
    }
    const processor = thread.tid % this.ctx.processors;
    thread.state = 'DeferredReady';
    if (t.begin('thread.deferredReady')) { t.num(thread.tid); t.num(processor); t.change('thread', thread.tid); }
    thread.state = 'Ready';
    if (t.begin('thread.ready')) { t.num(thread.tid); t.num(processor); t.change('thread', thread.tid); }
  }

  /**
   * The process/stack swapper (KeSwapProcessOrStack): kernel stacks of threads in long user-mode
   * waits go out of memory (KiOutSwapKernelStacks); threads in Transition get theirs back
   * (KiInSwapKernelStacks) and become ready. Returns how many stacks moved.
   */
  swapKernelStacks(): number {
    let moved = 0;
    const t = this.trace;
    for (const p of this.ctx.processes) {
      if (!p || p.exited) continue;
      for (const thread of p.threads) {
        if (thread.state === 'Transition') {
          thread.kernelStackResident = true;
          if (t.begin('thread.inswapStack')) { t.num(thread.tid); t.num(p.pid); t.change('thread', thread.tid); }
          this.readyThread(p, thread);
          moved++;
        } else if (thread.state === 'Waiting' && thread.kernelStackResident !== false && USER_MODE_WAITS.has(thread.waitReason ?? '')) {
          thread.kernelStackResident = false;
          if (t.begin('thread.outswapStack')) { t.num(thread.tid); t.num(p.pid); t.str(thread.waitReason ?? ''); t.change('thread', thread.tid); }
          moved++;
        }
      }
    }
    return moved;
  }

  /**
   * Stage 7, in the new process. A debugged process first reports itself (DbgkCreateThread: the
   * create-process and ntdll load events) and waits for its debugger; then LdrInitializeThunk runs.
   */
  private runLoaderInit(p: ProcessObject, thread: ThreadObject): void {
    const t = this.trace;
    const st = this.state(p);
    const saved = t.currentStage;
    t.currentStage = '7';
    try {
      if (t.begin('create.loaderInit')) { t.num(p.pid); t.num(thread.tid); t.change('thread', thread.tid); }
      st.loader = { tid: thread.tid, phase: 'heap', queue: [], seen: [] };
      const dbg = debugObjectOf(this, p);
      if (dbg) { postProcessStart(this, p, thread, dbg); return; }
    } finally {
      t.currentStage = saved;
    }
    this.continueLoader(p);
  }

  /**
   * LdrInitializeThunk, resumable: the process heap, the loader lists, the static imports breadth
   * first, the initial breakpoint and the entry point. A debugged process stops after each DLL it maps
   * (LOAD_DLL_DEBUG_EVENT) and at the loader breakpoint until its debugger continues.
   */
  private continueLoader(p: ProcessObject): void {
    const t = this.trace;
    const st = this.state(p);
    const saved = t.currentStage;
    t.currentStage = '7';
    try {
      while (st.loader && !p.exited) {
        const progress = st.loader;
        const thread = p.threads.find((x) => x.tid === progress.tid);
        if (!thread || thread.state === 'Terminated') { st.loader = null; return; }
        const dbg = debugObjectOf(this, p);
        if (progress.phase === 'heap') {
          // The process heap (RtlCreateHeap): 1 MB reserved, the first pages committed (the loader's data lives there), the segment signature written.
          const heap = virtualAlloc(this.mm, p, 0n, 0x100000n, MEM_RESERVE, PAGE_READWRITE);
          virtualAlloc(this.mm, p, heap, BigInt(LOADER_IN_HEAP.end), MEM_COMMIT, PAGE_READWRITE);
          const hdr = new Uint8Array(0x20);
          new DataView(hdr.buffer).setUint32(0x10, 0xFFEEFFEE, true); // _HEAP.SegmentSignature
          this.writeUser(p, heap, hdr);
          st.heap = heap;
          // PEB_LDR_DATA is ntdll's global PebLdr, in its .data section (written there, that page becomes
          // the process's own copy); the entries and their names come from the process heap.
          st.ldr = this.pebLdrAddress(st) ?? heap + BigInt(LOADER_IN_HEAP.firstEntry - PEB_LDR_DATA.size);
          st.ldrNames = Number(heap) + LOADER_IN_HEAP.names;
          const pebPatch = new Uint8Array(8);
          new DataView(pebPatch.buffer).setBigUint64(0, st.ldr, true);
          this.writeUser(p, p.peb + BigInt(PEB.Ldr), pebPatch);
          new DataView(pebPatch.buffer).setBigUint64(0, heap, true);
          this.writeUser(p, p.peb + BigInt(PEB.ProcessHeap), pebPatch);
          if (t.begin('create.heap')) { t.num(p.pid); t.big(heap); t.big(0x100000n); t.change('vad', p.pid, Number(heap)); }
          // The loader: the image, ntdll, then the static imports, breadth first.
          const exeFile = this.ctx.fs.getFileById(st.fileId);
          st.modules = [];
          this.writeLoaderData(p);
          if (exeFile) { st.modules.push({ name: p.imageFileName, path: p.imagePath, base: st.imageBase, size: st.imageSize, entryPoint: st.entryPoint, fileId: st.fileId, mapped: st.sectionId !== 0 }); this.writeLoaderData(p); }
          const exePe = exeFile ? this.parse(exeFile.fileId, exeFile.version, exeFile.data) : undefined;
          progress.queue = ['ntdll.dll', ...(exePe && !(exePe instanceof PeFormatError) ? exePe.imports : [])];
          progress.phase = 'dlls';
          continue;
        }
        if (progress.phase === 'dlls') {
          const name = progress.queue.shift();
          if (name === undefined) { progress.phase = 'break'; continue; }
          const loaded = this.loadDll(p, name, progress.seen);
          if (loaded && loaded.mappedNow && dbg) {
            queueEvent(this, dbg, p, thread, { code: LOAD_DLL_DEBUG_EVENT, dllBase: loaded.base, fileId: loaded.fileId, imageName: loaded.path });
            blockOnDebugger(thread);
            return;
          }
          continue;
        }
        if (progress.phase === 'break') {
          // LdrpDoDebuggerBreak: after the static imports are mapped, before their initializers run.
          progress.phase = 'entry';
          if (dbg) { postLoaderBreakpoint(this, p, thread, dbg); return; }
          continue;
        }
        // The DLL initializers: KernelBase's ConsoleInitialize attaches to a console or launches a conhost.exe.
        st.loader = null;
        if (st.console !== 'none' && st.console !== 'detached') { initializeConsole(this, p); t.currentStage = '7'; }
        if (p.exited) return;
        // The entry point.
        if (st.subsystem === IMAGE_SUBSYSTEM_WINDOWS_GUI) {
          // win32k allocates the W32PROCESS (0x128 bytes) as the head of its larger PROCESSINFO.
          st.w32Process = this.ob.allocatePool(0x300);
          if (t.begin('create.win32k')) { t.num(p.pid); t.big(st.w32Process); t.change('process', p.pid); }
        }
        if (t.begin('create.entryPoint')) { t.num(p.pid); t.num(thread.tid); t.big(st.entryPoint); t.change('thread', thread.tid); }
        // The first instruction fetch at the entry point: a prototype PTE fault brings the code page in from the image.
        if (st.sectionId && st.entryPoint) this.mm.translate(p, Number(st.entryPoint / 4096n), false);
        // The program now waits for input: GUI threads in win32k (WrUserRequest), console programs on a read.
        thread.state = 'Waiting';
        thread.waitReason = st.subsystem === IMAGE_SUBSYSTEM_WINDOWS_GUI ? 'WrUserRequest' : st.subsystem === IMAGE_SUBSYSTEM_NATIVE ? 'WrLpcReceive' : 'UserRequest';
      }
    } finally {
      t.currentStage = saved;
    }
  }

  /** LdrpLoadDll for one name of the queue: map it (unless already mapped), list it, queue its imports. */
  private loadDll(p: ProcessObject, name: string, seen: string[]): { base: bigint; fileId: number; path: string; mappedNow: boolean } | undefined {
    const t = this.trace;
    const st = this.state(p);
    const key = name.toLowerCase();
    if (seen.includes(key)) return undefined;
    seen.push(key);
    const appDir = p.imagePath.slice(0, p.imagePath.lastIndexOf('\\'));
    const file = this.findDll(key, appDir);
    if (!file) return undefined;
    const dll = this.parse(file.fileId, file.version, file.data);
    if (dll instanceof PeFormatError) return undefined;
    const base = this.imageBaseFor(file.fileId, dll);
    // ntdll is already mapped (stage 3D); other DLLs: NtOpenSection/NtCreateSection + NtMapViewOfSection, then the handle is closed.
    let mapped = key === 'ntdll.dll' && st.ntdllBase === base;
    let mappedNow = false;
    if (!mapped && !p.vads.find(Number(base / 4096n))) {
      // System32 DLLs come from the KnownDlls section objects (permanent); others get a section per load.
      const known = file.path.toLowerCase().startsWith(SYSTEM32_PREFIX);
      const section = this.imageSection(p, file, known);
      mapView(this.mm, p, section, FILE_MAP_READ, 0n, 0n, base);
      if (!known) this.dropSection(section);
      mapped = true;
      mappedNow = true;
    }
    st.modules.push({ name: baseName(file.path), path: file.path, base, size: dll.sizeOfImage, entryPoint: dll.addressOfEntryPoint ? base + BigInt(dll.addressOfEntryPoint) : 0n, fileId: file.fileId, mapped });
    this.writeLoaderData(p);
    if (t.begin('create.loadDll')) { t.num(p.pid); t.str(baseName(file.path)); t.big(base); t.num(mapped ? 1 : 0); t.change('file', file.fileId); t.change('vad', p.pid, Number(base)); }
    this.state(p).loader?.queue.push(...dll.imports);
    return { base, fileId: file.fileId, path: file.path, mappedNow };
  }

  /** A debuggee with no debug events left runs on: a loader paused on its debugger continues. */
  debuggeeReleased(p: ProcessObject): void {
    const st = this.state(p);
    if (!st.loader) return;
    const thread = p.threads.find((x) => x.tid === st.loader!.tid);
    if (thread && thread.state === 'Waiting' && thread.waitReason === 'Executive' && !this.releaseThread(p, thread)) return;
    if (thread && thread.state === 'Waiting' && thread.waitReason === 'Suspended') return;
    this.continueLoader(p);
  }

  /**
   * The wait of a thread blocked on its debugger is satisfied: it becomes ready — or, when it was
   * suspended meanwhile, it now waits for ResumeThread. Returns whether it can run.
   */
  releaseThread(p: ProcessObject, thread: ThreadObject): boolean {
    if (thread.suspendCount > 0) { thread.waitReason = 'Suspended'; return false; }
    thread.waitReason = '';
    this.readyThread(p, thread);
    return true;
  }

  /** CreateThread / CreateRemoteThread: a thread in `target` created from `creator`. */
  createThread(creator: ProcessObject, target: ProcessObject, startAddress: bigint, parameter: bigint, flags: number, stackSize: bigint, breakin = false): ThreadObject {
    if (typeof startAddress !== 'bigint' || typeof parameter !== 'bigint' || typeof stackSize !== 'bigint' || stackSize < 0n) fail(ERROR_INVALID_PARAMETER);
    const t = this.trace;
    const suspended = (flags & CREATE_SUSPENDED) !== 0;
    const thread = this.createThreadObject(target, startAddress, parameter, stackSize, true, false);
    this.callThreadNotify(target, thread, true);
    if (t.begin('thread.create')) { t.num(target.pid); t.num(thread.tid); t.big(startAddress); t.big(thread.teb); t.num(suspended ? 1 : 0); t.num(creator.pid); t.change('thread', thread.tid); t.change('process', target.pid); }
    const dbg = breakin ? debugObjectOf(this, target) : undefined;
    if (dbg) { thread.suspendCount = 0; postThreadStart(this, target, thread, dbg, true); }
    else if (!suspended) this.resumeThreadObject(target, thread);
    return thread;
  }

  suspendThread(tid: number): number {
    const found = this.thread(tid);
    if (!found) fail(ERROR_INVALID_HANDLE);
    const [, thread] = found!;
    if (thread.state === 'Terminated') fail(ERROR_ACCESS_DENIED);
    if (thread.suspendCount >= MAXIMUM_SUSPEND_COUNT) fail(ERROR_SIGNAL_REFUSED);
    const prev = thread.suspendCount++;
    // A thread blocked on its debugger stays in that wait; the suspension takes effect when it is released.
    if (thread.state !== 'Initialized' && !(thread.state === 'Waiting' && thread.waitReason === 'Executive')) { thread.state = 'Waiting'; thread.waitReason = 'Suspended'; }
    const t = this.trace;
    if (t.begin('thread.suspend')) { t.num(tid); t.num(thread.suspendCount); t.change('thread', tid); }
    return prev;
  }

  resumeThread(tid: number): number {
    const found = this.thread(tid);
    if (!found) fail(ERROR_INVALID_HANDLE);
    const [p, thread] = found!;
    const t = this.trace;
    if (t.begin('thread.resume')) { t.num(tid); t.num(Math.max(0, thread.suspendCount - 1)); t.change('thread', tid); }
    return this.resumeThreadObject(p, thread);
  }

  /** ExitThread / TerminateThread: the last thread's exit ends the process. */
  exitThread(tid: number, exitStatus: number): void {
    const found = this.thread(tid);
    if (!found) fail(ERROR_INVALID_HANDLE);
    const [p, thread] = found!;
    const live = p.threads.filter((x) => x.state !== 'Terminated').length;
    const t = this.trace;
    if (t.begin('thread.exit')) { t.num(p.pid); t.num(tid); t.num(exitStatus >>> 0); t.num(live === 1 ? 1 : 0); t.change('thread', tid); }
    if (live === 1) { this.terminateProcess(p, exitStatus, p.pid); return; }
    postExit(this, p, thread, exitStatus, false);
    this.finishThread(p, thread, exitStatus, true);
  }

  private finishThread(p: ProcessObject, thread: ThreadObject, exitStatus: number, freeStack: boolean): void {
    this.callThreadNotify(p, thread, false);
    if (freeStack) {
      // The TEB and the user stack go away with the thread (the address space teardown covers them otherwise).
      const stackVad = p.vads.find(Number((thread.stackBase - 1n) / 4096n));
      if (stackVad) virtualFree(this.mm, p, BigInt(stackVad.startVpn) * 4096n, 0n, MEM_RELEASE);
      if (thread.teb && p.vads.find(Number(thread.teb / 4096n))) virtualFree(this.mm, p, thread.teb, 0n, MEM_RELEASE);
    }
    thread.state = 'Terminated';
    thread.exitStatus = exitStatus >>> 0;
    thread.suspendCount = 0;
    thread.pendingLoaderInit = false;
    this.cids.free(thread.tid);
    this.threadIndex.delete(thread.tid);
    if (thread.objectId) {
      const gone = this.ob.dereference(thread.objectId);
      if (gone) this.threadObjects.delete(thread.objectId);
    }
  }

  /**
   * One pass of the dispatcher: on each processor the highest-priority Ready thread runs (Running), the
   * next one waits as that processor's Standby thread; threads that were Running go back to Ready
   * (their quantum ended). Returns the tids now Running.
   */
  dispatch(): number[] {
    // Threads waiting for their kernel stacks are brought back first (the swapper runs when one is ready).
    for (const p of this.ctx.processes) if (p && !p.exited && p.threads.some((x) => x.state === 'Transition')) { this.swapKernelStacks(); break; }
    const ready: Array<[ProcessObject, ThreadObject]> = [];
    for (const p of this.ctx.processes) {
      if (!p || p.exited) continue;
      // A debuggee with a debug event outstanding is frozen (DbgkpSuspendProcess).
      if (p.ps && this.state(p).debugObjectId && isFrozen(this, p)) continue;
      for (const t of p.threads) {
        if (t.state === 'Running' || t.state === 'Standby') t.state = 'Ready';
        if (t.state === 'Ready') ready.push([p, t]);
      }
    }
    // Highest priority first; among equals, the thread that has waited longest (lowest tid stands in for age).
    ready.sort((a, b) => (b[1].priority ?? 8) - (a[1].priority ?? 8) || a[1].tid - b[1].tid);
    const running: number[] = [];
    const t = this.trace;
    const n = this.ctx.processors;
    for (let cpu = 0; cpu < n; cpu++) {
      const run = ready[cpu];
      const standby = ready[n + cpu];
      if (!run) break;
      run[1].state = 'Running';
      running.push(run[1].tid);
      if (standby) standby[1].state = 'Standby';
      if (t.begin('thread.dispatch')) { t.num(cpu); t.num(run[1].tid); t.num(run[1].priority ?? 8); t.num(standby ? standby[1].tid : 0); t.change('thread', run[1].tid); if (standby) t.change('thread', standby[1].tid); }
    }
    return running;
  }

  // ---------------------------------------------------------------- termination

  /** TerminateProcess / ExitProcess: threads, notify routines, handles, address space, job, CID. */
  terminateProcess(p: ProcessObject, exitStatus: number, byPid: number): void {
    if (p.exited) fail(ERROR_ACCESS_DENIED);
    const t = this.trace;
    if (t.begin('process.terminate')) { t.num(p.pid); t.num(exitStatus >>> 0); t.num(byPid); t.change('process', p.pid); }
    this.destroyProcess(p, exitStatus, byPid, false);
  }

  private destroyProcess(p: ProcessObject, exitStatus: number, _byPid: number, creationFailed: boolean): void {
    const t = this.trace;
    const st = this.state(p);
    const saved = t.currentStage;
    t.currentStage = undefined;
    try {
      st.loader = null;
      // DbgkExitProcess: the debugger hears of the exit (the simulated exit does not wait for it).
      if (st.debugObjectId && !creationFailed) postExit(this, p, p.threads.find((x) => x.state !== 'Terminated'), exitStatus, true);
      for (const thread of p.threads) if (thread.state !== 'Terminated') this.finishThread(p, thread, exitStatus, false);
      if (!creationFailed) this.callProcessNotify(p, false);
      // ObKillProcess: close every handle.
      const handles = [...st.handles.entries.keys()];
      for (const h of handles) this.closeHandleInternal(p, h, false);
      if (t.begin('process.rundownHandles')) { t.num(p.pid); t.num(handles.length); t.change('process', p.pid); }
      if (p.directoryTableBase >= 0) {
        const r = deleteAddressSpace(this.mm, p, (vad) => unmapView(this.mm, p, BigInt(vad.startVpn) * 4096n));
        if (t.begin('process.deleteAddressSpace')) { t.num(p.pid); t.num(r.vads); t.num(r.privatePages); t.num(r.pageTables); t.change('process', p.pid); t.change('commit'); }
      }
      if (st.sectionId) { const section = this.mm.sectionRegistry.sections.get(st.sectionId); if (section) this.dropSection(section); st.sectionId = 0; }
      if (st.jobId) this.removeFromJob(st.jobId, p);
      detachConsole(this, p);
      // EPROCESS.DebugPort's reference goes with the process.
      if (st.debugObjectId) { const id = st.debugObjectId; st.debugObjectId = 0; this.dereferenceObject(id); }
      st.exitStatus = exitStatus >>> 0;
      st.exitSeq = t.count;
      p.exited = true;
      this.cids.free(p.pid);
      this.ctx.byPid.delete(p.pid);
      if (this.liveCount > 0 && st.createSeq > 0) this.liveCount--;
      if (this.explorerPid === p.pid) this.explorerPid = 0;
      if (this.csrssBySession.get(p.sessionId) === p.pid) this.csrssBySession.delete(p.sessionId);
      this.releaseToken(st.token);
      this.ob.dereference(st.objectId);
      if (t.begin('process.exit')) { t.num(p.pid); t.num(exitStatus >>> 0); t.num(this.liveCount); t.change('process', p.pid); }
    } finally {
      t.currentStage = saved;
    }
  }

  // ---------------------------------------------------------------- handles

  closeHandle(p: ProcessObject, handle: number): void {
    if (!this.state(p).handles.get(handle)) fail(ERROR_INVALID_HANDLE);
    this.closeHandleInternal(p, handle, true);
  }

  private closeHandleInternal(p: ProcessObject, handle: number, record: boolean): void {
    const e = this.state(p).handles.remove(handle);
    if (!e) return;
    const h = this.ob.get(e.objectId);
    const type = h?.typeName ?? 'Unknown';
    const key = h?.key ?? -1;
    const lastHandle = !!h && h.handleCount === 1;
    const deleted = this.ob.handleClosed(e.objectId);
    if (record) {
      const t = this.trace;
      if (t.begin('object.close')) { t.num(p.pid); t.num(handle); t.str(type); t.num(deleted ? 1 : 0); t.change('process', p.pid); }
    }
    if (type === 'Job' && lastHandle) {
      const job = this.jobs.get(key);
      if (job && (job.limitFlags & JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE)) this.terminateJob(job, 0, 'KillOnJobClose');
    }
    if (type === 'Job') this.forgetJobIfDeleted(key);
    if (deleted && type === 'Thread') this.threadObjects.delete(e.objectId);
    // A section object made by CreateFileMapping is numbered by its object id: its last handle drops it
    // (its views keep the control area alive).
    if (deleted && type === 'Section') {
      const section = this.mm.sectionRegistry.sections.get(e.objectId);
      if (section) dereferenceSection(this.mm, section);
    }
    if (deleted && type === 'Token') this.forgetToken(key);
    if (type === 'DebugObject') {
      if (this.state(p).debugObjectHandle === handle) this.state(p).debugObjectHandle = 0;
      const dbg = this.debugObjects.get(e.objectId);
      if (dbg && lastHandle) debugObjectClosed(this, dbg);
      if (deleted || !this.ob.get(e.objectId)) this.debugObjects.delete(e.objectId);
    }
  }

  openProcess(caller: ProcessObject, access: number, inherit: boolean, targetPid: number): number {
    const target = this.ctx.byPid.get(targetPid);
    if (!target || target.exited) fail(ERROR_INVALID_PARAMETER);
    // Protected processes only grant limited access to unprotected callers.
    const tst = this.state(target!);
    if (tst.protection && !this.state(caller).protection && (access & ~0x1000 & ~0x100000)) fail(ERROR_ACCESS_DENIED);
    const h = this.insertHandle(caller, tst.objectId, access >>> 0, inherit);
    const t = this.trace;
    if (t.begin('process.open')) { t.num(caller.pid); t.num(targetPid); t.num(h); t.num(access >>> 0); t.change('process', caller.pid); }
    return h;
  }

  processFromHandle(caller: ProcessObject, handle: number, access: number): ProcessObject {
    const p = this.processOfObject(this.resolve(caller, handle, 'Process', access));
    return p;
  }

  threadFromHandle(caller: ProcessObject, handle: number, access: number): number {
    const id = this.resolve(caller, handle, 'Thread', access);
    const ref = this.threadObjects.get(id);
    if (!ref) fail(ERROR_INVALID_HANDLE);
    return ref![1];
  }

  threadHandle(p: ProcessObject, thread: ThreadObject): number {
    return this.insertHandle(p, thread.objectId!, THREAD_ALL_ACCESS);
  }

  // ---------------------------------------------------------------- jobs

  /** GetExitCodeProcess: STILL_ACTIVE while it runs. */
  exitCodeOf(caller: ProcessObject, hProcess: number): number {
    const target = this.processFromHandle(caller, hProcess, 0);
    return target.exited ? this.state(target).exitStatus : STILL_ACTIVE;
  }

  /** QueryInformationJobObject for the basic accounting, basic limit, process id list and extended limit classes. */
  queryJob(caller: ProcessObject, hJob: number, infoClass: number): Record<string, unknown> {
    const j = this.jobFromHandle(caller, hJob, JOB_OBJECT_QUERY);
    const basic = {
      PerProcessUserTimeLimit: 0n, PerJobUserTimeLimit: 0n, LimitFlags: j.limitFlags, MinimumWorkingSetSize: BigInt(j.minimumWorkingSetSize),
      MaximumWorkingSetSize: BigInt(j.maximumWorkingSetSize), ActiveProcessLimit: j.activeProcessLimit, Affinity: 0n, PriorityClass: j.priorityClass, SchedulingClass: 5,
    };
    switch (infoClass) {
      case JobObjectBasicAccountingInformation: {
        let faults = j.totalPageFaultCount;
        for (const p of this.jobProcesses(j)) faults += p.ws.pageFaultCount;
        return { TotalUserTime: 0n, TotalKernelTime: 0n, ThisPeriodTotalUserTime: 0n, ThisPeriodTotalKernelTime: 0n, TotalPageFaultCount: faults, TotalProcesses: j.totalProcesses, ActiveProcesses: j.activeProcesses, TotalTerminatedProcesses: j.totalTerminatedProcesses };
      }
      case JobObjectBasicLimitInformation: return basic;
      case JobObjectBasicProcessIdList: {
        const ids = this.jobProcesses(j).map((p) => p.pid);
        return { NumberOfAssignedProcesses: ids.length, NumberOfProcessIdsInList: ids.length, ProcessIdList: ids };
      }
      case JobObjectExtendedLimitInformation: {
        let jobMemory = 0;
        let peakProcess = j.peakProcessMemoryUsed;
        for (const p of this.jobProcesses(j)) { const b = p.privateCommit * 4096; jobMemory += b; peakProcess = Math.max(peakProcess, b); }
        return { BasicLimitInformation: basic, ProcessMemoryLimit: BigInt(j.processMemoryLimit), JobMemoryLimit: BigInt(j.jobMemoryLimit), PeakProcessMemoryUsed: BigInt(peakProcess), PeakJobMemoryUsed: BigInt(Math.max(j.peakJobMemoryUsed, jobMemory)) };
      }
      default: return fail(ERROR_INVALID_PARAMETER);
    }
  }

  /** IsProcessInJob: in `hJob` (or one of its child jobs), or in any job when hJob is null. */
  isProcessInJob(caller: ProcessObject, hProcess: number, hJob: number | null): boolean {
    const p = this.processFromHandle(caller, hProcess, 0);
    const jobId = this.state(p).jobId;
    if (hJob === null || hJob === 0) return jobId !== 0;
    const j = this.jobFromHandle(caller, hJob, JOB_OBJECT_QUERY);
    for (let k = this.jobs.get(jobId); k; k = k.parentJobId ? this.jobs.get(k.parentJobId) : undefined) if (k.jobId === j.jobId) return true;
    return false;
  }

  createJob(caller: ProcessObject, name: string | null): { handle: number; existed: boolean } {
    const t = this.trace;
    let fullName: string | null = null;
    if (name !== null && name !== undefined) {
      fullName = resolveObjectName(name, caller.sessionId);
      const existing = this.ob.lookup(fullName);
      if (existing) {
        if (existing.typeName !== 'Job') fail(6); // ERROR_INVALID_HANDLE: a name used by another object type
        return { handle: this.insertHandle(caller, existing.objectId, JOB_OBJECT_ALL_ACCESS), existed: true };
      }
    }
    const jobId = this.nextJobId++;
    const header = this.ob.create('Job', jobId, EJOB_SIZE, fullName);
    header.pointerCount = 0;
    const job = new JobObject(jobId, header.objectId, header.address, fullName);
    this.jobs.set(jobId, job);
    const handle = this.insertHandle(caller, header.objectId, JOB_OBJECT_ALL_ACCESS);
    if (t.begin('job.create')) { t.num(jobId); t.str(fullName ?? ''); t.big(header.address); t.num(handle); t.change('job', jobId); t.change('process', caller.pid); }
    return { handle, existed: false };
  }

  /** OpenJobObject: a handle to a named job with the access asked for; ERROR_FILE_NOT_FOUND when no such name exists. */
  openJob(caller: ProcessObject, access: number, inherit: boolean, name: string): number {
    if (!Number.isInteger(access)) fail(ERROR_INVALID_PARAMETER);
    const existing = this.ob.lookup(resolveObjectName(name, caller.sessionId));
    if (!existing) fail(ERROR_FILE_NOT_FOUND);
    if (existing!.typeName !== 'Job') fail(ERROR_INVALID_HANDLE);
    const handle = this.insertHandle(caller, existing!.objectId, access >>> 0, inherit);
    const t = this.trace;
    if (t.begin('job.open')) { t.num(existing!.key); t.num(handle); t.num(access >>> 0); t.change('job', existing!.key); t.change('process', caller.pid); }
    return handle;
  }

  jobFromHandle(caller: ProcessObject, handle: number, access: number): JobObject {
    const id = this.resolve(caller, handle, 'Job', access);
    return this.jobs.get(this.ob.get(id)!.key)!;
  }

  /** The first job in the chain from `jobId` up whose active-process limit is reached (0 when none). */
  private jobChainLimit(jobId: number): number {
    for (let j = this.jobs.get(jobId); j; j = j.parentJobId ? this.jobs.get(j.parentJobId) : undefined) {
      if ((j.limitFlags & JOB_OBJECT_LIMIT_ACTIVE_PROCESS) && j.activeProcesses >= j.activeProcessLimit) return j.jobId;
    }
    return 0;
  }

  /** AssignProcessToJobObject (with nesting: a process already in a job may go into an empty job, which nests below). */
  assignProcessToJob(job: JobObject, p: ProcessObject): void {
    const st = this.state(p);
    if (st.jobId === job.jobId) fail(ERROR_ACCESS_DENIED);
    if (st.jobId) {
      // Already in a job: the new job must be empty and becomes a child of the current one (Windows 8+ nesting),
      // or be an ancestor of it (nothing to do).
      for (let j = this.jobs.get(st.jobId); j; j = j.parentJobId ? this.jobs.get(j.parentJobId) : undefined) if (j.jobId === job.jobId) return;
      if (job.processIds.length || job.childJobIds.length || job.parentJobId) fail(ERROR_ACCESS_DENIED);
      const current = this.jobs.get(st.jobId)!;
      job.parentJobId = current.jobId;
      current.childJobIds.push(job.jobId);
      // The process's reference moves to the new job; the parent is now referenced by its child job instead.
      this.ob.get(job.objectId)!.pointerCount++;
      current.processIds = current.processIds.filter((x) => x !== p.pid);
      // The process stays counted in the ancestors; the new child counts it too.
      job.processIds.push(p.pid);
      job.activeProcesses++;
      job.totalProcesses++;
      st.jobId = job.jobId;
      const t = this.trace;
      if (t.begin('job.assign')) { t.num(job.jobId); t.num(p.pid); t.num(job.parentJobId); t.num(job.activeProcesses); t.change('job', job.jobId); t.change('process', p.pid); }
      return;
    }
    const exceeded = this.jobChainLimit(job.jobId);
    if (exceeded) {
      const t = this.trace;
      if (t.begin('job.limitExceeded')) { t.num(exceeded); t.num(p.pid); t.str('ActiveProcessLimit'); t.change('job', exceeded); }
      // The documented behaviour: the process is terminated and the association fails.
      this.terminateProcess(p, ERROR_NOT_ENOUGH_QUOTA, 0);
      fail(ERROR_NOT_ENOUGH_QUOTA);
    }
    this.addToJob(job.jobId, p, false);
  }

  private addToJob(jobId: number, p: ProcessObject, atCreation: boolean): void {
    const job = this.jobs.get(jobId)!;
    const st = this.state(p);
    st.jobId = jobId;
    job.processIds.push(p.pid);
    for (let j: JobObject | undefined = job; j; j = j.parentJobId ? this.jobs.get(j.parentJobId) : undefined) {
      j.activeProcesses++;
      j.totalProcesses++;
      if (j.limitFlags & JOB_OBJECT_LIMIT_PRIORITY_CLASS && j.priorityClass) { p.priorityClass = j.priorityClass; st.basePriority = PRIORITY_CLASS_BASE[j.priorityClass] ?? st.basePriority; }
      if (j.maximumWorkingSetSize) this.applyJobWorkingSet(j, p);
    }
    this.ob.get(job.objectId)!.pointerCount++;
    const t = this.trace;
    if (atCreation) { if (t.begin('create.joinJob')) { t.num(p.pid); t.num(jobId); t.num(job.activeProcesses); t.change('job', jobId); t.change('process', p.pid); } }
    else if (t.begin('job.assign')) { t.num(jobId); t.num(p.pid); t.num(job.parentJobId); t.num(job.activeProcesses); t.change('job', jobId); t.change('process', p.pid); }
  }

  private removeFromJob(jobId: number, p: ProcessObject): void {
    const job = this.jobs.get(jobId);
    if (!job) return;
    job.processIds = job.processIds.filter((x) => x !== p.pid);
    for (let j: JobObject | undefined = job; j; j = j.parentJobId ? this.jobs.get(j.parentJobId) : undefined) {
      j.activeProcesses = Math.max(0, j.activeProcesses - 1);
      j.totalPageFaultCount += p.ws.pageFaultCount;
    }
    this.ob.dereference(job.objectId);
    this.forgetJobIfDeleted(jobId);
  }

  /** Drops the EJOB once its object is gone (no handles, no member processes, no child jobs). */
  private forgetJobIfDeleted(jobId: number): void {
    const job = this.jobs.get(jobId);
    if (!job || this.ob.get(job.objectId)) return;
    this.jobs.delete(jobId);
    const parent = job.parentJobId ? this.jobs.get(job.parentJobId) : undefined;
    if (parent) {
      parent.childJobIds = parent.childJobIds.filter((c) => c !== jobId);
      this.ob.dereference(parent.objectId);
      this.forgetJobIfDeleted(parent.jobId);
    }
  }

  setJobLimits(job: JobObject, info: JobLimits): void {
    if (!info || typeof info !== 'object') fail(ERROR_INVALID_PARAMETER);
    const flags = (info.LimitFlags ?? 0) >>> 0;
    const known = 0x00007FFF;
    if (flags & ~known) fail(ERROR_INVALID_PARAMETER);
    if ((flags & JOB_OBJECT_LIMIT_ACTIVE_PROCESS) && (!Number.isInteger(info.ActiveProcessLimit) || info.ActiveProcessLimit! < 0)) fail(ERROR_INVALID_PARAMETER);
    if ((flags & JOB_OBJECT_LIMIT_PRIORITY_CLASS) && !PRIORITY_ORDER.includes(info.PriorityClass ?? -1)) fail(ERROR_INVALID_PARAMETER);
    job.limitFlags = flags;
    job.activeProcessLimit = info.ActiveProcessLimit ?? 0;
    job.processMemoryLimit = (flags & JOB_OBJECT_LIMIT_PROCESS_MEMORY) ? info.ProcessMemoryLimit ?? 0 : 0;
    job.jobMemoryLimit = (flags & JOB_OBJECT_LIMIT_JOB_MEMORY) ? info.JobMemoryLimit ?? 0 : 0;
    if ((flags & JOB_OBJECT_LIMIT_WORKINGSET) && (!Number.isInteger(info.MinimumWorkingSetSize) || !Number.isInteger(info.MaximumWorkingSetSize) || info.MinimumWorkingSetSize! <= 0 || info.MaximumWorkingSetSize! < info.MinimumWorkingSetSize!)) fail(ERROR_INVALID_PARAMETER);
    job.minimumWorkingSetSize = (flags & JOB_OBJECT_LIMIT_WORKINGSET) ? info.MinimumWorkingSetSize ?? 0 : 0;
    job.maximumWorkingSetSize = (flags & JOB_OBJECT_LIMIT_WORKINGSET) ? info.MaximumWorkingSetSize ?? 0 : 0;
    job.priorityClass = (flags & JOB_OBJECT_LIMIT_PRIORITY_CLASS) ? info.PriorityClass! : 0;
    const t = this.trace;
    if (t.begin('job.limits')) { t.num(job.jobId); t.num(flags); t.num(job.activeProcessLimit); t.num(job.processMemoryLimit); t.num(job.jobMemoryLimit); t.change('job', job.jobId); }
    if (flags & JOB_OBJECT_LIMIT_WORKINGSET) for (const p of this.jobProcesses(job)) this.applyJobWorkingSet(job, p);
    // An active-process limit lower than the current count: the job's processes are terminated (the limit is hard).
    if ((flags & JOB_OBJECT_LIMIT_ACTIVE_PROCESS) && job.activeProcesses > job.activeProcessLimit) this.terminateJob(job, ERROR_NOT_ENOUGH_QUOTA, 'ActiveProcessLimit');
  }

  /**
   * JOB_OBJECT_LIMIT_WORKINGSET: every process of the job gets the job's minimum and maximum, and the
   * maximum is hard — a working set above it is trimmed now, and replacement keeps it there.
   */
  private applyJobWorkingSet(job: JobObject, p: ProcessObject): void {
    p.ws.minimum = Math.max(20, Math.ceil(job.minimumWorkingSetSize / 4096));
    p.ws.maximum = Math.max(p.ws.minimum, Math.ceil(job.maximumWorkingSetSize / 4096));
    p.ws.hardMaximum = true;
    if (p.ws.count > p.ws.maximum) this.mm.trimWorkingSet(p, p.ws.count - p.ws.maximum, 'JobWorkingSetLimit');
  }

  /** Processes in a job and its child jobs, depth first. */
  /**
   * JOB_OBJECT_LIMIT_PROCESS_MEMORY and JOB_OBJECT_LIMIT_JOB_MEMORY, in the process's job and every job
   * above it: a commit that would pass a limit fails (VirtualAlloc then reports ERROR_COMMITMENT_LIMIT).
   * Charges that fit update PeakProcessMemoryUsed and PeakJobMemoryUsed.
   */
  private jobAllowsCommit(p: ProcessObject, pages: number): boolean {
    if (!p.ps) return true;
    const processBytes = (p.privateCommit + pages) * 4096;
    const chain: JobObject[] = [];
    for (let id = this.state(p).jobId; id; id = this.jobs.get(id)?.parentJobId ?? 0) {
      const job = this.jobs.get(id);
      if (!job) break;
      chain.push(job);
    }
    const jobBytes = new Map<JobObject, number>();
    for (const job of chain) {
      if ((job.limitFlags & JOB_OBJECT_LIMIT_PROCESS_MEMORY) && processBytes > job.processMemoryLimit) return false;
      const used = this.jobProcesses(job).reduce((sum, q) => sum + q.privateCommit * 4096, 0) + pages * 4096;
      if ((job.limitFlags & JOB_OBJECT_LIMIT_JOB_MEMORY) && used > job.jobMemoryLimit) return false;
      jobBytes.set(job, used);
    }
    for (const job of chain) {
      job.peakProcessMemoryUsed = Math.max(job.peakProcessMemoryUsed, processBytes);
      job.peakJobMemoryUsed = Math.max(job.peakJobMemoryUsed, jobBytes.get(job)!);
    }
    return true;
  }

  jobProcesses(job: JobObject): ProcessObject[] {
    const out: ProcessObject[] = [];
    const visit = (j: JobObject): void => {
      for (const pid of j.processIds) { const p = this.ctx.byPid.get(pid); if (p && !p.exited) out.push(p); }
      for (const c of j.childJobIds) { const cj = this.jobs.get(c); if (cj) visit(cj); }
    };
    visit(job);
    return out;
  }

  terminateJob(job: JobObject, exitCode: number, reason: string): void {
    const victims = this.jobProcesses(job);
    const t = this.trace;
    if (t.begin('job.terminate')) { t.num(job.jobId); t.num(victims.length); t.num(exitCode >>> 0); t.str(reason); t.change('job', job.jobId); }
    for (const p of victims) {
      if (p.exited) continue;
      if (reason !== 'TerminateJobObject' && reason !== 'KillOnJobClose') {
        for (let j: JobObject | undefined = job; j; j = j.parentJobId ? this.jobs.get(j.parentJobId) : undefined) j.totalTerminatedProcesses++;
      }
      this.terminateProcess(p, exitCode, 0);
    }
  }

  // ---------------------------------------------------------------- notify routines

  registerNotify(kind: 'process' | 'thread', name: string, deny?: NotifyRoutine['deny']): number {
    if (typeof name !== 'string' || !name) fail(ERROR_INVALID_PARAMETER);
    if (this.notifyRoutines.filter((r) => r.kind === kind).length >= MAX_NOTIFY_ROUTINES) fail(ERROR_NOT_ENOUGH_QUOTA);
    if (deny && (kind !== 'process' || typeof deny.imageName !== 'string' || !Number.isInteger(deny.status))) fail(ERROR_INVALID_PARAMETER);
    if (this.notifyRoutines.some((r) => r.kind === kind && r.name === name)) fail(ERROR_ALREADY_EXISTS);
    const id = this.nextNotifyId++;
    this.notifyRoutines.push({ id, kind, name, deny: deny ? { imageName: deny.imageName, status: deny.status >>> 0 } : undefined });
    const t = this.trace;
    if (kind === 'process') { if (t.begin('ps.registerProcessNotify')) { t.str(name); t.num(0); t.change('system'); } }
    else if (t.begin('ps.registerThreadNotify')) { t.str(name); t.num(0); t.change('system'); }
    return id;
  }

  unregisterNotify(id: number): void {
    const r = this.notifyRoutines.find((x) => x.id === id);
    if (!r) fail(ERROR_INVALID_PARAMETER);
    this.notifyRoutines = this.notifyRoutines.filter((x) => x.id !== id);
    const t = this.trace;
    if (r!.kind === 'process') { if (t.begin('ps.registerProcessNotify')) { t.str(r!.name); t.num(1); t.change('system'); } }
    else if (t.begin('ps.registerThreadNotify')) { t.str(r!.name); t.num(1); t.change('system'); }
  }

  /** Watches calls of a registered routine (a scenario's view; never part of the simulated state). */
  observeNotify(id: number, listener: (call: NotifyCall) => void): { dispose(): void } {
    this.observers.set(id, listener);
    return { dispose: () => { this.observers.delete(id); } };
  }

  /** Calls process notify routines; returns the NTSTATUS a routine refused creation with (0 = allowed). */
  private callProcessNotify(p: ProcessObject, create: boolean): number {
    const t = this.trace;
    let denied = 0;
    for (const r of this.notifyRoutines) {
      if (r.kind !== 'process') continue;
      const refuse = create && !denied && r.deny && r.deny.imageName.toLowerCase() === p.imageFileName.toLowerCase() ? r.deny.status : 0;
      if (refuse) denied = refuse;
      if (t.begin('ps.notifyProcess')) { t.str(r.name); t.num(p.pid); t.num(p.parentPid); t.num(create ? 1 : 0); t.num(refuse ? 1 : 0); t.change('process', p.pid); }
      this.observers.get(r.id)?.({ routine: r.name, kind: 'process', pid: p.pid, parentPid: p.parentPid, imageFileName: p.imageFileName, create, tid: 0 });
    }
    return denied;
  }

  private callThreadNotify(p: ProcessObject, thread: ThreadObject, create: boolean): void {
    const t = this.trace;
    for (const r of this.notifyRoutines) {
      if (r.kind !== 'thread') continue;
      if (t.begin('ps.notifyThread')) { t.str(r.name); t.num(p.pid); t.num(thread.tid); t.num(create ? 1 : 0); t.change('thread', thread.tid); }
      this.observers.get(r.id)?.({ routine: r.name, kind: 'thread', pid: p.pid, parentPid: p.parentPid, imageFileName: p.imageFileName, create, tid: thread.tid });
    }
  }

  // ---------------------------------------------------------------- boot

  /** Chapter 2's boot: System and its threads, Registry, smss (and its per-session instances), csrss, wininit, services, lsass, svchost, winlogon, userinit, explorer. */
  boot(): void {
    const t = this.trace;
    const mm = this.mm;
    // The System process (pid 4): kernel address space, SYSTEM token, the memory manager's threads.
    const make = (name: string): ProcessObject => {
      const pid = this.cids.allocate('p');
      const index = this.ctx.processes.length;
      const header = this.ob.create('Process', index, EPROCESS_SIZE);
      const p = new ProcessObject(index, pid, name, 0, -1, header.address);
      const st = new PsProcessState(this.newToken({ account: 'LocalSystem', sessionId: 0 }));
      st.objectId = header.objectId;
      st.protection = name === 'System' ? PS_PROTECTED_WINSYSTEM : 0;
      p.ps = st;
      p.privileges = st.token.privileges;
      this.ctx.processes.push(p);
      this.ctx.byPid.set(pid, p);
      mm.createAddressSpace(p);
      st.createSeq = t.count;
      this.liveCount++;
      if (t.begin('process.system')) { t.num(pid); t.big(p.eprocess); t.change('process', pid); }
      return p;
    };
    const system = make('System');
    for (const name of MM_SYSTEM_THREADS) {
      const tid = this.cids.allocate('t');
      const header = this.ob.create('Thread', tid, ETHREAD_SIZE);
      system.threads.push({
        tid, lastError: 0, teb: 0n, stackBase: 0n, stackLimit: 0n, state: 'Waiting', suspendCount: 0, ethread: header.address,
        priority: name === 'MiZeroPageThread' ? 0 : name === 'KeBalanceSetManager' ? 16 : 17, basePriority: 8, startAddress: 0n,
        win32StartAddress: 0n, exitStatus: STILL_ACTIVE, waitReason: name === 'MiZeroPageThread' ? 'WrFreePage' : 'WrVirtualMemory', objectId: header.objectId,
        csrThread: 0n, pendingLoaderInit: false,
      });
      this.threadObjects.set(header.objectId, [system.index, tid]);
      this.threadIndex.set(tid, system.index);
      if (t.begin('thread.system')) { t.num(tid); t.str(name); t.big(header.address); t.change('thread', tid); }
    }
    const registry = make('Registry');
    (registry as { parentPid: number }).parentPid = system.pid;
    const sys = { account: 'LocalSystem' as AccountName, sessionId: 0 };
    const create = (image: string, parent: number, session: number, account: AccountName = 'LocalSystem', commandLine?: string, integrity?: IntegrityLevel): number =>
      this.createProcess({ imagePath: image, parentPid: parent, sessionId: session, token: { account, sessionId: session, integrityLevel: integrity }, commandLine }).pid;
    void sys;
    const smss = create(`${SYSTEM32}\\smss.exe`, system.pid, 0, 'LocalSystem', '\\SystemRoot\\System32\\smss.exe');
    // smss starts one instance of itself per session; each starts that session's csrss and wininit/winlogon, then exits.
    const smss0 = create(`${SYSTEM32}\\smss.exe`, smss, 0, 'LocalSystem', '\\SystemRoot\\System32\\smss.exe 00000000 00000080');
    create(`${SYSTEM32}\\csrss.exe`, smss0, 0, 'LocalSystem', '%SystemRoot%\\system32\\csrss.exe ObjectDirectory=\\Windows SharedSection=1024,20480,768 Windows=On SubSystemType=Windows ServerDll=basesrv,1 ServerDll=winsrv:UserServerDllInitialization,3 ServerDll=sxssrv,4 ProfileControl=Off MaxRequestThreads=16');
    const wininit = create(`${SYSTEM32}\\wininit.exe`, smss0, 0, 'LocalSystem', 'wininit.exe');
    this.terminateProcess(this.ctx.byPid.get(smss0)!, 0, smss0);
    const smss1 = create(`${SYSTEM32}\\smss.exe`, smss, 1, 'LocalSystem', '\\SystemRoot\\System32\\smss.exe 00000001 00000080');
    create(`${SYSTEM32}\\csrss.exe`, smss1, 1, 'LocalSystem', '%SystemRoot%\\system32\\csrss.exe ObjectDirectory=\\Windows SharedSection=1024,20480,768 Windows=On SubSystemType=Windows ServerDll=basesrv,1 ServerDll=winsrv:UserServerDllInitialization,3 ServerDll=sxssrv,4 ProfileControl=Off MaxRequestThreads=16');
    const winlogon = create(`${SYSTEM32}\\winlogon.exe`, smss1, 1, 'LocalSystem', 'winlogon.exe');
    this.terminateProcess(this.ctx.byPid.get(smss1)!, 0, smss1);
    const services = create(`${SYSTEM32}\\services.exe`, wininit, 0, 'LocalSystem', 'C:\\Windows\\system32\\services.exe');
    create(`${SYSTEM32}\\lsass.exe`, wininit, 0, 'LocalSystem', 'C:\\Windows\\system32\\lsass.exe');
    create(`${SYSTEM32}\\svchost.exe`, services, 0, 'LocalSystem', 'C:\\Windows\\system32\\svchost.exe -k DcomLaunch -p');
    const userinit = create(`${SYSTEM32}\\userinit.exe`, winlogon, 1, 'User', 'C:\\Windows\\system32\\userinit.exe');
    create('C:\\Windows\\explorer.exe', userinit, 1, 'User', 'C:\\Windows\\Explorer.EXE');
    // userinit exits once the shell runs, leaving explorer without a live parent, as on a real machine.
    this.terminateProcess(this.ctx.byPid.get(userinit)!, 0, userinit);
  }
}

/** What an observer of a notify routine sees. */
export interface NotifyCall { routine: string; kind: 'process' | 'thread'; pid: number; parentPid: number; imageFileName: string; create: boolean; tid: number }

/** JOBOBJECT_BASIC_LIMIT_INFORMATION + the memory limits of JOBOBJECT_EXTENDED_LIMIT_INFORMATION (sizes in bytes). */
export interface JobLimits {
  LimitFlags: number;
  MinimumWorkingSetSize?: number;
  MaximumWorkingSetSize?: number;
  ActiveProcessLimit?: number;
  PriorityClass?: number;
  ProcessMemoryLimit?: number;
  JobMemoryLimit?: number;
}

