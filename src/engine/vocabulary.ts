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

/**
 * The page-list heads (MMPFNLIST) as the PFN database numbers them: zeroed, free, standby split into
 * its eight priorities (Windows Internals 7e, part 1, ch. 5, "Page priority"), modified,
 * modified-no-write, bad. A ChangeRef of type 'pageList' carries one of these numbers.
 */
export const LIST_ZEROED = 0;
export const LIST_FREE = 1;
/** The first standby list; priority p is LIST_STANDBY0 + p. */
export const LIST_STANDBY0 = 2;
export const STANDBY_PRIORITY_COUNT = 8;
export const LIST_MODIFIED = LIST_STANDBY0 + STANDBY_PRIORITY_COUNT;
export const LIST_MODIFIED_NOWRITE = LIST_MODIFIED + 1;
export const LIST_BAD = LIST_MODIFIED_NOWRITE + 1;
export const LIST_COUNT = LIST_BAD + 1;

/** The page lists by name (the list parameter of `System.listPages`): the page states that are lists. */
export const PAGE_LIST_NAMES = ['Zeroed', 'Free', 'Standby', 'Modified', 'ModifiedNoWrite', 'Bad'] as const satisfies readonly PageStateName[];
export type PageListName = typeof PAGE_LIST_NAMES[number];

/** The one name ↔ number table: each list's head (for Standby, the priority-0 list). */
export const PAGE_LIST_HEAD: Readonly<Record<PageListName, number>> = {
  Zeroed: LIST_ZEROED, Free: LIST_FREE, Standby: LIST_STANDBY0, Modified: LIST_MODIFIED, ModifiedNoWrite: LIST_MODIFIED_NOWRITE, Bad: LIST_BAD,
};
