// The words of the stepping panels: one localized explanation per step code, stage titles, the
// call chain of a step, labels of what a step changed, and argument formatting. Pure (no `vscode`
// import) so unit tests can run it; the host passes `vscode.l10n` in as the Localizer.
import type { ChangeRef, Step, StepArgValue } from '../../engine';
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

const ADDRESS_ARGS = new Set(['va', 'eprocess', 'peb', 'teb', 'stackBase', 'stackLimit', 'pxeSelf', 'base', 'pte', 'size', 'protoPte', 'imageBase', 'ntdllBase', 'address', 'heap', 'ethread', 'rip', 'rcx', 'entryPoint', 'reserve', 'csrProcess', 'csrThread', 'w32process', 'startAddress', 'offset']);
const PFN_ARGS = new Set(['pfn', 'sharedPfn', 'directoryTableBase', 'entryPointRva', 'sizeOfImage', 'handle', 'access']);
const LIST_ARGS = new Set(['from', 'to']);

/** Formats one argument for display. */
export function formatArg(name: string, value: StepArgValue, l10n: Localizer): string {
  if (typeof value === 'bigint') return name === 'size' || name === 'reserve' || name === 'offset' ? hex(value) : address(value);
  if (typeof value === 'boolean') return value ? l10n.t('yes', {}) : l10n.t('no', {});
  if (typeof value === 'number') {
    if (ADDRESS_ARGS.has(name)) return hex(value);
    if (PFN_ARGS.has(name) || name === 'protect' || name === 'oldProtect' || name === 'flags' || name === 'priorityClass') return hex(value);
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
    text: (a, l10n) => l10n.t('MmCreateSection created a section object of {size} bytes for process {pid}: a control area ({controlArea}), a segment and its prototype PTEs describe the shared pages.', a),
  },
  'section.mapView': {
    needs: ['pid', 'base', 'size'],
    text: (a, l10n) => l10n.t('Process {pid} mapped a view of the section at {base} ({size} bytes): a new VAD whose PTEs will be filled from the prototype PTEs on first touch.', a),
  },
  'create.parameters': {
    needs: ['image', 'commandLine'],
    text: (a, l10n) => l10n.t('Stage 1: RtlCreateProcessParametersEx builds the RTL_USER_PROCESS_PARAMETERS for {image}: command line {commandLine}, current directory, environment and console settings.', a),
  },
  'create.debug': {
    needs: ['debuggerPid'],
    text: (a, l10n) => l10n.t('Debug flags were given: the creating thread connects to the debugger (DbgUiConnectToDbg); process {debuggerPid} will receive the debug events.', a),
  },
  'create.runBatch': {
    needs: ['script', 'interpreter'],
    text: (a, l10n) => l10n.t('{script} is a batch file, not an executable: CreateProcessInternalW runs {interpreter} with it as the argument instead.', a),
  },
  'create.openImage': {
    needs: ['image', 'imageBase', 'entryPointRva'],
    text: (a, l10n) => l10n.t('Stage 2: NtCreateUserProcess opens {image} and reads its PE headers: preferred image base {imageBase}, entry point RVA {entryPointRva}.', a),
  },
  'create.imageSection': {
    needs: ['image', 'sizeOfImage', 'sections'],
    text: (a, l10n) => l10n.t('Stage 2: an image section object (SEC_IMAGE) is created for {image}: {sections} PE sections, {sizeOfImage} bytes when mapped.', a),
  },
  'create.ifeo': {
    needs: ['image', 'debugger'],
    text: (a, l10n) => l10n.t('Image File Execution Options for {image} name a Debugger value ({debugger}): the debugger is launched instead, with the image as its argument.', a),
  },
  'create.signature': {
    needs: ['image', 'signatureLevel', 'allowed'],
    text: (a, l10n) => l10n.t('Stage 2: code-integrity checks of {image} (signature level {signatureLevel}); allowed: {allowed}.', a),
  },
  'create.failed': {
    needs: ['image', 'error'],
    text: (a, l10n) => l10n.t('CreateProcess of {image} failed with Win32 error {error}; everything created so far is torn down.', a),
  },
  'create.kprocess': {
    needs: ['pid', 'basePriority', 'directoryTableBase'],
    text: (a, l10n) => l10n.t('Stage 3C: KeInitializeProcess initializes the KPROCESS of process {pid}: base priority {basePriority}, directory table base (page {directoryTableBase}), affinity and the thread list.', a),
  },
  'create.mapImage': {
    needs: ['pid', 'imageBase', 'ntdllBase'],
    text: (a, l10n) => l10n.t('Stage 3D: MmInitializeProcessAddressSpace maps the image at {imageBase} and ntdll.dll at {ntdllBase} into process {pid}.', a),
  },
  'create.processParameters': {
    needs: ['pid', 'address', 'size'],
    text: (a, l10n) => l10n.t('The process parameters ({size} bytes) are copied into process {pid} at {address}; the PEB points to them.', a),
  },
  'create.joinJob': {
    needs: ['pid', 'jobId', 'activeProcesses'],
    text: (a, l10n) => l10n.t('Stage 3F: process {pid} joins job {jobId} ({activeProcesses} active processes in the job).', a),
  },
  'create.inheritHandles': {
    needs: ['pid', 'parentPid', 'handles'],
    text: (a, l10n) => l10n.t('The handle table of process {pid} is created; {handles} inheritable handle(s) were duplicated from parent {parentPid}.', a),
  },
  'create.handle': {
    needs: ['pid', 'creatorPid', 'handle'],
    text: (a, l10n) => l10n.t('Stage 3F: the creator (process {creatorPid}) receives handle {handle} to the new process {pid}.', a),
  },
  'create.teb': {
    needs: ['pid', 'tid', 'teb'],
    text: (a, l10n) => l10n.t('Stage 4: MmCreateTeb creates the Thread Environment Block of thread {tid} at {teb} in process {pid}.', a),
  },
  'create.stack': {
    needs: ['pid', 'tid', 'stackBase', 'stackLimit'],
    text: (a, l10n) => l10n.t('Stage 4: the user stack of thread {tid} (process {pid}) is reserved; it grows down from {stackBase}, committed down to {stackLimit}, with a guard page below.', a),
  },
  'create.context': {
    needs: ['tid', 'rip', 'rcx'],
    text: (a, l10n) => l10n.t('Stage 4: KeInitThread sets up the initial context of thread {tid}: it will start at {rip} (RtlUserThreadStart) with the image entry point {rcx} in RCX.', a),
  },
  'create.insertThread': {
    needs: ['pid', 'tid', 'ethread'],
    text: (a, l10n) => l10n.t('Stage 4: PspInsertThread inserts the ETHREAD {ethread} (thread {tid}) into process {pid}; it stays suspended for now.', a),
  },
  'create.csr': {
    needs: ['pid', 'tid', 'csrssPid'],
    text: (a, l10n) => l10n.t('Stage 5: CreateProcessInternalW notifies the Windows subsystem: CSRSS (process {csrssPid}) creates its CSR_PROCESS and CSR_THREAD for process {pid} and thread {tid}.', a),
  },
  'create.resume': {
    needs: ['pid', 'tid', 'suspendCount'],
    text: (a, l10n) => l10n.t('Stage 6: the initial thread {tid} of process {pid} is resumed (suspend count now {suspendCount}).', a),
  },
  'create.loaderInit': {
    needs: ['pid', 'tid'],
    text: (a, l10n) => l10n.t('Stage 7: in the new process {pid}, thread {tid} runs LdrInitializeThunk: the image loader initializes the process before the entry point.', a),
  },
  'create.heap': {
    needs: ['pid', 'heap'],
    text: (a, l10n) => l10n.t('Stage 7: the loader creates the default process heap of process {pid} at {heap}.', a),
  },
  'create.loadDll': {
    needs: ['pid', 'dll', 'base'],
    text: (a, l10n) => l10n.t('Stage 7: the loader maps the static import {dll} into process {pid} at {base}.', a),
  },
  'create.win32k': {
    needs: ['pid'],
    text: (a, l10n) => l10n.t('Win32k creates its per-process structure (W32PROCESS) for process {pid}.', a),
  },
  'create.entryPoint': {
    needs: ['pid', 'tid', 'entryPoint'],
    text: (a, l10n) => l10n.t('Stage 7 ends: thread {tid} of process {pid} calls the image entry point at {entryPoint}. The process is running.', a),
  },
  'ps.notifyProcess': {
    needs: ['routine', 'pid'],
    text: (a, l10n) => l10n.t('The process-notify routine {routine} (registered with PsSetCreateProcessNotifyRoutineEx) is called for process {pid}.', a),
  },
  'ps.notifyThread': {
    needs: ['routine', 'pid', 'tid'],
    text: (a, l10n) => l10n.t('The thread-notify routine {routine} (registered with PsSetCreateThreadNotifyRoutine) is called for thread {tid} of process {pid}.', a),
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
      a[name] = name === 'reason' && typeof value === 'string' ? accessViolationReason(value, l10n) : formatArg(name, value, l10n);
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

/** The call chain leading to a step: the stage's chain, then MmAccessFault for a fault, then the step's routine. */
export function callChain(step: Pick<StepLike, 'routine' | 'kind'> & { stage?: string }): string[] {
  const base = step.stage && Object.prototype.hasOwnProperty.call(STAGE_CHAINS, step.stage)
    ? [...STAGE_CHAINS[step.stage as CreationStageId]]
    : [];
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
    case 'object': return l10n.t('Object {id}', { id: c.id ?? -1 });
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
