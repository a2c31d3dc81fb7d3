import { and, asc, eq, inArray } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { handleDissatisfaction } from '../../api/domain/cases/dissatisfied.ts';
import { deliverCallback } from '../../api/domain/feed12345/callback.ts';
import { ErrorEnvelope } from '../../api/http/envelope.ts';
import { FeedEventResults, FeedOrderResults } from '../../api/routes/feeds/schemas.ts';
import { PublicCase } from '../../api/routes/public/schemas.ts';
import { CaseDetail, QueuePage } from '../../api/routes/staff/schemas.ts';
import { caseAlerts, caseDepartments, caseEvents, cases, extensionRequests, feedOrders, outbox } from '../../db/schema.ts';
import { makeEvent, makeOrder, signature, signedPush, useFakePlatform } from '../fakes/platform-12345.ts';
import { fixedClock, jobContext, useTestApp } from '../helpers/app.ts';
import { call, fileCase, type StaffSession, staffSession } from '../helpers/staff.ts';

/*
 * The 12345 round trips end to end: a push (order or event) → the case as
 * staff and the public see it → the callback body as the fake platform
 * received it, signed, over HTTP.
 */

const SECRET = 'round-trip-12345-secret';
const clock = fixedClock('2026-03-05T02:30:00Z'); // 10:30 in Shanghai
// Before the app is built, so its configured callback URL is the fake's.
const fake = useFakePlatform(SECRET, clock);
const t = useTestApp({ clock, env: fake.env });

let dispatcher: StaffSession;
let supervisor: StaffSession;
let handler: StaffSession;
beforeAll(async () => {
  dispatcher = await staffSession(t.app, t.db, 'dispatcher', undefined, clock.now());
  supervisor = await staffSession(t.app, t.db, 'supervisor', undefined, clock.now());
  handler = await staffSession(t.app, t.db, 'handler', 'enf1', clock.now());
});

function push(body: unknown, path = '/feeds/12345/orders', headers: Record<string, string> = {}) {
  clock.advance(1000); // every request signed afresh
  return signedPush(t.app, SECRET, body, clock, { path, headers });
}
async function pushOrder(order: Record<string, unknown>) {
  const res = await push(order);
  expect(res.status).toBe(200);
  return FeedOrderResults.parse(await res.json());
}
async function pushEvents(body: unknown, headers: Record<string, string> = {}) {
  const res = await push(body, '/feeds/12345/events', headers);
  expect(res.status).toBe(200);
  return FeedEventResults.parse(await res.json());
}

const caseOf = async (orderNo: string) =>
  (
    await t.db
      .select()
      .from(cases)
      .where(and(eq(cases.channel, '12345'), eq(cases.externalRef, orderNo)))
  )[0]!;
const eventsOf = (caseId: string) => t.db.select().from(caseEvents).where(eq(caseEvents.caseId, caseId)).orderBy(asc(caseEvents.id));
const iso = (s: string) => new Date(s).toISOString();

async function verb(as: StaffSession, caseId: string, name: string, body: Record<string, unknown> = {}) {
  const version = (await t.db.select({ version: cases.version }).from(cases).where(eq(cases.id, caseId)))[0]!.version;
  return call(t.app, as, 'POST', `/api/staff/cases/${caseId}/${name}`, { version, ...body });
}
async function verbOk(as: StaffSession, caseId: string, name: string, body: Record<string, unknown> = {}) {
  const res = await verb(as, caseId, name, body);
  expect(res.status, `${name}: ${res.status === 200 ? '' : await res.clone().text()}`).toBe(200);
  return CaseDetail.parse(await res.json());
}

/** A pushed order, optionally taken by staff as far as assigned, acknowledged or replied. */
async function pushedOrder(until: 'new' | 'assigned' | 'in_progress' | 'replied' = 'new', overrides: Record<string, unknown> = {}) {
  const order = makeOrder(overrides);
  const pushed = await pushOrder(order);
  const row = await caseOf(order.orderNo);
  if (until !== 'new') await verbOk(dispatcher, row.id, 'assign', { leadDepartment: 'enf1' });
  if (until === 'in_progress' || until === 'replied') await verbOk(handler, row.id, 'acknowledge');
  if (until === 'replied') await verbOk(handler, row.id, 'reply', { text: `已安排执法人员到场处理 ${order.orderNo}` });
  return { order, caseId: row.id, trackingCode: pushed.results[0]!.trackingCode!, phone4: String(order.callerPhone).slice(-4) };
}

