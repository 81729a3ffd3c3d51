// View models of the stepping panels, built from the engine and localized: a CreateProcess step,
// a recorded page fault (before = the state right before its first step, after = right after it),
// and the walk of an address the learner picked. Pure (no `vscode`): unit-tested in plain Node.
import type { AddressWalk, DecodedPte, Step, System } from '../../engine';
import type {
  AddressQueryView, AddressSplit, CreationFlowSummary, CreationStageId, CreationStepView, FaultPhase, FaultSummary,
  FaultView, PfnView, PteView, StageMark, WalkLevelView, WalkView,
} from '../../shared/protocol';
import { CREATION_STAGE_IDS } from '../../shared/protocol';
import { STATUS_ACCESS_VIOLATION, STATUS_GUARD_PAGE_VIOLATION } from '../../engine/constants';
import { address, hex } from '../present/format';
import type { Localizer } from '../present/localizer';
import { faultKindLabel, faultKindOf, listName, pteKindLabel, stageTitle } from '../present/names';
import { pfnFields, pfnFieldText } from '../present/pfn';
import { callChain, changeLinks, explainStep, formatArgs } from '../present/steps';
import type { CreationFlow } from './traceIndex';

/** Image file name of a process in a system, if it exists there. */
export function imageOf(system: System, pid: number): string | undefined {
  return system.queryProcess(pid)?.imageFileName;
}

// ------------------------------------------------------------------------------------------ CreateProcess

export function flowSummary(flow: CreationFlow, l10n: Localizer): CreationFlowSummary {
  const image = flow.image || '?';
  const summary: CreationFlowSummary = { start: flow.start, end: flow.end, image, label: '' };
  if (flow.pid !== undefined) summary.pid = flow.pid;
  summary.label = flow.pid !== undefined
    ? l10n.t('{image} (pid {pid}) · steps {first}–{last}', { image, pid: flow.pid, first: flow.start, last: flow.end - 1 })
    : l10n.t('{image} · steps {first}–{last}', { image, first: flow.start, last: flow.end - 1 });
  return summary;
}

/** The twelve stages with where each begins in the flow's steps. */
export function stageMarks(steps: ReadonlyArray<Pick<Step, 'stage'>>, l10n: Localizer): StageMark[] {
  return CREATION_STAGE_IDS.map((stage) => {
    let first = -1;
    let count = 0;
    steps.forEach((s, i) => { if (s.stage === stage) { if (first < 0) first = i; count++; } });
    return { stage, title: stageTitle(stage, l10n), firstIndex: first, count };
  });
}

export function creationStepView(step: Step, index: number, l10n: Localizer, imageOfPid: (pid: number) => string | undefined, entry?: string): CreationStepView {
  const view: CreationStepView = {
    seq: step.seq,
    index,
    stageTitle: stageTitle(step.stage, l10n),
    routine: step.routine,
    callChain: callChain(step, entry),
    code: step.code,
    explanation: explainStep(step, l10n),
    args: formatArgs(step, l10n),
    changes: changeLinks(step, l10n, imageOfPid),
  };
  if (step.stage) view.stage = step.stage as CreationStageId;
  return view;
}

// ------------------------------------------------------------------------------------------ addresses

/** Splits a canonical x64 address into its four 9-bit table indices and the 12-bit offset. */
export function splitAddress(va: bigint): AddressSplit {
  const v = va & 0xFFFFFFFFFFFFFFFFn;
  return {
    va: hex(v),
    signExtension: hex(v >> 48n),
    pxe: Number((v >> 39n) & 511n),
    ppe: Number((v >> 30n) & 511n),
    pde: Number((v >> 21n) & 511n),
    pte: Number((v >> 12n) & 511n),
    offset: Number(v & 0xFFFn),
  };
}

function fieldValue(v: number | bigint | boolean): string {
  if (typeof v === 'boolean') return v ? '1' : '0';
  return typeof v === 'bigint' || v > 9 ? hex(v) : String(v);
}

