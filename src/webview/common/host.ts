// The webview's side of the protocol: one VS Code API handle, typed posts, requests through the
// RequestChannel (replies resolve, errors and timeouts reject), and the persisted state
// (getState/setState) the host's serializer gets back after a reload.
import type { HostToWebviewMessage, PanelState, RequestMethod, RequestParams, RequestResult, WebviewEventMessage } from '../../shared/protocol';
import { RequestChannel } from './channel';

const vscode = acquireVsCodeApi<PanelState>();
const channel = new RequestChannel((m) => vscode.postMessage(m));

/** Posts an event (no answer expected). */
export function post(message: WebviewEventMessage): void {
  vscode.postMessage(message);
}

/** Asks the host; rejects with a RequestError when the host answers with an error or not in time. */
export function request<K extends RequestMethod>(method: K, params: RequestParams<K>): Promise<RequestResult<K>> {
  return channel.request(method, params);
}

export function saveState(state: PanelState): void {
  vscode.setState(state);
}

export function loadState(): PanelState | undefined {
  return vscode.getState();
}

function isHostMessage(v: unknown): v is HostToWebviewMessage {
  return typeof v === 'object' && v !== null && typeof (v as { type?: unknown }).type === 'string';
}

/** Listens to the host (replies go to their requests), then says ready. */
export function start(onMessage: (m: Exclude<HostToWebviewMessage, { type: 'reply' }>) => void): void {
  window.addEventListener('message', (event: MessageEvent<unknown>) => {
    const m = event.data;
    if (!isHostMessage(m) || channel.handle(m) || m.type === 'reply') return;
    onMessage(m);
  });
  post({ type: 'ready' });
}
