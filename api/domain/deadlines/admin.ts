import { and, asc, gte, lte, sql } from 'drizzle-orm';
import { calendarDays, type DAY_KINDS } from '../../../db/schema.ts';
import { type Ctx, withTransaction } from '../../context.ts';
import { invalidInput } from '../../errors.ts';
import { assertAdmin } from '../admin/access.ts';
import { loadReference } from '../reference.ts';
import type { Staff } from '../staff/session.ts';
import { recomputeOpenCases } from './recompute-open.ts';
import { addDays, startOfShanghaiDay, weekday } from './shanghai-time.ts';

/*
 * Admin edits of the working calendar (the deadline policies: policies.ts). New
 * cases see a change at once on this server and within the reference cache's
 * lifetime on others. A calendar change — a year's import (its State Council notice) or one
 * day — also recomputes the open cases' unmet deadlines that end on or after
 * its first day, in the same transaction (recompute-open.ts): a provisional
 * deadline never loses its mark without being computed on the published days.
 */
type DayKind = (typeof DAY_KINDS)[number];
const WORKING: Record<DayKind, boolean> = { workday: true, makeup_workday: true, weekend: false, holiday: false };

export async function listCalendarYear({ ctx, staff, year }: { ctx: Ctx; staff: Staff; year: number }) {
  assertAdmin(staff);
  const days = await ctx.db
    .select()
    .from(calendarDays)
    .where(and(gte(calendarDays.day, `${year}-01-01`), lte(calendarDays.day, `${year}-12-31`)))
    .orderBy(asc(calendarDays.day));
  // Provisional as deadlines/provisional.ts reads it: no holiday and no make-up workday published.
  return { year, days, holidays: days.filter((d) => d.kind === 'holiday').length, provisional: !days.some((d) => d.kind === 'holiday' || d.kind === 'makeup_workday') };
}

/** Sets one day; the open cases' unmet deadlines from that day on are recomputed, as after an import. */
export async function setCalendarDay({ ctx, staff, input }: { ctx: Ctx; staff: Staff; input: { day: string; kind: DayKind; name?: string | undefined } }) {
  assertAdmin(staff);
  const row = { day: input.day, kind: input.kind, isWorkday: WORKING[input.kind], name: input.name ?? null };
  const recomputed = await withTransaction(ctx, async (tx) => {
    await tx.db
      .insert(calendarDays)
      .values(row)
      .onConflictDoUpdate({ target: calendarDays.day, set: { kind: row.kind, isWorkday: row.isWorkday, name: row.name } });
    const ref = await loadReference(tx.db);
    return recomputeOpenCases(tx, { ref, from: startOfShanghaiDay(input.day), staffId: staff.id, reason: 'calendar', extra: { day: input.day } });
  });
  ctx.reference.invalidate();
  ctx.logger.info('calendar day set', { requestId: ctx.requestId, staffId: staff.id, day: input.day, kind: input.kind, recomputed });
  return { ...row, recomputed };
}

export interface CalendarImport {
  year: number;
  /** Public holidays (放假), as the State Council's notice lists them. */
  holidays: Array<{ date: string; name?: string | undefined }>;
  /** Make-up working days (调休上班), usually Saturdays or Sundays. */
  workdays: Array<{ date: string; name?: string | undefined }>;
}

/** Replaces a whole year: every day gets a row, the listed ones as holidays or make-up workdays. */
export async function importCalendarYear({ ctx, staff, input }: { ctx: Ctx; staff: Staff; input: CalendarImport }) {
  assertAdmin(staff);
  const prefix = `${input.year}-`;
  const outside = [...input.holidays, ...input.workdays].filter((d) => !d.date.startsWith(prefix));
  if (outside.length) {
    throw invalidInput('calendar.outside_year', [{ field: 'holidays', code: 'outside_year', message: 'calendar.outside_year' }], { year: input.year });
  }
  const both = input.holidays.filter((h) => input.workdays.some((w) => w.date === h.date));
  if (both.length) throw invalidInput('calendar.both', [{ field: 'workdays', code: 'conflict', message: 'calendar.both' }]);
  const holidays = new Map(input.holidays.map((d) => [d.date, d.name ?? null]));
  const workdays = new Map(input.workdays.map((d) => [d.date, d.name ?? null]));
  const rows: Array<typeof calendarDays.$inferInsert> = [];
  for (let day = `${input.year}-01-01`; day.startsWith(prefix); day = addDays(day, 1)) {
    const weekend = weekday(day) === 0 || weekday(day) === 6;
    const kind: DayKind = holidays.has(day) ? 'holiday' : workdays.has(day) ? 'makeup_workday' : weekend ? 'weekend' : 'workday';
    rows.push({ day, kind, isWorkday: WORKING[kind], name: holidays.get(day) ?? workdays.get(day) ?? null });
  }
  const recomputed = await withTransaction(ctx, async (tx) => {
    for (let i = 0; i < rows.length; i += 200) {
      await tx.db
        .insert(calendarDays)
        .values(rows.slice(i, i + 200))
        .onConflictDoUpdate({ target: calendarDays.day, set: { kind: sqlExcluded('kind'), isWorkday: sqlExcluded('is_workday'), name: sqlExcluded('name') } });
    }
    // The year as this transaction sees it (not cached: it is not committed yet).
    const ref = await loadReference(tx.db);
    return recomputeOpenCases(tx, { ref, from: startOfShanghaiDay(`${input.year}-01-01`), staffId: staff.id, reason: 'calendar', extra: { year: input.year } });
  });
  ctx.reference.invalidate();
  ctx.logger.info('calendar year imported', { requestId: ctx.requestId, staffId: staff.id, year: input.year, holidays: holidays.size, workdays: workdays.size, recomputed });
  return { year: input.year, days: rows.length, holidays: holidays.size, workdays: workdays.size, recomputed };
}

const sqlExcluded = (column: string) => sql.raw(`excluded.${column}`);
