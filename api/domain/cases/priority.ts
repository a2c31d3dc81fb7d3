import type { PRIORITIES } from '../../../db/schema.ts';
import { type Ctx, withTransaction } from '../../context.ts';
import { invalidInput } from '../../errors.ts';
import { orderSetsAck, recomputeDeadlines, recordRecomputed } from '../deadlines/recompute.ts';
import type { Staff } from '../staff/session.ts';
import { commitTransition, openForVerb } from './transition.ts';

/**
 * Sets the hazard colour (红黄蓝). Red must name the leader who owns the case
 * (领导包案). The clocks not yet met are recomputed from receipt on the new
 * priority's policy (deadlines/recompute.ts says which deadlines stay).
 */
export async function setPriority({
  ctx,
  staff,
  input,
}: {
  ctx: Ctx;
  staff: Staff;
  input: { caseId: string; version: number; priority: (typeof PRIORITIES)[number]; owner?: string | undefined };
}) {
  if (input.priority === 'red' && !input.owner?.trim()) {
    throw invalidInput('priority.owner_required', [{ field: 'owner', code: 'required', message: 'priority.owner_required' }]);
  }
  return withTransaction(ctx, async (tx) => {
    const { row } = await openForVerb(tx, { staff, caseId: input.caseId, verb: 'priority', version: input.version });
    const ref = await tx.reference.get(tx.db);
    const { set, changes } = recomputeDeadlines(ref, tx.config, { ...row, priority: input.priority }, await orderSetsAck(tx, row));
    const updated = await commitTransition(tx, {
      row,
      staff,
      set: { priority: input.priority, priorityOwner: input.priority === 'red' ? input.owner!.trim() : null, ...set },
      event: { type: 'priority_changed', isPublic: false, data: { from: row.priority, to: input.priority, ...(input.owner ? { owner: input.owner } : {}) } },
    });
    await recordRecomputed(tx, { caseId: row.id, staffId: staff.id, reason: 'priority', changes });
    return updated;
  });
}
