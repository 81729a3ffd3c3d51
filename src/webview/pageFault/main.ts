// The page-fault panel in the browser: composes the controls, the stepper, the address query and
// the fault's phases over one state (./state), made here once and passed to every function.
// Diagrams are SVG with a <title>/<desc> text alternative; every string comes pre-localized from the host.
import type { PfSnapshotMessage, UiStrings } from '../../shared/protocol';
import { RequestError } from '../common/channel';
import { clear, el, handledAll, pageParts, showRequestFailure } from '../common/dom';
import { HostPort, type PanelMessage } from '../common/host';
import { panelStepper } from '../common/stepper';
import { FaultControls } from './controls';
import { renderFault } from './faultView';
import { renderQuery, renderQueryError } from './query';
import { createState, persist, type PageFaultState } from './state';

/** A request the host refused or did not answer: say so instead of waiting forever. */
function requestFailed(state: PageFaultState, e: unknown): void { showRequestFailure(state.parts.notice, state.strings, e); }

/** Moves to phase `i` (the host moves the session cursor to that phase's state). */
function go(state: PageFaultState, i: number): void {
  state.phase = i;
  state.port.post({ type: 'goto', index: i });
  render(state);
}

async function walk(state: PageFaultState, target: { pid: number; va: string } | { error: string }): Promise<void> {
  const s = state.strings!;
  const host = state.parts.query;
  clear(host);
  if ('error' in target) { renderQueryError(host, target.error); return; }
  try {
    const reply = await state.port.request('walkAddress', target);
    renderQuery(host, s, reply.query);
  } catch (e) {
    // The host's error is a sentence for the learner ("Process 9 does not exist.").
    renderQueryError(host, e instanceof RequestError && e.timedOut ? s.requestTimedOut : e instanceof Error ? e.message : String(e));
  }
}

function renderShell(state: PageFaultState, s: UiStrings): void {
  const { parts, port } = state;
  clear(parts.app);
  parts.controls = new FaultControls(state, s, (target) => void walk(state, target));
  parts.stepper = panelStepper(s, port, (i) => go(state, i), (ms) => { if (state.snapshot) state.snapshot.speedMs = ms; persist(state); });
  parts.app.append(parts.controls.element, parts.stepper.element, el('p', { class: 'hint' }, s.shortcuts), parts.notice, parts.query, parts.phases, parts.body);
}

function render(state: PageFaultState): void {
  const { parts } = state;
  const s = state.strings;
  const snap = state.snapshot;
  if (!s || !snap) return;
  const fault = snap.fault;
  parts.stepper?.update(fault ? fault.phases.length : 0, state.phase, state.cursor, snap.speedMs);
  persist(state);
  if (!fault) {
    clear(parts.phases); clear(parts.body);
    parts.body.appendChild(el('p', {}, snap.running ? s.pfNoFault : s.noSimulation));
  } else renderFault(parts.phases, parts.body, s, state.port, fault, state.phase, (i) => go(state, i));
  parts.app.setAttribute('aria-busy', 'false');
}

function onSnapshot(state: PageFaultState, m: PfSnapshotMessage): void {
  const { parts } = state;
  if (!state.strings) renderShell(state, m.strings);
  state.strings = m.strings;
  state.snapshot = m;
  state.phase = m.phase;
  state.cursor = m.cursor;
  parts.controls?.fill(m.strings, m);
  clear(parts.notice);
  if (m.notice) parts.notice.appendChild(el('p', {}, m.notice));
  if (m.query) { renderQuery(parts.query, m.strings, m.query); parts.controls?.showAddress(m.query.split.va); } else if (m.fault) clear(parts.query);
  parts.controls?.loadFaults().catch((e: unknown) => requestFailed(state, e));
  render(state);
}

function onMessage(state: PageFaultState, m: PanelMessage): void {
  switch (m.type) {
    case 'pfSnapshot':
      onSnapshot(state, m);
      return;
    case 'position':
      // Only the badge: a late echo of an earlier goto must not pull the phase back.
      state.cursor = m.cursor;
      state.parts.stepper?.update(state.snapshot?.fault?.phases.length ?? 0, state.phase, state.cursor);
      return;
    case 'pcSnapshot':
      return; // the process-creation panel's
    default:
      handledAll(m);
  }
}

function main(): void {
  const port = new HostPort();
  const state = createState(port, {
    ...pageParts(),
    phases: el('div', { class: 'phases' }),
    body: el('div', { class: 'fault-body', 'aria-live': 'polite' }),
    query: el('section', { class: 'query' }),
  });
  port.start(state.parts.notice, (m) => onMessage(state, m));
}

main();
