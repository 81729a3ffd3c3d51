// The typed messages between the host and the stepping panels (DESIGN.md §5, STYLE.md §2-5).
// One union per direction with string `type` tags; requests carry a `requestId` echoed by the
// reply. Everything is JSON: addresses and 64-bit values travel as hex strings ('0x...'), never bigint.
// Every string a webview shows arrives here already localized by the host.

/** A 64-bit value or address as '0x' + hex digits. */
export type Hex = string;

/** The two stepping panels (also their webview view types, prefixed with 'ntlab.'). */
export type PanelKind = 'processCreation' | 'pageFault';

/** CreateProcess stages (Windows Internals 7e, ch. 3). */
export const CREATION_STAGE_IDS = ['1', '2', '3A', '3B', '3C', '3D', '3E', '3F', '4', '5', '6', '7'] as const;
export type CreationStageId = typeof CREATION_STAGE_IDS[number];

/** The kinds of page fault the page-fault panel can filter on and provoke. */
export const FAULT_KINDS = ['demandZero', 'transition', 'pageFile', 'prototype', 'copyOnWrite', 'guardPage', 'accessViolation', 'pageTable', 'dirtyBit'] as const;
export type FaultKind = typeof FAULT_KINDS[number];

/** Kinds a learner can ask the simulation to produce on demand. */
export const CAUSABLE_FAULT_KINDS = ['demandZero', 'transition', 'pageFile', 'prototype', 'copyOnWrite', 'guardPage', 'accessViolation'] as const;
export type CausableFaultKind = typeof CAUSABLE_FAULT_KINDS[number];

/** Play speeds (milliseconds per step) offered by the controls. */
export const PLAY_SPEEDS_MS = [2000, 1000, 500, 250] as const;
export type PlaySpeedMs = typeof PLAY_SPEEDS_MS[number];

/** What a step created or changed, as `ntlab.reveal` takes it (ChangeRef with a hex `va`). */
export interface ChangeRefDto {
  type: string;
  pid?: number;
  id?: number;
  va?: Hex;
}

/** A change with its localized label ("EPROCESS of pid 1234", "PFN 0x1a2b"). */
export interface ChangeLink {
  ref: ChangeRefDto;
  label: string;
}

/** A named value of a step, formatted for display. */
export interface ArgView {
  name: string;
  value: string;
}

// ---------------------------------------------------------------------------------------- UI strings

/** Keys of the pre-localized UI strings every snapshot carries (the webview renders only these). */
export const UI_STRING_KEYS = [
  'first', 'previous', 'next', 'last', 'play', 'pause', 'speed', 'present', 'jump', 'stepOfTotal', 'live', 'past',
  'shortcuts', 'noSimulation', 'loading',
  // process creation
  'pcTitle', 'pcFlow', 'pcNoFlow', 'pcNewProcess', 'pcImagePath', 'pcRun', 'pcTimeline', 'pcCallChain', 'pcChanges', 'pcNoChanges',
  'pcArguments', 'pcSteps', 'pcStageAbsent',
  // page fault
  'pfTitle', 'pfFaults', 'pfKind', 'pfAllKinds', 'pfNoFault', 'pfFollow', 'pfCause', 'pfProcess', 'pfAddress', 'pfShowWalk',
  'pfPhase', 'pfAddressSplit', 'pfWalk', 'pfBefore', 'pfAfter', 'pfLevel', 'pfIndex', 'pfSelfMap', 'pfTablePfn', 'pfValue', 'pfState',
  'pfPteState', 'pfResolution', 'pfPfn', 'pfWorkingSet', 'pfTranslation', 'pfException', 'pfNotPresent', 'pfOffset', 'pfSignExtension',
  'pfPreviousFault', 'pfNextFault', 'pfList', 'pfAddressHelp', 'pfInvalidAddress', 'pfWriteAccess', 'pfReadAccess',
] as const;
export type UiStringKey = typeof UI_STRING_KEYS[number];
export type UiStrings = Record<UiStringKey, string>;

// ---------------------------------------------------------------------------------------- process creation

/** One recorded CreateProcess: the steps [start, end) of the trace. */
export interface CreationFlowSummary {
  start: number;
  end: number;
  /** Image path as given to CreateProcess. */
  image: string;
  /** The new process id, once stage 3A recorded it. */
  pid?: number;
  /** Localized one-line label for pickers. */
  label: string;
}

/** A stage on the timeline: where its steps begin in the flow (index), or absent. */
export interface StageMark {
  stage: CreationStageId;
  /** Localized title, e.g. "3A · Create the EPROCESS". */
  title: string;
  /** Index (within the flow) of the stage's first step, or -1 when the flow has no step of that stage. */
  firstIndex: number;
  count: number;
}

/** One step of a CreateProcess, ready to render. */
export interface CreationStepView {
  seq: number;
  /** Position within the flow (0-based). */
  index: number;
  stage?: CreationStageId;
  stageTitle: string;
  routine: string;
  /** Caller to callee, ending at `routine`. */
  callChain: string[];
  code: string;
  explanation: string;
  args: ArgView[];
  changes: ChangeLink[];
}

/** What the process-creation webview persists (getState/setState) and the serializer restores. */
export interface ProcessCreationState {
  panel: 'processCreation';
  /** First seq of the flow being shown. */
  flowStart: number;
  /** Step index within the flow. */
  index: number;
  speedMs: PlaySpeedMs;
}

