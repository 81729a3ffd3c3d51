// Kernel-debugger lines in notes (issue 16, "From notes"): `kd>` lines in ntlab blocks run through
// the debugger's own command core and keep its context from line to line; a debugger command
// written anywhere in notes (a `kd>` line, inline code) is found for the hover that offers to run it.
import { describe, expect, it } from 'vitest';
import { createSystem, type System } from '../../src/engine';
import { isKdCommand, kdCommandAt, kdLine, kdPromptEnd } from '../../src/extension/notes/kdlines';
import { parseBlock } from '../../src/extension/notes/language';
import { recognize } from '../../src/extension/notes/recognize';
import { RunState, runStatements, type RunHost } from '../../src/extension/notes/run';

function host(): RunHost {
  let system: System | undefined;
  return { system: () => system, boot(options) { system = createSystem({ physicalMemoryMB: 64, pageFileMB: 64, ...options }); return system; } };
}

const block = (lines: string[]) => lines.map((text, line) => ({ line, text }));

describe('debugger lines in notes: finding them', () => {
  it('reads the prompts WinDbg and KD print, and nothing else', () => {
    expect(kdLine('kd> !process 0 0 notepad.exe')).toBe('!process 0 0 notepad.exe');
    expect(kdLine('0: kd> dt nt!_EPROCESS')).toBe('dt nt!_EPROCESS');
    expect(kdLine('lkd> !pte 0x7ff6e0000000')).toBe('!pte 0x7ff6e0000000');
    expect(kdLine('  - kd> !vm')).toBe('!vm');
    expect(kdLine('kd>')).toBeUndefined();
    expect(kdPromptEnd('kd is the kernel debugger')).toBe(-1);
    expect(kdPromptEnd('12 kd> x')).toBe(-1);
    expect(kdPromptEnd('alloc 64K')).toBe(-1);
  });

  it('knows a command by the debugger\'s own command list', () => {
    for (const c of ['!process 0 0', 'dt nt!_EPROCESS', '!pte 7ff6e000', 'db 0x1000 L10', '.process /p /r ffff8104e0019a10', '!PFN 12', 'k']) expect(isKdCommand(c), c).toBe(true);
    for (const c of ['EPROCESS', 'process notepad.exe', 'VirtualAlloc', '!nosuch', '', 'x'.repeat(2000)]) expect(isKdCommand(c), c).toBe(false);
  });

  it('finds the command under the pointer: a kd> line, an inline code span, not plain code', () => {
    const line = 'List them with `!process 0 0`, then `.process /p /r <addr>`; `EPROCESS` is a structure.';
    const at = (text: string) => line.indexOf(text) + 2;
    expect(kdCommandAt(line, at('!process 0 0'))).toEqual({ command: '!process 0 0', start: line.indexOf('`!process'), end: line.indexOf('`!process') + '`!process 0 0`'.length });
    expect(kdCommandAt(line, at('.process /p'))?.command).toBe('.process /p /r <addr>');
    expect(kdCommandAt(line, at('EPROCESS`'))).toBeUndefined();
    expect(kdCommandAt(line, at('List'))).toBeUndefined();
    expect(kdCommandAt('0: kd> !vad', 3)).toEqual({ command: '!vad', start: 0, end: 11 });
    expect(kdCommandAt('Also ``kd> !peb`` works', 9)?.command).toBe('!peb');
    expect(kdCommandAt('an `unclosed !process span', 6)).toBeUndefined();
  });
});

