// The sidebar's tree models, apart from VS Code (STYLE.md §7): which nodes exist, their stable ids,
// their parents (for reveal), what each looks like (label, description, markdown tooltip, codicon),
// and which nodes a batch of step changes touches, so the providers refresh narrowly. No vscode
// import: the providers (views/providers.ts) adapt these models, and the benchmark
// (test/bench/tree.bench.ts) and unit tests drive them in plain Node.
import type { ChangeRef, HandleInfo, JobInfo, PfnInfo, ProcessInfo, System, VadInfo, WsleInfo } from '../../engine';
import { flagNames, PROTECTION_NAMES } from '../commands/parse';
import { formatBytes, hex } from '../present/format';
import type { Localizer } from '../present/localizer';
import { mdCode, mdText } from '../present/markdown';
import { handleIcon, listLabel, PAGE_LIST_INDEX, PAGE_LISTS, STANDBY_PRIORITIES, standbyIndex, standbyPriorityOf, type PageListName } from '../present/names';

export type { Localizer } from '../present/localizer';
export type { PageListName } from '../present/names';
export { PAGE_LISTS } from '../present/names';

export type NodeKind =
  | 'process' | 'threads' | 'thread' | 'handles' | 'handle' | 'addressSpace' | 'vad' | 'workingSet' | 'wsle' | 'peb' | 'token' | 'job'
  | 'range' | 'commit' | 'pageList' | 'standbyPriority' | 'activePages' | 'pfn'
  | 'section' | 'controlArea' | 'segment' | 'subsection' | 'protoPte' | 'sectionViews' | 'sectionView'
  | 'jobObject' | 'jobLimits' | 'jobLimit' | 'jobAccounting' | 'jobMember';

/** What range nodes page. */
export type RangeOf = 'wsle' | 'vad' | 'pfn' | 'handle' | 'protoPte';


/** One element of a tree. Identity is stable: the same id always yields the same object. */
export interface TreeNode {
  readonly id: string;
  readonly kind: NodeKind;
  /** Where the node was last listed (updated when a regrouping moves it). */
  parent: TreeNode | undefined;
  readonly pid?: number;
  readonly tid?: number;
  readonly va?: bigint;
  readonly pfn?: number;
  readonly list?: PageListName;
  readonly priority?: number;
  /** Handle value (handle nodes). */
  readonly handle?: number;
  /** Control area id (Sections view). */
  readonly controlArea?: number;
  /** Prototype PTE or subsection index, or a view's position (Sections view); a limit's flag (Jobs view). */
  readonly index?: number;
  /** Job id (Jobs view, and the Job row of a process). */
  readonly jobId?: number;
  /** For range nodes: what they page and which slice [from, from + count). */
  readonly rangeOf?: RangeOf;
  readonly from?: number;
  readonly count?: number;
}

export const enum Collapsible { None = 0, Collapsed = 1, Expanded = 2 }

/** What a node looks like, in VS Code-free terms. */
export interface ItemView {
  label: string;
  description?: string;
  /** Markdown; a function when building it costs more than a row (providers resolve it on hover). */
  tooltip: string | (() => string);
  /** A codicon id. */
  icon: string;
  /** A theme color id for the icon (what the displayed step touched is highlighted). */
  iconColor?: string;
  collapsible: Collapsible;
  /** For menus: `ntlab.<kind>`, plus ` dt` / ` pte` when "Show as dt" / "Decode PTE" apply. */
  contextValue: string;
  /** The displayed step created or modified what this node shows. */
  touched: boolean;
  /** Selecting the row reveals this elsewhere in the sidebar (a process, a VAD, a job, a page frame). */
  reveal?: ChangeRef;
}

/** Children beyond this many are grouped into range nodes, fetched when expanded. */
export const PAGE_SIZE_ITEMS = 200;
/** The highlight color of what the displayed step touched. */
export const TOUCHED_COLOR = 'charts.orange';

