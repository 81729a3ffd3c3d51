// The list of the flow's steps: loaded ones by stage and routine, the rest by seq; the current one marked.
import type { CreationStepView } from '../../shared/protocol';
import { activatable, clear, el } from '../common/dom';

export function renderStepList(host: Element, count: number, current: number, flowStart: number, stepAt: (i: number) => CreationStepView | undefined, go: (index: number) => void): void {
  clear(host);
  for (let i = 0; i < count; i++) {
    const st = stepAt(i);
    const li = el('li', { class: i === current ? 'current' : '', 'aria-current': i === current ? 'step' : undefined },
      st ? `${st.stage ?? ''} · ${st.routine}` : `#${flowStart + i}`);
    activatable(li, st ? `${st.stageTitle}: ${st.routine}` : String(i + 1), () => go(i));
    host.appendChild(li);
  }
  host.querySelector('.current')?.scrollIntoView({ block: 'nearest' });
}
