// The words of the stepping panels: every step code the engine records has its own explanation,
// unknown codes fall back to a sentence built from routine + args, and call chains start where the
// learner's code does.
import { describe, expect, it } from 'vitest';
import { STEP_SCHEMAS } from '../../src/engine';
import { address, callChain, changeLabel, explainStep, faultKindOf, hasExplanation, stageTitle, type Localizer, type StepLike } from '../../src/extension/panels/explain';

const l10n: Localizer = { t: (message, args) => message.replace(/\{(\w+)\}/g, (m, k: string) => (k in args ? String(args[k]) : m)) };

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
  /** Codes with a dedicated explanation (every page fault, every minimal-flow CreateProcess step, the main memory services). */
  const EXPLAINED = [
    'fault.demandZero', 'fault.pageTable', 'fault.transition', 'fault.pageFile', 'fault.guardPage', 'fault.accessViolation', 'fault.dirtyBit',
    'fault.prototype', 'fault.copyOnWrite', 'ws.trim', 'vm.reserve', 'vm.commit', 'create.validate', 'create.allocateProcess',
    'create.addressSpace', 'create.peb', 'create.insertProcess', 'create.thread', 'create.start', 'system.boot',
  ];

  it.each(EXPLAINED)('%s has its own explanation', (code) => {
    expect(hasExplanation(code)).toBe(true);
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
    const translated = explainStep(step, { t: (m, a) => (m === '{routine} ran ({code}) with {args}.' ? `已运行 ${String(a.routine)}` : m) });
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
    expect(callChain({ stage: '7', kind: 'processCreation', routine: 'LdrpInitializeProcess' })).toEqual(['LdrInitializeThunk', 'LdrpInitializeProcess']);
  });

  it('a fault inside a stage goes through MmAccessFault; a user fault starts at KiPageFault', () => {
    expect(callChain({ stage: '3E', kind: 'pageFault', routine: 'MiResolveDemandZeroFault' }).slice(-3)).toEqual(['MmCreatePeb', 'MmAccessFault', 'MiResolveDemandZeroFault']);
    expect(callChain({ kind: 'pageFault', routine: 'MiResolveProtoPteFault' })).toEqual(['KiPageFault', 'MmAccessFault', 'MiResolveProtoPteFault']);
    expect(callChain({ kind: 'pageFault', routine: 'MmAccessFault' })).toEqual(['KiPageFault', 'MmAccessFault']);
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
