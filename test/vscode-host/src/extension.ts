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

export function activate(context: vscode.ExtensionContext): void {
  const mode = process.env.NTLAB_HOST_MODE;
  const resultsFile = process.env.NTLAB_TEST_RESULTS;
  if (!mode || !resultsFile) return;
  // Let activate() return at once; the work runs after startup like any user action would. The
  // benchmark first lets the startup burst of the other extensions settle, so it times NT Lab.
  const settleMs = mode === 'bench' ? Number(process.env.NTLAB_BENCH_SETTLE_MS ?? 2000) : 0;
  setTimeout(() => {
    if (mode === 'bench') {
      void measureActivation().then((sample) => writeJson(resultsFile, sample));
    } else if (mode === 'test') {
      void runSuites(path.join(context.extensionPath, 'suites', 'index.js'), resultsFile);
    } else {
      writeJson(resultsFile, { fatal: `unknown NTLAB_HOST_MODE "${mode}"` });
    }
  }, settleMs);
}

export function deactivate(): void {
  // Nothing to release: the harness kills this window's code-server when done.
}
