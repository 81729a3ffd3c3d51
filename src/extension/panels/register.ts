// Registers the stepping panels: their open commands, and serializers that revive them after a
// reload from the small state the webviews persist (validated first: restored state is input too).
import * as vscode from 'vscode';
import { isPageFaultState, isProcessCreationState, parseOpenPageFaultArgs, parseOpenProcessCreationArgs } from '../../shared/guards';
import type { PageFaultState, ProcessCreationState } from '../../shared/protocol';
import { Commands } from '../ids';
import type { SimulationSession } from '../session';
import { defaultPageFaultState, PAGE_FAULT_VIEW_TYPE, PageFaultPanel } from './pageFaultPanel';
import { defaultProcessCreationState, PROCESS_CREATION_VIEW_TYPE, ProcessCreationPanel } from './processCreationPanel';

/** Restored state of a process-creation panel, or the defaults when it is missing or malformed. */
export function restoreProcessCreationState(raw: unknown): ProcessCreationState {
  return isProcessCreationState(raw) ? { ...raw } : defaultProcessCreationState();
}

/** Restored state of a page-fault panel, or the defaults when it is missing or malformed. */
export function restorePageFaultState(raw: unknown): PageFaultState {
  return isPageFaultState(raw) ? { ...raw } : defaultPageFaultState();
}

/** Creates, reveals and revives one panel of a kind. */
class PanelManager<P extends ProcessCreationPanel | PageFaultPanel> implements vscode.WebviewPanelSerializer {
  current: P | undefined;

  constructor(
    private readonly viewType: string,
    private readonly title: () => string,
    private readonly make: (panel: vscode.WebviewPanel, state: unknown) => P,
  ) {}

  /** The open panel (revealed), or a new one beside the active editor. */
  open(): P {
    if (this.current) {
      this.current.panel.reveal(undefined, false);
      return this.current;
    }
    const panel = vscode.window.createWebviewPanel(this.viewType, this.title(), { viewColumn: vscode.ViewColumn.Beside, preserveFocus: false });
    return this.adopt(panel, undefined);
  }

  /** Revives a panel VS Code restored after a reload. */
  async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    this.current?.dispose();
    this.adopt(panel, state);
  }

  private adopt(panel: vscode.WebviewPanel, state: unknown): P {
    const p = this.make(panel, state);
    this.current = p;
    p.onDidDispose(() => { if (this.current === p) this.current = undefined; });
    return p;
  }
}

export type ProcessCreationPanelManager = PanelManager<ProcessCreationPanel>;
export type PageFaultPanelManager = PanelManager<PageFaultPanel>;

/** What the open commands return: the panel and its manager (the integration tests drive them). */
export interface OpenedPanel<P> { panel: P; manager: vscode.WebviewPanelSerializer & { current: P | undefined } }

async function ensureSession(session: SimulationSession): Promise<boolean> {
  if (!session.system) await vscode.commands.executeCommand(Commands.startSession);
  return !!session.system;
}

export function registerPanels(context: vscode.ExtensionContext, session: SimulationSession): void {
  const uri = context.extensionUri;
  const creation = new PanelManager<ProcessCreationPanel>(PROCESS_CREATION_VIEW_TYPE, () => vscode.l10n.t('CreateProcess Steps'),
    (panel, state) => new ProcessCreationPanel(panel, session, uri, restoreProcessCreationState(state)));
  const faults = new PanelManager<PageFaultPanel>(PAGE_FAULT_VIEW_TYPE, () => vscode.l10n.t('Page Fault Steps'),
    (panel, state) => new PageFaultPanel(panel, session, uri, restorePageFaultState(state)));

  context.subscriptions.push(
    vscode.window.registerWebviewPanelSerializer(PROCESS_CREATION_VIEW_TYPE, creation),
    vscode.window.registerWebviewPanelSerializer(PAGE_FAULT_VIEW_TYPE, faults),
    vscode.commands.registerCommand(Commands.openProcessCreationPanel, async (raw?: unknown): Promise<OpenedPanel<ProcessCreationPanel> | undefined> => {
      const args = parseOpenProcessCreationArgs(raw);
      if (!args) {
        void vscode.window.showErrorMessage(vscode.l10n.t('Invalid argument: expected {0}.', "{ stage?: '1' | '2' | '3A' … '3F' | '4' … '7' }"));
        return undefined;
      }
      if (!(await ensureSession(session))) return undefined;
      const panel = creation.open();
      panel.showStage(args.stage);
      return { panel, manager: creation };
    }),
    vscode.commands.registerCommand(Commands.openPageFaultPanel, async (raw?: unknown): Promise<OpenedPanel<PageFaultPanel> | undefined> => {
      const args = parseOpenPageFaultArgs(raw);
      if (!args) {
        void vscode.window.showErrorMessage(vscode.l10n.t('Invalid argument: expected {0}.', "{ kind?: 'demandZero' | 'transition' | 'pageFile' | …, pid?: number, va?: '0x…' }"));
        return undefined;
      }
      if (!(await ensureSession(session))) return undefined;
      const panel = faults.open();
      panel.show(args);
      return { panel, manager: faults };
    }),
    { dispose: () => { creation.current?.dispose(); faults.current?.dispose(); } },
  );
}
