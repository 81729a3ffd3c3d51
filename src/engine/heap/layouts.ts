// `dt`-style layouts of the heap's structures at their addresses: ntdll!_HEAP, _HEAP_SEGMENT and
// _HEAP_ENTRY at the offsets of heap/layout.ts (Windows 10 x64 19041-19045 public symbols), with the
// values the heap wrote into the process's memory. A _HEAP_ENTRY is shown decoded (bytes 8..15 XORed
// back with _HEAP.Encoding, as `!heap -i` does); `db` on the same address shows the encoded bytes.
import { PAGE_SIZE } from '../constants';
import type { ProcessObject } from '../process';
import type { Heap } from './heap';
import {
  DECOMMIT_FREE_BLOCK_THRESHOLD, DECOMMIT_TOTAL_FREE_THRESHOLD, FRONT_END_LFH, GRANULE, HEAP, HEAP_ENCODE_FLAG_MASK, HEAP_ENTRY,
  HEAP_SEGMENT, HEAP_SEGMENT_SIGNATURE, HEAP_SIGNATURE, MAXIMUM_ALLOCATION_SIZE, SEGMENT_COMMIT, SEGMENT_HEAP_SIGNATURE, SEGMENT_RESERVE,
  VIRTUAL_MEMORY_THRESHOLD,
} from './layout';
import { BLOCK_BUSY, BLOCK_UNCOMMITTED } from './ntHeap';

/** A field as describeObject returns it (ps/layouts.ts ObjectField; `ref` leads to another heap structure by address). */
export interface HeapLayoutField { offset: number; name: string; type: string; value: string | number | bigint; ref?: { kind: 'HEAP' | 'HEAP_SEGMENT' | 'HEAP_ENTRY'; pid: number; index: number } }
export interface HeapLayout { typeName: string; address: bigint; size: number; fields: HeapLayoutField[]; source: string }

const SOURCE = 'ntdll public symbols, Windows 10 x64 19041-19045 (dt ntdll!_HEAP / _HEAP_SEGMENT / _HEAP_ENTRY)';

/** The heap of `p` that holds `address` (its _HEAP, a segment or a block), or undefined. */
function heapAt(p: ProcessObject, address: number): Heap | undefined {
  for (const h of p.heaps?.heaps ?? []) for (const s of h.segments) if (address >= s.base && address < s.base + s.reserve) return h;
  return undefined;
}

