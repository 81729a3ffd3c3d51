// Virtual memory commands: !vm, !vad, !wsle, !memusage, !address, !ca. Layouts after the Microsoft
// Learn pages of each extension ("!vm", "!vad", "!wsle", "!memusage", "!address", "!ca"): headers,
// labels and their order; columns the simulation has no value for (VAD node addresses)
// are left out rather than invented.
import { MEM_COMMIT, MEM_FREE, MEM_IMAGE, MEM_MAPPED, MEM_PRIVATE, MEM_RESERVE, MM_HIGHEST_USER_ADDRESS } from '../../engine';
import { KdError } from './expr';
import { hexColumn, hexDigits, PAGE_SHIFT_N, PAGE_SIZE, pointer, pointerDigits } from '../present/format';
import { kbOfPages, pagesKb, printable, right } from './format';
import type { KdTarget } from './target';
import { vmSystemLines } from './pool';

type Out = string[];

/** PAGE_* values as the debugger names them (winnt.h). */
const PAGE_NAMES: Array<[number, string]> = [
  [0x01, 'NO_ACCESS'], [0x02, 'READONLY'], [0x04, 'READWRITE'], [0x08, 'WRITECOPY'], [0x10, 'EXECUTE'],
  [0x20, 'EXECUTE_READ'], [0x40, 'EXECUTE_READWRITE'], [0x80, 'EXECUTE_WRITECOPY'],
];
export function protectName(p: number, prefix = ''): string {
  const base = PAGE_NAMES.find(([v]) => v === (p & 0xFF))?.[1];
  const parts = [base ? prefix + base : hexDigits(p & 0xFF, 2)];
  if (p & 0x100) parts.push(prefix + 'GUARD');
  if (p & 0x200) parts.push(prefix + 'NOCACHE');
  return parts.join(' | ');
}

/** !vm [Flags]: physical memory, commit and each process's private commit. */
export function cmdVm(t: KdTarget, _args: string[], out: Out, cancelled: () => boolean): void {
  const s = t.system;
  const lists = s.querySystemMemoryListInformation();
  const standby = lists.PageCountByPriority.reduce((a, b) => a + b, 0);
  const available = lists.ZeroPageCount + lists.FreePageCount + standby;
  const commit = s.queryCommit();
  out.push('Page File: \\??\\C:\\pagefile.sys');
  out.push(`  Current:  ${right(Math.max(0, commit.CommitLimit - s.physicalPageCount) * 4, 9)} Kb`);
  out.push(`Physical Memory:      ${pagesKb(s.physicalPageCount)}`);
  out.push(`Available Pages:      ${pagesKb(available)}`);
  out.push(`Zeroed Pages:         ${pagesKb(lists.ZeroPageCount)}`);
  out.push(`Free Pages:           ${pagesKb(lists.FreePageCount)}`);
  out.push(`Standby Pages:        ${pagesKb(standby)}`);
  out.push(`Modified Pages:       ${pagesKb(lists.ModifiedPageCount)}`);
  out.push(`Modified PF Pages:    ${pagesKb(lists.ModifiedPageCountPageFile)}`);
  out.push(`Modified No Write Pages: ${pagesKb(lists.ModifiedNoWritePageCount)}`);
  out.push(...vmSystemLines(t, pagesKb));
  out.push(`Committed pages:      ${pagesKb(commit.CommitTotal)}`);
  out.push(`Commit limit:         ${pagesKb(commit.CommitLimit)}`);
  out.push(`Peak Commit:          ${pagesKb(commit.CommitPeak)}`);
  out.push('');
  const procs = s.processIds.map((pid) => s.queryProcess(pid)!).sort((a, b) => b.privateCommit - a.privateCommit || a.pid - b.pid);
  let total = 0;
  for (const p of procs) {
    if (cancelled()) return;
    total += p.privateCommit;
    out.push(`         ${hexDigits(p.pid, 4)} ${printable(p.imageFileName).padEnd(24)}${pagesKb(p.privateCommit)}`);
  }
  out.push(`         ----------------------------------------`);
  out.push(`         Total Private:                 ${pagesKb(total)}`);
}

