import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { foldStats, rowsOf } from '../../api/domain/stats/fold.ts';
import { Meta } from '../../api/routes/public/schemas.ts';
import { Stats } from '../../api/routes/public/stats-schemas.ts';
import { DepartmentTable } from '../../api/routes/staff/stats.ts';
import { fixedClock, jobContext, useTestApp } from '../helpers/app.ts';
import { call, staffSession } from '../helpers/staff.ts';
import { ids, insertCase } from './stats-fixtures.ts';

/*
 * What the public figures page reads beyond the rates (#18): the real count of
 * open cases and whether the figures are being updated, the monthly trend, the
 * reply timing against the deadline, the small-sample bound on the staff table,
 * and the reply limits on /api/meta from the active deadline policies. A
 * database of its own: the open count counts every case.
 */
const NOW = '2026-06-15T10:00:00+08:00';
const clock = fixedClock(NOW);
const t = useTestApp({ clock, isolated: true });

const stats = async (query: string) => {
  const res = await t.app.request(`/api/stats?${query}`);
  expect(res.status, await res.clone().text()).toBe(200);
  return Stats.parse(await res.json());
};

beforeAll(async () => {
  const db = t.db;
  // Tianjin South (TJN), deadlines in May, each 240 h after receipt; reply offsets in hours.
  const may = (day: number, spec: Partial<Parameters<typeof insertCase>[1]>) =>
    insertCase(db, {
      station: 'TJN',
      category: 'parking',
      department: 'enf3',
      status: 'closed',
      receivedAt: `2026-05-${String(day).padStart(2, '0')}T10:00:00+08:00`,
      replyDue: 240,
      ack: 1,
      contact: 2,
      ...spec,
    });
  await may(1, { reply: 120, close: 130 }); // 5 days early
  await may(2, { reply: 190, close: 200 }); // 50 h early: more than two days
  await may(3, { reply: 200, close: 210 }); // 40 h early: within the last two days
  await may(4, { reply: 240, close: 250 }); // exactly at the deadline: on time, last two days
  await may(5, { reply: 250, close: 260 }); // 10 h late
  await may(6, { reply: 264, close: 270 }); // exactly one day late
  await may(7, { reply: 300, close: 310 }); // 60 h late
  await may(8, { status: 'in_progress', reply: undefined }); // never answered: overdue
  // Reopened: first round due 11 May, answered on time; the redo's deadline is later.
  await may(9, { status: 'in_progress', firstReplyDue: 48, firstReply: 40, replyDue: 600 });
  // Returned and merged cases have no clock.
  await may(10, { status: 'returned' });
  await may(11, { status: 'merged' });
  // June at TJN: one answered on time, one running (due 24 June), one overdue (due 14 June).
  await insertCase(db, { station: 'TJN', category: 'parking', department: 'enf3', status: 'replied', receivedAt: '2026-06-01T10:00:00+08:00', replyDue: 240, ack: 1, reply: 100 });
  await insertCase(db, { station: 'TJN', category: 'parking', department: 'enf3', status: 'in_progress', receivedAt: '2026-06-14T10:00:00+08:00', replyDue: 240, ack: 1 });
  await insertCase(db, { station: 'TJN', category: 'illegal_taxi', department: 'enf3', status: 'assigned', receivedAt: '2026-06-04T10:00:00+08:00', replyDue: 240, ack: 1 });
  // Beijing South (BJN): assigned half an hour ago, acknowledge clock (2 h) still running.
  await insertCase(db, { station: 'BJN', category: 'sanitation', department: 'environment', status: 'assigned', receivedAt: '2026-06-15T09:30:00+08:00' });
  await foldStats(jobContext(t, clock));
});

