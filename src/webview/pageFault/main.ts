// The page-fault panel in the browser: pick a recorded fault (or cause one, or walk an address),
// then step through its phases. Diagrams are SVG with a <title>/<desc> text alternative; every
// string comes pre-localized from the host.
import type {
  AddressQueryView, AddressSplit, FaultPhaseId, FaultView, HostToWebviewMessage, PfFaultsMessage, PfSnapshotMessage, PfWalkMessage,
  UiStrings, WalkView,
} from '../../shared/protocol';
import { activatable, button, clear, el, showNotice, svg } from '../common/dom';
import { post, request, saveState, start } from '../common/host';
import { Stepper } from '../common/stepper';

const app = document.getElementById('app')!;
let snapshot: PfSnapshotMessage | undefined;
let strings: UiStrings | undefined;
let stepper: Stepper | undefined;
let phase = 0;
let cursor: number | null = null;

const filterSelect = el('select', { class: 'filter' });
const faultSelect = el('select', { class: 'fault-select' });
const followBox = el('input', { type: 'checkbox', class: 'follow' });
const causeSelect = el('select', { class: 'cause-kind' });
const processSelect = el('select', { class: 'process' });
const addressInput = el('input', { type: 'text', class: 'address', spellcheck: 'false', placeholder: '0x7ff612340000' });
const noticeHost = el('div', { class: 'notice', role: 'status' });
const phasesHost = el('div', { class: 'phases' });
const body = el('div', { class: 'fault-body', 'aria-live': 'polite' });
const queryHost = el('section', { class: 'query' });

function persist(): void {
  if (!snapshot) return;
  saveState({ panel: 'pageFault', seq: snapshot.fault?.seq ?? -1, phase, filter: snapshot.filter, follow: snapshot.follow, speedMs: snapshot.speedMs });
}

function renderShell(s: UiStrings): void {
  clear(app);
  stepper = new Stepper(s, {
    goto: (i) => { phase = i; post({ type: 'goto', index: i }); render(); },
    present: () => post({ type: 'present' }),
    speed: (ms) => { if (snapshot) snapshot.speedMs = ms; post({ type: 'setSpeed', speedMs: ms }); persist(); },
  });
  filterSelect.setAttribute('aria-label', s.pfKind);
  filterSelect.onchange = () => post({ type: 'setFilter', filter: filterSelect.value as PfSnapshotMessage['filter'] });
  faultSelect.setAttribute('aria-label', s.pfList);
  faultSelect.onchange = () => post({ type: 'selectFault', seq: Number(faultSelect.value) });
  followBox.setAttribute('aria-label', s.pfFollow);
  followBox.onchange = () => { post({ type: 'setFollow', follow: followBox.checked }); if (snapshot) snapshot.follow = followBox.checked; persist(); };
  causeSelect.setAttribute('aria-label', s.pfCause);
  processSelect.setAttribute('aria-label', s.pfProcess);
  addressInput.setAttribute('aria-label', s.pfAddress);
  const walk = button(s.pfShowWalk, s.pfShowWalk, () => void walkAddress(), { 'data-action': 'walk' });
  addressInput.addEventListener('keydown', (e) => { if (e.key === 'Enter') walk.click(); });
  app.append(
    el('header', {},
      el('h1', {}, s.pfTitle),
      el('div', { class: 'row' },
        el('label', {}, s.pfKind, ' ', filterSelect),
        el('label', {}, s.pfList, ' ', faultSelect),
        button('◀', s.pfPreviousFault, () => post({ type: 'adjacentFault', direction: 'previous' }), { 'data-action': 'previous-fault' }),
        button('▶', s.pfNextFault, () => post({ type: 'adjacentFault', direction: 'next' }), { 'data-action': 'next-fault' }),
        el('label', {}, followBox, ' ', s.pfFollow),
        el('span', { class: 'spacer' }),
        causeSelect,
        button(s.pfCause, s.pfCause, () => post({ type: 'causeFault', kind: causeSelect.value as 'demandZero' }), { 'data-action': 'cause' })),
      el('div', { class: 'row' },
        el('label', {}, s.pfProcess, ' ', processSelect),
        el('label', {}, s.pfAddress, ' ', addressInput), walk,
        el('span', { class: 'muted' }, s.pfAddressHelp))),
    stepper.element,
    el('p', { class: 'hint' }, s.shortcuts),
    noticeHost,
    queryHost,
    phasesHost,
    body,
  );
}

