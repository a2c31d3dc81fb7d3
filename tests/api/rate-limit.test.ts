import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../api/app.ts';
import { ErrorEnvelope } from '../../api/http/envelope.ts';
import { createBindingRateLimiter, createDatabaseRateLimiter, IDLE_ROW_MS, pruneRateLimits, type RateLimitBinding } from '../../api/http/rate-limit.ts';
import { createLogger } from '../../api/logger.ts';
import type { DbHandle } from '../../db/client.ts';
import { rateLimits } from '../../db/schema.ts';
import { fixedClock, testConfig } from '../helpers/app.ts';
import { onPostgres, openTestDatabase } from '../helpers/db.ts';
import { json } from '../helpers/factories.ts';

/**
 * Budgets that hold across instances: two apps on one database (on PostgreSQL,
 * two connection pools, as two servers would have) spend one budget per client.
 * Keys are unique to the run, so reruns on a kept PostgreSQL database never meet.
 */
const clock = fixedClock('2026-06-01T08:00:00+08:00');
let first: DbHandle;
let second: DbHandle;
beforeAll(async () => {
  first = await openTestDatabase();
  // PGlite is in-process: the two apps share its one instance. PostgreSQL: a second pool.
  second = onPostgres() ? await openTestDatabase() : first;
});
afterAll(async () => {
  if (second !== first) await second?.close();
  await first?.close();
});

function instance(handle: () => DbHandle, env: Record<string, string>) {
  return createApp({
    config: testConfig(env),
    logger: createLogger('silent'),
    database: () => handle().db,
    clock,
    clientIp: (c) => c.req.header('x-test-client'),
    signInPause: async () => {},
  });
}

const client = () => ({ 'x-test-client': `test-${randomUUID()}` });

describe('the status lookup budget, across two instances', () => {
  const env = { LOOKUP_RATE_LIMIT: '4' };
  const apps = [instance(() => first, env), instance(() => second, env)];
  const lookup = (i: number, headers: Record<string, string>) => apps[i % 2]!.request(`/api/cases/ABCDEFGHJK?phone4=${String(i).padStart(4, '0')}`, { headers });

  it('stops a client guessing digits on either instance once its share is spent, and keeps serving others', async () => {
    const guesser = client();
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await lookup(i, guesser)).status);
    expect(statuses).toEqual([404, 404, 404, 404, 429, 429]);
    expect((await lookup(1, client())).status).toBe(404);
  });

  it('refills evenly: one lookup per limit-th of the window, told by Retry-After', async () => {
    const guesser = client();
    for (let i = 0; i < 4; i++) expect((await lookup(i, guesser)).status).toBe(404);
    const refused = await lookup(4, guesser);
    expect(refused.status).toBe(429);
    expect(ErrorEnvelope.parse(await refused.json()).error.code).toBe('rate_limited');
    // 4 per 10 minutes: a token every 150 s.
    expect(refused.headers.get('retry-after')).toBe('150');
    clock.advance(149_000);
    expect((await lookup(5, guesser)).status).toBe(429);
    clock.advance(1_000);
    expect((await lookup(6, guesser)).status).toBe(404);
    expect((await lookup(7, guesser)).status).toBe(429);
  });

  it('neither refills nor drains when the clock steps back', async () => {
    const guesser = client();
    expect((await lookup(0, guesser)).status).toBe(404);
    clock.advance(-3600_000);
    for (let i = 1; i < 4; i++) expect((await lookup(i, guesser)).status).toBe(404);
    expect((await lookup(4, guesser)).status).toBe(429);
    clock.advance(3600_000);
  });
});

describe('the sign-in budget, across two instances', () => {
  const env = { SIGN_IN_RATE_LIMIT: '3' };
  const apps = [instance(() => first, env), instance(() => second, env)];

  it('refuses a client with 429 after its share of attempts, whichever instance it reaches', async () => {
    const guesser = client();
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      // A new unknown account each time: the per-account lock never comes into it.
      const res = await apps[i % 2]!.request('/api/staff/session', json({ email: `nobody-${randomUUID()}@office.test`, password: 'not the password' }, guesser));
      statuses.push(res.status);
      if (res.status === 429) expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
  });
});

