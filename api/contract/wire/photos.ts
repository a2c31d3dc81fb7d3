import { z } from 'zod';
import { CreateCaseBody } from './public.ts';
import { EnterCaseBody } from './staff.ts';

/*
 * Photos on the wire (issue #17). A form or an upload sends them as file parts
 * named `photos` (up to three; the type is read from the bytes, not the name).
 * What staff read carries short-lived signed links; what the public reads
 * carries only photos a member of staff has made public.
 */

/** At most this many photos per case, from any channel (issue #17). */
export const PHOTOS_MAX = 3;
/** Each photo as sent: 10 MB. */
export const PHOTO_MAX_BYTES = 10 * 1024 * 1024;
/** A whole form with its photos: the photos, the text fields and the multipart framing. */
export const PHOTO_FORM_BODY_LIMIT = PHOTOS_MAX * PHOTO_MAX_BYTES + 64 * 1024;

/** A browser sends an empty part for a file input left empty (read as '' or a nameless empty file): that is no photo. */
const asFileList = (v: unknown) => {
  const list = v === undefined ? [] : Array.isArray(v) ? v : [v];
  return list.filter((f) => f !== '' && !(f instanceof File && f.size === 0 && f.name === ''));
};

export const PhotoParts = z
  .preprocess(asFileList, z.array(z.file().meta({ type: 'string', format: 'binary' })))
  .optional()
  .meta({ description: 'Up to 3 photos (JPEG, PNG, WebP or HEIC, 10 MB each); re-encoded without metadata, never public until staff say so' });

/** The public form as multipart: the case's fields and its photos. */
export const CreateCaseForm = CreateCaseBody.extend({ photos: PhotoParts }).meta({ id: 'CreateCaseForm' });
/** Staff entry as multipart: the case's fields and photos brought to the desk. */
export const EnterCaseForm = EnterCaseBody.extend({ photos: PhotoParts }).meta({ id: 'EnterCaseForm' });

export const StaffPhoto = z
  .object({
    id: z.uuid(),
    url: z.string().meta({ description: 'Signed link to the photo, valid until expiresAt' }),
    thumbUrl: z.string(),
    contentType: z.string(),
    width: z.number().int(),
    height: z.number().int(),
    source: z.string().meta({ example: 'web' }),
    isPublic: z.boolean(),
    createdAt: z.string(),
    expiresAt: z.string(),
  })
  .meta({ id: 'StaffPhoto' });
export const StaffPhotoList = z.object({ items: z.array(StaffPhoto) }).meta({ id: 'StaffPhotoList' });

export const PhotoVisibilityBody = z.object({ isPublic: z.boolean() }).meta({ id: 'PhotoVisibility' });
export const PhotoVisibility = z.object({ photoId: z.uuid(), isPublic: z.boolean(), changed: z.boolean() });

export const AddedPhotos = z.object({ added: z.number().int(), items: z.array(z.object({ id: z.uuid() })) }).meta({ id: 'AddedPhotos' });

/** A photo the public may see: its fixed paths, nothing else. */
export const PublicPhoto = z.object({ url: z.string(), thumbUrl: z.string() }).meta({ id: 'PublicPhoto' });

export const PhotoRetentionSetting = z
  .object({
    days: z.number().int().nullable().meta({ description: 'Days after closing that a case keeps its photos; null keeps them' }),
    updatedAt: z.string().nullable(),
  })
  .meta({ id: 'PhotoRetention' });
export const PhotoRetentionBody = z.object({ days: z.number().int().nullable() });

export type StaffPhoto = z.infer<typeof StaffPhoto>;
export type StaffPhotoList = z.infer<typeof StaffPhotoList>;
export type PublicPhoto = z.infer<typeof PublicPhoto>;
export type CreateCaseForm = z.infer<typeof CreateCaseForm>;
export type EnterCaseForm = z.infer<typeof EnterCaseForm>;
