// The views fuzzer of the reliability campaign (issue 19 items 9 and 13): random engine sessions (the
// engine fuzzer's typed and hostile operations, then many processes, exits, sections, files and jobs
// with hostile names — markdown, HTML, links, images, backticks, table bars, line breaks) and a walk
// of every sidebar tree model (the vscode-free layer the providers adapt: Processes, Physical
// memory, Sections, Jobs) through roots, children, describe and the tooltip, before and after a
// narrow refresh (setSystem on the same session, invalidate with the new steps' changes). Checks:
// nothing throws; every simulation string that enters a tooltip's markdown is escaped (no HTML, link,
// image or autolink survives outside a code span); a node's parent lists it; and the worst time of
// each call, which the campaign reports. Plain TypeScript: no vitest, no Node built-ins.
import { FILE_MAP_ALL_ACCESS, PAGE_READWRITE, type ChangeRef, type System } from '../../src/engine';
import { PhysicalMemoryModel, ProcessesModel, tooltipText, type Localizer, type TreeNode } from '../../src/extension/views/model';
import { JobsModel, SectionsModel } from '../../src/extension/views/objects';
import { fuzzEngineSystem, Rng } from './engine';

const l10n: Localizer = { t: (m, ...a) => m.replace(/\{(\d+)\}/g, (_, i: string) => String(a[Number(i)])) };

/** Names that would be markup if pasted into markdown as they are. */
export const HOSTILE_NAMES = [
  '![img](https://evil.example/x.png)', '[click](command:workbench.action.terminal.new)', '<img src=x onerror=alert(1)>', '<script>alert(1)</script>', '**bold**_em_',
  'a`b``c', '`code`', 'col|umn|x', 'line\nbreak\n# heading', 'www.evil.example', 'http://evil.example/a', '&lt;b&gt;', '\\`x', '~~strike~~', '> quote', '- item', '1. item',
  '<!-- c -->', '[ref]: https://evil.example', '\u202eRTL', '\u0000nul', ' ', '名字<b>中</b>',
];

export interface ViewsFuzzOptions {
  seed: number;
  /** Engine fuzzer operations before the named objects (default 600). */
  ops?: number;
  /** Extra processes created (some exit), default 40. */
  processes?: number;
  /** Most nodes walked per model and pass (default 4,000). */
  maxNodes?: number;
}

export interface ViewsFuzzReport {
  runs: number;
  nodes: number;
  tooltips: number;
  /** Tooltips that show one of the hostile names (escaped or not): the check had something to check. */
  hostileTooltips: number;
  exceptions: Record<string, { count: number; example: string }>;
  /** Tooltips where markup from a simulation string survived, by model and node kind. */
  unescaped: Record<string, { count: number; example: string }>;
  /** Worst time of one call, per model and call. */
  worstMs: Record<string, number>;
}

const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());

function add(table: Record<string, { count: number; example: string }>, key: string, example: string): void {
  const k = key.slice(0, 200);
  const f = table[k];
  if (f) f.count++; else table[k] = { count: 1, example: example.slice(0, 400) };
}

/**
 * Markup in a tooltip outside code spans and backslash escapes: HTML tags, links and images, autolinks.
 * (CommonMark: a code span opened by N backticks closes at the next run of exactly N.)
 */
export function liveMarkup(md: string): string | undefined {
  let plain = '';
  for (let i = 0; i < md.length;) {
    const c = md[i]!;
    if (c === '\\' && i + 1 < md.length) { plain += '  '; i += 2; continue; }
    if (c === '`') {
      let n = i;
      while (md[n] === '`') n++;
      const ticks = n - i;
      let close = md.indexOf('`'.repeat(ticks), n);
      while (close >= 0 && (md[close + ticks] === '`' || md[close - 1] === '`')) {
        let e = close;
        while (md[e] === '`') e++;
        close = md.indexOf('`'.repeat(ticks), e);
      }
      if (close >= 0) { plain += ' '.repeat(close + ticks - i); i = close + ticks; continue; }
      plain += md.slice(i, n);
      i = n;
      continue;
    }
    plain += c;
    i++;
  }
  const m = /<[A-Za-z!/?]|\]\(|!\[|:\/\/|www\.|\]:/.exec(plain);
  return m ? `${JSON.stringify(md.slice(Math.max(0, m.index - 40), m.index + 40))}` : undefined;
}

interface Model { roots(): TreeNode[]; children(n: TreeNode | undefined): TreeNode[]; describe(n: TreeNode): { label: string; description?: string; tooltip: string | (() => string) }; parent(n: TreeNode): TreeNode | undefined }

function walk(name: string, model: Model, r: Rng, maxNodes: number, report: ViewsFuzzReport): void {
  const timed = <T>(call: string, f: () => T, kind = ''): T | undefined => {
    const t = now();
    try { return f(); } catch (e) {
      add(report.exceptions, `${name}.${call}: ${e instanceof Error ? `${e.constructor.name}: ${e.message.replace(/\d+/g, 'N')}` : String(e)}`, e instanceof Error ? (e.stack ?? '').split('\n').slice(0, 6).join(' | ') : String(e));
      return undefined;
    } finally {
      const ms = now() - t;
      const key = `${name}.${call}${kind ? ` (${kind})` : ''}`;
      if (ms > (report.worstMs[key] ?? 0)) report.worstMs[key] = Math.round(ms * 10) / 10;
    }
  };
  const queue: TreeNode[] = [...(timed('roots', () => model.roots()) ?? [])];
  let seen = 0;
  while (queue.length && seen < maxNodes) {
    // Breadth first, with a random pick now and then so deep branches are reached within the cap.
    const node = r.chance(0.2) ? queue.splice(r.int(queue.length), 1)[0]! : queue.shift()!;
    seen++;
    report.nodes++;
    const view = timed('describe', () => model.describe(node), node.kind);
    if (view) {
      const md = timed('tooltip', () => tooltipText(view as never), node.kind);
      if (md !== undefined) {
        report.tooltips++;
        if (/evil|alert|strike|heading|umn/.test(md)) report.hostileTooltips++;
        const bad = liveMarkup(md);
        if (bad) add(report.unescaped, `${name} ${node.kind}`, bad);
      }
    }
    if (node.parent) {
      const p = timed('parent', () => model.parent(node));
      if (p && p !== node.parent && p.id !== node.parent.id) add(report.exceptions, `${name}.parent: not the node that listed it`, `${node.id}: ${p.id} vs ${node.parent.id}`);
    }
    const kids = timed('children', () => model.children(node), node.kind) ?? [];
    // Long lists are range nodes: expand a few, not all.
    const ranges = kids.filter((k) => k.kind === 'range');
    for (const k of kids) if (k.kind !== 'range' || ranges.indexOf(k) < 2 || r.chance(0.05)) queue.push(k);
  }
}

