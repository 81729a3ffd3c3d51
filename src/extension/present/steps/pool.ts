// Step texts: the pools and the system address space (Windows Internals 7th ed., Part 1, ch. 5, "Kernel-mode
// heaps (system memory pools)", "System PTEs", "System working sets"; Microsoft Learn, ExAllocatePoolWithTag
// and ExFreePoolWithTag; KERNEL_STACK_SIZE: "How do I keep my driver from running out of kernel-mode stack?").
// The three system working sets (system cache, paged pool, system PTEs): 7e ch. 5, "System working sets". The
// pools on the segment heap since Windows 10 19H1: Y. Bayet and C. Fariss, "Scoop the Windows 10 pool!" (SSTIC 2020).
import { tagString } from '../../../engine';
import type { Localizer } from '../localizer';
import type { Args, StepLike, StepTexts } from './text';

const poolName = (raw: StepLike, l10n: Localizer): string => (raw.args.poolType === 0 ? l10n.t('nonpaged pool', {}) : l10n.t('paged pool', {}));
const withTag = (a: Args, raw: StepLike, l10n: Localizer): Args => ({ ...a, tag: `'${tagString(Number(raw.args.tag))}'`, pool: poolName(raw, l10n) });

export const POOL_TEXTS: StepTexts = {
  'pool.alloc': {
    needs: ['bytes', 'tag', 'address', 'blockSize'],
    text: (a, l10n, raw) => l10n.t('ExAllocatePoolWithTag gave {bytes} bytes of {pool} with tag {tag} at {address}: a {blockSize}-byte block whose 16-byte POOL_HEADER (PreviousSize, BlockSize, PoolType, PoolTag) sits just below it in the same page. The lab models the classic pool allocator the book describes; since Windows 10 19H1 the pools are built on the segment heap.', withTag(a, raw, l10n)),
  },
  'pool.allocBig': {
    needs: ['bytes', 'tag', 'address', 'pages'],
    text: (a, l10n, raw) => l10n.t('{bytes} bytes do not fit in one pool page, so ExAllocatePoolWithTag gave {pages} whole page(s) of {pool} at {address} (tag {tag}), tracked in the big-page table instead of by a header.', withTag(a, raw, l10n)),
  },
  'pool.allocFailed': {
    needs: ['bytes', 'tag'],
    text: (a, l10n, raw) => l10n.t('ExAllocatePoolWithTag could not find {bytes} bytes of {pool} for tag {tag}: the pool could not grow (commit or memory exhausted), so it returned NULL.', withTag(a, raw, l10n)),
  },
  'pool.free': {
    needs: ['address', 'tag', 'blockSize', 'pageFreed'],
    text: (a, l10n, raw) => raw.args.pageFreed === true
      ? l10n.t('ExFreePoolWithTag freed the {blockSize}-byte block at {address} (tag {tag}); it was the last one in its page, so the page went back to the memory manager.', withTag(a, raw, l10n))
      : l10n.t('ExFreePoolWithTag freed the {blockSize}-byte block at {address} (tag {tag}) and merged it with its free neighbours in the page, as the classic pool allocator does (the lab\'s model; Windows 10 19H1 and later use the segment heap).', withTag(a, raw, l10n)),
  },
  'pool.freeBig': {
    needs: ['address', 'tag', 'pages'],
    text: (a, l10n, raw) => l10n.t('ExFreePoolWithTag freed the big allocation at {address} (tag {tag}): its {pages} page(s) of {pool} went back to the memory manager.', withTag(a, raw, l10n)),
  },
  'ws.trimSystem': {
    needs: ['pages', 'toStandby', 'toModified'],
    text: (a, l10n) => l10n.t('{pages} paged pool page(s) left the paged pool working set (one of the system working sets): {toModified} to the modified list (dirty), {toStandby} to the standby list; their PTEs became transition PTEs, so the next access is a soft fault.', a),
  },
  'sys.kernelStack': {
    needs: ['tid', 'stackBase', 'stackLimit'],
    text: (a, l10n) => l10n.t('MmCreateKernelStack reserved system PTEs for thread {tid}: a guard page and a 24 KB kernel stack from {stackLimit} to {stackBase} (KTHREAD.StackLimit and StackBase), charged to the system commit. In the lab\'s model no physical pages are behind the stack.', a),
  },
  'sys.kernelStackFree': {
    needs: ['tid', 'stackBase', 'ptes'],
    text: (a, l10n) => l10n.t('Thread {tid} has terminated: its kernel stack below {stackBase} was deleted and its {ptes} system PTEs and commit returned. (Windows may keep a dead kernel stack cached for the next thread; the lab frees it at once.)', a),
  },
};
