// Text of the read-only structure documents, apart from VS Code: WinDbg `dt`-style dumps of the
// simulated objects and a `!pte`-style decode of an address. Pure: the host passes a Localizer.
import * as engine from '../../engine';
import { describeObject, type System } from '../../engine';
import { address as ptr, hex, hex as num, hexDigits, PAGE_SIZE_N, pointer } from '../present/format';
import type { Localizer } from '../present/localizer';
import { pfnFields, type PfnField } from '../present/pfn';

/** What a dt document shows. */
export type DtTarget =
  | { kind: 'process'; pid: number }
  | { kind: 'thread'; pid: number; tid: number }
  | { kind: 'peb'; pid: number }
  | { kind: 'token'; pid: number }
  | { kind: 'vad'; pid: number; va: bigint }
  | { kind: 'pfn'; pfn: number }
  | { kind: 'handle'; pid: number; handle: number }
  | { kind: 'job' | 'jobLimits' | 'jobAccounting'; jobId: number }
  | { kind: 'controlArea'; controlArea: number }
  /** Any structure the engine lays out, reached by following a field of another dump. */
  | { kind: 'layout'; ref: ObjectRef };

/** One field of a dt dump. `offset` is undefined while the engine has no layout for the type. */
export interface DtField { offset?: number; name: string; value: string; depth?: number; ref?: ObjectRef }

type ObjectRef = Parameters<typeof describeObject>[1];
type ObjectLayout = NonNullable<ReturnType<typeof describeObject>>;

/** The type each engine layout is dumped as (module-qualified when it is not the kernel's). */
const LAYOUT_TYPES: Record<ObjectRef['kind'], string> = {
  EPROCESS: '_EPROCESS', KPROCESS: '_KPROCESS', PEB: '_PEB', RTL_USER_PROCESS_PARAMETERS: '_RTL_USER_PROCESS_PARAMETERS',
  PEB_LDR_DATA: '_PEB_LDR_DATA', TOKEN: '_TOKEN', ETHREAD: '_ETHREAD', KTHREAD: '_KTHREAD', TEB: '_TEB',
  LDR_DATA_TABLE_ENTRY: '_LDR_DATA_TABLE_ENTRY', HANDLE_TABLE_ENTRY: '_HANDLE_TABLE_ENTRY', EJOB: '_EJOB',
  JOBOBJECT_BASIC_ACCOUNTING_INFORMATION: 'JOBOBJECT_BASIC_ACCOUNTING_INFORMATION',
  JOBOBJECT_BASIC_LIMIT_INFORMATION: 'JOBOBJECT_BASIC_LIMIT_INFORMATION',
  CSR_PROCESS: 'csrss!_CSR_PROCESS', CSR_THREAD: 'csrss!_CSR_THREAD', W32PROCESS: 'win32k!_W32PROCESS',
  DEBUG_OBJECT: '_DEBUG_OBJECT', HANDLE_TABLE: '_HANDLE_TABLE', CID_TABLE: '_HANDLE_TABLE',
  HEAP: 'ntdll!_HEAP', HEAP_SEGMENT: 'ntdll!_HEAP_SEGMENT', HEAP_ENTRY: 'ntdll!_HEAP_ENTRY', POOL_HEADER: '_POOL_HEADER',
};

/** The names of the engine's layouts, for validating a `ntlab-dt:` address. */
export const LAYOUT_KINDS = Object.keys(LAYOUT_TYPES) as Array<ObjectRef['kind']>;

