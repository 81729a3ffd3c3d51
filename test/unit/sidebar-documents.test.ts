// The read-only structure documents: dt layouts (real offsets where the engine has a layout, names and
// values otherwise) and the !pte walk.
import { describe, expect, it } from 'vitest';
import { createSystem, MEM_COMMIT, MEM_RESERVE, PAGE_READWRITE } from '../../src/engine';
import { escapeControls, objectRefOf, parseId, renderDt, renderDtDocument, renderPte, structureHover } from '../../src/extension/documents/layout';
import type { Localizer } from '../../src/extension/views/model';

const l10n: Localizer = { t: (m, ...a) => m.replace(/\{(\d+)\}/g, (_, i: string) => String(a[Number(i)])) };

function machine() {
  const system = createSystem({ physicalMemoryMB: 64, pageFileMB: 64 });
  const { pid, tid } = system.createProcess({ imagePath: 'C:\\Windows\\System32\\notepad.exe' });
  return { system, pid, tid };
}

describe('dt documents', () => {
  it('lays out an EPROCESS with offsets, field names and the simulated values', () => {
    const { system, pid } = machine();
    const text = renderDt(system, { kind: 'process', pid }, l10n, 'step 1');
    expect(text).toMatch(/dt nt!_EPROCESS [0-9a-f]{8}`[0-9a-f]{8}/);
    expect(text).toMatch(/\+0x[0-9a-f]{3} UniqueProcessId\s+: /);
    expect(text).toContain(`0x${pid.toString(16)}`.slice(2));
    expect(text).toContain('Offsets: ');
  });

  it('lays out the TOKEN, ETHREAD and PEB of a process', () => {
    const { system, pid, tid } = machine();
    expect(renderDt(system, { kind: 'token', pid }, l10n, 's')).toMatch(/\+0x[0-9a-f]+ Privileges/);
    expect(renderDt(system, { kind: 'thread', pid, tid }, l10n, 's')).toContain('dt nt!_ETHREAD');
    expect(renderDt(system, { kind: 'peb', pid }, l10n, 's')).toMatch(/\+0x[0-9a-f]+ /);
  });

  it('shows names and values without invented offsets where the engine has no layout (VAD, PFN)', () => {
    const { system, pid } = machine();
    const base = system.win32(pid).VirtualAlloc(0n, 0x10000n, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
    const vad = renderDt(system, { kind: 'vad', pid, va: base }, l10n, 's');
    expect(vad).toContain('StartingVpn');
    expect(vad).not.toMatch(/\+0x/);
    expect(vad).toContain('Field offsets are not shown');
    const pfn = renderDt(system, { kind: 'pfn', pfn: system.listPages('Zeroed', 0, 1)[0]! }, l10n, 's');
    expect(pfn).toContain('u3.e1.PageLocation');
    expect(pfn).toContain('Zeroed');
  });

  it('says so when the object does not exist in the displayed state', () => {
    const { system } = machine();
    expect(renderDt(system, { kind: 'process', pid: 999_999 }, l10n, 'step 9')).toContain('does not exist in the displayed state (step 9)');
    expect(renderDt(system, { kind: 'pfn', pfn: system.physicalPageCount }, l10n, 's')).toContain('does not exist');
  });
});

describe('!pte documents', () => {
  it('walks the four levels to the PFN of a touched page, and stops at the first invalid entry otherwise', () => {
    const { system, pid } = machine();
    const api = system.win32(pid);
    const base = api.VirtualAlloc(0n, 0x2000n, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
    api.WriteMemory(base, new Uint8Array([1]));
    const valid = renderPte(system, pid, base, l10n, 's');
    for (const level of ['PXE at', 'PPE at', 'PDE at', 'PTE at']) expect(valid).toContain(level);
    expect(valid).toMatch(/Valid: physical address 0x[0-9a-f]+ \(PFN 0x[0-9a-f]+\)/);
    expect(valid).toContain('!pfn');
    const untouched = renderPte(system, pid, base + 0x1000n, l10n, 's');
    expect(untouched).toContain('The walk stops at the PTE');
    expect(untouched).toContain('VirtualQuery: BaseAddress');
    expect(renderPte(system, 999_999, base, l10n, 's')).toContain('There is no process with id 999999');
  });
});

describe('dt documents of handles, jobs and control areas', () => {
  function withJob() {
    const { system, pid } = machine();
    const explorer = system.processIds.find((p) => system.queryProcess(p)!.imageFileName === 'explorer.exe')!;
    const k = system.win32(explorer);
    const hJob = k.CreateJobObject(null, 'LabJob');
    k.AssignProcessToJobObject(hJob, k.OpenProcess(0x1FFFFF, false, pid));
    k.SetInformationJobObject(hJob, 9, { LimitFlags: 0x8 | 0x200, ActiveProcessLimit: 3, JobMemoryLimit: 64 << 20 });
    const jobId = system.queryHandles(explorer).find((h) => h.handle === hJob)!.key;
    return { system, pid, explorer, hJob, jobId };
  }

  it('lays out a handle table entry with its offsets and the object it points to', () => {
    const { system, explorer, hJob } = withJob();
    const text = renderDt(system, { kind: 'handle', pid: explorer, handle: hJob }, l10n, 's');
    expect(text).toContain('dt nt!_HANDLE_TABLE_ENTRY');
    expect(text).toMatch(/\+0x000 VolatileLowValue/);
    expect(text).toMatch(/\+0x008 GrantedAccessBits/);
    // The engine's links have no offset: shown without one, and said so.
    expect(text).toMatch(/\n {10}\(object\)\s+: 0x/);
    expect(text).not.toMatch(/\+0x-/);
    expect(text).toContain('not fields at a known offset');
  });

  it('lays out the EJOB links, the documented limit structure (plus the extended limits, without offsets) and the accounting', () => {
    const { system, pid, jobId } = withJob();
    const job = renderDt(system, { kind: 'job', jobId }, l10n, 's');
    expect(job).toContain('dt nt!_EJOB');
    expect(job).toContain('LabJob');
    expect(job).toContain(String(pid));
    expect(job).toMatch(/\+0x0d8 ActiveProcesses\s+: 0x1/);
    expect(job).toMatch(/\+0x100 LimitFlags\s+: 0x208/);
    const limits = renderDt(system, { kind: 'jobLimits', jobId }, l10n, 's');
    expect(limits).toMatch(/\+0x010 LimitFlags\s+: 0x208/);
    expect(limits).toMatch(/\+0x028 ActiveProcessLimit\s+: 0x3/);
    expect(limits).toMatch(/\n {10}\(extended\) JobMemoryLimit\s+: 0x4000000/);
    expect(renderDt(system, { kind: 'jobAccounting', jobId }, l10n, 's')).toMatch(/\+0x028 ActiveProcesses\s+: 0x1/);
    expect(renderDt(system, { kind: 'job', jobId: 999 }, l10n, 's')).toContain('does not exist');
  });

  it('shows a control area by the names the engine has, with no offsets', () => {
    const { system, pid } = machine();
    const api = system.win32(pid);
    const h = api.CreateFileMapping(-1, PAGE_READWRITE, 0x10000n, 'LabSection');
    api.MapViewOfFile(h, 0xF001F, 0n, 0n);
    const ca = system.querySections().find((s) => s.sectionObjects.some((o) => o.name?.endsWith('LabSection')))!.controlArea;
    const text = renderDt(system, { kind: 'controlArea', controlArea: ca }, l10n, 's');
    expect(text).toContain('dt nt!_CONTROL_AREA');
    expect(text).toMatch(/NumberOfMappedViews\s+: 0x1/);
    expect(text).toMatch(/TotalNumberOfPtes\s+: 0x10/);
    expect(text).not.toMatch(/\+0x/);
    expect(text).toContain('Field offsets are not shown');
  });
});

describe('following a dt field to the structure it points to', () => {
  it('makes every field with a target a link on the field name, and the target renders', () => {
    const { system, pid, tid } = machine();
    const { text, links } = renderDtDocument(system, { kind: 'process', pid }, l10n, 's');
    const lines = text.split('\n');
    expect(text).toContain('Underlined fields point to another structure');
    // The link covers the field's name on its line.
    for (const l of links) expect(lines[l.line]!.slice(l.start, l.end)).toBe(l.name);
    const byName = new Map(links.map((l) => [l.name, l.ref]));
    expect(byName.get('Pcb')).toEqual({ kind: 'KPROCESS', pid });
    expect(byName.get('Peb')).toEqual({ kind: 'PEB', pid });
    expect(byName.get('Token')).toEqual({ kind: 'TOKEN', pid });
    expect(byName.get('Win32Process')).toEqual({ kind: 'W32PROCESS', pid });
    // Walk EPROCESS -> PEB -> ProcessParameters, and ETHREAD -> KTHREAD -> TEB -> PEB.
    const peb = renderDtDocument(system, { kind: 'layout', ref: byName.get('Peb')! }, l10n, 's');
    expect(peb.text).toContain('dt nt!_PEB');
    const params = peb.links.find((l) => l.name === 'ProcessParameters')!;
    const paramsText = renderDt(system, { kind: 'layout', ref: params.ref }, l10n, 's');
    expect(paramsText).toMatch(/\+0x070 CommandLine\s+: "+C:\\Windows\\System32\\notepad\.exe/);
    // Inherited from the creator; processes the system starts have System32.
    expect(paramsText).toMatch(/\+0x038 CurrentDirectory\s+: "C:\\Windows\\System32\\"/);
    const kthread = renderDtDocument(system, { kind: 'thread', pid, tid }, l10n, 's').links.find((l) => l.name === 'Tcb')!;
    const teb = renderDtDocument(system, { kind: 'layout', ref: kthread.ref }, l10n, 's').links.find((l) => l.name === 'Teb')!;
    expect(renderDt(system, { kind: 'layout', ref: teb.ref }, l10n, 's')).toMatch(/\+0x030 NtTib\.Self/);
    // A structure in another module is named with its module.
    expect(renderDt(system, { kind: 'layout', ref: { kind: 'W32PROCESS', pid } }, l10n, 's')).toContain('dt win32k!_W32PROCESS');
    expect(renderDt(system, { kind: 'layout', ref: { kind: 'CSR_PROCESS', pid } }, l10n, 's')).toContain('dt csrss!_CSR_PROCESS');
  });

  it('rebuilds a reference only from well-formed parts of a document address', () => {
    expect(objectRefOf('TEB', { tid: 8 })).toEqual({ kind: 'TEB', tid: 8 });
    expect(objectRefOf('LDR_DATA_TABLE_ENTRY', { pid: 4, index: 2 })).toEqual({ kind: 'LDR_DATA_TABLE_ENTRY', pid: 4, index: 2 });
    expect(objectRefOf('DEBUG_OBJECT', { objectId: 12 })).toEqual({ kind: 'DEBUG_OBJECT', objectId: 12 });
    expect(objectRefOf('TEB', { pid: 8 })).toBeUndefined();
    expect(objectRefOf('LDR_DATA_TABLE_ENTRY', { pid: 4 })).toBeUndefined();
    expect(objectRefOf('__proto__', { pid: 4 })).toBeUndefined();
    expect(objectRefOf('constructor', { pid: 4 })).toBeUndefined();
    expect(objectRefOf('<script>', { pid: 4 })).toBeUndefined();
    // Ids: plain decimal digits only.
    expect(parseId('4')).toBe(4);
    expect(parseId('123456789012')).toBe(123456789012);
    for (const bad of [null, '', '-4', '0x4', '4.0', '1e3', ' 4', '4 ', '+4', '9'.repeat(16), 'NaN']) expect(parseId(bad), String(bad)).toBeUndefined();
  });

  it('keeps a value with control characters on one line', () => {
    expect(escapeControls('a\nb\tc\u007f')).toBe('a\\x0ab\\x09c\\x7f');
    const system = createSystem({ physicalMemoryMB: 64, pageFileMB: 64 });
    const { pid } = system.createProcess({ imagePath: 'C:\\Windows\\System32\\notepad.exe', commandLine: 'notepad.exe line1\nline2' });
    const { text, links } = renderDtDocument(system, { kind: 'layout', ref: { kind: 'RTL_USER_PROCESS_PARAMETERS', pid } }, l10n, 's');
    expect(text).toContain('line1\\x0aline2');
    const lines = text.split('\n');
    for (const l of links) expect(lines[l.line]!.slice(l.start, l.end)).toBe(l.name);
  });

  it('gives a notes hover the real offsets of the structure, or nothing when the process has none', () => {
    const { system, pid, tid } = machine();
    const hover = structureHover(system, 'eprocess', pid)!;
    expect(hover.split('\n')[0]).toMatch(/^nt!_EPROCESS [0-9a-f]{8}`[0-9a-f]{8} \(notepad\.exe, pid \d+\)$/);
    expect(hover).toContain(`+0x440 UniqueProcessId : 0x${pid.toString(16)}\n`);
    // Narrow enough for a hover: no line longer than a kernel pointer field needs.
    for (const line of hover.split('\n').slice(1)) expect(line.length, line).toBeLessThanOrEqual(60);
    expect(hover).toMatch(/\+0x5a8 ImageFileName\s+: "notepad\.exe"/);
    expect(hover.split('\n').length).toBeLessThanOrEqual(15);
    expect(structureHover(system, 'teb', pid)).toContain(`tid ${tid}`);
    expect(structureHover(system, 'w32Process', pid)).toMatch(/^win32k!_W32PROCESS/);
    const cmd = system.createProcess({ imagePath: 'C:\\Windows\\System32\\cmd.exe' }).pid;
    expect(structureHover(system, 'w32Process', cmd)).toBeUndefined();
    expect(structureHover(system, 'eprocess', 999_999)).toBeUndefined();
  });
});
