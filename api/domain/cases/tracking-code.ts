import { CODE_ALPHABET, CODE_LENGTH } from '../../contract/tracking-code.ts';

// The format (alphabet, length, normalizing, display) is the contract's; only drawing a code lives here.
export { CODE_ALPHABET, CODE_BITS, CODE_LENGTH, formatTrackingCode, normalizeTrackingCode } from '../../contract/tracking-code.ts';

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
