import { describe, expect, it } from 'vitest';
import { addDays, dayFromEpoch, epochDay, weekday } from '../../api/domain/deadlines/shanghai-time.ts';

describe('calendar-date arithmetic', () => {
  it('agrees with Date for every day from 1900 to 2199', () => {
    const first = Date.UTC(1900, 0, 1) / 86_400_000;
    const last = Date.UTC(2199, 11, 31) / 86_400_000;
    let mismatches = 0;
    for (let n = first; n <= last; n++) {
      const date = new Date(n * 86_400_000);
      const iso = date.toISOString().slice(0, 10);
      if (dayFromEpoch(n) !== iso || epochDay(iso) !== n || weekday(iso) !== date.getUTCDay()) mismatches++;
    }
    expect(last - first).toBeGreaterThan(109_000);
    expect(mismatches).toBe(0);
  });

  it('steps over month ends, leap days and years', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2025-02-28', 1)).toBe('2025-03-01');
    expect(addDays('2100-02-28', 1)).toBe('2100-03-01');
    expect(addDays('2000-02-28', 1)).toBe('2000-02-29');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2027-01-01', -1)).toBe('2026-12-31');
    expect(addDays('2026-10-01', 45)).toBe('2026-11-15');
    expect(weekday('2026-11-22')).toBe(0);
    expect(weekday('1969-12-31')).toBe(3);
  });
});
