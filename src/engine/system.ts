// The simulated machine: options, boot, processes, the Win32 API per process, memory list commands,
// the step log, and time travel (the state at any step, rebuilt from a snapshot and a deterministic
// replay of the operations recorded since).
import type { PageStore } from './mm/store';
import {
  CLASSIC_PTE_BASE, ERROR_INVALID_HANDLE, ERROR_INVALID_PARAMETER, ERROR_NO_SYSTEM_RESOURCES,
  MemoryEmptyWorkingSets, MemoryFlushModifiedList, MemoryPurgeLowPriorityStandbyList, MemoryPurgeStandbyList,
} from './constants';
import { LastError, NtException, Win32Error } from './errors';
import { MemoryManager, miGetPteAddress, PAGE_SIZE } from './mm/memoryManager';
import { LIST_BAD, LIST_FREE, LIST_MODIFIED, LIST_MODIFIED_NOWRITE, LIST_STANDBY0, LIST_ZEROED, PAGE_STATE_NAMES, PageStateName } from './mm/pfn';
import { decodePte, DecodedPte, join64, PTE_LAYOUTS, PteLayoutName } from './mm/pte';
import {
  getWriteWatch, MEMORY_BASIC_INFORMATION, resetWriteWatch, virtualAlloc, virtualFree, virtualProtect, virtualQuery,
} from './mm/virtual';
import { ProcessObject, TLB_READ, TLB_SIZE, TLB_WRITE } from './process';
import { Rng } from './rng';
import { OpLog } from './opLog';
import { DebugObjectInfo, HandleInfo, JobInfo, listDebugObjects, listHandles, listJobs, listPrototypePtes, listSections, PrototypePteInfo, SectionInfo } from './inspect';
import { applySectionCall, SectionCall, SectionContext } from './mm/sectionCalls';
import { mappedPageWriter } from './mm/section';
import { FileSystem } from './io/fileSystem';
import { Registry } from './config/registry';
import { ProcessManager, PsContext } from './ps/processManager';
import { applyPsCall, clonePsCall, PsCall } from './ps/calls';
import { describeProcessSecurity, type ProcessSecurityInfo } from './ps/processAccess';
import { Emitter, Event } from './events';
import { decodePte as decodePteValue } from './mm/pte';
import { LEVEL_PXE, tableIndex } from './mm/memoryManager';
import { PTE_LARGE_PAGE, PTE_VALID as PTE_VALID_BIT, ptePfn } from './mm/pte';
import { VadType } from './mm/vad';
import { Step, StepLog, StopReplay } from './trace';
import { Win32Api, Win32ApiImpl } from './win32';

export interface SystemOptions {
  /** Physical memory in MB; default 512. */
  physicalMemoryMB?: number;
  /** Paging file size in MB; default 1024; 0 = no paging file. */
  pageFileMB?: number;
  /** Logical processors; default 4. */
  processors?: number;
  /** PTE_BASE; default randomized from the seed (Windows 10 1607+); CLASSIC_PTE_BASE for the old fixed base. */
  pteBase?: bigint;
  /** Seed of the deterministic simulation; default 1. */
  seed?: number;
  /** Boot the usual processes (System, smss, csrss, wininit, services, lsass, winlogon, explorer...); default true. */
  boot?: boolean;
  /** Software PTE layouts: 'modern' (Windows 10 1809+ / 11, default) or 'legacy' (Windows 8.1 / early Windows 10). */
  pteLayout?: PteLayoutName;
  /**
   * Memory, in MB, that time travel may keep beyond the present machine: page contents the machine
   * has since rewritten that only snapshots still hold. Past it snapshots are let go, spread so that
   * no stretch of the session loses them all (jumps there replay from further back). Default: twice
   * the physical memory, at least 256.
   */
  timeTravelMemoryMB?: number;
}

export interface CreateProcessOptions {
  imagePath: string;
  commandLine?: string;
  parentPid?: number;
  creationFlags?: number;
}

export type MemoryListCommand = 'MemoryEmptyWorkingSets' | 'MemoryFlushModifiedList' | 'MemoryPurgeStandbyList' | 'MemoryPurgeLowPriorityStandbyList';
const MEMORY_LIST_COMMANDS: Record<MemoryListCommand, number> = {
  MemoryEmptyWorkingSets, MemoryFlushModifiedList, MemoryPurgeStandbyList, MemoryPurgeLowPriorityStandbyList,
};

/** SYSTEM_MEMORY_LIST_INFORMATION */
export interface SystemMemoryListInformation {
  ZeroPageCount: number;
  FreePageCount: number;
  ModifiedPageCount: number;
  ModifiedNoWritePageCount: number;
  BadPageCount: number;
  PageCountByPriority: number[];
  RepurposedPagesByPriority: number[];
  ModifiedPageCountPageFile: number;
}

/** What !pfn shows for a physical page. */
export interface PfnInfo {
  State: PageStateName;
  ShareCount: number;
  ReferenceCount: number;
  PteAddress: bigint;
  OriginalPte: bigint;
  PteFrame: number;
  Priority: number;
  Modified: boolean;
  /** Owning process id, or 0 when the page belongs to nobody. */
  OwnerPid: number;
  PageTable: boolean;
  LargePage: boolean;
  WsIndex: number;
}

/** Commit charge and limit in pages (as SYSTEM_PERFORMANCE_INFORMATION reports them). */
export interface CommitInfo { CommitTotal: number; CommitLimit: number; CommitPeak: number }

/** A summary of one process, for views. */
export interface ProcessInfo {
  pid: number;
  parentPid: number;
  imageFileName: string;
  imagePath: string;
  sessionId: number;
  eprocess: bigint;
  directoryTableBase: number;
  peb: bigint;
  threads: Array<{ tid: number; state: string; teb: bigint }>;
  workingSetSize: number;
  workingSetMinimum: number;
  workingSetMaximum: number;
  peakWorkingSetSize: number;
  pageFaultCount: number;
  privateCommit: number;
  pageTablePages: number;
  vadCount: number;
  /** The token's user (DOMAIN\\name) and mandatory integrity level. */
  userName?: string;
  integrityLevel?: string;
  /** The debugger's pid (0 when the process is not being debugged). */
  debuggerPid?: number;
  /** The conhost.exe serving the process's console (0 when it has none). */
  consoleHostPid?: number;
}

