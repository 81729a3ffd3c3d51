/** The simulated volume: Win32 path rules, file ids, contents, errors, clones. */
import { describe, expect, it } from 'vitest';
import { ERROR_FILE_NOT_FOUND, ERROR_INVALID_NAME, ERROR_PATH_NOT_FOUND, Win32Error } from '../../src/engine';
import { FileSystem, parsePath } from '../../src/engine/io/fileSystem';

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
const text = (b: Uint8Array): string => new TextDecoder().decode(b);

describe('paths', () => {
  it('are case-insensitive, take / or \\, and the \\??\\ and \\\\?\\ prefixes', () => {
    const fs = FileSystem.withDefaultImages();
    const notepad = fs.getFile('C:\\Windows\\System32\\notepad.exe')!;
    expect(notepad.path).toBe('C:\\Windows\\System32\\notepad.exe');
    for (const p of ['c:/windows/system32/NOTEPAD.EXE', '\\??\\C:\\Windows\\System32\\notepad.exe', '\\\\?\\C:\\WINDOWS\\system32\\notepad.exe', 'C:\\Windows\\.\\Temp\\..\\System32\\\\notepad.exe']) {
      expect(fs.getFile(p)?.fileId, p).toBe(notepad.fileId);
    }
  });

  it('relative and malformed paths name nothing', () => {
    const fs = FileSystem.withDefaultImages();
    expect(parsePath('notepad.exe')).toBeNull();
    expect(parsePath('C:\\a<b')).toBeNull();
    expect(fs.getFile('notepad.exe')).toBeUndefined();
    expect(fs.openError('C:\\bad|name.exe')).toBe(ERROR_INVALID_NAME);
    expect(fs.exists(42 as unknown as string)).toBe(false);
  });

  it('tell a missing file (ERROR_FILE_NOT_FOUND) from a missing directory (ERROR_PATH_NOT_FOUND)', () => {
    const fs = FileSystem.withDefaultImages();
    expect(fs.openError('C:\\Windows\\System32\\notepad.exe')).toBe(0);
    expect(fs.openError('C:\\Windows\\System32\\nosuch.exe')).toBe(ERROR_FILE_NOT_FOUND);
    expect(fs.openError('C:\\NoSuchDir\\a.exe')).toBe(ERROR_PATH_NOT_FOUND);
    expect(() => fs.readFile('C:\\NoSuchDir\\a.exe', 0, 1)).toThrow(expect.objectContaining({ code: ERROR_PATH_NOT_FOUND }));
    expect(() => fs.readFile('C:\\Windows\\nosuch.txt', 0, 1)).toThrow(Win32Error);
  });
});

