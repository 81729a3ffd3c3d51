// Entry point of the campaign scripts (bundled and run in plain Node by scripts/fuzz.mjs):
//   engine   --seed S --runs R --ops N   R engine runs of N operations, seeds S..S+R-1
//            [--every-op]                 verifyIntegrity after every operation (debugging a finding: the first failure's op)
//            [--hostile P]                share of hostile operations (default 0.35)
//            [--check-every N] [--round-trip-every M]  integrity and read-back every N ops (500), save/load and stateAt every M (2,000)
//   sessions --seed S --files F          F mutated session files through restoreSession
//   notes    --seed S --runs R --docs D --chars C [--full-size]
//                                         D hostile markdown documents per seed (up to C characters, default 5 MB)
//                                         through every notes path run on open, edit and hover; worst time per path
//   views    --seed S --runs R [--ops N] [--processes P] [--nodes M]
//                                         random sessions with hostile names, every sidebar model walked
//   regexes                              the regexes of the notes and shared code whose cost grows faster than the text
// Either mode: [--out FILE] writes the report so far to FILE after each seed (a long campaign cut short keeps its numbers).
// Prints one JSON report on stdout; progress on stderr.
import { writeFileSync } from 'node:fs';
import { fuzzEngine, merge, type FuzzReport } from './engine';
import { emptyNotesReport, fuzzNotes, regexAttackLines, sourceRegexes, superlinearRegexes } from './notes';
import { emptyViewsReport, fuzzViews } from './views';
import { fuzzSessions, mergeSessions, type SessionFuzzReport } from './sessions';

const argv = process.argv.slice(2);
const mode = argv[0];
const num = (name: string, def: number): number => { const i = argv.indexOf(`--${name}`); return i >= 0 ? Number(argv[i + 1]) : def; };
const outIndex = argv.indexOf('--out');
const out = outIndex >= 0 ? argv[outIndex + 1] : undefined;
const save = (report: unknown): void => { if (out) writeFileSync(out, JSON.stringify(report, null, 1)); };

if (mode === 'engine') {
  const seed = num('seed', 1), runs = num('runs', 1), ops = num('ops', 10_000), hostile = num('hostile', 0.35);
  const started = Date.now();
  let total: FuzzReport | undefined;
  for (let s = seed; s < seed + runs; s++) {
    const t = Date.now();
    const one = fuzzEngine({ seed: s, ops, hostile, integrityEveryOp: argv.includes('--every-op'), checkEvery: num('check-every', 500), roundTripEvery: num('round-trip-every', 2000) });
    total = total ? merge(total, one) : merge({ ...one, ops: 0, typed: 0, hostile: 0, documentedFailures: 0, queryRejections: 0, integrityChecks: 0, pagesVerified: 0, roundTrips: 0, stateAtChecks: 0, steps: 0, unexpected: {}, invariantFailures: {}, dataMismatches: {}, timeTravelFailures: {} }, one);
    const findings = Object.keys(one.unexpected).length + Object.keys(one.invariantFailures).length + Object.keys(one.dataMismatches).length + Object.keys(one.timeTravelFailures).length;
    process.stderr.write(`seed ${s}: ${one.ops} ops (${one.hostile} hostile), ${one.steps} steps, ${findings} finding kinds, ${Date.now() - t} ms\n`);
    save({ mode, seeds: [seed, s], ms: Date.now() - started, ...total });
  }
  console.log(JSON.stringify({ mode, seeds: [seed, seed + runs - 1], ms: Date.now() - started, ...total }, null, 1));
} else if (mode === 'sessions') {
  const seed = num('seed', 1), runs = num('runs', 1), files = num('files', 1000);
  let total: SessionFuzzReport | undefined;
  for (let s = seed; s < seed + runs; s++) {
    const t = Date.now();
    const one = fuzzSessions({ seed: s, files });
    total = total ? mergeSessions(total, one) : one;
    process.stderr.write(`seed ${s}: ${one.files} files, ${one.loaded} loaded, ${one.sessionFileErrors} SessionFileError, ${one.notJson} not JSON, ${Object.keys(one.unexpected).length} unexpected kinds, worst ${one.worstMs} ms, ${Date.now() - t} ms\n`);
    save({ mode, seeds: [seed, s], ...total });
  }
  console.log(JSON.stringify({ mode, seeds: [seed, seed + runs - 1], ...total }, null, 1));
} else if (mode === 'notes') {
  // Lines built against every regex of the notes and shared code, mixed into the documents.
  const regexes = sourceRegexes();
  const seed = num('seed', 1), runs = num('runs', 1), docs = num('docs', 20), maxChars = num('chars', 5 * 1024 * 1024);
  const report = emptyNotesReport();
  const attackLines = regexAttackLines(regexes);
  const started = Date.now();
  for (let s = seed; s < seed + runs; s++) {
    const t = Date.now();
    fuzzNotes({ seed: s, docs, maxChars, attackLines, fullSize: argv.includes('--full-size') }, report);
    process.stderr.write(`seed ${s}: ${report.docs} docs so far, ${Object.keys(report.exceptions).length} exception kinds, ${Object.keys(report.malformed).length} malformed kinds, ${Date.now() - t} ms\n`);
    save({ mode, seeds: [seed, s], regexes: regexes.length, attackLines: attackLines.length, ...report });
  }
  console.log(JSON.stringify({ mode, seeds: [seed, seed + runs - 1], ms: Date.now() - started, regexes: regexes.length, attackLines: attackLines.length, ...report }, null, 1));
} else if (mode === 'views') {
  const seed = num('seed', 1), runs = num('runs', 1), ops = num('ops', 600), processes = num('processes', 40), maxNodes = num('nodes', 4000);
  const report = emptyViewsReport();
  const started = Date.now();
  for (let s = seed; s < seed + runs; s++) {
    const t = Date.now();
    fuzzViews({ seed: s, ops, processes, maxNodes }, report);
    process.stderr.write(`seed ${s}: ${report.nodes} nodes so far, ${Object.keys(report.exceptions).length} exception kinds, ${Object.keys(report.unescaped).length} unescaped kinds, ${Date.now() - t} ms\n`);
    save({ mode, seeds: [seed, s], ...report });
  }
  console.log(JSON.stringify({ mode, seeds: [seed, seed + runs - 1], ms: Date.now() - started, ...report }, null, 1));
} else if (mode === 'regexes') {
  const regexes = sourceRegexes();
  console.log(JSON.stringify({ mode, regexes: regexes.length, superlinear: superlinearRegexes(regexes) }, null, 1));
} else {
  process.stderr.write('usage: node scripts/fuzz.mjs engine|sessions|notes|views|regexes [--seed S] [--runs R] [--ops N] [--files F] [--hostile P] [--docs D] [--chars C] [--full-size] [--out FILE]\n');
  process.exit(2);
}
