import { eq, inArray, sql } from 'drizzle-orm';
import { cases, feedOrders } from '../../../db/schema.ts';
import type { Ctx } from '../../context.ts';
import { withTransaction } from '../../context.ts';
import type { FieldIssue } from '../../errors.ts';
import { t } from '../../i18n.ts';
import { describeError, errorCode } from '../../logger.ts';
import type { CaseRow } from '../cases/transition.ts';
import { newTrackingCode } from '../cases/tracking-code.ts';
import { workdayLookup } from '../deadlines/calendar.ts';
import type { Reference } from '../reference.ts';
import { type NormalizedOrder, normalizeOrder } from './normalize.ts';
import type { OrderSnapshot } from './order.ts';
import { isRetryable, resultRows } from './replay.ts';
import { applyOrderUpdate } from './update.ts';

export const MAX_ORDERS_PER_PUSH = 500;

export type RejectCode = 'invalid_order' | 'case_finished' | 'internal';

export type OrderResult =
  | { index: number; orderNo: string; result: 'created' | 'unchanged'; trackingCode: string; caseId: string }
  | { index: number; orderNo: string; result: 'updated'; trackingCode: string; caseId: string; changes: string[] }
  | { index: number; orderNo: string | null; result: 'rejected'; reason: { code: RejectCode; message: string; fields?: FieldIssue[] } };

export interface IngestInput {
  orders: unknown[];
  /** `feed` for a push, `import` for the CSV import; recorded in the created event. */
  source: 'feed' | 'import';
  /** Station code for orders that name none (default: the first station). */
  defaultStation?: string | undefined;
  /** Who the timeline names (actor type `feed`). */
  actorId?: string | undefined;
}

export interface IngestOutcome {
  results: OrderResult[];
  counts: Record<OrderResult['result'], number>;
}

type Valid = { index: number; order: NormalizedOrder };

/**
 * Takes a push (or an import batch) of 12345 orders. Each order is validated on
 * its own; a bad one is `rejected` with the reason and the rest go on.
 *
 * One transaction per push. New orders go in with one multi-row statement
 * (case, `created` event and the feed's record of the order), `ON CONFLICT DO
 * NOTHING` on the (channel, external_ref) unique index: an order created by a
 * concurrent push meanwhile is then handled as a repeat. Known orders are
 * compared with their last version and updated one by one, each in a
 * savepoint, so a failing order rolls back alone. If the multi-row statement
 * fails, the new orders are retried one per savepoint, so one bad order never
 * sinks the batch. Rows are locked in order-number order, and a deadlock
 * between two overlapping pushes is retried.
 *
 * Feed cases send no receipt SMS: the platform owns the conversation with the
 * caller (and a historical import must not text thousands of people).
 */
export async function ingestOrders({ ctx, input }: { ctx: Ctx; input: IngestInput }): Promise<IngestOutcome> {
  const ref = await ctx.reference.get(ctx.db);
  const env = { ref, isWorkday: workdayLookup(ref.workdays), now: ctx.clock.now(), lang: ctx.lang, defaultStation: input.defaultStation };
  const results: Array<OrderResult | undefined> = new Array(input.orders.length);
  const valid: Valid[] = [];
  input.orders.forEach((raw, index) => {
    const n = normalizeOrder(raw, env);
    if (n.ok) valid.push({ index, order: n.order });
    else results[index] = rejected(ctx, index, n.orderNo, 'invalid_order', n.fields);
  });

  for (let attempt = 1; ; attempt++) {
    try {
      const written = await withTransaction(ctx, async (tx) => {
        return writeOrders(tx, ref, valid, input);
      });
      for (const r of written) results[r.index] = r;
      break;
    } catch (err) {
      if (attempt < 4 && !ctx.inTransaction && isRetryable(err)) {
        ctx.logger.warn('12345 push retried', { requestId: ctx.requestId, attempt, code: errorCode(err) });
        continue;
      }
      throw err;
    }
  }
  const final = results as OrderResult[];
  const counts = { created: 0, updated: 0, unchanged: 0, rejected: 0 };
  for (const r of final) counts[r.result]++;
  return { results: final, counts };
}

