// Process and thread commands: !process, !thread, !peb, !teb, .process, .thread, !handle, !token,
// !job, lm, k. Layouts follow the examples of the Microsoft Learn debugger reference pages of each
// command (Debugging Tools for Windows, "Kernel-Mode Extensions"); values are the simulation's.
import { describeObject, type ObjectLayout, type ProcessInfo } from '../../engine';
import { callChain } from '../panels/explain';
import { KdError } from './expr';
import { hex, hexColumn, hexDigits, PAGE_SIZE_N, pointer, pointerDigits } from '../present/format';
import { commitCharge, printable } from './format';
import type { KdSteps } from './kd';
import type { KdTarget } from './target';
import { VAD_ROOT_OFFSET } from './vm';

type Out = string[];

const fieldOf = (l: ObjectLayout | undefined, name: string): string | number | bigint | undefined => l?.fields.find((f) => f.name === name)?.value;
const big = (v: unknown): bigint => (typeof v === 'bigint' ? v : typeof v === 'number' ? BigInt(v) : 0n);
const unquote = (v: unknown): string => String(v ?? '').replace(/^"|"$/g, '');

/** The `PROCESS ...` block every process listing starts with (!process flag 0). */
export function processHeader(_t: KdTarget, p: ProcessInfo, out: Out): void {
  // From queryProcess itself: a 2,000-process listing reads no handle table (DESIGN.md §8, 50 ms).
  const handles = p.handleCount;
  const table = p.objectTable;
  out.push(`PROCESS ${pointerDigits(p.eprocess)}`);
  out.push(`    SessionId: ${p.pid === 4 || p.pid === 0 ? 'none' : p.sessionId}  Cid: ${hexDigits(p.pid, 4)}    Peb: ${hexDigits(p.peb, 8)}  ParentCid: ${hexDigits(p.parentPid, 4)}`);
  out.push(`    DirBase: ${hexDigits(BigInt(p.directoryTableBase) * PAGE_SIZE_N, 8)}  ObjectTable: ${pointerDigits(table)}  HandleCount: ${String(handles).padStart(4)}.`);
  out.push(`    Image: ${printable(p.imageFileName)}`);
}

/** The one-line thread summary of !process flag 2/4 and the first line of !thread. */
function threadLine(t: KdTarget, pid: number, tid: number, teb: bigint): string {
  const kt = describeObject(t.system, { kind: 'KTHREAD', tid, pid });
  // ETHREAD.Tcb is the KTHREAD at offset 0: one layout gives the address too.
  const address = kt?.address ?? 0n;
  const state = String(fieldOf(kt, 'State') ?? '');
  const reason = /\(([^)]+)\)/.exec(String(fieldOf(kt, 'WaitReason') ?? ''))?.[1] ?? 'Executive';
  const name = /\(([^)]+)\)/.exec(state)?.[1] ?? state;
  let what: string;
  switch (name) {
    case 'Waiting': what = `WAIT: (${reason}) ${teb ? 'UserMode' : 'KernelMode'} Non-Alertable`; break;
    case 'Running': what = 'RUNNING on processor 0'; break;
    case 'Ready': case 'DeferredReady': what = 'READY on processor 0'; break;
    case 'Terminated': what = 'TERMINATED'; break;
    default: what = name.toUpperCase();
  }
  return `THREAD ${pointerDigits(address)}  Cid ${hexDigits(pid, 4)}.${hexDigits(tid, 4)}  Teb: ${pointerDigits(teb)} Win32Thread: ${pointerDigits(0n)} ${what}`;
}

