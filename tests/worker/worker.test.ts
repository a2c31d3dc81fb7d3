import { createExecutionContext, createMessageBatch, createScheduledController, getQueueResult, waitOnExecutionContext } from 'cloudflare:test';
import { env, exports } from 'cloudflare:workers';
import { and, eq, gte, inArray, sql } from 'drizzle-orm';
import { describe, expect, inject, it, vi } from 'vitest';
import { type Ctx, systemClock } from '../../api/context.ts';
import { silentLogger } from '../../api/logger.ts';
import { connectPostgres, type Db } from '../../db/client.ts';
import { caseAlerts, caseEvents, cases, feedOrders, jobRuns, outbox, rateLimits } from '../../db/schema.ts';
import { runScheduledJobs } from '../../workers/jobs/index.ts';
import worker, { type WorkerEnv } from '../../workers/worker.ts';
import { WORKER_TEST_ENV } from './env.ts';

/**
 * The Worker as Cloudflare runs it: workerd, wrangler.toml's bindings (Hyperdrive,
 * the outbox queue, the Rate Limiting bindings, the cron) and the machine's
 * PostgreSQL behind the Hyperdrive binding. Requests go through the real default
 * export (exports.default), not through createApp directly; what they did is read
 * back from the database.
 */
// Without a PostgreSQL server the database tests skip; global-setup.ts prints why.
const { skipReason, hyperdriveUrl, fixtures } = inject('workerDatabase');

const BASE = 'http://hotline.test';
const call = (path: string, init?: RequestInit) => exports.default.fetch(new Request(`${BASE}${path}`, { redirect: 'manual', ...init }));

/** A client address of this run's own: budgets (the bindings', the database's) never meet another run's. */
const runTag = crypto.randomUUID().slice(0, 4);
let addressCount = 0;
const address = () => `2001:db8:${runTag}::${(addressCount++).toString(16)}`;

/**
 * Distinct mainland mobiles without the wall clock: a random block of 10,000 per
 * run (workerd has no process ids to key on), walked by a counter, so reruns on a
 * shared database rarely meet and two calls in one run never do.
 */
const phoneBlock = crypto.getRandomValues(new Uint32Array(1))[0]! % 10_000;
let phoneCount = 0;
function uniquePhone(): string {
  return `139${String(phoneBlock).padStart(4, '0')}${String(phoneCount++).padStart(4, '0')}`;
}

/** The test's own look at the database, through the same Hyperdrive binding (never closed: workerd drops it). */
let database: Db | undefined;
const db = () => (database ??= connectPostgres((env as WorkerEnv).HYPERDRIVE.connectionString, { max: 1, prepare: false, fetchTypes: false }).db);

/**
 * A 12345 push signed as the platform signs it (t=<seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">),
 * at the moment it is sent: the feed refuses a signature older than five minutes, and on a
 * slow run the Worker tests start well after the global setup.
 */
