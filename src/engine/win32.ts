// The Win32-shaped API executed in one process's context. Names, argument order and failure
// conventions follow the real functions: failures return 0n / 0 / false / null and set the thread's
// last error; memory accesses that cannot be resolved throw NtException like a faulting instruction.
import { PAGE_SIZE, PAGE_SIZE_N } from './constants';
import { ERROR_ALREADY_EXISTS, ERROR_INVALID_PARAMETER, ERROR_NOACCESS, MM_HIGHEST_USER_ADDRESS, STATUS_ACCESS_VIOLATION } from './constants';
import { LastError, NtException, Win32Error } from './errors';
import type { MEMORY_BASIC_INFORMATION } from './mm/virtual';
import type { Machine } from './system/machine';
import type { PsCall, PsResult } from './ps/calls';
import { JobLimits, splitCommandLine } from './ps/processManager';
import { ERROR_BAD_LENGTH, JobObjectBasicLimitInformation, JobObjectExtendedLimitInformation, ProcessMemoryPriority, ThreadMemoryPriority } from './constants';
import { getProcessMemoryPriority, getThreadMemoryPriority } from './system/memoryPriority';

/** MEMORY_PRIORITY_INFORMATION (Microsoft Learn): MemoryPriority is MEMORY_PRIORITY_VERY_LOW (1) .. MEMORY_PRIORITY_NORMAL (5). */
export interface MEMORY_PRIORITY_INFORMATION { MemoryPriority: number }
/** sizeof(MEMORY_PRIORITY_INFORMATION): one ULONG. */
const MEMORY_PRIORITY_INFORMATION_SIZE = 4;
/** PROCESS_INFORMATION, filled by CreateProcess. */
export interface PROCESS_INFORMATION { hProcess: number; hThread: number; dwProcessId: number; dwThreadId: number }
/** The SHELLEXECUTEINFOW members the simulation uses (hProcess is filled in). */
export interface SHELLEXECUTEINFO { lpFile: string; lpParameters?: string; lpVerb?: string; fMask?: number; hProcess?: number }
import { TLB_READ, TLB_SIZE, type ProcessObject } from './process';
import type { HandleResult } from './ps/sectionCalls';
import { PartialCopy } from './mm/sectionApi';
import type { DEBUG_EVENT } from './ps/debug';
import { queryToken } from './ps/tokens';
import { heapSize, processHeapHandles } from './heap/calls';

