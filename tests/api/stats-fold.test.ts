import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Ctx } from '../../api/context.ts';
import { acknowledge } from '../../api/domain/cases/acknowledge.ts';
import { assign } from '../../api/domain/cases/assign.ts';
import { close } from '../../api/domain/cases/close.ts';
import { contact } from '../../api/domain/cases/contact.ts';
import { createCase } from '../../api/domain/cases/create.ts';
import { decideExtension } from '../../api/domain/cases/decide-extension.ts';
import { evaluateCase } from '../../api/domain/cases/evaluate.ts';
import { requestExtension } from '../../api/domain/cases/extend.ts';
import { merge } from '../../api/domain/cases/merge.ts';
import { recategorize } from '../../api/domain/cases/recategorize.ts';
import { reopen } from '../../api/domain/cases/reopen.ts';
import { reply } from '../../api/domain/cases/reply.ts';
import { returnCase } from '../../api/domain/cases/return.ts';
import { addDays, shanghaiDate } from '../../api/domain/deadlines/shanghai-time.ts';
import { recordFeedEvaluation } from '../../api/domain/feed12345/evaluation.ts';
import type { Staff } from '../../api/domain/staff/session.ts';
import { type Figures, figuresOf, readGroups } from '../../api/domain/stats/figures.ts';
import { foldStats, pendingCases, rowsOf } from '../../api/domain/stats/fold.ts';
import { DomainError } from '../../api/errors.ts';
import { CATEGORIES, DEPARTMENTS, LOCATIONS, STATIONS } from '../../db/seed/reference.ts';
import { fixedClock, jobContext, useTestApp } from '../helpers/app.ts';
import { onPostgres } from '../helpers/db.ts';
import { makeStaff } from '../helpers/staff.ts';

/*
 * The property: whatever happens to the cases, and however the fold is cut
 * into pieces, the rollups equal a from-scratch recomputation over the cases.
 * Random histories (a seeded PRNG) go through the real domain verbs — filing
 * on every channel, assign and reassign with co-handling, acknowledge,
 * contact, reply, close, reopen, merge, return, extensions approved and
 * refused, recategorization, evaluations by citizens and by 12345 (including
 * dissatisfied ones that reopen), SMS ratings that leave resolution unknown,
 * ratings the 12345 platform excludes on appeal (核减) — with small folds after
 * random subsets of steps, and deadlines both behind and ahead of the clock.
 * The recomputation below is a plain GROUP BY written for this test from the
 * published definitions, reading the latest rating not excluded from the
 * evaluations table itself; the rates as read at a moment (running clocks left
 * out) are recomputed the same way, at two moments.
 */
const clock = fixedClock('2026-01-27T09:00:00+08:00');
const t = useTestApp({ clock, isolated: true });

