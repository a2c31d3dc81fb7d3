import { eq } from 'drizzle-orm';
import { beforeEach, describe, expect, it } from 'vitest';
import { createCase } from '../../api/domain/cases/create.ts';
import { toShanghaiIso } from '../../api/domain/deadlines/shanghai-time.ts';
import { ErrorEnvelope } from '../../api/http/envelope.ts';
import { CreatedCase } from '../../api/routes/public/schemas.ts';
import { CaseDetail, EnteredCase } from '../../api/routes/staff/schemas.ts';
import { cases, feedOrders } from '../../db/schema.ts';
import { fixedClock, jobContext, uniquePhone, useTestApp } from '../helpers/app.ts';
import { json, makeCaseBody } from '../helpers/factories.ts';
import { call, type StaffSession, staffSession } from '../helpers/staff.ts';

/* Calendar and policy edits change every later case's clocks: this file has its own database. */
const clock = fixedClock('2026-12-28T09:00:00+08:00');
const t = useTestApp({ clock, isolated: true });
let admin: StaffSession;

/** The clock jumps across months here; every step signs in afresh at the new time. */
beforeEach(async () => {
  admin = await staffSession(t.app, t.db, 'admin', undefined, clock.now());
});

async function enter(receivedAt: string, kind: string, channel = 'phone') {
  clock.set(receivedAt);
  const dispatcher = await staffSession(t.app, t.db, 'dispatcher', undefined, clock.now());
  admin = await staffSession(t.app, t.db, 'admin', undefined, clock.now());
  const res = await call(t.app, dispatcher, 'POST', '/api/staff/cases', { channel, receivedAt, station: 'TJ', kind, category: 'signage', description: '咨询' });
  expect(res.status).toBe(201);
  return toShanghaiIso(new Date(EnteredCase.parse(await res.json()).replyDueAt));
}

