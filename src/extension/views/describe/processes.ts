// How the Processes view draws each kind of node: one describer per kind (process, threads, thread,
// handles, handle, token, job, peb, addressSpace, vad, workingSet, wsle, range). The model
// (views/model.ts, ProcessesModel) finds the nodes and the data; these only turn them into rows.
import type { ChangeRef, HandleInfo, HeapInfo, JobInfo, ProcessInfo, ProcessSecurityInfo, VadInfo, WsleInfo } from '../../../engine';
import { MEM_IMAGE, MEM_MAPPED, SYSTEM_MANDATORY_LABEL_NO_EXECUTE_UP, SYSTEM_MANDATORY_LABEL_NO_READ_UP, SYSTEM_MANDATORY_LABEL_NO_WRITE_UP } from '../../../engine/constants';
import { flagNames, PROTECTION_NAMES } from '../../commands/parse';
import { formatPages, hex, PAGE_SIZE_N } from '../../present/format';
import type { Localizer } from '../../present/localizer';
import { mdCode, mdText } from '../../present/markdown';
import { handleIcon } from '../../present/names';
import type { Touched } from '../model';
import { Collapsible, goneRow, rangeRow, row, type DescriberTable, type ItemView, type NodeOf, type TreeNode } from '../row';
import { heapRows, type HeapBlockInfoSlice, type HeapRowContext } from './heaps';
import { jobLabel } from './jobs';

/** What a Processes-view describer reads: the process of the node (it exists) and its lists. */
export interface ProcessRowContext {
  readonly l10n: Localizer;
  readonly touched: Touched;
  readonly pid: number;
  readonly info: ProcessInfo;
  vads(): VadInfo[];
  handles(): HandleInfo[];
  /** The innermost job the process is in. */
  jobOf(): JobInfo | undefined;
  /** Where the object of a handle shows in the sidebar. */
  handleTarget(h: HandleInfo): ChangeRef | undefined;
  /** The working-set entry of a page as last listed. */
  wsle(va: bigint): WsleInfo | undefined;
  workingSetTotal(): number;
  /** The process object's security descriptor and protection (undefined for processes without one). */
  security(): ProcessSecurityInfo | undefined;
  /** The process's heaps (describe/heaps.ts). */
  heaps(): HeapInfo[];
  heapBlocks(heap: bigint, segment: number, from: number, count: number): HeapBlockInfoSlice;
}

export type ProcessNodeKind = 'process' | 'threads' | 'thread' | 'handles' | 'handle' | 'token' | 'security' | 'job' | 'peb' | 'addressSpace' | 'vad' | 'workingSet' | 'wsle' | 'range'
  | 'heaps' | 'heap' | 'heapSegment' | 'heapBlock';

