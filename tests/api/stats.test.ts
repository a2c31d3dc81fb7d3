import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { bucketBounds, bucketOf, EDGES, OVERFLOW_BUCKET } from '../../api/domain/stats/buckets.ts';
import { rowsOf } from '../../api/domain/stats/fold.ts';
import { planTimes } from '../../api/domain/stats/range.ts';
import { ErrorEnvelope } from '../../api/http/envelope.ts';
import { Stats } from '../../api/routes/public/stats-schemas.ts';
import { fixedClock, useTestApp } from '../helpers/app.ts';
import { evaluate, insertCase } from './stats-fixtures.ts';

/*
 * The published figures on a small history whose every number is worked out
 * by hand below. The figures count every case in the database, so this file
 * has a database of its own.
 */
const clock = fixedClock('2026-06-15T10:00:00+08:00');
const t = useTestApp({ clock, isolated: true });

const get = async (query: string, headers: Record<string, string> = {}) => {
  const res = await t.app.request(`/api/stats?${query}`, { headers });
  return res;
};
const stats = async (query: string) => {
  const res = await get(query);
  expect(res.status, await res.clone().text()).toBe(200);
  return Stats.parse(await res.json());
};

beforeAll(async () => {
  const db = t.db;
  // March 2026 at Tianjin Station (times in hours after receipt).
  const a = await insertCase(db, {
    category: 'touting',
    location: 'front_square',
    department: 'enf1',
    status: 'closed',
    receivedAt: '2026-03-02T09:00:00+08:00',
    replyDue: 240,
    ack: 0.5,
    contact: 1,
    reply: 48,
    close: 168,
  });
  const b = await insertCase(db, {
    channel: 'phone',
    category: 'touting',
    location: 'front_square',
    department: 'enf1',
    status: 'closed',
    receivedAt: '2026-03-03T10:00:00+08:00',
    replyDue: 240,
    ack: 3,
    contact: 5,
    reply: 288,
    close: 312,
  });
  await insertCase(db, { channel: '12345', kind: 'help', category: 'illegal_taxi', location: 'taxi_dispatch', status: 'returned', receivedAt: '2026-03-05T08:00:00+08:00' });
  await insertCase(db, { kind: 'consult', category: 'illegal_taxi', department: 'enf2', status: 'merged', receivedAt: '2026-03-06T12:00:00+08:00', ack: 1 });
  await insertCase(db, { category: 'illegal_taxi', location: 'front_square', department: 'enf2', status: 'in_progress', receivedAt: '2026-03-10T15:00:00+08:00', ack: 3630 / 3600 });
  // 23:30 on 31 March in Shanghai is still March; 00:10 on 1 April is not (both are 31 March in UTC).
  await insertCase(db, { channel: 'sms', kind: 'suggestion', category: 'touting', location: 'rear_square', status: 'new', receivedAt: '2026-03-31T23:30:00+08:00' });
  await insertCase(db, { category: 'touting', location: 'front_square', status: 'new', receivedAt: '2026-04-01T00:10:00+08:00' });
  await insertCase(db, { category: 'touting', location: 'front_square', department: 'enf1', status: 'closed', receivedAt: '2026-02-15T12:00:00+08:00', ack: 1, reply: 24, close: 30 });
  await evaluate(db, a, 'citizen', 'satisfied', 'yes', '2026-03-12T10:00:00+08:00');
  // B's latest evaluation is the citizen's (later), though 12345's was recorded after it.
  await evaluate(db, b, 'citizen', 'basic', 'partial', '2026-03-20T10:00:00+08:00');
  await evaluate(db, b, '12345', 'dissatisfied', 'no', '2026-03-18T10:00:00+08:00');

  // May 2026: enough evaluations in two categories to rank them.
  for (let i = 0; i < 25; i++) {
    const id = await insertCase(db, {
      category: 'parking',
      location: 'parking',
      department: 'enf3',
      status: 'closed',
      receivedAt: `2026-05-${String(1 + (i % 28)).padStart(2, '0')}T10:00:00+08:00`,
      ack: 1,
      reply: 24,
      close: 48,
    });
    await evaluate(db, id, 'citizen', 'satisfied', 'yes', '2026-05-30T10:00:00+08:00');
  }
  for (let i = 0; i < 20; i++) {
    const id = await insertCase(db, {
      category: 'sanitation',
      location: 'exit',
      department: 'environment',
      status: 'closed',
      receivedAt: `2026-05-${String(1 + i).padStart(2, '0')}T10:00:00+08:00`,
      ack: 1,
      reply: 24,
      close: 48,
    });
    await evaluate(db, id, '12345', i < 18 ? 'very_satisfied' : 'dissatisfied', i < 18 ? 'yes' : 'no', '2026-05-30T10:00:00+08:00');
  }
  for (let i = 0; i < 19; i++) {
    const id = await insertCase(db, {
      category: 'signage',
      location: 'entrance',
      department: 'general',
      status: 'closed',
      receivedAt: `2026-05-${String(1 + i).padStart(2, '0')}T10:00:00+08:00`,
      ack: 1,
      reply: 24,
      close: 48,
    });
    await evaluate(db, id, 'citizen', 'satisfied', 'yes', '2026-05-30T10:00:00+08:00');
  }
  await insertCase(db, { category: 'facilities', status: 'new', receivedAt: '2026-05-20T10:00:00+08:00' });
});

