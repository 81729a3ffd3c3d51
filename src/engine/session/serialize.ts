// Saving and loading a simulation. The engine is deterministic, so a session is its options plus the
// operations it ran (the same log time travel replays): loading boots a fresh machine with the same
// options and replays the operations, then checks that the same number of steps came out.
// The file is JSON. Values JSON cannot carry are tagged, losslessly: {"$n": "0x..."} a bigint,
// {"$b": "hex"} a byte array, {"$f": "NaN" | "Infinity" | "-Infinity" | "-0"} a number, {"$u": 1}
// undefined, {"$o": {...}} a plain object whose own keys start with "$". Version 1 files (no $f/$u/$o)
// still load. Nothing here recurses without a bound or runs a regular expression over a large string.
import { isDocumentedError } from '../errors';
import { Rng } from '../rng';
import { System, validateOp, type Op, type SystemOptions } from '../system';
import { machineOf } from '../system/internal';
import { randomPteBase, validateOptions } from '../system/options';

export const SESSION_FORMAT = 'ntlab-session';
/**
 * 2: lossless numbers, undefined and "$" keys ($f, $u, $o). 3: the Windows 10 boot tree (Idle, MemCompression,
 * svchost groups, dwm, fontdrvhost) and memory compression: a file of an earlier version replays a different boot,
 * so it is refused as a mismatch before anything is built.
 */
export const SESSION_VERSION = 3;
/** Deepest nesting an operation's arguments may have in a file (real operations need 4). */
const MAX_DEPTH = 64;

/** What a `.ntlab.json` file holds. */
export interface SessionFile {
  format: typeof SESSION_FORMAT;
  version: number;
  /** createSystem options; pteBase as a hex string. */
  options: Omit<SystemOptions, 'pteBase'> & { pteBase: string };
  /** Steps the session had recorded: the replay must reproduce exactly this many. */
  stepCount: number;
  /** The operations after boot, tagged JSON. */
  ops: unknown[];
}

/**
 * The largest machine a session file builds unless the caller allows more (restoreSession's `limits`).
 * A machine costs time and memory in proportion to its RAM and paging file before any operation replays
 * (the PFN database's 41 bytes per physical page, once for the machine and once for time travel's first
 * snapshot; the paging file's slot records). Measured on the 2-core bench machine: 4 GB of RAM builds in
 * about 1.9 s and 150 MB, 16 GB in 3.4 s and 500 MB, 64 GB in 16-18 s and 1.8 GB; a 64 GB paging file
 * 1.1 s and 126 MB, 256 GB 3.6 s and 333 MB. A file asking for more is refused ('tooLarge') before
 * anything is built; a host that has asked the learner (extension/machineCost.ts) passes the size agreed.
 * The paging-file maximum is the `ntlab.simulation.pageFileMB` setting's.
 */
export const SESSION_MACHINE_LIMITS = { physicalMemoryMB: 4096, pageFileMB: 65536 } as const;
/** How large a machine restoreSession may build (defaults: SESSION_MACHINE_LIMITS). */
export interface SessionLimits { maxPhysicalMemoryMB?: number; maxPageFileMB?: number }

/**
 * Why a session file cannot be loaded. `newer` = written by a later version of NT Lab; `tooLarge` = it
 * asks for a machine above the limits restoreSession was given (SESSION_MACHINE_LIMITS by default).
 */
