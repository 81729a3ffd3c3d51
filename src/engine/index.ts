// NT Internals Lab engine: a deterministic simulation of x64 Windows 10/11 internals.
// Pure TypeScript: imports nothing from vscode, the DOM or Node built-ins (DESIGN.md §2).
import { System, type SystemOptions } from './system';

export * from './constants';
export { NtException, Win32Error } from './errors';
export type { Win32Api } from './win32';
export type { MEMORY_BASIC_INFORMATION } from './mm/virtual';
export type { DecodedPte, PteKind, PteLayoutName } from './mm/pte';
export type { MemoryCompressionInformation } from './mm/compression';
export { STORE_PAGE_FILE_NUMBER, compressPage, decompressPage } from './mm/compression';
export { decodePte, PTE_LAYOUTS } from './mm/pte';
export type { Step, StepKind, StepCode, ChangeRef, ChangeType, CreationStage, StepArgValue } from './trace';
export { STEP_SCHEMAS, CREATION_STAGES } from './trace';
export { System, SYSTEM_THREADS } from './system';
export type {
  SystemOptions, CreateProcessOptions, MemoryListCommand, SystemMemoryListInformation, PfnInfo, CommitInfo, ProcessInfo,
  SystemThreadName, VadInfo, WsleInfo, WalkLevel, AddressWalk, SystemChange,
} from './system';
export { verifyIntegrity, verifyProcessIntegrity } from './integrity';
export { describeObject } from './ps/layouts';
export type { ObjectRef, ObjectLayout, ObjectField } from './ps/layouts';
export type { PsCall } from './ps/calls';
export type { PsCreateOptions, CreatedProcess, JobLimits, NotifyCall } from './ps/processManager';
export { MM_SYSTEM_THREADS, PRIORITY_CLASS_BASE } from './ps/processManager';
export type { PROCESS_INFORMATION, SHELLEXECUTEINFO } from './win32';
export type { DEBUG_EVENT } from './ps/debug';
export { buildImage, parseImage, PeFormatError } from './io/pe';
export type { PeImage, ImageSpec, SectionSpec } from './io/pe';
export { FileSystem } from './io/fileSystem';
export type { SimFile } from './io/fileSystem';
export { IFEO_KEY, REG_SZ, REG_EXPAND_SZ, REG_DWORD } from './config/registry';
export type { TokenSpec, IntegrityLevel, AccountName } from './se/token';
export type { ProcessSecurityInfo, ProcessAccessReason } from './ps/processAccess';
export { Emitter } from './events';
export type { Event, IDisposable } from './events';

/** Creates and (by default) boots a simulated machine. */
export function createSystem(options?: SystemOptions): System {
  return new System(options ?? {});
}
export { serializeSession, restoreSession, restoreSessionInChunks, parseSessionText, SessionFileError, SESSION_FORMAT, SESSION_VERSION, SESSION_MACHINE_LIMITS, type SessionLimits } from './session/serialize';
export type { SessionFile, RestoreProgress } from './session/serialize';
export type { HeapInfo, HeapBlockInfo, HeapBlockKind, HeapSegmentInfo } from './heap/inspect';
export type { HeapCall } from './heap/calls';
export { SIZE_T_MINUS_ONE } from './win32';
export type { SectionFilter, SectionInfo, SectionViewInfo, PrototypePteInfo, HandleInfo, JobInfo, DebugObjectInfo } from './inspect';
export type { SystemSpaceInfo, SystemAddressInfo, PoolTagInfo } from './mm/systemInspect';
export type { PoolBlockInfo, BigPoolEntry } from './mm/pool';
export { NonPagedPool, PagedPool, POOL_HEADER_SIZE, tagValue, tagString } from './mm/pool';
export type { PoolCall } from './mm/poolCalls';
