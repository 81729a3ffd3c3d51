// The page-fault panel's header: the kind filter, the list of recorded faults with previous/next,
// follow mode, "cause this fault", and the process + address box that walks any address.
import type { FaultFilter, CausableFaultKind, PfSnapshotMessage, UiStrings } from '../../shared/protocol';
import { button, clear, el } from '../common/dom';
import { persist, type PageFaultState } from './state';

const HEX_ADDRESS = /^0x[0-9a-fA-F]{1,16}$/;

export class FaultControls {
  readonly element: HTMLElement;
  private readonly filterSelect = el('select', { class: 'filter' });
  private readonly faultSelect = el('select', { class: 'fault-select' });
  private readonly followBox = el('input', { type: 'checkbox', class: 'follow' });
  private readonly causeSelect = el('select', { class: 'cause-kind' });
  private readonly processSelect = el('select', { class: 'process' });
  private readonly addressInput = el('input', { type: 'text', class: 'address', spellcheck: 'false', placeholder: '0x7ff612340000' });

  /** `walk` is called with a pid and a well-formed address, or with an error sentence. */
  constructor(private readonly state: PageFaultState, s: UiStrings, walk: (target: { pid: number; va: string } | { error: string }) => void) {
    const post = state.port.post.bind(state.port);
    this.filterSelect.setAttribute('aria-label', s.pfKind);
    this.filterSelect.onchange = () => post({ type: 'setFilter', filter: this.filterSelect.value as FaultFilter });
    this.faultSelect.setAttribute('aria-label', s.pfList);
    this.faultSelect.onchange = () => post({ type: 'selectFault', seq: Number(this.faultSelect.value) });
    this.followBox.setAttribute('aria-label', s.pfFollow);
    this.followBox.onchange = () => {
      post({ type: 'setFollow', follow: this.followBox.checked });
      if (state.snapshot) state.snapshot.follow = this.followBox.checked;
      persist(state);
    };
    this.causeSelect.setAttribute('aria-label', s.pfCause);
    this.processSelect.setAttribute('aria-label', s.pfProcess);
    this.addressInput.setAttribute('aria-label', s.pfAddress);
    const walkButton = button(s.pfShowWalk, s.pfShowWalk, () => {
      const va = this.addressInput.value.trim().replace(/`/g, '');
      walk(HEX_ADDRESS.test(va) ? { pid: Number(this.processSelect.value), va } : { error: s.pfInvalidAddress });
    }, { 'data-action': 'walk' });
    this.addressInput.addEventListener('keydown', (e) => { if (e.key === 'Enter') walkButton.click(); });
    this.element = el('header', {},
      el('h1', {}, s.pfTitle),
      el('div', { class: 'row' },
        el('label', {}, s.pfKind, ' ', this.filterSelect),
        el('label', {}, s.pfList, ' ', this.faultSelect),
        button('◀', s.pfPreviousFault, () => post({ type: 'adjacentFault', direction: 'previous' }), { 'data-action': 'previous-fault' }),
        button('▶', s.pfNextFault, () => post({ type: 'adjacentFault', direction: 'next' }), { 'data-action': 'next-fault' }),
        el('label', {}, this.followBox, ' ', s.pfFollow),
        el('span', { class: 'spacer' }),
        this.causeSelect,
        button(s.pfCause, s.pfCause, () => post({ type: 'causeFault', kind: this.causeSelect.value as CausableFaultKind }), { 'data-action': 'cause' })),
      el('div', { class: 'row' },
        el('label', {}, s.pfProcess, ' ', this.processSelect),
        el('label', {}, s.pfAddress, ' ', this.addressInput), walkButton,
        el('span', { class: 'muted' }, s.pfAddressHelp)));
  }

  /** Fills the pickers from a snapshot, keeping the learner's process and cause choices. */
  fill(s: UiStrings, m: PfSnapshotMessage): void {
    clear(this.filterSelect);
    this.filterSelect.appendChild(el('option', { value: 'all', selected: m.filter === 'all' }, s.pfAllKinds));
    for (const k of m.kinds) this.filterSelect.appendChild(el('option', { value: k.kind, selected: m.filter === k.kind }, `${k.label} (${k.count})`));
    const causeValue = this.causeSelect.value;
    clear(this.causeSelect);
    for (const k of m.causable) this.causeSelect.appendChild(el('option', { value: k.kind, selected: k.kind === (causeValue || (m.filter !== 'all' ? m.filter : 'demandZero')) }, k.label));
    const pid = this.processSelect.value;
    clear(this.processSelect);
    for (const p of m.processes) this.processSelect.appendChild(el('option', { value: p.pid, selected: String(p.pid) === pid || (!pid && p.pid === m.fault?.pid) }, `${p.image} (${p.pid})`));
    this.followBox.checked = m.follow;
  }

  /** Shows `va` in the address box (the panel was opened at an address). */
  showAddress(va: string): void {
    this.addressInput.value = va;
  }

  /** Lists the newest recorded faults of the filter; the one shown stays selected even when older. */
  async loadFaults(): Promise<void> {
    const snap = this.state.snapshot;
    if (!snap) return;
    const reply = await this.state.port.request('listFaults', { filter: snap.filter, start: 0, count: 200 });
    clear(this.faultSelect);
    const current = snap.fault?.seq;
    if (current !== undefined && !reply.faults.some((f) => f.seq === current)) this.faultSelect.appendChild(el('option', { value: current, selected: true }, `#${current}`));
    for (const f of reply.faults) this.faultSelect.appendChild(el('option', { value: f.seq, selected: f.seq === current }, f.label));
    this.faultSelect.disabled = reply.faults.length === 0;
  }
}
