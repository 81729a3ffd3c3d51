// The pool and system PTE commands, after their Microsoft Learn pages: !poolused [Flags [TagString]]
// ("Sorting by Tag", "Pool Used:", the NonPaged/Paged columns Allocs and Used per tag; flag 1 adds the
// frees, 2 sorts by nonpaged and 4 by paged use), !pool Address (every block of the page holding it,
// "<address> size: <hex> previous size: <hex> (Allocated|Free) <tag>", the block holding the address marked
// with '*'), and !sysptes [Flags] ("System PTE Information", "Total System Ptes", and with flag 1 the free
// runs: "free ptes: <PTE address> number free: <n>."). The pooltag.txt descriptions the debugger appends are
// left out (the lab has no pooltag.txt); the session pool (!poolused 8) is not simulated.
import { KdError } from './expr';
import { hexDigits, pointer, pointerDigits } from '../present/format';
import { left, right } from './format';
import type { KdTarget } from './target';

type Out = string[];

/** A TagString pattern (case-sensitive; '*' any run, '?' one character) as a matcher. */
function tagMatcher(pattern: string | undefined): (tag: string) => boolean {
  if (pattern === undefined) return () => true;
  if (!pattern.includes('*') && pattern.length !== 4) throw new KdError(`Invalid tag '${pattern}': a TagString is four characters unless it uses '*'`);
  let re = '^';
  for (const c of pattern) re += c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  const r = new RegExp(`${re}$`);
  return (tag) => r.test(tag);
}

/** !poolused [Flags [TagString]]. */
export function cmdPoolused(t: KdTarget, args: string[], out: Out): void {
  const flags = args[0] !== undefined ? Number(t.eval(args[0])) : 0;
  if ((flags & 2) && (flags & 4)) throw new KdError('!poolused: flags 2 and 4 cannot be used together');
  if (flags & 8) { out.push('The session pool is not simulated (!poolused 8); the session\'s win32k allocations are in the standard pools here.'); return; }
  const match = tagMatcher(args[1]);
  const space = t.system.querySystemSpace();
  if (!space) throw new KdError('Unable to read the pool tracking table');
  const verbose = (flags & 1) !== 0;
  const tags = space.tags.filter((x) => match(x.tag) && (x.nonPagedAllocs - x.nonPagedFrees > 0 || x.pagedAllocs - x.pagedFrees > 0 || verbose));
  if (flags & 2) tags.sort((a, b) => b.nonPagedBytes - a.nonPagedBytes || (a.tag < b.tag ? -1 : 1));
  else if (flags & 4) tags.sort((a, b) => b.pagedBytes - a.pagedBytes || (a.tag < b.tag ? -1 : 1));
  out.push(`   Sorting by ${flags & 2 ? 'NonPaged Pool Consumed' : flags & 4 ? 'Paged Pool Consumed' : ' Tag'}`, '');
  out.push('  Pool Used:');
  if (verbose) {
    out.push('            NonPaged                         Paged');
    out.push(' Tag    Allocs    Frees     Diff     Used   Allocs    Frees     Diff     Used');
    for (const x of tags) {
      out.push(` ${left(x.tag, 4)} ${right(x.nonPagedAllocs, 8)} ${right(x.nonPagedFrees, 8)} ${right(x.nonPagedAllocs - x.nonPagedFrees, 8)} ${right(x.nonPagedBytes, 8)} ${right(x.pagedAllocs, 8)} ${right(x.pagedFrees, 8)} ${right(x.pagedAllocs - x.pagedFrees, 8)} ${right(x.pagedBytes, 8)}`);
    }
  } else {
    out.push('            NonPaged            Paged');
    out.push(' Tag    Allocs     Used    Allocs     Used');
    for (const x of tags) {
      out.push(` ${left(x.tag, 4)} ${right(x.nonPagedAllocs - x.nonPagedFrees, 8)} ${right(x.nonPagedBytes, 8)}  ${right(x.pagedAllocs - x.pagedFrees, 8)} ${right(x.pagedBytes, 8)}`);
    }
  }
  const np = tags.reduce((n, x) => n + x.nonPagedBytes, 0);
  const p = tags.reduce((n, x) => n + x.pagedBytes, 0);
  out.push(` TOTAL  ${right(tags.reduce((n, x) => n + x.nonPagedAllocs - x.nonPagedFrees, 0), 7)} ${right(np, 8)}  ${right(tags.reduce((n, x) => n + x.pagedAllocs - x.pagedFrees, 0), 8)} ${right(p, 8)}`);
}

