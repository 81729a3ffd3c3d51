// The NT heap's structures as ntdll lays them out on Windows 10 x64 (19041-19045, public symbols of
// ntdll: `dt ntdll!_HEAP`, `_HEAP_ENTRY`, `_HEAP_SEGMENT`, `_HEAP_VIRTUAL_ALLOC_ENTRY`), and the tuning
// values a fresh heap gets (as `dt _HEAP` shows them on Windows 10 x64). One table: the bytes the heap
// writes into simulated memory and the dt layouts read from it cannot disagree.

/** The _HEAP_SEGMENT fields every segment starts with; the first segment's are the start of the _HEAP itself. */
const SEGMENT_FIELDS = {
  Entry: 0x0,
  SegmentSignature: 0x10,
  SegmentFlags: 0x14,
  SegmentListEntry: 0x18,
  Heap: 0x28,
  BaseAddress: 0x30,
  NumberOfPages: 0x38,
  FirstEntry: 0x40,
  LastValidEntry: 0x48,
  NumberOfUnCommittedPages: 0x50,
  NumberOfUnCommittedRanges: 0x54,
} as const;

/** _HEAP (0x2C0 bytes). It begins with the first segment's _HEAP_SEGMENT fields. */
export const HEAP = {
  size: 0x2C0,
  ...SEGMENT_FIELDS,
  Flags: 0x70,
  ForceFlags: 0x74,
  EncodeFlagMask: 0x7C,
  Encoding: 0x80,
  VirtualMemoryThreshold: 0x94,
  Signature: 0x98,
  SegmentReserve: 0xA0,
  SegmentCommit: 0xA8,
  DeCommitFreeBlockThreshold: 0xB0,
  DeCommitTotalFreeThreshold: 0xB8,
  TotalFreeSize: 0xC0,
  MaximumAllocationSize: 0xC8,
  ProcessHeapsListIndex: 0xD0,
  VirtualAllocdBlocks: 0x110,
  SegmentList: 0x120,
  BlocksIndex: 0x138,
  FreeLists: 0x150,
  LockVariable: 0x160,
  FrontEndHeap: 0x198,
  FrontEndHeapType: 0x1A2,
  FrontEndHeapUsageData: 0x1A8,
  FrontEndHeapMaximumIndex: 0x1B0,
  FrontEndHeapStatusBitmap: 0x1B2,
  Counters: 0x238,
  TuningParameters: 0x2B0,
} as const;

/** _HEAP_SEGMENT (0x70 bytes): the header of every segment after the first (the first one is the _HEAP). */
export const HEAP_SEGMENT = { size: 0x70, ...SEGMENT_FIELDS } as const;

/**
 * _HEAP_ENTRY (16 bytes on x64): the header in front of every block. Size and PreviousSize count
 * 16-byte granules; SmallTagIndex is the XOR of the three bytes before it (the header checksum).
 * Bytes 8..15 are stored XORed with _HEAP.Encoding (EncodeFlagMask 0x100000): Windows Internals 7e
 * ch. 5, "Heap security features" (block metadata randomization).
 */
export const HEAP_ENTRY = {
  size: 0x10,
  PreviousBlockPrivateData: 0x0,
  Size: 0x8,
  Flags: 0xA,
  SmallTagIndex: 0xB,
  PreviousSize: 0xC,
  SegmentOffset: 0xE,
  UnusedBytes: 0xF,
} as const;
/** _HEAP_FREE_ENTRY: a free block's header followed by its LIST_ENTRY in _HEAP.FreeLists. */
export const HEAP_FREE_ENTRY = { FreeList: 0x10 } as const;

/** _HEAP_VIRTUAL_ALLOC_ENTRY (0x40 bytes): in front of a block VirtualAlloc'd on its own (Entry, ExtraStuff, CommitSize, ReserveSize, BusyBlock). */
export const HEAP_VIRTUAL_ALLOC_ENTRY = {
  size: 0x40,
  Entry: 0x0,
  CommitSize: 0x20,
  ReserveSize: 0x28,
  BusyBlock: 0x30,
} as const;

/** _HEAP_USERDATA_HEADER: the head of an LFH subsegment's user blocks (SubSegment, Reserved, SizeIndex..., Signature 0xF0E0D0C0). */
export const HEAP_USERDATA_HEADER = { size: 0x20, Signature: 0x18 } as const;

/** _HEAP_ENTRY.Flags. */
export const HEAP_ENTRY_BUSY = 0x01;
export const HEAP_ENTRY_EXTRA_PRESENT = 0x02;
export const HEAP_ENTRY_VIRTUAL_ALLOC = 0x08;
export const HEAP_ENTRY_LAST_ENTRY = 0x10;

