// The Sections and Jobs views' models, apart from VS Code like views/model.ts (STYLE.md §7).
// Sections: a section object -> its control area -> the segment (prototype PTEs, paged) and the
// subsections, and the views that map it in processes. Jobs: the job hierarchy, each job with the
// limits that are set, its accounting and its member processes.
import type { ChangeRef, JobInfo, PrototypePteInfo, SectionInfo, System } from '../../engine';
import { flagNames, PROTECTION_NAMES } from '../commands/parse';
import { formatBytes, hex } from '../present/format';
import type { Localizer } from '../present/localizer';
import { mdCode, mdText } from '../present/markdown';
import { Collapsible, jobLabel, NodeCache, row, Touched, type ItemView, type Refresh, type TreeNode } from './model';

const protection = (p: number): string => flagNames(p, PROTECTION_NAMES);
const baseName = (path: string): string => path.slice(path.lastIndexOf('\\') + 1);

// ---------------------------------------------------------------------------------------------- sections

/** The Sections view: one root per control area, labelled by the section object(s) that refer to it. */
export class SectionsModel extends NodeCache {
  private system: System | undefined;
  /** The control areas as last queried (what the view last showed); `stale` once a step may have changed them. */
  private list: SectionInfo[] | undefined;
  private stale = true;
  private byId = new Map<number, SectionInfo>();
  private imageNames = new Map<number, string>();
  /** Prototype PTE slices as last decoded, per control area (cleared with the state). */
  private ptes = new Map<number, Map<number, PrototypePteInfo>>();
  touched = new Touched();

  constructor(private readonly l10n: Localizer) { super(); }

  setSystem(system: System | undefined, sameSession: boolean): void {
    this.system = system;
    if (!sameSession) { this.nodes.clear(); this.list = undefined; }
    this.forget();
  }

  private forget(): void {
    this.stale = true;
    this.imageNames.clear();
    this.ptes.clear();
  }

  private sections(): SectionInfo[] {
    if (this.stale || !this.list) {
      this.stale = false;
      this.list = this.system?.querySections() ?? [];
      this.byId.clear();
      for (const s of this.list) this.byId.set(s.controlArea, s);
    }
    return this.list;
  }

  private section(ca: number): SectionInfo | undefined {
    this.sections();
    return this.byId.get(ca);
  }

  private imageName(pid: number): string {
    let n = this.imageNames.get(pid);
    if (n === undefined) { n = this.system?.queryProcess(pid)?.imageFileName ?? '?'; this.imageNames.set(pid, n); }
    return n;
  }

  roots(): TreeNode[] {
    if (!this.system) return [];
    return this.sections().map((s) => this.node(`ca:${s.controlArea}`, 'section', undefined, { controlArea: s.controlArea }));
  }

  children(node: TreeNode | undefined): TreeNode[] {
    if (!node) return this.roots();
    if (!this.system) return [];
    const ca = node.controlArea!;
    const s = this.section(ca);
    if (!s) return [];
    const id = `ca:${ca}`;
    switch (node.kind) {
      case 'section': return [this.node(`${id}/ca`, 'controlArea', node, { controlArea: ca })];
      case 'controlArea': return [
        this.node(`${id}/seg`, 'segment', node, { controlArea: ca }),
        ...s.subsections.map((_, index) => this.node(`${id}/sub:${index}`, 'subsection', node, { controlArea: ca, index })),
        this.node(`${id}/views`, 'sectionViews', node, { controlArea: ca }),
      ];
      case 'segment': return this.paged(node, 'protoPte', s.totalPtes, (from, count) => this.pteNodes(node, ca, from, count));
      case 'range': return this.rangeChildren(node, (from, count) => this.pteNodes(node, ca, from, count));
      case 'sectionViews': return s.views.map((v, index) => this.node(`${id}/view:${v.pid}:${hex(v.base)}`, 'sectionView', node, { controlArea: ca, pid: v.pid, va: v.base, index }));
      default: return [];
    }
  }

