// Step texts: CreateProcess, stage 4: Create the initial thread, its stack and context (Windows Internals 7e, ch. 3, "Flow of CreateProcess").
import type { StepTexts } from '../text';

export const STAGE4_TEXTS: StepTexts = {
  'create.teb': {
    needs: ['pid', 'tid', 'teb'],
    text: (a, l10n) => l10n.t('PspAllocateThread calls MmCreateTeb, which creates the Thread Environment Block of thread {tid} at {teb} in process {pid} (kernel work, not NtAllocateVirtualMemory): the thread\'s user-mode data (stack bounds, client ID, last error, TLS slots, a pointer to the PEB).', a),
  },
  'create.stack': {
    needs: ['pid', 'tid', 'stackBase', 'stackLimit', 'reserve'],
    text: (a, l10n) => l10n.t('The user-mode stack of thread {tid} is reserved in process {pid} ({reserve} bytes). It grows down from {stackBase}: the initial commit at the top, down to {stackLimit}, is committed, with a guard page below it so the stack can grow on demand.', a),
  },
  'create.context': {
    needs: ['tid', 'rip', 'rcx'],
    text: (a, l10n) => l10n.t('KeInitThread sets up the initial context of thread {tid}: in user mode it will start at {rip}, ntdll\'s RtlUserThreadStart, with the thread\'s start address {rcx} in RCX (for the first thread of a process, the image entry point).', a),
  },
  'create.insertThread': {
    needs: ['pid', 'tid', 'ethread'],
    text: (a, l10n) => l10n.t('PspInsertThread inserts the ETHREAD {ethread} (thread {tid}) into the thread list of process {pid}. For the first thread of a process it then calls the process-creation notify routines (PspCallProcessNotifyRoutines), which may still refuse the process, and the thread-creation ones.', a),
  },
  'create.thread': {
    needs: ['pid', 'tid', 'teb', 'stackBase'],
    text: (a, l10n) => l10n.t('PspAllocateThread has built the initial thread {tid} of process {pid}, suspended: its ETHREAD, the TEB at {teb} (MmCreateTeb), a user stack whose base is {stackBase} (the image\'s SizeOfStackCommit committed at the top, a guard page below it) and its initial context (KeInitThread). PspInsertThread comes next.', a),
  },
  'create.teb32': {
    needs: ['pid', 'tid', 'teb32'],
    text: (a, l10n) => l10n.t('Thread {tid} of the WoW64 process {pid} also gets a 32-bit TEB at {teb32}, right after its 64-bit TEB (MmCreateTeb makes both): the 32-bit code finds its thread data there.', a),
  },
};
