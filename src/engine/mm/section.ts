// Section objects, as the memory manager builds them (Windows Internals ch. 5, "Section objects" and
// "Prototype PTEs"): a SECTION points at a CONTROL_AREA, which owns a SEGMENT of prototype PTEs split
// into SUBSECTIONs (file-backed and image sections). A view is a VAD whose PTEs start out zero: the
// fault handler then finds the prototype PTE through the VAD (MiResolveProtoPteFault, faults.ts), so a
// page brought in by one process becomes valid in every other view without a copy, and the PFN's share
// count says how many PTEs map it. Writes to copy-on-write views get a private copy (MiCopyOnWrite, faults.ts).
import { PAGE_SIZE } from '../constants';
import type { SimFile } from '../io/fileSystem';
import type { AddressSpace } from './addressSpace';
import type { MemoryManager } from './memoryManager';
import { LIST_MODIFIED, LIST_STANDBY0, PageLocation, PFN_MODIFIED, PFN_PROTOTYPE_PTE } from './pfn';
import {
  PTE_ACCESSED, PTE_DIRTY,
  PTE_PROTOTYPE, PTE_TRANSITION, PTE_VALID, PROTECTION_SHIFT, makeDemandZeroLo, makeTransitionHi,
  makeTransitionLo, makeValidHi, makeValidLo, pteProtection, ptePfn,
} from './pte';
import type { Vad } from './vad';

/** Kernel virtual addresses of prototype PTEs: each segment gets its own 256 MB of paged pool. */
export const PROTO_BASE = 0xFFFFC00000000000n;
const PROTO_SPAN = 0x10000000n;

/** A SUBSECTION: a run of prototype PTEs backed by one part of the file (or of the image). */
export interface Subsection {
  /** First prototype PTE of the run. */
  firstPte: number;
  ptes: number;
  /** Byte offset in the file of the run's first page (StartingSector * 512). */
  fileOffset: number;
  /** Bytes of file data in the run; pages past it are zero (e.g. .bss, or a file shorter than the section). */
  rawSize: number;
  /** MM protection of the run (per PE section for images). */
  protection: number;
  /** Image section name (".text", ".data", "headers"), empty for data sections. */
  name: string;
}

/** SEGMENT: the prototype PTEs (lo/hi halves) of a section. */
export class Segment {
  protoLo: Uint32Array;
  protoHi: Uint32Array;
  constructor(readonly totalPtes: number, readonly subsections: Subsection[], source?: Segment) {
    this.protoLo = source ? source.protoLo.slice() : new Uint32Array(totalPtes);
    this.protoHi = source ? source.protoHi.slice() : new Uint32Array(totalPtes);
  }
  subsectionOf(index: number): Subsection | undefined {
    for (const s of this.subsections) if (index >= s.firstPte && index < s.firstPte + s.ptes) return s;
    return undefined;
  }
}

/** CONTROL_AREA: one per data or image mapping of a file, or per pagefile-backed section. */
export class ControlArea {
  /** NumberOfSectionReferences */
  sectionReferences = 0;
  /** NumberOfMappedViews */
  mappedViews = 0;
  /** Pages charged to commit (pagefile-backed SEC_COMMIT, or committed SEC_RESERVE pages). */
  commitCharge = 0;
  /**
   * NumberOfPfnReferences: pages of the segment in memory (valid, or transition on the standby/modified list).
   * A mapped file's control area with none of the other references stays while this is non-zero.
   */
  pfnReferences = 0;
  deleted = false;
  constructor(
    readonly id: number,
    public segment: Segment,
    /** FILE_OBJECT's file id, or -1 for a pagefile-backed section. */
    readonly fileId: number,
    readonly image: boolean,
    /** SEC_RESERVE: prototype PTEs start reserved and are committed through a view. */
    readonly reserve: boolean,
    readonly attributes: number,
  ) {}
  get protoBase(): bigint { return PROTO_BASE + BigInt(this.id) * PROTO_SPAN; }
  get fileBacked(): boolean { return this.fileId >= 0; }
  /** No section object and no view refers to it (on Windows: on the unused segment list when pages keep it). */
  get unreferenced(): boolean { return this.sectionReferences === 0 && this.mappedViews === 0; }
  clone(): ControlArea {
    const c = new ControlArea(this.id, new Segment(this.segment.totalPtes, this.segment.subsections, this.segment), this.fileId, this.image, this.reserve, this.attributes);
    c.sectionReferences = this.sectionReferences;
    c.mappedViews = this.mappedViews;
    c.commitCharge = this.commitCharge;
    c.pfnReferences = this.pfnReferences;
    c.deleted = this.deleted;
    return c;
  }
}

