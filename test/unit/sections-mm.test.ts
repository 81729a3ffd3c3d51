// Sections at the memory-manager level: control areas, prototype PTEs, shared pages across processes,
// copy-on-write, mapped files read and written back, image sections with per-section protections.
import { describe, expect, it } from 'vitest';
import {
  createSystem, FILE_MAP_COPY, FILE_MAP_READ, FILE_MAP_WRITE, MEM_COMMIT, MEM_IMAGE, MEM_MAPPED, NtException,
  PAGE_EXECUTE_READ, PAGE_READONLY, PAGE_READWRITE, PAGE_WRITECOPY, SEC_IMAGE, SEC_RESERVE, STATUS_ACCESS_VIOLATION,
  verifyIntegrity, MEM_RESERVE, ERROR_BAD_EXE_FORMAT, ERROR_MAPPED_ALIGNMENT, ERROR_ACCESS_DENIED,
} from '../../src/engine';
import { createSection, dereferenceSection, mapView, unmapView, flushView } from '../../src/engine/mm/sectionApi';
import { LastError } from '../../src/engine/errors';
import { machineOf } from '../../src/engine/testing';

function machine() {
  const sys = createSystem({ boot: false, physicalMemoryMB: 16, pageFileMB: 32 });
  const a = sys.createProcess({ imagePath: 'C:\\Windows\\System32\\notepad.exe' }).pid;
  const b = sys.createProcess({ imagePath: 'C:\\Windows\\System32\\calc.exe' }).pid;
  const { mm, processes } = machineOf(sys);
  // These tests drive the memory manager directly, outside the operation log: the machine stops being replayable.
  machineOf(sys).detachFromReplay();
  const proc = (pid: number) => processes.find((p) => p?.pid === pid)!;
  let nextId = 1;
  const section = (flProtect: number, size: bigint, path?: string, writable = true) =>
    createSection(mm, proc(a), { file: path ? machineOf(sys).fileSystem.getFile(path)! : null, fileWritable: writable, flProtect, maximumSize: size, name: null }, nextId++);
  return { sys, mm, a, b, proc, section, ka: sys.win32(a), kb: sys.win32(b) };
}

const failsWith = (code: number, fn: () => unknown) => {
  try { fn(); } catch (e) { expect(e).toBeInstanceOf(LastError); expect((e as LastError).code).toBe(code); return; }
  throw new Error('expected a failure');
};

