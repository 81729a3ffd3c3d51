// Entry point of the campaign scripts (bundled and run in plain Node by scripts/fuzz.mjs):
//   engine   --seed S --runs R --ops N   R engine runs of N operations, seeds S..S+R-1
//            [--every-op]                 verifyIntegrity after every operation (debugging a finding: the first failure's op)
//   sessions --seed S --files F          F mutated session files through restoreSession
// Prints one JSON report on stdout; progress on stderr.
import { fuzzEngine, merge, type FuzzReport } from './engine';
import { fuzzSessions } from './sessions';

const argv = process.argv.slice(2);
const mode = argv[0];
const num = (name: string, def: number): number => { const i = argv.indexOf(`--${name}`); return i >= 0 ? Number(argv[i + 1]) : def; };

if (mode === 'engine') {
  const seed = num('seed', 1), runs = num('runs', 1), ops = num('ops', 10_000);
  const started = Date.now();
  let total: FuzzReport | undefined;
  for (let s = seed; s < seed + runs; s++) {
    const t = Date.now();
    const one = fuzzEngine({ seed: s, ops, integrityEveryOp: argv.includes('--every-op') });
    total = total ? merge(total, one) : merge({ ...one, ops: 0, typed: 0, hostile: 0, documentedFailures: 0, queryRejections: 0, integrityChecks: 0, pagesVerified: 0, roundTrips: 0, stateAtChecks: 0, steps: 0, unexpected: {}, invariantFailures: {}, dataMismatches: {}, timeTravelFailures: {} }, one);
    const findings = Object.keys(one.unexpected).length + Object.keys(one.invariantFailures).length + Object.keys(one.dataMismatches).length + Object.keys(one.timeTravelFailures).length;
    process.stderr.write(`seed ${s}: ${one.ops} ops (${one.hostile} hostile), ${one.steps} steps, ${findings} finding kinds, ${Date.now() - t} ms\n`);
  }
  console.log(JSON.stringify({ mode, seeds: [seed, seed + runs - 1], ms: Date.now() - started, ...total }, null, 1));
} else if (mode === 'sessions') {
  console.log(JSON.stringify(fuzzSessions({ seed: num('seed', 1), files: num('files', 1000) }), null, 1));
} else {
  process.stderr.write('usage: node scripts/fuzz.mjs engine|sessions [--seed S] [--runs R] [--ops N] [--files F]\n');
  process.exit(2);
}
