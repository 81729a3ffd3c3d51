/**
 * The simulated PE32+ format against the layouts in winnt.h / Microsoft's "PE Format" page:
 * IMAGE_DOS_HEADER.e_lfanew at 0x3C, 'PE\0\0', IMAGE_FILE_HEADER (20 bytes), IMAGE_OPTIONAL_HEADER64
 * (240 bytes, Magic 0x20B), IMAGE_SECTION_HEADER (40 bytes), IMAGE_IMPORT_DESCRIPTOR (20 bytes).
 */
import { describe, expect, it } from 'vitest';
import {
  buildImage, IMAGE_FILE_DLL, IMAGE_FILE_MACHINE_AMD64, IMAGE_NT_OPTIONAL_HDR64_MAGIC, IMAGE_SCN_CNT_CODE,
  IMAGE_SCN_CNT_INITIALIZED_DATA, IMAGE_SCN_MEM_EXECUTE, IMAGE_SCN_MEM_READ, IMAGE_SCN_MEM_WRITE, IMAGE_SUBSYSTEM_WINDOWS_GUI,
  parseImage, PeFormatError, rvaToFileOffset, SCN_DATA, SCN_RDATA, SCN_TEXT, sectionProtection,
} from '../../src/engine/io/pe';
import { FileSystem } from '../../src/engine/io/fileSystem';

function sample(): Uint8Array {
  return buildImage({
    imageBase: 0x140000000n, entryPointRva: 0x1010, subsystem: IMAGE_SUBSYSTEM_WINDOWS_GUI,
    sections: [
      { name: '.text', virtualSize: 0x2345, characteristics: SCN_TEXT },
      { name: '.rdata', virtualSize: 0x800, characteristics: SCN_RDATA },
      { name: '.data', virtualSize: 0x100, characteristics: SCN_DATA, fill: 0x5A },
    ],
    imports: ['KERNEL32.dll', 'USER32.dll'],
  });
}

function expectBad(bytes: Uint8Array, reason: string): void {
  try {
    parseImage(bytes);
  } catch (e) {
    expect(e).toBeInstanceOf(PeFormatError);
    expect((e as PeFormatError).reason).toBe(reason);
    return;
  }
  throw new Error(`parseImage accepted an image that should fail with ${reason}`);
}

describe('buildImage writes the real on-disk layout', () => {
  it('starts with MZ, e_lfanew at 0x3C points at PE\\0\\0, then a PE32+ optional header', () => {
    const b = sample();
    const v = new DataView(b.buffer);
    expect(String.fromCharCode(b[0]!, b[1]!)).toBe('MZ');
    const lfanew = v.getUint32(0x3C, true);
    expect([...b.subarray(lfanew, lfanew + 4)]).toEqual([0x50, 0x45, 0, 0]);
    expect(v.getUint16(lfanew + 4, true)).toBe(IMAGE_FILE_MACHINE_AMD64);
    expect(v.getUint16(lfanew + 4 + 16, true)).toBe(240); // SizeOfOptionalHeader of PE32+
    const oh = lfanew + 24;
    expect(v.getUint16(oh, true)).toBe(0x20B);
    expect(v.getBigUint64(oh + 24, true)).toBe(0x140000000n); // ImageBase
    expect(v.getUint32(oh + 32, true)).toBe(0x1000); // SectionAlignment
    expect(v.getUint32(oh + 36, true)).toBe(0x200); // FileAlignment
    expect(v.getUint16(oh + 68, true)).toBe(IMAGE_SUBSYSTEM_WINDOWS_GUI);
  });

  it('parses back what it wrote: sizes, alignment, sections and imports', () => {
    const img = parseImage(sample());
    expect(img.magic).toBe(IMAGE_NT_OPTIONAL_HDR64_MAGIC);
    expect(img.imageBase).toBe(0x140000000n);
    expect(img.addressOfEntryPoint).toBe(0x1010);
    expect(img.isDll).toBe(false);
    expect(img.sizeOfHeaders).toBe(0x400);
    expect(img.sections.map((s) => [s.name, s.virtualAddress])).toEqual([['.text', 0x1000], ['.rdata', 0x4000], ['.data', 0x5000], ['.idata', 0x6000]]);
    expect(img.sizeOfImage).toBe(0x7000);
    expect(img.sections[0]!.sizeOfRawData).toBe(0x2400); // VirtualSize rounded up to FileAlignment
    expect(img.imports).toEqual(['KERNEL32.dll', 'USER32.dll']);
    expect(img.sizeOfStackReserve).toBe(0x100000n);
  });

  it('uses the real IMAGE_SCN_* values for .text, .rdata and .data', () => {
    const [text, rdata, data] = parseImage(sample()).sections;
    expect(text!.characteristics).toBe(0x60000020);
    expect(text!.characteristics).toBe(IMAGE_SCN_CNT_CODE | IMAGE_SCN_MEM_EXECUTE | IMAGE_SCN_MEM_READ);
    expect(rdata!.characteristics).toBe(0x40000040);
    expect(data!.characteristics >>> 0).toBe((IMAGE_SCN_CNT_INITIALIZED_DATA | IMAGE_SCN_MEM_READ | IMAGE_SCN_MEM_WRITE) >>> 0);
    expect(data!.characteristics >>> 0).toBe(0xC0000040);
  });

  it('fills section data and places code at the entry point', () => {
    const b = sample();
    const img = parseImage(b);
    const entry = rvaToFileOffset(img, img.addressOfEntryPoint);
    expect([...b.subarray(entry, entry + 4)]).toEqual([0x48, 0x83, 0xEC, 0x28]); // sub rsp,28h
    const data = img.sections[2]!;
    expect(b[data.pointerToRawData]).toBe(0x5A);
    expect(rvaToFileOffset(img, 0x9000)).toBe(-1);
  });

  it('marks DLLs in IMAGE_FILE_HEADER.Characteristics', () => {
    const img = parseImage(buildImage({ imageBase: 0x180000000n, entryPointRva: 0, subsystem: 3, dll: true, sections: [{ name: '.text', virtualSize: 0x10, characteristics: SCN_TEXT }] }));
    expect(img.isDll).toBe(true);
    expect(img.characteristics & IMAGE_FILE_DLL).toBe(IMAGE_FILE_DLL);
    expect(img.imports).toEqual([]);
  });

  it('maps section characteristics to page protections (writable image data is copy-on-write)', () => {
    expect(sectionProtection(SCN_TEXT)).toBe(0x20); // PAGE_EXECUTE_READ
    expect(sectionProtection(SCN_RDATA)).toBe(0x02); // PAGE_READONLY
    expect(sectionProtection(SCN_DATA)).toBe(0x08); // PAGE_WRITECOPY
  });

  it('rejects bad specs', () => {
    expect(() => buildImage({ imageBase: 0x140000000n, entryPointRva: 0, subsystem: 2, sections: [] })).toThrow(RangeError);
    expect(() => buildImage({ imageBase: 0x140000000n, entryPointRva: 0, subsystem: 2, sections: [{ name: '.toolongname', virtualSize: 1, characteristics: 0 }] })).toThrow(RangeError);
  });
});

