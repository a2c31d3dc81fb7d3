import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { AdminLocation, AdminLocationList, type AdminStation } from '../../api/routes/staff/admin-schemas.ts';
import { cases, outbox, stations } from '../../db/schema.ts';
import { seedReference } from '../../db/seed/index.ts';
import { PLACE_COORDINATES } from '../../db/seed/reference.ts';
import { expectErrorBoth, expectValid, fetchBoth } from '../contracts/open311/contract.ts';
import { fixedClock, uniquePhone, useTestApp } from '../helpers/app.ts';
import { form } from '../helpers/factories.ts';
import { call, type StaffSession, staffSession } from '../helpers/staff.ts';
import { caseOf, fileRequest, fmsFields, issueKey, staffDetail, V2, verb } from './open311-fixtures.ts';

/*
 * Issue #15: what real Open311 clients (FixMyStreet, mobile apps) send and
 * need — each item in JSON and XML.
 */
const clock = fixedClock('2026-04-07T10:00:00+08:00');
const t = useTestApp({ clock });
let admin: StaffSession;
let dispatcher: StaffSession;
let handler: StaffSession;
let key: Awaited<ReturnType<typeof issueKey>>;

type Req = { service_request_id: string; lat?: number; long?: number; status: string; status_notes?: string };

beforeAll(async () => {
  admin = await staffSession(t.app, t.db, 'admin', undefined, clock.now());
  dispatcher = await staffSession(t.app, t.db, 'dispatcher', undefined, clock.now());
  handler = await staffSession(t.app, t.db, 'handler', 'enf1', clock.now());
  key = await issueKey(t.app, admin);
});

const outboxOf = (caseId: string) => t.db.select({ channel: outbox.channel, template: outbox.template }).from(outbox).where(eq(outbox.caseId, caseId));

describe('filing without a phone', () => {
  it('files with an email only or with neither, in both formats; the key is the citizen’s channel and no SMS is queued', async () => {
    for (const format of ['json', 'xml'] as const) {
      const withEmail = await fileRequest(t.app, fmsFields(key.key), format);
      const bare = await fileRequest(t.app, fmsFields(key.key, { email: '', first_name: '', last_name: '' }), format);
      for (const [id, email] of [
        [withEmail, true],
        [bare, false],
      ] as const) {
        const row = await caseOf(t.db, id);
        expect(row).toMatchObject({ channel: 'open311', apiKeyId: key.id, reporterPhone: null, reporterPhone4: null });
        expect((await outboxOf(row.id)).map((m) => m.channel)).toEqual(email ? ['email'] : []);
      }
    }
  });

  it('shows staff that the reporter cannot be texted and which app they follow the case in; a reply goes out without an SMS', async () => {
    const id = await fileRequest(t.app, fmsFields(key.key));
    const row = await caseOf(t.db, id);
    const detail = await staffDetail(t.app, dispatcher, row.id);
    expect(detail.reporter).toMatchObject({ phone: null, textable: false });
    expect(detail.open311).toMatchObject({ client: key.name });

    await verb(t.app, t.db, dispatcher, id, 'assign', { leadDepartment: 'enf1' });
    await verb(t.app, t.db, handler, id, 'acknowledge');
    const replied = await verb(t.app, t.db, handler, id, 'reply', { text: `已处理 ${randomUUID()}` });
    expect(replied.status).toBe('replied');
    const sent = await outboxOf(row.id);
    expect(sent.filter((m) => m.channel === 'sms')).toEqual([]);
    expect(sent.filter((m) => m.template === 'reply').map((m) => m.channel)).toEqual(['email']);
    // The filing client reads the reply.
    const { json } = await fetchBoth<Req[]>(t.app, `${V2}/requests/${id}`, 'service-requests', 'service_requests', undefined, `?api_key=${key.key}`);
    expect(json[0]!.status_notes).toBe(replied.replyText);

    // With a phone, staff see it can be texted, as before.
    const texted = await caseOf(t.db, await fileRequest(t.app, fmsFields(key.key, { phone: uniquePhone() })));
    expect((await staffDetail(t.app, dispatcher, texted.id)).reporter.textable).toBe(true);
    expect((await outboxOf(texted.id)).map((m) => m.channel).sort()).toEqual(['email', 'sms']);
  });
});