async function walkAddress(): Promise<void> {
  const s = strings!;
  const va = addressInput.value.trim().replace(/`/g, '');
  clear(queryHost);
  if (!/^0x[0-9a-fA-F]{1,16}$/.test(va)) { queryHost.appendChild(el('p', { class: 'error' }, s.pfInvalidAddress)); return; }
  const reply = await request<PfWalkMessage>((requestId) => ({ type: 'walkAddress', requestId, pid: Number(processSelect.value), va }));
  if (!reply.query) { queryHost.appendChild(el('p', { class: 'error' }, reply.error ?? '')); return; }
  renderQuery(s, reply.query);
}

function renderQuery(s: UiStrings, q: AddressQueryView): void {
  clear(queryHost);
  queryHost.append(
    el('h2', {}, `${q.image} (${q.pid}) · ${q.split.va}`),
    splitDiagram(s, q.split),
    walkTable(s, q.walk, s.pfState),
    el('p', { class: 'explanation' }, q.prediction));
}

async function loadFaults(): Promise<void> {
  const snap = snapshot;
  if (!snap) return;
  const reply = await request<PfFaultsMessage>((requestId) => ({ type: 'listFaults', requestId, filter: snap.filter, start: 0, count: 200 }));
  clear(faultSelect);
  const current = snap.fault?.seq;
  if (current !== undefined && !reply.faults.some((f) => f.seq === current)) faultSelect.appendChild(el('option', { value: current, selected: true }, `#${current}`));
  for (const f of reply.faults) faultSelect.appendChild(el('option', { value: f.seq, selected: f.seq === current }, f.label));
  faultSelect.disabled = reply.faults.length === 0;
}

// ------------------------------------------------------------------------------------------ diagrams

/** The 64-bit address as six fields: sign extension, four 9-bit indices, the 12-bit offset. */
function splitDiagram(s: UiStrings, split: AddressSplit): Element {
  const fields: Array<[string, string, number]> = [
    [s.pfSignExtension, split.signExtension, 16], ['PML4', String(split.pxe), 9], ['PDPT', String(split.ppe), 9],
    ['PD', String(split.pde), 9], ['PT', String(split.pte), 9], [s.pfOffset, '0x' + split.offset.toString(16), 12],
  ];
  const unit = 11;
  const width = 64 * unit;
  const desc = `${split.va}: ${fields.map(([n, v, b]) => `${n} (${b} bits) = ${v}`).join(', ')}`;
  const root = svg('svg', { viewBox: `0 0 ${width} 64`, width: '100%', role: 'img', 'aria-labelledby': 'split-title split-desc', class: 'split-svg' },
    svg('title', { id: 'split-title' }, s.pfAddressSplit), svg('desc', { id: 'split-desc' }, desc));
  let bit = 63;
  let x = 0;
  fields.forEach(([name, value, bits], i) => {
    const w = bits * unit;
    root.appendChild(svg('g', { class: `field f${i}`, transform: `translate(${x},0)` },
      svg('rect', { width: w - 2, height: 36, rx: 3 }),
      svg('text', { x: (w - 2) / 2, y: 23, 'text-anchor': 'middle', class: 'value' }, value),
      svg('text', { x: (w - 2) / 2, y: 52, 'text-anchor': 'middle', class: 'name' }, `${name} ${bit}:${bit - bits + 1}`)));
    x += w;
    bit -= bits;
  });
  return el('figure', {}, root);
}

/** A page's move between lists: from-box, arrow, to-box. */
function listMoveDiagram(fault: FaultView): Element | null {
  const pfn = fault.pfn;
  if (!pfn) return null;
  const desc = `PFN ${pfn.pfn}: ${pfn.from} → ${pfn.to}`;
  return el('figure', {}, svg('svg', { viewBox: '0 0 520 70', width: '100%', role: 'img', 'aria-labelledby': 'move-title move-desc', class: 'move-svg' },
    svg('title', { id: 'move-title' }, `PFN ${pfn.pfn}`), svg('desc', { id: 'move-desc' }, desc),
    svg('defs', {}, svg('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 8, markerHeight: 8, orient: 'auto-start-reverse' }, svg('path', { d: 'M0 0 L10 5 L0 10 z', class: 'arrowhead' }))),
    svg('g', { class: 'box from' }, svg('rect', { x: 4, y: 14, width: 200, height: 40, rx: 4 }), svg('text', { x: 104, y: 39, 'text-anchor': 'middle' }, pfn.from)),
    svg('path', { d: 'M208 34 H306', class: 'move-arrow', 'marker-end': 'url(#arrow)' }),
    svg('text', { x: 257, y: 26, 'text-anchor': 'middle', class: 'pfn-label' }, pfn.pfn),
    svg('g', { class: 'box to' }, svg('rect', { x: 312, y: 14, width: 204, height: 40, rx: 4 }), svg('text', { x: 414, y: 39, 'text-anchor': 'middle' }, pfn.to))));
}

function walkTable(s: UiStrings, walk: WalkView, caption: string, highlight?: WalkView): Element {
  const table = el('table', { class: 'walk' },
    el('caption', {}, caption),
    el('thead', {}, el('tr', {}, ...[s.pfLevel, s.pfIndex, s.pfSelfMap, s.pfTablePfn, s.pfValue, s.pfState].map((h) => el('th', { scope: 'col' }, h)))));
  const tbody = el('tbody');
  for (const name of ['PXE', 'PPE', 'PDE', 'PTE'] as const) {
    const lv = walk.levels.find((l) => l.level === name);
    if (!lv) { tbody.appendChild(el('tr', { class: 'absent' }, el('th', { scope: 'row' }, name), el('td', { colspan: 5 }, s.pfNotPresent))); continue; }
    const other = highlight?.levels.find((l) => l.level === name);
    const changed = other !== undefined && other.pte.value !== lv.pte.value;
    const bits = el('ul', { class: 'bits' });
    for (const f of lv.pte.fields) bits.appendChild(el('li', { class: f.value === '1' ? 'on' : f.value === '0' ? 'off' : '' }, `${f.name}=${f.value}`));
    tbody.appendChild(el('tr', { class: `${lv.pte.kind}${changed ? ' changed' : ''}` },
      el('th', { scope: 'row' }, `${lv.level} (${lv.table})`),
      el('td', {}, String(lv.index)),
      el('td', {}, el('code', {}, lv.selfMap)),
      el('td', {}, el('code', {}, lv.tablePfn)),
      el('td', {}, el('code', {}, lv.pte.value)),
      el('td', {}, el('span', { class: `kind ${lv.pte.kind}` }, lv.pte.kindLabel), bits)));
  }
  table.appendChild(tbody);
  return el('div', { class: 'table-wrap' }, table, el('p', { class: 'walk-summary' }, walk.summary));
}

function phaseStrip(s: UiStrings, fault: FaultView): Element {
  const w = 118;
  const root = svg('svg', { viewBox: `0 0 ${fault.phases.length * w} 44`, width: '100%', role: 'group', 'aria-labelledby': 'phase-title phase-desc', class: 'phase-svg' },
    svg('title', { id: 'phase-title' }, s.pfPhase),
    svg('desc', { id: 'phase-desc' }, fault.phases.map((p, i) => `${i + 1}. ${p.title}${i === phase ? ' ←' : ''}`).join('; ')));
  fault.phases.forEach((p, i) => {
    const x = i * w;
    const cls = `chevron ${i < phase ? 'done' : i === phase ? 'current' : 'todo'} ${p.cursor === fault.seq ? 'after' : 'before'}`;
    const g = svg('g', { class: cls, transform: `translate(${x},2)` },
      svg('title', {}, p.title),
      svg('path', { d: `M0 0 H${w - 14} L${w - 2} 20 L${w - 14} 40 H0 L12 20 z` }),
      svg('text', { x: w / 2, y: 25, 'text-anchor': 'middle' }, `${i + 1}. ${p.title}`));
    activatable(g, p.title, () => { phase = i; post({ type: 'goto', index: i }); render(); });
    root.appendChild(g);
  });
  return root;
}

function section(id: FaultPhaseId, title: string, fault: FaultView, ...children: Array<Node | null>): HTMLElement | null {
  const i = fault.phases.findIndex((p) => p.id === id);
  if (i < 0 || i > phase) return null;
  const sec = el('section', { class: `phase-section${i === phase ? ' current' : ''}`, 'data-phase': id }, el('h2', {}, `${i + 1}. ${title}`));
  sec.appendChild(el('p', { class: 'explanation' }, fault.phases[i]!.text));
  for (const c of children) if (c) sec.appendChild(c);
  return sec;
}

function factsTable(rows: Array<[string, string]>): Element {
  const dl = el('dl', { class: 'args' });
  for (const [k, v] of rows) dl.append(el('dt', {}, k), el('dd', {}, v));
  return dl;
}

function renderFault(s: UiStrings, fault: FaultView): void {
  clear(phasesHost);
  phasesHost.appendChild(phaseStrip(s, fault));
  clear(body);
  const after = phase >= fault.phases.findIndex((p) => p.cursor === fault.seq) && fault.phases.some((p) => p.cursor === fault.seq);
  const chain = el('ol', { class: 'call-chain' });
  fault.callChain.forEach((r, i) => chain.appendChild(el('li', { class: i === fault.callChain.length - 1 ? 'callee' : '' }, r)));
  const changes = el('ul', { class: 'changes' });
  for (const c of fault.changes) changes.appendChild(el('li', {}, button(c.label, c.label, () => post({ type: 'reveal', ref: c.ref }), { class: 'link', 'data-change': c.ref.type })));
  const pfnFacts = fault.pfn ? el('div', { class: 'pfn-facts' },
    fault.pfn.before ? el('div', {}, el('h3', {}, s.pfBefore), factsTable(fault.pfn.before.fields.map((f) => [f.name, f.value]))) : null,
    fault.pfn.after ? el('div', {}, el('h3', {}, s.pfAfter), factsTable(fault.pfn.after.fields.map((f) => [f.name, f.value]))) : null) : null;
  const ws = fault.workingSet;
  const parts = [
    el('h2', { class: 'fault-title' }, `#${fault.seq} · ${fault.kindLabel} · ${fault.image} (${fault.pid}) · ${fault.split.va} · ${fault.write ? s.pfWriteAccess : s.pfReadAccess}`),
    section('trap', fault.phases[0]!.title, fault, chain),
    section('split', s.pfAddressSplit, fault, splitDiagram(s, fault.split)),
    section('walk', s.pfWalk, fault, walkTable(s, fault.before, s.pfBefore)),
    section('pte', s.pfPteState, fault, fault.before.levels.length === 4 ? factsTable(fault.before.levels[3]!.pte.fields.map((f) => [f.name, f.value])) : null),
    section('resolve', s.pfResolution, fault, walkTable(s, fault.after, s.pfAfter, fault.before), changes),
    section('pfn', s.pfPfn, fault, listMoveDiagram(fault), pfnFacts),
    section('workingSet', s.pfWorkingSet, fault, ws ? factsTable([
      [s.pfBefore, String(ws.before)], [s.pfAfter, String(ws.after)], ...(ws.wsIndex !== undefined ? [['WSLE', String(ws.wsIndex)] as [string, string]] : [])]) : null),
    section('translation', s.pfTranslation, fault, fault.translation ? el('p', { class: 'translation' }, el('code', {}, fault.translation.va), ' → ', el('code', {}, fault.translation.physical)) : null),
    section('exception', s.pfException, fault, fault.exception ? el('p', { class: 'exception' }, el('code', {}, `${fault.exception.name} (${fault.exception.status})`)) : null, changes),
  ];
  for (const p of parts) if (p) body.appendChild(p);
  body.classList.toggle('after', after);
  body.querySelector('.phase-section.current')?.scrollIntoView({ block: 'nearest' });
}

function render(): void {
  const s = strings;
  const snap = snapshot;
  if (!s || !snap) return;
  const fault = snap.fault;
  stepper?.update(fault ? fault.phases.length : 0, phase, cursor, snap.speedMs);
  persist();
  if (!fault) {
    clear(phasesHost); clear(body);
    body.appendChild(el('p', {}, snap.running ? s.pfNoFault : s.noSimulation));
  } else renderFault(s, fault);
  app.setAttribute('aria-busy', 'false');
}

function fillControls(s: UiStrings, m: PfSnapshotMessage): void {
  clear(filterSelect);
  filterSelect.appendChild(el('option', { value: 'all', selected: m.filter === 'all' }, s.pfAllKinds));
  for (const k of m.kinds) filterSelect.appendChild(el('option', { value: k.kind, selected: m.filter === k.kind }, `${k.label} (${k.count})`));
  const causeValue = causeSelect.value;
  clear(causeSelect);
  for (const k of m.causable) causeSelect.appendChild(el('option', { value: k.kind, selected: k.kind === (causeValue || (m.filter !== 'all' ? m.filter : 'demandZero')) }, k.label));
  const pid = processSelect.value;
  clear(processSelect);
  for (const p of m.processes) processSelect.appendChild(el('option', { value: p.pid, selected: String(p.pid) === pid || (!pid && p.pid === m.fault?.pid) }, `${p.image} (${p.pid})`));
  followBox.checked = m.follow;
}

function onMessage(m: HostToWebviewMessage): void {
  switch (m.type) {
    case 'pfSnapshot': {
      const first = !strings;
      strings = m.strings;
      if (first) renderShell(m.strings);
      snapshot = m;
      phase = m.phase;
      cursor = m.cursor;
      fillControls(m.strings, m);
      clear(noticeHost);
      if (m.notice) noticeHost.appendChild(el('p', {}, m.notice));
      if (m.query) { renderQuery(m.strings, m.query); addressInput.value = m.query.split.va; } else if (m.fault) clear(queryHost);
      void loadFaults();
      render();
      return;
    }
    case 'position':
      // Only the badge: a late echo of an earlier goto must not pull the phase back.
      cursor = m.cursor;
      stepper?.update(snapshot?.fault?.phases.length ?? 0, phase, cursor);
      return;
    case 'notice':
      showNotice(noticeHost, m.severity, m.message);
      return;
    case 'pfFaults': case 'pfWalk': case 'pcSnapshot': case 'pcSteps': case 'pcFlows':
      return; // replies are routed to their requests; process-creation messages are not for this panel
    default: {
      const never: never = m;
      void never;
    }
  }
}

start(onMessage);
