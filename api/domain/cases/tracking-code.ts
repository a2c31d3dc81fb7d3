/**
 * Tracking codes: 10 symbols from a 31-letter alphabet without look-alikes
 * (no 0/O, 1/I/L), so ~49.5 bits of randomness — unguessable, and short enough
 * to read aloud over the phone. Shown grouped as XXXXX-XXXXX.
 */
export const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
export const CODE_LENGTH = 10;
export const CODE_BITS = CODE_LENGTH * Math.log2(CODE_ALPHABET.length);

/** Draws a code by rejection sampling, so every symbol is equally likely. */
export function newTrackingCode(random: (bytes: Uint8Array<ArrayBuffer>) => Uint8Array = (b) => crypto.getRandomValues(b)): string {
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
