// One recorded fault in phases: the phase strip (clickable chevrons) and a section per phase
// reached so far. Phases before the resolution show the state before the fault, the rest after it.
import type { FaultPhaseId, FaultView, UiStrings } from '../../shared/protocol';
import { changeList } from '../common/changes';
import { activatable, clear, el, svg } from '../common/dom';
import type { HostPort } from '../common/host';
import { factsTable, listMoveDiagram, splitDiagram, walkTable } from './diagrams';

const CHEVRON_WIDTH = 118;

function phaseStrip(s: UiStrings, fault: FaultView, phase: number, go: (phase: number) => void): Element {
  const w = CHEVRON_WIDTH;
  const root = svg('svg', { viewBox: `0 0 ${fault.phases.length * w} 44`, width: '100%', role: 'group', 'aria-labelledby': 'phase-title phase-desc', class: 'phase-svg' },
    svg('title', { id: 'phase-title' }, s.pfPhase),
    svg('desc', { id: 'phase-desc' }, fault.phases.map((p, i) => `${i + 1}. ${p.title}${i === phase ? ' ←' : ''}`).join('; ')));
  fault.phases.forEach((p, i) => {
    const cls = `chevron ${i < phase ? 'done' : i === phase ? 'current' : 'todo'} ${p.cursor === fault.seq ? 'after' : 'before'}`;
    const g = svg('g', { class: cls, transform: `translate(${i * w},2)` },
      svg('title', {}, p.title),
      svg('path', { d: `M0 0 H${w - 14} L${w - 2} 20 L${w - 14} 40 H0 L12 20 z` }),
      svg('text', { x: w / 2, y: 25, 'text-anchor': 'middle' }, `${i + 1}. ${p.title}`));
    activatable(g, p.title, () => go(i));
    root.appendChild(g);
  });
  return root;
}

/** The section of phase `id`, or null when the fault has no such phase or it is not reached yet. */
function section(id: FaultPhaseId, title: string, fault: FaultView, phase: number, ...children: Array<Node | null>): HTMLElement | null {
  const i = fault.phases.findIndex((p) => p.id === id);
  if (i < 0 || i > phase) return null;
  const sec = el('section', { class: `phase-section${i === phase ? ' current' : ''}`, 'data-phase': id }, el('h2', {}, `${i + 1}. ${title}`));
  sec.appendChild(el('p', { class: 'explanation' }, fault.phases[i]!.text));
  for (const c of children) if (c) sec.appendChild(c);
  return sec;
}

export function renderFault(phasesHost: Element, body: Element, s: UiStrings, port: HostPort, fault: FaultView, phase: number, go: (phase: number) => void): void {
  clear(phasesHost);
  phasesHost.appendChild(phaseStrip(s, fault, phase, go));
  clear(body);
  const afterIndex = fault.phases.findIndex((p) => p.cursor === fault.seq);
  const after = afterIndex >= 0 && phase >= afterIndex;
  const chain = el('ol', { class: 'call-chain' });
  fault.callChain.forEach((r, i) => chain.appendChild(el('li', { class: i === fault.callChain.length - 1 ? 'callee' : '' }, r)));
  const pfnFacts = fault.pfn ? el('div', { class: 'pfn-facts' },
    fault.pfn.before ? el('div', {}, el('h3', {}, s.pfBefore), factsTable(fault.pfn.before.fields.map((f) => [f.name, f.value]))) : null,
    fault.pfn.after ? el('div', {}, el('h3', {}, s.pfAfter), factsTable(fault.pfn.after.fields.map((f) => [f.name, f.value]))) : null) : null;
  const ws = fault.workingSet;
  // One list: a fault that ends in an exception shows it there, one that resolves shows it with the resolution.
  const changes = changeList(port, fault.changes);
  const pte = fault.before.levels.length === 4 ? fault.before.levels[3]!.pte : undefined;
  const parts = [
    el('h2', { class: 'fault-title' }, `#${fault.seq} · ${fault.kindLabel} · ${fault.image} (${fault.pid}) · ${fault.split.va} · ${fault.write ? s.pfWriteAccess : s.pfReadAccess}`),
    section('trap', fault.phases[0]!.title, fault, phase, chain),
    section('split', s.pfAddressSplit, fault, phase, splitDiagram(s, fault.split)),
    section('walk', s.pfWalk, fault, phase, walkTable(s, fault.before, s.pfBefore)),
    section('pte', s.pfPteState, fault, phase, pte ? factsTable(pte.fields.map((f) => [f.name, f.value])) : null),
    section('resolve', s.pfResolution, fault, phase, walkTable(s, fault.after, s.pfAfter, fault.before), changes),
    section('pfn', s.pfPfn, fault, phase, listMoveDiagram(fault), pfnFacts),
    section('workingSet', s.pfWorkingSet, fault, phase, ws ? factsTable([
      [s.pfBefore, String(ws.before)], [s.pfAfter, String(ws.after)], ...(ws.wsIndex !== undefined ? [['WSLE', String(ws.wsIndex)] as const] : [])]) : null),
    section('translation', s.pfTranslation, fault, phase, fault.translation ? el('p', { class: 'translation' }, el('code', {}, fault.translation.va), ' → ', el('code', {}, fault.translation.physical)) : null),
    section('exception', s.pfException, fault, phase, fault.exception ? el('p', { class: 'exception' }, el('code', {}, `${fault.exception.name} (${fault.exception.status})`)) : null, changes),
  ];
  for (const p of parts) if (p) body.appendChild(p);
  body.classList.toggle('after', after);
  body.querySelector('.phase-section.current')?.scrollIntoView({ block: 'nearest' });
}
