// Issue 14, third pass: the Idle process, smss's per-session copies, the boot processes' handles, file-backed
// control areas kept as cache, and the texts added in session 22. Each check names the source the behaviour or
// sentence follows, and fails if the old, unsourced one comes back.
import { describe, expect, it } from 'vitest';
import { createSystem, describeObject, PROCESS_QUERY_LIMITED_INFORMATION, STEP_SCHEMAS, verifyIntegrity, Win32Error, type System } from '../../src/engine';
import { GLOSSARY } from '../../src/extension/notes/glossary';
import { runKd, type KdState, type KdView } from '../../src/extension/kd/kd';
import { explainStep } from '../../src/extension/panels/explain';
import { buildFaultView } from '../../src/extension/panels/models';
import { causeFault } from '../../src/extension/panels/scenarios';
import { plainLocalizer } from '../../src/extension/present/localizer';
import { pointerDigits } from '../../src/extension/present/format';

const l10n = plainLocalizer;
const byName = (sys: System, name: string) => sys.processIds.map((pid) => sys.queryProcess(pid)!).filter((q) => q.imageFileName === name);

describe('the Idle process: KiInitialProcess, not a pool object (public symbols: KiInitialProcess, PsIdleProcess, MmInitializeHandBuiltProcess; Learn, OpenProcess)', () => {
  const sys = createSystem({ physicalMemoryMB: 64, pageFileMB: 64, seed: 11 });
  const idle = sys.queryProcess(0)!;
  const system = sys.queryProcess(4)!;

  it('its EPROCESS is in the kernel image\'s data, in no pool region and in no pool block', () => {
    const space = sys.querySystemSpace()!;
    for (const r of space.regions) expect(idle.eprocess >= r.base && idle.eprocess < r.end, r.name).toBe(false);
    expect(idle.eprocess >= 0xFFFFF800_0000_0000n && idle.eprocess < 0xFFFFF808_0000_0000n).toBe(true);
    expect(sys.queryPool(idle.eprocess)).toBeFalsy();
    // Every other live process's EPROCESS is a 'Proc' block of nonpaged pool.
    for (const pid of sys.processIds.filter((p) => p !== 0)) expect(sys.queryPool(sys.queryProcess(pid)!.eprocess)?.kind, `pid ${pid}`).toBe('small');
  });

  it('has no protection (no source gives it one); System stays Protected WinSystem', () => {
    const protection = (pid: number) => describeObject(sys, { kind: 'EPROCESS', pid })!.fields.find((f) => f.name === 'Protection')!.value;
    expect(protection(0)).toBe('0 (none)');
    expect(protection(4)).toContain('Protected WinSystem');
  });

  it('cannot be opened: OpenProcess(0) fails with ERROR_INVALID_PARAMETER even for SYSTEM', () => {
    const services = byName(sys, 'services.exe')[0]!.pid;
    const k = sys.win32(services);
    expect(k.OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, false, 0)).toBe(0);
    expect(k.GetLastError()).toBe(87);
  });

  it('shares System\'s page directory and maps nothing; no Win32 call runs in it', () => {
    expect(idle.directoryTableBase).toBe(system.directoryTableBase);
    expect(idle.pageTablePages).toBe(0);
    expect(idle.vadCount).toBe(0);
    expect(() => sys.win32(0)).toThrow(Win32Error);
    expect(verifyIntegrity(sys)).toEqual([]);
  });

  it('the step text names KiInitialProcess at its address; kd\'s !object does not call it an object', () => {
    const step = sys.getSteps(0, sys.stepCount).find((s) => s.code === 'process.idle')!;
    expect(step.args.eprocess).toBe(idle.eprocess);
    const text = explainStep(step, l10n);
    expect(text).toContain('KiInitialProcess');
    expect(text).toContain('page directory');
    const view: KdView = { system: sys, live: sys, cursor: undefined };
    const state: KdState = { pid: 4 };
    expect(runKd(view, state, `!object ${pointerDigits(idle.eprocess)}`).lines.join('\n')).toContain('Not a valid object');
    expect(runKd(view, state, `!object ${pointerDigits(system.eprocess)}`).lines.join('\n')).toContain('Type: Process');
  });
});

