// Heading lenses open the right part of the simulation (issue 15, "Headings"): the words a heading
// uses -> its topic -> the stepper and the sidebar place its lenses open.
import { describe, expect, it } from 'vitest';
import { GLOSSARY } from '../../src/extension/notes/glossary';
import { recognize } from '../../src/extension/notes/recognize';
import { headingTargets, PROCESS_PARTS, sidebarPlace, type LensTarget } from '../../src/extension/notes/targets';

/** The lens targets of the only heading of a one-line document. */
function lensesOf(heading: string): LensTarget[] {
  const h = recognize(`${heading}\n\nsome text\n`).headings[0];
  expect(h, heading).toBeDefined();
  expect(h!.entryId, `${heading} has a topic`).toBeDefined();
  return headingTargets(h!.entryId!);
}

const part = (p: string): LensTarget => ({ kind: 'processPart', part: p } as LensTarget);
const view = (v: string): LensTarget => ({ kind: 'view', view: v } as LensTarget);

describe('heading lenses: the right part of the simulation', () => {
  it.each([
    ['## Virtual Address Space', part('addressSpace')],
    ['### 虚拟地址空间', part('addressSpace')],
    ['## Threads', part('threads')],
    ['### 线程', part('threads')],
    ['## Open Handles', part('handles')],
    ['## 0x02 句柄表', part('handles')],
    ['## 🔑 Handles & tokens', part('handles')],
    ['## Working set', part('workingSet')],
    ['### 三、工作集', part('workingSet')],
    ['## Security Context', part('token')],
    ['## PEB', part('peb')],
    ['## Jobs', view('jobs')],
    ['## 📦 Jobs', view('jobs')],
    ['### 作业', view('jobs')],
    ['## PFN database', view('physicalMemory')],
    ['## 页帧数据库', view('physicalMemory')],
    ['## Standby list', view('physicalMemory')],
    ['## Section objects', view('sections')],
  ])('%s -> the sidebar place', (heading, place) => {
    expect(lensesOf(heading)).toContainEqual(place);
  });

  it.each([
    ['## Paging', { panel: 'pageFault', kind: 'pageFile' }],
    ['## Page faults', { panel: 'pageFault' }],
    ['## 缺页处理', { panel: 'pageFault' }],
    ['## Process creation', { panel: 'processCreation' }],
    ['## 创建进程', { panel: 'processCreation' }],
    ['**CreateProcess流程：**', { panel: 'processCreation' }],
    ['Stage3A：创建EPROCESS object', { panel: 'processCreation', stage: '3A' }],
    ['### Zero page thread (MiZeroPageThread, prio 0)', { panel: 'systemThread', thread: 'zeroPageThread' }],
  ])('%s -> its stepper first', (heading, step) => {
    expect(lensesOf(heading)[0]).toEqual({ kind: 'step', step });
  });

  it('a bold list item is emphasis, not a heading: no lens (issue 15, heading precision)', () => {
    expect(recognize('- **Zero page thread (MiZeroPageThread, prio 0)**: zeroes pages\n').headings).toEqual([]);
  });

  it('the detail after a bracket does not change the topic: the words before it name it', () => {
    expect(lensesOf('## Process creation (CreateProcessW → NtCreateUserProcess)')[0]).toEqual({ kind: 'step', step: { panel: 'processCreation' } });
  });

  it('every topic with a place in the sidebar gets a lens there, and only known process parts', () => {
    for (const e of GLOSSARY) {
      const targets = headingTargets(e.id);
      // A concept the simulation does not model (nearest set) opens nothing of its own.
      if (e.nearest) { expect(targets, e.id).toEqual([]); continue; }
      expect(targets.length, e.id).toBeGreaterThan(0);
      if (e.sidebar) expect(targets).toContainEqual(sidebarPlace(e.sidebar));
      for (const t of targets) if (t.kind === 'processPart') expect(PROCESS_PARTS).toContain(t.part);
    }
  });
});
