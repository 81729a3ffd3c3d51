/**
 * The dt layouts against the real Windows 10 x64 layouts. The reference table below was read, field
 * by field, from headers generated from Microsoft's 19041 (2004) symbol files (ntoskrnl.exe and
 * ntdll.dll type information) and cross-checked with the Vergilius Project's 21H2 (19044) and 22H2
 * (19045) pages for EPROCESS, KPROCESS, KTHREAD and MMSUPPORT; win32k's W32PROCESS from the
 * win32k symbols of Windows 10 1607 and later; DEBUG_OBJECT from the Windows 7 x64 kernel symbols
 * (it is not in the public Windows 10 symbols). Every offset a layout prints must be in this table
 * with the same value, and the bytes written into simulated user memory must agree with what the
 * layouts print at those offsets.
 */
import { describe, expect, it } from 'vitest';
import {
  createSystem, DEBUG_ONLY_THIS_PROCESS, describeObject, JOB_OBJECT_LIMIT_ACTIVE_PROCESS, JobObjectBasicLimitInformation,
  type DEBUG_EVENT, DBG_CONTINUE, PROCESS_QUERY_INFORMATION, type ObjectLayout, type ObjectRef, type PROCESS_INFORMATION, type System,
} from '../../src/engine';
import { machineOf } from '../../src/engine/testing';

/** Type -> size and field offsets (names as the layouts print them). */
const REFERENCE: Record<string, { size: number; fields: Record<string, number> }> = {
  _EPROCESS: { size: 0xA40, fields: {
    Pcb: 0x0, UniqueProcessId: 0x440, ActiveProcessLinks: 0x448, CreateTime: 0x468, Token: 0x4B8, NumberOfPrivatePages: 0x4F8,
    Win32Process: 0x508, Job: 0x510, SectionObject: 0x518, SectionBaseAddress: 0x520, InheritedFromUniqueProcessId: 0x540, Peb: 0x550,
    ObjectTable: 0x570, DebugPort: 0x578, ImageFileName: 0x5A8, PriorityClass: 0x5B7, ActiveThreads: 0x5F0, CommitCharge: 0x648,
    // Vm (_MMSUPPORT_FULL) at 0x680; its Instance (_MMSUPPORT_INSTANCE) at +0.
    'Vm.Instance.PageFaultCount': 0x680 + 0x4, 'Vm.Instance.MinimumWorkingSetSize': 0x680 + 0x70, 'Vm.Instance.WorkingSetSize': 0x680 + 0x88,
    'Vm.Instance.MaximumWorkingSetSize': 0x680 + 0x98, 'Vm.Instance.PeakWorkingSetSize': 0x680 + 0xA0,
    ExitStatus: 0x7D4, VadRoot: 0x7D8, VadCount: 0x7E8, SignatureLevel: 0x878, Protection: 0x87A,
  } },
  _KPROCESS: { size: 0x438, fields: { Header: 0x0, DirectoryTableBase: 0x28, ThreadListHead: 0x30, BasePriority: 0x280, QuantumReset: 0x281, UserDirectoryTableBase: 0x388 } },
  _PEB: { size: 0x7C8, fields: {
    BeingDebugged: 0x2, ImageBaseAddress: 0x10, Ldr: 0x18, ProcessParameters: 0x20, ProcessHeap: 0x30, NumberOfProcessors: 0xB8,
    OSMajorVersion: 0x118, OSMinorVersion: 0x11C, OSBuildNumber: 0x120, ImageSubsystem: 0x128, SessionId: 0x2C0,
  } },
  _RTL_USER_PROCESS_PARAMETERS: { size: 0x440, fields: {
    MaximumLength: 0x0, Length: 0x4, Flags: 0x8, CurrentDirectory: 0x38, ImagePathName: 0x60, CommandLine: 0x70, Environment: 0x80,
  } },
  _PEB_LDR_DATA: { size: 0x58, fields: { Length: 0x0, Initialized: 0x4, InLoadOrderModuleList: 0x10, InMemoryOrderModuleList: 0x20, InInitializationOrderModuleList: 0x30 } },
  _LDR_DATA_TABLE_ENTRY: { size: 0x120, fields: { InLoadOrderLinks: 0x0, DllBase: 0x30, EntryPoint: 0x38, SizeOfImage: 0x40, FullDllName: 0x48, BaseDllName: 0x58 } },
  _TEB: { size: 0x1838, fields: {
    'NtTib.StackBase': 0x8, 'NtTib.StackLimit': 0x10, 'NtTib.Self': 0x30, ClientId: 0x40, ProcessEnvironmentBlock: 0x60, LastErrorValue: 0x68,
  } },
  _ETHREAD: { size: 0x898, fields: { Tcb: 0x0, StartAddress: 0x450, 'Cid.UniqueProcess': 0x478, 'Cid.UniqueThread': 0x480, Win32StartAddress: 0x4D0, ThreadListEntry: 0x4E8 } },
  _KTHREAD: { size: 0x430, fields: {
    StackLimit: 0x30, StackBase: 0x38, Priority: 0xC3, Teb: 0xF0, State: 0x184, Process: 0x220, BasePriority: 0x233, WaitReason: 0x283, SuspendCount: 0x284,
  } },
  _TOKEN: { size: 0x498, fields: {
    TokenId: 0x10, AuthenticationId: 0x18, Privileges: 0x40, SessionId: 0x78, UserAndGroupCount: 0x7C, UserAndGroups: 0x98, TokenType: 0xC0, IntegrityLevelIndex: 0xD0,
  } },
  _EJOB: { size: 0x640, fields: {
    ProcessListHead: 0x28, TotalProcesses: 0xD4, ActiveProcesses: 0xD8, TotalTerminatedProcesses: 0xDC, LimitFlags: 0x100, ActiveProcessLimit: 0x104, ParentJob: 0x430, RootJob: 0x438,
  } },
  // One union of 0x10 bytes: the object pointer bits in the first quadword, the granted access at +8.
  _HANDLE_TABLE: { size: 0x80, fields: { NextHandleNeedingPool: 0x0, TableCode: 0x8, QuotaProcess: 0x10, HandleTableList: 0x18, UniqueProcessId: 0x28 } },
  _HANDLE_TABLE_ENTRY: { size: 0x10, fields: { VolatileLowValue: 0x0, ObjectPointerBits: 0x0, GrantedAccessBits: 0x8, HighValue: 0x8 } },
  'win32k!_W32PROCESS': { size: 0x128, fields: { Process: 0x0, RefCount: 0x8, W32Pid: 0x38 } },
  _DEBUG_OBJECT: { size: 0x68, fields: { EventsPresent: 0x0, Mutex: 0x18, EventList: 0x50, Flags: 0x60 } },
  // winnt.h (documented).
  JOBOBJECT_BASIC_ACCOUNTING_INFORMATION: { size: 0x30, fields: { TotalUserTime: 0x0, TotalKernelTime: 0x8, TotalPageFaultCount: 0x20, TotalProcesses: 0x24, ActiveProcesses: 0x28, TotalTerminatedProcesses: 0x2C } },
  JOBOBJECT_BASIC_LIMIT_INFORMATION: { size: 0x40, fields: { LimitFlags: 0x10, MinimumWorkingSetSize: 0x18, MaximumWorkingSetSize: 0x20, ActiveProcessLimit: 0x28, PriorityClass: 0x38 } },
};