/** The section object a handle refers to (SECTION). */
export interface SectionObject {
  id: number;
  controlArea: ControlArea;
  /** SizeOfSection in bytes. */
  size: bigint;
  /** The Win32 page protection the section was created with. */
  protect: number;
  /** SEC_* attributes. */
  attributes: number;
  name: string | null;
  /** Handles (and other references) to the section object. */
  references: number;
}

/** What a mapped VAD knows about its view. */
export interface ViewInfo {
  controlArea: ControlArea;
  /** Prototype PTE index mapped at the view's first page (FirstPrototypePte). */
  firstProto: number;
  /** Win32 protection of the view. */
  protect: number;
  /** Copy-on-write view (FILE_MAP_COPY or an image). */
  copyOnWrite: boolean;
}

/** All control areas and section objects of the machine. */
export class SectionRegistry {
  controlAreas = new Map<number, ControlArea>();
  dataByFile = new Map<number, number>();
  imageByFile = new Map<number, number>();
  sections = new Map<number, SectionObject>();
  nextId = 1;

  clone(): SectionRegistry {
    const r = new SectionRegistry();
    for (const [id, ca] of this.controlAreas) r.controlAreas.set(id, ca.clone());
    r.dataByFile = new Map(this.dataByFile);
    r.imageByFile = new Map(this.imageByFile);
    for (const [id, s] of this.sections) r.sections.set(id, { ...s, controlArea: r.controlAreas.get(s.controlArea.id)! });
    r.nextId = this.nextId;
    return r;
  }

  /** Commit charged by sections (part of the system commit charge). */
  get commitCharge(): number {
    let n = 0;
    for (const ca of this.controlAreas.values()) n += ca.commitCharge;
    return n;
  }
}

/** The prototype PTE address of index `i` of control area `ca`, as halves. */
export function protoAddress(ca: ControlArea, index: number): bigint {
  return ca.protoBase + BigInt(index) * 8n;
}

// ---------------------------------------------------------------------------------------------
// Process PTEs that point at prototype PTEs (_MMPTE_PROTOTYPE): ProtoAddress in bits 16..63.

/** A prototype-format process PTE: "ask the prototype PTE at protoVa"; `mmProtection` 0 = the VAD's. */
export function makeProtoPointer(protoVa: bigint, mmProtection: number): [number, number] {
  const v = (protoVa & 0xFFFFFFFFFFFFn) << 16n;
  const lo = Number(v & 0xFFFFFFFFn) | PTE_PROTOTYPE | (mmProtection << PROTECTION_SHIFT);
  return [lo >>> 0, Number(v >> 32n) >>> 0];
}

// Subsection PTEs (_MMPTE_SUBSECTION) in the segment: "not resident; the data is in the file".
// Encoded with the Prototype bit set and the subsection number + 1 in the high half.
function makeSubsectionPte(subsectionNumber: number, mmProtection: number): [number, number] {
  return [(PTE_PROTOTYPE | (mmProtection << PROTECTION_SHIFT)) >>> 0, subsectionNumber + 1];
}

// ---------------------------------------------------------------------------------------------

