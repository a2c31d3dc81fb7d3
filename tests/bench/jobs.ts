import postgres from 'postgres';
import { loadConfig } from '../../api/config.ts';
import type { Ctx } from '../../api/context.ts';
import { sweepDeadlines } from '../../api/domain/deadlines/sweep.ts';
import { deliverOutbox } from '../../api/domain/outbox/deliver.ts';
import { providersFor } from '../../api/domain/outbox/providers.ts';
import { createReferenceCache } from '../../api/domain/reference.ts';
import { createLogger } from '../../api/logger.ts';
import { connectPostgres } from '../../db/client.ts';
import { migrate } from '../../db/migrate.ts';
import { seedReference } from '../../db/seed/index.ts';
import { startFakeResend } from '../fakes/resend-api.ts';
import { startFakeTwilio } from '../fakes/twilio-api.ts';
import type { Summary } from './load.ts';
import type { BenchOptions } from './options.ts';
import type { BenchOutcome } from './report.ts';

/*
 * The background jobs, measured in process against their own scratch
 * databases (created and dropped here): the deadline sweep over a million open
 * cases and outbox delivery to local fakes of Twilio and Resend.
 */

async function scratchDatabase(options: BenchOptions, name: string) {
  const admin = postgres(options.adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.unsafe(`CREATE DATABASE "${name}"`);
  const url = new URL(options.adminUrl);
  url.pathname = `/${name}`;
  const handle = connectPostgres(url.toString(), { max: 4 });
  await migrate(handle);
  await seedReference(handle.db);
  return {
    url: url.toString(),
    handle,
    async drop() {
      await handle.close();
      await admin.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.end({ timeout: 5 });
    },
  };
}

function jobCtx(handle: ReturnType<typeof connectPostgres>, now: Date, env: Record<string, string> = {}): Ctx {
  return {
    db: handle.db,
    clock: { now: () => now },
    config: loadConfig({ LOG_LEVEL: 'silent', ...env }),
    logger: createLogger('silent'),
    reference: createReferenceCache(),
    requestId: 'bench',
    lang: 'zh-CN',
  };
}

function jobRow(count: number, seconds: number, p50Ms: number): BenchOutcome['rows'][number] {
  const summary: Summary = {
    requests: count,
    errors: 0,
    badStatus: 0,
    failed: 0,
    seconds,
    rps: count / seconds,
    p50Ms,
    p90Ms: p50Ms,
    p99Ms: p50Ms,
    maxMs: p50Ms,
    errorSamples: [],
    statusCounts: {},
  };
  return { server: 'service', summary, serverCpuUsPerReq: null, pgCpuUsPerReq: null, otherCpuUsPerReq: null, machineBusyPct: null, clientCpuUsPerReq: null, pg: null };
}

/**
 * Sweeps over 1,000,000 open cases (BENCH_SWEEP_CASES). The sweep runs every
 * minute, so the headline is a minute's work: 500 cases (0.05 %) whose clocks
 * warn or have passed — at city scale (a million open cases, three clocks each
 * over about ten days) about 200 fall due per minute. Then a backlog: half an
 * hour later 4,500 more are due at once, as after an outage. The sweep must
 * find them through its index, not read the million. Target: under 1 s.
 */
export async function benchSweep(options: BenchOptions, log: (m: string) => void): Promise<BenchOutcome> {
  const total = Number(process.env.BENCH_SWEEP_CASES ?? 1_000_000);
  const db = await scratchDatabase(options, `${options.databaseName}_sweep`);
  const sql = postgres(db.url, { max: 1, onnotice: () => {} });
  try {
    const now = new Date('2026-06-15T10:00:00+08:00');
    log(`sweep: writing ${total.toLocaleString('en-US')} open cases`);
    const started = performance.now();
    // Received over the past 10 days; clocks a few days long. next_alert_at is what the
    // sweep reads: 0.5 % of cases are due now, the rest later.
    for (let from = 0; from < total; from += 200_000) {
      const to = Math.min(total, from + 200_000);
      await sql.unsafe(
        `
        INSERT INTO cases (id, tracking_code, station_id, channel, kind, category_id, location_id, description,
          reporter_phone, reporter_phone4, priority, status, received_at, ack_due_at, contact_due_at, reply_due_at,
          next_due_at, reply_started_at, next_alert_at, acknowledged_at, contacted_at, lead_department_id)
        SELECT gen_random_uuid(), 'B' || lpad(i::text, 9, '0'), 1 + i % 3, 'web', 'complaint', 1 + i % 12, NULL, '出站口有人拉客',
          '+86139' || lpad((i % 100000000)::text, 8, '0'), lpad((i % 10000)::text, 4, '0'), 'normal',
          'in_progress', r, r + interval '2 hours', r + interval '24 hours',
          -- The due ones have a one-day reply clock: most of them have passed it (escalation), the rest warn.
          CASE WHEN i % 200 = 0 THEN r + interval '1 day' ELSE r + interval '14 days' END,
          CASE WHEN i % 200 = 0 THEN r + interval '1 day' ELSE r + interval '14 days' END, r,
          CASE WHEN i % 2000 = 0 THEN $1::timestamptz - interval '1 minute'
               WHEN i % 200 = 0 THEN $1::timestamptz + interval '30 minutes'
               ELSE $1::timestamptz + ((60 + i % 5000) || ' minutes')::interval END,
          r + interval '1 hour', r + interval '3 hours', 1
        FROM (SELECT i, $1::timestamptz - ((i % 14400) || ' minutes')::interval AS r FROM generate_series(${from}, ${to - 1}) AS i) s`,
        [now.toISOString()],
      );
      log(`sweep: ${to.toLocaleString('en-US')} cases`);
    }
    // Two supervisors, so that the escalations are mailed: one digest to each per sweep.
    await sql.unsafe(`INSERT INTO staff_users (email, name, role, password_hash) VALUES
      ('sup1@office.test', '督办一', 'supervisor', 'x'), ('sup2@office.test', '督办二', 'supervisor', 'x')`);
    await sql.unsafe('ANALYZE cases');
    log(`sweep: seeded in ${((performance.now() - started) / 1000).toFixed(1)} s; sweeping`);
    const ctx = jobCtx(db.handle, now);
    const t0 = performance.now();
    const result = await sweepDeadlines(ctx);
    const seconds = (performance.now() - t0) / 1000;
    const second = performance.now();
    const again = await sweepDeadlines(ctx);
    const idleMs = performance.now() - second;
    const later = new Date(now.getTime() + 31 * 60_000);
    const t2 = performance.now();
    const backlog = await sweepDeadlines(jobCtx(db.handle, later));
    const backlogSeconds = (performance.now() - t2) / 1000;
    return {
      id: 'sweep',
      title: `one deadline sweep over ${total.toLocaleString('en-US')} open cases (a minute's work: 0.05 % due)`,
      rows: [jobRow(result.examined, seconds, seconds * 1000)],
      target: 1,
      verdict: seconds < 1 ? 'PASS' : 'BELOW',
      notes: [
        `sweep took ${(seconds * 1000).toFixed(0)} ms: examined ${result.examined}, warnings ${result.warnings}, escalations ${result.escalations} (each a timeline event and a line in both supervisors' digests), red ${result.red}, digest emails ${result.digests} (req/s column = cases examined per second)`,
        `a second sweep right after found ${again.examined} due cases in ${idleMs.toFixed(0)} ms (nothing is warned twice)`,
        `backlog (after a 30-minute outage): ${backlog.examined} due, ${backlog.warnings} warnings, ${backlog.escalations} escalations, ${backlog.digests} digest emails in ${(backlogSeconds * 1000).toFixed(0)} ms`,
        'target: under 1 s',
      ],
    };
  } finally {
    await sql.end({ timeout: 5 });
    await db.drop();
  }
}

/** Delivery of 10,000 outbox rows (SMS and email) to local fakes of Twilio and Resend. Target ≥ 1,000 rows/s. */
export async function benchDelivery(options: BenchOptions, log: (m: string) => void): Promise<BenchOutcome> {
  const total = Number(process.env.BENCH_DELIVERY_ROWS ?? 10_000);
  const db = await scratchDatabase(options, `${options.databaseName}_delivery`);
  const sql = postgres(db.url, { max: 1, onnotice: () => {} });
  const twilio = await startFakeTwilio('ACbench', 'bench-token');
  const resend = await startFakeResend('re_bench');
  try {
    const now = new Date();
    await sql.unsafe(
      `
      INSERT INTO outbox (channel, recipient, template, lang, payload, idempotency_key, next_attempt_at)
      SELECT CASE WHEN i % 4 = 0 THEN 'email'::outbox_channel ELSE 'sms'::outbox_channel END,
             CASE WHEN i % 4 = 0 THEN 'c' || i || '@example.com' ELSE '+86139' || lpad(i::text, 8, '0') END,
             'receipt', 'zh-CN', jsonb_build_object('trackingCode', 'K7M2QX9PRT', 'replyDueAt', '2026-12-05T00:00:00Z'),
             'bench:' || i, $1::timestamptz
      FROM generate_series(1, ${total}) AS i`,
      [now.toISOString()],
    );
    const ctx = jobCtx(db.handle, now, {
      TWILIO_ACCOUNT_SID: 'ACbench',
      TWILIO_AUTH_TOKEN: 'bench-token',
      TWILIO_FROM: '+15005550006',
      TWILIO_API_BASE_URL: twilio.url,
      RESEND_API_KEY: 're_bench',
      RESEND_FROM: 'hotline@office.test',
      RESEND_BASE_URL: resend.url,
    });
    log(`delivery: ${total} rows queued; delivering`);
    const t0 = performance.now();
    const result = await deliverOutbox(ctx, providersFor(ctx.config), { maxBatches: 1000 });
    const seconds = (performance.now() - t0) / 1000;
    const rps = result.sent / seconds;
    return {
      id: 'delivery',
      title: `outbox delivery of ${total.toLocaleString('en-US')} rows to local Twilio and Resend fakes`,
      rows: [jobRow(result.sent, seconds, (seconds * 1000) / Math.max(1, result.sent))],
      target: 1000,
      verdict: rps >= 1000 && result.sent === total ? 'PASS' : 'BELOW',
      notes: [
        `sent ${result.sent}, failed ${result.failed}, dead ${result.dead} in ${seconds.toFixed(2)} s = ${rps.toFixed(0)} rows/s (target ≥ 1,000); fakes received ${twilio.uniqueSent()} SMS and ${resend.uniqueSent()} emails`,
      ],
    };
  } finally {
    await twilio.close();
    await resend.close();
    await sql.end({ timeout: 5 });
    await db.drop();
  }
}
