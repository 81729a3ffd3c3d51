/**
 * Stage 1 and 2 decisions of CreateProcess (Microsoft Learn: CreateProcessW, "Process Creation Flags",
 * "Image File Execution Options"; Windows Internals 7e ch. 3), and the Win32 shape of failures.
 */
import { describe, expect, it } from 'vitest';
import {
  buildImage, CREATE_NEW_CONSOLE, CREATE_PROTECTED_PROCESS, createSystem, DEBUG_PROCESS, DETACHED_PROCESS, ERROR_BAD_EXE_FORMAT,
  ERROR_FILE_NOT_FOUND, ERROR_INVALID_IMAGE_HASH, ERROR_INVALID_PARAMETER, ERROR_PATH_NOT_FOUND, HIGH_PRIORITY_CLASS, IDLE_PRIORITY_CLASS,
  IFEO_KEY, NORMAL_PRIORITY_CLASS, REALTIME_PRIORITY_CLASS, REG_SZ, verifyIntegrity, Win32Error, type PROCESS_INFORMATION, type System,
  BELOW_NORMAL_PRIORITY_CLASS, ERROR_NO_ASSOCIATION, PROCESS_ALL_ACCESS, ERROR_ACCESS_DENIED, describeObject,
} from '../../src/engine';

const machine = (): System => createSystem({ physicalMemoryMB: 64, pageFileMB: 64 });
const explorerOf = (sys: System): number => sys.processIds.find((p) => sys.queryProcess(p)!.imageFileName === 'explorer.exe')!;

function failsWith(code: number, fn: () => unknown): void {
  try { fn(); } catch (e) {
    expect(e).toBeInstanceOf(Win32Error);
    expect((e as Win32Error).code).toBe(code);
    return;
  }
  throw new Error(`expected Win32 error ${code}`);
}

const lastStep = (sys: System, code: string) => sys.getSteps(0, sys.stepCount).filter((s) => s.code === code).pop();

