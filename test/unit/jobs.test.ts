/**
 * Job objects (Microsoft Learn: Job Objects, CreateJobObjectW, AssignProcessToJobObject, Nested Jobs,
 * JOBOBJECT_BASIC_LIMIT_INFORMATION, JOBOBJECT_BASIC_ACCOUNTING_INFORMATION).
 */
import { describe, expect, it } from 'vitest';
import {
  createSystem, CREATE_BREAKAWAY_FROM_JOB, ERROR_ACCESS_DENIED, ERROR_ALREADY_EXISTS, ERROR_NOT_ENOUGH_QUOTA, IDLE_PRIORITY_CLASS,
  JOB_OBJECT_LIMIT_ACTIVE_PROCESS, JOB_OBJECT_LIMIT_BREAKAWAY_OK, JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE, JOB_OBJECT_LIMIT_PRIORITY_CLASS,
  JobObjectBasicAccountingInformation, JobObjectBasicLimitInformation, JobObjectBasicProcessIdList, PROCESS_ALL_ACCESS, verifyIntegrity,
  type PROCESS_INFORMATION, type System,
} from '../../src/engine';
import { machineOf } from '../../src/engine/testing';

function shell(): { sys: System; k: ReturnType<System['win32']>; shellPid: number } {
  const sys = createSystem({ physicalMemoryMB: 64, pageFileMB: 64 });
  const shellPid = sys.createProcess({ imagePath: 'cmd.exe' }).pid;
  return { sys, k: sys.win32(shellPid), shellPid };
}

function spawn(k: ReturnType<System['win32']>, flags = 0): PROCESS_INFORMATION {
  const pi: PROCESS_INFORMATION = { hProcess: 0, hThread: 0, dwProcessId: 0, dwThreadId: 0 };
  if (!k.CreateProcess(null, 'notepad.exe', false, flags, null, pi)) throw new Error(`CreateProcess failed: ${k.GetLastError()}`);
  return pi;
}

