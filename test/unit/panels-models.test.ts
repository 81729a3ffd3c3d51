// The host logic of the stepping panels in plain Node: the trace index, the fault scenarios, and the
// view models built from real engine steps (a fault's walk before and after, PFN move, working set).
import { describe, expect, it } from 'vitest';
import { createSystem, type System } from '../../src/engine';
import { plainLocalizer, type Localizer } from '../../src/extension/present/localizer';
import { buildAddressQuery, buildFaultView, creationStepView, flowSummary, splitAddress, stageMarks } from '../../src/extension/panels/models';
import { causeFault, LAB_IMAGE } from '../../src/extension/panels/scenarios';
import { TraceIndex } from '../../src/extension/panels/traceIndex';

/** Fills {name} placeholders like vscode.l10n.t does. */
const l10n: Localizer = plainLocalizer;

function booted(): System {
  return createSystem({ physicalMemoryMB: 64, pageFileMB: 64, seed: 7 });
}

describe('TraceIndex', () => {
  it('finds every boot-time CreateProcess with its image and pid, and every fault', () => {
    const system = booted();
    const index = new TraceIndex(system);
    // Every boot process but System (built by PspInitPhase0) came from a CreateProcess; userinit.exe exits after starting explorer.
    expect(index.flows.length).toBeGreaterThanOrEqual(system.processCount - 1);
    for (const f of index.flows) {
      expect(f.image).not.toBe('');
      expect(f.end).toBeGreaterThan(f.start);
    }
    expect(index.flows.map((f) => f.image.toLowerCase())).toContain('c:\\windows\\system32\\userinit.exe');
    const explorer = index.flows.find((f) => f.image.endsWith('explorer.exe'))!;
    expect(explorer).toBeDefined();
    expect(system.queryProcess(explorer.pid!)?.imageFileName.toLowerCase()).toBe('explorer.exe');
    const steps = system.getSteps(explorer.start, explorer.end);
    expect(steps[0]!.stage).toBe('1');
    expect(steps.every((s) => s.stage !== undefined)).toBe(true);
    expect(system.getSteps(explorer.end, explorer.end + 1).every((s) => s.stage !== '3A')).toBe(true);
    expect(index.countFaults('demandZero')).toBeGreaterThan(0);
    expect(index.countFaults('transition')).toBe(0);
  });

  it('extends itself with only the new steps and keeps faults in order', () => {
    const system = booted();
    const index = new TraceIndex(system);
    const before = index.countFaults('all');
    expect(causeFault(system, 'transition')).toHaveProperty('seq');
    index.update();
    expect(index.indexedSteps).toBe(system.stepCount);
    expect(index.flows[index.flows.length - 1]!.image).toBe(LAB_IMAGE);
    expect(index.countFaults('all')).toBeGreaterThan(before);
    const newest = index.latestFault('transition')!;
    expect(system.getSteps(newest, newest + 1)[0]!.code).toBe('fault.transition');
    const older = index.adjacentFault(newest, 'previous', 'all')!;
    expect(older).toBeLessThan(newest);
    expect(index.adjacentFault(older, 'next', 'all')).toBe(newest);
    expect(index.adjacentFault(newest, 'next', 'transition')).toBeUndefined();
    expect(index.faults('all', 0, 3)).toEqual([...index.faults('all', 0, 3)].sort((a, b) => b - a));
  });
});

describe('causeFault', () => {
  it.each([
    ['demandZero', 'fault.demandZero'],
    ['transition', 'fault.transition'],
    ['pageFile', 'fault.pageFile'],
    ['guardPage', 'fault.guardPage'],
    ['accessViolation', 'fault.accessViolation'],
    ['prototype', 'fault.prototype'],
    ['copyOnWrite', 'fault.copyOnWrite'],
  ] as const)('%s makes the engine record %s', (kind, code) => {
    const system = booted();
    const result = causeFault(system, kind);
    expect(result).toHaveProperty('seq');
    const seq = (result as { seq: number }).seq;
    expect(system.getSteps(seq, seq + 1)[0]!.code).toBe(code);
  });

  it('the prototype fault is in the lab\'s own section view; the copy-on-write fault copies into a new private page', () => {
    const system = booted();
    const proto = causeFault(system, 'prototype') as { seq: number };
    const [fault] = system.getSteps(proto.seq, proto.seq + 1);
    const mapped = system.getSteps(0, proto.seq).filter((s) => s.code === 'section.mapView').at(-1)!;
    expect(fault!.args.controlArea).toBe(mapped.args.controlArea);
    expect(fault!.args.va).toBe(mapped.args.base);
    const cow = causeFault(system, 'copyOnWrite') as { seq: number };
    const [copy] = system.getSteps(cow.seq, cow.seq + 1);
    expect(copy!.args.pfn).not.toBe(copy!.args.sharedPfn);
  });
});

