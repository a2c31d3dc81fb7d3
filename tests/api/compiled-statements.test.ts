import { asc, eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { lookupCase, selectPublicCase } from '../../api/domain/cases/lookup.ts';
import { newTrackingCode } from '../../api/domain/cases/tracking-code.ts';
import { caseStatementFor, type NewCase, writeCases } from '../../api/domain/cases/write.ts';
import type { Db } from '../../db/client.ts';
import { caseEvents, cases, feedOrders, outbox } from '../../db/schema.ts';
import { compiledPathProblems } from '../../db/statement.ts';
import { fixedClock, jobContext, uniquePhone, useTestApp } from '../helpers/app.ts';
import { onPostgres } from '../helpers/db.ts';

/*
 * The case writer and the status lookup skip drizzle's per-call query building
 * through two of its internals (db/statement.ts). An upgrade of drizzle,
 * postgres.js or PGlite that moves them must fail here: the internals are
 * probed, and the real statements run on this engine with every field read back.
 */
const clock = fixedClock('2026-03-02T10:00:00+08:00');
const t = useTestApp({ clock });
const ctx = () => jobContext(t, clock);

async function newCase(over: { channel?: 'web' | '12345'; withMessages?: boolean } = {}): Promise<NewCase> {
  const ref = await ctx().reference.get(t.db);
  const station = ref.stationsByCode.get('TJ')!;
  const category = ref.categoriesByCode.get('touting')!;
  const location = ref.locationsByStation.get(station.id)!.get('intercity_square')!;
  const phone = uniquePhone();
  const id = crypto.randomUUID();
  const trackingCode = newTrackingCode();
  const feed = over.channel === '12345';
  return {
    row: {
      id,
      trackingCode,
      stationId: station.id,
      channel: over.channel ?? 'web',
      externalRef: feed ? `ORD-${id}` : null,
      kind: 'complaint',
      categoryId: category.id,
      locationId: feed ? null : location.id,
      description: '出站口有人拉客，“打车吗”',
      reporterPhone: `+86${phone}`,
      reporterEmail: feed ? null : `${id}@example.cn`,
      reporterName: feed ? '张先生' : null,
      reporterPhone4: phone.slice(-4),
      lang: feed ? 'zh-CN' : 'en',
      priority: 'yellow',
      receivedAt: new Date('2026-03-02T01:30:00Z'),
      ackDueAt: new Date('2026-03-02T03:30:00Z'),
      contactDueAt: new Date('2026-03-03T01:30:00Z'),
      replyDueAt: new Date('2026-03-09T16:00:00Z'),
      nextDueAt: new Date('2026-03-02T03:30:00Z'),
      nextAlertAt: new Date('2026-03-02T03:00:00Z'),
    },
    actor: feed ? { type: 'feed', id: '12345' } : { type: 'citizen', id: null },
    event: { channel: over.channel ?? 'web', receivedAt: '2026-03-02T01:30:00.000Z', note: '原文 "quoted" \\ kept' },
    ...(over.withMessages
      ? {
          messages: [
            { channel: 'sms', recipient: `+86${phone}`, template: 'receipt', payload: { trackingCode, n: 1 }, idempotencyKey: `receipt:sms:${id}` },
            { channel: 'email', recipient: `${id}@example.cn`, template: 'receipt', payload: { trackingCode, n: 2 }, idempotencyKey: `receipt:email:${id}` },
          ],
        }
      : {}),
    ...(feed ? { feedOrder: { orderNo: `ORD-${id}`, urgency: 'urgent', nested: { a: [1, 2] } } } : {}),
  };
}

describe('the internals the compiled paths rely on', () => {
  it('exist on this engine with the expected shape, and run with a known answer', async () => {
    expect(await compiledPathProblems(t.db)).toEqual([]);
  });

  it('are reported when missing (the probe can fail)', async () => {
    const problems = await compiledPathProblems({ select: () => ({}) } as unknown as Db);
    expect(problems).toEqual([
      'db._.session.prepareQuery is not a function',
      expect.stringMatching(/^compiledStatement: drizzle changed: db\._\.session\.prepareQuery is gone/),
      expect.stringMatching(/^preparedQuery: /),
    ]);
  });
});

describe('the case writer on the real database', () => {
  // One case goes in typed parameters, several in one jsonb value: both shapes, read back field by field.
  for (const [shape, batches] of [
    ['one case at a time (every filing; skip, as a 12345 retry does)', (a: NewCase[]) => a.map((c) => [c])],
    ['several at once (a 12345 push)', (a: NewCase[]) => [a]],
  ] as const) {
    it(`writes every column, the created event, the messages and the order record, as given: ${shape}`, async () => {
      const web = await newCase({ withMessages: true });
      const feed = await newCase({ channel: '12345' });
      const plain = await newCase();
      const written = [];
      for (const batch of batches([web, feed, plain])) written.push(...(await writeCases(ctx(), batch, { onConflict: 'skip' })));
      const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);
      expect(written.map(({ id, trackingCode }) => ({ id, trackingCode })).sort(byId)).toEqual(
        [web, feed, plain].map((c) => ({ id: c.row.id, trackingCode: c.row.trackingCode })).sort(byId),
      );
      // Each answer carries the Open311 id the column default drew, unrelated to the tracking code.
      for (const w of written) expect(w.publicId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      const now = clock.now();
      for (const c of [web, feed, plain]) {
        const [row] = await t.db.select().from(cases).where(eq(cases.id, c.row.id));
        for (const [key, value] of Object.entries(c.row)) expect([key, row![key as keyof typeof row]]).toEqual([key, value]);
        expect(row).toMatchObject({ status: 'new', replyStartedAt: c.row.receivedAt, createdAt: now, updatedAt: now, version: 1, reopenCount: 0 });
        // Open311's public id comes from the column default: random, and nothing to do with the tracking code.
        expect(row!.publicId).toMatch(/^[0-9a-f-]{36}$/);
        expect(row!.publicId.toUpperCase()).not.toContain(c.row.trackingCode.replace('-', ''));

        const events = await t.db.select().from(caseEvents).where(eq(caseEvents.caseId, c.row.id));
        expect(events).toEqual([expect.objectContaining({ type: 'created', at: now, actorType: c.actor.type, actorId: c.actor.id, isPublic: true, data: c.event })]);

        const messages = await t.db.select().from(outbox).where(eq(outbox.caseId, c.row.id)).orderBy(asc(outbox.id));
        expect(messages.map((m) => ({ channel: m.channel, recipient: m.recipient, template: m.template, payload: m.payload, idempotencyKey: m.idempotencyKey }))).toEqual(c.messages ?? []);
        for (const m of messages) expect(m).toMatchObject({ lang: c.row.lang, status: 'pending', attempts: 0, nextAttemptAt: now });

        const orders = await t.db.select().from(feedOrders).where(eq(feedOrders.caseId, c.row.id));
        expect(orders.map((o) => ({ orderNo: o.orderNo, snapshot: o.snapshot }))).toEqual(c.feedOrder ? [{ orderNo: c.row.externalRef, snapshot: c.feedOrder }] : []);
      }
    });
  }

  it('skips an order that already has its case when asked, and fails on it otherwise', async () => {
    const first = await newCase({ channel: '12345' });
    await writeCases(ctx(), [first]);
    const again = await newCase({ channel: '12345' });
    again.row.externalRef = first.row.externalRef;
    expect(await writeCases(ctx(), [again], { onConflict: 'skip' })).toEqual([]);
    await expect(writeCases(ctx(), [again])).rejects.toSatisfy((e: { code?: string; cause?: { code?: string } }) => (e.cause ?? e).code === '23505');
    const rows = await t.db.select({ id: cases.id }).from(cases).where(eq(cases.externalRef, first.row.externalRef!));
    expect(rows).toEqual([{ id: first.row.id }]);
    expect(await t.db.select().from(caseEvents).where(eq(caseEvents.caseId, again.row.id))).toEqual([]);
  });

  it('writes all of it or none of it', async () => {
    const done = await newCase({ withMessages: true });
    await writeCases(ctx(), [done]);
    // Its receipt key is taken: the outbox refuses the row, and the case and event go with it.
    const clash = await newCase({ withMessages: true });
    clash.messages![1]!.idempotencyKey = done.messages![1]!.idempotencyKey;
    await expect(writeCases(ctx(), [clash])).rejects.toThrow();
    expect(await t.db.select().from(cases).where(eq(cases.id, clash.row.id))).toEqual([]);
    expect(await t.db.select().from(caseEvents).where(eq(caseEvents.caseId, clash.row.id))).toEqual([]);
  });

  it('builds each statement once, with no value in its text, and PostgreSQL keeps it prepared', async () => {
    const filings = [await newCase({ withMessages: true }), await newCase({ withMessages: true }), await newCase({ withMessages: true })];
    const push = async () => [await newCase({ channel: '12345' }), await newCase({ channel: '12345' })];
    const pushes = [await push(), await push()];
    const intake = caseStatementFor(filings.slice(0, 1));
    const feed = caseStatementFor(pushes[0]!, { onConflict: 'skip' });
    for (const c of filings.slice(0, 2)) await writeCases(ctx(), [c]);
    for (const p of pushes) await writeCases(ctx(), p, { onConflict: 'skip' });
    expect(caseStatementFor(filings.slice(1, 2))).toBe(intake);
    expect(caseStatementFor(pushes[1]!, { onConflict: 'skip' })).toBe(feed);
    expect([intake.builds, feed.builds]).toEqual([1, 1]);
    for (const [statement, c] of [
      [intake, filings[0]!],
      [feed, pushes[0]![0]!],
    ] as const) {
      for (const value of [c.row.id, c.row.trackingCode, c.row.reporterPhone!, c.row.description]) expect(statement.text).not.toContain(value);
    }
    if (onPostgres()) {
      // Same connection as the write: the pool prepares each distinct text once per connection.
      const prepared = await t.db.transaction(async (tx) => {
        await writeCases({ ...ctx(), db: tx as unknown as Db, inTransaction: true }, [filings[2]!]);
        return tx.execute(sql`SELECT count(*)::int AS n FROM pg_prepared_statements WHERE statement = ${intake.text!}`);
      });
      expect((prepared as unknown as Array<{ n: number }>)[0]!.n).toBe(1);
    }
  });
});

describe('the prepared status lookup on the real database', () => {
  it('reads the written case back field by field, compiled once for the handle', async () => {
    const c = await newCase({ withMessages: true });
    await writeCases(ctx(), [c]);
    const lookup = { ctx: { ...ctx(), lang: 'en' as const }, input: { trackingCode: c.row.trackingCode, phone4: c.row.reporterPhone4! } };
    const view = await lookupCase(lookup);
    expect(view).toEqual({
      trackingCode: c.row.trackingCode,
      status: 'new',
      kind: 'complaint',
      station: { code: 'TJ', name: 'Tianjin Station' },
      category: { code: 'touting', name: expect.any(String) },
      location: { code: 'intercity_square', name: 'Intercity square' },
      createdAt: c.row.receivedAt,
      replyDueAt: c.row.replyDueAt,
      replyDueProvisional: false,
      closedAt: null,
      reply: null,
      timeline: [{ type: 'created', at: clock.now() }],
      canEvaluate: false,
      // Photos staff made public (#17): none here.
      photos: [],
    });
    const wrong = String((Number(c.row.reporterPhone4) + 1) % 10_000).padStart(4, '0');
    await expect(lookupCase({ ...lookup, input: { ...lookup.input, phone4: wrong } })).rejects.toThrow('case_not_found');
    expect(await lookupCase(lookup)).toEqual(view);
    expect(selectPublicCase.builds).toBe(1);
  });
});
