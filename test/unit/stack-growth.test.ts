/**
 * User stacks grow (issue 14, item 1). Microsoft Learn, "Thread Stack Size": the system commits pages from the
 * reserved stack as they are needed, "until either the stack reaches the reserved size minus one page (which is
 * used as a guard page to prevent stack overflow) or the system is so low on memory that the operation fails".
 * Windows Internals 7e ch. 5, "Thread stacks": MmAccessFault hands a guard-page fault inside a user stack to
 * MiCheckForUserStackOverflow, which moves the guard page down and TEB.NtTib.StackLimit with it; the program sees
 * nothing until the reservation is used up (STATUS_STACK_OVERFLOW, 0xC00000FD). A guard page anywhere else raises
 * STATUS_GUARD_PAGE_VIOLATION (0x80000001) once (Learn, "Creating Guard Pages").
 */
import { describe, expect, it } from 'vitest';
import {
  MEM_COMMIT, MEM_RESERVE, NtException, PAGE_GUARD, PAGE_READWRITE, STACK_SIZE_PARAM_IS_A_RESERVATION, STATUS_ACCESS_VIOLATION, STATUS_GUARD_PAGE_VIOLATION, STATUS_STACK_OVERFLOW,
  verifyIntegrity,
} from '../../src/engine';
import { faultStatus, newProcess, PAGE, stepsDuring } from './helpers/vm';

/** NT_TIB.StackLimit of a 64-bit TEB (winnt.h). */
const readStackLimit = (k: ReturnType<typeof newProcess>['k'], teb: bigint): bigint => new DataView(k.ReadMemory(teb + 0x10n, 8).buffer).getBigUint64(0, true);

describe('a thread stack grows through its guard page', () => {
  it('touching the guard page commits it, moves the guard page and StackLimit down, and raises nothing', () => {
    const { sys, pid, k } = newProcess();
    const thread = sys.queryProcess(pid)!.threads[0]!;
    const teb = thread.teb;
    const stackBase = new DataView(k.ReadMemory(teb + 0x8n, 8).buffer).getBigUint64(0, true);
    const guard = stackBase - 2n * PAGE;
    expect(k.VirtualQuery(guard)!.Protect).toBe(PAGE_READWRITE | PAGE_GUARD);

    const { steps } = stepsDuring(sys, () => k.WriteMemory(guard + 0x800n, new Uint8Array([0x5A])));
    expect(k.ReadMemory(guard + 0x800n, 1)[0]).toBe(0x5A);
    expect(k.VirtualQuery(guard)).toMatchObject({ State: MEM_COMMIT, Protect: PAGE_READWRITE });
    expect(k.VirtualQuery(guard - PAGE)).toMatchObject({ State: MEM_COMMIT, Protect: PAGE_READWRITE | PAGE_GUARD });
    expect(readStackLimit(k, teb)).toBe(guard);
    const growth = steps.find((s) => s.code === 'fault.stackGrowth')!;
    expect(growth.routine).toBe('MiCheckForUserStackOverflow');
    expect(steps.some((s) => s.code === 'fault.guardPage')).toBe(false);
    verifyIntegrity(sys);
  });

  it('grows to the reservation minus one page; the lowest page is never committed (STATUS_STACK_OVERFLOW, then an access violation)', () => {
    // The calling (primary) thread touches its own stack: the image's default 1 MB reservation.
    const { sys, pid, k } = newProcess();
    const thread = sys.queryProcess(pid)!.threads[0]!;
    const stackBase = new DataView(k.ReadMemory(thread.teb + 0x8n, 8).buffer).getBigUint64(0, true);
    const reservation = k.VirtualQuery(stackBase - PAGE)!.AllocationBase;
    expect(stackBase - reservation).toBe(0x100000n);
    // Pages from the top down: every one above the lowest two is reached without an exception.
    for (let va = stackBase - 2n * PAGE; va > reservation + PAGE; va -= PAGE) k.WriteMemory(va, new Uint8Array([1]));
    expect(readStackLimit(k, thread.teb)).toBe(reservation + 2n * PAGE);
    expect(k.VirtualQuery(reservation + PAGE)!.Protect).toBe(PAGE_READWRITE | PAGE_GUARD);
    expect(k.VirtualQuery(reservation)!.State).toBe(MEM_RESERVE);
    // The next guard page would be the reservation's lowest page (DeallocationStack): overflow instead.
    let status = 0;
    const { steps } = stepsDuring(sys, () => { status = faultStatus(() => k.WriteMemory(reservation + PAGE, new Uint8Array([1]))); });
    expect(status).toBe(STATUS_STACK_OVERFLOW);
    expect(steps.find((s) => s.code === 'fault.stackOverflow')?.routine).toBe('MiCheckForUserStackOverflow');
    // The touched page is the exception handler's to use now, without a guard bit; the lowest page stays reserved.
    expect(k.VirtualQuery(reservation + PAGE)).toMatchObject({ State: MEM_COMMIT, Protect: PAGE_READWRITE });
    k.WriteMemory(reservation + PAGE, new Uint8Array([2]));
    expect(k.ReadMemory(reservation + PAGE, 1)[0]).toBe(2);
    expect(k.VirtualQuery(reservation)!.State).toBe(MEM_RESERVE);
    expect(faultStatus(() => k.WriteMemory(reservation, new Uint8Array([1])))).toBe(STATUS_ACCESS_VIOLATION);
    verifyIntegrity(sys);
  });
});

