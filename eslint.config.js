// ESLint for the whole tree: JavaScript's and typescript-eslint's recommended
// rules, and the React hooks rules for the dashboard. typescript-eslint reads
// the TypeScript 6 API (package `typescript`, the @typescript/typescript6
// side-by-side package); `tsc` is TypeScript 7 (@typescript/native), which has
// no JavaScript API yet.
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test/fixtures/**', '**/*.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node }, ecmaVersion: 2022, sourceType: 'module' },
    rules: {
      // `_`-prefixed names are deliberately unused (destructuring a field away, an unused callback argument).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
  {
    // JSON bodies of HTTP responses in tests, and Cube's internals patched in server/cube/, have no types.
    files: ['test/**/*.ts', 'server/cube/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // The two hooks rules; the React Compiler's rules (in the plugin's v7 `recommended`) do not apply, as the
    // dashboard is not compiled with it.
    files: ['dashboard/src/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'error' },
  },
);
