// dt (Display Type): `dt [-r[N]] [-v] [module!]Type [Address] [Field...]`, over the engine's
// structure layouts (real Windows 10 19041 offsets and types, describeObject). Syntax and output
// after the Microsoft Learn page "dt (Display Type)": `+0xOFF Name : value`, pointers as
// 0xhhhhhhhh`hhhhhhhh Type, signed integers in decimal with the 0n prefix, -r expands embedded and
// pointed-to structures, -v adds the type's size and field count.
import { describeObject, type ObjectLayout, type ObjectRef, type ProcessInfo } from '../../engine';
import { KdError } from './expr';
import { pointer } from '../present/format';
import { SYMBOL_TYPES, type SymbolType } from './symbols';
import type { KdTarget } from './target';

type Out = string[];
type Kind = ObjectRef['kind'];

/** Each dumpable type: its module, the engine's layout kind. */
export const DT_TYPES: ReadonlyArray<{ module: string; type: string; kind: Kind }> = [
  { module: 'nt', type: '_EPROCESS', kind: 'EPROCESS' }, { module: 'nt', type: '_KPROCESS', kind: 'KPROCESS' },
  { module: 'nt', type: '_ETHREAD', kind: 'ETHREAD' }, { module: 'nt', type: '_KTHREAD', kind: 'KTHREAD' },
  { module: 'nt', type: '_PEB', kind: 'PEB' }, { module: 'nt', type: '_TEB', kind: 'TEB' },
  { module: 'nt', type: '_TOKEN', kind: 'TOKEN' }, { module: 'nt', type: '_RTL_USER_PROCESS_PARAMETERS', kind: 'RTL_USER_PROCESS_PARAMETERS' },
  { module: 'nt', type: '_PEB_LDR_DATA', kind: 'PEB_LDR_DATA' }, { module: 'nt', type: '_LDR_DATA_TABLE_ENTRY', kind: 'LDR_DATA_TABLE_ENTRY' },
  { module: 'nt', type: '_HANDLE_TABLE', kind: 'HANDLE_TABLE' }, { module: 'nt', type: '_HANDLE_TABLE_ENTRY', kind: 'HANDLE_TABLE_ENTRY' },
  { module: 'nt', type: '_EJOB', kind: 'EJOB' }, { module: 'nt', type: '_DEBUG_OBJECT', kind: 'DEBUG_OBJECT' },
  { module: 'csrss', type: '_CSR_PROCESS', kind: 'CSR_PROCESS' }, { module: 'csrss', type: '_CSR_THREAD', kind: 'CSR_THREAD' },
  { module: 'win32k', type: '_W32PROCESS', kind: 'W32PROCESS' },
  { module: 'nt', type: '_POOL_HEADER', kind: 'POOL_HEADER' },
  { module: 'ntdll', type: '_HEAP', kind: 'HEAP' }, { module: 'ntdll', type: '_HEAP_SEGMENT', kind: 'HEAP_SEGMENT' }, { module: 'ntdll', type: '_HEAP_ENTRY', kind: 'HEAP_ENTRY' },
];
/** User-mode types are in ntdll's symbols too. */
const MODULE_ALIASES: Record<string, string[]> = { nt: ['nt', 'ntkrnlmp', 'ntoskrnl', 'ntdll'], ntdll: ['ntdll'], csrss: ['csrss', 'csrsrv'], win32k: ['win32k', 'win32kbase', 'win32kfull'] };