/** mulberry32: small, seedable, good enough to pick steps. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let r = Math.imul(a ^ (a >>> 15), 1 | a);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    pick: <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]!,
    chance: (p: number) => next() < p,
  };
}

let dispatcher: Staff;
const handlers = new Map<number, Staff>();

beforeAll(async () => {
  const asStaff = (row: Awaited<ReturnType<typeof makeStaff>>): Staff => ({ id: row.id, email: row.email, name: row.name, role: row.role, departmentId: row.departmentId });
  dispatcher = asStaff(await makeStaff(t.db, 'dispatcher'));
  for (const d of DEPARTMENTS) {
    const h = asStaff(await makeStaff(t.db, 'handler', d.code));
    handlers.set(h.departmentId!, h);
  }
});

interface Known {
  id: string;
  trackingCode: string;
  phone4: string;
  orderNo: string | null;
}

type Row = { id: string; status: string; version: number; lead_department_id: number | null };

async function state(id: string): Promise<Row> {
  return rowsOf<Row>(await t.db.execute(sql`SELECT id, status, version, lead_department_id FROM cases WHERE id = ${id}::uuid`))[0]!;
}

const VERBS = [
  'assign',
  'acknowledge',
  'contact',
  'reply',
  'close',
  'reopen',
  'merge',
  'return',
  'extend',
  'decide',
  'evaluate',
  'evaluateSms',
  'evaluate12345',
  'exclude',
  'recategorize',
] as const;
type Verb = (typeof VERBS)[number] | 'file';
const NEXT: Record<string, Array<[(typeof VERBS)[number], number]>> = {
  new: [
    ['assign', 6],
    ['return', 1],
    ['merge', 1],
    ['recategorize', 1],
  ],
  assigned: [
    ['acknowledge', 5],
    ['assign', 1],
    ['return', 1],
    ['extend', 2],
    ['decide', 1],
    ['merge', 1],
  ],
  in_progress: [
    ['contact', 3],
    ['reply', 4],
    ['extend', 2],
    ['decide', 1],
    ['assign', 1],
    ['merge', 1],
    ['recategorize', 1],
  ],
  replied: [
    ['close', 4],
    ['evaluate', 2],
    ['evaluateSms', 3],
    ['evaluate12345', 2],
    ['exclude', 2],
    ['reopen', 1],
  ],
  closed: [
    ['evaluate', 3],
    ['evaluateSms', 3],
    ['evaluate12345', 2],
    ['exclude', 3],
    ['reopen', 2],
  ],
};
function weighted(r: ReturnType<typeof prng>, choices: Array<[(typeof VERBS)[number], number]>): (typeof VERBS)[number] {
  if (!choices.length) return r.pick(VERBS);
  let x = r.next() * choices.reduce((n, [, w]) => n + w, 0);
  for (const [verb, w] of choices) if ((x -= w) < 0) return verb;
  return choices.at(-1)![0];
}

const KINDS = ['consult', 'help', 'complaint', 'report', 'suggestion'] as const;
const CHANNELS = ['web', 'sms', '12345', 'phone', 'walk_in', 'box', 'petition', 'open311'] as const;
const SATISFACTIONS = ['very_satisfied', 'satisfied', 'basic', 'dissatisfied'] as const;
const RESOLUTIONS = ['yes', 'partial', 'no'] as const;

async function runHistory(seed: number, steps: number, checkpoints: number[]) {
  const r = prng(seed);
  const known: Known[] = [];
  let counter = 0;
  const ctx = (): Ctx => {
    const base = jobContext(t, clock);
    // Half the time a dissatisfied evaluation reopens the case (重办), half the time it flags it.
    return { ...base, config: { ...base.config, dissatisfiedAction: r.chance(0.5) ? 'reopen' : 'flag' } };
  };
  const tried: Record<string, number> = {};
  /** The 12345 platform accepts an appeal (核减) of one of the case's ratings, mostly the latest. */
  const exclude = async (caseId: string) => {
    const excluded = await t.db.execute(sql`
      UPDATE evaluations SET excluded_at = ${clock.now().toISOString()}::timestamptz
      WHERE id = (SELECT id FROM evaluations WHERE case_id = ${caseId}::uuid AND excluded_at IS NULL ORDER BY ${r.chance(0.7) ? sql`evaluated_at DESC` : sql`evaluated_at`}, id LIMIT 1)
      RETURNING id`);
    return rowsOf(excluded).length > 0;
  };
  for (let step = 1; step <= steps; step++) {
    clock.advance((1 + r.int(r.chance(0.8) ? 240 : 2400)) * 60_000);
    // A case (recent ones more often), then a verb that mostly fits its state; now and then one that does not.
    const c = known.length ? known[Math.max(0, known.length - 1 - Math.floor(known.length * r.next() ** 2))]! : undefined;
    const row = c ? await state(c.id) : undefined;
    const verb: Verb = !c || !row || r.chance(0.2) ? 'file' : r.chance(0.1) ? r.pick(VERBS) : weighted(r, NEXT[row.status] ?? []);
    let did = true;
    try {
      if (verb === 'file' || !c || !row) {
        counter++;
        const station = r.pick(STATIONS).code;
        const channel = r.pick(CHANNELS);
        const orderNo = channel === '12345' ? `P${seed}-${counter}` : null;
        const phone = `139${String(seed * 100_000 + counter).padStart(8, '0')}`.slice(0, 11);
        const created = await createCase({
          ctx: ctx(),
          input: {
            station,
            kind: r.pick(KINDS),
            category: r.pick(CATEGORIES).code,
            location: r.chance(0.8) ? r.pick(LOCATIONS[station]!).code : undefined,
            description: `随机历史 ${seed}-${counter}`,
            phone,
            lang: 'zh-CN',
            channel,
            // Received up to two days before it is entered: histories cross days and the month's end.
            receivedAt: new Date(clock.now().getTime() - r.int(48 * 60) * 60_000),
            ...(orderNo ? { externalRef: orderNo } : {}),
          },
        });
        known.push({ id: created.id, trackingCode: created.trackingCode, phone4: phone.slice(-4), orderNo });
      } else {
        const lead = row.lead_department_id === null ? undefined : handlers.get(row.lead_department_id);
        const base = { caseId: c.id, version: row.version };
        switch (verb) {
          case 'assign': {
            const leadCode = DEPARTMENTS[r.int(DEPARTMENTS.length)]!.code;
            await assign({ ctx: ctx(), staff: dispatcher, input: { ...base, leadDepartment: leadCode, coDepartments: r.chance(0.3) ? [r.pick(DEPARTMENTS).code] : [] } });
            break;
          }
          case 'acknowledge':
            if (!lead) {
              did = false;
              break;
            }
            await acknowledge({ ctx: ctx(), staff: lead, input: base });
            break;
          case 'contact':
            if (!lead) {
              did = false;
              break;
            }
            await contact({ ctx: ctx(), staff: lead, input: { ...base, method: 'phone' } });
            break;
          case 'reply':
            if (!lead) {
              did = false;
              break;
            }
            await reply({ ctx: ctx(), staff: lead, input: { ...base, text: '已处理' } });
            // Often the caller answers the SMS survey at once: satisfaction only, resolution unknown.
            if (r.chance(0.2)) {
              await evaluateCase({ ctx: ctx(), input: { trackingCode: c.trackingCode, phone4: c.phone4, satisfaction: r.pick(SATISFACTIONS), resolved: null, via: 'sms' } });
              tried.evaluateSms = (tried.evaluateSms ?? 0) + 1;
            }
            break;
          case 'close':
            await close({ ctx: ctx(), staff: dispatcher, input: base });
            break;
          case 'reopen':
            await reopen({ ctx: ctx(), staff: dispatcher, input: { ...base, reason: '市民不满意' } });
            break;
          case 'merge': {
            const master = r.pick(known);
            await merge({ ctx: ctx(), staff: dispatcher, input: { ...base, into: master.trackingCode } });
            break;
          }
          case 'return':
            await returnCase({ ctx: ctx(), staff: dispatcher, input: { ...base, reason: '不属于本单位职责' } });
            break;
          case 'extend': {
            if (!lead) {
              did = false;
              break;
            }
            const [due] = rowsOf<{ reply_due_at: string }>(await t.db.execute(sql`SELECT reply_due_at FROM cases WHERE id = ${c.id}::uuid`));
            await requestExtension({
              ctx: ctx(),
              staff: lead,
              // Asked before the deadline and within the office's limits (or refused, as a handler may be).
              input: { ...base, reason: '需要协调', newDueAt: new Date(new Date(due!.reply_due_at).getTime() + (1 + r.int(7)) * 86_400_000) },
            });
            // Mostly decided at once, approved or refused; otherwise it waits for a later 'decide'.
            if (r.chance(0.7)) {
              await decideExtension({ ctx: ctx(), staff: dispatcher, input: { caseId: c.id, version: (await state(c.id)).version, approve: r.chance(0.7) } });
              tried.decide = (tried.decide ?? 0) + 1;
            }
            break;
          }
          case 'decide':
            await decideExtension({ ctx: ctx(), staff: dispatcher, input: { ...base, approve: r.chance(0.7) } });
            break;
          case 'evaluate':
            await evaluateCase({ ctx: ctx(), input: { trackingCode: c.trackingCode, phone4: c.phone4, satisfaction: r.pick(SATISFACTIONS), resolved: r.pick(RESOLUTIONS) } });
            break;
          case 'evaluateSms':
            // An SMS rating is one digit of satisfaction: resolution unknown.
            await evaluateCase({ ctx: ctx(), input: { trackingCode: c.trackingCode, phone4: c.phone4, satisfaction: r.pick(SATISFACTIONS), resolved: null, via: 'sms' } });
            break;
          case 'exclude':
            did = await exclude(c.id);
            break;
          case 'evaluate12345':
            if (!c.orderNo) {
              did = false;
              break;
            }
            await recordFeedEvaluation({
              ctx: ctx(),
              input: { orderNo: c.orderNo, satisfaction: r.pick(SATISFACTIONS), resolved: r.pick(RESOLUTIONS), evaluatedAt: new Date(clock.now().getTime() - r.int(600) * 60_000) },
            });
            // Now and then the office appeals a 12345 rating, and the platform accepts.
            if (r.chance(0.4) && (await exclude(c.id))) tried.exclude = (tried.exclude ?? 0) + 1;
            break;
          case 'recategorize':
            await recategorize({ ctx: ctx(), staff: dispatcher, input: { ...base, category: r.pick(CATEGORIES).code, ...(r.chance(0.5) ? { kind: r.pick(KINDS) } : {}) } });
            break;
        }
      }
      if (did) tried[verb] = (tried[verb] ?? 0) + 1;
    } catch (err) {
      // A verb that does not fit the case's state is refused; that is part of a history too.
      if (!(err instanceof DomainError)) throw err;
    }
    // Fold a little, now and then: small batches, sometimes only one.
    if (r.chance(0.15)) await foldStats(jobContext(t, clock), { batchSize: 1 + r.int(7), maxBatches: 1 + r.int(3) });
    if (checkpoints.includes(step)) await expectRollupsEqualRecomputation(`seed ${seed}, step ${step}`);
  }
  return { known, tried };
}

