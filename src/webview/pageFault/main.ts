// The page-fault panel in the browser: composes the controls, the stepper, the address query and
// the fault's phases over one state (./state). Diagrams are SVG with a <title>/<desc> text
// alternative; every string comes pre-localized from the host.
import type { HostToWebviewMessage, UiStrings } from '../../shared/protocol';
import { RequestError } from '../common/channel';
import { clear, el, showNotice, showRequestFailure } from '../common/dom';
import { post, request, start } from '../common/host';
import { Stepper } from '../common/stepper';
import { FaultControls } from './controls';
import { renderFault } from './faultView';
import { renderQuery, renderQueryError } from './query';
import { persist, view } from './state';

const app = document.getElementById('app')!;
const noticeHost = el('div', { class: 'notice', role: 'status' });
const phasesHost = el('div', { class: 'phases' });
const body = el('div', { class: 'fault-body', 'aria-live': 'polite' });
const queryHost = el('section', { class: 'query' });
let controls: FaultControls | undefined;
let stepper: Stepper | undefined;

/** A request the host refused or did not answer: say so instead of waiting forever. */
function requestFailed(e: unknown): void { showRequestFailure(noticeHost, view.strings, e); }

/** Moves to phase `i` (the host moves the session cursor to that phase's state). */
function go(i: number): void {
  view.phase = i;
  post({ type: 'goto', index: i });
  render();
}

async function walk(target: { pid: number; va: string } | { error: string }): Promise<void> {
  const s = view.strings!;
  clear(queryHost);
  if ('error' in target) { renderQueryError(queryHost, target.error); return; }
  try {
    const reply = await request('walkAddress', target);
    renderQuery(queryHost, s, reply.query);
  } catch (e) {
    // The host's error is a sentence for the learner ("Process 9 does not exist.").
    renderQueryError(queryHost, e instanceof RequestError && e.timedOut ? s.requestTimedOut : e instanceof Error ? e.message : String(e));
  }
}

function renderShell(s: UiStrings): void {
  clear(app);
  controls = new FaultControls(s, (target) => void walk(target));
  stepper = new Stepper(s, {
    goto: go,
    present: () => post({ type: 'present' }),
    speed: (ms) => { if (view.snapshot) view.snapshot.speedMs = ms; post({ type: 'setSpeed', speedMs: ms }); persist(); },
  });
  app.append(controls.element, stepper.element, el('p', { class: 'hint' }, s.shortcuts), noticeHost, queryHost, phasesHost, body);
}

function render(): void {
  const s = view.strings;
  const snap = view.snapshot;
  if (!s || !snap) return;
  const fault = snap.fault;
  stepper?.update(fault ? fault.phases.length : 0, view.phase, view.cursor, snap.speedMs);
  persist();
  if (!fault) {
    clear(phasesHost); clear(body);
    body.appendChild(el('p', {}, snap.running ? s.pfNoFault : s.noSimulation));
  } else renderFault(phasesHost, body, s, fault, view.phase, go);
  app.setAttribute('aria-busy', 'false');
}

function onMessage(m: Exclude<HostToWebviewMessage, { type: 'reply' }>): void {
  switch (m.type) {
    case 'pfSnapshot': {
      if (!view.strings) renderShell(m.strings);
      view.strings = m.strings;
      view.snapshot = m;
      view.phase = m.phase;
      view.cursor = m.cursor;
      controls?.fill(m.strings, m);
      clear(noticeHost);
      if (m.notice) noticeHost.appendChild(el('p', {}, m.notice));
      if (m.query) { renderQuery(queryHost, m.strings, m.query); controls?.showAddress(m.query.split.va); } else if (m.fault) clear(queryHost);
      controls?.loadFaults().catch(requestFailed);
      render();
      return;
    }
    case 'position':
      // Only the badge: a late echo of an earlier goto must not pull the phase back.
      view.cursor = m.cursor;
      stepper?.update(view.snapshot?.fault?.phases.length ?? 0, view.phase, view.cursor);
      return;
    case 'notice':
      showNotice(noticeHost, m.severity, m.message);
      return;
    case 'pcSnapshot':
      return; // the process-creation panel's
    default: {
      const never: never = m;
      void never;
    }
  }
}

start(onMessage);
