// Access tokens through handles, the way programs reach them: OpenProcessToken, DuplicateTokenEx,
// GetTokenInformation, SetTokenInformation, AdjustTokenPrivileges, WTSQueryUserToken, and the token
// check of CreateProcessAsUser (PspInitializeProcessSecurity). Each mutating function runs inside a
// recorded PsCall; the checks and errors are the real ones.
import {
  ERROR_ACCESS_DENIED, ERROR_BAD_IMPERSONATION_LEVEL, ERROR_BAD_TOKEN_TYPE, ERROR_INVALID_PARAMETER, ERROR_NO_TOKEN,
  ERROR_NOT_ALL_ASSIGNED, ERROR_PRIVILEGE_NOT_HELD, PROCESS_QUERY_LIMITED_INFORMATION, SE_PRIVILEGE_ENABLED,
  SE_PRIVILEGE_ENABLED_BY_DEFAULT, SE_PRIVILEGE_REMOVED, SecurityAnonymous, SecurityDelegation, SecurityImpersonation,
  TOKEN_ADJUST_DEFAULT, TOKEN_ADJUST_PRIVILEGES, TOKEN_ADJUST_SESSIONID, TOKEN_ALL_ACCESS, TOKEN_ASSIGN_PRIMARY,
  TOKEN_DUPLICATE, TOKEN_QUERY, TokenElevation, TokenElevationType, TokenGroups, TokenImpersonation,
  TokenImpersonationLevel, TokenIntegrityLevel, TokenPrimary, TokenPrivileges, TokenSessionId, TokenStatistics,
  TokenType, TokenUser,
} from '../constants';
import { LastError } from '../errors';
import type { ProcessObject } from '../process';
import { INTEGRITY_RID, IntegrityLevel, SE_GROUP_INTEGRITY, SE_GROUP_INTEGRITY_ENABLED, Token } from '../se/token';
import type { ProcessManager } from './processManager';

const SE_TCB_NAME = 'SeTcbPrivilege';
const SE_DEBUG_NAME = 'SeDebugPrivilege';
const SE_ASSIGNPRIMARYTOKEN_NAME = 'SeAssignPrimaryTokenPrivilege';
/** GENERIC_* bits a caller may ask for; they map onto token rights (GENERIC_ALL = TOKEN_ALL_ACCESS). */
const GENERIC_ALL = 0x10000000;
const MAXIMUM_ALLOWED = 0x02000000;

const fail = (code: number): never => { throw new LastError(code); };

/** A token handle of `caller` resolved to its token, with the access asked for. */
export function tokenFromHandle(pm: ProcessManager, caller: ProcessObject, handle: number, access: number): Token {
  const objectId = pm.resolve(caller, handle, 'Token', access);
  const tokenId = pm.ob.get(objectId)!.key;
  return pm.tokenById(tokenId) ?? fail(ERROR_ACCESS_DENIED);
}

/** The access a request names: generic and MAXIMUM_ALLOWED rights become specific token rights. */
function tokenAccess(access: number): number {
  const a = access >>> 0;
  if (a & (GENERIC_ALL | MAXIMUM_ALLOWED)) return TOKEN_ALL_ACCESS;
  if (a & ~TOKEN_ALL_ACCESS & ~0xF0000000) fail(ERROR_ACCESS_DENIED);
  return a & TOKEN_ALL_ACCESS;
}

/**
 * The token's security descriptor, simplified to its effect: the owner's user and SYSTEM get every
 * right; Administrators with SeDebugPrivilege may query and duplicate; nobody else gets in. Mandatory
 * integrity (no write up): a caller below the token's level gets no write rights.
 */
function checkTokenAccess(caller: Token, token: Token, access: number): void {
  const system = caller.user.sid === 'S-1-5-18';
  const owner = caller.user.sid === token.user.sid;
  const debug = caller.privileges.has(SE_DEBUG_NAME);
  const readOnly = (access & ~(TOKEN_QUERY | TOKEN_DUPLICATE | 0x00020000)) === 0;
  if (!system && !owner && !(debug && readOnly)) fail(ERROR_ACCESS_DENIED);
  const writes = access & (TOKEN_ADJUST_DEFAULT | TOKEN_ADJUST_PRIVILEGES | TOKEN_ADJUST_SESSIONID | 0x40 | 0x00040000 | 0x00080000);
  if (writes && INTEGRITY_RID[caller.integrityLevel] < INTEGRITY_RID[token.integrityLevel]) fail(ERROR_ACCESS_DENIED);
}

