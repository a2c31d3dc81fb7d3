import { addDays, weekday } from './shanghai-time.ts';

/** Whether a day (YYYY-MM-DD, Asia/Shanghai) is a working day. */
export type WorkdayLookup = (day: string) => boolean;

/**
 * Reads the calendar table's days. A day the table does not hold falls back to
 * Monday–Friday; seeded years hold every day, so the fallback only covers years
 * nobody has imported yet.
 */
export function workdayLookup(known: Map<string, boolean>): WorkdayLookup {
  return (day) => known.get(day) ?? weekday(day) % 6 !== 0; // neither Sunday (0) nor Saturday (6)
}

/**
 * The Nth working day after `day` (counting starts the next day; make-up
 * Saturdays and Sundays count, holidays do not).
 */
export function nthWorkdayAfter(day: string, n: number, isWorkday: WorkdayLookup): string {
  if (n <= 0) return day;
  let current = day;
  let counted = 0;
  // Bounded: even the longest Chinese holiday stretch leaves a working day each fortnight.
  for (let guard = 0; guard < n * 14 + 60; guard++) {
    current = addDays(current, 1);
    if (isWorkday(current)) counted++;
    if (counted >= n) return current;
  }
  throw new Error(`no ${n} working days after ${day} within the calendar`);
}
