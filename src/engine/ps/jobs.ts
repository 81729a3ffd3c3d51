// Job objects: NtCreateJobObject / OpenJobObject, AssignProcessToJobObject with nesting, limits (active
// processes, process and job memory, working set, priority class), accounting, TerminateJobObject and
// kill-on-close. Windows Internals 7e ch. 3, "Jobs".
import { PAGE_SIZE } from '../constants';
import { ERROR_ACCESS_DENIED, ERROR_FILE_NOT_FOUND, ERROR_INVALID_HANDLE, ERROR_INVALID_PARAMETER, ERROR_NOT_ENOUGH_QUOTA, JOB_OBJECT_ALL_ACCESS, JOB_OBJECT_LIMIT_ACTIVE_PROCESS, JOB_OBJECT_LIMIT_JOB_MEMORY, JOB_OBJECT_LIMIT_PRIORITY_CLASS, JOB_OBJECT_LIMIT_PROCESS_MEMORY, JOB_OBJECT_LIMIT_WORKINGSET, JOB_OBJECT_QUERY, JobObjectBasicAccountingInformation, JobObjectBasicLimitInformation, JobObjectBasicProcessIdList, JobObjectExtendedLimitInformation } from '../constants';
import { LastError } from '../errors';
import { resolveObjectName } from '../ob/objectManager';
import type { ProcessObject } from '../process';
import { insertHandle, processFromHandle, resolve } from './handles';
import { EJOB_SIZE } from './objectSizes';
import { PRIORITY_CLASS_BASE, PRIORITY_ORDER } from './priorities';
import type { ProcessManager } from './processManager';
import { JobObject } from './state';
import { terminateProcess } from './termination';

const fail = (code: number): never => { throw new LastError(code); };

/** JOBOBJECT_BASIC_LIMIT_INFORMATION + the memory limits of JOBOBJECT_EXTENDED_LIMIT_INFORMATION (sizes in bytes). */
export interface JobLimits {
  LimitFlags: number;
  MinimumWorkingSetSize?: number;
  MaximumWorkingSetSize?: number;
  ActiveProcessLimit?: number;
  PriorityClass?: number;
  ProcessMemoryLimit?: number;
  JobMemoryLimit?: number;
}

/** QueryInformationJobObject for the basic accounting, basic limit, process id list and extended limit classes. */
export function queryJob(pm: ProcessManager, caller: ProcessObject, hJob: number, infoClass: number): Record<string, unknown> {
  const j = jobFromHandle(pm, caller, hJob, JOB_OBJECT_QUERY);
  const basic = {
    PerProcessUserTimeLimit: 0n, PerJobUserTimeLimit: 0n, LimitFlags: j.limitFlags, MinimumWorkingSetSize: BigInt(j.minimumWorkingSetSize),
    MaximumWorkingSetSize: BigInt(j.maximumWorkingSetSize), ActiveProcessLimit: j.activeProcessLimit, Affinity: 0n, PriorityClass: j.priorityClass, SchedulingClass: 5,
  };
  switch (infoClass) {
    case JobObjectBasicAccountingInformation: {
      let faults = j.totalPageFaultCount;
      for (const p of jobProcesses(pm, j)) faults += p.ws.pageFaultCount;
      return { TotalUserTime: 0n, TotalKernelTime: 0n, ThisPeriodTotalUserTime: 0n, ThisPeriodTotalKernelTime: 0n, TotalPageFaultCount: faults, TotalProcesses: j.totalProcesses, ActiveProcesses: j.activeProcesses, TotalTerminatedProcesses: j.totalTerminatedProcesses };
    }
    case JobObjectBasicLimitInformation: return basic;
    case JobObjectBasicProcessIdList: {
      const ids = jobProcesses(pm, j).map((p) => p.pid);
      return { NumberOfAssignedProcesses: ids.length, NumberOfProcessIdsInList: ids.length, ProcessIdList: ids };
    }
    case JobObjectExtendedLimitInformation: {
      let jobMemory = 0;
      let peakProcess = j.peakProcessMemoryUsed;
      for (const p of jobProcesses(pm, j)) { const b = p.privateCommit * PAGE_SIZE; jobMemory += b; peakProcess = Math.max(peakProcess, b); }
      return { BasicLimitInformation: basic, ProcessMemoryLimit: BigInt(j.processMemoryLimit), JobMemoryLimit: BigInt(j.jobMemoryLimit), PeakProcessMemoryUsed: BigInt(peakProcess), PeakJobMemoryUsed: BigInt(Math.max(j.peakJobMemoryUsed, jobMemory)) };
    }
    default: return fail(ERROR_INVALID_PARAMETER);
  }
}

