// The debugger's command core: one line in, WinDbg's output out. Parses the command word, splits
// the arguments, runs the command against a KdTarget and turns every failure into the debugger's
// own error line (never an exception). Pure: the terminal (terminal.ts) and notes call it.
import type { System } from '../../engine';
import { KdError } from './expr';
import { pointer } from '../present/format';
import { printable } from './format';
import { cmdDisplay, cmdEnter, cmdPfn, cmdPte, cmdVtop } from './memory';
import { cmdDotProcess, cmdDotThread, cmdHandle, cmdJob, cmdK, cmdLm, cmdObject, cmdPeb, cmdProcess, cmdTeb, cmdThread, cmdToken } from './processes';
import { cmdDt } from './dt';
import { cmdHeap } from './heap';
import { cmdDx } from './dx';
import { KdTarget, type KdState, type KdView } from './target';
import { cmdBack, cmdPositions, cmdTt, type Travel } from './travel';
import { cmdAddress, cmdCa, cmdMemusage, cmdVad, cmdVm, cmdWsle } from './vm';

export type { KdState, KdView } from './target';

/** What one line produced. */
export interface KdResult {
  lines: string[];
  /** A time-travel command moved the position (seq undefined = the present). */
  travel?: Travel;
  /** .cls: clear the screen. */
  clear?: boolean;
}

type Run = (t: KdTarget, args: string[], out: string[], cancelled: () => boolean) => Travel | void;

interface CommandDef { name: string; syntax: string; help: string; run: Run }

const display = (kind: string): Run => (t, a, o) => cmdDisplay(t, kind, a, o);
const enter = (kind: string): Run => (t, a, o) => cmdEnter(t, kind, a, o);

