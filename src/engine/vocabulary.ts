// The engine's wire vocabulary as `as const` lists: what a step's `changes` can name, the
// CreateProcess stages and the page-state names. Dependency-free on purpose: src/shared derives its
// protocol types and its one validator from these lists (and may import nothing else of the engine),
// so a type the engine starts emitting cannot be dropped by the host's message guard.
// test/unit/vocabulary.test.ts proves these lists equal the engine's own (trace.ts, mm/pfn.ts).

/** Kinds of object a step's `changes` name (ChangeRef.type). */
export const CHANGE_TYPES = ['process', 'thread', 'vad', 'pte', 'pfn', 'wsle', 'pageFile', 'commit', 'pageList', 'system', 'object', 'job', 'file'] as const;
export type ChangeTypeName = typeof CHANGE_TYPES[number];

/**
 * CreateProcess stages as Windows Internals 7e, part 1, ch. 3 ("Flow of CreateProcess") numbers
 * them: 1 validate, 2 open the image, 3A-3F create the executive process object, 4 initial thread,
 * 5 subsystem-specific initialization, 6 start the thread, 7 initialize in the new process.
 */
export const CREATION_STAGE_NAMES = ['1', '2', '3A', '3B', '3C', '3D', '3E', '3F', '4', '5', '6', '7'] as const;
export type CreationStageName = typeof CREATION_STAGE_NAMES[number];

/**
 * MMPFN page states in _MMLISTS order (public symbols: ZeroedPageList .. TransitionPage), the names
 * `queryPfn().State` returns (DESIGN.md §3).
 */
export const PAGE_STATE_NAMES = ['Zeroed', 'Free', 'Standby', 'Modified', 'ModifiedNoWrite', 'Bad', 'Active', 'Transition'] as const;
export type PageStateName = typeof PAGE_STATE_NAMES[number];
