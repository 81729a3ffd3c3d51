// The Windows subsystem's records of a process (stage 5): CSRSS keeps a CSR_PROCESS and a CSR_THREAD
// for every Windows process; dt-style layouts show them at their simulated addresses in csrss.
import { describe, expect, it } from 'vitest';
import { createSystem, describeObject } from '../../src/engine';

describe('CSR_PROCESS and CSR_THREAD', () => {
  it('exist for a Windows process and point at each other', () => {
    const sys = createSystem({ physicalMemoryMB: 64, pageFileMB: 64 });
    const { pid, tid } = sys.createProcess({ imagePath: 'C:\\Windows\\System32\\notepad.exe' });
    const csrProcess = describeObject(sys, { kind: 'CSR_PROCESS', pid });
    expect(csrProcess?.typeName).toBe('csrss!_CSR_PROCESS');
    expect(csrProcess!.fields.find((f) => f.name === 'ClientId')!.value).toContain(`UniqueProcess=0x${pid.toString(16)}`);
    const threadList = csrProcess!.fields.find((f) => f.name === 'ThreadList')!;
    expect(threadList.ref).toEqual({ kind: 'CSR_THREAD', tid });
    const csrThread = describeObject(sys, { kind: 'CSR_THREAD', tid });
    expect(csrThread?.fields.find((f) => f.name === 'Process')).toMatchObject({ value: csrProcess!.address, ref: { kind: 'CSR_PROCESS', pid } });
    // The step of stage 5 named the same addresses.
    const step = sys.getSteps(0, sys.stepCount).filter((s) => s.code === 'create.csr' && s.args.pid === pid)[0]!;
    expect(step.stage).toBe('5');
    expect(Object.values(step.args)).toContain(csrProcess!.address);
  });

  it('do not exist for a native process (no Windows subsystem)', () => {
    const sys = createSystem({ physicalMemoryMB: 64, pageFileMB: 64 });
    const smss = sys.processIds.map((p) => sys.queryProcess(p)!).find((p) => p.imageFileName.toLowerCase() === 'smss.exe');
    if (smss) expect(describeObject(sys, { kind: 'CSR_PROCESS', pid: smss.pid })).toBeUndefined();
    const system = describeObject(sys, { kind: 'CSR_PROCESS', pid: 4 });
    expect(system).toBeUndefined();
  });
});