describe('GET /api/stats: open cases and whether the figures are being updated', () => {
  it('counts the cases open now, whatever the period, apart from the cases waiting for the fold', async () => {
    // Open at TJN: the unanswered May case, the reopened one and three in June (closed, returned, merged are not).
    const tjn = await stats('station=TJN&period=2026-05');
    expect(tjn.openCases).toBe(5);
    expect(tjn.pendingCases).toBe(0);
    const all = await stats('period=2026-05');
    expect(all.openCases).toBe(6);
  });

  it('says when the figures were last brought up to date while cases wait for the fold', async () => {
    const ref = await ids(t.db);
    await t.db.execute(sql`
      INSERT INTO job_runs (job, started_at, finished_at, ok, last_ok_at, runs)
      VALUES ('stats-fold', '2026-06-15T01:59:00Z', '2026-06-15T01:59:30Z', true, '2026-06-15T01:59:30Z', 7)
      ON CONFLICT (job) DO UPDATE SET last_ok_at = excluded.last_ok_at`);
    // More than one read folds by itself (200), all open, at Tianjin (TJ).
    await t.db.execute(sql`
      INSERT INTO cases (tracking_code, station_id, channel, kind, category_id, description, status, received_at, ack_due_at, contact_due_at, reply_due_at)
      SELECT 'p' || lpad(g::text, 9, '0'), ${ref.station('TJ')}, 'web', 'complaint', ${ref.category('signage')}, '标识不清 ' || g, 'new',
             timestamptz '2026-06-10 00:00:00+08' + g * interval '1 minute', now() + interval '1 year', now() + interval '1 year', now() + interval '1 year'
      FROM generate_series(1, 230) AS g`);
    const first = await stats('station=TJ');
    expect(first.pendingCases).toBe(30);
    expect(first.figuresUpdatedAt).toBe('2026-06-15T09:59:30+08:00');
    // The open count reads the cases, not the rollups: all 230 are open already.
    expect(first.openCases).toBe(230);
    await foldStats(jobContext(t, clock));
    const after = await stats('station=TJ');
    expect(after.pendingCases).toBe(0);
    expect(after.openCases).toBe(230);
    expect(after.totals.received).toBe(230);
  });
});

describe('GET /api/stats: the monthly trend', () => {
  it('gives twelve whole months up to the period’s, received by receipt and deadlines by their day, running ones apart', async () => {
    const s = await stats('station=TJN&period=2026-06');
    expect(s.trend.map((m) => m.month)).toEqual(['2025-07', '2025-08', '2025-09', '2025-10', '2025-11', '2025-12', '2026-01', '2026-02', '2026-03', '2026-04', '2026-05', '2026-06']);
    const may = s.trend.find((m) => m.month === '2026-05')!;
    // Received in May: 10 (the merged one is not a case of its own; the returned one counts as received).
    expect(may.received).toBe(10);
    // Deadlines in May: 11–14 May answered on time (4), 15–18 May late (4, one never answered), and the
    // reopened case's first round on 11 May, on time. Returned and merged cases have none.
    expect(may).toMatchObject({ due: 9, dueOnTime: 5, dueLate: 4, dueRunning: 0 });
    const june = s.trend.find((m) => m.month === '2026-06')!;
    // Due in June: 11 June (answered early), 14 June (overdue), 24 June (running); the reopened case's redo (3 June) counts apart.
    expect(june).toMatchObject({ received: 3, due: 2, dueOnTime: 1, dueLate: 1, dueRunning: 1 });
    expect(s.trend.find((m) => m.month === '2025-07')).toMatchObject({ received: 0, due: 0, dueOnTime: 0, dueLate: 0, dueRunning: 0 });
    // The period's own figures agree with its month in the trend.
    expect(s.totals).toMatchObject({ due: june.due, dueOnTime: june.dueOnTime, dueRunning: june.dueRunning });
  });
});

