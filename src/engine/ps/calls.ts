// The process manager's operations as replayable records: every public mutating call of processes,
// threads, jobs, notify routines, files and the registry is one PsCall, logged by the machine's
// operation path so time travel replays it exactly. Results are typed per call kind (PsResult).
import { ERROR_ACCESS_DENIED, ERROR_FILE_NOT_FOUND, ERROR_INVALID_PARAMETER, ERROR_NO_ASSOCIATION, ERROR_PRIVILEGE_NOT_HELD, JOB_OBJECT_ASSIGN_PROCESS, JOB_OBJECT_SET_ATTRIBUTES, JOB_OBJECT_TERMINATE, PROCESS_CREATE_THREAD, PROCESS_SET_QUOTA, PROCESS_TERMINATE, THREAD_SUSPEND_RESUME, THREAD_TERMINATE } from '../constants';
import { LastError } from '../errors';
import { APPX_KEY, REG_DWORD, REG_EXPAND_SZ, REG_SZ, RegistryValue } from '../config/registry';
import { INTEGRITY_RID, WELL_KNOWN_SIDS, type AccountName, type IntegrityLevel } from '../se/token';
import { CreatedProcess, JobLimits, ProcessManager, PsCreateOptions, splitCommandLine } from './processManager';
import type { NotifyRoutine } from './state';
import { defineCalls, type CallResults } from './callTable';
import { adjustTokenPrivileges, duplicateTokenEx, openProcessToken, PrivilegeChange, setTokenInformation, tokenForNewProcess, wtsQueryUserToken } from './tokens';
import { continueDebugEvent, debugActiveProcess, debugActiveProcessStop, setKillOnExit, waitForDebugEvent } from './debug';
import { purgeCachedControlAreas } from '../mm/section';

export type PsCall =
  | { call: 'boot' }
  | { call: 'createProcess'; options: PsCreateOptions }
  | { call: 'createProcessAsUser'; options: PsCreateOptions; user: { account: AccountName; sessionId: number; elevated?: boolean; integrityLevel?: IntegrityLevel } }
  | { call: 'shellExecute'; callerPid: number; file: string; parameters: string; verb: string }
  | { call: 'activateApplication'; callerPid: number; appUserModelId: string; arguments: string }
  | { call: 'terminatePid'; pid: number; exitCode: number }
  | { call: 'terminateProcess'; callerPid: number; hProcess: number; exitCode: number }
  | { call: 'createThread'; callerPid: number; hProcess: number | null; startAddress: bigint; parameter: bigint; flags: number; stackSize: bigint }
  | { call: 'suspendThread'; callerPid: number; hThread: number }
  | { call: 'resumeThread'; callerPid: number; hThread: number }
  | { call: 'terminateThread'; callerPid: number; hThread: number; exitCode: number }
  | { call: 'suspendTid'; tid: number }
  | { call: 'resumeTid'; tid: number }
  | { call: 'exitThread'; tid: number; exitCode: number }
  | { call: 'dispatch' }
  | { call: 'openProcess'; callerPid: number; access: number; inherit: boolean; pid: number }
  | { call: 'closeHandle'; callerPid: number; handle: number }
  | { call: 'createJob'; callerPid: number; name: string | null }
  | { call: 'openJob'; callerPid: number; access: number; inherit: boolean; name: string }
  | { call: 'assignJob'; callerPid: number; hJob: number; hProcess: number }
  | { call: 'setJobLimits'; callerPid: number; hJob: number; limits: JobLimits }
  | { call: 'terminateJob'; callerPid: number; hJob: number; exitCode: number }
  | { call: 'registerNotify'; kind: 'process' | 'thread'; name: string; deny?: NotifyRoutine['deny'] }
  | { call: 'unregisterNotify'; id: number }
  | { call: 'createFile'; path: string; data: Uint8Array }
  | { call: 'setRegistryValue'; key: string; name: string; value: RegistryValue | null }
  // Tokens through handles.
  | { call: 'openProcessToken'; callerPid: number; hProcess: number; access: number }
  | { call: 'duplicateTokenEx'; callerPid: number; hToken: number; access: number; impersonationLevel: number; tokenType: number }
  | { call: 'setTokenInformation'; callerPid: number; hToken: number; infoClass: number; info: Record<string, unknown> }
  | { call: 'adjustTokenPrivileges'; callerPid: number; hToken: number; disableAll: boolean; changes: PrivilegeChange[] }
  | { call: 'wtsQueryUserToken'; callerPid: number; sessionId: number }
  | { call: 'createProcessWithToken'; callerPid: number; hToken: number; options: PsCreateOptions }
  // Debugging.
  | { call: 'debugActiveProcess'; callerPid: number; pid: number }
  | { call: 'debugActiveProcessStop'; callerPid: number; pid: number }
  | { call: 'waitForDebugEvent'; callerPid: number }
  | { call: 'continueDebugEvent'; callerPid: number; pid: number; tid: number; continueStatus: number }
  | { call: 'debugSetProcessKillOnExit'; callerPid: number; killOnExit: boolean };

