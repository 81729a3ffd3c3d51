// The sidebar's tree models, apart from VS Code (STYLE.md §7): which nodes exist, their stable ids,
// their parents (for reveal), what each looks like (label, description, markdown tooltip, codicon),
// and which nodes a batch of step changes touches, so the providers refresh narrowly. No vscode
// import: the providers (views/providers.ts) adapt these models, and the benchmark
// (test/bench/tree.bench.ts) and unit tests drive them in plain Node.
import type { ChangeRef, HandleInfo, HeapInfo, JobInfo, ProcessInfo, System, VadInfo, WsleInfo } from '../../engine';
import { hex, PAGE_SIZE_N } from '../present/format';
import type { Localizer } from '../present/localizer';
import { listPageCount, PAGE_LIST_INDEX, PAGE_LISTS, STANDBY_PRIORITIES, standbyPriorityOf, type PageListName } from '../present/names';
import { memoryRows, type MemoryRowContext } from './describe/physicalMemory';
import { processRows, type ProcessRowContext } from './describe/processes';
import { describeWith, goneRow, type ItemView, type NodeKind, type RangeOf, type TreeNode } from './row';

export type { Localizer } from '../present/localizer';
export type { PageListName } from '../present/names';
export { PAGE_LISTS } from '../present/names';
export { jobLabel } from './describe/jobs';
export { Collapsible, row, tooltipText, TOUCHED_COLOR, type ItemView, type NodeKind, type RangeOf, type RowSpec, type TreeNode } from './row';

/** Children beyond this many are grouped into range nodes, fetched when expanded. */
export const PAGE_SIZE_ITEMS = 200;

/** What a set of changes asks the view to refresh: specific nodes, or the whole tree (`all`). */
export interface Refresh { all: boolean; nodes: Set<TreeNode> }

export abstract class NodeCache {
  protected readonly nodes = new Map<string, TreeNode>();

  protected node(id: string, kind: NodeKind, parent: TreeNode | undefined, fields: Partial<TreeNode> = {}): TreeNode {
    let n = this.nodes.get(id);
    if (!n) {
      n = { id, kind, parent, ...fields };
      this.nodes.set(id, n);
    } else {
      n.parent = parent;
    }
    return n;
  }

  /** The node of this id if it was ever listed (and so may be on screen). */
  cached(id: string): TreeNode | undefined {
    return this.nodes.get(id);
  }

  get cachedCount(): number { return this.nodes.size; }

  /**
   * Groups `total` children (positions offset..offset+total) into range nodes when there are more
   * than PAGE_SIZE_ITEMS: slices of 200, or of 200 x 200 slices, ... so no level lists more than 200.
   */
  protected paged(parent: TreeNode, rangeOf: RangeOf, total: number, make: (from: number, count: number) => TreeNode[], offset = 0): TreeNode[] {
    if (total <= PAGE_SIZE_ITEMS) return make(offset, total);
    let chunk = PAGE_SIZE_ITEMS;
    while (total / chunk > PAGE_SIZE_ITEMS) chunk *= PAGE_SIZE_ITEMS;
    const out: TreeNode[] = [];
    for (let from = 0; from < total; from += chunk) {
      out.push(this.node(`${parent.id}/r:${offset + from}`, 'range', parent, { rangeOf, from: offset + from, count: Math.min(chunk, total - from), pid: parent.pid, list: parent.list, priority: parent.priority, controlArea: parent.controlArea }));
    }
    return out;
  }

  /** Children of a range node: its slice, or finer ranges. */
  protected rangeChildren(node: TreeNode, make: (from: number, count: number) => TreeNode[]): TreeNode[] {
    return this.paged(node, node.rangeOf!, node.count!, make, node.from!);
  }

  /** Descends from `group` through the ranges that hold position `i` to the child that matches. */
  protected descendTo(children: (n: TreeNode) => TreeNode[], group: TreeNode, i: number, match: (n: TreeNode) => boolean): TreeNode {
    let level = children(group);
    let deepest = group;
    for (;;) {
      const range = level.find((n) => n.kind === 'range' && i >= n.from! && i < n.from! + n.count!);
      if (!range) break;
      deepest = range;
      level = children(range);
    }
    return level.find(match) ?? deepest;
  }
}

