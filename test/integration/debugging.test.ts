// Debugging and tokens from the command palette in the real VS Code: attach, go through the debug
// events one at a time, detach; run a program at Low integrity. Driven with argument objects, bad input included.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { Commands } from '../../src/extension/ids';
import { activatedApi, manifest } from './helpers';

type Result = { ok: boolean; error?: string } & Record<string, unknown>;
const run = async (command: string, args?: unknown): Promise<Result> => {
  const r = await vscode.commands.executeCommand<Result | undefined>(command, args);
  assert.ok(r, `${command} returned a result`);
  return r;
};

async function freshSession() {
  const api = await activatedApi();
  if (!api.session.system) await vscode.commands.executeCommand(Commands.startSession);
  api.session.setCursor(undefined);
  return api;
}

suite('Debugging and tokens from the palette', () => {
  test('the commands are contributed, registered and localized', async () => {
    await activatedApi();
    const registered = new Set(await vscode.commands.getCommands(true));
    const contributed = manifest().contributes.commands as Array<{ command: string; title?: string }>;
    for (const id of [Commands.debugAttach, Commands.debugGo, Commands.debugDetach, Commands.runLowIntegrity]) {
      const c = contributed.find((x) => x.command === id);
      assert.ok(c, `${id} contributed`);
      // The host resolves %command.x% from package.nls.json: a real title, not the key.
      assert.match(c.title ?? '', /^(Attach|Debugger|Detach|Run)\b.*[a-z]/, `${id} has a resolved title, got ${c.title}`);
      assert.ok(registered.has(id), `${id} registered`);
    }
  });

  test('attach to notepad, go through every event to the break-in, detach', async () => {
    const api = await freshSession();
    const system = api.session.system!;
    const created = await run(Commands.createProcess, { imagePath: 'C:\\Windows\\System32\\notepad.exe' });
    const pid = created.pid as number;
    const attached = await run(Commands.debugAttach, { pid });
    assert.equal(attached.ok, true, JSON.stringify(attached));
    const debuggerPid = attached.debuggerPid as number;
    assert.equal(system.queryProcess(debuggerPid)?.imageFileName, 'windbg.exe');
    const seen: number[] = [];
    for (let i = 0; i < 50; i++) {
      const r = await run(Commands.debugGo);
      assert.equal(r.ok, true, JSON.stringify(r));
      if (r.event === null) break;
      seen.push(r.event as number);
    }
    assert.equal(seen[0], 3, 'CREATE_PROCESS_DEBUG_EVENT first');
    assert.ok(seen.includes(6), 'LOAD_DLL_DEBUG_EVENT for the loaded modules');
    assert.deepEqual(seen.slice(-3), [2, 1, 4], 'the break-in thread: created, breakpoint, exit');
    const detached = await run(Commands.debugDetach, { pid });
    assert.equal(detached.ok, true, JSON.stringify(detached));
    assert.deepEqual(system.queryDebugObjects().flatMap((d) => d.debuggeePids), []);
    // Detaching again is refused with a clear message; so is attaching to nothing.
    assert.match((await run(Commands.debugDetach, { pid })).error!, new RegExp(String(pid)));
    assert.equal((await run(Commands.debugAttach, { pid: 999999 })).ok, false);
  });

  test('a process created with DEBUG_PROCESS from the palette waits for its debugger until Go', async () => {
    const api = await freshSession();
    const system = api.session.system!;
    const created = await run(Commands.createProcess, { imagePath: 'C:\\Windows\\System32\\calc.exe', creationFlags: 'DEBUG_PROCESS' });
    const pid = created.pid as number;
    const entryPoint = () => system.getSteps(0, system.stepCount).some((s) => s.code === 'create.entryPoint' && s.args.pid === pid);
    assert.equal(entryPoint(), false, 'the loader waits for the debugger');
    for (let i = 0; i < 50 && !entryPoint(); i++) await run(Commands.debugGo);
    assert.equal(entryPoint(), true, 'Go ran the loader to the entry point');
  });

  test('Run at Low Integrity starts the program with a Low token', async () => {
    const api = await freshSession();
    const system = api.session.system!;
    const r = await run(Commands.runLowIntegrity, { imagePath: 'C:\\Windows\\System32\\notepad.exe' });
    assert.equal(r.ok, true, JSON.stringify(r));
    // The extension's engine is its own bundle: read the token through the public query, not the machine.
    assert.equal(system.queryProcess(r.pid as number)?.integrityLevel, 'Low');
    assert.equal((await run(Commands.runLowIntegrity, { pid: 999999, imagePath: 'C:\\Windows\\System32\\notepad.exe' })).ok, false);
  });
});
