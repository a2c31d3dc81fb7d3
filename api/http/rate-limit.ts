import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../context.ts';
import { DomainError } from '../errors.ts';

export interface RateDecision {
  allowed: boolean;
  /** Seconds until the client may try again (when refused). */
  retryAfter: number;
}

export interface RateLimiter {
  hit(key: string, limit: number, windowMs: number, nowMs: number): RateDecision;
}

/**
 * A sliding-log-free token bucket per key, in memory. On Node this is the whole
 * server's view; on Workers it is per isolate, a first line only (Cloudflare's
 * rate-limiting rules sit in front in production).
 */
export function createMemoryRateLimiter(maxKeys = 100_000): RateLimiter {
  const buckets = new Map<string, { tokens: number; updated: number }>();
  return {
    hit(key, limit, windowMs, nowMs) {
      const ratePerMs = limit / windowMs;
      let bucket = buckets.get(key);
      if (!bucket) {
        if (buckets.size >= maxKeys) {
          // Forget the oldest entry rather than grow without bound.
          const oldest = buckets.keys().next().value;
          if (oldest !== undefined) buckets.delete(oldest);
        }
        bucket = { tokens: limit, updated: nowMs };
        buckets.set(key, bucket);
      }
      // A clock that steps back (NTP, a test) must not drain the bucket.
      bucket.tokens = Math.min(limit, bucket.tokens + Math.max(0, nowMs - bucket.updated) * ratePerMs);
      bucket.updated = nowMs;
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return { allowed: true, retryAfter: 0 };
      }
      return { allowed: false, retryAfter: Math.max(1, Math.ceil((1 - bucket.tokens) / ratePerMs / 1000)) };
    },
  };
}

/** Refuses with 429 and Retry-After once a client has used its share of `name`. */
export function rateLimit(
  name: string,
  limiter: RateLimiter,
  limit: (c: Parameters<MiddlewareHandler<AppEnv>>[0]) => number,
  windowMs: number,
  clientIp: (c: Parameters<MiddlewareHandler<AppEnv>>[0]) => string | undefined,
): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const client = clientIp(c) ?? 'unknown';
    const decision = limiter.hit(`${name}:${client}`, limit(c), windowMs, c.get('ctx').clock.now().getTime());
    if (!decision.allowed) {
      c.header('Retry-After', String(decision.retryAfter));
      throw new DomainError('rate_limited', 'rate_limited', { seconds: decision.retryAfter });
    }
    await next();
  };
}