export class SessionFileError extends Error {
  constructor(readonly reason: 'corrupt' | 'newer' | 'mismatch' | 'tooLarge', message: string) {
    super(message);
    this.name = 'SessionFileError';
  }
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function bytesToHex(bytes: Uint8Array): string {
  const parts: string[] = [];
  const CHUNK = 8192;
  for (let at = 0; at < bytes.length; at += CHUNK) {
    let s = '';
    const end = Math.min(bytes.length, at + CHUNK);
    for (let i = at; i < end; i++) s += HEX[bytes[i]!];
    parts.push(s);
  }
  return parts.join('');
}

function nibble(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

function hexToBytes(hex: string, path: string): Uint8Array {
  if (hex.length % 2 !== 0) throw new SessionFileError('corrupt', `${path}: bad bytes (odd length)`);
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) {
    const hi = nibble(hex.charCodeAt(2 * i));
    const lo = nibble(hex.charCodeAt(2 * i + 1));
    if (hi < 0 || lo < 0) throw new SessionFileError('corrupt', `${path}: bad bytes (not hex at ${2 * i})`);
    out[i] = (hi << 4) | lo;
  }
  return out;
}

function encode(v: unknown, depth = 0): unknown {
  if (depth > MAX_DEPTH) throw new RangeError(`serializeSession: an operation nests deeper than ${MAX_DEPTH} levels`);
  if (typeof v === 'bigint') return { $n: v < 0n ? '-0x' + (-v).toString(16) : '0x' + v.toString(16) };
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return { $f: 'NaN' };
    if (v === Infinity) return { $f: 'Infinity' };
    if (v === -Infinity) return { $f: '-Infinity' };
    if (Object.is(v, -0)) return { $f: '-0' };
    return v;
  }
  if (v === undefined) return { $u: 1 };
  if (v instanceof Uint8Array) return { $b: bytesToHex(v) };
  if (Array.isArray(v)) return v.map((x) => encode(x, depth + 1));
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    let dollar = false;
    for (const [k, x] of Object.entries(v)) { out[k] = encode(x, depth + 1); if (k.startsWith('$')) dollar = true; }
    return dollar ? { $o: out } : out;
  }
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
  throw new RangeError(`serializeSession: cannot save a ${typeof v}`);
}

const FLOATS: Record<string, number> = { NaN, Infinity, '-Infinity': -Infinity, '-0': -0 };

function decode(v: unknown, path: string, version: number, depth = 0): unknown {
  if (depth > MAX_DEPTH) throw new SessionFileError('corrupt', `${path}: nested deeper than ${MAX_DEPTH} levels`);
  if (Array.isArray(v)) return v.map((x, i) => decode(x, `${path}[${i}]`, version, depth + 1));
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o);
    const tag = keys.length === 1 && keys[0]!.startsWith('$') ? keys[0]! : undefined;
    if (tag === '$n' || (version === 1 && '$n' in o)) {
      if (typeof o.$n !== 'string' || o.$n.length > 40 || !/^-?0x[0-9a-f]+$/i.test(o.$n)) throw new SessionFileError('corrupt', `${path}: bad number ${JSON.stringify(String(o.$n).slice(0, 40))}`);
      return o.$n.startsWith('-') ? -BigInt(o.$n.slice(1)) : BigInt(o.$n);
    }
    if (tag === '$b' || (version === 1 && '$b' in o)) {
      if (typeof o.$b !== 'string') throw new SessionFileError('corrupt', `${path}: bad bytes`);
      return hexToBytes(o.$b, path);
    }
    if (version >= 2 && tag === '$f') {
      if (typeof o.$f !== 'string' || !Object.prototype.hasOwnProperty.call(FLOATS, o.$f)) throw new SessionFileError('corrupt', `${path}: bad number ${JSON.stringify(o.$f)}`);
      return FLOATS[o.$f];
    }
    if (version >= 2 && tag === '$u') return undefined;
    if (version >= 2 && tag === '$o') {
      if (o.$o === null || typeof o.$o !== 'object' || Array.isArray(o.$o)) throw new SessionFileError('corrupt', `${path}: bad object`);
      return plainObject(o.$o as Record<string, unknown>, path, version, depth);
    }
    if (version >= 2 && keys.some((k) => k.startsWith('$'))) throw new SessionFileError('corrupt', `${path}: unknown tag ${JSON.stringify(keys.find((k) => k.startsWith('$')))}`);
    return plainObject(o, path, version, depth);
  }
  if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  throw new SessionFileError('corrupt', `${path}: unexpected value`);
}

