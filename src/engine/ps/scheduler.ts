// The dispatcher: KiReadyThread (DeferredReady -> Ready, or Transition while the kernel stack is out),
// one dispatch pass over the processors (Running, Standby), and the kernel-stack swapper
// (KeSwapProcessOrStack). Windows Internals 7e ch. 4, "Thread states" and "Thread scheduling".
import type { ProcessObject, ThreadObject } from '../process';
import { isFrozen } from './debug';
import type { ProcessManager } from './processManager';

/** Wait reasons of user-mode waits: the threads whose kernel stacks the swapper may take out. */
const USER_MODE_WAITS = new Set(['UserRequest', 'WrUserRequest', 'Suspended']);

/**
 * KiReadyThread: a thread whose kernel stack is out of memory goes to Transition until the swapper
 * brings it back; otherwise it passes through DeferredReady (queued for a processor) to Ready.
 */
export function readyThread(pm: ProcessManager, p: ProcessObject, thread: ThreadObject): void {
  const t = pm.trace;
  if (thread.kernelStackResident === false) {
    thread.state = 'Transition';
    t.step('thread.transition')?.n(thread.tid).n(p.pid).change('thread', thread.tid);
    return;
  }
  const processor = thread.tid % pm.ctx.processors;
  thread.state = 'DeferredReady';
  t.step('thread.deferredReady')?.n(thread.tid).n(processor).change('thread', thread.tid);
  thread.state = 'Ready';
  t.step('thread.ready')?.n(thread.tid).n(processor).change('thread', thread.tid);
}

/**
 * The process/stack swapper (KeSwapProcessOrStack): kernel stacks of threads in long user-mode
 * waits go out of memory (KiOutSwapKernelStacks); threads in Transition get theirs back
 * (KiInSwapKernelStacks) and become ready. Returns how many stacks moved.
 */
export function swapKernelStacks(pm: ProcessManager): number {
  let moved = 0;
  const t = pm.trace;
  for (const p of pm.ctx.processes) {
    if (!p || p.exited) continue;
    for (const thread of p.threads) {
      if (thread.state === 'Transition') {
        thread.kernelStackResident = true;
        t.step('thread.inswapStack')?.n(thread.tid).n(p.pid).change('thread', thread.tid);
        readyThread(pm, p, thread);
        moved++;
      } else if (thread.state === 'Waiting' && thread.kernelStackResident !== false && USER_MODE_WAITS.has(thread.waitReason ?? '')) {
        thread.kernelStackResident = false;
        t.step('thread.outswapStack')?.n(thread.tid).n(p.pid).s(thread.waitReason ?? '').change('thread', thread.tid);
        moved++;
      }
    }
  }
  return moved;
}

/**
 * One pass of the dispatcher: on each processor the highest-priority Ready thread runs (Running), the
 * next one waits as that processor's Standby thread; threads that were Running go back to Ready
 * (their quantum ended). Returns the tids now Running.
 */
export function dispatch(pm: ProcessManager): number[] {
  // Threads waiting for their kernel stacks are brought back first (the swapper runs when one is ready).
  for (const p of pm.ctx.processes) if (p && !p.exited && p.threads.some((x) => x.state === 'Transition')) { swapKernelStacks(pm); break; }
  const ready: Array<[ProcessObject, ThreadObject]> = [];
  for (const p of pm.ctx.processes) {
    if (!p || p.exited) continue;
    // A debuggee with a debug event outstanding is frozen (DbgkpSuspendProcess).
    if (pm.state(p).debugObjectId && isFrozen(pm, p)) continue;
    for (const t of p.threads) {
      if (t.state === 'Running' || t.state === 'Standby') t.state = 'Ready';
      if (t.state === 'Ready') ready.push([p, t]);
    }
  }
  // Highest priority first; among equals, the thread that has waited longest (lowest tid stands in for age).
  ready.sort((a, b) => (b[1].priority ?? 8) - (a[1].priority ?? 8) || a[1].tid - b[1].tid);
  const running: number[] = [];
  const t = pm.trace;
  const n = pm.ctx.processors;
  for (let cpu = 0; cpu < n; cpu++) {
    const run = ready[cpu];
    const standby = ready[n + cpu];
    if (!run) break;
    run[1].state = 'Running';
    running.push(run[1].tid);
    if (standby) standby[1].state = 'Standby';
    const step = t.step('thread.dispatch')?.n(cpu).n(run[1].tid).n(run[1].priority ?? 8).n(standby ? standby[1].tid : 0).change('thread', run[1].tid);
    if (standby) step?.change('thread', standby[1].tid);
  }
  return running;
}
