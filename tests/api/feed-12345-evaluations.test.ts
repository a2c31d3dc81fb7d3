import { and, asc, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { deliverCallback } from '../../api/domain/feed12345/callback.ts';
import { ErrorEnvelope } from '../../api/http/envelope.ts';
import { FeedEvaluationResult, FeedOrderResults } from '../../api/routes/feeds/schemas.ts';
import { CaseDetail } from '../../api/routes/staff/schemas.ts';
import { caseEvents, cases, evaluations, feedSignatures, outbox } from '../../db/schema.ts';
import { makeOrder, signature, signedPush, useFakePlatform } from '../fakes/platform-12345.ts';
import { fixedClock, jobContext, testConfig, useTestApp } from '../helpers/app.ts';
import { call, type StaffSession, staffSession } from '../helpers/staff.ts';

const SECRET = 'eval-12345-secret';
const clock = fixedClock('2026-03-05T02:30:00Z');
// Before the app is built, so its configured callback URL is the fake's.
const fake = useFakePlatform(SECRET, clock);
const t = useTestApp({ clock, env: fake.env });

let dispatcher: StaffSession;
let handler: StaffSession;
beforeAll(async () => {
  dispatcher = await staffSession(t.app, t.db, 'dispatcher', undefined, clock.now());
  handler = await staffSession(t.app, t.db, 'handler', 'enf1', clock.now());
});

function push(body: unknown, path = '/feeds/12345/orders', headers: Record<string, string> = {}) {
  clock.advance(1000); // every request signed afresh
  return signedPush(t.app, SECRET, body, clock, { path, headers });
}
const evaluate = (body: Record<string, unknown>, headers: Record<string, string> = {}) => push(body, '/feeds/12345/evaluations', headers);

/** A pushed order, taken through assign, acknowledge and reply by staff. */
async function repliedOrder() {
  const order = makeOrder();
  const pushed = FeedOrderResults.parse(await (await push(order)).json());
  const [row] = await t.db
    .select()
    .from(cases)
    .where(and(eq(cases.channel, '12345'), eq(cases.externalRef, order.orderNo)));
  let version = row!.version;
  for (const [as, verb, body] of [
    [dispatcher, 'assign', { leadDepartment: 'enf1' }],
    [handler, 'acknowledge', {}],
    [handler, 'reply', { text: '已安排执法人员到场处理，拉客人员已劝离' }],
  ] as const) {
    const res = await call(t.app, as, 'POST', `/api/staff/cases/${row!.id}/${verb}`, { version, ...body });
    expect(res.status, verb).toBe(200);
    version = CaseDetail.parse(await res.json()).version;
  }
  return { order, caseId: row!.id, trackingCode: pushed.results[0]!.trackingCode! };
}

/** A minute ago by the test clock: the platform surveys after the reply. */
const justNow = () => new Date(clock.now().getTime() - 60_000).toISOString();
const evaluationsOf = (caseId: string) => t.db.select().from(evaluations).where(eq(evaluations.caseId, caseId));
const eventsOf = (caseId: string) => t.db.select().from(caseEvents).where(eq(caseEvents.caseId, caseId)).orderBy(asc(caseEvents.id));

describe('POST /feeds/12345/evaluations', () => {
  it('records the platform’s follow-up once per reply round; a repeat is unchanged, a different result a conflict', async () => {
    const c = await repliedOrder();
    const evaluatedAt = justNow();
    const body = { orderNo: c.order.orderNo, resolved: 'yes', satisfaction: 'very_satisfied', evaluatedAt, comment: '处理很快' };
    const res = await evaluate(body);
    expect(res.status).toBe(200);
    expect(FeedEvaluationResult.parse(await res.json())).toEqual({ orderNo: c.order.orderNo, result: 'recorded', trackingCode: c.trackingCode, replyRound: 0 });
    const [row] = await evaluationsOf(c.caseId);
    expect(row).toMatchObject({ source: '12345', replyRound: 0, satisfaction: 'very_satisfied', resolved: 'yes', comment: '处理很快' });
    expect(row!.evaluatedAt.toISOString()).toBe(evaluatedAt);

    const again = await evaluate(body);
    expect(again.status).toBe(200);
    expect(FeedEvaluationResult.parse(await again.json()).result).toBe('unchanged');
    const differs = await evaluate({ ...body, satisfaction: 'basic' }, { 'accept-language': 'en' });
    expect(differs.status).toBe(409);
    expect(ErrorEnvelope.parse(await differs.json()).error.message).toBe('A different follow-up result is already recorded for this reply');
    expect(await evaluationsOf(c.caseId)).toHaveLength(1);
    const evaluated = (await eventsOf(c.caseId)).filter((e) => e.type === 'evaluated');
    expect(evaluated).toHaveLength(1);
    expect(evaluated[0]).toMatchObject({ actorType: 'feed', isPublic: true, data: { source: '12345', satisfaction: 'very_satisfied', resolved: 'yes' } });
  });

  it('flags a dissatisfied result for the dispatcher', async () => {
    const c = await repliedOrder();
    const res = await evaluate({ orderNo: c.order.orderNo, resolved: 'no', satisfaction: 'dissatisfied', evaluatedAt: justNow() });
    expect(res.status).toBe(200);
    const events = await eventsOf(c.caseId);
    expect(events.map((e) => e.type).slice(-2)).toEqual(['evaluated', 'dissatisfied']);
    // Public since #18: the status page says the case is under review, and by when; who rated stays in `source`.
    expect(events.at(-1)).toMatchObject({ isPublic: true, data: { source: '12345', reviewDueAt: expect.any(String) } });
    const [row] = await t.db.select().from(cases).where(eq(cases.id, c.caseId));
    expect(row!.flaggedAt).not.toBeNull();
  });

  it('refuses unknown orders, unreplied cases, bad fields and bad signatures, storing nothing', async () => {
    const unknown = await evaluate({ orderNo: 'NO-SUCH-ORDER-1', resolved: 'yes', satisfaction: 'satisfied', evaluatedAt: justNow() });
    expect(unknown.status).toBe(404);
    expect(ErrorEnvelope.parse(await unknown.json()).error.message).toBe('没有工单 NO-SUCH-ORDER-1');

    const order = makeOrder();
    await push(order);
    const early = await evaluate({ orderNo: order.orderNo, resolved: 'yes', satisfaction: 'satisfied', evaluatedAt: justNow() });
    expect(early.status).toBe(409);

    const c = await repliedOrder();
    for (const body of [
      { orderNo: c.order.orderNo, resolved: true, satisfaction: 'satisfied', evaluatedAt: justNow() },
      { orderNo: c.order.orderNo, resolved: 'yes', satisfaction: 'great', evaluatedAt: justNow() },
      { orderNo: c.order.orderNo, resolved: 'yes', satisfaction: 'satisfied', evaluatedAt: 'tomorrow' },
      { orderNo: c.order.orderNo, resolved: 'yes', satisfaction: 'satisfied', evaluatedAt: '2027-01-01T00:00:00+08:00' },
      { resolved: 'yes', satisfaction: 'satisfied', evaluatedAt: justNow() },
    ]) {
      const res = await evaluate(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(ErrorEnvelope.parse(await res.json()).error.code).toBe('invalid_input');
    }
    const unsigned = await signedPush(t.app, SECRET, { orderNo: c.order.orderNo, resolved: 'yes', satisfaction: 'satisfied', evaluatedAt: justNow() }, clock, {
      path: '/feeds/12345/evaluations',
      signature: null,
    });
    expect(unsigned.status).toBe(401);
    expect(await evaluationsOf(c.caseId)).toHaveLength(0);
  });

  it('answers an identical repeat with the first answer (`recorded`, not `unchanged`), recording once', async () => {
    const c = await repliedOrder();
    clock.advance(1000);
    const raw = JSON.stringify({ orderNo: c.order.orderNo, resolved: 'no', satisfaction: 'dissatisfied', evaluatedAt: justNow() });
    const header = signature(SECRET, raw, clock.now());
    const send = () => signedPush(t.app, SECRET, raw, clock, { path: '/feeds/12345/evaluations', signature: header });
    const first = await send();
    expect(first.status).toBe(200);
    const answer = FeedEvaluationResult.parse(await first.json());
    expect(answer.result).toBe('recorded');
    const events = await eventsOf(c.caseId);
    clock.advance(20_000);
    const [a, b] = await Promise.all([send(), send()]);
    for (const repeat of [a!, b!]) {
      expect(repeat.status).toBe(200);
      expect(repeat.headers.get('idempotent-replayed')).toBe('true');
      expect(FeedEvaluationResult.parse(await repeat.json())).toEqual(answer);
    }
    expect(await evaluationsOf(c.caseId)).toHaveLength(1);
    // One evaluated event and one dissatisfied flag, not two of each.
    expect(await eventsOf(c.caseId)).toEqual(events);
    // Another body under the same signature fails its MAC.
    const other = await signedPush(t.app, SECRET, raw.replace('dissatisfied', 'satisfied'), clock, { path: '/feeds/12345/evaluations', signature: header });
    expect(other.status).toBe(401);
  });

  it('keeps no claim for a refused evaluation, so the same request sent again is judged afresh', async () => {
    const order = makeOrder();
    clock.advance(1000);
    const raw = JSON.stringify({ orderNo: order.orderNo, resolved: 'yes', satisfaction: 'satisfied', evaluatedAt: justNow() });
    const header = signature(SECRET, raw, clock.now());
    const send = () => signedPush(t.app, SECRET, raw, clock, { path: '/feeds/12345/evaluations', signature: header });
    expect((await send()).status).toBe(404);
    // The order arrives meanwhile, not yet replied: the retry of the very same request is now a 409, not a stored 404 nor a 401.
    await push(order);
    const retry = await send();
    expect(retry.status).toBe(409);
    expect(
      await t.db
        .select()
        .from(feedSignatures)
        .where(eq(feedSignatures.mac, header.split('v1=')[1]!)),
    ).toHaveLength(0);
  });
});

describe('12345 callbacks', () => {
  it('queues acknowledged and replied callbacks to the configured URL, and the fake platform verifies them', async () => {
    const c = await repliedOrder();
    const rows = await t.db
      .select()
      .from(outbox)
      .where(and(eq(outbox.caseId, c.caseId), eq(outbox.channel, 'callback_12345')))
      .orderBy(asc(outbox.id));
    expect(rows.map((r) => r.template)).toEqual(['acknowledged', 'replied']);
    const ctx = jobContext(t, clock);
    for (const row of rows) {
      expect(row.recipient).toBe(fake.platform.url);
      const result = await deliverCallback(ctx, row);
      expect(result).toMatchObject({ ok: true });
    }
    const got = fake.platform.received.filter((r) => r.payload?.orderNo === c.order.orderNo);
    expect(got.map((r) => [r.verified, r.payload?.event, r.idempotencyKey])).toEqual(rows.map((r) => [true, r.template, r.idempotencyKey]));
    expect(got[1]!.payload).toMatchObject({ orderNo: c.order.orderNo, event: 'replied', text: '已安排执法人员到场处理，拉客人员已劝离' });
    expect(got[1]!.headers['content-type']).toContain('application/json');
  });

  it('tells retryable failures (5xx, 408, 429, timeouts, network) from final ones (other 4xx, bad signature, no secret)', async () => {
    const ctx = jobContext(t, clock);
    const row = (n: number) => ({
      recipient: fake.platform.url,
      payload: { orderNo: `CB-${n}`, event: 'acknowledged', at: clock.now().toISOString() },
      idempotencyKey: `callback:test:${n}:${Math.random()}`,
    });

    fake.platform.failNext(1, 500);
    const failed = await deliverCallback(ctx, row(1));
    expect(failed).toMatchObject({ ok: false, retryable: true });
    expect((failed as { error: string }).error).toMatch(/^HTTP 500/);
    for (const [status, retryable] of [
      [408, true],
      [429, true],
      [503, true],
      [400, false],
      [404, false],
      [410, false],
    ] as const) {
      fake.platform.failNext(1, status);
      expect(await deliverCallback(ctx, row(status)), String(status)).toMatchObject({ ok: false, retryable });
    }
    // The same row again after a failure: delivered, with the platform's id.
    const again = row(2);
    fake.platform.failNext(1);
    expect((await deliverCallback(ctx, again)).ok).toBe(false);
    const ok = await deliverCallback(ctx, again);
    expect(ok.ok && ok.providerMessageId).toMatch(/^cb-\d+$/);
    expect(fake.platform.accepted().filter((r) => r.idempotencyKey === again.idempotencyKey)).toHaveLength(1);

    fake.platform.failNext(1, 0);
    const slow = await deliverCallback(ctx, row(3), fetch, { timeoutMs: 200 });
    expect(slow).toMatchObject({ ok: false, retryable: true, error: 'no answer within 0.2 s' });

    const wrongSecret = { ...ctx, config: testConfig({ FEED_12345_SECRET: 'not-the-platform-secret' }) };
    expect(await deliverCallback(wrongSecret, row(4))).toMatchObject({ ok: false, retryable: false, error: expect.stringMatching(/^HTTP 401/) });
    const noSecret = { ...ctx, config: testConfig({}) };
    expect(await deliverCallback(noSecret, row(5))).toMatchObject({ ok: false, retryable: false });
    expect(await deliverCallback(ctx, { ...row(6), recipient: 'http://127.0.0.1:9/callbacks' })).toMatchObject({ ok: false, retryable: true });
    expect(await deliverCallback(noSecret, { ...row(7), recipient: 'local' })).toMatchObject({ ok: true });
  });
});
