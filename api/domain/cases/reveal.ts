import { caseEvents } from '../../../db/schema.ts';
import { type Ctx, withTransaction } from '../../context.ts';
import type { Staff } from '../staff/session.ts';
import { authorize } from './access.ts';
import { loadCase } from './transition.ts';

/**
 * Shows a member of staff the reporter's contact details. The read itself goes
 * into the timeline (internal), so every look at personal data is accounted for.
 */
export async function revealContact({ ctx, staff, input }: { ctx: Ctx; staff: Staff; input: { caseId: string; reason?: string | undefined } }) {
  return withTransaction(ctx, async (tx) => {
    const { row, scope } = await loadCase(tx, input.caseId);
    authorize(staff, 'reveal', scope);
    await tx.db.insert(caseEvents).values({
      caseId: row.id,
      type: 'contact_revealed',
      at: tx.clock.now(),
      actorType: 'staff',
      actorId: staff.id,
      isPublic: false,
      data: input.reason ? { reason: input.reason } : {},
    });
    return { phone: row.reporterPhone, email: row.reporterEmail, name: row.reporterName };
  });
}
