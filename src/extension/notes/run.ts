// Runs parsed ntlab statements against a real engine System. Pure: no vscode. Results and errors
// are data (codes, numbers, names); the host localizes and shows them. Nothing here throws for a
// learner's mistake: a failed Win32 call, an exception, an unknown variable all become RunError.
import { hex, hexBytes, PAGE_SIZE_N } from '../present/format';
import { ntStatusName, win32ErrorName } from '../present/names';
import * as E from '../../engine';
// The constants alone, for name tables: reading them does not load the engine (see esbuild.js, lazyEngine).
import * as Win32Constants from '../../engine/constants';
import type { System, SystemMemoryListInformation } from '../../engine';
import { runKdLine, type KdState } from '../kd/kd';
import type { Command, Statement, Value } from './language';

/** Where blocks get their system: the session's, or a fresh one (boot / reset). */
export interface RunHost {
  system(): System | undefined;
  boot(options: { physicalMemoryMB?: number; pageFileMB?: number }): System;
}

/** Variables and the current process, shared by the blocks of one document. */
export class RunState {
  readonly vars = new Map<string, bigint>();
  currentPid: number | undefined;
  /** The system the variables belong to: a reset or a new session clears them. */
  system: System | undefined;
  /** The debugger context of the document's `kd>` lines (.process, .thread, where `db` goes on), as one console keeps it. */
  kd: KdState = {};
  /** Until a `kd> .process` line sets the debugger's process, it is the block's current process. */
  kdFollowsBlock = true;

  reset(system: System | undefined): void {
    this.vars.clear();
    this.currentPid = undefined;
    this.system = system;
    this.kd = {};
    this.kdFollowsBlock = true;
  }
}

export type RunResult =
  | { readonly kind: 'booted'; readonly processes: number; readonly memoryMB: number; readonly already: boolean }
  | { readonly kind: 'process'; readonly pid: number; readonly tid: number; readonly image: string }
  | { readonly kind: 'current'; readonly pid: number; readonly image: string }
  | { readonly kind: 'allocated'; readonly base: bigint; readonly size: bigint; readonly protect: string; readonly largePages?: number; readonly hugePages?: number }
  | { readonly kind: 'touched'; readonly pages: number; readonly faults: readonly string[] }
  | { readonly kind: 'bytes'; readonly hex: string; readonly faults: readonly string[] }
  | { readonly kind: 'written'; readonly count: number; readonly faults: readonly string[] }
  | { readonly kind: 'protected'; readonly oldProtect: string }
  | { readonly kind: 'freed'; readonly released: boolean }
  | { readonly kind: 'region'; readonly base: bigint; readonly size: bigint; readonly state: string; readonly protect: string; readonly type: string }
  | { readonly kind: 'walk'; readonly levels: readonly string[]; readonly physical: bigint | null; readonly largePage: string | null }
  | { readonly kind: 'trimmed'; readonly before: number; readonly after: number }
  | { readonly kind: 'mapped'; readonly base: bigint; readonly handle: number }
  | { readonly kind: 'lists'; readonly info: SystemMemoryListInformation }
  | { readonly kind: 'threadRan'; readonly routine: string; readonly steps: number }
  /** A `kd>` line: the debugger's output lines (its own error text included: the debugger never throws). */
  | { readonly kind: 'kd'; readonly command: string; readonly lines: readonly string[] }
  | { readonly kind: 'done' };

export type RunErrorCode = 'noSystem' | 'noProcess' | 'unknownVariable' | 'win32' | 'exception' | 'noSuchProcess' | 'internal';

export interface RunError {
  readonly code: RunErrorCode;
  /** Message arguments: an error name and number, an NTSTATUS and address, a variable name. */
  readonly args: readonly string[];
}

/** What one statement did: its result or error, and the steps it recorded [fromSeq, toSeq). */
export interface Outcome {
  readonly line: number;
  readonly result?: RunResult;
  readonly error?: RunError;
  readonly fromSeq: number;
  readonly toSeq: number;
}

