/*
 * Short-lived links to a private photo: HMAC-SHA256 over the photo, the
 * variant and the expiry, with the server's secret (WebCrypto: the same on
 * Node and Workers). A link leaks nothing but itself and stops working when
 * it expires.
 */
export type PhotoVariant = 'full' | 'thumb';

const encoder = new TextEncoder();

async function hmac(secret: string, message: string): Promise<string> {
  const key = await crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, encoder.encode(message)));
  return btoa(String.fromCharCode(...mac))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}

const message = (photoId: string, variant: PhotoVariant, expires: number) => `photo:${photoId}:${variant}:${expires}`;

/** The path of a signed link, valid until `expires` (seconds since the epoch). */
export async function signedPhotoPath(secret: string, photoId: string, variant: PhotoVariant, expires: number): Promise<string> {
  const sig = await hmac(secret, message(photoId, variant, expires));
  return `/api/photos/${photoId}?variant=${variant}&expires=${expires}&sig=${sig}`;
}

/** True when the signature is this server's for these values and the link has not expired. */
export async function verifyPhotoSignature(secret: string, input: { photoId: string; variant: PhotoVariant; expires: number; sig: string }, now: Date): Promise<boolean> {
  if (!Number.isFinite(input.expires) || input.expires * 1000 < now.getTime()) return false;
  const expected = await hmac(secret, message(input.photoId, input.variant, input.expires));
  if (expected.length !== input.sig.length) return false;
  let diff = 0;
  for (let i = 0; i < expected.length; i++) diff |= expected.charCodeAt(i) ^ input.sig.charCodeAt(i);
  return diff === 0;
}
