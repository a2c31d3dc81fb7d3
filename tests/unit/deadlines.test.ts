import { describe, expect, it } from 'vitest';
import { nthWorkdayAfter, workdayLookup } from '../../api/domain/deadlines/calendar.ts';
import { checkExtension, extensionAllowance, latestExtendedDue, officeTime } from '../../api/domain/deadlines/extension.ts';
import { computeDeadlines, matchClocks } from '../../api/domain/deadlines/policy.ts';
import { anyProvisional, deadlineYear, isProvisional, provisionalClocks } from '../../api/domain/deadlines/provisional.ts';
import { recomputeDeadlines } from '../../api/domain/deadlines/recompute.ts';
import { toShanghaiIso } from '../../api/domain/deadlines/shanghai-time.ts';
import { orderClocks } from '../../api/domain/feed12345/normalize.ts';
import type { Policy, Reference } from '../../api/domain/reference.ts';
import { calendarYear } from '../../db/seed/calendar.ts';
import { POLICIES } from '../../db/seed/reference.ts';

const days = new Map<string, boolean>();
// 2027 as seeded today: no notice yet, plain Monday–Friday rows.
for (const year of [2025, 2026, 2027]) for (const r of calendarYear(year).rows) days.set(r.day, r.isWorkday);
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

const due = (kind: string, priority: string, receivedAt: string, officeHoursEnd?: number) =>
  computeDeadlines(policies, { channel: 'web', kind, categoryId: 1, priority, receivedAt: new Date(receivedAt) }, isWorkday, { officeHoursEnd });
const iso = (d: Date | null | undefined) => (d ? toShanghaiIso(d) : d);
const at = (s: string) => new Date(s);
const policy = (p: Partial<Policy>): Policy => ({
  ...policies[0]!,
  ackAmount: null,
  ackUnit: null,
  contactAmount: null,
  contactUnit: null,
  replyAmount: null,
  replyUnit: null,
  ...p,
});

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

describe('a colour never relaxes a clock', () => {
  it('yellow (7 calendar days) does not give a consultation (1 working day) a week', () => {
    const wednesday = '2026-05-06T09:30:00+08:00';
    expect(iso(due('consult', 'normal', wednesday).replyDueAt)).toBe('2026-05-08T00:00:00+08:00');
    expect(iso(due('consult', 'yellow', wednesday).replyDueAt)).toBe('2026-05-08T00:00:00+08:00');
    // …while it does shorten a suggestion's 15 working days.
    expect(iso(due('suggestion', 'normal', wednesday).replyDueAt)).toBe('2026-05-27T00:00:00+08:00'); // Saturday 9 May is a make-up workday
    expect(iso(due('suggestion', 'yellow', wednesday).replyDueAt)).toBe('2026-05-14T00:00:00+08:00');
  });

  it('takes the earlier of the two for each clock on its own', () => {
    const slowAck = policy({ id: 50, name: 'Yellow: acknowledge within 6 hours', priority: 'yellow', ackAmount: 6, ackUnit: 'hours' });
    const d = computeDeadlines([...policies, slowAck], { channel: 'web', kind: 'complaint', categoryId: 1, priority: 'yellow', receivedAt: at('2026-05-06T09:30:00+08:00') }, isWorkday);
    expect(iso(d.ackDueAt)).toBe('2026-05-06T11:30:00+08:00'); // the base 2 hours, not the colour's 6
    expect(iso(d.replyDueAt)).toBe('2026-05-14T00:00:00+08:00'); // the colour's week, shorter than 10 working days
  });
});

