import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { constantTimeEqual } from '../constant-time.ts';
import type { AppEnv } from '../context.ts';
import { resolveSession, SESSION_HOURS, type Staff } from '../domain/staff/session.ts';
import { DomainError } from '../errors.ts';

export const SESSION_COOKIE = 'hotline_session';
export const CSRF_HEADER = 'x-csrf-token';

export type StaffEnv = AppEnv & { Variables: AppEnv['Variables'] & { staff: Staff; csrfToken: string; sessionToken: string } };

export function setSessionCookie(c: Context, token: string) {
  setCookie(c, SESSION_COOKIE, token, {
    httpOnly: true,
    secure: true,
    sameSite: 'Strict',
    path: '/',
    maxAge: SESSION_HOURS * 3600,
  });
}

export function clearSessionCookie(c: Context) {
  deleteCookie(c, SESSION_COOKIE, { path: '/', secure: true, httpOnly: true, sameSite: 'Strict' });
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Every staff route: a live server-side session from the HttpOnly cookie, and on
 * writes a CSRF token (header `X-CSRF-Token`, or `_csrf` in a form) matching the
 * session's, compared in constant time. Installed once, by the staff and admin
 * routers (routes/routers.ts), on every route they hold.
 */
export const requireStaff: MiddlewareHandler<StaffEnv> = async (c, next) => {
  const token = getCookie(c, SESSION_COOKIE);
  const session = token ? await resolveSession({ ctx: c.get('ctx'), token }) : undefined;
  if (!token || !session) throw new DomainError('unauthorized', 'unauthorized');
  if (!SAFE_METHODS.has(c.req.method)) {
    let sent = c.req.header(CSRF_HEADER);
    if (!sent && (c.req.header('content-type') ?? '').includes('form')) {
      const form = await c.req.parseBody();
      sent = typeof form._csrf === 'string' ? form._csrf : undefined;
    }
    if (!sent || !constantTimeEqual(sent, session.csrfToken)) throw new DomainError('forbidden', 'csrf_failed');
  }
  c.set('staff', session.staff);
  c.set('csrfToken', session.csrfToken);
  c.set('sessionToken', token);
  await next();
};

/** After requireStaff, on every admin route: admins only, checked before the body is read. */
export const requireAdmin: MiddlewareHandler<StaffEnv> = async (c, next) => {
  if (c.get('staff').role !== 'admin') throw new DomainError('forbidden', 'admin.only');
  await next();
};
