// Session-file mutation (issue 19): real saved sessions — from fuzzed engine runs, a booted machine with
// processes, sections, threads and a job, a classic-PTE-base legacy-layout machine, one with a 4 MB
// write — mutated structurally (types changed, deep nesting, huge numbers, NaN strings, unknown ops,
// ops removed/duplicated/reordered, options changed) and textually (truncated, bytes flipped,
// duplicated keys), thousands of them. restoreSession must either load or throw SessionFileError,
// never anything else; each file is restored in chunks, so the number of operations replayed and
// the time each file costs are bounded and reported. A SessionFileError that wraps an operation
// which "cannot be replayed" is reported separately: the file was well-formed, the engine threw. A file
// asking for a machine above the engine's session limits (SESSION_MACHINE_LIMITS, or the limits given)
// must be refused as 'tooLarge' before anything is built, so no file costs time in proportion to a
// machine nobody agreed to.
import {
  createSystem, MEM_COMMIT, MEM_RESERVE, PAGE_READWRITE, parseSessionText, restoreSessionInChunks, SessionFileError, serializeSession, type System,
} from '../../src/engine';
import { CLASSIC_PTE_BASE } from '../../src/engine/constants';
import { fuzzEngineSystem, Rng, show, type Finding } from './engine';

export interface SessionFuzzReport {
  seed: number;
  files: number;
  loaded: number;
  sessionFileErrors: number;
  /** Text that JSON.parse refused (the host reports it before the engine sees it). */
  notJson: number;
  /** SessionFileError by reason (corrupt, newer, mismatch, tooLarge). */
  byReason: Record<string, number>;
  /** Anything but SessionFileError, keyed by class and message. */
  unexpected: Record<string, Finding>;
  /** SessionFileError "cannot be replayed": a well-formed operation made the engine throw. */
  replayThrew: Record<string, Finding>;
  byMutation: Record<string, { files: number; loaded: number; rejected: number }>;
  worstMs: number;
  worstMutation: string;
  /** Files that took over a second, with their mutation and options. */
  slowFiles: string[];
  /** The most operations one file replayed, and all files' operations together. */
  opsReplayed: number;
  opsReplayedTotal: number;
  /** The largest machine (MB of RAM) a file made the engine build. */
  largestMachineMB: number;
  ms: number;
}

const NOTEPAD = 'C:\\Windows\\System32\\notepad.exe';