/** Delivers this case's queued callbacks to the fake platform, as the outbox job would; returns what the platform received. */
const delivered = new Set<number>();
async function deliverCallbacks(caseIds: string[]) {
  const rows = await t.db
    .select()
    .from(outbox)
    .where(and(inArray(outbox.caseId, caseIds), eq(outbox.channel, 'callback_12345')))
    .orderBy(asc(outbox.id));
  const ctx = jobContext(t, clock);
  for (const row of rows.filter((r) => !delivered.has(r.id))) {
    expect(row.recipient).toBe(fake.platform.url);
    expect(await deliverCallback(ctx, row)).toMatchObject({ ok: true });
    delivered.add(row.id);
  }
}
async function callbacks(orderNo: string, caseIds: string[]) {
  await deliverCallbacks(caseIds);
  const got = fake.platform.callbacksFor(orderNo);
  for (const r of got) expect(r.verified).toBe(true);
  return got.map((r) => r.payload!);
}

async function lookup(trackingCode: string, phone4: string) {
  const res = await t.app.request(`/api/cases/${trackingCode}?phone4=${phone4}`);
  expect(res.status).toBe(200);
  return PublicCase.parse(await res.json());
}

describe('re-dispatch after a refused return (退单被驳回)', () => {
  it('brings a returned order back to the queue by an event: new, no department, clocks from the new dispatch, the platform’s deadline', async () => {
    const c = await pushedOrder('assigned');
    await t.db.insert(caseDepartments).values({ caseId: c.caseId, departmentId: (await caseOf(c.order.orderNo)).leadDepartmentId! });
    await verbOk(dispatcher, c.caseId, 'return', { reason: '不属于站区管理范围' });
    expect((await callbacks(c.order.orderNo, [c.caseId])).map((p) => p.event)).toEqual(['returned']);

    const at = '2026-03-05T10:25:00+08:00';
    const event = makeEvent(c.order.orderNo, 'redispatched', clock.now(), { at, newDueAt: '2026-03-13T18:00:00+08:00', reason: '经核实属于站区职责范围，请办理' });
    const body = await pushEvents(event);
    expect(body.results).toEqual([{ index: 0, orderNo: c.order.orderNo, type: 'redispatched', result: 'applied', trackingCode: c.trackingCode }]);

    const row = await caseOf(c.order.orderNo);
    expect(row).toMatchObject({ status: 'new', leadDepartmentId: null, returnReason: null, closedAt: null, acknowledgedAt: null, repliedAt: null });
    expect(row.receivedAt.toISOString()).toBe(iso(at));
    expect(row.replyDueAt.toISOString()).toBe(iso('2026-03-13T18:00:00+08:00'));
    expect(row.ackDueAt.getTime()).toBeGreaterThan(row.receivedAt.getTime());
    expect(row.ackDueAt.getTime()).toBeLessThanOrEqual(row.replyDueAt.getTime());
    expect(row.nextDueAt).not.toBeNull();
    expect(await t.db.select().from(caseDepartments).where(eq(caseDepartments.caseId, c.caseId))).toHaveLength(0);
    const last = (await eventsOf(c.caseId)).at(-1)!;
    expect(last).toMatchObject({ type: 'redispatched', isPublic: true, actorType: 'feed', data: { platformReason: '经核实属于站区职责范围，请办理' } });

    // The public sees that it came back and its deadline, never the platform's words.
    const seen = await lookup(c.trackingCode, c.phone4);
    expect(seen.status).toBe('new');
    expect(iso(seen.replyDueAt)).toBe(iso('2026-03-13T18:00:00+08:00'));
    expect(seen.timeline.at(-1)).toEqual({ type: 'redispatched', at: expect.any(String), newDueAt: iso('2026-03-13T18:00:00+08:00') });
    expect(JSON.stringify(seen)).not.toContain('职责范围');

    // The order's record follows, so the platform's next push of the order as it now stands is unchanged.
    const pushedAgain = await pushOrder({ ...c.order, dispatchedAt: at, dueAt: '2026-03-13T18:00:00+08:00' });
    expect(pushedAgain.results[0]!.result).toBe('unchanged');
    // And the dispatcher can assign it again, and return it again: the platform hears of the second return too.
    await verbOk(dispatcher, c.caseId, 'assign', { leadDepartment: 'enf1' });
    await verbOk(dispatcher, c.caseId, 'return', { reason: '经现场核实仍不属于站区管理范围' });
    expect((await callbacks(c.order.orderNo, [c.caseId])).map((p) => [p.event, p.reason])).toEqual([
      ['returned', '不属于站区管理范围'],
      ['returned', '经现场核实仍不属于站区管理范围'],
    ]);
  });

  it('does the same when the platform pushes the order itself again with a later dispatch', async () => {
    const c = await pushedOrder('new');
    await verbOk(dispatcher, c.caseId, 'return', { reason: '重复工单' });
    // Any other change to a returned order is still refused.
    const changed = await pushOrder({ ...c.order, content: `${c.order.content as string}（补充）` });
    expect(changed.results[0]).toMatchObject({ result: 'rejected', reason: { code: 'case_finished' } });

    const again = { ...c.order, dispatchedAt: '2026-03-05T10:20:00+08:00', dueAt: '2026-03-12T18:00:00+08:00' };
    const res = await pushOrder(again);
    expect(res.results[0]).toMatchObject({ result: 'updated', trackingCode: c.trackingCode, changes: ['dispatchedAt'] });
    const row = await caseOf(c.order.orderNo);
    expect(row).toMatchObject({ status: 'new', returnReason: null, closedAt: null });
    expect(row.receivedAt.toISOString()).toBe(iso('2026-03-05T10:20:00+08:00'));
    const types = (await eventsOf(c.caseId)).map((e) => [e.type, e.isPublic]);
    expect(types.slice(-2)).toEqual([
      ['redispatched', true],
      ['order_updated', false],
    ]);
    // A retry of that push changes nothing.
    expect((await pushOrder(again)).results[0]!.result).toBe('unchanged');
    expect(await eventsOf(c.caseId)).toHaveLength(types.length);
  });

  it('puts a red order dispatched again before the supervisors at once, by event or by order', async () => {
    for (const how of ['event', 'order'] as const) {
      const c = await pushedOrder('new', { urgency: 'emergency' });
      await verbOk(dispatcher, c.caseId, 'return', { reason: '不属于站区管理范围' });
      expect((await caseOf(c.order.orderNo)).nextAlertAt).toBeNull();
      if (how === 'event') await pushEvents(makeEvent(c.order.orderNo, 'redispatched', clock.now(), { newDueAt: '2026-03-13T18:00:00+08:00' }));
      else await pushOrder({ ...c.order, dispatchedAt: '2026-03-05T10:20:00+08:00' });
      const row = await caseOf(c.order.orderNo);
      expect(row.status, how).toBe('new');
      expect(row.nextAlertAt!.getTime(), how).toBeLessThanOrEqual(clock.now().getTime());
    }
  });

  it('applies an event once: the same event again is unchanged, other content under its identity is refused', async () => {
    const c = await pushedOrder('new');
    await verbOk(dispatcher, c.caseId, 'return', { reason: '不属于站区管理范围' });
    const event = makeEvent(c.order.orderNo, 'redispatched', clock.now(), { newDueAt: '2026-03-13T18:00:00+08:00' });
    expect((await pushEvents(event)).results[0]!.result).toBe('applied');
    const after = await eventsOf(c.caseId);
    const version = (await caseOf(c.order.orderNo)).version;
    expect((await pushEvents(event)).results[0]).toMatchObject({ result: 'unchanged', trackingCode: c.trackingCode });
    const differs = await pushEvents({ ...event, newDueAt: '2026-03-20T18:00:00+08:00' }, { 'accept-language': 'en' });
    expect(differs.results[0]).toMatchObject({ result: 'rejected', reason: { code: 'event_differs' } });
    expect(await eventsOf(c.caseId)).toEqual(after);
    expect((await caseOf(c.order.orderNo)).version).toBe(version);
    // A re-dispatch of an order that is not returned is refused with the state it is in.
    const open = await pushEvents(makeEvent(c.order.orderNo, 'redispatched', clock.now(), { at: '2026-03-05T10:20:00+08:00', newDueAt: '2026-03-13T18:00:00+08:00' }), {
      'accept-language': 'en',
    });
    expect(open.results[0]).toMatchObject({ result: 'rejected', reason: { code: 'invalid_state', message: 'The order is not returned (it is new); it cannot be re-dispatched' } });
  });
});

