import type { PhotoType } from './limits.ts';

/*
 * What the photo domain needs from its runtime, behind two small interfaces:
 * the Node server brings sharp and a DATA_DIR folder or an S3-compatible
 * bucket (workers/photos-node.ts), the Worker its Images and R2 bindings
 * (workers/photos-cloudflare.ts). Nothing here knows which.
 */

/** An image as stored: re-encoded, without metadata. */
export interface EncodedImage {
  bytes: Uint8Array;
  contentType: string;
  width: number;
  height: number;
}

export interface PhotoProcessor {
  /**
   * Decodes the photo, turns it upright, and encodes it anew without any of
   * its metadata (GPS, camera, time), with a thumbnail. The original bytes are
   * not returned. Throws PhotoUnreadable when the bytes do not decode.
   */
  process(bytes: Uint8Array, type: PhotoType): Promise<{ image: EncodedImage; thumb: EncodedImage }>;
}

export interface StoredObject {
  bytes: Uint8Array;
  contentType: string;
}

/** One bucket of objects by key: a folder, an S3 bucket, R2. */
export interface PhotoStore {
  put(key: string, bytes: Uint8Array, contentType: string): Promise<void>;
  /** undefined when there is no such object. */
  get(key: string): Promise<StoredObject | undefined>;
  /** Deleting a missing object is not an error (S3 and R2 answer the same). */
  delete(key: string): Promise<void>;
}

export interface PhotoServices {
  store: PhotoStore;
  processor: PhotoProcessor;
  /** Signs staff photo links (HMAC-SHA256); from PHOTO_URL_SECRET. */
  urlSecret: string;
}

/** The bytes claimed an image type but do not decode as one. */
export class PhotoUnreadable extends Error {
  override name = 'PhotoUnreadable';
}