describe('pagefile-backed sections shared by two processes', () => {
  it('a page written in one view is the same physical page in the other (no copy), share count 2', () => {
    const { sys, mm, a, b, proc, section, ka, kb } = machine();
    const from = sys.stepCount;
    const s = section(PAGE_READWRITE, 0x20000n);
    const va = mapView(mm, proc(a), s, FILE_MAP_WRITE, 0n, 0n, 0n);
    const vb = mapView(mm, proc(b), s, FILE_MAP_WRITE, 0n, 0n, 0n);
    ka.WriteMemory(va + 0x10n, new Uint8Array([1, 2, 3]));
    expect(kb.ReadMemory(vb + 0x10n, 3)).toEqual(new Uint8Array([1, 2, 3]));
    const pa = sys.walkAddress(a, va).pfn!;
    const pb = sys.walkAddress(b, vb).pfn!;
    expect(pb).toBe(pa);
    expect(sys.queryPfn(pa).ShareCount).toBe(2);
    expect(sys.queryPfn(pa).PteAddress >> 40n).toBe(0xFFFFC0n);
    // Steps of this test only (process creation itself faults image pages in through prototype PTEs).
    const steps = sys.getSteps(from, sys.stepCount).filter((st) => st.routine === 'MiResolveProtoPteFault');
    expect(steps.map((st) => st.args.from)).toEqual(['Zeroed', 'Active']);
    kb.WriteMemory(vb + 0x11n, new Uint8Array([9]));
    expect(ka.ReadMemory(va + 0x10n, 3)).toEqual(new Uint8Array([1, 9, 3]));
    expect(ka.VirtualQuery(va)).toMatchObject({ Type: MEM_MAPPED, State: MEM_COMMIT, Protect: PAGE_READWRITE, AllocationBase: va, AllocationProtect: PAGE_READWRITE });
    expect(verifyIntegrity(sys)).toEqual([]);
  });

  it('shared pages survive trimming, the modified page writer and repurposing, in both views', () => {
    const { sys, mm, a, b, proc, section, ka, kb } = machine();
    const s = section(PAGE_READWRITE, 0x40000n);
    const va = mapView(mm, proc(a), s, FILE_MAP_WRITE, 0n, 0n, 0n);
    const vb = mapView(mm, proc(b), s, FILE_MAP_READ, 0n, 0n, 0n);
    for (let i = 0n; i < 64n; i++) ka.WriteMemory(va + i * 0x1000n, new Uint8Array([Number(i) + 1]));
    for (let i = 0n; i < 64n; i += 2n) kb.ReadMemory(vb + i * 0x1000n, 1);
    ka.SetProcessWorkingSetSize(-1n, -1n);
    kb.SetProcessWorkingSetSize(-1n, -1n);
    expect(verifyIntegrity(sys)).toEqual([]);
    // Trimmed shared pages: the process PTE points at the prototype PTE again.
    expect(sys.decodePte(a, va).kind).toBe('prototype');
    sys.memoryListCommand('MemoryFlushModifiedList');
    sys.memoryListCommand('MemoryPurgeStandbyList');
    expect(verifyIntegrity(sys)).toEqual([]);
    for (let i = 0n; i < 64n; i++) expect(kb.ReadMemory(vb + i * 0x1000n, 1)[0]).toBe(Number(i) + 1);
    expect(sys.getSteps(0, sys.stepCount).some((st) => st.routine === 'MiResolveProtoPteFault' && st.args.from !== 'Active')).toBe(true);
    expect(verifyIntegrity(sys)).toEqual([]);
  });

  it('a read-only view cannot be written', () => {
    const { mm, b, proc, section, kb } = machine();
    const s = section(PAGE_READWRITE, 0x10000n);
    const vb = mapView(mm, proc(b), s, FILE_MAP_READ, 0n, 0n, 0n);
    expect(() => kb.WriteMemory(vb, new Uint8Array([1]))).toThrow(NtException);
    try { kb.WriteMemory(vb, new Uint8Array([1])); } catch (e) { expect((e as NtException).status).toBe(STATUS_ACCESS_VIOLATION); }
    expect(kb.VirtualQuery(vb)?.Protect).toBe(PAGE_READONLY);
  });

  it('views outlive the section object; the last unmap deletes the control area and frees its pages', () => {
    const { sys, mm, a, proc, section, ka } = machine();
    const before = sys.querySystemMemoryListInformation();
    const commitBefore = sys.queryCommit().CommitTotal;
    const s = section(PAGE_READWRITE, 0x10000n);
    expect(sys.queryCommit().CommitTotal).toBe(commitBefore + 16);
    const va = mapView(mm, proc(a), s, FILE_MAP_WRITE, 0n, 0n, 0n);
    dereferenceSection(mm, s);
    ka.WriteMemory(va + 0x3000n, new Uint8Array([5]));
    expect(ka.ReadMemory(va + 0x3000n, 1)[0]).toBe(5);
    unmapView(mm, proc(a), va + 0x3123n); // any address inside the view
    expect(mm.sectionRegistry.controlAreas.has(s.controlArea.id)).toBe(false); // (the processes' image control areas remain)
    expect(sys.queryCommit().CommitTotal).toBe(commitBefore);
    expect(sys.getSteps(0, sys.stepCount).some((st) => st.routine === 'MiSegmentDelete')).toBe(true);
    const after = sys.querySystemMemoryListInformation();
    expect(after.ZeroPageCount + after.FreePageCount).toBeGreaterThanOrEqual(before.ZeroPageCount + before.FreePageCount - 4);
    expect(ka.VirtualQuery(va)?.State).toBe(0x10000);
    expect(verifyIntegrity(sys)).toEqual([]);
  });

  it('SEC_RESERVE: pages committed through one view are visible in every view', () => {
    const { sys, mm, a, b, proc, section, ka, kb } = machine();
    const s = section(PAGE_READWRITE | SEC_RESERVE, 0x40000n);
    const va = mapView(mm, proc(a), s, FILE_MAP_WRITE, 0n, 0n, 0n);
    const vb = mapView(mm, proc(b), s, FILE_MAP_WRITE, 0n, 0n, 0n);
    expect(ka.VirtualQuery(va)?.State).toBe(MEM_RESERVE);
    expect(() => ka.WriteMemory(va, new Uint8Array([1]))).toThrow(NtException);
    expect(ka.VirtualAlloc(va + 0x2000n, 0x2000n, MEM_COMMIT, PAGE_READWRITE)).toBe(va + 0x2000n);
    expect(kb.VirtualQuery(vb + 0x2000n)).toMatchObject({ State: MEM_COMMIT, RegionSize: 0x2000n });
    kb.WriteMemory(vb + 0x3000n, new Uint8Array([7]));
    expect(ka.ReadMemory(va + 0x3000n, 1)[0]).toBe(7);
    expect(verifyIntegrity(sys)).toEqual([]);
  });
});

