/**
 * Builders and small probes shared by the memory-manager unit tests.
 *
 * The tests are black-box: they only use the engine contract (DESIGN.md §3) plus the few
 * extra entry points the engine owner announced (GetWriteWatch, ResetWriteWatch,
 * grantPrivilege, queryCommit). The extras are typed here, in one place, so a
 * missing or renamed extra shows up as one clear failure instead of scattered casts.
 */
import { expect } from 'vitest';
import { createSystem, MEM_RELEASE, MEM_RESERVE, NtException, PAGE_NOACCESS } from '../../../src/engine';

export const PAGE = 0x1000n;
export const KB64 = 0x10000n;
export const MB = 0x100000n;
export const LARGE_PAGE = 0x200000n;

/** (SIZE_T)-1 as the Win32 API sees it; SetProcessWorkingSetSize(-1n, -1n) empties the working set. */
export const SIZE_T_MINUS_ONE = -1n;

export interface WriteWatchApi {
  GetWriteWatch(
    dwFlags: number,
    lpBaseAddress: bigint,
    dwRegionSize: bigint,
    lpAddresses: bigint[],
    lpdwCount: { value: number },
    lpdwGranularity: { value: number },
  ): number;
  ResetWriteWatch(lpBaseAddress: bigint, dwRegionSize: bigint): number;
}

export interface CommitInfo {
  CommitTotal: number | bigint;
  CommitLimit: number | bigint;
  CommitPeak: number | bigint;
}

export interface Step {
  seq: number;
  kind: string;
  stage?: string;
  routine: string;
  code: string;
  args: unknown;
  changes: unknown;
}

export type System = ReturnType<typeof createSystem>;
export type Win32 = ReturnType<System['win32']>;

type SystemExtras = {
  grantPrivilege(pid: number, privilege: string): void;
  queryCommit(): CommitInfo;
};

export interface Fixture {
  sys: System;
  pid: number;
  k: Win32;
}

export interface FixtureOptions {
  physicalMemoryMB?: number;
  pageFileMB?: number;
  seed?: number;
}

/** A quiet machine (no boot processes) with one user process, as in the task's usage shape. */
export function newProcess(options: FixtureOptions = {}): Fixture {
  const sys = createSystem({
    boot: false,
    physicalMemoryMB: options.physicalMemoryMB ?? 64,
    pageFileMB: options.pageFileMB ?? 128,
    seed: options.seed ?? 1,
  });
  const { pid } = sys.createProcess({ imagePath: 'C:\\Windows\\System32\\notepad.exe' });
  const k = sys.win32(pid);
  return { sys, pid, k };
}

export function writeWatch(k: Win32): WriteWatchApi {
  return k as unknown as WriteWatchApi;
}

export function grantPrivilege(sys: System, pid: number, privilege: string): void {
  (sys as unknown as SystemExtras).grantPrivilege(pid, privilege);
}

/** Commit charge figures in pages, normalised to number. */
export function queryCommit(sys: System): { CommitTotal: number; CommitLimit: number; CommitPeak: number } {
  const c = (sys as unknown as SystemExtras).queryCommit();
  return { CommitTotal: Number(c.CommitTotal), CommitLimit: Number(c.CommitLimit), CommitPeak: Number(c.CommitPeak) };
}

/** Runs `access` and returns the NTSTATUS of the NtException it throws (fails the test if it does not throw one). */
export function faultStatus(access: () => unknown): number {
  try {
    access();
  } catch (e) {
    expect(e).toBeInstanceOf(NtException);
    return (e as NtException).status;
  }
  expect.fail('expected the access to raise an NtException');
}

/** Records the steps taken while `action` runs. */
export function stepsDuring<T>(sys: System, action: () => T): { result: T; steps: Step[] } {
  const start = sys.stepCount;
  const result = action();
  const steps = sys.getSteps(start, sys.stepCount) as unknown as Step[];
  return { result, steps };
}

export function faultRoutines(steps: Step[]): string[] {
  return steps.filter((s) => s.kind === 'pageFault').map((s) => s.routine);
}

/** A recognisable page-sized pattern: every byte depends on the page index and the offset. */
export function pattern(pageIndex: number, length = 0x1000): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = (pageIndex * 31 + i * 7 + 1) & 0xff;
  return bytes;
}

/** Counts PFN database entries per State by walking every physical page. */
export function tallyPfnStates(sys: System): {
  byState: Record<string, number>;
  standbyByPriority: number[];
} {
  const byState: Record<string, number> = {};
  const standbyByPriority = [0, 0, 0, 0, 0, 0, 0, 0];
  for (let pfn = 0; pfn < sys.physicalPageCount; pfn++) {
    const entry = sys.queryPfn(pfn);
    byState[entry.State] = (byState[entry.State] ?? 0) + 1;
    if (entry.State === 'Standby') standbyByPriority[entry.Priority] = (standbyByPriority[entry.Priority] ?? 0) + 1;
  }
  return { byState, standbyByPriority };
}

export function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

/** Pages the memory manager can hand out without writing anything: zeroed + free + standby. */
export function availablePages(sys: System): number {
  const info = sys.querySystemMemoryListInformation();
  return info.ZeroPageCount + info.FreePageCount + sum(info.PageCountByPriority);
}

/**
 * Finds a free, 64 KB-aligned stretch of `size` bytes by reserving it and releasing it again,
 * so a test can then place allocations at known addresses.
 */
export function findFreeRange(k: Win32, size: bigint): bigint {
  const base = k.VirtualAlloc(0n, size, MEM_RESERVE, PAGE_NOACCESS);
  expect(base).not.toBe(0n);
  expect(k.VirtualFree(base, 0n, MEM_RELEASE)).toBe(true);
  return base;
}
