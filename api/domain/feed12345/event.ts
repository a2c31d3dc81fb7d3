import { z } from 'zod';
import { isStorableText, UNSTORABLE_MESSAGE, unstorableFields } from '../../contract/text.ts';
import { type FieldIssue, fieldIssues } from '../../errors.ts';
import { type Lang, t } from '../../i18n.ts';
import { blankToUndefined, FeedTime, optionalText } from './order.ts';

/**
 * One event the 12345 platform pushes about an order it already sent us
 * (`POST /feeds/12345/events`):
 *
 * - `redispatched`: it refused our return (退单被驳回) and dispatches the order again;
 * - `redo`: 重办 — a replied or closed order is to be handled again;
 * - `extension_decided`: its decision on our extension request (延期审批);
 * - `urged`: 催办/督办 — it presses us on the order;
 * - `appeal_decided`: its decision on our appeal of a rating (核减).
 *
 * `at` is when the platform did it, and with the type it names the event: the
 * same (order, type, at) pushed again is the same event (a retry), applied once.
 */
export const FEED_EVENT_TYPES = ['redispatched', 'redo', 'extension_decided', 'urged', 'appeal_decided'] as const;
export type FeedEventType = (typeof FEED_EVENT_TYPES)[number];

export const FeedEventShape = {
  orderNo: z.string().trim().min(1).max(64).meta({ description: '工单编号 of an order pushed before', example: 'TJ2026030500123' }),
  type: z.enum(FEED_EVENT_TYPES).meta({ description: 'redispatched | redo | extension_decided | urged | appeal_decided' }),
  at: FeedTime.meta({ description: 'When the platform did it; with orderNo and type, the identity of the event (a repeat is applied once)' }),
  newDueAt: z.preprocess(blankToUndefined, FeedTime.optional()).meta({
    description: 'The platform’s reply deadline from now on: required for redispatched and redo; for an approved extension (default: the date we asked for)',
  }),
  ackDueAt: z.preprocess(blankToUndefined, FeedTime.optional()).meta({ description: 'redispatched: the new acknowledge (签收) deadline; default local policy' }),
  approved: z.boolean().optional().meta({ description: 'extension_decided and appeal_decided: the platform’s decision' }),
  appealId: z.number().int().positive().optional().meta({ description: 'appeal_decided: the `appealId` of our `appeal` callback (default: the order’s one appeal awaiting a decision)' }),
  reason: optionalText(1000).meta({ description: 'Why (e.g. why the return was refused, why the order is redone); kept on the internal timeline' }),
  text: optionalText(2000).meta({ description: 'The urging text (催办意见), or the platform’s note on a decision; internal' }),
};

const FeedEventObject = z.object(FeedEventShape);
export type FeedEvent = z.output<typeof FeedEventObject>;

const EVENT_FIELDS = Object.keys(FeedEventShape);

export type NormalizedEvent = { ok: true; event: FeedEvent; key: string } | { ok: false; orderNo: string | null; fields: FieldIssue[] };

/** Clock skew allowed on the platform's times, as on its signatures. */
const FUTURE_TOLERANCE_MS = 5 * 60_000;

/**
 * Validates one raw event: the fields, then what its type needs (a deadline
 * after the event, a decision). `key` is the event's content in a fixed form:
 * a repeat with the same (order, type, at) and another key is a different event
 * under a used identity, refused rather than applied over the first.
 */
export function normalizeEvent(raw: unknown, env: { now: Date; lang: Lang }): NormalizedEvent {
  const rawNo = (raw as { orderNo?: unknown } | null)?.orderNo;
  const orderNoGuess = typeof rawNo === 'string' && rawNo.trim() && isStorableText(rawNo) ? rawNo.trim().slice(0, 64) : null;
  const unstorable = unstorableFields(raw, EVENT_FIELDS).map((field) => issue(field, UNSTORABLE_MESSAGE, env.lang));
  const parsed = FeedEventObject.safeParse(raw);
  if (!parsed.success || unstorable.length) {
    return { ok: false, orderNo: orderNoGuess, fields: [...unstorable, ...(parsed.success ? [] : fieldIssues(parsed.error, env.lang))] };
  }
  const e = parsed.data;
  const fields: FieldIssue[] = [];
  if (e.at.getTime() > env.now.getTime() + FUTURE_TOLERANCE_MS) fields.push(issue('at', 'feed.time_future', env.lang));
  const needsDue = e.type === 'redispatched' || e.type === 'redo';
  if (needsDue && !e.newDueAt) fields.push(issue('newDueAt', 'field.required', env.lang));
  if (e.newDueAt && e.newDueAt.getTime() <= e.at.getTime()) fields.push(issue('newDueAt', 'feed.event_due_before', env.lang));
  if (e.ackDueAt && (e.type !== 'redispatched' || e.ackDueAt.getTime() < e.at.getTime() || (e.newDueAt && e.ackDueAt.getTime() > e.newDueAt.getTime()))) {
    fields.push(issue('ackDueAt', 'feed.ack_outside', env.lang));
  }
  if ((e.type === 'extension_decided' || e.type === 'appeal_decided') && e.approved === undefined) fields.push(issue('approved', 'field.required', env.lang));
  if (fields.length) return { ok: false, orderNo: e.orderNo, fields };
  return { ok: true, event: e, key: eventKey(e) };
}

/** The event's content in a fixed order and form, for telling a repeat from a different event. */
function eventKey(e: FeedEvent): string {
  return JSON.stringify([
    e.type,
    e.at.toISOString(),
    e.newDueAt?.toISOString() ?? null,
    e.ackDueAt?.toISOString() ?? null,
    e.approved ?? null,
    e.appealId ?? null,
    e.reason ?? null,
    e.text ?? null,
  ]);
}

function issue(field: string, key: string, lang: Lang): FieldIssue {
  return { field, code: 'invalid', message: t(lang, key) };
}