  private pteNodes(parent: TreeNode, ca: number, from: number, count: number): TreeNode[] {
    let known = this.ptes.get(ca);
    if (!known) this.ptes.set(ca, known = new Map());
    return this.system!.queryPrototypePtes(ca, from, count).map((p) => {
      known.set(p.index, p);
      return this.node(`ca:${ca}/pte:${p.index}`, 'protoPte', parent, { controlArea: ca, index: p.index });
    });
  }

  private pte(ca: number, index: number): PrototypePteInfo | undefined {
    let known = this.ptes.get(ca);
    if (!known) this.ptes.set(ca, known = new Map());
    let p = known.get(index);
    if (!p) { p = this.system?.queryPrototypePtes(ca, index, 1)[0]; if (p) known.set(index, p); }
    return p;
  }

  parent(node: TreeNode): TreeNode | undefined {
    return node.parent;
  }

  /** The control area node of `{ type: 'object', id }` (a control area id); undefined when there is none. */
  find(ref: ChangeRef): TreeNode | undefined {
    if (!this.system || ref.type !== 'object' || ref.id === undefined || !this.section(ref.id)) return undefined;
    const root = this.roots().find((r) => r.controlArea === ref.id)!;
    return this.children(root)[0];
  }

  /**
   * Forgets the state and returns what to refresh: the control areas the steps named ('object'
   * changes), those mapped in a process that came or went, or everything when a control area appeared
   * or was deleted (the root list changed).
   */
  invalidate(changes: readonly ChangeRef[], previouslyTouched?: Touched): Refresh {
    const refresh: Refresh = { all: false, nodes: new Set() };
    const before = this.list;
    this.forget();
    // Once the view has asked for its roots (even none: the welcome text shows), a job coming or going refreshes it.
    if (!before) return refresh;
    const named = new Set<number>(previouslyTouched?.objects);
    const pids = new Set<number>();
    for (const c of changes) {
      if (c.type === 'object' && c.id !== undefined) named.add(c.id);
      else if (c.type === 'process' && c.pid !== undefined) pids.add(c.pid);
    }
    if (named.size === 0 && pids.size === 0) return refresh;
    const after = this.sections();
    const ids = (l: SectionInfo[]): string => l.map((s) => s.controlArea).join(',');
    if (ids(before) !== ids(after)) { refresh.all = true; return refresh; }
    for (const s of [...before, ...after]) if (s.views.some((v) => pids.has(v.pid))) named.add(s.controlArea);
    for (const ca of named) {
      const node = this.cached(`ca:${ca}`);
      if (node && this.byId.has(ca)) refresh.nodes.add(node);
    }
    return refresh;
  }

