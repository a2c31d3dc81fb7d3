import type { Ctx } from '../../context.ts';
import { DomainError, invalidInput } from '../../errors.ts';
import { t } from '../../i18n.ts';
import { checkPhotoUploads, type PhotoUpload } from './limits.ts';
import { type PhotoServices, PhotoUnreadable } from './ports.ts';

/** A photo processed and in the store, not yet tied to a case. */
export interface StoredPhoto {
  id: string;
  storageKey: string;
  thumbKey: string;
  contentType: string;
  width: number;
  height: number;
  bytes: number;
}

const EXT: Record<string, string> = { 'image/jpeg': 'jpg', 'image/webp': 'webp', 'image/png': 'png' };

/** The runtime's photo services, or a 400 on the photo field saying this server takes none. */
export function photoServices(ctx: Ctx, field = 'photos'): PhotoServices {
  if (ctx.photos) return ctx.photos;
  throw new DomainError('invalid_input', 'photo.unavailable', {}, { fields: [{ field, code: 'unavailable', message: t(ctx.lang, 'photo.unavailable') }] });
}

/**
 * Checks the uploads (count, size, type by their bytes), re-encodes each
 * without metadata with a thumbnail, and puts both in the store. The original
 * bytes go nowhere. Either every photo is stored or none is: a failure deletes
 * what this call had put.
 */
export async function storePhotos(ctx: Ctx, uploads: readonly PhotoUpload[], field = 'photos'): Promise<StoredPhoto[]> {
  if (uploads.length === 0) return [];
  const checked = checkPhotoUploads(uploads, ctx.lang, field);
  const { store, processor } = photoServices(ctx, field);
  const stored: StoredPhoto[] = [];
  try {
    for (const upload of checked) {
      let processed: Awaited<ReturnType<typeof processor.process>>;
      try {
        processed = await processor.process(upload.bytes, upload.type);
      } catch (err) {
        if (!(err instanceof PhotoUnreadable)) throw err;
        const name = upload.name.slice(0, 80) || '—';
        throw invalidInput('invalid_input', [{ field, code: 'unreadable', message: t(ctx.lang, 'photo.unreadable', { name }) }], { fields: field });
      }
      const id = crypto.randomUUID();
      const { image, thumb } = processed;
      const photo: StoredPhoto = {
        id,
        storageKey: `photos/${id}.${EXT[image.contentType] ?? 'img'}`,
        thumbKey: `photos/${id}.thumb.${EXT[thumb.contentType] ?? 'img'}`,
        contentType: image.contentType,
        width: image.width,
        height: image.height,
        bytes: image.bytes.length,
      };
      await store.put(photo.storageKey, image.bytes, image.contentType);
      stored.push(photo);
      await store.put(photo.thumbKey, thumb.bytes, thumb.contentType);
    }
  } catch (err) {
    await discardPhotos(ctx, stored);
    throw err;
  }
  return stored;
}

/** Deletes stored objects that no row will point at (a failed filing); a failure here is logged, not thrown. */
export async function discardPhotos(ctx: Ctx, photos: readonly StoredPhoto[]): Promise<void> {
  if (!ctx.photos || photos.length === 0) return;
  const store = ctx.photos.store;
  for (const p of photos) {
    for (const key of [p.storageKey, p.thumbKey]) {
      await store.delete(key).catch((err: unknown) => ctx.logger.warn('photo object left behind', { requestId: ctx.requestId, key, error: (err as Error).name }));
    }
  }
}
