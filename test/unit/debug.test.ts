/**
 * User-mode debugging: debug objects, debug events and their order, freezing, continue, attach,
 * detach and kill-on-exit (Microsoft Learn: "Debugging Events", CreateProcess DEBUG_PROCESS,
 * DebugActiveProcess, WaitForDebugEvent, ContinueDebugEvent, DebugSetProcessKillOnExit;
 * Windows Internals 7e ch. 8 "User-mode debugging").
 */
import { describe, expect, it } from 'vitest';
import {
  CREATE_PROCESS_DEBUG_EVENT, CREATE_THREAD_DEBUG_EVENT, createSystem, DBG_CONTINUE, DBG_EXCEPTION_NOT_HANDLED, DBG_REPLY_LATER,
  DEBUG_ONLY_THIS_PROCESS, DEBUG_PROCESS, ERROR_ACCESS_DENIED, ERROR_INVALID_HANDLE, ERROR_INVALID_PARAMETER, ERROR_SEM_TIMEOUT,
  EXCEPTION_DEBUG_EVENT, EXIT_PROCESS_DEBUG_EVENT, EXIT_THREAD_DEBUG_EVENT, LOAD_DLL_DEBUG_EVENT, PROCESS_ALL_ACCESS, STATUS_BREAKPOINT,
  STATUS_DEBUGGER_INACTIVE, verifyIntegrity, type DEBUG_EVENT, type PROCESS_INFORMATION, type System,
} from '../../src/engine';
import { machineOf } from '../../src/engine/testing';

const WINDBG = 'C:\\Program Files\\Windows Kits\\10\\Debuggers\\x64\\windbg.exe';
const pidOf = (sys: System, name: string): number => sys.processIds.find((p) => sys.queryProcess(p)!.imageFileName.toLowerCase() === name)!;
const pi = (): PROCESS_INFORMATION => ({ hProcess: 0, hThread: 0, dwProcessId: 0, dwThreadId: 0 });

function withDebugger(): { sys: System; dbg: number; k: ReturnType<System['win32']> } {
  const sys = createSystem({ boot: true });
  const dbg = sys.createProcess({ imagePath: WINDBG }).pid;
  return { sys, dbg, k: sys.win32(dbg) };
}

function next(k: ReturnType<System['win32']>): DEBUG_EVENT {
  const e: Partial<DEBUG_EVENT> = {};
  expect(k.WaitForDebugEvent(e, 0), `WaitForDebugEvent failed with ${k.GetLastError()}`).toBe(true);
  return e as DEBUG_EVENT;
}

/** Runs the debug loop until the queue is empty; returns the event codes seen. */
function drain(k: ReturnType<System['win32']>, status = DBG_CONTINUE): DEBUG_EVENT[] {
  const seen: DEBUG_EVENT[] = [];
  for (let i = 0; i < 200; i++) {
    const e: Partial<DEBUG_EVENT> = {};
    if (!k.WaitForDebugEvent(e, 0)) { expect(k.GetLastError()).toBe(ERROR_SEM_TIMEOUT); break; }
    seen.push(e as DEBUG_EVENT);
    expect(k.ContinueDebugEvent(e.dwProcessId!, e.dwThreadId!, status)).toBe(true);
  }
  return seen;
}

const beingDebugged = (sys: System, viewer: number, pid: number): number => {
  const k = sys.win32(viewer);
  const h = k.OpenProcess(PROCESS_ALL_ACCESS, false, pid);
  const peb = sys.queryProcess(pid)!.peb;
  const buf = new Uint8Array(1);
  expect(k.ReadProcessMemory(h, peb + 2n, buf, 1)).toBe(true);
  k.CloseHandle(h);
  return buf[0]!;
};

