import type { CASE_KINDS } from '../../../db/schema.ts';
import { type Ctx, withTransaction } from '../../context.ts';
import { invalidInput } from '../../errors.ts';
import { orderSetsAck, recomputeDeadlines, recordRecomputed } from '../deadlines/recompute.ts';
import type { Staff } from '../staff/session.ts';
import { commitTransition, openForVerb } from './transition.ts';

/**
 * Corrects a case's category (and kind); the timeline keeps what it was. The
 * clocks not yet met are recomputed from receipt on the new kind's and
 * category's policy (deadlines/recompute.ts says which deadlines stay).
 */
export async function recategorize({
  ctx,
  staff,
  input,
}: {
  ctx: Ctx;
  staff: Staff;
  input: { caseId: string; version: number; category: string; kind?: (typeof CASE_KINDS)[number] | undefined };
}) {
  return withTransaction(ctx, async (tx) => {
    const { row } = await openForVerb(tx, { staff, caseId: input.caseId, verb: 'recategorize', version: input.version });
    const ref = await tx.reference.get(tx.db);
    const category = ref.categoriesByCode.get(input.category);
    if (!category) throw invalidInput('category.unknown', [{ field: 'category', code: 'unknown', message: 'category.unknown' }]);
    const previous = ref.categoriesById.get(row.categoryId);
    const kind = input.kind ?? row.kind;
    const { set, changes } = recomputeDeadlines(ref, tx.config, { ...row, kind, categoryId: category.id }, await orderSetsAck(tx, row));
    const updated = await commitTransition(tx, {
      row,
      staff,
      set: { categoryId: category.id, ...(input.kind ? { kind: input.kind } : {}), ...set },
      event: {
        type: 'recategorized',
        isPublic: false,
        data: { from: previous?.code ?? null, to: category.code, ...(input.kind ? { kindFrom: row.kind, kindTo: input.kind } : {}) },
      },
    });
    await recordRecomputed(tx, { caseId: row.id, staffId: staff.id, reason: 'recategorized', changes });
    return updated;
  });
}
