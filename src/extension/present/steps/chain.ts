// The call chain of a step: who calls whom to reach it (the CreateProcess stage's chain, then
// MmAccessFault for a fault, then the step's routine).
import type { CreationStageId } from '../../../shared/protocol';
import type { StepLike } from './text';

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
