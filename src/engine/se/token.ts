// Access tokens (TOKEN): the user SID, groups, privileges and the mandatory integrity level a process
// runs with. Primary tokens are duplicated from the parent at process creation (SeSubProcessToken);
// CreateProcessAsUser gives the child another token.
import { GENERIC_ALL, GENERIC_EXECUTE, GENERIC_READ, READ_CONTROL } from '../constants';

/** Mandatory label RIDs (S-1-16-x). */
export const INTEGRITY_RID = { Untrusted: 0x0000, Low: 0x1000, Medium: 0x2000, MediumPlus: 0x2100, High: 0x3000, System: 0x4000, Protected: 0x5000 } as const;
export type IntegrityLevel = keyof typeof INTEGRITY_RID;

// SID_AND_ATTRIBUTES.Attributes of groups.
export const SE_GROUP_MANDATORY = 0x00000001;
export const SE_GROUP_ENABLED_BY_DEFAULT = 0x00000002;
export const SE_GROUP_ENABLED = 0x00000004;
export const SE_GROUP_OWNER = 0x00000008;
export const SE_GROUP_USE_FOR_DENY_ONLY = 0x00000010;
export const SE_GROUP_INTEGRITY = 0x00000020;
export const SE_GROUP_INTEGRITY_ENABLED = 0x00000040;
export const SE_GROUP_LOGON_ID = 0xC0000000;

export interface SidAndAttributes { sid: string; name: string; attributes: number }

/** One ACCESS_ALLOWED_ACE of a token's default DACL (generic rights, mapped when an object gets it). */
export interface DefaultAce { readonly sid: string; readonly name: string; readonly mask: number }

const EMPTY: ReadonlySet<string> = new Set();
const ADMINISTRATORS = { sid: 'S-1-5-32-544', name: 'BUILTIN\\Administrators' } as const;
const SYSTEM_SID = { sid: 'S-1-5-18', name: 'NT AUTHORITY\\SYSTEM' } as const;

/** Well-known accounts. */
export const WELL_KNOWN_SIDS = {
  LocalSystem: { sid: 'S-1-5-18', name: 'NT AUTHORITY\\SYSTEM' },
  LocalService: { sid: 'S-1-5-19', name: 'NT AUTHORITY\\LOCAL SERVICE' },
  NetworkService: { sid: 'S-1-5-20', name: 'NT AUTHORITY\\NETWORK SERVICE' },
  /**
   * Virtual accounts of the session's desktop processes (Windows 10): dwm.exe runs as Window Manager\DWM-<session>
   * (S-1-5-90-0-<session>), fontdrvhost.exe as Font Driver Host\UMFD-<session> (S-1-5-96-0-<session>), as
   * Process Explorer and Task Manager's User name column show them.
   */
  'DWM-1': { sid: 'S-1-5-90-0-1', name: 'Window Manager\\DWM-1' },
  'UMFD-0': { sid: 'S-1-5-96-0-0', name: 'Font Driver Host\\UMFD-0' },
  'UMFD-1': { sid: 'S-1-5-96-0-1', name: 'Font Driver Host\\UMFD-1' },
  /** The interactive user of the simulated machine. */
  User: { sid: 'S-1-5-21-3623811015-3361044348-30300820-1001', name: 'LAB\\Student' },
} as const;
export type AccountName = keyof typeof WELL_KNOWN_SIDS;

const MANDATORY = SE_GROUP_MANDATORY | SE_GROUP_ENABLED_BY_DEFAULT | SE_GROUP_ENABLED;

/** Privileges of SYSTEM (as `whoami /priv` lists them in a SYSTEM process). */
const SYSTEM_PRIVILEGES = [
  'SeCreateTokenPrivilege', 'SeAssignPrimaryTokenPrivilege', 'SeLockMemoryPrivilege', 'SeIncreaseQuotaPrivilege',
  'SeTcbPrivilege', 'SeSecurityPrivilege', 'SeTakeOwnershipPrivilege', 'SeLoadDriverPrivilege', 'SeSystemProfilePrivilege',
  'SeSystemtimePrivilege', 'SeProfileSingleProcessPrivilege', 'SeIncreaseBasePriorityPrivilege', 'SeCreatePagefilePrivilege',
  'SeCreatePermanentPrivilege', 'SeBackupPrivilege', 'SeRestorePrivilege', 'SeShutdownPrivilege', 'SeDebugPrivilege',
  'SeAuditPrivilege', 'SeSystemEnvironmentPrivilege', 'SeChangeNotifyPrivilege', 'SeUndockPrivilege', 'SeManageVolumePrivilege',
  'SeImpersonatePrivilege', 'SeCreateGlobalPrivilege', 'SeIncreaseWorkingSetPrivilege', 'SeTimeZonePrivilege',
  'SeCreateSymbolicLinkPrivilege', 'SeDelegateSessionUserImpersonatePrivilege',
];
/**
 * The privileges each kind of token has enabled when it is made (SE_PRIVILEGE_ENABLED_BY_DEFAULT), as
 * `whoami /priv` shows them: the others are present but disabled until AdjustTokenPrivileges enables
 * them (Windows Internals 7e ch. 7, "Privileges": a privilege must be enabled to be used; Microsoft
 * Learn, "Enabling and Disabling Privileges in C++"). SeDebugPrivilege is enabled in SYSTEM's token and
 * present but disabled in an elevated administrator's.
 */
