// The stepping panels' UI strings in English and Simplified Chinese: every key the protocol lists is
// filled, and the "Present" button has its own short label (issue 14: the zh-cn button showed the
// whole tooltip sentence, because the label was cut from it at ' (' and the Chinese writes '（').
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Localizer } from '../../src/extension/panels/explain';
import { uiStrings } from '../../src/extension/panels/strings';
import { UI_STRING_KEYS } from '../../src/shared/protocol';

function zhCn(): Localizer {
  const dir = path.resolve(__dirname, '../../l10n/zh-cn');
  const table: Record<string, string> = {};
  for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.json'))) Object.assign(table, JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')));
  return { t: (m) => table[m] ?? m };
}

const english: Localizer = { t: (m) => m };

describe.each([['en', english], ['zh-cn', zhCn()]] as const)('panel strings (%s)', (_lang, l10n) => {
  it('fills every key the webviews render', () => {
    const s = uiStrings(l10n);
    expect(Object.keys(s).sort()).toEqual([...UI_STRING_KEYS].sort());
    for (const k of UI_STRING_KEYS) expect(s[k].trim(), k).not.toBe('');
  });

  it('the Present button is a short label apart from its tooltip sentence', () => {
    const s = uiStrings(l10n);
    expect(s.presentLabel).not.toMatch(/[(（:：]/);
    expect(s.presentLabel.length).toBeLessThan(s.present.length);
    expect(s.present.startsWith(s.presentLabel)).toBe(true);
  });
});

it('zh-cn translates the label itself', () => {
  expect(uiStrings(zhCn()).presentLabel).toBe('当前');
});
