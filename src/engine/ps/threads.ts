// Threads: creation (PspAllocateThread with MmCreateTeb, the user stack and KeInitThread, then
// PspInsertThread), suspend and resume (KeSuspendThread / KeResumeThread), exit (PspExitThread).
// Windows Internals 7e ch. 4, "Thread internals" ("Birth of a thread"); ch. 3, stage 4 (PspAllocateThread
// then PspInsertThread); MmCreateTeb's caller is PspAllocateThread (public symbols).
import { PAGE_SIZE_N } from '../constants';
import { CREATE_SUSPENDED, ERROR_ACCESS_DENIED, ERROR_INVALID_HANDLE, ERROR_INVALID_PARAMETER, ERROR_NOT_ENOUGH_MEMORY, ERROR_COMMITMENT_LIMIT, ERROR_SIGNAL_REFUSED, MAXIMUM_SUSPEND_COUNT, MEM_COMMIT, MEM_RELEASE, MEM_RESERVE, PAGE_GUARD, PAGE_READWRITE, STACK_SIZE_PARAM_IS_A_RESERVATION, STILL_ACTIVE } from '../constants';
import { LastError } from '../errors';
import { createPebOrTeb, virtualFree } from '../mm/virtual';
import { KERNEL_STACK_SIZE, MmCreateKernelStack, MmDeleteKernelStack, type KernelStack } from '../mm/systemPages';
export { KERNEL_STACK_SIZE } from '../mm/systemPages';
import type { ProcessObject, ThreadObject } from '../process';
import { runLoaderInit } from './create/stage7-loader-init';
import { debugObjectOf, isFrozen, postExit, postThreadStart } from './debug';
import { continueLoader } from './loader';
import { callThreadNotify } from './notify';
import { ETHREAD_SIZE } from './objectSizes';
import type { ProcessManager } from './processManager';
import { threadObjectDeleted } from './handles';
import { readyThread } from './scheduler';
import { terminateProcess } from './termination';
import { TEB } from './userLayout';
import type { ObjectHeader } from '../ob/objectManager';
import { kernelAlloc, writeUser } from './userMemory';

const fail = (code: number): never => { throw new LastError(code); };

/**
 * KeInitThread's kernel stack: MmCreateKernelStack takes a guard PTE and 24 KB of system PTEs (KERNEL_STACK_SIZE
 * 0x6000 on x64: Microsoft Learn, "How do I keep my driver from running out of kernel-mode stack?"; wdm.h) and
 * sets KTHREAD.StackBase and StackLimit (Windows Internals 7e ch. 4, "Thread internals"; ch. 5, "System PTEs").
 * No commit left: ERROR_COMMITMENT_LIMIT; no system PTE left: ERROR_NOT_ENOUGH_MEMORY. The stack has an
 * address range and commit but no physical pages of its own (README: where the model ends).
 */
export function createKernelStack(pm: ProcessManager, tid: number): KernelStack {
  const space = pm.mm.systemSpace;
  const stack = space ? MmCreateKernelStack(pm.mm, space, tid) : undefined;
  if (!stack) fail(pm.mm.canCharge(KERNEL_STACK_SIZE / 4096) ? ERROR_NOT_ENOUGH_MEMORY : ERROR_COMMITMENT_LIMIT);
  return stack!;
}

/**
 * PspAllocateThread (MmCreateTeb, the user stack, KeInitThread) then PspInsertThread. The TEB and stack are
 * taken by the kernel for the thread (kernelAlloc: their steps are create.teb and create.stack).
 */
export function createThreadObject(pm: ProcessManager, p: ProcessObject, startAddress: bigint, parameter: bigint, stackReserve: bigint, suspended: boolean, initial: boolean, stackCommit = 0n): ThreadObject {
  const t = pm.trace;
  const tid = pm.cids.allocate('t');
  let header: ObjectHeader;
  try { header = pm.ob.create('Thread', tid, ETHREAD_SIZE); } catch (e) { pm.cids.free(tid); throw e; }
  let thread: ThreadObject;
  // A failure part-way (no commit for the TEB or stack, no kernel stack) gives the id and the ETHREAD back.
  try { thread = allocateThreadParts(pm, p, tid, header, startAddress, parameter, stackReserve, suspended, initial, stackCommit); } catch (e) {
    pm.cids.free(tid);
    if (pm.ob.dereference(header.objectId)) threadObjectDeleted(pm, header.objectId);
    throw e;
  }
  const teb = thread.teb;
  const stackBase = thread.stackBase;
  // PspAllocateThread is done (its TEB, stack and KeInitThread work recorded above); PspInsertThread follows.
  t.step('create.thread')?.n(p.pid).n(tid).a(teb).a(stackBase).change('thread', tid).change('process', p.pid);
  PspInsertThread(pm, p, thread, header.objectId, header.address);
  return thread;
}

