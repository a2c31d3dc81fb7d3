import { type FieldIssue, invalidInput } from '../../errors.ts';
import { addDays, shanghaiDate } from '../deadlines/shanghai-time.ts';

/**
 * The period a request asks for, as Shanghai dates. Either `from`/`to`
 * (YYYY-MM-DD, both ends included) or `period` (YYYY, YYYY-Qn or YYYY-MM);
 * neither: the twelve months up to today, starting on the 1st so that the
 * histograms' whole months cover most of it.
 */
export interface DateRange {
  from: string;
  to: string;
}

export const MAX_RANGE_YEARS = 3;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isCalendarDate(value: string): boolean {
  const m = DATE.exec(value);
  if (!m) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value && Number(m[1]) >= 2000;
}

export function monthStart(day: string): string {
  return `${day.slice(0, 7)}-01`;
}

export function addMonths(day: string, n: number): string {
  const [y, m] = day.split('-').map(Number) as [number, number];
  const index = y * 12 + (m - 1) + n;
  return `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}-01`;
}

/** The last day of the month a date falls in. */
export function monthEnd(day: string): string {
  return addDays(addMonths(day, 1), -1);
}

/** Whole days from a to b (b − a). */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}

function periodRange(period: string): DateRange | undefined {
  let m = /^(\d{4})$/.exec(period);
  if (m) return { from: `${m[1]}-01-01`, to: `${m[1]}-12-31` };
  m = /^(\d{4})-Q([1-4])$/i.exec(period);
  if (m) {
    const from = `${m[1]}-${String((Number(m[2]) - 1) * 3 + 1).padStart(2, '0')}-01`;
    return { from, to: addDays(addMonths(from, 3), -1) };
  }
  m = /^(\d{4})-(\d{2})$/.exec(period);
  if (m && Number(m[2]) >= 1 && Number(m[2]) <= 12) return { from: `${period}-01`, to: monthEnd(`${period}-01`) };
  return undefined;
}

/** Validates and resolves the requested period; bad input is a 400 naming the field. */
export function resolveRange(input: { from?: string | undefined; to?: string | undefined; period?: string | undefined }, now: Date): DateRange {
  const issues: FieldIssue[] = [];
  const fail = (): never => {
    throw invalidInput('invalid_input', issues, { fields: [...new Set(issues.map((i) => i.field))].join(', ') });
  };
  if (input.period !== undefined) {
    if (input.from !== undefined || input.to !== undefined) {
      issues.push({ field: 'period', code: 'conflict', message: 'stats.period_with_dates' });
      fail();
    }
    const range = periodRange(input.period);
    if (!range || Number(range.from.slice(0, 4)) < 2000) {
      issues.push({ field: 'period', code: 'invalid', message: 'stats.period_invalid' });
      fail();
    }
    return range!;
  }
  const today = shanghaiDate(now);
  for (const field of ['from', 'to'] as const) {
    const value = input[field];
    if (value !== undefined && !isCalendarDate(value)) issues.push({ field, code: 'invalid', message: 'stats.date_invalid' });
  }
  if (issues.length) fail();
  const to = input.to ?? (input.from ? minDate(addDays(addMonths(input.from, 12), -1), today) : today);
  const from = input.from ?? addMonths(monthStart(to), -11);
  if (from > to) {
    issues.push({ field: 'from', code: 'order', message: 'stats.range_order' });
    fail();
  }
  if (to >= addMonths(from, MAX_RANGE_YEARS * 12).slice(0, 8) + from.slice(8)) {
    issues.push({ field: 'to', code: 'too_long', message: 'stats.range_too_long' });
    fail();
  }
  return { from, to };
}

function minDate(a: string, b: string): string {
  return a < b ? a : b;
}

/**
 * How to read a range's time histograms: the monthly rows of `months`, plus
 * the per-case facts of the days in `add`, minus those in `subtract`. A month
 * the range covers in part is read either as its days inside the range (add)
 * or as the whole month less its days outside (subtract), whichever touches
 * fewer days with cases — so a rolling year ending yesterday reads twelve
 * monthly rows and subtracts today, and no partial month costs more than half
 * a month of facts. Days after today hold no cases and cost nothing.
 */
export interface TimesPlan {
  months: { from: string; until: string } | null;
  add: DateRange[];
  subtract: DateRange[];
}

export function planTimes(range: DateRange, today: string): TimesPlan {
  const add: DateRange[] = [];
  const subtract: DateRange[] = [];
  // Days that can hold cases: none after today.
  const span = (a: string, b: string) => Math.max(0, daysBetween(a, b < today ? b : today) + 1);
  const firstMonth = monthStart(range.from);
  const lastMonth = monthStart(range.to);
  if (firstMonth === lastMonth) {
    const before = { from: firstMonth, to: addDays(range.from, -1) };
    const after = { from: addDays(range.to, 1), to: monthEnd(range.to) };
    const outside = (range.from > firstMonth ? span(before.from, before.to) : 0) + (range.to < after.to ? span(after.from, after.to) : 0);
    if (span(range.from, range.to) <= outside) return { months: null, add: [range], subtract };
    if (range.from > firstMonth) subtract.push(before);
    if (range.to < after.to) subtract.push(after);
    return { months: { from: firstMonth, until: addMonths(firstMonth, 1) }, add, subtract };
  }
  let from = firstMonth;
  if (range.from > firstMonth) {
    const inside = { from: range.from, to: monthEnd(range.from) };
    const outside = { from: firstMonth, to: addDays(range.from, -1) };
    if (span(inside.from, inside.to) <= span(outside.from, outside.to)) {
      add.push(inside);
      from = addMonths(firstMonth, 1);
    } else subtract.push(outside);
  }
  let until = addMonths(lastMonth, 1);
  if (range.to < monthEnd(range.to)) {
    const inside = { from: lastMonth, to: range.to };
    const outside = { from: addDays(range.to, 1), to: monthEnd(range.to) };
    if (span(inside.from, inside.to) <= span(outside.from, outside.to)) {
      add.push(inside);
      until = lastMonth;
    } else if (span(outside.from, outside.to) > 0) subtract.push(outside);
  }
  return { months: from < until ? { from, until } : null, add, subtract };
}
