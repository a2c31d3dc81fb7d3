import { type Ctx, withTransaction } from '../../context.ts';
import type { Staff } from '../staff/session.ts';
import { callback12345, commitTransition, openForVerb } from './transition.ts';

/** The lead department takes the case on (签收); its acknowledge clock stops. */
export async function acknowledge({ ctx, staff, input }: { ctx: Ctx; staff: Staff; input: { caseId: string; version: number } }) {
  return withTransaction(ctx, async (tx) => {
    const { row } = await openForVerb(tx, { staff, caseId: input.caseId, verb: 'acknowledge', version: input.version });
    const now = tx.clock.now();
    return commitTransition(tx, {
      row,
      staff,
      set: { status: 'in_progress', acknowledgedAt: row.acknowledgedAt ?? now },
      event: { type: 'acknowledged', isPublic: true },
      messages: callback12345(tx, row, 'acknowledged', `${row.id}:${row.version}`, {}),
    });
  });
}
