// npm run test:e2e — system Chromium (playwright-core) drives the real workbench: code-server with
// the packaged extension installed and demo/ open. The scenario is test/e2e/workbench.e2e.mjs;
// screenshots go to test-results/e2e/.
//
// Flags: --vsix FILE            test this .vsix instead of packaging the checkout
//        --keep                 keep the temp folder (user data, extensions, logs)
//        --update-readme-shot   also refresh the committed README screenshot,
//                               media/screenshots/workbench.png (off by default so a test run
//                               leaves the working tree clean)
import fs from 'node:fs';
import path from 'node:path';
import { steps } from '../test/e2e/workbench.e2e.mjs';
import {
  collectLogs, demoFolder, freePort, installExtensions, launchBrowser, log, makeRunDir, openWorkbench,
  packageExtension, parseArgs, prepareToolchain, repoRoot, startCodeServer, writeUserSettings,
} from './lib/vscode-harness.mjs';

const args = parseArgs();
const resultsDir = path.join(repoRoot, 'test-results', 'e2e');
const readmeShot = args.rest.includes('--update-readme-shot') ? path.join(repoRoot, 'media', 'screenshots', 'workbench.png') : undefined;

async function main() {
  const t0 = Date.now();
  const cs = prepareToolchain({ cjkFonts: true });
  const runDir = makeRunDir('e2e');
  const userDataDir = path.join(runDir, 'user-data');
  const extensionsDir = path.join(runDir, 'extensions');
  fs.rmSync(resultsDir, { recursive: true, force: true });
  fs.mkdirSync(resultsDir, { recursive: true });

  const vsix = args.vsix ?? packageExtension();
  writeUserSettings(userDataDir, { 'workbench.colorTheme': 'Default Dark Modern', 'editor.minimap.enabled': false });
  installExtensions(cs, { extensionsDir, userDataDir }, [vsix]);
  const server = await startCodeServer(cs, {
    port: await freePort(), userDataDir, extensionsDir, folder: demoFolder, logFile: path.join(runDir, 'code-server.log'),
  });
  log(`code-server pid ${server.pid} on ${server.url}`);

  let browser;
  let failed = 0;
  try {
    browser = await launchBrowser();
    const page = await openWorkbench(browser, server.workbenchUrl(), { width: 1400, height: 860 });
    const shot = async (name) => {
      const file = path.join(resultsDir, `${name}.png`);
      await page.screenshot({ path: file });
      return file;
    };
    console.log(`\nE2E in code-server ${cs.version} + ${browser.version()}`);
    for (const step of steps) {
      const s0 = Date.now();
      try {
        const result = await step.run({ page, shot, readmeShot });
        const detail = typeof result === 'string' ? ` -> ${path.relative(repoRoot, result)}`
          : result?.screenshot ? ` -> ${path.relative(repoRoot, result.screenshot)} (status bar: "${result.statusBar}")`
            : result?.detail ? ` ("${result.detail}")` : '';
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
  else if (readmeShot) log(`updated ${path.relative(repoRoot, readmeShot)}`);
  if (args.keep) log(`kept ${runDir}`);
  else fs.rmSync(runDir, { recursive: true, force: true });
  console.log(failed ? `${failed} step failed` : `${steps.length} steps passed`);
  log(`done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  process.exit(failed ? 1 : 0);
}

main().catch((e) => { console.error(e?.stack ?? e); process.exit(1); });
