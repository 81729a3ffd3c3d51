// What both stepping panels share: the webview with its HTML, the ready handshake (nothing is posted
// before the webview listens: its first snapshot carries the whole state), the message channel
// (validation, and an answer to every request), ownership of the session cursor (leaving or closing
// the panel returns the simulation to the present), and the session's events.
import * as vscode from 'vscode';
import type { System } from '../../engine';
import type { ChangeRefDto, HostToWebviewMessage, PanelKind, RequestMethod, WebviewEventMessage } from '../../shared/protocol';
import { Commands } from '../ids';
import { Disposable } from '../lifecycle';
import type { SimulationSession } from '../session';
import { PanelChannel, type ChannelStats, type RequestHandlers } from './channel';
import type { Localizer } from './explain';
import { panelHtml, webviewOptions } from './html';
import { TraceIndex } from './traceIndex';

/** vscode.l10n as the pure modules take it. */
export const hostL10n: Localizer = vscode.l10n;

/** Which panel last moved the session cursor: only that one returns it to the present. */
const cursor: { owner?: object } = {};

/** The events a panel handles itself (the stepper's own are handled here). */
export type PanelMessage = Exclude<WebviewEventMessage, { type: 'ready' | 'goto' | 'present' | 'reveal' | 'setSpeed' }>;

/** A request handler for a method the other panel serves: the webview gets an error reply. */
export function notThisPanel(method: RequestMethod): () => never {
  return () => { throw new Error(vscode.l10n.t('This panel does not answer "{0}".', method)); };
}

export abstract class PanelBase<State extends { speedMs: number }> extends Disposable {
  private isReady = false;
  private readyWaiters: Array<() => void> = [];
  private indexed: { system: System; index: TraceIndex } | undefined;
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  /** True while the panel shows a past step (so coming back re-applies it). */
  protected traveling = false;
  /** Set while the panel itself drives the live system (e.g. causing a fault), to coalesce refreshes. */
  protected busy = false;
  private readonly disposedEmitter = this._register(new vscode.EventEmitter<void>());
  readonly onDidDispose = this.disposedEmitter.event;
  private readonly refreshedEmitter = this._register(new vscode.EventEmitter<void>());
  /** Fires after the panel caught up with steps the live system recorded (bursts are coalesced). */
  readonly onDidRefresh = this.refreshedEmitter.event;
  private readonly channel: PanelChannel;

