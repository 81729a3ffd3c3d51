// Action commands, one family: Virtual memory (VirtualAlloc, VirtualFree, VirtualProtect, ReadMemory, WriteMemory), working sets, the memory lists and the memory manager's system threads.
import * as vscode from 'vscode';
import { MEM_RELEASE, SYSTEM_THREADS, type MemoryListCommand, type SystemThreadName } from '../../engine';
import { Commands } from '../ids';
import { formatBytes, formatHexDump, hex, hexBytes, PAGE_SIZE } from '../present/format';
import {
  ALLOCATION_TYPE_NAMES, FREE_TYPE_NAMES, PROTECTION_NAMES, flagNames, parseAddress, parseAllocationType, parseByteCount, parseBytes,
  parseFreeType, parseProtection, parseSize,
} from './parse';
import { addressAsk, big, Cancelled, field, Invalid, lastError, nodeVa, num, pickProcess, sizeAsk, type ActionLog, type Register } from './context';

export function registerMemoryActions(register: Register, log: ActionLog): void {
  register(Commands.virtualAlloc, async (system, args) => {
    const title = 'VirtualAlloc';
    const pid = await pickProcess(system, args, title);
    const address = await field(args, 'address', parseAddress, { ...addressAsk(title, nodeVa(args) ?? 0n), prompt: vscode.l10n.t('lpAddress (0 lets the system choose)') }, big);
    const size = await field(args, 'size', (t) => parseSize(t), sizeAsk(title), big);
    const type = await field(args, 'type', parseAllocationType, { title, prompt: vscode.l10n.t('flAllocationType, e.g. MEM_COMMIT | MEM_RESERVE'), value: 'MEM_COMMIT | MEM_RESERVE' }, num);
    const protect = await field(args, 'protect', parseProtection, { title, prompt: vscode.l10n.t('flProtect, e.g. PAGE_READWRITE'), value: 'PAGE_READWRITE' }, num);
    const api = system.win32(pid);
    const base = api.VirtualAlloc(address, size, type, protect);
    if (base === 0n) return lastError(api, 'VirtualAlloc');
    log.info(`VirtualAlloc(${hex(address)}, ${formatBytes(size)}, ${flagNames(type, ALLOCATION_TYPE_NAMES)}, ${flagNames(protect, PROTECTION_NAMES)}) = ${hex(base)} [pid ${pid}]`);
    return { ok: true, pid, address: hex(base) };
  });

  register(Commands.virtualFree, async (system, args) => {
    const title = 'VirtualFree';
    const pid = await pickProcess(system, args, title);
    const address = await field(args, 'address', parseAddress, addressAsk(title, nodeVa(args)), big);
    const type = await field(args, 'type', parseFreeType, { title, prompt: vscode.l10n.t('dwFreeType: MEM_RELEASE or MEM_DECOMMIT'), value: 'MEM_RELEASE' }, num);
    const size = await field(args, 'size', (t) => parseSize(t, { allowZero: true }), { ...sizeAsk(title, type === MEM_RELEASE ? '0' : '4K'), prompt: vscode.l10n.t('dwSize (0 with MEM_RELEASE frees the whole reservation)') }, big);
    const api = system.win32(pid);
    if (!api.VirtualFree(address, size, type)) return lastError(api, 'VirtualFree');
    log.info(`VirtualFree(${hex(address)}, ${formatBytes(size)}, ${flagNames(type, FREE_TYPE_NAMES)}) [pid ${pid}]`);
    return { ok: true, pid };
  });

  register(Commands.virtualProtect, async (system, args) => {
    const title = 'VirtualProtect';
    const pid = await pickProcess(system, args, title);
    const address = await field(args, 'address', parseAddress, addressAsk(title, nodeVa(args)), big);
    const size = await field(args, 'size', (t) => parseSize(t), sizeAsk(title, '4K'), big);
    const protect = await field(args, 'protect', parseProtection, { title, prompt: vscode.l10n.t('flNewProtect, e.g. PAGE_READONLY or PAGE_READWRITE | PAGE_GUARD'), value: 'PAGE_READONLY' }, num);
    const api = system.win32(pid);
    const old = { value: 0 };
    if (!api.VirtualProtect(address, size, protect, old)) return lastError(api, 'VirtualProtect');
    log.info(`VirtualProtect(${hex(address)}, ${formatBytes(size)}, ${flagNames(protect, PROTECTION_NAMES)}) old = ${flagNames(old.value, PROTECTION_NAMES)} [pid ${pid}]`);
    return { ok: true, pid, oldProtect: flagNames(old.value, PROTECTION_NAMES) };
  });

  register(Commands.readMemory, async (system, args) => {
    const title = vscode.l10n.t('Read Memory');
    const pid = await pickProcess(system, args, title);
    const address = await field(args, 'address', parseAddress, addressAsk(title, nodeVa(args)), big);
    const size = await field(args, 'size', (t) => parseByteCount(t, 1 << 20), { ...sizeAsk(title, '64'), prompt: vscode.l10n.t('Bytes to read (at most 1 MB)') }, num);
    const bytes = system.win32(pid).ReadMemory(address, size);
    log.info(`ReadMemory(${hex(address)}, ${size}) [pid ${pid}]\n${formatHexDump(bytes.subarray(0, 4096), address)}`);
    const preview = hexBytes(bytes.subarray(0, 16));
    void vscode.window.showInformationMessage(vscode.l10n.t('{0} bytes at {1}: {2}{3}', size, hex(address), preview, size > 16 ? ' …' : ''));
    return { ok: true, pid, bytes: hexBytes(bytes).replace(/ /g, '') };
  });

  register(Commands.writeMemory, async (system, args) => {
    const title = vscode.l10n.t('Write Memory');
    const pid = await pickProcess(system, args, title);
    const address = await field(args, 'address', parseAddress, addressAsk(title, nodeVa(args)), big);
    const data = await field(args, 'data', (t) => parseBytes(t), { title, prompt: vscode.l10n.t('Bytes as hex pairs (48 65 6c 6c 6f) or a quoted string ("hello")'), placeHolder: '"hello"' });
    system.win32(pid).WriteMemory(address, data);
    log.info(`WriteMemory(${hex(address)}, ${data.length}) [pid ${pid}]`);
    return { ok: true, pid, written: data.length };
  });


  register(Commands.setWorkingSetSize, async (system, args) => {
    const title = 'SetProcessWorkingSetSize';
    const pid = await pickProcess(system, args, title);
    const info = system.queryProcess(pid)!;
    const minimum = await field(args, 'minimum', (t) => parseSize(t, { allowZero: true }), { ...sizeAsk(title, `${info.workingSetMinimum * PAGE_SIZE / 1024}K`), prompt: vscode.l10n.t('dwMinimumWorkingSetSize in bytes') }, big);
    const maximum = await field(args, 'maximum', (t) => parseSize(t, { allowZero: true }), { ...sizeAsk(title, `${info.workingSetMaximum * PAGE_SIZE / 1024}K`), prompt: vscode.l10n.t('dwMaximumWorkingSetSize in bytes') }, big);
    const api = system.win32(pid);
    if (!api.SetProcessWorkingSetSize(minimum, maximum)) return lastError(api, 'SetProcessWorkingSetSize');
    const after = system.queryProcess(pid)!;
    return { ok: true, pid, minimumPages: after.workingSetMinimum, maximumPages: after.workingSetMaximum };
  });

  register(Commands.emptyWorkingSet, async (system, args) => {
    const pid = await pickProcess(system, args, vscode.l10n.t('Empty Working Set'));
    const before = system.queryProcess(pid)!.workingSetSize;
    const api = system.win32(pid);
    if (!api.SetProcessWorkingSetSize(-1n, -1n)) return lastError(api, 'SetProcessWorkingSetSize');
    const after = system.queryProcess(pid)!.workingSetSize;
    log.info(vscode.l10n.t('Emptied the working set of pid {0}: {1} pages trimmed.', pid, before - after));
    return { ok: true, pid, trimmed: before - after };
  });

  const listCommand = (id: string, command: MemoryListCommand): void => register(id, (system) => {
    const before = system.querySystemMemoryListInformation();
    system.memoryListCommand(command);
    log.info(`NtSetSystemInformation(SystemMemoryListInformation, ${command})`);
    return { ok: true, command, before, after: system.querySystemMemoryListInformation() };
  });
  listCommand(Commands.emptyAllWorkingSets, 'MemoryEmptyWorkingSets');
  listCommand(Commands.flushModifiedList, 'MemoryFlushModifiedList');
  listCommand(Commands.purgeStandbyList, 'MemoryPurgeStandbyList');
  listCommand(Commands.purgeLowPriorityStandbyList, 'MemoryPurgeLowPriorityStandbyList');

  register(Commands.runSystemThread, async (system, args) => {
    let thread = args.thread;
    if (thread === undefined) {
      const labels: Record<SystemThreadName, [string, string]> = {
        balanceSetManager: [vscode.l10n.t('Balance set manager'), vscode.l10n.t('KeBalanceSetManager: ages working sets and trims them when available memory is low')],
        modifiedPageWriter: [vscode.l10n.t('Modified page writer'), vscode.l10n.t('MiModifiedPageWriter: writes modified pages to the paging file; they move to standby')],
        zeroPageThread: [vscode.l10n.t('Zero page thread'), vscode.l10n.t('MiZeroPageThread: zeroes free pages onto the zeroed list')],
        mappedPageWriter: [vscode.l10n.t('Mapped page writer'), vscode.l10n.t('MiMappedPageWriter: writes modified pages of mapped files back to their files')],
        processStackSwapper: [vscode.l10n.t('Process/stack swapper'), vscode.l10n.t('KeSwapProcessOrStack: moves kernel stacks of long-waiting threads out of memory, and back for threads in Transition')],
      };
      const picked = await vscode.window.showQuickPick(SYSTEM_THREADS.map((t) => ({ label: labels[t][0], detail: labels[t][1], thread: t })), { title: vscode.l10n.t('Run System Thread') });
      if (!picked) throw new Cancelled();
      thread = picked.thread;
    }
    if (typeof thread !== 'string' || !(SYSTEM_THREADS as readonly string[]).includes(thread)) {
      throw new Invalid(vscode.l10n.t('Unknown system thread "{0}". Use one of: {1}.', String(thread), SYSTEM_THREADS.join(', ')));
    }
    const pages = system.runSystemThread(thread as SystemThreadName);
    log.info(thread === 'processStackSwapper' ? vscode.l10n.t('Ran the {0} once: {1} kernel stacks moved.', thread, pages) : vscode.l10n.t('Ran the {0} once: {1} pages.', thread, pages));
    return { ok: true, thread, pages };
  });
}
