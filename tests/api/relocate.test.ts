import { and, eq, inArray, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { createCase } from '../../api/domain/cases/create.ts';
import { foldStats } from '../../api/domain/stats/fold.ts';
import { ErrorEnvelope } from '../../api/http/envelope.ts';
import { CaseDetail, QueuePage } from '../../api/routes/staff/schemas.ts';
import { locations, stations, statsDaily } from '../../db/schema.ts';
import { fixedClock, jobContext, uniquePhone, useTestApp } from '../helpers/app.ts';
import { call, type StaffSession, staffSession } from '../helpers/staff.ts';

/*
 * The relocate verb: an SMS complaint arrives under the default station with
 * no place; a dispatcher or supervisor corrects both, and the queue's station
 * filter and the figures' location dimension follow. The stats fold acts on
 * every dirty case, so this file has a database of its own.
 */
const clock = fixedClock('2026-03-09T09:00:00+08:00');
const t = useTestApp({ clock, isolated: true });
let dispatcher: StaffSession;
let supervisor: StaffSession;
let handler: StaffSession;

beforeAll(async () => {
  dispatcher = await staffSession(t.app, t.db, 'dispatcher', undefined, clock.now());
  supervisor = await staffSession(t.app, t.db, 'supervisor', undefined, clock.now());
  handler = await staffSession(t.app, t.db, 'handler', 'enf1', clock.now());
});

/** An SMS complaint as the SMS intake files it: the default station, no place. */
async function smsCase() {
  return createCase({
    ctx: jobContext(t, clock),
    input: { channel: 'sms', station: t.config.smsDefaultStation, kind: 'complaint', category: 'other', description: '南站北广场有人拉客', phone: uniquePhone(), lang: 'zh-CN' },
  });
}

const relocate = (as: StaffSession, id: string, body: Record<string, unknown>) => call(t.app, as, 'POST', `/api/staff/cases/${id}/relocate`, body);

async function detail(id: string) {
  return CaseDetail.parse(await (await call(t.app, dispatcher, 'GET', `/api/staff/cases/${id}`)).json());
}

async function queue(query: string) {
  const res = await call(t.app, dispatcher, 'GET', `/api/staff/cases?${query}`);
  expect(res.status).toBe(200);
  return QueuePage.parse(await res.json()).items.map((i) => i.id);
}

async function idOf(table: typeof stations | typeof locations, code: string, stationId?: number) {
  const where = table === stations ? eq(stations.code, code) : and(eq(locations.code, code), eq(locations.stationId, stationId!));
  const [row] = await t.db.select({ id: table.id }).from(table).where(where);
  return row!.id;
}

describe('relocate', () => {
  it('moves an SMS case to its real station and place; the queue filter and the figures follow', async () => {
    const sms = await smsCase();
    let c = await detail(sms.id);
    expect(c).toMatchObject({ channel: 'sms', station: { code: 'TJ' }, location: null });
    const tjn = await idOf(stations, 'TJN');
    const tj = await idOf(stations, 'TJ');
    const square = await idOf(locations, 'front_square', tjn);

    await foldStats(jobContext(t, clock));
    const locationRows = async () =>
      (
        await t.db
          .select({ stationId: statsDaily.stationId, value: statsDaily.value, received: statsDaily.received })
          .from(statsDaily)
          .where(and(eq(statsDaily.dim, 'location'), eq(statsDaily.day, '2026-03-09'), inArray(statsDaily.stationId, [tj, tjn])))
      ).filter((r) => r.received > 0);
    expect(await locationRows()).toEqual([{ stationId: tj, value: 'none', received: 1 }]);

    const res = await relocate(dispatcher, sms.id, { version: c.version, station: 'TJN', location: 'front_square' });
    expect(res.status).toBe(200);
    c = CaseDetail.parse(await res.json());
    expect(c).toMatchObject({ version: 2, station: { code: 'TJN' }, location: { code: 'front_square' } });
    expect(c.timeline.at(-1)).toMatchObject({
      type: 'relocated',
      isPublic: false,
      actor: { id: dispatcher.id },
      data: { from: { station: 'TJ', location: null }, to: { station: 'TJN', location: 'front_square' } },
    });

    expect(await queue('station=TJN')).toContain(sms.id);
    expect(await queue('station=TJ')).not.toContain(sms.id);

    await foldStats(jobContext(t, clock));
    expect(await locationRows()).toEqual([{ stationId: tjn, value: String(square), received: 1 }]);
    // The whole-office row (station 0) still counts it once, now at its real place's station.
    const [total] = await t.db
      .select({ received: statsDaily.received })
      .from(statsDaily)
      .where(and(eq(statsDaily.dim, 'total'), eq(statsDaily.day, '2026-03-09'), eq(statsDaily.stationId, 0)));
    expect(total?.received).toBe(1);

    // A supervisor may clear the place again (left out = none).
    const cleared = await relocate(supervisor, sms.id, { version: c.version, station: 'TJN' });
    expect(cleared.status).toBe(200);
    expect(CaseDetail.parse(await cleared.json())).toMatchObject({ station: { code: 'TJN' }, location: null });
  });

  it('refuses a place of another station, unknown codes and no change, naming the field, and changes nothing', async () => {
    const sms = await smsCase();
    for (const [body, field] of [
      [{ station: 'TJN', location: 'intercity_square' }, 'location'], // a place of Tianjin station only
      [{ station: 'XX', location: 'front_square' }, 'station'],
      [{ station: 'TJ', location: 'nowhere' }, 'location'],
      [{ station: 'TJ' }, 'location'], // already there, with no place
      [{ station: 'TJ', location: 'front\u0000square' }, 'location'],
      [{ location: 'front_square' }, 'station'],
    ] as const) {
      const res = await relocate(dispatcher, sms.id, { version: 1, ...body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      const error = ErrorEnvelope.parse(await res.json()).error;
      expect(error.code).toBe('invalid_input');
      expect(JSON.stringify(error.details), JSON.stringify(body)).toContain(`"field":"${field}"`);
    }
    const c = await detail(sms.id);
    expect(c).toMatchObject({ version: 1, station: { code: 'TJ' }, location: null });
    expect(c.timeline.map((e) => e.type)).toEqual(['created']);
  });

  it('is for the office on open cases, with the version read', async () => {
    const sms = await smsCase();
    expect((await relocate(handler, sms.id, { version: 1, station: 'TJN' })).status).toBe(403);
    const stale = await relocate(dispatcher, sms.id, { version: 7, station: 'TJN' });
    expect(stale.status).toBe(409);
    expect((await relocate(dispatcher, sms.id, { version: 1, station: 'TJN' })).status).toBe(200);
    await t.db.execute(sql`UPDATE cases SET status = 'closed', version = version + 1 WHERE id = ${sms.id}::uuid`);
    const closed = await relocate(dispatcher, sms.id, { version: 3, station: 'TJ' });
    expect(closed.status).toBe(409);
    expect(ErrorEnvelope.parse(await closed.json()).error.code).toBe('conflict');
  });
});
