// Virtual memory commands: !vm, !vad, !wsle, !memusage, !address, !ca. Layouts after the Microsoft
// Learn pages of each extension ("!vm", "!vad", "!wsle", "!memusage", "!address", "!ca"): headers,
// labels and their order; columns the simulation has no value for (VAD node addresses)
// are left out rather than invented.
import { MEM_COMMIT, MEM_FREE, MEM_IMAGE, MEM_MAPPED, MEM_PRIVATE, MEM_RESERVE, MM_HIGHEST_USER_ADDRESS } from '../../engine';
import { KdError } from './expr';
import { hexDigits, PAGE_SHIFT_N, PAGE_SIZE, pointer, pointerDigits } from '../present/format';
import { commitCharge, kbOfPages, pagesKb, printable, right } from './format';
import type { KdSteps } from './kd';
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

/**
 * !vm [Flags]: physical memory, commit and each process's commit charge. Layout after Learn's "!vm"
 * example: the `*** Virtual Memory Usage ***` header, labels indented to a colon column, pages then
 * `(  Kb)`. Rows the simulation has no value for (ResAvail, system PTEs, pool usage, shared commit...)
 * are left out. Flag bit 0 (0x1) omits the per-process list, as Learn documents; the per-process lines
 * show EPROCESS.CommitCharge (commitCharge, the number !process prints).
 */
export function* cmdVm(t: KdTarget, args: string[], out: Out): KdSteps {
  const flags = args[0] !== undefined ? Number(t.eval(args[0]) & 0xFFn) : 0;
  const s = t.system;
  const lists = s.querySystemMemoryListInformation();
  const standby = lists.PageCountByPriority.reduce((a, b) => a + b, 0);
  const available = lists.ZeroPageCount + lists.FreePageCount + standby;
  const commit = s.queryCommit();
  const row = (label: string, pages: number): string => `${label.padStart(24)}:${pagesKb(pages)}`;
  out.push('');
  out.push('*** Virtual Memory Usage ***');
  out.push(row('Physical Memory', s.physicalPageCount));
  out.push(`${'Page File'.padStart(24)}: \\??\\C:\\pagefile.sys`);
  out.push(`${'Current'.padStart(27)}: ${right(Math.max(0, commit.CommitLimit - s.physicalPageCount) * 4, 9)}Kb`);
  out.push(row('Available Pages', available));
  out.push(row('Zeroed Pages', lists.ZeroPageCount));
  out.push(row('Free Pages', lists.FreePageCount));
  out.push(row('Standby Pages', standby));
  out.push(row('Modified Pages', lists.ModifiedPageCount));
  out.push(row('Modified PF Pages', lists.ModifiedPageCountPageFile));
  out.push(row('Modified No Write Pages', lists.ModifiedNoWritePageCount));
  for (const [label, pages] of vmSystemLines(t)) out.push(row(label, pages));
  out.push(row('Committed pages', commit.CommitTotal));
  out.push(row('Commit limit', commit.CommitLimit));
  out.push(row('Peak Commit', commit.CommitPeak));
  if (flags & 1) return;
  out.push('');
  // Sorted by commit: every process is read first (yielding every 100, so the console stays live).
  const procs: Array<{ pid: number; name: string; charge: number }> = [];
  for (const pid of s.processIds) {
    const p = s.queryProcess(pid);
    if (p) procs.push({ pid, name: p.imageFileName, charge: commitCharge(p) });
    if (procs.length % 100 === 0) yield;
  }
  procs.sort((a, b) => b.charge - a.charge || a.pid - b.pid);
  for (const p of procs) {
    out.push(`${right(hexDigits(p.pid, 4), 13)} ${printable(p.name).padEnd(24)}${pagesKb(p.charge)}`);
    yield;
  }
}

/** Where EPROCESS.VadRoot is (the engine's _EPROCESS layout: VadRoot, _RTL_AVL_TREE, at +0x7D8). */
export const VAD_ROOT_OFFSET = 0x7D8n;

