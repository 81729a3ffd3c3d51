// Activation stays cheap: loading the extension bundle must not load the engine bundle
// (esbuild.js, lazyEngine). The engine arrives on first use, e.g. when a session starts.
import { build } from 'esbuild';
import fs from 'node:fs';
import Module from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '../..');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { lazyEngine, engineExportNames } = require(path.join(root, 'esbuild.js')) as {
  lazyEngine(names: string[]): import('esbuild').Plugin;
  engineExportNames(): Promise<string[]>;
};

describe('lazy engine loading', () => {
  it('requiring the extension bundle does not load the engine bundle', async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'ntlab-lazy-'));
    const cwd = process.cwd();
    process.chdir(root);
    try {
      const names = await engineExportNames();
      expect(names).toContain('createSystem');
      await build({
        entryPoints: { extension: 'src/extension/extension.ts' }, outdir: out, bundle: true, format: 'cjs', platform: 'node',
        external: ['vscode', './engine.js'], plugins: [lazyEngine(names)], logLevel: 'silent',
      });
    } finally {
      process.chdir(cwd);
    }
    // A stand-in engine bundle that records being loaded.
    fs.writeFileSync(path.join(out, 'engine.js'), 'globalThis.__ntlabEngineLoaded = (globalThis.__ntlabEngineLoaded ?? 0) + 1; module.exports = { createSystem: () => "system" };');
    const fakeVscode = new Proxy(function () { /* any API */ }, {
      get: (_t, p): unknown => (p === '__esModule' || p === 'then' ? undefined : fakeVscode),
      apply: (): unknown => fakeVscode,
      construct: (): object => fakeVscode as object,
    });
    const mod = Module as unknown as { _load(request: string, ...rest: unknown[]): unknown };
    const original = mod._load;
    mod._load = function (request: string, ...rest: unknown[]) { return request === 'vscode' ? fakeVscode : original.call(this, request, ...rest); };
    const g = globalThis as { __ntlabEngineLoaded?: number };
    delete g.__ntlabEngineLoaded;
    try {
      const extension = Module.createRequire(path.join(out, 'x.js'))(path.join(out, 'extension.js')) as { activate: unknown };
      expect(typeof extension.activate).toBe('function');
      expect(g.__ntlabEngineLoaded, 'the engine bundle must not load with the extension').toBeUndefined();
    } finally {
      mod._load = original;
      fs.rmSync(out, { recursive: true, force: true });
    }
  }, 180_000);
});
