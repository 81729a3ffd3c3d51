// The webview's end of the request/reply protocol (src/webview/common/channel.ts): a request
// resolves with the host's result, rejects with the host's error, and rejects when no reply comes
// within the timeout; late, foreign or mismatched replies change nothing. Timers are driven by hand.
import { describe, expect, it } from 'vitest';
import { RequestChannel, RequestError, type Timers } from '../../src/webview/common/channel';
import { PanelChannel, type RequestHandlers } from '../../src/extension/panels/channel';
import type { HostToWebviewMessage, RequestMessage } from '../../src/shared/protocol';

/** Timers that fire only when the test says so. */
function manualTimers(): Timers & { fireAll(): void; live: number } {
  const live = new Map<number, () => void>();
  let next = 1;
  return {
    set: (cb) => { const id = next++; live.set(id, cb); return id; },
    clear: (h) => { live.delete(h as number); },
    fireAll: () => { const cbs = [...live.values()]; live.clear(); for (const cb of cbs) cb(); },
    get live() { return live.size; },
  };
}

function setup(): { channel: RequestChannel; sent: RequestMessage[]; timers: ReturnType<typeof manualTimers> } {
  const sent: RequestMessage[] = [];
  const timers = manualTimers();
  return { channel: new RequestChannel((m) => sent.push(m), 1000, timers), sent, timers };
}

describe('webview requests', () => {
  it('resolve with the result of the reply that names their id, and clear their timer', async () => {
    const { channel, sent, timers } = setup();
    const a = channel.request('listCreations', { start: 0, count: 5 });
    const b = channel.request('listFaults', { filter: 'all', start: 0, count: 5 });
    expect(sent.map((m) => [m.method, m.requestId])).toEqual([['listCreations', 1], ['listFaults', 2]]);
    expect(channel.handle({ type: 'reply', requestId: 2, method: 'listFaults', result: { total: 0, faults: [] } })).toBe(true);
    expect(channel.handle({ type: 'reply', requestId: 1, method: 'listCreations', result: { total: 1, flows: [] } })).toBe(true);
    await expect(a).resolves.toEqual({ total: 1, flows: [] });
    await expect(b).resolves.toEqual({ total: 0, faults: [] });
    expect(channel.waiting).toBe(0);
    expect(timers.live).toBe(0);
  });

  it('reject with the host\'s error sentence', async () => {
    const { channel, sent } = setup();
    const p = channel.request('walkAddress', { pid: 9, va: '0x1000' });
    channel.handle({ type: 'reply', requestId: sent[0]!.requestId, method: 'walkAddress', error: 'Process 9 does not exist.' });
    await expect(p).rejects.toThrow('Process 9 does not exist.');
    await expect(p).rejects.toMatchObject({ timedOut: false, method: 'walkAddress' });
  });

  it('reject when no reply comes in time; a reply after that is ignored', async () => {
    const { channel, sent, timers } = setup();
    const p = channel.request('listCreations', { start: 0, count: 5 });
    timers.fireAll();
    await expect(p).rejects.toBeInstanceOf(RequestError);
    await expect(p).rejects.toMatchObject({ timedOut: true });
    expect(channel.waiting).toBe(0);
    expect(channel.handle({ type: 'reply', requestId: sent[0]!.requestId, method: 'listCreations', result: { total: 0, flows: [] } })).toBe(false);
  });

  it('other messages, unknown ids and a reply for another method are not taken as replies', () => {
    const { channel, sent } = setup();
    void channel.request('listCreations', { start: 0, count: 5 }).catch(() => undefined);
    expect(channel.handle({ type: 'notice', message: 'x', severity: 'info' })).toBe(false);
    expect(channel.handle({ type: 'reply', requestId: 999, method: 'listCreations', result: { total: 0, flows: [] } })).toBe(false);
    expect(channel.handle({ type: 'reply', requestId: sent[0]!.requestId, method: 'listFaults', result: { total: 0, faults: [] } })).toBe(false);
    expect(channel.waiting).toBe(1);
  });

  it('end to end with the host channel: every request settles, served or not', async () => {
    const timers = manualTimers();
    let webview: RequestChannel | undefined = undefined;
    const fail = (): never => { throw new Error('This panel does not answer it.'); };
    const requests: RequestHandlers = {
      listCreations: ({ count }) => ({ total: count, flows: [] }), getCreationSteps: fail, listFaults: fail, walkAddress: fail,
    };
    const host = new PanelChannel({
      post: (m: HostToWebviewMessage) => { webview!.handle(m); },
      onEvent: () => undefined, requests, invalidRequest: () => 'malformed', onEventError: () => undefined,
    });
    webview = new RequestChannel((m) => { void host.receive(JSON.parse(JSON.stringify(m))); }, 1000, timers);
    await expect(webview.request('listCreations', { start: 0, count: 3 })).resolves.toEqual({ total: 3, flows: [] });
    await expect(webview.request('walkAddress', { pid: 4, va: '0x1000' })).rejects.toThrow('This panel does not answer it.');
    await expect(webview.request('listCreations', { start: -1, count: 3 })).rejects.toThrow('malformed');
    expect(webview.waiting).toBe(0);
  });
});
