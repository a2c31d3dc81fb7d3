import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { AppEnv } from '../context.ts';
import { DomainError } from '../errors.ts';

/**
 * Refuses a request body over `maxSize` bytes with 413 in the error envelope.
 *
 * A body that declares its Content-Length is judged by the header: both
 * runtimes' HTTP parsers deliver exactly that many bytes, never more. Only a
 * streamed body (Transfer-Encoding, no length) goes through Hono's counting
 * reader. The split matters on Node: Hono's middleware touches
 * `c.req.raw.body`, which makes @hono/node-server build a full web Request and
 * ReadableStream for every request instead of reading the socket directly — on
 * the intake route that was the largest single cost after the database.
 */
export function limitBody(maxSize: number): MiddlewareHandler<AppEnv> {
  const tooLarge = (): never => {
    throw new DomainError('invalid_input', 'payload_too_large', { limit: maxSize }, undefined, 413);
  };
  const streamed = bodyLimit({ maxSize, onError: tooLarge });
  return async (c, next) => {
    const declared = c.req.header('content-length');
    if (declared !== undefined && c.req.header('transfer-encoding') === undefined) {
      const length = Number(declared);
      if (Number.isSafeInteger(length) && length >= 0) {
        if (length > maxSize) tooLarge();
        return next();
      }
    }
    return streamed(c, next);
  };
}
