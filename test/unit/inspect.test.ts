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
