// Claims in the notes that the simulation can check. Where the simulation shows something else,
// the host shows a gentle informational diagnostic with the simulated fact; it never edits the text.
// Pure: no vscode, no engine machine. This runs when a markdown file opens or changes, so it costs
// linear time in the text (a hand-written tokenizer, no regex that can backtrack) and O(1) per claim:
// the large-page fact is computed from the engine's own rule, not by booting a machine per size
// (issue 19 item 1; a unit test pins the rule against the real engine).

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
const EN_DIGITS: Readonly<Record<string, number>> = { one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10 };
const UNITS_MB: Readonly<Record<string, number>> = { mb: 1, m: 1, gb: 1024, g: 1024 };
const REQUEST_WORDS = new Set(['allocation', 'request']);
const REQUEST_CN = ['分配', '请求'];
const CONNECTORS = new Set(['个', 'x', '×', '*']);
/** Lines that talk about large pages at all (plain alternation: linear). */
const LARGE_PAGE_TOPIC = /大页|large[- ]page|huge[- ]page/i;

/** One token of a line: a size (number + unit), a bare count, a connector, a request word or anything else. */
type Token =
  | { readonly kind: 'size'; readonly start: number; readonly end: number; readonly mb: number }
  | { readonly kind: 'count'; readonly start: number; readonly end: number; readonly n: number }
  | { readonly kind: 'connector' | 'request' | 'de' | 'largePage' | 'other'; readonly start: number; readonly end: number };

const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isLetter = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
const isSpace = (c: number): boolean => c === 32 || c === 9;

/** Splits one line into tokens in a single left-to-right pass (each character is looked at a bounded number of times). */
function tokenize(line: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const n = line.length;
  while (i < n) {
    const c = line.charCodeAt(i);
    if (isSpace(c)) { i++; continue; }
    if (isDigit(c)) {
      const start = i;
      while (i < n && isDigit(line.charCodeAt(i))) i++;
      if (i + 1 < n && line[i] === '.' && isDigit(line.charCodeAt(i + 1))) {
        i++;
        while (i < n && isDigit(line.charCodeAt(i))) i++;
      }
      const value = Number(line.slice(start, i));
      // A unit may follow after spaces: "1040MB", "2 MB".
      let j = i;
      while (j < n && isSpace(line.charCodeAt(j))) j++;
      let k = j;
      while (k < n && isLetter(line.charCodeAt(k)) && k - j < 3) k++;
      const unit = UNITS_MB[line.slice(j, k).toLowerCase()];
      if (unit !== undefined && k > j && !(k < n && isLetter(line.charCodeAt(k)))) {
        out.push({ kind: 'size', start, end: k, mb: value * unit });
        i = k;
      } else {
        out.push({ kind: 'count', start, end: i, n: value });
      }
      continue;
    }
    if (isLetter(c)) {
      const start = i;
      while (i < n && isLetter(line.charCodeAt(i))) i++;
      const word = line.slice(start, i).toLowerCase();
      if (EN_DIGITS[word] !== undefined) out.push({ kind: 'count', start, end: i, n: EN_DIGITS[word] });
      else if (CONNECTORS.has(word)) out.push({ kind: 'connector', start, end: i });
      else if (REQUEST_WORDS.has(word)) out.push({ kind: 'request', start, end: i });
      else if ((word === 'large' || word === 'huge') && (line[i] === '-' || line[i] === ' ') && line.slice(i + 1, i + 5).toLowerCase() === 'page') {
        // "large-page", "large page(s)": one token.
        i += 5;
        while (i < n && isLetter(line.charCodeAt(i))) i++;
        out.push({ kind: 'largePage', start, end: i });
      } else out.push({ kind: 'other', start, end: i });
      continue;
    }
    const ch = line[i]!;
    if (CN_DIGITS[ch] !== undefined) { out.push({ kind: 'count', start: i, end: i + 1, n: CN_DIGITS[ch] }); i++; continue; }
    if (CONNECTORS.has(ch)) { out.push({ kind: 'connector', start: i, end: i + 1 }); i++; continue; }
    if (ch === '的') { out.push({ kind: 'de', start: i, end: i + 1 }); i++; continue; }
    const cn = REQUEST_CN.find((w) => line.startsWith(w, i));
    if (cn) { out.push({ kind: 'request', start: i, end: i + cn.length }); i += cn.length; continue; }
    out.push({ kind: 'other', start: i, end: i + 1 });
    i++;
  }
  return out;
}