/** _HEAP.SegmentSignature and _HEAP.Signature; the segment heap's _SEGMENT_HEAP.Signature; LFH user blocks. */
export const HEAP_SEGMENT_SIGNATURE = 0xFFEEFFEE;
export const HEAP_SIGNATURE = 0xEEFFEEFF;
export const SEGMENT_HEAP_SIGNATURE = 0xDDEEDDEE;
export const LFH_USERBLOCKS_SIGNATURE = 0xF0E0D0C0;
/** _HEAP.EncodeFlagMask of a heap whose entries are encoded. */
export const HEAP_ENCODE_FLAG_MASK = 0x100000;

/** Heap granularity on x64: 16 bytes (Windows Internals 7e ch. 5, "Heap manager"). */
export const GRANULE = 16;
/** The smallest block: a header and one granule (room for the free-list links once freed). */
export const MIN_BLOCK = 32;

/**
 * Where the first block of the first segment starts: the _HEAP (0x2C0), its _HEAP_LOCK and the
 * BlocksIndex (_HEAP_LIST_LOOKUP) come first; `dt _HEAP` on Windows 10 x64 shows FirstEntry at base + 0x740.
 */
export const FIRST_ENTRY_OFFSET = 0x740;
/** A later segment's first block follows its _HEAP_SEGMENT. */
export const SEGMENT_FIRST_ENTRY_OFFSET = HEAP_SEGMENT.size;

/**
 * The tuning a fresh heap gets (`dt _HEAP` on Windows 10 x64): VirtualMemoryThreshold 0xFF00 granules
 * (blocks above it get their own VirtualAlloc), SegmentReserve 1 MB, SegmentCommit 8 KB,
 * DeCommitFreeBlockThreshold 0x400 and DeCommitTotalFreeThreshold 0x1000 granules.
 */
export const VIRTUAL_MEMORY_THRESHOLD = 0xFF00 * GRANULE;
export const SEGMENT_RESERVE = 0x100000;
export const SEGMENT_COMMIT = 0x2000;
export const DECOMMIT_FREE_BLOCK_THRESHOLD = 0x400 * GRANULE;
export const DECOMMIT_TOTAL_FREE_THRESHOLD = 0x1000 * GRANULE;
/** _HEAP.MaximumAllocationSize on x64. */
export const MAXIMUM_ALLOCATION_SIZE = 0x7FFFFFFDEFFF;
/**
 * The largest block (header included) a non-growable heap (HeapCreate with dwMaximumSize != 0) serves: such a
 * heap cannot give a block its own virtual allocation, so a block must fit under VirtualMemoryThreshold.
 * Microsoft Learn, HeapCreate: the largest block is "slightly less than 512 KB for a 32-bit process and slightly
 * less than 1,024 KB for a 64-bit process" (HeapAlloc's "less than 0x7FFF8" is the 32-bit figure). The lab's model
 * of "slightly less": 0xFF00 granules with the header, so at most 0xFEFF0 user bytes (1,020 KB less 16 bytes).
 */
export const FIXED_HEAP_MAXIMUM_BLOCK = VIRTUAL_MEMORY_THRESHOLD;

/**
 * The LFH serves blocks up to 16 KB (Microsoft Learn, "Low-fragmentation Heap": "the system does not use
 * the LFH for allocations larger than approximately 16 KB").
 */
export const LFH_MAXIMUM_BLOCK = 0x4000;
/**
 * The LFH turns on for a size class after 17 back-end allocations of it; the 18th allocation is the
 * first the front end serves (Windows Internals 7e ch. 5, "The low-fragmentation heap": enabled by
 * heuristics per size; the threshold as measured on Windows 10 by the heap's FrontEndHeapUsageData
 * counters, e.g. "The real LFH activation behavior", debugoff.com).
 */
export const LFH_ACTIVATION_THRESHOLD = 17;

/** _HEAP.FrontEndHeapType: 0 none, 2 the LFH. */
export const FRONT_END_LFH = 2;

/**
 * The PEB's list of the process's heaps (`dt ntdll!_PEB` on Windows 10 x64): NumberOfHeaps,
 * MaximumNumberOfHeaps and ProcessHeaps, an array the simulation keeps right after the PEB in the PEB's
 * page (16 entries; GetProcessHeaps reads the heap manager's own list, so later heaps are never lost).
 */
export const PEB_HEAPS = { NumberOfHeaps: 0xE8, MaximumNumberOfHeaps: 0xEC, ProcessHeaps: 0xF0, arrayOffset: 0x7C8, capacity: 16 } as const;
