import { Hono, type MiddlewareHandler } from 'hono';
import { secureHeaders } from 'hono/secure-headers';

type SecureHeadersOptions = NonNullable<Parameters<typeof secureHeaders>[0]>;

/**
 * Hono's secureHeaders, with its headers set before the handler runs rather
 * than after. The values are Hono's own: they are read once from its middleware
 * (run on a throwaway app on the first request) and then set with `c.header()`,
 * which keeps them with the response the handler builds. Hono's middleware sets
 * them on `c.res.headers` after the handler instead, which on Node turns
 * @hono/node-server's lightweight response into a full web Headers object on
 * every request — a third of the framework's cost on the status lookup.
 *
 * Holds for every API route because each one answers through the context
 * (c.json, c.body, c.redirect, c.html), errors included.
 */
export function secureHeadersUpFront(options: SecureHeadersOptions): MiddlewareHandler {
  const probe = new Hono().use(secureHeaders(options)).get('/', (c) => c.body(null, 204));
  let reading: Promise<Array<[string, string]>> | undefined;
  let headers: Array<[string, string]> | undefined;
  return async (c, next) => {
    if (!headers) {
      reading ??= Promise.resolve(probe.request('/')).then((res) => [...res.headers].filter(([name]) => name !== 'content-type' && name !== 'content-length'));
      headers = await reading;
    }
    for (const [name, value] of headers) c.header(name, value);
    await next();
  };
}
