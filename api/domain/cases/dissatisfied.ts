import { type Ctx, withTransaction } from '../../context.ts';
import { workdayLookup } from '../deadlines/calendar.ts';
import { computeDeadlines } from '../deadlines/policy.ts';
import { commitTransition, loadCase } from './transition.ts';

/**
 * A dissatisfied rating (from the citizen or from 12345's follow-up) either
 * flags the case for the dispatcher or reopens it (重办) at once, as the office
 * configures (DISSATISFIED_ACTION). Either way it is one timeline event.
 */
export async function handleDissatisfaction(ctx: Ctx, caseId: string, source: 'citizen' | '12345') {
  return withTransaction(ctx, async (tx) => {
    const { row } = await loadCase(tx, caseId);
    const actor = { type: source === 'citizen' ? ('citizen' as const) : ('feed' as const), id: source };
    if (tx.config.dissatisfiedAction === 'reopen' && (row.status === 'replied' || row.status === 'closed')) {
      const ref = await tx.reference.get(tx.db);
      const now = tx.clock.now();
      const clocks = computeDeadlines(
        ref.policies,
        { channel: row.channel, kind: row.kind, categoryId: row.categoryId, priority: row.priority, receivedAt: now },
        workdayLookup(ref.workdays),
      );
      return commitTransition(tx, {
        row,
        actor,
        set: { status: 'in_progress', replyStartedAt: now, replyDueAt: clocks.replyDueAt, repliedAt: null, replyDeltaSeconds: null, closedAt: null, reopenCount: row.reopenCount + 1 },
        event: { type: 'reopened', isPublic: true, data: { reason: 'dissatisfied', source, newDueAt: clocks.replyDueAt.toISOString() } },
      });
    }
    return commitTransition(tx, {
      row,
      actor,
      set: { flaggedAt: tx.clock.now() },
      event: { type: 'dissatisfied', isPublic: false, data: { source } },
    });
  });
}
