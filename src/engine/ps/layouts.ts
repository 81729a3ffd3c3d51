// `dt`-style layouts of the executive objects, at their simulated addresses. Offsets are those of
// Windows 10 x64 builds 19041-19045 (2004 through 22H2 share these layouts): checked field by field
// against headers generated from the 19041 symbols and against the Vergilius Project's 21H2 and 22H2
// pages (test/unit/layouts-verified.test.ts pins every one). User-mode structures (PEB, TEB,
// RTL_USER_PROCESS_PARAMETERS, loader data) have had the same offsets for all of Windows 10. Job
// accounting and limits also use the documented winnt.h structures; W32PROCESS and DEBUG_OBJECT name
// their own sources. Fields the simulation does not keep are left out rather than shown as zero.
import { PAGE_SIZE_N } from '../constants';
import type { System } from '../system';
import type { ProcessObject, ThreadObject } from '../process';
import { INTEGRITY_RID } from '../se/token';
import type { PsProcessState } from './state';
import type { DebugObject } from './debug';
import { heapEntryLayout, heapLayout, heapSegmentLayout } from '../heap/layouts';
import { LDR_DATA_TABLE_ENTRY, LOADER_ENTRY_CAPACITY, loaderEntryOffset, OS_VERSION, PEB, PEB_LDR_DATA, PROCESS_PARAMETERS, TEB } from './userLayout';
import { machineOf } from '../system/internal';

/** What to describe. */
export type ObjectRef =
  | { kind: 'EPROCESS' | 'KPROCESS' | 'PEB' | 'RTL_USER_PROCESS_PARAMETERS' | 'PEB_LDR_DATA' | 'TOKEN'; pid: number }
  /** `pid`, when the caller knows the owning process, spares the search through every process. */
  | { kind: 'ETHREAD' | 'KTHREAD' | 'TEB'; tid: number; pid?: number }
  | { kind: 'LDR_DATA_TABLE_ENTRY'; pid: number; index: number }
  | { kind: 'HANDLE_TABLE_ENTRY'; pid: number; handle: number }
  | { kind: 'EJOB' | 'JOBOBJECT_BASIC_ACCOUNTING_INFORMATION' | 'JOBOBJECT_BASIC_LIMIT_INFORMATION'; jobId: number }
  | { kind: 'CSR_PROCESS'; pid: number }
  | { kind: 'CSR_THREAD'; tid: number }
  /** win32k's per-process structure, made when a GUI program first calls into win32k (stage 7). */
  | { kind: 'W32PROCESS'; pid: number }
  /** A debug object: the one a debugger waits on and a debuggee's EPROCESS.DebugPort points to. */
  | { kind: 'DEBUG_OBJECT'; objectId: number }
  /** A process's handle table (EPROCESS.ObjectTable). */
  | { kind: 'HANDLE_TABLE'; pid: number }
  /** PspCidTable: the handle table process and thread ids index. */
  | { kind: 'CID_TABLE' }
  /** The heap's structures in a process (src/engine/heap/layouts.ts); `index` is the structure's address. */
  | { kind: 'HEAP' | 'HEAP_SEGMENT' | 'HEAP_ENTRY'; pid: number; index: number }
  /** The POOL_HEADER at `address` (the 16 bytes before a pool block's data), read from the pool page. */
  | { kind: 'POOL_HEADER'; address: bigint };

export interface ObjectField {
  offset: number;
  name: string;
  /** The type as dt prints it (Ptr64 Void, Uint4B, _LIST_ENTRY, [15] UChar...). */
  type: string;
  value: string | number | bigint;
  /** When the field leads to another describable object. */
  ref?: ObjectRef;
}

export interface ObjectLayout {
  typeName: string;
  address: bigint;
  size: number;
  fields: ObjectField[];
  /** Where the offsets come from. */
  source: string;
}

const VERGILIUS = 'Vergilius Project, Windows 10 x64 19041-19045 (2004-22H2)';
const USER_MODE = 'Windows 10 x64 19041 (these offsets are the same in every Windows 10 release)';
const WINNT = 'winnt.h (Microsoft Learn)';
const W32K = 'win32k public symbols (dt win32k!_W32PROCESS), Windows 10 x64 1607 and later: 0x128 bytes, offsets 0x0-0x11C unchanged through 21H1';
const DBGK = 'Windows 7 x64 kernel symbols (DEBUG_OBJECT is not in the public Windows 10 symbols; Windows 10 still allocates 0x68 bytes for it)';
const CSRSRV = 'csrsrv symbols as Windows Internals shows them (dt csrss!_CSR_PROCESS), Windows 10 x64; values are the simulation\'s';

const PS_PROTECTED_TYPES = ['None', 'ProtectedLight', 'Protected'];
const PS_SIGNERS = ['None', 'Authenticode', 'CodeGen', 'Antimalware', 'Lsa', 'Windows', 'WinTcb', 'WinSystem', 'App'];
/** KTHREAD_STATE values. */
const THREAD_STATES: Record<string, number> = { Initialized: 0, Ready: 1, Running: 2, Standby: 3, Terminated: 4, Waiting: 5, Transition: 6, DeferredReady: 7 };
/** KWAIT_REASON values of the reasons the simulation uses. */
const WAIT_REASONS: Record<string, number> = { Executive: 0, FreePage: 1, UserRequest: 6, WrFreePage: 8, WrUserRequest: 13, WrLpcReceive: 16, WrVirtualMemory: 18, Suspended: 5 };

function protectionText(level: number): string {
  if (!level) return '0 (none)';
  return `0x${level.toString(16)} (${PS_PROTECTED_TYPES[level & 7] ?? '?'} ${PS_SIGNERS[level >> 4] ?? '?'})`;
}

function findThread(system: System, tid: number, pid?: number): [ProcessObject, ThreadObject] | undefined {
  const owner = pid === undefined ? undefined : findProcess(system, pid);
  for (const p of owner ? [owner] : machineOf(system).processes) {
    if (!p) continue;
    const t = p.threads.find((x) => x.tid === tid && x.state !== 'Terminated') ?? undefined;
    if (t) return [p, t];
  }
  return undefined;
}

/** The process's first thread still alive: the one its simulated Win32 calls and first GUI call run on. */
function firstLiveThread(p: ProcessObject): ThreadObject | undefined { return p.threads.find((t) => t.state !== 'Terminated'); }

function findProcess(system: System, pid: number): ProcessObject | undefined {
  // The pid index (the latest process to hold the id), so a listing over every process stays linear.
  const p = machineOf(system).byPid.get(pid);
  return p && !p.exited ? p : undefined;
}

