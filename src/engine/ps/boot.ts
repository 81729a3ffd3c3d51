// Boot, as chapter 2 tells it: the System process and the memory manager's threads, Registry, smss and its
// per-session instances, csrss, wininit, winlogon, services, lsass, fontdrvhost, svchost instances, dwm,
// userinit (which exits), explorer, and Memory Compression.
// Windows Internals 7e ch. 2, "Key system components"; Part 2 ch. 12, "Smss, Csrss, and Wininit".
import { STILL_ACTIVE } from '../constants';
import { LastError, Win32Error } from '../errors';
import { ProcessObject } from '../process';
import type { AccountName, IntegrityLevel } from '../se/token';
import { kernelImageBase, KI_INITIAL_PROCESS_OFFSET } from '../mm/systemSpace';
import { PS_PROTECTED_WINSYSTEM } from './create/stage2-open-image';
import { EPROCESS_SIZE, ETHREAD_SIZE } from './objectSizes';
import { SYSTEM32 } from './paths';
import type { ProcessManager } from './processManager';
import { PsProcessState } from './state';
import { insertHandle } from './handles';
import { terminateProcess } from './termination';
import { newToken } from './tokenObjects';
import { createKernelStack } from './threads';

/** The memory manager's system threads, by start routine (ch. 5). */
export const MM_SYSTEM_THREADS = ['KeBalanceSetManager', 'KeSwapProcessOrStack', 'MiModifiedPageWriter', 'MiMappedPageWriter', 'MiDereferenceSegmentThread', 'MiZeroPageThread'] as const;
/**
 * Their priorities as Windows Internals 6e (Part 2, ch. 10, the list of the memory manager's components) gives
 * them: balance set manager 16, process/stack swapper 23, modified and mapped page writers 17, segment
 * dereference thread 18, zero page thread 0 (the only priority-0 thread: Microsoft Learn, "Scheduling
 * Priorities"). The numbers come from 6e only: the same list in 7e (Part 1, ch. 5, "Memory manager components")
 * could not be checked here and may give newer values (writers 18, segment dereference 19 have been reported).
 */
const MM_THREAD_PRIORITY: Record<(typeof MM_SYSTEM_THREADS)[number], number> = {
  KeBalanceSetManager: 16, KeSwapProcessOrStack: 23, MiModifiedPageWriter: 17, MiMappedPageWriter: 17, MiDereferenceSegmentThread: 18, MiZeroPageThread: 0,
};
/**
 * Base priorities the boot processes run at, as Process Explorer shows them on Windows 10/11: smss 11;
 * csrss, wininit and winlogon 13; services and lsass 9 (Windows Internals 7e ch. 4, "Thread scheduling",
 * the process priorities of the system processes).
 */
const BOOT_PRIORITY: Record<string, number> = { 'smss.exe': 11, 'csrss.exe': 13, 'wininit.exe': 13, 'winlogon.exe': 13, 'services.exe': 9, 'lsass.exe': 9 };

/** sizeof(OBJECT_DIRECTORY) on x64 Windows 10 (37 hash buckets, lock, device map, shadow, namespace entry, session object, flags, session id). */
const OBJECT_DIRECTORY_SIZE = 0x158;
/** DIRECTORY_ALL_ACCESS (STANDARD_RIGHTS_REQUIRED | 0xF). */
const DIRECTORY_ALL_ACCESS = 0xF000F;

/**
 * SmpInitializeKnownDlls: smss creates the permanent \KnownDlls object directory (the section objects of the
 * known DLLs go in it) and keeps its handle. Windows Internals 7e Part 2 ch. 12, "Smss, Csrss, and Wininit";
 * routine name from smss's public symbols.
 */
function createKnownDlls(pm: ProcessManager, smss: ProcessObject): void {
  const header = pm.ob.create('Directory', 0, OBJECT_DIRECTORY_SIZE, '\\KnownDlls'); // its creation reference keeps it (permanent)
  const handle = insertHandle(pm, smss, header.objectId, DIRECTORY_ALL_ACCESS);
  const t = pm.trace;
  t.step('ob.createKnownDlls')?.n(smss.pid).n(handle).a(header.address).change('process', smss.pid);
}