describe('coordinates', () => {
  it('takes lat/long as Java, JavaScript and Python print them (up to 17 digits, exponents) and gives the same doubles back, JSON and XML', async () => {
    const printed: Array<[string, string]> = [
      [String(39.13641234567891), String(117.21061234567891)], // JS String(): 16–17 significant digits
      ['39.136412345678906', '117.21061234567892'], // 17 digits, as Python's repr may print
      ['1.0E-5', '-1.0E-4'], // Java's Double.toString for small values
      ['-33.86881999999999', '151.20929000000001'],
    ];
    for (const [lat, long] of printed) {
      const id = await fileRequest(t.app, fmsFields(key.key, { lat, long }));
      const { json, xml } = await fetchBoth<Req[]>(t.app, `${V2}/requests/${id}`, 'service-requests', 'service_requests');
      expect(json[0]).toMatchObject({ lat: Number(lat), long: Number(long) });
      const request = (xml.service_requests as { request: Array<{ lat: string; long: string }> }).request[0]!;
      expect([Number(request.lat), Number(request.long)]).toEqual([Number(lat), Number(long)]);
    }
  });

  it('still refuses what is not a coordinate or out of range, in both formats', async () => {
    for (const [lat, long] of [
      ['90.00000000000001', '117.2'],
      ['39.1', '180.0000000000001'],
      ['39.1.2', '117.2'],
      ['0x20', '117.2'],
      ['Infinity', '117.2'],
      ['1e999', '117.2'],
    ]) {
      const description = `不应立案 ${randomUUID()}`;
      const errors = await expectErrorBoth(t.app, `${V2}/requests`, 400, () => form(fmsFields(key.key, { lat: lat!, long: long!, description })));
      expect(errors[0]!.description).toMatch(/lat/);
      expect(await t.db.select({ id: cases.id }).from(cases).where(eq(cases.description, description))).toEqual([]);
    }
  });
});

describe('lookups by id', () => {
  it('answers 1,000 ids in one GET, JSON and XML', async () => {
    const filed = [await fileRequest(t.app, fmsFields(key.key)), await fileRequest(t.app, fmsFields(key.key)), await fileRequest(t.app, fmsFields(key.key))];
    const ids = [...Array.from({ length: 997 }, () => randomUUID()), ...filed];
    const { json } = await fetchBoth<Req[]>(t.app, `${V2}/requests`, 'service-requests', 'service_requests', undefined, `?service_request_id=${ids.join(',')}`);
    expect(json.map((r) => r.service_request_id).sort()).toEqual([...filed].sort());
  });

  it('gets through Node’s HTTP server with the 64 kB header limit workers/node.ts sets (Node’s default 16 kB refuses it)', async () => {
    const filed = await fileRequest(t.app, fmsFields(key.key));
    const ids = [...Array.from({ length: 999 }, () => randomUUID()), filed];
    const path = `${V2}/requests.json?service_request_id=${ids.join(',')}`;
    expect(path.length).toBeGreaterThan(36_000);
    const ask = async (serverOptions: { maxHeaderSize?: number }) => {
      const server = serve({ fetch: t.app.fetch, port: 0, hostname: '127.0.0.1', serverOptions });
      await new Promise<void>((resolve) => server.once('listening', () => resolve()));
      try {
        const { port } = server.address() as AddressInfo;
        const res = await fetch(`http://127.0.0.1:${port}${path}`);
        return { status: res.status, body: res.status === 200 ? ((await res.json()) as Req[]) : undefined };
      } finally {
        await new Promise((resolve) => server.close(resolve));
      }
    };
    expect((await ask({})).status).toBe(431);
    const served = await ask({ maxHeaderSize: 64 * 1024 });
    expect(served.status).toBe(200);
    expect(served.body!.map((r) => r.service_request_id)).toEqual([filed]);
  });
});

describe('quotas', () => {
  it('gives each key its own hourly quota, set when issued; refused requests do not spend it; a GeoReport 429 in JSON and XML', async () => {
    const small = await issueKey(t.app, admin, { hourlyQuota: 2 });
    expect(small.hourlyQuota).toBe(2);
    // Bad requests (400) cost nothing.
    for (let i = 0; i < 3; i++) await expectErrorBoth(t.app, `${V2}/requests`, 400, () => form(fmsFields(small.key, { description: '' })));
    await fileRequest(t.app, fmsFields(small.key));
    await fileRequest(t.app, fmsFields(small.key), 'xml');
    const description = `超出额度 ${randomUUID()}`;
    for (const format of ['json', 'xml'] as const) {
      const res = await t.app.request(`${V2}/requests.${format}?lang=en`, form(fmsFields(small.key, { description })));
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
      const text = await res.text();
      if (format === 'json') {
        const errors = JSON.parse(text) as Array<{ code: number; description: string }>;
        expectValid('errors', errors);
        expect(errors).toEqual([{ code: 429, description: expect.stringContaining('hourly quota (2 filings)') }]);
      } else expect(text).toMatch(/<errors>\s*<error>\s*<code>429<\/code>/);
    }
    expect(await t.db.select({ id: cases.id }).from(cases).where(eq(cases.description, description))).toEqual([]);
    // Another key is not touched by it.
    await fileRequest(t.app, fmsFields(key.key));
  });

  it('lets an admin set the quota between 1 and 100,000; default 100', async () => {
    expect((await issueKey(t.app, admin)).hourlyQuota).toBe(100);
    for (const hourlyQuota of [0, 100_001, 2.5]) {
      const res = await call(t.app, admin, 'POST', '/api/staff/admin/api-keys', { name: 'x', owner: 'y', hourlyQuota });
      expect(res.status).toBe(400);
    }
  });
});

