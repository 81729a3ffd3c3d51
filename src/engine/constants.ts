// Win32 and NT constants under their real names and values (winnt.h, winerror.h, ntstatus.h).

// Memory allocation types (VirtualAlloc / VirtualFree / MEMORY_BASIC_INFORMATION.State and Type).
export const MEM_COMMIT = 0x00001000;
export const MEM_RESERVE = 0x00002000;
export const MEM_REPLACE_PLACEHOLDER = 0x00004000;
export const MEM_DECOMMIT = 0x00004000;
export const MEM_RELEASE = 0x00008000;
export const MEM_FREE = 0x00010000;
export const MEM_PRIVATE = 0x00020000;
export const MEM_RESERVE_PLACEHOLDER = 0x00040000;
export const MEM_MAPPED = 0x00040000;
export const MEM_RESET = 0x00080000;
export const MEM_TOP_DOWN = 0x00100000;
export const MEM_WRITE_WATCH = 0x00200000;
export const MEM_PHYSICAL = 0x00400000;
export const MEM_ROTATE = 0x00800000;
export const MEM_DIFFERENT_IMAGE_BASE_OK = 0x00800000;
export const MEM_RESET_UNDO = 0x01000000;
export const MEM_IMAGE = 0x01000000;
export const MEM_LARGE_PAGES = 0x20000000;
export const MEM_4MB_PAGES = 0x80000000;
export const MEM_COALESCE_PLACEHOLDERS = 0x00000001;
export const MEM_PRESERVE_PLACEHOLDER = 0x00000002;

// Memory protection constants.
export const PAGE_NOACCESS = 0x01;
export const PAGE_READONLY = 0x02;
export const PAGE_READWRITE = 0x04;
export const PAGE_WRITECOPY = 0x08;
export const PAGE_EXECUTE = 0x10;
export const PAGE_EXECUTE_READ = 0x20;
export const PAGE_EXECUTE_READWRITE = 0x40;
export const PAGE_EXECUTE_WRITECOPY = 0x80;
export const PAGE_GUARD = 0x100;
export const PAGE_NOCACHE = 0x200;
export const PAGE_WRITECOMBINE = 0x400;
export const PAGE_TARGETS_INVALID = 0x40000000;
export const PAGE_TARGETS_NO_UPDATE = 0x40000000;

// GetWriteWatch.
export const WRITE_WATCH_FLAG_RESET = 0x01;

// Quota limits flags (SetProcessWorkingSetSizeEx).
export const QUOTA_LIMITS_HARDWS_MIN_ENABLE = 0x00000001;
export const QUOTA_LIMITS_HARDWS_MIN_DISABLE = 0x00000002;
export const QUOTA_LIMITS_HARDWS_MAX_ENABLE = 0x00000004;
export const QUOTA_LIMITS_HARDWS_MAX_DISABLE = 0x00000008;

// Process creation flags (CreateProcess dwCreationFlags).
export const DEBUG_PROCESS = 0x00000001;
export const DEBUG_ONLY_THIS_PROCESS = 0x00000002;
export const CREATE_SUSPENDED = 0x00000004;
export const DETACHED_PROCESS = 0x00000008;
export const CREATE_NEW_CONSOLE = 0x00000010;
export const NORMAL_PRIORITY_CLASS = 0x00000020;
export const IDLE_PRIORITY_CLASS = 0x00000040;
export const HIGH_PRIORITY_CLASS = 0x00000080;
export const REALTIME_PRIORITY_CLASS = 0x00000100;
export const CREATE_NEW_PROCESS_GROUP = 0x00000200;
export const CREATE_UNICODE_ENVIRONMENT = 0x00000400;
export const BELOW_NORMAL_PRIORITY_CLASS = 0x00004000;
export const ABOVE_NORMAL_PRIORITY_CLASS = 0x00008000;
export const CREATE_NO_WINDOW = 0x08000000;

