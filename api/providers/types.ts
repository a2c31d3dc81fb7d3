/**
 * What the outbox delivery job needs from a provider. One idempotency key per
 * outbox row is passed to every provider; only some providers honour it
 * (Resend for 24 hours, our 12345 platform contract), and Twilio's Messages API
 * does not, which is why an SMS provider can also look a message up.
 */
export type SendResult =
  | { ok: true; providerMessageId: string }
  | {
      ok: false;
      retryable: boolean;
      error: string;
      /**
       * The attempt ended without knowing whether the provider took the message
       * (timeout, reset connection, 5xx): it may already be on its way.
       */
      ambiguous?: boolean;
      /** The provider asked us to wait this long before the next attempt (Retry-After). */
      retryAfterMs?: number;
    };

export interface SmsMessage {
  to: string;
  body: string;
  idempotencyKey: string;
  /** Where the provider reports delivery (Twilio status callbacks). */
  statusCallback?: string | undefined;
}

/** The outcome of looking for a message an unconfirmed attempt may have left at the provider. */
export type LookupResult = { ok: true; providerMessageId: string | null } | { ok: false; error: string; retryAfterMs?: number };

export interface SmsProvider {
  readonly name: string;
  send(message: SmsMessage): Promise<SendResult>;
  /**
   * Finds a message to `to` with exactly this body that the provider took on or
   * after `since`. Providers that deduplicate retries themselves need none.
   */
  find?(message: { to: string; body: string; since: Date }): Promise<LookupResult>;
}

export interface EmailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
  idempotencyKey: string;
}

export interface EmailProvider {
  readonly name: string;
  send(message: EmailMessage): Promise<SendResult>;
}

/**
 * How a provider call gets its time limit: one signal per call. Calls are kept
 * well under the delivery lease, so that a row is never claimed again while its
 * first attempt may still be talking to the provider.
 */
export type TimeoutSignal = (ms: number) => AbortSignal;
export const wallClockTimeout: TimeoutSignal = (ms) => AbortSignal.timeout(ms);

/** HTTP status → retry or give up: 408, 429 and 5xx are worth another try. */
export function retryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** A 5xx (or 408) after a send may come after the provider took the message; a 429 or other 4xx is a refusal. */
export function ambiguousStatus(status: number): boolean {
  return status === 408 || status >= 500;
}

/** Retry-After in seconds or as an HTTP date, as milliseconds from now; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** A failed call's error name only (TimeoutError, AbortError, TypeError…): never its message, which may quote the request. */
export function errorName(err: unknown): string {
  if (err instanceof Error) {
    const code = (err.cause as { code?: unknown } | undefined)?.code;
    return typeof code === 'string' ? `${err.name} (${code})` : err.name;
  }
  return 'unknown error';
}

/**
 * With no credentials configured, messages are recorded rather than sent: the
 * outbox row itself (marked sent by provider "local") is the record, and the
 * staff console's outbox viewer shows it, so the system runs fully on a laptop.
 */
export const localSms: SmsProvider = {
  name: 'local',
  async send(m) {
    return { ok: true, providerMessageId: `local-${m.idempotencyKey}` };
  },
};
export const localEmail: EmailProvider = {
  name: 'local',
  async send(m) {
    return { ok: true, providerMessageId: `local-${m.idempotencyKey}` };
  },
};
