// The handle side of the file and section system services, as replayable records logged by the
// machine's operation path (like the process manager's PsCall, ps/calls.ts): the part of
// NtCreateFile, NtCreateSection / NtOpenSection (CreateFileMapping, OpenFileMapping),
// NtMapViewOfSection / NtUnmapViewOfSection (MapViewOfFile(Ex), UnmapViewOfFile), NtFlushVirtualMemory
// (FlushViewOfFile) and NtReadVirtualMemory / NtWriteVirtualMemory (Read/WriteProcessMemory, through
// MmCopyVirtualMemory) that works on the calling process: its handle table (ObReferenceObjectByHandle
// with the granted access), object names (\BaseNamedObjects, \Sessions\<n>\BaseNamedObjects) and the
// object headers. The memory work is the memory manager's (mm/sectionApi.ts, mm/virtual.ts), which sees
// only address spaces. Windows Internals 7e ch. 5, "Section objects"; Part 2 ch. 8, "Object handles and
// the process handle table"; Microsoft Learn, NtCreateSection / NtMapViewOfSection (wdm.h).
import { MEM_IMAGE, MEM_PRIVATE, PAGE_EXECUTE_READWRITE, PAGE_NOACCESS, PAGE_SIZE_N } from '../constants';
import {
  CREATE_ALWAYS, CREATE_NEW, ERROR_ACCESS_DENIED, ERROR_FILE_NOT_FOUND, ERROR_INVALID_HANDLE,
  ERROR_INVALID_PARAMETER, ERROR_NOACCESS, ERROR_PARTIAL_COPY, FILE_MAP_COPY, FILE_MAP_EXECUTE, FILE_MAP_READ,
  FILE_MAP_WRITE, GENERIC_ALL, GENERIC_READ, GENERIC_WRITE, OPEN_ALWAYS, OPEN_EXISTING, PAGE_EXECUTE_WRITECOPY,
  PAGE_READWRITE, PAGE_WRITECOPY, PROCESS_VM_OPERATION, PROCESS_VM_READ, PROCESS_VM_WRITE, SECTION_ALL_ACCESS,
  SEC_IMAGE, TRUNCATE_EXISTING, MEM_COMMIT,
} from '../constants';
import { LastError, NtException } from '../errors';
import type { FileSystem } from '../io/fileSystem';
import { resolveObjectName } from '../ob/objectManager';
import type { ProcessObject } from '../process';
import type { MemoryManager } from '../mm/memoryManager';
import { PAGE_SIZE } from '../mm/memoryManager';
import type { SectionObject } from '../mm/section';
import { createSection, flushView, mapView, PartialCopy, preferredImageBase, unmapView } from '../mm/sectionApi';
import { virtualProtect, virtualQuery } from '../mm/virtual';
import { defineCalls, type CallResults } from './callTable';
import type { ProcessManager } from './processManager';
import { purgeCachedControlAreas } from '../mm/section';

const ERROR_FILE_EXISTS = 80;
const FILE_OBJECT_SIZE = 0xD8;
const SECTION_OBJECT_SIZE = 0x38;

export type SectionCall =
  | { call: 'createFile'; pid: number; path: string; access: number; share: number; disposition: number }
  | { call: 'createFileMapping'; pid: number; hFile: number; flProtect: number; maximumSize: bigint; name: string | null }
  | { call: 'openFileMapping'; pid: number; access: number; inherit: boolean; name: string }
  | { call: 'mapViewOfFile'; pid: number; hSection: number; access: number; offset: bigint; bytes: bigint; base: bigint }
  | { call: 'unmapViewOfFile'; pid: number; address: bigint }
  | { call: 'flushViewOfFile'; pid: number; address: bigint }
  | { call: 'readProcessMemory'; pid: number; hProcess: number; address: bigint; size: number }
  | { call: 'writeProcessMemory'; pid: number; hProcess: number; address: bigint; data: Uint8Array };

/** What the calls need from the System. */
export interface SectionContext {
  mm: MemoryManager;
  pm: ProcessManager;
  fs: FileSystem;
  live(pid: number): ProcessObject;
  /** A user-mode access in process `p` (faults as needed); loads fill `out`. */
  access(p: ProcessObject, va: number, size: number, data: Uint8Array | null, out?: Uint8Array): void;
}

/** Results that carry a handle and whether the object already existed (GetLastError = ERROR_ALREADY_EXISTS). */
export interface HandleResult { handle: number; existed: boolean }
/** Read/WriteProcessMemory results: bytes copied, and the bytes read. */
export interface CopyResult { copied: number; bytes: Uint8Array }

