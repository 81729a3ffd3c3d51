// The heap manager's invariants, checked from scratch (verifyIntegrity runs them with the memory
// manager's): blocks tile every segment with consistent PreviousSize links and no two free neighbours;
// the free lists hold exactly the free blocks, sorted by size, with correct hints and TotalFreeSize; the
// committed and uncommitted ranges are what the segment's VAD and PTEs say; resident headers decode to
// what the heap believes; the LFH's slots and the VirtualAlloc'd blocks are accounted for.
import { PAGE_SIZE } from '../constants';
import { MEM_COMMIT, MEM_RESERVE } from '../constants';
import type { MemoryManager } from '../mm/memoryManager';
import { virtualQuery } from '../mm/virtual';
import type { ProcessObject } from '../process';
import type { Heap } from './heap';
import { decodeHeader, peekUser } from './inspect';
import { GRANULE, HEAP_ENTRY_BUSY, MIN_BLOCK } from './layout';
import { BLOCK_BUSY, BLOCK_UNCOMMITTED, BLOCK_USERBLOCKS } from './ntHeap';

/** At most this many headers per heap are read back from memory (the check stays fast on large heaps). */
const HEADER_SAMPLE = 4000;

export function verifyHeapIntegrity(mm: MemoryManager, processes: ReadonlyArray<ProcessObject | undefined>): string[] {
  const errors: string[] = [];
  const err = (m: string): void => { if (errors.length < 50) errors.push(m); };
  for (const p of processes) {
    if (!p || p.exited || !p.heaps) continue;
    const list = p.heaps;
    if (list.processHeap && !list.find(list.processHeap)) err(`pid ${p.pid}: process heap ${list.processHeap.toString(16)} is not in the heap list`);
    list.heaps.forEach((h, i) => {
      if (h.listIndex !== i + 1) err(`pid ${p.pid} heap ${h.base.toString(16)}: ProcessHeapsListIndex ${h.listIndex}, position ${i + 1}`);
      checkHeap(mm, p, h, (m) => err(`pid ${p.pid} heap ${h.base.toString(16)}: ${m}`));
    });
  }
  return errors;
}