describe('GET /api/stats: the first replies against their deadlines', () => {
  it('splits the deadlines of the period by how early or late the reply came', async () => {
    const s = await stats('station=TJN&period=2026-05');
    expect(s.replyTiming).toEqual({
      early: 2,
      lastTwoDays: 2,
      lateWithinDay: 2,
      lateMore: 1,
      unansweredOverdue: 1,
      running: 0,
      reopenedOnTime: 1,
      reopenedLate: 0,
      complete: true,
    });
    // Everything due in the period is in exactly one place.
    const r = s.replyTiming;
    expect(r.early + r.lastTwoDays + r.reopenedOnTime).toBe(s.totals.dueOnTime);
    expect(r.lateWithinDay + r.lateMore + r.unansweredOverdue + r.reopenedLate).toBe(s.totals.dueLate);
  });

  it('counts a running clock as neither on time nor late, and an overdue one as unanswered', async () => {
    const s = await stats('station=TJN&period=2026-06');
    expect(s.replyTiming).toMatchObject({ early: 1, unansweredOverdue: 1, running: 1, complete: true });
    expect(s.totals.dueRunning).toBe(1);
  });

  it('says the breakdown is incomplete while its rollup is being rebuilt, rather than show part of it', async () => {
    await t.db.execute(sql`UPDATE stats_daily SET due = 0, due_met = 0 WHERE dim = 'reply_margin' AND value = 'early' AND day BETWEEN '2026-05-01' AND '2026-05-31'`);
    try {
      expect((await stats('station=TJN&period=2026-05')).replyTiming.complete).toBe(false);
    } finally {
      // Refold every case: the rollups equal the facts again.
      await t.db.execute(sql`DELETE FROM stats_daily`);
      await t.db.execute(sql`DELETE FROM stats_times`);
      await t.db.execute(sql`DELETE FROM case_stat_facts`);
      await t.db.execute(sql`UPDATE cases SET stats_dirty = true`);
      await foldStats(jobContext(t, clock));
    }
    expect((await stats('station=TJN&period=2026-05')).replyTiming).toMatchObject({ early: 2, complete: true });
  });
});

describe('rollups folded before the reply timing existed', () => {
  it('get it built from the facts at the next fold, and a case changed then moves between its margins', async () => {
    const before = (await stats('station=TJN&period=2026-05')).replyTiming;
    // As a database folded by the code before: no reply_margin rows, the facts as they are.
    await t.db.execute(sql`DELETE FROM stats_daily WHERE dim = 'reply_margin'`);
    expect((await stats('station=TJN&period=2026-05')).replyTiming.complete).toBe(false);
    // The 60-hour-late case of 7 May is corrected to a reply 10 hours late: the next fold builds the
    // dimension from the facts first, then moves that case from one margin to the other.
    const [late] = rowsOf<{ id: string }>(await t.db.execute(sql`SELECT id FROM cases WHERE received_at = '2026-05-07T10:00:00+08:00' AND station_id = ${(await ids(t.db)).station('TJN')}`));
    await t.db.execute(sql`UPDATE cases SET replied_at = received_at + interval '250 hours' WHERE id = ${late!.id}::uuid`);
    await foldStats(jobContext(t, clock));
    const after = (await stats('station=TJN&period=2026-05')).replyTiming;
    expect(after).toEqual({ ...before, lateWithinDay: before.lateWithinDay + 1, lateMore: before.lateMore - 1 });
    expect(after.complete).toBe(true);
    // Every station at once (station 0) too.
    expect((await stats('period=2026-05')).replyTiming).toMatchObject({ lateWithinDay: 3, lateMore: 0, complete: true });
    await t.db.execute(sql`UPDATE cases SET replied_at = received_at + interval '300 hours' WHERE id = ${late!.id}::uuid`);
    await foldStats(jobContext(t, clock));
  });
});

describe('GET /api/stats.csv: small samples', () => {
  it('names the rates of each row that rest on a small sample, in a last column', async () => {
    const res = await t.app.request('/api/stats.csv?station=TJN&period=2026-05&groupBy=category');
    expect(res.status).toBe(200);
    const lines = (await res.text()).slice(1).split('\r\n');
    expect(lines[0]!.split(',').at(-1)).toBe('样本少（不足 20 件）的比率');
    // Nine first reply deadlines, nine cases in the remit, no rating: every rate but satisfaction and resolution (none) is small.
    expect(lines[1]!.split(',').at(-1)).toBe('办结率、按期办结率、响应率、24小时内首次联系率');
    const en = (await (await t.app.request('/api/stats.csv?station=TJN&period=2026-05&lang=en')).text()).slice(1).split('\r\n');
    expect(en[0]!.split(',').at(-1)).toBe('rates on small samples (fewer than 20)');
  });
});