/*
 * March at Tianjin Station, by the published definitions:
 * - received A, B, C (returned), E, F; D is merged: 5, of which 1 returned; A and B closed.
 * - On time, by the day of the reply deadline (10 days after receipt here): A's (12 March) answered
 *   in 2 days, B's (13 March) in 12 days, E's (20 March) not at all and long past; F's falls on
 *   10 April, outside March; C is returned, so none. 3 due, 1 on time, 2 late.
 * - Response, over every received case with an acknowledge clock (2 hours), assigned or not:
 *   A (½ h) and E (1 h) in time, B (3 h) late, F never and past: 4, 2 on time.
 * - First contact within 24 h: A (1 h) and B (5 h) yes; E and F never, and a day has passed: 4, 2.
 * - Evaluated A (satisfied, resolved) and B (basic, partly): resolution 1 of 2 known.
 */
const MARCH = {
  received: 5,
  returned: 1,
  closed: 2,
  due: 3,
  dueOnTime: 1,
  dueLate: 2,
  dueRunning: 0,
  redoDue: 0,
  redoOnTime: 0,
  redoLate: 0,
  redoRunning: 0,
  ackDue: 4,
  ackOnTime: 2,
  ackRunning: 0,
  contactDue: 4,
  contactWithin24h: 2,
  contactRunning: 0,
  evaluated: 2,
  resolutionKnown: 2,
  resolved: 1,
  satisfied: 2,
  rates: { closure: 50, onTime: 33.33, redoOnTime: null, response: 50, firstContact: 50, resolution: 50, satisfaction: 100 },
  times: {
    // Nearest rank, placed mid-bucket when the bucket holds one value. Ack: 1800 s, 3630 s and
    // 10800 s; the median is the 2nd, in (3600, 4500] → 4050; p90 the 3rd, in (9000, 10800] → 9900.
    ack: { count: 3, median: 4050, p90: 9900 },
    // 3600 s in (3000, 3600] → 3300; 18000 s in (14400, 18000] → 16200.
    contact: { count: 2, median: 3300, p90: 16_200 },
    // 2 days in (1.5 d, 2 d] → 1.75 d; 12 days in (10 d, 12 d] → 11 d.
    reply: { count: 2, median: 151_200, p90: 950_400 },
    // 7 days in (6 d, 7 d] → 6.5 d; 13 days in (12 d, 14 d] → 13 d.
    close: { count: 2, median: 561_600, p90: 1_123_200 },
  },
};

