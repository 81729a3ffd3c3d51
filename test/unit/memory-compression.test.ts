// Memory compression (Windows Internals 7e ch. 5, "Memory compression"): the store manager takes modified
// private pages instead of the paging file, a fault decompresses them, Task Manager's figures, the option
// off, and data integrity through trim -> compress -> decompress cycles (a property test, both settings).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compressPage, createSystem, decompressPage, MEM_COMMIT, MEM_DECOMMIT, MEM_RELEASE, MEM_RESERVE, PAGE_READWRITE,
  restoreSession, serializeSession, STORE_PAGE_FILE_NUMBER, verifyIntegrity, type System,
} from '../../src/engine';

const PAGE = 4096;

/** A page of one of three kinds: zero-filled, a short repeating pattern, or xorshift noise. */
function pageOf(kind: 'zero' | 'pattern' | 'noise', seed: number): Uint8Array {
  const d = new Uint8Array(PAGE);
  if (kind === 'pattern') for (let k = 0; k < PAGE; k++) d[k] = (k % (3 + (seed % 13))) + seed;
  if (kind === 'noise') {
    let x = (seed * 2654435761) >>> 0 || 1;
    for (let k = 0; k < PAGE; k++) { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; d[k] = x & 0xFF; }
  }
  return d;
}

function notepad(sys: System): number {
  return sys.createProcess({ imagePath: 'C:\\Windows\\System32\\notepad.exe' }).pid;
}

/** Writes `pages`, trims the process, flushes the modified list and purges standby: every page leaves memory. */
function pushOut(sys: System, pid: number, base: bigint, pages: Uint8Array[]): void {
  const w = sys.win32(pid);
  pages.forEach((p, i) => w.WriteMemory(base + BigInt(i * PAGE), p));
  expect(w.SetProcessWorkingSetSize(-1n, -1n)).toBe(true);
  sys.memoryListCommand('MemoryFlushModifiedList');
  sys.memoryListCommand('MemoryPurgeStandbyList');
}

function stepsOf(sys: System, from: number): { code: string; routine: string; args: Record<string, unknown> }[] {
  return sys.getSteps(from, sys.stepCount);
}

describe('the compression coder', () => {
  it('round-trips any page, and sizes follow the bytes: zeros and patterns shrink, noise is kept as it is', () => {
    const out = new Uint8Array(PAGE);
    const back = new Uint8Array(PAGE);
    fc.assert(fc.property(fc.uint8Array({ minLength: PAGE, maxLength: PAGE }), fc.nat(3), (bytes, runs) => {
      // Mix in runs so that both matches and literals occur.
      for (let r = 0; r < runs; r++) bytes.fill(r, r * 512, r * 512 + 700);
      const n = compressPage(bytes, out);
      if (n < PAGE) { decompressPage(out, n, back); expect(back).toEqual(bytes); }
      else expect(n).toBe(PAGE);
    }), { numRuns: 200 });
    expect(compressPage(pageOf('zero', 0), out)).toBeLessThan(128);
    const pattern = compressPage(pageOf('pattern', 5), out);
    expect(pattern).toBeLessThan(400);
    expect(compressPage(pageOf('noise', 7), out)).toBe(PAGE);
  });
});

