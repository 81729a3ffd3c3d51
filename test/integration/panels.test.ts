// The stepping panels in a real VS Code: opening them, stepping and jumping through the real
// message path (validated like a webview's), the session cursor following, reviving a panel from
// persisted state (malformed state falls back to defaults), and leaving a panel returning to the present.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { PageFaultPanel } from '../../src/extension/panels/pageFaultPanel';
import type { ProcessCreationPanel } from '../../src/extension/panels/processCreationPanel';
import type { OpenedPanel } from '../../src/extension/panels/register';
import { Commands } from '../../src/extension/ids';
import { activatedApi, closeAllEditorsDiscarding } from './helpers';

async function openCreation(args?: unknown): Promise<OpenedPanel<ProcessCreationPanel>> {
  const opened = await vscode.commands.executeCommand<OpenedPanel<ProcessCreationPanel> | undefined>(Commands.openProcessCreationPanel, args);
  assert.ok(opened, 'the command returns the panel');
  return opened;
}

async function openFaults(args?: unknown): Promise<OpenedPanel<PageFaultPanel>> {
  const opened = await vscode.commands.executeCommand<OpenedPanel<PageFaultPanel> | undefined>(Commands.openPageFaultPanel, args);
  assert.ok(opened, 'the command returns the panel');
  return opened;
}

/** Resolves with `promise`, or fails loudly (never silently) when it has not settled after `ms`. */
async function within<T>(promise: Promise<T>, what: string, ms = 20_000): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([promise, new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms); })]);
  } finally {
    clearTimeout(timer);
  }
}

/** Resolves when the webview said ready. */
function ready(panel: { whenReady(): Promise<void> }): Promise<void> {
  return within(panel.whenReady(), 'the webview saying ready');
}

/** The next time the panel caught up with recorded steps (it coalesces a burst into one refresh). */
function nextRefresh(panel: { onDidRefresh: vscode.Event<void> }): Promise<void> {
  return within(new Promise<void>((resolve) => { const sub = panel.onDidRefresh(() => { sub.dispose(); resolve(); }); }), 'the panel refresh');
}

