import { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { requestId } from 'hono/request-id';
import { type AppDeps, type AppEnv, systemClock } from './context.ts';
import { createReferenceCache } from './domain/reference.ts';
import { limitBody } from './http/body-limit.ts';
import { docsPage } from './http/docs-page.ts';
import { errorResponse, handleError } from './http/envelope.ts';
import { createDatabaseRateLimiter, rateLimit } from './http/rate-limit.ts';
import { sameOriginForms } from './http/same-origin.ts';
import { secureHeadersUpFront } from './http/security-headers.ts';
import { refuseUnstorableUrl } from './http/wire.ts';
import { langFromAcceptLanguage, parseLang, t } from './i18n.ts';
import { createLogger } from './logger.ts';
import { feedRoutes } from './routes/feeds/index.ts';
import type { RouteGuards } from './routes/guards.ts';
import { OPEN311_BASE, open311Routes } from './routes/open311/index.ts';
import { publicRoutes } from './routes/public/index.ts';
import { adminRoutes, signInRoutes, staffRoutes } from './routes/staff/index.ts';
import { webhookRoutes } from './routes/webhooks/index.ts';

export const API_VERSION = '1.0.0';

/** Twilio's and Resend's callbacks are a few kB; anything near this is not from them. */
export const WEBHOOK_BODY_LIMIT = 64 * 1024;
/** An email and a password. */
export const SIGN_IN_BODY_LIMIT = 8 * 1024;

/**
 * Builds the Hono app. Both runtimes call this: the Node server once, the Worker
 * once per isolate. Everything that touches the outside world arrives in deps.
 */
export function createApp(deps: AppDeps & { /** Waits out a slowed sign-in; tests pass one that only records. */ signInPause?: (ms: number) => Promise<void> }) {
  const clock = deps.clock ?? systemClock;
  const logger = deps.logger ?? createLogger(deps.config.logLevel);
  const limiter = deps.rateLimiter ?? createDatabaseRateLimiter();
  const reference = createReferenceCache();
  const clientIp = deps.clientIp ?? ((c: Context) => c.req.header('cf-connecting-ip'));

  // Each audience's router answers bad input itself (routes/routers.ts); the app only mounts them.
  const app = new OpenAPIHono<AppEnv>();

  app.use('*', requestId({ limitLength: 64 }));
  app.use('*', async (c, next) => {
    const lang = parseLang(c.req.query('lang')) ?? langFromAcceptLanguage(c.req.header('accept-language')) ?? 'zh-CN';
    c.set('lang', lang);
    const db = deps.database(c);
    c.set('limiter', { hit: (name, key, limit, windowMs) => limiter.hit({ db, clock }, { name, key, limit, windowMs }) });
    c.set('ctx', {
      db,
      clock,
      config: deps.config,
      logger,
      reference,
      requestId: c.get('requestId'),
      lang,
      photos: deps.photos,
    });
    const started = performance.now();
    await next();
    if (deps.kickOutbox && c.req.method !== 'GET' && c.req.method !== 'HEAD' && c.res.status < 400) deps.kickOutbox(c);
    // Path only: query strings may carry the phone digits of a status lookup.
    logger.info('request', {
      requestId: c.get('requestId'),
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      ms: Math.round((performance.now() - started) * 10) / 10,
    });
  });
  app.use('/api/*', secureHeadersUpFront({ crossOriginResourcePolicy: 'same-site' }));
  app.use('/api/staff/*', async (c, next) => {
    await next();
    c.header('Cache-Control', 'no-store');
  });
  // Open311 runs the same guard inside its router, whose error handler answers in
  // GeoReport's errors; an error thrown here would reach the app's envelope instead.
  app.use('*', (c, next) => (c.req.path.startsWith(`${OPEN311_BASE}/`) ? next() : refuseUnstorableUrl(c, next)));

  // Refused before the body is read: providers' callbacks are small, and so is a sign-in.
  app.use('/webhooks/*', limitBody(WEBHOOK_BODY_LIMIT));
  app.use('/api/staff/session', limitBody(SIGN_IN_BODY_LIMIT));
  app.use('/api/cases', sameOriginForms(deps.config.publicBaseUrl));

  app.onError(handleError);
  app.notFound((c) => errorResponse(c, 'not_found', t(c.get('lang') ?? 'zh-CN', 'route_not_found')));

  const guards: RouteGuards = {
    intakeRateLimit: rateLimit('intake', () => deps.config.intakeRateLimit, 3600_000, clientIp),
    lookupRateLimit: rateLimit('lookup', () => deps.config.lookupRateLimit, 600_000, clientIp),
    signInRateLimit: rateLimit('sign-in', () => deps.config.signInRateLimit, 600_000, clientIp),
  };
  // One router per audience, its guard declared once where the router is made (routes/routers.ts).
  app.route('/', publicRoutes(guards));
  app.route('/', signInRoutes(guards, { clientIp, ...(deps.signInPause ? { pause: deps.signInPause } : {}) }));
  app.route('/', staffRoutes());
  app.route('/', adminRoutes());
  app.route('/', feedRoutes());
  app.route('/', webhookRoutes());
  app.route(OPEN311_BASE, open311Routes(guards));

  app.doc31('/api/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'Station Hotline API',
      version: API_VERSION,
      description: 'The complaint hotline and case tracker of a railway-station district management office. Errors use one envelope: `{ error: { code, message, requestId, details? } }`.',
    },
    servers: [{ url: deps.config.publicBaseUrl }],
  });
  app.get('/api/docs', (c) =>
    c.html(docsPage(app.getOpenAPI31Document({ openapi: '3.1.0', info: { title: 'Station Hotline API', version: API_VERSION } }) as unknown as Parameters<typeof docsPage>[0])),
  );

  return app;
}

export type App = ReturnType<typeof createApp>;
