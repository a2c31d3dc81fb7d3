import { createRoute, type z } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import type { AppEnv } from '../../context.ts';
import { recordFeedEvaluation } from '../../domain/feed12345/evaluation.ts';
import { ingestOrders, MAX_ORDERS_PER_PUSH } from '../../domain/feed12345/ingest.ts';
import { answerOnce, type SignatureClaim } from '../../domain/feed12345/replay.ts';
import { verifyFeedSignature } from '../../domain/feed12345/signature.ts';
import { DomainError, invalidInput } from '../../errors.ts';
import { limitBody } from '../../http/body-limit.ts';
import { errorResponses } from '../../http/envelope.ts';
import type { FeedRouter } from '../routers.ts';
import { FeedEvaluation, FeedEvaluationResult, FeedOrder, FeedOrderResults, FeedPush, SignatureHeaders } from './schemas.ts';

/** 500 orders of up to 4,000 characters of Chinese each, with room to spare. */
export const FEED_BODY_LIMIT = 10 * 1024 * 1024;

/** The verified signature of each request, for the handler to claim against replays. */
const claims = new WeakMap<Request, SignatureClaim>();

/**
 * Every feed request: the feed must be configured (503 while FEED_12345_SECRET
 * is unset — the platform retries 5xx, so nothing is lost while the office
 * fixes its configuration), the body within the limit (413), and the
 * X-Signature valid over the raw body and fresh (401 invalid_signature,
 * `details.reason` says which check failed). All before the body is parsed.
 */
const signedFeed: MiddlewareHandler<AppEnv>[] = [
  async (c, next) => {
    if (!c.get('ctx').config.feed12345.secret) throw new DomainError('unavailable', 'feed.not_configured');
    await next();
  },
  limitBody(FEED_BODY_LIMIT),
  async (c, next) => {
    const ctx = c.get('ctx');
    const body = await c.req.text();
    const verdict = await verifyFeedSignature({ secret: ctx.config.feed12345.secret!, header: c.req.header('x-signature'), body, now: ctx.clock.now() });
    if (!verdict.ok) {
      ctx.logger.warn('12345 signature refused', { requestId: ctx.requestId, path: c.req.path, reason: verdict.reason });
      throw new DomainError('invalid_signature', 'feed.signature_invalid', {}, { reason: verdict.reason });
    }
    claims.set(c.req.raw, { t: verdict.t, mac: verdict.mac });
    await next();
  },
];

export const feedOrdersRoute = createRoute({
  method: 'post',
  path: '/feeds/12345/orders',
  tags: ['12345 feed'],
  summary: 'Push 12345 work orders',
  description:
    'One order, or `{ "orders": [...] }` with up to 500. Idempotent on `orderNo`: a repeat is `unchanged`, a repeat with changes is `updated` ' +
    '(one timeline event lists the changed fields), a change to an order whose case is closed, returned or merged is `rejected`. ' +
    'Each order is answered on its own; one bad order does not sink the push. The order’s own `dueAt` and `ackDueAt` override local policy. ' +
    'Unsigned, stale (over 5 minutes), future or wrongly signed requests are refused with 401 and store nothing. ' +
    'An identical repeat of an answered request (same signature, same body: a retry after a lost response) gets the first answer again ' +
    '(header `Idempotent-Replayed: true`) and changes nothing.',
  request: {
    headers: SignatureHeaders,
    body: { required: true, content: { 'application/json': { schema: FeedPush } } },
  },
  responses: {
    200: { description: 'One result per order, in the order sent', content: { 'application/json': { schema: FeedOrderResults } } },
    ...errorResponses({
      400: 'Not JSON, not an order or a list of orders, or an empty list',
      401: 'Missing, invalid, stale or replayed signature',
      413: 'More than 500 orders, or a body over 10 MB',
      503: 'The feed is not configured (no FEED_12345_SECRET)',
    }),
  },
});

