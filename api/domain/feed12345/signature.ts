/**
 * The 12345 feed's signature, both ways (pushes in, callbacks out):
 *
 *   X-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>
 *
 * WebCrypto only, so it runs on Workers as on Node. The MAC is checked with
 * `crypto.subtle.verify`, which compares in constant time (BoringSSL's
 * CRYPTO_memcmp on Workers, OpenSSL's on Node) — no string comparison of MACs here.
 */
export const SIGNATURE_HEADER = 'x-signature';
/** A signature older than this, or this far in the future, is refused. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

const encoder = new TextEncoder();
const keys = new Map<string, Promise<CryptoKey>>();

function hmacKey(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    // One or two secrets per process (rotation); the cache never grows past that in practice.
    if (keys.size > 8) keys.clear();
    key = crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
    keys.set(secret, key);
  }
  return key;
}

const toHex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

function fromHex(hex: string): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** The header value for a body signed at `at`. */
export async function signFeedBody(secret: string, body: string, at: Date): Promise<string> {
  const t = Math.floor(at.getTime() / 1000);
  const mac = await crypto.subtle.sign('HMAC', await hmacKey(secret), encoder.encode(`${t}.${body}`));
  return `t=${t},v1=${toHex(new Uint8Array(mac))}`;
}

export interface ParsedSignature {
  t: number;
  /** Lower-case hex MACs; more than one lets a sender sign with an old and a new secret while rotating. */
  v1: string[];
}

export function parseSignatureHeader(header: string | undefined | null): ParsedSignature | undefined {
  if (!header || header.length > 1024) return undefined;
  let t: number | undefined;
  const v1: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) return undefined;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't') {
      if (!/^\d{1,12}$/.test(value) || t !== undefined) return undefined;
      t = Number(value);
    } else if (key === 'v1') {
      if (!/^[0-9a-fA-F]{64}$/.test(value)) return undefined;
      v1.push(value.toLowerCase());
    }
    // Other schemes (v0, v2…) are ignored, so a sender can add one without breaking us.
  }
  if (t === undefined || v1.length === 0 || v1.length > 4) return undefined;
  return { t, v1 };
}

export type SignatureVerdict = { ok: true; t: number; mac: string } | { ok: false; reason: 'missing' | 'malformed' | 'stale' | 'future' | 'mismatch' };

/** Checks a push: a well-formed header, a timestamp within ±5 minutes of `now`, and a MAC over the raw body. */
export async function verifyFeedSignature({
  secret,
  header,
  body,
  now,
  toleranceSeconds = SIGNATURE_TOLERANCE_SECONDS,
}: {
  secret: string;
  header: string | undefined | null;
  body: string;
  now: Date;
  toleranceSeconds?: number;
}): Promise<SignatureVerdict> {
  if (!header) return { ok: false, reason: 'missing' };
  const parsed = parseSignatureHeader(header);
  if (!parsed) return { ok: false, reason: 'malformed' };
  const age = Math.floor(now.getTime() / 1000) - parsed.t;
  if (age > toleranceSeconds) return { ok: false, reason: 'stale' };
  if (age < -toleranceSeconds) return { ok: false, reason: 'future' };
  const key = await hmacKey(secret);
  const data = encoder.encode(`${parsed.t}.${body}`);
  for (const mac of parsed.v1) {
    if (await crypto.subtle.verify('HMAC', key, fromHex(mac), data)) return { ok: true, t: parsed.t, mac };
  }
  return { ok: false, reason: 'mismatch' };
}