/** !vad: the current process's VADs in address order (start and end as page numbers, as !vad shows them). */
export function cmdVad(t: KdTarget, args: string[], out: Out): void {
  const vads = t.system.queryVads(t.pid);
  const only = args[0] !== undefined ? t.eval(args[0]) : undefined;
  // Image views are named by the loader's list; only mapped data views need the section registry.
  const files = new Map<string, string>(t.modules(t.pid).map((m) => [m.base.toString(), m.path]));
  if (vads.some((v) => v.type === MEM_MAPPED || (v.type === MEM_IMAGE && !files.has(v.start.toString())))) {
    for (const sec of t.system.querySections({ views: t.pid })) for (const v of sec.views) if (sec.file) files.set(v.base.toString(), sec.file);
  }
  out.push(`${'Start'.padStart(16)} ${'End'.padStart(16)} ${'Commit'.padStart(8)}`);
  for (const v of vads) {
    if (only !== undefined && !(only >= v.start && only <= v.end) && only !== v.start >> 12n) continue;
    const type = v.type === MEM_IMAGE ? 'Mapped  Exe ' : v.type === MEM_MAPPED ? 'Mapped      ' : 'Private     ';
    const file = files.get(v.start.toString());
    const proto = v.type === MEM_IMAGE ? 'EXECUTE_WRITECOPY' : protectName(v.allocationProtect);
    out.push(`${hexColumn(v.start >> PAGE_SHIFT_N, 16)} ${hexColumn(v.end >> PAGE_SHIFT_N, 16)} ${right(v.commitCharge, 8)} ${type}${proto.padEnd(18)}${file ? ' ' + printable(file) : ''}`);
  }
  out.push('');
  out.push(`Total VADs: ${right(vads.length, 5)}`);
}

/** !wsle [Flags]: the current process's working-set list (flag 1: the valid entries). */
export function cmdWsle(t: KdTarget, args: string[], out: Out, cancelled: () => boolean): void {
  const flags = args[0] !== undefined ? Number(t.eval(args[0]) & 0xFFn) : 0;
  const p = t.process!;
  const ws = t.system.queryWorkingSet(t.pid);
  const last = ws.entries.length ? ws.entries[ws.entries.length - 1]!.index : 0;
  out.push(`Working Set Instance @ ${pointerDigits(p.eprocess + 0x680n)}`);
  out.push(`    FirstFree   ${right(hexDigits(ws.total, 0), 8)}  FirstDynamic ${right('0', 8)}`);
  out.push(`    LastEntry   ${right(last.toString(16), 8)}  NextSlot     ${right('0', 8)}  LastInitialized ${right(last.toString(16), 8)}`);
  out.push(`    NonDirect   ${right('0', 8)}  HashTable    ${right('0', 8)}  HashTableSize   ${right('0', 8)}`);
  out.push(`    WorkingSetSize ${right(ws.total, 5)}  Minimum ${right(p.workingSetMinimum, 5)}  Maximum ${right(p.workingSetMaximum, 5)}  Peak ${right(p.peakWorkingSetSize, 5)}`);
  if (flags & 1) {
    out.push('');
    out.push('Virtual Address           Age  Locked  ReferenceCount');
    for (const e of ws.entries) {
      if (cancelled()) return;
      out.push(`${pointerDigits(e.va)} ${right(e.age, 8)} ${right(0, 7)} ${right(1, 15)}   pfn ${e.pfn >= 0 ? e.pfn.toString(16) : '-'}`);
    }
  }
}

