// Loading and saving a long session does not block the host (issue 19 item 11), and building a
// machine the host cannot afford is asked first (item 10): chunked replay and text, cancellation,
// and the cost estimate checked against a real boot.
import { describe, expect, it } from 'vitest';
import {
  createSystem, MEM_COMMIT, MEM_RESERVE, PAGE_READWRITE, restoreSession, restoreSessionInChunks, serializeSession,
} from '../../src/engine';
import { PfnDatabase } from '../../src/engine/mm/pfn';
import { runInChunks, sessionTextInChunks, type ChunkProgress } from '../../src/extension/chunked';
import { BOOT_PAGES_IN_USE, ENGINE_BYTES_PER_PHYSICAL_PAGE, estimateMachineCost, hostCanAfford, pagesInUse } from '../../src/extension/options';
import { machineOf } from '../../src/engine/testing';

/** A session with `n` operations after boot: allocations, writes and reads in one process. */
function sessionWith(n: number) {
  const system = createSystem({ physicalMemoryMB: 64, pageFileMB: 64 });
  const { pid } = system.createProcess({ imagePath: 'C:\\Windows\\System32\\notepad.exe' });
  const api = system.win32(pid);
  const base = api.VirtualAlloc(0n, 1n << 20n, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
  for (let i = 0; machineOf(system).operations().length < n; i++) {
    const va = base + BigInt((i % 256) * 4096);
    api.WriteMemory(va, new Uint8Array([i & 255]));
    api.ReadMemory(va, 1);
  }
  return { system, file: JSON.parse(JSON.stringify(serializeSession(system))) as ReturnType<typeof serializeSession> };
}

const immediate = (): Promise<void> => Promise.resolve();

describe('session files in chunks', () => {
  it('replays in chunks to the same machine as restoreSession, reporting progress between chunks', async () => {
    const { system, file } = sessionWith(3000);
    const seen: ChunkProgress[] = [];
    const restored = await runInChunks(restoreSessionInChunks(file, 500), { onProgress: (p) => seen.push(p), isCancelled: () => false, pause: immediate });
    expect(restored!.stepCount).toBe(system.stepCount);
    expect(restored!.stepCount).toBe(restoreSession(file).stepCount);
    const total = file.ops.length;
    expect(seen[0]).toEqual({ done: 0, total });
    expect(seen.length).toBe(1 + Math.ceil(total / 500) - 1);
    for (let i = 1; i < seen.length; i++) expect(seen[i]!.done).toBeGreaterThan(seen[i - 1]!.done);
  });

  it('stops at the first chunk boundary after cancellation and returns nothing', async () => {
    const { file } = sessionWith(3000);
    let chunks = 0;
    const restored = await runInChunks(restoreSessionInChunks(file, 500), { onProgress: () => { chunks++; }, isCancelled: () => chunks >= 2, pause: immediate });
    expect(restored).toBeUndefined();
    expect(chunks).toBe(2);
  });

  it('still rejects a file whose replay differs, after the last chunk', async () => {
    const { file } = sessionWith(600);
    const bad = { ...file, stepCount: file.stepCount + 1 };
    await expect(runInChunks(restoreSessionInChunks(bad, 100), { onProgress: () => {}, isCancelled: () => false, pause: immediate })).rejects.toThrow(/replay recorded/);
  });

  it('writes the text in chunks: one operation per line, and it reads back', async () => {
    const { file } = sessionWith(1200);
    const { ops, ...head } = file;
    let chunks = 0;
    const text = await runInChunks(sessionTextInChunks(head, ops, 100), { onProgress: () => { chunks++; }, isCancelled: () => false, pause: immediate });
    expect(chunks).toBe(Math.ceil(ops.length / 100) - 1);
    expect(JSON.parse(text!)).toEqual(file);
    expect(text!.split('\n').filter((l) => l.startsWith('    {')).length).toBe(ops.length);
  });
});

describe('what a machine costs the host', () => {
  it('counts the engine\'s per-page records as the engine lays them out', () => {
    expect(ENGINE_BYTES_PER_PHYSICAL_PAGE).toBe(PfnDatabase.bytesPerPage);
  });

  it('estimates the pages a boot touches close to what a real boot uses', () => {
    const measured = pagesInUse(createSystem({ physicalMemoryMB: 512 }));
    expect(measured).toBeGreaterThan(BOOT_PAGES_IN_USE / 2);
    expect(measured).toBeLessThan(BOOT_PAGES_IN_USE * 2);
  });

  it('asks before a 64 GB machine on a 16 GB host, not before the default one or one that fits', () => {
    const host = { freeBytes: 8 * 1024 ** 3, totalBytes: 16 * 1024 ** 3 };
    const big = estimateMachineCost({ physicalMemoryMB: 65536 });
    expect(big.pfnDatabaseBytes).toBe(65536 * 256 * ENGINE_BYTES_PER_PHYSICAL_PAGE);
    expect(big.ramBytes).toBe(64 * 1024 ** 3);
    expect(big.timeTravelBytes).toBe(2 * 65536 * 1024 * 1024);
    expect(hostCanAfford(big, host)).toBe(false);
    expect(hostCanAfford(estimateMachineCost({ physicalMemoryMB: 512 }), host)).toBe(true);
    expect(hostCanAfford(estimateMachineCost({ physicalMemoryMB: 8192 }), host)).toBe(true);
    // Little free memory: even the up-front part does not fit.
    expect(hostCanAfford(estimateMachineCost({ physicalMemoryMB: 8192 }), { freeBytes: 64 * 1024 ** 2, totalBytes: host.totalBytes })).toBe(false);
    expect(estimateMachineCost({ physicalMemoryMB: 16 }, 1e9).touchedContentBytes).toBe(16 * 1024 * 1024); // never more than the RAM
  });
});