/** The real sessions the mutations start from. */
export function baseSessions(seed: number): string[] {
  const out: string[] = [];
  // A fuzzed session (typed and hostile operations of every kind).
  for (let s = 0; s < 3; s++) out.push(JSON.stringify(serializeSession(fuzzEngineSystem({ seed: seed * 10 + s, ops: 300 }))));
  // A 4 MB write (a regex over this hex once overflowed the stack).
  const sys: System = createSystem({ boot: false, physicalMemoryMB: 16, pageFileMB: 16, seed });
  const pid = sys.createProcess({ imagePath: NOTEPAD }).pid;
  const k = sys.win32(pid);
  const a = k.VirtualAlloc(0n, 4n << 20n, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
  k.WriteMemory(a, new Uint8Array(4 << 20).fill(0xA5));
  k.VirtualFree(a, 0n, 0x8000);
  out.push(JSON.stringify(serializeSession(sys)));
  // A booted machine used the ordinary way: processes, a section shared by two of them, a thread, a job, an exit.
  const booted = createSystem({ physicalMemoryMB: 32, pageFileMB: 32, seed: seed + 1 });
  const a1 = booted.createProcess({ imagePath: NOTEPAD }).pid;
  const a2 = booted.createProcess({ imagePath: 'C:\\Windows\\System32\\cmd.exe', parentPid: a1 }).pid;
  const k1 = booted.win32(a1), k2 = booted.win32(a2);
  const h = k1.CreateFileMapping(-1, PAGE_READWRITE, 0x20000n, 'LabShared');
  const v1 = k1.MapViewOfFile(h, 6, 0n, 0n);
  k1.WriteMemory(v1, new Uint8Array(5000).fill(7));
  const v2 = k2.MapViewOfFile(k2.OpenFileMapping(6, false, 'LabShared'), 4, 0n, 0n);
  k2.ReadMemory(v2, 64);
  k1.CreateThread(0n, 0x7FF600001000n, 0n, 0, { value: 0 });
  const job: unknown = booted.psCall({ call: 'createJob', callerPid: a1, name: 'LabJob' });
  if (typeof job === 'number') booted.psCall({ call: 'assignJob', callerPid: a1, hJob: job, hProcess: k1.OpenProcess(0x1FFFFF, false, a2) } as never);
  booted.memoryListCommand('MemoryEmptyWorkingSets');
  booted.memoryListCommand('MemoryFlushModifiedList');
  booted.psCall({ call: 'terminatePid', pid: a2, exitCode: 3 } as never);
  out.push(JSON.stringify(serializeSession(booted)));
  // The older layouts: the fixed PTE base and the legacy software PTEs.
  const legacy = createSystem({ boot: false, physicalMemoryMB: 8, pageFileMB: 8, seed, pteBase: CLASSIC_PTE_BASE, pteLayout: 'legacy' });
  const lp = legacy.createProcess({ imagePath: NOTEPAD }).pid;
  const lk = legacy.win32(lp);
  const la = lk.VirtualAlloc(0n, 0x40000n, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
  lk.WriteMemory(la, new Uint8Array(0x40000).fill(1));
  legacy.memoryListCommand('MemoryEmptyWorkingSets');
  legacy.memoryListCommand('MemoryFlushModifiedList');
  lk.ReadMemory(la + 0x3000n, 16);
  out.push(JSON.stringify(serializeSession(legacy)));
  return out;
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Every node of a JSON tree with a setter, breadth first (no recursion). */
function nodes(root: { v: Json }): Array<{ get: () => Json; set: (x: Json) => void; path: string }> {
  const out: Array<{ get: () => Json; set: (x: Json) => void; path: string }> = [{ get: () => root.v, set: (x) => { root.v = x; }, path: '$' }];
  for (let i = 0; i < out.length && out.length < 20000; i++) {
    const v = out[i]!.get();
    if (Array.isArray(v)) v.forEach((_x, j) => out.push({ get: () => v[j]!, set: (x) => { v[j] = x; }, path: `${out[i]!.path}[${j}]` }));
    else if (v && typeof v === 'object') for (const key of Object.keys(v)) out.push({ get: () => v[key]!, set: (x) => { v[key] = x; }, path: `${out[i]!.path}.${key}` });
  }
  return out;
}

function hostileJson(r: Rng): Json {
  return r.pick<() => Json>([
    () => null, () => true, () => 0, () => -1, () => 1e308, () => -1e308, () => 2 ** 53 + 2, () => 1.5, () => 'NaN', () => 'Infinity', () => '',
    () => 'x'.repeat(r.int(100000)), () => [], () => ({}), () => ({ $n: '0x' + 'f'.repeat(r.int(60)) }), () => ({ $n: 'NaN' }), () => ({ $f: 'NaN' }),
    () => ({ $f: 'bogus' }), () => ({ $b: 'zz' }), () => ({ $b: 'abc' }), () => ({ $u: 1 }), () => ({ $o: null }), () => ({ $o: { $n: '0x1' } }), () => ({ $weird: 1 }),
    () => ({ __proto__: { polluted: 1 } } as unknown as Json), () => ({ op: 'Bogus', args: [] }), () => ({ op: 'VirtualAlloc', pid: 4, args: [] }),
    () => ({ op: 'ps', args: [{ call: 'nope' }] }), () => ({ op: 'write', pid: 4, args: [0, { $b: '00'.repeat(r.int(4096)) }] }),
  ])();
}

/** A nest of `depth` arrays or objects around a value, built as text (no recursion anywhere). */
function deepText(depth: number, objects: boolean): string {
  return objects ? '{"a":'.repeat(depth) + '1' + '}'.repeat(depth) : '['.repeat(depth) + '1' + ']'.repeat(depth);
}

const MUTATIONS: Record<string, (r: Rng, text: string) => string> = {
  truncate: (r, t) => t.slice(0, r.int(t.length)),
  flipBytes: (r, t) => { const a = t.split(''); for (let n = 1 + r.int(8); n > 0; n--) a[r.int(a.length)] = String.fromCharCode(r.int(128)); return a.join(''); },
  flipDigits: (r, t) => t.replace(/\d/g, (d) => (r.chance(0.02) ? String((Number(d) + 1 + r.int(8)) % 10) : d)),
  changeType: (r, t) => tree(t, (root) => { const all = nodes(root); for (let n = 1 + r.int(4); n > 0; n--) r.pick(all).set(hostileJson(r)); }),
  changeLeaf: (r, t) => tree(t, (root) => { const all = nodes(root).filter((x) => typeof x.get() !== 'object'); for (let n = 1 + r.int(3); n > 0; n--) { const x = r.pick(all); const v = x.get(); x.set(typeof v === 'number' ? r.pick([v + 1, v - 1, -v, v * 4096, 2 ** 31, 2 ** 32 + v, 1e21]) : typeof v === 'string' ? r.pick(['', v + v, v.slice(1), 'C:\\nope.exe']) : !v); } }),
  deepNesting: (r, t) => { const deep = deepText(r.pick([100, 1000, 100000, 1000000]), r.chance(0.5)); return r.chance(0.5) ? t.replace('"ops":[', `"ops":[${deep},`) : t.replace(/"args":\[/, `"args":[${deep},`); },
  hugeNumbers: (r, t) => t.replace(/"stepCount":\d+|"seed":\d+|"physicalMemoryMB":\d+|"pageFileMB":\d+|"timeTravelMemoryMB":\d+|"pid":\d+/, (m) => m.replace(/\d+$/, r.pick(['1e308', '99999999999999999999', '-1', '0', '4294967296', '65536', '1.5', '2e9']))),
  nanStrings: (r, t) => t.replace(/:(\d+)([,}])/, (_m, _d, end: string) => `:${r.pick(['"NaN"', '"Infinity"', '"-0"', 'null', '"1"'])}${end}`),
  duplicateKeys: (r, t) => t.replace(r.pick(['"stepCount":', '"version":', '"ops":', '"options":', '"format":']), (m) => `${m}${r.pick(['7', '"x"', 'null', '[]', '{}', '2'])},${m}`),
  unknownOps: (r, t) => tree(t, (root) => { const ops = (root.v as { ops?: Json[] }).ops; if (Array.isArray(ops)) ops.splice(r.int(ops.length + 1), 0, hostileJson(r)); }),
  reorderOps: (r, t) => tree(t, (root) => {
    const ops = (root.v as { ops?: Json[] }).ops;
    if (!Array.isArray(ops) || ops.length < 2) return;
    const i = r.int(ops.length), j = r.int(ops.length);
    if (r.chance(0.4)) [ops[i], ops[j]] = [ops[j]!, ops[i]!];
    else if (r.chance(0.5)) ops.splice(i, 1);
    else ops.splice(i, 0, ops[j]!);
  }),
  options: (r, t) => tree(t, (root) => {
    const o = (root.v as { options?: Record<string, Json> }).options;
    if (!o || typeof o !== 'object') return;
    const key = r.pick(['physicalMemoryMB', 'pageFileMB', 'processors', 'seed', 'boot', 'pteBase', 'pteLayout', 'timeTravelMemoryMB', 'extra']);
    o[key] = r.pick<Json>([null, -1, 0, 3, 65537, 1e9, 'legacy', 'modern', '0x0', '0xFFFFF68000000000', '0xzz', true, 'x', 4096, 2.5]);
  }),
  hugeMachine: (r, t) => tree(t, (root) => {
    const o = (root.v as { options?: Record<string, Json> }).options;
    if (!o || typeof o !== 'object') return;
    if (r.chance(0.5)) o['physicalMemoryMB'] = r.pick([4096, 4097, 8192, 65536, 65537]);
    else o['pageFileMB'] = r.pick([65536, 65537, 262144, 262145]);
  }),
  bigWrite: (r, t) => tree(t, (root) => {
    const ops = (root.v as { ops?: Json[] }).ops;
    if (Array.isArray(ops)) ops.push({ op: 'write', pid: r.pick([4, 8, 12, 16, 20, 24, 28]), args: [r.pick([0x10000, 0, -1, 2 ** 52]), { $b: 'ab'.repeat(r.pick([1, 4096, 4 << 20])) }] });
  }),
};

function tree(text: string, change: (root: { v: Json }) => void): string {
  let root: { v: Json };
  try { root = { v: JSON.parse(text) as Json }; } catch { return text; }
  change(root);
  try { return JSON.stringify(root.v); } catch { return text; } // JSON.stringify recurses: a deep tree stays as text
}

const errorKey = (e: unknown): string => (e instanceof Error ? `${e.constructor.name}: ${e.message.replace(/0x[0-9a-f]+|\d+/gi, 'N').slice(0, 160)}` : `thrown ${typeof e}`);

/**
 * `maxPhysicalMemoryMB`: the engine's session limit on RAM (default SESSION_MACHINE_LIMITS'), as a host
 * passes it after asking; files asking for more must be refused as 'tooLarge'.
 */
export function fuzzSessions(o: { seed: number; files: number; bases?: string[]; maxPhysicalMemoryMB?: number }): SessionFuzzReport {
  const began = Date.now();
  const r = new Rng(o.seed * 40503 + 7);
  const bases = o.bases ?? baseSessions(o.seed);
  const limits = o.maxPhysicalMemoryMB !== undefined ? { maxPhysicalMemoryMB: o.maxPhysicalMemoryMB } : undefined;
  const report: SessionFuzzReport = {
    seed: o.seed, files: 0, loaded: 0, sessionFileErrors: 0, notJson: 0, byReason: {}, unexpected: {}, replayThrew: {}, byMutation: {}, worstMs: 0, worstMutation: '', slowFiles: [],
    opsReplayed: 0, opsReplayedTotal: 0, largestMachineMB: 0, ms: 0,
  };
  const names = Object.keys(MUTATIONS);
  for (let f = 0; f < o.files; f++) {
    const base = r.pick(bases);
    // One to three mutations stacked.
    const applied: string[] = [];
    let text = base;
    for (let n = 1 + (r.chance(0.3) ? r.int(3) : 0); n > 0; n--) { const m = r.pick(names); applied.push(m); text = MUTATIONS[m]!(r, text); }
    const kind = applied.join('+');
    const stat = report.byMutation[applied[0]!] ?? (report.byMutation[applied[0]!] = { files: 0, loaded: 0, rejected: 0 });
    stat.files++;
    report.files++;
    const started = Date.now();
    let data: unknown;
    // As the host reads a file: parseSessionText (a nesting check, then JSON.parse).
    try { data = parseSessionText(text); } catch (e) {
      if (e instanceof SessionFileError && e.message.startsWith('not JSON')) report.notJson++;
      else if (e instanceof SessionFileError) { report.sessionFileErrors++; report.byReason[e.reason] = (report.byReason[e.reason] ?? 0) + 1; }
      else add(report.unexpected, errorKey(e), `seed ${o.seed} file ${f} (${kind}) while parsing`);
      stat.rejected++;
      const ms = Date.now() - started;
      if (ms > report.worstMs) { report.worstMs = ms; report.worstMutation = `${kind} (parse)`; }
      continue;
    }
    try {
      const replay = restoreSessionInChunks(data, 256, limits);
      for (let total = 0; ;) {
        const step = replay.next();
        if (step.done) {
          report.loaded++; stat.loaded++;
          report.largestMachineMB = Math.max(report.largestMachineMB, step.value.options.physicalMemoryMB);
          report.opsReplayed = Math.max(report.opsReplayed, total);
          report.opsReplayedTotal += total;
          break;
        }
        total = step.value.total;
      }
    } catch (e) {
      if (e instanceof SessionFileError) {
        report.sessionFileErrors++; stat.rejected++;
        report.byReason[e.reason] = (report.byReason[e.reason] ?? 0) + 1;
        if (e.message.includes('cannot be replayed')) add(report.replayThrew, errorKey(e), `seed ${o.seed} file ${f} (${kind})`);
      } else {
        add(report.unexpected, errorKey(e), `seed ${o.seed} file ${f} (${kind}) ${show(text.slice(0, 200))}`);
      }
    }
    const ms = Date.now() - started;
    if (ms > report.worstMs) { report.worstMs = ms; report.worstMutation = `${kind} options ${show((data as { options?: unknown } | null)?.options)}`; }
    if (ms > 1000 && report.slowFiles.length < 50) report.slowFiles.push(`${ms} ms: ${kind} options ${show((data as { options?: unknown } | null)?.options)}`);
  }
  report.ms = Date.now() - began;
  return report;
}

/** Adds one run's report into a campaign total. */
export function mergeSessions(total: SessionFuzzReport, one: SessionFuzzReport): SessionFuzzReport {
  for (const key of ['files', 'loaded', 'sessionFileErrors', 'notJson', 'opsReplayedTotal', 'ms'] as const) total[key] += one[key];
  total.opsReplayed = Math.max(total.opsReplayed, one.opsReplayed);
  total.largestMachineMB = Math.max(total.largestMachineMB, one.largestMachineMB);
  for (const [k, n] of Object.entries(one.byReason)) total.byReason[k] = (total.byReason[k] ?? 0) + n;
  for (const [k, m] of Object.entries(one.byMutation)) {
    const t = total.byMutation[k] ?? (total.byMutation[k] = { files: 0, loaded: 0, rejected: 0 });
    t.files += m.files; t.loaded += m.loaded; t.rejected += m.rejected;
  }
  for (const key of ['unexpected', 'replayThrew'] as const) {
    for (const [k, f] of Object.entries(one[key])) { const t = total[key][k]; if (t) t.count += f.count; else total[key][k] = { ...f }; }
  }
  if (one.worstMs > total.worstMs) { total.worstMs = one.worstMs; total.worstMutation = one.worstMutation; }
  total.slowFiles.push(...one.slowFiles.slice(0, Math.max(0, 50 - total.slowFiles.length)));
  return total;
}

function add(table: Record<string, Finding>, key: string, example: string): void {
  const f = table[key];
  if (f) f.count++; else table[key] = { count: 1, example };
}
