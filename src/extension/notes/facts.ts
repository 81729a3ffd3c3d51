// Claims in the notes that the simulation can check. Where the simulation shows something else,
// the host shows a gentle informational diagnostic with the simulated fact; it never edits the text.
// Pure: no vscode. The check runs the real engine on a scratch machine.
import { createSystem, MEM_COMMIT, MEM_LARGE_PAGES, MEM_RESERVE, PAGE_READWRITE, SE_LOCK_MEMORY_NAME } from '../../engine';

/** "a 1040 MB large-page allocation is made of one 1024 MB page and two 8 MB pages". */
export interface LargePageClaim {
  readonly line: number;
  readonly start: number;
  readonly end: number;
  /** The requested size in MB. */
  readonly requestMB: number;
  /** The pages the notes say it is made of: count x size in MB. */
  readonly parts: ReadonlyArray<{ readonly count: number; readonly sizeMB: number }>;
}

/** What the simulation makes of a large-page allocation. */
export interface LargePageFact {
  readonly requestMB: number;
  readonly hugePages: number;
  readonly largePages: number;
}

const CN_DIGITS: Readonly<Record<string, number>> = { 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9, 十: 10 };
const COUNT = String.raw`(\d+|[一二两三四五六七八九十])`;
const SIZE = String.raw`(\d+(?:\.\d+)?)\s*(MB|M|GB|G)`;

function count(s: string): number {
  return CN_DIGITS[s] ?? Number(s);
}

function mb(n: string, unit: string): number {
  return /^g/i.test(unit) ? Number(n) * 1024 : Number(n);
}

/** Finds statements of how a large-page allocation of some size is made up, in Chinese or English. */
export function findLargePageClaims(text: string): LargePageClaim[] {
  const claims: LargePageClaim[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((line, i) => {
    if (!/大页|large[- ]page|huge[- ]page/i.test(line)) return;
    // The request is the size followed by 分配/请求/allocation ("1040MB的分配请求", "a 1040 MB large-page allocation").
    const request = new RegExp(String.raw`${SIZE}\s*(?:的)?\s*(?:large[- ]page\s+)?(?:分配|请求|allocation|request)`, 'i').exec(line);
    if (!request) return;
    // "1个1024MB的大页和2个8MB的普通页", "one 1 GB page and eight 2 MB pages", "1 x 1024 MB".
    const partRe = new RegExp(String.raw`(?:${COUNT}|(one|two|three|four|five|six|seven|eight|nine|ten))\s*(?:个|x|×|\*)?\s*${SIZE}`, 'gi');
    const words = ['one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'];
    const parts: Array<{ count: number; sizeMB: number }> = [];
    let first = -1;
    let last = -1;
    for (let m = partRe.exec(line); m; m = partRe.exec(line)) {
      if (m.index <= request.index) continue; // the request itself
      const n = m[1] ? count(m[1]) : words.indexOf(m[2]!.toLowerCase()) + 1;
      parts.push({ count: n, sizeMB: mb(m[3]!, m[4]!) });
      if (first < 0) first = m.index;
      last = m.index + m[0].length;
    }
    if (parts.length === 0) return;
    claims.push({ line: i, start: first, end: last, requestMB: mb(request[1]!, request[2]!), parts });
  });
  return claims;
}

const factCache = new Map<number, LargePageFact | null>();

/**
 * Allocates `requestMB` with MEM_LARGE_PAGES on a scratch machine big enough for it and reads back
 * how the engine built it (the vm.reserve step's hugePages and largePages). Null when the size is
 * not a multiple of 2 MB or too large to simulate here. Cached per size.
 */
export function simulateLargePageAllocation(requestMB: number): LargePageFact | null {
  const cached = factCache.get(requestMB);
  if (cached !== undefined) return cached;
  let fact: LargePageFact | null = null;
  if (Number.isInteger(requestMB) && requestMB > 0 && requestMB % 2 === 0 && requestMB <= 4096) {
    const physicalMemoryMB = Math.max(512, Math.ceil((requestMB + 1024) / 1024) * 1024);
    const system = createSystem({ physicalMemoryMB, pageFileMB: 0, boot: false });
    const { pid } = system.createProcess({ imagePath: 'C:\\Windows\\System32\\largepages.exe' });
    system.grantPrivilege(pid, SE_LOCK_MEMORY_NAME);
    const from = system.stepCount;
    const base = system.win32(pid).VirtualAlloc(0n, BigInt(requestMB) << 20n, MEM_RESERVE | MEM_COMMIT | MEM_LARGE_PAGES, PAGE_READWRITE);
    const step = system.getSteps(from, system.stepCount).find((s) => s.code === 'vm.reserve');
    if (base !== 0n && step) fact = { requestMB, hugePages: Number(step.args.hugePages), largePages: Number(step.args.largePages) };
  }
  factCache.set(requestMB, fact);
  return fact;
}

/** Whether a claim says the same as the simulation (same pages, in any order). */
export function claimAgrees(claim: LargePageClaim, fact: LargePageFact): boolean {
  const simulated = new Map<number, number>();
  if (fact.hugePages) simulated.set(1024, fact.hugePages);
  if (fact.largePages) simulated.set(2, fact.largePages);
  const claimed = new Map<number, number>();
  for (const p of claim.parts) claimed.set(p.sizeMB, (claimed.get(p.sizeMB) ?? 0) + p.count);
  if (claimed.size !== simulated.size) return false;
  for (const [size, n] of claimed) if (simulated.get(size) !== n) return false;
  return true;
}
