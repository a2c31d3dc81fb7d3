import { normalizeCode } from './format.ts';

/**
 * The receipt page shows the reply due date, which only the filing response
 * carries (a lookup needs the phone digits). The report page leaves it in a
 * short-lived HttpOnly cookie for the receipt page; the URL carries only the
 * tracking code, never anything personal.
 */
export const RECEIPT_COOKIE = 'hotline_receipt';

export function receiptCookieValue(code: string, replyDueAt: string): string {
  return `${code}|${replyDueAt}`;
}

/** The due date for this code, if the cookie holds one for it. */
export function dueFromReceipt(cookie: string | undefined, code: string): string | undefined {
  if (!cookie) return undefined;
  const [savedCode, due] = cookie.split('|');
  if (!savedCode || !due || normalizeCode(savedCode) !== normalizeCode(code)) return undefined;
  return Number.isNaN(new Date(due).getTime()) ? undefined : due;
}
