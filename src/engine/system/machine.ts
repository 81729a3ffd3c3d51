// The machine behind a System: its state (memory manager, processes, process manager, files,
// registry) and the one operation path every state change takes — validate, log, apply, snapshot,
// notify (op). The Win32 layer and the process manager work on this; views see the narrow System.
// Steps can only be recorded while an operation runs (StepLog throws otherwise), so no change can
// bypass the log that time travel and saved sessions replay.
import { PAGE_SIZE_N } from '../constants';
import { ERROR_INVALID_HANDLE, ERROR_INVALID_PARAMETER, ERROR_NO_SYSTEM_RESOURCES } from '../constants';
import { isDocumentedError, LastError } from '../errors';
import { Emitter } from '../events';
import { FileSystem } from '../io/fileSystem';
import { Registry } from '../config/registry';
import { MemoryManager } from '../mm/memoryManager';
import { PTE_LAYOUTS } from '../mm/pte';
import { MiMappedPageWriter } from '../mm/writer';
import { SystemSpace } from '../mm/systemSpace';
import { applyPoolCall } from '../mm/poolCalls';
import { applyHeapCall, type HeapCall, type HeapResult } from '../heap/calls';
import { applySectionCall, type SectionCall, type SectionContext, type SectionResult } from '../ps/sectionCalls';
import { getWriteWatch, resetWriteWatch, virtualAlloc, virtualFree, virtualProtect, virtualQuery, type MEMORY_BASIC_INFORMATION } from '../mm/virtual';
import { virtualLock, virtualUnlock } from '../mm/lock';
import { OpLog } from '../opLog';
import type { ProcessObject } from '../process';
import { applyPsCall, type PsCall, type PsResult } from '../ps/calls';
import { ProcessManager, type PsContext } from '../ps/processManager';
import { Rng } from '../rng';
import { StepLog } from '../trace';
import { access, tryFastRead } from './access';
import { callingThread, copyForLog, copyOp, validateOpShape, type MemoryListCommand, type Op, type OpName, type OpResult, type SystemThreadName } from './operations';
import { randomPteBase, validateOptions, type ResolvedSystemOptions, type SystemOptions } from './options';
import { TimeTravel } from './timeTravel';
import { setProcessMemoryPriority, setThreadMemoryPriority } from './memoryPriority';

/** Fired after each operation with the steps it recorded. */
export interface SystemChange { fromSeq: number; toSeq: number }

/** One handler per operation kind; the table is what `apply` dispatches on. */
type Handlers = { [K in OpName]: (m: Machine, op: Extract<Op, { op: K }>, out?: Uint8Array) => unknown };

const APPLY = {
  createProcess: (m, op) => { const { pid, tid } = m.ps.createProcess(op.args[0]); return { pid, tid }; },
  ps: (m, op) => applyPsCall(m.ps, op.args[0]),
  section: (m, op) => applySectionCall(m.sectionContext(), op.args[0]),
  pool: (m, op) => applyPoolCall(m.mm, op.args[0]),
  heap: (m, op) => applyHeapCall({
    mm: m.mm, trace: m.trace, rng: m.rng, live: (pid) => m.process(pid), terminate: (p, status) => m.ps.terminateProcess(p, status, p.pid),
  }, op.args[0]),
  memoryListCommand: (m, op) => memoryListCommand(m, op.args[0]),
  runSystemThread: (m, op) => runSystemThread(m, op.args[0]),
  grantPrivilege: (m, op) => {
    const [pid, privilege] = op.args;
    const p = m.process(pid);
    p.privileges.add(privilege);
    // A granted privilege is enabled, as if the program had called AdjustTokenPrivileges.
    m.ps.state(p).token.disabledPrivileges.delete(privilege);
    m.trace.step('system.privilege')?.n(pid).s(privilege).change('process', pid);
  },
  VirtualAlloc: (m, op) => virtualAlloc(m.mm, m.process(op.pid), ...op.args),
  VirtualFree: (m, op) => { virtualFree(m.mm, m.process(op.pid), ...op.args); },
  VirtualProtect: (m, op) => virtualProtect(m.mm, m.process(op.pid), ...op.args),
  SetProcessWorkingSetSize: (m, op) => { setWorkingSetSize(m, m.process(op.pid), ...op.args); },
  VirtualLock: (m, op) => virtualLock(m.mm, m.process(op.pid), ...op.args),
  VirtualUnlock: (m, op) => virtualUnlock(m.mm, m.process(op.pid), ...op.args),
  SetProcessInformation: (m, op) => { setProcessMemoryPriority(m, op.pid, ...op.args); },
  SetThreadInformation: (m, op) => { setThreadMemoryPriority(m, op.pid, ...op.args); },
  GetWriteWatch: (m, op) => getWriteWatch(m.mm, m.process(op.pid), ...op.args),
  ResetWriteWatch: (m, op) => resetWriteWatch(m.mm, m.process(op.pid), ...op.args),
  // A load's bytes are copied inside the operation, so nothing it does (Accessed bits, faults) happens outside it.
  read: (m, op, out) => { access(m.mm, m.process(op.pid), op.args[0], op.args[1], null, out); },
  write: (m, op) => { access(m.mm, m.process(op.pid), op.args[0], op.args[1].length, op.args[1]); },
  // The thread's LastErrorValue (a TEB field, Microsoft Learn "SetLastError"); a process that is gone keeps its last value.
  SetLastError: (m, op) => { m.lastErrors.set(op.pid, op.args[0]); },
} satisfies Handlers;

