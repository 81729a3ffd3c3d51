/**
 * What the time-travel tests compare, written once: a digest of the state two equal machines must agree on,
 * and a fresh machine that replayed the first operations of a session (through restoreSession).
 */
import { restoreSession, serializeSession, type System } from '../../../src/engine';
import { machineOf } from '../../../src/engine/testing';

/**
 * What two equal states must agree on: processes (info, VADs, the PTEs of each VAD's first 65 pages, working
 * sets, handles, heaps, last errors), page lists, commit, sections and the step count included.
 */
export function stateDigest(sys: System): unknown {
  const m = machineOf(sys);
  const processes = sys.processIds.map((pid) => {
    const p = m.byPid.get(pid)!;
    const ptes: number[] = [];
    for (const v of p.vads.toArray()) {
      for (let vpn = v.startVpn; vpn <= Math.min(v.endVpn, v.startVpn + 64); vpn++) { const [lo, hi] = m.mm.peekPte(p, vpn); if (lo || hi) ptes.push(vpn, lo, hi); }
    }
    return {
      info: sys.queryProcess(pid), vads: sys.queryVads(pid), handles: sys.queryHandles(pid), ws: sys.queryWorkingSet(pid).entries,
      ptes, heaps: sys.queryHeaps(pid), lastError: sys.getLastError(pid),
    };
  });
  const lists = (['Zeroed', 'Free', 'Standby', 'Modified', 'ModifiedNoWrite', 'Bad'] as const).map((l) => sys.listPages(l));
  return { steps: sys.stepsIncluded, processes, lists, memory: sys.querySystemMemoryListInformation(), commit: sys.queryCommit(), sections: sys.querySections() };
}

/** A fresh machine that ran the first `count` operations of `sys` (replayed through restoreSession). */
export function freshReplay(sys: System, count: number): System {
  const file = serializeSession(sys);
  const bootOps = machineOf(sys).ops.count - file.ops.length;
  const part = { ...file, ops: file.ops.slice(0, count - bootOps), stepCount: 0 };
  try { restoreSession(part); } catch (e) { part.stepCount = Number(/replay recorded (\d+) steps/.exec((e as Error).message)?.[1]); }
  return restoreSession(JSON.parse(JSON.stringify(part)));
}
