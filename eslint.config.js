// ESLint: typescript-eslint's type-checked recommended rules over src/ and test/, zero warnings in CI.
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  // Built output, and server.ts as the bench writes it for BENCH_FROM_DIST (test/bench/spawn-server.ts).
  { ignores: ['dist/', 'node_modules/', 'data/', 'test/bench/.server.dist.mjs'] },
  eslint.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // Passing on a caught error (typed `unknown`) or a reason the platform hands over (an abort
      // signal's `any`) unchanged: what only-throw-error already allows for `throw` by default.
      // Wrapping it would change the error callers see. A literal non-Error is still reported.
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingAny: true, allowThrowingUnknown: true }],
      // `const { key: _dropped, ...rest } = obj` is how a copy without `key` is made.
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true }],
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      // chai's `expect(x).to.be.true` style reads as an unused expression.
      '@typescript-eslint/no-unused-expressions': 'off',
    },
  },
  { files: ['eslint.config.js'], extends: [tseslint.configs.disableTypeChecked] },
  // The pages' browser script: plain JavaScript served as is (no build step), checked untyped.
  {
    files: ['src/web/assets/**/*.js'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { sourceType: 'script', globals: { window: 'readonly', document: 'readonly', fetch: 'readonly', DOMParser: 'readonly', HTMLFormElement: 'readonly', HTMLElement: 'readonly', setInterval: 'readonly', URL: 'readonly', URLSearchParams: 'readonly', EventSource: 'readonly' } },
  },
);