/** Win32 functions bound to a process (and its initial thread, whose last error they set). */
export interface Win32Api {
  readonly pid: number;
  VirtualAlloc(lpAddress: bigint, dwSize: bigint, flAllocationType: number, flProtect: number): bigint;
  VirtualFree(lpAddress: bigint, dwSize: bigint, dwFreeType: number): boolean;
  VirtualProtect(lpAddress: bigint, dwSize: bigint, flNewProtect: number, lpflOldProtect?: { value: number }): boolean;
  VirtualQuery(lpAddress: bigint): MEMORY_BASIC_INFORMATION | null;
  SetProcessWorkingSetSize(dwMinimumWorkingSetSize: bigint, dwMaximumWorkingSetSize: bigint): boolean;
  GetProcessWorkingSetSize(lpMinimum: { value: bigint }, lpMaximum: { value: bigint }): boolean;
  GetWriteWatch(dwFlags: number, lpBaseAddress: bigint, dwRegionSize: bigint, lpAddresses: bigint[], lpdwCount: { value: number }, lpdwGranularity: { value: number }): number;
  ResetWriteWatch(lpBaseAddress: bigint, dwRegionSize: bigint): number;
  /** VirtualLock: the pages stay in the working set until unlocked, released or the process ends. */
  VirtualLock(lpAddress: bigint, dwSize: bigint): boolean;
  /** VirtualUnlock: FALSE with ERROR_NOT_LOCKED when a page was not locked (such pages leave the working set). */
  VirtualUnlock(lpAddress: bigint, dwSize: bigint): boolean;
  /** SetProcessInformation: ProcessMemoryPriority (0) with a MEMORY_PRIORITY_INFORMATION (4 bytes). */
  SetProcessInformation(hProcess: number, ProcessInformationClass: number, ProcessInformation: MEMORY_PRIORITY_INFORMATION, ProcessInformationSize: number): boolean;
  GetProcessInformation(hProcess: number, ProcessInformationClass: number, ProcessInformation: MEMORY_PRIORITY_INFORMATION, ProcessInformationSize: number): boolean;
  /** SetThreadInformation: ThreadMemoryPriority (0) with a MEMORY_PRIORITY_INFORMATION (4 bytes). */
  SetThreadInformation(hThread: number, ThreadInformationClass: number, ThreadInformation: MEMORY_PRIORITY_INFORMATION, ThreadInformationSize: number): boolean;
  GetThreadInformation(hThread: number, ThreadInformationClass: number, ThreadInformation: MEMORY_PRIORITY_INFORMATION, ThreadInformationSize: number): boolean;
  /** GetCurrentThread: the pseudo-handle -2. */
  GetCurrentThread(): number;
  GetLastError(): number;
  SetLastError(dwErrCode: number): void;
  /** A user-mode load of `nSize` bytes: may page-fault; throws NtException when the fault cannot be resolved. */
  ReadMemory(lpAddress: bigint, nSize: number): Uint8Array;
  /** A user-mode store: may page-fault; throws NtException when the fault cannot be resolved. */
  WriteMemory(lpAddress: bigint, data: Uint8Array): void;
  /** CloseHandle: closes a handle of this process (the object goes with its last reference). */
  CloseHandle(hObject: number): boolean;
  /** OpenProcess: a handle to process `dwProcessId` with the access asked for, or 0. */
  OpenProcess(dwDesiredAccess: number, bInheritHandle: boolean, dwProcessId: number): number;
  // Processes, threads and jobs (src/engine/ps). Handles come back in PROCESS_INFORMATION / as return values.
  /** CreateProcessW: runs the whole creation flow from this process; fills lpProcessInformation. */
  CreateProcess(lpApplicationName: string | null, lpCommandLine: string | null, bInheritHandles: boolean, dwCreationFlags: number, lpCurrentDirectory: string | null, lpProcessInformation: PROCESS_INFORMATION): boolean;
  /** ShellExecuteExW: a program, or the program associated with a document's extension (.txt -> notepad, .bat -> cmd). */
  ShellExecuteEx(lpExecInfo: SHELLEXECUTEINFO): boolean;
  TerminateProcess(hProcess: number, uExitCode: number): boolean;
  /** ExitProcess: this process ends (its Win32Api is unusable afterwards). */
  ExitProcess(uExitCode: number): void;
  GetExitCodeProcess(hProcess: number, lpExitCode: { value: number }): boolean;
  CreateThread(dwStackSize: bigint, lpStartAddress: bigint, lpParameter: bigint, dwCreationFlags: number, lpThreadId?: { value: number }): number;
  CreateRemoteThread(hProcess: number, dwStackSize: bigint, lpStartAddress: bigint, lpParameter: bigint, dwCreationFlags: number, lpThreadId?: { value: number }): number;
  /** Returns the previous suspend count, or 0xFFFFFFFF ((DWORD)-1) on failure. */
  SuspendThread(hThread: number): number;
  ResumeThread(hThread: number): number;
  TerminateThread(hThread: number, dwExitCode: number): boolean;
  CreateJobObject(lpJobAttributes: null, lpName: string | null): number;
  /** OpenJobObject: a handle to an existing named job, or 0 (ERROR_FILE_NOT_FOUND). */
  OpenJobObject(dwDesiredAccess: number, bInheritHandles: boolean, lpName: string): number;
  AssignProcessToJobObject(hJob: number, hProcess: number): boolean;
  SetInformationJobObject(hJob: number, JobObjectInformationClass: number, lpJobObjectInformation: JobLimits): boolean;
  QueryInformationJobObject(hJob: number, JobObjectInformationClass: number, lpJobObjectInformation: Record<string, unknown>): boolean;
  TerminateJobObject(hJob: number, uExitCode: number): boolean;
  IsProcessInJob(hProcess: number, hJob: number | null, Result: { value: boolean }): boolean;
  /** GetCurrentProcess: the pseudo-handle -1. */
  GetCurrentProcess(): number;
  /** CreateFileW: a file handle, or INVALID_HANDLE_VALUE (-1). */
  CreateFile(lpFileName: string, dwDesiredAccess: number, dwShareMode: number, lpSecurityAttributes: null, dwCreationDisposition: number, dwFlagsAndAttributes: number, hTemplateFile: number): number;
  /** CreateFileMappingW; hFile -1 = INVALID_HANDLE_VALUE (backed by the paging file). 0 on failure. */
  CreateFileMapping(hFile: number, flProtect: number, dwMaximumSize: bigint, lpName?: string): number;
  OpenFileMapping(dwDesiredAccess: number, bInheritHandle: boolean, lpName: string): number;
  MapViewOfFile(hFileMappingObject: number, dwDesiredAccess: number, offset: bigint, dwNumberOfBytesToMap: bigint): bigint;
  MapViewOfFileEx(hFileMappingObject: number, dwDesiredAccess: number, offset: bigint, dwNumberOfBytesToMap: bigint, lpBaseAddress: bigint): bigint;
  UnmapViewOfFile(lpBaseAddress: bigint): boolean;
  FlushViewOfFile(lpBaseAddress: bigint, dwNumberOfBytesToFlush: bigint): boolean;
  /** ReadProcessMemory: copies from another process (hProcess needs PROCESS_VM_READ) into lpBuffer. */
  ReadProcessMemory(hProcess: number, lpBaseAddress: bigint, lpBuffer: Uint8Array, nSize: number, lpNumberOfBytesRead?: { value: number }): boolean;
  /** WriteProcessMemory: hProcess needs PROCESS_VM_WRITE | PROCESS_VM_OPERATION; read-only pages are written as a debugger does. */
  WriteProcessMemory(hProcess: number, lpBaseAddress: bigint, lpBuffer: Uint8Array, nSize: number, lpNumberOfBytesWritten?: { value: number }): boolean;
  // Access tokens (src/engine/ps/tokens.ts).
  /** OpenProcessToken: hProcess needs PROCESS_QUERY_LIMITED_INFORMATION; the token's own access check decides the rest. */
  OpenProcessToken(ProcessHandle: number, DesiredAccess: number, TokenHandle: { value: number }): boolean;
  /** DuplicateTokenEx: TokenType TokenPrimary (1) or TokenImpersonation (2); lpTokenAttributes is not modelled (null). */
  DuplicateTokenEx(hExistingToken: number, dwDesiredAccess: number, lpTokenAttributes: null, ImpersonationLevel: number, TokenType: number, phNewToken: { value: number }): boolean;
  /** GetTokenInformation: the structure's members are copied into TokenInformation (TokenUser, TokenGroups, TokenPrivileges, TokenType, TokenStatistics, TokenSessionId, TokenElevation(Type), TokenIntegrityLevel...). */
  GetTokenInformation(TokenHandle: number, TokenInformationClass: number, TokenInformation: Record<string, unknown>): boolean;
  /** SetTokenInformation: TokenIntegrityLevel ({ Label: { Sid: 'S-1-16-4096' } }) or TokenSessionId ({ SessionId }). */
  SetTokenInformation(TokenHandle: number, TokenInformationClass: number, TokenInformation: Record<string, unknown>): boolean;
  /** AdjustTokenPrivileges: TRUE even when some are missing — then GetLastError() is ERROR_NOT_ALL_ASSIGNED. */
  AdjustTokenPrivileges(TokenHandle: number, DisableAllPrivileges: boolean, NewState: Array<{ Name: string; Attributes: number }>): boolean;
  /** WTSQueryUserToken: the primary token of the session's interactive user (SeTcbPrivilege). */
  WTSQueryUserToken(SessionId: number, phToken: { value: number }): boolean;
  /** CreateProcessAsUserW: like CreateProcess, with a primary token (TOKEN_QUERY | TOKEN_DUPLICATE | TOKEN_ASSIGN_PRIMARY). */
  CreateProcessAsUser(hToken: number, lpApplicationName: string | null, lpCommandLine: string | null, bInheritHandles: boolean, dwCreationFlags: number, lpCurrentDirectory: string | null, lpProcessInformation: PROCESS_INFORMATION): boolean;
  // Debugging (src/engine/ps/debug.ts).
  DebugActiveProcess(dwProcessId: number): boolean;
  DebugActiveProcessStop(dwProcessId: number): boolean;
  /** WaitForDebugEvent: the simulation never blocks — no event ready fails with ERROR_SEM_TIMEOUT, whatever the timeout. */
  WaitForDebugEvent(lpDebugEvent: Partial<DEBUG_EVENT>, dwMilliseconds: number): boolean;
  ContinueDebugEvent(dwProcessId: number, dwThreadId: number, dwContinueStatus: number): boolean;
  DebugSetProcessKillOnExit(KillOnExit: boolean): boolean;
  // Heaps (src/engine/heap): a heap's HANDLE is the address of its _HEAP, so handles are bigints here.
  /** HeapCreate: a private heap (dwMaximumSize 0 = growable), or 0n with the last error set. */
  HeapCreate(flOptions: number, dwInitialSize: bigint, dwMaximumSize: bigint): bigint;
  /** HeapDestroy: releases a private heap; the process heap cannot be destroyed. */
  HeapDestroy(hHeap: bigint): boolean;
  /** HeapAlloc: 0n on failure without a last error, or an NtException (STATUS_NO_MEMORY, STATUS_ACCESS_VIOLATION) under HEAP_GENERATE_EXCEPTIONS. */
  HeapAlloc(hHeap: bigint, dwFlags: number, dwBytes: bigint): bigint;
  /** HeapReAlloc: the block's new address (the same one when resized in place); failures as HeapAlloc's. */
  HeapReAlloc(hHeap: bigint, dwFlags: number, lpMem: bigint, dwBytes: bigint): bigint;
  /** HeapFree: FALSE with the last error for a handle that is not a heap; a pointer that is not a busy block ends the process (STATUS_HEAP_CORRUPTION, raised as NtException). */
  HeapFree(hHeap: bigint, dwFlags: number, lpMem: bigint): boolean;
  /** HeapSize: the requested size, or (SIZE_T)-1 without a last error. */
  HeapSize(hHeap: bigint, dwFlags: number, lpMem: bigint): bigint;
  /** GetProcessHeap: the process heap's handle (PEB.ProcessHeap); 0n before the loader created it. */
  GetProcessHeap(): bigint;
  /** GetProcessHeaps: the number of heaps; the handles are stored only when that many fit in NumberOfHeaps. */
  GetProcessHeaps(NumberOfHeaps: number, ProcessHeaps: bigint[]): number;
  /** The Universal CRT's malloc (ucrtbase.dll), the layer above HeapAlloc on the process heap: 0n on failure. */
  malloc(size: bigint): bigint;
  /** The Universal CRT's free: HeapFree on the process heap; free(0n) does nothing. */
  free(memblock: bigint): void;
}

