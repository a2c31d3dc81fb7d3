import { sql } from 'drizzle-orm';
import type { MiddlewareHandler } from 'hono';
import type { Db } from '../../db/client.ts';
import { rowsOf } from '../../db/statement.ts';
import type { AppEnv, Clock } from '../context.ts';
import { DomainError } from '../errors.ts';

/**
 * Rate limits every instance shares. On Node (one server or several on one
 * PostgreSQL) a token bucket per (name, key) lives in `rate_limits`, spent and
 * refilled by one atomic statement per hit; on Workers the names that have a
 * Cloudflare Rate Limiting binding use it (workers/worker.ts), the rest the
 * same table through Hyperdrive (writes are never cached).
 */

export interface RateDecision {
  allowed: boolean;
  /** Seconds until the client may try again (when refused). */
  retryAfter: number;
}

/** One hit on a budget: `limit` hits per `windowMs`, refilled evenly (a token bucket). */
export interface RateLimitHit {
  /** The budget's name ('lookup', 'sign-in', 'open311-key', ...). */
  name: string;
  /** Whose budget: a client address, an API key id. Never personal data (it is stored). */
  key: string;
  limit: number;
  windowMs: number;
}

/** What a limiter needs of the request: its database and its clock. */
export interface RateLimitScope {
  db: Db;
  clock: Clock;
}

export interface RateLimiter {
  hit(scope: RateLimitScope, hit: RateLimitHit): Promise<RateDecision>;
}

/**
 * The limiter bound to one request, as handlers see it (`c.get('limiter')`):
 * `await c.get('limiter').hit('open311-key', String(keyId), quota, 3600_000)`.
 */
export interface RequestLimiter {
  hit(name: string, key: string, limit: number, windowMs: number): Promise<RateDecision>;
}

/** A row idle this long is full again for every window the service uses, so dropping it changes nothing. */
export const IDLE_ROW_MS = 24 * 3600_000;
/** One hit in this many also deletes idle rows (through rate_limits_updated_idx). */
const PRUNE_EVERY = 1000;

/**
 * The token bucket in PostgreSQL. One statement per hit: the insert starts a
 * full bucket less one; on conflict the refill since `updated_at` is added
 * (capped at the limit) and one token spent, but only when a whole token is
 * there (the WHERE), so a refused hit writes nothing and the row stays locked
 * only for that statement. The outer SELECT reads the row as it was before
 * the statement (one snapshot), which gives a refused hit its Retry-After.
 * A clock that steps back (NTP, a test) refills nothing and drains nothing.
 */
export function createDatabaseRateLimiter(options: { pruneEvery?: number } = {}): RateLimiter {
  const pruneEvery = options.pruneEvery ?? PRUNE_EVERY;
  let hits = 0;
  return {
    async hit({ db, clock }, { name, key, limit, windowMs }) {
      if (!(limit >= 1) || !(windowMs > 0) || windowMs > IDLE_ROW_MS) throw new RangeError(`rate limit ${name}: limit ≥ 1 and a window of at most a day`);
      const now = clock.now();
      const at = sql`${now.toISOString()}::timestamptz`;
      const perMs = sql`${limit / windowMs}::float8`;
      const cap = sql`${limit}::float8`;
      const available = sql`least(${cap}, r.tokens + greatest(0, extract(epoch from (${at} - r.updated_at))::float8 * 1000) * ${perMs})`;
      const rows = await db.execute<{ allowed: boolean; available: number | null }>(sql`
        WITH spent AS (
          INSERT INTO rate_limits AS r (name, key, tokens, updated_at)
          VALUES (${name}, ${key}, ${cap} - 1, ${at})
          ON CONFLICT (name, key) DO UPDATE SET tokens = ${available} - 1, updated_at = ${at}
          WHERE ${available} >= 1
          RETURNING 1
        )
        SELECT EXISTS (SELECT 1 FROM spent) AS allowed,
          (SELECT ${available} FROM rate_limits r WHERE r.name = ${name} AND r.key = ${key}) AS available`);
      const row = rowsOf<{ allowed: boolean; available: number | null }>(rows)[0];
      if (++hits % pruneEvery === 0) await pruneRateLimits(db, now);
      if (row?.allowed) return { allowed: true, retryAfter: 0 };
      const tokens = Number(row?.available ?? 0);
      return { allowed: false, retryAfter: Math.max(1, Math.ceil((1 - tokens) / (limit / windowMs) / 1000)) };
    },
  };
}

/** Deletes buckets idle for a day (full again, so the same as absent). Returns how many. */
export async function pruneRateLimits(db: Db, now: Date): Promise<number> {
  const rows = await db.execute<{ n: number }>(sql`
    WITH gone AS (DELETE FROM rate_limits WHERE updated_at < ${new Date(now.getTime() - IDLE_ROW_MS).toISOString()}::timestamptz RETURNING 1)
    SELECT count(*)::int AS n FROM gone`);
  return Number(rowsOf<{ n: number }>(rows)[0]?.n ?? 0);
}

/** Cloudflare's Rate Limiting binding (`[[ratelimits]]` in wrangler.toml): a count per key per 10 or 60 s. */
export interface RateLimitBinding {
  limit(options: { key: string }): Promise<{ success: boolean }>;
}

/**
 * Names with a binding count there (limit and period are the binding's, from
 * wrangler.toml; counted per Cloudflare location, without a database round
 * trip); every other name falls through to `fallback`. The binding says
 * nothing of when a key may try again: a refusal asks for its whole period.
 */
export function createBindingRateLimiter(bindings: Readonly<Record<string, { binding: RateLimitBinding; periodSeconds: number }>>, fallback: RateLimiter): RateLimiter {
  return {
    async hit(scope, hit) {
      const bound = bindings[hit.name];
      if (!bound) return fallback.hit(scope, hit);
      const { success } = await bound.binding.limit({ key: hit.key });
      return success ? { allowed: true, retryAfter: 0 } : { allowed: false, retryAfter: bound.periodSeconds };
    },
  };
}

/** Refuses with 429 and Retry-After once a client has used its share of `name`. */
export function rateLimit(
  name: string,
  limit: (c: Parameters<MiddlewareHandler<AppEnv>>[0]) => number,
  windowMs: number,
  clientIp: (c: Parameters<MiddlewareHandler<AppEnv>>[0]) => string | undefined,
): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const decision = await c.get('limiter').hit(name, clientIp(c) ?? 'unknown', limit(c), windowMs);
    if (!decision.allowed) {
      c.header('Retry-After', String(decision.retryAfter));
      throw new DomainError('rate_limited', 'rate_limited', { seconds: decision.retryAfter });
    }
    await next();
  };
}
