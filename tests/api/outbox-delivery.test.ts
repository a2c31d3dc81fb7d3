import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queueSurveyReminders } from '../../api/domain/messages/survey-reminders.ts';
import { backoffMs, deliverOutbox } from '../../api/domain/outbox/deliver.ts';
import { providersFor } from '../../api/domain/outbox/providers.ts';
import { outbox, smsOptOuts } from '../../db/schema.ts';
import { startFakeResend } from '../fakes/resend-api.ts';
import { startFakeTwilio } from '../fakes/twilio-api.ts';
import { fixedClock, jobContext, testConfig, useTestApp } from '../helpers/app.ts';
import { json, makeCaseBody } from '../helpers/factories.ts';
import { call, staffSession } from '../helpers/staff.ts';

/* Delivery takes every due row in its database: this file has its own. */
const clock = fixedClock('2026-04-01T10:00:00+08:00');
const t = useTestApp({ clock, isolated: true });
const SID = 'AC00000000000000000000000000000001';
const TOKEN = 'test-auth-token';
let twilio: Awaited<ReturnType<typeof startFakeTwilio>>;
let resend: Awaited<ReturnType<typeof startFakeResend>>;

beforeAll(async () => {
  twilio = await startFakeTwilio(SID, TOKEN, { now: () => clock.now() });
  resend = await startFakeResend('re_test_key', { now: () => clock.now() });
});
afterAll(async () => {
  await twilio.close();
  await resend.close();
});

function realProviders() {
  const config = testConfig({
    TWILIO_ACCOUNT_SID: SID,
    TWILIO_AUTH_TOKEN: TOKEN,
    TWILIO_FROM: '+15005550006',
    TWILIO_API_BASE_URL: twilio.url,
    RESEND_API_KEY: 're_test_key',
    RESEND_FROM: 'Station Hotline <hotline@office.test>',
    RESEND_BASE_URL: resend.url,
    OUTBOX_MAX_ATTEMPTS: '3',
    PUBLIC_BASE_URL: 'https://hotline.example.cn',
  });
  return { config, providers: providersFor(config) };
}

async function deliver() {
  const { config, providers } = realProviders();
  return deliverOutbox({ ...jobContext(t, clock), config }, providers);
}

async function file(overrides = {}) {
  const body = makeCaseBody({ email: `c${Math.random().toString(36).slice(2)}@example.com`, ...overrides });
  const res = await t.app.request('/api/cases', json(body));
  const { trackingCode } = (await res.json()) as { trackingCode: string };
  return { body, trackingCode };
}

async function rowsFor(phoneOrEmail: string) {
  return t.db.select().from(outbox).where(eq(outbox.recipient, phoneOrEmail));
}

