import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { IssuedApiKey } from '../../api/routes/open311/schemas.ts';
import { cases } from '../../db/schema.ts';
import { expectErrorBoth, fetchBoth } from '../contracts/open311/contract.ts';
import { fixedClock, uniquePhone, useTestApp } from '../helpers/app.ts';
import { form } from '../helpers/factories.ts';
import { call, type StaffSession, staffSession } from '../helpers/staff.ts';

/*
 * GET requests without ids: the spec's defaults (the last 90 days, at most
 * 1,000 requests), its filters and the pagination and updated_* extensions.
 * These read every case in a window, so the file has a database of its own.
 */
const NOW = '2026-06-15T10:00:00+08:00';
const clock = fixedClock(NOW);
const t = useTestApp({ clock, isolated: true });
const V2 = '/open311/v2';
const DAY = 86_400_000;
let apiKey: string;
let dispatcher: StaffSession;
let handler: StaffSession;

type Req = Record<string, unknown> & { service_request_id: string; status: string; requested_datetime: string };

/** The cases of this file, by name: filed `daysAgo` before NOW. */
const filed: Record<string, string> = {};

async function fileAt(name: string, daysAgo: number, serviceCode: string) {
  clock.set(new Date(new Date(NOW).getTime() - daysAgo * DAY));
  const res = await t.app.request(
    `${V2}/requests.json`,
    form({ api_key: apiKey, service_code: serviceCode, 'attribute[station]': 'TJN', description: `停车秩序混乱 ${randomUUID()}`, phone: uniquePhone() }),
  );
  if (res.status !== 200) throw new Error(`file → ${res.status} ${await res.text()}`);
  filed[name] = ((await res.json()) as Array<{ service_request_id: string }>)[0]!.service_request_id;
}

async function list(query = '') {
  const { json } = await fetchBoth<Req[]>(t.app, `${V2}/requests`, 'service-requests', 'service_requests', undefined, query);
  return json;
}
const ids = (requests: Req[]) => requests.map((r) => r.service_request_id);
const named = (...names: string[]) => names.map((n) => filed[n]!);

beforeAll(async () => {
  const admin = await staffSession(t.app, t.db, 'admin', undefined, clock.now());
  apiKey = IssuedApiKey.parse(await (await call(t.app, admin, 'POST', '/api/staff/admin/api-keys', { name: 'listing', owner: 'tests' })).json()).key;
  await fileAt('old', 100, 'parking');
  await fileAt('twoMonths', 60, 'sanitation');
  await fileAt('tenDays', 10, 'parking');
  await fileAt('yesterday', 1, 'signage');
  await fileAt('today', 2 / 24, 'parking');
  clock.set(NOW);
  dispatcher = await staffSession(t.app, t.db, 'dispatcher', undefined, clock.now());
  handler = await staffSession(t.app, t.db, 'handler', 'enf3', clock.now());
});

describe('defaults', () => {
  it('lists the last 90 days, newest first', async () => {
    expect(ids(await list())).toEqual(named('today', 'yesterday', 'tenDays', 'twoMonths'));
  });

  it('takes an end_date alone as the 90 days before it, and a start_date alone as the 90 days after it', async () => {
    expect(ids(await list('?end_date=2026-04-20T00:00:00Z'))).toEqual(named('twoMonths', 'old'));
    expect(ids(await list('?end_date=2026-04-01T00:00:00Z'))).toEqual(named('old'));
    expect(ids(await list('?start_date=2026-03-01T00:00:00%2B08:00'))).toEqual(named('twoMonths', 'old'));
    expect(ids(await list('?start_date=2026-04-01'))).toEqual(named('today', 'yesterday', 'tenDays', 'twoMonths'));
  });

  it('returns at most 1,000 requests, and the rest on the next page', async () => {
    // 1,005 more parking cases from the last ten days, written in one statement.
    await t.db.execute(sql`
      INSERT INTO cases (tracking_code, station_id, channel, kind, category_id, description, received_at, ack_due_at, contact_due_at, reply_due_at, created_at, updated_at)
      SELECT 'B' || translate(lpad(g::text, 9, '0'), '0123456789', '23456789CD'),
             (SELECT id FROM stations WHERE code = 'BJN'), 'web', 'complaint', (SELECT id FROM categories WHERE code = 'facilities'),
             'bulk', ts, ts + interval '2 hours', ts + interval '1 day', ts + interval '10 days', ts, ts
      FROM generate_series(1, 1005) AS g, LATERAL (SELECT ${clock.now().toISOString()}::timestamptz - interval '3 days' - g * interval '1 minute' AS ts) AS t`);
    try {
      const first = await list('?service_code=facilities');
      expect(first).toHaveLength(1000);
      const second = await list('?service_code=facilities&page=2');
      expect(second).toHaveLength(5);
      expect(new Set([...ids(first), ...ids(second)]).size).toBe(1005);
      expect(await list()).toHaveLength(1000);
    } finally {
      await t.db.delete(cases).where(eq(cases.description, 'bulk'));
    }
  });
});

