import { constantTimeEqual } from '../constant-time.ts';

/*
 * Webhook signatures, verified with WebCrypto (runs on Node and Workers) and
 * compared in constant time.
 */
const encoder = new TextEncoder();

async function hmac(algorithm: 'SHA-1' | 'SHA-256', key: Uint8Array<ArrayBuffer>, data: string): Promise<Uint8Array> {
  const cryptoKey = await crypto.subtle.importKey('raw', key, { name: 'HMAC', hash: algorithm }, false, ['sign']);
  return new Uint8Array(await crypto.subtle.sign('HMAC', cryptoKey, encoder.encode(data)));
}

const toBase64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
const fromBase64 = (s: string) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));

/**
 * Twilio: base64 HMAC-SHA1, keyed with the auth token, over the full URL Twilio
 * called followed by each POST parameter name and value, sorted by name.
 */
export async function twilioSignature(authToken: string, url: string, params: Record<string, string>): Promise<string> {
  const data =
    url +
    Object.keys(params)
      .sort()
      .map((k) => k + params[k])
      .join('');
  return toBase64(await hmac('SHA-1', encoder.encode(authToken), data));
}

export async function verifyTwilio(authToken: string, url: string, params: Record<string, string>, signature: string | undefined): Promise<boolean> {
  if (!signature) return false;
  return constantTimeEqual(await twilioSignature(authToken, url, params), signature);
}

/**
 * Svix (Resend's webhooks): `svix-signature` holds space-separated `v1,<base64>`
 * HMAC-SHA256 values, keyed with the base64 part of the `whsec_` secret, over
 * `<svix-id>.<svix-timestamp>.<raw body>`; the timestamp must be within 5 minutes.
 */
export async function verifySvix(
  secret: string,
  headers: { id: string | undefined; timestamp: string | undefined; signature: string | undefined },
  body: string,
  now: Date,
  toleranceSeconds = 300,
): Promise<boolean> {
  const { id, timestamp, signature } = headers;
  if (!id || !timestamp || !signature || !/^\d+$/.test(timestamp)) return false;
  if (Math.abs(now.getTime() / 1000 - Number(timestamp)) > toleranceSeconds) return false;
  let key: Uint8Array<ArrayBuffer>;
  try {
    key = fromBase64(secret.startsWith('whsec_') ? secret.slice(6) : secret);
  } catch {
    return false;
  }
  const expected = toBase64(await hmac('SHA-256', key, `${id}.${timestamp}.${body}`));
  return signature
    .split(' ')
    .map((part) => part.split(','))
    .some(([version, value]) => version === 'v1' && value !== undefined && constantTimeEqual(value, expected));
}
