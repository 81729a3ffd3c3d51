/**
 * Job memory limits (JOBOBJECT_EXTENDED_LIMIT_INFORMATION): "no single process could commit more than
 * ProcessMemoryLimit, and the processes of the job together never more than JobMemoryLimit". A commit
 * past a limit fails the way a commit past the commit limit does (ERROR_COMMITMENT_LIMIT).
 */
import { describe, expect, it } from 'vitest';
import {
  createSystem, ERROR_COMMITMENT_LIMIT, JOB_OBJECT_LIMIT_JOB_MEMORY, JOB_OBJECT_LIMIT_PROCESS_MEMORY, JOB_OBJECT_LIMIT_WORKINGSET,
  JobObjectExtendedLimitInformation, MEM_COMMIT, MEM_RESERVE, PAGE_READWRITE, PROCESS_ALL_ACCESS, verifyIntegrity,
} from '../../src/engine';

const MB = 0x100000n;

function jobWith(limits: { LimitFlags: number; ProcessMemoryLimit?: number; JobMemoryLimit?: number }) {
  const sys = createSystem({ physicalMemoryMB: 64, pageFileMB: 128 });
  const shell = sys.createProcess({ imagePath: 'C:\\Windows\\System32\\cmd.exe' }).pid;
  const k = sys.win32(shell);
  const a = sys.createProcess({ imagePath: 'C:\\Windows\\System32\\notepad.exe' }).pid;
  const b = sys.createProcess({ imagePath: 'C:\\Windows\\System32\\calc.exe' }).pid;
  const job = k.CreateJobObject(null, null);
  expect(k.SetInformationJobObject(job, JobObjectExtendedLimitInformation, limits)).toBe(true);
  for (const pid of [a, b]) expect(k.AssignProcessToJobObject(job, k.OpenProcess(PROCESS_ALL_ACCESS, false, pid))).toBe(true);
  return { sys, k, ka: sys.win32(a), kb: sys.win32(b), job };
}

describe('job memory limits', () => {
  it('a process cannot commit past ProcessMemoryLimit; reserving is free; the peak is recorded', () => {
    const { sys, ka } = jobWith({ LimitFlags: JOB_OBJECT_LIMIT_PROCESS_MEMORY, ProcessMemoryLimit: 8 * 0x100000 });
    expect(ka.VirtualAlloc(0n, 64n * MB, MEM_RESERVE, PAGE_READWRITE)).not.toBe(0n);
    expect(ka.VirtualAlloc(0n, 2n * MB, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE)).not.toBe(0n);
    expect(ka.VirtualAlloc(0n, 8n * MB, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE)).toBe(0n);
    expect(ka.GetLastError()).toBe(ERROR_COMMITMENT_LIMIT);
    const [job] = sys.queryJobs();
    expect(job!.peakProcessMemoryUsed).toBeGreaterThan(2 * 0x100000);
    expect(job!.peakProcessMemoryUsed).toBeLessThanOrEqual(8 * 0x100000);
    expect(verifyIntegrity(sys)).toEqual([]);
  });

  it('the processes of a job together cannot commit past JobMemoryLimit', () => {
    const { sys, ka, kb, job, k } = jobWith({ LimitFlags: 0 });
    // What the two processes already commit (PEB, TEB, stack, heap...), plus 8 MB of room.
    const used = [ka.pid, kb.pid].reduce((n, pid) => n + sys.queryProcess(pid)!.privateCommit * 4096, 0);
    expect(k.SetInformationJobObject(job, JobObjectExtendedLimitInformation, { LimitFlags: JOB_OBJECT_LIMIT_JOB_MEMORY, JobMemoryLimit: used + 8 * 0x100000 })).toBe(true);
    expect(ka.VirtualAlloc(0n, 5n * MB, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE)).not.toBe(0n);
    expect(kb.VirtualAlloc(0n, 5n * MB, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE)).toBe(0n);
    expect(kb.GetLastError()).toBe(ERROR_COMMITMENT_LIMIT);
    expect(kb.VirtualAlloc(0n, 1n * MB, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE)).not.toBe(0n);
    expect(verifyIntegrity(sys)).toEqual([]);
  });
});

describe('job working-set limit', () => {
  it('JOB_OBJECT_LIMIT_WORKINGSET caps every member working set at the job maximum, as a hard limit', () => {
    const { sys, ka, kb, job, k } = jobWith({ LimitFlags: 0 });
    const base = ka.VirtualAlloc(0n, 2n * MB, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
    for (let i = 0n; i < 300n; i++) ka.WriteMemory(base + i * 0x1000n, new Uint8Array([1]));
    expect(sys.queryProcess(ka.pid)!.workingSetSize).toBeGreaterThan(300);
    // Invalid: a minimum above the maximum.
    expect(k.SetInformationJobObject(job, JobObjectExtendedLimitInformation, { LimitFlags: JOB_OBJECT_LIMIT_WORKINGSET, MinimumWorkingSetSize: 0x100000, MaximumWorkingSetSize: 0x80000 })).toBe(false);
    expect(k.SetInformationJobObject(job, JobObjectExtendedLimitInformation, { LimitFlags: JOB_OBJECT_LIMIT_WORKINGSET, MinimumWorkingSetSize: 0x40000, MaximumWorkingSetSize: 0x80000 })).toBe(true);
    // 512 KB = 128 pages, at once and after more touches (memory is plentiful: only the hard limit trims).
    expect(sys.queryProcess(ka.pid)!.workingSetSize).toBeLessThanOrEqual(128);
    for (let i = 300n; i < 500n; i++) ka.WriteMemory(base + i * 0x1000n, new Uint8Array([2]));
    expect(sys.queryProcess(ka.pid)!.workingSetSize).toBeLessThanOrEqual(128);
    expect(sys.queryProcess(kb.pid)!.workingSetMaximum).toBe(128);
    expect(ka.ReadMemory(base, 1)[0]).toBe(1);
    expect(verifyIntegrity(sys)).toEqual([]);
  });
});