describe('stage 2: opening the image', () => {
  it('a missing file is ERROR_FILE_NOT_FOUND, a missing directory ERROR_PATH_NOT_FOUND, each with a create.failed step', () => {
    const sys = machine();
    const before = sys.processCount;
    failsWith(ERROR_FILE_NOT_FOUND, () => sys.createProcess({ imagePath: 'C:\\Windows\\System32\\nosuch.exe' }));
    expect(lastStep(sys, 'create.failed')!.args).toMatchObject({ error: ERROR_FILE_NOT_FOUND });
    failsWith(ERROR_PATH_NOT_FOUND, () => sys.createProcess({ imagePath: 'C:\\NoSuchDir\\app.exe' }));
    failsWith(ERROR_FILE_NOT_FOUND, () => sys.createProcess({ imagePath: 'nosuch' }));
    expect(sys.processCount).toBe(before);
    expect(verifyIntegrity(sys)).toEqual([]);
  });

  it('a file that is not a PE image (or a DLL) is ERROR_BAD_EXE_FORMAT', () => {
    const sys = machine();
    failsWith(ERROR_BAD_EXE_FORMAT, () => sys.createProcess({ imagePath: 'C:\\Users\\Public\\broken.exe' }));
    failsWith(ERROR_BAD_EXE_FORMAT, () => sys.createProcess({ imagePath: 'C:\\Windows\\win.ini' }));
    failsWith(ERROR_BAD_EXE_FORMAT, () => sys.createProcess({ imagePath: 'C:\\Windows\\System32\\kernel32.dll' }));
    expect(verifyIntegrity(sys)).toEqual([]);
  });

  it('finds bare names on the search path and appends .exe', () => {
    const sys = machine();
    // The creator's directory comes first: explorer lives in C:\Windows, which has its own notepad.exe.
    const { pid } = sys.createProcess({ imagePath: 'notepad' });
    expect(sys.queryProcess(pid)!.imagePath).toBe('C:\\Windows\\notepad.exe');
    const cmd = sys.createProcess({ imagePath: 'cmd' }).pid;
    expect(sys.queryProcess(sys.createProcess({ imagePath: 'notepad', parentPid: cmd }).pid)!.imagePath).toBe('C:\\Windows\\System32\\notepad.exe');
    expect(sys.queryProcess(sys.createProcess({ imagePath: 'c:/windows/system32/CALC.EXE' }).pid)!.imagePath).toBe('C:\\Windows\\System32\\calc.exe');
  });

  it('searches System32, then the 16-bit System directory, then the Windows directory (Learn, CreateProcess lpCommandLine)', () => {
    const sys = machine();
    const image = (): Uint8Array => buildImage({ imageBase: 0x140000000n, entryPointRva: 0x1000, subsystem: 3, sections: [{ name: '.text', virtualSize: 0x800, characteristics: 0x60000020 }], imports: ['KERNEL32.dll'] });
    // cmd lives in System32, so the creator's directory and current directory are System32 too.
    const cmd = sys.createProcess({ imagePath: 'cmd' }).pid;
    sys.psCall({ call: 'createFile', path: 'C:\\Windows\\System\\legacy16.exe', data: image() });
    sys.psCall({ call: 'createFile', path: 'C:\\Windows\\legacy16.exe', data: image() });
    expect(sys.queryProcess(sys.createProcess({ imagePath: 'legacy16', parentPid: cmd }).pid)!.imagePath).toBe('C:\\Windows\\System\\legacy16.exe');
  });

  it('a .bat or .cmd file runs in cmd.exe /c', () => {
    const sys = machine();
    const { pid } = sys.createProcess({ imagePath: 'C:\\Users\\Public\\hello.bat' });
    const q = sys.queryProcess(pid)!;
    expect(q.imageFileName).toBe('cmd.exe');
    expect(lastStep(sys, 'create.runBatch')!.args).toMatchObject({ script: 'C:\\Users\\Public\\hello.bat', interpreter: 'C:\\Windows\\System32\\cmd.exe' });
    expect(lastStep(sys, 'create.runBatch')!.args.commandLine).toBe('C:\\Windows\\System32\\cmd.exe /c "C:\\Users\\Public\\hello.bat"');
  });

  it('a user-built image on the volume runs; a file added later too (through the op log)', () => {
    const sys = machine();
    const bytes = buildImage({ imageBase: 0x140000000n, entryPointRva: 0x1000, subsystem: 3, sections: [{ name: '.text', virtualSize: 0x800, characteristics: 0x60000020 }], imports: ['KERNEL32.dll'] });
    sys.psCall({ call: 'createFile', path: 'C:\\Users\\Student\\hello.exe', data: bytes });
    const { pid } = sys.createProcess({ imagePath: 'C:\\Users\\Student\\hello.exe' });
    expect(sys.queryProcess(pid)!.imageFileName).toBe('hello.exe');
    const past = sys.stateAt(sys.stepCount - 1);
    expect(past.queryProcess(pid)!.imagePath).toBe('C:\\Users\\Student\\hello.exe');
  });

  it('Image File Execution Options: a Debugger value starts the debugger with the image on its command line', () => {
    const sys = machine();
    sys.psCall({ call: 'setRegistryValue', key: `${IFEO_KEY}\\notepad.exe`, name: 'Debugger', value: { type: REG_SZ, data: '"C:\\Program Files\\Windows Kits\\10\\Debuggers\\x64\\windbg.exe" -g' } });
    const { pid } = sys.createProcess({ imagePath: 'C:\\Windows\\System32\\notepad.exe' });
    const q = sys.queryProcess(pid)!;
    expect(q.imageFileName).toBe('windbg.exe');
    const step = lastStep(sys, 'create.ifeo')!;
    expect(step.stage).toBe('2');
    expect(step.args.commandLine).toBe('"C:\\Program Files\\Windows Kits\\10\\Debuggers\\x64\\windbg.exe" -g "C:\\Windows\\System32\\notepad.exe"');
    // A debugger launching the image itself (DEBUG_PROCESS) is not redirected again.
    const direct = sys.createProcess({ imagePath: 'C:\\Windows\\System32\\notepad.exe', creationFlags: DEBUG_PROCESS, parentPid: pid });
    expect(sys.queryProcess(direct.pid)!.imageFileName).toBe('notepad.exe');
  });

  it('protected processes: CREATE_PROTECTED_PROCESS needs an image signed for it (ERROR_INVALID_IMAGE_HASH otherwise)', () => {
    const sys = machine();
    failsWith(ERROR_INVALID_IMAGE_HASH, () => sys.createProcess({ imagePath: 'C:\\Windows\\System32\\notepad.exe', creationFlags: CREATE_PROTECTED_PROCESS }));
    expect(lastStep(sys, 'create.signature')!.args).toMatchObject({ allowed: false });
    const csrss = sys.processIds.find((p) => sys.queryProcess(p)!.imageFileName === 'csrss.exe')!;
    // OpenProcess on a protected process: only limited access for an unprotected caller. The caller is a
    // SYSTEM service (svchost), whom csrss's DACL grants everything: the protection alone limits it. (A
    // standard user, which this test used before OpenProcess checked the DACL, gets nothing at all.)
    const k = sys.win32(sys.processIds.find((p) => sys.queryProcess(p)!.imageFileName === 'svchost.exe')!);
    expect(k.OpenProcess(PROCESS_ALL_ACCESS, false, csrss)).toBe(0);
    expect(k.GetLastError()).toBe(ERROR_ACCESS_DENIED);
    expect(k.OpenProcess(0x1000, false, csrss)).not.toBe(0);
    expect(sys.win32(explorerOf(sys)).OpenProcess(0x1000, false, csrss)).toBe(0);
  });
});

