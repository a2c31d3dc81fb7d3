import { type Ctx, withTransaction } from '../../context.ts';
import { reopenChanges } from './reopen.ts';
import { callback12345, commitTransition, loadCase } from './transition.ts';

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
      const { set, newDueAt } = await reopenChanges(tx, row);
      return commitTransition(tx, {
        row,
        actor,
        set,
        event: { type: 'reopened', isPublic: true, data: { reason: 'dissatisfied', source, newDueAt: newDueAt.toISOString() } },
        // Reopened here, not by the platform: a 12345 order's platform is told, as for a dispatcher's reopen.
        messages: callback12345(tx, row, 'reopened', `${row.id}:${row.version}`, { reason: 'dissatisfied', newDueAt: newDueAt.toISOString() }),
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
