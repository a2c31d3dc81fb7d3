import { and, asc, eq, inArray } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../api/app.ts';
import { ErrorEnvelope } from '../../api/http/envelope.ts';
import { createLogger } from '../../api/logger.ts';
import { FeedOrderResults } from '../../api/routes/feeds/schemas.ts';
import { caseEvents, cases, categories, feedOrders, feedSignatures, locations, stations } from '../../db/schema.ts';
import { makeOrder, signature, signedPush, uniqueOrderNo } from '../fakes/platform-12345.ts';
import { fixedClock, testConfig, useTestApp } from '../helpers/app.ts';

const SECRET = 'test-12345-secret';
const clock = fixedClock('2026-03-05T02:30:00Z'); // 10:30 in Shanghai
const t = useTestApp({ clock, env: { FEED_12345_SECRET: SECRET } });

/** Like the platform, signs every request afresh: a second later each time (identical bytes and time would be a replay). */
const push = (body: unknown, options: Parameters<typeof signedPush>[4] = {}) => {
  if (options.at === undefined && options.signature === undefined) clock.advance(1000);
  return signedPush(t.app, SECRET, body, clock, options);
};

async function pushOk(body: unknown, options: Parameters<typeof signedPush>[4] = {}) {
  const res = await push(body, options);
  expect(res.status).toBe(200);
  return FeedOrderResults.parse(await res.json());
}

const caseOf = async (orderNo: string) =>
  (
    await t.db
      .select()
      .from(cases)
      .where(and(eq(cases.channel, '12345'), eq(cases.externalRef, orderNo)))
  )[0];
const countCases = async (orderNos: string[]) =>
  (
    await t.db
      .select({ id: cases.id })
      .from(cases)
      .where(and(eq(cases.channel, '12345'), inArray(cases.externalRef, orderNos)))
  ).length;
const eventsOf = (caseId: string) => t.db.select().from(caseEvents).where(eq(caseEvents.caseId, caseId)).orderBy(asc(caseEvents.id));
const iso = (s: string) => new Date(s).toISOString();

