// Session files cannot make the engine build a machine nobody agreed to, nor make the host parse a nest
// of a million brackets (issue 19): the documented maximum (SESSION_MACHINE_LIMITS), the limits a host
// passes after asking, and parseSessionText's nesting check.
import { describe, expect, it } from 'vitest';
import {
  createSystem, parseSessionText, restoreSession, SESSION_MACHINE_LIMITS, SessionFileError, serializeSession,
} from '../../src/engine';
import { CLASSIC_PTE_BASE } from '../../src/engine/constants';
import { machineOf } from '../../src/engine/testing';

const NOTEPAD = 'C:\\Windows\\System32\\notepad.exe';

function reasonOf(f: () => unknown): string {
  try { f(); } catch (e) { return e instanceof SessionFileError ? e.reason : `unexpected ${String(e)}`; }
  return 'loaded';
}

describe('the machine a session file may ask for', () => {
  const small = (): Record<string, unknown> => {
    const sys = createSystem({ boot: false, physicalMemoryMB: 16, pageFileMB: 16, seed: 4 });
    sys.createProcess({ imagePath: NOTEPAD });
    return JSON.parse(JSON.stringify(serializeSession(sys))) as Record<string, unknown>;
  };
  const withOptions = (file: Record<string, unknown>, change: Record<string, unknown>): Record<string, unknown> =>
    ({ ...file, options: { ...(file['options'] as object), ...change } });

  it('above the documented maximum, RAM or paging file, is refused as tooLarge before anything is built', () => {
    const file = small();
    expect(SESSION_MACHINE_LIMITS.physicalMemoryMB).toBe(4096);
    expect(reasonOf(() => restoreSession(withOptions(file, { physicalMemoryMB: 65536 })))).toBe('tooLarge');
    expect(reasonOf(() => restoreSession(withOptions(file, { physicalMemoryMB: SESSION_MACHINE_LIMITS.physicalMemoryMB + 1 })))).toBe('tooLarge');
    expect(reasonOf(() => restoreSession(withOptions(file, { pageFileMB: SESSION_MACHINE_LIMITS.pageFileMB + 1 })))).toBe('tooLarge');
    // What createSystem itself refuses stays 'corrupt' (not a number, out of createSystem's range).
    expect(reasonOf(() => restoreSession(withOptions(file, { physicalMemoryMB: 'NaN' })))).toBe('corrupt');
    expect(reasonOf(() => restoreSession(withOptions(file, { physicalMemoryMB: 2 })))).toBe('corrupt');
  });

  it('the limits a host gives after asking are the ones applied', () => {
    const file = small();
    expect(reasonOf(() => restoreSession(file, { maxPhysicalMemoryMB: 8 }))).toBe('tooLarge');
    expect(reasonOf(() => restoreSession(file, { maxPageFileMB: 8 }))).toBe('tooLarge');
    expect(reasonOf(() => restoreSession(file, { maxPhysicalMemoryMB: 16, maxPageFileMB: 16 }))).toBe('loaded');
    expect(reasonOf(() => restoreSession(file))).toBe('loaded');
  });

  it('saving builds no second machine, and every kind of PTE base and boot round-trips', () => {
    for (const options of [
      { boot: false, seed: 9 }, { boot: true, seed: 9 }, { boot: false, seed: 9, pteBase: CLASSIC_PTE_BASE }, { boot: false, seed: 9, pteBase: 0xFFFF818000000000n },
    ]) {
      const sys = createSystem({ physicalMemoryMB: 16, pageFileMB: 16, ...options });
      sys.createProcess({ imagePath: NOTEPAD });
      const file = serializeSession(sys);
      const loaded = restoreSession(JSON.parse(JSON.stringify(file)));
      expect(loaded.stepCount).toBe(sys.stepCount);
      expect(loaded.options.pteBase).toBe(sys.options.pteBase);
      // The file holds the operations after the fresh machine's own (its boot), no more and no fewer.
      expect(file.ops.length + machineOf(createSystem({ physicalMemoryMB: 16, pageFileMB: 16, ...options })).ops.count).toBe(machineOf(sys).ops.count);
    }
  });
});

describe('parseSessionText', () => {
  it('refuses a nest deeper than any session with SessionFileError, in one pass, and text that is not JSON the same way', () => {
    for (const objects of [false, true]) {
      const depth = 1_000_000;
      const text = objects ? '{"a":'.repeat(depth) + '1' + '}'.repeat(depth) : '['.repeat(depth) + '1' + ']'.repeat(depth);
      expect(() => parseSessionText(text)).toThrow(SessionFileError);
      expect(() => parseSessionText(text)).toThrow(/nested deeper/);
    }
    expect(() => parseSessionText('{"format": ')).toThrow(/^not JSON/);
    expect(reasonOf(() => parseSessionText('[1,'))).toBe('corrupt');
  });

  it('counts brackets only outside strings: a session whose strings hold thousands of brackets and escaped quotes loads', () => {
    const sys = createSystem({ boot: false, physicalMemoryMB: 8, pageFileMB: 8 });
    const pid = sys.createProcess({ imagePath: NOTEPAD }).pid;
    const k = sys.win32(pid);
    const weird = '[{"\\'.repeat(3000);
    k.CreateFileMapping(-1, 4, 0x1000n, weird.slice(0, 200));
    const pi = {} as Parameters<typeof k.CreateProcess>[5];
    k.CreateProcess(NOTEPAD, `notepad ${weird}`, false, 0, null, pi);
    const text = JSON.stringify(serializeSession(sys));
    const loaded = restoreSession(parseSessionText(text));
    expect(loaded.stepCount).toBe(sys.stepCount);
  });
});
