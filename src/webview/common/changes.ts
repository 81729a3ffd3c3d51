// The "created or changed" links of a step or fault: one button per change; clicking it asks the
// host to reveal the object in the sidebar (ntlab.reveal).
import type { ChangeLink } from '../../shared/protocol';
import { button, el } from './dom';
import type { HostPort } from './host';

export function changeList(port: HostPort, changes: readonly ChangeLink[]): HTMLUListElement {
  const list = el('ul', { class: 'changes' });
  for (const c of changes) {
    list.appendChild(el('li', {}, button(c.label, c.label, () => port.post({ type: 'reveal', ref: c.ref }), { class: 'link', 'data-change': c.ref.type })));
  }
  return list;
}
