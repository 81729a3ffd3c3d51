// The object manager: object headers at stable simulated kernel addresses, per-process handle tables
// with granted access, the CID table (PspCidTable: process and thread ids from one table), and the
// named-object namespace (\BaseNamedObjects and \Sessions\<n>\BaseNamedObjects, reached from Win32
// names through the Global\ and Local\ prefixes).
import { ERROR_COMMITMENT_LIMIT, ERROR_INVALID_NAME, ERROR_NO_SYSTEM_RESOURCES, ERROR_PATH_NOT_FOUND } from '../constants';
import { LastError } from '../errors';
import type { MemoryManager } from '../mm/memoryManager';
import { ExAllocatePoolWithTag, ExFreePoolWithTag, NonPagedPool, PagedPool, tagValue, type PoolType } from '../mm/pool';

export type ObjectTypeName = 'Process' | 'Thread' | 'Job' | 'Token' | 'File' | 'Section' | 'Event' | 'Key' | 'DebugObject' | 'Directory';

/** OBJECT_HEADER.TypeIndex values of a Windows 10 22H2 system (before the ObHeaderCookie XOR). */
export const OBJECT_TYPE_INDEX: Record<ObjectTypeName, number> = {
  Process: 7, Thread: 8, Job: 6, Token: 5, File: 37, Section: 44, Event: 16, Key: 46, DebugObject: 11, Directory: 3,
};

/** sizeof(OBJECT_HEADER) up to Body on x64. */
export const OBJECT_HEADER_SIZE = 0x30;

/**
 * The pool each object type's objects come from and its pool tag: OBJECT_TYPE_INITIALIZER.PoolType, and the
 * type's Key, the first four characters of its name, which ObCreateObject passes to ExAllocatePoolWithTag
 * (Windows Internals 7th ed., Part 2, ch. 8, "Object manager" ("Object types"); `!poolused` on Windows
 * lists 'Proc', 'Thre', 'Toke'...). Processes, threads, jobs, events, files and debug objects are in nonpaged pool;
 * tokens, sections, keys and directories in paged pool.
 */
export const OBJECT_POOL: Record<ObjectTypeName, { poolType: PoolType; tag: number }> = {
  Process: { poolType: NonPagedPool, tag: tagValue('Proc') },
  Thread: { poolType: NonPagedPool, tag: tagValue('Thre') },
  Job: { poolType: NonPagedPool, tag: tagValue('Job ') },
  Token: { poolType: PagedPool, tag: tagValue('Toke') },
  File: { poolType: NonPagedPool, tag: tagValue('File') },
  Section: { poolType: PagedPool, tag: tagValue('Sect') },
  Event: { poolType: NonPagedPool, tag: tagValue('Even') },
  Key: { poolType: PagedPool, tag: tagValue('Key ') },
  DebugObject: { poolType: NonPagedPool, tag: tagValue('Debu') },
  Directory: { poolType: PagedPool, tag: tagValue('Dire') },
};

/** An object header with what the views need: the body's address and the reference counts. */
export interface ObjectHeader {
  objectId: number;
  typeName: ObjectTypeName;
  /** The key of the typed object: pid, tid, job id, token id, or the caller's own id. */
  key: number;
  /** Address of the object body (EPROCESS, ETHREAD, EJOB, TOKEN...); the OBJECT_HEADER is 0x30 bytes below. */
  address: bigint;
  /** The pool block holding the header and body (what ExFreePoolWithTag gets when the object is deleted). */
  poolBlock: bigint;
  /** Full name in the namespace, e.g. \BaseNamedObjects\MyJob, or null. */
  name: string | null;
  handleCount: number;
  pointerCount: number;
}

/** One HANDLE_TABLE_ENTRY. */
export interface HandleEntry { objectId: number; grantedAccess: number; inherit: boolean }

/** A process's handle table (ObjectTable): handle values are multiples of 4, freed values are reused first. */
export class HandleTable {
  entries = new Map<number, HandleEntry>();
  private free: number[] = [];
  private next = 4;