/** OpenProcessToken: a handle to the primary token of the process hProcess names. */
export function openProcessToken(pm: ProcessManager, caller: ProcessObject, hProcess: number, desiredAccess: number): number {
  const access = tokenAccess(desiredAccess);
  const target = pm.processFromHandle(caller, hProcess, PROCESS_QUERY_LIMITED_INFORMATION);
  if (target.exited) fail(ERROR_ACCESS_DENIED);
  const token = pm.state(target).token;
  checkTokenAccess(pm.state(caller).token, token, access);
  const objectId = pm.tokenObjectId(token.tokenId) ?? fail(ERROR_ACCESS_DENIED);
  const handle = pm.insertHandle(caller, objectId, access);
  const t = pm.ctx.mm.trace;
  t.step('token.open')?.n(caller.pid).n(target.pid).n(token.tokenId).n(handle).n(access).change('process', caller.pid);
  return handle;
}

/** Inserts a handle to a token that only handles hold, and drops the creation reference. */
function handleToNewToken(pm: ProcessManager, caller: ProcessObject, token: Token, access: number): number {
  pm.tokens.set(token.tokenId, token);
  const objectId = pm.tokenObjectId(token.tokenId)!;
  const handle = pm.insertHandle(caller, objectId, access);
  pm.ob.dereference(objectId);
  return handle;
}

/** DuplicateTokenEx: a new primary or impersonation token, a sibling of the source. */
export function duplicateTokenEx(pm: ProcessManager, caller: ProcessObject, hExistingToken: number, desiredAccess: number, impersonationLevel: number, tokenType: number): number {
  if (tokenType !== TokenPrimary && tokenType !== TokenImpersonation) fail(ERROR_INVALID_PARAMETER);
  if (!Number.isInteger(impersonationLevel) || impersonationLevel < SecurityAnonymous || impersonationLevel > SecurityDelegation) fail(ERROR_INVALID_PARAMETER);
  const source = tokenFromHandle(pm, caller, hExistingToken, TOKEN_DUPLICATE);
  // A primary token can only be made from an impersonation token that allows impersonation.
  if (source.tokenType === 'Impersonation' && source.impersonationLevel < SecurityImpersonation) fail(ERROR_BAD_IMPERSONATION_LEVEL);
  const access = desiredAccess === 0 ? TOKEN_ALL_ACCESS : tokenAccess(desiredAccess);
  const copy = pm.duplicateToken(source, tokenType === TokenPrimary ? 'Primary' : 'Impersonation', impersonationLevel);
  const handle = handleToNewToken(pm, caller, copy, access);
  const t = pm.ctx.mm.trace;
  t.step('token.duplicate')?.n(caller.pid).n(source.tokenId).n(copy.tokenId).s(copy.tokenType).n(handle).change('process', caller.pid);
  return handle;
}

/** WTSQueryUserToken: the primary token of the user logged on to a session (callers need SeTcbPrivilege). */
export function wtsQueryUserToken(pm: ProcessManager, caller: ProcessObject, sessionId: number): number {
  if (!pm.state(caller).token.privileges.has(SE_TCB_NAME)) fail(ERROR_PRIVILEGE_NOT_HELD);
  if (!Number.isInteger(sessionId) || sessionId < 0) fail(ERROR_INVALID_PARAMETER);
  // The session's shell holds the interactive user's token.
  let shell: ProcessObject | undefined;
  for (const p of pm.ctx.byPid.values()) {
    if (p.exited || p.sessionId !== sessionId) continue;
    if (pm.state(p).token.user.sid.startsWith('S-1-5-21-')) { shell = p; if (p.imageFileName.toLowerCase() === 'explorer.exe') break; }
  }
  if (!shell) fail(ERROR_NO_TOKEN);
  const copy = pm.duplicateToken(pm.state(shell!).token, 'Primary');
  const handle = handleToNewToken(pm, caller, copy, TOKEN_ALL_ACCESS);
  const t = pm.ctx.mm.trace;
  t.step('token.duplicate')?.n(caller.pid).n(pm.state(shell!).token.tokenId).n(copy.tokenId).s(copy.tokenType).n(handle).change('process', caller.pid);
  return handle;
}

const ELEVATION_TYPE_DEFAULT = 1;
const ELEVATION_TYPE_FULL = 2;
const ELEVATION_TYPE_LIMITED = 3;

