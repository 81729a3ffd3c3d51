/**
 * OpenProcess performs the real access check (issue 14 item 2). Sources: Microsoft Learn, "OpenProcess"
 * (SeDebugPrivilege grants the access "regardless of the contents of the security descriptor"), "Process
 * Security and Access Rights" (default security descriptor from the creator's token; PROCESS_QUERY_INFORMATION
 * implies PROCESS_QUERY_LIMITED_INFORMATION; the rights protected processes still give), "Mandatory Integrity
 * Control"; Windows Internals 7e ch. 7 "Determining access", "Mandatory integrity checks" (process objects
 * are No-Write-Up and No-Read-Up), ch. 3 "Protected processes" (signers in order of precedence; PP above PPL).
 */
import { describe, expect, it } from 'vitest';
import {
  createSystem, ERROR_ACCESS_DENIED, MAXIMUM_ALLOWED, PROCESS_ALL_ACCESS, PROCESS_QUERY_INFORMATION, PROCESS_QUERY_LIMITED_INFORMATION,
  PROCESS_TERMINATE, PROCESS_VM_READ, PROCESS_VM_WRITE, SE_PRIVILEGE_ENABLED, SE_PRIVILEGE_ENABLED_BY_DEFAULT, SYNCHRONIZE,
  SYSTEM_MANDATORY_LABEL_NO_READ_UP, SYSTEM_MANDATORY_LABEL_NO_WRITE_UP, TOKEN_ADJUST_PRIVILEGES, TOKEN_QUERY, TokenPrivileges,
  type IntegrityLevel, type System,
} from '../../src/engine';
import { rtlTestProtectedAccess } from '../../src/engine/se/processProtection';
import { machineOf } from '../../src/engine/testing';

const pidOf = (sys: System, name: string): number => sys.processIds.find((p) => sys.queryProcess(p)!.imageFileName.toLowerCase() === name)!;

/** A process of the interactive user started by services.exe with the token asked for (CreateProcessAsUser). */
function userProcess(sys: System, user: { elevated?: boolean; integrityLevel?: IntegrityLevel }): number {
  const services = pidOf(sys, 'services.exe');
  return (sys.psCall({ call: 'createProcessAsUser', options: { imagePath: 'notepad.exe', parentPid: services }, user: { account: 'User', sessionId: 1, ...user } }) as { pid: number }).pid;
}

/** The access granted to a handle, as the handle table records it. */
const grantedOf = (sys: System, pid: number, handle: number): number => sys.queryHandles(pid).find((h) => h.handle === handle)!.grantedAccess;

/** The reason the last refused OpenProcess was recorded with. */
function lastDenial(sys: System): string {
  for (let i = sys.stepCount - 1; i >= 0; i--) {
    const [s] = sys.getSteps(i, i + 1);
    if (s!.code === 'process.openDenied') return String(s!.args.reason);
  }
  return '';
}

