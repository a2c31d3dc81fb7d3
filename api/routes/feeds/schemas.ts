import { z } from '@hono/zod-openapi';
import { RESOLUTIONS, SATISFACTIONS } from '../../contract/enums.ts';
import { text } from '../../contract/text.ts';
import { CALLBACK_EVENTS } from '../../domain/feed12345/callback.ts';
import { FeedEventShape } from '../../domain/feed12345/event.ts';
import { FeedOrderShape, parseFeedTime } from '../../domain/feed12345/order.ts';

/**
 * The wire side of the 12345 feed. Orders are validated one by one in the
 * domain (a bad order is rejected alone, not the whole push), so the push's
 * own schema only checks its shape; the documentation shows FeedOrder.
 */
/** One order as documented; the domain validates each order with the same fields. */
export const FeedOrder = z.object(FeedOrderShape).openapi('FeedOrder');

const OrderItem = z
  .custom<Record<string, unknown>>((v) => typeof v === 'object' && v !== null && !Array.isArray(v))
  .openapi({ type: 'object', $ref: '#/components/schemas/FeedOrder' } as never);

/** Any item: one that is not an order is rejected on its own, not with the push. */
const BatchItem = z.unknown().openapi({ $ref: '#/components/schemas/FeedOrder' } as never);

export const FeedOrderBatch = z.object({ orders: z.array(BatchItem).openapi({ maxItems: 500, minItems: 1 }) }).openapi('FeedOrderBatch');

export const FeedPush = z.union([FeedOrderBatch, OrderItem]).openapi('FeedPush', { description: 'One order, or `{ "orders": [...] }` with up to 500.' });

export const SignatureHeaders = z.object({
  'x-signature': z
    .string()
    .optional()
    .openapi({
      param: { name: 'x-signature', in: 'header', required: true },
      description:
        '`t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`; within 5 minutes of our clock; sign every request afresh (an identical resend within the window is refused as a replay).',
      example: 't=1772692200,v1=5d41402abc4b2a76b9719d911017c592a1b2c3d4e5f60718293a4b5c6d7e8f90',
    }),
});

const FieldIssue = z.object({ field: z.string(), code: z.string(), message: z.string() });

export const FeedOrderResult = z
  .object({
    index: z.number().int().openapi({ description: 'Position of the order in the push (0 for a single order)' }),
    orderNo: z.string().nullable(),
    result: z.enum(['created', 'updated', 'unchanged', 'rejected']),
    trackingCode: z.string().optional().openapi({ description: 'The case (not for rejected orders)' }),
    changes: z.array(z.string()).optional().openapi({ description: 'For updated: the fields that changed (personal fields named only)' }),
    reason: z
      .object({ code: z.enum(['invalid_order', 'case_finished', 'internal']), message: z.string(), fields: z.array(FieldIssue).optional() })
      .optional()
      .openapi({ description: 'For rejected: why, in the caller’s language (Accept-Language). `internal` may be pushed again.' }),
  })
  .openapi('FeedOrderResult');

export const FeedOrderResults = z
  .object({
    results: z.array(FeedOrderResult),
    counts: z.object({ created: z.number().int(), updated: z.number().int(), unchanged: z.number().int(), rejected: z.number().int() }),
  })
  .openapi('FeedOrderResults');

export const FeedEvaluation = z
  .object({
    orderNo: text().trim().min(1).max(64),
    resolved: z.enum(RESOLUTIONS),
    satisfaction: z.enum(SATISFACTIONS),
    evaluatedAt: z
      .string()
      .max(40)
      .transform((v, ctx) => {
        const at = parseFeedTime(v);
        if (!at) ctx.addIssue({ code: 'custom', message: 'feed.time_invalid' });
        return at ?? new Date(0);
      })
      .openapi({ example: '2026-03-12T10:00:00+08:00' }),
    comment: z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : (v ?? undefined)), text().trim().max(1000).optional()),
  })
  .openapi('FeedEvaluation');

