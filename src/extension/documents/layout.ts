// Text of the read-only structure documents, apart from VS Code: WinDbg `dt`-style dumps of the
// simulated objects and a `!pte`-style decode of an address. Pure: the host passes a Localizer.
import * as engine from '../../engine';
import { describeObject, type System } from '../../engine';
import { formatAddress, formatPointer } from '../commands/parse';
import type { Localizer } from '../views/model';

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
  | { kind: 'controlArea'; controlArea: number };

/** One field of a dt dump. `offset` is undefined while the engine has no layout for the type. */
export interface DtField { offset?: number; name: string; value: string; depth?: number }

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
  }
}

const num = (v: number | bigint): string => '0x' + v.toString(16);
const ptr = (v: bigint): string => `0x${formatPointer(v)}`;

type ObjectRef = Parameters<typeof describeObject>[1];
type ObjectLayout = NonNullable<ReturnType<typeof describeObject>>;

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
    default: return undefined;
  }
  return describeObject(system, ref);
}

function layoutValue(v: string | number | bigint): string {
  if (typeof v === 'bigint') return ptr(v);
  if (typeof v === 'number') return num(v);
  return v;
}

/** The fields of a target as far as the engine exposes them; undefined when the object does not exist. */
export function dtFields(system: System, target: DtTarget): DtField[] | undefined {
  const layout = engineLayout(system, target);
  if (layout) {
    // A negative offset is the engine saying "a simulation link, not a field at a known offset".
    const fields: DtField[] = layout.fields.map((f) => {
      const value = layoutValue(f.value);
      return { offset: f.offset >= 0 ? f.offset : undefined, name: f.name, value: value === f.type ? f.type : `${value}${f.type.startsWith('_') || f.type.startsWith('Ptr64') ? `  (${f.type})` : ''}` };
    });
    return [...fields, ...extendedLimits(system, target)];
  }
  switch (target.kind) {
    case 'handle': case 'job': case 'jobLimits': case 'jobAccounting': return undefined;
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
        { name: 'DirectoryTableBase', value: num(BigInt(p.directoryTableBase) * 4096n), depth: 1 },
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
        { name: 'u.VadFlags.Protection', value: num(v.allocationProtect), depth: 1 },
        { name: 'u.VadFlags.PrivateMemory', value: v.type === 0x20000 ? '1' : '0', depth: 1 },
        { name: 'u1.VadFlags1.CommitCharge', value: num(v.commitCharge), depth: 1 },
        { name: 'u1.VadFlags1.MemCommit', value: v.memCommit ? '1' : '0', depth: 1 },
      ];
    }
    case 'pfn': {
      if (!Number.isInteger(target.pfn) || target.pfn < 0 || target.pfn >= system.physicalPageCount) return undefined;
      const f = system.queryPfn(target.pfn);
      return [
        { name: 'PteAddress', value: ptr(f.PteAddress) },
        { name: 'OriginalPte', value: ptr(f.OriginalPte) },
        { name: 'u2.ShareCount', value: num(f.ShareCount) },
        { name: 'u3.ReferenceCount', value: num(f.ReferenceCount) },
        { name: 'u3.e1.PageLocation', value: f.State },
        { name: 'u3.e1.Modified', value: f.Modified ? '1' : '0' },
        { name: 'u3.e1.Priority', value: num(f.Priority) },
        { name: 'u4.PteFrame', value: num(f.PteFrame) },
        { name: 'WsIndex', value: num(f.WsIndex) },
      ];
    }
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

/** The whole dt document. */
export function renderDt(system: System, target: DtTarget, l10n: Localizer, step: string): string {
  const fields = dtFields(system, target);
  const layoutAddress = engineLayout(system, target)?.address;
  const head = `0:000> dt nt!${typeName(target)} ${layoutAddress !== undefined ? `${formatPointer(layoutAddress)} ` : ''}${describeTarget(system, target)}`;
  if (!fields) return [head, '', l10n.t('This object does not exist in the displayed state ({0}).', step)].join('\n');
  const hasOffsets = fields.every((f) => f.offset !== undefined);
  const someOffsets = fields.some((f) => f.offset !== undefined);
  const width = Math.max(...fields.map((f) => f.name.length + (f.depth ?? 0) * 3));
  const lines = fields.map((f) => {
    const indent = '   '.repeat(f.depth ?? 0);
    const offset = f.offset !== undefined ? `+0x${f.offset.toString(16).padStart(3, '0')} ` : someOffsets ? ' '.repeat(7) : '';
    return `   ${indent}${offset}${(f.name).padEnd(width - indent.length)} : ${f.value}`;
  });
  const notes = [`// ${l10n.t('NT Lab simulation, {0}. This document follows the simulation as it moves.', step)}`];
  const layout = engineLayout(system, target);
  if (layout) notes.push(`// ${l10n.t('Offsets: {0}.', layout.source)}`);
  if (!someOffsets) notes.push(`// ${l10n.t('Field offsets are not shown: this build of the simulation has no binary layout for {0}; names and values are the simulated ones.', typeName(target))}`);
  else if (!hasOffsets) notes.push(`// ${l10n.t('Lines without an offset are the simulation\'s links and values, not fields at a known offset of {0}.', typeName(target))}`);
  return [...notes, '', head, ...lines, ''].join('\n');
}