/** Lays out one object as `dt` would print it, with the simulation's values. Undefined when the object does not exist. */
export function describeObject(system: System, ref: ObjectRef): ObjectLayout | undefined {
  switch (ref.kind) {
    case 'POOL_HEADER': return poolHeaderLayout(system, ref.address);
    case 'HEAP': case 'HEAP_SEGMENT': case 'HEAP_ENTRY': {
      const p = findProcess(system, ref.pid);
      if (!p || !Number.isSafeInteger(ref.index)) return undefined;
      return ref.kind === 'HEAP' ? heapLayout(p, ref.index) : ref.kind === 'HEAP_SEGMENT' ? heapSegmentLayout(p, ref.index) : heapEntryLayout(p, ref.index);
    }
    case 'EPROCESS': case 'KPROCESS': case 'PEB': case 'RTL_USER_PROCESS_PARAMETERS': case 'PEB_LDR_DATA': case 'TOKEN': {
      const p = findProcess(system, ref.pid);
      if (!p) return undefined;
      const st = p.ps;
      switch (ref.kind) {
        case 'EPROCESS': return eprocess(system, p, st);
        case 'KPROCESS': return kprocess(p, st);
        case 'PEB': return p.peb ? peb(system, p, st) : undefined;
        case 'RTL_USER_PROCESS_PARAMETERS': return st.processParameters ? parameters(p, st) : undefined;
        case 'PEB_LDR_DATA': return st.ldr ? ldrData(p, st) : undefined;
        case 'TOKEN': return token(st);
      }
      break;
    }
    case 'LDR_DATA_TABLE_ENTRY': {
      const p = findProcess(system, ref.pid);
      const st = p?.ps;
      const m = st?.modules[ref.index];
      // Past the loader's heap block the module is not on the lists in memory: no entry to lay out.
      if (!p || !st || !m || ref.index >= LOADER_ENTRY_CAPACITY) return undefined;
      const named = ref.index < st.ldrNamesWritten;
      // The entries live in the process heap after PEB_LDR_DATA, one after another.
      const address = st.heap + BigInt(loaderEntryOffset(ref.index));
      return {
        typeName: '_LDR_DATA_TABLE_ENTRY', address, size: LDR_DATA_TABLE_ENTRY.size, source: USER_MODE,
        fields: [
          { offset: LDR_DATA_TABLE_ENTRY.InLoadOrderLinks, name: 'InLoadOrderLinks', type: '_LIST_ENTRY', value: `[ ${ref.index + 1 < st.modules.length ? 'next' : 'head'} ]` },
          { offset: LDR_DATA_TABLE_ENTRY.DllBase, name: 'DllBase', type: 'Ptr64 Void', value: m.base },
          { offset: LDR_DATA_TABLE_ENTRY.EntryPoint, name: 'EntryPoint', type: 'Ptr64 Void', value: m.entryPoint },
          { offset: LDR_DATA_TABLE_ENTRY.SizeOfImage, name: 'SizeOfImage', type: 'Uint4B', value: m.size },
          { offset: LDR_DATA_TABLE_ENTRY.FullDllName, name: 'FullDllName', type: '_UNICODE_STRING', value: named ? `"${m.path}"` : '""' },
          { offset: LDR_DATA_TABLE_ENTRY.BaseDllName, name: 'BaseDllName', type: '_UNICODE_STRING', value: named ? `"${m.name}"` : '""' },
        ],
      };
    }
    case 'CSR_PROCESS': {
      const p = findProcess(system, ref.pid);
      const st = p?.ps;
      if (!p || !st || !st.csrProcess) return undefined;
      const initial = firstLiveThread(p);
      const live = p.threads.filter((x) => x.state !== 'Terminated');
      return {
        typeName: 'csrss!_CSR_PROCESS', address: st.csrProcess, size: 0x90, source: CSRSRV,
        fields: [
          { offset: 0x0, name: 'ClientId', type: '_CLIENT_ID', value: `{ UniqueProcess=0x${p.pid.toString(16)} UniqueThread=0x${(initial?.tid ?? 0).toString(16)} }` },
          { offset: 0x10, name: 'ListLink', type: '_LIST_ENTRY', value: '[ CsrRootProcess list ]' },
          { offset: 0x20, name: 'ThreadList', type: '_LIST_ENTRY', value: `[ ${live.length} CSR_THREAD ]`, ref: initial?.csrThread ? { kind: 'CSR_THREAD', tid: initial.tid } : undefined },
          { offset: 0x50, name: 'ProcessHandle', type: 'Ptr64 Void', value: st.csrHandles ? BigInt(st.csrHandles.handles[0]!) : 'handle to the process in csrss' },
          { offset: 0x5c, name: 'Flags', type: 'Uint4B', value: st.console === 'none' ? 0 : 0x800 },
          { offset: 0x64, name: 'ReferenceCount', type: 'Int4B', value: live.length + 1 },
          { offset: 0x68, name: 'ProcessGroupId', type: 'Uint4B', value: p.pid },
          { offset: 0x78, name: 'ShutdownLevel', type: 'Uint4B', value: 0x280 },
          { offset: 0x80, name: 'Luid', type: '_LUID', value: 'the token\'s authentication id' },
        ],
      };
    }
    case 'CSR_THREAD': {
      const found = findThread(system, ref.tid);
      if (!found || !found[1].csrThread) return undefined;
      const [p, t] = found;
      return {
        typeName: 'csrss!_CSR_THREAD', address: t.csrThread!, size: 0x58, source: CSRSRV,
        fields: [
          { offset: 0x28, name: 'ClientId', type: '_CLIENT_ID', value: `{ UniqueProcess=0x${p.pid.toString(16)} UniqueThread=0x${t.tid.toString(16)} }` },
          { offset: 0x38, name: 'Process', type: 'Ptr64 _CSR_PROCESS', value: p.ps.csrProcess, ref: { kind: 'CSR_PROCESS', pid: p.pid } },
          // CSRSS's handle to the initial thread; a later thread's is not simulated.
          { offset: 0x40, name: 'ThreadHandle', type: 'Ptr64 Void', value: p.ps.csrHandles && p.threads[0] === t ? BigInt(p.ps.csrHandles.handles[1]!) : 'handle to the thread in csrss' },
          { offset: 0x4c, name: 'ReferenceCount', type: 'Int4B', value: 1 },
        ],
      };
    }
    case 'W32PROCESS': {
      const p = findProcess(system, ref.pid);
      const st = p?.ps;
      return p && st && st.w32Process ? w32process(p, st) : undefined;
    }
    case 'DEBUG_OBJECT': {
      const d = machineOf(system).ps.debugObjects.get(ref.objectId);
      return d ? debugObject(system, d) : undefined;
    }
    case 'HANDLE_TABLE': {
      const found = findProcess(system, ref.pid);
      const p = found ? objectTableOwner(machineOf(system).processes, found) : undefined;
      return p ? processHandleTable(system, p, p.ps) : undefined;
    }
    case 'CID_TABLE': return cidTable(system);
    case 'ETHREAD': case 'KTHREAD': case 'TEB': {
      const found = findThread(system, ref.tid, ref.pid);
      if (!found) return undefined;
      const [p, t] = found;
      if (ref.kind === 'TEB') return t.teb ? teb(system, p, t) : undefined;
      return ref.kind === 'ETHREAD' ? ethread(p, t) : kthread(p, t);
    }
    case 'HANDLE_TABLE_ENTRY': {
      const p = findProcess(system, ref.pid);
      const st = p?.ps;
      const e = st?.handles.get(ref.handle);
      if (!p || !st || !e) return undefined;
      const obj = machineOf(system).ps.ob.get(e.objectId);
      if (!obj) return undefined;
      const address = handleTablePage(p) + BigInt(ref.handle / 4) * 16n;
      const objectHeader = obj.address - 0x30n;
      const pointerValue = (objectHeader << 16n) & 0xFFFFFFFFFFFF0000n | 1n; // ObjectPointerBits | Unlocked, as Windows 10 packs them
      const fields: ObjectField[] = [
        { offset: 0x0, name: 'VolatileLowValue', type: 'Int8B', value: pointerValue },
        { offset: 0x0, name: 'ObjectPointerBits', type: 'Pos 20, 44 Bits', value: objectHeader >> 4n },
        { offset: 0x8, name: 'GrantedAccessBits', type: 'Pos 0, 25 Bits', value: e.grantedAccess & 0x1FFFFFF },
        { offset: 0x8, name: 'HighValue', type: 'Int8B', value: BigInt(e.grantedAccess) },
        { offset: -1, name: '(object)', type: obj.typeName, value: obj.address, ref: objectRefOf(system, obj.typeName, obj.typeName === 'DebugObject' ? obj.objectId : obj.key) },
        { offset: -1, name: '(inherit)', type: 'Bool', value: e.inherit ? 'OBJ_INHERIT' : 'no' },
      ];
      return { typeName: '_HANDLE_TABLE_ENTRY', address, size: 0x10, source: VERGILIUS, fields };
    }
    case 'EJOB': case 'JOBOBJECT_BASIC_ACCOUNTING_INFORMATION': case 'JOBOBJECT_BASIC_LIMIT_INFORMATION': {
      const j = machineOf(system).ps.jobs.get(ref.jobId);
      if (!j) return undefined;
      if (ref.kind === 'JOBOBJECT_BASIC_ACCOUNTING_INFORMATION') {
        return {
          typeName: 'JOBOBJECT_BASIC_ACCOUNTING_INFORMATION', address: j.address, size: 0x30, source: WINNT,
          fields: [
            { offset: 0x0, name: 'TotalUserTime', type: 'LARGE_INTEGER', value: 0n },
            { offset: 0x8, name: 'TotalKernelTime', type: 'LARGE_INTEGER', value: 0n },
            { offset: 0x20, name: 'TotalPageFaultCount', type: 'DWORD', value: jobPageFaults(system, j.jobId) },
            { offset: 0x24, name: 'TotalProcesses', type: 'DWORD', value: j.totalProcesses },
            { offset: 0x28, name: 'ActiveProcesses', type: 'DWORD', value: j.activeProcesses },
            { offset: 0x2C, name: 'TotalTerminatedProcesses', type: 'DWORD', value: j.totalTerminatedProcesses },
          ],
        };
      }
      if (ref.kind === 'JOBOBJECT_BASIC_LIMIT_INFORMATION') {
        return {
          typeName: 'JOBOBJECT_BASIC_LIMIT_INFORMATION', address: j.address, size: 0x40, source: WINNT,
          fields: [
            { offset: 0x10, name: 'LimitFlags', type: 'DWORD', value: `0x${j.limitFlags.toString(16)}` },
            { offset: 0x18, name: 'MinimumWorkingSetSize', type: 'SIZE_T', value: BigInt(j.minimumWorkingSetSize) },
            { offset: 0x20, name: 'MaximumWorkingSetSize', type: 'SIZE_T', value: BigInt(j.maximumWorkingSetSize) },
            { offset: 0x28, name: 'ActiveProcessLimit', type: 'DWORD', value: j.activeProcessLimit },
            { offset: 0x38, name: 'PriorityClass', type: 'DWORD', value: j.priorityClass },
          ],
        };
      }
      // The EJOB itself: the fields the simulation keeps, at their 19041 offsets; the documented JOBOBJECT_* views follow it.
      let root = j;
      for (let depth = 0; depth < 64 && root.parentJobId && machineOf(system).ps.jobs.get(root.parentJobId); depth++) root = machineOf(system).ps.jobs.get(root.parentJobId)!;
      const parent = j.parentJobId ? machineOf(system).ps.jobs.get(j.parentJobId) : undefined;
      return {
        typeName: '_EJOB', address: j.address, size: 0x640, source: VERGILIUS,
        fields: [
          { offset: -1, name: '(name)', type: 'String', value: j.name ?? '(unnamed)' },
          { offset: 0x28, name: 'ProcessListHead', type: '_LIST_ENTRY', value: `${j.processIds.length} process(es)` },
          { offset: 0xD4, name: 'TotalProcesses', type: 'Uint4B', value: j.totalProcesses },
          { offset: 0xD8, name: 'ActiveProcesses', type: 'Uint4B', value: j.activeProcesses },
          { offset: 0xDC, name: 'TotalTerminatedProcesses', type: 'Uint4B', value: j.totalTerminatedProcesses },
          { offset: 0x100, name: 'LimitFlags', type: 'Uint4B', value: j.limitFlags },
          { offset: 0x104, name: 'ActiveProcessLimit', type: 'Uint4B', value: j.activeProcessLimit },
          { offset: 0x430, name: 'ParentJob', type: 'Ptr64 _EJOB', value: parent?.address ?? 0n, ref: parent ? { kind: 'EJOB', jobId: parent.jobId } : undefined },
          { offset: 0x438, name: 'RootJob', type: 'Ptr64 _EJOB', value: root.address, ref: root !== j ? { kind: 'EJOB', jobId: root.jobId } : undefined },
          { offset: -1, name: '(processes)', type: 'UniqueProcessId[]', value: j.processIds.join(', ') },
          { offset: -1, name: '(child jobs)', type: 'Count', value: j.childJobIds.length },
          { offset: -1, name: '(accounting)', type: 'JOBOBJECT_BASIC_ACCOUNTING_INFORMATION', value: `${j.activeProcesses} active / ${j.totalProcesses} total`, ref: { kind: 'JOBOBJECT_BASIC_ACCOUNTING_INFORMATION', jobId: j.jobId } },
          { offset: -1, name: '(limits)', type: 'JOBOBJECT_BASIC_LIMIT_INFORMATION', value: `0x${j.limitFlags.toString(16)}`, ref: { kind: 'JOBOBJECT_BASIC_LIMIT_INFORMATION', jobId: j.jobId } },
        ],
      };
    }
  }
  return undefined;
}

