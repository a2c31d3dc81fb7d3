import { serve } from '@hono/node-server';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import { createApp } from '../api/app.ts';
import { type Config, ConfigError, loadConfig } from '../api/config.ts';
import { type Ctx, systemClock } from '../api/context.ts';
import { createReferenceCache } from '../api/domain/reference.ts';
import { clientAddress } from '../api/http/client-address.ts';
import { createLogger } from '../api/logger.ts';
import { DEMO_STAFF } from '../db/seed/demo.ts';
import { openDatabase } from '../db/setup.ts';
import { createNodeFrontend } from '../site/adapter/node.ts';
import { seedDemoCases } from './demo-cases.ts';
import { startDeliveryLoop, startScheduler } from './scheduler.ts';

/**
 * The Node runtime: one port for the API and the built site, the embedded
 * database (or PostgreSQL with DATABASE_URL), and the background jobs.
 */
async function main() {
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  const logger = createLogger(config.logLevel);
  const database = await openDatabase(config);
  if (database.seed.provisionalYears.length) {
    logger.warn('calendar years without published holidays; import them when the notice is out', {
      years: database.seed.provisionalYears,
    });
  }

  const clientIp = (c: Context) => clientAddress(c.req.header('x-forwarded-for'), getConnInfo(c).remote.address, config.trustProxy);
  // Background jobs: the deadline sweep, survey reminders and outbox delivery every minute,
  // and delivery at once after a write that may have queued messages.
  const jobReference = createReferenceCache();
  const jobCtx = (requestId: string): Ctx => ({
    db: database.db,
    clock: systemClock,
    config,
    logger,
    reference: jobReference,
    requestId,
    lang: 'zh-CN',
  });
  if (database.seed.demoStaff) await seedDemoCases(jobCtx('demo-seed'));
  const scheduler = startScheduler(jobCtx);
  const delivery = startDeliveryLoop(jobCtx);
  const app = createApp({
    config,
    logger,
    database: () => database.db,
    clientIp,
    kickOutbox: () => delivery.kick(),
  });
  // API paths go to the app; the rest is the built site (static files, then
  // pages rendered in process by the SSR bundle, which calls the app directly).
  const front = await createNodeFrontend({ app, clientIp, env: process.env });
  const hasSite = front.siteBuilt;

  const server = serve({ fetch: front.fetch, port: config.port, hostname: config.host }, (info) => {
    const base = `http://${info.address === '::' ? '127.0.0.1' : info.address}:${info.port}`;
    const lines = [
      '',
      `Station Hotline is running on ${database.kind === 'pglite' ? `the embedded database in ${config.dataDir}/` : 'PostgreSQL'}.`,
      hasSite ? `  Public site:   ${base}/  (English: ${base}/en/)` : '  Public site:   not built (npm run build:site)',
      ...(hasSite ? [`  Staff console: ${base}/staff`] : []),
      `  API docs:      ${base}/api/docs`,
      `  OpenAPI:       ${base}/api/openapi.json`,
      `  Health:        ${base}/api/health`,
      ...(database.seed.demoStaff
        ? [
            '',
            `Demo staff sign-ins (password: ${config.demoPassword === 'station-demo' ? 'station-demo' : 'from DEMO_PASSWORD'}), staff console at ${base}/staff:`,
            ...DEMO_STAFF.map((s) => `  ${s.email.padEnd(22)} ${s.role.padEnd(11)} ${s.what}`),
          ]
        : []),
      '',
    ];
    console.log(lines.join('\n'));
  });

  const shutdown = async (signal: string) => {
    logger.info('shutting down', { signal });
    scheduler.stop();
    server.close();
    await database.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
