import type { Ctx } from '../../context.ts';
import { ambiguousStatus, errorName, parseRetryAfter, retryableStatus, type SendResult, type TimeoutSignal, wallClockTimeout } from '../../providers/types.ts';
import { signFeedBody } from './signature.ts';

/** The callbacks we send the platform, by the outbox row's template (= the payload's `event`). */
export const CALLBACK_EVENTS = ['acknowledged', 'replied', 'extension_requested', 'returned', 'merged', 'reopened', 'appeal'] as const;
export type CallbackEvent = (typeof CALLBACK_EVENTS)[number];

/**
 * Sends one 12345 callback (an outbox row of channel `callback_12345`): the
 * payload `{ orderNo, event, at, text?, newDueAt?, reason? }` as JSON, signed
 * like the pushes we receive (X-Signature), with the row's idempotency key so
 * the platform can drop a resend of a callback it already took.
 *
 * `recipient` is the callback URL as configured when the row was written;
 * `local` means no platform was configured then, and the row counts as
 * delivered locally (the outbox row is the record). 2xx is delivered; 408, 429,
 * 5xx, a timeout or a network failure are worth another try (after the
 * platform's Retry-After, when it gives one); any other 4xx, a redirect or a
 * missing secret are not (the row goes dead, an admin can retry it). The call
 * is bounded by the provider timeout, well under the delivery lease.
 */
export async function deliverCallback(
  ctx: Ctx,
  row: { recipient: string; payload: Record<string, unknown>; idempotencyKey: string },
  fetchImpl: typeof fetch = fetch,
  options: { timeoutMs?: number; timeout?: TimeoutSignal } = {},
): Promise<SendResult> {
  if (row.recipient === 'local') return { ok: true, providerMessageId: `local-${row.idempotencyKey}` };
  const secret = ctx.config.feed12345.secret;
  if (!secret) return { ok: false, retryable: false, error: 'FEED_12345_SECRET is not set, so the callback cannot be signed' };
  let url: URL;
  try {
    url = new URL(row.recipient);
  } catch {
    return { ok: false, retryable: false, error: `not a callback URL: ${row.recipient.slice(0, 100)}` };
  }
  const body = JSON.stringify(row.payload);
  const timeoutMs = options.timeoutMs ?? ctx.config.providerTimeoutMs;
  try {
    const res = await fetchImpl(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'x-signature': await signFeedBody(secret, body, ctx.clock.now()),
        'idempotency-key': row.idempotencyKey,
        'user-agent': 'station-hotline/1 (12345 callback)',
      },
      body,
      // A redirected POST may turn into a GET elsewhere: never follow one.
      redirect: 'manual',
      signal: (options.timeout ?? wallClockTimeout)(timeoutMs),
    });
    const text = await res.text().catch(() => '');
    if (res.status >= 200 && res.status < 300) return { ok: true, providerMessageId: messageId(text) ?? row.idempotencyKey };
    if (res.status >= 300 && res.status < 400) {
      return { ok: false, retryable: false, error: `HTTP ${res.status}: redirect to ${res.headers.get('location') ?? '?'} (not followed)` };
    }
    const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'));
    return {
      ok: false,
      retryable: retryableStatus(res.status),
      ambiguous: ambiguousStatus(res.status),
      error: `HTTP ${res.status}${text ? `: ${text.slice(0, 200)}` : ''}`,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    };
  } catch (err) {
    const e = err as Error;
    const timedOut = e.name === 'TimeoutError' || e.name === 'AbortError';
    // The platform may have taken it; a resend carries the same Idempotency-Key, which it drops.
    return { ok: false, retryable: true, ambiguous: true, error: timedOut ? `no answer within ${timeoutMs / 1000} s` : `network: ${errorName(e)}` };
  }
}

/** The platform's own id for the callback, when its answer names one. */
function messageId(text: string): string | undefined {
  if (!text) return undefined;
  try {
    const body = JSON.parse(text) as Record<string, unknown>;
    const id = body.id ?? body.messageId ?? body.callbackId;
    return typeof id === 'string' || typeof id === 'number' ? String(id).slice(0, 200) : undefined;
  } catch {
    return undefined;
  }
}