describe('smss\'s per-session copies (7e Part 2 ch. 12: smss starts a copy of itself per session)', () => {
  it('get the master\'s command line, not arguments no source documents', () => {
    const sys = createSystem({ physicalMemoryMB: 64, pageFileMB: 64, seed: 3 });
    const starts = sys.getSteps(0, sys.stepCount).filter((s) => s.code === 'create.parameters' && String(s.args.image).toLowerCase().endsWith('smss.exe'));
    expect(starts).toHaveLength(3);
    for (const s of starts) expect(s.args.commandLine).toBe('\\SystemRoot\\System32\\smss.exe');
  });
});

describe('a mapped file\'s control area outlives its last reference while its pages are cached (7e ch. 5, "Section objects", "Page list dynamics"; MiCheckControlArea, MiDeleteEmptyControlAreas: public symbols)', () => {
  const PATH = 'C:\\Users\\Public\\cached.bin';
  const setup = () => {
    const sys = createSystem({ boot: false, physicalMemoryMB: 32, pageFileMB: 64, seed: 5 });
    const data = new Uint8Array(0x4000);
    for (let i = 0; i < data.length; i++) data[i] = (i * 7 + (i >> 12)) & 0xFF;
    sys.psCall({ call: 'createFile', path: PATH, data });
    const pid = sys.createProcess({ imagePath: 'C:\\Windows\\System32\\notepad.exe' }).pid;
    return { sys, k: sys.win32(pid), data };
  };
  const mapAndRead = (k: ReturnType<System['win32']>) => {
    const hf = k.CreateFile(PATH, 0x80000000 /* GENERIC_READ */, 1, null, 3 /* OPEN_EXISTING */, 0, 0);
    const hm = k.CreateFileMapping(hf, 0x02 /* PAGE_READONLY */, 0n);
    const va = k.MapViewOfFile(hm, 0x4 /* FILE_MAP_READ */, 0n, 0n);
    const bytes = k.ReadMemory(va, 0x4000);
    return { hf, hm, va, bytes };
  };
  const closeAll = (k: ReturnType<System['win32']>, v: { hf: number; hm: number; va: bigint }) => {
    expect(k.UnmapViewOfFile(v.va)).toBe(true);
    expect(k.CloseHandle(v.hm)).toBe(true);
    expect(k.CloseHandle(v.hf)).toBe(true);
  };

  it('the second open and map of the file soft-faults its pages from standby: no read from the file', () => {
    const { sys, k, data } = setup();
    const first = mapAndRead(k);
    expect(first.bytes).toEqual(data);
    const reads = (from: number) => sys.getSteps(from, sys.stepCount).filter((s) => s.code === 'io.pageRead' && String(s.args.file).toLowerCase() === PATH.toLowerCase()).length;
    expect(reads(0)).toBeGreaterThan(0);
    const beforeClose = sys.stepCount;
    closeAll(k, first);
    const closing = sys.getSteps(beforeClose, sys.stepCount).map((s) => s.code);
    expect(closing).toContain('section.keepCached');
    expect(closing).not.toContain('section.delete');
    expect(verifyIntegrity(sys)).toEqual([]);
    const beforeSecond = sys.stepCount;
    const second = mapAndRead(k);
    expect(second.bytes).toEqual(data);
    expect(reads(beforeSecond)).toBe(0);
    const steps = sys.getSteps(beforeSecond, sys.stepCount);
    const protoFaults = steps.filter((s) => s.code === 'fault.prototype');
    expect(protoFaults).toHaveLength(4);
    for (const f of protoFaults) expect(String(f.args.from)).toMatch(/standby/i);
    closeAll(k, second);
    expect(verifyIntegrity(sys)).toEqual([]);
  });

  it('is deleted when its last cached page is purged; the next map reads the file again', () => {
    const { sys, k, data } = setup();
    closeAll(k, mapAndRead(k));
    const before = sys.stepCount;
    sys.memoryListCommand('MemoryPurgeStandbyList');
    expect(sys.getSteps(before, sys.stepCount).map((s) => s.code)).toContain('section.delete');
    expect(verifyIntegrity(sys)).toEqual([]);
    const again = sys.stepCount;
    const v = mapAndRead(k);
    expect(v.bytes).toEqual(data);
    expect(sys.getSteps(again, sys.stepCount).some((s) => s.code === 'io.pageRead')).toBe(true);
  });

  it('replacing the file drops the cached control area, so a new mapping sees the new contents', () => {
    const { sys, k } = setup();
    closeAll(k, mapAndRead(k));
    const fresh = new Uint8Array(0x4000).fill(0x5A);
    sys.psCall({ call: 'createFile', path: PATH, data: fresh });
    expect(mapAndRead(k).bytes).toEqual(fresh);
    expect(verifyIntegrity(sys)).toEqual([]);
  });

  it('a pagefile-backed section is still deleted at its last reference', () => {
    const { sys, k } = setup();
    const hm = k.CreateFileMapping(-1, 0x04 /* PAGE_READWRITE */, 0x2000n);
    const va = k.MapViewOfFile(hm, 0x2 /* FILE_MAP_WRITE */, 0n, 0n);
    k.WriteMemory(va, new Uint8Array([1, 2, 3]));
    k.UnmapViewOfFile(va);
    const before = sys.stepCount;
    k.CloseHandle(hm);
    expect(sys.getSteps(before, sys.stepCount).map((s) => s.code)).toContain('section.delete');
    expect(verifyIntegrity(sys)).toEqual([]);
  });
});

