import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import twilio from 'twilio';
import { beforeAll, describe, expect, it } from 'vitest';
import { STATUS_LABELS } from '../../api/contract/labels.ts';
import { ErrorEnvelope } from '../../api/http/envelope.ts';
import { IssuedApiKey } from '../../api/routes/open311/schemas.ts';
import { CreatedCase } from '../../api/routes/public/schemas.ts';
import { EnteredCase } from '../../api/routes/staff/schemas.ts';
import { cases } from '../../db/schema.ts';
import { expectErrorBoth, fetchBoth } from '../contracts/open311/contract.ts';
import { makeOrder, signedPush } from '../fakes/platform-12345.ts';
import { fixedClock, uniquePhone, useTestApp } from '../helpers/app.ts';
import { form, json, makeCaseBody } from '../helpers/factories.ts';
import { call, type StaffSession, staffSession } from '../helpers/staff.ts';

/*
 * Nothing a stranger can read opens a case. The tracking code is half of the
 * status-lookup secret (code + the phone's last four digits), so the Open311
 * list — readable by anyone — must never carry one, nor the office's replies:
 * cases filed on every channel and answered are read back as strangers, as
 * another client and as the client that filed them, and the raw JSON and XML
 * are searched for every code and every reply. The file lists every case in
 * its window, so it has a database of its own.
 */
const SMS_TOKEN = 'open311-privacy-sms-token';
const BASE = 'https://hotline.example.cn';
const FEED_SECRET = 'open311-privacy-12345-secret';
const clock = fixedClock('2026-03-05T10:30:00+08:00');
const t = useTestApp({ clock, isolated: true, env: { TWILIO_AUTH_TOKEN: SMS_TOKEN, PUBLIC_BASE_URL: BASE, FEED_12345_SECRET: FEED_SECRET } });
const V2 = '/open311/v2';

type Req = Record<string, unknown> & { service_request_id: string; status: string; status_notes?: string };

interface Filed {
  channel: string;
  caseId: string;
  trackingCode: string;
  publicId: string;
  /** The office's words on the case: its reply or its return reason. */
  words: string;
  /** Which key filed it, for Open311 filings. */
  key?: string;
}

let admin: StaffSession;
let dispatcher: StaffSession;
let handler: StaffSession;
let keyA: string;
let keyB: string;
let keyRevoked: string;
let keyRevokedId: string;
const filed: Filed[] = [];

async function issueKey(name: string) {
  const res = await call(t.app, admin, 'POST', '/api/staff/admin/api-keys', { name: `${name} ${randomUUID()}`, owner: 'tests' });
  return IssuedApiKey.parse(await res.json());
}

async function caseRow(id: string) {
  const [row] = await t.db.select().from(cases).where(eq(cases.id, id));
  return row!;
}

async function staffVerb(id: string, as: StaffSession, verb: string, body: Record<string, unknown> = {}) {
  const row = await caseRow(id);
  const res = await call(t.app, as, 'POST', `/api/staff/cases/${id}/${verb}`, { version: row.version, ...body });
  if (res.status !== 200) throw new Error(`${verb} → ${res.status} ${await res.text()}`);
}

/** Answers a case the way the office does, with words unique to it. */
async function answer(caseId: string, channel: string, key?: string) {
  const words = `答复（${channel}）：已安排执法人员现场处置 ${randomUUID()}`;
  await staffVerb(caseId, dispatcher, 'assign', { leadDepartment: 'enf1' });
  await staffVerb(caseId, handler, 'acknowledge');
  await staffVerb(caseId, handler, 'reply', { text: words });
  const row = await caseRow(caseId);
  filed.push({ channel, caseId, trackingCode: row.trackingCode, publicId: row.publicId, words, ...(key ? { key } : {}) });
}