describe('POST /feeds/12345/orders — signatures', () => {
  it('takes a signed single order and makes a 12345 case of it', async () => {
    const order = makeOrder();
    const body = await pushOk(order);
    expect(body.counts).toEqual({ created: 1, updated: 0, unchanged: 0, rejected: 0 });
    expect(body.results[0]).toMatchObject({ index: 0, orderNo: order.orderNo, result: 'created' });
    const row = await caseOf(order.orderNo);
    const [station] = await t.db.select().from(stations).where(eq(stations.code, 'TJ'));
    const [frontSquare] = await t.db
      .select()
      .from(locations)
      .where(and(eq(locations.stationId, station!.id), eq(locations.code, 'front_square')));
    expect(row).toMatchObject({
      trackingCode: body.results[0]!.trackingCode,
      channel: '12345',
      status: 'new',
      kind: 'complaint',
      stationId: station!.id,
      locationId: frontSquare!.id,
      description: `【地址】天津站前广场东侧出站口\n${order.content as string}`,
      reporterName: '张先生',
      reporterPhone: `+86${order.callerPhone as string}`,
      priority: 'normal',
      version: 1,
    });
    // The office's clocks run from dispatch, not from the platform's own receipt.
    expect(row!.receivedAt.toISOString()).toBe(iso('2026-03-05T10:00:00+08:00'));
    const events = await eventsOf(row!.id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'created', actorType: 'feed', actorId: '12345', isPublic: true });
    expect(events[0]!.data).toMatchObject({ channel: '12345', orderNo: order.orderNo, platformReceivedAt: iso('2026-03-05T09:50:00+08:00') });
    expect(JSON.stringify(events[0]!.data)).not.toContain(order.callerPhone as string);
    const [kept] = await t.db.select().from(feedOrders).where(eq(feedOrders.orderNo, order.orderNo));
    expect(kept).toMatchObject({ caseId: row!.id });
    expect(JSON.stringify(kept!.snapshot)).not.toContain(order.callerPhone as string);
  });

  it('refuses missing, malformed, wrong, stale and future signatures with 401, storing nothing', async () => {
    const now = Math.floor(clock.now().getTime() / 1000);
    const cases_: Array<[string, Parameters<typeof signedPush>[4], string]> = [
      ['missing', { signature: null }, 'missing'],
      ['malformed', { signature: 'sha256=abc' }, 'malformed'],
      ['v1 not hex', { signature: `t=${now},v1=${'z'.repeat(64)}` }, 'malformed'],
      ['another secret', { signature: 'replaced below' }, 'mismatch'],
      ['stale by 301 s', { at: now - 301 }, 'stale'],
      ['future by 301 s', { at: now + 301 }, 'future'],
    ];
    for (const [label, options, reason] of cases_) {
      const order = makeOrder();
      const opts = label === 'another secret' ? { signature: signature('not-the-secret', JSON.stringify(order), now) } : options;
      const res = await push(order, opts);
      expect(res.status, label).toBe(401);
      const err = ErrorEnvelope.parse(await res.json()).error;
      expect(err.code, label).toBe('invalid_signature');
      expect(err.details, label).toEqual({ reason });
      expect(await caseOf(order.orderNo), label).toBeUndefined();
    }
    // A body changed after signing does not verify either.
    const order = makeOrder();
    const header = signature(SECRET, JSON.stringify(order), clock.now());
    const res = await push({ ...order, urgency: 'emergency' }, { signature: header });
    expect(res.status).toBe(401);
    expect(await caseOf(order.orderNo)).toBeUndefined();
  });

  it('accepts a signature up to 5 minutes old or ahead', async () => {
    const now = Math.floor(clock.now().getTime() / 1000);
    expect((await pushOk(makeOrder(), { at: now - 300 })).counts.created).toBe(1);
    expect((await pushOk(makeOrder(), { at: now + 300 })).counts.created).toBe(1);
  });

  // A retry after a lost response used to get 401 `replayed`, and the platform never learned its tracking codes.
  it('answers an identical repeat (a retry after a lost response) with the first answer, on any server, changing nothing', async () => {
    const order = makeOrder();
    const raw = JSON.stringify(order);
    const header = signature(SECRET, raw, clock.now());
    const first = await push(raw, { signature: header });
    expect(first.status).toBe(200);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    const answer = FeedOrderResults.parse(await first.json());
    expect(answer.results[0]).toMatchObject({ result: 'created', trackingCode: expect.any(String) });
    const created = (await caseOf(order.orderNo))!;
    const events = await eventsOf(created.id);

    clock.advance(30_000);
    const repeat = await push(raw, { signature: header });
    expect(repeat.status).toBe(200);
    expect(repeat.headers.get('idempotent-replayed')).toBe('true');
    // The stored answer, word for word: `created` with the same tracking code, not a fresh `unchanged`.
    expect(FeedOrderResults.parse(await repeat.json())).toEqual(answer);
    // A second app (another server) on the same database answers the same.
    const other = createApp({ config: testConfig({ FEED_12345_SECRET: SECRET }), logger: createLogger('silent'), database: () => t.db, clock });
    const elsewhere = await signedPush(other, SECRET, raw, clock, { signature: header });
    expect(elsewhere.status).toBe(200);
    expect(await elsewhere.json()).toEqual(answer);
    expect(await countCases([order.orderNo])).toBe(1);
    expect(await eventsOf(created.id)).toEqual(events);
    expect((await caseOf(order.orderNo))!.version).toBe(created.version);
    const [claim] = await t.db
      .select()
      .from(feedSignatures)
      .where(eq(feedSignatures.mac, header.split('v1=')[1]!));
    expect(claim).toMatchObject({ responseStatus: 200, responseBody: answer });
    // Signed afresh, the same order is simply a repeat.
    const again = await pushOk(raw, { at: Math.floor(clock.now().getTime() / 1000) - 1 });
    expect(again.results[0]!.result).toBe('unchanged');
  });

  it('refuses a used signature over another body with 401, storing nothing', async () => {
    const order = makeOrder();
    const raw = JSON.stringify(order);
    const header = signature(SECRET, raw, clock.now());
    expect((await pushOk(raw, { signature: header })).counts.created).toBe(1);
    const claims = (await t.db.select({ mac: feedSignatures.mac }).from(feedSignatures)).length;
    const other = makeOrder();
    for (const body of [JSON.stringify(other), JSON.stringify({ ...order, content: `${order.content}（补充）` }), `${raw} `]) {
      const res = await push(body, { signature: header });
      expect(res.status).toBe(401);
      expect(ErrorEnvelope.parse(await res.json()).error).toMatchObject({ code: 'invalid_signature', details: { reason: 'mismatch' } });
    }
    expect(await caseOf(other.orderNo)).toBeUndefined();
    expect((await caseOf(order.orderNo))!.description).not.toContain('补充');
    expect((await t.db.select({ mac: feedSignatures.mac }).from(feedSignatures)).length).toBe(claims);
  });

  it('answers two identical requests at once with one answer and one case', async () => {
    const orders = [makeOrder(), makeOrder()];
    const raw = JSON.stringify({ orders });
    const header = signature(SECRET, raw, clock.now());
    const [a, b] = await Promise.all([push(raw, { signature: header }), push(raw, { signature: header })]);
    expect([a!.status, b!.status]).toEqual([200, 200]);
    const [bodyA, bodyB] = [FeedOrderResults.parse(await a!.json()), FeedOrderResults.parse(await b!.json())];
    expect(bodyA).toEqual(bodyB);
    expect(bodyA.counts).toMatchObject({ created: 2, unchanged: 0 });
    expect([a!.headers.get('idempotent-replayed'), b!.headers.get('idempotent-replayed')].sort()).toEqual([null, 'true'].sort());
    expect(await countCases(orders.map((o) => o.orderNo))).toBe(2);
  });

  it('answers 503 and stores nothing while no FEED_12345_SECRET is configured', async () => {
    const unconfigured = createApp({ config: testConfig({}), logger: createLogger('silent'), database: () => t.db, clock });
    const order = makeOrder();
    for (const path of ['/feeds/12345/orders', '/feeds/12345/evaluations']) {
      const res = await signedPush(unconfigured, SECRET, order, clock, { path });
      expect(res.status).toBe(503);
      expect(ErrorEnvelope.parse(await res.json()).error.code).toBe('unavailable');
    }
    expect(await caseOf(order.orderNo)).toBeUndefined();
  });
});

