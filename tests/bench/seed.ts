/**
 * `npm run bench:seed`: a year of a city's cases on PostgreSQL, for the stats
 * bench and for looking at the figures at scale.
 *
 *   BENCH_SEED_CASES   how many (default 1,000,000)
 *   DATABASE_URL       seed that database (migrated and seeded first; rows are added)
 *                      — unset: the bench database (hotline_bench, recreated as
 *                      `npm run bench` does, through BENCH_ADMIN_URL)
 *
 * Rows are generated in PostgreSQL (INSERT … SELECT over generate_series, 50,000
 * per statement), not through the HTTP API: realistic spreads over the last
 * 365 days, the three stations, the channels (12345 transfers the largest),
 * kinds, categories with their departments, locations, statuses by age,
 * acknowledge/contact/reply/close clocks (a few late, a few extended),
 * co-handling partners, reopened cases (重办) with their first round kept, and
 * evaluations from citizens (some by SMS, resolution unknown) and 12345 (mostly
 * satisfied). Then the stats fold (api/domain/stats/fold.ts) folds them into
 * the rollups, as the job would. Times of both are printed.
 *
 * For speed the session runs with session_replication_role = replica (no
 * triggers, no foreign-key checks): the generated rows are consistent by
 * construction, each case carries its latest evaluation (last_satisfaction,
 * last_resolved) as the evaluations trigger would have set it, and stats_dirty
 * defaults to true. Without superuser rights it falls back to triggers on.
 */
import { pathToFileURL } from 'node:url';
import { sql as dsql } from 'drizzle-orm';
import postgres from 'postgres';
import { loadConfig } from '../../api/config.ts';
import { systemClock } from '../../api/context.ts';
import { createReferenceCache } from '../../api/domain/reference.ts';
import { foldStats } from '../../api/domain/stats/fold.ts';
import { createLogger } from '../../api/logger.ts';
import { connectPostgres } from '../../db/client.ts';
import { migrate } from '../../db/migrate.ts';
import { seedReference } from '../../db/seed/index.ts';
import { freshBenchDatabase } from './db.ts';
import { readOptions } from './options.ts';

export interface SeedResult {
  cases: number;
  evaluations: number;
  seedSeconds: number;
  foldSeconds: number;
  foldBatches: number;
  rollups: { statsDaily: number; statsTimes: number; facts: number; sizeMb: number };
}

const CHUNK = 50_000;
const DAYS = 365;

type Weighted<T> = Array<[T, number]>;

/** CASE WHEN r < c1 THEN v1 … : a weighted draw from one uniform random column. */
function draw<T>(r: string, choices: Weighted<T>, literal: (v: T) => string): string {
  const total = choices.reduce((n, [, w]) => n + w, 0);
  let acc = 0;
  const arms = choices.map(([v, w], i) => {
    acc += w / total;
    return i === choices.length - 1 ? `ELSE ${literal(v)}` : `WHEN ${r} < ${acc.toFixed(6)} THEN ${literal(v)}`;
  });
  return `(CASE ${arms.join(' ')} END)`;
}

const STATION_WEIGHTS: Weighted<string> = [
  ['TJ', 45],
  ['TJN', 30],
  ['BJN', 25],
];
const CHANNEL_WEIGHTS: Weighted<string> = [
  ['12345', 40],
  ['phone', 20],
  ['web', 15],
  ['sms', 8],
  ['walk_in', 6],
  ['open311', 5],
  ['box', 3],
  ['petition', 3],
];
const KIND_WEIGHTS: Weighted<string> = [
  ['complaint', 50],
  ['report', 15],
  ['help', 15],
  ['consult', 15],
  ['suggestion', 5],
];
const CATEGORY_WEIGHTS: Weighted<string> = [
  ['touting', 18],
  ['illegal_taxi', 16],
  ['parking', 12],
  ['sanitation', 10],
  ['peddling', 8],
  ['street_stall', 8],
  ['facilities', 8],
  ['taxi_dispatch', 6],
  ['signage', 5],
  ['staff_attitude', 4],
  ['accessibility', 3],
  ['other', 2],
];
const PHRASES: Record<string, string> = {
  touting: '出站口有人拉客，强行拉旅客上车',
  illegal_taxi: '黑出租在广场揽客，要价过高',
  parking: '停车场车辆乱停，堵塞通道',
  sanitation: '广场地面垃圾较多，无人清扫',
  peddling: '有人在通道内兜售物品',
  street_stall: '人行道上摆摊占道经营',
  facilities: '电梯故障停用，老人上下不便',
  taxi_dispatch: '出租车调度站排队秩序混乱',
  signage: '换乘指引标识不清，容易走错',
  staff_attitude: '工作人员态度生硬',
  accessibility: '无障碍通道被占用',
  other: '其他问题反映',
};
const SATISFACTION_WEIGHTS: Weighted<string> = [
  ['very_satisfied', 30],
  ['satisfied', 50],
  ['basic', 15],
  ['dissatisfied', 5],
];
const RESOLVED_WEIGHTS: Weighted<string> = [
  ['yes', 90],
  ['partial', 6],
  ['no', 4],
];
/** Reply window in days by kind (working days read as calendar days × 1.4). */
const REPLY_DAYS: Record<string, number> = { consult: 1.4, help: 7, complaint: 14, report: 14, suggestion: 21 };

