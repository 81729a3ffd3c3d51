// The sidebar and the command palette in the real VS Code: every view and command driven through
// vscode.commands with argument objects (as notes, panels and scripts call them), bad input included.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { Commands, Views } from '../../src/extension/ids';
import { activatedApi, manifest } from './helpers';

interface Row { id: string; label: string; description?: string; tooltip: string; contextValue: string; collapsible: number; touched: boolean; reveal?: { type: string; pid?: number; id?: number; va?: string } }
interface Inspect { children: Row[]; fired: { all: boolean; ids: string[] }[]; cursor: number | undefined }
type Result = { ok: boolean; error?: string; code?: number; reason?: string } & Record<string, unknown>;
/** A field of a command's result. */
const get = <T>(r: Result, key: string): T => r[key] as T;

const inspect = async (view: string, id?: string): Promise<Inspect> => {
  const r = await vscode.commands.executeCommand<Inspect | undefined>('ntlab.views.inspect', { view, id });
  assert.ok(r, `inspect ${view} ${id ?? '(root)'}`);
  return r;
};
const run = async (command: string, args?: unknown): Promise<Result> => {
  const r = await vscode.commands.executeCommand<Result | undefined>(command, args);
  assert.ok(r, `${command} returned a result`);
  return r;
};
const failed = (r: Result, what: string): string => {
  assert.equal(r.ok, false, `${what} must fail`);
  return r.error!;
};

async function liveSession() {
  const api = await activatedApi();
  if (!api.session.system) await vscode.commands.executeCommand(Commands.startSession);
  api.session.setCursor(undefined);
  await vscode.commands.executeCommand('ntlab.processes.showTree');
  return api;
}

