// Sidebar tree benchmark (DESIGN.md §8: "tree refresh after one step with 2,000 processes: only
// changed nodes fire; expand <= 20 ms"). Measures the VS Code-free tree model the providers adapt
// (src/extension/views/model.ts) in plain Node: what VS Code asks of a provider on expand is
// getChildren + getTreeItem for each child, which here are children() + describe(). Prints one
// JSON object; no thresholds are asserted.
import { createSystem, MEM_COMMIT, MEM_RESERVE, PAGE_READWRITE } from '../../src/engine';
import { PhysicalMemoryModel, ProcessesModel, Touched, type Localizer, type TreeNode } from '../../src/extension/views/model';

const PROCESSES = 2000;
const l10n: Localizer = { t: (m, ...a) => m.replace(/\{(\d+)\}/g, (_, i: string) => String(a[Number(i)])) };

function ms(fn: () => void, runs = 5): number {
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    best = Math.min(best, performance.now() - t0);
  }
  return Math.round(best * 100) / 100;
}

/** Expanding a node: its children, then a tree item for each (what VS Code renders). */
function expand(model: { children(n: TreeNode | undefined): TreeNode[]; describe(n: TreeNode): unknown }, node: TreeNode | undefined): number {
  const kids = model.children(node);
  for (const k of kids) model.describe(k);
  return kids.length;
}

const t0 = performance.now();
const system = createSystem({ physicalMemoryMB: 2048, pageFileMB: 2048 });
const explorerPid = system.processIds.find((p) => system.queryProcess(p)!.imageFileName === 'explorer.exe')!;
const pids: number[] = [];
while (system.processCount < PROCESSES) pids.push(system.createProcess({ imagePath: 'C:\\Windows\\System32\\notepad.exe', parentPid: explorerPid }).pid);
const setupSeconds = (performance.now() - t0) / 1000;

// Tree mode: explorer.exe holds ~2,000 children.
const tree = new ProcessesModel(l10n);
tree.setSystem(system, false);
const explorer = tree.find({ type: 'process', pid: explorerPid })!;
let explorerChildren = 0;
const expandExplorerMs = ms(() => { tree.setSystem(system, true); explorerChildren = expand(tree, explorer); });

// Flat mode: 2,000 roots.
const flat = new ProcessesModel(l10n);
flat.setSystem(system, false);
flat.flat = true;
let flatRoots = 0;
const expandFlatRootMs = ms(() => { flat.setSystem(system, true); flatRoots = expand(flat, undefined); });

// One process expanded, then its address space and working set.
const target = pids[pids.length >> 1]!;
const proc = tree.find({ type: 'process', pid: target })!;
const expandProcessMs = ms(() => { tree.setSystem(system, true); expand(tree, proc); });
const groups = tree.children(proc);
const expandVadsMs = ms(() => { tree.setSystem(system, true); expand(tree, groups.find((g) => g.kind === 'addressSpace')!); });
const expandWorkingSetMs = ms(() => { tree.setSystem(system, true); expand(tree, groups.find((g) => g.kind === 'workingSet')!); });

// One step on the live system: which nodes must refresh (both views) and how long working it out takes.
expand(flat, undefined);
const from = system.stepCount;
const api = system.win32(target);
const base = api.VirtualAlloc(0n, 0x10000n, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
api.WriteMemory(base, new Uint8Array([1, 2, 3]));
const steps = system.getSteps(from, system.stepCount);
const changes = steps.flatMap((s) => s.changes);
let firedTree: string[] = [];
let firedFlat: string[] = [];
const refreshMs = ms(() => {
  const r1 = tree.invalidate(changes, new Touched());
  const r2 = flat.invalidate(changes, new Touched());
  firedTree = r1.all ? ['(all)'] : [...r1.nodes].map((n) => n.id);
  firedFlat = r2.all ? ['(all)'] : [...r2.nodes].map((n) => n.id);
}, 1);
// ...and re-rendering what fired (getTreeItem of the refreshed node and its visible children).
const rerenderMs = ms(() => { for (const id of firedFlat) { const n = flat.cached(id); if (n) { flat.describe(n); expand(flat, n); } } });

// A new process: its parent refreshes, not the 2,000 siblings' tree.
const before = system.stepCount;
system.createProcess({ imagePath: 'C:\\Windows\\System32\\calc.exe', parentPid: explorerPid });
const created = tree.invalidate(system.getSteps(before, system.stepCount).flatMap((s) => s.changes), new Touched());

// Time travel one step at a time (DESIGN.md §8: one step either way, engine plus the tree models'
// refresh, <= 16 ms): from the present 15 steps back, then 15 forward, each as the sidebar follows the
// cursor (sidebar.ts onDidChangeCursor): the state at the step, both process models shown it, the
// nodes the step's changes name invalidated, and what fired described again.
const last = system.stepCount - 1;
const firedCounts: number[] = [];
const travelOne = (seq: number, shown: number): number => {
  const t = performance.now();
  const past = system.stateAt(seq);
  const lo = Math.min(seq, shown);
  const changes = system.getSteps(lo + 1, Math.max(seq, shown) + 1).flatMap((s) => s.changes);
  for (const model of [tree, flat]) {
    model.setSystem(past, true);
    const r = model.invalidate(changes, new Touched());
    if (model === flat) firedCounts.push(r.all ? -1 : r.nodes.size);
    for (const n of r.nodes) model.describe(n);
  }
  return performance.now() - t;
};
const back: number[] = [];
const forward: number[] = [];
for (let s = last - 1; s >= last - 15; s--) back.push(travelOne(s, s + 1));
for (let s = last - 14; s <= last - 1; s++) forward.push(travelOne(s, s - 1));
const stat = (v: number[]): { min: number; median: number; max: number } => {
  const x = [...v].sort((a, b) => a - b);
  const r = (n: number): number => Math.round(n * 100) / 100;
  return { min: r(x[0]!), median: r(x[x.length >> 1]!), max: r(x[x.length - 1]!) };
};

const physical = new PhysicalMemoryModel(l10n);
physical.setSystem(system, false);
const expandPhysicalRootMs = ms(() => expand(physical, undefined));
const zeroed = physical.children(undefined).find((n) => n.list === 'Zeroed')!;
const expandZeroedMs = ms(() => expand(physical, zeroed));

const BUDGET_MS = 20;
console.log(JSON.stringify({
  processes: system.processCount,
  setupSeconds: Math.round(setupSeconds * 100) / 100,
  expand: {
    budgetMs: BUDGET_MS,
    explorerWithChildrenMs: expandExplorerMs, explorerChildren,
    flatRootMs: expandFlatRootMs, flatRoots,
    processMs: expandProcessMs, addressSpaceMs: expandVadsMs, workingSetMs: expandWorkingSetMs,
    physicalMemoryRootMs: expandPhysicalRootMs, zeroedListMs: expandZeroedMs,
  },
  refreshAfterOneOperation: {
    steps: steps.length,
    firedTreeMode: firedTree, firedFlatMode: firedFlat,
    computeMs: refreshMs, rerenderMs,
  },
  refreshAfterCreateProcess: { all: created.all, fired: [...created.nodes].map((n) => n.id) },
  timeTravelOneStep: { budgetMs: 16, backMs: stat(back), forwardMs: stat(forward), firedFlatMode: stat(firedCounts) },
}, null, 2));
