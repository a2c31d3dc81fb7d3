import { afterAll, beforeAll } from 'vitest';
import { createApp } from '../../api/app.ts';
import { type Config, loadConfig } from '../../api/config.ts';
import type { Clock, Ctx } from '../../api/context.ts';
import type { PhotoServices } from '../../api/domain/photos/ports.ts';
import { createReferenceCache } from '../../api/domain/reference.ts';
import { createLogger, type Logger, type LogLevel } from '../../api/logger.ts';
import type { DbHandle } from '../../db/client.ts';
import { openIsolatedDatabase, openTestDatabase } from './db.ts';
import { mobileSequence } from './phones.ts';

/** A clock tests move by hand. */
export function fixedClock(start: string | Date): Clock & { set(at: string | Date): void; advance(ms: number): void } {
  let now = new Date(start);
  return {
    now: () => new Date(now),
    set: (at) => {
      now = new Date(at);
    },
    advance: (ms) => {
      now = new Date(now.getTime() + ms);
    },
  };
}

export interface TestAppOptions {
  clock?: Clock;
  env?: Record<string, string>;
  clientIp?: string;
  /** A database of the file's own (for tests that act on every row). */
  isolated?: boolean;
  /** The app's logger (a test that reads the log lines passes its own). */
  logger?: Logger;
  /** Photo processing and storage (tests/helpers/photos.ts makes them on a temp folder). */
  photos?: PhotoServices;
}

export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({ INTAKE_RATE_LIMIT: '100000', LOOKUP_RATE_LIMIT: '100000', SIGN_IN_RATE_LIMIT: '100000', ...env });
}

/**
 * Opens the test database once for the file and builds an app on it. Call at
 * the top of a test file; read `.app` and `.db` inside tests.
 */
export function useTestApp(options: TestAppOptions = {}) {
  const state = {} as { app: ReturnType<typeof createApp>; handle: DbHandle; db: DbHandle['db']; config: Config };
  beforeAll(async () => {
    state.handle = options.isolated ? await openIsolatedDatabase() : await openTestDatabase();
    state.db = state.handle.db;
    state.config = testConfig(options.env);
    state.app = createApp({
      config: state.config,
      // TEST_LOG=error shows what a 500 hid.
      logger: options.logger ?? createLogger((process.env.TEST_LOG as LogLevel | undefined) ?? 'silent'),
      database: () => state.handle.db,
      ...(options.clock ? { clock: options.clock } : {}),
      ...(options.photos ? { photos: options.photos } : {}),
      clientIp: (c) => c.req.header('x-test-client') ?? options.clientIp ?? '203.0.113.1',
    });
  });
  afterAll(async () => {
    await state.handle?.close();
  });
  return state;
}

/** A mainland mobile number unique to this test run, for isolation by rows. */
export const uniquePhone = mobileSequence('139');

/** A domain context for calling jobs directly, on the test app's database and clock. */
export function jobContext(state: { db: DbHandle['db']; config: Config }, clock: Clock): Ctx {
  return {
    db: state.db,
    clock,
    config: state.config,
    logger: createLogger((process.env.TEST_LOG as LogLevel | undefined) ?? 'silent'),
    reference: createReferenceCache(),
    requestId: 'test-job',
    lang: 'zh-CN',
  };
}
