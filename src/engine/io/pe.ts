// A simulated but structurally real PE32+ image format (winnt.h layouts): DOS header and stub,
// 'PE\0\0', IMAGE_FILE_HEADER, IMAGE_OPTIONAL_HEADER64 with its 16 data directories, section headers
// with the real IMAGE_SCN_* characteristics, raw section data at FileAlignment, and an import
// directory (IMAGE_IMPORT_DESCRIPTOR array naming the imported DLLs). parseImage validates the way
// the image loader would before creating an image section, and throws PeFormatError otherwise.

// IMAGE_FILE_HEADER.Machine
export const IMAGE_FILE_MACHINE_I386 = 0x014C;
export const IMAGE_FILE_MACHINE_AMD64 = 0x8664;
export const IMAGE_FILE_MACHINE_ARM64 = 0xAA64;
// IMAGE_FILE_HEADER.Characteristics
export const IMAGE_FILE_RELOCS_STRIPPED = 0x0001;
export const IMAGE_FILE_EXECUTABLE_IMAGE = 0x0002;
export const IMAGE_FILE_LARGE_ADDRESS_AWARE = 0x0020;
export const IMAGE_FILE_DLL = 0x2000;
// IMAGE_OPTIONAL_HEADER.Magic
export const IMAGE_NT_OPTIONAL_HDR32_MAGIC = 0x10B;
export const IMAGE_NT_OPTIONAL_HDR64_MAGIC = 0x20B;
// IMAGE_OPTIONAL_HEADER.Subsystem
export const IMAGE_SUBSYSTEM_UNKNOWN = 0;
export const IMAGE_SUBSYSTEM_NATIVE = 1;
export const IMAGE_SUBSYSTEM_WINDOWS_GUI = 2;
export const IMAGE_SUBSYSTEM_WINDOWS_CUI = 3;
/** The POSIX subsystem (removed since Windows 8.1: such images no longer run). */
export const IMAGE_SUBSYSTEM_POSIX_CUI = 7;
// IMAGE_OPTIONAL_HEADER.DllCharacteristics
export const IMAGE_DLLCHARACTERISTICS_HIGH_ENTROPY_VA = 0x0020;
export const IMAGE_DLLCHARACTERISTICS_DYNAMIC_BASE = 0x0040;
export const IMAGE_DLLCHARACTERISTICS_FORCE_INTEGRITY = 0x0080;
export const IMAGE_DLLCHARACTERISTICS_NX_COMPAT = 0x0100;
export const IMAGE_DLLCHARACTERISTICS_GUARD_CF = 0x4000;
export const IMAGE_DLLCHARACTERISTICS_TERMINAL_SERVER_AWARE = 0x8000;
// IMAGE_SECTION_HEADER.Characteristics
export const IMAGE_SCN_CNT_CODE = 0x00000020;
export const IMAGE_SCN_CNT_INITIALIZED_DATA = 0x00000040;
export const IMAGE_SCN_CNT_UNINITIALIZED_DATA = 0x00000080;
export const IMAGE_SCN_MEM_DISCARDABLE = 0x02000000;
export const IMAGE_SCN_MEM_NOT_CACHED = 0x04000000;
export const IMAGE_SCN_MEM_NOT_PAGED = 0x08000000;
export const IMAGE_SCN_MEM_SHARED = 0x10000000;
export const IMAGE_SCN_MEM_EXECUTE = 0x20000000;
export const IMAGE_SCN_MEM_READ = 0x40000000;
export const IMAGE_SCN_MEM_WRITE = 0x80000000;
// Data directory indexes.
export const IMAGE_DIRECTORY_ENTRY_EXPORT = 0;
export const IMAGE_DIRECTORY_ENTRY_IMPORT = 1;
export const IMAGE_DIRECTORY_ENTRY_RESOURCE = 2;
export const IMAGE_DIRECTORY_ENTRY_BASERELOC = 5;
export const IMAGE_NUMBEROF_DIRECTORY_ENTRIES = 16;

