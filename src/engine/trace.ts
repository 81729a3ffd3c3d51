// The step log. Every engine operation records steps (DESIGN.md §4). They are stored column-wise in
// typed arrays — a few dozen bytes per step — and turned into objects only when asked for (getSteps).
// A step's `code` names a schema below: its kind, its kernel routine and the names and types of its
// arguments, so the host can localize `code` with `args` and views can reveal what `changes` names.

import { CHANGE_TYPES, CREATION_STAGE_NAMES, PAGE_STATE_NAMES, type ChangeTypeName, type CreationStageName } from './vocabulary';

export type StepKind = 'processCreation' | 'pageFault' | 'workingSet' | 'systemThread' | 'virtualMemory' | 'memoryList' | 'system' | 'process' | 'thread' | 'job' | 'heap';

export type CreationStage = CreationStageName;
export const CREATION_STAGES: readonly CreationStage[] = CREATION_STAGE_NAMES;

/** What a step created or modified, so views can highlight and reveal it. */
export type ChangeType = ChangeTypeName;
/**
 * Change types name what a step touched. `object` is a section's control area (id = control area id);
 * handle inserts and closes name their `process`.
 */
export interface ChangeRef {
  type: ChangeType;
  /** Process id for process-scoped objects (process, thread, vad, pte, wsle). */
  pid?: number;
  /** Thread id, PFN, paging-file slot, list index or object id, by type. */
  id?: number;
  /** Virtual address (vad start, pte's mapped address, wsle's page). */
  va?: bigint;
}

/** Argument types: n = number, a = 64-bit address/value (bigint), b = boolean, s = string, l = page list name. */
type ArgType = 'n' | 'a' | 'b' | 's' | 'l';
export type StepArgValue = number | bigint | boolean | string;

export interface Step {
  seq: number;
  kind: StepKind;
  stage?: CreationStage;
  /** The kernel or user-mode routine, by its real name where public. */
  routine: string;
  /** Localization key of the step's explanation; `args` fill it. */
  code: string;
  args: Record<string, StepArgValue>;
  changes: ChangeRef[];
}

interface Schema { kind: StepKind; routine: string; args: ReadonlyArray<readonly [string, ArgType]> }