describe('GET /api/stats', () => {
  it('March: every figure as worked out by hand; merged and April cases left out; folded on read', async () => {
    const s = await stats('from=2026-03-01&to=2026-03-31&station=TJ');
    expect(s.totals).toEqual(MARCH);
    expect(s.pendingCases).toBe(0);
    expect(s.station).toEqual({ code: 'TJ', name: '天津站' });
    expect(s.groups).toEqual([]);
    expect(s.generatedAt).toBe('2026-06-15T10:00:00+08:00');
  });

  it('whole months come from the histograms, the days around them from the facts: the same figures either way', async () => {
    // 16 Feb – 31 Mar: March from the monthly histograms, 16–28 Feb (nothing received in it) from the facts.
    // Nothing was received in those days, but H's reply deadline (25 Feb; answered in a day) falls in them.
    expect((await stats('from=2026-02-16&to=2026-03-31')).totals).toEqual({ ...MARCH, due: 4, dueOnTime: 2, rates: { ...MARCH.rates, onTime: 50 } });
    // 2–31 Mar: no whole month, all from the facts.
    expect((await stats('from=2026-03-02&to=2026-03-31')).totals).toEqual(MARCH);
    // period=2026-03 is 1–31 March.
    expect((await stats('period=2026-03')).totals).toEqual(MARCH);
    // 4–31 Mar leaves out A and B (received 2 and 3 March) — but not their reply deadlines (12 and 13 March):
    // the on-time rate counts a case on its deadline's day.
    const later = await stats('from=2026-03-04&to=2026-03-31');
    expect(later.totals).toMatchObject({
      received: 3,
      closed: 0,
      due: 3,
      dueOnTime: 1,
      ackDue: 2,
      ackOnTime: 1,
      evaluated: 0,
      rates: { closure: 0, onTime: 33.33, response: 50, satisfaction: null },
    });
    expect(later.totals.times.ack).toEqual({ count: 1, median: 4050, p90: 4050 });
  });

  it('a station with nothing: zeros, and null rates and times rather than 0 % or NaN', async () => {
    const s = await stats('from=2026-03-01&to=2026-03-31&station=TJN&lang=en');
    expect(s.totals.received).toBe(0);
    expect(s.totals.rates).toEqual({ closure: null, onTime: null, redoOnTime: null, response: null, firstContact: null, resolution: null, satisfaction: null });
    expect(s.totals.times.reply).toEqual({ count: 0, median: null, p90: null });
    expect(s.station).toEqual({ code: 'TJN', name: 'Tianjin South Station' });
  });

  it('groups: by category, department, channel, kind, location, month and station, each adding up to the total', async () => {
    const byCategory = await stats('period=2026-03&groupBy=category');
    expect(byCategory.groups.map((g) => [g.key, g.name, g.received, g.closed, g.returned])).toEqual([
      ['touting', '拉客揽客', 3, 2, 0],
      ['illegal_taxi', '非法营运（黑出租）', 2, 0, 1],
    ]);
    expect(byCategory.groups.every((g) => g.fewEvaluations && g.rank === null)).toBe(true);
    expect(byCategory.groups[1]!.rates.closure).toBe(0);

    const byDepartment = await stats('period=2026-03&groupBy=department&lang=en');
    expect(Object.fromEntries(byDepartment.groups.map((g) => [g.key, [g.name, g.received]]))).toEqual({
      enf1: ['Enforcement Section 1', 2],
      enf2: ['Enforcement Section 2', 1],
      none: ['Not assigned', 2],
    });

    for (const groupBy of ['channel', 'kind', 'location', 'station', 'month', 'department', 'category']) {
      const s = await stats(`period=2026-03&groupBy=${groupBy}`);
      expect(s.totals, groupBy).toEqual(MARCH);
      expect(
        s.groups.reduce((n, g) => n + g.received, 0),
        groupBy,
      ).toBe(5);
      expect(
        s.groups.reduce((n, g) => n + g.times.ack.count, 0),
        groupBy,
      ).toBe(3);
    }
    const byLocation = await stats('period=2026-03&groupBy=location');
    expect(byLocation.groups.map((g) => g.name)).toContain('天津站 · 前广场');
    const byChannel = await stats('period=2026-03&groupBy=channel&lang=en');
    expect(Object.fromEntries(byChannel.groups.map((g) => [g.key, g.received]))).toEqual({ web: 2, phone: 1, '12345': 1, sms: 1 });
  });

  it('by month, in order, unranked', async () => {
    const s = await stats('from=2026-02-01&to=2026-04-30&groupBy=month');
    expect(s.groups.map((g) => [g.key, g.name, g.received, g.closed])).toEqual([
      ['2026-02', '2026年2月', 1, 1],
      ['2026-03', '2026年3月', 5, 2],
      ['2026-04', '2026年4月', 1, 0],
    ]);
    expect(s.rankedBy).toBeNull();
    expect(s.groups[1]!.times).toEqual(MARCH.times);
  });

  it('ranks groups with at least 20 evaluations by satisfaction; smaller ones are flagged, listed after, rank null', async () => {
    const s = await stats('period=2026-05&groupBy=category&lang=en');
    expect(s.rankedBy).toBe('satisfaction');
    expect(s.minEvaluationsToRank).toBe(20);
    expect(s.groups.map((g) => [g.key, g.evaluated, g.rates.satisfaction, g.fewEvaluations, g.rank])).toEqual([
      ['parking', 25, 100, false, 1],
      ['sanitation', 20, 90, false, 2],
      // 100 % satisfied, but 19 evaluations: not ranked above anyone.
      ['signage', 19, 100, true, null],
      ['facilities', 0, null, true, null],
    ]);
    expect(s.groups[1]!.rates.resolution).toBe(90);
  });

  it('monthly top problems: category × location pairs of the month against the same days of the month before', async () => {
    const s = await stats('period=2026-03&lang=en');
    expect(s.topProblems).toMatchObject({ month: '2026-03', from: '2026-03-01', to: '2026-03-31', previousFrom: '2026-02-01', previousTo: '2026-02-28' });
    expect(s.topProblems.items[0]).toEqual({
      category: { code: 'touting', name: 'Touting' },
      location: { code: 'TJ/front_square', name: 'Tianjin Station · Front square' },
      count: 2,
      previousCount: 1,
      change: 1,
    });
    expect(
      s.topProblems.items
        .slice(1)
        .map((i) => `${i.category.code}@${i.location.code}:${i.count}:${i.change}`)
        .sort(),
    ).toEqual(['illegal_taxi@TJ/front_square:1:1', 'illegal_taxi@TJ/taxi_dispatch:1:1', 'touting@TJ/rear_square:1:1']);
    // A range ending mid-month: that month so far, against its first days last month.
    const mid = await stats('from=2026-01-01&to=2026-04-10&station=TJ');
    expect(mid.topProblems).toMatchObject({ month: '2026-04', from: '2026-04-01', to: '2026-04-10', previousFrom: '2026-03-01', previousTo: '2026-03-10' });
    expect(mid.topProblems.items.map((i) => [i.location.code, i.count, i.previousCount])).toEqual([['front_square', 1, 2]]);
  });

  it('the definitions travel with the figures, in the caller’s language', async () => {
    const zh = await stats('period=2026-03');
    const en = await stats('period=2026-03&lang=en');
    const keys = ['received', 'closureRate', 'onTimeRate', 'redoOnTimeRate', 'responseRate', 'firstContactRate', 'resolutionRate', 'satisfactionRate', 'times'];
    for (const key of keys) {
      expect(zh.definitions.find((d) => d.key === key)?.text, key).toBeTruthy();
      expect(en.definitions.find((d) => d.key === key)?.text, key).toBeTruthy();
    }
    expect(zh.definitions.find((d) => d.key === 'closureRate')).toMatchObject({ name: '办结率' });
    expect(en.definitions.find((d) => d.key === 'closureRate')?.text).toContain('returned');
    expect(en.definitions.find((d) => d.key === 'resolution')?.text).toContain('90 days');
    const accept = Stats.parse(await (await get('period=2026-03', { 'accept-language': 'en-US,en;q=0.9' })).json());
    expect(accept.definitions[0]!.name).toBe('Received');
  });

  it('is cacheable for a short while', async () => {
    const res = await get('period=2026-03');
    expect(res.headers.get('cache-control')).toBe('public, max-age=60');
  });

  it('defaults to the twelve months up to today, from the 1st', async () => {
    const s = await stats('');
    expect([s.from, s.to]).toEqual(['2025-07-01', '2026-06-15']);
    expect(s.totals.received).toBe(5 + 1 + 1 + 25 + 20 + 19 + 1);
  });
});