const NOTEPAD = 'C:\\Windows\\System32\\notepad.exe';
const CMD = 'C:\\Windows\\System32\\cmd.exe';
const WINDBG = 'C:\\Program Files\\Windows Kits\\10\\Debuggers\\x64\\windbg.exe';

/** A machine with a GUI process debugged by windbg, in a nested job, with a handle to its job; `run` lets the debuggee's loader finish. */
function machine(run = true): { sys: System; gui: number; guiTid: number; debuggerPid: number; console: number; outer: number; inner: number; jobHandle: number } {
  const sys = createSystem({ boot: true });
  const debuggerPid = sys.createProcess({ imagePath: WINDBG }).pid;
  const k = sys.win32(debuggerPid);
  const info: PROCESS_INFORMATION = { hProcess: 0, hThread: 0, dwProcessId: 0, dwThreadId: 0 };
  expect(k.CreateProcess(NOTEPAD, null, false, DEBUG_ONLY_THIS_PROCESS, null, info), `CreateProcess failed: ${k.GetLastError()}`).toBe(true);
  const outerHandle = k.CreateJobObject(null, 'Outer');
  const innerHandle = k.CreateJobObject(null, 'Inner');
  expect(k.AssignProcessToJobObject(outerHandle, info.hProcess)).toBe(true);
  expect(k.AssignProcessToJobObject(innerHandle, info.hProcess)).toBe(true);
  expect(k.SetInformationJobObject(innerHandle, JobObjectBasicLimitInformation, { LimitFlags: JOB_OBJECT_LIMIT_ACTIVE_PROCESS, ActiveProcessLimit: 3 })).toBe(true);
  const jobs = sys.queryJobs();
  const outer = jobs.find((j) => j.name?.endsWith('Outer'))!.jobId;
  const inner = jobs.find((j) => j.name?.endsWith('Inner'))!.jobId;
  const console = sys.createProcess({ imagePath: CMD }).pid;
  // The debug loop: every event continued until the queue is empty, so the loader reaches the entry point.
  for (let i = 0; run && i < 100; i++) {
    const e: Partial<DEBUG_EVENT> = {};
    if (!k.WaitForDebugEvent(e, 0)) break;
    expect(k.ContinueDebugEvent(e.dwProcessId!, e.dwThreadId!, DBG_CONTINUE)).toBe(true);
  }
  return { sys, gui: info.dwProcessId, guiTid: info.dwThreadId, debuggerPid, console, outer, inner, jobHandle: innerHandle };
}