describe('parseImage refuses what the loader refuses', () => {
  const mutate = (f: (b: Uint8Array, v: DataView, lfanew: number) => void): Uint8Array => {
    const b = sample();
    const v = new DataView(b.buffer);
    f(b, v, v.getUint32(0x3C, true));
    return b;
  };

  it('a text file, an empty file, a DOS header alone', () => {
    expectBad(new Uint8Array(0), 'tooSmall');
    expectBad(new TextEncoder().encode('@echo off\r\necho this is a batch file, not a program ..........................\r\n'), 'noDosSignature');
    const dos = new Uint8Array(0x100); dos[0] = 0x4D; dos[1] = 0x5A; dos[0x3C] = 0x40; // MZ with no PE header: a DOS program
    expectBad(dos, 'noPeSignature');
  });

  it('e_lfanew past the end of the file', () => {
    expectBad(mutate((_b, v) => v.setUint32(0x3C, 0x100000, true)), 'badLfanew');
  });

  it('a 32-bit (PE32) optional header or another machine', () => {
    expectBad(mutate((_b, v, nt) => v.setUint16(nt + 24, 0x10B, true)), 'unsupportedMagic');
    // An i386 machine needs a PE32 optional header; IMAGE_FILE_MACHINE_ARMNT (0x1C4) is not run on x64 at all.
    expectBad(mutate((_b, v, nt) => v.setUint16(nt + 4, 0x14C, true)), 'unsupportedMagic');
    expectBad(mutate((_b, v, nt) => v.setUint16(nt + 4, 0x1C4, true)), 'unsupportedMachine');
  });

  it('bad alignment, SizeOfImage, sections out of order, entry point outside the image, truncation', () => {
    expectBad(mutate((_b, v, nt) => v.setUint32(nt + 24 + 36, 0x300, true)), 'badAlignment');
    expectBad(mutate((_b, v, nt) => v.setUint32(nt + 24 + 56, 0x9000, true)), 'badSizeOfImage');
    expectBad(mutate((_b, v, nt) => v.setUint32(nt + 24 + 240 + 40 + 12, 0x8000, true)), 'badSections');
    expectBad(mutate((_b, v, nt) => v.setUint32(nt + 24 + 16, 0x100000, true)), 'badEntryPoint');
    expectBad(sample().slice(0, 0x800), 'badSections');
  });

  it('a broken import directory', () => {
    expectBad(mutate((_b, v, nt) => v.setUint32(nt + 24 + 112 + 8, 0x50000, true)), 'badImports');
  });
});

describe('the default images are valid PE32+ files', () => {
  it('every .exe and .dll of the default volume parses, with the right kind and imports that exist', () => {
    const fs = FileSystem.withDefaultImages();
    const images = fs.list().filter((f) => /\.(exe|dll)$/i.test(f.path) && !f.path.endsWith('broken.exe'));
    expect(images.length).toBeGreaterThanOrEqual(17);
    for (const f of images) {
      const img = parseImage(f.data);
      expect(img.isDll).toBe(f.path.toLowerCase().endsWith('.dll'));
      // The 32-bit (WoW64) system DLLs in SysWOW64 are PE32 images linked below 2 GB.
      if (f.path.toLowerCase().startsWith('c:\\windows\\syswow64\\')) { expect(img.machine).toBe(0x14C); expect(img.imageBase < 0x80000000n).toBe(true); continue; }
      expect(img.imageBase).toBe(img.isDll ? 0x180000000n : 0x140000000n);
      for (const dll of img.imports) expect(fs.exists(`C:\\Windows\\System32\\${dll}`), `${f.path} imports ${dll}`).toBe(true);
    }
    expect(parseImage(fs.getFile('C:\\Windows\\System32\\smss.exe')!.data).subsystem).toBe(1); // IMAGE_SUBSYSTEM_NATIVE
    expect(parseImage(fs.getFile('C:\\Windows\\System32\\cmd.exe')!.data).subsystem).toBe(3); // IMAGE_SUBSYSTEM_WINDOWS_CUI
    expect(() => parseImage(fs.getFile('C:\\Users\\Public\\broken.exe')!.data)).toThrow(PeFormatError);
  });
});