/** One VAD of a process (!vad). */
export interface VadInfo {
  start: bigint;
  /** Last byte of the range (EndingVpn * 4096 + 4095). */
  end: bigint;
  vadType: 'VadNone' | 'VadImageMap' | 'VadWriteWatch' | 'VadLargePages' | 'VadAwe' | 'VadDevicePhysicalMemory' | 'VadRotatePhysical' | 'VadLargePageSection';
  /** MEM_PRIVATE, MEM_MAPPED or MEM_IMAGE. */
  type: number;
  /** The protection given at allocation (AllocationProtect). */
  allocationProtect: number;
  commitCharge: number;
  memCommit: boolean;
  pageCount: number;
}

/** One working-set list entry (!wsle). */
export interface WsleInfo { index: number; va: bigint; age: number; pfn: number }

/** One level of a page walk. */
export interface WalkLevel {
  level: 'PXE' | 'PPE' | 'PDE' | 'PTE';
  index: number;
  /** Self-map virtual address of the entry. */
  address: bigint;
  /** The physical page holding the entry's table. */
  tablePfn: number;
  decoded: DecodedPte;
}
/** How the MMU would translate an address in a process (!pte with the walk). */
export interface AddressWalk {
  va: bigint;
  indices: { pxe: number; ppe: number; pde: number; pte: number; offset: number };
  levels: WalkLevel[];
  /** The physical address when the translation succeeds, else null (the walk ends at the first invalid entry). */
  physicalAddress: bigint | null;
  pfn: number | null;
  largePage: '2MB' | '1GB' | null;
}

/** Fired after each operation with the steps it recorded. */
export interface SystemChange { fromSeq: number; toSeq: number }

/** An operation of the replay log. */
export type Op =
  | { op: 'createProcess'; args: [CreateProcessOptions] }
  | { op: 'ps'; args: [PsCall] }
  | { op: 'section'; args: [SectionCall] }
  | { op: 'memoryListCommand'; args: [MemoryListCommand] }
  | { op: 'runSystemThread'; args: [SystemThreadName] }
  | { op: 'grantPrivilege'; args: [number, string] }
  | { op: 'VirtualAlloc'; pid: number; args: [bigint, bigint, number, number] }
  | { op: 'VirtualFree'; pid: number; args: [bigint, bigint, number] }
  | { op: 'VirtualProtect'; pid: number; args: [bigint, bigint, number] }
  | { op: 'SetProcessWorkingSetSize'; pid: number; args: [bigint, bigint] }
  | { op: 'GetWriteWatch'; pid: number; args: [number, bigint, bigint, bigint[], { value: number }] }
  | { op: 'ResetWriteWatch'; pid: number; args: [bigint, bigint] }
  | { op: 'read'; pid: number; args: [number, number] }
  | { op: 'write'; pid: number; args: [number, Uint8Array] };

export type SystemThreadName = 'balanceSetManager' | 'modifiedPageWriter' | 'mappedPageWriter' | 'zeroPageThread' | 'processStackSwapper';
/** The memory manager's system threads a learner can run once. */
export const SYSTEM_THREADS: readonly SystemThreadName[] = ['balanceSetManager', 'modifiedPageWriter', 'mappedPageWriter', 'zeroPageThread', 'processStackSwapper'];

interface Snapshot { opIndex: number; stepCount: number; system: System }

const SNAPSHOT_MIN_STEPS = 1024;
const SNAPSHOT_MAX = 48;
const SNAPSHOT_MIN_INTERVAL_MS = 20;
const SNAPSHOT_MAX_INTERVAL_MS = 30;
/** Rough cost of copying one 64 KB content chunk. */
const CHUNK_COPY_MS = 0.02;

function now(): number {
  const perf = (globalThis as { performance?: { now(): number } }).performance;
  return perf ? perf.now() : Date.now();
}

/**
 * Which snapshot to let go to free memory: among those whose loss frees something (never the first or
 * the last), the one whose neighbours are closest in steps, so the widest replay after the drop is as
 * short as it can be; on a tie, the one that frees most. -1 when none frees anything.
 */
export function snapshotToDrop(stepCounts: readonly number[], freedBytes: readonly number[]): number {
  let best = -1;
  for (let i = 1; i < stepCounts.length - 1; i++) {
    if (!(freedBytes[i]! > 0)) continue;
    if (best < 0) { best = i; continue; }
    const gap = stepCounts[i + 1]! - stepCounts[i - 1]!;
    const bestGap = stepCounts[best + 1]! - stepCounts[best - 1]!;
    if (gap < bestGap || (gap === bestGap && freedBytes[i]! > freedBytes[best]!)) best = i;
  }
  return best;
}

export class System {
  readonly options: Readonly<Required<Omit<SystemOptions, 'pteBase'>> & { pteBase: bigint }>;
  /** Number of 4 KB pages of physical memory. */
  readonly physicalPageCount: number;
  private mm: MemoryManager;
  private processes: Array<ProcessObject | undefined> = [];
  private byPid = new Map<number, ProcessObject>();
  private trace = new StepLog();
  private rng: Rng;
  private lastErrors = new Map<number, number>();
  private ops = new OpLog<Op>();
  private snapshots: Snapshot[] = [];
  private lastSnapshotTime = 0;
  private snapshotIntervalMs = SNAPSHOT_MIN_INTERVAL_MS;
  private readOnly = false;
  private replaying = false;
  private nextTid = 0;
  /** The simulated volume (C:): images, data files, and the files mapped views read and write. */
  fileSystem: FileSystem;
  /** The simulated registry (Image File Execution Options, file associations, packaged apps). */
  registry: Registry;
  /** Processes, threads, jobs, handles, tokens, notify routines (src/engine/ps). */
  readonly ps: ProcessManager;
  private readonly changed = new Emitter<SystemChange>();
  /** Fires after every operation (allocation, access that faulted, process creation...) with its steps. */
  readonly onDidChange: Event<SystemChange> = this.changed.event;