describe('fault view model', () => {
  it('a demand-zero fault: PTE not valid before, valid after, page from the zeroed/free list into the working set', () => {
    const system = booted();
    const seq = (causeFault(system, 'demandZero') as { seq: number }).seq;
    const view = buildFaultView(system, seq, l10n)!;
    expect(view.kind).toBe('demandZero');
    expect(view.routine).toBe('MiResolveDemandZeroFault');
    expect(view.callChain.slice(-2)).toEqual(['MmAccessFault', 'MiResolveDemandZeroFault']);
    expect(view.before.physical).toBeNull();
    expect(view.after.levels.map((l) => l.level)).toEqual(['PXE', 'PPE', 'PDE', 'PTE']);
    expect(view.after.levels[3]!.pte.kind).toBe('hardware');
    expect(view.after.physical).not.toBeNull();
    expect(view.translation?.physical).toBe(view.after.physical);
    expect(['zeroed list', 'free list']).toContain(view.pfn!.from);
    expect(view.pfn!.after!.fields.find((f) => f.name === 'u3.e1.PageLocation')!.value).toBe('Active');
    expect(view.workingSet!.after).toBe(view.workingSet!.before + 1);
    expect(view.workingSet!.faultsAfter).toBeGreaterThan(view.workingSet!.faultsBefore);
    expect(view.phases.map((p) => p.id)).toEqual(['trap', 'split', 'walk', 'pte', 'resolve', 'pfn', 'workingSet', 'translation']);
    expect(view.phases[0]!.cursor).toBeLessThan(seq);
    expect(view.phases[view.phases.length - 1]!.cursor).toBe(seq);
    // Each level's self-map address is the engine's.
    const addrs = system.getPagingStructureAddresses(BigInt(view.split.va));
    expect(view.after.levels.map((l) => l.selfMap)).toEqual([addrs.pxe, addrs.ppe, addrs.pde, addrs.pte].map((a) => '0x' + a.toString(16)));
  });

  it('a transition fault starts from a transition PTE and takes the page back from the modified list', () => {
    const system = booted();
    const seq = (causeFault(system, 'transition') as { seq: number }).seq;
    const view = buildFaultView(system, seq, l10n)!;
    expect(view.before.levels[3]!.pte.kind).toBe('transition');
    expect(view.pfn!.from).toBe('modified list');
    expect(view.after.levels[3]!.pte.kind).toBe('hardware');
    expect(view.why).toContain('MiResolveTransitionFault');
  });

  it('a hard fault starts from a paging-file PTE', () => {
    const system = booted();
    const seq = (causeFault(system, 'pageFile') as { seq: number }).seq;
    const view = buildFaultView(system, seq, l10n)!;
    expect(view.before.levels[3]!.pte.kind).toBe('pageFile');
    expect(view.before.levels[3]!.pte.fields.map((f) => f.name)).toContain('PageFileHigh');
    expect(view.after.physical).not.toBeNull();
    expect(view.why).toContain('MiResolvePageFileFault');
  });

  it('guard-page and access-violation faults end in an exception, with no PFN or working-set phase', () => {
    for (const kind of ['guardPage', 'accessViolation'] as const) {
      const system = booted();
      const seq = (causeFault(system, kind) as { seq: number }).seq;
      const view = buildFaultView(system, seq, l10n)!;
      expect(view.exception?.name).toBe(kind === 'guardPage' ? 'STATUS_GUARD_PAGE_VIOLATION' : 'STATUS_ACCESS_VIOLATION');
      expect(view.phases.map((p) => p.id)).toEqual(['trap', 'split', 'walk', 'pte', 'exception']);
      expect(view.pfn).toBeUndefined();
      expect(view.translation).toBeUndefined();
    }
  });

  it('prototype and copy-on-write faults render with their PFN and translation', () => {
    for (const kind of ['prototype', 'copyOnWrite'] as const) {
      const system = booted();
      const result = causeFault(system, kind);
      expect(result, kind).toHaveProperty('seq');
      const view = buildFaultView(system, (result as { seq: number }).seq, l10n)!;
      expect(view.kind).toBe(kind);
      expect(view.explanation).not.toContain(' ran (');
      expect(view.pfn).toBeDefined();
      expect(view.translation?.physical).toBe(view.after.physical);
      expect(view.phases.at(-1)!.id).toBe('translation');
      expect(view.why).toContain(kind === 'prototype' ? 'MiResolveProtoPteFault' : 'MiCopyOnWrite');
      expect(view.why).not.toContain('not reached');
      if (kind === 'copyOnWrite') expect(view.write).toBe(true);
    }
  });

  it('returns undefined for a step that is not a fault', () => {
    const system = booted();
    expect(buildFaultView(system, 0, l10n)).toBeUndefined();
  });
});

