import type { ClockFields } from './clocks.ts';
import { shanghaiDate } from './shanghai-time.ts';

/*
 * A deadline is provisional (暂定) when it falls in a year whose holidays the
 * State Council has not published yet: the calendar counted that year as plain
 * Monday–Friday, and the import of its notice will move it. Staff see the mark
 * beside the date, citizens one sentence on the status page.
 */

/** The year of the day a deadline ends: 24:00 of 31 December still belongs to December. */
export function deadlineYear(dueAt: Date): number {
  return Number(shanghaiDate(new Date(dueAt.getTime() - 1)).slice(0, 4));
}

export function isProvisional(dueAt: Date, publishedYears: ReadonlySet<number>): boolean {
  return !publishedYears.has(deadlineYear(dueAt));
}

type ClockState = Pick<ClockFields, 'status' | 'ackDueAt' | 'contactDueAt' | 'replyDueAt' | 'acknowledgedAt' | 'contactedAt' | 'repliedAt'>;

/** Per clock: provisional, and still to be met on an open case (a met clock's date no longer matters). */
export function provisionalClocks(c: ClockState, publishedYears: ReadonlySet<number>) {
  const open = c.status === 'new' || c.status === 'assigned' || c.status === 'in_progress';
  const mark = (due: Date, met: Date | null) => open && met === null && isProvisional(due, publishedYears);
  return {
    ack: mark(c.ackDueAt, c.acknowledgedAt),
    contact: mark(c.contactDueAt, c.contactedAt),
    reply: mark(c.replyDueAt, c.repliedAt),
  };
}

/** One flag for a queue row: some clock still running ends on a provisional date. */
export function anyProvisional(c: ClockState, publishedYears: ReadonlySet<number>): boolean {
  const p = provisionalClocks(c, publishedYears);
  return p.ack || p.contact || p.reply;
}
