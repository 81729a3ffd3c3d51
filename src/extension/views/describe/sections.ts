// How the Sections view draws each kind of node: one describer per kind (section, controlArea,
// segment, subsection, protoPte, sectionViews, sectionView, range). The model (views/objects.ts,
// SectionsModel) finds the nodes and the data; these only turn them into rows.
// Windows Internals 7e, ch. 5, "Section objects" and "Prototype PTEs".
import type { PrototypePteInfo, SectionInfo } from '../../../engine';
import { flagNames, PROTECTION_NAMES } from '../../commands/parse';
import { formatBytes, formatPages, hex, PAGE_SIZE_N } from '../../present/format';
import type { Localizer } from '../../present/localizer';
import { mdCode, mdText } from '../../present/markdown';
import type { Touched } from '../model';
import { Collapsible, goneRow, rangeRow, row, type DescriberTable } from '../row';

/**
 * What a Sections-view describer reads: the control area of the node (it exists). Its `views` are listed
 * only for the kinds that show them (protoPte, sectionView): listing views walks every process's VADs, so
 * the other rows count views by CONTROL_AREA.NumberOfMappedViews, which equals that list (integrity.ts).
 */
export interface SectionRowContext {
  readonly l10n: Localizer;
  readonly touched: Touched;
  readonly section: SectionInfo;
  /** Whether a step touched this control area. */
  readonly sectionTouched: boolean;
  /** A prototype PTE of this control area, decoded. */
  pte(index: number): PrototypePteInfo | undefined;
  imageName(pid: number): string;
}

export type SectionNodeKind = 'section' | 'controlArea' | 'segment' | 'subsection' | 'protoPte' | 'sectionViews' | 'sectionView' | 'range';

const protection = (p: number): string => flagNames(p, PROTECTION_NAMES);
const baseName = (path: string): string => path.slice(path.lastIndexOf('\\') + 1);

