import { defineMiddleware } from 'astro:middleware';
import { ApiContractError } from './lib/api.ts';

/**
 * Headers on every page. Scripts and styles are external files (see
 * astro.config.ts), so the policy allows no inline code. No referrer leaves
 * the site (receipt and status URLs carry tracking codes); same-origin ones
 * stay, because with `no-referrer` browsers send `Origin: null` on form posts
 * and Astro's origin check (our CSRF guard on public forms) refuses them.
 * Pages are never cached: most show a case or a session.
 */
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "object-src 'none'",
].join('; ');

export const onRequest = defineMiddleware(async (context, next) => {
  const response = await next().catch((error: unknown) => {
    if (!(error instanceof ApiContractError)) throw error;
    // The one line the site logs: the page's route and the endpoint without ids
    // or query, the failing fields by name. Never a value, never the URL.
    console.error(`site: 502 on ${context.routePattern}: ${error.message}`);
    // A fresh GET: the page may have read the posted form already.
    return context.rewrite(new Request(new URL('/502', context.url), { headers: context.request.headers }));
  });
  const headers = response.headers;
  const set = (name: string, value: string) => {
    if (!headers.has(name)) headers.set(name, value);
  };
  try {
    set('Content-Security-Policy', CSP);
    set('Referrer-Policy', 'same-origin');
    set('X-Content-Type-Options', 'nosniff');
    set('X-Frame-Options', 'DENY');
    set('Cache-Control', 'no-store');
  } catch {
    // A response with immutable headers (a redirect from elsewhere): leave it as it is.
  }
  return response;
});
