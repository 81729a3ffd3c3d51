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
  // Windows Internals 7e ch. 5, "Memory compression" (the store manager instead of the paging file).
  'thread.storeWrite': {
    needs: ['pages', 'compressedBytes', 'storedPages', 'regions', 'storePid'],
    text: (a, l10n) => l10n.t('Memory compression: the modified page writer handed {pages} private page(s) to the store manager (MiStoreWriteModifiedPages, SmPageWrite) instead of the paging file. ST_STORE::StDmPageAdd compressed them into {compressedBytes} bytes in the Memory Compression process (process {storePid}); the store now holds {storedPages} page(s) in {regions} region(s). Each frame\'s OriginalPte now names the virtual store (a paging-file PTE; PageFileLow 2 in the lab), and the frames moved to the standby list. The compressor is the lab\'s own, not Windows\' Xpress, so the sizes are indicative.', a),
  },
  'store.region': {
    needs: ['storePid', 'base', 'size', 'regions'],
    text: (a, l10n) => l10n.t('The store needed room: a new region of {size} bytes was committed at {base} in the Memory Compression process (process {storePid}), whose working set holds the compressed pages ({regions} region(s) now).', a),
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
