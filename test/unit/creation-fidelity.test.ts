/**
 * Process creation and boot told as Windows does them (issue 14, items 4-11 and 14). Each expectation names
 * its source: Windows Internals 7e (ch. 2 "System processes", ch. 3 "Flow of CreateProcess", ch. 4, ch. 5
 * "System threads", Part 2 ch. 8 "WoW64" and ch. 12 "Smss, Csrss, and Wininit"), Microsoft Learn (System
 * Error Codes, RtlNtStatusToDosError) and the public symbols (callers of MmCreatePeb, MmCreateTeb,
 * PspCallProcessNotifyRoutines, PspMapSystemDll, PsCreateMinimalProcess, RtlCreateUserProcess).
 */
import { describe, expect, it } from 'vitest';
import {
  buildImage, createSystem, ERROR_ACCESS_DENIED, ERROR_CHILD_NOT_COMPLETE, ERROR_EXE_MACHINE_TYPE_MISMATCH, MEM_IMAGE,
  type PROCESS_INFORMATION, verifyIntegrity, Win32Error, type Step, type System,
} from '../../src/engine';
import { IMAGE_FILE_MACHINE_ARM64, IMAGE_FILE_MACHINE_I386, IMAGE_SUBSYSTEM_NATIVE, IMAGE_SUBSYSTEM_POSIX_CUI, IMAGE_SUBSYSTEM_WINDOWS_CUI, SCN_TEXT } from '../../src/engine/io/pe';
import { machineOf } from '../../src/engine/testing';

const machine = (): System => createSystem({ physicalMemoryMB: 64, pageFileMB: 64 });
const steps = (sys: System, from = 0): Step[] => sys.getSteps(from, sys.stepCount);
const explorerOf = (sys: System): number => sys.processIds.find((p) => sys.queryProcess(p)!.imageFileName === 'explorer.exe')!;

function failsWith(code: number, fn: () => unknown): void {
  try { fn(); } catch (e) {
    expect(e).toBeInstanceOf(Win32Error);
    expect((e as Win32Error).code).toBe(code);
    return;
  }
  throw new Error(`expected Win32 error ${code}`);
}

/** A one-section image file on the simulated volume. */
function image(sys: System, path: string, o: { machine?: number; subsystem?: number; imports?: string[] }): void {
  const i386 = o.machine === IMAGE_FILE_MACHINE_I386;
  const bytes = buildImage({
    machine: o.machine, imageBase: i386 ? 0x400000n : 0x140000000n, entryPointRva: 0x1000, subsystem: o.subsystem ?? IMAGE_SUBSYSTEM_WINDOWS_CUI,
    sections: [{ name: '.text', virtualSize: 0x800, characteristics: SCN_TEXT }], imports: o.imports ?? (i386 ? [] : ['KERNEL32.dll']),
  });
  sys.psCall({ call: 'createFile', path, data: bytes });
}

/** The steps of the creation of each boot process, by pid (from its stage-1 step to the next stage-1 step). */
function creationSteps(all: Step[], pid: number): Step[] {
  const at = all.findIndex((s) => s.code === 'create.allocateProcess' && s.args.pid === pid);
  let start = at;
  while (start > 0 && all[start - 1]!.stage !== undefined && all[start]!.code !== 'create.native' && all[start]!.code !== 'create.validate') start--;
  let end = at + 1;
  while (end < all.length && all[end]!.code !== 'create.native' && all[end]!.code !== 'create.validate' && all[end]!.code !== 'create.asUser') end++;
  return all.slice(start, end);
}

