// The host's end of a panel's message channel (src/extension/panels/channel.ts): links to every
// kind of object reach the reveal handler (issue 14: job and file links were dropped by the guard),
// every request is answered exactly once — with its result, or an error reply when the request was
// malformed or its handler threw — and what the channel remembers stays bounded.
import { describe, expect, it } from 'vitest';
import { createSystem } from '../../src/engine';
import { PanelChannel, RECENT_LIMIT, type RequestHandlers } from '../../src/extension/panels/channel';
import { changeLinks } from '../../src/extension/panels/explain';
import type { ChangeRefDto, HostToWebviewMessage, WebviewEventMessage } from '../../src/shared/protocol';
import { CHANGE_TYPES } from '../../src/shared/protocol';

interface Harness {
  channel: PanelChannel;
  posted: HostToWebviewMessage[];
  events: WebviewEventMessage[];
  revealed: ChangeRefDto[];
  eventErrors: unknown[];
}

function harness(requests: Partial<RequestHandlers> = {}): Harness {
  const posted: HostToWebviewMessage[] = [];
  const events: WebviewEventMessage[] = [];
  const revealed: ChangeRefDto[] = [];
  const eventErrors: unknown[] = [];
  const fail = (): never => { throw new Error('not here'); };
  const channel = new PanelChannel({
    post: (m) => posted.push(m),
    onEvent: async (m) => {
      events.push(m);
      if (m.type === 'reveal') revealed.push(m.ref);
    },
    requests: { getCreationSteps: fail, listCreations: fail, listFaults: fail, walkAddress: fail, ...requests },
    invalidRequest: () => 'malformed',
    onEventError: (e) => eventErrors.push(e),
  });
  return { channel, posted, events, revealed, eventErrors };
}

describe('panel links reveal what they name', () => {
  it('a link to a job and to a file, as the host builds them from recorded steps, reaches the reveal handler', async () => {
    const sys = createSystem({ physicalMemoryMB: 64, pageFileMB: 64 });
    const pid = sys.createProcess({ imagePath: 'cmd.exe' }).pid;
    expect(sys.win32(pid).CreateJobObject(null, 'Local\\Links')).not.toBe(0);
    // What the webview gets in a step's `changes` (as JSON), and posts back when the learner clicks one.
    const links = sys.getSteps(0, sys.stepCount).flatMap((s) => changeLinks(s, { t: (m) => m }));
    const wire = JSON.parse(JSON.stringify(links)) as Array<{ ref: ChangeRefDto }>;
    const job = wire.find((l) => l.ref.type === 'job')?.ref;
    const file = wire.find((l) => l.ref.type === 'file')?.ref;
    expect(job && file).toBeTruthy();
    const h = harness();
    for (const ref of [job!, file!]) await h.channel.receive({ type: 'reveal', ref });
    expect(h.revealed).toEqual([{ type: 'job', id: job!.id }, { type: 'file', id: file!.id }]);
    expect(h.channel.stats.rejected).toBe(0);
  });

  it('every change type of the engine is accepted; an unknown one is dropped', async () => {
    const h = harness();
    for (const type of CHANGE_TYPES) await h.channel.receive({ type: 'reveal', ref: { type, id: 3 } });
    await h.channel.receive({ type: 'reveal', ref: { type: 'registryKey', id: 3 } });
    expect(h.revealed.map((r) => r.type)).toEqual([...CHANGE_TYPES]);
    expect(h.channel.stats).toMatchObject({ accepted: CHANGE_TYPES.length, rejected: 1 });
  });
});

describe('requests always get one reply', () => {
  it('a handled request gets its result under the same id and method', async () => {
    const h = harness({ listCreations: ({ start, count }) => ({ total: 7, flows: [{ start, end: start + count, image: 'a.exe', label: 'a' }] }) });
    await h.channel.receive({ type: 'request', requestId: 41, method: 'listCreations', params: { start: 2, count: 3 } });
    expect(h.posted).toEqual([{ type: 'reply', requestId: 41, method: 'listCreations', result: { total: 7, flows: [{ start: 2, end: 5, image: 'a.exe', label: 'a' }] } }]);
  });

  it('a handler that throws, or rejects, gives an error reply', async () => {
    const h = harness({
      walkAddress: () => { throw new Error('Process 9 does not exist.'); },
      listFaults: async () => { throw new Error('gone'); },
    });
    await h.channel.receive({ type: 'request', requestId: 1, method: 'walkAddress', params: { pid: 9, va: '0x1000' } });
    await h.channel.receive({ type: 'request', requestId: 2, method: 'listFaults', params: { filter: 'all', start: 0, count: 5 } });
    expect(h.posted).toEqual([
      { type: 'reply', requestId: 1, method: 'walkAddress', error: 'Process 9 does not exist.' },
      { type: 'reply', requestId: 2, method: 'listFaults', error: 'gone' },
    ]);
  });

  it('a malformed request with a usable id gets an error reply; without one, nothing to answer', async () => {
    const h = harness();
    await h.channel.receive({ type: 'request', requestId: 5, method: 'listFaults', params: { filter: 'everything', start: 0, count: 5 } });
    await h.channel.receive({ type: 'request', requestId: 6, method: 'eval', params: {} });
    await h.channel.receive({ type: 'request', requestId: -1, method: 'listFaults', params: {} });
    expect(h.posted).toEqual([
      { type: 'reply', requestId: 5, method: 'listFaults', error: 'malformed' },
      { type: 'reply', requestId: 6, method: 'eval', error: 'malformed' },
    ]);
    expect(h.channel.stats.rejected).toBe(3);
  });

  it('an event handler that fails is reported, not thrown at the webview', async () => {
    const errors: unknown[] = [];
    const channel = new PanelChannel({
      post: () => undefined,
      onEvent: () => { throw new Error('boom'); },
      requests: harness().channel['options'].requests,
      invalidRequest: () => 'malformed',
      onEventError: (e) => errors.push(e),
    });
    await channel.receive({ type: 'goto', index: 1 });
    expect(errors.map((e) => (e as Error).message)).toEqual(['boom']);
  });
});

describe('what the channel remembers is bounded', () => {
  it('keeps counts of everything and only the last RECENT_LIMIT message types', async () => {
    const h = harness();
    for (let i = 0; i < RECENT_LIMIT * 3; i++) await h.channel.receive(i % 2 ? { type: 'goto', index: i } : { type: 'nonsense' });
    expect(h.channel.stats.accepted + h.channel.stats.rejected).toBe(RECENT_LIMIT * 3);
    expect(h.channel.stats.recent).toHaveLength(RECENT_LIMIT);
    expect(h.channel.stats.recent.at(-1)).toEqual({ accepted: true, type: 'goto' });
  });
});
