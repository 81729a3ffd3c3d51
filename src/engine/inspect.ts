// What the sidebar lists beyond processes and pages: section objects (control area -> segment and
// subsections -> prototype PTEs -> the views that map them), handle tables and jobs. Read-only views
// of the engine's state, as JSON-friendly records (addresses stay bigint; the host formats them).
import { PAGE_SIZE_N } from './constants';
import type { MemoryManager } from './mm/memoryManager';
import { decodePte, type DecodedPte, PTE_PROTOTYPE, PTE_TRANSITION, PTE_VALID, pteProtection } from './mm/pte';
import { mmToWin32Protection } from './mm/protection';
import { protoAddress } from './mm/section';
import type { ProcessObject } from './process';
import type { ProcessManager } from './ps/processManager';
import { DEBUG_EVENT_NAMES } from './ps/debug';

/** One view of a section (a VAD of a process). */
export interface SectionViewInfo { pid: number; base: bigint; size: bigint; protect: number; copyOnWrite: boolean; firstPrototypeIndex: number }

/** A control area with its segment, subsections, section objects and views (!ca). */
export interface SectionInfo {
  controlArea: number;
  /** The mapped file, or null for a section backed by the paging file. */
  file: string | null;
  image: boolean;
  /** SEC_RESERVE: prototype PTEs start reserved. */
  reserve: boolean;
  attributes: number;
  /** Kernel address of the first prototype PTE (the segment's PrototypePte). */
  prototypePteBase: bigint;
  /** SEGMENT.TotalNumberOfPtes */
  totalPtes: number;
  committedPtes: number;
  /** Prototype PTEs whose page is in memory (valid) or on a list (transition). */
  residentPages: number;
  validPages: number;
  numberOfSectionReferences: number;
  numberOfMappedViews: number;
  commitCharge: number;
  subsections: Array<{ name: string; firstPte: number; ptes: number; fileOffset: number; rawSize: number; protect: number }>;
  /** Names of the section objects that refer to it (null for unnamed ones). */
  sectionObjects: Array<{ objectId: number; name: string | null; size: bigint; protect: number }>;
  views: SectionViewInfo[];
}

/** One prototype PTE, decoded; `kind` 'subsection' means "in the file, not in memory". */
export interface PrototypePteInfo { index: number; address: bigint; kind: DecodedPte['kind'] | 'subsection'; decoded: DecodedPte; pfn: number | null; protect: number }

/** One handle table entry (!handle); `key` is the pid for a process, the tid for a thread, the job id for a job. */
export interface HandleInfo {
  handle: number; objectId: number; typeName: string; grantedAccess: number; inherit: boolean; objectAddress: bigint; name: string | null; key: number;
  /** The object's OBJECT_HEADER.HandleCount and PointerCount (!handle flag 2, !object). */
  handleCount?: number; pointerCount?: number;
}

/** A job and its members (!job). */
export interface JobInfo {
  jobId: number;
  objectId: number;
  address: bigint;
  name: string | null;
  parentJobId: number;
  childJobIds: number[];
  processIds: number[];
  limitFlags: number;
  activeProcessLimit: number;
  processMemoryLimit: number;
  jobMemoryLimit: number;
  minimumWorkingSetSize: number;
  maximumWorkingSetSize: number;
  /** JOB_OBJECT_LIMIT_PRIORITY_CLASS: the priority class every member gets (0 when not limited). */
  priorityClass: number;
  activeProcesses: number;
  totalProcesses: number;
  totalTerminatedProcesses: number;
  totalPageFaultCount: number;
  peakProcessMemoryUsed: number;
  peakJobMemoryUsed: number;
}

/**
 * Narrows listSections to what a caller prints (a debugger's !ca, !memusage and !vad): one control
 * area, and the views of every process, of one process (a pid) or none (views lists left empty).
 * Without it every view of every process is listed, O(VADs of all processes).
 */
