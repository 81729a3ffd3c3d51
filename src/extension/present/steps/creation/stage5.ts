// Step texts: CreateProcess, stage 5: Windows subsystem initialization (CSRSS) (Windows Internals 7e, ch. 3, "Flow of CreateProcess").
import type { StepTexts } from '../text';

export const STAGE5_TEXTS: StepTexts = {
  'create.csr': {
    needs: ['pid', 'tid', 'csrssPid', 'csrProcess', 'csrThread'],
    text: (a, l10n, raw) => raw.args.csrssPid === 0
      ? l10n.t('No Windows subsystem process (CSRSS) runs in this session yet, so none is told about process {pid} and thread {tid}.', a)
      : l10n.t('CreateProcessInternalW tells the Windows subsystem process, CSRSS (process {csrssPid}), about process {pid} and thread {tid}: CSRSS duplicates handles to them and records them in a CSR_PROCESS ({csrProcess}) and a CSR_THREAD ({csrThread}).', a),
  },
  'create.csrHandles': {
    needs: ['pid', 'csrssPid', 'processHandle', 'threadHandle'],
    text: (a, l10n) => l10n.t('CsrCreateProcess in CSRSS (process {csrssPid}) duplicates a handle to process {pid} ({processHandle}) and one to its thread ({threadHandle}) into its own handle table and keeps them in CSR_PROCESS.ProcessHandle and CSR_THREAD.ThreadHandle; each object\'s usage count goes from 1 to 2. CSRSS closes them when the process exits.', a),
  },
};