/** Which ids the displayed step touched, by kind, for highlighting. */
export class Touched {
  readonly pids = new Set<number>();
  readonly tids = new Set<number>();
  readonly pfns = new Set<number>();
  /** Per process, the virtual addresses a step named (VAD starts, PTE and WSLE pages). */
  readonly vas = new Map<number, bigint[]>();
  readonly lists = new Set<number>();
  /** Ids of 'object' changes (control areas, for the Sections view) and of 'job' changes. */
  readonly objects = new Set<number>();
  readonly jobs = new Set<number>();
  commit = false;
  system = false;

  static from(changes: readonly ChangeRef[]): Touched {
    const t = new Touched();
    for (const c of changes) {
      switch (c.type) {
        case 'process': if (c.pid !== undefined) t.pids.add(c.pid); break;
        case 'thread': if (c.id !== undefined) t.tids.add(c.id); break;
        case 'vad': case 'pte': case 'wsle':
          if (c.pid !== undefined) {
            t.pids.add(c.pid);
            if (c.va !== undefined) { let l = t.vas.get(c.pid); if (!l) t.vas.set(c.pid, l = []); l.push(c.va); }
          }
          break;
        case 'pfn': if (c.id !== undefined) t.pfns.add(c.id); break;
        case 'pageList': if (c.id !== undefined) t.lists.add(c.id); break;
        case 'object': if (c.id !== undefined) t.objects.add(c.id); break;
        case 'job': if (c.id !== undefined) t.jobs.add(c.id); break;
        case 'commit': t.commit = true; break;
        case 'system': t.system = true; break;
        default: break;
      }
    }
    return t;
  }

  get empty(): boolean {
    return !this.pids.size && !this.tids.size && !this.pfns.size && !this.lists.size && !this.objects.size && !this.jobs.size && !this.commit && !this.system;
  }
  touchesVa(pid: number, start: bigint, end: bigint): boolean {
    return this.vas.get(pid)?.some((va) => va >= start && va <= end) ?? false;
  }
}

// ---------------------------------------------------------------------------------------------- processes

/** The Processes view: a parent/child tree (or a flat list) of processes and what each holds. */
export class ProcessesModel extends NodeCache {
  private system: System | undefined;
  private flatList = false;
  private infos = new Map<number, ProcessInfo | null>();
  private childIndex: Map<number, number[]> | undefined;
  private rootPids: number[] | undefined;
  /** Live pids as last indexed; kept across a state change so invalidate() can tell who came and went. */
  private alive: Set<number> | undefined;
  private indexFresh = false;
  private tidOwner: Map<number, number> | undefined;
  private vadCache = new Map<number, VadInfo[]>();
  private wsleCache = new Map<number, Map<bigint, WsleInfo>>();
  /** Handle tables and jobs as last queried; any step may change them (not every handle insert names its process). */
  private handleCache = new Map<number, HandleInfo[]>();
  private jobList: JobInfo[] | undefined;
  /** Heaps as last queried (describe/heaps.ts); any step may change them. */
  private heapCache = new Map<number, HeapInfo[]>();
  touched = new Touched();

  constructor(private readonly l10n: Localizer) { super(); }

  get flat(): boolean { return this.flatList; }
  set flat(value: boolean) {
    if (value === this.flatList) return;
    this.flatList = value;
    this.nodes.clear();
    this.resetIndex();
  }

  /** Shows another system (a new session: everything goes) or another state of the same one. */
  setSystem(system: System | undefined, sameSession: boolean): void {
    this.system = system;
    if (!sameSession) { this.nodes.clear(); this.alive = undefined; }
    this.infos.clear();
    this.vadCache.clear();
    this.wsleCache.clear();
    this.handleCache.clear();
    this.heapCache.clear();
    this.jobList = undefined;
    this.resetIndex();
  }

