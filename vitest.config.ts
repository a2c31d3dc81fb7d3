import { existsSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

/**
 * Three projects: `api` (unit and API tests in Node, on PGlite by default and on
 * PostgreSQL when DATABASE_URL is set), `worker` (the Worker inside workerd,
 * configured in tests/worker/vitest.config.ts) and `e2e` (the built site in
 * Debian's Chromium against the running Node server; skips, saying why, when
 * /usr/bin/chromium is missing).
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
      {
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['tests/e2e/global-setup.ts'],
          // Several navigations per test; generous for a loaded machine (a step's own wait is 30 s).
          testTimeout: 180_000,
          hookTimeout: 180_000,
          pool: 'forks',
          // The work happens in Chromium and the server; the files can overlap even on two cores.
          maxWorkers: 3,
        },
      },
      ...(existsSync('tests/worker/vitest.config.ts') ? ['tests/worker/vitest.config.ts'] : []),
    ],
  },
});