// Win32 error codes (winerror.h).
export const ERROR_SUCCESS = 0;
export const ERROR_FILE_NOT_FOUND = 2;
export const ERROR_PATH_NOT_FOUND = 3;
export const ERROR_ACCESS_DENIED = 5;
export const ERROR_INVALID_HANDLE = 6;
export const ERROR_NOT_ENOUGH_MEMORY = 8;
export const ERROR_OUTOFMEMORY = 14;
export const ERROR_NOT_SUPPORTED = 50;
export const ERROR_INVALID_PARAMETER = 87;
export const ERROR_BAD_EXE_FORMAT = 193;
export const ERROR_ALREADY_EXISTS = 183;
/** VirtualUnlock of a page that is not locked (Microsoft Learn, VirtualUnlock). */
export const ERROR_NOT_LOCKED = 158;
/** NtSetInformationProcess/Thread's STATUS_INFO_LENGTH_MISMATCH as Win32 (RtlNtStatusToDosError). */
export const ERROR_BAD_LENGTH = 24;
export const ERROR_INVALID_ADDRESS = 487;
export const ERROR_NOACCESS = 998;
export const ERROR_PRIVILEGE_NOT_HELD = 1314;
export const ERROR_NO_SYSTEM_RESOURCES = 1450;
export const ERROR_WORKING_SET_QUOTA = 1453;
export const ERROR_COMMITMENT_LIMIT = 1455;

// NTSTATUS values (ntstatus.h), unsigned 32-bit.
export const STATUS_SUCCESS = 0x00000000;
export const STATUS_GUARD_PAGE_VIOLATION = 0x80000001;
/** STATUS_STACK_OVERFLOW: a thread's user stack reservation is used up (ntstatus.h; Microsoft Learn, "NTSTATUS Values"). */
export const STATUS_STACK_OVERFLOW = 0xC00000FD;
export const STATUS_ACCESS_VIOLATION = 0xC0000005;
export const STATUS_IN_PAGE_ERROR = 0xC0000006;
export const STATUS_INVALID_PARAMETER = 0xC000000D;
export const STATUS_NO_MEMORY = 0xC0000017;
export const STATUS_CONFLICTING_ADDRESSES = 0xC0000018;
export const STATUS_INVALID_PAGE_PROTECTION = 0xC0000045;
export const STATUS_COMMITMENT_LIMIT = 0xC000012D;
export const STATUS_PRIVILEGE_NOT_HELD = 0xC0000061;
export const STATUS_INSUFFICIENT_RESOURCES = 0xC000009A;

// SYSTEM_MEMORY_LIST_COMMAND (NtSetSystemInformation(SystemMemoryListInformation, ...)).
export const MemoryCaptureAccessedBits = 0;
export const MemoryCaptureAndResetAccessedBits = 1;
export const MemoryEmptyWorkingSets = 2;
export const MemoryFlushModifiedList = 3;
export const MemoryPurgeStandbyList = 4;
export const MemoryPurgeLowPriorityStandbyList = 5;

// Privilege names.
export const SE_LOCK_MEMORY_NAME = 'SeLockMemoryPrivilege';
export const SE_INC_BASE_PRIORITY_NAME = 'SeIncreaseBasePriorityPrivilege';
export const SE_DEBUG_NAME = 'SeDebugPrivilege';

