// How the Processes view draws a process's heaps: the Heaps group, each heap (NT or segment heap, its
// LFH), its segments and the blocks tiling each segment (busy, free, uncommitted, LFH user blocks).
// Windows Internals 7e ch. 5, "Heap manager" ("Process heaps", "Heap types", "The NT heap",
// "Low-fragmentation heap", "Heap security features"); Microsoft Learn, HeapCreate / HeapAlloc.
import type { HeapBlockInfo, HeapInfo } from '../../../engine';
import { HEAP_CREATE_ENABLE_EXECUTE, HEAP_GENERATE_EXCEPTIONS, HEAP_NO_SERIALIZE } from '../../../engine/constants';
import { hex } from '../../present/format';
import type { Localizer } from '../../present/localizer';
import type { Touched } from '../model';
import { Collapsible, goneRow, row, type DescriberTable, type TreeNode } from '../row';

/** A slice of a segment's blocks and the segment's block count. */
export interface HeapBlockInfoSlice { total: number; blocks: HeapBlockInfo[] }

/** What the heap describers read (part of the Processes view's context). */
export interface HeapRowContext {
  readonly l10n: Localizer;
  readonly touched: Touched;
  readonly pid: number;
  heaps(): HeapInfo[];
  /** A slice of one segment's blocks, and how many it has. */
  heapBlocks(heap: bigint, segment: number, from: number, count: number): HeapBlockInfoSlice;
}

export type HeapNodeKind = 'heaps' | 'heap' | 'heapSegment' | 'heapBlock';

/** The heap a node belongs to: its own handle (heap) or the nearest heap above it. */
export function heapHandleOf(node: TreeNode): bigint | undefined {
  for (let n: TreeNode | undefined = node; n; n = n.parent) if (n.kind === 'heap') return n.va;
  return undefined;
}

/** The segment a block node belongs to: the nearest segment above it. */
function segmentOf(node: TreeNode): number | undefined {
  for (let n: TreeNode | undefined = node.parent; n; n = n.parent) if (n.kind === 'heapSegment') return n.index;
  return undefined;
}

