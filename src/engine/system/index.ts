// The simulated machine: the narrow System (system.ts), the Machine and its operation path
// (machine.ts; engine-private, reached through internal.ts), the operations and their typed results
// (operations.ts), createSystem's options (options.ts), time travel (timeTravel.ts), user-mode
// accesses (access.ts) and queries (queries.ts).
export { System, CLASSIC_PTE_BASE } from './system';
export type { SystemChange } from './machine';
export { SYSTEM_THREADS, OP_NAMES, validateOp, copyOp, deepCopy } from './operations';
export type { Op, OpName, OpResult, OpResults, CreateProcessOptions, MemoryListCommand, SystemThreadName } from './operations';
export type { SystemOptions, ResolvedSystemOptions } from './options';
export { snapshotToDrop } from './timeTravel';
export type { TimeTravelMemory } from './timeTravel';
export type {
  SystemMemoryListInformation, PfnInfo, CommitInfo, ProcessInfo, VadInfo, WsleInfo, WalkLevel, AddressWalk,
} from './queries';