const q = (s: string) => `'${s.replace(/'/g, "''")}'`;

interface Ref {
  stations: Map<string, number>;
  categories: Map<string, { id: number; department: number | null }>;
  locations: Map<number, number[]>;
  partners: number[];
}

function chunkSql(ref: Ref, from: number, count: number): string {
  const station = draw(
    'r_station',
    STATION_WEIGHTS.map(([c, w]) => [ref.stations.get(c)!, w] as [number, number]),
    String,
  );
  const category = draw(
    'r_cat',
    CATEGORY_WEIGHTS.map(([c, w]) => [ref.categories.get(c)!.id, w] as [number, number]),
    String,
  );
  const location = `(CASE WHEN r_loc < 0.1 THEN NULL ${[...ref.locations].map(([s, ls]) => `WHEN station_id = ${s} THEN (ARRAY[${ls.join(',')}])[1 + floor(r_loc2 * ${ls.length})::int]`).join(' ')} END)`;
  const department = `(CASE WHEN r_dept < 0.92 THEN (CASE category_id ${[...ref.categories.values()].map((c) => `WHEN ${c.id} THEN ${c.department ?? 'NULL'}`).join(' ')} END) ELSE (ARRAY[${ref.partners.join(',')}])[1 + floor(r_dept2 * ${ref.partners.length})::int] END)`;
  const phrase = `(CASE category_id ${[...ref.categories].map(([code, c]) => `WHEN ${c.id} THEN ${q(PHRASES[code] ?? '问题反映')}`).join(' ')} END)`;
  const replyDays = `(CASE kind ${Object.entries(REPLY_DAYS)
    .map(([k, d]) => `WHEN ${q(k)} THEN ${d}`)
    .join(' ')} END)`;
  const status = `(CASE
      WHEN age_days > 20 THEN ${draw(
        'r_status',
        [
          ['closed', 87],
          ['returned', 4],
          ['merged', 3],
          ['replied', 3],
          ['in_progress', 2],
          ['assigned', 1],
        ],
        q,
      )}
      WHEN age_days > 5 THEN ${draw(
        'r_status',
        [
          ['closed', 55],
          ['replied', 20],
          ['in_progress', 15],
          ['assigned', 4],
          ['returned', 3],
          ['merged', 3],
        ],
        q,
      )}
      ELSE ${draw(
        'r_status',
        [
          ['new', 15],
          ['assigned', 25],
          ['in_progress', 35],
          ['replied', 10],
          ['closed', 10],
          ['returned', 3],
          ['merged', 2],
        ],
        q,
      )} END)`;
  return `
    WITH g AS (
      SELECT n, random() AS r_day, random() AS r_hour, random() AS r_station, random() AS r_channel, random() AS r_kind,
             random() AS r_cat, random() AS r_loc, random() AS r_loc2, random() AS r_status, random() AS r_dept, random() AS r_dept2,
             random() AS r_ack, random() AS r_contact, random() AS r_reply, random() AS r_close, random() AS r_ext,
             random() AS r_eval, random() AS r_sat, random() AS r_res, random() AS r_co, random() AS r_src, random() AS r_red
      FROM generate_series(${from + 1}, ${from + count}) AS n
    ), a AS (
      SELECT g.*,
             -- Mostly in the day (07:00–22:00 Shanghai), some at night.
             least(now() - interval '1 minute',
               date_trunc('day', now() AT TIME ZONE 'Asia/Shanghai') AT TIME ZONE 'Asia/Shanghai'
               - floor(r_day * ${DAYS}) * interval '1 day'
               + (CASE WHEN r_hour < 0.92 THEN 7 + 15 * r_hour / 0.92 ELSE 24 * (r_hour - 0.92) / 0.08 END) * interval '1 hour') AS received_at,
             ${station} AS station_id, ${draw('r_channel', CHANNEL_WEIGHTS, q)} AS channel, ${draw('r_kind', KIND_WEIGHTS, q)} AS kind,
             ${category} AS category_id
      FROM g
    ), b AS (
      SELECT a.*, ${location} AS location_id, ${department} AS department_id, ${phrase} AS phrase,
             extract(epoch FROM now() - received_at) / 86400 AS age_days,
             ${replyDays} * 86400 * (CASE WHEN r_ext < 0.05 THEN 1.4 ELSE 1 END) AS reply_window_s,
             r_ext < 0.05 AS extended,
             -- Acknowledged 5 min + exponential (median ~30 min; some past the 2-hour clock).
             300 + 2160 * -ln(greatest(r_ack, 1e-9)) AS ack_s,
             7200 * -ln(greatest(r_contact, 1e-9)) AS contact_after_s
      FROM a
    ), c AS (
      SELECT b.*, ${status} AS status,
             least(reply_window_s * (0.1 + 0.95 * power(r_reply, 0.8)), 80 * 86400) AS reply_s,
             14400 + 172800 * r_close AS close_after_s
      FROM b
    ), d AS (
      SELECT c.*,
             CASE WHEN r_red < 0.02 THEN 900 ELSE 7200 END AS ack_due_s,
             status NOT IN ('merged') AND status IN ('replied', 'closed') AND r_eval < 0.55 AS evaluated,
             status = 'closed' AND r_close < 0.02 AS reopened,
             CASE WHEN channel = '12345' AND r_src < 0.7 THEN '12345' ELSE 'citizen' END AS source,
             ${draw('r_sat', SATISFACTION_WEIGHTS, q)} AS satisfaction,
             ${draw('r_res', RESOLVED_WEIGHTS, q)} AS resolved,
             least(now(), received_at + ack_s * interval '1 second') AS ack_at,
             least(now(), received_at + (ack_s + contact_after_s) * interval '1 second') AS contact_at,
             least(now(), received_at + reply_s * interval '1 second') AS reply_at,
             least(now(), received_at + (reply_s + close_after_s) * interval '1 second') AS close_at
      FROM c
    ), inserted AS (
      INSERT INTO cases (tracking_code, station_id, channel, external_ref, kind, category_id, location_id, description,
                         reporter_phone, reporter_phone4, lang, priority, status, lead_department_id,
                         received_at, ack_due_at, contact_due_at, reply_due_at, acknowledged_at, contacted_at, replied_at, closed_at,
                         reply_text, next_due_at, reply_started_at, extension_count, reopen_count, return_reason,
                         last_satisfaction, last_resolved, created_at, updated_at, first_reply_due_at, first_replied_at)
      SELECT 's' || lpad(n::text, 9, '0'), station_id, channel::channel, CASE WHEN channel = '12345' THEN 'S' || n END,
             kind::case_kind, category_id, location_id, phrase || '（' || n || '）',
             '+86139' || lpad((n % 100000000)::text, 8, '0'), lpad((n % 10000)::text, 4, '0'), 'zh-CN',
             (CASE WHEN r_red < 0.02 THEN 'red' ELSE 'normal' END)::priority, status::case_status,
             CASE WHEN status = 'new' OR (status = 'returned' AND r_dept < 0.5) THEN NULL ELSE department_id END,
             received_at, received_at + ack_due_s * interval '1 second', received_at + interval '24 hours',
             -- Reopened (重办): the redo's deadline runs from the first answer (kept below as the first round's).
             received_at + (CASE WHEN reopened THEN reply_s * 0.6 ELSE 0 END + reply_window_s) * interval '1 second',
             CASE WHEN status IN ('in_progress', 'replied', 'closed') THEN ack_at END,
             CASE WHEN status IN ('replied', 'closed') OR (status = 'in_progress' AND r_contact < 0.8) THEN contact_at END,
             CASE WHEN status IN ('replied', 'closed') THEN reply_at END,
             CASE WHEN status = 'closed' THEN close_at WHEN status IN ('returned', 'merged') THEN least(now(), received_at + interval '1 day') END,
             CASE WHEN status IN ('replied', 'closed') THEN '已处理，感谢您的反映。' END,
             CASE WHEN status IN ('new', 'assigned', 'in_progress') THEN received_at + least(ack_due_s, 86400) * interval '1 second' END,
             received_at, CASE WHEN extended THEN 1 ELSE 0 END, CASE WHEN reopened THEN 1 ELSE 0 END,
             CASE WHEN status = 'returned' THEN '不属于本单位职责' END,
             -- An SMS rating (a citizen's, some of them) says nothing of resolution.
             CASE WHEN evaluated THEN satisfaction END, CASE WHEN evaluated AND NOT (source = 'citizen' AND r_eval < 0.15) THEN resolved END,
             received_at, received_at,
             CASE WHEN reopened THEN received_at + reply_window_s * interval '1 second' END,
             CASE WHEN reopened THEN received_at + reply_s * 0.6 * interval '1 second' END
      FROM d
      RETURNING id, status, lead_department_id, replied_at, last_satisfaction, last_resolved, channel
    ), evals AS (
      INSERT INTO evaluations (case_id, source, reply_round, satisfaction, resolved, evaluated_at)
      SELECT id, CASE WHEN last_resolved IS NULL THEN 'citizen' WHEN channel = '12345' AND random() < 0.7 THEN '12345' ELSE 'citizen' END, 0,
             last_satisfaction::satisfaction, last_resolved::resolution, least(now(), replied_at + interval '1 day')
      FROM inserted WHERE last_satisfaction IS NOT NULL
      RETURNING 1
    ), co AS (
      INSERT INTO case_departments (case_id, department_id)
      SELECT id, (ARRAY[${ref.partners.join(',')}])[1 + floor(random() * ${ref.partners.length})::int]
      FROM inserted WHERE lead_department_id IS NOT NULL AND random() < 0.08
      ON CONFLICT DO NOTHING
      RETURNING 1
    )
    SELECT (SELECT count(*) FROM inserted)::int AS cases, (SELECT count(*) FROM evals)::int AS evaluations`;
}