/** Builds an engine reference from untrusted parts (a document address); undefined when they do not make one. */
export function objectRefOf(kind: string, ids: { pid?: number; tid?: number; index?: number; handle?: number; jobId?: number; objectId?: number }): ObjectRef | undefined {
  if (!(LAYOUT_KINDS as string[]).includes(kind)) return undefined;
  const { pid, tid, index, handle, jobId, objectId } = ids;
  switch (kind as ObjectRef['kind']) {
    case 'ETHREAD': case 'KTHREAD': case 'TEB': case 'CSR_THREAD': return tid === undefined ? undefined : { kind: kind as 'TEB', tid };
    case 'LDR_DATA_TABLE_ENTRY': return pid === undefined || index === undefined ? undefined : { kind: 'LDR_DATA_TABLE_ENTRY', pid, index };
    case 'HANDLE_TABLE_ENTRY': return pid === undefined || handle === undefined ? undefined : { kind: 'HANDLE_TABLE_ENTRY', pid, handle };
    case 'EJOB': case 'JOBOBJECT_BASIC_ACCOUNTING_INFORMATION': case 'JOBOBJECT_BASIC_LIMIT_INFORMATION':
      return jobId === undefined ? undefined : { kind: kind as 'EJOB', jobId };
    case 'DEBUG_OBJECT': return objectId === undefined ? undefined : { kind: 'DEBUG_OBJECT', objectId };
    case 'CID_TABLE': return { kind: 'CID_TABLE' };
    // The heap's structures are found by address (index).
    case 'HEAP': case 'HEAP_SEGMENT': case 'HEAP_ENTRY': return pid === undefined || index === undefined ? undefined : { kind: kind as 'HEAP', pid, index };
    // A pool header is named by a kernel address, which a document's numeric ids cannot carry: dt in the debugger shows it.
    case 'POOL_HEADER': return undefined;
    default: return pid === undefined ? undefined : { kind: kind as 'PEB', pid };
  }
}

/** The kernel type a target is dumped as. */
export function typeName(t: DtTarget): string {
  switch (t.kind) {
    case 'process': return '_EPROCESS';
    case 'thread': return '_ETHREAD';
    case 'peb': return '_PEB';
    case 'token': return '_TOKEN';
    case 'vad': return '_MMVAD';
    case 'pfn': return '_MMPFN';
    case 'handle': return '_HANDLE_TABLE_ENTRY';
    case 'job': return '_EJOB';
    case 'jobLimits': return 'JOBOBJECT_BASIC_LIMIT_INFORMATION';
    case 'jobAccounting': return 'JOBOBJECT_BASIC_ACCOUNTING_INFORMATION';
    case 'controlArea': return '_CONTROL_AREA';
    case 'layout': return LAYOUT_TYPES[t.ref.kind];
  }
}


/** The engine's dt layout of a target (real offsets and types), when it has one for that type. */
export function engineLayout(system: System, target: DtTarget): ObjectLayout | undefined {
  let ref: ObjectRef;
  switch (target.kind) {
    case 'process': ref = { kind: 'EPROCESS', pid: target.pid }; break;
    case 'peb': ref = { kind: 'PEB', pid: target.pid }; break;
    case 'token': ref = { kind: 'TOKEN', pid: target.pid }; break;
    case 'thread': ref = { kind: 'ETHREAD', tid: target.tid }; break;
    case 'handle': ref = { kind: 'HANDLE_TABLE_ENTRY', pid: target.pid, handle: target.handle }; break;
    case 'job': ref = { kind: 'EJOB', jobId: target.jobId }; break;
    case 'jobLimits': ref = { kind: 'JOBOBJECT_BASIC_LIMIT_INFORMATION', jobId: target.jobId }; break;
    case 'jobAccounting': ref = { kind: 'JOBOBJECT_BASIC_ACCOUNTING_INFORMATION', jobId: target.jobId }; break;
    case 'layout': ref = target.ref; break;
    default: return undefined;
  }
  return describeObject(system, ref);
}

function layoutValue(v: string | number | bigint): string {
  if (typeof v === 'bigint') return ptr(v);
  if (typeof v === 'number') return num(v);
  return escapeControls(v);
}