export const FeedEvaluationResult = z
  .object({
    orderNo: z.string(),
    result: z.enum(['recorded', 'unchanged']),
    trackingCode: z.string(),
    replyRound: z.number().int().openapi({ description: '0 for the first reply, 1 after one reopening (重办)…' }),
  })
  .openapi('FeedEvaluationResult');

/** One platform event as documented; the domain validates each event with the same fields. */
export const FeedEvent = z.object(FeedEventShape).openapi('FeedEvent', {
  description:
    'An event about an order pushed before. Times without an offset are Beijing time. The same `orderNo`, `type` and `at` again is the same event: ' +
    'applied once, `unchanged` after; with other content it is `rejected` (`event_differs`).',
  examples: [
    { orderNo: 'TJ2026030500123', type: 'redispatched', at: '2026-03-06T09:00:00+08:00', newDueAt: '2026-03-13T18:00:00+08:00', reason: '经核实属于站区职责范围，退单驳回' },
    { orderNo: 'TJ2026030500123', type: 'redo', at: '2026-03-14T10:00:00+08:00', newDueAt: '2026-03-19T18:00:00+08:00', reason: '回访不满意，重办' },
    { orderNo: 'TJ2026030500123', type: 'extension_decided', at: '2026-03-10T15:00:00+08:00', approved: true, newDueAt: '2026-03-17T18:00:00+08:00', text: '同意延期' },
    { orderNo: 'TJ2026030500123', type: 'extension_decided', at: '2026-03-10T15:00:00+08:00', approved: false, text: '时限内可办结，不予延期' },
    { orderNo: 'TJ2026030500123', type: 'urged', at: '2026-03-11T09:30:00+08:00', text: '市民多次来电，请加快办理' },
    { orderNo: 'TJ2026030500123', type: 'appeal_decided', at: '2026-03-20T11:00:00+08:00', appealId: 17, approved: true, text: '情况属实，予以核减' },
  ] as never,
});

const EventItem = z
  .custom<Record<string, unknown>>((v) => typeof v === 'object' && v !== null && !Array.isArray(v))
  .openapi({ type: 'object', $ref: '#/components/schemas/FeedEvent' } as never);
const EventBatchItem = z.unknown().openapi({ $ref: '#/components/schemas/FeedEvent' } as never);

export const FeedEventBatch = z.object({ events: z.array(EventBatchItem).openapi({ maxItems: 500, minItems: 1 }) }).openapi('FeedEventBatch');

export const FeedEventPush = z.union([FeedEventBatch, EventItem]).openapi('FeedEventPush', { description: 'One event, or `{ "events": [...] }` with up to 500.' });

export const FeedEventResult = z
  .object({
    index: z.number().int().openapi({ description: 'Position of the event in the push (0 for a single event)' }),
    orderNo: z.string().nullable(),
    type: z.string().nullable(),
    result: z.enum(['applied', 'unchanged', 'rejected']),
    trackingCode: z.string().optional().openapi({ description: 'The case (not for rejected events)' }),
    reason: z
      .object({ code: z.enum(['invalid_event', 'unknown_order', 'invalid_state', 'event_differs', 'internal']), message: z.string(), fields: z.array(FieldIssue).optional() })
      .optional()
      .openapi({
        description:
          'For rejected: why, in the caller’s language. `invalid_state`: the case is not where the event applies (e.g. a redo of an open case, a decision with no pending request). `internal` may be pushed again.',
      }),
  })
  .openapi('FeedEventResult');

export const FeedEventResults = z
  .object({
    results: z.array(FeedEventResult),
    counts: z.object({ applied: z.number().int(), unchanged: z.number().int(), rejected: z.number().int() }),
  })
  .openapi('FeedEventResults', {
    example: {
      results: [
        { index: 0, orderNo: 'TJ2026030500123', type: 'urged', result: 'applied', trackingCode: 'K7P4M9Q2XW' },
        { index: 1, orderNo: 'TJ2026030500999', type: 'urged', result: 'rejected', reason: { code: 'unknown_order', message: '没有工单 TJ2026030500999' } },
      ],
      counts: { applied: 1, unchanged: 0, rejected: 1 },
    },
  });

