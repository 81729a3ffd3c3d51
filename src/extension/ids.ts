/** Every id the manifest contributes, in one place (STYLE.md §12). A unit test checks the manifest against it. */
export const EXTENSION_ID = 'ntlab.nt-internals-lab';

export const Commands = {
  startSession: 'ntlab.startSession',
  resetSession: 'ntlab.resetSession',
  showMemoryLists: 'ntlab.showMemoryLists',
  showLog: 'ntlab.showLog',
  /**
   * Reveals a simulated object in the sidebar. Argument: a ChangeRef-shaped JSON object
   * `{ type: 'process'|'thread'|'vad'|'pte'|'pfn'|'wsle'|'pageFile'|'pageList'|..., pid?: number, id?: number, va?: '0x...' }`.
   */
  reveal: 'ntlab.reveal',
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
} as const;
