import { randomUUID } from 'node:crypto';
import { asc, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../api/app.ts';
import { createLogger } from '../../api/logger.ts';
import { IssuedApiKey } from '../../api/routes/open311/schemas.ts';
import { CaseDetail } from '../../api/routes/staff/schemas.ts';
import { caseEvents, cases, outbox } from '../../db/schema.ts';
import { PLACE_COORDINATES } from '../../db/seed/reference.ts';
import { expectErrorBoth, expectValid, fetchBoth } from '../contracts/open311/contract.ts';
import { fixedClock, testConfig, uniquePhone, useTestApp } from '../helpers/app.ts';
import { form } from '../helpers/factories.ts';
import { call, type StaffSession, staffSession } from '../helpers/staff.ts';

/*
 * Filing and reading Open311 service requests. Every case here is filed by
 * this file with unique text and phones and read back by its own ids, so the
 * file runs beside others on a shared database.
 */
const clock = fixedClock('2026-03-02T09:00:00+08:00');
const t = useTestApp({ clock });
const V2 = '/open311/v2';
let apiKey: string;
let dispatcher: StaffSession;
let handler: StaffSession;
let supervisor: StaffSession;

beforeAll(async () => {
  const admin = await staffSession(t.app, t.db, 'admin', undefined, clock.now());
  dispatcher = await staffSession(t.app, t.db, 'dispatcher', undefined, clock.now());
  handler = await staffSession(t.app, t.db, 'handler', 'enf1', clock.now());
  supervisor = await staffSession(t.app, t.db, 'supervisor', undefined, clock.now());
  const res = await call(t.app, admin, 'POST', '/api/staff/admin/api-keys', { name: `requests test ${randomUUID()}`, owner: 'tests' });
  apiKey = IssuedApiKey.parse(await res.json()).key;
});

type Fields = Record<string, string>;
type Req = Record<string, unknown> & { service_request_id: string; status: string };

const baseFields = (): Fields => ({
  api_key: apiKey,
  service_code: 'touting',
  'attribute[station]': 'TJ',
  description: `出站口有人拉客，要价很高 ${randomUUID()}`,
  phone: uniquePhone(),
});

/** Files one request (JSON answer) and returns its id. */
async function file(fields: Fields = {}) {
  const res = await t.app.request(`${V2}/requests.json`, form({ ...baseFields(), ...fields }));
  const body = await res.json();
  if (res.status !== 200) throw new Error(`file → ${res.status} ${JSON.stringify(body)}`);
  expectValid('request-created', body);
  return (body as Array<{ service_request_id: string; service_notice: string }>)[0]!;
}

/** Reads one request as a stranger (no key), in both formats. */
async function read(id: string, query = '') {
  const { json } = await fetchBoth<Req[]>(t.app, `${V2}/requests/${id}`, 'service-requests', 'service_requests', undefined, query);
  expect(json).toHaveLength(1);
  return json[0]!;
}

/** Reads one request as the client whose key filed it. */
const readAsFiler = (id: string, query = '') => read(id, `${query ? `${query}&` : '?'}api_key=${apiKey}`);

/** The case behind a public id. */
async function caseOf(id: string) {
  const [row] = await t.db.select().from(cases).where(eq(cases.publicId, id));
  return row!;
}

async function ok(as: StaffSession, id: string, verb: string, body: Record<string, unknown>) {
  const row = await caseOf(id);
  const res = await call(t.app, as, 'POST', `/api/staff/cases/${row.id}/${verb}`, { version: row.version, ...body });
  if (res.status !== 200) throw new Error(`${verb} → ${res.status} ${await res.text()}`);
  return CaseDetail.parse(await res.json());
}

describe('POST requests: filing from a civic app', () => {
  it('files a case on the open311 channel with everything the app sent, and answers its public id, the tracking code only in the receipt', async () => {
    const fields = {
      service_code: 'illegal_taxi',
      'attribute[location]': 'TJ:front_square',
      'attribute[kind]': 'report',
      email: `reporter-${randomUUID()}@example.com`,
      first_name: '三',
      last_name: '张',
      lat: '39.1360',
      long: '117.2050',
      address_string: '天津站前广场东侧出租车通道',
      media_url: 'https://media.example.org/p/123.jpg',
      device_id: 'device-1',
      account_id: 'acct-1',
      jurisdiction_id: 'tj.gov.cn',
    };
    const { json } = await fetchBoth<Array<{ service_request_id: string; service_notice: string }>>(t.app, `${V2}/requests`, 'request-created', 'service_requests', () =>
      form({ ...baseFields(), ...fields }),
    );
    const created = json[0]!;
    expect(Object.keys(created).sort()).toEqual(['service_notice', 'service_request_id']);

    const row = await caseOf(created.service_request_id);
    expect(created.service_request_id).toBe(row.publicId);
    expect(created.service_request_id).not.toContain(row.trackingCode);
    // The notice is the citizen's receipt, answered only to the client it filed through.
    expect(created.service_notice).toContain(row.trackingCode);
    expect(row).toMatchObject({ channel: 'open311', kind: 'report', status: 'new', reporterName: '张三', reporterEmail: fields.email });
    expect(row.reporterPhone).toMatch(/^\+86139\d{8}$/);
    const receipts = await t.db.select().from(outbox).where(eq(outbox.caseId, row.id));
    expect(receipts.map((m) => m.channel).sort()).toEqual(['email', 'sms']);
    const events = await t.db.select().from(caseEvents).where(eq(caseEvents.caseId, row.id)).orderBy(asc(caseEvents.id));
    expect(events.map((e) => [e.type, e.isPublic])).toEqual([
      ['created', true],
      ['open311_submitted', false],
    ]);
    expect(events[1]!.data).toMatchObject({ lat: 39.136, long: 117.205, addressString: fields.address_string, mediaUrl: fields.media_url });

    const read1 = await read(created.service_request_id, '?lang=en');
    expect(read1).toEqual({
      service_request_id: created.service_request_id,
      status: 'open',
      service_name: 'Illegal taxis',
      status_notes: 'Received, awaiting assignment',
      service_code: 'illegal_taxi',
      description: null,
      requested_datetime: '2026-03-02T09:00:00+08:00',
      updated_datetime: '2026-03-02T09:00:00+08:00',
      expected_datetime: expect.stringMatching(/^2026-03-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/),
      address: 'Front square, Tianjin Station',
      address_id: 'TJ:front_square',
      lat: 39.136,
      long: 117.205,
    });
    expect(new Date(read1.expected_datetime as string).getTime()).toBe(row.replyDueAt.getTime());
    expect((await read(created.service_request_id)).address).toBe('天津站前广场');
  });

  it('takes a bare location code at the chosen station and address_id as the location; kind defaults to complaint; no coordinates, the place’s shown', async () => {
    const a = await file({ 'attribute[location]': 'rear_square' });
    expect((await caseOf(a.service_request_id)).kind).toBe('complaint');
    const shown = await read(a.service_request_id);
    expect(shown.address_id).toBe('TJ:rear_square');
    // The seeded place's coordinates (tests/api/open311-clients.test.ts covers admins' coordinates).
    const [lat, long] = PLACE_COORDINATES.TJ!.rear_square!;
    expect(shown).toMatchObject({ lat, long });
    const b = await file({ 'attribute[station]': 'BJN', address_id: 'BJN:north_square' });
    expect((await read(b.service_request_id)).address_id).toBe('BJN:north_square');
  });

  it('refuses bad input with a 400 naming each problem, in both formats, and files nothing', async () => {
    const cases400: Array<[Fields, RegExp[]]> = [
      [{ service_code: '' }, [/service_code/]],
      [{ 'attribute[station]': '' }, [/attribute\[station\]/]],
      [{ 'attribute[station]': 'XX' }, [/attribute\[station\]/]],
      [{ 'attribute[location]': 'BJN:north_square' }, [/attribute\[location\]/]],
      [{ 'attribute[location]': 'TJ:nowhere' }, [/attribute\[location\]/]],
      [{ 'attribute[location]': 'TJ:front_square', address_id: 'TJ:rear_square' }, [/address_id/]],
      [{ 'attribute[kind]': 'praise' }, [/attribute\[kind\]/]],
      [{ 'attribute[colour]': 'x'.repeat(2001) }, [/attribute\[colour\]/]],
      [{ description: '' }, [/description/]],
      [{ description: '长'.repeat(4001) }, [/description/]],
      [{ phone: '12345' }, [/phone/]],
      [{ email: 'not-an-email' }, [/email/]],
      [{ lat: '39.1' }, [/long/]],
      [{ lat: '139.1', long: '117.2' }, [/lat/]],
      [{ media_url: 'ftp://media.example.org/x.jpg' }, [/media_url/]],
      [{ first_name: 'x'.repeat(51) }, [/first_name/]],
      // Every problem at once.
      [{ 'attribute[station]': '', phone: '12345', description: '' }, [/attribute\[station\]/, /description/, /phone/]],
    ];
    for (const [fields, expected] of cases400) {
      const description = fields.description ?? `不应立案 ${randomUUID()}`;
      const errors = await expectErrorBoth(t.app, `${V2}/requests`, 400, () => form({ ...baseFields(), description, ...fields }));
      expect(errors.map((e) => e.code)).toEqual(expected.map(() => 400));
      for (const [i, re] of expected.entries()) expect(errors[i]!.description).toMatch(re);
      if (description) expect(await t.db.select({ id: cases.id }).from(cases).where(eq(cases.description, description))).toEqual([]);
    }
  });

  it('names a bad phone in the caller’s language (a phone is optional: tests/api/open311-clients.test.ts)', async () => {
    const res = await t.app.request(`${V2}/requests.json?lang=en`, form({ ...baseFields(), phone: '12345' }));
    expect(await res.json()).toEqual([{ code: 400, description: expect.stringMatching(/phone number/) }]);
  });

  it('is a 404 for an unknown service code, a 400 for a two-valued attribute', async () => {
    expect(await expectErrorBoth(t.app, `${V2}/requests`, 404, () => form({ ...baseFields(), service_code: 'potholes' }))).toEqual([
      { code: 404, description: expect.stringContaining('potholes') },
    ]);
    const body = `${new URLSearchParams(baseFields()).toString()}&attribute%5Bstation%5D=TJN`;
    const res = await t.app.request(`${V2}/requests.json`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual([{ code: 400, description: expect.stringContaining('attribute[station]') }]);
  });

  it('takes only a form, within 64 kB', async () => {
    const asJson = await t.app.request(`${V2}/requests.json`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(baseFields()) });
    expect(asJson.status).toBe(400);
    expectValid('errors', await asJson.json());
    const huge = await t.app.request(`${V2}/requests.xml`, form({ ...baseFields(), description: 'x'.repeat(70 * 1024) }));
    expect(huge.status).toBe(413);
    expect(await huge.text()).toContain('<errors>');
  });

  it('does not spend the public intake’s per-address budget (each key has its own quota: tests/api/open311-clients.test.ts)', async () => {
    // A client address of its own: the budgets live in the database, which other runs share.
    const ip = `open311-${randomUUID()}`;
    const limited = createApp({ config: testConfig({ INTAKE_RATE_LIMIT: '1' }), logger: createLogger('silent'), database: () => t.db, clock, clientIp: () => ip });
    expect((await limited.request(`${V2}/requests.json`, form(baseFields()))).status).toBe(200);
    expect((await limited.request(`${V2}/requests.json`, form(baseFields()))).status).toBe(200);
    // The website's budget is untouched by those filings, and still holds for the website.
    expect((await limited.request('/api/cases', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status).not.toBe(429);
    const second = await limited.request('/api/cases', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(second.status).toBe(429);
  });
});

describe('GET requests/{id} through a case’s life', () => {
  it('maps new/assigned/in_progress to open and replied/closed to closed; the reply and department reach only the filing key', async () => {
    const { service_request_id: id } = await file({ 'attribute[location]': 'TJ:exit' });
    expect(await read(id)).toMatchObject({ status: 'open', status_notes: '已受理，待分派' });
    expect(await readAsFiler(id)).not.toHaveProperty('agency_responsible');

    clock.advance(10 * 60_000);
    await ok(dispatcher, id, 'assign', { leadDepartment: 'enf1' });
    expect(await readAsFiler(id, '?lang=en')).toMatchObject({ status: 'open', agency_responsible: 'Enforcement Section 1', updated_datetime: '2026-03-02T09:10:00+08:00' });
    expect(await read(id, '?lang=en')).toMatchObject({ status: 'open', status_notes: 'Assigned, awaiting acknowledgement', updated_datetime: '2026-03-02T09:10:00+08:00' });
    expect(await read(id)).not.toHaveProperty('agency_responsible');
    await ok(handler, id, 'acknowledge', {});
    expect(await readAsFiler(id, '?extensions=true')).toMatchObject({ status: 'open', extended_attributes: { detailed_status: 'in_progress', station: 'TJ', kind: 'complaint' } });
    expect(await read(id, '?extensions=true')).toMatchObject({ status: 'open', status_notes: '办理中', extended_attributes: { detailed_status: 'in_progress', station: 'TJ' } });

    const reply = `经核查，已对拉客人员依法处理 ${randomUUID()}`;
    await ok(handler, id, 'reply', { text: reply });
    expect(await readAsFiler(id)).toMatchObject({ status: 'closed', status_notes: reply, agency_responsible: '执法一科' });
    expect(await read(id)).toMatchObject({ status: 'closed', status_notes: '已答复' });
    await ok(dispatcher, id, 'close', {});
    expect(await readAsFiler(id)).toMatchObject({ status: 'closed', status_notes: reply });
    expect(await read(id)).toMatchObject({ status: 'closed', status_notes: '已办结' });

    await ok(dispatcher, id, 'reopen', { reason: '市民反映问题仍存在' });
    const reopened = await readAsFiler(id, '?extensions=true&lang=en');
    expect(reopened).toMatchObject({ status: 'open', status_notes: 'In progress' });
    const notes = reopened.notes as Array<{ type: string; summary: string; description?: string; datetime: string }>;
    expect(notes.map((n) => n.type)).toEqual(['created', 'assigned', 'acknowledged', 'replied', 'closed', 'reopened']);
    expect(notes.find((n) => n.type === 'replied')).toMatchObject({ summary: 'Replied', description: reply });
    expect(notes.find((n) => n.type === 'reopened')).toMatchObject({ summary: 'Reopened', description: '市民反映问题仍存在' });
    expect(notes.every((n) => /\+08:00$/.test(n.datetime))).toBe(true);
    // A stranger gets no timeline at all.
    expect(await read(id, '?extensions=true&lang=en')).not.toHaveProperty('notes');
  });

  it('shows an approved extension’s new deadline as expected_datetime to all, and as a note to the filing key', async () => {
    const { service_request_id: id } = await file();
    await ok(dispatcher, id, 'assign', { leadDepartment: 'enf1' });
    await ok(handler, id, 'acknowledge', {});
    const before = await read(id);
    const newDue = new Date(new Date(before.expected_datetime as string).getTime() + 5 * 86_400_000);
    await ok(handler, id, 'extend', { reason: '需协调铁路公安联合处置', newDueAt: newDue.toISOString() });
    await ok(supervisor, id, 'decide-extension', { approve: true });
    expect(new Date((await read(id)).expected_datetime as string).getTime()).toBe(newDue.getTime());
    const after = await readAsFiler(id, '?extensions=true&lang=en');
    expect(new Date(after.expected_datetime as string).getTime()).toBe(newDue.getTime());
    const notes = after.notes as Array<{ type: string; description?: string }>;
    // The request and the refusal stay internal; the approval is public.
    expect(notes.map((n) => n.type)).toEqual(['created', 'assigned', 'acknowledged', 'extension_approved']);
    expect(notes[3]!.description).toContain('Now due by');
  });

  it('closes a returned request with its reason and a merged one as a duplicate by public id, for the filing key; promises no date', async () => {
    const returned = await file();
    await ok(dispatcher, returned.service_request_id, 'return', { reason: '不属于本站区管辖，请联系市交通委' });
    const r = await readAsFiler(returned.service_request_id);
    expect(r).toMatchObject({ status: 'closed', status_notes: '不属于本站区管辖，请联系市交通委' });
    expect(r).not.toHaveProperty('expected_datetime');
    expect(await read(returned.service_request_id)).toMatchObject({ status: 'closed', status_notes: '已退回' });

    const master = await file();
    const dup = await file();
    const masterCode = (await caseOf(master.service_request_id)).trackingCode;
    await ok(dispatcher, dup.service_request_id, 'merge', { into: masterCode });
    const d = await readAsFiler(dup.service_request_id, '?lang=en&extensions=true');
    expect(d).toMatchObject({ status: 'closed', status_notes: `Duplicate of request ${master.service_request_id}`, extended_attributes: { detailed_status: 'merged' } });
    expect(d).not.toHaveProperty('expected_datetime');
    // The merge note names the master by public id too: the master's tracking code is another reporter's secret.
    expect((d.notes as Array<{ type: string; description?: string }>).find((n) => n.type === 'merged')!.description).toBe(`Duplicate of request ${master.service_request_id}`);
    expect(JSON.stringify(d)).not.toContain(masterCode);
    expect(await read(dup.service_request_id, '?lang=en')).toMatchObject({ status: 'closed', status_notes: 'Merged' });
  });

  it('escapes markup in XML and drops what XML 1.0 cannot carry', async () => {
    const { service_request_id: id } = await file();
    await ok(dispatcher, id, 'assign', { leadDepartment: 'enf1' });
    await ok(handler, id, 'acknowledge', {});
    await ok(handler, id, 'reply', { text: 'A & B <C> "D" \'E\' \u0007end' });
    const xml = await (await t.app.request(`${V2}/requests/${id}.xml?api_key=${apiKey}`)).text();
    expect(xml).toContain('<status_notes>A &amp; B &lt;C&gt; &quot;D&quot; &apos;E&apos; end</status_notes>');
    // JSON carries the text as it is (so here, and only here, the two formats differ).
    const [json] = (await (await t.app.request(`${V2}/requests/${id}.json?api_key=${apiKey}`)).json()) as Req[];
    expect(json!.status_notes).toBe('A & B <C> "D" \'E\' \u0007end');
  });

  it('is a 404 for an unknown or malformed id, and for a tracking code, in both formats', async () => {
    await expectErrorBoth(t.app, `${V2}/requests/ZZZZZZZZZZ`, 404);
    await expectErrorBoth(t.app, `${V2}/requests/not-a-code`, 404);
    await expectErrorBoth(t.app, `${V2}/requests/${randomUUID()}`, 404);
    const { service_request_id: id } = await file();
    const code = (await caseOf(id)).trackingCode;
    for (const asked of [code, `${code.slice(0, 5)}-${code.slice(5)}`, code.toLowerCase()]) {
      const unknown = await expectErrorBoth(t.app, `${V2}/requests/${asked}`, 404);
      // The same answer as for any unknown id, even to the key that filed it.
      expect(unknown).toEqual([{ code: 404, description: `没有编号为 ${asked} 的诉求` }]);
      expect(await expectErrorBoth(t.app, `${V2}/requests/${asked}`, 404, undefined, `?api_key=${apiKey}`)).toEqual(unknown);
    }
  });

  it('forgives upper case in the id', async () => {
    const { service_request_id: id } = await file();
    expect((await read(id.toUpperCase())).service_request_id).toBe(id);
  });
});

describe('GET requests by id list', () => {
  it('returns the listed requests, newest first, and ignores ids that match nothing', async () => {
    const a = await file();
    clock.advance(60_000);
    const b = await file({ service_code: 'parking' });
    const query = `?service_request_id=${a.service_request_id},${b.service_request_id.toUpperCase()},ZZZZZZZZZZ,nonsense&status=closed&service_code=signage`;
    const { json } = await fetchBoth<Req[]>(t.app, `${V2}/requests`, 'service-requests', 'service_requests', undefined, query);
    // service_request_id overrides the other filters (status, service_code), as the spec says.
    expect(json.map((r) => r.service_request_id)).toEqual([b.service_request_id, a.service_request_id]);
  });

  it('finds nothing by tracking codes, with or without the filing key', async () => {
    const a = await file();
    const code = (await caseOf(a.service_request_id)).trackingCode;
    for (const key of ['', `&api_key=${apiKey}`]) {
      const { json } = await fetchBoth<Req[]>(t.app, `${V2}/requests`, 'service-requests', 'service_requests', undefined, `?service_request_id=${code},${code.toLowerCase()}${key}`);
      expect(json).toEqual([]);
    }
    // The same list by public id finds it, so the empty answer above is the tracking code's doing.
    const { json } = await fetchBoth<Req[]>(t.app, `${V2}/requests`, 'service-requests', 'service_requests', undefined, `?service_request_id=${code},${a.service_request_id}`);
    expect(json.map((r) => r.service_request_id)).toEqual([a.service_request_id]);
  });

  it('refuses more than 1,000 ids', async () => {
    const ids = Array.from({ length: 1001 }, (_, i) => `ID${i}`).join(',');
    await expectErrorBoth(t.app, `${V2}/requests`, 400, undefined, `?service_request_id=${ids}`);
  });
});

describe('privacy', () => {
  it('never lets the reporter’s phone, email, name, words, address or media out, in any answer', async () => {
    const phone = uniquePhone();
    const email = `private-${randomUUID()}@example.com`;
    const secret = randomUUID();
    const fields = {
      phone,
      email,
      first_name: `名${secret.slice(0, 4)}`,
      last_name: `姓${secret.slice(4, 8)}`,
      description: `我叫王五，电话 ${phone}，邮箱 ${email}，秘密 ${secret}`,
      address_string: `家住某小区 ${secret}`,
      media_url: `https://media.example.org/${secret}.jpg`,
      lat: '39.1',
      long: '117.2',
    };
    const outputs: string[] = [];
    const res = await t.app.request(`${V2}/requests.xml`, form({ ...baseFields(), ...fields }));
    outputs.push(await res.text());
    const id = /<service_request_id>([^<]+)<\/service_request_id>/.exec(outputs[0]!)![1]!;
    await ok(dispatcher, id, 'assign', { leadDepartment: 'enf1' });
    await ok(handler, id, 'acknowledge', {});
    await ok(handler, id, 'contact', { method: 'phone', note: `已联系 ${phone}` });
    await ok(handler, id, 'reply', { text: '已处理，感谢监督。' });
    // As a stranger and as the filing key, which sees the most.
    for (const query of ['', '?extensions=true', '?extensions=true&lang=en', `?api_key=${apiKey}`, `?extensions=true&api_key=${apiKey}`]) {
      for (const path of [`${V2}/requests/${id}`, `${V2}/requests`]) {
        const q = path.endsWith('requests') ? `${query ? `${query}&` : '?'}service_request_id=${id}` : query;
        const both = await fetchBoth(t.app, path, 'service-requests', 'service_requests', undefined, q);
        outputs.push(both.jsonText, both.xmlText);
      }
    }
    const e164 = `+86${phone}`;
    for (const out of outputs) {
      for (const leak of [phone, e164, email, secret, secret.slice(0, 4), secret.slice(4, 8), '王五', 'media.example.org']) expect(out).not.toContain(leak);
    }
    // The coordinates the app chose to send are the one thing shown.
    expect(outputs[1]).toContain('"lat":39.1');
  });
});