describe('debugging a process it creates (DEBUG_ONLY_THIS_PROCESS)', () => {
  it('reports create-process, each DLL as it is mapped, then the loader breakpoint; the debuggee waits at every event', () => {
    const { sys, dbg, k } = withDebugger();
    const info = pi();
    expect(k.CreateProcess('C:\\Windows\\System32\\notepad.exe', null, false, DEBUG_ONLY_THIS_PROCESS, null, info)).toBe(true);
    const pid = info.dwProcessId;
    const state = machineOf(sys).ps.state(machineOf(sys).ps.live(pid));
    // Stage 1 connected the creator to a debug object; 3A set the DebugPort; the PEB says BeingDebugged.
    const steps = sys.getSteps(0, sys.stepCount);
    expect(steps.find((s) => s.code === 'debug.createObject')!.args.pid).toBe(dbg);
    expect(steps.find((s) => s.code === 'debug.attach')).toMatchObject({ stage: '3A', args: { pid, debuggerPid: dbg, attach: false } });
    expect(beingDebugged(sys, dbg, pid)).toBe(1);
    // The initial thread reported the process and waits (Executive) before LdrInitializeThunk did anything.
    const thread = machineOf(sys).ps.live(pid).threads[0]!;
    expect([thread.state, thread.waitReason]).toEqual(['Waiting', 'Executive']);
    expect(state.heap).toBe(0n);

    const first = next(k);
    expect(first.dwDebugEventCode).toBe(CREATE_PROCESS_DEBUG_EVENT);
    expect(first.dwProcessId).toBe(pid);
    const cpi = first.u.CreateProcessInfo as { hProcess: number; hThread: number; hFile: number; lpBaseOfImage: bigint; lpStartAddress: bigint; lpImageName: string };
    expect(cpi.lpBaseOfImage).toBe(state.imageBase);
    expect(cpi.lpStartAddress).toBe(state.entryPoint);
    expect(cpi.hProcess && cpi.hThread && cpi.hFile).toBeTruthy();
    expect(cpi.lpImageName).toBe('C:\\Windows\\System32\\notepad.exe');
    // One event at a time per debuggee: the next one comes after ContinueDebugEvent.
    expect(k.WaitForDebugEvent({}, 0)).toBe(false);
    expect(k.GetLastError()).toBe(ERROR_SEM_TIMEOUT);
    expect(k.ContinueDebugEvent(pid, first.dwThreadId, DBG_CONTINUE)).toBe(true);
    const ntdll = next(k);
    expect(ntdll.dwDebugEventCode).toBe(LOAD_DLL_DEBUG_EVENT);
    expect((ntdll.u.LoadDll as { lpImageName: string }).lpImageName.toLowerCase()).toContain('ntdll.dll');
    expect(k.ContinueDebugEvent(pid, ntdll.dwThreadId, DBG_CONTINUE)).toBe(true);
    // Now the loader ran up to its first newly mapped DLL and stopped there.
    expect(state.heap).not.toBe(0n);
    const dlls: string[] = [];
    let e = next(k);
    while (e.dwDebugEventCode === LOAD_DLL_DEBUG_EVENT) {
      const dll = e.u.LoadDll as { lpBaseOfDll: bigint; lpImageName: string };
      dlls.push(dll.lpImageName.split('\\').pop()!.toLowerCase());
      // The DLL is mapped when it is reported, and is the last module the loader listed.
      expect(state.modules[state.modules.length - 1]!.base).toBe(dll.lpBaseOfDll);
      expect(k.ContinueDebugEvent(pid, e.dwThreadId, DBG_CONTINUE)).toBe(true);
      e = next(k);
    }
    expect(dlls).toEqual(expect.arrayContaining(['kernel32.dll', 'kernelbase.dll', 'user32.dll']));
    expect(e.dwDebugEventCode).toBe(EXCEPTION_DEBUG_EVENT);
    const ex = e.u.Exception as { ExceptionRecord: { ExceptionCode: number; ExceptionAddress: bigint }; dwFirstChance: number };
    expect(ex.ExceptionRecord.ExceptionCode).toBe(STATUS_BREAKPOINT);
    expect(ex.dwFirstChance).toBe(1);
    expect(ex.ExceptionRecord.ExceptionAddress > state.ntdllBase).toBe(true);
    // The entry point has not run yet.
    expect(steps.concat(sys.getSteps(0, sys.stepCount)).filter((s) => s.code === 'create.entryPoint' && s.args.pid === pid)).toHaveLength(0);
    expect(k.ContinueDebugEvent(pid, e.dwThreadId, DBG_EXCEPTION_NOT_HANDLED)).toBe(true);
    expect(sys.getSteps(0, sys.stepCount).some((s) => s.code === 'create.entryPoint' && s.args.pid === pid)).toBe(true);
    expect([thread.state, thread.waitReason]).toEqual(['Waiting', 'WrUserRequest']);
    expect(verifyIntegrity(sys)).toEqual([]);
  });

  it('the debuggee\'s exit is reported; continuing EXIT_PROCESS closes the handles the debugger was given', () => {
    const { sys, dbg, k } = withDebugger();
    const info = pi();
    k.CreateProcess('C:\\Windows\\System32\\calc.exe', null, false, DEBUG_ONLY_THIS_PROCESS, null, info);
    drain(k);
    const handles = machineOf(sys).ps.state(machineOf(sys).ps.live(dbg)).handles.entries.size;
    sys.win32(info.dwProcessId).ExitProcess(7);
    const exit = next(k);
    expect(exit.dwDebugEventCode).toBe(EXIT_PROCESS_DEBUG_EVENT);
    expect((exit.u.ExitProcess as { dwExitCode: number }).dwExitCode).toBe(7);
    expect(k.ContinueDebugEvent(info.dwProcessId, exit.dwThreadId, DBG_CONTINUE)).toBe(true);
    // hProcess and hThread of CREATE_PROCESS_DEBUG_EVENT are gone; hFile stays (the debugger closes it).
    expect(machineOf(sys).ps.state(machineOf(sys).ps.live(dbg)).handles.entries.size).toBe(handles - 2);
    expect(verifyIntegrity(sys)).toEqual([]);
  });

  it('DEBUG_PROCESS debugs the children too; DEBUG_ONLY_THIS_PROCESS does not', () => {
    for (const [flag, childDebugged] of [[DEBUG_PROCESS, true], [DEBUG_ONLY_THIS_PROCESS, false]] as const) {
      const { sys, dbg, k } = withDebugger();
      const info = pi();
      k.CreateProcess('C:\\Windows\\System32\\cmd.exe', null, false, flag, null, info);
      drain(k);
      const child = pi();
      expect(sys.win32(info.dwProcessId).CreateProcess('C:\\Windows\\System32\\notepad.exe', null, false, 0, null, child)).toBe(true);
      expect(beingDebugged(sys, dbg, child.dwProcessId)).toBe(childDebugged ? 1 : 0);
      const events = drain(k);
      expect(events.some((e) => e.dwProcessId === child.dwProcessId && e.dwDebugEventCode === CREATE_PROCESS_DEBUG_EVENT)).toBe(childDebugged);
    }
  });

  it('a new thread of a debuggee reports itself and runs only once continued; its exit is reported', () => {
    const { sys, k } = withDebugger();
    const info = pi();
    k.CreateProcess('C:\\Windows\\System32\\notepad.exe', null, false, DEBUG_ONLY_THIS_PROCESS, null, info);
    drain(k);
    const kd = sys.win32(info.dwProcessId);
    const tid = { value: 0 };
    const h = kd.CreateThread(0n, 0x140001000n, 0n, 0, tid);
    const t = machineOf(sys).ps.live(info.dwProcessId).threads.find((x) => x.tid === tid.value)!;
    expect([t.state, t.waitReason]).toEqual(['Waiting', 'Executive']);
    // The dispatcher leaves a frozen debuggee alone.
    expect(kd.ResumeThread(h)).toBe(0);
    const e = next(k);
    expect(e).toMatchObject({ dwDebugEventCode: CREATE_THREAD_DEBUG_EVENT, dwThreadId: tid.value });
    expect(k.ContinueDebugEvent(e.dwProcessId, e.dwThreadId, DBG_CONTINUE)).toBe(true);
    expect(t.state).toBe('Ready');
    kd.TerminateThread(h, 3);
    const exit = next(k);
    expect(exit).toMatchObject({ dwDebugEventCode: EXIT_THREAD_DEBUG_EVENT, dwThreadId: tid.value, u: { ExitThread: { dwExitCode: 3 } } });
  });
});