// Memory layout of x64 Windows.
export const PAGE_SIZE = 4096;
export const PAGE_SHIFT = 12;
/** The simulated RAM when SystemOptions.physicalMemoryMB is absent (the ntlab.simulation.physicalMemoryMB setting's default too). */
export const DEFAULT_PHYSICAL_MEMORY_MB = 512;
/** PAGE_SIZE - 1: the byte-offset bits of an address (BYTE_OFFSET). */
export const PAGE_MASK = PAGE_SIZE - 1;
/** PAGE_SIZE as a bigint, for 64-bit address arithmetic. */
export const PAGE_SIZE_N = BigInt(PAGE_SIZE);
export const ALLOCATION_GRANULARITY = 0x10000;
export const LARGE_PAGE_SIZE = 0x200000;
export const HUGE_PAGE_SIZE = 0x40000000;
/** MM_LOWEST_USER_ADDRESS: the first 64 KB are never mapped. */
export const MM_LOWEST_USER_ADDRESS = 0x10000n;
/** MM_HIGHEST_USER_ADDRESS on x64 with a 128 TB user address space. */
export const MM_HIGHEST_USER_ADDRESS = 0x7FFFFFFEFFFFn;
/** MM_HIGHEST_VAD_ADDRESS: the last 64 KB below the user limit are a no-access guard region. */
export const MM_HIGHEST_VAD_ADDRESS = 0x7FFFFFFEFFFFn - 0x10000n;
export const MM_USER_PROBE_ADDRESS = 0x7FFFFFFF0000n;
/** The PTE base before Windows 10 1607 (fixed self-map index 0x1ED). */
export const CLASSIC_PTE_BASE = 0xFFFFF68000000000n;

// Files and paths (winerror.h).
export const ERROR_INVALID_NAME = 123;

// Sections and mapped views (CreateFileMapping / MapViewOfFile).
export const SEC_PARTITION_OWNER_HANDLE = 0x00040000;
export const SEC_64K_PAGES = 0x00080000;
export const SEC_FILE = 0x00800000;
export const SEC_IMAGE = 0x01000000;
export const SEC_PROTECTED_IMAGE = 0x02000000;
export const SEC_RESERVE = 0x04000000;
export const SEC_COMMIT = 0x08000000;
export const SEC_NOCACHE = 0x10000000;
export const SEC_WRITECOMBINE = 0x40000000;
export const SEC_LARGE_PAGES = 0x80000000;
export const SEC_IMAGE_NO_EXECUTE = SEC_IMAGE | SEC_NOCACHE;
export const SECTION_QUERY = 0x0001;
export const SECTION_MAP_WRITE = 0x0002;
export const SECTION_MAP_READ = 0x0004;
export const SECTION_MAP_EXECUTE = 0x0008;
export const SECTION_EXTEND_SIZE = 0x0010;
export const SECTION_MAP_EXECUTE_EXPLICIT = 0x0020;
export const SECTION_ALL_ACCESS = 0x000F001F;
export const FILE_MAP_COPY = 0x0001;
export const FILE_MAP_WRITE = SECTION_MAP_WRITE;
export const FILE_MAP_READ = SECTION_MAP_READ;
export const FILE_MAP_ALL_ACCESS = SECTION_ALL_ACCESS;
export const FILE_MAP_EXECUTE = SECTION_MAP_EXECUTE_EXPLICIT;
export const FILE_MAP_LARGE_PAGES = 0x20000000;
export const FILE_MAP_TARGETS_INVALID = 0x40000000;
export const INVALID_HANDLE_VALUE = -1;
// CreateFile.
export const GENERIC_READ = 0x80000000;
export const GENERIC_WRITE = 0x40000000;
export const GENERIC_EXECUTE = 0x20000000;
export const GENERIC_ALL = 0x10000000;
export const FILE_SHARE_READ = 0x1;
export const FILE_SHARE_WRITE = 0x2;
export const FILE_SHARE_DELETE = 0x4;
export const CREATE_NEW = 1;
export const CREATE_ALWAYS = 2;
export const OPEN_EXISTING = 3;
export const OPEN_ALWAYS = 4;
export const TRUNCATE_EXISTING = 5;
// Process access rights used by ReadProcessMemory / WriteProcessMemory.
export const PROCESS_VM_OPERATION = 0x0008;
export const PROCESS_VM_READ = 0x0010;
export const PROCESS_VM_WRITE = 0x0020;
export const PROCESS_QUERY_INFORMATION = 0x0400;
export const PROCESS_QUERY_LIMITED_INFORMATION = 0x1000;
export const PROCESS_ALL_ACCESS = 0x001FFFFF;
// More Win32 errors.
export const ERROR_FILE_INVALID = 1006;
export const ERROR_MAPPED_ALIGNMENT = 1132;
export const ERROR_PARTIAL_COPY = 299;
export const ERROR_DISK_FULL = 112;
export const ERROR_USER_MAPPED_FILE = 1224;
export const ERROR_SHARING_VIOLATION = 32;
// More NTSTATUS values.
export const STATUS_SECTION_PROTECTION = 0xC000004E;
export const STATUS_INVALID_IMAGE_FORMAT = 0xC000007B;
export const STATUS_INVALID_VIEW_SIZE = 0xC000001F;
export const STATUS_MAPPED_ALIGNMENT = 0xC0000220;