describe('discovery changeset', () => {
  const changeset = async () => (await fetchBoth<{ changeset: string }>(t.app, `${V2}/discovery`, 'discovery', 'discovery')).json.changeset;
  /** Moves the clock past the latest change any test made, so that the next change shows. */
  const later = async () => clock.set(new Date(Math.max(clock.now().getTime(), Date.parse(await changeset())) + 60_000));

  it('moves when a category, a place or a station changes, switching one off included', async () => {
    const code = `c${randomUUID().replace(/-/g, '').slice(0, 12)}`;
    const start = clock.now();
    await later();
    // Seeded rows changed when the database was made (today), so the clock may have jumped: a session of that time.
    const admin = await staffSession(t.app, t.db, 'admin', undefined, clock.now());
    expect((await call(t.app, admin, 'POST', '/api/staff/admin/categories', { code, nameZh: '测试类别', nameEn: 'Test category', defaultDepartment: 'general' })).status).toBe(201);
    const created = await changeset();
    await later();
    expect((await call(t.app, admin, 'PATCH', `/api/staff/admin/categories/${code}`, { active: false })).status).toBe(200);
    const off = await changeset();
    expect(off > created).toBe(true);

    await later();
    expect((await call(t.app, admin, 'POST', '/api/staff/admin/locations', { station: 'TJN', code, nameZh: '测试地点', nameEn: 'Test place' })).status).toBe(201);
    await later();
    const before = await changeset();
    expect((await call(t.app, admin, 'PATCH', `/api/staff/admin/locations/TJN/${code}`, { active: false })).status).toBe(200);
    expect((await changeset()) > before).toBe(true);

    await later();
    const beforeStation = await changeset();
    // Stations have no switch in the API; whatever changes one moves updated_at, and the changeset follows.
    await t.db.update(stations).set({ updatedAt: clock.now() }).where(eq(stations.code, 'TJN'));
    expect((await changeset()) > beforeStation).toBe(true);
    clock.set(start);
  });
});

