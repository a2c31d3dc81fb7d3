import { sql } from 'drizzle-orm';
import { caseEvents } from '../../../db/schema.ts';
import type { Ctx } from '../../context.ts';
import type { CaseRow } from '../cases/transition.ts';
import { commitTransition } from '../cases/transition.ts';
import type { Reference } from '../reference.ts';
import { findLocation, type NormalizedOrder } from './normalize.ts';
import { type OrderSnapshot, SNAPSHOT_FIELDS } from './order.ts';
import { alertRedAtOnce, clearDepartments, redispatchChanges } from './redispatch.ts';

/** One entry of an `order_updated` event. Personal fields are named, never shown. */
export interface OrderChange {
  field: string;
  from?: unknown;
  to?: unknown;
}

export type UpdateOutcome = { result: 'unchanged' } | { result: 'updated'; changes: string[]; version: number } | { result: 'rejected'; status: CaseRow['status'] };

/** Statuses in which the platform's changes are no longer taken: the case is finished or not ours. */
const FINISHED: ReadonlyArray<CaseRow['status']> = ['closed', 'returned', 'merged'];

/**
 * Compares a push with the order as last applied (not with the case: staff may
 * have recategorized it or extended it since, and a repeat must not undo that)
 * and, when something changed, applies exactly those fields to the case with
 * one `order_updated` timeline event and a version bump. `row` must be locked.
 *
 * A returned order pushed with a later `dispatchedAt` is the platform's
 * re-dispatch after refusing our return: the case comes back to the queue
 * (`redispatched`, public; the changed fields in an internal `order_updated`).
 * Any other change to a closed, returned or merged case is refused.
 */
export async function applyOrderUpdate(
  ctx: Ctx,
  {
    row,
    previous,
    order,
    ref,
    actorId,
    write = (fn) => fn(ctx),
  }: {
    row: CaseRow;
    previous: OrderSnapshot | null;
    order: NormalizedOrder;
    ref: Reference;
    actorId: string;
    /** Runs the writes, e.g. inside a savepoint; nothing is written for an unchanged or refused push. */
    write?: <T>(fn: (ctx: Ctx) => Promise<T>) => Promise<T>;
  },
): Promise<UpdateOutcome> {
  const old = previous ?? snapshotFromCase(row, ref);
  const next = order.snapshot;
  const changed = new Set<string>(SNAPSHOT_FIELDS.filter((f) => old[f] !== next[f]));
  const changes: OrderChange[] = [...changed].map((field) => ({ field, from: old[field as keyof OrderSnapshot], to: next[field as keyof OrderSnapshot] }));
  if (order.phone.e164 !== row.reporterPhone) changes.push({ field: 'callerPhone' });
  if (order.callerName !== row.reporterName) changes.push({ field: 'callerName' });
  if (changes.length === 0) return { result: 'unchanged' };
  // A returned order pushed again with a later dispatch: the platform refused our return and dispatches it anew.
  const redispatch = row.status === 'returned' && Date.parse(next.dispatchedAt) > Date.parse(old.dispatchedAt);
  if (FINISHED.includes(row.status) && !redispatch) return { result: 'rejected', status: row.status };

  const set: Partial<CaseRow> = {};
  if (changed.has('content') || changed.has('address')) set.description = order.description;
  if (changed.has('station')) {
    set.stationId = order.station.id;
    set.locationId = order.location?.id ?? null;
  } else if (changed.has('address')) {
    // Move the place only if it is still the one the old address gave (staff did not set it by hand).
    const fromOldAddress = findLocation(ref, row.stationId, old.address)?.id ?? null;
    if (row.locationId === fromOldAddress && order.location?.id !== undefined) set.locationId = order.location.id;
  }
  if (changed.has('kind')) set.kind = order.kind;
  if (changed.has('categoryCode')) set.categoryId = order.category.id;
  if (changed.has('urgency')) {
    set.priority = order.priority;
    // A colour set by the platform clears the leader named for the old one; red waits for a dispatcher to name one.
    if (order.priority !== row.priority) set.priorityOwner = null;
  }
  if (changed.has('dispatchedAt')) {
    set.receivedAt = order.receivedAt;
    if (row.reopenCount === 0) set.replyStartedAt = order.receivedAt;
  }
  if (changed.has('dueAt')) set.replyDueAt = order.clocks.replyDueAt;
  const policyInputs = ['kind', 'categoryCode', 'urgency', 'dispatchedAt', 'dueAt'].some((f) => changed.has(f));
  if (!row.acknowledgedAt && (changed.has('ackDueAt') || (policyInputs && next.ackDueAt === null))) set.ackDueAt = order.clocks.ackDueAt;
  if (!row.contactedAt && policyInputs) set.contactDueAt = order.clocks.contactDueAt;
  if (order.phone.e164 !== row.reporterPhone) {
    set.reporterPhone = order.phone.e164;
    set.reporterPhone4 = order.phone.last4;
  }
  if (order.callerName !== row.reporterName) set.reporterName = order.callerName;
  if (redispatch) Object.assign(set, redispatchChanges(order.clocks, order.receivedAt));
  const updatedData = { orderNo: order.orderNo, changes, ...(changed.has('urgency') && order.priority === 'red' ? { ownerRequired: true } : {}) };

  return write(async (tx) => {
    if (redispatch) await clearDepartments(tx, row.id);
    const updated = await commitTransition(tx, {
      row,
      actor: { type: 'feed', id: actorId },
      set,
      // The public step says only that the order came back; what changed in it stays internal.
      event: redispatch
        ? { type: 'redispatched', isPublic: true, data: { orderNo: order.orderNo, via: 'order', newDueAt: order.clocks.replyDueAt.toISOString() } }
        : { type: 'order_updated', isPublic: false, data: updatedData },
    });
    if (redispatch) {
      await alertRedAtOnce(tx, updated);
      await tx.db.insert(caseEvents).values({ caseId: row.id, type: 'order_updated', at: tx.clock.now(), actorType: 'feed', actorId, isPublic: false, data: updatedData });
    }
    const now = tx.clock.now().toISOString();
    await tx.db.execute(sql`
      INSERT INTO feed_orders (order_no, case_id, snapshot, created_at, updated_at)
      VALUES (${order.orderNo}, ${row.id}::uuid, ${JSON.stringify(next)}::jsonb, ${now}::timestamptz, ${now}::timestamptz)
      ON CONFLICT (order_no) DO UPDATE SET snapshot = excluded.snapshot, updated_at = excluded.updated_at`);
    return { result: 'updated' as const, changes: changes.map((c) => c.field), version: updated.version };
  });
}

/** For a 12345 case the feed has no record of (made before the feed kept one): its order as the case shows it. */
function snapshotFromCase(row: CaseRow, ref: Reference): OrderSnapshot {
  const categoryCode = ref.categoriesById.get(row.categoryId)?.code ?? 'other';
  return {
    content: row.description,
    address: null,
    kind: row.kind,
    category: categoryCode,
    categoryCode,
    urgency: row.priority === 'red' ? 'emergency' : row.priority === 'yellow' ? 'urgent' : 'normal',
    station: ref.stationsById.get(row.stationId)?.code ?? '',
    receivedAt: row.receivedAt.toISOString(),
    dispatchedAt: row.receivedAt.toISOString(),
    ackDueAt: row.ackDueAt.toISOString(),
    dueAt: row.replyDueAt.toISOString(),
  };
}
