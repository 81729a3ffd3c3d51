// The process-creation panel in the browser: a timeline of the CreateProcess stages (SVG with a
// text alternative), the steps of one recorded CreateProcess, and the current step's call chain,
// explanation and changes. Steps are pulled from the host in slices; every string comes from the host.
import type {
  ChangeLink, CreationStepView, HostToWebviewMessage, PcFlowsMessage, PcSnapshotMessage, PcStepsMessage, StageMark, UiStrings,
} from '../../shared/protocol';
import { activatable, button, clear, el, showNotice, svg } from '../common/dom';
import { post, request, saveState, start } from '../common/host';
import { Stepper } from '../common/stepper';

const SLICE = 100;

const app = document.getElementById('app')!;
let snapshot: PcSnapshotMessage | undefined;
let strings: UiStrings | undefined;
let stepper: Stepper | undefined;
let index = 0;
let cursor: number | null = null;
const steps = new Map<number, CreationStepView>();
let loadedFlow = -1;

const timelineHost = el('div', { class: 'timeline' });
const stepList = el('ol', { class: 'step-list' });
const detail = el('section', { class: 'detail', 'aria-live': 'polite' });
const noticeHost = el('div', { class: 'notice', role: 'status' });
const flowSelect = el('select', { class: 'flow-select' });

function stepCount(): number {
  return snapshot?.flow ? snapshot.flow.end - snapshot.flow.start : 0;
}

function persist(): void {
  if (!snapshot?.flow) return;
  saveState({ panel: 'processCreation', flowStart: snapshot.flow.start, index, speedMs: snapshot.speedMs });
}

/** Makes sure the slice holding `i` is loaded, then renders. */
async function ensureLoaded(i: number): Promise<void> {
  const flow = snapshot?.flow;
  if (!flow) return;
  if (loadedFlow !== flow.start) { steps.clear(); loadedFlow = flow.start; }
  if (steps.has(i)) return;
  const from = Math.floor(i / SLICE) * SLICE;
  const reply = await request<PcStepsMessage>((requestId) => ({ type: 'getCreationSteps', requestId, flowStart: flow.start, start: from, end: Math.min(from + SLICE, stepCount()) }));
  if (reply.flowStart !== loadedFlow) return;
  for (const s of reply.steps) steps.set(s.index, s);
}

