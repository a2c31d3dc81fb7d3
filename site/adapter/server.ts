import { createApp } from 'astro/app/entrypoint';
import { formBodyLimit, limitFormBody } from './form-limit.ts';
import type { SiteHandler } from './types.ts';

/**
 * The server entry of the SSR bundle (site/dist-server/entry.mjs). It imports
 * nothing from Node, so workerd runs it as it is. A runtime calls `handle`
 * with the request and the locals the pages need (the API in process).
 */
const app = createApp();

export const handle: SiteHandler = async (incoming, locals) => {
  const request = await limitFormBody(incoming, formBodyLimit(new URL(incoming.url).pathname));
  if (request instanceof Response) return request;
  return app.render(request, {
    locals,
    addCookieHeader: true,
    ...(locals.clientIp ? { clientAddress: locals.clientIp } : {}),
    // Every page renders on demand, 404 included: never fetch an error page over the network.
    prerenderedErrorPageFetch: async () => new Response(null, { status: 404 }),
  });
};

export default { handle };
