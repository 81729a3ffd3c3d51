// The memory-manager side of CreateFileMapping / MapViewOfFile / UnmapViewOfFile / FlushViewOfFile and
// Read/WriteProcessMemory (NtCreateSection, NtMapViewOfSection, NtUnmapViewOfSection,
// NtFlushVirtualMemory, MmCopyVirtualMemory). Handles and names are the object manager's business;
// these functions work on section objects and processes, and throw LastError with the Win32 code.
import {
  ALLOCATION_GRANULARITY, ERROR_ACCESS_DENIED, ERROR_BAD_EXE_FORMAT, ERROR_COMMITMENT_LIMIT, ERROR_FILE_INVALID,
  ERROR_INVALID_ADDRESS, ERROR_INVALID_PARAMETER, ERROR_MAPPED_ALIGNMENT, ERROR_NOACCESS, ERROR_NOT_ENOUGH_MEMORY,
  ERROR_PARTIAL_COPY, ERROR_PRIVILEGE_NOT_HELD, FILE_MAP_COPY, FILE_MAP_EXECUTE, FILE_MAP_LARGE_PAGES, FILE_MAP_READ,
  FILE_MAP_TARGETS_INVALID, FILE_MAP_WRITE, MM_HIGHEST_VAD_ADDRESS, MM_LOWEST_USER_ADDRESS, PAGE_EXECUTE_READ,
  PAGE_EXECUTE_READWRITE, PAGE_EXECUTE_WRITECOPY, PAGE_READONLY, PAGE_READWRITE, PAGE_WRITECOPY, SEC_COMMIT,
  SEC_IMAGE, SEC_IMAGE_NO_EXECUTE, SEC_LARGE_PAGES, SEC_NOCACHE, SEC_RESERVE, SEC_WRITECOMBINE,
  SEC_FILE, PAGE_NOCACHE, PAGE_WRITECOMBINE,
} from '../constants';
import { LastError, NtException } from '../errors';
import type { SimFile } from '../io/fileSystem';
import { parseImage, PeFormatError, sectionProtection } from '../io/pe';
import type { AddressSpace } from './addressSpace';
import type { MemoryManager } from './memoryManager';
import { PAGE_SIZE } from './memoryManager';
import { MiMappedPageWriter } from './writer';
import { win32ToMmProtection } from './protection';
import {
  commitProtoPtes, ControlArea, createControlArea, deleteControlArea, dereferenceControlArea, protoCommitted,
  SectionObject, Subsection,
} from './section';
import { Vad, VadType } from './vad';

const PAGE = BigInt(PAGE_SIZE);
const GRANULARITY = BigInt(ALLOCATION_GRANULARITY);
const fail = (code: number): never => { throw new LastError(code); };
const SEC_FLAGS = SEC_COMMIT | SEC_RESERVE | SEC_IMAGE | SEC_NOCACHE | SEC_WRITECOMBINE | SEC_LARGE_PAGES | SEC_FILE | SEC_IMAGE_NO_EXECUTE;
const SECTION_PAGE_PROTECTIONS = [PAGE_READONLY, PAGE_READWRITE, PAGE_WRITECOPY, PAGE_EXECUTE_READ, PAGE_EXECUTE_READWRITE, PAGE_EXECUTE_WRITECOPY];

export interface CreateSectionRequest {
  /** The file to map, or null for a section backed by the paging file (hFile = INVALID_HANDLE_VALUE). */
  file: SimFile | null;
  /** The file handle was opened for writing (GENERIC_WRITE). */
  fileWritable: boolean;
  /** flProtect: a page protection combined with SEC_* attributes. */
  flProtect: number;
  /** dwMaximumSize: 0 = the file's size. */
  maximumSize: bigint;
  name: string | null;
}

/** Splits flProtect into the page protection and the SEC_* attributes, validating both. */
export function splitSectionProtect(flProtect: number): { protect: number; attributes: number } {
  if (!Number.isInteger(flProtect)) fail(ERROR_INVALID_PARAMETER);
  const v = flProtect >>> 0;
  const attributes = v & SEC_FLAGS;
  const protect = v & ~SEC_FLAGS;
  if (!SECTION_PAGE_PROTECTIONS.includes(protect)) fail(ERROR_INVALID_PARAMETER);
  if ((attributes & SEC_COMMIT) && (attributes & SEC_RESERVE)) fail(ERROR_INVALID_PARAMETER);
  if ((attributes & SEC_IMAGE) && (attributes & (SEC_COMMIT | SEC_RESERVE | SEC_LARGE_PAGES))) fail(ERROR_INVALID_PARAMETER);
  if ((attributes & SEC_NOCACHE) && (attributes & SEC_WRITECOMBINE)) fail(ERROR_INVALID_PARAMETER);
  return { protect, attributes };
}