describe('GET /api/stats: bad input is a 400 in the envelope, in the caller’s language', () => {
  const cases: Array<[string, string, string]> = [
    ['from=2026-03-31&to=2026-03-01', 'from', 'cannot be later'],
    ['from=2022-01-01&to=2025-01-01', 'to', 'at most 3 years'],
    ['from=2026-02-30&to=2026-03-31', 'from', 'YYYY-MM-DD'],
    ['from=2026/03/01', 'from', 'YYYY-MM-DD'],
    ['to=yesterday', 'to', 'YYYY-MM-DD'],
    ['station=XX', 'station', 'Unknown station'],
    ['groupBy=weekday', 'groupBy', 'Not an allowed value'],
    ['period=2026-13', 'period', 'YYYY-Qn'],
    ['period=2026&from=2026-01-01', 'period', 'not both'],
  ];
  for (const [query, field, words] of cases) {
    it(`${query} → 400 (${field})`, async () => {
      const res = await get(`${query}&lang=en`);
      expect(res.status).toBe(400);
      const body = ErrorEnvelope.parse(await res.json());
      expect(body.error.code).toBe('invalid_input');
      const fields = (body.error.details as { fields: Array<{ field: string; message: string }> }).fields;
      expect(fields.map((f) => f.field)).toContain(field);
      expect(fields.map((f) => f.message).join(' ')).toContain(words);
    });
  }
  it('3 years exactly is allowed', async () => {
    expect((await get('from=2023-01-01&to=2025-12-31')).status).toBe(200);
  });
});

