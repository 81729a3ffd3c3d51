// The NT Lab sidebar: the Processes, Physical Memory, Sections and Jobs trees over the displayed
// state, the highlight of what the displayed step touched, narrow refreshes, and `ntlab.reveal`.
import * as vscode from 'vscode';
import type { ChangeRef, System } from '../../engine';
import { isChangeType } from '../../shared/guards';
import { Commands, Views } from '../ids';
import type { SimulationSession } from '../session';
import { parseAddress } from '../commands/parse';
import { hex } from '../present/format';
import { PhysicalMemoryModel, ProcessesModel, tooltipText, Touched, type TreeNode } from './model';
import { JobsModel, SectionsModel } from './objects';
import { ModelTreeProvider } from './providers';

/** Beyond this many steps in one batch, the views refresh whole instead of working out what changed. */
const NARROW_REFRESH_MAX_STEPS = 4000;

export const SidebarCommands = {
  showFlat: Commands.showProcessesFlat,
  showTree: Commands.showProcessesTree,
  /** Internal (not in the palette): what a view shows, for tests. Argument `{ view, id? }`. */
  inspect: 'ntlab.views.inspect',
} as const;
const FLAT_CONTEXT_KEY = 'ntlab.processes.flat';


/** Validates a ChangeRef-shaped JSON object (`va` as a hex string) from a panel, a note or a test. */
export function toChangeRef(arg: unknown): ChangeRef | string {
  if (arg === null || typeof arg !== 'object') return vscode.l10n.t('Expected an object such as {0}.', '{ "type": "process", "pid": 4 }');
  const o = arg as Record<string, unknown>;
  // The one list of change types (src/engine/vocabulary.ts), the same the panels' message guard uses.
  if (!isChangeType(o.type)) return vscode.l10n.t('Unknown object type "{0}".', String(o.type));
  const ref: ChangeRef = { type: o.type };
  for (const key of ['pid', 'id'] as const) {
    const v = o[key];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) return vscode.l10n.t('"{0}" must be a non-negative integer.', key);
    ref[key] = v;
  }
  if (o.va !== undefined) {
    if (typeof o.va === 'bigint') ref.va = o.va;
    else if (typeof o.va === 'number' && Number.isSafeInteger(o.va) && o.va >= 0) ref.va = BigInt(o.va);
    else if (typeof o.va === 'string') {
      const r = parseAddress(o.va);
      if (!r.ok) return vscode.l10n.t('"va" must be an address such as 0x7ff600000000.');
      ref.va = r.value;
    } else return vscode.l10n.t('"va" must be an address such as 0x7ff600000000.');
  }
  return ref;
}

export interface Sidebar {
  readonly processes: ModelTreeProvider;
  readonly physicalMemory: ModelTreeProvider;
  readonly processesModel: ProcessesModel;
  readonly physicalMemoryModel: PhysicalMemoryModel;
  readonly sections: ModelTreeProvider;
  readonly jobs: ModelTreeProvider;
  readonly sectionsModel: SectionsModel;
  readonly jobsModel: JobsModel;
  /** Reveals what a ChangeRef names; resolves to the node's id, or undefined when nothing matches. */
  reveal(ref: ChangeRef): Promise<string | undefined>;
}

