// Saving and loading a simulation. The engine is deterministic, so a session is its options plus the
// operations it ran (the same log System uses for time travel): loading boots a fresh machine with
// the same options and replays the operations, then checks that the same number of steps came out.
// The file is JSON; bigints and byte arrays are tagged ({"$n": "0x..."}, {"$b": "hex"}).
import { NtException, LastError, Win32Error } from '../errors';
import { System, type SystemOptions } from '../system';

export const SESSION_FORMAT = 'ntlab-session';
export const SESSION_VERSION = 1;

type Op = Parameters<System['op']>[0];

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

/** Why a session file cannot be loaded. `newer` = written by a later version of NT Lab. */
export class SessionFileError extends Error {
  constructor(readonly reason: 'corrupt' | 'newer' | 'mismatch', message: string) {
    super(message);
    this.name = 'SessionFileError';
  }
}

function opsOf(system: System): Op[] {
  return system.operations();
}

function encode(v: unknown): unknown {
  if (typeof v === 'bigint') return { $n: v < 0n ? '-0x' + (-v).toString(16) : '0x' + v.toString(16) };
  if (v instanceof Uint8Array) return { $b: Array.from(v, (b) => b.toString(16).padStart(2, '0')).join('') };
  if (Array.isArray(v)) return v.map(encode);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = encode(x);
    return out;
  }
  return v;
}

function decode(v: unknown, path: string): unknown {
  if (Array.isArray(v)) return v.map((x, i) => decode(x, `${path}[${i}]`));
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if ('$n' in o) {
      if (typeof o.$n !== 'string' || !/^-?0x[0-9a-f]+$/i.test(o.$n)) throw new SessionFileError('corrupt', `${path}: bad number ${JSON.stringify(o.$n)}`);
      return o.$n.startsWith('-') ? -BigInt(o.$n.slice(1)) : BigInt(o.$n);
    }
    if ('$b' in o) {
      if (typeof o.$b !== 'string' || !/^([0-9a-f]{2})*$/i.test(o.$b)) throw new SessionFileError('corrupt', `${path}: bad bytes`);
      const bytes = new Uint8Array(o.$b.length / 2);
      for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(o.$b.slice(i * 2, i * 2 + 2), 16);
      return bytes;
    }
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(o)) out[k] = decode(x, `${path}.${k}`);
    return out;
  }
  if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  throw new SessionFileError('corrupt', `${path}: unexpected value`);
}

/**
 * A fresh machine booted like one with these options. A randomized PTE base consumes the seed's
 * random stream, so it is passed explicitly only when the seed alone would not give it.
 */
function bootLike(options: SystemOptions & { pteBase: bigint }): System {
  const { pteBase, ...rest } = options;
  const seeded = new System(rest);
  return seeded.options.pteBase === pteBase ? seeded : new System(options);
}

/** The session as a JSON-safe object (the live system, not a past state). */
export function serializeSession(system: System): SessionFile {
  const bootOps = opsOf(bootLike({ ...system.options })).length;
  const { pteBase, ...rest } = system.options;
  return {
    format: SESSION_FORMAT,
    version: SESSION_VERSION,
    options: { ...rest, pteBase: '0x' + pteBase.toString(16) },
    stepCount: system.stepCount,
    ops: opsOf(system).slice(bootOps).map(encode),
  };
}

/** Checks a parsed file's shape; throws SessionFileError saying what is wrong. */
export function validateSessionFile(data: unknown): SessionFile {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new SessionFileError('corrupt', 'not a JSON object');
  const d = data as Record<string, unknown>;
  if (d.format !== SESSION_FORMAT) throw new SessionFileError('corrupt', `not an NT Lab session (format ${JSON.stringify(d.format)})`);
  if (typeof d.version !== 'number' || !Number.isInteger(d.version) || d.version < 1) throw new SessionFileError('corrupt', `bad version ${JSON.stringify(d.version)}`);
  if (d.version > SESSION_VERSION) throw new SessionFileError('newer', `version ${d.version}; this NT Lab reads version ${SESSION_VERSION}`);
  if (d.options === null || typeof d.options !== 'object') throw new SessionFileError('corrupt', 'options missing');
  const o = d.options as Record<string, unknown>;
  if (typeof o.pteBase !== 'string' || !/^0x[0-9a-f]+$/i.test(o.pteBase)) throw new SessionFileError('corrupt', 'options.pteBase must be a hex string');
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
export function restoreSession(data: unknown): System {
  const file = validateSessionFile(data);
  const { pteBase, ...rest } = file.options;
  let system: System;
  try {
    system = bootLike({ ...(rest as SystemOptions), pteBase: BigInt(pteBase) });
  } catch (e) {
    throw new SessionFileError('corrupt', `options rejected: ${e instanceof Error ? e.message : String(e)}`);
  }
  const ops = file.ops.map((op, i) => decode(op, `ops[${i}]`) as Op);
  for (const [i, op] of ops.entries()) {
    try {
      system.op(op);
    } catch (e) {
      // Failures the original run also met: a Win32 failure sets the last error, like the API wrapper.
      if (e instanceof LastError) { if ('pid' in op) system.setLastError(op.pid, e.code); continue; }
      if (e instanceof NtException || e instanceof Win32Error) continue;
      throw new SessionFileError('corrupt', `ops[${i}] (${String(op.op)}) cannot be replayed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  if (system.stepCount !== file.stepCount) {
    throw new SessionFileError('mismatch', `the replay recorded ${system.stepCount} steps, the file says ${file.stepCount}`);
  }
  return system;
}

/** Progress of a session being restored in chunks: operations replayed of the total. */
export interface RestoreProgress { readonly done: number; readonly total: number }

/**
 * restoreSession in chunks, for a host that must not block (a 370k-operation file replays for
 * seconds): each `next()` replays up to `chunk` operations and yields the progress; the generator
 * returns the system, checked as restoreSession checks it. Stopping early (not calling `next()`
 * again) cancels it: the half-replayed machine is simply dropped. Same rules as restoreSession.
 */
export function* restoreSessionInChunks(data: unknown, chunk = 2000): Generator<RestoreProgress, System, void> {
  const file = validateSessionFile(data);
  const { pteBase, ...rest } = file.options;
  let system: System;
  try {
    system = bootLike({ ...(rest as SystemOptions), pteBase: BigInt(pteBase) });
  } catch (e) {
    throw new SessionFileError('corrupt', `options rejected: ${e instanceof Error ? e.message : String(e)}`);
  }
  const total = file.ops.length;
  yield { done: 0, total };
  for (let i = 0; i < total; i++) {
    const op = decode(file.ops[i], `ops[${i}]`) as Op;
    try {
      system.op(op);
    } catch (e) {
      if (e instanceof LastError) { if ('pid' in op) system.setLastError(op.pid, e.code); }
      else if (!(e instanceof NtException || e instanceof Win32Error)) {
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
