// The Sections and Jobs views' models, and the Handles and Job rows of a process, in plain Node:
// image sections with their file names, control area -> segment and subsections -> prototype PTEs
// (paged) -> views; the job hierarchy with only the limits that are set; narrow refresh and reveal.
import { describe, expect, it } from 'vitest';
import {
  createSystem, FILE_MAP_ALL_ACCESS, JOB_OBJECT_LIMIT_ACTIVE_PROCESS, JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE, JobObjectBasicLimitInformation,
  PAGE_READWRITE, PROCESS_ALL_ACCESS, type System,
} from '../../src/engine';
import { PAGE_SIZE_ITEMS, ProcessesModel, tooltipText, Touched, type Localizer, type TreeNode } from '../../src/extension/views/model';
import { JobsModel, jobLimitFlags, SectionsModel } from '../../src/extension/views/objects';

const l10n: Localizer = { t: (m, ...a) => m.replace(/\{(\d+)\}/g, (_, i: string) => String(a[Number(i)])) };

function machine(): System {
  return createSystem({ physicalMemoryMB: 64, pageFileMB: 64 });
}
const pidOf = (system: System, image: string): number => system.processIds.find((p) => system.queryProcess(p)!.imageFileName === image)!;
const changesSince = (system: System, from: number) => system.getSteps(from, system.stepCount).flatMap((s) => s.changes);

function sectionsOf(system: System): SectionsModel {
  const m = new SectionsModel(l10n);
  m.setSystem(system, false);
  return m;
}
function jobsOf(system: System): JobsModel {
  const m = new JobsModel(l10n);
  m.setSystem(system, false);
  return m;
}
function child(m: { children(n: TreeNode): TreeNode[] }, node: TreeNode, kind: string): TreeNode {
  const n = m.children(node).find((c) => c.kind === kind);
  if (!n) throw new Error(`no ${kind} under ${node.id}`);
  return n;
}

/** A named pagefile-backed section mapped in explorer.exe, one page written. */
function namedSection(system: System): { pid: number; view: bigint; controlArea: number } {
  const pid = pidOf(system, 'explorer.exe');
  const api = system.win32(pid);
  const h = api.CreateFileMapping(-1, PAGE_READWRITE, 0x10000n, 'Local\\LabShared');
  const view = api.MapViewOfFile(h, FILE_MAP_ALL_ACCESS, 0n, 0n);
  api.WriteMemory(view, new Uint8Array([1]));
  const controlArea = system.querySections().find((s) => s.sectionObjects.some((o) => o.name?.endsWith('LabShared')))!.controlArea;
  return { pid, view, controlArea };
}