/** Every step code the engine records. */
export const STEP_SCHEMAS = {
  // Page faults (MmAccessFault and its resolvers).
  'fault.demandZero': { kind: 'pageFault', routine: 'MiResolveDemandZeroFault', args: [['pid', 'n'], ['va', 'a'], ['write', 'b'], ['pfn', 'n'], ['from', 'l'], ['zeroedNow', 'b'], ['pte', 'a']] },
  'fault.pageTable': { kind: 'pageFault', routine: 'MiResolveDemandZeroFault', args: [['pid', 'n'], ['va', 'a'], ['level', 'n'], ['pfn', 'n'], ['from', 'l'], ['pte', 'a']] },
  'fault.transition': { kind: 'pageFault', routine: 'MiResolveTransitionFault', args: [['pid', 'n'], ['va', 'a'], ['write', 'b'], ['pfn', 'n'], ['from', 'l'], ['pte', 'a']] },
  'fault.pageFile': { kind: 'pageFault', routine: 'MiResolvePageFileFault', args: [['pid', 'n'], ['va', 'a'], ['write', 'b'], ['pfn', 'n'], ['from', 'l'], ['slot', 'n'], ['cluster', 'n'], ['pte', 'a']] },
  // A fault on a compressed page: MiResolvePageFileFault -> SmPageRead (the lab's chain) (store manager) ->
  // ST_STORE::StDmPageRetrieve decompresses it (Windows Internals 7e ch. 5, "Memory compression"; public symbols).
  'fault.store': { kind: 'pageFault', routine: 'SmPageRead', args: [['pid', 'n'], ['va', 'a'], ['write', 'b'], ['pfn', 'n'], ['from', 'l'], ['key', 'n'], ['compressedBytes', 'n'], ['storePid', 'n'], ['pte', 'a']] },
  'fault.guardPage': { kind: 'pageFault', routine: 'MmAccessFault', args: [['pid', 'n'], ['va', 'a'], ['write', 'b']] },
  'fault.accessViolation': { kind: 'pageFault', routine: 'MmAccessFault', args: [['pid', 'n'], ['va', 'a'], ['write', 'b'], ['reason', 's']] },
  // A guard-page fault inside a thread's user stack: the stack grows, or overflows (MiCheckForUserStackOverflow, public symbols;
  // Windows Internals 7e ch. 5, "Thread stacks" / "User stacks").
  'fault.stackGrowth': { kind: 'pageFault', routine: 'MiCheckForUserStackOverflow', args: [['pid', 'n'], ['va', 'a'], ['guard', 'a'], ['stackLimit', 'a']] },
  'fault.stackOverflow': { kind: 'pageFault', routine: 'MiCheckForUserStackOverflow', args: [['pid', 'n'], ['va', 'a'], ['stackLimit', 'a']] },
  'fault.dirtyBit': { kind: 'pageFault', routine: 'MiSetDirtyBit', args: [['pid', 'n'], ['va', 'a'], ['pfn', 'n'], ['releasedSlot', 'n']] },
  'fault.prototype': { kind: 'pageFault', routine: 'MiResolveProtoPteFault', args: [['pid', 'n'], ['va', 'a'], ['write', 'b'], ['pfn', 'n'], ['from', 'l'], ['protoPte', 'a'], ['controlArea', 'n'], ['shareCount', 'n'], ['pte', 'a']] },
  'fault.copyOnWrite': { kind: 'pageFault', routine: 'MiCopyOnWrite', args: [['pid', 'n'], ['va', 'a'], ['sharedPfn', 'n'], ['pfn', 'n'], ['pte', 'a']] },
  'io.pageRead': { kind: 'pageFault', routine: 'IoPageRead', args: [['file', 's'], ['offset', 'n'], ['bytes', 'n'], ['pfn', 'n']] },
  // Sections.
  'section.create': { kind: 'virtualMemory', routine: 'MmCreateSection', args: [['pid', 'n'], ['controlArea', 'n'], ['size', 'a'], ['protect', 'n'], ['attributes', 'n'], ['file', 's'], ['name', 's']] },
  'section.open': { kind: 'virtualMemory', routine: 'ObOpenObjectByName', args: [['pid', 'n'], ['controlArea', 'n'], ['name', 's']] },
  'section.mapView': { kind: 'virtualMemory', routine: 'MiMapViewOfSection', args: [['pid', 'n'], ['controlArea', 'n'], ['base', 'a'], ['size', 'a'], ['protect', 'n'], ['offset', 'a']] },
  'section.unmapView': { kind: 'virtualMemory', routine: 'MiUnmapViewOfSection', args: [['pid', 'n'], ['controlArea', 'n'], ['base', 'a'], ['size', 'a']] },
  'file.create': { kind: 'system', routine: 'NtCreateFile', args: [['pid', 'n'], ['path', 's'], ['handle', 'n'], ['access', 'n']] },
  'section.delete': { kind: 'systemThread', routine: 'MiSegmentDelete', args: [['controlArea', 'n'], ['freedPages', 'n']] },
  // The last section reference and view of a mapped file's control area are gone but its pages are in memory:
  // MiCheckControlArea keeps it on the unused segment list (MiInsertUnusedSegment; public symbols).
  'section.keepCached': { kind: 'virtualMemory', routine: 'MiCheckControlArea', args: [['controlArea', 'n'], ['pages', 'n']] },
  'thread.mappedPageWriter': { kind: 'systemThread', routine: 'MiMappedPageWriter', args: [['pages', 'n'], ['files', 's']] },
  // Working sets.
  'ws.trim': { kind: 'workingSet', routine: 'MiTrimWorkingSet', args: [['pid', 'n'], ['pages', 'n'], ['toStandby', 'n'], ['toModified', 'n'], ['reason', 's']] },
  'ws.replace': { kind: 'workingSet', routine: 'MiReplaceWorkingSetEntry', args: [['pid', 'n'], ['va', 'a'], ['pfn', 'n'], ['to', 'l']] },
  'ws.setSize': { kind: 'workingSet', routine: 'MmAdjustWorkingSetSize', args: [['pid', 'n'], ['minimum', 'n'], ['maximum', 'n']] },
  // System threads.
  'thread.balanceSetManager': { kind: 'systemThread', routine: 'KeBalanceSetManager', args: [['available', 'n'], ['trimmed', 'n'], ['processes', 'n']] },
  'thread.modifiedPageWriter': { kind: 'systemThread', routine: 'MiModifiedPageWriter', args: [['pages', 'n'], ['firstSlot', 'n'], ['clusters', 'n']] },
  // Memory compression: the modified page writer hands private pages to the store manager (SmPageWrite ->
  // ST_STORE::StDmPageAdd); the store's regions are memory of the Memory Compression process.
  'thread.storeWrite': { kind: 'systemThread', routine: 'MiStoreWriteModifiedPages', args: [['pages', 'n'], ['compressedBytes', 'n'], ['storedPages', 'n'], ['regions', 'n'], ['storePid', 'n']] },
  'store.region': { kind: 'systemThread', routine: 'ST_STORE::StDmPageAdd', args: [['storePid', 'n'], ['base', 'a'], ['size', 'n'], ['regions', 'n']] },
  'thread.modifiedPageWriterNoPagingFile': { kind: 'systemThread', routine: 'MiModifiedPageWriter', args: [['pages', 'n']] },
  'thread.zeroPage': { kind: 'systemThread', routine: 'MiZeroPageThread', args: [['pages', 'n']] },
  'pfn.repurpose': { kind: 'memoryList', routine: 'MiRemoveAnyPage', args: [['pfn', 'n'], ['priority', 'n'], ['pte', 'a']] },
  // Memory list commands.
  'memoryList.command': { kind: 'memoryList', routine: 'NtSetSystemInformation', args: [['command', 's'], ['pages', 'n']] },
  // Virtual memory services.
  'vm.reserve': { kind: 'virtualMemory', routine: 'NtAllocateVirtualMemory', args: [['pid', 'n'], ['base', 'a'], ['size', 'a'], ['protect', 'n'], ['commit', 'b'], ['largePages', 'n'], ['hugePages', 'n']] },
  'vm.commit': { kind: 'virtualMemory', routine: 'NtAllocateVirtualMemory', args: [['pid', 'n'], ['base', 'a'], ['size', 'a'], ['protect', 'n'], ['charged', 'n']] },
  'vm.reset': { kind: 'virtualMemory', routine: 'NtAllocateVirtualMemory', args: [['pid', 'n'], ['base', 'a'], ['size', 'a'], ['undo', 'b']] },
  'vm.decommit': { kind: 'virtualMemory', routine: 'NtFreeVirtualMemory', args: [['pid', 'n'], ['base', 'a'], ['size', 'a'], ['released', 'n']] },
  'vm.release': { kind: 'virtualMemory', routine: 'NtFreeVirtualMemory', args: [['pid', 'n'], ['base', 'a'], ['size', 'a'], ['released', 'n']] },
  'vm.protect': { kind: 'virtualMemory', routine: 'NtProtectVirtualMemory', args: [['pid', 'n'], ['base', 'a'], ['size', 'a'], ['protect', 'n'], ['oldProtect', 'n']] },
  // VirtualLock / VirtualUnlock (NtLockVirtualMemory / NtUnlockVirtualMemory with MAP_PROCESS; Windows Internals 7e ch. 5, "Locking memory").
  'vm.lock': { kind: 'virtualMemory', routine: 'NtLockVirtualMemory', args: [['pid', 'n'], ['base', 'a'], ['size', 'a'], ['pages', 'n'], ['faulted', 'n'], ['lockedTotal', 'n']] },
  'vm.unlock': { kind: 'virtualMemory', routine: 'NtUnlockVirtualMemory', args: [['pid', 'n'], ['base', 'a'], ['size', 'a'], ['pages', 'n'], ['removed', 'n'], ['lockedTotal', 'n']] },
  // Process creation: the steps shared with a system built without boot (CreateProcessInternalW ... KeResumeThread).
  'create.validate': { kind: 'processCreation', routine: 'CreateProcessInternalW', args: [['image', 's'], ['flags', 'n'], ['priorityClass', 'n']] },
  'create.allocateProcess': { kind: 'processCreation', routine: 'PspAllocateProcess', args: [['pid', 'n'], ['eprocess', 'a'], ['parentPid', 'n']] },
  'create.addressSpace': { kind: 'processCreation', routine: 'MmCreateProcessAddressSpace', args: [['pid', 'n'], ['directoryTableBase', 'n'], ['pxeSelf', 'a']] },
  'create.peb': { kind: 'processCreation', routine: 'MmCreatePeb', args: [['pid', 'n'], ['peb', 'a']] },
  'create.insertProcess': { kind: 'processCreation', routine: 'PspInsertProcess', args: [['pid', 'n'], ['processes', 'n']] },
  'create.thread': { kind: 'processCreation', routine: 'PspAllocateThread', args: [['pid', 'n'], ['tid', 'n'], ['teb', 'a'], ['stackBase', 'a']] },
  'create.start': { kind: 'processCreation', routine: 'NtResumeThread', args: [['pid', 'n'], ['tid', 'n'], ['suspended', 'b']] },
  'pool.alloc': { kind: 'system', routine: 'ExAllocatePoolWithTag', args: [['poolType', 'n'], ['bytes', 'n'], ['tag', 'n'], ['address', 'a'], ['blockSize', 'n']] },
  'pool.allocBig': { kind: 'system', routine: 'ExAllocatePoolWithTag', args: [['poolType', 'n'], ['bytes', 'n'], ['tag', 'n'], ['address', 'a'], ['pages', 'n']] },
  'pool.allocFailed': { kind: 'system', routine: 'ExAllocatePoolWithTag', args: [['poolType', 'n'], ['bytes', 'n'], ['tag', 'n']] },
  'pool.free': { kind: 'system', routine: 'ExFreePoolWithTag', args: [['poolType', 'n'], ['address', 'a'], ['tag', 'n'], ['blockSize', 'n'], ['pageFreed', 'b']] },
  'pool.freeBig': { kind: 'system', routine: 'ExFreePoolWithTag', args: [['poolType', 'n'], ['address', 'a'], ['tag', 'n'], ['pages', 'n']] },
  'ws.trimSystem': { kind: 'workingSet', routine: 'MiTrimWorkingSet', args: [['pages', 'n'], ['toStandby', 'n'], ['toModified', 'n'], ['reason', 's']] },
  'sys.kernelStack': { kind: 'system', routine: 'MmCreateKernelStack', args: [['tid', 'n'], ['stackBase', 'a'], ['stackLimit', 'a'], ['firstPte', 'n']] },
  'sys.kernelStackFree': { kind: 'system', routine: 'MmDeleteKernelStack', args: [['tid', 'n'], ['stackBase', 'a'], ['ptes', 'n']] },
  'system.boot': { kind: 'system', routine: 'KiSystemStartup', args: [['pages', 'n'], ['pageFilePages', 'n'], ['processors', 'n']] },
  'system.privilege': { kind: 'system', routine: 'SeAdjustPrivilege', args: [['pid', 'n'], ['privilege', 's']] },
  // Process creation, the full flow (src/engine/ps): stages 1, 2, 3A-3F, 4, 5, 6, 7.
  'create.parameters': { kind: 'processCreation', routine: 'RtlCreateProcessParametersEx', args: [['image', 's'], ['commandLine', 's'], ['currentDirectory', 's'], ['console', 's'], ['inheritHandles', 'b']] },
  'create.debug': { kind: 'processCreation', routine: 'DbgUiConnectToDbg', args: [['debuggerPid', 'n'], ['onlyThisProcess', 'b']] },
  'create.runBatch': { kind: 'processCreation', routine: 'CreateProcessInternalW', args: [['script', 's'], ['interpreter', 's'], ['commandLine', 's']] },
  'create.openImage': { kind: 'processCreation', routine: 'NtCreateUserProcess', args: [['image', 's'], ['fileId', 'n'], ['sizeOfImage', 'n'], ['subsystem', 'n'], ['entryPointRva', 'n'], ['imageBase', 'a']] },
  'create.imageSection': { kind: 'processCreation', routine: 'MmCreateSection', args: [['image', 's'], ['fileId', 'n'], ['sizeOfImage', 'n'], ['sections', 'n'], ['sectionObject', 'b']] },
  'create.ifeo': { kind: 'processCreation', routine: 'CreateProcessInternalW', args: [['image', 's'], ['debugger', 's'], ['commandLine', 's']] },
  'create.signature': { kind: 'processCreation', routine: 'NtCreateUserProcess', args: [['image', 's'], ['signatureLevel', 'n'], ['protection', 'n'], ['allowed', 'b']] },
  'create.failed': { kind: 'processCreation', routine: 'CreateProcessInternalW', args: [['image', 's'], ['error', 'n']] },
  'create.kprocess': { kind: 'processCreation', routine: 'KeInitializeProcess', args: [['pid', 'n'], ['basePriority', 'n'], ['directoryTableBase', 'n'], ['processors', 'n']] },
  'create.mapImage': { kind: 'processCreation', routine: 'MmInitializeProcessAddressSpace', args: [['pid', 'n'], ['imageBase', 'a'], ['sizeOfImage', 'n'], ['ntdllBase', 'a'], ['ntdllSize', 'n'], ['mapped', 'b']] },
  'create.processParameters': { kind: 'processCreation', routine: 'PspSetupUserProcessAddressSpace', args: [['pid', 'n'], ['address', 'a'], ['size', 'n']] },
  'create.joinJob': { kind: 'processCreation', routine: 'PspAddProcessToJob', args: [['pid', 'n'], ['jobId', 'n'], ['activeProcesses', 'n']] },
  'create.inheritHandles': { kind: 'processCreation', routine: 'ObInitProcess', args: [['pid', 'n'], ['parentPid', 'n'], ['handles', 'n']] },
  'create.handle': { kind: 'processCreation', routine: 'ObOpenObjectByPointer', args: [['pid', 'n'], ['creatorPid', 'n'], ['handle', 'n'], ['access', 'n']] },
  'create.teb': { kind: 'processCreation', routine: 'MmCreateTeb', args: [['pid', 'n'], ['tid', 'n'], ['teb', 'a']] },
  'create.stack': { kind: 'processCreation', routine: 'RtlCreateUserStack', args: [['pid', 'n'], ['tid', 'n'], ['stackBase', 'a'], ['stackLimit', 'a'], ['reserve', 'a']] },
  'create.context': { kind: 'processCreation', routine: 'KeInitThread', args: [['tid', 'n'], ['rip', 'a'], ['rcx', 'a']] },
  'create.insertThread': { kind: 'processCreation', routine: 'PspInsertThread', args: [['pid', 'n'], ['tid', 'n'], ['ethread', 'a']] },
  'create.csr': { kind: 'processCreation', routine: 'CsrClientCallServer', args: [['pid', 'n'], ['tid', 'n'], ['csrssPid', 'n'], ['csrProcess', 'a'], ['csrThread', 'a']] },
  // CSRSS keeps a handle to each Windows process and its initial thread (Windows Internals 7e ch. 3, stage 5).
  'create.csrHandles': { kind: 'processCreation', routine: 'CsrCreateProcess', args: [['pid', 'n'], ['csrssPid', 'n'], ['processHandle', 'n'], ['threadHandle', 'n']] },
  'create.resume': { kind: 'processCreation', routine: 'KeResumeThread', args: [['pid', 'n'], ['tid', 'n'], ['suspendCount', 'n']] },
  'create.loaderInit': { kind: 'processCreation', routine: 'LdrInitializeThunk', args: [['pid', 'n'], ['tid', 'n']] },
  'create.heap': { kind: 'processCreation', routine: 'RtlCreateHeap', args: [['pid', 'n'], ['heap', 'a'], ['reserve', 'a']] },
  'create.loadDll': { kind: 'processCreation', routine: 'LdrpLoadDll', args: [['pid', 'n'], ['dll', 's'], ['base', 'a'], ['mapped', 'b']] },
  'create.win32k': { kind: 'processCreation', routine: 'W32pProcessCallout', args: [['pid', 'n'], ['w32process', 'a']] },
  'create.entryPoint': { kind: 'processCreation', routine: 'RtlUserThreadStart', args: [['pid', 'n'], ['tid', 'n'], ['entryPoint', 'a']] },
  // Processes the system starts itself (no kernel32, no CSR call): the kernel's StartFirstUserProcess and smss use
  // RtlCreateUserProcess -> NtCreateUserProcess (public symbols of ntoskrnl and ntdll; Windows Internals 7e Part 2 ch. 12, "Smss").
  'create.native': { kind: 'processCreation', routine: 'RtlCreateUserProcess', args: [['image', 's'], ['commandLine', 's'], ['creatorPid', 'n']] },
  // PspMapSystemDll maps ntdll (and for WoW64 the 32-bit ntdll) in 3D (Windows Internals 7e ch. 3, stage 3D; routine name: public symbols).
  'create.mapSystemDll': { kind: 'processCreation', routine: 'PspMapSystemDll', args: [['pid', 'n'], ['dll', 's'], ['base', 'a'], ['size', 'n']] },
  // WoW64: the 32-bit PEB and TEB beside the native ones (Windows Internals 7e ch. 8 Part 2 "WoW64"; ch. 3 stage 3E/4).
  'create.peb32': { kind: 'processCreation', routine: 'MmCreatePeb', args: [['pid', 'n'], ['peb32', 'a']] },
  'create.teb32': { kind: 'processCreation', routine: 'MmCreateTeb', args: [['pid', 'n'], ['tid', 'n'], ['teb32', 'a']] },
  // The shared user data page at 0x7FFE0000, read-only in every process (Microsoft Learn, "KUSER_SHARED_DATA structure"); recorded in 3D as the lab's model (no source names the stage or routine).
  'create.sharedUserData': { kind: 'processCreation', routine: 'MmInitializeProcessAddressSpace', args: [['pid', 'n'], ['address', 'a']] },
  // kernel32!BaseThreadInitThunk: RtlUserThreadStart calls it, it calls the entry point (Windows Internals 7e ch. 3, stage 7).
  'create.baseThreadInitThunk': { kind: 'processCreation', routine: 'BaseThreadInitThunk', args: [['pid', 'n'], ['tid', 'n'], ['entryPoint', 'a']] },
  // \KnownDlls: smss creates the object directory (SmpInitializeKnownDlls, smss's public symbols) and keeps a handle;
  // every later process's loader opens it (LdrpInitializeProcess: ZwOpenDirectoryObject into LdrpKnownDllDirectoryHandle).
  'ob.createKnownDlls': { kind: 'process', routine: 'SmpInitializeKnownDlls', args: [['pid', 'n'], ['handle', 'n'], ['directory', 'a']] },
  'create.openKnownDlls': { kind: 'processCreation', routine: 'LdrpInitializeProcess', args: [['pid', 'n'], ['handle', 'n'], ['directory', 'a']] },
  'create.asUser': { kind: 'processCreation', routine: 'CreateProcessAsUserW', args: [['image', 's'], ['user', 's'], ['sessionId', 'n'], ['integrity', 's']] },
  'shell.execute': { kind: 'processCreation', routine: 'ShellExecuteExW', args: [['file', 's'], ['verb', 's'], ['command', 's']] },
  'appx.activate': { kind: 'processCreation', routine: 'ActivateApplication', args: [['appUserModelId', 's'], ['packageFullName', 's'], ['image', 's']] },
  // Access tokens through handles.
  'token.open': { kind: 'process', routine: 'NtOpenProcessTokenEx', args: [['pid', 'n'], ['targetPid', 'n'], ['tokenId', 'n'], ['handle', 'n'], ['access', 'n']] },
  'token.duplicate': { kind: 'process', routine: 'NtDuplicateToken', args: [['pid', 'n'], ['sourceTokenId', 'n'], ['tokenId', 'n'], ['tokenType', 's'], ['handle', 'n']] },
  'token.setIntegrity': { kind: 'process', routine: 'NtSetInformationToken', args: [['pid', 'n'], ['tokenId', 'n'], ['from', 's'], ['to', 's']] },
  'token.setSession': { kind: 'process', routine: 'NtSetInformationToken', args: [['pid', 'n'], ['tokenId', 'n'], ['from', 'n'], ['to', 'n']] },
  'token.adjustPrivileges': { kind: 'process', routine: 'NtAdjustPrivilegesToken', args: [['pid', 'n'], ['tokenId', 'n'], ['count', 'n'], ['removed', 's'], ['notAssigned', 'n'], ['enabled', 's'], ['disabled', 's']] },
  // User-mode debugging (DbgUi in ntdll, Dbgk in the kernel).
  'debug.createObject': { kind: 'process', routine: 'NtCreateDebugObject', args: [['pid', 'n'], ['handle', 'n'], ['object', 'a']] },
  'debug.attach': { kind: 'process', routine: 'DbgkpSetProcessDebugObject', args: [['pid', 'n'], ['debuggerPid', 'n'], ['object', 'a'], ['attach', 'b']] },
  'debug.queueEvent': { kind: 'process', routine: 'DbgkpQueueMessage', args: [['pid', 'n'], ['tid', 'n'], ['event', 's'], ['address', 'a'], ['debuggerPid', 'n']] },
  'debug.wait': { kind: 'process', routine: 'NtWaitForDebugEvent', args: [['pid', 'n'], ['event', 's'], ['debuggeePid', 'n'], ['tid', 'n']] },
  'debug.continue': { kind: 'process', routine: 'NtDebugContinue', args: [['pid', 'n'], ['debuggeePid', 'n'], ['tid', 'n'], ['event', 's'], ['status', 'n']] },
  'debug.remoteBreakin': { kind: 'process', routine: 'DbgUiIssueRemoteBreakin', args: [['pid', 'n'], ['start', 'a']] },
  'debug.detach': { kind: 'process', routine: 'DbgkClearProcessDebugObject', args: [['pid', 'n'], ['debuggerPid', 'n'], ['dropped', 'n']] },
  'debug.killOnExit': { kind: 'process', routine: 'NtSetInformationDebugObject', args: [['pid', 'n'], ['killOnExit', 'b']] },
  // Consoles (conhost.exe through the console driver).
  'console.launchHost': { kind: 'process', routine: 'ConsoleLaunchServerProcess', args: [['pid', 'n'], ['console', 'n'], ['image', 's'], ['window', 'b']] },
  'console.attach': { kind: 'process', routine: 'ConsoleHandleConnectionRequest', args: [['pid', 'n'], ['console', 'n'], ['hostPid', 'n'], ['clients', 'n']] },
  'console.detach': { kind: 'process', routine: 'ConsoleClientDisconnect', args: [['pid', 'n'], ['console', 'n'], ['hostPid', 'n'], ['clients', 'n']] },
  // Notify routines.
  'ps.registerProcessNotify': { kind: 'process', routine: 'PsSetCreateProcessNotifyRoutineEx', args: [['routine', 's'], ['remove', 'b']] },
  'ps.registerThreadNotify': { kind: 'thread', routine: 'PsSetCreateThreadNotifyRoutine', args: [['routine', 's'], ['remove', 'b']] },
  'ps.notifyProcess': { kind: 'process', routine: 'PspCallProcessNotifyRoutines', args: [['routine', 's'], ['pid', 'n'], ['parentPid', 'n'], ['create', 'b'], ['denied', 'b']] },
  'ps.notifyThread': { kind: 'thread', routine: 'PspCallThreadNotifyRoutines', args: [['routine', 's'], ['pid', 'n'], ['tid', 'n'], ['create', 'b']] },
  // Threads.
  'thread.create': { kind: 'thread', routine: 'PspCreateThread', args: [['pid', 'n'], ['tid', 'n'], ['startAddress', 'a'], ['teb', 'a'], ['suspended', 'b'], ['creatorPid', 'n']] },
  'thread.suspend': { kind: 'thread', routine: 'KeSuspendThread', args: [['tid', 'n'], ['suspendCount', 'n']] },
  'thread.resume': { kind: 'thread', routine: 'KeResumeThread', args: [['tid', 'n'], ['suspendCount', 'n']] },
  'thread.exit': { kind: 'thread', routine: 'PspExitThread', args: [['pid', 'n'], ['tid', 'n'], ['exitStatus', 'n'], ['lastThread', 'b']] },
  'thread.system': { kind: 'thread', routine: 'PsCreateSystemThread', args: [['tid', 'n'], ['name', 's'], ['ethread', 'a']] },
  'thread.deferredReady': { kind: 'thread', routine: 'KiReadyThread', args: [['tid', 'n'], ['processor', 'n']] },
  'thread.ready': { kind: 'thread', routine: 'KiProcessDeferredReadyList', args: [['tid', 'n'], ['processor', 'n']] },
  'thread.transition': { kind: 'thread', routine: 'KiReadyThread', args: [['tid', 'n'], ['pid', 'n']] },
  'thread.outswapStack': { kind: 'thread', routine: 'KiOutSwapKernelStacks', args: [['tid', 'n'], ['pid', 'n'], ['waitReason', 's']] },
  'thread.inswapStack': { kind: 'thread', routine: 'KiInSwapKernelStacks', args: [['tid', 'n'], ['pid', 'n']] },
  'thread.dispatch': { kind: 'thread', routine: 'KiSelectReadyThread', args: [['processor', 'n'], ['tid', 'n'], ['priority', 'n'], ['standbyTid', 'n']] },
  // Processes: boot, handles, termination.
  'process.system': { kind: 'process', routine: 'PspInitPhase0', args: [['pid', 'n'], ['eprocess', 'a']] },
  'process.memCompression': { kind: 'process', routine: 'PsCreateMinimalProcess', args: [['pid', 'n'], ['eprocess', 'a'], ['enabled', 'b']] },
  // The Idle process (pid 0): one idle thread per processor, set up by KiInitializeKernel; its EPROCESS is
  // KiInitialProcess in the kernel image's data, not a process object.
  'process.idle': { kind: 'process', routine: 'KiInitializeKernel', args: [['processors', 'n'], ['eprocess', 'a']] },
  // The Registry process: a minimal process (no image, no PEB) the configuration manager creates
  // (CmpInitializeRegistryProcess -> PsCreateMinimalProcess, public symbols).
  'process.registry': { kind: 'process', routine: 'PsCreateMinimalProcess', args: [['pid', 'n'], ['eprocess', 'a']] },
  // SetProcessInformation / SetThreadInformation with the memory-priority classes (Microsoft Learn).
  'process.memoryPriority': { kind: 'process', routine: 'NtSetInformationProcess', args: [['pid', 'n'], ['priority', 'n'], ['oldPriority', 'n']] },
  'thread.memoryPriority': { kind: 'thread', routine: 'NtSetInformationThread', args: [['pid', 'n'], ['tid', 'n'], ['priority', 'n'], ['oldPriority', 'n']] },
  'process.open': { kind: 'process', routine: 'NtOpenProcess', args: [['pid', 'n'], ['targetPid', 'n'], ['handle', 'n'], ['access', 'n']] },
  'process.openDenied': { kind: 'process', routine: 'NtOpenProcess', args: [['pid', 'n'], ['targetPid', 'n'], ['access', 'n'], ['reason', 's']] },
  'process.terminate': { kind: 'process', routine: 'PspTerminateProcess', args: [['pid', 'n'], ['exitStatus', 'n'], ['byPid', 'n']] },
  'process.rundownHandles': { kind: 'process', routine: 'ObKillProcess', args: [['pid', 'n'], ['handles', 'n']] },
  'process.deleteAddressSpace': { kind: 'process', routine: 'MmCleanProcessAddressSpace', args: [['pid', 'n'], ['vads', 'n'], ['privatePages', 'n'], ['pageTables', 'n']] },
  'process.exit': { kind: 'process', routine: 'PspExitProcess', args: [['pid', 'n'], ['exitStatus', 'n'], ['processes', 'n']] },
  'object.close': { kind: 'system', routine: 'ObCloseHandle', args: [['pid', 'n'], ['handle', 'n'], ['type', 's'], ['deleted', 'b']] },
  // Jobs.
  'job.create': { kind: 'job', routine: 'NtCreateJobObject', args: [['jobId', 'n'], ['name', 's'], ['job', 'a'], ['handle', 'n']] },
  'job.open': { kind: 'job', routine: 'ObOpenObjectByName', args: [['jobId', 'n'], ['handle', 'n'], ['access', 'n']] },
  'job.assign': { kind: 'job', routine: 'NtAssignProcessToJobObject', args: [['jobId', 'n'], ['pid', 'n'], ['parentJobId', 'n'], ['activeProcesses', 'n']] },
  'job.limits': { kind: 'job', routine: 'NtSetInformationJobObject', args: [['jobId', 'n'], ['limitFlags', 'n'], ['activeProcessLimit', 'n'], ['processMemoryLimit', 'n'], ['jobMemoryLimit', 'n']] },
  'job.limitExceeded': { kind: 'job', routine: 'PspAddProcessToJob', args: [['jobId', 'n'], ['pid', 'n'], ['limit', 's']] },
  'job.terminate': { kind: 'job', routine: 'PspTerminateAllProcessesInJob', args: [['jobId', 'n'], ['processes', 'n'], ['exitStatus', 'n'], ['reason', 's']] },
  // The heap manager (ntdll, public symbols; src/engine/heap). Windows Internals 7e ch. 5, "Heap manager".
  'heap.create': { kind: 'heap', routine: 'RtlCreateHeap', args: [['pid', 'n'], ['heap', 'a'], ['flags', 'n'], ['reserve', 'a'], ['maximumSize', 'n'], ['type', 's']] },
  'heap.destroy': { kind: 'heap', routine: 'RtlDestroyHeap', args: [['pid', 'n'], ['heap', 'a'], ['segments', 'n']] },
  'heap.alloc': { kind: 'heap', routine: 'RtlAllocateHeap', args: [['pid', 'n'], ['heap', 'a'], ['bytes', 'n'], ['flags', 'n'], ['address', 'a'], ['frontEnd', 'b']] },
  // segmentHeap: the heap is a segment heap, whose blocks the lab manages like the NT heap's (its texts say so).
  'heap.backEndAlloc': { kind: 'heap', routine: 'RtlpAllocateHeap', args: [['pid', 'n'], ['heap', 'a'], ['address', 'a'], ['bytes', 'n'], ['blockSize', 'n'], ['segmentHeap', 'b']] },
  'heap.commit': { kind: 'heap', routine: 'RtlpFindAndCommitPages', args: [['pid', 'n'], ['heap', 'a'], ['address', 'a'], ['size', 'a']] },
  'heap.extend': { kind: 'heap', routine: 'RtlpExtendHeap', args: [['pid', 'n'], ['heap', 'a'], ['segment', 'a'], ['reserve', 'a'], ['commit', 'n'], ['segments', 'n']] },
  'heap.virtualAlloc': { kind: 'heap', routine: 'RtlpAllocateHeap', args: [['pid', 'n'], ['heap', 'a'], ['address', 'a'], ['bytes', 'n'], ['size', 'a'], ['segmentHeap', 'b']] },
  'heap.virtualFree': { kind: 'heap', routine: 'RtlpFreeHeap', args: [['pid', 'n'], ['heap', 'a'], ['address', 'a'], ['size', 'a']] },
  'heap.lfhActivate': { kind: 'heap', routine: 'RtlpActivateLowFragmentationHeap', args: [['pid', 'n'], ['heap', 'a'], ['bucket', 'n'], ['blockSize', 'n'], ['allocations', 'n'], ['segmentHeap', 'b']] },
  'heap.lfhSubsegment': { kind: 'heap', routine: 'RtlpAllocateUserBlock', args: [['pid', 'n'], ['heap', 'a'], ['userBlocks', 'a'], ['blockSize', 'n'], ['slots', 'n']] },
  'heap.lfhAlloc': { kind: 'heap', routine: 'RtlpLowFragHeapAllocFromContext', args: [['pid', 'n'], ['heap', 'a'], ['address', 'a'], ['blockSize', 'n'], ['slot', 'n'], ['freeSlots', 'n']] },
  'heap.lfhFree': { kind: 'heap', routine: 'RtlpLowFragHeapFree', args: [['pid', 'n'], ['heap', 'a'], ['address', 'a'], ['blockSize', 'n'], ['freeSlots', 'n']] },
  'heap.free': { kind: 'heap', routine: 'RtlFreeHeap', args: [['pid', 'n'], ['heap', 'a'], ['address', 'a']] },
  'heap.backEndFree': { kind: 'heap', routine: 'RtlpFreeHeap', args: [['pid', 'n'], ['heap', 'a'], ['address', 'a'], ['blockSize', 'n']] },
  'heap.coalesce': { kind: 'heap', routine: 'RtlpCoalesceFreeBlocks', args: [['pid', 'n'], ['heap', 'a'], ['address', 'a'], ['size', 'a'], ['merged', 'n']] },
  'heap.decommit': { kind: 'heap', routine: 'RtlpDeCommitFreeBlock', args: [['pid', 'n'], ['heap', 'a'], ['address', 'a'], ['size', 'a']] },
  'heap.reAlloc': { kind: 'heap', routine: 'RtlReAllocateHeap', args: [['pid', 'n'], ['heap', 'a'], ['address', 'a'], ['bytes', 'n'], ['newAddress', 'a'], ['inPlace', 'b']] },
  'heap.corruption': { kind: 'heap', routine: 'RtlpLogHeapFailure', args: [['pid', 'n'], ['heap', 'a'], ['address', 'a'], ['call', 's']] },
  // Termination on heap corruption (HeapEnableTerminationOnCorruption, on for 64-bit processes): the process ends with STATUS_HEAP_CORRUPTION.
  'heap.terminate': { kind: 'heap', routine: 'RtlReportCriticalFailure', args: [['pid', 'n'], ['heap', 'a'], ['address', 'a'], ['call', 's']] },
  // The CRT above the heap: ucrtbase's malloc/free call HeapAlloc/HeapFree on the process heap.
  'heap.malloc': { kind: 'heap', routine: 'malloc', args: [['pid', 'n'], ['bytes', 'n'], ['address', 'a'], ['heap', 'a']] },
  'heap.crtFree': { kind: 'heap', routine: 'free', args: [['pid', 'n'], ['address', 'a'], ['freed', 'b']] },
  // Files and the registry.
  'io.createFile': { kind: 'system', routine: 'NtCreateFile', args: [['path', 's'], ['size', 'n'], ['fileId', 'n']] },
  'config.setValue': { kind: 'system', routine: 'NtSetValueKey', args: [['key', 's'], ['name', 's'], ['data', 's']] },
} as const satisfies Record<string, Schema>;

