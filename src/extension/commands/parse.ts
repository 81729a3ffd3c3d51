// Pure parsers for what a learner types into the command input boxes: addresses, sizes, protection
// and allocation-type flags, byte strings. No vscode here: the host localizes the error codes
// (commands/validation.ts) and unit tests drive these directly (test/unit/sidebar-parse.test.ts).
import {
  MEM_COMMIT, MEM_DECOMMIT, MEM_LARGE_PAGES, MEM_RELEASE, MEM_RESERVE, MEM_RESET, MEM_RESET_UNDO, MEM_TOP_DOWN,
  MEM_WRITE_WATCH, PAGE_EXECUTE, PAGE_EXECUTE_READ, PAGE_EXECUTE_READWRITE, PAGE_EXECUTE_WRITECOPY, PAGE_GUARD,
  PAGE_NOACCESS, PAGE_NOCACHE, PAGE_READONLY, PAGE_READWRITE, PAGE_WRITECOMBINE, PAGE_WRITECOPY,
  JOB_OBJECT_LIMIT_ACTIVE_PROCESS, JOB_OBJECT_LIMIT_JOB_MEMORY, JOB_OBJECT_LIMIT_PRIORITY_CLASS, JOB_OBJECT_LIMIT_PROCESS_MEMORY, JOB_OBJECT_LIMIT_WORKINGSET,
  IDLE_PRIORITY_CLASS, BELOW_NORMAL_PRIORITY_CLASS, NORMAL_PRIORITY_CLASS, ABOVE_NORMAL_PRIORITY_CLASS, HIGH_PRIORITY_CLASS, REALTIME_PRIORITY_CLASS,
} from '../../engine';
import { formatBytes, hex } from '../present/format';
import { JOB_LIMIT_NAMES } from '../present/names';

/** Why a text did not parse; the host turns it into a localized message. */
export type ParseErrorCode =
  | 'empty' | 'syntax' | 'negative' | 'tooLarge' | 'zero' | 'needsHexPrefix' | 'unknownName' | 'notInteger' | 'oddHexDigits'
  | 'belowMinimum' | 'missingValue';

export interface ParseError { readonly code: ParseErrorCode; readonly detail?: string }
export type ParseResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ParseError };

const ok = <T>(value: T): ParseResult<T> => ({ ok: true, value });
const fail = <T>(code: ParseErrorCode, detail?: string): ParseResult<T> => ({ ok: false, error: detail === undefined ? { code } : { code, detail } });

const MAX_U64 = (1n << 64n) - 1n;

/**
 * An integer as a learner writes it: `0x7ff6'1234'0000`, WinDbg's `00007ff6`12340000`, or decimal
 * `65536`. Hex needs the `0x` prefix (a backtick also marks WinDbg hex) so `1000` is never ambiguous.
 * Underscores, apostrophes and backticks group digits.
 */
