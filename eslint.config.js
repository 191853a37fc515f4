// ESLint for the server (src/), its tests (test/), the benchmark (bench/), the admin UI (client/,
// plain browser ES modules) and the tooling at the root. Formatting is Prettier's job
// (eslint-config-prettier turns off the rules that would disagree with it).
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import { defineConfig, globalIgnores } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import noParallelTx from './eslint-rules/no-parallel-tx.js';

// The project's own rules, as the plugin `roster` (rule ids roster/<name>).
const roster = { meta: { name: 'roster' }, rules: { 'no-parallel-tx': noParallelTx } };

// The code's convention for a binding kept on purpose (a rest sibling left out of a copy, a
// parameter a signature requires) is a leading underscore.
const unusedVars = ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }];

export default defineConfig(
  globalIgnores(['dist/', 'data/', 'artifacts/', 'coverage/', 'bench/results/']),

  { linterOptions: { reportUnusedDisableDirectives: 'error' } },
  js.configs.recommended,
  {
    rules: {
      'no-unused-vars': unusedVars,
      // Matching control characters is the point wherever a regular expression here names them:
      // RelayState refuses them, the SCIM request log escapes NUL, the fuzzer encodes it.
      'no-control-regex': 'off',
    },
  },

  // TypeScript: typescript-eslint's recommended rules everywhere, plus the two promise rules that need
  // type information. The type-aware parse costs one TypeScript program (tsconfig.json, which holds
  // src/, test/, bench/ and eslint-rules/), shared by every file.
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommended],
    plugins: { roster },
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-unused-vars': unusedVars,
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      'roster/no-parallel-tx': 'error',
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      // The tests walk JSON answers of any shape (supertest's own body type is any); spelling out
      // each SCIM document's type there would add nothing the assertions do not already check.
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },

  // The admin UI: plain ES modules loaded by the browser, no build step.
  {
    files: ['client/**/*.js'],
    languageOptions: { sourceType: 'module', globals: { ...globals.browser } },
  },

  // Tooling at the root and the project's ESLint rules: ES modules run by Node.
  {
    files: ['*.js', 'eslint-rules/**/*.js', 'scripts/**/*.js'],
    languageOptions: { sourceType: 'module', globals: { ...globals.node } },
  },

  prettier,
);
