// Consoles since Windows 8: a console is served by a conhost.exe process through the console driver
// (\Device\ConDrv), not by CSRSS. When a console program initializes (KernelBase's ConsoleInitialize,
// in stage 7) it either attaches to the console its creator passed down, or — with CREATE_NEW_CONSOLE
// or no console to inherit — launches a new conhost.exe as its own child (ConsoleLaunchServerProcess).
// The host exits when its last client has gone.
import { CREATE_NO_WINDOW } from '../constants';
import type { ProcessObject } from '../process';
import { StopReplay, type StepLog } from '../trace';
import type { CreatedProcess, PsCreateOptions } from './create/creationState';
import type { PsProcessState } from './state';

/** What a console needs from the process manager: the console table, process lookup, and starting and ending its host. */
export interface ConsoleHost {
  readonly trace: StepLog;
  readonly ctx: { readonly byPid: ReadonlyMap<number, ProcessObject> };
  readonly consoles: Map<number, ConsoleRecord>;
  nextConsoleId: number;
  state(p: ProcessObject): PsProcessState;
  createProcess(o: PsCreateOptions): CreatedProcess;
  terminateProcess(p: ProcessObject, exitStatus: number, byPid: number): void;
}

/** One console: its host process and the processes attached to it. Plain data, cloned for snapshots. */
export interface ConsoleRecord { id: number; hostPid: number; clients: number[]; window: boolean }

const CONHOST = 'C:\\Windows\\System32\\conhost.exe';

/** ConsoleInitialize for a console program: attach to the inherited console, or host a new one. */
export function initializeConsole(pm: ConsoleHost, p: ProcessObject): void {
  const st = pm.state(p);
  const t = pm.trace;
  const parent = pm.ctx.byPid.get(p.parentPid);
  const inherited = st.console === 'inherited' && parent?.ps ? pm.consoles.get(pm.state(parent).consoleId) : undefined;
  if (inherited && pm.ctx.byPid.get(inherited.hostPid)) {
    inherited.clients.push(p.pid);
    st.consoleId = inherited.id;
    t.step('console.attach')?.n(p.pid).n(inherited.id).n(inherited.hostPid).n(inherited.clients.length).change('process', p.pid);
    return;
  }
  if (st.console !== 'new' && st.console !== 'inherited') return;
  const id = pm.nextConsoleId++;
  const window = (p.creationFlags & CREATE_NO_WINDOW) === 0;
  const record: ConsoleRecord = { id, hostPid: 0, clients: [p.pid], window };
  pm.consoles.set(id, record);
  st.consoleId = id;
  t.step('console.launchHost')?.n(p.pid).n(id).s(CONHOST).b(window).change('process', p.pid);
  // The host is a child of the console program, in its session and job; it must not get a console itself.
  try {
    const host = pm.createProcess({ imagePath: CONHOST, commandLine: `\\??\\${CONHOST} 0x4`, parentPid: p.pid });
    record.hostPid = host.pid;
    const hp = pm.ctx.byPid.get(host.pid);
    if (hp) pm.state(hp).hostedConsoleId = id;
  } catch (e) {
    // A replay stopped inside the host's creation (stateAt) is not a failure: the past state stops there.
    if (e instanceof StopReplay) throw e;
    // The host could not start (a job's active-process limit, a missing image): the program runs without a console.
    pm.consoles.delete(id);
    st.consoleId = 0;
  }
}

/** A process leaves its console (at exit); the host goes with the last client. */
export function detachConsole(pm: ConsoleHost, p: ProcessObject): void {
  const st = pm.state(p);
  if (st.hostedConsoleId) {
    // The host itself ended: its console is gone (clients keep a dead handle).
    const c = pm.consoles.get(st.hostedConsoleId);
    if (c) { for (const pid of c.clients) { const q = pm.ctx.byPid.get(pid); if (q?.ps) pm.state(q).consoleId = 0; } pm.consoles.delete(c.id); }
    st.hostedConsoleId = 0;
  }
  if (!st.consoleId) return;
  const c = pm.consoles.get(st.consoleId);
  st.consoleId = 0;
  if (!c) return;
  c.clients = c.clients.filter((x) => x !== p.pid);
  const t = pm.trace;
  t.step('console.detach')?.n(p.pid).n(c.id).n(c.hostPid).n(c.clients.length).change('process', p.pid);
  if (c.clients.length === 0) {
    pm.consoles.delete(c.id);
    const host = pm.ctx.byPid.get(c.hostPid);
    if (host && !host.exited) { pm.state(host).hostedConsoleId = 0; pm.terminateProcess(host, 0, host.pid); }
  }
}
