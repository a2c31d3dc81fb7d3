import type { ExecutionContext, Fetcher, Hyperdrive, MessageBatch, Queue, ScheduledController } from '@cloudflare/workers-types';
import type { Context } from 'hono';
import { type App, createApp } from '../api/app.ts';
import { type Config, loadConfig, publicBaseUrlProblem } from '../api/config.ts';
import { type Ctx, systemClock } from '../api/context.ts';
import type { PhotoServices } from '../api/domain/photos/ports.ts';
import { createReferenceCache, type ReferenceCache } from '../api/domain/reference.ts';
import { createBindingRateLimiter, createDatabaseRateLimiter, type RateLimitBinding } from '../api/http/rate-limit.ts';
import { createLogger, type Logger } from '../api/logger.ts';
import { connectPostgres, type Db } from '../db/client.ts';
import { loadSiteHandler } from '../site/adapter/bundle.ts';
import { isApiPath, type SiteHandler } from '../site/adapter/types.ts';
import { outboxDeliveryJob, outboxQueueConsumer } from './jobs/deliver-outbox.ts';
import { jobs, queueConsumers, runQueueBatch, runScheduledJobs } from './jobs/index.ts';
import { cloudflarePhotoServices, photosMissing } from './photos-cloudflare.ts';

/**
 * The Cloudflare runtime. Only modules that run in workerd may be imported
 * from here: no db/pglite.ts, db/setup.ts, db/migrate.ts or db/seed (fs, wasm);
 * the database is migrated from Node before a deploy.
 */

/** Bindings from wrangler.toml; plain [vars] arrive as strings and go through loadConfig. */
export interface WorkerEnv {
  HYPERDRIVE: Hyperdrive;
  OUTBOX_QUEUE: Queue;
  ASSETS: Fetcher;
  /** Cloudflare Rate Limiting bindings ([[ratelimits]]); without one, that budget is kept in the database. */
  LOOKUP_RATE_LIMITER?: RateLimitBinding;
  SIGN_IN_RATE_LIMITER?: RateLimitBinding;
  /** Photos (workers/photos-cloudflare.ts): the Images binding re-encodes, the R2 bucket stores; without them photos are refused. */
  IMAGES?: unknown;
  PHOTOS?: unknown;
  [name: string]: unknown;
}

/** The outbox queue's name in wrangler.toml (with -staging / -production in those environments). */
const OUTBOX_QUEUE = 'station-hotline-outbox';

/** wrangler.toml's [[ratelimits]] period for both bindings (10 or 60 s): a refused client waits at most this. */
const RATE_LIMIT_PERIOD_SECONDS = 60;

/**
 * The lookup and sign-in budgets on Cloudflare's Rate Limiting bindings (no
 * database round trip, counted at each Cloudflare location; limits from
 * wrangler.toml). The intake's hourly budget, and any other, in the database.
 */
function rateLimiterFor(env: WorkerEnv) {
  const bound: Record<string, { binding: RateLimitBinding; periodSeconds: number }> = {};
  if (env.LOOKUP_RATE_LIMITER) bound.lookup = { binding: env.LOOKUP_RATE_LIMITER, periodSeconds: RATE_LIMIT_PERIOD_SECONDS };
  if (env.SIGN_IN_RATE_LIMITER) bound['sign-in'] = { binding: env.SIGN_IN_RATE_LIMITER, periodSeconds: RATE_LIMIT_PERIOD_SECONDS };
  return createBindingRateLimiter(bound, createDatabaseRateLimiter());
}

/**
 * The jobs and the outbox consumer with delivery kept within an invocation's
 * subrequest limit (WORKER_SUBREQUEST_BUDGET): rows beyond it wait, unclaimed,
 * for the next run.
 */
function withinSubrequests(config: Config) {
  const subrequests = config.workerSubrequestBudget;
  return {
    jobs: { ...jobs, 'outbox-delivery': outboxDeliveryJob({ subrequests }) },
    consumers: { ...queueConsumers, [OUTBOX_QUEUE]: outboxQueueConsumer({ subrequests }) },
  };
}

interface Isolate {
  config: Config;
  logger: Logger;
  /** For jobs; the app keeps its own cache for requests. */
  reference: ReferenceCache;
  app: App;
  photos: PhotoServices | undefined;
}

// One app per isolate: it holds only config, caches and the rate limiter's bindings.
// There is deliberately no module-level database client: a socket opened in one
// request cannot be used from another in workerd, so each request opens its own.
let isolate: Isolate | undefined;

/** One connection per request (or job run), through Hyperdrive's pool. */
function openDb(env: WorkerEnv): Db {
  // prepare: false - the connection dies with the request, so named statements
  // would never be reused; Hyperdrive pools and caches on its side.
  // fetchTypes: false - saves a round trip on every new connection.
  // Never close it (sql.end()): in workerd that leaves an unhandled
  // "Stream was cancelled" rejection; the runtime drops the socket itself.
  return connectPostgres(env.HYPERDRIVE.connectionString, { max: 1, prepare: false, fetchTypes: false }).db;
}

