import { defaultClientConditions, defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

// Unit tests (`*.test.ts`) use fakes and no network; integration tests
// (`*.int.test.ts`) talk to the real servers that `scripts/services.sh up` started.
const exclude = ['**/node_modules/**', '**/dist/**'];

export default defineConfig({
  // Workspace packages resolve to their TypeScript sources (`@vane/source` export condition).
  resolve: { conditions: ['@vane/source', ...defaultClientConditions] },
  ssr: { resolve: { conditions: ['@vane/source', ...defaultServerConditions] } },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['**/*.test.ts'],
          exclude: [...exclude, '**/*.int.test.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'int',
          include: ['**/*.int.test.ts'],
          exclude,
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // One file at a time: fault tests stop and restart the shared servers.
          pool: 'forks',
          poolOptions: { forks: { singleFork: true } },
        },
      },
    ],
  },
});
