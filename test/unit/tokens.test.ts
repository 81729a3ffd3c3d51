/**
 * Tokens through handles and CreateProcessAsUser (Microsoft Learn: OpenProcessToken, DuplicateTokenEx,
 * GetTokenInformation, SetTokenInformation, AdjustTokenPrivileges, WTSQueryUserToken, CreateProcessAsUserW;
 * "Designing Applications to Run at a Low Integrity Level").
 */
import { describe, expect, it } from 'vitest';
import {
  createSystem, describeObject, ERROR_ACCESS_DENIED, ERROR_BAD_TOKEN_TYPE, ERROR_INVALID_HANDLE, ERROR_INVALID_PARAMETER, ERROR_NO_TOKEN,
  ERROR_NOT_ALL_ASSIGNED, ERROR_PRIVILEGE_NOT_HELD, PROCESS_QUERY_LIMITED_INFORMATION, SE_PRIVILEGE_ENABLED, SE_PRIVILEGE_REMOVED,
  SecurityIdentification, SecurityImpersonation, TOKEN_ADJUST_DEFAULT, TOKEN_ADJUST_PRIVILEGES, TOKEN_ALL_ACCESS, TOKEN_ASSIGN_PRIMARY,
  TOKEN_DUPLICATE, TOKEN_QUERY, TokenElevationType, TokenImpersonation, TokenIntegrityLevel, TokenPrimary, TokenPrivileges,
  TokenSessionId, TokenStatistics, TokenType, TokenUser, verifyIntegrity, type PROCESS_INFORMATION, type System,
} from '../../src/engine';
import { tokenAssignable } from '../../src/engine/ps/tokens';
import { Token } from '../../src/engine/se/token';
import { machineOf } from '../../src/engine/testing';

const pidOf = (sys: System, name: string): number => sys.processIds.find((p) => sys.queryProcess(p)!.imageFileName.toLowerCase() === name)!;
const pi = (): PROCESS_INFORMATION => ({ hProcess: 0, hThread: 0, dwProcessId: 0, dwThreadId: 0 });

/** The integrity level and user of a process, read through its own token. */
function identity(sys: System, viewerPid: number, pid: number): { user: string; level: string; session: number } {
  const k = sys.win32(viewerPid);
  const hp = k.OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, false, pid);
  const ht = { value: 0 };
  expect(k.OpenProcessToken(hp, TOKEN_QUERY, ht)).toBe(true);
  const user: Record<string, unknown> = {};
  const label: Record<string, unknown> = {};
  const session: Record<string, unknown> = {};
  k.GetTokenInformation(ht.value, TokenUser, user);
  k.GetTokenInformation(ht.value, TokenIntegrityLevel, label);
  k.GetTokenInformation(ht.value, TokenSessionId, session);
  k.CloseHandle(ht.value);
  k.CloseHandle(hp);
  return { user: (user.User as { Name: string }).Name, level: label.Level as string, session: session.SessionId as number };
}