describe('stage 1: flags', () => {
  it('priority class: Normal by default, the lowest of several wins, Idle/BelowNormal parents pass theirs on', () => {
    const sys = machine();
    const cls = (flags: number, parentPid?: number) => {
      const { pid } = sys.createProcess({ imagePath: 'notepad.exe', creationFlags: flags, parentPid });
      return { pid, step: lastStep(sys, 'create.validate')!.args.priorityClass };
    };
    expect(cls(0).step).toBe(NORMAL_PRIORITY_CLASS);
    expect(cls(HIGH_PRIORITY_CLASS | IDLE_PRIORITY_CLASS).step).toBe(IDLE_PRIORITY_CLASS);
    const idle = cls(IDLE_PRIORITY_CLASS);
    expect(cls(0, idle.pid).step).toBe(IDLE_PRIORITY_CLASS);
    const below = cls(BELOW_NORMAL_PRIORITY_CLASS);
    expect(cls(0, below.pid).step).toBe(BELOW_NORMAL_PRIORITY_CLASS);
  });

  it('Realtime without SeIncreaseBasePriorityPrivilege becomes High; with it, Realtime (base priority 24)', () => {
    const sys = machine();
    const user = explorerOf(sys);
    sys.createProcess({ imagePath: 'notepad.exe', creationFlags: REALTIME_PRIORITY_CLASS, parentPid: user });
    expect(lastStep(sys, 'create.validate')!.args.priorityClass).toBe(HIGH_PRIORITY_CLASS);
    expect(lastStep(sys, 'create.kprocess')!.args.basePriority).toBe(13);
    sys.grantPrivilege(user, 'SeIncreaseBasePriorityPrivilege');
    sys.createProcess({ imagePath: 'notepad.exe', creationFlags: REALTIME_PRIORITY_CLASS, parentPid: user });
    expect(lastStep(sys, 'create.kprocess')!.args.basePriority).toBe(24);
  });

  it('CREATE_NEW_CONSOLE with DETACHED_PROCESS is ERROR_INVALID_PARAMETER; console programs get a console, GUI programs none', () => {
    const sys = machine();
    failsWith(ERROR_INVALID_PARAMETER, () => sys.createProcess({ imagePath: 'cmd.exe', creationFlags: CREATE_NEW_CONSOLE | DETACHED_PROCESS }));
    const cmd = sys.createProcess({ imagePath: 'cmd.exe' }).pid;
    const consoleOf = (pid: number) => describeObject(sys, { kind: 'RTL_USER_PROCESS_PARAMETERS', pid })!.fields.find((f) => f.name === '(console)')!.value;
    expect(consoleOf(cmd)).toBe('new');
    expect(consoleOf(sys.createProcess({ imagePath: 'cmd.exe', parentPid: cmd }).pid)).toBe('inherited');
    expect(consoleOf(sys.createProcess({ imagePath: 'cmd.exe', parentPid: cmd, creationFlags: DETACHED_PROCESS }).pid)).toBe('detached');
    expect(consoleOf(sys.createProcess({ imagePath: 'notepad.exe', parentPid: cmd }).pid)).toBe('none');
  });

  it('DEBUG_PROCESS connects the creator as debugger: PEB.BeingDebugged is 1', () => {
    const sys = machine();
    const debuggee = sys.createProcess({ imagePath: 'notepad.exe', creationFlags: DEBUG_PROCESS, parentPid: explorerOf(sys) }).pid;
    expect(lastStep(sys, 'create.debug')!.args.debuggerPid).toBe(explorerOf(sys));
    const peb = sys.queryProcess(debuggee)!.peb;
    expect(sys.win32(debuggee).ReadMemory(peb + 2n, 1)[0]).toBe(1);
  });

  it('handle inheritance copies inheritable handles at the same values', () => {
    const sys = machine();
    const parent = sys.createProcess({ imagePath: 'cmd.exe' }).pid;
    const k = sys.win32(parent);
    const job = k.CreateJobObject(null, null);
    const inheritable = k.OpenProcess(0x1000, true, explorerOf(sys));
    const pi: PROCESS_INFORMATION = { hProcess: 0, hThread: 0, dwProcessId: 0, dwThreadId: 0 };
    expect(k.CreateProcess(null, 'notepad.exe', true, 0, null, pi)).toBe(true);
    expect(lastStep(sys, 'create.inheritHandles')!.args.handles).toBe(1);
    expect(describeObject(sys, { kind: 'HANDLE_TABLE_ENTRY', pid: pi.dwProcessId, handle: inheritable })).toBeDefined();
    // The job handle was not inheritable: the child holds no handle to a job (its loader's own handles, such as
    // \KnownDlls, may take the same value).
    expect(sys.queryHandles(pi.dwProcessId).some((h) => h.typeName === 'Job')).toBe(false);
    void job;
    const other: PROCESS_INFORMATION = { hProcess: 0, hThread: 0, dwProcessId: 0, dwThreadId: 0 };
    k.CreateProcess(null, 'notepad.exe', false, 0, null, other);
    expect(describeObject(sys, { kind: 'HANDLE_TABLE_ENTRY', pid: other.dwProcessId, handle: inheritable })).toBeUndefined();
    expect(verifyIntegrity(sys)).toEqual([]);
  });
});