/** !pool Address [Flags]. */
export function cmdPool(t: KdTarget, args: string[], out: Out): void {
  if (args[0] === undefined) throw new KdError('!pool: an address is needed (the whole-pool listing is not simulated)');
  const address = t.eval(args[0]);
  const flags = args[1] !== undefined ? Number(t.eval(args[1])) : 0;
  const info = t.system.queryPool(address);
  const describe = (poolType: number): string => (flags & 0x80000000 ? '' : poolType === 0 ? 'Nonpaged pool' : 'Paged pool');
  if (!info) { out.push(`Pool page ${pointerDigits(address)} region is Unknown`, `${pointer(address)} is not a valid large pool allocation, checking large session pool...`, `${pointer(address)} is not in a pool region`); return; }
  switch (info.kind) {
    case 'free': out.push(`Pool page ${pointerDigits(address)} region is ${describe(info.poolType)}`, `${pointer(address)}: the pool page ${pointerDigits(info.page)} is not in use`); return;
    case 'notResident': out.push(`Pool page ${pointerDigits(address)} region is ${describe(info.poolType)}`, `${pointerDigits(info.page)}: Unable to get contents of pool page (it was trimmed from the system working set; touch it to fault it back)`); return;
    case 'big': {
      out.push(`Pool page ${pointerDigits(address)} region is ${describe(info.poolType)}`);
      out.push(`*${pointerDigits(info.address)} : large page allocation, tag is ${info.entry.tag === 0 ? '????' : tagText(info.entry.tag)}, size is 0x${(info.entry.pages * 4096).toString(16)} bytes`);
      return;
    }
    case 'small': {
      out.push(`Pool page ${pointerDigits(address)} region is ${describe(info.poolType)}`);
      for (const b of info.blocks) {
        if ((flags & 2) && !(address >= b.address && address < b.address + BigInt(b.size))) continue;
        const mine = address >= b.address && address < b.address + BigInt(b.size);
        const tag = b.allocated ? tagText(b.tag) : '';
        out.push(`${mine ? '*' : ' '}${pointerDigits(b.address)} size: ${right(hexDigits(b.size, 1), 4)} previous size: ${right(hexDigits(b.previousSize, 1), 4)}  ${b.allocated ? '(Allocated)' : '(Free)     '} ${mine && b.allocated ? '*' : ' '}${tag}`);
      }
      return;
    }
  }
}

const tagText = (v: number): string => {
  let s = '';
  for (let i = 0; i < 4; i++) { const c = (v >>> (8 * i)) & 0xFF; s += c >= 0x20 && c < 0x7F ? String.fromCharCode(c) : '?'; }
  return s;
};

/** !sysptes [Flags]. */
export function cmdSysptes(t: KdTarget, args: string[], out: Out): void {
  const flags = args[0] !== undefined ? Number(t.eval(args[0])) : 0;
  const space = t.system.querySystemSpace();
  if (!space) throw new KdError('Unable to read the system PTE information');
  const s = space.systemPtes;
  out.push('', 'System PTE Information', `  Total System Ptes ${s.total}`);
  out.push(`     in use: ${s.inUse}   kernel stacks: ${s.kernelStacks} (${s.kernelStacks * 7} PTEs with their guard pages)`);
  if (flags & 1) {
    out.push('', `    starting PTE: ${pointerDigits(s.firstPte)}`, `    ending PTE:   ${pointerDigits(s.lastPte)}`, '');
    for (const run of t.system.queryFreeSystemPtes(64)) out.push(`      free ptes: ${pointerDigits(run.pte)}   number free: ${run.count}.`);
    if (s.freeRuns > 64) out.push(`      ... ${s.freeRuns - 64} more free runs`);
  }
  out.push('', `  free blocks: ${s.freeRuns}   total free: ${s.total - s.inUse}    largest free block: ${s.largestFree}`);
}

/** !vm's system lines: pool usage, system PTEs and kernel stacks (pages and Kb). */
export function vmSystemLines(t: KdTarget): Array<[label: string, pages: number]> {
  const space = t.system.querySystemSpace();
  if (!space) return [];
  return [
    ['NonPagedPool Usage', space.nonPagedPoolPages],
    ['PagedPool Usage', space.pagedPoolPages],
    ['PagedPool Resident', space.pagedPoolResident],
    ['Free System PTEs', space.systemPtes.total - space.systemPtes.inUse],
    ['Kernel Stacks', space.commit.kernelStacks],
    ['System Commit', space.commit.total],
  ];
}