  describe(node: TreeNode): ItemView {
    const l10n = this.l10n;
    const ca = node.controlArea!;
    const s = this.section(ca);
    if (!s) return row({ label: l10n.t('(deleted)'), icon: 'circle-slash', collapsible: Collapsible.None, contextValue: 'ntlab.gone', tooltip: l10n.t('This control area no longer exists in the displayed state: its last section reference and view went away.') });
    const touched = this.touched.objects.has(ca);
    switch (node.kind) {
      case 'section': {
        const named = s.sectionObjects.find((o) => o.name !== null);
        const label = named?.name ? baseName(named.name) : s.file ? baseName(s.file) : l10n.t('Unnamed section');
        const kind = s.image ? l10n.t('image') : s.file ? l10n.t('mapped file') : l10n.t('paging file');
        const objects = s.sectionObjects.map((o) => `- ${o.name !== null ? mdCode(o.name) : `\`${l10n.t('(unnamed)')}\``} — ${formatBytes(o.size)}, ${protection(o.protect)}`);
        return row({ label, icon: s.image ? 'file-code' : s.file ? 'file' : 'files', collapsible: Collapsible.Collapsed, contextValue: 'ntlab.section', tooltip: () => [
          `**${l10n.t('Section object')}** — ${kind}`, '',
          ...(objects.length ? objects : [l10n.t('No section object refers to it any more; its views keep the control area alive.')]), '',
          l10n.t('A section object (a file mapping object in Win32) is memory that processes can share: backed by the paging file (CreateFileMapping with INVALID_HANDLE_VALUE) or by a file. Every process maps its image and ntdll.dll through image sections.'),
        ].join('\n'), description: `${kind} · ${formatBytes(s.totalPtes * 4096)} · ${s.views.length === 1 ? l10n.t('{0} view', s.views.length) : l10n.t('{0} views', s.views.length)}`, touched });
      }
      case 'controlArea':
        return row({ label: l10n.t('Control area {0}', ca), icon: 'symbol-structure', collapsible: Collapsible.Expanded, contextValue: 'ntlab.controlArea dt', tooltip: () => [
          `**CONTROL_AREA** ${ca}${s.file ? ` — ${mdCode(s.file)}` : ''}`, '',
          '| | |\n|---|---|',
          `| NumberOfSectionReferences | ${s.numberOfSectionReferences} |`,
          `| NumberOfMappedViews | ${s.numberOfMappedViews} |`,
          `| ${l10n.t('Commit charge')} | ${l10n.t('{0} pages', s.commitCharge)} |`,
          `| u.Flags | ${[s.image ? 'Image' : '', s.file ? 'File' : '', s.reserve ? 'Reserve (SEC_RESERVE)' : ''].filter(Boolean).join(', ') || '0'} |`, '',
          l10n.t('The control area is the memory manager\'s record of one mapped file (an image gets its own control area apart from the data one) or of one paging-file-backed section. It points to the segment and the subsections and counts the section references and mapped views; it goes away once both reach zero and none of its pages is still in memory.'),
        ].join('\n'), description: [s.numberOfSectionReferences === 1 ? l10n.t('{0} section reference', 1) : l10n.t('{0} section references', s.numberOfSectionReferences),
          s.numberOfMappedViews === 1 ? l10n.t('{0} view', 1) : l10n.t('{0} views', s.numberOfMappedViews),
          l10n.t('commit {0}', s.commitCharge === 1 ? l10n.t('{0} page', 1) : l10n.t('{0} pages', s.commitCharge))].join(' · '), touched });
      case 'segment':
        return row({ label: l10n.t('Segment'), icon: 'symbol-array', collapsible: s.totalPtes ? Collapsible.Collapsed : Collapsible.None, contextValue: 'ntlab.segment', tooltip: () => [
          `**SEGMENT** — ${l10n.t('{0} prototype PTEs', s.totalPtes)}`, '',
          '| | |\n|---|---|',
          `| PrototypePte | \`${hex(s.prototypePteBase)}\` |`,
          `| TotalNumberOfPtes | ${s.totalPtes} |`,
          `| ${l10n.t('Committed')} | ${s.committedPtes} |`,
          `| ${l10n.t('Resident (valid or transition)')} | ${s.residentPages} |`,
          `| ${l10n.t('Valid')} | ${s.validPages} |`, '',
          l10n.t('The segment holds the prototype PTEs: one per page of the section, in paged pool. The PTEs of every view point to them, so the page\'s state is kept once for all the processes that share it.'),
        ].join('\n'), description: l10n.t('{0} prototype PTEs · {1} resident', s.totalPtes, s.residentPages), touched });
      case 'subsection': {
        const sub = s.subsections[node.index!]!;
        const last = sub.firstPte + sub.ptes - 1;
        return row({ label: sub.name || l10n.t('Subsection {0}', node.index!), icon: 'symbol-field', collapsible: Collapsible.None, contextValue: 'ntlab.subsection', tooltip: () => [
          `**SUBSECTION** ${sub.name ? mdCode(sub.name) : node.index!}`, '',
          '| | |\n|---|---|',
          `| ${l10n.t('Prototype PTEs')} | ${sub.firstPte}–${last} (${sub.ptes}) |`,
          `| ${l10n.t('Protection')} | ${protection(sub.protect)} |`,
          ...(s.file ? [`| ${l10n.t('File offset')} | ${hex(sub.fileOffset)} |`, `| ${l10n.t('Raw size')} | ${formatBytes(sub.rawSize)} |`] : []), '',
          l10n.t('A subsection maps a run of prototype PTEs to where their data lives: for a file, a file offset (for an image, one subsection per PE section with its own protection). A prototype PTE of a page not in memory points to its subsection: a subsection PTE.'),
        ].join('\n'), description: `${l10n.t('PTEs {0}–{1}', sub.firstPte, last)} · ${protection(sub.protect)}` });
      }
      case 'protoPte': {
        const p = this.pte(ca, node.index!);
        if (!p) return row({ label: l10n.t('(gone)'), icon: 'circle-slash', collapsible: Collapsible.None, contextValue: 'ntlab.gone', tooltip: '' });
        const mappers = s.views.filter((v) => p.index >= v.firstPrototypeIndex && p.index < v.firstPrototypeIndex + Number(v.size / 4096n));
        const pfnTouched = p.pfn !== null && this.touched.pfns.has(p.pfn);
        const description = [pteKindLabel(l10n, p.kind), p.pfn !== null ? l10n.t('PFN {0}', hex(p.pfn)) : '', p.kind === 'zero' ? '' : protection(p.protect)].filter(Boolean).join(' · ');
        return row({ label: l10n.t('PTE {0}', p.index), icon: pteIcon(p.kind), collapsible: Collapsible.None, contextValue: 'ntlab.protoPte', tooltip: () => [
          `**${l10n.t('Prototype PTE {0}', p.index)}** \`${hex(p.address)}\` = \`${hex(p.decoded.value)}\``, '',
          `${pteKindLabel(l10n, p.kind)}: ${pteKindExplanation(l10n, p.kind)}`, '',
          ...(mappers.length ? [l10n.t('Mapped by:'), ...mappers.map((v) => `- ${mdText(this.imageName(v.pid))} (pid ${v.pid}) \`${hex(v.base + BigInt(p.index - v.firstPrototypeIndex) * 4096n)}\``), ''] : []),
          l10n.t('A prototype PTE is the shared copy of a page\'s state. A process PTE of a view points to it until the page is faulted in; then it is a valid hardware PTE with the same PFN, and the page\'s MMPFN.PteAddress points back to the prototype PTE. When the last process drops the page it goes to the standby or modified list, and the prototype PTE becomes a transition PTE.'),
        ].join('\n'), description, touched: pfnTouched, reveal: p.pfn !== null ? { type: 'pfn', id: p.pfn } : undefined });
      }
      case 'sectionViews':
        return row({ label: l10n.t('Views'), icon: 'window', collapsible: s.views.length ? Collapsible.Collapsed : Collapsible.None, contextValue: 'ntlab.sectionViews', tooltip: l10n.t('The mapped views of this section: each is a VAD in a process (MapViewOfFile, NtMapViewOfSection) whose PTEs refer to the prototype PTEs. Image views are copy-on-write: a write gets the process a private copy of the page.'), description: String(s.views.length), touched });
      case 'sectionView': {
        const v = s.views.find((x) => x.pid === node.pid && x.base === node.va);
        if (!v) return row({ label: l10n.t('(unmapped)'), icon: 'circle-slash', collapsible: Collapsible.None, contextValue: 'ntlab.gone', tooltip: l10n.t('This view is no longer mapped in the displayed state.') });
        const image = this.imageName(v.pid);
        return row({ label: `${image} (${v.pid})`, icon: 'server-process', collapsible: Collapsible.None, contextValue: 'ntlab.sectionView', tooltip: () => [
          `**${l10n.t('View in {0}', `${mdText(image)} (pid ${v.pid})`)}**`, '',
          '| | |\n|---|---|',
          `| ${l10n.t('Address')} | \`${hex(v.base)}\`–\`${hex(v.base + v.size - 1n)}\` |`,
          `| ${l10n.t('Size')} | ${formatBytes(v.size)} |`,
          `| ${l10n.t('Protection')} | ${protection(v.protect)}${v.copyOnWrite ? ' (copy-on-write)' : ''} |`,
          `| ${l10n.t('First prototype PTE')} | ${v.firstPrototypeIndex} |`, '',
          l10n.t('Select to reveal the VAD of this view in the Processes view.'),
        ].join('\n'), description: `${hex(v.base)} · ${formatBytes(v.size)} · ${protection(v.protect)}${v.copyOnWrite ? ' · ' + l10n.t('copy-on-write') : ''}`, touched: this.touched.pids.has(v.pid) && this.touched.touchesVa(v.pid, v.base, v.base + v.size - 1n), reveal: { type: 'vad', pid: v.pid, va: v.base } });
      }
      case 'range':
        return this.rangeView(l10n, node, s.totalPtes);
      default:
        return row({ label: node.id, icon: 'question', collapsible: Collapsible.None, contextValue: 'ntlab.unknown', tooltip: '' });
    }
  }
}