  constructor(options: SystemOptions = {}, clone?: System) {
    if (clone) {
      this.options = clone.options;
      this.physicalPageCount = clone.physicalPageCount;
      this.rng = new Rng(clone.rng.seedState);
      this.processes = clone.processes.map((p) => p?.clone());
      for (const p of this.processes) if (p) this.byPid.set(p.pid, p);
      this.mm = new MemoryManager(clone.mm.config, this.processes, this.trace, clone.mm);
      this.fileSystem = clone.fileSystem.clone();
      this.mm.fileSystem = this.fileSystem;
      this.registry = clone.registry.clone();
      this.ps = clone.ps.clone(this.psContext());
      this.lastErrors = new Map(clone.lastErrors);
      this.nextTid = clone.nextTid;
      return;
    }
    const o = validateOptions(options);
    this.rng = new Rng(o.seed);
    const pteBase = o.pteBase ?? randomPteBase(this.rng);
    this.options = { ...o, pteBase };
    this.physicalPageCount = o.physicalMemoryMB * 256;
    this.mm = new MemoryManager(
      { physicalPages: this.physicalPageCount, pageFilePages: o.pageFileMB * 256, pteBase, layout: PTE_LAYOUTS[o.pteLayout] },
      this.processes, this.trace,
    );
    this.fileSystem = FileSystem.withDefaultImages();
    this.mm.fileSystem = this.fileSystem;
    this.registry = Registry.withDefaults();
    this.ps = new ProcessManager(this.psContext());
    // The kernel's own commit (nonpaged/paged pool, system PTEs), about 1.5% of RAM.
    this.mm.systemCommit = Math.floor(this.physicalPageCount / 64);
    if (this.trace.begin('system.boot')) { this.trace.num(this.physicalPageCount); this.trace.num(o.pageFileMB * 256); this.trace.num(o.processors); this.trace.change('system'); }
    this.takeSnapshot();
    if (o.boot) this.bootProcesses();
  }

  // ------------------------------------------------------------------ steps and time travel

  get stepCount(): number { return this.trace.count; }

  /** Steps with seq in [start, end), oldest first. */
  getSteps(start: number, end: number): Step[] {
    if (!Number.isInteger(start) || !Number.isInteger(end)) throw new RangeError('getSteps: start and end must be integers');
    const s = Math.max(0, start);
    const e = Math.min(end, this.trace.count);
    const out: Step[] = [];
    for (let i = s; i < e; i++) out.push(this.trace.get(i));
    return out;
  }

  /**
   * The machine as it was right after step `seq`: a read-only System rebuilt from the nearest earlier
   * snapshot by replaying the recorded operations, stopping as soon as step `seq` is recorded (for the
   * last step, at the end of its operation: the present).
   */
  stateAt(seq: number): System {
    if (!Number.isInteger(seq) || seq < 0 || seq >= this.trace.count) throw new RangeError(`stateAt: no step ${seq} (0..${this.trace.count - 1})`);
    let snap = this.snapshots[0]!;
    for (const s of this.snapshots) if (s.stepCount <= seq + 1) snap = s;
    const view = new System({}, snap.system);
    view.trace = this.trace; // share the recorded steps for reading
    const counter = new StepLog();
    counter.countOnly = true;
    counter.count = snap.stepCount;
    counter.stopAt = seq === this.trace.count - 1 ? -1 : seq + 1;
    view.setTrace(counter);
    view.replaying = true;
    try {
      for (let i = snap.opIndex; i < this.ops.count && counter.count <= seq; i++) {
        try { view.apply(this.ops.get(i) as Op); } catch (e) {
          if (e instanceof StopReplay) break;
          if (!(e instanceof LastError) && !(e instanceof NtException) && !(e instanceof Win32Error)) throw e;
        }
      }
    } finally {
      view.replaying = false;
    }
    view.setTrace(this.trace);
    view.readOnly = true;
    view.viewStepCount = seq + 1;
    return view;
  }
  private viewStepCount = -1;
  /** For a state returned by stateAt: the number of steps it includes. */
  get stepsIncluded(): number { return this.viewStepCount >= 0 ? this.viewStepCount : this.trace.count; }

  private setTrace(t: StepLog): void {
    this.trace = t;
    (this.mm as { trace: StepLog }).trace = t;
  }

  /** The operations run so far, oldest first (what a saved session replays). */
  operations(): Op[] {
    const out: Op[] = [];
    for (let i = 0; i < this.ops.count; i++) {
      const op = this.ops.get(i) as Op;
      out.push(op.op === 'write' ? { ...op, args: [op.args[0], op.args[1].slice()] } : op);
    }
    return out;
  }

  /** Runs a mutating operation, logging it for replay. */
  op(op: Op): unknown {
    if (this.readOnly) throw new Error('This is a past state of the simulation (from stateAt); it cannot be changed.');
    if (op.op === 'read') this.ops.pushRead(op.pid, op.args[0], op.args[1]);
    else if (op.op === 'write') this.ops.pushWrite(op.pid, op.args[0], op.args[1]);
    else this.ops.push(op);
    const fromSeq = this.trace.count;
    try {
      return this.apply(op);
    } finally {
      this.maybeSnapshot();
      if (this.changed.hasListeners && this.trace.count > fromSeq) this.changed.fire({ fromSeq, toSeq: this.trace.count });
    }
  }

  private apply(op: Op): unknown {
    switch (op.op) {
      case 'createProcess': return this.createProcessImpl(op.args[0]);
      case 'ps': return applyPsCall(this.ps, op.args[0]);
      case 'section': return applySectionCall(this.sectionContext(), op.args[0]);
      case 'memoryListCommand': return this.memoryListCommandImpl(op.args[0]);
      case 'runSystemThread': return this.runSystemThreadImpl(op.args[0]);
      case 'grantPrivilege': return this.process(op.args[0]).privileges.add(op.args[1]);
      case 'VirtualAlloc': return virtualAlloc(this.mm, this.process(op.pid), ...op.args);
      case 'VirtualFree': return virtualFree(this.mm, this.process(op.pid), ...op.args);
      case 'VirtualProtect': return virtualProtect(this.mm, this.process(op.pid), ...op.args);
      case 'SetProcessWorkingSetSize': return this.setWorkingSetSizeImpl(this.process(op.pid), ...op.args);
      case 'GetWriteWatch': return getWriteWatch(this.mm, this.process(op.pid), op.args[0], op.args[1], op.args[2], this.replaying ? [] : op.args[3], this.replaying ? { value: op.args[4].value } : op.args[4]);
      case 'ResetWriteWatch': return resetWriteWatch(this.mm, this.process(op.pid), ...op.args);
      case 'read': return this.access(this.process(op.pid), op.args[0], op.args[1], null);
      case 'write': return this.access(this.process(op.pid), op.args[0], op.args[1].length, op.args[1]);
      default: { const never: never = op; throw new Error(`unknown op ${(never as Op).op}`); }
    }
  }