describe('GET /api/staff/stats/departments: a running clock is no failure, small samples are flagged', () => {
  it('leaves an acknowledge clock still inside its window out of the response rate, and gives the small-sample bound', async () => {
    const supervisor = await staffSession(t.app, t.db, 'supervisor', undefined, clock.now());
    const res = await call(t.app, supervisor, 'GET', '/api/staff/stats/departments?station=BJN&period=2026-06');
    expect(res.status).toBe(200);
    const body = DepartmentTable.parse(await res.json());
    const env = body.departments.find((d) => d.department.code === 'environment')!;
    expect(env).toMatchObject({ received: 1, ackDue: 0, ackOnTime: 0, ackRunning: 1, contactDue: 0, contactRunning: 1, open: 1, overdue: 0 });
    expect(env.rates.response).toBeNull();
    expect(body.minEvaluationsToRank).toBe(20);
  });
});

describe('GET /api/meta: the reply limits', () => {
  const meta = async (lang: string) => Meta.parse(await (await t.app.request(`/api/meta?lang=${lang}`)).json());

  it('gives each kind’s reply limit from the active policies, for a web case without a colour', async () => {
    const m = await meta('en');
    expect(m.replyLimits.map(({ kind, amount, unit }) => ({ kind, amount, unit }))).toEqual([
      { kind: 'consult', amount: 1, unit: 'working_days' },
      { kind: 'help', amount: 5, unit: 'working_days' },
      { kind: 'complaint', amount: 10, unit: 'working_days' },
      { kind: 'report', amount: 10, unit: 'working_days' },
      { kind: 'suggestion', amount: 15, unit: 'working_days' },
    ]);
    expect(m.replyLimits[0]!.name).toBe('Inquiry');
    expect((await meta('zh-CN')).replyLimits[0]!.name).toBe('咨询');
    // No policy names or sources go out.
    expect(JSON.stringify(m.replyLimits)).not.toMatch(/practice|Base|source/i);
  });

  it('follows the admins’ changes: a web policy wins for its kind, a switched-off one no longer counts', async () => {
    const admin = await staffSession(t.app, t.db, 'admin', undefined, clock.now());
    const created = await call(t.app, admin, 'POST', '/api/staff/admin/policies', { name: 'Web consult', channel: 'web', kind: 'consult', reply: { amount: 2, unit: 'working_days' } });
    expect(created.status, await created.clone().text()).toBe(201);
    const { id } = (await created.json()) as { id: number };
    const suggestion = rowsOf<{ id: number }>(
      await t.db.execute(sql`SELECT id FROM deadline_policies WHERE kind = 'suggestion' AND channel IS NULL AND priority IS NULL AND category_id IS NULL`),
    )[0]!.id;
    const off = await call(t.app, admin, 'PATCH', `/api/staff/admin/policies/${suggestion}`, { active: false });
    expect(off.status, await off.clone().text()).toBe(200);
    try {
      const m = await meta('zh-CN');
      expect(m.replyLimits.find((l) => l.kind === 'consult')).toMatchObject({ amount: 2, unit: 'working_days' });
      // Without its own policy a suggestion falls back to the base policy's reply clock.
      expect(m.replyLimits.find((l) => l.kind === 'suggestion')).toMatchObject({ amount: 10, unit: 'working_days' });
    } finally {
      await call(t.app, admin, 'PATCH', `/api/staff/admin/policies/${id}`, { active: false });
      await call(t.app, admin, 'PATCH', `/api/staff/admin/policies/${suggestion}`, { active: true });
    }
    expect((await meta('zh-CN')).replyLimits.find((l) => l.kind === 'suggestion')).toMatchObject({ amount: 15 });
  });
});
