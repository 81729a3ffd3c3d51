// The simulated volume C: — files with real bytes, looked up the way Win32 paths are: case-insensitive,
// '/' or '\', with the NT (\??\C:\...) and Win32 long-path (\\?\C:\...) prefixes. Each file has a stable
// fileId (what a FILE_OBJECT's SectionObjectPointer leads to: sections find a file's control area by it).
// The default volume holds the usual system images as structurally real PE32+ files (see pe.ts).
import { ERROR_ALREADY_EXISTS, ERROR_FILE_NOT_FOUND, ERROR_INVALID_NAME, ERROR_PATH_NOT_FOUND } from '../constants';
import { Win32Error } from '../errors';
import {
  buildImage, IMAGE_FILE_MACHINE_I386, IMAGE_SCN_CNT_UNINITIALIZED_DATA, IMAGE_SCN_MEM_READ, IMAGE_SCN_MEM_WRITE, IMAGE_SUBSYSTEM_NATIVE,
  IMAGE_SUBSYSTEM_WINDOWS_CUI, IMAGE_SUBSYSTEM_WINDOWS_GUI, SCN_DATA, SCN_RDATA, SCN_RELOC, SCN_TEXT, SectionSpec,
} from './pe';

/** One file of the simulated volume. */
export interface SimFile {
  /** Canonical path, e.g. 'C:\\Windows\\System32\\notepad.exe' (each component's case as created). */
  path: string;
  /** The contents. Replaced (never mutated in place) on write, so clones can share it. */
  data: Uint8Array;
  /** Stable id of the file (FILE_OBJECT -> SECTION_OBJECT_POINTERS identity). */
  fileId: number;
  /** Incremented on each write (lets parsers cache by fileId + version). */
  version: number;
}