export class Machine {
  readonly options: ResolvedSystemOptions;
  /** Number of 4 KB pages of physical memory. */
  readonly physicalPageCount: number;
  mm!: MemoryManager;
  processes: Array<ProcessObject | undefined> = [];
  byPid = new Map<number, ProcessObject>();
  trace = new StepLog();
  rng!: Rng;
  /**
   * Each process's Win32 thread's last error (what GetLastError returns), by pid: set only inside
   * operations (a failure's code in apply, the Win32 layer's own codes by the SetLastError operation), so
   * a replay, a past state and a reloaded session hold exactly the live values.
   */
  lastErrors = new Map<number, number>();
  /** The operations run so far: what time travel and saved sessions replay. */
  readonly ops = new OpLog<Op>();
  /** The simulated volume (C:): images, data files, and the files mapped views read and write. */
  fileSystem!: FileSystem;
  /** The simulated registry (Image File Execution Options, file associations, packaged apps). */
  registry!: Registry;
  /** Processes, threads, jobs, handles, tokens, notify routines (src/engine/ps). */
  ps!: ProcessManager;
  nextTid = 0;
  /** A past state (from stateAt): operations are refused. */
  readOnly = false;
  /** For a past state: the number of steps it includes (-1 for the live machine). */
  viewStepCount = -1;
  /** Snapshots and the replays rebuilt from them (the live machine only). */
  readonly timeTravel: TimeTravel | undefined;
  readonly changed = new Emitter<SystemChange>();

  constructor(options: SystemOptions, source?: Machine) {
    if (source) {
      this.options = source.options;
      this.physicalPageCount = source.physicalPageCount;
      this.copyState(source);
      this.timeTravel = undefined;
      return;
    }
    const o = validateOptions(options);
    this.rng = new Rng(o.seed);
    const pteBase = o.pteBase ?? randomPteBase(this.rng);
    this.options = { ...o, pteBase };
    this.physicalPageCount = o.physicalMemoryMB * 256;
    this.mm = new MemoryManager(
      { physicalPages: this.physicalPageCount, pageFilePages: o.pageFileMB * 256, pteBase, layout: PTE_LAYOUTS[o.pteLayout], compression: o.memoryCompression },
      this.processes, this.trace,
    );
    this.fileSystem = FileSystem.withDefaultImages();
    this.mm.fileSystem = this.fileSystem;
    this.registry = Registry.withDefaults();
    this.ps = new ProcessManager(this.psContext());
    // The kernel's own commit beyond what the simulation allocates itself (pool, kernel stacks): about 1.5% of RAM.
    this.mm.systemCommit = Math.floor(this.physicalPageCount / 64);
    // The system address space: pools at the base the process manager drew from the seed, system PTEs, session space.
    this.mm.systemSpace = new SystemSpace(this.ps.ob.poolBase, this.physicalPageCount, o.pageFileMB * 256, this.mm.systemCommit);
    // Power-on is the one change before the first operation: it opens the log itself.
    this.trace.enter();
    try {
      this.trace.step('system.boot')?.n(this.physicalPageCount).n(o.pageFileMB * 256).n(o.processors).change('system');
    } finally {
      this.trace.leave();
    }
    this.timeTravel = new TimeTravel(this);
    if (o.boot) this.op({ op: 'ps', args: [{ call: 'boot' }] });
  }