function getIsolate(env: WorkerEnv): Isolate {
  if (isolate) return isolate;
  const config = loadConfig(env);
  const logger = createLogger(config.logLevel);
  const perRequest = new WeakMap<Request, Db>();
  const photos = cloudflarePhotoServices(config, env);
  const noPhotos = photosMissing(config, env);
  if (noPhotos) logger.warn(noPhotos);
  const app = createApp({
    photos,
    config,
    logger,
    database: (c: Context) => {
      let db = perRequest.get(c.req.raw);
      if (!db) {
        db = openDb(c.env as WorkerEnv);
        perRequest.set(c.req.raw, db);
      }
      return db;
    },
    rateLimiter: rateLimiterFor(env),
    // Set by Cloudflare's edge; a client cannot forge it.
    clientIp: (c: Context) => c.req.header('cf-connecting-ip'),
    // After a write, a nudge on the outbox queue: its consumer delivers at once
    // (the cron delivers anything a lost message left behind).
    kickOutbox: (c: Context) => {
      const env = c.env as WorkerEnv;
      c.executionCtx.waitUntil(env.OUTBOX_QUEUE.send({ kick: Date.now() }).catch(() => undefined));
    },
    // No `assets`: [assets] in wrangler.toml serves the site's static files
    // before the Worker runs; pages reach the Worker and go to the SSR bundle.
  });
  isolate = { config, logger, reference: createReferenceCache(), app, photos };
  return isolate;
}

/** The domain context for a job run: like a request's, with an invocation id. */
function jobCtx(env: WorkerEnv, id: string): Ctx {
  const { config, logger, reference, photos } = getIsolate(env);
  return { db: openDb(env), clock: systemClock, config, logger, reference, requestId: id, lang: 'zh-CN', photos };
}

// The site's SSR bundle, loaded on the first page request (undefined: not built).
let site: Promise<SiteHandler | undefined> | undefined;

/** A page: rendered by the site's SSR bundle, which calls the app in process as `locals.api`. */
async function renderPage(request: Request, env: WorkerEnv, ctx: ExecutionContext): Promise<Response> {
  const { app } = getIsolate(env);
  const handle = await (site ??= loadSiteHandler());
  if (!handle) return new Response('The site is not built: run `npm run build:site` before deploying.\n', { status: 503 });
  return handle(request, {
    api: { fetch: (apiRequest) => app.fetch(apiRequest, env, ctx) },
    env,
    clientIp: request.headers.get('cf-connecting-ip') ?? undefined,
  });
}

/** Where providers call us: Twilio's and Resend's webhooks, the 12345 platform's pushes. */
const PROVIDER_PATHS = /^\/(webhooks|feeds)\//;

/**
 * Without a public address, a Twilio signature is checked against the wrong URL
 * (every SMS refused with 403) and replies carry links to nowhere: refuse the
 * providers' calls with 503, which they retry, and say in the log which
 * variable to set.
 */
function refuseWithoutPublicBaseUrl(env: WorkerEnv, path: string): Response | undefined {
  const { config, logger } = getIsolate(env);
  const problem = publicBaseUrlProblem(config, 'worker');
  if (!problem) return undefined;
  const requestId = crypto.randomUUID();
  logger.error('provider call refused: PUBLIC_BASE_URL', { requestId, path, problem });
  return Response.json(
    { error: { code: 'unavailable', message: 'The service is not configured to take this call: PUBLIC_BASE_URL is unset or points at the server itself.', requestId } },
    { status: 503, headers: { 'retry-after': '300', 'cache-control': 'no-store' } },
  );
}

export default {
  fetch(request: Request, env: WorkerEnv, ctx: ExecutionContext): Response | Promise<Response> {
    const path = new URL(request.url).pathname;
    if (PROVIDER_PATHS.test(path)) {
      const refused = refuseWithoutPublicBaseUrl(env, path);
      if (refused) return refused;
    }
    if (isApiPath(path)) return getIsolate(env).app.fetch(request, env, ctx);
    return renderPage(request, env, ctx);
  },

  /** Cron Trigger (every minute): deadline sweep and outbox safety net. */
  async scheduled(controller: ScheduledController, env: WorkerEnv, _ctx: ExecutionContext): Promise<void> {
    const ctx = jobCtx(env, `cron-${controller.scheduledTime}`);
    const ran = await runScheduledJobs(ctx, controller.cron, withinSubrequests(ctx.config).jobs);
    ctx.logger.debug('scheduled', { cron: controller.cron, jobs: ran });
  },

  /** Consumer of station-hotline-outbox: nudges to deliver outbox rows now. */
  async queue(batch: MessageBatch, env: WorkerEnv, _ctx: ExecutionContext): Promise<void> {
    const ctx = jobCtx(env, `queue-${batch.queue}-${Date.now()}`);
    // Each environment has an outbox queue of its own (station-hotline-outbox-staging, ...): all are the outbox's.
    const queue = batch.queue.startsWith(OUTBOX_QUEUE) ? OUTBOX_QUEUE : batch.queue;
    await runQueueBatch(ctx, { queue, messages: batch.messages }, withinSubrequests(ctx.config).consumers);
  },
};
