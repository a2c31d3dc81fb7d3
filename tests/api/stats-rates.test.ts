import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { pendingCases } from '../../api/domain/stats/fold.ts';
import { Stats } from '../../api/routes/public/stats-schemas.ts';
import { fixedClock, jobContext, useTestApp } from '../helpers/app.ts';
import { evaluate, insertCase } from './stats-fixtures.ts';

/*
 * The rates as the offices count them (issue #13; DESIGN "Satisfaction and the
 * published rates"), one rule at a time, each on a station and a month of its
 * own. Offsets are hours after receipt; reply deadlines are set explicitly.
 */
const NOW = '2026-06-15T10:00:00+08:00';
const clock = fixedClock(NOW);
const t = useTestApp({ clock, isolated: true });

const stats = async (query: string) => {
  const res = await t.app.request(`/api/stats?${query}`);
  expect(res.status, await res.clone().text()).toBe(200);
  return Stats.parse(await res.json());
};

beforeAll(async () => {
  const db = t.db;
  // Tianjin Station, April: the on-time rate by the day of the reply deadline.
  // Received in March, due 3 April, answered in time.
  await insertCase(db, { category: 'touting', department: 'enf1', status: 'closed', receivedAt: '2026-03-25T10:00:00+08:00', replyDue: 216, ack: 1, reply: 100, close: 110 });
  // Due 11 April, never answered, still open: late.
  await insertCase(db, { category: 'touting', department: 'enf1', status: 'in_progress', receivedAt: '2026-04-01T10:00:00+08:00', replyDue: 240, ack: 1 });
  // Due 15 April, answered after it: late.
  await insertCase(db, { category: 'touting', department: 'enf1', status: 'closed', receivedAt: '2026-04-05T10:00:00+08:00', replyDue: 240, ack: 1, reply: 300, close: 310 });
  // Due 20 April, answered in two days, closed after the deadline: the answer counts, so on time.
  await insertCase(db, { category: 'touting', department: 'enf1', status: 'closed', receivedAt: '2026-04-10T10:00:00+08:00', replyDue: 240, ack: 1, reply: 48, close: 300 });

  // Tianjin South, June (now is 15 June, 10:00): running clocks.
  // Received 12 June, due 22 June, not answered yet: running. Acknowledged in an hour, contacted in 23 hours.
  await insertCase(db, { station: 'TJN', category: 'parking', department: 'enf3', status: 'in_progress', receivedAt: '2026-06-12T10:00:00+08:00', replyDue: 240, ack: 1, contact: 23 });
  // Due 23 June, already answered: on time, though the deadline is ahead. Contacted after 25 hours.
  await insertCase(db, {
    station: 'TJN',
    category: 'parking',
    department: 'enf3',
    status: 'replied',
    receivedAt: '2026-06-13T10:00:00+08:00',
    replyDue: 240,
    ack: 1,
    contact: 25,
    reply: 30,
  });
  // Due 11 June, not answered: late. Never contacted.
  await insertCase(db, { station: 'TJN', category: 'parking', department: 'enf3', status: 'in_progress', receivedAt: '2026-06-01T10:00:00+08:00', replyDue: 240, ack: 1 });
  // Due today: at 08:00 (passed, not answered: late) and at 14:00 (later today: running).
  await insertCase(db, { station: 'TJN', category: 'parking', department: 'enf3', status: 'in_progress', receivedAt: '2026-06-05T08:00:00+08:00', replyDue: 240, ack: 1, contact: 2 });
  await insertCase(db, { station: 'TJN', category: 'parking', department: 'enf3', status: 'in_progress', receivedAt: '2026-06-05T14:00:00+08:00', replyDue: 240, ack: 1, contact: 2 });
  // Received an hour ago, nobody has it yet: acknowledge (2 h), contact (24 h) and reply clocks all running.
  await insertCase(db, { station: 'TJN', category: 'parking', status: 'new', receivedAt: '2026-06-15T09:00:00+08:00', replyDue: 240 });
  // Received yesterday 08:00, never assigned: its acknowledge clock ran out (it counts, unassigned as it is);
  // 26 hours without contact; its reply deadline (24 June) is running.
  await insertCase(db, { station: 'TJN', category: 'parking', status: 'new', receivedAt: '2026-06-14T08:00:00+08:00', replyDue: 240 });

  // Beijing South, May and June: reopened cases (重办).
  // First deadline 1 May, first answer late (2 May); redo due 5 June, answered 4 June.
  await insertCase(db, {
    station: 'BJN',
    category: 'sanitation',
    department: 'environment',
    status: 'replied',
    receivedAt: '2026-04-20T10:00:00+08:00',
    firstReplyDue: 264,
    firstReply: 300,
    replyDue: 1104,
    reply: 1080,
    ack: 1,
  });
  // First deadline 8 May, answered in time; redo due 25 May, not answered.
  await insertCase(db, {
    station: 'BJN',
    category: 'sanitation',
    department: 'environment',
    status: 'in_progress',
    receivedAt: '2026-05-03T10:00:00+08:00',
    firstReplyDue: 120,
    firstReply: 100,
    replyDue: 528,
    ack: 1,
  });
  // Never reopened, answered in time.
  await insertCase(db, {
    station: 'BJN',
    category: 'sanitation',
    department: 'environment',
    status: 'closed',
    receivedAt: '2026-05-05T10:00:00+08:00',
    replyDue: 240,
    ack: 1,
    reply: 20,
    close: 30,
  });
  // A deadline at 24:00 belongs to the day it ends: due 24:00 of 31 January (00:00 of 1 February), answered in time.
  await insertCase(db, { station: 'BJN', category: 'sanitation', department: 'environment', status: 'replied', receivedAt: '2026-01-21T16:00:00+08:00', replyDue: 248, ack: 1, reply: 100 });
  // Due 24:00 tonight (00:00 of 16 June), not answered: running, on today's day.
  await insertCase(db, { station: 'BJN', category: 'sanitation', department: 'environment', status: 'in_progress', receivedAt: '2026-06-06T00:00:00+08:00', replyDue: 240, ack: 1 });
  // A merged duplicate and a returned order: no clock counted, acknowledged or not.
  await insertCase(db, { station: 'BJN', category: 'sanitation', status: 'merged', receivedAt: '2026-05-06T10:00:00+08:00', replyDue: 24 });
  await insertCase(db, { station: 'BJN', category: 'sanitation', status: 'returned', receivedAt: '2026-05-07T10:00:00+08:00', replyDue: 24 });

  // Tianjin Station, February: evaluations.
  const sms = await insertCase(db, { category: 'signage', department: 'general', status: 'closed', receivedAt: '2026-02-02T10:00:00+08:00', ack: 1, reply: 5, close: 6 });
  await evaluate(db, sms, 'citizen', 'satisfied', null, '2026-02-03T10:00:00+08:00');
  const web = await insertCase(db, { category: 'signage', department: 'general', status: 'closed', receivedAt: '2026-02-03T10:00:00+08:00', ack: 1, reply: 5, close: 6 });
  await evaluate(db, web, 'citizen', 'satisfied', 'yes', '2026-02-04T10:00:00+08:00');
  const appealed = await insertCase(db, { category: 'signage', department: 'general', status: 'closed', receivedAt: '2026-02-04T10:00:00+08:00', ack: 1, reply: 5, close: 6 });
  const unfair = await evaluate(db, appealed, '12345', 'dissatisfied', 'no', '2026-02-05T10:00:00+08:00');
  const twice = await insertCase(db, { category: 'signage', department: 'general', status: 'closed', receivedAt: '2026-02-05T10:00:00+08:00', ack: 1, reply: 5, close: 6 });
  await evaluate(db, twice, 'citizen', 'basic', 'no', '2026-02-06T10:00:00+08:00');
  const unfairToo = await evaluate(db, twice, '12345', 'dissatisfied', 'no', '2026-02-07T10:00:00+08:00');
  // The platform accepted the appeals (核减): those ratings are excluded.
  await db.execute(sql`UPDATE evaluations SET excluded_at = ${'2026-02-20T10:00:00+08:00'}::timestamptz WHERE id IN (${unfair}, ${unfairToo})`);
});

