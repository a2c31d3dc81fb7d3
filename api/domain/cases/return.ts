import { type Ctx, withTransaction } from '../../context.ts';
import type { Staff } from '../staff/session.ts';
import { callback12345, commitTransition, openForVerb } from './transition.ts';

/**
 * Returns a case (退单): out of the office's scope, or spam. For a 12345 order
 * the platform is told through the outbox.
 */
export async function returnCase({ ctx, staff, input }: { ctx: Ctx; staff: Staff; input: { caseId: string; version: number; reason: string } }) {
  return withTransaction(ctx, async (tx) => {
    const { row } = await openForVerb(tx, { staff, caseId: input.caseId, verb: 'return', version: input.version });
    return commitTransition(tx, {
      row,
      staff,
      set: { status: 'returned', returnReason: input.reason, closedAt: tx.clock.now() },
      event: { type: 'returned', isPublic: true, data: { reason: input.reason } },
      // Keyed by version: after a re-dispatch (退单被驳回) the order may be returned again, and that return is news too.
      messages: callback12345(tx, row, 'returned', `${row.id}:${row.version}`, { reason: input.reason }),
    });
  });
}
