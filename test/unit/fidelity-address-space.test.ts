/**
 * The address space and the dt views told as Windows has them (issue 14, items 3, 12 and 13). Sources, per test:
 * Microsoft Learn ("KUSER_SHARED_DATA structure (ntddk.h)", VirtualQuery / MEMORY_BASIC_INFORMATION,
 * "ZwMapViewOfSection", "How do I keep my driver from running out of kernel-mode stack?"), Windows Internals 7e
 * (ch. 3 stages 3D/3E/4, ch. 4 "Thread internals", ch. 5 "Address space layout", "ASLR", "Virtual address
 * descriptors", "Page frame number database") and the 19041 public symbols (nt!_MMVAD_FLAGS, nt!_MMPFN,
 * nt!_KTHREAD, nt!_KUSER_SHARED_DATA, as the Vergilius Project prints them).
 */
import { describe, expect, it } from 'vitest';
import {
  createSystem, describeObject, FILE_MAP_WRITE, MEM_COMMIT, MEM_PRIVATE, MEM_RESERVE, NtException, PAGE_READONLY, PAGE_READWRITE,
  STATUS_ACCESS_VIOLATION, type System,
} from '../../src/engine';
import { KERNEL_STACK_SIZE } from '../../src/engine/ps/threads';

const machine = (): System => createSystem({ physicalMemoryMB: 64, pageFileMB: 64 });
const pidOf = (sys: System, name: string): number => sys.processIds.find((p) => sys.queryProcess(p)!.imageFileName === name)!;
const field = (sys: System, ref: Parameters<typeof describeObject>[1], name: string): unknown =>
  describeObject(sys, ref)!.fields.find((f) => f.name === name)?.value;

describe('KUSER_SHARED_DATA (Microsoft Learn: fixed user-mode address 0x7FFE0000)', () => {
  it('every user process has it: one committed read-only private page, as VirtualQuery reports on Windows', () => {
    const sys = machine();
    const users = sys.processIds.filter((p) => sys.queryProcess(p)!.peb !== 0n);
    expect(users.length).toBeGreaterThan(5);
    for (const pid of users) {
      const mbi = sys.win32(pid).VirtualQuery(0x7FFE0000n)!;
      expect(mbi).toEqual({
        BaseAddress: 0x7FFE0000n, AllocationBase: 0x7FFE0000n, AllocationProtect: PAGE_READONLY, RegionSize: 0x1000n,
        State: MEM_COMMIT, Protect: PAGE_READONLY, Type: MEM_PRIVATE,
      });
    }
  });

  it('holds the OS version and system root at the documented offsets, and user mode cannot write it', () => {
    const sys = machine();
    const k = sys.win32(pidOf(sys, 'explorer.exe'));
    const bytes = k.ReadMemory(0x7FFE0000n, 0x274);
    const v = new DataView(bytes.buffer, bytes.byteOffset);
    expect(v.getUint16(0x2C, true)).toBe(0x8664); // ImageNumberLow: IMAGE_FILE_MACHINE_AMD64
    expect(v.getUint32(0x26C, true)).toBe(10); // NtMajorVersion
    expect(v.getUint32(0x270, true)).toBe(0); // NtMinorVersion
    expect(String.fromCharCode(...new Uint16Array(bytes.slice(0x30, 0x30 + 20).buffer))).toBe('C:\\Windows'); // NtSystemRoot
    let status = 0;
    try { k.WriteMemory(0x7FFE0000n, new Uint8Array([1])); } catch (e) { status = (e as NtException).status; }
    expect(status).toBe(STATUS_ACCESS_VIOLATION);
  });

  // The lab's model, pinned so it does not drift: no public source names the routine or stage that maps the page
  // (the step text says so); the lab records it in 3D under MmInitializeProcessAddressSpace, before the image view.
  it('is mapped in stage 3D by MmInitializeProcessAddressSpace, before the image view (the lab\'s model)', () => {
    const sys = machine();
    const from = sys.stepCount;
    const { pid } = sys.createProcess({ imagePath: 'C:\\Windows\\System32\\notepad.exe' });
    const all = sys.getSteps(from, sys.stepCount);
    const shared = all.findIndex((s) => s.code === 'create.sharedUserData' && (s.args as { pid: number }).pid === pid);
    const image = all.findIndex((s) => s.code === 'create.mapImage');
    expect(shared).toBeGreaterThanOrEqual(0);
    expect(all[shared]!.routine).toBe('MmInitializeProcessAddressSpace');
    expect(all[shared]!.stage).toBe('3D');
    expect(shared).toBeLessThan(image);
  });
});

