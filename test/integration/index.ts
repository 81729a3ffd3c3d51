// The one entry point of the integration suites, used by both hosts:
//   - @vscode/test-electron loads it as `extensionTestsPath` and calls run();
//   - under code-server the test-host extension (test/vscode-host) requires it and calls run().
// Environment: NTLAB_TEST_RESULTS = where to write a JSON report (optional),
//              NTLAB_TEST_GREP = only run tests whose full title matches (optional).
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';
import * as vscode from 'vscode';
import { Commands, EXTENSION_ID } from '../../src/extension/ids';
import { INITIAL_STATE_ENV, type InitialState } from './helpers';

/** One test as the harness prints it. */
export interface TestRecord {
  readonly title: string;
  readonly state: 'passed' | 'failed' | 'pending';
  readonly durationMs: number;
  readonly error?: string;
}

/** The JSON document written to NTLAB_TEST_RESULTS. */
export interface TestReport {
  readonly vscodeVersion: string;
  readonly appName: string;
  readonly uiKind: string;
  /**
   * NT Internals Lab after the suites: activate() is awaited once more here (a no-op when it
   * succeeded), so a broken activation shows even when no test activated the extension. Note that
   * VS Code reports `isActive` true for an extension whose activation failed.
   */
  readonly extension: { readonly id: string; readonly found: boolean; readonly activated: boolean; readonly activationError?: string };
  readonly passes: number;
  readonly failures: number;
  readonly pending: number;
  readonly tests: readonly TestRecord[];
  /** Set when the suites could not even be loaded or run. */
  readonly fatal?: string;
}

function errorText(err: unknown): string {
  if (err instanceof Error) return err.stack ?? `${err.name}: ${err.message}`;
  return String(err);
}

/**
 * Records what only the first moments of the window can show (the extension not yet active, no
 * simulation right after activation), so no suite has to run first: mocha may run them in any order.
 */
async function recordInitialState(): Promise<void> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  if (!ext) return; // the report says the extension was not found
  const activeBeforeSuites = ext.isActive;
  let api: { session: { system: unknown } };
  try {
    api = await ext.activate();
  } catch {
    return; // the report carries the activation error; suites reading the state fail loudly
  }
  const noSimulationAtActivation = api.session.system === undefined;
  const lists = await vscode.commands.executeCommand(Commands.showMemoryLists);
  const state: InitialState = { activeBeforeSuites, noSimulationAtActivation, memoryListsWithoutSimulation: lists === undefined ? 'nothing' : 'something' };
  process.env[INITIAL_STATE_ENV] = JSON.stringify(state);
}

/** The suites, in a fixed order for reproducible logs; none depends on another having run. */
function suiteFiles(): string[] {
  return fs.readdirSync(__dirname)
    .filter((f) => f.endsWith('.test.js'))
    .sort()
    .map((f) => path.join(__dirname, f));
}

function writeReport(file: string | undefined, report: TestReport): void {
  if (!file) return;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  // Write then rename, so the harness never reads half a file.
  fs.writeFileSync(`${file}.tmp`, JSON.stringify(report, null, 2));
  fs.renameSync(`${file}.tmp`, file);
}

/** Runs every *.test.js next to this file; rejects when a test fails. */
export async function run(): Promise<void> {
  const resultsFile = process.env.NTLAB_TEST_RESULTS;
  const mocha = new Mocha({ ui: 'tdd', color: false, timeout: 30_000, reporter: 'spec' });
  if (process.env.NTLAB_TEST_GREP) mocha.grep(process.env.NTLAB_TEST_GREP);
  for (const file of suiteFiles()) mocha.addFile(file);

  const tests: TestRecord[] = [];
  const base = async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    let activationError: string | undefined;
    if (ext) {
      try { await ext.activate(); } catch (err) { activationError = errorText(err); }
    }
    return {
      vscodeVersion: vscode.version,
      appName: vscode.env.appName,
      uiKind: vscode.UIKind[vscode.env.uiKind],
      extension: { id: EXTENSION_ID, found: !!ext, activated: !!ext && !activationError, ...(activationError ? { activationError } : {}) },
    };
  };

  let failures: number;
  try {
    await recordInitialState();
    await mocha.loadFilesAsync();
    failures = await new Promise<number>((resolve) => {
      const runner = mocha.run((count) => resolve(count));
      runner.on('pass', (t) => tests.push({ title: t.fullTitle(), state: 'passed', durationMs: t.duration ?? 0 }));
      runner.on('fail', (t, err) => tests.push({ title: t.fullTitle(), state: 'failed', durationMs: t.duration ?? 0, error: errorText(err) }));
      runner.on('pending', (t) => tests.push({ title: t.fullTitle(), state: 'pending', durationMs: 0 }));
    });
  } catch (err) {
    writeReport(resultsFile, { ...(await base()), passes: 0, failures: 1, pending: 0, tests, fatal: errorText(err) });
    throw err;
  }

  const count = (state: TestRecord['state']) => tests.filter((t) => t.state === state).length;
  writeReport(resultsFile, { ...(await base()), passes: count('passed'), failures: count('failed'), pending: count('pending'), tests });
  if (failures > 0) throw new Error(`${failures} integration test(s) failed.`);
}