/**
 * !vad [VadRoot | Address [1]]: a process's VADs in address order, after Learn's "!vad": the level of
 * each node in the VadRoot tree, start and end VPNs, commit, the type (Private, Mapped, Mapped Exe)
 * and protection, and for a mapped view its file or "Pagefile section, shared commit"; then
 * `Total VADs: n, average level: x, maximum depth: y` and the private commit. `!vad` alone or with the
 * VadRoot address !process prints walks the whole tree; an address inside a VAD shows that VAD, and
 * flag 1 its details (Learn: "!vad Address 1").
 * Simplification: the simulation keeps no pool address for an MMVAD node, so the VAD column of node
 * addresses is left out and the tree is named by the address of EPROCESS.VadRoot itself.
 */
export function cmdVad(t: KdTarget, args: string[], out: Out): void {
  let pid = t.pid;
  const arg = args[0] !== undefined ? t.eval(args[0]) : undefined;
  const flag = args[1] !== undefined ? Number(t.eval(args[1]) & 0xFn) : 0;
  let only: bigint | undefined;
  if (arg !== undefined) {
    const owner = arg > MM_HIGHEST_USER_ADDRESS && arg >= VAD_ROOT_OFFSET ? t.processByAddressOrId(arg - VAD_ROOT_OFFSET) : undefined;
    if (owner && owner.eprocess + VAD_ROOT_OFFSET === arg) pid = owner.pid;
    else only = arg;
  }
  const vads = t.system.queryVads(pid);
  // Image views are named by the loader's list; mapped views need the section registry.
  const files = new Map<string, string>(t.modules(pid).map((m) => [m.base.toString(), m.path]));
  const sections = new Map<string, { controlArea: number; file: string | null; commit: number; firstPte: bigint }>();
  if (vads.some((v) => v.type === MEM_MAPPED || (v.type === MEM_IMAGE && !files.has(v.start.toString())) || (only !== undefined && flag & 1))) {
    for (const sec of t.system.querySections({ views: pid })) {
      for (const v of sec.views) {
        if (v.pid !== pid) continue;
        sections.set(v.base.toString(), { controlArea: sec.controlArea, file: sec.file, commit: sec.commitCharge, firstPte: sec.prototypePteBase + BigInt(v.firstPrototypeIndex) * 8n });
        if (sec.file && !files.has(v.base.toString())) files.set(v.base.toString(), sec.file);
      }
    }
  }
  const shown = only === undefined ? vads : vads.filter((v) => (only! >= v.start && only! <= v.end) || only === v.start >> PAGE_SHIFT_N);
  if (only !== undefined && shown.length === 0) throw new KdError(`No VAD contains ${pointer(only)}`);
  if (only !== undefined && flag & 1) {
    const v = shown[0]!;
    const sec = sections.get(v.start.toString());
    const lastPte = sec ? sec.firstPte + BigInt(v.pageCount - 1) * 8n : 0n;
    out.push(`VAD for ${pointer(v.start)} - ${pointer(v.end)} (level ${v.level})`);
    out.push(`  Start VPN: ${right(hex0(v.start >> PAGE_SHIFT_N), 12)}  End VPN: ${right(hex0(v.end >> PAGE_SHIFT_N), 12)}  Control Area:  ${sec ? sec.controlArea.toString(16) : '0'}`);
    out.push(`  First ProtoPte: ${sec ? pointerDigits(sec.firstPte) : '0'}  Last PTE ${sec ? pointerDigits(lastPte) : '0'}  Commit Charge ${right(hex0(BigInt(v.commitCharge)), 9)} (${v.commitCharge}.)`);
    const kind = v.type === MEM_IMAGE ? 'Image' : v.type === MEM_MAPPED ? 'Mapped' : 'Private';
    out.push(`   ${[kind, v.memCommit ? 'MemCommit' : '', v.vadType !== 'VadNone' && v.vadType !== 'VadImageMap' ? v.vadType : '', vadProtection(v)].filter(Boolean).join(' ')}`);
    const file = files.get(v.start.toString());
    if (file) out.push(`   ${printable(file)}`);
    return;
  }
  out.push(`${'level'.padStart(5)} ${'start'.padStart(12)} ${'end'.padStart(12)} ${'commit'.padStart(9)}`);
  for (const v of shown) {
    const type = v.type === MEM_IMAGE ? 'Mapped  Exe' : v.type === MEM_MAPPED ? 'Mapped     ' : 'Private    ';
    const sec = sections.get(v.start.toString());
    const file = files.get(v.start.toString());
    const what = file ? printable(file) : v.type === MEM_MAPPED && sec ? `Pagefile section, shared commit 0x${sec.commit.toString(16)}` : '';
    out.push(`(${right(v.level, 2)}) ${right(hex0(v.start >> PAGE_SHIFT_N), 12)} ${right(hex0(v.end >> PAGE_SHIFT_N), 12)} ${right(v.commitCharge, 9)} ${type} ${vadProtection(v).padEnd(18)}${what ? ' ' + what : ''}`.trimEnd());
  }
  if (only !== undefined) return;
  // "average level": the Learn example prints 2 for nodes at levels 1, 2, 0, 2, 1, i.e. the mean depth
  // counting the root as 1, truncated; "maximum depth" is the deepest level.
  const n = vads.length;
  const average = n ? Math.floor(vads.reduce((a, v) => a + v.level + 1, 0) / n) : 0;
  const depth = vads.reduce((a, v) => Math.max(a, v.level), 0);
  const privateCommit = vads.filter((v) => v.type === MEM_PRIVATE).reduce((a, v) => a + v.commitCharge, 0);
  out.push('');
  out.push(`Total VADs: ${n}, average level: ${average}, maximum depth: ${depth}`);
  out.push(`Total private commit: 0x${privateCommit.toString(16)} pages (${kbOfPages(privateCommit)} KB)`);
}

