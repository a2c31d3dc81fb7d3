/**
 * Bench: 10,000 12345 feed orders in pushes of 500 on PostgreSQL (target ≥ 2,000 orders/s).
 *
 * In process: the real app (createApp, signature check, JSON and zod per order,
 * the domain's batch path) on a postgres.js pool, pushes made with
 * `app.request()` — so no HTTP socket, but everything from the signed body to
 * the committed rows. Measured:
 *
 *  - `new`: 10,000 new orders, one push after another (a platform pushing in turn);
 *  - `parallel`: another 10,000 new orders, 4 pushes at a time;
 *  - `repeat`: the first 10,000 pushed again (all `unchanged`);
 *  - `naive`: for scale, createCase() once per order, one transaction each.
 *
 * Before measuring, the database gets 20,000 older cases and ANALYZE, so the
 * foreign-key checks are planned against a table of realistic size (see db.ts).
 *
 * Wire-up: `benchFeed({ databaseUrl })` on a migrated and seeded database.
 * Alone: `node --import tsx tests/bench/feed-12345.ts` creates the database
 * `hotline_bench_feed` (through BENCH_ADMIN_URL, default the `test` database on
 * 127.0.0.1), runs, prints JSON and drops it.
 */

import { createHmac, randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import postgres from 'postgres';
import { createApp } from '../../api/app.ts';
import { loadConfig } from '../../api/config.ts';
import { type Ctx, systemClock } from '../../api/context.ts';
import { createCase } from '../../api/domain/cases/create.ts';
import { createReferenceCache } from '../../api/domain/reference.ts';
import { createLogger } from '../../api/logger.ts';
import { connectPostgres } from '../../db/client.ts';
import { migrate } from '../../db/migrate.ts';
import { seedReference } from '../../db/seed/index.ts';
import { machineBusyUs, pgBackendsCpuUs, selfCpuUs } from './cpu.ts';

export interface FeedBenchOptions {
  databaseUrl: string;
  /** Orders per measured pass (default 10,000). */
  orders?: number;
  batchSize?: number;
  /** Pushes in flight in the `parallel` pass (default 4). */
  concurrency?: number;
  /** Older cases loaded first (default 20,000; 0 to skip). */
  preload?: number;
  /** Orders for the naive comparison (default 2,000; 0 to skip). */
  naiveOrders?: number;
  log?: (message: string) => void;
}

export interface FeedPass {
  orders: number;
  seconds: number;
  ordersPerSecond: number;
  /** Milliseconds per push. */
  p50: number;
  p90: number;
  max: number;
  /**
   * CPU per order: this process (the app), the bench database's PostgreSQL
   * backends, and the rest of the machine (other jobs: large = not a quiet run).
   */
  cpuUsPerOrder: { app: number; pg: number | null; other: number | null };
}

export interface FeedBenchResult {
  name: string;
  target: number;
  /** The headline: new orders, one push at a time. */
  ordersPerSecond: number;
  pass: boolean;
  batchSize: number;
  passes: { new: FeedPass; parallel: FeedPass; repeat: FeedPass; naive?: FeedPass };
  rows: { cases: number; caseEvents: number; feedOrders: number };
}

const SECRET = 'bench-12345-secret';
const TARGET = 2000;
const KINDS = ['complaint', 'report', 'help', 'consult', '投诉', '举报'];
const CATEGORIES = ['touting', 'illegal_taxi', 'peddling', 'street_stall', 'parking', 'sanitation', '共享单车'];
const STATIONS = ['TJ', 'TJN', 'BJN'];
const ADDRESSES = ['前广场东侧', '后广场出租车调度站', '地铁换乘通道', '进站口', undefined];

function order(run: string, i: number) {
  return {
    orderNo: `B${run}${String(i).padStart(7, '0')}`,
    receivedAt: '2026-11-20T09:50:00+08:00',
    dispatchedAt: '2026-11-20T10:00:00+08:00',
    callerName: i % 3 ? '王先生' : undefined,
    callerPhone: `139${String(i % 1e8).padStart(8, '0')}`,
    content: `站前有人拉客揽客，态度恶劣，要价很高，请尽快处理。工单 ${i}`,
    kind: KINDS[i % KINDS.length],
    category: CATEGORIES[i % CATEGORIES.length],
    address: ADDRESSES[i % ADDRESSES.length],
    urgency: i % 50 === 0 ? 'urgent' : 'normal',
    dueAt: '2026-11-27T18:00:00+08:00',
    station: STATIONS[i % STATIONS.length],
  };
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;

interface CpuMark {
  app: number;
  pg: number | undefined;
  machine: number | undefined;
}
const cpuMark = (database: string): CpuMark => ({ app: selfCpuUs(), pg: pgBackendsCpuUs(database), machine: machineBusyUs() });

function summarize(orders: number, ms: number, pushes: number[], from: CpuMark, to: CpuMark): FeedPass {
  const sorted = [...pushes].sort((a, b) => a - b);
  const app = to.app - from.app;
  const pg = from.pg !== undefined && to.pg !== undefined ? to.pg - from.pg : undefined;
  const machine = from.machine !== undefined && to.machine !== undefined ? to.machine - from.machine : undefined;
  return {
    orders,
    seconds: round(ms / 1000, 2),
    ordersPerSecond: Math.round(orders / (ms / 1000)),
    p50: round(percentile(sorted, 0.5)),
    p90: round(percentile(sorted, 0.9)),
    max: round(sorted.at(-1) ?? 0),
    cpuUsPerOrder: {
      app: Math.round(app / orders),
      pg: pg === undefined ? null : Math.round(pg / orders),
      other: machine === undefined || pg === undefined ? null : Math.max(0, Math.round((machine - app - pg) / orders)),
    },
  };
}

export async function benchFeed(opts: FeedBenchOptions): Promise<FeedBenchResult> {
  const total = opts.orders ?? 10_000;
  const batchSize = opts.batchSize ?? 500;
  const concurrency = opts.concurrency ?? 4;
  const log = opts.log ?? (() => {});
  const handle = connectPostgres(opts.databaseUrl, { max: 10 });
  const database = new URL(opts.databaseUrl).pathname.slice(1);
  const sql = postgres(opts.databaseUrl, { max: 1, onnotice: () => {} });
  try {
    const preload = opts.preload ?? 20_000;
    if (preload > 0) {
      log(`feed: preloading ${preload} older cases`);
      await sql`
        INSERT INTO cases (tracking_code, station_id, channel, kind, category_id, description, status, received_at,
                           ack_due_at, contact_due_at, reply_due_at, created_at, updated_at)
        SELECT 'f' || ${randomUUID().slice(0, 6)} || lpad(g::text, 9, '0'), (SELECT min(id) FROM stations), 'web', 'complaint',
               (SELECT min(id) FROM categories), 'preloaded by tests/bench/feed-12345.ts', 'closed', now() - g * interval '1 minute',
               now(), now(), now(), now(), now()
        FROM generate_series(1, ${preload}::int) AS g`;
      await sql.unsafe('ANALYZE cases; ANALYZE case_events; ANALYZE feed_orders');
    }
    const config = loadConfig({ DATABASE_URL: opts.databaseUrl, FEED_12345_SECRET: SECRET, LOG_LEVEL: 'silent' });
    const app = createApp({ config, logger: createLogger('silent'), database: () => handle.db });
    const run = randomUUID().slice(0, 6).toUpperCase();
    const used = new Set<string>();
    const pushBatch = async (orders: unknown[]) => {
      const body = JSON.stringify({ orders });
      // Each push signed afresh; the repeat pass re-sends identical bodies, so step t back past any signature already used.
      let t = Math.floor(Date.now() / 1000);
      let mac = createHmac('sha256', SECRET).update(`${t}.${body}`).digest('hex');
      while (used.has(mac)) {
        t--;
        mac = createHmac('sha256', SECRET).update(`${t}.${body}`).digest('hex');
      }
      used.add(mac);
      const started = performance.now();
      const res = await app.request('/feeds/12345/orders', { method: 'POST', headers: { 'content-type': 'application/json', 'x-signature': `t=${t},v1=${mac}` }, body });
      const answer = (await res.json()) as { counts?: Record<string, number> };
      if (res.status !== 200) throw new Error(`push answered ${res.status}: ${JSON.stringify(answer).slice(0, 300)}`);
      return { ms: performance.now() - started, counts: answer.counts! };
    };
    const passOf = async (label: string, all: unknown[], inFlight: number, expect: 'created' | 'unchanged') => {
      const batches: unknown[][] = [];
      for (let i = 0; i < all.length; i += batchSize) batches.push(all.slice(i, i + batchSize));
      const times: number[] = [];
      let next = 0;
      const cpu = cpuMark(database);
      const started = performance.now();
      await Promise.all(
        Array.from({ length: inFlight }, async () => {
          while (next < batches.length) {
            const { ms, counts } = await pushBatch(batches[next++]!);
            if (counts[expect] !== batchSize) throw new Error(`${label}: expected ${batchSize} ${expect}, got ${JSON.stringify(counts)}`);
            times.push(ms);
          }
        }),
      );
      const pass = summarize(all.length, performance.now() - started, times, cpu, cpuMark(database));
      const c = pass.cpuUsPerOrder;
      log(`feed: ${label} ${pass.ordersPerSecond} orders/s (${pass.seconds} s, push p50 ${pass.p50} ms; CPU µs/order app ${c.app}, PG ${c.pg ?? '?'}, other ${c.other ?? '?'})`);
      return pass;
    };

    log('feed: warm-up');
    await pushBatch(Array.from({ length: batchSize }, (_, i) => order(`${run}W`, i)));
    const first = Array.from({ length: total }, (_, i) => order(`${run}A`, i));
    const sequential = await passOf('new, 1 push at a time', first, 1, 'created');
    const parallel = await passOf(
      `new, ${concurrency} pushes at a time`,
      Array.from({ length: total }, (_, i) => order(`${run}B`, i)),
      concurrency,
      'created',
    );
    const repeat = await passOf('repeat (unchanged)', first, 1, 'unchanged');

    let naive: FeedPass | undefined;
    const naiveOrders = opts.naiveOrders ?? 2000;
    if (naiveOrders > 0) {
      const ctx: Ctx = { db: handle.db, clock: systemClock, config, logger: createLogger('silent'), reference: createReferenceCache(), requestId: 'bench', lang: 'zh-CN' };
      const times: number[] = [];
      const cpu = cpuMark(database);
      const started = performance.now();
      for (let i = 0; i < naiveOrders; i++) {
        const o = order(`${run}N`, i);
        const t0 = performance.now();
        await ctx.db.transaction((tx) =>
          createCase({
            ctx: { ...ctx, db: tx as unknown as Ctx['db'], inTransaction: true },
            input: {
              station: o.station!,
              kind: 'complaint',
              category: 'touting',
              description: o.content,
              phone: o.callerPhone,
              lang: 'zh-CN',
              channel: '12345',
              externalRef: o.orderNo,
              receivedAt: new Date(o.dispatchedAt),
              deadlines: { replyDueAt: new Date(o.dueAt) },
              actor: { type: 'feed', id: '12345' },
            },
          }),
        );
        times.push(performance.now() - t0);
      }
      naive = summarize(naiveOrders, performance.now() - started, times, cpu, cpuMark(database));
      log(`feed: naive createCase per order ${naive.ordersPerSecond} orders/s`);
    }

    const [rows] = await sql`
      SELECT (SELECT count(*) FROM cases WHERE channel = '12345')::int AS cases,
             (SELECT count(*) FROM case_events e JOIN cases c ON c.id = e.case_id WHERE c.channel = '12345')::int AS events,
             (SELECT count(*) FROM feed_orders)::int AS feed_orders`;
    return {
      name: `feed: ${total.toLocaleString('en')} 12345 orders in pushes of ${batchSize}`,
      target: TARGET,
      ordersPerSecond: sequential.ordersPerSecond,
      pass: sequential.ordersPerSecond >= TARGET,
      batchSize,
      passes: { new: sequential, parallel, repeat, ...(naive ? { naive } : {}) },
      rows: { cases: rows?.cases ?? 0, caseEvents: rows?.events ?? 0, feedOrders: rows?.feed_orders ?? 0 },
    };
  } finally {
    await sql.end({ timeout: 5 });
    await handle.close();
  }
}

async function main() {
  const adminUrl = process.env.BENCH_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const name = 'hotline_bench_feed';
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  const target = new URL(adminUrl);
  target.pathname = `/${name}`;
  try {
    await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.unsafe(`CREATE DATABASE ${name}`);
    const setup = connectPostgres(target.toString(), { max: 1 });
    await migrate(setup);
    await seedReference(setup.db);
    await setup.close();
    const result = await benchFeed({ databaseUrl: target.toString(), log: (m) => console.error(m) });
    console.log(JSON.stringify(result, null, 2));
  } finally {
    await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end({ timeout: 5 });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
