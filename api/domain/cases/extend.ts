import { and, eq } from 'drizzle-orm';
import { extensionRequests } from '../../../db/schema.ts';
import { type Ctx, withTransaction } from '../../context.ts';
import { DomainError, invalidInput } from '../../errors.ts';
import { workdayLookup } from '../deadlines/calendar.ts';
import { checkExtension } from '../deadlines/extension.ts';
import type { Staff } from '../staff/session.ts';
import { callback12345, commitTransition, openForVerb } from './transition.ts';

/**
 * A handler asks for more time (延期申请): a reason and the new reply deadline,
 * before the current one has passed, within the office's limits
 * (deadlines/extension.ts: EXTENSION_MAX, EXTENSION_MAX_DAYS).
 */
export async function requestExtension({ ctx, staff, input }: { ctx: Ctx; staff: Staff; input: { caseId: string; version: number; reason: string; newDueAt: Date } }) {
  return withTransaction(ctx, async (tx) => {
    const { row } = await openForVerb(tx, { staff, caseId: input.caseId, verb: 'extend', version: input.version });
    const [pending] = await tx.db
      .select({ id: extensionRequests.id })
      .from(extensionRequests)
      .where(and(eq(extensionRequests.caseId, row.id), eq(extensionRequests.status, 'pending')));
    if (pending) throw new DomainError('conflict', 'extension.pending');
    const ref = await tx.reference.get(tx.db);
    const refusal = checkExtension(row, input.newDueAt, tx.clock.now(), tx.config, workdayLookup(ref.workdays));
    if (refusal) throw new DomainError('conflict', refusal.key, refusal.params, { reason: refusal.key.slice('extension.'.length), ...refusal.params });
    if (input.newDueAt <= row.replyDueAt) {
      throw invalidInput('extension.not_later', [{ field: 'newDueAt', code: 'not_later', message: 'extension.not_later' }]);
    }
    const [request] = await tx.db
      .insert(extensionRequests)
      .values({ caseId: row.id, requestedBy: staff.id, reason: input.reason, requestedDueAt: input.newDueAt, previousDueAt: row.replyDueAt, createdAt: tx.clock.now() })
      .returning({ id: extensionRequests.id });
    const updated = await commitTransition(tx, {
      row,
      staff,
      set: {},
      event: { type: 'extension_requested', isPublic: false, data: { requestId: request!.id, reason: input.reason, newDueAt: input.newDueAt.toISOString() } },
      messages: callback12345(tx, row, 'extension_requested', `${row.id}:${request!.id}`, { reason: input.reason, newDueAt: input.newDueAt.toISOString() }),
    });
    return { case: updated, requestId: request!.id };
  });
}
