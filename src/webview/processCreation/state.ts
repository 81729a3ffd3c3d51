// The one state of the process-creation webview: the host's last snapshot, the step shown, the
// session cursor, and the steps loaded so far. Every component reads it; only main.ts changes it.
import type { CreationStepView, PcSnapshotMessage, UiStrings } from '../../shared/protocol';
import { saveState } from '../common/host';

export interface ProcessCreationView {
  snapshot: PcSnapshotMessage | undefined;
  strings: UiStrings | undefined;
  /** Step index within the flow. */
  index: number;
  /** The session cursor (null: the live present). */
  cursor: number | null;
  /** Loaded steps of the flow starting at `loadedFlow`, by index. */
  steps: Map<number, CreationStepView>;
  loadedFlow: number;
}

export const view: ProcessCreationView = { snapshot: undefined, strings: undefined, index: 0, cursor: null, steps: new Map(), loadedFlow: -1 };

/** Steps in the flow shown (0 without one). */
export function stepCount(): number {
  const flow = view.snapshot?.flow;
  return flow ? flow.end - flow.start : 0;
}

/** Forgets loaded steps when the flow shown changes. */
export function useFlow(flowStart: number): void {
  if (view.loadedFlow === flowStart) return;
  view.steps.clear();
  view.loadedFlow = flowStart;
}

/** Persists what the serializer needs to revive the panel. */
export function persist(): void {
  const snap = view.snapshot;
  if (!snap?.flow) return;
  saveState({ panel: 'processCreation', flowStart: snap.flow.start, index: view.index, speedMs: snap.speedMs });
}