export const feedEvaluationsRoute = createRoute({
  method: 'post',
  path: '/feeds/12345/evaluations',
  tags: ['12345 feed'],
  summary: 'Push a 12345 follow-up result (回访)',
  description:
    'Recorded once per reply round; the same result again answers `unchanged`. A dissatisfied result flags the case for the dispatcher (or reopens it, as the office configures). ' +
    'Signed like the orders; an identical repeat of an answered request gets the first answer again.',
  request: {
    headers: SignatureHeaders,
    body: { required: true, content: { 'application/json': { schema: FeedEvaluation } } },
  },
  responses: {
    200: { description: 'Recorded, or already recorded', content: { 'application/json': { schema: FeedEvaluationResult } } },
    ...errorResponses({
      400: 'Invalid fields',
      401: 'Missing, invalid, stale or replayed signature',
      404: 'No case for this order number',
      409: 'The case has not been replied to, or a different result is already recorded for this reply',
      413: 'Body too large',
      503: 'The feed is not configured (no FEED_12345_SECRET)',
    }),
  },
});

/** The orders of a push: a list under `orders`, or the body itself as one order. */
function ordersOf(body: unknown): unknown[] {
  if (body && typeof body === 'object' && 'orders' in body) {
    const orders = (body as { orders: unknown }).orders;
    if (!Array.isArray(orders)) throw invalidInput('feed.orders_not_list', [{ field: 'orders', code: 'invalid_type', message: 'feed.orders_not_list' }]);
    if (orders.length === 0) throw invalidInput('feed.no_orders', [{ field: 'orders', code: 'too_small', message: 'feed.no_orders' }]);
    if (orders.length > MAX_ORDERS_PER_PUSH) {
      throw new DomainError('invalid_input', 'feed.too_many_orders', { max: MAX_ORDERS_PER_PUSH, count: orders.length }, undefined, 413);
    }
    return orders;
  }
  return [body];
}

export function registerFeedRoutes(router: FeedRouter) {
  router.openAPIRegistry.register('FeedOrder', FeedOrder);

  router.openapi({ ...feedOrdersRoute, middleware: signedFeed }, async (c) => {
    const orders = ordersOf(c.req.valid('json'));
    const answer = await answerOnce(c.get('ctx'), claims.get(c.req.raw)!, async (tx) => {
      const outcome = await ingestOrders({ ctx: tx, input: { orders, source: 'feed' } });
      tx.logger.info('12345 orders', { requestId: c.get('requestId'), ...outcome.counts });
      const results = outcome.results.map((r) =>
        r.result === 'rejected'
          ? { index: r.index, orderNo: r.orderNo, result: r.result, reason: r.reason }
          : { index: r.index, orderNo: r.orderNo, result: r.result, trackingCode: r.trackingCode, ...(r.result === 'updated' ? { changes: r.changes } : {}) },
      );
      return { status: 200, body: { results, counts: outcome.counts } satisfies OrderResults };
    });
    return c.json(answer.body as OrderResults, 200, repeatHeaders(c, answer.repeat));
  });

  router.openapi({ ...feedEvaluationsRoute, middleware: signedFeed }, async (c) => {
    const body = c.req.valid('json');
    const answer = await answerOnce(c.get('ctx'), claims.get(c.req.raw)!, async (tx) => {
      const outcome = await recordFeedEvaluation({ ctx: tx, input: body });
      return { status: 200, body: { orderNo: body.orderNo, ...outcome } satisfies EvaluationResult };
    });
    return c.json(answer.body as EvaluationResult, 200, repeatHeaders(c, answer.repeat));
  });
}

type OrderResults = z.infer<typeof FeedOrderResults>;
type EvaluationResult = z.infer<typeof FeedEvaluationResult>;

/** A repeat of an answered request says so, for the platform's operators reading their logs. */
function repeatHeaders(c: Context<AppEnv>, repeat: boolean): Record<string, string> {
  if (!repeat) return {};
  c.get('ctx').logger.info('12345 repeat answered from the stored answer', { requestId: c.get('requestId'), path: c.req.path });
  return { 'idempotent-replayed': 'true' };
}
