// Step texts: Job objects and their limits (Windows Internals 7e, ch. 3, "Jobs").
import type { Localizer } from '../localizer';
import type { StepTexts } from './text';

export const JOB_TEXTS: StepTexts = {
  'job.open': {
    needs: ['jobId', 'handle', 'access'],
    text: (a, l10n) => l10n.t('OpenJobObject found job {jobId} by its name (ObOpenObjectByName in the session\'s BaseNamedObjects) and returned handle {handle} with access {access}: another process can now assign processes to the same job or change its limits.', a),
  },
  'job.create': {
    needs: ['jobId', 'job', 'handle'],
    text: (a, l10n, raw) => {
      const s = l10n.t('NtCreateJobObject created job {jobId} (the job object at {job}) and returned handle {handle}: a job manages a group of processes as one, with shared limits and accounting.', a);
      return typeof raw.args.name === 'string' && raw.args.name !== '' ? `${s} ${l10n.t('The job is named {name}.', a)}` : s;
    },
  },
  'job.assign': {
    needs: ['jobId', 'pid', 'activeProcesses'],
    text: (a, l10n, raw) => {
      const s = l10n.t('Process {pid} was added to job {jobId}, which now has {activeProcesses} active process(es); processes it creates join the job too.', a);
      return typeof raw.args.parentJobId === 'number' && raw.args.parentJobId !== 0 ? `${s} ${l10n.t('Job {jobId} is nested in job {parentJobId}, whose limits apply as well.', a)}` : s;
    },
  },
  'job.limits': {
    needs: ['jobId', 'limitFlags', 'activeProcessLimit', 'processMemoryLimit', 'jobMemoryLimit'],
    text: (a, l10n) => l10n.t('The limits of job {jobId} were set (NtSetInformationJobObject): limit flags {limitFlags}; active processes {activeProcessLimit}, committed memory per process {processMemoryLimit}, for the whole job {jobMemoryLimit} (each value counts only when its flag is set).', a),
  },
  'job.limitExceeded': {
    needs: ['jobId', 'pid', 'limit'],
    text: (a, l10n, raw) => raw.args.pid === 0
      ? l10n.t('Job {jobId} would exceed its limit ({limit}): the process being created may not join it, so the creation fails.', a)
      : l10n.t('Job {jobId} would exceed its limit ({limit}): process {pid} may not join it.', a),
  },
  'job.terminate': {
    needs: ['jobId', 'processes', 'exitStatus', 'reason'],
    text: (a, l10n) => l10n.t('All {processes} process(es) of job {jobId} are terminated with exit status {exitStatus} ({reason}).', a),
  },
};

/** Why a job's processes were terminated (the engine's `reason` of 'job.terminate'). */
export function jobTerminationReason(reason: string, l10n: Localizer): string {
  switch (reason) {
    case 'TerminateJobObject': return l10n.t('TerminateJobObject was called', {});
    case 'KillOnJobClose': return l10n.t('the last handle to a job with JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE was closed', {});
    case 'ActiveProcessLimit': return l10n.t('the job exceeded its active-process limit', {});
    default: return reason;
  }
}