const INVALID_NAME_CHARS = /[<>:"|?*]/;
function hasInvalidChars(name: string): boolean {
  if (INVALID_NAME_CHARS.test(name)) return true;
  for (let i = 0; i < name.length; i++) if (name.charCodeAt(i) < 0x20) return true;
  return false;
}

/** A path split into its drive and components, or null when it is not an absolute drive path. */
export function parsePath(path: string): { drive: string; parts: string[] } | null {
  if (typeof path !== 'string') return null;
  let p = path.replace(/\//g, '\\');
  for (const prefix of ['\\??\\', '\\\\?\\', '\\\\.\\', '\\DosDevices\\', '\\GLOBAL??\\']) {
    if (p.toUpperCase().startsWith(prefix.toUpperCase())) { p = p.slice(prefix.length); break; }
  }
  const m = /^([A-Za-z]):(\\.*)?$/.exec(p);
  if (!m) return null;
  const parts: string[] = [];
  for (const raw of (m[2] ?? '').split('\\')) {
    // Win32 path normalization drops trailing dots and spaces from components.
    const c = raw === '.' || raw === '..' ? raw : raw.replace(/[. ]+$/, '');
    if (c === '' || c === '.') continue;
    if (c === '..') { parts.pop(); continue; }
    if (hasInvalidChars(c)) return null;
    parts.push(c);
  }
  return { drive: m[1]!.toUpperCase(), parts };
}

function keyOf(drive: string, parts: string[]): string {
  return `${drive}:\\${parts.join('\\')}`.toLowerCase();
}

/** The simulated file system (one volume per drive letter that has files). */
export class FileSystem {
  private files = new Map<string, SimFile>();
  /** Directories by lowercase key -> canonical path (drive roots included). */
  private dirs = new Map<string, string>();
  private byId = new Map<number, SimFile>();
  private nextFileId = 1;

  /** The canonical form of `path` if it names an existing file or directory, else the normalized input (or null when malformed). */
  canonicalPath(path: string): string | null {
    const parsed = parsePath(path);
    if (!parsed) return null;
    const key = keyOf(parsed.drive, parsed.parts);
    return this.files.get(key)?.path ?? this.dirs.get(key) ?? `${parsed.drive}:\\${parsed.parts.join('\\')}`;
  }

  /** True when `path` names an existing file or directory. */
  exists(path: string): boolean {
    const parsed = parsePath(path);
    if (!parsed) return false;
    const key = keyOf(parsed.drive, parsed.parts);
    return this.files.has(key) || this.dirs.has(key);
  }

  isDirectory(path: string): boolean {
    const parsed = parsePath(path);
    return !!parsed && this.dirs.has(keyOf(parsed.drive, parsed.parts));
  }

  getFile(path: string): SimFile | undefined {
    const parsed = parsePath(path);
    if (!parsed) return undefined;
    return this.files.get(keyOf(parsed.drive, parsed.parts));
  }

  getFileById(fileId: number): SimFile | undefined { return this.byId.get(fileId); }

  /**
   * Why opening `path` as a file fails, as CreateFile reports it: 0 when it exists, ERROR_INVALID_NAME for a
   * malformed path, ERROR_PATH_NOT_FOUND when a directory on the way is missing, else ERROR_FILE_NOT_FOUND.
   */
  openError(path: string): number {
    const parsed = parsePath(path);
    if (!parsed || parsed.parts.length === 0) return ERROR_INVALID_NAME;
    const key = keyOf(parsed.drive, parsed.parts);
    if (this.files.has(key)) return 0;
    return this.dirs.has(keyOf(parsed.drive, parsed.parts.slice(0, -1))) ? ERROR_FILE_NOT_FOUND : ERROR_PATH_NOT_FOUND;
  }

  /** Creates directories along `path` (like `mkdir -p`); returns the canonical path. */
  createDirectory(path: string): string {
    const parsed = parsePath(path);
    if (!parsed) throw new Win32Error(ERROR_INVALID_NAME, `createDirectory: '${path}' is not an absolute drive path`);
    return this.ensureDirs(parsed.drive, parsed.parts);
  }

  private ensureDirs(drive: string, parts: string[]): string {
    let canonical = `${drive}:`;
    const rootKey = `${drive}:\\`.toLowerCase();
    if (!this.dirs.has(rootKey)) this.dirs.set(rootKey, `${drive}:\\`);
    for (let i = 0; i < parts.length; i++) {
      const key = keyOf(drive, parts.slice(0, i + 1));
      if (this.files.has(key)) throw new Win32Error(ERROR_ALREADY_EXISTS, `'${this.files.get(key)!.path}' is a file`);
      let dir = this.dirs.get(key);
      if (!dir) { dir = `${canonical}\\${parts[i]}`; this.dirs.set(key, dir); }
      canonical = dir;
    }
    return parts.length ? canonical : `${drive}:\\`;
  }

  /**
   * Creates (or overwrites, keeping its fileId) a file with a copy of `data`; missing parent directories are
   * created. Returns the file. `shareData` keeps `data` itself instead of a copy (the caller must not mutate it).
   */
  createFile(path: string, data: Uint8Array, shareData = false): SimFile {
    if (!(data instanceof Uint8Array)) throw new TypeError('createFile: data must be a Uint8Array');
    const parsed = parsePath(path);
    if (!parsed || parsed.parts.length === 0) throw new Win32Error(ERROR_INVALID_NAME, `createFile: '${String(path)}' is not a file path`);
    const key = keyOf(parsed.drive, parsed.parts);
    if (this.dirs.has(key)) throw new Win32Error(ERROR_ALREADY_EXISTS, `createFile: '${this.dirs.get(key)}' is a directory`);
    const existing = this.files.get(key);
    if (existing) {
      const replaced: SimFile = { ...existing, data: data.slice(), version: existing.version + 1 };
      this.files.set(key, replaced);
      this.byId.set(replaced.fileId, replaced);
      return replaced;
    }
    const parent = this.ensureDirs(parsed.drive, parsed.parts.slice(0, -1));
    const file: SimFile = { path: `${parent.endsWith('\\') ? parent : parent + '\\'}${parsed.parts[parsed.parts.length - 1]}`, data: shareData ? data : data.slice(), fileId: this.nextFileId++, version: 0 };
    this.files.set(key, file);
    this.byId.set(file.fileId, file);
    return file;
  }

  /** Reads up to `length` bytes at `offset` (fewer at the end of the file, none past it). */
  readFile(path: string, offset: number, length: number): Uint8Array {
    const file = this.require(path, 'readFile');
    if (!Number.isInteger(offset) || offset < 0 || !Number.isInteger(length) || length < 0) throw new RangeError('readFile: offset and length must be non-negative integers');
    return file.data.slice(Math.min(offset, file.data.length), Math.min(offset + length, file.data.length));
  }

  /** Writes `data` at `offset`, extending the file (with zeros between the old end and `offset`) as needed. */
  writeFile(path: string, offset: number, data: Uint8Array): void {
    const file = this.require(path, 'writeFile');
    if (!Number.isInteger(offset) || offset < 0) throw new RangeError('writeFile: offset must be a non-negative integer');
    if (!(data instanceof Uint8Array)) throw new TypeError('writeFile: data must be a Uint8Array');
    const size = Math.max(file.data.length, offset + data.length);
    const next = new Uint8Array(size);
    next.set(file.data);
    next.set(data, offset);
    const replaced: SimFile = { ...file, data: next, version: file.version + 1 };
    const parsed = parsePath(file.path)!;
    this.files.set(keyOf(parsed.drive, parsed.parts), replaced);
    this.byId.set(replaced.fileId, replaced);
  }

  /** Deletes a file; returns false when there was none. */
  deleteFile(path: string): boolean {
    const parsed = parsePath(path);
    if (!parsed) return false;
    const key = keyOf(parsed.drive, parsed.parts);
    const file = this.files.get(key);
    if (!file) return false;
    this.files.delete(key);
    this.byId.delete(file.fileId);
    return true;
  }

  private require(path: string, what: string): SimFile {
    const file = this.getFile(path);
    if (!file) {
      const code = this.openError(path);
      throw new Win32Error(code || ERROR_FILE_NOT_FOUND, `${what}: cannot open '${String(path)}'`);
    }
    return file;
  }

  /** Files directly in `dir` (sorted by name), or every file when `dir` is omitted (sorted by path). */
  list(dir?: string): SimFile[] {
    let out: SimFile[];
    if (dir === undefined) out = [...this.files.values()];
    else {
      const parsed = parsePath(dir);
      if (!parsed) return [];
      const prefix = keyOf(parsed.drive, parsed.parts);
      const base = prefix.endsWith('\\') ? prefix : prefix + '\\';
      out = [];
      for (const [key, file] of this.files) {
        if (key.startsWith(base) && key.indexOf('\\', base.length) < 0) out.push(file);
      }
    }
    return out.sort((a, b) => (a.path.toLowerCase() < b.path.toLowerCase() ? -1 : 1));
  }

  /** Subdirectories directly in `dir`, canonical paths, sorted. */
  listDirectories(dir: string): string[] {
    const parsed = parsePath(dir);
    if (!parsed) return [];
    const prefix = keyOf(parsed.drive, parsed.parts);
    const base = prefix.endsWith('\\') ? prefix : prefix + '\\';
    const out: string[] = [];
    for (const [key, canonical] of this.dirs) {
      if (key.length > base.length && key.startsWith(base) && key.indexOf('\\', base.length) < 0) out.push(canonical);
    }
    return out.sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1));
  }

  get fileCount(): number { return this.files.size; }

  /** An independent copy (file contents are shared until either side writes, since writes replace `data`). */
  clone(): FileSystem {
    const fs = new FileSystem();
    for (const [k, f] of this.files) {
      const copy = { ...f };
      fs.files.set(k, copy);
      fs.byId.set(copy.fileId, copy);
    }
    fs.dirs = new Map(this.dirs);
    fs.nextFileId = this.nextFileId;
    return fs;
  }

  /** A volume with the usual Windows images, a few data files and a batch file, in a fixed order (stable fileIds). */
  static withDefaultImages(): FileSystem {
    const fs = new FileSystem();
    // The default contents are shared by every volume (writes replace a file's data, never mutate it).
    for (const [path, data] of defaultFiles()) fs.createFile(path, data, true);
    return fs;
  }
}