/** NtCreateSection for CreateFileMapping: builds the control area and segment. */
export function createSection(mm: MemoryManager, p: AddressSpace, req: CreateSectionRequest, sectionId: number): SectionObject {
  const { protect, attributes } = splitSectionProtect(req.flProtect);
  if (typeof req.maximumSize !== 'bigint' || req.maximumSize < 0n) fail(ERROR_INVALID_PARAMETER);
  const writable = protect === PAGE_READWRITE || protect === PAGE_EXECUTE_READWRITE;
  const reg = mm.sectionRegistry;
  let ca: ControlArea;
  let size: bigint;
  if (attributes & SEC_IMAGE) {
    if (!req.file) fail(ERROR_INVALID_PARAMETER);
    const file = req.file!;
    const existing = reg.imageByFile.get(file.fileId);
    let image;
    try { image = parseImage(file.data); } catch (e) {
      if (e instanceof PeFormatError) fail(ERROR_BAD_EXE_FORMAT);
      throw e;
    }
    size = BigInt(image!.sizeOfImage);
    if (existing !== undefined) ca = reg.controlAreas.get(existing)!;
    else {
      // One subsection for the headers, then one per PE section, each with its own protection.
      const subsections: Subsection[] = [{ firstPte: 0, ptes: Math.ceil(image!.sizeOfHeaders / PAGE_SIZE), fileOffset: 0, rawSize: image!.sizeOfHeaders, protection: win32ToMmProtection(PAGE_READONLY), name: 'headers' }];
      for (const s of image!.sections) {
        const ptes = Math.ceil(Math.max(s.virtualSize, s.sizeOfRawData) / PAGE_SIZE);
        if (ptes === 0) continue;
        let prot = sectionProtection(s.characteristics);
        if ((attributes & SEC_IMAGE_NO_EXECUTE) === SEC_IMAGE_NO_EXECUTE) prot = prot === 0x40 ? 0x04 : prot === 0x80 ? 0x08 : prot === 0x20 || prot === 0x10 ? 0x02 : prot;
        subsections.push({ firstPte: s.virtualAddress / PAGE_SIZE, ptes, fileOffset: s.pointerToRawData, rawSize: Math.min(s.sizeOfRawData, s.virtualSize || s.sizeOfRawData), protection: win32ToMmProtection(prot), name: s.name });
      }
      ca = createControlArea(mm, { pages: Math.ceil(image!.sizeOfImage / PAGE_SIZE), file, image: true, reserve: false, attributes, mmProtection: win32ToMmProtection(PAGE_READONLY), subsections });
    }
  } else if (req.file) {
    const file = req.file;
    if (writable && !req.fileWritable) fail(ERROR_ACCESS_DENIED);
    if (attributes & SEC_LARGE_PAGES) fail(ERROR_INVALID_PARAMETER);
    const fileSize = BigInt(file.data.length);
    size = req.maximumSize === 0n ? fileSize : req.maximumSize;
    if (size === 0n) fail(ERROR_FILE_INVALID);
    if (size > fileSize && !writable) fail(ERROR_NOT_ENOUGH_MEMORY);
    const existing = reg.dataByFile.get(file.fileId);
    const pages = Number((size + PAGE - 1n) / PAGE);
    if (existing !== undefined && reg.controlAreas.get(existing)!.segment.totalPtes >= pages) {
      ca = reg.controlAreas.get(existing)!;
    } else {
      if (existing !== undefined) {
        // A cached control area too small for the new section: delete it (writing its modified pages back)
        // so the new one reads the file's current data; one still in use keeps its pages and views.
        const old = reg.controlAreas.get(existing)!;
        if (old.unreferenced) deleteControlArea(mm, old);
        reg.dataByFile.delete(file.fileId);
      }
      // A data section maps the file page for page; the file grows to the section's size when written.
      ca = createControlArea(mm, {
        pages, file, image: false, reserve: false, attributes, mmProtection: win32ToMmProtection(protect),
        subsections: [{ firstPte: 0, ptes: pages, fileOffset: 0, rawSize: Number(size), protection: win32ToMmProtection(protect), name: '' }],
      });
      if (size > fileSize) mm.fileSystem?.writeFile(file.path, Number(size) - 1, new Uint8Array(1).fill(file.data[Number(size) - 1] ?? 0));
    }
  } else {
    if (req.maximumSize === 0n) fail(ERROR_INVALID_PARAMETER);
    size = req.maximumSize;
    const pages = Number((size + PAGE - 1n) / PAGE);
    if (attributes & SEC_LARGE_PAGES) {
      if (!(attributes & SEC_COMMIT)) fail(ERROR_INVALID_PARAMETER);
      if (!p.holdsLockMemoryPrivilege()) fail(ERROR_PRIVILEGE_NOT_HELD);
      if (size % 0x200000n !== 0n) fail(ERROR_INVALID_PARAMETER);
    }
    const reserve = (attributes & SEC_RESERVE) !== 0;
    if (!reserve && !mm.canCharge(pages)) fail(ERROR_COMMITMENT_LIMIT);
    if (pages > 0x2000000) fail(ERROR_NOT_ENOUGH_MEMORY);
    ca = createControlArea(mm, { pages, file: null, image: false, reserve, attributes, mmProtection: win32ToMmProtection(protect), subsections: [] });
  }
  ca.sectionReferences++;
  const section: SectionObject = { id: sectionId, controlArea: ca, size: size!, protect, attributes, name: req.name, references: 1 };
  reg.sections.set(sectionId, section);
  const t = mm.trace;
  t.step('section.create')?.n(p.pid).n(ca.id).a(size!).n(protect).n(attributes).s(req.file?.path ?? '').s(req.name ?? '').change('object', ca.id).change('process', p.pid).change('commit');
  return section;
}

