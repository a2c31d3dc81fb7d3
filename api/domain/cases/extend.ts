import { and, eq } from 'drizzle-orm';
import { extensionRequests } from '../../../db/schema.ts';
import { type Ctx, withTransaction } from '../../context.ts';
import { DomainError, invalidInput } from '../../errors.ts';
import type { Staff } from '../staff/session.ts';
import { callback12345, commitTransition, openForVerb } from './transition.ts';

/** A handler asks for more time (延期申请): a reason and the new reply deadline. */
export async function requestExtension({ ctx, staff, input }: { ctx: Ctx; staff: Staff; input: { caseId: string; version: number; reason: string; newDueAt: Date } }) {
  return withTransaction(ctx, async (tx) => {
    const { row } = await openForVerb(tx, { staff, caseId: input.caseId, verb: 'extend', version: input.version });
    if (input.newDueAt <= row.replyDueAt) {
      throw invalidInput('extension.not_later', [{ field: 'newDueAt', code: 'not_later', message: 'extension.not_later' }]);
    }
    const [pending] = await tx.db
      .select({ id: extensionRequests.id })
      .from(extensionRequests)
      .where(and(eq(extensionRequests.caseId, row.id), eq(extensionRequests.status, 'pending')));
    if (pending) throw new DomainError('conflict', 'extension.pending');
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
