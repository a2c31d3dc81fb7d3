import { and, eq, inArray } from 'drizzle-orm';
import { Webhook } from 'svix';
import { describe, expect, it } from 'vitest';
import { ErrorEnvelope } from '../../api/http/envelope.ts';
import { outbox, webhookReceipts } from '../../db/schema.ts';
import { fixedClock, useTestApp } from '../helpers/app.ts';
import { fileCase } from '../helpers/staff.ts';

// A Svix signing secret as Resend issues them: whsec_ + base64.
const SECRET = `whsec_${Buffer.from('resend-webhook-test-secret-32-bytes!').toString('base64')}`;
const clock = fixedClock('2026-03-05T02:00:00Z'); // 10:00 in Shanghai
const t = useTestApp({ clock, env: { RESEND_WEBHOOK_SECRET: SECRET } });

const newEventId = () => `msg_${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`;

/** Signs with the official svix package, as Resend's webhooks are signed; a retry keeps the svix-id and signs afresh. */
function signed(body: string, options: { at?: Date; secret?: string; id?: string } = {}) {
  const id = options.id ?? newEventId();
  const at = options.at ?? clock.now();
  const signature = new Webhook(options.secret ?? SECRET).sign(id, at, body);
  return {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'svix-id': id, 'svix-timestamp': String(Math.floor(at.getTime() / 1000)), 'svix-signature': signature },
    body,
  };
}

/** A Resend event as its payload reads: `created_at` is when the event happened. */
const event = (type: string, emailId: string, createdAt?: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ type, ...(createdAt ? { created_at: createdAt } : {}), data: { email_id: emailId, to: ['x@example.com'], ...extra } });

const post = (request: ReturnType<typeof signed>) => t.app.request('/webhooks/resend', request);

async function sentEmail() {
  const filed = await fileCase(t.app, t.db, { email: `r${Math.random().toString(36).slice(2)}@example.com` });
  const [row] = await t.db
    .select()
    .from(outbox)
    .where(and(eq(outbox.caseId, filed.id), eq(outbox.channel, 'email')));
  const emailId = crypto.randomUUID();
  await t.db.update(outbox).set({ status: 'sent', providerMessageId: emailId }).where(eq(outbox.id, row!.id));
  const read = async () => (await t.db.select().from(outbox).where(eq(outbox.id, row!.id)))[0]!;
  return { row: row!, emailId, read };
}

