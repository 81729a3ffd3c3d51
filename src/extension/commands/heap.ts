// Action commands, one family: the heap (HeapCreate, HeapAlloc, HeapFree on a process's heaps).
// Microsoft Learn: HeapCreate, HeapAlloc, HeapFree; the sidebar's heap and block rows pass their heap and address.
import * as vscode from 'vscode';
import { HEAP_CREATE_ENABLE_EXECUTE, HEAP_GENERATE_EXCEPTIONS, HEAP_NO_SERIALIZE, HEAP_ZERO_MEMORY, type System } from '../../engine';
import { Commands } from '../ids';
import { formatBytes, hex } from '../present/format';
import { flagNames, parseAddress, parseFlags, parseSize, type ParseResult } from './parse';
import { addressAsk, big, Cancelled, field, Invalid, lastError, num, pickProcess, sizeAsk, type ActionLog, type Args, type Register } from './context';

const HEAP_OPTION_NAMES: Readonly<Record<string, number>> = { HEAP_NO_SERIALIZE, HEAP_GENERATE_EXCEPTIONS, HEAP_CREATE_ENABLE_EXECUTE };
const HEAP_ALLOC_NAMES: Readonly<Record<string, number>> = { HEAP_NO_SERIALIZE, HEAP_GENERATE_EXCEPTIONS, HEAP_ZERO_MEMORY };
const parseOptions = (t: string): ParseResult<number> => (t.trim() === '0' ? { ok: true, value: 0 } : parseFlags(t, HEAP_OPTION_NAMES, 'HEAP_'));
const parseAllocFlags = (t: string): ParseResult<number> => (t.trim() === '0' ? { ok: true, value: 0 } : parseFlags(t, HEAP_ALLOC_NAMES, 'HEAP_'));

/** The heap a command works on: `args.heap`, the heap row it was run on, or one picked from the process's heaps. */
async function pickHeap(system: System, pid: number, args: Args, title: string): Promise<bigint> {
  if (args.heap !== undefined) return field(args, 'heap', parseAddress, addressAsk(title), big);
  if (args.kind === 'heap' && typeof args.va === 'bigint') return args.va;
  const heaps = system.queryHeaps(pid);
  if (!heaps.length) throw new Invalid(vscode.l10n.t('Process {0} has no heap yet.', pid));
  const picked = await vscode.window.showQuickPick(heaps.map((h) => ({
    label: hex(h.handle), description: h.processHeap ? vscode.l10n.t('process heap') : h.type, detail: vscode.l10n.t('{0} committed, {1} busy blocks', formatBytes(BigInt(h.committed)), h.busyBlocks), handle: h.handle,
  })), { title, placeHolder: vscode.l10n.t('Pick a heap') });
  if (!picked) throw new Cancelled();
  return picked.handle;
}

export function registerHeapActions(register: Register, log: ActionLog): void {
  register(Commands.heapCreate, async (system, args) => {
    const title = 'HeapCreate';
    const pid = await pickProcess(system, args, title);
    const options = await field(args, 'options', parseOptions, { title, prompt: vscode.l10n.t('flOptions: 0, or HEAP_NO_SERIALIZE | HEAP_GENERATE_EXCEPTIONS | HEAP_CREATE_ENABLE_EXECUTE'), value: '0' }, num);
    const initial = await field(args, 'initialSize', (t) => parseSize(t, { allowZero: true }), { ...sizeAsk(title, '0'), prompt: vscode.l10n.t('dwInitialSize (rounded up to pages; 0 commits one page)') }, big);
    const maximum = await field(args, 'maximumSize', (t) => parseSize(t, { allowZero: true }), { ...sizeAsk(title, '0'), prompt: vscode.l10n.t('dwMaximumSize (0: a growable heap)') }, big);
    const api = system.win32(pid);
    const heap = api.HeapCreate(options, initial, maximum);
    if (heap === 0n) return lastError(api, 'HeapCreate');
    log.info(`HeapCreate(${flagNames(options, HEAP_OPTION_NAMES)}, ${formatBytes(initial)}, ${formatBytes(maximum)}) = ${hex(heap)} [pid ${pid}]`);
    return { ok: true, pid, heap: hex(heap) };
  });

  register(Commands.heapAlloc, async (system, args) => {
    const title = 'HeapAlloc';
    const pid = await pickProcess(system, args, title);
    const heap = await pickHeap(system, pid, args, title);
    const flags = await field(args, 'flags', parseAllocFlags, { title, prompt: vscode.l10n.t('dwFlags: 0, or HEAP_ZERO_MEMORY | HEAP_GENERATE_EXCEPTIONS'), value: '0' }, num);
    const bytes = await field(args, 'size', (t) => parseSize(t, { allowZero: true }), { ...sizeAsk(title, '100'), prompt: vscode.l10n.t('dwBytes') }, big);
    const address = system.win32(pid).HeapAlloc(heap, flags, bytes);
    // HeapAlloc does not set a last error (Microsoft Learn): NULL is all it says.
    if (address === 0n) return { ok: false, error: vscode.l10n.t('HeapAlloc returned NULL: the heap cannot hold {0} bytes (HeapAlloc sets no last error).', formatBytes(bytes)) };
    log.info(`HeapAlloc(${hex(heap)}, ${flagNames(flags, HEAP_ALLOC_NAMES)}, ${formatBytes(bytes)}) = ${hex(address)} [pid ${pid}]`);
    return { ok: true, pid, heap: hex(heap), address: hex(address) };
  });

  register(Commands.heapFree, async (system, args) => {
    const title = 'HeapFree';
    const pid = await pickProcess(system, args, title);
    // A block row carries its header's address; HeapFree takes the address HeapAlloc returned, 16 bytes on.
    const fromBlock = args.kind === 'heapBlock' && typeof args.va === 'bigint' ? args.va + 16n : undefined;
    const address = fromBlock ?? await field(args, 'address', parseAddress, { ...addressAsk(title), prompt: vscode.l10n.t('lpMem: the address HeapAlloc returned') }, big);
    const heap = args.heap !== undefined || args.kind === 'heap' ? await pickHeap(system, pid, args, title)
      : system.queryHeaps(pid).find((h) => h.segments.some((s) => address >= s.base && address < s.end) || h.virtualBlocks.some((b) => b.address === address))?.handle
        ?? await pickHeap(system, pid, args, title);
    const api = system.win32(pid);
    if (!api.HeapFree(heap, 0, address)) return lastError(api, 'HeapFree');
    log.info(`HeapFree(${hex(heap)}, 0, ${hex(address)}) [pid ${pid}]`);
    return { ok: true, pid };
  });
}