// More creation flags (CreateProcess dwCreationFlags).
export const CREATE_PROTECTED_PROCESS = 0x00040000;
export const EXTENDED_STARTUPINFO_PRESENT = 0x00080000;
export const CREATE_BREAKAWAY_FROM_JOB = 0x01000000;
export const CREATE_DEFAULT_ERROR_MODE = 0x04000000;

// Thread creation and states.
export const STILL_ACTIVE = 0x103;
export const MAXIMUM_SUSPEND_COUNT = 0x7F;
export const STACK_SIZE_PARAM_IS_A_RESERVATION = 0x00010000;

// Access masks.
export const PROCESS_TERMINATE = 0x0001;
export const PROCESS_CREATE_THREAD = 0x0002;
export const PROCESS_DUP_HANDLE = 0x0040;
export const PROCESS_CREATE_PROCESS = 0x0080;
export const PROCESS_SET_QUOTA = 0x0100;
export const PROCESS_SET_INFORMATION = 0x0200;
export const PROCESS_SUSPEND_RESUME = 0x0800;
export const PROCESS_SET_LIMITED_INFORMATION = 0x2000;
// Standard rights and MAXIMUM_ALLOWED (Microsoft Learn, "Standard Access Rights", "ACCESS_MASK").
export const DELETE = 0x00010000;
export const READ_CONTROL = 0x00020000;
export const WRITE_DAC = 0x00040000;
export const WRITE_OWNER = 0x00080000;
export const SYNCHRONIZE = 0x00100000;
export const MAXIMUM_ALLOWED = 0x02000000;
// SYSTEM_MANDATORY_LABEL_ACE.Mask policy bits (Microsoft Learn, "SYSTEM_MANDATORY_LABEL_ACE structure").
export const SYSTEM_MANDATORY_LABEL_NO_WRITE_UP = 0x1;
export const SYSTEM_MANDATORY_LABEL_NO_READ_UP = 0x2;
export const SYSTEM_MANDATORY_LABEL_NO_EXECUTE_UP = 0x4;
export const THREAD_TERMINATE = 0x0001;
export const THREAD_SUSPEND_RESUME = 0x0002;
export const THREAD_ALL_ACCESS = 0x001FFFFF;
export const THREAD_SET_INFORMATION = 0x0020;
export const THREAD_QUERY_LIMITED_INFORMATION = 0x0800;

// Memory priorities (Microsoft Learn, MEMORY_PRIORITY_INFORMATION; processthreadsapi.h): the page priority
// given to pages a thread faults in. PROCESS_INFORMATION_CLASS.ProcessMemoryPriority and
// THREAD_INFORMATION_CLASS.ThreadMemoryPriority are both 0 (the first member of each enumeration).
export const MEMORY_PRIORITY_VERY_LOW = 1;
export const MEMORY_PRIORITY_LOW = 2;
export const MEMORY_PRIORITY_MEDIUM = 3;
export const MEMORY_PRIORITY_BELOW_NORMAL = 4;
export const MEMORY_PRIORITY_NORMAL = 5;
export const ProcessMemoryPriority = 0;
export const ThreadMemoryPriority = 0;
export const JOB_OBJECT_ASSIGN_PROCESS = 0x0001;
export const JOB_OBJECT_SET_ATTRIBUTES = 0x0002;
export const JOB_OBJECT_QUERY = 0x0004;
export const JOB_OBJECT_TERMINATE = 0x0008;
export const JOB_OBJECT_ALL_ACCESS = 0x001F003F;
export const TOKEN_ALL_ACCESS = 0x000F01FF;