describe('places on the map', () => {
  it('publishes a request filed without coordinates at its place’s, else its station’s coordinates, as admins set them', async () => {
    const code = `p${randomUUID().replace(/-/g, '').slice(0, 12)}`;
    expect((await call(t.app, admin, 'POST', '/api/staff/admin/locations', { station: 'TJN', code, nameZh: '测试广场', nameEn: 'Test square' })).status).toBe(201);
    const id = await fileRequest(t.app, fmsFields(key.key, { 'attribute[station]': 'TJN', 'attribute[location]': `TJN:${code}` }));
    // No coordinates of its own yet: the station's (seeded).
    const stationRes = await call(t.app, admin, 'GET', '/api/staff/admin/stations');
    const tjn = (await stationRes.json()) as { items: AdminStation[] };
    const station = tjn.items.find((s) => s.code === 'TJN')!;
    expect(station.coordinates).not.toBeNull();
    let { json } = await fetchBoth<Req[]>(t.app, `${V2}/requests/${id}`, 'service-requests', 'service_requests');
    expect(json[0]).toMatchObject({ lat: station.coordinates!.latitude, long: station.coordinates!.longitude });

    const patched = await call(t.app, admin, 'PATCH', `/api/staff/admin/locations/TJN/${code}`, { coordinates: { latitude: 39.05812345678901, longitude: 117.06012345678901 } });
    expect(AdminLocation.parse(await patched.json()).coordinates).toEqual({ latitude: 39.05812345678901, longitude: 117.06012345678901 });
    ({ json } = await fetchBoth<Req[]>(t.app, `${V2}/requests/${id}`, 'service-requests', 'service_requests'));
    expect(json[0]).toMatchObject({ lat: 39.05812345678901, long: 117.06012345678901 });

    // What the app sent wins over the place.
    const sent = await fileRequest(t.app, fmsFields(key.key, { 'attribute[station]': 'TJN', 'attribute[location]': `TJN:${code}`, lat: '39.06', long: '117.07' }));
    expect((await fetchBoth<Req[]>(t.app, `${V2}/requests/${sent}`, 'service-requests', 'service_requests')).json[0]).toMatchObject({ lat: 39.06, long: 117.07 });
  });

  it('keeps an admin’s coordinates, or their clearing them, when the seed runs again', async () => {
    const set = { latitude: 39.0571, longitude: 117.0611 };
    expect((await call(t.app, admin, 'PATCH', '/api/staff/admin/locations/TJN/bus_stops', { coordinates: set })).status).toBe(200);
    expect((await call(t.app, admin, 'PATCH', '/api/staff/admin/locations/TJN/entrance', { coordinates: null })).status).toBe(200);
    await seedReference(t.db);
    const places = AdminLocationList.parse(await (await call(t.app, admin, 'GET', '/api/staff/admin/locations?station=TJN')).json()).items;
    expect(places.find((l) => l.code === 'bus_stops')!.coordinates).toEqual(set);
    expect(places.find((l) => l.code === 'entrance')!.coordinates).toBeNull();
    // Rows no admin touched have the seed's.
    const [lat, long] = PLACE_COORDINATES.TJN!.exit!;
    expect(places.find((l) => l.code === 'exit')!.coordinates).toEqual({ latitude: lat, longitude: long });
  });

  it('refuses coordinates out of range or half given, and only admins set them', async () => {
    for (const body of [{ coordinates: { latitude: 91, longitude: 117 } }, { coordinates: { latitude: 39 } }]) {
      expect((await call(t.app, admin, 'PATCH', '/api/staff/admin/stations/TJN', body)).status).toBe(400);
    }
    expect((await call(t.app, dispatcher, 'PATCH', '/api/staff/admin/stations/TJN', { coordinates: null })).status).toBe(403);
    expect((await call(t.app, admin, 'PATCH', '/api/staff/admin/stations/NOPE', { coordinates: null })).status).toBe(404);
  });
});

describe('attributes and media', () => {
  it('keeps attributes the service does not define and the media_url for staff, never publishing them', async () => {
    const mediaUrl = `https://fms.example.org/photo/${randomUUID()}.jpeg`;
    const id = await fileRequest(
      t.app,
      fmsFields(key.key, { 'attribute[fixmystreet_id]': '4242', 'attribute[closest_address]': '天津站后广场', 'attribute[easting]': '1', media_url: mediaUrl }),
    );
    const row = await caseOf(t.db, id);
    expect(row.attributes).toEqual({ fixmystreet_id: '4242', closest_address: '天津站后广场', easting: '1' });
    expect(row.mediaUrl).toBe(mediaUrl);
    expect((await staffDetail(t.app, dispatcher, row.id)).open311).toEqual({ client: key.name, attributes: row.attributes, mediaUrl });
    for (const reader of ['', `?api_key=${key.key}&extensions=true`]) {
      const { jsonText, xmlText } = await fetchBoth<Req[]>(t.app, `${V2}/requests/${id}`, 'service-requests', 'service_requests', undefined, reader);
      for (const text of [jsonText, xmlText]) {
        expect(text).not.toContain(mediaUrl);
        expect(text).not.toContain('4242');
      }
    }
  });

  it('answers a multipart request with a file part with a 400 that says so, in both formats, and files nothing', async () => {
    const description = `带照片 ${randomUUID()}`;
    const multipart = (file?: File) => () => {
      const body = new FormData();
      for (const [k, v] of Object.entries(fmsFields(key.key, { description }))) body.append(k, v);
      if (file) body.append('media', file);
      return { method: 'POST', body } as RequestInit;
    };
    const png = new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3])], 'photo.png', { type: 'image/png' });
    const errors = await expectErrorBoth(t.app, `${V2}/requests`, 400, multipart(png));
    expect(errors).toEqual([{ code: 400, description: expect.stringContaining('media_url') }]);
    expect(await t.db.select({ id: cases.id }).from(cases).where(eq(cases.description, description))).toEqual([]);
    // Without a file (or with a file input left empty) multipart files as the form does.
    for (const file of [undefined, new File([], '', { type: 'application/octet-stream' })]) {
      const res = await t.app.request(`${V2}/requests.json`, multipart(file)());
      expect(res.status).toBe(200);
    }
  });
});
