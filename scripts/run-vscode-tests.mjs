// npm run test:vscode — the integration suites (test/integration) inside a real VS Code:
// code-server with the packaged extension and the test-host extension installed, its workbench
// opened by headless Chromium so the extension host starts; the test host runs mocha and writes
// a JSON report that this script prints. Exits non-zero when a test fails, when NT Internals Lab
// did not activate, or when no report arrives.
//
// Flags: --vsix FILE   test this .vsix instead of building and packaging the checkout
//        --keep        keep the temp folder (user data, extensions, logs)
// Env:   NTLAB_TEST_GREP=<regexp> runs a subset; NTLAB_TEST_TIMEOUT_S (default 180).
import fs from 'node:fs';
import path from 'node:path';
import {
  activationErrorsInLogs, collectLogs, freePort, installExtensions, launchBrowser, log,
  makeRunDir, openWorkbench, packageExtension, packageTestHost, parseArgs, prepareToolchain, repoRoot,
  startCodeServer, waitForJson, writeUserSettings, demoFolder,
} from './lib/vscode-harness.mjs';

const args = parseArgs();
const timeoutMs = Number(process.env.NTLAB_TEST_TIMEOUT_S ?? 180) * 1000;
const resultsDir = path.join(repoRoot, 'test-results', 'vscode');

async function main() {
  const t0 = Date.now();
  const cs = prepareToolchain();
  const runDir = makeRunDir('vscode');
  const userDataDir = path.join(runDir, 'user-data');
  const extensionsDir = path.join(runDir, 'extensions');
  const resultsFile = path.join(runDir, 'results.json');
  fs.rmSync(resultsDir, { recursive: true, force: true });

  const vsix = args.vsix ?? packageExtension();
  const hostVsix = await packageTestHost(runDir);
  writeUserSettings(userDataDir);
  installExtensions(cs, { extensionsDir, userDataDir }, [vsix, hostVsix]);
  log(`installed ${path.basename(vsix)} and the test host into ${extensionsDir}`);

  const port = await freePort();
  const server = await startCodeServer(cs, {
    port, userDataDir, extensionsDir, folder: demoFolder, logFile: path.join(runDir, 'code-server.log'),
    env: { NTLAB_HOST_MODE: 'test', NTLAB_TEST_RESULTS: resultsFile },
  });
  log(`code-server pid ${server.pid} on ${server.url}`);

  let browser;
  let report;
  let failure;
  try {
    browser = await launchBrowser();
    const page = await openWorkbench(browser, server.workbenchUrl());
    log(`workbench open; waiting up to ${timeoutMs / 1000} s for the test host's report`);
    try {
      report = await waitForJson(resultsFile, {
        timeoutMs,
        abort: () => (server.exited ? `code-server exited (${JSON.stringify(server.exited)})` : undefined),
      });
    } catch (e) {
      failure = e.message;
      fs.mkdirSync(resultsDir, { recursive: true });
      await page.screenshot({ path: path.join(resultsDir, 'no-report.png') }).catch(() => {});
    }
  } finally {
    await browser?.close().catch(() => {});
    await server.stop();
  }

  const activationErrors = activationErrorsInLogs(userDataDir);
  const failed = !report || report.fatal || report.failures > 0 || !report.extension?.activated || activationErrors.length > 0;
  if (report) printReport(report);
  if (failure) console.error(`\nFAILED: ${failure}`);
  if (report && !report.extension?.activated) {
    console.error(`\nFAILED: ${report.extension?.id ?? 'the extension'} did not activate (installed: ${report.extension?.found}).`);
    if (report.extension?.activationError) console.error(report.extension.activationError);
  }
  for (const line of activationErrors) console.error(`extension host log: ${line}`);

  if (failed) {
    const logs = collectLogs(runDir, resultsDir);
    if (report) fs.writeFileSync(path.join(resultsDir, 'results.json'), JSON.stringify(report, null, 2));
    console.error(`logs: ${path.relative(repoRoot, logs)}`);
  } else {
    fs.mkdirSync(resultsDir, { recursive: true });
    fs.writeFileSync(path.join(resultsDir, 'results.json'), JSON.stringify(report, null, 2));
  }
  if (args.keep) log(`kept ${runDir}`);
  else fs.rmSync(runDir, { recursive: true, force: true });
  log(`done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  process.exit(failed ? 1 : 0);
}

function printReport(report) {
  console.log(`\nVS Code ${report.vscodeVersion} (${report.appName ?? '?'}, ${report.uiKind ?? '?'} UI) — integration suites`);
  for (const t of report.tests ?? []) {
    const mark = t.state === 'passed' ? 'ok  ' : t.state === 'pending' ? 'skip' : 'FAIL';
    console.log(`  ${mark} ${t.title}${t.state === 'passed' ? ` (${Math.round(t.durationMs)} ms)` : ''}`);
    if (t.error) console.log(t.error.split('\n').map((l) => `         ${l}`).join('\n'));
  }
  if (report.fatal) console.log(`  FATAL ${report.fatal}`);
  console.log(`${report.passes} passing, ${report.failures} failing, ${report.pending} pending`);
}

main().catch((e) => { console.error(e?.stack ?? e); process.exit(1); });
