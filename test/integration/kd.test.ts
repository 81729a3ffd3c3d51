// The kernel debugger in the real VS Code: the console opens as a terminal with the `0: kd>` prompt,
// runs what is typed into it, moves the session when it time-travels and follows a reset.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { Commands } from '../../src/extension/ids';
import type { KernelDebuggerConsole } from '../../src/extension/kd/terminal';
import { activatedApi, runningSystem } from './helpers';

/** Resolves when the console's transcript satisfies `done`; fails loudly after 5 s. */
function until(kd: KernelDebuggerConsole, done: (text: string) => boolean, what: string): Promise<void> {
  if (done(kd.transcript())) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { sub.dispose(); reject(new Error(`${what}: not in the console after 5 s:\n${kd.transcript().slice(-2000)}`)); }, 5000);
    const sub = kd.onDidWrite(() => { if (done(kd.transcript())) { clearTimeout(timer); sub.dispose(); resolve(); } });
  });
}

function terminalNamed(name: string): vscode.Terminal {
  const t = vscode.window.terminals.find((x) => x.name === name);
  assert.ok(t, `a terminal named ${name}`);
  return t;
}

suite('Kernel debugger console', () => {
  test('opens with the kd prompt and answers !process 0 0 with every process', async () => {
    const system = await runningSystem();
    const kd = await vscode.commands.executeCommand<KernelDebuggerConsole>(Commands.openKernelDebugger);
    await until(kd, (t) => t.includes('0: kd> '), 'the prompt');
    const terminal = terminalNamed(kd.name);
    terminal.sendText('!process 0 0', true);
    await until(kd, (t) => (t.match(/\r\n0: kd> /g) ?? []).length >= 1 && t.includes('Image: explorer.exe'), '!process output');
    for (const pid of system.processIds) assert.ok(kd.transcript().includes(`Cid: ${pid.toString(16).padStart(4, '0')}`), `pid ${pid} listed`);
    terminal.dispose();
  });

  test('!tt moves the session cursor; !tt 100 returns to the present', async () => {
    const api = await activatedApi();
    await runningSystem();
    const kd = await vscode.commands.executeCommand<KernelDebuggerConsole>(Commands.openKernelDebugger);
    await until(kd, (t) => t.includes('0: kd> '), 'the prompt');
    const terminal = terminalNamed(kd.name);
    terminal.sendText('!tt 0:0', true);
    await until(kd, (t) => t.includes('Time Travel Position: 0:0'), '!tt output');
    assert.equal(api.session.cursor, 0);
    terminal.sendText('!tt 100', true);
    await until(kd, (t) => t.includes('(present)'), '!tt 100 output');
    assert.equal(api.session.cursor, undefined);
    terminal.dispose();
  });

  test('an unknown extension gets WinDbg\'s answer, and the console says when the simulation is reset', async () => {
    await runningSystem();
    const kd = await vscode.commands.executeCommand<KernelDebuggerConsole>(Commands.openKernelDebugger);
    await until(kd, (t) => t.includes('0: kd> '), 'the prompt');
    const terminal = terminalNamed(kd.name);
    terminal.sendText('!nosuchthing', true);
    await until(kd, (t) => t.includes('No export nosuchthing found'), 'the error line');
    const before = kd.transcript().length;
    const api = await activatedApi();
    api.session.start({ seed: 1 });
    await until(kd, (t) => t.length > before && t.slice(before).includes('kd> '), 'the notice after a reset');
    terminal.dispose();
  });
});