async function platformSignature(body: string): Promise<string> {
  const t = Math.floor(Date.now() / 1000);
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(WORKER_TEST_ENV.FEED_12345_SECRET), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(`${t}.${body}`)));
  return `t=${t},v1=${Array.from(mac, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

async function fileCase(overrides: Record<string, string> = {}) {
  const phone = uniquePhone();
  const res = await call('/api/cases', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'cf-connecting-ip': address() },
    body: JSON.stringify({ station: 'TJ', kind: 'complaint', category: 'illegal_taxi', description: `前广场出站口有人拉客 (worker ${crypto.randomUUID()})`, phone, ...overrides }),
  });
  expect(res.status).toBe(201);
  const { trackingCode } = (await res.json()) as { trackingCode: string };
  const [row] = await db().select({ id: cases.id, version: cases.version }).from(cases).where(eq(cases.trackingCode, trackingCode));
  return { trackingCode, phone, id: row!.id, version: row!.version };
}

describe.skipIf(Boolean(skipReason))('worker on PostgreSQL via Hyperdrive', () => {
  it('points Hyperdrive at the database global-setup migrated', () => {
    const { HYPERDRIVE } = env as WorkerEnv;
    expect(HYPERDRIVE.database).toBe(new URL(hyperdriveUrl).pathname.slice(1));
  });

  it('answers health with the database reachable', async () => {
    const res = await call('/api/health');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', db: 'ok' });
  });

  it('renders a page on the server (SSR bundle, data from the database through the app)', async () => {
    const res = await call('/report', { headers: { 'cf-connecting-ip': address() } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    const html = await res.text();
    expect(html).toMatch(/<html[^>]+lang="zh-CN"/);
    // The station list comes from the database (api /api/meta), not from the bundle.
    expect(html).toContain('天津站');
  });

  it('serves the fingerprinted site files as immutable (site/public/_headers)', async () => {
    // A file the page itself links to (the build names it by its content).
    const html = await (await call('/report', { headers: { 'cf-connecting-ip': address() } })).text();
    const asset = /\/_astro\/[^"'\s)]+\.(?:js|css)/.exec(html)?.[0];
    expect(asset).toBeDefined();
    // Through the assets binding: Cloudflare's asset server, which reads _headers (exports.default
    // is the Worker's own fetch, which static files never reach in production).
    const assets = (env as WorkerEnv).ASSETS;
    const res = await assets.fetch(`${BASE}${asset}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const page = await assets.fetch(`${BASE}/favicon.svg`);
    expect(page.status).toBe(200);
    expect(page.headers.get('cache-control')).not.toContain('immutable');
  });

  it('files a case as JSON and shows it without personal data', async () => {
    const name = 'Worker Testperson';
    const email = 'worker.test@example.com';
    const { trackingCode, phone } = await fileCase({ name, email });
    const found = await call(`/api/cases/${trackingCode}?phone4=${phone.slice(-4)}`, { headers: { 'cf-connecting-ip': address() } });
    expect(found.status).toBe(200);
    const text = await found.text();
    expect(JSON.parse(text)).toMatchObject({ trackingCode, status: 'new' });
    for (const secret of [phone, phone.slice(-8), name, email]) expect(text).not.toContain(secret);
    expect(text).not.toMatch(/"(phone|email|reporter\w*)"\s*:/i);
  });

  it('redirects a form post to the receipt page', async () => {
    const res = await call('/api/cases', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'cf-connecting-ip': address() },
      body: new URLSearchParams({ station: 'TJ', kind: 'complaint', category: 'touting', description: '出站口拉客 (worker form test)', phone: uniquePhone() }).toString(),
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toMatch(/^\/report\/done\?code=[A-Z0-9]+$/);
  });

  it('signs a member of staff in and runs a verb: the case and its timeline change in the database', async () => {
    const filed = await fileCase();
    const signedIn = await call('/api/staff/session', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'cf-connecting-ip': address() },
      body: JSON.stringify({ email: fixtures!.staff.email, password: fixtures!.staff.password }),
    });
    expect(signedIn.status).toBe(200);
    const cookie = (signedIn.headers.get('set-cookie') ?? '').split(';')[0]!;
    const { csrfToken } = (await signedIn.json()) as { csrfToken: string };
    expect(cookie).toMatch(/=.+/);

    const assigned = await call(`/api/staff/cases/${filed.id}/assign`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrfToken },
      body: JSON.stringify({ version: filed.version, leadDepartment: 'enf1' }),
    });
    expect(assigned.status).toBe(200);
    expect(assigned.headers.get('cache-control')).toBe('no-store');
    const [row] = await db().select({ status: cases.status, version: cases.version }).from(cases).where(eq(cases.id, filed.id));
    expect(row).toEqual({ status: 'assigned', version: filed.version + 1 });
    const events = await db()
      .select({ type: caseEvents.type })
      .from(caseEvents)
      .where(and(eq(caseEvents.caseId, filed.id), eq(caseEvents.type, 'assigned')));
    expect(events).toHaveLength(1);

    // The same session without its CSRF token changes nothing.
    const forged = await call(`/api/staff/cases/${filed.id}/note`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie },
      body: JSON.stringify({ version: filed.version + 1, text: 'no token' }),
    });
    expect(forged.status).toBe(403);
  });

  it('takes a Twilio SMS signed by the twilio package and files it as a case, answering in TwiML', async () => {
    const { params, signature } = fixtures!.twilioSms;
    const res = await call('/webhooks/twilio/sms', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
      body: new URLSearchParams(params).toString(),
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/<Response><Message>已受理，查询码[A-Z2-9]{5}-[A-Z2-9]{5}/);
    const filed = await db().select({ channel: cases.channel, description: cases.description }).from(cases).where(eq(cases.reporterPhone, params.From!));
    expect(filed).toEqual([{ channel: 'sms', description: params.Body }]);

    // A signature for other parameters is refused, and files nothing.
    const tampered = await call('/webhooks/twilio/sms', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
      body: new URLSearchParams({ ...params, MessageSid: `${params.MessageSid}X`, Body: '改过的内容' }).toString(),
    });
    expect(tampered.status).toBe(403);
    expect(await db().select().from(cases).where(eq(cases.reporterPhone, params.From!))).toHaveLength(1);
  });

  it('takes a signed 12345 order push and makes a 12345 case of it', async () => {
    const { body, orderNo } = fixtures!.feedPush;
    const res = await call('/feeds/12345/orders', { method: 'POST', headers: { 'content-type': 'application/json', 'x-signature': await platformSignature(body) }, body });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ counts: { created: 1 } });
    const [order] = await db().select({ caseId: feedOrders.caseId }).from(feedOrders).where(eq(feedOrders.orderNo, orderNo));
    const [row] = await db().select({ channel: cases.channel }).from(cases).where(eq(cases.id, order!.caseId));
    expect(row).toEqual({ channel: '12345' });

    const unsigned = await call('/feeds/12345/orders', { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(unsigned.status).toBe(401);
  });

  it('nudges the outbox queue after a filing, and its consumer delivers the receipt', async () => {
    const filed = await fileCase();
    // Nothing else delivers here: no cron runs by itself in the tests. The queue (batch timeout 1 s) does.
    await vi.waitFor(
      async () => {
        const rows = await db().select({ status: outbox.status, provider: outbox.provider }).from(outbox).where(eq(outbox.caseId, filed.id));
        expect(rows.length).toBeGreaterThan(0);
        expect(rows.every((r) => r.status === 'sent' && r.provider === 'local')).toBe(true);
      },
      { timeout: 20_000, interval: 250 },
    );
  });

  it('consumes a batch of nudges in one delivery pass and acks every message', async () => {
    const filed = await fileCase();
    const ofCase = eq(outbox.caseId, filed.id);
    // Let the nudge the filing sent be consumed, then make the rows due again, for this batch alone.
    await vi.waitFor(async () => expect((await db().select({ status: outbox.status }).from(outbox).where(ofCase)).every((r) => r.status === 'sent')).toBe(true), {
      timeout: 20_000,
      interval: 250,
    });
    const before = await db().select({ id: outbox.id, attempts: outbox.attempts }).from(outbox).where(ofCase);
    await db().update(outbox).set({ status: 'pending', provider: null, sentAt: null, nextAttemptAt: sql`now()` }).where(ofCase);

    const ctx = createExecutionContext();
    const batch = createMessageBatch('station-hotline-outbox', [
      { id: 'm1', timestamp: Date.now(), attempts: 1, body: { kick: 1 } },
      { id: 'm2', timestamp: Date.now(), attempts: 1, body: { kick: 2 } },
    ]);
    await worker.queue(batch, env as WorkerEnv, ctx);
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks.sort()).toEqual(['m1', 'm2']);
    expect(result.retryMessages).toEqual([]);
    const after = await db().select({ id: outbox.id, status: outbox.status, provider: outbox.provider, attempts: outbox.attempts }).from(outbox).where(ofCase);
    expect(after.sort((a, b) => a.id - b.id)).toEqual(before.sort((a, b) => a.id - b.id).map((r) => ({ id: r.id, status: 'sent', provider: 'local', attempts: r.attempts + 1 })));
  });

  it('runs the cron: the deadline sweep escalates an overdue case, and every job notes its run', async () => {
    const filed = await fileCase();
    const past = sql`now() - interval '2 hours'`;
    await db().update(cases).set({ ackDueAt: past, nextAlertAt: sql`now() - interval '1 minute'` }).where(eq(cases.id, filed.id));
    const started = new Date(Date.now() - 1000);
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ cron: '* * * * *', scheduledTime: Date.now() }), env as WorkerEnv, ctx);
    await waitOnExecutionContext(ctx);

    const alerts = await db().select({ kind: caseAlerts.kind }).from(caseAlerts).where(eq(caseAlerts.caseId, filed.id));
    expect(alerts.map((a) => a.kind)).toContain('escalation');
    const [row] = await db().select({ overdue: cases.overdue }).from(cases).where(eq(cases.id, filed.id));
    expect(row!.overdue).toBe(true);
    const runs = await db()
      .select({ job: jobRuns.job, ok: jobRuns.ok })
      .from(jobRuns)
      .where(and(inArray(jobRuns.job, ['deadline-sweep', 'outbox-delivery']), gte(jobRuns.finishedAt, started)));
    expect(runs.sort((a, b) => a.job.localeCompare(b.job))).toEqual([
      { job: 'deadline-sweep', ok: true },
      { job: 'outbox-delivery', ok: true },
    ]);
  });

  it('limits status lookups on the Rate Limiting binding, not in the database', async () => {
    const client = address();
    const statuses: number[] = [];
    // wrangler.toml: 10 a minute. A minute's turn can fall inside the run and start a new count once.
    for (let i = 0; i < 21 && !statuses.includes(429); i++) {
      statuses.push((await call(`/api/cases/ABCDEFGHJK?phone4=${String(i).padStart(4, '0')}`, { headers: { 'cf-connecting-ip': client } })).status);
    }
    const allowed = statuses.indexOf(429);
    expect(allowed).toBeGreaterThanOrEqual(10);
    expect(allowed).toBeLessThanOrEqual(20);
    expect(new Set(statuses.slice(0, allowed))).toEqual(new Set([404]));
    const refused = await call('/api/cases/ABCDEFGHJK?phone4=9999', { headers: { 'cf-connecting-ip': client } });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('60');
    expect(await db().select().from(rateLimits).where(eq(rateLimits.key, client))).toEqual([]);
  });

  it('limits sign-in attempts on the Rate Limiting binding, and the intake in the database', async () => {
    const client = address();
    const statuses: number[] = [];
    // wrangler.toml: 5 a minute.
    for (let i = 0; i < 11 && !statuses.includes(429); i++) {
      const res = await call('/api/staff/session', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'cf-connecting-ip': client },
        body: JSON.stringify({ email: `nobody-${crypto.randomUUID()}@office.test`, password: 'not the password' }),
      });
      statuses.push(res.status);
    }
    const allowed = statuses.indexOf(429);
    expect(allowed).toBeGreaterThanOrEqual(5);
    expect(allowed).toBeLessThanOrEqual(10);
    expect(new Set(statuses.slice(0, allowed))).toEqual(new Set([401]));

    // The intake's hourly budget has no binding: its bucket is a row in rate_limits.
    const res = await call('/api/cases', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'cf-connecting-ip': client },
      body: JSON.stringify({ station: 'TJ', kind: 'complaint', category: 'touting', description: '出站口拉客 (worker limits)', phone: uniquePhone() }),
    });
    expect(res.status).toBe(201);
    const buckets = await db().select({ name: rateLimits.name }).from(rateLimits).where(eq(rateLimits.key, client));
    expect(buckets).toEqual([{ name: 'intake' }]);
  });

  it('answers 503 when the database is down: health, a lookup, a filing', async () => {
    // The same Worker, its Hyperdrive pointing at a port where no database listens.
    const down = { ...(env as WorkerEnv), HYPERDRIVE: { connectionString: 'postgres://postgres:hotline@127.0.0.1:9/none' } } as unknown as WorkerEnv;
    const send = async (path: string, init?: RequestInit) => {
      const ctx = createExecutionContext();
      const res = await worker.fetch(new Request(`${BASE}${path}`, init), down, ctx);
      await waitOnExecutionContext(ctx);
      return res;
    };
    const health = await send('/api/health');
    const lookup = await send('/api/cases/ABCDEFGHJK?phone4=1234', { headers: { 'cf-connecting-ip': address() } });
    const filing = await send('/api/cases', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'cf-connecting-ip': address() },
      body: JSON.stringify({ station: 'TJ', kind: 'complaint', category: 'touting', description: '数据库断开 (worker test)', phone: uniquePhone() }),
    });
    const answers = await Promise.all([health, lookup, filing].map(async (res) => ({ status: res.status, body: await res.json() })));
    expect(answers).toEqual([
      { status: 503, body: { status: 'unavailable', db: 'unreachable' } },
      { status: 503, body: { error: expect.objectContaining({ code: 'unavailable' }) } },
      { status: 503, body: { error: expect.objectContaining({ code: 'unavailable' }) } },
    ]);
  });
});

// The registry itself needs no database: it is plain code shared with Node.
describe('job registry', () => {
  const ctx = { logger: silentLogger, clock: systemClock, requestId: 'test' } as Ctx;

  it('runs the jobs due on a cron, and the rest even when one fails', async () => {
    const ran: string[] = [];
    const registry = {
      sweep: { run: async () => void ran.push('sweep') },
      broken: { run: async () => Promise.reject(new Error('boom')) },
      nightly: { crons: ['0 3 * * *'], run: async () => void ran.push('nightly') },
      outbox: { crons: ['* * * * *'], run: async () => void ran.push('outbox') },
    };
    await expect(runScheduledJobs(ctx, '* * * * *', registry)).rejects.toThrow(AggregateError);
    expect(ran).toEqual(['sweep', 'outbox']);
    expect(await runScheduledJobs(ctx, '0 3 * * *', { nightly: registry.nightly })).toEqual(['nightly']);
  });
});
