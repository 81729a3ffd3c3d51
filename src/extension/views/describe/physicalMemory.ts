// How the Physical Memory view draws each kind of node: one describer per kind (commit, pageList,
// standbyPriority, activePages, pfn, range), and per page list its icon and explanation. The model
// (views/model.ts, PhysicalMemoryModel) finds the nodes and the counts; these only turn them into rows.
// Lists: Windows Internals 7e, ch. 5, "Page frame number database" and "Page list dynamics".
import type { CommitInfo, MemoryCompressionInformation, PfnInfo, SystemMemoryListInformation, SystemSpaceInfo } from '../../../engine';
import { formatPages, hex } from '../../present/format';
import type { Localizer } from '../../present/localizer';
import { mdText } from '../../present/markdown';
import { listLabel, listPageCount, PAGE_LIST_INDEX, pagesOnLists, standbyIndex, standbyPriorityOf, type PageListName } from '../../present/names';
import { pfnFields, type PfnField } from '../../present/pfn';
import type { Touched } from '../model';
import { Collapsible, rangeRow, row, type DescriberTable } from '../row';

/** What a Physical Memory describer reads. */
export interface MemoryRowContext {
  readonly l10n: Localizer;
  readonly touched: Touched;
  readonly physicalPageCount: number;
  lists(): SystemMemoryListInformation;
  commit(): CommitInfo;
  compression(): MemoryCompressionInformation;
  pfn(pfn: number): PfnInfo;
  systemSpace(): SystemSpaceInfo | undefined;
}

export type MemoryNodeKind = 'commit' | 'compression' | 'pageList' | 'standbyPriority' | 'activePages' | 'pfn' | 'range' | 'systemSpace' | 'systemPool' | 'poolTag' | 'systemPtes' | 'systemWorkingSet';

const listRow = (node: { kind: 'pageList' | 'standbyPriority'; list?: PageListName; priority?: number }, { l10n, touched: t, lists }: MemoryRowContext) => {
  const list = node.list!;
  const n = listPageCount(lists(), list, node.priority);
  const index = node.priority !== undefined ? standbyIndex(node.priority) : PAGE_LIST_INDEX[list];
  const isTouched = t.lists.has(index) || (list === 'Standby' && node.priority === undefined && [...t.lists].some((x) => standbyPriorityOf(x) !== undefined));
  return row({
    icon: listIcon(list), label: node.kind === 'standbyPriority' ? l10n.t('Priority {0}', node.priority!) : listLabel(l10n, list),
    collapsible: n || node.kind === 'pageList' && list === 'Standby' ? Collapsible.Collapsed : Collapsible.None, contextValue: `ntlab.pageList.${list}`,
    description: n === 1 ? l10n.t('{0} page · {1}', n, formatPages(n)) : l10n.t('{0} pages · {1}', n, formatPages(n)),
    tooltip: listTooltip(l10n, list), touched: isTouched,
  });
};

