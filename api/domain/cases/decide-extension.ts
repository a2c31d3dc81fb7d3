import { and, eq } from 'drizzle-orm';
import { extensionRequests } from '../../../db/schema.ts';
import { type Ctx, withTransaction } from '../../context.ts';
import { DomainError } from '../../errors.ts';
import type { Staff } from '../staff/session.ts';
import { commitTransition, openForVerb } from './transition.ts';

/**
 * A dispatcher or supervisor approves or refuses the pending extension. An
 * approval moves the reply deadline and is counted. A 12345 order's deadline
 * is the platform's: its extensions are decided there, and the decision comes
 * back through the feed (feed12345/event-effects.ts), never from here.
 */
export async function decideExtension({ ctx, staff, input }: { ctx: Ctx; staff: Staff; input: { caseId: string; version: number; approve: boolean; note?: string | undefined } }) {
  return withTransaction(ctx, async (tx) => {
    const { row } = await openForVerb(tx, {
      staff,
      caseId: input.caseId,
      verb: 'decide-extension',
      version: input.version,
    });
    if (row.channel === '12345') throw new DomainError('conflict', 'extension.platform_decides');
    const [pending] = await tx.db
      .select()
      .from(extensionRequests)
      .where(and(eq(extensionRequests.caseId, row.id), eq(extensionRequests.status, 'pending')));
    if (!pending) throw new DomainError('conflict', 'extension.none_pending');
    const now = tx.clock.now();
    await tx.db
      .update(extensionRequests)
      .set({ status: input.approve ? 'approved' : 'refused', decidedBy: staff.id, decidedAt: now, decisionNote: input.note ?? null })
      .where(eq(extensionRequests.id, pending.id));
    return commitTransition(tx, {
      row,
      staff,
      set: input.approve ? { replyDueAt: pending.requestedDueAt, extensionCount: row.extensionCount + 1 } : {},
      event: input.approve
        ? { type: 'extension_approved', isPublic: true, data: { requestId: pending.id, newDueAt: pending.requestedDueAt.toISOString(), previousDueAt: row.replyDueAt.toISOString() } }
        : { type: 'extension_refused', isPublic: false, data: { requestId: pending.id, ...(input.note ? { note: input.note } : {}) } },
    });
  });
}
