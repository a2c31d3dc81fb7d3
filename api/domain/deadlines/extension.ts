import type { Config } from '../../config.ts';
import { nthWorkdayAfter, type WorkdayLookup } from './calendar.ts';
import { addDays, endOfShanghaiDay, minutesIntoShanghaiDay, shanghaiDate } from './shanghai-time.ts';

/*
 * What an extension (延期) may be: asked before the reply deadline, at most
 * EXTENSION_MAX approved per case, and reaching at most EXTENSION_MAX_DAYS
 * working days past the current reply deadline — to 24:00 of that working day
 * on the office's calendar. The request refuses anything else with a 409 that
 * names the limit; the console shows the latest date allowed.
 */
export type ExtensionRefusal =
  | { key: 'extension.deadline_passed'; params: { due: string } }
  | { key: 'extension.limit'; params: { max: number; count: number } }
  | { key: 'extension.too_long'; params: { days: number; latest: string } };

/** The latest reply deadline an extension may set, counted from the day the current one ends. */
export function latestExtendedDue(replyDueAt: Date, days: number, isWorkday: WorkdayLookup): Date {
  const lastDay = shanghaiDate(new Date(replyDueAt.getTime() - 1));
  return endOfShanghaiDay(nthWorkdayAfter(lastDay, days, isWorkday));
}

/** Whether a case may still ask for an extension, and until when. */
export function extensionAllowance(
  c: { replyDueAt: Date; extensionCount: number },
  now: Date,
  config: Pick<Config, 'deadlines'>,
  isWorkday: WorkdayLookup,
): { latestDueAt: Date; refusal?: ExtensionRefusal } {
  const latestDueAt = latestExtendedDue(c.replyDueAt, config.deadlines.extensionMaxDays, isWorkday);
  if (now.getTime() >= c.replyDueAt.getTime()) return { latestDueAt, refusal: { key: 'extension.deadline_passed', params: { due: officeTime(c.replyDueAt) } } };
  if (c.extensionCount >= config.deadlines.extensionMax) {
    return { latestDueAt, refusal: { key: 'extension.limit', params: { max: config.deadlines.extensionMax, count: c.extensionCount } } };
  }
  return { latestDueAt };
}

/** The refusal of one requested date, if any. */
export function checkExtension(
  c: { replyDueAt: Date; extensionCount: number },
  requested: Date,
  now: Date,
  config: Pick<Config, 'deadlines'>,
  isWorkday: WorkdayLookup,
): ExtensionRefusal | undefined {
  const allowance = extensionAllowance(c, now, config, isWorkday);
  if (allowance.refusal) return allowance.refusal;
  if (requested.getTime() > allowance.latestDueAt.getTime()) {
    return { key: 'extension.too_long', params: { days: config.deadlines.extensionMaxDays, latest: officeTime(allowance.latestDueAt) } };
  }
  return undefined;
}

/** "2026-05-28 24:00" as the office writes a deadline (Beijing time; midnight is the end of the day before). */
export function officeTime(at: Date): string {
  const minutes = minutesIntoShanghaiDay(at);
  if (minutes === 0) return `${addDays(shanghaiDate(at), -1)} 24:00`;
  return `${shanghaiDate(at)} ${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}