export function parseInteger(text: string, max: bigint = MAX_U64): ParseResult<bigint> {
  const raw = text.trim();
  if (raw === '') return fail('empty');
  if (raw.startsWith('-')) return fail('negative');
  let value: bigint;
  const hex = /^0x([0-9a-f][0-9a-f_'`]*)$/i.exec(raw);
  if (hex) {
    value = BigInt('0x' + hex[1]!.replace(/[_'`]/g, ''));
  } else if (/^[0-9a-f]+`[0-9a-f]+$/i.test(raw)) {
    value = BigInt('0x' + raw.replace('`', ''));
  } else if (/^[0-9][0-9_']*$/.test(raw)) {
    value = BigInt(raw.replace(/[_']/g, ''));
  } else if (/^[0-9a-f`'_]+h?$/i.test(raw)) {
    return fail('needsHexPrefix', raw);
  } else {
    return fail('syntax', raw);
  }
  if (value > max) return fail('tooLarge');
  return ok(value);
}

/** A virtual address (any 64-bit value; the engine decides whether it is valid for the call). */
export function parseAddress(text: string): ParseResult<bigint> {
  return parseInteger(text);
}

const SIZE_UNITS: Record<string, bigint> = { '': 1n, b: 1n, k: 1024n, kb: 1024n, m: 1024n ** 2n, mb: 1024n ** 2n, g: 1024n ** 3n, gb: 1024n ** 3n, t: 1024n ** 4n, tb: 1024n ** 4n };

/**
 * A size in bytes: `4096`, `0x10000`, `64K`, `1.5 MB`, `2G` (binary units: 1K = 1024 bytes).
 * Zero is refused unless `allowZero` (VirtualFree with MEM_RELEASE takes 0).
 */
export function parseSize(text: string, options: { allowZero?: boolean; max?: bigint } = {}): ParseResult<bigint> {
  const raw = text.trim();
  if (raw === '') return fail('empty');
  if (raw.startsWith('-')) return fail('negative');
  const max = options.max ?? MAX_U64;
  const m = /^(.*?)\s*([kmgt]b?|b)?$/i.exec(raw)!;
  const unit = (m[2] ?? '').toLowerCase();
  const number = m[1]!.trim();
  let bytes: bigint;
  if (unit !== '' && unit !== 'b' && /^[0-9]+\.[0-9]+$/.test(number)) {
    // A decimal fraction of a unit: exact only when it lands on a whole byte.
    const [whole, frac] = number.split('.') as [string, string];
    const scale = 10n ** BigInt(frac.length);
    const scaled = (BigInt(whole) * scale + BigInt(frac)) * SIZE_UNITS[unit]!;
    if (scaled % scale !== 0n) return fail('notInteger', raw);
    bytes = scaled / scale;
  } else {
    const n = parseInteger(number);
    if (!n.ok) return n;
    bytes = n.value * SIZE_UNITS[unit]!;
  }
  if (bytes === 0n && !options.allowZero) return fail('zero');
  if (bytes > max) return fail('tooLarge');
  return ok(bytes);
}

/** A byte count for a read: a size that fits in a JavaScript number. */
export function parseByteCount(text: string, max: number): ParseResult<number> {
  const r = parseSize(text, { max: BigInt(max) });
  return r.ok ? ok(Number(r.value)) : r;
}

/** The PAGE_* protection constants by name (winnt.h). */
export const PROTECTION_NAMES: Readonly<Record<string, number>> = {
  PAGE_NOACCESS, PAGE_READONLY, PAGE_READWRITE, PAGE_WRITECOPY, PAGE_EXECUTE, PAGE_EXECUTE_READ,
  PAGE_EXECUTE_READWRITE, PAGE_EXECUTE_WRITECOPY, PAGE_GUARD, PAGE_NOCACHE, PAGE_WRITECOMBINE,
};

/** The MEM_* allocation-type and free-type constants by name. */
export const ALLOCATION_TYPE_NAMES: Readonly<Record<string, number>> = {
  MEM_COMMIT, MEM_RESERVE, MEM_RESET, MEM_RESET_UNDO, MEM_TOP_DOWN, MEM_WRITE_WATCH, MEM_LARGE_PAGES,
};
export const FREE_TYPE_NAMES: Readonly<Record<string, number>> = { MEM_DECOMMIT, MEM_RELEASE };

/**
 * Flags written as names joined by `|` or `+` (`PAGE_READWRITE | PAGE_GUARD`), or as a number.
 * Names are matched case-insensitively and the prefix may be left out (`readwrite|guard`).
 */
export function parseFlags(text: string, names: Readonly<Record<string, number>>, prefix: string): ParseResult<number> {
  const raw = text.trim();
  if (raw === '') return fail('empty');
  let value = 0;
  for (const part of raw.split(/[|+,]/).map((s) => s.trim())) {
    if (part === '') return fail('syntax', raw);
    if (/^[0-9]/.test(part)) {
      const n = parseInteger(part, 0xFFFFFFFFn);
      if (!n.ok) return n;
      value = (value | Number(n.value)) >>> 0;
      continue;
    }
    const key = part.toUpperCase();
    const flag = names[key] ?? names[prefix + key];
    if (flag === undefined) return fail('unknownName', part);
    value = (value | flag) >>> 0;
  }
  return ok(value);
}

export const parseProtection = (text: string): ParseResult<number> => parseFlags(text, PROTECTION_NAMES, 'PAGE_');
export const parseAllocationType = (text: string): ParseResult<number> => parseFlags(text, ALLOCATION_TYPE_NAMES, 'MEM_');
export const parseFreeType = (text: string): ParseResult<number> => parseFlags(text, FREE_TYPE_NAMES, 'MEM_');

/** Names of the flags set in `value` (unknown bits as hex), for descriptions and defaults. */
export function flagNames(value: number, names: Readonly<Record<string, number>>): string {
  const parts: string[] = [];
  let rest = value >>> 0;
  // Lowest bit first, the order winnt.h lists them in (PAGE_READWRITE | PAGE_GUARD).
  for (const [name, flag] of Object.entries(names).sort((a, b) => a[1] - b[1])) {
    if (flag !== 0 && (rest & flag) === flag) { parts.push(name); rest = (rest & ~flag) >>> 0; }
  }
  if (rest !== 0) parts.push(hex(rest));
  return parts.length ? parts.join(' | ') : '0';
}

/**
 * Bytes to write: hex pairs (`48 65 6c 6c 6f`, `0x48656c6c6f`) or a quoted string (`"hello"`,
 * stored as UTF-8, without a terminating zero).
 */
export function parseBytes(text: string, maxLength = 65536): ParseResult<Uint8Array> {
  const raw = text.trim();
  if (raw === '') return fail('empty');
  let bytes: Uint8Array;
  const quoted = /^"(.*)"$/s.exec(raw) ?? /^'(.*)'$/s.exec(raw);
  if (quoted) {
    bytes = new TextEncoder().encode(quoted[1]!);
  } else {
    const digits = raw.replace(/^0x/i, '').replace(/[\s,]+/g, '');
    if (!/^[0-9a-f]*$/i.test(digits)) return fail('syntax', raw);
    if (digits.length % 2 !== 0) return fail('oddHexDigits', raw);
    bytes = new Uint8Array(digits.length / 2);
    for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(digits.slice(i * 2, i * 2 + 2), 16);
  }
  if (bytes.length === 0) return fail('empty');
  if (bytes.length > maxLength) return fail('tooLarge');
  return ok(bytes);
}


// ------------------------------------------------------------------------------------- job limits

/** The JOB_OBJECT_LIMIT_* flags Set Job Limits offers (winnt.h values), in the order it lists them. */
export const JOB_LIMIT_FLAGS: Readonly<Record<string, number>> = Object.fromEntries(
  ['ACTIVE_PROCESS', 'PROCESS_MEMORY', 'JOB_MEMORY', 'WORKINGSET', 'PRIORITY_CLASS', 'KILL_ON_JOB_CLOSE', 'BREAKAWAY_OK', 'SILENT_BREAKAWAY_OK']
    .map((short) => [`JOB_OBJECT_LIMIT_${short}`, JOB_LIMIT_NAMES[`JOB_OBJECT_LIMIT_${short}`]!]),
);

/** `ACTIVE_PROCESS | JOB_MEMORY`, full names, or a number: the LimitFlags of JOBOBJECT_BASIC_LIMIT_INFORMATION. */
export const parseJobLimitFlags = (text: string): ParseResult<number> => parseFlags(text, JOB_LIMIT_FLAGS, 'JOB_OBJECT_LIMIT_');

/** The priority classes a job can impose (JOB_OBJECT_LIMIT_PRIORITY_CLASS), by their winbase.h names. */
export const PRIORITY_CLASS_NAMES: Readonly<Record<string, number>> = {
  IDLE_PRIORITY_CLASS, BELOW_NORMAL_PRIORITY_CLASS, NORMAL_PRIORITY_CLASS, ABOVE_NORMAL_PRIORITY_CLASS, HIGH_PRIORITY_CLASS, REALTIME_PRIORITY_CLASS,
};

/** One priority class: `IDLE_PRIORITY_CLASS`, `idle`, `below_normal`, or its value (0x40). */
export function parsePriorityClass(text: string): ParseResult<number> {
  const raw = text.trim();
  if (raw === '') return fail('empty');
  if (/^[0-9]/.test(raw)) {
    const n = parseInteger(raw, 0xFFFFFFFFn);
    if (!n.ok) return n;
    return Object.values(PRIORITY_CLASS_NAMES).includes(Number(n.value)) ? ok(Number(n.value)) : fail('unknownName', raw);
  }
  const key = raw.toUpperCase().replace(/[\s-]+/g, '_');
  const value = PRIORITY_CLASS_NAMES[key] ?? PRIORITY_CLASS_NAMES[`${key}_PRIORITY_CLASS`];
  return value === undefined ? fail('unknownName', raw) : ok(value);
}

/** The largest byte count a job limit holds here (the engine keeps limits as JavaScript numbers). */
const MAX_LIMIT_BYTES = BigInt(Number.MAX_SAFE_INTEGER);

/** A count of processes for ActiveProcessLimit (a DWORD). */
export function parseProcessCount(text: string): ParseResult<number> {
  const n = parseInteger(text, 0xFFFFFFFFn);
  return n.ok ? ok(Number(n.value)) : n;
}

/** A memory limit or working-set size in bytes, K/M/G allowed (`16M`, `0x100000`); never zero. */
export function parseLimitBytes(text: string): ParseResult<number> {
  const r = parseSize(text, { max: MAX_LIMIT_BYTES });
  return r.ok ? ok(Number(r.value)) : r;
}

/** MaximumWorkingSetSize, which may not be below the minimum already given. */
export function parseMaximumWorkingSet(text: string, minimum: number): ParseResult<number> {
  const r = parseLimitBytes(text);
  if (!r.ok) return r;
  return r.value < minimum ? fail('belowMinimum', formatBytes(minimum)) : r;
}

/** What Set Job Limits collects: the flags and, for each flag that takes one, its value. */
export interface JobLimitInput {
  flags: number;
  activeProcessLimit?: number;
  processMemoryLimit?: number;
  jobMemoryLimit?: number;
  minimumWorkingSet?: number;
  maximumWorkingSet?: number;
  priorityClass?: number;
}

/** The input keys each value-carrying flag needs, in the order they are asked for. */
export const JOB_LIMIT_VALUES: ReadonlyArray<{ flag: number; keys: ReadonlyArray<Exclude<keyof JobLimitInput, 'flags'>> }> = [
  { flag: 0x8, keys: ['activeProcessLimit'] },
  { flag: 0x100, keys: ['processMemoryLimit'] },
  { flag: 0x200, keys: ['jobMemoryLimit'] },
  { flag: 0x1, keys: ['minimumWorkingSet', 'maximumWorkingSet'] },
  { flag: 0x20, keys: ['priorityClass'] },
];

/**
 * JOBOBJECT_EXTENDED_LIMIT_INFORMATION as the engine's SetInformationJobObject takes it: LimitFlags
 * plus the value of every flag that has one. A flag without its value fails with 'missingValue'.
 */
export function jobLimitsFrom(input: JobLimitInput): ParseResult<{ LimitFlags: number; ActiveProcessLimit?: number; ProcessMemoryLimit?: number; JobMemoryLimit?: number; MinimumWorkingSetSize?: number; MaximumWorkingSetSize?: number; PriorityClass?: number }> {
  for (const { flag, keys } of JOB_LIMIT_VALUES) {
    if (!(input.flags & flag)) continue;
    for (const k of keys) if (input[k] === undefined) return fail('missingValue', k);
  }
  if ((input.flags & JOB_OBJECT_LIMIT_WORKINGSET) && input.maximumWorkingSet! < input.minimumWorkingSet!) return fail('belowMinimum', formatBytes(input.minimumWorkingSet!));
  const on = (flag: number): boolean => (input.flags & flag) !== 0;
  return ok({
    LimitFlags: input.flags >>> 0,
    ...(on(JOB_OBJECT_LIMIT_ACTIVE_PROCESS) ? { ActiveProcessLimit: input.activeProcessLimit } : {}),
    ...(on(JOB_OBJECT_LIMIT_PROCESS_MEMORY) ? { ProcessMemoryLimit: input.processMemoryLimit } : {}),
    ...(on(JOB_OBJECT_LIMIT_JOB_MEMORY) ? { JobMemoryLimit: input.jobMemoryLimit } : {}),
    ...(on(JOB_OBJECT_LIMIT_WORKINGSET) ? { MinimumWorkingSetSize: input.minimumWorkingSet, MaximumWorkingSetSize: input.maximumWorkingSet } : {}),
    ...(on(JOB_OBJECT_LIMIT_PRIORITY_CLASS) ? { PriorityClass: input.priorityClass } : {}),
  });
}