/**
 * The callbacks we send (outgoing: POST to FEED_12345_CALLBACK_URL through the
 * outbox, signed like the pushes, with an Idempotency-Key header that stays the
 * same on every retry). Documented as a component: OpenAPI has no place for a
 * request we make to an address the platform configures.
 */
export const FeedCallback = z
  .object({
    orderNo: z.string(),
    event: z.enum(CALLBACK_EVENTS),
    at: z.string().openapi({ description: 'When it happened here (UTC, ISO 8601)' }),
    text: z.string().optional().openapi({ description: 'replied: the reply (for a merged order, its master’s reply)' }),
    newDueAt: z.string().optional().openapi({ description: 'extension_requested: the date asked for; reopened: the new reply deadline' }),
    reason: z.string().optional().openapi({ description: 'extension_requested, returned, reopened: why; appeal: the reasons of the appeal' }),
    masterTrackingCode: z.string().optional().openapi({ description: 'merged (and a merged order’s replied): the case it is handled with' }),
    masterOrderNo: z.string().optional().openapi({ description: 'merged: the master’s order number, when the master is a 12345 order too' }),
    appealId: z.number().int().optional().openapi({ description: 'appeal: name it in the `appeal_decided` event' }),
    replyRound: z.number().int().optional().openapi({ description: 'appeal: the reply round of the appealed rating (0 = first reply)' }),
    satisfaction: z.string().optional().openapi({ description: 'appeal: the appealed rating' }),
    evaluatedAt: z.string().optional().openapi({ description: 'appeal: when the appealed rating was given' }),
  })
  .openapi('FeedCallback', {
    description:
      'Outgoing: the body of each callback we POST to the platform. `acknowledged` (签收), `replied` (答复), `extension_requested` (延期申请; the platform answers with an ' +
      '`extension_decided` event), `returned` (退单; a refusal comes back as `redispatched`), `merged` (并案), `reopened` (重办 decided here), `appeal` (核减申诉; ' +
      'decided by an `appeal_decided` event). Headers: `X-Signature` as on pushes, `Idempotency-Key` (drop a repeat), `Content-Type: application/json`. ' +
      '2xx takes it; 408, 429 and 5xx are retried with backoff (after Retry-After when given); any other answer stops the retries.',
    examples: [
      { orderNo: 'TJ2026030500123', event: 'acknowledged', at: '2026-03-05T02:40:00.000Z' },
      { orderNo: 'TJ2026030500123', event: 'replied', at: '2026-03-06T08:00:00.000Z', text: '已安排执法人员到场处理，拉客人员已劝离' },
      { orderNo: 'TJ2026030500123', event: 'extension_requested', at: '2026-03-09T03:00:00.000Z', reason: '需协调铁路公安联合整治', newDueAt: '2026-03-17T10:00:00.000Z' },
      { orderNo: 'TJ2026030500123', event: 'returned', at: '2026-03-05T03:00:00.000Z', reason: '不属于站区管理范围' },
      { orderNo: 'TJ2026030500456', event: 'merged', at: '2026-03-05T03:10:00.000Z', masterTrackingCode: 'K7P4M9Q2XW', masterOrderNo: 'TJ2026030500123' },
      {
        orderNo: 'TJ2026030500456',
        event: 'replied',
        at: '2026-03-06T08:00:00.000Z',
        text: '已安排执法人员到场处理，拉客人员已劝离',
        masterTrackingCode: 'K7P4M9Q2XW',
        masterOrderNo: 'TJ2026030500123',
      },
      { orderNo: 'TJ2026030500123', event: 'reopened', at: '2026-03-14T02:00:00.000Z', reason: '市民不满意，重新办理', newDueAt: '2026-03-19T10:00:00.000Z' },
      {
        orderNo: 'TJ2026030500123',
        event: 'appeal',
        at: '2026-03-15T06:00:00.000Z',
        appealId: 17,
        reason: '市民诉求为取消全国铁路运价，超出站区职责，已如实解释',
        replyRound: 0,
        satisfaction: 'dissatisfied',
        evaluatedAt: '2026-03-14T01:00:00.000Z',
      },
    ] as never,
  });
