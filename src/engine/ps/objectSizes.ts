// Sizes of the executive objects the process manager allocates from the pool (x64 Windows 10 22H2,
// sizeof from the public symbols: dt nt!_EPROCESS, _ETHREAD, _TOKEN, _EJOB).
export const EPROCESS_SIZE = 0xA40;
export const ETHREAD_SIZE = 0x898;
export const TOKEN_SIZE = 0x498;
export const EJOB_SIZE = 0x640;
