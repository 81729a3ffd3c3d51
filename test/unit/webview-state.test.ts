// The webviews keep no module-level state (issue 13 item 5): every mutable thing a panel has lives
// in the one state object its state.ts makes and main.ts passes to the components. This scans
// every module under src/webview with the TypeScript parser and fails on a top-level `let` or `var`,
// and on a top-level `const` that holds something mutable: an object made by `new` or a call
// (document.getElementById, acquireVsCodeApi, new Map), or an object or array literal with data in it.
// Constants (numbers, strings, regular expressions) and tables of functions are allowed.
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '../../src/webview');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = path.join(dir, d.name);
    if (d.isDirectory()) return sourceFiles(p);
    return d.name.endsWith('.ts') && !d.name.endsWith('.d.ts') ? [p] : [];
  });
}

function unwrap(e: ts.Expression): ts.Expression {
  while (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isSatisfiesExpression(e)) e = e.expression;
  return e;
}

/** Whether a top-level const's value cannot change: a literal, a function, or an object of functions. */
function isImmutable(init: ts.Expression): boolean {
  const e = unwrap(init);
  if (ts.isNumericLiteral(e) || ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e) || ts.isRegularExpressionLiteral(e)) return true;
  if (ts.isPrefixUnaryExpression(e) && ts.isNumericLiteral(e.operand)) return true;
  if (ts.isArrowFunction(e) || ts.isFunctionExpression(e)) return true;
  if (ts.isObjectLiteralExpression(e)) {
    return e.properties.every((p) => ts.isMethodDeclaration(p) || (ts.isPropertyAssignment(p) && (ts.isArrowFunction(unwrap(p.initializer)) || ts.isFunctionExpression(unwrap(p.initializer)))));
  }
  return false;
}

/** The top-level declarations of a module that hold state: `let`/`var`, or a const with a mutable value. */
function moduleState(fileName: string, text: string): string[] {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.ES2022, true);
  const found: string[] = [];
  for (const st of sf.statements) {
    if (!ts.isVariableStatement(st)) continue;
    const list = st.declarationList;
    const isConst = (list.flags & ts.NodeFlags.Const) !== 0;
    for (const d of list.declarations) {
      const name = d.name.getText(sf);
      const line = sf.getLineAndCharacterOfPosition(d.getStart(sf)).line + 1;
      if (!isConst) found.push(`${fileName}:${line} ${name} (top-level ${list.flags & ts.NodeFlags.Let ? 'let' : 'var'})`);
      else if (d.initializer && !isImmutable(d.initializer)) found.push(`${fileName}:${line} ${name} (top-level const holding a mutable value)`);
    }
  }
  return found;
}

describe('webview modules keep no module-level state', () => {
  it('the scanner finds what it is meant to find', () => {
    expect(moduleState('a.ts', 'let header: string | undefined;')).toHaveLength(1);
    expect(moduleState('a.ts', 'var n = 0;')).toHaveLength(1);
    expect(moduleState('a.ts', "export const view = { snapshot: undefined, index: 0 };")).toHaveLength(1);
    expect(moduleState('a.ts', "const app = document.getElementById('app')!;")).toHaveLength(1);
    expect(moduleState('a.ts', 'const steps = new Map<number, string>();')).toHaveLength(1);
    expect(moduleState('a.ts', 'const seen: number[] = [];')).toHaveLength(1);
    expect(moduleState('a.ts', [
      'const SLICE = 100;', "const NS = 'http://www.w3.org/2000/svg';", 'const HEX = /^0x[0-9a-f]+$/;', 'const NEG = -1;',
      'const timers = { set: (f: () => void, ms: number) => setTimeout(f, ms), clear: (h: unknown) => clearTimeout(h as number) };',
      'function main(): void { let local = 1; local++; }',
    ].join('\n'))).toEqual([]);
  });

  it('no module under src/webview declares state at the top level', () => {
    const files = sourceFiles(root);
    // Both panels and the common code are scanned.
    expect(files.map((f) => path.relative(root, f).split(path.sep).join('/'))).toEqual(expect.arrayContaining([
      'processCreation/main.ts', 'processCreation/state.ts', 'pageFault/main.ts', 'pageFault/state.ts', 'common/host.ts',
    ]));
    const found = files.flatMap((f) => moduleState(path.relative(root, f), fs.readFileSync(f, 'utf8')));
    expect(found).toEqual([]);
  });
});
