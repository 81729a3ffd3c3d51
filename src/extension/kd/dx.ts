// dx for the common paths of the debugger data model: @$curprocess, @$curthread, @$cursession and
// its Processes (indexed by process id), with .Name, .Id, .Threads, .Modules and .KernelObject.
// Layout after Microsoft Learn, "dx (Display Debugger Object Model Expression)" and "Using LINQ With
// the debugger objects": the expression, then ` : value`; children indented four spaces with their
// names left-aligned in a 17-column field; a process shows `Name [Switch To]`, a string its Length;
// an object with a native type shows `[Type: _EPROCESS]`. Numbers in dx expressions are decimal
// unless prefixed 0x (the C++ evaluator dx uses); displayed numbers are hex. -rN shows N levels
// below the expression ("-r# Recursively display subtypes (fields) up to # levels. If # is not
// specified, a recursion level of one is the default", Learn, "dx (Display Debugger Object Model
// Expression)"): no -r and -r1 show the children, -r0 the expression alone, -r2 the grandchildren. Pure.
import type { ProcessInfo } from '../../engine';
import { cmdDt } from './dt';
import { KdError } from './expr';
import { hex } from '../present/format';
import { printable } from './format';
import type { KdSteps } from './kd';
import type { KdTarget } from './target';

type Out = string[];

/** One data-model object: its display value, native type, and (lazily) its children. */
interface DxNode {
  value?: string;
  type?: string;
  /** Shown after the name without a colon (a thread's `[Switch To]`). */
  note?: string;
  /** Lazily: a 2,000-process Processes node reads each process only when its line is printed. */
  children?: () => Iterable<[string, DxNode]>;
  /** `[n]` without listing every child (Processes[pid] on a 2,000-process session). */
  index?: (n: bigint) => DxNode | undefined;
  /** What `.KernelObject` of this node lays out (the dt command's arguments). */
  dt?: string[];
}

const MAX_DEPTH = 6;
const MAX_LINES = 100_000;

function stringNode(s: string): DxNode {
  return { value: printable(s), children: () => [['Length', { value: hex(s.length) }]] };
}

function threadNode(t: KdTarget, pid: number, tid: number): DxNode {
  const address = t.threadAddress(tid, pid) ?? 0n;
  return {
    note: '[Switch To]',
    children: () => [
      ['KernelObject', { type: '_ETHREAD', dt: ['nt!_ETHREAD', hex(address)] }],
      ['Id', { value: hex(tid) }],
    ],
  };
}

function processNode(t: KdTarget, p: ProcessInfo): DxNode {
  const threads = (): Array<[string, DxNode]> => p.threads.map((th) => [`[${hex(th.tid)}]`, threadNode(t, p.pid, th.tid)]);
  return {
    value: `${printable(p.imageFileName)} [Switch To]`,
    children: () => [
      ['KernelObject', { type: '_EPROCESS', dt: ['nt!_EPROCESS', hex(p.eprocess)] }],
      ['Name', stringNode(p.imageFileName)],
      ['Id', { value: hex(p.pid) }],
      ['Threads', { children: threads, index: (n) => (p.threads.some((th) => BigInt(th.tid) === n) ? threadNode(t, p.pid, Number(n)) : undefined) }],
      ['Modules', { children: () => t.modules(p.pid).map((m, i): [string, DxNode] => [`[${hex(i)}]`, { value: `${printable(m.path)}` }]) }],
    ],
  };
}

function processesNode(t: KdTarget): DxNode {
  const s = t.system;
  return {
    children: function* () {
      for (const pid of s.processIds) {
        const p = s.queryProcess(pid);
        if (p) yield [`[${hex(pid)}]`, processNode(t, p)];
      }
    },
    index: (n) => { const p = n < 0x100000000n ? s.queryProcess(Number(n)) : undefined; return p ? processNode(t, p) : undefined; },
  };
}

