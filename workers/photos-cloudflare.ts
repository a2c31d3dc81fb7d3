import type { Config } from '../api/config.ts';
import { jpegSize, stripJpegMetadata } from '../api/domain/photos/jpeg-metadata.ts';
import { type EncodedImage, type PhotoProcessor, type PhotoServices, type PhotoStore, PhotoUnreadable } from '../api/domain/photos/ports.ts';
import { type R2BucketLike, R2PhotoStore } from '../api/domain/photos/r2-store.ts';
import { S3PhotoStore } from '../api/domain/photos/s3-store.ts';

/*
 * Photos on Workers. sharp (libvips) is native code and cannot run in
 * workerd, so the Worker uses Cloudflare's own image service through the
 * Images binding (env.IMAGES), which decodes JPEG, PNG, WebP and HEIC, and
 * writes a new JPEG. Whatever metadata the service keeps by default (its
 * transformations keep the copyright tag), stripJpegMetadata removes every
 * APP1–APP15 and comment segment from the bytes before they are stored, so a
 * GPS tag cannot survive here either. Storage: the R2 binding (env.PHOTOS), or
 * an S3-compatible bucket from PHOTO_S3_*. Without a processor, a store and
 * PHOTO_URL_SECRET, the Worker takes no photos and says so beside the field.
 */

/** The part of the Images binding used here (Cloudflare's ImagesBinding fits it). */
export interface ImagesBindingLike {
  input(stream: ReadableStream<Uint8Array>): {
    transform(t: { width?: number; height?: number; fit?: 'scale-down' }): {
      output(o: { format: 'image/jpeg'; quality?: number; background?: string }): Promise<{ image(): ReadableStream<Uint8Array> }>;
    };
  };
}

const FULL_SIDE = 2048;
const THUMB_SIDE = 320;

const streamOf = (bytes: Uint8Array) => new Response(bytes as Uint8Array<ArrayBuffer>).body as ReadableStream<Uint8Array>;

export function imagesProcessor(images: ImagesBindingLike): PhotoProcessor {
  const encode = async (bytes: Uint8Array, side: number, quality: number): Promise<EncodedImage> => {
    let out: Uint8Array;
    try {
      const result = await images.input(streamOf(bytes)).transform({ width: side, height: side, fit: 'scale-down' }).output({ format: 'image/jpeg', quality, background: '#ffffff' });
      out = new Uint8Array(await new Response(result.image()).arrayBuffer());
    } catch (err) {
      // The binding throws an ImagesError (9412: not an image) for bytes it cannot decode.
      throw new PhotoUnreadable((err as Error).message);
    }
    const clean = stripJpegMetadata(out);
    return { bytes: clean, contentType: 'image/jpeg', ...jpegSize(clean) };
  };
  return {
    async process(bytes) {
      return { image: await encode(bytes, FULL_SIDE, 82), thumb: await encode(bytes, THUMB_SIDE, 70) };
    },
  };
}

/** The Worker's photo services, or undefined (photos refused with a clear message) when a part is not configured. */
export function cloudflarePhotoServices(config: Config, env: { IMAGES?: unknown; PHOTOS?: unknown }): PhotoServices | undefined {
  const store: PhotoStore | undefined = env.PHOTOS ? new R2PhotoStore(env.PHOTOS as R2BucketLike) : config.photos.s3 ? new S3PhotoStore(config.photos.s3) : undefined;
  if (!store || !env.IMAGES || !config.photos.urlSecret) return undefined;
  return { store, processor: imagesProcessor(env.IMAGES as ImagesBindingLike), urlSecret: config.photos.urlSecret };
}

/** What is missing for photos on this Worker, for one log line at start; undefined when photos work. */
export function photosMissing(config: Config, env: { IMAGES?: unknown; PHOTOS?: unknown }): string | undefined {
  const missing = [!env.IMAGES && 'the IMAGES binding', !env.PHOTOS && !config.photos.s3 && 'the PHOTOS R2 binding (or PHOTO_S3_*)', !config.photos.urlSecret && 'PHOTO_URL_SECRET'].filter(
    Boolean,
  );
  return missing.length ? `photos are refused: set ${missing.join(', ')}` : undefined;
}
