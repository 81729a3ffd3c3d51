// The webview's side of the protocol: one VS Code API handle, typed posts, requests through the
// RequestChannel (replies resolve, errors and timeouts reject), and the persisted state
// (setState) the host's serializer gets back after a reload. A panel's main.ts makes the one
// HostPort (acquireVsCodeApi may be called once per webview) and keeps it in the panel's state.
import type { HostToWebviewMessage, PanelState, RequestMethod, RequestParams, RequestResult, WebviewEventMessage } from '../../shared/protocol';
import { RequestChannel } from './channel';
import { showNotice } from './dom';

/** What a panel handles itself: everything from the host but replies and notices. */
export type PanelMessage = Exclude<HostToWebviewMessage, { type: 'reply' | 'notice' }>;

function isHostMessage(v: unknown): v is HostToWebviewMessage {
  return typeof v === 'object' && v !== null && typeof (v as { type?: unknown }).type === 'string';
}

export class HostPort {
  private readonly vscode = acquireVsCodeApi<PanelState>();
  private readonly channel = new RequestChannel((m) => this.vscode.postMessage(m));

  /** Posts an event (no answer expected). */
  post(message: WebviewEventMessage): void {
    this.vscode.postMessage(message);
  }

  /** Asks the host; rejects with a RequestError when the host answers with an error or not in time. */
  request<K extends RequestMethod>(method: K, params: RequestParams<K>): Promise<RequestResult<K>> {
    return this.channel.request(method, params);
  }

  /** What the serializer revives the panel from. */
  saveState(state: PanelState): void {
    this.vscode.setState(state);
  }

  /**
   * Listens to the host, then says ready: replies go to their requests, notices to `noticeHost`, and
   * every other message to the panel's `onMessage`.
   */
  start(noticeHost: HTMLElement, onMessage: (m: PanelMessage) => void): void {
    window.addEventListener('message', (event: MessageEvent<unknown>) => {
      const m = event.data;
      if (!isHostMessage(m) || this.channel.handle(m) || m.type === 'reply') return;
      if (m.type === 'notice') showNotice(noticeHost, m.severity, m.message);
      else onMessage(m);
    });
    this.post({ type: 'ready' });
  }
}
