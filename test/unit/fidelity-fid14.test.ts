// Issue 14's leftovers, pinned as the sentences a learner reads: each check names the source the sentence follows,
// and fails if the old, unsourced sentence comes back.
import { describe, expect, it } from 'vitest';
import { createSystem, STEP_SCHEMAS } from '../../src/engine';
import { explainStep, type StepLike } from '../../src/extension/panels/explain';
import { buildFaultView } from '../../src/extension/panels/models';
import { causeFault } from '../../src/extension/panels/scenarios';
import { plainLocalizer } from '../../src/extension/present/localizer';
import { callChain } from '../../src/extension/present/steps/chain';
import { newProcess, stepsDuring } from './helpers/vm';

const l10n = plainLocalizer;

/** A step of `code` with the given args (others filled with plausible values of their type). */
function step(code: keyof typeof STEP_SCHEMAS, args: StepLike['args'] = {}): StepLike {
  const schema = STEP_SCHEMAS[code];
  const all: StepLike['args'] = {};
  for (const [name, type] of schema.args) all[name] = type === 'n' ? 7 : type === 'a' ? 0x7ff612340000n : type === 'b' ? false : type === 'l' ? 'Standby' : 'free';
  return { seq: 1, kind: schema.kind, routine: schema.routine, code, args: { ...all, ...args }, changes: [] };
}

describe('KUSER_SHARED_DATA (Microsoft Learn, "KUSER_SHARED_DATA structure")', () => {
  it('says what the page holds on Windows and labels the lab\'s simplifications; no "ntdll reads the OS version there"', () => {
    const text = explainStep(step('create.sharedUserData', { pid: 8, address: 0x7FFE0000n }), l10n);
    expect(text).toContain('system time');
    expect(text).toContain('tick count');
    expect(text).toContain('The lab\'s model');
    expect(text).not.toMatch(/ntdll reads/);
    expect(text).not.toMatch(/^MmInitializeProcessAddressSpace maps/);
  });
});

describe('MmCreatePeb\'s caller (Windows Internals 7e ch. 3, stage 3E: "NtCreateUserProcess calls MmCreatePeb")', () => {
  it('the step text names NtCreateUserProcess, not PspAllocateProcess', () => {
    const text = explainStep(step('create.peb'), l10n);
    expect(text).toContain('called by NtCreateUserProcess');
    expect(text).not.toContain('PspAllocateProcess');
  });

  it('the ntdll mapping text names no unsourced call path', () => {
    const text = explainStep(step('create.mapSystemDll', { dll: 'C:\\Windows\\System32\\ntdll.dll' }), l10n);
    expect(text).not.toContain('PsMapSystemDlls');
    expect(text).not.toContain('MiMapProcessExecutable');
  });
});

describe('guard pages and stack growth (Learn, "Creating Guard Pages", "Thread Stack Size")', () => {
  it('the fault panel\'s guard-page explanation tells the stack-growth model: one-shot elsewhere, growth at the stack\'s committed bottom, the lowest page never committed', () => {
    const system = createSystem({ physicalMemoryMB: 64, pageFileMB: 64, seed: 7 });
    const seq = (causeFault(system, 'guardPage') as { seq: number }).seq;
    const why = buildFaultView(system, seq, l10n)!.why;
    expect(why).toContain('STATUS_GUARD_PAGE_VIOLATION');
    expect(why).toContain('MiCheckForUserStackOverflow');
    expect(why).toContain('never committed');
    expect(why).toContain('STATUS_STACK_OVERFLOW');
    expect(why).not.toContain('Below a thread');
  });
});

describe('heap corruption (termination on corruption, on for 64-bit processes)', () => {
  it('the failure and the termination are told as Windows does them: STATUS_HEAP_CORRUPTION, the call never returns', () => {
    const failure = explainStep(step('heap.corruption', { call: 'free' }), l10n);
    expect(failure).toContain('RtlpLogHeapFailure');
    expect(failure).not.toContain('the call (free) fails');
    const end = explainStep(step('heap.terminate', { pid: 8, call: 'free' }), l10n);
    expect(end).toContain('STATUS_HEAP_CORRUPTION (0xC0000374)');
    expect(end).toContain('64-bit');
  });
});

