// Step texts: User-mode debugging: debug objects and debug events (Windows Internals 7e, ch. 8 in part 2, "User-mode debugging").
import type { StepTexts } from './text';

export const DEBUG_TEXTS: StepTexts = {
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
};