describe('filters', () => {
  it('filters by a requested_datetime range, inclusive, a bare end date meaning its whole day (Asia/Shanghai)', async () => {
    expect(ids(await list('?start_date=2026-06-05T10:00:00%2B08:00&end_date=2026-06-14'))).toEqual(named('yesterday', 'tenDays'));
    // A '+' left unencoded arrives as a space, and is read as the '+' it was.
    expect(ids(await list('?start_date=2026-06-14T10:00:00+08:00&end_date=2026-06-14T10:00:00+08:00'))).toEqual(named('yesterday'));
  });

  it('filters by service codes, as a comma list or repeated', async () => {
    expect(ids(await list('?service_code=sanitation,signage'))).toEqual(named('yesterday', 'twoMonths'));
    expect(ids(await list('?service_code=sanitation&service_code=signage'))).toEqual(named('yesterday', 'twoMonths'));
  });

  it('filters by open and closed, and by updated_after / updated_before', async () => {
    const [row] = await t.db.select().from(cases).where(eq(cases.publicId, filed.tenDays!));
    clock.set(new Date(new Date(NOW).getTime() + 60_000));
    const res = await call(t.app, dispatcher, 'POST', `/api/staff/cases/${row!.id}/assign`, { version: row!.version, leadDepartment: 'enf3' });
    expect(res.status).toBe(200);
    const assigned = (await res.json()) as { version: number };
    await call(t.app, handler, 'POST', `/api/staff/cases/${row!.id}/acknowledge`, { version: assigned.version });
    const [acked] = await t.db.select().from(cases).where(eq(cases.id, row!.id));
    const replied = await call(t.app, handler, 'POST', `/api/staff/cases/${row!.id}/reply`, { version: acked!.version, text: '已清理占道车辆' });
    expect(replied.status).toBe(200);
    clock.set(NOW);

    expect(ids(await list('?status=closed'))).toEqual(named('tenDays'));
    expect(ids(await list('?status=open'))).toEqual(named('today', 'yesterday', 'twoMonths'));
    expect(ids(await list('?status=open,closed'))).toEqual(named('today', 'yesterday', 'tenDays', 'twoMonths'));
    expect(ids(await list('?updated_after=2026-06-15T10:00:30%2B08:00'))).toEqual(named('tenDays'));
    // updated_* alone lifts the default requested window: the 100-day-old case is there when it was updated.
    expect(ids(await list('?updated_before=2026-03-08T00:00:00%2B08:00'))).toEqual(named('old'));
    // The reply reaches the key that filed the request; the public list says only that it was answered.
    const [closed] = await list('?status=closed');
    expect(closed).toMatchObject({ status: 'closed', status_notes: '已答复', updated_datetime: '2026-06-15T10:01:00+08:00' });
    const [own] = await list(`?status=closed&api_key=${apiKey}`);
    expect(own).toMatchObject({ status: 'closed', status_notes: '已清理占道车辆', updated_datetime: '2026-06-15T10:01:00+08:00' });
  });
});

describe('pages and extensions', () => {
  it('pages with page and page_size', async () => {
    expect(ids(await list('?page_size=2'))).toEqual(named('today', 'yesterday'));
    expect(ids(await list('?page_size=2&page=2'))).toEqual(named('tenDays', 'twoMonths'));
    expect(await list('?page_size=2&page=3')).toEqual([]);
  });

  it('adds the detailed status with extensions=true, and the kind and public notes only for the filing key', async () => {
    for (const key of ['', `&api_key=${apiKey}`]) {
      const plain = await list(`?page_size=1${key}`);
      expect(plain[0]).not.toHaveProperty('notes');
      expect(plain[0]).not.toHaveProperty('extended_attributes');
    }
    const [stranger] = await list('?page_size=1&extensions=true');
    expect(stranger!.extended_attributes).toEqual({ detailed_status: 'new', station: 'TJN' });
    expect(stranger).not.toHaveProperty('notes');
    const [today] = await list(`?page_size=1&extensions=true&api_key=${apiKey}`);
    expect(today).toMatchObject({ extended_attributes: { detailed_status: 'new', station: 'TJN', kind: 'complaint' } });
    expect(today!.notes).toEqual([{ datetime: '2026-06-15T08:00:00+08:00', type: 'created', summary: '已受理' }]);
  });
});

describe('bad queries', () => {
  it('answers 400 with GeoReport errors naming the parameter, in both formats', async () => {
    const bad: Array<[string, RegExp]> = [
      ['?start_date=yesterday', /start_date/],
      ['?start_date=2026-13-01', /start_date/],
      ['?end_date=2026-02-30', /end_date/],
      ['?start_date=2026-03-05T10:00:00', /start_date/],
      ['?updated_after=2026-03-05T25:00:00Z', /updated_after/],
      ['?start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z', /90/],
      ['?start_date=2026-06-01T00:00:00Z&end_date=2026-05-01T00:00:00Z', /start_date/],
      ['?status=pending', /status/],
      ['?service_code=potholes', /potholes/],
      ['?page=0', /page/],
      ['?page_size=1001', /page_size/],
      ['?page_size=ten', /page_size/],
      ['?extensions=yes', /extensions/],
    ];
    for (const [query, re] of bad) {
      const errors = await expectErrorBoth(t.app, `${V2}/requests`, 400, undefined, query);
      expect(errors).toHaveLength(1);
      expect(errors[0]!.description).toMatch(re);
    }
  });

  it('treats an empty parameter as an absent one', async () => {
    expect(ids(await list('?status=&service_code=&start_date=&page='))).toEqual(named('today', 'yesterday', 'tenDays', 'twoMonths'));
  });
});
