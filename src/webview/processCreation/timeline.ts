// The CreateProcess stages as boxes in a row (SVG with a text alternative); stages the flow recorded
// are clickable, the current one is outlined.
import type { StageMark, UiStrings } from '../../shared/protocol';
import { activatable, clear, svg } from '../common/dom';

const BOX_WIDTH = 92;
const GAP = 6;

export function renderTimeline(host: Element, s: UiStrings, stages: readonly StageMark[], currentStage: string | undefined, go: (index: number) => void): void {
  clear(host);
  const width = stages.length * (BOX_WIDTH + GAP);
  const descText = stages.map((m) => `${m.title}: ${m.count > 0 ? m.count : s.pcStageAbsent}`).join('; ');
  const root = svg('svg', { viewBox: `0 0 ${width} 64`, width: '100%', role: 'group', 'aria-labelledby': 'timeline-title', 'aria-describedby': 'timeline-desc', class: 'timeline-svg' },
    svg('title', { id: 'timeline-title' }, s.pcTimeline),
    svg('desc', { id: 'timeline-desc' }, descText));
  stages.forEach((m, i) => {
    const x = i * (BOX_WIDTH + GAP);
    const present = m.count > 0;
    const cls = ['stage', present ? 'present' : 'absent', m.stage === currentStage ? 'current' : ''].join(' ');
    const g = svg('g', { class: cls, transform: `translate(${x},4)` },
      svg('title', {}, `${m.title}${present ? '' : ` (${s.pcStageAbsent})`}`),
      svg('rect', { width: BOX_WIDTH, height: 40, rx: 4 }),
      svg('text', { x: BOX_WIDTH / 2, y: 25, 'text-anchor': 'middle' }, m.stage),
      svg('text', { x: BOX_WIDTH / 2, y: 56, 'text-anchor': 'middle', class: 'count' }, present ? `×${m.count}` : '–'));
    if (i < stages.length - 1) root.appendChild(svg('path', { d: `M${x + BOX_WIDTH} 24 h${GAP}`, class: 'connector' }));
    if (present) activatable(g, m.title, () => go(m.firstIndex));
    else g.setAttribute('aria-disabled', 'true');
    root.appendChild(g);
  });
  host.appendChild(root);
}
