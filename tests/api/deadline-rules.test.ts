import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../api/config.ts';
import { createCase } from '../../api/domain/cases/create.ts';
import { ErrorEnvelope } from '../../api/http/envelope.ts';
import { PublicCase } from '../../api/routes/public/schemas.ts';
import { CaseDetail, EnteredCase, QueuePage } from '../../api/routes/staff/schemas.ts';
import { caseEvents, cases, extensionRequests, feedOrders } from '../../db/schema.ts';
import { fixedClock, jobContext, uniquePhone, useTestApp } from '../helpers/app.ts';
import { json, makeCaseBody } from '../helpers/factories.ts';
import { call, type StaffSession, staffSession } from '../helpers/staff.ts';

/*
 * Deadlines that cannot be bent (issue #13): extensions within the office's
 * limits, clocks recomputed from receipt when kind, category or colour
 * change, a colour that never relaxes, same-day clocks after office hours, and
 * deadlines marked provisional in a year without published holidays (2027).
 */
const clock = fixedClock('2026-02-13T11:00:00+08:00');
const t = useTestApp({ clock });
// The same database with the limits configured otherwise.
const tight = useTestApp({ clock, env: { EXTENSION_MAX: '2', EXTENSION_MAX_DAYS: '3', OFFICE_HOURS_END: '18:00' } });

type App = typeof t;
let dispatcher: StaffSession;
let supervisor: StaffSession;
let handler: StaffSession;

async function sessions(app: App) {
  return {
    dispatcher: await staffSession(app.app, app.db, 'dispatcher', undefined, clock.now()),
    supervisor: await staffSession(app.app, app.db, 'supervisor', undefined, clock.now()),
    handler: await staffSession(app.app, app.db, 'handler', 'enf1', clock.now()),
  };
}

beforeAll(async () => {
  ({ dispatcher, supervisor, handler } = await sessions(t));
});

/** Moves the clock; staff sign in afresh at the new time (a session idles out across days). */
async function moveTo(at: string) {
  clock.set(at);
  ({ dispatcher, supervisor, handler } = await sessions(t));
}

async function detail(id: string, app: App = t, as = dispatcher) {
  const res = await call(app.app, as, 'GET', `/api/staff/cases/${id}`);
  expect(res.status).toBe(200);
  return CaseDetail.parse(await res.json());
}

async function ok(as: StaffSession, id: string, verb: string, body: Record<string, unknown>, app: App = t) {
  const res = await call(app.app, as, 'POST', `/api/staff/cases/${id}/${verb}`, body);
  if (res.status !== 200) throw new Error(`${verb} → ${res.status} ${await res.text()}`);
  return CaseDetail.parse(await res.json());
}

/** A case entered by the office (phone line), received at a given time. */
async function enter(receivedAt: string, fields: Record<string, unknown> = {}, app: App = t, as = dispatcher) {
  const res = await call(app.app, as, 'POST', '/api/staff/cases', {
    channel: 'phone',
    receivedAt,
    station: 'TJ',
    kind: 'complaint',
    category: 'illegal_taxi',
    description: '出站口有人拉客',
    phone: uniquePhone(),
    ...fields,
  });
  if (res.status !== 201) throw new Error(`enter → ${res.status} ${await res.text()}`);
  return EnteredCase.parse(await res.json());
}

/** Entered, assigned to 执法一科 and acknowledged: ready for an extension. */
async function inProgress(receivedAt: string, fields: Record<string, unknown> = {}, app: App = t, who = { dispatcher, handler }) {
  const entered = await enter(receivedAt, fields, app, who.dispatcher);
  let c = await ok(who.dispatcher, entered.id, 'assign', { version: 1, leadDepartment: 'enf1' }, app);
  c = await ok(who.handler, entered.id, 'acknowledge', { version: c.version }, app);
  return c;
}

async function refusal(res: Response, status: number) {
  expect(res.status).toBe(status);
  return ErrorEnvelope.parse(await res.json()).error;
}

