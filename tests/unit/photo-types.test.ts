import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { checkPhotoUploads, PHOTO_MAX_BYTES, sniffPhotoType } from '../../api/domain/photos/limits.ts';
import { heic, jpegWithGps, png, webp } from '../helpers/photos.ts';

/* The type of a photo is read from its first bytes (magic numbers), never from its name. */
describe('photo types by their bytes', () => {
  it('knows JPEG, PNG, WebP and HEIC', async () => {
    expect(sniffPhotoType(new Uint8Array(await jpegWithGps(20, 20)))).toBe('jpeg');
    expect(sniffPhotoType(new Uint8Array(await png(20, 20)))).toBe('png');
    expect(sniffPhotoType(new Uint8Array(await webp(20, 20)))).toBe('webp');
    expect(sniffPhotoType(new Uint8Array(heic()))).toBe('heic');
  });

  it('refuses AVIF (also HEIF, not a phone photo here), an MP4, a GIF, text and a PDF', async () => {
    const avif = await sharp({ create: { width: 16, height: 16, channels: 3, background: '#123' } })
      .avif()
      .toBuffer();
    expect(avif.subarray(4, 12).toString('latin1')).toBe('ftypavif');
    const mp4 = new Uint8Array([0, 0, 0, 0x18, ...new TextEncoder().encode('ftypisom'), 0, 0, 2, 0, ...new TextEncoder().encode('isomiso2')]);
    const gif = new TextEncoder().encode('GIF89a\x01\x00\x01\x00');
    for (const bytes of [new Uint8Array(avif), mp4, gif, new TextEncoder().encode('just text'), new TextEncoder().encode('%PDF-1.7')]) {
      expect(sniffPhotoType(bytes)).toBeUndefined();
    }
  });

  it('names every problem at once, by the file’s own name, in the caller’s language', async () => {
    const p = new Uint8Array(await png(10, 10));
    const big = new Uint8Array(PHOTO_MAX_BYTES + 1);
    big.set(p);
    try {
      checkPhotoUploads(
        [
          { name: 'a.png', bytes: p },
          { name: 'b.jpg', bytes: new TextEncoder().encode('text') },
          { name: 'c.png', bytes: big },
          { name: 'd.png', bytes: p },
        ],
        'en',
      );
      expect.unreachable();
    } catch (err) {
      const fields = (err as { details: { fields: Array<{ field: string; code: string; message: string }> } }).details.fields;
      expect(fields.map((f) => f.code)).toEqual(['too_many', 'not_an_image', 'too_big']);
      expect(fields.map((f) => f.message)).toEqual(['At most 3 photos (you chose 4)', '“b.jpg” is not a JPEG, PNG, WebP or HEIC photo', 'The photo “c.png” is larger than 10 MB']);
    }
  });
});
