import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { toShanghaiIso } from '../../api/domain/deadlines/shanghai-time.ts';
import { caseEvents, open311UpdateReceipts, outbox } from '../../db/schema.ts';
import { expectErrorBoth, fetchBoth } from '../contracts/open311/contract.ts';
import { fixedClock, useTestApp } from '../helpers/app.ts';
import { form } from '../helpers/factories.ts';
import { type StaffSession, staffSession } from '../helpers/staff.ts';
import { caseOf, fileRequest, fmsFields, issueKey, staffDetail, V2, verb } from './open311-fixtures.ts';

/*
 * mySociety's service request updates, as FixMyStreet's Open311 client reads
 * them (GET servicerequestupdates.xml?start_date=&end_date=) and posts them
 * (POST servicerequestupdates.xml). Each run works in a random hour of 2026
 * so that its window holds its own steps, whatever else shares the database.
 */
const start = new Date(Date.UTC(2026, 5, 1, 1) + Math.floor(Math.random() * 90 * 24) * 3600_000);
const clock = fixedClock(start);
const t = useTestApp({ clock });
let admin: StaffSession;
let dispatcher: StaffSession;
let handler: StaffSession;
let key: Awaited<ReturnType<typeof issueKey>>;

type Update = { update_id: string; service_request_id: string; status: string; updated_datetime: string; description: string };

beforeAll(async () => {
  admin = await staffSession(t.app, t.db, 'admin', undefined, clock.now());
  dispatcher = await staffSession(t.app, t.db, 'dispatcher', undefined, clock.now());
  handler = await staffSession(t.app, t.db, 'handler', 'enf1', clock.now());
  key = await issueKey(t.app, admin);
});

const windowQuery = (from: Date, to: Date, extra = '') => `?start_date=${encodeURIComponent(toShanghaiIso(from))}&end_date=${encodeURIComponent(toShanghaiIso(to))}${extra}`;

async function updatesOf(id: string, query: string) {
  const { json } = await fetchBoth<Update[]>(t.app, `${V2}/servicerequestupdates`, 'request-updates', 'service_request_updates', undefined, query);
  return json.filter((u) => u.service_request_id === id);
}

describe('GET servicerequestupdates', () => {
  it('lists the office’s steps oldest first with FixMyStreet’s statuses; the reply’s words only for the filing key; JSON and XML', async () => {
    const from = clock.now();
    const id = await fileRequest(t.app, fmsFields(key.key));
    clock.advance(60_000);
    await verb(t.app, t.db, dispatcher, id, 'assign', { leadDepartment: 'enf1' });
    clock.advance(60_000);
    await verb(t.app, t.db, handler, id, 'acknowledge');
    clock.advance(60_000);
    await verb(t.app, t.db, handler, id, 'contact', { method: 'email', note: `内部备注 ${randomUUID()}` });
    clock.advance(60_000);
    const reply = `已安排执法人员处置 ${randomUUID()}`;
    await verb(t.app, t.db, handler, id, 'reply', { text: reply });
    const to = clock.now();

    const asFiler = await updatesOf(id, windowQuery(from, to, `&api_key=${key.key}`));
    expect(asFiler.map((u) => u.status)).toEqual(['open', 'open', 'in_progress', 'in_progress', 'closed']);
    expect(asFiler.at(-1)).toMatchObject({ description: `已答复：${reply}`, updated_datetime: toShanghaiIso(to) });
    expect(new Set(asFiler.map((u) => u.update_id)).size).toBe(5);

    const asStranger = await updatesOf(id, windowQuery(from, to));
    expect(asStranger.map((u) => u.update_id)).toEqual(asFiler.map((u) => u.update_id));
    expect(asStranger.at(-1)!.description).toBe('已答复');
    const everything = JSON.stringify(asStranger) + JSON.stringify(asFiler);
    expect(everything).not.toContain('内部备注');
    expect(JSON.stringify(asStranger)).not.toContain(reply);
    // In English, and the window's ends hold: a window ending before the reply leaves it out.
    const english = await updatesOf(id, windowQuery(from, new Date(to.getTime() - 1000), `&api_key=${key.key}&lang=en`));
    expect(english.map((u) => u.description)).toEqual(['Received', 'Assigned', 'Acknowledged', 'Reporter contacted']);
  });

  it('names a merged request’s master by public id and a returned one as no_further_action', async () => {
    const from = clock.now();
    const master = await fileRequest(t.app, fmsFields(key.key));
    const duplicate = await fileRequest(t.app, fmsFields(key.key));
    const returned = await fileRequest(t.app, fmsFields(key.key));
    clock.advance(60_000);
    const masterRow = await caseOf(t.db, master);
    await verb(t.app, t.db, dispatcher, duplicate, 'merge', { into: masterRow.trackingCode });
    await verb(t.app, t.db, dispatcher, returned, 'return', { reason: '不属于本办职责' });
    const query = windowQuery(from, clock.now(), `&api_key=${key.key}`);
    expect((await updatesOf(duplicate, query)).at(-1)).toMatchObject({ status: 'duplicate', description: expect.stringContaining(master) });
    expect((await updatesOf(duplicate, query)).at(-1)!.description).not.toContain(masterRow.trackingCode);
    expect((await updatesOf(returned, query)).at(-1)).toMatchObject({ status: 'no_further_action', description: '已退回：不属于本办职责' });
  });

  it('refuses bad dates and a window over 90 days, in both formats', async () => {
    await expectErrorBoth(t.app, `${V2}/servicerequestupdates`, 400, undefined, '?start_date=yesterday');
    await expectErrorBoth(t.app, `${V2}/servicerequestupdates`, 400, undefined, '?start_date=2026-01-01&end_date=2026-06-01');
    await expectErrorBoth(t.app, `${V2}/servicerequestupdates`, 400, undefined, '?page_size=1001');
  });
});