export interface CreateSectionSpec {
  /** Pages of the section. */
  pages: number;
  file: SimFile | null;
  image: boolean;
  reserve: boolean;
  attributes: number;
  /** MM protection of the pages of a data section. */
  mmProtection: number;
  /** Subsections for file-backed and image sections. */
  subsections: Subsection[];
}

/** MmCreateSection: a new control area and segment with every prototype PTE initialized. */
export function createControlArea(mm: MemoryManager, spec: CreateSectionSpec): ControlArea {
  const reg = mm.sectionRegistry;
  const id = reg.nextId++;
  const subsections = spec.subsections.length ? spec.subsections : [{ firstPte: 0, ptes: spec.pages, fileOffset: 0, rawSize: 0, protection: spec.mmProtection, name: '' }];
  const seg = new Segment(spec.pages, subsections);
  const ca = new ControlArea(id, seg, spec.file ? spec.file.fileId : -1, spec.image, spec.reserve, spec.attributes);
  subsections.forEach((s, n) => {
    for (let i = s.firstPte; i < s.firstPte + s.ptes; i++) {
      if (ca.fileBacked) {
        const [lo, hi] = makeSubsectionPte(n, s.protection);
        seg.protoLo[i] = lo; seg.protoHi[i] = hi;
      } else if (!spec.reserve) {
        seg.protoLo[i] = makeDemandZeroLo(s.protection);
      }
    }
  });
  if (!ca.fileBacked && !spec.reserve) ca.commitCharge = spec.pages;
  reg.controlAreas.set(id, ca);
  if (spec.file) (spec.image ? reg.imageByFile : reg.dataByFile).set(spec.file.fileId, id);
  return ca;
}

/** Whether prototype PTE `index` is committed (non-zero: SEC_RESERVE pages start as zero). */
export function protoCommitted(ca: ControlArea, index: number): boolean {
  return ca.segment.protoLo[index] !== 0 || ca.segment.protoHi[index] !== 0;
}

/** The MM protection of prototype PTE `index` as the segment defines it. */
export function protoProtection(mm: MemoryManager, ca: ControlArea, index: number): number {
  const lo = ca.segment.protoLo[index]!;
  const hi = ca.segment.protoHi[index]!;
  if (lo & PTE_VALID) return pteProtection(mm.pfn.originalPteLo[ptePfn(lo, hi, mm.layout.hardwarePfnBits)]!);
  return pteProtection(lo);
}

/** Commits SEC_RESERVE prototype PTEs [first, first+count): visible in every view. Returns pages newly committed. */
export function commitProtoPtes(ca: ControlArea, first: number, count: number, mmProtection: number): number {
  let n = 0;
  for (let i = first; i < first + count; i++) {
    if (!protoCommitted(ca, i)) { ca.segment.protoLo[i] = makeDemandZeroLo(mmProtection); n++; }
  }
  ca.commitCharge += n;
  return n;
}

/** The protection a view page has: a per-page override (VirtualProtect), else the image's per-section one, else the view's. */
export function viewPageProtection(mm: MemoryManager, vad: Vad, index: number, override: number): number {
  if (override) return override;
  const view = vad.view!;
  if (view.controlArea.image) return protoProtection(mm, view.controlArea, index);
  return vad.protection;
}

/**
 * Makes prototype PTE `index` valid, bringing the page in if needed: already valid (shared), on a
 * list (soft), demand zero, from the paging file, or from the file (an in-page read). Returns [pfn, from],
 * `from` being the page location it came from (ActiveAndValid when it was already resident).
 */
