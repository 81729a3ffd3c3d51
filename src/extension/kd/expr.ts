// WinDbg's MASM expressions, the part a learner types: numbers in the default radix 16 (`0x` hex,
// `0n` decimal, `0t` octal, `0y` binary, a backtick between the halves of a 64-bit value as in
// ffff8104`e0017e40), pseudo-registers (@$proc, @$thread, @$peb, @$teb), module names (their base
// address), `poi(address)`, + - * / % and parentheses. Source: Microsoft Learn, "MASM Numbers and
// Operators" and "Pseudo-Register Syntax". Pure; bounded by the text's length (no backtracking).

/** A failed evaluation, carrying WinDbg's own message. */
export class KdError extends Error {
  constructor(message: string) { super(message); this.name = 'KdError'; }
}

/** What an expression can refer to. */
export interface ExprScope {
  /** A pseudo-register's value (name without `@$`, lowercase), or undefined when it has none. */
  register(name: string): bigint | undefined;
  /** A symbol's value (a module name gives its base), or undefined. */
  symbol(name: string): bigint | undefined;
  /** Reads 8 bytes (poi); undefined when the memory is not readable. */
  readPointer(address: bigint): bigint | undefined;
}

const MASK = (1n << 64n) - 1n;
const MAX_LENGTH = 512;

type Tok = { t: 'num'; v: bigint; text: string } | { t: 'op'; v: string; text: string } | { t: 'name'; v: string; text: string };

/** `Couldn't resolve error at '<rest of the text>'`, WinDbg's answer to a term it cannot read. */
export function resolveError(rest: string): KdError {
  return new KdError(`Couldn't resolve error at '${rest}'`);
}

/** A number that does not fit in 64 bits: WinDbg answers `Overflow error at '<the number>'` (its error names: "Couldn't resolve", "Memory access", "Overflow", "Syntax"...). */
class Overflow { constructor(readonly text: string) {} }

function fit(v: bigint, text: string): bigint {
  if (v > MASK) throw new Overflow(text);
  return v;
}

/** One number in the default radix 16, or with a 0x/0n/0t/0y prefix; undefined when `text` is not a number. */
export function parseNumber(text: string): bigint | undefined {
  try { return parseChecked(text); } catch (e) { if (e instanceof Overflow) return undefined; throw e; }
}

function parseChecked(text: string): bigint | undefined {
  const s = text.replace(/`/g, '');
  let m: RegExpExecArray | null;
  if ((m = /^0x([0-9a-f]+)$/i.exec(s))) return fit(BigInt('0x' + m[1]!), text);
  if ((m = /^0n([0-9]+)$/i.exec(s))) return fit(BigInt(m[1]!), text);
  if ((m = /^0t([0-7]+)$/i.exec(s))) return fit(BigInt('0o' + m[1]!), text);
  if ((m = /^0y([01]+)$/i.exec(s))) return fit(BigInt('0b' + m[1]!), text);
  if ((m = /^([0-9a-f]+)h?$/i.exec(s))) return fit(BigInt('0x' + m[1]!), text);
  return undefined;
}

function tokenize(text: string): Tok[] {
  if (text.length > MAX_LENGTH) throw resolveError(text.slice(0, 40));
  const out: Tok[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === ' ' || c === '\t') { i++; continue; }
    if ('+-*/%()'.includes(c)) { out.push({ t: 'op', v: c, text: text.slice(i) }); i++; continue; }
    const start = i;
    if (c === '@' || c === '$' || /[A-Za-z0-9_`!.]/.test(c)) {
      i++;
      while (i < text.length && /[A-Za-z0-9_`!$@.]/.test(text[i]!)) i++;
      const word = text.slice(start, i);
      let n: bigint | undefined;
      try { n = parseChecked(word); } catch (e) { if (e instanceof Overflow) throw new KdError(`Overflow error at '${word}'`); throw e; }
      if (n !== undefined) out.push({ t: 'num', v: n, text: text.slice(start) });
      else out.push({ t: 'name', v: word, text: text.slice(start) });
      continue;
    }
    throw resolveError(text.slice(i));
  }
  return out;
}

/** Evaluates a MASM expression to an unsigned 64-bit value. Throws KdError with WinDbg's message. */
export function evaluate(text: string, scope: ExprScope): bigint {
  const toks = tokenize(text);
  if (toks.length === 0) throw new KdError('Numeric expression missing from \'\'');
  let pos = 0;
  const rest = (): string => (pos < toks.length ? toks[pos]!.text : '');
  let depth = 0;

  const primary = (): bigint => {
    const tok = toks[pos];
    if (!tok) throw new KdError(`Numeric expression missing from '${text.trim()}'`);
    if (tok.t === 'num') { pos++; return tok.v; }
    if (tok.t === 'op' && tok.v === '(') {
      if (++depth > 32) throw resolveError(tok.text);
      pos++;
      const v = sum();
      if (toks[pos]?.v !== ')') throw new KdError(`Extra character error at '${rest()}'`);
      pos++;
      depth--;
      return v;
    }
    if (tok.t === 'op' && (tok.v === '-' || tok.v === '+')) { pos++; const v = primary(); return tok.v === '-' ? (-v) & MASK : v; }
    if (tok.t === 'name') {
      const name = tok.v;
      const lower = name.toLowerCase();
      if (lower === 'poi' && toks[pos + 1]?.v === '(') {
        pos++;
        const address = primary();
        const v = scope.readPointer(address);
        if (v === undefined) throw new KdError(`Memory access error at '${tok.text}'`);
        return v;
      }
      pos++;
      const reg = /^@?\$([a-z0-9_]+)$/i.exec(name);
      if (reg) {
        const v = scope.register(reg[1]!.toLowerCase());
        if (v === undefined) throw resolveError(tok.text);
        return v & MASK;
      }
      const v = scope.symbol(name);
      if (v === undefined) throw resolveError(tok.text);
      return v & MASK;
    }
    throw new KdError(`Syntax error at '${tok.text}'`);
  };
  const product = (): bigint => {
    let v = primary();
    for (let op = toks[pos]; op && op.t === 'op' && '*/%'.includes(op.v); op = toks[pos]) {
      pos++;
      const r = primary();
      if (op.v !== '*' && r === 0n) throw new KdError(`Divide by zero error at '${op.text}'`);
      v = (op.v === '*' ? v * r : op.v === '/' ? v / r : v % r) & MASK;
    }
    return v;
  };
  const sum = (): bigint => {
    let v = product();
    for (let op = toks[pos]; op && op.t === 'op' && (op.v === '+' || op.v === '-'); op = toks[pos]) {
      pos++;
      const r = product();
      v = (op.v === '+' ? v + r : v - r) & MASK;
    }
    return v;
  };
  const v = sum();
  if (pos < toks.length) throw resolveError(rest());
  return v;
}