function jobPageFaults(system: System, jobId: number): number {
  const j = machineOf(system).ps.jobs.get(jobId)!;
  let n = j.totalPageFaultCount;
  for (const p of machineOf(system).ps.jobProcesses(j)) n += p.ws.pageFaultCount;
  return n;
}

function objectRefOf(system: System, type: string, key: number): ObjectRef | undefined {
  if (type === 'Process') { const p = machineOf(system).processes[key]; return p && !p.exited ? { kind: 'EPROCESS', pid: p.pid } : undefined; }
  if (type === 'Thread') return { kind: 'ETHREAD', tid: key };
  if (type === 'Job') return { kind: 'EJOB', jobId: key };
  if (type === 'DebugObject') return machineOf(system).ps.debugObjects.has(key) ? { kind: 'DEBUG_OBJECT', objectId: key } : undefined;
  return undefined;
}

function eprocess(system: System, p: ProcessObject, st: PsProcessState): ObjectLayout {
  const live = p.threads.filter((t) => t.state !== 'Terminated').length;
  const job = st.jobId ? machineOf(system).ps.jobs.get(st.jobId) : undefined;
  // ImageFileName is UCHAR[15]: at most 14 characters and the terminating NUL.
  const name = p.imageFileName.slice(0, 14);
  return {
    typeName: '_EPROCESS', address: p.eprocess, size: 0xA40, source: VERGILIUS,
    fields: [
      { offset: 0x0, name: 'Pcb', type: '_KPROCESS', value: p.eprocess, ref: { kind: 'KPROCESS', pid: p.pid } },
      { offset: 0x440, name: 'UniqueProcessId', type: 'Ptr64 Void', value: BigInt(p.pid), ref: { kind: 'CID_TABLE' } },
      // PspInitPhase0 initializes PsActiveProcessHead and points PsIdleProcess at the initial process without
      // inserting it; the list starts at System (PspCreateProcess inserts every created process). Idle's links were
      // never set: KiInitialProcess is zeroed kernel data (ReactOS wiki, "Idle Process"; routine names from
      // ntoskrnl's public symbols). WinDbg's `!process 0 0` walks the list, so it does not show Idle.
      { offset: 0x448, name: 'ActiveProcessLinks', type: '_LIST_ENTRY', value: p.pid === 0 ? '[ 0x00000000`00000000 - 0x00000000`00000000 ] (not on PsActiveProcessHead)' : '[ PsActiveProcessHead list ]' },
      { offset: 0x468, name: 'CreateTime', type: '_LARGE_INTEGER', value: `step ${st.createSeq}` },
      { offset: 0x4B8, name: 'Token', type: '_EX_FAST_REF', value: st.token.address | 0x7n, ref: { kind: 'TOKEN', pid: p.pid } },
      { offset: 0x4F8, name: 'NumberOfPrivatePages', type: 'Uint8B', value: BigInt(p.privateCommit) },
      { offset: 0x508, name: 'Win32Process', type: 'Ptr64 Void', value: st.w32Process, ref: st.w32Process ? { kind: 'W32PROCESS', pid: p.pid } : undefined },
      { offset: 0x510, name: 'Job', type: 'Ptr64 _EJOB', value: job?.address ?? 0n, ref: job ? { kind: 'EJOB', jobId: job.jobId } : undefined },
      { offset: 0x518, name: 'SectionObject', type: 'Ptr64 Void', value: st.sectionId ? machineOf(system).ps.ob.get(-st.sectionId)?.address ?? 0n : 0n },
      { offset: 0x520, name: 'SectionBaseAddress', type: 'Ptr64 Void', value: st.imageBase },
      { offset: 0x540, name: 'InheritedFromUniqueProcessId', type: 'Ptr64 Void', value: BigInt(p.parentPid) },
      { offset: 0x550, name: 'Peb', type: 'Ptr64 _PEB', value: p.peb, ref: p.peb ? { kind: 'PEB', pid: p.pid } : undefined },
      // Idle's ObjectTable is the kernel handle table System uses (System, created with no parent, takes the
      // current process's table: ReactOS wiki, "Idle Process"); see objectTableOwner.
      { offset: 0x570, name: 'ObjectTable', type: 'Ptr64 _HANDLE_TABLE', value: handleTableAddress(objectTableOwner(machineOf(system).processes, p)), ref: { kind: 'HANDLE_TABLE', pid: objectTableOwner(machineOf(system).processes, p).pid } },
      { offset: 0x578, name: 'DebugPort', type: 'Ptr64 Void', value: st.debugObjectId ? machineOf(system).ps.debugObjects.get(st.debugObjectId)?.address ?? 0n : 0n, ref: st.debugObjectId && machineOf(system).ps.debugObjects.has(st.debugObjectId) ? { kind: 'DEBUG_OBJECT', objectId: st.debugObjectId } : undefined },
      { offset: 0x5A8, name: 'ImageFileName', type: '[15] UChar', value: `"${name}"` },
      { offset: 0x5B7, name: 'PriorityClass', type: 'UChar', value: priorityClassIndex(p.priorityClass) },
      { offset: 0x5F0, name: 'ActiveThreads', type: 'Uint4B', value: live },
      { offset: 0x648, name: 'CommitCharge', type: 'Uint8B', value: BigInt(p.privateCommit + p.pageTablePages) },
      { offset: 0x680 + 0x4, name: 'Vm.Instance.PageFaultCount', type: 'Uint4B', value: p.ws.pageFaultCount },
      { offset: 0x680 + 0x70, name: 'Vm.Instance.MinimumWorkingSetSize', type: 'Uint8B', value: BigInt(p.ws.minimum) },
      { offset: 0x680 + 0x88, name: 'Vm.Instance.WorkingSetSize', type: 'Uint8B', value: BigInt(p.ws.count) },
      { offset: 0x680 + 0x98, name: 'Vm.Instance.MaximumWorkingSetSize', type: 'Uint8B', value: BigInt(p.ws.maximum) },
      { offset: 0x680 + 0xA0, name: 'Vm.Instance.PeakWorkingSetSize', type: 'Uint8B', value: BigInt(p.ws.peak) },
      { offset: 0x7D4, name: 'ExitStatus', type: 'Int4B', value: st.exitStatus },
      { offset: 0x7D8, name: 'VadRoot', type: '_RTL_AVL_TREE', value: `${p.vads.count} VAD(s)` },
      { offset: 0x7E8, name: 'VadCount', type: 'Uint8B', value: BigInt(p.vads.count) },
      { offset: 0x878, name: 'SignatureLevel', type: 'UChar', value: st.signatureLevel },
      { offset: 0x87A, name: 'Protection', type: '_PS_PROTECTION', value: protectionText(st.protection) },
    ],
  };
}

