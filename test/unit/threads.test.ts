/** CreateThread / CreateRemoteThread, suspend and resume, exit; notify routines (Microsoft Learn: CreateThread, SuspendThread, ResumeThread, PsSetCreateThreadNotifyRoutine). */
import { describe, expect, it } from 'vitest';
import {
  CREATE_SUSPENDED, createSystem, ERROR_INVALID_HANDLE, ERROR_SIGNAL_REFUSED, MAXIMUM_SUSPEND_COUNT, PROCESS_ALL_ACCESS, STILL_ACTIVE, verifyIntegrity,
  type NotifyCall, type System,
} from '../../src/engine';
import { machineOf } from '../../src/engine/testing';

function withProcess(): { sys: System; pid: number; k: ReturnType<System['win32']> } {
  const sys = createSystem({ boot: false, physicalMemoryMB: 32, pageFileMB: 32 });
  const { pid } = sys.createProcess({ imagePath: 'C:\\Windows\\System32\\cmd.exe' });
  return { sys, pid, k: sys.win32(pid) };
}

describe('threads', () => {
  it('CreateThread makes a TEB and a stack (dwStackSize is the initial commit, the reserve the image default), runs Ready, and its id comes back', () => {
    const { sys, pid, k } = withProcess();
    const tid = { value: 0 };
    const h = k.CreateThread(0x30000n, 0x140001000n, 0x1234n, 0, tid);
    expect(h).not.toBe(0);
    const t = sys.queryProcess(pid)!.threads.find((x) => x.tid === tid.value)!;
    expect(t.state).toBe('Ready');
    const step = sys.getSteps(0, sys.stepCount).filter((s) => s.code === 'create.stack').pop()!;
    expect(step.args.reserve).toBe(0x100000n);
    expect((step.args.stackBase as bigint) - (step.args.stackLimit as bigint)).toBe(0x30000n);
    expect(k.VirtualQuery(t.teb)!.State).toBe(0x1000);
    expect(verifyIntegrity(sys)).toEqual([]);
  });

  it('suspend counts nest up to MAXIMUM_SUSPEND_COUNT; ResumeThread returns the previous count', () => {
    const { k } = withProcess();
    const h = k.CreateThread(0n, 0x140001000n, 0n, CREATE_SUSPENDED);
    expect(k.ResumeThread(h)).toBe(1);
    expect(k.ResumeThread(h)).toBe(0);
    for (let i = 0; i < MAXIMUM_SUSPEND_COUNT; i++) expect(k.SuspendThread(h)).toBe(i);
    expect(k.SuspendThread(h)).toBe(0xFFFFFFFF);
    expect(k.GetLastError()).toBe(ERROR_SIGNAL_REFUSED);
    expect(k.ResumeThread(h)).toBe(MAXIMUM_SUSPEND_COUNT);
    expect(k.SuspendThread(0x7FFC)).toBe(0xFFFFFFFF);
    expect(k.GetLastError()).toBe(ERROR_INVALID_HANDLE);
  });

  it('TerminateThread frees the TEB and stack; the last thread ending ends the process with its exit code', () => {
    const { sys, pid, k } = withProcess();
    const tid = { value: 0 };
    const h = k.CreateThread(0n, 0x140001000n, 0n, 0, tid);
    const t = sys.queryProcess(pid)!.threads.find((x) => x.tid === tid.value)!;
    const vads = sys.queryVads(pid).length;
    expect(k.TerminateThread(h, 7)).toBe(true);
    expect(sys.queryVads(pid).length).toBe(vads - 2);
    expect(sys.queryProcess(pid)!.threads.find((x) => x.tid === tid.value)!.state).toBe('Terminated');
    expect(k.VirtualQuery(t.teb)!.State).toBe(0x10000); // MEM_FREE
    expect(verifyIntegrity(sys)).toEqual([]);
    // The initial thread exits: the process goes with exit status 3.
    const first = sys.queryProcess(pid)!.threads[0]!.tid;
    sys.psCall({ call: 'exitThread', tid: first, exitCode: 3 });
    expect(sys.queryProcess(pid)).toBeUndefined();
    expect(sys.getSteps(0, sys.stepCount).filter((s) => s.code === 'process.exit').pop()!.args.exitStatus).toBe(3);
    expect(verifyIntegrity(sys)).toEqual([]);
  });

  it('CreateRemoteThread needs a process handle with PROCESS_CREATE_THREAD and creates the thread in the target', () => {
    const sys = createSystem({ physicalMemoryMB: 64, pageFileMB: 64 });
    const a = sys.createProcess({ imagePath: 'notepad.exe' }).pid;
    const b = sys.createProcess({ imagePath: 'calc.exe' }).pid;
    const k = sys.win32(a);
    expect(k.CreateRemoteThread(0x1234, 0n, 0x1000n, 0n, 0)).toBe(0);
    expect(k.GetLastError()).toBe(ERROR_INVALID_HANDLE);
    const limited = k.OpenProcess(0x1000, false, b);
    expect(k.CreateRemoteThread(limited, 0n, 0x1000n, 0n, 0)).toBe(0);
    const hb = k.OpenProcess(PROCESS_ALL_ACCESS, false, b);
    const tid = { value: 0 };
    expect(k.CreateRemoteThread(hb, 0n, 0x1000n, 0n, 0, tid)).not.toBe(0);
    expect(sys.queryProcess(b)!.threads.map((t) => t.tid)).toContain(tid.value);
    const step = sys.getSteps(0, sys.stepCount).filter((s) => s.code === 'thread.create').pop()!;
    expect(step.args).toMatchObject({ pid: b, creatorPid: a });
  });

  it('notify routines are called for process and thread creation and exit, and can refuse a process', () => {
    const sys = createSystem({ physicalMemoryMB: 64, pageFileMB: 64 });
    const id = sys.psCall({ call: 'registerNotify', kind: 'process', name: 'MyDriver!ProcessNotify', deny: { imageName: 'calc.exe', status: 0xC0000022 } }) as number;
    sys.psCall({ call: 'registerNotify', kind: 'thread', name: 'MyDriver!ThreadNotify' });
    const seen: NotifyCall[] = [];
    machineOf(sys).ps.observeNotify(id, (c) => seen.push(c));
    const { pid } = sys.createProcess({ imagePath: 'notepad.exe' });
    expect(seen).toMatchObject([{ routine: 'MyDriver!ProcessNotify', pid, create: true, imageFileName: 'notepad.exe' }]);
    const calls = sys.getSteps(0, sys.stepCount).filter((s) => s.code === 'ps.notifyThread' || s.code === 'ps.notifyProcess');
    expect(calls.map((s) => s.routine)).toEqual(['PspCallProcessNotifyRoutines', 'PspCallThreadNotifyRoutines']);
    expect(calls[0]!.stage).toBe('4');
    expect(() => sys.createProcess({ imagePath: 'calc.exe' })).toThrow(expect.objectContaining({ code: 5 }));
    expect(sys.getSteps(0, sys.stepCount).filter((s) => s.code === 'ps.notifyProcess').pop()!.args.denied).toBe(true);
    expect(verifyIntegrity(sys)).toEqual([]);
    sys.psCall({ call: 'terminatePid', pid, exitCode: 0 });
    expect(seen.pop()).toMatchObject({ pid, create: false });
  });

  it('GetExitCodeProcess: STILL_ACTIVE, then the exit code (the handle keeps the process object)', () => {
    const sys = createSystem({ physicalMemoryMB: 64, pageFileMB: 64 });
    const explorer = sys.processIds.find((p) => sys.queryProcess(p)!.imageFileName === 'explorer.exe')!;
    const k = sys.win32(explorer);
    const pi = { hProcess: 0, hThread: 0, dwProcessId: 0, dwThreadId: 0 };
    k.CreateProcess(null, 'notepad.exe', false, 0, null, pi);
    const code = { value: 0 };
    expect(k.GetExitCodeProcess(pi.hProcess, code)).toBe(true);
    expect(code.value).toBe(STILL_ACTIVE);
    expect(k.TerminateProcess(pi.hProcess, 42)).toBe(true);
    expect(k.GetExitCodeProcess(pi.hProcess, code)).toBe(true);
    expect(code.value).toBe(42);
    expect(k.TerminateProcess(pi.hProcess, 1)).toBe(false);
    expect(k.CloseHandle(pi.hProcess)).toBe(true);
    expect(k.CloseHandle(pi.hThread)).toBe(true);
    expect(k.CloseHandle(pi.hThread)).toBe(false);
    expect(verifyIntegrity(sys)).toEqual([]);
  });
});

