import type { Policy } from '../reference.ts';
import { nthWorkdayAfter, type WorkdayLookup } from './calendar.ts';
import { addDays, endOfShanghaiDay, shanghaiDate } from './shanghai-time.ts';

export interface CaseClockInput {
  channel: string;
  kind: string;
  categoryId: number;
  priority: string;
  receivedAt: Date;
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

/** Adds a policy duration to an instant on the office's calendar. */
export function addDuration(from: Date, amount: number, unit: Unit, isWorkday: WorkdayLookup): Date {
  switch (unit) {
    case 'hours':
      return new Date(from.getTime() + amount * 3600_000);
    case 'same_day':
      return endOfShanghaiDay(shanghaiDate(from));
    case 'calendar_days':
      return endOfShanghaiDay(addDays(shanghaiDate(from), Math.ceil(amount)));
    case 'working_days':
      // A working-day deadline ends at 24:00 Shanghai of its last working day.
      return endOfShanghaiDay(nthWorkdayAfter(shanghaiDate(from), Math.ceil(amount), isWorkday));
  }
}

export function computeDeadlines(policies: Policy[], c: CaseClockInput, isWorkday: WorkdayLookup): Deadlines {
  const clocks = matchClocks(policies, c);
  return {
    ackDueAt: addDuration(c.receivedAt, clocks.ack.amount, clocks.ack.unit, isWorkday),
    contactDueAt: addDuration(c.receivedAt, clocks.contact.amount, clocks.contact.unit, isWorkday),
    replyDueAt: addDuration(c.receivedAt, clocks.reply.amount, clocks.reply.unit, isWorkday),
  };
}