describe('copy-on-write views', () => {
  it('the first write gives the process its own page; the other view keeps the original bytes', () => {
    const { sys, mm, a, b, proc, section, ka, kb } = machine();
    const s = section(PAGE_READWRITE, 0x10000n);
    const va = mapView(mm, proc(a), s, FILE_MAP_WRITE, 0n, 0n, 0n);
    const vb = mapView(mm, proc(b), s, FILE_MAP_COPY, 0n, 0n, 0n);
    ka.WriteMemory(va, new Uint8Array([0x11]));
    expect(kb.ReadMemory(vb, 1)[0]).toBe(0x11);
    expect(kb.VirtualQuery(vb)?.Protect).toBe(PAGE_WRITECOPY);
    const beforeWrite = sys.stepCount;
    kb.WriteMemory(vb, new Uint8Array([0x22]));
    expect(kb.ReadMemory(vb, 1)[0]).toBe(0x22);
    expect(ka.ReadMemory(va, 1)[0]).toBe(0x11);
    expect(kb.VirtualQuery(vb)).toMatchObject({ Protect: PAGE_READWRITE, RegionSize: 0x1000n });
    expect(kb.VirtualQuery(vb + 0x1000n)?.Protect).toBe(PAGE_WRITECOPY);
    // (Process creation copies ntdll's .data page on write too, for PebLdr: count from this write on.)
    expect(sys.getSteps(beforeWrite, sys.stepCount).filter((st) => st.routine === 'MiCopyOnWrite')).toHaveLength(1);
    expect(sys.walkAddress(b, vb).pfn).not.toBe(sys.walkAddress(a, va).pfn);
    // Through paging too: the private copy goes to the paging file and comes back.
    kb.SetProcessWorkingSetSize(-1n, -1n);
    ka.SetProcessWorkingSetSize(-1n, -1n);
    sys.memoryListCommand('MemoryFlushModifiedList');
    sys.memoryListCommand('MemoryPurgeStandbyList');
    expect(kb.ReadMemory(vb, 1)[0]).toBe(0x22);
    expect(ka.ReadMemory(va, 1)[0]).toBe(0x11);
    expect(verifyIntegrity(sys)).toEqual([]);
  });
});

