// Page geometry of x64 four-level paging: the page size, the paging-structure levels and the index of a
// VPN's entry at each level, and the self-map address of a PTE (MiGetPteAddress). Windows Internals 7th
// ed., Part 1, ch. 5, "Address translation" ("x64 virtual address translation").

export const PAGE_SIZE = 4096;
/** Normal page priority for user pages (standby list 5). */
export const NORMAL_PRIORITY = 5;
/** Entries in one paging-structure page. */
export const ENTRIES = 512;

/** Paging-structure levels, top down: PML4 entries are PXEs, then PPEs, PDEs and PTEs. */
export const LEVEL_PXE = 3;
export const LEVEL_PPE = 2;
export const LEVEL_PDE = 1;
export const LEVEL_PTE = 0;

/** Low and high halves of the virtual address of page `vpn` (no bigint on hot paths). */
export function vaLo(vpn: number): number { return ((vpn % 1048576) * 4096) >>> 0; }
export function vaHi(vpn: number): number { return Math.floor(vpn / 1048576); }

/**
 * The index of `vpn`'s entry in its level-`level` table. No division: a bundled module's constants are
 * context loads, and `/` by one is a real floating-point division. VPN bits 27..35 (the PML4 index) lie
 * past 32 bits, so that one is scaled by 2^-27 (exact); the others come from the low 32 bits.
 */
export function tableIndex(level: number, vpn: number): number {
  if (level === LEVEL_PXE) return Math.floor(vpn * 7.450580596923828e-9) & 511;
  return ((vpn >>> 0) >>> (9 * level)) & 511;
}

/** MiGetPteAddress: the self-map address of the entry that maps `va`. */
export function miGetPteAddress(va: bigint, pteBase: bigint): bigint {
  return (((va >> 9n) & 0x7FFFFFFFF8n) + pteBase) & 0xFFFFFFFFFFFFFFFFn;
}
