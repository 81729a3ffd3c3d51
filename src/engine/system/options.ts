// createSystem's options: their defaults, their validation at the API boundary, and the randomized
// PTE base (Windows 10 1607+ picks the self-map PML4 slot at random; Windows Internals 7th ed.,
// Part 1, chapter 5, "Address translation").
import { DEFAULT_PHYSICAL_MEMORY_MB, ERROR_INVALID_PARAMETER } from '../constants';
import { Win32Error } from '../errors';
import type { PteLayoutName } from '../mm/pte';
import type { Rng } from '../rng';

export interface SystemOptions {
  /** Physical memory in MB; default 512. */
  physicalMemoryMB?: number;
  /** Paging file size in MB; default 1024; 0 = no paging file. */
  pageFileMB?: number;
  /** Logical processors; default 4. */
  processors?: number;
  /** PTE_BASE; default randomized from the seed (Windows 10 1607+); CLASSIC_PTE_BASE for the old fixed base. */
  pteBase?: bigint;
  /** Seed of the deterministic simulation; default 1. */
  seed?: number;
  /** Boot the usual processes (System, smss, csrss, wininit, services, lsass, winlogon, explorer...); default true. */
  boot?: boolean;
  /**
   * Memory compression (Windows 10's store manager and the Memory Compression process); default true, as
   * on Windows 10 (Microsoft Learn, "Disable-MMAgent -MemoryCompression" turns it off). With a paging file,
   * modified private pages are compressed into the store instead of being written to it; false = they go
   * to the paging file.
   */
  memoryCompression?: boolean;
  /** Software PTE layouts: 'modern' (Windows 10 1809+ / 11, default) or 'legacy' (Windows 8.1 / early Windows 10). */
  pteLayout?: PteLayoutName;
  /**
   * Memory, in MB, that time travel may keep beyond the present machine: every snapshot's copy of the
   * PFN database and of the processes, page contents the machine has since rewritten that only
   * snapshots still hold, and the operation log. Past it snapshots are let go, spread so that no
   * stretch of the session loses them all (jumps there replay from further back). Default: twice the
   * physical memory, at least 256.
   */
  timeTravelMemoryMB?: number;
}

/** The options with every default filled in (pteBase resolved). */
export type ResolvedSystemOptions = Readonly<Required<Omit<SystemOptions, 'pteBase'>> & { pteBase: bigint }>;

/** Checks createSystem's options: a wrong type or range is ERROR_INVALID_PARAMETER, never a TypeError. */
export function validateOptions(o: SystemOptions): Required<Omit<SystemOptions, 'pteBase'>> & { pteBase?: bigint } {
  if (o === null || typeof o !== 'object') throw new Win32Error(ERROR_INVALID_PARAMETER, 'createSystem: options must be an object');
  const int = (name: string, v: unknown, def: number, min: number, max: number): number => {
    if (v === undefined) return def;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw new Win32Error(ERROR_INVALID_PARAMETER, `createSystem: ${name} must be an integer in [${min}, ${max}]`);
    return v;
  };
  const physicalMemoryMB = int('physicalMemoryMB', o.physicalMemoryMB, DEFAULT_PHYSICAL_MEMORY_MB, 4, 65536);
  const pageFileMB = int('pageFileMB', o.pageFileMB, 1024, 0, 262144);
  const processors = int('processors', o.processors, 4, 1, 64);
  const seed = int('seed', o.seed, 1, 0, 0xFFFFFFFF);
  if (o.boot !== undefined && typeof o.boot !== 'boolean') throw new Win32Error(ERROR_INVALID_PARAMETER, 'createSystem: boot must be a boolean');
  if (o.memoryCompression !== undefined && typeof o.memoryCompression !== 'boolean') throw new Win32Error(ERROR_INVALID_PARAMETER, 'createSystem: memoryCompression must be a boolean');
  const pteLayout = o.pteLayout ?? 'modern';
  if (pteLayout !== 'modern' && pteLayout !== 'legacy') throw new Win32Error(ERROR_INVALID_PARAMETER, "createSystem: pteLayout must be 'modern' or 'legacy'");
  let pteBase: bigint | undefined;
  if (o.pteBase !== undefined) {
    if (typeof o.pteBase !== 'bigint') throw new Win32Error(ERROR_INVALID_PARAMETER, 'createSystem: pteBase must be a bigint');
    // A valid PTE base is a kernel-half address aligned to 512 GB (one PML4 entry).
    const index = (o.pteBase >> 39n) & 511n;
    if ((o.pteBase & ((1n << 39n) - 1n)) !== 0n || (o.pteBase >> 48n) !== 0xFFFFn || index < 256n) {
      throw new Win32Error(ERROR_INVALID_PARAMETER, 'createSystem: pteBase must be 0xFFFF8000_00000000 + n * 512 GB (a kernel PML4 slot)');
    }
    pteBase = o.pteBase;
  }
  const timeTravelMemoryMB = int('timeTravelMemoryMB', o.timeTravelMemoryMB, Math.max(256, 2 * physicalMemoryMB), 1, 1 << 20);
  return { physicalMemoryMB, pageFileMB, processors, seed, boot: o.boot ?? true, memoryCompression: o.memoryCompression ?? true, pteLayout, pteBase, timeTravelMemoryMB };
}

/** Windows 10 1607+ picks the self-map PML4 slot at random in the kernel half. */
export function randomPteBase(rng: Rng): bigint {
  const index = rng.range(0x100, 0x1F0);
  return 0xFFFF000000000000n | (BigInt(index) << 39n);
}