/** The usual characteristics of the standard sections. */
export const SCN_TEXT = IMAGE_SCN_CNT_CODE | IMAGE_SCN_MEM_EXECUTE | IMAGE_SCN_MEM_READ;
export const SCN_RDATA = IMAGE_SCN_CNT_INITIALIZED_DATA | IMAGE_SCN_MEM_READ;
export const SCN_DATA = IMAGE_SCN_CNT_INITIALIZED_DATA | IMAGE_SCN_MEM_READ | IMAGE_SCN_MEM_WRITE;
export const SCN_IDATA = IMAGE_SCN_CNT_INITIALIZED_DATA | IMAGE_SCN_MEM_READ | IMAGE_SCN_MEM_WRITE;
export const SCN_RELOC = IMAGE_SCN_CNT_INITIALIZED_DATA | IMAGE_SCN_MEM_DISCARDABLE | IMAGE_SCN_MEM_READ;

const IMAGE_DOS_SIGNATURE = 0x5A4D; // 'MZ'
const IMAGE_NT_SIGNATURE = 0x00004550; // 'PE\0\0'
const DOS_HEADER_SIZE = 0x40;
const NT_HEADERS_OFFSET = 0x80; // after the DOS stub
const FILE_HEADER_SIZE = 20;
const OPTIONAL_HEADER64_SIZE = 240;
/** IMAGE_OPTIONAL_HEADER32 (PE32, i386 images): 32-bit ImageBase and stack/heap sizes, BaseOfData, 16 directories at 96. */
const OPTIONAL_HEADER32_SIZE = 224;
const SECTION_HEADER_SIZE = 40;
const IMPORT_DESCRIPTOR_SIZE = 20;
const MAX_SECTIONS = 96;
const SECTION_ALIGNMENT = 0x1000;
const FILE_ALIGNMENT = 0x200;
/** A fixed link time so images are deterministic (2019-10-12 22:06:55 UTC, a 19H2-era build stamp). */
const DEFAULT_TIMESTAMP = 0x5DA24D3F;

export interface SectionSpec {
  /** Up to 8 ASCII characters, e.g. '.text'. */
  name: string;
  virtualSize: number;
  characteristics: number;
  /** Byte the section's raw data is filled with (default: 0xCC for code, 0 otherwise). */
  fill?: number;
}

export interface ImageSpec {
  /** IMAGE_FILE_MACHINE_*; default AMD64. */
  machine?: number;
  imageBase: bigint;
  entryPointRva: number;
  subsystem: number;
  dll?: boolean;
  sections: SectionSpec[];
  /** DLL names for the import directory, e.g. ['KERNEL32.dll', 'USER32.dll']. */
  imports?: string[];
  /** IMAGE_DLLCHARACTERISTICS_*; default DYNAMIC_BASE | HIGH_ENTROPY_VA | NX_COMPAT | TERMINAL_SERVER_AWARE (exes). */
  dllCharacteristics?: number;
  timeDateStamp?: number;
  sizeOfStackReserve?: bigint;
  sizeOfStackCommit?: bigint;
  /** ASCII bytes written at the start of the first initialized-data section (e.g. a version string). */
  rdataText?: string;
}

export interface PeSection {
  name: string;
  virtualAddress: number;
  virtualSize: number;
  sizeOfRawData: number;
  pointerToRawData: number;
  characteristics: number;
  /** File offset of this section's IMAGE_SECTION_HEADER. */
  headerOffset: number;
}

export interface PeDataDirectory { virtualAddress: number; size: number }

/** What parseImage learned from the headers. */
export interface PeImage {
  /** IMAGE_DOS_HEADER.e_lfanew: file offset of the NT headers. */
  e_lfanew: number;
  machine: number;
  numberOfSections: number;
  timeDateStamp: number;
  sizeOfOptionalHeader: number;
  characteristics: number;
  isDll: boolean;
  magic: number;
  majorLinkerVersion: number;
  minorLinkerVersion: number;
  sizeOfCode: number;
  addressOfEntryPoint: number;
  baseOfCode: number;
  imageBase: bigint;
  sectionAlignment: number;
  fileAlignment: number;
  majorOperatingSystemVersion: number;
  minorOperatingSystemVersion: number;
  majorSubsystemVersion: number;
  minorSubsystemVersion: number;
  sizeOfImage: number;
  sizeOfHeaders: number;
  checkSum: number;
  subsystem: number;
  dllCharacteristics: number;
  sizeOfStackReserve: bigint;
  sizeOfStackCommit: bigint;
  sizeOfHeapReserve: bigint;
  sizeOfHeapCommit: bigint;
  dataDirectories: PeDataDirectory[];
  sections: PeSection[];
  /** Names of the imported DLLs, in import-directory order. */
  imports: string[];
}

