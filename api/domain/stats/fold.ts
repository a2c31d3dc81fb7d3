import { sql } from 'drizzle-orm';
import { rowsOf } from '../../../db/statement.ts';
import { type Ctx, withTransaction } from '../../context.ts';

/** Re-exported for the stats modules and their tests, which read raw statement results. */
export { rowsOf };

/**
 * The stats fold: brings the rollups (stats_daily, stats_times) up to date with
 * every case written since it last ran.
 *
 * Writes to a case never touch a counter: a trigger only marks the case
 * `stats_dirty` (migration 0007), so concurrent filings do not queue on the
 * same day's counter row. The fold, in one transaction per batch:
 *
 *   1. claims dirty cases (FOR UPDATE SKIP LOCKED: a case a verb is changing
 *      right now is left for the next batch) and clears their mark; the
 *      UPDATE … RETURNING hands back each row as locked, so what is folded is
 *      the case's latest committed state;
 *   2. subtracts what it last added for each case (case_stat_facts) and adds
 *      the new facts, grouped per rollup key, upserted set-based
 *      (INSERT … ON CONFLICT DO UPDATE SET n = n + excluded.n);
 *   3. stores the new facts.
 *
 * Folds are serialized by a transaction-scoped advisory lock: a second fold
 * (another server's tick, a stats request) finds it taken and leaves the work
 * to the one running, so their upserts never wait on (or deadlock over) each
 * other's rows, and need no ordering.
 * A batch either commits whole or not at all, so the rollups always equal the
 * sum of case_stat_facts.
 */
export interface FoldResult {
  /** Cases folded. */
  folded: number;
  batches: number;
  /** Another fold held the lock; nothing was done here. */
  busy: boolean;
}

/** pg_advisory_xact_lock key: "stats" in ASCII. */
const FOLD_LOCK = 0x7374617473;

export async function foldStats(ctx: Ctx, options: { batchSize?: number; maxBatches?: number; budgetMs?: number; onBatch?: (total: FoldResult) => void } = {}): Promise<FoldResult> {
  const batchSize = options.batchSize ?? 5000;
  const maxBatches = options.maxBatches ?? 100;
  const deadline = performance.now() + (options.budgetMs ?? Number.POSITIVE_INFINITY);
  const total: FoldResult = { folded: 0, batches: 0, busy: false };
  for (let i = 0; i < maxBatches && performance.now() < deadline; i++) {
    const batch = await withTransaction(ctx, (tx) => foldBatch(tx, batchSize));
    if (batch === 'busy') return { ...total, busy: true };
    total.batches++;
    total.folded += batch;
    options.onBatch?.(total);
    if (batch < batchSize) break;
  }
  return total;
}

