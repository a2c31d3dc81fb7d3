import type { Ctx } from '../../context.ts';
import { invalidInput } from '../../errors.ts';
import { t } from '../../i18n.ts';
import type { PhotoUpload } from '../photos/limits.ts';

/**
 * The file parts of a multipart POST (GeoReport's `media`, a photo sent with
 * the request itself rather than as a `media_url`).
 *
 * A new request's `media` parts are its photos (mediaPhotos): checked,
 * re-encoded without metadata and stored with the case like the web form's
 * (api/domain/photos). Any other file part — under another name, or on a
 * request update, which keeps no files — must never vanish with a 200: the
 * client would believe its file reached the office. So it refuses the whole
 * request with a 400 that says why, and nothing is filed. An empty file part
 * (a form's file input left blank: no name, no bytes) is no upload and is
 * ignored.
 */
export function refuseUnhandledMediaParts(ctx: Ctx, parts: Array<{ field: string; file: File }>): void {
  const uploads = parts.filter((p) => p.file.size > 0 || p.file.name !== '');
  if (uploads.length === 0) return;
  const message = t(ctx.lang, 'open311.media_upload_unsupported');
  throw invalidInput(
    'open311.media_upload_unsupported',
    uploads.map((p) => ({ field: p.field, code: 'unsupported', message })),
    { fields: [...new Set(uploads.map((p) => p.field))].join(', ') },
  );
}

/** A new request's photos: its non-empty `media` parts; a file under any other name is refused as above. */
export async function mediaPhotos(ctx: Ctx, parts: Array<{ field: string; file: File }>): Promise<PhotoUpload[]> {
  const uploads = parts.filter((p) => p.file.size > 0 || p.file.name !== '');
  refuseUnhandledMediaParts(
    ctx,
    uploads.filter((p) => p.field !== 'media'),
  );
  return Promise.all(uploads.filter((p) => p.field === 'media').map(async (p) => ({ name: p.file.name, bytes: new Uint8Array(await p.file.arrayBuffer()) })));
}
