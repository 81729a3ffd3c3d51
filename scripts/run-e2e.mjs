// npm run test:e2e — system Chromium (playwright-core) drives the real workbench: code-server with
// the packaged extension installed and demo/ open. Every test/e2e/<name>.e2e.mjs is a scenario that
// exports `steps` (and optionally `viewport` and user `settings`); each runs in a fresh code-server (its own user data),
// so scenarios cannot lean on each other. Screenshots go to test-results/e2e-<name>/ (the workbench
// scenario keeps test-results/e2e/).
//
// Flags: --vsix FILE            test this .vsix instead of packaging the checkout
//        --only NAME[,NAME]     run only these scenarios (file names without .e2e.mjs)
//        --keep                 keep the temp folders (user data, extensions, logs)
//        --update-readme-shot   also refresh the committed README screenshot,
//                               media/screenshots/workbench.png (off by default so a test run
//                               leaves the working tree clean)
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  collectLogs, demoFolder, freePort, installExtensions, launchBrowser, log, makeRunDir, openWorkbench,
  packageExtension, parseArgs, prepareToolchain, repoRoot, startCodeServer, writeUserSettings,
} from './lib/vscode-harness.mjs';

const args = parseArgs();
const readmeShot = args.rest.includes('--update-readme-shot') ? path.join(repoRoot, 'media', 'screenshots', 'workbench.png') : undefined;
const onlyAt = args.rest.indexOf('--only');
const only = onlyAt >= 0 ? new Set(String(args.rest[onlyAt + 1] ?? '').split(',').filter(Boolean)) : null;
const e2eDir = path.join(repoRoot, 'test', 'e2e');
// The workbench scenario first: it checks the extension starts cleanly before anything else runs.
const scenarios = fs.readdirSync(e2eDir).filter((f) => f.endsWith('.e2e.mjs')).map((f) => f.slice(0, -'.e2e.mjs'.length))
  .sort((a, b) => (a === 'workbench' ? -1 : b === 'workbench' ? 1 : a.localeCompare(b)))
  .filter((name) => !only || only.has(name));

/** Runs one scenario in its own code-server; returns the number of failed steps (0 or 1: later steps build on earlier ones). */
async function runScenario(cs, vsix, name) {
  const { steps, viewport = { width: 1400, height: 860 }, settings = {} } = await import(pathToFileURL(path.join(e2eDir, `${name}.e2e.mjs`)).href);
  const resultsDir = path.join(repoRoot, 'test-results', name === 'workbench' ? 'e2e' : `e2e-${name}`);
  const runDir = makeRunDir(`e2e-${name}`);
  const userDataDir = path.join(runDir, 'user-data');
  const extensionsDir = path.join(runDir, 'extensions');
  fs.rmSync(resultsDir, { recursive: true, force: true });
  fs.mkdirSync(resultsDir, { recursive: true });
  writeUserSettings(userDataDir, { 'workbench.colorTheme': 'Default Dark Modern', 'editor.minimap.enabled': false, ...settings });
  installExtensions(cs, { extensionsDir, userDataDir }, [vsix]);
  const server = await startCodeServer(cs, {
    port: await freePort(), userDataDir, extensionsDir, folder: demoFolder, logFile: path.join(runDir, 'code-server.log'),
  });
  let browser;
  let failed = 0;
  try {
    browser = await launchBrowser();
    const page = await openWorkbench(browser, server.workbenchUrl(), viewport);
    const shot = async (shotName) => {
      const file = path.join(resultsDir, `${shotName}.png`);
      await page.screenshot({ path: file });
      return file;
    };
    console.log(`\n${name} (code-server ${cs.version} + ${browser.version()})`);
    for (const step of steps) {
      const s0 = Date.now();
      try {
        const result = await step.run({ page, shot, readmeShot });
        const detail = typeof result === 'string' ? ` -> ${path.relative(repoRoot, result)}`
          : result?.screenshot ? ` -> ${path.relative(repoRoot, result.screenshot)}${result.statusBar ? ` (status bar: "${result.statusBar}")` : ''}`
            : result?.detail ? ` (${result.detail})` : '';
        console.log(`  ok   ${step.name} (${Date.now() - s0} ms)${detail}`);
      } catch (e) {
        failed++;
        const file = await shot(`failure-${failed}`).catch(() => undefined);
        console.log(`  FAIL ${step.name}\n         ${String(e?.message ?? e).split('\n').join('\n         ')}`);
        if (file) console.log(`         screenshot: ${path.relative(repoRoot, file)}`);
        break; // later steps build on this one
      }
    }
  } finally {
    await browser?.close().catch(() => {});
    await server.stop();
  }
  if (failed) console.error(`logs: ${path.relative(repoRoot, collectLogs(runDir, resultsDir))}`);
  if (args.keep) log(`kept ${runDir}`);
  else fs.rmSync(runDir, { recursive: true, force: true });
  console.log(failed ? `  ${name}: a step failed` : `  ${name}: ${steps.length} steps passed`);
  return failed;
}

async function main() {
  const t0 = Date.now();
  if (scenarios.length === 0) throw new Error(`no e2e scenario matches ${[...(only ?? [])].join(', ')}`);
  const cs = prepareToolchain({ cjkFonts: true });
  const vsix = args.vsix ?? packageExtension();
  let failedScenarios = 0;
  for (const name of scenarios) failedScenarios += (await runScenario(cs, vsix, name)) ? 1 : 0;
  if (!failedScenarios && readmeShot) log(`updated ${path.relative(repoRoot, readmeShot)}`);
  console.log(`\n${failedScenarios ? `${failedScenarios} of ${scenarios.length} scenarios failed` : `${scenarios.length} scenarios passed`} (${scenarios.join(', ')})`);
  log(`done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  process.exit(failedScenarios ? 1 : 0);
}

main().catch((e) => { console.error(e?.stack ?? e); process.exit(1); });
