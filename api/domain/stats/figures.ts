import { type SQL, sql } from 'drizzle-orm';
import type { STATS_METRICS } from '../../../db/schema.ts';
import type { Ctx } from '../../context.ts';
/**
 * Reads the published figures for a period from the rollups: counters from
 * stats_daily (exact for any range of days), the clocks still running now (the
 * first reply deadlines not met on days after today from stats_daily too, the
 * rest from the few facts running now, through two partial indexes), times from the monthly
 * histograms in stats_times for the whole months of the range, plus the
 * per-case facts of the days at either end (at most two partial months) —
 * never a scan of the cases.
 */
import type { GroupBy } from '../../contract/enums.ts';
import { addDays, shanghaiDate, startOfShanghaiDay } from '../deadlines/shanghai-time.ts';
import { addTo, type Histogram, type TimeFigure, timeFigure } from './buckets.ts';
import { COUNTERS, deadlineDay, rowsOf } from './fold.ts';
import { type DateRange, planTimes } from './range.ts';

export type { GroupBy } from '../../contract/enums.ts';
export type Metric = (typeof STATS_METRICS)[number];
export const METRICS: readonly Metric[] = ['ack', 'contact', 'reply', 'close'];

/**
 * What the rollups hold for a group, plus the clocks still running at the time of
 * reading. The *Due counters are every clock of the kind counted in the period,
 * running ones included; *Met those met (done by the deadline).
 */
export interface Counters {
  received: number;
  returned: number;
  closed: number;
  evaluated: number;
  resolutionKnown: number;
  resolved: number;
  satisfied: number;
  ackDue: number;
  ackMet: number;
  contactDue: number;
  contactMet: number;
  due: number;
  dueMet: number;
  redoDue: number;
  redoMet: number;
  ackRunning: number;
  contactRunning: number;
  dueRunning: number;
  redoRunning: number;
}
/** The counters stats_daily holds, in the order of fold.ts's COUNTERS. */
export const COUNTER_KEYS = [
  'received',
  'returned',
  'closed',
  'evaluated',
  'resolutionKnown',
  'resolved',
  'satisfied',
  'ackDue',
  'ackMet',
  'contactDue',
  'contactMet',
  'due',
  'dueMet',
  'redoDue',
  'redoMet',
] as const satisfies ReadonlyArray<keyof Counters>;
const RUNNING_KEYS = ['ackRunning', 'contactRunning', 'dueRunning', 'redoRunning'] as const satisfies ReadonlyArray<keyof Counters>;
const ALL_KEYS: ReadonlyArray<keyof Counters> = [...COUNTER_KEYS, ...RUNNING_KEYS];

/** Percent (0–100, two decimals), or null when the denominator is zero. */
export interface Rates {
  closure: number | null;
  /** 按期办结率: first reply deadlines in the period, answered by them (running clocks left out). */
  onTime: number | null;
  /** 重办按期率: the redo's reply deadlines in the period, answered by them. */
  redoOnTime: number | null;
  /** 响应率: cases received with an acknowledge clock, acknowledged by it. */
  response: number | null;
  /** First contact within 24 hours of receipt. */
  firstContact: number | null;
  resolution: number | null;
  satisfaction: number | null;
}

/**
 * The published counts: each judged clock as settled (met or missed) and running
 * (neither), so that due = onTime + late, and running is outside both.
 */
