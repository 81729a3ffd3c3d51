// Step texts: VirtualAlloc, VirtualFree and VirtualProtect (Windows Internals 7e, ch. 5, "Reserving and committing pages").
import type { StepTexts } from './text';

export const VIRTUAL_MEMORY_TEXTS: StepTexts = {
  'vm.reserve': {
    needs: ['pid', 'base', 'size'],
    text: (a, l10n, raw) => raw.args.commit === true
      ? l10n.t('Process {pid} reserved and committed {size} bytes at {base}: a new VAD; no physical page is used until the memory is touched.', a)
      : l10n.t('Process {pid} reserved {size} bytes at {base}: a new VAD describes the range; nothing is committed yet.', a),
  },
  // Microsoft Learn, VirtualAlloc (MEM_COMMIT: physical pages are not allocated until the addresses are
  // accessed; the memory reads as zero) and "Page State"; Windows Internals 7e, ch. 5, "Page fault handling" (demand zero).
  'vm.commit': {
    needs: ['pid', 'base', 'size', 'charged'],
    text: (a, l10n) => l10n.t('Process {pid} committed {size} bytes at {base}; {charged} page(s) were charged against the commit limit. No physical page is used yet: the first touch of each page is a demand-zero fault that supplies a page of zeros.', a),
  },
  // Microsoft Learn, VirtualAlloc: MEM_RESET (the data is no longer of interest: not read from or written to the
  // paging file, the range stays committed) and MEM_RESET_UNDO (the data is of interest again; the call fails when
  // some of it was already replaced with zeros).
  'vm.reset': {
    needs: ['pid', 'base', 'size'],
    text: (a, l10n, raw) => raw.args.undo === true
      ? l10n.t('Process {pid} undid MEM_RESET on {size} bytes at {base} (MEM_RESET_UNDO): the data is of interest again. On Windows this succeeds only while all of it is intact; if some pages were already reused, they read as zeros and the call fails.', a)
      : l10n.t('Process {pid} marked {size} bytes at {base} with MEM_RESET: their data is no longer of interest, so the pages need not be written to or read back from the paging file. The range stays committed for later use.', a),
  },
  'vm.decommit': {
    needs: ['pid', 'base', 'size', 'released'],
    text: (a, l10n) => l10n.t('Process {pid} decommitted {size} bytes at {base}; {released} page(s) were released.', a),
  },
  'vm.release': {
    needs: ['pid', 'base', 'size', 'released'],
    text: (a, l10n) => l10n.t('Process {pid} released {size} bytes at {base}: the VAD is gone and {released} page(s) were freed.', a),
  },
  'vm.protect': {
    needs: ['pid', 'base', 'size', 'protect', 'oldProtect'],
    text: (a, l10n) => l10n.t('Process {pid} changed the protection of {size} bytes at {base} from {oldProtect} to {protect}.', a),
  },
  // Microsoft Learn, VirtualLock and VirtualUnlock; Windows Internals 7e, ch. 5, "Locking memory".
  'vm.lock': {
    needs: ['pid', 'base', 'size', 'pages', 'faulted', 'lockedTotal'],
    text: (a, l10n) => l10n.t('Process {pid} locked {size} bytes at {base} in its working set (VirtualLock ends in NtLockVirtualMemory): {faulted} page(s) were faulted in first and {pages} newly locked; {lockedTotal} page(s) of the process are now locked. A locked page\'s working-set entry is never trimmed or replaced, so touching it never faults, and how many pages a process can lock is its working-set minimum less a small overhead.', a),
  },
  'vm.unlock': {
    needs: ['pid', 'base', 'size', 'pages', 'removed', 'lockedTotal'],
    text: (a, l10n) => l10n.t('Process {pid} unlocked {size} bytes at {base} (VirtualUnlock ends in NtUnlockVirtualMemory): {pages} page(s) unlocked stay in the working set and can be trimmed again; {removed} page(s) in the range were not locked, so they left the working set and the call failed with ERROR_NOT_LOCKED if any page was not locked. {lockedTotal} page(s) stay locked.', a),
  },
};