function root(t: KdTarget, name: string): DxNode | undefined {
  switch (name.toLowerCase()) {
    case '@$curprocess': { const p = t.process; return p ? processNode(t, p) : undefined; }
    case '@$curthread': { const tid = t.tid; return tid === undefined ? undefined : threadNode(t, t.pid, tid); }
    case '@$cursession': return { value: 'Local KD', children: () => [['Processes', processesNode(t)], ['Id', { value: '0' }]] };
    default: return undefined;
  }
}

/** Parses `root(.Member|[index])*` and walks it. */
function resolve(t: KdTarget, expr: string): DxNode {
  const m = /^(@\$\w+)/.exec(expr);
  if (!m) throw new KdError(`Error: Unable to bind name '${expr.split(/[.[]/)[0]}'`);
  const first = root(t, m[1]!);
  if (!first) throw new KdError(`Error: Unable to bind name '${m[1]}'`);
  let node: DxNode = first;
  let rest = expr.slice(m[1]!.length);
  while (rest) {
    const member = /^\.(\w+)/.exec(rest);
    const index = /^\[\s*(0x[0-9a-f]+|\d+)\s*\]/i.exec(rest);
    if (member) {
      const found = child(node, member[1]!);
      if (!found) throw new KdError(`Error: Unable to bind name '${member[1]}'`);
      node = found;
      rest = rest.slice(member[0].length);
    } else if (index) {
      const n = BigInt(index[1]!);
      const found = node.index?.(n);
      if (!found) throw new KdError(`Error: Index was out of bounds (${index[1]})`);
      node = found;
      rest = rest.slice(index[0].length);
    } else {
      throw new KdError(`Error: Unexpected token '${rest.slice(0, 20)}'`);
    }
  }
  return node;
}

/** The child called `name`, reading no further children than needed. */
function child(node: DxNode, name: string): DxNode | undefined {
  for (const [n, c] of node.children?.() ?? []) if (n === name) return c;
  return undefined;
}

function label(name: string): string { return name.length < 17 ? name.padEnd(17) : name + ' '; }

/** Prints a node and its children to `depth` levels, yielding after each line (a long listing streams). */
function* render(name: string, node: DxNode, indent: string, depth: number, out: Out, count: { lines: number }): Generator<void, void, void> {
  if (count.lines > MAX_LINES) return;
  const type = node.type ? `[Type: ${node.type}]` : '';
  const value = node.value !== undefined ? `: ${node.value}` : '';
  out.push(`${indent}${label(name)}${[value, type, node.note ?? ''].filter(Boolean).join(' ')}`.trimEnd());
  count.lines++;
  yield;
  if (depth <= 0 || !node.children) return;
  for (const [n, c] of node.children()) yield* render(n, c, indent + '    ', depth - 1, out, count);
}

/** dx [-r[N]] Expression (a generator: `dx -r2 @$cursession.Processes` prints tens of thousands of lines). */
export function* cmdDx(t: KdTarget, args: string[], out: Out): KdSteps {
  let depth = 1;
  const rest: string[] = [];
  for (const a of args) {
    const r = /^-r(\d*)$/i.exec(a);
    if (r) depth = Math.min(MAX_DEPTH, r[1] ? Number(r[1]) : 1);
    else rest.push(a);
  }
  const expr = rest.join('');
  if (!expr) throw new KdError('Error: Expected expression');
  const kernelObject = /\.KernelObject$/.exec(expr);
  if (kernelObject) {
    const owner = resolve(t, expr.slice(0, kernelObject.index));
    const ko = child(owner, 'KernelObject');
    if (!ko?.dt) throw new KdError("Error: Unable to bind name 'KernelObject'");
    out.push(`${label(expr)}[Type: ${ko.type}]`);
    // Its fields as dt lays them out (dx shows the native structure's fields the same way).
    const fields: string[] = [];
    cmdDt(t, ko.dt, fields);
    for (const f of fields.slice(1)) out.push(f);
    return;
  }
  yield* render(expr, resolve(t, expr), '', depth, out, { lines: 0 });
}
