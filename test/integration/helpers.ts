// Shared fixtures of the integration suites: the real extension, its API and its manifest.
import * as vscode from 'vscode';
import type { NtLabApi } from '../../src/extension/extension';
import { EXTENSION_ID } from '../../src/extension/ids';

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
