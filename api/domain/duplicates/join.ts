import { eq } from 'drizzle-orm';
import { cases } from '../../../db/schema.ts';
import { type Ctx, withTransaction } from '../../context.ts';
import { invalidInput } from '../../errors.ts';
import type { CreateCaseInput, CreatedCase } from '../cases/create.ts';
import { mergeFollower } from '../cases/merge.ts';
import { createCaseWithPhotos, type PhotoSource } from '../photos/attach.ts';
import type { PhotoUpload } from '../photos/limits.ts';
import { oldestOpenCase } from './open-cases.ts';

/**
 * Files a report as a supporter of an open case (我遇到的是同一问题): the
 * traveler's own case is filed as any other (own tracking code, receipt, own
 * contact, photos) and at once follows the oldest open case of the same
 * station, place and category, through the merge's own code (merge.ts): it gets
 * that case's reply and survey under its own code, and the figures count the
 * case once. When no such case is open any more, the report stands on its own
 * (`joined: false`): it is filed either way.
 */
export async function fileAsSupporter({
  ctx,
  input,
  photos,
  source,
}: {
  ctx: Ctx;
  input: CreateCaseInput;
  photos: readonly PhotoUpload[];
  source: PhotoSource;
}): Promise<CreatedCase & { joined: boolean }> {
  if (!input.location) throw invalidInput('invalid_input', [{ field: 'location', code: 'required', message: 'location.required' }], { fields: 'location' });
  const where = { station: input.station, location: input.location, category: input.category };
  return withTransaction(ctx, async (tx) => {
    const created = await createCaseWithPhotos({ ctx: tx, input, photos, source });
    const master = await oldestOpenCase(tx, where, created.id);
    if (!master) return { ...created, joined: false };
    const [row] = await tx.db.select().from(cases).where(eq(cases.id, created.id)).for('update');
    await mergeFollower(tx, { row: row!, master, by: { citizen: true } });
    return { ...created, joined: true };
  });
}