/** EPROCESS.PriorityClass stores PROCESS_PRIORITY_CLASS_* (1 Idle, 2 Normal, 3 High, 4 Realtime, 5 BelowNormal, 6 AboveNormal). */
function priorityClassIndex(cls: number): number {
  return ({ 0x40: 1, 0x20: 2, 0x80: 3, 0x100: 4, 0x4000: 5, 0x8000: 6 } as Record<number, number>)[cls] ?? 0;
}

function kprocess(p: ProcessObject, st: PsProcessState): ObjectLayout {
  return {
    typeName: '_KPROCESS', address: p.eprocess, size: 0x438, source: VERGILIUS,
    fields: [
      { offset: 0x0, name: 'Header', type: '_DISPATCHER_HEADER', value: 'Type 3 (ProcessObject)' },
      { offset: 0x28, name: 'DirectoryTableBase', type: 'Uint8B', value: p.directoryTableBase >= 0 ? BigInt(p.directoryTableBase) * PAGE_SIZE_N : 0n },
      { offset: 0x30, name: 'ThreadListHead', type: '_LIST_ENTRY', value: `${p.threads.filter((t) => t.state !== 'Terminated').length} thread(s)` },
      { offset: 0x280, name: 'BasePriority', type: 'Char', value: st.basePriority },
      { offset: 0x281, name: 'QuantumReset', type: 'Char', value: 6 },
      { offset: 0x388, name: 'UserDirectoryTableBase', type: 'Uint8B', value: 0n },
    ],
  };
}