describe('file-backed sections', () => {
  it('pages are read from the file, and dirty pages go back to it through the mapped page writer', () => {
    const { sys, mm, a, proc, section, ka } = machine();
    const path = 'C:\\Windows\\win.ini';
    const original = machineOf(sys).fileSystem.getFile(path)!.data.slice();
    const s = section(PAGE_READWRITE, 0n, path);
    const va = mapView(mm, proc(a), s, FILE_MAP_WRITE, 0n, 0n, 0n);
    expect(ka.ReadMemory(va, 8)).toEqual(original.slice(0, 8));
    expect(sys.getSteps(0, sys.stepCount).some((st) => st.routine === 'IoPageRead')).toBe(true);
    ka.WriteMemory(va, new TextEncoder().encode('[NTLAB]'));
    flushView(mm, proc(a), va);
    expect(new TextDecoder().decode(machineOf(sys).fileSystem.getFile(path)!.data.slice(0, 7))).toBe('[NTLAB]');
    expect(machineOf(sys).fileSystem.getFile(path)!.data.length).toBe(original.length);
    expect(sys.getSteps(0, sys.stepCount).some((st) => st.routine === 'MiMappedPageWriter' && st.args.pages === 1)).toBe(true);
    // Unmapped, purged, mapped again: the bytes come from the file.
    unmapView(mm, proc(a), va);
    dereferenceSection(mm, s);
    sys.memoryListCommand('MemoryPurgeStandbyList');
    const s2 = section(PAGE_READONLY, 0n, path, false);
    const v2 = mapView(mm, proc(a), s2, FILE_MAP_READ, 0n, 0n, 0n);
    expect(new TextDecoder().decode(ka.ReadMemory(v2, 7))).toBe('[NTLAB]');
    expect(verifyIntegrity(sys)).toEqual([]);
  });

  it('validates the way Windows does', () => {
    const { mm, a, proc, section } = machine();
    failsWith(ERROR_ACCESS_DENIED, () => section(PAGE_READWRITE, 0n, 'C:\\Windows\\win.ini', false));
    const s = section(PAGE_READONLY, 0n, 'C:\\Windows\\win.ini', false);
    failsWith(ERROR_ACCESS_DENIED, () => mapView(mm, proc(a), s, FILE_MAP_WRITE, 0n, 0n, 0n));
    failsWith(ERROR_MAPPED_ALIGNMENT, () => mapView(mm, proc(a), s, FILE_MAP_READ, 0x1000n, 0n, 0n));
    failsWith(ERROR_BAD_EXE_FORMAT, () => section(PAGE_READONLY | SEC_IMAGE, 0n, 'C:\\Windows\\win.ini', false));
  });
});

describe('image sections', () => {
  it('map at the image base with per-section protections and copy-on-write data', () => {
    const { sys, mm, a, b, proc, section, ka, kb } = machine();
    const s = section(PAGE_READONLY | SEC_IMAGE, 0n, 'C:\\Windows\\System32\\notepad.exe', false);
    const va = mapView(mm, proc(a), s, FILE_MAP_READ, 0n, 0n, 0n);
    const vb = mapView(mm, proc(b), s, FILE_MAP_READ, 0n, 0n, 0n);
    const mz = ka.ReadMemory(va, 2);
    expect(String.fromCharCode(mz[0]!, mz[1]!)).toBe('MZ');
    expect(ka.VirtualQuery(va)).toMatchObject({ Type: MEM_IMAGE, Protect: PAGE_READONLY, AllocationBase: va });
    const regions: number[] = [];
    for (let q = ka.VirtualQuery(va); q && q.AllocationBase === va; q = ka.VirtualQuery(q.BaseAddress + q.RegionSize)) regions.push(q.Protect);
    expect(regions).toContain(PAGE_EXECUTE_READ);
    expect(regions).toContain(PAGE_WRITECOPY);
    // Writing .data gives a private copy; the other process still sees the file's bytes.
    let dataVa = va;
    for (let q = ka.VirtualQuery(va); q && q.AllocationBase === va; q = ka.VirtualQuery(q.BaseAddress + q.RegionSize)) if (q.Protect === PAGE_WRITECOPY) { dataVa = q.BaseAddress; break; }
    const before = kb.ReadMemory(vb + (dataVa - va), 1)[0];
    ka.WriteMemory(dataVa, new Uint8Array([0xCC]));
    expect(kb.ReadMemory(vb + (dataVa - va), 1)[0]).toBe(before);
    expect(ka.VirtualQuery(dataVa)?.Protect).toBe(PAGE_READWRITE);
    expect(() => ka.WriteMemory(va, new Uint8Array([0]))).toThrow(NtException);
    expect(verifyIntegrity(sys)).toEqual([]);
  });
});