/** PspAllocateThread's work after the ETHREAD: MmCreateTeb, the user stack, KeInitThread (with the kernel stack). */
function allocateThreadParts(pm: ProcessManager, p: ProcessObject, tid: number, header: ObjectHeader, startAddress: bigint, parameter: bigint, stackReserve: bigint, suspended: boolean, initial: boolean, stackCommit: bigint): ThreadObject {
  const t = pm.trace;
  const st = pm.state(p);
  // A WoW64 thread's TEB is followed by its 32-bit TEB (TEB64 two pages, then TEB32): MmCreateTeb makes both.
  const wow64 = st.wow64;
  // MmCreateTeb: page-granular, in the first free pages above the PEB, or above the latest TEB (MiCreatePebOrTeb).
  // Starting from the latest TEB keeps the search short when a process has thousands of threads.
  const latest = p.threads.length ? p.threads[p.threads.length - 1]!.teb : 0n;
  const teb = createPebOrTeb(pm.mm, p, wow64 ? 3 : 2, Number((latest > p.peb ? latest : p.peb) / 0x1000n));
  t.step('create.teb')?.n(p.pid).n(tid).a(teb).change('vad', p.pid, Number(teb));
  if (wow64) t.step('create.teb32')?.n(p.pid).n(tid).a(teb + 0x2000n).change('vad', p.pid, Number(teb));
  let reserve = stackReserve > 0n ? ((stackReserve + 0xFFFFn) / 0x10000n) * 0x10000n : 0x100000n;
  // The initial commit (one page unless asked for more, page-granular) at the top, the guard page below it.
  const commit = stackCommit > 0x1000n ? ((stackCommit + 0xFFFn) / 0x1000n) * 0x1000n : 0x1000n;
  // A commit beyond the reserve takes the reserve up to a multiple of 1 MB (Microsoft Learn, CreateThread and
  // "Thread Stack Size"). The lab's model also keeps room for the guard page and the never-committed lowest page.
  if (commit + 0x2000n > reserve) reserve = ((commit + 0x2000n + 0xFFFFFn) / 0x100000n) * 0x100000n;
  const stackReservation = kernelAlloc(pm, p, reserve, MEM_RESERVE);
  const stackBase = stackReservation + reserve;
  const stackLimit = stackBase - commit;
  // The memory manager knows the reservation as this thread's stack: a guard-page fault in it grows the stack.
  const stackVad = p.vads.find(Number(stackReservation / 0x1000n))!;
  stackVad.userStackTeb = Number(teb);
  stackVad.userStackLimit = Number(stackLimit);
  kernelAlloc(pm, p, commit, MEM_COMMIT, PAGE_READWRITE, stackLimit);
  kernelAlloc(pm, p, 0x1000n, MEM_COMMIT, PAGE_READWRITE | PAGE_GUARD, stackLimit - 0x1000n);
  t.step('create.stack')?.n(p.pid).n(tid).a(stackBase).a(stackLimit).a(reserve).change('vad', p.pid, Number(stackReservation));
  // TEB: NT_TIB (StackBase, StackLimit, Self), ClientId, ProcessEnvironmentBlock.
  const tebBytes = new Uint8Array(TEB.LastErrorValue + 4);
  const v = new DataView(tebBytes.buffer);
  v.setBigUint64(TEB.StackBase, stackBase, true);
  v.setBigUint64(TEB.StackLimit, stackLimit, true);
  v.setBigUint64(TEB.Self, teb, true);
  v.setBigUint64(TEB.ClientId, BigInt(p.pid), true);
  v.setBigUint64(TEB.ClientId + 8, BigInt(tid), true);
  v.setBigUint64(TEB.ProcessEnvironmentBlock, p.peb, true);
  writeUser(pm, p, teb, tebBytes);
  // KeInitThread: the kernel stack first (MmCreateKernelStack); without one the thread is undone and fails.
  let kernelStack: KernelStack;
  try { kernelStack = createKernelStack(pm, tid); } catch (e) {
    virtualFree(pm.mm, p, stackReservation, 0n, MEM_RELEASE);
    virtualFree(pm.mm, p, teb, 0n, MEM_RELEASE);
    throw e;
  }
  // The initial context: Rip = ntdll!RtlUserThreadStart, Rcx = the start address, Rdx = the parameter.
  const rtlUserThreadStart = st.ntdllBase ? st.ntdllBase + 0x1A2B0n : 0n;
  t.step('create.context')?.n(tid).a(rtlUserThreadStart).a(startAddress).change('thread', tid);
  void parameter;
  return {
    tid, teb, stackBase, stackLimit, state: 'Initialized', suspendCount: suspended ? 1 : 0,
    ethread: header.address, priority: st.basePriority, basePriority: st.basePriority, startAddress: rtlUserThreadStart,
    win32StartAddress: startAddress, exitStatus: STILL_ACTIVE, waitReason: '', objectId: header.objectId, csrThread: 0n,
    pendingLoaderInit: initial, kernelStack,
  };
}