export const sectionRows: DescriberTable<SectionNodeKind, SectionRowContext> = {
  section: (_node, { l10n, section: s, sectionTouched: touched }) => {
    const named = s.sectionObjects.find((o) => o.name !== null);
    const label = named?.name ? baseName(named.name) : s.file ? baseName(s.file) : l10n.t('Unnamed section');
    const kind = s.image ? l10n.t('image') : s.file ? l10n.t('mapped file') : l10n.t('paging file');
    const objects = s.sectionObjects.map((o) => `- ${o.name !== null ? mdCode(o.name) : `\`${l10n.t('(unnamed)')}\``} — ${formatBytes(o.size)}, ${protection(o.protect)}`);
    return row({
      label, icon: s.image ? 'file-code' : s.file ? 'file' : 'files', collapsible: Collapsible.Collapsed, contextValue: 'ntlab.section',
      tooltip: () => [
        `**${l10n.t('Section object')}** — ${kind}`, '',
        ...(objects.length ? objects : [l10n.t('No section object refers to it any more; its views keep the control area alive.')]), '',
        l10n.t('A section object (a file mapping object in Win32) is memory that processes can share: backed by the paging file (CreateFileMapping with INVALID_HANDLE_VALUE) or by a file. Every process maps its image and ntdll.dll through image sections.'),
      ].join('\n'),
      description: `${kind} · ${formatPages(s.totalPtes)} · ${s.numberOfMappedViews === 1 ? l10n.t('{0} view', s.numberOfMappedViews) : l10n.t('{0} views', s.numberOfMappedViews)}`, touched,
    });
  },

  controlArea: (_node, { l10n, section: s, sectionTouched: touched }) => row({
    label: l10n.t('Control area {0}', s.controlArea), icon: 'symbol-structure', collapsible: Collapsible.Expanded, contextValue: 'ntlab.controlArea dt',
    tooltip: () => [
      `**CONTROL_AREA** ${s.controlArea}${s.file ? ` — ${mdCode(s.file)}` : ''}`, '',
      '| | |\n|---|---|',
      `| NumberOfSectionReferences | ${s.numberOfSectionReferences} |`,
      `| NumberOfMappedViews | ${s.numberOfMappedViews} |`,
      `| ${l10n.t('Commit charge')} | ${l10n.t('{0} pages', s.commitCharge)} |`,
      `| u.Flags | ${[s.image ? 'Image' : '', s.file ? 'File' : '', s.reserve ? 'Reserve (SEC_RESERVE)' : ''].filter(Boolean).join(', ') || '0'} |`, '',
      l10n.t('The control area is the memory manager\'s record of one mapped file (an image gets its own control area apart from the data one) or of one paging-file-backed section. It points to the segment and the subsections and counts the section references and mapped views; it goes away once both reach zero and none of its pages is still in memory.'),
    ].join('\n'),
    description: [s.numberOfSectionReferences === 1 ? l10n.t('{0} section reference', 1) : l10n.t('{0} section references', s.numberOfSectionReferences),
      s.numberOfMappedViews === 1 ? l10n.t('{0} view', 1) : l10n.t('{0} views', s.numberOfMappedViews),
      l10n.t('commit {0}', s.commitCharge === 1 ? l10n.t('{0} page', 1) : l10n.t('{0} pages', s.commitCharge))].join(' · '),
    touched,
  }),

  segment: (_node, { l10n, section: s, sectionTouched: touched }) => row({
    label: l10n.t('Segment'), icon: 'symbol-array', collapsible: s.totalPtes ? Collapsible.Collapsed : Collapsible.None, contextValue: 'ntlab.segment',
    tooltip: () => [
      `**SEGMENT** — ${l10n.t('{0} prototype PTEs', s.totalPtes)}`, '',
      '| | |\n|---|---|',
      `| PrototypePte | \`${hex(s.prototypePteBase)}\` |`,
      `| TotalNumberOfPtes | ${s.totalPtes} |`,
      `| ${l10n.t('Committed')} | ${s.committedPtes} |`,
      `| ${l10n.t('Resident (valid or transition)')} | ${s.residentPages} |`,
      `| ${l10n.t('Valid')} | ${s.validPages} |`, '',
      l10n.t('The segment holds the prototype PTEs: one per page of the section, in paged pool. The PTEs of every view point to them, so the page\'s state is kept once for all the processes that share it.'),
    ].join('\n'),
    description: l10n.t('{0} prototype PTEs · {1} resident', s.totalPtes, s.residentPages), touched,
  }),

  subsection: (node, { l10n, section: s }) => {
    const sub = s.subsections[node.index!]!;
    const last = sub.firstPte + sub.ptes - 1;
    return row({
      label: sub.name || l10n.t('Subsection {0}', node.index!), icon: 'symbol-field', collapsible: Collapsible.None, contextValue: 'ntlab.subsection',
      tooltip: () => [
        `**SUBSECTION** ${sub.name ? mdCode(sub.name) : node.index!}`, '',
        '| | |\n|---|---|',
        `| ${l10n.t('Prototype PTEs')} | ${sub.firstPte}–${last} (${sub.ptes}) |`,
        `| ${l10n.t('Protection')} | ${protection(sub.protect)} |`,
        ...(s.file ? [`| ${l10n.t('File offset')} | ${hex(sub.fileOffset)} |`, `| ${l10n.t('Raw size')} | ${formatBytes(sub.rawSize)} |`] : []), '',
        l10n.t('A subsection maps a run of prototype PTEs to where their data lives: for a file, a file offset (for an image, one subsection per PE section with its own protection). A prototype PTE of a page not in memory points to its subsection: a subsection PTE.'),
      ].join('\n'),
      description: `${l10n.t('PTEs {0}–{1}', sub.firstPte, last)} · ${protection(sub.protect)}`,
    });
  },

  protoPte: (node, c) => {
    const { l10n, section: s } = c;
    const p = c.pte(node.index!);
    if (!p) return goneRow(l10n.t('(gone)'), '');
    const mappers = s.views.filter((v) => p.index >= v.firstPrototypeIndex && p.index < v.firstPrototypeIndex + Number(v.size / PAGE_SIZE_N));
    const description = [pteKindLabel(l10n, p.kind), p.pfn !== null ? l10n.t('PFN {0}', hex(p.pfn)) : '', p.kind === 'zero' ? '' : protection(p.protect)].filter(Boolean).join(' · ');
    return row({
      label: l10n.t('PTE {0}', p.index), icon: pteIcon(p.kind), collapsible: Collapsible.None, contextValue: 'ntlab.protoPte',
      tooltip: () => [
        `**${l10n.t('Prototype PTE {0}', p.index)}** \`${hex(p.address)}\` = \`${hex(p.decoded.value)}\``, '',
        `${pteKindLabel(l10n, p.kind)}: ${pteKindExplanation(l10n, p.kind)}`, '',
        ...(mappers.length ? [l10n.t('Mapped by:'), ...mappers.map((v) => `- ${mdText(c.imageName(v.pid))} (pid ${v.pid}) \`${hex(v.base + BigInt(p.index - v.firstPrototypeIndex) * PAGE_SIZE_N)}\``), ''] : []),
        l10n.t('A prototype PTE is the shared copy of a page\'s state. A process PTE of a view points to it until the page is faulted in; then it is a valid hardware PTE with the same PFN, and the page\'s MMPFN.PteAddress points back to the prototype PTE. When the last process drops the page it goes to the standby or modified list, and the prototype PTE becomes a transition PTE.'),
      ].join('\n'),
      description, touched: p.pfn !== null && c.touched.pfns.has(p.pfn), reveal: p.pfn !== null ? { type: 'pfn', id: p.pfn } : undefined,
    });
  },

  sectionViews: (_node, { l10n, section: s, sectionTouched: touched }) => row({
    label: l10n.t('Views'), icon: 'window', collapsible: s.numberOfMappedViews ? Collapsible.Collapsed : Collapsible.None, contextValue: 'ntlab.sectionViews',
    tooltip: l10n.t('The mapped views of this section: each is a VAD in a process (MapViewOfFile, NtMapViewOfSection) whose PTEs refer to the prototype PTEs. Image views are copy-on-write: a write gets the process a private copy of the page.'),
    description: String(s.numberOfMappedViews), touched,
  }),

  sectionView: (node, c) => {
    const { l10n, section: s } = c;
    const v = s.views.find((x) => x.pid === node.pid && x.base === node.va);
    if (!v) return goneRow(l10n.t('(unmapped)'), l10n.t('This view is no longer mapped in the displayed state.'));
    const image = c.imageName(v.pid);
    return row({
      label: `${image} (${v.pid})`, icon: 'server-process', collapsible: Collapsible.None, contextValue: 'ntlab.sectionView',
      tooltip: () => [
        `**${l10n.t('View in {0}', `${mdText(image)} (pid ${v.pid})`)}**`, '',
        '| | |\n|---|---|',
        `| ${l10n.t('Address')} | \`${hex(v.base)}\`–\`${hex(v.base + v.size - 1n)}\` |`,
        `| ${l10n.t('Size')} | ${formatBytes(v.size)} |`,
        `| ${l10n.t('Protection')} | ${protection(v.protect)}${v.copyOnWrite ? ' (copy-on-write)' : ''} |`,
        `| ${l10n.t('First prototype PTE')} | ${v.firstPrototypeIndex} |`, '',
        l10n.t('Select to reveal the VAD of this view in the Processes view.'),
      ].join('\n'),
      description: `${hex(v.base)} · ${formatBytes(v.size)} · ${protection(v.protect)}${v.copyOnWrite ? ' · ' + l10n.t('copy-on-write') : ''}`,
      touched: c.touched.pids.has(v.pid) && c.touched.touchesVa(v.pid, v.base, v.base + v.size - 1n), reveal: { type: 'vad', pid: v.pid, va: v.base },
    });
  },

  range: (node, { l10n, section: s }) => rangeRow(l10n, node, s.totalPtes),
};