export type StepCode = keyof typeof STEP_SCHEMAS;
const CODES = Object.keys(STEP_SCHEMAS) as StepCode[];
const CODE_INDEX = new Map<string, number>(CODES.map((c, i) => [c, i]));
const STAGE_NONE = 255;
const ARG_TYPES: ReadonlyArray<readonly ArgType[]> = CODES.map((c) => (STEP_SCHEMAS[c] as Schema).args.map(([, t]) => t));

/** Thrown to stop a replay exactly before a given step is recorded. */
export class StopReplay extends Error {
  constructor() { super('replay stopped'); }
}

/**
 * Thrown when a step is recorded while no operation is running: a state change outside the one
 * operation path (System's op: log -> apply -> snapshot -> notify) would be missing from the replay
 * log, so time travel and session reload would rebuild a different machine.
 */
export class StepOutsideOperation extends Error {
  constructor(code: string) {
    super(`step ${code} recorded outside an operation: every state change must go through the operation log`);
    this.name = 'StepOutsideOperation';
  }
}

/** The schema letters of a step code's arguments, in order. */
type ArgLetters<A> = { -readonly [K in keyof A]: A[K] extends readonly [string, infer T] ? T : never };
export type StepLetters<C extends StepCode> = ArgLetters<(typeof STEP_SCHEMAS)[C]['args']>;