/** GetTokenInformation for the classes a learner meets; the result is the structure's members. */
export function queryToken(pm: ProcessManager, caller: ProcessObject, hToken: number, infoClass: number): Record<string, unknown> {
  const tok = tokenFromHandle(pm, caller, hToken, TOKEN_QUERY);
  const privileges = [...tok.privileges].sort().map((Name) => ({
    Name, Attributes: (tok.enabledByDefault.has(Name) ? SE_PRIVILEGE_ENABLED_BY_DEFAULT : 0) | (tok.privilegeEnabled(Name) ? SE_PRIVILEGE_ENABLED : 0),
  }));
  switch (infoClass) {
    case TokenUser: return { User: { Sid: tok.user.sid, Name: tok.user.name, Attributes: 0 } };
    case TokenGroups: return { GroupCount: tok.groups.length, Groups: tok.groups.map((g) => ({ Sid: g.sid, Name: g.name, Attributes: g.attributes })) };
    case TokenPrivileges: return { PrivilegeCount: privileges.length, Privileges: privileges };
    case TokenType: return { TokenType: tok.tokenType === 'Primary' ? TokenPrimary : TokenImpersonation };
    case TokenImpersonationLevel:
      if (tok.tokenType === 'Primary') fail(ERROR_INVALID_PARAMETER);
      return { ImpersonationLevel: tok.impersonationLevel };
    case TokenStatistics: return {
      TokenId: tok.tokenId, AuthenticationId: tok.authenticationId, TokenType: tok.tokenType === 'Primary' ? TokenPrimary : TokenImpersonation,
      ImpersonationLevel: tok.impersonationLevel, GroupCount: tok.groups.length, PrivilegeCount: tok.privileges.size, ModifiedId: tok.modifiedId,
    };
    case TokenSessionId: return { SessionId: tok.sessionId };
    case TokenElevationType: return { TokenElevationType: !tok.user.sid.startsWith('S-1-5-21-') ? ELEVATION_TYPE_DEFAULT : tok.elevated ? ELEVATION_TYPE_FULL : ELEVATION_TYPE_LIMITED };
    case TokenElevation: return { TokenIsElevated: tok.elevated ? 1 : 0 };
    case TokenIntegrityLevel: return { Label: { Sid: tok.integritySid, Attributes: SE_GROUP_INTEGRITY | SE_GROUP_INTEGRITY_ENABLED }, Level: tok.integrityLevel };
    default: return fail(ERROR_INVALID_PARAMETER);
  }
}

/** The integrity level a mandatory label SID (S-1-16-RID) names. */
function levelOfSid(sid: unknown): IntegrityLevel {
  const m = typeof sid === 'string' ? /^S-1-16-(\d+)$/i.exec(sid.trim()) : null;
  if (!m) fail(ERROR_INVALID_PARAMETER);
  const rid = Number(m![1]);
  const level = (Object.keys(INTEGRITY_RID) as IntegrityLevel[]).find((k) => INTEGRITY_RID[k] === rid);
  return level ?? fail(ERROR_INVALID_PARAMETER);
}

/** SetTokenInformation: TokenIntegrityLevel (lowering is free, raising needs SeTcbPrivilege) and TokenSessionId (SeTcbPrivilege). */
export function setTokenInformation(pm: ProcessManager, caller: ProcessObject, hToken: number, infoClass: number, info: Record<string, unknown>): void {
  if (!info || typeof info !== 'object') fail(ERROR_INVALID_PARAMETER);
  const callerToken = pm.state(caller).token;
  const t = pm.ctx.mm.trace;
  if (infoClass === TokenIntegrityLevel) {
    const tok = tokenFromHandle(pm, caller, hToken, TOKEN_ADJUST_DEFAULT);
    const label = (info as { Label?: { Sid?: unknown } }).Label;
    const level = levelOfSid(label && typeof label === 'object' ? label.Sid : undefined);
    if (INTEGRITY_RID[level] > INTEGRITY_RID[tok.integrityLevel] && !callerToken.privileges.has(SE_TCB_NAME)) fail(ERROR_PRIVILEGE_NOT_HELD);
    const before = tok.integrityLevel;
    tok.setIntegrityLevel(level);
    t.step('token.setIntegrity')?.n(caller.pid).n(tok.tokenId).s(before).s(level).change('process', caller.pid);
    return;
  }
  if (infoClass === TokenSessionId) {
    const tok = tokenFromHandle(pm, caller, hToken, TOKEN_ADJUST_SESSIONID);
    const sessionId = (info as { SessionId?: unknown }).SessionId;
    if (typeof sessionId !== 'number' || !Number.isInteger(sessionId) || sessionId < 0) fail(ERROR_INVALID_PARAMETER);
    if (!callerToken.privileges.has(SE_TCB_NAME)) fail(ERROR_PRIVILEGE_NOT_HELD);
    const before = tok.sessionId;
    tok.sessionId = sessionId as number;
    tok.modifiedId++;
    t.step('token.setSession')?.n(caller.pid).n(tok.tokenId).n(before).n(sessionId as number).change('process', caller.pid);
    return;
  }
  fail(ERROR_INVALID_PARAMETER);
}