describe('segment-heap processes are not told with NT-heap sentences (Windows Internals 7e ch. 5, "Segment heap")', () => {
  it('an svchost heap\'s LFH activation, back-end and large blocks say they are the lab\'s model of the segment heap', () => {
    const sys = createSystem({ boot: false, physicalMemoryMB: 64, seed: 3 });
    const { pid } = sys.createProcess({ imagePath: 'C:\\Windows\\System32\\svchost.exe' });
    const k = sys.win32(pid);
    const heap = k.GetProcessHeap();
    const from = sys.stepCount;
    for (let i = 0; i < 20; i++) k.HeapAlloc(heap, 0, 100n);
    k.HeapAlloc(heap, 0, 0x200000n);
    const steps = sys.getSteps(from, sys.stepCount);
    for (const code of ['heap.lfhActivate', 'heap.backEndAlloc', 'heap.virtualAlloc'] as const) {
      const s = steps.find((x) => x.code === code)!;
      expect(s.args.segmentHeap, code).toBe(true);
      const text = explainStep(s, l10n);
      expect(text, code).toMatch(/segment heap/);
      expect(text, code).toContain('lab\'s model');
    }
    expect(explainStep(steps.find((x) => x.code === 'heap.lfhActivate')!, l10n)).not.toMatch(/^After \d+ back-end allocations/);
  });

  it('an NT heap keeps the NT heap\'s sentences', () => {
    const text = explainStep(step('heap.lfhActivate', { segmentHeap: false, allocations: 17, blockSize: 112 }), l10n);
    expect(text).toMatch(/^After 17 back-end allocations of 112-byte blocks/);
  });
});

describe('the LFH\'s buckets (Windows Internals, "Heap manager", the LFH bucket table)', () => {
  it('128 buckets: 16-byte steps to 1 KB, then 16 buckets per doubling (64, 128, 256, 512 bytes apart) to 16 KB', async () => {
    const { lfhBucket, lfhBucketSize, LFH_BUCKETS } = await import('../../src/engine/heap/lfh');
    expect(LFH_BUCKETS - 1).toBe(128);
    expect(lfhBucket(0x4000)).toBe(128);
    expect([64, 65, 80, 81, 96, 97, 112, 113, 128].map(lfhBucketSize)).toEqual([1024, 1088, 2048, 2176, 4096, 4352, 8192, 8704, 16384]);
    // Every block size gets the smallest bucket that holds it.
    for (let size = 32; size <= 0x4000; size += 16) {
      const b = lfhBucket(size);
      expect(lfhBucketSize(b)).toBeGreaterThanOrEqual(size);
      expect(lfhBucketSize(b - 1)).toBeLessThan(size);
    }
  });
});

describe('thread stacks (Microsoft Learn, "Thread Stack Size": reserve and commit default to the image header)', () => {
  it('commits the image\'s SizeOfStackCommit at the top, with the guard page right below it', async () => {
    const { buildImage, MEM_COMMIT, MEM_RESERVE, PAGE_GUARD } = await import('../../src/engine');
    const { IMAGE_SUBSYSTEM_WINDOWS_CUI, SCN_TEXT } = await import('../../src/engine/io/pe');
    const sys = createSystem({ physicalMemoryMB: 64, pageFileMB: 64 });
    const path = 'C:\\lab\\deepstack.exe';
    sys.psCall({
      call: 'createFile', path, data: buildImage({
        imageBase: 0x140000000n, entryPointRva: 0x1000, subsystem: IMAGE_SUBSYSTEM_WINDOWS_CUI, sizeOfStackCommit: 0x5000n,
        sections: [{ name: '.text', virtualSize: 0x800, characteristics: SCN_TEXT }], imports: ['KERNEL32.dll'],
      }),
    });
    const from = sys.stepCount;
    const { pid, tid } = sys.createProcess({ imagePath: path });
    const k = sys.win32(pid);
    const t = { stackBase: sys.getSteps(from, sys.stepCount).find((x) => x.code === 'create.stack' && x.args.tid === tid)!.args.stackBase as bigint };
    const top = k.VirtualQuery(t.stackBase - 0x5000n)!; // the region from the lowest committed page up to the base
    expect(top).toMatchObject({ State: MEM_COMMIT, RegionSize: 0x5000n });
    const guard = k.VirtualQuery(t.stackBase - 0x6000n)!;
    expect(guard.State).toBe(MEM_COMMIT);
    expect(guard.Protect & PAGE_GUARD).toBe(PAGE_GUARD);
    expect(k.VirtualQuery(t.stackBase - 0x7000n)!.State).toBe(MEM_RESERVE);
    // CreateThread with dwStackSize 0 "uses the default size for the executable" (Learn, CreateThread): the same commit.
    const at = sys.stepCount;
    expect(k.CreateThread(0n, 0x140001000n, 0n, 0)).not.toBe(0);
    const second = sys.getSteps(at, sys.stepCount).find((x) => x.code === 'create.stack')!.args.stackBase as bigint;
    expect(k.VirtualQuery(second - 0x5000n)).toMatchObject({ State: MEM_COMMIT, RegionSize: 0x5000n });
  });
});

