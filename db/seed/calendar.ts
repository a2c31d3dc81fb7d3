import { createRequire } from 'node:module';

/**
 * China's working calendar from the `chinese-days` package, which tracks the
 * State Council's yearly holiday notices (holidays and the make-up workdays,
 * 调休). Years the package does not cover yet get plain Mon–Fri rows and are
 * reported as provisional, for an admin to import when the notice is out.
 */
type DayRow = { day: string; kind: 'workday' | 'weekend' | 'holiday' | 'makeup_workday'; isWorkday: boolean; name: string | null };

interface ChineseDaysData {
  holidays: Record<string, string>;
  workdays: Record<string, string>;
}

function loadData(): ChineseDaysData {
  const require = createRequire(import.meta.url);
  return require('chinese-days/dist/chinese-days.json') as ChineseDaysData;
}

/** "Spring Festival,春节,4" → "春节 Spring Festival" */
function holidayName(raw: string): string {
  const [en, zh] = raw.split(',');
  return [zh, en].filter(Boolean).join(' ');
}

export function calendarYear(year: number, data: ChineseDaysData = loadData()): { rows: DayRow[]; provisional: boolean } {
  const rows: DayRow[] = [];
  const prefix = `${year}-`;
  const covered = Object.keys(data.holidays).some((d) => d.startsWith(prefix));
  for (let t = Date.UTC(year, 0, 1); new Date(t).getUTCFullYear() === year; t += 86_400_000) {
    const day = new Date(t).toISOString().slice(0, 10);
    const dow = new Date(t).getUTCDay();
    const holiday = data.holidays[day];
    const makeup = data.workdays[day];
    if (holiday) rows.push({ day, kind: 'holiday', isWorkday: false, name: holidayName(holiday) });
    else if (makeup) rows.push({ day, kind: 'makeup_workday', isWorkday: true, name: holidayName(makeup) });
    else if (dow === 0 || dow === 6) rows.push({ day, kind: 'weekend', isWorkday: false, name: null });
    else rows.push({ day, kind: 'workday', isWorkday: true, name: null });
  }
  return { rows, provisional: !covered };
}

export const SEEDED_YEARS = [2024, 2025, 2026, 2027];
