// The debugger's command core: one line in, WinDbg's output out. Parses the command word, splits
// the arguments, runs the command against a KdTarget and turns every failure into the debugger's
// own error line (never an exception). The output is a stream (startKd): a long listing is a
// generator yielding after each item, drained slice by slice by the console (printer.ts) and stopped
// by Ctrl+C; runKd drains it at once, runKdLine (notes) caps it. Pure: the terminal and notes call it.
import { cmdPool, cmdPoolused, cmdSysptes } from './pool';
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

/** What one line produced (the whole output at once: tests, the bench, notes through runKdLine). */
export interface KdResult {
  lines: string[];
  /** A time-travel command moved the position (seq undefined = the present). */
  travel?: Travel;
  /** .cls: clear the screen. */
  clear?: boolean;
}

/**
 * A command's body. A short command pushes its lines into `out` and returns; a long listing is a
 * generator that yields after each item it printed (a process, a control area's view, a VAD...), so the
 * caller can hand the lines printed so far to the terminal, give the event loop a turn, and stop it when
 * the user presses Ctrl+C, as a WinDbg extension polls CheckControlC "in all loops to allow the user to
 * press CTRL+C to end long processes" (Microsoft Learn, "PWINDBG_CHECK_CONTROL_C callback function").
 */
export type Run = (t: KdTarget, args: string[], out: string[], cancelled: () => boolean) => Travel | void | KdSteps;
/** What a long command returns: yields between items, returns the travel a time-travel command made. */
export type KdSteps = Generator<void, Travel | void, void>;

interface CommandDef { name: string; syntax: string; help: string; run: Run }

const display = (kind: string): Run => (t, a, o) => cmdDisplay(t, kind, a, o);
const enter = (kind: string): Run => (t, a, o) => cmdEnter(t, kind, a, o);