/** One LUID_AND_ATTRIBUTES of AdjustTokenPrivileges' NewState, by privilege name. */
export interface PrivilegeChange { Name: string; Attributes: number }

/**
 * AdjustTokenPrivileges. Succeeds even when a privilege is not in the token — the last error is then
 * ERROR_NOT_ALL_ASSIGNED, which callers must check. SE_PRIVILEGE_ENABLED enables a present privilege,
 * Attributes 0 disables it, SE_PRIVILEGE_REMOVED takes it out for good; DisableAllPrivileges disables
 * every one. Only SeDebugPrivilege's check (OpenProcess) asks whether a privilege is enabled; the other
 * checks of the simulation still only ask whether it is present.
 * Returns the last error to set: 0 or ERROR_NOT_ALL_ASSIGNED.
 */
export function adjustTokenPrivileges(pm: ProcessManager, caller: ProcessObject, hToken: number, disableAll: boolean, changes: PrivilegeChange[]): number {
  const tok = tokenFromHandle(pm, caller, hToken, TOKEN_ADJUST_PRIVILEGES);
  if (!disableAll && (!Array.isArray(changes) || changes.some((c) => !c || typeof c.Name !== 'string' || !Number.isInteger(c.Attributes)))) fail(ERROR_INVALID_PARAMETER);
  let missing = 0;
  const removed: string[] = [];
  const enabled: string[] = [];
  const disabled: string[] = [];
  if (disableAll) {
    for (const name of [...tok.privileges].sort()) if (!tok.disabledPrivileges.has(name)) { tok.disabledPrivileges.add(name); disabled.push(name); }
  } else {
    for (const c of changes) {
      if (!tok.privileges.has(c.Name)) { missing++; continue; }
      if (c.Attributes & SE_PRIVILEGE_REMOVED) { tok.privileges.delete(c.Name); tok.disabledPrivileges.delete(c.Name); removed.push(c.Name); }
      else if (c.Attributes & SE_PRIVILEGE_ENABLED) { tok.disabledPrivileges.delete(c.Name); enabled.push(c.Name); }
      else { tok.disabledPrivileges.add(c.Name); disabled.push(c.Name); }
    }
  }
  tok.modifiedId++;
  const t = pm.ctx.mm.trace;
  t.step('token.adjustPrivileges')?.n(caller.pid).n(tok.tokenId).n(disableAll ? 0 : changes.length).s(removed.join(', ')).n(missing).s(enabled.join(', ')).s(disabled.join(', ')).change('process', caller.pid);
  return missing ? ERROR_NOT_ALL_ASSIGNED : 0;
}

/**
 * Whether `caller` may give `token` to a new process: always with SeAssignPrimaryTokenPrivilege;
 * without it only when the token is the caller's own token's child (filtered from it) or sibling
 * (a duplicate of the same token, in the same logon session) — SeIsChildToken / SeIsSiblingToken.
 */
export function tokenAssignable(callerToken: Token, token: Token): boolean {
  if (callerToken.privileges.has(SE_ASSIGNPRIMARYTOKEN_NAME)) return true;
  if (token.authenticationId !== callerToken.authenticationId) return false;
  return token.parentTokenId === callerToken.tokenId || token.parentTokenId === callerToken.parentTokenId;
}

/** The token check of CreateProcessAsUserW: the handle's access, a primary token, and assignability. */
export function tokenForNewProcess(pm: ProcessManager, caller: ProcessObject, hToken: number): Token {
  const tok = tokenFromHandle(pm, caller, hToken, TOKEN_QUERY | TOKEN_DUPLICATE | TOKEN_ASSIGN_PRIMARY);
  if (tok.tokenType !== 'Primary') fail(ERROR_BAD_TOKEN_TYPE);
  if (!tokenAssignable(pm.state(caller).token, tok)) fail(ERROR_PRIVILEGE_NOT_HELD);
  return tok;
}
