import postgres from 'postgres';
import { connectPostgres } from '../../db/client.ts';
import { migrate } from '../../db/migrate.ts';
import { seedReference } from '../../db/seed/index.ts';
import type { BenchOptions } from './options.ts';

/**
 * Drops and recreates the bench database through an admin connection, then
 * migrates and seeds it with the project's own migrate() and seedReference().
 * Nothing but the bench database is touched. It is left in place after the run
 * for inspection; the next run recreates it.
 */
export async function freshBenchDatabase(options: BenchOptions): Promise<{ serverVersion: string }> {
  const admin = postgres(options.adminUrl, { max: 1, onnotice: () => {}, connect_timeout: 5 });
  let serverVersion = '';
  try {
    const [row] = await admin`select current_setting('server_version') as v`;
    serverVersion = String(row?.v ?? '');
    await admin.unsafe(`DROP DATABASE IF EXISTS "${options.databaseName}" WITH (FORCE)`);
    await admin.unsafe(`CREATE DATABASE "${options.databaseName}"`);
  } finally {
    await admin.end({ timeout: 5 });
  }
  const handle = connectPostgres(options.databaseUrl, { max: 1 });
  try {
    await migrate(handle);
    await seedReference(handle.db);
  } finally {
    await handle.close();
  }
  return { serverVersion };
}

/** Row counts of the tables the benches write, for the report. */
export async function tableCounts(options: BenchOptions): Promise<Record<string, number>> {
  const sql = postgres(options.databaseUrl, { max: 1, onnotice: () => {} });
  try {
    const [row] = await sql`
      select (select count(*) from cases)::int as cases,
             (select count(*) from case_events)::int as case_events,
             (select count(*) from outbox)::int as outbox`;
    return { cases: row?.cases ?? 0, case_events: row?.case_events ?? 0, outbox: row?.outbox ?? 0 };
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/**
 * Lets the database settle between benches: VACUUM (ANALYZE) the bench database
 * and CHECKPOINT, so one bench's autovacuum, hint-bit and checkpoint work does
 * not land in the next bench's windows.
 */
export async function settle(options: BenchOptions): Promise<void> {
  const sql = postgres(options.databaseUrl, { max: 1, onnotice: () => {} });
  try {
    await sql.unsafe('VACUUM (ANALYZE)');
    await sql.unsafe('CHECKPOINT');
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/**
 * Fills the bench database with `n` older cases (each with its `created` event
 * and a sent SMS receipt), straight in SQL, then VACUUM (ANALYZE).
 *
 * Run before the servers connect. Starting from empty tables is not just
 * unrealistic, it distorts: PostgreSQL plans a backend's foreign-key checks
 * (`SELECT 1 FROM ONLY cases x WHERE id = $1 FOR KEY SHARE OF x`, run for every
 * case_events and outbox row) once and keeps the plan; planned against an
 * empty `cases` it is a sequential scan, and stays one while the table grows
 * — until autovacuum's ANALYZE invalidates it, which a short bench never waits for.
 * Tracking codes here are lower-case (`b000000001`), which the service never issues.
 */
export async function preloadCases(options: BenchOptions, n: number): Promise<void> {
  const sql = postgres(options.databaseUrl, { max: 1, onnotice: () => {} });
  try {
    if (n > 0) {
      await sql.begin(async (tx) => {
        await tx`
          INSERT INTO cases (tracking_code, station_id, channel, kind, category_id, description,
                             reporter_phone, reporter_phone4, status, received_at, ack_due_at,
                             contact_due_at, reply_due_at, created_at, updated_at)
          SELECT 'b' || lpad(g::text, 9, '0'),
                 (SELECT id FROM stations ORDER BY id LIMIT 1 OFFSET g % 3),
                 'web', 'complaint',
                 (SELECT id FROM categories ORDER BY id LIMIT 1 OFFSET g % 6),
                 'preloaded by tests/bench', '+86139' || lpad((g % 100000000)::text, 8, '0'),
                 lpad((g % 10000)::text, 4, '0'), 'closed',
                 now() - g * interval '1 minute', now() - g * interval '1 minute' + interval '1 hour',
                 now() - g * interval '1 minute' + interval '1 day', now() - g * interval '1 minute' + interval '5 days',
                 now() - g * interval '1 minute', now() - g * interval '1 minute'
          FROM generate_series(1, ${n}::int) AS g`;
        await tx`
          INSERT INTO case_events (case_id, type, at, actor_type, is_public, data)
          SELECT id, 'created', received_at, 'citizen', true, '{"channel":"web"}'::jsonb
          FROM cases WHERE tracking_code LIKE 'b%'`;
        await tx`
          INSERT INTO outbox (channel, recipient, template, lang, payload, idempotency_key, status, sent_at, next_attempt_at, case_id)
          SELECT 'sms', reporter_phone, 'receipt', 'zh-CN', jsonb_build_object('trackingCode', tracking_code),
                 'receipt:sms:' || id, 'sent', received_at, received_at, id
          FROM cases WHERE tracking_code LIKE 'b%'`;
      });
    }
    await sql.unsafe('VACUUM (ANALYZE)');
  } finally {
    await sql.end({ timeout: 5 });
  }
}