/** Control characters (a command line or object name may hold them) as \xNN, so one field stays one line. */
export function escapeControls(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${hexDigits(c.charCodeAt(0), 2)}`);
}

/** An id from a document address: decimal digits only (no sign, exponent, hex or spaces), a safe integer. */
export function parseId(v: string | null): number | undefined {
  if (v === null || !/^\d{1,15}$/.test(v)) return undefined;
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** The fields of a target as far as the engine exposes them; undefined when the object does not exist. */
export function dtFields(system: System, target: DtTarget, layout = engineLayout(system, target)): DtField[] | undefined {
  if (layout) {
    // A negative offset is the engine saying "a simulation link, not a field at a known offset".
    const fields: DtField[] = layout.fields.map((f) => {
      const value = layoutValue(f.value);
      return { offset: f.offset >= 0 ? f.offset : undefined, name: f.name, value: value === f.type ? f.type : `${value}${f.type.startsWith('_') || f.type.startsWith('Ptr64') ? `  (${f.type})` : ''}`, ref: f.ref };
    });
    return [...fields, ...extendedLimits(system, target)];
  }
  switch (target.kind) {
    case 'handle': case 'job': case 'jobLimits': case 'jobAccounting': case 'layout': return undefined;
    case 'controlArea': {
      const s = system.querySections().find((x) => x.controlArea === target.controlArea);
      if (!s) return undefined;
      return [
        { name: 'Segment', value: '_SEGMENT' },
        { name: 'TotalNumberOfPtes', value: num(s.totalPtes), depth: 1 },
        { name: 'NumberOfCommittedPages', value: num(s.committedPtes), depth: 1 },
        { name: 'PrototypePte', value: ptr(s.prototypePteBase), depth: 1 },
        { name: 'NumberOfSectionReferences', value: num(s.numberOfSectionReferences) },
        { name: 'NumberOfMappedViews', value: num(s.numberOfMappedViews) },
        { name: 'u.Flags.Image', value: s.image ? '1' : '0' },
        { name: 'u.Flags.File', value: s.file ? '1' : '0' },
        { name: 'FilePointer', value: s.file ? `"${s.file}"` : ptr(0n) },
        { name: '(subsections)', value: num(s.subsections.length) },
        { name: '(resident pages)', value: num(s.residentPages) },
        { name: '(commit charge, pages)', value: num(s.commitCharge) },
      ];
    }
    case 'token': return undefined;
    case 'process': {
      const p = system.queryProcess(target.pid);
      if (!p) return undefined;
      return [
        { name: 'Pcb', value: '_KPROCESS' },
        { name: 'DirectoryTableBase', value: num(BigInt(p.directoryTableBase) * PAGE_SIZE_N), depth: 1 },
        { name: 'UniqueProcessId', value: ptr(BigInt(p.pid)) },
        { name: 'InheritedFromUniqueProcessId', value: ptr(BigInt(p.parentPid)) },
        { name: 'Peb', value: ptr(p.peb) },
        { name: 'ImageFileName', value: `"${p.imageFileName.slice(0, 14)}"` },
        { name: 'SessionId', value: num(p.sessionId) },
        { name: 'CommitCharge', value: num(p.privateCommit) },
        { name: 'VadCount', value: num(p.vadCount) },
        { name: 'ActiveThreads', value: num(p.threads.length) },
        { name: 'Vm', value: '_MMSUPPORT_FULL' },
        { name: 'WorkingSetSize', value: num(p.workingSetSize), depth: 1 },
        { name: 'MinimumWorkingSetSize', value: num(p.workingSetMinimum), depth: 1 },
        { name: 'MaximumWorkingSetSize', value: num(p.workingSetMaximum), depth: 1 },
        { name: 'PeakWorkingSetSize', value: num(p.peakWorkingSetSize), depth: 1 },
        { name: 'PageFaultCount', value: num(p.pageFaultCount), depth: 1 },
      ];
    }
    case 'thread': {
      const t = system.queryProcess(target.pid)?.threads.find((x) => x.tid === target.tid);
      if (!t) return undefined;
      return [
        { name: 'Tcb', value: '_KTHREAD' },
        { name: 'Teb', value: ptr(t.teb), depth: 1 },
        { name: 'State', value: t.state, depth: 1 },
        { name: 'Cid', value: '_CLIENT_ID' },
        { name: 'UniqueProcess', value: ptr(BigInt(target.pid)), depth: 1 },
        { name: 'UniqueThread', value: ptr(BigInt(t.tid)), depth: 1 },
      ];
    }
    case 'peb': {
      const p = system.queryProcess(target.pid);
      if (!p) return undefined;
      return [{ name: 'Self (address of the PEB)', value: ptr(p.peb) }];
    }
    case 'vad': {
      const v = system.queryVads(target.pid).find((x) => target.va >= x.start && target.va <= x.end);
      if (!v) return undefined;
      return [
        { name: 'Core', value: '_MMVAD_SHORT' },
        { name: 'StartingVpn', value: num(v.start >> 12n), depth: 1 },
        { name: 'EndingVpn', value: num(v.end >> 12n), depth: 1 },
        { name: 'u.VadFlags.VadType', value: v.vadType, depth: 1 },
        // The 5-bit MM protection (MM_READWRITE 4...), not the PAGE_* value (_MMVAD_FLAGS.Protection : 5).
        { name: 'u.VadFlags.Protection', value: num(v.protection), depth: 1 },
        { name: 'u.VadFlags.PrivateMemory', value: v.type === engine.MEM_PRIVATE ? '1' : '0', depth: 1 },
        { name: 'u1.VadFlags1.CommitCharge', value: num(v.commitCharge), depth: 1 },
        { name: 'u1.VadFlags1.MemCommit', value: v.memCommit ? '1' : '0', depth: 1 },
      ];
    }
    case 'pfn': {
      if (!Number.isInteger(target.pfn) || target.pfn < 0 || target.pfn >= system.physicalPageCount) return undefined;
      return pfnFields(system.queryPfn(target.pfn)).map((f) => ({ name: f.name, value: pfnDtValue(f) }));
    }
  }
}

/** An MMPFN field as dt prints it: pointers in WinDbg's form, numbers in hex, a bit as 0 or 1. */
function pfnDtValue(f: PfnField): string {
  switch (f.kind) {
    case 'pointer': return ptr(f.value);
    case 'count': case 'frame': return num(f.value);
    case 'bit': case 'location': return String(f.value);
  }
}

/**
 * The JOBOBJECT_EXTENDED_LIMIT_INFORMATION values the engine's basic layout leaves out, shown
 * without offsets (the engine has no layout for the extended structure).
 */
function extendedLimits(system: System, target: DtTarget): DtField[] {
  if (target.kind !== 'jobLimits') return [];
  const j = system.queryJobs().find((x) => x.jobId === target.jobId);
  if (!j) return [];
  return [
    { name: '(extended) ProcessMemoryLimit', value: num(j.processMemoryLimit) },
    { name: '(extended) JobMemoryLimit', value: num(j.jobMemoryLimit) },
    { name: '(extended) PeakProcessMemoryUsed', value: num(j.peakProcessMemoryUsed) },
    { name: '(extended) PeakJobMemoryUsed', value: num(j.peakJobMemoryUsed) },
  ];
}

/** A field of a dt document that leads to another structure: its line, the columns of its name, where it leads. */
export interface DtLink { line: number; start: number; end: number; name: string; ref: ObjectRef }

/** The whole dt document. */
export function renderDt(system: System, target: DtTarget, l10n: Localizer, step: string): string {
  return renderDtDocument(system, target, l10n, step).text;
}

/** The dt document and the fields in it that lead to other structures (the document's links). */
export function renderDtDocument(system: System, target: DtTarget, l10n: Localizer, step: string): { text: string; links: DtLink[] } {
  const layout = engineLayout(system, target);
  const fields = dtFields(system, target, layout);
  const type = typeName(target);
  const head = `0:000> dt ${type.includes('!') ? type : `nt!${type}`} ${layout ? `${pointer(layout.address)} ` : ''}${describeTarget(system, target)}`;
  if (!fields) return { text: [head, '', l10n.t('This object does not exist in the displayed state ({0}).', step)].join('\n'), links: [] };
  const hasOffsets = fields.every((f) => f.offset !== undefined);
  const someOffsets = fields.some((f) => f.offset !== undefined);
  const width = Math.max(...fields.map((f) => f.name.length + (f.depth ?? 0) * 3));
  const notes = [`// ${l10n.t('NT Lab simulation, {0}. This document follows the simulation as it moves.', step)}`];
  if (layout) notes.push(`// ${l10n.t('Offsets: {0}.', layout.source)}`);
  if (!someOffsets) notes.push(`// ${l10n.t('Field offsets are not shown: this build of the simulation has no binary layout for {0}; names and values are the simulated ones.', type)}`);
  else if (!hasOffsets) notes.push(`// ${l10n.t('Lines without an offset are the simulation\'s links and values, not fields at a known offset of {0}.', type)}`);
  if (fields.some((f) => f.ref)) notes.push(`// ${l10n.t('Underlined fields point to another structure: Ctrl+click (Cmd+click) one to dump it.')}`);
  const links: DtLink[] = [];
  const first = notes.length + 2;
  const lines = fields.map((f, i) => {
    const indent = '   '.repeat(f.depth ?? 0);
    const offset = f.offset !== undefined ? `+0x${hexDigits(f.offset, 3)} ` : someOffsets ? ' '.repeat(7) : '';
    const prefix = `   ${indent}${offset}`;
    if (f.ref) links.push({ line: first + i, start: prefix.length, end: prefix.length + f.name.length, name: f.name, ref: f.ref });
    return `${prefix}${f.name.padEnd(width - indent.length)} : ${f.value}`;
  });
  return { text: [...notes, '', head, ...lines, ''].join('\n'), links };
}