/** (SIZE_T)-1, HeapSize's failure value. */
export const SIZE_T_MINUS_ONE = 0xFFFFFFFFFFFFFFFFn;

const MAX_ACCESS = 64 * 1024 * 1024;
const HIGHEST_USER = Number(MM_HIGHEST_USER_ADDRESS);
/** Scratch for splitting a 64-bit address into 32-bit halves without allocating (in platform byte order). */
const VA_BITS = new BigInt64Array(1);
const VA_HALVES = new Uint32Array(VA_BITS.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const VA_LO = LITTLE_ENDIAN ? 0 : 1;
const VA_HI = 1 - VA_LO;

/** Implementation over the Machine; every change goes through its operation path (typed results, no casts). */
export class Win32ApiImpl implements Win32Api {
  private proc: ProcessObject | undefined;
  private procGeneration = -1;
  constructor(private readonly system: Machine, readonly pid: number) {}

  /**
   * Runs a Win32 function's body; a LastError is the function's documented failure: `failed` is returned
   * and the code is the thread's last error. An operation that failed has set it already (Machine.apply);
   * a failure found before any operation ran sets it through the operation path (Machine.setLastError).
   */
  private guard<T>(failed: T, body: () => T): T {
    try {
      return body();
    } catch (e) {
      if (e instanceof LastError) {
        this.system.setLastError(this.pid, e.code);
        return failed;
      }
      throw e;
    }
  }

  VirtualAlloc(lpAddress: bigint, dwSize: bigint, flAllocationType: number, flProtect: number): bigint {
    return this.guard(0n, () => this.system.op({ op: 'VirtualAlloc', pid: this.pid, args: [lpAddress, dwSize, flAllocationType, flProtect] }));
  }

  VirtualFree(lpAddress: bigint, dwSize: bigint, dwFreeType: number): boolean {
    return this.guard(false, () => { this.system.op({ op: 'VirtualFree', pid: this.pid, args: [lpAddress, dwSize, dwFreeType] }); return true; });
  }

  VirtualProtect(lpAddress: bigint, dwSize: bigint, flNewProtect: number, lpflOldProtect?: { value: number }): boolean {
    return this.guard(false, () => {
      // The real function probes lpflOldProtect before doing anything: NULL fails with ERROR_NOACCESS.
      if (lpflOldProtect === undefined || lpflOldProtect === null || typeof lpflOldProtect !== 'object') throw new LastError(ERROR_NOACCESS);
      const old = this.system.op({ op: 'VirtualProtect', pid: this.pid, args: [lpAddress, dwSize, flNewProtect] });
      lpflOldProtect.value = old;
      return true;
    });
  }

  VirtualQuery(lpAddress: bigint): MEMORY_BASIC_INFORMATION | null {
    return this.guard(null, () => this.system.query(this.pid, lpAddress));
  }

  SetProcessWorkingSetSize(dwMinimumWorkingSetSize: bigint, dwMaximumWorkingSetSize: bigint): boolean {
    return this.guard(false, () => { this.system.op({ op: 'SetProcessWorkingSetSize', pid: this.pid, args: [dwMinimumWorkingSetSize, dwMaximumWorkingSetSize] }); return true; });
  }

  GetProcessWorkingSetSize(lpMinimum: { value: bigint }, lpMaximum: { value: bigint }): boolean {
    return this.guard(false, () => {
      if (!isOut(lpMinimum) || !isOut(lpMaximum)) throw new LastError(ERROR_NOACCESS);
      const [min, max] = this.system.workingSetLimits(this.pid);
      lpMinimum.value = BigInt(min) * PAGE_SIZE_N;
      lpMaximum.value = BigInt(max) * PAGE_SIZE_N;
      return true;
    });
  }

  GetWriteWatch(dwFlags: number, lpBaseAddress: bigint, dwRegionSize: bigint, lpAddresses: bigint[], lpdwCount: { value: number }, lpdwGranularity: { value: number }): number {
    return this.guard(ERROR_INVALID_PARAMETER, () => {
      if (!lpdwGranularity || typeof lpdwGranularity !== 'object') throw new LastError(ERROR_INVALID_PARAMETER);
      const r = this.system.op({ op: 'GetWriteWatch', pid: this.pid, args: [dwFlags, lpBaseAddress, dwRegionSize, lpAddresses, lpdwCount] });
      lpdwGranularity.value = PAGE_SIZE;
      return r;
    });
  }

  ResetWriteWatch(lpBaseAddress: bigint, dwRegionSize: bigint): number {
    return this.guard(ERROR_INVALID_PARAMETER, () => this.system.op({ op: 'ResetWriteWatch', pid: this.pid, args: [lpBaseAddress, dwRegionSize] }));
  }

  VirtualLock(lpAddress: bigint, dwSize: bigint): boolean {
    return this.guard(false, () => { this.system.op({ op: 'VirtualLock', pid: this.pid, args: [lpAddress, dwSize] }); return true; });
  }

  VirtualUnlock(lpAddress: bigint, dwSize: bigint): boolean {
    return this.guard(false, () => { this.system.op({ op: 'VirtualUnlock', pid: this.pid, args: [lpAddress, dwSize] }); return true; });
  }

  SetProcessInformation(hProcess: number, ProcessInformationClass: number, ProcessInformation: MEMORY_PRIORITY_INFORMATION, ProcessInformationSize: number): boolean {
    return this.guard(false, () => {
      const priority = memoryPriorityIn(ProcessInformationClass, ProcessMemoryPriority, ProcessInformation, ProcessInformationSize);
      this.system.op({ op: 'SetProcessInformation', pid: this.pid, args: [hProcess, ProcessInformationClass, priority] });
      return true;
    });
  }

  GetProcessInformation(hProcess: number, ProcessInformationClass: number, ProcessInformation: MEMORY_PRIORITY_INFORMATION, ProcessInformationSize: number): boolean {
    return this.guard(false, () => {
      memoryPriorityOut(ProcessInformationClass, ProcessMemoryPriority, ProcessInformation, ProcessInformationSize);
      ProcessInformation.MemoryPriority = getProcessMemoryPriority(this.system, this.pid, hProcess, ProcessInformationClass);
      return true;
    });
  }

  SetThreadInformation(hThread: number, ThreadInformationClass: number, ThreadInformation: MEMORY_PRIORITY_INFORMATION, ThreadInformationSize: number): boolean {
    return this.guard(false, () => {
      const priority = memoryPriorityIn(ThreadInformationClass, ThreadMemoryPriority, ThreadInformation, ThreadInformationSize);
      this.system.op({ op: 'SetThreadInformation', pid: this.pid, args: [hThread, ThreadInformationClass, priority] });
      return true;
    });
  }

  GetThreadInformation(hThread: number, ThreadInformationClass: number, ThreadInformation: MEMORY_PRIORITY_INFORMATION, ThreadInformationSize: number): boolean {
    return this.guard(false, () => {
      memoryPriorityOut(ThreadInformationClass, ThreadMemoryPriority, ThreadInformation, ThreadInformationSize);
      ThreadInformation.MemoryPriority = getThreadMemoryPriority(this.system, this.pid, hThread, ThreadInformationClass);
      return true;
    });
  }

  GetCurrentThread(): number {
    return -2;
  }

  GetLastError(): number {
    return this.system.getLastError(this.pid);
  }

  SetLastError(dwErrCode: number): void {
    // A DWORD; a value that is not a number cannot be one, and SetLastError has no way to fail: ignored.
    if (typeof dwErrCode === 'number' && Number.isFinite(dwErrCode)) this.system.setLastError(this.pid, dwErrCode >>> 0);
  }

  ReadMemory(lpAddress: bigint, nSize: number): Uint8Array {
    if (typeof lpAddress !== 'bigint' || typeof nSize !== 'number' || (nSize >>> 0) !== nSize || nSize > MAX_ACCESS) {
      // Like a load through a bad pointer or of an impossible length: an access violation, never a TypeError.
      throw new NtException(STATUS_ACCESS_VIOLATION, typeof lpAddress === 'bigint' && lpAddress >= 0n ? lpAddress : 0n, false);
    }
    if (lpAddress < 0n || lpAddress > MM_HIGHEST_USER_ADDRESS) throw new NtException(STATUS_ACCESS_VIOLATION, lpAddress < 0n ? 0n : lpAddress, false);
    // The address as 32-bit halves: Number(bigint) would allocate a heap number for any address past
    // 2^30 and cost more than the rest of a TLB hit.
    VA_BITS[0] = lpAddress;
    const lo = VA_HALVES[VA_LO]!;
    const hi = VA_HALVES[VA_HI]!;
    const va = hi * 4294967296 + lo;
    if (va + (nSize || 1) - 1 > HIGHEST_USER) throw new NtException(STATUS_ACCESS_VIOLATION, lpAddress, false);
    // The TLB hit of a load within one page, as the hardware does it: no fault, no step, no log entry.
    // The cached process object is the machine's until a roll-back replaces its state (stateGeneration).
    let p = this.proc;
    if (p === undefined || this.procGeneration !== this.system.stateGeneration) {
      p = this.proc = this.system.liveProcess(this.pid);
      this.procGeneration = this.system.stateGeneration;
    }
    if (p.exited) return this.system.readMemory(this.pid, va, nSize);
    const vpn = hi * 1048576 + (lo >>> 12);
    const offset = lo & 0xFFF;
    const slot = (lo >>> 12) & (TLB_SIZE - 1);
    if (offset + nSize <= PAGE_SIZE && p.tlbVpn[slot] === vpn && (p.tlbFlags[slot]! & TLB_READ)) {
      const out = new Uint8Array(nSize);
      this.system.physicalStore.read(p.tlbPfn[slot]!, offset, out, 0, nSize);
      return out;
    }
    return this.system.readMemory(this.pid, va, nSize);
  }

  CloseHandle(hObject: number): boolean {
    return this.guard(false, () => { this.system.op({ op: 'ps', args: [{ call: 'closeHandle', callerPid: this.pid, handle: hObject }] }); return true; });
  }

  OpenProcess(dwDesiredAccess: number, bInheritHandle: boolean, dwProcessId: number): number {
    return this.guard(0, () => this.system.op({ op: 'ps', args: [{ call: 'openProcess', callerPid: this.pid, access: dwDesiredAccess, inherit: !!bInheritHandle, pid: dwProcessId }] }));
  }

  private ps<C extends PsCall>(call: C): PsResult<C> { return this.system.psCall(call); }

  CreateProcess(lpApplicationName: string | null, lpCommandLine: string | null, bInheritHandles: boolean, dwCreationFlags: number, lpCurrentDirectory: string | null, lpProcessInformation: PROCESS_INFORMATION): boolean {
    return this.guard(false, () => {
      if (!lpProcessInformation || typeof lpProcessInformation !== 'object') throw new LastError(ERROR_NOACCESS);
      checkStrings(lpApplicationName, lpCommandLine, lpCurrentDirectory);
      // lpApplicationName NULL: the module is the command line's first token (quoted or up to a space).
      const image = lpApplicationName ?? (lpCommandLine ? splitCommandLine(lpCommandLine)[0] : '');
      if (!image) throw new LastError(ERROR_INVALID_PARAMETER);
      const r = this.ps({ call: 'createProcess', options: { imagePath: image, commandLine: lpCommandLine ?? undefined, parentPid: this.pid, creationFlags: dword(dwCreationFlags), inheritHandles: !!bInheritHandles, currentDirectory: lpCurrentDirectory ?? undefined, returnHandles: true } });
      Object.assign(lpProcessInformation, { hProcess: r.hProcess ?? 0, hThread: r.hThread ?? 0, dwProcessId: r.pid, dwThreadId: r.tid });
      return true;
    });
  }

  ShellExecuteEx(lpExecInfo: SHELLEXECUTEINFO): boolean {
    return this.guard(false, () => {
      if (!lpExecInfo || typeof lpExecInfo.lpFile !== 'string') throw new LastError(ERROR_INVALID_PARAMETER);
      const r = this.ps({ call: 'shellExecute', callerPid: this.pid, file: lpExecInfo.lpFile, parameters: lpExecInfo.lpParameters ?? '', verb: lpExecInfo.lpVerb ?? '' });
      lpExecInfo.hProcess = r.hProcess ?? 0;
      return true;
    });
  }

  TerminateProcess(hProcess: number, uExitCode: number): boolean {
    return this.guard(false, () => { this.ps({ call: 'terminateProcess', callerPid: this.pid, hProcess, exitCode: dword(uExitCode) }); return true; });
  }

  ExitProcess(uExitCode: number): void {
    try {
      this.system.psCall({ call: 'terminatePid', pid: this.pid, exitCode: dword(uExitCode) });
    } catch (e) {
      if (e instanceof LastError) throw new Win32Error(e.code);
      throw e;
    }
  }

  GetExitCodeProcess(hProcess: number, lpExitCode: { value: number }): boolean {
    return this.guard(false, () => {
      if (!isOut(lpExitCode)) throw new LastError(ERROR_NOACCESS);
      lpExitCode.value = this.system.ps.exitCodeOf(this.system.ps.live(this.pid), hProcess);
      return true;
    });
  }

  CreateThread(dwStackSize: bigint, lpStartAddress: bigint, lpParameter: bigint, dwCreationFlags: number, lpThreadId?: { value: number }): number {
    return this.guard(0, () => {
      probeOptionalOut(lpThreadId);
      const r = this.ps({ call: 'createThread', callerPid: this.pid, hProcess: null, startAddress: lpStartAddress, parameter: lpParameter, flags: dword(dwCreationFlags), stackSize: dwStackSize });
      if (lpThreadId) lpThreadId.value = r.tid;
      return r.handle;
    });
  }

  CreateRemoteThread(hProcess: number, dwStackSize: bigint, lpStartAddress: bigint, lpParameter: bigint, dwCreationFlags: number, lpThreadId?: { value: number }): number {
    return this.guard(0, () => {
      probeOptionalOut(lpThreadId);
      const r = this.ps({ call: 'createThread', callerPid: this.pid, hProcess, startAddress: lpStartAddress, parameter: lpParameter, flags: dword(dwCreationFlags), stackSize: dwStackSize });
      if (lpThreadId) lpThreadId.value = r.tid;
      return r.handle;
    });
  }

  SuspendThread(hThread: number): number {
    return this.guard(0xFFFFFFFF, () => this.ps({ call: 'suspendThread', callerPid: this.pid, hThread }));
  }

  ResumeThread(hThread: number): number {
    return this.guard(0xFFFFFFFF, () => this.ps({ call: 'resumeThread', callerPid: this.pid, hThread }));
  }

  TerminateThread(hThread: number, dwExitCode: number): boolean {
    return this.guard(false, () => { this.ps({ call: 'terminateThread', callerPid: this.pid, hThread, exitCode: dword(dwExitCode) }); return true; });
  }

  OpenJobObject(dwDesiredAccess: number, bInheritHandles: boolean, lpName: string): number {
    return this.guard(0, () => this.ps({ call: 'openJob', callerPid: this.pid, access: dwDesiredAccess, inherit: !!bInheritHandles, name: lpName }));
  }

  CreateJobObject(_lpJobAttributes: null, lpName: string | null): number {
    return this.guard(0, () => {
      const r = this.ps({ call: 'createJob', callerPid: this.pid, name: lpName ?? null });
      // Opening an existing named job succeeds and says so in the last error.
      this.system.setLastError(this.pid, r.existed ? ERROR_ALREADY_EXISTS : 0);
      return r.handle;
    });
  }

  AssignProcessToJobObject(hJob: number, hProcess: number): boolean {
    return this.guard(false, () => { this.ps({ call: 'assignJob', callerPid: this.pid, hJob, hProcess }); return true; });
  }

  SetInformationJobObject(hJob: number, JobObjectInformationClass: number, lpJobObjectInformation: JobLimits): boolean {
    return this.guard(false, () => {
      if (JobObjectInformationClass !== JobObjectBasicLimitInformation && JobObjectInformationClass !== JobObjectExtendedLimitInformation) throw new LastError(ERROR_INVALID_PARAMETER);
      if (!lpJobObjectInformation || typeof lpJobObjectInformation !== 'object') throw new LastError(ERROR_NOACCESS);
      const limits: JobLimits = { ...lpJobObjectInformation };
      // The extended memory limits only come with the extended class.
      if (JobObjectInformationClass === JobObjectBasicLimitInformation && (limits.LimitFlags & 0x300)) throw new LastError(ERROR_INVALID_PARAMETER);
      this.ps({ call: 'setJobLimits', callerPid: this.pid, hJob, limits });
      return true;
    });
  }

  QueryInformationJobObject(hJob: number, JobObjectInformationClass: number, lpJobObjectInformation: Record<string, unknown>): boolean {
    return this.guard(false, () => {
      if (!lpJobObjectInformation || typeof lpJobObjectInformation !== 'object') throw new LastError(ERROR_NOACCESS);
      Object.assign(lpJobObjectInformation, this.system.ps.queryJob(this.system.ps.live(this.pid), hJob, JobObjectInformationClass));
      return true;
    });
  }

  TerminateJobObject(hJob: number, uExitCode: number): boolean {
    return this.guard(false, () => { this.ps({ call: 'terminateJob', callerPid: this.pid, hJob, exitCode: dword(uExitCode) }); return true; });
  }

  IsProcessInJob(hProcess: number, hJob: number | null, Result: { value: boolean }): boolean {
    return this.guard(false, () => {
      if (!isOut(Result)) throw new LastError(ERROR_NOACCESS);
      Result.value = this.system.ps.isProcessInJob(this.system.ps.live(this.pid), hProcess, hJob);
      return true;
    });
  }

  GetCurrentProcess(): number {
    return -1;
  }

  CreateFile(lpFileName: string, dwDesiredAccess: number, dwShareMode: number, _lpSecurityAttributes: null, dwCreationDisposition: number, _dwFlagsAndAttributes: number, _hTemplateFile: number): number {
    return this.guard(-1, () => this.handleResult(this.system.sectionCall({ call: 'createFile', pid: this.pid, path: lpFileName, access: dwDesiredAccess, share: dwShareMode, disposition: dwCreationDisposition })));
  }

  CreateFileMapping(hFile: number, flProtect: number, dwMaximumSize: bigint, lpName?: string): number {
    return this.guard(0, () => this.handleResult(this.system.sectionCall({ call: 'createFileMapping', pid: this.pid, hFile, flProtect, maximumSize: dwMaximumSize, name: lpName ?? null })));
  }

  OpenFileMapping(dwDesiredAccess: number, bInheritHandle: boolean, lpName: string): number {
    return this.guard(0, () => (this.system.sectionCall({ call: 'openFileMapping', pid: this.pid, access: dwDesiredAccess, inherit: !!bInheritHandle, name: lpName })).handle);
  }

  MapViewOfFile(hFileMappingObject: number, dwDesiredAccess: number, offset: bigint, dwNumberOfBytesToMap: bigint): bigint {
    return this.MapViewOfFileEx(hFileMappingObject, dwDesiredAccess, offset, dwNumberOfBytesToMap, 0n);
  }

  MapViewOfFileEx(hFileMappingObject: number, dwDesiredAccess: number, offset: bigint, dwNumberOfBytesToMap: bigint, lpBaseAddress: bigint): bigint {
    return this.guard(0n, () => this.system.sectionCall({ call: 'mapViewOfFile', pid: this.pid, hSection: hFileMappingObject, access: dwDesiredAccess, offset, bytes: dwNumberOfBytesToMap, base: lpBaseAddress ?? 0n }));
  }

  UnmapViewOfFile(lpBaseAddress: bigint): boolean {
    return this.guard(false, () => { this.system.sectionCall({ call: 'unmapViewOfFile', pid: this.pid, address: lpBaseAddress }); return true; });
  }

  FlushViewOfFile(lpBaseAddress: bigint, _dwNumberOfBytesToFlush: bigint): boolean {
    return this.guard(false, () => { this.system.sectionCall({ call: 'flushViewOfFile', pid: this.pid, address: lpBaseAddress }); return true; });
  }

  ReadProcessMemory(hProcess: number, lpBaseAddress: bigint, lpBuffer: Uint8Array, nSize: number, lpNumberOfBytesRead?: { value: number }): boolean {
    return this.guard(false, () => {
      if (!(lpBuffer instanceof Uint8Array) || !Number.isInteger(nSize) || nSize < 0 || nSize > lpBuffer.length) throw new LastError(ERROR_NOACCESS);
      probeOptionalOut(lpNumberOfBytesRead);
      try {
        const r = this.system.sectionCall({ call: 'readProcessMemory', pid: this.pid, hProcess, address: lpBaseAddress, size: nSize });
        lpBuffer.set(r.bytes);
        if (lpNumberOfBytesRead) lpNumberOfBytesRead.value = r.copied;
        return true;
      } catch (e) {
        if (e instanceof PartialCopy && lpNumberOfBytesRead) lpNumberOfBytesRead.value = e.copied;
        throw e;
      }
    });
  }

  WriteProcessMemory(hProcess: number, lpBaseAddress: bigint, lpBuffer: Uint8Array, nSize: number, lpNumberOfBytesWritten?: { value: number }): boolean {
    return this.guard(false, () => {
      if (!(lpBuffer instanceof Uint8Array) || !Number.isInteger(nSize) || nSize < 0 || nSize > lpBuffer.length) throw new LastError(ERROR_NOACCESS);
      probeOptionalOut(lpNumberOfBytesWritten);
      try {
        const r = this.system.sectionCall({ call: 'writeProcessMemory', pid: this.pid, hProcess, address: lpBaseAddress, data: lpBuffer.slice(0, nSize) });
        if (lpNumberOfBytesWritten) lpNumberOfBytesWritten.value = r.copied;
        return true;
      } catch (e) {
        if (e instanceof PartialCopy && lpNumberOfBytesWritten) lpNumberOfBytesWritten.value = e.copied;
        throw e;
      }
    });
  }

  OpenProcessToken(ProcessHandle: number, DesiredAccess: number, TokenHandle: { value: number }): boolean {
    return this.guard(false, () => {
      if (!TokenHandle || typeof TokenHandle !== 'object') throw new LastError(ERROR_NOACCESS);
      TokenHandle.value = this.ps({ call: 'openProcessToken', callerPid: this.pid, hProcess: ProcessHandle, access: dword(DesiredAccess) });
      return true;
    });
  }

  DuplicateTokenEx(hExistingToken: number, dwDesiredAccess: number, _lpTokenAttributes: null, ImpersonationLevel: number, TokenType: number, phNewToken: { value: number }): boolean {
    return this.guard(false, () => {
      if (!phNewToken || typeof phNewToken !== 'object') throw new LastError(ERROR_NOACCESS);
      phNewToken.value = this.ps({ call: 'duplicateTokenEx', callerPid: this.pid, hToken: hExistingToken, access: dword(dwDesiredAccess), impersonationLevel: ImpersonationLevel, tokenType: TokenType });
      return true;
    });
  }

  GetTokenInformation(TokenHandle: number, TokenInformationClass: number, TokenInformation: Record<string, unknown>): boolean {
    return this.guard(false, () => {
      if (!TokenInformation || typeof TokenInformation !== 'object') throw new LastError(ERROR_NOACCESS);
      Object.assign(TokenInformation, queryToken(this.system.ps, this.system.ps.live(this.pid), TokenHandle, TokenInformationClass));
      return true;
    });
  }

  SetTokenInformation(TokenHandle: number, TokenInformationClass: number, TokenInformation: Record<string, unknown>): boolean {
    return this.guard(false, () => {
      if (!TokenInformation || typeof TokenInformation !== 'object') throw new LastError(ERROR_NOACCESS);
      this.ps({ call: 'setTokenInformation', callerPid: this.pid, hToken: TokenHandle, infoClass: TokenInformationClass, info: { ...TokenInformation } });
      return true;
    });
  }

  AdjustTokenPrivileges(TokenHandle: number, DisableAllPrivileges: boolean, NewState: Array<{ Name: string; Attributes: number }>): boolean {
    return this.guard(false, () => {
      // NewState is the caller's: anything but an array (unless every privilege is being disabled, when it is
      // ignored) is ERROR_INVALID_PARAMETER here; the entries are copied, and checked by adjustTokenPrivileges.
      if (!DisableAllPrivileges && !Array.isArray(NewState)) throw new LastError(ERROR_INVALID_PARAMETER);
      const changes = Array.isArray(NewState) ? NewState.map((c) => ({ Name: c?.Name, Attributes: c?.Attributes })) : [];
      const lastError = this.ps({ call: 'adjustTokenPrivileges', callerPid: this.pid, hToken: TokenHandle, disableAll: !!DisableAllPrivileges, changes });
      this.system.setLastError(this.pid, lastError);
      return true;
    });
  }

  WTSQueryUserToken(SessionId: number, phToken: { value: number }): boolean {
    return this.guard(false, () => {
      if (!phToken || typeof phToken !== 'object') throw new LastError(ERROR_NOACCESS);
      phToken.value = this.ps({ call: 'wtsQueryUserToken', callerPid: this.pid, sessionId: SessionId });
      return true;
    });
  }

  CreateProcessAsUser(hToken: number, lpApplicationName: string | null, lpCommandLine: string | null, bInheritHandles: boolean, dwCreationFlags: number, lpCurrentDirectory: string | null, lpProcessInformation: PROCESS_INFORMATION): boolean {
    return this.guard(false, () => {
      if (!lpProcessInformation || typeof lpProcessInformation !== 'object') throw new LastError(ERROR_NOACCESS);
      checkStrings(lpApplicationName, lpCommandLine, lpCurrentDirectory);
      const image = lpApplicationName ?? (lpCommandLine ? splitCommandLine(lpCommandLine)[0] : '');
      if (!image) throw new LastError(ERROR_INVALID_PARAMETER);
      const r = this.ps({ call: 'createProcessWithToken', callerPid: this.pid, hToken, options: { imagePath: image, commandLine: lpCommandLine ?? undefined, creationFlags: dword(dwCreationFlags), inheritHandles: !!bInheritHandles, currentDirectory: lpCurrentDirectory ?? undefined, returnHandles: true } });
      Object.assign(lpProcessInformation, { hProcess: r.hProcess ?? 0, hThread: r.hThread ?? 0, dwProcessId: r.pid, dwThreadId: r.tid });
      return true;
    });
  }

  DebugActiveProcess(dwProcessId: number): boolean {
    return this.guard(false, () => { this.ps({ call: 'debugActiveProcess', callerPid: this.pid, pid: dwProcessId }); return true; });
  }

  DebugActiveProcessStop(dwProcessId: number): boolean {
    return this.guard(false, () => { this.ps({ call: 'debugActiveProcessStop', callerPid: this.pid, pid: dwProcessId }); return true; });
  }

  WaitForDebugEvent(lpDebugEvent: Partial<DEBUG_EVENT>, _dwMilliseconds: number): boolean {
    return this.guard(false, () => {
      if (!lpDebugEvent || typeof lpDebugEvent !== 'object') throw new LastError(ERROR_NOACCESS);
      Object.assign(lpDebugEvent, this.ps({ call: 'waitForDebugEvent', callerPid: this.pid }));
      return true;
    });
  }

  ContinueDebugEvent(dwProcessId: number, dwThreadId: number, dwContinueStatus: number): boolean {
    return this.guard(false, () => { this.ps({ call: 'continueDebugEvent', callerPid: this.pid, pid: dwProcessId, tid: dwThreadId, continueStatus: dword(dwContinueStatus) }); return true; });
  }

  DebugSetProcessKillOnExit(KillOnExit: boolean): boolean {
    return this.guard(false, () => { this.ps({ call: 'debugSetProcessKillOnExit', callerPid: this.pid, killOnExit: !!KillOnExit }); return true; });
  }

  HeapCreate(flOptions: number, dwInitialSize: bigint, dwMaximumSize: bigint): bigint {
    return this.guard(0n, () => this.system.heapCall({ call: 'create', pid: this.pid, options: dword(flOptions), initialSize: dwInitialSize, maximumSize: dwMaximumSize }));
  }

  HeapDestroy(hHeap: bigint): boolean {
    return this.guard(false, () => { this.system.heapCall({ call: 'destroy', pid: this.pid, heap: hHeap }); return true; });
  }

  HeapAlloc(hHeap: bigint, dwFlags: number, dwBytes: bigint): bigint {
    return withoutLastError(() => this.system.heapCall({ call: 'alloc', pid: this.pid, heap: hHeap, flags: dword(dwFlags), bytes: dwBytes }));
  }

  HeapReAlloc(hHeap: bigint, dwFlags: number, lpMem: bigint, dwBytes: bigint): bigint {
    return withoutLastError(() => this.system.heapCall({ call: 'reAlloc', pid: this.pid, heap: hHeap, flags: dword(dwFlags), address: lpMem, bytes: dwBytes }));
  }

  HeapFree(hHeap: bigint, dwFlags: number, lpMem: bigint): boolean {
    return this.guard(false, () => { this.system.heapCall({ call: 'free', pid: this.pid, heap: hHeap, flags: dword(dwFlags), address: lpMem }); return true; });
  }

  HeapSize(hHeap: bigint, _dwFlags: number, lpMem: bigint): bigint {
    if (typeof hHeap !== 'bigint' || typeof lpMem !== 'bigint') return SIZE_T_MINUS_ONE;
    const p = this.system.byPid.get(this.pid);
    if (!p || p.exited) return SIZE_T_MINUS_ONE;
    const size = heapSize(p, hHeap, lpMem);
    return size < 0n ? SIZE_T_MINUS_ONE : size;
  }

  GetProcessHeap(): bigint {
    const p = this.system.byPid.get(this.pid);
    return p && !p.exited ? BigInt(p.heaps?.processHeap ?? 0) : 0n;
  }

  GetProcessHeaps(NumberOfHeaps: number, ProcessHeaps: bigint[]): number {
    return this.guard(0, () => {
      if (!Array.isArray(ProcessHeaps)) throw new LastError(ERROR_NOACCESS);
      const limit = dword(NumberOfHeaps);
      const handles = processHeapHandles(this.system.process(this.pid));
      if (handles.length <= limit) for (let i = 0; i < handles.length; i++) ProcessHeaps[i] = handles[i]!;
      return handles.length;
    });
  }

  malloc(size: bigint): bigint {
    return withoutLastError(() => this.system.heapCall({ call: 'malloc', pid: this.pid, bytes: size }));
  }

  free(memblock: bigint): void {
    withoutLastError(() => { this.system.heapCall({ call: 'crtFree', pid: this.pid, address: memblock }); return 0n; });
  }

  /** A handle result sets the last error the way CreateFileMapping/CreateFile do: ERROR_ALREADY_EXISTS or 0. */
  private handleResult(r: HandleResult): number {
    this.system.setLastError(this.pid, r.existed ? ERROR_ALREADY_EXISTS : 0);
    return r.handle;
  }

  WriteMemory(lpAddress: bigint, data: Uint8Array): void {
    if (typeof lpAddress !== 'bigint' || !(data instanceof Uint8Array)) throw new NtException(STATUS_ACCESS_VIOLATION, typeof lpAddress === 'bigint' && lpAddress >= 0n ? lpAddress : 0n, true);
    if (data.length > MAX_ACCESS) throw new RangeError(`WriteMemory: at most ${MAX_ACCESS} bytes`);
    checkUserRange(lpAddress, data.length, true);
    this.system.writeMemory(this.pid, Number(lpAddress), data);
  }
}

/**
 * HeapAlloc and HeapReAlloc "do not call SetLastError" (Microsoft Learn): a failure the API reports as a
 * last error elsewhere (an argument of the wrong type) is only NULL here. Exceptions (NtException) go on.
 */
function withoutLastError(body: () => bigint): bigint {
  try {
    return body();
  } catch (e) {
    if (e instanceof LastError) return 0n;
    throw e;
  }
}

/**
 * The MEMORY_PRIORITY_INFORMATION a Set call passes: the buffer is probed (NULL: ERROR_NOACCESS); for the
 * memory-priority class its size must be sizeof(MEMORY_PRIORITY_INFORMATION), else STATUS_INFO_LENGTH_MISMATCH,
 * which reaches Win32 as ERROR_BAD_LENGTH. Other classes are not simulated (the op refuses them).
 */
function memoryPriorityIn(infoClass: number, memoryClass: number, info: MEMORY_PRIORITY_INFORMATION, size: number): number {
  memoryPriorityOut(infoClass, memoryClass, info, size);
  const v = info.MemoryPriority;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new LastError(ERROR_INVALID_PARAMETER);
  return v;
}

/** The buffer a Get call fills: probed the same way. */
function memoryPriorityOut(infoClass: number, memoryClass: number, info: MEMORY_PRIORITY_INFORMATION, size: number): void {
  if (!isOut(info)) throw new LastError(ERROR_NOACCESS);
  if (infoClass === memoryClass && size !== MEMORY_PRIORITY_INFORMATION_SIZE) throw new LastError(ERROR_BAD_LENGTH);
}

/** A DWORD parameter: a JS value that is not a finite number is ERROR_INVALID_PARAMETER (never a TypeError from `>>> 0` on a bigint). */
function dword(v: number): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new LastError(ERROR_INVALID_PARAMETER);
  return v >>> 0;
}

