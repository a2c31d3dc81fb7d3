import { and, asc, eq } from 'drizzle-orm';
import { caseDepartments, casePhotos, cases } from '../../../db/schema.ts';
import type { Ctx } from '../../context.ts';
import { DomainError, notFound } from '../../errors.ts';
import { authorize } from '../cases/access.ts';
import type { Staff } from '../staff/session.ts';
import { type PhotoVariant, signedPhotoPath, verifyPhotoSignature } from './signed-url.ts';
import { photoServices } from './store-photos.ts';

/** How long a staff member's photo link works. */
export const PHOTO_LINK_MINUTES = 10;

export interface StaffPhoto {
  id: string;
  url: string;
  thumbUrl: string;
  contentType: string;
  width: number;
  height: number;
  source: string;
  isPublic: boolean;
  createdAt: Date;
  expiresAt: Date;
}

/** The photos of a case for a member of staff who may read it, each with links signed for a few minutes. */
export async function listStaffPhotos({ ctx, staff, input }: { ctx: Ctx; staff: Staff; input: { caseId: string } }): Promise<StaffPhoto[]> {
  const [row] = await ctx.db.select({ id: cases.id, lead: cases.leadDepartmentId }).from(cases).where(eq(cases.id, input.caseId));
  if (!row) throw notFound('case_not_found_staff');
  const co = await ctx.db.select({ id: caseDepartments.departmentId }).from(caseDepartments).where(eq(caseDepartments.caseId, row.id));
  authorize(staff, 'read', { leadDepartmentId: row.lead, coDepartmentIds: co.map((c) => c.id) });
  const rows = await ctx.db.select().from(casePhotos).where(eq(casePhotos.caseId, row.id)).orderBy(asc(casePhotos.createdAt), asc(casePhotos.id));
  if (rows.length === 0) return [];
  const secret = photoServices(ctx).urlSecret;
  const expiresAt = new Date(ctx.clock.now().getTime() + PHOTO_LINK_MINUTES * 60_000);
  const expires = Math.floor(expiresAt.getTime() / 1000);
  return Promise.all(
    rows.map(async (p) => ({
      id: p.id,
      url: await signedPhotoPath(secret, p.id, 'full', expires),
      thumbUrl: await signedPhotoPath(secret, p.id, 'thumb', expires),
      contentType: p.contentType,
      width: p.width,
      height: p.height,
      source: p.source,
      isPublic: p.isPublic,
      createdAt: p.createdAt,
      expiresAt,
    })),
  );
}

/** A private photo's bytes through a signed link; a bad or expired signature is the same 404 as no photo. */
export async function readSignedPhoto({ ctx, input }: { ctx: Ctx; input: { photoId: string; variant: PhotoVariant; expires: number; sig: string } }) {
  const services = photoServices(ctx);
  const valid = await verifyPhotoSignature(services.urlSecret, input, ctx.clock.now());
  if (!valid) throw notFound('photo.not_found');
  return readObject(ctx, input.photoId, input.variant, false);
}

/** A photo staff have made public; any other answers 404. */
export async function readPublicPhoto({ ctx, input }: { ctx: Ctx; input: { photoId: string; variant: PhotoVariant } }) {
  return readObject(ctx, input.photoId, input.variant, true);
}

async function readObject(ctx: Ctx, photoId: string, variant: PhotoVariant, publicOnly: boolean) {
  const where = publicOnly ? and(eq(casePhotos.id, photoId), eq(casePhotos.isPublic, true)) : eq(casePhotos.id, photoId);
  const [row] = await ctx.db.select().from(casePhotos).where(where);
  if (!row) throw notFound('photo.not_found');
  const object = await photoServices(ctx).store.get(variant === 'thumb' ? row.thumbKey : row.storageKey);
  // A row without its object is the store's fault, not the caller's.
  if (!object) throw new DomainError('unavailable', 'photo.missing');
  return object;
}

/** The public photos of a case (ids only: their paths are public and fixed). */
export async function publicPhotoIds(ctx: Ctx, caseId: string): Promise<string[]> {
  const rows = await ctx.db
    .select({ id: casePhotos.id })
    .from(casePhotos)
    .where(and(eq(casePhotos.caseId, caseId), eq(casePhotos.isPublic, true)))
    .orderBy(asc(casePhotos.createdAt), asc(casePhotos.id));
  return rows.map((r) => r.id);
}

/** The fixed public path of a published photo (its thumbnail with `?variant=thumb`). */
export const publicPhotoPath = (photoId: string, variant: PhotoVariant = 'full') => `/api/public/photos/${photoId}${variant === 'thumb' ? '?variant=thumb' : ''}`;