function describeTarget(system: System, t: DtTarget): string {
  switch (t.kind) {
    case 'process': { const p = system.queryProcess(t.pid); return p ? `(${p.imageFileName}, pid ${t.pid})` : `(pid ${t.pid})`; }
    case 'thread': return `(tid ${t.tid}, pid ${t.pid})`;
    case 'peb': return `(pid ${t.pid})`;
    case 'token': return `(pid ${t.pid})`;
    case 'vad': return `(${hex(t.va)}, pid ${t.pid})`;
    case 'pfn': return `(PFN ${num(t.pfn)})`;
    case 'handle': return `(handle ${num(t.handle)}, pid ${t.pid})`;
    case 'job': case 'jobLimits': case 'jobAccounting': {
      const j = system.queryJobs().find((x) => x.jobId === t.jobId);
      return j?.name ? `(${j.name}, job ${t.jobId})` : `(job ${t.jobId})`;
    }
    case 'controlArea': return `(control area ${t.controlArea})`;
    case 'layout': {
      if (t.ref.kind === 'CID_TABLE') return '(PspCidTable)';
      const r = t.ref as { pid?: number; tid?: number; jobId?: number; index?: number; handle?: number; objectId?: number };
      const parts = [r.objectId !== undefined ? `object ${r.objectId}` : '', r.pid !== undefined ? `pid ${r.pid}` : '', r.tid !== undefined ? `tid ${r.tid}` : '', r.jobId !== undefined ? `job ${r.jobId}` : '',
        r.index !== undefined ? `#${r.index}` : '', r.handle !== undefined ? `handle ${num(r.handle)}` : ''].filter(Boolean);
      return `(${parts.join(', ')})`;
    }
  }
}