class Failure extends Error {
  constructor(readonly error: RunError) { super(error.code); }
}

/** `PAGE_READWRITE`, `PAGE_READWRITE|PAGE_GUARD`. */
export function protectionName(p: number): string {
  const base = p & 0xff;
  const names = Object.entries(Win32Constants).filter(([k, v]) => k.startsWith('PAGE_') && v === base && typeof v === 'number').map(([k]) => k);
  const parts = [names[0] ?? `0x${base.toString(16)}`];
  if (p & E.PAGE_GUARD) parts.push('PAGE_GUARD');
  if (p & E.PAGE_NOCACHE) parts.push('PAGE_NOCACHE');
  return parts.join('|');
}

/** The Win32 error's name from the one names table (present/names.ts), else its number. */
function errorName(code: number): string {
  return win32ErrorName(code) ?? String(code);
}

export { hex };

/** Runs statements in order; stops at nothing: each outcome stands on its own. */
export function runStatements(statements: readonly Statement[], host: RunHost, state: RunState): Outcome[] {
  return statements.map((s) => runStatement(s, host, state));
}

/**
 * Lines one Run takes (blank and comment lines count): a block of notes is a handful; a pasted log of
 * thousands is refused, not parsed and run for minutes on the extension host (issue 19).
 */
export const MAX_RUN_LINES = 2000;
/** Pages one Run may touch or read (256 MB of 4 KB pages): each is a memory access that may fault. */
export const MAX_RUN_PAGES = 65_536;
/** Bytes one `read` may ask for (its hex is drawn after the line). */
export const MAX_READ_BYTES = 64 * 1024;
/** Pages a `touch` accesses between two points where the host may yield or stop (runStatementSteps). */
const TOUCH_PAGES_PER_STEP = 64;

/** Why a Run is refused before anything runs: too many lines, pages, or bytes read at once. */
export type RunLimit =
  | { readonly code: 'tooManyLines'; readonly count: number; readonly max: number }
  | { readonly code: 'tooManyPages'; readonly count: number; readonly max: number }
  | { readonly code: 'readTooLarge'; readonly line: number; readonly count: number; readonly max: number };

/** The limit a block of `lineCount` lines breaks (lines are checked before parsing). */
export function lineLimit(lineCount: number): RunLimit | undefined {
  return lineCount > MAX_RUN_LINES ? { code: 'tooManyLines', count: lineCount, max: MAX_RUN_LINES } : undefined;
}

/** The limit these statements break, if any: pages touched or read in all, or one read's bytes. */
export function runLimit(statements: readonly Statement[]): RunLimit | undefined {
  let pages = 0;
  for (const s of statements) {
    const c = s.command;
    if (c.op === 'touch') pages += c.pages;
    else if (c.op === 'read') {
      if (!(c.count <= MAX_READ_BYTES)) return { code: 'readTooLarge', line: s.line, count: c.count, max: MAX_READ_BYTES };
      pages += Math.ceil(c.count / Number(PAGE_SIZE_N)) + 1;
    }
  }
  return pages > MAX_RUN_PAGES ? { code: 'tooManyPages', count: pages, max: MAX_RUN_PAGES } : undefined;
}

/** Runs one statement. */
export function runStatement(s: Statement, host: RunHost, state: RunState): Outcome {
  return toEnd(runStatementSteps(s, host, state));
}

