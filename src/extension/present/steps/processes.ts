// Step texts: Processes: opening, termination and teardown, closing handles (Windows Internals 7e, ch. 3, "Process termination").
import type { StepTexts } from './text';

export const PROCESS_TEXTS: StepTexts = {
  'process.system': {
    needs: ['pid', 'eprocess'],
    text: (a, l10n) => l10n.t('During phase 0 of executive initialization, PspInitPhase0 creates the System process (process {pid}, EPROCESS at {eprocess}): the home of the kernel\'s system threads.', a),
  },
  'process.open': {
    needs: ['pid', 'targetPid', 'handle', 'access'],
    text: (a, l10n) => l10n.t('Process {pid} opened process {targetPid} (OpenProcess ends in NtOpenProcess): the access check granted {access}, and the caller received handle {handle}.', a),
  },
  // Windows Internals 7e ch. 7, "Determining access", "Mandatory integrity checks"; ch. 3, "Protected
  // processes"; Microsoft Learn, "Process Security and Access Rights".
  'process.openDenied': {
    needs: ['pid', 'targetPid', 'access', 'reason'],
    text: (a, l10n, raw) => {
      switch (raw.args.reason) {
        case 'integrity': return l10n.t('OpenProcess from process {pid} for process {targetPid} fails with ERROR_ACCESS_DENIED and no handle: {access} includes rights the target\'s mandatory label withholds from a lower integrity level (process objects are no-write-up and no-read-up).', a);
        case 'protected': return l10n.t('OpenProcess from process {pid} for process {targetPid} fails with ERROR_ACCESS_DENIED and no handle: the target is a protected process and the caller\'s protection does not dominate it, so only the limited rights (query and set limited information, suspend/resume, and terminate for most signers) can be granted, not {access}.', a);
        default: return l10n.t('OpenProcess from process {pid} for process {targetPid} fails with ERROR_ACCESS_DENIED and no handle: the ACEs of the target\'s DACL that match the caller\'s user and groups do not grant all of {access}, and SeDebugPrivilege is not enabled in the caller\'s token.', a);
      }
    },
  },
  'process.terminate': {
    needs: ['pid', 'exitStatus', 'byPid'],
    text: (a, l10n, raw) => raw.args.byPid === raw.args.pid
      ? l10n.t('Process {pid} ends itself with exit status {exitStatus} (ExitProcess): each of its threads is made to exit.', a)
      : l10n.t('Process {pid} is terminated by process {byPid} with exit status {exitStatus} (TerminateProcess): each of its threads is made to exit.', a),
  },
  'process.rundownHandles': {
    needs: ['pid', 'handles'],
    text: (a, l10n) => l10n.t('ObKillProcess closes the {handles} handle(s) left in the handle table of process {pid}: each object loses a reference, and an object with none left is deleted.', a),
  },
  'process.deleteAddressSpace': {
    needs: ['pid', 'vads', 'privatePages', 'pageTables'],
    text: (a, l10n) => l10n.t('MmCleanProcessAddressSpace tears down the address space of process {pid}: {vads} VAD(s) with their views, {privatePages} private page(s) and {pageTables} page-table page(s) are freed, and the commit charge is returned.', a),
  },
  'process.exit': {
    needs: ['pid', 'exitStatus', 'processes'],
    text: (a, l10n) => l10n.t('Process {pid} has exited with status {exitStatus} (PspExitProcess): the process object is signaled, and stays while handles to it remain. {processes} process(es) are still running.', a),
  },
  'object.close': {
    needs: ['pid', 'handle', 'type'],
    text: (a, l10n, raw) => raw.args.deleted === true
      ? l10n.t('Process {pid} closed handle {handle} to a {type} object (CloseHandle): that was the last reference, so the object is deleted.', a)
      : l10n.t('Process {pid} closed handle {handle} to a {type} object (CloseHandle): other handles or references keep the object alive.', a),
  },
  // Windows Internals 7e, ch. 2, "System processes" ("Idle process": one idle thread per processor) and ch. 3,
  // "Data structures": every EPROCESS but the Idle process's is a process object. KiInitialProcess,
  // PsIdleProcess and MmInitializeHandBuiltProcess (which copies Idle's DirectoryTableBase into System's):
  // ntoskrnl's public symbols. OpenProcess(0) fails with ERROR_INVALID_PARAMETER: Microsoft Learn, OpenProcess.
  'process.idle': {
    needs: ['processors', 'eprocess'],
    text: (a, l10n) => l10n.t('KiInitializeKernel sets up the Idle process (process ID 0): one idle thread per processor ({processors} here), which runs when nothing else is ready. Its EPROCESS at {eprocess} is KiInitialProcess, a variable in the kernel image\'s data that PsIdleProcess points to: it comes from no pool and, unlike every other process, is not a process object of the object manager (OpenProcess cannot open process ID 0). It runs no image and maps nothing of its own; the System process is given the same page directory.', a),
  },
  'process.registry': {
    needs: ['pid', 'eprocess'],
    text: (a, l10n) => l10n.t('The configuration manager creates the Registry process (process {pid}, EPROCESS at {eprocess}) with PsCreateMinimalProcess: a minimal process with no image, no PEB and no ntdll, whose user address space holds registry hive data on behalf of the kernel.', a),
  },
  // Windows Internals 7e ch. 5, "Memory compression"; ch. 2, "Minimal and Pico processes".
  'process.memCompression': {
    needs: ['pid', 'eprocess'],
    text: (a, l10n) => l10n.t('The store manager creates the Memory Compression process (process {pid}, EPROCESS at {eprocess}; its ImageFileName is MemCompression) with PsCreateMinimalProcess: a minimal process with no image, no PEB and no ntdll, whose user address space holds the compressed pages of memory compression, so they count in its working set and not in System\'s.', a),
  },
  'ob.createKnownDlls': {
    needs: ['pid', 'handle', 'directory'],
    text: (a, l10n) => l10n.t('smss (process {pid}) creates the permanent \\KnownDlls object directory at {directory} (SmpInitializeKnownDlls) and keeps handle {handle} to it; it fills it with section objects for the known DLLs, which every later process\'s loader maps from there.', a),
  },
  // Microsoft Learn, SetProcessInformation and MEMORY_PRIORITY_INFORMATION; Windows Internals 7e, ch. 5, "Page priority".
  'process.memoryPriority': {
    needs: ['pid', 'priority', 'oldPriority'],
    text: (a, l10n) => l10n.t('Process {pid} set its memory priority to {priority} (was {oldPriority}) with SetProcessInformation(ProcessMemoryPriority), which ends in NtSetInformationProcess. Pages its threads fault in from now on get that page priority (unless a thread has its own); a page leaving the working set goes to the standby sub-list of its priority, and the lowest sub-list is repurposed first.', a),
  },
};
