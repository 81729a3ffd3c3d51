// Executable images for process creation and the loader: the PE header cache, each image's base for this
// boot (ASLR, chosen once and shared by every process), and image section objects (NtCreateSection with
// SEC_IMAGE). Windows Internals 7e ch. 5, "Address space layout randomization"; ch. 3, stage 2.
import type { AddressSpace } from '../mm/addressSpace';
import { PAGE_READONLY, SEC_IMAGE } from '../constants';
import { IMAGE_FILE_MACHINE_I386, PeFormatError, type PeImage, parseImage } from '../io/pe';
import type { SectionObject } from '../mm/section';
import { createSection, dereferenceSection } from '../mm/sectionApi';
import type { ProcessManager } from './processManager';

export function parse(pm: ProcessManager, fileId: number, version: number, data: Uint8Array): PeImage | PeFormatError {
  const cached = pm.imageCache.get(fileId);
  if (cached && cached.version === version) return cached.image;
  let image: PeImage | PeFormatError;
  try { image = parseImage(data); } catch (e) { if (e instanceof PeFormatError) image = e; else throw e; }
  pm.imageCache.set(fileId, { version, image });
  return image;
}

/** The address an image gets in this boot (ASLR: chosen once per image, shared by every process). */
export function imageBaseFor(pm: ProcessManager, fileId: number, pe: PeImage): bigint {
  let base = pm.imageBases.get(fileId);
  if (base !== undefined) return base;
  const slots = Math.ceil(pe.sizeOfImage / 0x10000);
  if (pe.machine === IMAGE_FILE_MACHINE_I386) {
    // A WoW64 image is addressed with 32-bit pointers: its base stays below 2 GB (DLLs packed below
    // 0x78000000, executables above 0x400000), still chosen once per boot.
    if (pe.isDll) { base = 0x78000000n - BigInt(slots + pm.ctx.rng.range(0, 0x100)) * 0x10000n; }
    else base = 0x400000n + BigInt(pm.ctx.rng.range(0, 0x800)) * 0x10000n;
  } else if (pe.isDll) {
    // DLLs pack downward from a seed-dependent top below 0x7FFF'FFFF0000.
    pm.nextDllSlot += slots;
    base = 0x7FFE00000000n - BigInt(pm.nextDllSlot) * 0x10000n - BigInt(pm.ctx.rng.range(0, 0x400)) * 0x10000n;
  } else {
    base = 0x7FF600000000n + BigInt(pm.ctx.rng.range(0, 0x8000) + pm.nextExeSlot) * 0x10000n;
    pm.nextExeSlot += slots;
  }
  pm.imageBases.set(fileId, base);
  return base;
}

/**
 * An image section object for a file (NtCreateSection with SEC_IMAGE): the control area is shared by every
 * section of the same image. `system` keeps one referenced forever (ntdll's PspSystemDll section).
 */
export function imageSection(pm: ProcessManager, p: AddressSpace, file: { fileId: number; path: string; data: Uint8Array }, system = false): SectionObject {
  const reg = pm.mm.sectionRegistry;
  const cachedId = pm.imageSections.get(file.fileId);
  const cached = cachedId !== undefined ? reg.sections.get(cachedId) : undefined;
  if (cached && cached.controlArea.fileId === file.fileId) {
    if (!system || !pm.systemSections.has(file.fileId)) cached.references++;
    if (system) pm.systemSections.set(file.fileId, cached.id);
    return cached;
  }
  const header = pm.ob.create('Section', file.fileId, 0x38);
  // Sections made here are numbered -objectId in the section registry, apart from ids other callers pick.
  const section = createSection(pm.mm, p, { file: pm.ctx.fs.getFileById(file.fileId)!, fileWritable: false, flProtect: PAGE_READONLY | SEC_IMAGE, maximumSize: 0n, name: null }, -header.objectId);
  pm.imageSections.set(file.fileId, section.id);
  if (system) pm.systemSections.set(file.fileId, section.id);
  return section;
}

/** Drops one reference to a section object made here (its object header goes with the last one). */
export function dropSection(pm: ProcessManager, section: SectionObject): void {
  dereferenceSection(pm.mm, section);
  if (!pm.mm.sectionRegistry.sections.has(section.id)) {
    pm.ob.dereference(-section.id);
    if (pm.imageSections.get(section.controlArea.fileId) === section.id) pm.imageSections.delete(section.controlArea.fileId);
  }
}
