import { eq, sql } from 'drizzle-orm';
import { caseDepartments, cases } from '../../../db/schema.ts';
import type { Ctx } from '../../context.ts';
import type { CaseRow } from '../cases/transition.ts';
import type { Deadlines } from '../deadlines/policy.ts';
import type { OrderSnapshot } from './order.ts';

/**
 * A returned order dispatched again by the platform (退单被驳回): the case goes
 * back to the queue as if it had just arrived — status `new`, no department,
 * every clock afresh from the new dispatch with the platform's deadline. The
 * return stays in the timeline; the case no longer shows it.
 */
export function redispatchChanges(clocks: Deadlines, dispatchedAt: Date): Partial<CaseRow> {
  return {
    status: 'new',
    leadDepartmentId: null,
    returnReason: null,
    closedAt: null,
    flaggedAt: null,
    receivedAt: dispatchedAt,
    replyStartedAt: dispatchedAt,
    ackDueAt: clocks.ackDueAt,
    contactDueAt: clocks.contactDueAt,
    replyDueAt: clocks.replyDueAt,
    acknowledgedAt: null,
    contactedAt: null,
    repliedAt: null,
    ackDeltaSeconds: null,
    contactDeltaSeconds: null,
    replyDeltaSeconds: null,
  };
}

/**
 * A red order dispatched again reaches supervisors at once, as a new red case
 * does (the sweep's red alert is keyed by the new receipt). Bookkeeping, as the
 * sweep's: no version bump.
 */
export async function alertRedAtOnce(ctx: Ctx, row: Pick<CaseRow, 'id' | 'priority'>): Promise<void> {
  if (row.priority === 'red') await ctx.db.update(cases).set({ nextAlertAt: ctx.clock.now() }).where(eq(cases.id, row.id));
}

/** The co-handling departments of the old dispatch go with it. */
export async function clearDepartments(ctx: Ctx, caseId: string): Promise<void> {
  await ctx.db.delete(caseDepartments).where(eq(caseDepartments.caseId, caseId));
}

/**
 * Keeps the feed's record of the order in step with a deadline or dispatch the
 * platform changed by an event, so that its next push of the same order (now
 * carrying the new values) is `unchanged`, not an update that undoes nothing.
 */
export async function patchSnapshot(ctx: Ctx, orderNo: string, patch: Partial<OrderSnapshot>): Promise<void> {
  await ctx.db.execute(sql`
    UPDATE feed_orders SET snapshot = snapshot || ${JSON.stringify(patch)}::jsonb, updated_at = ${ctx.clock.now().toISOString()}::timestamptz
    WHERE order_no = ${orderNo}`);
}
