import { asc, eq, like, or, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { renderEmail } from '../../api/domain/messages/templates.ts';
import { duePeriods } from '../../api/domain/stats/bulletins.ts';
import { departments, outbox } from '../../db/schema.ts';
import { jobs } from '../../workers/jobs/index.ts';
import { fixedClock, jobContext, useTestApp } from '../helpers/app.ts';
import { makeStaff } from '../helpers/staff.ts';
import { ids, insertCase } from './stats-fixtures.ts';

/*
 * The daily bulletin and weekly summary to partner units, and the monthly
 * report to supervisors: from 08:00 Shanghai, once per period per recipient,
 * however often (every minute) or concurrently the job runs. Time is a clock
 * moved by hand; the job is called as the scheduler calls it.
 */
// Monday 9 March 2026, a minute before eight in Shanghai.
const clock = fixedClock('2026-03-09T07:59:00+08:00');
const t = useTestApp({ clock, isolated: true });
const codes: Record<string, string> = {};
let supervisorEmail: string;

const tick = async () => {
  const ctx = jobContext(t, clock);
  await jobs['stats-fold']!.run(ctx, '* * * * *');
  await jobs.bulletins!.run(ctx, '* * * * *');
};
const mail = () =>
  t.db
    .select()
    .from(outbox)
    .where(or(like(outbox.template, 'bulletin_%'), like(outbox.template, 'report_%')))
    .orderBy(asc(outbox.template), asc(outbox.recipient));

beforeAll(async () => {
  const db = t.db;
  // Only the mailboxes set here (the seed may give departments mailboxes of their own).
  await db.update(departments).set({ email: null });
  await db.update(departments).set({ email: 'police@partner.test' }).where(eq(departments.code, 'railway_police'));
  await db.update(departments).set({ email: 'traffic@partner.test' }).where(eq(departments.code, 'traffic_police'));
  // A partner without an email, a retired partner, and one of the office's own sections: none gets a bulletin.
  await db.update(departments).set({ email: 'gone@partner.test', active: false }).where(eq(departments.code, 'transport_enforcement'));
  await db.update(departments).set({ email: 'enf1@office.test' }).where(eq(departments.code, 'enf1'));
  supervisorEmail = (await makeStaff(db, 'supervisor')).email;

  const code = async (name: string, id: string) => {
    const [row] = await db
      .execute(sql`SELECT tracking_code FROM cases WHERE id = ${id}::uuid`)
      .then((r) => (Array.isArray(r) ? r : (r as { rows: unknown[] }).rows) as Array<{ tracking_code: string }>);
    codes[name] = row!.tracking_code;
  };
  // Sunday 8 March ("yesterday"): one led by the railway police, one co-handled by the traffic police, one by neither.
  await code('k1', await insertCase(db, { category: 'touting', location: 'front_square', department: 'railway_police', status: 'assigned', receivedAt: '2026-03-08T10:00:00+08:00' }));
  const k2 = await insertCase(db, { category: 'illegal_taxi', location: 'taxi_dispatch', department: 'enf2', status: 'in_progress', receivedAt: '2026-03-08T11:00:00+08:00', ack: 1 });
  await code('k2', k2);
  await db.execute(sql`INSERT INTO case_departments (case_id, department_id) VALUES (${k2}::uuid, ${(await ids(db)).department('traffic_police')})`);
  await insertCase(db, { category: 'sanitation', department: 'environment', status: 'closed', receivedAt: '2026-03-08T12:00:00+08:00', ack: 1, reply: 3, close: 4 });
  // Tuesday 3 March (last week), and Monday 9 March (today: not yet in any bulletin).
  await code('k4', await insertCase(db, { category: 'parking', department: 'railway_police', status: 'closed', receivedAt: '2026-03-03T09:00:00+08:00', ack: 1, reply: 20, close: 30 }));
  await insertCase(db, { category: 'parking', department: 'railway_police', status: 'assigned', receivedAt: '2026-03-09T06:00:00+08:00' });
  // Overdue now, led by the traffic police.
  await code(
    'k6',
    await insertCase(db, { category: 'parking', location: 'parking', department: 'traffic_police', status: 'in_progress', receivedAt: '2026-02-20T09:00:00+08:00', ack: 1, nextDue: 240 }),
  );
  // A merged duplicate is not news.
  await insertCase(db, { category: 'touting', department: 'railway_police', status: 'merged', receivedAt: '2026-03-08T13:00:00+08:00' });
});

describe('bulletins', () => {
  it('nothing before 08:00 Shanghai', async () => {
    expect(duePeriods(clock.now())).toEqual([]);
    await tick();
    expect(await mail()).toEqual([]);
  });

  it('at 08:00 on a Monday: the daily bulletin and weekly summary to each partner unit with an email, the monthly report to supervisors', async () => {
    clock.set('2026-03-09T08:00:00+08:00');
    await tick();
    const rows = await mail();
    expect(rows.map((r) => `${r.template} ${r.recipient} ${r.idempotencyKey.split(':').slice(0, 2).join(':')}`)).toEqual([
      'bulletin_daily police@partner.test bulletin:daily',
      'bulletin_daily traffic@partner.test bulletin:daily',
      'bulletin_weekly police@partner.test bulletin:weekly',
      'bulletin_weekly traffic@partner.test bulletin:weekly',
      `report_monthly ${supervisorEmail} report:monthly`,
    ]);
    expect(rows.every((r) => r.channel === 'email' && r.lang === 'zh-CN')).toBe(true);

    type BulletinCase = Record<string, unknown> & { trackingCode: string };
    type BulletinPayload = Record<string, unknown> & { newCases: BulletinCase[]; overdue: BulletinCase[] };
    const find = (template: string, recipient: string) => rows.find((r) => r.template === template && r.recipient === recipient)!.payload as BulletinPayload;
    const policeDaily = find('bulletin_daily', 'police@partner.test');
    expect(policeDaily).toMatchObject({ kind: 'daily', from: '2026-03-08', to: '2026-03-08', department: { code: 'railway_police' }, newCount: 1, overdueCount: 0 });
    expect(policeDaily.newCases.map((c: { trackingCode: string }) => c.trackingCode)).toEqual([codes.k1]);
    expect(policeDaily.figures).toMatchObject({ received: 1, closed: 0 });
    expect(policeDaily.office).toMatchObject({ received: 3, closed: 1 });

    const trafficDaily = find('bulletin_daily', 'traffic@partner.test');
    expect(trafficDaily).toMatchObject({ newCount: 1, overdueCount: 1 });
    expect(trafficDaily.newCases[0]).toMatchObject({ trackingCode: codes.k2, role: 'co', category: '非法营运（黑出租）', location: '出租车调度站', station: '天津站' });
    expect(trafficDaily.overdue[0]).toMatchObject({ trackingCode: codes.k6, role: 'lead' });

    const policeWeekly = find('bulletin_weekly', 'police@partner.test');
    expect(policeWeekly).toMatchObject({ from: '2026-03-02', to: '2026-03-08', newCount: 2 });
    expect(policeWeekly.newCases.map((c: { trackingCode: string }) => c.trackingCode)).toEqual([codes.k4, codes.k1]);
    expect(policeWeekly.figures).toMatchObject({ received: 2, closed: 1, closureRate: 50 });

    // The week's reply deadlines: the traffic police's overdue case (received 20 February) was due on 2 March.
    const trafficWeekly = find('bulletin_weekly', 'traffic@partner.test');
    expect(trafficWeekly.figures).toMatchObject({ received: 0, due: 1, late: 1, onTimeRate: 0 });
    expect(trafficWeekly.office).toMatchObject({ due: 1, late: 1 });

    const monthly = find('report_monthly', supervisorEmail);
    expect(monthly).toMatchObject({ month: '2026-02', from: '2026-02-01', to: '2026-02-28', figures: { received: 1 } });
    expect(monthly.topProblems).toEqual([{ category: '停车秩序', location: '天津站 · 停车场', count: 1, previousCount: 0, change: 1 }]);
  });

  it('renders in zh-CN and en, with the cases listed', async () => {
    const rows = await mail();
    const daily = rows.find((r) => r.template === 'bulletin_daily' && r.recipient === 'traffic@partner.test')!;
    const zh = renderEmail('bulletin_daily', 'zh-CN', daily.payload, 'https://hotline.example');
    expect(zh.subject).toBe('【日通报】交警大队 2026-03-08：新受理 1 件，超期 1 件');
    expect(zh.text).toContain(`${codes.k2!.slice(0, 5)}-${codes.k2!.slice(5)}  非法营运（黑出租），天津站·出租车调度站，协办，办理中`);
    expect(zh.text).toContain('二、当前超期未办结 1 件');
    expect(zh.text).toContain('/stats');
    // Counted as the 12345 bulletins count (N 件应办结工单中 M 件超时办结), with the definitions.
    const weekly = rows.find((r) => r.template === 'bulletin_weekly' && r.recipient === 'traffic@partner.test')!;
    const weeklyZh = renderEmail('bulletin_weekly', 'zh-CN', weekly.payload, 'https://hotline.example');
    expect(weeklyZh.text).toContain('1 件应办结工单中 1 件超时办结，按期办结率 0%');
    expect(weeklyZh.text).toContain('统计口径：');
    expect(weeklyZh.text).toContain('按期办结率：答复期限（北京时间）落在期间内的案件中');
    expect(renderEmail('bulletin_weekly', 'en', weekly.payload, 'https://hotline.example').text).toContain('of 1 due, 1 answered late, on-time rate 0%');
    const en = renderEmail('bulletin_weekly', 'en', rows.find((r) => r.template === 'bulletin_weekly')!.payload, 'https://hotline.example');
    expect(en.subject).toMatch(/^\[Weekly summary\] .* 2026-03-02 to 2026-03-08: \d+ new, \d+ overdue$/);
    const monthly = renderEmail('report_monthly', 'zh-CN', rows.find((r) => r.template === 'report_monthly')!.payload, 'https://hotline.example');
    expect(monthly.text).toContain('每月一题');
    expect(monthly.text).toContain('停车秩序 @ 天津站 · 停车场：1 件（+1）');
  });

  it('every minute after, and several runs at once: nothing twice', async () => {
    for (let minute = 1; minute <= 10; minute++) {
      clock.set(new Date(Date.parse('2026-03-09T08:00:00+08:00') + minute * 60_000));
      await Promise.all([tick(), tick(), tick()]);
    }
    clock.set('2026-03-09T23:59:00+08:00');
    await tick();
    expect(await mail()).toHaveLength(5);
  });

  it('Tuesday 08:00: the next daily bulletins only; the week and the month are done', async () => {
    clock.set('2026-03-10T07:30:00+08:00');
    await tick();
    expect(await mail()).toHaveLength(5);
    clock.set('2026-03-10T08:00:00+08:00');
    await Promise.all([tick(), tick()]);
    const rows = await mail();
    expect(rows).toHaveLength(7);
    const tuesday = rows.filter((r) => r.idempotencyKey.endsWith(':2026-03-09'));
    expect(tuesday.map((r) => r.recipient).sort()).toEqual(['police@partner.test', 'traffic@partner.test']);
    expect(tuesday.find((r) => r.recipient === 'police@partner.test')!.payload).toMatchObject({ newCount: 1 });
  });

  it('a server down at 08:00 sends on its first run after, the same day', async () => {
    clock.set('2026-03-11T14:37:00+08:00');
    await tick();
    expect((await mail()).filter((r) => r.idempotencyKey.endsWith(':2026-03-10'))).toHaveLength(2);
  });
});
