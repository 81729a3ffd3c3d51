// CreateFileMapping / OpenFileMapping / MapViewOfFile / UnmapViewOfFile / FlushViewOfFile and
// Read/WriteProcessMemory through the Win32 API, as Microsoft documents them.
import { describe, expect, it } from 'vitest';
import {
  createSystem, CREATE_ALWAYS, ERROR_ACCESS_DENIED, ERROR_ALREADY_EXISTS, ERROR_BAD_EXE_FORMAT, ERROR_FILE_INVALID,
  ERROR_FILE_NOT_FOUND, ERROR_INVALID_ADDRESS, ERROR_INVALID_HANDLE, ERROR_INVALID_PARAMETER, ERROR_MAPPED_ALIGNMENT,
  FILE_MAP_ALL_ACCESS, FILE_MAP_COPY, FILE_MAP_READ, FILE_MAP_WRITE, GENERIC_READ, GENERIC_WRITE, INVALID_HANDLE_VALUE,
  MEM_COMMIT, MEM_IMAGE, MEM_MAPPED, MEM_RESERVE, OPEN_EXISTING, PAGE_EXECUTE_READ, PAGE_READONLY, PAGE_READWRITE,
  PAGE_WRITECOPY, PROCESS_VM_OPERATION, PROCESS_VM_READ, PROCESS_VM_WRITE, SEC_COMMIT, SEC_IMAGE, SEC_RESERVE,
  verifyIntegrity, ERROR_NOACCESS, ERROR_PARTIAL_COPY,
} from '../../src/engine';
import { machineOf } from '../../src/engine/testing';

function machine() {
  const sys = createSystem({ boot: false, physicalMemoryMB: 32, pageFileMB: 64 });
  const a = sys.createProcess({ imagePath: 'C:\\Windows\\System32\\notepad.exe' }).pid;
  const b = sys.createProcess({ imagePath: 'C:\\Windows\\System32\\calc.exe' }).pid;
  return { sys, a, b, ka: sys.win32(a), kb: sys.win32(b) };
}

describe('CreateFileMapping and named objects', () => {
  it('a named pagefile-backed section is shared by name; creating it again opens it with ERROR_ALREADY_EXISTS', () => {
    const { sys, ka, kb } = machine();
    const h1 = ka.CreateFileMapping(INVALID_HANDLE_VALUE, PAGE_READWRITE, 0x10000n, 'Local\\NtLabShared');
    expect(h1).not.toBe(0);
    expect(ka.GetLastError()).toBe(0);
    const h2 = kb.CreateFileMapping(INVALID_HANDLE_VALUE, PAGE_READWRITE, 0x20000n, 'Local\\NtLabShared');
    expect(h2).not.toBe(0);
    expect(kb.GetLastError()).toBe(ERROR_ALREADY_EXISTS);
    const va = ka.MapViewOfFile(h1, FILE_MAP_ALL_ACCESS, 0n, 0n);
    const vb = kb.MapViewOfFile(h2, FILE_MAP_WRITE, 0n, 0n);
    // The existing section keeps its own size (64 KB), not the one asked for the second time.
    expect(kb.VirtualQuery(vb)?.RegionSize).toBe(0x10000n);
    ka.WriteMemory(va + 100n, new Uint8Array([42]));
    expect(kb.ReadMemory(vb + 100n, 1)[0]).toBe(42);
    const h3 = kb.OpenFileMapping(FILE_MAP_READ, false, 'NtLabShared');
    expect(h3).not.toBe(0);
    expect(kb.OpenFileMapping(FILE_MAP_READ, false, 'NoSuchMapping')).toBe(0);
    expect(kb.GetLastError()).toBe(ERROR_FILE_NOT_FOUND);
    expect(verifyIntegrity(sys)).toEqual([]);
  });

  it('rejects bad arguments with the documented errors and leaves nothing behind', () => {
    const { sys, ka } = machine();
    const sections = () => machineOf(sys).mm.sectionRegistry.controlAreas.size;
    const before = sections();
    expect(ka.CreateFileMapping(INVALID_HANDLE_VALUE, PAGE_READWRITE, 0n)).toBe(0);
    expect(ka.GetLastError()).toBe(ERROR_INVALID_PARAMETER);
    expect(ka.CreateFileMapping(INVALID_HANDLE_VALUE, PAGE_READWRITE | SEC_COMMIT | SEC_RESERVE, 0x1000n)).toBe(0);
    expect(ka.GetLastError()).toBe(ERROR_INVALID_PARAMETER);
    expect(ka.CreateFileMapping(INVALID_HANDLE_VALUE, 0x1234, 0x1000n)).toBe(0);
    expect(ka.GetLastError()).toBe(ERROR_INVALID_PARAMETER);
    expect(ka.CreateFileMapping(12345, PAGE_READONLY, 0n)).toBe(0);
    expect(ka.GetLastError()).toBe(ERROR_INVALID_HANDLE);
    expect(sections()).toBe(before);
    const h = ka.CreateFileMapping(INVALID_HANDLE_VALUE, PAGE_READWRITE, 0x20000n);
    expect(ka.MapViewOfFile(h, FILE_MAP_READ, 0x1000n, 0n)).toBe(0n);
    expect(ka.GetLastError()).toBe(ERROR_MAPPED_ALIGNMENT);
    expect(ka.MapViewOfFile(h, FILE_MAP_READ, 0x10000n, 0x20000n)).toBe(0n);
    expect(ka.GetLastError()).toBe(ERROR_ACCESS_DENIED);
    expect(ka.UnmapViewOfFile(0x12340000n)).toBe(false);
    expect(ka.GetLastError()).toBe(ERROR_INVALID_ADDRESS);
    expect(ka.CloseHandle(h)).toBe(true);
    expect(ka.CloseHandle(h)).toBe(false);
    expect(ka.GetLastError()).toBe(ERROR_INVALID_HANDLE);
    expect(verifyIntegrity(sys)).toEqual([]);
  });
});

