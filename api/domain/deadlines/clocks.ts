/**
 * The three clocks of a case — acknowledge (签收), first contact, reply — and
 * when each one warns (80 % run) and escalates (passed). Pure: the sweeper,
 * the transitions and the tests all read clocks through here.
 */
export const WARN_FRACTION = 0.8;
export const CLOCKS = ['ack', 'contact', 'reply'] as const;
export type ClockName = (typeof CLOCKS)[number];

export interface ClockFields {
  status: string;
  priority: string;
  receivedAt: Date;
  replyStartedAt: Date | null;
  ackDueAt: Date;
  contactDueAt: Date;
  replyDueAt: Date;
  acknowledgedAt: Date | null;
  contactedAt: Date | null;
  repliedAt: Date | null;
}

export interface RunningClock {
  clock: ClockName;
  startedAt: Date;
  dueAt: Date;
  warnAt: Date;
}

const OPEN = new Set(['new', 'assigned', 'in_progress']);

/** The clocks still running: the case is open and the act has not happened. */
export function runningClocks(c: ClockFields): RunningClock[] {
  if (!OPEN.has(c.status)) return [];
  const clocks: RunningClock[] = [];
  const add = (clock: ClockName, startedAt: Date, dueAt: Date) => {
    const warnAt = new Date(startedAt.getTime() + WARN_FRACTION * Math.max(0, dueAt.getTime() - startedAt.getTime()));
    clocks.push({ clock, startedAt, dueAt, warnAt });
  };
  if (!c.acknowledgedAt) add('ack', c.receivedAt, c.ackDueAt);
  if (!c.contactedAt) add('contact', c.receivedAt, c.contactDueAt);
  if (!c.repliedAt) add('reply', c.replyStartedAt ?? c.receivedAt, c.replyDueAt);
  return clocks;
}

/**
 * When the sweeper should first look at the case: its earliest warning. A time
 * already past just means "look now"; the sweeper knows from case_alerts what
 * it has already done and sets the precise next time.
 */
export function firstAlertAt(c: ClockFields): Date | null {
  const clocks = runningClocks(c);
  if (!clocks.length) return null;
  return new Date(Math.min(...clocks.map((k) => k.warnAt.getTime())));
}

export const deltaSeconds = (actual: Date, due: Date) => Math.round((actual.getTime() - due.getTime()) / 1000);