const fail = (code: number): never => { throw new LastError(code); };

/** One handler per call kind, given the calling process: the table's return types are the calls' results (SectionResults). */
const SECTION_CALLS = defineCalls<SectionCall, [SectionContext, ProcessObject]>()({
  createFile: (ctx, p, c) => createFile(ctx, p, c.path, c.access, c.share, c.disposition),
  createFileMapping: (ctx, p, c) => createFileMapping(ctx, p, c.hFile, c.flProtect, c.maximumSize, c.name),
  openFileMapping: (ctx, p, c) => openFileMapping(ctx, p, c.access, c.inherit, c.name),
  mapViewOfFile: (ctx, p, c): bigint => {
    const [section, granted] = sectionFromHandle(ctx, p, c.hSection);
    // The handle must grant what the view asks for.
    const need = (c.access & FILE_MAP_WRITE ? FILE_MAP_WRITE : 0) | (c.access & (FILE_MAP_READ | FILE_MAP_COPY) ? FILE_MAP_READ : 0) | (c.access & FILE_MAP_EXECUTE ? 0x8 : 0);
    if ((granted & need) !== need) fail(ERROR_ACCESS_DENIED);
    let base = c.base;
    if (base === 0n && section.controlArea.image) {
      // An image goes to its preferred base when that range is free.
      const preferred = preferredImageBase(ctx.mm, section);
      const first = Number(preferred / PAGE_SIZE_N);
      const next = p.vads.ceiling(first);
      if (preferred !== 0n && (!next || next.startVpn > first + section.controlArea.segment.totalPtes - 1)) base = preferred;
    }
    return mapView(ctx.mm, p, section, c.access, c.offset, c.bytes, base);
  },
  unmapViewOfFile: (ctx, p, c) => { unmapView(ctx.mm, p, c.address); },
  flushViewOfFile: (ctx, p, c) => { flushView(ctx.mm, p, c.address); },
  readProcessMemory: (ctx, p, c) => readProcessMemory(ctx, p, c.hProcess, c.address, c.size),
  writeProcessMemory: (ctx, p, c) => writeProcessMemory(ctx, p, c.hProcess, c.address, c.data),
});

/** What each kind of call returns. */
export type SectionResults = CallResults<typeof SECTION_CALLS.handlers>;
/** The result of one call, by its kind: `mapViewOfFile` is the view's base address. */
export type SectionResult<C extends SectionCall> = SectionResults[C['call']];
/** The kinds of call (for validation at the API boundary and for tests that cover every kind). */
export const SECTION_CALL_KINDS = SECTION_CALLS.kinds;
/** True when `call` names a file-mapping call (own keys only). */
export const isSectionCallKind = SECTION_CALLS.isKind;

/** Executes one call in the context of its calling process `c.pid` (inside the machine's operation path). */
export function applySectionCall<C extends SectionCall>(ctx: SectionContext, c: C): SectionResult<C> {
  if (!isSectionCallKind(c.call)) fail(ERROR_INVALID_PARAMETER);
  return SECTION_CALLS.apply(ctx, ctx.live(c.pid), c);
}

/** CreateFileW: a FILE object over the simulated volume. */
function createFile(ctx: SectionContext, p: ProcessObject, path: string, access: number, _share: number, disposition: number): HandleResult {
  if (typeof path !== 'string' || !Number.isInteger(access) || !Number.isInteger(disposition)) fail(ERROR_INVALID_PARAMETER);
  if (disposition < CREATE_NEW || disposition > TRUNCATE_EXISTING) fail(ERROR_INVALID_PARAMETER);
  const fs = ctx.fs;
  if (fs.isDirectory(path)) fail(ERROR_ACCESS_DENIED);
  const exists = fs.getFile(path) !== undefined;
  const a = access >>> 0;
  const writable = (a & (GENERIC_WRITE | GENERIC_ALL)) !== 0;
  if (disposition === CREATE_NEW && exists) fail(ERROR_FILE_EXISTS);
  if ((disposition === OPEN_EXISTING || disposition === TRUNCATE_EXISTING) && !exists) {
    const code = fs.openError(path);
    fail(code === 0 ? ERROR_FILE_NOT_FOUND : code);
  }
  if (disposition === TRUNCATE_EXISTING && !writable) fail(ERROR_INVALID_PARAMETER);
  if (!exists || disposition === CREATE_ALWAYS || disposition === TRUNCATE_EXISTING) {
    if (!exists && fs.openError(path) !== 0 && fs.openError(path) !== ERROR_FILE_NOT_FOUND) fail(fs.openError(path));
    // Truncating drops a control area kept as cache for the file (its pages would be stale).
    if (exists) purgeCachedControlAreas(ctx.mm, fs.getFile(path)!.fileId);
    fs.createFile(path, new Uint8Array(0));
  }
  const file = fs.getFile(path)!;
  const header = ctx.pm.ob.create('File', file.fileId, FILE_OBJECT_SIZE, null);
  header.pointerCount = 0;
  const granted = (a & GENERIC_ALL ? GENERIC_READ | GENERIC_WRITE : a & (GENERIC_READ | GENERIC_WRITE)) >>> 0;
  const handle = ctx.pm.insertHandle(p, header.objectId, granted);
  const t = ctx.mm.trace;
  t.step('file.create')?.n(p.pid).s(file.path).n(handle).n(granted).change('file', file.fileId).change('process', p.pid);
  return { handle, existed: exists && (disposition === OPEN_ALWAYS || disposition === CREATE_ALWAYS) };
}

