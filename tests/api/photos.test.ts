import { eq } from 'drizzle-orm';
import exifr from 'exifr';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../api/app.ts';
import { PHOTO_MAX_BYTES } from '../../api/domain/photos/limits.ts';
import { purgeExpiredPhotos } from '../../api/domain/photos/retention.ts';
import { S3PhotoStore } from '../../api/domain/photos/s3-store.ts';
import { ErrorEnvelope } from '../../api/http/envelope.ts';
import { createLogger } from '../../api/logger.ts';
import { IssuedApiKey } from '../../api/routes/open311/schemas.ts';
import { CreatedCase, PublicCase } from '../../api/routes/public/schemas.ts';
import { AddedPhotos, CaseDetail, PhotoRetentionSetting, PhotoVisibility, StaffPhotoList } from '../../api/routes/staff/schemas.ts';
import { casePhotos, cases } from '../../db/schema.ts';
import { nodePhotoServices } from '../../workers/photos-node.ts';
import { expectValid } from '../contracts/open311/contract.ts';
import { type FakeS3, startFakeS3 } from '../fakes/s3.ts';
import { fixedClock, jobContext, testConfig, useTestApp } from '../helpers/app.ts';
import { makeCaseBody } from '../helpers/factories.ts';
import { heic, jpegWithGps, multipart, png, testPhotoServices, webp } from '../helpers/photos.ts';
import { call, type StaffSession, staffSession } from '../helpers/staff.ts';

/*
 * Photos (issue #17): limits checked on the bytes, metadata stripped and the
 * image re-encoded, private to staff through signed links until a member of
 * staff makes one public, and deleted with the retention setting. The
 * retention job acts on every closed case's photos, so this file has a
 * database of its own.
 */
const clock = fixedClock('2026-03-09T09:00:00+08:00');
const photos = testPhotoServices();
const t = useTestApp({ clock, isolated: true, photos });
let dispatcher: StaffSession;
let admin: StaffSession;
let otherHandler: StaffSession;

beforeAll(async () => {
  dispatcher = await staffSession(t.app, t.db, 'dispatcher', undefined, clock.now());
  admin = await staffSession(t.app, t.db, 'admin', undefined, clock.now());
  otherHandler = await staffSession(t.app, t.db, 'handler', 'enf2', clock.now());
});

type Part = { name: string; bytes: Uint8Array; type?: string };

async function file(parts: Part[], overrides: Record<string, string> = {}) {
  const body = makeCaseBody(overrides) as Record<string, string>;
  const res = await t.app.request('/api/cases', { ...multipart(body, parts), headers: { accept: 'application/json' } });
  return { res, body };
}

async function filed(parts: Part[]) {
  const { res, body } = await file(parts);
  expect(res.status, await res.clone().text()).toBe(201);
  const created = CreatedCase.parse(await res.json());
  const [row] = await t.db.select({ id: cases.id }).from(cases).where(eq(cases.trackingCode, created.trackingCode));
  return { id: row!.id, code: created.trackingCode, phone4: body.phone!.slice(-4) };
}

async function casesWithPhone(phone: string) {
  return t.db
    .select({ id: cases.id })
    .from(cases)
    .where(eq(cases.reporterPhone, `+86${phone}`));
}

async function refused(res: Response) {
  expect(res.status).toBe(400);
  const envelope = ErrorEnvelope.parse(await res.json());
  const fields = (envelope.error.details as { fields: Array<{ field: string; code: string; message: string }> }).fields;
  expect(fields.every((f) => f.field === 'photos')).toBe(true);
  return fields;
}

async function staffPhotos(caseId: string, as = dispatcher) {
  const res = await call(t.app, as, 'GET', `/api/staff/cases/${caseId}/photos`);
  expect(res.status).toBe(200);
  return StaffPhotoList.parse(await res.json()).items;
}

