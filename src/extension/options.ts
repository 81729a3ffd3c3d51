import type { SystemOptions } from '../engine';

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
    physicalMemoryMB: clampInt(config.get('simulation.physicalMemoryMB'), 16, 65536, 512),
    pageFileMB: clampInt(config.get('simulation.pageFileMB'), 0, 65536, 1024),
    processors: clampInt(config.get('simulation.processors'), 1, 64, 4),
    seed: clampInt(config.get('simulation.seed'), 0, 0x7fffffff, 1),
    boot: true,
  };
  if (config.get('simulation.pteBase') === 'classic') options.pteBase = CLASSIC_PTE_BASE;
  return options;
}