  /**
   * A read-only view that shares `frozen`'s state instead of copying it: for time travel's private
   * machines (snapshots, boundaries kept near the cursor), which nothing changes once built. The view
   * has its own last errors (SetLastError on a past state's Win32 API writes them) and view fields.
   */
  static sharing(frozen: Machine): Machine {
    const view = Object.create(frozen) as Machine;
    view.lastErrors = new Map(frozen.lastErrors);
    view.readOnly = true;
    return view;
  }

  /** Bumped whenever copyState replaces the state objects (a roll-back): caches of process objects refresh. */
  stateGeneration = 0;

  /** Makes this machine's state a private copy of `source`'s (its step log stays its own). */
  copyState(source: Machine): void {
    this.stateGeneration++;
    this.rng = new Rng(source.rng.seedState);
    this.processes = source.processes.map((p) => p?.clone());
    this.byPid = new Map();
    for (const p of this.processes) if (p) this.byPid.set(p.pid, p);
    // Idle and System hold one boot token (ps/boot.ts): the copy keeps it one object, not two clones.
    const idle = this.byPid.get(0);
    const system = idle ? this.processes.find((p) => p !== undefined && p.pid !== 0 && p.ps.token.tokenId === idle.ps.token.tokenId) : undefined;
    if (idle && system) idle.ps.token = system.ps.token;
    this.mm = new MemoryManager(source.mm.config, this.processes, this.trace, source.mm);
    this.fileSystem = source.fileSystem.clone();
    this.mm.fileSystem = this.fileSystem;
    this.registry = source.registry.clone();
    this.ps = source.ps.clone(this.psContext());
    this.lastErrors = new Map(source.lastErrors);
    this.nextTid = source.nextTid;
  }

  /** False once detachFromReplay ran: the operation log no longer describes the state. */
  replayable = true;

  /**
   * For tests that drive the memory manager or the process manager directly: steps may then be
   * recorded outside operations, and since the log no longer describes the state, time travel and
   * saving refuse this machine from here on. There is no other way around the operation path.
   */
  detachFromReplay(): void {
    if (!this.replayable) return;
    this.replayable = false;
    this.trace.enter();
  }

  /** Uses another step log (a replay counts steps without storing them). */
  setTrace(t: StepLog): void {
    this.trace = t;
    (this.mm as { trace: StepLog }).trace = t;
  }

  get stepCount(): number { return this.trace.count; }

  // ------------------------------------------------------------------ the operation path

  /**
   * Runs a mutating operation: validates it, logs a copy, applies it, snapshots when due and tells
   * listeners which steps it recorded. An error other than the documented ones (LastError, NtException,
   * Win32Error) rolls the machine, the log and the steps back to before the operation.
   */
  op<O extends Op>(op: O): OpResult<O> {
    validateOpShape(op);
    const logged = copyForLog(op);
    return this.run(op, logged.copy, undefined, logged.bytes);
  }

  /** Process-manager calls, typed by their kind. */
  psCall<C extends PsCall>(call: C): PsResult<C> {
    return this.op({ op: 'ps', args: [call] }) as PsResult<C>;
  }

  /** Heap calls (HeapCreate, HeapAlloc, ..., malloc), typed by their kind. */
  heapCall<C extends HeapCall>(call: C): HeapResult<C> {
    return this.op({ op: 'heap', args: [call] }) as HeapResult<C>;
  }

