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

/** Resolves with the first value `probe` gives within 5 s (a link's action runs asynchronously). */
async function eventually<T>(probe: () => T | undefined, what: string): Promise<T> {
  for (let i = 0; i < 100; i++) {
    const v = probe();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${what}: not within 5 s`);
}

/** The console is idle again: its last write is an empty prompt (drawn after the whole output). */
const idle = (t: string): boolean => t.endsWith('\r\x1b[K0: kd> ');

suite('Kernel debugger console', () => {
  test('opens with the kd prompt and answers !process 0 0 with every process', async () => {
    const system = await runningSystem();
    const kd = await vscode.commands.executeCommand<KernelDebuggerConsole>(Commands.openKernelDebugger);
    await until(kd, (t) => t.includes('0: kd> '), 'the prompt');
    kd.terminal.sendText('!process 0 0', true);
    await until(kd, (t) => t.includes('Image: explorer.exe') && idle(t), '!process output');
    for (const pid of system.processIds) assert.ok(kd.transcript().includes(`Cid: ${pid.toString(16).padStart(4, '0')}`), `pid ${pid} listed`);
    kd.terminal.dispose();
  });

  test('!tt moves the session cursor; !tt 100 returns to the present', async () => {
    const api = await activatedApi();
    await runningSystem();
    const kd = await vscode.commands.executeCommand<KernelDebuggerConsole>(Commands.openKernelDebugger);
    await until(kd, (t) => t.includes('0: kd> '), 'the prompt');
    kd.terminal.sendText('!tt 0:0', true);
    await until(kd, (t) => t.includes('Time Travel Position: 0:0'), '!tt output');
    assert.equal(api.session.cursor, 0);
    kd.terminal.sendText('!tt 100', true);
    await until(kd, (t) => t.includes('(present)'), '!tt 100 output');
    assert.equal(api.session.cursor, undefined);
    kd.terminal.dispose();
  });

  test('an unknown extension gets WinDbg\'s answer, and the console says when the simulation is reset', async () => {
    await runningSystem();
    const kd = await vscode.commands.executeCommand<KernelDebuggerConsole>(Commands.openKernelDebugger);
    await until(kd, (t) => t.includes('0: kd> '), 'the prompt');
    kd.terminal.sendText('!nosuchthing', true);
    await until(kd, (t) => t.includes('No export nosuchthing found'), 'the error line');
    const before = kd.transcript().length;
    const api = await activatedApi();
    api.session.start({ seed: 1 });
    await until(kd, (t) => t.length > before && t.slice(before).includes('kd> '), 'the notice after a reset');
    kd.terminal.dispose();
  });

  test('the link provider underlines an EPROCESS, a Cid and a type name; clicking them opens dt', async () => {
    const system = await runningSystem();
    const explorer = system.processIds.find((p) => system.queryProcess(p)!.imageFileName === 'explorer.exe')!;
    const eprocess = system.queryProcess(explorer)!.eprocess.toString(16);
    const kd = await vscode.commands.executeCommand<KernelDebuggerConsole>(Commands.openKernelDebugger);
    await until(kd, (t) => t.includes('0: kd> '), 'the prompt');
    kd.terminal.sendText('!process 0 0 explorer.exe', true);
    await until(kd, (t) => t.includes('Image: explorer.exe') && idle(t), '!process output');
    const line = kd.transcript().split('\r\n').find((l) => l.startsWith('PROCESS '))!;
    assert.equal(line, `PROCESS ${eprocess}`);
    const [address] = kd.links(line);
    assert.ok(address, `a link in ${JSON.stringify(line)}`);
    assert.equal(line.slice(address.startIndex, address.startIndex + address.length), eprocess);
    assert.match(address.tooltip ?? '', new RegExp(`\\b${explorer}\\b`));
    const header = kd.transcript().split('\r\n').find((l) => l.includes('Cid: '))!;
    assert.ok(kd.links(header).some((l) => header.slice(l.startIndex, l.startIndex + l.length) === `Cid: ${explorer.toString(16).padStart(4, '0')}`), header);
    // Clicking the address opens the process's EPROCESS as a dt document.
    kd.openLink(address);
    const doc = await eventually(() => {
      const d = vscode.window.activeTextEditor?.document;
      return d?.uri.scheme === 'ntlab-dt' && /dt nt!_EPROCESS/.test(d.getText()) ? d : undefined;
    }, 'the dt document of the clicked EPROCESS');
    assert.match(doc.getText(), new RegExp(`UniqueProcessId\\s+: 0x00000000\`${explorer.toString(16).padStart(8, '0')}`));
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    // A structure name runs dt in the console.
    const typeLinks = kd.links('see nt!_KPROCESS');
    assert.equal(typeLinks.length, 1);
    kd.openLink(typeLinks[0]!);
    await until(kd, (t) => /dt nt!_KPROCESS\r\n/.test(t) && /\+0x000 Header/.test(t), 'dt output of the clicked type');
    kd.terminal.dispose();
  });
});