function checkHeap(mm: MemoryManager, p: ProcessObject, h: Heap, err: (m: string) => void): void {
  // 1. Blocks tile each segment.
  let walked = 0;
  let freeBlocks = 0;
  let freeBytes = 0;
  let busy = 0;
  let headers = 0;
  const header = new Uint8Array(16);
  h.segments.forEach((s, si) => {
    let at = s.firstEntry;
    let prevSize = 0;
    let prevFree = false;
    let runStart = s.base;
    const end = s.base + s.reserve;
    const vad = p.vads.find(Math.floor(s.base / PAGE_SIZE));
    if (!vad || vad.startVpn * PAGE_SIZE !== s.base || (vad.endVpn + 1) * PAGE_SIZE !== end) err(`segment ${si} [${s.base.toString(16)}, ${end.toString(16)}) is not one VAD`);
    const checkCommitted = (from: number, to: number): void => {
      if (to <= from) return;
      // Region by region: a program may change the protection of heap pages (VirtualProtect), which
      // splits the committed range into regions that are all still committed (the fuzz campaign, issue 19).
      for (let at = from; at < to;) {
        const mbi = virtualQuery(mm, p, BigInt(at));
        const regionEnd = Number(mbi.BaseAddress + mbi.RegionSize);
        if (mbi.State !== MEM_COMMIT || regionEnd <= at) { err(`committed range [${from.toString(16)}, ${to.toString(16)}) is not committed (State ${mbi.State} at ${at.toString(16)}, region to ${regionEnd.toString(16)})`); return; }
        at = regionEnd;
      }
    };
    while (at < end) {
      const id = h.byAddr.get(at);
      if (id === undefined) { err(`segment ${si}: no block at ${at.toString(16)}`); return; }
      walked++;
      const size = h.size[id]!;
      const f = h.blockFlags[id]!;
      if (h.segment[id] !== si) err(`block ${at.toString(16)} in segment ${si} says ${h.segment[id]}`);
      if (h.prev[id] !== prevSize) err(`block ${at.toString(16)}: PreviousSize ${h.prev[id]} but the block before has ${prevSize}`);
      if (f & BLOCK_UNCOMMITTED) {
        if (at % PAGE_SIZE || size % PAGE_SIZE || size <= 0) err(`uncommitted range ${at.toString(16)}+${size.toString(16)} is not whole pages`);
        checkCommitted(runStart, at);
        const mbi = virtualQuery(mm, p, BigInt(at));
        if (mbi.State !== MEM_RESERVE || Number(mbi.BaseAddress + mbi.RegionSize) < at + size) err(`uncommitted range ${at.toString(16)}+${size.toString(16)} is not reserved-only (State ${mbi.State})`);
        runStart = at + size;
        prevFree = false;
      } else {
        if (size < MIN_BLOCK || size % GRANULE) err(`block ${at.toString(16)} has size ${size}`);
        const isFree = (f & BLOCK_BUSY) === 0;
        if (isFree) {
          freeBlocks++;
          freeBytes += size;
          if (prevFree) err(`free blocks at ${(at - prevSize).toString(16)} and ${at.toString(16)} were not coalesced`);
        } else busy++;
        prevFree = isFree;
        if (headers < HEADER_SAMPLE && peekUser(mm, p, at, header)) {
          headers++;
          const d = decodeHeader(h, header);
          if (!d.checksumOk) err(`header at ${at.toString(16)}: checksum (SmallTagIndex) does not match`);
          if (d.size !== size % (0x10000 * GRANULE)) err(`header at ${at.toString(16)}: Size ${d.size} in memory, ${size} in the heap`);
          if ((d.flags & HEAP_ENTRY_BUSY) !== (f & BLOCK_BUSY)) err(`header at ${at.toString(16)}: busy flag ${d.flags & 1} in memory`);
        }
      }
      prevSize = size;
      at += size;
    }
    if (at !== end) err(`segment ${si}: blocks end at ${at.toString(16)}, not at ${end.toString(16)}`);
    checkCommitted(runStart, end);
  });
  if (walked !== h.byAddr.size) err(`${h.byAddr.size} blocks known, ${walked} tile the segments`);
  if (busy !== h.busyCount) err(`busy count ${h.busyCount}, ${busy} busy blocks`);
  // 2. The free lists: every free block once, sorted by size, hints at the first of each size.
  let listed = 0;
  let last = -1;
  let prevSize = 0;
  const firstOfSize = new Map<number, number>();
  for (let id = h.freeHead; id >= 0; id = h.flink[id]!) {
    if (++listed > walked) { err('the free list loops'); break; }
    if (h.blockFlags[id] !== 0) err(`free list holds block ${h.addr[id]!.toString(16)} with flags ${h.blockFlags[id]}`);
    if (h.blink[id] !== last) err(`free list: Blink of ${h.addr[id]!.toString(16)} is wrong`);
    if (h.size[id]! < prevSize) err(`free list not sorted at ${h.addr[id]!.toString(16)}`);
    const k = Math.min(h.size[id]! / GRANULE, 128);
    if (!firstOfSize.has(k)) firstOfSize.set(k, id);
    prevSize = h.size[id]!;
    last = id;
  }
  if (h.freeTail !== last) err('free list tail is wrong');
  if (listed !== freeBlocks) err(`${freeBlocks} free blocks, ${listed} on the free list`);
  if (h.totalFree !== freeBytes) err(`TotalFreeSize ${h.totalFree}, free blocks hold ${freeBytes}`);
  for (let k = 0; k <= 128; k++) if ((firstOfSize.get(k) ?? -1) !== h.hints[k]) err(`ListHints[${k}] is ${h.hints[k]}, the first free block of that size is ${firstOfSize.get(k) ?? -1}`);
  // 3. The LFH: user blocks are busy back-end blocks; the slot map matches the busy slots.
  let busySlots = 0;
  h.subsegments.forEach((s, si) => {
    const id = h.byAddr.get(s.block);
    if (id === undefined || !(h.blockFlags[id]! & BLOCK_USERBLOCKS)) err(`LFH subsegment ${si}: user blocks at ${s.block.toString(16)} are not a user-blocks block`);
    let n = 0;
    for (let i = 0; i < s.count; i++) if (s.busy[i]) { n++; if (h.lfhSlots.get(s.firstSlot + i * s.slotSize + GRANULE) !== si * 256 + i) err(`LFH subsegment ${si} slot ${i} busy but not in the slot map`); }
    if (s.count - n !== s.free) err(`LFH subsegment ${si}: ${s.free} free slots counted, ${s.count - n} found`);
    busySlots += n;
  });
  if (busySlots !== h.lfhSlots.size) err(`${h.lfhSlots.size} LFH slots mapped, ${busySlots} busy`);
  // 4. VirtualAlloc'd blocks: each its own committed VAD.
  for (const [user, b] of h.virtualBlocks) {
    const vad = p.vads.find(Math.floor(b.base / PAGE_SIZE));
    if (!vad || vad.startVpn * PAGE_SIZE !== b.base) err(`large block ${user.toString(16)} has no VAD of its own`);
    if (user - b.base !== 0x40 || b.requested + 0x40 > b.size) err(`large block ${user.toString(16)}: sizes do not fit`);
  }
}
