/** Boot (Windows Internals 7e ch. 2): the process tree a freshly booted Windows 10 shows, with sessions and tokens. */
import { describe, expect, it } from 'vitest';
import { createSystem, describeObject, MM_SYSTEM_THREADS, verifyIntegrity, type System } from '../../src/engine';

const byName = (sys: System, name: string) => sys.processIds.map((p) => sys.queryProcess(p)!).filter((q) => q.imageFileName === name);

describe('boot', () => {
  const sys = createSystem();

  it('System is pid 4, its threads are the memory manager\'s system threads with the next CIDs (8, 12, ...)', () => {
    const system = sys.queryProcess(4)!;
    expect(system.imageFileName).toBe('System');
    expect(system.threads.map((t) => t.tid)).toEqual([8, 12, 16, 20, 24, 28]);
    const names = sys.getSteps(0, sys.stepCount).filter((s) => s.code === 'thread.system').map((s) => s.args.name);
    expect(names).toEqual([...MM_SYSTEM_THREADS]);
    expect(names).toEqual(['KeBalanceSetManager', 'KeSwapProcessOrStack', 'MiModifiedPageWriter', 'MiMappedPageWriter', 'MiDereferenceSegmentThread', 'MiZeroPageThread']);
  });

  it('has the real parent/child relations: smss under System; csrss, wininit, winlogon orphaned by smss\'s exited session instances; explorer by userinit', () => {
    expect(byName(sys, 'Registry')[0]!.parentPid).toBe(4);
    const smss = byName(sys, 'smss.exe');
    expect(smss).toHaveLength(1);
    expect(smss[0]!.parentPid).toBe(4);
    const csrss = byName(sys, 'csrss.exe');
    expect(csrss.map((c) => c.sessionId)).toEqual([0, 1]);
    for (const name of ['csrss.exe', 'wininit.exe', 'winlogon.exe', 'explorer.exe']) {
      for (const q of byName(sys, name)) expect(sys.queryProcess(q.parentPid), name).toBeUndefined();
    }
    const wininit = byName(sys, 'wininit.exe')[0]!;
    expect(byName(sys, 'services.exe')[0]!.parentPid).toBe(wininit.pid);
    expect(byName(sys, 'lsass.exe')[0]!.parentPid).toBe(wininit.pid);
    expect(byName(sys, 'svchost.exe')[0]!.parentPid).toBe(byName(sys, 'services.exe')[0]!.pid);
    expect(wininit.sessionId).toBe(0);
    expect(byName(sys, 'winlogon.exe')[0]!.sessionId).toBe(1);
    expect(byName(sys, 'explorer.exe')[0]!.sessionId).toBe(1);
    expect(byName(sys, 'userinit.exe')).toHaveLength(0);
    // The exited parents were real processes, created and then gone.
    expect(sys.getSteps(0, sys.stepCount).filter((s) => s.code === 'process.exit').length).toBe(3);
  });

  it('services run as SYSTEM; explorer as the interactive user at Medium integrity; smss/csrss/wininit/services are protected', () => {
    const token = (name: string) => describeObject(sys, { kind: 'TOKEN', pid: byName(sys, name)[0]!.pid })!;
    expect(token('lsass.exe').fields.find((f) => f.name === 'UserAndGroups')!.value).toContain('S-1-5-18');
    expect(token('explorer.exe').fields.find((f) => f.name === 'IntegrityLevelIndex')!.value).toContain('Medium');
    const protection = (name: string) => describeObject(sys, { kind: 'EPROCESS', pid: byName(sys, name)[0]!.pid })!.fields.find((f) => f.name === 'Protection')!.value;
    expect(protection('csrss.exe')).toContain('ProtectedLight WinTcb');
    expect(protection('explorer.exe')).toBe('0 (none)');
    expect(protection('System')).toContain('Protected WinSystem');
  });

  it('every process went through the recorded flow and the machine is consistent', () => {
    expect(sys.getSteps(0, sys.stepCount).filter((s) => s.code === 'create.insertProcess').length).toBe(12); // System and Registry are made by the kernel itself (process.system)
    expect(verifyIntegrity(sys)).toEqual([]);
    expect(sys.processCount).toBe(11);
  });

  it('boots deterministically and quickly', () => {
    const t0 = performance.now();
    const again = createSystem();
    const ms = performance.now() - t0;
    expect(again.processIds).toEqual(sys.processIds);
    expect(again.stepCount).toBe(sys.stepCount);
    expect(ms).toBeGreaterThan(0); // timing is reported by the benchmark, not asserted here
  });
});