async function lookup(code: string, phone4: string) {
  const res = await t.app.request(`/api/cases/${code}?phone4=${phone4}`);
  expect(res.status).toBe(200);
  return PublicCase.parse(await res.json());
}

describe('the contract', () => {
  it('documents the photo routes, the photos as binary parts', async () => {
    const res = await t.app.request('/api/openapi.json');
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { paths: Record<string, unknown>; components: { schemas: Record<string, { properties?: Record<string, unknown> }> } };
    for (const path of [
      '/api/photos/{id}',
      '/api/public/photos/{id}',
      '/api/staff/cases/{id}/photos',
      '/api/staff/cases/{id}/photos/{photoId}/visibility',
      '/api/staff/admin/photo-retention',
    ]) {
      expect(Object.keys(doc.paths)).toContain(path);
    }
    expect(JSON.stringify(doc.components.schemas.CreateCaseForm?.properties?.photos)).toContain('"format":"binary"');
  });
});

describe('upload limits: the bytes decide', () => {
  it('takes a PNG named .jpg, a WebP and a HEIC, and stores each re-encoded as JPEG with a thumbnail', async () => {
    const c = await filed([
      { name: 'photo.jpg', bytes: await png(), type: 'image/jpeg' },
      { name: 'IMG_0001.webp', bytes: await webp() },
      { name: 'IMG_0002.HEIC', bytes: heic(), type: 'image/heic' },
    ]);
    const rows = await t.db.select().from(casePhotos).where(eq(casePhotos.caseId, c.id));
    expect(rows).toHaveLength(3);
    for (const row of rows) {
      expect(row).toMatchObject({ contentType: 'image/jpeg', source: 'web', isPublic: false });
      const full = await photos.store.get(row.storageKey);
      const thumb = await photos.store.get(row.thumbKey);
      expect((await sharp(Buffer.from(full!.bytes)).metadata()).format).toBe('jpeg');
      expect((await sharp(Buffer.from(thumb!.bytes)).metadata()).width).toBeLessThanOrEqual(320);
    }
    expect(rows.map((r) => [r.width, r.height]).sort()).toEqual([
      [200, 150],
      [200, 150],
      [96, 64],
    ]);
  });

  it('refuses a text file named .jpg beside the field, and files nothing', async () => {
    const { res, body } = await file([{ name: 'notes.jpg', bytes: new TextEncoder().encode('not a photo at all, just text') }]);
    const fields = await refused(res);
    expect(fields).toEqual([expect.objectContaining({ code: 'not_an_image', message: '“notes.jpg”不是 JPEG、PNG、WebP 或 HEIC 格式的照片' })]);
    expect(await casesWithPhone(body.phone!)).toHaveLength(0);
  });

  it('answers in English when asked', async () => {
    const body = makeCaseBody({ lang: 'en' }) as Record<string, string>;
    const res = await t.app.request('/api/cases', { ...multipart(body, [{ name: 'a.png', bytes: new Uint8Array([1, 2, 3]) }]), headers: { accept: 'application/json' } });
    expect((await refused(res))[0]!.message).toBe('“a.png” is not a JPEG, PNG, WebP or HEIC photo');
  });

  it('refuses 10 MB + 1 byte, takes exactly 10 MB of a real photo', async () => {
    const jpeg = await jpegWithGps();
    const over = new Uint8Array(PHOTO_MAX_BYTES + 1);
    over.set(jpeg);
    const { res, body } = await file([{ name: 'big.jpg', bytes: over }]);
    expect((await refused(res))[0]!.code).toBe('too_big');
    expect(await casesWithPhone(body.phone!)).toHaveLength(0);

    // A JPEG padded after its end marker to exactly the limit decodes and is kept.
    const exact = new Uint8Array(PHOTO_MAX_BYTES);
    exact.set(jpeg);
    const c = await filed([{ name: 'exact.jpg', bytes: exact }]);
    expect(await t.db.select().from(casePhotos).where(eq(casePhotos.caseId, c.id))).toHaveLength(1);
  });

  it('refuses a fourth photo, and bytes that look like an image but do not decode', async () => {
    const p = await png();
    const four = await file([1, 2, 3, 4].map((i) => ({ name: `${i}.png`, bytes: p })));
    expect((await refused(four.res))[0]!.code).toBe('too_many');
    expect(await casesWithPhone(four.body.phone!)).toHaveLength(0);

    const broken = p.subarray(0, 40);
    const bad = await file([{ name: 'cut.png', bytes: broken }]);
    expect((await refused(bad.res))[0]!.code).toBe('unreadable');
    expect(await casesWithPhone(bad.body.phone!)).toHaveLength(0);
  });

  it('an empty file part (a file input left empty) is no photo', async () => {
    const c = await filed([{ name: '', bytes: new Uint8Array(0), type: 'application/octet-stream' }]);
    expect(await t.db.select().from(casePhotos).where(eq(casePhotos.caseId, c.id))).toHaveLength(0);
  });

  it('a bad field with good photos stores nothing: the objects put for the photos are deleted again', async () => {
    const before = (await import('node:fs')).readdirSync(`${photos.folder}/photos`).length;
    const { res } = await file([{ name: 'ok.png', bytes: await png() }], { station: 'NOPE' });
    expect(res.status).toBe(400);
    expect((await import('node:fs')).readdirSync(`${photos.folder}/photos`).length).toBe(before);
  });
});

