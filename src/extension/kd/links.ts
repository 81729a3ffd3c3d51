// What in a line of debugger output is a link: object addresses (EPROCESS, ETHREAD, PEB, TEB and other
// pointers), `pfn N`, `Cid: NNNN` and `Cid NNNN.TTTT`, and module!type names. Pure: the terminal's
// link provider turns each into an action (open the dt document, reveal in the sidebar, run dt).
import type { System } from '../../engine';

export type KdLinkTarget =
  | { kind: 'process'; pid: number }
  | { kind: 'thread'; pid: number; tid: number }
  | { kind: 'peb'; pid: number }
  | { kind: 'pfn'; pfn: number }
  | { kind: 'address'; pid: number; va: bigint }
  | { kind: 'type'; name: string };

export interface KdLink { start: number; length: number; text: string; target: KdLinkTarget }

const MAX_LINKS = 32;

/** Finds the links of one output line; `pid` is the console's current process (for plain addresses). */
export function findLinks(system: System, pid: number, line: string): KdLink[] {
  const out: KdLink[] = [];
  if (line.length > 4096) return out;
  const byAddress = new Map<bigint, KdLinkTarget>();
  const ensureIndex = (): void => {
    if (byAddress.size) return;
    for (const id of system.processIds) {
      const p = system.queryProcess(id)!;
      byAddress.set(p.eprocess, { kind: 'process', pid: id });
      if (p.peb) byAddress.set(p.peb, { kind: 'peb', pid: id });
      for (const th of p.threads) if (th.teb) byAddress.set(th.teb, { kind: 'thread', pid: id, tid: th.tid });
    }
  };
  const re = /\b(?:[a-z_]\w*!_[A-Za-z]\w*|pfn [0-9a-f]+|Cid:? [0-9a-f]{4}(?:\.[0-9a-f]{4})?|(?:0x)?[0-9a-f]{8}`[0-9a-f]{8}|[0-9a-f]{16})\b/gi;
  for (let m = re.exec(line); m && out.length < MAX_LINKS; m = re.exec(line)) {
    const text = m[0];
    let target: KdLinkTarget | undefined;
    if (text.includes('!')) target = { kind: 'type', name: text };
    else if (/^pfn /i.test(text)) {
      const pfn = parseInt(text.slice(4), 16);
      if (pfn < system.physicalPageCount) target = { kind: 'pfn', pfn };
    } else if (/^Cid/i.test(text)) {
      const [p, t] = text.replace(/^Cid:? /i, '').split('.');
      const proc = system.queryProcess(parseInt(p!, 16));
      if (proc) target = t && proc.threads.some((x) => x.tid === parseInt(t, 16)) ? { kind: 'thread', pid: proc.pid, tid: parseInt(t, 16) } : { kind: 'process', pid: proc.pid };
    } else {
      const v = BigInt('0x' + text.replace(/^0x/i, '').replace('`', ''));
      ensureIndex();
      target = byAddress.get(v);
      if (!target && v !== 0n && v < 0x800000000000n && system.queryProcess(pid)) target = { kind: 'address', pid, va: v };
    }
    if (target) out.push({ start: m.index, length: text.length, text, target });
  }
  return out;
}
