// Step texts: Working sets: trimming, replacement, size limits (Windows Internals 7e, ch. 5, "Working sets").
import type { StepTexts } from './text';

export const WORKING_SET_TEXTS: StepTexts = {
  'ws.trim': {
    needs: ['pid', 'pages', 'toStandby', 'toModified'],
    text: (a, l10n) => l10n.t('Working-set trim of process {pid}: {pages} page(s) removed; clean ones ({toStandby}) went to the standby list, dirty ones ({toModified}) to the modified list. Their PTEs became transition PTEs.', a),
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
