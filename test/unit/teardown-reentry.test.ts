/**
 * Process teardown runs once per process (issue 19 item 7): when the conhost.exe of a console program
 * debugs that program, the exit of either one ends the other from inside its own teardown (the console
 * host goes with its last client; a debugger's exit kills its debuggees, DbgkpCloseObject). The
 * teardown under way must not start again (EPROCESS ProcessExiting; NtTerminateProcess answers
 * STATUS_PROCESS_IS_TERMINATING; Windows Internals 7e ch. 3, "Thread termination").
 */
import { describe, expect, it } from 'vitest';
import { createSystem, verifyIntegrity } from '../../src/engine';

const CMD = 'C:\\Windows\\System32\\cmd.exe';

function conhostDebuggingItsClient() {
  const sys = createSystem({ physicalMemoryMB: 64, pageFileMB: 64 });
  const client = sys.createProcess({ imagePath: CMD }).pid;
  const host = sys.processIds.find((p) => sys.queryProcess(p)!.parentPid === client && sys.queryProcess(p)!.imageFileName === 'conhost.exe')!;
  expect(sys.win32(host).DebugActiveProcess(client)).toBe(true);
  return { sys, client, host };
}

describe('teardown does not re-enter itself', () => {
  for (const leaver of ['client', 'host'] as const) {
    it(`the ${leaver} exits: both processes end once and the live count matches the process list`, () => {
      const { sys, client, host } = conhostDebuggingItsClient();
      const before = sys.processIds.length;
      const from = sys.stepCount;
      sys.win32(leaver === 'client' ? client : host).ExitProcess(0);
      expect(sys.queryProcess(client)).toBeUndefined();
      expect(sys.queryProcess(host)).toBeUndefined();
      expect(sys.processIds.length).toBe(before - 2);
      const exits = sys.getSteps(from, sys.stepCount).filter((s) => s.code === 'process.exit');
      expect(exits.map((s) => s.args.pid).sort()).toEqual([client, host].sort());
      // process.exit reports the process manager's live count: after the last exit it is the list's length.
      expect(exits.at(-1)!.args.processes).toBe(sys.processIds.length);
      expect(exits.filter((s) => s.args.pid === client).length).toBe(1);
      expect(verifyIntegrity(sys)).toEqual([]);
    });
  }

  it('the client that exits on its own keeps its exit status; the host killed as debugger of nobody exits 0', () => {
    const { sys, client, host } = conhostDebuggingItsClient();
    const from = sys.stepCount;
    sys.win32(client).ExitProcess(7);
    const exits = sys.getSteps(from, sys.stepCount).filter((s) => s.code === 'process.exit');
    expect(exits.find((s) => s.args.pid === client)!.args.exitStatus).toBe(7);
    expect(exits.find((s) => s.args.pid === host)!.args.exitStatus).toBe(0);
  });
});
