import { and, asc, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { deliverCallback } from '../../api/domain/feed12345/callback.ts';
import { ErrorEnvelope } from '../../api/http/envelope.ts';
import { FeedEventResults, FeedOrderResults } from '../../api/routes/feeds/schemas.ts';
import { CaseDetail } from '../../api/routes/staff/schemas.ts';
import { caseEvents, cases, evaluations, outbox, ratingAppeals } from '../../db/schema.ts';
import { makeEvent, makeOrder, signedPush, useFakePlatform } from '../fakes/platform-12345.ts';
import { fixedClock, jobContext, useTestApp } from '../helpers/app.ts';
import { call, fileCase, type StaffSession, staffSession } from '../helpers/staff.ts';

/*
 * Appeals of unreasonable 12345 ratings (申诉/核减): the handler files, the
 * supervisor sends (callback `appeal`), the platform decides (event
 * `appeal_decided`); an accepted appeal takes the rating out of the case's
 * latest satisfaction and resolution, which the published rates read.
 */

const SECRET = 'appeal-12345-secret';
const clock = fixedClock('2026-03-05T02:30:00Z');
// Before the app is built, so its configured callback URL is the fake's.
const fake = useFakePlatform(SECRET, clock);
const t = useTestApp({ clock, env: fake.env });

let dispatcher: StaffSession;
let supervisor: StaffSession;
let handler: StaffSession;
let otherHandler: StaffSession;
beforeAll(async () => {
  dispatcher = await staffSession(t.app, t.db, 'dispatcher', undefined, clock.now());
  supervisor = await staffSession(t.app, t.db, 'supervisor', undefined, clock.now());
  handler = await staffSession(t.app, t.db, 'handler', 'enf1', clock.now());
  otherHandler = await staffSession(t.app, t.db, 'handler', 'enf2', clock.now());
});

function push(body: unknown, path: string) {
  clock.advance(1000);
  return signedPush(t.app, SECRET, body, clock, { path });
}
async function pushEvent(event: Record<string, unknown>) {
  const res = await push(event, '/feeds/12345/events');
  expect(res.status).toBe(200);
  return FeedEventResults.parse(await res.json()).results[0]!;
}

async function verb(as: StaffSession, caseId: string, name: string, body: Record<string, unknown> = {}) {
  const version = (await t.db.select({ version: cases.version }).from(cases).where(eq(cases.id, caseId)))[0]!.version;
  return call(t.app, as, 'POST', `/api/staff/cases/${caseId}/${name}`, { version, ...body });
}
async function verbOk(as: StaffSession, caseId: string, name: string, body: Record<string, unknown> = {}) {
  const res = await verb(as, caseId, name, body);
  expect(res.status, `${name}: ${res.status === 200 ? '' : await res.clone().text()}`).toBe(200);
  return CaseDetail.parse(await res.json());
}
async function refused(res: Response, status: number) {
  expect(res.status).toBe(status);
  return ErrorEnvelope.parse(await res.json()).error;
}

/** A 12345 order replied by enf1 and rated by the platform's follow-up. */
async function ratedOrder(satisfaction = 'dissatisfied', resolved = 'no') {
  const order = makeOrder();
  const pushed = FeedOrderResults.parse(await (await push(order, '/feeds/12345/orders')).json());
  const [row] = await t.db
    .select()
    .from(cases)
    .where(and(eq(cases.channel, '12345'), eq(cases.externalRef, order.orderNo)));
  const caseId = row!.id;
  await verbOk(dispatcher, caseId, 'assign', { leadDepartment: 'enf1' });
  await verbOk(handler, caseId, 'acknowledge');
  await verbOk(handler, caseId, 'reply', { text: '已向市民解释票价由铁路部门制定' });
  const evaluatedAt = new Date(clock.now().getTime() - 60_000).toISOString();
  const res = await push({ orderNo: order.orderNo, resolved, satisfaction, evaluatedAt }, '/feeds/12345/evaluations');
  expect(res.status).toBe(200);
  return { order, caseId, trackingCode: pushed.results[0]!.trackingCode! };
}
const caseRow = async (id: string) => (await t.db.select().from(cases).where(eq(cases.id, id)))[0]!;
const eventsOf = (caseId: string) => t.db.select().from(caseEvents).where(eq(caseEvents.caseId, caseId)).orderBy(asc(caseEvents.id));
const REASONS = '市民诉求为降低全国铁路票价，超出站区职责，已如实解释';

describe('appeals of 12345 ratings (申诉/核减)', () => {
  it('runs file → send → accepted: the callback carries the reasons, and the rating leaves the case’s figures', async () => {
    const c = await ratedOrder();
    expect(await caseRow(c.caseId)).toMatchObject({ lastSatisfaction: 'dissatisfied', lastResolved: 'no' });

    const filed = await verbOk(handler, c.caseId, 'appeal', { reasons: REASONS });
    expect(filed.platformRatings).toEqual([
      expect.objectContaining({
        replyRound: 0,
        satisfaction: 'dissatisfied',
        resolved: 'no',
        excludedAt: null,
        appeal: expect.objectContaining({ status: 'filed', reasons: REASONS, sentAt: null }),
      }),
    ]);
    expect(filed.timeline.at(-1)).toMatchObject({ type: 'appeal_filed', isPublic: false, data: { reasons: REASONS } });
    // Nothing reaches the platform before a supervisor sends it.
    expect(
      await t.db
        .select()
        .from(outbox)
        .where(and(eq(outbox.caseId, c.caseId), eq(outbox.template, 'appeal'))),
    ).toHaveLength(0);

    const sent = await verbOk(supervisor, c.caseId, 'send-appeal');
    const appeal = sent.platformRatings[0]!.appeal!;
    expect(appeal).toMatchObject({ status: 'sent', sentAt: expect.any(String) });
    const [row] = await t.db
      .select()
      .from(outbox)
      .where(and(eq(outbox.caseId, c.caseId), eq(outbox.template, 'appeal')));
    expect(await deliverCallback(jobContext(t, clock), row!)).toMatchObject({ ok: true });
    const got = fake.platform.callbacksFor(c.order.orderNo).filter((r) => r.payload?.event === 'appeal');
    expect(got).toHaveLength(1);
    expect(got[0]!.verified).toBe(true);
    expect(got[0]!.payload).toEqual({
      orderNo: c.order.orderNo,
      event: 'appeal',
      at: expect.any(String),
      appealId: appeal.id,
      reason: REASONS,
      replyRound: 0,
      satisfaction: 'dissatisfied',
      evaluatedAt: expect.any(String),
    });

    const decision = makeEvent(c.order.orderNo, 'appeal_decided', clock.now(), { appealId: appeal.id, approved: true, text: '情况属实，予以核减' });
    expect((await pushEvent(decision)).result).toBe('applied');
    const [rating] = await t.db.select().from(evaluations).where(eq(evaluations.caseId, c.caseId));
    expect(rating!.excludedAt?.toISOString()).toBe(new Date(decision.at as string).toISOString());
    // The trigger leaves the case with no rating that counts: out of satisfaction and resolution.
    expect(await caseRow(c.caseId)).toMatchObject({ lastSatisfaction: null, lastResolved: null });
    const [kept] = await t.db.select().from(ratingAppeals).where(eq(ratingAppeals.id, appeal.id));
    expect(kept).toMatchObject({ status: 'accepted', decisionNote: '情况属实，予以核减' });
    expect((await eventsOf(c.caseId)).at(-1)).toMatchObject({ type: 'appeal_accepted', isPublic: false, actorType: 'feed' });
    const detail = CaseDetail.parse(await (await call(t.app, handler, 'GET', `/api/staff/cases/${c.caseId}`)).json());
    expect(detail.platformRatings[0]).toMatchObject({ excludedAt: expect.any(String), appeal: { status: 'accepted' } });

    // The platform's retry changes nothing; a second appeal of the rating is refused.
    expect((await pushEvent(decision)).result).toBe('unchanged');
    const again = await refused(await verb(handler, c.caseId, 'appeal', { reasons: REASONS }), 409);
    expect(again.message).toContain('已有核减申诉');
  });

  it('records a refusal: the rating still counts and may not be appealed again', async () => {
    const c = await ratedOrder('basic', 'partial');
    await verbOk(handler, c.caseId, 'appeal', { reasons: REASONS });
    await verbOk(supervisor, c.caseId, 'send-appeal');
    // The order's one appeal awaiting a decision, named or not.
    expect((await pushEvent(makeEvent(c.order.orderNo, 'appeal_decided', clock.now(), { approved: false, text: '理由不充分' }))).result).toBe('applied');
    const [rating] = await t.db.select().from(evaluations).where(eq(evaluations.caseId, c.caseId));
    expect(rating!.excludedAt).toBeNull();
    expect(await caseRow(c.caseId)).toMatchObject({ lastSatisfaction: 'basic', lastResolved: 'partial' });
    expect((await eventsOf(c.caseId)).at(-1)).toMatchObject({ type: 'appeal_refused', isPublic: false, data: { note: '理由不充分' } });
    const again = await refused(await verb(handler, c.caseId, 'appeal', { reasons: '补充理由' }), 409);
    expect(again.message).toContain('已被平台驳回');
    // A decision with no appeal awaiting one is refused with the reason.
    const none = await pushEvent(makeEvent(c.order.orderNo, 'appeal_decided', clock.now(), { at: clock.now().toISOString(), approved: true }));
    expect(none).toMatchObject({ result: 'rejected', reason: { code: 'invalid_state' } });
  });

  it('lets only the lead department file and only a supervisor send; refuses what has nothing to appeal or send', async () => {
    const c = await ratedOrder();
    await refused(await verb(otherHandler, c.caseId, 'appeal', { reasons: REASONS }), 403);
    await refused(await verb(dispatcher, c.caseId, 'appeal', { reasons: REASONS }), 403);
    const blank = await refused(await verb(handler, c.caseId, 'appeal', { reasons: '  ' }), 400);
    expect(blank.details).toMatchObject({ fields: [expect.objectContaining({ field: 'reasons' })] });
    expect((await refused(await verb(supervisor, c.caseId, 'send-appeal'), 409)).message).toBe('没有待报送的核减申诉');
    await verbOk(handler, c.caseId, 'appeal', { reasons: REASONS });
    await refused(await verb(dispatcher, c.caseId, 'send-appeal'), 403);
    await refused(await verb(handler, c.caseId, 'send-appeal'), 403);
    // Sent by the platform before it is sent by us: not a decision we can take.
    const early = await pushEvent(makeEvent(c.order.orderNo, 'appeal_decided', clock.now(), { approved: true }));
    expect(early).toMatchObject({ result: 'rejected', reason: { code: 'invalid_state' } });
    expect((await t.db.select().from(evaluations).where(eq(evaluations.caseId, c.caseId)))[0]!.excludedAt).toBeNull();

    // A case with no 12345 rating has nothing to appeal.
    const web = await fileCase(t.app, t.db);
    await verbOk(dispatcher, web.id, 'assign', { leadDepartment: 'enf1' });
    expect((await refused(await verb(handler, web.id, 'appeal', { reasons: REASONS }), 409)).message).toBe('本案没有可申诉的 12345 回访评价');
    expect((await refused(await verb(handler, c.caseId, 'appeal', { reasons: REASONS, evaluationId: 2_000_000_000 }), 404)).code).toBe('not_found');
  });

  it('appeals the rating of the first round after a redo', async () => {
    const c = await ratedOrder();
    expect((await pushEvent(makeEvent(c.order.orderNo, 'redo', clock.now(), { newDueAt: '2026-03-20T18:00:00+08:00' }))).result).toBe('applied');
    const filed = await verbOk(handler, c.caseId, 'appeal', { reasons: REASONS });
    expect(filed.status).toBe('in_progress');
    expect(filed.platformRatings[0]!.appeal?.status).toBe('filed');
  });
});