function fileFromHandle(ctx: SectionContext, p: ProcessObject, handle: number): { fileId: number; granted: number } {
  const e = ctx.pm.state(p).handles.get(handle);
  const h = e ? ctx.pm.ob.get(e.objectId) : undefined;
  if (!e || !h || h.typeName !== 'File') fail(ERROR_INVALID_HANDLE);
  return { fileId: h!.key, granted: e!.grantedAccess };
}

function sectionFromHandle(ctx: SectionContext, p: ProcessObject, handle: number): [SectionObject, number] {
  const e = ctx.pm.state(p).handles.get(handle);
  const h = e ? ctx.pm.ob.get(e.objectId) : undefined;
  const section = h ? ctx.mm.sectionRegistry.sections.get(h.objectId) : undefined;
  if (!e || !h || h.typeName !== 'Section' || !section) fail(ERROR_INVALID_HANDLE);
  return [section!, e!.grantedAccess];
}

/** CreateFileMappingW: NtCreateSection, or the existing object of that name (ERROR_ALREADY_EXISTS). */
function createFileMapping(ctx: SectionContext, p: ProcessObject, hFile: number, flProtect: number, maximumSize: bigint, name: string | null): HandleResult {
  if (!Number.isInteger(hFile)) fail(ERROR_INVALID_HANDLE);
  const ob = ctx.pm.ob;
  let fullName: string | null = null;
  if (name !== null && name !== undefined) {
    fullName = resolveObjectName(name, p.sessionId);
    const existing = ob.lookup(fullName);
    if (existing) {
      if (existing.typeName !== 'Section') fail(ERROR_INVALID_HANDLE);
      const handle = ctx.pm.insertHandle(p, existing.objectId, SECTION_ALL_ACCESS);
      const t = ctx.mm.trace;
      const section = ctx.mm.sectionRegistry.sections.get(existing.objectId)!;
      t.step('section.open')?.n(p.pid).n(section.controlArea.id).s(fullName).change('object', section.controlArea.id).change('process', p.pid);
      return { handle, existed: true };
    }
  }
  let file = null;
  let fileWritable = false;
  if (hFile !== -1 && hFile !== 0xFFFFFFFF) {
    const f = fileFromHandle(ctx, p, hFile);
    file = ctx.fs.getFileById(f.fileId) ?? fail(ERROR_INVALID_HANDLE);
    fileWritable = (f.granted & GENERIC_WRITE) !== 0;
    if (!(f.granted & GENERIC_READ)) fail(ERROR_ACCESS_DENIED);
  } else if ((flProtect >>> 0) & SEC_IMAGE) {
    fail(ERROR_INVALID_PARAMETER);
  }
  const header = ob.create('Section', 0, SECTION_OBJECT_SIZE, fullName);
  try {
    createSection(ctx.mm, p, { file, fileWritable, flProtect, maximumSize, name: fullName }, header.objectId);
  } catch (e) {
    // Nothing created: drop the header (and its name) again.
    header.pointerCount = 1;
    ob.dereference(header.objectId);
    throw e;
  }
  header.pointerCount = 0;
  const handle = ctx.pm.insertHandle(p, header.objectId, SECTION_ALL_ACCESS);
  return { handle, existed: false };
}

