// How the Jobs view draws each kind of node: one describer per kind (jobObject, jobLimits, jobLimit,
// jobAccounting, jobMember), and the limit flags by name. The model (views/objects.ts, JobsModel)
// finds the nodes and the data; these only turn them into rows.
// Microsoft Learn: JOBOBJECT_BASIC_LIMIT_INFORMATION, JOBOBJECT_BASIC_ACCOUNTING_INFORMATION;
// Windows Internals 7e, ch. 3, "Jobs".
import type { JobInfo, ProcessInfo } from '../../../engine';
import * as W from '../../../engine/constants';
import { formatBytes, hex } from '../../present/format';
import type { Localizer } from '../../present/localizer';
import { mdCode, mdText } from '../../present/markdown';
import { jobLimitName } from '../../present/names';
import type { Touched } from '../model';
import { Collapsible, goneRow, row, type DescriberTable } from '../row';

/** What a Jobs-view describer reads: the job of the node (it exists). */
export interface JobRowContext {
  readonly l10n: Localizer;
  readonly touched: Touched;
  readonly job: JobInfo;
  /** Whether a step touched this job. */
  readonly jobTouched: boolean;
  /** The job's parent job, when it has one. */
  readonly parent: JobInfo | undefined;
  process(pid: number): ProcessInfo | undefined;
}

export type JobNodeKind = 'jobObject' | 'jobLimits' | 'jobLimit' | 'jobAccounting' | 'jobMember';

/** A job's name, or "Job <id>" for an unnamed one. */
export function jobLabel(l10n: Localizer, job: JobInfo): string {
  return job.name ? job.name.slice(job.name.lastIndexOf('\\') + 1) : l10n.t('Job {0}', job.jobId);
}

export const jobRows: DescriberTable<JobNodeKind, JobRowContext> = {
  jobObject: (_node, { l10n, job: j, parent, jobTouched: touched }) => {
    const limits = jobLimitFlags(j.limitFlags).length;
    return row({
      label: jobLabel(l10n, j), icon: 'briefcase', collapsible: Collapsible.Collapsed, contextValue: 'ntlab.jobObject dt',
      tooltip: () => [
        `**EJOB** ${j.name ? mdCode(j.name) : l10n.t('(unnamed)')} — \`${hex(j.address)}\``, '',
        '| | |\n|---|---|',
        `| ${l10n.t('Parent job')} | ${parent ? mdText(jobLabel(l10n, parent)) : l10n.t('none')} |`,
        `| ActiveProcesses | ${j.activeProcesses} |`,
        `| LimitFlags | \`${hex(j.limitFlags)}\` |`, '',
        l10n.t('A job object groups processes and applies limits to them (active processes, memory, working set, CPU time). A process stays in its job for life; jobs nest, so a process in a child job is in the parent job too, and the parent\'s limits apply to it as well.'),
      ].join('\n'),
      description: [j.activeProcesses === 1 ? l10n.t('{0} active process', 1) : l10n.t('{0} active processes', j.activeProcesses),
        limits === 0 ? l10n.t('no limits') : limits === 1 ? l10n.t('{0} limit', 1) : l10n.t('{0} limits', limits),
        j.childJobIds.length === 0 ? '' : j.childJobIds.length === 1 ? l10n.t('{0} child job', 1) : l10n.t('{0} child jobs', j.childJobIds.length)].filter(Boolean).join(' · '),
      touched,
    });
  },

  jobLimits: (_node, { l10n, job: j, jobTouched: touched }) => {
    const n = jobLimitFlags(j.limitFlags).length;
    return row({
      label: l10n.t('Limits'), icon: 'dashboard', collapsible: n ? Collapsible.Collapsed : Collapsible.None, contextValue: 'ntlab.jobLimits dt',
      tooltip: l10n.t('JOBOBJECT_BASIC_LIMIT_INFORMATION.LimitFlags and the values they enable (SetInformationJobObject). Only the limits that are set are listed.'),
      description: n ? hex(j.limitFlags) : l10n.t('none set'), touched,
    });
  },

  jobLimit: (node, { l10n, job: j }) => {
    const flag = node.index!;
    return row({ label: limitName(flag), icon: 'circle-small-filled', collapsible: Collapsible.None, contextValue: 'ntlab.jobLimit', tooltip: limitExplanation(l10n, flag), description: limitValue(j, flag) });
  },

  jobAccounting: (_node, { l10n, job: j, jobTouched: touched }) => row({
    label: l10n.t('Accounting'), icon: 'graph', collapsible: Collapsible.None, contextValue: 'ntlab.jobAccounting dt',
    tooltip: () => [
      `**JOBOBJECT_BASIC_ACCOUNTING_INFORMATION**`, '',
      '| | |\n|---|---|',
      `| TotalProcesses | ${j.totalProcesses} |`,
      `| ActiveProcesses | ${j.activeProcesses} |`,
      `| TotalTerminatedProcesses | ${j.totalTerminatedProcesses} |`,
      `| TotalPageFaultCount | ${j.totalPageFaultCount} |`,
      `| PeakProcessMemoryUsed | ${formatBytes(j.peakProcessMemoryUsed)} |`,
      `| PeakJobMemoryUsed | ${formatBytes(j.peakJobMemoryUsed)} |`, '',
      l10n.t('What QueryInformationJobObject reports for the job: processes that ever ran in it, those still active, the page faults they took, and peak committed memory.'),
    ].join('\n'),
    description: l10n.t('{0} total · {1} active · {2} terminated', j.totalProcesses, j.activeProcesses, j.totalTerminatedProcesses), touched,
  }),

  jobMember: (node, c) => {
    const { l10n, job: j } = c;
    const pid = node.pid!;
    const info = c.process(pid);
    if (!info || !j.processIds.includes(pid)) return goneRow(l10n.t('(exited)'), l10n.t('This process no longer exists in the displayed state.'));
    return row({
      label: info.imageFileName, icon: 'server-process', collapsible: Collapsible.None, contextValue: 'ntlab.jobMember dt',
      tooltip: l10n.t('A process in this job. Select to reveal it in the Processes view.'),
      description: String(pid), touched: c.touched.pids.has(pid), reveal: { type: 'process', pid },
    });
  },
};

