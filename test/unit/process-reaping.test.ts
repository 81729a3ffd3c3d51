/**
 * Exited processes are freed once nothing refers to them (issue 19 item 5, ps part): Windows deletes the
 * EPROCESS when its last reference goes (Windows Internals 7e ch. 3, "Terminating a process"; a handle
 * to the process, or to one of its threads, keeps it; Microsoft Learn, "Terminating a Process": "the
 * process object is deleted when the last handle to the process is closed"). Freed slots are never
 * reused, steps are unchanged, and replay gives the same state.
 */
import { describe, expect, it } from 'vitest';
import {
  createSystem, PROCESS_QUERY_INFORMATION, PROCESS_QUERY_LIMITED_INFORMATION, restoreSession, serializeSession, TOKEN_QUERY, TokenSessionId, verifyIntegrity,
  type PROCESS_INFORMATION, type System,
} from '../../src/engine';
import { machineOf } from '../../src/engine/testing';

const NOTEPAD = 'C:\\Windows\\System32\\notepad.exe';
const held = (sys: System): number => machineOf(sys).processes.filter((p) => p !== undefined).length;
const pi = (): PROCESS_INFORMATION => ({ hProcess: 0, hThread: 0, dwProcessId: 0, dwThreadId: 0 });

describe('exited processes are freed with their last reference', () => {
  it('300 create/exit cycles hold no more process objects than one', () => {
    const sys = createSystem({ physicalMemoryMB: 64, pageFileMB: 64 });
    const before = held(sys);
    const slots = machineOf(sys).processes.length;
    for (let i = 0; i < 300; i++) sys.win32(sys.createProcess({ imagePath: NOTEPAD }).pid).ExitProcess(0);
    expect(held(sys)).toBe(before);
    // Slots are not reused: each process kept its own index.
    expect(machineOf(sys).processes.length).toBe(slots + 300);
    expect(verifyIntegrity(sys)).toEqual([]);
  });

  it('a process handle keeps the exited process (GetExitCodeProcess works); closing it frees the process', () => {
    const sys = createSystem({ physicalMemoryMB: 64, pageFileMB: 64 });
    const watcher = sys.createProcess({ imagePath: NOTEPAD }).pid;
    const target = sys.createProcess({ imagePath: NOTEPAD }).pid;
    const k = sys.win32(watcher);
    const h = k.OpenProcess(PROCESS_QUERY_INFORMATION, false, target);
    expect(h).not.toBe(0);
    const index = machineOf(sys).processes.findIndex((p) => p?.pid === target);
    sys.win32(target).ExitProcess(42);
    expect(sys.queryProcess(target)).toBeUndefined();
    expect(machineOf(sys).processes[index]).toBeDefined();
    const code = { value: 0 };
    expect(k.GetExitCodeProcess(h, code)).toBe(true);
    expect(code.value).toBe(42);
    expect(k.CloseHandle(h)).toBe(true);
    expect(machineOf(sys).processes[index]).toBeUndefined();
    expect(verifyIntegrity(sys)).toEqual([]);
  });

  it('a handle to one of its threads keeps it too (an ETHREAD references its process)', () => {
    const sys = createSystem({ physicalMemoryMB: 64, pageFileMB: 64 });
    const creator = sys.createProcess({ imagePath: NOTEPAD }).pid;
    const k = sys.win32(creator);
    const info = pi();
    expect(k.CreateProcess(NOTEPAD, null, false, 0, null, info)).toBe(true);
    const index = machineOf(sys).processes.findIndex((p) => p?.pid === info.dwProcessId);
    expect(k.CloseHandle(info.hProcess)).toBe(true);
    sys.win32(info.dwProcessId).ExitProcess(0);
    expect(machineOf(sys).processes[index]).toBeDefined();
    expect(k.CloseHandle(info.hThread)).toBe(true);
    expect(machineOf(sys).processes[index]).toBeUndefined();
  });

  it('a token handle outlives the freed process whose primary token it is', () => {
    const sys = createSystem({ physicalMemoryMB: 64, pageFileMB: 64 });
    const watcher = sys.createProcess({ imagePath: NOTEPAD }).pid;
    const target = sys.createProcess({ imagePath: NOTEPAD }).pid;
    const k = sys.win32(watcher);
    const hp = k.OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, false, target);
    const token = { value: 0 };
    expect(k.OpenProcessToken(hp, TOKEN_QUERY, token)).toBe(true);
    const index = machineOf(sys).processes.findIndex((p) => p?.pid === target);
    sys.win32(target).ExitProcess(0);
    expect(k.CloseHandle(hp)).toBe(true);
    expect(machineOf(sys).processes[index]).toBeUndefined();
    const out: Record<string, unknown> = {};
    expect(k.GetTokenInformation(token.value, TokenSessionId, out)).toBe(true);
    expect(out.SessionId).toBe(sys.queryProcess(watcher)!.sessionId);
    expect(verifyIntegrity(sys)).toEqual([]);
  });

  it('replay and session reload give the same state and steps', () => {
    const sys = createSystem({ physicalMemoryMB: 64, pageFileMB: 64 });
    const watcher = sys.createProcess({ imagePath: NOTEPAD }).pid;
    const pids: number[] = [];
    for (let i = 0; i < 20; i++) {
      const pid = sys.createProcess({ imagePath: NOTEPAD }).pid;
      if (i % 4 === 0) sys.win32(watcher).OpenProcess(PROCESS_QUERY_INFORMATION, false, pid);
      sys.win32(pid).ExitProcess(i);
      pids.push(pid);
    }
    const past = sys.stateAt(sys.stepCount - 1);
    expect(machineOf(past).processes.map((p) => p?.pid)).toEqual(machineOf(sys).processes.map((p) => p?.pid));
    expect(past.queryHandles(watcher)).toEqual(sys.queryHandles(watcher));
    const reloaded = restoreSession(serializeSession(sys));
    expect(reloaded.stepCount).toBe(sys.stepCount);
    expect(machineOf(reloaded).processes.map((p) => p?.pid)).toEqual(machineOf(sys).processes.map((p) => p?.pid));
    expect(verifyIntegrity(reloaded)).toEqual([]);
  });
});
