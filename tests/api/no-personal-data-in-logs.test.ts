import { randomUUID } from 'node:crypto';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { Webhook } from 'svix';
import twilio from 'twilio';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ErrorEnvelope } from '../../api/http/envelope.ts';
import { createLogger, describeError } from '../../api/logger.ts';
import { FeedOrderResults } from '../../api/routes/feeds/schemas.ts';
import { IssuedApiKey } from '../../api/routes/open311/schemas.ts';
import { cases } from '../../db/schema.ts';
import { makeOrder, signedPush } from '../fakes/platform-12345.ts';
import { fixedClock, uniquePhone, useTestApp } from '../helpers/app.ts';
import { form, json, makeCaseBody } from '../helpers/factories.ts';
import { call, fileCase, staffSession } from '../helpers/staff.ts';

/*
 * Hostile requests to every public route, each carrying one reporter's phone,
 * email, name and words, with NUL bytes, lone surrogates, oversized fields,
 * wrong types and bad signatures. Every log line the app writes (at debug) is
 * kept; none may hold any of it, and no request may answer 500.
 */
const lines: string[] = [];
const logger = createLogger('debug', (line) => lines.push(line));
const FEED_SECRET = 'no-pii-feed-secret';
const TWILIO_TOKEN = 'no-pii-twilio-token';
const RESEND_SECRET = `whsec_${Buffer.from('no-pii-resend-secret-32-bytes!!!').toString('base64')}`;
const BASE = 'https://hotline.example.cn';
const clock = fixedClock('2026-03-05T02:30:00Z');
// A database of its own: one test plants a trigger on cases.
const t = useTestApp({
  clock,
  logger,
  isolated: true,
  env: { FEED_12345_SECRET: FEED_SECRET, TWILIO_AUTH_TOKEN: TWILIO_TOKEN, RESEND_WEBHOOK_SECRET: RESEND_SECRET, PUBLIC_BASE_URL: BASE },
});

const marker = randomUUID().slice(0, 8);
const PHONE = uniquePhone();
const PII = {
  phone: PHONE,
  e164: `+86${PHONE}`,
  email: `victim.${marker}@example.com`,
  name: `甄秘名${marker}`,
  latinName: `Zhen Miming ${marker}`,
  description: `前广场有人拉客${marker}`,
};
const NUL = '\u0000';
const LONE = '\uD83D'; // the high half of an emoji, alone
const pii = (s: string) => `${s}${NUL}`;

const statuses: Array<{ what: string; status: number }> = [];
async function send(what: string, res: Response | Promise<Response>) {
  const r = await res;
  statuses.push({ what, status: r.status });
  return r;
}

/** The error envelope's field names, for a 400. */
async function fieldsOf(res: Response): Promise<string[]> {
  const body = ErrorEnvelope.parse(await res.json());
  return ((body.error.details as { fields?: Array<{ field: string }> } | undefined)?.fields ?? []).map((f) => f.field);
}

function expectNoPersonalData() {
  const log = lines.join('\n');
  expect(lines.length).toBeGreaterThan(0);
  for (const [what, value] of Object.entries(PII)) {
    expect(log.includes(value), `${what} in the log`).toBe(false);
  }
  // The digits however they were written: spaced, or their last eight.
  expect(log.includes(PHONE.slice(-8)), 'phone digits in the log').toBe(false);
  expect(log.includes(PII.email.split('@')[0]!), 'email local part in the log').toBe(false);
}

// After each test: what it sent answered below 500, and the log holds none of it.
// (The one 500 meant, a statement the database refuses, is sent without send().)
afterEach(() => {
  expect(statuses.filter((s) => s.status >= 500)).toEqual([]);
  expectNoPersonalData();
});

let apiKey: string;
beforeAll(async () => {
  const admin = await staffSession(t.app, t.db, 'admin', undefined, clock.now());
  const res = await call(t.app, admin, 'POST', '/api/staff/admin/api-keys', { name: `no-pii ${marker}`, owner: 'tests' });
  apiKey = IssuedApiKey.parse(await res.json()).key;
});

