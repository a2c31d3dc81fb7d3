import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Http2Bindings, HttpBindings } from '@hono/node-server';
import { serveStatic } from '@hono/node-server/serve-static';
import { type Context, Hono } from 'hono';
import { loadSiteHandler } from './bundle.ts';
import { isApiPath, type SiteHandler } from './types.ts';

/**
 * The Node server's front door (workers/node.ts): API paths go to the Hono app;
 * everything else is the site — a built static file if there is one, else a
 * page rendered by the SSR bundle with the app handed in as `locals.api`.
 * Without a built site, the API still runs and the pages say how to build it.
 */
export interface NodeFrontendOptions {
  /** The API app (createApp). Called in process; `env` carries the Node bindings so getConnInfo still works. */
  app: { fetch(request: Request, env?: unknown): Response | Promise<Response> };
  /** The client's address, as the API's rate limiter sees it. */
  clientIp: (c: Context) => string | undefined;
  env: Record<string, unknown>;
}

export const SITE_DIR = fileURLToPath(new URL('../dist', import.meta.url));

export interface NodeFrontend {
  fetch: (request: Request, env: HttpBindings | Http2Bindings) => Response | Promise<Response>;
  /** Whether the SSR bundle was found (false: `npm run build:site` has not run). */
  siteBuilt: boolean;
}

export async function createNodeFrontend({ app, clientIp, env }: NodeFrontendOptions): Promise<NodeFrontend> {
  const site: SiteHandler | undefined = existsSync(SITE_DIR) ? await loadSiteHandler() : undefined;
  const front = new Hono<{ Bindings: HttpBindings | Http2Bindings }>();

  front.all('*', async (c, next) => (isApiPath(c.req.path) ? app.fetch(c.req.raw, c.env) : next()));

  if (!site) {
    front.all('*', (c) => c.text('The site is not built: run `npm run build:site` (npm start does it for you). The API is up: /api/docs\n', 503));
    return { fetch: front.fetch, siteBuilt: false };
  }

  // Fingerprinted build output never changes under its name.
  front.use('/_astro/*', async (c, next) => {
    await next();
    if (c.res.status === 200) c.header('Cache-Control', 'public, max-age=31536000, immutable');
  });
  const files = serveStatic({ root: SITE_DIR });
  front.use('*', async (c, next) => (c.req.method === 'GET' || c.req.method === 'HEAD' ? files(c, next) : next()));
  front.all('*', (c) =>
    site(c.req.raw, {
      api: { fetch: (request) => app.fetch(request, c.env) },
      env,
      clientIp: clientIp(c),
    }),
  );
  return { fetch: front.fetch, siteBuilt: true };
}
