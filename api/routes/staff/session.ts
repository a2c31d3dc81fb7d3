import { createRoute } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { signOut } from '../../domain/staff/session.ts';
import { type Pause, signIn } from '../../domain/staff/sign-in.ts';
import { errorResponses } from '../../http/envelope.ts';
import { clearSessionCookie, setSessionCookie } from '../../http/staff-auth.ts';
import { toWire } from '../../http/wire.ts';
import type { RouteGuards } from '../guards.ts';
import type { PublicRouter, StaffRouter } from '../routers.ts';
import { SessionInfo, SignInBody } from './schemas.ts';

export const signInRoute = createRoute({
  method: 'post',
  path: '/api/staff/session',
  tags: ['staff'],
  summary: 'Sign in',
  description:
    'Sets an HttpOnly session cookie; send the returned csrfToken as X-CSRF-Token on every write. An unknown email, a wrong password, an inactive account and a client locked out of the account after repeated failures all get the same 401. Repeated failures on one account from anywhere make its sign-ins answer more slowly (a few seconds at most), never refuse them.',
  request: { body: { required: true, content: { 'application/json': { schema: SignInBody } } } },
  responses: {
    200: { description: 'Signed in', content: { 'application/json': { schema: SessionInfo } } },
    ...errorResponses({ 400: 'Bad input', 401: 'Wrong credentials (or this client is locked out of the account)', 429: 'Too many attempts' }),
  },
});

export const signOutRoute = createRoute({
  method: 'delete',
  path: '/api/staff/session',
  tags: ['staff'],
  summary: 'Sign out (revokes the session)',
  responses: { 204: { description: 'Signed out' }, ...errorResponses({ 401: 'No session', 403: 'CSRF' }) },
});

export const meRoute = createRoute({
  method: 'get',
  path: '/api/staff/me',
  tags: ['staff'],
  summary: 'Who is signed in',
  responses: { 200: { description: 'The session', content: { 'application/json': { schema: SessionInfo } } }, ...errorResponses({ 401: 'No session' }) },
});

export interface SignInDeps {
  /** The client's address: failures are counted per account and address. */
  clientIp: (c: Context) => string | undefined;
  pause?: Pause;
}

/**
 * Sign-in is the one staff path reached without a session: it sits on the
 * public router, behind its own rate limit and body limit.
 */
export function registerSignInRoute(router: PublicRouter, guards: RouteGuards, deps: SignInDeps) {
  router.openapi({ ...signInRoute, middleware: [guards.signInRateLimit] }, async (c) => {
    const input = c.req.valid('json');
    const session = await signIn({ ctx: c.get('ctx'), input, client: deps.clientIp(c), ...(deps.pause ? { pause: deps.pause } : {}) });
    setSessionCookie(c, session.token);
    c.header('Cache-Control', 'no-store');
    return c.json({ staff: session.staff, csrfToken: session.csrfToken, expiresAt: toWire(session.expiresAt) }, 200);
  });
}

export function registerSessionRoutes(router: StaffRouter) {
  router.openapi(signOutRoute, async (c) => {
    await signOut({ ctx: c.get('ctx'), token: c.get('sessionToken') });
    clearSessionCookie(c);
    return c.body(null, 204);
  });

  router.openapi(meRoute, async (c) => {
    c.header('Cache-Control', 'no-store');
    return c.json({ staff: c.get('staff'), csrfToken: c.get('csrfToken') }, 200);
  });
}
