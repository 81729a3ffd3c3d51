// x64 page table entries as real 64-bit values, kept as two unsigned 32-bit halves (lo, hi) so the
// hot paths never touch bigint. Layouts follow _MMPTE_HARDWARE / _MMPTE_SOFTWARE / _MMPTE_TRANSITION /
// _MMPTE_PROTOTYPE of Windows 10 1809+ and Windows 11 ("modern", the default) and of Windows 8.1 /
// early Windows 10 ("legacy"), as the Vergilius Project lists them.

/** Which build's software PTE layouts are used. */
export type PteLayoutName = 'modern' | 'legacy';

// _MMPTE_HARDWARE (both layouts share the architectural bits).
export const PTE_VALID = 0x1;
/** Dirty1: the processor's R/W bit; Windows sets it once the page may be written without a fault. */
export const PTE_DIRTY1 = 0x2;
export const PTE_OWNER = 0x4;
export const PTE_WRITE_THROUGH = 0x8;
export const PTE_CACHE_DISABLE = 0x10;
export const PTE_ACCESSED = 0x20;
export const PTE_DIRTY = 0x40;
export const PTE_LARGE_PAGE = 0x80;
export const PTE_GLOBAL = 0x100;
export const PTE_COPY_ON_WRITE = 0x200;
/** Write: Windows' software copy of "this page is writable". */
export const PTE_WRITE = 0x800;
/** NoExecute, bit 63, in the high half. */
export const PTE_HI_NO_EXECUTE = 0x80000000;

// Invalid PTEs (both layouts).
export const PTE_PROTOTYPE = 0x400;
export const PTE_TRANSITION = 0x800;
export const PROTECTION_SHIFT = 5;
export const PROTECTION_MASK = 0x1F;

// MM protection masks (the 5-bit Protection field).
export const MM_ZERO_ACCESS = 0;
export const MM_READONLY = 1;
export const MM_EXECUTE = 2;
export const MM_EXECUTE_READ = 3;
export const MM_READWRITE = 4;
export const MM_WRITECOPY = 5;
export const MM_EXECUTE_READWRITE = 6;
export const MM_EXECUTE_WRITECOPY = 7;
export const MM_NOCACHE = 0x8;
export const MM_GUARD_PAGE = 0x10;
/** A decommitted page inside a committed-at-reserve region: guard bit with zero access. */
export const MM_DECOMMIT = 0x10;
export const MM_NOACCESS = 0x18;
export const MM_WRITECOMBINE = 0x18;

export const PFN_LOW_BITS = 20; // PFN bits held in the low half (bits 12..31)
const PFN_LOW_MASK = 0xFFFFF;

/** Encodes a page frame number into the low/high halves at bit 12. */
export function pfnLo(pfn: number): number {
  return ((pfn & PFN_LOW_MASK) << 12) >>> 0;
}
export function pfnHi(pfn: number, width: number): number {
  return Math.floor(pfn / 0x100000) & ((1 << (width - PFN_LOW_BITS)) - 1);
}
/** Reads the PFN at bits 12.. of a PTE (hardware or transition). */
export function ptePfn(lo: number, hi: number, width: number): number {
  return (lo >>> 12) + (hi & ((1 << (width - PFN_LOW_BITS)) - 1)) * 0x100000;
}
export function pteProtection(lo: number): number {
  return (lo >>> PROTECTION_SHIFT) & PROTECTION_MASK;
}

/** Field positions that differ between builds. */
export interface PteLayout {
  readonly name: PteLayoutName;
  /** Width of PageFrameNumber in a hardware PTE. */
  readonly hardwarePfnBits: number;
  /** Width of PageFrameNumber in a transition PTE. */
  readonly transitionPfnBits: number;
  /** PageFileLow position and width in _MMPTE_SOFTWARE. */
  readonly pageFileLowShift: number;
  readonly pageFileLowBits: number;
  /** Protection position in _MMPTE_PROTOTYPE. */
  readonly protoProtectionShift: number;
}

export const PTE_LAYOUTS: Readonly<Record<PteLayoutName, PteLayout>> = {
  modern: { name: 'modern', hardwarePfnBits: 36, transitionPfnBits: 40, pageFileLowShift: 12, pageFileLowBits: 4, protoProtectionShift: 5 },
  legacy: { name: 'legacy', hardwarePfnBits: 36, transitionPfnBits: 36, pageFileLowShift: 1, pageFileLowBits: 4, protoProtectionShift: 11 },
};

/** The kinds of PTE a learner meets; `kind` decides which fields apply. */
export type PteKind = 'zero' | 'hardware' | 'demandZero' | 'transition' | 'pageFile' | 'prototype' | 'decommitted';

export function pteKind(lo: number, hi: number, layout: PteLayout): PteKind {
  if (lo & PTE_VALID) return 'hardware';
  if (lo === 0 && hi === 0) return 'zero';
  if (lo & PTE_PROTOTYPE) return 'prototype';
  if (lo & PTE_TRANSITION) return 'transition';
  if (hi !== 0) return 'pageFile';
  const prot = pteProtection(lo);
  if (prot === MM_DECOMMIT && pageFileLow(lo, layout) === 0) return 'decommitted';
  return 'demandZero';
}

export function pageFileLow(lo: number, layout: PteLayout): number {
  return (lo >>> layout.pageFileLowShift) & ((1 << layout.pageFileLowBits) - 1);
}