function renderShell(s: UiStrings): void {
  clear(app);
  stepper = new Stepper(s, {
    goto: (i) => { index = i; post({ type: 'goto', index: i }); void render(); },
    present: () => post({ type: 'present' }),
    speed: (ms) => { if (snapshot) snapshot.speedMs = ms; post({ type: 'setSpeed', speedMs: ms }); persist(); },
  });
  flowSelect.setAttribute('aria-label', s.pcFlow);
  flowSelect.onchange = () => post({ type: 'selectCreation', flowStart: Number(flowSelect.value) });
  const image = el('input', { type: 'text', value: 'C:\\Windows\\System32\\notepad.exe', 'aria-label': s.pcImagePath, class: 'image-path', spellcheck: 'false' });
  const run = button(s.pcRun, s.pcNewProcess, () => post({ type: 'runCreateProcess', imagePath: image.value }), { 'data-action': 'run' });
  image.addEventListener('keydown', (e) => { if (e.key === 'Enter') run.click(); });
  app.append(
    el('header', {},
      el('h1', {}, s.pcTitle),
      el('div', { class: 'row' }, el('label', {}, s.pcFlow, ' ', flowSelect), el('span', { class: 'spacer' }), el('label', {}, s.pcImagePath, ' ', image), run)),
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
  const s = snapshot;
  if (!s) return;
  const reply = await request<PcFlowsMessage>((requestId) => ({ type: 'listCreations', requestId, start: 0, count: 200 }));
  clear(flowSelect);
  for (const f of reply.flows) flowSelect.appendChild(el('option', { value: f.start, selected: f.start === s.flow?.start }, f.label));
}

/** The stages as boxes in a row; present stages are clickable; the current one is outlined. */
function renderTimeline(s: UiStrings, stages: StageMark[], currentStage: string | undefined): void {
  clear(timelineHost);
  const w = 92;
  const gap = 6;
  const width = stages.length * (w + gap);
  const descText = stages.map((m) => `${m.title}: ${m.count > 0 ? m.count : s.pcStageAbsent}`).join('; ');
  const root = svg('svg', { viewBox: `0 0 ${width} 64`, width: '100%', role: 'group', 'aria-labelledby': 'timeline-title', 'aria-describedby': 'timeline-desc', class: 'timeline-svg' },
    svg('title', { id: 'timeline-title' }, s.pcTimeline),
    svg('desc', { id: 'timeline-desc' }, descText));
  stages.forEach((m, i) => {
    const x = i * (w + gap);
    const present = m.count > 0;
    const current = m.stage === currentStage;
    const cls = ['stage', present ? 'present' : 'absent', current ? 'current' : ''].join(' ');
    const g = svg('g', { class: cls, transform: `translate(${x},4)` },
      svg('title', {}, `${m.title}${present ? '' : ` (${s.pcStageAbsent})`}`),
      svg('rect', { width: w, height: 40, rx: 4 }),
      svg('text', { x: w / 2, y: 25, 'text-anchor': 'middle' }, m.stage),
      svg('text', { x: w / 2, y: 56, 'text-anchor': 'middle', class: 'count' }, present ? `×${m.count}` : '–'));
    if (i < stages.length - 1) root.appendChild(svg('path', { d: `M${x + w} 24 h${gap}`, class: 'connector' }));
    if (present) activatable(g, m.title, () => { index = m.firstIndex; post({ type: 'goto', index }); void render(); });
    else g.setAttribute('aria-disabled', 'true');
    root.appendChild(g);
  });
  timelineHost.appendChild(root);
}

function changeButton(c: ChangeLink): HTMLElement {
  return el('li', {}, button(c.label, c.label, () => post({ type: 'reveal', ref: c.ref }), { class: 'link', 'data-change': c.ref.type }));
}

function renderDetail(s: UiStrings, step: CreationStepView | undefined): void {
  clear(detail);
  if (!step) { detail.appendChild(el('p', {}, s.loading)); return; }
  const chain = el('ol', { class: 'call-chain', 'aria-label': s.pcCallChain });
  step.callChain.forEach((r, i) => chain.appendChild(el('li', { class: i === step.callChain.length - 1 ? 'callee' : '' }, r)));
  const args = el('dl', { class: 'args' });
  for (const a of step.args) args.append(el('dt', {}, a.name), el('dd', {}, a.value));
  const changes = el('ul', { class: 'changes' });
  for (const c of step.changes) changes.appendChild(changeButton(c));
  detail.append(
    el('h2', { class: 'stage-title' }, step.stageTitle),
    el('p', { class: 'seq' }, `#${step.seq} · `, el('code', {}, step.routine), ` · ${step.code}`),
    el('h3', {}, s.pcCallChain), chain,
    el('p', { class: 'explanation' }, step.explanation),
    el('h3', {}, s.pcChanges), step.changes.length ? changes : el('p', { class: 'muted' }, s.pcNoChanges),
    el('details', {}, el('summary', {}, s.pcArguments), args),
  );
}

function renderList(): void {
  clear(stepList);
  const n = stepCount();
  for (let i = 0; i < n; i++) {
    const st = steps.get(i);
    const li = el('li', { class: i === index ? 'current' : '', 'aria-current': i === index ? 'step' : undefined },
      st ? `${st.stage ?? ''} · ${st.routine}` : `#${(snapshot?.flow?.start ?? 0) + i}`);
    activatable(li, st ? `${st.stageTitle}: ${st.routine}` : String(i + 1), () => { index = i; post({ type: 'goto', index: i }); void render(); });
    stepList.appendChild(li);
  }
  stepList.querySelector('.current')?.scrollIntoView({ block: 'nearest' });
}

async function render(): Promise<void> {
  const s = strings;
  const snap = snapshot;
  if (!s || !snap) return;
  stepper?.update(stepCount(), index, cursor, snap.speedMs);
  persist();
  if (!snap.flow) {
    clear(detail); clear(stepList); clear(timelineHost);
    detail.appendChild(el('p', {}, snap.running ? s.pcNoFlow : s.noSimulation));
    return;
  }
  await ensureLoaded(index);
  const step = steps.get(index);
  renderTimeline(s, snap.stages, step?.stage);
  renderList();
  renderDetail(s, step);
  app.setAttribute('aria-busy', 'false');
}

function onMessage(m: HostToWebviewMessage): void {
  switch (m.type) {
    case 'pcSnapshot': {
      const first = !strings;
      strings = m.strings;
      if (first) renderShell(m.strings);
      snapshot = m;
      index = m.index;
      cursor = m.cursor;
      if (m.flow?.start !== loadedFlow) { steps.clear(); loadedFlow = m.flow?.start ?? -1; }
      clear(noticeHost);
      void loadFlows();
      void render();
      return;
    }
    case 'position':
      // Only the badge: the webview owns its position between snapshots (a late echo of an
      // earlier goto must not pull it back while the learner steps quickly or plays).
      cursor = m.cursor;
      stepper?.update(stepCount(), index, cursor);
      return;
    case 'notice':
      showNotice(noticeHost, m.severity, m.message);
      return;
    case 'pcSteps': case 'pcFlows': case 'pfSnapshot': case 'pfFaults': case 'pfWalk':
      return; // replies are routed to their requests; page-fault messages are not for this panel
    default: {
      const never: never = m;
      void never;
    }
  }
}

start(onMessage);
