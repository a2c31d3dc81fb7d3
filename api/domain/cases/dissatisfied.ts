import { type Ctx, withTransaction } from '../../context.ts';
import { addDuration } from '../deadlines/policy.ts';
import { deadlineRules } from '../deadlines/recompute.ts';
import { reopenChanges } from './reopen.ts';
import { type CaseRow, callback12345, commitTransition, loadCase } from './transition.ts';

/** What happens next after a dissatisfied rating, as the citizen is told it. */
export type DissatisfiedNext = { action: 'flag'; reviewDueAt: Date } | { action: 'reopen'; replyDueAt: Date };

/**
 * A dissatisfied rating (from the citizen, a reporter following the case, or
 * 12345's follow-up) either flags the case for the office to review within
 * DISSATISFIED_REVIEW_DAYS working days, or reopens it (重办) at once with a new
 * reply deadline, as the office configures (DISSATISFIED_ACTION). Either way it
 * is one public timeline event, so the status page says what happens next;
 * who rated stays internal (`source`, `duplicate`).
 */
export async function handleDissatisfaction(
  ctx: Ctx,
  caseId: string,
  source: 'citizen' | '12345',
  /** The follower whose rating this is, when the rating came from a case merged into this one. */
  follower?: Pick<CaseRow, 'trackingCode'>,
): Promise<{ row: CaseRow; next: DissatisfiedNext }> {
  return withTransaction(ctx, async (tx) => {
    const { row } = await loadCase(tx, caseId);
    const actor = { type: source === 'citizen' ? ('citizen' as const) : ('feed' as const), id: source };
    const who = { source, ...(follower ? { duplicate: follower.trackingCode } : {}) };
    if (tx.config.dissatisfiedAction === 'reopen' && (row.status === 'replied' || row.status === 'closed')) {
      const { set, newDueAt } = await reopenChanges(tx, row);
      const updated = await commitTransition(tx, {
        row,
        actor,
        set,
        event: { type: 'reopened', isPublic: true, data: { reason: 'dissatisfied', ...who, newDueAt: newDueAt.toISOString() } },
        // Reopened here, not by the platform: a 12345 order's platform is told, as for a dispatcher's reopen.
        messages: callback12345(tx, row, 'reopened', `${row.id}:${row.version}`, { reason: 'dissatisfied', newDueAt: newDueAt.toISOString() }),
      });
      return { row: updated, next: { action: 'reopen', replyDueAt: newDueAt } };
    }
    const reviewDueAt = await reviewDue(tx);
    const updated = await commitTransition(tx, {
      row,
      actor,
      set: { flaggedAt: tx.clock.now() },
      event: { type: 'dissatisfied', isPublic: true, data: { ...who, reviewDueAt: reviewDueAt.toISOString() } },
    });
    return { row: updated, next: { action: 'flag', reviewDueAt } };
  });
}

/** The end of the review promised to a dissatisfied citizen: 24:00 of the Nth working day from today. */
async function reviewDue(ctx: Ctx): Promise<Date> {
  const { isWorkday, options } = deadlineRules(await ctx.reference.get(ctx.db), ctx.config);
  return addDuration(ctx.clock.now(), ctx.config.dissatisfiedReviewDays, 'working_days', isWorkday, options.officeHoursEnd);
}
