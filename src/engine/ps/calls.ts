// The process manager's operations as replayable records: every public mutating call of processes,
// threads, jobs, notify routines, files and the registry is one PsCall, logged by System.op so time
// travel replays it exactly.
import { ERROR_ACCESS_DENIED, ERROR_FILE_NOT_FOUND, ERROR_INVALID_PARAMETER, ERROR_NO_ASSOCIATION, ERROR_PRIVILEGE_NOT_HELD, JOB_OBJECT_ASSIGN_PROCESS, JOB_OBJECT_SET_ATTRIBUTES, JOB_OBJECT_TERMINATE, PROCESS_CREATE_THREAD, PROCESS_SET_QUOTA, PROCESS_TERMINATE, THREAD_SUSPEND_RESUME, THREAD_TERMINATE } from '../constants';
import { LastError } from '../errors';
import { APPX_KEY, REG_DWORD, REG_EXPAND_SZ, REG_SZ, RegistryValue } from '../config/registry';
import type { AccountName, IntegrityLevel } from '../se/token';
import { CreatedProcess, JobLimits, ProcessManager, PsCreateOptions, splitCommandLine } from './processManager';
import type { NotifyRoutine } from './state';
import { adjustTokenPrivileges, duplicateTokenEx, openProcessToken, PrivilegeChange, setTokenInformation, tokenForNewProcess, wtsQueryUserToken } from './tokens';
import { continueDebugEvent, debugActiveProcess, debugActiveProcessStop, setKillOnExit, waitForDebugEvent } from './debug';

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

/** A deep copy of a call (plain objects, arrays, byte arrays), made before it goes into the replay log. */
export function clonePsCall(c: PsCall): PsCall {
  const copy = (v: unknown): unknown => {
    if (v instanceof Uint8Array) return v.slice();
    if (Array.isArray(v)) return v.map(copy);
    if (v && typeof v === 'object') {
      const o: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) o[k] = copy(x);
      return o;
    }
    return v;
  };
  return copy(c) as PsCall;
}

const SE_ASSIGNPRIMARYTOKEN_NAME = 'SeAssignPrimaryTokenPrivilege';

