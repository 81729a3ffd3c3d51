// Offsets of the user-mode structures the process manager writes into simulated memory and the dt
// layouts print: one table, so the bytes a learner dumps with `db` and the `dt` view cannot disagree.
// Windows 10 x64 19041 (checked against its symbols; pinned by test/unit/layouts-verified.test.ts);
// these fields sit at the same offsets in every Windows 10 release, though the structures' sizes grew.

/** _PEB (ntdll!_PEB, 0x7C8 bytes). */
export const PEB = {
  size: 0x7C8,
  BeingDebugged: 0x2,
  ImageBaseAddress: 0x10,
  Ldr: 0x18,
  ProcessParameters: 0x20,
  ProcessHeap: 0x30,
  NumberOfProcessors: 0xB8,
  OSMajorVersion: 0x118,
  OSMinorVersion: 0x11C,
  OSBuildNumber: 0x120,
  ImageSubsystem: 0x128,
  ImageSubsystemMajorVersion: 0x12C,
  SessionId: 0x2C0,
} as const;

/** _RTL_USER_PROCESS_PARAMETERS (0x440 bytes, followed by its strings and the environment block). */
export const PROCESS_PARAMETERS = {
  size: 0x440,
  MaximumLength: 0x0,
  Length: 0x4,
  Flags: 0x8,
  /** _CURDIR: DosPath (a UNICODE_STRING) at +0, Handle at +0x10. */
  CurrentDirectory: 0x38,
  ImagePathName: 0x60,
  CommandLine: 0x70,
  Environment: 0x80,
  EnvironmentSize: 0x3F0,
} as const;

/** _TEB (0x1838 bytes); NtTib is the _NT_TIB of winnt.h at +0. */
export const TEB = {
  size: 0x1838,
  StackBase: 0x8,
  StackLimit: 0x10,
  Self: 0x30,
  ClientId: 0x40,
  ProcessEnvironmentBlock: 0x60,
  LastErrorValue: 0x68,
  /** [2] Ptr64 Void: DbgUi keeps the thread's debug object handle in DbgSsReserved[1]. */
  DbgSsReserved: 0x16A0,
} as const;

/** The OS version the PEB reports: Windows 10 22H2. */
export const OS_VERSION = { major: 10, minor: 0, build: 19045 } as const;

/** _PEB_LDR_DATA (0x58 bytes): the loader's three lists of LDR_DATA_TABLE_ENTRY, each a circular LIST_ENTRY. */
export const PEB_LDR_DATA = {
  size: 0x58,
  Length: 0x0,
  Initialized: 0x4,
  InLoadOrderModuleList: 0x10,
  InMemoryOrderModuleList: 0x20,
  InInitializationOrderModuleList: 0x30,
} as const;

/** _LDR_DATA_TABLE_ENTRY (0x120 bytes). The three link fields sit at the same offsets as the lists in PEB_LDR_DATA minus 0x10. */
export const LDR_DATA_TABLE_ENTRY = {
  size: 0x120,
  InLoadOrderLinks: 0x0,
  InMemoryOrderLinks: 0x10,
  InInitializationOrderLinks: 0x20,
  DllBase: 0x30,
  EntryPoint: 0x38,
  SizeOfImage: 0x40,
  FullDllName: 0x48,
  BaseDllName: 0x58,
} as const;

/**
 * Where the simulated loader keeps its data in the process heap (PEB_LDR_DATA itself is ntdll!PebLdr):
 * one busy heap block whose header is the heap's FirstEntry (base + 0x740, src/engine/heap/layout.ts)
 * and whose data runs to `end`, the first `end` bytes committed; in it the LDR_DATA_TABLE_ENTRYs one
 * after another from `firstEntry`, the DLL names' buffers from `names`. The names area holds several
 * times the names of the entries that fit.
 */
export const LOADER_IN_HEAP = {
  firstEntry: 0x750,
  names: 0x6000,
  end: 0x10000,
} as const;

/** Offset in the process heap of LDR_DATA_TABLE_ENTRY k (the loader writes it there; dt lays it out there). */
export function loaderEntryOffset(k: number): number { return LOADER_IN_HEAP.firstEntry + LDR_DATA_TABLE_ENTRY.size * k; }

/** LDR_DATA_TABLE_ENTRYs that fit between the first entry and the name buffers; later modules are not on the lists in memory. */
export const LOADER_ENTRY_CAPACITY = Math.floor((LOADER_IN_HEAP.names - LOADER_IN_HEAP.firstEntry) / LDR_DATA_TABLE_ENTRY.size);