export interface SectionFilter { controlArea?: number; views?: 'all' | 'none' | number }

export function listSections(mm: MemoryManager, processes: ReadonlyArray<ProcessObject | undefined>, filter: SectionFilter = {}): SectionInfo[] {
  const reg = mm.sectionRegistry;
  const views = new Map<number, SectionViewInfo[]>();
  const only = filter.controlArea;
  const viewsOf = filter.views ?? 'all';
  for (const p of viewsOf === 'none' ? [] : processes) {
    if (!p || p.exited || (typeof viewsOf === 'number' && p.pid !== viewsOf)) continue;
    for (const vad of p.vads) {
      if (!vad.view || (only !== undefined && vad.view.controlArea.id !== only)) continue;
      const list = views.get(vad.view.controlArea.id) ?? [];
      list.push({ pid: p.pid, base: BigInt(vad.startVpn) * PAGE_SIZE_N, size: BigInt(vad.pageCount) * PAGE_SIZE_N, protect: vad.view.protect, copyOnWrite: vad.view.copyOnWrite, firstPrototypeIndex: vad.view.firstProto });
      views.set(vad.view.controlArea.id, list);
    }
  }
  const objects = new Map<number, SectionInfo['sectionObjects']>();
  for (const s of reg.sections.values()) {
    if (only !== undefined && s.controlArea.id !== only) continue;
    const list = objects.get(s.controlArea.id) ?? [];
    list.push({ objectId: s.id, name: s.name, size: s.size, protect: s.protect });
    objects.set(s.controlArea.id, list);
  }
  const out: SectionInfo[] = [];
  const areas = only === undefined ? reg.controlAreas.values() : [reg.controlAreas.get(only)].filter((x) => x !== undefined);
  for (const ca of areas) {
    const seg = ca.segment;
    let committed = 0;
    let resident = 0;
    let valid = 0;
    for (let i = 0; i < seg.totalPtes; i++) {
      const lo = seg.protoLo[i]!;
      const hi = seg.protoHi[i]!;
      if (lo !== 0 || hi !== 0) committed++;
      if (lo & PTE_VALID) { valid++; resident++; } else if ((lo & PTE_TRANSITION) && !(lo & PTE_PROTOTYPE)) resident++;
    }
    out.push({
      controlArea: ca.id,
      file: ca.fileBacked ? mm.fileSystem?.getFileById(ca.fileId)?.path ?? null : null,
      image: ca.image, reserve: ca.reserve, attributes: ca.attributes,
      prototypePteBase: ca.protoBase, totalPtes: seg.totalPtes, committedPtes: committed, residentPages: resident, validPages: valid,
      numberOfSectionReferences: ca.sectionReferences, numberOfMappedViews: ca.mappedViews, commitCharge: ca.commitCharge,
      subsections: seg.subsections.map((s) => ({ name: s.name, firstPte: s.firstPte, ptes: s.ptes, fileOffset: s.fileOffset, rawSize: s.rawSize, protect: mmToWin32Protection(s.protection) })),
      sectionObjects: objects.get(ca.id) ?? [],
      views: views.get(ca.id) ?? [],
    });
  }
  return out.sort((a, b) => a.controlArea - b.controlArea);
}

/** A slice of a control area's prototype PTEs, decoded. */
export function listPrototypePtes(mm: MemoryManager, controlArea: number, start: number, count: number): PrototypePteInfo[] {
  const ca = mm.sectionRegistry.controlAreas.get(controlArea);
  if (!ca) return [];
  const seg = ca.segment;
  const out: PrototypePteInfo[] = [];
  const end = Math.min(seg.totalPtes, Math.max(0, start) + Math.max(0, count));
  for (let i = Math.max(0, start); i < end; i++) {
    const lo = seg.protoLo[i]!;
    const hi = seg.protoHi[i]!;
    const decoded = decodePte(lo, hi, mm.layout);
    // In a segment, a non-valid PTE with the Prototype bit is a subsection PTE (the data is in the file).
    const kind = !(lo & PTE_VALID) && (lo & PTE_PROTOTYPE) ? 'subsection' : decoded.kind;
    const pfn = typeof decoded.fields.PageFrameNumber === 'number' ? decoded.fields.PageFrameNumber : null;
    const prot = lo & PTE_VALID && pfn !== null ? pteProtection(mm.pfn.originalPteLo[pfn]!) : pteProtection(lo);
    out.push({ index: i, address: protoAddress(ca, i), kind, decoded, pfn, protect: mmToWin32Protection(prot) });
  }
  return out;
}

