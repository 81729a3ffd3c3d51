// Palette and context-menu commands for every engine action. Each takes an optional argument object
// (so tests, notes and panels can drive it without UI: `executeCommand('ntlab.virtualAlloc',
// { pid, address: '0x0', size: '64K', type: 'MEM_COMMIT|MEM_RESERVE', protect: 'PAGE_READWRITE' })`)
// or a tree node (context menus pass the clicked node: its pid, va or pfn fill those fields), and
// asks for whatever is missing with input boxes that validate as you type. Every command resolves
// to an ActionResult: `{ ok: true, ... }`, `{ ok: false, error }`, or undefined when cancelled.
import * as vscode from 'vscode';
import {
  MEM_RELEASE, NtException, Win32Error, SYSTEM_THREADS,
  CREATE_SUSPENDED, DEBUG_PROCESS, CREATE_NEW_CONSOLE, IDLE_PRIORITY_CLASS, BELOW_NORMAL_PRIORITY_CLASS, ABOVE_NORMAL_PRIORITY_CLASS,
  HIGH_PRIORITY_CLASS, REALTIME_PRIORITY_CLASS, CREATE_NO_WINDOW, DETACHED_PROCESS,
  ERROR_ALREADY_EXISTS, JobObjectExtendedLimitInformation, PROCESS_ALL_ACCESS, DBG_CONTINUE, ERROR_SEM_TIMEOUT,
  TOKEN_QUERY, TOKEN_DUPLICATE, TOKEN_ADJUST_DEFAULT, TOKEN_ASSIGN_PRIMARY, TokenPrimary, SecurityImpersonation, TokenIntegrityLevel,
  type DEBUG_EVENT, type JobInfo, type MemoryListCommand, type System, type SystemThreadName, type Win32Api,
} from '../../engine';
import { Commands } from '../ids';
import type { SimulationSession } from '../session';
import {
  ALLOCATION_TYPE_NAMES, FREE_TYPE_NAMES, JOB_LIMIT_FLAGS, PRIORITY_CLASS_NAMES, PROTECTION_NAMES, flagNames, formatAddress, formatBytes, formatHexDump,
  jobLimitsFrom, parseAddress, parseAllocationType, parseByteCount, parseBytes, parseFlags, parseFreeType, parseInteger, parseJobLimitFlags,
  parseLimitBytes, parseMaximumWorkingSet, parsePriorityClass, parseProcessCount, parseProtection, parseSize,
  type JobLimitInput, type ParseResult,
} from './parse';
import { askParsed, ntStatusText, parseErrorMessage, win32ErrorText } from './validation';
import { jobLabel } from '../views/model';

export const ActionCommands = {
  createProcess: Commands.createProcess,
  createThread: Commands.createThread,
  terminateProcess: Commands.terminateProcess,
  virtualAlloc: Commands.virtualAlloc,
  virtualFree: Commands.virtualFree,
  virtualProtect: Commands.virtualProtect,
  readMemory: Commands.readMemory,
  writeMemory: Commands.writeMemory,
  mapView: Commands.mapView,
  unmapView: Commands.unmapView,
  setWorkingSetSize: Commands.setWorkingSetSize,
  emptyWorkingSet: Commands.emptyWorkingSet,
  emptyAllWorkingSets: Commands.emptyAllWorkingSets,
  flushModifiedList: Commands.flushModifiedList,
  purgeStandbyList: Commands.purgeStandbyList,
  purgeLowPriorityStandbyList: Commands.purgeLowPriorityStandbyList,
  runSystemThread: Commands.runSystemThread,
  createJob: Commands.createJob,
  assignProcessToJob: Commands.assignProcessToJob,
  setJobLimits: Commands.setJobLimits,
  terminateJob: Commands.terminateJob,
  debugAttach: Commands.debugAttach,
  debugGo: Commands.debugGo,
  debugDetach: Commands.debugDetach,
  runLowIntegrity: Commands.runLowIntegrity,
} as const;

export type ActionResult = ({ ok: true } & Record<string, unknown>) | { ok: false; error: string; code?: number };

/** Argument fields a command reads; tree nodes carry pid/va/pfn too. */
type Args = Record<string, unknown>;

/** What the image quick pick offers (real Windows images; any other path can be typed). */
export const KNOWN_IMAGES: readonly string[] = [
  'C:\\Windows\\System32\\notepad.exe', 'C:\\Windows\\System32\\calc.exe', 'C:\\Windows\\System32\\cmd.exe',
  'C:\\Windows\\System32\\Taskmgr.exe', 'C:\\Windows\\System32\\svchost.exe', 'C:\\Windows\\explorer.exe',
];

const CREATION_FLAGS: Readonly<Record<string, number>> = {
  CREATE_SUSPENDED, DEBUG_PROCESS, CREATE_NEW_CONSOLE, DETACHED_PROCESS, CREATE_NO_WINDOW,
  IDLE_PRIORITY_CLASS, BELOW_NORMAL_PRIORITY_CLASS, ABOVE_NORMAL_PRIORITY_CLASS, HIGH_PRIORITY_CLASS, REALTIME_PRIORITY_CLASS,
};


class Cancelled extends Error {}
class Invalid extends Error {}

export interface ActionLog { info(message: string): void; error(message: string): void }