  insert(entry: HandleEntry): number {
    const h = this.free.length ? this.free.pop()! : (this.next += 4) - 4;
    this.entries.set(h, entry);
    return h;
  }

  /** Inserts at a given value (handle inheritance keeps the parent's values). */
  insertAt(handle: number, entry: HandleEntry): void {
    this.entries.set(handle, entry);
    const i = this.free.indexOf(handle);
    if (i >= 0) this.free.splice(i, 1);
    while (this.next <= handle) { if (this.next !== handle && !this.entries.has(this.next)) this.free.push(this.next); this.next += 4; }
  }

  get(handle: number): HandleEntry | undefined { return this.entries.get(handle); }

  remove(handle: number): HandleEntry | undefined {
    const e = this.entries.get(handle);
    if (!e) return undefined;
    this.entries.delete(handle);
    this.free.push(handle);
    return e;
  }

  get count(): number { return this.entries.size; }

  /** The first handle value never handed out: the table's entries reach this far. */
  get highWater(): number { return this.next; }

  clone(): HandleTable {
    const t = new HandleTable();
    for (const [h, e] of this.entries) t.entries.set(h, { ...e });
    t.free = this.free.slice();
    t.next = this.next;
    return t;
  }
}

/**
 * PspCidTable: process and thread ids come from one handle table, so they never collide. Ids are
 * handed out in order (4, 8, 12...) and a freed id waits in a FIFO before reuse, as the real table's
 * free list delays reuse.
 */
export class CidTable {
  private next = 4;
  private freed: number[] = [];
  private freedHead = 0;
  /** Live ids -> 'p' | 't'. */
  readonly live = new Map<number, 'p' | 't'>();
  private static readonly REUSE_DELAY = 128;

  allocate(kind: 'p' | 't'): number {
    let id: number;
    if (this.freed.length - this.freedHead > CidTable.REUSE_DELAY) id = this.freed[this.freedHead++]!;
    else { id = this.next; this.next += 4; }
    if (this.freedHead > 1024 && this.freedHead * 2 > this.freed.length) { this.freed = this.freed.slice(this.freedHead); this.freedHead = 0; }
    this.live.set(id, kind);
    return id;
  }

  free(id: number): void {
    if (this.live.delete(id)) this.freed.push(id);
  }

  /** The first id never handed out: the table's entries reach this far. */
  get highWater(): number { return this.next; }

  clone(): CidTable {
    const c = new CidTable();
    c.next = this.next;
    c.freed = this.freed.slice(this.freedHead);
    for (const [k, v] of this.live) c.live.set(k, v);
    return c;
  }
}

/** Object headers, addresses and the namespace. */
export class ObjectManager {
  readonly objects = new Map<number, ObjectHeader>();
  /** Lowercase full name -> objectId. */
  readonly namespace = new Map<string, number>();
  private nextObjectId = 1;

  constructor(
    /** Base of the nonpaged pool region objects live in (randomized from the seed). */
    readonly poolBase: bigint,
    /** The memory manager whose pools objects are allocated from (the live one, or a clone's). */
    private readonly mmOf: () => MemoryManager,
  ) {}

  /**
   * ObCreateObject: the header and body in one pool block of the type's pool and tag (ExAllocatePoolWithTag);
   * the address is stable for the object's lifetime. No pool left: ERROR_NO_SYSTEM_RESOURCES
   * (STATUS_INSUFFICIENT_RESOURCES), or ERROR_COMMITMENT_LIMIT when it is the commit limit that keeps the pool
   * from growing (the failure the Win32 layer reports for any creation at the commit limit here).
   */
  create(typeName: ObjectTypeName, key: number, bodySize: number, name: string | null = null): ObjectHeader {
    const { poolType, tag } = OBJECT_POOL[typeName];
    const block = this.allocate(poolType, OBJECT_HEADER_SIZE + bodySize, tag);
    const header: ObjectHeader = {
      objectId: this.nextObjectId++, typeName, key, name,
      address: block + BigInt(OBJECT_HEADER_SIZE), poolBlock: block, handleCount: 0, pointerCount: 1,
    };
    this.objects.set(header.objectId, header);
    if (name) this.namespace.set(name.toLowerCase(), header.objectId);
    return header;
  }

