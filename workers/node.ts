import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { getConnInfo } from '@hono/node-server/conninfo';
import { serveStatic } from '@hono/node-server/serve-static';
import type { Context } from 'hono';
import { createApp } from '../api/app.ts';
import { ConfigError, loadConfig } from '../api/config.ts';
import { createLogger } from '../api/logger.ts';
import { DEMO_STAFF } from '../db/seed/demo.ts';
import { openDatabase } from '../db/setup.ts';

/**
 * The Node runtime: one port for the API and the built site, the embedded
 * database (or PostgreSQL with DATABASE_URL), and the background jobs.
 */
async function main() {
  let config;
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

  const siteDir = fileURLToPath(new URL('../site/dist', import.meta.url));
  const hasSite = existsSync(siteDir);
  const clientIp = (c: Context) => {
    if (config.trustProxy) {
      const forwarded = c.req.header('x-forwarded-for')?.split(',')[0]?.trim();
      if (forwarded) return forwarded;
    }
    return getConnInfo(c).remote.address;
  };
  const app = createApp({
    config,
    logger,
    database: () => database.db,
    clientIp,
    ...(hasSite ? { assets: serveStatic({ root: siteDir }) } : {}),
  });

  const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info) => {
    const base = `http://${info.address === '::' ? '127.0.0.1' : info.address}:${info.port}`;
    const lines = [
      '',
      `Station Hotline is running on ${database.kind === 'pglite' ? `the embedded database in ${config.dataDir}/` : 'PostgreSQL'}.`,
      hasSite ? `  Public site:   ${base}/` : '  Public site:   not built (npm run build:site)',
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