export function registerActionCommands(context: vscode.ExtensionContext, session: SimulationSession, log: ActionLog): void {
  const register = (id: string, body: (system: System, args: Args) => Promise<ActionResult> | ActionResult): void => {
    context.subscriptions.push(vscode.commands.registerCommand(id, async (arg?: unknown) => {
      const system = session.system;
      if (!system) {
        const error = vscode.l10n.t('No simulation is running. Start one first.');
        void vscode.window.showWarningMessage(error);
        return { ok: false, error } satisfies ActionResult;
      }
      const args: Args = arg !== null && typeof arg === 'object' ? (arg as Args) : {};
      try {
        const result = await body(system, args);
        if (!result.ok) { log.error(result.error); void vscode.window.showErrorMessage(result.error); }
        return result;
      } catch (e) {
        if (e instanceof Cancelled) return undefined;
        const error = e instanceof Invalid ? e.message
          : e instanceof NtException ? vscode.l10n.t('The access raised {0} at {1}.', ntStatusText(e.status), formatAddress(e.address))
            : e instanceof Win32Error ? vscode.l10n.t('The call failed with {0}.', win32ErrorText(e.code))
              : vscode.l10n.t('Unexpected error: {0}', e instanceof Error ? e.message : String(e));
        log.error(error);
        void vscode.window.showErrorMessage(error);
        return { ok: false, error, ...(e instanceof Win32Error ? { code: e.code } : e instanceof NtException ? { code: e.status } : {}) } satisfies ActionResult;
      }
    }));
  };

  // ------------------------------------------------------------------ helpers

  /** A field given in `args` (string, number or bigint), or asked for; throws Invalid / Cancelled. */
  async function field<T>(args: Args, key: string, parse: (text: string) => ParseResult<T>, ask: { title: string; prompt: string; value?: string; placeHolder?: string }, fromNumber?: (n: number | bigint) => T): Promise<T> {
    const given = args[key];
    if (given !== undefined) {
      if ((typeof given === 'number' || typeof given === 'bigint') && fromNumber) {
        if (typeof given === 'number' && (!Number.isSafeInteger(given) || given < 0)) throw new Invalid(vscode.l10n.t('"{0}": {1}', key, parseErrorMessage({ code: 'syntax', detail: String(given) })));
        return fromNumber(given);
      }
      if (typeof given !== 'string') throw new Invalid(vscode.l10n.t('"{0}" must be a string or a number.', key));
      const r = parse(given);
      if (!r.ok) throw new Invalid(vscode.l10n.t('"{0}": {1}', key, parseErrorMessage(r.error)));
      return r.value;
    }
    const v = await askParsed(parse, ask);
    if (v === undefined) throw new Cancelled();
    return v;
  }
  const big = (n: number | bigint): bigint => BigInt(n);
  const num = (n: number | bigint): number => Number(n);

  async function pickProcess(system: System, args: Args, title: string): Promise<number> {
    const given = args.pid;
    if (given !== undefined) {
      if (typeof given !== 'number' || !Number.isInteger(given) || !system.queryProcess(given)) throw new Invalid(vscode.l10n.t('There is no process with id {0}.', String(given)));
      return given;
    }
    const items = system.processIds.map((pid) => {
      const p = system.queryProcess(pid)!;
      return { label: p.imageFileName, description: String(pid), detail: p.imagePath, pid };
    });
    const picked = await vscode.window.showQuickPick(items, { title, placeHolder: vscode.l10n.t('Pick a process'), matchOnDescription: true, matchOnDetail: true });
    if (!picked) throw new Cancelled();
    return picked.pid;
  }

  const addressAsk = (title: string, value?: bigint) => ({ title, prompt: vscode.l10n.t('Virtual address: 0x7ff600000000, WinDbg style 00007ff6`00000000, or decimal'), value: value === undefined ? undefined : formatAddress(value) });
  const sizeAsk = (title: string, value = '64K') => ({ title, prompt: vscode.l10n.t('Size in bytes: 4096, 0x1000, 64K, 1.5M, 2G'), value });
  const nodeVa = (args: Args): bigint | undefined => (typeof args.va === 'bigint' ? args.va : undefined);
  const lastError = (api: Win32Api, what: string): ActionResult => {
    const code = api.GetLastError();
    return { ok: false, error: vscode.l10n.t('{0} failed: {1}.', what, win32ErrorText(code)), code };
  };

  // ------------------------------------------------------------------ processes and threads

  register(ActionCommands.createProcess, async (system, args) => {
    const title = vscode.l10n.t('Create Process');
    let imagePath = args.imagePath;
    if (imagePath === undefined) {
      const other = vscode.l10n.t('Other image path…');
      const picked = await vscode.window.showQuickPick([...KNOWN_IMAGES.map((p) => ({ label: p.slice(p.lastIndexOf('\\') + 1), description: p, path: p })), { label: other, description: '', path: '' }],
        { title, placeHolder: vscode.l10n.t('The image to run (CreateProcess lpApplicationName)') });
      if (!picked) throw new Cancelled();
      imagePath = picked.path || await vscode.window.showInputBox({ title, prompt: vscode.l10n.t('Full path of the image, e.g. C:\\Tools\\app.exe'), ignoreFocusOut: true,
        validateInput: (t) => (t.trim() ? undefined : vscode.l10n.t('Enter a value.')) });
      if (!imagePath) throw new Cancelled();
    }
    if (typeof imagePath !== 'string' || imagePath.trim() === '') throw new Invalid(vscode.l10n.t('"{0}" must be a non-empty string.', 'imagePath'));
    let flags = 0;
    if (args.creationFlags !== undefined) {
      flags = await field(args, 'creationFlags', (t) => parseFlags(t, CREATION_FLAGS, ''), { title, prompt: '' }, num);
    } else if (args.imagePath === undefined) {
      const picked = await vscode.window.showQuickPick(Object.entries(CREATION_FLAGS).map(([label, value]) => ({ label, description: '0x' + value.toString(16), value })),
        { title, canPickMany: true, placeHolder: vscode.l10n.t('Creation flags (none = a normal process)') });
      if (!picked) throw new Cancelled();
      flags = picked.reduce((a, p) => a | p.value, 0);
    }
    const parentPid = typeof args.pid === 'number' ? args.pid : typeof args.parentPid === 'number' ? args.parentPid : undefined;
    if (parentPid !== undefined && !system.queryProcess(parentPid)) throw new Invalid(vscode.l10n.t('There is no process with id {0}.', parentPid));
    if (args.commandLine !== undefined && typeof args.commandLine !== 'string') throw new Invalid(vscode.l10n.t('"{0}" must be a string or a number.', 'commandLine'));
    const { pid, tid } = system.createProcess({ imagePath: imagePath.trim(), parentPid, creationFlags: flags, commandLine: args.commandLine as string | undefined });
    log.info(vscode.l10n.t('Created process {0} (pid {1}, initial thread {2}).', imagePath.trim(), pid, tid));
    return { ok: true, pid, tid };
  });

  register(ActionCommands.createThread, async (system, args) => {
    const title = vscode.l10n.t('Create Thread');
    const pid = await pickProcess(system, args, title);
    const startAddress = await field(args, 'startAddress', parseAddress,
      { title, prompt: vscode.l10n.t('lpStartAddress (the simulation records it; it does not execute code)'), value: '0x140001000' }, big);
    const flags = args.flags === undefined ? 0 : await field(args, 'flags', (t) => parseFlags(t, CREATION_FLAGS, ''), { title, prompt: '' }, num);
    const r = system.psCall({ call: 'createThread', callerPid: pid, hProcess: null, startAddress, parameter: 0n, flags, stackSize: 0n });
    // CreateThread hands back a handle; the command does not keep it open.
    system.psCall({ call: 'closeHandle', callerPid: pid, handle: r.handle });
    log.info(`CreateThread(${formatAddress(startAddress)}) = tid ${r.tid} [pid ${pid}]`);
    return { ok: true, pid, tid: r.tid };
  });

  register(ActionCommands.terminateProcess, async (system, args) => {
    const pid = await pickProcess(system, args, vscode.l10n.t('Terminate Process'));
    const exitCode = args.exitCode === undefined ? 1 : await field(args, 'exitCode', (t) => { const r = parseInteger(t, 0xFFFFFFFFn); return r.ok ? { ok: true, value: Number(r.value) } : r; }, { title: '', prompt: '' }, num);
    const image = system.queryProcess(pid)!.imageFileName;
    system.psCall({ call: 'terminatePid', pid, exitCode: Number(exitCode) });
    log.info(`TerminateProcess(${image}, ${exitCode}) [pid ${pid}]`);
    return { ok: true, pid, exitCode };
  });

  // ------------------------------------------------------------------ virtual memory

  register(ActionCommands.virtualAlloc, async (system, args) => {
    const title = 'VirtualAlloc';
    const pid = await pickProcess(system, args, title);
    const address = await field(args, 'address', parseAddress, { ...addressAsk(title, nodeVa(args) ?? 0n), prompt: vscode.l10n.t('lpAddress (0 lets the system choose)') }, big);
    const size = await field(args, 'size', (t) => parseSize(t), sizeAsk(title), big);
    const type = await field(args, 'type', parseAllocationType, { title, prompt: vscode.l10n.t('flAllocationType, e.g. MEM_COMMIT | MEM_RESERVE'), value: 'MEM_COMMIT | MEM_RESERVE' }, num);
    const protect = await field(args, 'protect', parseProtection, { title, prompt: vscode.l10n.t('flProtect, e.g. PAGE_READWRITE'), value: 'PAGE_READWRITE' }, num);
    const api = system.win32(pid);
    const base = api.VirtualAlloc(address, size, type, protect);
    if (base === 0n) return lastError(api, 'VirtualAlloc');
    log.info(`VirtualAlloc(${formatAddress(address)}, ${formatBytes(size)}, ${flagNames(type, ALLOCATION_TYPE_NAMES)}, ${flagNames(protect, PROTECTION_NAMES)}) = ${formatAddress(base)} [pid ${pid}]`);
    return { ok: true, pid, address: formatAddress(base) };
  });

  register(ActionCommands.virtualFree, async (system, args) => {
    const title = 'VirtualFree';
    const pid = await pickProcess(system, args, title);
    const address = await field(args, 'address', parseAddress, addressAsk(title, nodeVa(args)), big);
    const type = await field(args, 'type', parseFreeType, { title, prompt: vscode.l10n.t('dwFreeType: MEM_RELEASE or MEM_DECOMMIT'), value: 'MEM_RELEASE' }, num);
    const size = await field(args, 'size', (t) => parseSize(t, { allowZero: true }), { ...sizeAsk(title, type === MEM_RELEASE ? '0' : '4K'), prompt: vscode.l10n.t('dwSize (0 with MEM_RELEASE frees the whole reservation)') }, big);
    const api = system.win32(pid);
    if (!api.VirtualFree(address, size, type)) return lastError(api, 'VirtualFree');
    log.info(`VirtualFree(${formatAddress(address)}, ${formatBytes(size)}, ${flagNames(type, FREE_TYPE_NAMES)}) [pid ${pid}]`);
    return { ok: true, pid };
  });

  register(ActionCommands.virtualProtect, async (system, args) => {
    const title = 'VirtualProtect';
    const pid = await pickProcess(system, args, title);
    const address = await field(args, 'address', parseAddress, addressAsk(title, nodeVa(args)), big);
    const size = await field(args, 'size', (t) => parseSize(t), sizeAsk(title, '4K'), big);
    const protect = await field(args, 'protect', parseProtection, { title, prompt: vscode.l10n.t('flNewProtect, e.g. PAGE_READONLY or PAGE_READWRITE | PAGE_GUARD'), value: 'PAGE_READONLY' }, num);
    const api = system.win32(pid);
    const old = { value: 0 };
    if (!api.VirtualProtect(address, size, protect, old)) return lastError(api, 'VirtualProtect');
    log.info(`VirtualProtect(${formatAddress(address)}, ${formatBytes(size)}, ${flagNames(protect, PROTECTION_NAMES)}) old = ${flagNames(old.value, PROTECTION_NAMES)} [pid ${pid}]`);
    return { ok: true, pid, oldProtect: flagNames(old.value, PROTECTION_NAMES) };
  });

  register(ActionCommands.readMemory, async (system, args) => {
    const title = vscode.l10n.t('Read Memory');
    const pid = await pickProcess(system, args, title);
    const address = await field(args, 'address', parseAddress, addressAsk(title, nodeVa(args)), big);
    const size = await field(args, 'size', (t) => parseByteCount(t, 1 << 20), { ...sizeAsk(title, '64'), prompt: vscode.l10n.t('Bytes to read (at most 1 MB)') }, num);
    const bytes = system.win32(pid).ReadMemory(address, size);
    log.info(`ReadMemory(${formatAddress(address)}, ${size}) [pid ${pid}]\n${formatHexDump(bytes.subarray(0, 4096), address)}`);
    const preview = Array.from(bytes.subarray(0, 16), (b) => b.toString(16).padStart(2, '0')).join(' ');
    void vscode.window.showInformationMessage(vscode.l10n.t('{0} bytes at {1}: {2}{3}', size, formatAddress(address), preview, size > 16 ? ' …' : ''));
    return { ok: true, pid, bytes: Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('') };
  });

  register(ActionCommands.writeMemory, async (system, args) => {
    const title = vscode.l10n.t('Write Memory');
    const pid = await pickProcess(system, args, title);
    const address = await field(args, 'address', parseAddress, addressAsk(title, nodeVa(args)), big);
    const data = await field(args, 'data', (t) => parseBytes(t), { title, prompt: vscode.l10n.t('Bytes as hex pairs (48 65 6c 6c 6f) or a quoted string ("hello")'), placeHolder: '"hello"' });
    system.win32(pid).WriteMemory(address, data);
    log.info(`WriteMemory(${formatAddress(address)}, ${data.length}) [pid ${pid}]`);
    return { ok: true, pid, written: data.length };
  });

  // ------------------------------------------------------------------ sections (when the engine maps views)

  type SectionApi = Win32Api & {
    CreateFileMapping?: (hFile: number, flProtect: number, size: bigint, name?: string) => number;
    MapViewOfFile?: (h: number, access: number, offset: bigint, size: bigint) => bigint;
    UnmapViewOfFile?: (base: bigint) => boolean;
  };
  register(ActionCommands.mapView, async (system, args) => {
    const title = 'MapViewOfFile';
    const pid = await pickProcess(system, args, title);
    const api = system.win32(pid) as SectionApi;
    if (typeof api.CreateFileMapping !== 'function' || typeof api.MapViewOfFile !== 'function') return { ok: false, error: vscode.l10n.t('The simulation does not model {0} yet.', 'CreateFileMapping / MapViewOfFile') };
    const size = await field(args, 'size', (t) => parseSize(t), sizeAsk(title), big);
    const protect = await field(args, 'protect', parseProtection, { title, prompt: vscode.l10n.t('flProtect of the section, e.g. PAGE_READWRITE'), value: 'PAGE_READWRITE' }, num);
    const name = typeof args.name === 'string' ? args.name : undefined;
    const handle = api.CreateFileMapping(-1, protect, size, name);
    if (!handle) return lastError(api, 'CreateFileMapping');
    const FILE_MAP_ALL_ACCESS = 0xF001F;
    const access = typeof args.access === 'number' ? args.access : FILE_MAP_ALL_ACCESS;
    const base = api.MapViewOfFile(handle, access, 0n, 0n);
    if (!base) return lastError(api, 'MapViewOfFile');
    return { ok: true, pid, handle, address: formatAddress(base) };
  });

  register(ActionCommands.unmapView, async (system, args) => {
    const title = 'UnmapViewOfFile';
    const pid = await pickProcess(system, args, title);
    const api = system.win32(pid) as SectionApi;
    if (typeof api.UnmapViewOfFile !== 'function') return { ok: false, error: vscode.l10n.t('The simulation does not model {0} yet.', 'UnmapViewOfFile') };
    const address = await field(args, 'address', parseAddress, addressAsk(title, nodeVa(args)), big);
    if (!api.UnmapViewOfFile(address)) return lastError(api, 'UnmapViewOfFile');
    return { ok: true, pid };
  });

  // ------------------------------------------------------------------ working sets, page lists, system threads

  register(ActionCommands.setWorkingSetSize, async (system, args) => {
    const title = 'SetProcessWorkingSetSize';
    const pid = await pickProcess(system, args, title);
    const info = system.queryProcess(pid)!;
    const minimum = await field(args, 'minimum', (t) => parseSize(t, { allowZero: true }), { ...sizeAsk(title, `${info.workingSetMinimum * 4}K`), prompt: vscode.l10n.t('dwMinimumWorkingSetSize in bytes') }, big);
    const maximum = await field(args, 'maximum', (t) => parseSize(t, { allowZero: true }), { ...sizeAsk(title, `${info.workingSetMaximum * 4}K`), prompt: vscode.l10n.t('dwMaximumWorkingSetSize in bytes') }, big);
    const api = system.win32(pid);
    if (!api.SetProcessWorkingSetSize(minimum, maximum)) return lastError(api, 'SetProcessWorkingSetSize');
    const after = system.queryProcess(pid)!;
    return { ok: true, pid, minimumPages: after.workingSetMinimum, maximumPages: after.workingSetMaximum };
  });

  register(ActionCommands.emptyWorkingSet, async (system, args) => {
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
  listCommand(ActionCommands.emptyAllWorkingSets, 'MemoryEmptyWorkingSets');
  listCommand(ActionCommands.flushModifiedList, 'MemoryFlushModifiedList');
  listCommand(ActionCommands.purgeStandbyList, 'MemoryPurgeStandbyList');
  listCommand(ActionCommands.purgeLowPriorityStandbyList, 'MemoryPurgeLowPriorityStandbyList');

  register(ActionCommands.runSystemThread, async (system, args) => {
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
  // ------------------------------------------------------------------ job objects

  /** Explorer.exe unless `ownerPid` names another process: job handles live in its handle table. */
  function ownerOf(system: System, args: Args): number {
    const given = args.ownerPid;
    if (given !== undefined) {
      if (typeof given !== 'number' || !system.queryProcess(given)) throw new Invalid(vscode.l10n.t('There is no process with id {0}.', String(given)));
      return given;
    }
    const explorer = system.processIds.find((pid) => system.queryProcess(pid)!.imageFileName.toLowerCase() === 'explorer.exe');
    if (explorer === undefined) throw new Invalid(vscode.l10n.t('explorer.exe is not running: name the process that holds the job handle ("ownerPid").'));
    return explorer;
  }

  /** The job of `args.jobId` (a Jobs row passes it), or one picked from the job list. */
  async function pickJob(system: System, args: Args, title: string): Promise<JobInfo> {
    const jobs = system.queryJobs();
    const given = args.jobId;
    if (given !== undefined) {
      const job = jobs.find((j) => j.jobId === given);
      if (!job) throw new Invalid(vscode.l10n.t('There is no job with id {0}.', String(given)));
      return job;
    }
    if (!jobs.length) throw new Invalid(vscode.l10n.t('There is no job yet. Create one with "Create Job Object".'));
    const items = jobs.map((j) => ({
      label: jobLabel(vscode.l10n, j),
      description: j.activeProcesses === 1 ? vscode.l10n.t('{0} active process', j.activeProcesses) : vscode.l10n.t('{0} active processes', j.activeProcesses),
      detail: flagNames(j.limitFlags, JOB_LIMIT_FLAGS), job: j,
    }));
    const picked = await vscode.window.showQuickPick(items, { title, placeHolder: vscode.l10n.t('Pick a job') });
    if (!picked) throw new Cancelled();
    return picked.job;
  }

  /**
   * A process and handle through which to act on a job: the owner's handle when it has one, else any
   * process holding one; a named job is opened by name in the owner (CreateJobObject opens an existing one).
   */
  function jobHandle(system: System, job: JobInfo, args: Args): { pid: number; api: Win32Api; hJob: number } {
    const owner = ownerOf(system, args);
    const holders = [owner, ...system.processIds.filter((p) => p !== owner)];
    for (const pid of holders) {
      const h = system.queryHandles(pid).find((x) => x.typeName === 'Job' && x.key === job.jobId);
      if (h) return { pid, api: system.win32(pid), hJob: h.handle };
    }
    if (job.name) {
      const api = system.win32(owner);
      const hJob = api.CreateJobObject(null, job.name.slice(job.name.lastIndexOf('\\') + 1));
      if (hJob) return { pid: owner, api, hJob };
    }
    throw new Invalid(vscode.l10n.t('No process holds a handle to {0}, and an unnamed job cannot be opened again.', jobLabel(vscode.l10n, job)));
  }

  register(ActionCommands.createJob, async (system, args) => {
    const title = vscode.l10n.t('Create Job Object');
    const owner = ownerOf(system, args);
    let name = args.name;
    // Asked for only from the UI (palette, view title, a tree row); an argument object without a name means unnamed.
    const fromUi = Object.keys(args).length === 0 || (typeof args.id === 'string' && typeof args.kind === 'string');
    if (name === undefined && fromUi) {
      name = await vscode.window.showInputBox({ title, ignoreFocusOut: true, prompt: vscode.l10n.t('lpName: a name for the job, or empty for an unnamed job'), placeHolder: 'LabJob',
        validateInput: (t) => (t.includes('\\') ? vscode.l10n.t('A job name may not contain a backslash.') : undefined) });
      if (name === undefined) throw new Cancelled();
    }
    if (name !== undefined && name !== null && typeof name !== 'string') throw new Invalid(vscode.l10n.t('"{0}" must be a string.', 'name'));
    const lpName = typeof name === 'string' && name.trim() ? name.trim() : null;
    if (lpName?.includes('\\')) throw new Invalid(vscode.l10n.t('A job name may not contain a backslash.'));
    const api = system.win32(owner);
    const hJob = api.CreateJobObject(null, lpName);
    if (!hJob) return lastError(api, 'CreateJobObject');
    const existed = api.GetLastError() === ERROR_ALREADY_EXISTS;
    const jobId = system.queryHandles(owner).find((h) => h.handle === hJob)?.key;
    const image = system.queryProcess(owner)!.imageFileName;
    log.info(`CreateJobObject(NULL, ${lpName ? `"${lpName}"` : 'NULL'}) = ${formatAddress(hJob)}${existed ? ' (ERROR_ALREADY_EXISTS)' : ''} [${image}, pid ${owner}]`);
    return { ok: true, jobId, handle: hJob, ownerPid: owner, existed };
  });

  register(ActionCommands.assignProcessToJob, async (system, args) => {
    const title = vscode.l10n.t('Assign Process to Job');
    const job = await pickJob(system, args, title);
    const pid = await pickProcess(system, args, title);
    const { pid: holder, api, hJob } = jobHandle(system, job, args);
    const hProcess = api.OpenProcess(PROCESS_ALL_ACCESS, false, pid);
    if (!hProcess) return lastError(api, 'OpenProcess');
    try {
      if (!api.AssignProcessToJobObject(hJob, hProcess)) return lastError(api, 'AssignProcessToJobObject');
    } finally {
      api.CloseHandle(hProcess);
    }
    log.info(`AssignProcessToJobObject(${formatAddress(hJob)}, ${system.queryProcess(pid)?.imageFileName ?? pid}) [pid ${holder}]`);
    return { ok: true, jobId: job.jobId, pid };
  });

  register(ActionCommands.setJobLimits, async (system, args) => {
    const title = vscode.l10n.t('Set Job Limits');
    const job = await pickJob(system, args, title);
    let flags: number;
    const givenLimits = args.limits;
    if (givenLimits !== undefined) {
      const text = Array.isArray(givenLimits) ? givenLimits.join('|') : typeof givenLimits === 'number' ? String(givenLimits) : givenLimits;
      if (typeof text !== 'string') throw new Invalid(vscode.l10n.t('"{0}" must be a string or a number.', 'limits'));
      if (text.trim() === '' || text.trim() === '0') flags = 0;
      else {
        const r = parseJobLimitFlags(text);
        if (!r.ok) throw new Invalid(vscode.l10n.t('"{0}": {1}', 'limits', parseErrorMessage(r.error)));
        flags = r.value;
      }
    } else {
      const explain: Record<string, string> = {
        JOB_OBJECT_LIMIT_ACTIVE_PROCESS: vscode.l10n.t('At most ActiveProcessLimit processes in the job; one more fails to start or to be assigned'),
        JOB_OBJECT_LIMIT_PROCESS_MEMORY: vscode.l10n.t('Each process may commit at most ProcessMemoryLimit bytes'),
        JOB_OBJECT_LIMIT_JOB_MEMORY: vscode.l10n.t('The processes together may commit at most JobMemoryLimit bytes'),
        JOB_OBJECT_LIMIT_WORKINGSET: vscode.l10n.t('Every process gets the job\'s minimum and a hard maximum working set'),
        JOB_OBJECT_LIMIT_PRIORITY_CLASS: vscode.l10n.t('Every process runs at the job\'s priority class'),
        JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE: vscode.l10n.t('Closing the last handle to the job terminates its processes'),
        JOB_OBJECT_LIMIT_BREAKAWAY_OK: vscode.l10n.t('Children created with CREATE_BREAKAWAY_FROM_JOB leave the job'),
        JOB_OBJECT_LIMIT_SILENT_BREAKAWAY_OK: vscode.l10n.t('Every child process leaves the job'),
      };
      const picked = await vscode.window.showQuickPick(Object.entries(JOB_LIMIT_FLAGS).map(([label, value]) => ({ label, description: '0x' + value.toString(16), detail: explain[label], value, picked: (job.limitFlags & value) !== 0 })),
        { title, canPickMany: true, placeHolder: vscode.l10n.t('LimitFlags: the limits to set (the others are cleared)') });
      if (!picked) throw new Cancelled();
      flags = picked.reduce((a, p) => a | p.value, 0);
    }
    const input: JobLimitInput = { flags };
    const on = (flag: number): boolean => (flags & flag) !== 0;
    const bytesOf = (n: number): string => (n ? formatBytes(n).replace(/\s+/g, '') : '');
    if (on(0x8)) input.activeProcessLimit = await field(args, 'activeProcessLimit', parseProcessCount, { title, prompt: vscode.l10n.t('ActiveProcessLimit: how many processes may be active in the job'), value: String(job.activeProcessLimit || 1) }, num);
    if (on(0x100)) input.processMemoryLimit = await field(args, 'processMemoryLimit', parseLimitBytes, { title, prompt: vscode.l10n.t('ProcessMemoryLimit: commit per process, e.g. 16M'), value: bytesOf(job.processMemoryLimit) || '16M' }, num);
    if (on(0x200)) input.jobMemoryLimit = await field(args, 'jobMemoryLimit', parseLimitBytes, { title, prompt: vscode.l10n.t('JobMemoryLimit: commit of all the processes together, e.g. 64M'), value: bytesOf(job.jobMemoryLimit) || '64M' }, num);
    if (on(0x1)) {
      const minimum = await field(args, 'minimumWorkingSet', parseLimitBytes, { title, prompt: vscode.l10n.t('MinimumWorkingSetSize in bytes, e.g. 256K'), value: bytesOf(job.minimumWorkingSetSize) || '256K' }, num);
      input.minimumWorkingSet = minimum;
      input.maximumWorkingSet = await field(args, 'maximumWorkingSet', (t) => parseMaximumWorkingSet(t, minimum), { title, prompt: vscode.l10n.t('MaximumWorkingSetSize in bytes (at least the minimum), e.g. 1M'), value: bytesOf(job.maximumWorkingSetSize) || '1M' }, num);
    }
    if (on(0x20)) {
      if (args.priorityClass !== undefined) input.priorityClass = await field(args, 'priorityClass', parsePriorityClass, { title, prompt: '' }, num);
      else {
        const picked = await vscode.window.showQuickPick(Object.entries(PRIORITY_CLASS_NAMES).map(([label, value]) => ({ label, description: '0x' + value.toString(16), value })),
          { title, placeHolder: vscode.l10n.t('PriorityClass of every process in the job') });
        if (!picked) throw new Cancelled();
        input.priorityClass = picked.value;
      }
    }
    const limits = jobLimitsFrom(input);
    if (!limits.ok) throw new Invalid(parseErrorMessage(limits.error));
    const { pid: holder, api, hJob } = jobHandle(system, job, args);
    if (!api.SetInformationJobObject(hJob, JobObjectExtendedLimitInformation, limits.value)) return lastError(api, 'SetInformationJobObject');
    log.info(`SetInformationJobObject(${formatAddress(hJob)}, JobObjectExtendedLimitInformation, ${flagNames(flags, JOB_LIMIT_FLAGS) || '0'}) [pid ${holder}]`);
    return { ok: true, jobId: job.jobId, limitFlags: flags, limits: limits.value };
  });

  register(ActionCommands.terminateJob, async (system, args) => {
    const job = await pickJob(system, args, vscode.l10n.t('Terminate Job'));
    const exitCode = args.exitCode === undefined ? 1 : await field(args, 'exitCode', (t) => { const r = parseInteger(t, 0xFFFFFFFFn); return r.ok ? { ok: true, value: Number(r.value) } : r; }, { title: '', prompt: '' }, num);
    const members = job.processIds.length;
    const { pid: holder, api, hJob } = jobHandle(system, job, args);
    if (!api.TerminateJobObject(hJob, exitCode)) return lastError(api, 'TerminateJobObject');
    log.info(`TerminateJobObject(${formatAddress(hJob)}, ${exitCode}) [pid ${holder}]: ${members}`);
    return { ok: true, jobId: job.jobId, terminated: members };
  });

  // ------------------------------------------------------------------ debugging and tokens

  const WINDBG = 'C:\\Program Files\\Windows Kits\\10\\Debuggers\\x64\\windbg.exe';
  const describeEvent = (system: System, e: DEBUG_EVENT): string => {
    const image = system.queryProcess(e.dwProcessId)?.imageFileName ?? String(e.dwProcessId);
    const names: Record<number, string> = { 1: 'EXCEPTION_DEBUG_EVENT', 2: 'CREATE_THREAD_DEBUG_EVENT', 3: 'CREATE_PROCESS_DEBUG_EVENT', 4: 'EXIT_THREAD_DEBUG_EVENT', 5: 'EXIT_PROCESS_DEBUG_EVENT', 6: 'LOAD_DLL_DEBUG_EVENT' };
    const dll = (e.u.LoadDll as { lpImageName?: string } | undefined)?.lpImageName;
    const ex = (e.u.Exception as { ExceptionRecord?: { ExceptionCode: number; ExceptionAddress: bigint } } | undefined)?.ExceptionRecord;
    const detail = dll ? ` ${dll}` : ex ? ` ${ntStatusText(ex.ExceptionCode)} @ ${formatAddress(ex.ExceptionAddress)}` : '';
    return vscode.l10n.t('{0} from {1} (pid {2}, thread {3}){4}', names[e.dwDebugEventCode] ?? String(e.dwDebugEventCode), image, e.dwProcessId, e.dwThreadId, detail);
  };

  /** The debugger to use: the one given, the first process that has a debug object, or a new windbg.exe. */
  function debuggerFor(system: System, args: Args, create: boolean): number | undefined {
    if (args.debuggerPid !== undefined) {
      if (typeof args.debuggerPid !== 'number' || !system.queryProcess(args.debuggerPid)) throw new Invalid(vscode.l10n.t('There is no process with id {0}.', String(args.debuggerPid)));
      return args.debuggerPid;
    }
    // A debugger with events to handle first, then any debugger.
    const live = system.queryDebugObjects().filter((d) => system.queryProcess(d.debuggerPid));
    const existing = live.find((d) => d.events.length > 0) ?? live[0];
    if (existing) return existing.debuggerPid;
    if (!create) return undefined;
    const pid = system.createProcess({ imagePath: WINDBG }).pid;
    log.info(vscode.l10n.t('Started the debugger {0} (pid {1}).', 'windbg.exe', pid));
    return pid;
  }

  register(ActionCommands.debugAttach, async (system, args) => {
    const pid = await pickProcess(system, args, vscode.l10n.t('Attach Debugger'));
    const debuggerPid = debuggerFor(system, args, true)!;
    const api = system.win32(debuggerPid);
    if (!api.DebugActiveProcess(pid)) return lastError(api, 'DebugActiveProcess');
    log.info(`DebugActiveProcess(${pid}) [pid ${debuggerPid}]`);
    return { ok: true, pid, debuggerPid };
  });

  register(ActionCommands.debugGo, (system, args) => {
    const debuggerPid = debuggerFor(system, args, false);
    if (debuggerPid === undefined) return { ok: false, error: vscode.l10n.t('No process is being debugged. Attach a debugger, or create a process with DEBUG_PROCESS.') };
    const api = system.win32(debuggerPid);
    // WinDbg's g: continue the event the debugger holds, then wait for the next one.
    const held = system.queryDebugObjects().find((d) => d.debuggerPid === debuggerPid)?.events.find((e) => e.state === 'reported');
    if (held) {
      if (!api.ContinueDebugEvent(held.pid, held.tid, DBG_CONTINUE)) return lastError(api, 'ContinueDebugEvent');
      log.info(`ContinueDebugEvent(${held.pid}, ${held.tid}, DBG_CONTINUE) [pid ${debuggerPid}]`);
    }
    const e: Partial<DEBUG_EVENT> = {};
    if (!api.WaitForDebugEvent(e, 0)) {
      if (api.GetLastError() !== ERROR_SEM_TIMEOUT) return lastError(api, 'WaitForDebugEvent');
      const message = vscode.l10n.t('No debug event is waiting: the debuggees are running.');
      log.info(message);
      void vscode.window.showInformationMessage(message);
      return { ok: true, debuggerPid, event: null };
    }
    const text = describeEvent(system, e as DEBUG_EVENT);
    log.info(`WaitForDebugEvent [pid ${debuggerPid}]: ${text}`);
    void vscode.window.showInformationMessage(text);
    return { ok: true, debuggerPid, event: e.dwDebugEventCode, eventPid: e.dwProcessId, eventTid: e.dwThreadId };
  });

  register(ActionCommands.debugDetach, async (system, args) => {
    const debugged = new Set(system.queryDebugObjects().flatMap((d) => d.debuggeePids));
    if (args.pid === undefined && debugged.size === 0) return { ok: false, error: vscode.l10n.t('No process is being debugged. Attach a debugger, or create a process with DEBUG_PROCESS.') };
    const pid = await pickProcess(system, args, vscode.l10n.t('Detach Debugger'));
    const owner = system.queryDebugObjects().find((d) => d.debuggeePids.includes(pid));
    if (!owner) return { ok: false, error: vscode.l10n.t('Process {0} is not being debugged.', pid) };
    const api = system.win32(owner.debuggerPid);
    if (!api.DebugActiveProcessStop(pid)) return lastError(api, 'DebugActiveProcessStop');
    log.info(`DebugActiveProcessStop(${pid}) [pid ${owner.debuggerPid}]`);
    return { ok: true, pid, debuggerPid: owner.debuggerPid };
  });

  register(ActionCommands.runLowIntegrity, async (system, args) => {
    const title = vscode.l10n.t('Run at Low Integrity');
    const creator = typeof args.pid === 'number' ? args.pid : system.processIds.find((p) => system.queryProcess(p)!.imageFileName.toLowerCase() === 'explorer.exe');
    if (creator === undefined || !system.queryProcess(creator)) return { ok: false, error: vscode.l10n.t('There is no process with id {0}.', String(args.pid ?? 'explorer.exe')) };
    let imagePath = args.imagePath;
    if (imagePath === undefined) {
      const picked = await vscode.window.showQuickPick(KNOWN_IMAGES.map((p) => ({ label: p.slice(p.lastIndexOf('\\') + 1), description: p, path: p })), { title, placeHolder: vscode.l10n.t('The image to run (CreateProcess lpApplicationName)') });
      if (!picked) throw new Cancelled();
      imagePath = picked.path;
    }
    if (typeof imagePath !== 'string' || !imagePath.trim()) throw new Invalid(vscode.l10n.t('"{0}" must be a non-empty string.', 'imagePath'));
    // The documented recipe: duplicate the own token, lower its mandatory label, CreateProcessAsUser.
    const api = system.win32(creator);
    const own = { value: 0 };
    if (!api.OpenProcessToken(api.GetCurrentProcess(), TOKEN_QUERY | TOKEN_DUPLICATE | TOKEN_ADJUST_DEFAULT | TOKEN_ASSIGN_PRIMARY, own)) return lastError(api, 'OpenProcessToken');
    const low = { value: 0 };
    try {
      if (!api.DuplicateTokenEx(own.value, 0, null, SecurityImpersonation, TokenPrimary, low)) return lastError(api, 'DuplicateTokenEx');
      if (!api.SetTokenInformation(low.value, TokenIntegrityLevel, { Label: { Sid: 'S-1-16-4096' } })) return lastError(api, 'SetTokenInformation');
      const info = { hProcess: 0, hThread: 0, dwProcessId: 0, dwThreadId: 0 };
      if (!api.CreateProcessAsUser(low.value, imagePath.trim(), null, false, 0, null, info)) return lastError(api, 'CreateProcessAsUser');
      api.CloseHandle(info.hProcess);
      api.CloseHandle(info.hThread);
      log.info(`OpenProcessToken, DuplicateTokenEx, SetTokenInformation(TokenIntegrityLevel, S-1-16-4096), CreateProcessAsUser(${imagePath.trim()}) = pid ${info.dwProcessId} [pid ${creator}]`);
      return { ok: true, pid: info.dwProcessId, tid: info.dwThreadId };
    } finally {
      if (low.value) api.CloseHandle(low.value);
      api.CloseHandle(own.value);
    }
  });
}
