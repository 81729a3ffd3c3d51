// Palette and context-menu commands for every engine action. Each takes an optional argument object
// (so tests, notes and panels can drive it without UI: `executeCommand('ntlab.virtualAlloc',
// { pid, address: '0x0', size: '64K', type: 'MEM_COMMIT|MEM_RESERVE', protect: 'PAGE_READWRITE' })`)
// or a tree node (context menus pass the clicked node: its pid, va or pfn fill those fields), and
// asks for whatever is missing with input boxes that validate as you type. Every command resolves
// to an ActionResult: `{ ok: true, ... }`, `{ ok: false, error }`, or undefined when cancelled.
//
// One module per family registers its commands (process, memory, sections, jobs, debug, tokens);
// commands/context.ts holds what they share.
import * as vscode from 'vscode';
import { NtException, Win32Error } from '../../engine';
import { Commands } from '../ids';
import { hex } from '../present/format';
import { ntStatusText, win32ErrorText } from '../present/names';
import type { SimulationSession } from '../session';
import { Cancelled, Invalid, type ActionBody, type ActionLog, type ActionResult, type Args } from './context';
import { registerDebugActions } from './debug';
import { registerJobActions } from './jobs';
import { registerMemoryActions } from './memory';
import { registerHeapActions } from './heap';
import { registerProcessActions } from './process';
import { registerSectionActions } from './sections';
import { registerTokenActions } from './tokens';

export type { ActionLog, ActionResult } from './context';
export { KNOWN_IMAGES } from './context';

export const ActionCommands = {
  createProcess: Commands.createProcess,
  createThread: Commands.createThread,
  terminateProcess: Commands.terminateProcess,
  virtualAlloc: Commands.virtualAlloc,
  virtualFree: Commands.virtualFree,
  virtualProtect: Commands.virtualProtect,
  readMemory: Commands.readMemory,
  writeMemory: Commands.writeMemory,
  mapView: Commands.mapView,
  unmapView: Commands.unmapView,
  setWorkingSetSize: Commands.setWorkingSetSize,
  emptyWorkingSet: Commands.emptyWorkingSet,
  emptyAllWorkingSets: Commands.emptyAllWorkingSets,
  flushModifiedList: Commands.flushModifiedList,
  purgeStandbyList: Commands.purgeStandbyList,
  purgeLowPriorityStandbyList: Commands.purgeLowPriorityStandbyList,
  runSystemThread: Commands.runSystemThread,
  createJob: Commands.createJob,
  assignProcessToJob: Commands.assignProcessToJob,
  setJobLimits: Commands.setJobLimits,
  terminateJob: Commands.terminateJob,
  debugAttach: Commands.debugAttach,
  debugGo: Commands.debugGo,
  debugDetach: Commands.debugDetach,
  runLowIntegrity: Commands.runLowIntegrity,
} as const;

export function registerActionCommands(context: vscode.ExtensionContext, session: SimulationSession, log: ActionLog): void {
  const register = (id: string, body: ActionBody): void => {
    context.subscriptions.push(vscode.commands.registerCommand(id, async (arg?: unknown) => {
      const system = session.system;
      if (!system) {
        const error = vscode.l10n.t('No simulation is running. Start one first.');
        void vscode.window.showWarningMessage(error);
        return { ok: false, error } satisfies ActionResult;
      }
      const args: Args = arg !== null && typeof arg === 'object' ? (arg as Args) : {};
      try {
        const result = await body(system, args);
        if (!result.ok) { log.error(result.error); void vscode.window.showErrorMessage(result.error); }
        return result;
      } catch (e) {
        if (e instanceof Cancelled) return undefined;
        const error = e instanceof Invalid ? e.message
          : e instanceof NtException ? vscode.l10n.t('The access raised {0} at {1}.', ntStatusText(e.status), hex(e.address))
            : e instanceof Win32Error ? vscode.l10n.t('The call failed with {0}.', win32ErrorText(e.code))
              : vscode.l10n.t('Unexpected error: {0}', e instanceof Error ? e.message : String(e));
        log.error(error);
        void vscode.window.showErrorMessage(error);
        return { ok: false, error, ...(e instanceof Win32Error ? { code: e.code } : e instanceof NtException ? { code: e.status } : {}) } satisfies ActionResult;
      }
    }));
  };
  for (const family of [registerProcessActions, registerMemoryActions, registerHeapActions, registerSectionActions, registerJobActions, registerDebugActions, registerTokenActions]) {
    family(register, log);
  }
}