/** ntdll!_HEAP at `address` (a heap handle of `p`), or the segment heap's head for a segment heap. */
export function heapLayout(p: ProcessObject, address: number): HeapLayout | undefined {
  const h = p.heaps?.find(address);
  if (!h) return undefined;
  const pid = p.pid;
  const a = BigInt(h.base);
  if (h.type === 'Segment') {
    return {
      typeName: '_SEGMENT_HEAP', address: a, size: 0x800, source: `${SOURCE}; the segment heap's internals are simplified (its blocks are managed as the NT heap's)`,
      fields: [{ offset: 0x10, name: 'Signature', type: 'Uint4B', value: SEGMENT_HEAP_SIGNATURE }],
    };
  }
  const [ucPages, ucRanges] = h.uncommitted(0);
  const s0 = h.segments[0]!;
  const lfh = h.lfhEnabled;
  const sub = h.subsegments[0];
  const fields: HeapLayoutField[] = [
    { offset: HEAP.Entry, name: 'Entry', type: '_HEAP_ENTRY', value: a, ref: { kind: 'HEAP_ENTRY', pid, index: h.base } },
    { offset: HEAP.SegmentSignature, name: 'SegmentSignature', type: 'Uint4B', value: HEAP_SEGMENT_SIGNATURE },
    { offset: HEAP.SegmentFlags, name: 'SegmentFlags', type: 'Uint4B', value: 0 },
    { offset: HEAP.SegmentListEntry, name: 'SegmentListEntry', type: '_LIST_ENTRY', value: `[ ${h.segments.length} segment(s) ]` },
    { offset: HEAP.Heap, name: 'Heap', type: 'Ptr64 _HEAP', value: a },
    { offset: HEAP.BaseAddress, name: 'BaseAddress', type: 'Ptr64 Void', value: a },
    { offset: HEAP.NumberOfPages, name: 'NumberOfPages', type: 'Uint4B', value: s0.reserve / PAGE_SIZE },
    { offset: HEAP.FirstEntry, name: 'FirstEntry', type: 'Ptr64 _HEAP_ENTRY', value: BigInt(s0.firstEntry), ref: { kind: 'HEAP_ENTRY', pid, index: s0.firstEntry } },
    { offset: HEAP.LastValidEntry, name: 'LastValidEntry', type: 'Ptr64 _HEAP_ENTRY', value: BigInt(s0.base + s0.reserve) },
    { offset: HEAP.NumberOfUnCommittedPages, name: 'NumberOfUnCommittedPages', type: 'Uint4B', value: ucPages },
    { offset: HEAP.NumberOfUnCommittedRanges, name: 'NumberOfUnCommittedRanges', type: 'Uint4B', value: ucRanges },
    { offset: HEAP.Flags, name: 'Flags', type: 'Uint4B', value: h.flags },
    { offset: HEAP.ForceFlags, name: 'ForceFlags', type: 'Uint4B', value: h.flags & ~2 },
    { offset: HEAP.EncodeFlagMask, name: 'EncodeFlagMask', type: 'Uint4B', value: HEAP_ENCODE_FLAG_MASK },
    { offset: HEAP.Encoding, name: 'Encoding', type: '_HEAP_ENTRY', value: `bytes 8..15: ${h.encodingLo.toString(16).padStart(8, '0')} ${h.encodingHi.toString(16).padStart(8, '0')}` },
    { offset: HEAP.VirtualMemoryThreshold, name: 'VirtualMemoryThreshold', type: 'Uint4B', value: VIRTUAL_MEMORY_THRESHOLD / GRANULE },
    { offset: HEAP.Signature, name: 'Signature', type: 'Uint4B', value: HEAP_SIGNATURE },
    { offset: HEAP.SegmentReserve, name: 'SegmentReserve', type: 'Uint8B', value: SEGMENT_RESERVE },
    { offset: HEAP.SegmentCommit, name: 'SegmentCommit', type: 'Uint8B', value: SEGMENT_COMMIT },
    { offset: HEAP.DeCommitFreeBlockThreshold, name: 'DeCommitFreeBlockThreshold', type: 'Uint8B', value: DECOMMIT_FREE_BLOCK_THRESHOLD / GRANULE },
    { offset: HEAP.DeCommitTotalFreeThreshold, name: 'DeCommitTotalFreeThreshold', type: 'Uint8B', value: DECOMMIT_TOTAL_FREE_THRESHOLD / GRANULE },
    { offset: HEAP.TotalFreeSize, name: 'TotalFreeSize', type: 'Uint8B', value: h.totalFree / GRANULE },
    { offset: HEAP.MaximumAllocationSize, name: 'MaximumAllocationSize', type: 'Uint8B', value: MAXIMUM_ALLOCATION_SIZE },
    { offset: HEAP.ProcessHeapsListIndex, name: 'ProcessHeapsListIndex', type: 'Uint2B', value: h.listIndex },
    { offset: HEAP.VirtualAllocdBlocks, name: 'VirtualAllocdBlocks', type: '_LIST_ENTRY', value: `[ ${h.virtualBlocks.size} block(s) ]` },
    { offset: HEAP.SegmentList, name: 'SegmentList', type: '_LIST_ENTRY', value: `[ ${h.segments.length} segment(s) ]` },
    { offset: HEAP.BlocksIndex, name: 'BlocksIndex', type: 'Ptr64 Void', value: a + 0x2E8n },
    { offset: HEAP.FreeLists, name: 'FreeLists', type: '_LIST_ENTRY', value: h.freeHead < 0 ? '[ empty ]' : `[ 0x${(h.addr[h.freeHead]! + 0x10).toString(16)} - 0x${(h.addr[h.freeTail]! + 0x10).toString(16)} ]` },
    { offset: HEAP.LockVariable, name: 'LockVariable', type: 'Ptr64 _HEAP_LOCK', value: a + BigInt(HEAP.size) },
    { offset: HEAP.FrontEndHeap, name: 'FrontEndHeap', type: 'Ptr64 Void', value: sub ? BigInt(sub.block + GRANULE) : 0n },
    { offset: HEAP.FrontEndHeapType, name: 'FrontEndHeapType', type: 'UChar', value: lfh ? FRONT_END_LFH : 0 },
    { offset: HEAP.FrontEndHeapMaximumIndex, name: 'FrontEndHeapMaximumIndex', type: 'Uint2B', value: 0x80 },
  ];
  return { typeName: '_HEAP', address: a, size: HEAP.size, fields, source: SOURCE };
}