  private maybeSnapshot(): void {
    if (this.trace.count < this.nextSnapshotCheck) return;
    // Look at the clock only every SNAPSHOT_MIN_STEPS steps.
    this.nextSnapshotCheck = this.trace.count + SNAPSHOT_MIN_STEPS;
    if (now() - this.lastSnapshotTime < this.snapshotIntervalMs) return;
    this.takeSnapshot();
  }
  private nextSnapshotCheck = SNAPSHOT_MIN_STEPS;

  /**
   * Snapshots cost a copy of the PFN database and, afterwards, a copy of every page-content chunk
   * written while the snapshot shares it. The interval adapts so that cost stays near a tenth of the
   * work, but never exceeds SNAPSHOT_MAX_INTERVAL_MS, which bounds how long a jump replays.
   */
  private takeSnapshot(): void {
    const t0 = now();
    const mm = this.mm;
    const copied = mm.phys.copiedChunks + mm.pageFile.copiedChunks;
    const deferredMs = (copied - this.copiedAtLastSnapshot) * CHUNK_COPY_MS;
    const retired = mm.phys.retiredSharedBytes + mm.pageFile.retiredSharedBytes;
    this.snapshots.push({ opIndex: this.ops.count, stepCount: this.trace.count, system: new System({}, this) });
    const cloneMs = now() - t0;
    const cost = cloneMs + deferredMs;
    this.copiedAtLastSnapshot = copied;
    // Aim at a tenth of the work; on a big machine, where one copy of the state is itself costly,
    // allow up to two copies' time between snapshots (a jump clones once and replays at most that: with 2.5 the 1,600-process bench session jumped in up to 110-140 ms, over the 100 ms budget).
    this.snapshotIntervalMs = Math.min(Math.max(SNAPSHOT_MIN_INTERVAL_MS, cost * 10), Math.max(SNAPSHOT_MAX_INTERVAL_MS, cloneMs * 2));
    if (this.snapshots.length > SNAPSHOT_MAX) {
      // Thin out the older half; recent states stay dense, where learners step most.
      const keep = this.snapshots.filter((_, i) => i === 0 || i >= SNAPSHOT_MAX / 2 || i % 2 === 1);
      this.snapshots = keep;
    }
    this.boundSnapshotMemory(retired);
    this.lastSnapshotTime = now();
  }
  private copiedAtLastSnapshot = 0;

  /**
   * Page contents the snapshots alone keep alive (chunk versions the live stores have since rewritten
   * or let go) stay within options.timeTravelMemoryMB: paging-heavy work rewrites every page again and
   * again, and 48 snapshots of it once kept over a gigabyte. Past the budget, snapshots go one at a
   * time, each time the one whose loss widens the gap between kept snapshots least (so every stretch of
   * the session stays reachable by a replay of similar length), among those whose loss frees memory.
   * The first and the newest always stay. The exact count (a scan of the chunk tables) runs only when
   * a cheap upper bound says the budget may be exceeded.
   */
  private boundSnapshotMemory(retired: number): void {
    const budget = this.options.timeTravelMemoryMB * 1024 * 1024;
    if (this.retainedEstimate.base + (retired - this.retainedEstimate.retired) <= budget) return;
    const snaps = this.snapshots;
    const stores = (i: number): [PageStore, PageStore] => {
      const m = i < snaps.length ? snaps[i]!.system.mm : this.mm;
      return [m.phys, m.pageFile];
    };
    const freedBy = (i: number): number => {
      const [p, f] = stores(i);
      const [pp, pf] = stores(i - 1);
      const [np, nf] = stores(i + 1);
      return p.uniqueBytes(pp, np) + f.uniqueBytes(pf, nf);
    };
    let total = this.retainedBytes();
    const freed = snaps.map((_, i) => (i === 0 || i === snaps.length - 1 ? 0 : freedBy(i)));
    while (total > budget) {
      const victim = snapshotToDrop(snaps.map((x) => x.stepCount), freed);
      if (victim < 0) break;
      total -= freed[victim]!;
      snaps.splice(victim, 1);
      freed.splice(victim, 1);
      for (const i of [victim - 1, victim]) if (i > 0 && i < snaps.length - 1) freed[i] = freedBy(i);
    }
    this.retainedEstimate = { base: total, retired };
  }
  /** Time travel's memory: snapshots kept, page contents only they hold (exact), the budget, the widest gap between kept snapshots. */
  timeTravelMemory(): { snapshots: number; retainedBytes: number; budgetBytes: number; widestGapSteps: number } {
    const snaps = this.snapshots;
    let widest = 0;
    for (let i = 0; i < snaps.length; i++) widest = Math.max(widest, (i + 1 < snaps.length ? snaps[i + 1]!.stepCount : this.trace.count) - snaps[i]!.stepCount);
    return { snapshots: snaps.length, retainedBytes: this.retainedBytes(), budgetBytes: this.options.timeTravelMemoryMB * 1024 * 1024, widestGapSteps: widest };
  }

  /** Page contents only snapshots hold: each chunk version counted once, at the newest snapshot holding it. */
  private retainedBytes(): number {
    const snaps = this.snapshots;
    let total = 0;
    for (let i = 0; i < snaps.length; i++) {
      const m = snaps[i]!.system.mm;
      const n = i + 1 < snaps.length ? snaps[i + 1]!.system.mm : this.mm;
      total += m.phys.bytesNotIn(n.phys) + m.pageFile.bytesNotIn(n.pageFile);
    }
    return total;
  }