  /** Pool memory that is not an object (W32PROCESS, CSR structures' kernel shadows...): a pool block with a header of its own. */
  allocatePool(size: number, poolType: PoolType, tag: number): bigint {
    return this.allocate(poolType, size, tag);
  }

  /** ExFreePoolWithTag for a block allocatePool gave. */
  freePool(address: bigint, tag: number): void {
    const mm = this.mmOf();
    if (mm.systemSpace) ExFreePoolWithTag(mm, mm.systemSpace, address, tag);
  }

  private allocate(poolType: PoolType, bytes: number, tag: number): bigint {
    const mm = this.mmOf();
    const space = mm.systemSpace;
    if (!space) throw new Error('ObjectManager: the system address space is not set up');
    const block = ExAllocatePoolWithTag(mm, space, poolType, bytes, tag);
    if (block === 0n) throw new LastError(mm.canCharge(1) ? ERROR_NO_SYSTEM_RESOURCES : ERROR_COMMITMENT_LIMIT);
    return block;
  }

  get(objectId: number): ObjectHeader | undefined { return this.objects.get(objectId); }

  lookup(fullName: string): ObjectHeader | undefined {
    const id = this.namespace.get(fullName.toLowerCase());
    return id === undefined ? undefined : this.objects.get(id);
  }

  /** Drops one pointer reference; returns true when the object is gone (no handles, no references). */
  dereference(objectId: number): boolean {
    const h = this.objects.get(objectId);
    if (!h) return true;
    h.pointerCount = Math.max(0, h.pointerCount - 1);
    return this.maybeDelete(h);
  }

  /** Called after a handle is closed. Returns true when the object is gone. */
  handleClosed(objectId: number): boolean {
    const h = this.objects.get(objectId);
    if (!h) return true;
    h.handleCount = Math.max(0, h.handleCount - 1);
    h.pointerCount = Math.max(0, h.pointerCount - 1);
    return this.maybeDelete(h);
  }

  private maybeDelete(h: ObjectHeader): boolean {
    if (h.handleCount > 0 || h.pointerCount > 0) return false;
    this.objects.delete(h.objectId);
    // ObpFreeObject: the object's pool block goes back with the type's tag.
    const mm = this.mmOf();
    if (mm.systemSpace) ExFreePoolWithTag(mm, mm.systemSpace, h.poolBlock, OBJECT_POOL[h.typeName].tag);
    if (h.name && this.namespace.get(h.name.toLowerCase()) === h.objectId) this.namespace.delete(h.name.toLowerCase());
    return true;
  }

  clone(mmOf: () => MemoryManager): ObjectManager {
    const m = new ObjectManager(this.poolBase, mmOf);
    for (const [id, h] of this.objects) m.objects.set(id, { ...h });
    for (const [k, v] of this.namespace) m.namespace.set(k, v);
    m.nextObjectId = this.nextObjectId;
    return m;
  }
}

/**
 * The full namespace path of a Win32 object name in a session: Global\x -> \BaseNamedObjects\x;
 * Local\x and plain x -> \Sessions\<n>\BaseNamedObjects\x (session 0 uses \BaseNamedObjects).
 * Throws LastError for a malformed name.
 */
export function resolveObjectName(name: string, sessionId: number): string {
  if (typeof name !== 'string' || name.length === 0 || name.length > 32767) throw new LastError(ERROR_INVALID_NAME);
  let rest = name;
  let global = sessionId === 0;
  if (/^global\\/i.test(rest)) { rest = rest.slice(7); global = true; } else if (/^local\\/i.test(rest)) rest = rest.slice(6);
  if (rest.length === 0) throw new LastError(ERROR_INVALID_NAME);
  // Names below BaseNamedObjects cannot contain further path separators (there is no such directory).
  if (rest.includes('\\')) throw new LastError(ERROR_PATH_NOT_FOUND);
  return global ? `\\BaseNamedObjects\\${rest}` : `\\Sessions\\${sessionId}\\BaseNamedObjects\\${rest}`;
}