export const memoryRows: DescriberTable<MemoryNodeKind, MemoryRowContext> = {
  commit: (_node, { l10n, touched, commit }) => {
    const c = commit();
    return row({
      icon: 'graph', label: l10n.t('Commit charge'), collapsible: Collapsible.None, contextValue: 'ntlab.commit',
      description: `${formatPages(c.CommitTotal)} / ${formatPages(c.CommitLimit)}`,
      tooltip: [l10n.t('**Commit charge** {0} of the commit limit {1} (peak {2}).', formatPages(c.CommitTotal), formatPages(c.CommitLimit), formatPages(c.CommitPeak)), '',
        l10n.t('Committed private memory and page tables are charged against the commit limit (RAM plus paging files). When the charge would exceed the limit, VirtualAlloc fails with ERROR_COMMITMENT_LIMIT.')].join('\n'),
      touched: touched.commit,
    });
  },

  // Task Manager's Memory page: "In use (Compressed)" and its tooltip "Compressed memory (X) stores an estimated Y
  // of data, saving the system Z"; Windows Internals 7e ch. 5, "Memory compression".
  compression: (_node, { l10n, touched, compression }) => {
    const c = compression();
    const mb = (bytes: number): string => formatPages(bytes / 4096);
    return row({
      icon: 'archive', label: l10n.t('Memory compression'), collapsible: Collapsible.None, contextValue: 'ntlab.compression',
      description: c.Enabled ? l10n.t('{0} compressed · stores {1} · saves {2}', mb(c.StoreBytes), mb(c.UncompressedBytes), mb(c.SavedBytes)) : l10n.t('off'),
      tooltip: [
        c.Enabled
          ? l10n.t('**Compressed memory** {0} (the store\'s regions in the Memory Compression process, pid {1}; {2} resident) stores {3} pages ({4} of data in {5} bytes compressed), saving the system {6}.', mb(c.StoreBytes), c.ProcessId, formatPages(c.StoreResidentPages), c.CompressedPages, mb(c.UncompressedBytes), c.CompressedBytes, mb(c.SavedBytes))
          : l10n.t('**Memory compression** is off: modified private pages go to the paging file.'),
        '',
        l10n.t('The store manager compresses modified private pages into the Memory Compression process instead of writing them to the paging file; a fault on such a page decompresses it (SmPageRead). The simulation compresses with its own LZ77 coder (not Xpress): zero-filled and repetitive pages shrink, random bytes are kept whole; entries are packed in 16-byte units in 64 KB regions.'),
      ].join('\n'),
      touched: touched.system,
    });
  },

  pageList: listRow,
  standbyPriority: listRow,

  activePages: (_node, { l10n, lists, physicalPageCount }) => {
    const n = physicalPageCount - pagesOnLists(lists());
    return row({
      icon: 'pass-filled', label: l10n.t('Active'), collapsible: Collapsible.None, contextValue: 'ntlab.activePages',
      description: n === 1 ? l10n.t('{0} page · {1}', n, formatPages(n)) : l10n.t('{0} pages · {1}', n, formatPages(n)),
      tooltip: l10n.t('Pages in use: mapped by a valid PTE (in a working set, or a page table) or in transition while I/O is in flight. They are on no list.'),
    });
  },

  pfn: (node, c) => {
    const pfn = node.pfn!;
    const info = c.pfn(pfn);
    return row({
      icon: 'file-binary', label: c.l10n.t('PFN {0}', hex(pfn)), collapsible: Collapsible.None, contextValue: 'ntlab.pfn dt',
      description: pfnDescription(c.l10n, info), tooltip: () => pfnTooltip(c.l10n, pfn, info), touched: c.touched.pfns.has(pfn),
    });
  },

  range: (node, c) => rangeRow(c.l10n, node, listPageCount(c.lists(), node.list!, node.priority)),

  // The system address space (Windows Internals 7th ed., Part 1, ch. 5, "Kernel-mode heaps (system memory
  // pools)", "System PTEs", "System working sets"); the same state as !poolused, !sysptes and !vm.
  systemSpace: (_node, { l10n, systemSpace }) => {
    const s = systemSpace();
    return row({
      icon: 'server', label: l10n.t('System'), collapsible: Collapsible.Collapsed, contextValue: 'ntlab.systemSpace',
      description: s ? l10n.t('commit {0}', formatPages(s.commit.total)) : '',
      tooltip: s ? [l10n.t('**System address space**: nonpaged and paged pool, system PTEs (kernel stacks), the system working set.'), '',
        ...s.regions.map((r) => `${r.name}: ${hex(r.base)} – ${hex(r.end)}`), '',
        l10n.t('The system commit: {0} of the kernel itself, {1} of pool pages, {2} of kernel stacks.', formatPages(s.commit.base), formatPages(s.commit.pool), formatPages(s.commit.kernelStacks)), '',
        l10n.t('Simplified: the classic pool allocator (no segment heap, no look-aside lists); kernel stacks and session space have addresses and commit but no pages.')].join('\n') : '',
    });
  },

  systemPool: (node, { l10n, systemSpace }) => {
    const s = systemSpace();
    const paged = node.index === 1;
    const pages = s ? (paged ? s.pagedPoolPages : s.nonPagedPoolPages) : 0;
    const bytes = s ? (paged ? s.pagedPoolBytes : s.nonPagedPoolBytes) : 0;
    return row({
      icon: paged ? 'file-submodule' : 'lock', label: paged ? l10n.t('Paged pool') : l10n.t('Nonpaged pool'), collapsible: Collapsible.Collapsed, contextValue: 'ntlab.systemPool',
      description: l10n.t('{0} in use · {1}', String(bytes), formatPages(pages)),
      tooltip: paged
        ? l10n.t('Paged pool: kernel memory that may be paged out. Its resident pages are in the paged pool working set (one of the system working sets); a trimmed page faults back like a user page. Rows: use by pool tag (allocations and bytes, as !poolused shows).')
        : l10n.t('Nonpaged pool: kernel memory that is always resident (it can be touched at any IRQL). The executive\'s process and thread objects live here. Rows: use by pool tag (allocations and bytes, as !poolused shows).'),
    });
  },

  poolTag: (node, { l10n, systemSpace }) => {
    const t = systemSpace()?.tags.find((x) => x.tag === node.tag);
    const paged = node.index === 1;
    const allocs = t ? (paged ? t.pagedAllocs - t.pagedFrees : t.nonPagedAllocs - t.nonPagedFrees) : 0;
    const bytes = t ? (paged ? t.pagedBytes : t.nonPagedBytes) : 0;
    return row({
      icon: 'tag', label: `'${node.tag ?? ''}'`, collapsible: Collapsible.None, contextValue: 'ntlab.poolTag',
      description: l10n.t('{0} allocation(s) · {1} bytes', allocs, bytes),
      tooltip: l10n.t('Pool tag {0}: {1} allocation(s) and {2} free(s) so far; {3} bytes in use (block sizes, headers included).', `'${node.tag ?? ''}'`, t ? (paged ? t.pagedAllocs : t.nonPagedAllocs) : 0, t ? (paged ? t.pagedFrees : t.nonPagedFrees) : 0, bytes),
    });
  },

  systemPtes: (_node, { l10n, systemSpace }) => {
    const s = systemSpace()?.systemPtes;
    return row({
      icon: 'layers', label: l10n.t('System PTEs'), collapsible: Collapsible.None, contextValue: 'ntlab.systemPtes',
      description: s ? l10n.t('{0} of {1} in use · {2} kernel stacks', s.inUse, s.total, s.kernelStacks) : '',
      tooltip: l10n.t('System PTEs map kernel stacks, I/O space and MDLs. Each thread\'s 24 KB kernel stack takes six of them plus a guard PTE (MiReservePtes); they go back when the thread ends.'),
    });
  },

  systemWorkingSet: (_node, { l10n, systemSpace }) => {
    const s = systemSpace();
    return row({
      icon: 'pulse', label: l10n.t('System working set'), collapsible: Collapsible.None, contextValue: 'ntlab.systemWorkingSet',
      description: s ? l10n.t('{0} pages (peak {1})', s.workingSet.size, s.workingSet.peak) : '',
      tooltip: l10n.t('Windows keeps three system working sets: the system cache\'s, paged pool\'s, and the system PTEs\' (pageable kernel and driver code). The lab models one, holding the resident pages of paged pool (Windows\' paged pool working set). The balance set manager trims it when memory is low.'),
    });
  },
};