/** A progress bar on stderr (a line per 10 % when stderr is not a terminal). */
export function progressBar(label: string, total: number) {
  const started = performance.now();
  let lastDecile = -1;
  return {
    update(done: number) {
      const share = total > 0 ? done / total : 1;
      const seconds = (performance.now() - started) / 1000;
      const rate = seconds > 0 ? Math.round(done / seconds) : 0;
      const eta = rate > 0 ? Math.round((total - done) / rate) : 0;
      const text = `${label} ${(share * 100).toFixed(0).padStart(3)}% ${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')} ${seconds.toFixed(1)}s ${rate.toLocaleString('en-US')}/s eta ${eta}s`;
      if (process.stderr.isTTY) {
        const width = 30;
        const filled = Math.round(share * width);
        process.stderr.write(`\r[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${text}  `);
        if (done >= total) process.stderr.write('\n');
      } else if (Math.floor(share * 10) > lastDecile) {
        lastDecile = Math.floor(share * 10);
        process.stderr.write(`${text}\n`);
      }
    },
  };
}

async function reference(sql: postgres.Sql): Promise<Ref> {
  const stations = await sql<{ id: number; code: string }[]>`SELECT id, code FROM stations`;
  const categories = await sql<{ id: number; code: string; default_department_id: number | null }[]>`SELECT id, code, default_department_id FROM categories`;
  const locations = await sql<{ id: number; station_id: number }[]>`SELECT id, station_id FROM locations ORDER BY id`;
  const partners = await sql<{ id: number }[]>`SELECT id FROM departments WHERE is_partner ORDER BY id`;
  const byStation = new Map<number, number[]>();
  for (const l of locations) byStation.set(l.station_id, [...(byStation.get(l.station_id) ?? []), l.id]);
  return {
    stations: new Map(stations.map((s) => [s.code, s.id])),
    categories: new Map(categories.map((c) => [c.code, { id: c.id, department: c.default_department_id }])),
    locations: byStation,
    partners: partners.map((p) => p.id),
  };
}

