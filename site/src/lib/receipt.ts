import { normalizeCode } from './format.ts';

/*
 * Receipts are shown only to the browser that filed (or rated): the page that
 * did it leaves a short-lived HttpOnly cookie, and the receipt page shows its
 * receipt only when the cookie is for the code in the URL. A made-up link
 * (/report/done?code=ANYTHING) gets a neutral page, never an official-looking
 * receipt. The URL carries only the tracking code, never anything personal;
 * the cookie carries what the receipt shows that a lookup would need the
 * phone digits for (the reply due date, the rating given).
 */

/** Long enough to read and copy the code, short enough not to linger on a shared computer. */
export const RECEIPT_MAX_AGE = 15 * 60;

/** Left by the complaint form after POST /api/cases answered 201. */
export const RECEIPT_COOKIE = 'hotline_receipt';

export function receiptCookieValue(code: string, replyDueAt: string): string {
  return `${code}|${replyDueAt}`;
}

/** The receipt this browser holds for this code (its reply due date), if any. */
export function receiptFor(cookie: string | undefined, code: string): { replyDueAt: string } | undefined {
  const [savedCode, due] = (cookie ?? '').split('|');
  if (!savedCode || !due || normalizeCode(savedCode) !== normalizeCode(code)) return undefined;
  return Number.isNaN(new Date(due).getTime()) ? undefined : { replyDueAt: due };
}

/** Left by the rating page after POST /api/cases/{code}/evaluation answered 201. */
export const RATED_COOKIE = 'hotline_rated';

/** After a dissatisfied rating: the office's review by a date, or a redo with a new reply deadline. */
export interface RatingNext {
  action: 'flag' | 'reopen';
  at: string;
}

export interface RatingReceipt {
  satisfaction: string;
  resolved: boolean;
  evaluatedAt: string;
  next?: RatingNext | undefined;
}

export function ratedCookieValue(code: string, rating: RatingReceipt): string {
  const next = rating.next ? [rating.next.action, rating.next.at] : [];
  return [code, rating.satisfaction, rating.resolved ? 'yes' : 'no', rating.evaluatedAt, ...next].join('|');
}

/** The rating this browser just gave for this code, if any. */
export function ratingFor(cookie: string | undefined, code: string): RatingReceipt | undefined {
  const [savedCode, satisfaction, resolved, evaluatedAt, nextAction, nextAt] = (cookie ?? '').split('|');
  if (!savedCode || !satisfaction || !evaluatedAt || normalizeCode(savedCode) !== normalizeCode(code)) return undefined;
  if ((resolved !== 'yes' && resolved !== 'no') || Number.isNaN(new Date(evaluatedAt).getTime())) return undefined;
  const action = nextAction === 'flag' || nextAction === 'reopen' ? nextAction : undefined;
  const next: RatingNext | undefined = action && nextAt && !Number.isNaN(new Date(nextAt).getTime()) ? { action, at: nextAt } : undefined;
  return { satisfaction, resolved: resolved === 'yes', evaluatedAt, ...(next ? { next } : {}) };
}

/** The options both cookies are set with. */
export function receiptCookieOptions(url: URL) {
  return { path: '/', httpOnly: true, sameSite: 'lax' as const, secure: url.protocol === 'https:', maxAge: RECEIPT_MAX_AGE };
}