describe('hostile input on the public intake', () => {
  const body = () => makeCaseBody({ phone: PII.phone, email: PII.email, name: PII.name, description: PII.description });

  it('refuses NUL and lone surrogates in each text field with a 400 naming it, in JSON and forms', async () => {
    for (const field of ['description', 'name', 'location', 'category', 'station', 'phone'] as const) {
      const value = String(body()[field] ?? 'x');
      for (const bad of [NUL, LONE]) {
        const res = await send(`json ${field}`, t.app.request('/api/cases', json({ ...body(), [field]: `${value}${bad}` })));
        expect(res.status, `${field} with ${bad === NUL ? 'NUL' : 'a lone surrogate'}`).toBe(400);
        expect(await fieldsOf(res)).toContain(field);
      }
      const res = await send(`form ${field}`, t.app.request('/api/cases', form({ ...(body() as Record<string, string>), [field]: pii(value) })));
      expect(res.status).toBe(400);
      expect(await fieldsOf(res)).toContain(field);
    }
    const email = await send('json email', t.app.request('/api/cases', json({ ...body(), email: `${PII.email}${NUL}` })));
    expect(email.status).toBe(400);
    expect(await fieldsOf(email)).toContain('email');
    expect(await t.db.select({ id: cases.id }).from(cases).where(eq(cases.reporterPhone, PII.e164))).toHaveLength(0);
  });

  it('answers in the caller’s language', async () => {
    const res = await t.app.request('/api/cases', json({ ...body(), description: pii(PII.description) }, { 'accept-language': 'en' }));
    const error = ErrorEnvelope.parse(await res.json()).error;
    expect(error.message).toContain('description');
    expect((error.details as { fields: Array<{ message: string }> }).fields[0]!.message).toMatch(/cannot be stored/);
  });

  it('refuses oversized fields and wrong types without a 500', async () => {
    for (const bad of [
      { description: `${PII.description}${'长'.repeat(3000)}` },
      { name: `${PII.name}${'名'.repeat(60)}` },
      { phone: Number(PII.phone) },
      { name: { first: PII.name } },
      { email: [PII.email] },
    ]) {
      const res = await send('json wrong', t.app.request('/api/cases', json({ ...body(), ...bad })));
      expect(res.status).toBe(400);
    }
    await send('broken json', t.app.request('/api/cases', { method: 'POST', headers: { 'content-type': 'application/json' }, body: `{"phone":"${PII.phone}","email":"${PII.email}",` }));
  });

  it('refuses a NUL in the lookup’s path or query, and in an evaluation', async () => {
    const filed = await fileCase(t.app, t.db);
    const phone4 = filed.body.phone.slice(-4);
    for (const path of [
      `/api/cases/${filed.trackingCode}%00?phone4=${phone4}`,
      `/api/cases/${filed.trackingCode}?phone4=${phone4}%00`,
      `/api/cases/${filed.trackingCode}?phone4=${phone4}&lang=en%00`,
    ]) {
      const res = await send(path, t.app.request(path));
      expect(res.status, path).toBe(400);
    }
    const surrogate = await send('lookup %ED%A0%80', t.app.request(`/api/cases/${filed.trackingCode}%ED%A0%80?phone4=${phone4}`));
    expect(surrogate.status).toBe(404);
    for (const comment of [pii(PII.description), `${PII.name}${LONE}`]) {
      const res = await send('evaluation', t.app.request(`/api/cases/${filed.trackingCode}/evaluation`, json({ phone4, satisfaction: 'satisfied', resolved: true, comment })));
      expect(res.status).toBe(400);
      expect(await fieldsOf(res)).toEqual(['comment']);
    }
    const code = await send('evaluation path', t.app.request(`/api/cases/${filed.trackingCode}%00/evaluation`, json({ phone4, satisfaction: 'satisfied', resolved: true })));
    expect(code.status).toBe(400);
  });

  it('refuses a NUL in the statistics query, naming the parameter', async () => {
    for (const query of ['station=TJ%00', 'period=2026%00', 'from=2026-01-01%00', 'groupBy=station%00']) {
      for (const path of ['/api/stats', '/api/stats.csv']) {
        const res = await send(`${path}?${query}`, t.app.request(`${path}?${query}`));
        expect(res.status, `${path}?${query}`).toBe(400);
        expect(await fieldsOf(res)).toEqual([query.split('=')[0]]);
      }
    }
  });
});