async function fileOpen311(key: string) {
  const res = await t.app.request(
    `${V2}/requests.json`,
    form({
      api_key: key,
      service_code: 'touting',
      'attribute[station]': 'TJ',
      'attribute[location]': 'TJ:exit',
      description: `出站口有人拉客 ${randomUUID()}`,
      phone: uniquePhone(),
      lat: '39.136',
      long: '117.205',
    }),
  );
  if (res.status !== 200) throw new Error(`open311 → ${res.status} ${await res.text()}`);
  const publicId = ((await res.json()) as Array<{ service_request_id: string }>)[0]!.service_request_id;
  const [row] = await t.db.select({ id: cases.id }).from(cases).where(eq(cases.publicId, publicId));
  return row!.id;
}

beforeAll(async () => {
  admin = await staffSession(t.app, t.db, 'admin', undefined, clock.now());
  dispatcher = await staffSession(t.app, t.db, 'dispatcher', undefined, clock.now());
  handler = await staffSession(t.app, t.db, 'handler', 'enf1', clock.now());
  keyA = (await issueKey('app A')).key;
  keyB = (await issueKey('app B')).key;
  const revoked = await issueKey('app later revoked');
  keyRevoked = revoked.key;
  keyRevokedId = revoked.id;

  // The public site.
  const web = await t.app.request('/api/cases', json(makeCaseBody()));
  const webCode = CreatedCase.parse(await web.json()).trackingCode;
  const [webRow] = await t.db.select({ id: cases.id }).from(cases).where(eq(cases.trackingCode, webCode));
  await answer(webRow!.id, 'web');

  // An SMS that opens a complaint.
  const from = `+86${uniquePhone()}`;
  const params = { MessageSid: `SM${randomUUID().replace(/-/g, '')}`, AccountSid: 'AC123', From: from, To: '+15005550006', Body: `南广场有人占道经营 ${randomUUID()}`, NumMedia: '0' };
  const sms = await t.app.request('/webhooks/twilio/sms', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilio.getExpectedTwilioSignature(SMS_TOKEN, `${BASE}/webhooks/twilio/sms`, params) },
    body: new URLSearchParams(params).toString(),
  });
  expect(sms.status).toBe(200);
  const [smsRow] = await t.db.select({ id: cases.id }).from(cases).where(eq(cases.reporterPhone, from));
  await answer(smsRow!.id, 'sms');

  // A 12345 order.
  const order = makeOrder();
  const pushed = await signedPush(t.app, FEED_SECRET, order, clock);
  expect(pushed.status).toBe(200);
  const [orderRow] = await t.db.select({ id: cases.id }).from(cases).where(eq(cases.externalRef, order.orderNo));
  await answer(orderRow!.id, '12345');

  // A call to the office's own line, returned as out of scope with a reason.
  const entered = await call(t.app, dispatcher, 'POST', '/api/staff/cases', {
    channel: 'phone',
    receivedAt: '2026-03-05T09:00:00+08:00',
    station: 'TJ',
    kind: 'complaint',
    category: 'parking',
    location: 'exit',
    description: `出站口车辆乱停 ${randomUUID()}`,
    phone: uniquePhone(),
  });
  expect(entered.status).toBe(201);
  const phoneCaseId = EnteredCase.parse(await entered.json()).id;
  const reason = `不属于本站区管辖，已转市交通委 ${randomUUID()}`;
  await staffVerb(phoneCaseId, dispatcher, 'return', { reason });
  const phoneRow = await caseRow(phoneCaseId);
  filed.push({ channel: 'phone', caseId: phoneCaseId, trackingCode: phoneRow.trackingCode, publicId: phoneRow.publicId, words: reason });

  // Civic apps, each with its own key.
  await answer(await fileOpen311(keyA), 'open311 A', keyA);
  await answer(await fileOpen311(keyB), 'open311 B', keyB);
  await answer(await fileOpen311(keyRevoked), 'open311 revoked', keyRevoked);
});

const dashed = (code: string) => `${code.slice(0, 5)}-${code.slice(5)}`;