/** The claim on one line, if it states how a large-page allocation of some size is made up. */
function claimOnLine(line: string, lineNo: number): LargePageClaim | undefined {
  if (!LARGE_PAGE_TOPIC.test(line)) return undefined;
  const tokens = tokenize(line);
  // The request is a size followed by 分配/请求/allocation/request, with 的 or "large-page" between
  // ("1040MB的分配请求", "a 1040 MB large-page allocation"). The first such size on the line.
  let request = -1;
  for (let t = 0; t < tokens.length && request < 0; t++) {
    if (tokens[t]!.kind !== 'size') continue;
    let u = t + 1;
    if (tokens[u]?.kind === 'de') u++;
    if (tokens[u]?.kind === 'largePage') u++;
    if (tokens[u]?.kind === 'request') request = t;
  }
  if (request < 0) return undefined;
  // The parts after it: "1个1024MB", "one 1 GB", "1 x 1024 MB", "eight 2 MB".
  const parts: Array<{ count: number; sizeMB: number }> = [];
  let first = -1;
  let last = -1;
  for (let t = request + 1; t < tokens.length; t++) {
    const count = tokens[t]!;
    if (count.kind !== 'count') continue;
    let u = t + 1;
    if (tokens[u]?.kind === 'connector') u++;
    const size = tokens[u];
    if (size?.kind !== 'size') continue;
    parts.push({ count: count.n, sizeMB: size.mb });
    if (first < 0) first = count.start;
    last = size.end;
    t = u;
  }
  if (parts.length === 0) return undefined;
  const req = tokens[request] as Extract<Token, { kind: 'size' }>;
  return { line: lineNo, start: first, end: last, requestMB: req.mb, parts };
}

/** Finds statements of how a large-page allocation of some size is made up, in Chinese or English. Linear in the text. */
export function findLargePageClaims(text: string): LargePageClaim[] {
  const claims: LargePageClaim[] = [];
  let lineNo = 0;
  let from = 0;
  while (from <= text.length) {
    let to = text.indexOf('\n', from);
    if (to < 0) to = text.length;
    const line = text.charCodeAt(to - 1) === 13 ? text.slice(from, to - 1) : text.slice(from, to);
    const claim = claimOnLine(line, lineNo);
    if (claim) claims.push(claim);
    lineNo++;
    from = to + 1;
  }
  return claims;
}

/** Claims on one line (the host checks the lines it is looking at). */
export function findLargePageClaimOnLine(line: string, lineNo: number): LargePageClaim | undefined {
  return claimOnLine(line, lineNo);
}

/** 2 MB pages per 1 GB page: the PDE and PPE levels of x64 paging (512 entries each). */
const LARGE_PER_HUGE = 512;
const LARGE_PAGE_MB = 2;
const HUGE_PAGE_MB = LARGE_PAGE_MB * LARGE_PER_HUGE;

/**
 * How the engine builds a MEM_LARGE_PAGES allocation of `requestMB` (engine/mm/virtual.ts
 * allocateLargePages: 1 GB pages for what fits, 2 MB pages for the rest; Windows Internals 7e ch. 5
 * "Large and small pages", Microsoft Learn "Large-Page Support": the size must be a multiple of
 * GetLargePageMinimum, 2 MB on x64). Null when the engine would refuse the size. O(1): no machine.
 */
export function largePageFact(requestMB: number): LargePageFact | null {
  if (!Number.isSafeInteger(requestMB) || requestMB <= 0 || requestMB % LARGE_PAGE_MB !== 0) return null;
  const hugePages = Math.floor(requestMB / HUGE_PAGE_MB);
  return { requestMB, hugePages, largePages: (requestMB - hugePages * HUGE_PAGE_MB) / LARGE_PAGE_MB };
}

/** Whether a claim says the same as the simulation (same pages, in any order). */
export function claimAgrees(claim: LargePageClaim, fact: LargePageFact): boolean {
  const simulated = new Map<number, number>();
  if (fact.hugePages) simulated.set(HUGE_PAGE_MB, fact.hugePages);
  if (fact.largePages) simulated.set(LARGE_PAGE_MB, fact.largePages);
  const claimed = new Map<number, number>();
  for (const p of claim.parts) claimed.set(p.sizeMB, (claimed.get(p.sizeMB) ?? 0) + p.count);
  if (claimed.size !== simulated.size) return false;
  for (const [size, n] of claimed) if (simulated.get(size) !== n) return false;
  return true;
}