describe('Sections model', () => {
  it('lists the image sections of the booted processes by file name, with their views', () => {
    const system = machine();
    const m = sectionsOf(system);
    const labels = m.roots().map((r) => m.describe(r).label);
    expect(labels).toContain('ntdll.dll');
    expect(labels).toContain('explorer.exe');
    const ntdll = m.roots().find((r) => m.describe(r).label === 'ntdll.dll')!;
    expect(m.describe(ntdll).description).toMatch(/^image/);
    const ca = child(m, ntdll, 'controlArea');
    const kinds = m.children(ca).map((n) => n.kind);
    expect(kinds[0]).toBe('segment');
    expect(kinds).toContain('subsection');
    expect(kinds[kinds.length - 1]).toBe('sectionViews');
    const subsections = m.children(ca).filter((n) => n.kind === 'subsection').map((n) => m.describe(n).label);
    expect(subsections).toContain('.text');
    // Every process maps ntdll: one view per process that has user space.
    const views = m.children(child(m, ca, 'sectionViews'));
    const info = system.querySections().find((s) => s.file?.endsWith('ntdll.dll'))!;
    expect(views).toHaveLength(info.views.length);
    expect(views.length).toBeGreaterThan(3);
    const first = m.describe(views[0]!);
    expect(first.reveal).toEqual({ type: 'vad', pid: views[0]!.pid, va: views[0]!.va });
    expect(first.description).toContain('PAGE_EXECUTE_WRITECOPY');
  });

  it('shows a named pagefile-backed section: control area counts, decoded prototype PTEs, the view in its process', () => {
    const system = machine();
    const { pid, view, controlArea } = namedSection(system);
    const m = sectionsOf(system);
    const root = m.roots().find((r) => r.controlArea === controlArea)!;
    expect(m.describe(root).label).toBe('LabShared');
    expect(m.describe(root).description).toMatch(/^paging file/);
    expect(tooltipText(m.describe(root))).toContain('BaseNamedObjects\\LabShared');
    const ca = m.find({ type: 'object', id: controlArea })!;
    expect(ca.kind).toBe('controlArea');
    expect(m.parent(ca)).toBe(root);
    expect(m.describe(ca).description).toBe('1 section reference · 1 view · commit 16 pages');
    expect(tooltipText(m.describe(ca))).toContain('NumberOfMappedViews | 1');
    const ptes = m.children(child(m, ca, 'segment'));
    expect(ptes).toHaveLength(16);
    const written = m.describe(ptes[0]!);
    expect(written.description).toMatch(/^valid · PFN 0x/);
    expect(written.reveal?.type).toBe('pfn');
    expect(tooltipText(written)).toContain(`explorer.exe (pid ${pid})`);
    expect(m.describe(ptes[1]!).description).toBe('demand zero · PAGE_READWRITE');
    const views = m.children(child(m, ca, 'sectionViews'));
    expect(views.map((v) => [v.pid, v.va])).toEqual([[pid, view]]);
  });

  it('pages a long segment in slices of PAGE_SIZE_ITEMS', () => {
    const system = machine();
    const pid = pidOf(system, 'explorer.exe');
    const api = system.win32(pid);
    api.CreateFileMapping(-1, PAGE_READWRITE, 0x200000n, 'Local\\Big');
    const m = sectionsOf(system);
    const s = system.querySections().find((x) => x.sectionObjects.some((o) => o.name?.endsWith('Big')))!;
    const seg = child(m, m.find({ type: 'object', id: s.controlArea })!, 'segment');
    const ranges = m.children(seg);
    expect(ranges.every((r) => r.kind === 'range')).toBe(true);
    expect(ranges.reduce((n, r) => n + r.count!, 0)).toBe(512);
    expect(m.children(ranges[1]!)).toHaveLength(PAGE_SIZE_ITEMS);
    expect(m.children(ranges[1]!)[0]!.index).toBe(PAGE_SIZE_ITEMS);
  });

  it('after a fault on a shared page refreshes only that control area; a new section refreshes the roots', () => {
    const system = machine();
    const { pid, view, controlArea } = namedSection(system);
    const m = sectionsOf(system);
    const roots = m.roots();
    for (const r of roots) m.children(r);
    let from = system.stepCount;
    system.win32(pid).WriteMemory(view + 0x3000n, new Uint8Array([2]));
    let refresh = m.invalidate(changesSince(system, from));
    expect(refresh.all).toBe(false);
    expect([...refresh.nodes].map((n) => n.id)).toEqual([`ca:${controlArea}`]);
    expect(m.describe(m.children(child(m, m.find({ type: 'object', id: controlArea })!, 'segment'))[3]!).description).toMatch(/^valid/);
    from = system.stepCount;
    system.win32(pid).CreateFileMapping(-1, PAGE_READWRITE, 0x1000n, null as unknown as string);
    refresh = m.invalidate(changesSince(system, from));
    expect(refresh.all).toBe(true);
  });

  it('still refreshes a control area after a batch that touched no section', () => {
    const system = machine();
    const { pid, view, controlArea } = namedSection(system);
    const m = sectionsOf(system);
    for (const r of m.roots()) m.children(r);
    let from = system.stepCount;
    system.memoryListCommand('MemoryPurgeStandbyList');
    expect(m.invalidate(changesSince(system, from)).nodes.size).toBe(0);
    from = system.stepCount;
    system.win32(pid).WriteMemory(view + 0x5000n, new Uint8Array([5]));
    expect([...m.invalidate(changesSince(system, from)).nodes].map((n) => n.id)).toEqual([`ca:${controlArea}`]);
  });

  it('highlights the control area a step named', () => {
    const system = machine();
    const { controlArea } = namedSection(system);
    const m = sectionsOf(system);
    const root = m.roots().find((r) => r.controlArea === controlArea)!;
    expect(m.describe(root).touched).toBe(false);
    m.touched = Touched.from([{ type: 'object', id: controlArea }]);
    expect(m.describe(root).touched).toBe(true);
  });
});

/** A job "Local\\Lab" with notepad in it, an active-process limit and kill-on-close, nested in no other. */
function labJob(system: System): { jobId: number; pid: number; owner: number } {
  const owner = pidOf(system, 'explorer.exe');
  const api = system.win32(owner);
  const { pid } = system.createProcess({ imagePath: 'C:\\Windows\\System32\\notepad.exe', parentPid: owner });
  const hJob = api.CreateJobObject(null, 'Local\\Lab');
  expect(hJob).not.toBe(0);
  const hProcess = api.OpenProcess(PROCESS_ALL_ACCESS, false, pid);
  expect(api.AssignProcessToJobObject(hJob, hProcess)).toBe(true);
  expect(api.SetInformationJobObject(hJob, JobObjectBasicLimitInformation, { LimitFlags: JOB_OBJECT_LIMIT_ACTIVE_PROCESS | JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE, ActiveProcessLimit: 3 })).toBe(true);
  const jobId = system.queryJobs().find((j) => j.name?.endsWith('Lab'))!.jobId;
  return { jobId, pid, owner };
}

