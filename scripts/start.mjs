// npm start — try the extension in a real VS Code served by code-server:
// builds and packages the checkout, installs the .vsix into a per-project extensions dir (cached,
// so your settings and layout survive restarts), starts code-server on 127.0.0.1 with demo/ open
// and prints the URL. Runs until Ctrl+C.
//
//   npm start                     port 8080, or the next free one
//   npm start -- --port 9000      another port (again the next free one if taken)
//   npm start -- --vsix FILE      serve a given .vsix instead of packaging the checkout
//   npm start -- --desktop        desktop VS Code instead: `code --extensionDevelopmentPath=<repo> demo`
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {
  cacheRoot, demoFolder, freePort, installExtensions, log, packageExtension, parseArgs, prepareToolchain, repoRoot,
  run, startCodeServer, writeUserSettings,
} from './lib/vscode-harness.mjs';

const args = parseArgs();

function startDesktop() {
  const code = process.env.VSCODE_CLI ?? 'code';
  const probe = spawnSync(code, ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    console.error(`No desktop VS Code CLI ("${code}") on PATH.\n` +
      'Install VS Code and its `code` command (Command Palette: "Shell Command: Install \'code\' command in PATH"),\n' +
      'or set VSCODE_CLI to its path, or run `npm start` without --desktop to use code-server in a browser.');
    process.exit(2);
  }
  run('npm', ['run', '--silent', 'build']);
  log(`VS Code ${probe.stdout.split('\n')[0]}: opening ${path.relative(repoRoot, demoFolder)} with the extension under development`);
  const child = spawn(code, [`--extensionDevelopmentPath=${repoRoot}`, demoFolder], { stdio: 'inherit' });
  child.on('exit', (c) => process.exit(c ?? 0));
}

async function startServer() {
  const cs = prepareToolchain({ browser: false, cjkFonts: false });
  // One profile per checkout, kept between runs.
  const key = crypto.createHash('sha256').update(repoRoot).digest('hex').slice(0, 12);
  const profile = path.join(cacheRoot(), 'profiles', key);
  const userDataDir = path.join(profile, 'user-data');
  const extensionsDir = path.join(profile, 'extensions');
  if (!fs.existsSync(path.join(userDataDir, 'User', 'settings.json'))) writeUserSettings(userDataDir);
  const vsix = args.vsix ?? packageExtension();
  installExtensions(cs, { extensionsDir, userDataDir }, [vsix]);
  const port = await freePort(args.port ?? 8080);
  const server = await startCodeServer(cs, {
    port, userDataDir, extensionsDir, folder: demoFolder, logFile: path.join(profile, 'code-server.log'),
  });
  console.log(`\nNT Internals Lab in code-server ${cs.version} (pid ${server.pid}):\n\n  ${server.workbenchUrl()}\n\n` +
    `Open the NT Lab icon in the activity bar, or F1 > "NT Lab: Start Simulation".\n` +
    `Log: ${server.logFile}\nPress Ctrl+C to stop.`);
  // Signal handlers in the harness stop code-server on Ctrl+C; exit when it stops on its own, or
  // when whoever started us (npm) is gone, so no server outlives its terminal.
  const parent = process.ppid;
  for (;;) {
    if (server.exited) { console.error(`code-server exited (${JSON.stringify(server.exited)})`); process.exit(1); }
    if (process.ppid !== parent) { await server.stop(); process.exit(1); }
    await new Promise((r) => setTimeout(r, 1000));
  }
}

if (args.rest.includes('--desktop')) startDesktop();
else startServer().catch((e) => { console.error(e?.stack ?? e); process.exit(1); });