describe('jobs', () => {
  it('assigning a process; its children join the job; accounting counts them', () => {
    const { sys, k } = shell();
    const job = k.CreateJobObject(null, 'Local\\Build');
    const pi = spawn(k);
    expect(k.AssignProcessToJobObject(job, pi.hProcess)).toBe(true);
    const child = sys.createProcess({ imagePath: 'calc.exe', parentPid: pi.dwProcessId });
    const acct: Record<string, unknown> = {};
    expect(k.QueryInformationJobObject(job, JobObjectBasicAccountingInformation, acct)).toBe(true);
    expect(acct).toMatchObject({ TotalProcesses: 2, ActiveProcesses: 2, TotalTerminatedProcesses: 0 });
    const ids: Record<string, unknown> = {};
    k.QueryInformationJobObject(job, JobObjectBasicProcessIdList, ids);
    expect(ids.ProcessIdList).toEqual([pi.dwProcessId, child.pid]);
    const inJob = { value: false };
    expect(k.IsProcessInJob(pi.hProcess, job, inJob)).toBe(true);
    expect(inJob.value).toBe(true);
    expect(sys.getSteps(0, sys.stepCount).some((s) => s.code === 'create.joinJob' && s.stage === '3F')).toBe(true);
    sys.psCall({ call: 'terminatePid', pid: child.pid, exitCode: 0 });
    k.QueryInformationJobObject(job, JobObjectBasicAccountingInformation, acct);
    expect(acct).toMatchObject({ TotalProcesses: 2, ActiveProcesses: 1 });
    expect(verifyIntegrity(sys)).toEqual([]);
  });

  it('the active-process limit: a child beyond it fails with ERROR_NOT_ENOUGH_QUOTA; an assignment beyond it kills the process', () => {
    const { sys, k } = shell();
    const job = k.CreateJobObject(null, null);
    const pi = spawn(k);
    k.AssignProcessToJobObject(job, pi.hProcess);
    expect(k.SetInformationJobObject(job, JobObjectBasicLimitInformation, { LimitFlags: JOB_OBJECT_LIMIT_ACTIVE_PROCESS, ActiveProcessLimit: 1 })).toBe(true);
    expect(() => sys.createProcess({ imagePath: 'calc.exe', parentPid: pi.dwProcessId })).toThrow(expect.objectContaining({ code: ERROR_NOT_ENOUGH_QUOTA }));
    const other = spawn(k);
    expect(k.AssignProcessToJobObject(job, other.hProcess)).toBe(false);
    expect(k.GetLastError()).toBe(ERROR_NOT_ENOUGH_QUOTA);
    expect(sys.queryProcess(other.dwProcessId)).toBeUndefined();
    expect(verifyIntegrity(sys)).toEqual([]);
  });

  it('breakaway needs JOB_OBJECT_LIMIT_BREAKAWAY_OK', () => {
    const { sys, k } = shell();
    const job = k.CreateJobObject(null, null);
    const pi = spawn(k);
    k.AssignProcessToJobObject(job, pi.hProcess);
    expect(() => sys.createProcess({ imagePath: 'calc.exe', parentPid: pi.dwProcessId, creationFlags: CREATE_BREAKAWAY_FROM_JOB })).toThrow(expect.objectContaining({ code: ERROR_ACCESS_DENIED }));
    k.SetInformationJobObject(job, JobObjectBasicLimitInformation, { LimitFlags: JOB_OBJECT_LIMIT_BREAKAWAY_OK });
    const free = sys.createProcess({ imagePath: 'calc.exe', parentPid: pi.dwProcessId, creationFlags: CREATE_BREAKAWAY_FROM_JOB });
    const h = k.OpenProcess(PROCESS_ALL_ACCESS, false, free.pid);
    const r = { value: true };
    k.IsProcessInJob(h, null, r);
    expect(r.value).toBe(false);
  });

  it('a priority-class limit applies to members', () => {
    const { sys, k } = shell();
    const job = k.CreateJobObject(null, null);
    k.SetInformationJobObject(job, JobObjectBasicLimitInformation, { LimitFlags: JOB_OBJECT_LIMIT_PRIORITY_CLASS, PriorityClass: IDLE_PRIORITY_CLASS });
    const pi = spawn(k);
    k.AssignProcessToJobObject(job, pi.hProcess);
    const child = sys.createProcess({ imagePath: 'calc.exe', parentPid: pi.dwProcessId });
    const layout = (pid: number) => (machineOf(sys).ps.live(pid).priorityClass);
    expect(layout(pi.dwProcessId)).toBe(IDLE_PRIORITY_CLASS);
    expect(layout(child.pid)).toBe(IDLE_PRIORITY_CLASS);
  });

  it('kill on job close: closing the last handle terminates every process in the job (and nested jobs)', () => {
    const { sys, k } = shell();
    const outer = k.CreateJobObject(null, null);
    const inner = k.CreateJobObject(null, null);
    k.SetInformationJobObject(outer, JobObjectBasicLimitInformation, { LimitFlags: JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE });
    const a = spawn(k);
    const b = spawn(k);
    k.AssignProcessToJobObject(outer, a.hProcess);
    k.AssignProcessToJobObject(outer, b.hProcess);
    // Nesting: b moves into the (empty) inner job, which becomes a child of outer.
    expect(k.AssignProcessToJobObject(inner, b.hProcess)).toBe(true);
    const r = { value: false };
    k.IsProcessInJob(b.hProcess, outer, r);
    expect(r.value).toBe(true);
    const acct: Record<string, unknown> = {};
    k.QueryInformationJobObject(outer, JobObjectBasicAccountingInformation, acct);
    expect(acct.ActiveProcesses).toBe(2);
    // A process in a job cannot go to an unrelated non-empty job.
    const third = k.CreateJobObject(null, null);
    const c = spawn(k);
    k.AssignProcessToJobObject(third, c.hProcess);
    expect(k.AssignProcessToJobObject(third, a.hProcess)).toBe(false);
    expect(k.GetLastError()).toBe(ERROR_ACCESS_DENIED);
    expect(k.CloseHandle(outer)).toBe(true);
    expect(sys.queryProcess(a.dwProcessId)).toBeUndefined();
    expect(sys.queryProcess(b.dwProcessId)).toBeUndefined();
    expect(sys.queryProcess(c.dwProcessId)).toBeDefined();
    expect(sys.getSteps(0, sys.stepCount).filter((s) => s.code === 'job.terminate').pop()!.args).toMatchObject({ processes: 2, reason: 'KillOnJobClose' });
    expect(verifyIntegrity(sys)).toEqual([]);
  });

  it('named jobs: a second CreateJobObject opens the same job and sets ERROR_ALREADY_EXISTS; Global\\ and Local\\ differ in a session', () => {
    const { sys, k } = shell();
    const a = k.CreateJobObject(null, 'Local\\Shared');
    expect(k.GetLastError()).toBe(0);
    const b = k.CreateJobObject(null, 'Shared');
    expect(k.GetLastError()).toBe(ERROR_ALREADY_EXISTS);
    expect(b).not.toBe(a);
    const g = k.CreateJobObject(null, 'Global\\Shared');
    expect(k.GetLastError()).toBe(0);
    const names = [...machineOf(sys).ps.jobs.values()].map((j) => j.name);
    expect(names).toEqual(['\\Sessions\\1\\BaseNamedObjects\\Shared', '\\BaseNamedObjects\\Shared']);
    expect(k.CreateJobObject(null, 'Local\\a\\b')).toBe(0);
    void g;
  });

  it('TerminateJobObject ends every member with the exit code; empty unreferenced jobs go away', () => {
    const { sys, k } = shell();
    const job = k.CreateJobObject(null, null);
    const a = spawn(k);
    k.AssignProcessToJobObject(job, a.hProcess);
    expect(k.TerminateJobObject(job, 9)).toBe(true);
    const code = { value: 0 };
    k.GetExitCodeProcess(a.hProcess, code);
    expect(code.value).toBe(9);
    k.CloseHandle(job);
    expect(machineOf(sys).ps.jobs.size).toBe(0);
    expect(verifyIntegrity(sys)).toEqual([]);
  });
});