// ---------------------------------------------------------------------------------------------- default volume

const SYSTEM32 = 'C:\\Windows\\System32';
const EXE_BASE = 0x140000000n;
const DLL_BASE = 0x180000000n;

interface DefaultImage {
  path: string;
  subsystem: number;
  dll?: boolean;
  /** Pages of .text, .rdata, .data (the real images are larger; these keep their shape, scaled down). */
  pages: [number, number, number];
  imports: string[];
  bss?: number;
  /** IMAGE_FILE_MACHINE_*; default AMD64. */
  machine?: number;
}

/** The default images. Image names keep their real case; import names are as linkers write them. */
export const DEFAULT_IMAGES: readonly DefaultImage[] = [
  { path: `${SYSTEM32}\\ntdll.dll`, subsystem: IMAGE_SUBSYSTEM_WINDOWS_CUI, dll: true, pages: [24, 8, 2], imports: [] },
  { path: `${SYSTEM32}\\kernel32.dll`, subsystem: IMAGE_SUBSYSTEM_WINDOWS_CUI, dll: true, pages: [12, 6, 1], imports: ['KERNELBASE.dll', 'ntdll.dll'] },
  { path: `${SYSTEM32}\\KernelBase.dll`, subsystem: IMAGE_SUBSYSTEM_WINDOWS_CUI, dll: true, pages: [20, 10, 2], imports: ['ntdll.dll'] },
  { path: `${SYSTEM32}\\user32.dll`, subsystem: IMAGE_SUBSYSTEM_WINDOWS_CUI, dll: true, pages: [14, 4, 1], imports: ['gdi32.dll', 'KERNELBASE.dll', 'ntdll.dll'] },
  { path: `${SYSTEM32}\\gdi32.dll`, subsystem: IMAGE_SUBSYSTEM_WINDOWS_CUI, dll: true, pages: [4, 2, 1], imports: ['KERNELBASE.dll', 'ntdll.dll'] },
  { path: `${SYSTEM32}\\advapi32.dll`, subsystem: IMAGE_SUBSYSTEM_WINDOWS_CUI, dll: true, pages: [10, 4, 1], imports: ['msvcrt.dll', 'KERNELBASE.dll', 'ntdll.dll'] },
  { path: `${SYSTEM32}\\msvcrt.dll`, subsystem: IMAGE_SUBSYSTEM_WINDOWS_CUI, dll: true, pages: [10, 3, 2], imports: ['KERNELBASE.dll', 'ntdll.dll'] },
  { path: `${SYSTEM32}\\csrsrv.dll`, subsystem: IMAGE_SUBSYSTEM_WINDOWS_CUI, dll: true, pages: [4, 1, 1], imports: ['ntdll.dll'] },
  { path: `${SYSTEM32}\\basesrv.dll`, subsystem: IMAGE_SUBSYSTEM_WINDOWS_CUI, dll: true, pages: [3, 1, 1], imports: ['csrsrv.dll', 'ntdll.dll'] },
  { path: `${SYSTEM32}\\smss.exe`, subsystem: IMAGE_SUBSYSTEM_NATIVE, pages: [6, 2, 1], imports: ['ntdll.dll'] },
  { path: `${SYSTEM32}\\csrss.exe`, subsystem: IMAGE_SUBSYSTEM_NATIVE, pages: [1, 1, 1], imports: ['CSRSRV.dll', 'ntdll.dll'] },
  { path: `${SYSTEM32}\\wininit.exe`, subsystem: IMAGE_SUBSYSTEM_WINDOWS_GUI, pages: [8, 3, 1], imports: ['KERNEL32.dll', 'ADVAPI32.dll', 'msvcrt.dll', 'ntdll.dll'] },
  { path: `${SYSTEM32}\\winlogon.exe`, subsystem: IMAGE_SUBSYSTEM_WINDOWS_GUI, pages: [12, 4, 1], imports: ['KERNEL32.dll', 'USER32.dll', 'ADVAPI32.dll', 'msvcrt.dll', 'ntdll.dll'] },
  { path: `${SYSTEM32}\\services.exe`, subsystem: IMAGE_SUBSYSTEM_WINDOWS_GUI, pages: [14, 4, 1], imports: ['KERNEL32.dll', 'ADVAPI32.dll', 'msvcrt.dll', 'ntdll.dll'] },
  { path: `${SYSTEM32}\\lsass.exe`, subsystem: IMAGE_SUBSYSTEM_WINDOWS_GUI, pages: [3, 2, 1], imports: ['KERNEL32.dll', 'ADVAPI32.dll', 'msvcrt.dll', 'ntdll.dll'] },
  { path: `${SYSTEM32}\\svchost.exe`, subsystem: IMAGE_SUBSYSTEM_WINDOWS_GUI, pages: [3, 2, 1], imports: ['KERNEL32.dll', 'ADVAPI32.dll', 'msvcrt.dll', 'ntdll.dll'] },
  { path: `${SYSTEM32}\\dwm.exe`, subsystem: IMAGE_SUBSYSTEM_WINDOWS_GUI, pages: [24, 6, 2], imports: ['KERNEL32.dll', 'USER32.dll', 'GDI32.dll', 'ADVAPI32.dll', 'msvcrt.dll', 'ntdll.dll'] },
  { path: `${SYSTEM32}\\fontdrvhost.exe`, subsystem: IMAGE_SUBSYSTEM_WINDOWS_GUI, pages: [6, 2, 1], imports: ['KERNEL32.dll', 'GDI32.dll', 'msvcrt.dll', 'ntdll.dll'] },
  { path: `${SYSTEM32}\\userinit.exe`, subsystem: IMAGE_SUBSYSTEM_WINDOWS_GUI, pages: [3, 1, 1], imports: ['KERNEL32.dll', 'USER32.dll', 'ADVAPI32.dll', 'msvcrt.dll', 'ntdll.dll'] },
  { path: `${SYSTEM32}\\notepad.exe`, subsystem: IMAGE_SUBSYSTEM_WINDOWS_GUI, pages: [8, 3, 1], imports: ['KERNEL32.dll', 'USER32.dll', 'GDI32.dll', 'ADVAPI32.dll', 'msvcrt.dll'] },
  { path: `${SYSTEM32}\\calc.exe`, subsystem: IMAGE_SUBSYSTEM_WINDOWS_GUI, pages: [2, 1, 1], imports: ['KERNEL32.dll', 'USER32.dll', 'ADVAPI32.dll'] },
  { path: `${SYSTEM32}\\cmd.exe`, subsystem: IMAGE_SUBSYSTEM_WINDOWS_CUI, pages: [16, 4, 2], imports: ['KERNEL32.dll', 'msvcrt.dll', 'ADVAPI32.dll', 'ntdll.dll'], bss: 4 },
  // The console host: a GUI-subsystem program that draws the windows of console programs.
  { path: `${SYSTEM32}\\conhost.exe`, subsystem: IMAGE_SUBSYSTEM_WINDOWS_GUI, pages: [20, 6, 2], imports: ['KERNEL32.dll', 'USER32.dll', 'GDI32.dll', 'msvcrt.dll', 'ntdll.dll'] },
  { path: `${SYSTEM32}\\Taskmgr.exe`, subsystem: IMAGE_SUBSYSTEM_WINDOWS_GUI, pages: [20, 8, 2], imports: ['KERNEL32.dll', 'USER32.dll', 'GDI32.dll', 'ADVAPI32.dll', 'msvcrt.dll'] },
  { path: 'C:\\Windows\\explorer.exe', subsystem: IMAGE_SUBSYSTEM_WINDOWS_GUI, pages: [32, 10, 2], imports: ['KERNEL32.dll', 'USER32.dll', 'GDI32.dll', 'ADVAPI32.dll', 'msvcrt.dll'] },
  { path: 'C:\\Windows\\notepad.exe', subsystem: IMAGE_SUBSYSTEM_WINDOWS_GUI, pages: [8, 3, 1], imports: ['KERNEL32.dll', 'USER32.dll', 'GDI32.dll', 'ADVAPI32.dll', 'msvcrt.dll'] },
  { path: 'C:\\Program Files\\Windows Kits\\10\\Debuggers\\x64\\windbg.exe', subsystem: IMAGE_SUBSYSTEM_WINDOWS_GUI, pages: [6, 2, 1], imports: ['KERNEL32.dll', 'USER32.dll', 'ADVAPI32.dll', 'msvcrt.dll'] },
  // The lab's own demo programs (the fault lab panel and the large-page note runner start them).
  { path: 'C:\\Lab\\faultlab.exe', subsystem: IMAGE_SUBSYSTEM_WINDOWS_CUI, pages: [2, 1, 1], imports: ['KERNEL32.dll'] },
  { path: `${SYSTEM32}\\largepages.exe`, subsystem: IMAGE_SUBSYSTEM_WINDOWS_CUI, pages: [2, 1, 1], imports: ['KERNEL32.dll'] },
  {
    path: 'C:\\Program Files\\WindowsApps\\Microsoft.WindowsCalculator_10.2103.8.0_x64__8wekyb3d8bbwe\\Calculator.exe',
    subsystem: IMAGE_SUBSYSTEM_WINDOWS_GUI, pages: [10, 4, 1], imports: ['KERNEL32.dll', 'USER32.dll'],
  },
  // The 32-bit ntdll that PspMapSystemDll maps into WoW64 processes beside the native one (Windows Internals 7e
  // Part 2 ch. 8, "WoW64": SysWOW64 holds the 32-bit system DLLs).
  { path: 'C:\\Windows\\SysWOW64\\ntdll.dll', subsystem: IMAGE_SUBSYSTEM_WINDOWS_CUI, dll: true, pages: [20, 6, 2], imports: [], machine: IMAGE_FILE_MACHINE_I386 },
];