/** Every form of every tracking code, and every reply or reason not meant for `reader`, is absent from `text`. */
function expectNothingOpensACase(text: string, reader?: string) {
  const lower = text.toLowerCase();
  for (const f of filed) {
    expect(lower, `${f.channel}: tracking code`).not.toContain(f.trackingCode.toLowerCase());
    expect(lower, `${f.channel}: tracking code`).not.toContain(dashed(f.trackingCode).toLowerCase());
    if (!reader || f.key !== reader) expect(text, `${f.channel}: the office's words`).not.toContain(f.words);
  }
}

/** What a stranger may see of a request, and nothing else. */
const STRANGER_FIELDS = new Set([
  'service_request_id',
  'status',
  'status_notes',
  'service_name',
  'service_code',
  'description',
  'requested_datetime',
  'updated_datetime',
  'expected_datetime',
  'address',
  'address_id',
  'lat',
  'long',
  'extended_attributes',
]);
/** The contract's own names for the two finished states, in both languages: a stranger reads nothing else. */
const NEUTRAL_NOTES = new Set((['replied', 'returned'] as const).flatMap((s) => [STATUS_LABELS[s]['zh-CN'], STATUS_LABELS[s].en]));

describe('the public list', () => {
  it('lists every channel’s cases by public id, with no tracking code, reply or return reason, for strangers and other keys, in JSON and XML', async () => {
    expect(filed.map((f) => f.channel)).toEqual(['web', 'sms', '12345', 'phone', 'open311 A', 'open311 B', 'open311 revoked']);
    const readers = ['', '&api_key=o311_not-a-key-we-issued', `&api_key=${keyB}`];
    for (const reader of readers) {
      for (const query of ['?status=closed', '?status=closed&extensions=true', '?status=closed&extensions=true&lang=en']) {
        const both = await fetchBoth<Req[]>(t.app, `${V2}/requests`, 'service-requests', 'service_requests', undefined, `${query}${reader}`);
        // The search below means something only if every case is in the list.
        expect(both.json.map((r) => r.service_request_id).sort()).toEqual(filed.map((f) => f.publicId).sort());
        for (const text of [both.jsonText, both.xmlText]) expectNothingOpensACase(text, reader.includes(keyB) ? keyB : undefined);
        for (const request of both.json) {
          if (reader.includes(keyB) && request.service_request_id === filed.find((f) => f.key === keyB)!.publicId) continue;
          expect(Object.keys(request).filter((k) => !STRANGER_FIELDS.has(k))).toEqual([]);
          expect(NEUTRAL_NOTES).toContain(request.status_notes);
          expect(request).not.toHaveProperty('notes');
        }
      }
    }
  });

  it('shows the coordinates the filing app sent, and the place, to strangers', async () => {
    const a = filed.find((f) => f.key === keyA)!;
    const { json: list } = await fetchBoth<Req[]>(t.app, `${V2}/requests`, 'service-requests', 'service_requests', undefined, `?service_request_id=${a.publicId}`);
    expect(list[0]).toMatchObject({ lat: 39.136, long: 117.205, address_id: 'TJ:exit', status: 'closed', status_notes: '已答复', service_code: 'touting' });
  });
});

