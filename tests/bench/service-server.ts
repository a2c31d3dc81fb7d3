/**
 * Child process: the real service on Node — createApp() behind @hono/node-server,
 * PostgreSQL through the project's connectPostgres(), the same wiring as
 * workers/node.ts minus migrations (the parent did them) and the static site.
 *
 * Env: BENCH_DATABASE_URL, BENCH_POOL_MAX, BENCH_COUNT_QUERIES=1 (count the
 * PostgreSQL protocol traffic; see child.ts).
 */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { getConnInfo } from '@hono/node-server/conninfo';
import { createApp } from '../../api/app.ts';
import { loadConfig } from '../../api/config.ts';
import { connectPostgres } from '../../db/client.ts';
import { countPgTraffic, runChild } from './child.ts';

await runChild(async () => {
  const url = process.env.BENCH_DATABASE_URL;
  if (!url) throw new Error('BENCH_DATABASE_URL is not set');
  const poolMax = Number(process.env.BENCH_POOL_MAX ?? 10);
  if (process.env.BENCH_COUNT_QUERIES === '1') countPgTraffic(Number(new URL(url).port || 5432));
  const config = loadConfig({
    DATABASE_URL: url,
    INTAKE_RATE_LIMIT: '100000000',
    LOOKUP_RATE_LIMIT: '100000000',
    SIGN_IN_RATE_LIMIT: '100000000',
    LOG_LEVEL: 'silent',
  });
  const database = connectPostgres(url, { max: poolMax });
  const app = createApp({
    config,
    database: () => database.db,
    // As workers/node.ts without TRUST_PROXY: the socket's address.
    clientIp: (c) => getConnInfo(c).remote.address,
  });

  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    info: { kind: 'service', poolMax, stack: 'hono + @hono/zod-openapi + @hono/node-server + drizzle-orm + postgres.js' },
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      });
      await database.close();
    },
  };
});