function pteKindLabel(l10n: Localizer, kind: PrototypePteInfo['kind']): string {
  switch (kind) {
    case 'hardware': return l10n.t('valid');
    case 'transition': return l10n.t('transition');
    case 'pageFile': return l10n.t('paging file');
    case 'demandZero': return l10n.t('demand zero');
    case 'subsection': return l10n.t('subsection PTE');
    case 'zero': return l10n.t('not committed');
    default: return kind;
  }
}

function pteKindExplanation(l10n: Localizer, kind: PrototypePteInfo['kind']): string {
  switch (kind) {
    case 'hardware': return l10n.t('the page is in memory and in the working set of at least one process that maps it.');
    case 'transition': return l10n.t('the page is in memory on the standby or modified list; a fault on it is a soft fault (MiResolveTransitionFault).');
    case 'pageFile': return l10n.t('the page was written to the paging file; a fault reads it back (MiResolvePageFileFault).');
    case 'demandZero': return l10n.t('committed but never touched; the first fault gives it a zeroed page.');
    case 'subsection': return l10n.t('the data is in the mapped file, not in memory; the PTE points to the subsection that says where, and a fault reads the page from the file.');
    case 'zero': return l10n.t('not committed yet (a SEC_RESERVE section); touching it is an access violation.');
    default: return '';
  }
}

function pteIcon(kind: PrototypePteInfo['kind']): string {
  switch (kind) {
    case 'hardware': return 'pass-filled';
    case 'transition': return 'history';
    case 'pageFile': return 'database';
    case 'subsection': return 'file';
    case 'demandZero': return 'circle-large-outline';
    default: return 'circle-slash';
  }
}
