// The words of the stepping panels: every step code the engine records has its own explanation,
// unknown codes fall back to a sentence built from routine + args, and call chains start where the
// learner's code does.
import { describe, expect, it } from 'vitest';
import { STEP_SCHEMAS } from '../../src/engine';
import { address, callChain, changeLabel, explainStep, faultKindOf, hasExplanation, stageTitle, type Localizer, type StepLike } from '../../src/extension/panels/explain';
import { plainLocalizer } from '../../src/extension/present/localizer';

const l10n: Localizer = plainLocalizer;

/** A step of `code` with plausible args of each declared type. */
function sample(code: keyof typeof STEP_SCHEMAS): StepLike {
  const schema = STEP_SCHEMAS[code];
  const args: StepLike['args'] = {};
  for (const [name, type] of schema.args) {
    args[name] = type === 'n' ? 7 : type === 'a' ? 0x7ff612340000n : type === 'b' ? true : type === 'l' ? 'Standby' : 'reserved';
  }
  return { seq: 1, kind: schema.kind, routine: schema.routine, code, args, changes: [] };
}

describe('step explanations', () => {
  it.each(Object.keys(STEP_SCHEMAS))('%s has its own explanation, not the generic sentence', (code) => {
    expect(hasExplanation(code)).toBe(true);
    const text = explainStep(sample(code as keyof typeof STEP_SCHEMAS), l10n);
    expect(text).not.toMatch(/ ran \(/);
  });

  it('every placeholder an explanation needs is an argument the engine records for that code', () => {
    for (const code of Object.keys(STEP_SCHEMAS) as Array<keyof typeof STEP_SCHEMAS>) {
      // With every argument present the text has no hole; with one needed argument missing it falls back.
      const step = sample(code);
      const names = STEP_SCHEMAS[code].args.map(([n]) => n as string);
      for (const name of names) {
        const partial = { ...step, args: { ...step.args } };
        delete partial.args[name];
        const text = explainStep(partial, l10n);
        expect(text, `${code} without ${name}`).not.toMatch(/\{\w+\}/);
      }
    }
  });

  it('variants follow the arguments: copy-on-write views, denied creations, remote threads, nested jobs', () => {
    const view = sample('section.mapView');
    expect(explainStep({ ...view, args: { ...view.args, protect: 0x08 } }, l10n)).toContain('copy-on-write');
    expect(explainStep({ ...view, args: { ...view.args, protect: 0x04 } }, l10n)).not.toContain('copy-on-write');
    const notify = sample('ps.notifyProcess');
    expect(explainStep({ ...notify, args: { ...notify.args, create: true, denied: true } }, l10n)).toContain('refused');
    expect(explainStep({ ...notify, args: { ...notify.args, create: false, denied: false } }, l10n)).toContain('exiting');
    const thread = sample('thread.create');
    expect(explainStep({ ...thread, args: { ...thread.args, pid: 8, creatorPid: 12 } }, l10n)).toContain('CreateRemoteThread');
    expect(explainStep({ ...thread, args: { ...thread.args, pid: 8, creatorPid: 8 } }, l10n)).not.toContain('CreateRemoteThread');
    const assign = sample('job.assign');
    expect(explainStep({ ...assign, args: { ...assign.args, parentJobId: 0 } }, l10n)).not.toContain('nested');
    expect(explainStep({ ...assign, args: { ...assign.args, parentJobId: 3 } }, l10n)).toContain('nested in job 3');
    const ifeo = { ...sample('create.ifeo'), args: { image: 'C:\\Windows\\System32\\notepad.exe', debugger: 'C:\\dbg\\windbg.exe', commandLine: 'C:\\dbg\\windbg.exe notepad.exe' } };
    expect(explainStep(ifeo, l10n)).toContain('Image File Execution Options');
    expect(explainStep(ifeo, l10n)).toContain('Debugger value: C:\\dbg\\windbg.exe');
    const csr = sample('create.csr');
    expect(explainStep({ ...csr, args: { ...csr.args, csrssPid: 0 } }, l10n)).toContain('No Windows subsystem process');
    const term = sample('job.terminate');
    expect(explainStep({ ...term, args: { ...term.args, reason: 'KillOnJobClose', exitStatus: 0 } }, l10n)).toContain('JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE');
    expect(explainStep({ ...sample('thread.exit'), args: { pid: 8, tid: 12, exitStatus: 0xC0000005, lastThread: false } }, l10n)).toContain('0xc0000005');
  });

  // Issue 14, the systematic pass: the sentences a reviewer found false now say what Windows does.
  it('tells what Windows does: guard pages and stack growth, trimmed shared pages, commit, MEM_RESET and its undo, refused creations', () => {
    // Microsoft Learn, "Creating Guard Pages" and "Thread Stack Size"; Windows Internals 7e, ch. 5.
    const guard = explainStep(sample('fault.guardPage'), l10n);
    expect(guard).not.toContain('this is how thread stacks grow');
    expect(guard).toContain('STATUS_GUARD_PAGE_VIOLATION (0x80000001) once');
    // A guard page inside a thread's stack is its own step: the stack grows, or overflows.
    const growth = explainStep(sample('fault.stackGrowth'), l10n);
    expect(growth).toContain('MiCheckForUserStackOverflow');
    expect(growth).toContain('the program sees nothing');
    expect(explainStep(sample('fault.stackOverflow'), l10n)).toContain('STATUS_STACK_OVERFLOW');
    // A shared page's PTE goes back to the prototype PTE (Windows Internals 7e, ch. 5, "Prototype PTEs").
    const trim = explainStep(sample('ws.trim'), l10n);
    expect(trim).toContain('prototype PTE');
    expect(trim).not.toContain('Their PTEs became transition PTEs');
    expect(explainStep(sample('vm.commit'), l10n)).not.toContain('PTEs become demand-zero');
    const reset = sample('vm.reset');
    expect(explainStep({ ...reset, args: { ...reset.args, undo: true } }, l10n)).toContain('MEM_RESET_UNDO');
    expect(explainStep({ ...reset, args: { ...reset.args, undo: false } }, l10n)).not.toContain('MEM_RESET_UNDO');
    const notify = sample('ps.notifyProcess');
    const refused = explainStep({ ...notify, args: { ...notify.args, create: true, denied: true } }, l10n);
    expect(refused).toContain('CreationStatus');
    expect(refused).not.toContain('access denied');
    expect(explainStep(sample('pfn.repurpose'), l10n)).toContain('OriginalPte');
  });

  it.each(Object.keys(STEP_SCHEMAS) as Array<keyof typeof STEP_SCHEMAS>)('%s reads as a sentence with every placeholder filled', (code) => {
    const text = explainStep(sample(code), l10n);
    expect(text).not.toMatch(/\{\w+\}/);
    expect(text.length).toBeGreaterThan(15);
    if (hasExplanation(code)) expect(text).not.toContain(' ran (');
  });

  it('an unknown code falls back to a localized sentence from routine and args', () => {
    const step: StepLike = { seq: 5, kind: 'processCreation', stage: '5', routine: 'CsrClientCallServer', code: 'create.csrss', args: { pid: 1234, va: 0x10000n }, changes: [] };
    const text = explainStep(step, l10n);
    expect(text).toBe('CsrClientCallServer ran (create.csrss) with pid = 1234, va = 0x00000000`00010000.');
    const translated = explainStep(step, { t: (m, ...a) => (m === '{routine} ran ({code}) with {args}.' ? `已运行 ${String((a[0] as Record<string, unknown>).routine)}` : m) });
    expect(translated).toBe('已运行 CsrClientCallServer');
    expect(explainStep({ ...step, args: {} }, l10n)).toBe('CsrClientCallServer ran (create.csrss).');
  });

  it('a known code missing an argument falls back instead of showing a hole', () => {
    const step = sample('fault.transition');
    delete step.args.pfn;
    expect(explainStep(step, l10n)).toMatch(/^MiResolveTransitionFault ran \(fault\.transition\) with /);
  });

  it('access-violation reasons are explained in words', () => {
    expect(explainStep({ ...sample('fault.accessViolation'), args: { pid: 4, va: 0x10000n, write: false, reason: 'reserved' } }, l10n))
      .toContain('the address is reserved but not committed');
  });
});

describe('call chains', () => {
  it('kernel stages go through NtCreateUserProcess, stage 7 runs in the new process', () => {
    expect(callChain({ stage: '3B', kind: 'processCreation', routine: 'MmCreateProcessAddressSpace' }))
      .toEqual(['CreateProcessW', 'CreateProcessInternalW', 'NtCreateUserProcess', 'PspAllocateProcess', 'MmCreateProcessAddressSpace']);
    expect(callChain({ stage: '1', kind: 'processCreation', routine: 'CreateProcessInternalW' })).toEqual(['CreateProcessW', 'CreateProcessInternalW']);
    expect(callChain({ stage: '7', kind: 'processCreation', routine: 'LdrpInitializeProcess' })).toEqual(['LdrInitializeThunk', 'LdrpInitialize', 'LdrpInitializeProcess']);
  });

  it('a fault inside a stage goes through MmAccessFault; a user fault starts at KiPageFault', () => {
    expect(callChain({ stage: '3E', kind: 'pageFault', routine: 'MiResolveDemandZeroFault' }).slice(-4)).toEqual(['NtCreateUserProcess', 'MmCreatePeb', 'MmAccessFault', 'MiResolveDemandZeroFault']);
    expect(callChain({ kind: 'pageFault', routine: 'MiResolveProtoPteFault' })).toEqual(['KiPageFault', 'MmAccessFault', 'MiResolveProtoPteFault']);
    expect(callChain({ kind: 'pageFault', routine: 'MmAccessFault' })).toEqual(['KiPageFault', 'MmAccessFault']);
  });

  it('every stage of the full flow has a chain that ends in the step routine, without repeating a routine', () => {
    for (const [code, schema] of Object.entries(STEP_SCHEMAS)) {
      if (schema.kind !== 'processCreation') continue;
      for (const stage of ['1', '2', '3A', '3B', '3C', '3D', '3E', '3F', '4', '5', '6', '7']) {
        const chain = callChain({ stage, kind: schema.kind, routine: schema.routine });
        expect(chain.at(-1), `${code} in stage ${stage}`).toBe(schema.routine);
        expect(new Set(chain).size, `${code} in stage ${stage}: ${chain.join(' > ')}`).toBe(chain.length);
      }
    }
  });

  it('routines the stage chain already names end it there; other entry points start their own chain', () => {
    expect(callChain({ stage: '2', kind: 'processCreation', routine: 'CreateProcessInternalW' })).toEqual(['CreateProcessW', 'CreateProcessInternalW']);
    expect(callChain({ stage: '2', kind: 'processCreation', routine: 'NtCreateUserProcess' })).toEqual(['CreateProcessW', 'CreateProcessInternalW', 'NtCreateUserProcess']);
    expect(callChain({ stage: '1', kind: 'processCreation', routine: 'ShellExecuteExW' })).toEqual(['ShellExecuteExW']);
    expect(callChain({ stage: '1', kind: 'processCreation', routine: 'CreateProcessAsUserW' })).toEqual(['CreateProcessAsUserW']);
    expect(callChain({ stage: '4', kind: 'process', routine: 'PspCallProcessNotifyRoutines' }))
      .toEqual(['CreateProcessW', 'CreateProcessInternalW', 'NtCreateUserProcess', 'PspInsertThread', 'PspCallProcessNotifyRoutines']);
    expect(callChain({ stage: '4', kind: 'processCreation', routine: 'MmCreateTeb' }).slice(-2)).toEqual(['PspAllocateThread', 'MmCreateTeb']);
    expect(callChain({ stage: '7', kind: 'processCreation', routine: 'LdrInitializeThunk' })).toEqual(['LdrInitializeThunk']);
    expect(callChain({ stage: '7', kind: 'processCreation', routine: 'RtlCreateHeap' })).toEqual(['LdrInitializeThunk', 'LdrpInitialize', 'LdrpInitializeProcess', 'RtlCreateHeap']);
    expect(callChain({ stage: '7', kind: 'processCreation', routine: 'W32pProcessCallout' })).toEqual(['PsConvertToGuiThread', 'W32pProcessCallout']);
  });

  it('chains checked against the public symbols (issue 14 item 9)', () => {
    // Windows Internals 7e ch. 3, stage 3E: "NtCreateUserProcess calls MmCreatePeb" (not PspAllocateProcess).
    expect(callChain({ stage: '3E', kind: 'processCreation', routine: 'MmCreatePeb' })).toEqual(['CreateProcessW', 'CreateProcessInternalW', 'NtCreateUserProcess', 'MmCreatePeb']);
    // The process parameters are written while PspAllocateProcess concludes the address space; not under MmCreatePeb.
    expect(callChain({ stage: '3E', kind: 'processCreation', routine: 'PspSetupUserProcessAddressSpace' }).slice(-3)).toEqual(['NtCreateUserProcess', 'PspAllocateProcess', 'PspSetupUserProcessAddressSpace']);
    // ntdll is mapped by the kernel in 3D; the book names no caller of PspMapSystemDll, so no unsourced routine sits between.
    expect(callChain({ stage: '3D', kind: 'processCreation', routine: 'PspMapSystemDll' }).slice(-3)).toEqual(['NtCreateUserProcess', 'PspAllocateProcess', 'PspMapSystemDll']);
    // The loader maps DLLs through the system service, from user mode.
    expect(callChain({ stage: '7', kind: 'virtualMemory', routine: 'MiMapViewOfSection' })).toEqual(['LdrInitializeThunk', 'LdrpInitialize', 'LdrpInitializeProcess', 'NtMapViewOfSection', 'MiMapViewOfSection']);
    expect(callChain({ stage: '7', kind: 'processCreation', routine: 'BaseThreadInitThunk' })).toEqual(['RtlUserThreadStart', 'BaseThreadInitThunk']);
    expect(callChain({ stage: '6', kind: 'processCreation', routine: 'NtResumeThread' })).toEqual(['CreateProcessW', 'CreateProcessInternalW', 'NtResumeThread']);
    // The system's own processes: RtlCreateUserProcess, not under CreateProcessW.
    expect(callChain({ stage: '1', kind: 'processCreation', routine: 'RtlCreateUserProcess' })).toEqual(['RtlCreateUserProcess']);
    // ... and the later stages of such a creation start there too, not at CreateProcessW.
    expect(callChain({ stage: '3A', kind: 'processCreation', routine: 'PspAllocateProcess' }, 'RtlCreateUserProcess')).toEqual(['RtlCreateUserProcess', 'NtCreateUserProcess', 'PspAllocateProcess']);
    expect(callChain({ stage: '6', kind: 'processCreation', routine: 'NtResumeThread' }, 'RtlCreateUserProcess')).toEqual(['NtResumeThread']);
    expect(callChain({ stage: '3A', kind: 'processCreation', routine: 'PspAllocateProcess' }, 'CreateProcessInternalW')[0]).toBe('CreateProcessW');
  });
});

describe('labels', () => {
  it('stage titles name every stage and tolerate new ones', () => {
    expect(stageTitle('3A', l10n)).toBe('Stage 3A · Create the EPROCESS object');
    expect(stageTitle('8', l10n)).toBe('Stage 8');
  });

  it('change labels name the object and the process', () => {
    expect(changeLabel({ type: 'process', pid: 4 }, l10n, () => 'System')).toBe('Process 4 (System): EPROCESS');
    expect(changeLabel({ type: 'pte', pid: 4, va: 0x10000n }, l10n)).toBe('PTE of 0x00000000`00010000 in process 4');
    expect(changeLabel({ type: 'pageList', id: 4 }, l10n)).toBe('Page list: standby list, priority 2');
    expect(changeLabel({ type: 'job', id: 2 }, l10n)).toBe('Job 2');
    expect(changeLabel({ type: 'file', id: 9 }, l10n)).toBe('File 9');
  });

  it('fault kinds come from the step code, including the ones still to come', () => {
    expect(faultKindOf('fault.demandZero')).toBe('demandZero');
    expect(faultKindOf('fault.prototype')).toBe('prototype');
    expect(faultKindOf('fault.copyOnWrite')).toBe('copyOnWrite');
    expect(faultKindOf('fault.somethingNew')).toBe('other');
    expect(faultKindOf('ws.trim')).toBe('other');
    expect(address(0xFFFFF68000000000n)).toBe('0xfffff680`00000000');
  });
});