function processDetails(t: KdTarget, p: ProcessInfo, flags: number, out: Out): void {
  processHeader(t, p, out);
  if (flags & 1) {
    const ep = describeObject(t.system, { kind: 'EPROCESS', pid: p.pid });
    const kp = ep?.fields[0]?.ref ? describeObject(t.system, ep.fields[0].ref) : undefined;
    const job = t.jobOf(p.pid);
    // Learn's "!process" example: `VadRoot <address> Vads N Clone 0 Private N.`; the address is EPROCESS.VadRoot
    // (!vad takes it; the simulation keeps no MMVAD node addresses). The Modified and Locked counts that
    // follow in WinDbg are left out: the simulation does not count them per process.
    out.push(`    VadRoot ${pointerDigits(p.eprocess + VAD_ROOT_OFFSET)} Vads ${p.vadCount} Clone 0 Private ${fieldOf(ep, 'NumberOfPrivatePages') ?? p.privateCommit}.`);
    out.push(`    Token                             ${pointerDigits(big(fieldOf(ep, 'Token')) & ~0xFn)}`);
    if (job) out.push(`    Job                               ${pointerDigits(job.address)}`);
    out.push(`    Working Set Sizes (now,min,max)  (${p.workingSetSize}, ${p.workingSetMinimum}, ${p.workingSetMaximum}) (${p.workingSetSize * 4}KB, ${p.workingSetMinimum * 4}KB, ${p.workingSetMaximum * 4}KB)`);
    out.push(`    PeakWorkingSetSize                ${p.peakWorkingSetSize}`);
    out.push(`    PageFaultCount                    ${p.pageFaultCount}`);
    out.push(`    BasePriority                      ${Number(fieldOf(kp, 'BasePriority') ?? 8)}`);
    out.push(`    CommitCharge                      ${commitCharge(p)}`);
  }
  if (flags & 6) {
    out.push('');
    for (const th of p.threads) out.push(`        ${threadLine(t, p.pid, th.tid, th.teb)}`);
  }
  out.push('');
}

/**
 * !process [Process [Flags [ImageName]]]. `!process 0 <flags>` walks every process and yields after
 * each one (a 2,000-process `!process 0 7` is ~28,000 lines: the console prints them slice by slice and
 * Ctrl+C stops the walk).
 */
export function* cmdProcess(t: KdTarget, args: string[], out: Out): KdSteps {
  if (args.length === 0) { processDetails(t, t.process!, 3, out); return; }
  const first = t.eval(args[0]!);
  const flags = args[1] !== undefined ? Number(t.eval(args[1]) & 0xFFn) : first === 0n ? 3 : 0xF;
  const image = args[2]?.toLowerCase();
  if (first === 0n) {
    out.push('**** NT ACTIVE PROCESS DUMP ****');
    for (const pid of t.system.processIds) {
      const p = t.system.queryProcess(pid);
      // The dump walks PsActiveProcessHead: a process still being created is not on it until stage 3F
      // (PspInsertProcess; Windows Internals 7e ch. 3). (Gone: the live machine moved between slices.)
      if (!p || p.creating) continue;
      // Idle (pid 0) is not on the list: PspInitPhase0 initializes PsActiveProcessHead without inserting the initial
      // process, so the walk starts at System (ReactOS wiki, "Idle Process"). `!process <Idle's EPROCESS>` still shows it.
      if (p.pid === 0) continue;
      if (image !== undefined && p.imageFileName.toLowerCase() !== image) continue;
      processDetails(t, p, flags, out);
      yield;
    }
    return;
  }
  const p = first === 0xFFFFFFFFFFFFFFFFn ? t.process : t.processByAddressOrId(first);
  if (!p) throw new KdError(`Unable to read _EPROCESS at ${pointer(first)}`);
  processDetails(t, p, flags, out);
}