describe('views', () => {
  it('outlive the section handle; unmapping by an interior address releases everything', () => {
    const { sys, ka } = machine();
    const commit0 = sys.queryCommit().CommitTotal;
    const areas0 = machineOf(sys).mm.sectionRegistry.controlAreas.size;
    const h = ka.CreateFileMapping(INVALID_HANDLE_VALUE, PAGE_READWRITE, 0x40000n);
    const va = ka.MapViewOfFile(h, FILE_MAP_WRITE, 0n, 0n);
    expect(ka.CloseHandle(h)).toBe(true);
    ka.WriteMemory(va + 0x5000n, new Uint8Array([7, 8]));
    expect(ka.ReadMemory(va + 0x5000n, 2)).toEqual(new Uint8Array([7, 8]));
    expect(ka.VirtualQuery(va + 0x5000n)).toMatchObject({ AllocationBase: va, Type: MEM_MAPPED, State: MEM_COMMIT });
    expect(ka.UnmapViewOfFile(va + 0x5123n)).toBe(true);
    expect(ka.VirtualQuery(va)?.State).toBe(0x10000);
    expect(sys.queryCommit().CommitTotal).toBe(commit0);
    expect(machineOf(sys).mm.sectionRegistry.controlAreas.size).toBe(areas0);
    expect(verifyIntegrity(sys)).toEqual([]);
  });

  it('SEC_RESERVE pages committed through one view appear in another', () => {
    const { sys, ka, kb } = machine();
    const h = ka.CreateFileMapping(INVALID_HANDLE_VALUE, PAGE_READWRITE | SEC_RESERVE, 0x100000n, 'Global\\Reserved');
    const va = ka.MapViewOfFile(h, FILE_MAP_WRITE, 0n, 0n);
    const hb = kb.OpenFileMapping(FILE_MAP_WRITE, false, 'Global\\Reserved');
    const vb = kb.MapViewOfFile(hb, FILE_MAP_WRITE, 0n, 0n);
    expect(kb.VirtualQuery(vb)?.State).toBe(MEM_RESERVE);
    expect(ka.VirtualAlloc(va + 0x10000n, 0x1000n, MEM_COMMIT, PAGE_READWRITE)).not.toBe(0n);
    expect(kb.VirtualQuery(vb + 0x10000n)?.State).toBe(MEM_COMMIT);
    kb.WriteMemory(vb + 0x10000n, new Uint8Array([3]));
    expect(ka.ReadMemory(va + 0x10000n, 1)[0]).toBe(3);
    expect(verifyIntegrity(sys)).toEqual([]);
  });

  it('FILE_MAP_COPY views are copy-on-write and the copy survives the paging file', () => {
    const { sys, ka, kb } = machine();
    const h = ka.CreateFileMapping(INVALID_HANDLE_VALUE, PAGE_READWRITE, 0x10000n, 'Local\\Cow');
    const va = ka.MapViewOfFile(h, FILE_MAP_WRITE, 0n, 0n);
    ka.WriteMemory(va, new Uint8Array([1]));
    const vb = kb.MapViewOfFile(kb.OpenFileMapping(FILE_MAP_COPY, false, 'Local\\Cow'), FILE_MAP_COPY, 0n, 0n);
    expect(kb.VirtualQuery(vb)?.Protect).toBe(PAGE_WRITECOPY);
    kb.WriteMemory(vb, new Uint8Array([2]));
    expect(kb.VirtualQuery(vb)?.Protect).toBe(PAGE_READWRITE);
    kb.SetProcessWorkingSetSize(-1n, -1n);
    sys.memoryListCommand('MemoryFlushModifiedList');
    sys.memoryListCommand('MemoryPurgeStandbyList');
    expect(kb.ReadMemory(vb, 1)[0]).toBe(2);
    expect(ka.ReadMemory(va, 1)[0]).toBe(1);
    expect(verifyIntegrity(sys)).toEqual([]);
  });
});

