// Win32 paths and command lines as CreateProcess and the loader see them: the System32 directory, a
// path's file name, and the first token of a command line (Microsoft Learn, "CreateProcessW":
// lpCommandLine parsing of a quoted or unquoted module name).
export const SYSTEM32 = 'C:\\Windows\\System32';
export const SYSTEM32_PREFIX = 'c:\\windows\\system32\\';

export function baseName(path: string): string {
  return path.slice(Math.max(path.lastIndexOf('\\'), path.lastIndexOf('/')) + 1);
}

/** Splits a command line's first token (quoted or not) from the rest. */
export function splitCommandLine(cmd: string): [string, string] {
  const s = cmd.trimStart();
  if (s.startsWith('"')) { const end = s.indexOf('"', 1); return end < 0 ? [s.slice(1), ''] : [s.slice(1, end), s.slice(end + 1).trimStart()]; }
  const sp = s.search(/\s/);
  return sp < 0 ? [s, ''] : [s.slice(0, sp), s.slice(sp + 1).trimStart()];
}
