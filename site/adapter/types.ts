/**
 * The contract between a runtime (workers/node.ts, workers/worker.ts) and the
 * site's SSR bundle. Kept free of Astro imports so the runtimes can type it
 * without pulling the site's build into their own type check.
 */

/** Anything that answers a Request the way the Hono app does (`app.fetch`). */
export interface InProcessApi {
  fetch(request: Request): Response | Promise<Response>;
}

export interface SiteLocals {
  /** The API, called in process: never over the network, never the database directly. */
  api: InProcessApi;
  /** The runtime's environment (process.env on Node, the Worker's env): read for site settings only. */
  env: Record<string, unknown>;
  /** The client's address as the runtime knows it (shown to Astro as clientAddress). */
  clientIp?: string | undefined;
}

/** The one export of the SSR bundle that a runtime calls. */
export type SiteHandler = (request: Request, locals: SiteLocals) => Promise<Response>;

/** Paths the API app answers; everything else is the site (static files, then pages). */
export const API_PREFIXES = ['/api/', '/webhooks/', '/feeds/', '/open311/'] as const;

export function isApiPath(pathname: string): boolean {
  return pathname === '/api' || API_PREFIXES.some((p) => pathname.startsWith(p));
}