describe('GET /api/stats.csv', () => {
  it('UTF-8 with a BOM, Chinese intact, a row for the total then one per group', async () => {
    const res = await t.app.request('/api/stats.csv?period=2026-03&groupBy=category');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="stats-2026-03-01-2026-03-31-by-category.csv"');
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
    const lines = text.slice(1).trimEnd().split('\r\n');
    expect(lines[0]).toContain('办结率 (%)');
    expect(lines[0]).toContain('按期办结率 (%)');
    expect(lines[0]).toContain('应办结,按期办结,超时办结,未到期');
    // received, returned, closed; due, on time, late, running; the redo's four; acknowledge due, on time,
    // running; first contact due, within 24 h, running; evaluated, resolution known, resolved, satisfied;
    // then the rates: closure, on time, redo on time (none), response, first contact, resolution, satisfaction.
    expect(lines[1]!.startsWith('all,合计,5,1,2,3,1,2,0,0,0,0,0,4,2,0,4,2,0,2,2,1,2,50,33.33,,50,50,50,100,')).toBe(true);
    expect(lines[2]!.startsWith('touting,拉客揽客,3,')).toBe(true);
    expect(lines[3]!.startsWith('illegal_taxi,非法营运（黑出租）,2,')).toBe(true);
    // A blank line, then the definitions as on the page.
    expect(lines[4]).toBe('');
    expect(lines[5]).toBe('口径说明');
    expect(lines.slice(6).map((l) => l.split(',')[0])).toContain('按期办结率');
    expect(lines.find((l) => l.startsWith('按期办结率,'))).toContain('计时尚在进行');
    expect(lines.find((l) => l.startsWith('解决率,'))).toContain('短信评价');
  });
});

describe('reading a range’s times', () => {
  it('whole months from the histograms; a partial month as its days inside, or the month less its days outside, whichever is fewer', () => {
    const today = '2026-06-15';
    expect(planTimes({ from: '2025-06-01', to: '2026-05-31' }, today)).toEqual({ months: { from: '2025-06-01', until: '2026-06-01' }, add: [], subtract: [] });
    // A rolling year ending yesterday: twelve months and this one, less today.
    expect(planTimes({ from: '2025-06-15', to: '2026-06-14' }, today)).toEqual({
      months: { from: '2025-06-01', until: '2026-07-01' },
      add: [],
      subtract: [
        { from: '2025-06-01', to: '2025-06-14' },
        { from: '2026-06-15', to: '2026-06-30' },
      ],
    });
    // Ending today or later: nothing is received after now, the month is read whole.
    expect(planTimes({ from: '2025-07-01', to: '2026-06-15' }, today)).toEqual({ months: { from: '2025-07-01', until: '2026-07-01' }, add: [], subtract: [] });
    expect(planTimes({ from: '2026-02-16', to: '2026-03-31' }, today)).toEqual({
      months: { from: '2026-03-01', until: '2026-04-01' },
      add: [{ from: '2026-02-16', to: '2026-02-28' }],
      subtract: [],
    });
    expect(planTimes({ from: '2026-03-04', to: '2026-03-10' }, today)).toEqual({ months: null, add: [{ from: '2026-03-04', to: '2026-03-10' }], subtract: [] });
  });
});

describe('time buckets', () => {
  it('the SQL function and the reader agree on every edge, and on either side of it', async () => {
    const probes = [-5, 0, 1, ...EDGES.flatMap((e) => [e - 1, e, e + 1]), 2_000_000_000];
    const rows = rowsOf<{ s: number; b: number }>(await t.db.execute(sql`SELECT s, stats_bucket(s) AS b FROM unnest(${`{${probes.join(',')}}`}::int[]) AS s`));
    expect(rows).toHaveLength(probes.length);
    for (const r of rows) {
      const s = Number(r.s);
      const b = Number(r.b);
      expect(b, `bucket of ${s}`).toBe(bucketOf(s));
      const [lo, hi] = bucketBounds(b);
      if (s > 0 && b < OVERFLOW_BUCKET) {
        expect(s, `${s} in (${lo}, ${hi}]`).toBeGreaterThan(lo);
        expect(s).toBeLessThanOrEqual(hi);
      }
    }
    expect(bucketOf(2_000_000_000)).toBe(OVERFLOW_BUCKET);
    const [nul] = rowsOf<{ b: number | null }>(await t.db.execute(sql`SELECT stats_bucket(NULL) AS b`));
    expect(nul!.b).toBeNull();
  });
});
