import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import type { PhotoServices } from '../../api/domain/photos/ports.ts';
import { FolderPhotoStore, sharpProcessor } from '../../workers/photos-node.ts';

/** The Node photo services on a temp folder, with a fixed link secret. */
export function testPhotoServices(): PhotoServices & { store: FolderPhotoStore; folder: string } {
  const folder = mkdtempSync(join(tmpdir(), 'hotline-photos-'));
  return { store: new FolderPhotoStore(folder), processor: sharpProcessor, urlSecret: 'test-photo-link-secret-0123456789', folder };
}

/** Tianjin station's front square, as a phone would tag it. */
export const GPS_EXIF = {
  IFD0: { Make: 'TestPhone', Model: 'Camera 9', DateTime: '2026:12:01 08:30:00' },
  IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '39/1 8/1 0/1', GPSLongitudeRef: 'E', GPSLongitude: '117/1 12/1 0/1' },
};

/** A JPEG carrying a GPS tag, camera make and time (sharp's withExif). */
export async function jpegWithGps(width = 640, height = 480): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: '#b33' } })
    .jpeg()
    .withExif(GPS_EXIF)
    .toBuffer();
}

export async function png(width = 200, height = 150): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 4, background: { r: 30, g: 90, b: 200, alpha: 0.6 } } })
    .png()
    .toBuffer();
}

export async function webp(width = 200, height = 150): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: '#3b3' } })
    .webp()
    .toBuffer();
}

/** A 96×64 HEIC made with libheif's heif-enc (tests/fixtures/README.md). */
export const heic = (): Buffer => readFileSync(join(import.meta.dirname, '../fixtures/photo-gps.heic'));

/** A multipart body with the case's fields and its files (named as the browser would). */
export function multipart(fields: Record<string, string>, files: Array<{ name: string; bytes: Uint8Array; type?: string }>, field = 'photos'): RequestInit {
  const data = new FormData();
  for (const [k, v] of Object.entries(fields)) data.set(k, v);
  for (const f of files) data.append(field, new File([f.bytes as Uint8Array<ArrayBuffer>], f.name, { type: f.type ?? 'image/jpeg' }));
  return { method: 'POST', body: data };
}