function pteKindLabel(l10n: Localizer, kind: PrototypePteInfo['kind']): string {
  switch (kind) {
    case 'hardware': return l10n.t('valid');
    case 'transition': return l10n.t('transition');
    case 'pageFile': return l10n.t('paging file');
    case 'demandZero': return l10n.t('demand zero');
    case 'subsection': return l10n.t('subsection PTE');
    case 'zero': return l10n.t('not committed');
    default: return kind;
  }
}

function pteKindExplanation(l10n: Localizer, kind: PrototypePteInfo['kind']): string {
  switch (kind) {
    case 'hardware': return l10n.t('the page is in memory and in the working set of at least one process that maps it.');
    case 'transition': return l10n.t('the page is in memory on the standby or modified list; a fault on it is a soft fault (MiResolveTransitionFault).');
    case 'pageFile': return l10n.t('the page was written to the paging file; a fault reads it back (MiResolvePageFileFault).');
    case 'demandZero': return l10n.t('committed but never touched; the first fault gives it a zeroed page.');
    case 'subsection': return l10n.t('the data is in the mapped file, not in memory; the PTE points to the subsection that says where, and a fault reads the page from the file.');
    case 'zero': return l10n.t('not committed yet (a SEC_RESERVE section); touching it is an access violation.');
    default: return '';
  }
}

