import { fileURLToPath } from 'node:url';
import { cloudflareTest } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';
import { WORKER_TEST_ENV } from './env.ts';
import type { WorkerDatabase } from './global-setup.ts';

// Nothing leaves 127.0.0.1 during tests: no metrics, error reports or account look-ups.
for (const [name, value] of Object.entries({
  WRANGLER_SEND_METRICS: 'false',
  WRANGLER_SEND_ERROR_REPORTS: 'false',
  CLOUDFLARE_CF_FETCH_ENABLED: 'false',
  WRANGLER_HIDE_BANNER: 'true',
})) {
  process.env[name] ??= value;
}

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * The `worker` project: workers/worker.ts inside workerd (through wrangler.toml,
 * so the bindings are the deployed ones) against the machine's PostgreSQL via
 * Hyperdrive's local mode. global-setup.ts migrates that database in Node first,
 * or tells the tests to skip when no server answers.
 */
export default defineConfig({
  root,
  plugins: [
    cloudflareTest(({ inject }) => {
      const database = inject<WorkerDatabase>('workerDatabase');
      return {
        wrangler: { configPath: `${root}/wrangler.toml` },
        // Overrides localConnectionString: the target may be another database
        // (DATABASE_URL) and Hyperdrive wants a password in the URL.
        miniflare: {
          hyperdrives: { HYPERDRIVE: database.hyperdriveUrl },
          // Keep the per-request log lines out of the test output; providers as global-setup signs for them.
          // One delivery pass reaches every due row: on a database the API tests share (CI's PostgreSQL
          // run), their undelivered rows come first, and 40 a pass would leave a test's own behind them.
          // The budget itself is tested in Node (tests/api/outbox-budget.test.ts).
          bindings: { LOG_LEVEL: 'error', WORKER_SUBREQUEST_BUDGET: '100000', ...WORKER_TEST_ENV },
        },
      };
    }),
  ],
  test: {
    name: 'worker',
    include: ['tests/worker/**/*.test.ts'],
    globalSetup: ['tests/worker/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
