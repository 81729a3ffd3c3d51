// The Win32-shaped API executed in one process's context. Names, argument order and failure
// conventions follow the real functions: failures return 0n / 0 / false / null and set the thread's
// last error; memory accesses that cannot be resolved throw NtException like a faulting instruction.
import { ERROR_INVALID_PARAMETER, ERROR_NOACCESS, MM_HIGHEST_USER_ADDRESS, STATUS_ACCESS_VIOLATION } from './constants';
import { LastError, NtException } from './errors';
import type { MEMORY_BASIC_INFORMATION } from './mm/virtual';
import type { System } from './system';
import { TLB_READ, TLB_SIZE, type ProcessObject } from './process';

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
  GetLastError(): number;
  SetLastError(dwErrCode: number): void;
  /** A user-mode load of `nSize` bytes: may page-fault; throws NtException when the fault cannot be resolved. */
  ReadMemory(lpAddress: bigint, nSize: number): Uint8Array;
  /** A user-mode store: may page-fault; throws NtException when the fault cannot be resolved. */
  WriteMemory(lpAddress: bigint, data: Uint8Array): void;
}

const MAX_ACCESS = 64 * 1024 * 1024;
const HIGHEST_USER = Number(MM_HIGHEST_USER_ADDRESS);

/** Implementation over the System's internals; every call goes through the system's op log. */
export class Win32ApiImpl implements Win32Api {
  private proc: ProcessObject | undefined;
  constructor(private readonly system: System, readonly pid: number) {}

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
    return this.guard(0n, () => this.system.op({ op: 'VirtualAlloc', pid: this.pid, args: [lpAddress, dwSize, flAllocationType, flProtect] }) as bigint);
  }

  VirtualFree(lpAddress: bigint, dwSize: bigint, dwFreeType: number): boolean {
    return this.guard(false, () => { this.system.op({ op: 'VirtualFree', pid: this.pid, args: [lpAddress, dwSize, dwFreeType] }); return true; });
  }

  VirtualProtect(lpAddress: bigint, dwSize: bigint, flNewProtect: number, lpflOldProtect?: { value: number }): boolean {
    return this.guard(false, () => {
      // The real function probes lpflOldProtect before doing anything: NULL fails with ERROR_NOACCESS.
      if (lpflOldProtect === undefined || lpflOldProtect === null || typeof lpflOldProtect !== 'object') throw new LastError(ERROR_NOACCESS);
      const old = this.system.op({ op: 'VirtualProtect', pid: this.pid, args: [lpAddress, dwSize, flNewProtect] }) as number;
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
      if (!lpMinimum || !lpMaximum) throw new LastError(ERROR_NOACCESS);
      const [min, max] = this.system.workingSetLimits(this.pid);
      lpMinimum.value = BigInt(min) * 4096n;
      lpMaximum.value = BigInt(max) * 4096n;
      return true;
    });
  }

  GetWriteWatch(dwFlags: number, lpBaseAddress: bigint, dwRegionSize: bigint, lpAddresses: bigint[], lpdwCount: { value: number }, lpdwGranularity: { value: number }): number {
    return this.guard(ERROR_INVALID_PARAMETER, () => {
      if (!lpdwGranularity || typeof lpdwGranularity !== 'object') throw new LastError(ERROR_INVALID_PARAMETER);
      const r = this.system.op({ op: 'GetWriteWatch', pid: this.pid, args: [dwFlags, lpBaseAddress, dwRegionSize, lpAddresses, lpdwCount] }) as number;
      lpdwGranularity.value = 4096;
      return r;
    });
  }

  ResetWriteWatch(lpBaseAddress: bigint, dwRegionSize: bigint): number {
    return this.guard(ERROR_INVALID_PARAMETER, () => this.system.op({ op: 'ResetWriteWatch', pid: this.pid, args: [lpBaseAddress, dwRegionSize] }) as number);
  }

  GetLastError(): number {
    return this.system.getLastError(this.pid);
  }

  SetLastError(dwErrCode: number): void {
    this.system.setLastError(this.pid, dwErrCode >>> 0);
  }

  ReadMemory(lpAddress: bigint, nSize: number): Uint8Array {
    if (typeof lpAddress !== 'bigint' || (nSize >>> 0) !== nSize || nSize > MAX_ACCESS) {
      if (typeof lpAddress !== 'bigint') throw new TypeError('ReadMemory: lpAddress must be a bigint');
      throw new RangeError(`ReadMemory: nSize must be an integer in [0, ${MAX_ACCESS}]`);
    }
    const va = Number(lpAddress);
    if (va < 0 || va + (nSize || 1) - 1 > HIGHEST_USER) throw new NtException(STATUS_ACCESS_VIOLATION, lpAddress < 0n ? 0n : lpAddress, false);
    // The TLB hit of a load within one page, as the hardware does it: no fault, no step, no log entry.
    const p = this.proc ??= this.system.liveProcess(this.pid);
    if (p.exited) return this.system.readMemory(this.pid, va, nSize);
    const vpn = Math.floor(va / 4096);
    const offset = va - vpn * 4096;
    const slot = vpn & (TLB_SIZE - 1);
    if (offset + nSize <= 4096 && p.tlbVpn[slot] === vpn && (p.tlbFlags[slot]! & TLB_READ)) {
      const out = new Uint8Array(nSize);
      this.system.physicalStore.read(p.tlbPfn[slot]!, offset, out, 0, nSize);
      return out;
    }
    return this.system.readMemory(this.pid, va, nSize);
  }

  WriteMemory(lpAddress: bigint, data: Uint8Array): void {
    if (typeof lpAddress !== 'bigint') throw new TypeError('WriteMemory: lpAddress must be a bigint');
    if (!(data instanceof Uint8Array)) throw new TypeError('WriteMemory: data must be a Uint8Array');
    if (data.length > MAX_ACCESS) throw new RangeError(`WriteMemory: at most ${MAX_ACCESS} bytes`);
    checkUserRange(lpAddress, data.length, true);
    this.system.writeMemory(this.pid, Number(lpAddress), data);
  }
}

/** A user-mode access outside the user address space raises an access violation, as on real hardware. */
function checkUserRange(address: bigint, length: number, write: boolean): void {
  const va = Number(address);
  if (va < 0 || va + Math.max(length, 1) - 1 > HIGHEST_USER) {
    throw new NtException(STATUS_ACCESS_VIOLATION, address < 0n ? 0n : address, write);
  }
}