describe('PEB and TEBs: page-granular and adjacent (MiCreatePebOrTeb), not 64 KB regions', () => {
  // Page-granular PEB/TEB allocations (MiCreatePebOrTeb) and the x64 TEB's two pages follow the symbols (sizeof _TEB
  // 0x1838); the exact placement, the TEBs in the pages right above the PEB, is the simulation's choice (Windows
  // randomizes where they go), pinned here so the layout does not drift.
  it('the PEB is one page and each 64-bit TEB two pages, the TEBs in the pages right above the PEB (placement: the lab\'s choice)', () => {
    const sys = machine();
    const pid = pidOf(sys, 'explorer.exe');
    const k = sys.win32(pid);
    const info = sys.queryProcess(pid)!;
    const peb = k.VirtualQuery(info.peb)!;
    expect(peb.AllocationBase).toBe(info.peb);
    expect(peb.RegionSize).toBe(0x1000n);
    const h = k.CreateThread(0n, 0x140001000n, 0n, 0);
    expect(h).not.toBe(0);
    const tebs = sys.queryProcess(pid)!.threads.map((t) => t.teb).sort((a, b) => (a < b ? -1 : 1));
    expect(tebs.length).toBe(2);
    expect(tebs[0]).toBe(info.peb + 0x1000n);
    expect(tebs[1]).toBe(info.peb + 0x3000n);
    for (const teb of tebs) {
      const mbi = k.VirtualQuery(teb)!;
      expect(mbi.AllocationBase).toBe(teb);
      expect(mbi.RegionSize).toBe(0x2000n);
      expect(mbi.State).toBe(MEM_COMMIT);
    }
  });
});

describe('mapped data views go bottom-up (first fit), as VirtualAlloc without MEM_TOP_DOWN', () => {
  it('a view with no base asked for lands in the first free 64 KB-aligned range of the bottom-up region', () => {
    const sys = machine();
    const k = sys.win32(pidOf(sys, 'explorer.exe'));
    // What bottom-up VirtualAlloc would pick next is where the view must go.
    const probe = k.VirtualAlloc(0n, 0x10000n, MEM_RESERVE, PAGE_READWRITE);
    expect(k.VirtualFree(probe, 0n, 0x8000)).toBe(true);
    const h = k.CreateFileMapping(-1, PAGE_READWRITE, 0x10000n);
    const view = k.MapViewOfFile(h, FILE_MAP_WRITE, 0n, 0n);
    expect(view).toBe(probe);
    expect(view).toBeLessThan(0x7FF000000000n);
  });
});

