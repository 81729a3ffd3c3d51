// Step texts: The memory manager's system threads and memory-list commands (Windows Internals 7e, ch. 5, "Page list dynamics", "Modified page writer", "Zero page thread").
import type { StepTexts } from './text';

export const SYSTEM_THREAD_TEXTS: StepTexts = {
  'thread.mappedPageWriter': {
    needs: ['pages', 'files'],
    text: (a, l10n) => l10n.t('The mapped page writer (MiMappedPageWriter) wrote {pages} modified page(s) of mapped files back to their files ({files}); the pages are clean again.', a),
  },
  'thread.balanceSetManager': {
    needs: ['available', 'trimmed', 'processes'],
    text: (a, l10n) => l10n.t('The balance set manager ran with {available} pages available and trimmed {trimmed} page(s) from {processes} process(es).', a),
  },
  'thread.modifiedPageWriter': {
    needs: ['pages', 'clusters'],
    text: (a, l10n) => l10n.t('The modified page writer wrote {pages} page(s) to the paging file in {clusters} cluster(s); they moved to the standby list.', a),
  },
  'thread.modifiedPageWriterNoPagingFile': {
    needs: ['pages'],
    text: (a, l10n) => l10n.t('The modified page writer found {pages} modified page(s) but there is no paging file to write them to.', a),
  },
  'thread.zeroPage': {
    needs: ['pages'],
    text: (a, l10n) => l10n.t('The zero page thread zeroed {pages} free page(s) and moved them to the zeroed list.', a),
  },
  // Windows Internals 7e, ch. 5, "Page frame number database" (MMPFN.OriginalPte: what the PTE held before the
  // page came in, restored when the page is reused) and "Page list dynamics".
  'pfn.repurpose': {
    needs: ['pfn', 'priority'],
    text: (a, l10n) => l10n.t('No zeroed or free page was left, so standby page {pfn} (priority {priority}) was repurposed. The PTE that still referred to it (a process\'s transition PTE, or a section\'s prototype PTE) got back the contents saved in the page\'s MMPFN.OriginalPte: a paging-file PTE, a demand-zero PTE, or a pointer into the mapped file.', a),
  },
  'memoryList.command': {
    needs: ['command', 'pages'],
    text: (a, l10n) => l10n.t('NtSetSystemInformation ran the memory list command {command}: {pages} page(s) affected.', a),
  },
};
