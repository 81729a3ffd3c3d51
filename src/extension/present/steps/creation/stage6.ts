// Step texts: CreateProcess, stage 6: Start the initial thread (Windows Internals 7e, ch. 3, "Flow of CreateProcess").
import type { StepTexts } from '../text';

export const STAGE6_TEXTS: StepTexts = {
  'create.resume': {
    needs: ['pid', 'tid', 'suspendCount'],
    text: (a, l10n) => l10n.t('Stage 6: the initial thread {tid} of process {pid} is resumed (suspend count now {suspendCount}).', a),
  },
  'create.start': {
    needs: ['pid', 'tid', 'suspended'],
    text: (a, l10n, raw) => raw.args.suspended === true
      ? l10n.t('CREATE_SUSPENDED was given: thread {tid} of process {pid} stays suspended until someone calls ResumeThread.', a)
      : l10n.t('CreateProcessInternalW calls NtResumeThread (KeResumeThread): the initial thread {tid} of process {pid} becomes ready to run; in its own context it will run LdrInitializeThunk (stage 7).', a),
  },
};
