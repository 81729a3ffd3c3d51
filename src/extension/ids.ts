/** Every id the manifest contributes, in one place (STYLE.md §12). A unit test checks the manifest against it. */
export const EXTENSION_ID = 'ntlab.nt-internals-lab';

export const Commands = {
  startSession: 'ntlab.startSession',
  resetSession: 'ntlab.resetSession',
  showMemoryLists: 'ntlab.showMemoryLists',
  showMemoryCompression: 'ntlab.showMemoryCompression',
  showLog: 'ntlab.showLog',
  /**
   * Reveals a simulated object in the sidebar. Argument: a ChangeRef-shaped JSON object
   * `{ type: 'process'|'thread'|'vad'|'pte'|'pfn'|'wsle'|'pageFile'|'pageList'|..., pid?: number, id?: number, va?: '0x...' }`.
   */
  reveal: 'ntlab.reveal',
  /** Sidebar: the Processes view as a flat list / as the parent-child tree. */
  showProcessesFlat: 'ntlab.processes.showFlat',
  showProcessesTree: 'ntlab.processes.showTree',
  /**
   * Engine actions (src/extension/commands/actions.ts). Each takes an optional argument object, e.g.
   * `{ pid, address: '0x0', size: '64K', type: 'MEM_COMMIT|MEM_RESERVE', protect: 'PAGE_READWRITE' }`,
   * or the tree node of a context menu, asks for what is missing, and resolves to `{ ok, ... }`.
   */
  createProcess: 'ntlab.createProcess',
  createThread: 'ntlab.createThread',
  terminateProcess: 'ntlab.terminateProcess',
  virtualAlloc: 'ntlab.virtualAlloc',
  virtualFree: 'ntlab.virtualFree',
  heapCreate: 'ntlab.heapCreate',
  heapAlloc: 'ntlab.heapAlloc',
  heapFree: 'ntlab.heapFree',
  virtualProtect: 'ntlab.virtualProtect',
  readMemory: 'ntlab.readMemory',
  writeMemory: 'ntlab.writeMemory',
  mapView: 'ntlab.mapView',
  unmapView: 'ntlab.unmapView',
  setWorkingSetSize: 'ntlab.setWorkingSetSize',
  emptyWorkingSet: 'ntlab.emptyWorkingSet',
  emptyAllWorkingSets: 'ntlab.emptyAllWorkingSets',
  flushModifiedList: 'ntlab.flushModifiedList',
  purgeStandbyList: 'ntlab.purgeStandbyList',
  purgeLowPriorityStandbyList: 'ntlab.purgeLowPriorityStandbyList',
  runSystemThread: 'ntlab.runSystemThread',
  /**
   * Job objects, through the Win32 API of an owner process (explorer.exe unless `ownerPid`):
   * `{ name? }`, `{ jobId, pid }`, `{ jobId, limits: 'ACTIVE_PROCESS|JOB_MEMORY', activeProcessLimit: 2, jobMemoryLimit: '16M' }`, `{ jobId, exitCode? }`.
   */
  createJob: 'ntlab.createJob',
  assignProcessToJob: 'ntlab.assignProcessToJob',
  setJobLimits: 'ntlab.setJobLimits',
  terminateJob: 'ntlab.terminateJob',
  /**
   * Debugging through the Win32 API of a debugger process (a windbg.exe is started when none exists):
   * `{ pid }` attaches (DebugActiveProcess), `{ debuggerPid? }` continues the reported event and waits
   * for the next one (WinDbg's `g`), `{ pid }` detaches (DebugActiveProcessStop).
   */
  debugAttach: 'ntlab.debugAttach',
  debugGo: 'ntlab.debugGo',
  debugDetach: 'ntlab.debugDetach',
  /** Starts a program at Low integrity from a creator (explorer.exe unless `pid`): `{ pid?, imagePath? }`. */
  runLowIntegrity: 'ntlab.runLowIntegrity',
  /**
   * Opens a read-only `dt` document. Argument `{ kind: 'process'|'thread'|'peb'|'token'|'vad'|'pfn'|'handle'|'job'|'jobLimits'|'jobAccounting'|'controlArea',
   * pid?, tid?, va?, pfn?, handle?, jobId?, controlArea? }` (tree rows pass themselves).
   */
  showAsDt: 'ntlab.showAsDt',
  /** Opens a `!pte` decode. Argument `{ pid, address: '0x...' }`. */
  decodePte: 'ntlab.decodePte',
  /** Session files. Argument `{ path }` (load also `unsaved: 'save'|'discard'`). */
  saveSession: 'ntlab.saveSession',
  loadSession: 'ntlab.loadSession',
  /** Opens the process-creation stepping panel. Optional argument `{ stage?: '1'|'2'|'3A'...|'7' }`. */
  openProcessCreationPanel: 'ntlab.openProcessCreationPanel',
  /** Opens the page-fault stepping panel. Optional argument `{ kind?: 'demandZero'|'transition'|'pageFile'|'prototype'|'copyOnWrite'|'guardPage'|'accessViolation', pid?: number, va?: '0x...' }`. */
  openPageFaultPanel: 'ntlab.openPageFaultPanel',
  /** Opens markdown notes beside the simulation (argument: the notes' uri, optional). */
  openNotesBeside: 'ntlab.openNotesBeside',
  /** Runs a ```ntlab block of a notes file. Arguments: the document uri, the line of the opening fence. */
  runNotesBlock: 'ntlab.runNotesBlock',
  /** Runs the next line of a ```ntlab block. Arguments as runNotesBlock. */
  stepNotesBlock: 'ntlab.stepNotesBlock',
  /** Runs one pass of a memory-manager system thread from a notes CodeLens. Argument: 'zeroPageThread' | 'modifiedPageWriter' | 'balanceSetManager'. */
  runSystemThreadFromNotes: 'ntlab.runSystemThreadFromNotes',
  /** Opens a kernel-debugger console (WinDbg's `0: kd>` over the session; src/extension/kd). */
  openKernelDebugger: 'ntlab.openKernelDebugger',
  /** Notes: what the simulation knows about the selected text (or the nearest concepts). Arguments: the notes' uri and a range (default: the selection). */
  explainSelection: 'ntlab.explainSelection',
  /** Notes: binds the heading on the cursor's line, or the selected word, to a glossary concept. Arguments: uri, range, entry id (optional: a picker asks). */
  bindToConcept: 'ntlab.bindToConcept',
  /** Notes: runs a kernel-debugger line written in notes, in place. Arguments: the notes' uri, the line, the debugger command. */
  runKdFromNotes: 'ntlab.runKdFromNotes',
  /** Notes: opens a kernel-debugger console and types a line written in notes into it. Argument: the debugger command. */
  openKdWithLine: 'ntlab.openKdWithLine',
} as const;

export const Views = {
  processes: 'ntlab.processes',
  physicalMemory: 'ntlab.physicalMemory',
  sections: 'ntlab.sections',
  jobs: 'ntlab.jobs',
} as const;

export const ContextKeys = {
  sessionActive: 'ntlab.sessionActive',
} as const;

export const Settings = {
  section: 'ntlab',
  physicalMemoryMB: 'simulation.physicalMemoryMB',
  pageFileMB: 'simulation.pageFileMB',
  processors: 'simulation.processors',
  seed: 'simulation.seed',
  pteBase: 'simulation.pteBase',
  memoryCompression: 'simulation.memoryCompression',
} as const;