/** An out parameter ({ value }): an object the function can write to. */
/** LPCWSTR parameters that may be NULL: anything but a string or null/undefined is ERROR_INVALID_PARAMETER. */
function checkStrings(...values: unknown[]): void {
  for (const v of values) if (v !== null && v !== undefined && typeof v !== 'string') throw new LastError(ERROR_INVALID_PARAMETER);
}

function isOut(v: unknown): v is { value: unknown } {
  return v !== null && typeof v === 'object';
}

/**
 * An optional out parameter (NULL allowed) is probed before the call changes anything: system services
 * probe caller buffers before they act (ProbeForWrite, Microsoft Learn, wdm.h), so a bad pointer fails
 * with ERROR_NOACCESS instead of faulting after the work is done.
 */
function probeOptionalOut(v: unknown): void {
  if (v !== undefined && v !== null && typeof v !== 'object') throw new LastError(ERROR_NOACCESS);
}

/** A user-mode access outside the user address space raises an access violation, as on real hardware. */
function checkUserRange(address: bigint, length: number, write: boolean): void {
  const va = Number(address);
  if (va < 0 || va + Math.max(length, 1) - 1 > HIGHEST_USER) {
    throw new NtException(STATUS_ACCESS_VIOLATION, address < 0n ? 0n : address, write);
  }
}

