// The parsers behind Set Job Limits: limit names, process counts, K/M/G memory limits, working-set
// ranges and priority classes, and the JOBOBJECT_EXTENDED_LIMIT_INFORMATION they add up to.
import { describe, expect, it } from 'vitest';
import {
  jobLimitsFrom, parseJobLimitFlags, parseLimitBytes, parseMaximumWorkingSet, parsePriorityClass, parseProcessCount,
} from '../../src/extension/commands/parse';
import {
  createSystem, ERROR_COMMITMENT_LIMIT, IDLE_PRIORITY_CLASS, JOB_OBJECT_LIMIT_ACTIVE_PROCESS, JOB_OBJECT_LIMIT_JOB_MEMORY,
  JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE, JOB_OBJECT_LIMIT_WORKINGSET, JobObjectExtendedLimitInformation, MEM_COMMIT, MEM_RESERVE, PAGE_READWRITE, PROCESS_ALL_ACCESS,
} from '../../src/engine';

const value = <T>(r: { ok: true; value: T } | { ok: false }): T => { if (!r.ok) throw new Error('expected ok'); return r.value; };
const code = (r: { ok: boolean; error?: { code: string; detail?: string } }): string | undefined => (r.ok ? undefined : r.error!.code);

describe('parseJobLimitFlags', () => {
  it('reads JOB_OBJECT_LIMIT_* names with or without the prefix, any case, joined by |', () => {
    expect(value(parseJobLimitFlags('JOB_OBJECT_LIMIT_ACTIVE_PROCESS'))).toBe(JOB_OBJECT_LIMIT_ACTIVE_PROCESS);
    expect(value(parseJobLimitFlags('active_process | job_memory'))).toBe(JOB_OBJECT_LIMIT_ACTIVE_PROCESS | JOB_OBJECT_LIMIT_JOB_MEMORY);
    expect(value(parseJobLimitFlags('KILL_ON_JOB_CLOSE + 0x1'))).toBe(JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE | JOB_OBJECT_LIMIT_WORKINGSET);
  });
  it('refuses unknown names and empty text', () => {
    expect(code(parseJobLimitFlags('JOB_OBJECT_LIMIT_PONIES'))).toBe('unknownName');
    expect(code(parseJobLimitFlags(''))).toBe('empty');
    expect(code(parseJobLimitFlags('ACTIVE_PROCESS |'))).toBe('syntax');
  });
});

describe('job limit values', () => {
  it('ActiveProcessLimit is a DWORD count', () => {
    expect(value(parseProcessCount('2'))).toBe(2);
    expect(value(parseProcessCount('0x10'))).toBe(16);
    expect(code(parseProcessCount('-1'))).toBe('negative');
    expect(code(parseProcessCount('0x100000000'))).toBe('tooLarge');
    expect(code(parseProcessCount('two'))).toBe('syntax');
  });
  it('memory limits take K/M/G sizes and are never zero', () => {
    expect(value(parseLimitBytes('16M'))).toBe(16 * 1024 * 1024);
    expect(value(parseLimitBytes('1.5G'))).toBe(1.5 * 1024 ** 3);
    expect(value(parseLimitBytes('0x100000'))).toBe(0x100000);
    expect(code(parseLimitBytes('0'))).toBe('zero');
    expect(code(parseLimitBytes('16Q'))).toBe('syntax');
    expect(code(parseLimitBytes('9999999T'))).toBe('tooLarge');
  });
  it('the maximum working set may not be below the minimum', () => {
    expect(value(parseMaximumWorkingSet('1M', 256 * 1024))).toBe(1024 * 1024);
    expect(value(parseMaximumWorkingSet('256K', 256 * 1024))).toBe(256 * 1024);
    const below = parseMaximumWorkingSet('128K', 256 * 1024);
    expect(code(below)).toBe('belowMinimum');
    expect(below.ok ? '' : below.error.detail).toBe('256 KB');
  });
  it('priority classes by winbase.h name, short name or value', () => {
    expect(value(parsePriorityClass('IDLE_PRIORITY_CLASS'))).toBe(IDLE_PRIORITY_CLASS);
    expect(value(parsePriorityClass('below normal'))).toBe(0x4000);
    expect(value(parsePriorityClass('0x80'))).toBe(0x80);
    expect(code(parsePriorityClass('0x81'))).toBe('unknownName');
    expect(code(parsePriorityClass('turbo'))).toBe('unknownName');
  });
});

describe('jobLimitsFrom', () => {
  it('builds the extended limit information with the value of each flag set, and nothing else', () => {
    const limits = value(jobLimitsFrom({ flags: JOB_OBJECT_LIMIT_ACTIVE_PROCESS | JOB_OBJECT_LIMIT_JOB_MEMORY, activeProcessLimit: 2, jobMemoryLimit: 16 << 20, processMemoryLimit: 1 << 20 }));
    expect(limits).toEqual({ LimitFlags: JOB_OBJECT_LIMIT_ACTIVE_PROCESS | JOB_OBJECT_LIMIT_JOB_MEMORY, ActiveProcessLimit: 2, JobMemoryLimit: 16 << 20 });
    expect(value(jobLimitsFrom({ flags: JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE }))).toEqual({ LimitFlags: JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE });
  });
  it('names the value a flag lacks, and refuses a working-set range upside down', () => {
    const missing = jobLimitsFrom({ flags: JOB_OBJECT_LIMIT_WORKINGSET, minimumWorkingSet: 0x40000 });
    expect(code(missing)).toBe('missingValue');
    expect(missing.ok ? '' : missing.error.detail).toBe('maximumWorkingSet');
    expect(code(jobLimitsFrom({ flags: JOB_OBJECT_LIMIT_WORKINGSET, minimumWorkingSet: 0x80000, maximumWorkingSet: 0x40000 }))).toBe('belowMinimum');
  });
  it('what it builds is what the engine enforces: a job memory limit makes VirtualAlloc fail with ERROR_COMMITMENT_LIMIT', () => {
    const system = createSystem({ physicalMemoryMB: 64, pageFileMB: 64 });
    const { pid } = system.createProcess({ imagePath: 'C:\\Windows\\System32\\notepad.exe' });
    const explorer = system.processIds.find((p) => system.queryProcess(p)!.imageFileName === 'explorer.exe')!;
    const k = system.win32(explorer);
    const job = k.CreateJobObject(null, null);
    expect(k.AssignProcessToJobObject(job, k.OpenProcess(PROCESS_ALL_ACCESS, false, pid))).toBe(true);
    const used = system.queryProcess(pid)!.privateCommit * 4096;
    const limits = value(jobLimitsFrom({ flags: value(parseJobLimitFlags('JOB_MEMORY')), jobMemoryLimit: used + value(parseLimitBytes('1M')) }));
    expect(k.SetInformationJobObject(job, JobObjectExtendedLimitInformation, limits)).toBe(true);
    const api = system.win32(pid);
    expect(api.VirtualAlloc(0n, 0x200000n, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE)).toBe(0n);
    expect(api.GetLastError()).toBe(ERROR_COMMITMENT_LIMIT);
    expect(api.VirtualAlloc(0n, 0x10000n, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE)).not.toBe(0n);
  });
});