function layout(sys: System, ref: ObjectRef): ObjectLayout {
  const l = describeObject(sys, ref);
  expect(l, `no layout for ${JSON.stringify(ref)}`).toBeDefined();
  return l!;
}

const field = (l: ObjectLayout, name: string) => {
  const f = l.fields.find((x) => x.name === name);
  expect(f, `${l.typeName} has no field ${name}`).toBeDefined();
  return f!;
};

describe('dt layouts match the Windows 10 x64 (19041-19045) layouts', () => {
  it('prints every offset and size as the reference has it, for every kind of object', () => {
    const m = machine();
    const { sys } = m;
    const refs: ObjectRef[] = [
      { kind: 'EPROCESS', pid: m.gui }, { kind: 'KPROCESS', pid: m.gui }, { kind: 'PEB', pid: m.gui }, { kind: 'RTL_USER_PROCESS_PARAMETERS', pid: m.gui },
      { kind: 'PEB_LDR_DATA', pid: m.gui }, { kind: 'LDR_DATA_TABLE_ENTRY', pid: m.gui, index: 1 }, { kind: 'TOKEN', pid: m.gui },
      { kind: 'ETHREAD', tid: m.guiTid }, { kind: 'KTHREAD', tid: m.guiTid }, { kind: 'TEB', tid: m.guiTid },
      { kind: 'EJOB', jobId: m.inner }, { kind: 'JOBOBJECT_BASIC_ACCOUNTING_INFORMATION', jobId: m.inner }, { kind: 'JOBOBJECT_BASIC_LIMIT_INFORMATION', jobId: m.inner },
      { kind: 'HANDLE_TABLE_ENTRY', pid: m.debuggerPid, handle: m.jobHandle }, { kind: 'W32PROCESS', pid: m.gui },
      { kind: 'DEBUG_OBJECT', objectId: machineOf(sys).ps.state(machineOf(sys).ps.live(m.gui)).debugObjectId },
      { kind: 'HANDLE_TABLE', pid: m.debuggerPid }, { kind: 'CID_TABLE' },
    ];
    const seen = new Set<string>();
    for (const ref of refs) {
      const l = layout(sys, ref);
      const expected = REFERENCE[l.typeName];
      expect(expected, `no reference for ${l.typeName}`).toBeDefined();
      expect(l.size, `sizeof(${l.typeName})`).toBe(expected!.size);
      for (const f of l.fields) {
        if (f.offset < 0) continue; // a simulation link, not a field
        expect(expected!.fields[f.name], `${l.typeName}.${f.name} is not in the reference`).toBeDefined();
        expect(f.offset, `${l.typeName}.${f.name}`).toBe(expected!.fields[f.name]);
        expect(f.offset, `${l.typeName}.${f.name} lies outside the structure`).toBeLessThan(l.size);
      }
      seen.add(l.typeName);
    }
    expect([...seen].sort()).toEqual(Object.keys(REFERENCE).sort());
  });

  it('agrees with the bytes in the simulated PEB, process parameters and TEB', () => {
    const { sys, gui, guiTid } = machine();
    const read64 = (va: bigint): bigint => new DataView(machineOf(sys).readMemory(gui, Number(va), 8).buffer).getBigUint64(0, true);
    const read32 = (va: bigint): number => new DataView(machineOf(sys).readMemory(gui, Number(va), 4).buffer).getUint32(0, true);
    const peb = layout(sys, { kind: 'PEB', pid: gui });
    const at = (l: ObjectLayout, name: string): bigint => l.address + BigInt(field(l, name).offset);
    expect(machineOf(sys).readMemory(gui, Number(at(peb, 'BeingDebugged')), 1)[0]).toBe(field(peb, 'BeingDebugged').value);
    for (const name of ['ImageBaseAddress', 'Ldr', 'ProcessParameters', 'ProcessHeap']) expect(read64(at(peb, name)), name).toBe(field(peb, name).value);
    for (const name of ['NumberOfProcessors', 'OSMajorVersion', 'ImageSubsystem', 'SessionId']) expect(read32(at(peb, name)), name).toBe(field(peb, name).value);
    expect(read32(at(peb, 'OSBuildNumber')) & 0xFFFF).toBe(field(peb, 'OSBuildNumber').value);
    expect(field(peb, 'BeingDebugged').value).toBe(1);

    const params = layout(sys, { kind: 'RTL_USER_PROCESS_PARAMETERS', pid: gui });
    expect(read64(at(peb, 'ProcessParameters'))).toBe(params.address);
    expect(read32(at(params, 'Length'))).toBe(field(params, 'Length').value);
    expect(read64(at(params, 'Environment'))).toBe(field(params, 'Environment').value);
    // CommandLine is a UNICODE_STRING: Length, MaximumLength, then the buffer pointer at +8.
    const cmdLength = read32(at(params, 'CommandLine')) & 0xFFFF;
    const cmd = machineOf(sys).readMemory(gui, Number(read64(at(params, 'CommandLine') + 8n)), cmdLength);
    expect(`"${new TextDecoder('utf-16le').decode(cmd)}"`).toBe(field(params, 'CommandLine').value);
    const env = new TextDecoder('utf-16le').decode(machineOf(sys).readMemory(gui, Number(field(params, 'Environment').value), 64));
    expect(env).toMatch(/^ALLUSERSPROFILE=/);

    const teb = layout(sys, { kind: 'TEB', tid: guiTid });
    expect(read64(at(teb, 'NtTib.Self'))).toBe(teb.address);
    expect(read64(at(teb, 'NtTib.StackBase'))).toBe(field(teb, 'NtTib.StackBase').value);
    expect(read64(at(teb, 'ProcessEnvironmentBlock'))).toBe(peb.address);
    expect(read64(at(teb, 'ClientId'))).toBe(BigInt(gui));
    expect(read64(at(teb, 'ClientId') + 8n)).toBe(BigInt(guiTid));
  });

  it('has the loader lists in memory: PEB.Ldr -> PEB_LDR_DATA -> LDR_DATA_TABLE_ENTRYs, as the layouts print them', () => {
    const { sys, gui } = machine();
    const read64 = (va: bigint): bigint => new DataView(machineOf(sys).readMemory(gui, Number(va), 8).buffer).getBigUint64(0, true);
    const read16 = (va: bigint): number => new DataView(machineOf(sys).readMemory(gui, Number(va), 2).buffer).getUint16(0, true);
    const unicode = (va: bigint): string => new TextDecoder('utf-16le').decode(machineOf(sys).readMemory(gui, Number(read64(va + 8n)), read16(va)));
    const peb = layout(sys, { kind: 'PEB', pid: gui });
    const ldr = read64(peb.address + BigInt(field(peb, 'Ldr').offset));
    const ldrLayout = layout(sys, { kind: 'PEB_LDR_DATA', pid: gui });
    expect(ldr).toBe(ldrLayout.address);
    expect(new DataView(machineOf(sys).readMemory(gui, Number(ldr), 4).buffer).getUint32(0, true)).toBe(0x58);
    // PEB_LDR_DATA is ntdll!PebLdr, in ntdll's image (its .data page now this process's own copy); the entries are in the heap.
    const ntdll = layout(sys, { kind: 'LDR_DATA_TABLE_ENTRY', pid: gui, index: 1 });
    const ntdllBase = field(ntdll, 'DllBase').value as bigint;
    expect(ldr > ntdllBase && ldr < ntdllBase + BigInt(field(ntdll, 'SizeOfImage').value as number)).toBe(true);
    const heap = read64(peb.address + BigInt(field(peb, 'ProcessHeap').offset));
    expect(ntdll.address > heap && ntdll.address < heap + 0x100000n).toBe(true);
    expect(sys.getSteps(0, sys.stepCount).some((st) => st.routine === 'MiCopyOnWrite' && st.args.pid === gui)).toBe(true);
    const modules = ldrLayout.fields.filter((f) => f.name.startsWith('['));
    expect(modules.length).toBeGreaterThan(3);
    // Walk each list forwards from its head until it comes back to the head.
    const walk = (listOffset: number): bigint[] => {
      const headAddress = ldr + BigInt(listOffset);
      const seen: bigint[] = [];
      for (let at = read64(headAddress); at !== headAddress && seen.length < 200; at = read64(at)) seen.push(at - BigInt(listOffset - 0x10));
      return seen;
    };
    const inLoadOrder = walk(0x10);
    expect(inLoadOrder.length).toBe(modules.length);
    expect(walk(0x20)).toEqual(inLoadOrder);
    expect(walk(0x30)).toEqual(inLoadOrder.slice(1)); // the image is not initialized as a DLL
    inLoadOrder.forEach((entry, i) => {
      const described = layout(sys, modules[i]!.ref!);
      expect(entry).toBe(described.address);
      expect(read64(entry + 0x30n)).toBe(field(described, 'DllBase').value);
      expect(`"${unicode(entry + 0x58n)}"`).toBe(field(described, 'BaseDllName').value);
      expect(`"${unicode(entry + 0x48n)}"`).toBe(field(described, 'FullDllName').value);
      // Blink of the next entry comes back here.
      const next = read64(entry);
      expect(read64(next + 8n)).toBe(entry);
    });
    expect(unicode(inLoadOrder[1]! + 0x58n).toLowerCase()).toBe('ntdll.dll');
  });

  it('shows the calling thread\'s last error in TEB.LastErrorValue, and a 14-character ImageFileName', () => {
    const { sys, gui, guiTid } = machine();
    const k = sys.win32(gui);
    expect(k.OpenProcess(PROCESS_QUERY_INFORMATION, false, 999_999)).toBe(0);
    const error = k.GetLastError();
    expect(error).not.toBe(0);
    expect(field(layout(sys, { kind: 'TEB', tid: guiTid }), 'LastErrorValue').value).toBe(error);
    expect(field(layout(sys, { kind: 'EPROCESS', pid: gui }), 'ImageFileName').value).toBe('"notepad.exe"');
    // A user's image with a long name: EPROCESS keeps its first 14 characters.
    const notepad = machineOf(sys).ps.ctx.fs.getFile('C:\\Windows\\System32\\notepad.exe')!;
    sys.psCall({ call: 'createFile', path: 'C:\\Tools\\SearchProtocolHost.exe', data: notepad.data });
    const long = sys.createProcess({ imagePath: 'C:\\Tools\\SearchProtocolHost.exe' }).pid;
    expect(field(layout(sys, { kind: 'EPROCESS', pid: long }), 'ImageFileName').value).toBe('"SearchProtocol"');
  });

  it('links EPROCESS.Win32Process to a W32PROCESS for a GUI program only, and back', () => {
    const { sys, gui, console } = machine();
    const ep = layout(sys, { kind: 'EPROCESS', pid: gui });
    const w32 = field(ep, 'Win32Process');
    expect(w32.ref).toEqual({ kind: 'W32PROCESS', pid: gui });
    const w = layout(sys, w32.ref!);
    expect(w.address).toBe(w32.value);
    expect(field(w, 'Process')).toMatchObject({ value: ep.address, ref: { kind: 'EPROCESS', pid: gui } });
    expect(field(w, 'W32Pid').value).toBe(gui);
    // cmd.exe is a console program: win32k never sees it.
    const cp = layout(sys, { kind: 'EPROCESS', pid: console });
    expect(field(cp, 'Win32Process')).toMatchObject({ value: 0n, ref: undefined });
    expect(describeObject(sys, { kind: 'W32PROCESS', pid: console })).toBeUndefined();
  });

  it('links EPROCESS.DebugPort to the debugger\'s DEBUG_OBJECT, which lists its queued events', () => {
    const { sys, gui, debuggerPid } = machine(false);
    const port = field(layout(sys, { kind: 'EPROCESS', pid: gui }), 'DebugPort');
    expect(port.ref?.kind).toBe('DEBUG_OBJECT');
    const d = layout(sys, port.ref!);
    expect(d.address).toBe(port.value);
    expect(field(d, '(debugger)').ref).toEqual({ kind: 'EPROCESS', pid: debuggerPid });
    expect(d.fields.filter((f) => f.name === '(debuggee)').map((f) => f.ref)).toEqual([{ kind: 'EPROCESS', pid: gui }]);
    // Nothing has been waited for yet: CREATE_PROCESS and the rest are queued, the event is signaled.
    expect(String(field(d, 'EventsPresent').value)).toMatch(/^signaled/);
    expect(String(field(d, '[0]').value)).toMatch(/^CREATE_PROCESS pid/);
    expect(field(d, 'Flags').value).toContain('KILL_ON_CLOSE');
    // The debugger's handle to it leads to the same object.
    const k = sys.win32(debuggerPid);
    expect(k.DebugActiveProcessStop(gui)).toBe(true);
    expect(field(layout(sys, { kind: 'EPROCESS', pid: gui }), 'DebugPort')).toMatchObject({ value: 0n, ref: undefined });
  });

  it('shows an EJOB\'s parent, root and accounting at their offsets', () => {
    const { sys, gui, outer, inner } = machine();
    const j = layout(sys, { kind: 'EJOB', jobId: inner });
    const o = layout(sys, { kind: 'EJOB', jobId: outer });
    expect(field(j, 'ParentJob')).toMatchObject({ value: o.address, ref: { kind: 'EJOB', jobId: outer } });
    expect(field(j, 'RootJob')).toMatchObject({ value: o.address, ref: { kind: 'EJOB', jobId: outer } });
    expect(field(o, 'RootJob').value).toBe(o.address);
    expect(field(o, 'ParentJob').value).toBe(0n);
    expect(field(j, 'ActiveProcesses').value).toBe(1);
    expect(field(j, 'ActiveProcessLimit').value).toBe(3);
    expect(field(j, 'LimitFlags').value).toBe(JOB_OBJECT_LIMIT_ACTIVE_PROCESS);
    expect(field(layout(sys, { kind: 'EPROCESS', pid: gui }), 'Job').ref).toEqual({ kind: 'EJOB', jobId: inner });
  });

  it('lists every live process and thread id in PspCidTable, each leading to its object', () => {
    const { sys, gui, guiTid, debuggerPid, jobHandle } = machine();
    const cid = layout(sys, { kind: 'CID_TABLE' });
    const entries = cid.fields.filter((f) => f.offset < 0 && f.name.startsWith('['));
    const threads = sys.processIds.flatMap((p) => sys.queryProcess(p)!.threads.map((t) => t.tid));
    // The Idle process (pid 0) has no entry: PspCidTable never names it.
    expect(entries.length).toBe(sys.processIds.filter((p) => p !== 0).length + threads.length);
    expect(entries.find((f) => f.name === `[0x${gui.toString(16)}]`)?.ref).toEqual({ kind: 'EPROCESS', pid: gui });
    expect(entries.find((f) => f.name === `[0x${guiTid.toString(16)}]`)?.ref).toEqual({ kind: 'ETHREAD', tid: guiTid });
    expect(field(layout(sys, { kind: 'EPROCESS', pid: gui }), 'UniqueProcessId').ref).toEqual({ kind: 'CID_TABLE' });
    // A process's own handle table: its handles, each leading to its HANDLE_TABLE_ENTRY; EPROCESS.ObjectTable points at it.
    const table = layout(sys, { kind: 'HANDLE_TABLE', pid: debuggerPid });
    expect(field(layout(sys, { kind: 'EPROCESS', pid: debuggerPid }), 'ObjectTable')).toMatchObject({ value: table.address, ref: { kind: 'HANDLE_TABLE', pid: debuggerPid } });
    const handles = sys.queryHandles(debuggerPid);
    expect(field(table, '(handles)').value).toBe(handles.length);
    expect(field(table, `[0x${jobHandle.toString(16)}]`)).toMatchObject({ ref: { kind: 'HANDLE_TABLE_ENTRY', pid: debuggerPid, handle: jobHandle } });
    expect(String(field(table, `[0x${jobHandle.toString(16)}]`).value)).toMatch(/^Job 0x/);
    expect(field(table, 'QuotaProcess').ref).toEqual({ kind: 'EPROCESS', pid: debuggerPid });
    expect(field(table, 'NextHandleNeedingPool').value).toBe(0x400);
  });
});
