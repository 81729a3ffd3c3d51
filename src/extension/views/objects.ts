// The Sections and Jobs views' models, apart from VS Code like views/model.ts (STYLE.md §7).
// Sections: a section object -> its control area -> the segment (prototype PTEs, paged) and the
// subsections, and the views that map it in processes. Jobs: the job hierarchy, each job with the
// limits that are set, its accounting and its member processes.
import type { ChangeRef, JobInfo, PrototypePteInfo, SectionInfo, SectionViewInfo, System } from '../../engine';
import { hex } from '../present/format';
import type { Localizer } from '../present/localizer';
import { jobLimitFlags, jobRows, type JobRowContext } from './describe/jobs';
import { sectionRows, type SectionRowContext } from './describe/sections';
import { NodeCache, Touched, type Refresh } from './model';
import { describeWith, goneRow, type ItemView, type TreeNode } from './row';

export { jobLimitFlags } from './describe/jobs';

/**
 * A list a view shows (control areas, jobs), queried from the displayed state and kept until a step
 * may have changed it, with its items by id.
 */
class ShownList<T> {
  private list: T[] | undefined;
  private stale = true;
  private readonly byId = new Map<number, T>();

  constructor(private readonly query: () => T[], private readonly idOf: (item: T) => number) {}

  /** The list as last queried, without querying again (undefined before the first query). */
  get shown(): readonly T[] | undefined { return this.list; }

  items(): T[] {
    if (this.stale || !this.list) {
      this.stale = false;
      this.list = this.query();
      this.byId.clear();
      for (const x of this.list) this.byId.set(this.idOf(x), x);
    }
    return this.list;
  }

  get(id: number): T | undefined {
    this.items();
    return this.byId.get(id);
  }

  /** Requery on next use (another state of the same session). */
  markStale(): void { this.stale = true; }

  /** Forget what the view showed (a new session). */
  clear(): void { this.list = undefined; this.stale = true; }

  /**
   * Marks the list stale and returns what to refresh: the items the steps named (changes of
   * `changeType`, and `previouslyNamed`), those holding a process that changed, or everything when
   * items came or went (the root list changed). Nothing before the view first asked for its roots;
   * once it has (even for none: the welcome text shows), an item coming or going refreshes it.
   */
  refresh(changes: readonly ChangeRef[], changeType: 'object' | 'job', previouslyNamed: Iterable<number> | undefined,
    holds: (item: T, pids: ReadonlySet<number>) => boolean, nodeOf: (id: number) => TreeNode | undefined): Refresh {
    const refresh: Refresh = { all: false, nodes: new Set() };
    const before = this.list;
    this.stale = true;
    if (!before) return refresh;
    const named = new Set<number>(previouslyNamed);
    const pids = new Set<number>();
    for (const c of changes) {
      if (c.type === changeType && c.id !== undefined) named.add(c.id);
      else if (c.type === 'process' && c.pid !== undefined) pids.add(c.pid);
    }
    if (named.size === 0 && pids.size === 0) return refresh;
    const after = this.items();
    const ids = (l: T[]): string => l.map(this.idOf).join(',');
    if (ids(before) !== ids(after)) { refresh.all = true; return refresh; }
    for (const x of [...before, ...after]) if (holds(x, pids)) named.add(this.idOf(x));
    for (const id of named) {
      const node = nodeOf(id);
      if (node && this.byId.has(id)) refresh.nodes.add(node);
    }
    return refresh;
  }
}

// ---------------------------------------------------------------------------------------------- sections

/** Beyond this many processes named by one refresh, the control areas they map are found by one walk of every view. */
const PER_PROCESS_QUERY_MAX = 8;

/**
 * The Sections view: one root per control area, labelled by the section object(s) that refer to it.
 * Each state is queried narrowly (issue 17: a cursor move re-queried every VAD of every process and
 * every prototype PTE): the control areas without their views (`views: 'none'`), the views of a control
 * area only when a row that lists them is drawn, and on a refresh the control areas of the processes the
 * steps named, one process at a time; prototype PTEs only as their rows are drawn.
 */
export class SectionsModel extends NodeCache {
  private system: System | undefined;
  /** The control areas as last queried (what the view last showed), their `views` left empty: see `viewsOf`. */
  private readonly list = new ShownList<SectionInfo>(() => this.system?.querySections({ views: 'none' }) ?? [], (s) => s.controlArea);
  /** The views of the control areas drawn so far in this state. */
  private views = new Map<number, SectionViewInfo[]>();
  private imageNames = new Map<number, string>();
  /** Prototype PTE slices as last decoded, per control area (cleared with the state). */
  private ptes = new Map<number, Map<number, PrototypePteInfo>>();
  touched = new Touched();

  constructor(private readonly l10n: Localizer) { super(); }