// Job object limits (JOBOBJECT_BASIC_LIMIT_INFORMATION.LimitFlags) and information classes.
// Values of winnt.h, as Microsoft Learn lists them under JOBOBJECT_BASIC_LIMIT_INFORMATION (LimitFlags)
// and JOBOBJECT_EXTENDED_LIMIT_INFORMATION; JOB_MEMORY_LOW under JOBOBJECT_NOTIFICATION_LIMIT_INFORMATION_2.
export const JOB_OBJECT_LIMIT_WORKINGSET = 0x00000001;
export const JOB_OBJECT_LIMIT_PROCESS_TIME = 0x00000002;
export const JOB_OBJECT_LIMIT_JOB_TIME = 0x00000004;
export const JOB_OBJECT_LIMIT_ACTIVE_PROCESS = 0x00000008;
export const JOB_OBJECT_LIMIT_AFFINITY = 0x00000010;
export const JOB_OBJECT_LIMIT_PRIORITY_CLASS = 0x00000020;
export const JOB_OBJECT_LIMIT_PRESERVE_JOB_TIME = 0x00000040;
export const JOB_OBJECT_LIMIT_SCHEDULING_CLASS = 0x00000080;
export const JOB_OBJECT_LIMIT_PROCESS_MEMORY = 0x00000100;
export const JOB_OBJECT_LIMIT_JOB_MEMORY = 0x00000200;
export const JOB_OBJECT_LIMIT_DIE_ON_UNHANDLED_EXCEPTION = 0x00000400;
export const JOB_OBJECT_LIMIT_BREAKAWAY_OK = 0x00000800;
export const JOB_OBJECT_LIMIT_SILENT_BREAKAWAY_OK = 0x00001000;
export const JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE = 0x00002000;
export const JOB_OBJECT_LIMIT_SUBSET_AFFINITY = 0x00004000;
export const JOB_OBJECT_LIMIT_JOB_MEMORY_LOW = 0x00008000;
export const JobObjectBasicAccountingInformation = 1;
export const JobObjectBasicLimitInformation = 2;
export const JobObjectBasicProcessIdList = 3;
export const JobObjectExtendedLimitInformation = 9;

// More Win32 errors.
export const ERROR_INVALID_FUNCTION = 1;
export const ERROR_CHILD_NOT_COMPLETE = 129;
export const ERROR_EXE_MACHINE_TYPE_MISMATCH = 216;
export const ERROR_SIGNAL_REFUSED = 156;
export const ERROR_INVALID_IMAGE_HASH = 577;
export const ERROR_NOT_ENOUGH_QUOTA = 1816;
export const ERROR_NO_ASSOCIATION = 1155;
export const ERROR_NOT_FOUND = 1168;
export const ERROR_PROCESS_ABORTED = 1067;

// NTSTATUS values of process creation and termination.
export const STATUS_OBJECT_NAME_NOT_FOUND = 0xC0000034;
export const STATUS_OBJECT_PATH_NOT_FOUND = 0xC000003A;
export const STATUS_QUOTA_EXCEEDED = 0xC0000044;
export const STATUS_ACCESS_DENIED = 0xC0000022;
export const STATUS_PROCESS_IS_TERMINATING = 0xC000010A;