describe('redo (重办) and reopening', () => {
  it('reopens a replied order by the platform’s deadline, keeping the first round', async () => {
    const c = await pushedOrder('replied');
    const before = await caseOf(c.order.orderNo);
    const res = await pushEvents(makeEvent(c.order.orderNo, 'redo', clock.now(), { newDueAt: '2026-03-20T18:00:00+08:00', reason: '回访不满意' }));
    expect(res.results[0]!.result).toBe('applied');
    const row = await caseOf(c.order.orderNo);
    expect(row).toMatchObject({ status: 'in_progress', reopenCount: 1, repliedAt: null, leadDepartmentId: before.leadDepartmentId });
    // The platform's deadline, not the policy's.
    expect(row.replyDueAt.toISOString()).toBe(iso('2026-03-20T18:00:00+08:00'));
    expect(row.firstReplyDueAt?.toISOString()).toBe(before.replyDueAt.toISOString());
    expect(row.firstRepliedAt?.toISOString()).toBe(before.repliedAt!.toISOString());
    expect((await eventsOf(c.caseId)).at(-1)).toMatchObject({ type: 'reopened', isPublic: true, data: { source: '12345', platformReason: '回访不满意' } });
    const seen = await lookup(c.trackingCode, c.phone4);
    expect(seen.timeline.at(-1)).toEqual({ type: 'reopened', at: expect.any(String), newDueAt: iso('2026-03-20T18:00:00+08:00') });
    // No callback for what the platform itself ordered.
    expect((await callbacks(c.order.orderNo, [c.caseId])).map((p) => p.event)).toEqual(['acknowledged', 'replied']);
    // Redo of an order never answered is refused.
    const fresh = await pushedOrder('in_progress');
    const open = await pushEvents(makeEvent(fresh.order.orderNo, 'redo', clock.now(), { newDueAt: '2026-03-25T18:00:00+08:00' }));
    expect(open.results[0]).toMatchObject({ result: 'rejected', reason: { code: 'invalid_state' } });
  });

  it('tells the platform of a local reopening, with the new deadline', async () => {
    const c = await pushedOrder('replied');
    const detail = await verbOk(dispatcher, c.caseId, 'reopen', { reason: '市民来电反映仍有拉客' });
    const got = await callbacks(c.order.orderNo, [c.caseId]);
    expect(got.map((p) => p.event)).toEqual(['acknowledged', 'replied', 'reopened']);
    expect(got[2]).toMatchObject({ orderNo: c.order.orderNo, event: 'reopened', reason: '市民来电反映仍有拉客', newDueAt: new Date(detail.replyDueAt).toISOString() });
  });

  it('tells the platform when a dissatisfied rating reopens the order here (DISSATISFIED_ACTION=reopen)', async () => {
    const c = await pushedOrder('replied');
    const ctx = { ...jobContext(t, clock), config: { ...t.config, dissatisfiedAction: 'reopen' as const } };
    await handleDissatisfaction(ctx, c.caseId, '12345');
    const row = await caseOf(c.order.orderNo);
    expect(row.status).toBe('in_progress');
    const got = await callbacks(c.order.orderNo, [c.caseId]);
    expect(got.at(-1)).toMatchObject({ event: 'reopened', reason: 'dissatisfied', newDueAt: row.replyDueAt.toISOString() });

    // The platform's redo that follows sets its own deadline on the round already open, not a second one.
    const redo = await pushEvents(makeEvent(c.order.orderNo, 'redo', clock.now(), { newDueAt: '2026-03-21T18:00:00+08:00' }));
    expect(redo.results[0]!.result).toBe('applied');
    const after = await caseOf(c.order.orderNo);
    expect(after).toMatchObject({ status: 'in_progress', reopenCount: 1 });
    expect(after.replyDueAt.toISOString()).toBe(iso('2026-03-21T18:00:00+08:00'));
    expect(after.firstReplyDueAt?.toISOString()).toBe(row.firstReplyDueAt?.toISOString());
    expect((await eventsOf(c.caseId)).at(-1)).toMatchObject({ type: 'reopened', data: { source: '12345', alreadyReopened: true, previousDueAt: row.replyDueAt.toISOString() } });
  });
});