describe('boot (Windows Internals 7e ch. 2 "System processes"; Part 2 ch. 12)', () => {
  it('tells Idle, System and its threads, Registry (a minimal process), then smss started by the kernel', () => {
    const sys = machine();
    const all = steps(sys);
    const codes = all.map((s) => s.code);
    expect(codes.filter((c) => c.startsWith('process.')).slice(0, 2)).toEqual(['process.idle', 'process.system']);
    expect(codes.indexOf('process.idle')).toBeLessThan(codes.indexOf('process.system'));
    const registry = all.find((s) => s.code === 'process.registry')!;
    // CmpInitializeRegistryProcess -> PsCreateMinimalProcess (public symbols); not "PspInitPhase0 creates the System process".
    expect(registry.routine).toBe('PsCreateMinimalProcess');
    expect(sys.queryProcess(registry.args.pid as number)!.imageFileName).toBe('Registry');
    expect(all.filter((s) => s.code === 'process.system')).toHaveLength(1);
    // smss: RtlCreateUserProcess by the kernel (its creator is System, pid 4), never CreateProcessInternalW.
    const first = all.find((s) => s.stage === '1')!;
    expect(first.code).toBe('create.native');
    expect(first.routine).toBe('RtlCreateUserProcess');
    expect(first.args).toMatchObject({ creatorPid: 4 });
  });

  it('smss, its session copies, csrss, wininit and winlogon: RtlCreateUserProcess, no kernel32, no CSR call; services, lsass and userinit: CreateProcess with stage 5', () => {
    const sys = machine();
    const all = steps(sys);
    const created = all.filter((s) => s.code === 'create.allocateProcess').map((s) => s.args.pid as number);
    const byImage = new Map<string, Step[][]>();
    for (const pid of created) {
      const img = imageOf(all, pid);
      byImage.set(img, [...(byImage.get(img) ?? []), creationSteps(all, pid)]);
    }
    for (const img of ['smss.exe', 'csrss.exe', 'wininit.exe', 'winlogon.exe']) {
      for (const s of byImage.get(img)!) {
        expect(s.map((x) => x.routine), img).not.toContain('CreateProcessInternalW');
        expect(s.map((x) => x.code), img).toContain('create.native');
        expect(s.map((x) => x.stage), img).not.toContain('5');
      }
    }
    for (const img of ['services.exe', 'lsass.exe', 'userinit.exe']) {
      const s = byImage.get(img)![0]!;
      expect(s.map((x) => x.code), img).toContain('create.validate');
      expect(s.map((x) => x.code), img).toContain('create.csr');
    }
    // The order: smss; smss (session 0) -> csrss, wininit; smss (session 1) -> csrss, winlogon; then wininit's
    // services, lsass and fontdrvhost, services' svchost instances, winlogon's fontdrvhost, dwm and userinit -> explorer.
    expect(created.map((pid) => imageOf(all, pid))).toEqual([
      'smss.exe', 'smss.exe', 'csrss.exe', 'wininit.exe', 'smss.exe', 'csrss.exe', 'winlogon.exe',
      'services.exe', 'lsass.exe', 'fontdrvhost.exe', 'svchost.exe', 'svchost.exe', 'svchost.exe', 'svchost.exe',
      'fontdrvhost.exe', 'dwm.exe', 'userinit.exe', 'explorer.exe',
    ]);
    expect(verifyIntegrity(sys)).toEqual([]);
  });

  it('base priorities: smss 11; csrss, wininit, winlogon 13; services, lsass 9; the memory manager threads at theirs (ch. 5 "System threads")', () => {
    const sys = machine();
    const base = new Map<string, number[]>();
    for (const pid of sys.processIds) {
      const p = machineOf(sys).ps.live(pid);
      if (!p.ps) continue;
      const name = p.imageFileName.toLowerCase();
      base.set(name, [...(base.get(name) ?? []), machineOf(sys).ps.state(p).basePriority]);
    }
    expect(base.get('smss.exe')).toEqual([11]);
    expect(base.get('csrss.exe')).toEqual([13, 13]);
    expect(base.get('wininit.exe')).toEqual([13]);
    expect(base.get('winlogon.exe')).toEqual([13]);
    expect(base.get('services.exe')).toEqual([9]);
    expect(base.get('lsass.exe')).toEqual([9]);
    expect(base.get('explorer.exe')).toEqual([8]);
    const system = machineOf(sys).ps.live(4);
    const threadSteps = steps(sys).filter((s) => s.code === 'thread.system');
    const priorityOf = (routine: string): number => {
      const tid = threadSteps.find((s) => s.args.name === routine)!.args.tid as number;
      const t = system.threads.find((x) => x.tid === tid)!;
      expect(t.basePriority).toBe(t.priority);
      return t.priority ?? -1;
    };
    expect(priorityOf('KeBalanceSetManager')).toBe(16);
    expect(priorityOf('KeSwapProcessOrStack')).toBe(23);
    expect(priorityOf('MiModifiedPageWriter')).toBe(17);
    expect(priorityOf('MiMappedPageWriter')).toBe(17);
    expect(priorityOf('MiDereferenceSegmentThread')).toBe(18);
    expect(priorityOf('MiZeroPageThread')).toBe(0);
  });

  it('\\KnownDlls: smss creates the directory and keeps a handle; every later process\'s loader opens it (DIRECTORY_QUERY | DIRECTORY_TRAVERSE)', () => {
    const sys = machine();
    const all = steps(sys);
    const create = all.find((s) => s.code === 'ob.createKnownDlls')!;
    expect(create.routine).toBe('SmpInitializeKnownDlls');
    const smss = create.args.pid as number;
    const dir = (pid: number) => sys.queryHandles(pid).filter((h) => h.typeName === 'Directory' && h.name === '\\KnownDlls');
    expect(dir(smss)).toHaveLength(1);
    expect(dir(smss)[0]!.grantedAccess).toBe(0xF000F);
    for (const pid of sys.processIds) {
      const name = sys.queryProcess(pid)!.imageFileName.toLowerCase();
      if (name === 'idle' || name === 'system' || name === 'registry' || name === 'memcompression') { expect(dir(pid), name).toHaveLength(0); continue; }
      if (pid === smss) continue;
      expect(dir(pid), name).toHaveLength(1);
      expect(dir(pid)[0]!.grantedAccess, name).toBe(0x3);
    }
    const from = sys.stepCount;
    const { pid } = sys.createProcess({ imagePath: 'notepad.exe' });
    const open = steps(sys, from).find((s) => s.code === 'create.openKnownDlls')!;
    expect(open).toMatchObject({ stage: '7', routine: 'LdrpInitializeProcess' });
    expect(open.args.handle).toBe(dir(pid)[0]!.handle);
    expect(verifyIntegrity(sys)).toEqual([]);
  });
});

