// The process-creation panel in the browser: composes the header, the stepper, the stage timeline,
// the step list and the step detail over one state (./state); steps are pulled from the host in
// slices and every string comes from the host.
import type { HostToWebviewMessage, UiStrings } from '../../shared/protocol';
import { clear, el, showNotice, showRequestFailure } from '../common/dom';
import { post, request, start } from '../common/host';
import { Stepper } from '../common/stepper';
import { renderDetail } from './detail';
import { CreationHeader } from './header';
import { persist, stepCount, useFlow, view } from './state';
import { ensureLoaded } from './stepLoader';
import { renderStepList } from './stepList';
import { renderTimeline } from './timeline';

const app = document.getElementById('app')!;
const timelineHost = el('div', { class: 'timeline' });
const stepList = el('ol', { class: 'step-list' });
const detail = el('section', { class: 'detail', 'aria-live': 'polite' });
const noticeHost = el('div', { class: 'notice', role: 'status' });
let header: CreationHeader | undefined;
let stepper: Stepper | undefined;

/** A request the host refused or did not answer: say so instead of waiting forever. */
function requestFailed(e: unknown): void { showRequestFailure(noticeHost, view.strings, e); }

/** Moves to step `i` (the host moves the session cursor). */
function go(i: number): void {
  view.index = i;
  post({ type: 'goto', index: i });
  void render();
}

function renderShell(s: UiStrings): void {
  clear(app);
  header = new CreationHeader(s);
  stepper = new Stepper(s, {
    goto: go,
    present: () => post({ type: 'present' }),
    speed: (ms) => { if (view.snapshot) view.snapshot.speedMs = ms; post({ type: 'setSpeed', speedMs: ms }); persist(); },
  });
  app.append(
    header.element,
    stepper.element,
    el('p', { class: 'hint' }, s.shortcuts),
    noticeHost,
    timelineHost,
    el('div', { class: 'columns' },
      el('nav', { class: 'steps-pane', 'aria-label': s.pcSteps }, el('h2', {}, s.pcSteps), stepList),
      detail),
  );
}

async function loadFlows(): Promise<void> {
  const current = view.snapshot?.flow?.start;
  const reply = await request('listCreations', { start: 0, count: 200 });
  header?.showFlows(reply.flows, current);
}

async function render(): Promise<void> {
  const s = view.strings;
  const snap = view.snapshot;
  if (!s || !snap) return;
  stepper?.update(stepCount(), view.index, view.cursor, snap.speedMs);
  persist();
  if (!snap.flow) {
    clear(detail); clear(stepList); clear(timelineHost);
    detail.appendChild(el('p', {}, snap.running ? s.pcNoFlow : s.noSimulation));
    return;
  }
  try {
    await ensureLoaded(view.index);
  } catch (e) {
    requestFailed(e);
  }
  const step = view.steps.get(view.index);
  renderTimeline(timelineHost, s, snap.stages, step?.stage, go);
  renderStepList(stepList, stepCount(), view.index, snap.flow.start, (i) => view.steps.get(i), go);
  renderDetail(detail, s, step);
  app.setAttribute('aria-busy', 'false');
}

function onMessage(m: Exclude<HostToWebviewMessage, { type: 'reply' }>): void {
  switch (m.type) {
    case 'pcSnapshot': {
      if (!view.strings) renderShell(m.strings);
      view.strings = m.strings;
      view.snapshot = m;
      view.index = m.index;
      view.cursor = m.cursor;
      useFlow(m.flow?.start ?? -1);
      clear(noticeHost);
      loadFlows().catch(requestFailed);
      void render();
      return;
    }
    case 'position':
      // Only the badge: the webview owns its position between snapshots (a late echo of an
      // earlier goto must not pull it back while the learner steps quickly or plays).
      view.cursor = m.cursor;
      stepper?.update(stepCount(), view.index, view.cursor);
      return;
    case 'notice':
      showNotice(noticeHost, m.severity, m.message);
      return;
    case 'pfSnapshot':
      return; // the page-fault panel's
    default: {
      const never: never = m;
      void never;
    }
  }
}

start(onMessage);