export function pteView(decoded: DecodedPte, l10n: Localizer): PteView {
  return {
    kind: decoded.kind,
    kindLabel: pteKindLabel(decoded.kind, l10n),
    value: hex(decoded.value),
    fields: Object.entries(decoded.fields).map(([name, v]) => ({ name, value: fieldValue(v) })),
  };
}

const TABLE_NAMES = { PXE: 'PML4', PPE: 'PDPT', PDE: 'PD', PTE: 'PT' } as const;

export function walkView(walk: AddressWalk, l10n: Localizer): WalkView {
  const levels: WalkLevelView[] = walk.levels.map((lv) => ({
    level: lv.level, table: TABLE_NAMES[lv.level], index: lv.index, selfMap: hex(lv.address), tablePfn: hex(lv.tablePfn), pte: pteView(lv.decoded, l10n),
  }));
  let summary: string;
  if (walk.physicalAddress !== null) {
    summary = walk.largePage
      ? l10n.t('Translated through a {size} large page: physical address {pa}.', { size: walk.largePage, pa: hex(walk.physicalAddress) })
      : l10n.t('All four entries are valid: physical address {pa} (page {pfn}).', { pa: hex(walk.physicalAddress), pfn: hex(walk.pfn ?? 0) });
  } else {
    const last = walk.levels[walk.levels.length - 1];
    summary = last
      ? l10n.t('The walk stops at the {level}: it is a {kind}, so the MMU raises a page fault.', { level: last.level, kind: pteKindLabel(last.decoded.kind, l10n) })
      : l10n.t('No paging structures.', {});
  }
  return { levels, physical: walk.physicalAddress === null ? null : hex(walk.physicalAddress), pfn: walk.pfn === null ? null : hex(walk.pfn), largePage: walk.largePage, summary };
}

function safeWalk(system: System, pid: number, va: bigint): AddressWalk | undefined {
  try { return system.walkAddress(pid, va); } catch { return undefined; }
}

function emptyWalk(l10n: Localizer): WalkView {
  return { levels: [], physical: null, pfn: null, largePage: null, summary: l10n.t('The process did not exist in this state.', {}) };
}

function pfnView(system: System, pfn: number, l10n: Localizer): PfnView | undefined {
  if (!Number.isInteger(pfn) || pfn < 0 || pfn >= system.physicalPageCount) return undefined;
  const info = system.queryPfn(pfn);
  return {
    pfn: hex(pfn),
    state: listName(info.State, l10n),
    fields: pfnFields(info).map((f) => ({ name: f.name, value: pfnFieldText(f) })),
  };
}