export type PeFormatErrorReason =
  | 'tooSmall' | 'noDosSignature' | 'badLfanew' | 'noPeSignature' | 'unsupportedMachine' | 'badOptionalHeader'
  | 'unsupportedMagic' | 'badAlignment' | 'badSizeOfHeaders' | 'badSections' | 'badSizeOfImage' | 'badEntryPoint' | 'badImports';

/** The file is not a valid image (the caller reports ERROR_BAD_EXE_FORMAT / STATUS_INVALID_IMAGE_FORMAT). */
export class PeFormatError extends Error {
  constructor(readonly reason: PeFormatErrorReason, detail: string) {
    super(`invalid PE image (${reason}): ${detail}`);
    this.name = 'PeFormatError';
  }
}

function alignUp(v: number, a: number): number { return Math.ceil(v / a) * a; }

class Writer {
  readonly view: DataView;
  constructor(readonly bytes: Uint8Array) { this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength); }
  u8(o: number, v: number): void { this.view.setUint8(o, v); }
  u16(o: number, v: number): void { this.view.setUint16(o, v, true); }
  u32(o: number, v: number): void { this.view.setUint32(o, v >>> 0, true); }
  u64(o: number, v: bigint): void { this.view.setBigUint64(o, v, true); }
  ascii(o: number, s: string, max = s.length): void {
    for (let i = 0; i < Math.min(s.length, max); i++) this.bytes[o + i] = s.charCodeAt(i) & 0x7F;
  }
}

const DOS_STUB_TEXT = 'This program cannot be run in DOS mode.\r\r\n$';
// A real-mode stub: push cs; pop ds; mov dx,0Eh; mov ah,9; int 21h; mov ax,4C01h; int 21h — then the text.
const DOS_STUB_CODE = [0x0E, 0x1F, 0xBA, 0x0E, 0x00, 0xB4, 0x09, 0xCD, 0x21, 0xB8, 0x01, 0x4C, 0xCD, 0x21];
// What the entry point does: sub rsp,28h; xor ecx,ecx; add rsp,28h; ret.
const ENTRY_CODE = [0x48, 0x83, 0xEC, 0x28, 0x33, 0xC9, 0x48, 0x83, 0xC4, 0x28, 0xC3];