async function writeOrders(tx: Ctx, ref: Reference, valid: Valid[], input: IngestInput): Promise<OrderResult[]> {
  const out: OrderResult[] = [];
  const actorId = input.actorId ?? (input.source === 'import' ? 'import' : '12345');
  // First occurrence of each order number now; a repeat within the same push after it.
  const sorted = [...valid].sort((a, b) => (a.order.orderNo < b.order.orderNo ? -1 : a.order.orderNo > b.order.orderNo ? 1 : a.index - b.index));
  const first: Valid[] = [];
  const later: Valid[] = [];
  for (const v of sorted) (first.at(-1)?.order.orderNo === v.order.orderNo ? later : first).push(v);

  const existing = await loadOrders(tx, first.map((v) => v.order.orderNo));
  const fresh = first.filter((v) => !existing.has(v.order.orderNo));
  const { created, failed } = await insertNew(tx, fresh, input, actorId);
  for (const v of fresh) {
    const c = created.get(v.order.orderNo);
    if (c) out.push({ index: v.index, orderNo: v.order.orderNo, result: 'created', trackingCode: c.trackingCode, caseId: c.id });
  }
  for (const v of failed) out.push(rejected(tx, v.index, v.order.orderNo, 'internal'));

  // Known orders, orders a concurrent push created meanwhile, and repeats within this push.
  const raced = fresh.filter((v) => !created.has(v.order.orderNo) && !failed.includes(v));
  const known = first.filter((v) => existing.has(v.order.orderNo));
  for (const v of [...known, ...raced, ...later]) {
    const found = existing.get(v.order.orderNo) ?? (await loadOrders(tx, [v.order.orderNo])).get(v.order.orderNo);
    existing.delete(v.order.orderNo); // a later repeat reads the row again, as this one leaves it
    if (!found) {
      out.push(rejected(tx, v.index, v.order.orderNo, 'internal'));
      continue;
    }
    out.push(await updateOne(tx, ref, v, found, actorId));
  }
  return out;
}

async function updateOne(tx: Ctx, ref: Reference, v: Valid, found: { row: CaseRow; snapshot: OrderSnapshot | null }, actorId: string): Promise<OrderResult> {
  const base = { index: v.index, orderNo: v.order.orderNo, trackingCode: found.row.trackingCode, caseId: found.row.id };
  try {
    const outcome = await applyOrderUpdate(tx, {
      row: found.row,
      previous: found.snapshot,
      order: v.order,
      ref,
      actorId,
      write: (fn) => tx.db.transaction((sp) => fn({ ...tx, db: sp as unknown as Ctx['db'], inTransaction: true })),
    });
    if (outcome.result === 'unchanged') return { ...base, result: 'unchanged' };
    if (outcome.result === 'updated') return { ...base, result: 'updated', changes: outcome.changes };
    return rejected(tx, v.index, v.order.orderNo, 'case_finished', undefined, outcome.status);
  } catch (err) {
    if (isRetryable(err)) throw err;
    tx.logger.error('12345 order update failed', { requestId: tx.requestId, orderNo: v.order.orderNo, ...describeError(err) });
    return rejected(tx, v.index, v.order.orderNo, 'internal');
  }
}

/**
 * The cases (locked, in order-number order) and last-applied orders for these
 * order numbers. The lock is taken one index probe per number, driven by the
 * list: a plan that cannot go quadratic whatever the statistics say (a fresh
 * deployment has analyzed `cases` with no 12345 rows in it).
 */
async function loadOrders(tx: Ctx, orderNos: string[]): Promise<Map<string, { row: CaseRow; snapshot: OrderSnapshot | null }>> {
  const map = new Map<string, { row: CaseRow; snapshot: OrderSnapshot | null }>();
  if (!orderNos.length) return map;
  const locked = resultRows<{ id: string }>(
    await tx.db.execute(sql`
      SELECT c.id FROM jsonb_array_elements_text(${JSON.stringify(orderNos)}::jsonb) AS k(order_no),
      LATERAL (SELECT id FROM cases WHERE channel = '12345' AND external_ref = k.order_no FOR UPDATE) AS c`),
  );
  if (!locked.length) return map;
  const rows = await tx.db
    .select({ row: cases, snapshot: feedOrders.snapshot })
    .from(cases)
    .leftJoin(feedOrders, eq(feedOrders.orderNo, cases.externalRef))
    .where(inArray(cases.id, locked.map((r) => r.id)));
  for (const r of rows) map.set(r.row.externalRef!, { row: r.row, snapshot: (r.snapshot as OrderSnapshot | null) ?? null });
  return map;
}

/**
 * New orders in one statement inside a savepoint; if it fails, one savepoint
 * per order, so the failure stays with the order that caused it. Orders that
 * meet an existing row (a concurrent push won) are neither created nor failed.
 */
async function insertNew(tx: Ctx, fresh: Valid[], input: IngestInput, actorId: string) {
  const created = new Map<string, { id: string; trackingCode: string }>();
  const failed: Valid[] = [];
  if (!fresh.length) return { created, failed };
  const savepoint = <T>(fn: (db: Ctx['db']) => Promise<T>) => tx.db.transaction((sp) => fn(sp as unknown as Ctx['db']));
  try {
    const rows = fresh.map((v) => caseRow(v.order, input));
    const ids = await savepoint((db) => insertStatement(db, rows, tx, actorId));
    for (const r of rows) if (ids.has(r.id)) created.set(r.external_ref, { id: r.id, trackingCode: r.tracking_code });
    return { created, failed };
  } catch (err) {
    if (isRetryable(err)) throw err;
    // The statement's error quotes the batch's rows (every caller's phone and name): code and table only.
    tx.logger.warn('12345 batch insert failed; inserting one by one', { requestId: tx.requestId, ...describeError(err) });
  }
  for (const v of fresh) {
    const row = caseRow(v.order, input);
    try {
      const ids = await savepoint((db) => insertStatement(db, [row], tx, actorId));
      if (ids.has(row.id)) created.set(row.external_ref, { id: row.id, trackingCode: row.tracking_code });
    } catch (err) {
      if (isRetryable(err)) throw err;
      tx.logger.error('12345 order insert failed', { requestId: tx.requestId, orderNo: v.order.orderNo, ...describeError(err) });
      failed.push(v);
    }
  }
  return { created, failed };
}

