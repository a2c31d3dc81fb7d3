import { OpenAPIHono } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';
import { METHODS } from 'hono/router';
import type { AppEnv } from '../context.ts';
import { validationError } from '../http/envelope.ts';
import { requireAdmin, requireStaff } from '../http/staff-auth.ts';
import { refuseUnstorableUrl } from '../http/wire.ts';
import { open311ErrorHandler } from './open311/respond.ts';

/*
 * One router per audience of the API, each mounted once in createApp. An
 * audience's guard is declared here and nowhere else: every route a guarded
 * router holds, contract or plain, runs the guard first, so no staff route can
 * be declared without it. What a handler may read comes from the guard's own
 * type (requireStaff sets the signed-in member of staff): a router made
 * without it has no `staff` to read, and its handlers do not type-check.
 */

declare const audience: unique symbol;
/** A router of one audience. Only the factories below make one, so a route file cannot be handed another audience's. */
export type Router<E extends AppEnv, A extends string> = OpenAPIHono<E> & { readonly [audience]: A };

/** Bad input answers in the one envelope, with field-level details. */
function createRouter<E extends AppEnv>() {
  return new OpenAPIHono<E>({
    defaultHook: (result, c) => {
      if (!result.success) return validationError(c as unknown as Context<AppEnv>, result.error);
    },
  });
}

type Handler = MiddlewareHandler;
/** Hono's `on` without its typed overloads: methods, paths, handlers. */
type On = (method: string | string[], path: string | string[], ...handlers: Handler[]) => unknown;

function guardedRouter<A extends string, E extends AppEnv = AppEnv>(_audience: A, ...guards: MiddlewareHandler<E>[]) {
  const router = createRouter<E>();
  const on = router.on as unknown as On;
  const guarded: On = (method, path, ...handlers) => on(method, path, ...(guards as Handler[]), ...handlers);
  // A contract is registered through `on` (OpenAPIHono.openapi calls it), so the guard leads every one.
  router.on = guarded as unknown as typeof router.on;
  // Plain routes too: `get`, `post`, … would otherwise reach the route table without it.
  for (const method of [...METHODS, 'all'] as const) {
    router[method] = ((path: unknown, ...handlers: Handler[]) => {
      if (typeof path !== 'string') throw new TypeError('A guarded route names its path');
      guarded(method, path, ...handlers);
      return router;
    }) as never;
  }
  return router as Router<E, A>;
}

/** Citizens and the site: no session; rate limits and body limits per route. */
export const createPublicRouter = () => createRouter<AppEnv>() as Router<AppEnv, 'public'>;

/** Signed-in staff: a live session, and on writes the session's CSRF token (requireStaff). */
export const createStaffRouter = () => guardedRouter('staff', requireStaff);
export type StaffRouter = ReturnType<typeof createStaffRouter>;

/** Admins: signed-in staff with the admin role, checked before the body is read. */
export const createAdminRouter = () => guardedRouter('admin', requireStaff, requireAdmin);
export type AdminRouter = ReturnType<typeof createAdminRouter>;

/** Twilio's and Resend's callbacks: each provider signs differently, so each route checks its own signature. */
export const createWebhookRouter = () => createRouter<AppEnv>() as Router<AppEnv, 'webhooks'>;
export type WebhookRouter = ReturnType<typeof createWebhookRouter>;

/** The 12345 platform's pushes: configured, within the body limit and signed, checked per route before parsing. */
export const createFeedRouter = () => createRouter<AppEnv>() as Router<AppEnv, 'feeds'>;
export type FeedRouter = ReturnType<typeof createFeedRouter>;

export type PublicRouter = ReturnType<typeof createPublicRouter>;

/**
 * Open311 GeoReport v2, mounted at its base path: every error — a bad form, a
 * missing key, an unknown code, even the rate limiter or a NUL in the URL —
 * answers as GeoReport's error array in the format the path asked for.
 */
export function createOpen311Router() {
  const router = createRouter<AppEnv>();
  router.onError(open311ErrorHandler);
  // Civic apps read from the browser too; nothing here uses cookies.
  router.use('*', cors({ origin: '*', allowMethods: ['GET', 'POST', 'OPTIONS'], maxAge: 86400 }));
  // Here rather than at the app's door, so the refusal is GeoReport's error array.
  router.use('*', refuseUnstorableUrl);
  return router as Router<AppEnv, 'open311'>;
}
export type Open311Router = ReturnType<typeof createOpen311Router>;