const kib = (bytes: number): string => (bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.round(bytes / 1024)} KB`);

function optionNames(flags: number): string {
  const names: string[] = [];
  if (flags & HEAP_NO_SERIALIZE) names.push('HEAP_NO_SERIALIZE');
  if (flags & HEAP_GENERATE_EXCEPTIONS) names.push('HEAP_GENERATE_EXCEPTIONS');
  if (flags & HEAP_CREATE_ENABLE_EXECUTE) names.push('HEAP_CREATE_ENABLE_EXECUTE');
  return names.join(' | ') || '0';
}

function blockKindName(l10n: Localizer, kind: HeapBlockInfo['kind']): string {
  switch (kind) {
    case 'busy': return l10n.t('busy');
    case 'free': return l10n.t('free');
    case 'uncommitted': return l10n.t('uncommitted');
    case 'lfhUserBlocks': return l10n.t('LFH user blocks');
  }
}

export const heapRows: DescriberTable<HeapNodeKind, HeapRowContext> = {
  heaps: (_node, { l10n, heaps, touched, pid }) => {
    const list = heaps();
    return row({
      icon: 'database', label: l10n.t('Heaps'), collapsible: list.length ? Collapsible.Collapsed : Collapsible.None, contextValue: 'ntlab.heaps',
      tooltip: l10n.t('The heaps of this process: the process heap the loader creates at start-up (PEB.ProcessHeap; GetProcessHeap returns it), then the heaps HeapCreate made. The heap manager in Ntdll carves small blocks out of memory it reserves and commits with NtAllocateVirtualMemory (the service behind VirtualAlloc); malloc and new in the C runtime allocate from the process heap.'),
      description: list.length ? l10n.t('{0} heap(s) · {1} committed', list.length, kib(list.reduce((n, h) => n + h.committed, 0))) : l10n.t('none yet'),
      touched: touched.pids.has(pid),
    });
  },

  heap: (node, { l10n, heaps }) => {
    const h = heaps().find((x) => x.handle === node.va);
    if (!h) return goneRow(l10n.t('(destroyed)'), l10n.t('This heap no longer exists in the displayed state.'));
    const kind = h.type === 'Segment' ? l10n.t('segment heap') : l10n.t('NT heap');
    const tooltip = (): string => [
      `**${h.processHeap ? l10n.t('Process heap') : l10n.t('Heap {0}', h.index)}** \`${hex(h.handle)}\` — ${kind}`,
      '',
      '| | |\n|---|---|',
      `| ${l10n.t('Options')} | ${optionNames(h.flags)} |`,
      `| ${l10n.t('Size')} | ${h.growable ? l10n.t('growable') : l10n.t('fixed, at most {0}', kib(h.maximumSize))} |`,
      `| ${l10n.t('Reserved / committed')} | ${kib(h.reserved)} / ${kib(h.committed)} |`,
      `| ${l10n.t('Blocks')} | ${l10n.t('{0} busy, {1} free ({2} in free blocks)', h.busyBlocks, h.freeBlocks, kib(h.totalFree))} |`,
      `| ${l10n.t('Large blocks (own VirtualAlloc)')} | ${h.virtualBlocks.length} |`,
      `| LFH | ${h.lfh.buckets.length ? l10n.t('on for {0}-byte blocks', h.lfh.buckets.join(', ')) : l10n.t('off')} |`,
      `| _HEAP.Encoding | \`${hex(h.encoding)}\` |`,
      '',
      h.type === 'Segment'
        ? l10n.t('Windows 10 gives the segment heap to UWP apps and to some system processes (svchost.exe, lsass.exe, csrss.exe...); other processes get the NT heap. Here its blocks are managed like the NT heap\'s.')
        : l10n.t('The NT heap: a back end that manages segments, blocks and free lists, and the low-fragmentation heap in front of it for sizes allocated often. Each block header is XORed with the heap\'s random Encoding so an overflow cannot forge it unnoticed.'),
    ].join('\n');
    return row({
      icon: h.processHeap ? 'star-full' : 'database', label: `${hex(h.handle)}${h.processHeap ? ' ' + l10n.t('(process heap)') : ''}`,
      collapsible: Collapsible.Collapsed, contextValue: 'ntlab.heap dt', tooltip,
      description: `${kind} · ${kib(h.committed)} · ${l10n.t('{0} busy', h.busyBlocks)}${h.lfh.buckets.length ? ' · LFH' : ''}`,
    });
  },

  heapSegment: (node, c) => {
    const { l10n } = c;
    const h = c.heaps().find((x) => x.handle === heapHandleOf(node));
    const s = h?.segments[node.index!];
    if (!h || !s) return goneRow(l10n.t('(released)'), l10n.t('This segment no longer exists in the displayed state.'));
    return row({
      icon: 'symbol-array', label: l10n.t('Segment {0}', node.index!), collapsible: Collapsible.Collapsed, contextValue: 'ntlab.heapSegment dt',
      tooltip: [`**${l10n.t('Segment {0}', node.index!)}** \`${hex(s.base)}\`–\`${hex(s.end)}\``, '',
        l10n.t('A segment is one reservation made with NtAllocateVirtualMemory; the heap commits it from the front as blocks are needed and decommits large free ranges again. Blocks tile it from FirstEntry ({0}) to its end; uncommitted ranges sit between them.', hex(s.firstEntry))].join('\n'),
      description: l10n.t('{0} reserved · {1} committed · {2} uncommitted range(s)', kib(s.reserved), kib(s.committed), s.uncommittedRanges),
      touched: c.touched.touchesVa(c.pid, s.base, s.end - 1n),
    });
  },

  heapBlock: (node, c) => {
    const { l10n } = c;
    const heap = heapHandleOf(node);
    const segment = segmentOf(node);
    const from = node.index ?? 0;
    const b = heap === undefined || segment === undefined ? undefined : c.heapBlocks(heap, segment, from, 1).blocks[0];
    if (!b || b.address !== node.va) return goneRow(l10n.t('(changed)'), l10n.t('The blocks of this segment changed in the displayed state; collapse and expand the segment.'));
    const kind = blockKindName(l10n, b.kind);
    const explain = b.kind === 'uncommitted'
      ? l10n.t('An uncommitted range: reserved address space of the segment with no committed pages; the heap commits it when it needs room.')
      : b.kind === 'free'
        ? l10n.t('A free block: its header says free and a LIST_ENTRY after the header links it into _HEAP.FreeLists, sorted by size. Freeing its neighbours merges them into it.')
        : b.kind === 'lfhUserBlocks'
          ? l10n.t('User blocks of the low-fragmentation heap: one back-end block cut into equal slots for one size class.')
          : l10n.t('A busy block: a 16-byte _HEAP_ENTRY header (size and previous size in 16-byte units, flags, checksum) in front of the bytes HeapAlloc returned.');
    // A segment heap's blocks are kept like the NT heap's (README, "Where the model ends: the heap manager"): say so.
    const model = c.heaps().find((x) => x.handle === heap)?.type === 'Segment'
      ? ['', l10n.t('The lab\'s model of the segment heap: its blocks carry the NT heap\'s headers and free lists; a real segment heap lays out its blocks differently.')]
      : [];
    return row({
      icon: b.kind === 'busy' ? 'circle-filled' : b.kind === 'free' ? 'circle-outline' : b.kind === 'uncommitted' ? 'circle-slash' : 'symbol-constant',
      label: hex(b.address), collapsible: Collapsible.None, contextValue: b.kind === 'uncommitted' ? 'ntlab.heapBlock' : 'ntlab.heapBlock dt',
      tooltip: [`**${kind}** \`${hex(b.address)}\` — ${l10n.t('{0} bytes', b.size)}`, '',
        ...(b.kind === 'busy' ? [l10n.t('Data at {0}: {1} bytes requested.', hex(b.user), b.requested), ''] : []), explain, ...model].join('\n'),
      description: b.kind === 'busy' ? `${kind} · ${l10n.t('{0} bytes', b.requested)}` : `${kind} · ${l10n.t('{0} bytes', b.size)}`,
      touched: c.touched.touchesVa(c.pid, b.address, b.address + BigInt(b.size) - 1n),
    });
  },
};
