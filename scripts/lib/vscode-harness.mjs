// Runs the extension in a real VS Code (code-server) and a real browser (system Chromium through
// playwright-core). Shared by start.mjs, run-vscode-tests.mjs, run-e2e.mjs and bench.mjs.
// Recipe and reasons: /work/shared/notes/vscode-in-ci.md.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM_PATH, checkSystemPrerequisites, ensureCodeServer, PrerequisiteError } from './toolchain.mjs';

export { cacheRoot, CODE_SERVER_VERSION, PrerequisiteError, checkSystemPrerequisites, ensureCodeServer } from './toolchain.mjs';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const EXTENSION_ID = 'ntlab.nt-internals-lab';
export const TEST_HOST_ID = 'ntlab.nt-internals-lab-test-host';
export const demoFolder = path.join(repoRoot, 'demo');

export const log = (...args) => console.error('[harness]', ...args);

/** Runs a command to completion, its output on stderr (stdout stays for results); throws on a non-zero exit. */
export function run(cmd, args, options = {}) {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 2, 2], cwd: repoRoot, ...options });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status ?? r.signal}`);
  return r;
}

export function vsceBin() {
  return path.join(repoRoot, 'node_modules', '@vscode', 'vsce', 'vsce');
}

// ---------------------------------------------------------------------------------------------
// Packaging

/**
 * Builds the production bundle and packages NT Internals Lab exactly as `npm run package` does;
 * returns the path of the .vsix. `--vsix FILE` on a harness command line skips this.
 */
export function packageExtension() {
  const started = Date.now();
  run('npm', ['run', '--silent', 'package']);
  const vsix = path.join(repoRoot, 'dist', 'nt-internals-lab.vsix');
  if (!fs.existsSync(vsix)) throw new Error(`npm run package did not produce ${vsix}`);
  log(`packaged ${path.relative(repoRoot, vsix)} (${(fs.statSync(vsix).size / 1024).toFixed(0)} KB) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return vsix;
}

/**
 * Compiles test/integration/*.ts, one bundle per file, and returns the path of index.js.
 * `bundleMocha: false` (test:electron) leaves mocha to node_modules; `true` (the code-server test
 * host) bundles it, so the suites can live inside the test-host extension: a `require('vscode')`
 * from a file outside every extension folder would only get VS Code's anonymous fallback API.
 */
export async function buildIntegrationTests({ outDir = path.join(repoRoot, 'out', 'test', 'integration'), bundleMocha = false } = {}) {
  const esbuild = await import('esbuild');
  const srcDir = path.join(repoRoot, 'test', 'integration');
  fs.rmSync(outDir, { recursive: true, force: true });
  const entryPoints = fs.readdirSync(srcDir).filter((f) => f.endsWith('.ts')).map((f) => path.join(srcDir, f));
  await esbuild.build({
    entryPoints,
    outdir: outDir,
    bundle: true,
    ...(bundleMocha ? {} : { packages: 'external' }),
    external: ['vscode'],
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    logLevel: 'error',
  });
  return path.join(outDir, 'index.js');
}