describe('dispatching', () => {
  it('the highest-priority Ready threads run, one per processor; the next ones are Standby; Running goes back to Ready', () => {
    const sys = createSystem({ boot: false, physicalMemoryMB: 32, pageFileMB: 0, processors: 2 });
    const low = sys.createProcess({ imagePath: 'cmd.exe', creationFlags: 0x40 }).pid; // IDLE_PRIORITY_CLASS: base 4
    const high = sys.createProcess({ imagePath: 'cmd.exe', creationFlags: 0x80 }).pid; // HIGH_PRIORITY_CLASS: base 13
    const tl = [0, 1, 2].map(() => { const id = { value: 0 }; sys.win32(low).CreateThread(0n, 0x1000n, 0n, 0, id); return id.value; });
    const th = [0, 1].map(() => { const id = { value: 0 }; sys.win32(high).CreateThread(0n, 0x1000n, 0n, 0, id); return id.value; });
    const running = sys.psCall({ call: 'dispatch' }) as number[];
    expect(running).toEqual(th);
    const state = (pid: number, tid: number) => sys.queryProcess(pid)!.threads.find((t) => t.tid === tid)!.state;
    expect(state(low, tl[0]!)).toBe('Standby');
    expect(state(low, tl[1]!)).toBe('Standby');
    expect(state(low, tl[2]!)).toBe('Ready');
    const steps = sys.getSteps(0, sys.stepCount).filter((s) => s.code === 'thread.dispatch');
    expect(steps.map((s) => s.routine)).toEqual(['KiSelectReadyThread', 'KiSelectReadyThread']);
    // Suspending a running thread takes it off the processor; the next dispatch picks the low ones.
    sys.psCall({ call: 'suspendTid', tid: th[0]! });
    sys.psCall({ call: 'suspendTid', tid: th[1]! });
    expect(sys.psCall({ call: 'dispatch' })).toEqual([tl[0], tl[1]]);
    expect(state(high, th[0]!)).toBe('Waiting');
  });
});