/** Builds the bytes of a PE32+ image file from a description. */
export function buildImage(spec: ImageSpec): Uint8Array {
  const sections = spec.sections.slice();
  const imports = spec.imports ?? [];
  if (sections.length === 0) throw new RangeError('buildImage: at least one section');
  for (const s of sections) {
    if (s.name.length === 0 || s.name.length > 8) throw new RangeError(`buildImage: section name '${s.name}' must be 1-8 characters`);
    if (!Number.isInteger(s.virtualSize) || s.virtualSize <= 0) throw new RangeError(`buildImage: section ${s.name} needs a positive virtualSize`);
  }
  // The import directory gets its own .idata section: descriptors, then the DLL names, then one
  // empty (terminator-only) lookup table shared as ILT and IAT per DLL.
  let idataSize = 0;
  if (imports.length > 0) {
    idataSize = (imports.length + 1) * IMPORT_DESCRIPTOR_SIZE;
    for (const name of imports) idataSize += alignUp(name.length + 1, 2);
    idataSize = alignUp(idataSize, 8) + imports.length * 16;
    sections.push({ name: '.idata', virtualSize: idataSize, characteristics: SCN_IDATA, fill: 0 });
  }
  if (sections.length > MAX_SECTIONS) throw new RangeError(`buildImage: at most ${MAX_SECTIONS} sections`);
  // An i386 image is PE32 (IMAGE_OPTIONAL_HEADER32); AMD64 and ARM64 images are PE32+.
  const pe32 = (spec.machine ?? IMAGE_FILE_MACHINE_AMD64) === IMAGE_FILE_MACHINE_I386;
  const optionalHeaderSize = pe32 ? OPTIONAL_HEADER32_SIZE : OPTIONAL_HEADER64_SIZE;
  const sectionTable = NT_HEADERS_OFFSET + 4 + FILE_HEADER_SIZE + optionalHeaderSize;
  const sizeOfHeaders = alignUp(sectionTable + sections.length * SECTION_HEADER_SIZE, FILE_ALIGNMENT);
  let rva = alignUp(sizeOfHeaders, SECTION_ALIGNMENT);
  let fileOffset = sizeOfHeaders;
  const layout = sections.map((s) => {
    const uninitialized = (s.characteristics & IMAGE_SCN_CNT_UNINITIALIZED_DATA) !== 0 && (s.characteristics & IMAGE_SCN_CNT_INITIALIZED_DATA) === 0;
    const raw = uninitialized ? 0 : alignUp(s.virtualSize, FILE_ALIGNMENT);
    const l = { spec: s, rva, raw, pointer: raw ? fileOffset : 0 };
    rva += alignUp(s.virtualSize, SECTION_ALIGNMENT);
    fileOffset += raw;
    return l;
  });
  const sizeOfImage = rva;
  const bytes = new Uint8Array(fileOffset);
  const w = new Writer(bytes);

  // IMAGE_DOS_HEADER and the stub.
  w.u16(0x00, IMAGE_DOS_SIGNATURE);
  w.u16(0x02, 0x90); // e_cblp
  w.u16(0x04, 3); // e_cp
  w.u16(0x08, 4); // e_cparhdr
  w.u16(0x0C, 0xFFFF); // e_maxalloc
  w.u16(0x10, 0xB8); // e_sp
  w.u16(0x18, 0x40); // e_lfarlc
  w.u32(0x3C, NT_HEADERS_OFFSET); // e_lfanew
  DOS_STUB_CODE.forEach((b, i) => w.u8(DOS_HEADER_SIZE + i, b));
  w.ascii(DOS_HEADER_SIZE + DOS_STUB_CODE.length, DOS_STUB_TEXT);

  // 'PE\0\0' and IMAGE_FILE_HEADER.
  const nt = NT_HEADERS_OFFSET;
  w.u32(nt, IMAGE_NT_SIGNATURE);
  const fh = nt + 4;
  const dll = spec.dll ?? false;
  w.u16(fh + 0, spec.machine ?? IMAGE_FILE_MACHINE_AMD64);
  w.u16(fh + 2, sections.length);
  w.u32(fh + 4, spec.timeDateStamp ?? DEFAULT_TIMESTAMP);
  w.u32(fh + 8, 0); // PointerToSymbolTable
  w.u32(fh + 12, 0); // NumberOfSymbols
  w.u16(fh + 16, optionalHeaderSize);
  w.u16(fh + 18, IMAGE_FILE_EXECUTABLE_IMAGE | IMAGE_FILE_LARGE_ADDRESS_AWARE | (dll ? IMAGE_FILE_DLL : 0));

  // IMAGE_OPTIONAL_HEADER64.
  const oh = fh + FILE_HEADER_SIZE;
  let sizeOfCode = 0;
  let sizeOfInitData = 0;
  let sizeOfUninitData = 0;
  let baseOfCode = 0;
  for (const l of layout) {
    const c = l.spec.characteristics;
    if (c & IMAGE_SCN_CNT_CODE) { sizeOfCode += l.raw; if (!baseOfCode) baseOfCode = l.rva; }
    if (c & IMAGE_SCN_CNT_INITIALIZED_DATA) sizeOfInitData += l.raw;
    if (c & IMAGE_SCN_CNT_UNINITIALIZED_DATA) sizeOfUninitData += alignUp(l.spec.virtualSize, FILE_ALIGNMENT);
  }
  w.u16(oh + 0, pe32 ? IMAGE_NT_OPTIONAL_HDR32_MAGIC : IMAGE_NT_OPTIONAL_HDR64_MAGIC);
  w.u8(oh + 2, 14); // MajorLinkerVersion (VS 2019)
  w.u8(oh + 3, 20);
  w.u32(oh + 4, sizeOfCode);
  w.u32(oh + 8, sizeOfInitData);
  w.u32(oh + 12, sizeOfUninitData);
  w.u32(oh + 16, spec.entryPointRva);
  w.u32(oh + 20, baseOfCode);
  if (pe32) w.u32(oh + 28, Number(spec.imageBase)); // BaseOfData (oh + 24) stays 0
  else w.u64(oh + 24, spec.imageBase);
  w.u32(oh + 32, SECTION_ALIGNMENT);
  w.u32(oh + 36, FILE_ALIGNMENT);
  w.u16(oh + 40, 10); // MajorOperatingSystemVersion
  w.u16(oh + 42, 0);
  w.u16(oh + 44, 10); // MajorImageVersion
  w.u16(oh + 46, 0);
  w.u16(oh + 48, 10); // MajorSubsystemVersion
  w.u16(oh + 50, 0);
  w.u32(oh + 52, 0); // Win32VersionValue
  w.u32(oh + 56, sizeOfImage);
  w.u32(oh + 60, sizeOfHeaders);
  w.u32(oh + 64, 0); // CheckSum, filled below
  w.u16(oh + 68, spec.subsystem);
  const defaultDllChars = IMAGE_DLLCHARACTERISTICS_HIGH_ENTROPY_VA | IMAGE_DLLCHARACTERISTICS_DYNAMIC_BASE | IMAGE_DLLCHARACTERISTICS_NX_COMPAT
    | (dll ? 0 : IMAGE_DLLCHARACTERISTICS_TERMINAL_SERVER_AWARE);
  w.u16(oh + 70, spec.dllCharacteristics ?? defaultDllChars);
  if (pe32) {
    w.u32(oh + 72, Number(spec.sizeOfStackReserve ?? 0x100000n));
    w.u32(oh + 76, Number(spec.sizeOfStackCommit ?? 0x1000n));
    w.u32(oh + 80, 0x100000); // SizeOfHeapReserve
    w.u32(oh + 84, 0x1000); // SizeOfHeapCommit
    w.u32(oh + 88, 0); // LoaderFlags
    w.u32(oh + 92, IMAGE_NUMBEROF_DIRECTORY_ENTRIES);
  } else {
    w.u64(oh + 72, spec.sizeOfStackReserve ?? 0x100000n);
    w.u64(oh + 80, spec.sizeOfStackCommit ?? 0x1000n);
    w.u64(oh + 88, 0x100000n); // SizeOfHeapReserve
    w.u64(oh + 96, 0x1000n); // SizeOfHeapCommit
    w.u32(oh + 104, 0); // LoaderFlags
    w.u32(oh + 108, IMAGE_NUMBEROF_DIRECTORY_ENTRIES);
  }
  const dataDirs = oh + (pe32 ? 96 : 112);

  // Section headers and raw data.
  for (let i = 0; i < layout.length; i++) {
    const l = layout[i]!;
    const sh = sectionTable + i * SECTION_HEADER_SIZE;
    w.ascii(sh, l.spec.name, 8);
    w.u32(sh + 8, l.spec.virtualSize);
    w.u32(sh + 12, l.rva);
    w.u32(sh + 16, l.raw);
    w.u32(sh + 20, l.pointer);
    w.u32(sh + 36, l.spec.characteristics);
    if (!l.raw) continue;
    const code = (l.spec.characteristics & IMAGE_SCN_CNT_CODE) !== 0;
    const fill = (l.spec.fill ?? (code ? 0xCC : 0)) & 0xFF;
    if (fill) bytes.fill(fill, l.pointer, l.pointer + l.spec.virtualSize);
  }
  // The entry point's code, where it falls in a section with raw data.
  const entry = layout.find((l) => spec.entryPointRva >= l.rva && spec.entryPointRva < l.rva + l.raw);
  if (entry) {
    const at = entry.pointer + (spec.entryPointRva - entry.rva);
    ENTRY_CODE.forEach((b, i) => { if (at + i < entry.pointer + entry.raw) bytes[at + i] = b; });
  }
  if (spec.rdataText) {
    const data = layout.find((l) => l.raw && (l.spec.characteristics & IMAGE_SCN_CNT_INITIALIZED_DATA) && l.spec.name !== '.idata');
    if (data) w.ascii(data.pointer, spec.rdataText, data.spec.virtualSize);
  }
  if (imports.length > 0) {
    const l = layout[layout.length - 1]!;
    let nameAt = (imports.length + 1) * IMPORT_DESCRIPTOR_SIZE;
    const nameOffsets: number[] = [];
    for (const name of imports) {
      nameOffsets.push(nameAt);
      w.ascii(l.pointer + nameAt, name);
      nameAt += alignUp(name.length + 1, 2);
    }
    const thunks = alignUp(nameAt, 8);
    imports.forEach((_, i) => {
      const d = l.pointer + i * IMPORT_DESCRIPTOR_SIZE;
      const ilt = l.rva + thunks + i * 16;
      w.u32(d + 0, ilt); // OriginalFirstThunk
      w.u32(d + 12, l.rva + nameOffsets[i]!); // Name
      w.u32(d + 16, ilt + 8); // FirstThunk (the IAT)
    });
    w.u32(dataDirs + IMAGE_DIRECTORY_ENTRY_IMPORT * 8, l.rva);
    w.u32(dataDirs + IMAGE_DIRECTORY_ENTRY_IMPORT * 8 + 4, (imports.length + 1) * IMPORT_DESCRIPTOR_SIZE);
  }
  w.u32(oh + 64, peChecksum(bytes, oh + 64));
  return bytes;
}

