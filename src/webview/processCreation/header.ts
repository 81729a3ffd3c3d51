// The panel's header: the picker of recorded CreateProcess flows and the "run a new one" box.
import type { CreationFlowSummary, UiStrings } from '../../shared/protocol';
import { button, clear, el } from '../common/dom';
import type { HostPort } from '../common/host';

export class CreationHeader {
  readonly element: HTMLElement;
  private readonly flowSelect = el('select', { class: 'flow-select' });

  constructor(s: UiStrings, port: HostPort) {
    this.flowSelect.setAttribute('aria-label', s.pcFlow);
    this.flowSelect.onchange = () => port.post({ type: 'selectCreation', flowStart: Number(this.flowSelect.value) });
    const image = el('input', { type: 'text', value: 'C:\\Windows\\System32\\notepad.exe', 'aria-label': s.pcImagePath, class: 'image-path', spellcheck: 'false' });
    const run = button(s.pcRun, s.pcNewProcess, () => port.post({ type: 'runCreateProcess', imagePath: image.value }), { 'data-action': 'run' });
    image.addEventListener('keydown', (e) => { if (e.key === 'Enter') run.click(); });
    this.element = el('header', {},
      el('h1', {}, s.pcTitle),
      el('div', { class: 'row' }, el('label', {}, s.pcFlow, ' ', this.flowSelect), el('span', { class: 'spacer' }), el('label', {}, s.pcImagePath, ' ', image), run));
  }

  /** Lists the recorded flows, the one shown selected. */
  showFlows(flows: readonly CreationFlowSummary[], current: number | undefined): void {
    clear(this.flowSelect);
    for (const f of flows) this.flowSelect.appendChild(el('option', { value: f.start, selected: f.start === current }, f.label));
  }
}