/**
 * What is left to record of a step, typed from its schema: one call per remaining argument, in the
 * schema's order and of its type (`n` a number or page list, `b` a boolean, `s` a string, `a` a
 * 64-bit value as a bigint or a number below 2^53, `a2` the same as two 32-bit halves), then its
 * changes. A call out of order or of the wrong type does not compile, and a step left short of
 * arguments fails at once (StepLog checks each step's width when the next one starts).
 */
export type StepRecorder<L extends readonly unknown[]> =
  L extends readonly [infer H, ...infer T]
    ? H extends 'n' | 'l' ? { n(v: number): StepRecorder<T> }
    : H extends 'b' ? { b(v: boolean): StepRecorder<T> }
    : H extends 's' ? { s(v: string): StepRecorder<T> }
    : H extends 'a' ? { a(v: number | bigint): StepRecorder<T>; a2(lo: number, hi: number): StepRecorder<T> }
    : never
    : StepChanges;
/** A recorded step's changes: what it created or modified, for views to highlight and reveal. */
export interface StepChanges { change(type: ChangeType, a?: number, va?: number): StepChanges }

/** The argument-pool width of each step code (an `a` argument takes two slots). */
const ARG_WIDTH: readonly number[] = ARG_TYPES.map((types) => types.reduce((w, t) => w + (t === 'a' ? 2 : 1), 0));