/** A `!pte`-style decode: the four-level walk, each entry decoded, the PFN and what VirtualQuery says. */
export function renderPte(system: System, pid: number, va: bigint, l10n: Localizer, step: string): string {
  const p = system.queryProcess(pid);
  if (!p) return l10n.t('There is no process with id {0} in the displayed state ({1}).', pid, step);
  const out: string[] = [
    `// ${l10n.t('NT Lab simulation, {0}. This document follows the simulation as it moves.', step)}`, '',
    `0: kd> !pte ${pointer(va)}    (${p.imageFileName}, pid ${pid}, DirectoryTableBase ${num(BigInt(p.directoryTableBase) * PAGE_SIZE_N)})`,
  ];
  if (va > 0xFFFFFFFFFFFFFFFFn || va < 0n) return [...out, l10n.t('Not a 64-bit address.')].join('\n');
  const walk = system.walkAddress(pid, va);
  const ix = walk.indices;
  out.push(`   ${l10n.t('indices')}: PXE ${num(ix.pxe)}  PPE ${num(ix.ppe)}  PDE ${num(ix.pde)}  PTE ${num(ix.pte)}  ${l10n.t('offset')} ${num(ix.offset)}`, '');
  for (const level of walk.levels) {
    const d = level.decoded;
    const flags = Object.entries(d.fields).map(([k, v]) => `${k}=${typeof v === 'boolean' ? (v ? 1 : 0) : typeof v === 'bigint' || typeof v === 'number' ? num(v) : String(v)}`).join(' ');
    out.push(`${level.level} at ${pointer(level.address)}  [${l10n.t('index {0} of the table in PFN {1}', num(level.index), num(level.tablePfn))}]`);
    out.push(`    contains ${pointer(d.value)}  ${d.kind}`);
    if (flags) out.push(`    ${flags}`);
  }
  out.push('');
  if (walk.physicalAddress !== null && walk.pfn !== null) {
    out.push(l10n.t('Valid: physical address {0} (PFN {1}){2}.', num(walk.physicalAddress), num(walk.pfn), walk.largePage ? ` — ${walk.largePage}` : ''));
    if (walk.pfn < system.physicalPageCount) {
      const f = system.queryPfn(walk.pfn);
      out.push(`    !pfn ${num(walk.pfn)}: ${f.State}  ShareCount ${f.ShareCount}  ReferenceCount ${f.ReferenceCount}  PteAddress ${pointer(f.PteAddress)}  Priority ${f.Priority}${f.Modified ? '  Modified' : ''}`);
    }
  } else {
    const last = walk.levels[walk.levels.length - 1];
    out.push(l10n.t('The walk stops at the {0}: the entry is not valid ({1}). A user access here page-faults; MmAccessFault decides from this entry and the VAD.', last?.level ?? 'PXE', last?.decoded.kind ?? 'zero'));
  }
  if (va <= engine.MM_HIGHEST_USER_ADDRESS) {
    const mbi = system.win32(pid).VirtualQuery(va);
    if (mbi) {
      const state = mbi.State === engine.MEM_COMMIT ? 'MEM_COMMIT' : mbi.State === engine.MEM_RESERVE ? 'MEM_RESERVE' : 'MEM_FREE';
      out.push('', `VirtualQuery: BaseAddress ${hex(mbi.BaseAddress)}  AllocationBase ${hex(mbi.AllocationBase)}  RegionSize ${num(mbi.RegionSize)}  State ${state}  Protect ${num(mbi.Protect)}`);
    }
  }
  return out.join('\n') + '\n';
}