describe('files', () => {
  it('hold the default images, data files and a batch file with stable ids', () => {
    const a = FileSystem.withDefaultImages();
    const b = FileSystem.withDefaultImages();
    for (const name of ['ntdll.dll', 'kernel32.dll', 'KernelBase.dll', 'user32.dll', 'notepad.exe', 'calc.exe', 'cmd.exe', 'smss.exe', 'csrss.exe', 'wininit.exe', 'winlogon.exe', 'services.exe', 'lsass.exe', 'svchost.exe', 'userinit.exe', 'Taskmgr.exe']) {
      const f = a.getFile(`C:\\Windows\\System32\\${name}`);
      expect(f, name).toBeDefined();
      expect(b.getFile(f!.path)!.fileId).toBe(f!.fileId);
      expect(b.getFile(f!.path)!.data).toEqual(f!.data);
    }
    expect(a.exists('C:\\Windows\\explorer.exe')).toBe(true);
    expect(text(a.readFile('C:\\Windows\\win.ini', 0, 100))).toContain('[fonts]');
    expect(text(a.readFile('C:\\Users\\Public\\hello.bat', 0, 9))).toBe('@echo off');
    expect(a.exists('C:\\Users\\Public\\readme.txt')).toBe(true);
    expect(a.isDirectory('c:\\users\\public')).toBe(true);
  });

  it('are created with their directories, read back, written at offsets and extended', () => {
    const fs = new FileSystem();
    const f = fs.createFile('c:/Work/Data/note.txt', bytes('hello'));
    expect(f.path).toBe('C:\\Work\\Data\\note.txt');
    expect(fs.isDirectory('C:\\work')).toBe(true);
    expect(text(fs.readFile(f.path, 1, 3))).toBe('ell');
    expect(fs.readFile(f.path, 10, 3).length).toBe(0);
    fs.writeFile('C:\\WORK\\data\\NOTE.TXT', 3, bytes('p me'));
    expect(text(fs.getFile(f.path)!.data)).toBe('help me');
    fs.writeFile(f.path, 9, bytes('!'));
    expect([...fs.getFile(f.path)!.data.subarray(7)]).toEqual([0, 0, 0x21]);
    expect(fs.getFile(f.path)!.version).toBe(2);
  });

  it('keep their fileId when overwritten, and get fresh ids otherwise', () => {
    const fs = new FileSystem();
    const a = fs.createFile('C:\\a.bin', new Uint8Array([1]));
    const a2 = fs.createFile('c:\\A.BIN', new Uint8Array([2, 3]));
    const b = fs.createFile('C:\\b.bin', new Uint8Array([4]));
    expect(a2.fileId).toBe(a.fileId);
    expect(a2.path).toBe('C:\\a.bin');
    expect(b.fileId).not.toBe(a.fileId);
    expect(fs.getFileById(a.fileId)!.data.length).toBe(2);
    expect(fs.deleteFile('C:\\a.bin')).toBe(true);
    expect(fs.getFileById(a.fileId)).toBeUndefined();
    expect(fs.deleteFile('C:\\a.bin')).toBe(false);
  });

  it('copies the data it is given (later changes to the caller\'s array do not leak in)', () => {
    const fs = new FileSystem();
    const src = new Uint8Array([1, 2, 3]);
    fs.createFile('C:\\x.bin', src);
    src[0] = 99;
    expect(fs.readFile('C:\\x.bin', 0, 1)[0]).toBe(1);
  });

  it('refuse bad arguments', () => {
    const fs = new FileSystem();
    expect(() => fs.createFile('relative.txt', new Uint8Array())).toThrow(expect.objectContaining({ code: ERROR_INVALID_NAME }));
    expect(() => fs.createFile('C:\\x', 'text' as unknown as Uint8Array)).toThrow(TypeError);
    fs.createFile('C:\\d\\f.txt', new Uint8Array());
    expect(() => fs.createFile('C:\\d', new Uint8Array())).toThrow(Win32Error);
    expect(() => fs.readFile('C:\\d\\f.txt', -1, 1)).toThrow(RangeError);
  });

  it('list a directory or everything', () => {
    const fs = FileSystem.withDefaultImages();
    const public_ = fs.list('C:\\Users\\Public').map((f) => f.path);
    expect(public_).toContain('C:\\Users\\Public\\hello.bat');
    expect(public_.every((p) => p.startsWith('C:\\Users\\Public\\') && p.split('\\').length === 4)).toBe(true);
    expect(fs.list().length).toBe(fs.fileCount);
    expect(fs.listDirectories('C:\\Windows')).toContain('C:\\Windows\\System32');
  });
});

describe('clone', () => {
  it('is independent: writes, creations and deletions on one side do not show on the other', () => {
    const a = FileSystem.withDefaultImages();
    const b = a.clone();
    b.writeFile('C:\\Windows\\win.ini', 0, bytes('X'));
    b.createFile('C:\\new.txt', bytes('n'));
    a.deleteFile('C:\\Users\\Public\\readme.txt');
    expect(text(a.readFile('C:\\Windows\\win.ini', 0, 1))).toBe(';');
    expect(text(b.readFile('C:\\Windows\\win.ini', 0, 1))).toBe('X');
    expect(a.exists('C:\\new.txt')).toBe(false);
    expect(b.exists('C:\\Users\\Public\\readme.txt')).toBe(true);
    const c = a.createFile('C:\\after.txt', bytes(''));
    const d = b.createFile('C:\\after2.txt', bytes(''));
    expect(d.fileId).toBe(c.fileId + 1); // each side numbers on from the clone point (b also made new.txt)
    expect(d.fileId).toBeGreaterThan(a.getFile('C:\\Windows\\win.ini')!.fileId);
  });
});
