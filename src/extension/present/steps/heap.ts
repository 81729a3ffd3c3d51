// Step texts: the heap manager (Windows Internals 7e, ch. 5, "Heap manager": process heaps, the NT heap's
// back end and LFH front end, heap security features) and the CRT above it (Microsoft Learn: HeapAlloc,
// HeapFree, HeapReAlloc, HeapCreate, HeapDestroy; the UCRT's malloc/free allocate from the process heap).
import type { StepTexts } from './text';

export const HEAP_TEXTS: StepTexts = {
  'heap.create': {
    needs: ['pid', 'heap', 'reserve', 'type'],
    text: (a, l10n, raw) => raw.args.maximumSize === 0
      ? l10n.t('Process {pid} created a growable {type} heap at {heap}: its first segment reserves {reserve} bytes with NtAllocateVirtualMemory; more segments are added as it fills.', a)
      : l10n.t('Process {pid} created a fixed-size {type} heap at {heap}: {reserve} bytes reserved, which it can never grow past.', a),
  },
  'heap.destroy': {
    needs: ['pid', 'heap', 'segments'],
    text: (a, l10n) => l10n.t('Process {pid} destroyed the heap at {heap}: its {segments} segment(s) and every large block were released with NtFreeVirtualMemory.', a),
  },
  'heap.alloc': {
    needs: ['pid', 'heap', 'bytes', 'address'],
    text: (a, l10n, raw) => raw.args.address === 0n
      ? l10n.t('RtlAllocateHeap could not find {bytes} bytes in the heap at {heap} (HeapAlloc returns NULL).', a)
      : raw.args.frontEnd === true
        ? l10n.t('HeapAlloc (kernel32 forwards it to RtlAllocateHeap) returned {address}: {bytes} bytes from the low-fragmentation heap of the heap at {heap}.', a)
        : l10n.t('HeapAlloc (kernel32 forwards it to RtlAllocateHeap) returned {address}: {bytes} bytes from the back end of the heap at {heap}.', a),
  },
  // A segment heap (Windows Internals 7e ch. 5, "Segment heap": its own back end, variable-size (VS) and large-block
  // components and LFH) is told with its own sentences that say where the lab simplifies it, never with the NT heap's.
  'heap.backEndAlloc': {
    needs: ['address', 'bytes', 'blockSize'],
    text: (a, l10n, raw) => raw.args.segmentHeap === true
      ? l10n.t('The lab\'s model of the segment heap: the {blockSize}-byte block for {bytes} bytes at {address} came from free lists kept like the NT heap\'s back end. A real segment heap serves a block of this size from its variable-size (VS) allocator or its back end, with their own headers; the lab does not simulate those internals.', a)
      : l10n.t('The back end took a free block of the right size from the free lists (split if larger): a {blockSize}-byte block with a 16-byte _HEAP_ENTRY header in front of the {bytes} bytes at {address}.', a),
  },
  'heap.commit': {
    needs: ['heap', 'address', 'size'],
    text: (a, l10n) => l10n.t('No free block was large enough, so the heap committed {size} more bytes of its segment at {address} (NtAllocateVirtualMemory with MEM_COMMIT); the pages fault in when first touched.', a),
  },
  'heap.extend': {
    needs: ['heap', 'segment', 'reserve', 'segments'],
    text: (a, l10n) => l10n.t('The heap at {heap} was full, so it reserved a new segment of {reserve} bytes at {segment} and committed its first pages: the heap now has {segments} segments.', a),
  },
  'heap.virtualAlloc': {
    needs: ['address', 'bytes', 'size'],
    text: (a, l10n, raw) => raw.args.segmentHeap === true
      ? l10n.t('{bytes} bytes got their own NtAllocateVirtualMemory allocation of {size} bytes (the data at {address}). A segment heap serves its large blocks this way too, with its own size limit and bookkeeping; the lab\'s model uses the NT heap\'s VirtualMemoryThreshold and header for it.', a)
      : l10n.t('{bytes} bytes is above the heap\'s VirtualMemoryThreshold, so the block got its own NtAllocateVirtualMemory allocation of {size} bytes (a _HEAP_VIRTUAL_ALLOC_ENTRY in front, the data at {address}).', a),
  },
  'heap.virtualFree': {
    needs: ['address', 'size'],
    text: (a, l10n) => l10n.t('The large block at {address} was released with NtFreeVirtualMemory: its {size} bytes of address space are free again.', a),
  },
  'heap.lfhActivate': {
    needs: ['heap', 'blockSize', 'allocations'],
    text: (a, l10n, raw) => raw.args.segmentHeap === true
      ? l10n.t('The segment heap at {heap} turned its low-fragmentation heap on for {blockSize}-byte blocks. The segment heap has its own LFH and its own rule for turning it on; the lab\'s model applies the NT heap\'s rule here ({allocations} allocations of the size first).', a)
      : l10n.t('After {allocations} back-end allocations of {blockSize}-byte blocks, the heap turned the low-fragmentation heap on for that size: the next ones come from LFH buckets.', a),
  },
  'heap.lfhSubsegment': {
    needs: ['userBlocks', 'blockSize', 'slots'],
    text: (a, l10n) => l10n.t('The LFH took a new subsegment from the back end: user blocks at {userBlocks} cut into {slots} slots of {blockSize} bytes.', a),
  },
  'heap.lfhAlloc': {
    needs: ['address', 'blockSize', 'slot', 'freeSlots'],
    text: (a, l10n) => l10n.t('The LFH gave slot {slot} ({blockSize} bytes, chosen at random among the free ones) at {address}; {freeSlots} slot(s) of the subsegment are still free.', a),
  },
  'heap.lfhFree': {
    needs: ['address', 'freeSlots'],
    text: (a, l10n) => l10n.t('The block at {address} went back to its LFH subsegment ({freeSlots} free slot(s)); the back end is not involved.', a),
  },
  'heap.free': {
    needs: ['pid', 'heap', 'address'],
    text: (a, l10n) => l10n.t('HeapFree (RtlFreeHeap) freed the block at {address} in the heap at {heap}.', a),
  },
  'heap.backEndFree': {
    needs: ['address', 'blockSize'],
    text: (a, l10n) => l10n.t('The back end marked the {blockSize}-byte block at {address} free and put it on the free lists.', a),
  },
  'heap.coalesce': {
    needs: ['address', 'size', 'merged'],
    text: (a, l10n) => l10n.t('The freed block was merged with {merged} free neighbour(s) into one free block of {size} bytes at {address}, so the heap does not fragment.', a),
  },
  'heap.decommit': {
    needs: ['address', 'size'],
    text: (a, l10n) => l10n.t('The heap holds a lot of free memory, so the whole pages inside the large free block were decommitted: {size} bytes at {address} are reserved only again (NtFreeVirtualMemory with MEM_DECOMMIT).', a),
  },
  'heap.reAlloc': {
    needs: ['address', 'bytes', 'newAddress'],
    text: (a, l10n, raw) => raw.args.inPlace === true
      ? l10n.t('HeapReAlloc resized the block at {address} to {bytes} bytes in place.', a)
      : l10n.t('HeapReAlloc could not resize the block at {address} in place: it allocated {bytes} bytes at {newAddress}, copied the contents and freed the old block.', a),
  },
  'heap.corruption': {
    needs: ['heap', 'address', 'call'],
    text: (a, l10n) => l10n.t('{address} is not a busy block of the heap at {heap} (freed twice, never allocated, or inside a block): RtlpLogHeapFailure reports heap corruption in the call ({call}).', a),
  },
  // Termination on corruption is on for every 64-bit process (Raymond Chen, "Brief Q&A on the
  // HeapEnableTerminationOnCorruption heap information flag", The Old New Thing, 2013; Microsoft Learn,
  // HeapSetInformation: the heap manager "calls the Windows Error Reporting service and terminates the process").
  'heap.terminate': {
    needs: ['pid', 'address', 'call'],
    text: (a, l10n) => l10n.t('Heap corruption ends process {pid}: termination on corruption is on for every 64-bit process, so the heap manager does not return from the call ({call} of {address}); the process exits with STATUS_HEAP_CORRUPTION (0xC0000374). The lab treats every process by the 64-bit rule.', a),
  },
  'heap.malloc': {
    needs: ['bytes', 'address'],
    text: (a, l10n) => l10n.t('malloc({bytes}) in the C runtime (ucrtbase.dll) called HeapAlloc on the process heap and returned {address}.', a),
  },
  'heap.crtFree': {
    needs: ['address'],
    text: (a, l10n) => l10n.t('free({address}) in the C runtime called HeapFree on the process heap.', a),
  },
};