describe('acknowledge and contact end by the reply', () => {
  it('a 4-hour consultation is not contacted within 24 hours but within its 4', () => {
    const quick = policy({ id: 60, name: 'Web consultations within 4 hours', channel: 'web', kind: 'consult', replyAmount: 4, replyUnit: 'hours' });
    const d = computeDeadlines([...policies, quick], { channel: 'web', kind: 'consult', categoryId: 1, priority: 'normal', receivedAt: at('2026-05-06T09:30:00+08:00') }, isWorkday);
    expect(iso(d.replyDueAt)).toBe('2026-05-06T13:30:00+08:00');
    expect(iso(d.ackDueAt)).toBe('2026-05-06T11:30:00+08:00');
    expect(iso(d.contactDueAt)).toBe('2026-05-06T13:30:00+08:00');
  });

  it('a blue case is contacted by the end of its day, and a 12345 deadline caps the policy clocks', () => {
    const blue = due('complaint', 'blue', '2026-05-06T09:30:00+08:00');
    expect(iso(blue.contactDueAt)).toBe('2026-05-07T00:00:00+08:00');
    const order = computeDeadlines(policies, { channel: '12345', kind: 'complaint', categoryId: 1, priority: 'normal', receivedAt: at('2026-05-06T09:30:00+08:00') }, isWorkday, {
      replyDueAt: at('2026-05-06T20:00:00+08:00'),
    });
    expect(iso(order.replyDueAt)).toBe('2026-05-06T20:00:00+08:00');
    expect(iso(order.contactDueAt)).toBe('2026-05-06T20:00:00+08:00');
    expect(iso(order.ackDueAt)).toBe('2026-05-06T11:30:00+08:00');
  });
});

describe('a same-day clock after office hours', () => {
  it('runs to 24:00 of the next working day, across the Spring Festival and its make-up Saturday', () => {
    // Friday 13 Feb 2026, 17:29: still the same day.
    expect(iso(due('complaint', 'blue', '2026-02-13T17:29:00+08:00').replyDueAt)).toBe('2026-02-14T00:00:00+08:00');
    // 17:30 is after hours: Saturday the 14th is a make-up workday (调休), so it ends then.
    expect(iso(due('complaint', 'blue', '2026-02-13T17:30:00+08:00').replyDueAt)).toBe('2026-02-15T00:00:00+08:00');
    // The make-up Saturday evening: the next working day is after the holiday, Tuesday 24 Feb.
    expect(iso(due('complaint', 'blue', '2026-02-14T19:00:00+08:00').replyDueAt)).toBe('2026-02-25T00:00:00+08:00');
    // Within the holiday (a non-working day), even in the morning.
    expect(iso(due('complaint', 'blue', '2026-02-17T09:00:00+08:00').replyDueAt)).toBe('2026-02-25T00:00:00+08:00');
    // A make-up Saturday morning is a working day like any other.
    expect(iso(due('complaint', 'blue', '2026-02-14T09:00:00+08:00').replyDueAt)).toBe('2026-02-15T00:00:00+08:00');
  });

  it('crosses the National Day holiday from its eve', () => {
    // Tuesday 30 Sep 2025, 20:00: 1–8 October off, Thursday 9 October is the next working day.
    const d = due('complaint', 'blue', '2025-09-30T20:00:00+08:00');
    expect(iso(d.replyDueAt)).toBe('2025-10-10T00:00:00+08:00');
    expect(iso(d.ackDueAt)).toBe('2025-09-30T22:00:00+08:00'); // acknowledge runs on the wall clock
  });

  it('takes the end of office hours from the configuration', () => {
    expect(iso(due('complaint', 'blue', '2026-05-06T17:45:00+08:00').replyDueAt)).toBe('2026-05-08T00:00:00+08:00');
    expect(iso(due('complaint', 'blue', '2026-05-06T17:45:00+08:00', 18 * 60).replyDueAt)).toBe('2026-05-07T00:00:00+08:00');
  });
});

describe('extension limits', () => {
  const config = { deadlines: { extensionMax: 1, extensionMaxDays: 10, officeHoursEnd: 17 * 60 + 30 } };

  it('reaches at most 10 working days past the current deadline, on the calendar', () => {
    // Due at the end of Friday 13 Feb 2026: 14 (make-up), 24–27, 28 (make-up), 2–5 March.
    expect(iso(latestExtendedDue(at('2026-02-14T00:00:00+08:00'), 10, isWorkday))).toBe('2026-03-06T00:00:00+08:00');
    expect(officeTime(at('2026-03-06T00:00:00+08:00'))).toBe('2026-03-05 24:00');
    expect(officeTime(at('2026-05-06T13:30:00+08:00'))).toBe('2026-05-06 13:30');
  });

  it('refuses after the deadline, past the count, and past the days; names each limit', () => {
    const c = { replyDueAt: at('2026-02-14T00:00:00+08:00'), extensionCount: 0 };
    const before = at('2026-02-13T12:00:00+08:00');
    expect(checkExtension(c, at('2026-03-06T00:00:00+08:00'), before, config, isWorkday)).toBeUndefined();
    expect(checkExtension(c, at('2026-03-06T00:00:01+08:00'), before, config, isWorkday)).toEqual({
      key: 'extension.too_long',
      params: { days: 10, latest: '2026-03-05 24:00' },
    });
    expect(checkExtension(c, at('2026-02-25T00:00:00+08:00'), at('2026-02-14T00:00:00+08:00'), config, isWorkday)?.key).toBe('extension.deadline_passed');
    expect(checkExtension({ ...c, extensionCount: 1 }, at('2026-02-25T00:00:00+08:00'), before, config, isWorkday)).toEqual({
      key: 'extension.limit',
      params: { max: 1, count: 1 },
    });
    expect(extensionAllowance({ ...c, extensionCount: 1 }, before, { deadlines: { ...config.deadlines, extensionMax: 2 } }, isWorkday).refusal).toBeUndefined();
  });
});