describe('hostile input on the webhooks', () => {
  const twilioPost = (path: string, params: Record<string, string>, signature?: string) =>
    t.app.request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature ?? twilio.getExpectedTwilioSignature(TWILIO_TOKEN, `${BASE}${path}`, params) },
      body: new URLSearchParams(params).toString(),
    });
  const smsParams = (body: string, from = PII.e164) => ({ MessageSid: `SM${randomUUID().replace(/-/g, '')}`, AccountSid: 'AC1', From: from, To: '+15005550006', Body: body, NumMedia: '0' });

  it('takes an SMS whose body holds a NUL: the NUL is dropped and Twilio gets its TwiML', async () => {
    const from = `+86${uniquePhone()}`;
    const res = await send('sms nul body', twilioPost('/webhooks/twilio/sms', smsParams(`南广场出租车拒载${NUL}${marker}${LONE}`, from)));
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/<Response><Message>.+<\/Message><\/Response>/);
    const [row] = await t.db.select({ description: cases.description }).from(cases).where(eq(cases.reporterPhone, from));
    expect(row!.description).toBe(`南广场出租车拒载${marker}\uFFFD`);
  });

  it('refuses a NUL in the sender or message id, and bad signatures, without a 500', async () => {
    const from = await send('sms nul from', twilioPost('/webhooks/twilio/sms', smsParams(PII.description, pii(PII.e164))));
    expect(from.status).toBe(400);
    const sid = await send('sms nul sid', twilioPost('/webhooks/twilio/sms', { ...smsParams(PII.description), MessageSid: `SM${NUL}${PII.phone}` }));
    expect(sid.status).toBe(400);
    const unsigned = await send('sms bad signature', twilioPost('/webhooks/twilio/sms', smsParams(pii(PII.description)), 'bm90IGEgc2lnbmF0dXJl'));
    expect(unsigned.status).toBe(403);
    const huge = await send('sms huge', twilioPost('/webhooks/twilio/sms', smsParams(`${PII.name}${'长'.repeat(2000)}`)));
    expect(huge.status).toBe(400);
    const status = await send('status nul', twilioPost('/webhooks/twilio/status', { MessageSid: `SM${PII.phone}${NUL}`, MessageStatus: 'delivered', ErrorCode: `${NUL}` }));
    expect(status.status).toBe(400);
    const badStatus = await send(
      'status bad signature',
      twilioPost('/webhooks/twilio/status', { MessageSid: `SM${PII.phone}`, MessageStatus: 'failed', To: PII.e164 }, 'bm90IGEgc2lnbmF0dXJl'),
    );
    expect(badStatus.status).toBe(403);
  });

  it('refuses Resend events with NULs or bad signatures without a 500', async () => {
    const signed = (raw: string) => {
      const id = `msg_${randomUUID()}`;
      const at = clock.now();
      return {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'svix-id': id,
          'svix-timestamp': String(Math.floor(at.getTime() / 1000)),
          'svix-signature': new Webhook(RESEND_SECRET).sign(id, at, raw),
        },
        body: raw,
      };
    };
    const event = (emailId: string, bounce: string) =>
      JSON.stringify({ type: 'email.bounced', created_at: clock.now().toISOString(), data: { email_id: emailId, to: [PII.email], bounce: { message: bounce } } });
    const nul = await send('resend nul', t.app.request('/webhooks/resend', signed(event(`${randomUUID()}${NUL}`, `${PII.email} does not exist${NUL}`))));
    expect(nul.status).toBe(400);
    const lone = await send('resend lone', t.app.request('/webhooks/resend', signed(event(randomUUID(), `${PII.name}${LONE}`))));
    expect(lone.status).toBeLessThan(500);
    const unsigned = await send(
      'resend unsigned',
      t.app.request('/webhooks/resend', {
        ...signed(event(randomUUID(), PII.email)),
        headers: { 'content-type': 'application/json', 'svix-id': 'x', 'svix-timestamp': '1', 'svix-signature': 'v1,AAAA' },
      }),
    );
    expect(unsigned.status).toBe(401);
  });
});