/** Every object of a kind that exists now (pid, tid, job or loader-entry references). */
function candidates(t: KdTarget, kind: Kind): ObjectRef[] {
  const s = t.system;
  const pids = s.processIds;
  switch (kind) {
    case 'ETHREAD': case 'KTHREAD': case 'TEB': case 'CSR_THREAD':
      return pids.flatMap((pid) => s.queryProcess(pid)!.threads.map((th) => (kind === 'CSR_THREAD' ? { kind, tid: th.tid } : { kind, tid: th.tid, pid }) as ObjectRef));
    case 'LDR_DATA_TABLE_ENTRY': return t.modules(t.pid).map((_m, index) => ({ kind, pid: t.pid, index }));
    case 'HANDLE_TABLE_ENTRY': return s.queryHandles(t.pid).map((h) => ({ kind, pid: t.pid, handle: h.handle }));
    case 'EJOB': case 'JOBOBJECT_BASIC_ACCOUNTING_INFORMATION': case 'JOBOBJECT_BASIC_LIMIT_INFORMATION':
      return s.queryJobs().map((j) => ({ kind, jobId: j.jobId }) as ObjectRef);
    case 'DEBUG_OBJECT': return s.queryDebugObjects().map((d) => ({ kind, objectId: (d as { objectId: number }).objectId }));
    case 'CID_TABLE': return [{ kind }];
    // Heaps by handle; segments and entries are found by address (find), not listed.
    case 'HEAP': return s.queryHeaps(t.pid).map((h) => ({ kind, pid: t.pid, index: Number(h.handle) }));
    case 'HEAP_SEGMENT': return s.queryHeaps(t.pid).flatMap((h) => h.segments.slice(1).map((x) => ({ kind, pid: t.pid, index: Number(x.base) })));
    case 'HEAP_ENTRY': case 'POOL_HEADER': return [];
    default: {
      // The current process first, so a type without an address is laid out from it.
      const ordered = [t.pid, ...pids.filter((p) => p !== t.pid)];
      return ordered.map((pid) => ({ kind, pid }) as ObjectRef);
    }
  }
}

/** The object of `kind` at `address` (fast paths for the addresses queryProcess already gives). */
function find(t: KdTarget, kind: Kind, address: bigint): ObjectLayout | undefined {
  const s = t.system;
  // Processes and threads by address: the target's index, not a walk over every object.
  if ((kind === 'EPROCESS' || kind === 'KPROCESS') && address >= 0x100000000n) {
    const p = t.processByAddressOrId(address);
    return p ? describeObject(s, { kind, pid: p.pid }) : undefined;
  }
  if ((kind === 'ETHREAD' || kind === 'KTHREAD') && address >= 0x100000000n) {
    const th = t.threadByAddressOrId(address);
    return th ? describeObject(s, { kind, tid: th.tid, pid: th.pid }) : undefined;
  }
  if (kind === 'EPROCESS' || kind === 'KPROCESS' || kind === 'PEB') {
    for (const pid of s.processIds) {
      const p = s.queryProcess(pid)!;
      if ((kind === 'PEB' ? p.peb : p.eprocess) === address && address !== 0n) return describeObject(s, { kind, pid });
    }
    return undefined;
  }
  if (kind === 'HEAP_ENTRY') return address > 0n && address < 2n ** 53n ? describeObject(s, { kind, pid: t.pid, index: Number(address) }) : undefined;
  if (kind === 'POOL_HEADER') return describeObject(s, { kind, address });
  if (kind === 'TEB') {
    for (const pid of s.processIds) for (const th of s.queryProcess(pid)!.threads) if (th.teb === address && address !== 0n) return describeObject(s, { kind, tid: th.tid });
    return undefined;
  }
  for (const ref of candidates(t, kind)) {
    const l = describeObject(s, ref);
    if (l && l.address === address) return l;
  }
  return undefined;
}

/** `[ 0xFlink - 0xBlink ]`, as dt prints a _LIST_ENTRY; an end of the list the simulation has no address for is named. */
function listEntry(flink: bigint | string, blink: bigint | string): string {
  const v = (x: bigint | string): string => (typeof x === 'string' ? x : `0x${pointer(x)}`);
  return `[ ${v(flink)} - ${v(blink)} ]`;
}

/**
 * Offsets of the list links the debugger follows (Windows 10 19041 x64 public symbols, Vergilius):
 * _EPROCESS.ActiveProcessLinks +0x448 on PsActiveProcessHead; _KPROCESS.ThreadListHead +0x030 heads the
 * KTHREAD.ThreadListEntry (+0x2f8) links; _EPROCESS.ThreadListHead +0x5e0 heads the
 * ETHREAD.ThreadListEntry (+0x4e8) links.
 */
const ACTIVE_PROCESS_LINKS = 0x448n;
const KPROCESS_THREAD_LIST_HEAD = 0x30n;
const KTHREAD_THREAD_LIST_ENTRY = 0x2F8n;
const EPROCESS_THREAD_LIST_HEAD = 0x5E0n;
const ETHREAD_THREAD_LIST_ENTRY = 0x4E8n;