describe('POST /feeds/12345/orders — batches', () => {
  it('takes a batch and answers per order, in the order sent', async () => {
    const orders = [makeOrder(), makeOrder({ kind: 'consult' }), makeOrder({ kind: 'suggestion' })];
    const body = await pushOk({ orders });
    expect(body.results.map((r) => [r.index, r.orderNo, r.result])).toEqual(orders.map((o, i) => [i, o.orderNo, 'created']));
    expect(await countCases(orders.map((o) => o.orderNo))).toBe(3);
  });

  it('accepts 500 orders in one push and refuses 501 with 413, storing none', async () => {
    const orders = Array.from({ length: 500 }, () => makeOrder());
    const body = await pushOk({ orders });
    expect(body.counts.created).toBe(500);
    expect(await countCases(orders.map((o) => o.orderNo))).toBe(500);

    const tooMany = Array.from({ length: 501 }, () => makeOrder());
    const res = await push({ orders: tooMany });
    expect(res.status).toBe(413);
    expect(ErrorEnvelope.parse(await res.json()).error.code).toBe('invalid_input');
    expect(await countCases(tooMany.map((o) => o.orderNo))).toBe(0);
  });

  it('keeps the good orders of a mixed batch and says why each bad one was refused, in the caller’s language', async () => {
    const good = [makeOrder(), makeOrder()];
    const bad = [
      makeOrder({ callerPhone: '12' }),
      makeOrder({ kind: 'gossip' }),
      makeOrder({ dueAt: undefined }),
      makeOrder({ station: 'NOWHERE' }),
      makeOrder({ dueAt: '2026-03-05T09:00:00+08:00' }),
      makeOrder({ dispatchedAt: '2026-03-06T10:00:00+08:00', dueAt: '2026-03-16T10:00:00+08:00' }),
      makeOrder({ receivedAt: 'yesterday' }),
    ];
    const orders = [good[0], ...bad.slice(0, 4), good[1], ...bad.slice(4), 'not an order'];
    const body = await pushOk({ orders }, { headers: { 'accept-language': 'en' } });
    expect(body.counts).toEqual({ created: 2, updated: 0, unchanged: 0, rejected: 8 });
    const fieldsOf = (i: number) => body.results[i]!.reason?.fields?.map((f) => f.field);
    expect(body.results[0]!.result).toBe('created');
    expect(body.results[5]!.result).toBe('created');
    expect(fieldsOf(1)).toEqual(['callerPhone']);
    expect(body.results[1]!.reason).toMatchObject({ code: 'invalid_order', message: 'The order has invalid fields: callerPhone' });
    expect(body.results[1]!.reason!.fields![0]!.message).toBe('Enter a valid phone number');
    expect(fieldsOf(2)).toEqual(['kind']);
    expect(fieldsOf(3)).toEqual(['dueAt']);
    expect(fieldsOf(4)).toEqual(['station']);
    expect(fieldsOf(6)).toEqual(['dueAt']);
    expect(fieldsOf(7)).toEqual(['dispatchedAt']);
    expect(fieldsOf(8)).toEqual(['receivedAt']);
    expect(body.results[9]).toMatchObject({ orderNo: null, result: 'rejected' });
    expect(await countCases(good.map((o) => o.orderNo))).toBe(2);
    expect(await countCases(bad.map((o) => o.orderNo))).toBe(0);

    const zh = await pushOk(makeOrder({ callerPhone: 'x' }));
    expect(zh.results[0]!.reason!.message).toBe('工单内容有误：callerPhone');
    // A day the calendar does not have is not quietly moved into March.
    const feb30 = await pushOk(makeOrder({ receivedAt: '2026-02-30 10:00' }));
    expect(feb30.results[0]!.reason!.fields).toEqual([{ field: 'receivedAt', code: 'custom', message: '时间格式应为 ISO 8601，如 2026-03-05T14:30:00+08:00' }]);
  });

  it('refuses a body that is not an order or a list of orders', async () => {
    for (const [body, status] of [
      ['{not json', 400],
      [{ orders: [] }, 400],
      [{ orders: 'many' }, 400],
      [[makeOrder()], 400],
    ] as const) {
      const res = await push(body);
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect(ErrorEnvelope.parse(await res.json()).error.code).toBe('invalid_input');
    }
  });
});