describe('outbox delivery', () => {
  it('sends the receipt by SMS (Twilio) and email (Resend) with one idempotency key per row', async () => {
    const { body, trackingCode } = await file();
    const result = await deliver();
    expect(result.sent).toBeGreaterThanOrEqual(2);
    const [sms] = await rowsFor(`+86${body.phone}`);
    const [mail] = await rowsFor(String(body.email));
    expect(sms).toMatchObject({ status: 'sent', provider: 'twilio', attempts: 1 });
    expect(sms!.providerMessageId).toMatch(/^SM/);
    expect(mail).toMatchObject({ status: 'sent', provider: 'resend' });

    const sent = twilio.messages().find((m) => m.To === `+86${body.phone}`)!;
    expect(sent.Body).toContain(trackingCode);
    expect(sent.Body.length).toBeLessThanOrEqual(70);
    expect(sent.From).toBe('+15005550006');
    expect(sent.StatusCallback).toBe('https://hotline.example.cn/webhooks/twilio/status');
    // Twilio ignores idempotency headers on sends; what ties the row to the message is its sid.
    expect(sent.sid).toBe(sms!.providerMessageId);
    const email = resend.emails().find((e) => e.to === String(body.email))!;
    expect(email.subject).toContain(trackingCode.slice(0, 5));
    expect(email.text).toContain('https://hotline.example.cn/status?code=');
    expect(email.html).toContain('<a href="https://hotline.example.cn/status?code=');
    expect(email.idempotencyKey).toBe(mail!.idempotencyKey);
  });

  it('records with the local provider when no credentials are configured', async () => {
    const { body } = await file();
    const ctx = jobContext(t, clock);
    await deliverOutbox(ctx, providersFor(ctx.config));
    const [sms] = await rowsFor(`+86${body.phone}`);
    expect(sms).toMatchObject({ status: 'sent', provider: 'local' });
  });

  it('backs off with jitter after a failure, then delivers', async () => {
    const { body } = await file();
    twilio.failNext(1, 503);
    await deliver();
    let [sms] = await rowsFor(`+86${body.phone}`);
    expect(sms).toMatchObject({ status: 'failed', attempts: 1 });
    expect(sms!.lastError).toMatch(/twilio 503/);
    const wait = sms!.nextAttemptAt.getTime() - clock.now().getTime();
    expect(wait).toBeGreaterThanOrEqual(15_000);
    expect(wait).toBeLessThanOrEqual(30_000);
    await deliver();
    [sms] = await rowsFor(`+86${body.phone}`);
    expect(sms!.status).toBe('failed'); // not due yet
    clock.advance(31_000);
    await deliver();
    [sms] = await rowsFor(`+86${body.phone}`);
    expect(sms).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('grows the backoff exponentially, capped', () => {
    expect(backoffMs(1, () => 0)).toBe(15_000);
    expect(backoffMs(2, () => 1)).toBe(60_000);
    expect(backoffMs(4, () => 1)).toBe(240_000);
    expect(backoffMs(30, () => 1)).toBe(6 * 3600_000);
  });

  it('gives up after the last attempt, and an admin can send it again', async () => {
    const { body } = await file();
    for (let i = 0; i < 3; i++) {
      twilio.failNext(1, 500);
      await deliver();
      clock.advance(7 * 3600_000);
    }
    const [dead] = await rowsFor(`+86${body.phone}`);
    expect(dead).toMatchObject({ status: 'dead', attempts: 3 });

    const admin = await staffSession(t.app, t.db, 'admin', undefined, clock.now());
    const listed = (await (await call(t.app, admin, 'GET', '/api/staff/outbox?status=dead')).json()) as Array<{ id: number; recipient: string; text: string }>;
    const item = listed.find((r) => r.id === dead!.id)!;
    expect(item.recipient).toMatch(/\*{4}/);
    expect(item.text).toContain('查询码');
    const supervisor = await staffSession(t.app, t.db, 'supervisor', undefined, clock.now());
    expect((await call(t.app, supervisor, 'POST', `/api/staff/outbox/${dead!.id}/retry`)).status).toBe(403);
    expect((await call(t.app, admin, 'POST', `/api/staff/outbox/${dead!.id}/retry`)).status).toBe(200);
    expect((await call(t.app, admin, 'POST', `/api/staff/outbox/${dead!.id}/retry`)).status).toBe(409);
    await deliver();
    const [sent] = await rowsFor(`+86${body.phone}`);
    expect(sent).toMatchObject({ status: 'sent', attempts: 1 });
  });

  it('does not retry what retrying cannot fix', async () => {
    const res = await t.app.request('/api/cases', json(makeCaseBody({ phone: '13800000400' })));
    expect(res.status).toBe(201);
    await deliver();
    const rows = await t.db
      .select()
      .from(outbox)
      .where(and(eq(outbox.recipient, '+8613800000400'), eq(outbox.template, 'receipt')));
    expect(rows.every((r) => r.status === 'dead' && r.attempts === 1)).toBe(true);
    expect(rows[0]!.lastError).toMatch(/21211/);
    // A 4xx is a refusal, not a doubt: there is nothing to look up later.
    expect(rows[0]!.unconfirmedSince).toBeNull();
  });

  it('honours opt-outs: nothing goes to a number that sent STOP', async () => {
    const { body } = await file();
    await t.db.insert(smsOptOuts).values({ phone: `+86${body.phone}` });
    const before = twilio.messages().length;
    await deliver();
    const [sms] = await rowsFor(`+86${body.phone}`);
    expect(sms).toMatchObject({ status: 'suppressed' });
    expect(twilio.messages().filter((m) => m.To === `+86${body.phone}`)).toHaveLength(0);
    expect(twilio.messages().length).toBe(before);
  });

  it('two delivery jobs at once send each row once', async () => {
    const filed = [];
    for (let i = 0; i < 20; i++) filed.push(await file());
    const phones = filed.map((f) => `+86${f.body.phone}`);
    await Promise.all([deliver(), deliver(), deliver()]);
    const rows = await t.db.select().from(outbox).where(inArray(outbox.recipient, phones));
    expect(rows.every((r) => r.status === 'sent' && r.attempts === 1)).toBe(true);
    const requests = twilio.messages().filter((m) => phones.includes(m.To));
    expect(requests).toHaveLength(20);
  });

  it('a reply queues the reply and, an hour later, one survey', async () => {
    const { phone, email } = await replied('已安排专人值守出站口');
    const texts = () =>
      twilio
        .messages()
        .filter((m) => m.To === phone)
        .map((m) => m.Body);
    expect(texts().some((b) => b.includes('已安排专人值守出站口'))).toBe(true);
    expect(texts().some((b) => b.includes('回复1满意'))).toBe(false);
    clock.advance(3600_000 + 1000);
    await deliver();
    expect(texts().filter((b) => b.includes('回复1满意'))).toHaveLength(1);
    const survey = resend.emails().find((e) => e.to === email && e.subject.includes('评价'))!;
    expect(survey.text).toMatch(/\/rate\?code=/);
  });

  /** A filed case, assigned, acknowledged and replied to, with what the reply sent delivered. */
  async function replied(text = '已处理') {
    const dispatcher = await staffSession(t.app, t.db, 'dispatcher', undefined, clock.now());
    const handler = await staffSession(t.app, t.db, 'handler', 'enf1', clock.now());
    const { body, trackingCode } = await file();
    const [row] = await t.db
      .select({ caseId: outbox.caseId })
      .from(outbox)
      .where(eq(outbox.recipient, `+86${body.phone}`));
    const id = row!.caseId!;
    let v = ((await (await call(t.app, dispatcher, 'POST', `/api/staff/cases/${id}/assign`, { version: 1, leadDepartment: 'enf1' })).json()) as { version: number }).version;
    v = ((await (await call(t.app, handler, 'POST', `/api/staff/cases/${id}/acknowledge`, { version: v })).json()) as { version: number }).version;
    expect((await call(t.app, handler, 'POST', `/api/staff/cases/${id}/reply`, { version: v, text })).status).toBe(200);
    await deliver();
    const rate = async () =>
      expect((await t.app.request(`/api/cases/${trackingCode}/evaluation`, json({ phone4: body.phone.slice(-4), satisfaction: 'satisfied', resolved: true }))).status).toBe(201);
    const surveys = () =>
      t.db
        .select()
        .from(outbox)
        .where(and(eq(outbox.caseId, id), inArray(outbox.template, ['survey', 'survey_reminder'])));
    return { phone: `+86${body.phone}`, email: String(body.email), rate, surveys };
  }

  it('a survey for a case already rated on the web is not sent', async () => {
    const { phone, email, rate, surveys } = await replied();
    await rate();
    clock.advance(3600_000 + 1000);
    await deliver();
    expect(twilio.messages().filter((m) => m.To === phone && m.Body.includes('回复1满意'))).toHaveLength(0);
    expect(resend.emails().filter((e) => e.to === email && e.subject.includes('评价'))).toHaveLength(0);
    const rows = await surveys();
    expect(rows).toHaveLength(2);
    expect(rows.every((r) => r.status === 'suppressed' && /already rated/.test(r.lastError ?? ''))).toBe(true);
  });

  it('a survey reminder queued before the citizen rated is not sent', async () => {
    const { phone, rate, surveys } = await replied();
    clock.advance(3600_000 + 1000);
    await deliver();
    expect(twilio.messages().filter((m) => m.To === phone && m.Body.includes('回复1满意'))).toHaveLength(1);
    clock.advance(48 * 3600_000);
    expect(await queueSurveyReminders(jobContext(t, clock))).toBeGreaterThan(0);
    await rate();
    const before = twilio.messages().filter((m) => m.To === phone).length;
    await deliver();
    expect(twilio.messages().filter((m) => m.To === phone)).toHaveLength(before);
    const reminders = (await surveys()).filter((r) => r.template === 'survey_reminder');
    expect(reminders.length).toBeGreaterThan(0);
    expect(reminders.every((r) => r.status === 'suppressed')).toBe(true);
  });
});
