import type { Policy } from '../reference.ts';
import { nthWorkdayAfter, type WorkdayLookup } from './calendar.ts';
import { addDays, endOfShanghaiDay, minutesIntoShanghaiDay, shanghaiDate } from './shanghai-time.ts';

export interface CaseClockInput {
  channel: string;
  kind: string;
  categoryId: number;
  priority: string;
  receivedAt: Date;
}

/** Office hours end at 17:30 Beijing time unless OFFICE_HOURS_END says otherwise. */
export const DEFAULT_OFFICE_HOURS_END = 17 * 60 + 30;

export interface DeadlineOptions {
  /** Minutes after 00:00 Beijing time when office hours end (config OFFICE_HOURS_END). */
  officeHoursEnd?: number | undefined;
  /** A reply deadline set elsewhere (a 12345 order's own): it wins, and the other clocks end by it. */
  replyDueAt?: Date | undefined;
}

export interface Deadlines {
  ackDueAt: Date;
  contactDueAt: Date;
  replyDueAt: Date;
}

type Unit = NonNullable<Policy['replyUnit']>;

/** How specific a policy is; a policy that names a field the case lacks does not match. */
function specificity(p: Policy, c: CaseClockInput): number {
  if (p.channel !== null && p.channel !== c.channel) return -1;
  if (p.kind !== null && p.kind !== c.kind) return -1;
  if (p.categoryId !== null && p.categoryId !== c.categoryId) return -1;
  if (p.priority !== null && p.priority !== c.priority) return -1;
  // Priority outranks category, category outranks kind, kind outranks channel:
  // a red case runs on red clocks whatever its kind.
  return (p.priority !== null ? 8 : 0) + (p.categoryId !== null ? 4 : 0) + (p.kind !== null ? 2 : 0) + (p.channel !== null ? 1 : 0);
}

/**
 * Picks each clock from the most specific policy that sets it. Ties go to the
 * lowest id, so the result never depends on row order.
 */
export function matchClocks(policies: Policy[], c: CaseClockInput) {
  const ranked = policies
    .map((p) => ({ p, s: specificity(p, c) }))
    .filter((x) => x.s >= 0)
    .sort((a, b) => b.s - a.s || a.p.id - b.p.id)
    .map((x) => x.p);
  const pick = (amount: 'ackAmount' | 'contactAmount' | 'replyAmount', unit: 'ackUnit' | 'contactUnit' | 'replyUnit') => {
    const p = ranked.find((r) => r[amount] !== null && r[unit] !== null);
    return p ? { amount: Number(p[amount]), unit: p[unit] as Unit, policyId: p.id } : undefined;
  };
  return {
    ack: pick('ackAmount', 'ackUnit') ?? { amount: 2, unit: 'hours' as Unit, policyId: null },
    contact: pick('contactAmount', 'contactUnit') ?? { amount: 24, unit: 'hours' as Unit, policyId: null },
    reply: pick('replyAmount', 'replyUnit') ?? { amount: 10, unit: 'working_days' as Unit, policyId: null },
  };
}

/**
 * Adds a policy duration to an instant on the office's calendar. A same-day
 * clock started after office hours, or on a day the office does not work, runs
 * to 24:00 of the next working day: nobody is there to act within the evening.
 */
export function addDuration(from: Date, amount: number, unit: Unit, isWorkday: WorkdayLookup, officeHoursEnd = DEFAULT_OFFICE_HOURS_END): Date {
  switch (unit) {
    case 'hours':
      return new Date(from.getTime() + amount * 3600_000);
    case 'same_day': {
      const day = shanghaiDate(from);
      const afterHours = !isWorkday(day) || minutesIntoShanghaiDay(from) >= officeHoursEnd;
      return endOfShanghaiDay(afterHours ? nthWorkdayAfter(day, 1, isWorkday) : day);
    }
    case 'calendar_days':
      return endOfShanghaiDay(addDays(shanghaiDate(from), Math.ceil(amount)));
    case 'working_days':
      // A working-day deadline ends at 24:00 Shanghai of its last working day.
      return endOfShanghaiDay(nthWorkdayAfter(shanghaiDate(from), Math.ceil(amount), isWorkday));
  }
}

const earliest = (...dates: Date[]) => new Date(Math.min(...dates.map((d) => d.getTime())));

/**
 * The three deadlines of a case received at `receivedAt`. Two rules on top of
 * the policies: a colour (priority) never relaxes a clock — each clock is the
 * earlier of the colour's policy and the policy the case would have without a
 * colour — and acknowledge and first contact are never due after the reply.
 */
export function computeDeadlines(policies: Policy[], c: CaseClockInput, isWorkday: WorkdayLookup, options: DeadlineOptions = {}): Deadlines {
  const at = (clocks: ReturnType<typeof matchClocks>) => ({
    ack: addDuration(c.receivedAt, clocks.ack.amount, clocks.ack.unit, isWorkday, options.officeHoursEnd),
    contact: addDuration(c.receivedAt, clocks.contact.amount, clocks.contact.unit, isWorkday, options.officeHoursEnd),
    reply: addDuration(c.receivedAt, clocks.reply.amount, clocks.reply.unit, isWorkday, options.officeHoursEnd),
  });
  const coloured = at(matchClocks(policies, c));
  const plain = at(
    matchClocks(
      policies.filter((p) => p.priority === null),
      c,
    ),
  );
  const replyDueAt = options.replyDueAt ?? earliest(coloured.reply, plain.reply);
  return {
    ackDueAt: earliest(coloured.ack, plain.ack, replyDueAt),
    contactDueAt: earliest(coloured.contact, plain.contact, replyDueAt),
    replyDueAt,
  };
}
