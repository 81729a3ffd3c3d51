// The paging cycle through memory compression (issue 18): pages are written, trimmed, compressed into the
// store by the modified page writer (MiStoreWriteModifiedPages), their frames repurposed, and decompressed
// back on the next read (SmPageRead). The same cycle with compression off goes through the paging file.
// Prints one JSON object; no thresholds are asserted.
import { createSystem, MEM_COMMIT, MEM_RESERVE, PAGE_READWRITE } from '../../src/engine';

const round = (x: number): number => Math.round(x);

/** Pages of three kinds, as a program leaves them: zero-filled, a repeating pattern, xorshift noise. */
function fill(page: Uint8Array, i: number): void {
  page.fill(0);
  if (i % 3 === 1) for (let k = 0; k < page.length; k++) page[k] = k % 11;
  if (i % 3 === 2) { let x = (i * 2654435761) >>> 0 || 1; for (let k = 0; k < page.length; k++) { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; page[k] = x & 0xFF; } }
}

function cycle(memoryCompression: boolean): Record<string, number> {
  const sys = createSystem({ physicalMemoryMB: 64, pageFileMB: 512, memoryCompression });
  const { pid } = sys.createProcess({ imagePath: 'C:\\Windows\\System32\\notepad.exe' });
  const k = sys.win32(pid);
  const pages = 8192;
  const base = k.VirtualAlloc(0n, BigInt(pages) * 4096n, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
  const page = new Uint8Array(4096);
  const before = sys.stepCount;
  const t0 = performance.now();
  for (let i = 0; i < pages; i++) { fill(page, i); k.WriteMemory(base + BigInt(i) * 4096n, page); }
  k.SetProcessWorkingSetSize(-1n, -1n);
  sys.memoryListCommand('MemoryFlushModifiedList');
  sys.memoryListCommand('MemoryPurgeStandbyList');
  const stored = sys.queryMemoryCompression();
  for (let i = 0; i < pages; i++) k.ReadMemory(base + BigInt(i) * 4096n, 1);
  const seconds = (performance.now() - t0) / 1000;
  let storeFaults = 0;
  let pageFileFaults = 0;
  for (const s of sys.getSteps(before, sys.stepCount)) {
    if (s.code === 'fault.store') storeFaults++;
    else if (s.code === 'fault.pageFile') pageFileFaults += Number(s.args.cluster);
  }
  return {
    pagesPerSecond: round(pages / seconds), storeFaults, pageFileFaults,
    compressedPages: stored.CompressedPages, compressedBytes: stored.CompressedBytes, storeBytes: stored.StoreBytes, savedBytes: stored.SavedBytes,
  };
}

console.log(JSON.stringify({
  compressionCycle: { ...cycle(true), note: 'write 8,192 pages (zero / pattern / noise), trim, compress (MiStoreWriteModifiedPages), purge standby, decompress on read (SmPageRead)' },
  pagingFileCycle: { ...cycle(false), note: 'the same with memoryCompression: false (paging file)' },
}, null, 2));
