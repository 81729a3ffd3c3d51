// The one table of names on the host side: page lists and their numbering, PFN states, Win32 error
// and NTSTATUS names, fault, PTE and CreateProcess stage names, handle types. Pure: no `vscode`.
// The constants alone, for name tables: reading them does not load the engine (see esbuild.js, lazyEngine).
import * as Win32Constants from '../../engine/constants';
// The page-list names and list-head numbering: the engine's one table (dependency-free, so the bundle keeps only it).
import { PAGE_LIST_HEAD, PAGE_LIST_NAMES, STANDBY_PRIORITY_COUNT, type PageListName } from '../../engine/vocabulary';
import type { SystemMemoryListInformation } from '../../engine';
import type { FaultKind } from '../../shared/protocol';
import { hexDigits } from './format';
import type { Localizer } from './localizer';

// ------------------------------------------------------------------------------------------ page lists

/** The page lists as the engine names them: the list parameter of its public `System.listPages` (and PfnInfo.State). */
export type { PageListName };
export const PAGE_LISTS: readonly PageListName[] = PAGE_LIST_NAMES;

/**
 * The page-list index a ChangeRef of type 'pageList' carries: the engine's own list heads (src/engine/vocabulary.ts
 * PAGE_LIST_HEAD, LIST_ZEROED .. LIST_BAD, the order of MMPFNLIST heads in Windows Internals 7e, ch. 5, "Page list
 * dynamics"), standby split into its eight priorities from LIST_STANDBY0.
 */
export const PAGE_LIST_INDEX: Readonly<Record<PageListName, number>> = PAGE_LIST_HEAD;
/** Standby priorities 0..7 (Windows Internals 7e, ch. 5, "Page priority"): the lists between the first standby list and the modified list. */
export const STANDBY_PRIORITIES = STANDBY_PRIORITY_COUNT;

/** The index of a standby priority's list. */
export function standbyIndex(priority: number): number {
  return PAGE_LIST_INDEX.Standby + priority;
}

/** The standby priority a page-list index stands for, or undefined when it is not a standby list. */
export function standbyPriorityOf(index: number): number | undefined {
  const p = index - PAGE_LIST_INDEX.Standby;
  return Number.isInteger(p) && p >= 0 && p < STANDBY_PRIORITIES ? p : undefined;
}

/** The pages on the standby list, all priorities together. */
export function standbyPageCount(info: SystemMemoryListInformation): number {
  let n = 0;
  for (const c of info.PageCountByPriority) n += c;
  return n;
}

/** The pages on a list (one standby priority when `priority` is given), from SystemMemoryListInformation. */
export function listPageCount(info: SystemMemoryListInformation, list: PageListName, priority?: number): number {
  switch (list) {
    case 'Zeroed': return info.ZeroPageCount;
    case 'Free': return info.FreePageCount;
    case 'Standby': return priority === undefined ? standbyPageCount(info) : info.PageCountByPriority[priority]!;
    case 'Modified': return info.ModifiedPageCount;
    case 'ModifiedNoWrite': return info.ModifiedNoWritePageCount;
    case 'Bad': return info.BadPageCount;
  }
}

/** Available memory as Task Manager counts it: zeroed + free + standby pages (Windows Internals 7e, ch. 5, "Page list dynamics"). */
export function availablePageCount(info: SystemMemoryListInformation): number {
  return info.ZeroPageCount + info.FreePageCount + standbyPageCount(info);
}

/** The pages on any list (the rest are active: in a working set, a page table, or in transition). */
export function pagesOnLists(info: SystemMemoryListInformation): number {
  let n = 0;
  for (const list of PAGE_LISTS) n += listPageCount(info, list);
  return n;
}

/** Localized name of a page list or PFN state (the engine's `from`/`to` step args and PfnInfo.State). */
export function listName(list: string, l10n: Localizer): string {
  switch (list) {
    case 'Zeroed': return l10n.t('zeroed list', {});
    case 'Free': return l10n.t('free list', {});
    case 'Standby': return l10n.t('standby list', {});
    case 'Modified': return l10n.t('modified list', {});
    case 'ModifiedNoWrite': return l10n.t('modified no-write list', {});
    case 'Bad': return l10n.t('bad list', {});
    case 'Active': return l10n.t('active (in a working set)', {});
    case 'Transition': return l10n.t('in transition (I/O in progress)', {});
    default: return list;
  }
}

