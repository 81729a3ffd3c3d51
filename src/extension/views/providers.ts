// Adapts the VS Code-free tree models (views/model.ts) to TreeDataProviders: TreeItems with codicons,
// theme colors and markdown tooltips; narrow, debounced onDidChangeTreeData; getParent for reveal.
import * as vscode from 'vscode';
import { Commands } from '../ids';
import { hex } from '../present/format';
import { Collapsible, tooltipText, type ItemView, type Refresh, type TreeNode } from './model';

/** What a provider needs from a model. */
export interface TreeModel {
  children(node: TreeNode | undefined): TreeNode[];
  parent(node: TreeNode): TreeNode | undefined;
  describe(node: TreeNode): ItemView;
}

/** How long a burst of steps is collected before the view refreshes once. */
export const REFRESH_DEBOUNCE_MS = 40;

/** One refresh the provider fired: the whole tree, or these node ids. */
export interface FiredRefresh { readonly all: boolean; readonly ids: readonly string[] }

export class ModelTreeProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TreeNode | TreeNode[] | undefined | void>();
  readonly onDidChangeTreeData = this.changed.event;
  private pending: Refresh | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** The last refreshes fired, newest last (tests and the benchmark read them). */
  readonly fired: FiredRefresh[] = [];

  constructor(readonly model: TreeModel) {}

  getTreeItem(node: TreeNode): vscode.TreeItem {
    return toTreeItem(node, this.model.describe(node), false);
  }

  /** Tooltips are built on hover: a row costs only its label, description and icon. */
  resolveTreeItem(item: vscode.TreeItem, node: TreeNode): vscode.TreeItem {
    item.tooltip = markdownTooltip(this.model.describe(node));
    return item;
  }

  getChildren(node?: TreeNode): TreeNode[] {
    return this.model.children(node);
  }

  getParent(node: TreeNode): TreeNode | undefined {
    return this.model.parent(node);
  }

  /** Queues a refresh; bursts within REFRESH_DEBOUNCE_MS become one event. */
  queue(refresh: Refresh): void {
    if (!refresh.all && refresh.nodes.size === 0) return;
    if (!this.pending) this.pending = { all: false, nodes: new Set() };
    if (refresh.all) { this.pending.all = true; this.pending.nodes.clear(); }
    else if (!this.pending.all) for (const n of refresh.nodes) this.pending.nodes.add(n);
    if (this.timer === undefined) this.timer = setTimeout(() => this.flush(), REFRESH_DEBOUNCE_MS);
  }

  /** Fires what is queued now. */
  flush(): void {
    if (this.timer !== undefined) { clearTimeout(this.timer); this.timer = undefined; }
    const p = this.pending;
    this.pending = undefined;
    if (!p) return;
    this.fired.push({ all: p.all, ids: p.all ? [] : [...p.nodes].map((n) => n.id) });
    if (this.fired.length > 50) this.fired.shift();
    this.changed.fire(p.all ? undefined : [...p.nodes]);
  }

  dispose(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.changed.dispose();
  }
}

function markdownTooltip(view: ItemView): vscode.MarkdownString {
  const text = tooltipText(view);
  const md = new vscode.MarkdownString(view.touched ? `${text}\n\n---\n\n$(debug-stackframe) ${vscode.l10n.t('Changed by the displayed step.')}` : text, true);
  // Simulation strings in the text are escaped (present/markdown.ts); no command links, no HTML either way.
  md.isTrusted = false;
  md.supportHtml = false;
  return md;
}

export function toTreeItem(node: TreeNode, view: ItemView, withTooltip = true): vscode.TreeItem {
  const state = view.collapsible === Collapsible.None ? vscode.TreeItemCollapsibleState.None
    : view.collapsible === Collapsible.Expanded ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed;
  const item = new vscode.TreeItem(view.label, state);
  item.id = node.id;
  item.description = view.description;
  if (withTooltip) item.tooltip = markdownTooltip(view);
  item.iconPath = new vscode.ThemeIcon(view.icon, view.iconColor ? new vscode.ThemeColor(view.iconColor) : undefined);
  item.contextValue = view.contextValue;
  if (view.reveal) {
    // The argument is JSON-shaped, as from a note or a panel: the address travels as a hex string.
    const { va, ...rest } = view.reveal;
    item.command = { command: Commands.reveal, title: vscode.l10n.t('Reveal'), arguments: [va === undefined ? rest : { ...rest, va: hex(va) }] };
  }
  const spoken = [view.label, view.description].filter(Boolean).join(', ');
  item.accessibilityInformation = { label: view.touched ? vscode.l10n.t('{0}, changed by the displayed step', spoken) : spoken };
  return item;
}
