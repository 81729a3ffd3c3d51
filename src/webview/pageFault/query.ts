// The walk of an address the learner picked (no fault recorded there): split, walk, prediction.
import type { AddressQueryView, UiStrings } from '../../shared/protocol';
import { clear, el } from '../common/dom';
import { splitDiagram, walkTable } from './diagrams';

export function renderQuery(host: Element, s: UiStrings, q: AddressQueryView): void {
  clear(host);
  host.append(
    el('h2', {}, `${q.image} (${q.pid}) · ${q.split.va}`),
    splitDiagram(s, q.split),
    walkTable(s, q.walk, s.pfState),
    el('p', { class: 'explanation' }, q.prediction));
}

export function renderQueryError(host: Element, message: string): void {
  clear(host);
  host.appendChild(el('p', { class: 'error' }, message));
}
