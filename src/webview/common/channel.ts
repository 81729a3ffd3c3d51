// The webview's end of the request/reply protocol (STYLE.md §17, after vscode-hexeditor's
// MessageHandler): a request gets a fresh id; the promise resolves with the host's result, or
// rejects when the host answers with an error or does not answer within the timeout. Free of the
// DOM and of acquireVsCodeApi, so unit tests drive it with a fake post and fake timers.
import {
  MAX_REQUEST_ID, REQUEST_TIMEOUT_MS, type HostToWebviewMessage, type ReplyMessage, type RequestMessage, type RequestMethod,
  type RequestParams, type RequestResult,
} from '../../shared/protocol';

/** Why a request failed: the host's error sentence, or a timeout. */
export class RequestError extends Error {
  constructor(readonly method: RequestMethod, message: string, readonly timedOut: boolean) {
    super(message);
    this.name = 'RequestError';
  }
}

export interface Timers {
  set(callback: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const realTimers: Timers = {
  set: (callback, ms) => setTimeout(callback, ms),
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

interface Pending {
  method: RequestMethod;
  resolve(result: unknown): void;
  reject(error: RequestError): void;
  timer: unknown;
}

function isReply(m: HostToWebviewMessage): m is ReplyMessage {
  return m.type === 'reply';
}

export class RequestChannel {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(
    private readonly post: (message: RequestMessage) => void,
    private readonly timeoutMs = REQUEST_TIMEOUT_MS,
    private readonly timers: Timers = realTimers,
  ) {}

  /** How many requests still wait for their reply. */
  get waiting(): number { return this.pending.size; }

  /** Sends `method` with `params`; resolves with the result, rejects on an error reply or a timeout. */
  request<K extends RequestMethod>(method: K, params: RequestParams<K>): Promise<RequestResult<K>> {
    const requestId = this.nextId;
    this.nextId = this.nextId >= MAX_REQUEST_ID ? 1 : this.nextId + 1;
    return new Promise<RequestResult<K>>((resolve, reject) => {
      const timer = this.timers.set(() => {
        if (!this.pending.delete(requestId)) return;
        reject(new RequestError(method, `no reply to ${method} within ${this.timeoutMs} ms`, true));
      }, this.timeoutMs);
      this.pending.set(requestId, { method, resolve: resolve as (r: unknown) => void, reject, timer });
      this.post({ type: 'request', requestId, method, params } as RequestMessage);
    });
  }

  /** Routes a reply to its request; returns false for any other message (or a reply nobody waits for). */
  handle(message: HostToWebviewMessage): boolean {
    if (!isReply(message)) return false;
    const p = this.pending.get(message.requestId);
    if (!p || p.method !== message.method) return false;
    this.pending.delete(message.requestId);
    this.timers.clear(p.timer);
    if ('error' in message) p.reject(new RequestError(p.method, message.error, false));
    else p.resolve(message.result);
    return true;
  }
}
