import { type SQL, sql } from 'drizzle-orm';
import type { STATS_METRICS } from '../../../db/schema.ts';
import type { Ctx } from '../../context.ts';
/**
 * Reads the published figures for a period from the rollups: counters from
 * stats_daily (exact for any range of days), times from the monthly
 * histograms in stats_times for the whole months of the range, plus the
 * per-case facts of the days at either end (at most two partial months) —
 * never a scan of the cases.
 */
import type { GroupBy } from '../../contract/enums.ts';
import { shanghaiDate } from '../deadlines/shanghai-time.ts';
import { addTo, type Histogram, type TimeFigure, timeFigure } from './buckets.ts';
import { COUNTERS, rowsOf } from './fold.ts';
import { type DateRange, planTimes } from './range.ts';

export type { GroupBy } from '../../contract/enums.ts';
export type Metric = (typeof STATS_METRICS)[number];
export const METRICS: readonly Metric[] = ['ack', 'contact', 'reply', 'close'];

export interface Counters {
  received: number;
  returned: number;
  closed: number;
  closedOnTime: number;
  assigned: number;
  acknowledgedOnTime: number;
  evaluated: number;
  resolved: number;
  satisfied: number;
}
export const COUNTER_KEYS: ReadonlyArray<keyof Counters> = ['received', 'returned', 'closed', 'closedOnTime', 'assigned', 'acknowledgedOnTime', 'evaluated', 'resolved', 'satisfied'];

/** Percent (0–100, two decimals), or null when the denominator is zero. */
export interface Rates {
  closure: number | null;
  onTimeClosure: number | null;
  response: number | null;
  resolution: number | null;
  satisfaction: number | null;
}

export interface Figures extends Counters {
  rates: Rates;
  times: Record<Metric, TimeFigure>;
}

/** One group's raw figures, keyed by its rollup value (a category id, a month…). */
export interface RawGroup {
  value: string;
  counters: Counters;
  histograms: Map<Metric, Histogram>;
}

interface Spec {
  dim: string;
  daily: SQL;
  times: SQL;
  facts: SQL;
  /** The rollup rows to read when no station is asked for: station 0 (all stations), or every station's. */
  allStations: SQL;
}

/**
 * Every station's rows of a dimension whose value is at one station (a location:
 * these have no station-0 rows): spelled as a list, so that the
 * keys (dim, station_id, day…) are read as one index range per station rather
 * than every day of the dimension.
 */
export const EVERY_STATION = sql.raw(' AND station_id = ANY(ARRAY(SELECT id FROM stations))');

function specFor(groupBy: GroupBy | null): Spec {
  const station0 = sql.raw(' AND station_id = 0');
  const col = (name: string) => ({ daily: sql.raw('value'), times: sql.raw('value'), facts: sql.raw(name), allStations: station0 });
  switch (groupBy) {
    case null:
      return { dim: 'total', daily: sql.raw(`'all'`), times: sql.raw(`'all'`), facts: sql.raw(`'all'`), allStations: station0 };
    case 'category':
      return { dim: 'category', ...col('f.category_id::text') };
    case 'department':
      return { dim: 'department', ...col(`coalesce(f.department_id::text, 'none')`) };
    case 'location':
      return { dim: 'location', ...col(`coalesce(f.location_id::text, 'none')`), allStations: EVERY_STATION };
    case 'channel':
      return { dim: 'channel', ...col('f.channel') };
    case 'kind':
      return { dim: 'kind', ...col('f.kind') };
    case 'month':
      return {
        dim: 'total',
        daily: sql.raw(`to_char(day, 'YYYY-MM')`),
        times: sql.raw(`to_char(month, 'YYYY-MM')`),
        facts: sql.raw(`to_char(f.day, 'YYYY-MM')`),
        allStations: station0,
      };
    case 'station':
      return {
        dim: 'total',
        daily: sql.raw('station_id::text'),
        times: sql.raw('station_id::text'),
        facts: sql.raw('f.station_id::text'),
        allStations: sql.raw(' AND station_id <> 0'),
      };
  }
}

const rollupStations = (spec: Spec, stationId: number | null) => (stationId === null ? spec.allStations : sql` AND station_id = ${stationId}`);
const factStations = (stationId: number | null) => (stationId === null ? sql`` : sql` AND f.station_id = ${stationId}`);