/** !thread [Address [Flags]] */
export function cmdThread(t: KdTarget, args: string[], out: Out): void {
  let pid = t.pid;
  let tid = t.tid;
  if (args[0] !== undefined) {
    const v = t.eval(args[0]);
    const found = t.threadByAddressOrId(v);
    if (!found) throw new KdError(`Unable to read _ETHREAD at ${pointer(v)}`);
    pid = found.pid; tid = found.tid;
  }
  const p = t.system.queryProcess(pid);
  const th = p?.threads.find((x) => x.tid === tid);
  if (!p || !th || tid === undefined) throw new KdError('No current thread');
  const kt = describeObject(t.system, { kind: 'KTHREAD', tid, pid });
  const et = describeObject(t.system, { kind: 'ETHREAD', tid, pid });
  out.push(threadLine(t, pid, tid, th.teb));
  out.push('Not impersonating');
  out.push(`Owning Process            ${pointerDigits(p.eprocess)}       Image:         ${printable(p.imageFileName)}`);
  out.push('Attached Process          N/A            Image:         N/A');
  out.push(`Win32 Start Address ${hex(big(fieldOf(et, 'Win32StartAddress')))}`);
  out.push(`Start Address ${hex(big(fieldOf(et, 'StartAddress')))}`);
  // WinDbg prints a "Stack Init <InitialStack> Current <KernelStack>" line here; the simulation keeps no
  // InitialStack or KernelStack values (no kernel-mode execution is modelled), so that line is left out
  // rather than filled with StackBase twice.
  out.push(`Base ${pointerDigits(big(fieldOf(kt, 'StackBase')))} Limit ${pointerDigits(big(fieldOf(kt, 'StackLimit')))} Call ${pointerDigits(0n)}`);
  out.push(`Priority ${Number(fieldOf(kt, 'Priority') ?? 0)} BasePriority ${Number(fieldOf(kt, 'BasePriority') ?? 0)} PriorityDecrement 0 IoPriority 2 PagePriority 5`);
  out.push(`SuspendCount ${Number(fieldOf(kt, 'SuspendCount') ?? 0)}`);
}

/** .process [/p] [/r] [Process]: shows or sets the process context. */
export function cmdDotProcess(t: KdTarget, args: string[], out: Out): void {
  const rest = args.filter((a) => !/^\/[pri]$/i.test(a));
  if (rest.length === 0) { out.push(`Implicit process is now ${pointer(t.process?.eprocess ?? 0n)}`); return; }
  const v = t.eval(rest[0]!);
  const p = t.processByAddressOrId(v);
  if (!p) throw new KdError(`${pointer(v)} is not a valid process`);
  t.state.pid = p.pid;
  t.state.tid = undefined;
  out.push(`Implicit process is now ${pointer(p.eprocess)}`);
}

/** .thread [Thread]: shows or sets the thread context (and with it the process context). */
export function cmdDotThread(t: KdTarget, args: string[], out: Out): void {
  const rest = args.filter((a) => !/^\/[pr]$/i.test(a));
  if (rest.length === 0) { const tid = t.tid; out.push(`Implicit thread is now ${pointer(tid === undefined ? 0n : t.threadAddress(tid, t.pid) ?? 0n)}`); return; }
  const v = t.eval(rest[0]!);
  const found = t.threadByAddressOrId(v);
  if (!found) throw new KdError(`${pointer(v)} is not a valid thread`);
  t.state.pid = found.pid;
  t.state.tid = found.tid;
  out.push(`Implicit thread is now ${pointer(found.address)}`);
}