function pteIcon(kind: PrototypePteInfo['kind']): string {
  switch (kind) {
    case 'hardware': return 'pass-filled';
    case 'transition': return 'history';
    case 'pageFile': return 'database';
    case 'subsection': return 'file';
    case 'demandZero': return 'circle-large-outline';
    default: return 'circle-slash';
  }
}

// ---------------------------------------------------------------------------------------------- jobs

/** JOBOBJECT_BASIC_LIMIT_INFORMATION.LimitFlags by their winnt.h names. */
export const JOB_LIMIT_NAMES: Readonly<Record<string, number>> = {
  JOB_OBJECT_LIMIT_WORKINGSET: 0x1, JOB_OBJECT_LIMIT_PROCESS_TIME: 0x2, JOB_OBJECT_LIMIT_JOB_TIME: 0x4,
  JOB_OBJECT_LIMIT_ACTIVE_PROCESS: 0x8, JOB_OBJECT_LIMIT_AFFINITY: 0x10, JOB_OBJECT_LIMIT_PRIORITY_CLASS: 0x20,
  JOB_OBJECT_LIMIT_PRESERVE_JOB_TIME: 0x40, JOB_OBJECT_LIMIT_SCHEDULING_CLASS: 0x80, JOB_OBJECT_LIMIT_PROCESS_MEMORY: 0x100,
  JOB_OBJECT_LIMIT_JOB_MEMORY: 0x200, JOB_OBJECT_LIMIT_DIE_ON_UNHANDLED_EXCEPTION: 0x400, JOB_OBJECT_LIMIT_BREAKAWAY_OK: 0x800,
  JOB_OBJECT_LIMIT_SILENT_BREAKAWAY_OK: 0x1000, JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE: 0x2000, JOB_OBJECT_LIMIT_SUBSET_AFFINITY: 0x4000,
  JOB_OBJECT_LIMIT_JOB_MEMORY_LOW: 0x8000,
};