export function listHandles(pm: ProcessManager, p: ProcessObject): HandleInfo[] {
  const out: HandleInfo[] = [];
  for (const [handle, e] of pm.state(p).handles.entries) {
    const h = pm.ob.get(e.objectId);
    // A process object's key is its index in the process table; report the pid instead.
    const key = h?.typeName === 'Process' ? pm.ctx.processes[h.key]?.pid ?? -1 : h?.key ?? -1;
    out.push({ handle, objectId: e.objectId, typeName: h?.typeName ?? 'Unknown', grantedAccess: e.grantedAccess, inherit: e.inherit, objectAddress: h?.address ?? 0n, name: h?.name ?? null, key, handleCount: h?.handleCount ?? 0, pointerCount: h?.pointerCount ?? 0 });
  }
  return out.sort((a, b) => a.handle - b.handle);
}

export function listJobs(pm: ProcessManager): JobInfo[] {
  return [...pm.jobs.values()].map((j) => ({
    jobId: j.jobId, objectId: j.objectId, address: j.address, name: j.name, parentJobId: j.parentJobId,
    childJobIds: j.childJobIds.slice(), processIds: j.processIds.slice(), limitFlags: j.limitFlags,
    activeProcessLimit: j.activeProcessLimit, processMemoryLimit: j.processMemoryLimit, jobMemoryLimit: j.jobMemoryLimit,
    minimumWorkingSetSize: j.minimumWorkingSetSize, maximumWorkingSetSize: j.maximumWorkingSetSize, priorityClass: j.priorityClass,
    activeProcesses: j.activeProcesses, totalProcesses: j.totalProcesses, totalTerminatedProcesses: j.totalTerminatedProcesses,
    totalPageFaultCount: j.totalPageFaultCount, peakProcessMemoryUsed: j.peakProcessMemoryUsed, peakJobMemoryUsed: j.peakJobMemoryUsed,
  })).sort((a, b) => a.jobId - b.jobId);
}

/** One debug object (!dbgobj-style): its debugger, its debuggees, and the events in its queue. */
export interface DebugObjectInfo {
  objectId: number;
  address: bigint;
  debuggerPid: number;
  killOnExit: boolean;
  debuggeePids: number[];
  /** In queue order; `reported` events were returned by WaitForDebugEvent and wait for ContinueDebugEvent. */
  events: Array<{ event: string; pid: number; tid: number; state: 'queued' | 'reported' }>;
}

export function listDebugObjects(pm: ProcessManager): DebugObjectInfo[] {
  const out: DebugObjectInfo[] = [];
  for (const d of pm.debugObjects.values()) {
    const debuggeePids = [...pm.ctx.byPid.values()].filter((p) => !p.exited && pm.state(p).debugObjectId === d.objectId).map((p) => p.pid).sort((a, b) => a - b);
    out.push({
      objectId: d.objectId, address: d.address, debuggerPid: d.debuggerPid, killOnExit: d.killOnExit, debuggeePids,
      events: d.events.map((e) => ({ event: DEBUG_EVENT_NAMES[e.code] ?? String(e.code), pid: e.pid, tid: e.tid, state: e.state })),
    });
  }
  return out.sort((a, b) => a.objectId - b.objectId);
}