/** Localized name of a page-list index as ChangeRefs of type 'pageList' carry it. */
export function pageListIndexName(id: number, l10n: Localizer): string {
  const priority = standbyPriorityOf(id);
  if (priority !== undefined) return l10n.t('standby list, priority {priority}', { priority });
  const list = PAGE_LISTS.find((l) => PAGE_LIST_INDEX[l] === id);
  return list ? listName(list, l10n) : String(id);
}

/** The short label of a page list in the Physical Memory view. */
export function listLabel(l10n: Localizer, list: PageListName): string {
  switch (list) {
    case 'Zeroed': return l10n.t('Zeroed');
    case 'Free': return l10n.t('Free');
    case 'Standby': return l10n.t('Standby');
    case 'Modified': return l10n.t('Modified');
    case 'ModifiedNoWrite': return l10n.t('Modified no-write');
    case 'Bad': return l10n.t('Bad');
  }
}

// ------------------------------------------------------------------------------------------ errors

const ERROR_NAMES = new Map<number, string>();
const STATUS_NAMES = new Map<number, string>();
const DEBUG_EVENT_NAMES = new Map<number, string>();
for (const [name, value] of Object.entries(Win32Constants)) {
  if (typeof value !== 'number') continue;
  if (name.endsWith('_DEBUG_EVENT') && !DEBUG_EVENT_NAMES.has(value)) DEBUG_EVENT_NAMES.set(value, name);
  if (name.startsWith('ERROR_') && !ERROR_NAMES.has(value)) ERROR_NAMES.set(value, name);
  if (name.startsWith('STATUS_') && !STATUS_NAMES.has(value >>> 0)) STATUS_NAMES.set(value >>> 0, name);
}

/**
 * JOBOBJECT_BASIC_LIMIT_INFORMATION.LimitFlags by their winnt.h names: every JOB_OBJECT_LIMIT_* the
 * engine defines (src/engine/constants.ts; Microsoft Learn, JOBOBJECT_BASIC_LIMIT_INFORMATION and
 * JOBOBJECT_EXTENDED_LIMIT_INFORMATION), lowest bit first.
 */
export const JOB_LIMIT_NAMES: Readonly<Record<string, number>> = Object.fromEntries(
  Object.entries(Win32Constants)
    .filter((e): e is [string, number] => e[0].startsWith('JOB_OBJECT_LIMIT_') && typeof e[1] === 'number')
    .sort((a, b) => a[1] - b[1]),
);

/** The winnt.h name of one JOB_OBJECT_LIMIT_* flag, or undefined. */
export function jobLimitName(flag: number): string | undefined {
  for (const name in JOB_LIMIT_NAMES) if (JOB_LIMIT_NAMES[name] === flag) return name;
  return undefined;
}

/** The ERROR_ name of a Win32 error code, or undefined. */
export function win32ErrorName(code: number): string | undefined {
  return ERROR_NAMES.get(code);
}

/** The STATUS_ name of an NTSTATUS, or undefined. */
export function ntStatusName(status: number): string | undefined {
  return STATUS_NAMES.get(status >>> 0);
}

/** The name of a DEBUG_EVENT.dwDebugEventCode (minwinbase.h), e.g. LOAD_DLL_DEBUG_EVENT, or the number. */
export function debugEventName(code: number): string {
  return DEBUG_EVENT_NAMES.get(code) ?? String(code);
}

/** `ERROR_INVALID_ADDRESS (487)` */
export function win32ErrorText(code: number): string {
  const name = win32ErrorName(code);
  return name ? `${name} (${code})` : String(code);
}

/** `STATUS_ACCESS_VIOLATION (0xc0000005)` */
export function ntStatusText(status: number): string {
  const hex = '0x' + hexDigits(status >>> 0, 8);
  const name = ntStatusName(status);
  return name ? `${name} (${hex})` : hex;
}

// ------------------------------------------------------------------------------------------ faults and PTEs