/** How many cases wait for the fold (the partial index makes this cheap). */
export async function pendingCases(ctx: Ctx): Promise<number> {
  const rows = await ctx.db.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM cases WHERE stats_dirty`);
  return Number(rowsOf<{ n: number }>(rows)[0]?.n ?? 0);
}

async function foldBatch(ctx: Ctx, batchSize: number): Promise<number | 'busy'> {
  // Nothing waiting (the usual case for a read: the job keeps up): a look at the partial index
  // costs far less than planning the fold's statement only to find nothing to claim.
  const waiting = await ctx.db.execute<{ any: boolean }>(sql`SELECT EXISTS (SELECT 1 FROM cases WHERE stats_dirty) AS any`);
  if (!rowsOf<{ any: boolean }>(waiting)[0]?.any) return 0;
  const lock = await ctx.db.execute<{ ok: boolean }>(sql`SELECT pg_try_advisory_xact_lock(${FOLD_LOCK}::bigint) AS ok`);
  if (!rowsOf<{ ok: boolean }>(lock)[0]?.ok) return 'busy';
  await backfillReplyMargins(ctx);
  // A big batch groups hundreds of thousands of rows: the default 4 MB would spill them to disk,
  // and JIT compiling the statement costs about a second, more than it saves.
  if (batchSize > 2000) await ctx.db.execute(sql`SELECT set_config('work_mem', '64MB', true), set_config('jit', 'off', true)`);
  const result = await ctx.db.execute<{ folded: number }>(foldStatement(batchSize));
  return Number(rowsOf<{ folded: number }>(result)[0]?.folded ?? 0);
}

/**
 * Rollups folded before the reply_margin dimension existed have none of its rows, yet the fold
 * would subtract their facts' margins from it: under the fold's lock, before a batch, such a
 * database gets the dimension built from the facts, set-based, once — what the fold would have
 * added. A look at the primary key (and at the facts when the dimension is empty) otherwise.
 */
async function backfillReplyMargins(ctx: Ctx): Promise<void> {
  const missing = await ctx.db.execute(
    sql`SELECT NOT EXISTS (SELECT 1 FROM stats_daily WHERE dim = 'reply_margin') AND EXISTS (SELECT 1 FROM case_stat_facts WHERE due_at IS NOT NULL) AS missing`,
  );
  if (!rowsOf<{ missing: boolean }>(missing)[0]?.missing) return;
  await ctx.db.execute(sql`
    INSERT INTO stats_daily (dim, day, station_id, value, due, due_met)
    SELECT 'reply_margin', f.day, st.station, f.margin, count(*)::int, sum(f.due_met)::int
    FROM (SELECT ${sql.raw(deadlineDay('due_at'))} AS day, station_id, due_met, ${REPLY_MARGIN} AS margin
          FROM case_stat_facts WHERE due_at IS NOT NULL) f
    CROSS JOIN LATERAL (SELECT f.station_id UNION ALL SELECT 0) AS st(station)
    GROUP BY f.day, st.station, f.margin`);
}

/** A timestamp's date in Asia/Shanghai (no daylight saving: a fixed +8 hours, cheaper than a zone lookup). */
const shanghaiDay = (column: string) => `(${column} AT TIME ZONE 'UTC' + interval '8 hours')::date`;

/**
 * The day a deadline falls on: a deadline at 24:00 (00:00 of the next day, as working-day
 * deadlines end) belongs to the day it ends, so 24:00 of 31 March counts in March.
 */
export const deadlineDay = (column: string) => shanghaiDay(`(${column} - interval '1 microsecond')`);

/**
 * The per-case facts, from a row of `claimed`; merged duplicates count for nothing,
 * and returned orders (out of the office's remit) have no clock the rates judge.
 *
 * Each clock is stored with its deadline and whether it was met, which does not
 * depend on when the figures are read: met = done by the deadline. A clock not met
 * whose deadline is still ahead is running (neither met nor missed); the read finds
 * those (figures.ts): first reply deadlines from the rollups' days after today and
 * the facts' due_at later today, the other clocks through open_until, the latest of
 * their deadlines not met.
 *
 * The on-time clock is the first round's reply deadline: a reopened case (重办) keeps
 * it in first_reply_due_at / first_replied_at, and its current reply deadline is the
 * redo's, counted on its own. Approved extensions have already moved reply_due_at.
 */
const FACTS = sql.raw(`
  SELECT id AS case_id,
         ${shanghaiDay('received_at')} AS day,
         station_id, channel::text AS channel, kind::text AS kind, category_id,
         lead_department_id AS department_id, location_id,
         (status <> 'merged')::int::smallint AS received,
         (status = 'returned')::int::smallint AS returned,
         (status = 'closed')::int::smallint AS closed,
         (status <> 'merged' AND last_satisfaction IS NOT NULL)::int::smallint AS evaluated,
         (status <> 'merged' AND last_satisfaction IS NOT NULL AND last_resolved IS NOT NULL)::int::smallint AS resolution_known,
         (status <> 'merged' AND last_satisfaction IS NOT NULL AND coalesce(last_resolved = 'yes', false))::int::smallint AS resolved,
         (status <> 'merged' AND coalesce(last_satisfaction IN ('very_satisfied', 'satisfied', 'basic'), false))::int::smallint AS satisfied,
         due_at, due_met, redo_due_at, redo_met, ack_clock AS ack_due_at, ack_met, contact_clock AS contact_due_at, contact_met,
         greatest(CASE WHEN ack_met = 0 THEN ack_clock END, CASE WHEN contact_met = 0 THEN contact_clock END,
                  CASE WHEN redo_met = 0 THEN redo_due_at END) AS open_until,
         CASE WHEN status <> 'merged' THEN stats_seconds(received_at, acknowledged_at) END AS ack_seconds,
         CASE WHEN status <> 'merged' THEN stats_seconds(received_at, contacted_at) END AS contact_seconds,
         CASE WHEN status <> 'merged' THEN stats_seconds(received_at, replied_at) END AS reply_seconds,
         CASE WHEN status = 'closed' THEN stats_seconds(received_at, closed_at) END AS close_seconds
  FROM claimed
  CROSS JOIN LATERAL (SELECT status NOT IN ('merged', 'returned') AS judged) j
  CROSS JOIN LATERAL (SELECT
    CASE WHEN judged THEN coalesce(first_reply_due_at, reply_due_at) END AS due_at,
    (judged AND coalesce(CASE WHEN first_reply_due_at IS NULL THEN replied_at ELSE first_replied_at END
                         <= coalesce(first_reply_due_at, reply_due_at), false))::int::smallint AS due_met,
    CASE WHEN judged AND first_reply_due_at IS NOT NULL THEN reply_due_at END AS redo_due_at,
    (judged AND first_reply_due_at IS NOT NULL AND coalesce(replied_at <= reply_due_at, false))::int::smallint AS redo_met,
    CASE WHEN judged THEN ack_due_at END AS ack_clock,
    (judged AND coalesce(acknowledged_at <= ack_due_at, false))::int::smallint AS ack_met,
    CASE WHEN judged THEN received_at + interval '24 hours' END AS contact_clock,
    (judged AND coalesce(contacted_at <= received_at + interval '24 hours', false))::int::smallint AS contact_met) k`);

export const FACT_COLUMNS = [
  'case_id',
  'day',
  'station_id',
  'channel',
  'kind',
  'category_id',
  'department_id',
  'location_id',
  'received',
  'returned',
  'closed',
  'evaluated',
  'resolution_known',
  'resolved',
  'satisfied',
  'due_at',
  'due_met',
  'redo_due_at',
  'redo_met',
  'ack_due_at',
  'ack_met',
  'contact_due_at',
  'contact_met',
  'open_until',
  'ack_seconds',
  'contact_seconds',
  'reply_seconds',
  'close_seconds',
] as const;

/**
 * The counters of stats_daily. A case adds to the row of its received day the
 * first ten; to the row of its first reply deadline's day `due` and `due_met`;
 * to the row of its redo deadline's day `redo_due` and `redo_met`. The *_due
 * counters include clocks still running, which a read subtracts.
 */
export const COUNTERS = [
  'received',
  'returned',
  'closed',
  'evaluated',
  'resolution_known',
  'resolved',
  'satisfied',
  'ack_due',
  'ack_met',
  'contact_due',
  'contact_met',
  'due',
  'due_met',
  'redo_due',
  'redo_met',
] as const;

/**
 * How the first reply stood against its deadline (dim 'reply_margin', on the deadline's day, so
 * its `due` counts add up to the total's): replied more than two days early ('early'), within the
 * last two days ('last2d'), late by at most a day ('late1d'), later ('later'), not yet replied
 * ('unanswered': running or overdue, told apart at read time) — and 'reopened', whose first reply
 * time the facts do not keep (on time or not is in due_met). Read from the facts alone, so that the
 * fold subtracts what it added: a judged case's receipt is its contact clock less 24 hours.
 */
export const REPLY_MARGINS = ['early', 'last2d', 'late1d', 'later', 'unanswered', 'reopened'] as const;
export type ReplyMargin = (typeof REPLY_MARGINS)[number];
const REPLIED = `(contact_due_at - interval '24 hours' + reply_seconds * interval '1 second')`;
const REPLY_MARGIN = sql.raw(`CASE
      WHEN redo_due_at IS NOT NULL THEN 'reopened'
      WHEN reply_seconds IS NULL THEN 'unanswered'
      WHEN due_met = 1 THEN CASE WHEN ${REPLIED} < due_at - interval '2 days' THEN 'early' ELSE 'last2d' END
      WHEN ${REPLIED} <= due_at + interval '1 day' THEN 'late1d'
      ELSE 'later' END`);

const list = (names: readonly string[], prefix = '') => sql.raw(names.map((n) => `${prefix}${n}`).join(', '));

export function foldStatement(batchSize: number) {
  const sums = sql.raw(COUNTERS.map((c) => `sum(sign * ${c})::int AS ${c}`).join(', '));
  const anyNonZero = sql.raw(COUNTERS.map((c) => `sum(sign * ${c}) <> 0`).join(' OR '));
  const increments = sql.raw(COUNTERS.map((c) => `${c} = t.${c} + excluded.${c}`).join(', '));
  const replaceFacts = sql.raw(
    FACT_COLUMNS.filter((c) => c !== 'case_id')
      .map((c) => `${c} = excluded.${c}`)
      .join(', '),
  );
  return sql`
    WITH claimed AS (
      UPDATE cases SET stats_dirty = false
      WHERE id IN (
        SELECT id FROM cases WHERE stats_dirty
        ORDER BY received_at LIMIT ${batchSize}
        FOR UPDATE SKIP LOCKED)
      RETURNING id, station_id, channel, kind, category_id, lead_department_id, location_id, status,
                received_at, ack_due_at, reply_due_at, acknowledged_at, contacted_at, replied_at, closed_at,
                first_reply_due_at, first_replied_at, last_satisfaction, last_resolved
    ),
    fresh AS (${FACTS}),
    old AS (
      SELECT ${list(FACT_COLUMNS, 'f.')} FROM case_stat_facts f JOIN fresh ON fresh.case_id = f.case_id
    ),
    signed AS (
      SELECT 1 AS sign, ${list(FACT_COLUMNS)} FROM fresh
      UNION ALL
      SELECT -1 AS sign, ${list(FACT_COLUMNS)} FROM old
    ),
    roled AS (
      -- A case's counters by the day each is counted on: the received day for most,
      -- the first reply deadline's day for due/due_met, the redo deadline's for redo_*.
      SELECT sign, day, station_id, channel, kind, category_id, department_id, location_id,
             received, returned, closed, evaluated, resolution_known, resolved, satisfied,
             (ack_due_at IS NOT NULL)::int AS ack_due, ack_met, (contact_due_at IS NOT NULL)::int AS contact_due, contact_met,
             0 AS due, 0 AS due_met, 0 AS redo_due, 0 AS redo_met,
             ack_seconds, contact_seconds, reply_seconds, close_seconds, NULL::text AS margin
      FROM signed
      UNION ALL
      SELECT sign, ${sql.raw(deadlineDay('due_at'))}, station_id, channel, kind, category_id, department_id, location_id,
             0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, due_met, 0, 0, NULL, NULL, NULL, NULL, ${REPLY_MARGIN}
      FROM signed WHERE due_at IS NOT NULL
      UNION ALL
      SELECT sign, ${sql.raw(deadlineDay('redo_due_at'))}, station_id, channel, kind, category_id, department_id, location_id,
             0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, redo_met, NULL, NULL, NULL, NULL, NULL
      FROM signed WHERE redo_due_at IS NOT NULL
    ),
    dimmed AS (
      -- Each fact under every dimension; and, for the dimensions whose value does not
      -- already name a station, under station 0 too (all stations), so that the
      -- office-wide figures read a third of the rows.
      SELECT s.*, d.dim, d.value, st.station FROM roled s
      CROSS JOIN LATERAL (VALUES
        ('total', 'all', false),
        ('channel', s.channel, false),
        ('kind', s.kind, false),
        ('category', s.category_id::text, false),
        ('department', coalesce(s.department_id::text, 'none'), false),
        ('location', coalesce(s.location_id::text, 'none'), true),
        ('category_location', s.category_id::text || '|' || coalesce(s.location_id::text, 'none'), true),
        -- Only on the first reply deadline's day (null on the other roles' rows).
        ('reply_margin', s.margin, false)
      ) AS d(dim, value, per_station)
      CROSS JOIN LATERAL (SELECT s.station_id UNION ALL SELECT 0 WHERE NOT d.per_station) AS st(station)
      WHERE d.value IS NOT NULL
    ),
    counters AS (
      INSERT INTO stats_daily AS t (dim, day, station_id, value, ${list(COUNTERS)})
      SELECT dim, day, station, value, ${sums}
      FROM dimmed
      GROUP BY dim, day, station, value
      HAVING ${anyNonZero}
      ON CONFLICT (dim, day, station_id, value) DO UPDATE SET ${increments}
    ),
    times AS (
      INSERT INTO stats_times AS t (dim, month, station_id, value, metric, bucket, count)
      SELECT dim, date_trunc('month', day::timestamp)::date, station, value, m.metric, stats_bucket(m.seconds), sum(sign)::int
      FROM dimmed
      CROSS JOIN LATERAL (VALUES ('ack', ack_seconds), ('contact', contact_seconds), ('reply', reply_seconds), ('close', close_seconds)) AS m(metric, seconds)
      WHERE m.seconds IS NOT NULL AND dim <> 'category_location'
      GROUP BY 1, 2, 3, 4, 5, 6
      HAVING sum(sign) <> 0
      ON CONFLICT (dim, month, station_id, value, metric, bucket) DO UPDATE SET count = t.count + excluded.count
    ),
    facts AS (
      INSERT INTO case_stat_facts AS t (${list(FACT_COLUMNS)})
      SELECT ${list(FACT_COLUMNS)} FROM fresh
      ON CONFLICT (case_id) DO UPDATE SET ${replaceFacts}
      -- A case written without a change to its figures (the deadline sweep's bookkeeping) rewrites nothing.
      WHERE (${list(FACT_COLUMNS.slice(1), 't.')}) IS DISTINCT FROM (${list(FACT_COLUMNS.slice(1), 'excluded.')})
    )
    SELECT count(*)::int AS folded FROM fresh`;
}
