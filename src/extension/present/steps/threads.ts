// Step texts: Threads: creation, suspension, exit and scheduling states (Windows Internals 7e, ch. 4, "Thread states").
import type { StepTexts } from './text';

export const THREAD_TEXTS: StepTexts = {
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
  // Microsoft Learn, SetThreadInformation and MEMORY_PRIORITY_INFORMATION; Windows Internals 7e, ch. 5, "Page priority".
  'thread.memoryPriority': {
    needs: ['pid', 'tid', 'priority', 'oldPriority'],
    text: (a, l10n) => l10n.t('Thread {tid} of process {pid} set its memory priority to {priority} (was {oldPriority}) with SetThreadInformation(ThreadMemoryPriority), which ends in NtSetInformationThread. Pages this thread faults in get that page priority, which picks their standby sub-list once they leave the working set.', a),
  },
};
