import { and, eq, inArray } from 'drizzle-orm';
import twilio from 'twilio';
import RequestClient from 'twilio/lib/base/RequestClient.js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { renderSms } from '../../api/domain/messages/templates.ts';
import { deliverOutbox } from '../../api/domain/outbox/deliver.ts';
import { providersFor } from '../../api/domain/outbox/providers.ts';
import { outbox } from '../../db/schema.ts';
import { startFakeResend } from '../fakes/resend-api.ts';
import { type AmbiguousFault, startFakeTwilio } from '../fakes/twilio-api.ts';
import { fixedClock, jobContext, testConfig, useTestApp } from '../helpers/app.ts';
import { json, makeCaseBody } from '../helpers/factories.ts';

/*
 * Each SMS reaches Twilio once, although Twilio's Messages API does not
 * deduplicate: after an attempt with an unknown outcome the message is looked
 * up before any resend. Delivery takes every due row: this file has its own database.
 */
const clock = fixedClock('2026-05-10T23:50:00Z');
const t = useTestApp({ clock, isolated: true });
const SID = 'AC00000000000000000000000000000002';
const TOKEN = 'sent-once-token';
const FROM = '+15005550006';
let fakeTwilio: Awaited<ReturnType<typeof startFakeTwilio>>;
let resend: Awaited<ReturnType<typeof startFakeResend>>;

beforeAll(async () => {
  fakeTwilio = await startFakeTwilio(SID, TOKEN, { now: () => clock.now() });
  resend = await startFakeResend('re_once', { now: () => clock.now() });
});
afterAll(async () => {
  await fakeTwilio.close();
  await resend.close();
});

function config() {
  return testConfig({
    TWILIO_ACCOUNT_SID: SID,
    TWILIO_AUTH_TOKEN: TOKEN,
    TWILIO_FROM: FROM,
    TWILIO_API_BASE_URL: fakeTwilio.url,
    RESEND_API_KEY: 're_once',
    RESEND_FROM: 'Station Hotline <hotline@office.test>',
    RESEND_BASE_URL: resend.url,
    OUTBOX_MAX_ATTEMPTS: '20',
    PUBLIC_BASE_URL: 'https://hotline.example.cn',
  });
}

/** One delivery run; `timeout` decides when a hanging provider has taken too long. */
async function deliver(options: { timeout?: () => AbortSignal; withoutLookup?: boolean; stop?: AbortSignal; concurrency?: number } = {}) {
  const cfg = config();
  const providers = providersFor(cfg, options.timeout ? { timeout: options.timeout } : {});
  if (options.withoutLookup) providers.sms = { name: providers.sms.name, send: providers.sms.send };
  return deliverOutbox({ ...jobContext(t, clock), config: cfg }, providers, {
    ...(options.stop ? { stop: options.stop } : {}),
    ...(options.concurrency ? { concurrency: options.concurrency } : {}),
  });
}

async function file() {
  const body = makeCaseBody({ email: `once${Math.random().toString(36).slice(2)}@example.com` });
  const res = await t.app.request('/api/cases', json(body));
  expect(res.status).toBe(201);
  const { trackingCode } = (await res.json()) as { trackingCode: string };
  return { phone: `+86${body.phone}`, email: String(body.email), trackingCode };
}

const smsRow = async (phone: string) =>
  (
    await t.db
      .select()
      .from(outbox)
      .where(and(eq(outbox.recipient, phone), eq(outbox.template, 'receipt')))
  )[0]!;
const sentTo = (phone: string) => fakeTwilio.messages().filter((m) => m.To === phone);
const lookups = () => fakeTwilio.requests.filter((r) => r.method === 'GET').length;

