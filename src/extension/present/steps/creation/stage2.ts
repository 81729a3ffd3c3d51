// Step texts: CreateProcess, stage 2: Open the image to be executed (Windows Internals 7e, ch. 3, "Flow of CreateProcess").
import type { StepTexts } from '../text';

export const STAGE2_TEXTS: StepTexts = {
  'create.openImage': {
    needs: ['image', 'imageBase', 'entryPointRva', 'sizeOfImage'],
    text: (a, l10n) => l10n.t('NtCreateUserProcess opens {image} and reads its PE headers: preferred image base {imageBase}, entry point RVA {entryPointRva}, {sizeOfImage} bytes once mapped.', a),
  },
  'create.imageSection': {
    needs: ['image', 'sizeOfImage', 'sections'],
    text: (a, l10n) => l10n.t('NtCreateUserProcess has MmCreateSection create an image section object (SEC_IMAGE) for {image}: a control area whose subsections follow the image\'s {sections} PE sections, {sizeOfImage} bytes in all. Stage 3D maps a view of it into the new process. Image pages are read from the file; writable ones are copy-on-write, so a modified image page goes to the paging file, never back to the image file.', a),
  },
  'create.signature': {
    needs: ['image', 'signatureLevel', 'protection', 'allowed'],
    text: (a, l10n, raw) => raw.args.allowed === true
      ? l10n.t('CREATE_PROTECTED_PROCESS was asked for: {image} is signed at signing level {signatureLevel}, enough for the protection {protection}. Other processes, even administrators\', can only open a protected process with limited access rights.', a)
      : l10n.t('CREATE_PROTECTED_PROCESS was asked for, but {image} (signing level {signatureLevel}) is not signed to run as a protected process: the creation fails.', a),
  },
};
