import type { Context } from 'hono';
import type { Db } from '../db/client.ts';
import type { Config } from './config.ts';
import type { PhotoServices } from './domain/photos/ports.ts';
import type { ReferenceCache } from './domain/reference.ts';
import type { RateLimiter, RequestLimiter } from './http/rate-limit.ts';
import type { Lang } from './i18n.ts';
import type { Logger } from './logger.ts';

export interface Clock {
  now(): Date;
}
export const systemClock: Clock = { now: () => new Date() };

/** What createApp needs from its runtime. Nothing here is built at import time. */
export interface AppDeps {
  config: Config;
  /**
   * The database for one request. Node hands back its one pool or embedded
   * database; the Worker opens a Hyperdrive connection per request.
   */
  database: (c: Context) => Db;
  clock?: Clock;
  logger?: Logger;
  /** Shared budgets (api/http/rate-limit.ts); the database's `rate_limits` table unless the runtime has better. */
  rateLimiter?: RateLimiter;
  /** The client's address, for rate limiting. Each runtime knows its own. */
  clientIp?: (c: Context) => string | undefined;
  /**
   * Called after a successful write that may have queued outbox rows, so that
   * delivery starts now rather than at the next cron tick (Node: the in-process
   * delivery loop; Workers: a message on the outbox Queue).
   */
  kickOutbox?: (c: Context) => void;
  /** Photo processing and storage (Node: sharp and DATA_DIR or S3; Workers: Images and R2). Without it, photos are refused. */
  photos?: PhotoServices | undefined;
}

/** Everything a domain verb may touch. `db` is a transaction inside withTransaction. */
export interface Ctx {
  db: Db;
  clock: Clock;
  config: Config;
  logger: Logger;
  reference: ReferenceCache;
  requestId: string;
  lang: Lang;
  /** The runtime's photo services; undefined where none are configured. */
  photos?: PhotoServices | undefined;
  /** True inside withTransaction, so nested calls share the outer transaction. */
  inTransaction?: boolean;
}

/** Runs fn in a transaction, reusing the caller's when there is one. */
export async function withTransaction<T>(ctx: Ctx, fn: (tx: Ctx) => Promise<T>): Promise<T> {
  if (ctx.inTransaction) return fn(ctx);
  return ctx.db.transaction(async (tx) => fn({ ...ctx, db: tx as unknown as Db, inTransaction: true }));
}

export type AppEnv = {
  Variables: {
    ctx: Ctx;
    requestId: string;
    lang: Lang;
    /** The rate limiter on this request's database and clock. */
    limiter: RequestLimiter;
  };
};