describe('provisional deadlines', () => {
  const published = new Set([2024, 2025, 2026]);

  it('belong to the year of their last day: 24:00 of 31 December is still December', () => {
    expect(deadlineYear(at('2027-01-01T00:00:00+08:00'))).toBe(2026);
    expect(deadlineYear(at('2027-01-01T00:00:01+08:00'))).toBe(2027);
    expect(isProvisional(at('2027-01-01T00:00:00+08:00'), published)).toBe(false);
    expect(isProvisional(at('2027-01-05T00:00:00+08:00'), published)).toBe(true);
  });

  it('marks only clocks still running on an open case', () => {
    const c = {
      status: 'in_progress',
      ackDueAt: at('2026-12-28T11:00:00+08:00'),
      contactDueAt: at('2027-01-02T09:00:00+08:00'),
      replyDueAt: at('2027-01-12T00:00:00+08:00'),
      acknowledgedAt: at('2026-12-28T10:00:00+08:00'),
      contactedAt: null,
      repliedAt: null,
    };
    expect(provisionalClocks(c, published)).toEqual({ ack: false, contact: true, reply: true });
    expect(provisionalClocks({ ...c, contactedAt: at('2026-12-29T10:00:00+08:00') }, published)).toEqual({ ack: false, contact: false, reply: true });
    expect(anyProvisional({ ...c, status: 'closed' }, published)).toBe(false);
    expect(anyProvisional(c, new Set([...published, 2027]))).toBe(false);
  });
});