/** How a row looks, by name (every describer of every view builds its rows through `row`). */
export interface RowSpec {
  icon: string;
  label: string;
  collapsible: Collapsible;
  contextValue: string;
  tooltip: string | (() => string);
  description?: string;
  touched?: boolean;
  reveal?: ChangeRef;
}

/** An ItemView from named parts; a touched row gets the highlight color. */
export function row(r: RowSpec): ItemView {
  const touched = r.touched ?? false;
  return {
    label: r.label, description: r.description, tooltip: r.tooltip, icon: r.icon, collapsible: r.collapsible, contextValue: r.contextValue,
    touched, iconColor: touched ? TOUCHED_COLOR : undefined, reveal: r.reveal,
  };
}

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

  protected rangeView(l10n: Localizer, node: TreeNode, total: number): ItemView {
    const first = node.from!;
    const last = first + node.count! - 1;
    return {
      label: `[${first}–${last}]`,
      description: l10n.t('of {0}', total),
      tooltip: l10n.t('Entries {0} to {1} of {2}. Long lists are fetched a slice at a time when expanded.', first, last, total),
      icon: 'list-flat', collapsible: Collapsible.Collapsed, contextValue: 'ntlab.range', touched: false,
    };
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
    this.jobList = undefined;
    this.resetIndex();
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
      if (parent !== pid && this.alive.has(parent)) {
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
          this.node(`${id}/job`, 'job', node, { pid }),
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
      case 'range':
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
        const page = ref.va & ~0xFFFn;
        const entries = sys.queryWorkingSet(pid).entries;
        const i = entries.findIndex((e) => e.va === page);
        if (i < 0) return ws;
        return this.descend(ws, i, (n) => n.kind === 'wsle' && n.va === page);
      }
      default: return proc;
    }
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

  describe(node: TreeNode): ItemView {
    const l10n = this.l10n;
    const pid = node.pid!;
    const info = this.info(pid);
    const touched = this.touched;
    if (!info) return row({ icon: 'circle-slash', label: l10n.t('(exited)'), collapsible: Collapsible.None, contextValue: 'ntlab.gone', tooltip: l10n.t('This process no longer exists in the displayed state.') });
    switch (node.kind) {
      case 'process': {
        const hasChildren = true;
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
          `| ${l10n.t('Working set')} | ${formatBytes(info.workingSetSize * 4096)} (${l10n.t('min {0}, max {1}, peak {2}', formatBytes(info.workingSetMinimum * 4096), formatBytes(info.workingSetMaximum * 4096), formatBytes(info.peakWorkingSetSize * 4096))}) |`,
          `| ${l10n.t('Private commit')} | ${formatBytes(info.privateCommit * 4096)} |`,
          `| ${l10n.t('Page tables')} | ${l10n.t('{0} pages', info.pageTablePages)} |`,
          `| ${l10n.t('Page faults')} | ${info.pageFaultCount} |`,
          '',
          l10n.t('The kernel represents a process by an EPROCESS (executive process object), whose first member Pcb is the KPROCESS the scheduler uses. The PEB lives in user space.'),
        ].join('\n');
        return row({ icon: 'server-process', label: info.imageFileName, collapsible: hasChildren ? Collapsible.Collapsed : Collapsible.None, contextValue: 'ntlab.process dt', tooltip, description: `${pid} · ${l10n.t('WS {0}', formatBytes(info.workingSetSize * 4096))}${info.debuggerPid ? ' · ' + l10n.t('debugged') : ''}${info.integrityLevel === 'Low' || info.integrityLevel === 'Untrusted' ? ' · ' + l10n.t('{0} integrity', info.integrityLevel) : ''}`, touched: touched.pids.has(pid) });
      }
      case 'threads':
        return row({ icon: 'list-tree', label: l10n.t('Threads'), collapsible: info.threads.length ? Collapsible.Collapsed : Collapsible.None, contextValue: 'ntlab.threads', tooltip: l10n.t('The threads of this process (ETHREAD objects). A thread is what the scheduler runs; the process only provides the address space and resources.'), description: String(info.threads.length), touched: info.threads.some((t) => touched.tids.has(t.tid)) });
      case 'thread': {
        const t = info.threads.find((x) => x.tid === node.tid);
        if (!t) return row({ icon: 'circle-slash', label: l10n.t('(exited)'), collapsible: Collapsible.None, contextValue: 'ntlab.gone', tooltip: l10n.t('This thread no longer exists in the displayed state.') });
        return row({ icon: 'pulse', label: l10n.t('Thread {0}', t.tid), collapsible: Collapsible.None, contextValue: 'ntlab.thread dt', tooltip: [`**${l10n.t('Thread {0}', t.tid)}** — ${mdText(t.state)}`, '', `TEB \`${hex(t.teb)}\``, '',
            l10n.t('Each thread has a TEB (thread environment block) in user space, a user stack and a kernel stack. KTHREAD.State is its scheduling state (Initialized, Ready, Running, Waiting...).')].join('\n'), description: `${t.state} · TEB ${hex(t.teb)}`, touched: touched.tids.has(t.tid) });
      }
      case 'handles': {
        const n = this.handles(pid).length;
        return row({ icon: 'key', label: l10n.t('Handles'), collapsible: n ? Collapsible.Collapsed : Collapsible.None, contextValue: 'ntlab.handles dt', tooltip: l10n.t('The handle table (EPROCESS.ObjectTable) maps handle values to object pointers and granted access. A handle value is a multiple of 4: its entry index times 4. Opening or creating an object (CreateFileMapping, OpenProcess, CreateJobObject...) adds an entry; CloseHandle removes it.'), description: String(n) });
      }
      case 'handle': {
        const h = this.handles(pid).find((x) => x.handle === node.handle);
        if (!h) return row({ icon: 'circle-slash', label: l10n.t('(closed)'), collapsible: Collapsible.None, contextValue: 'ntlab.gone', tooltip: l10n.t('This handle is no longer open in the displayed state.') });
        return row({ icon: handleIcon(h.typeName), label: `${hex(h.handle)} ${h.typeName}`, collapsible: Collapsible.None, contextValue: 'ntlab.handle dt', tooltip: () => [`**${l10n.t('Handle {0}', hex(h.handle))}** — ${mdText(h.typeName)}`, '',
            '| | |\n|---|---|',
            `| ${l10n.t('Object')} | \`${hex(h.objectAddress)}\` |`,
            `| GrantedAccess | \`${hex(h.grantedAccess)}\` |`,
            `| ${l10n.t('Inherited by child processes')} | ${h.inherit ? l10n.t('yes') : l10n.t('no')} |`,
            `| ${l10n.t('Name')} | ${h.name ? mdCode(h.name) : l10n.t('(unnamed)')} |`, '',
            l10n.t('A HANDLE_TABLE_ENTRY holds the object header pointer and the access granted when the handle was opened; every use of the handle is checked against that access, not against the object\'s security descriptor again.')].join('\n'), description: [hex(h.grantedAccess), h.name].filter(Boolean).join(' · '), reveal: this.handleTarget(h) });
      }
      case 'token':
        return row({ icon: 'shield', label: l10n.t('Token'), collapsible: Collapsible.None, contextValue: 'ntlab.token dt', tooltip: l10n.t('The access token holds the security context: user and group SIDs, privileges, integrity level. "Show as dt" lays out its TOKEN.') });
      case 'job': {
        const job = this.jobOf(pid);
        const explain = l10n.t('A job object groups processes and applies limits to them (active processes, memory, working set, CPU time). A process stays in its job for life; jobs nest, so a process in a child job is in the parent job too.');
        if (!job) return row({ icon: 'briefcase', label: l10n.t('Job'), collapsible: Collapsible.None, contextValue: 'ntlab.job', tooltip: explain, description: l10n.t('not in a job') });
        return row({ icon: 'briefcase', label: l10n.t('Job'), collapsible: Collapsible.None, contextValue: 'ntlab.job dt', tooltip: explain, description: jobLabel(l10n, job), touched: touched.jobs.has(job.jobId), reveal: { type: 'job', id: job.jobId } });
      }
      case 'peb':
        return row({ icon: 'symbol-structure', label: 'PEB', collapsible: Collapsible.None, contextValue: 'ntlab.peb dt', tooltip: l10n.t('The process environment block, in user space so the loader, heap manager and subsystem DLLs can read it without system calls. Created by MmCreatePeb (stage 3E of process creation).'), description: hex(info.peb) });
      case 'addressSpace': {
        const vads = this.vads(pid);
        return row({ icon: 'symbol-namespace', label: l10n.t('Address space (VADs)'), collapsible: vads.length ? Collapsible.Collapsed : Collapsible.None, contextValue: 'ntlab.addressSpace', tooltip: l10n.t('Virtual address descriptors: one per reserved range, in a balanced tree (VadRoot). Committed pages get PTEs lazily, on first touch.'), description: vads.length === 1 ? l10n.t('{0} VAD · commit {1}', 1, formatBytes(info.privateCommit * 4096)) : l10n.t('{0} VADs · commit {1}', vads.length, formatBytes(info.privateCommit * 4096)), touched: touched.vas.has(pid) });
      }
      case 'vad': {
        const v = this.vads(pid).find((x) => x.start === node.va);
        if (!v) return row({ icon: 'circle-slash', label: l10n.t('(released)'), collapsible: Collapsible.None, contextValue: 'ntlab.gone', tooltip: l10n.t('This range is no longer reserved in the displayed state.') });
        const type = v.type === 0x1000000 ? 'MEM_IMAGE' : v.type === 0x40000 ? 'MEM_MAPPED' : 'MEM_PRIVATE';
        const protect = flagNames(v.allocationProtect, PROTECTION_NAMES);
        return row({ icon: 'symbol-array', label: `${hex(v.start)}–${hex(v.end)}`, collapsible: Collapsible.None, contextValue: 'ntlab.vad dt pte', tooltip: [`**VAD** \`${hex(v.start)}\`–\`${hex(v.end)}\` (${formatBytes(v.pageCount * 4096)})`, '',
            `| | |\n|---|---|`, `| Type | ${type} (${mdText(v.vadType)}) |`, `| ${l10n.t('Protection at allocation')} | ${protect} |`,
            `| ${l10n.t('Commit charge')} | ${l10n.t('{0} pages', v.commitCharge)}${v.memCommit ? ' (MemCommit)' : ''} |`, '',
            l10n.t('A VAD describes a range of the address space; VirtualQuery and the page fault handler consult it when a PTE does not say enough.')].join('\n'), description: `${type.slice(4).toLowerCase()} · ${protect} · ${l10n.t('{0} committed', formatBytes(v.commitCharge * 4096))}`, touched: touched.touchesVa(pid, v.start, v.end) });
      }
      case 'workingSet':
        return row({ icon: 'layers', label: l10n.t('Working set'), collapsible: info.workingSetSize ? Collapsible.Collapsed : Collapsible.None, contextValue: 'ntlab.workingSet', tooltip: l10n.t('The pages of this process that are resident (valid PTEs), listed in its working-set list (WSLE). The balance set manager trims the oldest (highest age) first when memory runs low.'), description: info.workingSetSize === 1 ? l10n.t('{0} page · min {1} · max {2}', 1, info.workingSetMinimum, info.workingSetMaximum) : l10n.t('{0} pages · min {1} · max {2}', info.workingSetSize, info.workingSetMinimum, info.workingSetMaximum), touched: touched.vas.has(pid) });
      case 'wsle': {
        const va = node.va!;
        return row({ icon: 'file-binary', label: hex(va), collapsible: Collapsible.None, contextValue: 'ntlab.wsle pte', tooltip: l10n.t('A working-set list entry: a resident page of this process. Age counts the balance set manager passes since the page was last accessed.'), description: this.wsleDescription(pid, va), touched: touched.touchesVa(pid, va, va + 0xFFFn) });
      }
      case 'range': {
        const total = node.rangeOf === 'vad' ? this.vads(pid).length : node.rangeOf === 'handle' ? this.handles(pid).length : this.system!.queryWorkingSet(pid, 0, 0).total;
        return this.rangeView(l10n, node, total);
      }
      default:
        return row({ icon: 'question', label: node.id, collapsible: Collapsible.None, contextValue: 'ntlab.unknown', tooltip: '' });
    }
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

  private wsleDescription(pid: number, va: bigint): string {
    const e = this.wsleCache.get(pid)?.get(va);
    if (!e) return this.l10n.t('not in the working set');
    const parts = [this.l10n.t('age {0}', e.age)];
    if (e.pfn >= 0) parts.push(this.l10n.t('PFN {0}', hex(e.pfn)));
    return parts.join(' · ');
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
    ];
  }

  private count(list: PageListName, priority?: number): number {
    const info = this.system!.querySystemMemoryListInformation();
    switch (list) {
      case 'Zeroed': return info.ZeroPageCount;
      case 'Free': return info.FreePageCount;
      case 'Standby': return priority === undefined ? info.PageCountByPriority.reduce((a, b) => a + b, 0) : info.PageCountByPriority[priority]!;
      case 'Modified': return info.ModifiedPageCount;
      case 'ModifiedNoWrite': return info.ModifiedNoWritePageCount;
      case 'Bad': return info.BadPageCount;
    }
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

  describe(node: TreeNode): ItemView {
    const l10n = this.l10n;
    const sys = this.system!;
    const t = this.touched;
    switch (node.kind) {
      case 'commit': {
        const c = sys.queryCommit();
        return {
          label: l10n.t('Commit charge'), icon: 'graph', collapsible: Collapsible.None, contextValue: 'ntlab.commit', touched: t.commit,
          iconColor: t.commit ? TOUCHED_COLOR : undefined,
          description: `${formatBytes(c.CommitTotal * 4096)} / ${formatBytes(c.CommitLimit * 4096)}`,
          tooltip: [l10n.t('**Commit charge** {0} of the commit limit {1} (peak {2}).', formatBytes(c.CommitTotal * 4096), formatBytes(c.CommitLimit * 4096), formatBytes(c.CommitPeak * 4096)), '',
            l10n.t('Committed private memory and page tables are charged against the commit limit (RAM plus paging files). When the charge would exceed the limit, VirtualAlloc fails with ERROR_COMMITMENT_LIMIT.')].join('\n'),
        };
      }
      case 'pageList': case 'standbyPriority': {
        const list = node.list!;
        const n = this.count(list, node.priority);
        const index = node.priority !== undefined ? standbyIndex(node.priority) : PAGE_LIST_INDEX[list];
        const isTouched = t.lists.has(index) || (list === 'Standby' && node.priority === undefined && [...t.lists].some((x) => standbyPriorityOf(x) !== undefined));
        const label = node.kind === 'standbyPriority' ? l10n.t('Priority {0}', node.priority!) : listLabel(l10n, list);
        return {
          label, icon: listIcon(list), collapsible: n || node.kind === 'pageList' && list === 'Standby' ? Collapsible.Collapsed : Collapsible.None, contextValue: `ntlab.pageList.${list}`, touched: isTouched,
          iconColor: isTouched ? TOUCHED_COLOR : undefined,
          description: n === 1 ? l10n.t('{0} page · {1}', n, formatBytes(n * 4096)) : l10n.t('{0} pages · {1}', n, formatBytes(n * 4096)),
          tooltip: listTooltip(l10n, list),
        };
      }
      case 'activePages': {
        const info = sys.querySystemMemoryListInformation();
        const onLists = info.ZeroPageCount + info.FreePageCount + info.ModifiedPageCount + info.ModifiedNoWritePageCount + info.BadPageCount + info.PageCountByPriority.reduce((a, b) => a + b, 0);
        const n = sys.physicalPageCount - onLists;
        return {
          label: l10n.t('Active'), icon: 'pass-filled', collapsible: Collapsible.None, contextValue: 'ntlab.activePages', touched: false,
          description: n === 1 ? l10n.t('{0} page · {1}', n, formatBytes(n * 4096)) : l10n.t('{0} pages · {1}', n, formatBytes(n * 4096)),
          tooltip: l10n.t('Pages in use: mapped by a valid PTE (in a working set, or a page table) or in transition while I/O is in flight. They are on no list.'),
        };
      }
      case 'pfn': {
        const pfn = node.pfn!;
        const info = sys.queryPfn(pfn);
        const isTouched = t.pfns.has(pfn);
        return {
          label: l10n.t('PFN {0}', hex(pfn)), icon: 'file-binary', collapsible: Collapsible.None, contextValue: 'ntlab.pfn dt', touched: isTouched,
          iconColor: isTouched ? TOUCHED_COLOR : undefined,
          description: pfnDescription(l10n, info),
          tooltip: () => pfnTooltip(l10n, pfn, info),
        };
      }
      case 'range': {
        const total = this.count(node.list!, node.priority);
        return this.rangeView(l10n, node, total);
      }
      default:
        return { label: node.id, icon: 'question', collapsible: Collapsible.None, contextValue: 'ntlab.unknown', touched: false, tooltip: '' };
    }
  }
}

