import exifr from 'exifr';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { jpegSize, stripJpegMetadata } from '../../api/domain/photos/jpeg-metadata.ts';
import { PhotoUnreadable } from '../../api/domain/photos/ports.ts';
import { type ImagesBindingLike, imagesProcessor } from '../../workers/photos-cloudflare.ts';
import { GPS_EXIF, jpegWithGps, png } from '../helpers/photos.ts';

/*
 * The Worker's photo processing without workerd: the Images binding is played
 * by sharp, in the worst case for privacy — it keeps every EXIF tag, GPS
 * included — so the test shows that what the Worker stores has none whatever
 * the service does. Like the real binding, it refuses bytes that are no image
 * with an error carrying code 9412.
 */
const keepsEverything: ImagesBindingLike = {
  input(stream) {
    return {
      transform(t) {
        return {
          async output(o) {
            const bytes = Buffer.from(await new Response(stream).arrayBuffer());
            let out: Buffer;
            try {
              out = await sharp(bytes)
                .resize({ width: t.width, height: t.height, fit: 'inside', withoutEnlargement: true })
                .keepExif()
                .withExifMerge(GPS_EXIF)
                .jpeg({ quality: o.quality })
                .toBuffer();
            } catch {
              throw Object.assign(new Error('ERROR 9412: Input is not an image'), { code: 9412 });
            }
            return { image: () => new Response(new Uint8Array(out)).body as ReadableStream<Uint8Array> };
          },
        };
      },
    };
  },
};

describe('JPEG metadata segments', () => {
  it('strips EXIF (GPS, camera, time) and comments, keeps a decodable image of the same size', async () => {
    const sent = await sharp(await jpegWithGps(300, 200))
      .keepExif()
      .jpeg()
      .toBuffer();
    expect(await exifr.gps(sent)).toBeDefined();
    const clean = stripJpegMetadata(new Uint8Array(sent));
    expect(await exifr.parse(Buffer.from(clean), true)).toBeUndefined();
    expect(Buffer.from(clean).includes('Exif\0\0')).toBe(false);
    expect(jpegSize(clean)).toEqual({ width: 300, height: 200 });
    expect(await sharp(clean).metadata()).toMatchObject({ width: 300, height: 200, format: 'jpeg' });
  });

  it('refuses bytes that are not a JPEG', () => {
    expect(() => stripJpegMetadata(new Uint8Array([1, 2, 3, 4]))).toThrow('not a JPEG');
  });
});

describe('the Worker’s processor (Images binding)', () => {
  it('stores a JPEG without GPS even when the image service keeps every tag, with a thumbnail', async () => {
    // The stand-in does keep the GPS tag: what it hands back still has it.
    const raw = await keepsEverything
      .input(new Response(new Uint8Array(await jpegWithGps())).body as ReadableStream<Uint8Array>)
      .transform({ width: 320, height: 320, fit: 'scale-down' })
      .output({ format: 'image/jpeg' });
    expect(await exifr.gps(Buffer.from(await new Response(raw.image()).arrayBuffer()))).toBeDefined();
    const { image, thumb } = await imagesProcessor(keepsEverything).process(new Uint8Array(await jpegWithGps(2600, 1300)), 'jpeg');
    for (const out of [image, thumb]) expect(await exifr.gps(Buffer.from(out.bytes))).toBeUndefined();
    expect(image).toMatchObject({ contentType: 'image/jpeg', width: 2048, height: 1024 });
    expect(thumb).toMatchObject({ width: 320, height: 160 });
  });

  it('a PNG goes in, a JPEG comes out; bytes that are no image are unreadable', async () => {
    const { image } = await imagesProcessor(keepsEverything).process(new Uint8Array(await png()), 'png');
    expect((await sharp(image.bytes).metadata()).format).toBe('jpeg');
    await expect(imagesProcessor(keepsEverything).process(new TextEncoder().encode('nope'), 'jpeg')).rejects.toBeInstanceOf(PhotoUnreadable);
  });
});