describe('metadata', () => {
  it('the stored image and thumbnail carry no GPS, camera or time; the sent one did', async () => {
    const sent = await jpegWithGps();
    expect(await exifr.gps(sent)).toMatchObject({ latitude: expect.closeTo(39.133, 2), longitude: 117.2 });
    const c = await filed([{ name: 'IMG_2001.JPG', bytes: sent }]);
    const [row] = await t.db.select().from(casePhotos).where(eq(casePhotos.caseId, c.id));
    for (const key of [row!.storageKey, row!.thumbKey]) {
      const stored = Buffer.from((await photos.store.get(key))!.bytes);
      expect(await exifr.parse(stored, true)).toBeUndefined();
      expect(await exifr.gps(stored)).toBeUndefined();
      expect(stored.includes('Exif\0\0')).toBe(false);
      expect(stored.includes('TestPhone')).toBe(false);
    }
    // What staff download through the signed link is the same stripped image.
    const [item] = await staffPhotos(c.id);
    const res = await t.app.request(item!.url);
    expect(res.status).toBe(200);
    expect(await exifr.gps(Buffer.from(await res.arrayBuffer()))).toBeUndefined();
  });
});

describe('who sees a photo', () => {
  it('staff through links signed for minutes; a changed, foreign or expired link is a 404; the public sees nothing', async () => {
    const c = await filed([{ name: 'taxi.jpg', bytes: await jpegWithGps() }]);
    const [item] = await staffPhotos(c.id);
    expect(item).toMatchObject({ isPublic: false, source: 'web', contentType: 'image/jpeg', width: 640, height: 480 });
    const ok = await t.app.request(item!.thumbUrl);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toBe('image/jpeg');
    expect(ok.headers.get('cache-control')).toMatch(/^private, max-age=\d+$/);

    const tampered = item!.url.replace(/sig=./, (m) => (m.endsWith('A') ? 'sig=B' : 'sig=A'));
    expect((await t.app.request(tampered)).status).toBe(404);
    // The full image's signature does not open the thumbnail, nor another photo.
    expect((await t.app.request(item!.url.replace('variant=full', 'variant=thumb'))).status).toBe(404);

    // The public path and the status lookup know nothing of a private photo.
    expect((await t.app.request(`/api/public/photos/${item!.id}`)).status).toBe(404);
    expect((await lookup(c.code, c.phone4)).photos).toEqual([]);

    clock.advance(11 * 60_000);
    try {
      expect((await t.app.request(item!.url)).status).toBe(404);
    } finally {
      clock.set('2026-03-09T09:00:00+08:00');
    }
  });

  it('no session, no list; a handler of another department may not list them', async () => {
    const c = await filed([{ name: 'a.png', bytes: await png() }]);
    expect((await t.app.request(`/api/staff/cases/${c.id}/photos`)).status).toBe(401);
    expect((await call(t.app, otherHandler, 'GET', `/api/staff/cases/${c.id}/photos`)).status).toBe(403);
  });

  it('a member of staff makes one public: the status page and its public path show it; the timeline says who; hidden again it is gone', async () => {
    const c = await filed([
      { name: 'a.png', bytes: await png() },
      { name: 'b.png', bytes: await png(120, 90) },
    ]);
    const [first, second] = await staffPhotos(c.id);
    const path = `/api/staff/cases/${c.id}/photos/${first!.id}/visibility`;
    expect((await call(t.app, otherHandler, 'POST', path, { isPublic: true })).status).toBe(403);
    const res = await call(t.app, dispatcher, 'POST', path, { isPublic: true });
    expect(PhotoVisibility.parse(await res.json())).toEqual({ photoId: first!.id, isPublic: true, changed: true });

    const seen = await lookup(c.code, c.phone4);
    expect(seen.photos).toEqual([{ url: `/api/public/photos/${first!.id}`, thumbUrl: `/api/public/photos/${first!.id}?variant=thumb` }]);
    expect(seen.timeline.map((e) => e.type)).not.toContain('photo_published');
    const pub = await t.app.request(seen.photos[0]!.thumbUrl);
    expect(pub.status).toBe(200);
    expect((await sharp(Buffer.from(await pub.arrayBuffer())).metadata()).format).toBe('jpeg');
    expect((await t.app.request(`/api/public/photos/${second!.id}`)).status).toBe(404);

    const detail = CaseDetail.parse(await (await call(t.app, dispatcher, 'GET', `/api/staff/cases/${c.id}`)).json());
    const event = detail.timeline.find((e) => e.type === 'photo_published');
    expect(event).toMatchObject({ isPublic: false, data: { photoId: first!.id }, actor: { id: dispatcher.id } });
    expect(detail.timeline.find((e) => e.type === 'photos_added')).toMatchObject({ data: { count: 2, source: 'web' } });

    await call(t.app, dispatcher, 'POST', path, { isPublic: false });
    expect((await t.app.request(`/api/public/photos/${first!.id}`)).status).toBe(404);
    expect((await lookup(c.code, c.phone4)).photos).toEqual([]);
  });
});