/** Drops one reference to a section object (CloseHandle); the control area goes when nothing uses it. */
export function dereferenceSection(mm: MemoryManager, section: SectionObject): void {
  if (--section.references > 0) return;
  mm.sectionRegistry.sections.delete(section.id);
  section.controlArea.sectionReferences--;
  dereferenceControlArea(mm, section.controlArea);
}

/** The view protection FILE_MAP_* access asks for, or fails when the section does not allow it. */
export function viewProtection(section: SectionObject, access: number): { protect: number; copyOnWrite: boolean } {
  if (!Number.isInteger(access)) fail(ERROR_INVALID_PARAMETER);
  const a = access >>> 0;
  const known = 0x000F001F | FILE_MAP_COPY | FILE_MAP_EXECUTE | FILE_MAP_LARGE_PAGES | FILE_MAP_TARGETS_INVALID;
  if (a & ~known) fail(ERROR_INVALID_PARAMETER);
  const sp = section.protect;
  const sectionWritable = sp === PAGE_READWRITE || sp === PAGE_EXECUTE_READWRITE;
  const sectionExecutable = sp === PAGE_EXECUTE_READ || sp === PAGE_EXECUTE_READWRITE || sp === PAGE_EXECUTE_WRITECOPY;
  const execute = (a & FILE_MAP_EXECUTE) !== 0;
  if (execute && !sectionExecutable) fail(ERROR_ACCESS_DENIED);
  if (section.controlArea.image) return { protect: PAGE_EXECUTE_WRITECOPY, copyOnWrite: true };
  if ((a & ~FILE_MAP_EXECUTE) === FILE_MAP_COPY) {
    // FILE_MAP_COPY (by itself, as MapViewOfFile tests it: its value is also SECTION_QUERY, part of
    // FILE_MAP_ALL_ACCESS): copy-on-write, allowed on read-only and write-copy sections too.
    return { protect: execute ? PAGE_EXECUTE_WRITECOPY : PAGE_WRITECOPY, copyOnWrite: true };
  }
  if (a & FILE_MAP_WRITE) {
    if (!sectionWritable) fail(ERROR_ACCESS_DENIED);
    return { protect: execute ? PAGE_EXECUTE_READWRITE : PAGE_READWRITE, copyOnWrite: false };
  }
  if (a & (FILE_MAP_READ | FILE_MAP_EXECUTE)) return { protect: execute ? PAGE_EXECUTE_READ : PAGE_READONLY, copyOnWrite: false };
  return fail(ERROR_INVALID_PARAMETER);
}

/**
 * NtMapViewOfSection: places a view VAD in the process. Offsets must be multiples of the allocation
 * granularity; a size of 0 maps from the offset to the end of the section. Returns the view's base.
 */