// ---------------------------------------------------------------------------------------- page fault

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
  filter: FaultKind | 'all';
  follow: boolean;
  speedMs: PlaySpeedMs;
}

export type PanelState = ProcessCreationState | PageFaultState;

// ---------------------------------------------------------------------------------------- host -> webview

/** The one snapshot of the process-creation panel after the webview said ready (or after a reset). */
export interface PcSnapshotMessage {
  type: 'pcSnapshot';
  strings: UiStrings;
  /** False when no simulation runs. */
  running: boolean;
  flow: CreationFlowSummary | null;
  flowCount: number;
  stages: StageMark[];
  index: number;
  /** The viewed step (session cursor) or null for the live present. */
  cursor: number | null;
  speedMs: PlaySpeedMs;
}

/** Reply to `getCreationSteps`. */
export interface PcStepsMessage {
  type: 'pcSteps';
  requestId: number;
  flowStart: number;
  steps: CreationStepView[];
}

/** Reply to `listCreations`. */
export interface PcFlowsMessage {
  type: 'pcFlows';
  requestId: number;
  total: number;
  flows: CreationFlowSummary[];
}

/** The host moved the panel (a command asked for a stage, or the webview asked to go). */
export interface PositionMessage {
  type: 'position';
  index: number;
  cursor: number | null;
}

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
  filter: FaultKind | 'all';
  follow: boolean;
  cursor: number | null;
  speedMs: PlaySpeedMs;
  /** A localized notice to show (e.g. "no transition fault recorded yet"). */
  notice?: string;
  /** An address to show the walk of (opened with `{ pid, va }` and no matching fault). */
  query?: AddressQueryView;
}

/** Reply to `listFaults` (newest first). */
export interface PfFaultsMessage {
  type: 'pfFaults';
  requestId: number;
  total: number;
  faults: FaultSummary[];
}

/** Reply to `walkAddress`. */
export interface PfWalkMessage {
  type: 'pfWalk';
  requestId: number;
  query: AddressQueryView | null;
  error?: string;
}

/** A transient localized message. */
export interface NoticeMessage {
  type: 'notice';
  message: string;
  severity: 'info' | 'warning' | 'error';
}

export type HostToWebviewMessage =
  | PcSnapshotMessage | PcStepsMessage | PcFlowsMessage | PositionMessage
  | PfSnapshotMessage | PfFaultsMessage | PfWalkMessage | NoticeMessage;

// ---------------------------------------------------------------------------------------- webview -> host

/** The webview has loaded and listens: the host answers with one snapshot. */
export interface ReadyMessage { type: 'ready' }
/** Move to a step of the flow (process creation) or a phase of the fault (page fault); the session cursor follows. */
export interface GotoMessage { type: 'goto'; index: number }
/** Return the whole simulation to the live present. */
export interface PresentMessage { type: 'present' }
/** Reveal an object in the sidebar (ntlab.reveal). */
export interface RevealMessage { type: 'reveal'; ref: ChangeRefDto }
/** The play speed changed (persisted by the host for revival). */
export interface SetSpeedMessage { type: 'setSpeed'; speedMs: PlaySpeedMs }
/** A slice of the current flow's steps by index [start, end). */
export interface GetCreationStepsMessage { type: 'getCreationSteps'; requestId: number; flowStart: number; start: number; end: number }
/** A slice of recorded CreateProcess flows, newest first. */
export interface ListCreationsMessage { type: 'listCreations'; requestId: number; start: number; count: number }
/** Show another recorded CreateProcess. */
export interface SelectCreationMessage { type: 'selectCreation'; flowStart: number }
/** Run a new CreateProcess in the simulation and show it. */
export interface RunCreateProcessMessage { type: 'runCreateProcess'; imagePath: string }
/** A slice of recorded faults, newest first, optionally of one kind. */
export interface ListFaultsMessage { type: 'listFaults'; requestId: number; filter: FaultKind | 'all'; start: number; count: number }
/** Show a recorded fault. */
export interface SelectFaultMessage { type: 'selectFault'; seq: number }
/** Show the previous/next recorded fault (of the current filter). */
export interface AdjacentFaultMessage { type: 'adjacentFault'; direction: 'previous' | 'next' }
/** Change the kind filter. */
export interface SetFilterMessage { type: 'setFilter'; filter: FaultKind | 'all' }
/** Follow new faults as they are recorded. */
export interface SetFollowMessage { type: 'setFollow'; follow: boolean }
/** Make the simulation take a fault of this kind, then show it. */
export interface CauseFaultMessage { type: 'causeFault'; kind: CausableFaultKind }
/** Walk an address of a process in the displayed state. */
export interface WalkAddressMessage { type: 'walkAddress'; requestId: number; pid: number; va: Hex }

export type WebviewToHostMessage =
  | ReadyMessage | GotoMessage | PresentMessage | RevealMessage | SetSpeedMessage
  | GetCreationStepsMessage | ListCreationsMessage | SelectCreationMessage | RunCreateProcessMessage
  | ListFaultsMessage | SelectFaultMessage | AdjacentFaultMessage | SetFilterMessage | SetFollowMessage | CauseFaultMessage | WalkAddressMessage;

/** The most steps or list entries one request may ask for. */
export const MAX_SLICE = 500;
