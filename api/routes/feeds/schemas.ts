import { z } from '@hono/zod-openapi';
import { RESOLUTIONS, SATISFACTIONS } from '../../contract/enums.ts';
import { text } from '../../contract/text.ts';
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
