// The call chain of a step: who calls whom to reach it (the CreateProcess stage's chain, then
// MmAccessFault for a fault, then the step's routine).
import type { CreationStageId } from '../../../shared/protocol';
import type { StepLike } from './text';

/**
 * Who calls whom to reach each stage (Windows Internals 7e, ch. 3, "Flow of CreateProcess"). Stage 3: NtCreateUserProcess
 * creates the executive process object through PspAllocateProcess (3A-3D happen there); stage 3E names its own caller
 * ("NtCreateUserProcess calls MmCreatePeb"); 3F is PspInsertProcess and its helpers. Stage 4: PspAllocateThread does the
 * TEB, the stack and KeInitThread, then PspInsertThread calls the notify routines. Routine names are the public
 * symbols' (ntoskrnl.pdb); where the book names no caller, the chain stops at the stage's own routine rather than
 * invent one.
 */
const STAGE_CHAINS: Record<CreationStageId, string[]> = {
  '1': ['CreateProcessW', 'CreateProcessInternalW'],
  '2': ['CreateProcessW', 'CreateProcessInternalW', 'NtCreateUserProcess'],
  '3A': ['CreateProcessW', 'CreateProcessInternalW', 'NtCreateUserProcess', 'PspAllocateProcess'],
  '3B': ['CreateProcessW', 'CreateProcessInternalW', 'NtCreateUserProcess', 'PspAllocateProcess', 'MmCreateProcessAddressSpace'],
  '3C': ['CreateProcessW', 'CreateProcessInternalW', 'NtCreateUserProcess', 'PspAllocateProcess', 'KeInitializeProcess'],
  '3D': ['CreateProcessW', 'CreateProcessInternalW', 'NtCreateUserProcess', 'PspAllocateProcess', 'MmInitializeProcessAddressSpace'],
  '3E': ['CreateProcessW', 'CreateProcessInternalW', 'NtCreateUserProcess', 'MmCreatePeb'],
  '3F': ['CreateProcessW', 'CreateProcessInternalW', 'NtCreateUserProcess', 'PspInsertProcess'],
  '4': ['CreateProcessW', 'CreateProcessInternalW', 'NtCreateUserProcess', 'PspAllocateThread'],
  '5': ['CreateProcessW', 'CreateProcessInternalW', 'CsrClientCallServer'],
  '6': ['CreateProcessW', 'CreateProcessInternalW', 'NtResumeThread'],
  // Public symbols (ntdll): LdrInitializeThunk -> LdrpInitialize -> LdrpInitializeProcess (first thread).
  '7': ['LdrInitializeThunk', 'LdrpInitialize', 'LdrpInitializeProcess'],
};

/** Entry points of other ways to start a program: they come before CreateProcessInternalW, not under CreateProcessW. */
const ENTRY_ROUTINES = new Set(['CreateProcessAsUserW', 'ShellExecuteExW', 'ActivateApplication', 'RtlCreateUserProcess']);


/** What ntdll's loader calls in user mode to reach a memory manager routine (stage 7): the system service. */
const USER_MODE_SERVICE: Record<string, string> = { MiMapViewOfSection: 'NtMapViewOfSection', MmCreateSection: 'NtCreateSection', MiUnmapViewOfSection: 'NtUnmapViewOfSection' };

/** Stage 4 work done once the thread object exists: PspInsertThread, then (first thread) the notify routines. */
const INSERT_THREAD_CALLEES = new Set(['PspCallProcessNotifyRoutines', 'PspCallThreadNotifyRoutines']);

/**
 * The chain of a creation stage leading to `routine` (without the routine itself unless the chain already names
 * it). `entry` is the routine the creation began with: for RtlCreateUserProcess (the system's own processes:
 * the kernel's StartFirstUserProcess, smss) the chain starts there instead of at CreateProcessW, and the
 * creator resumes the thread itself (NtResumeThread).
 */
function stageChain(stage: string | undefined, routine: string, entry?: string): string[] {
  if (!stage || !Object.prototype.hasOwnProperty.call(STAGE_CHAINS, stage)) return [];
  if (ENTRY_ROUTINES.has(routine)) return [];
  const base = [...STAGE_CHAINS[stage as CreationStageId]];
  if (entry === 'RtlCreateUserProcess' && base[0] === 'CreateProcessW') base.splice(0, 2, ...(stage === '6' ? [] : ['RtlCreateUserProcess']));
  if (stage === '4' && (routine === 'PspInsertThread' || INSERT_THREAD_CALLEES.has(routine))) base.splice(base.length - 1, 1, 'PspInsertThread');
  // The process parameters are written into the process while PspAllocateProcess concludes the address space (the
  // book's 3D list: "The user process parameters are written into the process, copied, and fixed up"), not by MmCreatePeb.
  if (stage === '3E' && routine === 'PspSetupUserProcessAddressSpace') base.splice(base.length - 1, 1, 'PspAllocateProcess');
  // ntdll (and WoW64's 32-bit ntdll) is mapped in 3D ("Ntdll.dll is mapped into the process", book ch. 3 stage 3D);
  // the book does not say which routine calls PspMapSystemDll, so it hangs off PspAllocateProcess, 3D's own caller.
  if (stage === '3D' && routine === 'PspMapSystemDll') base.splice(base.length - 1, 1);
  if (stage === '7') {
    // The new thread enters user mode at LdrInitializeThunk; when the loader is done it continues at
    // RtlUserThreadStart; the first call into win32k converts it to a GUI thread.
    if (routine === 'LdrInitializeThunk' || routine === 'RtlUserThreadStart') return [];
    if (routine === 'W32pProcessCallout') return ['PsConvertToGuiThread'];
    // RtlUserThreadStart -> kernel32!BaseThreadInitThunk -> the entry point.
    if (routine === 'BaseThreadInitThunk') return ['RtlUserThreadStart'];
    const service = USER_MODE_SERVICE[routine];
    if (service) return [...base, service];
  }
  // A routine already on the chain (CreateProcessInternalW deciding something in stage 2) ends it there.
  const at = base.indexOf(routine);
  return at >= 0 ? base.slice(0, at + 1) : base;
}

/** The call chain leading to a step: the stage's chain, then MmAccessFault for a fault, then the step's routine. */
export function callChain(step: Pick<StepLike, 'routine' | 'kind'> & { stage?: string }, entry?: string): string[] {
  const base = stageChain(step.stage, step.routine, entry);
  if (step.kind === 'pageFault') {
    if (base.length === 0) base.push('KiPageFault');
    base.push('MmAccessFault');
  }
  if (base[base.length - 1] !== step.routine) base.push(step.routine);
  return base;
}