/** What the PTE said and why the fault handler chose its resolution. */
function whyText(kind: ReturnType<typeof faultKindOf>, pteKind: string, l10n: Localizer): string {
  const pte = pteKindLabel(pteKind, l10n);
  // No PTE to read (the page tables were not there yet, or the PTE was zero): MmAccessFault asks the VAD.
  const noPte = pteKind === 'absent' || pteKind === 'zero';
  if (noPte && kind === 'demandZero') return l10n.t('There was no PTE to read for this address yet, so MmAccessFault asked the VAD: the page is committed private memory that was never touched, so the only right answer is a page full of zeros: MiResolveDemandZeroFault.', {});
  if (noPte && kind === 'prototype') return l10n.t('There was no PTE to read for this address yet, so MmAccessFault asked the VAD: the page belongs to a mapped view of a section, so the section\'s prototype PTE decides where the shared page is: MiResolveProtoPteFault.', {});
  switch (kind) {
    case 'demandZero':
      return l10n.t('The PTE was a {pte}: the page is committed but was never touched, so there are no contents to find anywhere. The only right answer is a page full of zeros: MiResolveDemandZeroFault.', { pte });
    case 'transition':
      return l10n.t('The PTE was a {pte}: the page left the working set but its frame still holds the contents on the standby or modified list. Taking it back costs no I/O: MiResolveTransitionFault (a soft fault).', { pte });
    case 'pageFile':
      return l10n.t('The PTE was a {pte}: the frame was reused, the contents survive only in the paging file. A new frame is filled by a disk read: MiResolvePageFileFault (a hard fault).', { pte });
    case 'prototype':
      return l10n.t('The PTE was a {pte}: the page belongs to a section, so the prototype PTE decides where the shared page is: MiResolveProtoPteFault.', { pte });
    case 'copyOnWrite':
      return l10n.t('The PTE was valid but marked copy-on-write and the access was a write: the process gets a private copy (MiCopyOnWrite).', { pte });
    case 'guardPage':
      // Microsoft Learn, "Creating Guard Pages" and "Thread Stack Size"; Windows Internals 7e ch. 5 (user stacks, MiCheckForUserStackOverflow).
      return l10n.t('The protection had PAGE_GUARD and the page is not the guard page of the faulting thread\'s stack: MmAccessFault clears the guard bit and raises STATUS_GUARD_PAGE_VIOLATION, so a guard page fires once and the next access succeeds. A stack\'s own guard page, the page just below its committed part, goes to MiCheckForUserStackOverflow instead: it becomes an ordinary page, the page below becomes the new guard page and the stack grows; the reservation\'s lowest page is never committed, so the last growth ends in STATUS_STACK_OVERFLOW.', {});
    case 'accessViolation':
      return l10n.t('The PTE and the VAD do not allow this access, so no resolution applies: MmAccessFault raises an access violation.', {});
    case 'pageTable':
      // Windows Internals 7e ch. 5: page tables are created on demand; the routine is not named there (lab's attribution).
      return l10n.t('A paging structure on the way was missing: a zeroed page becomes it before the page itself is resolved. The lab\'s attribution: it shows this under MiResolveDemandZeroFault; the book does not name the routine that builds page tables.', {});
    case 'dirtyBit':
      return l10n.t('The page was valid but clean; the first write sets Dirty and releases its now-stale paging-file copy.', {});
    // Windows Internals 7e ch. 5, "Memory compression": the store is reached through a virtual paging file; the caller
    // chain between the fault handler and SmPageRead is labelled as the lab's (README).
    case 'store':
      return l10n.t('The PTE was a {pte} whose PageFileLow names the virtual store of memory compression, not pagefile.sys: the contents are held compressed in the Memory Compression process. The read goes to the store manager (SmPageRead), which decompresses the page into a new frame; no disk read. The lab shows SmPageRead called from MiResolvePageFileFault; the routines between them differ by build.', { pte });
    case 'other':
      return l10n.t('The PTE was a {pte}.', { pte });
  }
}

function statusName(kind: ReturnType<typeof faultKindOf>): { status: string; name: string } | undefined {
  if (kind === 'guardPage') return { status: hex(STATUS_GUARD_PAGE_VIOLATION), name: 'STATUS_GUARD_PAGE_VIOLATION' };
  if (kind === 'accessViolation') return { status: hex(STATUS_ACCESS_VIOLATION), name: 'STATUS_ACCESS_VIOLATION' };
  return undefined;
}

function asBigint(v: unknown): bigint | undefined {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return BigInt(v);
  return undefined;
}

/** One line for the fault list. */
export function faultSummary(step: Step, l10n: Localizer): FaultSummary {
  const kind = faultKindOf(step.code);
  const va = asBigint(step.args.va);
  const pid = typeof step.args.pid === 'number' ? step.args.pid : -1;
  return {
    seq: step.seq,
    kind,
    label: l10n.t('#{seq} {kind} · pid {pid} · {va}', { seq: step.seq, kind: faultKindLabel(kind, l10n), pid, va: va === undefined ? '?' : address(va) }),
  };
}

/**
 * The view of the fault recorded at step `seq`. `stateAt` returns the system right after a step
 * (the host caches it). Page-table faults recorded just before it for the same access are part of
 * the same fault: "before" is the state ahead of the first of them.
 */