describe('OpenProcess: the security descriptor', () => {
  it('processes get the descriptor of the token they run with: SYSTEM\'s default DACL for lsass, the user\'s for Explorer', () => {
    const sys = createSystem({ boot: true });
    const lsass = sys.queryProcessSecurity(pidOf(sys, 'lsass.exe'))!;
    expect(lsass.owner.sid).toBe('S-1-5-32-544');
    // GENERIC_ALL -> PROCESS_ALL_ACCESS; GENERIC_READ | GENERIC_EXECUTE | READ_CONTROL -> 0x121411.
    expect(lsass.dacl.map((a) => [a.type, a.sid, a.mask])).toEqual([['Allowed', 'S-1-5-18', PROCESS_ALL_ACCESS], ['Allowed', 'S-1-5-32-544', 0x121411]]);
    expect(lsass.label).toEqual({ level: 'System', sid: 'S-1-16-16384', policy: SYSTEM_MANDATORY_LABEL_NO_WRITE_UP | SYSTEM_MANDATORY_LABEL_NO_READ_UP });
    expect(lsass.protection).toBe(0);
    const explorer = sys.queryProcessSecurity(pidOf(sys, 'explorer.exe'))!;
    expect(explorer.owner.name).toBe('LAB\\Student');
    expect(explorer.dacl.map((a) => a.name)).toEqual(['LAB\\Student', 'NT AUTHORITY\\SYSTEM', 'NT AUTHORITY\\LogonSessionId']);
    expect(explorer.dacl.map((a) => a.mask)).toEqual([PROCESS_ALL_ACCESS, PROCESS_ALL_ACCESS, 0x121411]);
    expect(explorer.label.level).toBe('Medium');
    expect(sys.queryProcessSecurity(pidOf(sys, 'csrss.exe'))!.protectionName).toBe('ProtectedLight WinTcb');
    // An elevated administrator's processes are owned by, and grant full access to, Administrators.
    const admin = sys.queryProcessSecurity(userProcess(sys, { elevated: true }))!;
    expect(admin.owner.sid).toBe('S-1-5-32-544');
    expect(admin.dacl[0]).toMatchObject({ sid: 'S-1-5-32-544', mask: PROCESS_ALL_ACCESS });
    expect(admin.label.level).toBe('High');
  });

  it('a Medium-integrity user process cannot open lsass.exe at all: ERROR_ACCESS_DENIED and no handle', () => {
    const sys = createSystem({ boot: true });
    const k = sys.win32(pidOf(sys, 'explorer.exe'));
    const lsass = pidOf(sys, 'lsass.exe');
    const handles = sys.queryHandles(pidOf(sys, 'explorer.exe')).length;
    expect(k.OpenProcess(PROCESS_ALL_ACCESS, false, lsass)).toBe(0);
    expect(k.GetLastError()).toBe(ERROR_ACCESS_DENIED);
    expect(lastDenial(sys)).toBe('integrity'); // write rights are stopped first, by the System label
    // Even the limited query right: no ACE names the user (Administrators is deny-only in the filtered token).
    expect(k.OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, false, lsass)).toBe(0);
    expect(k.GetLastError()).toBe(ERROR_ACCESS_DENIED);
    expect(lastDenial(sys)).toBe('dacl');
    expect(sys.queryHandles(pidOf(sys, 'explorer.exe')).length).toBe(handles);
  });

  it('the user\'s own processes open with full access; PROCESS_QUERY_INFORMATION brings PROCESS_QUERY_LIMITED_INFORMATION', () => {
    const sys = createSystem({ boot: true });
    const explorer = pidOf(sys, 'explorer.exe');
    const child = sys.createProcess({ imagePath: 'C:\\Windows\\System32\\notepad.exe', parentPid: explorer }).pid;
    const k = sys.win32(explorer);
    const all = k.OpenProcess(PROCESS_ALL_ACCESS, false, child);
    expect(grantedOf(sys, explorer, all)).toBe(PROCESS_ALL_ACCESS);
    const query = k.OpenProcess(PROCESS_QUERY_INFORMATION, false, child);
    expect(grantedOf(sys, explorer, query)).toBe(PROCESS_QUERY_INFORMATION | PROCESS_QUERY_LIMITED_INFORMATION);
    // OpenProcessToken asks the process handle for PROCESS_QUERY_LIMITED_INFORMATION only.
    expect(k.OpenProcessToken(query, TOKEN_QUERY, { value: 0 })).toBe(true);
  });

  it('mandatory integrity: a Low process gets neither write (no-write-up) nor read (no-read-up) rights on a Medium one, but may still query and wait', () => {
    const sys = createSystem({ boot: true });
    const low = userProcess(sys, { integrityLevel: 'Low' });
    const explorer = pidOf(sys, 'explorer.exe');
    const k = sys.win32(low);
    expect(k.OpenProcess(PROCESS_VM_WRITE, false, explorer)).toBe(0);
    expect(k.GetLastError()).toBe(ERROR_ACCESS_DENIED);
    expect(lastDenial(sys)).toBe('integrity');
    expect(k.OpenProcess(PROCESS_VM_READ, false, explorer)).toBe(0);
    expect(lastDenial(sys)).toBe('integrity');
    const h = k.OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION | SYNCHRONIZE, false, explorer);
    expect(h).not.toBe(0);
    // MAXIMUM_ALLOWED: the DACL grants everything, the label takes the generic read and write rights away.
    const max = k.OpenProcess(MAXIMUM_ALLOWED, false, explorer);
    expect(grantedOf(sys, low, max)).toBe((PROCESS_ALL_ACCESS & ~0x20410 & ~0x20BEA & ~0xD0000) >>> 0); // and DELETE, WRITE_DAC, WRITE_OWNER
    // A Medium process opening the Low one is not held back by any label.
    expect(sys.win32(explorer).OpenProcess(PROCESS_VM_WRITE | PROCESS_VM_READ, false, low)).not.toBe(0);
  });
});

