// Step texts: Working sets: trimming, replacement, size limits (Windows Internals 7e, ch. 5, "Working sets").
import type { StepTexts } from './text';

export const WORKING_SET_TEXTS: StepTexts = {
  // Windows Internals 7e, ch. 5, "Prototype PTEs" (a shared page removed from a working set: the process PTE
  // points at the prototype PTE again; the page goes to a list when its share count reaches 0) and "Working sets".
  'ws.trim': {
    needs: ['pid', 'pages', 'toStandby', 'toModified'],
    text: (a, l10n, raw) => {
      const n = (k: string): number => (typeof raw.args[k] === 'number' ? raw.args[k] as number : 0);
      const stillActive = Math.max(0, n('pages') - n('toStandby') - n('toModified'));
      return l10n.t('Working-set trim of process {pid}: {pages} page(s) removed. A private page\'s PTE becomes a transition PTE and the page goes to the modified list if dirty or the standby list if clean. A shared page\'s PTE goes back to pointing at the section\'s prototype PTE; the page itself leaves for the standby or modified list only when no other working set holds it. Here {toModified} page(s) went to the modified list, {toStandby} to the standby list, and {stillActive} shared page(s) stayed active, still in another working set.', { ...a, stillActive });
    },
  },
  'ws.replace': {
    needs: ['pid', 'va', 'pfn', 'to'],
    text: (a, l10n) => l10n.t('The working set of process {pid} was full: the entry for {va} (page {pfn}) was replaced and the page went to the {to}.', a),
  },
  'ws.setSize': {
    needs: ['pid', 'minimum', 'maximum'],
    text: (a, l10n) => l10n.t('The working-set limits of process {pid} are now {minimum} to {maximum} pages.', a),
  },
};