function plainObject(o: Record<string, unknown>, path: string, version: number, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(o)) {
    // JSON.parse makes "__proto__" an own key; defineProperty keeps it one (no prototype change).
    Object.defineProperty(out, k, { value: decode(x, `${path}.${k}`, version, depth + 1), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/**
 * A fresh machine booted like one with these options. A randomized PTE base consumes the seed's
 * random stream, so it is passed explicitly only when the seed alone would not give it.
 */
function bootLike(options: SystemOptions & { pteBase: bigint }): System {
  const { pteBase, ...rest } = options;
  // The seed's PTE base is the first draw of its random stream (Machine's constructor): computed here,
  // not by building a machine to look (a build costs time in proportion to the RAM).
  const seeded = randomPteBase(new Rng(validateOptions(rest).seed));
  return new System(seeded === pteBase ? rest : options);
}

/** Operations a freshly built machine has logged: its boot (one 'ps' boot call) when it boots. */
function bootOpCount(options: SystemOptions): number {
  return options.boot === false ? 0 : 1;
}

/** The session as a JSON-safe object (the live system, not a past state). */
export function serializeSession(system: System): SessionFile {
  const machine = machineOf(system);
  if (!machine.replayable) throw new RangeError('serializeSession: this machine was changed outside the operation log (detachFromReplay)');
  if (machine.readOnly) throw new RangeError('serializeSession: a past state (from stateAt) is not a session; save the live system');
  const bootOps = bootOpCount(system.options);
  const { pteBase, ...rest } = system.options;
  return {
    format: SESSION_FORMAT,
    version: SESSION_VERSION,
    options: { ...rest, pteBase: '0x' + pteBase.toString(16) },
    stepCount: system.stepCount,
    ops: machine.operations().slice(bootOps).map((op) => encode(op)),
  };
}

/** Deepest nesting a session file's text may have: the file's own levels (root, ops, op, args) around MAX_DEPTH. */
const MAX_TEXT_DEPTH = MAX_DEPTH + 8;

/**
 * The text of a session file as data, for restoreSession. One linear pass first measures the nesting
 * (outside strings) and refuses a file nested deeper than any session: JSON.parse itself takes seconds
 * on a million nested brackets (4-6 s measured for a 2 MB file), on the host's main thread. Text that
 * is not JSON is a SessionFileError too ('corrupt', "not JSON ...").
 */
export function parseSessionText(text: string): unknown {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // a backslash escapes the next character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 || c === 123) {
      if (++depth > MAX_TEXT_DEPTH) throw new SessionFileError('corrupt', `nested deeper than ${MAX_TEXT_DEPTH} levels at character ${i}`);
    } else if (c === 93 || c === 125) depth--;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new SessionFileError('corrupt', `not JSON (${e instanceof Error ? e.message : String(e)})`);
  }
}

/** Checks a parsed file's shape; throws SessionFileError saying what is wrong. */
export function validateSessionFile(data: unknown): SessionFile {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new SessionFileError('corrupt', 'not a JSON object');
  const d = data as Record<string, unknown>;
  if (d.format !== SESSION_FORMAT) throw new SessionFileError('corrupt', `not an NT Lab session (format ${JSON.stringify(d.format)})`);
  if (typeof d.version !== 'number' || !Number.isInteger(d.version) || d.version < 1) throw new SessionFileError('corrupt', `bad version ${JSON.stringify(d.version)}`);
  if (d.version > SESSION_VERSION) throw new SessionFileError('newer', `version ${d.version}; this NT Lab reads version ${SESSION_VERSION}`);
  if (d.version < SESSION_VERSION) throw new SessionFileError('mismatch', `version ${d.version}: saved by an earlier NT Lab whose boot differs; this NT Lab replays version ${SESSION_VERSION}`);
  if (d.options === null || typeof d.options !== 'object') throw new SessionFileError('corrupt', 'options missing');
  const o = d.options as Record<string, unknown>;
  if (typeof o.pteBase !== 'string' || o.pteBase.length > 20 || !/^0x[0-9a-f]+$/i.test(o.pteBase)) throw new SessionFileError('corrupt', 'options.pteBase must be a hex string');
  if (typeof d.stepCount !== 'number' || !Number.isInteger(d.stepCount) || d.stepCount < 0) throw new SessionFileError('corrupt', 'stepCount missing');
  if (!Array.isArray(d.ops)) throw new SessionFileError('corrupt', 'ops missing');
  for (const [i, op] of d.ops.entries()) {
    if (op === null || typeof op !== 'object' || typeof (op as Record<string, unknown>).op !== 'string' || !Array.isArray((op as Record<string, unknown>).args)) {
      throw new SessionFileError('corrupt', `ops[${i}] is not an operation`);
    }
  }
  return d as unknown as SessionFile;
}

/** Boots a machine with the file's options and replays its operations. Throws SessionFileError. */
export function restoreSession(data: unknown, limits?: SessionLimits): System {
  const replay = restoreSessionInChunks(data, Number.MAX_SAFE_INTEGER, limits);
  for (;;) {
    const r = replay.next();
    if (r.done) return r.value;
  }
}

/** Progress of a session being restored in chunks: operations replayed of the total. */
export interface RestoreProgress { readonly done: number; readonly total: number }

/**
 * restoreSession in chunks, for a host that must not block (a 370k-operation file replays for
 * seconds): each `next()` replays up to `chunk` operations and yields the progress; the generator
 * returns the system, checked as restoreSession checks it. Stopping early (not calling `next()`
 * again) cancels it: the half-replayed machine is simply dropped. Same rules as restoreSession.
 */
export function* restoreSessionInChunks(data: unknown, chunk = 2000, limits?: SessionLimits): Generator<RestoreProgress, System, void> {
  const file = validateSessionFile(data);
  const { pteBase, ...rest } = file.options;
  const maxRam = limits?.maxPhysicalMemoryMB ?? SESSION_MACHINE_LIMITS.physicalMemoryMB;
  const maxPageFile = limits?.maxPageFileMB ?? SESSION_MACHINE_LIMITS.pageFileMB;
  // Only numbers can be too large; any other value is createSystem's to refuse below.
  if (typeof rest.physicalMemoryMB === 'number' && rest.physicalMemoryMB > maxRam) {
    throw new SessionFileError('tooLarge', `the session asks for ${rest.physicalMemoryMB} MB of RAM; at most ${maxRam} MB is built from a session file`);
  }
  if (typeof rest.pageFileMB === 'number' && rest.pageFileMB > maxPageFile) {
    throw new SessionFileError('tooLarge', `the session asks for a ${rest.pageFileMB} MB paging file; at most ${maxPageFile} MB is built from a session file`);
  }
  let system: System;
  try {
    system = bootLike({ ...(rest as SystemOptions), pteBase: BigInt(pteBase) });
  } catch (e) {
    throw new SessionFileError('corrupt', `options rejected: ${e instanceof Error ? e.message : String(e)}`);
  }
  // Every operation is decoded and validated before any replays, so a corrupt file fails at once.
  const ops: Op[] = file.ops.map((raw, i) => {
    const op = decode(raw, `ops[${i}]`, file.version);
    try {
      validateOp(op);
    } catch {
      throw new SessionFileError('corrupt', `ops[${i}] (${String((op as { op?: unknown }).op)}) is not a valid operation`);
    }
    return op;
  });
  const total = ops.length;
  yield { done: 0, total };
  const machine = machineOf(system);
  for (let i = 0; i < total; i++) {
    const op = ops[i]!;
    try {
      machine.op(op);
    } catch (e) {
      // Failures the original run also met (the operation itself set the caller's last error again).
      if (!isDocumentedError(e)) {
        throw new SessionFileError('corrupt', `ops[${i}] (${String(op.op)}) cannot be replayed: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    if ((i + 1) % chunk === 0 && i + 1 < total) yield { done: i + 1, total };
  }
  if (system.stepCount !== file.stepCount) {
    throw new SessionFileError('mismatch', `the replay recorded ${system.stepCount} steps, the file says ${file.stepCount}`);
  }
  return system;
}
