// Memory priorities: SetProcessInformation(ProcessMemoryPriority) and SetThreadInformation(ThreadMemoryPriority)
// and their Get counterparts (Microsoft Learn: SetProcessInformation, SetThreadInformation,
// MEMORY_PRIORITY_INFORMATION). A thread's memory priority is the page priority of the pages it faults in
// (MMPFN's priority); a page leaving the working set goes to the standby sub-list of that priority, and
// repurposing takes the lowest-priority sub-list first (Windows Internals 7th ed., Part 1, ch. 5, "Page
// priority" and "Standby list"). NtSetInformationProcess / NtSetInformationThread do the work.
import {
  ERROR_INVALID_PARAMETER, MEMORY_PRIORITY_NORMAL, MEMORY_PRIORITY_VERY_LOW, PROCESS_QUERY_LIMITED_INFORMATION,
  PROCESS_SET_INFORMATION, ProcessMemoryPriority, THREAD_QUERY_LIMITED_INFORMATION, THREAD_SET_INFORMATION, ThreadMemoryPriority,
} from '../constants';
import { LastError } from '../errors';
import type { ProcessObject, ThreadObject } from '../process';
import type { Machine } from './machine';

/** MEMORY_PRIORITY_VERY_LOW (1) .. MEMORY_PRIORITY_NORMAL (5); anything else is ERROR_INVALID_PARAMETER. */
function checkPriority(infoClass: number, expected: number, priority: number): void {
  // Only the memory-priority classes are simulated; the others are refused as unknown classes.
  if (infoClass !== expected) throw new LastError(ERROR_INVALID_PARAMETER);
  if (!Number.isInteger(priority) || priority < MEMORY_PRIORITY_VERY_LOW || priority > MEMORY_PRIORITY_NORMAL) throw new LastError(ERROR_INVALID_PARAMETER);
}

/** The thread object `tid` and its process. */
function threadOf(m: Machine, tid: number): [ProcessObject, ThreadObject] {
  for (const p of m.processes) {
    if (!p) continue;
    for (const t of p.threads) if (t.tid === tid) return [p, t];
  }
  throw new LastError(ERROR_INVALID_PARAMETER);
}

/** SetProcessInformation(ProcessMemoryPriority): the handle needs PROCESS_SET_INFORMATION (Learn). */
export function setProcessMemoryPriority(m: Machine, callerPid: number, hProcess: number, infoClass: number, priority: number): void {
  const caller = m.process(callerPid);
  const target = m.ps.processFromHandle(caller, hProcess, PROCESS_SET_INFORMATION);
  checkPriority(infoClass, ProcessMemoryPriority, priority);
  const old = target.memoryPriority;
  target.memoryPriority = priority;
  m.trace.step('process.memoryPriority')?.n(target.pid).n(priority).n(old).change('process', target.pid);
}

/** SetThreadInformation(ThreadMemoryPriority): the handle needs THREAD_SET_INFORMATION (Learn). */
export function setThreadMemoryPriority(m: Machine, callerPid: number, hThread: number, infoClass: number, priority: number): void {
  const caller = m.process(callerPid);
  const tid = m.ps.threadFromHandle(caller, hThread, THREAD_SET_INFORMATION);
  checkPriority(infoClass, ThreadMemoryPriority, priority);
  const [p, t] = threadOf(m, tid);
  const old = t.memoryPriority ?? p.memoryPriority;
  t.memoryPriority = priority;
  m.trace.step('thread.memoryPriority')?.n(p.pid).n(tid).n(priority).n(old).change('thread', tid).change('process', p.pid);
}

/** GetProcessInformation(ProcessMemoryPriority): PROCESS_QUERY_LIMITED_INFORMATION is enough. */
export function getProcessMemoryPriority(m: Machine, callerPid: number, hProcess: number, infoClass: number): number {
  if (infoClass !== ProcessMemoryPriority) throw new LastError(ERROR_INVALID_PARAMETER);
  return m.ps.processFromHandle(m.process(callerPid), hProcess, PROCESS_QUERY_LIMITED_INFORMATION).memoryPriority;
}

/** GetThreadInformation(ThreadMemoryPriority): the thread's own, or its process's when it has none. */
export function getThreadMemoryPriority(m: Machine, callerPid: number, hThread: number, infoClass: number): number {
  if (infoClass !== ThreadMemoryPriority) throw new LastError(ERROR_INVALID_PARAMETER);
  const tid = m.ps.threadFromHandle(m.process(callerPid), hThread, THREAD_QUERY_LIMITED_INFORMATION);
  const [p, t] = threadOf(m, tid);
  return t.memoryPriority ?? p.memoryPriority;
}
