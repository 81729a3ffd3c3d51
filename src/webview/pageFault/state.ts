// The one state of the page-fault webview: the port to the host, the host's last snapshot, the phase
// shown, the session cursor, and the page's parts. main.ts makes it once and passes it to every
// component; no webview module keeps state of its own.
import type { PfSnapshotMessage, UiStrings } from '../../shared/protocol';
import type { HostPort } from '../common/host';
import type { Stepper } from '../common/stepper';
import type { FaultControls } from './controls';

/** The elements the page is built from; the controls and the stepper exist once the strings have come. */
export interface PageFaultParts {
  readonly app: HTMLElement;
  readonly notice: HTMLElement;
  readonly phases: HTMLElement;
  readonly body: HTMLElement;
  readonly query: HTMLElement;
  controls: FaultControls | undefined;
  stepper: Stepper | undefined;
}

export interface PageFaultState {
  readonly port: HostPort;
  readonly parts: PageFaultParts;
  snapshot: PfSnapshotMessage | undefined;
  strings: UiStrings | undefined;
  /** The phase of the fault shown. */
  phase: number;
  /** The session cursor (null: the live present). */
  cursor: number | null;
}

export function createState(port: HostPort, parts: Omit<PageFaultParts, 'controls' | 'stepper'>): PageFaultState {
  return { port, parts: { ...parts, controls: undefined, stepper: undefined }, snapshot: undefined, strings: undefined, phase: 0, cursor: null };
}

/** Persists what the serializer needs to revive the panel. */
export function persist(state: PageFaultState): void {
  const snap = state.snapshot;
  if (!snap) return;
  state.port.saveState({ panel: 'pageFault', seq: snap.fault?.seq ?? -1, phase: state.phase, filter: snap.filter, follow: snap.follow, speedMs: snap.speedMs });
}
