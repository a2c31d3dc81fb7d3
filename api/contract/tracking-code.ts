/**
 * Tracking codes: 10 symbols from a 31-letter alphabet without look-alikes
 * (no 0/O, 1/I/L), so ~49.5 bits of randomness — unguessable, and short enough
 * to read aloud over the phone. Stored bare, shown grouped as XXXXX-XXXXX.
 * Drawing a new code needs a random source and lives with the case writer
 * (api/domain/cases/tracking-code.ts); everything here is pure.
 */
export const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
export const CODE_LENGTH = 10;
export const CODE_BITS = CODE_LENGTH * Math.log2(CODE_ALPHABET.length);
/** Symbols before the dash when a code is shown. */
export const CODE_GROUP = 5;

/** A stored (bare) code, for checks that need no normalizing. */
export const TRACKING_CODE_PATTERN = new RegExp(`^[${CODE_ALPHABET}]{${CODE_LENGTH}}$`);

/** Accepts what a person types or reads back: any case, spaces, dashes. */
export function normalizeTrackingCode(input: string): string | undefined {
  const cleaned = input.toUpperCase().replace(/[\s\-_]/g, '');
  if (cleaned.length !== CODE_LENGTH) return undefined;
  for (const ch of cleaned) if (!CODE_ALPHABET.includes(ch)) return undefined;
  return cleaned;
}

export function isTrackingCode(input: string): boolean {
  return normalizeTrackingCode(input) !== undefined;
}

export function formatTrackingCode(code: string): string {
  return `${code.slice(0, CODE_GROUP)}-${code.slice(CODE_GROUP)}`;
}