/** Runs a generator of steps to its end; its result. */
function toEnd<T>(steps: Generator<void, T, void>): T {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/**
 * Runs one statement in steps: a `touch` pauses (yield) every TOUCH_PAGES_PER_STEP pages, so the
 * host can yield to its event loop, show progress and stop between them; other commands run in one step.
 */
export function* runStatementSteps(s: Statement, host: RunHost, state: RunState): Generator<void, Outcome, void> {
  const before = host.system();
  if (before !== state.system) state.reset(before);
  const fromSeq = before?.stepCount ?? 0;
  try {
    const result = s.command.op === 'touch' ? yield* touchSteps(s.command, host, state) : execute(s.command, host, state);
    const system = host.system();
    const value = resultValue(result);
    if (value !== undefined) {
      state.vars.set('last', value);
      if (s.assign) state.vars.set(s.assign, value);
    }
    return { line: s.line, result, fromSeq: system === before ? fromSeq : 0, toSeq: system?.stepCount ?? 0 };
  } catch (e) {
    const error: RunError = e instanceof Failure ? e.error
      : e instanceof E.NtException ? { code: 'exception', args: [ntStatusName(e.status) ?? hex(e.status), hex(e.address), hex(e.status)] }
        : e instanceof E.Win32Error ? { code: 'win32', args: [errorName(e.code), String(e.code)] }
          : { code: 'internal', args: [e instanceof Error ? e.message : String(e)] };
    const system = host.system();
    return { line: s.line, error, fromSeq: system === before ? fromSeq : 0, toSeq: system?.stepCount ?? 0 };
  }
}

function resultValue(r: RunResult): bigint | undefined {
  switch (r.kind) {
    case 'process': return BigInt(r.pid);
    case 'current': return BigInt(r.pid);
    case 'allocated': return r.base;
    case 'mapped': return r.base;
    default: return undefined;
  }
}

function needSystem(host: RunHost): System {
  const s = host.system();
  if (!s) throw new Failure({ code: 'noSystem', args: [] });
  return s;
}

function value(v: Value, state: RunState): bigint {
  if (v.kind === 'literal') return v.value;
  const base = state.vars.get(v.name);
  if (base === undefined) throw new Failure({ code: 'unknownVariable', args: [`$${v.name}`] });
  return base + v.offset;
}

function pidOf(v: Value | undefined, system: System, state: RunState): number {
  const pid = v ? Number(value(v, state)) : state.currentPid;
  if (pid === undefined) throw new Failure({ code: 'noProcess', args: [] });
  if (!system.queryProcess(pid)) throw new Failure({ code: 'noSuchProcess', args: [String(pid)] });
  return pid;
}

function win32Failed(api: E.Win32Api): never {
  const code = api.GetLastError();
  throw new Failure({ code: 'win32', args: [errorName(code), String(code)] });
}

/** The fault resolutions recorded since `from` (their routines), so a touch says what happened. */
function faultsSince(system: System, from: number): string[] {
  return system.getSteps(from, system.stepCount).filter((st) => st.kind === 'pageFault' && st.code !== 'fault.pageTable').map((st) => st.code.slice('fault.'.length));
}

/** `touch`: one byte of each page, as an instruction would (a write writes back what it read), pausing between groups of pages. */
function* touchSteps(c: Extract<Command, { op: 'touch' }>, host: RunHost, state: RunState): Generator<void, RunResult, void> {
  const system = needSystem(host);
  const api = system.win32(pidOf(undefined, system, state));
  const start = value(c.address, state);
  let from = system.stepCount;
  const faults: string[] = [];
  for (let i = 0; i < c.pages; i++) {
    const va = start + BigInt(i) * PAGE_SIZE_N;
    if (c.write) api.WriteMemory(va, api.ReadMemory(va, 1));
    else api.ReadMemory(va, 1);
    if (i % TOUCH_PAGES_PER_STEP === TOUCH_PAGES_PER_STEP - 1 && i + 1 < c.pages) {
      // The faults of this group now (reading the steps of a whole large touch at the end was one long piece of work).
      for (const f of faultsSince(system, from)) faults.push(f);
      from = system.stepCount;
      yield;
    }
  }
  for (const f of faultsSince(system, from)) faults.push(f);
  return { kind: 'touched', pages: c.pages, faults };
}

function execute(c: Command, host: RunHost, state: RunState): RunResult {
  switch (c.op) {
    case 'boot': {
      const existing = host.system();
      if (existing && !c.fresh) return { kind: 'booted', processes: existing.processCount, memoryMB: Math.round(existing.physicalPageCount / 256), already: true };
      const system = host.boot({ ...(c.memoryMB !== undefined ? { physicalMemoryMB: c.memoryMB } : {}), ...(c.pageFileMB !== undefined ? { pageFileMB: c.pageFileMB } : {}) });
      state.reset(system);
      return { kind: 'booted', processes: system.processCount, memoryMB: Math.round(system.physicalPageCount / 256), already: false };
    }
    case 'process': {
      const system = needSystem(host);
      const imagePath = /[\\/:]/.test(c.image) ? c.image : `C:\\Windows\\System32\\${c.image}`;
      const { pid, tid } = system.createProcess({ imagePath, ...(c.suspended ? { creationFlags: E.CREATE_SUSPENDED } : {}) });
      state.currentPid = pid;
      return { kind: 'process', pid, tid, image: system.queryProcess(pid)?.imageFileName ?? c.image };
    }
    case 'use': {
      const system = needSystem(host);
      const pid = pidOf(c.pid, system, state);
      state.currentPid = pid;
      return { kind: 'current', pid, image: system.queryProcess(pid)!.imageFileName };
    }
    case 'alloc': {
      const system = needSystem(host);
      const pid = pidOf(c.pid, system, state);
      state.currentPid = pid;
      const api = system.win32(pid);
      let type = c.allocation === 'reserve' ? E.MEM_RESERVE : c.allocation === 'commit' ? E.MEM_COMMIT : E.MEM_RESERVE | E.MEM_COMMIT;
      if (c.large) type |= E.MEM_LARGE_PAGES;
      const from = system.stepCount;
      const base = api.VirtualAlloc(c.at ? value(c.at, state) : 0n, c.size, type, c.protect);
      if (base === 0n) win32Failed(api);
      const reserve = system.getSteps(from, system.stepCount).find((st) => st.code === 'vm.reserve');
      const large = reserve && c.large ? { largePages: Number(reserve.args.largePages), hugePages: Number(reserve.args.hugePages) } : {};
      return { kind: 'allocated', base, size: c.size, protect: protectionName(c.protect), ...large };
    }
    case 'touch': return toEnd(touchSteps(c, host, state));
    case 'read': {
      const system = needSystem(host);
      const api = system.win32(pidOf(undefined, system, state));
      const from = system.stepCount;
      const bytes = api.ReadMemory(value(c.address, state), c.count);
      return { kind: 'bytes', hex: hexBytes(bytes), faults: faultsSince(system, from) };
    }
    case 'write': {
      const system = needSystem(host);
      const api = system.win32(pidOf(undefined, system, state));
      const from = system.stepCount;
      api.WriteMemory(value(c.address, state), c.bytes);
      return { kind: 'written', count: c.bytes.length, faults: faultsSince(system, from) };
    }
    case 'protect': {
      const system = needSystem(host);
      const api = system.win32(pidOf(undefined, system, state));
      const old = { value: 0 };
      if (!api.VirtualProtect(value(c.address, state), c.size, c.protect, old)) win32Failed(api);
      return { kind: 'protected', oldProtect: protectionName(old.value) };
    }
    case 'free': {
      const system = needSystem(host);
      const api = system.win32(pidOf(undefined, system, state));
      const ok = c.decommitSize !== undefined
        ? api.VirtualFree(value(c.address, state), c.decommitSize, E.MEM_DECOMMIT)
        : api.VirtualFree(value(c.address, state), 0n, E.MEM_RELEASE);
      if (!ok) win32Failed(api);
      return { kind: 'freed', released: c.decommitSize === undefined };
    }
    case 'query': {
      const system = needSystem(host);
      const api = system.win32(pidOf(undefined, system, state));
      const mbi = api.VirtualQuery(value(c.address, state));
      if (!mbi) win32Failed(api);
      const stateName = mbi.State === E.MEM_COMMIT ? 'MEM_COMMIT' : mbi.State === E.MEM_RESERVE ? 'MEM_RESERVE' : 'MEM_FREE';
      const typeName = mbi.Type === E.MEM_PRIVATE ? 'MEM_PRIVATE' : mbi.Type === E.MEM_MAPPED ? 'MEM_MAPPED' : mbi.Type === E.MEM_IMAGE ? 'MEM_IMAGE' : '0';
      return { kind: 'region', base: mbi.BaseAddress, size: mbi.RegionSize, state: stateName, protect: mbi.Protect ? protectionName(mbi.Protect) : '0', type: typeName };
    }
    case 'walk': {
      const system = needSystem(host);
      const pid = pidOf(undefined, system, state);
      const w = system.walkAddress(pid, value(c.address, state));
      return {
        kind: 'walk',
        levels: w.levels.map((l) => `${l.level}[${l.index}] ${l.decoded.kind}`),
        physical: w.physicalAddress,
        largePage: w.largePage,
      };
    }
    case 'trim': {
      const system = needSystem(host);
      const pid = pidOf(c.pid, system, state);
      const before = system.queryProcess(pid)!.workingSetSize;
      const api = system.win32(pid);
      if (!api.SetProcessWorkingSetSize(-1n, -1n)) win32Failed(api);
      return { kind: 'trimmed', before, after: system.queryProcess(pid)!.workingSetSize };
    }
    case 'map': {
      const system = needSystem(host);
      const api = system.win32(pidOf(undefined, system, state));
      const handle = api.CreateFileMapping(-1, c.protect, c.size, c.name);
      if (!handle) win32Failed(api);
      const access = c.protect === E.PAGE_READONLY ? E.FILE_MAP_READ : E.FILE_MAP_WRITE;
      const base = api.MapViewOfFile(handle, access, 0n, 0n);
      if (base === 0n) win32Failed(api);
      return { kind: 'mapped', base, handle };
    }
    case 'memoryList': {
      needSystem(host).memoryListCommand(c.command);
      return { kind: 'done' };
    }
    case 'run': {
      const system = needSystem(host);
      const from = system.stepCount;
      system.runSystemThread(c.thread);
      const steps = system.getSteps(from, system.stepCount);
      return { kind: 'threadRan', routine: steps[0]?.routine ?? c.thread, steps: steps.length };
    }
    case 'lists':
      return { kind: 'lists', info: needSystem(host).querySystemMemoryListInformation() };
    case 'privilege': {
      const system = needSystem(host);
      system.grantPrivilege(pidOf(c.pid, system, state), c.name);
      return { kind: 'done' };
    }
    case 'kd': {
      const { command, lines } = runDebuggerLine(needSystem(host), state, c.line);
      return { kind: 'kd', command, lines };
    }
    default: {
      const never: never = c;
      throw new Failure({ code: 'internal', args: [JSON.stringify(never)] });
    }
  }
}

/**
 * Runs a kernel-debugger line written in notes with the document's debugger context: the block's
 * variables may stand in it (`!pte $a`; `@$proc` and other pseudo-registers, and names the block has
 * not set, are the debugger's), and it acts in the block's current process until a `.process` line
 * chooses another. The output is the debugger's, its errors included (it never throws).
 */
export function runDebuggerLine(system: System, state: RunState, text: string): { command: string; lines: string[] } {
  if (state.system !== system) state.reset(system);
  const command = text.replace(/(^|[^@\w])\$([A-Za-z_]\w*)/g, (m, before: string, name: string) => {
    const v = state.vars.get(name);
    return v === undefined ? m : `${before}0x${v.toString(16)}`;
  });
  if (state.kdFollowsBlock && state.currentPid !== undefined && state.kd.pid !== state.currentPid) {
    state.kd.pid = state.currentPid;
    state.kd.tid = undefined;
  }
  const output = runKdLine(system, state.kd, command);
  if (/^\s*\.process\s+\S/i.test(command)) state.kdFollowsBlock = false;
  return { command, lines: output ? output.split('\n') : [] };
}
