import { and, eq } from 'drizzle-orm';
import twilio from 'twilio';
import { describe, expect, it } from 'vitest';
import { outbox } from '../../db/schema.ts';
import { fixedClock, useTestApp } from '../helpers/app.ts';
import { fileCase } from '../helpers/staff.ts';

const TOKEN = 'twilio-status-order-token';
const BASE = 'https://hotline.example.cn';
const clock = fixedClock('2026-05-20T10:00:00+08:00');
const t = useTestApp({ clock, env: { TWILIO_AUTH_TOKEN: TOKEN, PUBLIC_BASE_URL: BASE } });

/** A status callback as Twilio posts it, signed by the official twilio package. Twilio sends no event time. */
function callback(sid: string, status: string, extra: Record<string, string> = {}) {
  const params = { MessageSid: sid, MessageStatus: status, AccountSid: 'AC123', ...extra };
  const signature = twilio.getExpectedTwilioSignature(TOKEN, `${BASE}/webhooks/twilio/status`, params);
  return t.app.request('/webhooks/twilio/status', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
    body: new URLSearchParams(params).toString(),
  });
}

async function sentSms() {
  const filed = await fileCase(t.app, t.db);
  const [row] = await t.db
    .select()
    .from(outbox)
    .where(and(eq(outbox.caseId, filed.id), eq(outbox.channel, 'sms')));
  const sid = `SMorder${row!.id}${Math.random().toString(36).slice(2, 8)}`;
  await t.db.update(outbox).set({ status: 'sent', providerMessageId: sid }).where(eq(outbox.id, row!.id));
  return { sid, read: async () => (await t.db.select().from(outbox).where(eq(outbox.id, row!.id)))[0]! };
}

describe('POST /webhooks/twilio/status — order', () => {
  it('moves forward queued → sending → sent → delivered, and a late "sent" or "queued" does not move it back', async () => {
    const { sid, read } = await sentSms();
    for (const status of ['queued', 'sending', 'sent']) {
      expect((await callback(sid, status)).status).toBe(204);
      expect((await read()).deliveryStatus).toBe(status);
    }
    clock.advance(2000);
    await callback(sid, 'delivered');
    const delivered = await read();
    expect(delivered).toMatchObject({ deliveryStatus: 'delivered', deliveredAt: clock.now() });
    clock.advance(2000);
    for (const late of ['sent', 'sending', 'queued']) expect((await callback(sid, late)).status).toBe(204);
    expect(await read()).toMatchObject({ deliveryStatus: 'delivered', deliveredAt: delivered.deliveredAt, deliveryStatusAt: delivered.deliveryStatusAt });
  });

  it('keeps the first final answer: an undelivered SMS is not later shown as delivered, nor the other way round', async () => {
    const first = await sentSms();
    await callback(first.sid, 'undelivered', { ErrorCode: '30003' });
    await callback(first.sid, 'delivered');
    await callback(first.sid, 'sent');
    expect(await first.read()).toMatchObject({ deliveryStatus: 'undelivered', deliveredAt: null, lastError: 'twilio error 30003' });

    const second = await sentSms();
    await callback(second.sid, 'delivered');
    await callback(second.sid, 'failed', { ErrorCode: '30008' });
    expect(await second.read()).toMatchObject({ deliveryStatus: 'delivered', lastError: null });
  });

  it('records a final answer that arrives before the intermediate ones', async () => {
    const { sid, read } = await sentSms();
    await callback(sid, 'delivered');
    await callback(sid, 'queued');
    await callback(sid, 'sent');
    expect((await read()).deliveryStatus).toBe('delivered');
  });
});
