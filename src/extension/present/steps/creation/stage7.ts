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
    text: (a, l10n) => l10n.t('Win32k creates its per-process structure, the W32PROCESS at {w32process}, for process {pid}: this happens when a thread of a GUI program first calls into the kernel-mode part of USER or GDI and becomes a GUI thread.', a),
  },
  'create.entryPoint': {
    needs: ['pid', 'tid', 'entryPoint'],
    text: (a, l10n) => l10n.t('The loader is done: thread {tid} of process {pid} continues at RtlUserThreadStart, which calls the image entry point at {entryPoint}. The process is running.', a),
  },
};