/** IsProcessInJob: in `hJob` (or one of its child jobs), or in any job when hJob is null. */
export function isProcessInJob(pm: ProcessManager, caller: ProcessObject, hProcess: number, hJob: number | null): boolean {
  const p = processFromHandle(pm, caller, hProcess, 0);
  const jobId = pm.state(p).jobId;
  if (hJob === null || hJob === 0) return jobId !== 0;
  const j = jobFromHandle(pm, caller, hJob, JOB_OBJECT_QUERY);
  for (let k = pm.jobs.get(jobId); k; k = k.parentJobId ? pm.jobs.get(k.parentJobId) : undefined) if (k.jobId === j.jobId) return true;
  return false;
}

export function createJob(pm: ProcessManager, caller: ProcessObject, name: string | null): { handle: number; existed: boolean } {
  const t = pm.trace;
  let fullName: string | null = null;
  if (name !== null && name !== undefined) {
    fullName = resolveObjectName(name, caller.sessionId);
    const existing = pm.ob.lookup(fullName);
    if (existing) {
      if (existing.typeName !== 'Job') fail(6); // ERROR_INVALID_HANDLE: a name used by another object type
      return { handle: insertHandle(pm, caller, existing.objectId, JOB_OBJECT_ALL_ACCESS), existed: true };
    }
  }
  const jobId = pm.nextJobId++;
  const header = pm.ob.create('Job', jobId, EJOB_SIZE, fullName);
  header.pointerCount = 0;
  const job = new JobObject(jobId, header.objectId, header.address, fullName);
  pm.jobs.set(jobId, job);
  const handle = insertHandle(pm, caller, header.objectId, JOB_OBJECT_ALL_ACCESS);
  t.step('job.create')?.n(jobId).s(fullName ?? '').a(header.address).n(handle).change('job', jobId).change('process', caller.pid);
  return { handle, existed: false };
}

/** OpenJobObject: a handle to a named job with the access asked for; ERROR_FILE_NOT_FOUND when no such name exists. */
export function openJob(pm: ProcessManager, caller: ProcessObject, access: number, inherit: boolean, name: string): number {
  if (!Number.isInteger(access)) fail(ERROR_INVALID_PARAMETER);
  const existing = pm.ob.lookup(resolveObjectName(name, caller.sessionId));
  if (!existing) fail(ERROR_FILE_NOT_FOUND);
  if (existing!.typeName !== 'Job') fail(ERROR_INVALID_HANDLE);
  const handle = insertHandle(pm, caller, existing!.objectId, access >>> 0, inherit);
  const t = pm.trace;
  t.step('job.open')?.n(existing!.key).n(handle).n(access >>> 0).change('job', existing!.key).change('process', caller.pid);
  return handle;
}

export function jobFromHandle(pm: ProcessManager, caller: ProcessObject, handle: number, access: number): JobObject {
  const id = resolve(pm, caller, handle, 'Job', access);
  return pm.jobs.get(pm.ob.get(id)!.key)!;
}

/** The first job in the chain from `jobId` up whose active-process limit is reached (0 when none). */
export function jobChainLimit(pm: ProcessManager, jobId: number): number {
  for (let j = pm.jobs.get(jobId); j; j = j.parentJobId ? pm.jobs.get(j.parentJobId) : undefined) {
    if ((j.limitFlags & JOB_OBJECT_LIMIT_ACTIVE_PROCESS) && j.activeProcesses >= j.activeProcessLimit) return j.jobId;
  }
  return 0;
}

