// The console's pure parts: the line editor driven key by key, Tab completion and output links.
import { describe, expect, it } from 'vitest';
import { createSystem } from '../../src/engine';
import { commonPrefix, complete } from '../../src/extension/kd/complete';
import { LineEditor } from '../../src/extension/kd/editor';
import { findLinks } from '../../src/extension/kd/links';
import { runKd, type KdView } from '../../src/extension/kd/kd';

const LEFT = '\x1b[D', RIGHT = '\x1b[C', UP = '\x1b[A', DOWN = '\x1b[B', HOME = '\x1b[H', END = '\x1b[F', DEL = '\x1b[3~', BS = '\x7f';

describe('kd line editor', () => {
  it('inserts at the cursor, moves with arrows, home/end, backspace and delete', () => {
    const e = new LineEditor([]);
    e.input('!pe');
    e.input(LEFT + LEFT + 'x');
    expect([e.text, e.cursor]).toEqual(['!xpe', 2]);
    e.input(BS);
    expect(e.text).toBe('!pe');
    e.input(HOME + DEL + END + 'b');
    expect([e.text, e.cursor]).toEqual(['peb', 3]);
    e.input(HOME + '!' + RIGHT + RIGHT + RIGHT + RIGHT);
    expect([e.text, e.cursor]).toEqual(['!peb', 4]);
  });

  it('Enter submits; up/down walk the history and come back to the draft', () => {
    const history: string[] = [];
    const e = new LineEditor(history);
    expect(e.input('lm\r')).toEqual([{ type: 'submit', line: 'lm' }]);
    expect(e.input('k\r\n')).toEqual([{ type: 'submit', line: 'k' }]);
    expect(history).toEqual(['lm', 'k']);
    e.input('dr');
    e.input(UP);
    expect(e.text).toBe('k');
    e.input(UP + UP);
    expect(e.text).toBe('lm');
    e.input(DOWN + DOWN);
    expect(e.text).toBe('dr');
  });

  it('Tab asks for completion, Ctrl+C interrupts, Ctrl+L clears; render puts the cursor back', () => {
    const e = new LineEditor([]);
    expect(e.input('!pr\t')).toEqual([{ type: 'complete' }]);
    expect(e.input('\x03')).toEqual([{ type: 'interrupt' }]);
    expect(e.input('\x0c')).toEqual([{ type: 'clear' }]);
    e.input(LEFT);
    expect(e.render('0: kd> ')).toBe('\r\x1b[K0: kd> !pr\x1b[1D');
  });

  it('a pasted block runs line by line; the history stays bounded', () => {
    const history: string[] = [];
    const e = new LineEditor(history, 3);
    expect(e.input('a\rb\rc\rd\r').map((a) => a.type === 'submit' && a.line)).toEqual(['a', 'b', 'c', 'd']);
    expect(history).toEqual(['b', 'c', 'd']);
  });
});

describe('kd completion', () => {
  const sys = createSystem({ seed: 1 });
  const view: KdView = { system: sys, live: sys, cursor: undefined };
  it('completes commands, dt types and fields, process names and pseudo-registers', () => {
    expect(complete(view, {}, '!pr', 3).candidates).toEqual(['!process']);
    expect(complete(view, {}, 'dt nt!_EPR', 10)).toEqual({ from: 3, candidates: ['nt!_EPROCESS'] });
    expect(complete(view, {}, 'dt nt!_EPROCESS @$proc Image', 28).candidates).toEqual(['ImageFileName']);
    expect(complete(view, {}, '!process 0 0 expl', 17).candidates).toEqual(['explorer.exe']);
    expect(complete(view, {}, 'db @$p', 6).candidates).toEqual(['@$pagesize', '@$peb', '@$proc', '@$ptrsize']);
    expect(commonPrefix(['@$pagesize', '@$peb', '@$proc'])).toBe('@$p');
  });
});

describe('kd output links', () => {
  it('!process 0 0 output links EPROCESS addresses, PEBs and Cids to their processes', () => {
    const sys = createSystem({ seed: 1 });
    const view: KdView = { system: sys, live: sys, cursor: undefined };
    const explorer = sys.processIds.find((p) => sys.queryProcess(p)!.imageFileName === 'explorer.exe')!;
    const lines = runKd(view, {}, `!process 0n${explorer} 0`).lines;
    const head = findLinks(sys, explorer, lines[0]!);
    expect(head.map((l) => l.target)).toEqual([{ kind: 'process', pid: explorer }]);
    const second = findLinks(sys, explorer, lines[1]!);
    expect(second.map((l) => l.target)).toContainEqual({ kind: 'process', pid: explorer });
    const pte = runKd(view, { pid: explorer }, `!pte @$peb`).lines;
    expect(findLinks(sys, explorer, pte[3]!).every((l) => l.target.kind === 'pfn')).toBe(true);
    expect(findLinks(sys, explorer, 'dt nt!_EPROCESS')).toEqual([{ start: 3, length: 12, text: 'nt!_EPROCESS', target: { kind: 'type', name: 'nt!_EPROCESS' } }]);
  });
});