const hex0 = (v: bigint): string => v.toString(16);

/** The protection !vad prints for a VAD: the one it was allocated with (an image view: EXECUTE_WRITECOPY). */
function vadProtection(v: { type: number; allocationProtect: number }): string {
  return v.type === MEM_IMAGE ? 'EXECUTE_WRITECOPY' : protectName(v.allocationProtect);
}

/** !wsle [Flags]: the current process's working-set list (flag 1: the valid entries). */
export function* cmdWsle(t: KdTarget, args: string[], out: Out): KdSteps {
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
      out.push(`${pointerDigits(e.va)} ${right(e.age, 8)} ${right(0, 7)} ${right(1, 15)}   pfn ${e.pfn >= 0 ? e.pfn.toString(16) : '-'}`);
      yield;
    }
  }
}

/**
 * !memusage: the page lists, then the "Usage Summary (in Kb)" table in the columns Learn's "!memusage"
 * example shows: Control, Valid, Standby, Dirty, Shared, Locked, PageTables, name. Per control area
 * (the first column; `!ca` takes it), from its prototype PTEs and the PFN entries they point to: Valid
 * = pages a valid prototype PTE maps; Standby and Dirty = its pages in transition on the standby and the
 * modified (or modified-no-write) lists; Shared = valid pages with a share count above 1 (mapped by more
 * than one process's PTE); Locked = valid pages whose PFN reference count is held (ReferenceCount > 0);
 * PageTables = 0, a control area has no page tables of its own. All in KB (4 KB a page). The name is
 * `mapped_file( name )` for a file (Learn's example), `Page File Section` for a section backed by the
 * paging file. Simplification: WinDbg also lists process-private and driver rows; the simulation prints
 * control areas only. Yields after each control area.
 */
export function* cmdMemusage(t: KdTarget, _args: string[], out: Out): KdSteps {
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
  out.push('Control       Valid Standby Dirty Shared Locked PageTables  name');
  yield;
  for (const sec of s.querySections({ views: 'none' })) {
    const u = controlAreaUsage(t, sec.controlArea, sec.totalPtes);
    const kb = (pages: number): string => String(kbOfPages(pages));
    const name = sec.file ? `mapped_file( ${printable(sec.file.replace(/^.*\\/, ''))} )` : 'Page File Section';
    out.push(`${right(sec.controlArea.toString(16), 7)} ${right(kb(u.valid), 11)} ${right(kb(u.standby), 7)} ${right(kb(u.dirty), 5)} ${right(kb(u.shared), 6)} ${right(kb(u.locked), 6)} ${right(0, 10)}  ${name}`);
    yield;
  }
}

