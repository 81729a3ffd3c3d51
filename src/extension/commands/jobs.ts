// Action commands, one family: Job objects through the Win32 API of an owner process (explorer.exe unless `ownerPid`).
import * as vscode from 'vscode';
import {
  ERROR_ALREADY_EXISTS, JOB_OBJECT_LIMIT_ACTIVE_PROCESS, JOB_OBJECT_LIMIT_JOB_MEMORY, JOB_OBJECT_LIMIT_PRIORITY_CLASS, JOB_OBJECT_LIMIT_PROCESS_MEMORY,
  JOB_OBJECT_LIMIT_WORKINGSET, JobObjectExtendedLimitInformation, PROCESS_SET_QUOTA, PROCESS_TERMINATE, type JobInfo, type System, type Win32Api } from '../../engine';
import { Commands } from '../ids';
import { formatBytes, hex } from '../present/format';
import { jobLabel } from '../views/model';
import {
  JOB_LIMIT_FLAGS, PRIORITY_CLASS_NAMES, flagNames, jobLimitsFrom, parseInteger, parseJobLimitFlags, parseLimitBytes, parseMaximumWorkingSet,
  parsePriorityClass, parseProcessCount, type JobLimitInput,
} from './parse';
import { parseErrorMessage } from './validation';
import { Cancelled, field, Invalid, lastError, num, pickProcess, type ActionLog, type Args, type Register } from './context';