const SYSTEM_ENABLED = new Set([
  'SeLockMemoryPrivilege', 'SeTcbPrivilege', 'SeSystemProfilePrivilege', 'SeProfileSingleProcessPrivilege', 'SeIncreaseBasePriorityPrivilege',
  'SeCreatePagefilePrivilege', 'SeCreatePermanentPrivilege', 'SeDebugPrivilege', 'SeAuditPrivilege', 'SeChangeNotifyPrivilege',
  'SeImpersonatePrivilege', 'SeCreateGlobalPrivilege', 'SeIncreaseWorkingSetPrivilege', 'SeTimeZonePrivilege', 'SeCreateSymbolicLinkPrivilege',
  'SeDelegateSessionUserImpersonatePrivilege',
]);
const USER_ENABLED = new Set(['SeChangeNotifyPrivilege']);
const ADMIN_ENABLED = new Set(['SeChangeNotifyPrivilege', 'SeImpersonatePrivilege', 'SeCreateGlobalPrivilege']);
const SERVICE_ENABLED = new Set(['SeAuditPrivilege', 'SeChangeNotifyPrivilege', 'SeImpersonatePrivilege', 'SeCreateGlobalPrivilege']);

/** A standard (filtered, Medium) user token. */
const USER_PRIVILEGES = ['SeShutdownPrivilege', 'SeChangeNotifyPrivilege', 'SeUndockPrivilege', 'SeIncreaseWorkingSetPrivilege', 'SeTimeZonePrivilege'];
/** An elevated administrator token adds these. */
const ADMIN_PRIVILEGES = [
  'SeIncreaseQuotaPrivilege', 'SeSecurityPrivilege', 'SeTakeOwnershipPrivilege', 'SeLoadDriverPrivilege', 'SeSystemProfilePrivilege',
  'SeSystemtimePrivilege', 'SeProfileSingleProcessPrivilege', 'SeIncreaseBasePriorityPrivilege', 'SeCreatePagefilePrivilege',
  'SeBackupPrivilege', 'SeRestorePrivilege', 'SeDebugPrivilege', 'SeSystemEnvironmentPrivilege', 'SeManageVolumePrivilege',
  'SeImpersonatePrivilege', 'SeCreateGlobalPrivilege', 'SeCreateSymbolicLinkPrivilege', 'SeDelegateSessionUserImpersonatePrivilege',
];
const SERVICE_PRIVILEGES = ['SeAssignPrimaryTokenPrivilege', 'SeIncreaseQuotaPrivilege', 'SeSystemtimePrivilege', 'SeShutdownPrivilege', 'SeAuditPrivilege', 'SeChangeNotifyPrivilege', 'SeImpersonatePrivilege', 'SeCreateGlobalPrivilege', 'SeIncreaseWorkingSetPrivilege', 'SeTimeZonePrivilege'];

/** What kind of token to make. */
export interface TokenSpec { account: AccountName; sessionId: number; elevated?: boolean; integrityLevel?: IntegrityLevel }

export class Token {
  constructor(
    readonly tokenId: number,
    /** Simulated kernel address of the TOKEN body. */
    readonly address: bigint,
    readonly user: SidAndAttributes,
    /** Replaced, never mutated in place (snapshots share the array). */
    public groups: SidAndAttributes[],
    /** Privileges present in the token (the memory manager checks SeLockMemoryPrivilege here). */
    readonly privileges: Set<string>,
    public integrityLevel: IntegrityLevel,
    public sessionId: number,
    /** LUID of the logon session (AuthenticationId). */
    readonly authenticationId: number,
    readonly elevated: boolean,
    readonly tokenType: 'Primary' | 'Impersonation' = 'Primary',
  ) {}