describe('CreateProcess view model', () => {
  it('every step of a CreateProcess has a stage title, a call chain from CreateProcessW and an explanation', () => {
    const system = booted();
    const index = new TraceIndex(system);
    const flow = index.latestFlow!;
    const steps = system.getSteps(flow.start, flow.end);
    const marks = stageMarks(steps, l10n);
    expect(marks.map((m) => m.stage)).toEqual(['1', '2', '3A', '3B', '3C', '3D', '3E', '3F', '4', '5', '6', '7']);
    expect(marks.find((m) => m.stage === '1')!.firstIndex).toBe(0);
    expect(marks.filter((m) => m.count > 0).length).toBeGreaterThanOrEqual(5);
    const views = steps.map((s, i) => creationStepView(s, i, l10n, (pid) => system.queryProcess(pid)?.imageFileName));
    for (const v of views) {
      expect(v.stageTitle).toMatch(/^Stage /);
      expect(v.explanation.length).toBeGreaterThan(10);
      expect(v.explanation).not.toMatch(/\{\w+\}/);
      expect(v.callChain[v.callChain.length - 1]).toBe(v.routine);
    }
    const eprocess = views.find((v) => v.code === 'create.allocateProcess')!;
    expect(eprocess.callChain).toEqual(['CreateProcessW', 'CreateProcessInternalW', 'NtCreateUserProcess', 'PspAllocateProcess']);
    expect(eprocess.changes[0]!.ref).toEqual({ type: 'process', pid: flow.pid });
    expect(eprocess.changes[0]!.label).toContain('explorer.exe');
    expect(flowSummary(flow, l10n).label).toContain('explorer.exe');
  });
});

describe('address split and query', () => {
  it('splits a canonical address into 9-bit indices and the offset', () => {
    expect(splitAddress(0x00007FF6_1234_5678n)).toEqual({
      va: '0x7ff612345678', signExtension: '0x0', pxe: 0xFF, ppe: 0x1D8, pde: 0x91, pte: 0x145, offset: 0x678,
    });
    expect(splitAddress(0xFFFFF680_0000_0000n).signExtension).toBe('0xffff');
  });

  it('predicts a soft fault for a trimmed page', () => {
    const system = booted();
    const seq = (causeFault(system, 'transition') as { seq: number }).seq;
    const step = system.getSteps(seq, seq + 1)[0]!;
    system.win32(step.args.pid as number).SetProcessWorkingSetSize(-1n, -1n);
    const q = buildAddressQuery(system, step.args.pid as number, step.args.va as bigint, l10n)!;
    expect(q.walk.levels[3]!.pte.kind).toBe('transition');
    expect(q.prediction).toContain('soft');
    expect(buildAddressQuery(system, 999_999, 0n, l10n)).toBeUndefined();
  });
});

describe('TraceIndex with nested and paused creations', () => {
  it('a console program\'s conhost.exe is a flow of its own; the program\'s last stage-7 steps continue in a flow for its pid', () => {
    const system = booted();
    const index = new TraceIndex(system);
    const cmd = system.createProcess({ imagePath: 'C:\\Windows\\System32\\cmd.exe' }).pid;
    index.update();
    const host = system.processIds.find((p) => system.queryProcess(p)!.parentPid === cmd)!;
    const flows = index.flows.slice(-3);
    expect(flows.map((f) => f.pid)).toEqual([cmd, host, cmd]);
    expect(flows[1]!.image.toLowerCase()).toContain('conhost.exe');
    expect(flows[2]!.image.toLowerCase()).toContain('cmd.exe');
    const tail = system.getSteps(flows[2]!.start, flows[2]!.end);
    expect(tail.some((s) => s.code === 'create.entryPoint' && s.args.pid === cmd)).toBe(true);
    expect(system.getSteps(flows[1]!.start, flows[1]!.end).some((s) => s.code === 'create.entryPoint' && s.args.pid === cmd)).toBe(false);
  });

  it('a debugged process keeps one flow while its debugger waits and continues between the loader\'s steps', () => {
    const system = booted();
    const debuggerPid = system.createProcess({ imagePath: 'C:\\Program Files\\Windows Kits\\10\\Debuggers\\x64\\windbg.exe' }).pid;
    const k = system.win32(debuggerPid);
    const info = { hProcess: 0, hThread: 0, dwProcessId: 0, dwThreadId: 0 };
    k.CreateProcess('C:\\Windows\\System32\\notepad.exe', null, false, 2 /* DEBUG_ONLY_THIS_PROCESS */, null, info);
    for (let i = 0; i < 40; i++) {
      const e: { dwProcessId?: number; dwThreadId?: number } = {};
      if (!k.WaitForDebugEvent(e, 0)) break;
      k.ContinueDebugEvent(e.dwProcessId!, e.dwThreadId!, 0x00010002);
    }
    const index = new TraceIndex(system);
    const flow = index.latestFlow!;
    expect(flow.pid).toBe(info.dwProcessId);
    const steps = system.getSteps(flow.start, flow.end);
    expect(steps[0]!.stage).toBe('1');
    expect(steps.some((s) => s.code === 'debug.wait')).toBe(true);
    expect(steps.some((s) => s.code === 'create.entryPoint')).toBe(true);
    expect(stageMarks(steps, l10n).every((m) => m.count > 0)).toBe(true);
  });
});