describe('file-backed and image mappings', () => {
  it('writes through a view reach the file; a read-only file handle cannot back a writable mapping', () => {
    const { sys, ka } = machine();
    const path = 'C:\\Users\\Public\\data.bin';
    const hf = ka.CreateFile(path, GENERIC_READ | GENERIC_WRITE, 0, null, CREATE_ALWAYS, 0, 0);
    expect(hf).not.toBe(-1);
    expect(ka.CreateFileMapping(hf, PAGE_READWRITE, 0n)).toBe(0);
    expect(ka.GetLastError()).toBe(ERROR_FILE_INVALID); // an empty file with size 0
    const hm = ka.CreateFileMapping(hf, PAGE_READWRITE, 0x3000n);
    expect(machineOf(sys).fileSystem.getFile(path)!.data.length).toBe(0x3000);
    const va = ka.MapViewOfFile(hm, FILE_MAP_WRITE, 0n, 0n);
    ka.WriteMemory(va + 0x2000n, new TextEncoder().encode('hello'));
    expect(ka.FlushViewOfFile(va, 0n)).toBe(true);
    expect(new TextDecoder().decode(machineOf(sys).fileSystem.getFile(path)!.data.slice(0x2000, 0x2005))).toBe('hello');
    const ro = ka.CreateFile(path, GENERIC_READ, 0, null, OPEN_EXISTING, 0, 0);
    expect(ka.CreateFileMapping(ro, PAGE_READWRITE, 0n)).toBe(0);
    expect(ka.GetLastError()).toBe(ERROR_ACCESS_DENIED);
    expect(ka.CreateFile('C:\\nope\\missing.txt', GENERIC_READ, 0, null, OPEN_EXISTING, 0, 0)).toBe(-1);
    expect(verifyIntegrity(sys)).toEqual([]);
  });

  it('SEC_IMAGE maps a PE with per-section protections as MEM_IMAGE; a non-image fails with ERROR_BAD_EXE_FORMAT', () => {
    const { sys, ka } = machine();
    const hf = ka.CreateFile('C:\\Windows\\System32\\cmd.exe', GENERIC_READ, 1, null, OPEN_EXISTING, 0, 0);
    const hs = ka.CreateFileMapping(hf, PAGE_READONLY | SEC_IMAGE, 0n);
    expect(hs).not.toBe(0);
    const base = ka.MapViewOfFile(hs, FILE_MAP_READ, 0n, 0n);
    expect(base).not.toBe(0n);
    const kinds = new Set<number>();
    for (let q = ka.VirtualQuery(base); q && q.AllocationBase === base; q = ka.VirtualQuery(q.BaseAddress + q.RegionSize)) {
      expect(q.Type).toBe(MEM_IMAGE);
      kinds.add(q.Protect);
    }
    expect(kinds.has(PAGE_EXECUTE_READ)).toBe(true);
    expect(kinds.has(PAGE_READONLY)).toBe(true);
    const text = ka.CreateFile('C:\\Windows\\win.ini', GENERIC_READ, 1, null, OPEN_EXISTING, 0, 0);
    expect(ka.CreateFileMapping(text, PAGE_READONLY | SEC_IMAGE, 0n)).toBe(0);
    expect(ka.GetLastError()).toBe(ERROR_BAD_EXE_FORMAT);
    expect(verifyIntegrity(sys)).toEqual([]);
  });
});