/** Every command, with WinDbg's syntax line and a one-line description for .help. */
export const COMMANDS: readonly CommandDef[] = [
  { name: '!process', syntax: '!process [Process [Flags [ImageName]]]', help: 'process information: 0 0 lists every process; flags 1 adds memory, 2/4 threads', run: (t, a, o, c) => cmdProcess(t, a, o, c) },
  { name: '!thread', syntax: '!thread [Address|Tid]', help: 'thread information', run: cmdThread },
  { name: '!peb', syntax: '!peb [Address]', help: 'the current process\'s PEB (loader list, parameters)', run: cmdPeb },
  { name: '!teb', syntax: '!teb [Address]', help: 'the current thread\'s TEB', run: cmdTeb },
  { name: '.process', syntax: '.process [/p] [/r] [Process]', help: 'show or set the process context', run: cmdDotProcess },
  { name: '.thread', syntax: '.thread [Thread]', help: 'show or set the thread context', run: cmdDotThread },
  { name: '!handle', syntax: '!handle [Handle [Flags [Process]]]', help: 'the handle table of the current process', run: cmdHandle },
  { name: '!object', syntax: '!object Address', help: 'an object\'s type, header, handle count and name', run: cmdObject },
  { name: '!token', syntax: '!token [-n] [Address]', help: 'the current process\'s token', run: cmdToken },
  { name: '!job', syntax: '!job [Address]', help: 'a job object: accounting, limits, processes', run: cmdJob },
  { name: 'lm', syntax: 'lm', help: 'loaded modules of the current process', run: cmdLm },
  { name: 'k', syntax: 'k', help: 'the current step\'s call chain as a stack', run: cmdK },
  { name: 'dt', syntax: 'dt [-r[N]] [-v] [module!]Type [Address] [Field...]', help: 'display a structure type or an object', run: cmdDt },
  { name: 'dx', syntax: 'dx [-r[N]] Expression', help: 'data model: @$curprocess, @$curthread, @$cursession.Processes[pid] (.Name, .Id, .Threads, .Modules, .KernelObject)', run: (t, a, o, c) => cmdDx(t, a, o, c) },
  { name: 'db', syntax: 'db [Address] [L Count]', help: 'display bytes (?? where the page is not valid)', run: display('db') },
  { name: 'dw', syntax: 'dw [Address] [L Count]', help: 'display words', run: display('dw') },
  { name: 'dd', syntax: 'dd [Address] [L Count]', help: 'display double words', run: display('dd') },
  { name: 'dq', syntax: 'dq [Address] [L Count]', help: 'display quad words', run: display('dq') },
  { name: 'da', syntax: 'da [Address] [L Count]', help: 'display an ASCII string', run: display('da') },
  { name: 'du', syntax: 'du [Address] [L Count]', help: 'display a Unicode string', run: display('du') },
  { name: '!db', syntax: '!db PhysicalAddress [L Count]', help: 'display physical memory', run: (t, a, o) => cmdDisplay(t, 'db', a, o, true) },
  { name: 'eb', syntax: 'eb Address Value...', help: 'write bytes (a real store: it may fault, copy on write...); refused while time travelling', run: enter('eb') },
  { name: 'ed', syntax: 'ed Address Value...', help: 'write double words; refused while time travelling', run: enter('ed') },
  { name: 'eq', syntax: 'eq Address Value...', help: 'write quad words; refused while time travelling', run: enter('eq') },
  { name: '!pte', syntax: '!pte VirtualAddress', help: 'the PXE, PPE, PDE and PTE that map an address', run: cmdPte },
  { name: '!vtop', syntax: '!vtop PFN VirtualAddress', help: 'translate a virtual address (PFN 0: current process)', run: cmdVtop },
  { name: '!pfn', syntax: '!pfn PageFrame', help: 'a PFN database entry', run: cmdPfn },
  { name: '!vm', syntax: '!vm [Flags]', help: 'virtual memory statistics and per-process commit', run: (t, a, o, c) => cmdVm(t, a, o, c) },
  { name: '!vad', syntax: '!vad [Address]', help: 'the VADs of the current process', run: cmdVad },
  { name: '!wsle', syntax: '!wsle [Flags]', help: 'the working-set list of the current process (1: entries)', run: (t, a, o, c) => cmdWsle(t, a, o, c) },
  { name: '!memusage', syntax: '!memusage', help: 'page lists and resident pages per control area', run: (t, a, o, c) => cmdMemusage(t, a, o, c) },
  { name: '!address', syntax: '!address [Address | -summary]', help: 'one region; no argument: every region, then the summary; -summary: the summary', run: (t, a, o, c) => cmdAddress(t, a, o, c) },
  { name: '!ca', syntax: '!ca [ControlArea]', help: 'a control area (no argument: all of them)', run: cmdCa },
  { name: '!heap', syntax: '!heap [-s | -a [Heap] | -x Address]', help: 'the heaps of the current process: list, summary, entries, the block holding an address', run: (t, a, o, c) => cmdHeap(t, a, o, c) },
  { name: '!tt', syntax: '!tt Position | !tt 0-100', help: 'time travel to a position (SEQ:0) or a percentage', run: cmdTt },
  { name: '!positions', syntax: '!positions', help: 'the current time-travel position', run: cmdPositions },
  { name: 'g-', syntax: 'g-', help: 'run backward to the previous page fault or creation stage', run: (t, _a, o) => cmdBack(t, 'g-', o) },
  { name: 'p-', syntax: 'p-', help: 'step back one step', run: (t, _a, o) => cmdBack(t, 'p-', o) },
  { name: '?', syntax: '? Expression', help: 'evaluate an expression (no argument: this list)', run: () => undefined },
  { name: '.help', syntax: '.help [Command]', help: 'list the commands, or the syntax of one', run: () => undefined },
  { name: '.cls', syntax: '.cls', help: 'clear the screen', run: () => undefined },
];

const BY_NAME = new Map(COMMANDS.map((c) => [c.name.toLowerCase(), c]));
const MAX_LINE = 1024;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

function helpLines(only?: string): string[] {
  if (only) {
    const c = BY_NAME.get(only.toLowerCase()) ?? BY_NAME.get('!' + only.toLowerCase());
    if (!c) return [printable(`No help for '${only}'`)];
    return [c.syntax, `    ${c.help}`];
  }
  return ['NT Lab kernel debugger commands (WinDbg syntax; numbers are hex, 0n123 is decimal):', ...COMMANDS.map((c) => `  ${c.syntax.padEnd(50)} ${c.help}`)];
}