describe('POST servicerequestupdates', () => {
  /** A citizen's comment as FixMyStreet's post_service_request_update sends it. */
  const fmsUpdate = (id: string, fields: Record<string, string> = {}): Record<string, string> => ({
    api_key: key.key,
    jurisdiction_id: 'station-hotline',
    service_request_id: id,
    update_id: String(Math.floor(Math.random() * 1e9)),
    updated_datetime: toShanghaiIso(clock.now()),
    status: 'OPEN',
    description: `拉客的人又来了 ${randomUUID()}`,
    first_name: 'Alex',
    last_name: '-',
    email: `fms-${randomUUID()}@example.org`,
    ...fields,
  });

  it('puts the citizen’s update on the timeline for staff, mails the lead department, answers its id, and adds it once per update_id', async () => {
    const id = await fileRequest(t.app, fmsFields(key.key));
    await verb(t.app, t.db, dispatcher, id, 'assign', { leadDepartment: 'enf1' });
    const row = await caseOf(t.db, id);
    const fields = fmsUpdate(id, { media_url: 'https://fms.example.org/photo/1.jpeg' });
    // Both formats post the same update_id, as a client retrying after a lost answer would: one update, one id.
    const { json, xml } = await fetchBoth<Array<{ update_id: string }>>(t.app, `${V2}/servicerequestupdates`, 'update-posted', 'service_request_updates', () => form(fields));
    const updateId = json[0]!.update_id;
    expect((xml.service_request_updates as { request_update: Array<{ update_id: string }> }).request_update[0]!.update_id).toBe(updateId);

    const events = await t.db
      .select()
      .from(caseEvents)
      .where(and(eq(caseEvents.caseId, row.id), eq(caseEvents.type, 'open311_update')));
    expect(events).toHaveLength(1);
    expect(String(events[0]!.id)).toBe(updateId);
    expect(events[0]).toMatchObject({ isPublic: false, actorType: 'citizen' });
    expect(events[0]!.data).toMatchObject({ text: fields.description, mediaUrl: fields.media_url, status: 'open', clientUpdateId: fields.update_id, apiKeyName: key.name });
    // Not kept: the name and email sent with it.
    expect(JSON.stringify(events[0]!.data)).not.toContain(fields.email);

    const detail = await staffDetail(t.app, handler, row.id);
    expect(detail.timeline.find((e) => e.type === 'open311_update')?.data).toMatchObject({ text: fields.description });
    const mails = await t.db
      .select()
      .from(outbox)
      .where(and(eq(outbox.caseId, row.id), eq(outbox.template, 'citizen_update')));
    expect(mails.map((m) => [m.channel, m.recipient])).toEqual([['email', expect.stringMatching(/^zhifa1@/)]]);
    expect(JSON.stringify(mails[0]!.payload)).not.toContain(fields.description);

    // The office's updates never echo it back.
    const back = await updatesOf(id, windowQuery(new Date(clock.now().getTime() - 3600_000), clock.now(), `&api_key=${key.key}`));
    expect(back.map((u) => u.update_id)).not.toContain(updateId);
    expect(JSON.stringify(back)).not.toContain(fields.description);
  });

  it('refuses another client’s request (403), an unknown one (404), missing fields (400), a reused update_id (409); files nothing', async () => {
    const id = await fileRequest(t.app, fmsFields(key.key));
    const other = await issueKey(t.app, admin);
    const row = await caseOf(t.db, id);
    const count = async () =>
      (
        await t.db
          .select()
          .from(caseEvents)
          .where(and(eq(caseEvents.caseId, row.id), eq(caseEvents.type, 'open311_update')))
      ).length;

    await expectErrorBoth(t.app, `${V2}/servicerequestupdates`, 403, () => form(fmsUpdate(id, { api_key: other.key })));
    await expectErrorBoth(t.app, `${V2}/servicerequestupdates`, 403, () => form(fmsUpdate(id, { api_key: '' })));
    const unknown = fmsUpdate(randomUUID());
    await expectErrorBoth(t.app, `${V2}/servicerequestupdates`, 404, () => form(unknown));
    await expectErrorBoth(t.app, `${V2}/servicerequestupdates`, 404, () => form(fmsUpdate(row.trackingCode)));
    const missing = await expectErrorBoth(t.app, `${V2}/servicerequestupdates`, 400, () => form(fmsUpdate(id, { update_id: '', description: '' })), '?lang=en');
    expect(missing.map((e) => e.description)).toEqual([expect.stringContaining('update_id'), expect.stringContaining('description')]);
    await expectErrorBoth(t.app, `${V2}/servicerequestupdates`, 400, () => form(fmsUpdate(id, { updated_datetime: 'yesterday' })));
    expect(await count()).toBe(0);

    const second = await fileRequest(t.app, fmsFields(key.key));
    const first = fmsUpdate(id);
    const clientUpdateId = first.update_id!;
    expect((await t.app.request(`${V2}/servicerequestupdates.json`, form(first))).status).toBe(200);
    await expectErrorBoth(t.app, `${V2}/servicerequestupdates`, 409, () => form(fmsUpdate(second, { update_id: clientUpdateId })));
    expect(
      await t.db
        .select()
        .from(open311UpdateReceipts)
        .where(and(eq(open311UpdateReceipts.apiKeyId, key.id), eq(open311UpdateReceipts.clientUpdateId, clientUpdateId))),
    ).toHaveLength(1);
  });

  it('refuses a file part with a 400 rather than dropping it', async () => {
    const id = await fileRequest(t.app, fmsFields(key.key));
    const body = new FormData();
    for (const [k, v] of Object.entries(fmsUpdate(id))) body.append(k, v);
    body.append('photo', new File([new Uint8Array([0xff, 0xd8, 0xff, 0xe0])], 'p.jpg', { type: 'image/jpeg' }));
    const res = await t.app.request(`${V2}/servicerequestupdates.xml`, { method: 'POST', body });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('<code>400</code>');
  });
});

