import { TIME_ZONE } from './format.ts';
import { type Lang, t } from './i18n.ts';

export { rateBases } from './contract.ts';

/** Formatting for the statistics page: rates, durations, dates and the period choices. */

/** A rate in percent, one decimal; null (nothing to divide by) reads "—". */
export function percent(value: number | null): string {
  return value === null ? '—' : `${value.toFixed(1)}%`;
}

/** Seconds as minutes, hours or days, whichever reads best; null reads "—". */
export function duration(seconds: number | null, lang: Lang): string {
  if (seconds === null) return '—';
  const one = (n: number) => String(Math.round(n * 10) / 10);
  if (seconds < 3600) return t(lang, 'stats.minutes', { n: Math.max(1, Math.round(seconds / 60)) });
  if (seconds < 48 * 3600) return t(lang, 'stats.hours', { n: one(seconds / 3600) });
  return t(lang, 'stats.days', { n: one(seconds / 86400) });
}

function monthName(month: number, lang: Lang): string {
  return new Date(Date.UTC(2000, month - 1, 1)).toLocaleString(lang === 'en' ? 'en-GB' : 'zh-CN', { month: 'short', timeZone: 'UTC' });
}

/** "2026-03-01" → "2026年3月1日" / "1 Mar 2026". */
export function formatDay(day: string, lang: Lang): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return day;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return lang === 'en' ? `${d} ${monthName(mo, lang)} ${y}` : `${y}年${mo}月${d}日`;
}

/** How a period value reads: "2026" / "2026-Q1" / "2026-03". */
export function periodLabel(period: string, lang: Lang): string {
  let m = /^(\d{4})$/.exec(period);
  if (m) return t(lang, 'stats.period.year', { y: m[1]! });
  m = /^(\d{4})-Q([1-4])$/.exec(period);
  if (m) return t(lang, 'stats.period.quarter', { y: m[1]!, q: m[2]! });
  m = /^(\d{4})-(\d{2})$/.exec(period);
  if (m) return t(lang, 'stats.period.month', { y: m[1]!, m: Number(m[2]), mon: monthName(Number(m[2]), lang) });
  return period;
}

/** The periods offered in the form, newest first, as of `now` in Beijing time. */
export function periodChoices(now: Date): { years: string[]; quarters: string[]; months: string[] } {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: TIME_ZONE, year: 'numeric', month: '2-digit' }).formatToParts(now);
  const year = Number(parts.find((p) => p.type === 'year')?.value);
  const month = Number(parts.find((p) => p.type === 'month')?.value);
  const years = [String(year), String(year - 1)];
  const quarters: string[] = [];
  for (let i = 0, y = year, q = Math.ceil(month / 3); i < 6; i++) {
    quarters.push(`${y}-Q${q}`);
    q -= 1;
    if (q === 0) [y, q] = [y - 1, 4];
  }
  const months: string[] = [];
  for (let i = 0, y = year, m = month; i < 12; i++) {
    months.push(`${y}-${String(m).padStart(2, '0')}`);
    m -= 1;
    if (m === 0) [y, m] = [y - 1, 12];
  }
  return { years, quarters, months };
}

/** The three series of the monthly trend; dark enough for 3:1 against white and apart from each other. */
export const TREND_COLORS = { received: '#0b4f8a', onTime: '#17603a', late: '#b04a00' } as const;

/** A month as a chart's axis reads it: "3月" / "Mar". */
export function monthShort(month: string, lang: Lang): string {
  const mo = Number(month.slice(5, 7));
  return lang === 'en' ? monthName(mo, lang) : `${mo}月`;
}

/** A month in a table, without spaces to break at: "2026年3月" / "Mar 2026". */
export function monthLong(month: string, lang: Lang): string {
  const [y, mo] = [month.slice(0, 4), Number(month.slice(5, 7))];
  return lang === 'en' ? `${monthName(mo, lang)} ${y}` : `${y}年${mo}月`;
}

/** Axis ticks 0, half, top, with a round top at or above `max` (1, 2 or 5 times a power of ten, or its double). */
export function niceTicks(max: number): number[] {
  const steps = [1, 2, 5, 10];
  const power = 10 ** Math.floor(Math.log10(Math.max(1, max)));
  const top = steps.map((s) => s * power).find((v) => v >= max) ?? 10 * power;
  const nice = top % 2 === 0 ? top : top * 2;
  return [0, nice / 2, nice];
}

/** A share in percent for a chart's label, one decimal; nothing to divide by reads "—". */
export function share(n: number, of: number): string {
  return of > 0 ? `${((n / of) * 100).toFixed(1)}%` : '—';
}