describe('merged 12345 orders', () => {
  it('tells the platform of the merge, and later of the master’s reply, never texting the caller', async () => {
    const master = await pushedOrder('in_progress');
    const dup = await pushedOrder('new');
    const web = await fileCase(t.app, t.db);
    await verbOk(dispatcher, dup.caseId, 'merge', { into: master.trackingCode });
    await verbOk(dispatcher, web.id, 'merge', { into: master.trackingCode });
    const mine = await t.db.select().from(outbox).where(eq(outbox.caseId, dup.caseId));
    expect(mine.map((r) => [r.channel, r.template])).toEqual([['callback_12345', 'merged']]);
    // A citizen of our own channels still gets our message.
    expect((await t.db.select().from(outbox).where(eq(outbox.caseId, web.id))).map((r) => r.template)).toContain('merged');

    await verbOk(handler, master.caseId, 'reply', { text: '已联合铁路公安整治，拉客人员已劝离' });
    const got = await callbacks(dup.order.orderNo, [dup.caseId]);
    expect(got).toEqual([
      { orderNo: dup.order.orderNo, event: 'merged', at: expect.any(String), masterTrackingCode: master.trackingCode, masterOrderNo: master.order.orderNo },
      {
        orderNo: dup.order.orderNo,
        event: 'replied',
        at: expect.any(String),
        text: '已联合铁路公安整治，拉客人员已劝离',
        masterTrackingCode: master.trackingCode,
        masterOrderNo: master.order.orderNo,
      },
    ]);
    // The web duplicate is not a 12345 order: no callback rows of its own.
    expect(
      (
        await t.db
          .select()
          .from(outbox)
          .where(and(eq(outbox.caseId, web.id), eq(outbox.channel, 'callback_12345')))
      ).length,
    ).toBe(0);
  });

  it('sends the master’s reply at once when the master was already answered', async () => {
    const master = await pushedOrder('replied');
    const dup = await pushedOrder('new');
    await verbOk(dispatcher, dup.caseId, 'merge', { into: master.trackingCode });
    const got = await callbacks(dup.order.orderNo, [dup.caseId]);
    expect(got.map((p) => [p.event, p.text ?? null])).toEqual([
      ['merged', null],
      ['replied', `已安排执法人员到场处理 ${master.order.orderNo}`],
    ]);
  });
});

