// Issue 14, fourth pass: an independent reviewer's findings on the third. The Idle process is not on the active
// process list and shares System's token and handle table; truncating a file a section still uses fails; smss's
// copies carry their session ID; a compressed page's read is issued after the resolver returned; cached control
// areas' texts say what the lab leaves out, and the repurpose that deletes one is recorded first.
import { describe, expect, it } from 'vitest';
import { createSystem, describeObject, ERROR_SHARING_VIOLATION, ERROR_USER_MAPPED_FILE, STEP_SCHEMAS, verifyIntegrity, type System } from '../../src/engine';
import { machineOf } from '../../src/engine/system/internal';
import { runKd, type KdState, type KdView } from '../../src/extension/kd/kd';
import { explainStep } from '../../src/extension/panels/explain';
import { plainLocalizer } from '../../src/extension/present/localizer';
import { pointerDigits } from '../../src/extension/present/format';

const l10n = plainLocalizer;
const field = (sys: System, pid: number, name: string) => describeObject(sys, { kind: 'EPROCESS', pid })!.fields.find((f) => f.name === name)!;

// PspInitPhase0 initializes PsActiveProcessHead and sets PsIdleProcess without inserting the initial process; System,
// created with no parent, inherits Idle's token, handle table and page directory (ReactOS wiki, "Idle Process";
// routine and variable names: ntoskrnl's public symbols).
describe('the Idle process is not on PsActiveProcessHead and shares System\'s token and handle table', () => {
  const sys = createSystem({ physicalMemoryMB: 64, pageFileMB: 64, seed: 11 });
  const idle = sys.queryProcess(0)!;
  const system = sys.queryProcess(4)!;
  const view: KdView = { system: sys, live: sys, cursor: undefined };
  const state: KdState = { pid: 4 };

  it('kd\'s !process 0 0 walks the list from System and never shows Idle; !process on Idle\'s EPROCESS still does', () => {
    const out = runKd(view, state, '!process 0 0').lines;
    const images = out.filter((l) => l.includes('Image:')).map((l) => /Image: (\S+)/.exec(l)![1]);
    expect(images[0]).toBe('System');
    expect(images).not.toContain('Idle');
    expect(images.length).toBe(sys.processIds.filter((p) => p !== 0 && !sys.queryProcess(p)!.creating).length);
    expect(runKd(view, state, `!process ${pointerDigits(idle.eprocess)} 0`).lines.join('\n')).toContain('Image: Idle');
  });

  it('dt _EPROCESS shows Idle\'s ActiveProcessLinks empty; every other process is on the list', () => {
    expect(String(field(sys, 0, 'ActiveProcessLinks').value)).toContain('not on PsActiveProcessHead');
    expect(String(field(sys, 4, 'ActiveProcessLinks').value)).toBe('[ PsActiveProcessHead list ]');
    const text = explainStep(sys.getSteps(0, sys.stepCount).find((s) => s.code === 'process.idle')!, l10n);
    expect(text).toContain('does not insert it into the active process list');
    expect(text).toContain('token and handle table');
  });

  it('Idle\'s Token is System\'s TOKEN object (one boot token), not one of its own', () => {
    expect(field(sys, 0, 'Token').value).toBe(field(sys, 4, 'Token').value);
    expect(describeObject(sys, { kind: 'TOKEN', pid: 0 })!.address).toBe(describeObject(sys, { kind: 'TOKEN', pid: 4 })!.address);
    expect(verifyIntegrity(sys)).toEqual([]);
  });

  it('a time-travel copy keeps the one boot token one object (not two clones that could drift apart)', () => {
    const m = machineOf(sys.stateAt(sys.stepCount - 1));
    expect(m.byPid.get(0)!.ps.token).toBe(m.byPid.get(4)!.ps.token);
  });

  it('Idle\'s ObjectTable is System\'s handle table, outside the kernel image', () => {
    expect(idle.objectTable).toBe(system.objectTable);
    expect(field(sys, 0, 'ObjectTable').value).toBe(system.objectTable);
    const table = describeObject(sys, { kind: 'HANDLE_TABLE', pid: 0 })!;
    expect(table.address).toBe(system.objectTable);
    expect(table.fields.find((f) => f.name === 'UniqueProcessId')!.value).toBe(4);
    // The kernel image's range (the lab places ntoskrnl where KiInitialProcess lives): no pool structure inside it.
    const space = sys.querySystemSpace()!;
    expect(space.regions.some((r) => idle.objectTable >= r.base && idle.objectTable < r.end)).toBe(true);
    expect(idle.objectTable >> 20n).not.toBe(idle.eprocess >> 20n);
  });
});

