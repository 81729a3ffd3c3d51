/** Every id the manifest contributes, in one place (STYLE.md §12). A unit test checks the manifest against it. */
export const EXTENSION_ID = 'ntlab.nt-internals-lab';

export const Commands = {
  startSession: 'ntlab.startSession',
  resetSession: 'ntlab.resetSession',
  showMemoryLists: 'ntlab.showMemoryLists',
  showLog: 'ntlab.showLog',
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
