// Measured from the first line of the bundle to the end of activate(): what a user waits for.
const moduleLoadStart = performance.now();

import * as vscode from 'vscode';
import { Commands, Settings } from './ids';
import { confirmMachineSize } from './machineCost';
import { readSimulationOptions } from './options';
import { standbyPageCount } from './present/names';
import { SimulationSession } from './session';
import { MemoryStatusBar } from './statusBar';
import { registerPanels } from './panels/register';
import { registerNotes, type NotesController } from './notes';
import { registerSidebarFeatures } from './commands';
import { confirmReplace, isUnsaved } from './commands/sessionFile';
import { registerKernelDebugger } from './kd/terminal';

/** What activate() returns: other extensions and the test host read it. */
export interface NtLabApi {
  /** Milliseconds from loading this module to the end of activate(). */
  readonly activationMs: number;
  /** The simulation of this window (undefined until started). */
  readonly session: SimulationSession;
  /** Notes beside the simulation (CodeLens, hovers, ntlab blocks, follow mode). */
  readonly notes: NotesController;
}

export function activate(context: vscode.ExtensionContext): NtLabApi {
  const log = vscode.window.createOutputChannel('NT Lab', { log: true });
  const session = new SimulationSession();
  context.subscriptions.push(log, session, new MemoryStatusBar(session));
  registerPanels(context, session);
  const notes = registerNotes(context, session);
  registerSidebarFeatures(context, session, log);
  registerKernelDebugger(context, session);

  const start = async (): Promise<void> => {
    const options = readSimulationOptions(vscode.workspace.getConfiguration(Settings.section));
    if (!(await confirmMachineSize(options, session.system))) return;
    const system = session.start(options);
    const processes = system.processCount;
    log.info(vscode.l10n.t('Simulation started: {0} MB of RAM, {1} processes, {2} steps recorded.',
      Math.round(system.physicalPageCount / 256), processes, system.stepCount));
  };

  context.subscriptions.push(
    vscode.commands.registerCommand(Commands.startSession, () => {
      if (session.system) {
        void vscode.window.showInformationMessage(vscode.l10n.t('The simulation is already running. Use "Reset Simulation" to start over.'));
        return;
      }
      return start();
    }),
    vscode.commands.registerCommand(Commands.resetSession, async () => {
      if (!session.system) { await start(); return; }
      if (isUnsaved(session.system)) { if (await confirmReplace(session)) await start(); return; }
      const reset = vscode.l10n.t('Reset');
      const answer = await vscode.window.showWarningMessage(
        vscode.l10n.t('Reset the simulation? The current machine and its recorded steps are discarded.'), { modal: true }, reset);
      if (answer === reset) await start();
    }),
    vscode.commands.registerCommand(Commands.showMemoryLists, () => {
      const system = session.system;
      if (!system) {
        void vscode.window.showWarningMessage(vscode.l10n.t('No simulation is running. Start one first.'));
        return undefined;
      }
      const info = system.querySystemMemoryListInformation();
      const standby = standbyPageCount(info);
      const text = vscode.l10n.t('Zeroed {0} · Free {1} · Standby {2} · Modified {3} · Modified no-write {4} · Bad {5} (pages)',
        info.ZeroPageCount, info.FreePageCount, standby, info.ModifiedPageCount, info.ModifiedNoWritePageCount, info.BadPageCount);
      log.info(text);
      void vscode.window.showInformationMessage(text);
      return info;
    }),
    // Task Manager's Memory page, "In use (Compressed)": "Compressed memory (X) stores an estimated Y of data,
    // saving the system Z" (Windows Internals 7e ch. 5, "Memory compression").
    vscode.commands.registerCommand(Commands.showMemoryCompression, () => {
      const system = session.system;
      if (!system) {
        void vscode.window.showWarningMessage(vscode.l10n.t('No simulation is running. Start one first.'));
        return undefined;
      }
      const c = system.queryMemoryCompression();
      const mb = (bytes: number): string => (bytes / 1048576).toFixed(1);
      const text = c.Enabled
        ? vscode.l10n.t('Compressed memory ({0} MB) stores {1} MB of data ({2} pages), saving the system {3} MB. Memory Compression is process {4}.', mb(c.StoreBytes), mb(c.UncompressedBytes), c.CompressedPages, mb(c.SavedBytes), c.ProcessId)
        : vscode.l10n.t('Memory compression is off in this simulation (setting ntlab.simulation.memoryCompression, or no paging file).');
      log.info(text);
      void vscode.window.showInformationMessage(text);
      return c;
    }),
    vscode.commands.registerCommand(Commands.showLog, () => log.show(true)),
  );

  return { activationMs: performance.now() - moduleLoadStart, session, notes };
}

export function deactivate(): void {
  // Everything is owned by context.subscriptions.
}