/** Splits a command line into its command word and arguments (whitespace separated). */
export function splitCommand(line: string): { name: string; args: string[]; rest: string } {
  const text = line.trim();
  // `dt`, `db` etc. may be glued to nothing; `!ext`, `.meta`, `?` are their own words; `g-`/`p-` too.
  const m = /^(\?|[!.]?[A-Za-z_][\w]*-?)(.*)$/s.exec(text);
  if (!m) return { name: text, args: [], rest: '' };
  const rest = m[2]!.trim();
  return { name: m[1]!, args: rest ? rest.split(/\s+/) : [], rest };
}

function runOne(target: KdTarget, line: string, out: string[], cancelled: () => boolean): Partial<KdResult> {
  const { name, args, rest } = splitCommand(line);
  const lower = name.toLowerCase();
  if (lower === '?') {
    if (!rest) { out.push(...helpLines()); return {}; }
    const v = target.eval(rest);
    out.push(`Evaluate expression: ${BigInt.asIntN(64, v)} = ${pointer(v)}`);
    return {};
  }
  if (lower === '.help') { out.push(...helpLines(args[0])); return {}; }
  if (lower === '.cls') return { clear: true };
  const def = BY_NAME.get(lower);
  if (!def) {
    if (lower.startsWith('!')) throw new KdError(`No export ${name.slice(1)} found`);
    throw new KdError(`       ^ Syntax error in '${line.trim()}'`);
  }
  const travel = def.run(target, args, out, cancelled);
  return travel ? { travel } : {};
}

/**
 * Runs one debugger line (commands separated by `;`) against a view and the console's state. Every
 * failure becomes WinDbg's error text in the output; nothing throws.
 */
export function runKd(view: KdView, state: KdState, line: string, cancelled: () => boolean = () => false, onInternalError?: (e: unknown) => void): KdResult {
  const result: KdResult = { lines: [] };
  if (line.length > MAX_LINE) { result.lines.push(printable(`Couldn't resolve error at '${line.slice(0, 40)}...'`)); return result; }
  let current = view;
  let pending: number | undefined | null = null;
  for (const part of line.split(';')) {
    if (!part.trim()) continue;
    if (pending !== null) {
      // A time-travel command earlier on the line: the later commands read the state it moved to
      // (rebuilt only when a command follows, the console moves the session itself).
      // The past state is built only when a later command reads it: a chain of g- / p- / !tt moves
      // along the trace without rebuilding the machine at every stop.
      const seq = pending;
      pending = null;
      current = lazyView(view.live, seq);
    }
    const target = new KdTarget(current, state);
    try {
      const r = runOne(target, part, result.lines, cancelled);
      if (r.clear) { result.clear = true; result.lines.length = 0; }
      if (r.travel) {
        result.travel = r.travel;
        pending = r.travel.seq;
      }
    } catch (e) {
      // An error echoes the input: a control character in it becomes \xNN, never an escape sequence
      // the terminal would obey. (Commands print names through printable() themselves.)
      if (e instanceof KdError) result.lines.push(CONTROL.test(e.message) ? printable(e.message) : e.message);
      else {
        // An engine refusal the command did not foresee: still the debugger's words, and reported for tests.
        onInternalError?.(e);
        result.lines.push(printable(`Memory access error at '${part.trim()}'`));
      }
    }
    if (cancelled()) break;
  }
  return result;
}

/** A view of the state at `seq` (undefined = the present) that calls stateAt on first use only. */
function lazyView(live: System, seq: number | undefined): KdView {
  let system: System | undefined = seq === undefined ? live : undefined;
  return {
    live, cursor: seq,
    get system(): System { return (system ??= live.stateAt(seq!)); },
  };
}

/** For notes: runs `line` against a system (live, or a past state from stateAt) and returns the text. */
export function runKdLine(system: System, state: KdState, line: string): string {
  const included = system.stepsIncluded;
  const cursor = included < system.stepCount ? included - 1 : undefined;
  return runKd({ system, live: system, cursor }, state, line.replace(/^\s*(\d+:\s*)?kd>\s*/, '')).lines.join('\n');
}