/** Column-wise step storage with an argument pool and a change pool. */
export class StepLog {
  private codes = new Uint16Array(1024);
  private stages = new Uint8Array(1024);
  private argStart = new Uint32Array(1024);
  private changeStart = new Uint32Array(1024);
  private readonly args = new NumberPool();
  private readonly changes = new NumberPool();
  private strings: string[] = [];
  private stringIndex = new Map<string, number>();
  private argLen = 0;
  private changeLen = 0;
  /** Number of steps recorded (also the next seq). */
  count = 0;
  /**
   * When set, steps are counted but not stored (replay), and once `stopAt` steps have been counted the
   * replay stops (StopReplay): a step is recorded after the work it describes, so that is the state
   * right after it.
   */
  countOnly = false;
  stopAt = -1;
  /** The process-creation stage in progress: steps recorded meanwhile carry it. */
  currentStage: CreationStage | undefined;

  /** Bytes used (for the memory benchmark). */
  get byteLength(): number {
    return this.codes.byteLength + this.stages.byteLength + this.argStart.byteLength + this.changeStart.byteLength + this.args.byteLength + this.changes.byteLength;
  }

  /**
   * While > 0, begin() records and counts nothing: kernel work done inside a step that names it (MmCreatePeb
   * and MmCreateTeb allocate with MiCreatePebOrTeb, not through NtAllocateVirtualMemory). Deterministic, so
   * replays count the same.
   */
  muted = 0;