export function buildFaultView(system: System, seq: number, l10n: Localizer, stateAt: (seq: number) => System = (s) => system.stateAt(s)): FaultView | undefined {
  const step = system.getSteps(seq, seq + 1)[0];
  if (!step || step.kind !== 'pageFault') return undefined;
  const kind = faultKindOf(step.code);
  const pid = typeof step.args.pid === 'number' ? step.args.pid : -1;
  const va = asBigint(step.args.va) ?? 0n;
  // Page-table pages created for this very access come first.
  let first = seq;
  if (kind !== 'pageTable') {
    while (first > 0) {
      const prev = system.getSteps(first - 1, first)[0]!;
      if (prev.code === 'fault.pageTable' && prev.args.pid === pid) first--; else break;
    }
  }
  const beforeSystem = first > 0 ? stateAt(first - 1) : undefined;
  const afterSystem = stateAt(seq);
  const beforeWalk = beforeSystem ? safeWalk(beforeSystem, pid, va) : undefined;
  const afterWalk = safeWalk(afterSystem, pid, va);
  const before = beforeWalk ? walkView(beforeWalk, l10n) : emptyWalk(l10n);
  const after = afterWalk ? walkView(afterWalk, l10n) : emptyWalk(l10n);
  const lastBefore = beforeWalk?.levels[beforeWalk.levels.length - 1];
  const pteKindBefore = lastBefore ? (lastBefore.level === 'PTE' ? lastBefore.decoded.kind : 'absent') : 'absent';
  const image = imageOf(afterSystem, pid) ?? imageOf(system, pid) ?? '?';
  // A copy-on-write fault is always a write (its step has no 'write' argument).
  const write = step.args.write === true || kind === 'copyOnWrite';
  const split = splitAddress(va);
  const explanation = explainStep(step, l10n);
  const why = whyText(kind, pteKindBefore, l10n);
  const exception = statusName(kind);

  const view: FaultView = {
    seq, code: step.code, kind, kindLabel: faultKindLabel(kind, l10n), routine: step.routine, callChain: callChain(step),
    pid, image, write, split, before, after, why, explanation, phases: [],
    changes: changeLinks(step, l10n, (p) => imageOf(afterSystem, p)), args: formatArgs(step, l10n),
  };

  const pfnArg = typeof step.args.pfn === 'number' ? step.args.pfn : undefined;
  if (pfnArg !== undefined) {
    const from = typeof step.args.from === 'string' ? listName(step.args.from, l10n) : beforeSystem ? listName(beforeSystem.queryPfn(pfnArg).State, l10n) : '?';
    const pfn: NonNullable<FaultView['pfn']> = { pfn: hex(pfnArg), from, to: listName(afterSystem.queryPfn(pfnArg).State, l10n) };
    const b = beforeSystem ? pfnView(beforeSystem, pfnArg, l10n) : undefined;
    const a = pfnView(afterSystem, pfnArg, l10n);
    if (b) pfn.before = b;
    if (a) pfn.after = a;
    view.pfn = pfn;
  }
  const pb = beforeSystem?.queryProcess(pid);
  const pa = afterSystem.queryProcess(pid);
  if (pa && pfnArg !== undefined && kind !== 'dirtyBit') {
    const ws: NonNullable<FaultView['workingSet']> = {
      before: pb?.workingSetSize ?? 0, after: pa.workingSetSize, faultsBefore: pb?.pageFaultCount ?? 0, faultsAfter: pa.pageFaultCount,
    };
    const wsIndex = afterSystem.queryPfn(pfnArg).WsIndex;
    if (kind !== 'pageTable' && wsIndex >= 0) ws.wsIndex = wsIndex;
    view.workingSet = ws;
  }
  if (after.physical !== null && kind !== 'pageTable') view.translation = { va: split.va, physical: after.physical };
  if (exception) view.exception = exception;

  // The phases: everything up to the decision is seen in the state before the fault; the outcome after it.
  const pre = first > 0 ? first - 1 : seq;
  const phase = (id: FaultPhase['id'], title: string, cursor: number, text: string): void => { view.phases.push({ id, title, cursor, text }); };
  const access = write ? l10n.t('write', {}) : l10n.t('read', {});
  phase('trap', l10n.t('Trap', {}), pre, kind === 'copyOnWrite'
    ? l10n.t('A write of {va} by process {pid} ({image}) meets a valid but read-only PTE marked copy-on-write: the processor raises a page fault (interrupt 14) and KiPageFault calls MmAccessFault.', { va: address(va), pid, image })
    : l10n.t('A {access} of {va} by process {pid} ({image}) finds no usable translation: the processor raises a page fault (interrupt 14) and KiPageFault calls MmAccessFault.', { access, va: address(va), pid, image }));
  phase('split', l10n.t('Address split', {}), pre, l10n.t('The 48 significant bits of {va} split into four 9-bit indices (PML4 {pxe}, PDPT {ppe}, PD {pde}, PT {pte}) and a 12-bit byte offset {offset}.', { va: address(va), pxe: split.pxe, ppe: split.ppe, pde: split.pde, pte: split.pte, offset: hex(split.offset) }));
  phase('walk', l10n.t('Page walk', {}), pre, first < seq
    ? l10n.t('{walk} On the way, {n} missing paging structure(s) were created first (steps {from} to {to}).', { walk: before.summary, n: seq - first, from: first, to: seq - 1 })
    : before.summary);
  phase('pte', l10n.t('PTE state', {}), pre, why);
  if (exception) {
    phase('exception', l10n.t('Exception', {}), seq, l10n.t('{explanation} The exception {name} ({status}) is dispatched to the thread.', { explanation, name: exception.name, status: exception.status }));
    return view;
  }
  phase('resolve', l10n.t('Resolution', {}), seq, explanation);
  if (view.pfn) phase('pfn', l10n.t('PFN list move', {}), seq, l10n.t('Page {pfn} moved from the {from} to: {to}.', { pfn: view.pfn.pfn, from: view.pfn.from, to: view.pfn.to }));
  if (view.workingSet) {
    phase('workingSet', l10n.t('Working set', {}), seq, view.workingSet.wsIndex !== undefined
      ? l10n.t('The page was inserted in the working set of process {pid} at WSLE index {index}: {before} → {after} pages; page faults {faultsBefore} → {faultsAfter}.', { pid, index: view.workingSet.wsIndex, before: view.workingSet.before, after: view.workingSet.after, faultsBefore: view.workingSet.faultsBefore, faultsAfter: view.workingSet.faultsAfter })
      : l10n.t('Working set of process {pid}: {before} → {after} pages; page faults {faultsBefore} → {faultsAfter}.', { pid, before: view.workingSet.before, after: view.workingSet.after, faultsBefore: view.workingSet.faultsBefore, faultsAfter: view.workingSet.faultsAfter }));
  }
  if (view.translation) phase('translation', l10n.t('Translation', {}), seq, l10n.t('The instruction is restarted and now translates: {va} → physical {pa}.', { va: address(va), pa: view.translation.physical }));
  return view;
}

