import { DEFAULT_PHYSICAL_MEMORY_MB, type System, type SystemOptions } from '../engine';
import { PAGE_SIZE } from './present/format';

/** The subset of a WorkspaceConfiguration the options reader needs (kept narrow so unit tests can fake it). */
export interface ConfigReader {
  get<T>(key: string): T | undefined;
}

const CLASSIC_PTE_BASE = 0xFFFFF68000000000n;

function clampInt(value: unknown, min: number, max: number, fallback: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) return fallback;
  return Math.min(max, Math.max(min, Math.trunc(value)));
}

/** Turns the `ntlab.simulation.*` settings into createSystem options; out-of-range values are clamped, junk falls back to defaults. */
export function readSimulationOptions(config: ConfigReader): SystemOptions {
  const options: SystemOptions = {
    physicalMemoryMB: clampInt(config.get('simulation.physicalMemoryMB'), 16, 65536, DEFAULT_PHYSICAL_MEMORY_MB),
    pageFileMB: clampInt(config.get('simulation.pageFileMB'), 0, 65536, 1024),
    processors: clampInt(config.get('simulation.processors'), 1, 64, 4),
    seed: clampInt(config.get('simulation.seed'), 0, 0x7fffffff, 1),
    boot: true,
    memoryCompression: config.get('simulation.memoryCompression') !== false,
  };
  if (config.get('simulation.pteBase') === 'classic') options.pteBase = CLASSIC_PTE_BASE;
  return options;
}

/**
 * Engine bytes a simulated physical page costs up front, whether or not it is ever used: the PFN
 * database's typed arrays (engine/mm/pfn.ts, one MMPFN-like record per page). Page contents (4 KB)
 * are allocated only when a page is first written. Kept here (the engine loads lazily, after
 * activation); a unit test checks it equals PfnDatabase.bytesPerPage.
 */
export const ENGINE_BYTES_PER_PHYSICAL_PAGE = 41;
/**
 * Pages a freshly booted machine has in use (not on the zeroed or free lists): System, smss, csrss,
 * wininit, services, lsass, winlogon, explorer with their page tables, images and heaps. Used when no
 * machine is running to measure (362 since the Windows 10 boot tree, memory compression and pool landed; 152
 * before); a unit test checks it against a real boot.
 */
export const BOOT_PAGES_IN_USE = 360;
const MB = 1024 * 1024;

/** What building a machine costs the host, in bytes. */
export interface MachineCost {
  /** Allocated when the machine is built: per-page engine records + contents of the pages boot touches. */
  readonly upFrontBytes: number;
  readonly pfnDatabaseBytes: number;
  readonly touchedContentBytes: number;
  /** Page contents once every simulated page has been written: the simulated RAM itself. */
  readonly ramBytes: number;
  /** What time travel may keep on top (snapshots, operation log): the machine's timeTravelMemoryMB. */
  readonly timeTravelBytes: number;
}

/** Pages of `system` that hold content (not on the zeroed or free lists): what a boot actually touched. */
export function pagesInUse(system: Pick<System, 'physicalPageCount' | 'querySystemMemoryListInformation'>): number {
  const lists = system.querySystemMemoryListInformation();
  return Math.max(0, system.physicalPageCount - lists.ZeroPageCount - lists.FreePageCount);
}

/**
 * The host memory a machine with `options` costs: physical pages x engine bytes per page, plus the
 * content of the pages in use (measured on a running machine when there is one), plus what time
 * travel may retain (DESIGN.md §4; the engine's default budget is twice the RAM, at least 256 MB).
 */
export function estimateMachineCost(options: Pick<SystemOptions, 'physicalMemoryMB' | 'timeTravelMemoryMB'>, pagesTouched = BOOT_PAGES_IN_USE): MachineCost {
  const physicalMB = options.physicalMemoryMB ?? DEFAULT_PHYSICAL_MEMORY_MB;
  const pages = physicalMB * (MB / PAGE_SIZE);
  const pfnDatabaseBytes = pages * ENGINE_BYTES_PER_PHYSICAL_PAGE;
  const touchedContentBytes = Math.min(pages, pagesTouched) * PAGE_SIZE;
  const timeTravelBytes = (options.timeTravelMemoryMB ?? Math.max(256, 2 * physicalMB)) * MB;
  return { upFrontBytes: pfnDatabaseBytes + touchedContentBytes, pfnDatabaseBytes, touchedContentBytes, ramBytes: physicalMB * MB, timeTravelBytes };
}

/**
 * Whether the host can afford a machine: what it allocates up front fits in half of the memory the
 * host has free, and its simulated RAM, once used, in half of the host's memory (the other half
 * stays for VS Code and everything else). Time travel stays within its own budget (shown, not tested).
 */
export function hostCanAfford(cost: MachineCost, host: { readonly freeBytes: number; readonly totalBytes: number }): boolean {
  return cost.upFrontBytes <= host.freeBytes / 2 && cost.ramBytes <= host.totalBytes / 2;
}