/** Chapter 2's boot: Idle, System and its threads, Registry, smss (and its per-session instances), csrss, wininit, services, lsass, fontdrvhost, svchost instances, winlogon, dwm, userinit, explorer, Memory Compression. */
export function boot(pm: ProcessManager): void {
  const t = pm.trace;
  const mm = pm.mm;
  // The System process (pid 4): kernel address space, SYSTEM token, the memory manager's threads.
  // The Idle process (pid 0): one idle thread per processor, set up by KiInitializeKernel (Windows Internals
  // 7e ch. 2, "System processes": "Idle process"); shown as a process of its own, as Task Manager and
  // Process Explorer list it (its idle threads are not modelled as thread objects).
  const make = (name: string): ProcessObject => {
    const idle = name === 'Idle';
    // The Idle process is pid 0, outside the CID table (no handle-table entry names it).
    const pid = idle ? 0 : pm.cids.allocate('p');
    const index = pm.ctx.processes.length;
    const st = new PsProcessState(newToken(pm, { account: 'LocalSystem', sessionId: 0 }));
    // Idle's EPROCESS is KiInitialProcess, a variable in the kernel image's data: no ObCreateObject, so no pool
    // block ('Proc') and no object header (objectId 0). Every other process here is a process object from pool.
    let eprocess: bigint;
    if (idle) eprocess = kernelImageBase(pm.ob.poolBase) + KI_INITIAL_PROCESS_OFFSET;
    else {
      const header = pm.ob.create('Process', index, EPROCESS_SIZE);
      eprocess = header.address;
      st.objectId = header.objectId;
    }
    const p = new ProcessObject(index, pid, name, 0, -1, eprocess, st);
    // The System process is a protected process of signer WinSystem (Windows Internals 7e ch. 3, "Protected
    // processes", the signers table). Idle is given no protection: no source gives it one, and nothing can open
    // it (OpenProcess on process ID 0 fails with ERROR_INVALID_PARAMETER before any check: Learn, OpenProcess).
    st.protection = name === 'System' ? PS_PROTECTED_WINSYSTEM : 0;
    pm.ctx.processes.push(p);
    pm.ctx.byPid.set(pid, p);
    // Idle has no page directory of its own here: its DirectoryTableBase is set to System's below.
    if (idle) mm.adoptProcess(p);
    else mm.createAddressSpace(p);
    st.createSeq = t.count;
    st.inserted = true;
    pm.liveCount++;
    if (name === 'Idle') t.step('process.idle')?.n(pm.ctx.processors).a(p.eprocess).change('process', pid).change('system');
    else if (name === 'System') { t.step('process.system')?.n(pid).a(p.eprocess).change('process', pid); }
    else if (name === MEMORY_COMPRESSION_NAME) t.step('process.memCompression')?.n(pid).a(p.eprocess).b(mm.store.enabled).change('process', pid);
    else t.step('process.registry')?.n(pid).a(p.eprocess).change('process', pid);
    return p;
  };
  // Task Manager's and Process Explorer's "System Idle Process" (EPROCESS.ImageFileName "Idle"), pid 0: the
  // processors' idle threads belong to it.
  const idleProcess = make('Idle');
  const system = make('System');
  // Idle and System share one DirectoryTableBase, the kernel's initial page tables: PspAllocateProcess builds
  // the System process with MmInitializeHandBuiltProcess, which copies the current (Idle) process's
  // DirectoryTableBase into it instead of creating a page directory (routine names and caller from ntoskrnl's
  // public symbols). The lab makes the page directory with System and points Idle at it; Idle maps nothing.
  idleProcess.directoryTableBase = system.directoryTableBase;
  for (const name of MM_SYSTEM_THREADS) {
    const tid = pm.cids.allocate('t');
    const header = pm.ob.create('Thread', tid, ETHREAD_SIZE);
    system.threads.push({
      tid, teb: 0n, stackBase: 0n, stackLimit: 0n, state: 'Waiting', suspendCount: 0, ethread: header.address,
      priority: MM_THREAD_PRIORITY[name], basePriority: MM_THREAD_PRIORITY[name], startAddress: 0n,
      win32StartAddress: 0n, exitStatus: STILL_ACTIVE, waitReason: name === 'MiZeroPageThread' ? 'WrFreePage' : 'WrVirtualMemory', objectId: header.objectId,
      csrThread: 0n, pendingLoaderInit: false, kernelStack: createKernelStack(pm, tid),
    });
    pm.threadObjects.set(header.objectId, [system.index, tid]);
    pm.threadIndex.set(tid, system.index);
    t.step('thread.system')?.n(tid).s(name).a(header.address).change('thread', tid);
  }
  const registry = make('Registry');
  (registry as { parentPid: number }).parentPid = system.pid;
  const sys = { account: 'LocalSystem' as AccountName, sessionId: 0 };
  // `native`: started with RtlCreateUserProcess (the kernel's StartFirstUserProcess for smss; smss for its
  // session copies, csrss, wininit and winlogon), not through kernel32's CreateProcess and with no call to
  // CSRSS; the others (services, lsass, svchost, userinit, explorer) are Win32 processes' CreateProcess(AsUser).
  const create = (image: string, parent: number, session: number, account: AccountName = 'LocalSystem', commandLine?: string, integrity?: IntegrityLevel, native = false): number => {
    const name = image.slice(image.lastIndexOf('\\') + 1).toLowerCase();
    try {
      return pm.createProcess({ imagePath: image, parentPid: parent, sessionId: session, token: { account, sessionId: session, integrityLevel: integrity }, commandLine, native, basePriority: BOOT_PRIORITY[name] }).pid;
    } catch (e) {
      // A boot process that cannot start ends the boot with the Win32 error and the image named.
      if (e instanceof LastError) throw new Win32Error(e.code, `boot: ${image} could not start (Win32 error ${e.code})`);
      throw e;
    }
  };
  void sys;
  const smss = create(`${SYSTEM32}\\smss.exe`, system.pid, 0, 'LocalSystem', SMSS_COMMAND_LINE, undefined, true);
  createKnownDlls(pm, pm.ctx.byPid.get(smss)!);
  // smss starts one instance of itself per session; each starts that session's csrss and wininit/winlogon, then
  // exits (Windows Internals 7e Part 2 ch. 12, "Smss, Csrss, and Wininit"). The copies' real arguments are in no
  // source we have: the lab gives them the master's command line (README).
  const smss0 = create(`${SYSTEM32}\\smss.exe`, smss, 0, 'LocalSystem', SMSS_COMMAND_LINE, undefined, true);
  create(`${SYSTEM32}\\csrss.exe`, smss0, 0, 'LocalSystem', '%SystemRoot%\\system32\\csrss.exe ObjectDirectory=\\Windows SharedSection=1024,20480,768 Windows=On SubSystemType=Windows ServerDll=basesrv,1 ServerDll=winsrv:UserServerDllInitialization,3 ServerDll=sxssrv,4 ProfileControl=Off MaxRequestThreads=16', undefined, true);
  const wininit = create(`${SYSTEM32}\\wininit.exe`, smss0, 0, 'LocalSystem', 'wininit.exe', undefined, true);
  terminateProcess(pm, pm.ctx.byPid.get(smss0)!, 0, smss0);
  const smss1 = create(`${SYSTEM32}\\smss.exe`, smss, 1, 'LocalSystem', SMSS_COMMAND_LINE, undefined, true);
  create(`${SYSTEM32}\\csrss.exe`, smss1, 1, 'LocalSystem', '%SystemRoot%\\system32\\csrss.exe ObjectDirectory=\\Windows SharedSection=1024,20480,768 Windows=On SubSystemType=Windows ServerDll=basesrv,1 ServerDll=winsrv:UserServerDllInitialization,3 ServerDll=sxssrv,4 ProfileControl=Off MaxRequestThreads=16', undefined, true);
  const winlogon = create(`${SYSTEM32}\\winlogon.exe`, smss1, 1, 'LocalSystem', 'winlogon.exe', undefined, true);
  terminateProcess(pm, pm.ctx.byPid.get(smss1)!, 0, smss1);
  const services = create(`${SYSTEM32}\\services.exe`, wininit, 0, 'LocalSystem', 'C:\\Windows\\system32\\services.exe');
  create(`${SYSTEM32}\\lsass.exe`, wininit, 0, 'LocalSystem', 'C:\\Windows\\system32\\lsass.exe');
  // The user-mode font driver host of session 0 (wininit's child; session 1's is winlogon's), as Process Explorer
  // shows Windows 10's tree; it runs as the virtual account Font Driver Host\UMFD-<session>.
  create(`${SYSTEM32}\\fontdrvhost.exe`, wininit, 0, 'UMFD-0', '"fontdrvhost.exe"');
  // The service control manager starts the service host processes, one per service group (Microsoft Learn,
  // "Changes to Service Host grouping in Windows 10": with enough RAM each service gets its own svchost; the
  // simulation starts four of the usual groups, with their accounts).
  for (const [group, account] of SVCHOST_GROUPS) create(`${SYSTEM32}\\svchost.exe`, services, 0, account, `C:\\Windows\\system32\\svchost.exe -k ${group} -p`);
  // Session 1's desktop: winlogon starts its font driver host and the Desktop Window Manager (dwm.exe, running as
  // Window Manager\DWM-1) before the user logs on (Windows Internals 7e Part 2 ch. 12, "Winlogon").
  create(`${SYSTEM32}\\fontdrvhost.exe`, winlogon, 1, 'UMFD-1', '"fontdrvhost.exe"');
  create(`${SYSTEM32}\\dwm.exe`, winlogon, 1, 'DWM-1', '"dwm.exe"');
  const userinit = create(`${SYSTEM32}\\userinit.exe`, winlogon, 1, 'User', 'C:\\Windows\\system32\\userinit.exe');
  create('C:\\Windows\\explorer.exe', userinit, 1, 'User', 'C:\\Windows\\Explorer.EXE');
  // userinit exits once it has started the shell, leaving explorer without a live parent (Windows Internals 7e Part 2
  // ch. 12, "Winlogon" / "Userinit").
  terminateProcess(pm, pm.ctx.byPid.get(userinit)!, 0, userinit);
  // The store manager's process, a child of System: a minimal process (no PEB, no ntdll, no user threads)
  // whose user address space holds the compression store (Windows Internals 7e Part 1 ch. 5, "Memory
  // compression"; ch. 2 "Minimal and Pico processes"). Only when compression is on (createSystem's
  // memoryCompression, the simulation's Enable-MMAgent / Disable-MMAgent -MemoryCompression).
  if (mm.store.enabled) {
    const memc = make(MEMORY_COMPRESSION_NAME);
    (memc as { parentPid: number }).parentPid = system.pid;
    mm.store.processIndex = memc.index;
  }
}

/** smss's command line, as the kernel starts it (\SystemRoot is the object-manager link to the Windows directory). */
const SMSS_COMMAND_LINE = '\\SystemRoot\\System32\\smss.exe';

/** Service groups the boot starts a svchost.exe for, with the account each runs as. */
const SVCHOST_GROUPS: ReadonlyArray<readonly [string, AccountName]> = [
  ['DcomLaunch', 'LocalSystem'], ['RPCSS', 'NetworkService'], ['LocalServiceNetworkRestricted', 'LocalService'], ['netsvcs', 'LocalSystem'],
];

/** EPROCESS.ImageFileName of the store's process (15 characters at most: Task Manager shows "Memory Compression"). */
export const MEMORY_COMPRESSION_NAME = 'MemCompression';