function peb(system: System, p: ProcessObject, st: PsProcessState): ObjectLayout {
  return {
    typeName: '_PEB', address: p.peb, size: PEB.size, source: USER_MODE,
    fields: [
      { offset: PEB.BeingDebugged, name: 'BeingDebugged', type: 'UChar', value: st.debuggerPid ? 1 : 0 },
      { offset: PEB.ImageBaseAddress, name: 'ImageBaseAddress', type: 'Ptr64 Void', value: st.imageBase },
      { offset: PEB.Ldr, name: 'Ldr', type: 'Ptr64 _PEB_LDR_DATA', value: st.ldr, ref: st.ldr ? { kind: 'PEB_LDR_DATA', pid: p.pid } : undefined },
      { offset: PEB.ProcessParameters, name: 'ProcessParameters', type: 'Ptr64 _RTL_USER_PROCESS_PARAMETERS', value: st.processParameters, ref: { kind: 'RTL_USER_PROCESS_PARAMETERS', pid: p.pid } },
      { offset: PEB.ProcessHeap, name: 'ProcessHeap', type: 'Ptr64 Void', value: st.heap },
      { offset: PEB.NumberOfProcessors, name: 'NumberOfProcessors', type: 'Uint4B', value: system.options.processors },
      { offset: PEB.OSMajorVersion, name: 'OSMajorVersion', type: 'Uint4B', value: OS_VERSION.major },
      { offset: PEB.OSMinorVersion, name: 'OSMinorVersion', type: 'Uint4B', value: OS_VERSION.minor },
      { offset: PEB.OSBuildNumber, name: 'OSBuildNumber', type: 'Uint2B', value: OS_VERSION.build },
      { offset: PEB.ImageSubsystem, name: 'ImageSubsystem', type: 'Uint4B', value: st.subsystem },
      { offset: PEB.SessionId, name: 'SessionId', type: 'Uint4B', value: p.sessionId },
    ],
  };
}

function parameters(p: ProcessObject, st: PsProcessState): ObjectLayout {
  return {
    typeName: '_RTL_USER_PROCESS_PARAMETERS', address: st.processParameters, size: PROCESS_PARAMETERS.size, source: USER_MODE,
    fields: [
      { offset: PROCESS_PARAMETERS.MaximumLength, name: 'MaximumLength', type: 'Uint4B', value: PROCESS_PARAMETERS.size },
      { offset: PROCESS_PARAMETERS.Length, name: 'Length', type: 'Uint4B', value: PROCESS_PARAMETERS.size },
      { offset: PROCESS_PARAMETERS.Flags, name: 'Flags', type: 'Uint4B', value: 1 },
      { offset: PROCESS_PARAMETERS.CurrentDirectory, name: 'CurrentDirectory', type: '_CURDIR', value: `"${st.currentDirectory}\\"` },
      { offset: PROCESS_PARAMETERS.ImagePathName, name: 'ImagePathName', type: '_UNICODE_STRING', value: `"${p.imagePath}"` },
      { offset: PROCESS_PARAMETERS.CommandLine, name: 'CommandLine', type: '_UNICODE_STRING', value: `"${p.commandLine}"` },
      { offset: PROCESS_PARAMETERS.Environment, name: 'Environment', type: 'Ptr64 Void', value: st.environment },
      { offset: -1, name: '(console)', type: 'ConsoleMode', value: st.console },
    ],
  };
}

