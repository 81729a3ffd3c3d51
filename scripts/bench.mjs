// npm run bench — prints ONE JSON document on stdout (progress goes to stderr):
//   engine:     what test/bench/engine.bench.ts prints (bundled with esbuild, run in plain Node);
//   tree:       what test/bench/tree.bench.ts prints (the sidebar's tree model with 2,000 processes);
//   notes:      what test/bench/notes.bench.ts prints (recognition of a 5 MB notes file: open, visible range, edit);
//   kd:         what test/bench/kd.bench.ts prints (every kernel-debugger command, 2,000 processes);
//   heap:       what test/bench/heap.bench.ts prints (HeapAlloc + HeapFree pairs, back end and LFH);
//   compression: what test/bench/compression.bench.ts prints (the paging cycle through memory compression);
//   pool:       what test/bench/pool.bench.ts prints (ExAllocatePoolWithTag/ExFreePoolWithTag pairs; paged pool trimmed and touched back);
//   activation: NT Internals Lab activating in a real extension host (code-server), measured by
//               the test-host extension: the extension's own `activationMs` and the wall time of
//               `await extension.activate()`. Each sample is a fresh extension host (page reload).
// No thresholds fail the run; budgets (DESIGN.md §8) are printed beside the figures.
//
// Flags: --vsix FILE, --runs N (activation samples, default 5), --engine-only, --activation-only,
//        --long (also the 1,000,000-step time-travel session: 20+ minutes on a 2-core machine)
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  CODE_SERVER_VERSION, demoFolder, freePort, installExtensions, launchBrowser, log, makeRunDir, openWorkbench,
  packageExtension, packageTestHost, parseArgs, prepareToolchain, repoRoot, startCodeServer, waitForJson, writeUserSettings,
} from './lib/vscode-harness.mjs';

const args = parseArgs();
const flag = (name) => args.rest.includes(name);
const runsArg = args.rest.indexOf('--runs');
const activationRuns = Math.max(1, Number(runsArg >= 0 ? args.rest[runsArg + 1] : process.env.NTLAB_BENCH_RUNS ?? 5));

const ACTIVATION_BUDGET_MS = 50;