/** !peb [Address]: the current process's PEB, its loader list and process parameters. */
export function cmdPeb(t: KdTarget, args: string[], out: Out): void {
  let p = t.process;
  if (args[0] !== undefined) {
    const v = t.eval(args[0]);
    p = t.system.processIds.map((pid) => t.system.queryProcess(pid)!).find((x) => x.peb === v);
    if (!p) throw new KdError(`error 1 InitTypeRead( nt!_PEB at ${pointer(v)})`);
  }
  if (!p || p.peb === 0n) { out.push('PEB NULL...'); return; }
  const peb = describeObject(t.system, { kind: 'PEB', pid: p.pid });
  const params = describeObject(t.system, { kind: 'RTL_USER_PROCESS_PARAMETERS', pid: p.pid });
  const ldr = describeObject(t.system, { kind: 'PEB_LDR_DATA', pid: p.pid });
  const yes = (v: unknown): string => (Number(v ?? 0) ? 'Yes' : 'No');
  out.push(`PEB at ${pointerDigits(p.peb)}`);
  out.push('    InheritedAddressSpace:    No');
  out.push('    ReadImageFileExecOptions: No');
  out.push(`    BeingDebugged:            ${yes(fieldOf(peb, 'BeingDebugged'))}`);
  out.push(`    ImageBaseAddress:         ${pointerDigits(big(fieldOf(peb, 'ImageBaseAddress')))}`);
  out.push(`    NtGlobalFlag:             0`);
  out.push(`    Ldr                       ${pointerDigits(big(fieldOf(peb, 'Ldr')))}`);
  out.push(`    Ldr.Initialized:          ${yes(fieldOf(ldr, 'Initialized'))}`);
  out.push('            Base TimeStamp                     Module');
  for (const m of t.modules(p.pid)) out.push(`    ${hexColumn(m.base, 16)}        0 Jan 01 00:00:00 1970 ${printable(m.path)}`);
  out.push(`    SubSystemData:     ${pointerDigits(0n)}`);
  out.push(`    ProcessHeap:       ${pointerDigits(big(fieldOf(peb, 'ProcessHeap')))}`);
  out.push(`    ProcessParameters: ${pointerDigits(big(fieldOf(peb, 'ProcessParameters')))}`);
  if (params) {
    out.push(`    CurrentDirectory:  '${printable(unquote(fieldOf(params, 'CurrentDirectory')))}'`);
    out.push(`    ImageFile:    '${printable(unquote(fieldOf(params, 'ImagePathName')))}'`);
    out.push(`    CommandLine:  '${printable(unquote(fieldOf(params, 'CommandLine')))}'`);
    out.push(`    Environment:  ${pointerDigits(big(fieldOf(params, 'Environment')))}`);
  }
}

/** !teb [Address]: the current thread's TEB. */
export function cmdTeb(t: KdTarget, args: string[], out: Out): void {
  let tid = t.tid;
  let owner = t.pid;
  if (args[0] !== undefined) {
    const v = t.eval(args[0]);
    tid = undefined;
    for (const pid of t.system.processIds) for (const th of t.system.queryProcess(pid)!.threads) if (th.teb === v && v !== 0n) { tid = th.tid; owner = pid; }
    if (tid === undefined) throw new KdError(`error InitTypeRead( TEB ) at ${pointer(v)}`);
  }
  const teb = tid === undefined ? undefined : describeObject(t.system, { kind: 'TEB', tid, pid: owner });
  if (!teb || teb.address === 0n) { out.push('TEB at 0000000000000000'); out.push('error InitTypeRead( TEB )...'); return; }
  const cid = String(fieldOf(teb, 'ClientId') ?? '').split('.');
  out.push(`TEB at ${pointerDigits(teb.address)}`);
  out.push(`    ExceptionList:        ${pointerDigits(0n)}`);
  out.push(`    StackBase:            ${pointerDigits(big(fieldOf(teb, 'NtTib.StackBase')))}`);
  out.push(`    StackLimit:           ${pointerDigits(big(fieldOf(teb, 'NtTib.StackLimit')))}`);
  out.push(`    Self:                 ${pointerDigits(big(fieldOf(teb, 'NtTib.Self')))}`);
  out.push(`    ClientId:             ${hexDigits(Number(cid[0] ?? 0), 16)} . ${hexDigits(Number(cid[1] ?? 0), 16)}`);
  out.push(`    PEB Address:          ${pointerDigits(big(fieldOf(teb, 'ProcessEnvironmentBlock')))}`);
  out.push(`    LastErrorValue:       ${Number(fieldOf(teb, 'LastErrorValue') ?? 0)}`);
}

/**
 * !handle [Handle [Flags [Process]]]: a process's handle table, after Learn's "!handle" (kernel mode).
 * Flags (default 0x3): bit 0 (0x1) basic handle information, the `hhhh: Object: ... GrantedAccess: ...
 * Entry: ...` line; bit 1 (0x2) information about the object: its type, header, HandleCount and
 * PointerCount and name; bit 2 (0x4) free entries (the table keeps none apart from its high-water mark,
 * so nothing more is shown). Handle 0 or -1 (or none) lists every handle. The object type's own
 * address, which WinDbg prints before the type name, is left out: no OBJECT_TYPE objects are simulated.
 */