describe('other ways in', () => {
  it('CreateProcess (Win32) returns process and thread handles and ids; failures return FALSE with the last error', () => {
    const sys = machine();
    const k = sys.win32(explorerOf(sys));
    const pi: PROCESS_INFORMATION = { hProcess: 0, hThread: 0, dwProcessId: 0, dwThreadId: 0 };
    expect(k.CreateProcess(null, '"C:\\Windows\\System32\\notepad.exe" readme.txt', false, 0, null, pi)).toBe(true);
    expect(pi.hProcess % 4).toBe(0);
    expect(pi.hThread).not.toBe(pi.hProcess);
    expect(sys.queryProcess(pi.dwProcessId)!.threads[0]!.tid).toBe(pi.dwThreadId);
    expect(k.CreateProcess('C:\\nope.exe', null, false, 0, null, pi)).toBe(false);
    expect(k.GetLastError()).toBe(ERROR_FILE_NOT_FOUND);
  });

  it('ShellExecuteEx runs the program associated with a document; .bat through cmd.exe; unknown extensions fail', () => {
    const sys = machine();
    const k = sys.win32(explorerOf(sys));
    const info = { lpFile: 'C:\\Users\\Public\\readme.txt', hProcess: 0 };
    expect(k.ShellExecuteEx(info)).toBe(true);
    const notepad = sys.getSteps(0, sys.stepCount).filter((s) => s.code === 'shell.execute').pop()!;
    expect(notepad.args.command).toBe('C:\\Windows\\system32\\NOTEPAD.EXE C:\\Users\\Public\\readme.txt');
    expect(info.hProcess).not.toBe(0);
    expect(k.ShellExecuteEx({ lpFile: 'C:\\Users\\Public\\hello.bat' })).toBe(true);
    expect(sys.getSteps(0, sys.stepCount).some((s) => s.code === 'create.runBatch')).toBe(true);
    sys.psCall({ call: 'createFile', path: 'C:\\Users\\Public\\data.xyz', data: new Uint8Array([1]) });
    expect(k.ShellExecuteEx({ lpFile: 'C:\\Users\\Public\\data.xyz' })).toBe(false);
    expect(k.GetLastError()).toBe(ERROR_NO_ASSOCIATION);
  });

  it('CreateProcessAsUser gives the child another token; a standard user may not assign one', () => {
    const sys = machine();
    const services = sys.processIds.find((p) => sys.queryProcess(p)!.imageFileName === 'services.exe')!;
    const { pid } = sys.psCall({ call: 'createProcessAsUser', options: { imagePath: 'notepad.exe', parentPid: services }, user: { account: 'User', sessionId: 1 } }) as { pid: number };
    const token = describeObject(sys, { kind: 'TOKEN', pid })!;
    expect(token.fields.find((f) => f.name === 'UserAndGroups')!.value).toContain('S-1-5-21-');
    expect(sys.queryProcess(pid)!.sessionId).toBe(1);
    failsWith(1314, () => sys.psCall({ call: 'createProcessAsUser', options: { imagePath: 'notepad.exe', parentPid: explorerOf(sys) }, user: { account: 'LocalSystem', sessionId: 1 } }));
  });

  it('ActivateApplication starts a packaged app from its registration', () => {
    const sys = machine();
    const { pid } = sys.psCall({ call: 'activateApplication', callerPid: explorerOf(sys), appUserModelId: 'Microsoft.WindowsCalculator_8wekyb3d8bbwe!App', arguments: '' }) as { pid: number };
    expect(sys.queryProcess(pid)!.imageFileName).toBe('Calculator.exe');
    expect(sys.getSteps(0, sys.stepCount).some((s) => s.routine === 'ActivateApplication')).toBe(true);
    failsWith(ERROR_FILE_NOT_FOUND, () => sys.psCall({ call: 'activateApplication', callerPid: explorerOf(sys), appUserModelId: 'No.Such_app!App', arguments: '' }));
  });
});