describe('session 22\'s texts, checked against their sources', () => {
  const step = (code: string, args: Record<string, unknown>): Parameters<typeof explainStep>[0] => {
    const schema = STEP_SCHEMAS[code as keyof typeof STEP_SCHEMAS];
    const all: Record<string, unknown> = {};
    for (const [name, type] of schema.args) all[name] = type === 'n' ? 7 : type === 'a' ? 0xFFFF_8000_1234_0000n : type === 'b' ? false : type === 'l' ? 'Standby' : 'x';
    return { seq: 1, kind: schema.kind, routine: schema.routine, code, args: { ...all, ...args }, changes: [] } as Parameters<typeof explainStep>[0];
  };

  it('paged pool trims leave the paged pool working set, one of the three system working sets (7e ch. 5, "System working sets")', () => {
    expect(explainStep(step('ws.trimSystem', { pages: 3, toStandby: 2, toModified: 1 }), l10n)).toContain('paged pool working set');
  });

  it('pool texts label the classic allocator as the lab\'s model (the pools use the segment heap since 19H1)', () => {
    for (const code of ['pool.alloc', 'pool.free']) expect(explainStep(step(code, { poolType: 0, tag: 0x636f7250 }), l10n), code).toMatch(/classic pool allocator.*segment heap/);
  });

  it('kernel stack texts say what the lab leaves out: no pages behind the stack, no dead-stack cache', () => {
    expect(explainStep(step('sys.kernelStack', {}), l10n)).toContain('no physical pages');
    expect(explainStep(step('sys.kernelStackFree', {}), l10n)).toContain('the lab frees it at once');
  });

  it('compression texts label the virtual store\'s page-file number and the key release as the lab\'s', () => {
    const fault = explainStep(step('fault.store', {}), l10n);
    expect(fault).toContain('paging file number 2 in the lab');
    expect(fault).toContain('The lab\'s model then lets the key go');
    expect(explainStep(step('thread.storeWrite', {}), l10n)).toContain('not Windows\' Xpress');
  });

  it('the page-fault panel labels SmPageRead\'s caller as the lab\'s chain', () => {
    const system = createSystem({ physicalMemoryMB: 64, pageFileMB: 64, seed: 7 });
    const seq = (causeFault(system, 'store') as { seq: number }).seq;
    const why = buildFaultView(system, seq, l10n)!.why;
    expect(why).toContain('SmPageRead');
    expect(why).toContain('differ by build');
  });

  it('the glossary tells the Windows 10 boot tree and where the compression store lives since 1607', () => {
    const en = (id: string) => GLOSSARY.find((e) => e.id === id)!.explain.en;
    for (const word of ['Memory Compression', 'copy of itself', 'svchost', 'dwm', 'userinit starts explorer and exits', 'kernel image']) expect(en('SystemProcesses')).toContain(word);
    expect(en('MemoryCompression')).toContain('1607');
  });
});