describe('DebugActiveProcess opens its debuggee through the same check', () => {
  it('a Low process cannot attach to the user\'s Medium process; an administrator with SeDebugPrivilege enabled attaches to a SYSTEM service', () => {
    const sys = createSystem({ boot: true });
    const explorer = pidOf(sys, 'explorer.exe');
    const notepad = sys.createProcess({ imagePath: 'C:\\Windows\\System32\\notepad.exe', parentPid: explorer }).pid;
    const low = sys.win32(userProcess(sys, { integrityLevel: 'Low' }));
    expect(low.DebugActiveProcess(notepad)).toBe(false);
    expect(low.GetLastError()).toBe(ERROR_ACCESS_DENIED);
    const admin = sys.win32(userProcess(sys, { elevated: true }));
    const svchost = pidOf(sys, 'svchost.exe');
    expect(admin.DebugActiveProcess(svchost)).toBe(false);
    const ht = { value: 0 };
    admin.OpenProcessToken(admin.GetCurrentProcess(), TOKEN_ADJUST_PRIVILEGES, ht);
    admin.AdjustTokenPrivileges(ht.value, false, [{ Name: 'SeDebugPrivilege', Attributes: SE_PRIVILEGE_ENABLED }]);
    expect(admin.DebugActiveProcess(svchost)).toBe(true);
  });
});

describe('OpenProcess: SeDebugPrivilege and protected processes', () => {
  it('an elevated administrator holds SeDebugPrivilege disabled: lsass refuses full access until AdjustTokenPrivileges enables it', () => {
    const sys = createSystem({ boot: true });
    const admin = userProcess(sys, { elevated: true });
    const lsass = pidOf(sys, 'lsass.exe');
    const k = sys.win32(admin);
    const ht = { value: 0 };
    expect(k.OpenProcessToken(k.GetCurrentProcess(), TOKEN_ADJUST_PRIVILEGES | TOKEN_QUERY, ht)).toBe(true);
    const debugAttributes = (): number => {
      const out: Record<string, unknown> = {};
      k.GetTokenInformation(ht.value, TokenPrivileges, out);
      return (out.Privileges as Array<{ Name: string; Attributes: number }>).find((p) => p.Name === 'SeDebugPrivilege')!.Attributes;
    };
    expect(debugAttributes()).toBe(0); // present, disabled, not enabled by default
    expect(k.OpenProcess(PROCESS_ALL_ACCESS, false, lsass)).toBe(0);
    expect(k.GetLastError()).toBe(ERROR_ACCESS_DENIED);
    // Administrators may query lsass, but memory reads are read-up from High to System.
    expect(k.OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, false, lsass)).not.toBe(0);
    expect(k.OpenProcess(PROCESS_VM_READ, false, lsass)).toBe(0);
    expect(lastDenial(sys)).toBe('integrity');
    const max = k.OpenProcess(MAXIMUM_ALLOWED, false, lsass);
    expect(grantedOf(sys, admin, max)).toBe(SYNCHRONIZE | PROCESS_QUERY_LIMITED_INFORMATION | PROCESS_TERMINATE);

    expect(k.AdjustTokenPrivileges(ht.value, false, [{ Name: 'SeDebugPrivilege', Attributes: SE_PRIVILEGE_ENABLED }])).toBe(true);
    expect(debugAttributes()).toBe(SE_PRIVILEGE_ENABLED);
    const full = k.OpenProcess(PROCESS_ALL_ACCESS, false, lsass);
    expect(grantedOf(sys, admin, full)).toBe(PROCESS_ALL_ACCESS);
    // The privilege does not cross the protected-process line: csrss (PPL WinTcb) gives the limited rights only,
    // and not PROCESS_TERMINATE either (WinTcb PPLs are unkillable).
    const csrss = pidOf(sys, 'csrss.exe');
    expect(k.OpenProcess(PROCESS_ALL_ACCESS, false, csrss)).toBe(0);
    expect(lastDenial(sys)).toBe('protected');
    expect(k.OpenProcess(PROCESS_TERMINATE, false, csrss)).toBe(0);
    expect(k.OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, false, csrss)).not.toBe(0);
    // Disabled again, the DACL decides again.
    expect(k.AdjustTokenPrivileges(ht.value, false, [{ Name: 'SeDebugPrivilege', Attributes: 0 }])).toBe(true);
    expect(k.OpenProcess(PROCESS_ALL_ACCESS, false, lsass)).toBe(0);
    // SYSTEM's token has it enabled by default.
    const ks = sys.win32(pidOf(sys, 'services.exe'));
    const hs = { value: 0 };
    ks.OpenProcessToken(ks.GetCurrentProcess(), TOKEN_QUERY, hs);
    const out: Record<string, unknown> = {};
    ks.GetTokenInformation(hs.value, TokenPrivileges, out);
    expect((out.Privileges as Array<{ Name: string; Attributes: number }>).find((p) => p.Name === 'SeDebugPrivilege')!.Attributes).toBe(SE_PRIVILEGE_ENABLED | SE_PRIVILEGE_ENABLED_BY_DEFAULT);
  });

  it('the enabled privilege survives time travel: the state before AdjustTokenPrivileges refuses again', () => {
    const sys = createSystem({ boot: true });
    const admin = userProcess(sys, { elevated: true });
    const k = sys.win32(admin);
    const ht = { value: 0 };
    k.OpenProcessToken(k.GetCurrentProcess(), TOKEN_ADJUST_PRIVILEGES, ht);
    const before = sys.stepCount;
    k.AdjustTokenPrivileges(ht.value, false, [{ Name: 'SeDebugPrivilege', Attributes: SE_PRIVILEGE_ENABLED }]);
    const past = sys.stateAt(before - 1);
    const token = (st: System): { privilegeEnabled(n: string): boolean } => machineOf(st).ps.state(machineOf(st).byPid.get(admin)!).token;
    expect(token(past).privilegeEnabled('SeDebugPrivilege')).toBe(false);
    expect(token(sys).privilegeEnabled('SeDebugPrivilege')).toBe(true);
  });

  it('protected callers: RtlTestProtectedAccess compares type, then signer', () => {
    // Level = Type | Signer << 4: 0x72 PP WinSystem, 0x62 PP WinTcb, 0x61 PPL WinTcb, 0x51 PPL Windows, 0x31 PPL Antimalware.
    expect(rtlTestProtectedAccess(0, 0)).toBe(true);
    expect(rtlTestProtectedAccess(0x61, 0)).toBe(true);
    expect(rtlTestProtectedAccess(0, 0x31)).toBe(false);
    expect(rtlTestProtectedAccess(0x61, 0x61)).toBe(true);
    expect(rtlTestProtectedAccess(0x61, 0x31)).toBe(true); // a higher signer reaches a lower one
    expect(rtlTestProtectedAccess(0x31, 0x61)).toBe(false); // and not the reverse
    expect(rtlTestProtectedAccess(0x51, 0x61)).toBe(false);
    expect(rtlTestProtectedAccess(0x61, 0x72)).toBe(false); // a PPL never reaches a PP, whatever its signer
    expect(rtlTestProtectedAccess(0x62, 0x61)).toBe(true); // a PP reaches a PPL of its signer
    expect(rtlTestProtectedAccess(0x62, 0x72)).toBe(false);
  });

  it('between processes: csrss (PPL WinTcb) opens wininit (PPL WinTcb) fully, but not the System process (PP WinSystem)', () => {
    const sys = createSystem({ boot: true });
    const csrss = pidOf(sys, 'csrss.exe');
    const k = sys.win32(csrss);
    expect(k.OpenProcess(PROCESS_ALL_ACCESS, false, pidOf(sys, 'wininit.exe'))).not.toBe(0);
    expect(k.OpenProcess(PROCESS_ALL_ACCESS, false, 4)).toBe(0);
    expect(k.GetLastError()).toBe(ERROR_ACCESS_DENIED);
    expect(lastDenial(sys)).toBe('protected');
    expect(k.OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, false, 4)).not.toBe(0);
  });
});

