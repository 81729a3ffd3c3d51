// TOKEN objects' lifetime: a process's primary token (SeSubProcessToken duplicates the creator's at
// creation; PspProcessDelete dereferences it) and tokens that only handles hold (DuplicateTokenEx).
// Windows Internals 7e ch. 7, "Access tokens".
import { Token, type TokenSpec } from '../se/token';
import { TOKEN_SIZE } from './objectSizes';
import type { ProcessManager } from './processManager';

export function newToken(pm: ProcessManager, spec: TokenSpec): Token {
  const id = pm.nextTokenId++;
  const h = pm.ob.create('Token', id, TOKEN_SIZE);
  pm.tokenObjects.set(id, h.objectId);
  return Token.create(id, h.address, spec);
}

export function duplicateToken(pm: ProcessManager, t: Token, tokenType: 'Primary' | 'Impersonation' = t.tokenType, impersonationLevel = t.impersonationLevel): Token {
  const id = pm.nextTokenId++;
  const h = pm.ob.create('Token', id, TOKEN_SIZE);
  pm.tokenObjects.set(id, h.objectId);
  return t.duplicate(id, h.address, tokenType, impersonationLevel);
}

/** A live token by id: a handle-only token, or the primary token of a process (live or exited but referenced). */
export function tokenById(pm: ProcessManager, tokenId: number): Token | undefined {
  const free = pm.tokens.get(tokenId);
  if (free) return free;
  if (!pm.tokenObjects.has(tokenId)) return undefined;
  for (const p of pm.ctx.processes) if (p?.ps && pm.state(p).token.tokenId === tokenId) return pm.state(p).token;
  return undefined;
}

/** The process's reference to its primary token goes at exit (the TOKEN with it, unless a handle holds it). */
export function releaseToken(pm: ProcessManager, t: Token): void {
  const id = pm.tokenObjects.get(t.tokenId);
  if (id !== undefined && pm.ob.dereference(id)) pm.tokenObjects.delete(t.tokenId);
}

/** A TOKEN object went away with its last handle or reference. */
export function forgetToken(pm: ProcessManager, tokenId: number): void {
  pm.tokenObjects.delete(tokenId);
  pm.tokens.delete(tokenId);
}