/** Bundles and packages the test-host extension (test/vscode-host) with the suites inside; returns the .vsix path. */
export async function packageTestHost(workDir) {
  const esbuild = await import('esbuild');
  const src = path.join(repoRoot, 'test', 'vscode-host');
  const staging = path.join(workDir, 'test-host');
  fs.mkdirSync(path.join(staging, 'dist'), { recursive: true });
  for (const f of ['package.json', 'README.md']) fs.copyFileSync(path.join(src, f), path.join(staging, f));
  fs.writeFileSync(path.join(staging, '.vscodeignore'), '*.vsix\n');
  await esbuild.build({
    entryPoints: [path.join(src, 'src', 'extension.ts')],
    outfile: path.join(staging, 'dist', 'extension.js'),
    bundle: true,
    external: ['vscode'],
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    logLevel: 'warning',
  });
  await buildIntegrationTests({ outDir: path.join(staging, 'suites'), bundleMocha: true });
  const vsix = path.join(workDir, 'nt-internals-lab-test-host.vsix');
  run(process.execPath, [vsceBin(), 'package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '--out', vsix],
    { cwd: staging, stdio: ['ignore', 'ignore', 'inherit'] });
  return vsix;
}

// ---------------------------------------------------------------------------------------------
// code-server

/** Installs .vsix files into `extensionsDir` with code-server's own CLI (a copied folder is not picked up). */
export function installExtensions(cs, { extensionsDir, userDataDir }, vsixFiles) {
  const args = [cs.entry, '--extensions-dir', extensionsDir, '--user-data-dir', userDataDir, '--force'];
  for (const f of vsixFiles) args.push('--install-extension', f);
  const r = spawnSync(cs.node, args, { encoding: 'utf8', env: codeServerEnv() });
  const output = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  if (r.status !== 0 || /failed|error/i.test(output)) {
    throw new Error(`code-server --install-extension failed (exit ${r.status}):\n${output}`);
  }
  return output.trim();
}

/** A port on 127.0.0.1 that nobody listens on: `preferred` when free, else the next free ones, else any. */
export async function freePort(preferred = 0, tries = 20) {
  const attempt = (port) => new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(undefined));
    server.listen(port, '127.0.0.1', () => {
      const { port: got } = server.address();
      server.close(() => resolve(got));
    });
  });
  if (preferred) {
    for (let p = preferred; p < preferred + tries; p++) {
      const got = await attempt(p);
      if (got) return got;
    }
  }
  return attempt(0);
}

/** Settings for a quiet, deterministic workbench: no welcome page, no update checks, no trust prompt. */
export function writeUserSettings(userDataDir, extra = {}) {
  const dir = path.join(userDataDir, 'User');
  fs.mkdirSync(dir, { recursive: true });
  const settings = {
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.enableExperiments': false,
    'security.workspace.trust.enabled': false,
    'telemetry.telemetryLevel': 'off',
    'extensions.autoUpdate': false,
    'extensions.autoCheckUpdates': false,
    'update.mode': 'none',
    'window.restoreWindows': 'none',
    'chat.disableAIFeatures': true,
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    'git.openRepositoryInParentFolders': 'never',
    ...extra,
  };
  fs.writeFileSync(path.join(dir, 'settings.json'), JSON.stringify(settings, null, 2));
}

function codeServerEnv(extra = {}) {
  const env = { ...process.env, ...extra };
  // npm sets these for the script it runs; code-server must not inherit them.
  for (const k of Object.keys(env)) if (/^npm_/i.test(k)) delete env[k];
  return env;
}

/** Everything this process started, so a Ctrl+C or a crash still stops it. */
const started = new Set();
let handlersInstalled = false;

function installSignalHandlers() {
  if (handlersInstalled) return;
  handlersInstalled = true;
  const stopAll = () => { for (const p of [...started]) killTree(p); };
  process.on('exit', stopAll);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(sig, () => { stopAll(); process.exit(130); });
  }
}

/** Stops a process we spawned detached (it leads its own process group) and its children. */
function killTree(pid, signal = 'SIGTERM') {
  started.delete(pid);
  try { process.kill(-pid, signal); } catch { /* already gone */ }
}

/**
 * Starts code-server on 127.0.0.1:`port` and waits until it answers. Returns
 * `{ url, pid, logFile, workbenchUrl(folder), stop() }`; `env` reaches the extension host.
 */
export async function startCodeServer(cs, { port, userDataDir, extensionsDir, folder, env = {}, logFile }) {
  installSignalHandlers();
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  const out = fs.openSync(logFile, 'a');
  const args = [cs.entry,
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir,
  ];
  if (folder) args.push(folder);
  const child = spawn(cs.node, args, { detached: true, stdio: ['ignore', out, out], env: codeServerEnv(env) });
  fs.closeSync(out);
  started.add(child.pid);
  let exited = null;
  child.on('exit', (code, signal) => { exited = { code, signal }; started.delete(child.pid); });

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited) throw new Error(`code-server exited early (${JSON.stringify(exited)}); see ${logFile}:\n${tail(logFile)}`);
    try {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) });
      if (res.ok) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) {
      killTree(child.pid, 'SIGKILL');
      throw new Error(`code-server did not answer on ${url} within 60 s; see ${logFile}:\n${tail(logFile)}`);
    }
    await sleep(250);
  }

  const stop = async () => {
    if (exited) return;
    killTree(child.pid, 'SIGTERM');
    const until = Date.now() + 5000;
    while (!exited && Date.now() < until) await sleep(100);
    if (!exited) try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ }
  };
  return {
    url,
    pid: child.pid,
    logFile,
    get exited() { return exited; },
    workbenchUrl: (f = folder) => (f ? `${url}/?folder=${encodeURIComponent(f)}` : url),
    stop,
  };
}

