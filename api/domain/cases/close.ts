import { type Ctx, withTransaction } from '../../context.ts';
import type { Staff } from '../staff/session.ts';
import { commitTransition, openForVerb } from './transition.ts';

/** Closes (办结) a replied case. */
export async function close({ ctx, staff, input }: { ctx: Ctx; staff: Staff; input: { caseId: string; version: number; note?: string | undefined } }) {
  return withTransaction(ctx, async (tx) => {
    const { row } = await openForVerb(tx, { staff, caseId: input.caseId, verb: 'close', version: input.version });
    return commitTransition(tx, {
      row,
      staff,
      set: { status: 'closed', closedAt: tx.clock.now(), flaggedAt: null },
      event: { type: 'closed', isPublic: true, data: input.note ? { note: input.note } : {} },
    });
  });
}