export function cmdHandle(t: KdTarget, args: string[], out: Out): void {
  let p = t.process!;
  if (args[2] !== undefined) {
    const v = t.eval(args[2]);
    const found = t.processByAddressOrId(v);
    if (!found) throw new KdError(`Unable to read _EPROCESS at ${pointer(v)}`);
    p = found;
  }
  const raw = args[0] !== undefined ? t.eval(args[0]) : 0n;
  const only = raw === 0xFFFFFFFFFFFFFFFFn ? 0n : raw;
  const flags = args[1] !== undefined ? Number(t.eval(args[1]) & 0xFFn) : 3;
  const handles = t.system.queryHandles(p.pid);
  processHeader(t, p, out);
  out.push('');
  out.push(`Handle table at ${pointerDigits(p.objectTable)} with ${handles.length} entries in use`);
  out.push('');
  for (const h of handles) {
    if (only !== 0n && BigInt(h.handle) !== only) continue;
    if (flags & 1) {
      const entry = describeObject(t.system, { kind: 'HANDLE_TABLE_ENTRY', pid: p.pid, handle: h.handle })?.address ?? 0n;
      out.push(`${hexDigits(h.handle, 4)}: Object: ${pointerDigits(h.objectAddress)}  GrantedAccess: ${hexDigits(h.grantedAccess, 8)}${h.inherit ? ' (Inherit)' : ''} Entry: ${pointerDigits(entry)}`);
    }
    if (flags & 2) {
      out.push(`Object: ${pointerDigits(h.objectAddress)}  Type: ${h.typeName}`);
      // OBJECT_HEADER.Body is at +0x30 on x64 (dt nt!_OBJECT_HEADER): the header precedes the body.
      out.push(`    ObjectHeader: ${pointerDigits(h.objectAddress - 0x30n)} (new version)`);
      out.push(`        HandleCount: ${h.handleCount ?? 0}  PointerCount: ${h.pointerCount ?? 0}`);
      if (h.name) {
        const cut = h.name.lastIndexOf('\\');
        out.push(`        Directory Object: ${cut > 0 ? printable(h.name.slice(0, cut)) : '\\'}  Name: ${printable(h.name.slice(cut + 1))}`);
      }
    }
    if (flags & 3) out.push('');
  }
}

/** Well-known privilege LUIDs (SE_*_PRIVILEGE in ntseapi.h / wdm.h, Microsoft Learn "Privilege Constants"). */
const PRIVILEGE_LUIDS: Record<string, number> = {
  SeCreateTokenPrivilege: 2, SeAssignPrimaryTokenPrivilege: 3, SeLockMemoryPrivilege: 4, SeIncreaseQuotaPrivilege: 5,
  SeMachineAccountPrivilege: 6, SeTcbPrivilege: 7, SeSecurityPrivilege: 8, SeTakeOwnershipPrivilege: 9, SeLoadDriverPrivilege: 10,
  SeSystemProfilePrivilege: 11, SeSystemtimePrivilege: 12, SeProfileSingleProcessPrivilege: 13, SeIncreaseBasePriorityPrivilege: 14,
  SeCreatePagefilePrivilege: 15, SeCreatePermanentPrivilege: 16, SeBackupPrivilege: 17, SeRestorePrivilege: 18, SeShutdownPrivilege: 19,
  SeDebugPrivilege: 20, SeAuditPrivilege: 21, SeSystemEnvironmentPrivilege: 22, SeChangeNotifyPrivilege: 23, SeRemoteShutdownPrivilege: 24,
  SeUndockPrivilege: 25, SeSyncAgentPrivilege: 26, SeEnableDelegationPrivilege: 27, SeManageVolumePrivilege: 28, SeImpersonatePrivilege: 29,
  SeCreateGlobalPrivilege: 30, SeTrustedCredManAccessPrivilege: 31, SeRelabelPrivilege: 32, SeIncreaseWorkingSetPrivilege: 33,
  SeTimeZonePrivilege: 34, SeCreateSymbolicLinkPrivilege: 35, SeDelegateSessionUserImpersonatePrivilege: 36,
};