// Microsoft Learn, System Error Codes (1000-1299): ERROR_USER_MAPPED_FILE 1224, "The requested operation cannot be
// performed on a file with a user-mapped section open"; SetEndOfFile: unmap every view and close the file mapping
// object first. An image in use cannot be opened for writing (MmFlushImageSection(MmFlushForWrite) fails; Learn,
// MmFlushImageSection): ERROR_SHARING_VIOLATION 32.
describe('truncating or replacing a file that a section or view uses fails', () => {
  const PATH = 'C:\\Users\\Public\\mapped.bin';
  const GENERIC_READ = 0x80000000; const GENERIC_WRITE = 0x40000000;
  const CREATE_ALWAYS = 2; const OPEN_EXISTING = 3; const TRUNCATE_EXISTING = 5;
  const setup = () => {
    const sys = createSystem({ boot: false, physicalMemoryMB: 32, pageFileMB: 64, seed: 5 });
    const data = new Uint8Array(0x2000).fill(0x11);
    sys.psCall({ call: 'createFile', path: PATH, data });
    const pid = sys.createProcess({ imagePath: 'C:\\Windows\\System32\\notepad.exe' }).pid;
    return { sys, k: sys.win32(pid), data };
  };

  it('CREATE_ALWAYS and TRUNCATE_EXISTING fail with ERROR_USER_MAPPED_FILE while a view is mapped, and the view keeps its bytes', () => {
    const { sys, k, data } = setup();
    const hf = k.CreateFile(PATH, GENERIC_READ, 7, null, OPEN_EXISTING, 0, 0);
    const hm = k.CreateFileMapping(hf, 0x02, 0n);
    const va = k.MapViewOfFile(hm, 0x4, 0n, 0n);
    expect(k.ReadMemory(va, 0x2000)).toEqual(data);
    for (const disposition of [CREATE_ALWAYS, TRUNCATE_EXISTING]) {
      expect(k.CreateFile(PATH, GENERIC_READ | GENERIC_WRITE, 7, null, disposition, 0, 0)).toBe(-1);
      expect(k.GetLastError()).toBe(ERROR_USER_MAPPED_FILE);
    }
    // The lab's own file replacement obeys the same rule.
    expect(() => sys.psCall({ call: 'createFile', path: PATH, data: new Uint8Array(4) })).toThrow();
    expect(k.ReadMemory(va, 0x2000)).toEqual(data);
    // Unmapped but the file mapping object still open: still in use.
    expect(k.UnmapViewOfFile(va)).toBe(true);
    expect(k.CreateFile(PATH, GENERIC_WRITE, 7, null, CREATE_ALWAYS, 0, 0)).toBe(-1);
    expect(k.GetLastError()).toBe(ERROR_USER_MAPPED_FILE);
    // Every reference gone: the cached control area is purged and the truncation succeeds.
    expect(k.CloseHandle(hm)).toBe(true);
    const h = k.CreateFile(PATH, GENERIC_WRITE, 7, null, TRUNCATE_EXISTING, 0, 0);
    expect(h).not.toBe(-1);
    expect(k.CloseHandle(h)).toBe(true);
    expect(k.CloseHandle(hf)).toBe(true);
    // Nothing uses it now: the lab's replacement succeeds and a new mapping sees the new bytes.
    const fresh = new Uint8Array(0x1000).fill(0x5A);
    sys.psCall({ call: 'createFile', path: PATH, data: fresh });
    const hf2 = k.CreateFile(PATH, GENERIC_READ, 7, null, OPEN_EXISTING, 0, 0);
    const va2 = k.MapViewOfFile(k.CreateFileMapping(hf2, 0x02, 0n), 0x4, 0n, 0n);
    expect(k.ReadMemory(va2, 0x1000)).toEqual(fresh);
    expect(verifyIntegrity(sys)).toEqual([]);
  });

  it('a running program\'s image cannot be replaced: ERROR_SHARING_VIOLATION', () => {
    const { k } = setup();
    expect(k.CreateFile('C:\\Windows\\System32\\notepad.exe', GENERIC_WRITE, 7, null, CREATE_ALWAYS, 0, 0)).toBe(-1);
    expect(k.GetLastError()).toBe(ERROR_SHARING_VIOLATION);
  });
});

