// NT Internals Lab engine: a deterministic simulation of x64 Windows 10/11 internals.
// Pure TypeScript: imports nothing from vscode, the DOM or Node built-ins (DESIGN.md §2).
import { System, SystemOptions } from './system';

export * from './constants';
export { NtException, Win32Error } from './errors';
export type { Win32Api } from './win32';
export type { MEMORY_BASIC_INFORMATION } from './mm/virtual';
export type { DecodedPte, PteKind, PteLayoutName } from './mm/pte';
export { decodePte, PTE_LAYOUTS } from './mm/pte';
export type { Step, StepKind, StepCode, ChangeRef, ChangeType, CreationStage, StepArgValue } from './trace';
export { STEP_SCHEMAS, CREATION_STAGES } from './trace';
export { System } from './system';
export type {
  SystemOptions, CreateProcessOptions, MemoryListCommand, SystemMemoryListInformation, PfnInfo, CommitInfo, ProcessInfo,
  SystemThreadName, VadInfo, WsleInfo, WalkLevel, AddressWalk, SystemChange,
} from './system';
export { verifyIntegrity } from './integrity';
export { Emitter } from './events';
export type { Event, IDisposable } from './events';

/** Creates and (by default) boots a simulated machine. */
export function createSystem(options?: SystemOptions): System {
  return new System(options ?? {});
}