describe('staff entry with photos', () => {
  const entry = (phone: string) => ({
    channel: 'walk_in',
    receivedAt: '2026-03-09T08:30:00+08:00',
    station: 'TJ',
    kind: 'complaint',
    category: 'illegal_taxi',
    description: `窗口递交的照片 ${phone}`,
    phone,
  });
  const enter = (fields: Record<string, string>, parts: Part[]) =>
    t.app.request('/api/staff/cases', { ...multipart(fields, parts), headers: { cookie: dispatcher.cookie, 'x-csrf-token': dispatcher.csrf } });

  it('files the case and its photos together, marked as the office’s', async () => {
    const phone = makeCaseBody().phone;
    const res = await enter(entry(phone), [{ name: 'desk.jpg', bytes: await jpegWithGps() }]);
    expect(res.status, await res.clone().text()).toBe(201);
    const { id } = (await res.json()) as { id: string };
    const [item] = await staffPhotos(id);
    expect(item).toMatchObject({ source: 'staff', isPublic: false });
  });

  it('a photo that is not one refuses the whole entry', async () => {
    const phone = makeCaseBody().phone;
    const res = await enter(entry(phone), [{ name: 'scan.jpg', bytes: new TextEncoder().encode('%PDF-1.7 not an image') }]);
    expect((await refused(res))[0]!.code).toBe('not_an_image');
    expect(await casesWithPhone(phone)).toHaveLength(0);
  });
});