const SE_ASSIGNPRIMARYTOKEN_NAME = 'SeAssignPrimaryTokenPrivilege';
/** ERROR_NONE_MAPPED (1332): "No mapping between account names and security IDs was done" (Microsoft Learn, System Error Codes 1300-1699). */
const ERROR_NONE_MAPPED = 1332;

/** One handler per call kind: the table's return types are the calls' results (PsResults). */
const PS_CALLS = defineCalls<PsCall, [ProcessManager]>()({
  boot: (pm) => { pm.boot(); },
  createProcess: (pm, c) => pm.createProcess(c.options),
  createProcessAsUser: (pm, c) => {
    // CreateProcessAsUser with a token of another user needs SeAssignPrimaryTokenPrivilege in the caller.
    // An account the machine does not know has no SID (LookupAccountName: ERROR_NONE_MAPPED).
    if (!c.user || !Object.prototype.hasOwnProperty.call(WELL_KNOWN_SIDS, c.user.account)) throw new LastError(ERROR_NONE_MAPPED);
    if (c.user.integrityLevel !== undefined && !Object.prototype.hasOwnProperty.call(INTEGRITY_RID, c.user.integrityLevel)) throw new LastError(ERROR_INVALID_PARAMETER);
    const caller = c.options.parentPid !== undefined ? pm.live(c.options.parentPid) : undefined;
    if (caller && !caller.privileges.has(SE_ASSIGNPRIMARYTOKEN_NAME) && pm.state(caller).token.user.sid !== tokenSid(c.user.account)) throw new LastError(ERROR_PRIVILEGE_NOT_HELD);
    const t = pm.ctx.mm.trace;
    t.step('create.asUser', '1')?.s(c.options.imagePath).s(c.user.account).n(c.user.sessionId).s(c.user.integrityLevel ?? (c.user.elevated ? 'High' : '')).change('system');
    return pm.createProcess({ ...c.options, token: { ...c.user }, sessionId: c.user.sessionId });
  },
  shellExecute: (pm, c) => shellExecute(pm, c.callerPid, c.file, c.parameters, c.verb),
  activateApplication: (pm, c) => {
    const reg = pm.ctx.registry;
    const key = `${APPX_KEY}\\${c.appUserModelId}`;
    const exe = reg.getValue(key, 'Executable');
    const pkg = reg.getValue(key, 'PackageFullName');
    if (!exe || typeof exe.data !== 'string') throw new LastError(ERROR_FILE_NOT_FOUND);
    const t = pm.ctx.mm.trace;
    t.step('appx.activate', '1')?.s(c.appUserModelId).s(String(pkg?.data ?? '')).s(exe.data).change('system');
    // Packaged apps are launched by the activation service (svchost -k DcomLaunch) on the caller's behalf.
    const caller = pm.live(c.callerPid);
    return pm.createProcess({ imagePath: exe.data, commandLine: `"${exe.data}"${c.arguments ? ' ' + c.arguments : ''}`, parentPid: caller.pid, packageFullName: String(pkg?.data ?? '') });
  },
  terminatePid: (pm, c) => { pm.terminateProcess(pm.live(c.pid), c.exitCode, 0); },
  terminateProcess: (pm, c) => {
    const caller = pm.live(c.callerPid);
    const target = pm.processFromHandle(caller, c.hProcess, PROCESS_TERMINATE);
    if (target.exited) throw new LastError(ERROR_ACCESS_DENIED);
    pm.terminateProcess(target, c.exitCode, caller.pid);
    return;
  },
  createThread: (pm, c) => {
    const caller = pm.live(c.callerPid);
    const target = c.hProcess === null ? caller : pm.processFromHandle(caller, c.hProcess, PROCESS_CREATE_THREAD);
    if (target.exited) throw new LastError(ERROR_ACCESS_DENIED);
    const thread = pm.createThread(caller, target, c.startAddress, c.parameter, c.flags, c.stackSize);
    return { handle: pm.threadHandle(caller, thread), tid: thread.tid };
  },
  suspendThread: (pm, c) => pm.suspendThread(pm.threadFromHandle(pm.live(c.callerPid), c.hThread, THREAD_SUSPEND_RESUME)),
  resumeThread: (pm, c) => pm.resumeThread(pm.threadFromHandle(pm.live(c.callerPid), c.hThread, THREAD_SUSPEND_RESUME)),
  terminateThread: (pm, c) => { pm.exitThread(pm.threadFromHandle(pm.live(c.callerPid), c.hThread, THREAD_TERMINATE), c.exitCode); },
  suspendTid: (pm, c) => pm.suspendThread(c.tid),
  resumeTid: (pm, c) => pm.resumeThread(c.tid),
  exitThread: (pm, c) => { pm.exitThread(c.tid, c.exitCode); },
  dispatch: (pm) => pm.dispatch(),
  openProcess: (pm, c) => pm.openProcess(pm.live(c.callerPid), c.access, c.inherit, c.pid),
  closeHandle: (pm, c) => { pm.closeHandle(pm.live(c.callerPid), c.handle); },
  createJob: (pm, c) => pm.createJob(pm.live(c.callerPid), c.name),
  openJob: (pm, c) => pm.openJob(pm.live(c.callerPid), c.access, c.inherit, c.name),
  assignJob: (pm, c) => {
    const caller = pm.live(c.callerPid);
    const job = pm.jobFromHandle(caller, c.hJob, JOB_OBJECT_ASSIGN_PROCESS);
    const target = pm.processFromHandle(caller, c.hProcess, PROCESS_SET_QUOTA | PROCESS_TERMINATE);
    if (target.exited) throw new LastError(ERROR_ACCESS_DENIED);
    pm.assignProcessToJob(job, target);
    return;
  },
  setJobLimits: (pm, c) => { pm.setJobLimits(pm.jobFromHandle(pm.live(c.callerPid), c.hJob, JOB_OBJECT_SET_ATTRIBUTES), c.limits); },
  terminateJob: (pm, c) => { pm.terminateJob(pm.jobFromHandle(pm.live(c.callerPid), c.hJob, JOB_OBJECT_TERMINATE), c.exitCode, 'TerminateJobObject'); },
  registerNotify: (pm, c) => pm.registerNotify(c.kind, c.name, c.deny),
  unregisterNotify: (pm, c) => { pm.unregisterNotify(c.id); },
  createFile: (pm, c) => {
    const fs = pm.ctx.fs;
    // Replacing an existing file's contents drops a control area kept as cache for it (stale pages).
    const before = fs.getFile(c.path);
    if (before) purgeCachedControlAreas(pm.ctx.mm, before.fileId);
    const f = fs.createFile(c.path, c.data);
    const t = pm.ctx.mm.trace;
    t.step('io.createFile')?.s(f.path).n(f.data.length).n(f.fileId).change('file', f.fileId);
    return f.fileId;
  },
  setRegistryValue: (pm, c) => {
    const reg = pm.ctx.registry;
    if (c.value === null) reg.deleteValue(c.key, c.name);
    else {
      if (c.value.type !== REG_SZ && c.value.type !== REG_EXPAND_SZ && c.value.type !== REG_DWORD) throw new LastError(ERROR_INVALID_PARAMETER);
      try { reg.setValue(c.key, c.name, c.value); } catch { throw new LastError(ERROR_INVALID_PARAMETER); }
    }
    const t = pm.ctx.mm.trace;
    t.step('config.setValue')?.s(c.key).s(c.name).s(c.value === null ? '' : String(c.value.data)).change('system');
    return;
  },
  openProcessToken: (pm, c) => openProcessToken(pm, pm.live(c.callerPid), c.hProcess, c.access),
  duplicateTokenEx: (pm, c) => duplicateTokenEx(pm, pm.live(c.callerPid), c.hToken, c.access, c.impersonationLevel, c.tokenType),
  setTokenInformation: (pm, c) => { setTokenInformation(pm, pm.live(c.callerPid), c.hToken, c.infoClass, c.info); },
  adjustTokenPrivileges: (pm, c) => adjustTokenPrivileges(pm, pm.live(c.callerPid), c.hToken, c.disableAll, c.changes),
  wtsQueryUserToken: (pm, c) => wtsQueryUserToken(pm, pm.live(c.callerPid), c.sessionId),
  createProcessWithToken: (pm, c) => {
    const caller = pm.live(c.callerPid);
    const tok = tokenForNewProcess(pm, caller, c.hToken);
    const t = pm.ctx.mm.trace;
    t.step('create.asUser', '1')?.s(c.options.imagePath).s(tok.user.name).n(tok.sessionId).s(tok.integrityLevel).change('process', caller.pid);
    return pm.createProcess({ ...c.options, parentPid: caller.pid, primaryTokenId: tok.tokenId, sessionId: tok.sessionId, token: undefined });
  },
  debugActiveProcess: (pm, c) => { debugActiveProcess(pm, pm.live(c.callerPid), c.pid); },
  debugActiveProcessStop: (pm, c) => { debugActiveProcessStop(pm, pm.live(c.callerPid), c.pid); },
  waitForDebugEvent: (pm, c) => waitForDebugEvent(pm, pm.live(c.callerPid)),
  continueDebugEvent: (pm, c) => { continueDebugEvent(pm, pm.live(c.callerPid), c.pid, c.tid, c.continueStatus); },
  debugSetProcessKillOnExit: (pm, c) => { setKillOnExit(pm, pm.live(c.callerPid), c.killOnExit); },
});