  private heaps(pid: number): HeapInfo[] {
    let h = this.heapCache.get(pid);
    if (!h) { h = this.system?.queryHeaps(pid) ?? []; this.heapCache.set(pid, h); }
    return h;
  }

  private heapBlockNodes(parent: TreeNode, pid: number, heap: bigint, segment: number, from: number, count: number): TreeNode[] {
    return this.system!.queryHeapBlocks(pid, heap, from, count, segment).blocks.map((b, i) =>
      this.node(`p:${pid}/heap:${hex(heap)}/s:${segment}/b:${hex(b.address)}`, 'heapBlock', parent, { pid, va: b.address, index: from + i }));
  }

  private resetIndex(): void {
    this.indexFresh = false;
    this.childIndex = undefined;
    this.rootPids = undefined;
    this.tidOwner = undefined;
  }

  private info(pid: number): ProcessInfo | undefined {
    let i = this.infos.get(pid);
    if (i === undefined) { i = this.system?.queryProcess(pid) ?? null; this.infos.set(pid, i); }
    return i ?? undefined;
  }

  private vads(pid: number): VadInfo[] {
    let v = this.vadCache.get(pid);
    if (!v) { v = this.system?.queryVads(pid) ?? []; this.vadCache.set(pid, v); }
    return v;
  }

  private handles(pid: number): HandleInfo[] {
    let h = this.handleCache.get(pid);
    if (!h) { h = this.system?.queryHandles(pid) ?? []; this.handleCache.set(pid, h); }
    return h;
  }

  private jobs(): JobInfo[] {
    return this.jobList ??= this.system?.queryJobs() ?? [];
  }

  /** The innermost job the process is in (a process in a nested job is in its parents too). */
  jobOf(pid: number): JobInfo | undefined {
    const holding = this.jobs().filter((j) => j.processIds.includes(pid));
    return holding.find((j) => !holding.some((c) => c.parentJobId === j.jobId)) ?? holding[0];
  }

  private buildIndex(): void {
    const pids = this.system?.processIds ?? [];
    this.alive = new Set(pids);
    this.indexFresh = true;
    this.childIndex = new Map();
    this.rootPids = [];
    for (const pid of pids) {
      const parent = this.info(pid)?.parentPid ?? 0;
      // ParentCid 0 means none (System's): the Idle process (pid 0) is nobody's parent, as in Process Explorer.
      if (parent !== pid && parent !== 0 && this.alive.has(parent)) {
        let l = this.childIndex.get(parent);
        if (!l) this.childIndex.set(parent, l = []);
        l.push(pid);
      } else {
        this.rootPids.push(pid);
      }
    }
  }

  private processNode(pid: number): TreeNode | undefined {
    if (!this.indexFresh) this.buildIndex();
    if (!this.alive!.has(pid)) return undefined;
    let parent: TreeNode | undefined;
    if (!this.flatList) {
      const ppid = this.info(pid)?.parentPid ?? 0;
      if (ppid !== pid && this.alive!.has(ppid)) parent = this.processNode(ppid);
    }
    return this.node(`p:${pid}`, 'process', parent, { pid });
  }

  roots(): TreeNode[] {
    if (!this.system) return [];
    if (!this.indexFresh) this.buildIndex();
    const pids = this.flatList ? [...this.alive!] : this.rootPids!;
    return pids.map((pid) => this.node(`p:${pid}`, 'process', undefined, { pid }));
  }