/** The walk of an address the learner picked, in the displayed state, with what touching it would do. */
export function buildAddressQuery(system: System, pid: number, va: bigint, l10n: Localizer): AddressQueryView | undefined {
  const walk = safeWalk(system, pid, va);
  if (!walk) return undefined;
  const view = walkView(walk, l10n);
  const last = walk.levels[walk.levels.length - 1];
  let prediction: string;
  if (walk.physicalAddress !== null) prediction = l10n.t('Touching it now would not fault: the translation is valid.', {});
  else if (!last || last.level !== 'PTE') prediction = l10n.t('An upper paging structure is missing: touching it faults; the VAD decides whether it is a demand-zero fault (committed memory) or an access violation.', {});
  else {
    switch (last.decoded.kind) {
      case 'zero': prediction = l10n.t('A zero PTE: the fault handler asks the VAD (committed: demand-zero; reserved or unallocated: access violation).', {}); break;
      case 'demandZero': prediction = l10n.t('Touching it would take a demand-zero fault.', {}); break;
      case 'transition': prediction = l10n.t('Touching it would take a soft (transition) fault.', {}); break;
      case 'pageFile': prediction = l10n.t('Touching it would take a hard fault from the paging file.', {}); break;
      case 'prototype': prediction = l10n.t('Touching it would take a prototype PTE fault.', {}); break;
      case 'decommitted': prediction = l10n.t('Touching it would raise an access violation (decommitted).', {}); break;
      default: prediction = pteKindLabel(last.decoded.kind, l10n);
    }
  }
  return { pid, image: imageOf(system, pid) ?? '?', split: splitAddress(va), walk: view, prediction };
}
