import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { describe, expect, it } from 'vitest';
import { maskPhone, parsePhone } from '../../api/domain/cases/phone.ts';

describe('phones', () => {
  it('reads mainland mobiles with or without +86 into E.164', () => {
    for (const input of ['13812345678', '+8613812345678', '+86 138 1234 5678', '138-1234-5678', '008613812345678']) {
      expect(parsePhone(input)).toEqual({ e164: '+8613812345678', last4: '5678', isMobile: true });
    }
  });

  it('accepts a Tianjin landline and foreign mobiles, marked as such', () => {
    expect(parsePhone('022-2345 6789')).toMatchObject({ e164: '+862223456789', isMobile: false });
    expect(parsePhone('+44 7911 123456')).toMatchObject({ e164: '+447911123456', isMobile: true });
  });

  it('refuses what is not a phone', () => {
    for (const input of ['', '12345', '1381234567', '23812345678', 'abc', '+999 123', '1'.repeat(40)]) {
      expect(parsePhone(input)).toBeUndefined();
    }
  });

  it('accepts exactly what libphonenumber calls valid', () => {
    // Random digit strings, with and without country codes, across many number types.
    let seed = 7;
    const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31);
    const inputs: string[] = [];
    for (let i = 0; i < 3000; i++) {
      const digits = String(next()).padStart(10, '0') + String(next() % 1000).padStart(3, '0');
      const prefix = ['', '+86', '+1', '+44', '+852', '+7', '0', '400', '+61'][i % 9]!;
      inputs.push(`${prefix}${digits.slice(0, 7 + (i % 6))}`);
    }
    let valid = 0;
    for (const input of inputs) {
      const expected = parsePhoneNumberFromString(input, 'CN')?.isValid() ?? false;
      expect(parsePhone(input) !== undefined, input).toBe(expected);
      if (expected) valid++;
    }
    expect(valid).toBeGreaterThan(100);
    expect(valid).toBeLessThan(inputs.length);
  });

  it('masks for staff screens', () => {
    expect(maskPhone('+8613812345678')).toBe('+86138****5678');
  });
});