/**
 * The Flink/Blink of a list link at `address`, from the lists the simulation keeps: a process's
 * ActiveProcessLinks in the order !process 0 0 walks (PsActiveProcessHead, whose own address is in the
 * kernel image's data, which is not simulated: that end is printed as the symbol's name); the two thread
 * lists of a process (KPROCESS.ThreadListHead of KTHREAD.ThreadListEntry, EPROCESS.ThreadListHead of
 * ETHREAD.ThreadListEntry), threads in creation order; an empty list points at its own head. Undefined
 * for any other address (the bytes there are what dt shows).
 */
export function linksAt(t: KdTarget, address: bigint): [bigint | string, bigint | string] | undefined {
  const s = t.system;
  const processAt = (offset: bigint): ProcessInfo | undefined => {
    if (address < 0x100000000n + offset) return undefined;
    const p = t.processByAddressOrId(address - offset);
    return p && p.eprocess === address - offset ? p : undefined;
  };
  const threadsOf = (p: ProcessInfo): bigint[] =>
    p.threads.filter((th) => th.state !== 'Terminated').map((th) => t.threadAddress(th.tid, p.pid) ?? 0n).filter((a) => a !== 0n);
  const around = (list: bigint[], at: bigint, head: bigint | string): [bigint | string, bigint | string] | undefined => {
    const i = list.indexOf(at);
    return i < 0 ? undefined : [list[i + 1] ?? head, i > 0 ? list[i - 1]! : head];
  };
  const active = processAt(ACTIVE_PROCESS_LINKS);
  if (active) {
    if (active.creating) return undefined;
    // The neighbours on the list: the nearest processes before and after in creation order that are on it
    // (reading two processes, not 2,000).
    const ids = s.processIds;
    const at = ids.indexOf(active.pid);
    const neighbour = (step: number): bigint | string => {
      for (let j = at + step; j >= 0 && j < ids.length; j += step) {
        const p = s.queryProcess(ids[j]!);
        if (p && !p.creating) return p.eprocess + ACTIVE_PROCESS_LINKS;
      }
      return 'nt!PsActiveProcessHead';
    };
    return at < 0 ? undefined : [neighbour(1), neighbour(-1)];
  }
  for (const [headOffset, entryOffset] of [[KPROCESS_THREAD_LIST_HEAD, KTHREAD_THREAD_LIST_ENTRY], [EPROCESS_THREAD_LIST_HEAD, ETHREAD_THREAD_LIST_ENTRY]] as const) {
    const owner = processAt(headOffset);
    if (owner) {
      const list = threadsOf(owner).map((a) => a + entryOffset);
      return [list[0] ?? address, list[list.length - 1] ?? address];
    }
    if (address >= 0x100000000n + entryOffset) {
      const th = t.threadByAddressOrId(address - entryOffset);
      const p = th && th.address === address - entryOffset ? s.queryProcess(th.pid) : undefined;
      if (p) return around(threadsOf(p).map((a) => a + entryOffset), address, p.eprocess + headOffset);
    }
  }
  return undefined;
}

/** A list link field of an object the engine lays out, as dt prints it, when the simulation keeps that list. */
function listLinks(t: KdTarget, layout: ObjectLayout, offset: number): string | undefined {
  if (offset < 0) return undefined;
  const links = linksAt(t, layout.address + BigInt(offset));
  return links ? listEntry(links[0], links[1]) : undefined;
}

function fieldValue(type: string, v: string | number | bigint): string {
  if (typeof v === 'string') return v;
  if (type.startsWith('Ptr64')) return `0x${pointer(BigInt(v))} ${type.slice(6) || 'Void'}`;
  if (/^(Int|Char)/.test(type)) return `0n${BigInt.asIntN(64, BigInt(v))}`;
  if (type.startsWith('_') && typeof v === 'bigint') return type;
  return `0x${BigInt(v).toString(16)}`;
}

function matches(filters: string[], name: string): boolean {
  if (filters.length === 0) return true;
  return filters.some((f) => {
    if (f.endsWith('*')) return name.toLowerCase().startsWith(f.slice(0, -1).toLowerCase());
    return name === f || name.startsWith(f + '.');
  });
}

