// Wire shapes and messages of the process-creation panel: one recorded CreateProcess as a timeline
// of stages and a list of steps (Windows Internals 7e, part 1, ch. 3, "Flow of CreateProcess").
import { CREATION_STAGE_NAMES, type CreationStageName } from '../../engine/vocabulary';
import type { ArgView, ChangeLink, PlaySpeedMs, ReplyOf, RequestOf, UiStrings } from './common';

/** CreateProcess stages: the engine's own list. */
export const CREATION_STAGE_IDS = CREATION_STAGE_NAMES;
export type CreationStageId = CreationStageName;

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

// ---------------------------------------------------------------------------------------- webview -> host

/** Show another recorded CreateProcess. */
export interface SelectCreationMessage { type: 'selectCreation'; flowStart: number }
/** Run a new CreateProcess in the simulation and show it. */
export interface RunCreateProcessMessage { type: 'runCreateProcess'; imagePath: string }

export type PcEventMessage = SelectCreationMessage | RunCreateProcessMessage;

/** The process-creation panel's requests. */
export interface PcRequests {
  /** A slice of a flow's steps by index [start, end); an error when the flow no longer exists. */
  getCreationSteps: { params: { flowStart: number; start: number; end: number }; result: { flowStart: number; steps: CreationStepView[] } };
  /** A slice of recorded CreateProcess flows, newest first. */
  listCreations: { params: { start: number; count: number }; result: { total: number; flows: CreationFlowSummary[] } };
}
export type PcRequestMessage = RequestOf<PcRequests>;
export type PcReplyMessage = ReplyOf<PcRequests>;
