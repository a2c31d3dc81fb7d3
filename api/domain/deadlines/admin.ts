import { and, asc, eq, gte, lte, sql } from 'drizzle-orm';
import { type CASE_KINDS, type CHANNELS, calendarDays, type DAY_KINDS, type DURATION_UNITS, deadlinePolicies, type PRIORITIES } from '../../../db/schema.ts';
import { type Ctx, withTransaction } from '../../context.ts';
import { invalidInput, notFound } from '../../errors.ts';
import { assertAdmin } from '../admin/access.ts';
import { loadReference } from '../reference.ts';
import type { Staff } from '../staff/session.ts';
import { recomputeOpenCases } from './recompute-open.ts';
import { addDays, startOfShanghaiDay, weekday } from './shanghai-time.ts';

/*
 * Admin edits of the working calendar and the deadline policies. New cases see
 * a change at once on this server and within the reference cache's lifetime on
 * others. A calendar change — a year's import (its State Council notice) or one
 * day — also recomputes the open cases' unmet deadlines that end on or after
 * its first day, in the same transaction (recompute-open.ts): a provisional
 * deadline never loses its mark without being computed on the published days.
 * A policy edit leaves computed deadlines as they are.
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

type Unit = (typeof DURATION_UNITS)[number];
export interface PolicyInput {
  name: string;
  channel?: (typeof CHANNELS)[number] | null | undefined;
  kind?: (typeof CASE_KINDS)[number] | null | undefined;
  category?: string | null | undefined;
  priority?: (typeof PRIORITIES)[number] | null | undefined;
  ack?: { amount: number; unit: Unit } | null | undefined;
  contact?: { amount: number; unit: Unit } | null | undefined;
  reply?: { amount: number; unit: Unit } | null | undefined;
  source?: string | null | undefined;
  active?: boolean | undefined;
}

export async function listPolicies({ ctx, staff }: { ctx: Ctx; staff: Staff }) {
  assertAdmin(staff);
  return ctx.db.select().from(deadlinePolicies).orderBy(asc(deadlinePolicies.id));
}

async function policyColumns(ctx: Ctx, input: Partial<PolicyInput>) {
  const ref = await ctx.reference.get(ctx.db);
  let categoryId: number | null | undefined;
  if (input.category === null) categoryId = null;
  else if (input.category !== undefined) {
    const category = ref.categoriesByCode.get(input.category);
    if (!category) throw invalidInput('category.unknown', [{ field: 'category', code: 'unknown', message: 'category.unknown' }]);
    categoryId = category.id;
  }
  const clock = (v: PolicyInput['ack'], a: 'ackAmount' | 'contactAmount' | 'replyAmount', u: 'ackUnit' | 'contactUnit' | 'replyUnit') =>
    v === undefined ? {} : { [a]: v?.amount ?? null, [u]: v?.unit ?? null };
  return {
    ...(input.name !== undefined ? { name: input.name } : {}),
    ...(input.channel !== undefined ? { channel: input.channel } : {}),
    ...(input.kind !== undefined ? { kind: input.kind } : {}),
    ...(categoryId !== undefined ? { categoryId } : {}),
    ...(input.priority !== undefined ? { priority: input.priority } : {}),
    ...clock(input.ack, 'ackAmount', 'ackUnit'),
    ...clock(input.contact, 'contactAmount', 'contactUnit'),
    ...clock(input.reply, 'replyAmount', 'replyUnit'),
    ...(input.source !== undefined ? { source: input.source } : {}),
    ...(input.active !== undefined ? { active: input.active } : {}),
  };
}

export async function createPolicy({ ctx, staff, input }: { ctx: Ctx; staff: Staff; input: PolicyInput }) {
  assertAdmin(staff);
  if (!input.ack && !input.contact && !input.reply) {
    throw invalidInput('policy.no_clock', [{ field: 'reply', code: 'required', message: 'policy.no_clock' }]);
  }
  const [row] = await ctx.db
    .insert(deadlinePolicies)
    .values((await policyColumns(ctx, input)) as typeof deadlinePolicies.$inferInsert)
    .returning();
  ctx.reference.invalidate();
  ctx.logger.info('policy created', { requestId: ctx.requestId, staffId: staff.id, policyId: row!.id });
  return row!;
}

export async function updatePolicy({ ctx, staff, input }: { ctx: Ctx; staff: Staff; input: Partial<PolicyInput> & { id: number } }) {
  assertAdmin(staff);
  const { id, ...rest } = input;
  const [row] = await ctx.db
    .update(deadlinePolicies)
    .set({ ...(await policyColumns(ctx, rest)), updatedAt: ctx.clock.now() })
    .where(eq(deadlinePolicies.id, id))
    .returning();
  if (!row) throw notFound('policy.not_found');
  ctx.reference.invalidate();
  ctx.logger.info('policy updated', { requestId: ctx.requestId, staffId: staff.id, policyId: id });
  return row;
}