/** One control area's pages by state, from its prototype PTEs and their PFN entries (!memusage). */
export function controlAreaUsage(t: KdTarget, controlArea: number, totalPtes: number): { valid: number; standby: number; dirty: number; shared: number; locked: number } {
  const u = { valid: 0, standby: 0, dirty: 0, shared: 0, locked: 0 };
  for (const pte of t.system.queryPrototypePtes(controlArea, 0, totalPtes)) {
    if (pte.pfn === null || pte.pfn < 0 || pte.pfn >= t.system.physicalPageCount) continue;
    const pfn = t.system.queryPfn(pte.pfn);
    if (pte.kind === 'hardware') {
      u.valid++;
      if (pfn.ShareCount > 1) u.shared++;
      if (pfn.ReferenceCount > 0) u.locked++;
    } else if (pfn.State === 'Standby') u.standby++;
    else if (pfn.State === 'Modified' || pfn.State === 'ModifiedNoWrite') u.dirty++;
  }
  return u;
}

/** Sizes as !address prints them: `(  12.000 kB)`, `(   7.999 TB)` (Learn, "!address" examples). */
export function sizeText(bytes: bigint): string {
  const units: Array<[string, number]> = [['TB', 2 ** 40], ['GB', 2 ** 30], ['MB', 2 ** 20], ['kB', 2 ** 10]];
  const n = Number(bytes);
  const [unit, scale] = units.find(([, u]) => n >= u) ?? ['kB', 1024];
  return `(${(n / scale).toFixed(3).padStart(8)} ${unit})`;
}

/** A 64-bit value as !address's columns print it: the high half unpadded, a backtick, the low half (`7ff6`79fc0000`). */
function split64(v: bigint): string {
  return `${(v >> 32n).toString(16)}\`${(v & 0xFFFFFFFFn).toString(16).padStart(8, '0')}`;
}

const STATE_NAME = (v: number): string => (v === MEM_COMMIT ? 'MEM_COMMIT' : v === MEM_RESERVE ? 'MEM_RESERVE' : 'MEM_FREE');
const TYPE_NAME = (v: number): string => (v === MEM_IMAGE ? 'MEM_IMAGE' : v === MEM_MAPPED ? 'MEM_MAPPED' : v === MEM_PRIVATE ? 'MEM_PRIVATE' : '');

/**
 * What a region is used for, as !address's Usage column names it (Learn, "!address" filter values:
 * Free, Image, Heap, Peb, Teb, and <unknown> for the rest). Stacks are not told apart (the VAD query
 * does not mark them): they show as <unknown>.
 */
function usageClassifier(t: KdTarget): (base: bigint, size: bigint, state: number, type: number) => string {
  const p = t.process;
  const heaps = t.system.queryHeaps(t.pid).flatMap((h) => h.segments.map((x) => [x.base, x.end] as const));
  const tebs = p?.threads.map((x) => x.teb).filter((x) => x !== 0n) ?? [];
  return (base, size, state, type) => {
    if (state === MEM_FREE) return 'Free';
    if (type === MEM_IMAGE) return 'Image';
    const end = base + size;
    if (p && p.peb >= base && p.peb < end) return 'PEB';
    if (tebs.some((x) => x >= base && x < end)) return 'TEB';
    if (heaps.some(([lo, hi]) => lo < end && hi > base)) return 'Heap';
    return '<unknown>';
  };
}

/**
 * !address [Address | -summary]: one region (VirtualQuery's answer, with its Usage); no argument lists
 * every region of the current process's user address space and then the summary; -summary the summary
 * alone (Learn, "!address": "-summary Displays only summary information"). The summary has Learn's
 * sections: Usage, Type (for busy), State, Protect (for commit) and the largest region by usage, sizes
 * in kB/MB/GB/TB.
 */
