/**
 * CreateProcess, stage by stage (Windows Internals 7e, ch. 3 "Flow of CreateProcess"): each stage is a
 * recorded step with the real routine name, and its changes name the objects it made.
 */
import { describe, expect, it } from 'vitest';
import {
  CREATE_SUSPENDED, createSystem, describeObject, MEM_IMAGE, NORMAL_PRIORITY_CLASS, verifyIntegrity, type Step,
} from '../../src/engine';

const NOTEPAD = 'C:\\Windows\\System32\\notepad.exe';

function created(flags = 0) {
  const sys = createSystem({ boot: true, physicalMemoryMB: 64, pageFileMB: 64 });
  const from = sys.stepCount;
  const { pid, tid } = sys.createProcess({ imagePath: NOTEPAD, creationFlags: flags });
  const steps = sys.getSteps(from, sys.stepCount).filter((s) => s.kind === 'processCreation');
  return { sys, pid, tid, steps };
}

const byCode = (steps: Step[], code: string): Step => {
  const s = steps.find((x) => x.code === code);
  if (!s) throw new Error(`no ${code} step`);
  return s;
};

describe('the stages of CreateProcess', () => {
  it('runs 1, 2, 3A-3F, 4, 5, 6, 7 in order with the real routine names', () => {
    const { steps } = created();
    const stages = [...new Set(steps.map((s) => s.stage))];
    expect(stages).toEqual(['1', '2', '3A', '3B', '3C', '3D', '3E', '3F', '4', '5', '6', '7']);
    const routines = steps.map((s) => s.routine);
    for (const r of ['CreateProcessInternalW', 'RtlCreateProcessParametersEx', 'NtCreateUserProcess', 'MmCreateSection', 'PspAllocateProcess', 'MmCreateProcessAddressSpace',
      'KeInitializeProcess', 'MmInitializeProcessAddressSpace', 'MmCreatePeb', 'PspInsertProcess', 'PspAllocateThread', 'MmCreateTeb', 'RtlCreateUserStack',
      'KeInitThread', 'PspInsertThread', 'CsrClientCallServer', 'LdrInitializeThunk', 'RtlCreateHeap', 'LdrpLoadDll', 'W32pProcessCallout', 'RtlUserThreadStart']) {
      expect(routines, r).toContain(r);
    }
  });

  it('each step names what it created', () => {
    const { pid, tid, steps } = created();
    expect(byCode(steps, 'create.allocateProcess').changes).toContainEqual({ type: 'process', pid });
    expect(byCode(steps, 'create.addressSpace').changes.some((c) => c.type === 'pfn')).toBe(true);
    expect(byCode(steps, 'create.peb').changes.some((c) => c.type === 'vad' && c.pid === pid)).toBe(true);
    expect(byCode(steps, 'create.insertThread').changes).toContainEqual({ type: 'thread', id: tid });
    expect(byCode(steps, 'create.openImage').changes.some((c) => c.type === 'file')).toBe(true);
    for (const s of steps) expect(s.changes.length, s.code).toBeGreaterThan(0);
  });

  it('3A: the EPROCESS at a kernel address with the parent (explorer) and the default priority class', () => {
    const { sys, pid, steps } = created();
    const a = byCode(steps, 'create.allocateProcess');
    expect(a.args.pid).toBe(pid);
    expect((a.args.eprocess as bigint) >> 47n).toBe(0x1FFFFn);
    const explorer = sys.processIds.find((p) => sys.queryProcess(p)!.imageFileName === 'explorer.exe');
    expect(a.args.parentPid).toBe(explorer);
    expect(byCode(steps, 'create.validate').args.priorityClass).toBe(NORMAL_PRIORITY_CLASS);
    expect(byCode(steps, 'create.kprocess').args.basePriority).toBe(8);
  });

  it('3B-3D: a PML4 with its self-map, then the image and ntdll mapped as image views at this boot\'s bases', () => {
    const { sys, pid, steps } = created();
    const q = sys.queryProcess(pid)!;
    expect(byCode(steps, 'create.addressSpace').args.directoryTableBase).toBe(q.directoryTableBase);
    const map = byCode(steps, 'create.mapImage');
    expect(map.args.mapped).toBe(true);
    const image = sys.win32(pid).VirtualQuery(map.args.imageBase as bigint)!;
    expect(image.Type).toBe(MEM_IMAGE);
    expect(image.AllocationBase).toBe(map.args.imageBase);
    expect(sys.win32(pid).VirtualQuery(map.args.ntdllBase as bigint)!.Type).toBe(MEM_IMAGE);
    // ntdll is at the same address in every process (one base per boot).
    const other = sys.createProcess({ imagePath: 'C:\\Windows\\System32\\calc.exe' });
    const otherMap = sys.getSteps(0, sys.stepCount).filter((s) => s.code === 'create.mapImage' && s.args.pid === other.pid)[0]!;
    expect(otherMap.args.ntdllBase).toBe(map.args.ntdllBase);
  });

  it('3E: the PEB holds ImageBaseAddress, ProcessParameters (with the command line) and, after stage 7, Ldr and ProcessHeap', () => {
    const { sys, pid, steps } = created();
    const k = sys.win32(pid);
    const peb = byCode(steps, 'create.peb').args.peb as bigint;
    const view = new DataView(k.ReadMemory(peb, 0x40).buffer);
    expect(view.getBigUint64(0x10, true)).toBe(byCode(steps, 'create.mapImage').args.imageBase);
    const params = view.getBigUint64(0x20, true);
    expect(params).toBe(byCode(steps, 'create.processParameters').args.address);
    expect(view.getBigUint64(0x18, true)).not.toBe(0n); // Ldr
    expect(view.getBigUint64(0x30, true)).toBe(byCode(steps, 'create.heap').args.heap);
    // RTL_USER_PROCESS_PARAMETERS.CommandLine (UNICODE_STRING at 0x70) points at the UTF-16 text.
    const pv = new DataView(k.ReadMemory(params, 0x80).buffer);
    const len = pv.getUint16(0x70, true);
    const text = new TextDecoder('utf-16le').decode(k.ReadMemory(pv.getBigUint64(0x78, true), len));
    expect(text).toBe(`"${NOTEPAD}"`);
    // The heap segment signature.
    expect(new DataView(k.ReadMemory(view.getBigUint64(0x30, true) + 0x10n, 4).buffer).getUint32(0, true)).toBe(0xFFEEFFEE);
  });

  it('4: the TEB points at the PEB and the stack; the thread starts at RtlUserThreadStart with the entry point in Rcx', () => {
    const { sys, pid, tid, steps } = created();
    const teb = byCode(steps, 'create.teb').args.teb as bigint;
    const v = new DataView(sys.win32(pid).ReadMemory(teb, 0x70).buffer);
    expect(v.getBigUint64(0x60, true)).toBe(byCode(steps, 'create.peb').args.peb);
    expect(v.getBigUint64(0x48, true)).toBe(BigInt(tid));
    expect(v.getBigUint64(0x8, true)).toBe(byCode(steps, 'create.stack').args.stackBase);
    expect(byCode(steps, 'create.context').args.rcx).toBe(byCode(steps, 'create.entryPoint').args.entryPoint);
  });

  it('5-7: CSRSS of the session gets a CSR_PROCESS; the loader maps the static imports; the GUI thread ends up waiting for input', () => {
    const { sys, pid, tid, steps } = created();
    const csr = byCode(steps, 'create.csr');
    const csrss = sys.processIds.filter((p) => sys.queryProcess(p)!.imageFileName === 'csrss.exe' && sys.queryProcess(p)!.sessionId === 1);
    expect(csr.args.csrssPid).toBe(csrss[0]);
    expect(csr.args.csrProcess).not.toBe(0n);
    const dlls = steps.filter((s) => s.code === 'create.loadDll').map((s) => (s.args.dll as string).toLowerCase());
    // ntdll is mapped by the kernel in 3D (PspMapSystemDll; Windows Internals 7e ch. 3 stage 3D: "Ntdll.dll is mapped
    // into the process"), not loaded by LdrpLoadDll.
    expect(dlls).not.toContain('ntdll.dll');
    expect(byCode(steps, 'create.mapSystemDll').stage).toBe('3D');
    expect(byCode(steps, 'create.mapSystemDll').args.dll).toBe('C:\\Windows\\System32\\ntdll.dll');
    for (const d of ['kernel32.dll', 'kernelbase.dll', 'user32.dll', 'gdi32.dll']) expect(dlls).toContain(d);
    expect(steps.filter((s) => s.code === 'create.loadDll').every((s) => s.args.mapped === true)).toBe(true);
    const thread = sys.queryProcess(pid)!.threads.find((t) => t.tid === tid)!;
    expect(thread.state).toBe('Waiting');
    expect(verifyIntegrity(sys)).toEqual([]);
  });

  it('CREATE_SUSPENDED stops after stage 6; ResumeThread runs stage 7', () => {
    const { sys, pid, tid, steps } = created(CREATE_SUSPENDED);
    expect(steps.some((s) => s.stage === '7')).toBe(false);
    expect(byCode(steps, 'create.start').args.suspended).toBe(true);
    expect(sys.queryProcess(pid)!.threads[0]!.state).toBe('Initialized');
    const from = sys.stepCount;
    expect(sys.psCall({ call: 'resumeTid', tid })).toBe(1);
    const later = sys.getSteps(from, sys.stepCount);
    expect(later.some((s) => s.code === 'create.loaderInit' && s.stage === '7')).toBe(true);
    expect(sys.queryProcess(pid)!.threads[0]!.state).toBe('Waiting');
  });

  it('is deterministic: the same seed gives the same pids, addresses and steps', () => {
    const a = created();
    const b = created();
    expect(b.pid).toBe(a.pid);
    expect(b.steps.map((s) => [s.code, s.args])).toEqual(a.steps.map((s) => [s.code, s.args]));
  });

  it('replays: the state at the last step of the creation equals the present', () => {
    const { sys, pid } = created();
    const past = sys.stateAt(sys.stepCount - 1);
    expect(past.queryProcess(pid)).toEqual(sys.queryProcess(pid));
    expect(past.queryVads(pid)).toEqual(sys.queryVads(pid));
    expect(verifyIntegrity(past)).toEqual([]);
  });
});

