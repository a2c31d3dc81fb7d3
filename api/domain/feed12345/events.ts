import { and, eq, sql } from 'drizzle-orm';
import { caseEvents, cases } from '../../../db/schema.ts';
import { rowsOf } from '../../../db/statement.ts';
import type { Ctx } from '../../context.ts';
import type { FieldIssue } from '../../errors.ts';
import { t } from '../../i18n.ts';
import { describeError } from '../../logger.ts';
import type { FeedEventType } from './event.ts';
import { type NormalizedEvent, normalizeEvent } from './event.ts';
import { applyFeedEvent, type EventStamp } from './event-effects.ts';
import { isRetryable, retryingTransaction } from './replay.ts';

export const MAX_EVENTS_PER_PUSH = 500;

export type EventRejectCode = 'invalid_event' | 'unknown_order' | 'invalid_state' | 'event_differs' | 'internal';

export type EventResult =
  | { index: number; orderNo: string; type: FeedEventType; result: 'applied' | 'unchanged'; trackingCode: string }
  | { index: number; orderNo: string | null; type: string | null; result: 'rejected'; reason: { code: EventRejectCode; message: string; fields?: FieldIssue[] } };

export interface EventsOutcome {
  results: EventResult[];
  counts: Record<EventResult['result'], number>;
}

type Valid = { index: number } & Extract<NormalizedEvent, { ok: true }>;

/**
 * Takes a push of platform events (redispatch, redo, extension decision,
 * urging, appeal decision) about orders it sent before. Each event is answered
 * on its own: `applied`, `unchanged` (the same event again — a retry — changes
 * nothing) or `rejected` with the reason; one bad event does not sink the push.
 *
 * One transaction per push. The cases named are locked first, in order-number
 * order (as order pushes lock theirs, so overlapping pushes cannot deadlock
 * for long; a deadlock retries the push), then the events are applied in the
 * order sent, each in a savepoint: two events about one order (a re-dispatch,
 * then an urging) see each other.
 */
export async function ingestEvents({ ctx, input }: { ctx: Ctx; input: { events: unknown[] } }): Promise<EventsOutcome> {
  const now = ctx.clock.now();
  const results: Array<EventResult | undefined> = new Array(input.events.length);
  const valid: Valid[] = [];
  input.events.forEach((raw, index) => {
    const n = normalizeEvent(raw, { now, lang: ctx.lang });
    if (n.ok) valid.push({ index, ...n });
    else results[index] = rejected(ctx, index, n.orderNo, typeOf(raw), 'invalid_event', undefined, n.fields);
  });

  const written = await retryingTransaction(ctx, async (tx) => {
    const ids = await lockCases(
      tx,
      valid.map((v) => v.event.orderNo),
    );
    const out: EventResult[] = [];
    for (const v of valid) out.push(await applyOne(tx, v, ids.get(v.event.orderNo)));
    return out;
  });
  for (const r of written) results[r.index] = r;
  const final = results as EventResult[];
  const counts = { applied: 0, unchanged: 0, rejected: 0 };
  for (const r of final) counts[r.result]++;
  return { results: final, counts };
}

async function applyOne(tx: Ctx, v: Valid, caseId: string | undefined): Promise<EventResult> {
  const e = v.event;
  if (!caseId) return rejected(tx, v.index, e.orderNo, e.type, 'unknown_order', { key: 'feed.order_not_found', params: { orderNo: e.orderNo } });
  const stamp: EventStamp = { type: e.type, at: e.at.toISOString(), key: v.key };
  try {
    // Each event in a savepoint: a refused or failing one leaves no trace, the others stand.
    return await tx.db.transaction(async (sp) => {
      const sub: Ctx = { ...tx, db: sp as unknown as Ctx['db'], inTransaction: true };
      const [row] = await sub.db.select().from(cases).where(eq(cases.id, caseId));
      if (!row) return rejected(sub, v.index, e.orderNo, e.type, 'unknown_order', { key: 'feed.order_not_found', params: { orderNo: e.orderNo } });
      const prior = await priorKey(sub, caseId, stamp);
      if (prior !== undefined) {
        if (prior === stamp.key) return { index: v.index, orderNo: e.orderNo, type: e.type, result: 'unchanged', trackingCode: row.trackingCode };
        return rejected(sub, v.index, e.orderNo, e.type, 'event_differs', { key: 'feed.event_differs' });
      }
      const effect = await applyFeedEvent(sub, row, e, stamp);
      if (!effect.applied) throw new Refused(effect.messageKey, effect.params);
      return { index: v.index, orderNo: e.orderNo, type: e.type, result: 'applied', trackingCode: row.trackingCode };
    });
  } catch (err) {
    if (err instanceof Refused) return rejected(tx, v.index, e.orderNo, e.type, 'invalid_state', { key: err.message, params: err.params });
    if (isRetryable(err)) throw err;
    tx.logger.error('12345 event failed', { requestId: tx.requestId, orderNo: e.orderNo, type: e.type, ...describeError(err) });
    return rejected(tx, v.index, e.orderNo, e.type, 'internal');
  }
}

/** Thrown inside the savepoint so that whatever the effect wrote before refusing is rolled back. */
class Refused extends Error {
  constructor(
    key: string,
    readonly params: Record<string, string | number> = {},
  ) {
    super(key);
  }
}

/** The content key of the event already applied under this identity (order, type, at), if any. */
async function priorKey(ctx: Ctx, caseId: string, stamp: EventStamp): Promise<string | undefined> {
  const [prior] = await ctx.db
    .select({ key: sql<string>`${caseEvents.data}->'feedEvent'->>'key'` })
    .from(caseEvents)
    .where(and(eq(caseEvents.caseId, caseId), sql`${caseEvents.data}->'feedEvent'->>'type' = ${stamp.type}`, sql`${caseEvents.data}->'feedEvent'->>'at' = ${stamp.at}`))
    .limit(1);
  return prior?.key;
}

/** Locks the cases of these order numbers, in order-number order, one index probe each. */
async function lockCases(tx: Ctx, orderNos: string[]): Promise<Map<string, string>> {
  const map = new Map<string, string>();
  const distinct = [...new Set(orderNos)].sort();
  if (!distinct.length) return map;
  const locked = rowsOf<{ id: string; order_no: string }>(
    await tx.db.execute(sql`
      SELECT c.id, k.order_no FROM jsonb_array_elements_text(${JSON.stringify(distinct)}::jsonb) WITH ORDINALITY AS k(order_no, n),
      LATERAL (SELECT id FROM cases WHERE channel = '12345' AND external_ref = k.order_no FOR UPDATE) AS c
      ORDER BY k.n`),
  );
  for (const r of locked) map.set(r.order_no, r.id);
  return map;
}

function typeOf(raw: unknown): string | null {
  const type = (raw as { type?: unknown } | null)?.type;
  return typeof type === 'string' && type.length <= 32 && /^[a-z_]+$/.test(type) ? type : null;
}

function rejected(
  ctx: Ctx,
  index: number,
  orderNo: string | null,
  type: string | null,
  code: EventRejectCode,
  message?: { key: string; params?: Record<string, string | number> | undefined },
  fields?: FieldIssue[],
): EventResult {
  const text =
    code === 'invalid_event'
      ? t(ctx.lang, 'feed.event_invalid', { fields: [...new Set((fields ?? []).map((f) => f.field))].join(', ') })
      : message
        ? t(ctx.lang, message.key, message.params ?? {})
        : t(ctx.lang, 'feed.event_failed');
  return { index, orderNo, type, result: 'rejected', reason: { code, message: text, ...(fields?.length ? { fields } : {}) } };
}
