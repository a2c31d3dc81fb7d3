import { PHOTO_MAX_BYTES, PHOTOS_MAX } from '../../contract/wire/photos.ts';
import { invalidInput } from '../../errors.ts';
import { type Lang, t } from '../../i18n.ts';

export { PHOTO_FORM_BODY_LIMIT, PHOTO_MAX_BYTES, PHOTOS_MAX } from '../../contract/wire/photos.ts';

export type PhotoType = 'jpeg' | 'png' | 'webp' | 'heic';

/** A file part as a form or an upload carries it: its bytes decide, never its name or declared type. */
export interface PhotoUpload {
  name: string;
  bytes: Uint8Array;
}

const HEIF_BRANDS = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'mif1', 'msf1']);

/** The image type from the first bytes (magic numbers), or undefined for anything else. */
export function sniffPhotoType(bytes: Uint8Array): PhotoType | undefined {
  const at = (i: number, ...values: number[]) => values.every((v, k) => bytes[i + k] === v);
  const ascii = (i: number, n: number) => String.fromCharCode(...bytes.subarray(i, i + n));
  if (bytes.length >= 3 && at(0, 0xff, 0xd8, 0xff)) return 'jpeg';
  if (bytes.length >= 8 && at(0, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'png';
  if (bytes.length >= 12 && ascii(0, 4) === 'RIFF' && ascii(8, 4) === 'WEBP') return 'webp';
  // ISO BMFF: [size]['ftyp'][major brand]...[compatible brands]; AVIF (also HEIF) is not a phone photo here.
  if (bytes.length >= 12 && ascii(4, 4) === 'ftyp') {
    const size = Math.min(bytes.length, ((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0);
    const brands = [ascii(8, 4)];
    for (let i = 16; i + 4 <= size; i += 4) brands.push(ascii(i, 4));
    if (brands.some((b) => HEIF_BRANDS.has(b)) && !brands.includes('avif')) return 'heic';
  }
  return undefined;
}

/**
 * Checks photos as sent, all at once: how many, how large, what they are.
 * Each problem is a field issue on `photos` in the caller's language, so a
 * form shows it beside its photo field; nothing is stored when any fails.
 */
export function checkPhotoUploads(uploads: readonly PhotoUpload[], lang: Lang, field = 'photos'): Array<PhotoUpload & { type: PhotoType }> {
  const problems: Array<{ field: string; code: string; message: string }> = [];
  if (uploads.length > PHOTOS_MAX) problems.push({ field, code: 'too_many', message: t(lang, 'photo.too_many', { max: PHOTOS_MAX, n: uploads.length }) });
  const checked = uploads.map((u) => ({ ...u, type: sniffPhotoType(u.bytes) }));
  for (const u of checked) {
    const name = u.name.slice(0, 80) || '—';
    if (u.bytes.length > PHOTO_MAX_BYTES) problems.push({ field, code: 'too_big', message: t(lang, 'photo.too_big', { name, max: PHOTO_MAX_BYTES / 1024 / 1024 }) });
    else if (u.bytes.length === 0) problems.push({ field, code: 'empty', message: t(lang, 'photo.empty', { name }) });
    else if (!u.type) problems.push({ field, code: 'not_an_image', message: t(lang, 'photo.type', { name }) });
  }
  if (problems.length > 0) throw invalidInput('invalid_input', problems, { fields: field });
  return checked as Array<PhotoUpload & { type: PhotoType }>;
}