function ldrData(p: ProcessObject, st: PsProcessState): ObjectLayout {
  const listed = st.modules.slice(0, LOADER_ENTRY_CAPACITY);
  const more = st.modules.length - listed.length;
  return {
    typeName: '_PEB_LDR_DATA', address: st.ldr, size: PEB_LDR_DATA.size, source: USER_MODE,
    fields: [
      { offset: PEB_LDR_DATA.Length, name: 'Length', type: 'Uint4B', value: PEB_LDR_DATA.size },
      { offset: PEB_LDR_DATA.Initialized, name: 'Initialized', type: 'UChar', value: 1 },
      { offset: PEB_LDR_DATA.InLoadOrderModuleList, name: 'InLoadOrderModuleList', type: '_LIST_ENTRY', value: `${listed.length} module(s)` },
      ...listed.map((m, i): ObjectField => ({ offset: -1, name: `[${i}]`, type: '_LDR_DATA_TABLE_ENTRY', value: `${m.name} @ 0x${m.base.toString(16)}`, ref: { kind: 'LDR_DATA_TABLE_ENTRY', pid: p.pid, index: i } })),
      ...(more > 0 ? [{ offset: -1, name: '(not listed)', type: 'Count', value: `${more} more module(s): the simulated loader's heap block is full` }] : []),
      { offset: PEB_LDR_DATA.InMemoryOrderModuleList, name: 'InMemoryOrderModuleList', type: '_LIST_ENTRY', value: `${listed.length} module(s)` },
      // The simulation keeps load order here, without the image; Windows initializes dependencies first.
      { offset: PEB_LDR_DATA.InInitializationOrderModuleList, name: 'InInitializationOrderModuleList', type: '_LIST_ENTRY', value: `${Math.max(0, listed.length - 1)} module(s), load order without the image` },
    ],
  };
}

function token(st: PsProcessState): ObjectLayout {
  const t = st.token;
  return {
    typeName: '_TOKEN', address: t.address, size: 0x498, source: VERGILIUS,
    fields: [
      { offset: 0x10, name: 'TokenId', type: '_LUID', value: BigInt(t.tokenId) },
      { offset: 0x18, name: 'AuthenticationId', type: '_LUID', value: BigInt(t.authenticationId) },
      // SEP_TOKEN_PRIVILEGES: Present, Enabled and EnabledByDefault bitmaps; a present privilege not enabled is marked.
      { offset: 0x40, name: 'Privileges', type: '_SEP_TOKEN_PRIVILEGES', value: [...t.privileges].map((n) => t.privilegeEnabled(n) ? n : `${n} (disabled)`).join(', ') },
      { offset: 0x78, name: 'SessionId', type: 'Uint4B', value: t.sessionId },
      { offset: 0x7C, name: 'UserAndGroupCount', type: 'Uint4B', value: t.groups.length + 1 },
      { offset: 0x98, name: 'UserAndGroups', type: 'Ptr64 _SID_AND_ATTRIBUTES', value: `${t.user.name} (${t.user.sid})` },
      { offset: 0xC0, name: 'TokenType', type: '_TOKEN_TYPE', value: t.tokenType === 'Primary' ? 'TokenPrimary (1)' : 'TokenImpersonation (2)' },
      { offset: 0xD0, name: 'IntegrityLevelIndex', type: 'Uint4B', value: `${t.groups.length} (${t.integrityLevel}, S-1-16-${INTEGRITY_RID[t.integrityLevel]})` },
    ],
  };
}

function ethread(p: ProcessObject, t: ThreadObject): ObjectLayout {
  const address = t.ethread ?? 0n;
  return {
    typeName: '_ETHREAD', address, size: 0x898, source: VERGILIUS,
    fields: [
      { offset: 0x0, name: 'Tcb', type: '_KTHREAD', value: address, ref: { kind: 'KTHREAD', tid: t.tid } },
      { offset: 0x450, name: 'StartAddress', type: 'Ptr64 Void', value: t.startAddress ?? 0n },
      { offset: 0x478, name: 'Cid.UniqueProcess', type: 'Ptr64 Void', value: BigInt(p.pid) },
      { offset: 0x480, name: 'Cid.UniqueThread', type: 'Ptr64 Void', value: BigInt(t.tid), ref: { kind: 'CID_TABLE' } },
      { offset: 0x4D0, name: 'Win32StartAddress', type: 'Ptr64 Void', value: t.win32StartAddress ?? 0n },
      { offset: 0x4E8, name: 'ThreadListEntry', type: '_LIST_ENTRY', value: `[ EPROCESS ${p.pid} ThreadListHead ]` },
    ],
  };
}

function kthread(p: ProcessObject, t: ThreadObject): ObjectLayout {
  const address = t.ethread ?? 0n;
  // The kernel stack (24 KB on x64) in the system PTE region (MmCreateKernelStack; 0 once the thread has
  // terminated and the stack was freed); the user stack is the TEB's NtTib.StackBase/StackLimit.
  // InitialStack (0x28) and KernelStack (0x58) depend on what the thread has executed in kernel mode, which the
  // simulation does not run, so they are left out rather than invented.
  const kstack = t.kernelStack ?? { stackLimit: 0n, stackBase: 0n };
  return {
    typeName: '_KTHREAD', address, size: 0x430, source: VERGILIUS,
    fields: [
      { offset: 0x30, name: 'StackLimit', type: 'Ptr64 Void', value: kstack.stackLimit },
      { offset: 0x38, name: 'StackBase', type: 'Ptr64 Void', value: kstack.stackBase },
      { offset: 0xC3, name: 'Priority', type: 'Char', value: t.priority ?? 8 },
      { offset: 0xF0, name: 'Teb', type: 'Ptr64 Void', value: t.teb, ref: t.teb ? { kind: 'TEB', tid: t.tid } : undefined },
      { offset: 0x184, name: 'State', type: 'UChar', value: `${THREAD_STATES[t.state] ?? 0} (${t.state})` },
      { offset: 0x220, name: 'Process', type: 'Ptr64 _KPROCESS', value: p.eprocess, ref: { kind: 'KPROCESS', pid: p.pid } },
      { offset: 0x233, name: 'BasePriority', type: 'Char', value: t.basePriority ?? 8 },
      { offset: 0x283, name: 'WaitReason', type: 'UChar', value: t.waitReason ? `${WAIT_REASONS[t.waitReason] ?? 0} (${t.waitReason})` : 0 },
      { offset: 0x284, name: 'SuspendCount', type: 'Char', value: t.suspendCount },
    ],
  };
}

