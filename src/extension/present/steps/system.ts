// Step texts: Boot of the simulated machine (the lab's own step: the machine's size, no Windows routine is named;
// the boot story itself is in processes.ts, after Windows Internals 7e, part 2, ch. 12, "Startup and shutdown").
import type { StepTexts } from './text';

export const SYSTEM_TEXTS: StepTexts = {
  'system.boot': {
    needs: ['pages', 'pageFilePages', 'processors'],
    text: (a, l10n) => l10n.t('The machine boots with {pages} physical pages, a paging file of {pageFilePages} pages and {processors} processor(s).', a),
  },
};