function caseRow(o: NormalizedOrder, input: IngestInput) {
  return {
    id: crypto.randomUUID(),
    tracking_code: newTrackingCode(),
    station_id: o.station.id,
    external_ref: o.orderNo,
    kind: o.kind,
    category_id: o.category.id,
    location_id: o.location?.id ?? null,
    description: o.description,
    reporter_phone: o.phone.e164,
    reporter_name: o.callerName,
    reporter_phone4: o.phone.last4,
    priority: o.priority,
    received_at: o.receivedAt.toISOString(),
    ack_due_at: o.clocks.ackDueAt.toISOString(),
    contact_due_at: o.clocks.contactDueAt.toISOString(),
    reply_due_at: o.clocks.replyDueAt.toISOString(),
    next_due_at: o.nextDueAt.toISOString(),
    next_alert_at: o.nextAlertAt.toISOString(),
    event: {
      channel: '12345',
      receivedAt: o.receivedAt.toISOString(),
      orderNo: o.orderNo,
      source: input.source,
      platformReceivedAt: o.snapshot.receivedAt,
      urgency: o.snapshot.urgency,
      ...o.notes,
    },
    snapshot: o.snapshot,
  };
}

async function insertStatement(db: Ctx['db'], rows: Array<ReturnType<typeof caseRow>>, tx: Ctx, actorId: string): Promise<Set<string>> {
  const now = tx.clock.now().toISOString();
  const result = await db.execute<{ id: string }>(sql`
    WITH input AS (
      SELECT * FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS x(
        id uuid, tracking_code text, station_id int, external_ref text, kind case_kind, category_id int, location_id int,
        description text, reporter_phone text, reporter_name text, reporter_phone4 text, priority priority,
        received_at timestamptz, ack_due_at timestamptz, contact_due_at timestamptz, reply_due_at timestamptz,
        next_due_at timestamptz, next_alert_at timestamptz, event jsonb, snapshot jsonb)
    ), new_cases AS (
      INSERT INTO cases (
        id, tracking_code, station_id, channel, external_ref, kind, category_id, location_id, description,
        reporter_phone, reporter_name, reporter_phone4, lang, priority, status, received_at, ack_due_at,
        contact_due_at, reply_due_at, next_due_at, reply_started_at, next_alert_at, created_at, updated_at)
      SELECT id, tracking_code, station_id, '12345'::channel, external_ref, kind, category_id, location_id, description,
        reporter_phone, reporter_name, reporter_phone4, 'zh-CN', priority, 'new'::case_status, received_at, ack_due_at,
        contact_due_at, reply_due_at, next_due_at, received_at, next_alert_at, ${now}::timestamptz, ${now}::timestamptz
      FROM input ORDER BY external_ref
      ON CONFLICT (channel, external_ref) DO NOTHING
      RETURNING id
    ), created_events AS (
      INSERT INTO case_events (case_id, type, at, actor_type, actor_id, is_public, data)
      SELECT i.id, 'created', ${now}::timestamptz, 'feed'::actor_type, ${actorId}, true, i.event
      FROM input i JOIN new_cases n ON n.id = i.id
    ), orders AS (
      INSERT INTO feed_orders (order_no, case_id, snapshot, created_at, updated_at)
      SELECT i.external_ref, i.id, i.snapshot, ${now}::timestamptz, ${now}::timestamptz
      FROM input i JOIN new_cases n ON n.id = i.id
    )
    SELECT id FROM new_cases`);
  return new Set(resultRows<{ id: string }>(result).map((r) => r.id));
}

function rejected(ctx: Ctx, index: number, orderNo: string | null, code: RejectCode, fields?: FieldIssue[], status?: string): OrderResult {
  const message =
    code === 'invalid_order'
      ? t(ctx.lang, 'feed.order_invalid', { fields: [...new Set((fields ?? []).map((f) => f.field))].join(', ') })
      : code === 'case_finished'
        ? t(ctx.lang, `feed.case_${status}`)
        : t(ctx.lang, 'feed.order_failed');
  return { index, orderNo, result: 'rejected', reason: { code, message, ...(fields?.length ? { fields } : {}) } };
}

