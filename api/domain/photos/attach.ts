import { caseEvents, casePhotos } from '../../../db/schema.ts';
import { type Ctx, withTransaction } from '../../context.ts';
import { type CreateCaseInput, type CreatedCase, createCase } from '../cases/create.ts';
import type { PhotoUpload } from './limits.ts';
import { discardPhotos, type StoredPhoto, storePhotos } from './store-photos.ts';

export type PhotoSource = 'web' | 'staff' | 'open311';

/** The rows of stored photos and one internal timeline entry, in the caller's transaction. */
export async function recordPhotos(
  ctx: Ctx,
  input: { caseId: string; photos: readonly StoredPhoto[]; source: PhotoSource; actor: { type: 'citizen' | 'staff' | 'system' | 'feed'; id?: string | undefined } },
) {
  if (input.photos.length === 0) return;
  const now = ctx.clock.now();
  await ctx.db.insert(casePhotos).values(
    input.photos.map((p) => ({
      id: p.id,
      caseId: input.caseId,
      storageKey: p.storageKey,
      thumbKey: p.thumbKey,
      contentType: p.contentType,
      width: p.width,
      height: p.height,
      bytes: p.bytes,
      source: input.source,
      createdAt: now,
    })),
  );
  await ctx.db.insert(caseEvents).values({
    caseId: input.caseId,
    type: 'photos_added',
    at: now,
    actorType: input.actor.type,
    actorId: input.actor.id ?? null,
    isPublic: false,
    data: { count: input.photos.length, source: input.source },
  });
}

/**
 * Files a case with its photos: the photos are checked, re-encoded and stored
 * first (a bad one is a 400 on `photos` and nothing is filed), then the case
 * and the photo rows are written in one transaction. If that fails, the stored
 * objects are deleted again: a 201 means the case and its photos are committed.
 */
export async function createCaseWithPhotos({ ctx, input, photos, source }: { ctx: Ctx; input: CreateCaseInput; photos: readonly PhotoUpload[]; source: PhotoSource }): Promise<CreatedCase> {
  if (photos.length === 0) return createCase({ ctx, input });
  const stored = await storePhotos(ctx, photos);
  try {
    return await withTransaction(ctx, async (tx) => {
      const created = await createCase({ ctx: tx, input });
      await recordPhotos(tx, { caseId: created.id, photos: stored, source, actor: input.actor ?? { type: 'citizen' } });
      return created;
    });
  } catch (err) {
    await discardPhotos(ctx, stored);
    throw err;
  }
}