  /** The exact retained bytes at the last scan, and the live stores' retired bytes then. */
  private retainedEstimate = { base: 0, retired: 0 };

  // ------------------------------------------------------------------ processes

  private process(pid: number): ProcessObject {
    const p = this.byPid.get(pid);
    if (!p || p.exited) throw new LastError(ERROR_INVALID_HANDLE);
    return p;
  }

  /** Creates a process: the recorded CreateProcess flow (a minimal one until the processes issue lands). */
  createProcess(options: CreateProcessOptions): { pid: number; tid: number } {
    if (!options || typeof options !== 'object' || typeof options.imagePath !== 'string' || options.imagePath.trim() === '') {
      throw new Win32Error(ERROR_INVALID_PARAMETER, 'createProcess: imagePath must be a non-empty string');
    }
    if (options.parentPid !== undefined && !this.byPid.get(options.parentPid)) throw new Win32Error(ERROR_INVALID_HANDLE, `createProcess: no process ${options.parentPid}`);
    try {
      return this.op({ op: 'createProcess', args: [{ ...options }] }) as { pid: number; tid: number };
    } catch (e) {
      if (e instanceof LastError) throw new Win32Error(e.code);
      throw e;
    }
  }

  private createProcessImpl(options: CreateProcessOptions): { pid: number; tid: number } {
    const { pid, tid } = this.ps.createProcess(options);
    return { pid, tid };
  }

  /** What the process manager works on (live views of this system's state). */
  private psContext(): PsContext {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const self = this;
    return {
      get mm() { return self.mm; }, get rng() { return self.rng; }, get processes() { return self.processes; },
      get byPid() { return self.byPid; }, get fs() { return self.fileSystem; }, get registry() { return self.registry; },
      get processors() { return self.options.processors; },
    };
  }

  /** What the file-mapping calls work on. */
  private sectionContext(): SectionContext {
    return {
      mm: this.mm, pm: this.ps, fs: this.fileSystem,
      live: (pid) => this.process(pid),
      access: (p, va, size, data, out) => this.access(p, va, size, data, out),
    };
  }

  /** Runs a file-mapping call (CreateFileMapping, MapViewOfFile, ...) through the replay log; failures stay LastError for the Win32 layer. */
  sectionCall(call: SectionCall): unknown {
    return this.op({ op: 'section', args: [call] });
  }

  /** Runs a process-manager operation through the replay log (see ps/calls.ts); LastError becomes Win32Error. */
  psCall(call: PsCall): unknown {
    try {
      // The log keeps its own copy, so a caller changing its objects later cannot change what replays.
      return this.op({ op: 'ps', args: [clonePsCall(call)] });
    } catch (e) {
      if (e instanceof LastError) throw new Win32Error(e.code);
      throw e;
    }
  }

  private bootProcesses(): void {
    this.op({ op: 'ps', args: [{ call: 'boot' }] });
  }

  /** Process ids of live processes, in creation order. */
  get processIds(): number[] {
    return this.processes.filter((p): p is ProcessObject => !!p && !p.exited).map((p) => p.pid);
  }
  get processCount(): number { return this.processIds.length; }

  queryProcess(pid: number): ProcessInfo | undefined {
    const p = this.byPid.get(pid);
    if (!p || p.exited) return undefined;
    return {
      pid: p.pid, parentPid: p.parentPid, imageFileName: p.imageFileName, imagePath: p.imagePath, sessionId: p.sessionId,
      eprocess: p.eprocess, directoryTableBase: p.directoryTableBase, peb: p.peb,
      threads: p.threads.map((t) => ({ tid: t.tid, state: t.state, teb: t.teb })),
      workingSetSize: p.ws.count, workingSetMinimum: p.ws.minimum, workingSetMaximum: p.ws.maximum, peakWorkingSetSize: p.ws.peak,
      pageFaultCount: p.ws.pageFaultCount, privateCommit: p.privateCommit, pageTablePages: p.pageTablePages, vadCount: p.vads.count,
      ...this.executiveInfo(p),
    };
  }

  /**
   * The process object's security descriptor (owner, DACL, mandatory label) and protection level, what
   * OpenProcess checks (undefined for processes the process manager did not make, and dead ones).
   */
  queryProcessSecurity(pid: number): ProcessSecurityInfo | undefined {
    const p = this.byPid.get(pid);
    if (!p || p.exited || !p.ps) return undefined;
    return describeProcessSecurity(this.ps.state(p));
  }

  /** What the process manager adds to a process's description (absent for processes it did not make). */
  private executiveInfo(p: ProcessObject): Pick<ProcessInfo, 'userName' | 'integrityLevel' | 'debuggerPid' | 'consoleHostPid'> {
    if (!p.ps) return {};
    const st = this.ps.state(p);
    const console = st.consoleId ? this.ps.consoles.get(st.consoleId) : undefined;
    return { userName: st.token.user.name, integrityLevel: st.token.integrityLevel, debuggerPid: st.debuggerPid, consoleHostPid: console?.hostPid ?? 0 };
  }

  /** The Win32 API in the context of process `pid`. */
  win32(pid: number): Win32Api {
    const p = this.byPid.get(pid);
    if (!p || p.exited) throw new Win32Error(ERROR_INVALID_PARAMETER, `win32: no process ${pid}`);
    return new Win32ApiImpl(this, pid);
  }

  /** Grants a privilege to a process token (e.g. SeLockMemoryPrivilege for large pages). */
  grantPrivilege(pid: number, privilege: string): void {
    this.process(pid);
    this.op({ op: 'grantPrivilege', args: [pid, privilege] });
    const t = this.trace;
    if (t.begin('system.privilege')) { t.num(pid); t.str(privilege); t.change('process', pid); }
  }

  getLastError(pid: number): number { return this.lastErrors.get(pid) ?? 0; }
  setLastError(pid: number, code: number): void { this.lastErrors.set(pid, code); }

  workingSetLimits(pid: number): [number, number] {
    const p = this.process(pid);
    return [p.ws.minimum, p.ws.maximum];
  }

  query(pid: number, address: bigint): MEMORY_BASIC_INFORMATION {
    return virtualQuery(this.mm, this.process(pid), address);
  }