/** The limit flags set in `flags`, lowest bit first. */
export function jobLimitFlags(flags: number): number[] {
  const out: number[] = [];
  for (let bit = 1; bit !== 0 && bit <= flags; bit = (bit << 1) >>> 0) if (flags & bit) out.push(bit);
  return out;
}

function limitName(flag: number): string {
  return Object.entries(JOB_LIMIT_NAMES).find(([, v]) => v === flag)?.[0] ?? hex(flag);
}

/** The Jobs view: the job hierarchy with limits, accounting and member processes. */
export class JobsModel extends NodeCache {
  private system: System | undefined;
  /** The jobs as last queried (what the view last showed); `stale` once a step may have changed them. */
  private list: JobInfo[] | undefined;
  private stale = true;
  private byId = new Map<number, JobInfo>();
  touched = new Touched();

  constructor(private readonly l10n: Localizer) { super(); }

  setSystem(system: System | undefined, sameSession: boolean): void {
    this.system = system;
    if (!sameSession) { this.nodes.clear(); this.list = undefined; }
    this.stale = true;
  }

  private jobs(): JobInfo[] {
    if (this.stale || !this.list) {
      this.stale = false;
      this.list = this.system?.queryJobs() ?? [];
      this.byId.clear();
      for (const j of this.list) this.byId.set(j.jobId, j);
    }
    return this.list;
  }

  private job(id: number): JobInfo | undefined {
    this.jobs();
    return this.byId.get(id);
  }

  private jobNode(j: JobInfo): TreeNode {
    const parent = this.job(j.parentJobId);
    return this.node(`job:${j.jobId}`, 'jobObject', parent ? this.jobNode(parent) : undefined, { jobId: j.jobId });
  }

  roots(): TreeNode[] {
    if (!this.system) return [];
    return this.jobs().filter((j) => !this.job(j.parentJobId)).map((j) => this.jobNode(j));
  }

  children(node: TreeNode | undefined): TreeNode[] {
    if (!node) return this.roots();
    const j = this.job(node.jobId!);
    if (!j) return [];
    const id = `job:${j.jobId}`;
    switch (node.kind) {
      case 'jobObject': return [
        this.node(`${id}/limits`, 'jobLimits', node, { jobId: j.jobId }),
        this.node(`${id}/acct`, 'jobAccounting', node, { jobId: j.jobId }),
        ...j.processIds.map((pid) => this.node(`${id}/p:${pid}`, 'jobMember', node, { jobId: j.jobId, pid })),
        ...j.childJobIds.map((c) => this.job(c)).filter((c): c is JobInfo => !!c).map((c) => this.jobNode(c)),
      ];
      case 'jobLimits': return jobLimitFlags(j.limitFlags).map((flag) => this.node(`${id}/limit:${flag}`, 'jobLimit', node, { jobId: j.jobId, index: flag }));
      default: return [];
    }
  }

  parent(node: TreeNode): TreeNode | undefined {
    return node.parent;
  }

  /** The node of `{ type: 'job', id }`, under its parent jobs. */
  find(ref: ChangeRef): TreeNode | undefined {
    if (!this.system || ref.type !== 'job' || ref.id === undefined) return undefined;
    const j = this.job(ref.id);
    return j ? this.jobNode(j) : undefined;
  }

