// The parsers behind the command input boxes: what a learner may type, and what is refused.
import { describe, expect, it } from 'vitest';
import {
  flagNames, parseAddress, parseAllocationType, parseBytes, parseFreeType,
  parseProtection, parseSize, PROTECTION_NAMES,
} from '../../src/extension/commands/parse';
import { formatBytes, hex, pointer } from '../../src/extension/present/format';
import { MEM_COMMIT, MEM_RELEASE, MEM_RESERVE, PAGE_GUARD, PAGE_READWRITE } from '../../src/engine';

const value = <T>(r: { ok: true; value: T } | { ok: false }): T => { if (!r.ok) throw new Error('expected ok'); return r.value; };
const code = (r: { ok: boolean; error?: { code: string } }): string | undefined => (r.ok ? undefined : r.error!.code);

describe('parseAddress', () => {
  it('reads hex with 0x, WinDbg backtick form, digit separators and decimal', () => {
    expect(value(parseAddress('0x7ff612340000'))).toBe(0x7ff612340000n);
    expect(value(parseAddress('0X7FF6_1234_0000'))).toBe(0x7ff612340000n);
    expect(value(parseAddress('00007ff6`12340000'))).toBe(0x7ff612340000n);
    expect(value(parseAddress("0x7ff6'1234'0000"))).toBe(0x7ff612340000n);
    expect(value(parseAddress('  65536 '))).toBe(65536n);
    expect(value(parseAddress('0'))).toBe(0n);
    expect(value(parseAddress('0xffffffffffffffff'))).toBe(0xffffffffffffffffn);
  });

  it('refuses empty, negative, junk, bare hex and values beyond 64 bits', () => {
    expect(code(parseAddress(''))).toBe('empty');
    expect(code(parseAddress('   '))).toBe('empty');
    expect(code(parseAddress('-1'))).toBe('negative');
    expect(code(parseAddress('hello'))).toBe('syntax');
    expect(code(parseAddress('7ffe0000'))).toBe('needsHexPrefix');
    expect(code(parseAddress('0x'))).toBe('syntax');
    expect(code(parseAddress('0x1ffffffffffffffff'))).toBe('tooLarge');
    expect(code(parseAddress('12.5'))).toBe('syntax');
  });
});

describe('parseSize', () => {
  it('reads bytes, hex and binary K/M/G units, with or without B and spaces', () => {
    expect(value(parseSize('4096'))).toBe(4096n);
    expect(value(parseSize('0x10000'))).toBe(0x10000n);
    expect(value(parseSize('64K'))).toBe(65536n);
    expect(value(parseSize('64 kb'))).toBe(65536n);
    expect(value(parseSize('2M'))).toBe(2n * 1024n * 1024n);
    expect(value(parseSize('1.5M'))).toBe(1572864n);
    expect(value(parseSize('1G'))).toBe(1n << 30n);
    expect(value(parseSize('0x10 K'))).toBe(16384n);
  });

  it('refuses zero unless allowed, fractions of a byte, junk and too large', () => {
    expect(code(parseSize('0'))).toBe('zero');
    expect(value(parseSize('0', { allowZero: true }))).toBe(0n);
    expect(code(parseSize('1.3K'))).toBe('notInteger');
    expect(code(parseSize('12Q'))).toBe('syntax');
    expect(code(parseSize('-4K'))).toBe('negative');
    expect(code(parseSize('2G', { max: 1n << 30n }))).toBe('tooLarge');
    expect(code(parseSize(''))).toBe('empty');
  });
});

describe('flags', () => {
  it('reads PAGE_* and MEM_* names joined by |, with or without the prefix, and numbers', () => {
    expect(value(parseProtection('PAGE_READWRITE | PAGE_GUARD'))).toBe(PAGE_READWRITE | PAGE_GUARD);
    expect(value(parseProtection('readwrite+guard'))).toBe(PAGE_READWRITE | PAGE_GUARD);
    expect(value(parseProtection('0x4'))).toBe(PAGE_READWRITE);
    expect(value(parseAllocationType('MEM_COMMIT|MEM_RESERVE'))).toBe(MEM_COMMIT | MEM_RESERVE);
    expect(value(parseFreeType('release'))).toBe(MEM_RELEASE);
  });

  it('names an unknown flag and refuses empty parts', () => {
    const r = parseProtection('PAGE_READWRITE | PAGE_BOGUS');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toEqual({ code: 'unknownName', detail: 'PAGE_BOGUS' });
    expect(code(parseProtection('PAGE_READWRITE |'))).toBe('syntax');
    expect(code(parseFreeType('MEM_COMMIT'))).toBe('unknownName');
  });

  it('prints flags back by name, unknown bits in hex', () => {
    expect(flagNames(PAGE_READWRITE | PAGE_GUARD, PROTECTION_NAMES)).toBe('PAGE_READWRITE | PAGE_GUARD');
    expect(flagNames(0x10000000 | PAGE_READWRITE, PROTECTION_NAMES)).toBe('PAGE_READWRITE | 0x10000000');
    expect(flagNames(0, PROTECTION_NAMES)).toBe('0');
  });
});

describe('parseBytes', () => {
  it('reads hex pairs and quoted strings', () => {
    expect(Array.from(value(parseBytes('48 65 6c 6c 6f')))).toEqual([0x48, 0x65, 0x6c, 0x6c, 0x6f]);
    expect(Array.from(value(parseBytes('0x4865')))).toEqual([0x48, 0x65]);
    expect(new TextDecoder().decode(value(parseBytes('"hello"')))).toBe('hello');
  });
  it('refuses odd digit counts, junk, empty and too long', () => {
    expect(code(parseBytes('486'))).toBe('oddHexDigits');
    expect(code(parseBytes('zz'))).toBe('syntax');
    expect(code(parseBytes('""'))).toBe('empty');
    expect(code(parseBytes('"abcdef"', 3))).toBe('tooLarge');
  });
});

describe('formatting', () => {
  it('prints addresses, WinDbg pointers and sizes', () => {
    expect(hex(0x7ff612340000n)).toBe('0x7ff612340000');
    expect(pointer(0x7ff612340000n)).toBe('00007ff6`12340000');
    expect(formatBytes(4096)).toBe('4 KB');
    expect(formatBytes(1572864)).toBe('1.5 MB');
    expect(formatBytes(512)).toBe('512 B');
  });
});