describe('POST /feeds/12345/orders — mapping', () => {
  it('lets the order’s own dueAt and ackDueAt win over policy; policy clocks never run past dueAt', async () => {
    const own = makeOrder({ ackDueAt: '2026-03-05T10:30:00+08:00', dueAt: '2026-03-07T12:00:00+08:00' });
    const short = makeOrder({ dueAt: '2026-03-05T20:00:00+08:00' });
    await pushOk({ orders: [own, short] });
    const a = await caseOf(own.orderNo);
    expect(a!.ackDueAt.toISOString()).toBe(iso('2026-03-05T10:30:00+08:00'));
    expect(a!.replyDueAt.toISOString()).toBe(iso('2026-03-07T12:00:00+08:00'));
    // Policy: acknowledge in 2 h, contact in 24 h from dispatch — capped at the order's 10-hour deadline.
    const b = await caseOf(short.orderNo);
    expect(b!.ackDueAt.toISOString()).toBe(iso('2026-03-05T12:00:00+08:00'));
    expect(b!.contactDueAt.toISOString()).toBe(iso('2026-03-05T20:00:00+08:00'));
    expect(b!.replyDueAt.toISOString()).toBe(iso('2026-03-05T20:00:00+08:00'));
  });

  it('accepts the Chinese kind names and times without an offset (read as Shanghai)', async () => {
    const names = { 咨询: 'consult', 求助: 'help', 投诉: 'complaint', 举报: 'report', 建议: 'suggestion' } as const;
    const orders = Object.keys(names).map((kind) => makeOrder({ kind, dispatchedAt: '2026-03-05 10:00', receivedAt: '2026-03-05 09:58:30' }));
    const body = await pushOk({ orders });
    expect(body.counts.created).toBe(5);
    for (const o of orders) {
      const row = await caseOf(o.orderNo);
      expect(row!.kind).toBe(names[o.kind as keyof typeof names]);
      expect(row!.receivedAt.toISOString()).toBe(iso('2026-03-05T10:00:00+08:00'));
    }
  });

  it('maps urgency to colour: emergency is red with no owner (the timeline says one is needed), urgent yellow', async () => {
    const red = makeOrder({ urgency: 'emergency' });
    const yellow = makeOrder({ urgency: 'urgent' });
    await pushOk({ orders: [red, yellow] });
    const r = await caseOf(red.orderNo);
    expect(r).toMatchObject({ priority: 'red', priorityOwner: null });
    expect(r!.nextAlertAt!.toISOString()).toBe(clock.now().toISOString()); // supervisors at once
    expect((await eventsOf(r!.id))[0]!.data).toMatchObject({ ownerRequired: true, urgency: 'emergency' });
    expect((await caseOf(yellow.orderNo))!.priority).toBe('yellow');
  });

  it('files unknown or missing categories under other, keeping the raw value; a missing station takes the default', async () => {
    const [other] = await t.db.select().from(categories).where(eq(categories.code, 'other'));
    const [parking] = await t.db.select().from(categories).where(eq(categories.code, 'parking'));
    const unknown = makeOrder({ category: '共享单车乱停', station: undefined, address: undefined });
    const missing = makeOrder({ category: undefined });
    const byName = makeOrder({ category: '停车秩序', station: '天津南站' });
    await pushOk({ orders: [unknown, missing, byName] });
    const u = await caseOf(unknown.orderNo);
    const [tj] = await t.db.select().from(stations).where(eq(stations.code, 'TJ'));
    expect(u).toMatchObject({ categoryId: other!.id, stationId: tj!.id, locationId: null, description: unknown.content });
    expect((await eventsOf(u!.id))[0]!.data).toMatchObject({ categoryRaw: '共享单车乱停', stationDefaulted: true });
    const m = await caseOf(missing.orderNo);
    expect(m!.categoryId).toBe(other!.id);
    expect((await eventsOf(m!.id))[0]!.data).toMatchObject({ categoryRaw: null });
    const n = await caseOf(byName.orderNo);
    const [tjn] = await t.db.select().from(stations).where(eq(stations.code, 'TJN'));
    expect(n).toMatchObject({ categoryId: parking!.id, stationId: tjn!.id });
  });
});

