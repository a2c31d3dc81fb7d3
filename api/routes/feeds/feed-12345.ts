import { createRoute, type z } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import type { AppEnv } from '../../context.ts';
import { recordFeedEvaluation } from '../../domain/feed12345/evaluation.ts';
import { ingestEvents, MAX_EVENTS_PER_PUSH } from '../../domain/feed12345/events.ts';
import { ingestOrders, MAX_ORDERS_PER_PUSH } from '../../domain/feed12345/ingest.ts';
import { answerOnce, type SignatureClaim } from '../../domain/feed12345/replay.ts';
import { verifyFeedSignature } from '../../domain/feed12345/signature.ts';
import { DomainError, invalidInput } from '../../errors.ts';
import { limitBody } from '../../http/body-limit.ts';
import { errorResponses } from '../../http/envelope.ts';
import type { FeedRouter } from '../routers.ts';
import { FeedCallback, FeedEvaluation, FeedEvaluationResult, FeedEvent, FeedEventPush, FeedEventResults, FeedOrder, FeedOrderResults, FeedPush, SignatureHeaders } from './schemas.ts';

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
    '(one timeline event lists the changed fields), a change to an order whose case is closed, returned or merged is `rejected` — except a returned order ' +
    'pushed with a later `dispatchedAt`: the platform refused our return and dispatches it again, so the case comes back to the queue (`updated`). ' +
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

export const feedEventsRoute = createRoute({
  method: 'post',
  path: '/feeds/12345/events',
  tags: ['12345 feed'],
  summary: 'Push 12345 platform events (re-dispatch, redo, extension and appeal decisions, urging)',
  description:
    'One event, or `{ "events": [...] }` with up to 500, each about an order pushed before, answered one by one: `applied`, `unchanged` or `rejected` with the reason ' +
    '(`unknown_order`, `invalid_event`, `invalid_state`, `event_differs`, `internal`); one bad event does not sink the push. Events about one order are applied in the order sent.\n\n' +
    '- `redispatched` (退单被驳回, needs `newDueAt`; `ackDueAt`, `reason` optional): a returned order comes back to the queue — status `new`, no department, clocks from `at` ' +
    'with the platform’s deadline. Pushing the order itself again with a later `dispatchedAt` does the same.\n' +
    '- `redo` (重办, needs `newDueAt`): a replied or closed order is handled again by the platform’s deadline; an order already reopened here and not yet ' +
    'answered again takes that deadline.\n' +
    '- `extension_decided` (needs `approved`; `newDueAt` defaults to the date we asked for): closes our pending request; approved moves the reply deadline.\n' +
    '- `urged` (催办/督办, `text`): an escalation — internal timeline entry and a mail to the supervisors.\n' +
    '- `appeal_decided` (核减, needs `approved`; `appealId` from our `appeal` callback): accepted takes the rating out of the satisfaction and resolution figures.\n\n' +
    'The same `orderNo`, `type` and `at` is the same event: a repeat changes nothing and answers `unchanged`. Signed, and an identical resend answered from the first answer, as orders. ' +
    'What we send back is described by the `FeedCallback` schema.',
  request: {
    headers: SignatureHeaders,
    body: { required: true, content: { 'application/json': { schema: FeedEventPush } } },
  },
  responses: {
    200: { description: 'One result per event, in the order sent', content: { 'application/json': { schema: FeedEventResults } } },
    ...errorResponses({
      400: 'Not JSON, not an event or a list of events, or an empty list',
      401: 'Missing, invalid, stale or replayed signature',
      413: 'More than 500 events, or a body over 10 MB',
      503: 'The feed is not configured (no FEED_12345_SECRET)',
    }),
  },
});

/** The items of a push: a list under `key`, or the body itself as one item. */
function itemsOf(body: unknown, key: 'orders' | 'events', max: number): unknown[] {
  if (body && typeof body === 'object' && key in body) {
    const items = (body as Record<string, unknown>)[key];
    if (!Array.isArray(items)) throw invalidInput(`feed.${key}_not_list`, [{ field: key, code: 'invalid_type', message: `feed.${key}_not_list` }]);
    if (items.length === 0) throw invalidInput(`feed.no_${key}`, [{ field: key, code: 'too_small', message: `feed.no_${key}` }]);
    if (items.length > max) throw new DomainError('invalid_input', `feed.too_many_${key}`, { max, count: items.length }, undefined, 413);
    return items;
  }
  return [body];
}

/** The orders of a push: a list under `orders`, or the body itself as one order. */
const ordersOf = (body: unknown) => itemsOf(body, 'orders', MAX_ORDERS_PER_PUSH);

export function registerFeedRoutes(router: FeedRouter) {
  router.openAPIRegistry.register('FeedOrder', FeedOrder);
  router.openAPIRegistry.register('FeedEvent', FeedEvent);
  router.openAPIRegistry.register('FeedCallback', FeedCallback);

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

  router.openapi({ ...feedEventsRoute, middleware: signedFeed }, async (c) => {
    const events = itemsOf(c.req.valid('json'), 'events', MAX_EVENTS_PER_PUSH);
    const answer = await answerOnce(c.get('ctx'), claims.get(c.req.raw)!, async (tx) => {
      const outcome = await ingestEvents({ ctx: tx, input: { events } });
      tx.logger.info('12345 events', { requestId: c.get('requestId'), ...outcome.counts });
      return { status: 200, body: { results: outcome.results, counts: outcome.counts } satisfies EventResults };
    });
    return c.json(answer.body as EventResults, 200, repeatHeaders(c, answer.repeat));
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
type EventResults = z.infer<typeof FeedEventResults>;

/** A repeat of an answered request says so, for the platform's operators reading their logs. */
function repeatHeaders(c: Context<AppEnv>, repeat: boolean): Record<string, string> {
  if (!repeat) return {};
  c.get('ctx').logger.info('12345 repeat answered from the stored answer', { requestId: c.get('requestId'), path: c.req.path });
  return { 'idempotent-replayed': 'true' };
}