function render(t: KdTarget, layout: ObjectLayout, withValues: boolean, filters: string[], depth: number, maxDepth: number, out: Out, seen: Set<string>): void {
  const indent = '   '.repeat(depth + 1);
  const width = Math.max(...layout.fields.map((f) => f.name.length), 4);
  for (const f of layout.fields) {
    if (depth === 0 && !matches(filters, f.name)) continue;
    // A negative offset is a simulation link (a count, a list's members), not a field of the type:
    // a type laid out without an address shows only the type's fields, as dt does.
    if (!withValues && f.offset < 0) continue;
    const offset = f.offset >= 0 ? `+0x${f.offset.toString(16).padStart(3, '0')}` : '      ';
    const value = withValues ? (f.type === '_LIST_ENTRY' ? listLinks(t, layout, f.offset) : undefined) ?? fieldValue(f.type, f.value) : f.type;
    out.push(`${indent}${offset} ${f.name.padEnd(width)} : ${value}`);
    // -r expands an _EX_FAST_REF into its union members, as dt prints them (public symbols: Object :
    // Ptr64 Void, RefCnt : Pos 0, 4 Bits, Value : Uint8B, all at +0x000).
    if (depth < maxDepth && withValues && f.type === '_EX_FAST_REF' && typeof f.value === 'bigint') {
      const inner = '   '.repeat(depth + 2);
      out.push(`${inner}+0x000 ${'Object'.padEnd(6)} : 0x${pointer(f.value)} Void`);
      out.push(`${inner}+0x000 ${'RefCnt'.padEnd(6)} : 0y${(f.value & 0xFn).toString(2).padStart(4, '0')}`);
      out.push(`${inner}+0x000 ${'Value'.padEnd(6)} : 0x${f.value.toString(16)}`);
      continue;
    }
    // -r expands embedded structures (Pcb : _KPROCESS), not what a pointer points to, as dt does.
    if (depth < maxDepth && f.ref && withValues && f.type.startsWith('_')) {
      const next = describeObject(t.system, f.ref);
      if (next && next.typeName !== f.type) continue;
      const key = next ? `${next.typeName}@${next.address}` : '';
      if (next && !seen.has(key)) {
        seen.add(key);
        render(t, next, true, [], depth + 1, maxDepth, out, seen);
      }
    }
  }
}

/** A type's fields (offset, name, type), for reading it from memory at any address. */
interface TypeShape { typeName: string; size: number; fields: ReadonlyArray<{ offset: number; name: string; type: string }> }

/** Bytes a scalar field takes, by dt's type name (0: not a scalar). */
function scalarSize(type: string): number {
  if (type.startsWith('Ptr64') || type === 'Uint8B' || type === 'Int8B') return 8;
  if (type === 'Uint4B' || type === 'Int4B') return 4;
  if (type === 'Uint2B' || type === 'Int2B' || type === 'Wchar') return 2;
  if (type === 'UChar' || type === 'Char') return 1;
  return 0;
}

/** A little-endian value from `bytes` at `at` (undefined where a byte is unreadable). */
function readLe(bytes: Int16Array, at: number, size: number): bigint | undefined {
  let v = 0n;
  for (let i = size - 1; i >= 0; i--) {
    const b = bytes[at + i];
    if (b === undefined || b < 0) return undefined;
    v = (v << 8n) | BigInt(b);
  }
  return v;
}

/**
 * dt Type Address for an address that holds no object the engine lays out: the type's fields read from
 * the simulated bytes there (through the process's page tables, or the system page tables for pool),
 * as dt reads memory whatever it holds. Scalars and pointers in dt's formats, a _LIST_ENTRY as
 * `[ 0xFlink - 0xBlink ]`, a character array as its string, an embedded structure by its type name;
 * `??` for a field whose bytes are not readable. Nothing readable at the address: WinDbg's
 * `Memory read error`.
 */