suite('Sidebar and commands', () => {
  let pid = 0;
  let base = '';

  test('every sidebar command is contributed and registered', async () => {
    await activatedApi();
    const registered = new Set(await vscode.commands.getCommands(true));
    const contributed = manifest().contributes.commands.map((c) => c.command);
    for (const id of ['ntlab.createProcess', 'ntlab.virtualAlloc', 'ntlab.virtualFree', 'ntlab.virtualProtect', 'ntlab.readMemory', 'ntlab.writeMemory',
      'ntlab.setWorkingSetSize', 'ntlab.emptyWorkingSet', 'ntlab.flushModifiedList', 'ntlab.purgeStandbyList', 'ntlab.runSystemThread',
      'ntlab.createJob', 'ntlab.assignProcessToJob', 'ntlab.setJobLimits', 'ntlab.terminateJob',
      'ntlab.showAsDt', 'ntlab.decodePte', 'ntlab.saveSession', 'ntlab.loadSession', 'ntlab.reveal', 'ntlab.processes.showFlat', 'ntlab.processes.showTree']) {
      assert.ok(contributed.includes(id), `${id} contributed`);
      assert.ok(registered.has(id), `${id} registered`);
    }
  });

  test('the Processes view roots the tree at System and can show a flat list', async () => {
    const api = await liveSession();
    const system = api.session.system!;
    const roots = await inspect(Views.processes);
    // Idle (pid 0) and System (ParentCid 0, none) first; processes whose parent has exited (as smss's children
    // after it exits) are roots too.
    assert.deepEqual(roots.children.slice(0, 2).map((r) => r.label), ['Idle', 'System']);
    for (const r of roots.children.slice(2)) {
      const parent = system.queryProcess(Number(r.id.slice(2)))!.parentPid;
      assert.equal(system.queryProcess(parent), undefined, `${r.label} is a root only when its parent ${parent} is gone`);
    }
    assert.match(roots.children[1]!.tooltip, /EPROCESS/);
    const under = await inspect(Views.processes, roots.children[1]!.id);
    assert.ok(under.children.some((c) => c.label === 'smss.exe'), 'smss is a child of System');
    await vscode.commands.executeCommand('ntlab.processes.showFlat');
    const flat = await inspect(Views.processes);
    assert.equal(flat.children.length, system.processCount);
    await vscode.commands.executeCommand('ntlab.processes.showTree');
  });

  test('Create Process runs the image and the new process appears under explorer.exe', async () => {
    const api = await liveSession();
    const r = await run('ntlab.createProcess', { imagePath: 'C:\\Windows\\System32\\notepad.exe', creationFlags: 'CREATE_SUSPENDED' });
    assert.equal(r.ok, true, JSON.stringify(r));
    pid = get<number>(r, 'pid');
    const info = api.session.system!.queryProcess(pid);
    assert.equal(info?.imageFileName, 'notepad.exe');
    assert.equal(info?.threads[0]?.state, 'Initialized', 'CREATE_SUSPENDED leaves the thread not yet started');
    const explorer = api.session.system!.queryProcess(info!.parentPid)!;
    assert.equal(explorer.imageFileName, 'explorer.exe');
  });

  test('Create Process refuses a bad flag name and an unknown parent', async () => {
    await liveSession();
    assert.match(failed(await run('ntlab.createProcess', { imagePath: 'C:\\x.exe', creationFlags: 'CREATE_BOGUS' }), 'a bad flag'), /CREATE_BOGUS/);
    assert.match(failed(await run('ntlab.createProcess', { imagePath: 'C:\\x.exe', parentPid: 3 }), 'an unknown parent'), /3/);
    failed(await run('ntlab.createProcess', { imagePath: '   ' }), 'an empty image path');
  });

  test('VirtualAlloc with typed sizes and flags; the view refreshes only that process', async () => {
    const api = await liveSession();
    await vscode.commands.executeCommand('ntlab.processes.showFlat');
    await inspect(Views.processes); // lists (and so caches) every process node
    const r = await run('ntlab.virtualAlloc', { pid, address: '0x0', size: '64K', type: 'MEM_COMMIT | MEM_RESERVE', protect: 'PAGE_READWRITE' });
    assert.equal(r.ok, true, JSON.stringify(r));
    base = get<string>(r, 'address');
    assert.match(base, /^0x[0-9a-f]+$/);
    const after = await inspect(Views.processes);
    const last = after.fired[after.fired.length - 1]!;
    assert.deepEqual(last, { all: false, ids: [`p:${pid}`] }, 'one step, one process node refreshed');
    const mbi = api.session.system!.win32(pid).VirtualQuery(BigInt(base));
    assert.equal(mbi?.RegionSize, 0x10000n);
    await vscode.commands.executeCommand('ntlab.processes.showTree');
  });

  test('VirtualAlloc refuses bad input with a clear message, and reports engine failures by name', async () => {
    await liveSession();
    assert.match(failed(await run('ntlab.virtualAlloc', { pid, address: 'zz', size: '4K', type: 'MEM_COMMIT', protect: 'PAGE_READWRITE' }), 'junk address'), /address/);
    assert.match(failed(await run('ntlab.virtualAlloc', { pid, address: '7ffe0000', size: '4K', type: 'MEM_COMMIT', protect: 'PAGE_READWRITE' }), 'bare hex'), /0x7ffe0000/);
    assert.match(failed(await run('ntlab.virtualAlloc', { pid, address: '0', size: '0', type: 'MEM_COMMIT', protect: 'PAGE_READWRITE' }), 'zero size'), /size/);
    assert.match(failed(await run('ntlab.virtualAlloc', { pid, address: '0', size: '1.3K', type: 'MEM_COMMIT', protect: 'PAGE_READWRITE' }), 'fraction'), /whole number/);
    assert.match(failed(await run('ntlab.virtualAlloc', { pid, address: '0', size: '4K', type: 'MEM_COMMIT', protect: 'PAGE_BOGUS' }), 'bad protection'), /PAGE_BOGUS/);
    assert.match(failed(await run('ntlab.virtualAlloc', { pid: 1, address: '0', size: '4K', type: 'MEM_COMMIT', protect: 'PAGE_READWRITE' }), 'no such process'), /1/);
    const notReserved = await run('ntlab.virtualAlloc', { pid, address: '0x10000000', size: '4K', type: 'MEM_COMMIT', protect: 'PAGE_READWRITE' });
    assert.match(failed(notReserved, 'commit without a reservation'), /ERROR_INVALID_ADDRESS \(487\)/);
    assert.equal(get<number>(notReserved, 'code'), 487);
  });

  test('Write Memory then Read Memory returns the bytes; a read of unmapped memory raises an access violation', async () => {
    await liveSession();
    const w = await run('ntlab.writeMemory', { pid, address: base, data: '"hello"' });
    assert.equal(w.ok, true, JSON.stringify(w));
    const r = await run('ntlab.readMemory', { pid, address: base, size: '5' });
    assert.equal(get<string>(r, 'bytes'), '68656c6c6f');
    assert.match(failed(await run('ntlab.readMemory', { pid, address: '0x10000', size: '8' }), 'unmapped read'), /STATUS_ACCESS_VIOLATION/);
    assert.match(failed(await run('ntlab.writeMemory', { pid, address: base, data: '486' }), 'odd hex'), /pairs/);
  });

  test('VirtualProtect returns the old protection; VirtualFree releases', async () => {
    const api = await liveSession();
    const p = await run('ntlab.virtualProtect', { pid, address: base, size: '4K', protect: 'PAGE_READONLY' });
    assert.equal(get<string>(p, 'oldProtect'), 'PAGE_READWRITE');
    assert.match(failed(await run('ntlab.virtualProtect', { pid, address: '0x10000000', size: '4K', protect: 'PAGE_READONLY' }), 'protect free memory'), /ERROR_/);
    const second = await run('ntlab.virtualAlloc', { pid, address: 0, size: 0x2000, type: 'MEM_RESERVE', protect: 'PAGE_NOACCESS' });
    const addr = get<string>(second, 'address');
    assert.equal((await run('ntlab.virtualFree', { pid, address: addr, size: '0', type: 'MEM_RELEASE' })).ok, true);
    assert.equal(api.session.system!.win32(pid).VirtualQuery(BigInt(addr))?.State, 0x10000, 'MEM_FREE after release');
    failed(await run('ntlab.virtualFree', { pid, address: addr, size: '0', type: 'MEM_COMMIT' }), 'MEM_COMMIT is no free type');
  });

  test('working-set, page-list and system-thread commands change the machine', async () => {
    const api = await liveSession();
    const system = api.session.system!;
    const ws = await run('ntlab.emptyWorkingSet', { pid });
    assert.ok(get<number>(ws, 'trimmed') > 0, 'the process had resident pages to trim');
    assert.equal(system.queryProcess(pid)!.workingSetSize, 0);
    const size = await run('ntlab.setWorkingSetSize', { pid, minimum: '400K', maximum: '2M' });
    assert.equal(get<number>(size, 'maximumPages'), 512);
    failed(await run('ntlab.setWorkingSetSize', { pid, minimum: '2M', maximum: '1M' }), 'minimum above maximum');
    const flushed = await run('ntlab.flushModifiedList');
    assert.equal(get<{ ModifiedPageCount: number }>(flushed, 'after').ModifiedPageCount, 0);
    const purge = await run('ntlab.purgeStandbyList');
    assert.deepEqual(get<{ PageCountByPriority: number[] }>(purge, 'after').PageCountByPriority, [0, 0, 0, 0, 0, 0, 0, 0]);
    assert.equal((await run('ntlab.emptyAllWorkingSets')).ok, true);
    assert.equal((await run('ntlab.purgeLowPriorityStandbyList')).ok, true);
    const zero = await run('ntlab.runSystemThread', { thread: 'zeroPageThread' });
    assert.equal(zero.ok, true);
    assert.equal(system.querySystemMemoryListInformation().FreePageCount, 0, 'the zero page thread emptied the free list');
    assert.equal((await run('ntlab.runSystemThread', { thread: 'balanceSetManager' })).ok, true);
    assert.match(failed(await run('ntlab.runSystemThread', { thread: 'swapper' }), 'unknown thread'), /swapper/);
  });

  test('Create Thread adds a thread; Terminate Process removes a process from the tree', async () => {
    const api = await liveSession();
    const system = api.session.system!;
    const threads = system.queryProcess(pid)!.threads.length;
    const t = await run('ntlab.createThread', { pid, startAddress: '0x140001000' });
    assert.equal(t.ok, true, JSON.stringify(t));
    assert.equal(system.queryProcess(pid)!.threads.length, threads + 1);
    assert.ok(system.queryProcess(pid)!.threads.some((x) => x.tid === get<number>(t, 'tid')));
    failed(await run('ntlab.createThread', { pid, startAddress: 'nowhere' }), 'a junk start address');

    const victim = get<number>(await run('ntlab.createProcess', { imagePath: 'C:\\Windows\\System32\\cmd.exe' }), 'pid');
    await vscode.commands.executeCommand('ntlab.processes.showFlat');
    assert.ok((await inspect(Views.processes)).children.some((c) => c.id === `p:${victim}`));
    const r = await run('ntlab.terminateProcess', { pid: victim, exitCode: 3 });
    assert.equal(r.ok, true, JSON.stringify(r));
    assert.equal(system.queryProcess(victim), undefined);
    assert.ok(!(await inspect(Views.processes)).children.some((c) => c.id === `p:${victim}`), 'gone from the list');
    failed(await run('ntlab.terminateProcess', { pid: victim }), 'terminating it twice');
    await vscode.commands.executeCommand('ntlab.processes.showTree');
  });

  test('Map View maps a pagefile-backed section; Unmap View removes it; bad input is refused', async () => {
    const api = await liveSession();
    const r = await run('ntlab.mapView', { pid, size: '64K', protect: 'PAGE_READWRITE' });
    assert.equal(r.ok, true, JSON.stringify(r));
    const view = get<string>(r, 'address');
    assert.equal(api.session.system!.win32(pid).VirtualQuery(BigInt(view))?.Type, 0x40000, 'MEM_MAPPED');
    assert.equal((await run('ntlab.writeMemory', { pid, address: view, data: '"shared"' })).ok, true);
    assert.equal((await run('ntlab.unmapView', { pid, address: view })).ok, true);
    assert.equal(api.session.system!.win32(pid).VirtualQuery(BigInt(view))?.State, 0x10000, 'MEM_FREE after unmapping');
    assert.match(failed(await run('ntlab.unmapView', { pid, address: view }), 'unmapping twice'), /ERROR_/);
    failed(await run('ntlab.mapView', { pid, size: '0', protect: 'PAGE_READWRITE' }), 'a zero-size section');
  });

  test('reveal finds processes, VADs, threads and page frames, and refuses bad references', async () => {
    const api = await liveSession();
    const system = api.session.system!;
    assert.equal(await vscode.commands.executeCommand(Commands.reveal, { type: 'process', pid }), `p:${pid}`);
    const vad = await vscode.commands.executeCommand<string>(Commands.reveal, { type: 'vad', pid, va: base });
    assert.equal(vad, `p:${pid}/vad:${base}`);
    const tid = system.queryProcess(pid)!.threads[0]!.tid;
    assert.equal(await vscode.commands.executeCommand(Commands.reveal, { type: 'thread', id: tid }), `p:${pid}/t:${tid}`);
    const pfn = system.listPages('Zeroed', 0, 1)[0]!;
    assert.equal(await vscode.commands.executeCommand(Commands.reveal, { type: 'pfn', id: pfn }), `pfn:${pfn}`);
    assert.equal(await vscode.commands.executeCommand(Commands.reveal, { type: 'bogus' }), undefined);
    assert.equal(await vscode.commands.executeCommand(Commands.reveal, { type: 'vad', pid, va: 'nope' }), undefined);
    assert.equal(await vscode.commands.executeCommand(Commands.reveal, null), undefined);
    assert.equal(await vscode.commands.executeCommand(Commands.reveal, { type: 'process', pid: 999_999 }), undefined);
  });

  test('Show as dt opens a read-only dt document that follows the simulation', async () => {
    await liveSession();
    const uri = await vscode.commands.executeCommand<string>('ntlab.showAsDt', { kind: 'process', pid });
    assert.ok(uri?.startsWith('ntlab-dt:'), uri);
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri)!;
    assert.match(doc.getText(), /dt nt!_EPROCESS/);
    assert.match(doc.getText(), new RegExp(`UniqueProcessId\\s+: 0x00000000\`${pid.toString(16).padStart(8, '0')}`));
    const vadCount = (t: string): string => /VadCount\s+: (\S+)/.exec(t)![1]!;
    const before = vadCount(doc.getText());
    const changed = new Promise<void>((resolve) => {
      const sub = vscode.workspace.onDidChangeTextDocument((e) => { if (e.document.uri.toString() === uri) { sub.dispose(); resolve(); } });
    });
    await run('ntlab.virtualAlloc', { pid, address: '0', size: '4K', type: 'MEM_RESERVE', protect: 'PAGE_READWRITE' });
    await changed;
    assert.notEqual(vadCount(doc.getText()), before, 'the document followed the new VAD');
    assert.equal(await vscode.commands.executeCommand('ntlab.showAsDt', { kind: 'nothing' }), undefined);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  test('a dt document links the fields that point to other structures, and a link opens that structure', async () => {
    await liveSession();
    const uri = await vscode.commands.executeCommand<string>('ntlab.showAsDt', { kind: 'process', pid });
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri)!;
    const links = await vscode.commands.executeCommand<vscode.DocumentLink[]>('vscode.executeLinkProvider', doc.uri);
    const named = new Map(links.map((l) => [doc.getText(l.range), l]));
    for (const name of ['Pcb', 'Token', 'Peb', 'ObjectTable', 'UniqueProcessId']) assert.ok(named.has(name), `${name} is a link (links: ${[...named.keys()].join(', ')})`);
    // Follow Peb, then ProcessParameters inside it.
    const pebUri = named.get('Peb')!.target!;
    assert.equal(pebUri.scheme, 'ntlab-dt');
    const peb = await vscode.workspace.openTextDocument(pebUri);
    assert.match(peb.getText(), /dt nt!_PEB [0-9a-f]{8}`[0-9a-f]{8}/);
    assert.match(peb.getText(), /\+0x002 BeingDebugged\s+: 0x0/);
    const pebLinks = await vscode.commands.executeCommand<vscode.DocumentLink[]>('vscode.executeLinkProvider', peb.uri);
    const params = pebLinks.find((l) => peb.getText(l.range) === 'ProcessParameters')!;
    const paramsDoc = await vscode.workspace.openTextDocument(params.target!);
    assert.match(paramsDoc.getText(), /\+0x070 CommandLine\s+: "/);
    // The Handles row's "Show as dt" is the process's HANDLE_TABLE.
    const table = await vscode.commands.executeCommand<string>('ntlab.showAsDt', { kind: 'handles', pid });
    const tableDoc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === table)!;
    assert.match(tableDoc.getText(), /dt nt!_HANDLE_TABLE/);
    assert.match(tableDoc.getText(), /\+0x010 QuotaProcess/);
    // A forged address is refused, not rendered.
    const forged = await vscode.workspace.openTextDocument(vscode.Uri.parse('ntlab-dt:/x?kind=layout&type=__proto__&pid=4'));
    assert.match(forged.getText(), /not valid/);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('Decode PTE walks the four levels for an address', async () => {
    await liveSession();
    const uri = await vscode.commands.executeCommand<string>('ntlab.decodePte', { pid, address: base });
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri)!;
    const text = doc.getText();
    for (const level of ['PXE at', 'PPE at', 'PDE at']) assert.ok(text.includes(level), level);
    assert.match(text, /VirtualQuery: BaseAddress/);
    assert.equal(await vscode.commands.executeCommand('ntlab.decodePte', { pid, address: 'junk' }), undefined);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  test('time travel: the views show the state at the cursor, then the present again', async () => {
    const api = await liveSession();
    const system = api.session.system!;
    const before = system.stepCount;
    const r = await run('ntlab.createProcess', { imagePath: 'C:\\Windows\\System32\\calc.exe' });
    const calc = get<number>(r, 'pid');
    const created = system.getSteps(before, system.stepCount).find((s) => s.changes.some((c) => c.type === 'process' && c.pid === calc))!;
    await vscode.commands.executeCommand('ntlab.processes.showFlat');
    api.session.setCursor(before - 1);
    const past = await inspect(Views.processes);
    assert.equal(past.cursor, before - 1);
    assert.ok(!past.children.some((c) => c.id === `p:${calc}`), 'calc.exe does not exist yet at the cursor');
    api.session.setCursor(created.seq);
    const at = await inspect(Views.processes);
    const row = at.children.find((c) => c.id === `p:${calc}`);
    assert.ok(row, 'calc.exe exists after the first step that names it');
    assert.equal(row.touched, true, 'and is highlighted as what the displayed step changed');
    api.session.setCursor(undefined);
    assert.ok((await inspect(Views.processes)).children.some((c) => c.id === `p:${calc}`));
    await vscode.commands.executeCommand('ntlab.processes.showTree');
  });

  test('the Physical Memory view lists commit and the page lists with the engine\'s counts', async () => {
    const api = await liveSession();
    const roots = await inspect(Views.physicalMemory);
    assert.deepEqual(roots.children.map((r) => r.id), ['commit', 'list:Zeroed', 'list:Free', 'list:Standby', 'list:Modified', 'list:ModifiedNoWrite', 'list:Bad', 'active', 'compression', 'system']);
    const info = api.session.system!.querySystemMemoryListInformation();
    assert.ok(roots.children[1]!.description!.startsWith(`${info.ZeroPageCount} `), roots.children[1]!.description);
    const standby = await inspect(Views.physicalMemory, 'list:Standby');
    assert.equal(standby.children.length, 8);
    const zeroed = await inspect(Views.physicalMemory, 'list:Zeroed');
    assert.ok(zeroed.children.length > 0 && zeroed.children.length <= 200, 'no level lists more than 200 items');
    if (zeroed.children[0]!.id.includes('/r:')) assert.ok((await inspect(Views.physicalMemory, zeroed.children[0]!.id)).children.length <= 200);
  });

  test('the Sections view lists image sections and a named section: control area, segment, prototype PTEs, views; narrow refresh and reveal', async () => {
    const api = await liveSession();
    const system = api.session.system!;
    const roots = await inspect(Views.sections);
    assert.ok(roots.children.some((r) => r.label === 'ntdll.dll' && r.description!.startsWith('image')), 'ntdll.dll is an image section');
    const explorer = system.processIds.find((p) => system.queryProcess(p)!.imageFileName === 'explorer.exe')!;
    const win32 = system.win32(explorer);
    const handle = win32.CreateFileMapping(-1, 0x04 /* PAGE_READWRITE */, 0x10000n, 'Local\\SidebarLab');
    assert.notEqual(handle, 0, 'CreateFileMapping');
    const view = win32.MapViewOfFile(handle, 0xF001F /* FILE_MAP_ALL_ACCESS */, 0n, 0n);
    assert.notEqual(view, 0n, 'MapViewOfFile');
    const named = (await inspect(Views.sections)).children.find((r) => r.label === 'SidebarLab');
    assert.ok(named, 'the named section is listed');
    assert.match(named.tooltip, /BaseNamedObjects\\SidebarLab/);
    const ca = (await inspect(Views.sections, named.id)).children[0]!;
    assert.match(ca.label, /^Control area \d+/);
    assert.match(ca.tooltip, /NumberOfMappedViews \| 1/);
    const parts = await inspect(Views.sections, ca.id);
    const segment = parts.children.find((c) => c.label === 'Segment')!;
    assert.equal(segment.description, '16 prototype PTEs · 0 resident');
    const views = await inspect(Views.sections, parts.children.find((c) => c.label === 'Views')!.id);
    assert.deepEqual(views.children.map((v) => v.reveal), [{ type: 'vad', pid: explorer, va: '0x' + view.toString(16) }]);

    // A write faults one page in through its prototype PTE: only this control area refreshes.
    await run('ntlab.writeMemory', { pid: explorer, address: '0x' + view.toString(16), data: '"shared"' });
    const after = await inspect(Views.sections);
    assert.deepEqual(after.fired[after.fired.length - 1], { all: false, ids: [named.id] });
    const ptes = await inspect(Views.sections, segment.id);
    assert.equal(ptes.children.length, 16);
    assert.match(ptes.children[0]!.description!, /^valid · PFN 0x[0-9a-f]+ · PAGE_READWRITE$/);
    assert.equal(ptes.children[1]!.description, 'demand zero · PAGE_READWRITE');
    assert.match(ptes.children[0]!.tooltip, /Prototype PTE 0/);

    const controlArea = Number(/^ca:(\d+)/.exec(named.id)![1]);
    assert.equal(await vscode.commands.executeCommand(Commands.reveal, { type: 'object', id: controlArea }), ca.id);
    assert.equal(await vscode.commands.executeCommand(Commands.reveal, { type: 'object', id: 999_999 }), undefined);
    // The handle shows in explorer's handle table, and leads back to the section.
    const proc = (await inspect(Views.processes, `p:${explorer}`)).children.find((c) => c.id === `p:${explorer}/handles`)!;
    const handles = await inspect(Views.processes, proc.id);
    const row = handles.children.find((h) => h.label === `0x${handle.toString(16)} Section`);
    assert.ok(row, 'the section handle is listed');
    assert.equal(row.description, '0xf001f · \\Sessions\\1\\BaseNamedObjects\\SidebarLab');
    assert.deepEqual(row.reveal, { type: 'object', id: controlArea });
  });

  test('the Jobs view: empty at boot, then a job with its limits, accounting and member; the process shows its job', async () => {
    const api = await liveSession();
    const system = api.session.system!;
    if (system.queryJobs().length === 0) assert.deepEqual((await inspect(Views.jobs)).children, [], 'no jobs: the welcome text shows');
    const explorer = system.processIds.find((p) => system.queryProcess(p)!.imageFileName === 'explorer.exe')!;
    const created = await run('ntlab.createProcess', { imagePath: 'C:\\Windows\\System32\\notepad.exe' });
    const member = get<number>(created, 'pid');
    const win32 = system.win32(explorer);
    const hJob = win32.CreateJobObject(null, 'Local\\SidebarJob');
    assert.notEqual(hJob, 0, 'CreateJobObject');
    assert.ok(win32.AssignProcessToJobObject(hJob, win32.OpenProcess(0x1FFFFF /* PROCESS_ALL_ACCESS */, false, member)), 'AssignProcessToJobObject');
    assert.ok(win32.SetInformationJobObject(hJob, 2 /* JobObjectBasicLimitInformation */, { LimitFlags: 0x8 | 0x2000, ActiveProcessLimit: 2 }), 'SetInformationJobObject');
    const job = system.queryJobs().find((j) => j.name?.endsWith('SidebarJob'))!;
    const roots = await inspect(Views.jobs);
    const row = roots.children.find((r) => r.id === `job:${job.jobId}`);
    assert.ok(row, 'the job is listed');
    assert.equal(row.label, 'SidebarJob');
    assert.equal(row.description, '1 active process · 2 limits');
    const parts = await inspect(Views.jobs, row.id);
    const limits = await inspect(Views.jobs, parts.children.find((c) => c.label === 'Limits')!.id);
    assert.deepEqual(limits.children.map((l) => [l.label, l.description]), [['JOB_OBJECT_LIMIT_ACTIVE_PROCESS', '2'], ['JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE', undefined]]);
    assert.equal(parts.children.find((c) => c.label === 'Accounting')!.description, '1 total · 1 active · 0 terminated');
    const memberRow = parts.children.find((c) => c.id === `job:${job.jobId}/p:${member}`)!;
    assert.equal(memberRow.label, 'notepad.exe');
    assert.deepEqual(memberRow.reveal, { type: 'process', pid: member });
    assert.equal(await vscode.commands.executeCommand(Commands.reveal, { type: 'job', id: job.jobId }), row.id);
    assert.equal(await vscode.commands.executeCommand(Commands.reveal, { type: 'job', id: 999_999 }), undefined);

    assert.equal(await vscode.commands.executeCommand(Commands.reveal, { type: 'process', pid: member }), `p:${member}`);
    const jobRow = (await inspect(Views.processes, `p:${member}`)).children.find((c) => c.id === `p:${member}/job`)!;
    assert.equal(jobRow.description, 'SidebarJob');
    assert.deepEqual(jobRow.reveal, { type: 'job', id: job.jobId });

    // Terminating the member changes only that job's row.
    await run('ntlab.terminateProcess', { pid: member });
    const after = await inspect(Views.jobs);
    assert.ok(after.fired.some((f) => !f.all && f.ids.includes(row.id)), JSON.stringify(after.fired.slice(-3)));
    assert.equal(after.children.find((r) => r.id === row.id)!.description, '0 active processes · 2 limits');
  });

  test('job commands: Create Job Object, Assign Process to Job, Set Job Limits; the Jobs view shows the job with its limits and member', async () => {
    const api = await liveSession();
    const system = api.session.system!;
    const explorer = system.processIds.find((p) => system.queryProcess(p)!.imageFileName === 'explorer.exe')!;
    const created = await run(Commands.createJob, { name: 'PaletteJob' });
    assert.equal(created.ok, true, JSON.stringify(created));
    const jobId = get<number>(created, 'jobId');
    assert.equal(get<number>(created, 'ownerPid'), explorer, 'the handle lives in explorer.exe by default');
    assert.ok(system.queryHandles(explorer).some((h) => h.typeName === 'Job' && h.key === jobId), 'explorer holds the job handle');
    const member = get<number>(await run('ntlab.createProcess', { imagePath: 'C:\\Windows\\System32\\notepad.exe' }), 'pid');
    const assigned = await run(Commands.assignProcessToJob, { jobId, pid: member });
    assert.equal(assigned.ok, true, JSON.stringify(assigned));
    assert.deepEqual(system.queryJobs().find((j) => j.jobId === jobId)!.processIds, [member]);
    const limited = await run(Commands.setJobLimits, { jobId, limits: 'ACTIVE_PROCESS | JOB_MEMORY | KILL_ON_JOB_CLOSE', activeProcessLimit: 2, jobMemoryLimit: '64M' });
    assert.equal(limited.ok, true, JSON.stringify(limited));
    const info = system.queryJobs().find((j) => j.jobId === jobId)!;
    assert.equal(info.limitFlags, 0x8 | 0x200 | 0x2000);
    assert.equal(info.activeProcessLimit, 2);
    assert.equal(info.jobMemoryLimit, 64 * 1024 * 1024);

    const row = (await inspect(Views.jobs)).children.find((r) => r.id === `job:${jobId}`)!;
    assert.equal(row.label, 'PaletteJob');
    assert.equal(row.description, '1 active process · 3 limits');
    assert.match(row.contextValue, /^ntlab\.jobObject\b.*\bdt\b/);
    const parts = await inspect(Views.jobs, row.id);
    const limits = await inspect(Views.jobs, parts.children.find((c) => c.label === 'Limits')!.id);
    assert.deepEqual(limits.children.map((l) => l.label), ['JOB_OBJECT_LIMIT_ACTIVE_PROCESS', 'JOB_OBJECT_LIMIT_JOB_MEMORY', 'JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE']);
    assert.ok(parts.children.some((c) => c.id === `job:${jobId}/p:${member}` && c.label === 'notepad.exe'), 'the member is listed');

    // The engine enforces the job memory limit: a commit past it fails with ERROR_COMMITMENT_LIMIT, reported by name.
    const tooBig = await run('ntlab.virtualAlloc', { pid: member, address: '0', size: '128M', type: 'MEM_COMMIT|MEM_RESERVE', protect: 'PAGE_READWRITE' });
    assert.match(failed(tooBig, 'a commit past JobMemoryLimit'), /ERROR_COMMITMENT_LIMIT \(1455\)/);
    // ActiveProcessLimit 2: a second member fits, a third does not.
    const second = get<number>(await run('ntlab.createProcess', { imagePath: 'C:\\Windows\\System32\\calc.exe' }), 'pid');
    assert.equal((await run(Commands.assignProcessToJob, { jobId, pid: second })).ok, true);
    const third = get<number>(await run('ntlab.createProcess', { imagePath: 'C:\\Windows\\System32\\cmd.exe' }), 'pid');
    // As in Windows, a process that would exceed ActiveProcessLimit is terminated and the call fails.
    assert.match(failed(await run(Commands.assignProcessToJob, { jobId, pid: third }), 'a third process past ActiveProcessLimit'), /AssignProcessToJobObject failed: ERROR_NOT_ENOUGH_QUOTA \(1816\)/);
    assert.equal(system.queryProcess(third), undefined, 'the process past the limit was terminated');

    // Working set and priority class values, validated before the engine sees them.
    const ws = await run(Commands.setJobLimits, { jobId, limits: ['JOB_OBJECT_LIMIT_WORKINGSET', 'PRIORITY_CLASS'], minimumWorkingSet: '256K', maximumWorkingSet: '1M', priorityClass: 'idle' });
    assert.equal(ws.ok, true, JSON.stringify(ws));
    const after = system.queryJobs().find((j) => j.jobId === jobId)!;
    assert.deepEqual([after.limitFlags, after.minimumWorkingSetSize, after.maximumWorkingSetSize], [0x1 | 0x20, 256 * 1024, 1024 * 1024]);

    // Show as dt on the job row and on its limits; on the job handle in explorer's handle table.
    const jobDoc = await vscode.commands.executeCommand<string>('ntlab.showAsDt', { id: row.id, kind: 'jobObject', jobId });
    assert.match(vscode.workspace.textDocuments.find((d) => d.uri.toString() === jobDoc)!.getText(), /dt nt!_EJOB[\s\S]*PaletteJob/);
    const limitsDoc = await vscode.commands.executeCommand<string>('ntlab.showAsDt', { kind: 'jobLimits', jobId });
    assert.match(vscode.workspace.textDocuments.find((d) => d.uri.toString() === limitsDoc)!.getText(), /\+0x010 LimitFlags\s+: 0x21/);
    const handle = system.queryHandles(explorer).find((h) => h.typeName === 'Job' && h.key === jobId)!;
    const handleDoc = await vscode.commands.executeCommand<string>('ntlab.showAsDt', { kind: 'handle', pid: explorer, handle: handle.handle });
    assert.match(vscode.workspace.textDocuments.find((d) => d.uri.toString() === handleDoc)!.getText(), /dt nt!_HANDLE_TABLE_ENTRY[\s\S]*\+0x008 GrantedAccessBits/);
    const handleRows = await inspect(Views.processes, `p:${explorer}/handles`);
    assert.match(handleRows.children.find((c) => c.label.endsWith(' Job'))!.contextValue, /\bdt\b/);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');

    // Terminate Job ends every member.
    const terminated = await run(Commands.terminateJob, { jobId, exitCode: 7 });
    assert.equal(terminated.ok, true, JSON.stringify(terminated));
    assert.equal(get<number>(terminated, 'terminated'), 2);
    assert.equal(system.queryProcess(member), undefined);
    assert.equal(system.queryProcess(second), undefined);
    assert.ok(system.queryProcess(explorer), 'explorer.exe, outside the job, lives on');
    assert.equal((await inspect(Views.jobs)).children.find((r) => r.id === row.id)!.description, '0 active processes · 2 limits');
  });

  test('job commands refuse bad input with clear messages', async () => {
    const api = await liveSession();
    const system = api.session.system!;
    const jobId = get<number>(await run(Commands.createJob, { name: 'BadInputJob' }), 'jobId');
    const pidOf = (image: string): number => system.processIds.find((p) => system.queryProcess(p)!.imageFileName === image)!;
    assert.match(failed(await run(Commands.createJob, { name: 'a\\b' }), 'a name with a backslash'), /backslash/);
    assert.match(failed(await run(Commands.createJob, { name: 42 }), 'a numeric name'), /"name" must be a string/);
    assert.match(failed(await run(Commands.createJob, { ownerPid: 999_999 }), 'an unknown owner'), /no process with id 999999/);
    assert.match(failed(await run(Commands.assignProcessToJob, { jobId: 999_999, pid: pidOf('explorer.exe') }), 'an unknown job'), /no job with id 999999/);
    assert.match(failed(await run(Commands.assignProcessToJob, { jobId, pid: 999_999 }), 'an unknown process'), /no process with id 999999/);
    assert.match(failed(await run(Commands.setJobLimits, { jobId, limits: 'JOB_OBJECT_LIMIT_PONIES' }), 'an unknown limit'), /Unknown flag "JOB_OBJECT_LIMIT_PONIES"/);
    assert.match(failed(await run(Commands.setJobLimits, { jobId, limits: 'ACTIVE_PROCESS', activeProcessLimit: 'many' }), 'a count that is not a number'), /"activeProcessLimit": "many" is not a number/);
    assert.match(failed(await run(Commands.setJobLimits, { jobId, limits: 'JOB_MEMORY', jobMemoryLimit: '0' }), 'a zero memory limit'), /"jobMemoryLimit": The size must be greater than zero/);
    assert.match(failed(await run(Commands.setJobLimits, { jobId, limits: 'PROCESS_MEMORY', processMemoryLimit: '12Q' }), 'a bad size unit'), /"processMemoryLimit"/);
    assert.match(failed(await run(Commands.setJobLimits, { jobId, limits: 'WORKINGSET', minimumWorkingSet: '1M', maximumWorkingSet: '256K' }), 'max below min'), /"maximumWorkingSet": The maximum may not be below the minimum \(1 MB\)/);
    assert.match(failed(await run(Commands.setJobLimits, { jobId, limits: 'PRIORITY_CLASS', priorityClass: 'turbo' }), 'an unknown priority class'), /Unknown flag "turbo"/);
    assert.match(failed(await run(Commands.terminateJob, { jobId: 'x' }), 'a job id that is not a number'), /no job with id x/);
    assert.equal(await vscode.commands.executeCommand('ntlab.showAsDt', { kind: 'job', jobId: 999_999 }).then((u) => typeof u), 'string', 'a dt of a missing job opens and says it does not exist');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    assert.ok(system.queryJobs().some((j) => j.jobId === jobId), 'nothing destroyed the job');
  });

  test('Save Session and Load Session round-trip; corrupt and newer files are refused and lose nothing', async () => {
    const api = await liveSession();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ntlab-session-'));
    const file = path.join(dir, 'lab.ntlab.json');
    const saved = await vscode.commands.executeCommand<string>('ntlab.saveSession', { path: file });
    assert.ok(saved, 'saved');
    const before = api.session.system!;
    const data = JSON.parse(fs.readFileSync(file, 'utf8')) as { format: string; version: number; stepCount: number };
    assert.equal(data.format, 'ntlab-session');
    assert.equal(data.stepCount, before.stepCount);

    fs.writeFileSync(path.join(dir, 'corrupt.ntlab.json'), '{ "format": "ntlab-session", "version": 1, "ops": [');
    const corrupt = await run('ntlab.loadSession', { path: path.join(dir, 'corrupt.ntlab.json') });
    assert.equal(get<string>(corrupt, 'reason'), 'corrupt');
    assert.equal(api.session.system, before, 'the running simulation is untouched');

    fs.writeFileSync(path.join(dir, 'newer.ntlab.json'), JSON.stringify({ ...data, version: data.version + 1 }));
    const newer = await run('ntlab.loadSession', { path: path.join(dir, 'newer.ntlab.json') });
    assert.equal(get<string>(newer, 'reason'), 'newer');
    assert.match(get<string>(newer, 'error'), /newer version/);
    assert.equal(api.session.system, before);

    const missing = await run('ntlab.loadSession', { path: path.join(dir, 'absent.ntlab.json') });
    assert.equal(missing.ok, false);

    const loaded = await run('ntlab.loadSession', { path: file, unsaved: 'discard' });
    assert.equal(loaded.ok, true, JSON.stringify(loaded));
    const after = api.session.system!;
    assert.notEqual(after, before, 'a new machine');
    assert.equal(after.stepCount, before.stepCount, 'replayed to the same step');
    assert.deepEqual(after.processIds, before.processIds);
    assert.equal(new TextDecoder().decode(after.win32(pid).ReadMemory(BigInt(base), 5)), 'hello');
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
