// Type-checks each runtime against its own tsconfig: the engine and shared code see no DOM, no
// Node and no vscode types, so a stray import fails here as well as in the purity bundle.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const tsc = require.resolve('typescript/bin/tsc');
const projects = ['src/engine', 'src/shared', 'src/extension', 'src/webview', 'test'];
let failed = false;
for (const project of projects) {
  const r = spawnSync(process.execPath, [tsc, '-p', project, '--noEmit'], { stdio: 'inherit' });
  if (r.status !== 0) { failed = true; console.error(`typecheck failed: ${project}`); }
}
process.exit(failed ? 1 : 0);