/** Executes one call against the process manager (inside System.op). */
export function applyPsCall(pm: ProcessManager, c: PsCall): unknown {
  switch (c.call) {
    case 'boot': pm.boot(); return undefined;
    case 'createProcess': return pm.createProcess(c.options);
    case 'createProcessAsUser': {
      // CreateProcessAsUser with a token of another user needs SeAssignPrimaryTokenPrivilege in the caller.
      const caller = c.options.parentPid !== undefined ? pm.live(c.options.parentPid) : undefined;
      if (caller && !caller.privileges.has(SE_ASSIGNPRIMARYTOKEN_NAME) && pm.state(caller).token.user.sid !== tokenSid(c.user.account)) throw new LastError(ERROR_PRIVILEGE_NOT_HELD);
      const t = pm.ctx.mm.trace;
      if (t.begin('create.asUser', '1')) { t.str(c.options.imagePath); t.str(c.user.account); t.num(c.user.sessionId); t.str(c.user.integrityLevel ?? (c.user.elevated ? 'High' : '')); t.change('system'); }
      return pm.createProcess({ ...c.options, token: { ...c.user }, sessionId: c.user.sessionId });
    }
    case 'shellExecute': return shellExecute(pm, c.callerPid, c.file, c.parameters, c.verb);
    case 'activateApplication': {
      const reg = pm.ctx.registry;
      const key = `${APPX_KEY}\\${c.appUserModelId}`;
      const exe = reg.getValue(key, 'Executable');
      const pkg = reg.getValue(key, 'PackageFullName');
      if (!exe || typeof exe.data !== 'string') throw new LastError(ERROR_FILE_NOT_FOUND);
      const t = pm.ctx.mm.trace;
      if (t.begin('appx.activate', '1')) { t.str(c.appUserModelId); t.str(String(pkg?.data ?? '')); t.str(exe.data); t.change('system'); }
      // Packaged apps are launched by the activation service (svchost -k DcomLaunch) on the caller's behalf.
      const caller = pm.live(c.callerPid);
      return pm.createProcess({ imagePath: exe.data, commandLine: `"${exe.data}"${c.arguments ? ' ' + c.arguments : ''}`, parentPid: caller.pid, packageFullName: String(pkg?.data ?? '') });
    }
    case 'terminatePid': pm.terminateProcess(pm.live(c.pid), c.exitCode, 0); return undefined;
    case 'terminateProcess': {
      const caller = pm.live(c.callerPid);
      const target = pm.processFromHandle(caller, c.hProcess, PROCESS_TERMINATE);
      if (target.exited) throw new LastError(ERROR_ACCESS_DENIED);
      pm.terminateProcess(target, c.exitCode, caller.pid);
      return undefined;
    }
    case 'createThread': {
      const caller = pm.live(c.callerPid);
      const target = c.hProcess === null ? caller : pm.processFromHandle(caller, c.hProcess, PROCESS_CREATE_THREAD);
      if (target.exited) throw new LastError(ERROR_ACCESS_DENIED);
      const thread = pm.createThread(caller, target, c.startAddress, c.parameter, c.flags, c.stackSize);
      return { handle: pm.threadHandle(caller, thread), tid: thread.tid };
    }
    case 'suspendThread': return pm.suspendThread(pm.threadFromHandle(pm.live(c.callerPid), c.hThread, THREAD_SUSPEND_RESUME));
    case 'resumeThread': return pm.resumeThread(pm.threadFromHandle(pm.live(c.callerPid), c.hThread, THREAD_SUSPEND_RESUME));
    case 'terminateThread': pm.exitThread(pm.threadFromHandle(pm.live(c.callerPid), c.hThread, THREAD_TERMINATE), c.exitCode); return undefined;
    case 'suspendTid': return pm.suspendThread(c.tid);
    case 'resumeTid': return pm.resumeThread(c.tid);
    case 'exitThread': pm.exitThread(c.tid, c.exitCode); return undefined;
    case 'dispatch': return pm.dispatch();
    case 'openProcess': return pm.openProcess(pm.live(c.callerPid), c.access, c.inherit, c.pid);
    case 'closeHandle': pm.closeHandle(pm.live(c.callerPid), c.handle); return undefined;
    case 'createJob': return pm.createJob(pm.live(c.callerPid), c.name);
    case 'openJob': return pm.openJob(pm.live(c.callerPid), c.access, c.inherit, c.name);
    case 'assignJob': {
      const caller = pm.live(c.callerPid);
      const job = pm.jobFromHandle(caller, c.hJob, JOB_OBJECT_ASSIGN_PROCESS);
      const target = pm.processFromHandle(caller, c.hProcess, PROCESS_SET_QUOTA | PROCESS_TERMINATE);
      if (target.exited) throw new LastError(ERROR_ACCESS_DENIED);
      pm.assignProcessToJob(job, target);
      return undefined;
    }
    case 'setJobLimits': pm.setJobLimits(pm.jobFromHandle(pm.live(c.callerPid), c.hJob, JOB_OBJECT_SET_ATTRIBUTES), c.limits); return undefined;
    case 'terminateJob': pm.terminateJob(pm.jobFromHandle(pm.live(c.callerPid), c.hJob, JOB_OBJECT_TERMINATE), c.exitCode, 'TerminateJobObject'); return undefined;
    case 'registerNotify': return pm.registerNotify(c.kind, c.name, c.deny);
    case 'unregisterNotify': pm.unregisterNotify(c.id); return undefined;
    case 'createFile': {
      const fs = pm.ctx.fs;
      const f = fs.createFile(c.path, c.data);
      const t = pm.ctx.mm.trace;
      if (t.begin('io.createFile')) { t.str(f.path); t.num(f.data.length); t.num(f.fileId); t.change('file', f.fileId); }
      return f.fileId;
    }
    case 'setRegistryValue': {
      const reg = pm.ctx.registry;
      if (c.value === null) reg.deleteValue(c.key, c.name);
      else {
        if (c.value.type !== REG_SZ && c.value.type !== REG_EXPAND_SZ && c.value.type !== REG_DWORD) throw new LastError(ERROR_INVALID_PARAMETER);
        try { reg.setValue(c.key, c.name, c.value); } catch { throw new LastError(ERROR_INVALID_PARAMETER); }
      }
      const t = pm.ctx.mm.trace;
      if (t.begin('config.setValue')) { t.str(c.key); t.str(c.name); t.str(c.value === null ? '' : String(c.value.data)); t.change('system'); }
      return undefined;
    }
    case 'openProcessToken': return openProcessToken(pm, pm.live(c.callerPid), c.hProcess, c.access);
    case 'duplicateTokenEx': return duplicateTokenEx(pm, pm.live(c.callerPid), c.hToken, c.access, c.impersonationLevel, c.tokenType);
    case 'setTokenInformation': setTokenInformation(pm, pm.live(c.callerPid), c.hToken, c.infoClass, c.info); return undefined;
    case 'adjustTokenPrivileges': return adjustTokenPrivileges(pm, pm.live(c.callerPid), c.hToken, c.disableAll, c.changes);
    case 'wtsQueryUserToken': return wtsQueryUserToken(pm, pm.live(c.callerPid), c.sessionId);
    case 'createProcessWithToken': {
      const caller = pm.live(c.callerPid);
      const tok = tokenForNewProcess(pm, caller, c.hToken);
      const t = pm.ctx.mm.trace;
      if (t.begin('create.asUser', '1')) { t.str(c.options.imagePath); t.str(tok.user.name); t.num(tok.sessionId); t.str(tok.integrityLevel); t.change('process', caller.pid); }
      return pm.createProcess({ ...c.options, parentPid: caller.pid, primaryTokenId: tok.tokenId, sessionId: tok.sessionId, token: undefined });
    }
    case 'debugActiveProcess': debugActiveProcess(pm, pm.live(c.callerPid), c.pid); return undefined;
    case 'debugActiveProcessStop': debugActiveProcessStop(pm, pm.live(c.callerPid), c.pid); return undefined;
    case 'waitForDebugEvent': return waitForDebugEvent(pm, pm.live(c.callerPid));
    case 'continueDebugEvent': continueDebugEvent(pm, pm.live(c.callerPid), c.pid, c.tid, c.continueStatus); return undefined;
    case 'debugSetProcessKillOnExit': setKillOnExit(pm, pm.live(c.callerPid), c.killOnExit); return undefined;
    default: { const never: never = c; throw new Error(`unknown ps call ${(never as PsCall).call}`); }
  }
}

function tokenSid(account: AccountName): string {
  return { LocalSystem: 'S-1-5-18', LocalService: 'S-1-5-19', NetworkService: 'S-1-5-20', User: 'S-1-5-21-3623811015-3361044348-30300820-1001' }[account];
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
  if (t.begin('shell.execute', '1')) { t.str(path); t.str(v); t.str(expanded); t.change('file', ctx.fs.getFile(path)!.fileId); }
  const [exe] = splitCommandLine(expanded);
  return pm.createProcess({ imagePath: exe, commandLine: expanded, parentPid: caller.pid, returnHandles: true });
}