describe('staff add photos to a filed case', () => {
  it('up to three in all, a fourth refused', async () => {
    const c = await filed([{ name: 'a.png', bytes: await png() }]);
    const send = (n: number) =>
      t.app.request(`/api/staff/cases/${c.id}/photos`, {
        ...multipart(
          {},
          Array.from({ length: n }, (_, i) => ({ name: `desk-${i}.webp`, bytes: new Uint8Array(0) })),
        ),
        headers: { cookie: dispatcher.cookie, 'x-csrf-token': dispatcher.csrf },
      });
    const two = await t.app.request(`/api/staff/cases/${c.id}/photos`, {
      ...multipart({}, [
        { name: 'desk-1.webp', bytes: await webp() },
        { name: 'desk-2.jpg', bytes: await jpegWithGps() },
      ]),
      headers: { cookie: dispatcher.cookie, 'x-csrf-token': dispatcher.csrf },
    });
    expect(two.status).toBe(201);
    expect(AddedPhotos.parse(await two.json()).added).toBe(2);
    const more = await t.app.request(`/api/staff/cases/${c.id}/photos`, {
      ...multipart({}, [{ name: 'desk-3.png', bytes: await png() }]),
      headers: { cookie: dispatcher.cookie, 'x-csrf-token': dispatcher.csrf },
    });
    expect((await refused(more))[0]!.code).toBe('too_many');
    expect((await send(1)).status).toBe(400);
    expect((await staffPhotos(c.id)).map((p) => p.source).sort()).toEqual(['staff', 'staff', 'web']);
  });
});

describe('Open311 media', () => {
  const V2 = '/open311/v2';
  let apiKey: string;
  beforeAll(async () => {
    const res = await call(t.app, admin, 'POST', '/api/staff/admin/api-keys', { name: `photos test ${Date.now()}`, owner: 'tests' });
    apiKey = IssuedApiKey.parse(await res.json()).key;
  });
  const fields = (description: string) => ({ api_key: apiKey, service_code: 'touting', 'attribute[station]': 'TJ', description, phone: makeCaseBody().phone });
  const caseOf = async (description: string) => t.db.select({ id: cases.id }).from(cases).where(eq(cases.description, description));

  it('stores `media` parts with the request, private; once staff make one public it is the request’s media_url', async () => {
    const description = `Open311 带照片 ${Date.now()}`;
    const res = await t.app.request(`${V2}/requests.json`, multipart(fields(description), [{ name: 'IMG_1.jpg', bytes: await jpegWithGps() }], 'media'));
    expect(res.status, await res.clone().text()).toBe(200);
    const [created] = (await res.json()) as Array<{ service_request_id: string }>;
    const publicId = created!.service_request_id;
    const [row] = await caseOf(description);
    const [photo] = await staffPhotos(row!.id);
    expect(photo).toMatchObject({ source: 'open311', isPublic: false });

    const read = async () => {
      const r = await t.app.request(`${V2}/requests/${publicId}.json`);
      const body = (await r.json()) as Array<Record<string, unknown>>;
      expectValid('service-requests', body);
      return body[0]!;
    };
    expect((await read()).media_url).toBeUndefined();
    await call(t.app, dispatcher, 'POST', `/api/staff/cases/${row!.id}/photos/${photo!.id}/visibility`, { isPublic: true });
    const mediaUrl = String((await read()).media_url);
    expect(mediaUrl).toBe(`${t.config.publicBaseUrl}/api/public/photos/${photo!.id}`);
    const image = await t.app.request(new URL(mediaUrl).pathname);
    expect(image.status).toBe(200);
    expect(await exifr.gps(Buffer.from(await image.arrayBuffer()))).toBeUndefined();
  });

  it('refuses a `media` part that is no photo, and a file under another name, filing nothing', async () => {
    for (const [field, part] of [
      ['media', { name: 'x.jpg', bytes: new TextEncoder().encode('plain text') }],
      ['picture', { name: 'y.png', bytes: await png() }],
    ] as const) {
      const description = `Open311 坏照片 ${field} ${Date.now()}`;
      const res = await t.app.request(`${V2}/requests.json`, multipart(fields(description), [part], field));
      expect(res.status).toBe(400);
      const errors = (await res.json()) as Array<{ code: number; description: string }>;
      expectValid('errors', errors);
      expect(errors[0]!.description).toContain(field === 'media' ? 'x.jpg' : 'media_url');
      expect(await caseOf(description)).toEqual([]);
    }
  });
});

