// npm run test:electron — the same mocha suites as test:vscode (test/integration), run by
// @vscode/test-electron in a downloaded desktop VS Code with this checkout as the extension under
// development. Needs a machine that can download VS Code (update.code.visualstudio.com); on Linux
// without a display, run it under `xvfb-run -a npm run test:electron`. Where VS Code cannot be
// downloaded, use `npm run test:vscode` (code-server) instead.
//
// Env: VSCODE_TEST_VERSION  VS Code version to download ('stable' by default, or 'insiders', '1.95.0')
//      VSCODE_EXECUTABLE    an installed VS Code binary to use instead of downloading one
//      NTLAB_TEST_GREP      run only the tests whose full title matches
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { buildIntegrationTests, demoFolder, repoRoot, run } from './lib/vscode-harness.mjs';

async function main() {
  run('npm', ['run', '--silent', 'build']);
  const extensionTestsPath = await buildIntegrationTests();
  const resultsDir = path.join(repoRoot, 'test-results', 'electron');
  fs.rmSync(resultsDir, { recursive: true, force: true });
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ntlab-electron-'));

  const options = {
    extensionDevelopmentPath: repoRoot,
    extensionTestsPath,
    extensionTestsEnv: {
      NTLAB_TEST_RESULTS: path.join(resultsDir, 'results.json'),
      ...(process.env.NTLAB_TEST_GREP ? { NTLAB_TEST_GREP: process.env.NTLAB_TEST_GREP } : {}),
    },
    // The demo folder first (the window opens it), then a clean profile with no other extensions.
    launchArgs: [demoFolder, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes',
      '--user-data-dir', userDataDir],
  };
  if (process.env.VSCODE_EXECUTABLE) options.vscodeExecutablePath = process.env.VSCODE_EXECUTABLE;
  else options.version = process.env.VSCODE_TEST_VERSION ?? 'stable';

  let exitCode = 1;
  try {
    // runTests resolves 0 when VS Code exits with 0 and rejects with TestRunFailedError
    // otherwise: a failing test makes run() reject, which makes VS Code exit with 1.
    exitCode = await runTests(options);
  } catch (err) {
    console.error(`test:electron failed: ${err?.message ?? err}`);
    exitCode = 1;
  } finally {
    fs.rmSync(userDataDir, { recursive: true, force: true });
  }
  const resultsFile = options.extensionTestsEnv.NTLAB_TEST_RESULTS;
  if (fs.existsSync(resultsFile)) {
    const report = JSON.parse(fs.readFileSync(resultsFile, 'utf8'));
    console.log(`VS Code ${report.vscodeVersion}: ${report.passes} passing, ${report.failures} failing (${path.relative(repoRoot, resultsFile)})`);
    if (!report.extension?.activated) {
      console.error(`NT Internals Lab did not activate: ${report.extension?.activationError ?? 'not installed'}`);
      exitCode = exitCode || 1;
    }
  } else if (exitCode === 0) {
    console.error('The suites wrote no report.');
    exitCode = 1;
  }
  process.exit(exitCode);
}

main().catch((e) => { console.error(e?.stack ?? e); process.exit(1); });