export function* cmdAddress(t: KdTarget, args: string[], out: Out): KdSteps {
  const s = t.system;
  const usage = usageClassifier(t);
  if (args[0] !== undefined && args[0].toLowerCase() !== '-summary') {
    const va = t.eval(args[0]);
    if (va > MM_HIGHEST_USER_ADDRESS) throw new KdError(`Couldn't find region for ${pointer(va)}: kernel address ranges are not simulated`);
    const m = s.queryVirtual(t.pid, va);
    out.push(`Usage:                  ${usage(m.BaseAddress, m.RegionSize, m.State, m.Type)}`);
    out.push(`Base Address:           ${pointer(m.BaseAddress)}`);
    out.push(`End Address:            ${pointer(m.BaseAddress + m.RegionSize)}`);
    out.push(`Region Size:            ${pointer(m.RegionSize)} ${sizeText(m.RegionSize)}`);
    out.push(`State:                  ${hexDigits(m.State, 8)}          ${STATE_NAME(m.State)}`);
    if (m.State !== MEM_FREE) {
      out.push(`Protect:                ${hexDigits(m.Protect, 8)}          ${m.Protect ? protectName(m.Protect, 'PAGE_') : ''}`);
      out.push(`Type:                   ${hexDigits(m.Type, 8)}          ${TYPE_NAME(m.Type)}`);
      out.push(`Allocation Base:        ${pointer(m.AllocationBase)}`);
      out.push(`Allocation Protect:     ${hexDigits(m.AllocationProtect, 8)}          ${protectName(m.AllocationProtect, 'PAGE_')}`);
    }
    return;
  }
  const listing = args[0] === undefined;
  type Sum = Map<string, [number, bigint]>;
  const byUsage: Sum = new Map();
  const byType: Sum = new Map();
  const byState: Sum = new Map();
  const byProtect: Sum = new Map();
  const largest = new Map<string, [bigint, bigint]>();
  const add = (m: Sum, k: string, size: bigint): void => { const e = m.get(k) ?? [0, 0n]; m.set(k, [e[0] + 1, e[1] + size]); };
  if (listing) {
    out.push(`${'BaseAddress'.padStart(19)}${'EndAddress+1'.padStart(18)}${'RegionSize'.padStart(18)} ${'Type'.padEnd(12)}${'State'.padEnd(12)}${'Protect'.padEnd(35)}Usage`);
    out.push('-'.repeat(122));
  }
  let va = 0n;
  let busy = 0n;
  for (let i = 0; i < 100000 && va <= MM_HIGHEST_USER_ADDRESS; i++) {
    if (i > 0) yield;
    const m = s.queryVirtual(t.pid, va);
    if (m.RegionSize <= 0n) break;
    const use = usage(m.BaseAddress, m.RegionSize, m.State, m.Type);
    add(byUsage, use, m.RegionSize);
    add(byState, STATE_NAME(m.State), m.RegionSize);
    if (m.State !== MEM_FREE) { add(byType, TYPE_NAME(m.Type), m.RegionSize); busy += m.RegionSize; }
    if (m.State === MEM_COMMIT) add(byProtect, protectName(m.Protect, 'PAGE_'), m.RegionSize);
    if ((largest.get(use)?.[1] ?? -1n) < m.RegionSize) largest.set(use, [m.BaseAddress, m.RegionSize]);
    if (listing) {
      // `+` starts an allocation (its AllocationBase), `|` continues one, as the listing marks them.
      const mark = m.State === MEM_FREE || m.AllocationBase === m.BaseAddress ? '+' : '|';
      const protect = m.State === MEM_FREE ? 'PAGE_NOACCESS' : m.State === MEM_RESERVE ? '' : protectName(m.Protect, 'PAGE_');
      out.push(`${mark} ${split64(m.BaseAddress).padStart(17)} ${split64(m.BaseAddress + m.RegionSize).padStart(17)} ${split64(m.RegionSize).padStart(17)} ${TYPE_NAME(m.Type).padEnd(12)}${STATE_NAME(m.State).padEnd(12)}${protect.padEnd(35)}${use}`);
    }
    va = m.BaseAddress + m.RegionSize;
  }
  const total = MM_HIGHEST_USER_ADDRESS + 1n;
  const pct = (v: bigint, of: bigint): string => (of === 0n ? '0.00' : (Number((v * 10000n) / of) / 100).toFixed(2));
  const section = (title: string, m: Sum, busyShare: boolean): void => {
    out.push(`--- ${title} ${'-'.repeat(Math.max(1, 29 - title.length))} RgnCount ----------- Total Size -------- %ofBusy %ofTotal`);
    const rows = [...m].sort((a, b) => (b[1][1] > a[1][1] ? 1 : b[1][1] < a[1][1] ? -1 : 0));
    for (const [k, [n, size]] of rows) {
      const ofBusy = busyShare && k !== 'Free' ? `${pct(size, busy).padStart(6)}%` : '       ';
      out.push(`${k.padEnd(33)}${right(n, 8)}   ${split64(size).padStart(17)} ${sizeText(size)}  ${ofBusy}  ${pct(size, total).padStart(6)}%`);
    }
    out.push('');
  };
  if (listing) out.push('');
  section('Usage Summary', byUsage, true);
  section('Type Summary (for busy)', byType, true);
  section('State Summary', byState, false);
  section('Protect Summary (for commit)', byProtect, true);
  out.push('--- Largest Region by Usage ----------- Base Address -------- Region Size ----------');
  for (const [k, [base, size]] of [...largest].sort((a, b) => a[0].localeCompare(b[0]))) {
    out.push(`${k.padEnd(33)}${split64(base).padStart(17)}   ${split64(size).padStart(17)} ${sizeText(size)}`);
  }
}

