import { and, eq } from 'drizzle-orm';
import { caseEvents, casePhotos } from '../../../db/schema.ts';
import { type Ctx, withTransaction } from '../../context.ts';
import { notFound } from '../../errors.ts';
import { authorize } from '../cases/access.ts';
import { loadCase } from '../cases/transition.ts';
import type { Staff } from '../staff/session.ts';

/**
 * Shows a photo to the public (status page, Open311 media_url) or hides it
 * again. Only staff decide, after looking for faces and number plates; anyone
 * who may write a note on the case may. Each change is an internal timeline
 * entry naming the photo. Marking it as it already is changes nothing.
 */
export async function setPhotoPublic({ ctx, staff, input }: { ctx: Ctx; staff: Staff; input: { caseId: string; photoId: string; isPublic: boolean } }) {
  return withTransaction(ctx, async (tx) => {
    const { row, scope } = await loadCase(tx, input.caseId);
    authorize(staff, 'note', scope);
    const [photo] = await tx.db
      .select({ id: casePhotos.id, isPublic: casePhotos.isPublic })
      .from(casePhotos)
      .where(and(eq(casePhotos.id, input.photoId), eq(casePhotos.caseId, row.id)))
      .for('update');
    if (!photo) throw notFound('photo.not_found');
    if (photo.isPublic === input.isPublic) return { photoId: photo.id, isPublic: photo.isPublic, changed: false };
    const now = tx.clock.now();
    await tx.db
      .update(casePhotos)
      .set(input.isPublic ? { isPublic: true, publicSetBy: staff.id, publicSetAt: now } : { isPublic: false, publicSetBy: staff.id, publicSetAt: now })
      .where(eq(casePhotos.id, photo.id));
    await tx.db.insert(caseEvents).values({
      caseId: row.id,
      type: input.isPublic ? 'photo_published' : 'photo_hidden',
      at: now,
      actorType: 'staff',
      actorId: staff.id,
      isPublic: false,
      data: { photoId: photo.id },
    });
    return { photoId: photo.id, isPublic: input.isPublic, changed: true };
  });
}
