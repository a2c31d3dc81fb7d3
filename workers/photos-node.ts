import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import decodeHeic from 'heic-decode';
import sharp, { type Sharp } from 'sharp';
import type { Config } from '../api/config.ts';
import type { PhotoType } from '../api/domain/photos/limits.ts';
import { type EncodedImage, type PhotoProcessor, type PhotoServices, type PhotoStore, PhotoUnreadable, type StoredObject } from '../api/domain/photos/ports.ts';
import { S3PhotoStore } from '../api/domain/photos/s3-store.ts';

/*
 * Photos on the Node server. Re-encoding by sharp (libvips, prebuilt for
 * linux-x64/arm64 and macOS from the npm registry): it decodes JPEG, PNG and
 * WebP, turns the image upright from its EXIF orientation and writes a new
 * JPEG, which by default carries none of the input's metadata (no EXIF, GPS,
 * XMP or IPTC). sharp's prebuilt libvips leaves HEVC out (patents), so HEIC is
 * decoded by heic-decode (libheif compiled to WebAssembly) into raw pixels
 * first, which have no metadata to carry.
 */

/** The longest side of a stored photo and of its thumbnail, in pixels. */
const FULL_SIDE = 2048;
const THUMB_SIDE = 320;
/** Refuses decompression bombs: a 10 MB file can claim billions of pixels. */
const MAX_INPUT_PIXELS = 80_000_000;

export const sharpProcessor: PhotoProcessor = {
  async process(bytes: Uint8Array, type: PhotoType) {
    let source: Sharp;
    try {
      if (type === 'heic') {
        const { width, height, data } = await decodeHeic({ buffer: bytes });
        if (width * height > MAX_INPUT_PIXELS) throw new PhotoUnreadable('too many pixels');
        source = sharp(Buffer.from(data.buffer, data.byteOffset, data.byteLength), { raw: { width, height, channels: 4 } });
      } else {
        source = sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' }).rotate();
      }
      const encode = async (from: Sharp, side: number, quality: number): Promise<EncodedImage> => {
        const { data, info } = await from
          .resize({ width: side, height: side, fit: 'inside', withoutEnlargement: true })
          .flatten({ background: '#ffffff' })
          .jpeg({ quality })
          .toBuffer({ resolveWithObject: true });
        return { bytes: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), contentType: 'image/jpeg', width: info.width, height: info.height };
      };
      // The thumbnail is made from the stored image, already upright and small: one decode of the large original.
      const image = await encode(source, FULL_SIDE, 82);
      const thumb = await encode(sharp(image.bytes), THUMB_SIDE, 70);
      return { image, thumb };
    } catch (err) {
      if (err instanceof PhotoUnreadable) throw err;
      // sharp and libheif throw plain Errors for input they cannot decode.
      throw new PhotoUnreadable((err as Error).message);
    }
  },
};

/** Objects as files under one folder (DATA_DIR/photos); keys never leave it. */
export class FolderPhotoStore implements PhotoStore {
  private readonly root: string;
  constructor(folder: string) {
    this.root = resolve(folder);
  }

  private path(key: string): string {
    const path = resolve(this.root, key);
    if (!path.startsWith(this.root + sep)) throw new Error('photo key outside the store');
    return path;
  }

  async put(key: string, bytes: Uint8Array, contentType: string): Promise<void> {
    const path = this.path(key);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, bytes);
    await writeFile(`${path}.type`, contentType);
  }

  async get(key: string): Promise<StoredObject | undefined> {
    const path = this.path(key);
    try {
      const [bytes, contentType] = await Promise.all([readFile(path), readFile(`${path}.type`, 'utf8')]);
      return { bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), contentType };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    const path = this.path(key);
    await rm(path, { force: true });
    await rm(`${path}.type`, { force: true });
  }
}

/** The Node server's photo services: an S3-compatible bucket when configured, else DATA_DIR/photos. */
export function nodePhotoServices(config: Config, options: { fetcher?: typeof fetch } = {}): PhotoServices {
  const store = config.photos.s3 ? new S3PhotoStore(config.photos.s3, options.fetcher) : new FolderPhotoStore(join(config.dataDir, 'photos'));
  // Without a configured secret, links signed before a restart stop working: they live minutes anyway.
  return { store, processor: sharpProcessor, urlSecret: config.photos.urlSecret ?? randomBytes(32).toString('base64url') };
}
