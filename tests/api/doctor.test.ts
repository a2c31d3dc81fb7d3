import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { shanghaiDate } from '../../api/domain/deadlines/shanghai-time.ts';
import { connectPostgres, type DbHandle } from '../../db/client.ts';
import { migrate } from '../../db/migrate.ts';
import { openPglite } from '../../db/pglite.ts';
import { calendarDays } from '../../db/schema.ts';
import { seedReference } from '../../db/seed/index.ts';
import { rowsOf } from '../../db/statement.ts';
import { startFakeResend } from '../fakes/resend-api.ts';
import { startFakeTwilio } from '../fakes/twilio-api.ts';
import { useTestApp } from '../helpers/app.ts';
import { runScript } from '../helpers/child.ts';
import { onPostgres } from '../helpers/db.ts';

/*
 * `npm run doctor` as a child process against a database of this file's own
 * (an embedded one in a directory, or a fresh PostgreSQL database), the Twilio
 * and Resend fakes, and the service's own /api/health served on a local port.
 * The doctor reads the wall clock for "this year and next": the calendar rows
 * this file writes follow the same clock.
 */

/** The newest migration, as drizzle's journal names it: what "current" means today. */
const LATEST_MIGRATION = (JSON.parse(readFileSync(join(import.meta.dirname, '../../db/migrations/meta/_journal.json'), 'utf8')) as { entries: Array<{ tag: string }> }).entries.at(-1)!.tag;

const SID = 'AC00000000000000000000000000000099';
const TOKEN = 'doctor-auth-token-0123456789';
const KEY = 're_doctor_key_0123456789';
const dir = mkdtempSync(join(tmpdir(), 'hotline-doctor-'));
const service = useTestApp();
let twilio: Awaited<ReturnType<typeof startFakeTwilio>>;
let resend: Awaited<ReturnType<typeof startFakeResend>>;
let site: { url: string; close(): void };
/** The service on this machine's own non-loopback address (what a public address looks like), when it has one. */
const outsideAddress = Object.values(networkInterfaces())
  .flat()
  .find((i) => i && !i.internal && i.family === 'IPv4')?.address;
let outside: { url: string; close(): void } | undefined;
let database: Record<string, string>;
let dropDatabase: (() => Promise<void>) | undefined;

/** Opens the doctor's database in this process (closed again before the doctor runs: PGlite takes one process). */
async function withDatabase(fn: (h: DbHandle) => Promise<void>) {
  const h = database.DATABASE_URL ? connectPostgres(database.DATABASE_URL, { max: 1 }) : await openPglite({ dataDir: database.DATA_DIR! });
  try {
    await fn(h);
  } finally {
    await h.close();
  }
}

const thisYear = Number(shanghaiDate(new Date()).slice(0, 4));
/** Publishes (or takes back) a year's holidays as an import would. */
const publish = (year: number) =>
  withDatabase(
    async (h) =>
      void (await h.db
        .insert(calendarDays)
        .values({ day: `${year}-10-01`, kind: 'holiday', isWorkday: false, name: '国庆节' })
        .onConflictDoUpdate({ target: calendarDays.day, set: { kind: 'holiday', isWorkday: false } })),
  );
const unpublish = (year: number) =>
  withDatabase(
    async (h) =>
      void (await h.db.execute(
        sql`update calendar_days set kind = case when extract(isodow from day) >= 6 then 'weekend'::day_kind else 'workday'::day_kind end, is_workday = extract(isodow from day) < 6 where extract(year from day) = ${year}`,
      )),
  );

