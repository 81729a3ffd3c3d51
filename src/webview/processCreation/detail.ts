// The current step: its stage, routine and code, the call chain, the explanation, what it created or
// changed (links that reveal in the sidebar) and its arguments.
import type { CreationStepView, UiStrings } from '../../shared/protocol';
import { changeList } from '../common/changes';
import { clear, el } from '../common/dom';
import type { HostPort } from '../common/host';

export function renderDetail(host: Element, s: UiStrings, port: HostPort, step: CreationStepView | undefined): void {
  clear(host);
  if (!step) { host.appendChild(el('p', {}, s.loading)); return; }
  const chain = el('ol', { class: 'call-chain', 'aria-label': s.pcCallChain });
  step.callChain.forEach((r, i) => chain.appendChild(el('li', { class: i === step.callChain.length - 1 ? 'callee' : '' }, r)));
  const args = el('dl', { class: 'args' });
  for (const a of step.args) args.append(el('dt', {}, a.name), el('dd', {}, a.value));
  host.append(
    el('h2', { class: 'stage-title' }, step.stageTitle),
    el('p', { class: 'seq' }, `#${step.seq} · `, el('code', {}, step.routine), ` · ${step.code}`),
    el('h3', {}, s.pcCallChain), chain,
    el('p', { class: 'explanation' }, step.explanation),
    el('h3', {}, s.pcChanges), step.changes.length ? changeList(port, step.changes) : el('p', { class: 'muted' }, s.pcNoChanges),
    el('details', {}, el('summary', {}, s.pcArguments), args),
  );
}