  /** Refreshes the jobs the steps named and those holding a process that changed; everything when jobs came or went. */
  invalidate(changes: readonly ChangeRef[], previouslyTouched?: Touched): Refresh {
    const refresh: Refresh = { all: false, nodes: new Set() };
    const before = this.list;
    this.stale = true;
    // Once the view has asked for its roots (even none: the welcome text shows), a job coming or going refreshes it.
    if (!before) return refresh;
    const named = new Set<number>(previouslyTouched?.jobs);
    const pids = new Set<number>();
    for (const c of changes) {
      if (c.type === 'job' && c.id !== undefined) named.add(c.id);
      else if (c.type === 'process' && c.pid !== undefined) pids.add(c.pid);
    }
    if (named.size === 0 && pids.size === 0) return refresh;
    const after = this.jobs();
    const ids = (l: JobInfo[]): string => l.map((j) => j.jobId).join(',');
    if (ids(before) !== ids(after)) { refresh.all = true; return refresh; }
    for (const j of [...before, ...after]) if (j.processIds.some((p) => pids.has(p))) named.add(j.jobId);
    for (const id of named) {
      const node = this.cached(`job:${id}`);
      if (node && this.byId.has(id)) refresh.nodes.add(node);
    }
    return refresh;
  }

  describe(node: TreeNode): ItemView {
    const l10n = this.l10n;
    const j = this.job(node.jobId!);
    if (!j) return row({ label: l10n.t('(deleted)'), icon: 'circle-slash', collapsible: Collapsible.None, contextValue: 'ntlab.gone', tooltip: l10n.t('This job no longer exists in the displayed state.') });
    const touched = this.touched.jobs.has(j.jobId);
    switch (node.kind) {
      case 'jobObject': {
        const limits = jobLimitFlags(j.limitFlags).length;
        return row({ label: jobLabel(l10n, j), icon: 'briefcase', collapsible: Collapsible.Collapsed, contextValue: 'ntlab.jobObject dt', tooltip: () => [
          `**EJOB** ${j.name ? mdCode(j.name) : l10n.t('(unnamed)')} — \`${hex(j.address)}\``, '',
          '| | |\n|---|---|',
          `| ${l10n.t('Parent job')} | ${this.job(j.parentJobId) ? mdText(jobLabel(l10n, this.job(j.parentJobId)!)) : l10n.t('none')} |`,
          `| ActiveProcesses | ${j.activeProcesses} |`,
          `| LimitFlags | \`${hex(j.limitFlags)}\` |`, '',
          l10n.t('A job object groups processes and applies limits to them (active processes, memory, working set, CPU time). A process stays in its job for life; jobs nest, so a process in a child job is in the parent job too, and the parent\'s limits apply to it as well.'),
        ].join('\n'), description: [j.activeProcesses === 1 ? l10n.t('{0} active process', 1) : l10n.t('{0} active processes', j.activeProcesses),
          limits === 0 ? l10n.t('no limits') : limits === 1 ? l10n.t('{0} limit', 1) : l10n.t('{0} limits', limits),
          j.childJobIds.length === 0 ? '' : j.childJobIds.length === 1 ? l10n.t('{0} child job', 1) : l10n.t('{0} child jobs', j.childJobIds.length)].filter(Boolean).join(' · '), touched });
      }
      case 'jobLimits': {
        const n = jobLimitFlags(j.limitFlags).length;
        return row({ label: l10n.t('Limits'), icon: 'dashboard', collapsible: n ? Collapsible.Collapsed : Collapsible.None, contextValue: 'ntlab.jobLimits dt', tooltip: l10n.t('JOBOBJECT_BASIC_LIMIT_INFORMATION.LimitFlags and the values they enable (SetInformationJobObject). Only the limits that are set are listed.'), description: n ? hex(j.limitFlags) : l10n.t('none set'), touched });
      }
      case 'jobLimit': {
        const flag = node.index!;
        return row({ label: limitName(flag), icon: 'circle-small-filled', collapsible: Collapsible.None, contextValue: 'ntlab.jobLimit', tooltip: limitExplanation(l10n, flag), description: limitValue(j, flag) });
      }
      case 'jobAccounting':
        return row({ label: l10n.t('Accounting'), icon: 'graph', collapsible: Collapsible.None, contextValue: 'ntlab.jobAccounting dt', tooltip: () => [
          `**JOBOBJECT_BASIC_ACCOUNTING_INFORMATION**`, '',
          '| | |\n|---|---|',
          `| TotalProcesses | ${j.totalProcesses} |`,
          `| ActiveProcesses | ${j.activeProcesses} |`,
          `| TotalTerminatedProcesses | ${j.totalTerminatedProcesses} |`,
          `| TotalPageFaultCount | ${j.totalPageFaultCount} |`,
          `| PeakProcessMemoryUsed | ${formatBytes(j.peakProcessMemoryUsed)} |`,
          `| PeakJobMemoryUsed | ${formatBytes(j.peakJobMemoryUsed)} |`, '',
          l10n.t('What QueryInformationJobObject reports for the job: processes that ever ran in it, those still active, the page faults they took, and peak committed memory.'),
        ].join('\n'), description: l10n.t('{0} total · {1} active · {2} terminated', j.totalProcesses, j.activeProcesses, j.totalTerminatedProcesses), touched });
      case 'jobMember': {
        const info = this.system?.queryProcess(node.pid!);
        if (!info || !j.processIds.includes(node.pid!)) return row({ label: l10n.t('(exited)'), icon: 'circle-slash', collapsible: Collapsible.None, contextValue: 'ntlab.gone', tooltip: l10n.t('This process no longer exists in the displayed state.') });
        const isTouched = this.touched.pids.has(node.pid!);
        return row({ label: info.imageFileName, icon: 'server-process', collapsible: Collapsible.None, contextValue: 'ntlab.jobMember dt', tooltip: l10n.t('A process in this job. Select to reveal it in the Processes view.'), description: String(node.pid), touched: isTouched, reveal: { type: 'process', pid: node.pid! } });
      }
      default:
        return row({ label: node.id, icon: 'question', collapsible: Collapsible.None, contextValue: 'ntlab.unknown', tooltip: '' });
    }
  }
}