/**
 * A from-scratch recomputation of what the rollups must hold, straight from cases and evaluations,
 * by the published definitions: each case counted on its received day (intake, closure, response,
 * first contact, evaluations), on its first reply deadline's day (on time) and, when reopened, on its
 * redo deadline's day (redo on time); merged cases nowhere, returned ones in no clock.
 */
const RECOMPUTE = sql`
  WITH latest AS (
    SELECT DISTINCT ON (case_id) case_id, satisfaction::text AS sat, resolved::text AS res
    FROM evaluations WHERE excluded_at IS NULL ORDER BY case_id, evaluated_at DESC, id DESC
  ), c AS (
    SELECT cs.*, l.sat, l.res, cs.status <> 'returned' AS clocked,
           -- The first round: kept at the first reopening, else the current one.
           CASE WHEN cs.first_reply_due_at IS NULL THEN cs.reply_due_at ELSE cs.first_reply_due_at END AS first_due,
           CASE WHEN cs.first_reply_due_at IS NULL THEN cs.replied_at ELSE cs.first_replied_at END AS first_answer
    FROM cases cs LEFT JOIN latest l ON l.case_id = cs.id
    WHERE cs.status <> 'merged'
  ), roles AS (
    SELECT c.*, 'received' AS role, (received_at AT TIME ZONE 'Asia/Shanghai')::date AS local_day FROM c
    UNION ALL
    SELECT c.*, 'due', ((first_due - interval '1 microsecond') AT TIME ZONE 'Asia/Shanghai')::date FROM c WHERE clocked
    UNION ALL
    SELECT c.*, 'redo', ((reply_due_at - interval '1 microsecond') AT TIME ZONE 'Asia/Shanghai')::date FROM c WHERE clocked AND first_reply_due_at IS NOT NULL
  ), per_station AS (
    SELECT roles.*, v.dim, v.value FROM roles CROSS JOIN LATERAL (VALUES
      ('total', 'all'), ('channel', roles.channel::text), ('kind', roles.kind::text), ('category', roles.category_id::text),
      ('department', coalesce(roles.lead_department_id::text, 'none')), ('location', coalesce(roles.location_id::text, 'none')),
      ('category_location', roles.category_id || '|' || coalesce(roles.location_id::text, 'none')),
      -- The first reply against its deadline, on the deadline's day only (times in whole seconds, as stored).
      ('reply_margin', CASE WHEN role = 'due' THEN CASE
        WHEN first_reply_due_at IS NOT NULL THEN 'reopened'
        WHEN replied_at IS NULL THEN 'unanswered'
        WHEN replied_at <= reply_due_at THEN CASE WHEN received_at + stats_seconds(received_at, replied_at) * interval '1 second' < reply_due_at - interval '2 days' THEN 'early' ELSE 'last2d' END
        WHEN received_at + stats_seconds(received_at, replied_at) * interval '1 second' <= reply_due_at + interval '1 day' THEN 'late1d'
        ELSE 'later' END END)) AS v(dim, value)
    WHERE v.value IS NOT NULL
  ), d AS (
    -- Station 0 is all stations, for the dimensions whose value is not at one station.
    SELECT per_station.*, station_id AS station FROM per_station
    UNION ALL
    SELECT per_station.*, 0 FROM per_station WHERE dim NOT IN ('location', 'category_location')
  )`;

