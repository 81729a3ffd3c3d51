// !heap: the heaps of the current process, after the Microsoft Learn page "!heap": no argument lists
// the heaps (address and NT/segment heap), -s summarizes each (reserved, committed, free, UCRs,
// virtual blocks, LFH), -a [Heap] shows segments and every entry ("address: psize . size flags -
// state (requested size)"), -x Address finds the block that holds an address. Sizes are in hex, as
// the extension prints them; columns the simulation has no value for (lock contention) are left out.
import { KdError } from './expr';
import { hexDigits as hexw, pointerDigits as ptr16 } from '../present/format';
import { right } from './format';
import type { KdSteps } from './kd';
import type { KdTarget } from './target';

type Out = string[];
/** !heap -a lists at most this many entries per segment (the command stays within its time budget). */
const MAX_ENTRIES = 2000;

/** !heap [-s | -a [Heap] | -x Address]; -a yields after each entry (the console prints it slice by slice). */
export function* cmdHeap(t: KdTarget, args: string[], out: Out): KdSteps {
  const s = t.system;
  const p = s.queryProcess(t.pid);
  const heaps = s.queryHeaps(t.pid);
  const flag = (args[0] ?? '').toLowerCase();
  if (!heaps.length) { out.push(`No heaps in ${p?.imageFileName ?? 'this process'} (the loader has not created the process heap yet)`); return; }
  if (flag === '') {
    out.push('        Heap Address      NT/Segment Heap', '');
    for (const h of heaps) out.push(`${right(h.handle.toString(16), 20)}  ${right(h.type === 'Segment' ? 'Segment Heap' : 'NT Heap', 19)}`);
    return;
  }
  if (flag === '-s') {
    out.push('          Heap     Flags   Reserv  Commit  Virt   Free  List   UCR  Virt  Fast', '                            (k)     (k)    (k)     (k) length      blocks heap', '-'.repeat(81));
    for (const h of heaps) {
      const ucr = h.segments.reduce((n, x) => n + x.uncommittedRanges, 0);
      const virt = h.virtualBlocks.reduce((n, b) => n + b.reserved, 0);
      out.push(`${ptr16(h.handle)} ${hexw(h.flags, 8)} ${right(h.reserved >> 10, 7)} ${right(h.committed >> 10, 7)} ${right(virt >> 10, 6)} ${right(h.totalFree >> 10, 6)} ${right(h.freeBlocks, 5)} ${right(ucr, 5)} ${right(h.virtualBlocks.length, 5)}  ${h.type === 'Segment' ? 'Seg' : h.lfh.buckets.length ? 'LFH' : ''}`);
    }
    out.push('-'.repeat(81));
    return;
  }
  if (flag === '-a') {
    const only = args[1] !== undefined ? t.eval(args[1]) : undefined;
    const chosen = only === undefined ? heaps : heaps.filter((h) => h.handle === only);
    if (!chosen.length) throw new KdError(`${ptr16(only ?? 0n)} is not a heap of this process`);
    out.push('Index   Address  Name      Debugging options enabled');
    for (const h of chosen) {
      out.push(`${right(h.index, 3)}:   ${h.handle.toString(16)}${h.processHeap ? '  (process heap)' : ''}${h.type === 'Segment' ? '  Segment heap' : ''}`);
      for (const seg of h.segments) out.push(`    Segment at ${ptr16(seg.base)} to ${ptr16(seg.end)} (${hexw(seg.committed, 8)} bytes committed)`);
      out.push(`    Flags:                ${hexw(h.flags, 8)}`, `    Total free size:      ${hexw(h.totalFree / 16, 8)}`, `    Lfh buckets:          ${h.lfh.buckets.length ? h.lfh.buckets.map((b) => b.toString(16)).join(' ') : '(none)'}`);
      for (const [i, seg] of h.segments.entries()) {
        out.push('', `    Segment${String(i).padStart(2, '0')} at ${seg.base.toString(16)}:`, `        Base:            ${seg.base.toString(16)}`, `        First Entry:     ${seg.firstEntry.toString(16)}`,
          `        Last Entry:      ${seg.end.toString(16)}`, `        Total Pages:     ${hexw(seg.reserved / 4096, 8)}`, `        Total UnCommit:  ${hexw((seg.reserved - seg.committed) / 4096, 8)}`,
          `        UnCommitted Ranges: (${seg.uncommittedRanges})`, '', `    Heap entries for Segment${String(i).padStart(2, '0')} in Heap ${ptr16(h.handle)}`, '         address: psize . size  flags   state (requested size)');
        const { total, blocks } = s.queryHeapBlocks(t.pid, h.handle, 0, MAX_ENTRIES, i);
        for (const b of blocks) {
          yield;
          if (b.kind === 'uncommitted') { out.push(`        ${ptr16(b.address)}:      ${hexw(b.size, 8)}      - uncommitted bytes.`); continue; }
          const state = b.kind === 'free' ? 'free' : b.kind === 'lfhUserBlocks' ? 'busy  (LFH user blocks)' : `busy (${b.requested.toString(16)})`;
          out.push(`        ${ptr16(b.address)}: ${hexw(b.previousSize, 5)} . ${hexw(b.size, 5)} [${b.kind === 'free' ? '00' : '01'}] - ${state}`);
        }
        if (total > blocks.length) out.push(`        ... ${total - blocks.length} more entries`);
      }
      for (const v of h.virtualBlocks) out.push(`    Virtual block: ${ptr16(v.address - 0x40n)} - ${ptr16(v.address - 0x40n + BigInt(v.reserved))} (${hexw(v.requested, 8)} bytes requested)`);
    }
    return;
  }
  if (flag === '-x') {
    if (args[1] === undefined) throw new KdError('!heap -x needs an address');
    const a = t.eval(args[1]);
    for (const h of heaps) {
      const v = h.virtualBlocks.find((b) => a >= b.address - 0x40n && a < b.address - 0x40n + BigInt(b.reserved));
      if (v) { out.push('Entry             User              Heap              Segment               Size  PrevSize  Unused    Flags', '-'.repeat(109), `${ptr16(v.address - 0x40n)}  ${ptr16(v.address)}  ${ptr16(h.handle)}  (virtual block)  ${right(v.reserved.toString(16), 8)}         0  ${right((v.reserved - 0x40 - v.requested).toString(16), 6)}  busy virtual`); return; }
      const si = h.segments.findIndex((x) => a >= x.base && a < x.end);
      if (si < 0) continue;
      const { blocks } = s.queryHeapBlocks(t.pid, h.handle, 0, Infinity, si);
      const b = blocks.find((x) => a >= x.address && a < x.address + BigInt(x.size));
      out.push('Entry             User              Heap              Segment               Size  PrevSize  Unused    Flags', '-'.repeat(109));
      if (!b) { out.push(`${ptr16(a)} is in the header of heap ${ptr16(h.handle)}`); return; }
      const state = b.kind === 'uncommitted' ? 'uncommitted' : b.kind === 'free' ? 'free' : b.kind === 'lfhUserBlocks' ? 'busy LFH-user-blocks' : 'busy';
      out.push(`${ptr16(b.address)}  ${ptr16(b.user)}  ${ptr16(h.handle)}  ${ptr16(h.segments[si]!.base)}  ${right(b.size.toString(16), 8)}  ${right(b.previousSize.toString(16), 8)}  ${right(b.kind === 'busy' ? (b.size - 16 - b.requested).toString(16) : '0', 6)}  ${state}`);
      return;
    }
    out.push(`${ptr16(a)} is not in a heap of this process`);
    return;
  }
  throw new KdError(`!heap: unknown option ${args[0]} (use no option, -s, -a [Heap] or -x Address)`);
}