  /**
   * TOKEN.ParentTokenId: the token this one was filtered from. Duplicates keep their source's, so a
   * duplicate of a process's own token is its sibling — assignable as a primary token without
   * SeAssignPrimaryTokenPrivilege.
   */
  parentTokenId = 0;
  /** SECURITY_IMPERSONATION_LEVEL of an impersonation token (SecurityAnonymous for primary tokens). */
  impersonationLevel = 0;
  /** TOKEN.ModifiedId: changes with every SetTokenInformation / AdjustTokenPrivileges. */
  modifiedId = 0;
  /** Privileges the token was made with enabled (SE_PRIVILEGE_ENABLED_BY_DEFAULT); never mutated, shared. */
  enabledByDefault: ReadonlySet<string> = EMPTY;
  /**
   * Privileges present but disabled (SEP_TOKEN_PRIVILEGES.Present without .Enabled). A privilege
   * added later (System.grantPrivilege) is enabled.
   */
  disabledPrivileges = new Set<string>();

  /** Whether a privilege is present and enabled: what SeSinglePrivilegeCheck asks. */
  privilegeEnabled(name: string): boolean { return this.privileges.has(name) && !this.disabledPrivileges.has(name); }

  /**
   * TOKEN.DefaultOwnerIndex: the owner of objects this token creates (Microsoft Learn, "TOKEN_OWNER":
   * the default owner for newly created objects). Elevated administrators and SYSTEM default to
   * BUILTIN\Administrators, other users to themselves (Windows Internals 7e ch. 7, "Access tokens").
   */
  get defaultOwner(): { sid: string; name: string } {
    return this.elevated && (this.user.sid === WELL_KNOWN_SIDS.LocalSystem.sid || this.user.sid.startsWith('S-1-5-21-')) ? ADMINISTRATORS : { sid: this.user.sid, name: this.user.name };
  }

  /**
   * TOKEN.DefaultDacl: the DACL of objects this token creates without a security descriptor of their
   * own, generic rights unmapped (Windows Internals 7e ch. 7, "ACL assignment": "the object gets the
   * default DACL from the creator's token"). SYSTEM's grants SYSTEM GENERIC_ALL and Administrators
   * GENERIC_READ | GENERIC_EXECUTE | READ_CONTROL; a logged-on user's grants its owner (the user, or
   * Administrators when elevated) and SYSTEM GENERIC_ALL and its logon SID GENERIC_READ | GENERIC_EXECUTE.
   */
  get defaultDacl(): readonly DefaultAce[] {
    if (this.user.sid === WELL_KNOWN_SIDS.LocalSystem.sid) {
      return [{ ...SYSTEM_SID, mask: GENERIC_ALL }, { ...ADMINISTRATORS, mask: GENERIC_READ | GENERIC_EXECUTE | READ_CONTROL }];
    }
    const aces: DefaultAce[] = [{ ...this.defaultOwner, mask: GENERIC_ALL }, { ...SYSTEM_SID, mask: GENERIC_ALL }];
    const logon = this.groups.find((g) => ((g.attributes & SE_GROUP_LOGON_ID) >>> 0) === SE_GROUP_LOGON_ID);
    if (logon) aces.push({ sid: logon.sid, name: logon.name, mask: GENERIC_READ | GENERIC_EXECUTE });
    return aces;
  }

  get integritySid(): string { return `S-1-16-${INTEGRITY_RID[this.integrityLevel]}`; }

  /** A copy with a new id and address (SeSubProcessToken / DuplicateTokenEx). */
  duplicate(tokenId: number, address: bigint, tokenType: 'Primary' | 'Impersonation' = this.tokenType, impersonationLevel = this.impersonationLevel): Token {
    const t = new Token(tokenId, address, { ...this.user }, this.groups.map((g) => ({ ...g })), new Set(this.privileges), this.integrityLevel, this.sessionId, this.authenticationId, this.elevated, tokenType);
    t.parentTokenId = this.parentTokenId;
    t.impersonationLevel = tokenType === 'Primary' ? 0 : impersonationLevel;
    t.enabledByDefault = this.enabledByDefault;
    t.disabledPrivileges = new Set(this.disabledPrivileges);
    return t;
  }

  /** A snapshot copy: the user and the groups array are never mutated and are shared. */
  clone(): Token {
    const t = new Token(this.tokenId, this.address, this.user, this.groups, new Set(this.privileges), this.integrityLevel, this.sessionId, this.authenticationId, this.elevated, this.tokenType);
    t.parentTokenId = this.parentTokenId;
    t.impersonationLevel = this.impersonationLevel;
    t.modifiedId = this.modifiedId;
    t.enabledByDefault = this.enabledByDefault;
    t.disabledPrivileges = new Set(this.disabledPrivileges);
    return t;
  }