export const processRows: DescriberTable<ProcessNodeKind, ProcessRowContext> = {
  process: (_node, { l10n, pid, info, touched }) => {
    const tooltip = (): string => [
      `**${mdText(info.imageFileName)}** — ${l10n.t('process {0}', pid)}`,
      '',
      `| | |\n|---|---|`,
      `| EPROCESS | \`${hex(info.eprocess)}\` |`,
      `| ${l10n.t('Parent')} | ${info.parentPid} |`,
      `| ${l10n.t('Session')} | ${info.sessionId} |`,
      ...(info.userName ? [`| ${l10n.t('User')} | ${mdText(info.userName)} · ${l10n.t('{0} integrity', mdText(info.integrityLevel ?? ''))} |`] : []),
      ...(info.debuggerPid ? [`| ${l10n.t('Debugger')} | ${info.debuggerPid} |`] : []),
      ...(info.consoleHostPid ? [`| ${l10n.t('Console host')} | conhost.exe ${info.consoleHostPid} |`] : []),
      `| DirectoryTableBase | ${l10n.t('PFN {0}', hex(info.directoryTableBase))} |`,
      `| ${l10n.t('Working set')} | ${formatPages(info.workingSetSize)} (${l10n.t('min {0}, max {1}, peak {2}', formatPages(info.workingSetMinimum), formatPages(info.workingSetMaximum), formatPages(info.peakWorkingSetSize))}) |`,
      `| ${l10n.t('Private commit')} | ${formatPages(info.privateCommit)} |`,
      `| ${l10n.t('Page tables')} | ${l10n.t('{0} pages', info.pageTablePages)} |`,
      `| ${l10n.t('Page faults')} | ${info.pageFaultCount} |`,
      '',
      // Windows Internals 7e ch. 3, stage 3F: PspInsertProcess puts the new process on the active process list.
      ...(info.creating ? [l10n.t('Being created: CreateProcess has made the EPROCESS (stage 3A) but has not yet inserted it into the active process list (stage 3F, PspInsertProcess).'), ''] : []),
      // The Idle process is the initial process: PspInitPhase0 initializes PsActiveProcessHead without inserting it,
      // and System, created with no parent, inherits its token and handle table (ReactOS wiki, "Idle Process").
      ...(pid === 0 ? [l10n.t('Not on the active process list (PsActiveProcessHead): the Idle process is the initial process, which PspInitPhase0 never inserts, so the list and a kernel debugger\'s !process 0 0 start at System. Its token and handle table are the ones System uses.'), ''] : []),
      l10n.t('The kernel represents a process by an EPROCESS (executive process object), whose first member Pcb is the KPROCESS the scheduler uses. The PEB lives in user space.'),
    ].join('\n');
    const description = `${pid} · ${info.creating ? l10n.t('being created') + ' · ' : ''}${l10n.t('WS {0}', formatPages(info.workingSetSize))}${info.debuggerPid ? ' · ' + l10n.t('debugged') : ''}${info.integrityLevel === 'Low' || info.integrityLevel === 'Untrusted' ? ' · ' + l10n.t('{0} integrity', info.integrityLevel) : ''}`;
    return row({ icon: 'server-process', label: info.imageFileName, collapsible: Collapsible.Collapsed, contextValue: 'ntlab.process dt', tooltip, description, touched: touched.pids.has(pid) });
  },

  threads: (_node, { l10n, info, touched }) => row({
    icon: 'list-tree', label: l10n.t('Threads'), collapsible: info.threads.length ? Collapsible.Collapsed : Collapsible.None, contextValue: 'ntlab.threads',
    tooltip: l10n.t('The threads of this process (ETHREAD objects). A thread is what the scheduler runs; the process only provides the address space and resources.'),
    description: String(info.threads.length), touched: info.threads.some((t) => touched.tids.has(t.tid)),
  }),

  thread: (node, { l10n, info, touched }) => {
    const t = info.threads.find((x) => x.tid === node.tid);
    if (!t) return goneRow(l10n.t('(exited)'), l10n.t('This thread no longer exists in the displayed state.'));
    return row({
      icon: 'pulse', label: l10n.t('Thread {0}', t.tid), collapsible: Collapsible.None, contextValue: 'ntlab.thread dt',
      tooltip: [`**${l10n.t('Thread {0}', t.tid)}** — ${mdText(t.state)}`, '', `TEB \`${hex(t.teb)}\``, '',
        l10n.t('Each thread has a TEB (thread environment block) in user space, a user stack and a kernel stack. KTHREAD.State is its scheduling state (Initialized, Ready, Running, Waiting...).')].join('\n'),
      description: `${t.state} · TEB ${hex(t.teb)}`, touched: touched.tids.has(t.tid),
    });
  },

  handles: (_node, c) => {
    const n = c.handles().length;
    return row({
      icon: 'key', label: c.l10n.t('Handles'), collapsible: n ? Collapsible.Collapsed : Collapsible.None, contextValue: 'ntlab.handles dt',
      tooltip: c.l10n.t('The handle table (EPROCESS.ObjectTable) maps handle values to object pointers and granted access. A handle value is a multiple of 4: its entry index times 4. Opening or creating an object (CreateFileMapping, OpenProcess, CreateJobObject...) adds an entry; CloseHandle removes it.'),
      description: String(n),
    });
  },

  handle: (node, c) => {
    const l10n = c.l10n;
    const h = c.handles().find((x) => x.handle === node.handle);
    if (!h) return goneRow(l10n.t('(closed)'), l10n.t('This handle is no longer open in the displayed state.'));
    return row({
      icon: handleIcon(h.typeName), label: `${hex(h.handle)} ${h.typeName}`, collapsible: Collapsible.None, contextValue: 'ntlab.handle dt',
      tooltip: () => [`**${l10n.t('Handle {0}', hex(h.handle))}** — ${mdText(h.typeName)}`, '',
        '| | |\n|---|---|',
        `| ${l10n.t('Object')} | \`${hex(h.objectAddress)}\` |`,
        `| GrantedAccess | \`${hex(h.grantedAccess)}\` |`,
        `| ${l10n.t('Inherited by child processes')} | ${h.inherit ? l10n.t('yes') : l10n.t('no')} |`,
        `| ${l10n.t('Name')} | ${h.name ? mdCode(h.name) : l10n.t('(unnamed)')} |`, '',
        l10n.t('A HANDLE_TABLE_ENTRY holds the object header pointer and the access granted when the handle was opened; every use of the handle is checked against that access, not against the object\'s security descriptor again.')].join('\n'),
      description: [hex(h.grantedAccess), h.name].filter(Boolean).join(' · '), reveal: c.handleTarget(h),
    });
  },

  token: (_node, { l10n }) => row({
    icon: 'shield', label: l10n.t('Token'), collapsible: Collapsible.None, contextValue: 'ntlab.token dt',
    tooltip: l10n.t('The access token holds the security context: user and group SIDs, privileges, integrity level. "Show as dt" lays out its TOKEN.'),
  }),

  // Windows Internals 7e ch. 7, "Security descriptors and access control", "Mandatory integrity checks";
  // ch. 3, "Protected processes"; Microsoft Learn, "Process Security and Access Rights".
  security: (_node, { l10n, pid, security }) => {
    const sd = security();
    const explain = l10n.t('OpenProcess checks this security descriptor (SeAccessCheck): first the mandatory label (a caller below its level gets no write rights, NO_WRITE_UP, and for processes no read rights either, NO_READ_UP), then the DACL, whose ACEs grant the rights shown. An enabled SeDebugPrivilege skips both; a protected process still gives a caller that does not dominate it only the limited rights.');
    if (!sd) return row({ icon: 'lock', label: l10n.t('Security descriptor'), collapsible: Collapsible.None, contextValue: 'ntlab.security', tooltip: explain, description: l10n.t('none') });
    const policy = labelPolicyNames(sd.label.policy);
    const tooltip = (): string => [
      `**${l10n.t('Security descriptor')}** — ${l10n.t('process {0}', pid)}`,
      '',
      '| | |\n|---|---|',
      `| ${l10n.t('Owner')} | ${mdText(sd.owner.name)} (\`${sd.owner.sid}\`) |`,
      `| ${l10n.t('Primary group')} | ${mdText(sd.group.name)} (\`${sd.group.sid}\`) |`,
      ...sd.dacl.map((a, i) => `| DACL ${i} | ${a.type === 'Allowed' ? 'ACCESS_ALLOWED' : 'ACCESS_DENIED'} · ${mdText(a.name)} (\`${a.sid}\`) · \`${hex(a.mask)}\` |`),
      `| ${l10n.t('Mandatory label')} | ${mdText(sd.label.level)} (\`${sd.label.sid}\`) · ${policy} |`,
      `| ${l10n.t('Protection')} | ${sd.protection ? `${mdText(sd.protectionName)} (\`${hex(sd.protection)}\`)` : l10n.t('none')} |`,
      '',
      explain,
    ].join('\n');
    const description = [l10n.t('{0} label', sd.label.level), l10n.t('{0} ACEs', sd.dacl.length), sd.protection ? sd.protectionName : ''].filter(Boolean).join(' · ');
    return row({ icon: 'lock', label: l10n.t('Security descriptor'), collapsible: Collapsible.None, contextValue: 'ntlab.security', tooltip, description });
  },

  job: (_node, c) => {
    const { l10n, touched } = c;
    const job = c.jobOf();
    const explain = l10n.t('A job object groups processes and applies limits to them (active processes, memory, working set, CPU time). A process stays in its job for life; jobs nest, so a process in a child job is in the parent job too.');
    if (!job) return row({ icon: 'briefcase', label: l10n.t('Job'), collapsible: Collapsible.None, contextValue: 'ntlab.job', tooltip: explain, description: l10n.t('not in a job') });
    return row({ icon: 'briefcase', label: l10n.t('Job'), collapsible: Collapsible.None, contextValue: 'ntlab.job dt', tooltip: explain, description: jobLabel(l10n, job), touched: touched.jobs.has(job.jobId), reveal: { type: 'job', id: job.jobId } });
  },

  peb: (_node, { l10n, info }) => row({
    icon: 'symbol-structure', label: 'PEB', collapsible: Collapsible.None, contextValue: 'ntlab.peb dt',
    tooltip: l10n.t('The process environment block, in user space so the loader, heap manager and subsystem DLLs can read it without system calls. Created by MmCreatePeb (stage 3E of process creation).'),
    description: hex(info.peb),
  }),

  addressSpace: (_node, c) => {
    const { l10n, info } = c;
    const vads = c.vads();
    return row({
      icon: 'symbol-namespace', label: l10n.t('Address space (VADs)'), collapsible: vads.length ? Collapsible.Collapsed : Collapsible.None, contextValue: 'ntlab.addressSpace',
      tooltip: l10n.t('Virtual address descriptors: one per reserved range, in a balanced tree (VadRoot). Committed pages get PTEs lazily, on first touch.'),
      description: vads.length === 1 ? l10n.t('{0} VAD · commit {1}', 1, formatPages(info.privateCommit)) : l10n.t('{0} VADs · commit {1}', vads.length, formatPages(info.privateCommit)),
      touched: c.touched.vas.has(c.pid),
    });
  },

  vad: (node, c) => {
    const l10n = c.l10n;
    const v = c.vads().find((x) => x.start === node.va);
    if (!v) return goneRow(l10n.t('(released)'), l10n.t('This range is no longer reserved in the displayed state.'));
    const type = v.type === MEM_IMAGE ? 'MEM_IMAGE' : v.type === MEM_MAPPED ? 'MEM_MAPPED' : 'MEM_PRIVATE';
    const protect = flagNames(v.allocationProtect, PROTECTION_NAMES);
    return row({
      icon: 'symbol-array', label: `${hex(v.start)}–${hex(v.end)}`, collapsible: Collapsible.None, contextValue: 'ntlab.vad dt pte',
      tooltip: [`**VAD** \`${hex(v.start)}\`–\`${hex(v.end)}\` (${formatPages(v.pageCount)})`, '',
        `| | |\n|---|---|`, `| Type | ${type} (${mdText(v.vadType)}) |`, `| ${l10n.t('Protection at allocation')} | ${protect} |`,
        `| ${l10n.t('Commit charge')} | ${l10n.t('{0} pages', v.commitCharge)}${v.memCommit ? ' (MemCommit)' : ''} |`, '',
        l10n.t('A VAD describes a range of the address space; VirtualQuery and the page fault handler consult it when a PTE does not say enough.')].join('\n'),
      description: `${type.slice(4).toLowerCase()} · ${protect} · ${l10n.t('{0} committed', formatPages(v.commitCharge))}`,
      touched: c.touched.touchesVa(c.pid, v.start, v.end),
    });
  },

  workingSet: (_node, { l10n, info, touched, pid }) => row({
    icon: 'layers', label: l10n.t('Working set'), collapsible: info.workingSetSize ? Collapsible.Collapsed : Collapsible.None, contextValue: 'ntlab.workingSet',
    tooltip: l10n.t('The pages of this process that are resident (valid PTEs), listed in its working-set list (WSLE). The balance set manager trims the oldest (highest age) first when memory runs low.'),
    description: info.workingSetSize === 1 ? l10n.t('{0} page · min {1} · max {2}', 1, info.workingSetMinimum, info.workingSetMaximum) : l10n.t('{0} pages · min {1} · max {2}', info.workingSetSize, info.workingSetMinimum, info.workingSetMaximum),
    touched: touched.vas.has(pid),
  }),

  wsle: (node, c) => {
    const va = node.va!;
    return row({
      icon: 'file-binary', label: hex(va), collapsible: Collapsible.None, contextValue: 'ntlab.wsle pte',
      tooltip: c.l10n.t('A working-set list entry: a resident page of this process. Age counts the balance set manager passes since the page was last accessed.'),
      description: wsleDescription(c.l10n, c.wsle(va)), touched: c.touched.touchesVa(c.pid, va, va + PAGE_SIZE_N - 1n),
    });
  },

  range: (node, c) => rangeRow(c.l10n, node, node.rangeOf === 'vad' ? c.vads().length : node.rangeOf === 'handle' ? c.handles().length : node.rangeOf === 'heapBlock' ? heapRangeTotal(node, c) : c.workingSetTotal()),
  ...(heapRows as { [K in keyof typeof heapRows]: (node: NodeOf<K>, c: ProcessRowContext) => ItemView }),
};