function fromMemory(t: KdTarget, shape: TypeShape, address: bigint, filters: string[], header: string, out: Out): void {
  const size = Math.max(shape.size, ...shape.fields.map((f) => f.offset + Math.max(1, scalarSize(f.type))));
  const bytes = t.read(address, Math.min(size, 0x4000));
  if (bytes[0]! < 0) throw new KdError(`Memory read error ${pointer(address).replace('`', '')}`);
  out.push(header);
  const shown = shape.fields.filter((f) => f.offset >= 0 && matches(filters, f.name));
  const width = Math.max(...shown.map((f) => f.name.length), 4);
  for (const f of shown) {
    let value: string;
    const n = scalarSize(f.type);
    const array = /^\[(\d+)\] (UChar|Char)$/.exec(f.type);
    const bits = /^Pos (\d+), (\d+) Bits?$/.exec(f.type);
    if (bits) {
      // A bitfield: its bits in binary with the debugger's binary prefix 0y (Learn, "MASM Numbers and Operators"),
      // as dt prints a bit field's value (`0y0101`).
      const pos = Number(bits[1]);
      const width = Number(bits[2]);
      const unit = readLe(bytes, f.offset, Math.min(8, Math.ceil((pos + width) / 8)));
      value = unit === undefined ? '??' : `0y${((unit >> BigInt(pos)) & ((1n << BigInt(width)) - 1n)).toString(2).padStart(width, '0')}`;
    } else if (shape.typeName === '_LIST_ENTRY' && linksAt(t, address)) {
      // dt nt!_LIST_ENTRY at a link of a list the simulation keeps: Flink and Blink from that list.
      const link = linksAt(t, address)![f.offset === 0 ? 0 : 1];
      value = typeof link === 'string' ? link : fieldValue(f.type, link);
    } else if (n > 0) {
      const v = readLe(bytes, f.offset, n);
      value = v === undefined ? '??' : fieldValue(f.type, f.type.startsWith('Int') || f.type === 'Char' ? BigInt.asIntN(n * 8, v) : v);
    } else if (f.type === '_LIST_ENTRY') {
      const known = linksAt(t, address + BigInt(f.offset));
      const flink = readLe(bytes, f.offset, 8);
      const blink = readLe(bytes, f.offset + 8, 8);
      value = known ? listEntry(known[0], known[1]) : flink === undefined || blink === undefined ? '??' : listEntry(flink, blink);
    } else if (array) {
      const chars: string[] = [];
      for (let i = 0; i < Number(array[1]); i++) {
        const b = bytes[f.offset + i];
        if (b === undefined || b <= 0) break;
        chars.push(b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.');
      }
      value = `[${array[1]}]  "${chars.join('')}"`;
    } else value = f.type;
    out.push(`   +0x${f.offset.toString(16).padStart(3, '0')} ${f.name.padEnd(width)} : ${value}`);
  }
}

/** The shape of a type the engine lays out, from any object of it (or, for pool headers and heap entries, one found in memory). */
function shapeOf(t: KdTarget, kind: Kind): TypeShape | undefined {
  const s = t.system;
  let layout: ObjectLayout | undefined;
  // A thread type: the current thread's layout first (not a list of every thread of 2,000 processes).
  const tid = t.tid;
  if ((kind === 'ETHREAD' || kind === 'KTHREAD' || kind === 'TEB') && tid !== undefined) layout = describeObject(s, { kind, tid, pid: t.pid });
  if (!layout) for (const ref of candidates(t, kind)) { layout = describeObject(s, ref); if (layout) break; }
  if (!layout && kind === 'POOL_HEADER') {
    const page = s.queryPool(t.process?.eprocess ?? 0n);
    const block = page?.kind === 'small' ? page.blocks[0] : undefined;
    layout = block ? describeObject(s, { kind, address: block.address }) : undefined;
  }
  if (!layout && kind === 'HEAP_ENTRY') {
    const heap = s.queryHeaps(t.pid)[0];
    const block = heap ? s.queryHeapBlocks(t.pid, heap.handle, 0, 1).blocks[0] : undefined;
    layout = block ? find(t, kind, block.address) : undefined;
  }
  return layout ? { typeName: layout.typeName, size: layout.size, fields: layout.fields.filter((f) => f.offset >= 0) } : undefined;
}

/** dt [-r[N]] [-v] [module!]Type [Address] [Field...] */
export function cmdDt(t: KdTarget, args: string[], out: Out): void {
  let recurse = 0;
  let verbose = false;
  const rest: string[] = [];
  for (const a of args) {
    const r = /^-r(\d*)$/i.exec(a);
    if (r) { recurse = r[1] ? Math.min(Number(r[1]), 4) : 1; continue; }
    if (a === '-v') { verbose = true; continue; }
    if (/^-[a-z]$/i.test(a)) continue; // -b -l -a etc. are accepted and ignored
    rest.push(a);
  }
  const name = rest.shift();
  if (!name) throw new KdError('Numeric expression missing from \'\'');
  const bang = name.indexOf('!');
  const module = bang >= 0 ? name.slice(0, bang).toLowerCase() : undefined;
  const typeText = bang >= 0 ? name.slice(bang + 1) : name;
  const wanted = typeText.startsWith('_') ? typeText : `_${typeText}`;
  const entry = DT_TYPES.find((d) => d.type.toLowerCase() === wanted.toLowerCase() && (module === undefined || (MODULE_ALIASES[d.module] ?? [d.module]).includes(module)));
  if (!entry) {
    const sym = SYMBOL_TYPES.find((d) => d.type.toLowerCase() === wanted.toLowerCase() && (module === undefined || (MODULE_ALIASES[d.module] ?? [d.module]).includes(module)));
    if (!sym) throw new KdError(`Symbol ${name} not found.`);
    symbolOnly(t, sym, rest, verbose, out);
    return;
  }
  let layout: ObjectLayout | undefined;
  let withValues = false;
  const filters: string[] = [];
  if (rest.length > 0) {
    let address: bigint | undefined;
    try { address = t.eval(rest[0]!); } catch (e) {
      // Not an address: a field name (dt _EPROCESS ImageFileName shows the field's offset and type).
      if (!(e instanceof KdError) || !/^[A-Za-z_][\w.*]*$/.test(rest[0]!)) throw e;
    }
    if (address !== undefined) {
      rest.shift();
      layout = find(t, entry.kind, address);
      if (!layout) {
        // No such object at the address: the type read from whatever memory is there.
        const shape = shapeOf(t, entry.kind);
        if (!shape) throw new KdError(`Memory read error ${pointer(address).replace('`', '')}`);
        fromMemory(t, shape, address, rest, verbose ? `struct ${entry.type}, ${shape.fields.length} elements, 0x${shape.size.toString(16)} bytes` : `${entry.module}!${entry.type}`, out);
        return;
      }
      withValues = true;
    }
    filters.push(...rest);
  }
  if (!layout) {
    for (const ref of candidates(t, entry.kind)) { layout = describeObject(t.system, ref); if (layout) break; }
    if (!layout) throw new KdError(`Symbol ${name} not found.`);
  }
  const qualified = `${entry.module}!${entry.type}`;
  if (verbose) out.push(`struct ${entry.type}, ${layout.fields.filter((f) => f.offset >= 0).length} elements, 0x${layout.size.toString(16)} bytes`);
  else out.push(qualified);
  render(t, layout, withValues, filters, 0, withValues ? recurse : 0, out, new Set([`${layout.typeName}@${layout.address}`]));
}

/** dt of a symbol-only type: its fields (filtered); with an address, the fields read from the memory there. */
function symbolOnly(t: KdTarget, sym: SymbolType, rest: string[], verbose: boolean, out: Out): void {
  const filters = [...rest];
  if (filters.length > 0) {
    let address: bigint | undefined;
    try { address = t.eval(filters[0]!); } catch (e) {
      if (!(e instanceof KdError) || !/^[A-Za-z_][\w.*]*$/.test(filters[0]!)) throw e;
    }
    if (address !== undefined) {
      const header = verbose ? `struct ${sym.type}, ${sym.fields.length} elements, 0x${sym.size.toString(16)} bytes` : `${sym.module}!${sym.type}`;
      fromMemory(t, { typeName: sym.type, size: sym.size, fields: sym.fields }, address, filters.slice(1), header, out);
      return;
    }
  }
  out.push(verbose ? `struct ${sym.type}, ${sym.fields.length} elements, 0x${sym.size.toString(16)} bytes` : `${sym.module}!${sym.type}`);
  const width = Math.max(...sym.fields.map((f) => f.name.length), 4);
  for (const f of sym.fields) {
    if (!matches(filters, f.name)) continue;
    out.push(`   +0x${f.offset.toString(16).padStart(3, '0')} ${f.name.padEnd(width)} : ${f.type}`);
  }
}
