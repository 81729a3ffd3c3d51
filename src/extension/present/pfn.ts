// The one description of a page frame's MMPFN on the host side: which fields, in which order, under
// which names, with which values. The sidebar's PFN tooltip (views/describe/physicalMemory.ts) and the
// `dt nt!_MMPFN` document (documents/layout.ts) both render these, each in its own format. Pure: no `vscode`.
// Field names: the public symbols of nt!_MMPFN (u2.ShareCount, u3.e1.PageLocation, u4.PteFrame...);
// Windows Internals 7e, ch. 5, "Page frame number database", Figure 5-40 (states of PFN entries).
import type { PfnInfo } from '../../engine';
import { address, hex } from './format';

/**
 * How a field's value reads: `pointer` a virtual address or PTE contents, `count` a counter,
 * `frame` a page frame number, `bit` a one-bit flag, `location` the page list name (u3.e1.PageLocation).
 */
export type PfnField =
  | { readonly name: string; readonly kind: 'pointer'; readonly value: bigint }
  | { readonly name: string; readonly kind: 'count' | 'frame' | 'bit'; readonly value: number }
  | { readonly name: string; readonly kind: 'location'; readonly value: string };

/** The fields of a page frame's MMPFN, in the order the dt document lists them. */
export function pfnFields(info: PfnInfo): PfnField[] {
  return [
    { name: 'PteAddress', kind: 'pointer', value: info.PteAddress },
    { name: 'OriginalPte', kind: 'pointer', value: info.OriginalPte },
    { name: 'u2.ShareCount', kind: 'count', value: info.ShareCount },
    { name: 'u3.ReferenceCount', kind: 'count', value: info.ReferenceCount },
    { name: 'u3.e1.PageLocation', kind: 'location', value: info.State },
    { name: 'u3.e1.Modified', kind: 'bit', value: info.Modified ? 1 : 0 },
    // Priority is in the third byte's flags, MMPFNENTRY3 (u3.e3 at +0x23), not in e1 (19041 public symbols).
    { name: 'u3.e3.Priority', kind: 'count', value: info.Priority },
    { name: 'u4.PteFrame', kind: 'frame', value: info.PteFrame },
    { name: 'u4.PrototypePte', kind: 'bit', value: info.PrototypePte ? 1 : 0 },
    // No WsIndex: Windows 10's _MMPFN has none (19041: u1 is a list link or _MI_ACTIVE_PFN).
  ];
}

/** A field's value as plain text (the page-fault panel's PFN tables): pointers as addresses, frames in hex, counts in decimal. */
export function pfnFieldText(f: PfnField): string {
  switch (f.kind) {
    case 'pointer': return address(f.value);
    case 'frame': return hex(f.value);
    case 'count': case 'bit': case 'location': return String(f.value);
  }
}