function limitValue(j: JobInfo, flag: number): string | undefined {
  switch (flag) {
    case 0x1: return `${formatBytes(j.minimumWorkingSetSize)} – ${formatBytes(j.maximumWorkingSetSize)}`;
    case 0x8: return String(j.activeProcessLimit);
    case 0x100: return formatBytes(j.processMemoryLimit);
    case 0x200: return formatBytes(j.jobMemoryLimit);
    default: return undefined;
  }
}

function limitExplanation(l10n: Localizer, flag: number): string {
  switch (flag) {
    case 0x1: return l10n.t('Every process in the job gets this minimum and maximum working set size.');
    case 0x8: return l10n.t('At most this many processes may be active in the job; creating or assigning one more fails and the job is notified (JOB_OBJECT_MSG_ACTIVE_PROCESS_LIMIT).');
    case 0x100: return l10n.t('Each process may commit at most this much private memory; beyond it, allocations fail.');
    case 0x200: return l10n.t('All the processes of the job together may commit at most this much private memory.');
    case 0x800: return l10n.t('A process created with CREATE_BREAKAWAY_FROM_JOB may leave the job.');
    case 0x1000: return l10n.t('Child processes are created outside the job without asking.');
    case 0x2000: return l10n.t('When the last handle to the job closes, every process in it is terminated.');
    default: return l10n.t('A limit of JOBOBJECT_BASIC_LIMIT_INFORMATION.LimitFlags.');
  }
}
