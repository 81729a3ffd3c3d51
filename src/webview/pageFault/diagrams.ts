// The page-fault panel's diagrams, each SVG or a table with a text alternative: the 64-bit address
// split into its four 9-bit table indices and the offset (Windows Internals 7e, part 1, ch. 5,
// "Address translation", x64), a page's move between PFN lists, and the four-level walk.
import type { AddressSplit, FaultView, UiStrings, WalkView } from '../../shared/protocol';
import { el, svg } from '../common/dom';

/** The 64-bit address as six fields: sign extension, four 9-bit indices, the 12-bit offset. */
export function splitDiagram(s: UiStrings, split: AddressSplit): Element {
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
export function listMoveDiagram(fault: FaultView): Element | null {
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

/** The four levels of the walk; with `highlight`, entries whose value differs from it are marked changed. */
export function walkTable(s: UiStrings, walk: WalkView, caption: string, highlight?: WalkView): Element {
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

/** Name/value rows. */
export function factsTable(rows: ReadonlyArray<readonly [string, string]>): Element {
  const dl = el('dl', { class: 'args' });
  for (const [k, v] of rows) dl.append(el('dt', {}, k), el('dd', {}, v));
  return dl;
}
