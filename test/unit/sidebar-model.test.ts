// The sidebar's tree models in plain Node: stable ids and identities, parents for reveal, paging of
// long lists, narrow refresh after one step, and the highlight of what a step touched.
import { describe, expect, it } from 'vitest';
import { createSystem, MEM_COMMIT, MEM_RESERVE, PAGE_READWRITE, type System } from '../../src/engine';
import { PAGE_SIZE_ITEMS, PhysicalMemoryModel, ProcessesModel, tooltipText, Touched, type Localizer, type TreeNode } from '../../src/extension/views/model';

const l10n: Localizer = { t: (m, ...a) => m.replace(/\{(\d+)\}/g, (_, i: string) => String(a[Number(i)])) };

function machine(): System {
  return createSystem({ physicalMemoryMB: 64, pageFileMB: 64 });
}

function processes(system: System): ProcessesModel {
  const m = new ProcessesModel(l10n);
  m.setSystem(system, false);
  return m;
}

function byKind(m: ProcessesModel, node: TreeNode, kind: string): TreeNode {
  const n = m.children(node).find((c) => c.kind === kind);
  if (!n) throw new Error(`no ${kind} under ${node.id}`);
  return n;
}

describe('Processes model', () => {
  it('roots the tree at System and nests children under their parents', () => {
    const system = machine();
    const m = processes(system);
    const roots = m.roots();
    // Idle (pid 0) and System (ParentCid 0, none) head the tree, as in Process Explorer.
    expect(roots.slice(0, 2).map((r) => m.describe(r).label)).toEqual(['Idle', 'System']);
    // Other roots are processes whose parent has exited (smss's children once it exits).
    for (const r of roots.slice(2)) expect(system.queryProcess(system.queryProcess(r.pid!)!.parentPid)).toBeUndefined();
    const system4 = roots[1]!;
    const kids = m.children(system4).filter((n) => n.kind === 'process').map((n) => m.describe(n).label);
    expect(kids).toContain('smss.exe');
    expect(kids).toContain('Registry');
  });

  it('lists every process at the top level in flat mode', () => {
    const system = machine();
    const m = processes(system);
    m.flat = true;
    expect(m.roots().length).toBe(system.processCount);
  });

  it('returns the same object for the same id, so refresh and reveal find it again', () => {
    const m = processes(machine());
    const a = m.roots()[0]!;
    const b = m.roots()[0]!;
    expect(a).toBe(b);
    expect(m.children(a)[0]).toBe(m.children(a)[0]);
  });

  it('shows a process with its threads, handles, VADs, working set, PEB, token, security descriptor and job', () => {
    const system = machine();
    const { pid } = system.createProcess({ imagePath: 'C:\\Windows\\System32\\notepad.exe' });
    const m = processes(system);
    const node = m.find({ type: 'process', pid })!;
    expect(node.id).toBe(`p:${pid}`);
    const item = m.describe(node);
    expect(item.label).toBe('notepad.exe');
    expect(tooltipText(item)).toContain('EPROCESS');
    const kinds = m.children(node).map((c) => c.kind);
    expect(kinds.slice(0, 8)).toEqual(['threads', 'handles', 'addressSpace', 'workingSet', 'peb', 'token', 'security', 'job']);
    // The security descriptor OpenProcess checks: owner, DACL ACEs, the mandatory label with its policy.
    const security = m.describe(byKind(m, node, 'security'));
    expect(security.description).toBe('Medium label · 3 ACEs');
    const sd = system.queryProcessSecurity(pid)!;
    expect(tooltipText(security)).toContain(`DACL 0 | ACCESS_ALLOWED · ${sd.dacl[0]!.name}`);
    expect(tooltipText(security)).toContain('NO_WRITE_UP | NO_READ_UP');
    expect(tooltipText(security)).toContain('0x1fffff');
    expect(m.children(byKind(m, node, 'threads'))).toHaveLength(1);
    const vads = m.children(byKind(m, node, 'addressSpace'));
    expect(vads.length).toBe(system.queryVads(pid).length);
    expect(m.describe(byKind(m, node, 'handles')).description).toBe(String(system.queryHandles(pid).length));
    expect(m.describe(byKind(m, node, 'job')).description).toBe('not in a job');
    expect(m.describe(byKind(m, node, 'token')).contextValue).toMatch(/\bdt\b/);
    expect(m.describe(byKind(m, node, 'peb')).contextValue).toMatch(/\bdt\b/);
  });

  it('pages a large working set in slices of PAGE_SIZE_ITEMS', () => {
    const system = machine();
    const { pid } = system.createProcess({ imagePath: 'C:\\Windows\\System32\\Taskmgr.exe' });
    const api = system.win32(pid);
    const base = api.VirtualAlloc(0n, 0x200000n, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
    for (let i = 0n; i < 0x200000n; i += 0x1000n) api.WriteMemory(base + i, new Uint8Array([1]));
    const m = processes(system);
    const ws = byKind(m, m.find({ type: 'process', pid })!, 'workingSet');
    const ranges = m.children(ws);
    expect(ranges.every((r) => r.kind === 'range')).toBe(true);
    expect(m.children(ranges[0]!)).toHaveLength(PAGE_SIZE_ITEMS);
    const total = system.queryWorkingSet(pid).total;
    expect(ranges.reduce((n, r) => n + r.count!, 0)).toBe(total);
    // Reveal descends through the right slice.
    const entry = m.find({ type: 'wsle', pid, va: base + 0x1F0000n })!;
    expect(entry.kind).toBe('wsle');
    expect(entry.parent!.kind).toBe('range');
    expect(entry.parent!.parent).toBe(ws);
  });

  it('finds the VAD of an address and the thread of a tid, with parents up to the root', () => {
    const system = machine();
    const { pid, tid } = system.createProcess({ imagePath: 'C:\\Windows\\System32\\notepad.exe' });
    const base = system.win32(pid).VirtualAlloc(0n, 0x10000n, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
    const m = processes(system);
    const vad = m.find({ type: 'vad', pid, va: base + 0x1234n })!;
    expect(vad.kind).toBe('vad');
    expect(vad.va).toBe(base);
    const thread = m.find({ type: 'thread', id: tid })!;
    expect(thread.kind).toBe('thread');
    let n: TreeNode | undefined = thread;
    const chain: string[] = [];
    while (n) { chain.push(n.kind); n = m.parent(n); }
    expect(chain[chain.length - 1]).toBe('process');
    expect(m.parent(m.roots()[0]!)).toBeUndefined();
  });

  it('after one step refreshes only the process it touched (not the whole tree)', () => {
    const system = machine();
    const { pid } = system.createProcess({ imagePath: 'C:\\Windows\\System32\\notepad.exe' });
    const m = processes(system);
    m.flat = true;
    const roots = m.roots();
    expect(roots.length).toBeGreaterThan(10);
    const from = system.stepCount;
    system.win32(pid).VirtualAlloc(0n, 0x10000n, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
    const changes = system.getSteps(from, system.stepCount).flatMap((s) => s.changes);
    const refresh = m.invalidate(changes);
    expect(refresh.all).toBe(false);
    expect([...refresh.nodes].map((n) => n.id)).toEqual([`p:${pid}`]);
  });

  it('refreshes the parent when a child process appears', () => {
    const system = machine();
    const m = processes(system);
    const explorerPid = system.processIds.find((p) => system.queryProcess(p)!.imageFileName === 'explorer.exe')!;
    const explorer = m.find({ type: 'process', pid: explorerPid })!;
    m.children(explorer);
    const from = system.stepCount;
    const { pid } = system.createProcess({ imagePath: 'C:\\Windows\\System32\\calc.exe', parentPid: explorerPid });
    const refresh = m.invalidate(system.getSteps(from, system.stepCount).flatMap((s) => s.changes));
    expect(refresh.all).toBe(false);
    expect([...refresh.nodes]).toContain(explorer);
    expect(m.children(explorer).some((n) => n.pid === pid)).toBe(true);
  });

  it('highlights what the displayed step touched', () => {
    const system = machine();
    const { pid } = system.createProcess({ imagePath: 'C:\\Windows\\System32\\notepad.exe' });
    const m = processes(system);
    const node = m.find({ type: 'process', pid })!;
    expect(m.describe(node).touched).toBe(false);
    m.touched = Touched.from([{ type: 'process', pid }]);
    expect(m.describe(node).touched).toBe(true);
    expect(m.describe(node).iconColor).toBeDefined();
  });
});

describe('Physical memory model', () => {
  it('lists commit and the page lists with counts that match the engine', () => {
    const system = machine();
    const m = new PhysicalMemoryModel(l10n);
    m.setSystem(system, false);
    const roots = m.roots();
    expect(roots.map((r) => r.kind)).toEqual(['commit', 'pageList', 'pageList', 'pageList', 'pageList', 'pageList', 'pageList', 'activePages', 'compression']);
    expect(m.describe(roots[8]!).label).toBe('Memory compression');
    const zeroed = roots.find((r) => r.list === 'Zeroed')!;
    const info = system.querySystemMemoryListInformation();
    expect(m.describe(zeroed).description).toContain(String(info.ZeroPageCount));
    const slices = m.children(zeroed);
    expect(slices[0]!.kind).toBe(info.ZeroPageCount > PAGE_SIZE_ITEMS ? 'range' : 'pfn');
    const standby = m.children(roots.find((r) => r.list === 'Standby')!);
    expect(standby.map((s) => s.priority)).toEqual([7, 6, 5, 4, 3, 2, 1, 0]);
  });

  it('finds a page frame on its list through the right slice', () => {
    const system = machine();
    const m = new PhysicalMemoryModel(l10n);
    m.setSystem(system, false);
    const pfns = system.listPages('Zeroed', 0, Infinity);
    const last = pfns[pfns.length - 1]!;
    const node = m.find({ type: 'pfn', id: last })!;
    expect(node.kind).toBe('pfn');
    expect(node.pfn).toBe(last);
    expect(tooltipText(m.describe(node))).toContain('MMPFN');
    expect(m.find({ type: 'pfn', id: system.physicalPageCount })).toBeUndefined();
  });

  it('nests slices so no level of a long list holds more than PAGE_SIZE_ITEMS nodes', () => {
    const system = createSystem({ physicalMemoryMB: 512 });
    const m = new PhysicalMemoryModel(l10n);
    m.setSystem(system, false);
    const zeroed = m.roots().find((r) => r.list === 'Zeroed')!;
    const count = system.querySystemMemoryListInformation().ZeroPageCount;
    expect(count).toBeGreaterThan(PAGE_SIZE_ITEMS * PAGE_SIZE_ITEMS);
    const top = m.children(zeroed);
    expect(top.length).toBeLessThanOrEqual(PAGE_SIZE_ITEMS);
    expect(top[0]!.count).toBe(PAGE_SIZE_ITEMS * PAGE_SIZE_ITEMS);
    expect(m.children(top[0]!)).toHaveLength(PAGE_SIZE_ITEMS);
    const pfns = system.listPages('Zeroed', 0, Infinity);
    const node = m.find({ type: 'pfn', id: pfns[pfns.length - 1]! })!;
    expect(node.kind).toBe('pfn');
    expect(node.parent!.kind).toBe('range');
    expect(node.parent!.parent!.kind).toBe('range');
    expect(node.parent!.parent!.parent).toBe(zeroed);
  });
});

describe('Processes model: tokens, debuggers and consoles', () => {
  it('a process row says when it is debugged or runs at Low integrity; the tooltip names its user, debugger and console host', () => {
    const system = machine();
    const explorer = system.processIds.find((p) => system.queryProcess(p)!.imageFileName === 'explorer.exe')!;
    const r = system.win32(explorer);
    const own = { value: 0 };
    const low = { value: 0 };
    r.OpenProcessToken(-1, 0xF01FF, own);
    r.DuplicateTokenEx(own.value, 0, null, 2, 1, low);
    r.SetTokenInformation(low.value, 25, { Label: { Sid: 'S-1-16-4096' } });
    const info = { hProcess: 0, hThread: 0, dwProcessId: 0, dwThreadId: 0 };
    expect(r.CreateProcessAsUser(low.value, 'C:\\Windows\\System32\\cmd.exe', null, false, 0x2 /* DEBUG_ONLY_THIS_PROCESS */, null, info)).toBe(true);
    const m = processes(system);
    const row = m.describe(m.find({ type: 'process', pid: info.dwProcessId })!);
    expect(row.description).toContain('debugged');
    expect(row.description).toContain('Low integrity');
    const tip = tooltipText(row);
    expect(tip).toContain('LAB\\Student');
    expect(tip).toMatch(new RegExp(`Debugger \\| ${explorer}`));
    // The console host comes once the debugger lets the loader run.
    expect(tip).not.toContain('conhost.exe');
    const plain = m.describe(m.find({ type: 'process', pid: explorer })!);
    expect(plain.description).not.toContain('debugged');
    expect(plain.description).not.toContain('integrity');
  });
});
