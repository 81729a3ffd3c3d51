// Session files: a saved session replays to the same machine; corrupt, foreign and newer files are refused.
import { describe, expect, it } from 'vitest';
import { createSystem, MEM_COMMIT, MEM_RESERVE, PAGE_READWRITE } from '../../src/engine';
import { restoreSession, serializeSession, SessionFileError, SESSION_VERSION } from '../../src/engine/session/serialize';

function busyMachine() {
  const system = createSystem({ physicalMemoryMB: 32, pageFileMB: 32, seed: 7 });
  const { pid } = system.createProcess({ imagePath: 'C:\\Windows\\System32\\notepad.exe' });
  const api = system.win32(pid);
  const base = api.VirtualAlloc(0n, 0x40000n, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
  api.WriteMemory(base + 0x1000n, new TextEncoder().encode('hello'));
  api.VirtualAlloc(0x10n, 0x1000n, MEM_COMMIT, PAGE_READWRITE); // fails: not reserved
  system.memoryListCommand('MemoryEmptyWorkingSets');
  system.runSystemThread('modifiedPageWriter');
  return { system, pid, base };
}

const roundTrip = (o: unknown): unknown => JSON.parse(JSON.stringify(o));

describe('session files', () => {
  it('replays to the same steps, processes and memory contents', () => {
    const { system, pid, base } = busyMachine();
    const file = roundTrip(serializeSession(system));
    const restored = restoreSession(file);
    expect(restored.stepCount).toBe(system.stepCount);
    expect(restored.processIds).toEqual(system.processIds);
    expect(restored.querySystemMemoryListInformation()).toEqual(system.querySystemMemoryListInformation());
    expect(restored.getSteps(0, restored.stepCount).map((s) => s.code)).toEqual(system.getSteps(0, system.stepCount).map((s) => s.code));
    // The bytes written before saving come back (through the paging file: the working sets were emptied).
    expect(new TextDecoder().decode(restored.win32(pid).ReadMemory(base + 0x1000n, 5))).toBe('hello');
  });

  it('refuses a newer version with reason "newer"', () => {
    const file = roundTrip(serializeSession(busyMachine().system)) as Record<string, unknown>;
    file.version = SESSION_VERSION + 1;
    expect(() => restoreSession(file)).toThrowError(SessionFileError);
    try { restoreSession(file); } catch (e) { expect((e as SessionFileError).reason).toBe('newer'); }
  });

  it('refuses an older version (another boot) with reason "mismatch", before building anything', () => {
    const file = roundTrip(serializeSession(busyMachine().system)) as Record<string, unknown>;
    file.version = SESSION_VERSION - 1;
    let reason: string | undefined;
    try { restoreSession(file); } catch (e) { reason = (e as SessionFileError).reason; }
    expect(reason).toBe('mismatch');
  });

  it('refuses corrupt files: wrong format, missing fields, bad tagged values, unknown operations', () => {
    const good = roundTrip(serializeSession(busyMachine().system)) as Record<string, unknown>;
    const bad = (patch: Record<string, unknown>) => ({ ...good, ...patch });
    for (const f of [null, 42, [], bad({ format: 'other' }), bad({ ops: 'x' }), bad({ stepCount: -1 }), bad({ options: { pteBase: 'zz' } }),
      bad({ ops: [{ op: 'VirtualAlloc', pid: 4, args: [{ $n: 'nope' }] }] }), bad({ ops: [{ op: 'formatDisk', args: [] }] }), bad({ ops: [42] })]) {
      let reason: string | undefined;
      try { restoreSession(f); } catch (e) { reason = e instanceof SessionFileError ? e.reason : `unexpected ${String(e)}`; }
      expect(reason, JSON.stringify(f)?.slice(0, 80)).toBe('corrupt');
    }
  });

  it('notices a file whose replay does not reach the recorded step count', () => {
    const file = roundTrip(serializeSession(busyMachine().system)) as Record<string, unknown>;
    file.stepCount = (file.stepCount as number) + 5;
    try { restoreSession(file); expect.unreachable(); } catch (e) { expect((e as SessionFileError).reason).toBe('mismatch'); }
  });
});