describe('extensions of 12345 orders are the platform’s to decide', () => {
  it('sends the request, refuses a local decision, mirrors the platform’s approval and shows one deadline', async () => {
    const c = await pushedOrder('in_progress');
    const due = (await caseOf(c.order.orderNo)).replyDueAt;
    await verbOk(handler, c.caseId, 'extend', { reason: '需协调铁路公安联合整治', newDueAt: '2026-03-16T18:00:00+08:00' });
    const local = await verb(dispatcher, c.caseId, 'decide-extension', { approve: true });
    expect(local.status).toBe(409);
    expect(ErrorEnvelope.parse(await local.json()).error.message).toContain('12345 平台审批');

    // While the platform decides, the public sees the deadline in force, and nothing of the date asked for.
    const pendingView = await lookup(c.trackingCode, c.phone4);
    expect(iso(pendingView.replyDueAt)).toBe(due.toISOString());
    expect(JSON.stringify(pendingView)).not.toContain(iso('2026-03-16T18:00:00+08:00'));

    const decided = makeEvent(c.order.orderNo, 'extension_decided', clock.now(), { approved: true, newDueAt: '2026-03-14T18:00:00+08:00', text: '同意延期至3月14日' });
    expect((await pushEvents(decided)).results[0]!.result).toBe('applied');
    const row = await caseOf(c.order.orderNo);
    expect(row.replyDueAt.toISOString()).toBe(iso('2026-03-14T18:00:00+08:00'));
    expect(row.extensionCount).toBe(1);
    const [request] = await t.db.select().from(extensionRequests).where(eq(extensionRequests.caseId, c.caseId));
    expect(request).toMatchObject({ status: 'approved', decidedBy: null, decisionNote: '同意延期至3月14日' });
    expect((await eventsOf(c.caseId)).at(-1)).toMatchObject({ type: 'extension_approved', isPublic: true, actorType: 'feed', data: { newDueAt: iso('2026-03-14T18:00:00+08:00') } });
    const view = await lookup(c.trackingCode, c.phone4);
    expect(iso(view.replyDueAt)).toBe(iso('2026-03-14T18:00:00+08:00'));
    expect(view.timeline.filter((e) => e.newDueAt).map((e) => e.newDueAt)).toEqual([iso('2026-03-14T18:00:00+08:00')]);
    expect(JSON.stringify(view)).not.toContain('同意延期');
    // A retry changes nothing; the callback went out once.
    expect((await pushEvents(decided)).results[0]!.result).toBe('unchanged');
    expect((await caseOf(c.order.orderNo)).extensionCount).toBe(1);
    const got = await callbacks(c.order.orderNo, [c.caseId]);
    expect(got.filter((p) => p.event === 'extension_requested')).toEqual([
      { orderNo: c.order.orderNo, event: 'extension_requested', at: expect.any(String), reason: '需协调铁路公安联合整治', newDueAt: iso('2026-03-16T18:00:00+08:00') },
    ]);
  });

  it('mirrors a refusal, and refuses a decision with nothing pending', async () => {
    const c = await pushedOrder('in_progress');
    const due = (await caseOf(c.order.orderNo)).replyDueAt;
    const none = await pushEvents(makeEvent(c.order.orderNo, 'extension_decided', clock.now(), { approved: false }));
    expect(none.results[0]).toMatchObject({ result: 'rejected', reason: { code: 'invalid_state' } });
    await verbOk(handler, c.caseId, 'extend', { reason: '需协调', newDueAt: '2026-03-16T18:00:00+08:00' });
    expect((await pushEvents(makeEvent(c.order.orderNo, 'extension_decided', clock.now(), { approved: false, text: '时限内可办结' }))).results[0]!.result).toBe('applied');
    const row = await caseOf(c.order.orderNo);
    expect(row.replyDueAt.toISOString()).toBe(due.toISOString());
    expect(row.extensionCount).toBe(0);
    const [request] = await t.db.select().from(extensionRequests).where(eq(extensionRequests.caseId, c.caseId));
    expect(request).toMatchObject({ status: 'refused', decisionNote: '时限内可办结' });
    expect((await eventsOf(c.caseId)).at(-1)).toMatchObject({ type: 'extension_refused', isPublic: false });
    // Closed either way: the handler may ask again.
    await verbOk(handler, c.caseId, 'extend', { reason: '再次申请', newDueAt: '2026-03-16T18:00:00+08:00' });
  });
});