beforeAll(async () => {
  twilio = await startFakeTwilio(SID, TOKEN);
  resend = await startFakeResend(KEY, {
    domains: [
      { name: 'office.example.org', status: 'verified' },
      { name: 'new.example.org', status: 'pending' },
    ],
  });
  const server = serve({ fetch: service.app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const address = server.address();
  site = { url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`, close: () => server.close() };
  if (outsideAddress) {
    const other = serve({ fetch: service.app.fetch, port: 0, hostname: outsideAddress });
    await new Promise<void>((resolve) => other.once('listening', () => resolve()));
    const a = other.address();
    outside = { url: `http://${outsideAddress}:${typeof a === 'object' && a ? a.port : 0}`, close: () => other.close() };
  }

  if (onPostgres()) {
    const url = inject('databaseUrl');
    const name = `hotline_doctor_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
    const admin = connectPostgres(url, { max: 1 });
    await admin.db.execute(sql.raw(`CREATE DATABASE ${name}`));
    const target = new URL(url);
    target.pathname = `/${name}`;
    database = { DATABASE_URL: target.toString() };
    dropDatabase = async () => {
      await admin.db.execute(sql.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
      await admin.close();
    };
  } else {
    database = { DATA_DIR: join(dir, 'data') };
  }
  await withDatabase(async (h) => {
    await migrate(h);
    await seedReference(h.db);
  });
  await publish(thisYear);
  await publish(thisYear + 1);
}, 300_000);

afterAll(async () => {
  site?.close();
  outside?.close();
  await twilio?.close();
  await resend?.close();
  await dropDatabase?.();
  rmSync(dir, { recursive: true, force: true });
});

const healthy = () => ({
  ...database,
  TWILIO_ACCOUNT_SID: SID,
  TWILIO_AUTH_TOKEN: TOKEN,
  TWILIO_FROM: '+15005550006',
  TWILIO_API_BASE_URL: twilio.url,
  RESEND_API_KEY: KEY,
  RESEND_FROM: 'Station office <hotline@office.example.org>',
  RESEND_BASE_URL: resend.url,
  PROVIDER_TIMEOUT_MS: '20000',
});

async function doctor(env: Record<string, string | undefined>) {
  const run = await runScript('workers/doctor.ts', [], env);
  const checks = Object.fromEntries(
    run.stdout
      .split('\n')
      .map((l) => /^(ok|FAIL|skip)\s+(\S+(?: \S+)?)\s{2,}(.*)$/.exec(l) ?? /^(ok|FAIL|skip)\s+(\S+(?: \S+)?)\s+(.*)$/.exec(l))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => [m[2]!.trim(), { verdict: m[1], detail: m[3] }]),
  ) as Record<string, { verdict: string; detail: string }>;
  return { ...run, checks };
}

describe('npm run doctor', () => {
  it.skipIf(!outsideAddress)('passes a healthy deployment, one line per check, with no secret printed', { timeout: 300_000 }, async () => {
    const run = await doctor({ ...healthy(), PUBLIC_BASE_URL: outside!.url });
    expect(run.stderr).toBe('');
    expect(run.checks).toEqual({
      settings: { verdict: 'ok', detail: 'the environment parses' },
      database: expect.objectContaining({ verdict: 'ok' }),
      migrations: { verdict: 'ok', detail: `current (${LATEST_MIGRATION})` },
      calendar: { verdict: 'ok', detail: expect.stringContaining(`${thisYear}, ${thisYear + 1}`) },
      twilio: { verdict: 'ok', detail: 'credentials accepted (account active)' },
      resend: { verdict: 'ok', detail: 'key accepted; office.example.org verified' },
      '12345 feed': { verdict: 'skip', detail: 'not configured' },
      'public address': { verdict: 'ok', detail: `${outside!.url}/api/health answers` },
    });
    expect(run.code).toBe(0);
    expect(run.stdout).not.toContain(TOKEN);
    expect(run.stdout).not.toContain(KEY);
  });

  it('refuses a loopback PUBLIC_BASE_URL when providers are configured, naming it', { timeout: 300_000 }, async () => {
    const run = await doctor({ ...healthy(), PUBLIC_BASE_URL: site.url });
    expect(run.checks['public address']?.verdict).toBe('FAIL');
    expect(run.checks['public address']?.detail).toContain('PUBLIC_BASE_URL');
    expect(run.code).toBe(1);
  });

  it('accepts a public address that answers /api/health, and everything else in order', { timeout: 300_000 }, async () => {
    // No providers: then a loopback address is the demo's and the doctor checks the health answer there.
    const bare = await doctor({ ...database, PUBLIC_BASE_URL: site.url });
    expect(bare.stderr).toBe('');
    expect(bare.checks).toMatchObject({
      settings: { verdict: 'ok' },
      database: { verdict: 'ok' },
      migrations: { verdict: 'ok' },
      calendar: { verdict: 'ok' },
      twilio: { verdict: 'skip' },
      resend: { verdict: 'skip' },
      '12345 feed': { verdict: 'skip' },
      'public address': { verdict: 'ok' },
    });
    expect(bare.code).toBe(0);
    expect(bare.stdout).toContain('All checks passed.');
  });

  it('checks the providers’ credentials with read-only calls', { timeout: 300_000 }, async () => {
    const sendsBefore = twilio.messages().length + resend.emails().length;
    const good = await doctor({ ...healthy(), PUBLIC_BASE_URL: 'https://hotline.invalid' });
    expect(good.checks.twilio).toEqual({ verdict: 'ok', detail: 'credentials accepted (account active)' });
    expect(good.checks.resend).toEqual({ verdict: 'ok', detail: 'key accepted; office.example.org verified' });
    // An address nobody answers at fails, and so does the run.
    expect(good.checks['public address']?.verdict).toBe('FAIL');
    expect(good.code).toBe(1);
    // Read-only: nothing sent; and the account resource's auth token never reaches the output.
    expect(twilio.messages().length + resend.emails().length).toBe(sendsBefore);
    expect(twilio.requests.filter((r) => r.method !== 'GET')).toEqual([]);
    expect(good.stdout).not.toContain(TOKEN);
    expect(good.stdout).not.toContain(KEY);

    const refused = await doctor({ ...healthy(), TWILIO_AUTH_TOKEN: 'wrong-token', RESEND_API_KEY: 're_wrong', PUBLIC_BASE_URL: 'https://hotline.invalid' });
    expect(refused.checks.twilio?.verdict).toBe('FAIL');
    expect(refused.checks.twilio?.detail).toContain('credentials refused (HTTP 401, error 20003)');
    expect(refused.checks.resend?.verdict).toBe('FAIL');
    expect(refused.checks.resend?.detail).toContain('key refused (HTTP 403, invalid_api_key)');
    expect(refused.code).toBe(1);

    const unverified = await doctor({ ...healthy(), RESEND_FROM: 'hotline@new.example.org', PUBLIC_BASE_URL: 'https://hotline.invalid' });
    expect(unverified.checks.resend).toEqual({ verdict: 'FAIL', detail: 'key accepted, but new.example.org is pending, not verified' });
  });

  it('takes a sending-only Resend key as good, as Resend answers it', { timeout: 300_000 }, async () => {
    const sendingOnly = await startFakeResend(KEY, { sendingOnly: true });
    try {
      const run = await doctor({ ...healthy(), RESEND_BASE_URL: sendingOnly.url, PUBLIC_BASE_URL: 'https://hotline.invalid' });
      expect(run.checks.resend?.verdict).toBe('ok');
      expect(run.checks.resend?.detail).toContain('sending access only');
    } finally {
      await sendingOnly.close();
    }
  });

  it('fails on a calendar not published through next year and on migrations not applied', { timeout: 300_000 }, async () => {
    await unpublish(thisYear + 1);
    let applied: Array<{ hash: string; created_at: string | number }> = [];
    await withDatabase(async (h) => {
      applied = rowsOf(await h.db.execute(sql`delete from drizzle.__drizzle_migrations where created_at = (select max(created_at) from drizzle.__drizzle_migrations) returning *`));
    });
    try {
      const run = await doctor({ ...database });
      expect(run.checks.calendar?.verdict).toBe('FAIL');
      expect(run.checks.calendar?.detail).toContain(`holidays not published for ${thisYear + 1}`);
      expect(run.checks.migrations?.verdict).toBe('FAIL');
      expect(run.checks.migrations?.detail).toBe(`1 not applied: ${LATEST_MIGRATION} (run npm run db:migrate)`);
      expect(run.code).toBe(1);
    } finally {
      await publish(thisYear + 1);
      await withDatabase(async (h) => {
        for (const r of applied) await h.db.execute(sql`insert into drizzle.__drizzle_migrations (hash, created_at) values (${r.hash}, ${r.created_at})`);
      });
    }
  });

  it('fails when there is no database', { timeout: 300_000 }, async () => {
    const run = await doctor({ DATA_DIR: join(dir, 'nothing-here') });
    expect(run.checks.database?.verdict).toBe('FAIL');
    expect(run.checks.database?.detail).toContain('npm run db:migrate');
    expect(run.code).toBe(1);
  });
});
