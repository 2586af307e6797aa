// Lint habits that a type checker alone does not give (STYLE.md, layout and boundaries):
// no import cycles, no promise left floating, type-only imports marked as such.
// Type-aware: each file is checked against the tsconfig of its own package (projectService).
// apps/web is left out: its tsconfig extends .svelte-kit/tsconfig.json, which exists only after
// `svelte-kit sync` (run by its own typecheck, after this lint in `pnpm test`), and its .svelte
// components would need eslint-plugin-svelte; svelte-check type-checks it there.
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import { importX } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '**/build/**',
      '**/.svelte-kit/**',
      '**/.turbo/**',
      '**/migrations/**',
      '**/*.d.ts',
      'apps/web/**',
      'e2e/artifacts/**',
      'test-results/**',
      'playwright-report/**',
      // Plain JS scripts and the tools' own configuration files, which no tsconfig includes.
      '**/*.{js,mjs,cjs}',
      '**/vite*.config.ts',
    ],
  },
  {
    files: ['**/*.ts'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    plugins: {
      '@typescript-eslint': tseslint.plugin,
      'import-x': importX,
    },
    settings: {
      'import-x/extensions': ['.ts'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: ['packages/*/tsconfig.json', 'apps/api/tsconfig.json', 'e2e/tsconfig.json'], noWarnOnMultipleProjects: true })],
    },
    rules: {
      // A cycle between modules means neither can be read, tested or moved without the other.
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      // A promise nobody awaits loses its rejection; detach deliberately with `void` and a comment.
      '@typescript-eslint/no-floating-promises': 'error',
      // verbatimModuleSyntax keeps every value import at run time; type-only ones say so.
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // The engine reads top-down: facade/ (what the API and CLI call) over the domain folders.
    // no-cycle above skips type-only imports, so the layering that keeps folders acyclic is stated here.
    files: ['packages/engine/src/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            {
              target: 'packages/engine/src/!(facade|demo|testing)/**',
              from: 'packages/engine/src/facade',
              message: 'Domain folders sit below the facade: move the type you need down to the folder that owns it.',
            },
            {
              target: 'packages/engine/src/facade',
              from: ['packages/engine/src/demo', 'packages/engine/src/testing'],
              message: 'The demo and the test kit drive the engine through its facade, not the other way round.',
            },
            {
              target: 'packages/engine/src/budget',
              from: 'packages/engine/src/workflows',
              message: 'budget/ prices and caps; estimating a workflow (its prompts) lives in workflows/, which imports budget/.',
            },
          ],
        },
      ],
    },
  },
);
