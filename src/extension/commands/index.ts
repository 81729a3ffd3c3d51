// Everything issue 6 adds to the workbench, registered from extension.ts in one line: the sidebar
// views and reveal, the action commands, the structure documents, session files and the step log.
import type * as vscode from 'vscode';
import type { SimulationSession } from '../session';
import { registerDocuments } from '../documents/documents';
import { registerSidebar, type Sidebar } from '../views/sidebar';
import { registerStepLog } from '../views/stepLog';
import { registerActionCommands } from './actions';
import { registerSessionFiles } from './sessionFile';

export function registerSidebarFeatures(context: vscode.ExtensionContext, session: SimulationSession, log: vscode.LogOutputChannel): Sidebar {
  const sidebar = registerSidebar(context, session);
  registerActionCommands(context, session, log);
  registerDocuments(context, session);
  registerSessionFiles(context, session, log);
  registerStepLog(context, session, log);
  return sidebar;
}