  /** Operations running (System's op and the replays nest at most one deep; boot counts as one). */
  private depth = 0;
  /** Opens an operation: steps may be recorded until the matching leave(). */
  enter(): void { this.depth++; }
  leave(): void { this.depth--; if (!this.countOnly) this.checkLastStep(); }
  /** True while an operation runs. */
  get inOperation(): boolean { return this.depth > 0; }

  /** The one recorder object of this log (no allocation per step): each call writes into the pools. */
  private readonly recorder = this.makeRecorder();
  private makeRecorder() {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const log = this;
    const r = {
      n(v: number) { log.num(v); return r; },
      b(v: boolean) { log.num(v ? 1 : 0); return r; },
      s(v: string) { log.str(v); return r; },
      a(v: number | bigint) {
        if (typeof v === 'bigint') log.big(v);
        else { log.num(v % 4294967296); log.num(Math.floor(v / 4294967296)); }
        return r;
      },
      a2(lo: number, hi: number) { log.num(lo >>> 0); log.num(hi >>> 0); return r; },
      change(type: ChangeType, a = -1, va = -1) { log.change(type, a, va); return r; },
    };
    return r;
  }
  /** Where the arguments of the step being recorded must end (checked when the next step starts). */
  private argEnd = 0;
  private lastCode = -1;

