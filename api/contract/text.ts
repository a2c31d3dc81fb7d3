import { z } from 'zod';

/*
 * Text the database can hold. PostgreSQL text and jsonb cannot hold NUL
 * (U+0000), and a lone UTF-16 surrogate has no UTF-8 form (the driver writes
 * U+FFFD in its place, or jsonb refuses its escape). Either is bad input: a 400
 * naming the field, before any statement is built — a refused statement costs
 * a round trip, and its error would carry the very values that broke it.
 * Without the `u` flag the pattern walks UTF-16 code units, so a surrogate is
 * one unit; a well-formed pair passes.
 */
const LONE_SURROGATE = '[\\uD800-\\uDBFF](?![\\uDC00-\\uDFFF])|(?<![\\uD800-\\uDBFF])[\\uDC00-\\uDFFF]';
const UNSTORABLE = new RegExp(`\\u0000|${LONE_SURROGATE}`);
const LONE_SURROGATES = new RegExp(LONE_SURROGATE, 'g');
/** One plain pass clears the usual text (no NUL, no surrogate at all); only the rest meets the lookarounds. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is exactly what this looks for.
const SUSPECT = /[\u0000\uD800-\uDFFF]/;

export function isStorableText(value: string): boolean {
  return !SUSPECT.test(value) || !UNSTORABLE.test(value);
}

/** The catalogue key of the field-level message for unstorable text. */
export const UNSTORABLE_MESSAGE = 'field.unstorable';

/**
 * A string field the database will store or compare: every free-text field and
 * query parameter of a request schema starts here instead of `z.string()`.
 */
export const text = () => z.string().refine(isStorableText, { message: UNSTORABLE_MESSAGE });

/**
 * Text from a sender that cannot be asked again (an SMS): NULs are dropped and a
 * lone surrogate becomes U+FFFD, so the message is kept rather than refused.
 */
export function storableText(value: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is exactly what this drops.
  return isStorableText(value) ? value : value.replace(/\u0000/g, '').replace(LONE_SURROGATES, '\uFFFD');
}

/** The names of an object's string fields (of those listed) holding unstorable text. */
export function unstorableFields(value: unknown, names: Iterable<string>): string[] {
  if (typeof value !== 'object' || value === null) return [];
  const bad: string[] = [];
  for (const name of names) {
    const v = (value as Record<string, unknown>)[name];
    if (typeof v === 'string' && !isStorableText(v)) bad.push(name);
  }
  return bad;
}
