// SeAccessCheck for one token against one security descriptor: the mandatory integrity check first, then
// the owner's implicit rights, then the DACL walked in order (a denied ACE refuses the rights not yet
// granted, an allowed ACE grants the rights not yet denied). Windows Internals 7e ch. 7, "Determining
// access" (the mandatory integrity check, then the discretionary check) and "Mandatory integrity checks";
// Microsoft Learn, "How DACLs Control Access to an Object", "Mandatory Integrity Control".
import { DELETE, MAXIMUM_ALLOWED, READ_CONTROL, SYSTEM_MANDATORY_LABEL_NO_EXECUTE_UP, SYSTEM_MANDATORY_LABEL_NO_READ_UP, SYSTEM_MANDATORY_LABEL_NO_WRITE_UP, WRITE_DAC, WRITE_OWNER } from '../constants';
import { type GenericMapping, mapGenericMask, type SecurityDescriptor } from './securityDescriptor';
import { INTEGRITY_RID, SE_GROUP_ENABLED, SE_GROUP_INTEGRITY, SE_GROUP_USE_FOR_DENY_ONLY, type Token } from './token';

/** Why an access check refused: the label's policy (integrity) or the DACL. */
export type AccessDenial = 'integrity' | 'dacl';

export interface AccessCheckResult {
  /** The rights granted (0 when refused). */
  readonly granted: number;
  /** Set when the check refused. */
  readonly denial?: AccessDenial;
}

/**
 * The rights the object's mandatory label withholds from a token below its level: for no-write-up the
 * type's generic write rights and the standard rights that change the object (DELETE, WRITE_DAC,
 * WRITE_OWNER — owning an object does not let a lower level rewrite its DACL); for no-read-up the generic
 * read rights; for no-execute-up the generic execute rights.
 */
export function mandatoryDenied(token: Token, sd: SecurityDescriptor, mapping: GenericMapping): number {
  if (INTEGRITY_RID[token.integrityLevel] >= INTEGRITY_RID[sd.label.level]) return 0;
  const policy = sd.label.policy;
  let denied = 0;
  if (policy & SYSTEM_MANDATORY_LABEL_NO_WRITE_UP) denied |= mapping.write | DELETE | WRITE_DAC | WRITE_OWNER;
  if (policy & SYSTEM_MANDATORY_LABEL_NO_READ_UP) denied |= mapping.read;
  if (policy & SYSTEM_MANDATORY_LABEL_NO_EXECUTE_UP) denied |= mapping.execute;
  return denied >>> 0;
}

/** Whether an ACE's SID applies to the token: its user, or a group that is enabled (deny-only groups match denied ACEs only). */
function matches(token: Token, sid: string, forDeny: boolean): boolean {
  if (token.user.sid === sid) return true;
  for (const g of token.groups) {
    if (g.sid !== sid || (g.attributes & SE_GROUP_INTEGRITY)) continue;
    if (g.attributes & SE_GROUP_USE_FOR_DENY_ONLY) { if (forDeny) return true; continue; }
    if (g.attributes & SE_GROUP_ENABLED) return true;
  }
  return false;
}

/** The rights the DACL (and ownership) gives the token, before the mandatory check. */
export function discretionaryGranted(token: Token, sd: SecurityDescriptor): number {
  let granted = 0;
  let denied = 0;
  // The owner may always read and change the DACL (no OWNER RIGHTS ACE is modelled).
  if (matches(token, sd.owner.sid, false)) granted |= READ_CONTROL | WRITE_DAC;
  for (const ace of sd.dacl) {
    if (ace.type === 'Denied') { if (matches(token, ace.sid, true)) denied |= ace.mask & ~granted; } else if (matches(token, ace.sid, false)) granted |= ace.mask & ~denied;
  }
  return granted >>> 0;
}

/**
 * SeAccessCheck: `desired` may hold generic rights (mapped first) and MAXIMUM_ALLOWED (grant whatever the
 * descriptor allows, refuse only when that is nothing and nothing else was asked for).
 */
export function seAccessCheck(token: Token, sd: SecurityDescriptor, desired: number, mapping: GenericMapping): AccessCheckResult {
  const maximum = (desired & MAXIMUM_ALLOWED) !== 0;
  const want = mapGenericMask(desired & ~MAXIMUM_ALLOWED, mapping);
  const micDenied = mandatoryDenied(token, sd, mapping);
  if (want & micDenied) return { granted: 0, denial: 'integrity' };
  const allowed = (discretionaryGranted(token, sd) & ~micDenied) >>> 0;
  if (want & ~allowed) return { granted: 0, denial: 'dacl' };
  if (maximum) return allowed ? { granted: (allowed | want) >>> 0 } : { granted: 0, denial: 'dacl' };
  return { granted: want };
}