describe('urging (催办/督办)', () => {
  it('becomes an escalation: internal timeline entry, an alert, one mail per supervisor, once per urging', async () => {
    const c = await pushedOrder('assigned');
    const version = (await caseOf(c.order.orderNo)).version;
    const urge = makeEvent(c.order.orderNo, 'urged', clock.now(), { text: '市民多次来电，请加快办理' });
    expect((await pushEvents(urge)).results[0]!.result).toBe('applied');
    const last = (await eventsOf(c.caseId)).at(-1)!;
    expect(last).toMatchObject({ type: 'urged', isPublic: false, actorType: 'feed', data: { text: '市民多次来电，请加快办理', urgedAt: iso(urge.at as string) } });
    expect(await t.db.select().from(caseAlerts).where(eq(caseAlerts.caseId, c.caseId))).toEqual([
      expect.objectContaining({ clock: 'urge', kind: 'escalation', dueAt: new Date(urge.at as string) }),
    ]);
    const mails = await t.db
      .select()
      .from(outbox)
      .where(and(eq(outbox.caseId, c.caseId), eq(outbox.template, 'urged')));
    expect(mails.map((m) => m.recipient)).toContain(supervisor.email);
    expect(mails.every((m) => m.channel === 'email')).toBe(true);
    expect(mails[0]!.payload).toMatchObject({ trackingCode: c.trackingCode, orderNo: c.order.orderNo, text: '市民多次来电，请加快办理' });
    // A handler's open form stays valid: urging bumps no version.
    expect((await caseOf(c.order.orderNo)).version).toBe(version);
    // The console shows it on the case.
    const res = await call(t.app, dispatcher, 'GET', `/api/staff/cases/${c.caseId}`);
    expect(CaseDetail.parse(await res.json()).timeline.at(-1)).toMatchObject({ type: 'urged', isPublic: false });
    // Not on the public page.
    expect((await lookup(c.trackingCode, c.phone4)).timeline.map((e) => e.type)).not.toContain('urged');
    // The queue marks it.
    const queue = QueuePage.parse(await (await call(t.app, dispatcher, 'GET', `/api/staff/cases?q=${c.order.orderNo}`)).json());
    expect(queue.items.map((i) => [i.trackingCode, i.urgedAt && iso(i.urgedAt)])).toEqual([[c.trackingCode, iso(urge.at as string)]]);

    const count = (await eventsOf(c.caseId)).length;
    expect((await pushEvents(urge)).results[0]!.result).toBe('unchanged');
    expect(await eventsOf(c.caseId)).toHaveLength(count);
    expect(
      await t.db
        .select()
        .from(outbox)
        .where(and(eq(outbox.caseId, c.caseId), eq(outbox.template, 'urged'))),
    ).toHaveLength(mails.length);
    // A second urging is a second alert.
    expect((await pushEvents(makeEvent(c.order.orderNo, 'urged', clock.now(), { at: clock.now().toISOString() }))).results[0]!.result).toBe('applied');
    expect(await t.db.select().from(caseAlerts).where(eq(caseAlerts.caseId, c.caseId))).toHaveLength(2);
  });
});

