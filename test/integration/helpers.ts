// Shared fixtures of the integration suites: the real extension, its API and its manifest.
import * as vscode from 'vscode';
import type { NtLabApi } from '../../src/extension/extension';
import { Commands, EXTENSION_ID } from '../../src/extension/ids';

/** The installed NT Internals Lab extension; fails loudly when it is not installed at all. */
export function ntLabExtension(): vscode.Extension<NtLabApi> {
  const ext = vscode.extensions.getExtension<NtLabApi>(EXTENSION_ID);
  if (!ext) throw new Error(`${EXTENSION_ID} is not installed in this VS Code`);
  return ext;
}

/** Activates the extension (a no-op when already active) and returns what activate() returned. */
export async function activatedApi(): Promise<NtLabApi> {
  return ntLabExtension().activate();
}

/** The window as it was before any suite ran, recorded once by index.ts (the suites run in any order). */
export interface InitialState {
  /** Whether NT Internals Lab was active before anything used it (it must be lazy). */
  activeBeforeSuites: boolean;
  /** Right after activation: no simulation ran yet. */
  noSimulationAtActivation: boolean;
  /** What Show Memory List Counts returned with no simulation running (undefined: nothing to show). */
  memoryListsWithoutSimulation: 'nothing' | 'something';
}

/** Environment variable carrying the InitialState from index.ts to the suites (each suite is its own bundle). */
export const INITIAL_STATE_ENV = 'NTLAB_INITIAL_STATE';

/** The state index.ts recorded before the first suite; fails loudly when it did not. */
export function initialState(): InitialState {
  const raw = process.env[INITIAL_STATE_ENV];
  if (!raw) throw new Error(`${INITIAL_STATE_ENV} is not set: run the suites through test/integration/index.ts`);
  return JSON.parse(raw) as InitialState;
}

/** Starts a simulation unless one runs (Start Simulation keeps a running machine) and returns it. */
export async function runningSystem(): Promise<NonNullable<NtLabApi['session']['system']>> {
  const api = await activatedApi();
  if (!api.session.system) await vscode.commands.executeCommand(Commands.startSession);
  const system = api.session.system;
  if (!system) throw new Error('Start Simulation did not start a simulation');
  return system;
}

/** The subset of package.json the suites look at. */
export interface Manifest {
  activationEvents?: string[];
  contributes: {
    commands: { command: string; enablement?: string }[];
    views: Record<string, { id: string }[]>;
  };
}

export function manifest(): Manifest {
  return ntLabExtension().packageJSON as Manifest;
}

/**
 * Closes every editor without a save prompt (a prompt would block the suite): dirty documents left
 * by earlier suites are reverted first.
 */
export async function closeAllEditorsDiscarding(): Promise<void> {
  for (const doc of vscode.workspace.textDocuments) {
    if (!doc.isDirty) continue;
    await vscode.window.showTextDocument(doc, { preview: false });
    // Reverts a file, or drops an untitled document's text, and closes it without asking.
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  }
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

/** Resolves when `done()` holds, checked now and on every `event`; fails loudly when it still does not after 5 s. */
export function until(done: () => boolean, event: vscode.Event<unknown>, what: string): Promise<void> {
  if (done()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { sub.dispose(); reject(new Error(`${what}: still not the case after 5 s`)); }, 5000);
    const sub = event(() => { if (done()) { clearTimeout(timer); sub.dispose(); resolve(); } });
  });
}