  /** File-mapping calls, typed by their kind. */
  sectionCall<C extends SectionCall>(call: C): SectionResult<C> {
    return this.op({ op: 'section', args: [call] }) as SectionResult<C>;
  }

  /** `logged` is the log's copy of `op` and `bytes` its estimated size (copyForLog); loads and stores are logged column-wise. */
  private run<O extends Op>(op: O, logged: Op | null, out?: Uint8Array, bytes = 0): OpResult<O> {
    if (this.readOnly) throw new Error('This is a past state of the simulation (from stateAt); it cannot be changed.');
    const opIndex = this.ops.count;
    const fromSeq = this.trace.count;
    if (op.op === 'read') this.ops.pushRead(op.pid, op.args[0], op.args[1], fromSeq);
    else if (op.op === 'write') this.ops.pushWrite(op.pid, op.args[0], op.args[1], fromSeq);
    else this.ops.push(logged ?? op, fromSeq, bytes);
    this.trace.enter();
    let rolledBack = false;
    try {
      return this.apply(op, out) as OpResult<O>;
    } catch (e) {
      if (!isDocumentedError(e) && this.replayable) { this.rollBack(opIndex, fromSeq); rolledBack = true; }
      throw e;
    } finally {
      this.trace.leave();
      if (!rolledBack) {
        this.timeTravel?.maybeSnapshot();
        if (this.changed.hasListeners && this.trace.count > fromSeq) this.changed.fire({ fromSeq, toSeq: this.trace.count });
      }
    }
  }

  /**
   * Applies an operation to the state (the replay path calls this too, inside its own enter/leave). A
   * documented failure (LastError) becomes the calling thread's last error here, inside the operation,
   * so every replay of the log sets it exactly as the live run did.
   */
  apply(op: Op, out?: Uint8Array): unknown {
    const handler = APPLY[op.op] as (m: Machine, op: Op, out?: Uint8Array) => unknown;
    try {
      return handler(this, op, out);
    } catch (e) {
      if (e instanceof LastError) {
        const thread = callingThread(op);
        if (thread !== undefined) this.lastErrors.set(thread, e.code);
      }
      throw e;
    }
  }

  /**
   * Undoes a half-applied operation that failed unexpectedly: the log and the steps lose it, and the
   * state is rebuilt from the nearest snapshot by replaying the operations before it.
   */
  private rollBack(opIndex: number, fromSeq: number): void {
    this.ops.truncate(opIndex);
    this.trace.truncate(fromSeq);
    const rebuilt = this.timeTravel!.rebuild(opIndex, fromSeq);
    this.copyState(rebuilt);
  }

  /** The operations run so far, oldest first (what a saved session replays); copies. */
  operations(): Op[] {
    const out: Op[] = [];
    for (let i = 0; i < this.ops.count; i++) {
      const op = this.ops.get(i) as Op;
      out.push(op.op === 'write' ? { ...op, args: [op.args[0], op.args[1].slice()] } : copyOp(op));
    }
    return out;
  }

  // ------------------------------------------------------------------ processes

  /** The live process `pid`, or the Win32 error a bad handle gives. */
  process(pid: number): ProcessObject {
    const p = this.byPid.get(pid);
    if (!p || p.exited) throw new LastError(ERROR_INVALID_HANDLE);
    return p;
  }
  /** The live process object for `pid` (for the access fast path). */
  liveProcess(pid: number): ProcessObject { return this.process(pid); }

  /** What the process manager works on (live views of this machine's state). */
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
  sectionContext(): SectionContext {
    return {
      mm: this.mm, pm: this.ps, fs: this.fileSystem,
      live: (pid) => this.process(pid),
      access: (p, va, size, data, out) => access(this.mm, p, va, size, data, out),
    };
  }

  getLastError(pid: number): number { return this.lastErrors.get(pid) ?? 0; }
  /**
   * Sets the last error of process `pid`'s Win32 thread through the operation path (the SetLastError
   * operation), unless it already holds `code` — as after an operation that failed with it, which set
   * it itself. A past state (stateAt) is never replayed from: there the value is simply written.
   */
  setLastError(pid: number, code: number): void {
    if (this.getLastError(pid) === code) return;
    if (this.readOnly) { this.lastErrors.set(pid, code); return; }
    this.op({ op: 'SetLastError', pid, args: [code] });
  }