/**
 * PspInsertThread: links the new thread into its process's thread list and into the CID table, where
 * OpenThread and the scheduler find it (Windows Internals 7e ch. 3, stage 4; ch. 4, "Birth of a thread").
 */
function PspInsertThread(pm: ProcessManager, p: ProcessObject, thread: ThreadObject, objectId: number, ethread: bigint): void {
  p.threads.push(thread);
  pm.threadObjects.set(objectId, [p.index, thread.tid]);
  pm.threadIndex.set(thread.tid, p.index);
  pm.trace.step('create.insertThread')?.n(p.pid).n(thread.tid).a(ethread).change('thread', thread.tid).change('process', p.pid);
}

/** Drops one suspend count; at zero the thread becomes Ready and, for a new process, runs stage 7. */
export function resumeThreadObject(pm: ProcessManager, p: ProcessObject, thread: ThreadObject): number {
  const prev = thread.suspendCount;
  if (prev > 0) thread.suspendCount--;
  if (thread.suspendCount === 0 && (thread.state === 'Initialized' || (thread.state === 'Waiting' && thread.waitReason === 'Suspended'))) {
    thread.waitReason = '';
    // A new thread of a debuggee first reports itself (DbgkCreateThread) and runs once continued.
    const dbg = thread.state === 'Initialized' && !thread.pendingLoaderInit ? debugObjectOf(pm, p) : undefined;
    if (dbg) { postThreadStart(pm, p, thread, dbg, false); return prev; }
    readyThread(pm, p, thread);
    if (thread.pendingLoaderInit) {
      thread.pendingLoaderInit = false;
      runLoaderInit(pm, p, thread);
    } else if (pm.state(p).loader?.tid === thread.tid && !isFrozen(pm, p)) {
      // Released by its debugger while suspended: the loader goes on now.
      continueLoader(pm, p);
    }
  }
  return prev;
}

/**
 * The wait of a thread blocked on its debugger is satisfied: it becomes ready — or, when it was
 * suspended meanwhile, it now waits for ResumeThread. Returns whether it can run.
 */
export function releaseThread(pm: ProcessManager, p: ProcessObject, thread: ThreadObject): boolean {
  if (thread.suspendCount > 0) { thread.waitReason = 'Suspended'; return false; }
  thread.waitReason = '';
  readyThread(pm, p, thread);
  return true;
}

/** CreateThread / CreateRemoteThread: a thread in `target` created from `creator`. */
export function createThread(pm: ProcessManager, creator: ProcessObject, target: ProcessObject, startAddress: bigint, parameter: bigint, flags: number, stackSize: bigint, breakin = false): ThreadObject {
  if (typeof startAddress !== 'bigint' || typeof parameter !== 'bigint' || typeof stackSize !== 'bigint' || stackSize < 0n) fail(ERROR_INVALID_PARAMETER);
  const t = pm.trace;
  const suspended = (flags & CREATE_SUSPENDED) !== 0;
  // dwStackSize is the initial commit unless STACK_SIZE_PARAM_IS_A_RESERVATION says it is the reserve; what it
  // does not give is the image's default (SizeOfStackReserve, SizeOfStackCommit), as is a dwStackSize of 0
  // ("the new thread uses the default size for the executable"). Microsoft Learn, CreateThread (dwStackSize)
  // and "Thread Stack Size".
  const isReserve = (flags & STACK_SIZE_PARAM_IS_A_RESERVATION) !== 0;
  const { stackReserve: imageReserve, stackCommit: imageCommit } = pm.state(target);
  const thread = isReserve
    ? createThreadObject(pm, target, startAddress, parameter, stackSize, true, false, imageCommit)
    : createThreadObject(pm, target, startAddress, parameter, imageReserve, true, false, stackSize > 0n ? stackSize : imageCommit);
  callThreadNotify(pm, target, thread, true);
  t.step('thread.create')?.n(target.pid).n(thread.tid).a(startAddress).a(thread.teb).b(suspended).n(creator.pid).change('thread', thread.tid).change('process', target.pid);
  const dbg = breakin ? debugObjectOf(pm, target) : undefined;
  if (dbg) { thread.suspendCount = 0; postThreadStart(pm, target, thread, dbg, true); }
  else if (!suspended) resumeThreadObject(pm, target, thread);
  return thread;
}

