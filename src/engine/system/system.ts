// The simulated machine as views, tests and the extension see it: the DESIGN.md §3 contract (create a
// process, the Win32 API per process, memory list commands, steps and time travel) and the queries the
// views use. The state and the one operation path behind it are the Machine's (machine.ts); this
// class only reads it and starts operations on it.
import { queryMemoryCompression, type MemoryCompressionInformation } from '../mm/compression';
import { PAGE_SIZE } from '../constants';
import type { ProcessSecurityInfo } from '../ps/processAccess';
import { ERROR_INVALID_HANDLE, ERROR_INVALID_PARAMETER, CLASSIC_PTE_BASE } from '../constants';
import { LastError, shown, Win32Error } from '../errors';
import type { Event } from '../events';
import type { DecodedPte } from '../mm/pte';
import type { MEMORY_BASIC_INFORMATION } from '../mm/virtual';
import type { SectionCall, SectionResult } from '../ps/sectionCalls';
import type { PsCall, PsResult } from '../ps/calls';
import { DebugObjectInfo, HandleInfo, JobInfo, listDebugObjects, listHandles, listJobs, listPrototypePtes, listSections, PrototypePteInfo, SectionFilter, SectionInfo } from '../inspect';
import type { Step } from '../trace';
import { Win32Api, Win32ApiImpl } from '../win32';
import { describeHeaps, listHeapBlocks, type HeapBlockInfo, type HeapInfo } from '../heap/inspect';
import { Machine, type SystemChange } from './machine';
import { describePoolAddress, describeSystemAddress, describeSystemSpace, listFreeSystemPtes, type SystemAddressInfo, type SystemSpaceInfo } from '../mm/systemInspect';
import { MEMORY_LIST_COMMANDS, SYSTEM_THREADS, type CreateProcessOptions, type MemoryListCommand, type SystemThreadName } from './operations';
import type { ResolvedSystemOptions, SystemOptions } from './options';
import * as q from './queries';
import type { TimeTravelMemory } from './timeTravel';

/** Runs `fn`; an internal LastError leaves as the Win32Error the API documents. */
function documented<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof LastError) throw new Win32Error(e.code);
    throw e;
  }
}

/** Set once by System's static block: reads a System's private machine (see machineOf). */
let machineOfSystem: (system: System) => Machine;

export class System {
  /** The machine behind this system: engine-private (a true private field; the engine reaches it through machineOf). */
  readonly #machine: Machine;

  static {
    machineOfSystem = (system) => system.#machine;
  }

  constructor(options: SystemOptions = {}, machine?: Machine) {
    this.#machine = machine ?? new Machine(options);
  }