/** The counts of a set of role rows (alias d) as of a moment: a clock not met with its deadline ahead is running. */
const countsAt = (now: string) => sql`
  count(*) FILTER (WHERE role = 'received') AS received,
  count(*) FILTER (WHERE role = 'received' AND status = 'returned') AS returned,
  count(*) FILTER (WHERE role = 'received' AND status = 'closed') AS closed,
  count(*) FILTER (WHERE role = 'due' AND NOT (first_answer IS NULL AND first_due > ${now}::timestamptz)) AS due,
  count(*) FILTER (WHERE role = 'due' AND first_answer <= first_due) AS due_on_time,
  count(*) FILTER (WHERE role = 'due' AND first_answer IS NULL AND first_due > ${now}::timestamptz) AS due_running,
  count(*) FILTER (WHERE role = 'redo' AND NOT (replied_at IS NULL AND reply_due_at > ${now}::timestamptz)) AS redo_due,
  count(*) FILTER (WHERE role = 'redo' AND replied_at <= reply_due_at) AS redo_on_time,
  count(*) FILTER (WHERE role = 'redo' AND replied_at IS NULL AND reply_due_at > ${now}::timestamptz) AS redo_running,
  count(*) FILTER (WHERE role = 'received' AND clocked AND NOT (acknowledged_at IS NULL AND ack_due_at > ${now}::timestamptz)) AS ack_due,
  count(*) FILTER (WHERE role = 'received' AND clocked AND acknowledged_at <= ack_due_at) AS ack_on_time,
  count(*) FILTER (WHERE role = 'received' AND clocked AND acknowledged_at IS NULL AND ack_due_at > ${now}::timestamptz) AS ack_running,
  count(*) FILTER (WHERE role = 'received' AND clocked AND NOT (contacted_at IS NULL AND received_at + interval '1 day' > ${now}::timestamptz)) AS contact_due,
  count(*) FILTER (WHERE role = 'received' AND clocked AND contacted_at - received_at <= interval '24 hours') AS contact_within,
  count(*) FILTER (WHERE role = 'received' AND clocked AND contacted_at IS NULL AND received_at + interval '1 day' > ${now}::timestamptz) AS contact_running,
  count(*) FILTER (WHERE role = 'received' AND sat IS NOT NULL) AS evaluated,
  count(*) FILTER (WHERE role = 'received' AND sat IS NOT NULL AND res IS NOT NULL) AS resolution_known,
  count(*) FILTER (WHERE role = 'received' AND res = 'yes') AS resolved,
  count(*) FILTER (WHERE role = 'received' AND sat IN ('very_satisfied', 'satisfied', 'basic')) AS satisfied`;