export function registerJobActions(register: Register, log: ActionLog): void {
  /** Explorer.exe unless `ownerPid` names another process: job handles live in its handle table. */
  function ownerOf(system: System, args: Args): number {
    const given = args.ownerPid;
    if (given !== undefined) {
      if (typeof given !== 'number' || !system.queryProcess(given)) throw new Invalid(vscode.l10n.t('There is no process with id {0}.', String(given)));
      return given;
    }
    const explorer = system.processIds.find((pid) => system.queryProcess(pid)!.imageFileName.toLowerCase() === 'explorer.exe');
    if (explorer === undefined) throw new Invalid(vscode.l10n.t('explorer.exe is not running: name the process that holds the job handle ("ownerPid").'));
    return explorer;
  }

  /** The job of `args.jobId` (a Jobs row passes it), or one picked from the job list. */
  async function pickJob(system: System, args: Args, title: string): Promise<JobInfo> {
    const jobs = system.queryJobs();
    const given = args.jobId;
    if (given !== undefined) {
      const job = jobs.find((j) => j.jobId === given);
      if (!job) throw new Invalid(vscode.l10n.t('There is no job with id {0}.', String(given)));
      return job;
    }
    if (!jobs.length) throw new Invalid(vscode.l10n.t('There is no job yet. Create one with "Create Job Object".'));
    const items = jobs.map((j) => ({
      label: jobLabel(vscode.l10n, j),
      description: j.activeProcesses === 1 ? vscode.l10n.t('{0} active process', j.activeProcesses) : vscode.l10n.t('{0} active processes', j.activeProcesses),
      detail: flagNames(j.limitFlags, JOB_LIMIT_FLAGS), job: j,
    }));
    const picked = await vscode.window.showQuickPick(items, { title, placeHolder: vscode.l10n.t('Pick a job') });
    if (!picked) throw new Cancelled();
    return picked.job;
  }

  /**
   * A process and handle through which to act on a job: the owner's handle when it has one, else any
   * process holding one; a named job is opened by name in the owner (CreateJobObject opens an existing one).
   */
  function jobHandle(system: System, job: JobInfo, args: Args): { pid: number; api: Win32Api; hJob: number } {
    const owner = ownerOf(system, args);
    const holders = [owner, ...system.processIds.filter((p) => p !== owner)];
    for (const pid of holders) {
      const h = system.queryHandles(pid).find((x) => x.typeName === 'Job' && x.key === job.jobId);
      if (h) return { pid, api: system.win32(pid), hJob: h.handle };
    }
    if (job.name) {
      const api = system.win32(owner);
      const hJob = api.CreateJobObject(null, job.name.slice(job.name.lastIndexOf('\\') + 1));
      if (hJob) return { pid: owner, api, hJob };
    }
    throw new Invalid(vscode.l10n.t('No process holds a handle to {0}, and an unnamed job cannot be opened again.', jobLabel(vscode.l10n, job)));
  }

  register(Commands.createJob, async (system, args) => {
    const title = vscode.l10n.t('Create Job Object');
    const owner = ownerOf(system, args);
    let name = args.name;
    // Asked for only from the UI (palette, view title, a tree row); an argument object without a name means unnamed.
    const fromUi = Object.keys(args).length === 0 || (typeof args.id === 'string' && typeof args.kind === 'string');
    if (name === undefined && fromUi) {
      name = await vscode.window.showInputBox({ title, ignoreFocusOut: true, prompt: vscode.l10n.t('lpName: a name for the job, or empty for an unnamed job'), placeHolder: 'LabJob',
        validateInput: (t) => (t.includes('\\') ? vscode.l10n.t('A job name may not contain a backslash.') : undefined) });
      if (name === undefined) throw new Cancelled();
    }
    if (name !== undefined && name !== null && typeof name !== 'string') throw new Invalid(vscode.l10n.t('"{0}" must be a string.', 'name'));
    const lpName = typeof name === 'string' && name.trim() ? name.trim() : null;
    if (lpName?.includes('\\')) throw new Invalid(vscode.l10n.t('A job name may not contain a backslash.'));
    const api = system.win32(owner);
    const hJob = api.CreateJobObject(null, lpName);
    if (!hJob) return lastError(api, 'CreateJobObject');
    const existed = api.GetLastError() === ERROR_ALREADY_EXISTS;
    const jobId = system.queryHandles(owner).find((h) => h.handle === hJob)?.key;
    const image = system.queryProcess(owner)!.imageFileName;
    log.info(`CreateJobObject(NULL, ${lpName ? `"${lpName}"` : 'NULL'}) = ${hex(hJob)}${existed ? ' (ERROR_ALREADY_EXISTS)' : ''} [${image}, pid ${owner}]`);
    return { ok: true, jobId, handle: hJob, ownerPid: owner, existed };
  });

  register(Commands.assignProcessToJob, async (system, args) => {
    const title = vscode.l10n.t('Assign Process to Job');
    const job = await pickJob(system, args, title);
    const pid = await pickProcess(system, args, title);
    const { pid: holder, api, hJob } = jobHandle(system, job, args);
    // AssignProcessToJobObject needs PROCESS_SET_QUOTA and PROCESS_TERMINATE (Microsoft Learn); asking for
    // no more keeps OpenProcess's access check from refusing rights the call does not use.
    const hProcess = api.OpenProcess(PROCESS_SET_QUOTA | PROCESS_TERMINATE, false, pid);
    if (!hProcess) return lastError(api, 'OpenProcess');
    try {
      if (!api.AssignProcessToJobObject(hJob, hProcess)) return lastError(api, 'AssignProcessToJobObject');
    } finally {
      api.CloseHandle(hProcess);
    }
    log.info(`AssignProcessToJobObject(${hex(hJob)}, ${system.queryProcess(pid)?.imageFileName ?? pid}) [pid ${holder}]`);
    return { ok: true, jobId: job.jobId, pid };
  });

  register(Commands.setJobLimits, async (system, args) => {
    const title = vscode.l10n.t('Set Job Limits');
    const job = await pickJob(system, args, title);
    let flags: number;
    const givenLimits = args.limits;
    if (givenLimits !== undefined) {
      const text = Array.isArray(givenLimits) ? givenLimits.join('|') : typeof givenLimits === 'number' ? String(givenLimits) : givenLimits;
      if (typeof text !== 'string') throw new Invalid(vscode.l10n.t('"{0}" must be a string or a number.', 'limits'));
      if (text.trim() === '' || text.trim() === '0') flags = 0;
      else {
        const r = parseJobLimitFlags(text);
        if (!r.ok) throw new Invalid(vscode.l10n.t('"{0}": {1}', 'limits', parseErrorMessage(r.error)));
        flags = r.value;
      }
    } else {
      const explain: Record<string, string> = {
        JOB_OBJECT_LIMIT_ACTIVE_PROCESS: vscode.l10n.t('At most ActiveProcessLimit processes in the job; one more fails to start or to be assigned'),
        JOB_OBJECT_LIMIT_PROCESS_MEMORY: vscode.l10n.t('Each process may commit at most ProcessMemoryLimit bytes'),
        JOB_OBJECT_LIMIT_JOB_MEMORY: vscode.l10n.t('The processes together may commit at most JobMemoryLimit bytes'),
        JOB_OBJECT_LIMIT_WORKINGSET: vscode.l10n.t('Every process gets the job\'s minimum and a hard maximum working set'),
        JOB_OBJECT_LIMIT_PRIORITY_CLASS: vscode.l10n.t('Every process runs at the job\'s priority class'),
        JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE: vscode.l10n.t('Closing the last handle to the job terminates its processes'),
        JOB_OBJECT_LIMIT_BREAKAWAY_OK: vscode.l10n.t('Children created with CREATE_BREAKAWAY_FROM_JOB leave the job'),
        JOB_OBJECT_LIMIT_SILENT_BREAKAWAY_OK: vscode.l10n.t('Every child process leaves the job'),
      };
      const picked = await vscode.window.showQuickPick(Object.entries(JOB_LIMIT_FLAGS).map(([label, value]) => ({ label, description: hex(value), detail: explain[label], value, picked: (job.limitFlags & value) !== 0 })),
        { title, canPickMany: true, placeHolder: vscode.l10n.t('LimitFlags: the limits to set (the others are cleared)') });
      if (!picked) throw new Cancelled();
      flags = picked.reduce((a, p) => a | p.value, 0);
    }
    const input: JobLimitInput = { flags };
    const on = (flag: number): boolean => (flags & flag) !== 0;
    const bytesOf = (n: number): string => (n ? formatBytes(n).replace(/\s+/g, '') : '');
    if (on(JOB_OBJECT_LIMIT_ACTIVE_PROCESS)) input.activeProcessLimit = await field(args, 'activeProcessLimit', parseProcessCount, { title, prompt: vscode.l10n.t('ActiveProcessLimit: how many processes may be active in the job'), value: String(job.activeProcessLimit || 1) }, num);
    if (on(JOB_OBJECT_LIMIT_PROCESS_MEMORY)) input.processMemoryLimit = await field(args, 'processMemoryLimit', parseLimitBytes, { title, prompt: vscode.l10n.t('ProcessMemoryLimit: commit per process, e.g. 16M'), value: bytesOf(job.processMemoryLimit) || '16M' }, num);
    if (on(JOB_OBJECT_LIMIT_JOB_MEMORY)) input.jobMemoryLimit = await field(args, 'jobMemoryLimit', parseLimitBytes, { title, prompt: vscode.l10n.t('JobMemoryLimit: commit of all the processes together, e.g. 64M'), value: bytesOf(job.jobMemoryLimit) || '64M' }, num);
    if (on(JOB_OBJECT_LIMIT_WORKINGSET)) {
      const minimum = await field(args, 'minimumWorkingSet', parseLimitBytes, { title, prompt: vscode.l10n.t('MinimumWorkingSetSize in bytes, e.g. 256K'), value: bytesOf(job.minimumWorkingSetSize) || '256K' }, num);
      input.minimumWorkingSet = minimum;
      input.maximumWorkingSet = await field(args, 'maximumWorkingSet', (t) => parseMaximumWorkingSet(t, minimum), { title, prompt: vscode.l10n.t('MaximumWorkingSetSize in bytes (at least the minimum), e.g. 1M'), value: bytesOf(job.maximumWorkingSetSize) || '1M' }, num);
    }
    if (on(JOB_OBJECT_LIMIT_PRIORITY_CLASS)) {
      if (args.priorityClass !== undefined) input.priorityClass = await field(args, 'priorityClass', parsePriorityClass, { title, prompt: '' }, num);
      else {
        const picked = await vscode.window.showQuickPick(Object.entries(PRIORITY_CLASS_NAMES).map(([label, value]) => ({ label, description: hex(value), value })),
          { title, placeHolder: vscode.l10n.t('PriorityClass of every process in the job') });
        if (!picked) throw new Cancelled();
        input.priorityClass = picked.value;
      }
    }
    const limits = jobLimitsFrom(input);
    if (!limits.ok) throw new Invalid(parseErrorMessage(limits.error));
    const { pid: holder, api, hJob } = jobHandle(system, job, args);
    if (!api.SetInformationJobObject(hJob, JobObjectExtendedLimitInformation, limits.value)) return lastError(api, 'SetInformationJobObject');
    log.info(`SetInformationJobObject(${hex(hJob)}, JobObjectExtendedLimitInformation, ${flagNames(flags, JOB_LIMIT_FLAGS) || '0'}) [pid ${holder}]`);
    return { ok: true, jobId: job.jobId, limitFlags: flags, limits: limits.value };
  });

  register(Commands.terminateJob, async (system, args) => {
    const job = await pickJob(system, args, vscode.l10n.t('Terminate Job'));
    const exitCode = args.exitCode === undefined ? 1 : await field(args, 'exitCode', (t) => { const r = parseInteger(t, 0xFFFFFFFFn); return r.ok ? { ok: true, value: Number(r.value) } : r; }, { title: '', prompt: '' }, num);
    const members = job.processIds.length;
    const { pid: holder, api, hJob } = jobHandle(system, job, args);
    if (!api.TerminateJobObject(hJob, exitCode)) return lastError(api, 'TerminateJobObject');
    log.info(`TerminateJobObject(${hex(hJob)}, ${exitCode}) [pid ${holder}]: ${members}`);
    return { ok: true, jobId: job.jobId, terminated: members };
  });
}