  children(node: TreeNode | undefined): TreeNode[] {
    if (!node) return this.roots();
    const sys = this.system;
    if (!sys) return [];
    const pid = node.pid!;
    switch (node.kind) {
      case 'process': {
        if (!this.info(pid)) return [];
        const id = node.id;
        const out = [
          this.node(`${id}/threads`, 'threads', node, { pid }),
          this.node(`${id}/handles`, 'handles', node, { pid }),
          this.node(`${id}/vads`, 'addressSpace', node, { pid }),
          this.node(`${id}/ws`, 'workingSet', node, { pid }),
          this.node(`${id}/peb`, 'peb', node, { pid }),
          this.node(`${id}/token`, 'token', node, { pid }),
          this.node(`${id}/security`, 'security', node, { pid }),
          this.node(`${id}/job`, 'job', node, { pid }),
          this.node(`${id}/heaps`, 'heaps', node, { pid }),
        ];
        if (!this.flatList) {
          if (!this.indexFresh) this.buildIndex();
          for (const child of this.childIndex!.get(pid) ?? []) out.push(this.node(`p:${child}`, 'process', node, { pid: child }));
        }
        return out;
      }
      case 'threads':
        return (this.info(pid)?.threads ?? []).map((t) => this.node(`p:${pid}/t:${t.tid}`, 'thread', node, { pid, tid: t.tid }));
      case 'addressSpace': {
        const vads = this.vads(pid);
        return this.paged(node, 'vad', vads.length, (from, count) => vads.slice(from, from + count).map((v) => this.vadNode(node, pid, v)));
      }
      case 'handles': {
        const handles = this.handles(pid);
        return this.paged(node, 'handle', handles.length, (from, count) => this.handleNodes(node, pid, from, count));
      }
      case 'workingSet': {
        const total = sys.queryWorkingSet(pid, 0, 0).total;
        return this.paged(node, 'wsle', total, (from, count) => this.wsleNodes(node, pid, from, count));
      }
      case 'heaps':
        return this.heaps(pid).map((h) => this.node(`p:${pid}/heap:${hex(h.handle)}`, 'heap', node, { pid, va: h.handle }));
      case 'heap': {
        const h = this.heaps(pid).find((x) => x.handle === node.va);
        return (h?.segments ?? []).map((s, i) => this.node(`${node.id}/s:${i}`, 'heapSegment', node, { pid, va: s.base, index: i }));
      }
      case 'heapSegment': {
        const heap = node.parent!.va!;
        const total = sys.queryHeapBlocks(pid, heap, 0, 0, node.index!).total;
        return this.paged(node, 'heapBlock', total, (from, count) => this.heapBlockNodes(node, pid, heap, node.index!, from, count));
      }
      case 'range':
        if (node.rangeOf === 'heapBlock') {
          let seg: TreeNode | undefined = node.parent;
          while (seg && seg.kind !== 'heapSegment') seg = seg.parent;
          return seg ? this.rangeChildren(node, (from, count) => this.heapBlockNodes(node, pid, seg.parent!.va!, seg.index!, from, count)) : [];
        }
        if (node.rangeOf === 'vad') return this.rangeChildren(node, (from, count) => this.vads(pid).slice(from, from + count).map((v) => this.vadNode(node, pid, v)));
        if (node.rangeOf === 'handle') return this.rangeChildren(node, (from, count) => this.handleNodes(node, pid, from, count));
        return this.rangeChildren(node, (from, count) => this.wsleNodes(node, pid, from, count));
      default:
        return [];
    }
  }

  private vadNode(parent: TreeNode, pid: number, v: VadInfo): TreeNode {
    return this.node(`p:${pid}/vad:${hex(v.start)}`, 'vad', parent, { pid, va: v.start });
  }

  private handleNodes(parent: TreeNode, pid: number, from: number, count: number): TreeNode[] {
    return this.handles(pid).slice(from, from + count).map((h) => this.node(`p:${pid}/h:${h.handle}`, 'handle', parent, { pid, handle: h.handle }));
  }

  private wsleNodes(parent: TreeNode, pid: number, from: number, count: number): TreeNode[] {
    let known = this.wsleCache.get(pid);
    if (!known) this.wsleCache.set(pid, known = new Map());
    return this.system!.queryWorkingSet(pid, from, count).entries.map((e) => {
      known.set(e.va, e);
      return this.node(`p:${pid}/wsle:${hex(e.va)}`, 'wsle', parent, { pid, va: e.va });
    });
  }

