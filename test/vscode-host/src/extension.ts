// The test host: the harness's hands inside a real extension host (see ../README.md).
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';

const NTLAB_ID = 'ntlab.nt-internals-lab';

/** One activation measurement, as scripts/bench.mjs reads it. */
export interface ActivationSample {
  readonly vscodeVersion: string;
  /** What NT Lab's activate() reports: module load to the end of activate(). */
  readonly activationMs: number | null;
  /** Wall time of `await extension.activate()` seen from here (includes the extension host's own work). */
  readonly activateWallMs: number;
  readonly wasActiveBefore: boolean;
  readonly error?: string;
}

function writeJson(file: string, value: unknown): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(`${file}.tmp`, JSON.stringify(value, null, 2));
  fs.renameSync(`${file}.tmp`, file);
}

function errorText(err: unknown): string {
  return err instanceof Error ? (err.stack ?? err.message) : String(err);
}

async function measureActivation(): Promise<ActivationSample> {
  const ext = vscode.extensions.getExtension<{ activationMs?: unknown }>(NTLAB_ID);
  if (!ext) return { vscodeVersion: vscode.version, activationMs: null, activateWallMs: 0, wasActiveBefore: false, error: `${NTLAB_ID} is not installed` };
  const wasActiveBefore = ext.isActive;
  const started = performance.now();
  try {
    const api = await ext.activate();
    const activateWallMs = performance.now() - started;
    const activationMs = typeof api?.activationMs === 'number' ? api.activationMs : null;
    return { vscodeVersion: vscode.version, activationMs, activateWallMs, wasActiveBefore };
  } catch (err) {
    return { vscodeVersion: vscode.version, activationMs: null, activateWallMs: performance.now() - started, wasActiveBefore, error: errorText(err) };
  }
}

async function runSuites(entry: string, resultsFile: string): Promise<void> {
  try {
    // The suites are compiled into this extension's own folder (suites/), so their
    // `require('vscode')` resolves to this extension's API; the path is known only at run time.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const suites = require(entry) as { run(): Promise<void> };
    await suites.run();
  } catch (err) {
    // run() writes the report itself; only a suite that cannot even load leaves no report.
    if (!fs.existsSync(resultsFile)) {
      writeJson(resultsFile, { vscodeVersion: vscode.version, passes: 0, failures: 1, pending: 0, tests: [], fatal: errorText(err) });
    }
  }
}

/** Startup extensions (activation event `*` or `onStartupFinished`) other than NT Lab and this host that are not active yet. */
function pendingStartupExtensions(self: string): number {
  let pending = 0;
  for (const ext of vscode.extensions.all) {
    if (ext.id === self || ext.id === NTLAB_ID || ext.isActive) continue;
    const events = (ext.packageJSON as { activationEvents?: unknown }).activationEvents;
    if (Array.isArray(events) && events.some((e) => e === '*' || e === 'onStartupFinished')) pending++;
  }
  return pending;
}

/**
 * Waits until the startup burst has settled: every other startup extension is active and the extension
 * host's event loop is idle (QUIET_TICKS timers in a row fire within TICK_SLACK_MS of their time). A
 * cap (NTLAB_BENCH_SETTLE_MS, default 20 s) only guards against a host that never goes quiet.
 */
function whenHostSettles(self: string): Promise<void> {
  const TICK_MS = 50;
  const TICK_SLACK_MS = 10;
  const QUIET_TICKS = 6;
  const capMs = Number(process.env.NTLAB_BENCH_SETTLE_MS ?? 20_000);
  const started = performance.now();
  return new Promise((resolve) => {
    let quiet = 0;
    const tick = (scheduled: number): void => {
      const late = performance.now() - scheduled - TICK_MS;
      quiet = late <= TICK_SLACK_MS && pendingStartupExtensions(self) === 0 ? quiet + 1 : 0;
      if (quiet >= QUIET_TICKS || performance.now() - started >= capMs) { resolve(); return; }
      const next = performance.now();
      setTimeout(() => tick(next), TICK_MS);
    };
    const first = performance.now();
    setTimeout(() => tick(first), TICK_MS);
  });
}

export function activate(context: vscode.ExtensionContext): void {
  const mode = process.env.NTLAB_HOST_MODE;
  const resultsFile = process.env.NTLAB_TEST_RESULTS;
  if (!mode || !resultsFile) return;
  // Let activate() return at once; the work runs after startup like any user action would. The
  // benchmark first waits for the startup burst of the other extensions to settle, so it times NT Lab.
  const ready = mode === 'bench' ? whenHostSettles(context.extension.id) : Promise.resolve();
  void ready.then(() => {
    if (mode === 'bench') {
      void measureActivation().then((sample) => writeJson(resultsFile, sample));
    } else if (mode === 'test') {
      void runSuites(path.join(context.extensionPath, 'suites', 'index.js'), resultsFile);
    } else {
      writeJson(resultsFile, { fatal: `unknown NTLAB_HOST_MODE "${mode}"` });
    }
  });
}

export function deactivate(): void {
  // Nothing to release: the harness kills this window's code-server when done.
}
