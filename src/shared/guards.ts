// Type guards for everything that crosses a trust boundary into the host: messages from a webview,
// panel state restored by a serializer, and command arguments (STYLE.md §4). A value that fails is
// dropped; nothing from a webview is used before it passed one of these.
import {
  CAUSABLE_FAULT_KINDS, CHANGE_TYPES, CREATION_STAGE_IDS, FAULT_KINDS, MAX_REQUEST_ID, MAX_SLICE, PLAY_SPEEDS_MS,
  type CausableFaultKind, type ChangeRefDto, type ChangeTypeDto, type CreationStageId, type FaultKind, type PageFaultState, type PanelState,
  type PlaySpeedMs, type ProcessCreationState, type RequestMessage, type RequestMethod, type WebviewEventMessage, type WebviewToHostMessage,
} from './protocol';

/** Largest step index or seq accepted (far above any session, far below float trouble). */
export const MAX_SEQ = 2 ** 31 - 1;
const MAX_PID = 2 ** 32 - 1;
const HEX_RE = /^0x[0-9a-fA-F]{1,16}$/;

type Obj = Record<string, unknown>;

function isObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** An integer in [min, max]. */
export function isIntIn(v: unknown, min: number, max: number): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= min && v <= max;
}

/** '0x' followed by 1..16 hex digits (a 64-bit value). */
export function isHex(v: unknown): v is string {
  return typeof v === 'string' && HEX_RE.test(v);
}

export function isFaultKind(v: unknown): v is FaultKind {
  return typeof v === 'string' && (FAULT_KINDS as readonly string[]).includes(v);
}

export function isCausableFaultKind(v: unknown): v is CausableFaultKind {
  return typeof v === 'string' && (CAUSABLE_FAULT_KINDS as readonly string[]).includes(v);
}

export function isCreationStage(v: unknown): v is CreationStageId {
  return typeof v === 'string' && (CREATION_STAGE_IDS as readonly string[]).includes(v);
}

export function isPlaySpeed(v: unknown): v is PlaySpeedMs {
  return typeof v === 'number' && (PLAY_SPEEDS_MS as readonly number[]).includes(v);
}

function isFilter(v: unknown): v is FaultKind | 'all' {
  return v === 'all' || isFaultKind(v);
}

/** One of the engine's change types (src/engine/vocabulary.ts): the one list every validator uses. */
export function isChangeType(v: unknown): v is ChangeTypeDto {
  return typeof v === 'string' && (CHANGE_TYPES as readonly string[]).includes(v);
}

/** A ChangeRef as `ntlab.reveal` takes it: known type, optional integer pid/id, optional hex va, nothing else. */
export function isChangeRef(v: unknown): v is ChangeRefDto {
  if (!isObject(v) || !isChangeType(v.type)) return false;
  for (const k of Object.keys(v)) if (!['type', 'pid', 'id', 'va'].includes(k)) return false;
  if (v.pid !== undefined && !isIntIn(v.pid, 0, MAX_PID)) return false;
  if (v.id !== undefined && !isIntIn(v.id, 0, Number.MAX_SAFE_INTEGER)) return false;
  if (v.va !== undefined && !isHex(v.va)) return false;
  return true;
}

/** An image path a learner may type: 1..260 characters, no control characters. */
export function isImagePath(v: unknown): v is string {
  // eslint-disable-next-line no-control-regex
  return typeof v === 'string' && v.trim().length > 0 && v.length <= 260 && !/[\u0000-\u001f\u007f]/.test(v);
}

const isSeq = (v: unknown): v is number => isIntIn(v, 0, MAX_SEQ);

/** The id of a request, if `v` carries a usable one (so even a malformed request gets its error reply). */
export function requestIdOf(v: unknown): number | undefined {
  return isObject(v) && v.type === 'request' && isIntIn(v.requestId, 0, MAX_REQUEST_ID) ? v.requestId : undefined;
}

/** Validates the params of each request method; the `never` default keeps the table complete. */
function isRequestParams(method: RequestMethod, p: Obj): boolean {
  switch (method) {
    case 'getCreationSteps':
      return isSeq(p.flowStart) && isSeq(p.start) && isSeq(p.end) && p.end >= p.start && p.end - p.start <= MAX_SLICE;
    case 'listCreations':
      return isSeq(p.start) && isIntIn(p.count, 1, MAX_SLICE);
    case 'listFaults':
      return isFilter(p.filter) && isSeq(p.start) && isIntIn(p.count, 1, MAX_SLICE);
    case 'walkAddress':
      return isIntIn(p.pid, 0, MAX_PID) && isHex(p.va);
    default: {
      const unknownMethod: never = method;
      void unknownMethod;
      return false;
    }
  }
}