describe('extensions', () => {
  it('reach at most 10 working days past the deadline; the refusal names the limit and changes nothing', async () => {
    await moveTo('2026-02-13T11:00:00+08:00');
    // A complaint received Friday 13 Feb 2026 is due at the end of 5 March; ten working days more end on 19 March.
    const c = await inProgress('2026-02-13T10:00:00+08:00');
    expect(c.replyDueAt).toBe('2026-03-06T00:00:00+08:00');
    expect(c.extensionLatestDueAt).toBe('2026-03-20T00:00:00+08:00');
    const tooLong = await refusal(
      await call(t.app, handler, 'POST', `/api/staff/cases/${c.id}/extend`, { version: c.version, reason: '需协调', newDueAt: '2026-03-20T09:00:00+08:00' }),
      409,
    );
    expect(tooLong.code).toBe('conflict');
    expect(tooLong.message).toContain('最长 10 个工作日');
    expect(tooLong.message).toContain('2026-03-19 24:00');
    const english = await call(t.app, handler, 'POST', `/api/staff/cases/${c.id}/extend?lang=en`, { version: c.version, reason: 'x', newDueAt: '2026-03-21T00:00:00+08:00' });
    expect((await refusal(english, 409)).message).toContain('at most 10 working days');
    expect((await detail(c.id)).version).toBe(c.version);
    expect(await t.db.select().from(extensionRequests).where(eq(extensionRequests.caseId, c.id))).toHaveLength(0);

    const asked = await ok(handler, c.id, 'extend', { version: c.version, reason: '需协调交警', newDueAt: '2026-03-20T00:00:00+08:00' });
    expect(asked.extensions[0]).toMatchObject({ status: 'pending', requestedDueAt: '2026-03-20T00:00:00+08:00' });
  });

  it('are asked before the reply deadline, not at it or after', async () => {
    await moveTo('2026-02-13T09:00:00+08:00');
    const c = await inProgress('2026-02-13T08:30:00+08:00', { kind: 'consult' });
    expect(c.replyDueAt).toBe('2026-02-15T00:00:00+08:00'); // the make-up Saturday
    await moveTo('2026-02-15T00:00:00+08:00');
    const late = await refusal(await call(t.app, handler, 'POST', `/api/staff/cases/${c.id}/extend`, { version: c.version, reason: '来不及', newDueAt: '2026-02-26T00:00:00+08:00' }), 409);
    expect(late.message).toContain('已过');
    expect(late.details).toMatchObject({ reason: 'deadline_passed' });
    expect((await detail(c.id)).extensionLatestDueAt).toBeNull();
    await moveTo('2026-02-13T11:00:00+08:00');
  });

  it('are granted once per case by default; a refused one does not count, a second approved one is refused', async () => {
    await moveTo('2026-02-13T11:00:00+08:00');
    let c = await inProgress('2026-02-13T10:00:00+08:00');
    c = await ok(handler, c.id, 'extend', { version: c.version, reason: '需协调', newDueAt: '2026-03-10T00:00:00+08:00' });
    c = await ok(supervisor, c.id, 'decide-extension', { version: c.version, approve: false });
    c = await ok(handler, c.id, 'extend', { version: c.version, reason: '需协调交警', newDueAt: '2026-03-10T00:00:00+08:00' });
    c = await ok(supervisor, c.id, 'decide-extension', { version: c.version, approve: true });
    expect(c).toMatchObject({ extensionCount: 1, replyDueAt: '2026-03-10T00:00:00+08:00', extensionLatestDueAt: null });
    const again = await refusal(await call(t.app, handler, 'POST', `/api/staff/cases/${c.id}/extend`, { version: c.version, reason: '再延', newDueAt: '2026-03-12T00:00:00+08:00' }), 409);
    expect(again.message).toContain('最多延期 1 次');
    expect(again.details).toMatchObject({ reason: 'limit', max: 1, count: 1 });
  });

  it('follow EXTENSION_MAX and EXTENSION_MAX_DAYS', async () => {
    await moveTo('2026-02-13T11:00:00+08:00');
    const who = await sessions(tight);
    let c = await inProgress('2026-02-13T10:00:00+08:00', {}, tight, who);
    // Three working days after 5 March: 6, 9 and 10 March.
    expect(c.extensionLatestDueAt).toBe('2026-03-11T00:00:00+08:00');
    const long = await refusal(
      await call(tight.app, who.handler, 'POST', `/api/staff/cases/${c.id}/extend`, { version: c.version, reason: 'x', newDueAt: '2026-03-12T00:00:00+08:00' }),
      409,
    );
    expect(long.message).toContain('最长 3 个工作日');
    c = await ok(who.handler, c.id, 'extend', { version: c.version, reason: '需协调', newDueAt: '2026-03-11T00:00:00+08:00' }, tight);
    c = await ok(who.supervisor, c.id, 'decide-extension', { version: c.version, approve: true }, tight);
    // A second one is allowed here, counted from the new deadline: 11, 12 and 13 March.
    expect(c.extensionLatestDueAt).toBe('2026-03-14T00:00:00+08:00');
    c = await ok(who.handler, c.id, 'extend', { version: c.version, reason: '仍需协调', newDueAt: '2026-03-14T00:00:00+08:00' }, tight);
    c = await ok(who.supervisor, c.id, 'decide-extension', { version: c.version, approve: true }, tight);
    const third = await refusal(
      await call(tight.app, who.handler, 'POST', `/api/staff/cases/${c.id}/extend`, { version: c.version, reason: 'x', newDueAt: '2026-03-16T00:00:00+08:00' }),
      409,
    );
    expect(third.message).toContain('最多延期 2 次');
  });

  it('the variables are validated at start, naming the variable', () => {
    const defaults = loadConfig({}).deadlines;
    expect(defaults).toEqual({ extensionMax: 1, extensionMaxDays: 10, officeHoursEnd: 17 * 60 + 30 });
    expect(loadConfig({ OFFICE_HOURS_END: '18:05' }).deadlines.officeHoursEnd).toBe(18 * 60 + 5);
    for (const [name, value] of [
      ['EXTENSION_MAX', 'once'],
      ['EXTENSION_MAX', '-1'],
      ['EXTENSION_MAX_DAYS', '0'],
      ['OFFICE_HOURS_END', '17.30'],
      ['OFFICE_HOURS_END', '24:00'],
    ] as const) {
      expect(() => loadConfig({ [name]: value }), `${name}=${value}`).toThrow(ConfigError);
      expect(() => loadConfig({ [name]: value }), `${name}=${value}`).toThrow(name);
    }
  });
});