function imageOf(all: Step[], pid: number): string {
  const i = all.findIndex((s) => s.code === 'create.allocateProcess' && s.args.pid === pid);
  for (let k = i; k >= 0; k--) {
    const s = all[k]!;
    if (s.code === 'create.openImage') return String(s.args.image).slice(String(s.args.image).lastIndexOf('\\') + 1).toLowerCase();
  }
  return '';
}

describe('stage 2 image checks (ch. 3 stage 2; Microsoft Learn, System Error Codes)', () => {
  it('a native image started from Win32 is ERROR_CHILD_NOT_COMPLETE (129), so is a POSIX image; nothing is created', () => {
    const sys = machine();
    const before = sys.processCount;
    failsWith(ERROR_CHILD_NOT_COMPLETE, () => sys.createProcess({ imagePath: 'C:\\Windows\\System32\\smss.exe' }));
    image(sys, 'C:\\Lab\\posix.exe', { subsystem: IMAGE_SUBSYSTEM_POSIX_CUI });
    failsWith(ERROR_CHILD_NOT_COMPLETE, () => sys.createProcess({ imagePath: 'C:\\Lab\\posix.exe' }));
    image(sys, 'C:\\Lab\\native.exe', { subsystem: IMAGE_SUBSYSTEM_NATIVE, imports: [] });
    failsWith(ERROR_CHILD_NOT_COMPLETE, () => sys.createProcess({ imagePath: 'C:\\Lab\\native.exe' }));
    expect(sys.processCount).toBe(before);
    expect(ERROR_CHILD_NOT_COMPLETE).toBe(129);
    expect(verifyIntegrity(sys)).toEqual([]);
  });

  it('an ARM64 image on x64 is ERROR_EXE_MACHINE_TYPE_MISMATCH (216); a directory is ERROR_ACCESS_DENIED (5)', () => {
    const sys = machine();
    image(sys, 'C:\\Lab\\arm.exe', { machine: IMAGE_FILE_MACHINE_ARM64 });
    failsWith(ERROR_EXE_MACHINE_TYPE_MISMATCH, () => sys.createProcess({ imagePath: 'C:\\Lab\\arm.exe' }));
    expect(ERROR_EXE_MACHINE_TYPE_MISMATCH).toBe(216);
    failsWith(ERROR_ACCESS_DENIED, () => sys.createProcess({ imagePath: 'C:\\Windows\\System32' }));
    expect(verifyIntegrity(sys)).toEqual([]);
  });

  it('an i386 image runs under WoW64: the 32-bit ntdll mapped beside the native one, a PEB32, a TEB32 after the TEB', () => {
    const sys = machine();
    image(sys, 'C:\\Lab\\app32.exe', { machine: IMAGE_FILE_MACHINE_I386 });
    const from = sys.stepCount;
    const { pid, tid } = sys.createProcess({ imagePath: 'C:\\Lab\\app32.exe' });
    const s = steps(sys, from);
    const dlls = s.filter((x) => x.code === 'create.mapSystemDll' && x.args.pid === pid);
    expect(dlls.map((x) => x.args.dll)).toEqual(['C:\\Windows\\System32\\ntdll.dll', 'C:\\Windows\\SysWOW64\\ntdll.dll']);
    expect(dlls.every((x) => x.stage === '3D' && x.routine === 'PspMapSystemDll')).toBe(true);
    const k = sys.win32(pid);
    const ntdll32 = dlls[1]!.args.base as bigint;
    expect(ntdll32 < 0x80000000n).toBe(true);
    expect(k.VirtualQuery(ntdll32)!.Type).toBe(MEM_IMAGE);
    const map = s.find((x) => x.code === 'create.mapImage')!;
    expect((map.args.imageBase as bigint) < 0x80000000n).toBe(true);
    const peb32 = s.find((x) => x.code === 'create.peb32')!;
    expect(peb32.stage).toBe('3E');
    expect(peb32.args.peb32).not.toBe(sys.queryProcess(pid)!.peb);
    // PEB32.ImageBaseAddress (+0x8, a 32-bit pointer).
    expect(new DataView(k.ReadMemory(peb32.args.peb32 as bigint, 0x10).buffer).getUint32(0x8, true)).toBe(Number(map.args.imageBase));
    const teb = sys.queryProcess(pid)!.threads.find((t) => t.tid === tid)!.teb;
    const teb32 = s.find((x) => x.code === 'create.teb32')!;
    expect(teb32.args.teb32).toBe(teb + 0x2000n);
    expect(k.VirtualQuery(teb + 0x2000n)!.AllocationBase).toBe(teb);
    expect(verifyIntegrity(sys)).toEqual([]);
  });
});

