// The debugger's output as a stream (issue 16: long listings and Ctrl+C): startKd hands a line's output
// out slice by slice, as the console drains it between event-loop turns. Whatever the slicing, the
// lines are runKd's, in order; cancelling stops the command (the rest is never computed); notes cap
// what one debugger line prints. (How long a slice takes is measured by test/bench/kd.bench.ts, not
// asserted here.)
import { describe, expect, it } from 'vitest';
import { createSystem, MEM_COMMIT, MEM_RESERVE, PAGE_READWRITE, type System } from '../../src/engine';
import { runKd, runKdLine, startKd, type KdState, type KdStream, type KdView } from '../../src/extension/kd/kd';
import { KdPrinter, type PrinterHost } from '../../src/extension/kd/printer';

/** seed 1, booted, plus 40 notepad.exe (enough processes for listings of several hundred lines). */
function lab(): { sys: System; pid: number; view: KdView } {
  const sys = createSystem({ seed: 1 });
  let pid = 0;
  for (let i = 0; i < 40; i++) pid = sys.createProcess({ imagePath: 'C:\\Windows\\System32\\notepad.exe' }).pid;
  const k = sys.win32(pid);
  const base = k.VirtualAlloc(0n, 0x3000n, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
  k.WriteMemory(base, new TextEncoder().encode('stream\0'));
  k.CreateFileMapping(-1, PAGE_READWRITE, 0x10000n, 'KdStream');
  return { sys, pid, view: { system: sys, live: sys, cursor: undefined } };
}

/** Drains a stream one item per slice; returns every chunk since the last .cls (the screen's content). */
function drain(stream: KdStream): string[][] {
  const chunks: string[][] = [];
  for (let guard = 0; !stream.done && guard < 1_000_000; guard++) {
    const c = stream.next(() => true);
    if (c.clear) chunks.length = 0;
    chunks.push(c.lines);
  }
  return chunks;
}

const LINES = [
  '!process 0 0', '!process 0 7', '!process 0 1 notepad.exe', '!vm', '!memusage', '!ca', '!ca 2', '!address', '!wsle 1',
  'dx @$cursession.Processes', 'dx -r2 @$curprocess', '!heap -a', '!process 0 0; lm; !token', 'lm; .cls; k', '!nosuch; !process 0 0 smss.exe',
];

describe('kd output stream', () => {
  it('drained one item at a time, a line prints exactly what runKd prints, in order', () => {
    const l = lab();
    for (const line of LINES) {
      const state: KdState = { pid: l.pid };
      const whole = runKd(l.view, { pid: l.pid }, line).lines;
      const stream = startKd(l.view, state, line);
      const chunks = drain(stream);
      expect(chunks.flat(), line).toEqual(whole);
      if (!line.includes('.cls')) expect(stream.printed).toBe(whole.length);
    }
  });

  it('a long listing comes in many slices, one process block at a time', () => {
    const l = lab();
    const chunks = drain(startKd(l.view, { pid: l.pid }, '!process 0 7'));
    const blocks = chunks.filter((c) => c.some((x) => x.startsWith('PROCESS ')));
    // Every process on PsActiveProcessHead (not Idle, not one being created) on its own slice: the first
    // screenful is one process's block, not the whole dump.
    expect(blocks.length).toBe(l.sys.processIds.filter((p) => p !== 0 && !l.sys.queryProcess(p)!.creating).length);
    for (const c of blocks) expect(c.filter((x) => x.startsWith('PROCESS ')).length).toBe(1);
  });

  it('cancel (Ctrl+C) stops the command and the rest of the line: nothing more is printed', () => {
    const l = lab();
    const whole = runKd(l.view, { pid: l.pid }, '!process 0 7; lm').lines;
    const stream = startKd(l.view, { pid: l.pid }, '!process 0 7; lm');
    const first = stream.next(() => true).lines;
    const second = stream.next(() => true).lines;
    expect([...first, ...second]).toEqual(whole.slice(0, first.length + second.length));
    stream.cancel();
    expect(stream.done).toBe(true);
    expect(stream.next(() => true).lines).toEqual([]);
    expect(stream.printed).toBe(first.length + second.length);
    expect(stream.printed).toBeLessThan(whole.length);
  });

  it('runKd stops at its cancelled() callback between items', () => {
    const l = lab();
    let asked = 0;
    const r = runKd(l.view, { pid: l.pid }, '!process 0 7', () => ++asked > 5);
    const whole = runKd(l.view, { pid: l.pid }, '!process 0 7').lines;
    expect(r.lines.length).toBeGreaterThan(0);
    expect(r.lines.length).toBeLessThan(whole.length);
    expect(r.lines).toEqual(whole.slice(0, r.lines.length));
  });

  it('a time-travel command on a streamed line reports where it moved', () => {
    const l = lab();
    const stream = startKd(l.view, { pid: l.pid }, '!tt 0; !positions');
    drain(stream);
    expect(stream.travel).toEqual({ seq: 0 });
    // A line of one short command ends in the slice that prints it (the console moves the session and
    // shows the prompt in that same slice, before anyone reads the output).
    const one = startKd(l.view, { pid: l.pid }, '!tt 0');
    expect(one.next(() => true).lines[0]).toBe('Setting position: 0:0');
    expect(one.done).toBe(true);
    expect(one.travel).toEqual({ seq: 0 });
  });

  it('notes cap a debugger line\'s output and say where the rest is', () => {
    const l = lab();
    const whole = runKd(l.view, {}, '!process 0 7').lines;
    const capped = runKdLine(l.sys, {}, 'kd> !process 0 7', 25).split('\n');
    expect(capped.length).toBe(26);
    expect(capped.slice(0, 25)).toEqual(whole.slice(0, 25));
    expect(capped[25]).toBe('... (25 lines shown; the kernel debugger console prints the rest)');
    // A short output is not marked.
    expect(runKdLine(l.sys, {}, 'lm', 25)).toBe(runKd(l.view, {}, 'lm').lines.join('\n'));
  });
});

describe('kd printer (the console\'s slicing, with a fake clock and scheduler)', () => {
  /** A host whose clock advances `tick` ms per reading and whose scheduler queues turns for the test to run. */
  function host(tick: number): { h: PrinterHost; turns: Array<() => void>; written: string[]; slices: number; finished?: { interrupted: boolean; printed: number } } {
    let clock = 0;
    const r: { h: PrinterHost; turns: Array<() => void>; written: string[]; slices: number; finished?: { interrupted: boolean; printed: number } } = {
      turns: [], written: [], slices: 0,
      h: {
        now: () => (clock += tick),
        schedule: (next) => { r.turns.push(next); },
        write: (chunk) => { r.slices++; r.written.push(...chunk.lines); },
        finished: (interrupted, printed) => { r.finished = { interrupted, printed }; },
      },
    };
    return r;
  }

  it('the first slice runs at once; the rest run one per event-loop turn; together they are runKd\'s output', () => {
    const l = lab();
    const whole = runKd(l.view, { pid: l.pid }, '!process 0 7').lines;
    const r = host(1);
    const printer = new KdPrinter(startKd(l.view, { pid: l.pid }, '!process 0 7'), r.h, 5);
    printer.start();
    expect(r.slices).toBe(1);
    expect(r.written.length).toBeGreaterThan(0);
    expect(r.written.length).toBeLessThan(whole.length);
    expect(r.turns.length).toBe(1);
    while (r.turns.length) r.turns.shift()!();
    expect(r.written).toEqual(whole);
    expect(r.slices).toBeGreaterThan(2);
    expect(r.finished).toEqual({ interrupted: false, printed: whole.length });
    expect(printer.running).toBe(false);
  });

  it('Ctrl+C between slices stops the command: no more output, finished says interrupted and how much was shown', () => {
    const l = lab();
    const r = host(1);
    const printer = new KdPrinter(startKd(l.view, { pid: l.pid }, '!process 0 7; lm'), r.h, 5);
    printer.start();
    r.turns.shift()!();
    const shown = r.written.length;
    printer.interrupt();
    expect(r.finished).toEqual({ interrupted: true, printed: shown });
    while (r.turns.length) r.turns.shift()!();
    expect(r.written.length).toBe(shown);
    expect(r.written.some((x) => x.startsWith('start '))).toBe(false);
    printer.interrupt();
    expect(r.finished).toEqual({ interrupted: true, printed: shown });
  });

  it('a short command finishes in its first slice, without a turn', () => {
    const l = lab();
    const r = host(0);
    new KdPrinter(startKd(l.view, { pid: l.pid }, 'lm'), r.h).start();
    expect(r.turns).toEqual([]);
    expect(r.written).toEqual(runKd(l.view, { pid: l.pid }, 'lm').lines);
    expect(r.finished?.interrupted).toBe(false);
  });
});