export function registerSidebar(context: vscode.ExtensionContext, session: SimulationSession): Sidebar {
  const processesModel = new ProcessesModel(vscode.l10n);
  const physicalMemoryModel = new PhysicalMemoryModel(vscode.l10n);
  const processes = new ModelTreeProvider(processesModel);
  const physicalMemory = new ModelTreeProvider(physicalMemoryModel);
  const sectionsModel = new SectionsModel(vscode.l10n);
  const jobsModel = new JobsModel(vscode.l10n);
  const sections = new ModelTreeProvider(sectionsModel);
  const jobs = new ModelTreeProvider(jobsModel);
  const processesView = vscode.window.createTreeView(Views.processes, { treeDataProvider: processes, showCollapseAll: true });
  const physicalView = vscode.window.createTreeView(Views.physicalMemory, { treeDataProvider: physicalMemory, showCollapseAll: true });
  const sectionsView = vscode.window.createTreeView(Views.sections, { treeDataProvider: sections, showCollapseAll: true });
  const jobsView = vscode.window.createTreeView(Views.jobs, { treeDataProvider: jobs, showCollapseAll: true });
  context.subscriptions.push(processes, physicalMemory, sections, jobs, processesView, physicalView, sectionsView, jobsView);
  /** Each view with its model, for what all of them do alike. */
  const trees = [
    { id: Views.processes, provider: processes, model: processesModel, view: processesView },
    { id: Views.physicalMemory, provider: physicalMemory, model: physicalMemoryModel, view: physicalView },
    { id: Views.sections, provider: sections, model: sectionsModel, view: sectionsView },
    { id: Views.jobs, provider: jobs, model: jobsModel, view: jobsView },
  ] as const;

  let touched = new Touched();
  /** The step the views show: the cursor, or the last step of the present. */
  let shownSeq: number | undefined;

  const setTouched = (t: Touched): Touched => {
    const previous = touched;
    touched = t;
    for (const tree of trees) tree.model.touched = t;
    return previous;
  };

  const showSystem = (system: System | undefined): void => {
    setTouched(new Touched());
    shownSeq = system ? system.stepCount - 1 : undefined;
    for (const tree of trees) {
      tree.model.setSystem(system, false);
      tree.provider.queue({ all: true, nodes: new Set() });
    }
    updateMessages();
  };

  /** Refreshes what the steps [from, to) changed, highlighting `highlight` (the changes of the shown step). */
  const applySteps = (system: System, from: number, to: number, highlightFrom: number): void => {
    if (to - from > NARROW_REFRESH_MAX_STEPS) {
      setTouched(new Touched());
      for (const tree of trees) {
        tree.model.setSystem(session.displayed, true); // drops what each model cached of the older state
        tree.provider.queue({ all: true, nodes: new Set() });
      }
      return;
    }
    const steps = system.getSteps(from, to);
    const changes = steps.flatMap((s) => s.changes);
    const highlight = steps.filter((s) => s.seq >= highlightFrom).flatMap((s) => s.changes);
    const previous = setTouched(Touched.from(highlight));
    for (const tree of trees) tree.provider.queue(tree.model.invalidate(changes, previous));
  };

  const updateMessages = (): void => {
    const seq = session.cursor;
    const message = seq === undefined ? undefined : vscode.l10n.t('Showing the state after step {0} (time travel). Acting on the simulation returns to the present.', seq);
    for (const tree of trees) tree.view.message = message;
  };

  context.subscriptions.push(
    session.onDidChangeSystem((system) => showSystem(system)),
    session.onDidRecordSteps((e) => {
      const system = session.system;
      if (!system) return;
      shownSeq = e.toSeq - 1;
      applySteps(system, e.fromSeq, e.toSeq, e.fromSeq);
    }),
    session.onDidChangeCursor((e) => {
      const system = session.system;
      if (!system) return;
      const target = e.seq ?? system.stepCount - 1;
      const from = Math.min(shownSeq ?? 0, target);
      const to = Math.max(shownSeq ?? 0, target);
      shownSeq = target;
      for (const tree of trees) tree.model.setSystem(e.displayed, true);
      // Everything from just after the lower step through the higher one may differ between the two states.
      applySteps(system, from + 1, to + 1, e.seq === undefined ? to + 1 : target);
      updateMessages();
    }),
  );
  if (session.system) showSystem(session.displayed);

  const reveal = async (ref: ChangeRef): Promise<string | undefined> => {
    const tree = ref.type === 'pfn' || ref.type === 'pageList' || ref.type === 'commit' ? trees[1]
      : ref.type === 'object' ? trees[2] : ref.type === 'job' ? trees[3] : trees[0];
    const node: TreeNode | undefined = tree.model.find(ref);
    if (!node) return undefined;
    await tree.view.reveal(node, { select: true, focus: true, expand: node.kind === 'process' || node.kind === 'jobObject' ? false : undefined });
    return node.id;
  };

  const setFlat = (flat: boolean): void => {
    processesModel.flat = flat;
    void vscode.commands.executeCommand('setContext', FLAT_CONTEXT_KEY, flat);
    processes.queue({ all: true, nodes: new Set() });
  };

  context.subscriptions.push(
    vscode.commands.registerCommand(SidebarCommands.showFlat, () => setFlat(true)),
    vscode.commands.registerCommand(SidebarCommands.showTree, () => setFlat(false)),
    vscode.commands.registerCommand(Commands.reveal, async (arg: unknown) => {
      if (!session.system) {
        void vscode.window.showWarningMessage(vscode.l10n.t('No simulation is running. Start one first.'));
        return undefined;
      }
      const ref = toChangeRef(arg);
      if (typeof ref === 'string') {
        void vscode.window.showErrorMessage(vscode.l10n.t('Cannot reveal: {0}', ref));
        return undefined;
      }
      const id = await reveal(ref);
      if (!id) void vscode.window.showInformationMessage(vscode.l10n.t('Nothing in the sidebar matches {0} in the displayed state.', describeRef(ref)));
      return id;
    }),
    vscode.commands.registerCommand(SidebarCommands.inspect, (arg: { view?: string; id?: string } | undefined) => {
      const { provider, model } = trees.find((t) => t.id === arg?.view) ?? trees[0];
      provider.flush();
      const parent = arg?.id === undefined ? undefined : model.cached(arg.id);
      if (arg?.id !== undefined && !parent) return undefined;
      const children = model.children(parent).map((n) => {
        const v = model.describe(n);
        const { va, ...ref } = v.reveal ?? {};
        const reveal = v.reveal && (va === undefined ? ref : { ...ref, va: hex(va) });
        return { id: n.id, label: v.label, description: v.description, tooltip: tooltipText(v), icon: v.icon, contextValue: v.contextValue, collapsible: v.collapsible, touched: v.touched, reveal };
      });
      return { children, fired: provider.fired.slice(), cursor: session.cursor };
    }),
  );
  void vscode.commands.executeCommand('setContext', FLAT_CONTEXT_KEY, false);

  return { processes, physicalMemory, processesModel, physicalMemoryModel, sections, jobs, sectionsModel, jobsModel, reveal };
}

function describeRef(ref: ChangeRef): string {
  const parts: string[] = [ref.type];
  if (ref.pid !== undefined) parts.push(`pid ${ref.pid}`);
  if (ref.id !== undefined) parts.push(`id ${ref.id}`);
  if (ref.va !== undefined) parts.push(`va ${hex(ref.va)}`);
  return parts.join(' ');
}
