import { type Ctx, withTransaction } from '../../context.ts';
import type { Staff } from '../staff/session.ts';
import { commitTransition, openForVerb } from './transition.ts';

/** An internal note: never shown to the citizen. */
export async function note({ ctx, staff, input }: { ctx: Ctx; staff: Staff; input: { caseId: string; version: number; text: string } }) {
  return withTransaction(ctx, async (tx) => {
    const { row } = await openForVerb(tx, { staff, caseId: input.caseId, verb: 'note', version: input.version });
    return commitTransition(tx, { row, staff, set: {}, event: { type: 'note', isPublic: false, data: { note: input.text } } });
  });
}