/** A repeatable random sequence (mulberry32), so a failure rate is the same on every run. */
function seeded(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

describe('the Twilio fake is as strict as Twilio', () => {
  it('keeps every POST of the same message, whatever idempotency header it carries', async () => {
    const to = '+8613912345601';
    for (let i = 0; i < 2; i++) {
      const res = await fetch(`${fakeTwilio.url}/2010-04-01/Accounts/${SID}/Messages.json`, {
        method: 'POST',
        headers: { authorization: `Basic ${btoa(`${SID}:${TOKEN}`)}`, 'i-twilio-idempotency-token': 'same-token' },
        body: new URLSearchParams({ To: to, From: FROM, Body: 'twice' }),
      });
      expect(res.status).toBe(201);
      expect(((await res.json()) as { status: string; date_sent: unknown }).date_sent).toBeNull();
    }
    expect(sentTo(to)).toHaveLength(2);
  });

  it('serves the list resource the official SDK reads: To and DateSent filters, next_page_uri paging, RFC 2822 dates', async () => {
    const to = '+8613912345602';
    const client = twilio(SID, TOKEN, { httpClient: new FakeHostClient(fakeTwilio.url) });
    for (let i = 0; i < 3; i++) await client.messages.create({ to, from: FROM, body: `page ${i}` });
    clock.advance(24 * 3600_000);
    await client.messages.create({ to, from: FROM, body: 'next day' });
    const all = await client.messages.list({ to, pageSize: 2 });
    expect(all.map((m) => m.body).sort()).toEqual(['next day', 'page 0', 'page 1', 'page 2']);
    expect(all[0]!.body).toBe('next day'); // newest first
    expect(all[0]!.dateSent).toBeInstanceOf(Date);
    const today = await client.messages.list({ to, dateSentAfter: new Date(clock.now().toISOString().slice(0, 10)) });
    expect(today.map((m) => m.body)).toEqual(['next day']);
  });
});

describe('an SMS whose send had an unknown outcome', () => {
  it.each<[string, AmbiguousFault]>([
    ['a 503 after Twilio took it', 503],
    ['a reset connection after Twilio took it', 'reset'],
  ])('%s: the next attempt finds it and sends nothing', async (_, fault) => {
    const { phone } = await file();
    fakeTwilio.failAfterAccepting(fault);
    await deliver();
    const first = await smsRow(phone);
    expect(first).toMatchObject({ status: 'failed', attempts: 1 });
    expect(first.unconfirmedSince).toEqual(clock.now());
    expect(sentTo(phone)).toHaveLength(1);

    clock.advance(31_000);
    const before = lookups();
    await deliver();
    const second = await smsRow(phone);
    expect(lookups()).toBeGreaterThan(before);
    expect(sentTo(phone)).toHaveLength(1);
    expect(second).toMatchObject({ status: 'sent', attempts: 2, providerMessageId: sentTo(phone)[0]!.sid, unconfirmedSince: null });
  });

  it('a request that never reached Twilio is looked up, not found, and sent once', async () => {
    const { phone } = await file();
    fakeTwilio.failNext(1, 502); // refused before Twilio kept anything
    await deliver();
    expect((await smsRow(phone)).unconfirmedSince).not.toBeNull();
    expect(sentTo(phone)).toHaveLength(0);
    clock.advance(31_000);
    await deliver();
    expect(sentTo(phone)).toHaveLength(1);
    expect(await smsRow(phone)).toMatchObject({ status: 'sent', unconfirmedSince: null, providerMessageId: sentTo(phone)[0]!.sid });
  });

  it('a send that never answers ends at the timeout, and is then found', async () => {
    const { phone } = await file();
    fakeTwilio.failAfterAccepting('hang');
    const timeUp = new AbortController();
    const run = deliver({ timeout: () => timeUp.signal });
    await vi.waitFor(() => expect(sentTo(phone)).toHaveLength(1), { timeout: 60_000, interval: 20 });
    timeUp.abort(); // the provider timeout, decided by the test rather than the wall clock
    await run;
    const first = await smsRow(phone);
    expect(first.status).toBe('failed');
    expect(first.lastError).toMatch(/AbortError/);
    expect(first.unconfirmedSince).not.toBeNull();
    clock.advance(31_000);
    await deliver();
    expect(sentTo(phone)).toHaveLength(1);
    expect((await smsRow(phone)).status).toBe('sent');
  });

  it('a message Twilio still holds in its queue (no date_sent yet) is found by its creation time', async () => {
    const { phone } = await file();
    fakeTwilio.hold();
    try {
      fakeTwilio.failAfterAccepting('reset');
      await deliver();
      expect(sentTo(phone)[0]!.dateSent).toBeNull();
      clock.advance(31_000);
      await deliver();
      expect(sentTo(phone)).toHaveLength(1);
      expect(await smsRow(phone)).toMatchObject({ status: 'sent', providerMessageId: sentTo(phone)[0]!.sid });
    } finally {
      fakeTwilio.release();
    }
  });

  it('the day boundary: sent just before midnight UTC, looked up just after', async () => {
    clock.set('2026-05-20T23:59:50Z');
    const { phone } = await file();
    fakeTwilio.failAfterAccepting(500);
    await deliver();
    clock.set('2026-05-21T00:01:00Z');
    await deliver();
    expect(sentTo(phone)).toHaveLength(1);
    expect((await smsRow(phone)).status).toBe('sent');
  });

  it('a sender that died holding the lease: the next claim looks first', async () => {
    const { phone, trackingCode } = await file();
    const row = await smsRow(phone);
    // The dead sender had claimed the row and reached Twilio before it died.
    await t.db
      .update(outbox)
      .set({ status: 'sending', attempts: 1, nextAttemptAt: new Date(clock.now().getTime() + 300_000) })
      .where(eq(outbox.id, row.id));
    const body = renderSms('receipt', row.lang === 'en' ? 'en' : 'zh-CN', row.payload, 'https://hotline.example.cn');
    expect(body).toContain(trackingCode);
    await fetch(`${fakeTwilio.url}/2010-04-01/Accounts/${SID}/Messages.json`, {
      method: 'POST',
      headers: { authorization: `Basic ${btoa(`${SID}:${TOKEN}`)}` },
      body: new URLSearchParams({ To: phone, From: FROM, Body: body }),
    });
    clock.advance(301_000);
    await deliver();
    expect(sentTo(phone)).toHaveLength(1);
    expect(await smsRow(phone)).toMatchObject({ status: 'sent', attempts: 2, providerMessageId: sentTo(phone)[0]!.sid });
  });

  it('a lookup that fails sends nothing and tries again later', async () => {
    const { phone } = await file();
    fakeTwilio.failAfterAccepting(503);
    await deliver();
    clock.advance(31_000);
    fakeTwilio.failNext(1, 500); // the lookup itself
    await deliver();
    const row = await smsRow(phone);
    expect(row).toMatchObject({ status: 'failed', attempts: 2 });
    expect(row.lastError).toMatch(/earlier attempt not confirmed/);
    expect(row.unconfirmedSince).not.toBeNull();
    expect(sentTo(phone)).toHaveLength(1);
    clock.advance(7 * 3600_000);
    await deliver();
    expect(sentTo(phone)).toHaveLength(1);
    expect((await smsRow(phone)).status).toBe('sent');
  });
});

describe('200 citizens at 10 % ambiguous failures', () => {
  async function run(options: { withoutLookup?: boolean }) {
    clock.set('2026-06-01T08:00:00Z');
    const phones: string[] = [];
    for (let i = 0; i < 200; i++) phones.push((await file()).phone);
    const faults: AmbiguousFault[] = ['reset', 500, 502, 503];
    const random = seeded(12);
    fakeTwilio.failAfterAcceptingAtRate(0.1, random, () => faults[Math.floor(random() * faults.length)]!);
    try {
      for (let round = 0; round < 30; round++) {
        await deliver(options);
        const rows = await t.db
          .select({ status: outbox.status })
          .from(outbox)
          .where(and(inArray(outbox.recipient, phones), eq(outbox.template, 'receipt')));
        if (rows.every((r) => r.status === 'sent')) break;
        clock.advance(7 * 3600_000);
      }
    } finally {
      fakeTwilio.failAfterAcceptingAtRate(0, random);
    }
    const rows = await t.db
      .select()
      .from(outbox)
      .where(and(inArray(outbox.recipient, phones), eq(outbox.template, 'receipt')));
    const perPhone = phones.map((p) => sentTo(p).length);
    return { rows, perPhone, extra: perPhone.reduce((a, n) => a + n - 1, 0) };
  }

  it('the fake shows the doubling when delivery resends blind', async () => {
    const { extra } = await run({ withoutLookup: true });
    expect(extra).toBeGreaterThan(5);
  });

  it('with the lookup, exactly one receipt SMS per citizen reaches Twilio', async () => {
    const { rows, perPhone } = await run({});
    expect(rows.every((r) => r.status === 'sent')).toBe(true);
    expect(perPhone.every((n) => n === 1)).toBe(true);
    expect(rows.filter((r) => r.attempts > 1).length).toBeGreaterThan(5);
  });
});

describe('Resend', () => {
  it('a send that never answers times out; the retry carries the same key and Resend sends nothing new', async () => {
    const { email } = await file();
    resend.failAfterAccepting('hang');
    const timeUp = new AbortController();
    const running = deliver({ timeout: () => timeUp.signal });
    await vi.waitFor(() => expect(resend.emails().filter((e) => e.to === email)).toHaveLength(1), { timeout: 60_000, interval: 20 });
    timeUp.abort();
    await running;
    const [row] = await t.db.select().from(outbox).where(eq(outbox.recipient, email));
    expect(row).toMatchObject({ status: 'failed' });
    expect(row!.unconfirmedSince).not.toBeNull();
    clock.advance(31_000);
    await deliver();
    const emails = resend.emails().filter((e) => e.to === email);
    expect(emails).toHaveLength(1);
    const [sent] = await t.db.select().from(outbox).where(eq(outbox.recipient, email));
    expect(sent).toMatchObject({ status: 'sent', providerMessageId: emails[0]!.id, unconfirmedSince: null });
  });

  it('the fake keeps a key for 24 hours and refuses it with another payload', async () => {
    const post = (body: unknown, key: string) =>
      fetch(`${resend.url}/emails`, {
        method: 'POST',
        headers: { authorization: 'Bearer re_once', 'content-type': 'application/json', 'idempotency-key': key },
        body: JSON.stringify(body),
      });
    const key = `k-${Math.random()}`;
    const email = { from: 'a@office.test', to: 'b@example.com', subject: 's', text: 't' };
    const first = (await (await post(email, key)).json()) as { id: string };
    expect(((await (await post(email, key)).json()) as { id: string }).id).toBe(first.id);
    const other = await post({ ...email, text: 'other' }, key);
    expect(other.status).toBe(409);
    expect(((await other.json()) as { name: string }).name).toBe('invalid_idempotent_request');
    clock.advance(24 * 3600_000 + 1000);
    expect(((await (await post(email, key)).json()) as { id: string }).id).not.toBe(first.id);
  });

  it('honours Retry-After from a 429', async () => {
    const { email } = await file();
    resend.rateLimitNext(1, 120);
    await deliver({ concurrency: 1 });
    const [row] = await t.db.select().from(outbox).where(eq(outbox.recipient, email));
    expect(row).toMatchObject({ status: 'failed' });
    expect(row!.nextAttemptAt.getTime() - clock.now().getTime()).toBe(120_000);
    expect(row!.unconfirmedSince).toBeNull();
  });
});

describe('Retry-After from Twilio', () => {
  it('a 429 waits as long as asked and is not a doubt', async () => {
    const { phone } = await file();
    fakeTwilio.failNext(1, 429, { 'retry-after': '600' });
    await deliver();
    const row = await smsRow(phone);
    expect(row).toMatchObject({ status: 'failed' });
    expect(row.nextAttemptAt.getTime() - clock.now().getTime()).toBe(600_000);
    expect(row.unconfirmedSince).toBeNull();
    expect(sentTo(phone)).toHaveLength(0);
  });
});

describe('a delivery run told to stop', () => {
  it('finishes the send in flight and hands back the rows it had not tried', async () => {
    const filed = [await file(), await file()];
    const phones = filed.map((f) => f.phone);
    fakeTwilio.failAfterAccepting('hang');
    const stop = new AbortController();
    const timeUp = new AbortController();
    const running = deliver({ stop: stop.signal, timeout: () => timeUp.signal, concurrency: 1 });
    await vi.waitFor(() => expect(phones.flatMap(sentTo)).toHaveLength(1), { timeout: 60_000, interval: 20 });
    stop.abort();
    timeUp.abort();
    const result = await running;
    const rows = await t.db
      .select()
      .from(outbox)
      .where(inArray(outbox.recipient, [...phones, ...filed.map((f) => f.email)]));
    const released = rows.filter((r) => r.status === 'pending');
    // Four rows, one tried: the other three go back untouched.
    expect(released).toHaveLength(3);
    expect(result.released).toBeGreaterThanOrEqual(3);
    expect(released.every((r) => r.attempts === 0 && r.nextAttemptAt.getTime() === clock.now().getTime())).toBe(true);
    expect(phones.flatMap(sentTo)).toHaveLength(1);
  });
});

/** The official SDK's HTTP client, pointed at the fake instead of api.twilio.com. */
class FakeHostClient extends RequestClient {
  constructor(private readonly base: string) {
    super();
  }
  override request<T>(opts: RequestClient.RequestOptions<T>) {
    return super.request({ ...opts, uri: opts.uri.replace(/^https:\/\/api\.twilio\.com/, this.base) });
  }
}
