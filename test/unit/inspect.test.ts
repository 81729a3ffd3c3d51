// The inspection API views and panels use: VADs, working-set entries, page lists, address walks.
import { describe, expect, it } from 'vitest';
import { CLASSIC_PTE_BASE, createSystem, MEM_COMMIT, MEM_RESERVE, PAGE_READWRITE, verifyIntegrity } from '../../src/engine';

function fixture() {
  const sys = createSystem({ boot: false, physicalMemoryMB: 16, pageFileMB: 16, pteBase: CLASSIC_PTE_BASE });
  const { pid } = sys.createProcess({ imagePath: 'C:\\Windows\\System32\\notepad.exe' });
  const k = sys.win32(pid);
  const base = k.VirtualAlloc(0n, 0x3000n, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
  return { sys, pid, k, base };
}

describe('walkAddress', () => {
  it('splits the address into the four 9-bit indices and walks to the physical page', () => {
    const { sys, pid, k, base } = fixture();
    k.WriteMemory(base + 0x10n, new Uint8Array([0xAB]));
    const walk = sys.walkAddress(pid, base + 0x10n);
    expect(walk.indices.offset).toBe(0x10);
    expect(walk.indices.pte).toBe(Number((base >> 12n) & 511n));
    expect(walk.indices.pxe).toBe(Number((base >> 39n) & 511n));
    expect(walk.levels.map((l) => l.level)).toEqual(['PXE', 'PPE', 'PDE', 'PTE']);
    expect(walk.levels.every((l) => l.decoded.kind === 'hardware')).toBe(true);
    expect(walk.levels[3]!.address).toBe(CLASSIC_PTE_BASE + ((base >> 12n) << 3n));
    expect(sys.queryPfn(walk.pfn!).PteAddress).toBe(walk.levels[3]!.address);
    expect(walk.physicalAddress).toBe(BigInt(walk.pfn!) * 4096n + 0x10n);
  });

  it('stops at the first invalid level: a committed, untouched page has a demand-zero PTE or no page table', () => {
    const { sys, pid, k, base } = fixture();
    k.WriteMemory(base, new Uint8Array([1]));
    const walk = sys.walkAddress(pid, base + 0x2000n);
    expect(walk.physicalAddress).toBeNull();
    expect(walk.levels[3]!.decoded.kind).toBe('zero');
    const far = sys.walkAddress(pid, 0x7FF000000000n);
    expect(far.levels.length).toBeLessThan(4);
  });
});

describe('queryVads, queryWorkingSet and listPages', () => {
  it('report the allocation, the resident pages and the lists they move between', () => {
    const { sys, pid, k, base } = fixture();
    const vads = sys.queryVads(pid);
    const vad = vads.find((v) => v.start === base)!;
    expect(vad).toMatchObject({ end: base + 0x2FFFn, vadType: 'VadNone', type: 0x20000, commitCharge: 3, memCommit: true, pageCount: 3 });
    k.WriteMemory(base, new Uint8Array([1]));
    const ws = sys.queryWorkingSet(pid);
    const entry = ws.entries.find((e) => e.va === base)!;
    expect(entry.pfn).toBeGreaterThanOrEqual(0);
    expect(ws.total).toBe(ws.entries.length);
    k.SetProcessWorkingSetSize(-1n, -1n);
    expect(sys.listPages('Modified')).toContain(entry.pfn);
    sys.memoryListCommand('MemoryFlushModifiedList');
    expect(sys.listPages('Standby', 0, Infinity, 5)).toContain(entry.pfn);
    expect(sys.listPages('Modified')).not.toContain(entry.pfn);
    expect(sys.listPages('Zeroed', 0, 3)).toHaveLength(3);
    expect(verifyIntegrity(sys)).toEqual([]);
  });

  it('onDidChange reports the steps each operation recorded', () => {
    const { sys, k } = fixture();
    const seen: Array<[number, number]> = [];
    const sub = sys.onDidChange((e) => seen.push([e.fromSeq, e.toSeq]));
    const before = sys.stepCount;
    k.VirtualAlloc(0n, 0x1000n, MEM_RESERVE, PAGE_READWRITE);
    expect(seen).toEqual([[before, sys.stepCount]]);
    sub.dispose();
    k.VirtualAlloc(0n, 0x1000n, MEM_RESERVE, PAGE_READWRITE);
    expect(seen).toHaveLength(1);
  });
});

describe('querySections, queryPrototypePtes, queryHandles, queryJobs', () => {
  it('show a named section with its prototype PTEs, section object and the views in two processes', () => {
    const sys = createSystem({ boot: false, physicalMemoryMB: 16, pageFileMB: 16 });
    const a = sys.createProcess({ imagePath: 'C:\\Windows\\System32\\notepad.exe' }).pid;
    const b = sys.createProcess({ imagePath: 'C:\\Windows\\System32\\calc.exe' }).pid;
    const ka = sys.win32(a);
    const kb = sys.win32(b);
    const h = ka.CreateFileMapping(-1, PAGE_READWRITE, 0x4000n, 'Local\\Inspect');
    const va = ka.MapViewOfFile(h, 2, 0n, 0n);
    const vb = kb.MapViewOfFile(kb.OpenFileMapping(4, false, 'Local\\Inspect'), 4, 0n, 0n);
    ka.WriteMemory(va + 0x1000n, new Uint8Array([1]));
    kb.ReadMemory(vb + 0x1000n, 1);
    const section = sys.querySections().find((s) => s.sectionObjects.some((o) => o.name?.endsWith('\\Inspect')))!;
    expect(section).toMatchObject({ file: null, image: false, totalPtes: 4, committedPtes: 4, validPages: 1, numberOfMappedViews: 2, commitCharge: 4 });
    expect(section.views.map((v) => v.pid).sort()).toEqual([a, b].sort());
    const protos = sys.queryPrototypePtes(section.controlArea, 0, 10);
    expect(protos).toHaveLength(4);
    expect(protos[1]).toMatchObject({ index: 1, kind: 'hardware', protect: PAGE_READWRITE });
    expect(protos[0]!.kind).toBe('demandZero');
    expect(protos[1]!.address).toBe(section.prototypePteBase + 8n);
    expect(sys.queryPfn(protos[1]!.pfn!).ShareCount).toBe(2);
    // Image sections of the images themselves are listed too, with a file and subsections.
    const image = sys.querySections().find((s) => s.image && s.file?.toLowerCase().endsWith('notepad.exe'));
    expect(image?.subsections.map((s) => s.name)).toContain('.text');
    const handles = sys.queryHandles(a);
    expect(handles.find((x) => x.handle === h)).toMatchObject({ typeName: 'Section', name: expect.stringMatching(/\\Inspect$/) });
    expect(verifyIntegrity(sys)).toEqual([]);
  });

  it('lists jobs with their members', () => {
    const sys = createSystem({ boot: false, physicalMemoryMB: 16, pageFileMB: 16 });
    expect(sys.queryJobs()).toEqual([]);
    const a = sys.createProcess({ imagePath: 'C:\\Windows\\System32\\notepad.exe' }).pid;
    const b = sys.createProcess({ imagePath: 'C:\\Windows\\System32\\calc.exe' }).pid;
    const ka = sys.win32(a);
    const hJob = ka.CreateJobObject(null, 'Local\\InspectJob');
    expect(hJob).not.toBe(0);
    expect(ka.AssignProcessToJobObject(hJob, ka.OpenProcess(0x1FFFFF, false, b))).toBe(true);
    const [job] = sys.queryJobs();
    expect(job).toMatchObject({ processIds: [b], activeProcesses: 1, totalProcesses: 1, name: expect.stringMatching(/InspectJob$/) });
    expect(sys.queryHandles(a).some((x) => x.typeName === 'Job' && x.handle === hJob)).toBe(true);
  });
});

describe('OpenJobObject', () => {
  it('opens a named job from another process; an unknown name fails with ERROR_FILE_NOT_FOUND', () => {
    const sys = createSystem({ boot: false, physicalMemoryMB: 16, pageFileMB: 16 });
    const a = sys.createProcess({ imagePath: 'C:\\Windows\\System32\\notepad.exe' }).pid;
    const b = sys.createProcess({ imagePath: 'C:\\Windows\\System32\\calc.exe' }).pid;
    const ka = sys.win32(a);
    const kb = sys.win32(b);
    expect(ka.CreateJobObject(null, 'Global\\SharedJob')).not.toBe(0);
    const h = kb.OpenJobObject(0x1F001F, false, 'Global\\SharedJob');
    expect(h).not.toBe(0);
    expect(sys.queryHandles(b).find((x) => x.handle === h)).toMatchObject({ typeName: 'Job', grantedAccess: 0x1F001F });
    expect(kb.OpenJobObject(0x1F001F, false, 'Global\\NoSuchJob')).toBe(0);
    expect(kb.GetLastError()).toBe(2);
    expect(sys.queryJobs()[0]).toMatchObject({ priorityClass: 0, name: expect.stringMatching(/SharedJob$/) });
  });
});
