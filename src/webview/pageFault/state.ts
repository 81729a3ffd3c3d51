// The one state of the page-fault webview: the host's last snapshot, the phase shown and the session
// cursor. Every component reads it; only main.ts changes it.
import type { PfSnapshotMessage, UiStrings } from '../../shared/protocol';
import { saveState } from '../common/host';

export interface PageFaultViewState {
  snapshot: PfSnapshotMessage | undefined;
  strings: UiStrings | undefined;
  /** The phase of the fault shown. */
  phase: number;
  /** The session cursor (null: the live present). */
  cursor: number | null;
}

export const view: PageFaultViewState = { snapshot: undefined, strings: undefined, phase: 0, cursor: null };

/** Persists what the serializer needs to revive the panel. */
export function persist(): void {
  const snap = view.snapshot;
  if (!snap) return;
  saveState({ panel: 'pageFault', seq: snap.fault?.seq ?? -1, phase: view.phase, filter: snap.filter, follow: snap.follow, speedMs: snap.speedMs });
}
