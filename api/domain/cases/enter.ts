import type { Ctx } from '../../context.ts';
import type { StaffChannel } from '../../contract/enums.ts';
import { invalidInput } from '../../errors.ts';
import { createCaseWithPhotos } from '../photos/attach.ts';
import type { PhotoUpload } from '../photos/limits.ts';
import type { Staff } from '../staff/session.ts';
import { authorize } from './access.ts';
import type { CreateCaseInput } from './create.ts';

/**
 * Staff entry of a case from the office's own channels — its 24-hour line,
 * walk-ins, the complaint box, petitions (信访) — with the time it was received,
 * from which its deadlines run.
 */
export async function enterCase({
  ctx,
  staff,
  input,
  photos = [],
}: {
  ctx: Ctx;
  staff: Staff;
  input: Omit<CreateCaseInput, 'channel' | 'actor'> & { channel: StaffChannel; receivedAt: Date };
  /** Photos brought to the desk or sent with the call: stored with the case or not at all (api/domain/photos). */
  photos?: readonly PhotoUpload[];
}) {
  authorize(staff, 'create');
  if (input.receivedAt.getTime() > ctx.clock.now().getTime() + 5 * 60_000) {
    throw invalidInput('received_at.future', [{ field: 'receivedAt', code: 'future', message: 'received_at.future' }]);
  }
  return createCaseWithPhotos({ ctx, input: { ...input, actor: { type: 'staff', id: staff.id } }, photos, source: 'staff' });
}