describe('a guard page in another thread\'s stack', () => {
  it('raises STATUS_GUARD_PAGE_VIOLATION once when touched by a thread other than the stack\'s own, and does not grow it', () => {
    const { sys, pid, k } = newProcess();
    expect(k.CreateThread(0x10000n, 0x140001000n, 0n, 0)).not.toBe(0);
    const other = sys.queryProcess(pid)!.threads.at(-1)!;
    const guard = readStackLimit(k, other.teb) - PAGE;
    expect(k.VirtualQuery(guard)!.Protect & PAGE_GUARD).toBe(PAGE_GUARD);
    // The calling (primary) thread writes there: the decision uses its TEB, not the stack's owner.
    const { steps } = stepsDuring(sys, () => expect(faultStatus(() => k.WriteMemory(guard, new Uint8Array([1])))).toBe(STATUS_GUARD_PAGE_VIOLATION));
    expect(steps.some((s) => s.code === 'fault.guardPage')).toBe(true);
    expect(steps.some((s) => s.code === 'fault.stackGrowth')).toBe(false);
    k.WriteMemory(guard, new Uint8Array([1]));
    expect(k.VirtualQuery(guard)!.Protect).toBe(PAGE_READWRITE);
    expect(k.VirtualQuery(guard - PAGE)!.State).toBe(MEM_RESERVE);
    verifyIntegrity(sys);
  });
});

describe('a guard page outside a stack', () => {
  it('raises STATUS_GUARD_PAGE_VIOLATION once and is an ordinary page afterwards', () => {
    const { k } = newProcess();
    const va = k.VirtualAlloc(0n, 0x2000n, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE | PAGE_GUARD);
    expect(faultStatus(() => k.ReadMemory(va, 1))).toBe(STATUS_GUARD_PAGE_VIOLATION);
    expect(() => k.ReadMemory(va, 1)).not.toThrow(NtException);
    expect(k.VirtualQuery(va)).toMatchObject({ Protect: PAGE_READWRITE, RegionSize: PAGE });
    expect(k.VirtualQuery(va + PAGE)!.Protect).toBe(PAGE_READWRITE | PAGE_GUARD);
  });
});

