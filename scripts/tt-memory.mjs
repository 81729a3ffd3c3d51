// node scripts/tt-memory.mjs [budgetMB...] — process memory after a 1,000,000-step session per
// time-travel budget (issue 19 item 5). Bundles test/bench/ttMemory.bench.ts with esbuild and runs it
// in a fresh Node process per budget (default 64, 256 and 1024 MB); prints one JSON array on stdout.
// NTLAB_TT_STEPS overrides the session length.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const budgets = process.argv.slice(2).map(Number).filter((n) => n > 0);
if (budgets.length === 0) budgets.push(64, 256, 1024);

const esbuild = await import('esbuild');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ntlab-ttmem-'));
const outfile = path.join(dir, 'ttMemory.bench.mjs');
const results = [];
try {
  await esbuild.build({
    entryPoints: [path.join(repoRoot, 'test', 'bench', 'ttMemory.bench.ts')], outfile, bundle: true, platform: 'node',
    format: 'esm', target: 'node20', packages: 'external', logLevel: 'error',
  });
  for (const budget of budgets) {
    process.stderr.write(`time-travel budget ${budget} MB...\n`);
    const r = spawnSync(process.execPath, ['--expose-gc', outfile], {
      cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, NTLAB_TT_BUDGET_MB: String(budget), NODE_PATH: path.join(repoRoot, 'node_modules') },
    });
    if (r.status !== 0) { results.push({ budgetMB: budget, error: `exited with ${r.status ?? r.signal}` }); continue; }
    results.push(JSON.parse(r.stdout.trim().split('\n').pop()));
  }
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
console.log(JSON.stringify(results, null, 2));