  constructor(
    readonly kind: PanelKind,
    readonly panel: vscode.WebviewPanel,
    protected readonly session: SimulationSession,
    extensionUri: vscode.Uri,
    public state: State,
    title: string,
  ) {
    super();
    this.channel = new PanelChannel({
      post: (m) => { void this.panel.webview.postMessage(m); },
      onEvent: (m) => this.onEvent(m),
      requests: this.requestHandlers(),
      invalidRequest: () => vscode.l10n.t('The panel sent a malformed request.'),
      onEventError: (e) => this.notice(e instanceof Error ? e.message : String(e), 'error'),
    });
    panel.webview.options = webviewOptions(extensionUri);
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'ntlab.svg');
    panel.title = title;
    this._register(panel.webview.onDidReceiveMessage((m: unknown) => this.receive(m)));
    this._register(panel.onDidDispose(() => this.dispose()));
    this._register(panel.onDidChangeViewState(() => {
      if (!panel.visible) {
        // The webview is torn down when hidden (no retainContextWhenHidden): it says ready again when shown.
        this.isReady = false;
        if (cursor.owner === this && this.session.cursor !== undefined) this.session.setCursor(undefined);
      }
    }));
    this._register(session.onDidChangeSystem(() => { this.indexed = undefined; this.onSystemChanged(); }));
    this._register(session.onDidRecordSteps(() => this.scheduleRefresh()));
    this._register(session.onDidChangeCursor(() => this.onCursorChanged()));
    panel.webview.html = panelHtml(panel.webview, extensionUri, kind, title, vscode.env.language);
  }

  /** Resolves once the webview has said ready. */
  whenReady(): Promise<void> {
    if (this.isReady) return Promise.resolve();
    return new Promise((resolve) => this.readyWaiters.push(resolve));
  }

  get ready(): boolean { return this.isReady; }

  /** The index of the current live system's trace, extended to its latest step. */
  protected get index(): TraceIndex | undefined {
    const system = this.session.system;
    if (!system) return undefined;
    if (!this.indexed || this.indexed.system !== system) this.indexed = { system, index: new TraceIndex(system) };
    else if (this.indexed.index.indexedSteps < system.stepCount) this.indexed.index.update();
    return this.indexed.index;
  }

  /** Posts when the webview listens; before that nothing is kept, since the snapshot sent on ready carries the whole state. */
  protected post(message: HostToWebviewMessage): void {
    if (this.isReady) void this.panel.webview.postMessage(message);
  }

  /** Entry point of every message from the webview (validated by the channel); resolves once a request is answered. */
  receive(raw: unknown): Promise<void> {
    return this.channel.receive(raw);
  }

  /** Counts and the last few messages received, valid or not (for tests and the log). */
  get received(): Readonly<ChannelStats> {
    return this.channel.stats;
  }

  private onEvent(m: WebviewEventMessage): void | Promise<void> {
    // The stepper's messages mean the same in every panel.
    switch (m.type) {
      case 'ready':
        this.isReady = true;
        if (this.traveling && this.session.system) this.reapplyCursor();
        void this.panel.webview.postMessage(this.snapshot());
        for (const w of this.readyWaiters.splice(0)) w();
        return;
      case 'goto': this.goto(m.index); return;
      case 'present': this.moveCursor(undefined); return;
      case 'reveal': return this.reveal(m.ref);
      case 'setSpeed': this.state = { ...this.state, speedMs: m.speedMs }; return;
      default: this.handle(m);
    }
  }

  /** Moves the session cursor (undefined = the present) and takes ownership of it. */
  protected moveCursor(seq: number | undefined): void {
    if (!this.session.system) return;
    cursor.owner = this;
    this.traveling = seq !== undefined;
    this.session.setCursor(seq);
  }

  protected notice(message: string, severity: 'info' | 'warning' | 'error' = 'info'): void {
    this.post({ type: 'notice', message, severity });
  }

  /** The last link followed and the sidebar node it revealed (undefined: nothing matched). */
  lastReveal: { ref: ChangeRefDto; nodeId: string | undefined } | undefined;

  /** Runs ntlab.reveal (owned by the sidebar); tells the learner when it is not available. */
  protected async reveal(ref: ChangeRefDto): Promise<void> {
    try {
      const nodeId = await vscode.commands.executeCommand<string | undefined>(Commands.reveal, ref);
      this.lastReveal = { ref, nodeId };
    } catch (e) {
      this.notice(vscode.l10n.t('Could not reveal it in the sidebar: {0}', e instanceof Error ? e.message : String(e)), 'warning');
    }
  }

  private scheduleRefresh(): void {
    if (this.busy || this.refreshTimer) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      this.onStepsRecorded();
      this.refreshedEmitter.fire();
    }, 0);
  }

  /** The one snapshot sent after ready. */
  protected abstract snapshot(): HostToWebviewMessage;
  /** Moves to entry `index` of what the panel steps through (a step, or a fault's phase). */
  abstract goto(index: number): void;
  /** A validated event other than ready and the stepper's own (goto, present, reveal, setSpeed). */
  protected abstract handle(message: PanelMessage): void;
  /** The panel's answers to requests (called once, from the constructor: no instance fields are set yet). */
  protected abstract requestHandlers(): RequestHandlers;
  /** The live system recorded steps. */
  protected abstract onStepsRecorded(): void;
  /** The system was started, reset or stopped. */
  protected abstract onSystemChanged(): void;
  /** The session cursor moved (by this panel or anyone). */
  protected abstract onCursorChanged(): void;
  /** Re-applies this panel's position to the session cursor (the panel is shown again). */
  protected abstract reapplyCursor(): void;

  private isDisposed = false;

  override dispose(): void {
    if (this.isDisposed) return;
    this.isDisposed = true;
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    if (cursor.owner === this) {
      cursor.owner = undefined;
      if (this.session.cursor !== undefined) this.session.setCursor(undefined);
    }
    this.disposedEmitter.fire();
    super.dispose();
    this.panel.dispose();
  }
}