describe('hostile input on the 12345 feed', () => {
  const push = (body: unknown, options: Parameters<typeof signedPush>[4] = {}) => {
    clock.advance(1000);
    return send('feed', signedPush(t.app, FEED_SECRET, body, clock, options));
  };

  it('rejects each bad order with the field named and keeps the rest of the push', async () => {
    const good = [makeOrder(), makeOrder()];
    const bad = [
      makeOrder({ content: pii(PII.description), callerPhone: PII.phone, callerName: PII.name }),
      makeOrder({ callerName: pii(PII.name), callerPhone: PII.phone }),
      makeOrder({ address: `${PII.description}${LONE}`, callerPhone: PII.phone }),
      makeOrder({ category: pii('touting'), callerPhone: PII.phone }),
      makeOrder({ callerPhone: pii(PII.phone) }),
      makeOrder({ content: { text: PII.description }, callerPhone: PII.phone }),
    ];
    const fields = ['content', 'callerName', 'address', 'category', 'callerPhone', 'content'];
    const res = await push({ orders: [good[0], ...bad, good[1]] });
    expect(res.status).toBe(200);
    const body = FeedOrderResults.parse(await res.json());
    expect(body.counts).toEqual({ created: 2, updated: 0, unchanged: 0, rejected: bad.length });
    bad.forEach((order, i) => {
      const result = body.results[i + 1]!;
      expect(result).toMatchObject({ orderNo: order.orderNo, result: 'rejected', reason: { code: 'invalid_order' } });
      expect(result.reason!.fields!.map((f) => f.field)).toContain(fields[i]);
    });
    const created = await t.db
      .select({ ref: cases.externalRef })
      .from(cases)
      .where(
        and(
          eq(cases.channel, '12345'),
          inArray(
            cases.externalRef,
            [...good, ...bad].map((o) => o.orderNo),
          ),
        ),
      );
    expect(created.map((r) => r.ref).sort()).toEqual(good.map((o) => o.orderNo).sort());
  });

  it('refuses a NUL in a follow-up result, and a bad signature, without a 500', async () => {
    const evaluation = await push(
      { orderNo: pii('TJ2026'), resolved: 'yes', satisfaction: 'satisfied', evaluatedAt: '2026-03-05T10:00:00+08:00', comment: pii(`${PII.name} ${PII.phone}`) },
      { path: '/feeds/12345/evaluations' },
    );
    expect(evaluation.status).toBe(400);
    expect((await fieldsOf(evaluation)).sort()).toEqual(['comment', 'orderNo']);
    const unsigned = await push(makeOrder({ callerPhone: PII.phone, callerName: PII.name }), { signature: 't=1,v1=00' });
    expect(unsigned.status).toBe(401);
  });
});

describe('hostile input on Open311', () => {
  const fields = () => ({ api_key: apiKey, service_code: 'touting', 'attribute[station]': 'TJ', description: PII.description, phone: PII.phone, email: PII.email, first_name: PII.name });

  it('refuses NUL in each text field with a 400 naming it', async () => {
    for (const field of ['description', 'first_name', 'last_name', 'address_string', 'phone', 'email'] as const) {
      const res = await send(`open311 ${field}`, t.app.request('/open311/v2/requests.json', form({ ...fields(), [field]: pii(PII.name) })));
      expect(res.status, field).toBe(400);
      // Named in an error's description (the key "description" is in every error, so the text itself is read).
      const errors = (await res.json()) as Array<{ description: string }>;
      expect(
        errors.some((e) => e.description.includes(field)),
        field,
      ).toBe(true);
    }
    const noKey = await send('open311 no key', t.app.request('/open311/v2/requests.json', form({ ...fields(), api_key: 'wrong', description: pii(PII.description) })));
    expect(noKey.status).toBe(403);
    expect(await t.db.select({ id: cases.id }).from(cases).where(eq(cases.reporterPhone, PII.e164))).toHaveLength(0);
  });

  it('refuses a NUL in the listing query or a request id without a 500', async () => {
    for (const path of [
      '/open311/v2/requests.json?service_request_id=AB%00CD',
      '/open311/v2/requests.json?service_code=touting%00',
      '/open311/v2/requests.xml?status=open%00',
      '/open311/v2/requests/AB%00CD.json',
      '/open311/v2/services/touting%00.json',
    ]) {
      const res = await send(path, t.app.request(path));
      expect(res.status, path).toBeGreaterThanOrEqual(400);
      expect(res.status, path).toBeLessThan(500);
      // Spoken in GeoReport's own errors, as every Open311 refusal is.
      const body = await res.text();
      if (path.includes('.xml')) expect(body, path).toMatch(/<errors>\s*<error>\s*<code>400<\/code>/);
      else if (res.status === 400) expect(JSON.parse(body), path).toEqual([expect.objectContaining({ code: 400, description: expect.any(String) })]);
    }
  });
});

describe('hostile input on staff routes', () => {
  it('refuses a NUL in a staff-entered case and a queue search', async () => {
    const dispatcher = await staffSession(t.app, t.db, 'dispatcher', undefined, clock.now());
    const entered = await send(
      'staff entry',
      call(t.app, dispatcher, 'POST', '/api/staff/cases', { ...makeCaseBody({ phone: PII.phone, name: PII.name }), channel: 'hotline', description: pii(PII.description) }),
    );
    expect(entered.status).toBe(400);
    expect(await fieldsOf(entered)).toContain('description');
    const search = await send('staff queue', call(t.app, dispatcher, 'GET', `/api/staff/cases?q=${encodeURIComponent(pii(PII.name))}`));
    expect(search.status).toBe(400);
    expect(await fieldsOf(search)).toEqual(['q']);
  });
});