/** The image checksum (as CheckSumMappedFile computes it: 16-bit one's-complement sum plus the file length). */
export function peChecksum(bytes: Uint8Array, checksumOffset: number): number {
  let sum = 0;
  const n = bytes.length & ~1;
  for (let i = 0; i < n; i += 2) {
    if (i === checksumOffset || i === checksumOffset + 2) continue;
    sum += bytes[i]! | (bytes[i + 1]! << 8);
    sum = (sum & 0xFFFF) + (sum >>> 16);
  }
  if (bytes.length & 1) { sum += bytes[bytes.length - 1]!; sum = (sum & 0xFFFF) + (sum >>> 16); }
  sum = (sum & 0xFFFF) + (sum >>> 16);
  return (sum + bytes.length) >>> 0;
}

function isPowerOfTwo(v: number): boolean { return v > 0 && (v & (v - 1)) === 0; }

/** Validates and decodes a PE32+ image; throws PeFormatError for anything the loader would refuse. */
export function parseImage(bytes: Uint8Array): PeImage {
  if (!(bytes instanceof Uint8Array)) throw new PeFormatError('tooSmall', 'not a byte array');
  const len = bytes.length;
  if (len < DOS_HEADER_SIZE) throw new PeFormatError('tooSmall', `${len} bytes is smaller than an IMAGE_DOS_HEADER`);
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (v.getUint16(0, true) !== IMAGE_DOS_SIGNATURE) throw new PeFormatError('noDosSignature', "no 'MZ' signature");
  const lfanew = v.getUint32(0x3C, true);
  if (lfanew < DOS_HEADER_SIZE || lfanew % 4 !== 0 || lfanew + 4 + FILE_HEADER_SIZE > len) {
    throw new PeFormatError('badLfanew', `e_lfanew 0x${lfanew.toString(16)} does not point at NT headers inside the file`);
  }
  if (v.getUint32(lfanew, true) !== IMAGE_NT_SIGNATURE) throw new PeFormatError('noPeSignature', "no 'PE\\0\\0' signature (a DOS or 16-bit image)");
  const fh = lfanew + 4;
  const machine = v.getUint16(fh, true);
  if (machine !== IMAGE_FILE_MACHINE_AMD64 && machine !== IMAGE_FILE_MACHINE_ARM64 && machine !== IMAGE_FILE_MACHINE_I386) throw new PeFormatError('unsupportedMachine', `machine 0x${machine.toString(16)} is not AMD64, ARM64 or i386`);
  const numberOfSections = v.getUint16(fh + 2, true);
  const timeDateStamp = v.getUint32(fh + 4, true);
  const sizeOfOptionalHeader = v.getUint16(fh + 16, true);
  const characteristics = v.getUint16(fh + 18, true);
  if (!(characteristics & IMAGE_FILE_EXECUTABLE_IMAGE)) throw new PeFormatError('badOptionalHeader', 'IMAGE_FILE_EXECUTABLE_IMAGE is not set');
  const oh = fh + FILE_HEADER_SIZE;
  if (sizeOfOptionalHeader < 112 || oh + sizeOfOptionalHeader > len) throw new PeFormatError('badOptionalHeader', `SizeOfOptionalHeader ${sizeOfOptionalHeader}`);
  const magic = v.getUint16(oh, true);
  // i386 images are PE32 (0x10b), the 64-bit machines PE32+ (0x20b).
  const pe32 = machine === IMAGE_FILE_MACHINE_I386;
  if (magic !== (pe32 ? IMAGE_NT_OPTIONAL_HDR32_MAGIC : IMAGE_NT_OPTIONAL_HDR64_MAGIC)) throw new PeFormatError('unsupportedMagic', `optional header magic 0x${magic.toString(16)} is not ${pe32 ? 'PE32 (0x10b)' : 'PE32+ (0x20b)'}`);
  const sectionAlignment = v.getUint32(oh + 32, true);
  const fileAlignment = v.getUint32(oh + 36, true);
  if (!isPowerOfTwo(sectionAlignment) || !isPowerOfTwo(fileAlignment) || fileAlignment < 0x200 || fileAlignment > 0x10000 || sectionAlignment < fileAlignment) {
    throw new PeFormatError('badAlignment', `SectionAlignment 0x${sectionAlignment.toString(16)} FileAlignment 0x${fileAlignment.toString(16)}`);
  }
  const sizeOfImage = v.getUint32(oh + 56, true);
  const sizeOfHeaders = v.getUint32(oh + 60, true);
  const sectionTable = oh + sizeOfOptionalHeader;
  if (numberOfSections === 0 || numberOfSections > MAX_SECTIONS) throw new PeFormatError('badSections', `NumberOfSections ${numberOfSections}`);
  const tableEnd = sectionTable + numberOfSections * SECTION_HEADER_SIZE;
  if (tableEnd > len) throw new PeFormatError('badSections', 'the section table runs past the end of the file');
  if (sizeOfHeaders < tableEnd || sizeOfHeaders > len || sizeOfHeaders % fileAlignment !== 0) throw new PeFormatError('badSizeOfHeaders', `SizeOfHeaders 0x${sizeOfHeaders.toString(16)}`);
  const imageBase = pe32 ? BigInt(v.getUint32(oh + 28, true)) : v.getBigUint64(oh + 24, true);
  if (imageBase % 0x10000n !== 0n || imageBase === 0n || imageBase + BigInt(sizeOfImage) > 0x7FFFFFFF0000n) {
    throw new PeFormatError('badOptionalHeader', `ImageBase 0x${imageBase.toString(16)} is not a 64 KB aligned user address`);
  }
  const dirs = pe32 ? 96 : 112;
  const numberOfRvaAndSizes = Math.min(v.getUint32(oh + dirs - 4, true), IMAGE_NUMBEROF_DIRECTORY_ENTRIES, Math.max(0, Math.floor((sizeOfOptionalHeader - dirs) / 8)));
  const dataDirectories: PeDataDirectory[] = [];
  for (let i = 0; i < IMAGE_NUMBEROF_DIRECTORY_ENTRIES; i++) {
    dataDirectories.push(i < numberOfRvaAndSizes ? { virtualAddress: v.getUint32(oh + dirs + i * 8, true), size: v.getUint32(oh + dirs + 4 + i * 8, true) } : { virtualAddress: 0, size: 0 });
  }
  const sections: PeSection[] = [];
  let expectedRva = alignUp(sizeOfHeaders, sectionAlignment);
  for (let i = 0; i < numberOfSections; i++) {
    const sh = sectionTable + i * SECTION_HEADER_SIZE;
    let name = '';
    for (let k = 0; k < 8 && bytes[sh + k] !== 0; k++) name += String.fromCharCode(bytes[sh + k]!);
    const s: PeSection = {
      name,
      virtualSize: v.getUint32(sh + 8, true),
      virtualAddress: v.getUint32(sh + 12, true),
      sizeOfRawData: v.getUint32(sh + 16, true),
      pointerToRawData: v.getUint32(sh + 20, true),
      characteristics: v.getUint32(sh + 36, true),
      headerOffset: sh,
    };
    // The loader maps VirtualSize bytes (SizeOfRawData when VirtualSize is 0).
    const span = s.virtualSize || s.sizeOfRawData;
    if (s.virtualAddress !== expectedRva) throw new PeFormatError('badSections', `section ${i} (${name}) at RVA 0x${s.virtualAddress.toString(16)}, expected 0x${expectedRva.toString(16)} (sections must be contiguous and in order)`);
    if (s.sizeOfRawData % fileAlignment !== 0 || (s.sizeOfRawData && s.pointerToRawData % fileAlignment !== 0)) throw new PeFormatError('badSections', `section ${name}: raw data not FileAlignment-aligned`);
    if (s.sizeOfRawData && (s.pointerToRawData < sizeOfHeaders || s.pointerToRawData + s.sizeOfRawData > len)) throw new PeFormatError('badSections', `section ${name}: raw data outside the file`);
    if (span === 0) throw new PeFormatError('badSections', `section ${name} is empty`);
    expectedRva = s.virtualAddress + alignUp(span, sectionAlignment);
    sections.push(s);
  }
  if (sizeOfImage !== expectedRva) throw new PeFormatError('badSizeOfImage', `SizeOfImage 0x${sizeOfImage.toString(16)}, the sections end at 0x${expectedRva.toString(16)}`);
  const addressOfEntryPoint = v.getUint32(oh + 16, true);
  const isDll = (characteristics & IMAGE_FILE_DLL) !== 0;
  if (addressOfEntryPoint >= sizeOfImage || (!isDll && addressOfEntryPoint < sizeOfHeaders)) {
    throw new PeFormatError('badEntryPoint', `AddressOfEntryPoint 0x${addressOfEntryPoint.toString(16)} is outside the image`);
  }
  const image: PeImage = {
    e_lfanew: lfanew, machine, numberOfSections, timeDateStamp, sizeOfOptionalHeader, characteristics, isDll, magic,
    majorLinkerVersion: v.getUint8(oh + 2), minorLinkerVersion: v.getUint8(oh + 3),
    sizeOfCode: v.getUint32(oh + 4, true), addressOfEntryPoint, baseOfCode: v.getUint32(oh + 20, true),
    imageBase, sectionAlignment, fileAlignment,
    majorOperatingSystemVersion: v.getUint16(oh + 40, true), minorOperatingSystemVersion: v.getUint16(oh + 42, true),
    majorSubsystemVersion: v.getUint16(oh + 48, true), minorSubsystemVersion: v.getUint16(oh + 50, true),
    sizeOfImage, sizeOfHeaders, checkSum: v.getUint32(oh + 64, true),
    subsystem: v.getUint16(oh + 68, true), dllCharacteristics: v.getUint16(oh + 70, true),
    sizeOfStackReserve: pe32 ? BigInt(v.getUint32(oh + 72, true)) : v.getBigUint64(oh + 72, true),
    sizeOfStackCommit: pe32 ? BigInt(v.getUint32(oh + 76, true)) : v.getBigUint64(oh + 80, true),
    sizeOfHeapReserve: pe32 ? BigInt(v.getUint32(oh + 80, true)) : v.getBigUint64(oh + 88, true),
    sizeOfHeapCommit: pe32 ? BigInt(v.getUint32(oh + 84, true)) : v.getBigUint64(oh + 96, true),
    dataDirectories, sections, imports: [],
  };
  image.imports = readImports(bytes, image);
  return image;
}