describe('as FixMyStreet’s Open311 client does it', () => {
  it('files without a phone, syncs statuses by a list of ids, reads the office’s updates since its last run and posts a citizen’s update', async () => {
    const from = clock.now();
    // send_service_request: form-encoded, jurisdiction_id, its own attributes, full-precision coordinates, no phone.
    const filed = await t.app.request(
      `${V2}/requests.xml`,
      form(
        fmsFields(key.key, {
          lat: String(39.13641234567891),
          long: String(117.21061234567891),
          'attribute[fixmystreet_id]': '98765',
          'attribute[report_url]': 'https://fms.example.org/report/98765',
          'attribute[title]': 'Touts at the exit',
          media_url: 'https://fms.example.org/photo/98765.0.full.jpeg',
        }),
      ),
    );
    expect(filed.status).toBe(200);
    const id = /<service_request_id>([^<]+)<\/service_request_id>/.exec(await filed.text())![1]!;
    const others = [await fileRequest(t.app, fmsFields(key.key)), await fileRequest(t.app, fmsFields(key.key))];

    // The office handles it.
    clock.advance(5 * 60_000);
    await verb(t.app, t.db, dispatcher, id, 'assign', { leadDepartment: 'enf1' });
    await verb(t.app, t.db, handler, id, 'acknowledge');
    const reply = `已处理 ${randomUUID()}`;
    await verb(t.app, t.db, handler, id, 'reply', { text: reply });

    // get_service_requests with report_ids: every report it still shows, comma-separated, in one GET.
    const list = [id, ...others, ...Array.from({ length: 500 }, () => randomUUID())].join(',');
    const sync = await t.app.request(`${V2}/requests.xml?jurisdiction_id=station-hotline&service_request_id=${list}&api_key=${key.key}`);
    expect(sync.status).toBe(200);
    const synced = await sync.text();
    expect(synced.match(/<request>/g)).toHaveLength(3);
    expect(synced).toContain(`<service_request_id>${id}</service_request_id>`);
    expect(synced).toContain(`<status_notes>${reply}</status_notes>`);
    expect(synced).toContain('<lat>39.13641234567891</lat>');

    // GetServiceRequestUpdates: api_key, start_date and end_date as W3CDTF (UTC here, as DateTime prints it).
    clock.advance(60_000);
    const since = `?jurisdiction_id=station-hotline&api_key=${key.key}&start_date=${from.toISOString().slice(0, 19)}Z&end_date=${clock.now().toISOString().slice(0, 19)}Z`;
    const updates = await t.app.request(`${V2}/servicerequestupdates.xml${since}`);
    const text = await updates.text();
    expect(updates.status).toBe(200);
    const mine = [...text.matchAll(/<request_update>([\s\S]*?)<\/request_update>/g)].map((m) => m[1]!).filter((u) => u.includes(id));
    expect(mine.map((u) => /<status>(\w+)<\/status>/.exec(u)![1])).toEqual(['open', 'open', 'in_progress', 'closed']);
    expect(mine.every((u) => /<update_id>\d+<\/update_id>/.test(u))).toBe(true);

    // post_service_request_update: the citizen writes back; FixMyStreet keeps the update_id we answer.
    const posted = await t.app.request(
      `${V2}/servicerequestupdates.xml`,
      form({
        api_key: key.key,
        jurisdiction_id: 'station-hotline',
        service_request_id: id,
        update_id: '4711',
        updated_datetime: clock
          .now()
          .toISOString()
          .replace(/\.\d+Z$/, 'Z'),
        status: 'OPEN',
        description: '问题仍然存在',
        first_name: 'Alex',
        last_name: 'Doe',
        email: 'alex@example.org',
      }),
    );
    expect(posted.status).toBe(200);
    expect(await posted.text()).toMatch(/<service_request_updates>\s*<request_update>\s*<update_id>\d+<\/update_id>/);
    const detail = await staffDetail(t.app, handler, (await caseOf(t.db, id)).id);
    expect(detail.reporter.textable).toBe(false);
    expect(detail.open311?.attributes).toMatchObject({ fixmystreet_id: '98765', title: 'Touts at the exit' });
    expect(detail.timeline.at(-1)).toMatchObject({ type: 'open311_update', isPublic: false, data: expect.objectContaining({ text: '问题仍然存在' }) });
  });
});