function teb(system: System, p: ProcessObject, t: ThreadObject): ObjectLayout {
  // The simulated Win32 calls of a process run on its first live thread: the machine's last error of the
  // process (Machine.lastErrors, what GetLastError returns) is that thread's TEB.LastErrorValue. No other
  // thread ever makes a call that sets one, so theirs stays 0, the TEB's initial value.
  const caller = firstLiveThread(p);
  return {
    typeName: '_TEB', address: t.teb, size: TEB.size, source: USER_MODE,
    fields: [
      { offset: TEB.StackBase, name: 'NtTib.StackBase', type: 'Ptr64 Void', value: t.stackBase },
      { offset: TEB.StackLimit, name: 'NtTib.StackLimit', type: 'Ptr64 Void', value: userStackLimit(p, t) },
      { offset: TEB.Self, name: 'NtTib.Self', type: 'Ptr64 _NT_TIB', value: t.teb },
      { offset: TEB.ClientId, name: 'ClientId', type: '_CLIENT_ID', value: `${p.pid}.${t.tid}` },
      { offset: TEB.ProcessEnvironmentBlock, name: 'ProcessEnvironmentBlock', type: 'Ptr64 _PEB', value: p.peb, ref: { kind: 'PEB', pid: p.pid } },
      { offset: TEB.LastErrorValue, name: 'LastErrorValue', type: 'Uint4B', value: caller === t ? system.getLastError(p.pid) : 0 },
    ],
  };
}

/** TEB.NtTib.StackLimit: where the user stack has grown to (MiCheckForUserStackOverflow lowers it). */
function userStackLimit(p: ProcessObject, t: ThreadObject): bigint {
  const vad = t.stackBase ? p.vads.find(Number((t.stackBase - 1n) / 0x1000n)) : null;
  return vad && vad.userStackTeb === Number(t.teb) && vad.userStackLimit ? BigInt(vad.userStackLimit) : t.stackLimit;
}

/** DEBUG_EVENT codes as WinDbg names them in a DEBUG_EVENT's dwDebugEventCode. */
const DEBUG_EVENT_NAMES: Record<number, string> = {
  1: 'EXCEPTION', 2: 'CREATE_THREAD', 3: 'CREATE_PROCESS', 4: 'EXIT_THREAD', 5: 'EXIT_PROCESS', 6: 'LOAD_DLL', 7: 'UNLOAD_DLL', 8: 'OUTPUT_DEBUG_STRING', 9: 'RIP',
};

function w32process(p: ProcessObject, st: PsProcessState): ObjectLayout {
  // Only the fields the simulation keeps: win32k's GDI and USER handle counts are not simulated, so they are left out.
  const gui = firstLiveThread(p);
  return {
    typeName: 'win32k!_W32PROCESS', address: st.w32Process, size: 0x128, source: W32K,
    fields: [
      { offset: 0x0, name: 'Process', type: 'Ptr64 _EPROCESS', value: p.eprocess, ref: { kind: 'EPROCESS', pid: p.pid } },
      { offset: 0x8, name: 'RefCount', type: 'Uint4B', value: 1 },
      { offset: 0x38, name: 'W32Pid', type: 'Uint4B', value: p.pid },
      { offset: -1, name: '(first GUI thread)', type: '_ETHREAD', value: gui ? `tid ${gui.tid}` : 'none', ref: gui ? { kind: 'ETHREAD', tid: gui.tid } : undefined },
    ],
  };
}

function debugObject(system: System, d: DebugObject): ObjectLayout {
  const queued = d.events.filter((e) => e.state === 'queued').length;
  const debuggerAlive = findProcess(system, d.debuggerPid) !== undefined;
  const debuggees = [...machineOf(system).ps.ctx.byPid.values()].filter((p) => !p.exited && p.ps.debugObjectId === d.objectId);
  return {
    typeName: '_DEBUG_OBJECT', address: d.address, size: 0x68, source: DBGK,
    fields: [
      { offset: 0x0, name: 'EventsPresent', type: '_KEVENT', value: queued ? `signaled (${queued} queued)` : 'not signaled' },
      { offset: 0x18, name: 'Mutex', type: '_FAST_MUTEX', value: 'free' },
      { offset: 0x50, name: 'EventList', type: '_LIST_ENTRY', value: `${d.events.length} DEBUG_EVENT(s)` },
      ...d.events.map((e, i): ObjectField => ({ offset: -1, name: `[${i}]`, type: 'DBGKM_DEBUG_EVENT', value: `${DEBUG_EVENT_NAMES[e.code] ?? e.code} pid ${e.pid} tid ${e.tid} (${e.state === 'queued' ? 'queued' : 'reported, waiting for ContinueDebugEvent'})`, ref: { kind: 'ETHREAD', tid: e.tid } })),
      { offset: 0x60, name: 'Flags', type: 'Uint4B', value: `0x${(d.killOnExit ? 2 : 0).toString(16)}${d.killOnExit ? ' (DEBUG_OBJECT_KILL_ON_CLOSE)' : ''}` },
      { offset: -1, name: '(debugger)', type: '_EPROCESS', value: debuggerAlive ? `pid ${d.debuggerPid}` : `pid ${d.debuggerPid} (exited)`, ref: debuggerAlive ? { kind: 'EPROCESS', pid: d.debuggerPid } : undefined },
      ...debuggees.map((p): ObjectField => ({ offset: -1, name: '(debuggee)', type: '_EPROCESS', value: `pid ${p.pid} (${p.imageFileName})`, ref: { kind: 'EPROCESS', pid: p.pid } })),
    ],
  };
}

// Handle tables: a HANDLE_TABLE (0x80 bytes) and pages of 256 HANDLE_TABLE_ENTRYs (16 bytes each); a
// handle or id is its entry's index times 4. Up to 256 entries TableCode points at the one page
// (level 0); beyond that at a page of page pointers (level 1). The simulated table page of a process
// sits 1 MB above its EPROCESS, its HANDLE_TABLE just below that page; PspCidTable sits below the pool.
const ENTRIES_PER_PAGE = 256;

/**
 * The process whose handle table EPROCESS.ObjectTable points at: its own, except for Idle (pid 0), whose
 * ObjectTable is the table System inherited from it — the kernel handle table (ReactOS wiki, "Idle Process";
 * ObpKernelHandleTable is a data symbol of ntoskrnl's public symbols). The lab keeps the table with System and
 * points Idle's ObjectTable at it, so no table is ever placed beside KiInitialProcess in the kernel image.
 */
export function objectTableOwner(processes: readonly (ProcessObject | undefined)[], p: ProcessObject): ProcessObject {
  if (p.pid !== 0) return p;
  return processes.find((x) => x !== undefined && x.pid !== 0 && x.imageFileName === 'System' && !x.exited) ?? p;
}

