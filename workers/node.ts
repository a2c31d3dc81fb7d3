import { serve } from '@hono/node-server';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import { createApp } from '../api/app.ts';
import { type Config, ConfigError, loadConfig, publicBaseUrlProblem } from '../api/config.ts';
import { type Ctx, systemClock } from '../api/context.ts';
import { createReferenceCache } from '../api/domain/reference.ts';
import { clientAddress } from '../api/http/client-address.ts';
import { createLogger } from '../api/logger.ts';
import { DEMO_STAFF } from '../db/seed/demo.ts';
import { openDatabase } from '../db/setup.ts';
import { createNodeFrontend } from '../site/adapter/node.ts';
import { seedDemoCases } from './demo-cases.ts';
import { nodePhotoServices } from './photos-node.ts';
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
  // A provider would call a loopback address nobody else can reach: stop here rather than refuse every SMS with 403.
  const baseUrlProblem = publicBaseUrlProblem(config, 'node');
  if (baseUrlProblem) {
    console.error(baseUrlProblem);
    process.exit(1);
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
  const photos = nodePhotoServices(config);
  const jobCtx = (requestId: string): Ctx => ({
    db: database.db,
    clock: systemClock,
    config,
    logger,
    reference: jobReference,
    requestId,
    lang: 'zh-CN',
    photos,
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
    photos,
  });
  // API paths go to the app; the rest is the built site (static files, then
  // pages rendered in process by the SSR bundle, which calls the app directly).
  const front = await createNodeFrontend({ app, clientIp, env: process.env });
  const hasSite = front.siteBuilt;

  // 64 kB of request headers (Node's default is 16 kB): Open311 status syncs send up to 1,000 ids in one query string (~37 kB).
  const server = serve({ fetch: front.fetch, port: config.port, hostname: config.host, serverOptions: { maxHeaderSize: 64 * 1024 } }, (info) => {
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

  /**
   * Graceful shutdown: take no new connections, let the requests, the delivery
   * pass and the job ticks under way finish (at most SHUTDOWN_TIMEOUT_MS), then
   * close the database. What the bound cuts short is not lost: an outbox row's
   * lease runs out and the next start (or another instance) delivers it.
   * A second signal ends the process at once.
   */
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) {
      logger.warn('second signal: exiting now', { signal });
      process.exit(1);
    }
    stopping = true;
    const started = performance.now();
    logger.info('shutting down: no new requests, waiting for work under way', { signal, timeoutMs: config.shutdownTimeoutMs });
    const requests = new Promise<void>((resolve) => server.close(() => resolve()));
    // Keep-alive connections with nothing in flight would hold close() open.
    if ('closeIdleConnections' in server) server.closeIdleConnections();
    const work = Promise.all([requests, scheduler.stop(), delivery.stop()]).then(() => 'done' as const);
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), config.shutdownTimeoutMs);
    });
    const outcome = await Promise.race([work, bound]);
    clearTimeout(timer);
    if (outcome === 'timeout') {
      logger.warn('shutdown: work still under way after the timeout; leaving it to the next start', { timeoutMs: config.shutdownTimeoutMs });
      if ('closeAllConnections' in server) server.closeAllConnections();
    }
    await database.close();
    logger.info('stopped', { ms: Math.round(performance.now() - started) });
    process.exit(outcome === 'done' ? 0 : 1);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