describe('the filing key', () => {
  it('sees the reply, the department and the timeline of its own requests, and of no other', async () => {
    const a = filed.find((f) => f.key === keyA)!;
    const b = filed.find((f) => f.key === keyB)!;
    for (const path of [`${V2}/requests/${a.publicId}`, `${V2}/requests`]) {
      const query = `?extensions=true&api_key=${keyA}${path.endsWith('requests') ? `&service_request_id=${a.publicId},${b.publicId}` : ''}`;
      const both = await fetchBoth<Req[]>(t.app, path, 'service-requests', 'service_requests', undefined, query);
      const own = both.json.find((r) => r.service_request_id === a.publicId)!;
      expect(own).toMatchObject({ status_notes: a.words, agency_responsible: '执法一科', extended_attributes: { kind: 'complaint' } });
      expect((own.notes as Array<{ type: string; description?: string }>).find((n) => n.type === 'replied')!.description).toBe(a.words);
      // The XML twin says the same (fetchBoth compares them), so the reply is in both texts.
      expect(both.xmlText).toContain(a.words);
      expectNothingOpensACase(both.jsonText, keyA);
      expectNothingOpensACase(both.xmlText, keyA);
      const other = both.json.find((r) => r.service_request_id === b.publicId);
      if (other) {
        expect(other.status_notes).toBe('已答复');
        expect(other).not.toHaveProperty('notes');
        expect(other).not.toHaveProperty('agency_responsible');
      }
    }
  });

  it('is a stranger once revoked', async () => {
    const r = filed.find((f) => f.key === keyRevoked)!;
    const read = async () =>
      (await fetchBoth<Req[]>(t.app, `${V2}/requests/${r.publicId}`, 'service-requests', 'service_requests', undefined, `?extensions=true&api_key=${keyRevoked}`)).json[0]!;
    expect((await read()).status_notes).toBe(r.words);
    const revoked = await call(t.app, admin, 'POST', `/api/staff/admin/api-keys/${keyRevokedId}/revoke`);
    expect(revoked.status).toBe(200);
    const after = await read();
    expect(after.status_notes).toBe('已答复');
    expect(after).not.toHaveProperty('notes');
    expect(after).not.toHaveProperty('agency_responsible');
  });
});

describe('one request by id', () => {
  it('is a 404 for every tracking code, as for an unknown id, whoever asks', async () => {
    const unknownId = randomUUID();
    const unknown = await expectErrorBoth(t.app, `${V2}/requests/${unknownId}`, 404);
    for (const f of filed) {
      for (const reader of ['', `?api_key=${keyA}`]) {
        const errors = await expectErrorBoth(t.app, `${V2}/requests/${f.trackingCode}`, 404, undefined, reader);
        expect(errors).toEqual(unknown.map((e) => ({ ...e, description: e.description.replace(unknownId, f.trackingCode) })));
      }
    }
  });

  it('shows a stranger only the neutral view of each channel’s case', async () => {
    for (const f of filed) {
      const both = await fetchBoth<Req[]>(t.app, `${V2}/requests/${f.publicId}`, 'service-requests', 'service_requests', undefined, '?extensions=true');
      expect(both.json[0]!.service_request_id).toBe(f.publicId);
      expect(NEUTRAL_NOTES).toContain(both.json[0]!.status_notes);
      expectNothingOpensACase(both.jsonText);
      expectNothingOpensACase(both.xmlText);
    }
  });
});

describe('the status lookup, the secret the public id keeps apart', () => {
  it('answers an unknown code and wrong digits with identical 404s, apart from the request id', async () => {
    const web = filed.find((f) => f.channel === 'web')!;
    const row = await caseRow(web.caseId);
    const digits = row.reporterPhone!.slice(-4);
    const wrongDigits = String((Number(digits) + 1) % 10000).padStart(4, '0');
    const answers = [];
    for (const path of [`/api/cases/${web.trackingCode}?phone4=${wrongDigits}`, `/api/cases/ABCDEFGHJK?phone4=${digits}`]) {
      const res = await t.app.request(path);
      expect(res.status).toBe(404);
      const body = ErrorEnvelope.parse(await res.json());
      expect(body.error.requestId).toBeTruthy();
      answers.push({ contentType: res.headers.get('content-type'), error: { ...body.error, requestId: undefined } });
    }
    expect(answers[1]).toEqual(answers[0]);
    // The right pair still opens it: the 404s above are the guard, not a broken lookup.
    expect((await t.app.request(`/api/cases/${web.trackingCode}?phone4=${digits}`)).status).toBe(200);
    // The public id with the right digits opens nothing.
    expect((await t.app.request(`/api/cases/${web.publicId}?phone4=${digits}`)).status).not.toBe(200);
  });
});