function listIcon(list: PageListName): string {
  switch (list) {
    case 'Zeroed': return 'circle-large-outline';
    case 'Free': return 'circle-outline';
    case 'Standby': return 'history';
    case 'Modified': return 'edit';
    case 'ModifiedNoWrite': return 'lock';
    case 'Bad': return 'error';
  }
}

function listTooltip(l10n: Localizer, list: PageListName): string {
  switch (list) {
    case 'Zeroed': return l10n.t('**Zeroed list**: free pages already filled with zeros, ready for demand-zero faults. The zero page thread refills it from the free list.');
    case 'Free': return l10n.t('**Free list**: pages whose contents are garbage (a process freed them). They must be zeroed before a process sees them.');
    case 'Standby': return l10n.t('**Standby list** (priorities 0-7): clean pages removed from working sets, still holding valid data. A fault on one is a soft fault; otherwise they are repurposed, lowest priority first.');
    case 'Modified': return l10n.t('**Modified list**: dirty pages removed from working sets. The modified page writer writes them to the paging file, then they move to standby.');
    case 'ModifiedNoWrite': return l10n.t('**Modified no-write list**: dirty pages that must not be written out yet (for example, held for a file system log).');
    case 'Bad': return l10n.t('**Bad list**: pages that failed a memory test; never used.');
  }
}