/** The deadlines_recomputed events of a case, oldest first. */
async function recomputations(id: string) {
  return (await detail(id)).timeline.filter((e) => e.type === 'deadlines_recomputed');
}

describe('changing kind, category or colour recomputes the clocks not yet met', () => {
  it('from the original receipt, with the old and new deadlines on the timeline', async () => {
    await moveTo('2026-02-13T11:00:00+08:00');
    const entered = await enter('2026-02-13T10:00:00+08:00');
    expect(entered.replyDueAt).toBe('2026-03-06T00:00:00+08:00');
    clock.set('2026-02-13T11:30:00+08:00');
    let c = await ok(dispatcher, entered.id, 'recategorize', { version: 1, category: 'illegal_taxi', kind: 'consult' });
    // One working day from receipt (the make-up Saturday), not from now.
    expect(c).toMatchObject({ kind: 'consult', replyDueAt: '2026-02-15T00:00:00+08:00', ackDueAt: '2026-02-13T12:00:00+08:00', nextDueAt: '2026-02-13T12:00:00+08:00' });
    expect(c.timeline.at(-2)?.type).toBe('recategorized');
    expect(c.timeline.at(-1)).toMatchObject({
      type: 'deadlines_recomputed',
      isPublic: false,
      data: { reason: 'recategorized', reply: { from: '2026-03-05T16:00:00.000Z', to: '2026-02-14T16:00:00.000Z' } },
    });
    expect(c.timeline.at(-1)?.data).not.toHaveProperty('ack');

    c = await ok(dispatcher, entered.id, 'priority', { version: c.version, priority: 'red', owner: '刘主任' });
    // Red runs from receipt too: acknowledge by 10:15 — already past — and reply by 10:00 tomorrow.
    expect(c).toMatchObject({ ackDueAt: '2026-02-13T10:15:00+08:00', contactDueAt: '2026-02-13T11:00:00+08:00', replyDueAt: '2026-02-14T10:00:00+08:00', overdue: true });
    expect(c.nextDueAt).toBe('2026-02-13T10:15:00+08:00');
    const [, red] = await recomputations(entered.id);
    expect(red?.data).toMatchObject({ reason: 'priority', ack: { to: '2026-02-13T02:15:00.000Z' }, contact: { to: '2026-02-13T03:00:00.000Z' }, reply: { to: '2026-02-14T02:00:00.000Z' } });
    const [row] = await t.db.select({ nextAlertAt: cases.nextAlertAt }).from(cases).where(eq(cases.id, entered.id));
    expect(row!.nextAlertAt).toEqual(clock.now()); // red reaches supervisors at once

    // Back to normal: the kind's clocks again, from receipt.
    c = await ok(dispatcher, entered.id, 'priority', { version: c.version, priority: 'normal' });
    expect(c).toMatchObject({ ackDueAt: '2026-02-13T12:00:00+08:00', replyDueAt: '2026-02-15T00:00:00+08:00', overdue: false });
  });

  it('leaves met clocks alone, and writes no event when nothing moves', async () => {
    await moveTo('2026-02-13T11:00:00+08:00');
    let c = await inProgress('2026-02-13T10:00:00+08:00');
    const ackDueAt = c.ackDueAt;
    c = await ok(dispatcher, c.id, 'priority', { version: c.version, priority: 'yellow' });
    expect(c).toMatchObject({ ackDueAt, replyDueAt: '2026-02-21T00:00:00+08:00' });
    expect((await recomputations(c.id)).at(-1)?.data).not.toHaveProperty('ack');
    const before = (await recomputations(c.id)).length;
    c = await ok(dispatcher, c.id, 'recategorize', { version: c.version, category: 'peddling' });
    expect(await recomputations(c.id)).toHaveLength(before);
  });

  it('keeps an approved extension and a 12345 order’s own deadline', async () => {
    await moveTo('2026-02-13T11:00:00+08:00');
    let c = await inProgress('2026-02-13T10:00:00+08:00');
    c = await ok(handler, c.id, 'extend', { version: c.version, reason: '需协调', newDueAt: '2026-03-10T00:00:00+08:00' });
    c = await ok(supervisor, c.id, 'decide-extension', { version: c.version, approve: true });
    c = await ok(dispatcher, c.id, 'priority', { version: c.version, priority: 'red', owner: '刘主任' });
    expect(c.replyDueAt).toBe('2026-03-10T00:00:00+08:00');
    expect(c.contactDueAt).toBe('2026-02-13T11:00:00+08:00');

    const ctx = jobContext(t, clock);
    const order = await createCase({
      ctx,
      input: {
        channel: '12345',
        externalRef: `GD${Date.now()}${Math.floor(Math.random() * 1e6)}`,
        station: 'TJ',
        kind: 'complaint',
        category: 'illegal_taxi',
        description: '12345 转办：出站口拉客',
        phone: uniquePhone(),
        lang: 'zh-CN',
        receivedAt: new Date('2026-02-13T10:00:00+08:00'),
        deadlines: { replyDueAt: new Date('2026-02-27T18:00:00+08:00') },
        actor: { type: 'feed' },
      },
    });
    const o = await ok(dispatcher, order.id, 'recategorize', { version: 1, category: 'illegal_taxi', kind: 'consult' });
    expect(o.replyDueAt).toBe('2026-02-27T18:00:00+08:00');
    const red = await ok(dispatcher, order.id, 'priority', { version: o.version, priority: 'red', owner: '刘主任' });
    expect(red).toMatchObject({ replyDueAt: '2026-02-27T18:00:00+08:00', ackDueAt: '2026-02-13T10:15:00+08:00', contactDueAt: '2026-02-13T11:00:00+08:00' });

    // An order that set its own acknowledge deadline keeps that one too.
    const orderNo = `GD${Date.now()}${Math.floor(Math.random() * 1e6)}`;
    const own = await createCase({
      ctx,
      input: {
        channel: '12345',
        externalRef: orderNo,
        station: 'TJ',
        kind: 'complaint',
        category: 'illegal_taxi',
        description: '12345 转办：出站口拉客',
        phone: uniquePhone(),
        lang: 'zh-CN',
        receivedAt: new Date('2026-02-13T10:00:00+08:00'),
        deadlines: { replyDueAt: new Date('2026-02-27T18:00:00+08:00'), ackDueAt: new Date('2026-02-13T14:00:00+08:00') },
        actor: { type: 'feed' },
      },
    });
    await t.db.insert(feedOrders).values({ orderNo, caseId: own.id, snapshot: { ackDueAt: '2026-02-13T14:00:00+08:00', dueAt: '2026-02-27T18:00:00+08:00' } });
    const ownRed = await ok(dispatcher, own.id, 'priority', { version: 1, priority: 'red', owner: '刘主任' });
    expect(ownRed).toMatchObject({ replyDueAt: '2026-02-27T18:00:00+08:00', ackDueAt: '2026-02-13T14:00:00+08:00', contactDueAt: '2026-02-13T11:00:00+08:00' });
  });
});