export function mapView(mm: MemoryManager, p: AddressSpace, section: SectionObject, access: number, offset: bigint, bytes: bigint, baseAddress: bigint): bigint {
  if (typeof offset !== 'bigint' || typeof bytes !== 'bigint' || typeof baseAddress !== 'bigint' || offset < 0n || bytes < 0n) fail(ERROR_INVALID_PARAMETER);
  const ca = section.controlArea;
  const view = viewProtection(section, access);
  let protect = view.protect;
  const copyOnWrite = view.copyOnWrite;
  if (ca.image) { offset = 0n; bytes = 0n; }
  if (offset % GRANULARITY !== 0n) fail(ERROR_MAPPED_ALIGNMENT);
  const sectionSize = ca.image ? BigInt(ca.segment.totalPtes) * PAGE : section.size;
  if (offset >= sectionSize && !(offset === 0n && sectionSize === 0n)) fail(ERROR_ACCESS_DENIED);
  const size = bytes === 0n ? sectionSize - offset : bytes;
  if (offset + size > sectionSize) fail(ERROR_ACCESS_DENIED);
  const pages = Number((size + PAGE - 1n) / PAGE);
  // SEC_NOCACHE / SEC_WRITECOMBINE sections give their views the matching cache attribute.
  if (!ca.image && (section.attributes & SEC_NOCACHE)) protect |= PAGE_NOCACHE;
  else if (!ca.image && (section.attributes & SEC_WRITECOMBINE)) protect |= PAGE_WRITECOMBINE;
  const mmProt = win32ToMmProtection(protect);
  let startVpn: number;
  if (baseAddress !== 0n) {
    if (baseAddress % GRANULARITY !== 0n) fail(ERROR_MAPPED_ALIGNMENT);
    if (baseAddress < MM_LOWEST_USER_ADDRESS || baseAddress + size - 1n > MM_HIGHEST_VAD_ADDRESS) fail(ERROR_INVALID_ADDRESS);
    startVpn = Number(baseAddress / PAGE);
    const v = p.vads.ceiling(startVpn);
    if (v && v.startVpn <= startVpn + pages - 1) fail(ERROR_INVALID_ADDRESS);
  } else {
    // Images go to their preferred base when it is free (ASLR would relocate; the simulated images
    // are built with distinct bases). A data view with no base asked for goes bottom-up, first fit from the
    // process's randomized bottom-up start, like VirtualAlloc without MEM_TOP_DOWN: NtMapViewOfSection
    // searches top-down only when the caller passes MEM_TOP_DOWN in AllocationType (Microsoft Learn,
    // "ZwMapViewOfSection"; Windows Internals 7e ch. 5, "ASLR": bottom-up allocations start at a random base).
    const align = ALLOCATION_GRANULARITY / PAGE_SIZE;
    const lowest = Number(MM_LOWEST_USER_ADDRESS / PAGE);
    const highest = Number((MM_HIGHEST_VAD_ADDRESS + 1n) / PAGE) - 1;
    startVpn = p.vads.findFree(pages, align, Math.max(lowest, p.bottomUpStartVpn), highest, false);
    if (startVpn < 0) startVpn = p.vads.findFree(pages, align, lowest, highest, false);
    if (startVpn < 0) fail(ERROR_NOT_ENOUGH_MEMORY);
  }
  if (copyOnWrite && !ca.image && !mm.chargeCommit(p, pages)) fail(ERROR_COMMITMENT_LIMIT);
  const vad = new Vad(startVpn, startVpn + pages - 1, ca.image ? VadType.VadImageMap : VadType.VadNone, mmProt, false, false, protect);
  vad.view = { controlArea: ca, firstProto: Number(offset / PAGE), protect, copyOnWrite };
  vad.commitCharge = copyOnWrite && !ca.image ? pages : 0;
  p.vads.insert(vad);
  ca.mappedViews++;
  const base = BigInt(startVpn) * PAGE;
  const t = mm.trace;
  t.step('section.mapView')?.n(p.pid).n(ca.id).a(base).a(BigInt(pages) * PAGE).n(protect).a(offset).change('vad', p.pid, startVpn * PAGE_SIZE).change('object', ca.id);
  return base;
}

/** Where an image maps by default: its preferred base when free (the address image sections ask for). */
export function preferredImageBase(mm: MemoryManager, section: SectionObject): bigint {
  const file = mm.fileSystem?.getFileById(section.controlArea.fileId);
  if (!file) return 0n;
  try { return parseImage(file.data).imageBase; } catch { return 0n; }
}

