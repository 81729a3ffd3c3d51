// Wire shapes and messages of the page-fault panel: one recorded fault in phases (trap, address
// split, 4-level walk, PTE state, resolution, PFN move, working-set insert, translation), after
// Windows Internals 7e, part 1, ch. 5, "Address translation" and "Page fault handling".
import type { ArgView, ChangeLink, Hex, PlaySpeedMs, ReplyOf, RequestOf, UiStrings } from './common';

/** The kinds of page fault the page-fault panel can filter on and provoke. */
export const FAULT_KINDS = ['demandZero', 'transition', 'pageFile', 'prototype', 'copyOnWrite', 'guardPage', 'accessViolation', 'pageTable', 'dirtyBit', 'store'] as const;
export type FaultKind = typeof FAULT_KINDS[number];

/** Kinds a learner can ask the simulation to produce on demand. */
export const CAUSABLE_FAULT_KINDS = ['demandZero', 'transition', 'pageFile', 'prototype', 'copyOnWrite', 'guardPage', 'accessViolation', 'store'] as const;
export type CausableFaultKind = typeof CAUSABLE_FAULT_KINDS[number];

/** The fault-list filter: one kind, or all. */
export type FaultFilter = FaultKind | 'all';

/** A live process for the picker. */
export interface ProcessOption {
  pid: number;
  image: string;
}

/** A recorded fault for the list. */
export interface FaultSummary {
  seq: number;
  kind: FaultKind | 'other';
  /** Localized label: "#123 demand-zero · pid 1234 · 0x7ff6..." */
  label: string;
}

/** The fault counts per kind (for the filter). */
export interface FaultKindCount {
  kind: FaultKind;
  label: string;
  count: number;
}

/** A decoded paging entry. */
export interface PteView {
  /** PTE kind: hardware, demandZero, transition, pageFile, prototype, decommitted, zero. */
  kind: string;
  /** Localized name of the kind. */
  kindLabel: string;
  value: Hex;
  /** Decoded fields, formatted ("Valid": "1", "PageFrameNumber": "0x1a2b"). */
  fields: ArgView[];
}

/** One level of the 4-level walk. */
export interface WalkLevelView {
  level: 'PXE' | 'PPE' | 'PDE' | 'PTE';
  /** Localized structure name: "PML4", "PDPT", "PD", "PT". */
  table: string;
  index: number;
  /** Self-map virtual address of the entry. */
  selfMap: Hex;
  tablePfn: Hex;
  pte: PteView;
}

/** The MMU's view of one address in one state. */
export interface WalkView {
  levels: WalkLevelView[];
  /** Physical address when the translation succeeds. */
  physical: Hex | null;
  pfn: Hex | null;
  largePage: '2MB' | '1GB' | null;
  /** Localized sentence: where the walk stopped and why. */
  summary: string;
}

/** The virtual address split into the four 9-bit indices and the offset. */
export interface AddressSplit {
  va: Hex;
  signExtension: Hex;
  pxe: number;
  ppe: number;
  pde: number;
  pte: number;
  offset: number;
}

/** One physical page as !pfn shows it. */
export interface PfnView {
  pfn: Hex;
  state: string;
  fields: ArgView[];
}

/** A phase of a fault's resolution, in the order the panel steps through them. */
export type FaultPhaseId = 'trap' | 'split' | 'walk' | 'pte' | 'resolve' | 'pfn' | 'workingSet' | 'translation' | 'exception';

export interface FaultPhase {
  id: FaultPhaseId;
  title: string;
  /** The trace position this phase shows: the state right before the fault (seq - 1) or right after it (seq). */
  cursor: number;
  /** Localized explanation shown with the phase. */
  text: string;
}

/** A recorded fault, ready to render: before and after states, phases, PFN move and working-set insert. */
export interface FaultView {
  seq: number;
  code: string;
  kind: FaultKind | 'other';
  kindLabel: string;
  routine: string;
  callChain: string[];
  pid: number;
  image: string;
  write: boolean;
  split: AddressSplit;
  before: WalkView;
  after: WalkView;
  /** Localized: what the PTE said and why this resolution was chosen. */
  why: string;
  explanation: string;
  pfn?: {
    pfn: Hex;
    /** Localized names of the list the page came from and where it is now. */
    from: string;
    to: string;
    before?: PfnView;
    after?: PfnView;
  };
  workingSet?: {
    before: number;
    after: number;
    /** Index of the new WSLE, when the page entered the working set. */
    wsIndex?: number;
    faultsBefore: number;
    faultsAfter: number;
  };
  translation?: { va: Hex; physical: Hex };
  exception?: { status: Hex; name: string };
  phases: FaultPhase[];
  changes: ChangeLink[];
  args: ArgView[];
}

/** A walk of an address the learner picked (no fault recorded). */
export interface AddressQueryView {
  pid: number;
  image: string;
  split: AddressSplit;
  walk: WalkView;
  /** Localized: what touching it would do. */
  prediction: string;
}

/** What the page-fault webview persists and the serializer restores. */
export interface PageFaultState {
  panel: 'pageFault';
  /** The fault being shown (its step seq), or -1. */
  seq: number;
  phase: number;
  filter: FaultFilter;
  follow: boolean;
  speedMs: PlaySpeedMs;
}

// ---------------------------------------------------------------------------------------- host -> webview

/** The page-fault panel's snapshot. */
export interface PfSnapshotMessage {
  type: 'pfSnapshot';
  strings: UiStrings;
  running: boolean;
  processes: ProcessOption[];
  kinds: FaultKindCount[];
  causable: Array<{ kind: CausableFaultKind; label: string }>;
  faultCount: number;
  fault: FaultView | null;
  phase: number;
  filter: FaultFilter;
  follow: boolean;
  cursor: number | null;
  speedMs: PlaySpeedMs;
  /** A localized notice to show (e.g. "no transition fault recorded yet"). */
  notice?: string;
  /** An address to show the walk of (opened with `{ pid, va }` and no matching fault). */
  query?: AddressQueryView;
}

// ---------------------------------------------------------------------------------------- webview -> host

/** Show a recorded fault. */
export interface SelectFaultMessage { type: 'selectFault'; seq: number }
/** Show the previous/next recorded fault (of the current filter). */
export interface AdjacentFaultMessage { type: 'adjacentFault'; direction: 'previous' | 'next' }
/** Change the kind filter. */
export interface SetFilterMessage { type: 'setFilter'; filter: FaultFilter }
/** Follow new faults as they are recorded. */
export interface SetFollowMessage { type: 'setFollow'; follow: boolean }
/** Make the simulation take a fault of this kind, then show it. */
export interface CauseFaultMessage { type: 'causeFault'; kind: CausableFaultKind }

export type PfEventMessage = SelectFaultMessage | AdjacentFaultMessage | SetFilterMessage | SetFollowMessage | CauseFaultMessage;

/** The page-fault panel's requests. */
export interface PfRequests {
  /** A slice of recorded faults, newest first, optionally of one kind. */
  listFaults: { params: { filter: FaultFilter; start: number; count: number }; result: { total: number; faults: FaultSummary[] } };
  /** Walk an address of a process in the displayed state; an error when the process does not exist. */
  walkAddress: { params: { pid: number; va: Hex }; result: { query: AddressQueryView } };
}
export type PfRequestMessage = RequestOf<PfRequests>;
export type PfReplyMessage = ReplyOf<PfRequests>;
