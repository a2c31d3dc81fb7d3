import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppEnv } from '../../context.ts';
import { signOut } from '../../domain/staff/session.ts';
import { type Pause, signIn } from '../../domain/staff/sign-in.ts';
import { errorDoc } from '../../http/envelope.ts';
import { clearSessionCookie, requireStaff, setSessionCookie, type StaffEnv } from '../../http/staff-auth.ts';
import { toWire } from '../../http/wire.ts';
import type { RouteGuards } from '../guards.ts';
import { SessionInfo, SignInBody } from './schemas.ts';


export const signInRoute = createRoute({
  method: 'post',
  path: '/api/staff/session',
  tags: ['staff'],
  summary: 'Sign in',
  description:
    'Sets an HttpOnly session cookie; send the returned csrfToken as X-CSRF-Token on every write. An unknown email, a wrong password, an inactive account and a client locked out of the account after repeated failures all get the same 401. Repeated failures on one account from anywhere make its sign-ins answer more slowly (a few seconds at most), never refuse them.',
  request: { body: { required: true, content: { 'application/json': { schema: SignInBody } } } },
  responses: { 200: { description: 'Signed in', content: { 'application/json': { schema: SessionInfo } } }, 400: errorDoc('Bad input'), 401: errorDoc('Wrong credentials (or this client is locked out of the account)'), 429: errorDoc('Too many attempts') },
});

export const signOutRoute = createRoute({
  method: 'delete',
  path: '/api/staff/session',
  tags: ['staff'],
  summary: 'Sign out (revokes the session)',
  responses: { 204: { description: 'Signed out' }, 401: errorDoc('No session'), 403: errorDoc('CSRF') },
});

export const meRoute = createRoute({
  method: 'get',
  path: '/api/staff/me',
  tags: ['staff'],
  summary: 'Who is signed in',
  responses: { 200: { description: 'The session', content: { 'application/json': { schema: SessionInfo } } }, 401: errorDoc('No session') },
});

export interface SignInDeps {
  /** The client's address: failures are counted per account and address. */
  clientIp: (c: Context) => string | undefined;
  pause?: Pause;
}

export function registerSessionRoutes(app: OpenAPIHono<AppEnv>, guards: RouteGuards, deps: SignInDeps) {
  app.openapi({ ...signInRoute, middleware: [guards.signInRateLimit] }, async (c) => {
    const input = c.req.valid('json');
    const session = await signIn({ ctx: c.get('ctx'), input, client: deps.clientIp(c), ...(deps.pause ? { pause: deps.pause } : {}) });
    setSessionCookie(c, session.token);
    c.header('Cache-Control', 'no-store');
    return c.json({ staff: session.staff, csrfToken: session.csrfToken, expiresAt: toWire(session.expiresAt) }, 200);
  });

  const staffApp = app as unknown as OpenAPIHono<StaffEnv>;
  staffApp.openapi({ ...signOutRoute, middleware: [requireStaff] }, async (c) => {
    await signOut({ ctx: c.get('ctx'), token: c.get('sessionToken') });
    clearSessionCookie(c);
    return c.body(null, 204);
  });

  staffApp.openapi({ ...meRoute, middleware: [requireStaff] }, async (c) => {
    c.header('Cache-Control', 'no-store');
    return c.json({ staff: c.get('staff'), csrfToken: c.get('csrfToken') }, 200);
  });
}
