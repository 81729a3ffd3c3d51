// The debugger's view of the simulated machine: which process and thread are the current context
// (.process / .thread), how an address names an object, and how memory is read WITHOUT faulting
// (a debugger reads through the page tables; a page that is not valid is unreadable, as for paged-out
// memory in WinDbg). Pure: only the engine's public API.
import { describeObject, MM_HIGHEST_USER_ADDRESS, type JobInfo, type ProcessInfo, type System } from '../../engine';
import { PAGE_SIZE, PAGE_SIZE_N } from '../present/format';
import { evaluate, KdError, type ExprScope } from './expr';

/** The state one debugger console keeps between commands. */
export interface KdState {
  /** The process context (.process); undefined = the System process. */
  pid?: number;
  /** The thread context (.thread); undefined = the context process's first thread. */
  tid?: number;
  /** Where the next d* command without an address continues. */
  next?: bigint;
}

/** What the commands run against. */
export interface KdView {
  /** The machine as displayed: the live system, or a past state while time travelling. */
  readonly system: System;
  /** The live system, whose recorded steps are the time-travel positions. */
  readonly live: System;
  /** The step viewed (undefined = the present). */
  readonly cursor: number | undefined;
}

/** How many loader entries `modules` reads at most (a bound on a corrupt or looping list). */
const MAX_MODULES = 4096;

/** A module loaded in a process (its loader entry). */
export interface ModuleEntry { base: bigint; size: number; name: string; path: string }

/** One command's context: the view plus the console's state. */
export class KdTarget implements ExprScope {
  private modulesCache = new Map<number, ModuleEntry[]>();
  private jobs: Map<number, JobInfo> | undefined;
  constructor(readonly view: KdView, readonly state: KdState) {}

  get system(): System { return this.view.system; }

  /** The current process: the .process context if it still exists, else System (pid 4) or the first process. */
  get pid(): number {
    const s = this.system;
    if (this.state.pid !== undefined && s.queryProcess(this.state.pid)) return this.state.pid;
    const ids = s.processIds;
    return ids.includes(4) ? 4 : ids[0] ?? 0;
  }

  get process(): ProcessInfo | undefined { return this.system.queryProcess(this.pid); }

  /** The current thread: the .thread context if it belongs to the current process, else its first thread. */
  get tid(): number | undefined {
    const p = this.process;
    if (!p) return undefined;
    if (this.state.tid !== undefined && p.threads.some((t) => t.tid === this.state.tid)) return this.state.tid;
    return p.threads[0]?.tid;
  }

  /** ETHREAD address of a thread (`pid`, its process, spares the engine a search through every process). */
  threadAddress(tid: number, pid?: number): bigint | undefined {
    return describeObject(this.system, { kind: 'ETHREAD', tid, pid })?.address;
  }

  /** The job a process belongs to (queried once per command, not once per process of a listing). */
  jobOf(pid: number): JobInfo | undefined {
    if (!this.jobs) {
      this.jobs = new Map();
      for (const j of this.system.queryJobs()) for (const member of j.processIds) if (!this.jobs.has(member)) this.jobs.set(member, j);
    }
    return this.jobs.get(pid);
  }

  register(name: string): bigint | undefined {
    const p = this.process;
    switch (name) {
      case 'proc': return p?.eprocess;
      case 'peb': return p?.peb;
      case 'thread': { const t = this.tid; return t === undefined ? undefined : this.threadAddress(t, this.pid); }
      case 'teb': { const t = this.tid; return p?.threads.find((x) => x.tid === t)?.teb; }
      case 'tpid': return BigInt(this.pid);
      case 'tid': { const t = this.tid; return t === undefined ? undefined : BigInt(t); }
      case 'ptrsize': return 8n;
      case 'pagesize': return PAGE_SIZE_N;
      default: return undefined;
    }
  }

  symbol(name: string): bigint | undefined {
    const lower = name.toLowerCase();
    const m = this.modules(this.pid).find((x) => x.name.toLowerCase().replace(/\.(dll|exe|sys)$/, '') === lower);
    return m?.base;
  }

