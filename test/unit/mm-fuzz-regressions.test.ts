// Regressions from the reliability campaign's open failures (issue 19, scripts/fuzz.mjs engine), each as
// the minimal operation sequence that showed it.
// Sources: Windows Internals 7th ed., Part 1, ch. 5 — "Commit charge and the system commit limit" (page
// tables are charged when created), "Page tables and page table entries", and ch. 3, "Process
// termination" (MmDeleteProcessAddressSpace returns every paging structure); Microsoft Learn — VirtualAlloc,
// VirtualFree, TerminateProcess.
import { describe, expect, it } from 'vitest';
import {
  createSystem, ERROR_NOT_ENOUGH_MEMORY, MEM_COMMIT, MEM_RELEASE, MEM_RESERVE, NtException, PAGE_READWRITE, STATUS_COMMITMENT_LIMIT,
  STATUS_NO_MEMORY, verifyIntegrity,
} from '../../src/engine';
import { machineOf } from '../../src/engine/testing';

const PAGE = 0x1000n;
const NOTEPAD = 'C:\\Windows\\System32\\notepad.exe';

describe('a fault that runs into the commit limit half way down the paging structures (seed 1040, op 4852)', () => {
  // A page 5 TB up lies in a PML4 entry nothing else uses: touching it needs a PDPT, a PD and a PT. With
  // room in the commit limit for one page only, the PDPT is made and the PD is refused.
  const setup = () => {
    const sys = createSystem({ boot: false, physicalMemoryMB: 16, pageFileMB: 16, seed: 4 });
    const { pid } = sys.createProcess({ imagePath: NOTEPAD });
    const k = sys.win32(pid);
    const tablesBefore = sys.queryProcess(pid)!.pageTablePages;
    const far = k.VirtualAlloc(5n << 40n, PAGE, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
    expect(far).toBe(5n << 40n);
    const { CommitTotal, CommitLimit } = sys.queryCommit();
    expect(k.VirtualAlloc(0n, BigInt(CommitLimit - CommitTotal - 1) * PAGE, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE)).not.toBe(0n);
    let status = 0;
    try { k.WriteMemory(far, new Uint8Array([1])); } catch (e) { status = e instanceof NtException ? e.status : -1; }
    expect(status).toBe(STATUS_COMMITMENT_LIMIT);
    // The PDPT made before the refusal is there, and holds no entry.
    expect(sys.queryProcess(pid)!.pageTablePages).toBe(tablesBefore + 1);
    return { sys, pid, k, far, tablesBefore };
  };

  it('releasing the region frees the empty PDPT left behind', () => {
    const { sys, pid, k, far, tablesBefore } = setup();
    expect(k.VirtualFree(far, 0n, MEM_RELEASE)).toBe(true);
    expect(sys.queryProcess(pid)!.pageTablePages).toBe(tablesBefore);
    expect(verifyIntegrity(sys)).toEqual([]);
  });

  it('process exit frees it too: no exited process keeps a page table', () => {
    const { sys, pid, k } = setup();
    expect(k.TerminateProcess(k.GetCurrentProcess(), 3)).toBe(true);
    expect(verifyIntegrity(sys)).toEqual([]);
    const p = machineOf(sys).processes.find((q) => q?.pid === pid);
    if (p) expect(p.pageTablePages).toBe(0);
  });
});

describe('paging structures never take the last resident pages (seed 1011: 215 processes filled 8 MB with page tables)', () => {
  it('page tables past resident available fail the documented way, and paged-out data still reads back', () => {
    const sys = createSystem({ boot: false, physicalMemoryMB: 8, pageFileMB: 64, seed: 11 });
    // The data owner: pages written, then trimmed and written out to the paging file.
    const owner = sys.win32(sys.createProcess({ imagePath: NOTEPAD }).pid);
    const data = owner.VirtualAlloc(0n, 32n * PAGE, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
    for (let i = 0n; i < 32n; i++) owner.WriteMemory(data + i * PAGE, new Uint8Array([Number(i) + 1]));
    sys.memoryListCommand('MemoryEmptyWorkingSets');
    sys.memoryListCommand('MemoryFlushModifiedList');
    sys.memoryListCommand('MemoryPurgeStandbyList');
    // Another process makes page tables until it is refused: one committed page in each 2 MB span.
    const k = sys.win32(sys.createProcess({ imagePath: NOTEPAD }).pid);
    const base = k.VirtualAlloc(0n, 1n << 36n, MEM_RESERVE, PAGE_READWRITE);
    let failedAt = -1;
    for (let i = 0; i < 4096 && failedAt < 0; i++) {
      if (k.VirtualAlloc(base + BigInt(i) * 0x200000n, PAGE, MEM_COMMIT, PAGE_READWRITE) === 0n) failedAt = i;
    }
    expect(failedAt).toBeGreaterThan(100);
    expect(k.GetLastError()).toBe(ERROR_NOT_ENOUGH_MEMORY);
    // A fault that needs new page tables now fails with STATUS_NO_MEMORY instead of taking the reserve...
    const far = k.VirtualAlloc(5n << 40n, PAGE, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
    expect(far).toBe(5n << 40n);
    let status = 0;
    try { k.WriteMemory(far, new Uint8Array([1])); } catch (e) { status = e instanceof NtException ? e.status : -1; }
    expect(status).toBe(STATUS_NO_MEMORY);
    // ...and the data owner's pages come back from the paging file, every one.
    for (let i = 0n; i < 32n; i++) expect(owner.ReadMemory(data + i * PAGE, 1)[0]).toBe(Number(i) + 1);
    expect(verifyIntegrity(sys)).toEqual([]);
  });
});
