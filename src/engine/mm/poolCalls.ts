// The pool's calls as replayable records (logged by the machine's operation path like the heap calls): a
// driver's ExAllocatePoolWithTag / ExFreePoolWithTag, an access to a pool address (which faults a trimmed
// paged pool page back), and trimming the system working set. The executive's own objects take the same
// routines from inside other operations (ob/objectManager.ts).
import { ERROR_INVALID_PARAMETER } from '../constants';
import { LastError } from '../errors';
import type { MemoryManager } from './memoryManager';
import { ExAllocatePoolWithTag, ExFreePoolWithTag, locatePool, NonPagedPool, PAGE_SMALL, PAGE_BIG_HEAD, PAGE_BIG_TAIL, PagedPool, tagValue } from './pool';
import { MiTrimSystemWorkingSet, poolPageResident } from './systemPages';

export type PoolCall =
  | { call: 'alloc'; poolType: number; bytes: number; tag: string }
  | { call: 'free'; address: bigint; tag: string }
  | { call: 'access'; address: bigint; write: boolean }
  | { call: 'trim'; pages: number };

/** Field types of each call kind (letters as operations.ts). */
export const POOL_FIELDS: Readonly<Record<PoolCall['call'], Readonly<Record<string, string>>>> = {
  alloc: { poolType: 'n', bytes: 'n', tag: 's' },
  free: { address: 'a', tag: 's' },
  access: { address: 'a', write: 'b' },
  trim: { pages: 'n' },
};

export function isPoolCallKind(call: unknown): call is PoolCall['call'] {
  return typeof call === 'string' && Object.prototype.hasOwnProperty.call(POOL_FIELDS, call);
}

interface PoolResults { alloc: bigint; free: void; access: void; trim: number }
export type PoolResult<C extends PoolCall> = PoolResults[C['call']];

/** A pool tag is four characters (ASCII); shorter ones are padded with spaces as the kernel's tags are. */
function checkedTag(tag: string): number {
  if (tag.length === 0 || tag.length > 4 || !/^[\x20-\x7E]+$/.test(tag)) throw new LastError(ERROR_INVALID_PARAMETER);
  return tagValue(tag.padEnd(4, ' '));
}

export function applyPoolCall(mm: MemoryManager, call: PoolCall): unknown {
  const space = mm.systemSpace;
  if (!space) throw new LastError(ERROR_INVALID_PARAMETER);
  switch (call.call) {
    case 'alloc': {
      if (call.poolType !== NonPagedPool && call.poolType !== PagedPool) throw new LastError(ERROR_INVALID_PARAMETER);
      if (!Number.isSafeInteger(call.bytes) || call.bytes <= 0) throw new LastError(ERROR_INVALID_PARAMETER);
      return ExAllocatePoolWithTag(mm, space, call.poolType, call.bytes, checkedTag(call.tag));
    }
    case 'free': ExFreePoolWithTag(mm, space, call.address, checkedTag(call.tag)); return undefined;
    case 'access': {
      const at = locatePool(space, call.address);
      const kind = at && at.index < at.region.highWater ? at.region.kind[at.index] : undefined;
      if (!at || (kind !== PAGE_SMALL && kind !== PAGE_BIG_HEAD && kind !== PAGE_BIG_TAIL)) throw new LastError(ERROR_INVALID_PARAMETER);
      poolPageResident(mm, space, at.region, at.index, call.write);
      return undefined;
    }
    case 'trim': {
      if (!Number.isSafeInteger(call.pages) || call.pages < 0) throw new LastError(ERROR_INVALID_PARAMETER);
      return MiTrimSystemWorkingSet(mm, space, call.pages, 'trimSystemWorkingSet');
    }
  }
}