/** Every command, with WinDbg's syntax line and a one-line description for .help. */
export const COMMANDS: readonly CommandDef[] = [
  { name: '!process', syntax: '!process [Process [Flags [ImageName]]]', help: 'process information: 0 0 lists every process; flags 1 adds memory, 2/4 threads', run: (t, a, o) => cmdProcess(t, a, o) },
  { name: '!thread', syntax: '!thread [Address|Tid]', help: 'thread information', run: cmdThread },
  { name: '!peb', syntax: '!peb [Address]', help: 'the current process\'s PEB (loader list, parameters)', run: cmdPeb },
  { name: '!teb', syntax: '!teb [Address]', help: 'the current thread\'s TEB', run: cmdTeb },
  { name: '.process', syntax: '.process [/p] [/r] [Process]', help: 'show or set the process context', run: cmdDotProcess },
  { name: '.thread', syntax: '.thread [Thread]', help: 'show or set the thread context', run: cmdDotThread },
  { name: '!handle', syntax: '!handle [Handle [Flags [Process]]]', help: 'the handle table of the current process', run: cmdHandle },
  { name: '!object', syntax: '!object Address', help: 'an object\'s type, header, handle count and name', run: cmdObject },
  { name: '!token', syntax: '!token [-n] [Address]', help: 'the current process\'s token: user, groups, privileges (-n: account names)', run: cmdToken },
  { name: '!job', syntax: '!job [Address]', help: 'a job object: accounting, limits, processes', run: cmdJob },
  { name: 'lm', syntax: 'lm', help: 'loaded modules of the current process', run: cmdLm },
  { name: 'k', syntax: 'k', help: 'the current step\'s call chain as a stack', run: cmdK },
  { name: 'dt', syntax: 'dt [-r[N]] [-v] [module!]Type [Address] [Field...]', help: 'display a structure type, an object, or the memory at any address read as that type', run: cmdDt },
  { name: 'dx', syntax: 'dx [-r[N]] Expression', help: 'data model: @$curprocess, @$curthread, @$cursession.Processes[pid] (.Name, .Id, .Threads, .Modules, .KernelObject)', run: (t, a, o) => cmdDx(t, a, o) },
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
  { name: '!pte', syntax: '!pte VirtualAddress', help: 'the PXE, PPE, PDE and PTE that map an address (user space, pool, system PTEs)', run: cmdPte },
  { name: '!vtop', syntax: '!vtop PFN VirtualAddress', help: 'translate a virtual address (PFN 0: current process)', run: cmdVtop },
  { name: '!pfn', syntax: '!pfn PageFrame', help: 'a PFN database entry', run: cmdPfn },
  { name: '!vm', syntax: '!vm [Flags]', help: 'virtual memory statistics and per-process commit', run: (t, a, o) => cmdVm(t, a, o) },
  { name: '!vad', syntax: '!vad [Address]', help: 'the VADs of the current process', run: cmdVad },
  { name: '!wsle', syntax: '!wsle [Flags]', help: 'the working-set list of the current process (1: entries)', run: (t, a, o) => cmdWsle(t, a, o) },
  { name: '!memusage', syntax: '!memusage', help: 'page lists, then each control area\'s Valid, Standby, Dirty, Shared and Locked KB', run: (t, a, o) => cmdMemusage(t, a, o) },
  { name: '!address', syntax: '!address [Address | -summary]', help: 'one region; no argument: every region, then the summary; -summary: the summary', run: (t, a, o) => cmdAddress(t, a, o) },
  { name: '!ca', syntax: '!ca [ControlArea]', help: 'a control area (no argument: all of them)', run: cmdCa },
  { name: '!poolused', syntax: '!poolused [Flags [TagString]]', help: 'pool use by tag (1: allocs and frees, 2: by nonpaged, 4: by paged)', run: (t, a, o) => cmdPoolused(t, a, o) },
  { name: '!pool', syntax: '!pool Address [Flags]', help: 'the blocks of the pool page holding an address', run: (t, a, o) => cmdPool(t, a, o) },
  { name: '!sysptes', syntax: '!sysptes [Flags]', help: 'system PTE use (1: the free runs)', run: (t, a, o) => cmdSysptes(t, a, o) },
  { name: '!heap', syntax: '!heap [-s | -a [Heap] | -x Address]', help: 'the heaps of the current process: list, summary, entries, the block holding an address', run: (t, a, o) => cmdHeap(t, a, o) },
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

function runOne(target: KdTarget, line: string, out: string[], cancelled: () => boolean): { clear?: boolean; travel?: Travel; steps?: KdSteps } {
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
  const r = def.run(target, args, out, cancelled);
  if (r && typeof r === 'object' && 'next' in r) return { steps: r };
  return r ? { travel: r } : {};
}

/** One slice of a running line's output. */
export interface KdChunk {
  /** The lines printed since the previous slice. */
  lines: string[];
  /** A .cls ran in this slice: clear the screen before writing `lines`. */
  clear?: boolean;
}

/**
 * A debugger line being run: `next` runs it on until the caller's `shouldYield` says the slice is long
 * enough (asked after every item a long command prints) and returns what was printed meanwhile; `cancel`
 * stops it (Ctrl+C). The console drains it one slice per event-loop turn; runKd drains it at once.
 */
export interface KdStream {
  next(shouldYield: () => boolean): KdChunk;
  /** No more output: the line finished or was cancelled. */
  readonly done: boolean;
  /** Stops the line; the commands after the current item do not run. */
  cancel(): void;
  /** Where the line's time-travel commands moved the position (set once such a command ran). */
  readonly travel: Travel | undefined;
  /** How many lines the stream has handed out so far. */
  readonly printed: number;
}

/** At most this many lines in one slice, however fast they come (one terminal write each). */
const SLICE_LINES = 4000;

/**
 * Starts one debugger line (commands separated by `;`) against a view and the console's state. Every
 * failure becomes WinDbg's error text in the output; nothing throws, in `next` either.
 */
export function startKd(view: KdView, state: KdState, line: string, onInternalError?: (e: unknown) => void): KdStream {
  const buffer: string[] = [];
  let clear = false;
  let cancelled = false;
  let done = false;
  let travel: Travel | undefined;
  let printed = 0;
  const isCancelled = (): boolean => cancelled;
  const report = (part: string, e: unknown): void => {
    // An error echoes the input: a control character in it becomes \xNN, never an escape sequence
    // the terminal would obey. (Commands print names through printable() themselves.)
    if (e instanceof KdError) buffer.push(CONTROL.test(e.message) ? printable(e.message) : e.message);
    else {
      // An engine refusal the command did not foresee: still the debugger's words, and reported for tests.
      onInternalError?.(e);
      buffer.push(printable(`Memory access error at '${part.trim()}'`));
    }
  };
  function* body(): Generator<void, void, void> {
    if (line.length > MAX_LINE) { buffer.push(printable(`Couldn't resolve error at '${line.slice(0, 40)}...'`)); return; }
    let current = view;
    let pending: number | undefined | null = null;
    const parts = line.split(';').filter((x) => x.trim());
    for (const [index, part] of parts.entries()) {
      if (pending !== null) {
        // A time-travel command earlier on the line: the later commands read the state it moved to.
        // The past state is built only when a later command reads it: a chain of g- / p- / !tt moves
        // along the trace without rebuilding the machine at every stop.
        const seq = pending;
        pending = null;
        current = lazyView(view.live, seq);
      }
      const target = new KdTarget(current, state);
      let moved: Travel | void = undefined;
      try {
        const r = runOne(target, part, buffer, isCancelled);
        if (r.clear) { clear = true; buffer.length = 0; }
        moved = r.travel;
        if (r.steps) {
          // A long command: one item per resumption; a failure halfway keeps what it printed.
          for (;;) {
            const step = r.steps.next();
            if (step.done) { moved = step.value; break; }
            yield;
            if (cancelled) { r.steps.return(undefined); return; }
          }
        }
      } catch (e) {
        report(part, e);
      }
      if (moved) { travel = moved; pending = moved.seq; }
      // Between commands a turn for the console; after the last one none, so the slice that prints the
      // line's last output also ends it (the console moves the session and shows the prompt at once).
      if (index === parts.length - 1) return;
      yield;
      if (cancelled) return;
    }
  }
  const steps = body();
  return {
    next(shouldYield: () => boolean): KdChunk {
      while (!done && !cancelled) {
        if (steps.next().done) { done = true; break; }
        if (buffer.length >= SLICE_LINES || shouldYield()) break;
      }
      if (cancelled) done = true;
      // The running command keeps pushing into `buffer` (its `out`): hand out a copy and empty it in place.
      const chunk: KdChunk = { lines: buffer.splice(0) };
      if (clear) chunk.clear = true;
      printed += chunk.lines.length;
      clear = false;
      return chunk;
    },
    get done(): boolean { return done; },
    cancel(): void {
      if (done) return;
      cancelled = true;
      done = true;
      buffer.length = 0;
      try { steps.return(); } catch { /* called while a slice runs: the flag stops it at its next item */ }
    },
    get travel(): Travel | undefined { return travel; },
    get printed(): number { return printed; },
  };
}

/**
 * Runs one debugger line to its end (or until `cancelled()`) and returns all of its output at once.
 * Every failure becomes WinDbg's error text in the output; nothing throws.
 */
export function runKd(view: KdView, state: KdState, line: string, cancelled: () => boolean = () => false, onInternalError?: (e: unknown) => void): KdResult {
  const stream = startKd(view, state, line, onInternalError);
  const result: KdResult = { lines: [] };
  while (!stream.done) {
    if (cancelled()) { stream.cancel(); break; }
    const chunk = stream.next(cancelled);
    if (chunk.clear) { result.clear = true; result.lines.length = 0; }
    for (const l of chunk.lines) result.lines.push(l);
  }
  if (stream.travel) result.travel = stream.travel;
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

/** How many lines a debugger line written in notes shows at most (the console has the rest). */
export const NOTES_MAX_LINES = 500;

/**
 * For notes: runs `line` against a system (live, or a past state from stateAt) and returns the text.
 * The output is capped at `maxLines`: a long listing stops after that many lines (its later items are
 * never computed), and a last line says where the rest is, so a `kd> !process 0 7` in a notes block
 * costs what its first screens cost, not the whole dump.
 */
export function runKdLine(system: System, state: KdState, line: string, maxLines = NOTES_MAX_LINES): string {
  const included = system.stepsIncluded;
  const cursor = included < system.stepCount ? included - 1 : undefined;
  const stream = startKd({ system, live: system, cursor }, state, line.replace(/^\s*(\d+:\s*)?kd>\s*/, ''));
  const lines: string[] = [];
  let more = false;
  while (!stream.done) {
    // One item per slice: the cap is checked after every process, view or entry a listing prints.
    const chunk = stream.next(() => true);
    if (chunk.clear) lines.length = 0;
    for (const l of chunk.lines) lines.push(l);
    if (lines.length > maxLines) { stream.cancel(); more = true; }
  }
  if (more) {
    lines.length = maxLines;
    lines.push(`... (${maxLines} lines shown; the kernel debugger console prints the rest)`);
  }
  return lines.join('\n');
}
