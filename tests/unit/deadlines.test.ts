import { describe, expect, it } from 'vitest';
import { nthWorkdayAfter, workdayLookup } from '../../api/domain/deadlines/calendar.ts';
import { computeDeadlines, matchClocks } from '../../api/domain/deadlines/policy.ts';
import { toShanghaiIso } from '../../api/domain/deadlines/shanghai-time.ts';
import type { Policy } from '../../api/domain/reference.ts';
import { calendarYear } from '../../db/seed/calendar.ts';
import { POLICIES } from '../../db/seed/reference.ts';

const days = new Map<string, boolean>();
for (const year of [2025, 2026]) for (const r of calendarYear(year).rows) days.set(r.day, r.isWorkday);
const isWorkday = workdayLookup(days);

const policies: Policy[] = POLICIES.map((p, i) => ({
  id: i + 1,
  name: p.name,
  channel: null,
  kind: p.kind ?? null,
  categoryId: null,
  priority: p.priority ?? null,
  ackAmount: p.ack?.[0] ?? null,
  ackUnit: p.ack?.[1] ?? null,
  contactAmount: p.contact?.[0] ?? null,
  contactUnit: p.contact?.[1] ?? null,
  replyAmount: p.reply?.[0] ?? null,
  replyUnit: p.reply?.[1] ?? null,
  source: p.source,
  active: true,
  createdAt: new Date(),
  updatedAt: new Date(),
}));

const due = (kind: string, priority: string, receivedAt: string) =>
  computeDeadlines(policies, { channel: 'web', kind, categoryId: 1, priority, receivedAt: new Date(receivedAt) }, isWorkday);

describe('the working calendar', () => {
  it('knows Spring Festival 2026: Feb 15–23 off, Feb 14 and Feb 28 worked', () => {
    expect(isWorkday('2026-02-14')).toBe(true);
    for (let d = 15; d <= 23; d++) expect(isWorkday(`2026-02-${d}`)).toBe(false);
    expect(isWorkday('2026-02-28')).toBe(true);
    expect(isWorkday('2026-03-01')).toBe(false);
  });

  it('counts from the day after receipt', () => {
    expect(nthWorkdayAfter('2026-02-13', 1, isWorkday)).toBe('2026-02-14');
    expect(nthWorkdayAfter('2026-02-13', 2, isWorkday)).toBe('2026-02-24');
  });

  it('falls back to Monday–Friday for a year nobody has loaded', () => {
    const bare = workdayLookup(new Map());
    expect(bare('2030-01-05')).toBe(false); // Saturday
    expect(bare('2030-01-07')).toBe(true); // Monday
  });
});

describe('deadlines from policies', () => {
  it('gives a complaint received Friday 2026-02-13 17:00 until 2026-03-06 00:00 (+08:00)', () => {
    const d = due('complaint', 'normal', '2026-02-13T17:00:00+08:00');
    expect(toShanghaiIso(d.replyDueAt)).toBe('2026-03-06T00:00:00+08:00');
    expect(toShanghaiIso(d.ackDueAt)).toBe('2026-02-13T19:00:00+08:00');
    expect(toShanghaiIso(d.contactDueAt)).toBe('2026-02-14T17:00:00+08:00');
  });

  it('takes the reply clock by kind', () => {
    const at = '2025-09-30T10:00:00+08:00'; // the eve of National Day 2025 (Oct 1–8 off, Sep 28 and Oct 11 worked)
    expect(toShanghaiIso(due('consult', 'normal', at).replyDueAt)).toBe('2025-10-10T00:00:00+08:00');
    expect(toShanghaiIso(due('help', 'normal', at).replyDueAt)).toBe('2025-10-15T00:00:00+08:00');
    // Oct 9, 10, 11 (make-up Saturday), 13–17, 20–24, 27, 28: fifteen working days.
    expect(toShanghaiIso(due('suggestion', 'normal', at).replyDueAt)).toBe('2025-10-29T00:00:00+08:00');
  });

  it('lets priority override kind: red, yellow and blue', () => {
    const at = '2026-05-06T09:30:00+08:00';
    const red = due('complaint', 'red', at);
    expect(toShanghaiIso(red.ackDueAt)).toBe('2026-05-06T09:45:00+08:00');
    expect(toShanghaiIso(red.contactDueAt)).toBe('2026-05-06T10:30:00+08:00');
    expect(toShanghaiIso(red.replyDueAt)).toBe('2026-05-07T09:30:00+08:00');
    expect(toShanghaiIso(due('complaint', 'yellow', at).replyDueAt)).toBe('2026-05-14T00:00:00+08:00');
    const blue = due('complaint', 'blue', at);
    expect(toShanghaiIso(blue.replyDueAt)).toBe('2026-05-07T00:00:00+08:00');
    expect(toShanghaiIso(blue.ackDueAt)).toBe('2026-05-06T11:30:00+08:00');
  });

  it('prefers the most specific policy for each clock', () => {
    const custom: Policy = {
      ...policies[0]!,
      id: 99,
      name: 'Help on the 12345 channel',
      channel: '12345',
      kind: 'help',
      replyAmount: 3,
      replyUnit: 'working_days',
      ackAmount: null,
      ackUnit: null,
      contactAmount: null,
      contactUnit: null,
    };
    const clocks = matchClocks([...policies, custom], { channel: '12345', kind: 'help', categoryId: 1, priority: 'normal', receivedAt: new Date() });
    expect(clocks.reply).toMatchObject({ amount: 3, policyId: 99 });
    expect(clocks.ack).toMatchObject({ amount: 2, unit: 'hours' });
  });

  it('crosses the year end', () => {
    const d = due('consult', 'normal', '2025-12-31T20:00:00+08:00');
    // Jan 1–3 2026 off (New Year), Jan 4 (Sunday) is a make-up workday.
    expect(toShanghaiIso(d.replyDueAt)).toBe('2026-01-05T00:00:00+08:00');
  });
});