/** The same counts as the read gives them (figuresOf), in countsAt's order. */
const readCounts = (f: Figures) => [
  f.received,
  f.returned,
  f.closed,
  f.due,
  f.dueOnTime,
  f.dueRunning,
  f.redoDue,
  f.redoOnTime,
  f.redoRunning,
  f.ackDue,
  f.ackOnTime,
  f.ackRunning,
  f.contactDue,
  f.contactWithin24h,
  f.contactRunning,
  f.evaluated,
  f.resolutionKnown,
  f.resolved,
  f.satisfied,
];

/** The figures as read for a range at a moment, against the recomputation at that moment: ungrouped, by department and by month. */
async function expectReadsEqualRecomputation(label: string, range: { from: string; to: string }, at: Date) {
  const ctx = jobContext(t, fixedClock(at));
  for (const groupBy of [null, 'department', 'month'] as const) {
    const value = groupBy === 'department' ? sql.raw(`coalesce(lead_department_id::text, 'none')`) : groupBy === 'month' ? sql.raw(`to_char(local_day, 'YYYY-MM')`) : sql.raw(`'all'`);
    const expected = rowsOf<Record<string, unknown>>(
      await t.db.execute(sql`${RECOMPUTE}
        SELECT ${value} AS value, ${countsAt(at.toISOString())}
        FROM d WHERE dim = 'total' AND station = 0 AND local_day BETWEEN ${range.from}::date AND ${range.to}::date
        GROUP BY 1`),
    )
      .map((r) => `${String(r.value)}: ${Object.values(r).slice(1).map(Number).join(' ')}`)
      .sort();
    const groups = await readGroups(ctx, range, null, groupBy);
    const actual = groups.map((g) => `${g.value}: ${readCounts(figuresOf(g)).join(' ')}`).sort();
    expect(actual, `${label}, ${range.from}…${range.to} at ${at.toISOString()}, by ${groupBy ?? 'nothing'}`).toEqual(expected);
  }
}