describe('attaching and detaching', () => {
  it('DebugActiveProcess posts the fake start-up events, then breaks in with a remote thread that exits afterwards', () => {
    const { sys, dbg, k } = withDebugger();
    const notepad = sys.createProcess({ imagePath: 'C:\\Windows\\System32\\notepad.exe' }).pid;
    const modules = machineOf(sys).ps.state(machineOf(sys).ps.live(notepad)).modules.length;
    expect(k.DebugActiveProcess(notepad)).toBe(true);
    expect(beingDebugged(sys, dbg, notepad)).toBe(1);
    const events = drain(k);
    const codes = events.map((e) => e.dwDebugEventCode);
    expect(codes[0]).toBe(CREATE_PROCESS_DEBUG_EVENT);
    expect((events[0]!.u.CreateProcessInfo as { lpStartAddress: bigint }).lpStartAddress).toBe(0n);
    expect(codes.filter((c) => c === LOAD_DLL_DEBUG_EVENT)).toHaveLength(modules - 1);
    // The break-in thread: created, breaks, exits.
    expect(codes.slice(-3)).toEqual([CREATE_THREAD_DEBUG_EVENT, EXCEPTION_DEBUG_EVENT, EXIT_THREAD_DEBUG_EVENT]);
    const breakin = events[events.length - 1]!.dwThreadId;
    expect(machineOf(sys).ps.live(notepad).threads.find((t) => t.tid === breakin)!.state).toBe('Terminated');
    expect(sys.getSteps(0, sys.stepCount).some((s) => s.code === 'debug.remoteBreakin' && s.args.pid === notepad)).toBe(true);
    expect(verifyIntegrity(sys)).toEqual([]);
  });

  it('refuses itself, a process that already has a debugger, and another user\'s process without SeDebugPrivilege', () => {
    const { sys, dbg, k } = withDebugger();
    expect(k.DebugActiveProcess(dbg)).toBe(false);
    expect(k.GetLastError()).toBe(ERROR_ACCESS_DENIED);
    expect(k.DebugActiveProcess(pidOf(sys, 'lsass.exe'))).toBe(false);
    expect(k.GetLastError()).toBe(ERROR_ACCESS_DENIED);
    expect(k.DebugActiveProcess(99999)).toBe(false);
    expect(k.GetLastError()).toBe(ERROR_INVALID_PARAMETER);
    const notepad = sys.createProcess({ imagePath: 'C:\\Windows\\System32\\notepad.exe' }).pid;
    expect(k.DebugActiveProcess(notepad)).toBe(true);
    const other = sys.win32(sys.createProcess({ imagePath: WINDBG }).pid);
    expect(other.DebugActiveProcess(notepad)).toBe(false);
    expect(other.GetLastError()).toBe(ERROR_INVALID_PARAMETER); // STATUS_PORT_ALREADY_SET
    // Not a debugger at all: no debug object to wait on.
    expect(other.WaitForDebugEvent({}, 0)).toBe(false);
    expect(other.GetLastError()).toBe(ERROR_INVALID_HANDLE);
  });

  it('ContinueDebugEvent checks its arguments; DBG_REPLY_LATER reports the same event again later', () => {
    const { sys, k } = withDebugger();
    const notepad = sys.createProcess({ imagePath: 'C:\\Windows\\System32\\notepad.exe' }).pid;
    k.DebugActiveProcess(notepad);
    const e = next(k);
    expect(k.ContinueDebugEvent(notepad, e.dwThreadId, 0x12345)).toBe(false);
    expect(k.GetLastError()).toBe(ERROR_INVALID_PARAMETER);
    expect(k.ContinueDebugEvent(notepad, e.dwThreadId + 4000, DBG_CONTINUE)).toBe(false);
    expect(k.GetLastError()).toBe(ERROR_INVALID_PARAMETER);
    expect(k.ContinueDebugEvent(notepad, e.dwThreadId, DBG_REPLY_LATER)).toBe(true);
    const codes = drain(k).map((x) => x.dwDebugEventCode);
    // Reported once more, after the events that were queued behind it.
    expect(codes.filter((c) => c === CREATE_PROCESS_DEBUG_EVENT)).toHaveLength(1);
    expect(codes.indexOf(CREATE_PROCESS_DEBUG_EVENT)).toBeGreaterThan(codes.indexOf(EXCEPTION_DEBUG_EVENT));
  });

  it('DebugActiveProcessStop detaches: pending events are dropped and the process runs on', () => {
    const { sys, dbg, k } = withDebugger();
    const notepad = sys.createProcess({ imagePath: 'C:\\Windows\\System32\\notepad.exe' }).pid;
    k.DebugActiveProcess(notepad);
    next(k);
    expect(k.DebugActiveProcessStop(notepad)).toBe(true);
    expect(beingDebugged(sys, dbg, notepad)).toBe(0);
    expect(k.WaitForDebugEvent({}, 0)).toBe(false);
    // The break-in thread, released, exits; nothing is left frozen.
    expect(machineOf(sys).ps.live(notepad).threads.every((t) => t.state !== 'Waiting' || t.waitReason !== 'Executive')).toBe(true);
    expect(k.DebugActiveProcessStop(notepad)).toBe(false);
    expect(k.GetLastError()).toBe(ERROR_INVALID_PARAMETER);
    expect(verifyIntegrity(sys)).toEqual([]);
  });

  it('a debugger that exits kills its debuggees (STATUS_DEBUGGER_INACTIVE) unless kill-on-exit was turned off', () => {
    for (const kill of [true, false]) {
      const { sys, dbg, k } = withDebugger();
      const objects = machineOf(sys).ps.ob.objects.size;
      const info = pi();
      k.CreateProcess('C:\\Windows\\System32\\notepad.exe', null, false, DEBUG_ONLY_THIS_PROCESS, null, info);
      next(k);
      if (!kill) expect(k.DebugSetProcessKillOnExit(false)).toBe(true);
      k.ExitProcess(0);
      const debuggee = sys.queryProcess(info.dwProcessId);
      if (kill) {
        expect(debuggee).toBeUndefined();
        // The exit status as the exit recorded it (nothing refers to the process any more, so it is freed).
        expect(sys.getSteps(0, sys.stepCount).filter((s) => s.code === 'process.exit' && s.args.pid === info.dwProcessId).map((s) => s.args.exitStatus)).toEqual([STATUS_DEBUGGER_INACTIVE]);
        expect(machineOf(sys).processes.some((p) => p?.pid === info.dwProcessId)).toBe(false);
      } else {
        expect(debuggee).toBeDefined();
        expect(beingDebugged(sys, pidOf(sys, 'explorer.exe'), info.dwProcessId)).toBe(0);
        // Released: the loader ran to the entry point.
        expect(sys.getSteps(0, sys.stepCount).some((s) => s.code === 'create.entryPoint' && s.args.pid === info.dwProcessId)).toBe(true);
        sys.win32(info.dwProcessId).ExitProcess(0);
      }
      // Nothing of the debugger, the debuggee or the debug object is left behind.
      expect(machineOf(sys).ps.debugObjects.size).toBe(0);
      expect(machineOf(sys).ps.ob.objects.size).toBeLessThanOrEqual(objects);
      void dbg;
      expect(verifyIntegrity(sys)).toEqual([]);
    }
  });

  it('time travel: a past state in the middle of a debug session is rebuilt exactly', () => {
    const { sys, k } = withDebugger();
    const info = pi();
    k.CreateProcess('C:\\Windows\\System32\\notepad.exe', null, false, DEBUG_ONLY_THIS_PROCESS, null, info);
    next(k);
    k.ContinueDebugEvent(info.dwProcessId, info.dwThreadId, DBG_CONTINUE);
    const mid = sys.stepCount - 1;
    const modulesThen = machineOf(sys).ps.state(machineOf(sys).ps.live(info.dwProcessId)).modules.length;
    drain(k);
    const past = sys.stateAt(mid);
    expect(machineOf(past).ps.state(machineOf(past).ps.live(info.dwProcessId)).modules.length).toBe(modulesThen);
    expect(machineOf(past).ps.debugObjects.size).toBe(1);
    expect([...machineOf(past).ps.debugObjects.values()][0]!.events.length).toBeGreaterThan(0);
    expect(verifyIntegrity(past)).toEqual([]);
  });
});