  parent(node: TreeNode): TreeNode | undefined {
    return node.parent;
  }

  /** Builds the chain of nodes down to what a ChangeRef names (for reveal); undefined when it is not in this view. */
  find(ref: ChangeRef): TreeNode | undefined {
    const sys = this.system;
    if (!sys) return undefined;
    let pid = ref.pid;
    if (ref.type === 'thread' && ref.id !== undefined) pid = this.ownerOfThread(ref.id);
    if (pid === undefined) return undefined;
    const proc = this.processNode(pid);
    if (!proc) return undefined;
    const groups = this.children(proc);
    const group = (kind: NodeKind): TreeNode => groups.find((g) => g.kind === kind)!;
    switch (ref.type) {
      case 'process': return proc;
      case 'thread': return this.children(group('threads')).find((t) => t.tid === ref.id) ?? group('threads');
      case 'vad': case 'pte': {
        const vads = this.vads(pid);
        const va = ref.va;
        const i = va === undefined ? -1 : vads.findIndex((v) => va >= v.start && va <= v.end);
        if (i < 0) return group('addressSpace');
        return this.descend(group('addressSpace'), i, (n) => n.kind === 'vad' && n.va === vads[i]!.start);
      }
      case 'wsle': {
        const ws = group('workingSet');
        if (ref.va === undefined) return ws;
        const page = ref.va & ~(PAGE_SIZE_N - 1n);
        const entries = sys.queryWorkingSet(pid).entries;
        const i = entries.findIndex((e) => e.va === page);
        if (i < 0) return ws;
        return this.descend(ws, i, (n) => n.kind === 'wsle' && n.va === page);
      }
      default: return proc;
    }
  }

  /**
   * The node of a process, or one of its groups (threads, handles, address space, working set, PEB,
   * token, job), for a notes heading's lens; undefined when the process is not in the displayed state.
   */
  findPart(pid: number, part: 'process' | 'threads' | 'handles' | 'addressSpace' | 'workingSet' | 'peb' | 'token' | 'job'): TreeNode | undefined {
    if (!this.system) return undefined;
    const proc = this.processNode(pid);
    if (!proc || part === 'process') return proc;
    return this.children(proc).find((g) => g.kind === part);
  }

  /** The child at position i of a possibly paged group. */
  private descend(group: TreeNode, i: number, match: (n: TreeNode) => boolean): TreeNode {
    return this.descendTo((n) => this.children(n), group, i, match);
  }

  private ownerOfThread(tid: number): number | undefined {
    if (!this.tidOwner || !this.tidOwner.has(tid)) {
      this.tidOwner = new Map();
      for (const pid of this.system?.processIds ?? []) for (const t of this.info(pid)?.threads ?? []) this.tidOwner.set(t.tid, pid);
    }
    return this.tidOwner.get(tid);
  }

  /**
   * Forgets what `changes` made stale and returns the nodes to refresh: a process whose state a
   * step touched, and for a process that appeared or went, its parent (or the whole tree).
   */
  invalidate(changes: readonly ChangeRef[], previouslyTouched?: Touched): Refresh {
    const refresh: Refresh = { all: false, nodes: new Set() };
    this.handleCache.clear();
    this.heapCache.clear();
    this.jobList = undefined;
    const pids = new Set<number>(previouslyTouched?.pids);
    for (const tid of previouslyTouched?.tids ?? []) { const o = this.ownerOfThread(tid); if (o !== undefined) pids.add(o); }
    // A 'system' change names the machine as a whole (boot, a memory list command, a creation's first
    // stage); the processes such a step affects are named by their own changes.
    for (const c of changes) {
      if (c.pid !== undefined && (c.type === 'process' || c.type === 'vad' || c.type === 'pte' || c.type === 'wsle')) pids.add(c.pid);
      else if (c.type === 'thread' && c.id !== undefined) {
        const owner = this.ownerOfThread(c.id);
        if (owner === undefined) this.tidOwner = undefined; else pids.add(owner);
      }
    }
    const wasAlive = this.alive;
    let structural = false;
    for (const pid of pids) {
      const before = this.infos.get(pid);
      this.infos.delete(pid);
      this.vadCache.delete(pid);
      this.wsleCache.delete(pid);
      const now = this.system?.queryProcess(pid);
      const existedBefore = wasAlive ? wasAlive.has(pid) : !!before;
      if (!!now !== existedBefore) {
        // A process came or went: its parent's children changed (or the roots).
        structural = true;
        const parentPid = now?.parentPid ?? before?.parentPid;
        const parent = this.flatList || parentPid === undefined ? undefined : this.cached(`p:${parentPid}`);
        if (parent && wasAlive?.has(parentPid!) && this.system?.queryProcess(parentPid!)) refresh.nodes.add(parent);
        else refresh.all = true;
      }
      const node = this.cached(`p:${pid}`);
      if (node && now) refresh.nodes.add(node);
    }
    if (structural) { this.resetIndex(); if (this.alive) this.buildIndex(); }
    if (refresh.all) refresh.nodes.clear();
    return refresh;
  }

