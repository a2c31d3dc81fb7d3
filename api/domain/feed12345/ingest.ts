import { eq, inArray, sql } from 'drizzle-orm';
import { cases, feedOrders } from '../../../db/schema.ts';
import { rowsOf } from '../../../db/statement.ts';
import type { Ctx } from '../../context.ts';
import type { FieldIssue } from '../../errors.ts';
import { t } from '../../i18n.ts';
import { describeError } from '../../logger.ts';
import { newTrackingCode } from '../cases/tracking-code.ts';
import type { CaseRow } from '../cases/transition.ts';
import { type NewCase, writeCases } from '../cases/write.ts';
import { workdayLookup } from '../deadlines/calendar.ts';
import type { Reference } from '../reference.ts';
import { type NormalizedOrder, normalizeOrder } from './normalize.ts';
import type { OrderSnapshot } from './order.ts';
import { isRetryable, retryingTransaction } from './replay.ts';
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
  const env = {
    ref,
    isWorkday: workdayLookup(ref.workdays),
    officeHoursEnd: ctx.config.deadlines.officeHoursEnd,
    now: ctx.clock.now(),
    lang: ctx.lang,
    defaultStation: input.defaultStation,
  };
  const results: Array<OrderResult | undefined> = new Array(input.orders.length);
  const valid: Valid[] = [];
  input.orders.forEach((raw, index) => {
    const n = normalizeOrder(raw, env);
    if (n.ok) valid.push({ index, order: n.order });
    else results[index] = rejected(ctx, index, n.orderNo, 'invalid_order', n.fields);
  });

  const written = await retryingTransaction(ctx, (tx) => writeOrders(tx, ref, valid, input));
  for (const r of written) results[r.index] = r;
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

  const existing = await loadOrders(
    tx,
    first.map((v) => v.order.orderNo),
  );
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
  const locked = rowsOf<{ id: string }>(
    await tx.db.execute(sql`
      SELECT c.id FROM jsonb_array_elements_text(${JSON.stringify(orderNos)}::jsonb) AS k(order_no),
      LATERAL (SELECT id FROM cases WHERE channel = '12345' AND external_ref = k.order_no FOR UPDATE) AS c`),
  );
  if (!locked.length) return map;
  const rows = await tx.db
    .select({ row: cases, snapshot: feedOrders.snapshot })
    .from(cases)
    .leftJoin(feedOrders, eq(feedOrders.orderNo, cases.externalRef))
    .where(
      inArray(
        cases.id,
        locked.map((r) => r.id),
      ),
    );
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
  const write = (db: Ctx['db'], rows: NewCase[]) => writeCases({ ...tx, db }, rows, { onConflict: 'skip' });
  try {
    const rows = fresh.map((v) => newCase(v.order, input, actorId));
    const written = new Set((await savepoint((db) => write(db, rows))).map((w) => w.id));
    for (const [i, v] of fresh.entries()) {
      const { id, trackingCode } = rows[i]!.row;
      if (written.has(id)) created.set(v.order.orderNo, { id, trackingCode });
    }
    return { created, failed };
  } catch (err) {
    if (isRetryable(err)) throw err;
    // The statement's error quotes the batch's rows (every caller's phone and name): code and table only.
    tx.logger.warn('12345 batch insert failed; inserting one by one', { requestId: tx.requestId, ...describeError(err) });
  }
  for (const v of fresh) {
    const row = newCase(v.order, input, actorId);
    try {
      const [written] = await savepoint((db) => write(db, [row]));
      if (written) created.set(v.order.orderNo, written);
    } catch (err) {
      if (isRetryable(err)) throw err;
      tx.logger.error('12345 order insert failed', { requestId: tx.requestId, orderNo: v.order.orderNo, ...describeError(err) });
      failed.push(v);
    }
  }
  return { created, failed };
}

/** A new order as a case: no receipt messages, and the order's own record beside it. */
function newCase(o: NormalizedOrder, input: IngestInput, actorId: string): NewCase {
  return {
    row: {
      id: crypto.randomUUID(),
      trackingCode: newTrackingCode(),
      stationId: o.station.id,
      channel: '12345',
      externalRef: o.orderNo,
      kind: o.kind,
      categoryId: o.category.id,
      locationId: o.location?.id ?? null,
      description: o.description,
      reporterPhone: o.phone.e164,
      reporterEmail: null,
      reporterName: o.callerName,
      reporterPhone4: o.phone.last4,
      lang: 'zh-CN',
      priority: o.priority,
      receivedAt: o.receivedAt,
      ackDueAt: o.clocks.ackDueAt,
      contactDueAt: o.clocks.contactDueAt,
      replyDueAt: o.clocks.replyDueAt,
      nextDueAt: o.nextDueAt,
      nextAlertAt: o.nextAlertAt,
    },
    actor: { type: 'feed', id: actorId },
    event: {
      channel: '12345',
      receivedAt: o.receivedAt.toISOString(),
      orderNo: o.orderNo,
      source: input.source,
      platformReceivedAt: o.snapshot.receivedAt,
      urgency: o.snapshot.urgency,
      ...o.notes,
    },
    feedOrder: o.snapshot,
  };
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
