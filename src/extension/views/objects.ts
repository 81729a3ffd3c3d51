// The Sections and Jobs views' models, apart from VS Code like views/model.ts (STYLE.md §7).
// Sections: a section object -> its control area -> the segment (prototype PTEs, paged) and the
// subsections, and the views that map it in processes. Jobs: the job hierarchy, each job with the
// limits that are set, its accounting and its member processes.
import type { ChangeRef, JobInfo, PrototypePteInfo, SectionInfo, System } from '../../engine';
import { hex } from '../present/format';
import type { Localizer } from '../present/localizer';
import { jobLimitFlags, jobRows, type JobRowContext } from './describe/jobs';
import { sectionRows, type SectionRowContext } from './describe/sections';
import { NodeCache, Touched, type Refresh } from './model';
import { describeWith, goneRow, type ItemView, type TreeNode } from './row';

export { JOB_LIMIT_NAMES, jobLimitFlags } from './describe/jobs';

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

  /** The row of a node: its kind's describer in views/describe/sections.ts. */
  describe(node: TreeNode): ItemView {
    const ca = node.controlArea!;
    const section = this.section(ca);
    if (!section) return goneRow(this.l10n.t('(deleted)'), this.l10n.t('This control area no longer exists in the displayed state: its last section reference and view went away.'));
    const context: SectionRowContext = {
      l10n: this.l10n, touched: this.touched, section, sectionTouched: this.touched.objects.has(ca),
      pte: (index) => this.pte(ca, index),
      imageName: (pid) => this.imageName(pid),
    };
    return describeWith(sectionRows, node, context);
  }
}

// ---------------------------------------------------------------------------------------------- jobs

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

  /** The row of a node: its kind's describer in views/describe/jobs.ts. */
  describe(node: TreeNode): ItemView {
    const job = this.job(node.jobId!);
    if (!job) return goneRow(this.l10n.t('(deleted)'), this.l10n.t('This job no longer exists in the displayed state.'));
    const context: JobRowContext = {
      l10n: this.l10n, touched: this.touched, job, jobTouched: this.touched.jobs.has(job.jobId), parent: this.job(job.parentJobId),
      process: (pid) => this.system?.queryProcess(pid),
    };
    return describeWith(jobRows, node, context);
  }
}