export function makeProtoValid(mm: MemoryManager, ca: ControlArea, index: number): [number, number] {
  const seg = ca.segment;
  const db = mm.pfn;
  const lo = seg.protoLo[index]!;
  const hi = seg.protoHi[index]!;
  if (lo & PTE_VALID) return [ptePfn(lo, hi, mm.layout.hardwarePfnBits), PageLocation.ActiveAndValid];
  let pfn: number;
  let from: number;
  if (lo & PTE_TRANSITION) {
    pfn = ptePfn(lo, hi, mm.layout.transitionPfnBits);
    from = db.location[pfn]!;
    db.unlink(pfn);
  } else {
    const prot = pteProtection(lo);
    const address = protoAddress(ca, index);
    if (lo & PTE_PROTOTYPE) {
      // A subsection PTE: read the page from the file (IoPageRead); bytes past the file's data are zero.
      pfn = mm.removeAnyPage();
      from = mm.lastFromList;
      const sub = seg.subsections[hi - 1]!;
      const offsetInSub = (index - sub.firstPte) * PAGE_SIZE;
      const file = mm.fileSystem?.getFileById(ca.fileId);
      mm.phys.zeroPage(pfn);
      let read = 0;
      if (file && offsetInSub < sub.rawSize) {
        const length = Math.min(PAGE_SIZE, sub.rawSize - offsetInSub);
        const start = sub.fileOffset + offsetInSub;
        const bytes = file.data.subarray(Math.min(start, file.data.length), Math.min(start + length, file.data.length));
        mm.phys.write(pfn, 0, bytes, 0, bytes.length);
        read = bytes.length;
      }
      const t = mm.trace;
      t.step('io.pageRead')?.s(file?.path ?? '?').n(sub.fileOffset + offsetInSub).n(read).n(pfn).change('pfn', pfn).change('object', ca.id);
    } else if (hi !== 0) {
      pfn = mm.removeAnyPage();
      from = mm.lastFromList;
      mm.phys.copyPageFrom(mm.pageFile, hi, pfn);
    } else {
      pfn = mm.removeZeroPage();
      from = mm.lastFromList;
    }
    db.originalPteLo[pfn] = hi !== 0 || lo & PTE_PROTOTYPE ? lo : makeDemandZeroLo(prot);
    db.originalPteHi[pfn] = hi;
    db.flags[pfn] = PFN_PROTOTYPE_PTE | (hi === 0 && !(lo & PTE_PROTOTYPE) ? PFN_MODIFIED : 0);
    db.pteAddressLo[pfn] = Number(address & 0xFFFFFFFFn);
    db.pteAddressHi[pfn] = Number(address >> 32n);
    db.priority[pfn] = 5;
    ca.pfnReferences++;
  }
  db.location[pfn] = PageLocation.ActiveAndValid;
  db.shareCount[pfn] = 0;
  db.referenceCount[pfn] = 1;
  db.wsIndex[pfn] = -1;
  db.pteFrame[pfn] = -(ca.id + 2);
  db.flags[pfn]! |= PFN_PROTOTYPE_PTE;
  const prot = pteProtection(db.originalPteLo[pfn]!);
  seg.protoLo[index] = (makeValidLo(pfn, prot, true) | PTE_ACCESSED) >>> 0;
  seg.protoHi[index] = makeValidHi(pfn, prot);
  return [pfn, from];
}

/** A resident prototype page that no PTE maps goes back to a list (its prototype PTE becomes transition). */
export function releaseIfUnmapped(mm: MemoryManager, ca: ControlArea, index: number, pfn: number): void {
  const db = mm.pfn;
  if (db.shareCount[pfn] !== 0) return;
  const prot = pteProtection(db.originalPteLo[pfn]!);
  ca.segment.protoLo[index] = makeTransitionLo(pfn, prot);
  ca.segment.protoHi[index] = makeTransitionHi(pfn, mm.layout);
  db.referenceCount[pfn] = 0;
  if (db.flags[pfn]! & PFN_MODIFIED) db.insertTail(LIST_MODIFIED, pfn, PageLocation.ModifiedPageList);
  else db.insertTail(LIST_STANDBY0 + db.priority[pfn]!, pfn, PageLocation.StandbyPageList);
}

