import { Resend } from 'resend';
import type { EmailMessage, EmailProvider, SendResult } from './types.ts';

/** Resend through its official client (fetch-based: runs on Node and Workers), with its Idempotency-Key. */
export function resendEmail(config: { apiKey: string; from: string; baseUrl: string }): EmailProvider {
  const client = new Resend(config.apiKey, { baseUrl: config.baseUrl });
  return {
    name: 'resend',
    async send(m: EmailMessage): Promise<SendResult> {
      try {
        const { data, error } = await client.emails.send(
          { from: config.from, to: m.to, subject: m.subject, text: m.text, html: m.html },
          { idempotencyKey: m.idempotencyKey },
        );
        if (data?.id) return { ok: true, providerMessageId: data.id };
        const status = (error as { statusCode?: number } | null)?.statusCode ?? 0;
        const retryable = status === 0 || status === 408 || status === 429 || status >= 500;
        return { ok: false, retryable, error: `resend ${status}: ${error?.name ?? ''} ${error?.message ?? 'no id returned'}`.trim() };
      } catch (err) {
        return { ok: false, retryable: true, error: `resend: ${(err as Error).message}` };
      }
    },
  };
}
