// What a sidebar row is, apart from VS Code (STYLE.md §7): the node kinds and nodes of the trees,
// the ItemView a row shows, the named `row({ ... })` every describer builds it with, and the
// describer tables (views/describe/*.ts: one describer per node kind, found by the kind's name).
import type { ChangeRef } from '../../engine';
import type { Localizer } from '../present/localizer';
import type { PageListName } from '../present/names';

/** Every kind of tree node; each has one describer in views/describe/*.ts ('range' one per view that pages). */
export const NODE_KINDS = [
  'process', 'threads', 'thread', 'handles', 'handle', 'addressSpace', 'vad', 'workingSet', 'wsle', 'peb', 'token', 'security', 'job',
  'range', 'commit', 'compression', 'pageList', 'standbyPriority', 'activePages', 'pfn',
  'section', 'controlArea', 'segment', 'subsection', 'protoPte', 'sectionViews', 'sectionView',
  'jobObject', 'jobLimits', 'jobLimit', 'jobAccounting', 'jobMember',
  'heaps', 'heap', 'heapSegment', 'heapBlock',
] as const;
export type NodeKind = typeof NODE_KINDS[number];

/** What range nodes page. */
export type RangeOf = 'wsle' | 'vad' | 'pfn' | 'handle' | 'protoPte' | 'heapBlock';

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

/** A node of one kind. */
export type NodeOf<K extends NodeKind> = TreeNode & { readonly kind: K };

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

/** The row of something the displayed state no longer has (an exited process, a closed handle...). */
export function goneRow(label: string, tooltip: string): ItemView {
  return row({ icon: 'circle-slash', label, collapsible: Collapsible.None, contextValue: 'ntlab.gone', tooltip });
}

/** The row of a node no describer knows (a kind from another view). */
export function unknownRow(node: TreeNode): ItemView {
  return row({ icon: 'question', label: node.id, collapsible: Collapsible.None, contextValue: 'ntlab.unknown', tooltip: '' });
}

/** The row of a range node: entries first..last of a long list, fetched when expanded. */
export function rangeRow(l10n: Localizer, node: TreeNode, total: number): ItemView {
  const first = node.from!;
  const last = first + node.count! - 1;
  return row({
    icon: 'list-flat', label: `[${first}–${last}]`, collapsible: Collapsible.Collapsed, contextValue: 'ntlab.range',
    description: l10n.t('of {0}', total),
    tooltip: l10n.t('Entries {0} to {1} of {2}. Long lists are fetched a slice at a time when expanded.', first, last, total),
  });
}

/** One describer per node kind of a view: how a node of that kind is drawn, given the view's context `C`. */
export type DescriberTable<K extends NodeKind, C> = { readonly [P in K]: (node: NodeOf<P>, c: C) => ItemView };

/** The row of `node` by its kind's describer; a kind the table lacks gets the unknown row. */
export function describeWith<K extends NodeKind, C>(table: DescriberTable<K, C>, node: TreeNode, c: C): ItemView {
  const describer = (table as Partial<Record<NodeKind, (n: TreeNode, c: C) => ItemView>>)[node.kind];
  return describer ? describer(node, c) : unknownRow(node);
}

/** The markdown of an item's tooltip. */
export function tooltipText(view: ItemView): string {
  return typeof view.tooltip === 'function' ? view.tooltip() : view.tooltip;
}

