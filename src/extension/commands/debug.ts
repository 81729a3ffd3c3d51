// Action commands, one family: Debugging through the Win32 API of a debugger process: attach, go (continue and wait), detach.
import * as vscode from 'vscode';
import { DBG_CONTINUE, ERROR_SEM_TIMEOUT, type DEBUG_EVENT, type System } from '../../engine';
import { Commands } from '../ids';
import { hex } from '../present/format';
import { debugEventName, ntStatusText } from '../present/names';
import { Invalid, lastError, pickProcess, type ActionLog, type Args, type Register } from './context';

export function registerDebugActions(register: Register, log: ActionLog): void {
  const WINDBG = 'C:\\Program Files\\Windows Kits\\10\\Debuggers\\x64\\windbg.exe';
  const describeEvent = (system: System, e: DEBUG_EVENT): string => {
    const image = system.queryProcess(e.dwProcessId)?.imageFileName ?? String(e.dwProcessId);
    const dll = (e.u.LoadDll as { lpImageName?: string } | undefined)?.lpImageName;
    const ex = (e.u.Exception as { ExceptionRecord?: { ExceptionCode: number; ExceptionAddress: bigint } } | undefined)?.ExceptionRecord;
    const detail = dll ? ` ${dll}` : ex ? ` ${ntStatusText(ex.ExceptionCode)} @ ${hex(ex.ExceptionAddress)}` : '';
    return vscode.l10n.t('{0} from {1} (pid {2}, thread {3}){4}', debugEventName(e.dwDebugEventCode), image, e.dwProcessId, e.dwThreadId, detail);
  };

  /** The debugger to use: the one given, the first process that has a debug object, or a new windbg.exe. */
  function debuggerFor(system: System, args: Args, create: boolean): number | undefined {
    if (args.debuggerPid !== undefined) {
      if (typeof args.debuggerPid !== 'number' || !system.queryProcess(args.debuggerPid)) throw new Invalid(vscode.l10n.t('There is no process with id {0}.', String(args.debuggerPid)));
      return args.debuggerPid;
    }
    // A debugger with events to handle first, then any debugger.
    const live = system.queryDebugObjects().filter((d) => system.queryProcess(d.debuggerPid));
    const existing = live.find((d) => d.events.length > 0) ?? live[0];
    if (existing) return existing.debuggerPid;
    if (!create) return undefined;
    const pid = system.createProcess({ imagePath: WINDBG }).pid;
    log.info(vscode.l10n.t('Started the debugger {0} (pid {1}).', 'windbg.exe', pid));
    return pid;
  }

  register(Commands.debugAttach, async (system, args) => {
    const pid = await pickProcess(system, args, vscode.l10n.t('Attach Debugger'));
    const debuggerPid = debuggerFor(system, args, true)!;
    const api = system.win32(debuggerPid);
    if (!api.DebugActiveProcess(pid)) return lastError(api, 'DebugActiveProcess');
    log.info(`DebugActiveProcess(${pid}) [pid ${debuggerPid}]`);
    return { ok: true, pid, debuggerPid };
  });

  register(Commands.debugGo, (system, args) => {
    const debuggerPid = debuggerFor(system, args, false);
    if (debuggerPid === undefined) return { ok: false, error: vscode.l10n.t('No process is being debugged. Attach a debugger, or create a process with DEBUG_PROCESS.') };
    const api = system.win32(debuggerPid);
    // WinDbg's g: continue the event the debugger holds, then wait for the next one.
    const held = system.queryDebugObjects().find((d) => d.debuggerPid === debuggerPid)?.events.find((e) => e.state === 'reported');
    if (held) {
      if (!api.ContinueDebugEvent(held.pid, held.tid, DBG_CONTINUE)) return lastError(api, 'ContinueDebugEvent');
      log.info(`ContinueDebugEvent(${held.pid}, ${held.tid}, DBG_CONTINUE) [pid ${debuggerPid}]`);
    }
    const e: Partial<DEBUG_EVENT> = {};
    if (!api.WaitForDebugEvent(e, 0)) {
      if (api.GetLastError() !== ERROR_SEM_TIMEOUT) return lastError(api, 'WaitForDebugEvent');
      const message = vscode.l10n.t('No debug event is waiting: the debuggees are running.');
      log.info(message);
      void vscode.window.showInformationMessage(message);
      return { ok: true, debuggerPid, event: null };
    }
    const text = describeEvent(system, e as DEBUG_EVENT);
    log.info(`WaitForDebugEvent [pid ${debuggerPid}]: ${text}`);
    void vscode.window.showInformationMessage(text);
    return { ok: true, debuggerPid, event: e.dwDebugEventCode, eventPid: e.dwProcessId, eventTid: e.dwThreadId };
  });

  register(Commands.debugDetach, async (system, args) => {
    const debugged = new Set(system.queryDebugObjects().flatMap((d) => d.debuggeePids));
    if (args.pid === undefined && debugged.size === 0) return { ok: false, error: vscode.l10n.t('No process is being debugged. Attach a debugger, or create a process with DEBUG_PROCESS.') };
    const pid = await pickProcess(system, args, vscode.l10n.t('Detach Debugger'));
    const owner = system.queryDebugObjects().find((d) => d.debuggeePids.includes(pid));
    if (!owner) return { ok: false, error: vscode.l10n.t('Process {0} is not being debugged.', pid) };
    const api = system.win32(owner.debuggerPid);
    if (!api.DebugActiveProcessStop(pid)) return lastError(api, 'DebugActiveProcessStop');
    log.info(`DebugActiveProcessStop(${pid}) [pid ${owner.debuggerPid}]`);
    return { ok: true, pid, debuggerPid: owner.debuggerPid };
  });
}