/** Text files (CRLF line ends, as Notepad writes them). */
const DEFAULT_TEXT_FILES: ReadonlyArray<readonly [string, string]> = [
  ['C:\\Windows\\win.ini', '; for 16-bit app support\r\n[fonts]\r\n[extensions]\r\n[mci extensions]\r\n[files]\r\n[Mail]\r\nMAPI=1\r\n'],
  ['C:\\Windows\\System32\\drivers\\etc\\hosts', '# Copyright (c) Microsoft Corp.\r\n#\r\n# localhost name resolution is handled within DNS itself.\r\n#\t127.0.0.1       localhost\r\n#\t::1             localhost\r\n'],
  ['C:\\Users\\Public\\hello.bat', '@echo off\r\necho Hello from a batch file\r\npause\r\n'],
  ['C:\\Users\\Public\\build.cmd', '@echo off\r\necho Building...\r\n'],
  ['C:\\Users\\Public\\readme.txt', 'NT Internals Lab: files on this simulated volume can be opened, mapped and run.\r\n'],
  // Text with an .exe name: CreateProcess refuses it with ERROR_BAD_EXE_FORMAT.
  ['C:\\Users\\Public\\broken.exe', 'This is not a program.\r\n'],
];

let cachedDefaults: Array<readonly [string, Uint8Array]> | undefined;

