// Messages and wire shapes both stepping panels share (STYLE.md §2, §17, §18): the change links,
// the UI strings, the stepper's events, and the request/reply envelope. Everything is JSON:
// addresses and 64-bit values travel as hex strings ('0x...'), never bigint. Every string a
// webview shows arrives already localized by the host.
import { CHANGE_TYPES, type ChangeTypeName } from '../../engine/vocabulary';

export { CHANGE_TYPES };

/** A 64-bit value or address as '0x' + hex digits. */
export type Hex = string;

/** The two stepping panels (also their webview view types, prefixed with 'ntlab.'). */
export type PanelKind = 'processCreation' | 'pageFault';

/** Play speeds (milliseconds per step) offered by the controls. */
export const PLAY_SPEEDS_MS = [2000, 1000, 500, 250] as const;
export type PlaySpeedMs = typeof PLAY_SPEEDS_MS[number];

/** What a step's `changes` can name: the engine's own list (src/engine/vocabulary.ts). */
export type ChangeTypeDto = ChangeTypeName;

/** What a step created or changed, as `ntlab.reveal` takes it (ChangeRef with a hex `va`). */
export interface ChangeRefDto {
  type: ChangeTypeDto;
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

/** The most steps or list entries one request may ask for. */
export const MAX_SLICE = 500;

// ---------------------------------------------------------------------------------------- UI strings

/** Keys of the pre-localized UI strings every snapshot carries (the webview renders only these). */
export const UI_STRING_KEYS = [
  'first', 'previous', 'next', 'last', 'play', 'pause', 'speed', 'presentLabel', 'present', 'jump', 'stepOfTotal', 'live', 'past',
  'shortcuts', 'noSimulation', 'loading', 'requestFailed', 'requestTimedOut',
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

// ---------------------------------------------------------------------------------------- host -> webview events

/** The host moved the panel (a command asked for a stage, or the webview asked to go). */
export interface PositionMessage {
  type: 'position';
  index: number;
  cursor: number | null;
}

/** A transient localized message. */
export interface NoticeMessage {
  type: 'notice';
  message: string;
  severity: 'info' | 'warning' | 'error';
}

// ---------------------------------------------------------------------------------------- webview -> host events

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

/** The stepper's messages: they mean the same in every panel. */
export type CommonEventMessage = ReadyMessage | GotoMessage | PresentMessage | RevealMessage | SetSpeedMessage;

// ---------------------------------------------------------------------------------------- request / reply

/**
 * A typed request map: method -> { params, result }. Each panel module declares its own; the
 * envelope below is the same for all (STYLE.md §17, after vscode-hexeditor's MessageHandler):
 * every request carries an id, the host ALWAYS answers it with a reply naming that id, either
 * `result` or `error` (a localized sentence), and the webview rejects on an error or a timeout.
 */
export type RequestSpec<M> = { [K in keyof M]: { params: object; result: unknown } };

/** webview -> host: one request of a map. */
export type RequestOf<M extends RequestSpec<M>> = {
  [K in keyof M & string]: { type: 'request'; requestId: number; method: K; params: M[K]['params'] }
}[keyof M & string];

/** host -> webview: the answer to request `requestId`. */
export type ReplyOf<M extends RequestSpec<M>> = {
  [K in keyof M & string]:
    | { type: 'reply'; requestId: number; method: K; result: M[K]['result'] }
    | { type: 'reply'; requestId: number; method: K; error: string }
}[keyof M & string];

/** How long the webview waits for a reply before it rejects (the host answers in well under a second). */
export const REQUEST_TIMEOUT_MS = 10_000;

/** The largest request id (ids wrap around before float trouble). */
export const MAX_REQUEST_ID = 2 ** 31 - 1;