  /** Sets the mandatory label (the integrity group is replaced, not edited). */
  setIntegrityLevel(level: IntegrityLevel): void {
    this.integrityLevel = level;
    this.groups = this.groups.map((g) => (g.attributes & SE_GROUP_INTEGRITY) ? { sid: `S-1-16-${INTEGRITY_RID[level]}`, name: `Mandatory Label\\${level} Mandatory Level`, attributes: g.attributes } : g);
    this.modifiedId++;
  }

  /** Builds a token for a well-known account. */
  static create(tokenId: number, address: bigint, spec: TokenSpec): Token {
    const account = WELL_KNOWN_SIDS[spec.account];
    const groups: SidAndAttributes[] = [];
    let privileges: string[];
    let enabled: ReadonlySet<string>;
    let integrity: IntegrityLevel;
    let logon: number;
    if (spec.account === 'LocalSystem') {
      privileges = SYSTEM_PRIVILEGES;
      enabled = SYSTEM_ENABLED;
      integrity = 'System';
      logon = 0x3E7; // SYSTEM_LUID
      groups.push({ sid: 'S-1-5-32-544', name: 'BUILTIN\\Administrators', attributes: MANDATORY | SE_GROUP_OWNER });
      groups.push({ sid: 'S-1-1-0', name: 'Everyone', attributes: MANDATORY });
      groups.push({ sid: 'S-1-5-11', name: 'NT AUTHORITY\\Authenticated Users', attributes: MANDATORY });
    } else if (spec.account === 'User') {
      privileges = spec.elevated ? [...USER_PRIVILEGES, ...ADMIN_PRIVILEGES] : USER_PRIVILEGES;
      enabled = spec.elevated ? ADMIN_ENABLED : USER_ENABLED;
      integrity = spec.elevated ? 'High' : 'Medium';
      logon = 0x2A5F3 + spec.sessionId;
      groups.push({ sid: 'S-1-1-0', name: 'Everyone', attributes: MANDATORY });
      groups.push({ sid: 'S-1-5-32-544', name: 'BUILTIN\\Administrators', attributes: spec.elevated ? MANDATORY | SE_GROUP_OWNER : SE_GROUP_USE_FOR_DENY_ONLY });
      groups.push({ sid: 'S-1-5-32-545', name: 'BUILTIN\\Users', attributes: MANDATORY });
      groups.push({ sid: 'S-1-5-4', name: 'NT AUTHORITY\\INTERACTIVE', attributes: MANDATORY });
      groups.push({ sid: 'S-1-5-11', name: 'NT AUTHORITY\\Authenticated Users', attributes: MANDATORY });
      groups.push({ sid: `S-1-5-5-0-${logon}`, name: 'NT AUTHORITY\\LogonSessionId', attributes: MANDATORY | SE_GROUP_LOGON_ID });
    } else if (spec.account === 'DWM-1' || spec.account === 'UMFD-0' || spec.account === 'UMFD-1') {
      // A virtual account: its own SID, Everyone and the logon session; the privileges a standard user has.
      privileges = USER_PRIVILEGES;
      enabled = USER_ENABLED;
      integrity = spec.account === 'DWM-1' ? 'System' : 'Low';
      logon = 0x3E7 + 0x100 + spec.sessionId;
      groups.push({ sid: 'S-1-1-0', name: 'Everyone', attributes: MANDATORY });
      groups.push({ sid: 'S-1-5-11', name: 'NT AUTHORITY\\Authenticated Users', attributes: MANDATORY });
    } else {
      privileges = SERVICE_PRIVILEGES;
      enabled = SERVICE_ENABLED;
      integrity = 'System';
      logon = spec.account === 'LocalService' ? 0x3E5 : 0x3E4; // LOCALSERVICE_LUID, NETWORKSERVICE_LUID
      groups.push({ sid: 'S-1-1-0', name: 'Everyone', attributes: MANDATORY });
      groups.push({ sid: 'S-1-5-6', name: 'NT AUTHORITY\\SERVICE', attributes: MANDATORY });
    }
    const level = spec.integrityLevel ?? integrity;
    groups.push({ sid: `S-1-16-${INTEGRITY_RID[level]}`, name: `Mandatory Label\\${level} Mandatory Level`, attributes: SE_GROUP_INTEGRITY | SE_GROUP_INTEGRITY_ENABLED });
    const token = new Token(tokenId, address, { sid: account.sid, name: account.name, attributes: 0 }, groups, new Set(privileges), level, spec.sessionId, logon, spec.elevated ?? spec.account === 'LocalSystem');
    token.enabledByDefault = enabled;
    for (const p of privileges) if (!enabled.has(p)) token.disabledPrivileges.add(p);
    return token;
  }
}