// Access tokens (winnt.h): access rights, TOKEN_INFORMATION_CLASS, TOKEN_TYPE, SECURITY_IMPERSONATION_LEVEL,
// privilege attributes, and the errors the token functions report (winerror.h).
export const TOKEN_ASSIGN_PRIMARY = 0x0001;
export const TOKEN_DUPLICATE = 0x0002;
export const TOKEN_IMPERSONATE = 0x0004;
export const TOKEN_QUERY = 0x0008;
export const TOKEN_QUERY_SOURCE = 0x0010;
export const TOKEN_ADJUST_PRIVILEGES = 0x0020;
export const TOKEN_ADJUST_GROUPS = 0x0040;
export const TOKEN_ADJUST_DEFAULT = 0x0080;
export const TOKEN_ADJUST_SESSIONID = 0x0100;
export const TokenUser = 1;
export const TokenGroups = 2;
export const TokenPrivileges = 3;
export const TokenType = 8;
export const TokenImpersonationLevel = 9;
export const TokenStatistics = 10;
export const TokenSessionId = 12;
export const TokenElevationType = 18;
export const TokenElevation = 20;
export const TokenIntegrityLevel = 25;
export const TokenPrimary = 1;
export const TokenImpersonation = 2;
export const SecurityAnonymous = 0;
export const SecurityIdentification = 1;
export const SecurityImpersonation = 2;
export const SecurityDelegation = 3;
export const SE_PRIVILEGE_ENABLED_BY_DEFAULT = 0x00000001;
export const SE_PRIVILEGE_ENABLED = 0x00000002;
export const SE_PRIVILEGE_REMOVED = 0x00000004;
export const ERROR_NO_TOKEN = 1008;
export const ERROR_NOT_ALL_ASSIGNED = 1300;
export const ERROR_BAD_IMPERSONATION_LEVEL = 1346;
export const ERROR_BAD_TOKEN_TYPE = 1349;
export const STATUS_BAD_TOKEN_TYPE = 0xC00000A8;

// Debugging (winbase.h / minwinbase.h / ntstatus.h): debug event codes, continue statuses, the debug
// object's access rights, the initial breakpoint's exception code, and the attach errors.
export const EXCEPTION_DEBUG_EVENT = 1;
export const CREATE_THREAD_DEBUG_EVENT = 2;
export const CREATE_PROCESS_DEBUG_EVENT = 3;
export const EXIT_THREAD_DEBUG_EVENT = 4;
export const EXIT_PROCESS_DEBUG_EVENT = 5;
export const LOAD_DLL_DEBUG_EVENT = 6;
export const UNLOAD_DLL_DEBUG_EVENT = 7;
export const OUTPUT_DEBUG_STRING_EVENT = 8;
export const RIP_EVENT = 9;
export const DBG_CONTINUE = 0x00010002;
export const DBG_REPLY_LATER = 0x40010001;
export const DBG_EXCEPTION_NOT_HANDLED = 0x80010001;
export const DEBUG_ALL_ACCESS = 0x001F000F;
export const STATUS_BREAKPOINT = 0x80000003;
export const STATUS_PORT_ALREADY_SET = 0xC0000048;
export const STATUS_DEBUGGER_INACTIVE = 0xC0000354;
export const ERROR_SEM_TIMEOUT = 121;

// Heaps (heapapi.h / winnt.h; Microsoft Learn: HeapCreate, HeapAlloc, HeapReAlloc, HeapFree).
export const HEAP_NO_SERIALIZE = 0x00000001;
export const HEAP_GROWABLE = 0x00000002;
export const HEAP_GENERATE_EXCEPTIONS = 0x00000004;
export const HEAP_ZERO_MEMORY = 0x00000008;
export const HEAP_REALLOC_IN_PLACE_ONLY = 0x00000010;
export const HEAP_CREATE_ENABLE_EXECUTE = 0x00040000;
/** ntstatus.h: the heap manager found a corrupted block (RtlpLogHeapFailure). */
export const STATUS_HEAP_CORRUPTION = 0xC0000374;
