import { eq, inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../api/config.ts';
import { deliverOutbox, subrequestsFor } from '../../api/domain/outbox/deliver.ts';
import { type Providers, providersFor } from '../../api/domain/outbox/providers.ts';
import { TWILIO_LOOKUP_MAX_PAGES } from '../../api/providers/twilio.ts';
import { outbox } from '../../db/schema.ts';
import { outboxQueueConsumer } from '../../workers/jobs/deliver-outbox.ts';
import { type QueueBatchLike, runQueueBatch } from '../../workers/jobs/index.ts';
import { startFakeTwilio } from '../fakes/twilio-api.ts';
import { fixedClock, jobContext, testConfig, useTestApp } from '../helpers/app.ts';
import { json, makeCaseBody } from '../helpers/factories.ts';

/*
 * Delivery within a Worker invocation's subrequest budget: rows that do not fit
 * are never claimed (attempts, status and next try as they were), and a queue
 * batch of nudges is one delivery pass with one budget. Delivery takes every
 * due row in its database: this file has its own.
 */
const clock = fixedClock('2026-05-04T10:00:00+08:00');
const t = useTestApp({ clock, isolated: true });
const SID = 'AC00000000000000000000000000000077';
const TOKEN = 'budget-auth-token';
let twilio: Awaited<ReturnType<typeof startFakeTwilio>>;
/** Every call a provider makes to the outside (what Cloudflare counts as a subrequest). */
let calls = 0;

beforeAll(async () => {
  twilio = await startFakeTwilio(SID, TOKEN, { now: () => clock.now() });
});
afterAll(async () => {
  await twilio.close();
});
beforeEach(async () => {
  calls = 0;
  // Each test starts from its own rows: earlier tests' leftovers are taken out of the way.
  await t.db
    .update(outbox)
    .set({ status: 'sent' })
    .where(inArray(outbox.status, ['pending', 'failed', 'sending']));
});

const config = () =>
  testConfig({ TWILIO_ACCOUNT_SID: SID, TWILIO_AUTH_TOKEN: TOKEN, TWILIO_FROM: '+15005550006', TWILIO_API_BASE_URL: twilio.url, PUBLIC_BASE_URL: 'https://hotline.example.cn' });

/** Real Twilio (the fake) over a fetch that counts; email and 12345 callbacks count one call each. */
function countingProviders(): Providers {
  const counted: typeof fetch = (input, init) => {
    calls++;
    return fetch(input, init);
  };
  const real = providersFor(config(), { fetch: counted });
  const took = (prefix: string) => {
    calls++;
    return { ok: true as const, providerMessageId: `${prefix}-${calls}` };
  };
  return {
    sms: real.sms,
    email: { name: 'counted-email', send: async () => took('em') },
    callback: async () => took('cb'),
  };
}

const ctx = () => ({ ...jobContext(t, clock), config: config() });

/** Files `n` cases (each queues its SMS receipt) and returns their outbox rows as written. */
async function pendingRows(n: number) {
  for (let i = 0; i < n; i++) expect((await t.app.request('/api/cases', json(makeCaseBody()))).status).toBe(201);
  return t.db.select().from(outbox).where(eq(outbox.status, 'pending')).orderBy(outbox.nextAttemptAt, outbox.id);
}

async function current(ids: number[]) {
  return t.db.select().from(outbox).where(inArray(outbox.id, ids)).orderBy(outbox.nextAttemptAt, outbox.id);
}

function nudges(count: number): QueueBatchLike & { acked: string[]; retried: string[] } {
  const acked: string[] = [];
  const retried: string[] = [];
  return {
    queue: 'station-hotline-outbox',
    acked,
    retried,
    messages: Array.from({ length: count }, (_, i) => ({ id: `m${i}`, body: { kick: i }, ack: () => void acked.push(`m${i}`), retry: () => void retried.push(`m${i}`) })),
  };
}

describe('outbox delivery within a subrequest budget', () => {
  it('claims only the rows whose calls fit; the rest keep their attempts, status and next try', async () => {
    const rows = await pendingRows(5);
    expect(rows.length).toBeGreaterThanOrEqual(5);
    const result = await deliverOutbox(ctx(), countingProviders(), { subrequests: 3 });
    expect(result).toMatchObject({ sent: 3, released: 0, reserved: 3 });
    expect(calls).toBe(3);
    const after = await current(rows.map((r) => r.id));
    expect(after.slice(0, 3).map((r) => [r.status, r.attempts])).toEqual([
      ['sent', 1],
      ['sent', 1],
      ['sent', 1],
    ]);
    for (const [i, row] of after.slice(3).entries()) {
      const before = rows[3 + i]!;
      expect({ status: row.status, attempts: row.attempts, nextAttemptAt: row.nextAttemptAt, lastError: row.lastError }).toEqual({
        status: before.status,
        attempts: before.attempts,
        nextAttemptAt: before.nextAttemptAt,
        lastError: before.lastError,
      });
    }
  });

  it('sets aside a whole Twilio lookup and the send for an SMS whose earlier attempt is unconfirmed', async () => {
    const rows = await pendingRows(2);
    const head = rows[0]!;
    // An attempt that timed out: the next one must look it up before sending again.
    await t.db
      .update(outbox)
      .set({ status: 'failed', attempts: 1, unconfirmedSince: new Date(clock.now().getTime() - 60_000), nextAttemptAt: new Date(clock.now().getTime() - 60_000) })
      .where(eq(outbox.id, head.id));
    const providers = countingProviders();
    const cost = subrequestsFor({ channel: 'sms', unconfirmedSince: new Date() }, providers);
    expect(cost).toBe(TWILIO_LOOKUP_MAX_PAGES + 2);

    // One call short: nothing is claimed, and the unconfirmed row is not charged an attempt.
    expect(await deliverOutbox(ctx(), providers, { subrequests: cost - 1 })).toMatchObject({ sent: 0, reserved: 0 });
    expect(calls).toBe(0);
    expect(await current([head.id])).toMatchObject([{ status: 'failed', attempts: 1 }]);

    // Enough for it alone: it is looked up (not found) and sent; the next row waits.
    const result = await deliverOutbox(ctx(), providers, { subrequests: cost });
    expect(result).toMatchObject({ sent: 1, reserved: cost });
    expect(calls).toBeLessThanOrEqual(cost);
    expect(calls).toBeGreaterThanOrEqual(2);
    const [first, second] = await current(rows.map((r) => r.id));
    expect(first).toMatchObject({ status: 'sent', attempts: 2, unconfirmedSince: null });
    expect(second).toMatchObject({ status: 'pending', attempts: 0 });
  });

  it('has no limit without a budget (Node)', async () => {
    const rows = await pendingRows(4);
    const result = await deliverOutbox(ctx(), countingProviders());
    expect(result.sent).toBe(rows.length);
    expect(calls).toBe(rows.length);
  });
});

describe('the outbox queue consumer', () => {
  it('makes one delivery pass per batch, within one budget, and acks every nudge', async () => {
    const rows = await pendingRows(6);
    const batch = nudges(10);
    const consumer = outboxQueueConsumer({ providers: () => countingProviders(), subrequests: 4 });
    expect(await runQueueBatch(ctx(), batch, { 'station-hotline-outbox': consumer })).toEqual({ acked: 10, retried: 0 });
    expect(batch.acked).toHaveLength(10);
    // Ten nudges, one pass: four sends, not four per message.
    expect(calls).toBe(4);
    const after = await current(rows.map((r) => r.id));
    expect(after.filter((r) => r.status === 'sent')).toHaveLength(4);
    expect(after.filter((r) => r.status === 'pending' && r.attempts === 0)).toHaveLength(rows.length - 4);
  });

  it('retries the whole batch when the pass fails, and charges no row for it', async () => {
    const rows = await pendingRows(1);
    const batch = nudges(3);
    // The database goes away as the pass starts claiming.
    const refused = () => {
      throw Object.assign(new Error('connection refused'), { code: 'ECONNREFUSED' });
    };
    const broken = { ...ctx(), db: { ...t.db, update: refused } as unknown as typeof t.db };
    const consumer = outboxQueueConsumer({ providers: () => countingProviders(), subrequests: 4 });
    expect(await runQueueBatch(broken, batch, { 'station-hotline-outbox': consumer })).toEqual({ acked: 0, retried: 3 });
    expect(batch.retried).toEqual(['m0', 'm1', 'm2']);
    expect(calls).toBe(0);
    expect(await current(rows.map((r) => r.id))).toMatchObject([{ status: 'pending', attempts: 0 }]);
  });
});

// Keeps the claim's own count and subrequestsFor in step: both must agree on what a row may cost.
describe('the claim counts as subrequestsFor does', () => {
  it('charges a row left sending by a dead sender (its lease ran out) as an unconfirmed SMS', async () => {
    const rows = await pendingRows(1);
    await t.db
      .update(outbox)
      .set({ status: 'sending', attempts: 1, nextAttemptAt: sql`${clock.now().toISOString()}::timestamptz - interval '1 minute'` })
      .where(eq(outbox.id, rows[0]!.id));
    const providers = countingProviders();
    const cost = subrequestsFor({ channel: 'sms', unconfirmedSince: new Date() }, providers);
    expect(await deliverOutbox(ctx(), providers, { subrequests: cost - 1 })).toMatchObject({ reserved: 0 });
    expect(await current([rows[0]!.id])).toMatchObject([{ status: 'sending', attempts: 1 }]);
    expect(await deliverOutbox(ctx(), providers, { subrequests: cost })).toMatchObject({ reserved: cost, sent: 1 });
  });
});

describe('WORKER_SUBREQUEST_BUDGET', () => {
  it('is never below what one row may cost, so no row can wait for ever', () => {
    const most = subrequestsFor({ channel: 'sms', unconfirmedSince: new Date() }, countingProviders());
    expect(loadConfig({ WORKER_SUBREQUEST_BUDGET: String(most) }).workerSubrequestBudget).toBe(most);
    expect(() => loadConfig({ WORKER_SUBREQUEST_BUDGET: String(most - 1) })).toThrow(ConfigError);
    expect(() => loadConfig({ WORKER_SUBREQUEST_BUDGET: String(most - 1) })).toThrow(/WORKER_SUBREQUEST_BUDGET/);
    expect(loadConfig({}).workerSubrequestBudget).toBe(40);
  });
});
