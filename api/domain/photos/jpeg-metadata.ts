/*
 * JPEG segments, read without decoding: for a runtime whose image service we
 * do not control (the Worker's Images binding), the stored bytes are cleaned
 * here whatever the service kept. A JPEG is SOI, then marker segments
 * (FF xx, a 2-byte big-endian length that counts itself), then from SOS the
 * entropy-coded image to EOI.
 */

/** APP1–APP15 (EXIF with GPS, XMP, IPTC, maker notes, …) and COM: everything but the image and its colour (APP0 JFIF, APP2 ICC stays). */
const isMetadata = (marker: number) => (marker >= 0xe1 && marker <= 0xef && marker !== 0xe2) || marker === 0xfe;

/** The JPEG with its metadata segments removed; throws on bytes that are not a well-formed JPEG header. */
export function stripJpegMetadata(bytes: Uint8Array): Uint8Array {
  if (bytes[0] !== 0xff || bytes[1] !== 0xd8) throw new Error('not a JPEG');
  const kept: Uint8Array[] = [bytes.subarray(0, 2)];
  let i = 2;
  for (;;) {
    if (i + 4 > bytes.length || bytes[i] !== 0xff) throw new Error('JPEG segment expected');
    const marker = bytes[i + 1]!;
    if (marker === 0xda) {
      // Start of scan: the rest is the image itself.
      kept.push(bytes.subarray(i));
      break;
    }
    const length = (bytes[i + 2]! << 8) | bytes[i + 3]!;
    const end = i + 2 + length;
    if (length < 2 || end > bytes.length) throw new Error('JPEG segment overruns the file');
    if (!isMetadata(marker)) kept.push(bytes.subarray(i, end));
    i = end;
  }
  const out = new Uint8Array(kept.reduce((n, k) => n + k.length, 0));
  let at = 0;
  for (const k of kept) {
    out.set(k, at);
    at += k.length;
  }
  return out;
}

/** Width and height from the JPEG's frame header (SOF0–SOF15 but DHT, JPG and DAC). */
export function jpegSize(bytes: Uint8Array): { width: number; height: number } {
  let i = 2;
  while (i + 9 < bytes.length && bytes[i] === 0xff) {
    const marker = bytes[i + 1]!;
    const length = (bytes[i + 2]! << 8) | bytes[i + 3]!;
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { height: (bytes[i + 5]! << 8) | bytes[i + 6]!, width: (bytes[i + 7]! << 8) | bytes[i + 8]! };
    }
    i += 2 + length;
  }
  throw new Error('no JPEG frame header');
}