/** Adds `cases` generated cases to a migrated, seeded database, then folds them into the rollups. */
export async function seedCases(databaseUrl: string, options: { cases: number; log?: (m: string) => void }): Promise<SeedResult> {
  const log = options.log ?? ((m: string) => console.error(m));
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  let result: SeedResult;
  try {
    const ref = await reference(sql);
    // Numbers go on from what an earlier seed of this database left.
    const [last] = await sql<{ n: number }[]>`SELECT coalesce(max(substring(tracking_code FROM 2)::bigint), 0)::int AS n FROM cases WHERE tracking_code ~ '^s[0-9]{9}$'`;
    const start = last?.n ?? 0;
    try {
      await sql`SET session_replication_role = replica`;
    } catch {
      log('seed: no superuser rights, seeding with triggers on (slower)');
    }
    await sql`SELECT setseed(0.20260301)`;
    const t0 = performance.now();
    const bar = progressBar('seed  cases', options.cases);
    let cases = 0;
    let evaluations = 0;
    for (let done = 0; done < options.cases; done += CHUNK) {
      const count = Math.min(CHUNK, options.cases - done);
      const [row] = await sql.unsafe<{ cases: number; evaluations: number }[]>(chunkSql(ref, start + done, count));
      cases += row!.cases;
      evaluations += row!.evaluations;
      bar.update(done + count);
    }
    await sql`SET session_replication_role = DEFAULT`;
    await sql`ANALYZE cases, evaluations, case_departments`;
    const seedSeconds = (performance.now() - t0) / 1000;
    log(`seed: ${cases.toLocaleString('en-US')} cases, ${evaluations.toLocaleString('en-US')} evaluations in ${seedSeconds.toFixed(1)} s`);

    const folded = await foldAll(databaseUrl, cases);
    const [sizes] = await sql<{ daily: number; times: number; facts: number; mb: number }[]>`
      SELECT (SELECT count(*) FROM stats_daily)::int AS daily, (SELECT count(*) FROM stats_times)::int AS times,
             (SELECT count(*) FROM case_stat_facts)::int AS facts,
             ((pg_total_relation_size('stats_daily') + pg_total_relation_size('stats_times')) / 1048576.0)::float8 AS mb`;
    result = {
      cases,
      evaluations,
      seedSeconds,
      foldSeconds: folded.seconds,
      foldBatches: folded.batches,
      rollups: { statsDaily: sizes!.daily, statsTimes: sizes!.times, facts: sizes!.facts, sizeMb: Math.round(sizes!.mb * 10) / 10 },
    };
  } finally {
    await sql.end({ timeout: 5 });
  }
  log(
    `fold: ${result.foldBatches} batches in ${result.foldSeconds.toFixed(1)} s; rollups: stats_daily ${result.rollups.statsDaily.toLocaleString('en-US')} rows, stats_times ${result.rollups.statsTimes.toLocaleString('en-US')} rows (${result.rollups.sizeMb} MB), facts ${result.rollups.facts.toLocaleString('en-US')}`,
  );
  return result;
}