  setSystem(system: System | undefined, sameSession: boolean): void {
    this.system = system;
    if (!sameSession) { this.nodes.clear(); this.list.clear(); }
    this.forget();
  }

  private forget(): void {
    this.list.markStale();
    this.imageNames.clear();
    this.ptes.clear();
    this.views.clear();
  }

  /** The views of control area `ca` in the displayed state (one walk of the processes' VADs, kept for this state). */
  private viewsOf(ca: number): SectionViewInfo[] {
    let v = this.views.get(ca);
    if (!v) { v = this.system?.querySections({ controlArea: ca })[0]?.views ?? []; this.views.set(ca, v); }
    return v;
  }

  private sections(): SectionInfo[] {
    return this.list.items();
  }

  private section(ca: number): SectionInfo | undefined {
    return this.list.get(ca);
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
      case 'sectionViews': return this.viewsOf(ca).map((v, index) => this.node(`${id}/view:${v.pid}:${hex(v.base)}`, 'sectionView', node, { controlArea: ca, pid: v.pid, va: v.base, index }));
      default: return [];
    }
  }

  private pteNodes(parent: TreeNode, ca: number, from: number, count: number): TreeNode[] {
    const known = this.decoded(ca);
    return this.system!.queryPrototypePtes(ca, from, count).map((p) => {
      known.set(p.index, p);
      return this.node(`ca:${ca}/pte:${p.index}`, 'protoPte', parent, { controlArea: ca, index: p.index });
    });
  }

  /** The prototype PTEs of a control area decoded so far. */
  private decoded(ca: number): Map<number, PrototypePteInfo> {
    let known = this.ptes.get(ca);
    if (!known) this.ptes.set(ca, known = new Map());
    return known;
  }

  private pte(ca: number, index: number): PrototypePteInfo | undefined {
    const known = this.decoded(ca);
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
    // What the older state showed: its views where they were drawn, and each control area's view count.
    const shownViews = this.views;
    const before = new Map((this.list.shown ?? []).map((s) => [s.controlArea, s.numberOfMappedViews]));
    this.forget();
    let mapped: Set<number> | undefined;
    /** Control areas a process of `pids` maps in the displayed state: a walk of those processes' VADs only. */
    const mappedBy = (pids: ReadonlySet<number>): Set<number> => {
      if (mapped) return mapped;
      mapped = new Set();
      const system = this.system;
      if (!system) return mapped;
      const queries = pids.size <= PER_PROCESS_QUERY_MAX ? [...pids].map((pid) => system.querySections({ views: pid })) : [system.querySections()];
      for (const list of queries) for (const s of list) if (s.views.some((v) => pids.has(v.pid))) mapped.add(s.controlArea);
      return mapped;
    };
    // A control area held a process in the older state when its drawn views say so, or when its view count
    // changed (a view went with an unmapped view or an exited process, which the newer state no longer lists).
    const held = (s: SectionInfo, pids: ReadonlySet<number>): boolean =>
      mappedBy(pids).has(s.controlArea) || (shownViews.get(s.controlArea)?.some((v) => pids.has(v.pid)) ?? false)
      || (before.has(s.controlArea) && before.get(s.controlArea) !== s.numberOfMappedViews);
    return this.list.refresh(changes, 'object', previouslyTouched?.objects, held, (ca) => this.cached(`ca:${ca}`));
  }

  /** The row of a node: its kind's describer in views/describe/sections.ts. */
  describe(node: TreeNode): ItemView {
    const ca = node.controlArea!;
    const section = this.section(ca);
    if (!section) return goneRow(this.l10n.t('(deleted)'), this.l10n.t('This control area no longer exists in the displayed state: its last section reference and view went away.'));
    // Only the rows that list views get them (viewsOf); the others count them (NumberOfMappedViews).
    const listed = node.kind === 'protoPte' || node.kind === 'sectionView' ? { ...section, views: this.viewsOf(ca) } : section;
    const context: SectionRowContext = {
      l10n: this.l10n, touched: this.touched, section: listed, sectionTouched: this.touched.objects.has(ca),
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
  /** The jobs as last queried (what the view last showed). */
  private readonly list = new ShownList<JobInfo>(() => this.system?.queryJobs() ?? [], (j) => j.jobId);
  touched = new Touched();

  constructor(private readonly l10n: Localizer) { super(); }

  setSystem(system: System | undefined, sameSession: boolean): void {
    this.system = system;
    if (!sameSession) { this.nodes.clear(); this.list.clear(); }
    this.list.markStale();
  }

  private jobs(): JobInfo[] {
    return this.list.items();
  }

  private job(id: number): JobInfo | undefined {
    return this.list.get(id);
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
    return this.list.refresh(changes, 'job', previouslyTouched?.jobs, (j, pids) => j.processIds.some((p) => pids.has(p)), (id) => this.cached(`job:${id}`));
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