describe('CreateThread dwStackSize (Microsoft Learn, CreateThread and "Thread Stack Size")', () => {
  const stackOf = (k: ReturnType<typeof newProcess>['k'], teb: bigint) => {
    const base = new DataView(k.ReadMemory(teb + 0x8n, 8).buffer).getBigUint64(0, true);
    return { base, reservation: k.VirtualQuery(base - PAGE)!.AllocationBase, limit: readStackLimit(k, teb) };
  };
  it('is the initial commit by default; the reserve is the image default, or a multiple of 1 MB above it', () => {
    const { sys, pid, k } = newProcess();
    expect(k.CreateThread(0x10000n, 0x140001000n, 0n, 0)).not.toBe(0);
    let s = stackOf(k, sys.queryProcess(pid)!.threads.at(-1)!.teb);
    expect(s.base - s.reservation).toBe(0x100000n);
    expect(s.base - s.limit).toBe(0x10000n);
    expect(k.VirtualQuery(s.limit)).toMatchObject({ State: MEM_COMMIT, Protect: PAGE_READWRITE, RegionSize: 0x10000n });
    expect(k.VirtualQuery(s.limit - PAGE)!.Protect).toBe(PAGE_READWRITE | PAGE_GUARD);
    expect(k.CreateThread(0x180000n, 0x140001000n, 0n, 0)).not.toBe(0);
    s = stackOf(k, sys.queryProcess(pid)!.threads.at(-1)!.teb);
    expect(s.base - s.reservation).toBe(0x200000n);
    expect(s.base - s.limit).toBe(0x180000n);
  });
  it('is the reserve with STACK_SIZE_PARAM_IS_A_RESERVATION, one page committed', () => {
    const { sys, pid, k } = newProcess();
    expect(k.CreateThread(0x10000n, 0x140001000n, 0n, STACK_SIZE_PARAM_IS_A_RESERVATION)).not.toBe(0);
    const s = stackOf(k, sys.queryProcess(pid)!.threads.at(-1)!.teb);
    expect(s.base - s.reservation).toBe(0x10000n);
    expect(s.base - s.limit).toBe(PAGE);
  });
});

describe('growth over a page the program already committed (fid14b, item 6)', () => {
  it('the committed page below still becomes the new guard page (PAGE_READWRITE | PAGE_GUARD), keeps its data, and grows the stack in turn', () => {
    // Learn, "Thread Stack Size": the page below the committed part of a stack is always its guard page; Windows
    // commits the new guard with PAGE_READWRITE | PAGE_GUARD, which over a committed page changes its protection.
    const { sys, pid, k } = newProcess();
    const teb = sys.queryProcess(pid)!.threads[0]!.teb;
    const stackBase = new DataView(k.ReadMemory(teb + 0x8n, 8).buffer).getBigUint64(0, true);
    const guard = stackBase - 2n * PAGE;
    const below = guard - PAGE;
    expect(k.VirtualAlloc(below, PAGE, MEM_COMMIT, PAGE_READWRITE)).toBe(below);
    k.WriteMemory(below + 8n, new Uint8Array([0x77])); // valid and in the working set now
    k.WriteMemory(guard, new Uint8Array([1]));
    expect(k.VirtualQuery(below)).toMatchObject({ State: MEM_COMMIT, Protect: PAGE_READWRITE | PAGE_GUARD });
    expect(readStackLimit(k, teb)).toBe(guard);
    verifyIntegrity(sys);
    // Touching it grows the stack again (no STATUS_GUARD_PAGE_VIOLATION), with its data intact.
    const { steps } = stepsDuring(sys, () => expect(k.ReadMemory(below + 8n, 1)[0]).toBe(0x77));
    expect(steps.some((s) => s.code === 'fault.stackGrowth')).toBe(true);
    expect(k.VirtualQuery(below)!.Protect).toBe(PAGE_READWRITE);
    expect(k.VirtualQuery(below - PAGE)!.Protect).toBe(PAGE_READWRITE | PAGE_GUARD);
    expect(readStackLimit(k, teb)).toBe(below);
    verifyIntegrity(sys);
  });
});