describe('ReadProcessMemory and WriteProcessMemory', () => {
  it('copy between processes with access checks; a debugger writes into a read-only code page', () => {
    const { sys, a, b, ka, kb } = machine();
    const vb = kb.VirtualAlloc(0n, 0x2000n, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
    kb.WriteMemory(vb, new Uint8Array([10, 20, 30]));
    const readOnly = ka.OpenProcess(PROCESS_VM_READ, false, b);
    expect(readOnly).not.toBe(0);
    const buf = new Uint8Array(3);
    const n = { value: 0 };
    expect(ka.ReadProcessMemory(readOnly, vb, buf, 3, n)).toBe(true);
    expect(buf).toEqual(new Uint8Array([10, 20, 30]));
    expect(n.value).toBe(3);
    expect(ka.WriteProcessMemory(readOnly, vb, new Uint8Array([1]), 1)).toBe(false);
    expect(ka.GetLastError()).toBe(ERROR_ACCESS_DENIED);
    const full = ka.OpenProcess(PROCESS_VM_READ | PROCESS_VM_WRITE | PROCESS_VM_OPERATION, false, b);
    // Plant an int3 in a read-only page: the page is made writable for the write, then restored.
    const old = { value: 0 };
    expect(kb.VirtualProtect(vb, 0x1000n, PAGE_READONLY, old)).toBe(true);
    expect(ka.WriteProcessMemory(full, vb, new Uint8Array([0xCC]), 1)).toBe(true);
    expect(kb.ReadMemory(vb, 1)[0]).toBe(0xCC);
    expect(kb.VirtualQuery(vb)?.Protect).toBe(PAGE_READONLY);
    // Across into an uncommitted page: a partial copy.
    const reserved = kb.VirtualAlloc(0n, 0x20000n, MEM_RESERVE, PAGE_READWRITE);
    kb.VirtualAlloc(reserved, 0x1000n, MEM_COMMIT, PAGE_READWRITE);
    const got = { value: -1 };
    expect(ka.ReadProcessMemory(readOnly, reserved + 0xFF0n, new Uint8Array(0x20), 0x20, got)).toBe(false);
    expect(ka.GetLastError()).toBe(ERROR_PARTIAL_COPY);
    expect(got.value).toBe(0x10);
    expect(ka.ReadProcessMemory(readOnly, reserved + 0x5000n, new Uint8Array(4), 4)).toBe(false);
    expect(ka.GetLastError()).toBe(ERROR_NOACCESS);
    expect(a).not.toBe(b);
    expect(verifyIntegrity(sys)).toEqual([]);
  });
});

describe('cache attributes', () => {
  it('views of SEC_NOCACHE and SEC_WRITECOMBINE sections report the attribute; both together are invalid', () => {
    const { ka } = machine();
    const nc = ka.CreateFileMapping(INVALID_HANDLE_VALUE, PAGE_READWRITE | 0x10000000, 0x1000n);
    expect(ka.VirtualQuery(ka.MapViewOfFile(nc, FILE_MAP_WRITE, 0n, 0n))?.Protect).toBe(PAGE_READWRITE | 0x200);
    const wc = ka.CreateFileMapping(INVALID_HANDLE_VALUE, PAGE_READWRITE | 0x40000000, 0x1000n);
    expect(ka.VirtualQuery(ka.MapViewOfFile(wc, FILE_MAP_WRITE, 0n, 0n))?.Protect).toBe(PAGE_READWRITE | 0x400);
    expect(ka.CreateFileMapping(INVALID_HANDLE_VALUE, PAGE_READWRITE | 0x10000000 | 0x40000000, 0x1000n)).toBe(0);
    expect(ka.GetLastError()).toBe(ERROR_INVALID_PARAMETER);
  });
});