/** The limit flags set in `flags`, lowest bit first. */
export function jobLimitFlags(flags: number): number[] {
  const out: number[] = [];
  for (let bit = 1; bit !== 0 && bit <= flags; bit = (bit << 1) >>> 0) if (flags & bit) out.push(bit);
  return out;
}

function limitName(flag: number): string {
  return jobLimitName(flag) ?? hex(flag);
}

function limitValue(j: JobInfo, flag: number): string | undefined {
  switch (flag) {
    case W.JOB_OBJECT_LIMIT_WORKINGSET: return `${formatBytes(j.minimumWorkingSetSize)} – ${formatBytes(j.maximumWorkingSetSize)}`;
    case W.JOB_OBJECT_LIMIT_ACTIVE_PROCESS: return String(j.activeProcessLimit);
    case W.JOB_OBJECT_LIMIT_PROCESS_MEMORY: return formatBytes(j.processMemoryLimit);
    case W.JOB_OBJECT_LIMIT_JOB_MEMORY: return formatBytes(j.jobMemoryLimit);
    default: return undefined;
  }
}

function limitExplanation(l10n: Localizer, flag: number): string {
  switch (flag) {
    case W.JOB_OBJECT_LIMIT_WORKINGSET: return l10n.t('Every process in the job gets this minimum and maximum working set size.');
    case W.JOB_OBJECT_LIMIT_ACTIVE_PROCESS: return l10n.t('At most this many processes may be active in the job; creating or assigning one more fails and the job is notified (JOB_OBJECT_MSG_ACTIVE_PROCESS_LIMIT).');
    case W.JOB_OBJECT_LIMIT_PROCESS_MEMORY: return l10n.t('Each process may commit at most this much private memory; beyond it, allocations fail.');
    case W.JOB_OBJECT_LIMIT_JOB_MEMORY: return l10n.t('All the processes of the job together may commit at most this much private memory.');
    case W.JOB_OBJECT_LIMIT_BREAKAWAY_OK: return l10n.t('A process created with CREATE_BREAKAWAY_FROM_JOB may leave the job.');
    case W.JOB_OBJECT_LIMIT_SILENT_BREAKAWAY_OK: return l10n.t('Child processes are created outside the job without asking.');
    case W.JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE: return l10n.t('When the last handle to the job closes, every process in it is terminated.');
    default: return l10n.t('A limit of JOBOBJECT_BASIC_LIMIT_INFORMATION.LimitFlags.');
  }
}
