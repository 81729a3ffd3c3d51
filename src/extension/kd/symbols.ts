// Kernel types the engine has no object layout for, but whose public-symbol layout `dt` shows without
// an address: each field's offset, name and type as `dt nt!_TYPE` prints them for Windows 10 x64
// 19041 (Vergilius Project, "Windows 10 2004 20H1 (x64)": _MMVAD, _MMVAD_SHORT, _MMPFN,
// _OBJECT_HEADER). Only the fields whose offsets the public symbols give are listed; bitfields inside
// the unions (u, u1, u2...) are left as their union. dt with an address reads them from the simulated
// memory there (user pages, pool pages) or answers with WinDbg's memory read error where nothing is
// mapped (the PFN database, for one, is not mapped in the simulated address space). Pure.

/** One field of a symbol-only type. */
export interface SymbolField { offset: number; name: string; type: string }

/** A symbol-only type: its size and fields in offset order. */
export interface SymbolType { module: string; type: string; size: number; fields: readonly SymbolField[] }

const f = (offset: number, name: string, type: string): SymbolField => ({ offset, name, type });

export const SYMBOL_TYPES: readonly SymbolType[] = [
  // The doubly linked list every kernel list is made of (wdm.h LIST_ENTRY; Flink at 0, Blink at 8).
  { module: 'nt', type: '_LIST_ENTRY', size: 0x10, fields: [f(0x000, 'Flink', 'Ptr64 _LIST_ENTRY'), f(0x008, 'Blink', 'Ptr64 _LIST_ENTRY')] },
  {
    module: 'nt', type: '_MMVAD_SHORT', size: 0x40, fields: [
      f(0x000, 'VadNode', '_RTL_BALANCED_NODE'), f(0x000, 'NextVad', 'Ptr64 _MMVAD_SHORT'),
      f(0x018, 'StartingVpn', 'Uint4B'), f(0x01c, 'EndingVpn', 'Uint4B'), f(0x020, 'StartingVpnHigh', 'UChar'),
      f(0x021, 'EndingVpnHigh', 'UChar'), f(0x022, 'CommitChargeHigh', 'UChar'), f(0x023, 'SpareNT64VadUChar', 'UChar'),
      f(0x024, 'ReferenceCount', 'Int4B'), f(0x028, 'PushLock', '_EX_PUSH_LOCK'), f(0x030, 'u', '<unnamed-tag>'),
      f(0x034, 'u1', '<unnamed-tag>'), f(0x038, 'EventList', 'Ptr64 _MI_VAD_EVENT_BLOCK'),
    ],
  },
  {
    module: 'nt', type: '_MMVAD', size: 0x88, fields: [
      f(0x000, 'Core', '_MMVAD_SHORT'), f(0x040, 'u2', '<unnamed-tag>'), f(0x048, 'Subsection', 'Ptr64 _SUBSECTION'),
      f(0x050, 'FirstPrototypePte', 'Ptr64 _MMPTE'), f(0x058, 'LastContiguousPte', 'Ptr64 _MMPTE'), f(0x060, 'ViewLinks', '_LIST_ENTRY'),
      f(0x070, 'VadsProcess', 'Ptr64 _EPROCESS'), f(0x078, 'u4', '<unnamed-tag>'), f(0x080, 'FileObject', 'Ptr64 _FILE_OBJECT'),
    ],
  },
  {
    module: 'nt', type: '_MMPFN', size: 0x30, fields: [
      f(0x000, 'ListEntry', '_LIST_ENTRY'), f(0x000, 'TreeNode', '_RTL_BALANCED_NODE'), f(0x000, 'u1', '<unnamed-tag>'),
      f(0x008, 'PteAddress', 'Ptr64 _MMPTE'), f(0x008, 'PteLong', 'Uint8B'), f(0x010, 'OriginalPte', '_MMPTE'),
      f(0x018, 'u2', '_MIPFNBLINK'), f(0x020, 'u3', '<unnamed-tag>'), f(0x024, 'NodeBlinkLow', 'Uint2B'),
      f(0x027, 'ViewCount', 'UChar'), f(0x027, 'NodeFlinkLow', 'UChar'), f(0x028, 'u4', '<unnamed-tag>'),
    ],
  },
  {
    module: 'nt', type: '_OBJECT_HEADER', size: 0x38, fields: [
      f(0x000, 'PointerCount', 'Int8B'), f(0x008, 'HandleCount', 'Int8B'), f(0x008, 'NextToFree', 'Ptr64 Void'),
      f(0x010, 'Lock', '_EX_PUSH_LOCK'), f(0x018, 'TypeIndex', 'UChar'), f(0x019, 'TraceFlags', 'UChar'),
      f(0x01a, 'InfoMask', 'UChar'), f(0x01b, 'Flags', 'UChar'), f(0x01c, 'Reserved', 'Uint4B'),
      f(0x020, 'ObjectCreateInfo', 'Ptr64 _OBJECT_CREATE_INFORMATION'), f(0x020, 'QuotaBlockCharged', 'Ptr64 Void'),
      f(0x028, 'SecurityDescriptor', 'Ptr64 Void'), f(0x030, 'Body', '_QUAD'),
    ],
  },
];
