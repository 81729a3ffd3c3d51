// Step texts: CreateProcess, stage 7: Process initialization in the new process (Windows Internals 7e, ch. 3, "Flow of CreateProcess").
import type { StepTexts } from '../text';

export const STAGE7_TEXTS: StepTexts = {
  'create.loaderInit': {
    needs: ['pid', 'tid'],
    text: (a, l10n) => l10n.t('Thread {tid} starts running in user mode in the new process {pid}, at LdrInitializeThunk in ntdll.dll: the image loader initializes the process (heap, loader data, static imports) before any code of the image runs.', a),
  },
  'create.heap': {
    needs: ['pid', 'heap', 'reserve'],
    text: (a, l10n) => l10n.t('RtlCreateHeap creates the default process heap of process {pid} at {heap} ({reserve} bytes reserved); the PEB\'s ProcessHeap points to it, and GetProcessHeap returns it.', a),
  },
  'create.loadDll': {
    needs: ['pid', 'dll', 'base'],
    text: (a, l10n) => l10n.t('The loader adds {dll} at {base} to the module list of process {pid}: the image\'s static imports, and their own imports in turn, are mapped as image sections before the entry point runs.', a),
  },
  'create.win32k': {
    needs: ['pid', 'w32process'],
    text: (a, l10n) => l10n.t('Win32k creates its per-process structure, the W32PROCESS at {w32process}, for process {pid}: the first call of one of its threads into win32k (here while USER32 or GDI32 initialize) converts the thread to a GUI thread (PsConvertToGuiThread). This does not depend on the image\'s subsystem: a console program that uses USER32 gets one too.', a),
  },
  'create.entryPoint': {
    needs: ['pid', 'tid', 'entryPoint'],
    text: (a, l10n) => l10n.t('The loader is done: thread {tid} of process {pid} continues at ntdll\'s RtlUserThreadStart, which goes on to the image entry point at {entryPoint} (in a Windows program through kernel32\'s BaseThreadInitThunk). The process is running.', a),
  },
  'create.baseThreadInitThunk': {
    needs: ['pid', 'tid', 'entryPoint'],
    // The thread's entry returning ends only the thread (RtlExitUserThread); the process ends with its last
    // thread or when the CRT's startup calls exit (Raymond Chen, The Old New Thing, "If you return from the
    // main thread, does the process exit?", 2010).
    text: (a, l10n) => l10n.t('RtlUserThreadStart calls kernel32\'s BaseThreadInitThunk, which calls the entry point {entryPoint} of thread {tid} in process {pid}; when the entry point returns, BaseThreadInitThunk ends the thread with RtlExitUserThread (the process ends when its last thread has exited, or earlier when the C runtime startup code calls exit).', a),
  },
  'create.openKnownDlls': {
    needs: ['pid', 'handle', 'directory'],
    text: (a, l10n) => l10n.t('LdrpInitializeProcess opens the \\KnownDlls object directory ({directory}) for process {pid} with DIRECTORY_QUERY | DIRECTORY_TRAVERSE and keeps handle {handle}: the loader maps the known DLLs from the section objects smss placed there.', a),
  },
};
