/** Thrown by System-level calls that fail the way a Win32 function would (e.g. createProcess). */
export class Win32Error extends Error {
  constructor(readonly code: number, message?: string) {
    super(message ?? `Win32 error ${code}`);
    this.name = 'Win32Error';
  }
}

/** A hardware-style exception raised by a user-mode access that the fault handler could not resolve. */
export class NtException extends Error {
  /** The NTSTATUS as an unsigned 32-bit number. */
  readonly status: number;
  constructor(status: number, readonly address: bigint, readonly write: boolean) {
    const unsigned = status >>> 0;
    super(`NTSTATUS 0x${unsigned.toString(16).toUpperCase().padStart(8, '0')} at 0x${address.toString(16).toUpperCase()} (${write ? 'write' : 'read'})`);
    this.status = unsigned;
    this.name = 'NtException';
  }
}

/** Internal: a Win32 API failure carried to the API boundary, where it becomes a return value and a last error. */
export class LastError extends Error {
  constructor(readonly code: number) {
    super(`last error ${code}`);
  }
}

/** The errors an operation documents (a Win32 failure, a faulting access): such an operation stays in the log and replays identically. */
export function isDocumentedError(e: unknown): boolean {
  return e instanceof LastError || e instanceof NtException || e instanceof Win32Error;
}

/**
 * A caller's value as text for an error message, whatever its type: a symbol, a null-prototype object or
 * an object whose toString throws cannot go into a template string, and a bad argument must still get
 * its documented error rather than a TypeError from the message.
 */
export function shown(v: unknown): string {
  try { return String(v); } catch { return `<${typeof v}>`; }
}