describe('the working calendar, admin-edited', () => {
  it('2027 starts provisional; importing its notice moves deadlines at once', async () => {
    const before = await call(t.app, admin, 'GET', '/api/staff/admin/calendar?year=2027');
    expect(before.status).toBe(200);
    const year = (await before.json()) as { provisional: boolean; days: unknown[] };
    expect(year.provisional).toBe(true);
    expect(year.days).toHaveLength(365);
    // Without the notice, Jan 1 2027 (a Friday) counts as a working day.
    expect(await enter('2026-12-31T10:00:00+08:00', 'consult')).toBe('2027-01-02T00:00:00+08:00');
    const [open] = await t.db
      .select()
      .from(cases)
      .where(eq(cases.replyDueAt, new Date('2027-01-02T00:00:00+08:00')));
    const waiting = CaseDetail.parse(await (await call(t.app, admin, 'GET', `/api/staff/cases/${open!.id}`)).json());
    expect(waiting.provisional.reply).toBe(true);
    // A 12345 order's deadlines are the platform's (its acknowledge deadline too, when the order set one): the import leaves them.
    const order = await createCase({
      ctx: jobContext(t, clock),
      input: {
        channel: '12345',
        externalRef: 'GD-CALENDAR-1',
        station: 'TJ',
        kind: 'consult',
        category: 'signage',
        description: '12345 转办：咨询',
        phone: uniquePhone(),
        lang: 'zh-CN',
        receivedAt: new Date('2026-12-31T10:00:00+08:00'),
        deadlines: { replyDueAt: new Date('2027-01-04T18:00:00+08:00'), ackDueAt: new Date('2027-01-04T12:00:00+08:00') },
        actor: { type: 'feed' },
      },
    });
    await t.db.insert(feedOrders).values({ orderNo: 'GD-CALENDAR-1', caseId: order.id, snapshot: { ackDueAt: '2027-01-04T12:00:00+08:00', dueAt: '2027-01-04T18:00:00+08:00' } });

    const imported = await call(t.app, admin, 'POST', '/api/staff/admin/calendar/import', {
      year: 2027,
      holidays: [
        { date: '2027-01-01', name: '元旦' },
        { date: '2027-01-02', name: '元旦' },
        { date: '2027-01-03', name: '元旦' },
      ],
      workdays: [{ date: '2027-01-09', name: '元旦调休' }],
    });
    expect(imported.status).toBe(200);
    // The open consultation received on the 31st moves with the new calendar (the 12345 order does not).
    expect(await imported.json()).toEqual({ year: 2027, days: 365, holidays: 3, workdays: 1, recomputed: 1 });
    const moved = CaseDetail.parse(await (await call(t.app, admin, 'GET', `/api/staff/cases/${open!.id}`)).json());
    expect(moved).toMatchObject({ replyDueAt: '2027-01-05T00:00:00+08:00', provisional: { reply: false }, version: waiting.version });
    expect(moved.timeline.at(-1)).toMatchObject({
      type: 'deadlines_recomputed',
      isPublic: false,
      actor: { type: 'staff', id: admin.id },
      data: { reason: 'calendar', year: 2027, reply: { from: '2027-01-01T16:00:00.000Z', to: '2027-01-04T16:00:00.000Z' } },
    });
    const [after12345] = await t.db.select().from(cases).where(eq(cases.id, order.id));
    expect(after12345).toMatchObject({ replyDueAt: new Date('2027-01-04T18:00:00+08:00'), ackDueAt: new Date('2027-01-04T12:00:00+08:00') });
    expect(await enter('2026-12-31T10:00:00+08:00', 'consult')).toBe('2027-01-05T00:00:00+08:00');
    // Saturday 9 January is now worked: a 5-day help request from Tuesday the 5th ends on the 11th.
    expect(await enter('2027-01-05T10:00:00+08:00', 'help')).toBe('2027-01-12T00:00:00+08:00');

    const after = (await (await call(t.app, admin, 'GET', '/api/staff/admin/calendar?year=2027')).json()) as { provisional: boolean };
    expect(after.provisional).toBe(false);
  });

  it('sets a single day, recomputing the open cases it moves, and refuses nonsense', async () => {
    // Filed on Friday 29 January, a consultation is due at the end of Monday 1 February…
    expect(await enter('2027-01-29T10:00:00+08:00', 'consult')).toBe('2027-02-02T00:00:00+08:00');
    const [open] = await t.db
      .select({ id: cases.id })
      .from(cases)
      .where(eq(cases.replyDueAt, new Date('2027-02-02T00:00:00+08:00')));
    const res = await call(t.app, admin, 'PUT', '/api/staff/admin/calendar/2027-02-01', { kind: 'holiday', name: '临时停工' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ day: '2027-02-01', kind: 'holiday', isWorkday: false, name: '临时停工', recomputed: 1 });
    // …until that Monday is a holiday: then at the end of Tuesday, for it and for the next one filed.
    const moved = CaseDetail.parse(await (await call(t.app, admin, 'GET', `/api/staff/cases/${open!.id}`)).json());
    expect(moved.replyDueAt).toBe('2027-02-03T00:00:00+08:00');
    expect(moved.timeline.at(-1)).toMatchObject({ type: 'deadlines_recomputed', data: { reason: 'calendar', day: '2027-02-01' } });
    expect(await enter('2027-01-29T10:00:00+08:00', 'consult')).toBe('2027-02-03T00:00:00+08:00');
    for (const [path, body, method] of [
      ['/api/staff/admin/calendar/2027-02-30', { kind: 'holiday' }, 'PUT'],
      ['/api/staff/admin/calendar/2027-02-02', { kind: 'festival' }, 'PUT'],
      ['/api/staff/admin/calendar/import', { year: 2027, holidays: [{ date: '2028-01-01' }], workdays: [] }, 'POST'],
      ['/api/staff/admin/calendar/import', { year: 2027, holidays: [{ date: '2027-05-01' }], workdays: [{ date: '2027-05-01' }] }, 'POST'],
    ] as const) {
      const bad = await call(t.app, admin, method, path, body);
      expect(bad.status, path).toBe(400);
      expect(ErrorEnvelope.parse(await bad.json()).error.code).toBe('invalid_input');
    }
  });
});