export function suspendThread(pm: ProcessManager, tid: number): number {
  const found = pm.thread(tid);
  if (!found) fail(ERROR_INVALID_HANDLE);
  const [, thread] = found!;
  if (thread.state === 'Terminated') fail(ERROR_ACCESS_DENIED);
  if (thread.suspendCount >= MAXIMUM_SUSPEND_COUNT) fail(ERROR_SIGNAL_REFUSED);
  const prev = thread.suspendCount++;
  // A thread blocked on its debugger stays in that wait; the suspension takes effect when it is released.
  if (thread.state !== 'Initialized' && !(thread.state === 'Waiting' && thread.waitReason === 'Executive')) { thread.state = 'Waiting'; thread.waitReason = 'Suspended'; }
  const t = pm.trace;
  t.step('thread.suspend')?.n(tid).n(thread.suspendCount).change('thread', tid);
  return prev;
}

export function resumeThread(pm: ProcessManager, tid: number): number {
  const found = pm.thread(tid);
  if (!found) fail(ERROR_INVALID_HANDLE);
  const [p, thread] = found!;
  const t = pm.trace;
  t.step('thread.resume')?.n(tid).n(Math.max(0, thread.suspendCount - 1)).change('thread', tid);
  return resumeThreadObject(pm, p, thread);
}

/** ExitThread / TerminateThread: the last thread's exit ends the process. */
export function exitThread(pm: ProcessManager, tid: number, exitStatus: number): void {
  const found = pm.thread(tid);
  if (!found) fail(ERROR_INVALID_HANDLE);
  const [p, thread] = found!;
  const live = p.threads.filter((x) => x.state !== 'Terminated').length;
  const t = pm.trace;
  t.step('thread.exit')?.n(p.pid).n(tid).n(exitStatus >>> 0).b(live === 1).change('thread', tid);
  if (live === 1) { terminateProcess(pm, p, exitStatus, p.pid); return; }
  postExit(pm, p, thread, exitStatus, false);
  finishThread(pm, p, thread, exitStatus, true);
}

export function finishThread(pm: ProcessManager, p: ProcessObject, thread: ThreadObject, exitStatus: number, freeStack: boolean): void {
  callThreadNotify(pm, p, thread, false);
  if (freeStack) {
    // The TEB and the user stack go away with the thread (the address space teardown covers them otherwise).
    const stackVad = p.vads.find(Number((thread.stackBase - 1n) / PAGE_SIZE_N));
    if (stackVad) virtualFree(pm.mm, p, BigInt(stackVad.startVpn) * PAGE_SIZE_N, 0n, MEM_RELEASE);
    if (thread.teb && p.vads.find(Number(thread.teb / PAGE_SIZE_N))) virtualFree(pm.mm, p, thread.teb, 0n, MEM_RELEASE);
  }
  // The thread's kernel stack is freed once it has terminated (MmDeleteKernelStack; the reaper does it on Windows).
  if (thread.kernelStack && pm.mm.systemSpace) { MmDeleteKernelStack(pm.mm, pm.mm.systemSpace, thread.tid, thread.kernelStack); thread.kernelStack = undefined; }
  thread.state = 'Terminated';
  thread.exitStatus = exitStatus >>> 0;
  thread.suspendCount = 0;
  thread.pendingLoaderInit = false;
  pm.cids.free(thread.tid);
  pm.threadIndex.delete(thread.tid);
  if (thread.objectId) {
    const gone = pm.ob.dereference(thread.objectId);
    if (gone) threadObjectDeleted(pm, thread.objectId);
  }
}