/** !memusage: the page lists and each control area's resident pages. */
export function cmdMemusage(t: KdTarget, _args: string[], out: Out, cancelled: () => boolean): void {
  const s = t.system;
  const l = s.querySystemMemoryListInformation();
  const standby = l.PageCountByPriority.reduce((a, b) => a + b, 0);
  const onLists = l.ZeroPageCount + l.FreePageCount + standby + l.ModifiedPageCount + l.ModifiedNoWritePageCount + l.BadPageCount;
  const row = (label: string, pages: number): string => `${label.padStart(19)}: ${right(pages, 7)} (${right(kbOfPages(pages), 9)} kb)`;
  out.push(' loading PFN database');
  out.push('loading (100% complete)');
  out.push(row('Zeroed', l.ZeroPageCount));
  out.push(row('Free', l.FreePageCount));
  out.push(row('Standby', standby));
  out.push(row('Modified', l.ModifiedPageCount));
  out.push(row('ModifiedNoWrite', l.ModifiedNoWritePageCount));
  out.push(row('Active/Valid', s.physicalPageCount - onLists));
  out.push(row('Bad', l.BadPageCount));
  out.push(`${'TOTAL'.padStart(19)}: ${right(s.physicalPageCount, 7)} (${right(kbOfPages(s.physicalPageCount), 9)} kb)`);
  out.push('');
  out.push('  Usage Summary (in Kb):');
  out.push('Control       Valid Standby/Modified  name');
  for (const sec of s.querySections({ views: 'none' })) {
    if (cancelled()) return;
    out.push(`${right(sec.controlArea.toString(16), 7)} ${right(sec.validPages * 4, 11)} ${right((sec.residentPages - sec.validPages) * 4, 16)}  ${sec.file ? `mapped_file( ${printable(sec.file.replace(/^.*\\/, ''))} )` : 'Page File Section'}`);
  }
}

/** !address [Address]: one region (VirtualQuery) or the summary of the current process's address space. */
export function cmdAddress(t: KdTarget, args: string[], out: Out): void {
  const s = t.system;
  const state = (v: number): string => (v === MEM_COMMIT ? 'MEM_COMMIT' : v === MEM_RESERVE ? 'MEM_RESERVE' : 'MEM_FREE');
  const type = (v: number): string => (v === MEM_IMAGE ? 'MEM_IMAGE' : v === MEM_MAPPED ? 'MEM_MAPPED' : v === MEM_PRIVATE ? 'MEM_PRIVATE' : '');
  if (args[0] !== undefined) {
    const va = t.eval(args[0]);
    if (va > MM_HIGHEST_USER_ADDRESS) throw new KdError(`Couldn't find region for ${pointer(va)}: kernel address ranges are not simulated`);
    const m = s.queryVirtual(t.pid, va);
    const kb = (Number(m.RegionSize) / 1024).toFixed(3);
    out.push(`Usage:                  ${m.Type === MEM_IMAGE ? 'Image' : m.State === MEM_FREE ? 'Free' : '<unknown>'}`);
    out.push(`Base Address:           ${pointer(m.BaseAddress)}`);
    out.push(`End Address:            ${pointer(m.BaseAddress + m.RegionSize)}`);
    out.push(`Region Size:            ${pointer(m.RegionSize)} (${kb.padStart(9)} kB)`);
    out.push(`State:                  ${hexDigits(m.State, 8)}          ${state(m.State)}`);
    if (m.State !== MEM_FREE) {
      out.push(`Protect:                ${hexDigits(m.Protect, 8)}          ${m.Protect ? protectName(m.Protect, 'PAGE_') : ''}`);
      out.push(`Type:                   ${hexDigits(m.Type, 8)}          ${type(m.Type)}`);
      out.push(`Allocation Base:        ${pointer(m.AllocationBase)}`);
      out.push(`Allocation Protect:     ${hexDigits(m.AllocationProtect, 8)}          ${protectName(m.AllocationProtect, 'PAGE_')}`);
    }
    return;
  }
  const byType = new Map<string, [number, bigint]>();
  const byState = new Map<string, [number, bigint]>();
  const add = (m: Map<string, [number, bigint]>, k: string, size: bigint): void => { const e = m.get(k) ?? [0, 0n]; m.set(k, [e[0] + 1, e[1] + size]); };
  let va = 0n;
  let busy = 0n;
  for (let i = 0; i < 100000 && va <= MM_HIGHEST_USER_ADDRESS; i++) {
    const m = s.queryVirtual(t.pid, va);
    if (m.RegionSize <= 0n) break;
    add(byState, state(m.State), m.RegionSize);
    if (m.State !== MEM_FREE) { add(byType, type(m.Type), m.RegionSize); busy += m.RegionSize; }
    va = m.BaseAddress + m.RegionSize;
  }
  const total = MM_HIGHEST_USER_ADDRESS + 1n;
  const pct = (v: bigint, of: bigint): string => (of === 0n ? '0.00' : (Number((v * 10000n) / of) / 100).toFixed(2));
  const section = (title: string, m: Map<string, [number, bigint]>, isBusy: boolean): void => {
    out.push('');
    out.push(`--- ${title} ${'-'.repeat(Math.max(1, 30 - title.length))} RgnCount ----------- Total Size -------- %ofBusy %ofTotal`);
    for (const [k, [n, size]] of m) out.push(`${k.padEnd(33)}${right(n, 8)}   ${pointer(size)} (${(Number(size) / 1048576).toFixed(3).padStart(11)} MB)  ${isBusy ? pct(size, busy).padStart(6) + '%' : '       '}  ${pct(size, total).padStart(6)}%`);
  };
  section('Type Summary (for busy)', byType, true);
  section('State Summary', byState, false);
}

