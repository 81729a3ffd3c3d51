// Every user-visible string has a Simplified Chinese translation: manifest strings (package.nls*.json)
// and every vscode.l10n.t() message in the host (l10n/zh-cn/*.json fragments, merged at build).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '../..');
const read = (p: string): string => fs.readFileSync(path.join(root, p), 'utf8');

function walk(dir: string): string[] {
  return fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? walk(path.join(dir, d.name)) : d.name.endsWith('.ts') ? [path.join(dir, d.name)] : []);
}

/** String-literal messages passed to l10n.t(...) ('...', "..." or `...` without substitutions). */
function messages(source: string): string[] {
  const out: string[] = [];
  const re = /l10n\.t\(\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"|`((?:[^`\\$]|\\.)*)`)/g;
  for (let m = re.exec(source); m; m = re.exec(source)) {
    const raw = m[1] ?? m[2] ?? m[3]!;
    out.push(raw.replace(/\\(['"`\\])/g, '$1').replace(/\\n/g, '\n'));
  }
  return out;
}

function translations(): Record<string, string> {
  const dir = path.join(root, 'l10n', 'zh-cn');
  const merged: Record<string, string> = {};
  for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.json'))) Object.assign(merged, JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')));
  return merged;
}

describe('localization', () => {
  it('package.nls.zh-cn.json translates every manifest string and nothing else', () => {
    const en = JSON.parse(read('package.nls.json')) as Record<string, string>;
    const zh = JSON.parse(read('package.nls.zh-cn.json')) as Record<string, string>;
    expect(Object.keys(zh).sort()).toEqual(Object.keys(en).sort());
    for (const [k, v] of Object.entries(zh)) expect(v.trim(), k).not.toBe('');
  });

  it('every %key% in package.json is defined in package.nls.json', () => {
    const en = JSON.parse(read('package.nls.json')) as Record<string, string>;
    const keys = [...read('package.json').matchAll(/"%([^%"]+)%"/g)].map((m) => m[1]!);
    expect(keys.length).toBeGreaterThan(10);
    for (const k of keys) expect(en, `package.nls.json lacks ${k}`).toHaveProperty([k]);
  });

  it('every vscode.l10n.t message in the host has a zh-cn translation with the same placeholders', () => {
    const zh = translations();
    const files = walk('src/extension');
    const all = files.flatMap((f) => messages(read(f)).map((m) => [f, m] as const));
    expect(all.length).toBeGreaterThan(5);
    for (const [file, msg] of all) {
      expect(zh, `${file}: no zh-cn translation for "${msg}"`).toHaveProperty([msg]);
      const placeholders = (s: string): string[] => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!).sort();
      expect(placeholders(zh[msg]!), `placeholders of "${msg}"`).toEqual(placeholders(msg));
    }
  });

  it('translation fragments do not disagree with each other', () => {
    const dir = path.join(root, 'l10n', 'zh-cn');
    const seen = new Map<string, string>();
    for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.json'))) {
      for (const [k, v] of Object.entries(JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as Record<string, string>)) {
        if (seen.has(k)) expect(v, `"${k}" in ${f}`).toBe(seen.get(k));
        seen.set(k, v);
      }
    }
  });
});