describe('the creation flow (ch. 3 "Flow of CreateProcess"; public symbols)', () => {
  it('stage 2 creates the image section (MmCreateSection, SEC_IMAGE); 3D only maps it', () => {
    const sys = machine();
    image(sys, 'C:\\Lab\\fresh.exe', {});
    const from = sys.stepCount;
    sys.createProcess({ imagePath: 'C:\\Lab\\fresh.exe' });
    const s = steps(sys, from);
    const create = s.find((x) => x.code === 'section.create')!;
    expect(create.stage).toBe('2');
    expect(create.routine).toBe('MmCreateSection');
    expect(s.find((x) => x.code === 'create.imageSection')!.stage).toBe('2');
    expect(s.filter((x) => x.stage === '3D').map((x) => x.code)).not.toContain('section.create');
    expect(s.filter((x) => x.stage === '3D').map((x) => x.code)).toContain('section.mapView');
  });

  it('the PEB, TEB and stack are kernel work: no NtAllocateVirtualMemory steps in 3E or 4', () => {
    const sys = machine();
    const from = sys.stepCount;
    sys.createProcess({ imagePath: 'notepad.exe' });
    const s = steps(sys, from).filter((x) => x.stage === '3E' || x.stage === '4');
    expect(s.map((x) => x.routine)).not.toContain('NtAllocateVirtualMemory');
    expect(s.find((x) => x.code === 'create.peb')!.routine).toBe('MmCreatePeb');
  });

  it('stage 4: PspAllocateThread (TEB, stack, KeInitThread) before PspInsertThread, which calls the process notify routines', () => {
    const sys = machine();
    sys.psCall({ call: 'registerNotify', kind: 'process', name: 'Drv!Notify' });
    const from = sys.stepCount;
    sys.createProcess({ imagePath: 'notepad.exe' });
    // (Writing the new TEB may fault a page in: those are page-fault steps, left out here.)
    const order = steps(sys, from).filter((x) => x.stage === '4' && x.kind !== 'pageFault').map((x) => x.routine);
    expect(order).toEqual(['MmCreateTeb', 'RtlCreateUserStack', 'KeInitThread', 'PspAllocateThread', 'PspInsertThread', 'PspCallProcessNotifyRoutines']);
  });

  it('handle inheritance is 3A (ObInitProcess in PspAllocateProcess), before the address space', () => {
    const sys = machine();
    const parent = sys.createProcess({ imagePath: 'cmd.exe' }).pid;
    const k = sys.win32(parent);
    k.OpenProcess(0x1000, true, explorerOf(sys));
    const from = sys.stepCount;
    const pi: PROCESS_INFORMATION = { hProcess: 0, hThread: 0, dwProcessId: 0, dwThreadId: 0 };
    expect(k.CreateProcess(null, 'notepad.exe', true, 0, null, pi)).toBe(true);
    const s = steps(sys, from);
    const inherit = s.findIndex((x) => x.code === 'create.inheritHandles');
    expect(s[inherit]!.stage).toBe('3A');
    expect(inherit).toBeLessThan(s.findIndex((x) => x.code === 'create.addressSpace'));
  });

  it('stage 6 is NtResumeThread; stage 7 enters the program through RtlUserThreadStart -> BaseThreadInitThunk', () => {
    const sys = machine();
    const from = sys.stepCount;
    sys.createProcess({ imagePath: 'notepad.exe' });
    const s = steps(sys, from);
    expect(s.find((x) => x.code === 'create.start')!.routine).toBe('NtResumeThread');
    const entry = s.findIndex((x) => x.code === 'create.entryPoint');
    expect(s[entry]!.routine).toBe('RtlUserThreadStart');
    expect(s[entry + 1]!.routine).toBe('BaseThreadInitThunk');
    expect(s[entry + 1]!.args.entryPoint).toBe(s[entry]!.args.entryPoint);
  });

  it('W32PROCESS comes with the first call into win32k: a console program that loads USER32 gets one, cmd.exe none', () => {
    const sys = machine();
    image(sys, 'C:\\Lab\\conuser.exe', { imports: ['KERNEL32.dll', 'USER32.dll'] });
    const from = sys.stepCount;
    const withUser = sys.createProcess({ imagePath: 'C:\\Lab\\conuser.exe' }).pid;
    expect(steps(sys, from).some((x) => x.code === 'create.win32k' && x.args.pid === withUser)).toBe(true);
    expect(machineOf(sys).ps.state(machineOf(sys).ps.live(withUser)).w32Process).not.toBe(0n);
    const cmd = sys.createProcess({ imagePath: 'cmd.exe' }).pid;
    expect(machineOf(sys).ps.state(machineOf(sys).ps.live(cmd)).w32Process).toBe(0n);
    const notepad = sys.createProcess({ imagePath: 'notepad.exe' }).pid;
    expect(machineOf(sys).ps.state(machineOf(sys).ps.live(notepad)).w32Process).not.toBe(0n);
  });

  it('a refusing notify routine\'s NTSTATUS reaches CreateProcess through RtlNtStatusToDosError', () => {
    const sys = machine();
    sys.psCall({ call: 'registerNotify', kind: 'process', name: 'Drv!A', deny: { imageName: 'calc.exe', status: 0xC000009A } });
    sys.psCall({ call: 'registerNotify', kind: 'process', name: 'Drv!B', deny: { imageName: 'cmd.exe', status: 0xC0001234 } });
    // STATUS_INSUFFICIENT_RESOURCES -> ERROR_NO_SYSTEM_RESOURCES (1450).
    failsWith(1450, () => sys.createProcess({ imagePath: 'calc.exe' }));
    // No Win32 counterpart: ERROR_MR_MID_NOT_FOUND (317), as RtlNtStatusToDosError's page says.
    failsWith(317, () => sys.createProcess({ imagePath: 'cmd.exe' }));
    expect(verifyIntegrity(sys)).toEqual([]);
  });
});