describe('dt (issue 14, item 13)', () => {
  it('u.VadFlags.Protection is the 5-bit MM protection the region was allocated with (MM_READWRITE = 4), not PAGE_*', () => {
    const sys = machine();
    const pid = pidOf(sys, 'explorer.exe');
    const k = sys.win32(pid);
    const rw = k.VirtualAlloc(0n, 0x10000n, MEM_RESERVE, PAGE_READWRITE);
    const ro = k.VirtualAlloc(0n, 0x1000n, MEM_RESERVE | MEM_COMMIT, PAGE_READONLY);
    const vads = sys.queryVads(pid);
    expect(vads.find((v) => v.start === rw)!.protection).toBe(4); // a reservation keeps its protection too
    expect(vads.find((v) => v.start === ro)!.protection).toBe(1); // MM_READONLY
    expect(vads.find((v) => v.start === 0x7FFE0000n)!.protection).toBe(1);
    expect(vads.find((v) => v.vadType === 'VadImageMap')!.protection).toBe(7); // MM_EXECUTE_WRITECOPY
  });

  it('PteFrame is never negative (an unsigned 40-bit field); a section page is marked u4.PrototypePte', () => {
    const sys = machine();
    const k = sys.win32(pidOf(sys, 'explorer.exe'));
    const h = k.CreateFileMapping(-1, PAGE_READWRITE, 0x10000n);
    const view = k.MapViewOfFile(h, FILE_MAP_WRITE, 0n, 0n);
    k.WriteMemory(view, new Uint8Array([7]));
    const priv = k.VirtualAlloc(0n, 0x1000n, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
    k.WriteMemory(priv, new Uint8Array([7]));
    const pid = pidOf(sys, 'explorer.exe');
    const shared = sys.queryPfn(sys.walkAddress(pid, view).pfn!);
    const own = sys.queryPfn(sys.walkAddress(pid, priv).pfn!);
    expect(shared.PrototypePte).toBe(true);
    expect(own.PrototypePte).toBe(false);
    expect(own.PteFrame).toBeGreaterThan(0);
    for (let pfn = 0; pfn < sys.physicalPageCount; pfn++) expect(sys.queryPfn(pfn).PteFrame).toBeGreaterThanOrEqual(0);
  });
});

describe('kernel stacks (issue 14, item 3)', () => {
  it('KTHREAD StackBase/StackLimit describe a 24 KB kernel stack in system space; the TEB keeps the user stack', () => {
    const sys = machine();
    const pid = pidOf(sys, 'explorer.exe');
    const t = sys.queryProcess(pid)!.threads[0]!;
    const base = field(sys, { kind: 'KTHREAD', tid: t.tid }, 'StackBase') as bigint;
    const limit = field(sys, { kind: 'KTHREAD', tid: t.tid }, 'StackLimit') as bigint;
    expect(KERNEL_STACK_SIZE).toBe(0x6000);
    expect(base - limit).toBe(0x6000n);
    expect(limit >= 0xFFFF800000000000n).toBe(true);
    const userBase = field(sys, { kind: 'TEB', tid: t.tid }, 'NtTib.StackBase') as bigint;
    expect(userBase < 0x800000000000n).toBe(true);
    // Every live thread, system threads included, has its own.
    const bases = new Set<bigint>();
    for (const p of sys.processIds) for (const th of sys.queryProcess(p)!.threads) bases.add(field(sys, { kind: 'KTHREAD', tid: th.tid }, 'StackBase') as bigint);
    const threads = sys.processIds.reduce((n, p) => n + sys.queryProcess(p)!.threads.length, 0);
    expect(bases.size).toBe(threads);
  });
});

describe('CSRSS holds handles to the Windows processes it serves (Windows Internals 7e ch. 3, stage 5)', () => {
  it('duplicates a handle to the new process and its thread, shows them in CSR_PROCESS/CSR_THREAD, and closes them at exit', () => {
    const sys = machine();
    const explorer = pidOf(sys, 'explorer.exe');
    const csrss = sys.processIds.filter((p) => sys.queryProcess(p)!.imageFileName === 'csrss.exe').find((p) => sys.queryProcess(p)!.sessionId === 1)!;
    const before = sys.queryHandles(csrss).length;
    const { pid, tid } = sys.createProcess({ imagePath: 'C:\\Windows\\System32\\notepad.exe', parentPid: explorer });
    const held = sys.queryHandles(csrss).filter((h) => (h.typeName === 'Process' && h.key === sys.queryProcess(pid)!.pid) || h.typeName === 'Thread');
    expect(sys.queryHandles(csrss).length).toBe(before + 2);
    const processHandle = field(sys, { kind: 'CSR_PROCESS', pid }, 'ProcessHandle');
    const threadHandle = field(sys, { kind: 'CSR_THREAD', tid }, 'ThreadHandle');
    expect(sys.queryHandles(csrss).map((h) => BigInt(h.handle))).toEqual(expect.arrayContaining([processHandle, threadHandle]));
    expect(held.length).toBeGreaterThan(0);
    sys.win32(pid).ExitProcess(0);
    expect(sys.queryHandles(csrss).length).toBe(before);
  });
});
