// Protected processes (PP) and protected processes light (PPL): PS_PROTECTION (Type : 3, Audit : 1,
// Signer : 4), the comparison between a caller's and a target's protection (RtlTestProtectedAccess), and
// the rights an insufficiently protected caller may still be granted.
// Windows Internals 7e ch. 3, "Protected processes" and "Protected Process Light (PPL)" (the signer
// table, in order of precedence: WinSystem, WinTcb, Windows, Lsa, Antimalware, CodeGen, Authenticode;
// "protected processes always have more power than PPLs", a higher signer has access to a lower one and
// not the reverse); Microsoft Learn, "Process Security and Access Rights", section "Protected Processes".
import {
  PROCESS_QUERY_LIMITED_INFORMATION, PROCESS_SET_LIMITED_INFORMATION, PROCESS_SUSPEND_RESUME, PROCESS_TERMINATE, SYNCHRONIZE,
} from '../constants';

/** PS_PROTECTED_TYPE. */
export const PsProtectedTypeNone = 0;
export const PsProtectedTypeProtectedLight = 1;
export const PsProtectedTypeProtected = 2;

/** PS_PROTECTED_SIGNER. */
export const PS_PROTECTED_SIGNERS = ['None', 'Authenticode', 'CodeGen', 'Antimalware', 'Lsa', 'Windows', 'WinTcb', 'WinSystem', 'App'] as const;
export const PsProtectedSignerAntimalware = 3;
export const PsProtectedSignerLsa = 4;
export const PsProtectedSignerWinTcb = 6;
export const PsProtectedSignerWinSystem = 7;
export const PsProtectedSignerApp = 8;

export const protectionType = (level: number): number => level & 7;
export const protectionSigner = (level: number): number => (level >> 4) & 0xF;

/**
 * RtlTestProtectedAccess: whether a caller of protection `caller` may be granted any right on a target of
 * protection `target`. Unprotected targets are open to everyone; otherwise the caller must be protected,
 * of a type at least the target's (a PPL never reaches a PP), and of a signer that dominates the target's.
 */
export function rtlTestProtectedAccess(caller: number, target: number): boolean {
  const targetType = protectionType(target);
  if (targetType === PsProtectedTypeNone) return true;
  const callerType = protectionType(caller);
  if (callerType === PsProtectedTypeNone || callerType < targetType) return false;
  const cs = protectionSigner(caller);
  const ts = protectionSigner(target);
  // Store applications (App) dominate only their own signer; the others are ordered.
  if (cs === PsProtectedSignerApp || ts === PsProtectedSignerApp) return cs === ts;
  return cs >= ts;
}

/**
 * The rights a caller that fails RtlTestProtectedAccess may still get (Microsoft Learn, "Protected
 * Processes": PROCESS_QUERY_LIMITED_INFORMATION, PROCESS_SET_LIMITED_INFORMATION, PROCESS_TERMINATE,
 * PROCESS_SUSPEND_RESUME; waiting on the process, SYNCHRONIZE, stays possible). The kernel's per-signer
 * table (RtlProtectedAccess) also withholds PROCESS_TERMINATE from PPLs signed Antimalware, Lsa, WinTcb
 * and WinSystem: the "unkillable" system and antimalware processes (Alex Ionescu, "The Evolution of
 * Protected Processes Part 2", 2013).
 */
export function protectedProcessAllowedAccess(target: number): number {
  const base = SYNCHRONIZE | PROCESS_QUERY_LIMITED_INFORMATION | PROCESS_SET_LIMITED_INFORMATION | PROCESS_SUSPEND_RESUME | PROCESS_TERMINATE;
  const signer = protectionSigner(target);
  const unkillable = signer === PsProtectedSignerAntimalware || signer === PsProtectedSignerLsa || signer === PsProtectedSignerWinTcb || signer === PsProtectedSignerWinSystem;
  return (unkillable ? base & ~PROCESS_TERMINATE : base) >>> 0;
}

/** "ProtectedLight WinTcb"-style text of a PS_PROTECTION level. */
export function protectionName(level: number): string {
  if (!level) return 'None';
  const type = ['None', 'ProtectedLight', 'Protected'][protectionType(level)] ?? '?';
  return `${type} ${PS_PROTECTED_SIGNERS[protectionSigner(level)] ?? '?'}`;
}