function ascii(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 0xFF;
  return out;
}

/** Builds the default files once (deterministic bytes), shared by every volume until written. */
function defaultFiles(): Array<readonly [string, Uint8Array]> {
  if (cachedDefaults) return cachedDefaults;
  const out: Array<readonly [string, Uint8Array]> = [];
  DEFAULT_IMAGES.forEach((img, i) => {
    const name = img.path.slice(img.path.lastIndexOf('\\') + 1);
    const sections: SectionSpec[] = [
      { name: '.text', virtualSize: img.pages[0] * 0x1000 - 0x1A0, characteristics: SCN_TEXT },
      { name: '.rdata', virtualSize: img.pages[1] * 0x1000 - 0x2C8, characteristics: SCN_RDATA },
      { name: '.data', virtualSize: img.pages[2] * 0x1000 - 0x7F0, characteristics: SCN_DATA },
    ];
    if (img.bss) sections.push({ name: '.bss', virtualSize: img.bss * 0x1000, characteristics: IMAGE_SCN_CNT_UNINITIALIZED_DATA | IMAGE_SCN_MEM_READ | IMAGE_SCN_MEM_WRITE });
    sections.push({ name: '.reloc', virtualSize: 0x1C0, characteristics: SCN_RELOC });
    const bytes = buildImage({
      machine: img.machine,
      imageBase: img.machine === IMAGE_FILE_MACHINE_I386 ? (img.dll ? 0x4B280000n : 0x400000n) : img.dll ? DLL_BASE : EXE_BASE,
      // Entry points a little into .text, different per image.
      entryPointRva: (0x1000 + ((i * 0x3D0) % (img.pages[0] * 0x1000 - 0x200))) & ~0xF,
      subsystem: img.subsystem,
      dll: img.dll ?? false,
      sections,
      imports: img.imports,
      timeDateStamp: 0x5DA24D3F + i * 0x1111,
      rdataText: `${name} 10.0.19041.${1000 + i * 37}`,
    });
    out.push([img.path, bytes]);
  });
  for (const [path, text] of DEFAULT_TEXT_FILES) out.push([path, ascii(text)]);
  cachedDefaults = out;
  return out;
}
