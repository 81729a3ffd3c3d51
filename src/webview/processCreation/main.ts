// The process-creation panel in the browser: composes the header, the stepper, the stage timeline,
// the step list and the step detail over one state (./state), made here once and passed to every
// function; steps are pulled from the host in slices and every string comes from the host.
import type { PcSnapshotMessage, UiStrings } from '../../shared/protocol';
import { clear, el, handledAll, pageParts, showRequestFailure } from '../common/dom';
import { HostPort, type PanelMessage } from '../common/host';
import { panelStepper } from '../common/stepper';
import { renderDetail } from './detail';
import { CreationHeader } from './header';
import { createState, persist, stepCount, useFlow, type ProcessCreationState } from './state';
import { ensureLoaded } from './stepLoader';
import { renderStepList } from './stepList';
import { renderTimeline } from './timeline';

/** A request the host refused or did not answer: say so instead of waiting forever. */
function requestFailed(state: ProcessCreationState, e: unknown): void { showRequestFailure(state.parts.notice, state.strings, e); }

/** Moves to step `i` (the host moves the session cursor). */
function go(state: ProcessCreationState, i: number): void {
  state.index = i;
  state.port.post({ type: 'goto', index: i });
  void render(state);
}

function renderShell(state: ProcessCreationState, s: UiStrings): void {
  const { parts, port } = state;
  clear(parts.app);
  parts.header = new CreationHeader(s, port);
  parts.stepper = panelStepper(s, port, (i) => go(state, i), (ms) => { if (state.snapshot) state.snapshot.speedMs = ms; persist(state); });
  parts.app.append(
    parts.header.element,
    parts.stepper.element,
    el('p', { class: 'hint' }, s.shortcuts),
    parts.notice,
    parts.timeline,
    el('div', { class: 'columns' },
      el('nav', { class: 'steps-pane', 'aria-label': s.pcSteps }, el('h2', {}, s.pcSteps), parts.stepList),
      parts.detail),
  );
}

async function loadFlows(state: ProcessCreationState): Promise<void> {
  const current = state.snapshot?.flow?.start;
  const reply = await state.port.request('listCreations', { start: 0, count: 200 });
  state.parts.header?.showFlows(reply.flows, current);
}

async function render(state: ProcessCreationState): Promise<void> {
  const { parts } = state;
  const s = state.strings;
  const snap = state.snapshot;
  if (!s || !snap) return;
  parts.stepper?.update(stepCount(state), state.index, state.cursor, snap.speedMs);
  persist(state);
  if (!snap.flow) {
    clear(parts.detail); clear(parts.stepList); clear(parts.timeline);
    parts.detail.appendChild(el('p', {}, snap.running ? s.pcNoFlow : s.noSimulation));
    return;
  }
  try {
    await ensureLoaded(state, state.index);
  } catch (e) {
    requestFailed(state, e);
  }
  const step = state.steps.get(state.index);
  const goTo = (i: number): void => go(state, i);
  renderTimeline(parts.timeline, s, snap.stages, step?.stage, goTo);
  renderStepList(parts.stepList, stepCount(state), state.index, snap.flow.start, (i) => state.steps.get(i), goTo);
  renderDetail(parts.detail, s, state.port, step);
  parts.app.setAttribute('aria-busy', 'false');
}

function onSnapshot(state: ProcessCreationState, m: PcSnapshotMessage): void {
  if (!state.strings) renderShell(state, m.strings);
  state.strings = m.strings;
  state.snapshot = m;
  state.index = m.index;
  state.cursor = m.cursor;
  useFlow(state, m.flow?.start ?? -1);
  clear(state.parts.notice);
  loadFlows(state).catch((e: unknown) => requestFailed(state, e));
  void render(state);
}

function onMessage(state: ProcessCreationState, m: PanelMessage): void {
  switch (m.type) {
    case 'pcSnapshot':
      onSnapshot(state, m);
      return;
    case 'position':
      // Only the badge: the webview owns its position between snapshots (a late echo of an
      // earlier goto must not pull it back while the learner steps quickly or plays).
      state.cursor = m.cursor;
      state.parts.stepper?.update(stepCount(state), state.index, state.cursor);
      return;
    case 'pfSnapshot':
      return; // the page-fault panel's
    default:
      handledAll(m);
  }
}

function main(): void {
  const port = new HostPort();
  const state = createState(port, {
    ...pageParts(),
    timeline: el('div', { class: 'timeline' }),
    stepList: el('ol', { class: 'step-list' }),
    detail: el('section', { class: 'detail', 'aria-live': 'polite' }),
  });
  port.start(state.parts.notice, (m) => onMessage(state, m));
}

main();
