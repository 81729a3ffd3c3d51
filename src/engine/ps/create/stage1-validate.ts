// Stage 1: converting and validating parameters and flags (CreateProcessInternalW): the priority class,
// the debug flags (DbgUiConnectToDbg), RTL_USER_PROCESS_PARAMETERS (RtlCreateProcessParametersEx).
// Windows Internals 7e ch. 3, "Stage 1: Converting and validating parameters and flags".
import { CREATE_NEW_CONSOLE, DEBUG_ONLY_THIS_PROCESS, DEBUG_PROCESS, DETACHED_PROCESS, ERROR_INVALID_PARAMETER, HIGH_PRIORITY_CLASS, IDLE_PRIORITY_CLASS, BELOW_NORMAL_PRIORITY_CLASS, NORMAL_PRIORITY_CLASS, REALTIME_PRIORITY_CLASS, SE_INC_BASE_PRIORITY_NAME } from '../../constants';
import type { ProcessObject } from '../../process';
import { connectToDebugger, debugObjectOf, type DebugObject } from '../debug';
import { SYSTEM32 } from '../paths';
import { ALL_PRIORITY_FLAGS, PRIORITY_ORDER } from '../priorities';
import type { ProcessManager } from '../processManager';
import type { ConsoleMode } from '../state';
import { failCreate, type PsCreateOptions, type ValidatedParameters } from './creationState';

/** Stage 1 for `o` started by `parent`: records create.validate (and create.debug) and create.parameters. */
export function validateParameters(pm: ProcessManager, o: PsCreateOptions, flags: number, parent: ProcessObject | undefined): ValidatedParameters {
  const t = pm.trace;
  const image = o.imagePath;
  if ((flags & CREATE_NEW_CONSOLE) && (flags & DETACHED_PROCESS)) return failCreate(pm, image, ERROR_INVALID_PARAMETER);
  const priorityClass = o.native ? NORMAL_PRIORITY_CLASS : priorityClassFor(flags, parent);
  // The system's own processes are started with RtlCreateUserProcess (the kernel's StartFirstUserProcess for
  // smss, smss for its session copies, csrss, wininit and winlogon), which calls NtCreateUserProcess directly:
  // no kernel32 and no CreateProcessInternalW. Public symbols (ntoskrnl, ntdll); Windows Internals 7e Part 2
  // ch. 12, "Smss, Csrss, and Wininit".
  if (o.native) { t.step('create.native')?.s(image).s(o.commandLine ?? image).n(parent?.pid ?? 0).change('system'); }
  else t.step('create.validate')?.s(image).n(flags).n(priorityClass).change('system');
  // The debug flags: the creator becomes the debugger (DbgUiConnectToDbg gives it a debug object).
  // Without them, a child of a process debugged with DEBUG_PROCESS is debugged by the same debugger.
  let debugObject: DebugObject | undefined;
  let debugOnlyThis = false;
  if (flags & (DEBUG_PROCESS | DEBUG_ONLY_THIS_PROCESS)) {
    const debuggerPid = parent?.pid ?? 0;
    debugOnlyThis = (flags & DEBUG_PROCESS) === 0;
    t.step('create.debug')?.n(debuggerPid).b(debugOnlyThis).change('process', debuggerPid);
    if (parent?.ps) debugObject = connectToDebugger(pm, parent);
  } else if (parent?.ps && pm.state(parent).debugObjectId && !pm.state(parent).noDebugInherit) {
    debugObject = debugObjectOf(pm, parent);
  }
  // RTL_USER_PROCESS_PARAMETERS (RtlCreateProcessParametersEx); the console request comes from the flags.
  const requestedConsole: ConsoleMode = (flags & DETACHED_PROCESS) ? 'detached' : (flags & CREATE_NEW_CONSOLE) ? 'new' : 'inherited';
  // The current directory is inherited from the creator; processes the system starts (no directory of their own) get System32.
  const parentState = parent?.ps ? pm.state(parent) : undefined;
  const currentDirectory = o.currentDirectory || parentState?.currentDirectory || SYSTEM32;
  t.step('create.parameters')?.s(image).s(o.commandLine ?? `"${image}"`).s(currentDirectory).s(requestedConsole).b(!!o.inheritHandles).change('system');
  return { o, flags, parent, parentState, image, priorityClass, debugObject, debugOnlyThis, requestedConsole, currentDirectory };
}

/** The priority class from the creation flags and the creator. */
function priorityClassFor(flags: number, parent: ProcessObject | undefined): number {
  const given = flags & ALL_PRIORITY_FLAGS;
  let cls: number;
  if (given === 0) {
    // No class given: Normal, unless the creator runs Idle or Below Normal, which the child inherits.
    const pc = parent?.priorityClass ?? NORMAL_PRIORITY_CLASS;
    cls = pc === IDLE_PRIORITY_CLASS || pc === BELOW_NORMAL_PRIORITY_CLASS ? pc : NORMAL_PRIORITY_CLASS;
  } else cls = PRIORITY_ORDER.find((c) => (given & c) !== 0)!;
  // Realtime needs SeIncreaseBasePriorityPrivilege in the caller's token; without it the class becomes High.
  if (cls === REALTIME_PRIORITY_CLASS && !(parent?.privileges.has(SE_INC_BASE_PRIORITY_NAME))) cls = HIGH_PRIORITY_CLASS;
  return cls;
}