/**
 * SID_AND_ATTRIBUTES.Attributes as !token words them (Learn's "!token" example: `Attributes - Mandatory
 * Default Enabled Owner`, `GroupResource`, `LogonId`), one word per SE_GROUP_* bit of winnt.h in bit
 * order: MANDATORY 0x1, ENABLED_BY_DEFAULT 0x2, ENABLED 0x4, OWNER 0x8, USE_FOR_DENY_ONLY 0x10,
 * INTEGRITY 0x20, INTEGRITY_ENABLED 0x40, RESOURCE 0x20000000, LOGON_ID 0xC0000000 (Microsoft Learn,
 * "TOKEN_GROUPS structure").
 */
const GROUP_ATTRIBUTES: ReadonlyArray<[number, string]> = [
  [0x1, 'Mandatory'], [0x2, 'Default'], [0x4, 'Enabled'], [0x8, 'Owner'], [0x10, 'UseForDenyOnly'],
  [0x20, 'GroupIntegrity'], [0x40, 'GroupIntegrityEnabled'], [0x20000000, 'GroupResource'], [0xC0000000, 'LogonId'],
];
function groupAttributes(a: number): string {
  return GROUP_ATTRIBUTES.filter(([bit]) => ((a & bit) >>> 0) === bit).map(([, w]) => w).join(' ');
}

/**
 * The friendly name !token -n prints after a group's SID, `(Use: DOMAIN\name)` with the SID_NAME_USE
 * word as the example shows it: `Alias` for BUILTIN (S-1-5-32-x), `Label` for a mandatory label
 * (S-1-16-x), `Group` for a domain or machine group (S-1-5-21-...), `Well Known Group` for the rest;
 * a logon SID (S-1-5-5-x-y) has no account name: `(no name mapped)`.
 */
function sidName(sid: string, name: string): string {
  if (sid.startsWith('S-1-5-5-')) return '(no name mapped)';
  const use = sid.startsWith('S-1-5-32-') ? 'Alias' : sid.startsWith('S-1-16-') ? 'Label' : sid.startsWith('S-1-5-21-') ? 'Group' : 'Well Known Group';
  return `(${use}: ${printable(name.includes('\\') ? name : `localhost\\${name}`)})`;
}

/**
 * !token [-n] [Address]: the current process's primary token, after Learn's "!token": the `_TOKEN 0x...`
 * header, TS Session ID, User (with -n its account name, "-n Causes the display to include the friendly
 * name"), the groups (`Groups:`, each ` NN SID` and its `Attributes - ...` line, the integrity label
 * last), the privileges with their LUIDs and attributes, Authentication ID, TokenType and Token ID.
 * Left out: Primary Group, Source, Modified ID and the rest, which the simulated token does not keep.
 */
