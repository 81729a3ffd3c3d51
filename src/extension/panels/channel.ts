// The host's end of a stepping panel's message channel, free of `vscode` so unit tests drive it:
// every message is validated (STYLE.md §4), events go to their handler, and every request gets
// exactly one reply — its result, or an error reply when the request was malformed or its handler
// threw (STYLE.md §17). Nothing from a webview is used before a guard accepted it.
import { isRequestMessage, isWebviewEventMessage, requestIdOf } from '../../shared/guards';
import type {
  HostToWebviewMessage, ReplyMessage, RequestMethod, RequestParams, RequestResult, WebviewEventMessage,
} from '../../shared/protocol';

/** A handler per request method: returns the result, or throws (the thrown message becomes the error reply). */
export type RequestHandlers = { [K in RequestMethod]: (params: RequestParams<K>) => RequestResult<K> | Promise<RequestResult<K>> };

export interface ChannelOptions {
  /** Posts a message to the webview. */
  post(message: HostToWebviewMessage): void;
  /** A validated event (ready, goto, reveal, ...); a returned promise is awaited (a reveal runs a command). */
  onEvent(message: WebviewEventMessage): void | Promise<void>;
  /** The panel's request handlers. */
  requests: RequestHandlers;
  /** Localized error text for a request the guard refused. */
  invalidRequest(): string;
  /** Called when an event handler throws or rejects (the panel shows a notice). */
  onEventError(error: unknown): void;
}

/** What the channel saw: counts and the last few message types (bounded: a webview can send forever). */
export interface ChannelStats {
  accepted: number;
  rejected: number;
  /** The most recent messages, oldest first, at most RECENT_LIMIT. */
  recent: Array<{ accepted: boolean; type: string }>;
}

export const RECENT_LIMIT = 32;

function typeOf(raw: unknown): string {
  if (typeof raw !== 'object' || raw === null) return typeof raw;
  const t = (raw as { type?: unknown }).type;
  return typeof t === 'string' ? t.slice(0, 40) : typeof t;
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export class PanelChannel {
  readonly stats: ChannelStats = { accepted: 0, rejected: 0, recent: [] };

  constructor(private readonly options: ChannelOptions) {}

  /** Entry point of every message from the webview. Resolves when it was handled (a request: answered). */
  async receive(raw: unknown): Promise<void> {
    if (isRequestMessage(raw)) {
      this.note(true, raw.type);
      return this.answer(raw.requestId, raw.method, raw.params);
    }
    if (isWebviewEventMessage(raw)) {
      this.note(true, raw.type);
      try { await this.options.onEvent(raw); } catch (e) { this.options.onEventError(e); }
      return;
    }
    this.note(false, typeOf(raw));
    // A malformed request still gets its answer, so the webview's promise does not wait for a timeout.
    const id = requestIdOf(raw);
    if (id !== undefined) {
      const method = String((raw as { method?: unknown }).method).slice(0, 40) as RequestMethod;
      this.options.post({ type: 'reply', requestId: id, method, error: this.options.invalidRequest() } as ReplyMessage);
    }
  }

  private async answer<K extends RequestMethod>(requestId: number, method: K, params: RequestParams<K>): Promise<void> {
    let reply: ReplyMessage;
    try {
      const handler = this.options.requests[method] as (p: RequestParams<K>) => RequestResult<K> | Promise<RequestResult<K>>;
      const result = await handler(params);
      reply = { type: 'reply', requestId, method, result } as ReplyMessage;
    } catch (e) {
      reply = { type: 'reply', requestId, method, error: errorText(e) } as ReplyMessage;
    }
    this.options.post(reply);
  }

  private note(accepted: boolean, type: string): void {
    if (accepted) this.stats.accepted++; else this.stats.rejected++;
    const recent = this.stats.recent;
    if (recent.length >= RECENT_LIMIT) recent.shift();
    recent.push({ accepted, type });
  }
}
