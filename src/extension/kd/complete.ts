// Tab completion of a debugger line: command and extension names, dt's module!type names and the
// type's field names, process image names (!process 0 0 name), pseudo-registers. Pure.
import { describeObject } from '../../engine';
import { COMMANDS } from './kd';
import { DT_TYPES } from './dt';
import { SYMBOL_TYPES } from './symbols';
import { KdTarget, type KdState, type KdView } from './target';

const REGISTERS = ['@$proc', '@$thread', '@$peb', '@$teb', '@$tpid', '@$tid', '@$ptrsize', '@$pagesize'];

export interface Completion {
  /** Where the word being completed starts. */
  from: number;
  /** Matching words, sorted. */
  candidates: string[];
}

/** The longest prefix the candidates share (case-insensitive compare, the first candidate's case). */
export function commonPrefix(words: string[]): string {
  if (words.length === 0) return '';
  let p = words[0]!;
  for (const w of words) while (!w.toLowerCase().startsWith(p.toLowerCase())) p = p.slice(0, -1);
  return p;
}

export function complete(view: KdView, state: KdState, line: string, cursor: number): Completion {
  const before = line.slice(0, cursor);
  const from = Math.max(before.lastIndexOf(' '), before.lastIndexOf(';')) + 1;
  const word = before.slice(from);
  const lower = word.toLowerCase();
  const words = before.slice(0, from).split(';').pop()!.trim().split(/\s+/).filter(Boolean);
  const pick = (all: Iterable<string>): Completion => ({ from, candidates: [...new Set(all)].filter((w) => w.toLowerCase().startsWith(lower)).sort() });
  if (word.startsWith('@') || word.startsWith('$')) return pick(REGISTERS);
  if (words.length === 0) return pick(COMMANDS.map((c) => c.name));
  const command = words[0]!.toLowerCase();
  const t = new KdTarget(view, state);
  const images = (): string[] => view.system.processIds.map((pid) => view.system.queryProcess(pid)!.imageFileName);
  if (command === 'dt') {
    const args = words.slice(1).filter((w) => !w.startsWith('-'));
    if (args.length === 0) return pick([...DT_TYPES, ...SYMBOL_TYPES].flatMap((d) => [`${d.module}!${d.type}`, d.type]));
    const typeName = args[0]!.replace(/^.*!/, '').toLowerCase();
    const entry = DT_TYPES.find((d) => d.type.toLowerCase() === typeName || d.type.toLowerCase() === `_${typeName}`);
    if (!entry) return { from, candidates: [] };
    const ref = entry.kind === 'ETHREAD' || entry.kind === 'KTHREAD' || entry.kind === 'TEB' || entry.kind === 'CSR_THREAD'
      ? { kind: entry.kind, tid: t.tid ?? 0 } : { kind: entry.kind, pid: t.pid, index: 0, handle: 0, jobId: 0, objectId: 0 };
    const layout = describeObject(view.system, ref as Parameters<typeof describeObject>[1]);
    return pick(layout ? layout.fields.filter((f) => f.offset >= 0).map((f) => f.name) : []);
  }
  if (command === '!process' || command === '.process' || command === '!handle') return pick(images());
  return { from, candidates: [] };
}
