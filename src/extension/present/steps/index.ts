// The step-text catalog: one localized explanation per step code, gathered from one module per
// family (faults, sections, files, system threads, CreateProcess by stage, tokens, debugging,
// consoles, notify routines, threads, processes, jobs, working sets, virtual memory, heaps, the system).
import type { Localizer } from '../localizer';
import { CONSOLE_TEXTS } from './console';
import { STAGE1_TEXTS } from './creation/stage1';
import { STAGE2_TEXTS } from './creation/stage2';
import { STAGE3_TEXTS } from './creation/stage3';
import { STAGE4_TEXTS } from './creation/stage4';
import { STAGE5_TEXTS } from './creation/stage5';
import { STAGE6_TEXTS } from './creation/stage6';
import { STAGE7_TEXTS } from './creation/stage7';
import { DEBUG_TEXTS } from './debug';
import { accessViolationReason, FAULT_TEXTS } from './faults';
import { FILE_TEXTS } from './files';
import { HEAP_TEXTS } from './heap';
import { POOL_TEXTS } from './pool';
import { JOB_TEXTS, jobTerminationReason } from './jobs';
import { NOTIFY_TEXTS } from './notify';
import { PROCESS_TEXTS } from './processes';
import { SECTION_TEXTS } from './sections';
import { SYSTEM_TEXTS } from './system';
import { SYSTEM_THREAD_TEXTS } from './systemThreads';
import { formatArg, formatArgs, type Args, type StepLike, type StepText } from './text';
import { THREAD_TEXTS } from './threads';
import { TOKEN_TEXTS } from './tokens';
import { VIRTUAL_MEMORY_TEXTS } from './virtualMemory';
import { WORKING_SET_TEXTS } from './workingSets';

export { formatArg, formatArgs, type StepLike } from './text';
export { callChain } from './chain';
export { changeLabel, changeLinks, changeRefDto } from './changes';

const FAMILIES = [
  FAULT_TEXTS, SECTION_TEXTS, FILE_TEXTS, SYSTEM_THREAD_TEXTS,
  STAGE1_TEXTS, STAGE2_TEXTS, STAGE3_TEXTS, STAGE4_TEXTS, STAGE5_TEXTS, STAGE6_TEXTS, STAGE7_TEXTS,
  TOKEN_TEXTS, DEBUG_TEXTS, CONSOLE_TEXTS, NOTIFY_TEXTS, THREAD_TEXTS, PROCESS_TEXTS, JOB_TEXTS,
  WORKING_SET_TEXTS, VIRTUAL_MEMORY_TEXTS, HEAP_TEXTS, SYSTEM_TEXTS, POOL_TEXTS,
];

/** Every family's texts by code (a code belongs to one family; the unit tests check there is no overlap). */
const EXPLANATIONS = new Map<string, StepText>();
for (const family of FAMILIES) for (const [code, text] of Object.entries(family)) EXPLANATIONS.set(code, text);

/** The step codes the catalog explains, family by family (for tests). */
export function explainedCodes(): string[][] {
  return FAMILIES.map((f) => Object.keys(f));
}

/** True when this version has a dedicated explanation for `code`. */
export function hasExplanation(code: string): boolean {
  return EXPLANATIONS.has(code);
}

/** A `reason` argument in words, for the codes whose reason is a keyword. */
function reasonText(code: string, reason: string, l10n: Localizer): string {
  if (code === 'job.terminate') return jobTerminationReason(reason, l10n);
  if (code === 'fault.accessViolation') return accessViolationReason(reason, l10n);
  return reason;
}

/** The localized explanation of a step; unknown codes (or missing args) get a generic sentence from routine + args. */
export function explainStep(step: StepLike, l10n: Localizer): string {
  const entry = EXPLANATIONS.get(step.code);
  if (entry && entry.needs.every((n) => step.args[n] !== undefined)) {
    const a: Args = {};
    for (const [name, value] of Object.entries(step.args)) {
      a[name] = name === 'reason' && typeof value === 'string' ? reasonText(step.code, value, l10n) : formatArg(name, value, l10n);
    }
    return entry.text(a, l10n, step);
  }
  const args = formatArgs(step, l10n).map((x) => `${x.name} = ${x.value}`).join(', ');
  return args
    ? l10n.t('{routine} ran ({code}) with {args}.', { routine: step.routine, code: step.code, args })
    : l10n.t('{routine} ran ({code}).', { routine: step.routine, code: step.code });
}