describe('policy arithmetic through the API', () => {
  it('a colour never relaxes the kind: a yellow consultation is still due in one working day', async () => {
    await moveTo('2026-05-06T10:00:00+08:00');
    expect((await enter('2026-05-06T09:30:00+08:00', { kind: 'consult', priority: 'yellow' })).replyDueAt).toBe('2026-05-08T00:00:00+08:00');
    expect((await enter('2026-05-06T09:30:00+08:00', { kind: 'suggestion', priority: 'yellow' })).replyDueAt).toBe('2026-05-14T00:00:00+08:00');
  });

  it('a blue case after office hours is due at 24:00 of the next working day; contact never after the reply', async () => {
    await moveTo('2026-02-13T18:30:00+08:00');
    const friday = await enter('2026-02-13T18:00:00+08:00', { priority: 'blue' });
    expect(friday.replyDueAt).toBe('2026-02-15T00:00:00+08:00'); // Saturday 14 Feb is worked (调休)
    expect((await detail(friday.id)).ackDueAt).toBe('2026-02-13T20:00:00+08:00'); // acknowledge runs on the wall clock
    await moveTo('2026-02-14T19:00:00+08:00');
    expect((await enter('2026-02-14T18:00:00+08:00', { priority: 'blue' })).replyDueAt).toBe('2026-02-25T00:00:00+08:00');
    // Within office hours a blue case is due at the end of its day, and so is its first contact.
    await moveTo('2026-05-06T17:50:00+08:00');
    const morning = await detail((await enter('2026-05-06T09:30:00+08:00', { priority: 'blue' })).id);
    expect(morning).toMatchObject({ replyDueAt: '2026-05-07T00:00:00+08:00', contactDueAt: '2026-05-07T00:00:00+08:00' });
    // OFFICE_HOURS_END=18:00: 17:45 is still within the day.
    const who = await sessions(tight);
    expect((await enter('2026-05-06T17:45:00+08:00', { priority: 'blue' }, tight, who.dispatcher)).replyDueAt).toBe('2026-05-07T00:00:00+08:00');
    expect((await enter('2026-05-06T17:45:00+08:00', { priority: 'blue' })).replyDueAt).toBe('2026-05-08T00:00:00+08:00');
  });
});