describe('OpenProcess on a process that has exited (Learn, OpenProcess; Windows Internals 7e ch. 3, process IDs)', () => {
  it('succeeds while a handle keeps the process object, reads its exit code; fails with ERROR_INVALID_PARAMETER once the object is gone', () => {
    const sys = createSystem({ physicalMemoryMB: 64, pageFileMB: 64, seed: 3 });
    const explorer = pidOf(sys, 'explorer.exe');
    const k = sys.win32(explorer);
    const child = sys.createProcess({ imagePath: 'notepad.exe', parentPid: explorer }).pid;
    const h = k.OpenProcess(PROCESS_TERMINATE | PROCESS_QUERY_LIMITED_INFORMATION, false, child);
    expect(h).not.toBe(0);
    expect(k.TerminateProcess(h, 42)).toBe(true);
    expect(sys.processIds).not.toContain(child);
    // The first handle keeps the object: the PID still opens it.
    const again = k.OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, false, child);
    expect(again).not.toBe(0);
    const code = { value: 0 };
    expect(k.GetExitCodeProcess(again, code)).toBe(true);
    expect(code.value).toBe(42);
    // Every handle of every process to it closed: the object is deleted and the PID names nothing.
    const objectId = sys.queryHandles(explorer).find((x) => x.handle === h)!.objectId;
    for (const pid of sys.processIds) {
      if (pid === 0) continue; // the Idle process holds no handles and runs no Win32 code
      const holder = sys.win32(pid);
      for (const hi of sys.queryHandles(pid)) if (hi.objectId === objectId) expect(holder.CloseHandle(hi.handle)).toBe(true);
    }
    expect(k.OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, false, child)).toBe(0);
    expect(k.GetLastError()).toBe(87); // ERROR_INVALID_PARAMETER
  });
});