function pfnDescription(l10n: Localizer, info: PfnInfo): string {
  const parts: string[] = [info.State];
  if (info.OwnerPid) parts.push(l10n.t('pid {0}', info.OwnerPid));
  if (info.PageTable) parts.push(l10n.t('page table'));
  if (info.State === 'Standby') parts.push(l10n.t('priority {0}', info.Priority));
  return parts.join(' · ');
}

function pfnTooltip(l10n: Localizer, pfn: number, info: PfnInfo): string {
  return [
    `**MMPFN** ${hex(pfn)} — ${mdText(info.State)}`, '',
    '| | |\n|---|---|',
    `| PteAddress | \`${hex(info.PteAddress)}\` |`,
    `| OriginalPte | \`${hex(info.OriginalPte)}\` |`,
    `| ShareCount | ${info.ShareCount} |`,
    `| ReferenceCount | ${info.ReferenceCount} |`,
    `| PteFrame | ${hex(info.PteFrame)} |`,
    `| Priority | ${info.Priority} |`,
    `| Modified | ${info.Modified ? 1 : 0} |`,
    '',
    l10n.t('The PFN database holds one MMPFN per physical page: its state (list), the PTE that maps it, and its share and reference counts.'),
  ].join('\n');
}

/** A job's name, or "Job <id>" for an unnamed one. */
export function jobLabel(l10n: Localizer, job: JobInfo): string {
  return job.name ? job.name.slice(job.name.lastIndexOf('\\') + 1) : l10n.t('Job {0}', job.jobId);
}

/** The markdown of an item's tooltip. */
export function tooltipText(view: ItemView): string {
  return typeof view.tooltip === 'function' ? view.tooltip() : view.tooltip;
}
