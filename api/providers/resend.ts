import { Resend } from 'resend';
import { ambiguousStatus, type EmailMessage, type EmailProvider, parseRetryAfter, retryableStatus, type SendResult, type TimeoutSignal, wallClockTimeout } from './types.ts';

/**
 * Resend through its official client (fetch-based: runs on Node and Workers).
 * Resend keeps each Idempotency-Key for 24 hours and answers a repeat with the
 * first email's id, so a retry after an unknown outcome is safe within that
 * window (the delivery backoff stays well inside it).
 */
export function resendEmail(config: { apiKey: string; from: string; baseUrl: string; timeoutMs: number }, timeout: TimeoutSignal = wallClockTimeout): EmailProvider {
  const client = new Resend(config.apiKey, { baseUrl: config.baseUrl });
  return {
    name: 'resend',
    async send(m: EmailMessage): Promise<SendResult> {
      try {
        const { data, error, headers } = await client.emails.send(
          { from: config.from, to: m.to, subject: m.subject, text: m.text, html: m.html },
          // Without a signal the call waits as long as Node's fetch does (~300 s), as long as the delivery lease.
          { idempotencyKey: m.idempotencyKey, signal: timeout(config.timeoutMs) },
        );
        if (data?.id) return { ok: true, providerMessageId: data.id };
        // The client turns a network failure or timeout into statusCode null.
        const status = error?.statusCode ?? 0;
        // 409 concurrent_idempotent_requests: an earlier attempt with this key is still in progress.
        const inProgress = error?.name === 'concurrent_idempotent_requests';
        const retryAfterMs = parseRetryAfter(headers?.['retry-after']);
        return {
          ok: false,
          retryable: status === 0 || inProgress || retryableStatus(status),
          ambiguous: status === 0 || inProgress || ambiguousStatus(status),
          error: `resend ${status}: ${error?.name ?? 'no id returned'}`,
          ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
        };
      } catch (err) {
        return { ok: false, retryable: true, ambiguous: true, error: `resend: ${(err as Error).name}` };
      }
    },
  };
}