describe('retention', () => {
  it('only an admin sets it; the job deletes the photos of cases closed longer ago, objects and rows, and keeps the rest', async () => {
    expect((await call(t.app, dispatcher, 'PUT', '/api/staff/admin/photo-retention', { days: 30 })).status).toBe(403);
    expect((await call(t.app, admin, 'PUT', '/api/staff/admin/photo-retention', { days: 0 })).status).toBe(400);
    const set = await call(t.app, admin, 'PUT', '/api/staff/admin/photo-retention', { days: 30 });
    expect(PhotoRetentionSetting.parse(await set.json()).days).toBe(30);
    expect(PhotoRetentionSetting.parse(await (await call(t.app, admin, 'GET', '/api/staff/admin/photo-retention')).json()).days).toBe(30);

    const old = await filed([{ name: 'a.png', bytes: await png() }]);
    const recent = await filed([{ name: 'b.png', bytes: await png() }]);
    const open = await filed([{ name: 'c.png', bytes: await png() }]);
    const now = clock.now().getTime();
    await t.db
      .update(cases)
      .set({ status: 'closed', closedAt: new Date(now - 31 * 86_400_000) })
      .where(eq(cases.id, old.id));
    await t.db
      .update(cases)
      .set({ status: 'closed', closedAt: new Date(now - 29 * 86_400_000) })
      .where(eq(cases.id, recent.id));
    const [oldRow] = await t.db.select().from(casePhotos).where(eq(casePhotos.caseId, old.id));

    const result = await purgeExpiredPhotos({ ctx: { ...jobContext(t, clock), photos } });
    expect(result.deleted).toBeGreaterThanOrEqual(1);
    expect(await t.db.select().from(casePhotos).where(eq(casePhotos.caseId, old.id))).toHaveLength(0);
    expect(await photos.store.get(oldRow!.storageKey)).toBeUndefined();
    expect(await photos.store.get(oldRow!.thumbKey)).toBeUndefined();
    expect(await t.db.select().from(casePhotos).where(eq(casePhotos.caseId, recent.id))).toHaveLength(1);
    expect(await t.db.select().from(casePhotos).where(eq(casePhotos.caseId, open.id))).toHaveLength(1);
    // A second run finds nothing more to do.
    expect((await purgeExpiredPhotos({ ctx: { ...jobContext(t, clock), photos } })).deleted).toBe(0);

    // Unset again: photos are kept, and the job deletes nothing.
    const unset = await call(t.app, admin, 'PUT', '/api/staff/admin/photo-retention', { days: null });
    expect(unset.status).toBe(200);
    expect(PhotoRetentionSetting.parse(await unset.json()).days).toBeNull();
    expect(PhotoRetentionSetting.parse(await (await call(t.app, admin, 'GET', '/api/staff/admin/photo-retention')).json()).days).toBeNull();
    await t.db
      .update(cases)
      .set({ status: 'closed', closedAt: new Date(now - 400 * 86_400_000) })
      .where(eq(cases.id, recent.id));
    expect((await purgeExpiredPhotos({ ctx: { ...jobContext(t, clock), photos } })).deleted).toBe(0);
    expect(await t.db.select().from(casePhotos).where(eq(casePhotos.caseId, recent.id))).toHaveLength(1);
  });
});

