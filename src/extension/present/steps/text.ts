// What every family of step texts shares: the step shape the panels receive, the formatted
// arguments a text fills in, and how each argument is formatted (addresses WinDbg-style, PFNs,
// flags and status codes in hex, page lists by name).
import type { Step, StepArgValue } from '../../../engine';
import type { ArgView } from '../../../shared/protocol';
import { address, hex } from '../format';
import type { Localizer } from '../localizer';
import { listName } from '../names';

/** A step as the panels receive it; `code` may be one this version does not know yet. */
export type StepLike = Pick<Step, 'seq' | 'kind' | 'routine' | 'code' | 'args' | 'changes'> & { stage?: string };

/** A step's arguments, formatted for a message's `{placeholders}`. */
export type Args = Record<string, string | number | boolean>;

/** One explanation: the args it needs (a step missing one gets the generic sentence) and its text. */
export interface StepText {
  needs: string[];
  text: (a: Args, l10n: Localizer, raw: StepLike) => string;
}

/** The explanations of one family of step codes. */
export type StepTexts = Record<string, StepText>;

const ADDRESS_ARGS = new Set(['va', 'eprocess', 'peb', 'teb', 'stackBase', 'stackLimit', 'pxeSelf', 'base', 'pte', 'size', 'protoPte', 'imageBase', 'ntdllBase', 'address', 'heap', 'ethread', 'rip', 'rcx', 'entryPoint', 'reserve', 'csrProcess', 'csrThread', 'w32process', 'startAddress', 'offset', 'object', 'start']);
const PFN_ARGS = new Set(['pfn', 'sharedPfn', 'directoryTableBase', 'entryPointRva', 'sizeOfImage', 'handle', 'access']);
const LIST_ARGS = new Set(['from', 'to']);
/** Flags, masks and status codes: shown in hex. */
const HEX_ARGS = new Set(['protect', 'oldProtect', 'flags', 'priorityClass', 'exitStatus', 'limitFlags', 'protection']);

/** Formats one argument for display. */
export function formatArg(name: string, value: StepArgValue, l10n: Localizer): string {
  if (typeof value === 'bigint') return name === 'size' || name === 'reserve' || name === 'offset' ? hex(value) : address(value);
  if (typeof value === 'boolean') return value ? l10n.t('yes', {}) : l10n.t('no', {});
  if (typeof value === 'number') {
    if (ADDRESS_ARGS.has(name) || PFN_ARGS.has(name) || HEX_ARGS.has(name)) return hex(value);
    return String(value);
  }
  if (LIST_ARGS.has(name)) return listName(value, l10n);
  return value;
}

/** Every argument of a step, formatted, in the engine's order. */
export function formatArgs(step: StepLike, l10n: Localizer): ArgView[] {
  return Object.entries(step.args).map(([name, value]) => ({ name, value: formatArg(name, value, l10n) }));
}
