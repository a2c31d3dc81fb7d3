import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../context.ts';
import { DomainError } from '../errors.ts';

/**
 * Form posts (urlencoded or multipart) only from the service's own pages.
 *
 * A browser sends any page's form to any address, with the visitor's own
 * network address, and a filed case texts the phone number typed into it: a
 * foreign page could make its visitors file cases that text arbitrary numbers.
 * Browsers name the page that posted in `Origin` (`null` from sandboxed frames
 * and privacy-stripped contexts) and, in current ones, say `Sec-Fetch-Site:
 * cross-site`; either pointing elsewhere is refused. JSON needs a CORS
 * preflight this API never grants, so browsers cannot send it across origins;
 * clients without a browser send no Origin and are judged by the rate limits.
 */
export function sameOriginForms(publicBaseUrl: string): MiddlewareHandler<AppEnv> {
  const own = new URL(publicBaseUrl).origin;
  return async (c, next) => {
    const type = (c.req.header('content-type') ?? '').toLowerCase();
    const isForm = type.startsWith('application/x-www-form-urlencoded') || type.startsWith('multipart/form-data');
    if (c.req.method === 'POST' && isForm) {
      const origin = c.req.header('origin');
      const fetchSite = c.req.header('sec-fetch-site');
      const foreignOrigin = origin !== undefined && origin !== own && origin !== new URL(c.req.url).origin;
      if (foreignOrigin || fetchSite === 'cross-site') throw new DomainError('forbidden', 'form_foreign_origin');
    }
    await next();
  };
}