// fid14b: the second pass over the review.
describe('section texts follow what Windows does (Learn, CreateFileMapping; 7e ch. 5, "Section objects")', () => {
  it('a SEC_RESERVE pagefile section is not said to charge its whole size; a SEC_COMMIT one is', () => {
    const reserve = explainStep(step('section.create', { file: '', name: '', attributes: 0x04000000 }), l10n);
    expect(reserve).toContain('SEC_RESERVE');
    expect(reserve).toContain('nothing is charged to commit yet');
    expect(reserve).not.toContain('whole size is charged');
    const commit = explainStep(step('section.create', { file: '', name: '', attributes: 0x08000000 }), l10n);
    expect(commit).toContain('whole size is charged to commit now (SEC_COMMIT');
  });
  it('section.delete says a pagefile-backed section goes at its last reference and a mapped file\'s control area when its last page leaves memory', () => {
    // Since fid14c the lab keeps file control areas as cache (section.keepCached; fidelity-fid14c.test.ts).
    const text = explainStep(step('section.delete', { controlArea: 3, freedPages: 2 }), l10n);
    expect(text).toContain('backed by the paging file');
    expect(text).toContain('repurposed or purged');
    expect(text).not.toContain('The lab\'s model does the same for a mapped file');
  });
});

describe('working-set trim counts its outcomes separately', () => {
  it('modified, standby and still-active shared pages each get their own count', () => {
    const text = explainStep(step('ws.trim', { pages: 10, toStandby: 3, toModified: 2 }), l10n);
    expect(text).toContain('2 page(s) went to the modified list, 3 to the standby list, and 5 shared page(s) stayed active');
    expect(text).not.toMatch(/standby list or, shared/);
  });
});

describe('unsourced attributions and orders are labelled', () => {
  it('the page-table fault names no unsourced routine as fact', () => {
    expect(explainStep(step('fault.pageTable'), l10n)).toContain('The lab\'s attribution');
  });
  it('the process-parameters step says the book lists it in 3D (the lab\'s order)', () => {
    const text = explainStep(step('create.processParameters'), l10n);
    expect(text).toContain('The lab\'s order');
    expect(text).toContain('stage 3D');
  });
});

describe('stage 7 call chain (public symbols: ntdll!LdrpInitialize)', () => {
  it('LdrInitializeThunk -> LdrpInitialize -> LdrpInitializeProcess', () => {
    expect(callChain({ stage: '7', kind: 'processCreation', routine: 'LdrpInitializeProcess' })).toEqual(['LdrInitializeThunk', 'LdrpInitialize', 'LdrpInitializeProcess']);
  });
});

describe('ws.trim\'s counts (engine): a shared page still in another working set is not counted as gone to standby', () => {
  it('emptying one of two working sets that share a section page leaves that page active, outside toStandby and toModified', () => {
    const { sys, k, pid } = newProcess();
    const other = sys.createProcess({ imagePath: 'notepad.exe' }).pid;
    const k2 = sys.win32(other);
    const hA = k.CreateFileMapping(-1, 0x04, 0x1000n, 'fid14bShared');
    const a = k.MapViewOfFile(hA, 0x6, 0n, 0x1000n);
    k.WriteMemory(a, new Uint8Array([9]));
    const hB = k2.OpenFileMapping(0x6, false, 'fid14bShared');
    const b = k2.MapViewOfFile(hB, 0x6, 0n, 0x1000n);
    expect(k2.ReadMemory(b, 1)[0]).toBe(9);
    const { steps } = stepsDuring(sys, () => k.SetProcessWorkingSetSize(-1n, -1n));
    const trimArgs = (s: { args: unknown }) => s.args as { pid: number; pages: number; toStandby: number; toModified: number };
    const trim = steps.find((s) => s.code === 'ws.trim' && trimArgs(s).pid === pid)!;
    const { pages, toStandby, toModified } = trimArgs(trim);
    // The view page at least (the image pages both notepads share stay active too); before the fix this was 0.
    expect(pages - toStandby - toModified).toBeGreaterThanOrEqual(1);
    expect(toStandby + toModified).toBeLessThan(pages);
    expect(k2.ReadMemory(b, 1)[0]).toBe(9);
  });
});
