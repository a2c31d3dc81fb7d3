import { eq } from 'drizzle-orm';
import { Webhook } from 'svix';
import { describe, expect, it } from 'vitest';
import { ErrorEnvelope } from '../../api/http/envelope.ts';
import { outbox } from '../../db/schema.ts';
import { useTestApp } from '../helpers/app.ts';
import { fileCase } from '../helpers/staff.ts';

// A Svix signing secret as Resend issues them: whsec_ + base64.
const SECRET = `whsec_${Buffer.from('resend-webhook-test-secret-32-bytes!').toString('base64')}`;
const t = useTestApp({ env: { RESEND_WEBHOOK_SECRET: SECRET } });

/** Signs with the official svix package, as Resend's webhooks are signed. */
function signed(body: string, at = new Date(), secret = SECRET) {
  const id = `msg_${Math.random().toString(36).slice(2)}`;
  const signature = new Webhook(secret).sign(id, at, body);
  return {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'svix-id': id, 'svix-timestamp': String(Math.floor(at.getTime() / 1000)), 'svix-signature': signature },
    body,
  };
}

async function sentEmail() {
  const filed = await fileCase(t.app, t.db, { email: `r${Math.random().toString(36).slice(2)}@example.com` });
  const [row] = await t.db.select().from(outbox).where(eq(outbox.caseId, filed.id));
  const emailId = crypto.randomUUID();
  await t.db.update(outbox).set({ status: 'sent', providerMessageId: emailId }).where(eq(outbox.caseId, filed.id));
  return { row: row!, emailId };
}

describe('POST /webhooks/resend', () => {
  it('records delivered and bounced events on the outbox row', async () => {
    const { row, emailId } = await sentEmail();
    const delivered = JSON.stringify({ type: 'email.delivered', created_at: new Date().toISOString(), data: { email_id: emailId, to: ['x@example.com'] } });
    expect((await t.app.request('/webhooks/resend', signed(delivered))).status).toBe(204);
    let [after] = await t.db.select().from(outbox).where(eq(outbox.id, row.id));
    expect(after).toMatchObject({ deliveryStatus: 'delivered' });
    expect(after!.deliveredAt).not.toBeNull();

    const bounced = JSON.stringify({ type: 'email.bounced', data: { email_id: emailId, bounce: { message: 'mailbox full' } } });
    expect((await t.app.request('/webhooks/resend', signed(bounced))).status).toBe(204);
    [after] = await t.db.select().from(outbox).where(eq(outbox.id, row.id));
    expect(after).toMatchObject({ deliveryStatus: 'bounced', lastError: 'mailbox full' });
  });

  it('refuses a wrong secret, a stale timestamp and a tampered body, changing nothing', async () => {
    const { row, emailId } = await sentEmail();
    const body = JSON.stringify({ type: 'email.delivered', data: { email_id: emailId } });
    const otherSecret = `whsec_${Buffer.from('another-secret-entirely-32-bytes!!').toString('base64')}`;
    const tampered = signed(body);
    tampered.body = body.replace('delivered', 'complained');
    for (const request of [signed(body, new Date(), otherSecret), signed(body, new Date(Date.now() - 10 * 60_000)), tampered, { method: 'POST', headers: { 'content-type': 'application/json' }, body }]) {
      const res = await t.app.request('/webhooks/resend', request);
      expect(res.status).toBe(401);
      expect(ErrorEnvelope.parse(await res.json()).error.code).toBe('invalid_signature');
    }
    const [after] = await t.db.select().from(outbox).where(eq(outbox.id, row.id));
    expect(after!.deliveryStatus).toBeNull();
  });

  it('refuses a signed body that is not an event', async () => {
    expect((await t.app.request('/webhooks/resend', signed('{"hello":"world"}'))).status).toBe(400);
    expect((await t.app.request('/webhooks/resend', signed('not json'))).status).toBe(400);
  });
});