/** Runs the real fold until nothing is dirty, with a progress bar, then compacts and analyses the rollups. */
async function foldAll(databaseUrl: string, expected: number): Promise<{ seconds: number; batches: number }> {
  const handle = connectPostgres(databaseUrl, { max: 1 });
  const ctx = {
    db: handle.db,
    clock: systemClock,
    config: loadConfig({ DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent' }),
    logger: createLogger('silent'),
    reference: createReferenceCache(),
    requestId: 'bench-seed',
    lang: 'zh-CN' as const,
  };
  const t0 = performance.now();
  const bar = progressBar('fold  cases', expected);
  let batches = 0;
  try {
    for (;;) {
      const r = await foldStats(ctx, { batchSize: 20_000, maxBatches: 1_000_000, onBatch: (total) => bar.update(Math.min(expected, total.folded)) });
      batches += r.batches;
      if (!r.busy) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    bar.update(expected);
    const seconds = (performance.now() - t0) / 1000;
    // Folding a year at once rewrites each rollup row once per batch: compact them, as rollups
    // grown a case at a time (autovacuum keeping up) would be, so the reads measure the data.
    await handle.db.execute(dsql`VACUUM (FULL, ANALYZE) stats_daily, stats_times`);
    await handle.db.execute(dsql`VACUUM (ANALYZE) case_stat_facts, cases`);
    return { seconds, batches };
  } finally {
    await handle.close();
  }
}

async function main() {
  const cases = Number(process.env.BENCH_SEED_CASES ?? 1_000_000);
  if (!Number.isInteger(cases) || cases < 1) throw new Error(`BENCH_SEED_CASES=${process.env.BENCH_SEED_CASES}: expected a positive integer`);
  let url = process.env.DATABASE_URL;
  if (url) {
    const handle = connectPostgres(url, { max: 1 });
    await migrate(handle);
    await seedReference(handle.db);
    await handle.close();
  } else {
    const options = readOptions();
    console.error(`seed: recreating ${options.databaseName}`);
    await freshBenchDatabase(options);
    url = options.databaseUrl;
  }
  const result = await seedCases(url, { cases });
  console.log(JSON.stringify({ database: new URL(url).pathname.slice(1), ...result }, null, 2));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((err: unknown) => {
    console.error('seed failed:', err);
    process.exitCode = 1;
  });
}
