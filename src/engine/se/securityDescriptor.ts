// Security descriptors of process objects and the generic mapping of the Process object type.
// A process created without an explicit security descriptor (every process here) gets one built from
// the primary token it runs with: its default owner, its default DACL with generic rights mapped to
// process rights, and a mandatory label ACE at the token's integrity level with the process objects'
// policy NO_WRITE_UP | NO_READ_UP.
// Sources: Microsoft Learn, "Process Security and Access Rights" ("the ACLs in the default security
// descriptor for a process come from the primary or impersonation token of the creator"),
// "CreateProcessAsUserW" (lpProcessAttributes: "the default security descriptor is that of the user
// referenced in the hToken parameter"), "SYSTEM_MANDATORY_LABEL_ACE structure", "Mandatory Integrity
// Control"; Windows Internals 7e ch. 7, "Security descriptors and access control", "Mandatory integrity
// checks" (process objects carry the No-Read-Up policy as well as No-Write-Up).
import {
  GENERIC_ALL, GENERIC_EXECUTE, GENERIC_READ, GENERIC_WRITE, PROCESS_ALL_ACCESS, SYSTEM_MANDATORY_LABEL_NO_READ_UP, SYSTEM_MANDATORY_LABEL_NO_WRITE_UP,
} from '../constants';
import { INTEGRITY_RID, type IntegrityLevel, type Token } from './token';

/** GENERIC_MAPPING: what each generic right means for one object type. */
export interface GenericMapping { readonly read: number; readonly write: number; readonly execute: number; readonly all: number }

/**
 * The Process object type's GENERIC_MAPPING (OBJECT_TYPE.TypeInfo.GenericMapping of PsProcessType, as
 * the kernel debugger shows it on Windows 10): read = READ_CONTROL | PROCESS_QUERY_INFORMATION |
 * PROCESS_VM_READ; write = READ_CONTROL | PROCESS_CREATE_THREAD | PROCESS_VM_OPERATION | PROCESS_VM_WRITE |
 * PROCESS_DUP_HANDLE | PROCESS_CREATE_PROCESS | PROCESS_SET_QUOTA | PROCESS_SET_INFORMATION |
 * PROCESS_SUSPEND_RESUME; execute = SYNCHRONIZE | READ_CONTROL | PROCESS_QUERY_LIMITED_INFORMATION |
 * PROCESS_TERMINATE; all = PROCESS_ALL_ACCESS. Windows Internals 7e Part 2 ch. 8, "Type objects"
 * (GenericMapping); the mapped GENERIC_READ | GENERIC_EXECUTE of a logon-SID ACE reads 0x121411.
 */
export const PROCESS_GENERIC_MAPPING: GenericMapping = { read: 0x00020410, write: 0x00020BEA, execute: 0x00121001, all: PROCESS_ALL_ACCESS };

/** RtlMapGenericMask: generic bits become the type's specific and standard rights. */
export function mapGenericMask(mask: number, mapping: GenericMapping): number {
  let m = mask >>> 0;
  if (m & GENERIC_READ) m |= mapping.read;
  if (m & GENERIC_WRITE) m |= mapping.write;
  if (m & GENERIC_EXECUTE) m |= mapping.execute;
  if (m & GENERIC_ALL) m |= mapping.all;
  return (m & ~(GENERIC_READ | GENERIC_WRITE | GENERIC_EXECUTE | GENERIC_ALL)) >>> 0;
}

/** One ACE of a DACL: ACCESS_ALLOWED_ACE_TYPE or ACCESS_DENIED_ACE_TYPE, its SID and its (mapped) mask. */
export interface Ace { readonly type: 'Allowed' | 'Denied'; readonly sid: string; readonly name: string; readonly mask: number }

/** SYSTEM_MANDATORY_LABEL_ACE in the SACL: the object's integrity level and its policy bits. */
export interface MandatoryLabel { readonly level: IntegrityLevel; readonly sid: string; readonly policy: number }

/** A SECURITY_DESCRIPTOR as the access check reads it. Never mutated once made (snapshots share it). */
export interface SecurityDescriptor {
  readonly owner: { readonly sid: string; readonly name: string };
  readonly group: { readonly sid: string; readonly name: string };
  readonly dacl: readonly Ace[];
  readonly label: MandatoryLabel;
}

/** Process objects' default mandatory policy. */
export const PROCESS_LABEL_POLICY = SYSTEM_MANDATORY_LABEL_NO_WRITE_UP | SYSTEM_MANDATORY_LABEL_NO_READ_UP;

/**
 * The security descriptor a process object gets from the primary token it is created with (SeAssignSecurity
 * with no explicit descriptor and no parent container: owner and DACL from the token's defaults, generic
 * rights mapped through the Process type's mapping; the label from the token's integrity level).
 */
export function processSecurityDescriptor(token: Token): SecurityDescriptor {
  const dacl = token.defaultDacl.map((a): Ace => ({ type: 'Allowed', sid: a.sid, name: a.name, mask: mapGenericMask(a.mask, PROCESS_GENERIC_MAPPING) }));
  const rid = INTEGRITY_RID[token.integrityLevel];
  return {
    owner: token.defaultOwner,
    // TOKEN.PrimaryGroup: the user for logged-on users, SYSTEM for SYSTEM.
    group: { sid: token.user.sid, name: token.user.name },
    dacl,
    label: { level: token.integrityLevel, sid: `S-1-16-${rid}`, policy: PROCESS_LABEL_POLICY },
  };
}