/** The fault kind a step code stands for ('fault.demandZero' -> 'demandZero'), or 'other'. */
export function faultKindOf(code: string): FaultKind | 'other' {
  const m = /^fault\.(\w+)$/.exec(code);
  const k = m?.[1];
  switch (k) {
    case 'demandZero': case 'transition': case 'pageFile': case 'prototype': case 'copyOnWrite':
    case 'guardPage': case 'accessViolation': case 'pageTable': case 'dirtyBit': case 'store':
      return k;
    default: return 'other';
  }
}

/** Localized name of a fault kind. */
export function faultKindLabel(kind: FaultKind | 'other' | 'all', l10n: Localizer): string {
  switch (kind) {
    case 'demandZero': return l10n.t('demand-zero fault', {});
    case 'transition': return l10n.t('transition (soft) fault', {});
    case 'pageFile': return l10n.t('paging-file (hard) fault', {});
    case 'prototype': return l10n.t('prototype PTE fault', {});
    case 'copyOnWrite': return l10n.t('copy-on-write fault', {});
    case 'guardPage': return l10n.t('guard-page fault', {});
    case 'accessViolation': return l10n.t('access violation', {});
    case 'pageTable': return l10n.t('page-table page fault', {});
    case 'dirtyBit': return l10n.t('first write to a clean page', {});
    case 'store': return l10n.t('compressed-page fault (memory compression)', {});
    case 'all': return l10n.t('all kinds', {});
    case 'other': return l10n.t('other fault', {});
  }
}

/** Localized name of a decoded PTE kind. */
export function pteKindLabel(kind: string, l10n: Localizer): string {
  switch (kind) {
    case 'hardware': return l10n.t('valid (hardware PTE)', {});
    case 'zero': return l10n.t('zero PTE (ask the VAD)', {});
    case 'demandZero': return l10n.t('demand-zero PTE', {});
    case 'transition': return l10n.t('transition PTE (page on standby or modified list)', {});
    case 'pageFile': return l10n.t('paging-file PTE', {});
    case 'prototype': return l10n.t('prototype PTE (points into a section)', {});
    case 'decommitted': return l10n.t('decommitted PTE', {});
    case 'absent': return l10n.t('not reached (an upper level is not valid)', {});
    default: return kind;
  }
}

// ------------------------------------------------------------------------------------------ CreateProcess

/** Localized title of a CreateProcess stage (Windows Internals 7e, ch. 3, "Flow of CreateProcess"). */
export function stageTitle(stage: string | undefined, l10n: Localizer): string {
  switch (stage) {
    case '1': return l10n.t('Stage 1 · Convert and validate parameters and flags', {});
    case '2': return l10n.t('Stage 2 · Open the image to be executed', {});
    case '3A': return l10n.t('Stage 3A · Create the EPROCESS object', {});
    case '3B': return l10n.t('Stage 3B · Create the initial address space', {});
    case '3C': return l10n.t('Stage 3C · Initialize the KPROCESS', {});
    case '3D': return l10n.t('Stage 3D · Conclude the address space setup', {});
    case '3E': return l10n.t('Stage 3E · Set up the PEB', {});
    case '3F': return l10n.t('Stage 3F · Complete the executive process object', {});
    case '4': return l10n.t('Stage 4 · Create the initial thread, its stack and context', {});
    case '5': return l10n.t('Stage 5 · Windows subsystem initialization (CSRSS)', {});
    case '6': return l10n.t('Stage 6 · Start the initial thread', {});
    case '7': return l10n.t('Stage 7 · Process initialization in the new process', {});
    case undefined: return l10n.t('Outside CreateProcess', {});
    default: return l10n.t('Stage {stage}', { stage });
  }
}

// ------------------------------------------------------------------------------------------ objects

/** The codicon of a handle's object type. */
export function handleIcon(typeName: string): string {
  switch (typeName) {
    case 'Process': return 'server-process';
    case 'Thread': return 'pulse';
    case 'Section': return 'files';
    case 'Job': return 'briefcase';
    case 'Token': return 'shield';
    case 'File': return 'file';
    case 'Key': return 'symbol-key';
    case 'Event': case 'Mutant': case 'Semaphore': return 'bell';
    default: return 'symbol-field';
  }
}