  private setWorkingSetSizeImpl(p: ProcessObject, min: bigint, max: bigint): void {
    if (typeof min !== 'bigint' || typeof max !== 'bigint') throw new LastError(ERROR_INVALID_PARAMETER);
    const t = this.trace;
    if (min === -1n && max === -1n) {
      this.mm.trimWorkingSet(p, p.ws.count, 'SetProcessWorkingSetSize');
      return;
    }
    if (min === -1n || max === -1n || min < 0n || max < 0n || min > max) throw new LastError(ERROR_INVALID_PARAMETER);
    // Zero for both means "use the defaults"; too small a minimum is raised to the system minimum.
    const minPages = Math.max(20, Number((min + 4095n) / 4096n));
    const maxPages = Math.max(minPages, Number((max + 4095n) / 4096n));
    if (minPages > this.physicalPageCount - this.mm.lowAvailable) throw new LastError(ERROR_NO_SYSTEM_RESOURCES);
    p.ws.minimum = minPages;
    p.ws.maximum = maxPages;
    if (t.begin('ws.setSize')) { t.num(p.pid); t.num(minPages); t.num(maxPages); t.change('process', p.pid); }
    if (p.ws.count > maxPages) this.mm.trimWorkingSet(p, p.ws.count - maxPages, 'SetProcessWorkingSetSize');
  }

  // ------------------------------------------------------------------ memory accesses

  /** The live process object for `pid` (throws the Win32 error a bad handle gives). For the access fast path. */
  liveProcess(pid: number): ProcessObject { return this.process(pid); }
  /** Physical page contents (the access fast path reads them directly on a TLB hit). */
  get physicalStore(): { read(page: number, offset: number, out: Uint8Array, at: number, length: number): void } { return this.mm.phys; }

  /** A user-mode load (the op is logged only when it took the fault path, the only way a load changes state). */
  readMemory(pid: number, va: number, size: number): Uint8Array {
    const p = this.process(pid);
    const out = new Uint8Array(size);
    if (this.tryFastRead(p, va, out)) return out;
    this.op({ op: 'read', pid, args: [va, size] });
    this.copyOut(p, va, out);
    return out;
  }

  writeMemory(pid: number, va: number, data: Uint8Array): void {
    this.process(pid);
    this.op({ op: 'write', pid, args: [va, data] });
  }

  private tryFastRead(p: ProcessObject, va: number, out: Uint8Array): boolean {
    const phys = this.mm.phys;
    let done = 0;
    const n = out.length;
    // Check every page first so a partly valid range is not half-read.
    for (let cur = va; cur < va + n; cur = (Math.floor(cur / PAGE_SIZE) + 1) * PAGE_SIZE) {
      const vpn = Math.floor(cur / PAGE_SIZE);
      const slot = vpn & (TLB_SIZE - 1);
      if (p.tlbVpn[slot] !== vpn || !(p.tlbFlags[slot]! & TLB_READ)) return false;
    }
    while (done < n) {
      const cur = va + done;
      const vpn = Math.floor(cur / PAGE_SIZE);
      const off = cur - vpn * PAGE_SIZE;
      const len = Math.min(n - done, PAGE_SIZE - off);
      phys.read(p.tlbPfn[vpn & (TLB_SIZE - 1)]!, off, out, done, len);
      done += len;
    }
    return true;
  }

  private copyOut(p: ProcessObject, va: number, out: Uint8Array): void {
    // After the logged access every page is resident (or it threw); read through the TLB again.
    if (!this.tryFastRead(p, va, out)) this.access(p, va, out.length, null, out);
  }