/** ntdll!_HEAP_SEGMENT at `address` (a segment after a heap's first; the first one is the _HEAP). */
export function heapSegmentLayout(p: ProcessObject, address: number): HeapLayout | undefined {
  const h = heapAt(p, address);
  const index = h?.segments.findIndex((s) => s.base === address) ?? -1;
  if (!h || index < 0) return undefined;
  const s = h.segments[index]!;
  const [ucPages, ucRanges] = h.uncommitted(index);
  const pid = p.pid;
  return {
    typeName: '_HEAP_SEGMENT', address: BigInt(address), size: HEAP_SEGMENT.size, source: SOURCE,
    fields: [
      { offset: HEAP_SEGMENT.Entry, name: 'Entry', type: '_HEAP_ENTRY', value: BigInt(address) },
      { offset: HEAP_SEGMENT.SegmentSignature, name: 'SegmentSignature', type: 'Uint4B', value: h.type === 'Segment' && index === 0 ? SEGMENT_HEAP_SIGNATURE : HEAP_SEGMENT_SIGNATURE },
      { offset: HEAP_SEGMENT.SegmentFlags, name: 'SegmentFlags', type: 'Uint4B', value: index === 0 ? 0 : 1 },
      { offset: HEAP_SEGMENT.SegmentListEntry, name: 'SegmentListEntry', type: '_LIST_ENTRY', value: `[ segment ${index} of ${h.segments.length} ]` },
      { offset: HEAP_SEGMENT.Heap, name: 'Heap', type: 'Ptr64 _HEAP', value: BigInt(h.base), ref: { kind: 'HEAP', pid, index: h.base } },
      { offset: HEAP_SEGMENT.BaseAddress, name: 'BaseAddress', type: 'Ptr64 Void', value: BigInt(s.base) },
      { offset: HEAP_SEGMENT.NumberOfPages, name: 'NumberOfPages', type: 'Uint4B', value: s.reserve / PAGE_SIZE },
      { offset: HEAP_SEGMENT.FirstEntry, name: 'FirstEntry', type: 'Ptr64 _HEAP_ENTRY', value: BigInt(s.firstEntry), ref: { kind: 'HEAP_ENTRY', pid, index: s.firstEntry } },
      { offset: HEAP_SEGMENT.LastValidEntry, name: 'LastValidEntry', type: 'Ptr64 _HEAP_ENTRY', value: BigInt(s.base + s.reserve) },
      { offset: HEAP_SEGMENT.NumberOfUnCommittedPages, name: 'NumberOfUnCommittedPages', type: 'Uint4B', value: ucPages },
      { offset: HEAP_SEGMENT.NumberOfUnCommittedRanges, name: 'NumberOfUnCommittedRanges', type: 'Uint4B', value: ucRanges },
    ],
  };
}

/** ntdll!_HEAP_ENTRY at `address` (a block header of one of p's heaps), decoded. */
export function heapEntryLayout(p: ProcessObject, address: number): HeapLayout | undefined {
  const h = heapAt(p, address);
  if (!h) return undefined;
  const pid = p.pid;
  if (address === h.base) {
    // The _HEAP's own entry: a busy block over the header area, up to FirstEntry.
    return entry(BigInt(address), h.segments[0]!.firstEntry - h.base, BLOCK_BUSY, 0, 0, 0);
  }
  const id = h.byAddr.get(address);
  if (id === undefined || h.blockFlags[id]! & BLOCK_UNCOMMITTED) return undefined;
  const size = h.size[id]!;
  const busy = h.blockFlags[id]! & BLOCK_BUSY;
  const next = h.next(id);
  const layout = entry(BigInt(address), size, busy | (next < 0 ? 0x10 : 0), h.prev[id]!, h.segment[id]!, busy ? Math.min(0x3F, size - h.requested[id]!) : 0);
  if (next >= 0 && !(h.blockFlags[next]! & BLOCK_UNCOMMITTED)) layout.fields.push({ offset: -1, name: '(next block)', type: 'Ptr64 _HEAP_ENTRY', value: BigInt(h.addr[next]!), ref: { kind: 'HEAP_ENTRY', pid, index: h.addr[next]! } });
  return layout;
}

function entry(address: bigint, size: number, flags: number, previousSize: number, segment: number, unused: number): HeapLayout {
  const g = size / GRANULE;
  const b8 = g & 0xFF;
  const b9 = (g >> 8) & 0xFF;
  return {
    typeName: '_HEAP_ENTRY', address, size: HEAP_ENTRY.size, source: `${SOURCE}; shown decoded with _HEAP.Encoding`,
    fields: [
      { offset: HEAP_ENTRY.PreviousBlockPrivateData, name: 'PreviousBlockPrivateData', type: 'Ptr64 Void', value: 0n },
      { offset: HEAP_ENTRY.Size, name: 'Size', type: 'Uint2B', value: g & 0xFFFF },
      { offset: HEAP_ENTRY.Flags, name: 'Flags', type: 'UChar', value: flags },
      { offset: HEAP_ENTRY.SmallTagIndex, name: 'SmallTagIndex', type: 'UChar', value: b8 ^ b9 ^ flags },
      { offset: HEAP_ENTRY.PreviousSize, name: 'PreviousSize', type: 'Uint2B', value: (previousSize / GRANULE) & 0xFFFF },
      { offset: HEAP_ENTRY.SegmentOffset, name: 'SegmentOffset', type: 'UChar', value: segment & 0xFF },
      { offset: HEAP_ENTRY.UnusedBytes, name: 'UnusedBytes', type: 'UChar', value: unused },
    ],
  };
}
