// Hostile arguments at the Win32 boundary (issue 19 item 6): any JS value in any parameter of any
// Win32Api function gets the documented failure (a return value and a last error, or NtException for
// memory accesses, Win32Error for ExitProcess), never a TypeError or another internal error; and the
// session still saves, loads to the same step count, and replays to the present.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSystem, MEM_COMMIT, MEM_RESERVE, PAGE_READWRITE, restoreSession, serializeSession, type Win32Api } from '../../src/engine';
import { isDocumentedError } from '../../src/engine/errors';

const METHODS = [
  'VirtualAlloc', 'VirtualFree', 'VirtualProtect', 'VirtualQuery', 'SetProcessWorkingSetSize', 'GetProcessWorkingSetSize', 'GetWriteWatch',
  'ResetWriteWatch', 'SetLastError', 'ReadMemory', 'WriteMemory', 'CloseHandle', 'OpenProcess', 'CreateProcess', 'ShellExecuteEx',
  'TerminateProcess', 'GetExitCodeProcess', 'CreateThread', 'CreateRemoteThread', 'SuspendThread', 'ResumeThread', 'TerminateThread',
  'CreateJobObject', 'OpenJobObject', 'AssignProcessToJobObject', 'SetInformationJobObject', 'QueryInformationJobObject', 'TerminateJobObject',
  'IsProcessInJob', 'CreateFile', 'CreateFileMapping', 'OpenFileMapping', 'MapViewOfFile', 'MapViewOfFileEx', 'UnmapViewOfFile',
  'FlushViewOfFile', 'ReadProcessMemory', 'WriteProcessMemory', 'OpenProcessToken', 'DuplicateTokenEx', 'GetTokenInformation',
  'SetTokenInformation', 'AdjustTokenPrivileges', 'WTSQueryUserToken', 'CreateProcessAsUser', 'DebugActiveProcess', 'DebugActiveProcessStop',
  'WaitForDebugEvent', 'ContinueDebugEvent', 'DebugSetProcessKillOnExit',
] as const satisfies ReadonlyArray<keyof Win32Api>;

/** Values of every JS type, typed and hostile. */
const anyValue = fc.oneof(
  fc.constantFrom<unknown>(undefined, null, NaN, Infinity, -Infinity, -0, 0, 1, -1, 4, 8, 0x1000, 0x3000, 4, 0x40, 0xFFFFFFFF, 2 ** 53, '', 'C:\\Windows\\System32\\notepad.exe', 'x', true, false, [], {}, { value: 4 }, new Uint8Array(3)),
  fc.constantFrom<unknown>(0n, 1n, -1n, 0x10000n, 0x7FFE0000n, 2n ** 64n, 4096n, 0x20000n),
  fc.integer(), fc.bigInt({ min: -(2n ** 65n), max: 2n ** 65n }), fc.string({ maxLength: 8 }),
);

describe('hostile arguments at the Win32 boundary', () => {
  it('every function fails the documented way, and the session stays loadable', () => {
    const unexpected = new Map<string, string>();
    fc.assert(fc.property(fc.array(fc.tuple(fc.constantFrom(...METHODS), fc.array(anyValue, { maxLength: 8 })), { minLength: 1, maxLength: 25 }), (calls) => {
      const sys = createSystem({ boot: false, physicalMemoryMB: 8, pageFileMB: 16, seed: 3 });
      const pid = sys.createProcess({ imagePath: 'C:\\Windows\\System32\\notepad.exe' }).pid;
      const k = sys.win32(pid);
      k.VirtualAlloc(0x10000n, 0x20000n, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
      for (const [name, args] of calls) {
        if (!sys.processIds.includes(pid)) break;
        try {
          (k[name] as (...a: unknown[]) => unknown)(...args);
        } catch (e) {
          if (!isDocumentedError(e)) unexpected.set(`${name}: ${(e as Error).name}: ${(e as Error).message}`.slice(0, 160), JSON.stringify(args, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v)));
        }
      }
      const loaded = restoreSession(JSON.parse(JSON.stringify(serializeSession(sys))));
      expect(loaded.stepCount).toBe(sys.stepCount);
      expect(sys.stateAt(sys.stepCount - 1).querySystemMemoryListInformation()).toEqual(sys.querySystemMemoryListInformation());
    }), { numRuns: 60, seed: 1906 });
    expect([...unexpected.entries()]).toEqual([]);
  }, 240_000);
});