suite('Stepping panels', () => {
  suiteTeardown(async () => {
    await closeAllEditorsDiscarding();
  });

  test('the process-creation panel opens at the requested stage and moves the session cursor there', async () => {
    const api = await activatedApi();
    const { panel } = await openCreation({ stage: '3B' });
    const system = api.session.system;
    assert.ok(system, 'opening the panel starts a simulation when none runs');
    await ready(panel);
    assert.deepEqual(panel.received.recent[0], { accepted: true, type: 'ready' }, 'the webview says ready first');
    const flow = panel.flow!;
    assert.ok(flow, 'boot recorded CreateProcess flows');
    const seq = api.session.cursor;
    assert.equal(seq, flow.start + panel.state.index);
    const step = system.getSteps(seq!, seq! + 1)[0]!;
    assert.ok(['3B', '3C', '3D', '3E', '3F'].includes(step.stage ?? ''), `landed on stage ${step.stage}`);
    assert.equal(api.session.displayed?.stepsIncluded, seq! + 1, 'the sidebar shows the state right after that step');
  });

  test('stepping forward and back, and jumping, go through the validated message path', async () => {
    const api = await activatedApi();
    const { panel } = await openCreation();
    const flow = panel.flow!;
    panel.receive({ type: 'goto', index: 0 });
    assert.equal(api.session.cursor, flow.start);
    panel.receive({ type: 'goto', index: 2 });
    assert.equal(api.session.cursor, flow.start + 2);
    panel.receive({ type: 'goto', index: 1 });
    assert.equal(api.session.cursor, flow.start + 1, 'stepping back restores the earlier state');
    assert.equal(api.session.displayed?.stepsIncluded, flow.start + 2);
    const { accepted, rejected } = panel.received;
    for (const bad of [{ type: 'goto', index: -1 }, { type: 'goto', index: 1e100 }, { type: 'goto' }, null, 'goto', { type: 'rm -rf' }]) await panel.receive(bad);
    assert.equal(api.session.cursor, flow.start + 1, 'malformed messages move nothing');
    assert.deepEqual([panel.received.accepted - accepted, panel.received.rejected - rejected], [0, 6], 'all six refused');
    panel.receive({ type: 'present' });
    assert.equal(api.session.cursor, undefined, '"Present" returns the whole simulation to the live state');
  });

  test('a new CreateProcess run from the panel is shown from its first step', async () => {
    const api = await activatedApi();
    const { panel } = await openCreation();
    const before = api.session.system!.processCount;
    panel.receive({ type: 'runCreateProcess', imagePath: 'C:\\Windows\\System32\\notepad.exe' });
    assert.equal(api.session.system!.processCount, before + 1);
    const flow = panel.flow!;
    assert.equal(flow.image, 'C:\\Windows\\System32\\notepad.exe');
    assert.equal(panel.state.index, 0);
    assert.equal(api.session.cursor, flow.start);
  });

  test('the page-fault panel causes a soft fault, steps its phases, and the cursor goes from before to after', async () => {
    const api = await activatedApi();
    const { panel } = await openFaults({ kind: 'transition' });
    await ready(panel);
    panel.receive({ type: 'causeFault', kind: 'transition' });
    const system = api.session.system!;
    const seq = panel.state.seq;
    assert.equal(system.getSteps(seq, seq + 1)[0]?.code, 'fault.transition');
    const fault = panel.fault!;
    assert.equal(fault.before.levels[3]?.pte.kind, 'transition');
    assert.equal(fault.after.levels[3]?.pte.kind, 'hardware');
    assert.equal(api.session.displayed?.stepsIncluded, fault.phases[0]!.cursor + 1, 'phase 1 shows the state before the fault');
    assert.ok(fault.phases[0]!.cursor < seq);
    panel.receive({ type: 'goto', index: fault.phases.length - 1 });
    assert.equal(api.session.displayed?.stepsIncluded, seq + 1, 'the last phase shows the state after it');
    panel.receive({ type: 'goto', index: 0 });
    assert.equal(api.session.displayed?.stepsIncluded, fault.phases[0]!.cursor + 1, 'and back again');
  });

  test('demand-zero, hard, guard-page and access-violation faults all render', async () => {
    const { panel } = await openFaults();
    for (const [kind, last] of [['demandZero', 'translation'], ['pageFile', 'translation'], ['guardPage', 'exception'], ['accessViolation', 'exception']] as const) {
      panel.receive({ type: 'causeFault', kind });
      const fault = panel.fault;
      assert.equal(fault?.kind, kind);
      assert.equal(fault.phases.at(-1)?.id, last, `${kind} ends in ${last}`);
    }
  });

  test('follow mode jumps to new faults; previous/next walk the recorded faults', async () => {
    const api = await activatedApi();
    const { panel } = await openFaults();
    panel.receive({ type: 'setFilter', filter: 'all' });
    panel.receive({ type: 'setFollow', follow: true });
    const system = api.session.system!;
    const pid = system.processIds.at(-1)!;
    const w = system.win32(pid);
    const base = w.VirtualAlloc(0n, 0x10000n, 0x3000, 0x04);
    const refreshed = nextRefresh(panel);
    w.WriteMemory(base, new Uint8Array([1]));
    await refreshed;
    const newest = panel.state.seq;
    assert.equal(system.getSteps(newest, newest + 1)[0]?.code, 'fault.demandZero');
    panel.receive({ type: 'adjacentFault', direction: 'previous' });
    assert.ok(panel.state.seq < newest);
    panel.receive({ type: 'adjacentFault', direction: 'next' });
    assert.equal(panel.state.seq, newest);
    panel.receive({ type: 'setFollow', follow: false });
  });

  test('links to a job and to a file reach ntlab.reveal; the job is revealed in the Jobs view', async () => {
    const api = await activatedApi();
    const { panel } = await openCreation();
    await ready(panel);
    const system = api.session.system!;
    const pid = system.processIds.at(-1)!;
    const from = system.stepCount;
    assert.notEqual(system.win32(pid).CreateJobObject(null, 'Local\\PanelLink'), 0, 'CreateJobObject succeeds');
    const job = system.getSteps(from, system.stepCount).flatMap((s) => s.changes).find((c) => c.type === 'job');
    assert.ok(job?.id !== undefined, 'CreateJobObject records the job it created');
    await panel.receive({ type: 'reveal', ref: { type: 'job', id: job.id } });
    assert.deepEqual(panel.lastReveal?.ref, { type: 'job', id: job.id });
    assert.ok(panel.lastReveal?.nodeId, 'the Jobs view revealed the job');
    const file = system.getSteps(0, system.stepCount).flatMap((s) => s.changes).find((c) => c.type === 'file');
    assert.ok(file?.id !== undefined, 'opening an image records its file');
    await panel.receive({ type: 'reveal', ref: { type: 'file', id: file.id } });
    assert.deepEqual(panel.lastReveal?.ref, { type: 'file', id: file.id }, 'the file link is not dropped by the guard');
  });

  test('every request gets a reply: results, and an error for a request the panel does not serve', async () => {
    const { panel } = await openCreation();
    await ready(panel);
    const replies: unknown[] = [];
    const post = panel.panel.webview.postMessage.bind(panel.panel.webview);
    panel.panel.webview.postMessage = (m: unknown) => { replies.push(m); return post(m); };
    try {
      await panel.receive({ type: 'request', requestId: 900, method: 'listCreations', params: { start: 0, count: 2 } });
      await panel.receive({ type: 'request', requestId: 901, method: 'walkAddress', params: { pid: 4, va: '0x1000' } });
      await panel.receive({ type: 'request', requestId: 902, method: 'listCreations', params: { start: -1, count: 2 } });
    } finally {
      panel.panel.webview.postMessage = post;
    }
    const byId = new Map((replies as Array<{ type: string; requestId?: number }>).filter((r) => r.type === 'reply').map((r) => [r.requestId, r]));
    assert.ok('result' in (byId.get(900) ?? {}), 'listCreations answered with a result');
    assert.ok('error' in (byId.get(901) ?? {}), 'walkAddress is the page-fault panel\'s: an error reply');
    assert.ok('error' in (byId.get(902) ?? {}), 'a malformed request: an error reply');
  });

  test('panels revive from persisted state, and malformed state falls back to defaults', async () => {
    const { manager } = await openFaults();
    const good = vscode.window.createWebviewPanel('ntlab.pageFault', 'revived', vscode.ViewColumn.Beside, {});
    await manager.deserializeWebviewPanel(good, { panel: 'pageFault', seq: -1, phase: 0, filter: 'guardPage', follow: true, speedMs: 250 });
    assert.equal(manager.current?.state.filter, 'guardPage');
    assert.equal(manager.current?.state.speedMs, 250);
    const bad = vscode.window.createWebviewPanel('ntlab.pageFault', 'revived', vscode.ViewColumn.Beside, {});
    await manager.deserializeWebviewPanel(bad, { panel: 'pageFault', seq: 'DROP TABLE', phase: 1e9, filter: {}, follow: 'yes', speedMs: -1 });
    assert.deepEqual(manager.current?.state, { panel: 'pageFault', seq: -1, phase: 0, filter: 'all', follow: false, speedMs: 1000 });
    const { manager: creation } = await openCreation();
    const p = vscode.window.createWebviewPanel('ntlab.processCreation', 'revived', vscode.ViewColumn.Beside, {});
    await creation.deserializeWebviewPanel(p, null);
    assert.equal(creation.current?.state.panel, 'processCreation');
    await ready(creation.current!);
  });

  test('closing the panel that moved the cursor returns the simulation to the present', async () => {
    const api = await activatedApi();
    const { panel } = await openCreation({ stage: '4' });
    assert.notEqual(api.session.cursor, undefined);
    panel.panel.dispose();
    assert.equal(api.session.cursor, undefined);
  });

  test('invalid command arguments are refused without opening anything', async () => {
    assert.equal(await vscode.commands.executeCommand(Commands.openProcessCreationPanel, { stage: '9Z' }), undefined);
    assert.equal(await vscode.commands.executeCommand(Commands.openPageFaultPanel, { kind: 'soft', va: 12 }), undefined);
  });
});