export function tail(file, lines = 30) {
  try { return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n'); } catch { return '(no log)'; }
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------
// Browser

export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run'];

/** Headless system Chromium through playwright-core. */
export async function launchBrowser() {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}

/** Opens the workbench in a new page and waits for `.monaco-workbench`. */
export async function openWorkbench(browser, url, { width = 1400, height = 900 } = {}) {
  const page = await browser.newPage({ viewport: { width, height } });
  await page.goto(url, { waitUntil: 'domcontentloaded' });
  await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
  return page;
}

/** Waits for a JSON file to appear; throws after `timeoutMs` or when `abort()` returns a reason. */
export async function waitForJson(file, { timeoutMs, abort = () => undefined }) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8'));
    const reason = abort();
    if (reason) throw new Error(reason);
    await sleep(250);
  }
  throw new Error(`no results in ${file} after ${timeoutMs / 1000} s`);
}

// ---------------------------------------------------------------------------------------------
// One session: toolchain + extensions + code-server (+ browser), torn down together.

/** A fresh temp folder for one run (user data, extensions, results). */
export function makeRunDir(label) {
  return fs.mkdtempSync(path.join(os.tmpdir(), `ntlab-${label}-`));
}

/** Parses the harness flags shared by the scripts: --vsix FILE, --keep, --port N. */
export function parseArgs(argv = process.argv.slice(2)) {
  const args = { vsix: undefined, keep: false, port: undefined, rest: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--vsix') args.vsix = path.resolve(argv[++i]);
    else if (a === '--keep') args.keep = true;
    else if (a === '--port') args.port = Number(argv[++i]);
    else args.rest.push(a);
  }
  return args;
}

/** Prepares everything a run needs; exits with one clear message when a system package is missing. */
export function prepareToolchain({ cjkFonts = false, browser = true } = {}) {
  try {
    checkSystemPrerequisites({ cjkFonts, browser });
    const t0 = Date.now();
    const cs = ensureCodeServer({ log });
    log(`code-server ${cs.version} (Node 24) ready in ${((Date.now() - t0) / 1000).toFixed(1)} s from ${cs.dir}`);
    return cs;
  } catch (e) {
    if (e instanceof PrerequisiteError) {
      console.error(`\n${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
}

/** Copies code-server's and the extension host's logs next to the test results, for a failed run. */
export function collectLogs(runDir, destDir) {
  fs.mkdirSync(destDir, { recursive: true });
  const copy = (from, to) => { try { fs.cpSync(from, to, { recursive: true }); } catch { /* missing */ } };
  copy(path.join(runDir, 'code-server.log'), path.join(destDir, 'code-server.log'));
  copy(path.join(runDir, 'user-data', 'logs'), path.join(destDir, 'logs'));
  return destDir;
}

/** Finds "Activating extension ... failed" in the extension host logs of a run. */
export function activationErrorsInLogs(userDataDir) {
  const found = [];
  const walk = (dir) => {
    let entries = [];
    try { entries = fs.readdirSync(dir, { withFileTypes: true }); } catch { return; }
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.log')) {
        for (const line of fs.readFileSync(p, 'utf8').split('\n')) {
          if (line.includes(EXTENSION_ID) && /activat\w* .*fail|failed to activate/i.test(line)) found.push(line.trim());
        }
      }
    }
  };
  walk(path.join(userDataDir, 'logs'));
  return found;
}
