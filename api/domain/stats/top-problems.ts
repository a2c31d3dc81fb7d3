import { sql } from 'drizzle-orm';
import type { Ctx } from '../../context.ts';
import { addDays } from '../deadlines/shanghai-time.ts';
import { EVERY_STATION } from './figures.ts';
import { rowsOf } from './fold.ts';
import type { Labels, Named } from './labels.ts';
import { addMonths, daysBetween, monthEnd, monthStart } from './range.ts';

/**
 * Monthly top problems (每月一题): the category × location pairs received most
 * often in a month, each with the change from the same days of the month before
 * — where fixing something at the source would help most.
 */
export interface TopProblem {
  category: Named;
  location: Named;
  count: number;
  previousCount: number;
  change: number;
}

export interface TopProblemsOf<T> {
  /** YYYY-MM */
  month: string;
  /** The days counted: the whole month, or up to the range's end or today. */
  from: string;
  to: string;
  /** The same days of the previous month. */
  previousFrom: string;
  previousTo: string;
  items: T[];
}
export type TopProblems = TopProblemsOf<TopProblem>;
type RawProblem = { categoryId: number; locationId: number | null; count: number; previousCount: number };

export const TOP_PROBLEMS = 5;

/** The month holding `upTo`, counted through `upTo`, against the same days of the month before. */
export async function readTopProblems(ctx: Ctx, input: { upTo: string; stationId: number | null; limit?: number }): Promise<TopProblemsOf<RawProblem>> {
  const from = monthStart(input.upTo);
  const to = input.upTo;
  const previousFrom = addMonths(from, -1);
  const previousTo = minDate(addDays(previousFrom, daysBetween(from, to)), monthEnd(previousFrom));
  const station = input.stationId === null ? EVERY_STATION : sql` AND station_id = ${input.stationId}`;
  const rows = rowsOf<{ value: string; count: number; previous: number }>(
    await ctx.db.execute(sql`
      SELECT value, count, previous FROM (
        SELECT value,
               coalesce(sum(received) FILTER (WHERE day >= ${from}::date), 0)::int AS count,
               coalesce(sum(received) FILTER (WHERE day < ${from}::date), 0)::int AS previous
        FROM stats_daily
        WHERE dim = 'category_location'
          AND (day BETWEEN ${from}::date AND ${to}::date OR day BETWEEN ${previousFrom}::date AND ${previousTo}::date)${station}
        GROUP BY value
      ) pairs
      WHERE count > 0
      ORDER BY count DESC, count - previous DESC, value
      LIMIT ${input.limit ?? TOP_PROBLEMS}`),
  );
  return {
    month: from.slice(0, 7),
    from,
    to,
    previousFrom,
    previousTo,
    items: rows.map((r) => {
      const [category, location] = String(r.value).split('|');
      return {
        categoryId: Number(category),
        locationId: location === 'none' || location === undefined ? null : Number(location),
        count: Number(r.count),
        previousCount: Number(r.previous),
      };
    }),
  };
}

export function nameTopProblems(raw: TopProblemsOf<RawProblem>, labels: Labels, withStation: boolean): TopProblems {
  return {
    ...raw,
    items: raw.items.map((r) => ({
      category: labels.category(r.categoryId),
      location: labels.location(r.locationId, withStation),
      count: r.count,
      previousCount: r.previousCount,
      change: r.count - r.previousCount,
    })),
  };
}

function minDate(a: string, b: string): string {
  return a < b ? a : b;
}