  /**
   * The options the machine was built with, defaults filled in: a frozen copy, so a caller cannot change
   * the machine's own (every state change goes through an operation, DESIGN.md §4).
   */
  get options(): ResolvedSystemOptions { return this.#options ??= Object.freeze({ ...this.#machine.options }); }
  #options?: ResolvedSystemOptions;
  /** Number of 4 KB pages of physical memory. */
  get physicalPageCount(): number { return this.#machine.physicalPageCount; }
  /** Fires after every operation (allocation, access that faulted, process creation...) with its steps. */
  get onDidChange(): Event<SystemChange> { return this.#machine.changed.event; }

  // ------------------------------------------------------------------ steps and time travel

  get stepCount(): number { return this.#machine.trace.count; }

  /** Steps with seq in [start, end), oldest first. */
  getSteps(start: number, end: number): Step[] {
    if (!Number.isInteger(start) || !Number.isInteger(end)) throw new RangeError('getSteps: start and end must be integers');
    const trace = this.#machine.trace;
    const s = Math.max(0, start);
    const e = Math.min(end, trace.count);
    const out: Step[] = [];
    for (let i = s; i < e; i++) out.push(trace.get(i));
    return out;
  }

  /** The machine as it was right after step `seq`: a read-only System (see TimeTravel.stateAt). */
  stateAt(seq: number): System {
    const m = this.#machine;
    if (!Number.isInteger(seq) || seq < 0 || seq >= m.trace.count) throw new RangeError(`stateAt: no step ${shown(seq)} (0..${m.trace.count - 1})`);
    if (!m.timeTravel) throw new RangeError('stateAt: a past state has no past of its own; ask the live system');
    if (!m.replayable) throw new RangeError('stateAt: this machine was changed outside the operation log (detachFromReplay)');
    return new System({}, m.timeTravel.stateAt(seq));
  }

  /** For a state returned by stateAt: the number of steps it includes. */
  get stepsIncluded(): number { return this.#machine.viewStepCount >= 0 ? this.#machine.viewStepCount : this.#machine.trace.count; }

  /** What time travel holds (snapshots' copies, page contents only they keep, the operation log) against its budget. */
  timeTravelMemory(): TimeTravelMemory {
    const tt = this.#machine.timeTravel;
    if (!tt) throw new RangeError('timeTravelMemory: a past state holds no time travel');
    return tt.memory();
  }

  // ------------------------------------------------------------------ operations

  /** Creates a process: the recorded CreateProcess flow. Failures throw Win32Error. */
  createProcess(options: CreateProcessOptions): { pid: number; tid: number } {
    if (!options || typeof options !== 'object' || typeof options.imagePath !== 'string' || options.imagePath.trim() === '') {
      throw new Win32Error(ERROR_INVALID_PARAMETER, 'createProcess: imagePath must be a non-empty string');
    }
    if (options.parentPid !== undefined && !this.#machine.byPid.get(options.parentPid)) throw new Win32Error(ERROR_INVALID_HANDLE, `createProcess: no process ${shown(options.parentPid)}`);
    return documented(() => this.#machine.op({ op: 'createProcess', args: [{ ...options }] }));
  }

  /** Runs a process-manager operation through the operation log (see ps/calls.ts); failures throw Win32Error. */
  psCall<C extends PsCall>(call: C): PsResult<C> {
    return documented(() => this.#machine.psCall(call));
  }

  /** Runs a file-mapping call (CreateFileMapping, MapViewOfFile, ...) through the operation log; failures throw Win32Error. */
  sectionCall<C extends SectionCall>(call: C): SectionResult<C> {
    return documented(() => this.#machine.sectionCall(call));
  }

  memoryListCommand(command: MemoryListCommand): void {
    if (typeof command !== 'string' || !Object.prototype.hasOwnProperty.call(MEMORY_LIST_COMMANDS, command)) {
      throw new Win32Error(ERROR_INVALID_PARAMETER, `memoryListCommand: unknown command ${shown(command)}`);
    }
    documented(() => this.#machine.op({ op: 'memoryListCommand', args: [command] }));
  }

  /** Runs one of the memory manager's system threads once. */
  runSystemThread(name: SystemThreadName): number {
    if (!SYSTEM_THREADS.includes(name)) throw new Win32Error(ERROR_INVALID_PARAMETER, `runSystemThread: unknown thread ${shown(name)}`);
    return documented(() => this.#machine.op({ op: 'runSystemThread', args: [name] }));
  }

  /**
   * ExAllocatePoolWithTag as a driver would call it: `poolType` NonPagedPool (0) or PagedPool (1), a 4-character
   * tag. Returns the block's address, or 0n when the pool cannot grow (commit or memory exhausted). Bad
   * arguments throw Win32Error (ERROR_INVALID_PARAMETER).
   */
  exAllocatePoolWithTag(poolType: number, numberOfBytes: number, tag: string): bigint {
    return documented(() => this.#machine.op({ op: 'pool', args: [{ call: 'alloc', poolType, bytes: numberOfBytes, tag }] }));
  }
  /**
   * ExFreePoolWithTag: frees a block. An address that is no allocation, or a tag that is not the block's, is the
   * kernel's BAD_POOL_CALLER bug check; here it throws NtException (STATUS_INVALID_PARAMETER) and changes nothing.
   */
  exFreePoolWithTag(address: bigint, tag: string): void {
    documented(() => this.#machine.op({ op: 'pool', args: [{ call: 'free', address, tag }] }));
  }
  /** A kernel-mode access to a pool address: a trimmed paged pool page faults back in (recorded steps). */
  accessPool(address: bigint, write: boolean): void {
    documented(() => this.#machine.op({ op: 'pool', args: [{ call: 'access', address, write }] }));
  }
  /** Trims up to `pages` paged pool pages from the system working set; returns how many left it. */
  trimSystemWorkingSet(pages: number): number {
    return documented(() => this.#machine.op({ op: 'pool', args: [{ call: 'trim', pages }] }));
  }

  /** Grants a privilege to a process token (e.g. SeLockMemoryPrivilege for large pages). Failures throw Win32Error. */
  grantPrivilege(pid: number, privilege: string): void {
    documented(() => this.#machine.op({ op: 'grantPrivilege', args: [pid, privilege] }));
  }

  /** The Win32 API in the context of process `pid`. */
  win32(pid: number): Win32Api {
    const p = this.#machine.byPid.get(pid);
    if (!p || p.exited) throw new Win32Error(ERROR_INVALID_PARAMETER, `win32: no process ${shown(pid)}`);
    // The Idle process runs only the processors' idle threads, in kernel mode: no Win32 call runs in it.
    if (pid === 0) throw new Win32Error(ERROR_INVALID_PARAMETER, 'win32: the Idle process (pid 0) runs no user-mode code');
    return new Win32ApiImpl(this.#machine, pid);
  }

  getLastError(pid: number): number { return this.#machine.getLastError(pid); }

  // ------------------------------------------------------------------ queries

  /** Process ids of live processes, in creation order. */
  get processIds(): number[] { return q.processIds(this.#machine); }
  get processCount(): number { return this.processIds.length; }
  queryProcess(pid: number): q.ProcessInfo | undefined { return q.queryProcess(this.#machine, pid); }
  /** The process object's security descriptor and protection level (what OpenProcess checks). */
  queryProcessSecurity(pid: number): ProcessSecurityInfo | undefined { return q.queryProcessSecurity(this.#machine, pid); }
  /** The groups of a process's primary token with their attributes (read-only copies; the debugger's !token). */
  queryTokenGroups(pid: number): Array<{ sid: string; name: string; attributes: number }> | undefined { return q.queryTokenGroups(this.#machine, pid); }
  querySystemMemoryListInformation(): q.SystemMemoryListInformation { return q.querySystemMemoryListInformation(this.#machine); }
  queryCommit(): q.CommitInfo { return q.queryCommit(this.#machine); }
  /** Memory compression's figures (the store manager's store in the Memory Compression process), as Task Manager shows them. */
  queryMemoryCompression(): MemoryCompressionInformation { return queryMemoryCompression(this.#machine.mm); }
  queryPfn(pfn: number): q.PfnInfo { return q.queryPfn(this.#machine, pfn); }
  /** Virtual addresses of the paging entries that map `va` under this system's self-map. */
  getPagingStructureAddresses(va: bigint): { pxe: bigint; ppe: bigint; pde: bigint; pte: bigint } { return q.getPagingStructureAddresses(this.#machine, va); }
  /** Decodes the PTE mapping `va` in process `pid` (!pte), without faulting anything in. */
  decodePte(pid: number, va: bigint): DecodedPte { return q.decodePte(this.#machine, pid, va); }
  /** The VADs of a process in address order (!vad). */
  queryVads(pid: number): q.VadInfo[] { return q.queryVads(this.#machine, pid); }
  /** A slice of a process's working-set list (!wsle), in list order, and the total in use. */
  queryWorkingSet(pid: number, start = 0, count = Infinity): { total: number; entries: q.WsleInfo[] } {
    if (typeof start !== 'number' || typeof count !== 'number') throw new RangeError('queryWorkingSet: start and count must be numbers');
    return q.queryWorkingSet(this.#machine, pid, start, count);
  }
  /** Page frame numbers on a page list, oldest first: a slice [start, start + count). */
  listPages(list: 'Zeroed' | 'Free' | 'Standby' | 'Modified' | 'ModifiedNoWrite' | 'Bad', start = 0, count = Infinity, priority?: number): number[] {
    return q.listPages(this.#machine, list, start, count, priority);
  }
  /** Walks the four paging levels for `va` in process `pid`, as the MMU would, without faulting. */
  walkAddress(pid: number, va: bigint): q.AddressWalk { return q.walkAddress(this.#machine, pid, va); }
  /**
   * Control areas with their segments, section objects and views (the Sections view). `filter`
   * narrows it: one control area (`controlArea`), and the views of one process or none (`views`).
   */
  querySections(filter?: SectionFilter): SectionInfo[] { return listSections(this.#machine.mm, this.#machine.processes, filter); }
  /** A slice of a control area's prototype PTEs, decoded. */
  queryPrototypePtes(controlArea: number, start = 0, count = 256): PrototypePteInfo[] {
    if (typeof controlArea !== 'number' || !Number.isInteger(start) || typeof count !== 'number' || Number.isNaN(count)) throw new RangeError('queryPrototypePtes: controlArea, start and count must be numbers (start an integer)');
    return listPrototypePtes(this.#machine.mm, controlArea, start, count);
  }

  /**
   * VirtualQuery's answer for `address` in process `pid`, without the Win32 layer (no last error is
   * set): what a debugger's !address shows. Throws Win32Error for a process that is gone.
   */
  queryVirtual(pid: number, address: bigint): MEMORY_BASIC_INFORMATION {
    try { return this.#machine.query(pid, address); } catch (e) { if (e instanceof LastError) throw new Win32Error(e.code); throw e; }
  }
  /**
   * Copies `length` bytes of physical page `pfn` from `offset` into `out` at `at`, as a kernel
   * debugger's !db reads physical memory: nothing faults, nothing is recorded.
   */
  readPhysical(pfn: number, offset: number, out: Uint8Array, at: number, length: number): void {
    if (!Number.isInteger(pfn) || pfn < 0 || pfn >= this.physicalPageCount) throw new RangeError(`readPhysical: no page frame ${shown(pfn)}`);
    if (!Number.isInteger(offset) || !Number.isInteger(length) || offset < 0 || length < 0 || offset + length > PAGE_SIZE) throw new RangeError('readPhysical: the range must lie within one 4 KB page');
    this.#machine.physicalStore.read(pfn, offset, out, at, length);
  }
  /** The handle table of a process (!handle). */
  queryHandles(pid: number): HandleInfo[] { const p = this.#machine.byPid.get(pid); return p && !p.exited ? listHandles(this.#machine.ps, p) : []; }
  /** The heaps of a process (!heap -s): the process heap first, then HeapCreate's, with segments, LFH and totals. */
  queryHeaps(pid: number): HeapInfo[] { const p = this.#machine.byPid.get(pid); return p ? describeHeaps(p) : []; }
  /** A slice of one heap's blocks in address order (!heap -a), of one segment or of all, and how many there are. */
  queryHeapBlocks(pid: number, heap: bigint, start = 0, count = 256, segment?: number): { total: number; blocks: HeapBlockInfo[] } {
    const p = this.#machine.byPid.get(pid);
    if (!p || typeof heap !== 'bigint' || !Number.isInteger(start) || typeof count !== 'number' || (segment !== undefined && !Number.isInteger(segment))) return { total: 0, blocks: [] };
    return listHeapBlocks(p, heap, start, count, segment);
  }
  /** The system address space: regions, pool usage by tag, system PTEs, the system working set and commit. */
  querySystemSpace(): SystemSpaceInfo | undefined { return describeSystemSpace(this.#machine.mm); }
  /** The pool page or big allocation holding `address` (!pool), without faulting; undefined outside the pools. */
  queryPool(address: bigint): ReturnType<typeof describePoolAddress> { return typeof address === 'bigint' ? describePoolAddress(this.#machine.mm, address) : undefined; }
  /** Free runs of system PTEs, lowest first (!sysptes 1). */
  /** How the system page tables map a system-space address (pool PTEs; system PTE use), read without faulting (!pte, kd reads). */
  querySystemAddress(address: bigint): SystemAddressInfo | undefined { return typeof address === 'bigint' ? describeSystemAddress(this.#machine.mm, address) : undefined; }
  queryFreeSystemPtes(limit = 64): Array<{ pte: bigint; count: number }> { return listFreeSystemPtes(this.#machine.mm, Math.max(0, Math.min(4096, Math.floor(limit) || 0))); }
  /** Every job object with its limits, accounting and members. */
  queryJobs(): JobInfo[] { return listJobs(this.#machine.ps); }
  /** Every debug object: debugger, debuggees and queued events. */
  queryDebugObjects(): DebugObjectInfo[] { return listDebugObjects(this.#machine.ps); }
}

export { CLASSIC_PTE_BASE };

/**
 * The machine behind a System (memory manager, process objects, process manager, files, registry and
 * the operation path). Engine-private: engine modules import it from ./internal, tests from
 * src/engine/testing.ts; the public index does not export it and src/extension may not import either.
 */
export function machineOf(system: System): Machine {
  return machineOfSystem(system);
}
