/**
 * Console hosts: conhost.exe as the console program's child since Windows 8, shared consoles,
 * CREATE_NEW_CONSOLE, DETACHED_PROCESS, CREATE_NO_WINDOW, and the host exiting with its last client
 * (Microsoft Learn: "Creation of a Console", "Process Creation Flags"; Windows Internals 7e ch. 3).
 */
import { describe, expect, it } from 'vitest';
import { CREATE_NEW_CONSOLE, CREATE_NO_WINDOW, createSystem, DETACHED_PROCESS, verifyIntegrity, type PROCESS_INFORMATION, type System } from '../../src/engine';
import { machineOf } from '../../src/engine/testing';

const CMD = 'C:\\Windows\\System32\\cmd.exe';
const pi = (): PROCESS_INFORMATION => ({ hProcess: 0, hThread: 0, dwProcessId: 0, dwThreadId: 0 });
const children = (sys: System, pid: number): string[] => sys.processIds.filter((p) => sys.queryProcess(p)!.parentPid === pid).map((p) => sys.queryProcess(p)!.imageFileName.toLowerCase());
const conhosts = (sys: System): number[] => sys.processIds.filter((p) => sys.queryProcess(p)!.imageFileName.toLowerCase() === 'conhost.exe');

describe('console hosts', () => {
  it('a console program started from the shell gets its own conhost.exe as a child; a GUI program gets none', () => {
    const sys = createSystem({ boot: true });
    const before = conhosts(sys).length;
    const cmd = sys.createProcess({ imagePath: CMD }).pid;
    expect(children(sys, cmd)).toEqual(['conhost.exe']);
    const host = conhosts(sys).find((p) => sys.queryProcess(p)!.parentPid === cmd)!;
    expect(sys.queryProcess(host)!.sessionId).toBe(sys.queryProcess(cmd)!.sessionId);
    expect(machineOf(sys).ps.live(host).commandLine).toContain('conhost.exe 0x4');
    // The host is launched from stage 7 of the console program (KernelBase's console initialization).
    const launch = sys.getSteps(0, sys.stepCount).find((s) => s.code === 'console.launchHost' && s.args.pid === cmd)!;
    expect(launch.stage).toBe('7');
    sys.createProcess({ imagePath: 'C:\\Windows\\System32\\notepad.exe' });
    expect(conhosts(sys).length).toBe(before + 1);
    expect(verifyIntegrity(sys)).toEqual([]);
  });

  it('a console child shares its creator\'s console; CREATE_NEW_CONSOLE gets a new one; DETACHED_PROCESS none', () => {
    const sys = createSystem({ boot: true });
    const cmd = sys.createProcess({ imagePath: CMD }).pid;
    const k = sys.win32(cmd);
    const hosts = conhosts(sys).length;
    const shared = pi();
    expect(k.CreateProcess(CMD, null, false, 0, null, shared)).toBe(true);
    expect(conhosts(sys).length).toBe(hosts);
    const attach = sys.getSteps(0, sys.stepCount).find((s) => s.code === 'console.attach' && s.args.pid === shared.dwProcessId)!;
    expect(attach.args.clients).toBe(2);
    const fresh = pi();
    expect(k.CreateProcess(CMD, null, false, CREATE_NEW_CONSOLE, null, fresh)).toBe(true);
    expect(children(sys, fresh.dwProcessId)).toEqual(['conhost.exe']);
    const detached = pi();
    expect(k.CreateProcess(CMD, null, false, DETACHED_PROCESS, null, detached)).toBe(true);
    expect(children(sys, detached.dwProcessId)).toEqual([]);
    const hidden = pi();
    expect(k.CreateProcess(CMD, null, false, CREATE_NEW_CONSOLE | CREATE_NO_WINDOW, null, hidden)).toBe(true);
    expect(sys.getSteps(0, sys.stepCount).find((s) => s.code === 'console.launchHost' && s.args.pid === hidden.dwProcessId)!.args.window).toBe(false);
  });

  it('the host stays while any client is attached and exits with the last one', () => {
    const sys = createSystem({ boot: true });
    const cmd = sys.createProcess({ imagePath: CMD }).pid;
    const host = conhosts(sys).find((p) => sys.queryProcess(p)!.parentPid === cmd)!;
    const child = pi();
    sys.win32(cmd).CreateProcess(CMD, null, false, 0, null, child);
    sys.win32(cmd).ExitProcess(0);
    expect(sys.queryProcess(host)).toBeDefined();
    sys.win32(child.dwProcessId).ExitProcess(0);
    expect(sys.queryProcess(host)).toBeUndefined();
    const detach = sys.getSteps(0, sys.stepCount).filter((s) => s.code === 'console.detach').pop()!;
    expect(detach.args).toMatchObject({ pid: child.dwProcessId, hostPid: host, clients: 0 });
    expect(machineOf(sys).ps.consoles.size).toBe(0);
    expect(verifyIntegrity(sys)).toEqual([]);
  });
});
