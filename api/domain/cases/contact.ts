import { type Ctx, withTransaction } from '../../context.ts';
import type { Staff } from '../staff/session.ts';
import { commitTransition, openForVerb } from './transition.ts';

/** Records contact with the citizen; the first one stops the first-contact clock. */
export async function contact({ ctx, staff, input }: { ctx: Ctx; staff: Staff; input: { caseId: string; version: number; method: string; note?: string | undefined } }) {
  return withTransaction(ctx, async (tx) => {
    const { row } = await openForVerb(tx, { staff, caseId: input.caseId, verb: 'contact', version: input.version });
    return commitTransition(tx, {
      row,
      staff,
      set: { contactedAt: row.contactedAt ?? tx.clock.now() },
      // The citizen sees that they were contacted; what was said stays internal.
      event: { type: 'contacted', isPublic: true, data: { method: input.method, ...(input.note ? { note: input.note } : {}) } },
    });
  });
}