describe('recomputing a case after a change', () => {
  const ref = { policies, workdays: days, publishedYears: new Set([2025, 2026]) } as unknown as Reference;
  const config = { deadlines: { extensionMax: 1, extensionMaxDays: 10, officeHoursEnd: 17 * 60 + 30 } };
  const received = at('2026-02-13T10:00:00+08:00'); // Friday before the Spring Festival
  const base = {
    channel: 'web',
    kind: 'complaint',
    categoryId: 1,
    priority: 'normal',
    receivedAt: received,
    replyStartedAt: received,
    ...due('complaint', 'normal', '2026-02-13T10:00:00+08:00'),
    acknowledgedAt: null,
    contactedAt: null,
    repliedAt: null,
    extensionCount: 0,
  };

  it('moves every unmet clock from the original receipt, not from now', () => {
    expect(iso(base.replyDueAt)).toBe('2026-03-06T00:00:00+08:00');
    const { set, changes } = recomputeDeadlines(ref, config, { ...base, kind: 'consult' });
    // One working day after Friday the 13th is the make-up Saturday.
    expect(iso(set.replyDueAt)).toBe('2026-02-15T00:00:00+08:00');
    expect(set.ackDueAt).toBeUndefined(); // unchanged: 2 hours from receipt either way
    expect(changes).toEqual({ reply: { from: '2026-03-05T16:00:00.000Z', to: '2026-02-14T16:00:00.000Z' } });
  });

  it('leaves met clocks, a 12345 reply deadline and the acknowledge deadline the order set', () => {
    const met = recomputeDeadlines(ref, config, { ...base, priority: 'red', acknowledgedAt: at('2026-02-13T10:05:00+08:00') });
    expect(met.set.ackDueAt).toBeUndefined();
    expect(iso(met.set.contactDueAt)).toBe('2026-02-13T11:00:00+08:00');
    expect(iso(met.set.replyDueAt)).toBe('2026-02-14T10:00:00+08:00');

    const order = { ...base, channel: '12345', replyDueAt: at('2026-02-27T18:00:00+08:00') };
    const red = recomputeDeadlines(ref, config, { ...order, priority: 'red' }, true);
    expect(red.set.replyDueAt).toBeUndefined();
    expect(red.set.ackDueAt).toBeUndefined();
    expect(iso(red.set.contactDueAt)).toBe('2026-02-13T11:00:00+08:00');
    expect(iso(recomputeDeadlines(ref, config, { ...order, priority: 'red' }, false).set.ackDueAt)).toBe('2026-02-13T10:15:00+08:00');
  });

  it('ends acknowledge and contact by the reply the case has, not by the policy’s', () => {
    // A blue 12345 order: the platform's reply deadline, so first contact keeps its 24 hours.
    const order = { ...base, channel: '12345', replyDueAt: at('2026-02-27T18:00:00+08:00') };
    expect(iso(recomputeDeadlines(ref, config, { ...order, priority: 'blue' }).deadlines.contactDueAt)).toBe('2026-02-14T10:00:00+08:00');
    // The same case of ours is due at the end of its day, and so is its first contact.
    const ours = recomputeDeadlines(ref, config, { ...base, priority: 'blue' }).deadlines;
    expect([iso(ours.replyDueAt), iso(ours.contactDueAt)]).toEqual(['2026-02-14T00:00:00+08:00', '2026-02-14T00:00:00+08:00']);
  });

  it('never moves an approved extension back, but a later policy deadline still wins', () => {
    const extended = { ...base, kind: 'consult', replyDueAt: at('2026-02-26T00:00:00+08:00'), extensionCount: 1 };
    expect(recomputeDeadlines(ref, config, { ...extended, priority: 'red' }).set.replyDueAt).toBeUndefined();
    expect(iso(recomputeDeadlines(ref, config, { ...extended, kind: 'suggestion' }).set.replyDueAt)).toBe('2026-03-13T00:00:00+08:00');
  });

  it('runs the reply clock of a reopened case from its reopening', () => {
    const reopened = { ...base, acknowledgedAt: received, contactedAt: received, replyStartedAt: at('2026-03-02T10:00:00+08:00'), replyDueAt: at('2026-03-17T00:00:00+08:00') };
    expect(iso(recomputeDeadlines(ref, config, { ...reopened, kind: 'consult' }).set.replyDueAt)).toBe('2026-03-04T00:00:00+08:00');
  });
});

describe('a 12345 order’s clocks', () => {
  const ref = { policies } as unknown as Reference;
  const order = (priority: string, dispatchedAt: string) => ({
    kind: 'complaint',
    categoryId: 1,
    priority,
    dispatchedAt: at(dispatchedAt),
    ackDueAt: null,
    dueAt: at('2026-05-20T00:00:00+08:00'),
  });

  it('follow the policies’ rules under the platform’s own reply deadline', () => {
    const blueSameDay = policy({ id: 70, name: 'Blue: contact the same day', priority: 'blue', contactAmount: 0, contactUnit: 'same_day' });
    const slowYellowAck = policy({ id: 71, name: 'Yellow: acknowledge within 6 hours', priority: 'yellow', ackAmount: 6, ackUnit: 'hours' });
    const env = (officeHoursEnd?: number) => ({ ref: { ...ref, policies: [...policies, blueSameDay, slowYellowAck] } as Reference, isWorkday, officeHoursEnd });
    // Before the configured end of office hours the same-day clock ends at midnight;
    // after it, the next working day's end is later than the base 24 hours, which win.
    expect(iso(orderClocks(env(18 * 60), order('blue', '2026-05-06T17:45:00+08:00')).contactDueAt)).toBe('2026-05-07T00:00:00+08:00');
    expect(iso(orderClocks(env(), order('blue', '2026-05-06T17:45:00+08:00')).contactDueAt)).toBe('2026-05-07T17:45:00+08:00');
    // A colour never relaxes a clock: yellow's 6 hours do not replace the base 2.
    const yellow = orderClocks(env(), order('yellow', '2026-05-06T09:30:00+08:00'));
    expect(iso(yellow.ackDueAt)).toBe('2026-05-06T11:30:00+08:00');
    expect(iso(yellow.replyDueAt)).toBe('2026-05-20T00:00:00+08:00');
  });
});