/** The figures of every group (one group, 'all', when not grouped). */
export async function readGroups(ctx: Ctx, range: DateRange, stationId: number | null, groupBy: GroupBy | null): Promise<RawGroup[]> {
  const spec = specFor(groupBy);
  const sums = sql.raw(COUNTERS.map((c) => `sum(${c})::int AS ${c}`).join(', '));
  const countersQuery = sql`
    SELECT ${spec.daily} AS value, ${sums}
    FROM stats_daily
    WHERE dim = ${spec.dim} AND day BETWEEN ${range.from}::date AND ${range.to}::date${rollupStations(spec, stationId)}
    GROUP BY 1`;

  const plan = planTimes(range, shanghaiDate(ctx.clock.now()));
  const parts: SQL[] = [];
  if (plan.months) {
    parts.push(sql`
      SELECT ${spec.times} AS value, metric, bucket, count AS n
      FROM stats_times
      WHERE dim = ${spec.dim} AND month >= ${plan.months.from}::date AND month < ${plan.months.until}::date${rollupStations(spec, stationId)}`);
  }
  for (const [days, sign] of [
    [plan.add, 1],
    [plan.subtract, -1],
  ] as const) {
    if (!days.length) continue;
    const within = sql.join(
      days.map((e) => sql`f.day BETWEEN ${e.from}::date AND ${e.to}::date`),
      sql` OR `,
    );
    parts.push(sql`
      SELECT ${spec.facts} AS value, m.metric, stats_bucket(m.seconds) AS bucket, ${sql.raw(String(sign))} AS n
      FROM case_stat_facts f
      CROSS JOIN LATERAL (VALUES ('ack', f.ack_seconds), ('contact', f.contact_seconds), ('reply', f.reply_seconds), ('close', f.close_seconds)) AS m(metric, seconds)
      WHERE m.seconds IS NOT NULL AND (${within})${factStations(stationId)}`);
  }
  if (!parts.length) parts.push(sql`SELECT NULL::text AS value, NULL::text AS metric, NULL::smallint AS bucket, 0 AS n WHERE false`);
  const timesQuery = sql`
    SELECT value, metric, bucket, sum(n)::int AS n FROM (${sql.join(parts, sql` UNION ALL `)}) x
    GROUP BY 1, 2, 3
    HAVING sum(n) <> 0`;

  const [counterRows, timeRows] = await Promise.all([ctx.db.execute(countersQuery), ctx.db.execute(timesQuery)]);
  const groups = new Map<string, RawGroup>();
  const group = (value: string) => {
    let g = groups.get(value);
    if (!g) groups.set(value, (g = { value, counters: emptyCounters(), histograms: new Map() }));
    return g;
  };
  for (const row of rowsOf<Record<string, unknown>>(counterRows)) {
    const g = group(String(row.value));
    COUNTER_KEYS.forEach((key, i) => {
      g.counters[key] += Number(row[COUNTERS[i]!] ?? 0);
    });
  }
  for (const row of rowsOf<{ value: string; metric: Metric; bucket: number; n: number }>(timeRows)) {
    const g = group(String(row.value));
    let h = g.histograms.get(row.metric);
    if (!h) g.histograms.set(row.metric, (h = new Map()));
    addTo(h, Number(row.bucket), Number(row.n));
  }
  // Rollup rows can fall back to zero (a case moved to another category): not a group.
  return [...groups.values()].filter((g) => COUNTER_KEYS.some((k) => g.counters[k] !== 0) || [...g.histograms.values()].some((h) => h.size > 0));
}

export function emptyCounters(): Counters {
  return { received: 0, returned: 0, closed: 0, closedOnTime: 0, assigned: 0, acknowledgedOnTime: 0, evaluated: 0, resolved: 0, satisfied: 0 };
}

/** Every case is in exactly one group of any dimension, so the total is the sum of the groups. */
export function sumGroups(groups: RawGroup[]): RawGroup {
  const total: RawGroup = { value: 'all', counters: emptyCounters(), histograms: new Map() };
  for (const g of groups) {
    for (const k of COUNTER_KEYS) total.counters[k] += g.counters[k];
    for (const [metric, h] of g.histograms) {
      let t = total.histograms.get(metric);
      if (!t) total.histograms.set(metric, (t = new Map()));
      for (const [bucket, n] of h) addTo(t, bucket, n);
    }
  }
  return total;
}

const pct = (n: number, d: number) => (d > 0 ? Math.round((n / d) * 10_000) / 100 : null);

export function figuresOf(raw: RawGroup): Figures {
  const c = raw.counters;
  return {
    ...c,
    rates: {
      closure: pct(c.closed, c.received - c.returned),
      onTimeClosure: pct(c.closedOnTime, c.closed),
      response: pct(c.acknowledgedOnTime, c.assigned),
      resolution: pct(c.resolved, c.evaluated),
      satisfaction: pct(c.satisfied, c.evaluated),
    },
    times: Object.fromEntries(METRICS.map((m) => [m, timeFigure(raw.histograms.get(m))])) as Record<Metric, TimeFigure>,
  };
}