/** AssignProcessToJobObject (with nesting: a process already in a job may go into an empty job, which nests below). */
export function assignProcessToJob(pm: ProcessManager, job: JobObject, p: ProcessObject): void {
  const st = pm.state(p);
  if (st.jobId === job.jobId) fail(ERROR_ACCESS_DENIED);
  if (st.jobId) {
    // Already in a job: the new job must be empty and becomes a child of the current one (Windows 8+ nesting),
    // or be an ancestor of it (nothing to do).
    for (let j = pm.jobs.get(st.jobId); j; j = j.parentJobId ? pm.jobs.get(j.parentJobId) : undefined) if (j.jobId === job.jobId) return;
    if (job.processIds.length || job.childJobIds.length || job.parentJobId) fail(ERROR_ACCESS_DENIED);
    const current = pm.jobs.get(st.jobId)!;
    job.parentJobId = current.jobId;
    current.childJobIds.push(job.jobId);
    // The process's reference moves to the new job; the parent is now referenced by its child job instead.
    pm.ob.get(job.objectId)!.pointerCount++;
    current.processIds = current.processIds.filter((x) => x !== p.pid);
    // The process stays counted in the ancestors; the new child counts it too.
    job.processIds.push(p.pid);
    job.activeProcesses++;
    job.totalProcesses++;
    st.jobId = job.jobId;
    const t = pm.trace;
    t.step('job.assign')?.n(job.jobId).n(p.pid).n(job.parentJobId).n(job.activeProcesses).change('job', job.jobId).change('process', p.pid);
    return;
  }
  const exceeded = jobChainLimit(pm, job.jobId);
  if (exceeded) {
    const t = pm.trace;
    t.step('job.limitExceeded')?.n(exceeded).n(p.pid).s('ActiveProcessLimit').change('job', exceeded);
    // The documented behaviour: the process is terminated and the association fails.
    terminateProcess(pm, p, ERROR_NOT_ENOUGH_QUOTA, 0);
    fail(ERROR_NOT_ENOUGH_QUOTA);
  }
  addToJob(pm, job.jobId, p, false);
}

export function addToJob(pm: ProcessManager, jobId: number, p: ProcessObject, atCreation: boolean): void {
  const job = pm.jobs.get(jobId)!;
  const st = pm.state(p);
  st.jobId = jobId;
  job.processIds.push(p.pid);
  for (let j: JobObject | undefined = job; j; j = j.parentJobId ? pm.jobs.get(j.parentJobId) : undefined) {
    j.activeProcesses++;
    j.totalProcesses++;
    if (j.limitFlags & JOB_OBJECT_LIMIT_PRIORITY_CLASS && j.priorityClass) { p.priorityClass = j.priorityClass; st.basePriority = PRIORITY_CLASS_BASE[j.priorityClass] ?? st.basePriority; }
    if (j.maximumWorkingSetSize) applyJobWorkingSet(pm, j, p);
  }
  pm.ob.get(job.objectId)!.pointerCount++;
  const t = pm.trace;
  if (atCreation) { t.step('create.joinJob')?.n(p.pid).n(jobId).n(job.activeProcesses).change('job', jobId).change('process', p.pid); }
  else t.step('job.assign')?.n(jobId).n(p.pid).n(job.parentJobId).n(job.activeProcesses).change('job', jobId).change('process', p.pid);
}

export function removeFromJob(pm: ProcessManager, jobId: number, p: ProcessObject): void {
  const job = pm.jobs.get(jobId);
  if (!job) return;
  job.processIds = job.processIds.filter((x) => x !== p.pid);
  for (let j: JobObject | undefined = job; j; j = j.parentJobId ? pm.jobs.get(j.parentJobId) : undefined) {
    j.activeProcesses = Math.max(0, j.activeProcesses - 1);
    j.totalPageFaultCount += p.ws.pageFaultCount;
  }
  pm.ob.dereference(job.objectId);
  forgetJobIfDeleted(pm, jobId);
}

