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
    expect(sys.getSteps(0, sys.stepCount).filter((s) => s.code === 'create.insertProcess').length).toBe(18); // Idle, System, Registry and Memory Compression are made by the kernel itself
    expect(verifyIntegrity(sys)).toEqual([]);
    expect(sys.processCount).toBe(19);
  });

  it('shows Windows 10\'s tree: Idle is pid 0, Memory Compression under System, fontdrvhost per session, four svchost groups, dwm under winlogon', () => {
    const idle = sys.queryProcess(0)!;
    expect(idle.imageFileName).toBe('Idle');
    expect(sys.processIds[0]).toBe(0);
    const memc = byName(sys, 'MemCompression');
    expect(memc).toHaveLength(1);
    expect(memc[0]!.parentPid).toBe(4);
    expect(sys.queryMemoryCompression().ProcessId).toBe(memc[0]!.pid);
    const wininit = byName(sys, 'wininit.exe')[0]!;
    const winlogon = byName(sys, 'winlogon.exe')[0]!;
    const services = byName(sys, 'services.exe')[0]!;
    expect(byName(sys, 'fontdrvhost.exe').map((f) => [f.parentPid, f.sessionId])).toEqual([[wininit.pid, 0], [winlogon.pid, 1]]);
    const svchost = byName(sys, 'svchost.exe');
    expect(svchost.map((q) => q.parentPid)).toEqual(svchost.map(() => services.pid));
    const commandLine = (pid: number) => String(describeObject(sys, { kind: 'RTL_USER_PROCESS_PARAMETERS', pid })?.fields.find((f) => f.name === 'CommandLine')?.value ?? '');
    expect(svchost.map((q) => /-k (\w+)/.exec(commandLine(q.pid))?.[1])).toEqual(['DcomLaunch', 'RPCSS', 'LocalServiceNetworkRestricted', 'netsvcs']);
    const dwm = byName(sys, 'dwm.exe');
    expect(dwm.map((q) => [q.parentPid, q.sessionId])).toEqual([[winlogon.pid, 1]]);
    const user = (name: string) => describeObject(sys, { kind: 'TOKEN', pid: byName(sys, name)[0]!.pid })!.fields.find((f) => f.name === 'UserAndGroups')!.value;
    expect(user('dwm.exe')).toContain('S-1-5-90-0-1');
    expect(user('fontdrvhost.exe')).toContain('S-1-5-96-0-0');
    // explorer has no live parent once userinit exits.
    expect(sys.queryProcess(byName(sys, 'explorer.exe')[0]!.parentPid)).toBeUndefined();
  });

  it('without memory compression there is no Memory Compression process', () => {
    const off = createSystem({ memoryCompression: false });
    expect(off.processIds.map((p) => off.queryProcess(p)!.imageFileName)).not.toContain('MemCompression');
    expect(off.processCount).toBe(18);
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