/** !ca [ControlArea]: a control area, its segment and subsections (no argument: every control area). */
export function cmdCa(t: KdTarget, args: string[], out: Out): void {
  if (args[0] === undefined) {
    out.push('ControlArea  Segment.PrototypePte  Ptes  Views  File');
    for (const s of t.system.querySections({ views: 'none' })) out.push(`${right(s.controlArea.toString(16), 11)}  ${pointerDigits(s.prototypePteBase)}  ${right(s.totalPtes.toString(16), 4)}  ${right(s.numberOfMappedViews, 5)}  ${s.file ? printable(s.file) : 'Page File Section'}`);
    return;
  }
  const id = t.eval(args[0]);
  // A control area by its number (one query), else by its segment's PrototypePte address.
  const byNumber = id < 0x100000000n ? t.system.querySections({ controlArea: Number(id) })[0] : undefined;
  const base = byNumber ? undefined : t.system.querySections({ views: 'none' }).find((x) => x.prototypePteBase === id)?.controlArea;
  const s = byNumber ?? (base === undefined ? undefined : t.system.querySections({ controlArea: base })[0]);
  if (!s) throw new KdError(`Unable to read _CONTROL_AREA at ${pointer(id)}`);
  out.push(`ControlArea  @ ${s.controlArea.toString(16)}`);
  out.push(`  Section Ref ${right(s.numberOfSectionReferences, 16)}  Mapped Views ${right(s.numberOfMappedViews, 14)}`);
  out.push(`  Flags (${hexDigits(s.attributes, 8)}) ${[s.image ? 'Image' : '', s.file ? 'File' : '', s.reserve ? 'Reserve' : '', 'Accessed'].filter(Boolean).join(' ')}`);
  out.push('');
  out.push(`      ${s.file ? printable(s.file) : 'Page File Section'}`);
  out.push('');
  out.push(`Segment @ (PrototypePte ${pointerDigits(s.prototypePteBase)})`);
  out.push(`  Total Ptes ${right(s.totalPtes.toString(16), 16)}`);
  out.push(`  Segment Size ${right((s.totalPtes * PAGE_SIZE).toString(16), 14)}`);
  out.push(`  Committed ${right(s.committedPtes.toString(16), 17)}`);
  out.push(`  Resident pages ${right(s.residentPages, 12)}  Valid ${right(s.validPages, 8)}`);
  s.subsections.forEach((sub, i) => {
    out.push('');
    out.push(`Subsection ${i + 1} (${printable(sub.name)})`);
    out.push(`  Base Pte     ${pointerDigits(s.prototypePteBase + BigInt(sub.firstPte) * 8n)}  Ptes In Subsect ${right(sub.ptes.toString(16), 8)}`);
    out.push(`  Starting Sector ${right((sub.fileOffset / 512).toString(16), 8)}  Number Of Sectors ${right(Math.ceil(sub.rawSize / 512).toString(16), 8)}  Protection ${right(sub.protect.toString(16), 4)}`);
  });
  if (s.views.length) {
    out.push('');
    out.push('Views:');
    for (const v of s.views) out.push(`  pid ${hexDigits(v.pid, 4)} ${pointer(v.base)} size ${v.size.toString(16)} ${protectName(v.protect)}${v.copyOnWrite ? ' (copy-on-write)' : ''}`);
  }
}