  /**
   * Records a step: `t.step('ws.setSize')?.n(pid).n(minimum).n(maximum).change('process', pid)`.
   * The chain is typed from the step's schema (StepRecorder). Returns undefined while a replay only
   * counts steps, so the optional chain skips computing the arguments.
   */
  step<C extends StepCode>(code: C, stage?: CreationStage): StepRecorder<StepLetters<C>> | undefined {
    return this.begin(code, stage) ? (this.recorder as unknown as StepRecorder<StepLetters<C>>) : undefined;
  }

  /** Fails when the last step recorded a different number of argument slots than its schema has. */
  private checkLastStep(): void {
    if (this.lastCode >= 0 && this.argLen !== this.argEnd) {
      const code = CODES[this.lastCode]!;
      this.lastCode = -1;
      throw new Error(`step ${code} was recorded with arguments that do not match its schema`);
    }
  }

  /** Starts recording a step; returns false in count-only mode (the caller may skip its args). */
  private begin(code: StepCode, stage?: CreationStage): boolean {
    if (this.depth === 0) throw new StepOutsideOperation(code);
    if (this.muted > 0) return false;
    if (this.countOnly) {
      if (++this.count === this.stopAt) throw new StopReplay();
      return false;
    }
    this.checkLastStep();
    const i = this.count++;
    if (i >= this.codes.length) this.growSteps();
    const ci = CODE_INDEX.get(code)!;
    this.codes[i] = ci;
    this.lastCode = ci;
    this.argEnd = this.argLen + ARG_WIDTH[ci]!;
    const st = stage ?? this.currentStage;
    this.stages[i] = st === undefined ? STAGE_NONE : CREATION_STAGES_INDEX.get(st)!;
    this.argStart[i] = this.argLen;
    this.changeStart[i] = this.changeLen;
    return true;
  }