describe('provisional deadlines (2027 has no published holidays yet)', () => {
  it('are marked on the case, in the queue and on the public page', async () => {
    await moveTo('2026-12-28T10:00:00+08:00');
    const body = makeCaseBody();
    const filed = await t.app.request('/api/cases', json(body));
    expect(filed.status).toBe(201);
    const { trackingCode } = (await filed.json()) as { trackingCode: string };
    const [row] = await t.db.select({ id: cases.id }).from(cases).where(eq(cases.trackingCode, trackingCode));
    const c = await detail(row!.id);
    expect(c.replyDueAt).toBe('2027-01-12T00:00:00+08:00');
    expect(c.provisional).toEqual({ ack: false, contact: false, reply: true });
    const queue = QueuePage.parse(await (await call(t.app, dispatcher, 'GET', `/api/staff/cases?q=${trackingCode}`)).json());
    expect(queue.items.map((i) => [i.trackingCode, i.provisional])).toEqual([[trackingCode, true]]);
    const lookup = await t.app.request(`/api/cases/${trackingCode}?phone4=${body.phone.slice(-4)}`);
    expect(PublicCase.parse(await lookup.json()).replyDueProvisional).toBe(true);

    // A consultation the same day ends in 2026: nothing provisional.
    const consult = await enter('2026-12-28T09:00:00+08:00', { kind: 'consult' });
    expect((await detail(consult.id)).provisional).toEqual({ ack: false, contact: false, reply: false });
    const q2 = QueuePage.parse(await (await call(t.app, dispatcher, 'GET', `/api/staff/cases?q=${consult.trackingCode}`)).json());
    expect(q2.items[0]?.provisional).toBe(false);

    // Once replied, the deadline no longer runs and is no longer marked.
    let d = await ok(dispatcher, c.id, 'assign', { version: c.version, leadDepartment: 'enf1' });
    d = await ok(handler, c.id, 'acknowledge', { version: d.version });
    d = await ok(handler, c.id, 'reply', { version: d.version, text: '已处理' });
    expect(d.provisional.reply).toBe(false);
    const after = await t.app.request(`/api/cases/${trackingCode}?phone4=${body.phone.slice(-4)}`);
    expect(PublicCase.parse(await after.json()).replyDueProvisional).toBe(false);
    const events = await t.db
      .select()
      .from(caseEvents)
      .where(and(eq(caseEvents.caseId, c.id), eq(caseEvents.type, 'deadlines_recomputed')));
    expect(events).toHaveLength(0);
  });
});