/** Bundles test/bench/<name>.bench.ts for Node and returns the JSON it prints. */
async function nodeBench(name) {
  const entry = path.join(repoRoot, 'test', 'bench', `${name}.bench.ts`);
  if (!fs.existsSync(entry)) return { skipped: `test/bench/${name}.bench.ts does not exist` };
  const esbuild = await import('esbuild');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ntlab-bench-'));
  const outfile = path.join(dir, `${name}.bench.mjs`);
  try {
    await esbuild.build({
      entryPoints: [entry], outfile, bundle: true, platform: 'node', format: 'esm', target: 'node20',
      packages: 'external', minify: false, logLevel: 'error',
      // Bundled ESM has no `require`; give CommonJS dependencies one.
      banner: { js: "import { createRequire as __ntlabCreateRequire } from 'node:module'; const require = __ntlabCreateRequire(import.meta.url);" },
    });
    log(`running test/bench/${name}.bench.ts`);
    const started = Date.now();
    // --expose-gc lets the benchmark measure memory per page after a collection.
    const r = spawnSync(process.execPath, ['--expose-gc', outfile], {
      cwd: repoRoot, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, NODE_PATH: path.join(repoRoot, 'node_modules'), ...(flag('--long') ? { NTLAB_BENCH_LONG: '1' } : {}) },
    });
    if (r.status !== 0) return { error: `${name}.bench exited with ${r.status ?? r.signal}`, output: r.stdout?.slice(-4000) };
    const result = parseJsonOutput(r.stdout);
    if (result === undefined) return { error: `${name}.bench printed no JSON object`, output: r.stdout.slice(-4000) };
    log(`${name} benchmarks done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return result;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The whole output as JSON, else the last line-started `{...}` block that parses. */
function parseJsonOutput(stdout) {
  const text = stdout.trim();
  try { return JSON.parse(text); } catch { /* mixed output */ }
  const lines = text.split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    if (!lines[i].startsWith('{')) continue;
    try { return JSON.parse(lines.slice(i).join('\n')); } catch { /* keep looking */ }
  }
  return undefined;
}

function summary(values) {
  const v = values.filter((x) => typeof x === 'number').sort((a, b) => a - b);
  if (v.length === 0) return null;
  const round = (x) => Math.round(x * 100) / 100;
  return { min: round(v[0]), median: round(v[Math.floor(v.length / 2)]), max: round(v[v.length - 1]), samples: v.map(round) };
}

/** Activates NT Internals Lab in `activationRuns` fresh extension hosts and summarizes the timings. */
async function activationBench() {
  const cs = prepareToolchain();
  const runDir = makeRunDir('bench');
  const userDataDir = path.join(runDir, 'user-data');
  const extensionsDir = path.join(runDir, 'extensions');
  const resultsFile = path.join(runDir, 'activation.json');
  const vsix = args.vsix ?? packageExtension();
  const hostVsix = await packageTestHost(runDir);
  writeUserSettings(userDataDir);
  installExtensions(cs, { extensionsDir, userDataDir }, [vsix, hostVsix]);
  const server = await startCodeServer(cs, {
    port: await freePort(), userDataDir, extensionsDir, folder: demoFolder, logFile: path.join(runDir, 'code-server.log'),
    env: { NTLAB_HOST_MODE: 'bench', NTLAB_TEST_RESULTS: resultsFile },
  });
  const samples = [];
  let browser;
  try {
    browser = await launchBrowser();
    const page = await openWorkbench(browser, server.workbenchUrl());
    for (let i = 0; i < activationRuns; i++) {
      if (i > 0) {
        // A reload gives the window a new extension host, where NT Lab is inactive again.
        await page.reload({ waitUntil: 'domcontentloaded' });
        await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
      }
      const sample = await waitForJson(resultsFile, { timeoutMs: 120_000, abort: () => (server.exited ? 'code-server exited' : undefined) });
      fs.rmSync(resultsFile);
      log(`activation sample ${i + 1}/${activationRuns}: activationMs=${sample.activationMs?.toFixed?.(2)} activate()=${sample.activateWallMs?.toFixed?.(2)} ms${sample.error ? ` ERROR ${sample.error}` : ''}`);
      samples.push(sample);
    }
  } finally {
    await browser?.close().catch(() => {});
    await server.stop();
    fs.rmSync(runDir, { recursive: true, force: true });
  }
  const activationMs = summary(samples.map((s) => s.activationMs));
  return {
    host: `code-server ${CODE_SERVER_VERSION}`,
    vscodeVersion: samples[0]?.vscodeVersion,
    runs: samples.length,
    errors: samples.filter((s) => s.error).map((s) => s.error),
    coldInEveryRun: samples.every((s) => !s.wasActiveBefore),
    activationMs,
    activateWallMs: summary(samples.map((s) => s.activateWallMs)),
    budgetMs: ACTIVATION_BUDGET_MS,
    withinBudget: activationMs ? activationMs.median <= ACTIVATION_BUDGET_MS : false,
  };
}

async function main() {
  const t0 = Date.now();
  const doc = {
    date: new Date().toISOString(),
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, totalMemMB: Math.round(os.totalmem() / 2 ** 20), node: process.version, platform: `${process.platform}-${process.arch}` },
  };
  if (!flag('--activation-only')) {
    doc.engine = await nodeBench('engine');
    doc.tree = await nodeBench('tree');
    doc.notes = await nodeBench('notes');
    doc.kd = await nodeBench('kd');
    doc.heap = await nodeBench('heap');
    doc.compression = await nodeBench('compression');
    doc.pool = await nodeBench('pool');
  }
  if (!flag('--engine-only')) doc.activation = await activationBench();
  doc.elapsedSeconds = Math.round((Date.now() - t0) / 100) / 10;
  console.log(JSON.stringify(doc, null, 2));
}

main().catch((e) => { console.error(e?.stack ?? e); process.exit(1); });
