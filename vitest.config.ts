import { existsSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

/**
 * Two projects: `api` (unit and API tests in Node, on PGlite by default and on
 * PostgreSQL when DATABASE_URL is set) and `worker` (the Worker inside workerd,
 * configured in tests/worker/vitest.config.ts).
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'api',
          include: ['tests/unit/**/*.test.ts', 'tests/api/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['tests/helpers/global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
          pool: 'forks',
        },
      },
      ...(existsSync('tests/worker/vitest.config.ts') ? ['tests/worker/vitest.config.ts'] : []),
    ],
  },
});
