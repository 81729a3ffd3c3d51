// Findings of the long engine campaign (issue 19), each reproduced and kept here: the operation
// sequence the fuzzer generated, cut down to what makes the fault.
import { describe, expect, it } from 'vitest';
import { createSystem, verifyIntegrity } from '../../src/engine';

describe('engine campaign findings', () => {
  it('a thread id reused within one process names the live thread, not the exited one (campaign seed 10016: "tid N of pid N is not found by its id")', () => {
    const sys = createSystem({ physicalMemoryMB: 16, pageFileMB: 16, seed: 5, boot: false });
    const pid = sys.createProcess({ imagePath: 'C:\\Windows\\System32\\notepad.exe' }).pid;
    const k = sys.win32(pid);
    // Threads that start and exit: their ids go back to the CID table, which hands a freed id out again
    // after a delay (CidTable.REUSE_DELAY); the exited threads stay in the process's list.
    const seen = new Set<number>();
    let reused: number | undefined;
    for (let i = 0; i < 400 && reused === undefined; i++) {
      const tid = { value: 0 };
      expect(k.CreateThread(0n, 0x7FF600001000n, 0n, 0, tid)).not.toBe(0);
      if (seen.has(tid.value)) reused = tid.value;
      else sys.psCall({ call: 'exitThread', tid: tid.value, exitCode: 0 });
      seen.add(tid.value);
    }
    expect(reused).toBeDefined();
    const threads = sys.queryProcess(pid)!.threads.filter((t) => t.tid === reused);
    expect(threads.length).toBe(2);
    expect(verifyIntegrity(sys)).toEqual([]);
    // A call by thread id reaches the live thread: it exits, and the process keeps no live thread of that id.
    sys.psCall({ call: 'exitThread', tid: reused!, exitCode: 7 });
    expect(sys.queryProcess(pid)!.threads.filter((t) => t.tid === reused).map((t) => t.state)).toEqual(['Terminated', 'Terminated']);
    expect(verifyIntegrity(sys)).toEqual([]);
  });
});