/** Drops the EJOB once its object is gone (no handles, no member processes, no child jobs). */
export function forgetJobIfDeleted(pm: ProcessManager, jobId: number): void {
  const job = pm.jobs.get(jobId);
  if (!job || pm.ob.get(job.objectId)) return;
  pm.jobs.delete(jobId);
  const parent = job.parentJobId ? pm.jobs.get(job.parentJobId) : undefined;
  if (parent) {
    parent.childJobIds = parent.childJobIds.filter((c) => c !== jobId);
    pm.ob.dereference(parent.objectId);
    forgetJobIfDeleted(pm, parent.jobId);
  }
}

export function setJobLimits(pm: ProcessManager, job: JobObject, info: JobLimits): void {
  if (!info || typeof info !== 'object') fail(ERROR_INVALID_PARAMETER);
  // Every field is a number (SIZE_T / DWORD): a bigint or a string is refused here, not turned into a
  // TypeError in the step record (the fuzz campaign found a bigint ProcessMemoryLimit, issue 19 item 6).
  if (info.LimitFlags !== undefined && typeof info.LimitFlags !== 'number') fail(ERROR_INVALID_PARAMETER);
  for (const v of [info.MinimumWorkingSetSize, info.MaximumWorkingSetSize, info.ActiveProcessLimit, info.PriorityClass, info.ProcessMemoryLimit, info.JobMemoryLimit]) {
    if (v !== undefined && (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0)) fail(ERROR_INVALID_PARAMETER);
  }
  const flags = (info.LimitFlags ?? 0) >>> 0;
  const known = 0x00007FFF;
  if (flags & ~known) fail(ERROR_INVALID_PARAMETER);
  if ((flags & JOB_OBJECT_LIMIT_ACTIVE_PROCESS) && (!Number.isInteger(info.ActiveProcessLimit) || info.ActiveProcessLimit! < 0)) fail(ERROR_INVALID_PARAMETER);
  if ((flags & JOB_OBJECT_LIMIT_PRIORITY_CLASS) && !PRIORITY_ORDER.includes(info.PriorityClass ?? -1)) fail(ERROR_INVALID_PARAMETER);
  job.limitFlags = flags;
  job.activeProcessLimit = info.ActiveProcessLimit ?? 0;
  job.processMemoryLimit = (flags & JOB_OBJECT_LIMIT_PROCESS_MEMORY) ? info.ProcessMemoryLimit ?? 0 : 0;
  job.jobMemoryLimit = (flags & JOB_OBJECT_LIMIT_JOB_MEMORY) ? info.JobMemoryLimit ?? 0 : 0;
  if ((flags & JOB_OBJECT_LIMIT_WORKINGSET) && (!Number.isInteger(info.MinimumWorkingSetSize) || !Number.isInteger(info.MaximumWorkingSetSize) || info.MinimumWorkingSetSize! <= 0 || info.MaximumWorkingSetSize! < info.MinimumWorkingSetSize!)) fail(ERROR_INVALID_PARAMETER);
  job.minimumWorkingSetSize = (flags & JOB_OBJECT_LIMIT_WORKINGSET) ? info.MinimumWorkingSetSize ?? 0 : 0;
  job.maximumWorkingSetSize = (flags & JOB_OBJECT_LIMIT_WORKINGSET) ? info.MaximumWorkingSetSize ?? 0 : 0;
  job.priorityClass = (flags & JOB_OBJECT_LIMIT_PRIORITY_CLASS) ? info.PriorityClass! : 0;
  const t = pm.trace;
  t.step('job.limits')?.n(job.jobId).n(flags).n(job.activeProcessLimit).n(job.processMemoryLimit).n(job.jobMemoryLimit).change('job', job.jobId);
  if (flags & JOB_OBJECT_LIMIT_WORKINGSET) for (const p of jobProcesses(pm, job)) applyJobWorkingSet(pm, job, p);
  // An active-process limit lower than the current count: the job's processes are terminated (the limit is hard).
  if ((flags & JOB_OBJECT_LIMIT_ACTIVE_PROCESS) && job.activeProcesses > job.activeProcessLimit) terminateJob(pm, job, ERROR_NOT_ENOUGH_QUOTA, 'ActiveProcessLimit');
}