function listIcon(list: PageListName): string {
  switch (list) {
    case 'Zeroed': return 'circle-large-outline';
    case 'Free': return 'circle-outline';
    case 'Standby': return 'history';
    case 'Modified': return 'edit';
    case 'ModifiedNoWrite': return 'lock';
    case 'Bad': return 'error';
  }
}

function listTooltip(l10n: Localizer, list: PageListName): string {
  switch (list) {
    case 'Zeroed': return l10n.t('**Zeroed list**: free pages already filled with zeros, ready for demand-zero faults. The zero page thread refills it from the free list.');
    case 'Free': return l10n.t('**Free list**: pages whose contents are garbage (a process freed them). They must be zeroed before a process sees them.');
    case 'Standby': return l10n.t('**Standby list** (priorities 0-7): clean pages removed from working sets, still holding valid data. A fault on one is a soft fault; otherwise they are repurposed, lowest priority first.');
    case 'Modified': return l10n.t('**Modified list**: dirty pages removed from working sets. The modified page writer writes them to the paging file, then they move to standby.');
    case 'ModifiedNoWrite': return l10n.t('**Modified no-write list**: dirty pages that must not be written out yet (for example, held for a file system log).');
    case 'Bad': return l10n.t('**Bad list**: pages that failed a memory test; never used.');
  }
}

function pfnDescription(l10n: Localizer, info: PfnInfo): string {
  const parts: string[] = [info.State];
  if (info.OwnerPid) parts.push(l10n.t('pid {0}', info.OwnerPid));
  if (info.PageTable) parts.push(l10n.t('page table'));
  if (info.State === 'Standby') parts.push(l10n.t('priority {0}', info.Priority));
  return parts.join(' · ');
}

/** An MMPFN field in a markdown table: pointers and frame numbers in hex, counts in decimal. */
function pfnCell(f: PfnField): string {
  switch (f.kind) {
    case 'pointer': return `\`${hex(f.value)}\``;
    case 'frame': return hex(f.value);
    case 'count': case 'bit': return String(f.value);
    case 'location': return mdText(f.value);
  }
}

/** The MMPFN of a page frame: the fields of `dt nt!_MMPFN` (present/pfn.ts) as a markdown table. */
function pfnTooltip(l10n: Localizer, pfn: number, info: PfnInfo): string {
  return [
    `**MMPFN** ${hex(pfn)} — ${mdText(info.State)}`, '',
    '| | |\n|---|---|',
    ...pfnFields(info).map((f) => `| ${f.name} | ${pfnCell(f)} |`),
    '',
    l10n.t('The PFN database holds one MMPFN per physical page: its state (list), the PTE that maps it, and its share and reference counts.'),
  ].join('\n');
}