export interface Figures {
  received: number;
  returned: number;
  closed: number;
  /** First reply deadlines in the period that were met or have passed (应办结). */
  due: number;
  dueOnTime: number;
  dueLate: number;
  /** First reply deadlines in the period not yet passed nor met: counted nowhere yet. */
  dueRunning: number;
  redoDue: number;
  redoOnTime: number;
  redoLate: number;
  redoRunning: number;
  ackDue: number;
  ackOnTime: number;
  ackRunning: number;
  contactDue: number;
  contactWithin24h: number;
  contactRunning: number;
  evaluated: number;
  resolutionKnown: number;
  resolved: number;
  satisfied: number;
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
  /** The group's value from a fact (alias f) counted on a day (a date expression). */
  facts: (day: SQL) => SQL;
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
  const col = (name: string) => ({ daily: sql.raw('value'), times: sql.raw('value'), facts: () => sql.raw(name), allStations: station0 });
  switch (groupBy) {
    case null:
      return { dim: 'total', daily: sql.raw(`'all'`), times: sql.raw(`'all'`), facts: () => sql.raw(`'all'`), allStations: station0 };
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
        facts: (day) => sql`to_char(${day}, 'YYYY-MM')`,
        allStations: station0,
      };
    case 'station':
      return {
        dim: 'total',
        daily: sql.raw('station_id::text'),
        times: sql.raw('station_id::text'),
        facts: () => sql.raw('f.station_id::text'),
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
  const now = ctx.clock.now();
  const today = shanghaiDate(now);
  // A first reply deadline not met on a day after today is still running: every one of them
  // (a deadline's day is the day it ends: 24:00 tonight is today's, and is read from the facts below).
  const countersQuery = sql`
    SELECT ${spec.daily} AS value, ${sums}, coalesce(sum(due - due_met) FILTER (WHERE day > ${today}::date), 0)::int AS due_ahead
    FROM stats_daily
    WHERE dim = ${spec.dim} AND day BETWEEN ${range.from}::date AND ${range.to}::date${rollupStations(spec, stationId)}
    GROUP BY 1`;

  const plan = planTimes(range, today);
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
      SELECT ${spec.facts(sql.raw('f.day'))} AS value, m.metric, stats_bucket(m.seconds) AS bucket, ${sql.raw(String(sign))} AS n
      FROM case_stat_facts f
      CROSS JOIN LATERAL (VALUES ('ack', f.ack_seconds), ('contact', f.contact_seconds), ('reply', f.reply_seconds), ('close', f.close_seconds)) AS m(metric, seconds)
      WHERE m.seconds IS NOT NULL AND (${within})${factStations(stationId)}`);
  }
  if (!parts.length) parts.push(sql`SELECT NULL::text AS value, NULL::text AS metric, NULL::smallint AS bucket, 0 AS n WHERE false`);
  const timesQuery = sql`
    SELECT value, metric, bucket, sum(n)::int AS n FROM (${sql.join(parts, sql` UNION ALL `)}) x
    GROUP BY 1, 2, 3
    HAVING sum(n) <> 0`;

  // The other clocks still running now (not met, deadline ahead): the acknowledge, first-contact and
  // redo clocks of the few facts whose open_until is ahead (a partial index), and the first reply
  // deadlines not met later today (another); each counted on its role's day.
  const at = sql`${now.toISOString()}::timestamptz`;
  const running: SQL[] = [
    sql`
      SELECT ${spec.facts(sql.raw('r.day'))} AS value, r.ack, r.contact, r.due, r.redo
      FROM case_stat_facts f
      CROSS JOIN LATERAL (VALUES
        (f.day, (f.ack_met = 0 AND f.ack_due_at > ${at})::int, (f.contact_met = 0 AND f.contact_due_at > ${at})::int, 0, 0),
        (${sql.raw(deadlineDay('f.redo_due_at'))}, 0, 0, 0, (f.redo_met = 0 AND f.redo_due_at > ${at})::int)
      ) AS r(day, ack, contact, due, redo)
      WHERE f.open_until > ${at} AND r.day BETWEEN ${range.from}::date AND ${range.to}::date
        AND r.ack + r.contact + r.redo > 0${factStations(stationId)}`,
  ];
  if (range.from <= today && today <= range.to) {
    running.push(sql`
      SELECT ${spec.facts(sql`${today}::date`)} AS value, 0, 0, 1, 0
      FROM case_stat_facts f
      WHERE f.due_met = 0 AND f.due_at > ${at} AND f.due_at <= ${startOfShanghaiDay(addDays(today, 1)).toISOString()}::timestamptz${factStations(stationId)}`);
  }
  const runningQuery = sql`
    SELECT value, sum(ack)::int AS ack, sum(contact)::int AS contact, sum(due)::int AS due, sum(redo)::int AS redo
    FROM (${sql.join(running, sql` UNION ALL `)}) x (value, ack, contact, due, redo)
    GROUP BY 1`;

  const [counterRows, timeRows, runningRows] = await Promise.all([ctx.db.execute(countersQuery), ctx.db.execute(timesQuery), ctx.db.execute(runningQuery)]);
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
    g.counters.dueRunning += Number(row.due_ahead ?? 0);
  }
  for (const row of rowsOf<{ value: string; ack: number; contact: number; due: number; redo: number }>(runningRows)) {
    const g = group(String(row.value));
    g.counters.ackRunning += Number(row.ack);
    g.counters.contactRunning += Number(row.contact);
    g.counters.dueRunning += Number(row.due);
    g.counters.redoRunning += Number(row.redo);
  }
  for (const row of rowsOf<{ value: string; metric: Metric; bucket: number; n: number }>(timeRows)) {
    const g = group(String(row.value));
    let h = g.histograms.get(row.metric);
    if (!h) g.histograms.set(row.metric, (h = new Map()));
    addTo(h, Number(row.bucket), Number(row.n));
  }
  // Rollup rows can fall back to zero (a case moved to another category): not a group.
  return [...groups.values()].filter((g) => ALL_KEYS.some((k) => g.counters[k] !== 0) || [...g.histograms.values()].some((h) => h.size > 0));
}

export function emptyCounters(): Counters {
  return Object.fromEntries(ALL_KEYS.map((k) => [k, 0])) as unknown as Counters;
}

/** Every case is in exactly one group of any dimension, so the total is the sum of the groups. */
export function sumGroups(groups: RawGroup[]): RawGroup {
  const total: RawGroup = { value: 'all', counters: emptyCounters(), histograms: new Map() };
  for (const g of groups) {
    for (const k of ALL_KEYS) total.counters[k] += g.counters[k];
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
  const due = c.due - c.dueRunning;
  const redoDue = c.redoDue - c.redoRunning;
  const ackDue = c.ackDue - c.ackRunning;
  const contactDue = c.contactDue - c.contactRunning;
  return {
    received: c.received,
    returned: c.returned,
    closed: c.closed,
    due,
    dueOnTime: c.dueMet,
    dueLate: due - c.dueMet,
    dueRunning: c.dueRunning,
    redoDue,
    redoOnTime: c.redoMet,
    redoLate: redoDue - c.redoMet,
    redoRunning: c.redoRunning,
    ackDue,
    ackOnTime: c.ackMet,
    ackRunning: c.ackRunning,
    contactDue,
    contactWithin24h: c.contactMet,
    contactRunning: c.contactRunning,
    evaluated: c.evaluated,
    resolutionKnown: c.resolutionKnown,
    resolved: c.resolved,
    satisfied: c.satisfied,
    rates: {
      closure: pct(c.closed, c.received - c.returned),
      onTime: pct(c.dueMet, due),
      redoOnTime: pct(c.redoMet, redoDue),
      response: pct(c.ackMet, ackDue),
      firstContact: pct(c.contactMet, contactDue),
      resolution: pct(c.resolved, c.resolutionKnown),
      satisfaction: pct(c.satisfied, c.evaluated),
    },
    times: Object.fromEntries(METRICS.map((m) => [m, timeFigure(raw.histograms.get(m))])) as Record<Metric, TimeFigure>,
  };
}