const REQUEST_METHODS: Record<RequestMethod, true> = { getCreationSteps: true, listCreations: true, listFaults: true, walkAddress: true };

/** A request: a known method, an id, and params valid for that method. */
export function isRequestMessage(v: unknown): v is RequestMessage {
  if (!isObject(v) || v.type !== 'request' || requestIdOf(v) === undefined) return false;
  if (typeof v.method !== 'string' || !Object.prototype.hasOwnProperty.call(REQUEST_METHODS, v.method) || !isObject(v.params)) return false;
  return isRequestParams(v.method as RequestMethod, v.params);
}

/** Validates a message from a stepping panel's webview that needs no answer. */
export function isWebviewEventMessage(v: unknown): v is WebviewEventMessage {
  if (!isObject(v) || typeof v.type !== 'string') return false;
  const m = v as Obj & { type: WebviewEventMessage['type'] };
  switch (m.type) {
    case 'ready':
    case 'present':
      return true;
    case 'goto':
      return isSeq(m.index);
    case 'reveal':
      return isChangeRef(m.ref);
    case 'setSpeed':
      return isPlaySpeed(m.speedMs);
    case 'selectCreation':
      return isSeq(m.flowStart);
    case 'runCreateProcess':
      return isImagePath(m.imagePath);
    case 'selectFault':
      return isSeq(m.seq);
    case 'adjacentFault':
      return m.direction === 'previous' || m.direction === 'next';
    case 'setFilter':
      return isFilter(m.filter);
    case 'setFollow':
      return typeof m.follow === 'boolean';
    case 'causeFault':
      return isCausableFaultKind(m.kind);
    default: {
      const unknownType: never = m.type;
      void unknownType;
      return false;
    }
  }
}

/** Validates any message from a stepping panel's webview. */
export function isWebviewToHostMessage(v: unknown): v is WebviewToHostMessage {
  return isRequestMessage(v) || isWebviewEventMessage(v);
}

export function isProcessCreationState(v: unknown): v is ProcessCreationState {
  return isObject(v) && v.panel === 'processCreation' && isIntIn(v.flowStart, 0, MAX_SEQ) && isIntIn(v.index, 0, MAX_SEQ) && isPlaySpeed(v.speedMs);
}

export function isPageFaultState(v: unknown): v is PageFaultState {
  return isObject(v) && v.panel === 'pageFault' && isIntIn(v.seq, -1, MAX_SEQ) && isIntIn(v.phase, 0, 16)
    && isFilter(v.filter) && typeof v.follow === 'boolean' && isPlaySpeed(v.speedMs);
}

export function isPanelState(v: unknown): v is PanelState {
  return isProcessCreationState(v) || isPageFaultState(v);
}

/** Arguments of ntlab.openProcessCreationPanel: nothing, or `{ stage? }`. */
export interface OpenProcessCreationArgs { stage?: CreationStageId }
export function parseOpenProcessCreationArgs(v: unknown): OpenProcessCreationArgs | undefined {
  if (v === undefined || v === null) return {};
  if (!isObject(v)) return undefined;
  if (v.stage !== undefined && !isCreationStage(v.stage)) return undefined;
  return v.stage === undefined ? {} : { stage: v.stage as CreationStageId };
}

/** Arguments of ntlab.openPageFaultPanel: nothing, or `{ kind?, pid?, va? }`. */
export interface OpenPageFaultArgs { kind?: FaultKind; pid?: number; va?: string }
export function parseOpenPageFaultArgs(v: unknown): OpenPageFaultArgs | undefined {
  if (v === undefined || v === null) return {};
  if (!isObject(v)) return undefined;
  const out: OpenPageFaultArgs = {};
  if (v.kind !== undefined) { if (!isFaultKind(v.kind)) return undefined; out.kind = v.kind; }
  if (v.pid !== undefined) { if (!isIntIn(v.pid, 0, MAX_PID)) return undefined; out.pid = v.pid; }
  if (v.va !== undefined) { if (!isHex(v.va)) return undefined; out.va = v.va; }
  return out;
}
