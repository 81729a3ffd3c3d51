// The reliability campaign, by hand (not part of npm test): bundles test/fuzz/<entry>.ts with esbuild
// and runs it in plain Node, passing the arguments through.
//   node scripts/fuzz.mjs engine --seed 1 --runs 20 --ops 20000
//   node scripts/fuzz.mjs sessions --seed 1 --files 2000
//   node scripts/fuzz.mjs memory [--steps 1000000] [--budgets 64,256,1024]
//   node scripts/fuzz.mjs notes --seed 1 --docs 6 --chars 5242880 --full-size
//   node scripts/fuzz.mjs views --seed 1 --runs 12
//   node scripts/fuzz.mjs regexes
// Each prints one JSON report on stdout (progress on stderr). Short versions of the same generators
// run in the unit suite (test/unit/fuzz-campaign.property.test.ts, notes-fuzz.property.test.ts, views-fuzz.property.test.ts).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const [mode, ...rest] = process.argv.slice(2);
const entry = path.join(repoRoot, 'test', 'fuzz', mode === 'memory' ? 'memory.ts' : 'cli.ts');
const esbuild = await import('esbuild');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ntlab-fuzz-'));
const outfile = path.join(dir, 'fuzz.mjs');
try {
  await esbuild.build({
    entryPoints: [entry], outfile, bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', logLevel: 'error',
    banner: { js: "import { createRequire as __ntlabCreateRequire } from 'node:module'; const require = __ntlabCreateRequire(import.meta.url);" },
  });
  const args = mode === 'memory' ? rest : [mode ?? '', ...rest];
  const r = spawnSync(process.execPath, ['--expose-gc', '--max-old-space-size=4096', outfile, ...args], { cwd: repoRoot, stdio: 'inherit' });
  process.exitCode = r.status ?? 1;
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