/** What each kind of call returns. */
export type PsResults = CallResults<typeof PS_CALLS.handlers>;
/** The result of one call, by its kind: `system.psCall({ call: 'createThread', ... })` is `{ handle, tid }`. */
export type PsResult<C extends PsCall> = PsResults[C['call']];
/** The kinds of call (for validation at the API boundary and for tests that cover every kind). */
export const PS_CALL_KINDS = PS_CALLS.kinds;
/** True when `call` names a process-manager call (own keys only: '__proto__' or 'toString' are not calls). */
export const isPsCallKind = PS_CALLS.isKind;

/** Executes one call against the process manager (inside the machine's operation path). */
export function applyPsCall<C extends PsCall>(pm: ProcessManager, c: C): PsResult<C> {
  return PS_CALLS.apply(pm, c);
}

function tokenSid(account: AccountName): string {
  return WELL_KNOWN_SIDS[account].sid;
}

/** ShellExecuteEx: programs run directly; documents run the program their extension is associated with. */
function shellExecute(pm: ProcessManager, callerPid: number, file: string, parameters: string, verb: string): CreatedProcess {
  if (typeof file !== 'string' || !file.trim()) throw new LastError(ERROR_FILE_NOT_FOUND);
  const ctx = pm.ctx;
  const caller = pm.live(callerPid);
  const path = ctx.fs.canonicalPath(file);
  if (!path || !ctx.fs.getFile(path)) throw new LastError(path ? ctx.fs.openError(path) || ERROR_FILE_NOT_FOUND : ERROR_FILE_NOT_FOUND);
  const ext = path.slice(path.lastIndexOf('.')).toLowerCase();
  const progId = ctx.registry.getValue(`HKLM\\SOFTWARE\\Classes\\${ext}`, '');
  const v = verb || 'open';
  const command = progId && typeof progId.data === 'string' ? ctx.registry.getValue(`HKLM\\SOFTWARE\\Classes\\${progId.data}\\shell\\${v}\\command`, '') : undefined;
  if (!command || typeof command.data !== 'string') throw new LastError(ERROR_NO_ASSOCIATION);
  // Expand %SystemRoot%, %1 (the file) and %* (the parameters).
  const expanded = command.data.replace(/%SystemRoot%/gi, 'C:\\Windows').replace(/%1/g, path).replace(/%\*/g, parameters ?? '').trim();
  const t = ctx.mm.trace;
  t.step('shell.execute', '1')?.s(path).s(v).s(expanded).change('file', ctx.fs.getFile(path)!.fileId);
  const [exe] = splitCommandLine(expanded);
  return pm.createProcess({ imagePath: exe, commandLine: expanded, parentPid: caller.pid, returnHandles: true });
}
