/**
 * Tracking codes: 10 symbols from a 31-letter alphabet without look-alikes
 * (no 0/O, 1/I/L), so ~49.5 bits of randomness — unguessable, and short enough
 * to read aloud over the phone. Shown grouped as XXXXX-XXXXX.
 */
export const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
export const CODE_LENGTH = 10;
export const CODE_BITS = CODE_LENGTH * Math.log2(CODE_ALPHABET.length);

/**
 * Cryptographically random bytes, drawn from the system in 4 kB batches: one
 * call per ~250 codes instead of one per code (the same trick as Node's
 * randomUUID). Bytes handed out are never handed out again.
 */
const pool = new Uint8Array(4096);
let poolAt = pool.length;
function pooledRandom(bytes: Uint8Array<ArrayBuffer>): Uint8Array {
  if (poolAt + bytes.length > pool.length) {
    crypto.getRandomValues(pool);
    poolAt = 0;
  }
  bytes.set(pool.subarray(poolAt, poolAt + bytes.length));
  poolAt += bytes.length;
  return bytes;
}

/** Draws a code by rejection sampling, so every symbol is equally likely. */
export function newTrackingCode(random: (bytes: Uint8Array<ArrayBuffer>) => Uint8Array = pooledRandom): string {
  const n = CODE_ALPHABET.length;
  const limit = 256 - (256 % n);
  let code = '';
  while (code.length < CODE_LENGTH) {
    const bytes = random(new Uint8Array(16));
    for (const byte of bytes) {
      if (byte >= limit) continue;
      code += CODE_ALPHABET[byte % n];
      if (code.length === CODE_LENGTH) break;
    }
  }
  return code;
}

/** Accepts what a person types or reads back: any case, spaces, dashes. */
export function normalizeTrackingCode(input: string): string | undefined {
  const cleaned = input.toUpperCase().replace(/[\s\-_]/g, '');
  if (cleaned.length !== CODE_LENGTH) return undefined;
  for (const ch of cleaned) if (!CODE_ALPHABET.includes(ch)) return undefined;
  return cleaned;
}

export function formatTrackingCode(code: string): string {
  return `${code.slice(0, 5)}-${code.slice(5)}`;
}