describe('dt-style layouts', () => {
  it('EPROCESS with Windows 10 22H2 offsets, leading to KPROCESS, PEB, TOKEN', () => {
    const { sys, pid } = created();
    const e = describeObject(sys, { kind: 'EPROCESS', pid })!;
    expect(e.typeName).toBe('_EPROCESS');
    expect(e.address).toBe(sys.queryProcess(pid)!.eprocess);
    const f = (name: string) => e.fields.find((x) => x.name === name)!;
    expect(f('UniqueProcessId')).toMatchObject({ offset: 0x440, value: BigInt(pid) });
    expect(f('Peb')).toMatchObject({ offset: 0x550, value: sys.queryProcess(pid)!.peb });
    expect(f('ImageFileName')).toMatchObject({ offset: 0x5A8, value: '"notepad.exe"' });
    expect(f('Token').offset).toBe(0x4B8);
    expect(f('InheritedFromUniqueProcessId').offset).toBe(0x540);
    const k = describeObject(sys, f('Pcb').ref!)!;
    expect(k.fields.find((x) => x.name === 'DirectoryTableBase')).toMatchObject({ offset: 0x28, value: BigInt(sys.queryProcess(pid)!.directoryTableBase) * 4096n });
    const peb = describeObject(sys, f('Peb').ref!)!;
    expect(peb.fields.find((x) => x.name === 'ProcessParameters')!.offset).toBe(0x20);
    const params = describeObject(sys, peb.fields.find((x) => x.name === 'ProcessParameters')!.ref!)!;
    expect(params.fields.find((x) => x.name === 'CommandLine')!.value).toContain('notepad.exe');
    const ldr = describeObject(sys, peb.fields.find((x) => x.name === 'Ldr')!.ref!)!;
    const first = describeObject(sys, ldr.fields.find((x) => x.name === '[0]')!.ref!)!;
    expect(first.fields.find((x) => x.name === 'BaseDllName')!.value).toBe('"notepad.exe"');
    const token = describeObject(sys, f('Token').ref!)!;
    expect(token.fields.find((x) => x.name === 'IntegrityLevelIndex')!.value).toContain('Medium');
    expect(token.fields.find((x) => x.name === 'SessionId')).toMatchObject({ offset: 0x78, value: 1 });
  });

  it('ETHREAD -> KTHREAD -> TEB, with the CID and thread state', () => {
    const { sys, pid, tid } = created();
    const e = describeObject(sys, { kind: 'ETHREAD', tid })!;
    expect(e.fields.find((x) => x.name === 'Cid.UniqueThread')).toMatchObject({ offset: 0x480, value: BigInt(tid) });
    const k = describeObject(sys, e.fields[0]!.ref!)!;
    expect(k.fields.find((x) => x.name === 'State')!.value).toBe('5 (Waiting)');
    const teb = describeObject(sys, k.fields.find((x) => x.name === 'Teb')!.ref!)!;
    expect(teb.fields.find((x) => x.name === 'ClientId')!.value).toBe(`${pid}.${tid}`);
    expect(describeObject(sys, { kind: 'ETHREAD', tid: 1 })).toBeUndefined();
    expect(describeObject(sys, { kind: 'EPROCESS', pid: 3 })).toBeUndefined();
  });
});