/** For structures too long for a hover, the fields it shows (in offset order): what identifies the object and what it leads to. */
const HOVER_FIELDS: Record<string, readonly string[]> = {
  _EPROCESS: ['Pcb', 'UniqueProcessId', 'Token', 'Win32Process', 'Job', 'InheritedFromUniqueProcessId', 'Peb', 'ObjectTable', 'DebugPort',
    'ImageFileName', 'ActiveThreads', 'CommitCharge', 'Vm.Instance.WorkingSetSize', 'VadCount'],
};

/** The structures a notes hover can show with their real layout. */
const HOVER_STRUCTURES = ['eprocess', 'kprocess', 'peb', 'teb', 'ethread', 'csrProcess', 'w32Process'] as const;
export type HoverStructure = typeof HOVER_STRUCTURES[number];
export function isHoverStructure(kind: string): kind is HoverStructure { return (HOVER_STRUCTURES as readonly string[]).includes(kind); }

/**
 * A hover-sized dt of one structure of a process (its first live thread for TEB and ETHREAD), with
 * the engine's offsets; undefined when the process has no such structure in the displayed state.
 */
export function structureHover(system: System, kind: HoverStructure, pid: number, maxFields = 14): string | undefined {
  const p = system.queryProcess(pid);
  if (!p) return undefined;
  const tid = p.threads.find((t) => t.state !== 'Terminated')?.tid;
  let ref: ObjectRef | undefined;
  switch (kind) {
    case 'eprocess': ref = { kind: 'EPROCESS', pid }; break;
    case 'kprocess': ref = { kind: 'KPROCESS', pid }; break;
    case 'peb': ref = { kind: 'PEB', pid }; break;
    case 'csrProcess': ref = { kind: 'CSR_PROCESS', pid }; break;
    case 'w32Process': ref = { kind: 'W32PROCESS', pid }; break;
    case 'teb': ref = tid === undefined ? undefined : { kind: 'TEB', tid }; break;
    case 'ethread': ref = tid === undefined ? undefined : { kind: 'ETHREAD', tid }; break;
  }
  const layout = ref && describeObject(system, ref);
  if (!layout) return undefined;
  const type = LAYOUT_TYPES[ref!.kind];
  const preferred = HOVER_FIELDS[layout.typeName];
  const fields = layout.fields.filter((f) => f.offset >= 0 && (!preferred || preferred.includes(f.name))).slice(0, maxFields);
  // A hover is narrow: names unpadded, and values that fit 32 bits without the leading zeros of a pointer.
  const compact = (v: string | number | bigint): string => (typeof v === 'bigint' && v < 0x100000000n ? hex(v) : layoutValue(v));
  const owner = tid !== undefined && (kind === 'teb' || kind === 'ethread') ? `${p.imageFileName}, pid ${pid}, tid ${tid}` : `${p.imageFileName}, pid ${pid}`;
  return [
    `${type.includes('!') ? type : `nt!${type}`} ${pointer(layout.address)} (${owner})`,
    ...fields.map((f) => ` +0x${hexDigits(f.offset, 3)} ${f.name} : ${compact(f.value)}`),
  ].join('\n');
}
