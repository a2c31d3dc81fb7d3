import { and, asc, count, eq, inArray } from 'drizzle-orm';
import { cases } from '../../../db/schema.ts';
import type { Ctx } from '../../context.ts';
import { invalidInput } from '../../errors.ts';
import { OPEN_STATUSES } from './candidates.ts';

/*
 * What a traveler filing a report may learn about the office's open cases of
 * the same kind at the same place (issue #17): how many, and in which status.
 * Never which cases, nor anyone's words: another traveler's report is theirs.
 */

export interface Where {
  station: string;
  location: string;
  category: string;
}

/** The station, place and category by code, or a 400 naming each unknown one. */
async function resolve(ctx: Ctx, where: Where) {
  const ref = await ctx.reference.get(ctx.db);
  const station = ref.stationsByCode.get(where.station);
  const location = station ? ref.locationsByStation.get(station.id)?.get(where.location) : undefined;
  const category = ref.categoriesByCode.get(where.category);
  const problems = [
    !station && { field: 'station', code: 'unknown', message: 'station.unknown' },
    station && !location && { field: 'location', code: 'unknown', message: 'location.unknown' },
    !category && { field: 'category', code: 'unknown', message: 'category.unknown' },
  ].filter((p): p is { field: string; code: string; message: string } => Boolean(p));
  if (problems.length || !station || !location || !category) throw invalidInput('invalid_input', problems, { fields: problems.map((p) => p.field).join(', ') });
  return and(eq(cases.stationId, station.id), eq(cases.locationId, location.id), eq(cases.categoryId, category.id), inArray(cases.status, OPEN_STATUSES));
}

/** Open cases at the place of that category, by status. */
export async function countOpenCases({ ctx, input }: { ctx: Ctx; input: Where }) {
  const where = await resolve(ctx, input);
  const rows = await ctx.db.select({ status: cases.status, n: count() }).from(cases).where(where).groupBy(cases.status);
  const byStatus = Object.fromEntries(OPEN_STATUSES.map((s) => [s, 0])) as Record<(typeof OPEN_STATUSES)[number], number>;
  for (const r of rows) byStatus[r.status as (typeof OPEN_STATUSES)[number]] = Number(r.n);
  return { total: Object.values(byStatus).reduce((a, b) => a + b, 0), byStatus };
}

/**
 * The case a supporter joins: the oldest open one at the place of that
 * category (the first report of the problem, which the office has had longest),
 * locked for the caller's transaction. Undefined when there is none.
 */
export async function oldestOpenCase(ctx: Ctx, input: Where, except?: string) {
  const where = await resolve(ctx, input);
  const rows = await ctx.db.select().from(cases).where(where).orderBy(asc(cases.receivedAt), asc(cases.id)).limit(2).for('update');
  return rows.find((r) => r.id !== except);
}