  /** Touches [va, va+size) as loads (data null) or stores, faulting pages in as needed. */
  private access(p: ProcessObject, va: number, size: number, data: Uint8Array | null, out?: Uint8Array): void {
    const mm = this.mm;
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

  // ------------------------------------------------------------------ memory lists and system threads

  memoryListCommand(command: MemoryListCommand): void {
    if (!Object.prototype.hasOwnProperty.call(MEMORY_LIST_COMMANDS, command)) {
      throw new Win32Error(ERROR_INVALID_PARAMETER, `memoryListCommand: unknown command ${String(command)}`);
    }
    this.op({ op: 'memoryListCommand', args: [command] });
  }

  private memoryListCommandImpl(command: MemoryListCommand): number {
    const mm = this.mm;
    let pages = 0;
    switch (command) {
      case 'MemoryEmptyWorkingSets':
        for (const p of this.processes) if (p && !p.exited) pages += mm.trimWorkingSet(p, p.ws.count, 'MemoryEmptyWorkingSets');
        break;
      case 'MemoryFlushModifiedList': pages = mm.modifiedPageWriter(Infinity); break;
      case 'MemoryPurgeStandbyList': pages = mm.purgeStandby(7); break;
      case 'MemoryPurgeLowPriorityStandbyList': pages = mm.purgeStandby(0); break;
    }
    const t = this.trace;
    if (t.begin('memoryList.command')) { t.str(command); t.num(pages); t.change('system'); }
    return pages;
  }

  /** Runs one of the memory manager's system threads once. */
  runSystemThread(name: SystemThreadName): number {
    if (!SYSTEM_THREADS.includes(name)) throw new Win32Error(ERROR_INVALID_PARAMETER, `runSystemThread: unknown thread ${String(name)}`);
    return this.op({ op: 'runSystemThread', args: [name] }) as number;
  }

  private runSystemThreadImpl(name: SystemThreadName): number {
    switch (name) {
      case 'balanceSetManager': return this.mm.balanceSetManager(false);
      case 'modifiedPageWriter': return this.mm.modifiedPageWriter(Infinity);
      case 'zeroPageThread': return this.mm.zeroPageThread();
      case 'mappedPageWriter': return mappedPageWriter(this.mm, this.fileSystem);
      case 'processStackSwapper': return this.ps.swapKernelStacks();
    }
  }

  querySystemMemoryListInformation(): SystemMemoryListInformation {
    const db = this.mm.pfn;
    const byPriority: number[] = [];
    for (let p = 0; p < 8; p++) byPriority.push(db.listCount[LIST_STANDBY0 + p]!);
    return {
      ZeroPageCount: db.listCount[LIST_ZEROED]!,
      FreePageCount: db.listCount[LIST_FREE]!,
      ModifiedPageCount: db.listCount[LIST_MODIFIED]!,
      ModifiedNoWritePageCount: db.listCount[LIST_MODIFIED_NOWRITE]!,
      BadPageCount: db.listCount[LIST_BAD]!,
      PageCountByPriority: byPriority,
      RepurposedPagesByPriority: Array.from(db.repurposed),
      ModifiedPageCountPageFile: db.listCount[LIST_MODIFIED]!,
    };
  }

  queryCommit(): CommitInfo {
    return { CommitTotal: this.mm.commitTotal, CommitLimit: this.mm.commitLimit, CommitPeak: Math.max(this.mm.commitPeak, this.mm.commitTotal) };
  }

  queryPfn(pfn: number): PfnInfo {
    if (!Number.isInteger(pfn) || pfn < 0 || pfn >= this.physicalPageCount) throw new RangeError(`queryPfn: no page frame ${pfn} (0..${this.physicalPageCount - 1})`);
    const db = this.mm.pfn;
    const owner = this.mm.ownerOf(pfn);
    return {
      State: PAGE_STATE_NAMES[db.location[pfn]!]!,
      ShareCount: db.shareCount[pfn]!,
      ReferenceCount: db.referenceCount[pfn]!,
      PteAddress: join64(db.pteAddressLo[pfn]!, db.pteAddressHi[pfn]!),
      OriginalPte: join64(db.originalPteLo[pfn]!, db.originalPteHi[pfn]!),
      PteFrame: db.pteFrame[pfn]!,
      Priority: db.priority[pfn]!,
      Modified: (db.flags[pfn]! & 1) !== 0,
      OwnerPid: owner >= 0 ? this.processes[owner]?.pid ?? 0 : 0,
      PageTable: (db.flags[pfn]! & 0x20) !== 0,
      LargePage: (db.flags[pfn]! & 0x10) !== 0,
      WsIndex: db.wsIndex[pfn]!,
    };
  }

  /** Virtual addresses of the paging entries that map `va` under this system's self-map. */
  getPagingStructureAddresses(va: bigint): { pxe: bigint; ppe: bigint; pde: bigint; pte: bigint } {
    if (typeof va !== 'bigint') throw new TypeError('getPagingStructureAddresses: va must be a bigint');
    const base = this.options.pteBase;
    const pte = miGetPteAddress(va, base);
    const pde = miGetPteAddress(pte, base);
    const ppe = miGetPteAddress(pde, base);
    const pxe = miGetPteAddress(ppe, base);
    return { pxe, ppe, pde, pte };
  }

  /** Decodes the PTE mapping `va` in process `pid` (!pte), without faulting anything in. */
  decodePte(pid: number, va: bigint): DecodedPte {
    const p = this.byPid.get(pid);
    if (!p) throw new Win32Error(ERROR_INVALID_PARAMETER, `decodePte: no process ${pid}`);
    const [lo, hi] = this.mm.peekPte(p, Number(va / 4096n));
    return decodePte(lo, hi, this.mm.layout);
  }

  /** The VADs of a process in address order (!vad). */
  queryVads(pid: number): VadInfo[] {
    const p = this.byPid.get(pid);
    if (!p || p.exited) return [];
    return p.vads.toArray().map((v) => ({
      start: BigInt(v.startVpn) * 4096n,
      end: BigInt(v.endVpn) * 4096n + 4095n,
      vadType: VadType[v.vadType] as VadInfo['vadType'],
      type: v.vadType === VadType.VadImageMap ? 0x1000000 : v.privateMemory ? 0x20000 : 0x40000,
      allocationProtect: v.allocationProtect,
      commitCharge: v.commitCharge,
      memCommit: v.memCommit,
      pageCount: v.pageCount,
    }));
  }

  /** A slice of a process's working-set list (!wsle), in list order, and the total in use. */
  queryWorkingSet(pid: number, start = 0, count = Infinity): { total: number; entries: WsleInfo[] } {
    const p = this.byPid.get(pid);
    if (!p || p.exited) return { total: 0, entries: [] };
    const entries: WsleInfo[] = [];
    let seen = 0;
    for (let i = 0; i < p.ws.lastEntry && entries.length < count; i++) {
      const vpn = p.ws.vpn[i]!;
      if (vpn < 0) continue;
      if (seen++ < start) continue;
      const [lo, hi] = this.mm.peekPte(p, vpn);
      entries.push({ index: i, va: BigInt(vpn) * 4096n, age: p.ws.age[i]!, pfn: lo & PTE_VALID_BIT ? ptePfn(lo, hi, this.mm.layout.hardwarePfnBits) : -1 });
    }
    return { total: p.ws.count, entries };
  }

  /** Page frame numbers on a page list, oldest first: a slice [start, start + count). */
  listPages(list: 'Zeroed' | 'Free' | 'Standby' | 'Modified' | 'ModifiedNoWrite' | 'Bad', start = 0, count = Infinity, priority?: number): number[] {
    const db = this.mm.pfn;
    const heads: number[] = [];
    switch (list) {
      case 'Zeroed': heads.push(LIST_ZEROED); break;
      case 'Free': heads.push(LIST_FREE); break;
      case 'Modified': heads.push(LIST_MODIFIED); break;
      case 'ModifiedNoWrite': heads.push(LIST_MODIFIED_NOWRITE); break;
      case 'Bad': heads.push(LIST_BAD); break;
      case 'Standby':
        if (priority !== undefined) heads.push(LIST_STANDBY0 + priority);
        else for (let p = 0; p < 8; p++) heads.push(LIST_STANDBY0 + p);
        break;
      default: throw new RangeError(`listPages: unknown list ${String(list)}`);
    }
    const out: number[] = [];
    let seen = 0;
    for (const h of heads) {
      for (let pfn = db.listHead[h]!; pfn >= 0 && out.length < count; pfn = db.flink[pfn]!) {
        if (seen++ >= start) out.push(pfn);
      }
    }
    return out;
  }

  /** Walks the four paging levels for `va` in process `pid`, as the MMU would, without faulting. */
  walkAddress(pid: number, va: bigint): AddressWalk {
    const p = this.byPid.get(pid);
    if (!p) throw new Win32Error(ERROR_INVALID_PARAMETER, `walkAddress: no process ${pid}`);
    if (typeof va !== 'bigint' || va < 0n || va > 0xFFFFFFFFFFFFFFFFn) throw new RangeError('walkAddress: va must be a 64-bit bigint');
    const vpn = Number((va & 0xFFFFFFFFFFFFn) >> 12n);
    const offset = Number(va & 0xFFFn);
    const names = ['PTE', 'PDE', 'PPE', 'PXE'] as const;
    const addresses = this.getPagingStructureAddresses(va);
    const byLevel = [addresses.pte, addresses.pde, addresses.ppe, addresses.pxe];
    const levels: WalkLevel[] = [];
    let table = p.directoryTableBase;
    let physicalAddress: bigint | null = null;
    let pfn: number | null = null;
    let largePage: AddressWalk['largePage'] = null;
    for (let level = LEVEL_PXE; level >= 0; level--) {
      const index = tableIndex(level, vpn);
      const lo = this.mm.readLo(table, index);
      const hi = this.mm.readHi(table, index);
      levels.push({ level: names[level]!, index, address: byLevel[level]!, tablePfn: table, decoded: decodePteValue(lo, hi, this.mm.layout) });
      if (!(lo & PTE_VALID_BIT)) break;
      const next = ptePfn(lo, hi, this.mm.layout.hardwarePfnBits);
      if (level > 0 && (lo & PTE_LARGE_PAGE)) {
        const span = level === 1 ? 512 : 512 * 512;
        pfn = next + (vpn % span);
        largePage = level === 1 ? '2MB' : '1GB';
        physicalAddress = BigInt(pfn) * 4096n + BigInt(offset);
        break;
      }
      if (level === 0) { pfn = next; physicalAddress = BigInt(next) * 4096n + BigInt(offset); }
      table = next;
    }
    return {
      va,
      indices: { pxe: tableIndex(3, vpn), ppe: tableIndex(2, vpn), pde: tableIndex(1, vpn), pte: tableIndex(0, vpn), offset },
      levels, physicalAddress, pfn, largePage,
    };
  }

  /** Control areas with their segments, section objects and views (the Sections view). */
  querySections(): SectionInfo[] { return listSections(this.mm, this.processes); }
  /** A slice of a control area's prototype PTEs, decoded. */
  queryPrototypePtes(controlArea: number, start = 0, count = 256): PrototypePteInfo[] { return listPrototypePtes(this.mm, controlArea, start, count); }
  /** The handle table of a process (!handle). */
  queryHandles(pid: number): HandleInfo[] { const p = this.byPid.get(pid); return p && !p.exited ? listHandles(this.ps, p) : []; }
  /** Every job object with its limits, accounting and members. */
  queryJobs(): JobInfo[] { return listJobs(this.ps); }
  /** Every debug object: debugger, debuggees and queued events. */
  queryDebugObjects(): DebugObjectInfo[] { return listDebugObjects(this.ps); }

  /** Internal access for the integrity checker and benchmarks. */
  get internals(): { mm: MemoryManager; processes: ReadonlyArray<ProcessObject | undefined> } {
    return { mm: this.mm, processes: this.processes };
  }
}

function validateOptions(o: SystemOptions): Required<Omit<SystemOptions, 'pteBase'>> & { pteBase?: bigint } {
  if (o === null || typeof o !== 'object') throw new Win32Error(ERROR_INVALID_PARAMETER, 'createSystem: options must be an object');
  const int = (name: string, v: unknown, def: number, min: number, max: number): number => {
    if (v === undefined) return def;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw new Win32Error(ERROR_INVALID_PARAMETER, `createSystem: ${name} must be an integer in [${min}, ${max}]`);
    return v;
  };
  const physicalMemoryMB = int('physicalMemoryMB', o.physicalMemoryMB, 512, 4, 65536);
  const pageFileMB = int('pageFileMB', o.pageFileMB, 1024, 0, 262144);
  const processors = int('processors', o.processors, 4, 1, 64);
  const seed = int('seed', o.seed, 1, 0, 0xFFFFFFFF);
  if (o.boot !== undefined && typeof o.boot !== 'boolean') throw new Win32Error(ERROR_INVALID_PARAMETER, 'createSystem: boot must be a boolean');
  const pteLayout = o.pteLayout ?? 'modern';
  if (pteLayout !== 'modern' && pteLayout !== 'legacy') throw new Win32Error(ERROR_INVALID_PARAMETER, "createSystem: pteLayout must be 'modern' or 'legacy'");
  let pteBase: bigint | undefined;
  if (o.pteBase !== undefined) {
    if (typeof o.pteBase !== 'bigint') throw new Win32Error(ERROR_INVALID_PARAMETER, 'createSystem: pteBase must be a bigint');
    // A valid PTE base is a kernel-half address aligned to 512 GB (one PML4 entry).
    const index = (o.pteBase >> 39n) & 511n;
    if ((o.pteBase & ((1n << 39n) - 1n)) !== 0n || (o.pteBase >> 48n) !== 0xFFFFn || index < 256n) {
      throw new Win32Error(ERROR_INVALID_PARAMETER, 'createSystem: pteBase must be 0xFFFF8000_00000000 + n * 512 GB (a kernel PML4 slot)');
    }
    pteBase = o.pteBase;
  }
  const timeTravelMemoryMB = int('timeTravelMemoryMB', o.timeTravelMemoryMB, Math.max(256, 2 * physicalMemoryMB), 1, 1 << 20);
  return { physicalMemoryMB, pageFileMB, processors, seed, boot: o.boot ?? true, pteLayout, pteBase, timeTravelMemoryMB };
}

/** Windows 10 1607+ picks the self-map PML4 slot at random in the kernel half. */
function randomPteBase(rng: Rng): bigint {
  const index = rng.range(0x100, 0x1F0);
  return 0xFFFF000000000000n | (BigInt(index) << 39n);
}

export { CLASSIC_PTE_BASE };