describe('POST /feeds/12345/orders — repeats and changes', () => {
  it('answers a repeat as unchanged and touches nothing', async () => {
    const order = makeOrder();
    await pushOk(order);
    const before = await caseOf(order.orderNo);
    clock.advance(60_000);
    const body = await pushOk(order);
    expect(body.results[0]).toMatchObject({ result: 'unchanged', trackingCode: before!.trackingCode });
    const after = await caseOf(order.orderNo);
    expect(after).toEqual(before);
    expect(await eventsOf(before!.id)).toHaveLength(1);
  });

  it('applies a changed order with one timeline event naming the changes (personal fields named only) and a new version', async () => {
    const order = makeOrder();
    await pushOk(order);
    const before = await caseOf(order.orderNo);
    const changed = {
      ...order,
      content: `${order.content as string}（补充：晚上也有）`,
      dueAt: '2026-03-10T18:00:00+08:00',
      urgency: 'emergency',
      callerPhone: '13900001111',
      callerName: '李女士',
    };
    clock.advance(60_000);
    const body = await pushOk(changed);
    expect(body.results[0]).toMatchObject({ result: 'updated', trackingCode: before!.trackingCode });
    expect(body.results[0]!.changes!.sort()).toEqual(['callerName', 'callerPhone', 'content', 'dueAt', 'urgency']);
    const after = await caseOf(order.orderNo);
    expect(after).toMatchObject({
      version: before!.version + 1,
      priority: 'red',
      priorityOwner: null,
      reporterPhone: '+8613900001111',
      reporterPhone4: '1111',
      reporterName: '李女士',
      description: `【地址】天津站前广场东侧出站口\n${changed.content}`,
    });
    expect(after!.replyDueAt.toISOString()).toBe(iso('2026-03-10T18:00:00+08:00'));
    const events = await eventsOf(before!.id);
    expect(events.map((e) => e.type)).toEqual(['created', 'order_updated']);
    const update = events[1]!;
    expect(update).toMatchObject({ actorType: 'feed', isPublic: false });
    const changes = update.data.changes as Array<{ field: string; from?: unknown; to?: unknown }>;
    expect(changes).toContainEqual({ field: 'dueAt', from: iso('2026-03-12T18:00:00+08:00'), to: iso('2026-03-10T18:00:00+08:00') });
    expect(changes).toContainEqual({ field: 'urgency', from: 'normal', to: 'emergency' });
    expect(changes).toContainEqual({ field: 'callerPhone' });
    expect(changes).toContainEqual({ field: 'callerName' });
    const text = JSON.stringify(update.data);
    for (const personal of ['13900001111', '李女士', order.callerPhone as string, '张先生']) expect(text).not.toContain(personal);
    // And the changed order is now the one repeats are compared with.
    expect((await pushOk(changed)).results[0]!.result).toBe('unchanged');
  });

  it('never undoes a staff change on a repeat: it compares with the order, not the case', async () => {
    const order = makeOrder();
    await pushOk(order);
    const row = await caseOf(order.orderNo);
    const [parking] = await t.db.select().from(categories).where(eq(categories.code, 'parking'));
    await t.db
      .update(cases)
      .set({ categoryId: parking!.id, replyDueAt: new Date('2026-03-20T10:00:00Z') })
      .where(eq(cases.id, row!.id));
    expect((await pushOk(order)).results[0]!.result).toBe('unchanged');
    const after = await caseOf(order.orderNo);
    expect(after).toMatchObject({ categoryId: parking!.id });
    expect(after!.replyDueAt.toISOString()).toBe('2026-03-20T10:00:00.000Z');
  });

  it('refuses changes to an order whose case is closed, returned or merged, but still answers a plain repeat', async () => {
    for (const status of ['closed', 'returned', 'merged'] as const) {
      const order = makeOrder();
      await pushOk(order);
      await t.db
        .update(cases)
        .set({ status })
        .where(and(eq(cases.channel, '12345'), eq(cases.externalRef, order.orderNo)));
      const before = await caseOf(order.orderNo);
      expect((await pushOk(order)).results[0]!.result).toBe('unchanged');
      const body = await pushOk({ ...order, content: `${order.content as string} 更新` }, { headers: { 'accept-language': 'en' } });
      expect(body.results[0]).toMatchObject({ result: 'rejected', reason: { code: 'case_finished' } });
      expect(body.results[0]!.reason!.message).toMatch(status === 'closed' ? /closed/ : status === 'returned' ? /returned/ : /merged/);
      expect(await caseOf(order.orderNo)).toEqual(before);
    }
  });

  it('makes one case of an order sent twice in one push', async () => {
    const order = makeOrder();
    const body = await pushOk({ orders: [order, order, { ...order, urgency: 'urgent' }] });
    expect(body.results.map((r) => r.result)).toEqual(['created', 'unchanged', 'updated']);
    expect(await countCases([order.orderNo])).toBe(1);
    expect((await caseOf(order.orderNo))!.priority).toBe('yellow');
  });

  it('makes one case of the same new order pushed twice at the same time', async () => {
    const order = makeOrder();
    const raw = JSON.stringify(order);
    const now = Math.floor(clock.now().getTime() / 1000);
    // Two deliveries of one order, signed a second apart (an identical signature would be a replay).
    const answers = await Promise.all([pushOk(raw, { at: now }), pushOk(raw, { at: now - 1 })]);
    expect(answers.map((a) => a.results[0]!.result).sort()).toEqual(['created', 'unchanged']);
    expect(answers[0]!.results[0]!.trackingCode).toBe(answers[1]!.results[0]!.trackingCode);
    expect(await countCases([order.orderNo])).toBe(1);
    expect(await eventsOf((await caseOf(order.orderNo))!.id)).toHaveLength(1);
  });

  it('survives overlapping batches pushed at once in opposite orders', async () => {
    const orders = Array.from({ length: 40 }, () => makeOrder());
    const now = Math.floor(clock.now().getTime() / 1000);
    const answers = await Promise.all([
      pushOk({ orders }, { at: now }),
      pushOk({ orders: [...orders].reverse() }, { at: now - 1 }),
      pushOk({ orders: orders.map((o) => ({ ...o, urgency: 'urgent' })) }, { at: now - 2 }),
    ]);
    expect(answers.flatMap((a) => a.results).filter((r) => r.result === 'rejected')).toEqual([]);
    expect(answers.reduce((n, a) => n + a.counts.created, 0)).toBe(40);
    expect(await countCases(orders.map((o) => o.orderNo))).toBe(40);
  });

  it('documents the feed in the OpenAPI contract', async () => {
    const doc = (await (await t.app.request('/api/openapi.json')).json()) as { paths: Record<string, unknown>; components: { schemas: Record<string, unknown> } };
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/feeds/12345/orders', '/feeds/12345/evaluations']));
    expect(Object.keys(doc.components.schemas)).toEqual(expect.arrayContaining(['FeedOrder', 'FeedPush', 'FeedOrderResults', 'FeedEvaluation']));
    expect(uniqueOrderNo()).not.toBe(uniqueOrderNo());
  });
});