describe('tokens through handles', () => {
  it('OpenProcessToken + GetTokenInformation describe the caller\'s own primary token', () => {
    const sys = createSystem({ boot: true });
    const explorer = pidOf(sys, 'explorer.exe');
    const k = sys.win32(explorer);
    const h = { value: 0 };
    expect(k.OpenProcessToken(k.GetCurrentProcess(), TOKEN_QUERY, h)).toBe(true);
    const user: Record<string, unknown> = {};
    expect(k.GetTokenInformation(h.value, TokenUser, user)).toBe(true);
    expect(user.User).toMatchObject({ Name: 'LAB\\Student', Sid: expect.stringMatching(/^S-1-5-21-/) });
    const type: Record<string, unknown> = {};
    k.GetTokenInformation(h.value, TokenType, type);
    expect(type.TokenType).toBe(TokenPrimary);
    const elevation: Record<string, unknown> = {};
    k.GetTokenInformation(h.value, TokenElevationType, elevation);
    expect(elevation.TokenElevationType).toBe(3); // TokenElevationTypeLimited: a filtered admin token
    const il: Record<string, unknown> = {};
    k.GetTokenInformation(h.value, TokenIntegrityLevel, il);
    expect(il).toMatchObject({ Level: 'Medium', Label: { Sid: 'S-1-16-8192' } });
    // The handle was opened for TOKEN_QUERY only: adjusting through it is denied.
    expect(k.SetTokenInformation(h.value, TokenIntegrityLevel, { Label: { Sid: 'S-1-16-4096' } })).toBe(false);
    expect(k.GetLastError()).toBe(ERROR_ACCESS_DENIED);
    // Unknown class, bad handle.
    expect(k.GetTokenInformation(h.value, 999, {})).toBe(false);
    expect(k.GetLastError()).toBe(ERROR_INVALID_PARAMETER);
    expect(k.GetTokenInformation(0x7FF0, TokenUser, {})).toBe(false);
    expect(k.GetLastError()).toBe(ERROR_INVALID_HANDLE);
  });

  it('a Low integrity child: duplicate the own token, lower its label, CreateProcessAsUser — no privilege needed', () => {
    const sys = createSystem({ boot: true });
    const explorer = pidOf(sys, 'explorer.exe');
    const k = sys.win32(explorer);
    const own = { value: 0 };
    expect(k.OpenProcessToken(-1, TOKEN_DUPLICATE | TOKEN_QUERY | TOKEN_ADJUST_DEFAULT | TOKEN_ASSIGN_PRIMARY, own)).toBe(true);
    const low = { value: 0 };
    expect(k.DuplicateTokenEx(own.value, 0, null, SecurityImpersonation, TokenPrimary, low)).toBe(true);
    expect(k.SetTokenInformation(low.value, TokenIntegrityLevel, { Label: { Sid: 'S-1-16-4096' } })).toBe(true);
    const info = pi();
    expect(k.CreateProcessAsUser(low.value, 'C:\\Windows\\System32\\notepad.exe', null, false, 0, null, info)).toBe(true);
    expect(identity(sys, explorer, info.dwProcessId)).toEqual({ user: 'LAB\\Student', level: 'Low', session: 1 });
    // The creator's own token is untouched; the duplicate was a copy.
    expect(identity(sys, explorer, explorer).level).toBe('Medium');
    const steps = sys.getSteps(0, sys.stepCount);
    expect(steps.some((s) => s.code === 'token.setIntegrity' && s.args.from === 'Medium' && s.args.to === 'Low')).toBe(true);
    const asUser = steps.filter((s) => s.code === 'create.asUser').pop()!;
    expect(asUser.args).toMatchObject({ user: 'LAB\\Student', integrity: 'Low', sessionId: 1 });
    expect(asUser.stage).toBe('1');
    // The child's parent is the caller, as with CreateProcess.
    expect(sys.queryProcess(info.dwProcessId)!.parentPid).toBe(explorer);
    expect(verifyIntegrity(sys)).toEqual([]);
  });

  it('raising the label needs SeTcbPrivilege; impersonation tokens and missing rights are refused by CreateProcessAsUser', () => {
    const sys = createSystem({ boot: true });
    const k = sys.win32(pidOf(sys, 'explorer.exe'));
    const own = { value: 0 };
    k.OpenProcessToken(-1, TOKEN_ALL_ACCESS, own);
    const dup = { value: 0 };
    k.DuplicateTokenEx(own.value, TOKEN_ALL_ACCESS, null, SecurityImpersonation, TokenPrimary, dup);
    expect(k.SetTokenInformation(dup.value, TokenIntegrityLevel, { Label: { Sid: 'S-1-16-12288' } })).toBe(false);
    expect(k.GetLastError()).toBe(ERROR_PRIVILEGE_NOT_HELD);
    expect(k.SetTokenInformation(dup.value, TokenIntegrityLevel, { Label: { Sid: 'S-1-16-77' } })).toBe(false);
    expect(k.GetLastError()).toBe(ERROR_INVALID_PARAMETER);
    expect(k.SetTokenInformation(dup.value, TokenSessionId, { SessionId: 0 })).toBe(false);
    expect(k.GetLastError()).toBe(ERROR_PRIVILEGE_NOT_HELD);
    // An impersonation token is not a primary token.
    const imp = { value: 0 };
    expect(k.DuplicateTokenEx(own.value, TOKEN_ALL_ACCESS, null, SecurityIdentification, TokenImpersonation, imp)).toBe(true);
    const t: Record<string, unknown> = {};
    k.GetTokenInformation(imp.value, TokenType, t);
    expect(t.TokenType).toBe(TokenImpersonation);
    expect(k.CreateProcessAsUser(imp.value, 'C:\\Windows\\System32\\notepad.exe', null, false, 0, null, pi())).toBe(false);
    expect(k.GetLastError()).toBe(ERROR_BAD_TOKEN_TYPE);
    // A primary token cannot be made from an identification-level token.
    expect(k.DuplicateTokenEx(imp.value, TOKEN_ALL_ACCESS, null, SecurityImpersonation, TokenPrimary, { value: 0 })).toBe(false);
    expect(k.GetLastError()).toBe(1346); // ERROR_BAD_IMPERSONATION_LEVEL
    // A handle without TOKEN_ASSIGN_PRIMARY.
    const queryOnly = { value: 0 };
    k.DuplicateTokenEx(own.value, TOKEN_QUERY | TOKEN_DUPLICATE, null, SecurityImpersonation, TokenPrimary, queryOnly);
    expect(k.CreateProcessAsUser(queryOnly.value, 'C:\\Windows\\System32\\notepad.exe', null, false, 0, null, pi())).toBe(false);
    expect(k.GetLastError()).toBe(ERROR_ACCESS_DENIED);
    // A failed CreateProcessAsUser creates nothing.
    const count = sys.processCount;
    expect(k.CreateProcessAsUser(imp.value, 'C:\\Windows\\System32\\notepad.exe', null, false, 0, null, pi())).toBe(false);
    expect(sys.processCount).toBe(count);
  });

  it('a SYSTEM service starts a program on the user\'s desktop: WTSQueryUserToken + CreateProcessAsUser', () => {
    const sys = createSystem({ boot: true });
    const services = pidOf(sys, 'services.exe');
    const ks = sys.win32(services);
    const h = { value: 0 };
    expect(ks.WTSQueryUserToken(1, h)).toBe(true);
    const info = pi();
    expect(ks.CreateProcessAsUser(h.value, null, 'notepad.exe C:\\notes.txt', false, 0, null, info)).toBe(true);
    expect(sys.queryProcess(info.dwProcessId)).toMatchObject({ parentPid: services, sessionId: 1 });
    expect(identity(sys, services, info.dwProcessId)).toEqual({ user: 'LAB\\Student', level: 'Medium', session: 1 });
    // Session 0 has no interactive user.
    expect(ks.WTSQueryUserToken(0, { value: 0 })).toBe(false);
    expect(ks.GetLastError()).toBe(ERROR_NO_TOKEN);
    // The user's own programs may not ask for it.
    const ku = sys.win32(pidOf(sys, 'explorer.exe'));
    expect(ku.WTSQueryUserToken(1, { value: 0 })).toBe(false);
    expect(ku.GetLastError()).toBe(ERROR_PRIVILEGE_NOT_HELD);
  });

  it('the token\'s security: a standard user cannot open a SYSTEM process\'s token; SYSTEM can open the user\'s', () => {
    const sys = createSystem({ boot: true });
    const explorer = pidOf(sys, 'explorer.exe');
    const lsass = pidOf(sys, 'lsass.exe');
    const k = sys.win32(explorer);
    // The user does not even get a handle to lsass: the process object's DACL (from SYSTEM's default
    // DACL) names only SYSTEM and Administrators, and Explorer's Administrators group is deny-only.
    // (Before OpenProcess performed the access check this test opened lsass and was refused the token.)
    expect(k.OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, false, lsass)).toBe(0);
    expect(k.GetLastError()).toBe(ERROR_ACCESS_DENIED);
    expect(k.OpenProcessToken(0, TOKEN_QUERY, { value: 0 })).toBe(false);
    const ks = sys.win32(pidOf(sys, 'services.exe'));
    const he = ks.OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, false, explorer);
    const ht = { value: 0 };
    expect(ks.OpenProcessToken(he, TOKEN_DUPLICATE | TOKEN_QUERY, ht)).toBe(true);
    const stats: Record<string, unknown> = {};
    ks.GetTokenInformation(ht.value, TokenStatistics, stats);
    expect(stats.TokenType).toBe(TokenPrimary);
    expect(stats.AuthenticationId).not.toBe(0x3E7);
  });

  it('AdjustTokenPrivileges succeeds with ERROR_NOT_ALL_ASSIGNED for privileges the token lacks; SE_PRIVILEGE_REMOVED takes one out for good', () => {
    const sys = createSystem({ boot: true });
    const k = sys.win32(pidOf(sys, 'explorer.exe'));
    const h = { value: 0 };
    k.OpenProcessToken(-1, TOKEN_ADJUST_PRIVILEGES | TOKEN_QUERY, h);
    expect(k.AdjustTokenPrivileges(h.value, false, [{ Name: 'SeDebugPrivilege', Attributes: SE_PRIVILEGE_ENABLED }])).toBe(true);
    expect(k.GetLastError()).toBe(ERROR_NOT_ALL_ASSIGNED);
    expect(k.AdjustTokenPrivileges(h.value, false, [{ Name: 'SeShutdownPrivilege', Attributes: SE_PRIVILEGE_ENABLED }])).toBe(true);
    expect(k.GetLastError()).toBe(0);
    expect(k.AdjustTokenPrivileges(h.value, false, [{ Name: 'SeIncreaseWorkingSetPrivilege', Attributes: SE_PRIVILEGE_REMOVED }])).toBe(true);
    const privs: Record<string, unknown> = {};
    k.GetTokenInformation(h.value, TokenPrivileges, privs);
    const names = (privs.Privileges as Array<{ Name: string }>).map((p) => p.Name);
    expect(names).toContain('SeShutdownPrivilege');
    expect(names).not.toContain('SeIncreaseWorkingSetPrivilege');
    expect(privs.PrivilegeCount).toBe(names.length);
    // Malformed NewState.
    expect(k.AdjustTokenPrivileges(h.value, false, [{ Name: 42 as unknown as string, Attributes: 0 }])).toBe(false);
    expect(k.GetLastError()).toBe(ERROR_INVALID_PARAMETER);
  });

  it('sibling and child tokens are assignable without SeAssignPrimaryTokenPrivilege; other logon sessions are not', () => {
    const user = Token.create(1, 0n, { account: 'User', sessionId: 1 });
    const sibling = user.duplicate(2, 0n);
    expect(tokenAssignable(user, sibling)).toBe(true);
    const child = user.duplicate(3, 0n);
    child.parentTokenId = user.tokenId;
    expect(tokenAssignable(user, child)).toBe(true);
    const service = Token.create(4, 0n, { account: 'LocalService', sessionId: 0 });
    expect(tokenAssignable(user, service)).toBe(false);
    const system = Token.create(5, 0n, { account: 'LocalSystem', sessionId: 0 });
    expect(tokenAssignable(system, user)).toBe(true); // SYSTEM holds SeAssignPrimaryTokenPrivilege
  });

  it('closing the last handle deletes a duplicated TOKEN; past states keep the old label', () => {
    const sys = createSystem({ boot: true });
    const explorer = pidOf(sys, 'explorer.exe');
    const k = sys.win32(explorer);
    const objects = machineOf(sys).ps.ob.objects.size;
    const h = { value: 0 };
    k.OpenProcessToken(-1, TOKEN_ALL_ACCESS, h);
    const before = sys.stepCount - 1;
    expect(k.SetTokenInformation(h.value, TokenIntegrityLevel, { Label: { Sid: 'S-1-16-4096' } })).toBe(true);
    expect(identity(sys, explorer, explorer).level).toBe('Low');
    // A past state is read-only: read the TOKEN there with dt.
    const label = (st: System): string => String(describeObject(st, { kind: 'TOKEN', pid: explorer })!.fields.find((f) => f.name === 'IntegrityLevelIndex')!.value);
    expect(label(sys.stateAt(before))).toContain('Medium');
    expect(label(sys)).toContain('Low');
    const dup = { value: 0 };
    k.DuplicateTokenEx(h.value, TOKEN_ALL_ACCESS, null, SecurityImpersonation, TokenPrimary, dup);
    expect(machineOf(sys).ps.ob.objects.size).toBe(objects + 1);
    k.CloseHandle(dup.value);
    k.CloseHandle(h.value);
    expect(machineOf(sys).ps.ob.objects.size).toBe(objects);
    expect(machineOf(sys).ps.tokens.size).toBe(0);
  });
});
