// The one state of the process-creation webview: the port to the host, the host's last snapshot, the
// step shown, the session cursor, the steps loaded so far, and the page's parts. main.ts makes it
// once and passes it to every component; no webview module keeps state of its own.
import type { CreationStepView, PcSnapshotMessage, UiStrings } from '../../shared/protocol';
import type { HostPort } from '../common/host';
import type { Stepper } from '../common/stepper';
import type { CreationHeader } from './header';

/** The elements the page is built from; the header and the stepper exist once the strings have come. */
export interface ProcessCreationParts {
  readonly app: HTMLElement;
  readonly timeline: HTMLElement;
  readonly stepList: HTMLElement;
  readonly detail: HTMLElement;
  readonly notice: HTMLElement;
  header: CreationHeader | undefined;
  stepper: Stepper | undefined;
}

export interface ProcessCreationState {
  readonly port: HostPort;
  readonly parts: ProcessCreationParts;
  snapshot: PcSnapshotMessage | undefined;
  strings: UiStrings | undefined;
  /** Step index within the flow. */
  index: number;
  /** The session cursor (null: the live present). */
  cursor: number | null;
  /** Loaded steps of the flow starting at `loadedFlow`, by index. */
  readonly steps: Map<number, CreationStepView>;
  loadedFlow: number;
}

export function createState(port: HostPort, parts: Omit<ProcessCreationParts, 'header' | 'stepper'>): ProcessCreationState {
  return {
    port, parts: { ...parts, header: undefined, stepper: undefined },
    snapshot: undefined, strings: undefined, index: 0, cursor: null, steps: new Map(), loadedFlow: -1,
  };
}

/** Steps in the flow shown (0 without one). */
export function stepCount(state: ProcessCreationState): number {
  const flow = state.snapshot?.flow;
  return flow ? flow.end - flow.start : 0;
}

/** Forgets loaded steps when the flow shown changes. */
export function useFlow(state: ProcessCreationState, flowStart: number): void {
  if (state.loadedFlow === flowStart) return;
  state.steps.clear();
  state.loadedFlow = flowStart;
}

/** Persists what the serializer needs to revive the panel. */
export function persist(state: ProcessCreationState): void {
  const snap = state.snapshot;
  if (!snap?.flow) return;
  state.port.saveState({ panel: 'processCreation', flowStart: snap.flow.start, index: state.index, speedMs: snap.speedMs });
}
