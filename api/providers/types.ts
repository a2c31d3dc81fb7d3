/**
 * What the outbox delivery job needs from a provider. One idempotency key per
 * outbox row is passed to every provider, so a retried send is not a second message.
 */
export type SendResult =
  | { ok: true; providerMessageId: string }
  | { ok: false; retryable: boolean; error: string };

export interface SmsMessage {
  to: string;
  body: string;
  idempotencyKey: string;
  /** Where the provider reports delivery (Twilio status callbacks). */
  statusCallback?: string | undefined;
}

export interface SmsProvider {
  readonly name: string;
  send(message: SmsMessage): Promise<SendResult>;
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

/** HTTP status → retry or give up: 408, 429 and 5xx are worth another try. */
export function retryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
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