/** OpenFileMappingW: a handle to a named section, or ERROR_FILE_NOT_FOUND. */
function openFileMapping(ctx: SectionContext, p: ProcessObject, access: number, inherit: boolean, name: string): HandleResult {
  if (!Number.isInteger(access)) fail(ERROR_INVALID_PARAMETER);
  const fullName = resolveObjectName(name, p.sessionId);
  const existing = ctx.pm.ob.lookup(fullName);
  if (!existing) fail(ERROR_FILE_NOT_FOUND);
  if (existing!.typeName !== 'Section') fail(ERROR_INVALID_HANDLE);
  const a = access >>> 0;
  // FILE_MAP_* rights map onto SECTION_MAP_* (FILE_MAP_COPY asks for read access).
  const granted = (a & FILE_MAP_COPY ? FILE_MAP_READ : 0) | (a & (FILE_MAP_READ | FILE_MAP_WRITE | 0x8 | 0x1 | 0x10 | 0xF0000)) | (a & FILE_MAP_EXECUTE ? 0x8 : 0);
  const handle = ctx.pm.insertHandle(p, existing!.objectId, granted, !!inherit);
  const section = ctx.mm.sectionRegistry.sections.get(existing!.objectId)!;
  const t = ctx.mm.trace;
  t.step('section.open')?.n(p.pid).n(section.controlArea.id).s(fullName).change('object', section.controlArea.id).change('process', p.pid);
  return { handle, existed: true };
}

/** ReadProcessMemory: MmCopyVirtualMemory from the target (pages fault in there, as they would). */
function readProcessMemory(ctx: SectionContext, caller: ProcessObject, hProcess: number, address: bigint, size: number): CopyResult {
  if (typeof address !== 'bigint' || !Number.isInteger(size) || size < 0 || size > 64 * 1024 * 1024) fail(ERROR_INVALID_PARAMETER);
  const target = ctx.pm.processFromHandle(caller, hProcess, PROCESS_VM_READ);
  const out = new Uint8Array(size);
  let done = 0;
  while (done < size) {
    const cur = address + BigInt(done);
    const len = Math.min(size - done, PAGE_SIZE - Number(cur % PAGE_SIZE_N));
    try {
      if (cur < 0n || cur + BigInt(len) > 0x7FFFFFFF0000n) throw new NtException(0xC0000005, cur, false);
      const chunk = new Uint8Array(len);
      ctx.access(target, Number(cur), len, null, chunk);
      out.set(chunk, done);
    } catch (e) {
      if (!(e instanceof NtException)) throw e;
      throw new PartialCopy(done, done > 0 ? ERROR_PARTIAL_COPY : ERROR_NOACCESS);
    }
    done += len;
  }
  return { copied: done, bytes: out };
}

/**
 * WriteProcessMemory: how a debugger plants a breakpoint. A read-only page is made writable for the
 * write and given its protection back (an image page becomes a private copy on the way).
 */
function writeProcessMemory(ctx: SectionContext, caller: ProcessObject, hProcess: number, address: bigint, data: Uint8Array): CopyResult {
  if (typeof address !== 'bigint' || !(data instanceof Uint8Array)) fail(ERROR_INVALID_PARAMETER);
  const target = ctx.pm.processFromHandle(caller, hProcess, PROCESS_VM_WRITE | PROCESS_VM_OPERATION);
  let done = 0;
  while (done < data.length) {
    const cur = address + BigInt(done);
    const len = Math.min(data.length - done, PAGE_SIZE - Number(cur % PAGE_SIZE_N));
    let restore = -1;
    try {
      let mbi;
      try { mbi = virtualQuery(ctx.mm, target, cur); } catch { mbi = null; }
      if (!mbi || mbi.State !== MEM_COMMIT) throw new NtException(0xC0000005, cur, true);
      const prot = mbi.Protect & 0xFF;
      const writable = prot === PAGE_READWRITE || prot === PAGE_EXECUTE_READWRITE || prot === PAGE_WRITECOPY || prot === PAGE_EXECUTE_WRITECOPY;
      if (!writable && prot !== PAGE_NOACCESS) {
        const temp = mbi.Type === MEM_IMAGE || prot === PAGE_WRITECOPY ? (prot & 0xF0 ? PAGE_EXECUTE_WRITECOPY : PAGE_WRITECOPY) : PAGE_READWRITE;
        restore = virtualProtect(ctx.mm, target, cur, BigInt(len), mbi.Type === MEM_PRIVATE ? PAGE_READWRITE : temp);
      }
      ctx.access(target, Number(cur), len, data.subarray(done, done + len));
    } catch (e) {
      if (!(e instanceof NtException) && !(e instanceof LastError)) throw e;
      throw new PartialCopy(done, done > 0 ? ERROR_PARTIAL_COPY : ERROR_NOACCESS);
    } finally {
      if (restore >= 0) virtualProtect(ctx.mm, target, cur, BigInt(len), restore);
    }
    done += len;
  }
  return { copied: done, bytes: new Uint8Array(0) };
}

