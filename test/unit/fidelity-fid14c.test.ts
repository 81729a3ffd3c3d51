// Issue 14, third pass: the Idle process, smss's per-session copies, the boot processes' handles, file-backed
// control areas kept as cache, and the texts added in session 22. Each check names the source the behaviour or
// sentence follows, and fails if the old, unsourced one comes back.
import { describe, expect, it } from 'vitest';
import { createSystem, describeObject, PROCESS_QUERY_LIMITED_INFORMATION, verifyIntegrity, Win32Error, type System } from '../../src/engine';
import { runKd, type KdState, type KdView } from '../../src/extension/kd/kd';
import { explainStep } from '../../src/extension/panels/explain';
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