/**
 * !ca [ControlArea]: a control area, its segment and subsections (no argument: every control area).
 * Yields after each control area of the listing and after each process whose views it lists (ntdll's
 * control area is mapped by every one of 2,000 processes).
 */
export function* cmdCa(t: KdTarget, args: string[], out: Out): KdSteps {
  if (args[0] === undefined) {
    out.push('ControlArea  Segment.PrototypePte  Ptes  Views  File');
    for (const s of t.system.querySections({ views: 'none' })) {
      out.push(`${right(s.controlArea.toString(16), 11)}  ${pointerDigits(s.prototypePteBase)}  ${right(s.totalPtes.toString(16), 4)}  ${right(s.numberOfMappedViews, 5)}  ${s.file ? printable(s.file) : 'Page File Section'}`);
      yield;
    }
    return;
  }
  const id = t.eval(args[0]);
  // A control area by its number (one query), else by its segment's PrototypePte address; the views
  // are read process by process below.
  const byNumber = id < 0x100000000n ? t.system.querySections({ controlArea: Number(id), views: 'none' })[0] : undefined;
  const base = byNumber ? undefined : t.system.querySections({ views: 'none' }).find((x) => x.prototypePteBase === id)?.controlArea;
  const s = byNumber ?? (base === undefined ? undefined : t.system.querySections({ controlArea: base, views: 'none' })[0]);
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
  if (s.numberOfMappedViews === 0) return;
  yield;
  // One query for the control area's views in every process (a query per process cost O(processes²)), then
  // printed process by process in the order !process lists them.
  const byPid = new Map<number, Array<(typeof s.views)[number]>>();
  for (const v of t.system.querySections({ controlArea: s.controlArea, views: 'all' })[0]?.views ?? []) {
    const list = byPid.get(v.pid);
    if (list) list.push(v); else byPid.set(v.pid, [v]);
  }
  let header = false;
  for (const pid of t.system.processIds) {
    const views = byPid.get(pid) ?? [];
    for (const v of views) {
      if (!header) { out.push(''); out.push('Views:'); header = true; }
      out.push(`  pid ${hexDigits(v.pid, 4)} ${pointer(v.base)} size ${v.size.toString(16)} ${protectName(v.protect)}${v.copyOnWrite ? ' (copy-on-write)' : ''}`);
    }
    if (views.length) yield;
  }
}