function handleTablePage(p: ProcessObject): bigint { return (p.eprocess & ~0xFFFn) + 0x100000n; }
/** EPROCESS.ObjectTable: where the process's _HANDLE_TABLE is. */
export function handleTableAddress(p: ProcessObject): bigint { return handleTablePage(p) - 0x80n; }

function tableCode(page: bigint, highWater: number): bigint { return page | (highWater / 4 > ENTRIES_PER_PAGE ? 1n : 0n); }
/** The handle value at which the table needs another page of entries. */
function nextHandleNeedingPool(highWater: number): number {
  return Math.max(1, Math.ceil(highWater / 4 / ENTRIES_PER_PAGE)) * ENTRIES_PER_PAGE * 4;
}

function processHandleTable(system: System, p: ProcessObject, st: PsProcessState): ObjectLayout {
  const handles = [...st.handles.entries.entries()].sort((a, b) => a[0] - b[0]);
  return {
    typeName: '_HANDLE_TABLE', address: handleTableAddress(p), size: 0x80, source: VERGILIUS,
    fields: [
      { offset: 0x0, name: 'NextHandleNeedingPool', type: 'Uint4B', value: nextHandleNeedingPool(st.handles.highWater) },
      { offset: 0x8, name: 'TableCode', type: 'Uint8B', value: tableCode(handleTablePage(p), st.handles.highWater) },
      { offset: 0x10, name: 'QuotaProcess', type: 'Ptr64 _EPROCESS', value: p.eprocess, ref: { kind: 'EPROCESS', pid: p.pid } },
      { offset: 0x18, name: 'HandleTableList', type: '_LIST_ENTRY', value: '[ HandleTableListHead list ]' },
      { offset: 0x28, name: 'UniqueProcessId', type: 'Uint4B', value: p.pid },
      { offset: -1, name: '(handles)', type: 'Count', value: handles.length },
      ...handles.map(([h, e]): ObjectField => {
        const obj = machineOf(system).ps.ob.get(e.objectId);
        return { offset: -1, name: `[0x${h.toString(16)}]`, type: '_HANDLE_TABLE_ENTRY', value: `${obj?.typeName ?? '?'} 0x${(obj?.address ?? 0n).toString(16)} access 0x${e.grantedAccess.toString(16)}${obj?.name ? ` ${obj.name}` : ''}`, ref: { kind: 'HANDLE_TABLE_ENTRY', pid: p.pid, handle: h } };
      }),
    ],
  };
}

function cidTable(system: System): ObjectLayout {
  const cids = machineOf(system).ps.cids;
  const address = machineOf(system).ps.ob.poolBase - 0x1000n;
  const ids = [...cids.live.entries()].sort((a, b) => a[0] - b[0]);
  const threadOwner = new Map<number, ProcessObject>();
  for (const p of machineOf(system).processes) if (p && !p.exited) for (const t of p.threads) if (t.state !== 'Terminated') threadOwner.set(t.tid, p);
  return {
    typeName: '_HANDLE_TABLE', address, size: 0x80, source: VERGILIUS,
    fields: [
      { offset: 0x0, name: 'NextHandleNeedingPool', type: 'Uint4B', value: nextHandleNeedingPool(cids.highWater) },
      { offset: 0x8, name: 'TableCode', type: 'Uint8B', value: tableCode(address - 0x100000n, cids.highWater) },
      // PspCidTable charges no process and belongs to none.
      { offset: 0x10, name: 'QuotaProcess', type: 'Ptr64 _EPROCESS', value: 0n },
      { offset: 0x28, name: 'UniqueProcessId', type: 'Uint4B', value: 0 },
      { offset: -1, name: '(ids)', type: 'Count', value: ids.length },
      ...ids.map(([id, kind]): ObjectField => {
        if (kind === 'p') {
          const p = findProcess(system, id);
          return { offset: -1, name: `[0x${id.toString(16)}]`, type: '_EPROCESS', value: p ? `process ${p.imageFileName} 0x${p.eprocess.toString(16)}` : 'process', ref: p ? { kind: 'EPROCESS', pid: id } : undefined };
        }
        const owner = threadOwner.get(id);
        // A live id names a live thread (an exited thread of the same process may have had the id before).
        const t = owner?.threads.find((x) => x.tid === id && x.state !== 'Terminated');
        return { offset: -1, name: `[0x${id.toString(16)}]`, type: '_ETHREAD', value: owner ? `thread of ${owner.imageFileName} (${owner.pid}) 0x${(t?.ethread ?? 0n).toString(16)}` : 'thread', ref: owner ? { kind: 'ETHREAD', tid: id } : undefined };
      }),
    ],
  };
}

/**
 * _POOL_HEADER (0x10 bytes; Vergilius Project, Windows 10 x64 19041): the bit fields of the first two USHORTs,
 * PoolTag, and ProcessBilled / AllocatorBackTraceIndex+PoolTagHash in the union at 0x8 (zero: no quota is
 * charged to a process here). Sizes are in 16-byte units; an allocated block's PoolType is the pool type + 1.
 */
function poolHeaderLayout(system: System, address: bigint): ObjectLayout | undefined {
  if (typeof address !== 'bigint') return undefined;
  const page = system.queryPool(address);
  if (page?.kind !== 'small') return undefined;
  const b = page.blocks.find((x) => x.address === address);
  if (!b) return undefined;
  const type = b.allocated ? b.poolType + 1 : 0;
  const units = b.size / 16;
  const prev = b.previousSize / 16;
  return {
    typeName: '_POOL_HEADER', address, size: 0x10, source: VERGILIUS,
    fields: [
      { offset: 0x0, name: 'PreviousSize', type: 'Pos 0, 8 Bits', value: prev },
      { offset: 0x0, name: 'PoolIndex', type: 'Pos 8, 8 Bits', value: 0 },
      { offset: 0x2, name: 'BlockSize', type: 'Pos 0, 8 Bits', value: units },
      { offset: 0x2, name: 'PoolType', type: 'Pos 8, 8 Bits', value: type },
      { offset: 0x0, name: 'Ulong1', type: 'Uint4B', value: (prev | (units << 16) | (type << 24)) >>> 0 },
      { offset: 0x4, name: 'PoolTag', type: 'Uint4B', value: b.tag },
      { offset: 0x8, name: 'ProcessBilled', type: 'Ptr64 _EPROCESS', value: 0n },
      { offset: 0x8, name: 'AllocatorBackTraceIndex', type: 'Uint2B', value: 0 },
      { offset: 0xA, name: 'PoolTagHash', type: 'Uint2B', value: 0 },
    ],
  };
}
