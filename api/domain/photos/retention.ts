import { and, eq, inArray, isNotNull, lt } from 'drizzle-orm';
import { casePhotos, cases, settings } from '../../../db/schema.ts';
import type { Ctx } from '../../context.ts';
import { invalidInput } from '../../errors.ts';
import { t } from '../../i18n.ts';

/*
 * How long closed cases keep their photos: an admin setting (`settings`,
 * key photo_retention_days), in days after the case was closed. Unset means
 * the office has not decided, and photos stay. The job deletes each expired
 * photo's objects first, then its row, so a failure half-way leaves a row to
 * try again, never an object nobody can find.
 */
export const PHOTO_RETENTION_KEY = 'photo_retention_days';
export const PHOTO_RETENTION_MAX_DAYS = 3650;
/** Photos one run deletes at most; the next tick takes the rest. */
const BATCH = 100;

export interface PhotoRetention {
  days: number | null;
  updatedAt: Date | null;
}

export async function getPhotoRetention(ctx: Ctx): Promise<PhotoRetention> {
  const [row] = await ctx.db.select().from(settings).where(eq(settings.key, PHOTO_RETENTION_KEY));
  // Stored as { days } (jsonb cannot be a bare NULL in a NOT NULL column; null means keep).
  const stored = (row?.value as { days?: unknown } | undefined)?.days;
  const days = typeof stored === 'number' ? stored : null;
  return { days, updatedAt: row?.updatedAt ?? null };
}

export async function setPhotoRetention({ ctx, staff, input }: { ctx: Ctx; staff: { id: string }; input: { days: number | null } }): Promise<PhotoRetention> {
  const { days } = input;
  if (days !== null && (!Number.isInteger(days) || days < 1 || days > PHOTO_RETENTION_MAX_DAYS)) {
    throw invalidInput('invalid_input', [{ field: 'days', code: 'range', message: t(ctx.lang, 'photo.retention_range', { max: PHOTO_RETENTION_MAX_DAYS }) }], { fields: 'days' });
  }
  const now = ctx.clock.now();
  await ctx.db
    .insert(settings)
    .values({ key: PHOTO_RETENTION_KEY, value: { days }, updatedBy: staff.id, updatedAt: now })
    .onConflictDoUpdate({ target: settings.key, set: { value: { days }, updatedBy: staff.id, updatedAt: now } });
  return { days, updatedAt: now };
}

/** Deletes the photos of cases closed longer ago than the setting says; returns how many went. */
export async function purgeExpiredPhotos({ ctx }: { ctx: Ctx }): Promise<{ deleted: number }> {
  const { days } = await getPhotoRetention(ctx);
  if (days === null || !ctx.photos) return { deleted: 0 };
  const cutoff = new Date(ctx.clock.now().getTime() - days * 86_400_000);
  const expired = await ctx.db
    .select({ id: casePhotos.id, storageKey: casePhotos.storageKey, thumbKey: casePhotos.thumbKey })
    .from(casePhotos)
    .innerJoin(cases, eq(cases.id, casePhotos.caseId))
    .where(and(eq(cases.status, 'closed'), isNotNull(cases.closedAt), lt(cases.closedAt, cutoff)))
    .limit(BATCH);
  if (expired.length === 0) return { deleted: 0 };
  for (const p of expired) {
    await ctx.photos.store.delete(p.storageKey);
    await ctx.photos.store.delete(p.thumbKey);
  }
  await ctx.db.delete(casePhotos).where(
    inArray(
      casePhotos.id,
      expired.map((p) => p.id),
    ),
  );
  return { deleted: expired.length };
}
