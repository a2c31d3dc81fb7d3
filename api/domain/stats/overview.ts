import { sql } from 'drizzle-orm';
import type { Ctx } from '../../context.ts';
import { addDays, shanghaiDate, startOfShanghaiDay, toShanghaiIso } from '../deadlines/shanghai-time.ts';
import type { Figures } from './figures.ts';
import { REPLY_MARGINS, type ReplyMargin, rowsOf } from './fold.ts';
import { addMonths, type DateRange, monthStart } from './range.ts';

/**
 * What the public page shows at a glance beside the figures, each a small read:
 * the cases open now (an index count on cases), when the figures were last brought
 * up to date, the monthly trend of received and on-time (the total rollup of twelve
 * months) and how first replies stood against their deadlines (the reply_margin
 * rollup, fold.ts).
 */

export const TREND_MONTHS = 12;

export interface TrendMonth {
  /** YYYY-MM */
  month: string;
  /** Received in the month. */
  received: number;
  /** First reply deadlines in the month met or passed (应办结), of them on time and late; running ones apart. */
  due: number;
  dueOnTime: number;
  dueLate: number;
  dueRunning: number;
}

export interface ReplyTiming {
  /** Replied more than two days before the deadline. */
  early: number;
  /** Replied within the last two days before it. */
  lastTwoDays: number;
  /** Replied late by at most one day. */
  lateWithinDay: number;
  /** Replied later than that. */
  lateMore: number;
  /** Not replied and the deadline passed. */
  unansweredOverdue: number;
  /** Not replied, the deadline still ahead: neither on time nor late. */
  running: number;
  /** Reopened cases: their first round counts on time or late, its reply time is not kept. */
  reopenedOnTime: number;
  reopenedLate: number;
  /**
   * False while the rollups are still being rebuilt for this chart (its counts do not add up
   * to the period's deadlines yet): the page says so rather than show a partial chart.
   */
  complete: boolean;
}

/** Open now: received and not yet closed, merged or returned (the queue's index on status). */
export async function openCases(ctx: Ctx, stationId: number | null): Promise<number> {
  const station = stationId === null ? sql`` : sql` AND station_id = ${stationId}`;
  const rows = await ctx.db.execute(sql`SELECT count(*)::int AS n FROM cases WHERE status IN ('new', 'assigned', 'in_progress', 'replied')${station}`);
  return Number(rowsOf<{ n: number }>(rows)[0]?.n ?? 0);
}

/** When the stats job last finished without error (null when the job runner has not recorded one). */
export async function lastFoldAt(ctx: Ctx): Promise<string | null> {
  const rows = await ctx.db.execute(sql`SELECT last_ok_at FROM job_runs WHERE job = 'stats-fold'`);
  const at = rowsOf<{ last_ok_at: Date | string | null }>(rows)[0]?.last_ok_at;
  return at ? toShanghaiIso(new Date(at)) : null;
}

const stationFilter = (stationId: number | null) => (stationId === null ? sql` AND station_id = 0` : sql` AND station_id = ${stationId}`);

/** The first reply deadlines not met that end later today (the rollups count them; they are running). */
async function runningToday(ctx: Ctx, stationId: number | null): Promise<number> {
  const now = ctx.clock.now();
  const midnight = startOfShanghaiDay(addDays(shanghaiDate(now), 1));
  const station = stationId === null ? sql`` : sql` AND station_id = ${stationId}`;
  const rows = await ctx.db.execute(sql`
    SELECT count(*)::int AS n FROM case_stat_facts
    WHERE due_met = 0 AND due_at > ${now.toISOString()}::timestamptz AND due_at <= ${midnight.toISOString()}::timestamptz${station}`);
  return Number(rowsOf<{ n: number }>(rows)[0]?.n ?? 0);
}

/** The twelve months up to the one the range ends in, oldest first, each month whole. */
export function trendRange(range: DateRange): DateRange {
  const last = monthStart(range.to);
  return { from: addMonths(last, -(TREND_MONTHS - 1)), to: addDays(addMonths(last, 1), -1) };
}

export async function readTrend(ctx: Ctx, range: DateRange, stationId: number | null): Promise<TrendMonth[]> {
  const span = trendRange(range);
  const today = shanghaiDate(ctx.clock.now());
  const [rows, running] = await Promise.all([
    ctx.db.execute(sql`
      SELECT to_char(day, 'YYYY-MM') AS month, sum(received)::int AS received, sum(due)::int AS due, sum(due_met)::int AS due_met,
             coalesce(sum(due - due_met) FILTER (WHERE day > ${today}::date), 0)::int AS ahead
      FROM stats_daily
      WHERE dim = 'total' AND day BETWEEN ${span.from}::date AND ${span.to}::date${stationFilter(stationId)}
      GROUP BY 1`),
    span.from <= today && today <= span.to ? runningToday(ctx, stationId) : Promise.resolve(0),
  ]);
  const byMonth = new Map(rowsOf<{ month: string; received: number; due: number; due_met: number; ahead: number }>(rows).map((r) => [String(r.month), r]));
  const months: TrendMonth[] = [];
  for (let m = span.from; m <= span.to; m = addMonths(m, 1)) {
    const key = m.slice(0, 7);
    const r = byMonth.get(key);
    const dueRunning = Number(r?.ahead ?? 0) + (key === today.slice(0, 7) ? running : 0);
    const due = Number(r?.due ?? 0) - dueRunning;
    const dueOnTime = Number(r?.due_met ?? 0);
    months.push({ month: key, received: Number(r?.received ?? 0), due, dueOnTime, dueLate: due - dueOnTime, dueRunning });
  }
  return months;
}

/** The reply_margin rollup for the deadlines falling in the range: per margin, deadlines and those met. */
export type MarginCounts = Map<string, { due: number; met: number }>;

export async function readMargins(ctx: Ctx, range: DateRange, stationId: number | null): Promise<MarginCounts> {
  const rows = await ctx.db.execute(sql`
    SELECT value, sum(due)::int AS due, sum(due_met)::int AS met
    FROM stats_daily
    WHERE dim = 'reply_margin' AND day BETWEEN ${range.from}::date AND ${range.to}::date${stationFilter(stationId)}
    GROUP BY 1`);
  const by: MarginCounts = new Map();
  for (const r of rowsOf<{ value: string; due: number; met: number }>(rows)) by.set(String(r.value), { due: Number(r.due), met: Number(r.met) });
  return by;
}

/** First replies against their deadlines; the running clocks are the totals' (every running clock is unanswered). */
export function replyTimingOf(by: MarginCounts, totals: Pick<Figures, 'due' | 'dueRunning'>): ReplyTiming {
  const n = (m: ReplyMargin) => by.get(m)?.due ?? 0;
  const all = REPLY_MARGINS.reduce((sum, m) => sum + n(m), 0);
  const reopened = by.get('reopened') ?? { due: 0, met: 0 };
  return {
    early: n('early'),
    lastTwoDays: n('last2d'),
    lateWithinDay: n('late1d'),
    lateMore: n('later'),
    unansweredOverdue: Math.max(0, n('unanswered') - totals.dueRunning),
    running: totals.dueRunning,
    reopenedOnTime: reopened.met,
    reopenedLate: reopened.due - reopened.met,
    complete: all === totals.due + totals.dueRunning,
  };
}
