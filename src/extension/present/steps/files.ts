// Step texts: Files on the simulated disk and registry values (Windows Internals 7e, ch. 6 "I/O system" and ch. 10 "The registry" in part 2).
import type { StepTexts } from './text';

export const FILE_TEXTS: StepTexts = {
  'file.create': {
    needs: ['pid', 'path', 'handle', 'access'],
    text: (a, l10n) => l10n.t('Process {pid} opened {path} (CreateFile ends in NtCreateFile): it received handle {handle} to a file object, with access mask {access}.', a),
  },
  'io.createFile': {
    needs: ['path', 'size', 'fileId'],
    text: (a, l10n) => l10n.t('The file {path} ({size} bytes, file {fileId}) was written to the simulated disk (NtCreateFile).', a),
  },
  'config.setValue': {
    needs: ['key', 'name', 'data'],
    text: (a, l10n, raw) => raw.args.data === ''
      ? l10n.t('The registry value {name} under {key} was deleted.', a)
      : l10n.t('The registry value {name} under {key} was set to {data} (NtSetValueKey).', a),
  },
};
