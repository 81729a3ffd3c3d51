// Random and hostile debugger lines: nothing escapes. Every line produces text (WinDbg's output or
// one of its error lines), no command throws past the console, and no engine exception surfaces as
// an unforeseen internal error.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSystem, MEM_COMMIT, MEM_RESERVE, PAGE_READWRITE } from '../../src/engine';
import { COMMANDS, runKd, type KdState, type KdView } from '../../src/extension/kd/kd';

const sys = createSystem({ seed: 1 });
const { pid } = sys.createProcess({ imagePath: 'notepad.exe' });
const base = sys.win32(pid).VirtualAlloc(0n, 0x2000n, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
const names = COMMANDS.map((c) => c.name).filter((n) => !['eb', 'ed', 'eq'].includes(n));

const interesting = fc.constantFrom(
  '0', '-1', '4', '0n124', 'ffffffffffffffff', 'ffff8104`e0017e40', `${base.toString(16)}`, '@$proc', '@$peb', '@$teb', '@$thread',
  '@$nothing', 'poi(@$peb)', 'poi(0)', '(((1)))', '((', ')', '1/0', '1%0', '0x', '0n', '0y2', '``', '!', ';', 'L', 'L0', 'L?', 'L100000',
  'nt!_EPROCESS', '_PEB', 'ntdll', 'notepad.exe', '-r9', '-v', '*', 'Pcb', 'ImageFileName', '/p', '50%', '101', '1:0', 'zz:zz', '\u0000', '\u001b[2J',
  '%s%n', '"quoted"', 'x'.repeat(600), '9'.repeat(40), '7fffffffffff', '800000000000',
);
const arg = fc.oneof(interesting, fc.string({ maxLength: 12 }), fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }).map((v) => v.toString(16)));

describe('kd fuzz', () => {
  it('commands with random and hostile arguments answer in text and never escape', () => {
    const view: KdView = { system: sys, live: sys, cursor: undefined };
    fc.assert(fc.property(fc.constantFrom(...names), fc.array(arg, { maxLength: 4 }), (name, args) => {
      const state: KdState = {};
      const internal: unknown[] = [];
      const line = [name, ...args].join(' ');
      const r = runKd(view, state, line, () => false, (e) => internal.push(e));
      expect(internal, `${line}: ${String(internal[0])}`).toEqual([]);
      // Echoed input never reaches the terminal as an escape sequence (printable(): \xNN).
      // eslint-disable-next-line no-control-regex
      for (const l of r.lines) expect(l, line).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
    }), { numRuns: 400, seed: 16 });
  });

  it('random text lines never throw', () => {
    const view: KdView = { system: sys, live: sys, cursor: undefined };
    fc.assert(fc.property(fc.string({ maxLength: 80 }), (line) => {
      const internal: unknown[] = [];
      const r = runKd(view, {}, line, () => false, (e) => internal.push(e));
      expect(internal, `${JSON.stringify(line)}: ${String(internal[0])}`).toEqual([]);
      // eslint-disable-next-line no-control-regex
      for (const l of r.lines) expect(l, JSON.stringify(line)).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
    }), { numRuns: 400, seed: 17 });
  });

  it('writes with hostile addresses fail as the debugger says, not with an exception', () => {
    const live = createSystem({ seed: 2 });
    const view: KdView = { system: live, live, cursor: undefined };
    fc.assert(fc.property(fc.constantFrom('eb', 'ed', 'eq'), fc.array(arg, { minLength: 0, maxLength: 3 }), (name, args) => {
      const internal: unknown[] = [];
      runKd(view, {}, [name, ...args].join(' '), () => false, (e) => internal.push(e));
      expect(internal, `${name} ${args.join(' ')}: ${String(internal[0])}`).toEqual([]);
    }), { numRuns: 200, seed: 18 });
  });
});
