import { type Ctx, withTransaction } from '../../context.ts';
import { workdayLookup } from '../deadlines/calendar.ts';
import { computeDeadlines } from '../deadlines/policy.ts';
import type { Staff } from '../staff/session.ts';
import { commitTransition, openForVerb } from './transition.ts';

/**
 * Reopens (重办) a replied or closed case, e.g. after a dissatisfied citizen:
 * back to the lead department, with a fresh reply clock from now.
 */
export async function reopen({ ctx, staff, input }: { ctx: Ctx; staff: Staff; input: { caseId: string; version: number; reason: string } }) {
  return withTransaction(ctx, async (tx) => {
    const { row } = await openForVerb(tx, { staff, caseId: input.caseId, verb: 'reopen', version: input.version, from: ['replied', 'closed'] });
    const ref = await tx.reference.get(tx.db);
    const now = tx.clock.now();
    const clocks = computeDeadlines(
      ref.policies,
      { channel: row.channel, kind: row.kind, categoryId: row.categoryId, priority: row.priority, receivedAt: now },
      workdayLookup(ref.workdays),
    );
    return commitTransition(tx, {
      row,
      staff,
      set: { status: 'in_progress', replyStartedAt: now, replyDueAt: clocks.replyDueAt, repliedAt: null, replyDeltaSeconds: null, closedAt: null, flaggedAt: null, reopenCount: row.reopenCount + 1 },
      event: { type: 'reopened', isPublic: true, data: { reason: input.reason, newDueAt: clocks.replyDueAt.toISOString() } },
    });
  });
}