// ---- encoders (return the low half; the high half is returned by the companion or is 0) ----

/** A valid user PTE for `pfn` with the given MM protection. Accessed/dirty start clear. */
export function makeValidLo(pfn: number, mmProtection: number, user: boolean): number {
  let lo = PTE_VALID | pfnLo(pfn);
  if (user) lo |= PTE_OWNER;
  const access = mmProtection & 7;
  if (access === MM_READWRITE || access === MM_EXECUTE_READWRITE) lo |= PTE_WRITE;
  if (access === MM_WRITECOPY || access === MM_EXECUTE_WRITECOPY) lo |= PTE_COPY_ON_WRITE;
  if ((mmProtection & MM_WRITECOMBINE) === MM_NOCACHE) lo |= PTE_CACHE_DISABLE;
  if ((mmProtection & MM_WRITECOMBINE) === MM_WRITECOMBINE) lo |= PTE_WRITE_THROUGH;
  return lo >>> 0;
}
export function makeValidHi(pfn: number, mmProtection: number): number {
  let hi = pfnHi(pfn, PTE_LAYOUTS.modern.hardwarePfnBits);
  const access = mmProtection & 7;
  if (access !== MM_EXECUTE && access !== MM_EXECUTE_READ && access !== MM_EXECUTE_READWRITE && access !== MM_EXECUTE_WRITECOPY) hi |= PTE_HI_NO_EXECUTE;
  return hi >>> 0;
}
/** A page-directory-level entry pointing at a lower paging structure (always writable, user). */
export function makeTableLo(pfn: number): number {
  return (PTE_VALID | PTE_DIRTY1 | PTE_OWNER | PTE_ACCESSED | PTE_DIRTY | PTE_WRITE | pfnLo(pfn)) >>> 0;
}
export function makeTableHi(pfn: number): number {
  return pfnHi(pfn, PTE_LAYOUTS.modern.hardwarePfnBits);
}
/** Demand-zero software PTE: committed, never touched (PageFileHigh = 0). */
export function makeDemandZeroLo(mmProtection: number): number {
  return (mmProtection << PROTECTION_SHIFT) >>> 0;
}
/** Transition PTE: the page is still in memory on the standby or modified list. */
export function makeTransitionLo(pfn: number, mmProtection: number): number {
  return (PTE_TRANSITION | (mmProtection << PROTECTION_SHIFT) | pfnLo(pfn)) >>> 0;
}
export function makeTransitionHi(pfn: number, layout: PteLayout): number {
  return pfnHi(pfn, layout.transitionPfnBits);
}
/** Paging-file PTE: the contents are at `slot` (PageFileHigh) of paging file `fileNumber` (PageFileLow). */
export function makePageFileLo(fileNumber: number, mmProtection: number, layout: PteLayout): number {
  let lo = (mmProtection << PROTECTION_SHIFT) | (fileNumber << layout.pageFileLowShift);
  if (layout.name === 'modern') lo |= 0x4; // PageFileAllocated
  return lo >>> 0;
}
export function pageFileHigh(hi: number): number {
  return hi >>> 0;
}

/** Splits a 64-bit value into halves. */
export function split64(v: bigint): [lo: number, hi: number] {
  return [Number(v & 0xFFFFFFFFn), Number((v >> 32n) & 0xFFFFFFFFn)];
}
export function join64(lo: number, hi: number): bigint {
  return (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
}

/** Every field of a PTE, decoded for display (`!pte`-style). */
export interface DecodedPte {
  kind: PteKind;
  value: bigint;
  fields: Record<string, number | bigint | boolean>;
}

export function decodePte(lo: number, hi: number, layout: PteLayout): DecodedPte {
  const kind = pteKind(lo, hi, layout);
  const value = join64(lo, hi);
  const bit = (n: number): boolean => ((lo >>> n) & 1) === 1;
  let fields: Record<string, number | bigint | boolean>;
  switch (kind) {
    case 'hardware':
      fields = {
        Valid: true, Dirty1: bit(1), Owner: bit(2), WriteThrough: bit(3), CacheDisable: bit(4), Accessed: bit(5),
        Dirty: bit(6), LargePage: bit(7), Global: bit(8), CopyOnWrite: bit(9), Write: bit(11),
        PageFrameNumber: ptePfn(lo, hi, layout.hardwarePfnBits), NoExecute: (hi & PTE_HI_NO_EXECUTE) !== 0,
      };
      break;
    case 'transition':
      fields = { Valid: false, Write: bit(1), Protection: pteProtection(lo), Prototype: false, Transition: true, PageFrameNumber: ptePfn(lo, hi, layout.transitionPfnBits) };
      break;
    case 'prototype':
      fields = { Valid: false, Protection: (lo >>> layout.protoProtectionShift) & PROTECTION_MASK, Prototype: true, ProtoAddress: value >> 16n };
      break;
    case 'pageFile':
      fields = { Valid: false, Protection: pteProtection(lo), Prototype: false, Transition: false, PageFileLow: pageFileLow(lo, layout), PageFileHigh: hi >>> 0 };
      break;
    case 'demandZero':
    case 'decommitted':
      fields = { Valid: false, Protection: pteProtection(lo), Prototype: false, Transition: false, PageFileLow: pageFileLow(lo, layout), PageFileHigh: 0 };
      break;
    case 'zero':
      fields = {};
      break;
  }
  return { kind, value, fields };
}
