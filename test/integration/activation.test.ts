import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { Commands } from '../../src/extension/ids';
import { activatedApi, initialState, manifest, ntLabExtension } from './helpers';

suite('Activation', () => {
  test('the extension is installed and stays lazy until first used', () => {
    const ext = ntLabExtension();
    const events = manifest().activationEvents ?? [];
    assert.ok(!events.includes('*'), 'no `*` activation (DESIGN.md §8)');
    assert.ok(!events.includes('onStartupFinished'), 'no activation at startup');
    assert.ok(ext, 'installed');
    assert.equal(initialState().activeBeforeSuites, false, 'before anything used the extension, it was not active');
  });

  test('activates and returns its API with a numeric activationMs', async () => {
    const api = await activatedApi();
    assert.equal(ntLabExtension().isActive, true);
    assert.equal(typeof api.activationMs, 'number');
    assert.ok(Number.isFinite(api.activationMs) && api.activationMs >= 0, `activationMs = ${api.activationMs}`);
    assert.ok(api.session, 'the API exposes the session');
  });

  test('every command contributed in package.json is registered', async () => {
    await activatedApi();
    const registered = new Set(await vscode.commands.getCommands(true));
    const contributed = manifest().contributes.commands.map((c) => c.command);
    assert.ok(contributed.length > 0, 'the manifest contributes commands');
    assert.deepEqual(contributed.filter((id) => !registered.has(id)), [], 'contributed but not registered');
    const known = new Set<string>(Object.values(Commands));
    assert.deepEqual(contributed.filter((id) => !known.has(id)), [], 'contributed but missing from ids.ts');
  });

  test('the NT Lab views are contributed to the ntlab container', () => {
    const views = manifest().contributes.views.ntlab?.map((v) => v.id) ?? [];
    assert.deepEqual(views.slice(0, 4), ['ntlab.processes', 'ntlab.physicalMemory', 'ntlab.sections', 'ntlab.jobs']);
  });
});
