import type { Ctx } from '../../context.ts';
import type { StaffChannel } from '../../contract/enums.ts';
import { invalidInput } from '../../errors.ts';
import type { Staff } from '../staff/session.ts';
import { authorize } from './access.ts';
import { type CreateCaseInput, createCase } from './create.ts';

/**
 * Staff entry of a case from the office's own channels — its 24-hour line,
 * walk-ins, the complaint box, petitions (信访) — with the time it was received,
 * from which its deadlines run.
 */
export async function enterCase({ ctx, staff, input }: { ctx: Ctx; staff: Staff; input: Omit<CreateCaseInput, 'channel' | 'actor'> & { channel: StaffChannel; receivedAt: Date } }) {
  authorize(staff, 'create');
  if (input.receivedAt.getTime() > ctx.clock.now().getTime() + 5 * 60_000) {
    throw invalidInput('received_at.future', [{ field: 'receivedAt', code: 'future', message: 'received_at.future' }]);
  }
  return createCase({ ctx, input: { ...input, actor: { type: 'staff', id: staff.id } } });
}
