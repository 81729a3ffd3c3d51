// The words of the stepping panels: one localized explanation per step code, stage titles, the
// call chain of a step, labels of what a step changed, and argument formatting. Pure (no `vscode`
// import) so unit tests can run it; the host passes `vscode.l10n` in as the Localizer.
import type { ChangeRef, Step, StepArgValue } from '../../engine';
import { PAGE_EXECUTE_WRITECOPY, PAGE_WRITECOPY } from '../../engine/constants';
import type { ArgView, ChangeLink, ChangeRefDto, CreationStageId, FaultKind } from '../../shared/protocol';

/** The slice of `vscode.l10n` this module needs (named `{placeholders}` filled from `args`). */
export interface Localizer {
  t(message: string, args: Record<string, string | number | boolean>): string;
}

/** A step as the panels receive it; `code` may be one this version does not know yet. */
export type StepLike = Pick<Step, 'seq' | 'kind' | 'routine' | 'code' | 'args' | 'changes'> & { stage?: string };

/** '0x' + lowercase hex of a number or bigint (negative numbers are shown as-is). */
export function hex(v: number | bigint): string {
  if (typeof v === 'number' && (!Number.isFinite(v) || v < 0)) return String(v);
  return '0x' + v.toString(16);
}

/** A user-mode or kernel address in WinDbg's style: 0x00007ff6`12340000. */
export function address(v: bigint | number): string {
  const b = typeof v === 'bigint' ? v : BigInt(Math.trunc(v));
  const s = (b & 0xFFFFFFFFFFFFFFFFn).toString(16).padStart(16, '0');
  return `0x${s.slice(0, 8)}\`${s.slice(8)}`;
}

/** Localized name of a page list (the engine's `from`/`to` args and PFN states). */
export function listName(list: string, l10n: Localizer): string {
  switch (list) {
    case 'Zeroed': return l10n.t('zeroed list', {});
    case 'Free': return l10n.t('free list', {});
    case 'Standby': return l10n.t('standby list', {});
    case 'Modified': return l10n.t('modified list', {});
    case 'ModifiedNoWrite': return l10n.t('modified no-write list', {});
    case 'Bad': return l10n.t('bad list', {});
    case 'Active': return l10n.t('active (in a working set)', {});
    case 'Transition': return l10n.t('in transition (I/O in progress)', {});
    default: return list;
  }
}

/** Localized name of a page-list index as ChangeRefs of type 'pageList' carry it. */
function pageListIndexName(id: number, l10n: Localizer): string {
  if (id === 0) return listName('Zeroed', l10n);
  if (id === 1) return listName('Free', l10n);
  if (id >= 2 && id <= 9) return l10n.t('standby list, priority {priority}', { priority: id - 2 });
  if (id === 10) return listName('Modified', l10n);
  if (id === 11) return listName('ModifiedNoWrite', l10n);
  if (id === 12) return listName('Bad', l10n);
  return String(id);
}

/** Why a job's processes were terminated (the engine's `reason` of 'job.terminate'). */
function jobTerminationReason(reason: string, l10n: Localizer): string {
  switch (reason) {
    case 'TerminateJobObject': return l10n.t('TerminateJobObject was called', {});
    case 'KillOnJobClose': return l10n.t('the last handle to a job with JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE was closed', {});
    case 'ActiveProcessLimit': return l10n.t('the job exceeded its active-process limit', {});
    default: return reason;
  }
}

function accessViolationReason(reason: string, l10n: Localizer): string {
  switch (reason) {
    case 'reserved': return l10n.t('the address is reserved but not committed', {});
    case 'decommitted': return l10n.t('the page was decommitted', {});
    case 'noAccess': return l10n.t('the page is PAGE_NOACCESS', {});
    case 'readOnly': return l10n.t('the page is read-only and the access was a write', {});
    case 'noVad': return l10n.t('no VAD describes the address (it was never allocated)', {});
    default: return reason;
  }
}

const ADDRESS_ARGS = new Set(['va', 'eprocess', 'peb', 'teb', 'stackBase', 'stackLimit', 'pxeSelf', 'base', 'pte', 'size', 'protoPte', 'imageBase', 'ntdllBase', 'address', 'heap', 'ethread', 'rip', 'rcx', 'entryPoint', 'reserve', 'csrProcess', 'csrThread', 'w32process', 'startAddress', 'offset', 'object', 'start']);
const PFN_ARGS = new Set(['pfn', 'sharedPfn', 'directoryTableBase', 'entryPointRva', 'sizeOfImage', 'handle', 'access']);
const LIST_ARGS = new Set(['from', 'to']);
/** Flags, masks and status codes: shown in hex. */
const HEX_ARGS = new Set(['protect', 'oldProtect', 'flags', 'priorityClass', 'exitStatus', 'limitFlags', 'protection']);

/** Formats one argument for display. */
export function formatArg(name: string, value: StepArgValue, l10n: Localizer): string {
  if (typeof value === 'bigint') return name === 'size' || name === 'reserve' || name === 'offset' ? hex(value) : address(value);
  if (typeof value === 'boolean') return value ? l10n.t('yes', {}) : l10n.t('no', {});
  if (typeof value === 'number') {
    if (ADDRESS_ARGS.has(name)) return hex(value);
    if (PFN_ARGS.has(name) || HEX_ARGS.has(name)) return hex(value);
    return String(value);
  }
  if (LIST_ARGS.has(name)) return listName(value, l10n);
  return value;
}

/** Every argument of a step, formatted, in the engine's order. */
export function formatArgs(step: StepLike, l10n: Localizer): ArgView[] {
  return Object.entries(step.args).map(([name, value]) => ({ name, value: formatArg(name, value, l10n) }));
}

type Args = Record<string, string | number | boolean>;