describe('an S3-compatible bucket', () => {
  let s3: FakeS3;
  beforeAll(async () => {
    s3 = await startFakeS3({ now: () => new Date() });
  });
  afterAll(async () => {
    await s3?.close();
  });

  it('puts, gets and deletes objects with signed requests', async () => {
    const store = new S3PhotoStore({ endpoint: s3.url, bucket: s3.bucket, ...s3.credentials });
    const bytes = new Uint8Array(await png());
    await store.put('photos/x y.jpg', bytes, 'image/jpeg');
    expect(s3.objects.get('photos/x y.jpg')?.contentType).toBe('image/jpeg');
    const got = await store.get('photos/x y.jpg');
    expect(Buffer.from(got!.bytes).equals(Buffer.from(bytes))).toBe(true);
    await store.delete('photos/x y.jpg');
    expect(await store.get('photos/x y.jpg')).toBeUndefined();
    await store.delete('photos/never-there.jpg');
    expect(s3.log.map((l) => `${l.method} ${l.status}`)).toEqual(['PUT 200', 'GET 200', 'DELETE 204', 'GET 404', 'DELETE 204']);
  });

  it('with PHOTO_S3_* set, the Node server files a case with its photo into the bucket and staff read it back from there', async () => {
    const config = testConfig({
      PHOTO_S3_ENDPOINT: s3.url,
      PHOTO_S3_BUCKET: s3.bucket,
      PHOTO_S3_ACCESS_KEY_ID: s3.credentials.accessKeyId,
      PHOTO_S3_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
      PHOTO_URL_SECRET: 'another-photo-link-secret-0123',
    });
    const services = nodePhotoServices(config);
    expect(services.store).toBeInstanceOf(S3PhotoStore);
    // The bucket checks request times against the real clock, as S3 does; this app runs on it.
    const app = createApp({ config, database: () => t.db, photos: services, clientIp: () => '203.0.113.9', logger: createLogger('silent') });
    const before = s3.objects.size;
    const res = await app.request('/api/cases', {
      ...multipart(makeCaseBody() as Record<string, string>, [{ name: 'bucket.jpg', bytes: await jpegWithGps() }]),
      headers: { accept: 'application/json' },
    });
    expect(res.status, await res.clone().text()).toBe(201);
    expect(s3.objects.size).toBe(before + 2);
    const { trackingCode } = CreatedCase.parse(await res.json());
    const [row] = await t.db.select({ id: cases.id }).from(cases).where(eq(cases.trackingCode, trackingCode));
    const session = await staffSession(app, t.db, 'dispatcher');
    const list = StaffPhotoList.parse(await (await call(app, session, 'GET', `/api/staff/cases/${row!.id}/photos`)).json()).items;
    const image = await app.request(list[0]!.url);
    expect(image.status).toBe(200);
    expect(await exifr.gps(Buffer.from(await image.arrayBuffer()))).toBeUndefined();
    // The other app's secret does not open this one's links.
    expect((await t.app.request(list[0]!.url)).status).toBe(404);
  });

  it('takes all four PHOTO_S3_ variables or none, naming the missing ones', () => {
    expect(() => testConfig({ PHOTO_S3_ENDPOINT: s3.url, PHOTO_S3_BUCKET: s3.bucket })).toThrow(/PHOTO_S3_ACCESS_KEY_ID, PHOTO_S3_SECRET_ACCESS_KEY/);
    expect(testConfig({}).photos.s3).toBeUndefined();
  });

  it('a wrong secret is refused by the bucket (the fake checks the signature itself)', async () => {
    const store = new S3PhotoStore({ endpoint: s3.url, bucket: s3.bucket, ...s3.credentials, secretAccessKey: 'not-the-secret' });
    await expect(store.put('photos/y.jpg', new Uint8Array([1]), 'image/jpeg')).rejects.toMatchObject({ name: 'S3Error', status: 403 });
    expect(s3.objects.has('photos/y.jpg')).toBe(false);
  });
});