  readPointer(address: bigint): bigint | undefined {
    const bytes = this.read(address, 8);
    if (bytes.some((b) => b < 0)) return undefined;
    let v = 0n;
    for (let i = 7; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i]!);
    return v;
  }

  /** Evaluates an expression in this context. */
  eval(text: string): bigint { return evaluate(text, this); }

  /** The loader's module list of a process (LDR_DATA_TABLE_ENTRY in load order). */
  modules(pid: number): ModuleEntry[] {
    const cached = this.modulesCache.get(pid);
    if (cached) return cached;
    const out: ModuleEntry[] = [];
    for (let index = 0; index < MAX_MODULES; index++) {
      const e = describeObject(this.system, { kind: 'LDR_DATA_TABLE_ENTRY', pid, index });
      if (!e) break;
      const field = (n: string): string | number | bigint | undefined => e.fields.find((f) => f.name === n)?.value;
      const unquote = (v: unknown): string => String(v ?? '').replace(/^"|"$/g, '');
      out.push({ base: BigInt(field('DllBase') ?? 0n), size: Number(field('SizeOfImage') ?? 0), name: unquote(field('BaseDllName')), path: unquote(field('FullDllName')) });
    }
    this.modulesCache.set(pid, out);
    return out;
  }

  /** The process whose EPROCESS is at `address`, or whose id is `address` (as !process accepts both). */
  processByAddressOrId(value: bigint): ProcessInfo | undefined {
    const s = this.system;
    // 0 is no process (the Idle process, pid 0, is reached by its EPROCESS address only).
    if (value !== 0n && value < 0x100000000n) { const p = s.queryProcess(Number(value)); if (p) return p; }
    const pid = addressIndex(s).eprocess.get(value);
    const p = pid === undefined ? undefined : s.queryProcess(pid);
    return p?.eprocess === value ? p : undefined;
  }

  /** The thread whose ETHREAD is at `address`, or whose id is `address`. */
  threadByAddressOrId(value: bigint): { pid: number; tid: number; address: bigint } | undefined {
    const index = addressIndex(this.system);
    if (value < 0x100000000n) {
      const pid = index.threadOwner.get(Number(value));
      if (pid !== undefined) return { pid, tid: Number(value), address: this.threadAddress(Number(value), pid) ?? 0n };
    }
    const found = index.ethread.get(value);
    if (found && this.threadAddress(found.tid, found.pid) === value) return { ...found, address: value };
    return undefined;
  }

  /**
   * Reads `size` bytes at a virtual address of the current process through its page tables, without
   * faulting: each byte, or -1 where the page is not valid (WinDbg prints ?? there). A system-space
   * address is read through the system page tables the simulation keeps (pool pages; querySystemAddress).
   */
  read(address: bigint, size: number, pid = this.pid): Int16Array {
    const out = new Int16Array(size).fill(-1);
    const s = this.system;
    if (!s.queryProcess(pid)) return out;
    const buf = new Uint8Array(PAGE_SIZE);
    let done = 0;
    while (done < size) {
      const va = (address + BigInt(done)) & ((1n << 64n) - 1n);
      const offset = Number(va & (PAGE_SIZE_N - 1n));
      const len = Math.min(size - done, PAGE_SIZE - offset);
      const pfn = va > MM_HIGHEST_USER_ADDRESS ? s.querySystemAddress(va)?.pfn ?? null : s.walkAddress(pid, va).pfn;
      const walk = { pfn };
      if (walk.pfn !== null && walk.pfn < s.physicalPageCount) {
        s.readPhysical(walk.pfn, offset, buf, 0, len);
        for (let i = 0; i < len; i++) out[done + i] = buf[i]!;
      }
      done += len;
    }
    return out;
  }

  /** Reads physical memory (!db): -1 past the end of RAM. */
  readPhysical(address: bigint, size: number): Int16Array {
    const out = new Int16Array(size).fill(-1);
    const s = this.system;
    const buf = new Uint8Array(PAGE_SIZE);
    let done = 0;
    while (done < size) {
      const pa = address + BigInt(done);
      const pfn = pa >> 12n;
      const offset = Number(pa & (PAGE_SIZE_N - 1n));
      const len = Math.min(size - done, PAGE_SIZE - offset);
      if (pfn < BigInt(s.physicalPageCount)) {
        s.readPhysical(Number(pfn), offset, buf, 0, len);
        for (let i = 0; i < len; i++) out[done + i] = buf[i]!;
      }
      done += len;
    }
    return out;
  }
}

/** Kernel addresses and thread ids to their objects, for the commands that take an address. */
interface AddressIndex { eprocess: Map<bigint, number>; ethread: Map<bigint, { pid: number; tid: number }>; threadOwner: Map<number, number> }

/**
 * One index per machine state, built on first use and kept while the state is the same (a past state
 * never changes; the live machine is re-indexed once it has recorded a step or created a process): a
 * command given an EPROCESS or ETHREAD address costs a map lookup, not a walk over every thread of a
 * 2,000-process session (DESIGN.md §8).
 */
const INDEXES = new WeakMap<System, { stamp: string; index: AddressIndex }>();

function addressIndex(s: System): AddressIndex {
  const stamp = `${s.stepCount}:${s.processCount}:${s.stepsIncluded}`;
  const cached = INDEXES.get(s);
  if (cached && cached.stamp === stamp) return cached.index;
  const index: AddressIndex = { eprocess: new Map(), ethread: new Map(), threadOwner: new Map() };
  for (const pid of s.processIds) {
    const p = s.queryProcess(pid)!;
    index.eprocess.set(p.eprocess, pid);
    for (const t of p.threads) {
      if (!index.threadOwner.has(t.tid)) index.threadOwner.set(t.tid, pid);
      const a = describeObject(s, { kind: 'ETHREAD', tid: t.tid, pid })?.address;
      if (a !== undefined && a !== 0n && !index.ethread.has(a)) index.ethread.set(a, { pid, tid: t.tid });
    }
  }
  INDEXES.set(s, { stamp, index });
  return index;
}

/** Throws WinDbg's error for a process it cannot find. */
export function noProcess(text: string): KdError {
  return new KdError(`Couldn't resolve error at '${text}'`);
}
