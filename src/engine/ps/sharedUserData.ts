// KUSER_SHARED_DATA as user mode sees it at 0x7FFE0000: the fields the simulation fills, at their offsets.
// Offsets: Microsoft Learn, "KUSER_SHARED_DATA structure (ntddk.h)", and the 19041 public symbols
// (nt!_KUSER_SHARED_DATA): the kernel keeps the interrupt time, system time, tick count and time zone bias
// current there and user mode reads them without a system call. The simulation fills only the fixed fields below.
import { insertSharedUserDataVad, MM_SHARED_USER_DATA_VA } from '../mm/virtual';
import type { ProcessObject } from '../process';
import type { ProcessManager } from './processManager';
import { OS_VERSION } from './userLayout';
import { putUtf16, writeUser } from './userMemory';

export const KUSER_SHARED_DATA = {
  ImageNumberLow: 0x2C, ImageNumberHigh: 0x2E, NtSystemRoot: 0x30, NtProductType: 0x264, ProductTypeIsValid: 0x268,
  NativeProcessorArchitecture: 0x26A, NtMajorVersion: 0x26C, NtMinorVersion: 0x270,
} as const;

/** IMAGE_FILE_MACHINE_AMD64: the image type this kernel runs natively (ImageNumberLow/High). */
const IMAGE_FILE_MACHINE_AMD64 = 0x8664;
/** PROCESSOR_ARCHITECTURE_AMD64 (winnt.h). */
const PROCESSOR_ARCHITECTURE_AMD64 = 9;
/** NtProductWinNt: a workstation (NT_PRODUCT_TYPE, ntdef.h). */
const NT_PRODUCT_WIN_NT = 1;

/** The bytes of the shared user data page that the simulation fills (the rest stays zero). */
export function sharedUserDataBytes(): Uint8Array {
  const bytes = new Uint8Array(KUSER_SHARED_DATA.NtMinorVersion + 4);
  const v = new DataView(bytes.buffer);
  v.setUint16(KUSER_SHARED_DATA.ImageNumberLow, IMAGE_FILE_MACHINE_AMD64, true);
  v.setUint16(KUSER_SHARED_DATA.ImageNumberHigh, IMAGE_FILE_MACHINE_AMD64, true);
  putUtf16(bytes, KUSER_SHARED_DATA.NtSystemRoot, 'C:\\Windows');
  v.setUint32(KUSER_SHARED_DATA.NtProductType, NT_PRODUCT_WIN_NT, true);
  v.setUint8(KUSER_SHARED_DATA.ProductTypeIsValid, 1);
  v.setUint16(KUSER_SHARED_DATA.NativeProcessorArchitecture, PROCESSOR_ARCHITECTURE_AMD64, true);
  v.setUint32(KUSER_SHARED_DATA.NtMajorVersion, OS_VERSION.major, true);
  v.setUint32(KUSER_SHARED_DATA.NtMinorVersion, OS_VERSION.minor, true);
  return bytes;
}

/**
 * The new address space gets its view of the shared user data page at 0x7FFE0000, read-only to user mode.
 * The lab's model: done while the address space is concluded (stage 3D); no public source names the routine.
 * Kernel work: the page is filled without recorded faults.
 */
export function mapSharedUserData(pm: ProcessManager, p: ProcessObject): void {
  pm.trace.muted++;
  try {
    insertSharedUserDataVad(pm.mm, p, (base) => writeUser(pm, p, base, sharedUserDataBytes()));
  } finally { pm.trace.muted--; }
  pm.trace.step('create.sharedUserData')?.n(p.pid).a(MM_SHARED_USER_DATA_VA).change('vad', p.pid, Number(MM_SHARED_USER_DATA_VA));
}
