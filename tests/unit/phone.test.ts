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

  it('masks for staff screens', () => {
    expect(maskPhone('+8613812345678')).toBe('+86138****5678');
  });
});