describe('cached control areas: what the texts say and the order of the steps', () => {
  const step = (code: string): Parameters<typeof explainStep>[0] => {
    const schema = STEP_SCHEMAS[code as keyof typeof STEP_SCHEMAS];
    const args: Record<string, unknown> = {};
    for (const [name, type] of schema.args) args[name] = type === 'n' ? 3 : type === 'a' ? 0x1000n : type === 'b' ? false : 'x';
    return { seq: 1, kind: schema.kind, routine: schema.routine, code, args, changes: [] } as Parameters<typeof explainStep>[0];
  };

  // MiRemoveUnusedSegments -> MiDeleteEmptyControlAreas (public symbols): the segment dereference thread trims the
  // unused segment list; the lab does not model it, and says so.
  it('section.keepCached and section.delete name the segment dereference thread\'s trimming as not modelled', () => {
    for (const code of ['section.keepCached', 'section.delete']) {
      const text = explainStep(step(code), l10n);
      expect(text, code).toContain('MiRemoveUnusedSegments -> MiDeleteEmptyControlAreas');
      expect(text, code).toMatch(/lab does not model/);
    }
    expect(explainStep(step('section.delete'), l10n)).toContain('ERROR_USER_MAPPED_FILE');
  });

  it('a control area deleted because its last page was repurposed comes after that pfn.repurpose step', () => {
    const sys = createSystem({ boot: false, physicalMemoryMB: 16, pageFileMB: 64, seed: 9 });
    const PATH = 'C:\\Users\\Public\\one.bin';
    sys.psCall({ call: 'createFile', path: PATH, data: new Uint8Array(0x1000).fill(7) });
    const k = sys.win32(sys.createProcess({ imagePath: 'C:\\Windows\\System32\\notepad.exe' }).pid);
    const hf = k.CreateFile(PATH, 0x80000000, 7, null, 3, 0, 0);
    const hm = k.CreateFileMapping(hf, 0x02, 0n);
    const va = k.MapViewOfFile(hm, 0x4, 0n, 0n);
    k.ReadMemory(va, 16);
    k.UnmapViewOfFile(va); k.CloseHandle(hm); k.CloseHandle(hf);
    const kept = sys.getSteps(0, sys.stepCount).filter((s) => s.code === 'section.keepCached');
    expect(kept).toHaveLength(1);
    const ca = kept[0]!.args.controlArea;
    // Memory pressure: touch more private memory than the machine has, so standby pages are repurposed.
    const from = sys.stepCount;
    const size = 16 * 1024 * 1024;
    const base = k.VirtualAlloc(0n, BigInt(size), 0x3000, 0x04);
    for (let off = 0; off < size; off += 0x1000) k.WriteMemory(base + BigInt(off), new Uint8Array([1]));
    const steps = sys.getSteps(from, sys.stepCount);
    const del = steps.findIndex((s) => s.code === 'section.delete' && s.args.controlArea === ca);
    expect(del).toBeGreaterThan(0);
    expect(steps[del - 1]!.code).toBe('pfn.repurpose');
    expect(verifyIntegrity(sys)).toEqual([]);
  });
});