/** How many blocks the segment above a range of heap blocks has. */
function heapRangeTotal(node: TreeNode, c: HeapRowContext): number {
  let seg: TreeNode | undefined = node.parent;
  while (seg && seg.kind !== 'heapSegment') seg = seg.parent;
  let heap: TreeNode | undefined = seg?.parent;
  while (heap && heap.kind !== 'heap') heap = heap.parent;
  return seg && heap ? c.heapBlocks(heap.va!, seg.index!, 0, 0).total : 0;
}

function wsleDescription(l10n: Localizer, e: WsleInfo | undefined): string {
  if (!e) return l10n.t('not in the working set');
  const parts = [l10n.t('age {0}', e.age)];
  if (e.pfn >= 0) parts.push(l10n.t('PFN {0}', hex(e.pfn)));
  // VirtualLock: the entry's LockedInWs bit (Windows Internals 7e, ch. 5, "Locking memory").
  if (e.locked) parts.push(l10n.t('locked (LockedInWs)'));
  return parts.join(' · ');
}

/** SYSTEM_MANDATORY_LABEL_* policy bits by name. */
function labelPolicyNames(policy: number): string {
  const names: string[] = [];
  if (policy & SYSTEM_MANDATORY_LABEL_NO_WRITE_UP) names.push('NO_WRITE_UP');
  if (policy & SYSTEM_MANDATORY_LABEL_NO_READ_UP) names.push('NO_READ_UP');
  if (policy & SYSTEM_MANDATORY_LABEL_NO_EXECUTE_UP) names.push('NO_EXECUTE_UP');
  return names.join(' | ') || '0';
}
