// One build script, several contexts (STYLE.md §13):
//   extension  -> dist/extension.js      node/cjs, `vscode` external; the engine is loaded lazily from
//   engine     -> dist/engine.js         node/cjs, the simulation (see lazyEngine)
//   webviews   -> dist/webview/<name>.js browser/iife, one per folder in src/webview with a main.ts
//   purity     -> (not written)          src/engine bundled for a neutral platform with no
//                                        externals; importing `vscode` or a Node built-in fails.
// Flags: --watch, --production (minify, no sourcemaps).
'use strict';
const esbuild = require('esbuild');
const fs = require('node:fs');
const path = require('node:path');
const { builtinModules } = require('node:module');

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** Fails the engine bundle when anything in it reaches for vscode or a Node built-in. */
const enginePurity = {
  name: 'engine-purity',
  setup(build) {
    const banned = new Set(['vscode', ...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
    build.onResolve({ filter: /.*/ }, (args) => {
      const bare = args.path.replace(/^node:/, '');
      if (banned.has(args.path) || (args.path.startsWith('node:') && builtinModules.includes(bare))) {
        return {
          errors: [{
            text: `src/engine must stay pure: "${args.path}" imported from ${path.relative(__dirname, args.importer)} ` +
              '(the engine may import nothing from vscode, the DOM or Node built-ins; see DESIGN.md §2)',
          }],
        };
      }
      return undefined;
    });
  },
};

/** Prints errors in the `file:line:col: error: text` shape VS Code's problem matchers read. */
const problemReporter = (label) => ({
  name: 'problem-reporter',
  setup(build) {
    build.onEnd((result) => {
      for (const { text, location } of result.errors) {
        const where = location ? `${location.file}:${location.line}:${location.column}: ` : '';
        console.error(`[${label}] ${where}error: ${text}`);
      }
      if (watch) console.log(`[${label}] build finished`);
    });
  },
});

/**
 * The engine loads when the host first needs it, not at activation (DESIGN.md §8: activation is
 * lazy and fast). Host imports of src/engine resolve to a small module whose exports are getters over
 * dist/engine.js, a separate bundle; only the Win32 constants, which command parsers read when their
 * modules load, are bundled into the extension itself.
 */
function lazyEngine(engineExportNames) {
  const engineDir = path.join(__dirname, 'src', 'engine');
  const constantsFile = path.join(engineDir, 'constants.ts');
  return {
    name: 'lazy-engine',
    setup(build) {
      build.onResolve({ filter: /engine(\/index)?$/ }, (args) => {
        if (!args.importer.startsWith(path.join(__dirname, 'src', 'extension'))) return undefined;
        const target = path.resolve(args.resolveDir, args.path);
        if (target !== engineDir && target !== path.join(engineDir, 'index')) return undefined;
        return { path: 'engine', namespace: 'lazy-engine' };
      });
      build.onLoad({ filter: /.*/, namespace: 'lazy-engine' }, () => ({
        resolveDir: __dirname,
        loader: 'js',
        contents: [
          `const constants = require(${JSON.stringify(constantsFile)});`,
          'let engine;',
          "const load = () => engine ??= require('./engine.js');",
          "Object.defineProperty(exports, '__esModule', { value: true });",
          `for (const name of ${JSON.stringify(engineExportNames)}) {`,
          '  if (Object.prototype.hasOwnProperty.call(constants, name)) Object.defineProperty(exports, name, { enumerable: true, value: constants[name] });',
          '  else Object.defineProperty(exports, name, { enumerable: true, get: () => load()[name] });',
          '}',
        ].join('\n'),
      }));
    },
  };
}

/** The names src/engine/index.ts exports at run time (types are gone). */
async function engineExportNames() {
  const r = await esbuild.build({
    entryPoints: ['src/engine/index.ts'], bundle: true, write: false, format: 'esm', platform: 'neutral',
    metafile: true, outfile: 'dist/engine-exports.js', logLevel: 'silent',
  });
  return Object.values(r.metafile.outputs)[0].exports;
}

function webviewEntries() {
  const root = path.join(__dirname, 'src', 'webview');
  if (!fs.existsSync(root)) return [];
  return fs.readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(root, d.name, 'main.ts')))
    .map((d) => ({ name: d.name, file: path.join(root, d.name, 'main.ts') }));
}

/**
 * Merges the per-feature translation fragments l10n/zh-cn/*.json into the bundle VS Code loads
 * (l10n/bundle.l10n.zh-cn.json). Fragments keep features from editing one shared file.
 */
function mergeTranslations() {
  const dir = path.join(__dirname, 'l10n', 'zh-cn');
  const merged = {};
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    const part = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
    for (const [key, value] of Object.entries(part)) {
      if (key in merged && merged[key] !== value) throw new Error(`l10n: "${key}" translated differently in ${file}`);
      merged[key] = value;
    }
  }
  fs.writeFileSync(path.join(__dirname, 'l10n', 'bundle.l10n.zh-cn.json'), JSON.stringify(merged, null, 2) + '\n');
}

async function main() {
  mergeTranslations();
  const exportNames = await engineExportNames();
  const common = {
    bundle: true,
    minify: production,
    sourcemap: production ? false : 'linked',
    sourcesContent: false,
    logLevel: 'silent',
    target: 'es2022',
  };
  const configs = [
    {
      ...common,
      entryPoints: { extension: 'src/extension/extension.ts' },
      outdir: 'dist',
      format: 'cjs',
      platform: 'node',
      external: ['vscode', './engine.js'],
      plugins: [lazyEngine(exportNames), problemReporter('extension')],
    },
    {
      ...common,
      entryPoints: { engine: 'src/engine/index.ts' },
      outdir: 'dist',
      format: 'cjs',
      platform: 'node',
      plugins: [problemReporter('engine')],
    },
    ...webviewEntries().map(({ name, file }) => ({
      ...common,
      entryPoints: { [name]: file },
      outdir: 'dist/webview',
      format: 'iife',
      platform: 'browser',
      plugins: [problemReporter(`webview:${name}`)],
    })),
    {
      ...common,
      entryPoints: ['src/engine/index.ts'],
      platform: 'neutral',
      format: 'esm',
      mainFields: ['module', 'main'],
      write: false,
      outfile: 'dist/engine-purity-check.js',
      plugins: [enginePurity, problemReporter('engine-purity')],
    },
  ];

  const contexts = await Promise.all(configs.map((c) => esbuild.context(c)));
  if (watch) {
    await Promise.all(contexts.map((c) => c.watch()));
    return;
  }
  let failed = false;
  for (const ctx of contexts) {
    try { await ctx.rebuild(); } catch { failed = true; }
    await ctx.dispose();
  }
  if (failed) process.exit(1);
}

if (require.main === module) main().catch((e) => { console.error(e); process.exit(1); });

module.exports = { lazyEngine, engineExportNames };