describe('debug sessions in saved sessions', () => {
  it('a saved session with tokens, debug events and consoles restores to the same machine', async () => {
    const { serializeSession, restoreSession } = await import('../../src/engine');
    const { sys, k } = withDebugger();
    const info = pi();
    k.CreateProcess('C:\\Windows\\System32\\cmd.exe', null, false, DEBUG_PROCESS, null, info);
    for (let i = 0; i < 3; i++) { const e = next(k); k.ContinueDebugEvent(e.dwProcessId, e.dwThreadId, DBG_CONTINUE); }
    next(k); // one event held by the debugger
    const restored = restoreSession(JSON.parse(JSON.stringify(serializeSession(sys))));
    expect(restored.stepCount).toBe(sys.stepCount);
    expect(restored.processIds).toEqual(sys.processIds);
    const strip = (s: System) => JSON.stringify(s.queryDebugObjects(), (_, v) => (typeof v === 'bigint' ? v.toString(16) : v));
    expect(strip(restored)).toBe(strip(sys));
    expect(verifyIntegrity(restored)).toEqual([]);
  });
});

describe('suspension and the debugger', () => {
  it('a debuggee suspended while it waits for its debugger stays put when continued, and goes on at ResumeThread', () => {
    const { sys, k } = withDebugger();
    const info = pi();
    k.CreateProcess('C:\\Windows\\System32\\notepad.exe', null, false, DEBUG_ONLY_THIS_PROCESS, null, info);
    const thread = machineOf(sys).ps.live(info.dwProcessId).threads[0]!;
    expect(k.SuspendThread(info.hThread)).toBe(0);
    // Still in its debugger wait, not in a suspension.
    expect(thread.waitReason).toBe('Executive');
    for (let i = 0; i < 2; i++) { const e = next(k); k.ContinueDebugEvent(e.dwProcessId, e.dwThreadId, DBG_CONTINUE); }
    expect([thread.state, thread.waitReason]).toEqual(['Waiting', 'Suspended']);
    const heapBefore = machineOf(sys).ps.state(machineOf(sys).ps.live(info.dwProcessId)).heap;
    expect(heapBefore).toBe(0n);
    expect(k.WaitForDebugEvent({}, 0)).toBe(false);
    expect(k.ResumeThread(info.hThread)).toBe(1);
    // The loader ran on to its first DLL and reported it.
    expect(machineOf(sys).ps.state(machineOf(sys).ps.live(info.dwProcessId)).heap).not.toBe(0n);
    expect(next(k).dwDebugEventCode).toBe(LOAD_DLL_DEBUG_EVENT);
    expect(verifyIntegrity(sys)).toEqual([]);
  });
});