  /** The row of a node: its kind's describer in views/describe/processes.ts. */
  describe(node: TreeNode): ItemView {
    const pid = node.pid!;
    const info = this.info(pid);
    if (!info) return goneRow(this.l10n.t('(exited)'), this.l10n.t('This process no longer exists in the displayed state.'));
    const context: ProcessRowContext = {
      l10n: this.l10n, touched: this.touched, pid, info,
      vads: () => this.vads(pid),
      handles: () => this.handles(pid),
      jobOf: () => this.jobOf(pid),
      handleTarget: (h) => this.handleTarget(h),
      wsle: (va) => this.wsleCache.get(pid)?.get(va),
      workingSetTotal: () => this.system!.queryWorkingSet(pid, 0, 0).total,
      security: () => this.system!.queryProcessSecurity(pid),
      heaps: () => this.heaps(pid),
      heapBlocks: (heap, segment, from, count) => this.system!.queryHeapBlocks(pid, heap, from, count, segment),
    };
    return describeWith(processRows, node, context);
  }

  /** Where the object of a handle shows in the sidebar: its process, thread, job or section. */
  private handleTarget(h: HandleInfo): ChangeRef | undefined {
    const sys = this.system!;
    switch (h.typeName) {
      case 'Process': {
        const pid = sys.processIds.find((p) => this.info(p)?.eprocess === h.objectAddress);
        return pid === undefined ? undefined : { type: 'process', pid };
      }
      case 'Thread': return { type: 'thread', id: h.key };
      case 'Job': {
        const job = this.jobs().find((j) => j.objectId === h.objectId);
        return job ? { type: 'job', id: job.jobId } : undefined;
      }
      case 'Section': {
        const section = sys.querySections().find((s) => s.sectionObjects.some((o) => o.objectId === h.objectId));
        return section ? { type: 'object', id: section.controlArea } : undefined;
      }
      default: return undefined;
    }
  }
}

// ---------------------------------------------------------------------------------------------- physical memory

/** The Physical Memory view: commit, the page lists with their counts, and their pages (PFNs). */
export class PhysicalMemoryModel extends NodeCache {
  private system: System | undefined;
  touched = new Touched();

  constructor(private readonly l10n: Localizer) { super(); }

  setSystem(system: System | undefined, sameSession: boolean): void {
    this.system = system;
    if (!sameSession) this.nodes.clear();
  }

  roots(): TreeNode[] {
    if (!this.system) return [];
    return [
      this.node('commit', 'commit', undefined),
      ...PAGE_LISTS.map((list) => this.node(`list:${list}`, 'pageList', undefined, { list })),
      this.node('active', 'activePages', undefined),
      this.node('compression', 'compression', undefined),
    ];
  }

  private count(list: PageListName, priority?: number): number {
    return listPageCount(this.system!.querySystemMemoryListInformation(), list, priority);
  }

