import { describe, expect, it } from 'vitest';
import { parsePhone } from '../../api/domain/cases/phone.ts';
import { BLOCK_SIZE, fileNumber, mobileSequence } from '../helpers/phones.ts';

/*
 * Tests isolate themselves by their own rows, found by phone among others: the
 * numbers they file under must be valid mainland mobiles (or intake refuses
 * them) and never shared with another file of the same run.
 */
describe('test phones', () => {
  it('a whole block: distinct, valid mainland mobiles, and then a loud stop instead of a wrap', () => {
    const next = mobileSequence('139', 4242);
    const seen = new Set<string>();
    for (let i = 0; i < BLOCK_SIZE; i++) seen.add(next());
    expect(seen.size).toBe(BLOCK_SIZE);
    for (const phone of [...seen].filter((_, i) => i % 997 === 0 || i === BLOCK_SIZE - 1)) {
      expect(parsePhone(phone), phone).toMatchObject({ e164: `+86${phone}`, isMobile: true });
    }
    expect(() => next()).toThrow(/more than 10000 139 numbers/);
  });

  it('the files of one run draw from disjoint blocks, up to 10,000 files', () => {
    const runner = 31_337;
    const first = new Map<string, number>();
    for (let file = 1; file <= BLOCK_SIZE; file++) {
      const phone = mobileSequence('139', fileNumber({ VITEST_WORKER_ID: String(file) }, runner))();
      expect(first.get(phone), `file ${file}: ${phone}`).toBeUndefined();
      first.set(phone, file);
    }
  });

  it('the next run numbers its files from elsewhere; outside vitest the process id picks the block', () => {
    expect(fileNumber({ VITEST_WORKER_ID: '3' }, 5000, 77)).toBe(5003);
    expect(fileNumber({ VITEST_WORKER_ID: '3' }, 5200, 77)).toBe(5203);
    expect(fileNumber({}, 5000, 77)).toBe(77);
    expect(fileNumber({ VITEST_WORKER_ID: '' }, 5000, 77)).toBe(77);
  });

  it('the feed’s callers (138) never meet the citizens (139); the numbers follow from the file alone', () => {
    expect(mobileSequence('138', 7)()).toBe('13800070000');
    const next = mobileSequence('139', 123_456_789);
    expect([next(), next()]).toEqual(['13967890000', '13967890001']);
  });
});
