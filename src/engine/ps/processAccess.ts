// The access decision of NtOpenProcess (PsOpenProcess, then PspProcessOpen when the handle is made):
// 1. SeDebugPrivilege, when enabled in the caller's token, grants what was asked for (PROCESS_ALL_ACCESS
//    for MAXIMUM_ALLOWED) without consulting the security descriptor — neither its DACL nor its label;
// 2. otherwise SeAccessCheck against the process object's security descriptor: mandatory label
//    (no-write-up, no-read-up), then the DACL;
// 3. a handle with PROCESS_QUERY_INFORMATION also carries PROCESS_QUERY_LIMITED_INFORMATION;
// 4. a protected target refuses a caller that RtlTestProtectedAccess does not let through any right
//    outside the limited set — privilege or not.
// Windows Internals 7e ch. 7, "Privileges" (SeDebugPrivilege opens any process or thread whatever its
// security descriptor), "Determining access"; ch. 3, "Protected processes"; Microsoft Learn, "Process
// Security and Access Rights" (PROCESS_QUERY_INFORMATION implies PROCESS_QUERY_LIMITED_INFORMATION;
// OpenProcess: "If the caller has enabled the SeDebugPrivilege privilege, the requested access is
// granted regardless of the contents of the security descriptor").
import { MAXIMUM_ALLOWED, PROCESS_ALL_ACCESS, PROCESS_QUERY_INFORMATION, PROCESS_QUERY_LIMITED_INFORMATION } from '../constants';
import { seAccessCheck } from '../se/accessCheck';
import { protectedProcessAllowedAccess, protectionName, rtlTestProtectedAccess } from '../se/processProtection';
import { mapGenericMask, PROCESS_GENERIC_MAPPING, type SecurityDescriptor } from '../se/securityDescriptor';
import type { Token } from '../se/token';

const SE_DEBUG_NAME = 'SeDebugPrivilege';

/** How the access was decided: granted by the privilege or the descriptor, or refused by the label, the DACL or protection. */
export type ProcessAccessReason = 'debugPrivilege' | 'securityDescriptor' | 'integrity' | 'dacl' | 'protected';

export interface ProcessAccessDecision { readonly granted: number; readonly reason: ProcessAccessReason }

export interface ProcessAccessSubject { readonly token: Token; readonly protection: number }
export interface ProcessAccessTarget { readonly securityDescriptor: SecurityDescriptor; readonly protection: number }

/** What a caller opening a process with `desired` gets; `granted` is 0 when refused. */
export function decideProcessAccess(caller: ProcessAccessSubject, target: ProcessAccessTarget, desired: number): ProcessAccessDecision {
  const maximum = (desired & MAXIMUM_ALLOWED) !== 0;
  const want = mapGenericMask(desired & ~MAXIMUM_ALLOWED, PROCESS_GENERIC_MAPPING);
  let granted: number;
  let reason: ProcessAccessReason;
  if (caller.token.privilegeEnabled(SE_DEBUG_NAME)) {
    granted = maximum ? PROCESS_ALL_ACCESS : want;
    reason = 'debugPrivilege';
  } else {
    const r = seAccessCheck(caller.token, target.securityDescriptor, desired, PROCESS_GENERIC_MAPPING);
    if (r.denial) return { granted: 0, reason: r.denial };
    granted = r.granted;
    reason = 'securityDescriptor';
  }
  if (granted & PROCESS_QUERY_INFORMATION) granted |= PROCESS_QUERY_LIMITED_INFORMATION;
  if (!rtlTestProtectedAccess(caller.protection, target.protection)) {
    const allowed = protectedProcessAllowedAccess(target.protection);
    if (want & ~allowed) return { granted: 0, reason: 'protected' };
    granted &= allowed;
    if (!granted) return { granted: 0, reason: 'protected' };
  }
  return { granted: granted >>> 0, reason };
}

/** The security of a process object as views show it: its descriptor (owner, DACL, label) and its protection. */
export interface ProcessSecurityInfo {
  readonly owner: { readonly sid: string; readonly name: string };
  readonly group: { readonly sid: string; readonly name: string };
  /** The DACL's ACEs in order, masks mapped to process rights. */
  readonly dacl: ReadonlyArray<{ readonly type: 'Allowed' | 'Denied'; readonly sid: string; readonly name: string; readonly mask: number }>;
  /** The SACL's SYSTEM_MANDATORY_LABEL_ACE: level, label SID (S-1-16-x) and policy (SYSTEM_MANDATORY_LABEL_NO_*). */
  readonly label: { readonly level: string; readonly sid: string; readonly policy: number };
  /** EPROCESS.Protection (PS_PROTECTION.Level) and its "Type Signer" text. */
  readonly protection: number;
  readonly protectionName: string;
}

export function describeProcessSecurity(st: { readonly securityDescriptor: SecurityDescriptor; readonly protection: number }): ProcessSecurityInfo {
  const sd = st.securityDescriptor;
  return {
    owner: { ...sd.owner }, group: { ...sd.group }, dacl: sd.dacl.map((a) => ({ ...a })), label: { ...sd.label },
    protection: st.protection, protectionName: protectionName(st.protection),
  };
}