describe('debugger lines in ntlab blocks', () => {
  it('parse as debugger lines, with the debugger\'s syntax left alone (# and ! included)', () => {
    const { statements, errors } = parseBlock(block(['boot', 'kd> !process 0 0 notepad.exe', '0: kd> ? 1 + 2 # not a comment to the debugger', 'kd>']));
    expect(errors).toEqual([]);
    expect(statements.map((s) => s.command)).toEqual([
      { op: 'boot', fresh: false },
      { op: 'kd', line: '!process 0 0 notepad.exe' },
      { op: 'kd', line: '? 1 + 2 # not a comment to the debugger' },
    ]);
  });

  it('run against the session: the output is the debugger\'s, its errors are its own words, and its context persists', () => {
    const { statements } = parseBlock(block([
      'boot',
      '$p = process notepad.exe',
      'kd> !process 0 0 notepad.exe',
      'kd> !nosuch',
      'kd> dt nt!_FOO',
      'kd> ? $p',
      'kd> .process /p /r @$proc',
    ]));
    const state = new RunState();
    const outcomes = runStatements(statements, host(), state);
    expect(outcomes.every((o) => o.error === undefined)).toBe(true);
    const kd = outcomes.slice(2).map((o) => (o.result?.kind === 'kd' ? o.result.lines : []));
    const pid = Number(state.vars.get('p'));
    expect(kd[0]![0]).toBe('**** NT ACTIVE PROCESS DUMP ****');
    expect(kd[0]!.join('\n')).toContain(`Cid: ${pid.toString(16).padStart(4, '0')}`);
    expect(kd[0]!.join('\n')).toContain('Image: notepad.exe');
    expect(kd[1]).toEqual(['No export nosuch found']);
    expect(kd[2]).toEqual(['Symbol nt!_FOO not found.']);
    // A block variable stands in the debugger line; WinDbg's pseudo-registers stay the debugger's.
    expect(outcomes[5]!.result).toMatchObject({ kind: 'kd', command: `? 0x${pid.toString(16)}` });
    expect(kd[3]![0]).toContain(`= ${'0'.repeat(8)}\`${pid.toString(16).padStart(8, '0')}`);
    expect(outcomes[6]!.result).toMatchObject({ kind: 'kd', command: '.process /p /r @$proc' });
  });

  it('follow the debugger context across lines: .process then !peb reads that process\'s PEB', () => {
    const h = host();
    const state = new RunState();
    runStatements(parseBlock(block(['boot', '$p = process notepad.exe'])).statements, h, state);
    const eprocess = h.system()!.queryProcess(Number(state.vars.get('p')))!.eprocess;
    const outcomes = runStatements(parseBlock(block([`kd> .process /p /r ${eprocess.toString(16)}`, 'kd> !peb'])).statements, h, state);
    const peb = outcomes[1]!.result?.kind === 'kd' ? outcomes[1]!.result.lines.join('\n') : '';
    expect(peb).toContain(`PEB at ${h.system()!.queryProcess(Number(state.vars.get('p')))!.peb.toString(16).padStart(16, '0')}`);
    expect(peb).toContain('notepad.exe');
  });

  it('act in the block\'s current process until a .process line chooses another', () => {
    const h = host();
    const state = new RunState();
    const outcomes = runStatements(parseBlock(block(['boot', '$p = process notepad.exe', 'kd> !peb', 'kd> .process /p /r 0', '$q = process calc.exe', 'kd> !peb'])).statements, h, state);
    const text = (i: number) => (outcomes[i]!.result?.kind === 'kd' ? outcomes[i]!.result.lines.join('\n') : '');
    const peb = (v: string) => h.system()!.queryProcess(Number(state.vars.get(v)))!.peb.toString(16).padStart(16, '0');
    expect(text(2)).toContain(`PEB at ${peb('p')}`);
    // After an explicit .process (even a failed one), the debugger keeps its own context.
    expect(text(5)).not.toContain(`PEB at ${peb('q')}`);
    expect(text(5)).toContain(`PEB at ${peb('p')}`);
  });

  it('without a session say so, as every other block line does', () => {
    const outcomes = runStatements(parseBlock(block(['kd> !process 0 0'])).statements, host(), new RunState());
    expect(outcomes[0]!.error?.code).toBe('noSystem');
  });

  it('are not terms: recognition leaves ntlab blocks to the block hover', () => {
    const r = recognize('# x\n```ntlab\nkd> !process 0 0 EPROCESS\n```\n');
    expect(r.blocks[0]!.lines.map((l) => l.text)).toEqual(['kd> !process 0 0 EPROCESS']);
    expect(r.termsOnLine(2)).toEqual([]);
  });
});
