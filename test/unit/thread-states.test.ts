// The thread states a learner meets (Windows Internals ch. 4 as used in ch. 3's flow): a readied thread
// passes through DeferredReady; the process/stack swapper takes kernel stacks of long user-mode waits
// out of memory, so readying such a thread puts it in Transition until the stack comes back.
import { describe, expect, it } from 'vitest';
import { createSystem, CREATE_SUSPENDED, verifyIntegrity } from '../../src/engine';

describe('thread states', () => {
  it('Waiting -> (stack out) -> Transition -> (stack in) -> DeferredReady -> Ready, each a recorded step', () => {
    const sys = createSystem({ boot: false, physicalMemoryMB: 16, pageFileMB: 16 });
    const { pid, tid } = sys.createProcess({ imagePath: 'C:\\Windows\\System32\\notepad.exe', creationFlags: CREATE_SUSPENDED });
    const thread = () => sys.queryProcess(pid)!.threads.find((t) => t.tid === tid)!;
    // Resume it: the initial thread runs stage 7 and ends up waiting for input (a user-mode wait).
    sys.psCall({ call: 'resumeTid', tid });
    expect(thread().state).toBe('Waiting');
    const before = sys.stepCount;
    expect(sys.runSystemThread('processStackSwapper')).toBeGreaterThanOrEqual(1);
    const out = sys.getSteps(before, sys.stepCount).find((s) => s.code === 'thread.outswapStack' && s.args.tid === tid);
    expect(out?.routine).toBe('KiOutSwapKernelStacks');
    // Suspend and resume: readying a thread without its kernel stack puts it in Transition.
    sys.psCall({ call: 'suspendTid', tid });
    sys.psCall({ call: 'resumeTid', tid });
    expect(thread().state).toBe('Transition');
    const mark = sys.stepCount;
    sys.runSystemThread('processStackSwapper');
    expect(thread().state).toBe('Ready');
    const codes = sys.getSteps(mark, sys.stepCount).filter((s) => s.args.tid === tid).map((s) => s.code);
    expect(codes).toEqual(['thread.inswapStack', 'thread.deferredReady', 'thread.ready']);
    // Time travel shows the transient DeferredReady state at its step.
    const deferredSeq = sys.getSteps(mark, sys.stepCount).find((s) => s.code === 'thread.deferredReady')!.seq;
    expect(sys.stateAt(deferredSeq).queryProcess(pid)!.threads.find((t) => t.tid === tid)!.state).toBe('DeferredReady');
    expect(verifyIntegrity(sys)).toEqual([]);
  });
});
