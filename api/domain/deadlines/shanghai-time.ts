/**
 * The office's day is Asia/Shanghai: UTC+8 all year (no daylight saving since
 * 1991), so local dates are plain offset arithmetic and work the same on Node
 * and Workers.
 */
const OFFSET_MS = 8 * 3600_000;
const DAY_MS = 86_400_000;

/** The Shanghai calendar date (YYYY-MM-DD) of an instant. */
export function shanghaiDate(at: Date): string {
  return new Date(at.getTime() + OFFSET_MS).toISOString().slice(0, 10);
}

/** Minutes since 00:00 Shanghai of an instant's own day (0…1439). */
export function minutesIntoShanghaiDay(at: Date): number {
  return Math.floor(((((at.getTime() + OFFSET_MS) % DAY_MS) + DAY_MS) % DAY_MS) / 60_000);
}

/** 00:00 Shanghai at the start of a date, as an instant. */
export function startOfShanghaiDay(day: string): Date {
  return new Date(Date.parse(`${day}T00:00:00Z`) - OFFSET_MS);
}

/** 24:00 Shanghai at the end of a date (= 00:00 of the next day). */
export function endOfShanghaiDay(day: string): Date {
  return new Date(startOfShanghaiDay(day).getTime() + DAY_MS);
}

/** Days since 1970-01-01 of a calendar date (YYYY-MM-DD). */
export function epochDay(day: string): number {
  return Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10))) / DAY_MS;
}

/**
 * The calendar date (YYYY-MM-DD) `n` days after 1970-01-01, by the
 * proleptic Gregorian "days from civil" inverse (H. Hinnant), without building
 * a Date: deadline arithmetic walks the calendar a day at a time on every
 * filed case.
 */
export function dayFromEpoch(n: number): string {
  const z = n + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097; // day of the 400-year era, 0…146096
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100)); // from 1 March
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

export function addDays(day: string, n: number): string {
  return dayFromEpoch(epochDay(day) + n);
}

/** 0 = Sunday … 6 = Saturday (1970-01-01 was a Thursday). */
export function weekday(day: string): number {
  return (((epochDay(day) + 4) % 7) + 7) % 7;
}

/** Formats an instant as ISO 8601 with the +08:00 offset, as the office reads it. */
export function toShanghaiIso(at: Date): string {
  return `${new Date(at.getTime() + OFFSET_MS).toISOString().slice(0, 19)}+08:00`;
}