/** File offset of an RVA, or -1 when it lies in no section's raw data (nor the headers). */
export function rvaToFileOffset(image: PeImage, rva: number): number {
  if (rva < image.sizeOfHeaders) return rva;
  for (const s of image.sections) {
    if (rva >= s.virtualAddress && rva < s.virtualAddress + s.sizeOfRawData) return s.pointerToRawData + (rva - s.virtualAddress);
  }
  return -1;
}

function readImports(bytes: Uint8Array, image: PeImage): string[] {
  const dir = image.dataDirectories[IMAGE_DIRECTORY_ENTRY_IMPORT]!;
  if (dir.virtualAddress === 0 || dir.size === 0) return [];
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: string[] = [];
  for (let i = 0; i < 512; i++) {
    const at = rvaToFileOffset(image, dir.virtualAddress + i * IMPORT_DESCRIPTOR_SIZE);
    if (at < 0 || at + IMPORT_DESCRIPTOR_SIZE > bytes.length) throw new PeFormatError('badImports', 'import descriptor outside the file');
    const nameRva = v.getUint32(at + 12, true);
    const firstThunk = v.getUint32(at + 16, true);
    if (nameRva === 0 && firstThunk === 0) return out;
    const nameAt = rvaToFileOffset(image, nameRva);
    if (nameAt < 0) throw new PeFormatError('badImports', `import name RVA 0x${nameRva.toString(16)} outside the file`);
    let name = '';
    for (let k = nameAt; k < bytes.length && bytes[k] !== 0 && name.length < 256; k++) name += String.fromCharCode(bytes[k]!);
    if (!name) throw new PeFormatError('badImports', `import descriptor ${i} has an empty name`);
    out.push(name);
  }
  throw new PeFormatError('badImports', 'the import directory is not terminated');
}

/** The page protection the memory manager gives a section's pages in an image view. */
export function sectionProtection(characteristics: number): number {
  const x = (characteristics & IMAGE_SCN_MEM_EXECUTE) !== 0;
  const r = (characteristics & IMAGE_SCN_MEM_READ) !== 0;
  const wr = (characteristics & IMAGE_SCN_MEM_WRITE) !== 0;
  const shared = (characteristics & IMAGE_SCN_MEM_SHARED) !== 0;
  // Writable image pages are copy-on-write unless the section is shared.
  if (x) return wr ? (shared ? 0x40 : 0x80) : r ? 0x20 : 0x10;
  if (wr) return shared ? 0x04 : 0x08;
  return r ? 0x02 : 0x01;
}