/** Hostile names in every object kind a view shows by name; processes come and go. */
function populate(sys: System, r: Rng, processes: number): void {
  const pids = sys.processIds.filter((p) => sys.queryProcess(p)?.imageFileName === 'explorer.exe' || sys.queryProcess(p)?.imageFileName === 'notepad.exe');
  const creator = pids[0] ?? sys.createProcess({ imagePath: 'C:\\Windows\\System32\\notepad.exe' }).pid;
  const k = sys.win32(creator);
  for (const name of HOSTILE_NAMES) {
    const safe = name.replace(/[\\/]/g, '_');
    try {
      const h = k.CreateFileMapping(-1, PAGE_READWRITE, 0x2000n, `Local\\${safe}`);
      if (h) k.MapViewOfFile(h, FILE_MAP_ALL_ACCESS, 0n, 0n);
      const job = k.CreateJobObject(null, safe);
      if (job && r.chance(0.5)) {
        const child = sys.createProcess({ imagePath: 'C:\\Windows\\System32\\notepad.exe', parentPid: creator }).pid;
        k.AssignProcessToJobObject(job, k.OpenProcess(0x1FFFFF, false, child));
      }
      const f = k.CreateFile(`C:\\Users\\Student\\${safe}.dat`, 0xC0000000, 0, null, 2, 0x80, 0);
      if (f && f !== -1) { const m = k.CreateFileMapping(f, PAGE_READWRITE, 0x1000n, undefined); if (m) k.MapViewOfFile(m, FILE_MAP_ALL_ACCESS, 0n, 0n); }
    } catch { /* a name the engine refuses the documented way */ }
  }
  const made: number[] = [];
  for (let i = 0; i < processes; i++) {
    try {
      made.push(sys.createProcess({ imagePath: r.pick(['C:\\Windows\\System32\\notepad.exe', 'C:\\Windows\\System32\\cmd.exe']), parentPid: r.chance(0.5) ? creator : r.pick(made.length ? made : [creator]) }).pid);
      if (made.length > 2 && r.chance(0.4)) {
        const victim = made.splice(r.int(made.length), 1)[0]!;
        sys.win32(creator).TerminateProcess(sys.win32(creator).OpenProcess(0x1FFFFF, false, victim), 7);
      }
    } catch { /* out of memory the documented way */ }
  }
}

export function emptyViewsReport(): ViewsFuzzReport { return { runs: 0, nodes: 0, tooltips: 0, hostileTooltips: 0, exceptions: {}, unescaped: {}, worstMs: {} }; }

/** One random session walked through every model, before and after more steps. */
export function fuzzViews(o: ViewsFuzzOptions, report: ViewsFuzzReport = emptyViewsReport()): ViewsFuzzReport {
  const r = new Rng(o.seed ^ 0x5EED);
  const maxNodes = o.maxNodes ?? 4000;
  const sys = fuzzEngineSystem({ seed: o.seed, ops: o.ops ?? 600, checkEvery: 1_000_000, roundTripEvery: 1_000_000 });
  populate(sys, r, o.processes ?? 40);
  report.runs++;
  const models: Array<[string, Model & { setSystem(s: System | undefined, same: boolean): void; invalidate(c: readonly ChangeRef[]): unknown }]> = [
    ['processes', new ProcessesModel(l10n)], ['physicalMemory', new PhysicalMemoryModel(l10n)], ['sections', new SectionsModel(l10n)], ['jobs', new JobsModel(l10n)],
  ];
  for (const [name, m] of models) { m.setSystem(sys, false); walk(name, m, r, maxNodes, report); }
  // More steps (processes come and go, a view is unmapped), then the narrow refresh the providers do.
  const from = sys.stepCount;
  populate(sys, r, Math.max(4, (o.processes ?? 40) >> 2));
  const changes = sys.getSteps(from, sys.stepCount).flatMap((s) => s.changes);
  for (const [name, m] of models) {
    try { m.setSystem(sys, true); m.invalidate(changes); } catch (e) { add(report.exceptions, `${name}.invalidate: ${(e as Error).constructor.name}: ${(e as Error).message}`, (e as Error).stack ?? ''); }
    walk(name, m, r, maxNodes, report);
  }
  // A past state of the same session (time travel shows it in the same views).
  if (from > 0) {
    try {
      const past = sys.stateAt(Math.max(0, from - 1));
      for (const [name, m] of models) { m.setSystem(past, true); m.invalidate(changes); walk(name, m, r, maxNodes >> 2, report); }
    } catch (e) { add(report.exceptions, `stateAt: ${(e as Error).constructor.name}: ${(e as Error).message}`, (e as Error).stack ?? ''); }
  }
  return report;
}