describe('the database limiter', () => {
  const limiter = createDatabaseRateLimiter();

  it('spends each token once under concurrent hits from two pools', async () => {
    const key = randomUUID();
    const hits = Array.from({ length: 24 }, (_, i) => limiter.hit({ db: (i % 2 ? second : first).db, clock }, { name: 'test-burst', key, limit: 10, windowMs: 3600_000 }));
    const decisions = await Promise.all(hits);
    expect(decisions.filter((d) => d.allowed)).toHaveLength(10);
    const [row] = await first.db
      .select()
      .from(rateLimits)
      .where(and(eq(rateLimits.name, 'test-burst'), eq(rateLimits.key, key)));
    expect(row!.tokens).toBeCloseTo(0, 6);
  });

  it('keeps budgets of different names apart for one key', async () => {
    const key = randomUUID();
    const scope = { db: first.db, clock };
    expect((await limiter.hit(scope, { name: 'test-a', key, limit: 1, windowMs: 60_000 })).allowed).toBe(true);
    expect((await limiter.hit(scope, { name: 'test-a', key, limit: 1, windowMs: 60_000 })).allowed).toBe(false);
    expect((await limiter.hit(scope, { name: 'test-b', key, limit: 1, windowMs: 60_000 })).allowed).toBe(true);
  });

  it('refuses a window longer than the idle rows are kept', async () => {
    await expect(limiter.hit({ db: first.db, clock }, { name: 'test-long', key: 'k', limit: 5, windowMs: IDLE_ROW_MS + 1 })).rejects.toThrow(RangeError);
  });

  it('prunes buckets idle for a day (full again) and keeps the rest, every n-th hit', async () => {
    const pruning = createDatabaseRateLimiter({ pruneEvery: 2 });
    const idle = randomUUID();
    const recent = randomUUID();
    const at = fixedClock('2026-06-01T00:00:00Z');
    await pruning.hit({ db: first.db, clock: at }, { name: 'test-prune', key: idle, limit: 5, windowMs: 3600_000 });
    at.advance(IDLE_ROW_MS + 60_000);
    // The second hit prunes: the first bucket has been idle longer than a day.
    await pruning.hit({ db: first.db, clock: at }, { name: 'test-prune', key: recent, limit: 5, windowMs: 3600_000 });
    const keys = (await first.db.select({ key: rateLimits.key }).from(rateLimits).where(eq(rateLimits.name, 'test-prune'))).map((r) => r.key);
    expect(keys).toContain(recent);
    expect(keys).not.toContain(idle);
    // Pruning again a day later takes the recent bucket too (and says so).
    at.advance(IDLE_ROW_MS + 60_000);
    expect(await pruneRateLimits(first.db, at.now())).toBeGreaterThanOrEqual(1);
    expect(await first.db.select().from(rateLimits).where(eq(rateLimits.key, recent))).toEqual([]);
  });
});

describe('the Workers limiter', () => {
  /** Behaves as Cloudflare's binding does: a count per key per period, nothing else told. */
  function fakeBinding(limit: number): RateLimitBinding & { keys: string[] } {
    const counts = new Map<string, number>();
    const keys: string[] = [];
    return {
      keys,
      async limit({ key }) {
        keys.push(key);
        const n = (counts.get(key) ?? 0) + 1;
        counts.set(key, n);
        return { success: n <= limit };
      },
    };
  }

  it('counts a bound name on its binding (Retry-After: its period) and any other name in the database', async () => {
    const lookup = fakeBinding(2);
    const limiter = createBindingRateLimiter({ lookup: { binding: lookup, periodSeconds: 60 } }, createDatabaseRateLimiter());
    const scope = { db: first.db, clock };
    const key = randomUUID();
    const decisions = [];
    for (let i = 0; i < 3; i++) decisions.push(await limiter.hit(scope, { name: 'lookup', key, limit: 1000, windowMs: 600_000 }));
    expect(decisions).toEqual([
      { allowed: true, retryAfter: 0 },
      { allowed: true, retryAfter: 0 },
      { allowed: false, retryAfter: 60 },
    ]);
    expect(lookup.keys).toEqual([key, key, key]);
    expect((await first.db.select().from(rateLimits).where(eq(rateLimits.key, key))).length).toBe(0);

    expect((await limiter.hit(scope, { name: 'intake', key, limit: 1, windowMs: 3600_000 })).allowed).toBe(true);
    expect((await limiter.hit(scope, { name: 'intake', key, limit: 1, windowMs: 3600_000 })).allowed).toBe(false);
    expect(lookup.keys).toHaveLength(3);
  });
});