export function cmdToken(t: KdTarget, args: string[], out: Out): void {
  let pid = t.pid;
  const names = args.some((a) => a.toLowerCase() === '-n');
  const rest = args.filter((a) => a.toLowerCase() !== '-n');
  if (rest[0] !== undefined) {
    const v = t.eval(rest[0]) & ~0xFn;
    const owner = t.system.processIds.find((x) => (describeObject(t.system, { kind: 'TOKEN', pid: x })?.address ?? -1n) === v);
    if (owner === undefined) throw new KdError(`Unable to read _TOKEN at ${pointer(v)}`);
    pid = owner;
  }
  const tok = describeObject(t.system, { kind: 'TOKEN', pid });
  if (!tok) throw new KdError('Unable to get the token of the current process');
  const user = String(fieldOf(tok, 'UserAndGroups') ?? '');
  const m = /^(.*) \((S-[0-9-]+)\)$/.exec(user);
  const sid = m?.[2] ?? user;
  if (rest[0] === undefined) out.push('Thread is not impersonating. Using process token...');
  out.push(`_EPROCESS 0x${pointerDigits(t.system.queryProcess(pid)!.eprocess)}, _TOKEN 0x${pointerDigits(tok.address)}`);
  out.push(`TS Session ID: ${hex(Number(fieldOf(tok, 'SessionId') ?? 0))}`);
  out.push(`User: ${sid}${names && m ? ` (User: ${printable(m[1]!)})` : ''}`);
  out.push('Groups:');
  (t.system.queryTokenGroups(pid) ?? []).forEach((g, i) => {
    out.push(` ${String(i).padStart(2, '0')} ${printable(g.sid)}${names ? ` ${sidName(g.sid, g.name)}` : ''}`);
    out.push(`    Attributes - ${groupAttributes(g.attributes)}`);
  });
  out.push('Privs:');
  const privs = String(fieldOf(tok, 'Privileges') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  // Each line: its index in the token's list (two digits, as Learn's example numbers them 00, 01...), the
  // LUID in hex, the name and the attributes.
  for (const [index, entry] of privs.entries()) {
    // dt marks a present privilege that is not enabled "(disabled)"; !token then prints no attribute.
    const disabled = entry.endsWith(' (disabled)');
    const name = disabled ? entry.slice(0, -' (disabled)'.length) : entry;
    const luid = PRIVILEGE_LUIDS[name] ?? 0;
    out.push(` ${String(index).padStart(2, '0')} 0x${luid.toString(16).padStart(9, '0')} ${name.padEnd(34)}Attributes - ${disabled ? '' : 'Enabled'}`);
  }
  const auth = Number(fieldOf(tok, 'AuthenticationId') ?? 0);
  const primary = !/Impersonation/.test(String(fieldOf(tok, 'TokenType')));
  out.push(`Authentication ID:         (0,${auth.toString(16)})`);
  // A primary token's impersonation level is SecurityAnonymous (0), which the example prints as Anonymous.
  if (primary) out.push('Impersonation Level:       Anonymous');
  out.push(`TokenType:                 ${primary ? 'Primary' : 'Impersonation'}`);
  out.push(`Token ID: ${Number(fieldOf(tok, 'TokenId') ?? 0).toString(16)}`);
}

/** !job [Address]: a job's accounting, limits and processes (the current process's job by default). */
export function cmdJob(t: KdTarget, args: string[], out: Out): void {
  const jobs = t.system.queryJobs();
  let job;
  if (args[0] !== undefined) {
    const v = t.eval(args[0]);
    job = jobs.find((j) => j.address === v) ?? jobs.find((j) => BigInt(j.jobId) === v);
    if (!job) throw new KdError(`Unable to read _EJOB at ${pointer(v)}`);
  } else {
    job = jobs.find((j) => j.processIds.includes(t.pid));
    if (!job) { out.push('Current process is not in a job.'); return; }
  }
  out.push(`Job at ${pointerDigits(job.address)}`);
  out.push('  Basic Accounting Information');
  out.push(`    TotalPageFaultCount:      ${hex(job.totalPageFaultCount)}`);
  out.push(`    TotalProcesses:           ${hex(job.totalProcesses)}`);
  out.push(`    ActiveProcesses:          ${hex(job.activeProcesses)}`);
  out.push(`    TotalTerminatedProcesses: ${hex(job.totalTerminatedProcesses)}`);
  out.push(`    PeakProcessMemoryUsed:    ${hex(job.peakProcessMemoryUsed)}`);
  out.push(`    PeakJobMemoryUsed:        ${hex(job.peakJobMemoryUsed)}`);
  out.push('  Limit Information');
  out.push(`    LimitFlags:               ${hex(job.limitFlags)}`);
  out.push(`    MinimumWorkingSetSize:    ${hex(job.minimumWorkingSetSize)}`);
  out.push(`    MaximumWorkingSetSize:    ${hex(job.maximumWorkingSetSize)}`);
  out.push(`    ActiveProcessLimit:       ${hex(job.activeProcessLimit)}`);
  out.push(`    PriorityClass:            ${hex(job.priorityClass)}`);
  out.push(`    ProcessMemoryLimit:       ${hex(job.processMemoryLimit)}`);
  out.push(`    JobMemoryLimit:           ${hex(job.jobMemoryLimit)}`);
  out.push('  Processes assigned to this job:');
  for (const pid of job.processIds) {
    const p = t.system.queryProcess(pid);
    if (!p) continue;
    const lines: string[] = [];
    processHeader(t, p, lines);
    for (const l of lines) out.push(`    ${l}`);
  }
}

/** lm: the modules of the current process (its loader list). */
export function cmdLm(t: KdTarget, _args: string[], out: Out): void {
  out.push('start             end                 module name');
  const mods = [...t.modules(t.pid)].sort((a, b) => (a.base < b.base ? -1 : a.base > b.base ? 1 : 0));
  for (const m of mods) out.push(`${pointer(m.base)} ${pointer(m.base + BigInt(m.size))}   ${m.name.replace(/\.(dll|exe|sys)$/i, '').padEnd(10)} (deferred)`);
}

/** The module a routine of the call chain lives in. */
function moduleOf(routine: string): string {
  if (/^(CreateProcess|ShellExecute|BasepCreate|Basep)/.test(routine)) return 'KERNELBASE';
  if (/^(Ldr|Rtl|Csr(Client|p?Capture))/.test(routine)) return 'ntdll';
  if (/^Csr/.test(routine)) return 'csrsrv';
  if (/^(W32|NtUser|xxx)/.test(routine)) return 'win32kbase';
  return 'nt';
}

/** k: the current step's call chain as a stack, innermost frame first. */
export function cmdK(t: KdTarget, _args: string[], out: Out): void {
  const live = t.view.live;
  const seq = t.view.cursor ?? live.stepCount - 1;
  if (seq < 0) { out.push('No stack: no step has been recorded.'); return; }
  const step = live.getSteps(seq, seq + 1)[0]!;
  const calls = callChain(step);
  // A page fault enters the kernel through the trap handler: KiPageFault calls MmAccessFault (Windows
  // Internals 7e ch. 5, "Page fault handling"), also when the fault happens inside a creation stage.
  const mm = calls.indexOf('MmAccessFault');
  if (step.kind === 'pageFault' && mm >= 0 && calls[mm - 1] !== 'KiPageFault') calls.splice(mm, 0, 'KiPageFault');
  const chain = calls.reverse();
  out.push(' # Call Site');
  chain.forEach((r, i) => out.push(`${hexDigits(i, 2)} ${moduleOf(r)}!${r}`));
}

/**
 * !object Address: an object's type, header and name (Microsoft Learn "!object"). Handles to it are
 * counted across every process's handle table; processes, threads and jobs are found by address too.
 */
export function cmdObject(t: KdTarget, args: string[], out: Out): void {
  if (!args[0]) throw new KdError('Numeric expression missing from \'\'');
  const address = t.eval(args[0]);
  const s = t.system;
  let type: string | undefined;
  let name: string | null = null;
  let handles = 0;
  for (const pid of s.processIds) {
    for (const h of s.queryHandles(pid)) {
      if (h.objectAddress !== address) continue;
      handles++;
      type = h.typeName;
      name = h.name;
    }
  }
  if (!type) {
    // Idle's EPROCESS (KiInitialProcess, in the kernel image's data) has no object header: not an object.
    const proc = t.processByAddressOrId(address);
    if (proc?.eprocess === address && proc.pid !== 0) type = 'Process';
    else if (s.queryJobs().some((j) => j.address === address)) type = 'Job';
    else if (address >= 0x100000000n && t.threadByAddressOrId(address)?.address === address) type = 'Thread';
  }
  if (!type) throw new KdError(`${pointerDigits(address)}: Not a valid object (ObjectType invalid)`);
  out.push(`Object: ${pointerDigits(address)}  Type: ${type}`);
  // OBJECT_HEADER.Body is at +0x30 on x64: the header precedes the body.
  out.push(`    ObjectHeader: ${pointerDigits(address - 0x30n)} (new version)`);
  out.push(`    HandleCount: ${handles}`);
  if (name) {
    const cut = name.lastIndexOf('\\');
    out.push(`    Directory Object: ${cut > 0 ? printable(name.slice(0, cut)) : '\\'}  Name: ${printable(name.slice(cut + 1))}`);
  }
}