describe('memory compression (store manager)', () => {
  it('is on by default: the Memory Compression process is a child of System with a minimal address space', () => {
    const sys = createSystem({ physicalMemoryMB: 64, pageFileMB: 64 });
    const info = sys.queryMemoryCompression();
    expect(info.Enabled).toBe(true);
    const memc = sys.queryProcess(info.ProcessId)!;
    expect(memc.imageFileName).toBe('MemCompression');
    expect(sys.queryProcess(memc.parentPid)!.imageFileName).toBe('System');
    expect(info.CompressedPages).toBe(0);
    const step = stepsOf(sys, 0).find((s) => s.code === 'process.memCompression');
    expect(step?.routine).toBe('PsCreateMinimalProcess');
  });

  it('compresses trimmed modified pages into the store instead of the paging file, and a fault decompresses them (SmPageRead)', () => {
    const sys = createSystem({ physicalMemoryMB: 64, pageFileMB: 64 });
    const pid = notepad(sys);
    const w = sys.win32(pid);
    const pages = [pageOf('zero', 0), pageOf('pattern', 3), pageOf('noise', 9), pageOf('pattern', 11)];
    const base = w.VirtualAlloc(0n, BigInt(pages.length * PAGE), MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
    const before = sys.stepCount;
    pushOut(sys, pid, base, pages);
    const write = stepsOf(sys, before).find((s) => s.code === 'thread.storeWrite');
    expect(write?.routine).toBe('MiStoreWriteModifiedPages');
    const info = sys.queryMemoryCompression();
    expect(info.CompressedPages).toBeGreaterThanOrEqual(pages.length);
    expect(info.UncompressedBytes).toBe(info.CompressedPages * PAGE);
    // The noise page is kept whole; the others take far less.
    expect(info.CompressedBytes).toBeLessThan(pages.length * PAGE);
    expect(info.CompressedBytes).toBeGreaterThanOrEqual(PAGE);
    // The PTE is a paging-file PTE of the virtual store: PageFileLow 2, PageFileHigh the page key.
    const pte = sys.decodePte(pid, base + BigInt(PAGE));
    expect(pte.kind).toBe('pageFile');
    expect(pte.fields.PageFileLow).toBe(STORE_PAGE_FILE_NUMBER);
    expect(sys.querySystemMemoryListInformation().ModifiedPageCount).toBe(0);
    expect(verifyIntegrity(sys)).toEqual([]);

    const readFrom = sys.stepCount;
    pages.forEach((p, i) => expect(w.ReadMemory(base + BigInt(i * PAGE), PAGE)).toEqual(p));
    const faults = stepsOf(sys, readFrom).filter((s) => s.code === 'fault.store' || s.code === 'fault.pageFile');
    expect(faults.map((s) => s.routine)).toEqual(pages.map(() => 'SmPageRead'));
    expect(faults.every((s) => s.args.pid === pid)).toBe(true);
    // Read back, the pages are the only copies again: their keys are gone from the store.
    expect(sys.queryMemoryCompression().CompressedPages).toBe(info.CompressedPages - pages.length);
    expect(sys.queryMemoryCompression().PagesRead).toBeGreaterThanOrEqual(pages.length);
    expect(verifyIntegrity(sys)).toEqual([]);
  });

  it('keeps the store in Memory Compression\'s working set and shows Task Manager\'s figures', () => {
    const sys = createSystem({ physicalMemoryMB: 64, pageFileMB: 64 });
    const pid = notepad(sys);
    const pages = Array.from({ length: 64 }, (_, i) => pageOf(i % 2 ? 'pattern' : 'zero', i));
    const base = sys.win32(pid).VirtualAlloc(0n, BigInt(pages.length * PAGE), MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
    pushOut(sys, pid, base, pages);
    const info = sys.queryMemoryCompression();
    expect(info.StoreBytes % 65536).toBe(0);
    expect(info.StoreBytes).toBeGreaterThan(0);
    // 64 zero or patterned pages fit in far less than 64 pages of store: memory was saved.
    expect(info.SavedBytes).toBe(info.UncompressedBytes - info.StoreBytes);
    expect(info.SavedBytes).toBeGreaterThan(32 * PAGE);
    const ws = sys.queryWorkingSet(info.ProcessId);
    expect(ws.total).toBe(info.StoreResidentPages);
    expect(ws.total).toBeGreaterThan(0);
    expect(sys.queryVads(info.ProcessId).length).toBeGreaterThan(0);
  });

  it('a write to a compressed page still on standby lets its key go (the store copy is stale)', () => {
    const sys = createSystem({ physicalMemoryMB: 64, pageFileMB: 64 });
    const pid = notepad(sys);
    const w = sys.win32(pid);
    const base = w.VirtualAlloc(0n, BigInt(PAGE), MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
    w.WriteMemory(base, pageOf('pattern', 1));
    w.SetProcessWorkingSetSize(-1n, -1n);
    sys.memoryListCommand('MemoryFlushModifiedList');
    const keys = sys.queryMemoryCompression().CompressedPages;
    w.WriteMemory(base, new Uint8Array([42]));
    expect(sys.queryMemoryCompression().CompressedPages).toBe(keys - 1);
    expect(w.ReadMemory(base, 2)).toEqual(new Uint8Array([42, pageOf('pattern', 1)[1]!]));
    expect(verifyIntegrity(sys)).toEqual([]);
  });

  it('freeing or decommitting compressed pages removes their keys', () => {
    const sys = createSystem({ physicalMemoryMB: 64, pageFileMB: 64 });
    const pid = notepad(sys);
    const w = sys.win32(pid);
    const pages = Array.from({ length: 8 }, (_, i) => pageOf('pattern', i));
    const base = w.VirtualAlloc(0n, BigInt(pages.length * PAGE), MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
    pushOut(sys, pid, base, pages);
    const keys = sys.queryMemoryCompression().CompressedPages;
    expect(w.VirtualFree(base, BigInt(4 * PAGE), MEM_DECOMMIT)).toBe(true);
    expect(sys.queryMemoryCompression().CompressedPages).toBe(keys - 4);
    expect(w.VirtualFree(base, 0n, MEM_RELEASE)).toBe(true);
    expect(sys.queryMemoryCompression().CompressedPages).toBe(keys - 8);
    expect(verifyIntegrity(sys)).toEqual([]);
  });

  it('off (memoryCompression: false): no Memory Compression process, pages go to the paging file as before', () => {
    const sys = createSystem({ physicalMemoryMB: 64, pageFileMB: 64, memoryCompression: false });
    expect(sys.queryMemoryCompression().Enabled).toBe(false);
    expect(sys.processIds.map((p) => sys.queryProcess(p)?.imageFileName)).not.toContain('MemCompression');
    const pid = notepad(sys);
    const w = sys.win32(pid);
    const pages = [pageOf('pattern', 2), pageOf('noise', 3)];
    const base = w.VirtualAlloc(0n, BigInt(pages.length * PAGE), MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
    pushOut(sys, pid, base, pages);
    expect(sys.decodePte(pid, base).fields.PageFileLow).toBe(0);
    const from = sys.stepCount;
    pages.forEach((p, i) => expect(w.ReadMemory(base + BigInt(i * PAGE), PAGE)).toEqual(p));
    const codes = stepsOf(sys, from).map((s) => s.code);
    expect(codes).toContain('fault.pageFile');
    expect(codes).not.toContain('fault.store');
    expect(sys.queryMemoryCompression().CompressedPages).toBe(0);
  });

  it('rejects a memoryCompression option that is not a boolean', () => {
    expect(() => createSystem({ memoryCompression: 'yes' as unknown as boolean })).toThrow();
  });

  it('saves, loads and travels back to the same compressed state', () => {
    const sys = createSystem({ physicalMemoryMB: 64, pageFileMB: 64 });
    const pid = notepad(sys);
    const pages = Array.from({ length: 12 }, (_, i) => pageOf(i % 3 === 0 ? 'noise' : 'pattern', i));
    const base = sys.win32(pid).VirtualAlloc(0n, BigInt(pages.length * PAGE), MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
    pushOut(sys, pid, base, pages);
    const mid = sys.stepCount;
    const midInfo = sys.queryMemoryCompression();
    sys.win32(pid).ReadMemory(base, PAGE);
    const loaded = restoreSession(JSON.parse(JSON.stringify(serializeSession(sys))));
    expect(loaded.queryMemoryCompression()).toEqual(sys.queryMemoryCompression());
    pages.forEach((p, i) => expect(loaded.win32(pid).ReadMemory(base + BigInt(i * PAGE), PAGE)).toEqual(p));
    expect(sys.stateAt(mid - 1).queryMemoryCompression()).toEqual(midInfo);
  });
});

type Op =
  | { t: 'write'; page: number; kind: 'zero' | 'pattern' | 'noise'; seed: number }
  | { t: 'poke'; page: number; offset: number; value: number }
  | { t: 'read'; page: number }
  | { t: 'trim' }
  | { t: 'flush' }
  | { t: 'purge' }
  | { t: 'decommit'; page: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ t: fc.constant('write' as const), page: fc.nat(47), kind: fc.constantFrom('zero' as const, 'pattern' as const, 'noise' as const), seed: fc.nat(1000) }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('poke' as const), page: fc.nat(47), offset: fc.nat(PAGE - 1), value: fc.nat(255) }) },
  { weight: 4, arbitrary: fc.record({ t: fc.constant('read' as const), page: fc.nat(47) }) },
  { weight: 2, arbitrary: fc.constant({ t: 'trim' as const }) },
  { weight: 2, arbitrary: fc.constant({ t: 'flush' as const }) },
  { weight: 2, arbitrary: fc.constant({ t: 'purge' as const }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('decommit' as const), page: fc.nat(47) }) },
);

describe('data integrity through trim -> compress -> decompress cycles (property)', () => {
  for (const memoryCompression of [true, false]) {
    it(`bytes read back are the bytes written, invariants hold (memoryCompression: ${memoryCompression})`, () => {
      fc.assert(fc.property(fc.array(opArb, { minLength: 5, maxLength: 30 }), (ops) => {
        // A small machine, so the balance set manager and repurposing take part.
        const sys = createSystem({ physicalMemoryMB: 16, pageFileMB: 32, memoryCompression });
        const pid = notepad(sys);
        const w = sys.win32(pid);
        const n = 48;
        const base = w.VirtualAlloc(0n, BigInt(n * PAGE), MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
        const model = Array.from({ length: n }, () => new Uint8Array(PAGE));
        for (const op of ops) {
          const va = (page: number): bigint => base + BigInt(page * PAGE);
          switch (op.t) {
            case 'write': { const d = pageOf(op.kind, op.seed); model[op.page] = d.slice(); w.WriteMemory(va(op.page), d); break; }
            case 'poke': model[op.page]![op.offset] = op.value; w.WriteMemory(va(op.page) + BigInt(op.offset), new Uint8Array([op.value])); break;
            case 'read': expect(w.ReadMemory(va(op.page), PAGE)).toEqual(model[op.page]); break;
            case 'trim': w.SetProcessWorkingSetSize(-1n, -1n); break;
            case 'flush': sys.memoryListCommand('MemoryFlushModifiedList'); break;
            case 'purge': sys.memoryListCommand('MemoryPurgeStandbyList'); break;
            case 'decommit':
              w.VirtualFree(va(op.page), BigInt(PAGE), MEM_DECOMMIT);
              w.VirtualAlloc(va(op.page), BigInt(PAGE), MEM_COMMIT, PAGE_READWRITE);
              model[op.page] = new Uint8Array(PAGE);
              break;
          }
          expect(verifyIntegrity(sys)).toEqual([]);
        }
        for (let i = 0; i < n; i++) expect(w.ReadMemory(base + BigInt(i * PAGE), PAGE)).toEqual(model[i]);
        expect(verifyIntegrity(sys)).toEqual([]);
      }), { numRuns: 6 });
    });
  }
});