describe('a statement the database refuses', () => {
  // The refusal quotes the row, as a unique or check violation's detail does; drizzle's wrapper adds the statement and its parameters.
  beforeAll(async () => {
    await t.db.execute(
      sql.raw(`
      CREATE FUNCTION refuse_marked_case() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.description LIKE '%as-if-nul%' THEN
          RAISE EXCEPTION 'invalid byte sequence for encoding "UTF8": 0x00 (%)', NEW.reporter_phone USING ERRCODE = '22021';
        END IF;
        IF NEW.description LIKE '%refuse-me%' THEN
          RAISE EXCEPTION 'refused row (%, %)', NEW.reporter_phone, NEW.reporter_name
            USING ERRCODE = '23514', CONSTRAINT = 'cases_refuse_marked', TABLE = 'cases';
        END IF;
        RETURN NEW;
      END $$`),
    );
    await t.db.execute(sql.raw(`CREATE TRIGGER refuse_marked_case BEFORE INSERT ON cases FOR EACH ROW EXECUTE FUNCTION refuse_marked_case();`));
  });

  const logged = (msg: string) => lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === msg);

  it('is a 500 logged by code, constraint, table and request id, without the row', async () => {
    const res = await t.app.request('/api/cases', json(makeCaseBody({ phone: PII.phone, email: PII.email, name: PII.name, description: `${PII.description} refuse-me` })));
    expect(res.status).toBe(500);
    const error = ErrorEnvelope.parse(await res.json()).error;
    const [line] = logged('unhandled error').filter((l) => l.requestId === error.requestId);
    expect(line).toMatchObject({ level: 'error', error: 'DrizzleQueryError', code: '23514', constraint: 'cases_refuse_marked', table: 'cases' });
    expect(line!.stack).toMatch(/^at /);
  });

  it('is still the caller’s 400 when text the schemas let through cannot be stored', async () => {
    const res = await send(
      'as if NUL',
      t.app.request('/api/cases', json(makeCaseBody({ phone: PII.phone, name: PII.name, description: `${PII.description} as-if-nul` }), { 'accept-language': 'en' })),
    );
    expect(res.status).toBe(400);
    const error = ErrorEnvelope.parse(await res.json()).error;
    expect(error).toMatchObject({ code: 'invalid_input', message: 'The request holds characters that cannot be stored (NUL or broken Unicode)' });
    expect(logged('unstorable text reached the database').find((l) => l.requestId === error.requestId)).toMatchObject({ level: 'warn', code: '22021' });
  });

  it('is a GeoReport 500 on Open311, logged the same way', async () => {
    const res = await t.app.request(
      '/open311/v2/requests.json',
      form({ api_key: apiKey, service_code: 'touting', 'attribute[station]': 'TJ', description: `${PII.description} refuse-me`, phone: PII.phone, email: PII.email, first_name: PII.name }),
    );
    expect(res.status).toBe(500);
    expect(logged('unhandled error').at(-1)).toMatchObject({ code: '23514', constraint: 'cases_refuse_marked', table: 'cases' });
  });

  it('rejects that order alone in a 12345 push, and logs no caller of the push', async () => {
    const good = [makeOrder({ callerPhone: uniquePhone(), callerName: PII.latinName }), makeOrder({ callerPhone: PII.phone, callerName: PII.name })];
    const refused = makeOrder({ callerPhone: PII.phone, callerName: PII.name, content: `${PII.description} refuse-me` });
    clock.advance(1000);
    const res = await send('refused order', signedPush(t.app, FEED_SECRET, { orders: [good[0], refused, good[1]] }, clock));
    expect(res.status).toBe(200);
    const body = FeedOrderResults.parse(await res.json());
    expect(body.results.map((r) => r.result)).toEqual(['created', 'rejected', 'created']);
    expect(body.results[1]).toMatchObject({ orderNo: refused.orderNo, reason: { code: 'internal' } });
    expect(logged('12345 batch insert failed; inserting one by one').at(-1)).toMatchObject({ code: '23514', table: 'cases' });
    expect(logged('12345 order insert failed').at(-1)).toMatchObject({ orderNo: refused.orderNo, code: '23514', constraint: 'cases_refuse_marked' });
  });
});

describe('describeError', () => {
  it('keeps the frames and drops the message, whatever kind of error', () => {
    let parseError: unknown;
    try {
      JSON.parse(`p ${PII.phone}`);
    } catch (err) {
      parseError = err;
    }
    expect(String((parseError as Error).message)).toContain(PII.phone); // V8 quotes the input it failed on
    const described = describeError(parseError);
    expect(described).toMatchObject({ error: 'SyntaxError' });
    expect(described.stack).toMatch(/^at /);
    expect(JSON.stringify(described)).not.toContain(PII.phone);
  });
});
