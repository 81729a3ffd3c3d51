// Memory-manager reliability (issue 19 items 2, 3 and 7): paging-file slots are never leaked, work over
// reserved address space costs O(VADs + page tables that exist) whatever the reservation's size, and
// running out of memory or commit for page tables fails the documented way.
// Sources: Windows Internals 7th ed., Part 1, ch. 5 — "Page files", "Commit charge and the system commit
// limit" (page tables are part of the commit charge), "Virtual address descriptors"; Microsoft Learn —
// VirtualAlloc, VirtualQuery, VirtualFree, VirtualProtect (return values and GetLastError codes).
import { describe, expect, it } from 'vitest';
import {
  createSystem, ERROR_COMMITMENT_LIMIT, ERROR_INVALID_ADDRESS, ERROR_NOT_ENOUGH_MEMORY, MEM_COMMIT, MEM_DECOMMIT,
  MEM_FREE, MEM_PRIVATE, MEM_RELEASE, MEM_RESERVE, MEM_RESET, MEM_RESET_UNDO, NtException, PAGE_NOACCESS,
  PAGE_READONLY, PAGE_READWRITE, STATUS_COMMITMENT_LIMIT, verifyIntegrity,
} from '../../src/engine';

const PAGE = 0x1000n;
const FILE_MAP_WRITE = 2;

describe('paging-file slots of pagefile-backed section pages', () => {
  it('are not leaked when a written-out page is written again, thousands of times', () => {
    // 4 MB of RAM, 4 MB of paging file: before the fix 963 cycles filled the paging file.
    const sys = createSystem({ boot: false, physicalMemoryMB: 4, pageFileMB: 4, seed: 5 });
    const { pid } = sys.createProcess({ imagePath: 'C:\\Windows\\System32\\notepad.exe' });
    const k = sys.win32(pid);
    const h = k.CreateFileMapping(-1, PAGE_READWRITE, 4n * PAGE, undefined);
    expect(h).not.toBe(0);
    const view = k.MapViewOfFile(h, FILE_MAP_WRITE, 0n, 0n);
    expect(view).not.toBe(0n);
    const mm = sys.internals.mm;
    const cycles = 3000;
    let maxUsed = 0;
    let settled = 0;
    for (let i = 0; i < cycles; i++) {
      if (i === 8) settled = mm.pageFileUsed;
      const page = BigInt(i % 4);
      k.WriteMemory(view + page * PAGE, new Uint8Array([i & 0xFF, (i >> 8) & 0xFF]));
      k.SetProcessWorkingSetSize(-1n, -1n);
      sys.memoryListCommand('MemoryFlushModifiedList');
      maxUsed = Math.max(maxUsed, mm.pageFileUsed);
      if (i % 500 === 0) expect(verifyIntegrity(sys), `cycle ${i}`).toEqual([]);
    }
    // Once every page has been written out once, the paging file stops growing: each of the four pages
    // holds at most one slot (the process's own pages written out by the first flushes hold theirs).
    expect(settled).toBeGreaterThanOrEqual(4);
    expect(maxUsed).toBeLessThanOrEqual(settled);
    expect(mm.pageFileUsed).toBe(settled);
    expect(verifyIntegrity(sys)).toEqual([]);
    // The last value written to each page reads back (from the paging file).
    for (let p = 0; p < 4; p++) {
      const last = cycles - 4 + ((p - (cycles - 4)) % 4 + 4) % 4;
      expect([...k.ReadMemory(view + BigInt(p) * PAGE, 2)]).toEqual([last & 0xFF, (last >> 8) & 0xFF]);
    }
  });
});