  private num(v: number): void {
    this.args.set(this.argLen++, v);
  }
  /** A 64-bit value as two 32-bit halves (its low 64 bits, two's complement), split without allocating a bigint. */
  private big(v: bigint): void {
    BIG_SCRATCH[0] = v;
    this.num(BIG_HALVES[BIG_LO]!);
    this.num(BIG_HALVES[BIG_HI]!);
  }
  private str(s: string): void {
    let i = this.stringIndex.get(s);
    if (i === undefined) { i = this.strings.length; this.strings.push(s); this.stringIndex.set(s, i); }
    this.num(i);
  }
  private change(type: ChangeType, a = -1, va = -1): this {
    this.changes.set(this.changeLen++, CHANGE_TYPE_INDEX.get(type)!);
    this.changes.set(this.changeLen++, a);
    this.changes.set(this.changeLen++, va);
    return this;
  }

  /** Forgets the steps from `count` on (an operation rolled back). */
  truncate(count: number): void {
    if (count >= this.count) return;
    if (!this.countOnly) {
      this.argLen = this.argStart[count]!;
      this.changeLen = this.changeStart[count]!;
    }
    this.count = count;
    this.lastCode = -1;
  }

  get(seq: number): Step {
    const schema: Schema = STEP_SCHEMAS[CODES[this.codes[seq]!]!];
    let p = this.argStart[seq]!;
    const args: Record<string, StepArgValue> = {};
    for (const [name, type] of schema.args) {
      switch (type) {
        case 'n': args[name] = this.args.get(p++); break;
        case 'b': args[name] = this.args.get(p++) === 1; break;
        case 's': args[name] = this.strings[this.args.get(p++)]!; break;
        case 'l': args[name] = PAGE_STATE_NAMES[this.args.get(p++)] ?? 'Unknown'; break; // a PageLocation, named by its index
        case 'a': { const lo = this.args.get(p++); const hi = this.args.get(p++); args[name] = (BigInt(hi) << 32n) | BigInt(lo); break; }
      }
    }
    const changes: ChangeRef[] = [];
    const end = seq + 1 < this.count ? this.changeStart[seq + 1]! : this.changeLen;
    for (let c = this.changeStart[seq]!; c < end; c += 3) {
      const type = CHANGE_TYPES[this.changes.get(c)]!;
      const a = this.changes.get(c + 1);
      const va = this.changes.get(c + 2);
      const ref: ChangeRef = { type };
      if (type === 'process' || type === 'vad' || type === 'pte' || type === 'wsle') { if (a >= 0) ref.pid = a; }
      else if (a >= 0) ref.id = a;
      if (va >= 0) ref.va = BigInt(va);
      changes.push(ref);
    }
    const stageIdx = this.stages[seq]!;
    const step: Step = { seq, kind: schema.kind, routine: schema.routine, code: CODES[this.codes[seq]!]!, args, changes };
    if (stageIdx !== STAGE_NONE) step.stage = CREATION_STAGES[stageIdx]!;
    return step;
  }

  private growSteps(): void {
    const n = this.codes.length * 2;
    const c = new Uint16Array(n); c.set(this.codes); this.codes = c;
    const s = new Uint8Array(n); s.set(this.stages); this.stages = s;
    const a = new Uint32Array(n); a.set(this.argStart); this.argStart = a;
    const ch = new Uint32Array(n); ch.set(this.changeStart); this.changeStart = ch;
  }
}

const CREATION_STAGES_INDEX = new Map<string, number>(CREATION_STAGES.map((s, i) => [s, i]));
const CHANGE_TYPE_INDEX = new Map<string, number>(CHANGE_TYPES.map((t, i) => [t, i]));
/**
 * Scratch for StepLog.big: a bigint stored in a BigUint64Array wraps to its low 64 bits, read back as two
 * 32-bit halves in platform byte order (v & 0xFFFFFFFFn and (v >> 32n) & 0xFFFFFFFFn, without the three
 * bigints those expressions allocate).
 */
const BIG_SCRATCH = new BigUint64Array(1);
const BIG_HALVES = new Uint32Array(BIG_SCRATCH.buffer);
const BIG_LO = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 0 : 1;
const BIG_HI = 1 - BIG_LO;

const POOL_CHUNK_BITS = 14;
const POOL_CHUNK = 1 << POOL_CHUNK_BITS;
const POOL_MASK = POOL_CHUNK - 1;
/**
 * A growing column of numbers in fixed chunks of 16,384 (128 KB): growing never copies what is stored
 * (a doubling Float64Array copied, and freshly zeroed, the whole log each time: half the time of
 * recording long sessions' steps). Chunks are allocated on first use, so a replay's counting log has none.
 */
class NumberPool {
  private chunks: Float64Array[] = [];
  get byteLength(): number { return this.chunks.length * POOL_CHUNK * 8; }
  get(i: number): number { return this.chunks[i >>> POOL_CHUNK_BITS]![i & POOL_MASK]!; }
  set(i: number, v: number): void {
    const c = i >>> POOL_CHUNK_BITS;
    while (c >= this.chunks.length) this.chunks.push(new Float64Array(POOL_CHUNK));
    this.chunks[c]![i & POOL_MASK] = v;
  }
}