describe('POST /feeds/12345/events', () => {
  it('answers each event of a batch on its own, applying them in the order sent', async () => {
    const c = await pushedOrder('new');
    await verbOk(dispatcher, c.caseId, 'return', { reason: '不属于站区管理范围' });
    const body = await pushEvents({
      events: [
        makeEvent(c.order.orderNo, 'redispatched', clock.now(), { at: '2026-03-05T10:21:00+08:00', newDueAt: '2026-03-13T18:00:00+08:00' }),
        makeEvent(c.order.orderNo, 'redo', clock.now()),
        makeEvent('NO-SUCH-ORDER-9', 'urged', clock.now()),
        { orderNo: c.order.orderNo, type: 'cancelled', at: '2026-03-05T10:22:00+08:00' },
        'not an event',
        makeEvent(c.order.orderNo, 'urged', clock.now(), { at: '2026-03-05T10:22:00+08:00', text: '请尽快签收' }),
      ],
    });
    expect(body.counts).toEqual({ applied: 2, unchanged: 0, rejected: 4 });
    expect(body.results.map((r) => [r.index, r.type, r.result, r.reason?.code ?? null])).toEqual([
      [0, 'redispatched', 'applied', null],
      [1, 'redo', 'rejected', 'invalid_event'],
      [2, 'urged', 'rejected', 'unknown_order'],
      [3, 'cancelled', 'rejected', 'invalid_event'],
      [4, null, 'rejected', 'invalid_event'],
      [5, 'urged', 'applied', null],
    ]);
    expect(body.results[1]!.reason!.fields).toEqual([expect.objectContaining({ field: 'newDueAt' })]);
    expect(body.results[2]!.reason!.message).toBe('没有工单 NO-SUCH-ORDER-9');
    expect((await eventsOf(c.caseId)).map((e) => e.type).slice(-2)).toEqual(['redispatched', 'urged']);
  });

  it('refuses bad pushes whole: empty, too many, not a list, unsigned; an identical resend gets the first answer', async () => {
    const c = await pushedOrder('in_progress');
    const empty = await push({ events: [] }, '/feeds/12345/events');
    expect(empty.status).toBe(400);
    const notList = await push({ events: 'x' }, '/feeds/12345/events');
    expect(notList.status).toBe(400);
    const tooMany = await push({ events: Array.from({ length: 501 }, () => makeEvent(c.order.orderNo, 'urged', clock.now())) }, '/feeds/12345/events');
    expect(tooMany.status).toBe(413);
    const urge = makeEvent(c.order.orderNo, 'urged', clock.now(), { text: '催办' });
    const unsigned = await signedPush(t.app, SECRET, urge, clock, { path: '/feeds/12345/events', signature: null });
    expect(unsigned.status).toBe(401);
    expect((await eventsOf(c.caseId)).map((e) => e.type)).not.toContain('urged');

    clock.advance(1000);
    const raw = JSON.stringify(urge);
    const header = signature(SECRET, raw, clock.now());
    const send = () => signedPush(t.app, SECRET, raw, clock, { path: '/feeds/12345/events', signature: header });
    const first = FeedEventResults.parse(await (await send()).json());
    expect(first.results[0]!.result).toBe('applied');
    const repeat = await send();
    expect(repeat.headers.get('idempotent-replayed')).toBe('true');
    expect(FeedEventResults.parse(await repeat.json())).toEqual(first);
    expect((await eventsOf(c.caseId)).filter((e) => e.type === 'urged')).toHaveLength(1);
  });

  it('reads a time without an offset as Beijing time, and refuses one in the future', async () => {
    const c = await pushedOrder('in_progress');
    expect((await pushEvents(makeEvent(c.order.orderNo, 'urged', clock.now(), { at: '2026-03-05 10:31' }))).results[0]!.result).toBe('applied');
    const [alert] = await t.db.select().from(caseAlerts).where(eq(caseAlerts.caseId, c.caseId));
    expect(alert!.dueAt.toISOString()).toBe(iso('2026-03-05T10:31:00+08:00'));
    const future = await pushEvents(makeEvent(c.order.orderNo, 'urged', clock.now(), { at: '2026-03-06T10:31:00+08:00' }));
    expect(future.results[0]).toMatchObject({ result: 'rejected', reason: { code: 'invalid_event', fields: [expect.objectContaining({ field: 'at' })] } });
  });

  it('documents the event pushes and the callbacks in OpenAPI, each with examples', async () => {
    const doc = (await (await t.app.request('/api/openapi.json')).json()) as {
      paths: Record<string, Record<string, unknown>>;
      components: { schemas: Record<string, { examples?: Array<Record<string, unknown>> }> };
    };
    expect(doc.paths['/feeds/12345/events']?.post).toBeDefined();
    const eventTypes = new Set(doc.components.schemas.FeedEvent?.examples?.map((e) => e.type));
    expect([...eventTypes].sort()).toEqual(['appeal_decided', 'extension_decided', 'redispatched', 'redo', 'urged']);
    const callbackEvents = new Set(doc.components.schemas.FeedCallback?.examples?.map((e) => e.event));
    expect([...callbackEvents].sort()).toEqual(['acknowledged', 'appeal', 'extension_requested', 'merged', 'reopened', 'replied', 'returned']);
  });

  it('keeps the order’s record in step with the platform’s changes, so its next push of the order is unchanged', async () => {
    const c = await pushedOrder('replied');
    await pushEvents(makeEvent(c.order.orderNo, 'redo', clock.now(), { newDueAt: '2026-03-20T18:00:00+08:00' }));
    const [kept] = await t.db.select().from(feedOrders).where(eq(feedOrders.orderNo, c.order.orderNo));
    expect((kept!.snapshot as { dueAt: string }).dueAt).toBe(iso('2026-03-20T18:00:00+08:00'));
    expect((await pushOrder({ ...c.order, dueAt: '2026-03-20T18:00:00+08:00' })).results[0]!.result).toBe('unchanged');
  });
});