  workingSetLimits(pid: number): [number, number] {
    const p = this.process(pid);
    return [p.ws.minimum, p.ws.maximum];
  }

  query(pid: number, address: bigint): MEMORY_BASIC_INFORMATION {
    return virtualQuery(this.mm, this.process(pid), address);
  }

  // ------------------------------------------------------------------ memory accesses

  /** Physical page contents (the access fast path reads them directly on a TLB hit). */
  get physicalStore(): { read(page: number, offset: number, out: Uint8Array, at: number, length: number): void } { return this.mm.phys; }

  /** A user-mode load (logged only when it leaves the TLB: the only way a load changes state). */
  readMemory(pid: number, va: number, size: number): Uint8Array {
    const p = this.process(pid);
    const out = new Uint8Array(size);
    if (tryFastRead(this.mm, p, va, out)) return out;
    this.run({ op: 'read', pid, args: [va, size] }, null, out);
    return out;
  }

  /** A user-mode store (always logged). */
  writeMemory(pid: number, va: number, data: Uint8Array): void {
    this.process(pid);
    this.run({ op: 'write', pid, args: [va, data] }, null);
  }
}

// ------------------------------------------------------------------ operations on the whole machine

function memoryListCommand(m: Machine, command: MemoryListCommand): number {
  const mm = m.mm;
  let pages = 0;
  switch (command) {
    case 'MemoryEmptyWorkingSets':
      for (const p of m.processes) if (p && !p.exited) pages += mm.trimWorkingSet(p, p.ws.count, 'MemoryEmptyWorkingSets');
      break;
    case 'MemoryFlushModifiedList': pages = mm.modifiedPageWriter(Infinity); break;
    case 'MemoryPurgeStandbyList': pages = mm.purgeStandby(7); break;
    case 'MemoryPurgeLowPriorityStandbyList': pages = mm.purgeStandby(0); break;
  }
  m.trace.step('memoryList.command')?.s(command).n(pages).change('system');
  return pages;
}

function runSystemThread(m: Machine, name: SystemThreadName): number {
  switch (name) {
    case 'balanceSetManager': return m.mm.balanceSetManager(false);
    case 'modifiedPageWriter': return m.mm.modifiedPageWriter(Infinity);
    case 'zeroPageThread': return m.mm.zeroPageThread();
    case 'mappedPageWriter': return MiMappedPageWriter(m.mm, m.fileSystem);
    case 'processStackSwapper': return m.ps.swapKernelStacks();
  }
}

/** SetProcessWorkingSetSize: -1, -1 empties the working set; otherwise new limits (MmAdjustWorkingSetSize). */
function setWorkingSetSize(m: Machine, p: ProcessObject, min: bigint, max: bigint): void {
  if (min === -1n && max === -1n) {
    m.mm.trimWorkingSet(p, p.ws.count, 'SetProcessWorkingSetSize');
    return;
  }
  if (min === -1n || max === -1n || min < 0n || max < 0n || min > max) throw new LastError(ERROR_INVALID_PARAMETER);
  // Zero for both means "use the defaults"; too small a minimum is raised to the system minimum.
  const minPages = Math.max(20, Number((min + PAGE_SIZE_N - 1n) / PAGE_SIZE_N));
  const maxPages = Math.max(minPages, Number((max + PAGE_SIZE_N - 1n) / PAGE_SIZE_N));
  if (minPages > m.physicalPageCount - m.mm.lowAvailable) throw new LastError(ERROR_NO_SYSTEM_RESOURCES);
  p.ws.minimum = minPages;
  p.ws.maximum = maxPages;
  m.trace.step('ws.setSize')?.n(p.pid).n(minPages).n(maxPages).change('process', p.pid);
  if (p.ws.count > maxPages) m.mm.trimWorkingSet(p, p.ws.count - maxPages, 'SetProcessWorkingSetSize');
}
