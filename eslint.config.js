// ESLint flat config: typed typescript-eslint rules everywhere, plus the architecture rules
// (no import cycles; services never import each other, they share @vane/gen, @vane/core and
// @vane/server-kit).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { importX } from 'eslint-plugin-import-x';

const services = ['api-server', 'els', 'analytics', 'sdk', 'web'];
// The embedded launcher composes every service in one process; it is not a service itself.

/** One block per service that forbids importing any other service package. */
const isolation = services.map((service) => ({
  files: [`${service}/**/*.ts`, `${service}/**/*.tsx`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: services
          .filter((other) => other !== service)
          .flatMap((other) => [
            {
              group: [`@vane/${other}`, `@vane/${other}/*`],
              message:
                'Services never import each other: share code through @vane/core, @vane/gen or @vane/server-kit.',
            },
            {
              group: [`**/${other}/src/*`],
              message:
                'Services never import each other: share code through @vane/core, @vane/gen or @vane/server-kit.',
            },
          ]),
      },
    ],
  },
}));

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', 'gen/**', '.rig/**', '.vane/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['vitest.config.ts', 'eslint.config.js'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    plugins: { 'import-x': importX },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'import-x/no-cycle': 'error',
      // Handlers passed to ports are async by contract even when an implementation needs no await.
      '@typescript-eslint/require-await': 'off',
    },
  },
  ...isolation,
  // The SDKs' tests (not their code) run a real ELS in-process.
  {
    files: ['sdk/src/**/*.test.ts', 'sdk/src/testing/**/*.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
);