/** Whether process PTE (lo, hi) in a view holds a private page (copied on write) rather than pointing at the prototype. */
export function isPrivateViewPte(lo: number, hi: number, mm: MemoryManager): boolean {
  if (lo === 0 && hi === 0) return false;
  if (lo & PTE_VALID) return !(mm.pfn.flags[ptePfn(lo, hi, mm.layout.hardwarePfnBits)]! & PFN_PROTOTYPE_PTE);
  return !(lo & PTE_PROTOTYPE);
}

/**
 * Removes a shared page from a process working set (trim or unmap): the process PTE goes back to
 * pointing at the prototype PTE; when no PTE maps the page any more it moves to a list. Returns the list.
 */
export function unmapSharedPte(mm: MemoryManager, p: AddressSpace, vpn: number, table: number, index: number, lo: number, hi: number, keepPointer: boolean): number {
  const db = mm.pfn;
  const pfn = ptePfn(lo, hi, mm.layout.hardwarePfnBits);
  const { ca, protoIndex } = protoOfPfn(mm, pfn);
  const wsi = p.ws.shared.get(vpn);
  let override = 0;
  if (wsi !== undefined) {
    override = p.ws.protection[wsi]!;
    p.ws.shared.delete(vpn);
    p.ws.remove(wsi);
  }
  if (lo & PTE_DIRTY) mm.markModified(pfn);
  let nlo = 0;
  let nhi = 0;
  if (keepPointer) [nlo, nhi] = makeProtoPointer(protoAddress(ca, protoIndex), override);
  mm.writePte(p, vpn, table, index, nlo, nhi);
  db.shareCount[table]!--;
  db.shareCount[pfn]!--;
  releaseIfUnmapped(mm, ca, protoIndex, pfn);
  return db.location[pfn]!;
}

/** The control area and prototype index a prototype-PTE page belongs to. */
export function protoOfPfn(mm: MemoryManager, pfn: number): { ca: ControlArea; protoIndex: number } {
  const db = mm.pfn;
  const ca = mm.sectionRegistry.controlAreas.get(-db.pteFrame[pfn]! - 2)!;
  const protoIndex = (db.pteAddressLo[pfn]! & 0x0FFFFFFF) >>> 3;
  return { ca, protoIndex };
}

/**
 * Writes OriginalPte back into the prototype PTE of a page leaving memory (repurpose, purge). When that was
 * the last page of a mapped file's control area nothing else refers to, the control area goes too
 * (MiDeleteEmptyControlAreas -> MiSegmentDelete, public symbols).
 */
export function restoreProtoPte(mm: MemoryManager, pfn: number): void {
  const { ca, protoIndex } = protoOfPfn(mm, pfn);
  ca.segment.protoLo[protoIndex] = mm.pfn.originalPteLo[pfn]!;
  ca.segment.protoHi[protoIndex] = mm.pfn.originalPteHi[pfn]!;
  ca.pfnReferences--;
  if (ca.pfnReferences === 0 && ca.unreferenced && !ca.deleted) deleteControlArea(mm, ca);
}

/**
 * The segment dereference thread's work when the last reference goes (MiSegmentDelete): dirty file pages
 * are written back, every page still on a list is freed, paging-file copies are released.
 */
