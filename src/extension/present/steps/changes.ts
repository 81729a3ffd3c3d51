// What a step changed, as links the panels show: a JSON-safe ChangeRef and a localized label.
import type { ChangeRef } from '../../../engine';
import type { ChangeLink, ChangeRefDto } from '../../../shared/protocol';
import { address, hex } from '../format';
import type { Localizer } from '../localizer';
import { pageListIndexName } from '../names';
import type { StepLike } from './text';

/** A ChangeRef as JSON (va as hex). */
export function changeRefDto(c: ChangeRef): ChangeRefDto {
  const dto: ChangeRefDto = { type: c.type };
  if (c.pid !== undefined) dto.pid = c.pid;
  if (c.id !== undefined) dto.id = c.id;
  if (c.va !== undefined) dto.va = hex(c.va);
  return dto;
}

/** Localized label of a change, e.g. "EPROCESS of process 1234 (notepad.exe)". `imageOf` names a pid. */
export function changeLabel(c: ChangeRef, l10n: Localizer, imageOf: (pid: number) => string | undefined = () => undefined): string {
  const va = c.va !== undefined ? address(c.va) : '';
  const image = c.pid !== undefined ? imageOf(c.pid) : undefined;
  const pid = c.pid ?? -1;
  switch (c.type) {
    case 'process': return image ? l10n.t('Process {pid} ({image}): EPROCESS', { pid, image }) : l10n.t('Process {pid}: EPROCESS', { pid });
    case 'thread': return l10n.t('Thread {tid}: ETHREAD', { tid: c.id ?? -1 });
    case 'vad': return l10n.t('VAD at {va} in process {pid}', { va, pid });
    case 'pte': return l10n.t('PTE of {va} in process {pid}', { va, pid });
    case 'wsle': return l10n.t('Working-set entry for {va} in process {pid}', { va, pid });
    case 'pfn': return l10n.t('Physical page (PFN) {pfn}', { pfn: hex(c.id ?? -1) });
    case 'pageFile': return l10n.t('Paging-file slot {slot}', { slot: c.id ?? -1 });
    case 'pageList': return l10n.t('Page list: {list}', { list: pageListIndexName(c.id ?? -1, l10n) });
    case 'commit': return l10n.t('Commit charge', {});
    case 'system': return l10n.t('The system (memory lists and counters)', {});
    case 'object': return l10n.t('Section control area {id}', { id: c.id ?? -1 });
    case 'job': return l10n.t('Job {id}', { id: c.id ?? -1 });
    case 'file': return l10n.t('File {id}', { id: c.id ?? -1 });
    default: return String((c as { type: string }).type);
  }
}

export function changeLinks(step: StepLike, l10n: Localizer, imageOf?: (pid: number) => string | undefined): ChangeLink[] {
  return step.changes.map((c) => ({ ref: changeRefDto(c), label: changeLabel(c, l10n, imageOf) }));
}
