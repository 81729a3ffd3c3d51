// ESLint flat config. The import bans make the layer rule of DESIGN.md §2 a lint error:
// webview -> shared; extension -> shared + engine; engine -> nothing.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeBuiltins = ['fs', 'path', 'os', 'child_process', 'crypto', 'util', 'events', 'buffer', 'stream', 'worker_threads', 'url', 'http', 'https', 'net'];
const nodePatterns = [{ group: ['node:*'], message: 'Node built-ins are not allowed here (DESIGN.md §2).' }];
// The Machine behind a System is engine-private (issue 13): the host sees the public System only.
const engineInternals = {
  group: ['**/engine/system', '**/engine/system/**', '**/engine/testing', '**/engine/win32'],
  message: 'src/extension uses the public engine (src/engine/index.ts): the machine and its internals are engine-private.',
};

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', 'test-results/**', 'demo/**', '.vscode-test/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-eval': 'error',
      'no-implied-eval': 'error',
      'no-new-func': 'error',
    },
  },
  {
    files: ['src/engine/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: ['vscode', ...nodeBuiltins].map((name) => ({ name, message: 'src/engine must stay pure (DESIGN.md §2).' })),
        patterns: [...nodePatterns, { group: ['**/extension/**', '**/webview/**', '**/shared/**'], message: 'src/engine imports nothing from other layers.' }],
      }],
    },
  },
  {
    files: ['src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: ['vscode', ...nodeBuiltins].map((name) => ({ name, message: 'src/shared is JSON-safe wire types only.' })),
        // The one exception: the engine's dependency-free vocabulary (change types, stages, page states), so the wire types derive from it.
        patterns: [...nodePatterns, { group: ['**/extension/**', '**/webview/**', '**/engine/**', '!**/engine/vocabulary'], message: 'src/shared imports nothing from other layers but src/engine/vocabulary.' }],
      }],
    },
  },
  {
    files: ['src/webview/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: ['vscode', ...nodeBuiltins].map((name) => ({ name, message: 'Webviews run in a browser.' })),
        patterns: [...nodePatterns, { group: ['**/extension/**', '**/engine/**'], message: 'Webviews import src/shared only.' }],
      }],
    },
  },
  {
    files: ['src/extension/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: ['**/webview/**'], message: 'The host does not import webview code.' }, engineInternals],
      }],
    },
  },
  {
    // The presentation layer (formatters, names, the Localizer, step texts) and the sidebar's tree
    // models and row describers never touch VS Code: the host injects vscode.l10n and adapts the
    // models (views/providers.ts); unit tests and the tree benchmark run them in plain Node (issue 13 item 4).
    files: ['src/extension/present/**/*.ts', 'src/extension/views/describe/**/*.ts', 'src/extension/views/{row,model,objects}.ts', 'src/extension/kd/**/*.ts'],
    // The kernel debugger's core is pure too; only its terminal talks to VS Code.
    ignores: ['src/extension/kd/terminal.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: ['vscode', ...nodeBuiltins].map((name) => ({ name, message: 'Pure presentation code: the host injects vscode.l10n as a Localizer and adapts the models.' })),
        patterns: [...nodePatterns, { group: ['**/webview/**'], message: 'The host does not import webview code.' }, engineInternals],
      }],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    languageOptions: {
      globals: { require: 'readonly', module: 'writable', __dirname: 'readonly', process: 'readonly', console: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', URL: 'readonly', Buffer: 'readonly', fetch: 'readonly', AbortSignal: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