/** NtUnmapViewOfSection: any address inside the view unmaps the whole view. */
export function unmapView(mm: MemoryManager, p: AddressSpace, address: bigint): void {
  if (typeof address !== 'bigint' || address < 0n || address > MM_HIGHEST_VAD_ADDRESS) fail(ERROR_INVALID_ADDRESS);
  const vad = p.vads.find(Number(address / PAGE));
  if (!vad || !vad.view) fail(ERROR_INVALID_ADDRESS);
  const v = vad!;
  for (let vpn = v.startVpn; vpn <= v.endVpn; vpn++) {
    const [lo, hi, table, index] = mm.peekPte(p, vpn);
    if (table < 0) { vpn = Math.floor(vpn / 512) * 512 + 511; continue; }
    if (lo !== 0 || hi !== 0) mm.deletePte(p, vpn, table, index, 0, 0);
  }
  p.privateCommit -= v.commitCharge;
  p.vads.remove(v);
  mm.freeEmptyPageTables(p, v.startVpn, v.endVpn);
  const ca = v.view!.controlArea;
  ca.mappedViews--;
  const t = mm.trace;
  t.step('section.unmapView')?.n(p.pid).n(ca.id).a(BigInt(v.startVpn) * PAGE).a(BigInt(v.pageCount) * PAGE).change('vad', p.pid, v.startVpn * PAGE_SIZE).change('object', ca.id);
  dereferenceControlArea(mm, ca);
}

/** FlushViewOfFile: dirty pages of a mapped file are written back now. */
export function flushView(mm: MemoryManager, p: AddressSpace, address: bigint): void {
  if (typeof address !== 'bigint') fail(ERROR_INVALID_PARAMETER);
  const vad = p.vads.find(Number(address / PAGE));
  if (!vad || !vad.view) fail(ERROR_INVALID_ADDRESS);
  // Transfer the dirty bits of this view's valid pages to their PFNs, then let the mapped page writer run.
  for (let vpn = vad!.startVpn; vpn <= vad!.endVpn; vpn++) {
    const wsi = p.ws.shared.get(vpn);
    if (wsi === undefined || p.ws.locked[wsi]) continue; // a page VirtualLock holds stays (its dirty bit too)
    mm.trimEntry(p, wsi);
  }
  MiMappedPageWriter(mm, mm.fileSystem);
}

/** Commits pages of a SEC_RESERVE section through a view (VirtualAlloc MEM_COMMIT on the view). */
export function commitViewPages(mm: MemoryManager, vad: Vad, firstVpn: number, lastVpn: number, mmProt: number): number {
  const view = vad.view!;
  const ca = view.controlArea;
  if (!ca.reserve) {
    for (let v = firstVpn; v <= lastVpn; v++) if (!protoCommitted(ca, view.firstProto + v - vad.startVpn)) fail(ERROR_INVALID_ADDRESS);
    return 0;
  }
  let needed = 0;
  for (let v = firstVpn; v <= lastVpn; v++) if (!protoCommitted(ca, view.firstProto + v - vad.startVpn)) needed++;
  if (!mm.canCharge(needed)) fail(ERROR_COMMITMENT_LIMIT);
  return commitProtoPtes(ca, view.firstProto + firstVpn - vad.startVpn, lastVpn - firstVpn + 1, mmProt);
}

/**
 * MmCopyVirtualMemory as ReadProcessMemory uses it: copies from the target's address space, faulting
 * pages in there. Stops at the first inaccessible page: ERROR_PARTIAL_COPY after some bytes, else ERROR_NOACCESS.
 */
export function readProcessMemory(access: (address: bigint, length: number) => Uint8Array, address: bigint, size: number, out: Uint8Array): number {
  let done = 0;
  while (done < size) {
    const cur = address + BigInt(done);
    const len = Math.min(size - done, PAGE_SIZE - Number(cur % PAGE));
    try {
      out.set(access(cur, len), done);
    } catch (e) {
      if (!(e instanceof NtException)) throw e;
      throw new PartialCopy(done, done > 0 ? ERROR_PARTIAL_COPY : ERROR_NOACCESS);
    }
    done += len;
  }
  return done;
}

/** A partial copy: how many bytes were copied before the failure, and the error to report. */
export class PartialCopy extends LastError {
  constructor(readonly copied: number, code: number) { super(code); }
}