export function deleteControlArea(mm: MemoryManager, ca: ControlArea): void {
  const seg = ca.segment;
  const db = mm.pfn;
  let freed = 0;
  if (ca.fileBacked) {
    // Flush this file's dirty pages first so nothing written through a view is lost.
    for (let i = 0; i < seg.totalPtes; i++) {
      const lo = seg.protoLo[i]!;
      if (lo & PTE_TRANSITION && !(lo & PTE_VALID)) {
        const pfn = ptePfn(lo, seg.protoHi[i]!, mm.layout.transitionPfnBits);
        if (db.location[pfn] === PageLocation.ModifiedPageList) writeBackOne(mm, ca, i, pfn);
      }
    }
  }
  for (let i = 0; i < seg.totalPtes; i++) {
    const lo = seg.protoLo[i]!;
    const hi = seg.protoHi[i]!;
    if (lo & PTE_TRANSITION && !(lo & PTE_VALID) && !(lo & PTE_PROTOTYPE)) {
      const pfn = ptePfn(lo, hi, mm.layout.transitionPfnBits);
      db.unlink(pfn);
      const oh = db.originalPteHi[pfn]!;
      if (oh !== 0 && !(db.originalPteLo[pfn]! & PTE_PROTOTYPE)) mm.freeSlot(oh);
      mm.freePage(pfn);
      freed++;
    } else if (!(lo & PTE_VALID) && !(lo & PTE_PROTOTYPE) && !(lo & PTE_TRANSITION) && hi !== 0) {
      mm.freeSlot(hi);
    }
    seg.protoLo[i] = 0;
    seg.protoHi[i] = 0;
  }
  ca.deleted = true;
  ca.commitCharge = 0;
  ca.pfnReferences = 0;
  const reg = mm.sectionRegistry;
  reg.controlAreas.delete(ca.id);
  if (ca.fileBacked) {
    const map = ca.image ? reg.imageByFile : reg.dataByFile;
    if (map.get(ca.fileId) === ca.id) map.delete(ca.fileId);
  }
  const t = mm.trace;
  t.step('section.delete')?.n(ca.id).n(freed).change('object', ca.id).change('pageList', 1);
}

function writeBackOne(mm: MemoryManager, ca: ControlArea, index: number, pfn: number): void {
  const fs = mm.fileSystem;
  const sub = ca.segment.subsections[mm.pfn.originalPteHi[pfn]! - 1];
  const file = fs?.getFileById(ca.fileId);
  if (!fs || !file || !sub) return;
  const offsetInSub = (index - sub.firstPte) * PAGE_SIZE;
  const length = Math.max(0, Math.min(PAGE_SIZE, Math.max(sub.rawSize, file.data.length - sub.fileOffset) - offsetInSub));
  if (length === 0) return;
  const bytes = new Uint8Array(length);
  mm.phys.read(pfn, 0, bytes, 0, length);
  fs.writeFile(file.path, sub.fileOffset + offsetInSub, bytes);
}

/**
 * Drops the references a control area no longer has (MiCheckControlArea). A pagefile-backed section's control
 * area is deleted at once. A mapped file's (data or image) stays while the file has pages in memory: Windows
 * puts it on the unused segment list (MiInsertUnusedSegment), its pages stay on the standby and modified lists
 * as cache, and a later section for the same file finds the control area and soft-faults them back; it is
 * deleted when its last page is repurposed or purged (Windows Internals 7e ch. 5, "Section objects", "Page
 * list dynamics"; routine names from ntoskrnl's public symbols).
 */
export function dereferenceControlArea(mm: MemoryManager, ca: ControlArea): void {
  if (ca.deleted || !ca.unreferenced) return;
  if (ca.fileBacked && ca.pfnReferences > 0) {
    const t = mm.trace;
    t.step('section.keepCached')?.n(ca.id).n(ca.pfnReferences).change('object', ca.id);
    return;
  }
  deleteControlArea(mm, ca);
}

/**
 * The file's contents are replaced or truncated outside any view (CreateFile with CREATE_ALWAYS or
 * TRUNCATE_EXISTING, the lab's file creation over an existing file): an unused control area kept as cache
 * for it would hold stale pages, so it is deleted first, its modified pages written back (the purge
 * Windows does before truncating a file, MmPurgeSection / MmCanFileBeTruncated: public symbols).
 */
export function purgeCachedControlAreas(mm: MemoryManager, fileId: number): void {
  const reg = mm.sectionRegistry;
  for (const map of [reg.dataByFile, reg.imageByFile]) {
    const id = map.get(fileId);
    const ca = id === undefined ? undefined : reg.controlAreas.get(id);
    if (ca && !ca.deleted && ca.unreferenced) deleteControlArea(mm, ca);
  }
}