function describeTarget(system: System, t: DtTarget): string {
  switch (t.kind) {
    case 'process': { const p = system.queryProcess(t.pid); return p ? `(${p.imageFileName}, pid ${t.pid})` : `(pid ${t.pid})`; }
    case 'thread': return `(tid ${t.tid}, pid ${t.pid})`;
    case 'peb': return `(pid ${t.pid})`;
    case 'token': return `(pid ${t.pid})`;
    case 'vad': return `(${formatAddress(t.va)}, pid ${t.pid})`;
    case 'pfn': return `(PFN ${num(t.pfn)})`;
    case 'handle': return `(handle ${num(t.handle)}, pid ${t.pid})`;
    case 'job': case 'jobLimits': case 'jobAccounting': {
      const j = system.queryJobs().find((x) => x.jobId === t.jobId);
      return j?.name ? `(${j.name}, job ${t.jobId})` : `(job ${t.jobId})`;
    }
    case 'controlArea': return `(control area ${t.controlArea})`;
  }
}

/** A `!pte`-style decode: the four-level walk, each entry decoded, the PFN and what VirtualQuery says. */
export function renderPte(system: System, pid: number, va: bigint, l10n: Localizer, step: string): string {
  const p = system.queryProcess(pid);
  if (!p) return l10n.t('There is no process with id {0} in the displayed state ({1}).', pid, step);
  const out: string[] = [
    `// ${l10n.t('NT Lab simulation, {0}. This document follows the simulation as it moves.', step)}`, '',
    `0: kd> !pte ${formatPointer(va)}    (${p.imageFileName}, pid ${pid}, DirectoryTableBase ${num(BigInt(p.directoryTableBase) * 4096n)})`,
  ];
  if (va > 0xFFFFFFFFFFFFFFFFn || va < 0n) return [...out, l10n.t('Not a 64-bit address.')].join('\n');
  const walk = system.walkAddress(pid, va);
  const ix = walk.indices;
  out.push(`   ${l10n.t('indices')}: PXE ${num(ix.pxe)}  PPE ${num(ix.ppe)}  PDE ${num(ix.pde)}  PTE ${num(ix.pte)}  ${l10n.t('offset')} ${num(ix.offset)}`, '');
  for (const level of walk.levels) {
    const d = level.decoded;
    const flags = Object.entries(d.fields).map(([k, v]) => `${k}=${typeof v === 'boolean' ? (v ? 1 : 0) : typeof v === 'bigint' || typeof v === 'number' ? num(v) : String(v)}`).join(' ');
    out.push(`${level.level} at ${formatPointer(level.address)}  [${l10n.t('index {0} of the table in PFN {1}', num(level.index), num(level.tablePfn))}]`);
    out.push(`    contains ${formatPointer(d.value)}  ${d.kind}`);
    if (flags) out.push(`    ${flags}`);
  }
  out.push('');
  if (walk.physicalAddress !== null && walk.pfn !== null) {
    out.push(l10n.t('Valid: physical address {0} (PFN {1}){2}.', num(walk.physicalAddress), num(walk.pfn), walk.largePage ? ` — ${walk.largePage}` : ''));
    if (walk.pfn < system.physicalPageCount) {
      const f = system.queryPfn(walk.pfn);
      out.push(`    !pfn ${num(walk.pfn)}: ${f.State}  ShareCount ${f.ShareCount}  ReferenceCount ${f.ReferenceCount}  PteAddress ${formatPointer(f.PteAddress)}  Priority ${f.Priority}${f.Modified ? '  Modified' : ''}`);
    }
  } else {
    const last = walk.levels[walk.levels.length - 1];
    out.push(l10n.t('The walk stops at the {0}: the entry is not valid ({1}). A user access here page-faults; MmAccessFault decides from this entry and the VAD.', last?.level ?? 'PXE', last?.decoded.kind ?? 'zero'));
  }
  if (va <= engine.MM_HIGHEST_USER_ADDRESS) {
    const mbi = system.win32(pid).VirtualQuery(va);
    if (mbi) {
      const state = mbi.State === engine.MEM_COMMIT ? 'MEM_COMMIT' : mbi.State === engine.MEM_RESERVE ? 'MEM_RESERVE' : 'MEM_FREE';
      out.push('', `VirtualQuery: BaseAddress ${formatAddress(mbi.BaseAddress)}  AllocationBase ${formatAddress(mbi.AllocationBase)}  RegionSize ${num(mbi.RegionSize)}  State ${state}  Protect ${num(mbi.Protect)}`);
    }
  }
  return out.join('\n') + '\n';
}
