import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

/**
 * Phones are parsed with libphonenumber-js (Google's libphonenumber metadata,
 * the "max" set so number types are known) and stored in E.164. A mainland
 * mobile typed without +86 is read as Chinese.
 */
export interface ParsedPhone {
  e164: string;
  last4: string;
  isMobile: boolean;
}

export function parsePhone(input: string): ParsedPhone | undefined {
  const trimmed = input.trim();
  if (trimmed.length === 0 || trimmed.length > 32) return undefined;
  const parsed = parsePhoneNumberFromString(trimmed, 'CN');
  if (!parsed) return undefined;
  // With the "max" metadata, isValid() is getType() !== undefined (the same
  // pattern matching); ask once, and fall back to isValid() only when the
  // number's country carries no type patterns.
  const type = parsed.getType();
  if (type === undefined && !parsed.isValid()) return undefined;
  return {
    e164: parsed.number,
    last4: parsed.number.slice(-4),
    isMobile: type === 'MOBILE' || type === 'FIXED_LINE_OR_MOBILE',
  };
}

/** For staff screens: +86 138****5678. */
export function maskPhone(e164: string): string {
  if (e164.length <= 7) return '****';
  return `${e164.slice(0, e164.length - 8)}****${e164.slice(-4)}`;
}