  children(node: TreeNode | undefined): TreeNode[] {
    if (!node) return this.roots();
    if (!this.system) return [];
    switch (node.kind) {
      case 'pageList':
        if (node.list === 'Standby') {
          return Array.from({ length: STANDBY_PRIORITIES }, (_, i) => STANDBY_PRIORITIES - 1 - i).map((priority) => this.node(`list:Standby/${priority}`, 'standbyPriority', node, { list: 'Standby', priority }));
        }
        return this.pfnPage(node, this.count(node.list!));
      case 'standbyPriority': return this.pfnPage(node, this.count('Standby', node.priority));
      case 'range': return this.rangeChildren(node, (from, count) => this.pfnNodes(node, from, count));
      default: return [];
    }
  }

  private pfnPage(node: TreeNode, total: number): TreeNode[] {
    return this.paged(node, 'pfn', total, (from, count) => this.pfnNodes(node, from, count));
  }

  private pfnNodes(parent: TreeNode, from: number, count: number): TreeNode[] {
    return this.system!.listPages(parent.list!, from, count, parent.priority).map((pfn) => this.node(`pfn:${pfn}`, 'pfn', parent, { pfn, list: parent.list, priority: parent.priority }));
  }

  parent(node: TreeNode): TreeNode | undefined {
    return node.parent;
  }

  /** The node of a page frame (on its list) or of a list; undefined when it is not shown here. */
  find(ref: ChangeRef): TreeNode | undefined {
    const sys = this.system;
    if (!sys) return undefined;
    if (ref.type === 'commit') return this.roots()[0];
    if (ref.type === 'pageList' && ref.id !== undefined) {
      const roots = this.roots();
      const priority = standbyPriorityOf(ref.id);
      if (priority !== undefined) return this.children(roots.find((r) => r.list === 'Standby')).find((n) => n.priority === priority);
      return roots.find((r) => r.list !== undefined && PAGE_LIST_INDEX[r.list] === ref.id);
    }
    if (ref.type !== 'pfn' || ref.id === undefined || !Number.isInteger(ref.id) || ref.id < 0 || ref.id >= sys.physicalPageCount) return undefined;
    const pfn = ref.id;
    const info = sys.queryPfn(pfn);
    const roots = this.roots();
    if (!(PAGE_LISTS as readonly string[]).includes(info.State)) return roots.find((r) => r.kind === 'activePages');
    let listNode = roots.find((r) => r.list === info.State)!;
    if (info.State === 'Standby') listNode = this.children(listNode).find((n) => n.priority === info.Priority)!;
    const i = sys.listPages(info.State as PageListName, 0, Infinity, info.State === 'Standby' ? info.Priority : undefined).indexOf(pfn);
    return this.descendTo((n) => this.children(n), listNode, i, (n) => n.pfn === pfn);
  }

  /** Any memory change can move pages between lists: refresh the roots (a handful of nodes). */
  invalidate(changes: readonly ChangeRef[], previouslyTouched?: Touched): Refresh {
    const refresh: Refresh = { all: false, nodes: new Set() };
    const relevant = changes.some((c) => c.type === 'pfn' || c.type === 'pageList' || c.type === 'commit' || c.type === 'system' || c.type === 'vad' || c.type === 'process')
      || (previouslyTouched !== undefined && !previouslyTouched.empty);
    if (!relevant) return refresh;
    for (const r of this.roots()) refresh.nodes.add(r);
    return refresh;
  }

  /** The row of a node: its kind's describer in views/describe/physicalMemory.ts. */
  describe(node: TreeNode): ItemView {
    const sys = this.system!;
    const context: MemoryRowContext = {
      l10n: this.l10n, touched: this.touched, physicalPageCount: sys.physicalPageCount,
      lists: () => sys.querySystemMemoryListInformation(),
      commit: () => sys.queryCommit(),
      compression: () => sys.queryMemoryCompression(),
      pfn: (pfn) => sys.queryPfn(pfn),
    };
    return describeWith(memoryRows, node, context);
  }
}