/** Localized explanations by code. Each entry names the args it needs; a step missing one falls back to the generic sentence. */
const EXPLANATIONS: Record<string, { needs: string[]; text: (a: Args, l10n: Localizer, raw: StepLike) => string }> = {
  'fault.demandZero': {
    needs: ['pid', 'va', 'pfn', 'from'],
    text: (a, l10n, raw) => raw.args.zeroedNow === true
      ? l10n.t('Process {pid} touched {va}, a committed page never used before (a demand-zero PTE). MiResolveDemandZeroFault took page {pfn} from the {from}, zeroed it first, made the PTE valid and added the page to the working set.', a)
      : l10n.t('Process {pid} touched {va}, a committed page never used before (a demand-zero PTE). MiResolveDemandZeroFault took the already-zeroed page {pfn} from the {from}, made the PTE valid and added the page to the working set.', a),
  },
  'fault.pageTable': {
    needs: ['pid', 'va', 'level', 'pfn'],
    text: (a, l10n) => l10n.t('Before the page itself, the paging structure at level {level} for {va} did not exist yet: a demand-zero page {pfn} became that page table (process {pid}). Page tables are pageable memory and are charged to the process.', a),
  },
  'fault.transition': {
    needs: ['pid', 'va', 'pfn', 'from'],
    text: (a, l10n) => l10n.t('A soft fault: the PTE of {va} was a transition PTE, so page {pfn} was still in memory on the {from}. MiResolveTransitionFault unlinked it and made the PTE valid again; no disk I/O was needed (process {pid}).', a),
  },
  'fault.pageFile': {
    needs: ['pid', 'va', 'pfn', 'from', 'slot', 'cluster'],
    text: (a, l10n) => l10n.t('A hard fault: the PTE of {va} pointed into the paging file (slot {slot}). MiResolvePageFileFault took page {pfn} from the {from} and read the contents back; {cluster} page(s) came in with the same clustered read, the neighbours onto the standby list (process {pid}).', a),
  },
  'fault.guardPage': {
    needs: ['pid', 'va'],
    text: (a, l10n) => l10n.t('The page at {va} is a guard page. MmAccessFault cleared the guard bit and raised STATUS_GUARD_PAGE_VIOLATION once; the next access to the page succeeds normally (this is how thread stacks grow). Process {pid}.', a),
  },
  'fault.accessViolation': {
    needs: ['pid', 'va', 'reason'],
    text: (a, l10n) => l10n.t('MmAccessFault could not resolve the access to {va}: {reason}. It raised STATUS_ACCESS_VIOLATION in process {pid}.', a),
  },
  'fault.dirtyBit': {
    needs: ['pid', 'va', 'pfn', 'releasedSlot'],
    text: (a, l10n) => l10n.t('The first write to the clean page {pfn} at {va} set the dirty bit (MiSetDirtyBit); its copy in paging-file slot {releasedSlot} is now stale and was released (process {pid}).', a),
  },
  'fault.prototype': {
    needs: ['pid', 'va', 'pfn', 'protoPte', 'shareCount'],
    text: (a, l10n) => l10n.t('The PTE of {va} was a prototype PTE: it points at the section\'s prototype PTE at {protoPte}. MiResolveProtoPteFault found the shared page {pfn} through it, made the process PTE valid and counted one more sharer ({shareCount} now) (process {pid}).', a),
  },
  'fault.copyOnWrite': {
    needs: ['pid', 'va', 'sharedPfn', 'pfn'],
    text: (a, l10n) => l10n.t('A write to the copy-on-write page at {va}: MiCopyOnWrite copied the shared page {sharedPfn} into the new private page {pfn} and made the PTE writable; the other views keep the original (process {pid}).', a),
  },
  'io.pageRead': {
    needs: ['file', 'offset', 'bytes', 'pfn'],
    text: (a, l10n) => l10n.t('IoPageRead read {bytes} bytes at offset {offset} of {file} into page {pfn}: the paging I/O of a hard fault on a mapped file.', a),
  },
  'section.create': {
    needs: ['pid', 'controlArea', 'size'],
    text: (a, l10n, raw) => {
      const s = typeof raw.args.file === 'string' && raw.args.file !== ''
        ? l10n.t('Process {pid} created a section object of {size} bytes backed by the file {file} (MmCreateSection). The file\'s control area ({controlArea}) with its segment and subsections describes the pages, one prototype PTE per page; modified pages are written back to the file.', a)
        : l10n.t('Process {pid} created a section object of {size} bytes backed by the paging file (MmCreateSection). A control area ({controlArea}) and a segment with one prototype PTE per page describe the shared pages; the whole size is charged to commit now, but no physical page is used until one is touched.', a);
      return typeof raw.args.name === 'string' && raw.args.name !== '' ? `${s} ${l10n.t('The section is named {name}, so other processes can open it.', a)}` : s;
    },
  },
  'section.open': {
    needs: ['pid', 'controlArea', 'name'],
    text: (a, l10n) => l10n.t('Process {pid} opened the existing section object {name} by name (OpenFileMapping ends in ObOpenObjectByName): its handle refers to the same section (control area {controlArea}), so the views it maps share the same physical pages.', a),
  },
  'section.mapView': {
    needs: ['pid', 'controlArea', 'base', 'size', 'offset'],
    text: (a, l10n, raw) => {
      const s = l10n.t('Process {pid} mapped a view of {size} bytes of the section (control area {controlArea}) at {base}, from offset {offset}: a new VAD. No page is touched yet; on first access each PTE is filled from the section\'s prototype PTE.', a);
      const protect = typeof raw.args.protect === 'number' ? raw.args.protect : 0;
      return protect & (PAGE_WRITECOPY | PAGE_EXECUTE_WRITECOPY) ? `${s} ${l10n.t('The view is copy-on-write: the first write to a page gives this process a private copy of it.', a)}` : s;
    },
  },
  'section.unmapView': {
    needs: ['pid', 'controlArea', 'base', 'size'],
    text: (a, l10n) => l10n.t('Process {pid} unmapped the view at {base} ({size} bytes) of control area {controlArea}: its VAD is removed and its pages leave the working set. The section\'s pages stay while the section or other views still reference them.', a),
  },
  'section.delete': {
    needs: ['controlArea', 'freedPages'],
    text: (a, l10n) => l10n.t('The last reference to control area {controlArea} is gone: MiSegmentDelete deletes the control area, its segment and prototype PTEs, and {freedPages} page(s) still holding its data went to the free list.', a),
  },
  'file.create': {
    needs: ['pid', 'path', 'handle', 'access'],
    text: (a, l10n) => l10n.t('Process {pid} opened {path} (CreateFile ends in NtCreateFile): it received handle {handle} to a file object, with access mask {access}.', a),
  },
  'io.createFile': {
    needs: ['path', 'size', 'fileId'],
    text: (a, l10n) => l10n.t('The file {path} ({size} bytes, file {fileId}) was written to the simulated disk (NtCreateFile).', a),
  },
  'thread.mappedPageWriter': {
    needs: ['pages', 'files'],
    text: (a, l10n) => l10n.t('The mapped page writer (MiMappedPageWriter) wrote {pages} modified page(s) of mapped files back to their files ({files}); the pages are clean again.', a),
  },
  'config.setValue': {
    needs: ['key', 'name', 'data'],
    text: (a, l10n, raw) => raw.args.data === ''
      ? l10n.t('The registry value {name} under {key} was deleted.', a)
      : l10n.t('The registry value {name} under {key} was set to {data} (NtSetValueKey).', a),
  },
  'create.parameters': {
    needs: ['image', 'commandLine', 'currentDirectory'],
    text: (a, l10n) => l10n.t('RtlCreateProcessParametersEx builds the RTL_USER_PROCESS_PARAMETERS for {image}: the command line {commandLine}, the current directory {currentDirectory}, the environment and the console settings. They are copied into the new process later (stage 3E).', a),
  },
  'create.debug': {
    needs: ['debuggerPid'],
    text: (a, l10n, raw) => raw.args.onlyThisProcess === true
      ? l10n.t('DEBUG_ONLY_THIS_PROCESS was given: the creator connects to the debugging subsystem (DbgUiConnectToDbg), so process {debuggerPid} debugs the new process, but not the processes it creates.', a)
      : l10n.t('DEBUG_PROCESS was given: the creator connects to the debugging subsystem (DbgUiConnectToDbg), so process {debuggerPid} debugs the new process and the processes it creates.', a),
  },
  'create.runBatch': {
    needs: ['script', 'interpreter', 'commandLine'],
    text: (a, l10n) => l10n.t('{script} is a batch file, not a PE image: CreateProcessInternalW starts over with {interpreter} as the image and the command line {commandLine}.', a),
  },
  'create.openImage': {
    needs: ['image', 'imageBase', 'entryPointRva', 'sizeOfImage'],
    text: (a, l10n) => l10n.t('NtCreateUserProcess opens {image} and reads its PE headers: preferred image base {imageBase}, entry point RVA {entryPointRva}, {sizeOfImage} bytes once mapped.', a),
  },
  'create.imageSection': {
    needs: ['image', 'sizeOfImage', 'sections'],
    text: (a, l10n) => l10n.t('MmCreateSection creates an image section object (SEC_IMAGE) for {image}: a control area whose subsections follow the image\'s {sections} PE sections, {sizeOfImage} bytes in all. Stage 3D maps this section into the new process.', a),
  },
  'create.ifeo': {
    needs: ['image', 'debugger', 'commandLine'],
    text: (a, l10n) => l10n.t('The registry key HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\Image File Execution Options has a subkey named after the file name of {image}, with a Debugger value: {debugger}. So the debugger runs instead, with the original command line as its argument: {commandLine}.', a),
  },
  'create.signature': {
    needs: ['image', 'signatureLevel', 'protection', 'allowed'],
    text: (a, l10n, raw) => raw.args.allowed === true
      ? l10n.t('CREATE_PROTECTED_PROCESS was asked for: {image} is signed at signing level {signatureLevel}, enough for the protection {protection}. Other processes, even administrators\', can only open a protected process with limited access rights.', a)
      : l10n.t('CREATE_PROTECTED_PROCESS was asked for, but {image} (signing level {signatureLevel}) is not signed to run as a protected process: the creation fails.', a),
  },
  'create.failed': {
    needs: ['image', 'error'],
    text: (a, l10n) => l10n.t('CreateProcess of {image} failed with Win32 error {error} (what GetLastError returns); anything already built for it is torn down.', a),
  },
  'create.kprocess': {
    needs: ['pid', 'basePriority', 'directoryTableBase', 'processors'],
    text: (a, l10n) => l10n.t('KeInitializeProcess initializes the KPROCESS, the kernel part of process {pid}: base priority {basePriority}, the directory table base (PML4 page {directoryTableBase}, loaded into CR3 when its threads run), an affinity over {processors} processor(s) and an empty thread list.', a),
  },
  'create.mapImage': {
    needs: ['pid', 'imageBase', 'ntdllBase'],
    text: (a, l10n) => l10n.t('MmInitializeProcessAddressSpace concludes the address space of process {pid}: the image section is mapped at {imageBase} and the system-wide ntdll.dll at {ntdllBase}. Every process has ntdll.dll: its user-mode code reaches the kernel through it.', a),
  },
  'create.processParameters': {
    needs: ['pid', 'address', 'size'],
    text: (a, l10n) => l10n.t('The process parameters from stage 1 (command line, current directory, environment; {size} bytes) are copied into process {pid} at {address}; the PEB\'s ProcessParameters field points to them.', a),
  },
  'create.joinJob': {
    needs: ['pid', 'jobId', 'activeProcesses'],
    text: (a, l10n) => l10n.t('PspAddProcessToJob adds process {pid} to job {jobId}: a new process joins its creator\'s job unless it may break away. The job has {activeProcesses} active process(es) now.', a),
  },
  'create.inheritHandles': {
    needs: ['pid', 'parentPid', 'handles'],
    text: (a, l10n) => l10n.t('bInheritHandles was TRUE: {handles} inheritable handle(s) of the creator, process {parentPid}, are copied into the handle table of process {pid}, with the same handle values and access.', a),
  },
  'create.handle': {
    needs: ['pid', 'creatorPid', 'handle', 'access'],
    text: (a, l10n) => l10n.t('The creator, process {creatorPid}, receives handle {handle} to the new process {pid} with access mask {access}; CreateProcess returns it in PROCESS_INFORMATION.hProcess.', a),
  },
  'create.teb': {
    needs: ['pid', 'tid', 'teb'],
    text: (a, l10n) => l10n.t('MmCreateTeb creates the Thread Environment Block of thread {tid} at {teb} in process {pid}: the thread\'s user-mode data (stack bounds, client ID, last error, TLS slots, a pointer to the PEB).', a),
  },
  'create.stack': {
    needs: ['pid', 'tid', 'stackBase', 'stackLimit', 'reserve'],
    text: (a, l10n) => l10n.t('The user-mode stack of thread {tid} is reserved in process {pid} ({reserve} bytes). It grows down from {stackBase}: the top page, down to {stackLimit}, is committed, with a guard page below it so the stack can grow on demand.', a),
  },
  'create.context': {
    needs: ['tid', 'rip', 'rcx'],
    text: (a, l10n) => l10n.t('KeInitThread sets up the initial context of thread {tid}: in user mode it will start at {rip}, ntdll\'s RtlUserThreadStart, with the thread\'s start address {rcx} in RCX (for the first thread of a process, the image entry point).', a),
  },
  'create.insertThread': {
    needs: ['pid', 'tid', 'ethread'],
    text: (a, l10n) => l10n.t('PspInsertThread inserts the ETHREAD {ethread} (thread {tid}) into the thread list of process {pid}. For the first thread of a process, the process- and thread-creation notify routines are called next.', a),
  },
  'create.csr': {
    needs: ['pid', 'tid', 'csrssPid', 'csrProcess', 'csrThread'],
    text: (a, l10n, raw) => raw.args.csrssPid === 0
      ? l10n.t('No Windows subsystem process (CSRSS) runs in this session yet, so none is told about process {pid} and thread {tid}.', a)
      : l10n.t('CreateProcessInternalW tells the Windows subsystem process, CSRSS (process {csrssPid}), about process {pid} and thread {tid}: CSRSS duplicates handles to them and records them in a CSR_PROCESS ({csrProcess}) and a CSR_THREAD ({csrThread}).', a),
  },
  'create.resume': {
    needs: ['pid', 'tid', 'suspendCount'],
    text: (a, l10n) => l10n.t('Stage 6: the initial thread {tid} of process {pid} is resumed (suspend count now {suspendCount}).', a),
  },
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
  'create.asUser': {
    needs: ['image', 'user', 'sessionId', 'integrity'],
    text: (a, l10n, raw) => raw.args.integrity === ''
      ? l10n.t('CreateProcessAsUserW: {image} will run with the token of {user} in session {sessionId}, not with the creator\'s token. The rest of the flow is the same as for CreateProcess.', a)
      : l10n.t('CreateProcessAsUserW: {image} will run with the token of {user} in session {sessionId} (integrity level {integrity}), not with the creator\'s token. The rest of the flow is the same as for CreateProcess.', a),
  },
  'shell.execute': {
    needs: ['file', 'verb', 'command'],
    text: (a, l10n, raw) => raw.args.verb === ''
      ? l10n.t('ShellExecuteExW looks up the default verb of {file} in the file associations of the registry and runs the command found there: {command}. That ends in CreateProcess.', a)
      : l10n.t('ShellExecuteExW looks up the verb {verb} of {file} in the file associations of the registry and runs the command found there: {command}. That ends in CreateProcess.', a),
  },
  'appx.activate': {
    needs: ['appUserModelId', 'packageFullName', 'image'],
    text: (a, l10n) => l10n.t('The packaged app {appUserModelId} (package {packageFullName}) is activated with ActivateApplication rather than a plain CreateProcess: {image} is created with the package identity as a process attribute, so it runs in its AppContainer.', a),
  },
  'token.open': {
    needs: ['pid', 'targetPid', 'tokenId', 'handle'],
    text: (a, l10n) => l10n.t('OpenProcessToken: process {pid} gets handle {handle} to the primary token of process {targetPid} (token id {tokenId}). The token\'s security descriptor and the integrity levels decide which rights the handle gets.', a),
  },
  'token.duplicate': {
    needs: ['pid', 'sourceTokenId', 'tokenId', 'tokenType', 'handle'],
    text: (a, l10n) => l10n.t('DuplicateTokenEx: token {sourceTokenId} is copied into a new {tokenType} token {tokenId}, and process {pid} holds it through handle {handle}. The copy keeps the user, groups and privileges; changing it does not change the original.', a),
  },
  'token.setIntegrity': {
    needs: ['pid', 'tokenId', 'from', 'to'],
    text: (a, l10n) => l10n.t('SetTokenInformation(TokenIntegrityLevel): process {pid} changes the mandatory label of token {tokenId} from {from} to {to}. Lowering is always allowed; raising it needs SeTcbPrivilege.', a),
  },
  'token.setSession': {
    needs: ['pid', 'tokenId', 'from', 'to'],
    text: (a, l10n) => l10n.t('SetTokenInformation(TokenSessionId): token {tokenId} moves from session {from} to session {to}; a process created with it will run in that session. Only callers with SeTcbPrivilege may do this.', a),
  },
  'token.adjustPrivileges': {
    needs: ['pid', 'tokenId', 'count', 'notAssigned'],
    text: (a, l10n, raw) => Number(raw.args.notAssigned) > 0
      ? l10n.t('AdjustTokenPrivileges on token {tokenId} by process {pid}: {notAssigned} of the {count} privileges asked for are not in the token. The call still returns TRUE; GetLastError says ERROR_NOT_ALL_ASSIGNED.', a)
      : typeof raw.args.enabled === 'string' && raw.args.enabled !== ''
        ? l10n.t('AdjustTokenPrivileges on token {tokenId} by process {pid}: {enabled} now enabled. A privilege the token holds counts only while it is enabled (SeDebugPrivilege for OpenProcess, for one).', a)
        : l10n.t('AdjustTokenPrivileges on token {tokenId} by process {pid}: all {count} privileges asked for are in the token and were adjusted.', a),
  },
  'debug.createObject': {
    needs: ['pid', 'handle', 'object'],
    text: (a, l10n) => l10n.t('DbgUiConnectToDbg: process {pid} becomes a debugger. NtCreateDebugObject makes a debug object at {object}; its handle {handle} is kept in the thread\'s TEB (DbgSsReserved[1]), where WaitForDebugEvent and ContinueDebugEvent find it.', a),
  },
  'debug.attach': {
    needs: ['pid', 'debuggerPid', 'object'],
    text: (a, l10n, raw) => raw.args.attach === true
      ? l10n.t('DebugActiveProcess: the DebugPort of process {pid} now points to the debug object {object} of debugger {debuggerPid}, and PEB.BeingDebugged becomes 1. From now on the kernel reports the process\'s events to that debugger.', a)
      : l10n.t('The new process {pid} is created with its DebugPort pointing to the debug object {object} of debugger {debuggerPid}; its PEB will say BeingDebugged = 1.', a),
  },
  'debug.queueEvent': {
    needs: ['pid', 'tid', 'event', 'debuggerPid'],
    text: (a, l10n, raw) => {
      switch (raw.args.event) {
        case 'CREATE_PROCESS_DEBUG_EVENT': return l10n.t('Thread {tid} of process {pid} reports the process to debugger {debuggerPid} (CREATE_PROCESS_DEBUG_EVENT) and waits: all threads of a debuggee stand still until the debugger continues.', a);
        case 'LOAD_DLL_DEBUG_EVENT': return l10n.t('A DLL was mapped into process {pid} at {address}: the kernel queues a LOAD_DLL_DEBUG_EVENT for debugger {debuggerPid}, and the loader waits until the debugger continues.', a);
        case 'EXCEPTION_DEBUG_EVENT': return l10n.t('Thread {tid} of process {pid} hits a breakpoint at {address} (STATUS_BREAKPOINT, first chance): the exception goes to debugger {debuggerPid} before any handler of the program sees it.', a);
        case 'CREATE_THREAD_DEBUG_EVENT': return l10n.t('A new thread {tid} of process {pid} reports itself to debugger {debuggerPid} (CREATE_THREAD_DEBUG_EVENT) before it runs.', a);
        case 'EXIT_THREAD_DEBUG_EVENT': return l10n.t('Thread {tid} of process {pid} exits; debugger {debuggerPid} is told with an EXIT_THREAD_DEBUG_EVENT.', a);
        case 'EXIT_PROCESS_DEBUG_EVENT': return l10n.t('Process {pid} exits; debugger {debuggerPid} is told with an EXIT_PROCESS_DEBUG_EVENT, the last event of this process.', a);
        default: return l10n.t('The kernel queues the debug event {event} of process {pid} on the debug object of debugger {debuggerPid}.', a);
      }
    },
  },
  'debug.wait': {
    needs: ['pid', 'event', 'debuggeePid', 'tid'],
    text: (a, l10n) => l10n.t('WaitForDebugEvent in debugger {pid} returns {event} from process {debuggeePid}, thread {tid}. Handles the event carries (process, thread, image file) are opened in the debugger\'s handle table now.', a),
  },
  'debug.continue': {
    needs: ['pid', 'debuggeePid', 'tid', 'event'],
    text: (a, l10n) => l10n.t('ContinueDebugEvent: debugger {pid} is done with {event} of process {debuggeePid}, thread {tid}. When no event of the process is left, its threads run on.', a),
  },
  'debug.remoteBreakin': {
    needs: ['pid', 'start'],
    text: (a, l10n) => l10n.t('DbgUiIssueRemoteBreakin: to stop the running process {pid}, the debugger creates a thread in it that starts at DbgUiRemoteBreakin ({start}). That thread executes a breakpoint, which the debugger receives, and then exits.', a),
  },
  'debug.detach': {
    needs: ['pid', 'debuggerPid', 'dropped'],
    text: (a, l10n) => l10n.t('Process {pid} is no longer debugged by {debuggerPid}: its DebugPort is cleared, {dropped} pending events are dropped, PEB.BeingDebugged goes back to 0 and its threads run on.', a),
  },
  'debug.killOnExit': {
    needs: ['pid'],
    text: (a, l10n, raw) => raw.args.killOnExit === true
      ? l10n.t('DebugSetProcessKillOnExit(TRUE): when debugger {pid} exits, the processes it debugs are terminated (the default).', a)
      : l10n.t('DebugSetProcessKillOnExit(FALSE): when debugger {pid} exits, the processes it debugs are detached and keep running.', a),
  },
  'console.launchHost': {
    needs: ['pid', 'console', 'image'],
    text: (a, l10n, raw) => raw.args.window === false
      ? l10n.t('Process {pid} is a console program without a console to share: KernelBase launches {image} as its child to host console {console}, without a window (CREATE_NO_WINDOW).', a)
      : l10n.t('Process {pid} is a console program without a console to share: KernelBase launches {image} as its child to host console {console}. Since Windows 8 the console host is this conhost.exe, reached through the console driver, not CSRSS.', a),
  },
  'console.attach': {
    needs: ['pid', 'console', 'hostPid', 'clients'],
    text: (a, l10n) => l10n.t('Process {pid} attaches to console {console}, which it inherited from its creator; conhost.exe {hostPid} now serves {clients} processes. No new console host is started.', a),
  },
  'console.detach': {
    needs: ['pid', 'console', 'hostPid', 'clients'],
    text: (a, l10n, raw) => Number(raw.args.clients) === 0
      ? l10n.t('Process {pid} was the last process attached to console {console}: its host conhost.exe {hostPid} exits too.', a)
      : l10n.t('Process {pid} leaves console {console}; conhost.exe {hostPid} still serves {clients} processes.', a),
  },
  'ps.registerProcessNotify': {
    needs: ['routine'],
    text: (a, l10n, raw) => raw.args.remove === true
      ? l10n.t('{routine} was removed with PsSetCreateProcessNotifyRoutineEx: it is no longer called when processes are created or exit.', a)
      : l10n.t('A driver registered {routine} with PsSetCreateProcessNotifyRoutineEx: it is called whenever a process is created or exits, and it may refuse a creation.', a),
  },
  'ps.registerThreadNotify': {
    needs: ['routine'],
    text: (a, l10n, raw) => raw.args.remove === true
      ? l10n.t('{routine} was removed with PsRemoveCreateThreadNotifyRoutine: it is no longer called when threads are created or exit.', a)
      : l10n.t('A driver registered {routine} with PsSetCreateThreadNotifyRoutine: it is called whenever a thread is created or exits.', a),
  },
  'ps.notifyProcess': {
    needs: ['routine', 'pid', 'parentPid'],
    text: (a, l10n, raw) => raw.args.create !== true
      ? l10n.t('The process-notify routine {routine} is called because process {pid} is exiting.', a)
      : raw.args.denied === true
        ? l10n.t('The process-notify routine {routine} refused the creation of process {pid} (it set an error in CreationStatus): the creation fails with access denied.', a)
        : l10n.t('The process-notify routine {routine} (registered with PsSetCreateProcessNotifyRoutineEx) is called for the new process {pid}, created by process {parentPid}; security products learn about every process this way.', a),
  },
  'ps.notifyThread': {
    needs: ['routine', 'pid', 'tid'],
    text: (a, l10n, raw) => raw.args.create === false
      ? l10n.t('The thread-notify routine {routine} is called because thread {tid} of process {pid} is exiting.', a)
      : l10n.t('The thread-notify routine {routine} (registered with PsSetCreateThreadNotifyRoutine) is called for thread {tid} of process {pid}.', a),
  },
  'thread.create': {
    needs: ['pid', 'tid', 'startAddress', 'teb', 'creatorPid'],
    text: (a, l10n, raw) => {
      const s = raw.args.creatorPid === raw.args.pid
        ? l10n.t('Process {pid} created thread {tid} (CreateThread): a new ETHREAD, a TEB at {teb} and a user stack; it will start at {startAddress}.', a)
        : l10n.t('Process {creatorPid} created thread {tid} in another process, {pid} (CreateRemoteThread): a new ETHREAD, a TEB at {teb} and a user stack; it will start at {startAddress}.', a);
      return raw.args.suspended === true ? `${s} ${l10n.t('It stays suspended until ResumeThread (CREATE_SUSPENDED).', a)}` : s;
    },
  },
  'thread.suspend': {
    needs: ['tid', 'suspendCount'],
    text: (a, l10n) => l10n.t('Thread {tid} was suspended (SuspendThread): its suspend count is now {suspendCount}, and it does not run while the count is above zero.', a),
  },
  'thread.resume': {
    needs: ['tid', 'suspendCount'],
    text: (a, l10n) => l10n.t('Thread {tid} was resumed (ResumeThread): its suspend count dropped to {suspendCount}; at zero it can run again.', a),
  },
  'thread.exit': {
    needs: ['pid', 'tid', 'exitStatus'],
    text: (a, l10n, raw) => raw.args.lastThread === true
      ? l10n.t('Thread {tid} of process {pid} exited with status {exitStatus} (PspExitThread). It was the last thread of the process, so the process exits too.', a)
      : l10n.t('Thread {tid} of process {pid} exited with status {exitStatus} (PspExitThread): its thread object is signaled for anyone waiting on it.', a),
  },
  'thread.system': {
    needs: ['tid', 'name', 'ethread'],
    text: (a, l10n) => l10n.t('PsCreateSystemThread creates the system thread {tid} ({name}, ETHREAD {ethread}) in the System process: it runs only in kernel mode.', a),
  },
  'thread.dispatch': {
    needs: ['processor', 'tid', 'priority'],
    text: (a, l10n, raw) => {
      const s = l10n.t('The dispatcher picked thread {tid} (priority {priority}) to run on processor {processor}: the highest-priority ready thread runs first.', a);
      return typeof raw.args.standbyTid === 'number' && raw.args.standbyTid !== 0 ? `${s} ${l10n.t('Thread {standbyTid} is in the Standby state: it runs next on that processor.', a)}` : s;
    },
  },
  'thread.transition': {
    needs: ['tid', 'pid'],
    text: (a, l10n) => l10n.t('Thread {tid} of process {pid} could run, but its kernel stack is out of memory: KiReadyThread puts it in the Transition state until the process/stack swapper brings the stack back.', a),
  },
  'thread.deferredReady': {
    needs: ['tid', 'processor'],
    text: (a, l10n) => l10n.t('KiReadyThread puts thread {tid} in the Deferred Ready state: it is chosen for processor {processor} but not yet in that processor\'s ready queues.', a),
  },
  'thread.ready': {
    needs: ['tid', 'processor'],
    text: (a, l10n) => l10n.t('Thread {tid} is Ready: it waits in the ready queues of processor {processor} until the dispatcher picks it.', a),
  },
  'thread.outswapStack': {
    needs: ['tid', 'pid', 'waitReason'],
    text: (a, l10n) => l10n.t('Thread {tid} of process {pid} is in a user-mode wait ({waitReason}), so the process/stack swapper (KiOutSwapKernelStacks) takes its kernel stack out of memory; the thread needs it back before it runs again.', a),
  },
  'thread.inswapStack': {
    needs: ['tid', 'pid'],
    text: (a, l10n) => l10n.t('The process/stack swapper (KiInSwapKernelStacks) brings the kernel stack of thread {tid} (process {pid}) back into memory: the thread leaves the Transition state and becomes ready.', a),
  },
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
  'job.open': {
    needs: ['jobId', 'handle', 'access'],
    text: (a, l10n) => l10n.t('OpenJobObject found job {jobId} by its name (ObOpenObjectByName in the session\'s BaseNamedObjects) and returned handle {handle} with access {access}: another process can now assign processes to the same job or change its limits.', a),
  },
  'job.create': {
    needs: ['jobId', 'job', 'handle'],
    text: (a, l10n, raw) => {
      const s = l10n.t('NtCreateJobObject created job {jobId} (the job object at {job}) and returned handle {handle}: a job manages a group of processes as one, with shared limits and accounting.', a);
      return typeof raw.args.name === 'string' && raw.args.name !== '' ? `${s} ${l10n.t('The job is named {name}.', a)}` : s;
    },
  },
  'job.assign': {
    needs: ['jobId', 'pid', 'activeProcesses'],
    text: (a, l10n, raw) => {
      const s = l10n.t('Process {pid} was added to job {jobId}, which now has {activeProcesses} active process(es); processes it creates join the job too.', a);
      return typeof raw.args.parentJobId === 'number' && raw.args.parentJobId !== 0 ? `${s} ${l10n.t('Job {jobId} is nested in job {parentJobId}, whose limits apply as well.', a)}` : s;
    },
  },
  'job.limits': {
    needs: ['jobId', 'limitFlags', 'activeProcessLimit', 'processMemoryLimit', 'jobMemoryLimit'],
    text: (a, l10n) => l10n.t('The limits of job {jobId} were set (NtSetInformationJobObject): limit flags {limitFlags}; active processes {activeProcessLimit}, committed memory per process {processMemoryLimit}, for the whole job {jobMemoryLimit} (each value counts only when its flag is set).', a),
  },
  'job.limitExceeded': {
    needs: ['jobId', 'pid', 'limit'],
    text: (a, l10n, raw) => raw.args.pid === 0
      ? l10n.t('Job {jobId} would exceed its limit ({limit}): the process being created may not join it, so the creation fails.', a)
      : l10n.t('Job {jobId} would exceed its limit ({limit}): process {pid} may not join it.', a),
  },
  'job.terminate': {
    needs: ['jobId', 'processes', 'exitStatus', 'reason'],
    text: (a, l10n) => l10n.t('All {processes} process(es) of job {jobId} are terminated with exit status {exitStatus} ({reason}).', a),
  },
  'ws.trim': {
    needs: ['pid', 'pages', 'toStandby', 'toModified'],
    text: (a, l10n) => l10n.t('Working-set trim of process {pid}: {pages} page(s) removed; clean ones ({toStandby}) went to the standby list, dirty ones ({toModified}) to the modified list. Their PTEs became transition PTEs.', a),
  },
  'ws.replace': {
    needs: ['pid', 'va', 'pfn', 'to'],
    text: (a, l10n) => l10n.t('The working set of process {pid} was full: the entry for {va} (page {pfn}) was replaced and the page went to the {to}.', a),
  },
  'ws.setSize': {
    needs: ['pid', 'minimum', 'maximum'],
    text: (a, l10n) => l10n.t('The working-set limits of process {pid} are now {minimum} to {maximum} pages.', a),
  },
  'thread.balanceSetManager': {
    needs: ['available', 'trimmed', 'processes'],
    text: (a, l10n) => l10n.t('The balance set manager ran with {available} pages available and trimmed {trimmed} page(s) from {processes} process(es).', a),
  },
  'thread.modifiedPageWriter': {
    needs: ['pages', 'clusters'],
    text: (a, l10n) => l10n.t('The modified page writer wrote {pages} page(s) to the paging file in {clusters} cluster(s); they moved to the standby list.', a),
  },
  'thread.modifiedPageWriterNoPagingFile': {
    needs: ['pages'],
    text: (a, l10n) => l10n.t('The modified page writer found {pages} modified page(s) but there is no paging file to write them to.', a),
  },
  'thread.zeroPage': {
    needs: ['pages'],
    text: (a, l10n) => l10n.t('The zero page thread zeroed {pages} free page(s) and moved them to the zeroed list.', a),
  },
  'pfn.repurpose': {
    needs: ['pfn', 'priority'],
    text: (a, l10n) => l10n.t('No zeroed or free page was left, so standby page {pfn} (priority {priority}) was repurposed; the PTE that still referred to it became a paging-file or demand-zero PTE again.', a),
  },
  'memoryList.command': {
    needs: ['command', 'pages'],
    text: (a, l10n) => l10n.t('NtSetSystemInformation ran the memory list command {command}: {pages} page(s) affected.', a),
  },
  'vm.reserve': {
    needs: ['pid', 'base', 'size'],
    text: (a, l10n, raw) => raw.args.commit === true
      ? l10n.t('Process {pid} reserved and committed {size} bytes at {base}: a new VAD; no physical page is used until the memory is touched.', a)
      : l10n.t('Process {pid} reserved {size} bytes at {base}: a new VAD describes the range; nothing is committed yet.', a),
  },
  'vm.commit': {
    needs: ['pid', 'base', 'size', 'charged'],
    text: (a, l10n) => l10n.t('Process {pid} committed {size} bytes at {base}; {charged} page(s) were charged against the commit limit. The PTEs become demand-zero when first touched.', a),
  },
  'vm.reset': {
    needs: ['pid', 'base', 'size'],
    text: (a, l10n) => l10n.t('Process {pid} marked {size} bytes at {base} with MEM_RESET (or undid it): the contents no longer need to be written to the paging file.', a),
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
  'create.validate': {
    needs: ['image', 'flags', 'priorityClass'],
    text: (a, l10n) => l10n.t('CreateProcessInternalW converts and validates the parameters for {image}: creation flags {flags}, priority class {priorityClass} (Normal unless asked otherwise; Realtime without the privilege becomes High).', a),
  },
  'create.allocateProcess': {
    needs: ['pid', 'eprocess', 'parentPid'],
    text: (a, l10n) => l10n.t('PspAllocateProcess creates the executive process object: the EPROCESS at {eprocess} gets process id {pid} and inherits from parent {parentPid}.', a),
  },
  'create.addressSpace': {
    needs: ['pid', 'directoryTableBase', 'pxeSelf'],
    text: (a, l10n) => l10n.t('MmCreateProcessAddressSpace builds the initial address space of process {pid}: the PML4 page (directory table base, page {directoryTableBase}) with its self-map entry at {pxeSelf}, hyperspace and the working-set list.', a),
  },
  'create.peb': {
    needs: ['pid', 'peb'],
    text: (a, l10n) => l10n.t('MmCreatePeb maps the Process Environment Block of process {pid} at {peb}: image base, loader data, process parameters and heap settings live there.', a),
  },
  'create.insertProcess': {
    needs: ['pid', 'processes'],
    text: (a, l10n) => l10n.t('PspInsertProcess completes the process object: process {pid} is inserted into the active process list ({processes} processes now) and gets its handle and client ID.', a),
  },
  'create.thread': {
    needs: ['pid', 'tid', 'teb', 'stackBase'],
    text: (a, l10n) => l10n.t('The initial thread {tid} of process {pid} is created suspended: its ETHREAD, the TEB at {teb} and a user stack whose base is {stackBase} (one page committed, a guard page below it).', a),
  },
  'create.start': {
    needs: ['pid', 'tid', 'suspended'],
    text: (a, l10n, raw) => raw.args.suspended === true
      ? l10n.t('CREATE_SUSPENDED was given: thread {tid} of process {pid} stays suspended until someone calls ResumeThread.', a)
      : l10n.t('The initial thread {tid} of process {pid} is resumed and becomes ready to run; in its own context it will run LdrInitializeThunk (stage 7).', a),
  },
  'system.boot': {
    needs: ['pages', 'pageFilePages', 'processors'],
    text: (a, l10n) => l10n.t('The machine boots with {pages} physical pages, a paging file of {pageFilePages} pages and {processors} processor(s).', a),
  },
  'system.privilege': {
    needs: ['pid', 'privilege'],
    text: (a, l10n) => l10n.t('Process {pid} was granted {privilege}.', a),
  },
};

/** True when this version has a dedicated explanation for `code`. */
export function hasExplanation(code: string): boolean {
  return Object.prototype.hasOwnProperty.call(EXPLANATIONS, code);
}

/** The localized explanation of a step; unknown codes (or missing args) get a generic sentence from routine + args. */
export function explainStep(step: StepLike, l10n: Localizer): string {
  const entry = hasExplanation(step.code) ? EXPLANATIONS[step.code] : undefined;
  if (entry && entry.needs.every((n) => step.args[n] !== undefined)) {
    const a: Args = {};
    for (const [name, value] of Object.entries(step.args)) {
      a[name] = name === 'reason' && typeof value === 'string'
        ? (step.code === 'job.terminate' ? jobTerminationReason(value, l10n) : step.code === 'fault.accessViolation' ? accessViolationReason(value, l10n) : value)
        : formatArg(name, value, l10n);
    }
    return entry.text(a, l10n, step);
  }
  const args = formatArgs(step, l10n).map((x) => `${x.name} = ${x.value}`).join(', ');
  return args
    ? l10n.t('{routine} ran ({code}) with {args}.', { routine: step.routine, code: step.code, args })
    : l10n.t('{routine} ran ({code}).', { routine: step.routine, code: step.code });
}

// ------------------------------------------------------------------------------------------ stages

/** Localized title of a CreateProcess stage. */
export function stageTitle(stage: string | undefined, l10n: Localizer): string {
  switch (stage) {
    case '1': return l10n.t('Stage 1 · Convert and validate parameters and flags', {});
    case '2': return l10n.t('Stage 2 · Open the image to be executed', {});
    case '3A': return l10n.t('Stage 3A · Create the EPROCESS object', {});
    case '3B': return l10n.t('Stage 3B · Create the initial address space', {});
    case '3C': return l10n.t('Stage 3C · Initialize the KPROCESS', {});
    case '3D': return l10n.t('Stage 3D · Conclude the address space setup', {});
    case '3E': return l10n.t('Stage 3E · Set up the PEB', {});
    case '3F': return l10n.t('Stage 3F · Complete the executive process object', {});
    case '4': return l10n.t('Stage 4 · Create the initial thread, its stack and context', {});
    case '5': return l10n.t('Stage 5 · Windows subsystem initialization (CSRSS)', {});
    case '6': return l10n.t('Stage 6 · Start the initial thread', {});
    case '7': return l10n.t('Stage 7 · Process initialization in the new process', {});
    case undefined: return l10n.t('Outside CreateProcess', {});
    default: return l10n.t('Stage {stage}', { stage });
  }
}

/** Who calls whom to reach each stage (Windows Internals 7e, ch. 3, "Flow of CreateProcess"). */
const STAGE_CHAINS: Record<CreationStageId, string[]> = {
  '1': ['CreateProcessW', 'CreateProcessInternalW'],
  '2': ['CreateProcessW', 'CreateProcessInternalW', 'NtCreateUserProcess'],
  '3A': ['CreateProcessW', 'CreateProcessInternalW', 'NtCreateUserProcess', 'PspAllocateProcess'],
  '3B': ['CreateProcessW', 'CreateProcessInternalW', 'NtCreateUserProcess', 'PspAllocateProcess', 'MmCreateProcessAddressSpace'],
  '3C': ['CreateProcessW', 'CreateProcessInternalW', 'NtCreateUserProcess', 'PspAllocateProcess', 'KeInitializeProcess'],
  '3D': ['CreateProcessW', 'CreateProcessInternalW', 'NtCreateUserProcess', 'PspAllocateProcess', 'MmInitializeProcessAddressSpace'],
  '3E': ['CreateProcessW', 'CreateProcessInternalW', 'NtCreateUserProcess', 'PspAllocateProcess', 'MmCreatePeb'],
  '3F': ['CreateProcessW', 'CreateProcessInternalW', 'NtCreateUserProcess', 'PspInsertProcess'],
  '4': ['CreateProcessW', 'CreateProcessInternalW', 'NtCreateUserProcess', 'PspAllocateThread'],
  '5': ['CreateProcessW', 'CreateProcessInternalW', 'CsrClientCallServer'],
  '6': ['CreateProcessW', 'CreateProcessInternalW', 'NtResumeThread'],
  '7': ['LdrInitializeThunk', 'LdrpInitializeProcess'],
};

/** Entry points of other ways to start a program: they come before CreateProcessInternalW, not under CreateProcessW. */
const ENTRY_ROUTINES = new Set(['CreateProcessAsUserW', 'ShellExecuteExW', 'ActivateApplication']);

/** Stage 4 work done once the thread object exists: PspInsertThread, then (first thread) the notify routines. */
const INSERT_THREAD_CALLEES = new Set(['PspCallProcessNotifyRoutines', 'PspCallThreadNotifyRoutines']);

/** The chain of a creation stage leading to `routine` (without the routine itself unless the chain already names it). */
function stageChain(stage: string | undefined, routine: string): string[] {
  if (!stage || !Object.prototype.hasOwnProperty.call(STAGE_CHAINS, stage)) return [];
  if (ENTRY_ROUTINES.has(routine)) return [];
  const base = [...STAGE_CHAINS[stage as CreationStageId]];
  if (stage === '4' && (routine === 'PspInsertThread' || INSERT_THREAD_CALLEES.has(routine))) base.splice(base.length - 1, 1, 'PspInsertThread');
  if (stage === '7') {
    // The new thread enters user mode at LdrInitializeThunk; when the loader is done it continues at
    // RtlUserThreadStart; the first call into win32k converts it to a GUI thread.
    if (routine === 'LdrInitializeThunk' || routine === 'RtlUserThreadStart') return [];
    if (routine === 'W32pProcessCallout') return ['PsConvertToGuiThread'];
  }
  // A routine already on the chain (CreateProcessInternalW deciding something in stage 2) ends it there.
  const at = base.indexOf(routine);
  return at >= 0 ? base.slice(0, at + 1) : base;
}

/** The call chain leading to a step: the stage's chain, then MmAccessFault for a fault, then the step's routine. */
export function callChain(step: Pick<StepLike, 'routine' | 'kind'> & { stage?: string }): string[] {
  const base = stageChain(step.stage, step.routine);
  if (step.kind === 'pageFault') {
    if (base.length === 0) base.push('KiPageFault');
    base.push('MmAccessFault');
  }
  if (base[base.length - 1] !== step.routine) base.push(step.routine);
  return base;
}

// ------------------------------------------------------------------------------------------ changes

/** A ChangeRef as JSON (va as hex). */
export function changeRefDto(c: ChangeRef): ChangeRefDto {
  const dto: ChangeRefDto = { type: c.type };
  if (c.pid !== undefined) dto.pid = c.pid;
  if (c.id !== undefined) dto.id = c.id;
  if (c.va !== undefined) dto.va = hex(c.va);
  return dto;
}

/** Localized label of a change, e.g. "EPROCESS of process 1234 (notepad.exe)". `imageOf` names a pid. */
export function changeLabel(c: ChangeRef, l10n: Localizer, imageOf: (pid: number) => string | undefined = () => undefined): string {
  const va = c.va !== undefined ? address(c.va) : '';
  const image = c.pid !== undefined ? imageOf(c.pid) : undefined;
  const pid = c.pid ?? -1;
  switch (c.type) {
    case 'process': return image ? l10n.t('Process {pid} ({image}): EPROCESS', { pid, image }) : l10n.t('Process {pid}: EPROCESS', { pid });
    case 'thread': return l10n.t('Thread {tid}: ETHREAD', { tid: c.id ?? -1 });
    case 'vad': return l10n.t('VAD at {va} in process {pid}', { va, pid });
    case 'pte': return l10n.t('PTE of {va} in process {pid}', { va, pid });
    case 'wsle': return l10n.t('Working-set entry for {va} in process {pid}', { va, pid });
    case 'pfn': return l10n.t('Physical page (PFN) {pfn}', { pfn: hex(c.id ?? -1) });
    case 'pageFile': return l10n.t('Paging-file slot {slot}', { slot: c.id ?? -1 });
    case 'pageList': return l10n.t('Page list: {list}', { list: pageListIndexName(c.id ?? -1, l10n) });
    case 'commit': return l10n.t('Commit charge', {});
    case 'system': return l10n.t('The system (memory lists and counters)', {});
    case 'object': return l10n.t('Section control area {id}', { id: c.id ?? -1 });
    case 'job': return l10n.t('Job {id}', { id: c.id ?? -1 });
    case 'file': return l10n.t('File {id}', { id: c.id ?? -1 });
    default: return String((c as { type: string }).type);
  }
}

export function changeLinks(step: StepLike, l10n: Localizer, imageOf?: (pid: number) => string | undefined): ChangeLink[] {
  return step.changes.map((c) => ({ ref: changeRefDto(c), label: changeLabel(c, l10n, imageOf) }));
}

// ------------------------------------------------------------------------------------------ faults

/** The fault kind a step code stands for ('fault.demandZero' -> 'demandZero'), or 'other'. */
export function faultKindOf(code: string): FaultKind | 'other' {
  const m = /^fault\.(\w+)$/.exec(code);
  const k = m?.[1];
  switch (k) {
    case 'demandZero': case 'transition': case 'pageFile': case 'prototype': case 'copyOnWrite':
    case 'guardPage': case 'accessViolation': case 'pageTable': case 'dirtyBit':
      return k;
    default: return 'other';
  }
}

/** Localized name of a fault kind. */
export function faultKindLabel(kind: FaultKind | 'other' | 'all', l10n: Localizer): string {
  switch (kind) {
    case 'demandZero': return l10n.t('demand-zero fault', {});
    case 'transition': return l10n.t('transition (soft) fault', {});
    case 'pageFile': return l10n.t('paging-file (hard) fault', {});
    case 'prototype': return l10n.t('prototype PTE fault', {});
    case 'copyOnWrite': return l10n.t('copy-on-write fault', {});
    case 'guardPage': return l10n.t('guard-page fault', {});
    case 'accessViolation': return l10n.t('access violation', {});
    case 'pageTable': return l10n.t('page-table page fault', {});
    case 'dirtyBit': return l10n.t('first write to a clean page', {});
    case 'all': return l10n.t('all kinds', {});
    case 'other': return l10n.t('other fault', {});
  }
}

/** Localized name of a decoded PTE kind. */
export function pteKindLabel(kind: string, l10n: Localizer): string {
  switch (kind) {
    case 'hardware': return l10n.t('valid (hardware PTE)', {});
    case 'zero': return l10n.t('zero PTE (ask the VAD)', {});
    case 'demandZero': return l10n.t('demand-zero PTE', {});
    case 'transition': return l10n.t('transition PTE (page on standby or modified list)', {});
    case 'pageFile': return l10n.t('paging-file PTE', {});
    case 'prototype': return l10n.t('prototype PTE (points into a section)', {});
    case 'decommitted': return l10n.t('decommitted PTE', {});
    case 'absent': return l10n.t('not reached (an upper level is not valid)', {});
    default: return kind;
  }
}
