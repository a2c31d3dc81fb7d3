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
import { recordFeedEvaluation } from '../../api/domain/feed12345/evaluation.ts';
import type { Staff } from '../../api/domain/staff/session.ts';
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
 * dissatisfied ones that reopen) — with small folds after random subsets of
 * steps. The recomputation below is a plain GROUP BY written for this test,
 * reading the latest evaluation from the evaluations table itself.
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

const VERBS = ['assign', 'acknowledge', 'contact', 'reply', 'close', 'reopen', 'merge', 'return', 'extend', 'decide', 'evaluate', 'evaluate12345', 'recategorize'] as const;
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
    ['extend', 1],
    ['decide', 1],
    ['merge', 1],
  ],
  in_progress: [
    ['contact', 3],
    ['reply', 4],
    ['extend', 1],
    ['decide', 1],
    ['assign', 1],
    ['merge', 1],
    ['recategorize', 1],
  ],
  replied: [
    ['close', 4],
    ['evaluate', 3],
    ['evaluate12345', 2],
    ['reopen', 1],
  ],
  closed: [
    ['evaluate', 3],
    ['evaluate12345', 2],
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
              input: { ...base, reason: '需要协调', newDueAt: new Date(new Date(due!.reply_due_at).getTime() + (1 + r.int(10)) * 86_400_000) },
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
          case 'evaluate12345':
            if (!c.orderNo) {
              did = false;
              break;
            }
            await recordFeedEvaluation({
              ctx: ctx(),
              input: { orderNo: c.orderNo, satisfaction: r.pick(SATISFACTIONS), resolved: r.pick(RESOLUTIONS), evaluatedAt: new Date(clock.now().getTime() - r.int(600) * 60_000) },
            });
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

/** A from-scratch recomputation of what the rollups must hold, straight from cases and evaluations. */
const RECOMPUTE = sql`
  WITH latest AS (
    SELECT DISTINCT ON (case_id) case_id, satisfaction::text AS sat, resolved::text AS res
    FROM evaluations ORDER BY case_id, evaluated_at DESC, id DESC
  ), c AS (
    SELECT cs.*, l.sat, l.res, (cs.received_at AT TIME ZONE 'Asia/Shanghai')::date AS local_day
    FROM cases cs LEFT JOIN latest l ON l.case_id = cs.id
    WHERE cs.status <> 'merged'
  ), per_station AS (
    SELECT c.*, v.dim, v.value FROM c CROSS JOIN LATERAL (VALUES
      ('total', 'all'), ('channel', c.channel::text), ('kind', c.kind::text), ('category', c.category_id::text),
      ('department', coalesce(c.lead_department_id::text, 'none')), ('location', coalesce(c.location_id::text, 'none')),
      ('category_location', c.category_id || '|' || coalesce(c.location_id::text, 'none'))) AS v(dim, value)
  ), d AS (
    -- Station 0 is all stations, for the dimensions whose value is not at one station.
    SELECT per_station.*, station_id AS station FROM per_station
    UNION ALL
    SELECT per_station.*, 0 FROM per_station WHERE dim NOT IN ('location', 'category_location')
  )`;

async function expectRollupsEqualRecomputation(label: string) {
  const ctx = jobContext(t, clock);
  await foldStats(ctx, { batchSize: 50, maxBatches: 10_000 });
  expect(await pendingCases(ctx), label).toBe(0);
  const line = (r: Record<string, unknown>) => Object.values(r).map(String).join(' ');
  const expectedDaily = rowsOf<Record<string, unknown>>(
    await t.db.execute(sql`${RECOMPUTE}
      SELECT dim, local_day::text AS day, station, value,
             count(*) AS received,
             count(*) FILTER (WHERE status = 'returned') AS returned,
             count(*) FILTER (WHERE status = 'closed') AS closed,
             count(*) FILTER (WHERE status = 'closed' AND closed_at <= reply_due_at) AS closed_on_time,
             count(*) FILTER (WHERE lead_department_id IS NOT NULL) AS assigned,
             count(*) FILTER (WHERE lead_department_id IS NOT NULL AND acknowledged_at <= ack_due_at) AS acknowledged_on_time,
             count(*) FILTER (WHERE sat IS NOT NULL) AS evaluated,
             count(*) FILTER (WHERE res = 'yes') AS resolved,
             count(*) FILTER (WHERE sat IN ('very_satisfied', 'satisfied', 'basic')) AS satisfied
      FROM d GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4`),
  ).map(line);
  const actualDaily = rowsOf<Record<string, unknown>>(
    await t.db.execute(sql`
      SELECT dim, day::text AS day, station_id, value, received, returned, closed, closed_on_time, assigned,
             acknowledged_on_time, evaluated, resolved, satisfied
      FROM stats_daily
      WHERE received <> 0 OR returned <> 0 OR closed <> 0 OR closed_on_time <> 0 OR assigned <> 0
         OR acknowledged_on_time <> 0 OR evaluated <> 0 OR resolved <> 0 OR satisfied <> 0
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
      WHERE m.s IS NOT NULL AND dim <> 'category_location'
      GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6`),
  ).map(line);
  const actualTimes = rowsOf<Record<string, unknown>>(
    await t.db.execute(sql`
      SELECT dim, month::text AS month, station_id, value, metric, bucket, count AS n FROM stats_times
      WHERE count <> 0 ORDER BY 1, 2, 3, 4, 5, 6`),
  ).map(line);
  expect(actualTimes, label).toEqual(expectedTimes);
  // Facts, stored per case, add up to the rollups too (the days at a range's ends are read from them).
  const [negatives] = rowsOf<{ n: number }>(await t.db.execute(sql`SELECT count(*)::int AS n FROM stats_daily WHERE received < 0 OR closed < 0 OR evaluated < 0`));
  expect(Number(negatives!.n), label).toBe(0);
}

describe('the stats fold', () => {
  for (const seed of [1, 2, 3]) {
    it(`random history ${seed}: rollups folded piecemeal equal a recomputation from scratch`, async () => {
      const { known, tried } = await runHistory(seed, 260, [90, 180, 260]);
      expect(known.length).toBeGreaterThan(40);
      // The history did exercise what it claims to.
      for (const verb of ['assign', 'acknowledge', 'reply', 'close', 'reopen', 'merge', 'return', 'decide', 'evaluate', 'recategorize']) {
        expect(tried[verb] ?? 0, `${verb} never succeeded`).toBeGreaterThan(0);
      }
      const [shape] = rowsOf<Record<string, number>>(
        await t.db.execute(sql`
          SELECT count(*) FILTER (WHERE status = 'merged')::int AS merged, count(*) FILTER (WHERE status = 'returned')::int AS returned,
                 count(*) FILTER (WHERE reopen_count > 0)::int AS reopened, count(*) FILTER (WHERE extension_count > 0)::int AS extended,
                 (SELECT count(*)::int FROM evaluations WHERE source = '12345') AS feed_evaluations
          FROM cases`),
      );
      expect(shape, JSON.stringify(shape)).toMatchObject({ merged: expect.any(Number) });
      for (const key of ['merged', 'returned', 'reopened', 'extended']) expect(Number(shape![key]), key).toBeGreaterThan(0);
    }, 120_000);
  }

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