async function expectRollupsEqualRecomputation(label: string) {
  const ctx = jobContext(t, clock);
  await foldStats(ctx, { batchSize: 50, maxBatches: 10_000 });
  expect(await pendingCases(ctx), label).toBe(0);
  const line = (r: Record<string, unknown>) => Object.values(r).map(String).join(' ');
  const expectedDaily = rowsOf<Record<string, unknown>>(
    await t.db.execute(sql`${RECOMPUTE}
      SELECT dim, local_day::text AS day, station, value,
             count(*) FILTER (WHERE role = 'received') AS received,
             count(*) FILTER (WHERE role = 'received' AND status = 'returned') AS returned,
             count(*) FILTER (WHERE role = 'received' AND status = 'closed') AS closed,
             count(*) FILTER (WHERE role = 'received' AND sat IS NOT NULL) AS evaluated,
             count(*) FILTER (WHERE role = 'received' AND sat IS NOT NULL AND res IS NOT NULL) AS resolution_known,
             count(*) FILTER (WHERE role = 'received' AND res = 'yes') AS resolved,
             count(*) FILTER (WHERE role = 'received' AND sat IN ('very_satisfied', 'satisfied', 'basic')) AS satisfied,
             -- Every clock, running or not (the read subtracts the running ones), and those met.
             count(*) FILTER (WHERE role = 'received' AND clocked) AS ack_due,
             count(*) FILTER (WHERE role = 'received' AND clocked AND acknowledged_at <= ack_due_at) AS ack_met,
             count(*) FILTER (WHERE role = 'received' AND clocked) AS contact_due,
             count(*) FILTER (WHERE role = 'received' AND clocked AND contacted_at - received_at <= interval '24 hours') AS contact_met,
             count(*) FILTER (WHERE role = 'due') AS due,
             count(*) FILTER (WHERE role = 'due' AND first_answer <= first_due) AS due_met,
             count(*) FILTER (WHERE role = 'redo') AS redo_due,
             count(*) FILTER (WHERE role = 'redo' AND replied_at <= reply_due_at) AS redo_met
      FROM d GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4`),
  ).map(line);
  const actualDaily = rowsOf<Record<string, unknown>>(
    await t.db.execute(sql`
      SELECT dim, day::text AS day, station_id, value, received, returned, closed, evaluated, resolution_known, resolved, satisfied,
             ack_due, ack_met, contact_due, contact_met, due, due_met, redo_due, redo_met
      FROM stats_daily
      WHERE received <> 0 OR returned <> 0 OR closed <> 0 OR evaluated <> 0 OR resolution_known <> 0 OR resolved <> 0 OR satisfied <> 0
         OR ack_due <> 0 OR ack_met <> 0 OR contact_due <> 0 OR contact_met <> 0 OR due <> 0 OR due_met <> 0 OR redo_due <> 0 OR redo_met <> 0
      ORDER BY 1, 2, 3, 4`),
  ).map(line);
  expect(actualDaily, label).toEqual(expectedDaily);
  expect(actualDaily.length, label).toBeGreaterThan(0);

  const seconds = (column: string) => sql.raw(`CASE WHEN ${column} IS NOT NULL THEN greatest(0, floor(extract(epoch FROM ${column} - received_at)))::int END`);
  const expectedTimes = rowsOf<Record<string, unknown>>(
    await t.db.execute(sql`${RECOMPUTE}
      SELECT dim, date_trunc('month', local_day)::date::text AS month, station, value, m.metric, stats_bucket(m.s) AS bucket, count(*) AS n
      FROM d CROSS JOIN LATERAL (VALUES
        ('ack', ${seconds('acknowledged_at')}), ('contact', ${seconds('contacted_at')}), ('reply', ${seconds('replied_at')}),
        ('close', CASE WHEN status = 'closed' THEN ${seconds('closed_at')} END)) AS m(metric, s)
      WHERE m.s IS NOT NULL AND dim <> 'category_location' AND role = 'received'
      GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6`),
  ).map(line);
  const actualTimes = rowsOf<Record<string, unknown>>(
    await t.db.execute(sql`
      SELECT dim, month::text AS month, station_id, value, metric, bucket, count AS n FROM stats_times
      WHERE count <> 0 ORDER BY 1, 2, 3, 4, 5, 6`),
  ).map(line);
  expect(actualTimes, label).toEqual(expectedTimes);
  // Facts, stored per case, add up to the rollups too (the days at a range's ends are read from them).
  const [negatives] = rowsOf<{ n: number }>(
    await t.db.execute(sql`SELECT count(*)::int AS n FROM stats_daily WHERE received < 0 OR closed < 0 OR evaluated < 0 OR due < 0 OR due_met < 0 OR redo_due < 0`),
  );
  expect(Number(negatives!.n), label).toBe(0);

  // The rates as read at a moment: now, and three days on (clocks running now have run out, with nothing folded).
  const now = clock.now();
  const today = shanghaiDate(now);
  for (const at of [now, new Date(now.getTime() + 3 * 86_400_000)]) {
    await expectReadsEqualRecomputation(label, { from: '2025-10-01', to: addDays(today, 60) }, at);
    await expectReadsEqualRecomputation(label, { from: addDays(today, -4), to: addDays(today, 6) }, at);
  }
}