describe('on-time rate (按期办结率)', () => {
  it('counts the cases whose reply deadline falls in the period, answered by it; an open case past its deadline is late', async () => {
    const s = await stats('period=2026-04&station=TJ');
    // Due in April: 3, 11, 15 and 20 April (the first received in March). On time: the first and the last.
    expect(s.totals).toMatchObject({ received: 3, due: 4, dueOnTime: 2, dueLate: 2, dueRunning: 0, rates: { onTime: 50 } });
    // March holds the first case's receipt, not its deadline.
    expect((await stats('period=2026-03&station=TJ')).totals).toMatchObject({ received: 1, due: 0, rates: { onTime: null } });
  });

  it('a deadline not yet reached on a case not yet answered is a running clock: neither on time nor late', async () => {
    const s = await stats('period=2026-06&station=TJN');
    // Due in June: 11 (late), today 08:00 (late), today 14:00 (running), 22 (running), 23 (answered: on time),
    // 24 and 25 (running).
    expect(s.totals).toMatchObject({ due: 3, dueOnTime: 1, dueLate: 2, dueRunning: 4, rates: { onTime: 33.33 } });
  });

  it('a running clock becomes late when its deadline passes, with nothing written and nothing to fold', async () => {
    try {
      clock.set('2026-06-30T10:00:00+08:00');
      expect(await pendingCases(jobContext(t, clock))).toBe(0);
      const s = await stats('period=2026-06&station=TJN');
      expect(s.totals).toMatchObject({ due: 7, dueOnTime: 1, dueLate: 6, dueRunning: 0, rates: { onTime: 14.29, response: 71.43, firstContact: 42.86 } });
    } finally {
      clock.set(NOW);
    }
  });

  it('a reopened case keeps its first deadline’s outcome; the redo is counted on its own, on its deadline’s day (重办按期率)', async () => {
    const may = await stats('period=2026-05&station=BJN');
    // First deadlines in May: 1 May (answered late, later redone on time), 8 May (on time), 15 May (on time).
    // Redo deadlines in May: 25 May, not answered. The merged and the returned count nowhere.
    expect(may.totals).toMatchObject({
      received: 3,
      returned: 1,
      due: 3,
      dueOnTime: 2,
      dueLate: 1,
      redoDue: 1,
      redoOnTime: 0,
      redoLate: 1,
      ackDue: 2,
      rates: { onTime: 66.67, redoOnTime: 0 },
    });
    // The redo due 5 June, answered 4 June, counts in June.
    expect((await stats('period=2026-06&station=BJN')).totals).toMatchObject({ due: 0, redoDue: 1, redoOnTime: 1, rates: { onTime: null, redoOnTime: 100 } });
  });

  it('a deadline at 24:00 counts on the day it ends, not on the next (24:00 of 31 January is January’s)', async () => {
    expect((await stats('period=2026-01&station=BJN')).totals).toMatchObject({ due: 1, dueOnTime: 1, rates: { onTime: 100 } });
    expect((await stats('period=2026-02&station=BJN')).totals).toMatchObject({ due: 0, dueRunning: 0, rates: { onTime: null } });
    // Due 24:00 tonight and not answered: today's, and still running.
    const today = await stats('from=2026-06-15&to=2026-06-15&station=BJN');
    expect(today.totals).toMatchObject({ due: 0, dueRunning: 1 });
    expect((await stats('from=2026-06-16&to=2026-06-16&station=BJN')).totals).toMatchObject({ due: 0, dueRunning: 0 });
  });
});

