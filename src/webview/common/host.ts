// The webview's side of the protocol: one VS Code API handle, typed posts, request/reply by id,
// and the persisted state (getState/setState) the host's serializer gets back after a reload.
import type { HostToWebviewMessage, PanelState, WebviewToHostMessage } from '../../shared/protocol';

const vscode = acquireVsCodeApi<PanelState>();

export function post(message: WebviewToHostMessage): void {
  vscode.postMessage(message);
}

export function saveState(state: PanelState): void {
  vscode.setState(state);
}

export function loadState(): PanelState | undefined {
  return vscode.getState();
}

type Reply = Extract<HostToWebviewMessage, { requestId: number }>;
const pending = new Map<number, (m: Reply) => void>();
let nextRequestId = 1;

/** Sends a request built with a fresh id and resolves with the reply carrying that id. */
export function request<R extends Reply>(build: (requestId: number) => WebviewToHostMessage): Promise<R> {
  const id = nextRequestId++;
  return new Promise<R>((resolve) => {
    pending.set(id, (m) => resolve(m as R));
    post(build(id));
  });
}

function isHostMessage(v: unknown): v is HostToWebviewMessage {
  return typeof v === 'object' && v !== null && typeof (v as { type?: unknown }).type === 'string';
}

/** Listens to the host (replies go to their requests first), then says ready. */
export function start(onMessage: (m: HostToWebviewMessage) => void): void {
  window.addEventListener('message', (event: MessageEvent<unknown>) => {
    const m = event.data;
    if (!isHostMessage(m)) return;
    if ('requestId' in m && typeof m.requestId === 'number') {
      const resolve = pending.get(m.requestId);
      if (resolve) { pending.delete(m.requestId); resolve(m as Reply); return; }
    }
    onMessage(m);
  });
  post({ type: 'ready' });
}