describe('the stats fold', () => {
  const triedAll: Record<string, number> = {};
  for (const seed of [1, 2, 3]) {
    it(`random history ${seed}: rollups folded piecemeal equal a recomputation from scratch`, async () => {
      const { known, tried } = await runHistory(seed, 360, [120, 240, 360]);
      expect(known.length).toBeGreaterThan(40);
      // The history did exercise what it claims to.
      for (const [verb, n] of Object.entries(tried)) triedAll[verb] = (triedAll[verb] ?? 0) + n;
      for (const verb of ['assign', 'acknowledge', 'reply', 'close', 'reopen', 'merge', 'return', 'decide', 'recategorize']) {
        expect(tried[verb] ?? 0, `${verb} never succeeded`).toBeGreaterThan(0);
      }
      const [shape] = rowsOf<Record<string, number>>(
        await t.db.execute(sql`
          SELECT count(*) FILTER (WHERE status = 'merged')::int AS merged, count(*) FILTER (WHERE status = 'returned')::int AS returned,
                 count(*) FILTER (WHERE reopen_count > 0)::int AS reopened, count(*) FILTER (WHERE extension_count > 0)::int AS extended,
                 (SELECT count(*)::int FROM evaluations WHERE source = '12345') AS feed_evaluations,
                 (SELECT count(*)::int FROM evaluations) AS evaluations,
                 count(*) FILTER (WHERE first_reply_due_at IS NOT NULL)::int AS first_round_kept,
                 count(*) FILTER (WHERE status NOT IN ('merged', 'returned') AND replied_at IS NULL AND reply_due_at > ${clock.now().toISOString()}::timestamptz)::int AS running,
                 count(*) FILTER (WHERE status NOT IN ('merged', 'returned') AND replied_at IS NULL AND reply_due_at <= ${clock.now().toISOString()}::timestamptz)::int AS overdue
          FROM cases`),
      );
      expect(shape, JSON.stringify(shape)).toMatchObject({ merged: expect.any(Number) });
      for (const key of ['merged', 'returned', 'reopened', 'extended', 'first_round_kept', 'running', 'overdue', 'evaluations']) {
        expect(Number(shape![key]), key).toBeGreaterThan(0);
      }
    }, 180_000);
  }

  it('the histories between them had web ratings, SMS ratings (resolution unknown) and ratings excluded on appeal', () => {
    // Ratings need a replied case, which a history reaches only now and then: counted over the three.
    for (const verb of ['evaluate', 'evaluateSms', 'exclude']) expect(triedAll[verb] ?? 0, `${verb} never succeeded`).toBeGreaterThan(0);
  });

  it('a write after the fold marks the case again; the fold’s own clearing does not', async () => {
    const ctx = jobContext(t, clock);
    await foldStats(ctx, { maxBatches: 1000 });
    const [c] = rowsOf<{ id: string }>(await t.db.execute(sql`SELECT id FROM cases WHERE status <> 'merged' LIMIT 1`));
    await t.db.execute(sql`UPDATE cases SET overdue = overdue WHERE id = ${c!.id}::uuid`);
    expect(await pendingCases(ctx)).toBe(1);
    // Writing false over true by hand is the fold's move, and so is honoured; false over false is a write like any other.
    await foldStats(ctx);
    await t.db.execute(sql`UPDATE cases SET stats_dirty = false WHERE id = ${c!.id}::uuid`);
    expect(await pendingCases(ctx)).toBe(1);
    await foldStats(ctx);
    expect(await pendingCases(ctx)).toBe(0);
  });

  it.runIf(onPostgres())('two folds at once: one works, the other leaves it; a case locked by a verb waits for the next fold', async () => {
    const ctx = jobContext(t, clock);
    await foldStats(ctx, { maxBatches: 1000 });
    const rows = rowsOf<{ id: string }>(await t.db.execute(sql`SELECT id FROM cases WHERE status <> 'merged' ORDER BY id LIMIT 3`));
    for (const row of rows) await t.db.execute(sql`UPDATE cases SET overdue = overdue WHERE id = ${row.id}::uuid`);
    // Another connection holds the first case locked, as a verb's transaction does.
    let release!: () => void;
    let locked!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const lockTaken = new Promise<void>((resolve) => (locked = resolve));
    const locking = t.db.transaction(async (tx) => {
      await tx.execute(sql`SELECT id FROM cases WHERE id = ${rows[0]!.id}::uuid FOR UPDATE`);
      locked();
      await held;
    });
    // The folds start once the row is locked, not after a guessed pause.
    await Promise.race([lockTaken, locking]);
    const [a, b] = await Promise.all([foldStats(ctx), foldStats(ctx)]);
    expect([a.folded + b.folded, a.busy || b.busy || a.folded === 0 || b.folded === 0]).toEqual([2, true]);
    expect(await pendingCases(ctx)).toBe(1);
    release();
    await locking;
    expect((await foldStats(ctx)).folded).toBe(1);
    await expectRollupsEqualRecomputation('after the locked case');
  });
});