describe('response rate (响应率) and first contact within 24 h', () => {
  it('every case received with an acknowledge clock, assigned or not; running clocks left out', async () => {
    const s = await stats('period=2026-06&station=TJN');
    // Acknowledged in an hour: five. Never assigned, two hours passed: late. Received an hour ago: running.
    expect(s.totals).toMatchObject({ received: 7, ackDue: 6, ackOnTime: 5, ackRunning: 1, rates: { response: 83.33 } });
    // Contacted within 24 h: three (23 h, 2 h, 2 h); after 25 h, never (twice): not; received an hour ago: running.
    expect(s.totals).toMatchObject({ contactDue: 6, contactWithin24h: 3, contactRunning: 1, rates: { firstContact: 50 } });
  });

  it('grouped, the groups add up to the total, running clocks included', async () => {
    for (const groupBy of ['department', 'month', 'category', 'station', 'channel', 'kind', 'location']) {
      const s = await stats(`period=2026-06&station=TJN&groupBy=${groupBy}`);
      const sum = (k: 'due' | 'dueRunning' | 'ackDue' | 'ackRunning' | 'contactRunning') => s.groups.reduce((n, g) => n + g[k], 0);
      expect([sum('due'), sum('dueRunning'), sum('ackDue'), sum('ackRunning'), sum('contactRunning')], groupBy).toEqual([3, 4, 6, 1, 1]);
    }
    const byDepartment = await stats('period=2026-06&station=TJN&groupBy=department');
    expect(byDepartment.groups.find((g) => g.key === 'none')).toMatchObject({ ackDue: 1, ackOnTime: 0, ackRunning: 1, dueRunning: 2, rates: { response: 0 } });
  });
});

describe('resolution (解决率) and satisfaction (满意率)', () => {
  it('an SMS rating’s unknown resolution stays out of the resolution rate, not out of satisfaction; a rating excluded on appeal (核减) leaves both', async () => {
    const s = await stats('period=2026-02&station=TJ');
    // Rated: the SMS one (satisfied, resolution unknown), the web one (satisfied, resolved), and the case whose
    // later 12345 rating was excluded, by its earlier rating (basic, not resolved). The case whose only rating
    // was excluded is not rated.
    expect(s.totals).toMatchObject({ evaluated: 3, resolutionKnown: 2, resolved: 1, satisfied: 3, rates: { resolution: 50, satisfaction: 100 } });
  });
});

describe('definitions', () => {
  it('say the rules: deadline day, running clocks, first round and redo, unknown resolution, 核减', async () => {
    const zh = Object.fromEntries((await stats('period=2026-06')).definitions.map((d) => [d.key, d]));
    expect(zh.onTimeRate).toMatchObject({ name: '按期办结率' });
    expect(zh.onTimeRate!.text).toContain('答复期限');
    expect(zh.onTimeRate!.text).toContain('计时尚在进行');
    expect(zh.onTimeRate!.text).toContain('第一次答复的期限');
    expect(zh.redoOnTimeRate).toMatchObject({ name: '重办按期率' });
    expect(zh.responseRate!.text).toContain('无论是否已派单');
    expect(zh.resolutionRate!.text).toContain('短信评价');
    expect(zh.satisfactionRate!.text).toContain('核减');
    const en = Object.fromEntries((await stats('period=2026-06&lang=en')).definitions.map((d) => [d.key, d]));
    expect(en.onTimeRate!.text).toContain('running clock');
    expect(en.firstContactRate!.text).toContain('24 hours');
    expect(en.resolutionRate!.text).toContain('unknown');
  });
});