describe('Jobs model', () => {
  it('is empty on a booted machine', () => {
    expect(jobsOf(machine()).roots()).toEqual([]);
  });

  it('shows a job with only the limits that are set, its accounting and its members', () => {
    const system = machine();
    const { jobId, pid } = labJob(system);
    const m = jobsOf(system);
    const [root] = m.roots();
    expect(root!.id).toBe(`job:${jobId}`);
    expect(m.describe(root!).label).toBe('Lab');
    expect(m.describe(root!).description).toBe('1 active process · 2 limits');
    const limits = m.children(child(m, root!, 'jobLimits')).map((n) => [m.describe(n).label, m.describe(n).description]);
    expect(limits).toEqual([['JOB_OBJECT_LIMIT_ACTIVE_PROCESS', '3'], ['JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE', undefined]]);
    expect(jobLimitFlags(0x2008)).toEqual([0x8, 0x2000]);
    expect(m.describe(child(m, root!, 'jobAccounting')).description).toBe('1 total · 1 active · 0 terminated');
    const member = child(m, root!, 'jobMember');
    expect(member.pid).toBe(pid);
    expect(m.describe(member).label).toBe('notepad.exe');
    expect(m.describe(member).reveal).toEqual({ type: 'process', pid });
    expect(m.find({ type: 'job', id: jobId })).toBe(root);
  });

  it('nests a child job under its parent, and reveal descends through the hierarchy', () => {
    const system = machine();
    const { jobId, pid, owner } = labJob(system);
    const api = system.win32(owner);
    const hInner = api.CreateJobObject(null, 'Local\\Inner');
    expect(api.AssignProcessToJobObject(hInner, api.OpenProcess(PROCESS_ALL_ACCESS, false, pid))).toBe(true);
    const inner = system.queryJobs().find((j) => j.name?.endsWith('Inner'))!;
    expect(inner.parentJobId).toBe(jobId);
    const m = jobsOf(system);
    expect(m.roots().map((r) => r.jobId)).toEqual([jobId]);
    const node = m.find({ type: 'job', id: inner.jobId })!;
    expect(m.parent(node)!.id).toBe(`job:${jobId}`);
    expect(m.children(m.roots()[0]!).some((n) => n.id === node.id)).toBe(true);
  });

  it('refreshes the whole view when the first job appears in a view that showed none', () => {
    const system = machine();
    const m = jobsOf(system);
    expect(m.roots()).toEqual([]);
    const from = system.stepCount;
    const { jobId } = labJob(system);
    expect(m.invalidate(changesSince(system, from)).all).toBe(true);
    expect(m.roots().map((r) => r.jobId)).toEqual([jobId]);
  });

  it('refreshes only the job a step changed', () => {
    const system = machine();
    const { jobId, owner } = labJob(system);
    const m = jobsOf(system);
    m.children(m.roots()[0]!);
    const from = system.stepCount;
    const { pid } = system.createProcess({ imagePath: 'C:\\Windows\\System32\\calc.exe', parentPid: owner });
    const api = system.win32(owner);
    const hJob = api.CreateJobObject(null, 'Local\\Lab'); // opens the existing job
    expect(api.AssignProcessToJobObject(hJob, api.OpenProcess(PROCESS_ALL_ACCESS, false, pid))).toBe(true);
    const refresh = m.invalidate(changesSince(system, from));
    expect(refresh.all).toBe(false);
    expect([...refresh.nodes].map((n) => n.id)).toEqual([`job:${jobId}`]);
    expect(m.describe(m.roots()[0]!).description).toMatch(/^2 active processes/);
  });
});

describe('Processes model: handles and job', () => {
  it('lists the handle table with value, type, access and name, and the job of the process', () => {
    const system = machine();
    const { pid: member, owner, jobId } = labJob(system);
    const { controlArea } = namedSection(system);
    const m = new ProcessesModel(l10n);
    m.setSystem(system, false);
    const proc = m.find({ type: 'process', pid: owner })!;
    const handles = child(m, proc, 'handles');
    const rows = m.children(handles).map((n) => m.describe(n));
    const section = rows.find((r) => r.label.endsWith(' Section'))!;
    expect(section.label).toMatch(/^0x[0-9a-f]+ Section$/);
    expect(section.description).toBe('0xf001f · \\Sessions\\1\\BaseNamedObjects\\LabShared');
    expect(section.reveal).toEqual({ type: 'object', id: controlArea });
    expect(rows.find((r) => r.label.endsWith(' Job'))!.reveal).toEqual({ type: 'job', id: jobId });
    expect(rows.find((r) => r.label.endsWith(' Process'))!.reveal).toEqual({ type: 'process', pid: member });
    expect(m.describe(handles).description).toBe(String(rows.length));
    const jobRow = m.describe(child(m, m.find({ type: 'process', pid: member })!, 'job'));
    expect(jobRow.description).toBe('Lab');
    expect(jobRow.reveal).toEqual({ type: 'job', id: jobId });
    expect(m.describe(child(m, proc, 'job')).description).toBe('not in a job');
  });
});