/**
 * JOB_OBJECT_LIMIT_WORKINGSET: every process of the job gets the job's minimum and maximum, and the
 * maximum is hard — a working set above it is trimmed now, and replacement keeps it there.
 */
export function applyJobWorkingSet(pm: ProcessManager, job: JobObject, p: ProcessObject): void {
  p.ws.minimum = Math.max(20, Math.ceil(job.minimumWorkingSetSize / PAGE_SIZE));
  p.ws.maximum = Math.max(p.ws.minimum, Math.ceil(job.maximumWorkingSetSize / PAGE_SIZE));
  p.ws.hardMaximum = true;
  if (p.ws.count > p.ws.maximum) pm.mm.trimWorkingSet(p, p.ws.count - p.ws.maximum, 'JobWorkingSetLimit');
}

/**
 * JOB_OBJECT_LIMIT_PROCESS_MEMORY and JOB_OBJECT_LIMIT_JOB_MEMORY, in the process's job and every job
 * above it: a commit that would pass a limit fails (VirtualAlloc then reports ERROR_COMMITMENT_LIMIT).
 * Charges that fit update PeakProcessMemoryUsed and PeakJobMemoryUsed.
 */
export function jobAllowsCommit(pm: ProcessManager, p: ProcessObject, pages: number): boolean {
  const processBytes = (p.privateCommit + pages) * PAGE_SIZE;
  const chain: JobObject[] = [];
  for (let id = pm.state(p).jobId; id; id = pm.jobs.get(id)?.parentJobId ?? 0) {
    const job = pm.jobs.get(id);
    if (!job) break;
    chain.push(job);
  }
  const jobBytes = new Map<JobObject, number>();
  for (const job of chain) {
    if ((job.limitFlags & JOB_OBJECT_LIMIT_PROCESS_MEMORY) && processBytes > job.processMemoryLimit) return false;
    const used = jobProcesses(pm, job).reduce((sum, q) => sum + q.privateCommit * PAGE_SIZE, 0) + pages * PAGE_SIZE;
    if ((job.limitFlags & JOB_OBJECT_LIMIT_JOB_MEMORY) && used > job.jobMemoryLimit) return false;
    jobBytes.set(job, used);
  }
  for (const job of chain) {
    job.peakProcessMemoryUsed = Math.max(job.peakProcessMemoryUsed, processBytes);
    job.peakJobMemoryUsed = Math.max(job.peakJobMemoryUsed, jobBytes.get(job)!);
  }
  return true;
}

/** Live processes in a job and its child jobs, depth first. */
export function jobProcesses(pm: ProcessManager, job: JobObject): ProcessObject[] {
  const out: ProcessObject[] = [];
  const visit = (j: JobObject): void => {
    for (const pid of j.processIds) { const p = pm.ctx.byPid.get(pid); if (p && !p.exited) out.push(p); }
    for (const c of j.childJobIds) { const cj = pm.jobs.get(c); if (cj) visit(cj); }
  };
  visit(job);
  return out;
}

export function terminateJob(pm: ProcessManager, job: JobObject, exitCode: number, reason: string): void {
  const victims = jobProcesses(pm, job);
  const t = pm.trace;
  t.step('job.terminate')?.n(job.jobId).n(victims.length).n(exitCode >>> 0).s(reason).change('job', job.jobId);
  for (const p of victims) {
    if (p.exited) continue;
    if (reason !== 'TerminateJobObject' && reason !== 'KillOnJobClose') {
      for (let j: JobObject | undefined = job; j; j = j.parentJobId ? pm.jobs.get(j.parentJobId) : undefined) j.totalTerminatedProcesses++;
    }
    terminateProcess(pm, p, exitCode, 0);
  }
}
