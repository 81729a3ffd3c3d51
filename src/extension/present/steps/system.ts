// Step texts: Boot of the simulated machine.
import type { StepTexts } from './text';

export const SYSTEM_TEXTS: StepTexts = {
  'system.boot': {
    needs: ['pages', 'pageFilePages', 'processors'],
    text: (a, l10n) => l10n.t('The machine boots with {pages} physical pages, a paging file of {pageFilePages} pages and {processors} processor(s).', a),
  },
};