describe('deadline policies, admin-edited', () => {
  it('a more specific policy wins for new cases, and deactivating it restores the default', async () => {
    const list = (await (await call(t.app, admin, 'GET', '/api/staff/admin/policies')).json()) as Array<{ name: string }>;
    expect(list.map((p) => p.name)).toContain('投诉');
    const created = await call(t.app, admin, 'POST', '/api/staff/admin/policies', {
      name: 'Signage complaints: 3 working days',
      kind: 'complaint',
      category: 'signage',
      reply: { amount: 3, unit: 'working_days' },
      source: 'Office decision',
    });
    expect(created.status).toBe(201);
    const policy = (await created.json()) as { id: number };
    expect(await enter('2027-03-01T10:00:00+08:00', 'complaint')).toBe('2027-03-05T00:00:00+08:00');

    const off = await call(t.app, admin, 'PATCH', `/api/staff/admin/policies/${policy.id}`, { active: false });
    expect(off.status).toBe(200);
    expect(await enter('2027-03-01T10:00:00+08:00', 'complaint')).toBe('2027-03-16T00:00:00+08:00');
  });

  it('refuses a policy with no clock, an unknown category, and an unknown id', async () => {
    expect((await call(t.app, admin, 'POST', '/api/staff/admin/policies', { name: 'Empty' })).status).toBe(400);
    expect((await call(t.app, admin, 'POST', '/api/staff/admin/policies', { name: 'X', category: 'nope', reply: { amount: 1, unit: 'hours' } })).status).toBe(400);
    expect((await call(t.app, admin, 'PATCH', '/api/staff/admin/policies/999999', { active: false })).status).toBe(404);
    // Text the database cannot hold is refused by the schema, naming the field.
    const nul = await call(t.app, admin, 'POST', '/api/staff/admin/policies', { name: 'A\u0000B', reply: { amount: 1, unit: 'hours' } });
    expect(nul.status).toBe(400);
    expect(JSON.stringify(((await nul.json()) as { error: { details: unknown } }).error.details)).toContain('"field":"name"');
  });

  it('public intake sees a policy change at once', async () => {
    clock.set('2027-04-06T09:00:00+08:00');
    admin = await staffSession(t.app, t.db, 'admin', undefined, clock.now());
    const created = await call(t.app, admin, 'POST', '/api/staff/admin/policies', {
      name: 'Web consultations within 4 hours',
      channel: 'web',
      kind: 'consult',
      reply: { amount: 4, unit: 'hours' },
    });
    expect(created.status).toBe(201);
    const res = await t.app.request('/api/cases', json(makeCaseBody({ kind: 'consult' })));
    expect(CreatedCase.parse(await res.json()).replyDueAt).toBe('2027-04-06T13:00:00+08:00');
  });

  it('is for admins only', async () => {
    for (const role of ['dispatcher', 'handler', 'supervisor'] as const) {
      const s = await staffSession(t.app, t.db, role, role === 'handler' ? 'enf1' : undefined, clock.now());
      expect((await call(t.app, s, 'GET', '/api/staff/admin/policies')).status).toBe(403);
      expect((await call(t.app, s, 'GET', '/api/staff/admin/calendar?year=2026')).status).toBe(403);
      expect((await call(t.app, s, 'PUT', '/api/staff/admin/calendar/2027-06-01', { kind: 'holiday' })).status).toBe(403);
      expect((await call(t.app, s, 'POST', '/api/staff/admin/calendar/import', { year: 2027, holidays: [], workdays: [] })).status).toBe(403);
      expect((await call(t.app, s, 'POST', '/api/staff/admin/policies', { name: 'x', reply: { amount: 1, unit: 'hours' } })).status).toBe(403);
    }
    expect((await t.app.request('/api/staff/admin/policies')).status).toBe(401);
  });
});