describe('POST /webhooks/resend', () => {
  it('records delivered and bounced events on the outbox row, with the time each happened', async () => {
    const { emailId, read } = await sentEmail();
    expect((await post(signed(event('email.delivered', emailId, '2026-03-05T02:00:05.120Z')))).status).toBe(204);
    expect(await read()).toMatchObject({ deliveryStatus: 'delivered', deliveredAt: new Date('2026-03-05T02:00:05.120Z'), deliveryStatusAt: new Date('2026-03-05T02:00:05.120Z') });

    expect((await post(signed(event('email.bounced', emailId, '2026-03-05T02:00:09.000Z', { bounce: { message: 'mailbox full' } })))).status).toBe(204);
    expect(await read()).toMatchObject({ deliveryStatus: 'bounced', lastError: 'mailbox full' });
  });

  it('never lets an older event overwrite a newer one: a late "delivered" leaves the bounce or complaint', async () => {
    for (const final of ['email.bounced', 'email.complained']) {
      const { emailId, read } = await sentEmail();
      expect((await post(signed(event(final, emailId, '2026-03-05T02:00:09.000Z', { bounce: { message: 'no such user' } })))).status).toBe(204);
      const late = await post(signed(event('email.delivered', emailId, '2026-03-05T02:00:05.000Z')));
      expect(late.status).toBe(204);
      const after = await read();
      expect(after, final).toMatchObject({ deliveryStatus: final.slice(6), deliveredAt: null, deliveryStatusAt: new Date('2026-03-05T02:00:09.000Z') });
      if (final === 'email.bounced') expect(after.lastError).toBe('no such user');
    }
  });

  it('keeps a bounce or complaint final: a later delivered, opened or delayed event does not hide it', async () => {
    const { emailId, read } = await sentEmail();
    await post(signed(event('email.bounced', emailId, '2026-03-05T02:00:05.000Z', { bounce: { message: 'mailbox full' } })));
    for (const [type, at] of [
      ['email.delivered', '02:00:09'],
      ['email.opened', '02:01:00'],
      ['email.delivery_delayed', '02:02:00'],
    ] as const) {
      expect((await post(signed(event(type, emailId, `2026-03-05T${at}.000Z`)))).status).toBe(204);
    }
    expect(await read()).toMatchObject({ deliveryStatus: 'bounced', lastError: 'mailbox full', deliveredAt: null });
    // Another final answer, newer, does replace it: a complaint says more than the bounce before it.
    await post(signed(event('email.complained', emailId, '2026-03-05T02:03:00.000Z')));
    expect((await read()).deliveryStatus).toBe('complained');
  });

  it('moves forward through delays and deliveries in event order, whatever order they arrive in', async () => {
    const { emailId, read } = await sentEmail();
    await post(signed(event('email.delivery_delayed', emailId, '2026-03-05T02:00:03.000Z')));
    await post(signed(event('email.delivered', emailId, '2026-03-05T02:05:00.000Z')));
    await post(signed(event('email.sent', emailId, '2026-03-05T02:00:01.000Z')));
    await post(signed(event('email.delivery_delayed', emailId, '2026-03-05T02:00:04.000Z')));
    expect(await read()).toMatchObject({ deliveryStatus: 'delivered', deliveryStatusAt: new Date('2026-03-05T02:05:00.000Z') });
  });

  it('dates an event without created_at by its svix-timestamp', async () => {
    const { emailId, read } = await sentEmail();
    await post(signed(event('email.delivered', emailId, '2026-03-05T02:00:05.000Z')));
    // Signed before the recorded event: older, ignored.
    await post(signed(event('email.delivery_delayed', emailId), { at: new Date('2026-03-05T02:00:01Z') }));
    expect((await read()).deliveryStatus).toBe('delivered');
    // Signed after it: newer, recorded.
    await post(signed(event('email.bounced', emailId), { at: new Date('2026-03-05T02:00:30Z') }));
    expect(await read()).toMatchObject({ deliveryStatus: 'bounced', deliveryStatusAt: new Date('2026-03-05T02:00:30Z') });
  });

  it('acts on a redelivered event once: the repeat is acknowledged and changes nothing', async () => {
    const { emailId, read } = await sentEmail();
    const id = newEventId();
    const body = event('email.delivered', emailId, '2026-03-05T02:00:05.000Z');
    expect((await post(signed(body, { id }))).status).toBe(204);
    expect((await read()).deliveryStatus).toBe('delivered');
    // Clear what the first delivery wrote, so a second application would show.
    await t.db.update(outbox).set({ deliveryStatus: null, deliveryStatusAt: null, deliveredAt: null }).where(eq(outbox.providerMessageId, emailId));
    // The same bytes again, and Svix's retry (same svix-id, signed afresh a minute later).
    expect((await post(signed(body, { id }))).status).toBe(204);
    expect((await post(signed(body, { id, at: new Date(clock.now().getTime() + 60_000) }))).status).toBe(204);
    expect(await read()).toMatchObject({ deliveryStatus: null, deliveredAt: null });
    const receipts = await t.db
      .select()
      .from(webhookReceipts)
      .where(and(eq(webhookReceipts.provider, 'resend'), eq(webhookReceipts.eventId, id)));
    expect(receipts).toHaveLength(1);
  });

  it('acts once on two copies of an event arriving at the same time', async () => {
    const { emailId, read } = await sentEmail();
    const id = newEventId();
    const body = event('email.bounced', emailId, '2026-03-05T02:00:05.000Z', { bounce: { message: 'mailbox full' } });
    const answers = await Promise.all([post(signed(body, { id })), post(signed(body, { id }))]);
    expect(answers.map((r) => r.status)).toEqual([204, 204]);
    expect((await read()).deliveryStatus).toBe('bounced');
    expect(await t.db.select().from(webhookReceipts).where(eq(webhookReceipts.eventId, id))).toHaveLength(1);
  });

  it('remembers events for a week, then lets them go', async () => {
    const { emailId } = await sentEmail();
    const old = newEventId();
    const recent = newEventId();
    const day = 24 * 3600_000;
    await t.db.insert(webhookReceipts).values([
      { provider: 'resend', eventId: old, receivedAt: new Date(clock.now().getTime() - 8 * day) },
      { provider: 'resend', eventId: recent, receivedAt: new Date(clock.now().getTime() - 6 * day) },
    ]);
    expect((await post(signed(event('email.delivered', emailId, '2026-03-05T02:00:05.000Z')))).status).toBe(204);
    const left = await t.db
      .select()
      .from(webhookReceipts)
      .where(inArray(webhookReceipts.eventId, [old, recent]));
    expect(left.map((r) => r.eventId)).toEqual([recent]);
  });

  it('refuses a wrong secret, a stale timestamp and a tampered body, changing and remembering nothing', async () => {
    const { emailId, read } = await sentEmail();
    const body = event('email.delivered', emailId);
    const otherSecret = `whsec_${Buffer.from('another-secret-entirely-32-bytes!!').toString('base64')}`;
    const tampered = signed(body);
    tampered.body = body.replace('delivered', 'complained');
    const refused = [signed(body, { secret: otherSecret }), signed(body, { at: new Date(clock.now().getTime() - 10 * 60_000) }), tampered];
    for (const request of [...refused, { method: 'POST', headers: { 'content-type': 'application/json' }, body }]) {
      const res = await t.app.request('/webhooks/resend', request);
      expect(res.status).toBe(401);
      expect(ErrorEnvelope.parse(await res.json()).error.code).toBe('invalid_signature');
    }
    expect((await read()).deliveryStatus).toBeNull();
    const ids = refused.map((r) => r.headers['svix-id']);
    expect(await t.db.select().from(webhookReceipts).where(inArray(webhookReceipts.eventId, ids))).toHaveLength(0);
  });

  it('refuses a signed body that is not an event', async () => {
    expect((await post(signed('{"hello":"world"}'))).status).toBe(400);
    expect((await post(signed('not json'))).status).toBe(400);
  });
});
