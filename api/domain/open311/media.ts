import type { Ctx } from '../../context.ts';
import { invalidInput } from '../../errors.ts';
import { t } from '../../i18n.ts';

/**
 * The file parts of a multipart POST (GeoReport's `media`, a photo sent with
 * the request itself rather than as a `media_url`).
 *
 * This office does not store uploaded files yet, and a part must never vanish
 * with a 200: the client would believe its photo reached the office. So any
 * file part with content refuses the whole request with a 400 that says why,
 * and nothing is filed. An empty file part (a form's file input left blank:
 * no name, no bytes) is no upload and is ignored.
 *
 * When photo storage exists, this is the one place to replace: store the parts
 * with the case instead of refusing them.
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
