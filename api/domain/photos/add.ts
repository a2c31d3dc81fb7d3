import { count, eq } from 'drizzle-orm';
import { casePhotos } from '../../../db/schema.ts';
import { type Ctx, withTransaction } from '../../context.ts';
import { invalidInput } from '../../errors.ts';
import { t } from '../../i18n.ts';
import { authorize } from '../cases/access.ts';
import { loadCase } from '../cases/transition.ts';
import type { Staff } from '../staff/session.ts';
import { type PhotoSource, recordPhotos } from './attach.ts';
import { PHOTOS_MAX, type PhotoUpload } from './limits.ts';
import { discardPhotos, storePhotos } from './store-photos.ts';

/**
 * Adds photos to a case already filed (a photo brought to the desk, sent
 * later): by anyone who may write a note on the case, up to three per case in
 * all. The count is checked again under the case's row lock, so two uploads at
 * once cannot pass four.
 */
export async function addPhotos({ ctx, staff, input }: { ctx: Ctx; staff: Staff; input: { caseId: string; photos: readonly PhotoUpload[]; source: PhotoSource } }) {
  if (input.photos.length === 0) throw invalidInput('invalid_input', [{ field: 'photos', code: 'required', message: t(ctx.lang, 'field.required') }], { fields: 'photos' });
  const tooMany = (have: number) =>
    invalidInput('invalid_input', [{ field: 'photos', code: 'too_many', message: t(ctx.lang, 'photo.too_many', { max: PHOTOS_MAX, n: have + input.photos.length }) }], { fields: 'photos' });
  const before = await withTransaction(ctx, async (tx) => {
    const { scope } = await loadCase(tx, input.caseId);
    authorize(staff, 'note', scope);
    return photoCount(tx, input.caseId);
  });
  if (before + input.photos.length > PHOTOS_MAX) throw tooMany(before);
  const stored = await storePhotos(ctx, input.photos);
  try {
    return await withTransaction(ctx, async (tx) => {
      await loadCase(tx, input.caseId);
      const have = await photoCount(tx, input.caseId);
      if (have + stored.length > PHOTOS_MAX) throw tooMany(have);
      await recordPhotos(tx, { caseId: input.caseId, photos: stored, source: input.source, actor: { type: 'staff', id: staff.id } });
      return stored;
    });
  } catch (err) {
    await discardPhotos(ctx, stored);
    throw err;
  }
}

async function photoCount(ctx: Ctx, caseId: string): Promise<number> {
  const [row] = await ctx.db.select({ n: count() }).from(casePhotos).where(eq(casePhotos.caseId, caseId));
  return Number(row?.n ?? 0);
}
